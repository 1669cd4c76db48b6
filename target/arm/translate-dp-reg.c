/*
 * translate-dp-reg.c — A64 data processing (register): logical (shifted
 * register), add/subtract (shifted and extended register), add/subtract
 * with carry, conditional compare (register and immediate), conditional
 * select, data processing (1 source: RBIT, REV16, REV32, REV, CLZ, CLS),
 * (2 source: UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32*, CRC32C*), and
 * (3 source: MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH).
 *
 * Follows DDI 0487 C4.1.89 (Data Processing -- Register encodings) and the
 * C6.2 pseudocode of each instruction (ShiftReg, ExtendReg,
 * AddWithCarry, ConditionHolds, CRC32 with the polynomials 0x04C11DB7 and
 * 0x1EDC6F41 in bit-reflected form).
 */
#include "target/arm/translate.h"

/* ShiftReg(src, type, amount) for width 32/64; amount < width. */
static TCGv gen_shift_imm(DisasContext *dc, TCGv src, unsigned type, unsigned amount, bool sf)
{
    TCGContext *s = dc->s;
    if (amount == 0 && (sf || type == 0))
        return src;
    TCGv t = new_tmp(dc);
    switch (type) {
    case 0:   /* LSL */
        ir_shli(s, t, src, amount);
        break;
    case 1:   /* LSR */
        if (sf) {
            ir_shri(s, t, src, amount);
        } else {
            ir_extract(s, t, src, amount, 32 - amount);
        }
        break;
    case 2:   /* ASR */
        if (sf) {
            ir_sari(s, t, src, amount);
        } else {
            ir_sextract(s, t, src, amount, 32 - amount);
        }
        break;
    default:  /* ROR */
        if (sf) {
            ir_rotri(s, t, src, amount);
        } else {
            TCGv w = ir_temp(s, TCG_I32);
            ir_extrl_i64_i32(s, w, src);
            ir_rotri(s, w, w, amount);
            ir_extu_i32_i64(s, t, w);
        }
        break;
    }
    return t;
}

/* ---- logical (shifted register) ----------------------------------------------------------- */

static bool trans_logic_reg(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned amount = extract32(insn, 10, 6), n = extract32(insn, 21, 1);
    unsigned type = extract32(insn, 22, 2), opc = extract32(insn, 29, 2);
    bool sf = extract32(insn, 31, 1);
    if (!sf && amount >= 32)
        return false;
    TCGv b = gen_shift_imm(dc, read_x(dc, rm), type, amount, sf);
    TCGv a = read_x(dc, rn), d = dest_x(dc, rd);
    /* MOV (register) alias: ORR Xd, XZR, Xm */
    if (opc == 1 && !n && rn == 31) {
        if (sf)
            ir_mov(s, d, b);
        else
            ir_ext32u(s, d, b);
        return true;
    }
    switch (opc << 1 | n) {
    case 0: ir_and(s, d, a, b); break;    /* AND */
    case 1: ir_andc(s, d, a, b); break;   /* BIC */
    case 2: ir_or(s, d, a, b); break;     /* ORR */
    case 3: ir_orc(s, d, a, b); break;    /* ORN */
    case 4: ir_xor(s, d, a, b); break;    /* EOR */
    case 5: ir_eqv(s, d, a, b); break;    /* EON */
    case 6: ir_and(s, d, a, b); break;    /* ANDS */
    default: ir_andc(s, d, a, b); break;  /* BICS */
    }
    if (!sf)
        ir_ext32u(s, d, d);
    if (opc == 3)
        gen_logic_cc(dc, sf, d);
    return true;
}

/* ---- add/subtract (shifted, extended) -------------------------------------------------------- */

static void gen_addsub(DisasContext *dc, bool sf, bool sub, bool setflags, TCGv d, TCGv a, TCGv b)
{
    TCGContext *s = dc->s;
    if (setflags) {
        if (sub)
            gen_sub_cc(dc, sf, d, a, b);
        else
            gen_add_cc(dc, sf, d, a, b);
        return;
    }
    if (sub)
        ir_sub(s, d, a, b);
    else
        ir_add(s, d, a, b);
    if (!sf)
        ir_ext32u(s, d, d);
}

static bool trans_addsub_shift(DisasContext *dc, uint32_t insn)
{
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned amount = extract32(insn, 10, 6), type = extract32(insn, 22, 2);
    bool setflags = extract32(insn, 29, 1), sub = extract32(insn, 30, 1), sf = extract32(insn, 31, 1);
    if (type == 3 || (!sf && amount >= 32))
        return false;
    TCGv b = gen_shift_imm(dc, read_x(dc, rm), type, amount, sf);
    gen_addsub(dc, sf, sub, setflags, dest_x(dc, rd), read_x(dc, rn), b);
    return true;
}

static bool trans_addsub_ext(DisasContext *dc, uint32_t insn)
{
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned imm3 = extract32(insn, 10, 3), option = extract32(insn, 13, 3);
    bool setflags = extract32(insn, 29, 1), sub = extract32(insn, 30, 1), sf = extract32(insn, 31, 1);
    if (imm3 > 4)
        return false;
    TCGv b = gen_extend_reg(dc, read_x(dc, rm), option, imm3);
    /* Rn is SP-capable; so is Rd without flags */
    TCGv d = setflags ? dest_x(dc, rd) : cpu_X[rd];
    gen_addsub(dc, sf, sub, setflags, d, read_xsp(dc, rn), b);
    return true;
}

/* ---- add/subtract with carry ------------------------------------------------------------------- */

static bool trans_adc(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    bool setflags = extract32(insn, 29, 1), sub = extract32(insn, 30, 1), sf = extract32(insn, 31, 1);
    TCGv b = read_x(dc, rm);
    if (sub) {   /* SBC: Rn + NOT(Rm) + C */
        TCGv nb = new_tmp(dc);
        ir_not(s, nb, b);
        b = nb;
    }
    gen_adc(dc, sf, dest_x(dc, rd), read_x(dc, rn), b, setflags);
    return true;
}

/* ---- conditional compare ------------------------------------------------------------------------ */

static bool trans_ccmp(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned nzcv = extract32(insn, 0, 4), rn = extract32(insn, 5, 5);
    unsigned cond = extract32(insn, 12, 4), y = extract32(insn, 16, 5);
    bool is_imm = extract32(insn, 11, 1), sub = extract32(insn, 30, 1), sf = extract32(insn, 31, 1);
    TCGv b = is_imm ? ir_const64(s, y) : read_x(dc, y);
    if (cond >= 14) {   /* always: a plain compare */
        if (sub)
            gen_sub_cc(dc, sf, new_tmp(dc), read_x(dc, rn), b);
        else
            gen_add_cc(dc, sf, new_tmp(dc), read_x(dc, rn), b);
        return true;
    }
    /* the condition first, as a value: the compare overwrites the flags */
    DisasCompare c;
    arm_test_cc(dc, &c, cond);
    TCGv holds = new_tmp(dc);
    ir_setcond(s, c.cond, holds, c.a, c.b);
    if (sub)
        gen_sub_cc(dc, sf, new_tmp(dc), read_x(dc, rn), b);
    else
        gen_add_cc(dc, sf, new_tmp(dc), read_x(dc, rn), b);
    TCGv zero = ir_const64(s, 0);
    ir_movcond(s, COND_NE, cpu_NF, holds, zero, cpu_NF, ir_const64(s, (nzcv & 8) ? 1ull << 63 : 0));
    ir_movcond(s, COND_NE, cpu_ZF, holds, zero, cpu_ZF, ir_const64(s, (nzcv & 4) ? 0 : 1));
    ir_movcond(s, COND_NE, cpu_CF, holds, zero, cpu_CF, ir_const64(s, (nzcv >> 1) & 1));
    ir_movcond(s, COND_NE, cpu_VF, holds, zero, cpu_VF, ir_const64(s, (nzcv & 1) ? 1ull << 63 : 0));
    return true;
}

/* ---- conditional select ------------------------------------------------------------------------- */

static bool trans_csel(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned op2 = extract32(insn, 10, 2), cond = extract32(insn, 12, 4);
    bool op = extract32(insn, 30, 1), sf = extract32(insn, 31, 1);
    if (op2 >= 2)
        return false;
    TCGv d = dest_x(dc, rd);
    TCGv a = read_x(dc, rn), b = read_x(dc, rm);
    if (op || op2) {
        TCGv t = new_tmp(dc);
        switch (op << 1 | op2) {
        case 1: ir_addi(s, t, b, 1); break;   /* CSINC */
        case 2: ir_not(s, t, b); break;       /* CSINV */
        default: ir_neg(s, t, b); break;      /* CSNEG */
        }
        b = t;
    }
    if (cond >= 14) {
        ir_mov(s, d, a);
    } else {
        DisasCompare c;
        arm_test_cc(dc, &c, cond);
        ir_movcond(s, c.cond, d, c.a, c.b, a, b);
    }
    if (!sf)
        ir_ext32u(s, d, d);
    return true;
}

/* ---- 1 source ----------------------------------------------------------------------------------- */

static uint64_t helper_rbit64(uint64_t x)
{
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(x);
}
static const TCGHelper h_rbit64 = TCG_HELPER(helper_rbit64, TCG_I64, TCG_CALL_PURE);

static bool trans_dp1(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), opc = extract32(insn, 10, 6);
    bool sf = extract32(insn, 31, 1);
    TCGv src = read_x(dc, rn), d = dest_x(dc, rd);
    switch (opc) {
    case 0:   /* RBIT */
        ir_callv(s, &h_rbit64, d, src);
        if (!sf)
            ir_shri(s, d, d, 32);
        return true;
    case 1: { /* REV16: bytes swapped within each halfword */
        TCGv t = new_tmp(dc), u = new_tmp(dc);
        uint64_t m = sf ? 0x00ff00ff00ff00ffull : 0x00ff00ffull;
        ir_shri(s, t, src, 8);
        ir_andi(s, t, t, m);
        ir_andi(s, u, src, m);
        ir_shli(s, u, u, 8);
        ir_or(s, d, t, u);
        if (!sf)
            ir_ext32u(s, d, d);
        return true;
    }
    case 2:   /* REV32 (64-bit) / REV (32-bit) */
        if (sf) {
            TCGv t = new_tmp(dc);
            ir_bswap64(s, t, src);
            ir_rotri(s, d, t, 32);
        } else {
            ir_bswap32(s, d, src);
        }
        return true;
    case 3:   /* REV (64-bit) */
        if (!sf)
            return false;
        ir_bswap64(s, d, src);
        return true;
    case 4:   /* CLZ */
        if (sf) {
            ir_clzi(s, d, src, 64);
        } else {
            TCGv w = ir_temp(s, TCG_I32);
            ir_extrl_i64_i32(s, w, src);
            ir_clzi(s, w, w, 32);
            ir_extu_i32_i64(s, d, w);
        }
        return true;
    case 5: { /* CLS: leading bits equal to the sign bit, not counting it */
        if (sf) {
            TCGv t = new_tmp(dc);
            ir_sari(s, t, src, 1);
            ir_xor(s, t, t, src);
            ir_clzi(s, t, t, 64);
            ir_subi(s, d, t, 1);
        } else {
            TCGv w = ir_temp(s, TCG_I32), u = ir_temp(s, TCG_I32);
            ir_extrl_i64_i32(s, w, src);
            ir_sari(s, u, w, 1);
            ir_xor(s, u, u, w);
            ir_clzi(s, u, u, 32);
            ir_subi(s, u, u, 1);
            ir_extu_i32_i64(s, d, u);
        }
        return true;
    }
    default:
        return false;
    }
}

/* ---- 2 source ----------------------------------------------------------------------------------- */

static uint32_t crc_table[2][256];

REGISTER_AT_STARTUP(crc_tables_init)
{
    static const uint32_t poly[2] = { 0xedb88320u, 0x82f63b78u };   /* reflected */
    for (int k = 0; k < 2; k++) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int j = 0; j < 8; j++)
                c = (c & 1) ? (c >> 1) ^ poly[k] : c >> 1;
            crc_table[k][i] = c;
        }
    }
}

/* CRC32/CRC32C: acc updated with the low 2^sz bytes of val, no inversion */
static uint64_t helper_crc32(uint64_t acc, uint64_t val, uint64_t szc)
{
    unsigned bytes = 1u << (szc & 3);
    const uint32_t *t = crc_table[szc >> 2];
    uint32_t c = (uint32_t)acc;
    for (unsigned i = 0; i < bytes; i++)
        c = t[(c ^ (uint32_t)(val >> (8 * i))) & 0xff] ^ (c >> 8);
    return c;
}
static const TCGHelper h_crc32 = TCG_HELPER(helper_crc32, TCG_I64, TCG_CALL_PURE);

static bool trans_dp2(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned opc = extract32(insn, 10, 6);
    bool sf = extract32(insn, 31, 1);
    TCGv a = read_x(dc, rn), b = read_x(dc, rm);
    switch (opc) {
    case 2:   /* UDIV */
    case 3: { /* SDIV */
        TCGv d = dest_x(dc, rd);
        if (sf) {
            if (opc == 2)
                ir_divu(s, d, a, b);
            else
                ir_div(s, d, a, b);
        } else if (opc == 2) {
            TCGv x = tmp_ext32u(dc, a), y = tmp_ext32u(dc, b);
            ir_divu(s, d, x, y);
        } else {
            TCGv x = tmp_ext32s(dc, a), y = tmp_ext32s(dc, b);
            ir_div(s, d, x, y);
            ir_ext32u(s, d, d);
        }
        return true;
    }
    case 8: case 9: case 10: case 11: {   /* LSLV LSRV ASRV RORV */
        TCGv d = dest_x(dc, rd);
        if (sf) {
            switch (opc) {
            case 8: ir_shl(s, d, a, b); break;
            case 9: ir_shr(s, d, a, b); break;
            case 10: ir_sar(s, d, a, b); break;
            default: ir_rotr(s, d, a, b); break;
            }
        } else {
            TCGv w = ir_temp(s, TCG_I32), c = ir_temp(s, TCG_I32);
            ir_extrl_i64_i32(s, w, a);
            ir_extrl_i64_i32(s, c, b);
            switch (opc) {
            case 8: ir_shl(s, w, w, c); break;
            case 9: ir_shr(s, w, w, c); break;
            case 10: ir_sar(s, w, w, c); break;
            default: ir_rotr(s, w, w, c); break;
            }
            ir_extu_i32_i64(s, d, w);
        }
        return true;
    }
    case 16: case 17: case 18: case 19:   /* CRC32B/H/W/X */
    case 20: case 21: case 22: case 23: { /* CRC32CB/H/W/X */
        unsigned sz = opc & 3;
        if (!dc_has(dc, ARM_FEAT_CRC32) || (sz == 3) != sf)
            return false;
        TCGv d = dest_x(dc, rd);
        ir_callv(s, &h_crc32, d, a, b, ir_const64(s, (opc & 4) | sz));
        return true;
    }
    default:
        return false;
    }
}

/* ---- 3 source ----------------------------------------------------------------------------------- */

static bool trans_dp3(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), ra = extract32(insn, 10, 5);
    unsigned rm = extract32(insn, 16, 5), op31 = extract32(insn, 21, 3);
    bool o0 = extract32(insn, 15, 1), sf = extract32(insn, 31, 1);
    TCGv a = read_x(dc, rn), b = read_x(dc, rm);
    TCGv t = new_tmp(dc), d = dest_x(dc, rd);
    if (op31 != 0 && !sf)
        return false;
    switch (op31) {
    case 0:   /* MADD/MSUB */
        ir_mul(s, t, a, b);
        break;
    case 1:   /* SMADDL/SMSUBL */
    case 5:   /* UMADDL/UMSUBL */
        if (op31 == 1) {
            TCGv x = tmp_ext32s(dc, a), y = tmp_ext32s(dc, b);
            ir_mul(s, t, x, y);
        } else {
            TCGv x = tmp_ext32u(dc, a), y = tmp_ext32u(dc, b);
            ir_mul(s, t, x, y);
        }
        break;
    case 2:   /* SMULH */
    case 6:   /* UMULH */
        if (o0)
            return false;
        if (op31 == 2)
            ir_mulsh(s, d, a, b);
        else
            ir_muluh(s, d, a, b);
        return true;
    default:
        return false;
    }
    if (o0)
        ir_sub(s, d, read_x(dc, ra), t);
    else
        ir_add(s, d, read_x(dc, ra), t);
    if (!sf)
        ir_ext32u(s, d, d);
    return true;
}

static const A64DecodeEntry dp_reg_table[] = {
    A64_INSN("x xx 01010 xx x xxxxx xxxxxx xxxxx xxxxx", "AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register)",
             trans_logic_reg),
    A64_INSN("x x x 01011 xx 0 xxxxx xxxxxx xxxxx xxxxx", "ADD/ADDS/SUB/SUBS (shifted register)",
             trans_addsub_shift),
    A64_INSN("x x x 01011 00 1 xxxxx xxx xxx xxxxx xxxxx", "ADD/ADDS/SUB/SUBS (extended register)",
             trans_addsub_ext),
    A64_INSN("x x x 11010000 xxxxx 000000 xxxxx xxxxx", "ADC/ADCS/SBC/SBCS", trans_adc),
    A64_INSN("x x 1 11010010 xxxxx xxxx x 0 xxxxx 0 xxxx", "CCMN/CCMP (register, immediate)",
             trans_ccmp),
    A64_INSN("x x 0 11010100 xxxxx xxxx xx xxxxx xxxxx", "CSEL/CSINC/CSINV/CSNEG", trans_csel),
    A64_INSN("x 1 0 11010110 00000 xxxxxx xxxxx xxxxx", "RBIT/REV16/REV32/REV/CLZ/CLS", trans_dp1),
    A64_INSN("x 0 0 11010110 xxxxx xxxxxx xxxxx xxxxx", "UDIV/SDIV/LSLV/LSRV/ASRV/RORV/CRC32",
             trans_dp2),
    A64_INSN("x 00 11011 xxx xxxxx x xxxxx xxxxx xxxxx", "MADD/MSUB/SMADDL/SMSUBL/SMULH/UMADDL/UMSUBL/UMULH",
             trans_dp3),
};
A64_DECODE_TABLE(dp_reg_table)
ARM_FEATURE_BUILT(ARM_FEAT_CRC32)
