/*
 * fp_scalar.c — scalar floating point: results and FPSR flags at the edges
 * the ARM ARM defines: every rounding mode (FPCR.RMode), overflow per
 * mode, underflow and denormals with and without FPCR.FZ (IDC, UFC),
 * half precision with FZ16, NaN propagation (signalling before quiet,
 * first operand first, payloads kept and quietened, FPCR.DN, the FMADD
 * 0·∞ + qNaN rule, FMSUB's negated NaN), FMIN/FMAX/FMINNM/FMAXNM with
 * NaNs and signed zeros, FCMP/FCMPE/FCCMP NZCV and their Invalid rules,
 * conversions to integers (saturation with IOC, every rounding), fixed
 * point, from integers, between precisions (NaN payloads), FRINT*, FMOV
 * immediates, FRECPE/FRSQRTE/FRECPX, FABD/FNMUL.
 *
 * isa-cpu: max
 *
 * Every expected value is worked out by hand from the ARM ARM pseudocode
 * (FPRoundBase, FPUnpackBase, FPProcessNaNs/FPProcessNaNs3, FPMulAdd,
 * FPMax/FPMin/FPMaxNum/FPMinNum, FPCompare, FPToFixed, FixedToFP,
 * FPConvert/FPConvertNaN, FPRoundInt, VFPExpandImm, FPRecipEstimate,
 * FPRSqrtEstimate, FPRecpX) and IEEE 754 binary formats;
 * `make check-isa-qemu` runs the same program under qemu-system-aarch64.
 */
#include "lib/test.h"

asm(".arch armv8.2-a+fp16");

/* FPSR bits */
#define IOC 0x01ul
#define DZC 0x02ul
#define OFC 0x04ul
#define UFC 0x08ul
#define IXC 0x10ul
#define IDC 0x80ul
/* FPCR bits */
#define RN 0ul
#define RP (1ul << 22)
#define RM (2ul << 22)
#define RZ (3ul << 22)
#define FZ (1ul << 24)
#define DN (1ul << 25)
#define FZ16 (1ul << 19)

static uint64_t fpsr;

/* The instruction with operands a, b, c in d1, d2, d3 (their low bits are
 * the s/h views), result from d0 (all 64 bits: a narrower write must
 * have cleared the rest), FPSR after it. */
#define FPOP(insn, fpcr, a, b, c) ({                                                 \
    uint64_t r_;                                                                     \
    asm volatile("msr fpcr, %[fc]\n msr fpsr, xzr\n fmov d1, %[x]\n fmov d2, %[y]\n"  \
                 "fmov d3, %[z]\n movi v0.2d, #0xffffffffffffffff\n" insn "\n"        \
                 "fmov %[r], d0\n mrs %[fs], fpsr\n msr fpcr, xzr"                    \
                 : [r] "=&r"(r_), [fs] "=&r"(fpsr)                                    \
                 : [x] "r"((uint64_t)(a)), [y] "r"((uint64_t)(b)), [z] "r"((uint64_t)(c)), \
                   [fc] "r"((uint64_t)(fpcr))                                         \
                 : "v0", "v1", "v2", "v3", "memory");                                 \
    r_; })
/* FP -> general register */
#define FPTOX(insn, fpcr, a) ({                                                      \
    uint64_t r_;                                                                     \
    asm volatile("msr fpcr, %[fc]\n msr fpsr, xzr\n fmov d1, %[x]\n mov %[r], #-1\n"  \
                 insn "\n mrs %[fs], fpsr\n msr fpcr, xzr"                             \
                 : [r] "=&r"(r_), [fs] "=&r"(fpsr)                                    \
                 : [x] "r"((uint64_t)(a)), [fc] "r"((uint64_t)(fpcr))                 \
                 : "v1", "memory");                                                   \
    r_; })
/* general register -> FP (operand in x1 / w1) */
#define XTOFP(insn, fpcr, a) ({                                                      \
    uint64_t r_;                                                                     \
    register uint64_t x1_ asm("x1") = (uint64_t)(a);                                 \
    asm volatile("msr fpcr, %[fc]\n msr fpsr, xzr\n movi v0.2d, #0xffffffffffffffff\n" \
                 insn "\n fmov %[r], d0\n mrs %[fs], fpsr\n msr fpcr, xzr"             \
                 : [r] "=&r"(r_), [fs] "=&r"(fpsr)                                    \
                 : "r"(x1_), [fc] "r"((uint64_t)(fpcr))                                \
                 : "v0", "memory");                                                   \
    r_; })
/* compares: NZCV before is nzcv_in, after returned */
#define FPCMP(insn, fpcr, a, b, nzcv_in) ({                                          \
    uint64_t f_;                                                                     \
    asm volatile("msr fpcr, %[fc]\n msr fpsr, xzr\n fmov d1, %[x]\n fmov d2, %[y]\n"  \
                 "msr nzcv, %[ni]\n" insn "\n mrs %[f], nzcv\n mrs %[fs], fpsr\n msr fpcr, xzr" \
                 : [f] "=&r"(f_), [fs] "=&r"(fpsr)                                    \
                 : [x] "r"((uint64_t)(a)), [y] "r"((uint64_t)(b)), [fc] "r"((uint64_t)(fpcr)), \
                   [ni] "r"((uint64_t)(nzcv_in))                                      \
                 : "v1", "v2", "cc", "memory");                                       \
    f_; })

#define CHECKF(got, want, flags) do { CHECK(got, want); CHECK(fpsr, flags); } while (0)

/* single-precision constants */
#define S_ONE 0x3f800000ul
#define S_TWO 0x40000000ul
#define S_HALF 0x3f000000ul
#define S_MAX 0x7f7ffffful
#define S_INF 0x7f800000ul
#define S_DNAN 0x7fc00000ul
#define S_MINNORM 0x00800000ul
#define D_ONE 0x3ff0000000000000ul
#define D_INF 0x7ff0000000000000ul
#define D_DNAN 0x7ff8000000000000ul

static void rounding(void)
{
    /* 1 + 2^-24: exactly half an ulp above 1.0 */
    CHECKF(FPOP("fadd s0, s1, s2", RN, S_ONE, 0x33800000, 0), 0x3f800000, IXC);   /* ties to even */
    CHECKF(FPOP("fadd s0, s1, s2", RP, S_ONE, 0x33800000, 0), 0x3f800001, IXC);
    CHECKF(FPOP("fadd s0, s1, s2", RM, S_ONE, 0x33800000, 0), 0x3f800000, IXC);
    CHECKF(FPOP("fadd s0, s1, s2", RZ, S_ONE, 0x33800000, 0), 0x3f800000, IXC);
    /* -1 - 2^-24 */
    CHECKF(FPOP("fadd s0, s1, s2", RN, 0xbf800000, 0xb3800000, 0), 0xbf800000, IXC);
    CHECKF(FPOP("fadd s0, s1, s2", RP, 0xbf800000, 0xb3800000, 0), 0xbf800000, IXC);
    CHECKF(FPOP("fadd s0, s1, s2", RM, 0xbf800000, 0xb3800000, 0), 0xbf800001, IXC);
    CHECKF(FPOP("fadd s0, s1, s2", RZ, 0xbf800000, 0xb3800000, 0), 0xbf800000, IXC);
    /* 1 + 1.5 * 2^-24: three quarters of an ulp: nearest is up */
    CHECKF(FPOP("fadd s0, s1, s2", RN, S_ONE, 0x33c00000, 0), 0x3f800001, IXC);
    CHECKF(FPOP("fadd s0, s1, s2", RZ, S_ONE, 0x33c00000, 0), 0x3f800000, IXC);
    /* exact: no flags */
    CHECKF(FPOP("fadd s0, s1, s2", RN, S_ONE, S_ONE, 0), S_TWO, 0);
    /* x - x is +0, except -0 when rounding toward -infinity */
    CHECKF(FPOP("fsub s0, s1, s2", RN, S_ONE, S_ONE, 0), 0, 0);
    CHECKF(FPOP("fsub s0, s1, s2", RM, S_ONE, S_ONE, 0), 0x80000000, 0);
    /* double: 1 + 2^-53 and 1 + 2^-52 + 2^-53 (ties to even goes up) */
    CHECKF(FPOP("fadd d0, d1, d2", RN, D_ONE, 0x3ca0000000000000, 0), D_ONE, IXC);
    CHECKF(FPOP("fadd d0, d1, d2", RN, 0x3ff0000000000001, 0x3ca0000000000000, 0),
           0x3ff0000000000002, IXC);
    CHECKF(FPOP("fadd d0, d1, d2", RP, D_ONE, 0x3ca0000000000000, 0), 0x3ff0000000000001, IXC);
    /* 1/3 in single: 0x3eaaaaab (RN), 0x3eaaaaaa (RZ, RM) */
    CHECKF(FPOP("fdiv s0, s1, s2", RN, S_ONE, 0x40400000, 0), 0x3eaaaaab, IXC);
    CHECKF(FPOP("fdiv s0, s1, s2", RZ, S_ONE, 0x40400000, 0), 0x3eaaaaaa, IXC);
    CHECKF(FPOP("fdiv s0, s1, s2", RM, S_ONE, 0x40400000, 0), 0x3eaaaaaa, IXC);
    CHECKF(FPOP("fdiv s0, s1, s2", RP, S_ONE, 0x40400000, 0), 0x3eaaaaab, IXC);
    /* sqrt(2) in single: 1.41421354 = 0x3fb504f3 (RN), RP 0x3fb504f4 */
    CHECKF(FPOP("fsqrt s0, s1", RN, S_TWO, 0, 0), 0x3fb504f3, IXC);
    CHECKF(FPOP("fsqrt s0, s1", RP, S_TWO, 0, 0), 0x3fb504f4, IXC);
    CHECKF(FPOP("fsqrt s0, s1", RN, 0x40800000, 0, 0), S_TWO, 0);
    /* sqrt(-1): default NaN, Invalid; sqrt(-0) = -0 */
    CHECKF(FPOP("fsqrt s0, s1", RN, 0xbf800000, 0, 0), S_DNAN, IOC);
    CHECKF(FPOP("fsqrt s0, s1", RN, 0x80000000, 0, 0), 0x80000000, 0);
}

static void overflow_underflow(void)
{
    /* largest finite * 2 */
    CHECKF(FPOP("fmul s0, s1, s2", RN, S_MAX, S_TWO, 0), S_INF, OFC | IXC);
    CHECKF(FPOP("fmul s0, s1, s2", RP, S_MAX, S_TWO, 0), S_INF, OFC | IXC);
    CHECKF(FPOP("fmul s0, s1, s2", RM, S_MAX, S_TWO, 0), S_MAX, OFC | IXC);
    CHECKF(FPOP("fmul s0, s1, s2", RZ, S_MAX, S_TWO, 0), S_MAX, OFC | IXC);
    CHECKF(FPOP("fmul s0, s1, s2", RM, 0xff7ffffful, S_TWO, 0), 0xff800000, OFC | IXC);
    CHECKF(FPOP("fmul s0, s1, s2", RP, 0xff7ffffful, S_TWO, 0), 0xff7fffff, OFC | IXC);
    /* 1 / 0: infinity, Divide by Zero */
    CHECKF(FPOP("fdiv s0, s1, s2", RN, S_ONE, 0, 0), S_INF, DZC);
    CHECKF(FPOP("fdiv d0, d1, d2", RN, 0xbff0000000000000, 0, 0), 0xfff0000000000000, DZC);
    /* smallest normal / 2: an exact denormal (no flags), flushed under FZ (UFC) */
    CHECKF(FPOP("fmul s0, s1, s2", RN, S_MINNORM, S_HALF, 0), 0x00400000, 0);
    CHECKF(FPOP("fmul s0, s1, s2", FZ, S_MINNORM, S_HALF, 0), 0, UFC);
    CHECKF(FPOP("fmul s0, s1, s2", FZ, 0x80800000, S_HALF, 0), 0x80000000, UFC);
    /* (2^-126 + 2^-149) / 2: inexact tiny: Underflow + Inexact, ties to even */
    CHECKF(FPOP("fmul s0, s1, s2", RN, 0x00800001, S_HALF, 0), 0x00400000, UFC | IXC);
    CHECKF(FPOP("fmul s0, s1, s2", RP, 0x00800001, S_HALF, 0), 0x00400001, UFC | IXC);
    /* a denormal input: used as is, or flushed with IDC under FZ */
    CHECKF(FPOP("fadd s0, s1, s2", RN, 0x00000001, 0, 0), 0x00000001, 0);
    CHECKF(FPOP("fadd s0, s1, s2", FZ, 0x00000001, 0, 0), 0, IDC);
    CHECKF(FPOP("fadd s0, s1, s2", FZ, 0x00000001, S_ONE, 0), S_ONE, IDC);
    CHECKF(FPOP("fadd d0, d1, d2", FZ, 0x000fffffffffffff, 0, 0), 0, IDC);
    CHECKF(FPOP("fadd d0, d1, d2", RN, 0x000fffffffffffff, 0x0000000000000001, 0),
           0x0010000000000000, 0);
    /* an exact zero sum under FZ: no flags */
    CHECKF(FPOP("fadd s0, s1, s2", FZ, S_MINNORM, 0x80800000, 0), 0, 0);
    /* half precision: 1 + 2^-11 is a tie; 65504 * 2 overflows; a denormal
     * input under FZ16 is flushed without IDC */
    CHECKF(FPOP("fadd h0, h1, h2", RN, 0x3c00, 0x1000, 0), 0x3c00, IXC);
    CHECKF(FPOP("fadd h0, h1, h2", RP, 0x3c00, 0x1000, 0), 0x3c01, IXC);
    CHECKF(FPOP("fmul h0, h1, h2", RN, 0x7bff, 0x4000, 0), 0x7c00, OFC | IXC);
    CHECKF(FPOP("fmul h0, h1, h2", RZ, 0x7bff, 0x4000, 0), 0x7bff, OFC | IXC);
    CHECKF(FPOP("fadd h0, h1, h2", RN, 0x0001, 0, 0), 0x0001, 0);
    CHECKF(FPOP("fadd h0, h1, h2", FZ16, 0x0001, 0, 0), 0, 0);
    CHECKF(FPOP("fadd h0, h1, h2", FZ, 0x0001, 0, 0), 0x0001, 0);   /* FZ is not FZ16 */
    CHECKF(FPOP("fmul h0, h1, h2", FZ16, 0x0400, 0x3800, 0), 0, UFC);   /* min normal / 2 */
    CHECKF(FPOP("fmul h0, h1, h2", RN, 0x0400, 0x3800, 0), 0x0200, 0);
}

static void nans(void)
{
    /* a quiet NaN propagates with its payload, no Invalid */
    CHECKF(FPOP("fadd s0, s1, s2", RN, 0x7fc00001, S_ONE, 0), 0x7fc00001, 0);
    CHECKF(FPOP("fadd s0, s1, s2", RN, S_ONE, 0xffc00123, 0), 0xffc00123, 0);
    /* a signalling NaN is quietened, Invalid */
    CHECKF(FPOP("fadd s0, s1, s2", RN, 0x7f800001, S_ONE, 0), 0x7fc00001, IOC);
    /* the signalling NaN wins over an earlier quiet one */
    CHECKF(FPOP("fmul s0, s1, s2", RN, 0x7fc00002, 0x7f800003, 0), 0x7fc00003, IOC);
    /* two quiet NaNs: the first */
    CHECKF(FPOP("fsub s0, s1, s2", RN, 0x7fc00002, 0xffc00003, 0), 0x7fc00002, 0);
    /* two signalling NaNs: the first */
    CHECKF(FPOP("fdiv s0, s1, s2", RN, 0xff800005, 0x7f800006, 0), 0xffc00005, IOC);
    /* default NaN mode: every NaN result is the default NaN */
    CHECKF(FPOP("fadd s0, s1, s2", DN, 0x7fc00001, S_ONE, 0), S_DNAN, 0);
    CHECKF(FPOP("fadd s0, s1, s2", DN, 0xff800001, S_ONE, 0), S_DNAN, IOC);
    CHECKF(FPOP("fadd d0, d1, d2", DN, 0x7ff0000000000001, D_ONE, 0), D_DNAN, IOC);
    /* invalid operations: the default NaN */
    CHECKF(FPOP("fsub s0, s1, s2", RN, S_INF, S_INF, 0), S_DNAN, IOC);
    CHECKF(FPOP("fmul s0, s1, s2", RN, 0, S_INF, 0), S_DNAN, IOC);
    CHECKF(FPOP("fdiv s0, s1, s2", RN, 0, 0, 0), S_DNAN, IOC);
    CHECKF(FPOP("fdiv d0, d1, d2", RN, D_INF, D_INF, 0), D_DNAN, IOC);
    /* double payloads */
    CHECKF(FPOP("fadd d0, d1, d2", RN, D_ONE, 0x7ff0000000000abc, 0), 0x7ff8000000000abc, IOC);
    /* FMADD d = a + n*m (operands: n=d1, m=d2, a=d3): NaN order a, n, m */
    CHECKF(FPOP("fmadd s0, s1, s2, s3", RN, 0x7fc00001, 0x7fc00002, 0x7fc00003), 0x7fc00003, 0);
    CHECKF(FPOP("fmadd s0, s1, s2, s3", RN, 0x7fc00001, 0x7f800002, 0x7fc00003), 0x7fc00002, IOC);
    /* 0 * inf + qNaN: the default NaN and Invalid (not the addend) */
    CHECKF(FPOP("fmadd s0, s1, s2, s3", RN, 0, S_INF, 0x7fc00003), S_DNAN, IOC);
    CHECKF(FPOP("fmadd s0, s1, s2, s3", RN, 0, S_INF, S_ONE), S_DNAN, IOC);
    /* FMSUB negates n before NaN processing: a NaN in n comes out negated */
    CHECKF(FPOP("fmsub s0, s1, s2, s3", RN, 0x7fc00001, S_ONE, S_ONE), 0xffc00001, 0);
    /* FNMADD negates a and n */
    CHECKF(FPOP("fnmadd s0, s1, s2, s3", RN, S_ONE, S_ONE, 0x7fc00003), 0xffc00003, 0);
    /* FNMUL negates the result, NaN included */
    CHECKF(FPOP("fnmul s0, s1, s2", RN, 0x7fc00001, S_ONE, 0), 0xffc00001, 0);
    CHECKF(FPOP("fnmul s0, s1, s2", RN, S_TWO, 0x40400000, 0), 0xc0c00000, 0);
    /* fused: (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly, no double rounding */
    CHECKF(FPOP("fmadd s0, s1, s2, s3", RN, 0x3f800001, 0x3f7ffffe, 0xbf800000), 0xa8800000, 0);
    /* half precision NaN */
    CHECKF(FPOP("fadd h0, h1, h2", RN, 0x7c01, 0x3c00, 0), 0x7e01, IOC);
    CHECKF(FPOP("fadd h0, h1, h2", DN, 0x7e01, 0x3c00, 0), 0x7e00, 0);
}

static void minmax(void)
{
    CHECKF(FPOP("fmax s0, s1, s2", RN, S_ONE, S_TWO, 0), S_TWO, 0);
    CHECKF(FPOP("fmin s0, s1, s2", RN, S_ONE, S_TWO, 0), S_ONE, 0);
    /* signed zeros: -0 < +0 */
    CHECKF(FPOP("fmax s0, s1, s2", RN, 0x80000000, 0, 0), 0, 0);
    CHECKF(FPOP("fmin s0, s1, s2", RN, 0, 0x80000000, 0), 0x80000000, 0);
    CHECKF(FPOP("fmaxnm s0, s1, s2", RN, 0x80000000, 0, 0), 0, 0);
    CHECKF(FPOP("fminnm s0, s1, s2", RN, 0, 0x80000000, 0), 0x80000000, 0);
    /* FMAX/FMIN propagate NaNs */
    CHECKF(FPOP("fmax s0, s1, s2", RN, 0x7fc00001, S_ONE, 0), 0x7fc00001, 0);
    CHECKF(FPOP("fmin s0, s1, s2", RN, S_ONE, 0x7f800001, 0), 0x7fc00001, IOC);
    /* FMAXNM/FMINNM: a lone quiet NaN loses */
    CHECKF(FPOP("fmaxnm s0, s1, s2", RN, 0x7fc00001, S_ONE, 0), S_ONE, 0);
    CHECKF(FPOP("fminnm s0, s1, s2", RN, S_ONE, 0xffc00001, 0), S_ONE, 0);
    CHECKF(FPOP("fmaxnm s0, s1, s2", RN, 0x7fc00001, 0x7fc00002, 0), 0x7fc00001, 0);
    /* ... a signalling NaN still propagates */
    CHECKF(FPOP("fmaxnm s0, s1, s2", RN, 0x7f800001, S_ONE, 0), 0x7fc00001, IOC);
    CHECKF(FPOP("fmaxnm d0, d1, d2", RN, D_INF, 0x7ff8000000000000, 0), D_INF, 0);
    /* a denormal operand under FZ is flushed (IDC) and compared as zero */
    CHECKF(FPOP("fmax s0, s1, s2", FZ, 0x00000001, 0x80000000, 0), 0, IDC);
    /* FABD = |a - b| */
    CHECKF(FPOP("fabd s0, s1, s2", RN, S_ONE, 0x40400000, 0), S_TWO, 0);
    CHECKF(FPOP("fabd s0, s1, s2", RN, 0xffc00001, S_ONE, 0), 0x7fc00001, 0);
}

static void compares(void)
{
    const uint64_t N = NF, Z = ZF, C = CF, V = VF;
    CHECKF(FPCMP("fcmp s1, s2", RN, S_ONE, S_TWO, 0), N, 0);
    CHECKF(FPCMP("fcmp s1, s2", RN, S_TWO, S_ONE, 0), C, 0);
    CHECKF(FPCMP("fcmp s1, s2", RN, S_ONE, S_ONE, 0), Z | C, 0);
    CHECKF(FPCMP("fcmp s1, s2", RN, 0x80000000, 0, 0), Z | C, 0);    /* -0 == +0 */
    CHECKF(FPCMP("fcmp s1, s2", RN, S_DNAN, S_ONE, 0), C | V, 0);     /* unordered */
    CHECKF(FPCMP("fcmpe s1, s2", RN, S_DNAN, S_ONE, 0), C | V, IOC);  /* E: any NaN signals */
    CHECKF(FPCMP("fcmp s1, s2", RN, 0x7f800001, S_ONE, 0), C | V, IOC);
    CHECKF(FPCMP("fcmp s1, #0.0", RN, 0x80000000, 0, 0), Z | C, 0);
    CHECKF(FPCMP("fcmp d1, #0.0", RN, 0xbff0000000000000, 0, 0), N, 0);
    CHECKF(FPCMP("fcmp h1, h2", RN, 0x7c00, 0x7bff, 0), C, 0);
    CHECKF(FPCMP("fcmp s1, s2", FZ, 0x00000001, 0, 0), Z | C, IDC);
    /* FCCMP: the comparison when the condition holds, else the immediate */
    CHECKF(FPCMP("fccmp s1, s2, #0xf, eq", RN, S_ONE, S_TWO, Z), N, 0);
    CHECKF(FPCMP("fccmp s1, s2, #0xf, eq", RN, S_ONE, S_TWO, 0), N | Z | C | V, 0);
    /* FCCMPE signals on a quiet NaN only if the comparison happens */
    CHECKF(FPCMP("fccmpe s1, s2, #0x4, ne", RN, S_DNAN, S_ONE, Z), Z, 0);
    CHECKF(FPCMP("fccmpe s1, s2, #0x4, ne", RN, S_DNAN, S_ONE, 0), C | V, IOC);
    /* FCSEL */
    CHECK(FPOP("fcmp s1, s2\n fcsel s0, s1, s2, gt", RN, S_TWO, S_ONE, 0), S_TWO);
    CHECK(FPOP("fcmp s1, s2\n fcsel d0, d1, d2, lt", RN, S_TWO, S_ONE, 0), S_ONE);
}

static void conversions(void)
{
    /* FCVTZS: saturation with Invalid, NaN -> 0 with Invalid */
    CHECKF(FPTOX("fcvtzs %w[r], s1", RN, 0x4f000000), 0x7fffffff, IOC);         /* 2^31 */
    CHECKF(FPTOX("fcvtzs %w[r], s1", RN, 0xcf000000), 0x80000000, 0);           /* -2^31 exact */
    CHECKF(FPTOX("fcvtzs %w[r], s1", RN, 0xcf000001), 0x80000000, IOC);
    CHECKF(FPTOX("fcvtzs %w[r], s1", RN, S_DNAN), 0, IOC);
    CHECKF(FPTOX("fcvtzs %w[r], s1", RN, 0xbfc00000), 0xffffffff, IXC);         /* -1.5 -> -1 */
    CHECKF(FPTOX("fcvtzs %x[r], d1", RN, 0x43e0000000000000), 0x7fffffffffffffff, IOC);
    CHECKF(FPTOX("fcvtzs %x[r], d1", RN, 0xfff0000000000000), 0x8000000000000000, IOC);
    /* FCVTZU: negative values saturate to 0 with Invalid, unless they round to 0 */
    CHECKF(FPTOX("fcvtzu %w[r], s1", RN, 0xbfc00000), 0, IOC);
    CHECKF(FPTOX("fcvtzu %w[r], s1", RN, 0xbf000000), 0, IXC);                  /* -0.5 */
    CHECKF(FPTOX("fcvtzu %w[r], s1", RN, 0x4f800000), 0xffffffff, IOC);         /* 2^32 */
    CHECKF(FPTOX("fcvtzu %x[r], d1", RN, 0x43efffffffffffff), 0xfffffffffffff800, 0);
    /* the rounding modes of the conversions: 2.5, 3.5, -2.5 */
    CHECKF(FPTOX("fcvtns %w[r], s1", RN, 0x40200000), 2, IXC);
    CHECKF(FPTOX("fcvtns %w[r], s1", RN, 0x40600000), 4, IXC);
    CHECKF(FPTOX("fcvtas %w[r], s1", RN, 0x40200000), 3, IXC);
    CHECKF(FPTOX("fcvtas %w[r], s1", RN, 0xc0200000), 0xfffffffd, IXC);
    CHECKF(FPTOX("fcvtps %w[r], s1", RN, 0x40200000), 3, IXC);
    CHECKF(FPTOX("fcvtms %w[r], s1", RN, 0xc0200000), 0xfffffffd, IXC);
    CHECKF(FPTOX("fcvtzs %w[r], s1", RN, 0xc0200000), 0xfffffffe, IXC);
    CHECKF(FPTOX("fcvtmu %x[r], d1", RN, 0x4004000000000000), 2, IXC);
    /* FPCR.RMode does not affect FCVTZS */
    CHECKF(FPTOX("fcvtzs %w[r], s1", RP, 0x40200000), 2, IXC);
    /* fixed point: 1.75 * 2^1 = 3.5 -> 3; 1.0 * 2^32 in 64 bits */
    CHECKF(FPTOX("fcvtzs %w[r], s1, #1", RN, 0x3fe00000), 3, IXC);
    CHECKF(FPTOX("fcvtzu %x[r], s1, #32", RN, S_ONE), 0x100000000, 0);
    CHECKF(FPTOX("fcvtzs %w[r], s1, #32", RN, S_HALF), 0x7fffffff, IOC);  /* 0.5 * 2^32 = 2^31 */
    /* half precision to integer */
    CHECKF(FPTOX("fcvtzs %w[r], h1", RN, 0x7bff), 65504, 0);
    CHECKF(FPTOX("fcvtzs %x[r], h1", RN, 0xfc00), 0x8000000000000000, IOC);
    /* from integers: 2^31 - 1 is not representable in single */
    CHECKF(XTOFP("scvtf s0, w1", RN, 0x7fffffff), 0x4f000000, IXC);
    CHECKF(XTOFP("scvtf s0, w1", RZ, 0x7fffffff), 0x4effffff, IXC);
    CHECKF(XTOFP("scvtf s0, w1", RN, 0x80000000), 0xcf000000, 0);
    CHECKF(XTOFP("ucvtf s0, w1", RN, 0x80000000), 0x4f000000, 0);
    CHECKF(XTOFP("ucvtf d0, x1", RN, 0xffffffffffffffff), 0x43f0000000000000, IXC);
    CHECKF(XTOFP("ucvtf d0, x1", RZ, 0xffffffffffffffff), 0x43efffffffffffff, IXC);
    CHECKF(XTOFP("scvtf d0, x1", RN, 0), 0, 0);                            /* +0 */
    CHECKF(XTOFP("scvtf s0, w1, #16", RN, 0x10000), S_ONE, 0);
    CHECKF(XTOFP("ucvtf d0, x1, #64", RN, 0x8000000000000000), 0x3fe0000000000000, 0);
    CHECKF(XTOFP("scvtf h0, w1", RN, 65520), 0x7c00, OFC | IXC);           /* overflows half */
    CHECKF(XTOFP("scvtf h0, w1", RZ, 65520), 0x7bff, IXC);   /* truncates: no overflow */
    /* between precisions */
    CHECKF(FPOP("fcvt s0, d1", RN, 0x3ff0000000000001, 0, 0), S_ONE, IXC);
    CHECKF(FPOP("fcvt s0, d1", RN, 0x47f0000000000000, 0, 0), S_INF, OFC | IXC);   /* 2^128 */
    CHECKF(FPOP("fcvt d0, s1", RN, 0x7f800001, 0, 0), 0x7ff8000020000000, IOC);    /* payload */
    CHECKF(FPOP("fcvt s0, d1", RN, 0x7ff0000020000001, 0, 0), 0x7fc00001, IOC);    /* truncated */
    CHECKF(FPOP("fcvt h0, s1", RN, 0x477ff000, 0, 0), 0x7c00, OFC | IXC);   /* 65520: a tie to 2^16 */
    CHECKF(FPOP("fcvt h0, s1", RZ, 0x477ff000, 0, 0), 0x7bff, IXC);
    CHECKF(FPOP("fcvt h0, s1", RN, S_ONE, 0, 0), 0x3c00, 0);
    CHECKF(FPOP("fcvt s0, h1", RN, 0x7c01, 0, 0), 0x7fc02000, IOC);
    CHECKF(FPOP("fcvt s0, h1", RN, 0x0001, 0, 0), 0x33800000, 0);          /* 2^-24 */
    CHECKF(FPOP("fcvt s0, h1", FZ16, 0x0001, 0, 0), 0x33800000, 0);        /* FZ16 not here */
    CHECKF(FPOP("fcvt d0, h1", RN, 0xfc00, 0, 0), 0xfff0000000000000, 0);
    CHECKF(FPOP("fcvt h0, d1", RN, 0x3f10000000000000, 0, 0), 0x0400, 0);   /* 2^-14: min normal */
    CHECKF(FPOP("fcvt h0, d1", RN, 0x3e60000000000000, 0, 0), 0, UFC | IXC);   /* 2^-25: a tie to 0 */
    CHECKF(FPOP("fcvt s0, d1", FZ, 0x3800000000000000, 0, 0), 0, UFC);     /* 2^-127 flushed */
}

static void rint(void)
{
    CHECKF(FPOP("frintn s0, s1", RN, 0x40200000, 0, 0), S_TWO, 0);         /* 2.5 -> 2 */
    CHECKF(FPOP("frinta s0, s1", RN, 0x40200000, 0, 0), 0x40400000, 0);    /* 2.5 -> 3 */
    CHECKF(FPOP("frintp s0, s1", RN, 0xbf000000, 0, 0), 0x80000000, 0);    /* -0.5 -> -0 */
    CHECKF(FPOP("frintm s0, s1", RN, 0x3f000000, 0, 0), 0, 0);             /* 0.5 -> 0 */
    CHECKF(FPOP("frintm s0, s1", RN, 0xbf000000, 0, 0), 0xbf800000, 0);    /* -0.5 -> -1 */
    CHECKF(FPOP("frintz s0, s1", RN, 0xbfd9999a, 0, 0), 0xbf800000, 0);    /* -1.7 -> -1 */
    CHECKF(FPOP("frintx s0, s1", RN, 0x3fc00000, 0, 0), S_TWO, IXC);       /* 1.5 -> 2, Inexact */
    CHECKF(FPOP("frintx s0, s1", RZ, 0x3fc00000, 0, 0), S_ONE, IXC);
    CHECKF(FPOP("frinti s0, s1", RZ, 0x3fc00000, 0, 0), S_ONE, 0);        /* no Inexact */
    CHECKF(FPOP("frinti s0, s1", RP, 0x3fc00000, 0, 0), S_TWO, 0);
    CHECKF(FPOP("frintn d0, d1", RN, 0x4330000000000001, 0, 0), 0x4330000000000001, 0);   /* 2^52+1 */
    CHECKF(FPOP("frintn s0, s1", RN, 0x7f800001, 0, 0), 0x7fc00001, IOC);
    CHECKF(FPOP("frinta h0, h1", RN, 0x3e00, 0, 0), 0x4000, 0);            /* 1.5 -> 2 */
}

static void immediates(void)
{
    CHECK(FPOP("fmov s0, #1.0", RN, 0, 0, 0), S_ONE);
    CHECK(FPOP("fmov d0, #-2.5", RN, 0, 0, 0), 0xc004000000000000);
    CHECK(FPOP("fmov s0, #0.125", RN, 0, 0, 0), 0x3e000000);
    CHECK(FPOP("fmov s0, #31.0", RN, 0, 0, 0), 0x41f80000);
    CHECK(FPOP("fmov h0, #-1.9375", RN, 0, 0, 0), 0xbfc0);
    CHECK(FPOP("fmov d0, #0.1875", RN, 0, 0, 0), 0x3fc8000000000000);
    /* FMOV between registers and the top half */
    uint64_t lo, hi;
    asm volatile("movi v0.2d, #0\n mov x9, #0x1234\n fmov v0.d[1], x9\n fmov x10, d0\n"
                 "fmov %0, v0.d[1]\n mov %1, x10"
                 : "=&r"(hi), "=&r"(lo) : : "v0", "x9", "x10");
    CHECK(hi, 0x1234);
    CHECK(lo, 0);
    asm volatile("movi v0.2d, #0xffffffffffffffff\n mov w9, #0x3c00\n fmov h0, w9\n"
                 "fmov %0, v0.d[1]\n fmov %1, d0"
                 : "=&r"(hi), "=&r"(lo) : : "v0", "x9");
    CHECK(hi, 0);
    CHECK(lo, 0x3c00);
    CHECK(FPOP("fmov s0, s1", RN, 0xdeadbeefcafef00d, 0, 0), 0xcafef00d);
    CHECK(FPOP("fabs d0, d1", RN, 0xfff0000000000001, 0, 0), 0x7ff0000000000001);   /* no NaN check */
    CHECK(FPOP("fneg s0, s1", RN, 0x7fc00000, 0, 0), 0xffc00000);
    CHECK(fpsr, 0);
}

static void estimates(void)
{
    /* FRECPE(1.0) = 511/512, FRECPE(2.0) = 511/1024 (8-bit estimates) */
    CHECKF(FPOP("frecpe s0, s1", RN, S_ONE, 0, 0), 0x3f7f8000, 0);
    CHECKF(FPOP("frecpe s0, s1", RN, S_TWO, 0, 0), 0x3eff8000, 0);
    CHECKF(FPOP("frecpe s0, s1", RN, 0, 0, 0), S_INF, DZC);
    CHECKF(FPOP("frecpe s0, s1", RN, S_INF, 0, 0), 0, 0);
    /* FRSQRTE(1.0) = 511/512; FRSQRTE(4.0) = 511/1024; negative: default NaN */
    CHECKF(FPOP("frsqrte s0, s1", RN, S_ONE, 0, 0), 0x3f7f8000, 0);
    CHECKF(FPOP("frsqrte s0, s1", RN, 0x40800000, 0, 0), 0x3eff8000, 0);
    CHECKF(FPOP("frsqrte s0, s1", RN, 0xbf800000, 0, 0), S_DNAN, IOC);
    /* FRECPS: 2 - a*b; FRSQRTS: (3 - a*b) / 2; inf * 0 gives 2 (1.5) */
    CHECKF(FPOP("frecps s0, s1, s2", RN, S_ONE, S_ONE, 0), S_ONE, 0);
    CHECKF(FPOP("frecps s0, s1, s2", RN, S_INF, 0, 0), S_TWO, 0);
    CHECKF(FPOP("frsqrts s0, s1, s2", RN, S_INF, 0, 0), 0x3fc00000, 0);
    CHECKF(FPOP("frsqrts d0, d1, d2", RN, D_ONE, D_ONE, 0), D_ONE, 0);
    /* FRECPX: exponent complemented, fraction cleared; FMULX: 0 * inf = 2 */
    CHECKF(FPOP("frecpx s0, s1", RN, 0x40490fdb, 0, 0), 0x3f800000, 0);    /* exp 0x80 -> 0x7f */
    CHECKF(FPOP("frecpx s0, s1", RN, 0, 0, 0), 0x7f000000, 0);
    CHECKF(FPOP("fmulx s0, s1, s2", RN, 0x80000000, S_INF, 0), 0xc0000000, 0);
    CHECKF(FPOP("fmulx d0, d1, d2", RN, D_ONE, 0x4000000000000000, 0), 0x4000000000000000, 0);
}

int main(void)
{
    rounding();
    overflow_underflow();
    nans();
    minmax();
    compares();
    conversions();
    rint();
    immediates();
    estimates();
    return test_summary("fp_scalar");
}
