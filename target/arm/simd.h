/*
 * simd.h — what the FP/AdvSIMD/crypto translate files (translate-fp.c,
 * translate-simd-*.c, translate-crypto.c) and their helpers
 * (helper-fp.c, helper-simd*.c, helper-crypto.c) share:
 *
 *   - the descriptor a SIMD helper receives, and how translate code
 *     calls one (gen_simd_helper);
 *   - V register access from IR (scalar lanes, whole halves) and the
 *     pointer to env->fp_status;
 *   - on the helper side, element access to V registers by index.
 *
 * A SIMD helper is `void fn(CPUARMState *env, uint32_t desc)`: it reads
 * its operands from env->vregs by the register numbers in desc, computes
 * the whole result into a local, then writes Vd (so Vd may equal an
 * operand) and clears the bytes of Vd beyond the result (a 64-bit vector
 * or a scalar clears the rest of the 128-bit register, ARM ARM
 * V[]/Vpart[] with the "upper bits cleared" rule of C1.2.5). Saturation
 * sets FPSR.QC (env->fpsr), FP lanes use env->fp_status. The call passes
 * env (a fixed host register) and one constant: cheaper to set up than
 * three pointers, and it gives the helper FPSR and the FP environment.
 *
 * Follows DDI 0487 C1.2.5 (register access from AArch64 SIMD&FP
 * instructions), C7.1 (the SIMD&FP register file, element numbering).
 */
#ifndef FERRY_TARGET_ARM_SIMD_H
#define FERRY_TARGET_ARM_SIMD_H

#include <string.h>

#include "target/arm/cpu.h"

/* ---- helper descriptor ------------------------------------------------------------------ */

/*
 * bits  0..4   Vd          bits 15..16  element size log2 (0=B 1=H 2=S 3=D)
 * bits  5..9   Vn          bits 17..18  kind: SIMD_SCALAR (one element),
 * bits 10..14  Vm                        SIMD_64 (8 bytes), SIMD_128 (16 bytes)
 * bits 19..31  op-specific data (13 bits): element index, shift, fbits...
 */
enum { SIMD_SCALAR = 0, SIMD_64 = 1, SIMD_128 = 2 };

#define SIMD_DESC(rd, rn, rm, vece, kind, data)                                          \
    ((uint32_t)(rd) | (uint32_t)(rn) << 5 | (uint32_t)(rm) << 10 | (uint32_t)(vece) << 15 | \
     (uint32_t)(kind) << 17 | (uint32_t)(data) << 19)
#define SIMD_DATA_MAX 0x1fffu

static inline unsigned sd_rd(uint32_t d) { return d & 31; }
static inline unsigned sd_rn(uint32_t d) { return (d >> 5) & 31; }
static inline unsigned sd_rm(uint32_t d) { return (d >> 10) & 31; }
static inline unsigned sd_vece(uint32_t d) { return (d >> 15) & 3; }
static inline unsigned sd_kind(uint32_t d) { return (d >> 17) & 3; }
static inline unsigned sd_data(uint32_t d) { return d >> 19; }
/* bytes the operation covers: 8, 16, or one element */
static inline unsigned sd_bytes(uint32_t d)
{
    unsigned k = sd_kind(d);
    return k == SIMD_SCALAR ? 1u << sd_vece(d) : k == SIMD_64 ? 8 : 16;
}
/* number of elements of the descriptor's element size */
static inline unsigned sd_elems(uint32_t d)
{
    return sd_bytes(d) >> sd_vece(d);
}

typedef void SimdHelperFn(CPUARMState *env, uint32_t desc);

/* ---- element access (helpers) ------------------------------------------------------------ */

/* Element idx of size 2^vece bytes of a 16-byte register image, zero-extended. */
static inline uint64_t vget(const ARMVReg *v, unsigned idx, unsigned vece)
{
    switch (vece) {
    case 0: return v->b[idx & 15];
    case 1: return v->h[idx & 7];
    case 2: return v->s[idx & 3];
    default: return v->d[idx & 1];
    }
}
/* The same, sign-extended. */
static inline int64_t vgets(const ARMVReg *v, unsigned idx, unsigned vece)
{
    switch (vece) {
    case 0: return (int8_t)v->b[idx & 15];
    case 1: return (int16_t)v->h[idx & 7];
    case 2: return (int32_t)v->s[idx & 3];
    default: return (int64_t)v->d[idx & 1];
    }
}
static inline void vset(ARMVReg *v, unsigned idx, unsigned vece, uint64_t x)
{
    switch (vece) {
    case 0: v->b[idx & 15] = (uint8_t)x; break;
    case 1: v->h[idx & 7] = (uint16_t)x; break;
    case 2: v->s[idx & 3] = (uint32_t)x; break;
    default: v->d[idx & 1] = x; break;
    }
}
/* Write a result image to Vd: `bytes` bytes of r, the rest of Vd zero. */
static inline void vwrite(CPUARMState *env, unsigned rd, const ARMVReg *r, unsigned bytes)
{
    ARMVReg *d = &env->vregs[rd];
    memcpy(d->b, r->b, bytes);
    memset(d->b + bytes, 0, 16 - bytes);
}

/* FPSR.QC: a saturating operation saturated. */
static inline void simd_set_qc(CPUARMState *env)
{
    env->fpsr |= FPSR_QC;
}

static inline int64_t sext64(uint64_t v, unsigned bits)
{
    return bits >= 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}
static inline uint64_t mask_bits(unsigned bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

#endif
