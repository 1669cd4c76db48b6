/*
 * golden.h — what the golden-listing tests share (test_tcg_golden,
 * test_a64_golden, test_a64_golden_simd): host code disassembled with
 * capstone into one line per instruction, with addresses that vary from
 * run to run made stable (inside the block: "+offset"; elsewhere in the
 * host's address space: "ADDR"), and the comparison with a recorded
 * listing. FERRY_GOLDEN_PRINT=1 prints every listing, to paste after an
 * intended change. x86-64 hosts only (the listings are x86-64 code).
 */
#ifndef FERRY_TESTS_GOLDEN_H
#define FERRY_TESTS_GOLDEN_H

#include <capstone/capstone.h>

static char *golden_listing(const void *code, size_t size)
{
    csh h;
    cs_insn *insn;
    StrBuf sb = { 0 };
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
        return xstrdup("capstone unavailable");
    size_t n = cs_disasm(h, code, size, (uintptr_t)code, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        char ops[160];
        const char *p = insn[i].op_str;
        size_t k = 0;
        while (*p && k < sizeof(ops) - 8) {
            if (p[0] == '0' && p[1] == 'x') {
                uint64_t v = strtoull(p, NULL, 16);
                const char *q = p + 2;
                while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))
                    q++;
                if (v >= (uintptr_t)code && v < (uintptr_t)code + size)
                    k += (size_t)snprintf(ops + k, sizeof(ops) - k, "+%#" PRIx64,
                                          v - (uintptr_t)code);
                else if (v > 0xffffffffull && v < 0xffff800000000000ull)
                    k += (size_t)snprintf(ops + k, sizeof(ops) - k, "ADDR");
                else
                    k += (size_t)snprintf(ops + k, sizeof(ops) - k, "%.*s", (int)(q - p), p);
                p = q;
            } else {
                ops[k++] = *p++;
            }
        }
        ops[k] = 0;
        sb_printf(&sb, "%s%s%s\n", insn[i].mnemonic, *ops ? " " : "", ops);
    }
    if (n)
        cs_free(insn, n);
    cs_close(&h);
    return sb_steal(&sb);
}

/* Fails the test when CODE's listing is not WANT (printing both). */
static void golden_check(const char *name, const void *code, size_t size, const char *want)
{
    char *got = golden_listing(code, size);
    const char *pr = getenv("FERRY_GOLDEN_PRINT");
    if ((pr && *pr) || strcmp(got, want)) {
        fprintf(stderr, "---- %s: %zu bytes\n%s----\n", name, size, got);
        if (strcmp(got, want)) {
            fprintf(stderr, "---- expected:\n%s----\n", want);
            free(got);
            fail_msg("%s: emitted code changed", name);
        }
    }
    free(got);
}

#endif
