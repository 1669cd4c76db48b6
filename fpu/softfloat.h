/*
 * softfloat.h — ferry's IEEE 754 soft-float library: binary16, binary32 and
 * binary64 arithmetic with exact results and exact exception flags, for the
 * A64 (and later x86 SSE) frontends' helpers.
 *
 * Values are passed and returned as their bit patterns (sf16/sf32/sf64).
 * Every operation takes an FPStatus that says how to round and which
 * architecture's conventions to follow (NaN propagation, default NaN,
 * flushing, tininess), and into which the exception flags accumulate.
 *
 * Semantics follow IEEE 754-2019 where it decides, and the Arm Architecture
 * Reference Manual (DDI 0487) shared pseudocode where the architecture does
 * (FPUnpack, FPRound, FPProcessNaNs/FPProcessNaNs3, FPAdd/FPMul/FPDiv/FPSqrt,
 * FPMulAdd, FPMax/FPMin/FPMaxNum/FPMinNum, FPCompare, FPRoundInt, FPConvert,
 * FPToFixed, FixedToFP).  The x86 profile follows the Intel SDM vol. 1
 * §4.8.3.5 table 4-7 and §4.8.3.7 (NaN rules, real indefinite), §4.9.1.5
 * and §11.5.2.5 (underflow: tininess after rounding), §10.2.3.3-10.2.3.4
 * (FTZ, DAZ).  fpu/README.md explains the choices and how to add an op.
 *
 * Arm-only operations (FRECPE, FRSQRTE, FRECPS, FRSQRTS, FRECPX, FMULX)
 * live in fpu/arm-fp.c with an arm_ prefix and are declared at the end.
 */
#ifndef FERRY_FPU_SOFTFLOAT_H
#define FERRY_FPU_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/* Bit patterns of the three formats. */
typedef uint16_t sf16;
typedef uint32_t sf32;
typedef uint64_t sf64;

/*
 * Rounding modes.  0-3 are numbered as Arm FPCR.RMode (so the Arm frontend
 * can use the field directly); x86 MXCSR.RC numbers them differently
 * (00 nearest, 01 down, 10 up, 11 zero) and its frontend maps.
 * NEAREST_AWAY is IEEE roundTiesToAway (Arm FRINTA/FCVTA*), ODD is Arm's
 * FPRounding_ODD (FCVTXN): truncate, then set the last bit if inexact.
 */
typedef enum FPRounding {
    FP_ROUND_NEAREST_EVEN = 0,
    FP_ROUND_UP = 1,   /* toward +infinity */
    FP_ROUND_DOWN = 2, /* toward -infinity */
    FP_ROUND_ZERO = 3,
    FP_ROUND_NEAREST_AWAY = 4,
    FP_ROUND_ODD = 5,
} FPRounding;

/*
 * Exception flags, accumulated (ORed) into FPStatus.flags.  The bit
 * positions are those of Arm FPSR (IOC=0 DZC=1 OFC=2 UFC=3 IXC=4 IDC=7).
 */
enum {
    FP_FLAG_INVALID = 1u << 0,
    FP_FLAG_DIVBYZERO = 1u << 1,
    FP_FLAG_OVERFLOW = 1u << 2,
    FP_FLAG_UNDERFLOW = 1u << 3,
    FP_FLAG_INEXACT = 1u << 4,
    /* A binary32/64 denormal input was flushed to zero (Arm IDC). */
    FP_FLAG_INPUT_DENORMAL = 1u << 7,
};

/* How NaN operands become the NaN result, and what the default NaN is. */
typedef enum FPNaNRule {
    /*
     * Arm FPProcessNaNs/FPProcessNaNs3: the first signalling NaN among the
     * operands in order, else the first quiet NaN; quietened.  Default NaN
     * is positive (0x7e00 / 0x7fc00000 / 0x7ff8000000000000).
     */
    FP_NAN_ARM = 0,
    /*
     * x86 SSE (SDM vol. 1 table 4-7): the first operand that is a NaN of
     * either kind, quietened.  Default NaN is the "real indefinite", negative
     * (0xfe00 / 0xffc00000 / 0xfff8000000000000).
     */
    FP_NAN_X86 = 1,
} FPNaNRule;

/*
 * The floating-point environment of one operation.  Zero-initialised it is
 * IEEE 754 default: round to nearest even, no flushing, NaNs propagated by
 * the Arm rule, tininess before rounding.  fp_status_init() sets a profile.
 */
typedef struct FPStatus {
    uint8_t rounding; /* FPRounding for arithmetic and int->float */
    uint8_t nan_rule; /* FPNaNRule */
    /*
     * Flushing of denormals, separately for binary32/64 (Arm FPCR.FZ sets
     * both flush_in and flush_out; x86 DAZ is flush_in, FTZ flush_out) and
     * binary16 (Arm FPCR.FZ16).  A flushed input raises
     * FP_FLAG_INPUT_DENORMAL for binary32/64 but no flag for binary16
     * (Arm FPUnpackBase).  A result is flushed when it is tiny (by the
     * tininess rule below); that raises UNDERFLOW, and INEXACT too when
     * ftz_inexact is set (x86), not otherwise (Arm FPRoundBase).
     * Conversions between formats never flush binary16 values, in or out
     * (Arm FPUnpackCV/FPRoundCV; x86 VCVTPH2PS/VCVTPS2PH likewise).
     */
    bool flush_in;
    bool flush_out;
    bool flush_in16;
    bool flush_out16;
    bool ftz_inexact;
    /* Every NaN result is the default NaN (Arm FPCR.DN). */
    bool default_nan;
    /*
     * Tininess is detected after rounding (x86: SDM vol. 1 §4.9.1.5, "the
     * result of rounding with unbounded exponent") rather than before
     * (Arm: FPRoundBase tests the exponent of the unrounded value, both
     * for the Underflow exception and for the FZ flush).
     */
    bool tininess_after;
    /*
     * Never use the host-FPU fast path (tests compare both paths; the fast
     * path gives the same results and flags by construction).
     */
    bool soft_only;
    uint32_t flags; /* FP_FLAG_*, accumulated */
} FPStatus;

typedef enum FPProfile {
    FP_PROFILE_IEEE = 0, /* the zero-initialised defaults */
    FP_PROFILE_ARM,      /* Arm NaN rule, tininess before rounding */
    FP_PROFILE_X86,      /* x86 NaN rule, tininess after, FTZ raises inexact */
} FPProfile;

/* Reset st to a profile's conventions, round to nearest even, no flags. */
void fp_status_init(FPStatus *st, FPProfile profile);

/* Result of a comparison. */
typedef enum FPRelation {
    FP_REL_LESS = 0,
    FP_REL_EQUAL = 1,
    FP_REL_GREATER = 2,
    FP_REL_UNORDERED = 3,
} FPRelation;

/* The NZCV value Arm FCMP/FCCMP sets for a relation (FPCompare). */
static inline unsigned fp_relation_nzcv(FPRelation r)
{
    static const unsigned char nzcv[4] = { 0x8, 0x6, 0x2, 0x3 };
    return nzcv[r & 3];
}

/* Fused multiply-add negations (for sfN_muladd's neg argument). */
enum {
    /*
     * Negate the product: -(a*b) + c.  Under the Arm NaN rule this negates
     * operand a before NaN processing, as FMSUB/FNMADD/FMLS do
     * (FPMulAdd(addend, FPNeg(op1), op2)), so a NaN in a comes out with its
     * sign flipped; under the x86 rule NaNs pass unchanged.
     */
    FP_MULADD_NEG_PRODUCT = 1,
    /* Negate the addend: a*b - c (Arm: FPNeg(addend) before processing). */
    FP_MULADD_NEG_ADDEND = 2,
};

/*
 * Operations.  For each format N in 16/32/64 (type sfN):
 *
 *   sfN_add(a, b, st)  sfN_sub(a, b, st)  sfN_mul  sfN_div      a op b
 *   sfN_sqrt(a, st)
 *   sfN_muladd(a, b, c, neg, st)   (±a*b) ± c with one rounding; NaN order
 *                                  is c, a, b (Arm FPProcessNaNs3(addend,
 *                                  op1, op2)) under the Arm rule, a, b, c
 *                                  under the x86 rule
 *   sfN_min/sfN_max(a, b, st)      Arm FMIN/FMAX: NaNs propagate, -0 < +0
 *   sfN_minnum/sfN_maxnum          Arm FMINNM/FMAXNM (IEEE 754-2008
 *                                  minNum/maxNum): one quiet NaN loses
 *   sfN_compare(a, b, signaling, st)  relation; INVALID on a signalling
 *                                  NaN, or on any NaN when signaling
 *   sfN_round_to_int(a, rmode, exact, st)  integral value in the given mode;
 *                                  INEXACT only when exact (FRINTX passes
 *                                  true; FRINTI/N/P/M/Z/A false)
 *   sfN_to_int(a, width, is_unsigned, fbits, rmode, st)  value * 2^fbits
 *                                  rounded in rmode to a width-bit
 *                                  (1..64; Arm uses 16/32/64) integer;
 *                                  saturating, INVALID
 *                                  on NaN (result 0) and out of range, no
 *                                  INEXACT then (Arm FPToFixed).  Returns the
 *                                  integer sign- or zero-extended to 64 bits.
 *   sfN_to_i32/_u32/_i64/_u64(a, fbits, rmode, st)  wrappers of the above
 *   sfN_from_i64/_u64/_i32/_u32(v, fbits, st)  v / 2^fbits rounded in
 *                                  st->rounding (Arm FixedToFP); +0 for 0
 *   sfN_abs, sfN_neg               sign-bit operations, no flags
 *   sfN_is_nan/_snan/_qnan/_zero/_denormal/_inf  classification
 *
 * and conversions between formats, rounding in st->rounding (ODD for
 * FCVTXN), NaNs keep sign and top payload bits and are quietened
 * (Arm FPConvertNaN):
 *   sf16_to_sf32 sf16_to_sf64 sf32_to_sf16 sf32_to_sf64 sf64_to_sf16
 *   sf64_to_sf32
 *
 * fbits is 0..64.  The host-FPU fast path (binary32/64 add, sub, mul, div,
 * sqrt, muladd in round-to-nearest-even on normal operands) assumes the
 * host's own FP environment is the default one (round to nearest, no
 * FTZ/DAZ), which ferry never changes.
 */
#define FP_DECLARE_OPS(N)                                                          \
    sf##N sf##N##_add(sf##N a, sf##N b, FPStatus *st);                             \
    sf##N sf##N##_sub(sf##N a, sf##N b, FPStatus *st);                             \
    sf##N sf##N##_mul(sf##N a, sf##N b, FPStatus *st);                             \
    sf##N sf##N##_div(sf##N a, sf##N b, FPStatus *st);                             \
    sf##N sf##N##_sqrt(sf##N a, FPStatus *st);                                     \
    sf##N sf##N##_muladd(sf##N a, sf##N b, sf##N c, unsigned neg, FPStatus *st);   \
    sf##N sf##N##_min(sf##N a, sf##N b, FPStatus *st);                             \
    sf##N sf##N##_max(sf##N a, sf##N b, FPStatus *st);                             \
    sf##N sf##N##_minnum(sf##N a, sf##N b, FPStatus *st);                          \
    sf##N sf##N##_maxnum(sf##N a, sf##N b, FPStatus *st);                          \
    FPRelation sf##N##_compare(sf##N a, sf##N b, bool signaling, FPStatus *st);    \
    sf##N sf##N##_round_to_int(sf##N a, FPRounding rmode, bool exact,              \
                               FPStatus *st);                                      \
    uint64_t sf##N##_to_int(sf##N a, unsigned width, bool is_unsigned, int fbits,  \
                            FPRounding rmode, FPStatus *st);                       \
    int32_t sf##N##_to_i32(sf##N a, int fbits, FPRounding rmode, FPStatus *st);    \
    uint32_t sf##N##_to_u32(sf##N a, int fbits, FPRounding rmode, FPStatus *st);   \
    int64_t sf##N##_to_i64(sf##N a, int fbits, FPRounding rmode, FPStatus *st);    \
    uint64_t sf##N##_to_u64(sf##N a, int fbits, FPRounding rmode, FPStatus *st);   \
    sf##N sf##N##_from_i64(int64_t v, int fbits, FPStatus *st);                    \
    sf##N sf##N##_from_u64(uint64_t v, int fbits, FPStatus *st);                   \
    sf##N sf##N##_from_i32(int32_t v, int fbits, FPStatus *st);                    \
    sf##N sf##N##_from_u32(uint32_t v, int fbits, FPStatus *st);

FP_DECLARE_OPS(16)
FP_DECLARE_OPS(32)
FP_DECLARE_OPS(64)

sf32 sf16_to_sf32(sf16 a, FPStatus *st);
sf64 sf16_to_sf64(sf16 a, FPStatus *st);
sf16 sf32_to_sf16(sf32 a, FPStatus *st);
sf64 sf32_to_sf64(sf32 a, FPStatus *st);
sf16 sf64_to_sf16(sf64 a, FPStatus *st);
sf32 sf64_to_sf32(sf64 a, FPStatus *st);

/* Classification and sign operations: pure bit tests, no flags. */
#define FP_DEFINE_BITOPS(N, T, EXPMASK, FRACMASK, QUIETBIT)                        \
    static inline T sf##N##_abs(T a) { return (T)(a & ~((T)1 << (N - 1))); }        \
    static inline T sf##N##_neg(T a) { return (T)(a ^ ((T)1 << (N - 1))); }          \
    static inline bool sf##N##_is_nan(T a)                                         \
    {                                                                              \
        return (a & (EXPMASK)) == (EXPMASK) && (a & (FRACMASK)) != 0;              \
    }                                                                              \
    static inline bool sf##N##_is_snan(T a)                                        \
    {                                                                              \
        return sf##N##_is_nan(a) && !(a & (QUIETBIT));                             \
    }                                                                              \
    static inline bool sf##N##_is_qnan(T a)                                        \
    {                                                                              \
        return sf##N##_is_nan(a) && (a & (QUIETBIT));                              \
    }                                                                              \
    static inline bool sf##N##_is_inf(T a)                                         \
    {                                                                              \
        return (a & (EXPMASK)) == (EXPMASK) && (a & (FRACMASK)) == 0;              \
    }                                                                              \
    static inline bool sf##N##_is_zero(T a) { return (a & ~((T)1 << (N - 1))) == 0; } \
    static inline bool sf##N##_is_denormal(T a)                                    \
    {                                                                              \
        return (a & (EXPMASK)) == 0 && (a & (FRACMASK)) != 0;                      \
    }

FP_DEFINE_BITOPS(16, sf16, 0x7c00u, 0x03ffu, 0x0200u)
FP_DEFINE_BITOPS(32, sf32, 0x7f800000u, 0x007fffffu, 0x00400000u)
FP_DEFINE_BITOPS(64, sf64, 0x7ff0000000000000ull, 0x000fffffffffffffull,
                 0x0008000000000000ull)

/* ---- Arm-specific operations (fpu/arm-fp.c) ---------------------------- */

/*
 * Set the control fields of st from an AArch64 FPCR value: RMode (bits
 * 23:22), FZ (24: flush_in and flush_out), DN (25), FZ16 (19).  The profile
 * fields are set to FP_PROFILE_ARM; flags are left as they are.
 * FPCR.AHP (alternative half precision) and FEAT_AFP's FPCR.AH/FIZ/NEP are
 * not modelled.
 */
void arm_fp_status_set_fpcr(FPStatus *st, uint64_t fpcr);

/*
 * FRECPE, FRSQRTE (FPRecipEstimate/FPRSqrtEstimate with RecipEstimate/
 * RecipSqrtEstimate: 8-bit estimates), FRECPS (2 - a*b, fused), FRSQRTS
 * ((3 - a*b) / 2, fused), FRECPX (exponent reciprocal), FMULX (FPMulX:
 * 0 * inf = ±2).
 */
#define ARM_DECLARE_OPS(N)                                                         \
    sf##N arm_frecpe_sf##N(sf##N a, FPStatus *st);                                 \
    sf##N arm_frsqrte_sf##N(sf##N a, FPStatus *st);                                \
    sf##N arm_frecps_sf##N(sf##N a, sf##N b, FPStatus *st);                        \
    sf##N arm_frsqrts_sf##N(sf##N a, sf##N b, FPStatus *st);                       \
    sf##N arm_frecpx_sf##N(sf##N a, FPStatus *st);                                 \
    sf##N arm_fmulx_sf##N(sf##N a, sf##N b, FPStatus *st);

ARM_DECLARE_OPS(16)
ARM_DECLARE_OPS(32)
ARM_DECLARE_OPS(64)

#endif
