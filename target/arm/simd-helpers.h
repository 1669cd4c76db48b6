/*
 * simd-helpers.h — the AdvSIMD and crypto helpers (helper-simd-int.c,
 * helper-simd-fp.c, helper-simd-perm.c, helper-crypto.c) as the
 * translate files see them: one `const TCGHelper h_simd_<name>` each,
 * all of the form fn(env, desc) with the descriptor of simd.h. What each
 * one's vece and data mean is written at its definition.
 */
#ifndef FERRY_TARGET_ARM_SIMD_HELPERS_H
#define FERRY_TARGET_ARM_SIMD_HELPERS_H

#include "tcg/ir.h"

#define SIMD_INT_HELPERS(X)                                                                \
    X(shadd) X(uhadd) X(srhadd) X(urhadd) X(shsub) X(uhsub) X(sqadd) X(uqadd) X(sqsub)     \
    X(uqsub) X(cmgt) X(cmhi) X(cmge) X(cmhs) X(cmtst) X(cmeq) X(sshl) X(ushl) X(srshl)     \
    X(urshl) X(sqshl) X(uqshl) X(sqrshl) X(uqrshl) X(smax) X(umax) X(smin) X(umin)         \
    X(sabd) X(uabd) X(saba) X(uaba) X(mul) X(mla) X(mls) X(pmul) X(sqdmulh) X(sqrdmulh)    \
    X(sqrdmlah) X(sqrdmlsh)                                                                \
    X(addp) X(smaxp) X(umaxp) X(sminp) X(uminp)                                            \
    X(cls) X(clz) X(cnt) X(rbit) X(abs) X(neg) X(sqabs) X(sqneg) X(cmgt0) X(cmge0)         \
    X(cmeq0) X(cmle0) X(cmlt0) X(suqadd) X(usqadd) X(saddlp) X(uaddlp) X(sadalp) X(uadalp) \
    X(xtn) X(sqxtn) X(uqxtn) X(sqxtun) X(urecpe) X(ursqrte) X(rev) X(shll)                 \
    X(saddl) X(uaddl) X(ssubl) X(usubl) X(sabal) X(uabal) X(sabdl) X(uabdl) X(smlal)       \
    X(umlal) X(smlsl) X(umlsl) X(smull) X(umull) X(sqdmull) X(sqdmlal) X(sqdmlsl)          \
    X(pmull8) X(pmull64) X(saddw) X(uaddw) X(ssubw) X(usubw) X(addhn) X(raddhn) X(subhn)   \
    X(rsubhn)                                                                              \
    X(sshr) X(ushr) X(srshr) X(urshr) X(ssra) X(usra) X(srsra) X(ursra) X(sri) X(shl)      \
    X(sli) X(sqshl_i) X(uqshl_i) X(sqshlu) X(shrn) X(rshrn) X(sqshrn) X(sqrshrn) X(uqshrn) \
    X(uqrshrn) X(sqshrun) X(sqrshrun) X(sshll) X(ushll)                                    \
    X(addv) X(saddlv) X(uaddlv) X(smaxv) X(umaxv) X(sminv) X(uminv)                       \
    X(perm) X(tbl)                                                                         \
    X(aese) X(aesd) X(aesmc) X(aesimc) X(sha1c) X(sha1p) X(sha1m) X(sha1h) X(sha1su0)      \
    X(sha1su1) X(sha256h) X(sha256h2) X(sha256su0) X(sha256su1)

#define SIMD_DECLARE(name) extern const TCGHelper h_simd_##name;
SIMD_INT_HELPERS(SIMD_DECLARE)

#endif
