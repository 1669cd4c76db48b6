/*
 * fuzz.h — what the A64 differential fuzzer's two sides share: the case
 * layout (instruction words + register state + a memory seed), the memory
 * map (a code page and a scratch data area, at the same addresses under
 * qemu-aarch64 and in ferry's bare-metal RAM), the data fill, and the
 * one-line text form of a result, so the two sides' outputs compare as
 * strings.
 *
 * Compiled for the host (a64fuzz.c, with ferry) and for aarch64 Linux
 * (harness.c, run under qemu-aarch64-static). Both are LP64 and
 * little-endian.
 */
#ifndef A64_FUZZ_H
#define A64_FUZZ_H

#include "fuzz-layout.h"

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
} FuzzResult;

/* One line: the result, then the data bytes that differ from the fill.
 * Returns the number of characters written (buf must be large). */
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
    n += snprintf(buf + n, size - n, " |");
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
