/*
 * fp-helpers.h — the value-path floating-point helpers (helper-fp.c) as
 * the translate files see them: tables of TCGHelper indexed by operation
 * and element size log2 (1 = half, 2 = single, 3 = double), and the
 * parameter encodings they take.
 *
 * Signatures (all return the result zero-extended in 64 bits):
 *   h_fp_bin[op][vece]     (a, b, fpst)
 *   h_fp_un[op][vece]      (a, fpst)
 *   h_fp_muladd[vece]      (a, b, c, fpst, neg)    (±a·b) ± c, FP_MULADD_*
 *   h_fp_cmp[vece]         (a, b, fpst, signaling) -> NZCV in bits 3:0
 *   h_fp_ccmp[vece]        (a, b, fpst, pass, nzcv | signaling << 4)
 *   h_fp_rint[vece]        (a, fpst, mode)         FPRounding or FP_RINT_FPCR, | FP_RINT_EXACT
 *   h_fp_toint[vece]       (a, fpst, FP_CVT_PARAMS(width, unsigned, fbits, rmode))
 *   h_fp_fromint[vece]     (v, fpst, FP_CVT_PARAMS(width, unsigned, fbits, 0)):
 *                          v's low `width` bits are the integer
 *   h_fp_cvt[to][from]     (a, fpst)
 *   h_fp_cvtx              (a, fpst)               binary64 -> binary32, round to odd
 */
#ifndef FERRY_TARGET_ARM_FP_HELPERS_H
#define FERRY_TARGET_ARM_FP_HELPERS_H

#include "target/arm/simd.h"
#include "tcg/ir.h"

enum {
    FPB_ADD, FPB_SUB, FPB_MUL, FPB_DIV, FPB_MAX, FPB_MIN, FPB_MAXNM, FPB_MINNM, FPB_NMUL,
    FPB_MULX, FPB_RECPS, FPB_RSQRTS, FPB_ABD, FPB__COUNT
};
enum { FPU_SQRT, FPU_RECPE, FPU_RSQRTE, FPU_RECPX, FPU__COUNT };

#define FP_RINT_FPCR 8u     /* round in FPCR's mode */
#define FP_RINT_EXACT 16u   /* FRINTX: raise Inexact */

#define FP_CVT_PARAMS(width, uns, fbits, rmode) \
    ((uint32_t)(width) | (uint32_t)(uns) << 7 | (uint32_t)(fbits) << 8 | (uint32_t)(rmode) << 16)
static inline unsigned fp_cvt_width(uint32_t p) { return p & 0x7f; }
static inline bool fp_cvt_unsigned(uint32_t p) { return (p >> 7) & 1; }
static inline int fp_cvt_fbits(uint32_t p) { return (int)((p >> 8) & 0x7f); }
static inline uint32_t fp_cvt_rmode(uint32_t p) { return (p >> 16) & 0x1f; }

extern const TCGHelper h_fp_bin[FPB__COUNT][4];
extern const TCGHelper h_fp_un[FPU__COUNT][4];
extern const TCGHelper h_fp_muladd[4];
extern const TCGHelper h_fp_cmp[4];
extern const TCGHelper h_fp_ccmp[4];
extern const TCGHelper h_fp_rint[4];
extern const TCGHelper h_fp_toint[4];
extern const TCGHelper h_fp_fromint[4];
extern const TCGHelper h_fp_cvt[4][4];
extern const TCGHelper h_fp_cvtx;

/* VFPExpandImm(imm8) for an element of 2^vece bytes (1..3) */
uint64_t vfp_expand_imm(unsigned imm8, unsigned vece);

#endif
