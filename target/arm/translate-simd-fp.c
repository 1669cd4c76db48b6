/*
 * translate-simd-fp.c — the AdvSIMD floating-point classes: three same
 * (vector and scalar, single/double and the FEAT_FP16 half-precision
 * groups), two-register miscellaneous (vector and scalar, both groups),
 * across lanes (FMAXV, FMINV, FMAXNMV, FMINNMV) and scalar pairwise
 * (FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP). All lanes are helpers
 * (helper-simd-fp.c) through fpu/.
 *
 * Follows DDI 0487 C4.1.95 ("Advanced SIMD three same", "three same
 * (FP16)", "two-register miscellaneous", "two-register miscellaneous
 * (FP16)", the scalar forms, "across lanes", "scalar pairwise") and the
 * C7.2 instruction pages: a vector double-precision operation needs
 * Q = 1; the half-precision groups need FEAT_FP16.
 */
#include "target/arm/fp-helpers.h"
#include "target/arm/simd-fp-helpers.h"
#include "target/arm/translate-simd.h"

#define H(x) &h_simd_##x

/* Element size of an FP SIMD instruction: FP16 group (half) or sz. */
static int simd_fp_vece(DisasContext *dc, bool fp16, unsigned sz, bool scalar, bool q)
{
    if (fp16)
        return dc_has(dc, ARM_FEAT_FP16) ? 1 : -1;
    if (sz && !scalar && !q)
        return -1;
    return sz ? 3 : 2;
}

/* ---- three same ----------------------------------------------------------------------------- */

typedef struct FOp3 {
    const TCGHelper *h;
    bool scalar;            /* has a scalar form */
    bool vector;            /* has a vector form */
} FOp3;

/* [U][a][opcode bits 13:11] */
static const FOp3 fop3[2][2][8] = {
    { { { H(fmaxnm), 0, 1 }, { H(fmla), 0, 1 }, { H(fadd), 0, 1 }, { H(fmulx), 1, 1 },
        { H(fcmeq), 1, 1 }, { 0 }, { H(fmax), 0, 1 }, { H(frecps), 1, 1 } },
      { { H(fminnm), 0, 1 }, { H(fmls), 0, 1 }, { H(fsub), 0, 1 }, { 0 },
        { 0 }, { 0 }, { H(fmin), 0, 1 }, { H(frsqrts), 1, 1 } } },
    { { { H(fmaxnmp), 0, 1 }, { 0 }, { H(faddp), 0, 1 }, { H(fmul), 0, 1 },
        { H(fcmge), 1, 1 }, { H(facge), 1, 1 }, { H(fmaxp), 0, 1 }, { H(fdiv), 0, 1 } },
      { { H(fminnmp), 0, 1 }, { 0 }, { H(fabd), 1, 1 }, { 0 },
        { H(fcmgt), 1, 1 }, { H(facgt), 1, 1 }, { H(fminp), 0, 1 }, { 0 } } },
};

static bool trans_fp3same(DisasContext *dc, uint32_t insn)
{
    bool scalar = (insn >> 28) & 1, q = f_q(insn), fp16 = !((insn >> 21) & 1);
    unsigned u = f_u(insn), a = (insn >> 23) & 1, opc = (insn >> 11) & 7;
    const FOp3 *o = &fop3[u][a][opc];
    if (!o->h || !(scalar ? o->scalar : o->vector))
        return false;
    int vece = simd_fp_vece(dc, fp16, (insn >> 22) & 1, scalar, q);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, o->h, f_rd(insn), f_rn(insn), f_rm(insn), (unsigned)vece,
                    scalar ? SIMD_SCALAR : simd_kind(q), 0);
    return true;
}

/* ---- two-register misc ------------------------------------------------------------------------ */

enum { F2_VEC = 1, F2_SCALAR = 2, F2_NO16 = 4, F2_CVTN = 8, F2_CVTL = 16, F2_CVTXN = 32 };

typedef struct FOp2 {
    const TCGHelper *h;
    uint8_t flags;
    uint8_t data;
} FOp2;

#define VS (F2_VEC | F2_SCALAR)
#define CVT(mode) ((mode) & 7)
/* [U][a][opcode - 0x0c] for opcodes 0x0c..0x1f */
static const FOp2 fop2[2][2][20] = {
    {   /* U = 0 */
        {   /* a = 0 */
            [0x16 - 0x0c] = { H(fcvtn), F2_VEC | F2_NO16 | F2_CVTN, 0 },
            [0x17 - 0x0c] = { H(fcvtl), F2_VEC | F2_NO16 | F2_CVTL, 0 },
            [0x18 - 0x0c] = { H(frint), F2_VEC, FP_ROUND_NEAREST_EVEN },       /* FRINTN */
            [0x19 - 0x0c] = { H(frint), F2_VEC, FP_ROUND_DOWN },               /* FRINTM */
            [0x1a - 0x0c] = { H(fcvts), VS, CVT(FP_ROUND_NEAREST_EVEN) },      /* FCVTNS */
            [0x1b - 0x0c] = { H(fcvts), VS, CVT(FP_ROUND_DOWN) },              /* FCVTMS */
            [0x1c - 0x0c] = { H(fcvts), VS, CVT(FP_ROUND_NEAREST_AWAY) },      /* FCVTAS */
            [0x1d - 0x0c] = { H(scvtf), VS, 0 },
        },
        {   /* a = 1 */
            [0x0c - 0x0c] = { H(fcmgt0), VS, 0 },
            [0x0d - 0x0c] = { H(fcmeq0), VS, 0 },
            [0x0e - 0x0c] = { H(fcmlt0), VS, 0 },
            [0x0f - 0x0c] = { H(fabs), F2_VEC, 0 },
            [0x18 - 0x0c] = { H(frint), F2_VEC, FP_ROUND_UP },                 /* FRINTP */
            [0x19 - 0x0c] = { H(frint), F2_VEC, FP_ROUND_ZERO },               /* FRINTZ */
            [0x1a - 0x0c] = { H(fcvts), VS, CVT(FP_ROUND_UP) },                /* FCVTPS */
            [0x1b - 0x0c] = { H(fcvts), VS, CVT(FP_ROUND_ZERO) },              /* FCVTZS */
            [0x1d - 0x0c] = { H(frecpe), VS, 0 },
            [0x1f - 0x0c] = { H(frecpx), F2_SCALAR, 0 },
        },
    },
    {   /* U = 1 */
        {   /* a = 0 */
            [0x16 - 0x0c] = { H(fcvtxn), VS | F2_NO16 | F2_CVTXN, 0 },
            [0x18 - 0x0c] = { H(frint), F2_VEC, FP_ROUND_NEAREST_AWAY },       /* FRINTA */
            [0x19 - 0x0c] = { H(frint), F2_VEC, FP_RINT_FPCR | FP_RINT_EXACT },/* FRINTX */
            [0x1a - 0x0c] = { H(fcvtu), VS, CVT(FP_ROUND_NEAREST_EVEN) },      /* FCVTNU */
            [0x1b - 0x0c] = { H(fcvtu), VS, CVT(FP_ROUND_DOWN) },              /* FCVTMU */
            [0x1c - 0x0c] = { H(fcvtu), VS, CVT(FP_ROUND_NEAREST_AWAY) },      /* FCVTAU */
            [0x1d - 0x0c] = { H(ucvtf), VS, 0 },
        },
        {   /* a = 1 */
            [0x0c - 0x0c] = { H(fcmge0), VS, 0 },
            [0x0d - 0x0c] = { H(fcmle0), VS, 0 },
            [0x0f - 0x0c] = { H(fneg), F2_VEC, 0 },
            [0x19 - 0x0c] = { H(frint), F2_VEC, FP_RINT_FPCR },                /* FRINTI */
            [0x1a - 0x0c] = { H(fcvtu), VS, CVT(FP_ROUND_UP) },                /* FCVTPU */
            [0x1b - 0x0c] = { H(fcvtu), VS, CVT(FP_ROUND_ZERO) },              /* FCVTZU */
            [0x1d - 0x0c] = { H(frsqrte), VS, 0 },
            [0x1f - 0x0c] = { H(fsqrt), F2_VEC, 0 },
        },
    },
};

static bool trans_fp2misc(DisasContext *dc, uint32_t insn)
{
    bool scalar = (insn >> 28) & 1, q = f_q(insn), fp16 = ((insn >> 17) & 31) == 0x1c;
    unsigned u = f_u(insn), a = (insn >> 23) & 1, sz = (insn >> 22) & 1;
    unsigned opc = (insn >> 12) & 31;
    if (opc < 0x0c)
        return false;
    const FOp2 *o = &fop2[u][a][opc - 0x0c];
    if (!o->h || !(o->flags & (scalar ? F2_SCALAR : F2_VEC)) || (fp16 && (o->flags & F2_NO16)))
        return false;
    unsigned d = f_rd(insn), n = f_rn(insn);
    unsigned kind = scalar ? SIMD_SCALAR : simd_kind(q);
    if (o->flags & (F2_CVTN | F2_CVTL | F2_CVTXN)) {
        /* sz = 0: half <-> single, 1: single <-> double; FCVTXN only double -> single */
        if ((o->flags & F2_CVTXN) && !sz)
            return false;
        if (!fp_access_check(dc))
            return true;
        gen_simd_helper(dc, o->h, d, n, 0, sz ? 2 : 1, kind, 0);
        return true;
    }
    int vece = simd_fp_vece(dc, fp16, sz, scalar, q);
    if (vece < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, o->h, d, n, 0, (unsigned)vece, kind, o->data);
    return true;
}

/* ---- across lanes ------------------------------------------------------------------------------ */

/* FMAXNMV/FMINNMV (opcode 01100), FMAXV/FMINV (01111); a selects min.
 * Single precision: U = 1, sz = 0, Q = 1; half precision: U = 0 (FP16). */
static bool trans_fpacross(DisasContext *dc, uint32_t insn)
{
    bool q = f_q(insn), half = !f_u(insn);
    unsigned a = (insn >> 23) & 1, sz = (insn >> 22) & 1, opc = (insn >> 12) & 31;
    if (sz || (half ? !dc_has(dc, ARM_FEAT_FP16) : !q))
        return false;
    const TCGHelper *h = opc == 0x0c ? (a ? H(fminnmv) : H(fmaxnmv)) : (a ? H(fminv) : H(fmaxv));
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, h, f_rd(insn), f_rn(insn), 0, half ? 1 : 2, simd_kind(q), 0);
    return true;
}

/* ---- scalar pairwise ---------------------------------------------------------------------------- */

/* FMAXNMP/FMINNMP (01100), FADDP (01101, a = 0), FMAXP/FMINP (01111) of
 * Vn's two elements; U = 1: single/double by sz, U = 0: half (FP16, sz = 0) */
static bool trans_fppair_scalar(DisasContext *dc, uint32_t insn)
{
    unsigned a = (insn >> 23) & 1, sz = (insn >> 22) & 1, opc = (insn >> 12) & 31;
    const TCGHelper *h;
    switch (opc) {
    case 0x0c: h = a ? H(fminnmp) : H(fmaxnmp); break;
    case 0x0d:
        if (a)
            return false;
        h = H(faddp);
        break;
    default: h = a ? H(fminp) : H(fmaxp); break;
    }
    int vece;
    if (f_u(insn)) {
        vece = sz ? 3 : 2;
    } else {
        if (sz || !dc_has(dc, ARM_FEAT_FP16))
            return false;
        vece = 1;
    }
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, h, f_rd(insn), f_rn(insn), 0, (unsigned)vece, SIMD_SCALAR, 0);
    return true;
}

/* patterns */
#define V3F(u, a, opc) "0x" u "01110" a "x1 xxxxx 11" opc "1 xxxxx xxxxx"
#define V3H(u, a, opc) "0x" u "01110" a "10 xxxxx 00" opc "1 xxxxx xxxxx"
#define S3F(u, a, opc) "01" u "11110" a "x1 xxxxx 11" opc "1 xxxxx xxxxx"
#define S3H(u, a, opc) "01" u "11110" a "10 xxxxx 00" opc "1 xxxxx xxxxx"
#define V2F(u, a, opc) "0x" u "01110" a "x 10000" opc "10 xxxxx xxxxx"
#define V2H(u, a, opc) "0x" u "01110" a "111100" opc "10 xxxxx xxxxx"
#define S2F(u, a, opc) "01" u "11110" a "x 10000" opc "10 xxxxx xxxxx"
#define S2H(u, a, opc) "01" u "11110" a "111100" opc "10 xxxxx xxxxx"
#define AS ARM_FEAT_ASIMD

/* one line per instruction and group: vector, half vector, scalar, half scalar */
#define L3(u, a, opc, name) \
    A64_INSN_F(V3F(u, a, opc), name " (vector)", trans_fp3same, AS), \
    A64_INSN_F(V3H(u, a, opc), name " (vector, half)", trans_fp3same, AS)
#define L3S(u, a, opc, name) \
    L3(u, a, opc, name), \
    A64_INSN_F(S3F(u, a, opc), name " (scalar)", trans_fp3same, AS), \
    A64_INSN_F(S3H(u, a, opc), name " (scalar, half)", trans_fp3same, AS)
#define L2(u, a, opc, name) \
    A64_INSN_F(V2F(u, a, opc), name " (vector)", trans_fp2misc, AS), \
    A64_INSN_F(V2H(u, a, opc), name " (vector, half)", trans_fp2misc, AS)
#define L2S(u, a, opc, name) \
    L2(u, a, opc, name), \
    A64_INSN_F(S2F(u, a, opc), name " (scalar)", trans_fp2misc, AS), \
    A64_INSN_F(S2H(u, a, opc), name " (scalar, half)", trans_fp2misc, AS)

static const A64DecodeEntry simd_fp_table[] = {
    /* three same */
    L3("0", "0", "000", "FMAXNM"),
    L3("0", "1", "000", "FMINNM"),
    L3("0", "0", "001", "FMLA"),
    L3("0", "1", "001", "FMLS"),
    L3("0", "0", "010", "FADD"),
    L3("0", "1", "010", "FSUB"),
    L3S("0", "0", "011", "FMULX"),
    L3S("0", "0", "100", "FCMEQ (register)"),
    L3("0", "0", "110", "FMAX"),
    L3("0", "1", "110", "FMIN"),
    L3S("0", "0", "111", "FRECPS"),
    L3S("0", "1", "111", "FRSQRTS"),
    L3("1", "0", "000", "FMAXNMP"),
    L3("1", "1", "000", "FMINNMP"),
    L3("1", "0", "010", "FADDP"),
    L3S("1", "1", "010", "FABD"),
    L3("1", "0", "011", "FMUL"),
    L3S("1", "0", "100", "FCMGE (register)"),
    L3S("1", "1", "100", "FCMGT (register)"),
    L3S("1", "0", "101", "FACGE"),
    L3S("1", "1", "101", "FACGT"),
    L3("1", "0", "110", "FMAXP"),
    L3("1", "1", "110", "FMINP"),
    L3("1", "0", "111", "FDIV"),
    /* two-register misc */
    L2S("0", "1", "01100", "FCMGT (zero)"),
    L2S("0", "1", "01101", "FCMEQ (zero)"),
    L2S("0", "1", "01110", "FCMLT (zero)"),
    L2("0", "1", "01111", "FABS"),
    L2S("1", "1", "01100", "FCMGE (zero)"),
    L2S("1", "1", "01101", "FCMLE (zero)"),
    L2("1", "1", "01111", "FNEG"),
    A64_INSN_F(V2F("0", "0", "10110"), "FCVTN", trans_fp2misc, AS),
    A64_INSN_F(V2F("0", "0", "10111"), "FCVTL", trans_fp2misc, AS),
    A64_INSN_F(V2F("1", "0", "10110"), "FCVTXN", trans_fp2misc, AS),
    A64_INSN_F(S2F("1", "0", "10110"), "FCVTXN (scalar)", trans_fp2misc, AS),
    L2("0", "0", "11000", "FRINTN"),
    L2("0", "0", "11001", "FRINTM"),
    L2("0", "1", "11000", "FRINTP"),
    L2("0", "1", "11001", "FRINTZ"),
    L2("1", "0", "11000", "FRINTA"),
    L2("1", "0", "11001", "FRINTX"),
    L2("1", "1", "11001", "FRINTI"),
    L2S("0", "0", "11010", "FCVTNS"),
    L2S("0", "0", "11011", "FCVTMS"),
    L2S("0", "0", "11100", "FCVTAS"),
    L2S("0", "0", "11101", "SCVTF (integer)"),
    L2S("0", "1", "11010", "FCVTPS"),
    L2S("0", "1", "11011", "FCVTZS (integer)"),
    L2S("0", "1", "11101", "FRECPE"),
    A64_INSN_F(S2F("0", "1", "11111"), "FRECPX", trans_fp2misc, AS),
    A64_INSN_F(S2H("0", "1", "11111"), "FRECPX (half)", trans_fp2misc, AS),
    L2S("1", "0", "11010", "FCVTNU"),
    L2S("1", "0", "11011", "FCVTMU"),
    L2S("1", "0", "11100", "FCVTAU"),
    L2S("1", "0", "11101", "UCVTF (integer)"),
    L2S("1", "1", "11010", "FCVTPU"),
    L2S("1", "1", "11011", "FCVTZU (integer)"),
    L2S("1", "1", "11101", "FRSQRTE"),
    L2("1", "1", "11111", "FSQRT"),
    /* across lanes */
    A64_INSN_F("0x0 01110 x0 11000 01100 10 xxxxx xxxxx", "FMAXNMV/FMINNMV (half)", trans_fpacross, AS),
    A64_INSN_F("0x1 01110 xx 11000 01100 10 xxxxx xxxxx", "FMAXNMV/FMINNMV", trans_fpacross, AS),
    A64_INSN_F("0x0 01110 x0 11000 01111 10 xxxxx xxxxx", "FMAXV/FMINV (half)", trans_fpacross, AS),
    A64_INSN_F("0x1 01110 xx 11000 01111 10 xxxxx xxxxx", "FMAXV/FMINV", trans_fpacross, AS),
    /* scalar pairwise */
    A64_INSN_F("01x 11110 xx 11000 01100 10 xxxxx xxxxx", "FMAXNMP/FMINNMP (scalar)",
               trans_fppair_scalar, AS),
    A64_INSN_F("01x 11110 xx 11000 01101 10 xxxxx xxxxx", "FADDP (scalar)", trans_fppair_scalar, AS),
    A64_INSN_F("01x 11110 xx 11000 01111 10 xxxxx xxxxx", "FMAXP/FMINP (scalar)",
               trans_fppair_scalar, AS),
};
A64_DECODE_TABLE(simd_fp_table)
