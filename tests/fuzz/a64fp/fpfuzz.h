/*
 * fpfuzz.h — what the two sides of the FP/AdvSIMD/crypto differential
 * fuzzer share: the case (instruction words, X/SP/NZCV, V0-V31, FPCR and
 * FPSR), the result, the memory map (a code page and a scratch data area
 * at the same addresses under qemu-aarch64 and in ferry's bare-metal RAM)
 * and the one-line text form of a result, so both sides' outputs compare
 * as strings.
 *
 * The memory map and the code/data fills are the integer fuzzer's
 * (tests/isa/arm/fuzz/fuzz-layout.h, included); the case and result are
 * its field order with the FPSR added, and the line format its format
 * with " fpsr=" added.
 *
 * Compiled for the host (fpfuzz.c, with ferry) and for aarch64 Linux
 * (harness.c, run under qemu-aarch64-static). Both are LP64 and
 * little-endian.
 */
#ifndef A64FP_FUZZ_H
#define A64FP_FUZZ_H

#include "../../isa/arm/fuzz/fuzz-layout.h"

typedef struct FuzzCase {
    uint32_t id;
    uint32_t ninsns;
    uint32_t slot;            /* code slot of the first instruction */
    uint32_t fpcr;
    uint32_t insns[FUZZ_MAX_INSNS];
    uint64_t x[31];
    uint64_t sp;
    uint64_t nzcv;            /* bits 31:28 */
    uint64_t mem_seed;
    uint64_t v[32][2];
    uint64_t fpsr;            /* initial FPSR (QC and cumulative flags) */
} FuzzCase;

enum { FUZZ_TRAP = 0, FUZZ_UNDEF = 1, FUZZ_SEGV = 2, FUZZ_BUS = 3, FUZZ_OTHER = 4 };

typedef struct FuzzResult {
    uint32_t id;
    uint32_t kind;
    uint64_t pc, far;
    uint64_t x[31];
    uint64_t sp;
    uint64_t nzcv;
    uint64_t v[32][2];
    uint64_t fpsr;
} FuzzResult;

/* One line: the result, then the data bytes that differ from the fill. */
static inline int fuzz_format(char *buf, size_t size, const FuzzResult *r, const uint8_t *data,
                              uint64_t seed)
{
    int n = snprintf(buf, size, "%u k=%u pc=%llx", r->id, r->kind, (unsigned long long)r->pc);
    if (r->kind == FUZZ_SEGV || r->kind == FUZZ_BUS)
        n += snprintf(buf + n, size - n, " far=%llx", (unsigned long long)r->far);
    for (int i = 0; i < 31; i++)
        n += snprintf(buf + n, size - n, " %llx", (unsigned long long)r->x[i]);
    n += snprintf(buf + n, size - n, " sp=%llx f=%llx", (unsigned long long)r->sp,
                  (unsigned long long)(r->nzcv >> 28));
    for (int i = 0; i < 32; i++)
        n += snprintf(buf + n, size - n, " %llx:%llx", (unsigned long long)r->v[i][1],
                      (unsigned long long)r->v[i][0]);
    n += snprintf(buf + n, size - n, " fpsr=%llx |", (unsigned long long)r->fpsr);
    uint64_t s = seed | 1;
    int diffs = 0;
    for (unsigned i = 0; i < FUZZ_DATA_SIZE; i += 8) {
        uint64_t want = fuzz_xorshift(&s), got;
        memcpy(&got, data + i, 8);
        if (got != want && diffs < 64) {
            n += snprintf(buf + n, size - n, " %x=%llx", i, (unsigned long long)got);
            diffs++;
        }
    }
    n += snprintf(buf + n, size - n, "\n");
    return n;
}

#endif
