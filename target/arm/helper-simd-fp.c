/*
 * helper-simd-fp.c — the AdvSIMD floating-point helpers (half, single,
 * double lanes): three same (arithmetic, fused multiply-add, compares,
 * min/max, reciprocal steps, pairwise), two-register miscellaneous
 * (round to integral, conversions to/from integers incl. fixed point,
 * compares with zero, estimates, square root, FCVTN/FCVTL/FCVTXN),
 * across lanes (with the ARM ARM's Reduce() tree order), and the by-
 * element forms (through SIMD_ELEM). Every lane goes through fpu/ with
 * env->fp_status, so FPCR.RMode/FZ/FZ16/DN apply and FPSR's cumulative
 * flags accumulate exactly as for the scalar instructions.
 *
 * Follows DDI 0487 C7.2 (FADD ... FSQRT (vector), FCM*, FAC*, FRINT*,
 * FCVT* (vector), SCVTF/UCVTF (vector), FMAXV/FMINV/FMAXNMV/FMINNMV
 * with Reduce(), FCVTN/FCVTL/FCVTXN) and the shared pseudocode FPCompareEQ/
 * GE/GT (quiet EQ, signalling GE/GT), FPMulAdd, FPToFixed, FixedToFP.
 */
#include "target/arm/fp-lanes.h"
#include "target/arm/fp-helpers.h"
#include "target/arm/simd-engine.h"
#include "target/arm/simd-fp-helpers.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)
#define ST (&env->fp_status)
#define LANE(name) \
    static ALWAYS_INLINE uint64_t name(uint64_t a, uint64_t b, uint64_t d, unsigned vece, \
                                       unsigned data, CPUARMState *env)
#define UNUSED_LANE_ARGS (void)a, (void)b, (void)d, (void)vece, (void)data, (void)env

/* ---- three same --------------------------------------------------------------------------- */

LANE(f_add) { UNUSED_LANE_ARGS; return fpl_add(vece, a, b, ST); }
LANE(f_sub) { UNUSED_LANE_ARGS; return fpl_sub(vece, a, b, ST); }
LANE(f_mul) { UNUSED_LANE_ARGS; return fpl_mul(vece, a, b, ST); }
LANE(f_div) { UNUSED_LANE_ARGS; return fpl_div(vece, a, b, ST); }
LANE(f_mulx) { UNUSED_LANE_ARGS; return fpl_mulx(vece, a, b, ST); }
LANE(f_max) { UNUSED_LANE_ARGS; return fpl_max(vece, a, b, ST); }
LANE(f_min) { UNUSED_LANE_ARGS; return fpl_min(vece, a, b, ST); }
LANE(f_maxnm) { UNUSED_LANE_ARGS; return fpl_maxnm(vece, a, b, ST); }
LANE(f_minnm) { UNUSED_LANE_ARGS; return fpl_minnm(vece, a, b, ST); }
LANE(f_abd) { UNUSED_LANE_ARGS; return fpl_abd(vece, a, b, ST); }
LANE(f_recps) { UNUSED_LANE_ARGS; return fpl_recps(vece, a, b, ST); }
LANE(f_rsqrts) { UNUSED_LANE_ARGS; return fpl_rsqrts(vece, a, b, ST); }
/* FMLA: FPMulAdd(d, a, b); FMLS: FPMulAdd(d, FPNeg(a), b) */
LANE(f_mla) { UNUSED_LANE_ARGS; return fpl_muladd(vece, a, b, d, 0, ST); }
LANE(f_mls) { UNUSED_LANE_ARGS; return fpl_muladd(vece, a, b, d, FP_MULADD_NEG_PRODUCT, ST); }

static ALWAYS_INLINE uint64_t ones_if(bool c, unsigned vece)
{
    return c ? mask_bits(8u << vece) : 0;
}
/* FPCompareEQ is quiet; GE and GT signal on any NaN */
LANE(f_cmeq) { UNUSED_LANE_ARGS; return ones_if(fpl_compare(vece, a, b, false, ST) == FP_REL_EQUAL, vece); }
LANE(f_cmge)
{
    UNUSED_LANE_ARGS;
    FPRelation r = fpl_compare(vece, a, b, true, ST);
    return ones_if(r == FP_REL_GREATER || r == FP_REL_EQUAL, vece);
}
LANE(f_cmgt) { UNUSED_LANE_ARGS; return ones_if(fpl_compare(vece, a, b, true, ST) == FP_REL_GREATER, vece); }
LANE(f_acge) { return f_cmge(fpl_abs(vece, a), fpl_abs(vece, b), d, vece, data, env); }
LANE(f_acgt) { return f_cmgt(fpl_abs(vece, a), fpl_abs(vece, b), d, vece, data, env); }

/* ---- two-register misc (data as documented per helper) ------------------------------------------ */

/* comparisons with +0.0: FCMGT/GE/EQ(a, 0), FCMLE(a) = GE(0, a), FCMLT(a) = GT(0, a) */
LANE(f_cmgt0) { return f_cmgt(a, 0, d, vece, data, env); }
LANE(f_cmge0) { return f_cmge(a, 0, d, vece, data, env); }
LANE(f_cmeq0) { return f_cmeq(a, 0, d, vece, data, env); }
LANE(f_cmle0) { return f_cmge(0, a, d, vece, data, env); }
LANE(f_cmlt0) { return f_cmgt(0, a, d, vece, data, env); }
LANE(f_abs) { UNUSED_LANE_ARGS; return fpl_abs(vece, a); }
LANE(f_neg) { UNUSED_LANE_ARGS; return fpl_neg(vece, a); }
LANE(f_sqrt) { UNUSED_LANE_ARGS; return fpl_sqrt(vece, a, ST); }
LANE(f_recpe) { UNUSED_LANE_ARGS; return fpl_recpe(vece, a, ST); }
LANE(f_rsqrte) { UNUSED_LANE_ARGS; return fpl_rsqrte(vece, a, ST); }
LANE(f_recpx) { UNUSED_LANE_ARGS; return fpl_recpx(vece, a, ST); }

/* FRINT*: data = FPRounding, or FP_RINT_FPCR, | FP_RINT_EXACT */
LANE(f_rint)
{
    UNUSED_LANE_ARGS;
    FPRounding rm = (data & FP_RINT_FPCR) ? (FPRounding)env->fp_status.rounding
                                           : (FPRounding)(data & 7);
    return fpl_round_int(vece, a, rm, data & FP_RINT_EXACT, ST);
}
/* FCVT{N,P,M,Z,A}{S,U} (vector, and fixed point): data = rmode | fbits << 3
 * (rmode FP_RINT_FPCR is not used here) */
LANE(f_tosint)
{
    UNUSED_LANE_ARGS;
    return fpl_to_int(vece, a, 8u << vece, false, (int)(data >> 3), (FPRounding)(data & 7), ST);
}
LANE(f_touint)
{
    UNUSED_LANE_ARGS;
    return fpl_to_int(vece, a, 8u << vece, true, (int)(data >> 3), (FPRounding)(data & 7), ST);
}
/* SCVTF/UCVTF (vector, and fixed point): data = fbits */
LANE(f_scvtf)
{
    UNUSED_LANE_ARGS;
    return fpl_from_int(vece, (uint64_t)sext64(a, 8u << vece), false, (int)data, ST);
}
LANE(f_ucvtf) { UNUSED_LANE_ARGS; return fpl_from_int(vece, a, true, (int)data, ST); }

/* FCVTL: vece = source size; FCVTN/FCVTXN: vece = destination size */
LANE(f_cvtl) { UNUSED_LANE_ARGS; return fpl_convert(vece + 1, vece, a, ST); }
LANE(f_cvtn) { UNUSED_LANE_ARGS; return fpl_convert(vece, vece + 1, a, ST); }
LANE(f_cvtxn)
{
    UNUSED_LANE_ARGS;
    uint8_t saved = env->fp_status.rounding;
    env->fp_status.rounding = FP_ROUND_ODD;
    uint64_t r = sf64_to_sf32(a, ST);
    env->fp_status.rounding = saved;
    return r;
}

#define DEF(name, shape, fn)                                                               \
    static void helper_simd_##name(CPUARMState *env, uint32_t desc) { shape(env, desc, fn); } \
    const TCGHelper h_simd_##name = TCG_HELPER(helper_simd_##name, TCG_VOID, HFLAGS);

DEF(fadd, do_same, f_add)
DEF(fsub, do_same, f_sub)
DEF(fmul, do_same, f_mul)
DEF(fdiv, do_same, f_div)
DEF(fmulx, do_same, f_mulx)
DEF(fmax, do_same, f_max)
DEF(fmin, do_same, f_min)
DEF(fmaxnm, do_same, f_maxnm)
DEF(fminnm, do_same, f_minnm)
DEF(fabd, do_same, f_abd)
DEF(frecps, do_same, f_recps)
DEF(frsqrts, do_same, f_rsqrts)
DEF(fmla, do_same, f_mla)
DEF(fmls, do_same, f_mls)
DEF(fcmeq, do_same, f_cmeq)
DEF(fcmge, do_same, f_cmge)
DEF(fcmgt, do_same, f_cmgt)
DEF(facge, do_same, f_acge)
DEF(facgt, do_same, f_acgt)
DEF(faddp, do_pairwise, f_add)
DEF(fmaxp, do_pairwise, f_max)
DEF(fminp, do_pairwise, f_min)
DEF(fmaxnmp, do_pairwise, f_maxnm)
DEF(fminnmp, do_pairwise, f_minnm)
DEF(fcmgt0, do_same, f_cmgt0)
DEF(fcmge0, do_same, f_cmge0)
DEF(fcmeq0, do_same, f_cmeq0)
DEF(fcmle0, do_same, f_cmle0)
DEF(fcmlt0, do_same, f_cmlt0)
DEF(fabs, do_same, f_abs)
DEF(fneg, do_same, f_neg)
DEF(fsqrt, do_same, f_sqrt)
DEF(frecpe, do_same, f_recpe)
DEF(frsqrte, do_same, f_rsqrte)
DEF(frecpx, do_same, f_recpx)
DEF(frint, do_same, f_rint)
DEF(fcvts, do_same, f_tosint)
DEF(fcvtu, do_same, f_touint)
DEF(scvtf, do_same, f_scvtf)
DEF(ucvtf, do_same, f_ucvtf)
DEF(fcvtl, do_long, f_cvtl)
DEF(fcvtn, do_narrow, f_cvtn)
DEF(fcvtxn, do_narrow, f_cvtxn)

/* ---- across lanes: Reduce(op, Vn, esize) = op(Reduce(lower half), Reduce(upper half)) -------- */

typedef uint64_t FPBinFn(unsigned vece, uint64_t a, uint64_t b, FPStatus *st);

static uint64_t reduce(FPBinFn *op, const ARMVReg *v, unsigned lo, unsigned n, unsigned vece,
                       FPStatus *st)
{
    if (n == 1)
        return vget(v, lo, vece);
    unsigned h = n / 2;
    uint64_t a = reduce(op, v, lo, h, vece, st);
    uint64_t b = reduce(op, v, lo + h, h, vece, st);
    return op(vece, a, b, st);
}

#define DEF_ACROSS(name, opfn)                                                               \
    static void helper_simd_##name(CPUARMState *env, uint32_t desc)                          \
    {                                                                                        \
        ARMVReg r = { { 0, 0 } };                                                            \
        vset(&r, 0, sd_vece(desc),                                                           \
             reduce(opfn, &env->vregs[sd_rn(desc)], 0, sd_elems(desc), sd_vece(desc), ST));  \
        vwrite(env, sd_rd(desc), &r, 16);                                                    \
    }                                                                                        \
    const TCGHelper h_simd_##name = TCG_HELPER(helper_simd_##name, TCG_VOID, HFLAGS);
DEF_ACROSS(fmaxv, fpl_max)
DEF_ACROSS(fminv, fpl_min)
DEF_ACROSS(fmaxnmv, fpl_maxnm)
DEF_ACROSS(fminnmv, fpl_minnm)
