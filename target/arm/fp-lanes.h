/*
 * fp-lanes.h — one floating-point operation on one value of any of the
 * three sizes (element size log2 vece: 1 = half, 2 = single, 3 = double),
 * dispatching to fpu/. Used by the scalar helpers (helper-fp.c) and the
 * AdvSIMD lane loops (helper-simd-fp.c). Values are bit patterns,
 * zero-extended in a uint64_t.
 *
 * The semantics are fpu/'s (fpu/README.md), which follow the DDI 0487
 * shared pseudocode: FPAdd, FPSub, FPMul, FPDiv, FPMax/FPMin,
 * FPMaxNum/FPMinNum, FPMulAdd, FPSqrt, FPRoundInt, FPToFixed, FixedToFP,
 * FPCompare, FPRecipEstimate, FPRSqrtEstimate, FPRecipStepFused,
 * FPRSqrtStepFused, FPRecpX, FPMulX; and FPAbs/FPNeg (sign bit only).
 */
#ifndef FERRY_TARGET_ARM_FP_LANES_H
#define FERRY_TARGET_ARM_FP_LANES_H

#include "fpu/softfloat.h"

#define FPL_BIN(name, fn)                                                                \
    static inline uint64_t name(unsigned vece, uint64_t a, uint64_t b, FPStatus *st)     \
    {                                                                                    \
        switch (vece) {                                                                  \
        case 1: return fn##_sf16((sf16)a, (sf16)b, st);                                  \
        case 2: return fn##_sf32((sf32)a, (sf32)b, st);                                  \
        default: return fn##_sf64(a, b, st);                                             \
        }                                                                                \
    }
#define FPL_UN(name, fn)                                                                 \
    static inline uint64_t name(unsigned vece, uint64_t a, FPStatus *st)                 \
    {                                                                                    \
        switch (vece) {                                                                  \
        case 1: return fn##_sf16((sf16)a, st);                                           \
        case 2: return fn##_sf32((sf32)a, st);                                           \
        default: return fn##_sf64(a, st);                                                \
        }                                                                                \
    }

/* fpu/ names are sfN_op; adapt them to op_sfN for the macros above */
#define FPL_ADAPT_BIN(op)                                                                \
    static inline sf16 op##_sf16(sf16 a, sf16 b, FPStatus *st) { return sf16_##op(a, b, st); } \
    static inline sf32 op##_sf32(sf32 a, sf32 b, FPStatus *st) { return sf32_##op(a, b, st); } \
    static inline sf64 op##_sf64(sf64 a, sf64 b, FPStatus *st) { return sf64_##op(a, b, st); }
#define FPL_ADAPT_UN(op)                                                                 \
    static inline sf16 op##_sf16(sf16 a, FPStatus *st) { return sf16_##op(a, st); }       \
    static inline sf32 op##_sf32(sf32 a, FPStatus *st) { return sf32_##op(a, st); }       \
    static inline sf64 op##_sf64(sf64 a, FPStatus *st) { return sf64_##op(a, st); }

FPL_ADAPT_BIN(add)
FPL_ADAPT_BIN(sub)
FPL_ADAPT_BIN(mul)
FPL_ADAPT_BIN(div)
FPL_ADAPT_BIN(max)
FPL_ADAPT_BIN(min)
FPL_ADAPT_BIN(maxnum)
FPL_ADAPT_BIN(minnum)
FPL_ADAPT_UN(sqrt)

FPL_BIN(fpl_add, add)
FPL_BIN(fpl_sub, sub)
FPL_BIN(fpl_mul, mul)
FPL_BIN(fpl_div, div)
FPL_BIN(fpl_max, max)
FPL_BIN(fpl_min, min)
FPL_BIN(fpl_maxnm, maxnum)
FPL_BIN(fpl_minnm, minnum)
FPL_BIN(fpl_mulx, arm_fmulx)
FPL_BIN(fpl_recps, arm_frecps)
FPL_BIN(fpl_rsqrts, arm_frsqrts)
FPL_UN(fpl_sqrt, sqrt)
FPL_UN(fpl_recpe, arm_frecpe)
FPL_UN(fpl_rsqrte, arm_frsqrte)
FPL_UN(fpl_recpx, arm_frecpx)

/* the sign bit of a value of size 2^vece bytes */
static inline uint64_t fpl_signbit(unsigned vece)
{
    return 1ull << ((8u << vece) - 1);
}
static inline uint64_t fpl_abs(unsigned vece, uint64_t a)
{
    return a & ~fpl_signbit(vece);
}
static inline uint64_t fpl_neg(unsigned vece, uint64_t a)
{
    return a ^ fpl_signbit(vece);
}

/* FABD: FPAbs(FPSub(a, b)) */
static inline uint64_t fpl_abd(unsigned vece, uint64_t a, uint64_t b, FPStatus *st)
{
    return fpl_abs(vece, fpl_sub(vece, a, b, st));
}

/* (±a·b) ± c with one rounding (sfN_muladd's neg flags) */
static inline uint64_t fpl_muladd(unsigned vece, uint64_t a, uint64_t b, uint64_t c,
                                  unsigned neg, FPStatus *st)
{
    switch (vece) {
    case 1: return sf16_muladd((sf16)a, (sf16)b, (sf16)c, neg, st);
    case 2: return sf32_muladd((sf32)a, (sf32)b, (sf32)c, neg, st);
    default: return sf64_muladd(a, b, c, neg, st);
    }
}

static inline FPRelation fpl_compare(unsigned vece, uint64_t a, uint64_t b, bool signaling,
                                     FPStatus *st)
{
    switch (vece) {
    case 1: return sf16_compare((sf16)a, (sf16)b, signaling, st);
    case 2: return sf32_compare((sf32)a, (sf32)b, signaling, st);
    default: return sf64_compare(a, b, signaling, st);
    }
}

static inline uint64_t fpl_round_int(unsigned vece, uint64_t a, FPRounding rm, bool exact,
                                     FPStatus *st)
{
    switch (vece) {
    case 1: return sf16_round_to_int((sf16)a, rm, exact, st);
    case 2: return sf32_round_to_int((sf32)a, rm, exact, st);
    default: return sf64_round_to_int(a, rm, exact, st);
    }
}

/* FPToFixed to a width-bit integer, sign- or zero-extended to 64 bits */
static inline uint64_t fpl_to_int(unsigned vece, uint64_t a, unsigned width, bool is_unsigned,
                                  int fbits, FPRounding rm, FPStatus *st)
{
    switch (vece) {
    case 1: return sf16_to_int((sf16)a, width, is_unsigned, fbits, rm, st);
    case 2: return sf32_to_int((sf32)a, width, is_unsigned, fbits, rm, st);
    default: return sf64_to_int(a, width, is_unsigned, fbits, rm, st);
    }
}

/* FixedToFP of a 64-bit integer (sign- or zero-extended by the caller) */
static inline uint64_t fpl_from_int(unsigned vece, uint64_t v, bool is_unsigned, int fbits,
                                    FPStatus *st)
{
    switch (vece) {
    case 1: return is_unsigned ? sf16_from_u64(v, fbits, st) : sf16_from_i64((int64_t)v, fbits, st);
    case 2: return is_unsigned ? sf32_from_u64(v, fbits, st) : sf32_from_i64((int64_t)v, fbits, st);
    default: return is_unsigned ? sf64_from_u64(v, fbits, st) : sf64_from_i64((int64_t)v, fbits, st);
    }
}

/* FPConvert between sizes (from and to are vece values) */
static inline uint64_t fpl_convert(unsigned to, unsigned from, uint64_t a, FPStatus *st)
{
    switch (from * 4 + to) {
    case 1 * 4 + 2: return sf16_to_sf32((sf16)a, st);
    case 1 * 4 + 3: return sf16_to_sf64((sf16)a, st);
    case 2 * 4 + 1: return sf32_to_sf16((sf32)a, st);
    case 2 * 4 + 3: return sf32_to_sf64((sf32)a, st);
    case 3 * 4 + 1: return sf64_to_sf16(a, st);
    case 3 * 4 + 2: return sf64_to_sf32(a, st);
    default: return a;
    }
}

#endif
