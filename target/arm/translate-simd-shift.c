/*
 * translate-simd-shift.c — AdvSIMD shift by immediate, vector and scalar:
 * SSHR/USHR, SSRA/USRA, SRSHR/URSHR, SRSRA/URSRA, SRI, SHL, SLI,
 * SQSHL/UQSHL/SQSHLU (immediate), the narrowing SHRN/RSHRN/SQSHRN/
 * UQSHRN/SQRSHRN/UQRSHRN/SQSHRUN/SQRSHRUN, the widening SSHLL/USHLL, and
 * the fixed-point conversions SCVTF/UCVTF/FCVTZS/FCVTZU. SHL, USHR and
 * SSHR of a vector are inline IR when the element is 64 bits; the rest
 * are helpers (helper-simd-int.c, helper-simd-fp.c).
 *
 * Follows DDI 0487 C4.1.95 ("Advanced SIMD shift by immediate", "scalar
 * shift by immediate"): immh selects the element size (its highest set
 * bit), immh:immb the shift (right: 2·esize − immh:immb, left:
 * immh:immb − esize), immh = 0000 is the modified-immediate group; and
 * the C7.2 pages for the reserved combinations.
 */
#include "target/arm/simd-fp-helpers.h"
#include "target/arm/simd-helpers.h"
#include "target/arm/translate-simd.h"

enum { SH_RIGHT, SH_LEFT, SH_NARROW, SH_LONG, SH_FCVT, SH_FFROM };

typedef struct ShOp {
    const TCGHelper *h;
    uint8_t kind;           /* SH_* */
    bool scalar_d_only;     /* scalar form exists only for 64-bit elements */
    bool scalar;            /* has a scalar form */
} ShOp;

#define H(x) &h_simd_##x
/* [U][opcode] */
static const ShOp shops[2][32] = {
    {
        [0x00] = { H(sshr), SH_RIGHT, true, true },
        [0x02] = { H(ssra), SH_RIGHT, true, true },
        [0x04] = { H(srshr), SH_RIGHT, true, true },
        [0x06] = { H(srsra), SH_RIGHT, true, true },
        [0x0a] = { H(shl), SH_LEFT, true, true },
        [0x0e] = { H(sqshl_i), SH_LEFT, false, true },
        [0x10] = { H(shrn), SH_NARROW, false, false },
        [0x11] = { H(rshrn), SH_NARROW, false, false },
        [0x12] = { H(sqshrn), SH_NARROW, false, true },
        [0x13] = { H(sqrshrn), SH_NARROW, false, true },
        [0x14] = { H(sshll), SH_LONG, false, false },
        [0x1c] = { H(scvtf), SH_FFROM, false, true },
        [0x1f] = { H(fcvts), SH_FCVT, false, true },
    },
    {
        [0x00] = { H(ushr), SH_RIGHT, true, true },
        [0x02] = { H(usra), SH_RIGHT, true, true },
        [0x04] = { H(urshr), SH_RIGHT, true, true },
        [0x06] = { H(ursra), SH_RIGHT, true, true },
        [0x08] = { H(sri), SH_RIGHT, true, true },
        [0x0a] = { H(sli), SH_LEFT, true, true },
        [0x0c] = { H(sqshlu), SH_LEFT, false, true },
        [0x0e] = { H(uqshl_i), SH_LEFT, false, true },
        [0x10] = { H(sqshrun), SH_NARROW, false, true },
        [0x11] = { H(sqrshrun), SH_NARROW, false, true },
        [0x12] = { H(uqshrn), SH_NARROW, false, true },
        [0x13] = { H(uqrshrn), SH_NARROW, false, true },
        [0x14] = { H(ushll), SH_LONG, false, false },
        [0x1c] = { H(ucvtf), SH_FFROM, false, true },
        [0x1f] = { H(fcvtu), SH_FCVT, false, true },
    },
};

static bool do_shift_imm(DisasContext *dc, uint32_t insn, bool scalar)
{
    unsigned u = f_u(insn), opc = (insn >> 11) & 31;
    unsigned immh = (insn >> 19) & 15, immhb = (insn >> 16) & 127;
    bool q = f_q(insn);
    const ShOp *o = &shops[u][opc];
    if (!o->h || !immh || (scalar && !o->scalar))
        return false;
    unsigned vece = 31 - (unsigned)__builtin_clz(immh);     /* 0..3 */
    unsigned esize = 8u << vece;
    unsigned kind = scalar ? SIMD_SCALAR : simd_kind(q);
    unsigned data;
    switch (o->kind) {
    case SH_RIGHT:
    case SH_LEFT:
        if (scalar ? (o->scalar_d_only && vece != 3) : (vece == 3 && !q))
            return false;
        data = o->kind == SH_RIGHT ? 2 * esize - immhb : immhb - esize;
        break;
    case SH_NARROW:
    case SH_LONG:
        if (vece == 3)
            return false;
        data = o->kind == SH_NARROW ? 2 * esize - immhb : immhb - esize;
        break;
    default:   /* SH_FCVT, SH_FFROM: half (FP16), single, double */
        if (vece == 0 || (vece == 1 && !dc_has(dc, ARM_FEAT_FP16)) || (!scalar && vece == 3 && !q))
            return false;
        data = 2 * esize - immhb;                               /* fbits */
        if (o->kind == SH_FCVT)
            data = FP_ROUND_ZERO | data << 3;
        break;
    }
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned d = f_rd(insn), n = f_rn(insn);
    /* 64-bit lanes of the plain shifts: inline */
    if (vece == 3 && (o->h == H(shl) || o->h == H(ushr) || o->h == H(sshr))) {
        for (unsigned i = 0; i < (scalar ? 1u : 2u); i++) {
            TCGv t = read_vlane(dc, n, i, 3, false);
            if (o->h == H(shl))
                ir_shli(s, t, t, data);
            else if (data == 64 && o->h == H(ushr))
                ir_movi(s, t, 0);
            else if (o->h == H(ushr))
                ir_shri(s, t, t, data);
            else
                ir_sari(s, t, t, data == 64 ? 63 : data);
            write_vlane(dc, d, i, 3, t);
        }
        if (scalar)
            clear_high_if(dc, d, false);
        return true;
    }
    gen_simd_helper(dc, o->h, d, n, 0, vece, kind, data);
    return true;
}

static bool trans_shift_imm(DisasContext *dc, uint32_t insn) { return do_shift_imm(dc, insn, false); }
static bool trans_shift_imm_scalar(DisasContext *dc, uint32_t insn)
{
    return do_shift_imm(dc, insn, true);
}

/* One line per instruction and immh form (immh = 0000 is "modified immediate"). */
#define VSH(u, immh, opc) "0x" u "011110 " immh " xxx " opc " 1 xxxxx xxxxx"
#define SSH(u, immh, opc) "01" u "111110 " immh " xxx " opc " 1 xxxxx xxxxx"
#define AS ARM_FEAT_ASIMD
#define LV(u, opc, name)                                                                 \
    A64_INSN_F(VSH(u, "1xxx", opc), name, trans_shift_imm, AS),                          \
    A64_INSN_F(VSH(u, "01xx", opc), name, trans_shift_imm, AS),                          \
    A64_INSN_F(VSH(u, "001x", opc), name, trans_shift_imm, AS),                          \
    A64_INSN_F(VSH(u, "0001", opc), name, trans_shift_imm, AS)
#define LS(u, opc, name)                                                                 \
    A64_INSN_F(SSH(u, "1xxx", opc), name " (scalar)", trans_shift_imm_scalar, AS),       \
    A64_INSN_F(SSH(u, "01xx", opc), name " (scalar)", trans_shift_imm_scalar, AS),       \
    A64_INSN_F(SSH(u, "001x", opc), name " (scalar)", trans_shift_imm_scalar, AS),       \
    A64_INSN_F(SSH(u, "0001", opc), name " (scalar)", trans_shift_imm_scalar, AS)
#define LVS(u, opc, name) LV(u, opc, name), LS(u, opc, name)

static const A64DecodeEntry simd_shift_table[] = {
    LVS("0", "00000", "SSHR"),
    LVS("1", "00000", "USHR"),
    LVS("0", "00010", "SSRA"),
    LVS("1", "00010", "USRA"),
    LVS("0", "00100", "SRSHR"),
    LVS("1", "00100", "URSHR"),
    LVS("0", "00110", "SRSRA"),
    LVS("1", "00110", "URSRA"),
    LVS("1", "01000", "SRI"),
    LVS("0", "01010", "SHL"),
    LVS("1", "01010", "SLI"),
    LVS("1", "01100", "SQSHLU"),
    LVS("0", "01110", "SQSHL (immediate)"),
    LVS("1", "01110", "UQSHL (immediate)"),
    LV("0", "10000", "SHRN"),
    LVS("1", "10000", "SQSHRUN"),
    LV("0", "10001", "RSHRN"),
    LVS("1", "10001", "SQRSHRUN"),
    LVS("0", "10010", "SQSHRN"),
    LVS("1", "10010", "UQSHRN"),
    LVS("0", "10011", "SQRSHRN"),
    LVS("1", "10011", "UQRSHRN"),
    LV("0", "10100", "SSHLL"),
    LV("1", "10100", "USHLL"),
    LVS("0", "11100", "SCVTF (vector, fixed-point)"),
    LVS("1", "11100", "UCVTF (vector, fixed-point)"),
    LVS("0", "11111", "FCVTZS (vector, fixed-point)"),
    LVS("1", "11111", "FCVTZU (vector, fixed-point)"),
};
A64_DECODE_TABLE(simd_shift_table)
