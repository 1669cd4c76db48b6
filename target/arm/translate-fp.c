/*
 * translate-fp.c — the scalar floating-point classes of A64: data
 * processing with one, two and three sources (FMOV/FABS/FNEG/FSQRT/FCVT/
 * FRINT*, FADD ... FNMUL, FMADD/FMSUB/FNMADD/FNMSUB), compare (FCMP,
 * FCMPE), conditional compare (FCCMP, FCCMPE), conditional select (FCSEL),
 * immediate (FMOV), and the conversions between FP and integer or fixed
 * point (FCVT{N,P,M,Z,A}{S,U}, SCVTF, UCVTF, FMOV general incl. the
 * V.D[1] forms). Half precision arithmetic needs FEAT_FP16; the
 * half-precision FCVT forms are base ARMv8.0.
 *
 * Follows DDI 0487 C4.1.95 (the encoding groups "Floating-point data-
 * processing (1/2/3 source)", "compare", "conditional compare",
 * "conditional select", "immediate", "Conversion between floating-point
 * and integer / fixed-point") and the C7.2 instruction pages; the
 * arithmetic is fpu/'s (see fp-lanes.h).
 */
#include "target/arm/fp-helpers.h"
#include "target/arm/translate-simd.h"

/* ptype (bits 23:22) to element size log2: 00 single, 01 double, 11 half
 * (FEAT_FP16 unless half_base: the FCVT forms); -1 reserved */
static int fp_vece(DisasContext *dc, unsigned ptype, bool half_base)
{
    switch (ptype) {
    case 0: return 2;
    case 1: return 3;
    case 3: return (half_base || dc_has(dc, ARM_FEAT_FP16)) ? 1 : -1;
    default: return -1;
    }
}

/* ---- data processing (1 source) --------------------------------------------------------- */

static bool trans_fmov_reg(DisasContext *dc, uint32_t insn)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    write_vscalar(dc, f_rd(insn), vece, read_fp(dc, f_rn(insn), vece));
    return true;
}

static bool do_fabs_fneg(DisasContext *dc, uint32_t insn, bool neg)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGv t = read_fp(dc, f_rn(insn), vece);
    uint64_t sign = 1ull << ((8u << vece) - 1);
    if (neg)
        ir_xori(dc->s, t, t, sign);
    else
        ir_andi(dc->s, t, t, ~sign);
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}
static bool trans_fabs(DisasContext *dc, uint32_t insn) { return do_fabs_fneg(dc, insn, false); }
static bool trans_fneg(DisasContext *dc, uint32_t insn) { return do_fabs_fneg(dc, insn, true); }

static bool trans_fsqrt(DisasContext *dc, uint32_t insn)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_un[FPU_SQRT][vece], t, read_fp(dc, f_rn(insn), vece), fpst_ptr(dc));
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}

/* FCVT (between precisions): opc (bits 16:15) is the destination type */
static bool trans_fcvt_prec(DisasContext *dc, uint32_t insn)
{
    int from = fp_vece(dc, f_size(insn), true);
    int to = fp_vece(dc, (insn >> 15) & 3, true);
    if (from < 0 || to < 0 || from == to)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_cvt[to][from], t, read_fp(dc, f_rn(insn), from), fpst_ptr(dc));
    write_vscalar(dc, f_rd(insn), to, t);
    return true;
}

/* FRINTN/P/M/Z/A/X/I: opcode bits 17:15 */
static bool trans_frint(DisasContext *dc, uint32_t insn)
{
    static const uint32_t modes[8] = {
        FP_ROUND_NEAREST_EVEN, FP_ROUND_UP, FP_ROUND_DOWN, FP_ROUND_ZERO,
        FP_ROUND_NEAREST_AWAY, 0xff, FP_RINT_FPCR | FP_RINT_EXACT, FP_RINT_FPCR,
    };
    unsigned rm = (insn >> 15) & 7;
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0 || modes[rm] == 0xff)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_rint[vece], t, read_fp(dc, f_rn(insn), vece), fpst_ptr(dc),
             ir_const32(s, modes[rm]));
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}

/* ---- data processing (2 source) ----------------------------------------------------------- */

static bool do_fp_bin(DisasContext *dc, uint32_t insn, unsigned op)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_bin[op][vece], t, read_fp(dc, f_rn(insn), vece),
             read_fp(dc, f_rm(insn), vece), fpst_ptr(dc));
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}
#define TRANS_BIN(name, OP) \
    static bool trans_##name(DisasContext *dc, uint32_t insn) { return do_fp_bin(dc, insn, OP); }
TRANS_BIN(fmul, FPB_MUL)
TRANS_BIN(fdiv, FPB_DIV)
TRANS_BIN(fadd, FPB_ADD)
TRANS_BIN(fsub, FPB_SUB)
TRANS_BIN(fmax, FPB_MAX)
TRANS_BIN(fmin, FPB_MIN)
TRANS_BIN(fmaxnm, FPB_MAXNM)
TRANS_BIN(fminnm, FPB_MINNM)
TRANS_BIN(fnmul, FPB_NMUL)

/* ---- data processing (3 source) ---------------------------------------------------------- */

/* FMADD: Ra + Rn·Rm; FMSUB: Ra − Rn·Rm; FNMADD: −Ra − Rn·Rm; FNMSUB: −Ra + Rn·Rm
 * (FPMulAdd with the operand negations of the pseudocode) */
static bool do_fp_3src(DisasContext *dc, uint32_t insn, unsigned neg)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_muladd[vece], t, read_fp(dc, f_rn(insn), vece),
             read_fp(dc, f_rm(insn), vece), read_fp(dc, f_ra(insn), vece), fpst_ptr(dc),
             ir_const32(s, neg));
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}
static bool trans_fmadd(DisasContext *dc, uint32_t insn) { return do_fp_3src(dc, insn, 0); }
static bool trans_fmsub(DisasContext *dc, uint32_t insn)
{
    return do_fp_3src(dc, insn, FP_MULADD_NEG_PRODUCT);
}
static bool trans_fnmadd(DisasContext *dc, uint32_t insn)
{
    return do_fp_3src(dc, insn, FP_MULADD_NEG_PRODUCT | FP_MULADD_NEG_ADDEND);
}
static bool trans_fnmsub(DisasContext *dc, uint32_t insn)
{
    return do_fp_3src(dc, insn, FP_MULADD_NEG_ADDEND);
}

/* ---- compare, conditional compare, conditional select ------------------------------------- */

/* FCMP/FCMPE: opcode2 bit 3 = compare with +0.0 (Rm is then ignored: it
 * "should be zero"), bit 4 = E (signalling) */
static bool trans_fcmp(DisasContext *dc, uint32_t insn)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    bool zero = (insn >> 3) & 1, signal = (insn >> 4) & 1;
    TCGv b = zero ? ir_const64(s, 0) : read_fp(dc, f_rm(insn), vece);
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_cmp[vece], t, read_fp(dc, f_rn(insn), vece), b, fpst_ptr(dc),
             ir_const32(s, signal));
    gen_set_nzcv_reg(dc, t);
    return true;
}

static TCGv cond_holds(DisasContext *dc, unsigned cond)
{
    DisasCompare c;
    arm_test_cc(dc, &c, cond);
    if (c.cond == COND_ALWAYS)
        return ir_const64(dc->s, 1);
    TCGv t = new_tmp(dc);
    ir_setcond(dc->s, c.cond, t, c.a, c.b);
    return t;
}

/* FCCMP/FCCMPE: flags = cond ? FPCompare(Rn, Rm) : nzcv */
static bool trans_fccmp(DisasContext *dc, uint32_t insn)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned cond = (insn >> 12) & 15, nzcv = insn & 15, signal = (insn >> 4) & 1;
    TCGv pass = cond_holds(dc, cond);
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_ccmp[vece], t, read_fp(dc, f_rn(insn), vece),
             read_fp(dc, f_rm(insn), vece), fpst_ptr(dc), pass,
             ir_const32(s, nzcv | signal << 4));
    gen_set_nzcv_reg(dc, t);
    return true;
}

static bool trans_fcsel(DisasContext *dc, uint32_t insn)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    DisasCompare c;
    arm_test_cc(dc, &c, (insn >> 12) & 15);
    TCGv a = read_fp(dc, f_rn(insn), vece), b = read_fp(dc, f_rm(insn), vece);
    TCGv t = a;
    if (c.cond != COND_ALWAYS) {
        t = new_tmp(dc);
        ir_movcond(dc->s, c.cond, t, c.a, c.b, a, b);
    }
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}

/* ---- immediate ------------------------------------------------------------------------------ */

static bool trans_fmov_imm(DisasContext *dc, uint32_t insn)
{
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    uint64_t imm = vfp_expand_imm((insn >> 13) & 0xff, (unsigned)vece);
    write_vscalar(dc, f_rd(insn), vece, ir_const64(dc->s, imm));
    return true;
}

/* ---- conversions with integers and fixed point ------------------------------------------------ */

/* FP -> general register: width 32/64 by sf, rounding rmode (FPRounding) */
static bool do_fp_to_int(DisasContext *dc, uint32_t insn, bool is_unsigned, unsigned rmode,
                         unsigned fbits)
{
    bool sf = insn >> 31;
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_toint[vece], t, read_fp(dc, f_rn(insn), vece), fpst_ptr(dc),
             ir_const32(s, FP_CVT_PARAMS(sf ? 64 : 32, is_unsigned, fbits, rmode)));
    write_reg(dc, f_rd(insn), t, sf);
    return true;
}

static bool do_int_to_fp(DisasContext *dc, uint32_t insn, bool is_unsigned, unsigned fbits)
{
    bool sf = insn >> 31;
    int vece = fp_vece(dc, f_size(insn), false);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    ir_callv(s, &h_fp_fromint[vece], t, read_x(dc, f_rn(insn)), fpst_ptr(dc),
             ir_const32(s, FP_CVT_PARAMS(sf ? 64 : 32, is_unsigned, fbits, 0)));
    write_vscalar(dc, f_rd(insn), vece, t);
    return true;
}

/* FCVT{N,P,M,Z}{S,U} (integer): rmode bits 20:19 = N, P, M, Z = FPRounding 0..3 */
static bool trans_fcvt_int(DisasContext *dc, uint32_t insn)
{
    return do_fp_to_int(dc, insn, (insn >> 16) & 1, (insn >> 19) & 3, 0);
}

static bool trans_fcvta_int(DisasContext *dc, uint32_t insn)
{
    return do_fp_to_int(dc, insn, (insn >> 16) & 1, FP_ROUND_NEAREST_AWAY, 0);
}

static bool trans_cvtf_int(DisasContext *dc, uint32_t insn)
{
    return do_int_to_fp(dc, insn, (insn >> 16) & 1, 0);
}

/* scale (bits 15:10): fbits = 64 - scale; 32-bit forms need scale >= 32 */
static int fixed_fbits(uint32_t insn)
{
    unsigned scale = (insn >> 10) & 0x3f;
    if (!(insn >> 31) && scale < 32)
        return -1;
    return 64 - (int)scale;
}

static bool trans_fcvtz_fixed(DisasContext *dc, uint32_t insn)
{
    int fbits = fixed_fbits(insn);
    if (fbits < 0)
        return false;
    return do_fp_to_int(dc, insn, (insn >> 16) & 1, FP_ROUND_ZERO, (unsigned)fbits);
}

static bool trans_cvtf_fixed(DisasContext *dc, uint32_t insn)
{
    int fbits = fixed_fbits(insn);
    if (fbits < 0)
        return false;
    return do_int_to_fp(dc, insn, (insn >> 16) & 1, (unsigned)fbits);
}

/* FMOV (general): sf:ptype:rmode select the form, opcode bit 16 the direction
 * (0: to general, 1: to FP) */
static bool trans_fmov_gen(DisasContext *dc, uint32_t insn)
{
    bool sf = insn >> 31, to_fp = (insn >> 16) & 1;
    unsigned ptype = f_size(insn), rmode = (insn >> 19) & 3;
    int vece;     /* size of the FP part; 4 = the top half D[1] */
    if (rmode == 0 && ptype == 0 && !sf)
        vece = 2;
    else if (rmode == 0 && ptype == 1 && sf)
        vece = 3;
    else if (rmode == 1 && ptype == 2 && sf)
        vece = 4;
    else if (rmode == 0 && ptype == 3 && dc_has(dc, ARM_FEAT_FP16))
        vece = 1;
    else
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned rd = f_rd(insn), rn = f_rn(insn);
    if (to_fp) {
        TCGv v = read_x(dc, rn);
        if (vece == 4) {
            ir_st(s, v, s->env, (int32_t)vreg_hi_ofs(rd));   /* D[0] kept */
            return true;
        }
        if (vece < 3) {
            TCGv t = new_tmp(dc);
            ir_extract(s, t, v, 0, 8u << vece);
            v = t;
        }
        write_vscalar(dc, rd, (unsigned)vece, v);
    } else {
        TCGv t;
        if (vece == 4)
            t = read_vlane(dc, rn, 1, 3, false);
        else
            t = read_fp(dc, rn, (unsigned)vece);
        write_reg(dc, rd, t, sf);
    }
    return true;
}

#define FP ARM_FEAT_FP
static const A64DecodeEntry fp_table[] = {
    /* data processing (1 source): M 0 S 11110 ptype 1 opcode 10000 Rn Rd */
    A64_INSN_F("000 11110 xx 1 000000 10000 xxxxx xxxxx", "FMOV (register)", trans_fmov_reg, FP),
    A64_INSN_F("000 11110 xx 1 000001 10000 xxxxx xxxxx", "FABS (scalar)", trans_fabs, FP),
    A64_INSN_F("000 11110 xx 1 000010 10000 xxxxx xxxxx", "FNEG (scalar)", trans_fneg, FP),
    A64_INSN_F("000 11110 xx 1 000011 10000 xxxxx xxxxx", "FSQRT (scalar)", trans_fsqrt, FP),
    A64_INSN_F("000 11110 xx 1 0001xx 10000 xxxxx xxxxx", "FCVT", trans_fcvt_prec, FP),
    A64_INSN_F("000 11110 xx 1 001xxx 10000 xxxxx xxxxx", "FRINT{N,P,M,Z,A,X,I} (scalar)",
               trans_frint, FP),
    /* data processing (2 source): M 0 S 11110 ptype 1 Rm opcode 10 Rn Rd */
    A64_INSN_F("000 11110 xx 1 xxxxx 0000 10 xxxxx xxxxx", "FMUL (scalar)", trans_fmul, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0001 10 xxxxx xxxxx", "FDIV (scalar)", trans_fdiv, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0010 10 xxxxx xxxxx", "FADD (scalar)", trans_fadd, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0011 10 xxxxx xxxxx", "FSUB (scalar)", trans_fsub, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0100 10 xxxxx xxxxx", "FMAX (scalar)", trans_fmax, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0101 10 xxxxx xxxxx", "FMIN (scalar)", trans_fmin, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0110 10 xxxxx xxxxx", "FMAXNM (scalar)", trans_fmaxnm, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 0111 10 xxxxx xxxxx", "FMINNM (scalar)", trans_fminnm, FP),
    A64_INSN_F("000 11110 xx 1 xxxxx 1000 10 xxxxx xxxxx", "FNMUL (scalar)", trans_fnmul, FP),
    /* data processing (3 source): M 0 S 11111 ptype o1 Rm o0 Ra Rn Rd */
    A64_INSN_F("000 11111 xx 0 xxxxx 0 xxxxx xxxxx xxxxx", "FMADD", trans_fmadd, FP),
    A64_INSN_F("000 11111 xx 0 xxxxx 1 xxxxx xxxxx xxxxx", "FMSUB", trans_fmsub, FP),
    A64_INSN_F("000 11111 xx 1 xxxxx 0 xxxxx xxxxx xxxxx", "FNMADD", trans_fnmadd, FP),
    A64_INSN_F("000 11111 xx 1 xxxxx 1 xxxxx xxxxx xxxxx", "FNMSUB", trans_fnmsub, FP),
    /* compare: M 0 S 11110 ptype 1 Rm op 1000 Rn opcode2 */
    A64_INSN_F("000 11110 xx 1 xxxxx 00 1000 xxxxx xx000", "FCMP/FCMPE", trans_fcmp, FP),
    /* conditional compare: M 0 S 11110 ptype 1 Rm cond 01 Rn op nzcv */
    A64_INSN_F("000 11110 xx 1 xxxxx xxxx 01 xxxxx xxxxx", "FCCMP/FCCMPE", trans_fccmp, FP),
    /* conditional select: M 0 S 11110 ptype 1 Rm cond 11 Rn Rd */
    A64_INSN_F("000 11110 xx 1 xxxxx xxxx 11 xxxxx xxxxx", "FCSEL", trans_fcsel, FP),
    /* immediate: M 0 S 11110 ptype 1 imm8 100 imm5 Rd */
    A64_INSN_F("000 11110 xx 1 xxxxxxxx 100 00000 xxxxx", "FMOV (scalar, immediate)",
               trans_fmov_imm, FP),
    /* conversion with integer: sf 0 S 11110 ptype 1 rmode opcode 000000 Rn Rd */
    A64_INSN_F("x00 11110 xx 1 xx 00x 000000 xxxxx xxxxx", "FCVT{N,P,M,Z}{S,U} (scalar, integer)",
               trans_fcvt_int, FP),
    A64_INSN_F("x00 11110 xx 1 00 10x 000000 xxxxx xxxxx", "FCVTA{S,U} (scalar)",
               trans_fcvta_int, FP),
    A64_INSN_F("x00 11110 xx 1 00 01x 000000 xxxxx xxxxx", "SCVTF/UCVTF (scalar, integer)",
               trans_cvtf_int, FP),
    A64_INSN_F("x00 11110 xx 1 0x 11x 000000 xxxxx xxxxx", "FMOV (general)", trans_fmov_gen, FP),
    /* conversion with fixed point: sf 0 S 11110 ptype 0 rmode opcode scale Rn Rd */
    A64_INSN_F("x00 11110 xx 0 11 00x xxxxxx xxxxx xxxxx", "FCVTZ{S,U} (scalar, fixed-point)",
               trans_fcvtz_fixed, FP),
    A64_INSN_F("x00 11110 xx 0 00 01x xxxxxx xxxxx xxxxx", "SCVTF/UCVTF (scalar, fixed-point)",
               trans_cvtf_fixed, FP),
};
A64_DECODE_TABLE(fp_table)

ARM_FEATURE_BUILT(ARM_FEAT_FP)
ARM_FEATURE_BUILT(ARM_FEAT_FP16)
