/*
 * arm-fp.c — the Arm-specific floating-point operations, written from the
 * Arm Architecture Reference Manual (DDI 0487) shared pseudocode:
 *   FPRecipEstimate + RecipEstimate        FRECPE
 *   FPRSqrtEstimate + RecipSqrtEstimate    FRSQRTE
 *   FPRecipStepFused                       FRECPS   2 − a·b, fused
 *   FPRSqrtStepFused                       FRSQRTS  (3 − a·b)/2, fused
 *   FPRecpX                                FRECPX
 *   FPMulX                                 FMULX    0 × ∞ = ±2
 * and the FPCR → FPStatus mapping.  The FEAT_AFP (FPCR.AH = 1) and
 * FEAT_RPRES (12-bit estimates) variants are not modelled: these are the
 * FPCR.AH = 0 definitions.
 */
#include "fpu/sf-internal.h"

void arm_fp_status_set_fpcr(FPStatus *st, uint64_t fpcr)
{
    uint32_t flags = st->flags;
    bool soft_only = st->soft_only;
    fp_status_init(st, FP_PROFILE_ARM);
    st->flags = flags;
    st->soft_only = soft_only;
    st->rounding = (fpcr >> 22) & 3; /* RMode: N, P, M, Z = FPRounding 0..3 */
    st->flush_in = st->flush_out = (fpcr >> 24) & 1;     /* FZ */
    st->default_nan = (fpcr >> 25) & 1;                  /* DN */
    st->flush_in16 = st->flush_out16 = (fpcr >> 19) & 1; /* FZ16 */
}

/* FPRoundingMode as far as these operations use it: only the four FPCR
 * modes exist there; the others are read as their nearest relative. */
static bool overflow_to_inf(FPRounding rm, bool sign)
{
    switch (rm) {
    case FP_ROUND_UP:
        return !sign;
    case FP_ROUND_DOWN:
        return sign;
    case FP_ROUND_ZERO:
    case FP_ROUND_ODD:
        return false;
    default:
        return true;
    }
}

/* RecipEstimate(a), a in 256..511: 1/a to 8 bits, rounded to nearest. */
static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;              /* a in units of 1/1024, midpoint */
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;         /* 256..511 */
}

/*
 * RecipSqrtEstimate(a), a in 128..511.  The pseudocode searches upward
 * from b = 512 while a·(b+1)² < 2^28; the result is the b+1 = c that stops
 * it: the smallest c >= 513 with a·c² >= 2^28.  We find the same c by
 * bisection (the predicate is monotonic in c).
 */
static unsigned recip_sqrt_estimate(unsigned a)
{
    if (a < 256)
        a = a * 2 + 1;          /* 0.25 .. 0.5, units of 1/512 */
    else
        a = ((a >> 1) << 1 | 1) * 2; /* 0.5 .. 1.0: drop bit 0, units of 1/256 */
    uint64_t lo = 513, hi = 2048; /* a·2048² >= 2^28 for every a >= 64 */
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if ((uint64_t)a * mid * mid >= (1ull << 28))
            hi = mid;
        else
            lo = mid + 1;
    }
    unsigned b = (unsigned)lo - 1;
    return (b + 1) / 2;
}

/* FPRecipEstimate */
static uint64_t recpe(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPParts p = fp_unpack(f, a, st, false);
    const int F = f->frac_bits;
    switch (p.cls) {
    case FPC_QNAN:
    case FPC_SNAN:
        return fp_process_nan(f, a, p.cls, st);
    case FPC_INF:
        return fp_zero_bits(f, p.sign);
    case FPC_ZERO:
        st->flags |= FP_FLAG_DIVBYZERO;
        return fp_inf_bits(f, p.sign);
    default:
        break;
    }
    /* |value| < 2^−(bias+1) (2^−16, 2^−128, 2^−1024): the estimate
     * overflows. */
    if (p.exp < -(f->bias + 1)) {
        st->flags |= FP_FLAG_OVERFLOW | FP_FLAG_INEXACT;
        return overflow_to_inf(st->rounding, p.sign) ? fp_inf_bits(f, p.sign)
                                                     : fp_max_normal_bits(f, p.sign);
    }
    /* |value| >= 2^(bias−1) (2^14, 2^126, 2^1022): the estimate is a
     * denormal, flushed under FZ/FZ16 with UFC only. */
    if (p.exp >= f->bias - 1 && (f->bits == 16 ? st->flush_out16 : st->flush_out)) {
        st->flags |= FP_FLAG_UNDERFLOW;
        return fp_zero_bits(f, p.sign);
    }
    /* The operand's fraction widened to 52 bits, and its biased exponent;
     * a denormal is normalised by at most two places (smaller ones took
     * the overflow branch). */
    uint64_t fraction = (a & fp_frac_mask(f)) << (52 - F);
    const uint64_t m52 = (1ull << 52) - 1;
    int exp = (int)((a >> F) & fp_exp_max(f));
    if (exp == 0) {
        if (!(fraction >> 51)) {
            exp = -1;
            fraction = (fraction << 2) & m52;
        } else {
            fraction = (fraction << 1) & m52;
        }
    }
    unsigned scaled = 256 | (unsigned)(fraction >> 44);
    int result_exp = 2 * f->bias - 1 - exp; /* 29/253/2045 − exp */
    unsigned estimate = recip_estimate(scaled);
    fraction = (uint64_t)(estimate & 0xff) << 44;
    if (result_exp == 0) {
        fraction = 1ull << 51 | fraction >> 1;
    } else if (result_exp == -1) {
        fraction = 1ull << 50 | fraction >> 2;
        result_exp = 0;
    }
    return fp_zero_bits(f, p.sign) | ((uint64_t)result_exp << F) | (fraction >> (52 - F));
}

/* FPRSqrtEstimate */
static uint64_t rsqrte(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPParts p = fp_unpack(f, a, st, false);
    const int F = f->frac_bits;
    switch (p.cls) {
    case FPC_QNAN:
    case FPC_SNAN:
        return fp_process_nan(f, a, p.cls, st);
    case FPC_ZERO:
        st->flags |= FP_FLAG_DIVBYZERO;
        return fp_inf_bits(f, p.sign);
    default:
        break;
    }
    if (p.sign) {
        st->flags |= FP_FLAG_INVALID;
        return fp_default_nan(f, st);
    }
    if (p.cls == FPC_INF)
        return 0;
    const uint64_t m52 = (1ull << 52) - 1;
    uint64_t fraction = (a & fp_frac_mask(f)) << (52 - F);
    int exp = (int)((a >> F) & fp_exp_max(f));
    if (exp == 0) {
        while (!(fraction >> 51)) {
            fraction = (fraction << 1) & m52;
            exp--;
        }
        fraction = (fraction << 1) & m52;
    }
    /*
     * Scale into 0.25 .. 1.0 keeping the exponent's parity: an even biased
     * exponent (odd unbiased) gives '1':fraction<51:44> (0.5 .. 1.0), an
     * odd one '01':fraction<51:45> (0.25 .. 0.5).
     */
    unsigned scaled;
    if (((unsigned)exp & 1) == 0)
        scaled = 256 | (unsigned)(fraction >> 44);
    else
        scaled = 128 | (unsigned)(fraction >> 45);
    int result_exp = (3 * f->bias - 1 - exp) / 2; /* (44/380/3068 − exp) DIV 2, > 0 */
    unsigned estimate = recip_sqrt_estimate(scaled);
    return ((uint64_t)result_exp << F) | ((uint64_t)(estimate & 0xff) << (F - 8));
}

/* FPRecpX: the exponent's complement, fraction zero. */
static uint64_t recpx(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPParts p = fp_unpack(f, a, st, false); /* raises IDC under FZ */
    if (fp_is_nan_cls(p.cls))
        return fp_process_nan(f, a, p.cls, st);
    uint64_t exp = (a >> f->frac_bits) & fp_exp_max(f);
    uint64_t r_exp = exp == 0 ? fp_exp_max(f) - 1 : ~exp & fp_exp_max(f);
    return fp_zero_bits(f, p.sign) | (r_exp << f->frac_bits);
}

/* FPMulX: FPMul, except that 0 × ∞ is 2.0 with the product's sign. */
static uint64_t mulx(const FPFmt *f, uint64_t a, uint64_t b, FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls)) {
        uint64_t ops[2] = { a, b };
        uint8_t cls[2] = { pa.cls, pb.cls };
        return fp_propagate_nan(f, ops, cls, 2, st);
    }
    bool sign = pa.sign ^ pb.sign;
    if ((pa.cls == FPC_INF && pb.cls == FPC_ZERO) ||
        (pa.cls == FPC_ZERO && pb.cls == FPC_INF))
        return fp_zero_bits(f, sign) | ((uint64_t)(f->bias + 1) << f->frac_bits); /* ±2.0 */
    return fp_soft_mul(f, a, b, st);
}

/*
 * FPRecipStepFused (is_rsqrt false) and FPRSqrtStepFused (true): op1 is
 * negated first (FPNeg, so a NaN op1 propagates with its sign flipped),
 * NaNs are processed as in FPProcessNaNs, 0 × ∞ gives 2.0 / 1.5, an
 * infinite product gives ∞ with the product's sign, and otherwise
 * 2 + (−a)·b, or (3 + (−a)·b)/2, is computed exactly and rounded once.
 */
static uint64_t step(const FPFmt *f, uint64_t a, uint64_t b, bool is_rsqrt, FPStatus *st)
{
    uint64_t an = a ^ fp_sign_bit(f);
    FPParts pa = fp_unpack(f, an, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls)) {
        uint64_t ops[2] = { an, b };
        uint8_t cls[2] = { pa.cls, pb.cls };
        return fp_propagate_nan(f, ops, cls, 2, st);
    }
    if ((pa.cls == FPC_INF && pb.cls == FPC_ZERO) ||
        (pa.cls == FPC_ZERO && pb.cls == FPC_INF)) {
        /* FPTwo('0') = 2^1; FPOnePointFive('0') = 1.1b × 2^0 */
        if (is_rsqrt)
            return ((uint64_t)f->bias << f->frac_bits) | fp_quiet_bit(f);
        return (uint64_t)(f->bias + 1) << f->frac_bits;
    }
    if (pa.cls == FPC_INF || pb.cls == FPC_INF)
        return fp_inf_bits(f, pa.sign ^ pb.sign);
    /* The constant addend, 2.0 or 3.0, as exact parts. */
    FPParts c = { .cls = FPC_NUM, .sign = false, .exp = 1,
                  .sig = is_rsqrt ? 3ull << 62 : 1ull << 63 };
    FPParts r = fp_muladd_core(&pa, &pb, &c);
    if (r.cls == FPC_ZERO)
        return fp_zero_bits(f, st->rounding == FP_ROUND_DOWN);
    if (is_rsqrt)
        r.exp -= 1; /* halving the exact value is exact */
    return fp_round_pack(f, r.sign, r.exp, r.sig, st->rounding, st, false);
}

#define ARM_DEFINE_OPS(N)                                                                \
    sf##N arm_frecpe_sf##N(sf##N a, FPStatus *st)                                        \
    {                                                                                    \
        return (sf##N)recpe(&fp_fmt##N, a, st);                                          \
    }                                                                                    \
    sf##N arm_frsqrte_sf##N(sf##N a, FPStatus *st)                                       \
    {                                                                                    \
        return (sf##N)rsqrte(&fp_fmt##N, a, st);                                         \
    }                                                                                    \
    sf##N arm_frecps_sf##N(sf##N a, sf##N b, FPStatus *st)                               \
    {                                                                                    \
        return (sf##N)step(&fp_fmt##N, a, b, false, st);                                 \
    }                                                                                    \
    sf##N arm_frsqrts_sf##N(sf##N a, sf##N b, FPStatus *st)                              \
    {                                                                                    \
        return (sf##N)step(&fp_fmt##N, a, b, true, st);                                  \
    }                                                                                    \
    sf##N arm_frecpx_sf##N(sf##N a, FPStatus *st)                                        \
    {                                                                                    \
        return (sf##N)recpx(&fp_fmt##N, a, st);                                          \
    }                                                                                    \
    sf##N arm_fmulx_sf##N(sf##N a, sf##N b, FPStatus *st)                                \
    {                                                                                    \
        return (sf##N)mulx(&fp_fmt##N, a, b, st);                                        \
    }

ARM_DEFINE_OPS(16)
ARM_DEFINE_OPS(32)
ARM_DEFINE_OPS(64)
