/*
 * simd-engine.h — the lane loops of the AdvSIMD helpers (helper-simd-*.c):
 * each applies a lane function to the elements the descriptor (simd.h)
 * names, in one of the shapes the ARM ARM's instruction groups use, and
 * writes Vd once at the end (so Vd may be an operand). The loops are
 * always inlined into each helper, so a lane function becomes straight
 * code there.
 *
 * A lane function is
 *     uint64_t fn(uint64_t a, uint64_t b, uint64_t d, unsigned vece,
 *                 unsigned data, CPUARMState *env)
 * a, b: the operand elements (zero-extended; the function sign-extends
 * what it needs), d: the old destination element (accumulating forms),
 * vece: element size log2 as the shape defines it, data: the
 * descriptor's data field, env: for FPSR.QC and env->fp_status.
 *
 * Shapes (vece is the descriptor's):
 *   same       d[i] = fn(n[i], m[i] or m[idx], d[i])        all of size vece
 *   pairwise   d[i] = fn(c[2i], c[2i+1]), c = n:m           (scalar: fn(n[0], n[1]))
 *   long       d[i] (2x) = fn(n[h+i], m[h+i] or m[idx], d[i] (2x)); h = upper half for "2"
 *   wide       d[i] (2x) = fn(n[i] (2x), m[h+i], -)
 *   narrow     d[h+i] = fn(n[i] (2x), m[i] (2x)); "2" keeps the lower half of Vd
 *   pairlong   d[i] (2x) = fn(n[2i], n[2i+1], d[i] (2x))
 *   across     d = fold of n[i] (result size given)
 *
 * By-element forms put SIMD_ELEM | index in data: m is then one element.
 * Follows DDI 0487 C7.2 (the AdvSIMD instruction pages' Elem[] loops).
 */
#ifndef FERRY_TARGET_ARM_SIMD_ENGINE_H
#define FERRY_TARGET_ARM_SIMD_ENGINE_H

#include "target/arm/simd.h"

#define SIMD_ELEM 0x1000u        /* data: m is element (data & 15) */
#define ALWAYS_INLINE inline __attribute__((always_inline))

typedef uint64_t LaneFn(uint64_t a, uint64_t b, uint64_t d, unsigned vece, unsigned data,
                        CPUARMState *env);

/* Element counts and sizes with vece and kind constants (each loop below
 * is instantiated per element size and kind, so they fold). */
static ALWAYS_INLINE unsigned k_bytes(unsigned vece, unsigned kind)
{
    return kind == SIMD_SCALAR ? 1u << vece : kind == SIMD_64 ? 8 : 16;
}
/* narrow elements of a long/wide/narrow shape, and the first one ("2" forms) */
static ALWAYS_INLINE unsigned k_half(unsigned vece, unsigned kind)
{
    return kind == SIMD_SCALAR ? 1 : 8u >> vece;
}
static ALWAYS_INLINE unsigned k_base(unsigned vece, unsigned kind)
{
    return kind == SIMD_128 ? 8u >> vece : 0;
}
/*
 * Lanes are read from and written to 64-bit words held in locals (the
 * registers are loaded as two words and stored as two words): with the
 * element size and count constant and the loops unrolled, every lane
 * access is a shift and a mask in host registers, and no narrow store is
 * followed by a wide load of the same bytes (a store-forwarding stall).
 */
#define UNROLL _Pragma("GCC unroll 16")

static ALWAYS_INLINE uint64_t wget(const uint64_t w[2], unsigned i, unsigned vece)
{
    unsigned bit = i << (vece + 3);
    uint64_t x = w[(bit >> 6) & 1] >> (bit & 63);
    return vece >= 3 ? x : x & ((1ull << (8u << vece)) - 1);
}
static ALWAYS_INLINE void wset(uint64_t r[2], unsigned i, unsigned vece, uint64_t x)
{
    unsigned bit = i << (vece + 3);
    if (vece < 3)
        x &= (1ull << (8u << vece)) - 1;
    r[(bit >> 6) & 1] |= x << (bit & 63);
}
static ALWAYS_INLINE void wload(uint64_t w[2], const CPUARMState *env, unsigned reg)
{
    w[0] = env->vregs[reg].d[0];
    w[1] = env->vregs[reg].d[1];
}
static ALWAYS_INLINE void wstore(CPUARMState *env, unsigned reg, const uint64_t r[2], unsigned bytes)
{
    env->vregs[reg].d[0] = r[0];
    env->vregs[reg].d[1] = bytes > 8 ? r[1] : 0;
}

static ALWAYS_INLINE void same_body(CPUARMState *env, uint32_t desc, LaneFn *fn, unsigned vece,
                                    unsigned kind)
{
    unsigned bytes = k_bytes(vece, kind), n = bytes >> vece, data = sd_data(desc);
    uint64_t wn[2], wm[2], wd[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wm, env, sd_rm(desc));
    wload(wd, env, sd_rd(desc));
    if (data & SIMD_ELEM) {
        /* by element: one element of m for every lane */
        uint64_t b = vget(&env->vregs[sd_rm(desc)], data & 15, vece);
        UNROLL for (unsigned i = 0; i < n; i++)
            wset(r, i, vece, fn(wget(wn, i, vece), b, wget(wd, i, vece), vece, data, env));
    } else {
        UNROLL for (unsigned i = 0; i < n; i++)
            wset(r, i, vece,
                 fn(wget(wn, i, vece), wget(wm, i, vece), wget(wd, i, vece), vece, data, env));
    }
    wstore(env, sd_rd(desc), r, bytes);
}

static ALWAYS_INLINE void pairwise_body(CPUARMState *env, uint32_t desc, LaneFn *fn,
                                        unsigned vece, unsigned kind)
{
    unsigned bytes = k_bytes(vece, kind), n = bytes >> vece, data = sd_data(desc);
    uint64_t wn[2], wm[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wm, env, sd_rm(desc));
    if (n == 1) {   /* scalar: the two elements of n */
        wset(r, 0, vece, fn(wget(wn, 0, vece), wget(wn, 1, vece), 0, vece, data, env));
    } else {
        UNROLL for (unsigned i = 0; i < n; i++) {
            const uint64_t *src = 2 * i < n ? wn : wm;
            unsigned j = 2 * i < n ? 2 * i : 2 * i - n;
            wset(r, i, vece, fn(wget(src, j, vece), wget(src, j + 1, vece), 0, vece, data, env));
        }
    }
    wstore(env, sd_rd(desc), r, bytes);
}

static ALWAYS_INLINE void long_body(CPUARMState *env, uint32_t desc, LaneFn *fn, unsigned vece,
                                    unsigned kind)
{
    unsigned n = k_half(vece, kind), h = k_base(vece, kind), data = sd_data(desc);
    uint64_t wn[2], wm[2], wd[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wm, env, sd_rm(desc));
    wload(wd, env, sd_rd(desc));
    if (data & SIMD_ELEM) {
        uint64_t b = vget(&env->vregs[sd_rm(desc)], data & 15, vece);
        UNROLL for (unsigned i = 0; i < n; i++)
            wset(r, i, vece + 1,
                 fn(wget(wn, h + i, vece), b, wget(wd, i, vece + 1), vece, data, env));
    } else {
        UNROLL for (unsigned i = 0; i < n; i++)
            wset(r, i, vece + 1,
                 fn(wget(wn, h + i, vece), wget(wm, h + i, vece), wget(wd, i, vece + 1), vece,
                    data, env));
    }
    wstore(env, sd_rd(desc), r, n << (vece + 1));
}

static ALWAYS_INLINE void wide_body(CPUARMState *env, uint32_t desc, LaneFn *fn, unsigned vece,
                                    unsigned kind)
{
    unsigned n = k_half(vece, kind), h = k_base(vece, kind), data = sd_data(desc);
    uint64_t wn[2], wm[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wm, env, sd_rm(desc));
    UNROLL for (unsigned i = 0; i < n; i++)
        wset(r, i, vece + 1, fn(wget(wn, i, vece + 1), wget(wm, h + i, vece), 0, vece, data, env));
    wstore(env, sd_rd(desc), r, 16);
}

static ALWAYS_INLINE void narrow_body(CPUARMState *env, uint32_t desc, LaneFn *fn, unsigned vece,
                                      unsigned kind)
{
    unsigned n = k_half(vece, kind), h = k_base(vece, kind), data = sd_data(desc);
    uint64_t wn[2], wm[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wm, env, sd_rm(desc));
    if (h)
        r[0] = env->vregs[sd_rd(desc)].d[0];
    UNROLL for (unsigned i = 0; i < n; i++)
        wset(r, h + i, vece, fn(wget(wn, i, vece + 1), wget(wm, i, vece + 1), 0, vece, data, env));
    wstore(env, sd_rd(desc), r, h ? 16 : n << vece);
}

static ALWAYS_INLINE void pairlong_body(CPUARMState *env, uint32_t desc, LaneFn *fn,
                                        unsigned vece, unsigned kind)
{
    unsigned bytes = k_bytes(vece, kind), n = bytes >> (vece + 1), data = sd_data(desc);
    uint64_t wn[2], wd[2], r[2] = { 0, 0 };
    wload(wn, env, sd_rn(desc));
    wload(wd, env, sd_rd(desc));
    UNROLL for (unsigned i = 0; i < n; i++)
        wset(r, i, vece + 1,
             fn(wget(wn, 2 * i, vece), wget(wn, 2 * i + 1, vece), wget(wd, i, vece + 1), vece,
                data, env));
    wstore(env, sd_rd(desc), r, bytes);
}

/*
 * The entry points: one loop per element size and kind (scalar, 64-bit,
 * 128-bit), so that in each the size and the element count are constants.
 * The widening and narrowing shapes never have 64-bit source/destination
 * elements of the narrow side, so they stop at vece 2.
 */
#define SIMD_KINDS(shape, v)                                                             \
    switch (sd_kind(desc)) {                                                             \
    case SIMD_SCALAR: shape##_body(env, desc, fn, v, SIMD_SCALAR); break;                \
    case SIMD_64: shape##_body(env, desc, fn, v, SIMD_64); break;                        \
    default: shape##_body(env, desc, fn, v, SIMD_128); break;                            \
    }
#define SIMD_DISPATCH(shape)                                                             \
    static ALWAYS_INLINE void do_##shape(CPUARMState *env, uint32_t desc, LaneFn *fn)    \
    {                                                                                    \
        switch (sd_vece(desc)) {                                                         \
        case 0: SIMD_KINDS(shape, 0) break;                                              \
        case 1: SIMD_KINDS(shape, 1) break;                                              \
        case 2: SIMD_KINDS(shape, 2) break;                                              \
        default: SIMD_KINDS(shape, 3) break;                                             \
        }                                                                                \
    }
#define SIMD_DISPATCH_WIDEN(shape)                                                       \
    static ALWAYS_INLINE void do_##shape(CPUARMState *env, uint32_t desc, LaneFn *fn)    \
    {                                                                                    \
        switch (sd_vece(desc)) {                                                         \
        case 0: SIMD_KINDS(shape, 0) break;                                              \
        case 1: SIMD_KINDS(shape, 1) break;                                              \
        default: SIMD_KINDS(shape, 2) break;                                             \
        }                                                                                \
    }
SIMD_DISPATCH(same)
SIMD_DISPATCH(pairwise)
SIMD_DISPATCH_WIDEN(long)
SIMD_DISPATCH_WIDEN(wide)
SIMD_DISPATCH_WIDEN(narrow)
SIMD_DISPATCH_WIDEN(pairlong)

#endif
