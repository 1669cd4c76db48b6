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
#include "target/arm/simd.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)

enum { P_UZP1 = 1, P_TRN1 = 2, P_ZIP1 = 3, P_UZP2 = 5, P_TRN2 = 6, P_ZIP2 = 7 };

/* data = the opcode field (bits 14:12) of the permute group */
static void helper_simd_perm(CPUARMState *env, uint32_t desc)
{
    unsigned vece = sd_vece(desc), n = sd_elems(desc), op = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vm = &env->vregs[sd_rm(desc)];
    ARMVReg r = { { 0, 0 } };
    unsigned part = op >> 2;    /* 0: the "1" forms, 1: the "2" forms */
    for (unsigned i = 0; i < n; i++) {
        uint64_t x;
        switch (op & 3) {
        case 1: {   /* UZP: concat(m:n) elements 2i + part */
            unsigned k = 2 * i + part;
            x = k < n ? vget(vn, k, vece) : vget(vm, k - n, vece);
            break;
        }
        case 2:     /* TRN: even results from n, odd from m, pair members 2(i/2)+part */
            x = vget((i & 1) ? vm : vn, (i & ~1u) + part, vece);
            break;
        default: {  /* ZIP: interleave the lower (part 0) or upper halves */
            unsigned k = part * (n / 2) + i / 2;
            x = vget((i & 1) ? vm : vn, k, vece);
            break;
        }
        }
        vset(&r, i, vece, x);
    }
    vwrite(env, sd_rd(desc), &r, sd_bytes(desc));
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
