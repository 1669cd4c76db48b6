/*
 * translate-simd-elem.c — AdvSIMD vector and scalar × indexed element:
 * MUL, MLA, MLS, SQDMULH, SQRDMULH, SQRDMLAH/SQRDMLSH (FEAT_RDM), the long SMULL/UMULL/SMLAL/UMLAL/
 * SMLSL/UMLSL/SQDMULL/SQDMLAL/SQDMLSL, and FMUL/FMLA/FMLS/FMULX (half,
 * single, double). The helpers are the three-same/three-different ones
 * with SIMD_ELEM | index in the descriptor's data (simd-engine.h).
 *
 * Follows DDI 0487 C4.1.95 ("Advanced SIMD vector x indexed element",
 * "scalar x indexed element"): the index is H:L:M with Rm in 0..15 for
 * 16-bit elements, H:L with Rm = M:Rm for 32-bit, H (L = 0) for 64-bit.
 */
#include "target/arm/simd-engine.h"
#include "target/arm/simd-fp-helpers.h"
#include "target/arm/simd-helpers.h"
#include "target/arm/translate-simd.h"

enum { E_SAME, E_LONG, E_FP };

typedef struct EOp {
    const TCGHelper *h;
    uint8_t kind;
    bool scalar;            /* has a scalar form */
    bool vector;
} EOp;

#define H(x) &h_simd_##x
/* [U][opcode] */
static const EOp eops[2][16] = {
    {
        [0x1] = { H(fmla), E_FP, true, true },
        [0x2] = { H(smlal), E_LONG, false, true },
        [0x3] = { H(sqdmlal), E_LONG, true, true },
        [0x5] = { H(fmls), E_FP, true, true },
        [0x6] = { H(smlsl), E_LONG, false, true },
        [0x7] = { H(sqdmlsl), E_LONG, true, true },
        [0x8] = { H(mul), E_SAME, false, true },
        [0x9] = { H(fmul), E_FP, true, true },
        [0xa] = { H(smull), E_LONG, false, true },
        [0xb] = { H(sqdmull), E_LONG, true, true },
        [0xc] = { H(sqdmulh), E_SAME, true, true },
        [0xd] = { H(sqrdmulh), E_SAME, true, true },
    },
    {
        [0x0] = { H(mla), E_SAME, false, true },
        [0x2] = { H(umlal), E_LONG, false, true },
        [0x4] = { H(mls), E_SAME, false, true },
        [0x6] = { H(umlsl), E_LONG, false, true },
        [0x9] = { H(fmulx), E_FP, true, true },
        [0xa] = { H(umull), E_LONG, false, true },
        [0xd] = { H(sqrdmlah), E_SAME, true, true },     /* FEAT_RDM */
        [0xf] = { H(sqrdmlsh), E_SAME, true, true },     /* FEAT_RDM */
    },
};

static bool do_elem(DisasContext *dc, uint32_t insn, bool scalar)
{
    unsigned u = f_u(insn), opc = (insn >> 12) & 15, size = f_size(insn);
    unsigned h = (insn >> 11) & 1, l = (insn >> 21) & 1, mbit = (insn >> 20) & 1;
    unsigned rm = (insn >> 16) & 15;
    bool q = f_q(insn);
    const EOp *o = &eops[u][opc];
    if (!o->h || !(scalar ? o->scalar : o->vector))
        return false;
    unsigned vece, idx;
    if (o->kind == E_FP) {
        switch (size) {
        case 0:     /* half: FEAT_FP16 */
            if (!dc_has(dc, ARM_FEAT_FP16))
                return false;
            vece = 1;
            break;
        case 2:
            vece = 2;
            break;
        case 3:
            if (l || (!scalar && !q))
                return false;
            vece = 3;
            break;
        default:
            return false;
        }
    } else {
        if (size != 1 && size != 2)
            return false;
        vece = size;
    }
    switch (vece) {
    case 1: idx = h << 2 | l << 1 | mbit; break;
    case 2: idx = h << 1 | l; rm |= mbit << 4; break;
    default: idx = h; rm |= mbit << 4; break;
    }
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, o->h, f_rd(insn), f_rn(insn), rm, vece,
                    scalar ? SIMD_SCALAR : simd_kind(q), SIMD_ELEM | idx);
    return true;
}

static bool trans_elem(DisasContext *dc, uint32_t insn) { return do_elem(dc, insn, false); }
static bool trans_elem_scalar(DisasContext *dc, uint32_t insn) { return do_elem(dc, insn, true); }

#define VE(u, opc) "0x" u "01111 xx x x xxxx " opc " x 0 xxxxx xxxxx"
#define SE(u, opc) "01" u "11111 xx x x xxxx " opc " x 0 xxxxx xxxxx"
#define AS ARM_FEAT_ASIMD
static const A64DecodeEntry simd_elem_table[] = {
    A64_INSN_F(VE("1", "0000"), "MLA (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "0001"), "FMLA (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "0010"), "SMLAL (by element)", trans_elem, AS),
    A64_INSN_F(VE("1", "0010"), "UMLAL (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "0011"), "SQDMLAL (by element)", trans_elem, AS),
    A64_INSN_F(VE("1", "0100"), "MLS (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "0101"), "FMLS (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "0110"), "SMLSL (by element)", trans_elem, AS),
    A64_INSN_F(VE("1", "0110"), "UMLSL (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "0111"), "SQDMLSL (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "1000"), "MUL (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "1001"), "FMUL (by element)", trans_elem, AS),
    A64_INSN_F(VE("1", "1001"), "FMULX (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "1010"), "SMULL (by element)", trans_elem, AS),
    A64_INSN_F(VE("1", "1010"), "UMULL (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "1011"), "SQDMULL (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "1100"), "SQDMULH (by element)", trans_elem, AS),
    A64_INSN_F(VE("0", "1101"), "SQRDMULH (by element)", trans_elem, AS),
    A64_INSN_F(VE("1", "1101"), "SQRDMLAH (by element)", trans_elem, ARM_FEAT_RDM),
    A64_INSN_F(VE("1", "1111"), "SQRDMLSH (by element)", trans_elem, ARM_FEAT_RDM),
    A64_INSN_F(SE("1", "1101"), "SQRDMLAH (by element, scalar)", trans_elem_scalar, ARM_FEAT_RDM),
    A64_INSN_F(SE("1", "1111"), "SQRDMLSH (by element, scalar)", trans_elem_scalar, ARM_FEAT_RDM),
    A64_INSN_F(SE("0", "0001"), "FMLA (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "0011"), "SQDMLAL (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "0101"), "FMLS (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "0111"), "SQDMLSL (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "1001"), "FMUL (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("1", "1001"), "FMULX (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "1011"), "SQDMULL (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "1100"), "SQDMULH (by element, scalar)", trans_elem_scalar, AS),
    A64_INSN_F(SE("0", "1101"), "SQRDMULH (by element, scalar)", trans_elem_scalar, AS),
};
A64_DECODE_TABLE(simd_elem_table)
