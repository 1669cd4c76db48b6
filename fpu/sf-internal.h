/*
 * sf-internal.h — the machinery shared by the fpu/ source files: format
 * descriptors, the one unpacked representation every operation works on,
 * and the declarations of the generic unpack / round-and-pack / NaN
 * routines (fpu/softfloat.c).  Not part of the API.
 *
 * Every operation is written once on FPParts and a format descriptor; the
 * sfN_* entry points are thin wrappers.  The rounding routine is Arm's
 * FPRoundBase (DDI 0487, shared/functions/float/fpround) made general:
 * tininess before or after rounding, every IEEE rounding direction plus
 * round-to-odd.
 */
#ifndef FERRY_FPU_SF_INTERNAL_H
#define FERRY_FPU_SF_INTERNAL_H

#include "fpu/softfloat.h"

#include <stddef.h>

typedef unsigned __int128 u128;

/* A binary interchange format. */
typedef struct FPFmt {
    int bits;      /* N: 16, 32, 64 */
    int exp_bits;  /* E: 5, 8, 11 */
    int frac_bits; /* F: 10, 23, 52 (the trailing significand) */
    int bias;      /* 15, 127, 1023; emin = 1 - bias, emax = bias */
} FPFmt;

extern const FPFmt fp_fmt16, fp_fmt32, fp_fmt64;

/* Operand classes (Arm FPType, with the denormal/normal split dropped). */
enum {
    FPC_ZERO,
    FPC_NUM, /* finite, nonzero: normal or (unflushed) denormal */
    FPC_INF,
    FPC_QNAN,
    FPC_SNAN,
};

/*
 * An unpacked operand.  For FPC_NUM: value = (-1)^sign * sig * 2^(exp-63),
 * sig has bit 63 set (denormals are normalised), so exp is the exponent of
 * the leading bit.  Because sig carries the format's significand at its
 * top, its low 64-(F+1) bits are zero — the arithmetic below relies on that
 * slack (see fp_addsub_core).
 */
typedef struct FPParts {
    uint8_t cls;
    bool sign;
    int32_t exp;
    uint64_t sig;
} FPParts;

static inline bool fp_is_nan_cls(int c) { return c == FPC_QNAN || c == FPC_SNAN; }

static inline uint64_t fp_sign_bit(const FPFmt *f) { return 1ull << (f->bits - 1); }
static inline uint64_t fp_frac_mask(const FPFmt *f) { return (1ull << f->frac_bits) - 1; }
static inline uint64_t fp_exp_max(const FPFmt *f) { return (1ull << f->exp_bits) - 1; }
static inline uint64_t fp_quiet_bit(const FPFmt *f) { return 1ull << (f->frac_bits - 1); }
static inline uint64_t fp_inf_bits(const FPFmt *f, bool sign)
{
    return (sign ? fp_sign_bit(f) : 0) | (fp_exp_max(f) << f->frac_bits);
}
static inline uint64_t fp_zero_bits(const FPFmt *f, bool sign)
{
    return sign ? fp_sign_bit(f) : 0;
}
static inline uint64_t fp_max_normal_bits(const FPFmt *f, bool sign)
{
    return fp_zero_bits(f, sign) | ((fp_exp_max(f) - 1) << f->frac_bits) | fp_frac_mask(f);
}
/* The default NaN: Arm FPDefaultNaN (positive) or x86 real indefinite. */
static inline uint64_t fp_default_nan(const FPFmt *f, const FPStatus *st)
{
    return fp_inf_bits(f, st->nan_rule == FP_NAN_X86) | fp_quiet_bit(f);
}

static inline int fp_clz64(uint64_t x) { return x ? __builtin_clzll(x) : 64; }
static inline int fp_clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + fp_clz64((uint64_t)x);
}

/* x >> s, with every bit shifted out ORed into bit 0 ("jamming"). */
static inline u128 fp_shr_jam128(u128 x, int s)
{
    if (s <= 0)
        return x;
    if (s >= 128)
        return x != 0;
    return (x >> s) | ((x & (((u128)1 << s) - 1)) != 0);
}

/*
 * Normalise a nonzero 128-bit magnitude whose value is x * 2^(e - 126)
 * (i.e. "leading bit at 126 means exponent e") into a jammed 64-bit
 * significand with bit 63 set.  Returns the exponent of the leading bit.
 */
static inline int32_t fp_norm128(u128 x, int32_t e, uint64_t *sig)
{
    int lead = 127 - fp_clz128(x);
    x <<= 127 - lead;
    *sig = (uint64_t)(x >> 64) | ((uint64_t)x != 0);
    return e + (lead - 126);
}

/* Is the binary16 flush setting the one that applies to this format? */
static inline bool fp_flush_in(const FPFmt *f, const FPStatus *st, bool cv)
{
    return f->bits == 16 ? (st->flush_in16 && !cv) : st->flush_in;
}
static inline bool fp_flush_out(const FPFmt *f, const FPStatus *st, bool cv)
{
    return f->bits == 16 ? (st->flush_out16 && !cv) : st->flush_out;
}

/*
 * Unpack (Arm FPUnpack; FPUnpackCV when cv, which ignores binary16
 * flushing).  A flushed binary32/64 denormal raises INPUT_DENORMAL.
 */
FPParts fp_unpack(const FPFmt *f, uint64_t bits, FPStatus *st, bool cv);

/*
 * Round (sign, exp, sig) — sig nonzero with bit 63 set, sticky bits jammed
 * into bit 0, value sig * 2^(exp-63) — to format f in mode rm and pack it,
 * raising OVERFLOW/UNDERFLOW/INEXACT (Arm FPRoundBase).  cv: FPRoundCV
 * (binary16 results are not flushed).
 */
uint64_t fp_round_pack(const FPFmt *f, bool sign, int32_t exp, uint64_t sig,
                       FPRounding rm, FPStatus *st, bool cv);

/* Pack an FPParts that is known to be exactly representable (no flags
 * unless it is a denormal and output flushing applies). */
uint64_t fp_pack_parts(const FPFmt *f, const FPParts *p, FPStatus *st);

/*
 * The NaN result of an operation whose operands include a NaN: ops[i] are
 * the operands' bit patterns in the architecture's priority order, cls[i]
 * their classes.  Raises INVALID if any is signalling; honours default_nan.
 */
uint64_t fp_propagate_nan(const FPFmt *f, const uint64_t *ops, const uint8_t *cls,
                          int n, FPStatus *st);

/* Quieten one NaN operand (Arm FPProcessNaN). */
uint64_t fp_process_nan(const FPFmt *f, uint64_t bits, int cls, FPStatus *st);

/* Signed comparison of two non-NaN operands: -1, 0, 1 (zeros are equal). */
int fp_cmp_parts(const FPParts *a, const FPParts *b);

/*
 * Rounding helpers.  fp_shr_round(x, s, &rc) returns x >> s and classifies
 * the discarded bits: 0 nothing, 1 below half, 2 exactly half, 3 above.
 * fp_round_up() says whether the kept magnitude is incremented.
 */
static inline uint64_t fp_shr_round(uint64_t x, int s, int *rc)
{
    uint64_t kept, rem, half;
    if (s <= 0) {
        *rc = 0;
        return x;
    }
    if (s > 64) {
        *rc = x ? 1 : 0; /* x < 2^64 <= half a unit of the kept part */
        return 0;
    }
    if (s == 64) {
        kept = 0;
        rem = x;
    } else {
        kept = x >> s;
        rem = x & ((1ull << s) - 1);
    }
    half = 1ull << (s - 1);
    *rc = rem == 0 ? 0 : rem < half ? 1 : rem == half ? 2 : 3;
    return kept;
}

static inline bool fp_round_up(FPRounding rm, bool sign, bool lsb, int rc)
{
    switch (rm) {
    case FP_ROUND_NEAREST_EVEN:
        return rc == 3 || (rc == 2 && lsb);
    case FP_ROUND_NEAREST_AWAY:
        return rc >= 2;
    case FP_ROUND_UP:
        return rc != 0 && !sign;
    case FP_ROUND_DOWN:
        return rc != 0 && sign;
    default: /* ZERO, ODD */
        return false;
    }
}

/*
 * Exact (unrounded) core results, shared by the plain operations and the
 * Arm step operations.  Each returns FPC_ZERO for an exact zero (sign not
 * yet decided) or FPC_NUM with a jammed significand.
 */
FPParts fp_addsub_core(bool sa, int32_t ea, u128 xa, bool sb, int32_t eb, u128 xb);
FPParts fp_mul_core(const FPParts *a, const FPParts *b);
/* a*b + c, all FPC_NUM or ZERO (no inf/NaN), exact then jammed. */
FPParts fp_muladd_core(const FPParts *a, const FPParts *b, const FPParts *c);

/* The soft (host-independent) entry points of the arithmetic operations,
 * which the sfN_* functions call when the fast path does not apply. */
uint64_t fp_soft_addsub(const FPFmt *f, uint64_t a, uint64_t b, bool subtract,
                        FPStatus *st);
uint64_t fp_soft_mul(const FPFmt *f, uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp_soft_div(const FPFmt *f, uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp_soft_sqrt(const FPFmt *f, uint64_t a, FPStatus *st);
uint64_t fp_soft_muladd(const FPFmt *f, uint64_t a, uint64_t b, uint64_t c,
                        unsigned neg, FPStatus *st);

#endif
