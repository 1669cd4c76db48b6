/*
 * ldst_fp.c — loads and stores of FP/SIMD registers: B, H, S, D, Q with
 * unsigned offset, unscaled, pre/post-index, register offset and literal;
 * pairs of S, D and Q (LDP/STP/LDNP/STNP). A load of B/H/S/D clears the
 * rest of the 128-bit register (ARM ARM: V[t] = ZeroExtend(data)); the
 * registers are observed by storing Q back to memory, so only loads and
 * stores are involved.
 */
#include "lib/test.h"

static uint8_t src[512] __attribute__((aligned(16)));
static uint8_t dst[512] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 512; i++) {
        src[i] = (uint8_t)(i * 13 + 5);
        dst[i] = 0xee;
    }
}

/* dst[0..15] must be src[from..from+n-1] then zeros */
static void check_vec(int line, unsigned from, unsigned n, const uint8_t *d)
{
    uint64_t bad = 0;
    for (unsigned i = 0; i < 16; i++) {
        uint8_t want = i < n ? src[from + i] : 0;
        if (d[i] != want)
            bad |= 1ul << i;
    }
    check_eq(__FILE__, line, "bytes differing (bit mask)", bad, 0);
}
#define CHECK_VEC(from, n, d) check_vec(__LINE__, (from), (n), (d))

static void sizes(void)
{
    fill();
    /* each size, unsigned offset */
    asm volatile("ldr b0, [%0, #3]\nstr q0, [%1]" :: "r"(src), "r"(dst) : "v0", "memory");
    CHECK_VEC(3, 1, dst);
    asm volatile("ldr h1, [%0, #6]\nstr q1, [%1]" :: "r"(src), "r"(dst) : "v1", "memory");
    CHECK_VEC(6, 2, dst);
    asm volatile("ldr s2, [%0, #12]\nstr q2, [%1]" :: "r"(src), "r"(dst) : "v2", "memory");
    CHECK_VEC(12, 4, dst);
    asm volatile("ldr d3, [%0, #24]\nstr q3, [%1]" :: "r"(src), "r"(dst) : "v3", "memory");
    CHECK_VEC(24, 8, dst);
    asm volatile("ldr q4, [%0, #48]\nstr q4, [%1]" :: "r"(src), "r"(dst) : "v4", "memory");
    CHECK_VEC(48, 16, dst);
    asm volatile("ldr q31, [%0, #496]\nstr q31, [%1]" :: "r"(src), "r"(dst) : "v31", "memory");
    CHECK_VEC(496, 16, dst);
    /* stores of each size write only their bytes */
    fill();
    asm volatile("ldr q5, [%0]\nstr b5, [%1, #1]\nstr h5, [%1, #4]\nstr s5, [%1, #8]\nstr d5, [%1, #16]"
                 :: "r"(src), "r"(dst) : "v5", "memory");
    CHECK(dst[0], 0xee); CHECK(dst[1], src[0]); CHECK(dst[2], 0xee);
    CHECK(dst[4] | dst[5] << 8, src[0] | src[1] << 8); CHECK(dst[6], 0xee);
    CHECK(memcmp(dst + 8, src, 4), 0); CHECK(dst[12], 0xee);
    CHECK(memcmp(dst + 16, src, 8), 0); CHECK(dst[24], 0xee);
}

static void modes(void)
{
    uint64_t p;
    fill();
    asm volatile("ldur q6, [%0, #-1]\nstr q6, [%1]" :: "r"(src + 32), "r"(dst) : "v6", "memory");
    CHECK_VEC(31, 16, dst);
    asm volatile("ldur s7, [%0, #255]\nstr q7, [%1]" :: "r"(src), "r"(dst) : "v7", "memory");
    CHECK_VEC(255, 4, dst);
    p = (uint64_t)src + 64;
    asm volatile("ldr d8, [%0], #-16\nstr q8, [%1]" : "+r"(p) : "r"(dst) : "v8", "memory");
    CHECK_VEC(64, 8, dst); CHECK(p, (uint64_t)src + 48);
    p = (uint64_t)src + 64;
    asm volatile("ldr q9, [%0, #16]!\nstr q9, [%1]" : "+r"(p) : "r"(dst) : "v9", "memory");
    CHECK_VEC(80, 16, dst); CHECK(p, (uint64_t)src + 80);
    asm volatile("ldr h10, [%0, %1, lsl #1]\nstr q10, [%2]" :: "r"(src), "r"(5ul), "r"(dst) : "v10", "memory");
    CHECK_VEC(10, 2, dst);
    asm volatile("ldr q11, [%0, %1, lsl #4]\nstr q11, [%2]" :: "r"(src), "r"(3ul), "r"(dst) : "v11", "memory");
    CHECK_VEC(48, 16, dst);
    asm volatile("ldr d12, [%0, %w1, sxtw #3]\nstr q12, [%2]" :: "r"(src + 64), "r"(0xfffffffful), "r"(dst)
                 : "v12", "memory");
    CHECK_VEC(56, 8, dst);
    asm volatile("ldr b13, [%0, %1]\nstr q13, [%2]" :: "r"(src), "r"(77ul), "r"(dst) : "v13", "memory");
    CHECK_VEC(77, 1, dst);
    /* store forms with writeback */
    fill();
    p = (uint64_t)dst + 32;
    asm volatile("ldr q14, [%1]\nstr q14, [%0, #-32]!\nstr s14, [%0], #100" : "+r"(p) : "r"(src) : "v14", "memory");
    CHECK(p, (uint64_t)dst + 100); CHECK(memcmp(dst, src, 16), 0);
    /* literal: S, D, Q */
    asm volatile("ldr s15, 1f\nstr q15, [%0]\nb 2f\n.balign 16\n1: .quad 0x0807060504030201, 0x100f0e0d0c0b0a09\n2:"
                 :: "r"(dst) : "v15", "memory");
    CHECK(*(uint64_t *)dst, 0x04030201ul); CHECK(*(uint64_t *)(dst + 8), 0);
    asm volatile("ldr d15, 1f\nstr q15, [%0]\nb 2f\n.balign 16\n1: .quad 0x0807060504030201, 0x100f0e0d0c0b0a09\n2:"
                 :: "r"(dst) : "v15", "memory");
    CHECK(*(uint64_t *)dst, 0x0807060504030201ul); CHECK(*(uint64_t *)(dst + 8), 0);
    asm volatile("ldr q15, 1f\nstr q15, [%0]\nb 2f\n.balign 16\n1: .quad 0x0807060504030201, 0x100f0e0d0c0b0a09\n2:"
                 :: "r"(dst) : "v15", "memory");
    CHECK(*(uint64_t *)dst, 0x0807060504030201ul); CHECK(*(uint64_t *)(dst + 8), 0x100f0e0d0c0b0a09ul);
}

static void pairs(void)
{
    uint64_t p;
    fill();
    asm volatile("ldp s16, s17, [%0, #8]\nstr q16, [%1]\nstr q17, [%1, #16]" :: "r"(src), "r"(dst)
                 : "v16", "v17", "memory");
    CHECK_VEC(8, 4, dst); CHECK_VEC(12, 4, dst + 16);
    asm volatile("ldp d18, d19, [%0, #-16]\nstr q18, [%1]\nstr q19, [%1, #16]" :: "r"(src + 64), "r"(dst)
                 : "v18", "v19", "memory");
    CHECK_VEC(48, 8, dst); CHECK_VEC(56, 8, dst + 16);
    asm volatile("ldp q20, q21, [%0, #1008 - 1024 + 32]\nstr q20, [%1]\nstr q21, [%1, #16]" :: "r"(src), "r"(dst)
                 : "v20", "v21", "memory");
    CHECK_VEC(16, 16, dst); CHECK_VEC(32, 16, dst + 16);
    p = (uint64_t)src;
    asm volatile("ldp q22, q23, [%0], #32\nstr q22, [%1]\nstr q23, [%1, #16]" : "+r"(p) : "r"(dst)
                 : "v22", "v23", "memory");
    CHECK_VEC(0, 16, dst); CHECK_VEC(16, 16, dst + 16); CHECK(p, (uint64_t)src + 32);
    asm volatile("ldnp d24, d25, [%0, #8]\nstr q24, [%1]\nstr q25, [%1, #16]" :: "r"(src), "r"(dst)
                 : "v24", "v25", "memory");
    CHECK_VEC(8, 8, dst); CHECK_VEC(16, 8, dst + 16);
    fill();
    p = (uint64_t)dst + 64;
    asm volatile("ldr q26, [%1]\nldr q27, [%1, #16]\nstp q26, q27, [%0, #-64]!\nstp s27, s26, [%0, #40]\n"
                 "stnp d26, d27, [%0, #48]"
                 : "+r"(p) : "r"(src) : "v26", "v27", "memory");
    CHECK(p, (uint64_t)dst);
    CHECK(memcmp(dst, src, 32), 0);
    CHECK(memcmp(dst + 40, src + 16, 4), 0); CHECK(memcmp(dst + 44, src, 4), 0);
    CHECK(memcmp(dst + 48, src, 8), 0); CHECK(memcmp(dst + 56, src + 16, 8), 0);
}

int main(void)
{
    sizes();
    modes();
    pairs();
    return test_summary("ldst_fp");
}
