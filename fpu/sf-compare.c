/*
 * sf-compare.c — comparison (Arm FPCompare: quiet and signalling, result
 * as a relation that maps to FCMP's NZCV) and the minimum/maximum family:
 * Arm FPMin/FPMax (FMIN/FMAX: NaN-propagating, −0 < +0) and
 * FPMinNum/FPMaxNum (FMINNM/FMAXNM, IEEE 754-2008 minNum/maxNum: a single
 * quiet NaN is treated as the identity, ±infinity).  DDI 0487
 * shared/functions/float; FEAT_AFP's FPCR.AH alternatives are not modelled.
 */
#include "fpu/sf-internal.h"

static FPRelation compare(const FPFmt *f, uint64_t a, uint64_t b, bool signaling,
                          FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls)) {
        if (pa.cls == FPC_SNAN || pb.cls == FPC_SNAN || signaling)
            st->flags |= FP_FLAG_INVALID;
        return FP_REL_UNORDERED;
    }
    int c = fp_cmp_parts(&pa, &pb);
    return c < 0 ? FP_REL_LESS : c == 0 ? FP_REL_EQUAL : FP_REL_GREATER;
}

/*
 * FPMax / FPMin.  The chosen operand goes through FPRound in the
 * pseudocode; for a finite value that is exact, so it only matters when a
 * denormal meets output flushing — fp_pack_parts does the same.
 */
static uint64_t minmax(const FPFmt *f, uint64_t a, uint64_t b, bool is_max, FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls)) {
        uint64_t ops[2] = { a, b };
        uint8_t cls[2] = { pa.cls, pb.cls };
        return fp_propagate_nan(f, ops, cls, 2, st);
    }
    int c = fp_cmp_parts(&pa, &pb);
    /* "if value1 > value2 then op1 else op2" (and < for min) */
    const FPParts *r = (is_max ? c > 0 : c < 0) ? &pa : &pb;
    if (r->cls == FPC_ZERO) {
        /* Zeros compare equal: max takes the most positive sign (sign1 AND
         * sign2), min the most negative (sign1 OR sign2). */
        bool sign = is_max ? (pa.sign && pb.sign) : (pa.sign || pb.sign);
        if (pa.cls == FPC_ZERO && pb.cls == FPC_ZERO)
            return fp_zero_bits(f, sign);
        return fp_zero_bits(f, r->sign);
    }
    return fp_pack_parts(f, r, st);
}

/*
 * FPMaxNum / FPMinNum: a quiet NaN paired with a non-quiet-NaN operand is
 * replaced by −infinity (for max) or +infinity (for min), so the other
 * operand wins; a signalling NaN still propagates through FPMax/FPMin.
 */
static uint64_t minmaxnum(const FPFmt *f, uint64_t a, uint64_t b, bool is_max,
                          FPStatus *st)
{
    bool qa = (a & ~fp_sign_bit(f)) > fp_inf_bits(f, false) && (a & fp_quiet_bit(f));
    bool qb = (b & ~fp_sign_bit(f)) > fp_inf_bits(f, false) && (b & fp_quiet_bit(f));
    if (qa && !qb)
        a = fp_inf_bits(f, is_max);
    else if (!qa && qb)
        b = fp_inf_bits(f, is_max);
    return minmax(f, a, b, is_max, st);
}

#define FP_DEFINE_COMPARE(N)                                                             \
    FPRelation sf##N##_compare(sf##N a, sf##N b, bool signaling, FPStatus *st)           \
    {                                                                                    \
        return compare(&fp_fmt##N, a, b, signaling, st);                                 \
    }                                                                                    \
    sf##N sf##N##_min(sf##N a, sf##N b, FPStatus *st)                                    \
    {                                                                                    \
        return (sf##N)minmax(&fp_fmt##N, a, b, false, st);                               \
    }                                                                                    \
    sf##N sf##N##_max(sf##N a, sf##N b, FPStatus *st)                                    \
    {                                                                                    \
        return (sf##N)minmax(&fp_fmt##N, a, b, true, st);                                \
    }                                                                                    \
    sf##N sf##N##_minnum(sf##N a, sf##N b, FPStatus *st)                                 \
    {                                                                                    \
        return (sf##N)minmaxnum(&fp_fmt##N, a, b, false, st);                            \
    }                                                                                    \
    sf##N sf##N##_maxnum(sf##N a, sf##N b, FPStatus *st)                                 \
    {                                                                                    \
        return (sf##N)minmaxnum(&fp_fmt##N, a, b, true, st);                             \
    }

FP_DEFINE_COMPARE(16)
FP_DEFINE_COMPARE(32)
FP_DEFINE_COMPARE(64)
