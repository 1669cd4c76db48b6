/*
 * translate-simd-ldst.c — AdvSIMD structure loads and stores: LD1-LD4 /
 * ST1-ST4 (multiple structures, 1-4 registers for LD1/ST1), LD1-LD4 /
 * ST1-ST4 (single structure, one lane), LD1R-LD4R (load and replicate),
 * each with no offset or post-index by immediate or register.
 *
 * Follows DDI 0487 C4.1.88 (Advanced SIMD load/store multiple structures,
 * single structure, and their post-indexed forms) and the C7.2 shared
 * pseudocode of LD1..LD4/ST1..ST4 (multiple and single structures):
 * element e of structure member s goes to register (t + s) mod 32, the
 * address advances by the element size for each; a 64-bit arrangement
 * clears the upper half of each register written; a single-lane load
 * keeps the other lanes.
 */
#include "target/arm/translate.h"

static void ld_elem(DisasContext *dc, unsigned reg, unsigned off, TCGv addr, unsigned size)
{
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    gen_ld(dc, t, addr, (MemOp)size);
    int32_t o = (int32_t)(vreg_ofs(reg) + off);
    switch (size) {
    case 0: ir_st8(s, t, s->env, o); break;
    case 1: ir_st16(s, t, s->env, o); break;
    case 2: ir_st32(s, t, s->env, o); break;
    default: ir_st(s, t, s->env, o); break;
    }
}

static void st_elem(DisasContext *dc, unsigned reg, unsigned off, TCGv addr, unsigned size)
{
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    int32_t o = (int32_t)(vreg_ofs(reg) + off);
    switch (size) {
    case 0: ir_ld8u(s, t, s->env, o); break;
    case 1: ir_ld16u(s, t, s->env, o); break;
    case 2: ir_ld32u(s, t, s->env, o); break;
    default: ir_ld(s, t, s->env, o); break;
    }
    gen_st(dc, t, addr, (MemOp)size);
}

/* Alignment of an element when SCTLR.A checks every access. */
static MemOp elem_align(const DisasContext *dc, unsigned size)
{
    static const MemOp a[4] = { MO_UNALN, MO_ALIGN_2, MO_ALIGN_4, MO_ALIGN_8 };
    return (dc->tbflags & TBF_ALIGN) ? a[size] : MO_UNALN;
}

static void post_index(DisasContext *dc, unsigned rn, unsigned rm, TCGv base, uint64_t total)
{
    TCGContext *s = dc->s;
    if (rm == 31)
        ir_addi(s, cpu_X[rn], base, total);
    else
        ir_add(s, cpu_X[rn], base, cpu_X[rm]);
}

/* LD1-LD4/ST1-ST4 (multiple structures), no offset and post-index */
static bool trans_ldst_multiple(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), size = extract32(insn, 10, 2);
    unsigned opcode = extract32(insn, 12, 4), rm = extract32(insn, 16, 5);
    bool load = extract32(insn, 22, 1), post = extract32(insn, 23, 1), q = extract32(insn, 30, 1);
    unsigned rpt, selem;
    switch (opcode) {
    case 0x0: rpt = 1; selem = 4; break;
    case 0x2: rpt = 4; selem = 1; break;
    case 0x4: rpt = 1; selem = 3; break;
    case 0x6: rpt = 3; selem = 1; break;
    case 0x7: rpt = 1; selem = 1; break;
    case 0x8: rpt = 1; selem = 2; break;
    case 0xa: rpt = 2; selem = 1; break;
    default: return false;
    }
    if (size == 3 && !q && selem != 1)
        return false;
    if (!post && rm != 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    unsigned ebytes = 1u << size, bytes = q ? 16 : 8;
    unsigned elements = bytes / ebytes;
    TCGv base = new_tmp(dc), addr = new_tmp(dc);
    ir_mov(s, base, read_xsp(dc, rn));
    uint64_t offs = 0;
    if (selem == 1) {
        /* memory order = register order: whole 64-bit halves at a time */
        for (unsigned r = 0; r < rpt; r++) {
            unsigned tt = (rt + r) % 32;
            for (unsigned half = 0; half < bytes / 8; half++) {
                ir_addi(s, addr, base, offs);
                TCGv t = new_tmp(dc);
                int32_t o = (int32_t)(vreg_ofs(tt) + 8 * half);
                if (load) {
                    gen_ld(dc, t, addr, MO_64 | elem_align(dc, size));
                    ir_st(s, t, s->env, o);
                } else {
                    ir_ld(s, t, s->env, o);
                    gen_st(dc, t, addr, MO_64 | elem_align(dc, size));
                }
                offs += 8;
            }
            if (load && !q)
                ir_st(s, ir_const64(s, 0), s->env, (int32_t)vreg_hi_ofs(tt));
        }
    } else {
        for (unsigned e = 0; e < elements; e++) {
            for (unsigned k = 0; k < selem; k++) {
                unsigned tt = (rt + k) % 32;
                ir_addi(s, addr, base, offs);
                if (load)
                    ld_elem(dc, tt, e * ebytes, addr, size);
                else
                    st_elem(dc, tt, e * ebytes, addr, size);
                offs += ebytes;
            }
        }
        if (load && !q)
            for (unsigned k = 0; k < selem; k++)
                ir_st(s, ir_const64(s, 0), s->env, (int32_t)vreg_hi_ofs((rt + k) % 32));
    }
    if (post)
        post_index(dc, rn, rm, base, offs);
    return true;
}

/* LD1-LD4/ST1-ST4 (single structure), LD1R-LD4R; no offset and post-index */
static bool trans_ldst_single(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), size = extract32(insn, 10, 2);
    unsigned sbit = extract32(insn, 12, 1), opcode = extract32(insn, 13, 3);
    unsigned rm = extract32(insn, 16, 5), r = extract32(insn, 21, 1);
    bool load = extract32(insn, 22, 1), post = extract32(insn, 23, 1), q = extract32(insn, 30, 1);
    unsigned scale = opcode >> 1, selem = ((opcode & 1) << 1 | r) + 1, index = 0;
    bool replicate = false;
    switch (scale) {
    case 3:
        if (!load || sbit)
            return false;
        scale = size;
        replicate = true;
        break;
    case 0:
        index = q << 3 | sbit << 2 | size;
        break;
    case 1:
        if (size & 1)
            return false;
        index = q << 2 | sbit << 1 | size >> 1;
        break;
    default:
        if (size & 2)
            return false;
        if (!(size & 1)) {
            index = q << 1 | sbit;
        } else {
            if (sbit)
                return false;
            index = q;
            scale = 3;
        }
        break;
    }
    if (!post && rm != 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    unsigned ebytes = 1u << scale;
    TCGv base = new_tmp(dc), addr = new_tmp(dc);
    ir_mov(s, base, read_xsp(dc, rn));
    uint64_t offs = 0;
    for (unsigned k = 0; k < selem; k++) {
        unsigned tt = (rt + k) % 32;
        ir_addi(s, addr, base, offs);
        if (replicate) {
            TCGv t = new_tmp(dc);
            gen_ld(dc, t, addr, (MemOp)scale | elem_align(dc, scale));
            ir_vec_dup(s, scale, vreg_ofs(tt), q ? 16 : 8, 16, t);
        } else if (load) {
            ld_elem(dc, tt, index * ebytes, addr, scale);
        } else {
            st_elem(dc, tt, index * ebytes, addr, scale);
        }
        offs += ebytes;
    }
    if (post)
        post_index(dc, rn, rm, base, offs);
    return true;
}

static const A64DecodeEntry simd_ldst_table[] = {
    A64_INSN("0 x 0011000 x 000000 xxxx xx xxxxx xxxxx", "LD1-LD4/ST1-ST4 (multiple structures)",
             trans_ldst_multiple),
    A64_INSN("0 x 0011001 x 0 xxxxx xxxx xx xxxxx xxxxx",
             "LD1-LD4/ST1-ST4 (multiple structures, post-index)", trans_ldst_multiple),
    A64_INSN("0 x 0011010 x x 00000 xxx x xx xxxxx xxxxx",
             "LD1-LD4/ST1-ST4 (single structure), LD1R-LD4R", trans_ldst_single),
    A64_INSN("0 x 0011011 x x xxxxx xxx x xx xxxxx xxxxx",
             "LD1-LD4/ST1-ST4 (single structure, post-index), LD1R-LD4R", trans_ldst_single),
};
A64_DECODE_TABLE(simd_ldst_table)
