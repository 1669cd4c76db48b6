/*
 * simd-fp-helpers.h — the AdvSIMD floating-point helpers of
 * helper-simd-fp.c as the translate files see them (fn(env, desc), the
 * descriptor of simd.h; vece 1 = half, 2 = single, 3 = double). The data
 * field: frint takes an FPRounding or FP_RINT_FPCR | FP_RINT_EXACT
 * (fp-helpers.h); fcvts/fcvtu take rmode | fbits << 3; scvtf/ucvtf take
 * fbits. fcvtl's vece is the source size, fcvtn's/fcvtxn's the
 * destination size.
 */
#ifndef FERRY_TARGET_ARM_SIMD_FP_HELPERS_H
#define FERRY_TARGET_ARM_SIMD_FP_HELPERS_H

#include "tcg/ir.h"

#define SIMD_FP_HELPERS(X)                                                                 \
    X(fadd) X(fsub) X(fmul) X(fdiv) X(fmulx) X(fmax) X(fmin) X(fmaxnm) X(fminnm) X(fabd)   \
    X(frecps) X(frsqrts) X(fmla) X(fmls) X(fcmeq) X(fcmge) X(fcmgt) X(facge) X(facgt)      \
    X(faddp) X(fmaxp) X(fminp) X(fmaxnmp) X(fminnmp)                                       \
    X(fcmgt0) X(fcmge0) X(fcmeq0) X(fcmle0) X(fcmlt0) X(fabs) X(fneg) X(fsqrt) X(frecpe)   \
    X(frsqrte) X(frecpx) X(frint) X(fcvts) X(fcvtu) X(scvtf) X(ucvtf) X(fcvtl) X(fcvtn)    \
    X(fcvtxn) X(fmaxv) X(fminv) X(fmaxnmv) X(fminnmv)

#define SIMD_FP_DECLARE(name) extern const TCGHelper h_simd_##name;
SIMD_FP_HELPERS(SIMD_FP_DECLARE)

#endif
