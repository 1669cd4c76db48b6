/*
 * fuzz-layout.h — what both A64 differential fuzzers (the integer one here,
 * fuzz.h, and the FP/AdvSIMD/crypto one, tests/fuzz/a64fp/fpfuzz.h) share on
 * both of their sides: the memory map (a code page and a scratch data area
 * at the same addresses under qemu-aarch64 and in ferry's bare-metal RAM),
 * the code page's BRK fill and the data area's pseudo-random fill. Their
 * case and result records differ (the FP one carries FPSR) and stay in
 * their own headers.
 *
 * Compiled for the host (with ferry) and for aarch64 Linux (the harnesses,
 * run under qemu-aarch64-static). Both are LP64 and little-endian.
 */
#ifndef A64_FUZZ_LAYOUT_H
#define A64_FUZZ_LAYOUT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FUZZ_CODE_VA 0x40200000ull
#define FUZZ_CODE_SIZE 0x1000u
#define FUZZ_SLOTS (FUZZ_CODE_SIZE / 4)
#define FUZZ_DATA_VA 0x40300000ull
#define FUZZ_DATA_SIZE 0x20000u
#define FUZZ_MAX_INSNS 8
/* Every code slot not holding a test instruction is BRK #(FUZZ_BRK + slot):
 * where a block ends (or a branch lands) is visible in the result. */
#define FUZZ_BRK 0x100u
#define FUZZ_LINE_MAX 8192

static inline uint32_t fuzz_brk(unsigned slot)
{
    return 0xd4200000u | ((FUZZ_BRK + slot) & 0xffff) << 5;
}

/* The code page: BRKs, with the case's N instructions from code slot SLOT. */
static inline void fuzz_code_fill(uint32_t *page, const uint32_t *insns, uint32_t n,
                                  uint32_t slot)
{
    for (unsigned i = 0; i < FUZZ_SLOTS; i++)
        page[i] = fuzz_brk(i);
    for (unsigned i = 0; i < n && slot + i < FUZZ_SLOTS; i++)
        page[slot + i] = insns[i];
}

static inline uint64_t fuzz_xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static inline void fuzz_data_fill(uint8_t *data, uint64_t seed)
{
    uint64_t s = seed | 1;
    for (unsigned i = 0; i < FUZZ_DATA_SIZE; i += 8) {
        uint64_t v = fuzz_xorshift(&s);
        memcpy(data + i, &v, 8);
    }
}

#endif
