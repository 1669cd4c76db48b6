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

static ALWAYS_INLINE unsigned m_index(unsigned data, unsigned i)
{
    return (data & SIMD_ELEM) ? (data & 15) : i;
}

static ALWAYS_INLINE void do_same(CPUARMState *env, uint32_t desc, LaneFn *fn)
{
    unsigned vece = sd_vece(desc), n = sd_elems(desc), data = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vm = &env->vregs[sd_rm(desc)];
    const ARMVReg *vd = &env->vregs[sd_rd(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < n; i++)
        vset(&r, i, vece,
             fn(vget(vn, i, vece), vget(vm, m_index(data, i), vece), vget(vd, i, vece), vece,
                data, env));
    vwrite(env, sd_rd(desc), &r, sd_bytes(desc));
}

static ALWAYS_INLINE void do_pairwise(CPUARMState *env, uint32_t desc, LaneFn *fn)
{
    unsigned vece = sd_vece(desc), n = sd_elems(desc), data = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vm = &env->vregs[sd_rm(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < n; i++) {
        unsigned k = 2 * i;
        const ARMVReg *src = k < n ? vn : vm;
        unsigned j = k < n ? k : k - n;
        vset(&r, i, vece, fn(vget(src, j, vece), vget(src, j + 1, vece), 0, vece, data, env));
    }
    vwrite(env, sd_rd(desc), &r, sd_bytes(desc));
}

/* number of narrow elements of a long/wide/narrow shape */
static ALWAYS_INLINE unsigned half_elems(uint32_t desc)
{
    return sd_kind(desc) == SIMD_SCALAR ? 1 : 8u >> sd_vece(desc);
}
static ALWAYS_INLINE unsigned half_base(uint32_t desc)
{
    return sd_kind(desc) == SIMD_128 ? 8u >> sd_vece(desc) : 0;
}

static ALWAYS_INLINE void do_long(CPUARMState *env, uint32_t desc, LaneFn *fn)
{
    unsigned vece = sd_vece(desc), n = half_elems(desc), h = half_base(desc);
    unsigned data = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vm = &env->vregs[sd_rm(desc)];
    const ARMVReg *vd = &env->vregs[sd_rd(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < n; i++)
        vset(&r, i, vece + 1,
             fn(vget(vn, h + i, vece), vget(vm, (data & SIMD_ELEM) ? (data & 15) : h + i, vece),
                vget(vd, i, vece + 1), vece, data, env));
    vwrite(env, sd_rd(desc), &r, n << (vece + 1));
}

static ALWAYS_INLINE void do_wide(CPUARMState *env, uint32_t desc, LaneFn *fn)
{
    unsigned vece = sd_vece(desc), n = half_elems(desc), h = half_base(desc);
    unsigned data = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vm = &env->vregs[sd_rm(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < n; i++)
        vset(&r, i, vece + 1,
             fn(vget(vn, i, vece + 1), vget(vm, h + i, vece), 0, vece, data, env));
    vwrite(env, sd_rd(desc), &r, 16);
}

static ALWAYS_INLINE void do_narrow(CPUARMState *env, uint32_t desc, LaneFn *fn)
{
    unsigned vece = sd_vece(desc), n = half_elems(desc), h = half_base(desc);
    unsigned data = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vm = &env->vregs[sd_rm(desc)];
    ARMVReg r = { { 0, 0 } };
    if (h)
        r.d[0] = env->vregs[sd_rd(desc)].d[0];
    for (unsigned i = 0; i < n; i++)
        vset(&r, h + i, vece,
             fn(vget(vn, i, vece + 1), vget(vm, i, vece + 1), 0, vece, data, env));
    vwrite(env, sd_rd(desc), &r, h ? 16 : n << vece);
}

static ALWAYS_INLINE void do_pairlong(CPUARMState *env, uint32_t desc, LaneFn *fn)
{
    unsigned vece = sd_vece(desc), n = sd_bytes(desc) >> (vece + 1);
    unsigned data = sd_data(desc);
    const ARMVReg *vn = &env->vregs[sd_rn(desc)], *vd = &env->vregs[sd_rd(desc)];
    ARMVReg r = { { 0, 0 } };
    for (unsigned i = 0; i < n; i++)
        vset(&r, i, vece + 1,
             fn(vget(vn, 2 * i, vece), vget(vn, 2 * i + 1, vece), vget(vd, i, vece + 1), vece,
                data, env));
    vwrite(env, sd_rd(desc), &r, sd_bytes(desc));
}

#endif
