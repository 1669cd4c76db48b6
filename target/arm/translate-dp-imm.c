/*
 * translate-dp-imm.c — A64 data processing (immediate): PC-relative
 * addressing (ADR, ADRP), add/subtract (immediate), logical (immediate,
 * with DecodeBitMasks), move wide (MOVN/MOVZ/MOVK), bitfield (SBFM, BFM,
 * UBFM and their aliases), extract (EXTR).
 *
 * Follows DDI 0487 C4.1.86 (Data Processing -- Immediate encodings) and
 * the pseudocode of C6.2 ADD/SUB/AND/ORR/EOR/ANDS (immediate), MOVN/MOVZ/
 * MOVK, SBFM/BFM/UBFM, EXTR, ADR/ADRP, and J1 DecodeBitMasks.
 */
#include "target/arm/translate.h"

/* ---- PC-relative -------------------------------------------------------------------- */

static bool trans_adr(DisasContext *dc, uint32_t insn)
{
    unsigned rd = extract32(insn, 0, 5);
    /* unsigned arithmetic: shifting a negative offset left is undefined in C */
    uint64_t imm = (uint64_t)(int64_t)sextract32(insn, 5, 19) << 2 | extract32(insn, 29, 2);
    uint64_t base = dc->pc;
    if (insn >> 31) {   /* ADRP: 4 KiB pages */
        base &= ~0xfffull;
        imm <<= 12;
    }
    if (rd != 31)
        ir_movi(dc->s, cpu_X[rd], base + (uint64_t)imm);
    return true;
}

/* ---- add/subtract (immediate) ----------------------------------------------------------- */

static bool trans_addsub_imm(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5);
    uint64_t imm = extract32(insn, 10, 12);
    bool sh = extract32(insn, 22, 1), setflags = extract32(insn, 29, 1);
    bool sub = extract32(insn, 30, 1), sf = extract32(insn, 31, 1);
    if (sh)
        imm <<= 12;
    TCGv src = read_xsp(dc, rn);
    if (setflags) {
        /* Rd is XZR for the flag-setting forms (CMP/CMN) */
        TCGv d = dest_x(dc, rd);
        if (sub)
            gen_sub_cc(dc, sf, d, src, ir_const64(s, imm));
        else
            gen_add_cc(dc, sf, d, src, ir_const64(s, imm));
        return true;
    }
    /* Rd is SP for ADD/SUB (MOV to/from SP) */
    TCGv d = cpu_X[rd];
    if (sub)
        ir_subi(s, d, src, imm);
    else
        ir_addi(s, d, src, imm);
    if (!sf)
        ir_ext32u(s, d, d);
    return true;
}

/* ---- logical (immediate) ----------------------------------------------------------------- */

/*
 * DecodeBitMasks(immN, imms, immr, immediate = TRUE): the wmask of a
 * logical immediate; false for the reserved encodings (element size
 * field zero, or an all-ones element).
 */
static bool decode_bitmask(unsigned n, unsigned imms, unsigned immr, unsigned datasize,
                           uint64_t *wmask)
{
    unsigned combined = n << 6 | (~imms & 0x3f);
    if (combined == 0)
        return false;
    unsigned len = 31 - (unsigned)__builtin_clz(combined);
    if (len < 1)
        return false;
    unsigned levels = (1u << len) - 1;
    if ((imms & levels) == levels)
        return false;
    unsigned esize = 1u << len;
    if (esize > datasize)
        return false;
    unsigned sv = imms & levels, rv = immr & levels;
    uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    uint64_t welem = (1ull << (sv + 1)) - 1;   /* sv + 1 <= 63 here */
    if (rv)
        welem = ((welem >> rv) | (welem << (esize - rv))) & emask;
    uint64_t w = welem;
    for (unsigned e = esize; e < 64; e *= 2)
        w |= w << e;
    *wmask = datasize == 64 ? w : w & 0xffffffffull;
    return true;
}

static bool trans_logic_imm(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5);
    unsigned imms = extract32(insn, 10, 6), immr = extract32(insn, 16, 6);
    unsigned n = extract32(insn, 22, 1), opc = extract32(insn, 29, 2);
    bool sf = extract32(insn, 31, 1);
    uint64_t imm;
    if (!sf && n)
        return false;
    if (!decode_bitmask(n, imms, immr, sf ? 64 : 32, &imm))
        return false;
    TCGv src = read_x(dc, rn);
    switch (opc) {
    case 0:   /* AND: Rd may be SP */
        ir_andi(s, cpu_X[rd], src, imm);
        break;
    case 1:   /* ORR (MOV bitmask immediate) */
        ir_ori(s, cpu_X[rd], src, imm);
        if (!sf)
            ir_ext32u(s, cpu_X[rd], cpu_X[rd]);
        break;
    case 2:   /* EOR */
        ir_xori(s, cpu_X[rd], src, imm);
        if (!sf)
            ir_ext32u(s, cpu_X[rd], cpu_X[rd]);
        break;
    case 3: { /* ANDS (TST): Rd is XZR */
        TCGv d = dest_x(dc, rd);
        ir_andi(s, d, src, imm);
        gen_logic_cc(dc, sf, d);
        break;
    }
    }
    return true;
}

/* ---- move wide ------------------------------------------------------------------------------ */

static bool trans_movw(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), hw = extract32(insn, 21, 2), opc = extract32(insn, 29, 2);
    bool sf = extract32(insn, 31, 1);
    uint64_t imm = extract32(insn, 5, 16);
    unsigned pos = hw * 16;
    if (opc == 1 || (!sf && hw >= 2))
        return false;
    if (rd == 31)
        return true;
    switch (opc) {
    case 0:   /* MOVN */
        imm = ~(imm << pos);
        ir_movi(s, cpu_X[rd], sf ? imm : imm & 0xffffffffull);
        break;
    case 2:   /* MOVZ */
        ir_movi(s, cpu_X[rd], imm << pos);
        break;
    case 3:   /* MOVK */
        ir_deposit(s, cpu_X[rd], cpu_X[rd], ir_const64(s, imm), pos, 16);
        if (!sf)
            ir_ext32u(s, cpu_X[rd], cpu_X[rd]);
        break;
    }
    return true;
}

/* ---- bitfield -------------------------------------------------------------------------------- */

static bool trans_bitfield(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5);
    unsigned imms = extract32(insn, 10, 6), immr = extract32(insn, 16, 6);
    unsigned n = extract32(insn, 22, 1), opc = extract32(insn, 29, 2);
    bool sf = extract32(insn, 31, 1);
    unsigned width = sf ? 64 : 32;
    if (opc == 3 || n != sf || (!sf && (imms >= 32 || immr >= 32)))
        return false;
    TCGv src = read_x(dc, rn);
    TCGv d = dest_x(dc, rd);
    if (opc == 1) {
        /* BFM: insert; the bits outside the field keep Rd's value */
        if (imms >= immr) {
            /* BFXIL: Rd<imms-immr:0> = Rn<imms:immr> */
            unsigned len = imms - immr + 1;
            TCGv t = new_tmp(dc);
            ir_shri(s, t, src, immr);
            ir_deposit(s, d, read_x(dc, rd), t, 0, len);
        } else {
            /* BFI: Rd<width-immr+imms:width-immr> = Rn<imms:0> */
            ir_deposit(s, d, read_x(dc, rd), src, width - immr, imms + 1);
        }
    } else if (imms >= immr) {
        /* SBFX/UBFX, ASR/LSR, SXT/UXT */
        unsigned len = imms - immr + 1;
        if (opc == 0)
            ir_sextract(s, d, src, immr, len);
        else
            ir_extract(s, d, src, immr, len);
    } else {
        /* SBFIZ/UBFIZ, LSL: Rn<imms:0> shifted up to width-immr */
        unsigned pos = width - immr, len = imms + 1;
        if (opc == 0) {
            TCGv t = new_tmp(dc);
            ir_sextract(s, t, src, 0, len);
            ir_shli(s, d, t, pos);
        } else {
            ir_deposit(s, d, ir_const64(s, 0), src, pos, len);
        }
    }
    if (!sf)
        ir_ext32u(s, d, d);
    return true;
}

/* ---- extract -------------------------------------------------------------------------------- */

static bool trans_extr(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rd = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned lsb = extract32(insn, 10, 6), n = extract32(insn, 22, 1);
    bool sf = extract32(insn, 31, 1);
    if (n != sf || (!sf && lsb >= 32))
        return false;
    TCGv d = dest_x(dc, rd);
    TCGv hi = read_x(dc, rn), lo = read_x(dc, rm);
    if (sf) {
        if (lsb == 0)
            ir_mov(s, d, lo);
        else
            ir_extract2(s, d, lo, hi, lsb);
    } else {
        /* (Wn:Wm) >> lsb, low 32 bits */
        TCGv t = new_tmp(dc);
        ir_deposit(s, t, lo, hi, 32, 32);
        ir_shri(s, t, t, lsb);
        ir_ext32u(s, d, t);
    }
    return true;
}

static const A64DecodeEntry dp_imm_table[] = {
    A64_INSN("x xx 10000 xxxxxxxxxxxxxxxxxxx xxxxx", "ADR/ADRP", trans_adr),
    A64_INSN("x x x 100010 x xxxxxxxxxxxx xxxxx xxxxx", "ADD/ADDS/SUB/SUBS (immediate)", trans_addsub_imm),
    A64_INSN("x xx 100100 x xxxxxx xxxxxx xxxxx xxxxx", "AND/ORR/EOR/ANDS (immediate)", trans_logic_imm),
    A64_INSN("x xx 100101 xx xxxxxxxxxxxxxxxx xxxxx", "MOVN/MOVZ/MOVK", trans_movw),
    A64_INSN("x xx 100110 x xxxxxx xxxxxx xxxxx xxxxx", "SBFM/BFM/UBFM", trans_bitfield),
    A64_INSN("x 00 100111 x 0 xxxxx xxxxxx xxxxx xxxxx", "EXTR", trans_extr),
};
A64_DECODE_TABLE(dp_imm_table)
