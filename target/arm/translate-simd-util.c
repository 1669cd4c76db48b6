/*
 * translate-simd-util.c — IR building blocks the FP/AdvSIMD/crypto
 * translate files share (declared in simd.h): SIMD helper calls, V
 * register lanes, scalar FP register writes (which clear the rest of the
 * register), the FP status pointer, and NZCV from a computed 4-bit value.
 *
 * Follows DDI 0487 C1.2.5 (reads and writes of SIMD&FP registers: a
 * write of a scalar or of a 64-bit vector clears the upper bits), and
 * C5.2.7 NZCV (the lazy representation is described in cpu.h).
 */
#include "target/arm/translate-simd.h"

void gen_simd_helper(DisasContext *dc, const TCGHelper *h, unsigned rd, unsigned rn, unsigned rm,
                     unsigned vece, unsigned kind, unsigned data)
{
    TCGContext *s = dc->s;
    if (data > SIMD_DATA_MAX)
        fatal("simd helper %s: data %#x too wide", h->name, data);
    ir_callv(s, h, TCGV_NONE, s->env, ir_const32(s, SIMD_DESC(rd, rn, rm, vece, kind, data)));
}

TCGv read_vlane(DisasContext *dc, unsigned n, unsigned idx, unsigned vece, bool sign)
{
    TCGContext *s = dc->s;
    TCGv t = new_tmp(dc);
    int32_t ofs = vlane_ofs(n, idx, vece);
    switch (vece) {
    case 0:
        (sign ? ir_ld8s : ir_ld8u)(s, t, s->env, ofs);
        break;
    case 1:
        (sign ? ir_ld16s : ir_ld16u)(s, t, s->env, ofs);
        break;
    case 2:
        (sign ? ir_ld32s : ir_ld32u)(s, t, s->env, ofs);
        break;
    default:
        ir_ld(s, t, s->env, ofs);
        break;
    }
    return t;
}

void write_vlane(DisasContext *dc, unsigned n, unsigned idx, unsigned vece, TCGv v)
{
    TCGContext *s = dc->s;
    int32_t ofs = vlane_ofs(n, idx, vece);
    switch (vece) {
    case 0: ir_st8(s, v, s->env, ofs); break;
    case 1: ir_st16(s, v, s->env, ofs); break;
    case 2: ir_st32(s, v, s->env, ofs); break;
    default: ir_st(s, v, s->env, ofs); break;
    }
}

void write_vscalar(DisasContext *dc, unsigned d, unsigned vece, TCGv v)
{
    TCGContext *s = dc->s;
    (void)vece;
    ir_st(s, v, s->env, (int32_t)vreg_ofs(d));
    ir_st(s, ir_const64(s, 0), s->env, (int32_t)vreg_hi_ofs(d));
}

TCGv fpst_ptr(DisasContext *dc)
{
    TCGv t = new_tmp(dc);
    ir_addi(dc->s, t, dc->s->env, offsetof(CPUARMState, fp_status));
    return t;
}

void clear_high_if(DisasContext *dc, unsigned d, bool q)
{
    if (!q)
        ir_st(dc->s, ir_const64(dc->s, 0), dc->s->env, (int32_t)vreg_hi_ofs(d));
}

void gen_set_nzcv_reg(DisasContext *dc, TCGv nzcv)
{
    TCGContext *s = dc->s;
    ir_shli(s, cpu_NF, nzcv, 60);           /* N: bit 3 -> 63 */
    ir_andi(s, cpu_ZF, nzcv, 4);
    ir_xori(s, cpu_ZF, cpu_ZF, 4);          /* Z set -> ZF == 0 */
    ir_extract(s, cpu_CF, nzcv, 1, 1);
    ir_shli(s, cpu_VF, nzcv, 63);           /* V: bit 0 -> 63 */
}

TCGv read_fp(DisasContext *dc, unsigned n, unsigned vece)
{
    return read_vlane(dc, n, 0, vece, false);
}
