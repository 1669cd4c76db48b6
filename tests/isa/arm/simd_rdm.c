/*
 * simd_rdm.c — FEAT_RDM (ARMv8.1): SQRDMLAH and SQRDMLSH, vector, scalar
 * and by element: SignedSatQ(((d << esize) ± 2·a·b + 2^(esize-1)) >> esize)
 * with FPSR.QC on saturation.
 *
 * isa-cpu: max
 *
 * Expected values are worked out by hand from the ARM ARM pseudocode;
 * `make check-isa-qemu` runs the same program under qemu-system-aarch64.
 */
#include "lib/test.h"

asm(".arch armv8.1-a");

#define QC (1ul << 27)

typedef struct V {
    uint64_t lo, hi;
} V;

static uint64_t fpsr;

static V mk(uint64_t lo, uint64_t hi)
{
    V v = { lo, hi };
    return v;
}

#define VOP(insn, d, a, b) ({                                                        \
    V r_, d_ = d, a_ = a, b_ = b;                                                    \
    asm volatile("ldr q0, [%[pd]]\n ldr q1, [%[pa]]\n ldr q2, [%[pb]]\n msr fpsr, xzr\n" \
                 insn "\n str q0, [%[pr]]\n mrs %[fs], fpsr"                          \
                 : [fs] "=&r"(fpsr)                                                  \
                 : [pd] "r"(&d_), [pa] "r"(&a_), [pb] "r"(&b_), [pr] "r"(&r_)        \
                 : "v0", "v1", "v2", "memory");                                      \
    r_; })
#define CHECKV(v, l, h, q) do { V v_ = (v); CHECK(v_.lo, l); CHECK(v_.hi, h); CHECK(fpsr & QC, q); } while (0)

int main(void)
{
    /* lanes: 1 + (2·2^28 + 2^15) >> 16 -> 0x2001; 0x7fff + ... saturates */
    CHECKV(VOP("sqrdmlah v0.4h, v1.4h, v2.4h", mk(0x00007fff0001ul, 0xffff), mk(0x40004000ul, 0),
               mk(0x40004000ul, 0)), 0x00007fff2001ul, 0, QC);
    CHECKV(VOP("sqrdmlah v0.4h, v1.4h, v2.4h", mk(1, 0), mk(0x4000, 0), mk(0x4000, 0)), 0x2001, 0, 0);
    /* 0 - 2·(-2^15)^2 + 2^15 = -2^31 + 2^15: >> 16 floors to -2^15 */
    CHECKV(VOP("sqrdmlsh v0.8h, v1.8h, v2.8h", mk(0, 0), mk(0x8000, 0), mk(0x8000, 0)), 0x8000, 0, 0);
    /* (-2^31 - 2·2^28 + 2^15) >> 16 = -40960: saturates to -2^15 */
    CHECKV(VOP("sqrdmlsh h0, h1, h2", mk(0x8000, 7), mk(0x4000, 0), mk(0x4000, 0)), 0x8000, 0, QC);
    /* scalar by element: (2^32 + 2·2^30·2 + 2^31) >> 32 = 2 */
    CHECKV(VOP("sqrdmlah s0, s1, v2.s[1]", mk(1, ~0ul), mk(0x40000000, 0), mk(0x0000000200000000ul, 0)),
           2, 0, 0);
    /* by element, 2^30·(2^31-1)·2 + 2^31 = 2^62 -> 2^30; 2·(2^31-1) + 2^31 -> 1 */
    CHECKV(VOP("sqrdmlah v0.4s, v1.4s, v2.s[3]", mk(0, 0), mk(0x0000000140000000ul, 0),
               mk(0, 0x7fffffff00000000ul)), 0x0000000140000000ul, 0, 0);
    return test_summary("simd_rdm");
}
