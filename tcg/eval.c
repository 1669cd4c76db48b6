/*
 * eval.c — generic constant evaluation of integer ops for the optimizer,
 * built from the per-width semantics in eval.h.
 */
#include "tcg/eval.h"

static uint64_t eval32(TCGOpcode opc, const uint64_t *in, const uint64_t *c, bool *ok)
{
    uint32_t a = (uint32_t)in[0], b = (uint32_t)in[1];
    switch (opc) {
    case INDEX_op_mov: return a;
    case INDEX_op_add: return a + b;
    case INDEX_op_sub: return a - b;
    case INDEX_op_neg: return -a;
    case INDEX_op_mul: return a * b;
    case INDEX_op_mulsh: return ev_mulsh32(a, b);
    case INDEX_op_muluh: return ev_muluh32(a, b);
    case INDEX_op_div: return ev_div32(a, b);
    case INDEX_op_divu: return ev_divu32(a, b);
    case INDEX_op_rem: return ev_rem32(a, b);
    case INDEX_op_remu: return ev_remu32(a, b);
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b;
    case INDEX_op_orc: return a | ~b;
    case INDEX_op_eqv: return ~(a ^ b);
    case INDEX_op_nand: return ~(a & b);
    case INDEX_op_nor: return ~(a | b);
    case INDEX_op_not: return ~a;
    case INDEX_op_shl: return ev_shl32(a, b);
    case INDEX_op_shr: return ev_shr32(a, b);
    case INDEX_op_sar: return ev_sar32(a, b);
    case INDEX_op_rotl: return ev_rotl32(a, b);
    case INDEX_op_rotr: return ev_rotr32(a, b);
    case INDEX_op_clz: return ev_clz32(a, b);
    case INDEX_op_ctz: return ev_ctz32(a, b);
    case INDEX_op_ctpop: return (uint32_t)__builtin_popcount(a);
    case INDEX_op_ext8s: return (uint32_t)(int32_t)(int8_t)a;
    case INDEX_op_ext8u: return (uint8_t)a;
    case INDEX_op_ext16s: return (uint32_t)(int32_t)(int16_t)a;
    case INDEX_op_ext16u: return (uint16_t)a;
    case INDEX_op_bswap16: return (uint32_t)ev_bswap16(a);
    case INDEX_op_bswap32: return (uint32_t)ev_bswap32(a);
    case INDEX_op_deposit: return (uint32_t)ev_deposit(a, b, (unsigned)c[0], (unsigned)c[1]);
    case INDEX_op_extract: return (uint32_t)ev_extract(a, (unsigned)c[0], (unsigned)c[1]);
    case INDEX_op_sextract:
        return (uint32_t)ev_sextract(a, (unsigned)c[0], (unsigned)c[1]);
    case INDEX_op_extract2: return ev_extract2_32(a, b, (unsigned)c[0]);
    case INDEX_op_setcond: return ev_cond32((TCGCond)c[0], a, b);
    case INDEX_op_negsetcond: return -(uint32_t)ev_cond32((TCGCond)c[0], a, b);
    case INDEX_op_movcond:
        return ev_cond32((TCGCond)c[0], a, b) ? (uint32_t)in[2] : (uint32_t)in[3];
    case INDEX_op_extrl_i64_i32: return (uint32_t)in[0];
    case INDEX_op_extrh_i64_i32: return (uint32_t)(in[0] >> 32);
    default:
        *ok = false;
        return 0;
    }
}

static uint64_t eval64(TCGOpcode opc, const uint64_t *in, const uint64_t *c, bool *ok)
{
    uint64_t a = in[0], b = in[1];
    switch (opc) {
    case INDEX_op_mov: return a;
    case INDEX_op_add: return a + b;
    case INDEX_op_sub: return a - b;
    case INDEX_op_neg: return -a;
    case INDEX_op_mul: return a * b;
    case INDEX_op_mulsh: return ev_mulsh64(a, b);
    case INDEX_op_muluh: return ev_muluh64(a, b);
    case INDEX_op_div: return ev_div64(a, b);
    case INDEX_op_divu: return ev_divu64(a, b);
    case INDEX_op_rem: return ev_rem64(a, b);
    case INDEX_op_remu: return ev_remu64(a, b);
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b;
    case INDEX_op_orc: return a | ~b;
    case INDEX_op_eqv: return ~(a ^ b);
    case INDEX_op_nand: return ~(a & b);
    case INDEX_op_nor: return ~(a | b);
    case INDEX_op_not: return ~a;
    case INDEX_op_shl: return ev_shl64(a, b);
    case INDEX_op_shr: return ev_shr64(a, b);
    case INDEX_op_sar: return ev_sar64(a, b);
    case INDEX_op_rotl: return ev_rotl64(a, b);
    case INDEX_op_rotr: return ev_rotr64(a, b);
    case INDEX_op_clz: return ev_clz64(a, b);
    case INDEX_op_ctz: return ev_ctz64(a, b);
    case INDEX_op_ctpop: return (uint64_t)__builtin_popcountll(a);
    case INDEX_op_ext8s: return (uint64_t)(int64_t)(int8_t)a;
    case INDEX_op_ext8u: return (uint8_t)a;
    case INDEX_op_ext16s: return (uint64_t)(int64_t)(int16_t)a;
    case INDEX_op_ext16u: return (uint16_t)a;
    case INDEX_op_ext32s: return (uint64_t)(int64_t)(int32_t)a;
    case INDEX_op_ext32u: return (uint32_t)a;
    case INDEX_op_bswap16: return ev_bswap16(a);
    case INDEX_op_bswap32: return ev_bswap32(a);
    case INDEX_op_bswap64: return __builtin_bswap64(a);
    case INDEX_op_deposit: return ev_deposit(a, b, (unsigned)c[0], (unsigned)c[1]);
    case INDEX_op_extract: return ev_extract(a, (unsigned)c[0], (unsigned)c[1]);
    case INDEX_op_sextract: return ev_sextract(a, (unsigned)c[0], (unsigned)c[1]);
    case INDEX_op_extract2: return ev_extract2_64(a, b, (unsigned)c[0]);
    case INDEX_op_setcond: return ev_cond64((TCGCond)c[0], a, b);
    case INDEX_op_negsetcond: return -(uint64_t)ev_cond64((TCGCond)c[0], a, b);
    case INDEX_op_movcond: return ev_cond64((TCGCond)c[0], a, b) ? in[2] : in[3];
    case INDEX_op_ext_i32_i64: return (uint64_t)(int64_t)(int32_t)a;
    case INDEX_op_extu_i32_i64: return (uint32_t)a;
    default:
        *ok = false;
        return 0;
    }
}

bool tcg_eval_op(TCGOpcode opc, TCGType type, const uint64_t *in, const uint64_t *c,
                 uint64_t *out)
{
    bool ok = true;
    /* Ops with fewer inputs read in[1] harmlessly: callers pass 4 slots. */
    *out = type == TCG_I32 ? eval32(opc, in, c, &ok) : eval64(opc, in, c, &ok);
    return ok;
}

bool tcg_eval_op2(TCGOpcode opc, TCGType type, const uint64_t *in, uint64_t *lo, uint64_t *hi)
{
    if (type == TCG_I32) {
        uint32_t a = (uint32_t)in[0], b = (uint32_t)in[1];
        uint64_t w;
        switch (opc) {
        case INDEX_op_mulu2: w = (uint64_t)a * b; break;
        case INDEX_op_muls2: w = (uint64_t)((int64_t)(int32_t)a * (int32_t)b); break;
        case INDEX_op_add2:
            w = (((uint64_t)(uint32_t)in[1] << 32) | a) + (((uint64_t)(uint32_t)in[3] << 32) | (uint32_t)in[2]);
            break;
        case INDEX_op_sub2:
            w = (((uint64_t)(uint32_t)in[1] << 32) | a) - (((uint64_t)(uint32_t)in[3] << 32) | (uint32_t)in[2]);
            break;
        default:
            return false;
        }
        *lo = (uint32_t)w;
        *hi = (uint32_t)(w >> 32);
        return true;
    }
    unsigned __int128 w;
    switch (opc) {
    case INDEX_op_mulu2: w = (unsigned __int128)in[0] * in[1]; break;
    case INDEX_op_muls2: w = (unsigned __int128)((__int128)(int64_t)in[0] * (int64_t)in[1]); break;
    case INDEX_op_add2:
        w = (((unsigned __int128)in[1] << 64) | in[0]) + (((unsigned __int128)in[3] << 64) | in[2]);
        break;
    case INDEX_op_sub2:
        w = (((unsigned __int128)in[1] << 64) | in[0]) - (((unsigned __int128)in[3] << 64) | in[2]);
        break;
    default:
        return false;
    }
    *lo = (uint64_t)w;
    *hi = (uint64_t)(w >> 64);
    return true;
}
