/*
 * temporary: removed at integration.
 *
 * Minimal stand-ins for core/log.c, core/loop.c and core/memory.c (written
 * in parallel on other branches) so the translator branch links and its
 * tests run. Only the symbols the translator and its tests use; behaviour
 * follows the headers, nothing more.
 */
#include "core/log.h"

#include <capstone/capstone.h>

uint32_t log_mask;

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void log_flush(void)
{
    fflush(stderr);
}

FILE *log_file(void)
{
    return stderr;
}

void log_disas(const char *arch, const void *code, size_t len, uint64_t addr)
{
    csh h;
    cs_insn *insn;
    bool x86 = !strcmp(arch, "x86_64");
    if (cs_open(x86 ? CS_ARCH_X86 : CS_ARCH_ARM64, x86 ? CS_MODE_64 : CS_MODE_ARM, &h) != CS_ERR_OK)
        return;
    size_t n = cs_disasm(h, code, len, addr, 0, &insn);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "0x%08" PRIx64 ":  %s %s\n", insn[i].address, insn[i].mnemonic, insn[i].op_str);
    if (n)
        cs_free(insn, n);
    cs_close(&h);
}
