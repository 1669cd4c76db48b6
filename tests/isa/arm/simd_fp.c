/*
 * simd_fp.c — AdvSIMD floating point: arrangements (.2S/.4S/.2D, and
 * .4H/.8H with FEAT_FP16), per-lane FPSR flags accumulating across lanes,
 * fused FMLA/FMLS, compares (quiet EQ, signalling GE/GT, absolute,
 * against zero), pairwise and across-lane reductions in the ARM ARM's
 * Reduce() order, conversions (to integers with saturation, fixed point,
 * FCVTN/FCVTL/FCVTXN with round-to-odd), FRINT*, estimates, by-element
 * forms and the FP16 groups, FPCR.FZ/DN on vector lanes.
 *
 * isa-cpu: max
 *
 * Expected values are worked out by hand from the ARM ARM pseudocode;
 * `make check-isa-qemu` runs the same program under qemu-system-aarch64.
 */
#include "lib/test.h"

asm(".arch armv8.2-a+fp16");

#define IOC 0x01ul
#define DZC 0x02ul
#define OFC 0x04ul
#define UFC 0x08ul
#define IXC 0x10ul
#define IDC 0x80ul
#define RZ (3ul << 22)
#define FZ (1ul << 24)
#define DN (1ul << 25)

typedef struct V {
    uint64_t lo, hi;
} V;

static uint64_t fpsr;

static V mk(uint64_t lo, uint64_t hi)
{
    V v = { lo, hi };
    return v;
}

#define VOP(insn, fpcr, d, a, b) ({                                                 \
    V r_, d_ = d, a_ = a, b_ = b;                                                    \
    asm volatile("msr fpcr, %[fc]\n ldr q0, [%[pd]]\n ldr q1, [%[pa]]\n ldr q2, [%[pb]]\n" \
                 "msr fpsr, xzr\n" insn "\n str q0, [%[pr]]\n mrs %[fs], fpsr\n msr fpcr, xzr" \
                 : [fs] "=&r"(fpsr)                                                  \
                 : [pd] "r"(&d_), [pa] "r"(&a_), [pb] "r"(&b_), [pr] "r"(&r_),       \
                   [fc] "r"((uint64_t)(fpcr))                                        \
                 : "v0", "v1", "v2", "memory");                                      \
    r_; })
#define CHECKV(v, l, h, flags) do { V v_ = (v); CHECK(v_.lo, l); CHECK(v_.hi, h); CHECK(fpsr, flags); } while (0)

#define S2(a, b) (((uint64_t)(b) << 32) | (uint32_t)(a))
#define H4(a, b, c, d) (((uint64_t)(d) << 48) | ((uint64_t)(c) << 32) | ((uint64_t)(b) << 16) | (a))
static const V ONES = { ~0ul, ~0ul };
static const V ZERO = { 0, 0 };

#define ONE 0x3f800000u
#define TWO 0x40000000u
#define THREE 0x40400000u
#define HALF 0x3f000000u
#define QNAN 0x7fc00000u
#define INF 0x7f800000u
#define D1 0x3ff0000000000000ul
#define D2 0x4000000000000000ul

static void arithmetic(void)
{
    V a = mk(S2(ONE, TWO), S2(THREE, 0xbf800000));
    V b = mk(S2(TWO, TWO), S2(ONE, ONE));
    CHECKV(VOP("fadd v0.4s, v1.4s, v2.4s", 0, ZERO, a, b), S2(THREE, 0x40800000), S2(0x40800000, 0), 0);
    /* .2S clears the upper half */
    CHECKV(VOP("fmul v0.2s, v1.2s, v2.2s", 0, ONES, a, b), S2(TWO, 0x40800000), 0, 0);
    CHECKV(VOP("fsub v0.2d, v1.2d, v2.2d", 0, ZERO, mk(D2, D1), mk(D1, D2)), D1, 0xbff0000000000000ul, 0);
    /* flags of all lanes accumulate: 1/0 in lane 0, 0/0 in lane 1 */
    CHECKV(VOP("fdiv v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(ONE, 0), 0), mk(0, 0)), S2(INF, QNAN), 0,
           DZC | IOC);
    /* FZ and DN apply to vector lanes */
    CHECKV(VOP("fadd v0.2s, v1.2s, v2.2s", FZ, ZERO, mk(S2(1, ONE), 0), mk(0, 0)), S2(0, ONE), 0, IDC);
    CHECKV(VOP("fadd v0.2s, v1.2s, v2.2s", DN, ZERO, mk(S2(0x7fc00001, 0x7f800001), 0), mk(0, 0)),
           S2(QNAN, QNAN), 0, IOC);
    /* FMLA fused: d + a*b with one rounding; FMLS: d - a*b */
    CHECKV(VOP("fmla v0.4s, v1.4s, v2.4s", 0, mk(S2(0xbf800000, ONE), 0),
               mk(S2(0x3f800001, TWO), 0), mk(S2(0x3f7ffffe, TWO), 0)), S2(0xa8800000, 0x40a00000), 0, 0);
    CHECKV(VOP("fmls v0.2d, v1.2d, v2.2d", 0, mk(D1, D1), mk(D2, D1), mk(D2, D1)), 0xc008000000000000ul,
           0, 0);
    /* FABD, FMAX, FMINNM, FMULX lanes */
    CHECKV(VOP("fabd v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(ONE, 0xc0400000), 0), mk(S2(THREE, ONE), 0)),
           S2(TWO, 0x40800000), 0, 0);
    CHECKV(VOP("fminnm v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(QNAN, 0x80000000), 0), mk(S2(TWO, 0), 0)),
           S2(TWO, 0x80000000), 0, 0);
    CHECKV(VOP("fmax v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(0x7fc00005, ONE), 0), mk(S2(TWO, TWO), 0)),
           S2(0x7fc00005, TWO), 0, 0);
    CHECKV(VOP("fmulx v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(0, INF), 0), mk(S2(0xff800000, 0x80000000), 0)),
           S2(0xc0000000, 0xc0000000), 0, 0);
    /* reciprocal steps and estimates per lane */
    CHECKV(VOP("frecps v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(ONE, TWO), 0), mk(S2(ONE, TWO), 0)),
           S2(ONE, 0xc0000000), 0, 0);
    CHECKV(VOP("frecpe v0.2s, v1.2s", 0, ZERO, mk(S2(ONE, 0), 0), ZERO), S2(0x3f7f8000, INF), 0, DZC);
    CHECKV(VOP("fsqrt v0.4s, v1.4s", 0, ZERO, mk(S2(0x40800000, 0xbf800000), S2(0, 0x80000000)), ZERO),
           S2(TWO, QNAN), S2(0, 0x80000000), IOC);
    CHECKV(VOP("fneg v0.2d, v1.2d", 0, ZERO, mk(D1, 0x7ff8000000000000ul), ZERO), 0xbff0000000000000ul,
           0xfff8000000000000ul, 0);
}

static void compares(void)
{
    V a = mk(S2(ONE, QNAN), S2(0x80000000, 0x7f800001));
    V b = mk(S2(ONE, QNAN), S2(0, ONE));
    /* EQ is quiet (IOC only for the signalling NaN), -0 == +0 */
    CHECKV(VOP("fcmeq v0.4s, v1.4s, v2.4s", 0, ZERO, a, b), 0x00000000fffffffful, 0x00000000fffffffful, IOC);
    /* GE/GT signal on any NaN */
    CHECKV(VOP("fcmge v0.2s, v1.2s, v2.2s", 0, ZERO, a, b), 0x00000000fffffffful, 0, IOC);
    CHECKV(VOP("fcmgt v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(TWO, ONE), 0), mk(S2(ONE, ONE), 0)),
           0x00000000fffffffful, 0, 0);
    /* absolute compares */
    CHECKV(VOP("facgt v0.2s, v1.2s, v2.2s", 0, ZERO, mk(S2(0xc0000000, ONE), 0), mk(S2(ONE, 0xbf800000), 0)),
           0x00000000fffffffful, 0, 0);
    /* against zero: FCMLT (0 > a), FCMLE (0 >= a), -0 counts as 0 */
    CHECKV(VOP("fcmlt v0.2s, v1.2s, #0.0", 0, ZERO, mk(S2(0x80000000, 0xbf800000), 0), ZERO),
           0xffffffff00000000ul, 0, 0);
    CHECKV(VOP("fcmle v0.2s, v1.2s, #0.0", 0, ZERO, mk(S2(0x80000000, QNAN), 0), ZERO),
           0x00000000fffffffful, 0, IOC);
    CHECKV(VOP("fcmeq d0, d1, #0.0", 0, ONES, mk(0x8000000000000000ul, 0), ZERO), ~0ul, 0, 0);
    CHECKV(VOP("fcmgt s0, s1, s2", 0, ONES, mk(TWO, 0), mk(ONE, 0)), 0xfffffffful, 0, 0);
}

static void reductions(void)
{
    /* FADDP pairs: (a0+a1, a2+a3, b0+b1, b2+b3) */
    CHECKV(VOP("faddp v0.4s, v1.4s, v2.4s", 0, ZERO, mk(S2(ONE, ONE), S2(TWO, TWO)),
               mk(S2(THREE, ONE), S2(0, 0))), S2(TWO, 0x40800000), S2(0x40800000, 0), 0);
    CHECKV(VOP("faddp s0, v1.2s", 0, ONES, mk(S2(ONE, TWO), ~0ul), ZERO), THREE, 0, 0);
    CHECKV(VOP("fmaxp d0, v1.2d", 0, ONES, mk(D1, D2), ZERO), D2, 0, 0);
    /* FMAXV over 4 lanes: Reduce = max(max(e0, e1), max(e2, e3)): the NaN
     * of the first pair is the one that propagates */
    CHECKV(VOP("fmaxv s0, v1.4s", 0, ONES, mk(S2(0x7fc00001, ONE), S2(0x7fc00002, TWO)), ZERO),
           0x7fc00001, 0, 0);
    CHECKV(VOP("fminv s0, v1.4s", 0, ONES, mk(S2(ONE, 0xbf800000), S2(THREE, 0x80000000)), ZERO),
           0xbf800000, 0, 0);
    CHECKV(VOP("fmaxnmv s0, v1.4s", 0, ONES, mk(S2(QNAN, ONE), S2(QNAN, QNAN)), ZERO), ONE, 0, 0);
    CHECKV(VOP("fminnmv h0, v1.8h", 0, ONES, mk(H4(0x3c00, 0x7e00, 0x4000, 0xbc00), H4(0, 0, 0x8000, 0x7e00)),
               ZERO), 0xbc00, 0, 0);
}

static void conversions(void)
{
    /* FCVTZS per lane: truncation, saturation with IOC, NaN -> 0 */
    CHECKV(VOP("fcvtzs v0.4s, v1.4s", 0, ZERO, mk(S2(0xbfc00000, 0x4f000000), S2(QNAN, 0x40200000)), ZERO),
           S2(0xffffffff, 0x7fffffff), S2(0, 2), IOC | IXC);
    CHECKV(VOP("fcvtns v0.2d, v1.2d", 0, ZERO, mk(0x4004000000000000ul, 0xc00c000000000000ul), ZERO),
           2, 0xfffffffffffffffcul, IXC);
    CHECKV(VOP("fcvtau v0.2s, v1.2s", 0, ZERO, mk(S2(0x40200000, 0xbf800000), 0), ZERO), S2(3, 0), 0,
           IXC | IOC);
    CHECKV(VOP("fcvtzs v0.2s, v1.2s, #2", 0, ZERO, mk(S2(0x3fe00000, 0xbe800000), 0), ZERO),
           S2(7, 0xffffffff), 0, 0);
    CHECKV(VOP("scvtf v0.4s, v1.4s", 0, ZERO, mk(S2(1, 0xffffffff), S2(0x7fffffff, 0)), ZERO),
           S2(ONE, 0xbf800000), S2(0x4f000000, 0), IXC);
    CHECKV(VOP("ucvtf v0.2d, v1.2d, #1", 0, ZERO, mk(3, ~0ul), ZERO), 0x3ff8000000000000ul,
           0x43e0000000000000ul, IXC);
    CHECKV(VOP("ucvtf s0, s1", 0, ONES, mk(0xffffffff, 0), ZERO), 0x4f800000, 0, IXC);
    /* FCVTN/FCVTN2, FCVTL/FCVTL2 */
    CHECKV(VOP("fcvtn v0.2s, v1.2d", 0, ONES, mk(D1, 0x47f0000000000000ul), ZERO), S2(ONE, INF), 0,
           OFC | IXC);
    CHECKV(VOP("fcvtn2 v0.8h, v1.4s", 0, mk(0x1234, 0), mk(S2(ONE, TWO), S2(0xbf800000, 0x477ff000)), ZERO),
           0x1234, H4(0x3c00, 0x4000, 0xbc00, 0x7c00), OFC | IXC);
    CHECKV(VOP("fcvtl v0.2d, v1.2s", 0, ZERO, mk(S2(ONE, 0x7f800001), 0), ZERO), D1, 0x7ff8000020000000ul,
           IOC);
    CHECKV(VOP("fcvtl2 v0.4s, v1.8h", 0, ZERO, mk(0, H4(0x3c00, 0x0001, 0xfc00, 0x7e01)), ZERO),
           S2(ONE, 0x33800000), S2(0xff800000, 0x7fc02000), 0);
    /* FCVTXN rounds to odd: 1 + 2^-52 -> 1 + 2^-23 (the last bit set) */
    CHECKV(VOP("fcvtxn v0.2s, v1.2d", 0, ONES, mk(0x3ff0000000000001ul, D2), ZERO), S2(0x3f800001, TWO), 0,
           IXC);
    CHECKV(VOP("fcvtxn s0, d1", 0, ONES, mk(0x3ff0000000000000ul, 0), ZERO), ONE, 0, 0);
    /* FRINT per lane */
    CHECKV(VOP("frintn v0.4s, v1.4s", 0, ZERO, mk(S2(0x40200000, 0x40600000), S2(0xbf000000, 0x3fc00000)),
               ZERO), S2(TWO, 0x40800000), S2(0x80000000, TWO), 0);
    CHECKV(VOP("frintx v0.2s, v1.2s", RZ, ZERO, mk(S2(0x3fc00000, TWO), 0), ZERO), S2(ONE, TWO), 0, IXC);
    CHECKV(VOP("frinti v0.2d, v1.2d", 0, ZERO, mk(0x3ff8000000000000ul, 0x4004000000000000ul), ZERO),
           D2, D2, 0);
}

static void by_element(void)
{
    V a = mk(S2(ONE, TWO), S2(THREE, HALF));
    V b = mk(0, S2(0, TWO));
    CHECKV(VOP("fmul v0.4s, v1.4s, v2.s[3]", 0, ZERO, a, b), S2(TWO, 0x40800000), S2(0x40c00000, ONE), 0);
    CHECKV(VOP("fmla v0.2s, v1.2s, v2.s[3]", 0, mk(S2(ONE, ONE), ~0ul), a, b), S2(THREE, 0x40a00000), 0, 0);
    CHECKV(VOP("fmulx d0, d1, v2.d[1]", 0, ONES, mk(0, 0), mk(0, 0xfff0000000000000ul)),
           0xc000000000000000ul, 0, 0);
    CHECKV(VOP("fmls s0, s1, v2.s[3]", 0, mk(ONE, ~0ul), mk(ONE, 0), b), 0xbf800000, 0, 0);
}

static void half(void)
{
    V a = mk(H4(0x3c00, 0x4000, 0x7bff, 0x0001), H4(0x3c00, 0x7c01, 0xbc00, 0));
    V b = mk(H4(0x3c00, 0x4000, 0x7bff, 0x0000), H4(0x1000, 0x3c00, 0x3c00, 0));
    /* 1+1, 2+2, max+max overflows, denormal + 0; 1 + 2^-11 tie, sNaN, -1 + 1 */
    CHECKV(VOP("fadd v0.8h, v1.8h, v2.8h", 0, ZERO, a, b), H4(0x4000, 0x4400, 0x7c00, 0x0001),
           H4(0x3c00, 0x7e01, 0, 0), OFC | IXC | IOC);
    CHECKV(VOP("fmul v0.4h, v1.4h, v2.h[1]", 0, ONES, a, b), H4(0x4000, 0x4400, 0x7c00, 0x0002), 0,
           OFC | IXC);
    CHECKV(VOP("fcmeq v0.4h, v1.4h, v2.4h", 0, ZERO, a, b), H4(0xffff, 0xffff, 0xffff, 0), 0, 0);
    CHECKV(VOP("fcvtzs v0.4h, v1.4h", 0, ZERO, mk(H4(0x7bff, 0xfbff, 0x3e00, 0x7e00), 0), ZERO),
           H4(0x7fff, 0x8000, 1, 0), 0, IOC | IXC);
    CHECKV(VOP("scvtf v0.4h, v1.4h", 0, ZERO, mk(H4(1, 0xffff, 0x7fff, 2048), 0), ZERO),
           H4(0x3c00, 0xbc00, 0x7800, 0x6800), 0, IXC);
    CHECKV(VOP("fmov v0.8h, #-0.5", 0, ZERO, ZERO, ZERO), 0xb800b800b800b800ul, 0xb800b800b800b800ul, 0);
    CHECKV(VOP("faddp h0, v1.2h", 0, ONES, mk(H4(0x3c00, 0x3c00, 0xffff, 0xffff), ~0ul), ZERO), 0x4000, 0, 0);
    CHECKV(VOP("fabs v0.4h, v1.4h", 0, ZERO, mk(H4(0xbc00, 0xfe00, 0x8000, 0x3c00), 0), ZERO),
           H4(0x3c00, 0x7e00, 0, 0x3c00), 0, 0);
}

int main(void)
{
    arithmetic();
    compares();
    reductions();
    conversions();
    by_element();
    half();
    return test_summary("simd_fp");
}
