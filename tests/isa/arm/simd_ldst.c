/*
 * simd_ldst.c — AdvSIMD structure loads and stores: LD1 (1-4 registers),
 * LD2, LD3, LD4 and the ST forms, every element size, 64- and 128-bit
 * arrangements, register wrap-around (V31 -> V0), single-lane loads and
 * stores (other lanes kept), LD1R-LD4R, post-index by immediate and by
 * register.
 *
 * The layouts follow the ARM ARM shared pseudocode for LD1..LD4: memory
 * element j (of size E) of structure member s goes to lane j/selem of
 * register t + s (s = j mod selem); a 64-bit arrangement clears the upper
 * half of each register. The test computes each expected register image
 * from that rule and reads the registers back with plain ST1 of 16 bytes.
 */
#include "lib/test.h"

static uint8_t src[256] __attribute__((aligned(16)));
static uint8_t out[8][16];

static void fill(void)
{
    for (int i = 0; i < 256; i++)
        src[i] = (uint8_t)(i + 1);
}

/* expected register r (0..selem-1) after LD<selem> of esize bytes, q */
static void expect_ld(uint8_t *want, unsigned r, unsigned selem, unsigned esize, unsigned bytes,
                      const uint8_t *mem)
{
    memset(want, 0, 16);
    unsigned lanes = bytes / esize;
    for (unsigned l = 0; l < lanes; l++)
        memcpy(want + l * esize, mem + (l * selem + r) * esize, esize);
}

static void check_regs(int line, unsigned n, unsigned selem, unsigned esize, unsigned bytes)
{
    for (unsigned r = 0; r < n; r++) {
        uint8_t want[16];
        if (selem == 1)
            expect_ld(want, 0, 1, esize, bytes, src + r * bytes);
        else
            expect_ld(want, r, selem, esize, bytes, src);
        check_eq(__FILE__, line, "register image differs (register index)", memcmp(out[r], want, 16) ? r + 1 : 0, 0);
    }
}

/* store the 4 (or 8) registers V0..V3 back as 16-byte images */
#define SAVE4() asm volatile("st1 {v0.16b, v1.16b, v2.16b, v3.16b}, [%0]" :: "r"(out) : "memory")

static void multiple(void)
{
    fill();
    asm volatile("ld1 {v0.8b}, [%0]" :: "r"(src) : "v0");
    SAVE4(); check_regs(__LINE__, 1, 1, 1, 8);
    asm volatile("ld1 {v0.16b, v1.16b}, [%0]" :: "r"(src) : "v0", "v1");
    SAVE4(); check_regs(__LINE__, 2, 1, 1, 16);
    asm volatile("ld1 {v0.4h, v1.4h, v2.4h}, [%0]" :: "r"(src) : "v0", "v1", "v2");
    SAVE4(); check_regs(__LINE__, 3, 1, 2, 8);
    asm volatile("ld1 {v0.2d, v1.2d, v2.2d, v3.2d}, [%0]" :: "r"(src) : "v0", "v1", "v2", "v3");
    SAVE4(); check_regs(__LINE__, 4, 1, 8, 16);
    asm volatile("ld1 {v0.1d}, [%0]" :: "r"(src) : "v0");
    SAVE4(); check_regs(__LINE__, 1, 1, 8, 8);
    asm volatile("ld2 {v0.8b, v1.8b}, [%0]" :: "r"(src) : "v0", "v1");
    SAVE4(); check_regs(__LINE__, 2, 2, 1, 8);
    asm volatile("ld2 {v0.4s, v1.4s}, [%0]" :: "r"(src) : "v0", "v1");
    SAVE4(); check_regs(__LINE__, 2, 2, 4, 16);
    asm volatile("ld3 {v0.8h, v1.8h, v2.8h}, [%0]" :: "r"(src) : "v0", "v1", "v2");
    SAVE4(); check_regs(__LINE__, 3, 3, 2, 16);
    asm volatile("ld3 {v0.2s, v1.2s, v2.2s}, [%0]" :: "r"(src) : "v0", "v1", "v2");
    SAVE4(); check_regs(__LINE__, 3, 3, 4, 8);
    asm volatile("ld4 {v0.16b, v1.16b, v2.16b, v3.16b}, [%0]" :: "r"(src) : "v0", "v1", "v2", "v3");
    SAVE4(); check_regs(__LINE__, 4, 4, 1, 16);
    asm volatile("ld4 {v0.2d, v1.2d, v2.2d, v3.2d}, [%0]" :: "r"(src) : "v0", "v1", "v2", "v3");
    SAVE4(); check_regs(__LINE__, 4, 4, 8, 16);
    asm volatile("ld4 {v0.4h, v1.4h, v2.4h, v3.4h}, [%0]" :: "r"(src) : "v0", "v1", "v2", "v3");
    SAVE4(); check_regs(__LINE__, 4, 4, 2, 8);

    /* stores: ST<n> is the inverse of LD<n> */
    static uint8_t dst[128] __attribute__((aligned(16)));
    memset(dst, 0xee, sizeof(dst));
    asm volatile("ld4 {v0.8h, v1.8h, v2.8h, v3.8h}, [%0]\nst4 {v0.8h, v1.8h, v2.8h, v3.8h}, [%1]"
                 :: "r"(src), "r"(dst) : "v0", "v1", "v2", "v3", "memory");
    CHECK(memcmp(dst, src, 64), 0); CHECK(dst[64], 0xee);
    memset(dst, 0xee, sizeof(dst));
    asm volatile("ld3 {v0.8b, v1.8b, v2.8b}, [%0]\nst3 {v0.8b, v1.8b, v2.8b}, [%1]"
                 :: "r"(src), "r"(dst) : "v0", "v1", "v2", "memory");
    CHECK(memcmp(dst, src, 24), 0); CHECK(dst[24], 0xee);
    memset(dst, 0xee, sizeof(dst));
    asm volatile("ld2 {v0.2d, v1.2d}, [%0]\nst1 {v0.2d, v1.2d}, [%1]" :: "r"(src), "r"(dst)
                 : "v0", "v1", "memory");
    /* v0 = elements 0 and 2, v1 = 1 and 3 (8-byte elements) */
    CHECK(memcmp(dst, src, 8), 0); CHECK(memcmp(dst + 8, src + 16, 8), 0);
    CHECK(memcmp(dst + 16, src + 8, 8), 0); CHECK(memcmp(dst + 24, src + 24, 8), 0);
    memset(dst, 0xee, sizeof(dst));
    asm volatile("ld1 {v0.16b, v1.16b, v2.16b}, [%0]\nst2 {v0.4s, v1.4s}, [%1]" :: "r"(src), "r"(dst)
                 : "v0", "v1", "v2", "memory");
    for (int i = 0; i < 4; i++) {
        CHECK(memcmp(dst + 8 * i, src + 4 * i, 4), 0);
        CHECK(memcmp(dst + 8 * i + 4, src + 16 + 4 * i, 4), 0);
    }
    CHECK(dst[32], 0xee);
    /* register numbers wrap from 31 to 0 */
    asm volatile("ld4 {v30.4s, v31.4s, v0.4s, v1.4s}, [%0]\nst1 {v0.16b, v1.16b}, [%1]\n"
                 "add x9, %1, #32\nst1 {v30.16b, v31.16b}, [x9]" :: "r"(src), "r"(dst)
                 : "v0", "v1", "v30", "v31", "x9", "memory");
    uint8_t want[16];
    expect_ld(want, 2, 4, 4, 16, src); CHECK(memcmp(dst, want, 16), 0);
    expect_ld(want, 3, 4, 4, 16, src); CHECK(memcmp(dst + 16, want, 16), 0);
    expect_ld(want, 0, 4, 4, 16, src); CHECK(memcmp(dst + 32, want, 16), 0);
    expect_ld(want, 1, 4, 4, 16, src); CHECK(memcmp(dst + 48, want, 16), 0);
}

static void postindex(void)
{
    uint64_t p = (uint64_t)src;
    asm volatile("ld1 {v0.16b, v1.16b}, [%0], #32" : "+r"(p) : : "v0", "v1");
    CHECK(p, (uint64_t)src + 32);
    p = (uint64_t)src;
    asm volatile("ld3 {v0.4h, v1.4h, v2.4h}, [%0], #24" : "+r"(p) : : "v0", "v1", "v2");
    CHECK(p, (uint64_t)src + 24);
    p = (uint64_t)src;
    asm volatile("ld2 {v0.8b, v1.8b}, [%0], %1" : "+r"(p) : "r"(100ul) : "v0", "v1");
    CHECK(p, (uint64_t)src + 100);
    p = (uint64_t)src;
    asm volatile("ld1 {v0.b}[3], [%0], #1" : "+r"(p) : : "v0");
    CHECK(p, (uint64_t)src + 1);
    p = (uint64_t)src;
    asm volatile("ld4r {v0.4s, v1.4s, v2.4s, v3.4s}, [%0], #16" : "+r"(p) : : "v0", "v1", "v2", "v3");
    CHECK(p, (uint64_t)src + 16);
    p = (uint64_t)src;
    asm volatile("ld3 {v0.d, v1.d, v2.d}[1], [%0], %1" : "+r"(p) : "r"(-8ul) : "v0", "v1", "v2");
    CHECK(p, (uint64_t)src - 8);
}

static void single(void)
{
    static uint8_t img[64] __attribute__((aligned(16)));
    for (int i = 0; i < 64; i++)
        img[i] = (uint8_t)(0xa0 + i);
    /* one lane of each size; the other lanes keep their bytes */
    asm volatile("ld1 {v0.16b}, [%1]\nld1 {v0.b}[15], [%0]\nst1 {v0.16b}, [%2]"
                 :: "r"(src + 5), "r"(img), "r"(out) : "v0", "memory");
    CHECK(memcmp(out[0], img, 15), 0); CHECK(out[0][15], src[5]);
    asm volatile("ld1 {v0.16b}, [%1]\nld1 {v0.h}[5], [%0]\nst1 {v0.16b}, [%2]"
                 :: "r"(src + 6), "r"(img), "r"(out) : "v0", "memory");
    CHECK(memcmp(out[0], img, 10), 0); CHECK(memcmp(out[0] + 10, src + 6, 2), 0);
    CHECK(memcmp(out[0] + 12, img + 12, 4), 0);
    asm volatile("ld1 {v0.16b, v1.16b}, [%1]\nld2 {v0.s, v1.s}[2], [%0]\nst1 {v0.16b, v1.16b}, [%2]"
                 :: "r"(src + 8), "r"(img), "r"(out) : "v0", "v1", "memory");
    CHECK(memcmp(out[0] + 8, src + 8, 4), 0); CHECK(memcmp(out[1] + 8, src + 12, 4), 0);
    CHECK(memcmp(out[0], img, 8), 0); CHECK(memcmp(out[1] + 12, img + 28, 4), 0);
    asm volatile("ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [%1]\nld4 {v0.d, v1.d, v2.d, v3.d}[0], [%0]\n"
                 "st1 {v0.16b, v1.16b, v2.16b, v3.16b}, [%2]"
                 :: "r"(src), "r"(img), "r"(out) : "v0", "v1", "v2", "v3", "memory");
    for (int r = 0; r < 4; r++) {
        CHECK(memcmp(out[r], src + 8 * r, 8), 0);
        CHECK(memcmp(out[r] + 8, img + 16 * r + 8, 8), 0);
    }
    /* single-lane stores */
    static uint8_t dst[32];
    memset(dst, 0xee, sizeof(dst));
    asm volatile("ld1 {v0.16b, v1.16b, v2.16b}, [%0]\nst3 {v0.h, v1.h, v2.h}[7], [%1]"
                 :: "r"(src), "r"(dst) : "v0", "v1", "v2", "memory");
    CHECK(memcmp(dst, src + 14, 2), 0); CHECK(memcmp(dst + 2, src + 30, 2), 0);
    CHECK(memcmp(dst + 4, src + 46, 2), 0); CHECK(dst[6], 0xee);
    asm volatile("ld1 {v0.16b}, [%0]\nst1 {v0.b}[9], [%1]" :: "r"(src), "r"(dst + 20) : "v0", "memory");
    CHECK(dst[20], src[9]); CHECK(dst[21], 0xee);
    /* replicate */
    asm volatile("ld1r {v0.8b}, [%0]\nst1 {v0.16b}, [%1]" :: "r"(src + 3), "r"(out) : "v0", "memory");
    for (int i = 0; i < 16; i++)
        CHECK(out[0][i], i < 8 ? src[3] : 0);
    asm volatile("ld2r {v0.8h, v1.8h}, [%0]\nst1 {v0.16b, v1.16b}, [%1]" :: "r"(src), "r"(out)
                 : "v0", "v1", "memory");
    for (int i = 0; i < 16; i += 2) {
        CHECK(memcmp(out[0] + i, src, 2), 0);
        CHECK(memcmp(out[1] + i, src + 2, 2), 0);
    }
    asm volatile("ld3r {v0.1d, v1.1d, v2.1d}, [%0]\nst1 {v0.16b, v1.16b, v2.16b}, [%1]" :: "r"(src), "r"(out)
                 : "v0", "v1", "v2", "memory");
    for (int r = 0; r < 3; r++) {
        CHECK(memcmp(out[r], src + 8 * r, 8), 0);
        CHECK(*(uint64_t *)(out[r] + 8), 0);
    }
    asm volatile("ld4r {v0.2s, v1.2s, v2.2s, v3.2s}, [%0]\nst1 {v0.16b, v1.16b, v2.16b, v3.16b}, [%1]"
                 :: "r"(src), "r"(out) : "v0", "v1", "v2", "v3", "memory");
    for (int r = 0; r < 4; r++) {
        CHECK(memcmp(out[r], src + 4 * r, 4), 0);
        CHECK(memcmp(out[r] + 4, src + 4 * r, 4), 0);
        CHECK(*(uint64_t *)(out[r] + 8), 0);
    }
}

int main(void)
{
    fill();
    multiple();
    postindex();
    single();
    return test_summary("simd_ldst");
}
