/*
 * eval.h — the semantics of the integer ops as C, per width. The IR
 * interpreter and the optimizer's constant folder both use these, so the
 * two can never disagree; the op tests check them against an independent
 * reference, and the differential fuzzer checks the native backends.
 * tcg/README.md states the same rules in words.
 */
#ifndef FERRY_TCG_EVAL_H
#define FERRY_TCG_EVAL_H

#include "tcg/ir.h"

/* Shifts and rotates: count modulo the width. */
static inline uint32_t ev_shl32(uint32_t a, uint32_t b) { return a << (b & 31); }
static inline uint64_t ev_shl64(uint64_t a, uint64_t b) { return a << (b & 63); }
static inline uint32_t ev_shr32(uint32_t a, uint32_t b) { return a >> (b & 31); }
static inline uint64_t ev_shr64(uint64_t a, uint64_t b) { return a >> (b & 63); }
static inline uint32_t ev_sar32(uint32_t a, uint32_t b) { return (uint32_t)((int32_t)a >> (b & 31)); }
static inline uint64_t ev_sar64(uint64_t a, uint64_t b) { return (uint64_t)((int64_t)a >> (b & 63)); }
static inline uint32_t ev_rotl32(uint32_t a, uint32_t b)
{
    b &= 31;
    return b ? (a << b) | (a >> (32 - b)) : a;
}
static inline uint64_t ev_rotl64(uint64_t a, uint64_t b)
{
    b &= 63;
    return b ? (a << b) | (a >> (64 - b)) : a;
}
static inline uint32_t ev_rotr32(uint32_t a, uint32_t b) { return ev_rotl32(a, (32 - (b & 31)) & 31); }
static inline uint64_t ev_rotr64(uint64_t a, uint64_t b) { return ev_rotl64(a, (64 - (b & 63)) & 63); }

/* Division never traps: x/0 = 0, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0. */
static inline uint32_t ev_div32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return 0;
    if ((int32_t)b == -1)
        return -a;   /* also MIN / -1 = MIN */
    return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint64_t ev_div64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return 0;
    if ((int64_t)b == -1)
        return -a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint32_t ev_rem32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if ((int32_t)b == -1)
        return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}
static inline uint64_t ev_rem64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if ((int64_t)b == -1)
        return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint32_t ev_divu32(uint32_t a, uint32_t b) { return b ? a / b : 0; }
static inline uint64_t ev_divu64(uint64_t a, uint64_t b) { return b ? a / b : 0; }
static inline uint32_t ev_remu32(uint32_t a, uint32_t b) { return b ? a % b : a; }
static inline uint64_t ev_remu64(uint64_t a, uint64_t b) { return b ? a % b : a; }

/* High halves of products. */
static inline uint32_t ev_muluh32(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a * b) >> 32); }
static inline uint32_t ev_mulsh32(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int32_t)b) >> 32);
}
static inline uint64_t ev_muluh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
static inline uint64_t ev_mulsh64(uint64_t a, uint64_t b)
{
    return (uint64_t)((unsigned __int128)((__int128)(int64_t)a * (int64_t)b) >> 64);
}

/* Bit counting; z is the result for a zero input. */
static inline uint32_t ev_clz32(uint32_t a, uint32_t z) { return a ? (uint32_t)__builtin_clz(a) : z; }
static inline uint64_t ev_clz64(uint64_t a, uint64_t z) { return a ? (uint64_t)__builtin_clzll(a) : z; }
static inline uint32_t ev_ctz32(uint32_t a, uint32_t z) { return a ? (uint32_t)__builtin_ctz(a) : z; }
static inline uint64_t ev_ctz64(uint64_t a, uint64_t z) { return a ? (uint64_t)__builtin_ctzll(a) : z; }

/* Byte swaps: bswap16 swaps the low two bytes, bswap32 the low four;
 * the result is zero-extended. */
static inline uint64_t ev_bswap16(uint64_t a) { return __builtin_bswap16((uint16_t)a); }
static inline uint64_t ev_bswap32(uint64_t a) { return __builtin_bswap32((uint32_t)a); }

/* Bitfields (pos + len <= width, len >= 1). */
static inline uint64_t ev_field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}
static inline uint64_t ev_deposit(uint64_t a, uint64_t b, unsigned pos, unsigned len)
{
    uint64_t m = ev_field_mask(len) << pos;
    return (a & ~m) | ((b << pos) & m);
}
static inline uint64_t ev_extract(uint64_t a, unsigned pos, unsigned len)
{
    return (a >> pos) & ev_field_mask(len);
}
static inline uint64_t ev_sextract(uint64_t a, unsigned pos, unsigned len)
{
    /* shift the field to the top, then arithmetic shift down */
    return (uint64_t)((int64_t)(a << (64 - pos - len)) >> (64 - len));
}
static inline uint32_t ev_extract2_32(uint32_t lo, uint32_t hi, unsigned pos)
{
    return pos ? (lo >> pos) | (hi << (32 - pos)) : lo;
}
static inline uint64_t ev_extract2_64(uint64_t lo, uint64_t hi, unsigned pos)
{
    return pos ? (lo >> pos) | (hi << (64 - pos)) : lo;
}

static inline bool ev_cond32(TCGCond c, uint32_t a, uint32_t b)
{
    switch (c) {
    case COND_EQ: return a == b;
    case COND_NE: return a != b;
    case COND_LT: return (int32_t)a < (int32_t)b;
    case COND_GE: return (int32_t)a >= (int32_t)b;
    case COND_LE: return (int32_t)a <= (int32_t)b;
    case COND_GT: return (int32_t)a > (int32_t)b;
    case COND_LTU: return a < b;
    case COND_GEU: return a >= b;
    case COND_LEU: return a <= b;
    case COND_GTU: return a > b;
    case COND_TSTEQ: return (a & b) == 0;
    case COND_TSTNE: return (a & b) != 0;
    case COND_ALWAYS: return true;
    default: return false;
    }
}
static inline bool ev_cond64(TCGCond c, uint64_t a, uint64_t b)
{
    switch (c) {
    case COND_EQ: return a == b;
    case COND_NE: return a != b;
    case COND_LT: return (int64_t)a < (int64_t)b;
    case COND_GE: return (int64_t)a >= (int64_t)b;
    case COND_LE: return (int64_t)a <= (int64_t)b;
    case COND_GT: return (int64_t)a > (int64_t)b;
    case COND_LTU: return a < b;
    case COND_GEU: return a >= b;
    case COND_LEU: return a <= b;
    case COND_GTU: return a > b;
    case COND_TSTEQ: return (a & b) == 0;
    case COND_TSTNE: return (a & b) != 0;
    case COND_ALWAYS: return true;
    default: return false;
    }
}
static inline bool ev_cond(TCGType t, TCGCond c, uint64_t a, uint64_t b)
{
    return t == TCG_I32 ? ev_cond32(c, (uint32_t)a, (uint32_t)b) : ev_cond64(c, a, b);
}

/*
 * Generic evaluation of a one-output integer op on constant inputs (used
 * by the folder). in[] holds the inputs (I32 values zero-extended), c[] the
 * constant args. Returns false for ops it does not evaluate. The result of
 * an I32 op is zero-extended.
 */
bool tcg_eval_op(TCGOpcode opc, TCGType type, const uint64_t *in, const uint64_t *c,
                 uint64_t *out);
/* The two results of mulu2/muls2/add2/sub2. */
bool tcg_eval_op2(TCGOpcode opc, TCGType type, const uint64_t *in, uint64_t *lo, uint64_t *hi);

#endif
