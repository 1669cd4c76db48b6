/*
 * helper-simd-int.c — the AdvSIMD integer helpers: three same (halving,
 * saturating, compares, shifts by register, min/max, absolute
 * difference, multiply, polynomial multiply, doubling multiply high),
 * pairwise, three different (long, wide, narrow high half), two-register
 * miscellaneous (CLS/CLZ/CNT/RBIT, ABS/NEG and their saturating forms,
 * compares with zero, SUQADD/USQADD, pairwise long, narrowing moves,
 * URECPE/URSQRTE), across lanes, and shifts by immediate. Lane loops are
 * simd-engine.h's; the helper list is simd-helpers.h's.
 *
 * Follows DDI 0487 C7.2 (each instruction's pseudocode: SatQ/SignedSatQ/
 * UnsignedSatQ set FPSR.QC, the shift-by-register rules of SSHL/SRSHL/
 * SQSHL/SQRSHL with the shift in the low byte of the element of Vm, the
 * rounding constants of the R forms, PolynomialMult), and J1
 * UnsignedRecipEstimate / UnsignedRSqrtEstimate with RecipEstimate /
 * RecipSqrtEstimate.
 */
#include "target/arm/simd-engine.h"
#include "target/arm/simd-helpers.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)

typedef __int128 i128;
typedef unsigned __int128 u128;

#define BITS (8u << vece)
#define SA ((int64_t)sext64(a, BITS))
#define SB ((int64_t)sext64(b, BITS))
#define SD ((int64_t)sext64(d, BITS))
#define LANE(name) \
    static ALWAYS_INLINE uint64_t name(uint64_t a, uint64_t b, uint64_t d, unsigned vece, \
                                       unsigned data, CPUARMState *env)
#define UNUSED_LANE_ARGS (void)a, (void)b, (void)d, (void)vece, (void)data, (void)env

/* v << n on the two's complement bits (a signed left shift of a negative
 * value is undefined in C) */
static ALWAYS_INLINE i128 shl_s(i128 v, unsigned n)
{
    return (i128)((u128)v << n);
}

/* SignedSatQ / UnsignedSatQ of a value to `bits` bits (QC on saturation) */
static ALWAYS_INLINE uint64_t sat_s(i128 v, unsigned bits, CPUARMState *env)
{
    i128 max = ((i128)1 << (bits - 1)) - 1, min = -max - 1;
    if (v > max) {
        simd_set_qc(env);
        return (uint64_t)max;
    }
    if (v < min) {
        simd_set_qc(env);
        return (uint64_t)min;
    }
    return (uint64_t)v;
}
static ALWAYS_INLINE uint64_t sat_u(i128 v, unsigned bits, CPUARMState *env)
{
    i128 max = ((i128)1 << bits) - 1;
    if (v > max) {
        simd_set_qc(env);
        return (uint64_t)max;
    }
    if (v < 0) {
        simd_set_qc(env);
        return 0;
    }
    return (uint64_t)v;
}

/* ---- three same ---------------------------------------------------------------------------- */

LANE(l_add) { UNUSED_LANE_ARGS; return a + b; }
LANE(l_shadd) { UNUSED_LANE_ARGS; return (uint64_t)((SA + SB) >> 1); }
LANE(l_uhadd) { UNUSED_LANE_ARGS; return (a + b) >> 1; }
LANE(l_srhadd) { UNUSED_LANE_ARGS; return (uint64_t)((SA + SB + 1) >> 1); }
LANE(l_urhadd) { UNUSED_LANE_ARGS; return (a + b + 1) >> 1; }
LANE(l_shsub) { UNUSED_LANE_ARGS; return (uint64_t)((SA - SB) >> 1); }
LANE(l_uhsub) { UNUSED_LANE_ARGS; return (uint64_t)((int64_t)a - (int64_t)b) >> 1; }
LANE(l_smax) { UNUSED_LANE_ARGS; return SA > SB ? a : b; }
LANE(l_umax) { UNUSED_LANE_ARGS; return a > b ? a : b; }
LANE(l_smin) { UNUSED_LANE_ARGS; return SA < SB ? a : b; }
LANE(l_umin) { UNUSED_LANE_ARGS; return a < b ? a : b; }
LANE(l_sabd) { UNUSED_LANE_ARGS; return SA > SB ? (uint64_t)(SA - SB) : (uint64_t)(SB - SA); }
LANE(l_uabd) { UNUSED_LANE_ARGS; return a > b ? a - b : b - a; }
LANE(l_saba) { return d + l_sabd(a, b, d, vece, data, env); }
LANE(l_uaba) { return d + l_uabd(a, b, d, vece, data, env); }

/* PolynomialMult of two 8-bit values (the low 8 bits of the product for PMUL) */
static ALWAYS_INLINE uint64_t clmul(uint64_t a, uint64_t b, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++)
        if ((b >> i) & 1)
            r ^= a << i;
    return r;
}
LANE(l_pmul) { UNUSED_LANE_ARGS; return clmul(a, b, 8); }

/* SQDMULH/SQRDMULH: SignedSatQ((2·a·b [+ round]) >> esize) */
LANE(l_sqdmulh) { UNUSED_LANE_ARGS; return sat_s(((i128)SA * SB * 2) >> BITS, BITS, env); }
LANE(l_sqrdmulh)
{
    UNUSED_LANE_ARGS;
    return sat_s(((i128)SA * SB * 2 + ((i128)1 << (BITS - 1))) >> BITS, BITS, env);
}
/* SQRDMLAH/SQRDMLSH (FEAT_RDM): SignedSatQ(((d << esize) ± 2·a·b + round) >> esize) */
LANE(l_sqrdmlah)
{
    UNUSED_LANE_ARGS;
    return sat_s((shl_s(SD, BITS) + (i128)SA * SB * 2 + ((i128)1 << (BITS - 1))) >> BITS, BITS,
                 env);
}
LANE(l_sqrdmlsh)
{
    UNUSED_LANE_ARGS;
    return sat_s((shl_s(SD, BITS) - (i128)SA * SB * 2 + ((i128)1 << (BITS - 1))) >> BITS, BITS,
                 env);
}

/*
 * Shift by register (SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL,
 * UQRSHL): the shift is SInt(Vm.elem<7:0>); positive shifts left,
 * negative right (rounding adds 1 << (n-1) first), saturating forms
 * saturate left shifts.
 */
static ALWAYS_INLINE uint64_t shift_reg(uint64_t a, uint64_t b, unsigned bits, bool is_signed,
                                        bool round, bool sat, CPUARMState *env)
{
    int sh = (int8_t)(uint8_t)b;
    i128 v = is_signed ? (i128)sext64(a, bits) : (i128)(a & mask_bits(bits));
    if (sh >= 0) {
        if (v == 0)
            return 0;
        if (!sat)
            return sh >= (int)bits ? 0 : (uint64_t)shl_s(v, (unsigned)sh);
        if (sh >= (int)bits)
            return is_signed ? sat_s(v < 0 ? -((i128)1 << 100) : ((i128)1 << 100), bits, env)
                             : sat_u((i128)1 << 100, bits, env);
        v = shl_s(v, (unsigned)sh);
        return is_signed ? sat_s(v, bits, env) : sat_u(v, bits, env);
    }
    unsigned n = (unsigned)-sh;
    if (round) {
        if (n > 64)
            return 0;
        v = (v + ((i128)1 << (n - 1))) >> n;
    } else {
        v = n >= 127 ? (v < 0 ? -1 : 0) : v >> n;
    }
    return (uint64_t)v;
}
LANE(l_sshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, true, false, false, env); }
LANE(l_ushl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, false, false, false, env); }
LANE(l_srshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, true, true, false, env); }
LANE(l_urshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, false, true, false, env); }
LANE(l_sqshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, true, false, true, env); }
LANE(l_uqshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, false, false, true, env); }
LANE(l_sqrshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, true, true, true, env); }
LANE(l_uqrshl) { UNUSED_LANE_ARGS; return shift_reg(a, b, BITS, false, true, true, env); }

/* ---- two-register misc -------------------------------------------------------------------- */

LANE(l_cls)
{
    UNUSED_LANE_ARGS;
    uint64_t x = (a ^ (a >> 1)) & (mask_bits(BITS) >> 1);   /* bit i set: bits i, i+1 differ */
    return x ? (uint64_t)(__builtin_clzll(x) - (64 - BITS) - 1) : BITS - 1;
}
LANE(l_clz)
{
    UNUSED_LANE_ARGS;
    a &= mask_bits(BITS);
    return a ? (uint64_t)(__builtin_clzll(a) - (64 - BITS)) : BITS;
}
LANE(l_cnt) { UNUSED_LANE_ARGS; return (uint64_t)__builtin_popcountll(a & 0xff); }
LANE(l_rbit)
{
    UNUSED_LANE_ARGS;
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++)
        r |= ((a >> i) & 1) << (7 - i);
    return r;
}
LANE(l_sqabs) { UNUSED_LANE_ARGS; return sat_s(SA < 0 ? -(i128)SA : (i128)SA, BITS, env); }
LANE(l_sqneg) { UNUSED_LANE_ARGS; return sat_s(-(i128)SA, BITS, env); }
/* SUQADD: signed Vd + unsigned Vn, signed saturation; USQADD the converse */
LANE(l_suqadd) { UNUSED_LANE_ARGS; return sat_s((i128)SD + (i128)a, BITS, env); }
LANE(l_usqadd) { UNUSED_LANE_ARGS; return sat_u((i128)d + (i128)SA, BITS, env); }

/* pairwise long (vece = source size): fn(n[2i], n[2i+1], d[i]) */
LANE(l_saddlp) { UNUSED_LANE_ARGS; return (uint64_t)(SA + SB); }
LANE(l_uaddlp) { UNUSED_LANE_ARGS; return a + b; }
LANE(l_sadalp) { UNUSED_LANE_ARGS; return d + (uint64_t)(SA + SB); }
LANE(l_uadalp) { UNUSED_LANE_ARGS; return d + a + b; }

/* narrowing moves (vece = destination size; a is 2x wide) */
#define WA ((int64_t)sext64(a, 2 * BITS))
LANE(l_xtn) { UNUSED_LANE_ARGS; return a; }
LANE(l_sqxtn) { UNUSED_LANE_ARGS; return sat_s(WA, BITS, env); }
LANE(l_uqxtn) { UNUSED_LANE_ARGS; return sat_u((i128)(a & mask_bits(2 * BITS)), BITS, env); }
LANE(l_sqxtun) { UNUSED_LANE_ARGS; return sat_u(WA, BITS, env); }

/* ---- three different (vece = the narrow size) ------------------------------------------------- */

LANE(l_saddl) { UNUSED_LANE_ARGS; return (uint64_t)(SA + SB); }
LANE(l_uaddl) { UNUSED_LANE_ARGS; return a + b; }
LANE(l_ssubl) { UNUSED_LANE_ARGS; return (uint64_t)(SA - SB); }
LANE(l_usubl) { UNUSED_LANE_ARGS; return a - b; }
LANE(l_sabal) { UNUSED_LANE_ARGS; return d + (SA > SB ? (uint64_t)(SA - SB) : (uint64_t)(SB - SA)); }
LANE(l_uabal) { UNUSED_LANE_ARGS; return d + (a > b ? a - b : b - a); }
LANE(l_sabdl) { UNUSED_LANE_ARGS; return SA > SB ? (uint64_t)(SA - SB) : (uint64_t)(SB - SA); }
LANE(l_uabdl) { UNUSED_LANE_ARGS; return a > b ? a - b : b - a; }
LANE(l_smlal) { UNUSED_LANE_ARGS; return d + (uint64_t)(SA * SB); }
LANE(l_umlal) { UNUSED_LANE_ARGS; return d + a * b; }
LANE(l_smlsl) { UNUSED_LANE_ARGS; return d - (uint64_t)(SA * SB); }
LANE(l_umlsl) { UNUSED_LANE_ARGS; return d - a * b; }
LANE(l_smull) { UNUSED_LANE_ARGS; return (uint64_t)(SA * SB); }
LANE(l_umull) { UNUSED_LANE_ARGS; return a * b; }
/* SQDMULL: SignedSatQ(2·a·b) at 2x; SQDMLAL/SQDMLSL saturate the product,
 * then the accumulation */
LANE(l_sqdmull) { UNUSED_LANE_ARGS; return sat_s((i128)SA * SB * 2, 2 * BITS, env); }
LANE(l_sqdmlal)
{
    uint64_t p = l_sqdmull(a, b, d, vece, data, env);
    return sat_s((i128)sext64(d, 2 * BITS) + (i128)sext64(p, 2 * BITS), 2 * BITS, env);
}
LANE(l_sqdmlsl)
{
    uint64_t p = l_sqdmull(a, b, d, vece, data, env);
    return sat_s((i128)sext64(d, 2 * BITS) - (i128)sext64(p, 2 * BITS), 2 * BITS, env);
}
LANE(l_pmull8) { UNUSED_LANE_ARGS; return clmul(a & 0xff, b & 0xff, 8); }
/* wide: a is 2x wide */
LANE(l_saddw) { UNUSED_LANE_ARGS; return a + (uint64_t)SB; }
LANE(l_uaddw) { UNUSED_LANE_ARGS; return a + b; }
LANE(l_ssubw) { UNUSED_LANE_ARGS; return a - (uint64_t)SB; }
LANE(l_usubw) { UNUSED_LANE_ARGS; return a - b; }
/* high narrow: a, b 2x wide, result the high half of the sum/difference */
LANE(l_addhn) { UNUSED_LANE_ARGS; return (uint64_t)(((u128)a + b) >> BITS); }
LANE(l_raddhn) { UNUSED_LANE_ARGS; return (uint64_t)(((u128)a + b + (1ull << (BITS - 1))) >> BITS); }
LANE(l_subhn) { UNUSED_LANE_ARGS; return (a - b) >> BITS; }
LANE(l_rsubhn) { UNUSED_LANE_ARGS; return (a - b + (1ull << (BITS - 1))) >> BITS; }

/* ---- shifts by immediate (data = shift amount) ------------------------------------------------ */

/* right shifts 1..esize */
static ALWAYS_INLINE i128 shr_s(int64_t v, unsigned n, bool round)
{
    i128 x = v;
    if (round)
        x += (i128)1 << (n - 1);
    return x >> n;
}
static ALWAYS_INLINE u128 shr_u(uint64_t v, unsigned n, bool round)
{
    u128 x = v;
    if (round)
        x += (u128)1 << (n - 1);
    return x >> n;
}
/* the same for a value of fewer than 64 bits and n < 64: plain 64-bit arithmetic */
static ALWAYS_INLINE uint64_t shr_u_small(uint64_t v, unsigned bits, unsigned n, bool round)
{
    if (bits >= 64)
        return (uint64_t)shr_u(v, n, round);
    return (v + (round ? 1ull << (n - 1) : 0)) >> n;
}
#define UA (a & mask_bits(BITS))
LANE(l_srshr) { UNUSED_LANE_ARGS; return (uint64_t)shr_s(SA, data, true); }
LANE(l_urshr) { UNUSED_LANE_ARGS; return (uint64_t)shr_u(UA, data, true); }
LANE(l_ssra) { UNUSED_LANE_ARGS; return d + (uint64_t)shr_s(SA, data, false); }
LANE(l_usra) { UNUSED_LANE_ARGS; return d + (uint64_t)shr_u(UA, data, false); }
LANE(l_srsra) { UNUSED_LANE_ARGS; return d + (uint64_t)shr_s(SA, data, true); }
LANE(l_ursra) { UNUSED_LANE_ARGS; return d + (uint64_t)shr_u(UA, data, true); }
/* SRI: shift right and insert (the top `data` bits of d kept) */
LANE(l_sri)
{
    UNUSED_LANE_ARGS;
    if (data >= BITS)
        return d;
    uint64_t m = mask_bits(BITS) >> data;
    return (d & ~m) | ((UA >> data) & m);
}
/* left shifts 0..esize-1 */
LANE(l_sli)
{
    UNUSED_LANE_ARGS;
    uint64_t m = mask_bits(BITS) << data;
    return (d & ~m) | ((a << data) & m);
}
LANE(l_sqshl_i) { UNUSED_LANE_ARGS; return sat_s(shl_s(SA, data), BITS, env); }
LANE(l_uqshl_i) { UNUSED_LANE_ARGS; return sat_u((i128)UA << data, BITS, env); }
LANE(l_sqshlu) { UNUSED_LANE_ARGS; return sat_u(shl_s(SA, data), BITS, env); }
/* narrowing right shifts (vece = destination size; a is 2x wide; data = shift 1..esize) */
#define UWA (a & mask_bits(2 * BITS))
LANE(l_shrn) { UNUSED_LANE_ARGS; return shr_u_small(UWA, 2 * BITS, data, false); }
LANE(l_rshrn) { UNUSED_LANE_ARGS; return shr_u_small(UWA, 2 * BITS, data, true); }
LANE(l_sqshrn) { UNUSED_LANE_ARGS; return sat_s(shr_s(WA, data, false), BITS, env); }
LANE(l_sqrshrn) { UNUSED_LANE_ARGS; return sat_s(shr_s(WA, data, true), BITS, env); }
LANE(l_uqshrn) { UNUSED_LANE_ARGS; return sat_u((i128)shr_u(UWA, data, false), BITS, env); }
LANE(l_uqrshrn) { UNUSED_LANE_ARGS; return sat_u((i128)shr_u(UWA, data, true), BITS, env); }
LANE(l_sqshrun) { UNUSED_LANE_ARGS; return sat_u(shr_s(WA, data, false), BITS, env); }
LANE(l_sqrshrun) { UNUSED_LANE_ARGS; return sat_u(shr_s(WA, data, true), BITS, env); }
/* long left shifts (vece = source size; data = shift 0..esize) */
LANE(l_sshll) { UNUSED_LANE_ARGS; return (uint64_t)SA << data; }
LANE(l_ushll) { UNUSED_LANE_ARGS; return UA << data; }

/* ---- URECPE / URSQRTE (32-bit lanes) ------------------------------------------------------------ */

/* RecipEstimate(a), a in 256..511 (units of 1/512): 256..511 */
static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

/* RecipSqrtEstimate(a), a in 128..511: the smallest b >= 256 ... as the
 * pseudocode's search; 256..511 */
static unsigned recip_sqrt_estimate(unsigned a)
{
    if (a < 256)
        a = a * 2 + 1;
    else
        a = (a >> 1) << 1, a = (a + 1) * 2;
    unsigned b = 512;
    while (a * (b + 1) * (b + 1) < (1u << 28))
        b++;
    return (b + 1) / 2;
}

LANE(l_urecpe)
{
    UNUSED_LANE_ARGS;
    uint32_t x = (uint32_t)a;
    if (!(x >> 31))
        return 0xffffffffu;
    return (uint64_t)recip_estimate(x >> 23) << 23;
}
LANE(l_ursqrte)
{
    UNUSED_LANE_ARGS;
    uint32_t x = (uint32_t)a;
    if (!(x >> 30))
        return 0xffffffffu;
    return (uint64_t)recip_sqrt_estimate(x >> 23) << 23;
}

/* ---- the helpers ------------------------------------------------------------------------------ */

#define DEF(name, shape, fn)                                                               \
    static void helper_simd_##name(CPUARMState *env, uint32_t desc) { shape(env, desc, fn); } \
    const TCGHelper h_simd_##name = TCG_HELPER(helper_simd_##name, TCG_VOID, HFLAGS);

/* three same */
DEF(shadd, do_same, l_shadd)
DEF(uhadd, do_same, l_uhadd)
DEF(srhadd, do_same, l_srhadd)
DEF(urhadd, do_same, l_urhadd)
DEF(shsub, do_same, l_shsub)
DEF(uhsub, do_same, l_uhsub)
DEF(sshl, do_same, l_sshl)
DEF(ushl, do_same, l_ushl)
DEF(srshl, do_same, l_srshl)
DEF(urshl, do_same, l_urshl)
DEF(sqshl, do_same, l_sqshl)
DEF(uqshl, do_same, l_uqshl)
DEF(sqrshl, do_same, l_sqrshl)
DEF(uqrshl, do_same, l_uqrshl)
DEF(saba, do_same, l_saba)
DEF(uaba, do_same, l_uaba)
DEF(pmul, do_same, l_pmul)
DEF(sqdmulh, do_same, l_sqdmulh)
DEF(sqrdmulh, do_same, l_sqrdmulh)
DEF(sqrdmlah, do_same, l_sqrdmlah)
DEF(sqrdmlsh, do_same, l_sqrdmlsh)
/* pairwise */
DEF(addp, do_pairwise, l_add)
DEF(smaxp, do_pairwise, l_smax)
DEF(umaxp, do_pairwise, l_umax)
DEF(sminp, do_pairwise, l_smin)
DEF(uminp, do_pairwise, l_umin)
/* two-register misc */
DEF(cls, do_same, l_cls)
DEF(clz, do_same, l_clz)
DEF(cnt, do_same, l_cnt)
DEF(rbit, do_same, l_rbit)
DEF(sqabs, do_same, l_sqabs)
DEF(sqneg, do_same, l_sqneg)
DEF(suqadd, do_same, l_suqadd)
DEF(usqadd, do_same, l_usqadd)
DEF(saddlp, do_pairlong, l_saddlp)
DEF(uaddlp, do_pairlong, l_uaddlp)
DEF(sadalp, do_pairlong, l_sadalp)
DEF(uadalp, do_pairlong, l_uadalp)
DEF(xtn, do_narrow, l_xtn)
DEF(sqxtn, do_narrow, l_sqxtn)
DEF(uqxtn, do_narrow, l_uqxtn)
DEF(sqxtun, do_narrow, l_sqxtun)
DEF(urecpe, do_same, l_urecpe)
DEF(ursqrte, do_same, l_ursqrte)
/* three different */
DEF(saddl, do_long, l_saddl)
DEF(uaddl, do_long, l_uaddl)
DEF(ssubl, do_long, l_ssubl)
DEF(usubl, do_long, l_usubl)
DEF(sabal, do_long, l_sabal)
DEF(uabal, do_long, l_uabal)
DEF(sabdl, do_long, l_sabdl)
DEF(uabdl, do_long, l_uabdl)
DEF(smlal, do_long, l_smlal)
DEF(umlal, do_long, l_umlal)
DEF(smlsl, do_long, l_smlsl)
DEF(umlsl, do_long, l_umlsl)
DEF(smull, do_long, l_smull)
DEF(umull, do_long, l_umull)
DEF(sqdmull, do_long, l_sqdmull)
DEF(sqdmlal, do_long, l_sqdmlal)
DEF(sqdmlsl, do_long, l_sqdmlsl)
DEF(pmull8, do_long, l_pmull8)
DEF(saddw, do_wide, l_saddw)
DEF(uaddw, do_wide, l_uaddw)
DEF(ssubw, do_wide, l_ssubw)
DEF(usubw, do_wide, l_usubw)
DEF(addhn, do_narrow, l_addhn)
DEF(raddhn, do_narrow, l_raddhn)
DEF(subhn, do_narrow, l_subhn)
DEF(rsubhn, do_narrow, l_rsubhn)
/* shifts by immediate */
DEF(srshr, do_same, l_srshr)
DEF(urshr, do_same, l_urshr)
DEF(ssra, do_same, l_ssra)
DEF(usra, do_same, l_usra)
DEF(srsra, do_same, l_srsra)
DEF(ursra, do_same, l_ursra)
DEF(sri, do_same, l_sri)
DEF(sli, do_same, l_sli)
DEF(sqshl_i, do_same, l_sqshl_i)
DEF(uqshl_i, do_same, l_uqshl_i)
DEF(sqshlu, do_same, l_sqshlu)
DEF(shrn, do_narrow, l_shrn)
DEF(rshrn, do_narrow, l_rshrn)
DEF(sqshrn, do_narrow, l_sqshrn)
DEF(sqrshrn, do_narrow, l_sqrshrn)
DEF(uqshrn, do_narrow, l_uqshrn)
DEF(uqrshrn, do_narrow, l_uqrshrn)
DEF(sqshrun, do_narrow, l_sqshrun)
DEF(sqrshrun, do_narrow, l_sqrshrun)
DEF(sshll, do_long, l_sshll)
DEF(ushll, do_long, l_ushll)

/* ---- across lanes (vece = source size; result one element, rest of Vd zero) ----------------- */

static ALWAYS_INLINE void across_body(CPUARMState *env, uint32_t desc, bool is_signed, bool wide,
                                      int op, unsigned vece, unsigned kind)
{
    unsigned n = k_bytes(vece, kind) >> vece, bits = 8u << vece;
    uint64_t w[2];
    wload(w, env, sd_rn(desc));
    int64_t acc = is_signed ? sext64(wget(w, 0, vece), bits) : (int64_t)wget(w, 0, vece);
    UNROLL for (unsigned i = 1; i < n; i++) {
        int64_t x = is_signed ? sext64(wget(w, i, vece), bits) : (int64_t)wget(w, i, vece);
        if (op == 0)
            acc += x;
        else if (op == 1)
            acc = x > acc ? x : acc;
        else
            acc = x < acc ? x : acc;
    }
    uint64_t r[2] = { 0, 0 };
    wset(r, 0, vece + wide, (uint64_t)acc);
    wstore(env, sd_rd(desc), r, 16);
}
/* vece 0..2 (no 64-bit across-lanes forms), 64- or 128-bit source */
static ALWAYS_INLINE void do_across(CPUARMState *env, uint32_t desc, bool is_signed, bool wide,
                                    int op)   /* 0 add, 1 max, 2 min */
{
    bool q = sd_kind(desc) == SIMD_128;
    switch (sd_vece(desc)) {
    case 0:
        q ? across_body(env, desc, is_signed, wide, op, 0, SIMD_128)
          : across_body(env, desc, is_signed, wide, op, 0, SIMD_64);
        break;
    case 1:
        q ? across_body(env, desc, is_signed, wide, op, 1, SIMD_128)
          : across_body(env, desc, is_signed, wide, op, 1, SIMD_64);
        break;
    default:
        q ? across_body(env, desc, is_signed, wide, op, 2, SIMD_128)
          : across_body(env, desc, is_signed, wide, op, 2, SIMD_64);
        break;
    }
}
#define DEF_ACROSS(name, sgn, wide, op)                                                      \
    static void helper_simd_##name(CPUARMState *env, uint32_t desc)                          \
    {                                                                                        \
        do_across(env, desc, sgn, wide, op);                                                 \
    }                                                                                        \
    const TCGHelper h_simd_##name = TCG_HELPER(helper_simd_##name, TCG_VOID, HFLAGS);
DEF_ACROSS(addv, false, false, 0)
DEF_ACROSS(saddlv, true, true, 0)
DEF_ACROSS(uaddlv, false, true, 0)
DEF_ACROSS(smaxv, true, false, 1)
DEF_ACROSS(umaxv, false, false, 1)
DEF_ACROSS(sminv, true, false, 2)
DEF_ACROSS(uminv, false, false, 2)

/* ---- element reversal (data = log2 of the container size in bytes) ------------------------------ */

static void helper_simd_rev(CPUARMState *env, uint32_t desc)
{
    unsigned vece = sd_vece(desc), bytes = sd_bytes(desc);
    unsigned per = (1u << sd_data(desc)) >> vece;    /* elements per container */
    const ARMVReg *vn = &env->vregs[sd_rn(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < (bytes >> vece); i++)
        vset(&r, i ^ (per - 1), vece, vget(vn, i, vece));
    vwrite(env, sd_rd(desc), &r, bytes);
}
const TCGHelper h_simd_rev = TCG_HELPER(helper_simd_rev, TCG_VOID, HFLAGS);

/* SHLL/SHLL2: widen and shift left by the element size (vece = source size) */
LANE(l_shll) { UNUSED_LANE_ARGS; return UA << BITS; }
DEF(shll, do_long, l_shll)

/* PMULL/PMULL2 with 64-bit elements: the 128-bit polynomial product */
static void helper_simd_pmull64(CPUARMState *env, uint32_t desc)
{
    unsigned h = sd_kind(desc) == SIMD_128;
    uint64_t a = env->vregs[sd_rn(desc)].d[h], b = env->vregs[sd_rm(desc)].d[h];
    uint64_t lo = 0, hi = 0;
    for (unsigned i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            lo ^= a << i;
            hi ^= i ? a >> (64 - i) : 0;
        }
    }
    ARMVReg r = { { lo, hi } };
    vwrite(env, sd_rd(desc), &r, 16);
}
const TCGHelper h_simd_pmull64 = TCG_HELPER(helper_simd_pmull64, TCG_VOID, HFLAGS);
