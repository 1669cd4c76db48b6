/*
 * helper-simd-perm.c — the AdvSIMD permute helpers: UZP1/UZP2, TRN1/TRN2,
 * ZIP1/ZIP2 (data = which) and TBL/TBX with one to four table registers
 * (data = number of registers - 1 | TBX << 2).
 *
 * Follows DDI 0487 C7.2 UZP1, UZP2, TRN1, TRN2, ZIP1, ZIP2 (element
 * numbering of the pseudocode) and TBL/TBX (table registers Vn..Vn+len
 * modulo 32; an out-of-range index gives 0 for TBL and leaves the
 * destination byte for TBX).
 */
#include "target/arm/simd-helpers.h"
#include "target/arm/simd-engine.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)

enum { P_UZP1 = 1, P_TRN1 = 2, P_ZIP1 = 3, P_UZP2 = 5, P_TRN2 = 6, P_ZIP2 = 7 };

/* One permute, element size and width (constants: the loops unroll to
 * shifts and masks on 64-bit words, see simd-engine.h) */
static ALWAYS_INLINE void perm_body(CPUARMState *env, uint32_t desc, unsigned op, unsigned vece,
                                    unsigned kind)
{
    unsigned n = k_bytes(vece, kind) >> vece, part = op >> 2;
    uint64_t wn[2], wm[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wm, env, sd_rm(desc));
    UNROLL for (unsigned i = 0; i < n; i++) {
        uint64_t x;
        switch (op & 3) {
        case 1: {   /* UZP: concat(m:n) elements 2i + part */
            unsigned k = 2 * i + part;
            x = k < n ? wget(wn, k, vece) : wget(wm, k - n, vece);
            break;
        }
        case 2:     /* TRN: even results from n, odd from m, pair members 2(i/2)+part */
            x = wget((i & 1) ? wm : wn, (i & ~1u) + part, vece);
            break;
        default:    /* ZIP: interleave the lower (part 0) or upper halves */
            x = wget((i & 1) ? wm : wn, part * (n / 2) + i / 2, vece);
            break;
        }
        wset(r, i, vece, x);
    }
    wstore(env, sd_rd(desc), r, k_bytes(vece, kind));
}

#define PERM_KINDS(op, v)                                                                \
    (sd_kind(desc) == SIMD_128 ? perm_body(env, desc, op, v, SIMD_128)                   \
                               : perm_body(env, desc, op, v, SIMD_64))
#define PERM_SIZES(op)                                                                   \
    switch (sd_vece(desc)) {                                                             \
    case 0: PERM_KINDS(op, 0); break;                                                    \
    case 1: PERM_KINDS(op, 1); break;                                                    \
    case 2: PERM_KINDS(op, 2); break;                                                    \
    default: PERM_KINDS(op, 3); break;                                                   \
    }

/* data = the opcode field (bits 14:12) of the permute group */
static void helper_simd_perm(CPUARMState *env, uint32_t desc)
{
    switch (sd_data(desc)) {
    case P_UZP1: PERM_SIZES(P_UZP1) break;
    case P_TRN1: PERM_SIZES(P_TRN1) break;
    case P_ZIP1: PERM_SIZES(P_ZIP1) break;
    case P_UZP2: PERM_SIZES(P_UZP2) break;
    case P_TRN2: PERM_SIZES(P_TRN2) break;
    default: PERM_SIZES(P_ZIP2) break;
    }
}
const TCGHelper h_simd_perm = TCG_HELPER(helper_simd_perm, TCG_VOID, HFLAGS);

static void helper_simd_tbl(CPUARMState *env, uint32_t desc)
{
    unsigned regs = (sd_data(desc) & 3) + 1, bytes = sd_bytes(desc);
    bool tbx = (sd_data(desc) >> 2) & 1;
    uint8_t table[64];
    for (unsigned i = 0; i < regs; i++)
        memcpy(table + 16 * i, env->vregs[(sd_rn(desc) + i) & 31].b, 16);
    const ARMVReg *vm = &env->vregs[sd_rm(desc)], *vd = &env->vregs[sd_rd(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < bytes; i++) {
        unsigned idx = vm->b[i];
        r.b[i] = idx < 16 * regs ? table[idx] : tbx ? vd->b[i] : 0;
    }
    vwrite(env, sd_rd(desc), &r, bytes);
}
const TCGHelper h_simd_tbl = TCG_HELPER(helper_simd_tbl, TCG_VOID, HFLAGS);
