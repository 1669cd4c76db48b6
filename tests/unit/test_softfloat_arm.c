/*
 * Unit tests for fpu/: hand-computed vectors for what only the Arm
 * architecture defines, each worked out from the Arm ARM (DDI 0487) shared
 * pseudocode named in the test: NaN propagation (FPProcessNaNs,
 * FPProcessNaNs3, FPMulAdd), default NaN (FPDefaultNaN), flushing and its
 * IDC/UFC flags (FPUnpackBase, FPRoundBase, FPUnpackCV/FPRoundCV),
 * tininess before rounding (FPRoundBase), FRECPE/FRSQRTE (FPRecipEstimate,
 * RecipEstimate, FPRSqrtEstimate, RecipSqrtEstimate), FRECPS/FRSQRTS
 * (FPRecipStepFused, FPRSqrtStepFused), FRECPX (FPRecpX), FMULX (FPMulX),
 * min/max (FPMax, FPMin, FPMaxNum, FPMinNum), FPCompare's NZCV, FPRoundInt
 * ties-away, FPToFixed saturation and FixedToFP; plus the x86 profile's
 * NaN choices (SDM vol. 1 table 4-7).
 */
#include "tests/unit/test.h"

#include "fpu/softfloat.h"

/* Arm FPCR fields */
#define FPCR_FZ16 (1u << 19)
#define FPCR_RM(m) ((uint64_t)(m) << 22)
#define FPCR_FZ (1u << 24)
#define FPCR_DN (1u << 25)

static FPStatus arm(uint64_t fpcr)
{
    FPStatus st = { 0 };
    arm_fp_status_set_fpcr(&st, fpcr);
    return st;
}

static FPStatus x86(void)
{
    FPStatus st;
    fp_status_init(&st, FP_PROFILE_X86);
    return st;
}

/* Check a result and the flags it raised (from a clean status). */
#define EXPECT(expr, st, want, wflags)                                              \
    do {                                                                            \
        (st).flags = 0;                                                             \
        uint64_t got_ = (uint64_t)(expr);                                           \
        if (got_ != (uint64_t)(want) || (st).flags != (uint32_t)(wflags))           \
            fail_msg("%s: got %#llx flags %#x, want %#llx flags %#x", #expr,        \
                     (unsigned long long)got_, (st).flags,                          \
                     (unsigned long long)(uint64_t)(want), (unsigned)(wflags));     \
    } while (0)

enum {
    IOC = FP_FLAG_INVALID, DZC = FP_FLAG_DIVBYZERO, OFC = FP_FLAG_OVERFLOW,
    UFC = FP_FLAG_UNDERFLOW, IXC = FP_FLAG_INEXACT, IDC = FP_FLAG_INPUT_DENORMAL,
};

/* binary32 values used below */
#define ONE 0x3f800000u
#define TWO 0x40000000u
#define QA 0x7fc00001u  /* quiet NaN, payload 1 */
#define QB 0x7fc00002u
#define QC 0x7fc0000cu
#define SA 0x7f800003u  /* signalling NaN, payload 3 */
#define SB 0xff800004u  /* negative signalling NaN */
#define SC 0x7f80000du
#define PINF 0x7f800000u
#define NINF 0xff800000u
#define DNAN32 0x7fc00000u

/* FPProcessNaNs: first SNaN in operand order, else first QNaN, quieted. */
static void test_nan_two_operands(void **state)
{
    FPStatus st = arm(0);
    EXPECT(sf32_add(QA, QB, &st), st, QA, 0);
    EXPECT(sf32_add(QA, SB, &st), st, 0xffc00004u, IOC);   /* SNaN beats an earlier QNaN */
    EXPECT(sf32_add(SA, SB, &st), st, 0x7fc00003u, IOC);
    EXPECT(sf32_add(ONE, QB, &st), st, QB, 0);
    EXPECT(sf32_sub(ONE, 0xffc00002u, &st), st, 0xffc00002u, 0); /* FPSub: NaN unnegated */
    EXPECT(sf32_mul(SB, QA, &st), st, 0xffc00004u, IOC);
    EXPECT(sf32_div(QA, SA, &st), st, 0x7fc00003u, IOC);
    EXPECT(sf32_sqrt(SB, &st), st, 0xffc00004u, IOC);
    EXPECT(sf64_add(0x7ff0000000000001ull, 0x7ff8000000000002ull, &st), st,
           0x7ff8000000000001ull, IOC);
    EXPECT(sf16_add(0x7e05, 0xfc03, &st), st, 0xfe03, IOC);
    EXPECT(sf32_max(QA, SB, &st), st, 0xffc00004u, IOC);
    /* Invalid operations give the positive default NaN (FPDefaultNaN). */
    EXPECT(sf32_sub(PINF, PINF, &st), st, DNAN32, IOC);
    EXPECT(sf32_mul(PINF, 0, &st), st, DNAN32, IOC);
    EXPECT(sf32_div(0, 0x80000000u, &st), st, DNAN32, IOC);
    EXPECT(sf32_sqrt(0xbf800000u, &st), st, DNAN32, IOC);
    EXPECT(sf16_add(0x7c00, 0xfc00, &st), st, 0x7e00, IOC);
    EXPECT(sf64_mul(0xfff0000000000000ull, 0, &st), st, 0x7ff8000000000000ull, IOC);
    /* FPCR.DN: every NaN result is the default NaN */
    st = arm(FPCR_DN);
    EXPECT(sf32_add(QA, ONE, &st), st, DNAN32, 0);
    EXPECT(sf32_add(SA, ONE, &st), st, DNAN32, IOC);
    EXPECT(sf16_mul(0x7e05, 0x3c00, &st), st, 0x7e00, 0);
    EXPECT(sf64_sqrt(0xfff8000000000123ull, &st), st, 0x7ff8000000000000ull, 0);
    EXPECT(sf32_to_sf64(SA, &st), st, 0x7ff8000000000000ull, IOC);
}

/* FPMulAdd(addend, op1, op2): FPProcessNaNs3 in the order addend, op1,
 * op2; a quiet-NaN addend with 0 × inf gives the default NaN and IOC. */
static void test_nan_three_operands(void **state)
{
    FPStatus st = arm(0);
    /* sfN_muladd(a = op1, b = op2, c = addend) */
    EXPECT(sf32_muladd(QA, QB, QC, 0, &st), st, QC, 0);
    EXPECT(sf32_muladd(QA, SB, QC, 0, &st), st, 0xffc00004u, IOC);
    EXPECT(sf32_muladd(SA, SB, QC, 0, &st), st, 0x7fc00003u, IOC);
    EXPECT(sf32_muladd(SA, ONE, SC, 0, &st), st, 0x7fc0000du, IOC);
    EXPECT(sf32_muladd(QA, ONE, ONE, 0, &st), st, QA, 0);
    EXPECT(sf32_muladd(ONE, QB, ONE, 0, &st), st, QB, 0);
    EXPECT(sf32_muladd(PINF, 0, QC, 0, &st), st, DNAN32, IOC);
    EXPECT(sf32_muladd(0x80000000u, NINF, QC, 0, &st), st, DNAN32, IOC);
    EXPECT(sf32_muladd(PINF, 0, SC, 0, &st), st, 0x7fc0000du, IOC);
    EXPECT(sf32_muladd(PINF, 0, ONE, 0, &st), st, DNAN32, IOC);
    EXPECT(sf32_muladd(PINF, ONE, NINF, 0, &st), st, DNAN32, IOC);
    /* FMSUB/FNMADD negate op1 / the addend before NaN processing */
    EXPECT(sf32_muladd(QA, ONE, ONE, FP_MULADD_NEG_PRODUCT, &st), st, 0xffc00001u, 0);
    EXPECT(sf32_muladd(ONE, ONE, QC, FP_MULADD_NEG_ADDEND, &st), st, 0xffc0000cu, 0);
    EXPECT(sf32_muladd(SA, ONE, QC, FP_MULADD_NEG_PRODUCT, &st), st, 0xffc00003u, IOC);
    EXPECT(sf64_muladd(0, 0xfff0000000000000ull, 0x7ff8000000000001ull, 0, &st), st,
           0x7ff8000000000000ull, IOC);
    EXPECT(sf16_muladd(0x7c00, 0x0000, 0x7e01, 0, &st), st, 0x7e00, IOC);
    /* Exact zero results: same-signed zeros keep their sign, otherwise
     * +0 except when rounding toward −inf. */
    EXPECT(sf32_muladd(0x80000000u, ONE, 0x80000000u, 0, &st), st, 0x80000000u, 0);
    EXPECT(sf32_muladd(0x80000000u, ONE, 0, 0, &st), st, 0, 0);
    EXPECT(sf32_muladd(ONE, ONE, 0xbf800000u, 0, &st), st, 0, 0);
    st = arm(FPCR_RM(2));
    EXPECT(sf32_muladd(ONE, ONE, 0xbf800000u, 0, &st), st, 0x80000000u, 0);
    EXPECT(sf32_add(ONE, 0xbf800000u, &st), st, 0x80000000u, 0);
    EXPECT(sf32_muladd(0x80000000u, ONE, 0, 0, &st), st, 0x80000000u, 0);
}

/* x86 SSE (SDM vol. 1 table 4-7): the first NaN operand, either kind;
 * the default NaN is the negative "real indefinite". */
static void test_nan_x86_rule(void **state)
{
    FPStatus st = x86();
    EXPECT(sf32_add(QA, SB, &st), st, QA, IOC);
    EXPECT(sf32_add(ONE, SB, &st), st, 0xffc00004u, IOC);
    EXPECT(sf32_sub(PINF, PINF, &st), st, 0xffc00000u, IOC);
    EXPECT(sf16_mul(0x7c00, 0, &st), st, 0xfe00, IOC);
    EXPECT(sf64_sqrt(0xbff0000000000000ull, &st), st, 0xfff8000000000000ull, IOC);
    EXPECT(sf32_muladd(QA, QB, QC, 0, &st), st, QA, 0);
    EXPECT(sf32_muladd(QA, ONE, ONE, FP_MULADD_NEG_PRODUCT, &st), st, QA, 0);
}

/* FPCR.FZ: FPUnpackBase flushes binary32/64 denormal inputs (IDC);
 * FPRoundBase flushes results tiny before rounding (UFC, no IXC).
 * FPCR.FZ16 does the same for binary16 but without IDC. */
static void test_flush_to_zero(void **state)
{
    FPStatus st = arm(FPCR_FZ);
    EXPECT(sf32_add(0x00000001u, 0, &st), st, 0, IDC);
    EXPECT(sf32_add(0x80000001u, 0, &st), st, 0, IDC);          /* −0 + +0 = +0 */
    EXPECT(sf32_add(0x80000001u, 0x80000000u, &st), st, 0x80000000u, IDC);
    EXPECT(sf64_add(1, 0x3ff0000000000000ull, &st), st, 0x3ff0000000000000ull, IDC);
    EXPECT(sf32_div(ONE, 0x00000010u, &st), st, PINF, IDC | DZC); /* x / flushed = x / 0 */
    EXPECT(sf32_mul(0x00800000u, 0x3f000000u, &st), st, 0, UFC); /* 2^-127: flushed */
    EXPECT(sf32_mul(0x80800000u, 0x3f000000u, &st), st, 0x80000000u, UFC);
    /* (1 − 2^-23)(1 + 2^-23)·2^-126 = 2^-126(1 − 2^-46): tiny before
     * rounding although it rounds to 2^-126: flushed under FZ */
    EXPECT(sf32_mul(0x3f7ffffeu, 0x00800001u, &st), st, 0, UFC);
    EXPECT(sf64_mul(0x0010000000000000ull, 0x3fe0000000000000ull, &st), st, 0, UFC);
    EXPECT(sf32_max(0x00000001u, 0x80000000u, &st), st, 0, IDC);
    EXPECT(sf32_compare(0x00000001u, 0, false, &st), st, FP_REL_EQUAL, IDC);
    EXPECT(sf32_round_to_int(0x80000001u, FP_ROUND_UP, true, &st), st, 0x80000000u, IDC);
    EXPECT(sf32_to_i32(0x00000001u, 0, FP_ROUND_UP, &st), st, 0, IDC);
    EXPECT(sf32_from_i64(1, 64, &st), st, 0x1f800000u, 0); /* 2^-64 is normal */
    /* FZ does not touch binary16 */
    EXPECT(sf16_add(0x0001, 0, &st), st, 0x0001, 0);
    EXPECT(sf16_mul(0x0400, 0x3800, &st), st, 0x0200, 0);

    st = arm(FPCR_FZ16);
    EXPECT(sf16_add(0x0001, 0, &st), st, 0, 0);                 /* no IDC for half */
    EXPECT(sf16_add(0x8001, 0x8000, &st), st, 0x8000, 0);
    EXPECT(sf16_mul(0x0400, 0x3800, &st), st, 0, UFC);           /* 2^-15: flushed */
    EXPECT(sf16_from_i64(1, 64, &st), st, 0, UFC);
    EXPECT(sf32_add(0x00000001u, 0, &st), st, 1, 0);            /* FZ16 leaves binary32 */
    /* Conversions ignore FZ16 (FPUnpackCV, FPRoundCV) but not FZ */
    EXPECT(sf16_to_sf32(0x0001, &st), st, 0x33800000u, 0);
    EXPECT(sf32_to_sf16(0x33800000u, &st), st, 0x0001, 0);
    EXPECT(sf64_to_sf16(0x3e70000000000000ull, &st), st, 0x0001, 0);
    st = arm(FPCR_FZ | FPCR_FZ16);
    EXPECT(sf32_to_sf16(0x00000001u, &st), st, 0, IDC);
    EXPECT(sf64_to_sf32(0x37d0000000000000ull, &st), st, 0, UFC); /* 2^-130 */
    EXPECT(sf16_to_sf64(0x8001, &st), st, 0xbe70000000000000ull, 0);
    st = arm(0);
    EXPECT(sf64_to_sf32(0x37d0000000000000ull, &st), st, 0x00080000u, 0); /* exact */
}

/* FPRoundBase signals underflow when the unrounded value is tiny and the
 * result inexact — even when it rounds up to the smallest normal.  The x86
 * profile detects tininess after rounding (and the host test confirms
 * that is what SSE does). */
static void test_tininess(void **state)
{
    FPStatus st = arm(0);
    /* 2^-126(1 − 2^-46) → 2^-126 */
    EXPECT(sf32_mul(0x3f7ffffeu, 0x00800001u, &st), st, 0x00800000u, UFC | IXC);
    EXPECT(sf32_mul(0x3f800001u, 0x007fffffu, &st), st, 0x00800000u, UFC | IXC);
    /* an exact denormal raises nothing */
    EXPECT(sf32_mul(0x00800000u, 0x3f000000u, &st), st, 0x00400000u, 0);
    /* binary64: 2^-1022(1 − 2^-104) */
    EXPECT(sf64_mul(0x3feffffffffffffeull, 0x0010000000000001ull, &st), st,
           0x0010000000000000ull, UFC | IXC);
    /* binary16: (1 − 2^-10)(1 + 2^-10)·2^-14 */
    EXPECT(sf16_mul(0x3bfe, 0x0401, &st), st, 0x0400, UFC | IXC);
    st = x86();
    EXPECT(sf32_mul(0x3f7ffffeu, 0x00800001u, &st), st, 0x00800000u, IXC);
    EXPECT(sf64_mul(0x3feffffffffffffeull, 0x0010000000000001ull, &st), st,
           0x0010000000000000ull, IXC);
    EXPECT(sf16_mul(0x3bfe, 0x0401, &st), st, 0x0400, IXC);
    /* but a value that stays below 2^-126 after rounding is tiny for both */
    EXPECT(sf32_mul(0x3f000000u, 0x00800001u, &st), st, 0x00400000u, UFC | IXC);
    /* x86 FTZ flushes only what is tiny after rounding, raising UE and PE */
    st.flush_out = true;
    EXPECT(sf32_mul(0x3f7ffffeu, 0x00800001u, &st), st, 0x00800000u, IXC);
    EXPECT(sf32_mul(0x3f000000u, 0x00800001u, &st), st, 0, UFC | IXC);
}

/* FPRecipEstimate / RecipEstimate: scaled = '1':fraction<51:44>,
 * estimate = ((2^19 DIV (2·scaled+1)) + 1) DIV 2, result exponent
 * 2·bias − 1 − exp.  E.g. 1.0: scaled 256 → 2^19 DIV 513 = 1022 →
 * 511 → fraction 0xff, exponent 253 − 127 = 126: 0x3f7f8000 (0.998). */
static void test_frecpe(void **state)
{
    FPStatus st = arm(0);
    EXPECT(arm_frecpe_sf32(ONE, &st), st, 0x3f7f8000u, 0);
    EXPECT(arm_frecpe_sf32(TWO, &st), st, 0x3eff8000u, 0);
    EXPECT(arm_frecpe_sf32(0x3fc00000u, &st), st, 0x3f2a8000u, 0); /* 1.5 → 341/512 */
    EXPECT(arm_frecpe_sf32(0x40400000u, &st), st, 0x3eaa8000u, 0); /* 3.0 */
    EXPECT(arm_frecpe_sf32(0xbf800000u, &st), st, 0xbf7f8000u, 0);
    EXPECT(arm_frecpe_sf64(0x3ff0000000000000ull, &st), st, 0x3feff00000000000ull, 0);
    EXPECT(arm_frecpe_sf16(0x3c00, &st), st, 0x3bfc, 0);
    /* special cases */
    EXPECT(arm_frecpe_sf32(0, &st), st, PINF, DZC);
    EXPECT(arm_frecpe_sf32(0x80000000u, &st), st, NINF, DZC);
    EXPECT(arm_frecpe_sf32(PINF, &st), st, 0, 0);
    EXPECT(arm_frecpe_sf32(NINF, &st), st, 0x80000000u, 0);
    EXPECT(arm_frecpe_sf32(QA, &st), st, QA, 0);
    EXPECT(arm_frecpe_sf32(SA, &st), st, 0x7fc00003u, IOC);
    /* denormal operand, 2^-128: normalised by two places, result exponent
     * 254: 0x7f7f8000 */
    EXPECT(arm_frecpe_sf32(0x00200000u, &st), st, 0x7f7f8000u, 0);
    /* |x| < 2^-128: overflow, to inf or the largest normal by mode */
    EXPECT(arm_frecpe_sf32(0x00100000u, &st), st, PINF, OFC | IXC);
    st = arm(FPCR_RM(3));
    EXPECT(arm_frecpe_sf32(0x00100000u, &st), st, 0x7f7fffffu, OFC | IXC);
    st = arm(FPCR_RM(2));
    EXPECT(arm_frecpe_sf32(0x00100000u, &st), st, 0x7f7fffffu, OFC | IXC);
    EXPECT(arm_frecpe_sf32(0x80100000u, &st), st, NINF, OFC | IXC);
    st = arm(FPCR_RM(1));
    EXPECT(arm_frecpe_sf32(0x80100000u, &st), st, 0xff7fffffu, OFC | IXC);
    /* large operands give denormal estimates: result exponent 0 or −1 */
    st = arm(0);
    EXPECT(arm_frecpe_sf32(0x7e800000u, &st), st, 0x007fc000u, 0); /* 2^126 */
    EXPECT(arm_frecpe_sf32(0x7f000000u, &st), st, 0x003fe000u, 0); /* 2^127 */
    /* ... which FZ flushes (UFC only) */
    st = arm(FPCR_FZ);
    EXPECT(arm_frecpe_sf32(0x7e800000u, &st), st, 0, UFC);
    EXPECT(arm_frecpe_sf32(0xfe800000u, &st), st, 0x80000000u, UFC);
    EXPECT(arm_frecpe_sf32(0x7e7fffffu, &st), st, 0x00800000u | (0x00u << 15), 0);
    EXPECT(arm_frecpe_sf32(0x00200000u, &st), st, PINF, DZC | IDC); /* flushed input */
    /* binary16: 2^-16 (a denormal) is the smallest without overflow:
     * estimate 0.998·2^16 = 65408 */
    st = arm(0);
    EXPECT(arm_frecpe_sf16(0x0100, &st), st, 0x7bfc, 0);
    EXPECT(arm_frecpe_sf16(0x0004, &st), st, 0x7c00, OFC | IXC);
    st = arm(FPCR_FZ16);
    EXPECT(arm_frecpe_sf16(0x0100, &st), st, 0x7c00, DZC);
    EXPECT(arm_frecpe_sf16(0x7400, &st), st, 0, UFC); /* 2^14 */
}

/* FPRSqrtEstimate / RecipSqrtEstimate: an odd biased exponent scales to
 * '01':fraction (0.25 .. 0.5), an even one to '1':fraction (0.5 .. 1);
 * result exponent (3·bias − 1 − exp) DIV 2.  1.0: scaled 128 → a = 257 →
 * b = 1022 → 511: 0x3f7f8000; 2.0: scaled 256 → a = 514 → b = 722 → 361:
 * 0x3f348000 (0.705). */
static void test_frsqrte(void **state)
{
    FPStatus st = arm(0);
    EXPECT(arm_frsqrte_sf32(ONE, &st), st, 0x3f7f8000u, 0);
    EXPECT(arm_frsqrte_sf32(TWO, &st), st, 0x3f348000u, 0);
    EXPECT(arm_frsqrte_sf32(0x40800000u, &st), st, 0x3eff8000u, 0); /* 4 → 0.499 */
    EXPECT(arm_frsqrte_sf32(0x3e800000u, &st), st, 0x3fff8000u, 0); /* 0.25 → 1.996 */
    EXPECT(arm_frsqrte_sf64(0x3ff0000000000000ull, &st), st, 0x3feff00000000000ull, 0);
    EXPECT(arm_frsqrte_sf16(0x3c00, &st), st, 0x3bfc, 0);
    /* the smallest denormal, 2^-149: 2^74.5 ≈ 1.41·2^74 */
    EXPECT(arm_frsqrte_sf32(0x00000001u, &st), st, 0x64b48000u, 0);
    /* special cases */
    EXPECT(arm_frsqrte_sf32(0, &st), st, PINF, DZC);
    EXPECT(arm_frsqrte_sf32(0x80000000u, &st), st, NINF, DZC);
    EXPECT(arm_frsqrte_sf32(0xbf800000u, &st), st, DNAN32, IOC);
    EXPECT(arm_frsqrte_sf32(NINF, &st), st, DNAN32, IOC);
    EXPECT(arm_frsqrte_sf32(PINF, &st), st, 0, 0);
    EXPECT(arm_frsqrte_sf32(SB, &st), st, 0xffc00004u, IOC);
    st = arm(FPCR_FZ);
    EXPECT(arm_frsqrte_sf32(0x80000001u, &st), st, NINF, DZC | IDC);
    st = arm(FPCR_DN);
    EXPECT(arm_frsqrte_sf32(QA, &st), st, DNAN32, 0);
}

/* FPRecipStepFused: 2 − a·b fused, 0 × inf → +2; FPRSqrtStepFused:
 * (3 − a·b)/2 fused, 0 × inf → +1.5.  op1 is negated before NaN
 * processing. */
static void test_frecps_frsqrts(void **state)
{
    FPStatus st = arm(0);
    EXPECT(arm_frecps_sf32(ONE, ONE, &st), st, ONE, 0);
    EXPECT(arm_frecps_sf32(PINF, 0, &st), st, TWO, 0);
    EXPECT(arm_frecps_sf32(0x80000000u, PINF, &st), st, TWO, 0);
    EXPECT(arm_frecps_sf32(PINF, TWO, &st), st, NINF, 0);
    EXPECT(arm_frecps_sf32(NINF, TWO, &st), st, PINF, 0);
    EXPECT(arm_frecps_sf32(QA, ONE, &st), st, 0xffc00001u, 0);
    EXPECT(arm_frecps_sf32(ONE, SB, &st), st, 0xffc00004u, IOC);
    EXPECT(arm_frecps_sf32(TWO, ONE, &st), st, 0, 0);
    EXPECT(arm_frecps_sf64(0x7ff0000000000000ull, 0, &st), st, 0x4000000000000000ull, 0);
    EXPECT(arm_frecps_sf16(0, 0xfc00, &st), st, 0x4000, 0);
    EXPECT(arm_frsqrts_sf32(ONE, ONE, &st), st, ONE, 0);
    EXPECT(arm_frsqrts_sf32(PINF, 0, &st), st, 0x3fc00000u, 0);
    EXPECT(arm_frsqrts_sf32(0, NINF, &st), st, 0x3fc00000u, 0);
    EXPECT(arm_frsqrts_sf32(TWO, TWO, &st), st, 0xbf000000u, 0);  /* (3 − 4)/2 */
    EXPECT(arm_frsqrts_sf32(0x40400000u, ONE, &st), st, 0, 0);   /* exact zero */
    EXPECT(arm_frsqrts_sf64(0, 0x7ff0000000000000ull, &st), st, 0x3ff8000000000000ull, 0);
    EXPECT(arm_frsqrts_sf16(0x7c00, 0, &st), st, 0x3e00, 0);
    st = arm(FPCR_RM(2));
    EXPECT(arm_frecps_sf32(TWO, ONE, &st), st, 0x80000000u, 0);
    EXPECT(arm_frsqrts_sf32(0x40400000u, ONE, &st), st, 0x80000000u, 0);
    /* Fused: (1 + 2^-23)(1 − 2^-23) = 1 − 2^-46, so 2 − a·b = 1 + 2^-46,
     * which an unfused multiply would have made exactly 1. */
    st = arm(FPCR_RM(1));
    EXPECT(arm_frecps_sf32(0x3f800001u, 0x3f7ffffeu, &st), st, 0x3f800001u, IXC);
    st = arm(0);
    EXPECT(arm_frecps_sf32(0x3f800001u, 0x3f7ffffeu, &st), st, ONE, IXC);
    /* (3 − (1 − 2^-46))/2 = 1 + 2^-47 */
    st = arm(FPCR_RM(1));
    EXPECT(arm_frsqrts_sf32(0x3f800001u, 0x3f7ffffeu, &st), st, 0x3f800001u, IXC);
}

/* FPRecpX: sign, NOT(exponent), zero fraction; zero and denormal
 * exponents give the largest finite exponent. */
static void test_frecpx(void **state)
{
    FPStatus st = arm(0);
    EXPECT(arm_frecpx_sf32(ONE, &st), st, TWO, 0);
    EXPECT(arm_frecpx_sf32(0x3fc00000u, &st), st, TWO, 0);
    EXPECT(arm_frecpx_sf32(TWO, &st), st, ONE, 0);
    EXPECT(arm_frecpx_sf32(0, &st), st, 0x7f000000u, 0);
    EXPECT(arm_frecpx_sf32(0x80000000u, &st), st, 0xff000000u, 0);
    EXPECT(arm_frecpx_sf32(0x00000001u, &st), st, 0x7f000000u, 0);
    EXPECT(arm_frecpx_sf32(PINF, &st), st, 0, 0);
    EXPECT(arm_frecpx_sf32(NINF, &st), st, 0x80000000u, 0);
    EXPECT(arm_frecpx_sf32(SA, &st), st, 0x7fc00003u, IOC);
    EXPECT(arm_frecpx_sf64(0x3ff0000000000000ull, &st), st, 0x4000000000000000ull, 0);
    EXPECT(arm_frecpx_sf16(0x3c00, &st), st, 0x4000, 0);
    EXPECT(arm_frecpx_sf16(0x0001, &st), st, 0x7800, 0);
    st = arm(FPCR_FZ);
    EXPECT(arm_frecpx_sf32(0x00000001u, &st), st, 0x7f000000u, IDC);
}

/* FPMulX: 0 × inf = ±2.0 */
static void test_fmulx(void **state)
{
    FPStatus st = arm(0);
    EXPECT(arm_fmulx_sf32(0, PINF, &st), st, TWO, 0);
    EXPECT(arm_fmulx_sf32(0x80000000u, PINF, &st), st, 0xc0000000u, 0);
    EXPECT(arm_fmulx_sf32(NINF, 0x80000000u, &st), st, TWO, 0);
    EXPECT(arm_fmulx_sf32(TWO, 0x40400000u, &st), st, 0x40c00000u, 0);
    EXPECT(arm_fmulx_sf32(QA, 0, &st), st, QA, 0);
    EXPECT(arm_fmulx_sf64(0, 0xfff0000000000000ull, &st), st, 0xc000000000000000ull, 0);
    EXPECT(arm_fmulx_sf16(0x7c00, 0, &st), st, 0x4000, 0);
}

/* FPMax/FPMin: NaNs propagate, −0 < +0.  FPMaxNum/FPMinNum: a lone quiet
 * NaN is replaced by −inf / +inf, a signalling one still propagates. */
static void test_min_max(void **state)
{
    FPStatus st = arm(0);
    EXPECT(sf32_max(0, 0x80000000u, &st), st, 0, 0);
    EXPECT(sf32_max(0x80000000u, 0, &st), st, 0, 0);
    EXPECT(sf32_min(0, 0x80000000u, &st), st, 0x80000000u, 0);
    EXPECT(sf32_min(0x80000000u, 0x80000000u, &st), st, 0x80000000u, 0);
    EXPECT(sf32_max(QA, ONE, &st), st, QA, 0);
    EXPECT(sf32_min(ONE, QB, &st), st, QB, 0);
    EXPECT(sf32_maxnum(QA, ONE, &st), st, ONE, 0);
    EXPECT(sf32_maxnum(ONE, QA, &st), st, ONE, 0);
    EXPECT(sf32_minnum(QA, NINF, &st), st, NINF, 0);
    EXPECT(sf32_maxnum(QA, NINF, &st), st, NINF, 0);
    EXPECT(sf32_maxnum(QA, QB, &st), st, QA, 0);
    EXPECT(sf32_maxnum(SA, ONE, &st), st, 0x7fc00003u, IOC);
    EXPECT(sf32_maxnum(QA, SB, &st), st, 0xffc00004u, IOC);
    EXPECT(sf32_minnum(0x80000000u, 0, &st), st, 0x80000000u, 0);
    EXPECT(sf64_maxnum(0x7ff8000000000001ull, 0x0000000000000001ull, &st), st, 1, 0);
    EXPECT(sf16_minnum(0x3c00, 0xfe01, &st), st, 0x3c00, 0);
    st = arm(FPCR_DN);
    EXPECT(sf32_maxnum(QA, ONE, &st), st, ONE, 0);
    EXPECT(sf32_max(QA, ONE, &st), st, DNAN32, 0);
    st = arm(FPCR_FZ);
    EXPECT(sf32_max(0x00000001u, 0x80000000u, &st), st, 0, IDC);
    EXPECT(sf32_min(0x00000001u, 0x80000000u, &st), st, 0x80000000u, IDC);
    EXPECT(sf32_min(0x80000002u, 0x00000001u, &st), st, 0x80000000u, IDC);
}

/* FPCompare: '1000' less, '0110' equal, '0010' greater, '0011' unordered;
 * IOC for a signalling NaN, or for any NaN when signal_nans (FCMPE). */
static void test_compare(void **state)
{
    assert_int_equal(fp_relation_nzcv(FP_REL_LESS), 0x8);
    assert_int_equal(fp_relation_nzcv(FP_REL_EQUAL), 0x6);
    assert_int_equal(fp_relation_nzcv(FP_REL_GREATER), 0x2);
    assert_int_equal(fp_relation_nzcv(FP_REL_UNORDERED), 0x3);
    FPStatus st = arm(0);
    EXPECT(sf32_compare(ONE, TWO, false, &st), st, FP_REL_LESS, 0);
    EXPECT(sf32_compare(TWO, ONE, false, &st), st, FP_REL_GREATER, 0);
    EXPECT(sf32_compare(0x80000000u, 0, false, &st), st, FP_REL_EQUAL, 0);
    EXPECT(sf32_compare(NINF, 0xff7fffffu, false, &st), st, FP_REL_LESS, 0);
    EXPECT(sf32_compare(QA, ONE, false, &st), st, FP_REL_UNORDERED, 0);
    EXPECT(sf32_compare(QA, ONE, true, &st), st, FP_REL_UNORDERED, IOC);
    EXPECT(sf32_compare(ONE, SA, false, &st), st, FP_REL_UNORDERED, IOC);
    EXPECT(sf16_compare(0x0001, 0x8001, false, &st), st, FP_REL_GREATER, 0);
    EXPECT(sf64_compare(0xfff0000000000000ull, 0x7ff0000000000000ull, true, &st), st,
           FP_REL_LESS, 0);
}

/* FPRoundInt: ties-away (FRINTA), every mode's zero keeps the sign, and
 * IXC only for FRINTX (exact = TRUE; FRINTI has FALSE). */
static void test_round_to_int(void **state)
{
    FPStatus st = arm(0);
    EXPECT(sf32_round_to_int(0x40200000u, FP_ROUND_NEAREST_AWAY, false, &st), st, 0x40400000u, 0); /* 2.5 → 3 */
    EXPECT(sf32_round_to_int(0xc0200000u, FP_ROUND_NEAREST_AWAY, false, &st), st, 0xc0400000u, 0);
    EXPECT(sf32_round_to_int(0x3f000000u, FP_ROUND_NEAREST_AWAY, true, &st), st, ONE, IXC);
    EXPECT(sf32_round_to_int(0xbf000000u, FP_ROUND_NEAREST_AWAY, true, &st), st, 0xbf800000u, IXC);
    EXPECT(sf32_round_to_int(0x3effffffu, FP_ROUND_NEAREST_AWAY, true, &st), st, 0, IXC);
    EXPECT(sf32_round_to_int(0x40200000u, FP_ROUND_NEAREST_EVEN, true, &st), st, TWO, IXC);
    EXPECT(sf32_round_to_int(0xbf000000u, FP_ROUND_NEAREST_EVEN, true, &st), st, 0x80000000u, IXC);
    EXPECT(sf32_round_to_int(0xbe99999au, FP_ROUND_ZERO, false, &st), st, 0x80000000u, 0);
    EXPECT(sf32_round_to_int(0xbe99999au, FP_ROUND_UP, true, &st), st, 0x80000000u, IXC);
    EXPECT(sf32_round_to_int(0xbe99999au, FP_ROUND_DOWN, true, &st), st, 0xbf800000u, IXC);
    EXPECT(sf32_round_to_int(0x4b7fffffu, FP_ROUND_UP, true, &st), st, 0x4b7fffffu, 0);
    EXPECT(sf32_round_to_int(0x4affffffu, FP_ROUND_UP, true, &st), st, 0x4b000000u, IXC);
    EXPECT(sf32_round_to_int(SB, FP_ROUND_ZERO, false, &st), st, 0xffc00004u, IOC);
    EXPECT(sf16_round_to_int(0x3e00, FP_ROUND_NEAREST_AWAY, false, &st), st, 0x4000, 0);
    EXPECT(sf64_round_to_int(0x4004000000000000ull, FP_ROUND_NEAREST_AWAY, false, &st), st,
           0x4008000000000000ull, 0);
    /* ties-away in arithmetic and conversion */
    FPStatus ta = arm(0);
    ta.rounding = FP_ROUND_NEAREST_AWAY;
    EXPECT(sf32_add(ONE, 0x33800000u, &ta), ta, 0x3f800001u, IXC);  /* 1 + 2^-24 */
    EXPECT(sf32_add(ONE, 0x33800000u, &st), st, ONE, IXC);
    EXPECT(sf32_to_i32(0x40200000u, 0, FP_ROUND_NEAREST_AWAY, &st), st, 3, IXC);
    EXPECT((uint32_t)sf32_to_i32(0xc0200000u, 0, FP_ROUND_NEAREST_AWAY, &st), st, (uint32_t)-3, IXC);
    EXPECT(sf32_to_i32(0x40200000u, 0, FP_ROUND_NEAREST_EVEN, &st), st, 2, IXC);
}

/* FPToFixed: SatQ saturates with IOC (and then no IXC); NaN → 0 with IOC;
 * a negative value that rounds to 0 is not out of range for unsigned. */
static void test_to_int_saturation(void **state)
{
    FPStatus st = arm(0);
    EXPECT((uint32_t)sf32_to_i32(0x4f32d05eu, 0, FP_ROUND_ZERO, &st), st, 0x7fffffffu, IOC);
    EXPECT((uint32_t)sf32_to_i32(0xcf32d05eu, 0, FP_ROUND_ZERO, &st), st, 0x80000000u, IOC);
    EXPECT(sf32_to_i32(QA, 0, FP_ROUND_ZERO, &st), st, 0, IOC);
    EXPECT(sf32_to_u32(SA, 0, FP_ROUND_ZERO, &st), st, 0, IOC);
    EXPECT((uint64_t)sf64_to_i64(0x7ff0000000000000ull, 0, FP_ROUND_ZERO, &st), st,
           0x7fffffffffffffffull, IOC);
    EXPECT((uint64_t)sf64_to_i64(0xfff0000000000000ull, 0, FP_ROUND_ZERO, &st), st,
           0x8000000000000000ull, IOC);
    EXPECT(sf64_to_u64(0xfff0000000000000ull, 0, FP_ROUND_ZERO, &st), st, 0, IOC);
    EXPECT(sf32_to_u32(0xbf800000u, 0, FP_ROUND_ZERO, &st), st, 0, IOC);
    EXPECT(sf32_to_u32(0xbf000000u, 0, FP_ROUND_ZERO, &st), st, 0, IXC);
    EXPECT(sf32_to_u32(0xbf000000u, 0, FP_ROUND_DOWN, &st), st, 0, IOC);
    /* 2^31 − 0.5 */
    EXPECT((uint32_t)sf64_to_i32(0x41dfffffffe00000ull, 0, FP_ROUND_NEAREST_EVEN, &st), st,
           0x7fffffffu, IOC);
    EXPECT((uint32_t)sf64_to_i32(0x41dfffffffe00000ull, 0, FP_ROUND_ZERO, &st), st,
           0x7fffffffu, IXC);
    /* −2^31 − 0.5 */
    EXPECT((uint32_t)sf64_to_i32(0xc1e0000000100000ull, 0, FP_ROUND_ZERO, &st), st,
           0x80000000u, IXC);
    EXPECT((uint32_t)sf64_to_i32(0xc1e0000000100000ull, 0, FP_ROUND_NEAREST_EVEN, &st), st,
           0x80000000u, IXC);
    EXPECT((uint32_t)sf64_to_i32(0xc1e0000000100000ull, 0, FP_ROUND_DOWN, &st), st,
           0x80000000u, IOC);
    EXPECT(sf64_to_u64(0x43f0000000000000ull, 0, FP_ROUND_ZERO, &st), st, ~0ull, IOC);
    EXPECT(sf64_to_u64(0x43efffffffffffffull, 0, FP_ROUND_ZERO, &st), st,
           0xfffffffffffff800ull, 0);
    EXPECT((uint64_t)sf64_to_i64(0xc3e0000000000000ull, 0, FP_ROUND_ZERO, &st), st,
           0x8000000000000000ull, 0);
    EXPECT(sf16_to_int(0x7bff, 16, false, 0, FP_ROUND_ZERO, &st), st, 0x7fff, IOC);
    EXPECT(sf16_to_int(0xfbff, 16, false, 0, FP_ROUND_ZERO, &st), st, (uint64_t)-32768, IOC);
    EXPECT(sf16_to_int(0x7bff, 16, true, 0, FP_ROUND_ZERO, &st), st, 65504, 0);
    /* fixed point: value·2^fbits */
    EXPECT(sf32_to_i32(0x3fc00000u, 1, FP_ROUND_ZERO, &st), st, 3, 0);
    EXPECT((uint32_t)sf32_to_i32(ONE, 31, FP_ROUND_ZERO, &st), st, 0x7fffffffu, IOC);
    EXPECT(sf32_to_u32(ONE, 31, FP_ROUND_ZERO, &st), st, 0x80000000u, 0);
    EXPECT(sf64_to_u64(0x3fe0000000000000ull, 64, FP_ROUND_ZERO, &st), st,
           0x8000000000000000ull, 0);
    EXPECT(sf64_to_i64(0x3c00000000000001ull, 64, FP_ROUND_ZERO, &st), st, 2, IXC);
}

/* FixedToFP and int → float; FPConvert to binary16 overflow; round-to-odd
 * narrowing (FCVTXN). */
static void test_from_int_and_narrowing(void **state)
{
    FPStatus st = arm(0);
    EXPECT(sf32_from_i64(0, 5, &st), st, 0, 0);
    EXPECT(sf32_from_i32(-3, 1, &st), st, 0xbfc00000u, 0);
    EXPECT(sf32_from_u32(0xffffffffu, 0, &st), st, 0x4f800000u, IXC);
    EXPECT(sf64_from_i32(INT32_MIN, 31, &st), st, 0xbff0000000000000ull, 0);
    EXPECT(sf16_from_u32(2049, 0, &st), st, 0x6800, IXC); /* tie → even 2048 */
    EXPECT(sf32_from_i64(-1, 0, &st), st, 0xbf800000u, 0);
    EXPECT(sf32_from_u64(~0ull, 0, &st), st, 0x5f800000u, IXC);
    EXPECT(sf64_from_i64(INT64_MIN, 0, &st), st, 0xc3e0000000000000ull, 0);
    EXPECT(sf16_from_i64(65520, 0, &st), st, 0x7c00, OFC | IXC);
    EXPECT(sf16_from_i64(3, 1, &st), st, 0x3e00, 0);
    EXPECT(sf16_from_i64(1, 64, &st), st, 0, UFC | IXC);
    st = arm(FPCR_RM(3));
    EXPECT(sf32_from_u64(~0ull, 0, &st), st, 0x5f7fffffu, IXC);
    EXPECT(sf16_from_i64(65520, 0, &st), st, 0x7bff, IXC);
    st = arm(0);
    EXPECT(sf32_to_sf16(0x477ff000u, &st), st, 0x7c00, OFC | IXC); /* 65520 → inf */
    EXPECT(sf32_to_sf16(0x477fefffu, &st), st, 0x7bff, IXC);
    EXPECT(sf64_to_sf16(0xc0effe0000000000ull, &st), st, 0xfc00, OFC | IXC);
    EXPECT(sf32_to_sf16(0x7fc00001u, &st), st, 0x7e00, 0);   /* payload truncated */
    EXPECT(sf32_to_sf16(0x7fa00000u, &st), st, 0x7f00, IOC); /* sNaN, top payload bit kept */
    EXPECT(sf16_to_sf64(0xfd01, &st), st, 0xfffc040000000000ull, IOC);
    st = arm(FPCR_RM(3));
    EXPECT(sf32_to_sf16(0x477ff000u, &st), st, 0x7bff, IXC);
    /* FCVTXN: round to odd */
    st = arm(0);
    st.rounding = FP_ROUND_ODD;
    EXPECT(sf64_to_sf32(0x3ff0000004000000ull, &st), st, 0x3f800001u, IXC);
    EXPECT(sf64_to_sf32(0x3ff0000000000000ull, &st), st, ONE, 0);
    EXPECT(sf64_to_sf32(0x3ff0000030000000ull, &st), st, 0x3f800001u, IXC);
    EXPECT(sf64_to_sf32(0x47f0000000000000ull, &st), st, 0x7f7fffffu, OFC | IXC);
}

static void test_fpcr_mapping_and_bits(void **state)
{
    FPStatus st = arm(FPCR_RM(2) | FPCR_FZ | FPCR_DN | FPCR_FZ16);
    assert_int_equal(st.rounding, FP_ROUND_DOWN);
    assert_true(st.flush_in && st.flush_out && st.flush_in16 && st.flush_out16);
    assert_true(st.default_nan);
    assert_int_equal(st.nan_rule, FP_NAN_ARM);
    assert_false(st.tininess_after);
    /* flags keep their FPSR bit positions */
    assert_int_equal(FP_FLAG_INPUT_DENORMAL, 0x80);
    assert_int_equal(FP_FLAG_INEXACT, 0x10);
    /* classification and sign operations */
    assert_true(sf32_is_nan(QA) && sf32_is_qnan(QA) && !sf32_is_snan(QA));
    assert_true(sf32_is_snan(SB) && !sf32_is_qnan(SB));
    assert_true(sf32_is_inf(NINF) && !sf32_is_nan(NINF));
    assert_true(sf16_is_denormal(0x8001) && !sf16_is_denormal(0x0400));
    assert_true(sf64_is_zero(0x8000000000000000ull) && !sf64_is_zero(1));
    assert_int_equal(sf32_neg(ONE), 0xbf800000u);
    assert_int_equal(sf32_abs(SB), 0x7f800004u);
    assert_int_equal(sf16_neg(0x7e00), 0xfe00);
    assert_int_equal(sf64_abs(0xfff0000000000000ull), 0x7ff0000000000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nan_two_operands),
        cmocka_unit_test(test_nan_three_operands),
        cmocka_unit_test(test_nan_x86_rule),
        cmocka_unit_test(test_flush_to_zero),
        cmocka_unit_test(test_tininess),
        cmocka_unit_test(test_frecpe),
        cmocka_unit_test(test_frsqrte),
        cmocka_unit_test(test_frecps_frsqrts),
        cmocka_unit_test(test_frecpx),
        cmocka_unit_test(test_fmulx),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_round_to_int),
        cmocka_unit_test(test_to_int_saturation),
        cmocka_unit_test(test_from_int_and_narrowing),
        cmocka_unit_test(test_fpcr_mapping_and_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
