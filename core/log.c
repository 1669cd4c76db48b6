/*
 * log.c — the -d/-D debug log and capstone disassembly for in_asm/out_asm.
 * Items are listed once, in log_items[]; -d help prints that table.
 */
#include "core/log.h"

#include <capstone/capstone.h>
#include <pthread.h>

uint32_t log_mask;
static FILE *log_fp;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
    const char *name;
    uint32_t mask;
    const char *help;
} log_items[] = {
    {"in_asm", LOG_IN_ASM, "show guest code of each translated block"},
    {"out_asm", LOG_OUT_ASM, "show the host code generated for each block"},
    {"op", LOG_OP, "show the IR of each block, before and after optimization"},
    {"int", LOG_INT, "show interrupts and exceptions"},
    {"exec", LOG_EXEC, "show each executed block"},
    {"cpu", LOG_CPU, "show CPU registers before each executed block"},
    {"guest_errors", LOG_GUEST_ERROR,
     "log when the guest does something invalid (bad register access, bad descriptor)"},
    {"unimp", LOG_UNIMP, "log when the guest uses something not implemented"},
    {"mmu", LOG_MMU, "log page-table walks and MMU faults"},
    {"jitstats", LOG_JITSTATS, "print translator statistics at exit"},
    {"net", LOG_NET, "log the network frame path"},
    {"chain", LOG_CHAIN, "log block chaining and unchaining"},
};

void log_print_help(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++)
        fprintf(out, "%-13s %s\n", log_items[i].name, log_items[i].help);
    fprintf(out, "%-13s %s\n", "all", "all of the above");
}

int64_t log_parse_items(const char *arg, Error **errp)
{
    uint32_t mask = 0;
    char *copy = xstrdup(arg), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "all")) {
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++)
                mask |= log_items[i].mask;
            continue;
        }
        size_t i;
        for (i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (!strcmp(tok, log_items[i].name)) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == ARRAY_SIZE(log_items)) {
            StrBuf sb = {0};
            for (i = 0; i < ARRAY_SIZE(log_items); i++)
                sb_printf(&sb, "%s, ", log_items[i].name);
            sb_printf(&sb, "all");
            error_setg(errp, "-d: unknown log item '%s' (valid: %s; see -d help)", tok,
                       sb_str(&sb));
            sb_free(&sb);
            free(copy);
            return -1;
        }
    }
    free(copy);
    return mask;
}

int log_set_file(const char *path, Error **errp)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        error_setg_errno(errp, errno, "-D: cannot open log file '%s'", path);
        return -1;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    pthread_mutex_lock(&log_lock);
    if (log_fp && log_fp != stderr)
        fclose(log_fp);
    log_fp = f;
    pthread_mutex_unlock(&log_lock);
    return 0;
}

FILE *log_file(void)
{
    return log_fp ? log_fp : stderr;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&log_lock);
    vfprintf(log_file(), fmt, ap);
    pthread_mutex_unlock(&log_lock);
    va_end(ap);
}

void log_flush(void)
{
    pthread_mutex_lock(&log_lock);
    fflush(log_file());
    pthread_mutex_unlock(&log_lock);
}

void log_disas(const char *arch, const void *code, size_t len, uint64_t addr)
{
    cs_arch csa;
    cs_mode mode;
    if (!strcmp(arch, "aarch64")) {
        csa = CS_ARCH_ARM64;
        mode = CS_MODE_LITTLE_ENDIAN;
    } else if (!strcmp(arch, "x86_64")) {
        csa = CS_ARCH_X86;
        mode = CS_MODE_64;
    } else {
        log_printf("  (no disassembler for %s)\n", arch);
        return;
    }
    csh h;
    if (cs_open(csa, mode, &h) != CS_ERR_OK) {
        log_printf("  (capstone unavailable)\n");
        return;
    }
    cs_insn *insn;
    size_t n = cs_disasm(h, code, len, addr, 0, &insn);
    size_t done = 0;
    pthread_mutex_lock(&log_lock);
    FILE *f = log_file();
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  0x%016" PRIx64 ":  %-10s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
        done += insn[i].size;
    }
    /* Bytes capstone could not decode (data, or an encoding it lacks). */
    if (done < len)
        fprintf(f, "  0x%016" PRIx64 ":  .byte ... (%zu undecoded bytes)\n", addr + done,
                len - done);
    pthread_mutex_unlock(&log_lock);
    if (n)
        cs_free(insn, n);
    cs_close(&h);
}
