/*
 * translate-ldst.c — A64 loads and stores of single registers and pairs,
 * general-purpose and FP/SIMD (B/H/S/D/Q): load literal, unsigned
 * offset, unscaled (LDUR/STUR), pre-/post-index, unprivileged
 * (LDTR/STTR), register offset (extend/shift), pairs (LDP/STP/LDPSW/
 * LDNP/STNP), and PRFM/PRFUM (no-ops).
 *
 * Follows DDI 0487 C4.1.88 (Loads and Stores encodings), C6.2 LDR/STR
 * (immediate, register, literal), LDP/STP/LDPSW, LDTR/STTR, PRFM, C7.2
 * LDR/STR (SIMD&FP), and J1 ExtendReg.
 *
 * Writeback with the base also the transfer register (Rn == Rt) is
 * CONSTRAINED UNPREDICTABLE (K1.2.3); ferry makes the choice QEMU makes
 * (checked by tests/isa/arm/ldst.c under qemu-system-aarch64): a load
 * writes the loaded value, then the base writeback (the base update
 * wins), a store stores the register's value from before the writeback.
 * LDP with Rt == Rt2: Rt's value wins.
 */
#include "target/arm/translate.h"

typedef struct LdSt {
    bool vec;           /* FP/SIMD register */
    bool load;
    bool sign;          /* sign-extending load */
    bool sf;            /* sign-extend to 64 bits (else to 32) */
    bool prfm;          /* prefetch: no access */
    unsigned size;      /* log2 of the access size in bytes (0..4) */
} LdSt;

/* size/V/opc of the single-register forms; prfm_ok: PRFM/PRFUM exists in
 * this addressing mode. */
static bool decode_ldst(unsigned size, bool v, unsigned opc, bool prfm_ok, LdSt *o)
{
    *o = (LdSt){ .vec = v, .size = size };
    if (v) {
        if (opc & 2) {
            if (size != 0)
                return false;
            o->size = 4;
        }
        o->load = opc & 1;
        return true;
    }
    switch (opc) {
    case 0:
        return true;
    case 1:
        o->load = true;
        return true;
    case 2:
        if (size == 3) {
            o->prfm = true;
            return prfm_ok;
        }
        o->load = o->sign = o->sf = true;
        return true;
    default:
        if (size >= 2)
            return false;
        o->load = o->sign = true;
        return true;
    }
}

/* The access; for a load of a general register the value goes to *val
 * (written back to Rt by the caller, after any base writeback). */
static void do_access(DisasContext *dc, const LdSt *o, unsigned rt, TCGv addr, unsigned mmu_idx,
                      TCGv *val)
{
    TCGContext *s = dc->s;
    *val = TCGV_NONE;
    if (o->prfm)
        return;
    if (o->vec) {
        if (o->load)
            gen_ld_vreg(dc, rt, addr, o->size, mmu_idx);
        else
            gen_st_vreg(dc, rt, addr, o->size, mmu_idx);
        return;
    }
    MemOp mop = (MemOp)o->size;
    if (o->load) {
        TCGv t = new_tmp(dc);
        gen_ld_idx(dc, t, addr, o->sign ? mop | MO_SIGN : mop, mmu_idx);
        if (o->sign && !o->sf)
            ir_ext32u(s, t, t);
        *val = t;
    } else {
        gen_st_idx(dc, read_x(dc, rt), addr, mop, mmu_idx);
    }
}

static void finish_load(DisasContext *dc, unsigned rt, TCGv val)
{
    if (!tcgv_is_none(val))
        write_x(dc, rt, val);
}

/* ---- literal ------------------------------------------------------------------------------ */

static bool trans_ld_lit(DisasContext *dc, uint32_t insn)
{
    unsigned rt = extract32(insn, 0, 5), opc = extract32(insn, 30, 2);
    bool v = extract32(insn, 26, 1);
    uint64_t addr = dc->pc + ((uint64_t)(int64_t)sextract32(insn, 5, 19) << 2);
    LdSt o = { .vec = v, .load = true };
    if (v) {
        if (opc == 3)
            return false;
        o.size = 2 + opc;
        if (!fp_access_check(dc))
            return true;
    } else {
        switch (opc) {
        case 0: o.size = 2; break;
        case 1: o.size = 3; break;
        case 2: o.size = 2; o.sign = o.sf = true; break;
        default: return true;   /* PRFM (literal) */
        }
    }
    TCGv val;
    do_access(dc, &o, rt, ir_const64(dc->s, addr), dc->mmu_idx, &val);
    finish_load(dc, rt, val);
    return true;
}

/* ---- immediate offsets ----------------------------------------------------------------------- */

/* Unsigned offset (scaled imm12). */
static bool trans_ldst_uimm(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5);
    unsigned opc = extract32(insn, 22, 2), size = extract32(insn, 30, 2);
    bool v = extract32(insn, 26, 1);
    LdSt o;
    if (!decode_ldst(size, v, opc, true, &o))
        return false;
    if (o.prfm)
        return true;
    if (o.vec && !fp_access_check(dc))
        return true;
    uint64_t off = (uint64_t)extract32(insn, 10, 12) << o.size;
    TCGv addr = new_tmp(dc), val;
    ir_addi(s, addr, read_xsp(dc, rn), off);
    do_access(dc, &o, rt, addr, dc->mmu_idx, &val);
    finish_load(dc, rt, val);
    return true;
}

/* Unscaled (00), post-index (01), unprivileged (10), pre-index (11). */
static bool trans_ldst_imm9(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), idx = extract32(insn, 10, 2);
    unsigned opc = extract32(insn, 22, 2), size = extract32(insn, 30, 2);
    bool v = extract32(insn, 26, 1);
    int64_t imm = sextract32(insn, 12, 9);
    LdSt o;
    if (!decode_ldst(size, v, opc, idx == 0, &o))
        return false;
    if (idx == 2 && v)
        return false;   /* no unprivileged FP/SIMD forms */
    if (o.prfm)
        return true;
    if (o.vec && !fp_access_check(dc))
        return true;
    unsigned mmu_idx = idx == 2 ? dc->unpriv_mmu_idx : dc->mmu_idx;
    bool post = idx == 1, wback = idx == 1 || idx == 3;
    TCGv base = read_xsp(dc, rn), addr = new_tmp(dc), val;
    if (post)
        ir_mov(s, addr, base);
    else
        ir_addi(s, addr, base, (uint64_t)imm);
    do_access(dc, &o, rt, addr, mmu_idx, &val);
    finish_load(dc, rt, val);
    if (wback) {
        if (post)
            ir_addi(s, cpu_X[rn], addr, (uint64_t)imm);
        else
            ir_mov(s, cpu_X[rn], addr);
    }
    return true;
}

/* ---- register offset --------------------------------------------------------------------------- */

TCGv gen_extend_reg(DisasContext *dc, TCGv src, unsigned option, unsigned shift)
{
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    switch (option) {
    case 0: ir_ext8u(s, t, src); break;    /* UXTB */
    case 1: ir_ext16u(s, t, src); break;   /* UXTH */
    case 2: ir_ext32u(s, t, src); break;   /* UXTW */
    case 4: ir_ext8s(s, t, src); break;    /* SXTB */
    case 5: ir_ext16s(s, t, src); break;   /* SXTH */
    case 6: ir_ext32s(s, t, src); break;   /* SXTW */
    default: ir_mov(s, t, src); break;     /* UXTX/SXTX (LSL) */
    }
    if (shift)
        ir_shli(s, t, t, shift);
    return t;
}

static bool trans_ldst_reg(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rm = extract32(insn, 16, 5);
    unsigned option = extract32(insn, 13, 3), scale = extract32(insn, 12, 1);
    unsigned opc = extract32(insn, 22, 2), size = extract32(insn, 30, 2);
    bool v = extract32(insn, 26, 1);
    LdSt o;
    if (!(option & 2))
        return false;   /* only the 32-bit W and 64-bit X index forms */
    if (!decode_ldst(size, v, opc, true, &o))
        return false;
    if (o.prfm)
        return true;
    if (o.vec && !fp_access_check(dc))
        return true;
    TCGv off = gen_extend_reg(dc, read_x(dc, rm), option, scale ? o.size : 0);
    TCGv addr = new_tmp(dc), val;
    ir_add(s, addr, read_xsp(dc, rn), off);
    do_access(dc, &o, rt, addr, dc->mmu_idx, &val);
    finish_load(dc, rt, val);
    return true;
}

/* ---- pairs ---------------------------------------------------------------------------------------- */

static bool trans_ldst_pair(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rt2 = extract32(insn, 10, 5);
    unsigned type = extract32(insn, 23, 2), opc = extract32(insn, 30, 2);
    bool load = extract32(insn, 22, 1), v = extract32(insn, 26, 1);
    int64_t imm = sextract32(insn, 15, 7);
    LdSt o = { .vec = v, .load = load };
    if (opc == 3)
        return false;
    if (v) {
        o.size = 2 + opc;
    } else if (opc == 1) {
        if (!load || type == 0)
            return false;   /* STGP (MTE), LDNP of words sign-extended: none */
        o.size = 2;
        o.sign = o.sf = true;   /* LDPSW */
    } else {
        o.size = opc ? 3 : 2;
    }
    if (v && !fp_access_check(dc))
        return true;
    imm = (int64_t)((uint64_t)imm << o.size);   /* scaled; no signed shift */
    bool post = type == 1, wback = type == 1 || type == 3;
    TCGv base = read_xsp(dc, rn), addr = new_tmp(dc), addr2 = new_tmp(dc), v1, v2;
    if (post)
        ir_mov(s, addr, base);
    else
        ir_addi(s, addr, base, (uint64_t)imm);
    ir_addi(s, addr2, addr, 1ull << o.size);
    if (load && !v) {
        /* both loads first: a fault on the second leaves the registers */
        do_access(dc, &o, rt, addr, dc->mmu_idx, &v1);
        do_access(dc, &o, rt2, addr2, dc->mmu_idx, &v2);
    } else if (load) {
        /* FP/SIMD: load both before writing either register */
        TCGv lo1 = new_tmp(dc), lo2 = new_tmp(dc);
        TCGv hi1 = TCGV_NONE, hi2 = TCGV_NONE;
        if (o.size == 4) {
            TCGv a8 = new_tmp(dc), b8 = new_tmp(dc);
            hi1 = new_tmp(dc);
            hi2 = new_tmp(dc);
            gen_ld(dc, lo1, addr, MO_64);
            ir_addi(s, a8, addr, 8);
            gen_ld(dc, hi1, a8, MO_64);
            gen_ld(dc, lo2, addr2, MO_64);
            ir_addi(s, b8, addr2, 8);
            gen_ld(dc, hi2, b8, MO_64);
        } else {
            gen_ld(dc, lo1, addr, (MemOp)o.size);
            gen_ld(dc, lo2, addr2, (MemOp)o.size);
        }
        TCGv zero = ir_const64(s, 0);
        ir_st(s, lo1, s->env, (int32_t)vreg_ofs(rt));
        ir_st(s, o.size == 4 ? hi1 : zero, s->env, (int32_t)vreg_hi_ofs(rt));
        ir_st(s, lo2, s->env, (int32_t)vreg_ofs(rt2));
        ir_st(s, o.size == 4 ? hi2 : zero, s->env, (int32_t)vreg_hi_ofs(rt2));
        v1 = v2 = TCGV_NONE;
    } else {
        /* store both values as they were before any writeback */
        do_access(dc, &o, rt, addr, dc->mmu_idx, &v1);
        do_access(dc, &o, rt2, addr2, dc->mmu_idx, &v2);
    }
    if (load && !v) {
        finish_load(dc, rt2, v2);
        finish_load(dc, rt, v1);
    }
    if (wback) {
        if (post)
            ir_addi(s, cpu_X[rn], addr, (uint64_t)imm);
        else
            ir_mov(s, cpu_X[rn], addr);
    }
    return true;
}

static const A64DecodeEntry ldst_table[] = {
    A64_INSN("xx 011 x 00 xxxxxxxxxxxxxxxxxxx xxxxx", "LDR/LDRSW/PRFM (literal)", trans_ld_lit),
    A64_INSN("xx 101 x 0xx x xxxxxxx xxxxx xxxxx xxxxx", "LDP/STP/LDPSW/LDNP/STNP", trans_ldst_pair),
    A64_INSN("xx 111 x 01 xx xxxxxxxxxxxx xxxxx xxxxx", "LDR/STR (unsigned offset)", trans_ldst_uimm),
    A64_INSN("xx 111 x 00 xx 0 xxxxxxxxx xx xxxxx xxxxx", "LDUR/STUR/LDTR/STTR/pre/post-index",
             trans_ldst_imm9),
    A64_INSN("xx 111 x 00 xx 1 xxxxx xxx x 10 xxxxx xxxxx", "LDR/STR (register offset)",
             trans_ldst_reg),
};
A64_DECODE_TABLE(ldst_table)
