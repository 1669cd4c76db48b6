/*
 * helper-fp.c — helpers of the scalar floating-point instructions
 * (translate-fp.c, and the scalar forms of the AdvSIMD FP classes that
 * take the value path). Each takes its operands as values and the
 * FPStatus (env->fp_status: FPCR's RMode/FZ/FZ16/DN, FPSR's cumulative
 * flags) and returns the result; one helper per operation and size, so
 * the call goes straight to fpu/.
 *
 * Follows DDI 0487 C7.2 (the instruction pages: FADD ... FCVT*, SCVTF,
 * UCVTF, FRINT*, FCMP/FCCMP) and the shared pseudocode they call (see
 * fp-lanes.h). FPCompare's NZCV: J1 FPCompare / C7.2 FCMP.
 */
#include "target/arm/fp-helpers.h"

#include "target/arm/fp-lanes.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)

/* ---- two operands --------------------------------------------------------------------- */

static inline uint64_t fpl_nmul(unsigned vece, uint64_t a, uint64_t b, FPStatus *st)
{
    return fpl_neg(vece, fpl_mul(vece, a, b, st));   /* FNMUL: FPNeg(FPMul()) */
}

#define DEF_BIN_SIZE(op, vece, sfx)                                                      \
    static uint64_t helper_f##op##_##sfx(uint64_t a, uint64_t b, FPStatus *st)           \
    {                                                                                    \
        return fpl_##op(vece, a, b, st);                                                 \
    }
#define DEF_BIN(op)                                                                      \
    DEF_BIN_SIZE(op, 1, h)                                                               \
    DEF_BIN_SIZE(op, 2, s)                                                               \
    DEF_BIN_SIZE(op, 3, d)
#define ROW_BIN(OP, op)                                                                  \
    [OP] = { {0}, TCG_HELPER(helper_f##op##_h, TCG_I64, HFLAGS),                         \
             TCG_HELPER(helper_f##op##_s, TCG_I64, HFLAGS),                              \
             TCG_HELPER(helper_f##op##_d, TCG_I64, HFLAGS) }

DEF_BIN(add)
DEF_BIN(sub)
DEF_BIN(mul)
DEF_BIN(div)
DEF_BIN(max)
DEF_BIN(min)
DEF_BIN(maxnm)
DEF_BIN(minnm)
DEF_BIN(nmul)
DEF_BIN(mulx)
DEF_BIN(recps)
DEF_BIN(rsqrts)
DEF_BIN(abd)

const TCGHelper h_fp_bin[FPB__COUNT][4] = {
    ROW_BIN(FPB_ADD, add),
    ROW_BIN(FPB_SUB, sub),
    ROW_BIN(FPB_MUL, mul),
    ROW_BIN(FPB_DIV, div),
    ROW_BIN(FPB_MAX, max),
    ROW_BIN(FPB_MIN, min),
    ROW_BIN(FPB_MAXNM, maxnm),
    ROW_BIN(FPB_MINNM, minnm),
    ROW_BIN(FPB_NMUL, nmul),
    ROW_BIN(FPB_MULX, mulx),
    ROW_BIN(FPB_RECPS, recps),
    ROW_BIN(FPB_RSQRTS, rsqrts),
    ROW_BIN(FPB_ABD, abd),
};

/* ---- one operand ------------------------------------------------------------------------- */

#define DEF_UN_SIZE(op, vece, sfx)                                                       \
    static uint64_t helper_f##op##_##sfx(uint64_t a, FPStatus *st)                       \
    {                                                                                    \
        return fpl_##op(vece, a, st);                                                    \
    }
#define DEF_UN(op)                                                                       \
    DEF_UN_SIZE(op, 1, h)                                                                \
    DEF_UN_SIZE(op, 2, s)                                                                \
    DEF_UN_SIZE(op, 3, d)
#define ROW_UN(OP, op)                                                                   \
    [OP] = { {0}, TCG_HELPER(helper_f##op##_h, TCG_I64, HFLAGS),                         \
             TCG_HELPER(helper_f##op##_s, TCG_I64, HFLAGS),                              \
             TCG_HELPER(helper_f##op##_d, TCG_I64, HFLAGS) }

DEF_UN(sqrt)
DEF_UN(recpe)
DEF_UN(rsqrte)
DEF_UN(recpx)

const TCGHelper h_fp_un[FPU__COUNT][4] = {
    ROW_UN(FPU_SQRT, sqrt),
    ROW_UN(FPU_RECPE, recpe),
    ROW_UN(FPU_RSQRTE, rsqrte),
    ROW_UN(FPU_RECPX, recpx),
};

/* ---- fused multiply-add: (±a·b) ± c, neg = FP_MULADD_* flags ------------------------------ */

#define DEF_MULADD(vece, sfx)                                                            \
    static uint64_t helper_fmuladd_##sfx(uint64_t a, uint64_t b, uint64_t c, FPStatus *st, \
                                         uint32_t neg)                                   \
    {                                                                                    \
        return fpl_muladd(vece, a, b, c, neg, st);                                       \
    }
DEF_MULADD(1, h)
DEF_MULADD(2, s)
DEF_MULADD(3, d)
const TCGHelper h_fp_muladd[4] = {
    {0},
    TCG_HELPER(helper_fmuladd_h, TCG_I64, HFLAGS),
    TCG_HELPER(helper_fmuladd_s, TCG_I64, HFLAGS),
    TCG_HELPER(helper_fmuladd_d, TCG_I64, HFLAGS),
};

/* ---- compares: NZCV (bits 3:0) --------------------------------------------------------- */

#define DEF_CMP(vece, sfx)                                                               \
    static uint64_t helper_fcmp_##sfx(uint64_t a, uint64_t b, FPStatus *st, uint32_t sig) \
    {                                                                                    \
        return fp_relation_nzcv(fpl_compare(vece, a, b, sig, st));                       \
    }                                                                                    \
    /* FCCMP/FCCMPE: the comparison only when the condition passed */                  \
    static uint64_t helper_fccmp_##sfx(uint64_t a, uint64_t b, FPStatus *st, uint32_t pass, \
                                       uint32_t imm)                                     \
    {                                                                                    \
        if (!pass)                                                                       \
            return imm & 15;                                                             \
        return fp_relation_nzcv(fpl_compare(vece, a, b, (imm >> 4) & 1, st));            \
    }
DEF_CMP(1, h)
DEF_CMP(2, s)
DEF_CMP(3, d)
const TCGHelper h_fp_cmp[4] = {
    {0},
    TCG_HELPER(helper_fcmp_h, TCG_I64, HFLAGS),
    TCG_HELPER(helper_fcmp_s, TCG_I64, HFLAGS),
    TCG_HELPER(helper_fcmp_d, TCG_I64, HFLAGS),
};
const TCGHelper h_fp_ccmp[4] = {
    {0},
    TCG_HELPER(helper_fccmp_h, TCG_I64, HFLAGS),
    TCG_HELPER(helper_fccmp_s, TCG_I64, HFLAGS),
    TCG_HELPER(helper_fccmp_d, TCG_I64, HFLAGS),
};

/* ---- round to integral: mode = FPRounding, or FP_RINT_FPCR; | FP_RINT_EXACT -------------- */

static inline FPRounding rint_mode(uint32_t mode, const FPStatus *st)
{
    return (mode & FP_RINT_FPCR) ? (FPRounding)st->rounding : (FPRounding)(mode & 7);
}

#define DEF_RINT(vece, sfx)                                                              \
    static uint64_t helper_frint_##sfx(uint64_t a, FPStatus *st, uint32_t mode)          \
    {                                                                                    \
        return fpl_round_int(vece, a, rint_mode(mode, st), mode & FP_RINT_EXACT, st);    \
    }
DEF_RINT(1, h)
DEF_RINT(2, s)
DEF_RINT(3, d)
const TCGHelper h_fp_rint[4] = {
    {0},
    TCG_HELPER(helper_frint_h, TCG_I64, HFLAGS),
    TCG_HELPER(helper_frint_s, TCG_I64, HFLAGS),
    TCG_HELPER(helper_frint_d, TCG_I64, HFLAGS),
};

/* ---- to and from integers / fixed point ----------------------------------------------------- */

/* params: FP_CVT_PARAMS(width, unsigned, fbits, rmode) */
#define DEF_TOINT(vece, sfx)                                                             \
    static uint64_t helper_ftoint_##sfx(uint64_t a, FPStatus *st, uint32_t p)            \
    {                                                                                    \
        return fpl_to_int(vece, a, fp_cvt_width(p), fp_cvt_unsigned(p), fp_cvt_fbits(p), \
                          rint_mode(fp_cvt_rmode(p), st), st);                          \
    }                                                                                    \
    static uint64_t helper_ffromint_##sfx(uint64_t v, FPStatus *st, uint32_t p)          \
    {                                                                                    \
        unsigned w = fp_cvt_width(p);                                                    \
        if (w < 64)                                                                      \
            v = fp_cvt_unsigned(p) ? v & mask_bits(w) : (uint64_t)sext64(v, w);          \
        return fpl_from_int(vece, v, fp_cvt_unsigned(p), fp_cvt_fbits(p), st);           \
    }
DEF_TOINT(1, h)
DEF_TOINT(2, s)
DEF_TOINT(3, d)
const TCGHelper h_fp_toint[4] = {
    {0},
    TCG_HELPER(helper_ftoint_h, TCG_I64, HFLAGS),
    TCG_HELPER(helper_ftoint_s, TCG_I64, HFLAGS),
    TCG_HELPER(helper_ftoint_d, TCG_I64, HFLAGS),
};
const TCGHelper h_fp_fromint[4] = {
    {0},
    TCG_HELPER(helper_ffromint_h, TCG_I64, HFLAGS),
    TCG_HELPER(helper_ffromint_s, TCG_I64, HFLAGS),
    TCG_HELPER(helper_ffromint_d, TCG_I64, HFLAGS),
};

/* ---- between sizes ----------------------------------------------------------------------- */

#define DEF_CVT(to, from, name)                                                          \
    static uint64_t helper_fcvt_##name(uint64_t a, FPStatus *st)                         \
    {                                                                                    \
        return fpl_convert(to, from, a, st);                                             \
    }
DEF_CVT(2, 1, sh)
DEF_CVT(3, 1, dh)
DEF_CVT(1, 2, hs)
DEF_CVT(3, 2, ds)
DEF_CVT(1, 3, hd)
DEF_CVT(2, 3, sd)

/* FCVTXN: binary64 to binary32 with round-to-odd (FPRounding_ODD) */
static uint64_t helper_fcvtx_sd(uint64_t a, FPStatus *st)
{
    uint8_t saved = st->rounding;
    st->rounding = FP_ROUND_ODD;
    uint64_t r = sf64_to_sf32(a, st);
    st->rounding = saved;
    return r;
}

/* [to][from] */
const TCGHelper h_fp_cvt[4][4] = {
    [1] = { [2] = TCG_HELPER(helper_fcvt_hs, TCG_I64, HFLAGS),
            [3] = TCG_HELPER(helper_fcvt_hd, TCG_I64, HFLAGS) },
    [2] = { [1] = TCG_HELPER(helper_fcvt_sh, TCG_I64, HFLAGS),
            [3] = TCG_HELPER(helper_fcvt_sd, TCG_I64, HFLAGS) },
    [3] = { [1] = TCG_HELPER(helper_fcvt_dh, TCG_I64, HFLAGS),
            [2] = TCG_HELPER(helper_fcvt_ds, TCG_I64, HFLAGS) },
};
const TCGHelper h_fp_cvtx = TCG_HELPER(helper_fcvtx_sd, TCG_I64, HFLAGS);

/* ---- VFPExpandImm -------------------------------------------------------------------------- */

uint64_t vfp_expand_imm(unsigned imm8, unsigned vece)
{
    unsigned n = 8u << vece;
    unsigned e = vece == 1 ? 5 : vece == 2 ? 8 : 11;
    unsigned f = n - e - 1;
    uint64_t sign = (imm8 >> 7) & 1;
    unsigned b6 = (imm8 >> 6) & 1;
    /* exp = NOT(b6) : Replicate(b6, E-3) : imm8<5:4> */
    uint64_t exp = (uint64_t)(b6 ^ 1) << (e - 1);
    if (b6)
        exp |= ((1ull << (e - 3)) - 1) << 2;
    exp |= (imm8 >> 4) & 3;
    uint64_t frac = (uint64_t)(imm8 & 15) << (f - 4);
    return sign << (n - 1) | exp << f | frac;
}
