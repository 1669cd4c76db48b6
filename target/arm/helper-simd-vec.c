/*
 * helper-simd-vec.c — the AdvSIMD integer helpers that map one-to-one onto
 * whole-vector operations of the host: compares (register and zero),
 * min/max, absolute difference, MUL/MLA/MLS (also by element), ABS/NEG,
 * the plain shifts by immediate (SSHR, USHR, SHL) and the saturating
 * SQADD/UQADD/SQSUB/UQSUB (overflow found per lane from the wrapped
 * result, FPSR.QC when any active lane saturated). They are written
 * with the GCC/clang vector extensions on 128-bit vectors of the element
 * size, so the compiler emits the host's SIMD instructions (SSE2 on
 * x86-64, AdvSIMD on aarch64) instead of a lane loop; these are the
 * integer operations string and memory routines (glibc's) lean on.
 * Everything else is in helper-simd-int.c (lane loops of simd-engine.h).
 *
 * Semantics as DDI 0487 C7.2 (CMEQ ... CMTST, SMAX/UMAX/SMIN/UMIN, SABD/
 * UABD, MUL/MLA/MLS (vector, by element), ABS, NEG, SSHR/USHR/SHL): the
 * lane result is computed on the whole 16 bytes and only the bytes of the
 * operation (8, 16 or one scalar element) are kept, the rest of Vd zeroed.
 */
#include "target/arm/simd-engine.h"
#include "target/arm/simd-helpers.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)

typedef uint8_t vu8 __attribute__((vector_size(16)));
typedef int8_t vs8 __attribute__((vector_size(16)));
typedef uint16_t vu16 __attribute__((vector_size(16)));
typedef int16_t vs16 __attribute__((vector_size(16)));
typedef uint32_t vu32 __attribute__((vector_size(16)));
typedef int32_t vs32 __attribute__((vector_size(16)));
typedef uint64_t vu64 __attribute__((vector_size(16)));
typedef int64_t vs64 __attribute__((vector_size(16)));

/* Keep `bytes` bytes of r in Vd, zero the rest. */
static ALWAYS_INLINE void vx_store(CPUARMState *env, unsigned rd, vu64 r, unsigned bytes)
{
    uint64_t lo = r[0];
    if (bytes < 8)
        lo &= (1ull << (8 * bytes)) - 1;
    env->vregs[rd].d[0] = lo;
    env->vregs[rd].d[1] = bytes > 8 ? r[1] : 0;
}

/*
 * One body per element size: ua/ub/ud (unsigned lanes), sa/sb (signed
 * lanes), sh (the shift immediate), EXPR of those; a by-element form has
 * ub/sb all equal to the element.
 */
#define VX_SIZE(VU, VS, UT, vece, EXPR)                                                  \
    do {                                                                                 \
        VU ua, ub, ud;                                                                   \
        memcpy(&ua, &env->vregs[sd_rn(desc)], 16);                                       \
        memcpy(&ub, &env->vregs[sd_rm(desc)], 16);                                       \
        memcpy(&ud, &env->vregs[sd_rd(desc)], 16);                                       \
        if (data & SIMD_ELEM) {                                                          \
            UT e = (UT)vget(&env->vregs[sd_rm(desc)], data & 15, vece);                  \
            ub = (VU){ 0 } + e;                                                          \
        }                                                                                \
        VS sa = (VS)ua, sb = (VS)ub;                                                     \
        (void)sa, (void)sb, (void)ud, (void)sh;                                          \
        VU r_ = (VU)(EXPR);                                                              \
        vx_store(env, sd_rd(desc), (vu64)r_, bytes);                                     \
    } while (0)

#define DEF_VX(name, EXPR)                                                               \
    static void helper_simd_##name(CPUARMState *env, uint32_t desc)                      \
    {                                                                                    \
        unsigned data = sd_data(desc), bytes = sd_bytes(desc), sh = data & 0x7f;         \
        switch (sd_vece(desc)) {                                                         \
        case 0: VX_SIZE(vu8, vs8, uint8_t, 0, EXPR); break;                              \
        case 1: VX_SIZE(vu16, vs16, uint16_t, 1, EXPR); break;                           \
        case 2: VX_SIZE(vu32, vs32, uint32_t, 2, EXPR); break;                           \
        default: VX_SIZE(vu64, vs64, uint64_t, 3, EXPR); break;                          \
        }                                                                                \
    }                                                                                    \
    const TCGHelper h_simd_##name = TCG_HELPER(helper_simd_##name, TCG_VOID, HFLAGS);

/* select(m, x, y): x where the mask lane is all ones, else y */
#define VT __typeof__(ua)
#define SEL(m, x, y) (((VT)(m) & (VT)(x)) | (~(VT)(m) & (VT)(y)))

DEF_VX(cmeq, ua == ub)
DEF_VX(cmtst, (ua & ub) != 0)
DEF_VX(cmgt, sa > sb)
DEF_VX(cmge, sa >= sb)
DEF_VX(cmhi, ua > ub)
DEF_VX(cmhs, ua >= ub)
DEF_VX(cmeq0, ua == 0)
DEF_VX(cmgt0, sa > 0)
DEF_VX(cmge0, sa >= 0)
DEF_VX(cmle0, sa <= 0)
DEF_VX(cmlt0, sa < 0)
DEF_VX(smax, SEL(sa > sb, sa, sb))
DEF_VX(smin, SEL(sa < sb, sa, sb))
DEF_VX(umax, SEL(ua > ub, ua, ub))
DEF_VX(umin, SEL(ua < ub, ua, ub))
DEF_VX(sabd, SEL(sa > sb, sa - sb, sb - sa))
DEF_VX(uabd, SEL(ua > ub, ua - ub, ub - ua))
DEF_VX(mul, ua * ub)
DEF_VX(mla, ud + ua * ub)
DEF_VX(mls, ud - ua * ub)
DEF_VX(abs, SEL(sa < 0, -sa, sa))
DEF_VX(neg, -ua)
/* shifts by immediate: USHR/SSHR by 1..esize (esize: 0 / sign), SHL by 0..esize-1 */
DEF_VX(ushr, sh >= 8 * sizeof(ua[0]) ? ua ^ ua : ua >> sh)
DEF_VX(sshr, sa >> (sh >= 8 * sizeof(ua[0]) ? 8 * sizeof(ua[0]) - 1 : sh))
DEF_VX(shl, ua << sh)

/*
 * Saturating add/subtract: the wrapped result and a per-lane overflow mask
 * (all ones where the lane saturates), then the saturated value there.
 * Signed: overflow when the operands' signs make the result's sign
 * impossible; the saturated value is MAX or MIN by the sign of a.
 */
static ALWAYS_INLINE bool any_lane(vu64 ov, unsigned bytes)
{
    uint64_t lo = ov[0], hi = bytes > 8 ? ov[1] : 0;
    if (bytes < 8)
        lo &= (1ull << (8 * bytes)) - 1;
    return (lo | hi) != 0;
}

#define VSAT_SIZE(VU, VS, EXPR_R, EXPR_OV, EXPR_SAT)                                     \
    do {                                                                                 \
        VU ua, ub;                                                                       \
        memcpy(&ua, &env->vregs[sd_rn(desc)], 16);                                       \
        memcpy(&ub, &env->vregs[sd_rm(desc)], 16);                                       \
        VS sa = (VS)ua, sb = (VS)ub;                                                     \
        (void)sa, (void)sb;                                                              \
        VU r = (VU)(EXPR_R);                                                             \
        VS sr = (VS)r;                                                                   \
        (void)sr;                                                                        \
        VU ov = (VU)(EXPR_OV), sat = (VU)(EXPR_SAT);                                     \
        r = (ov & sat) | (~ov & r);                                                      \
        if (any_lane((vu64)ov, bytes))                                                   \
            simd_set_qc(env);                                                            \
        vx_store(env, sd_rd(desc), (vu64)r, bytes);                                      \
    } while (0)

#define DEF_VSAT(name, R, OV, SAT)                                                       \
    static void helper_simd_##name(CPUARMState *env, uint32_t desc)                      \
    {                                                                                    \
        unsigned bytes = sd_bytes(desc);                                                 \
        switch (sd_vece(desc)) {                                                         \
        case 0: { enum { BITS = 8 }; VSAT_SIZE(vu8, vs8, R, OV, SAT); break; }           \
        case 1: { enum { BITS = 16 }; VSAT_SIZE(vu16, vs16, R, OV, SAT); break; }        \
        case 2: { enum { BITS = 32 }; VSAT_SIZE(vu32, vs32, R, OV, SAT); break; }        \
        default: { enum { BITS = 64 }; VSAT_SIZE(vu64, vs64, R, OV, SAT); break; }       \
        }                                                                                \
    }                                                                                    \
    const TCGHelper h_simd_##name = TCG_HELPER(helper_simd_##name, TCG_VOID, HFLAGS);

/* the lane type's MAX where sa >= 0, MIN where sa < 0: (sa >> (BITS-1)) is 0 or -1;
 * MAX ^ -1 = MIN */
#define SAT_BY_SIGN ((sa >> (BITS - 1)) ^ ((sa ^ sa) + (__typeof__(sa[0]))((1ull << (BITS - 1)) - 1)))

DEF_VSAT(sqadd, ua + ub, ((sa ^ sr) & (sb ^ sr)) < 0, SAT_BY_SIGN)
DEF_VSAT(sqsub, ua - ub, ((sa ^ sb) & (sa ^ sr)) < 0, SAT_BY_SIGN)
DEF_VSAT(uqadd, ua + ub, r < ua, ~(ua ^ ua))
DEF_VSAT(uqsub, ua - ub, ua < ub, ua ^ ua)
