/*
 * translate-simd-int.c — the AdvSIMD integer classes: three same (vector
 * and scalar), three different (long, wide, high narrow; PMULL), two-
 * register miscellaneous (vector and scalar), across lanes, and the
 * scalar pairwise ADDP. ADD/SUB and the bitwise ops (AND, BIC, ORR, ORN,
 * EOR, BSL, BIT, BIF) are inline vector IR (SSE on x86-64); the rest are
 * helpers (helper-simd-int.c) through the lane loops of simd-engine.h.
 *
 * Follows DDI 0487 C4.1.95 ("Advanced SIMD three same", "three
 * different", "two-register miscellaneous", "across lanes", the scalar
 * groups, "scalar pairwise") for the encodings and the reserved size/Q
 * combinations, and the C7.2 instruction pages.
 */
#include "target/arm/simd-helpers.h"
#include "target/arm/translate-simd.h"

#define SCRATCH_OFS ((uint32_t)offsetof(CPUARMState, scratch))

/* sizes bitmask: bit s allows size s */
#define SZ_B 1u
#define SZ_H 2u
#define SZ_S 4u
#define SZ_D 8u
#define SZ_BHS (SZ_B | SZ_H | SZ_S)
#define SZ_ALL (SZ_BHS | SZ_D)
#define SZ_HS (SZ_H | SZ_S)

/* vector arrangement check: allowed size and not size 11 with Q = 0 */
static bool vec_size_ok(unsigned sizes, unsigned size, bool q)
{
    return ((sizes >> size) & 1) && !(size == 3 && !q);
}

/* ---- three same ------------------------------------------------------------------------------ */

enum { IN_NONE, IN_ADD, IN_SUB, IN_LOGIC };

typedef struct Op3 {
    const TCGHelper *h;
    uint8_t sizes;          /* vector sizes */
    uint8_t scalar_sizes;   /* scalar form sizes (0: none) */
    uint8_t inl;            /* inline IR instead of h */
    bool pairwise;
} Op3;

#define H(x) &h_simd_##x
static const Op3 op3[2][24] = {
    {   /* U = 0 */
        [0x00] = { H(shadd), SZ_BHS, 0, 0, false },
        [0x01] = { H(sqadd), SZ_ALL, SZ_ALL, 0, false },
        [0x02] = { H(srhadd), SZ_BHS, 0, 0, false },
        [0x03] = { NULL, SZ_ALL, 0, IN_LOGIC, false },
        [0x04] = { H(shsub), SZ_BHS, 0, 0, false },
        [0x05] = { H(sqsub), SZ_ALL, SZ_ALL, 0, false },
        [0x06] = { H(cmgt), SZ_ALL, SZ_D, 0, false },
        [0x07] = { H(cmge), SZ_ALL, SZ_D, 0, false },
        [0x08] = { H(sshl), SZ_ALL, SZ_D, 0, false },
        [0x09] = { H(sqshl), SZ_ALL, SZ_ALL, 0, false },
        [0x0a] = { H(srshl), SZ_ALL, SZ_D, 0, false },
        [0x0b] = { H(sqrshl), SZ_ALL, SZ_ALL, 0, false },
        [0x0c] = { H(smax), SZ_BHS, 0, 0, false },
        [0x0d] = { H(smin), SZ_BHS, 0, 0, false },
        [0x0e] = { H(sabd), SZ_BHS, 0, 0, false },
        [0x0f] = { H(saba), SZ_BHS, 0, 0, false },
        [0x10] = { NULL, SZ_ALL, SZ_D, IN_ADD, false },
        [0x11] = { H(cmtst), SZ_ALL, SZ_D, 0, false },
        [0x12] = { H(mla), SZ_BHS, 0, 0, false },
        [0x13] = { H(mul), SZ_BHS, 0, 0, false },
        [0x14] = { H(smaxp), SZ_BHS, 0, 0, true },
        [0x15] = { H(sminp), SZ_BHS, 0, 0, true },
        [0x16] = { H(sqdmulh), SZ_HS, SZ_HS, 0, false },
        [0x17] = { H(addp), SZ_ALL, 0, 0, true },
    },
    {   /* U = 1 */
        [0x00] = { H(uhadd), SZ_BHS, 0, 0, false },
        [0x01] = { H(uqadd), SZ_ALL, SZ_ALL, 0, false },
        [0x02] = { H(urhadd), SZ_BHS, 0, 0, false },
        [0x03] = { NULL, SZ_ALL, 0, IN_LOGIC, false },
        [0x04] = { H(uhsub), SZ_BHS, 0, 0, false },
        [0x05] = { H(uqsub), SZ_ALL, SZ_ALL, 0, false },
        [0x06] = { H(cmhi), SZ_ALL, SZ_D, 0, false },
        [0x07] = { H(cmhs), SZ_ALL, SZ_D, 0, false },
        [0x08] = { H(ushl), SZ_ALL, SZ_D, 0, false },
        [0x09] = { H(uqshl), SZ_ALL, SZ_ALL, 0, false },
        [0x0a] = { H(urshl), SZ_ALL, SZ_D, 0, false },
        [0x0b] = { H(uqrshl), SZ_ALL, SZ_ALL, 0, false },
        [0x0c] = { H(umax), SZ_BHS, 0, 0, false },
        [0x0d] = { H(umin), SZ_BHS, 0, 0, false },
        [0x0e] = { H(uabd), SZ_BHS, 0, 0, false },
        [0x0f] = { H(uaba), SZ_BHS, 0, 0, false },
        [0x10] = { NULL, SZ_ALL, SZ_D, IN_SUB, false },
        [0x11] = { H(cmeq), SZ_ALL, SZ_D, 0, false },
        [0x12] = { H(mls), SZ_BHS, 0, 0, false },
        [0x13] = { H(pmul), SZ_B, 0, 0, false },
        [0x14] = { H(umaxp), SZ_BHS, 0, 0, true },
        [0x15] = { H(uminp), SZ_BHS, 0, 0, true },
        [0x16] = { H(sqrdmulh), SZ_HS, SZ_HS, 0, false },
    },
};

/* AND BIC ORR ORN (U=0) / EOR BSL BIT BIF (U=1) by size: inline */
static void gen_logic(DisasContext *dc, unsigned op, unsigned d, unsigned n, unsigned m, bool q)
{
    TCGContext *s = dc->s;
    unsigned sz = q ? 16 : 8;
    uint32_t D = vreg_ofs(d), N = vreg_ofs(n), M = vreg_ofs(m), T = SCRATCH_OFS;
    switch (op) {
    case 0: ir_vec_and(s, D, N, M, sz, 16); break;
    case 1: ir_vec_andc(s, D, N, M, sz, 16); break;
    case 2: ir_vec_or(s, D, N, M, sz, 16); break;
    case 3:
        ir_vec_not(s, T, M, sz, sz);
        ir_vec_or(s, D, N, T, sz, 16);
        break;
    case 4: ir_vec_xor(s, D, N, M, sz, 16); break;
    case 5:   /* BSL: d = m ^ ((n ^ m) & d) */
        ir_vec_xor(s, T, N, M, sz, sz);
        ir_vec_and(s, T, T, D, sz, sz);
        ir_vec_xor(s, D, M, T, sz, 16);
        break;
    case 6:   /* BIT: d = d ^ ((d ^ n) & m) */
        ir_vec_xor(s, T, D, N, sz, sz);
        ir_vec_and(s, T, T, M, sz, sz);
        ir_vec_xor(s, D, D, T, sz, 16);
        break;
    default:  /* BIF: d = d ^ ((d ^ n) & ~m) */
        ir_vec_xor(s, T, D, N, sz, sz);
        ir_vec_andc(s, T, T, M, sz, sz);
        ir_vec_xor(s, D, D, T, sz, 16);
        break;
    }
}

static bool do_3same(DisasContext *dc, uint32_t insn, bool scalar)
{
    unsigned u = f_u(insn), opc = (insn >> 11) & 31, size = f_size(insn);
    bool q = scalar || f_q(insn);
    if (opc >= 24)
        return false;
    const Op3 *o = &op3[u][opc];
    if (!o->h && !o->inl)
        return false;
    if (scalar ? !((o->scalar_sizes >> size) & 1)
               : o->inl != IN_LOGIC && !vec_size_ok(o->sizes, size, q))
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned d = f_rd(insn), n = f_rn(insn), m = f_rm(insn);
    unsigned sz = q ? 16 : 8;
    switch (o->inl) {
    case IN_ADD:
        ir_vec_add(s, size, vreg_ofs(d), vreg_ofs(n), vreg_ofs(m), scalar ? 8 : sz, 16);
        return true;
    case IN_SUB:
        ir_vec_sub(s, size, vreg_ofs(d), vreg_ofs(n), vreg_ofs(m), scalar ? 8 : sz, 16);
        return true;
    case IN_LOGIC:
        gen_logic(dc, u * 4 + size, d, n, m, q);
        return true;
    default:
        gen_simd_helper(dc, o->h, d, n, m, size, scalar ? SIMD_SCALAR : simd_kind(q), 0);
        return true;
    }
}

static bool trans_3same(DisasContext *dc, uint32_t insn) { return do_3same(dc, insn, false); }
static bool trans_3same_scalar(DisasContext *dc, uint32_t insn) { return do_3same(dc, insn, true); }

/* SQRDMLAH/SQRDMLSH (FEAT_RDM), the "three same extra" group: opcode
 * bit 11 selects SQRDMLSH; H and S elements, vector or scalar */
static bool trans_rdm(DisasContext *dc, uint32_t insn)
{
    bool scalar = (insn >> 28) & 1, q = f_q(insn);
    unsigned size = f_size(insn);
    if (size != 1 && size != 2)
        return false;
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, (insn >> 11) & 1 ? &h_simd_sqrdmlsh : &h_simd_sqrdmlah, f_rd(insn),
                    f_rn(insn), f_rm(insn), size, scalar ? SIMD_SCALAR : simd_kind(q), 0);
    return true;
}

/* ---- three different --------------------------------------------------------------------------- */

enum { L_LONG, L_WIDE, L_NARROW };

typedef struct Op3d {
    const TCGHelper *h;
    uint8_t shape;
    uint8_t sizes;
} Op3d;

static const Op3d op3d[2][16] = {
    {
        [0x0] = { H(saddl), L_LONG, SZ_BHS },
        [0x1] = { H(saddw), L_WIDE, SZ_BHS },
        [0x2] = { H(ssubl), L_LONG, SZ_BHS },
        [0x3] = { H(ssubw), L_WIDE, SZ_BHS },
        [0x4] = { H(addhn), L_NARROW, SZ_BHS },
        [0x5] = { H(sabal), L_LONG, SZ_BHS },
        [0x6] = { H(subhn), L_NARROW, SZ_BHS },
        [0x7] = { H(sabdl), L_LONG, SZ_BHS },
        [0x8] = { H(smlal), L_LONG, SZ_BHS },
        [0x9] = { H(sqdmlal), L_LONG, SZ_HS },
        [0xa] = { H(smlsl), L_LONG, SZ_BHS },
        [0xb] = { H(sqdmlsl), L_LONG, SZ_HS },
        [0xc] = { H(smull), L_LONG, SZ_BHS },
        [0xd] = { H(sqdmull), L_LONG, SZ_HS },
        [0xe] = { H(pmull8), L_LONG, SZ_B },
    },
    {
        [0x0] = { H(uaddl), L_LONG, SZ_BHS },
        [0x1] = { H(uaddw), L_WIDE, SZ_BHS },
        [0x2] = { H(usubl), L_LONG, SZ_BHS },
        [0x3] = { H(usubw), L_WIDE, SZ_BHS },
        [0x4] = { H(raddhn), L_NARROW, SZ_BHS },
        [0x5] = { H(uabal), L_LONG, SZ_BHS },
        [0x6] = { H(rsubhn), L_NARROW, SZ_BHS },
        [0x7] = { H(uabdl), L_LONG, SZ_BHS },
        [0x8] = { H(umlal), L_LONG, SZ_BHS },
        [0xa] = { H(umlsl), L_LONG, SZ_BHS },
        [0xc] = { H(umull), L_LONG, SZ_BHS },
    },
};

static bool do_3diff(DisasContext *dc, uint32_t insn, bool scalar)
{
    unsigned u = f_u(insn), opc = (insn >> 12) & 15, size = f_size(insn);
    bool q = f_q(insn);
    const Op3d *o = &op3d[u][opc];
    const TCGHelper *h = o->h;
    if (!h)
        return false;
    if (scalar) {
        /* only SQDMLAL, SQDMLSL, SQDMULL */
        if (u || (opc != 0x9 && opc != 0xb && opc != 0xd) || !((SZ_HS >> size) & 1))
            return false;
    } else if (!u && opc == 0xe && size == 3) {
        if (!dc_has(dc, ARM_FEAT_PMULL))
            return false;
        h = &h_simd_pmull64;
    } else if (!((o->sizes >> size) & 1)) {
        return false;
    }
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, h, f_rd(insn), f_rn(insn), f_rm(insn), size,
                    scalar ? SIMD_SCALAR : simd_kind(q), 0);
    return true;
}

static bool trans_3diff(DisasContext *dc, uint32_t insn) { return do_3diff(dc, insn, false); }
static bool trans_3diff_scalar(DisasContext *dc, uint32_t insn) { return do_3diff(dc, insn, true); }

/* ---- two-register miscellaneous (integer) --------------------------------------------------- */

enum { M_SAME, M_PAIRLONG, M_NARROW, M_LONG, M_REV, M_NOT };

typedef struct Op2 {
    const TCGHelper *h;
    uint8_t shape;
    uint8_t sizes;
    uint8_t scalar_sizes;
    uint8_t data;
} Op2;

static const Op2 op2[2][21] = {
    {
        [0x00] = { H(rev), M_REV, SZ_BHS, 0, 3 },        /* REV64 */
        [0x01] = { H(rev), M_REV, SZ_B, 0, 1 },          /* REV16 */
        [0x02] = { H(saddlp), M_PAIRLONG, SZ_BHS, 0, 0 },
        [0x03] = { H(suqadd), M_SAME, SZ_ALL, SZ_ALL, 0 },
        [0x04] = { H(cls), M_SAME, SZ_BHS, 0, 0 },
        [0x05] = { H(cnt), M_SAME, SZ_B, 0, 0 },
        [0x06] = { H(sadalp), M_PAIRLONG, SZ_BHS, 0, 0 },
        [0x07] = { H(sqabs), M_SAME, SZ_ALL, SZ_ALL, 0 },
        [0x08] = { H(cmgt0), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x09] = { H(cmeq0), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x0a] = { H(cmlt0), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x0b] = { H(abs), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x12] = { H(xtn), M_NARROW, SZ_BHS, 0, 0 },
        [0x14] = { H(sqxtn), M_NARROW, SZ_BHS, SZ_BHS, 0 },
    },
    {
        [0x00] = { H(rev), M_REV, SZ_B | SZ_H, 0, 2 },   /* REV32 */
        [0x02] = { H(uaddlp), M_PAIRLONG, SZ_BHS, 0, 0 },
        [0x03] = { H(usqadd), M_SAME, SZ_ALL, SZ_ALL, 0 },
        [0x04] = { H(clz), M_SAME, SZ_BHS, 0, 0 },
        [0x05] = { NULL, M_NOT, SZ_B | SZ_H, 0, 0 },     /* NOT (00), RBIT (01) */
        [0x06] = { H(uadalp), M_PAIRLONG, SZ_BHS, 0, 0 },
        [0x07] = { H(sqneg), M_SAME, SZ_ALL, SZ_ALL, 0 },
        [0x08] = { H(cmge0), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x09] = { H(cmle0), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x0b] = { H(neg), M_SAME, SZ_ALL, SZ_D, 0 },
        [0x12] = { H(sqxtun), M_NARROW, SZ_BHS, SZ_BHS, 0 },
        [0x13] = { H(shll), M_LONG, SZ_BHS, 0, 0 },
        [0x14] = { H(uqxtn), M_NARROW, SZ_BHS, SZ_BHS, 0 },
    },
};

static bool do_2misc(DisasContext *dc, uint32_t insn, bool scalar)
{
    unsigned u = f_u(insn), opc = (insn >> 12) & 31, size = f_size(insn);
    bool q = f_q(insn);
    if (opc > 0x14)
        return false;
    const Op2 *o = &op2[u][opc];
    if (!o->h && o->shape != M_NOT)
        return false;
    if (scalar) {
        if (!((o->scalar_sizes >> size) & 1))
            return false;
    } else if (o->shape == M_NARROW || o->shape == M_LONG || o->shape == M_PAIRLONG) {
        if (!((o->sizes >> size) & 1))      /* any Q */
            return false;
    } else if (!vec_size_ok(o->sizes, size, q)) {
        return false;
    }
    if (!fp_access_check(dc))
        return true;
    unsigned d = f_rd(insn), n = f_rn(insn);
    if (o->shape == M_NOT) {
        if (size == 0)
            ir_vec_not(dc->s, vreg_ofs(d), vreg_ofs(n), q ? 16 : 8, 16);
        else
            gen_simd_helper(dc, &h_simd_rbit, d, n, 0, 0, simd_kind(q), 0);
        return true;
    }
    gen_simd_helper(dc, o->h, d, n, 0, size, scalar ? SIMD_SCALAR : simd_kind(q), o->data);
    return true;
}

static bool trans_2misc(DisasContext *dc, uint32_t insn) { return do_2misc(dc, insn, false); }
static bool trans_2misc_scalar(DisasContext *dc, uint32_t insn) { return do_2misc(dc, insn, true); }

/* URECPE / URSQRTE (size = 10) */
static bool trans_urecpe(DisasContext *dc, uint32_t insn)
{
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, f_u(insn) ? &h_simd_ursqrte : &h_simd_urecpe, f_rd(insn), f_rn(insn), 0,
                    2, simd_kind(f_q(insn)), 0);
    return true;
}

/* ---- across lanes (integer) ------------------------------------------------------------------ */

static bool trans_across(DisasContext *dc, uint32_t insn)
{
    unsigned u = f_u(insn), opc = (insn >> 12) & 31, size = f_size(insn);
    bool q = f_q(insn);
    const TCGHelper *h;
    switch (opc) {
    case 0x03: h = u ? &h_simd_uaddlv : &h_simd_saddlv; break;
    case 0x0a: h = u ? &h_simd_umaxv : &h_simd_smaxv; break;
    case 0x1a: h = u ? &h_simd_uminv : &h_simd_sminv; break;
    case 0x1b:
        if (u)
            return false;
        h = &h_simd_addv;
        break;
    default:
        return false;
    }
    if (size == 3 || (size == 2 && !q))
        return false;
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, h, f_rd(insn), f_rn(insn), 0, size, simd_kind(q), 0);
    return true;
}

/* ADDP (scalar): Dd = Vn.D[0] + Vn.D[1] */
static bool trans_addp_scalar(DisasContext *dc, uint32_t insn)
{
    if (f_size(insn) != 3)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned n = f_rn(insn);
    TCGv a = read_vlane(dc, n, 0, 3, false), b = read_vlane(dc, n, 1, 3, false);
    ir_add(s, a, a, b);
    write_vscalar(dc, f_rd(insn), 3, a);
    return true;
}

/* patterns: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd and the scalar 01 U 11110 ... */
#define V3(u, opc) "0x" u "01110 xx 1 xxxxx " opc " 1 xxxxx xxxxx"
#define V3L(u, sz, opc) "0x" u "01110 " sz " 1 xxxxx " opc " 1 xxxxx xxxxx"
#define S3(u, opc) "01" u "11110 xx 1 xxxxx " opc " 1 xxxxx xxxxx"
#define VD(u, opc) "0x" u "01110 xx 1 xxxxx " opc " 00 xxxxx xxxxx"
#define SD(u, opc) "01" u "11110 xx 1 xxxxx " opc " 00 xxxxx xxxxx"
#define VM(u, opc) "0x" u "01110 xx 10000 " opc " 10 xxxxx xxxxx"
#define VML(u, sz, opc) "0x" u "01110 " sz " 10000 " opc " 10 xxxxx xxxxx"
#define SM(u, opc) "01" u "11110 xx 10000 " opc " 10 xxxxx xxxxx"
#define VA(u, opc) "0x" u "01110 xx 11000 " opc " 10 xxxxx xxxxx"
#define AS ARM_FEAT_ASIMD

static const A64DecodeEntry simd_int_table[] = {
    /* three same */
    A64_INSN_F(V3("0", "00000"), "SHADD", trans_3same, AS),
    A64_INSN_F(V3("1", "00000"), "UHADD", trans_3same, AS),
    A64_INSN_F(V3("0", "00001"), "SQADD", trans_3same, AS),
    A64_INSN_F(V3("1", "00001"), "UQADD", trans_3same, AS),
    A64_INSN_F(V3("0", "00010"), "SRHADD", trans_3same, AS),
    A64_INSN_F(V3("1", "00010"), "URHADD", trans_3same, AS),
    A64_INSN_F(V3L("0", "00", "00011"), "AND (vector)", trans_3same, AS),
    A64_INSN_F(V3L("0", "01", "00011"), "BIC (vector, register)", trans_3same, AS),
    A64_INSN_F(V3L("0", "10", "00011"), "ORR (vector, register)", trans_3same, AS),
    A64_INSN_F(V3L("0", "11", "00011"), "ORN (vector)", trans_3same, AS),
    A64_INSN_F(V3L("1", "00", "00011"), "EOR (vector)", trans_3same, AS),
    A64_INSN_F(V3L("1", "01", "00011"), "BSL", trans_3same, AS),
    A64_INSN_F(V3L("1", "10", "00011"), "BIT", trans_3same, AS),
    A64_INSN_F(V3L("1", "11", "00011"), "BIF", trans_3same, AS),
    A64_INSN_F(V3("0", "00100"), "SHSUB", trans_3same, AS),
    A64_INSN_F(V3("1", "00100"), "UHSUB", trans_3same, AS),
    A64_INSN_F(V3("0", "00101"), "SQSUB", trans_3same, AS),
    A64_INSN_F(V3("1", "00101"), "UQSUB", trans_3same, AS),
    A64_INSN_F(V3("0", "00110"), "CMGT (register)", trans_3same, AS),
    A64_INSN_F(V3("1", "00110"), "CMHI (register)", trans_3same, AS),
    A64_INSN_F(V3("0", "00111"), "CMGE (register)", trans_3same, AS),
    A64_INSN_F(V3("1", "00111"), "CMHS (register)", trans_3same, AS),
    A64_INSN_F(V3("0", "01000"), "SSHL", trans_3same, AS),
    A64_INSN_F(V3("1", "01000"), "USHL", trans_3same, AS),
    A64_INSN_F(V3("0", "01001"), "SQSHL (register)", trans_3same, AS),
    A64_INSN_F(V3("1", "01001"), "UQSHL (register)", trans_3same, AS),
    A64_INSN_F(V3("0", "01010"), "SRSHL", trans_3same, AS),
    A64_INSN_F(V3("1", "01010"), "URSHL", trans_3same, AS),
    A64_INSN_F(V3("0", "01011"), "SQRSHL", trans_3same, AS),
    A64_INSN_F(V3("1", "01011"), "UQRSHL", trans_3same, AS),
    A64_INSN_F(V3("0", "01100"), "SMAX", trans_3same, AS),
    A64_INSN_F(V3("1", "01100"), "UMAX", trans_3same, AS),
    A64_INSN_F(V3("0", "01101"), "SMIN", trans_3same, AS),
    A64_INSN_F(V3("1", "01101"), "UMIN", trans_3same, AS),
    A64_INSN_F(V3("0", "01110"), "SABD", trans_3same, AS),
    A64_INSN_F(V3("1", "01110"), "UABD", trans_3same, AS),
    A64_INSN_F(V3("0", "01111"), "SABA", trans_3same, AS),
    A64_INSN_F(V3("1", "01111"), "UABA", trans_3same, AS),
    A64_INSN_F(V3("0", "10000"), "ADD (vector)", trans_3same, AS),
    A64_INSN_F(V3("1", "10000"), "SUB (vector)", trans_3same, AS),
    A64_INSN_F(V3("0", "10001"), "CMTST", trans_3same, AS),
    A64_INSN_F(V3("1", "10001"), "CMEQ (register)", trans_3same, AS),
    A64_INSN_F(V3("0", "10010"), "MLA (vector)", trans_3same, AS),
    A64_INSN_F(V3("1", "10010"), "MLS (vector)", trans_3same, AS),
    A64_INSN_F(V3("0", "10011"), "MUL (vector)", trans_3same, AS),
    A64_INSN_F(V3("1", "10011"), "PMUL", trans_3same, AS),
    A64_INSN_F(V3("0", "10100"), "SMAXP", trans_3same, AS),
    A64_INSN_F(V3("1", "10100"), "UMAXP", trans_3same, AS),
    A64_INSN_F(V3("0", "10101"), "SMINP", trans_3same, AS),
    A64_INSN_F(V3("1", "10101"), "UMINP", trans_3same, AS),
    A64_INSN_F(V3("0", "10110"), "SQDMULH (vector)", trans_3same, AS),
    A64_INSN_F(V3("1", "10110"), "SQRDMULH (vector)", trans_3same, AS),
    A64_INSN_F(V3("0", "10111"), "ADDP (vector)", trans_3same, AS),
    /* three same extra (FEAT_RDM): 0 Q U 01110 size 0 Rm 1 opcode 1 Rn Rd */
    A64_INSN_F("0x1 01110 xx 0 xxxxx 1 0000 1 xxxxx xxxxx", "SQRDMLAH (vector)", trans_rdm,
               ARM_FEAT_RDM),
    A64_INSN_F("0x1 01110 xx 0 xxxxx 1 0001 1 xxxxx xxxxx", "SQRDMLSH (vector)", trans_rdm,
               ARM_FEAT_RDM),
    A64_INSN_F("011 11110 xx 0 xxxxx 1 0000 1 xxxxx xxxxx", "SQRDMLAH (scalar)", trans_rdm,
               ARM_FEAT_RDM),
    A64_INSN_F("011 11110 xx 0 xxxxx 1 0001 1 xxxxx xxxxx", "SQRDMLSH (scalar)", trans_rdm,
               ARM_FEAT_RDM),
    /* scalar three same */
    A64_INSN_F(S3("0", "00001"), "SQADD (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "00001"), "UQADD (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "00101"), "SQSUB (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "00101"), "UQSUB (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "00110"), "CMGT (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "00110"), "CMHI (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "00111"), "CMGE (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "00111"), "CMHS (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "01000"), "SSHL (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "01000"), "USHL (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "01001"), "SQSHL (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "01001"), "UQSHL (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "01010"), "SRSHL (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "01010"), "URSHL (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "01011"), "SQRSHL (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "01011"), "UQRSHL (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "10000"), "ADD (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "10000"), "SUB (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "10001"), "CMTST (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "10001"), "CMEQ (register, scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("0", "10110"), "SQDMULH (scalar)", trans_3same_scalar, AS),
    A64_INSN_F(S3("1", "10110"), "SQRDMULH (scalar)", trans_3same_scalar, AS),
    /* three different */
    A64_INSN_F(VD("0", "0000"), "SADDL", trans_3diff, AS),
    A64_INSN_F(VD("1", "0000"), "UADDL", trans_3diff, AS),
    A64_INSN_F(VD("0", "0001"), "SADDW", trans_3diff, AS),
    A64_INSN_F(VD("1", "0001"), "UADDW", trans_3diff, AS),
    A64_INSN_F(VD("0", "0010"), "SSUBL", trans_3diff, AS),
    A64_INSN_F(VD("1", "0010"), "USUBL", trans_3diff, AS),
    A64_INSN_F(VD("0", "0011"), "SSUBW", trans_3diff, AS),
    A64_INSN_F(VD("1", "0011"), "USUBW", trans_3diff, AS),
    A64_INSN_F(VD("0", "0100"), "ADDHN", trans_3diff, AS),
    A64_INSN_F(VD("1", "0100"), "RADDHN", trans_3diff, AS),
    A64_INSN_F(VD("0", "0101"), "SABAL", trans_3diff, AS),
    A64_INSN_F(VD("1", "0101"), "UABAL", trans_3diff, AS),
    A64_INSN_F(VD("0", "0110"), "SUBHN", trans_3diff, AS),
    A64_INSN_F(VD("1", "0110"), "RSUBHN", trans_3diff, AS),
    A64_INSN_F(VD("0", "0111"), "SABDL", trans_3diff, AS),
    A64_INSN_F(VD("1", "0111"), "UABDL", trans_3diff, AS),
    A64_INSN_F(VD("0", "1000"), "SMLAL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("1", "1000"), "UMLAL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("0", "1001"), "SQDMLAL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("0", "1010"), "SMLSL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("1", "1010"), "UMLSL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("0", "1011"), "SQDMLSL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("0", "1100"), "SMULL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("1", "1100"), "UMULL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("0", "1101"), "SQDMULL (vector)", trans_3diff, AS),
    A64_INSN_F(VD("0", "1110"), "PMULL", trans_3diff, AS),
    A64_INSN_F(SD("0", "1001"), "SQDMLAL (scalar)", trans_3diff_scalar, AS),
    A64_INSN_F(SD("0", "1011"), "SQDMLSL (scalar)", trans_3diff_scalar, AS),
    A64_INSN_F(SD("0", "1101"), "SQDMULL (scalar)", trans_3diff_scalar, AS),
    /* two-register misc */
    A64_INSN_F(VM("0", "00000"), "REV64", trans_2misc, AS),
    A64_INSN_F(VM("1", "00000"), "REV32 (vector)", trans_2misc, AS),
    A64_INSN_F(VM("0", "00001"), "REV16 (vector)", trans_2misc, AS),
    A64_INSN_F(VM("0", "00010"), "SADDLP", trans_2misc, AS),
    A64_INSN_F(VM("1", "00010"), "UADDLP", trans_2misc, AS),
    A64_INSN_F(VM("0", "00011"), "SUQADD", trans_2misc, AS),
    A64_INSN_F(VM("1", "00011"), "USQADD", trans_2misc, AS),
    A64_INSN_F(VM("0", "00100"), "CLS (vector)", trans_2misc, AS),
    A64_INSN_F(VM("1", "00100"), "CLZ (vector)", trans_2misc, AS),
    A64_INSN_F(VM("0", "00101"), "CNT", trans_2misc, AS),
    A64_INSN_F(VM("1", "00101"), "NOT/RBIT (vector)", trans_2misc, AS),
    A64_INSN_F(VM("0", "00110"), "SADALP", trans_2misc, AS),
    A64_INSN_F(VM("1", "00110"), "UADALP", trans_2misc, AS),
    A64_INSN_F(VM("0", "00111"), "SQABS", trans_2misc, AS),
    A64_INSN_F(VM("1", "00111"), "SQNEG", trans_2misc, AS),
    A64_INSN_F(VM("0", "01000"), "CMGT (zero)", trans_2misc, AS),
    A64_INSN_F(VM("1", "01000"), "CMGE (zero)", trans_2misc, AS),
    A64_INSN_F(VM("0", "01001"), "CMEQ (zero)", trans_2misc, AS),
    A64_INSN_F(VM("1", "01001"), "CMLE (zero)", trans_2misc, AS),
    A64_INSN_F(VM("0", "01010"), "CMLT (zero)", trans_2misc, AS),
    A64_INSN_F(VM("0", "01011"), "ABS", trans_2misc, AS),
    A64_INSN_F(VM("1", "01011"), "NEG (vector)", trans_2misc, AS),
    A64_INSN_F(VM("0", "10010"), "XTN", trans_2misc, AS),
    A64_INSN_F(VM("1", "10010"), "SQXTUN", trans_2misc, AS),
    A64_INSN_F(VM("1", "10011"), "SHLL", trans_2misc, AS),
    A64_INSN_F(VM("0", "10100"), "SQXTN", trans_2misc, AS),
    A64_INSN_F(VM("1", "10100"), "UQXTN", trans_2misc, AS),
    A64_INSN_F(VML("0", "10", "11100"), "URECPE", trans_urecpe, AS),
    A64_INSN_F(VML("1", "10", "11100"), "URSQRTE", trans_urecpe, AS),
    /* scalar two-register misc */
    A64_INSN_F(SM("0", "00011"), "SUQADD (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "00011"), "USQADD (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("0", "00111"), "SQABS (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "00111"), "SQNEG (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("0", "01000"), "CMGT (zero, scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "01000"), "CMGE (zero, scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("0", "01001"), "CMEQ (zero, scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "01001"), "CMLE (zero, scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("0", "01010"), "CMLT (zero, scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("0", "01011"), "ABS (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "01011"), "NEG (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "10010"), "SQXTUN (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("0", "10100"), "SQXTN (scalar)", trans_2misc_scalar, AS),
    A64_INSN_F(SM("1", "10100"), "UQXTN (scalar)", trans_2misc_scalar, AS),
    /* across lanes */
    A64_INSN_F(VA("0", "00011"), "SADDLV", trans_across, AS),
    A64_INSN_F(VA("1", "00011"), "UADDLV", trans_across, AS),
    A64_INSN_F(VA("0", "01010"), "SMAXV", trans_across, AS),
    A64_INSN_F(VA("1", "01010"), "UMAXV", trans_across, AS),
    A64_INSN_F(VA("0", "11010"), "SMINV", trans_across, AS),
    A64_INSN_F(VA("1", "11010"), "UMINV", trans_across, AS),
    A64_INSN_F(VA("0", "11011"), "ADDV", trans_across, AS),
    /* scalar pairwise */
    A64_INSN_F("01 0 11110 xx 11000 11011 10 xxxxx xxxxx", "ADDP (scalar)", trans_addp_scalar, AS),
};
A64_DECODE_TABLE(simd_int_table)

/* AdvSIMD is complete across translate-simd-*.c (integer, FP, permute,
 * shift, by element); FP16's vector forms are there too (translate-fp.c
 * declares ARM_FEAT_FP16 for both). */
ARM_FEATURE_BUILT(ARM_FEAT_ASIMD)
ARM_FEATURE_BUILT(ARM_FEAT_RDM)
