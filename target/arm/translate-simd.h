/*
 * translate-simd.h — the translate side of the FP/AdvSIMD/crypto classes
 * (translate-fp.c, translate-simd-*.c, translate-crypto.c): instruction
 * fields, SIMD helper calls, V register lanes, scalar FP register writes,
 * NZCV from a computed value. Implemented in translate-simd-util.c.
 *
 * Follows DDI 0487 C1.2.5 (SIMD&FP register reads/writes), C4.1.95
 * (Data Processing -- Scalar Floating-Point and Advanced SIMD encodings).
 */
#ifndef FERRY_TARGET_ARM_TRANSLATE_SIMD_H
#define FERRY_TARGET_ARM_TRANSLATE_SIMD_H

#include "target/arm/simd.h"
#include "target/arm/translate.h"

/* Instruction fields */
static inline unsigned f_rd(uint32_t insn) { return insn & 31; }
static inline unsigned f_rn(uint32_t insn) { return (insn >> 5) & 31; }
static inline unsigned f_rm(uint32_t insn) { return (insn >> 16) & 31; }
static inline unsigned f_ra(uint32_t insn) { return (insn >> 10) & 31; }
static inline unsigned f_size(uint32_t insn) { return (insn >> 22) & 3; }
static inline bool f_q(uint32_t insn) { return (insn >> 30) & 1; }
static inline bool f_u(uint32_t insn) { return (insn >> 29) & 1; }

/* Call a SIMD helper: fn(env, SIMD_DESC(rd, rn, rm, vece, kind, data)). */
void gen_simd_helper(DisasContext *dc, const TCGHelper *h, unsigned rd, unsigned rn, unsigned rm,
                     unsigned vece, unsigned kind, unsigned data);
static inline unsigned simd_kind(bool q)
{
    return q ? SIMD_128 : SIMD_64;
}

/* env offset of element idx (size 2^vece) of Vn */
static inline int32_t vlane_ofs(unsigned n, unsigned idx, unsigned vece)
{
    return (int32_t)(vreg_ofs(n) + (idx << vece));
}
/* Element idx of Vn in a new I64 temp (zero- or sign-extended). */
TCGv read_vlane(DisasContext *dc, unsigned n, unsigned idx, unsigned vece, bool sign);
/* The low 2^vece bytes of v into element idx of Vn (the rest unchanged). */
void write_vlane(DisasContext *dc, unsigned n, unsigned idx, unsigned vece, TCGv v);
/* Scalar register write: v (zero-extended above 2^vece bytes) becomes
 * the low 64 bits of Vd, bytes 8..15 are zeroed. */
void write_vscalar(DisasContext *dc, unsigned d, unsigned vece, TCGv v);
/* The low 2^vece bytes of Vn (a scalar FP operand), zero-extended. */
TCGv read_fp(DisasContext *dc, unsigned n, unsigned vece);
/* Pointer to env->fp_status (helper argument). */
TCGv fpst_ptr(DisasContext *dc);
/* Zero bytes 8..15 of Vd when !q (a 64-bit vector result). */
void clear_high_if(DisasContext *dc, unsigned d, bool q);
/* NZCV from a temp holding it in bits 3:0. */
void gen_set_nzcv_reg(DisasContext *dc, TCGv nzcv);

#endif
