/*
 * interp.c — the IR interpreter: the portable backend and the oracle the
 * native backends are tested against.
 *
 * A block's optimized IR is compiled into a bytecode of 8-byte words in the
 * code buffer: a handler address (computed goto) followed by operand words.
 * Every operand is a byte offset from env: globals at their CPU-state
 * offsets, temps and constants in a frame inside the CPU state
 * (TCGEnvLayout.interp_frame_off), so an operand costs one add. I32 values
 * are read and written as 4 bytes, I64 as 8 (little-endian hosts).
 *
 * Frame: word 0 holds env itself (written on entry, so env can be an
 * ordinary operand); constants follow, stored by a `consts` instruction at
 * the start of each block; then temps, whose slots are reused once
 * liveness says they are dead.
 *
 * Chaining works as on a native host: goto_tb's target word holds the
 * address to continue at (the following instruction while unchained) and
 * is patched with one aligned 8-byte store.
 */
#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/eval.h"
#include "tcg/cpu.h"
#include "tcg/ldst.h"
#include "tcg/tcg.h"
#include "tcg/tlb.h"

typedef uint8_t __attribute__((may_alias)) u8a;
typedef uint16_t __attribute__((may_alias)) u16a;
typedef uint32_t __attribute__((may_alias)) u32a;
typedef uint64_t __attribute__((may_alias)) u64a;
/* host ld/st may be unaligned (byte-granular CPU-state fields) */
typedef uint16_t __attribute__((may_alias, aligned(1))) u16u;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32u;
typedef uint64_t __attribute__((may_alias, aligned(1))) u64u;

typedef union IW {
    const void *h;
    uint64_t u;
    struct {
        int32_t a, b;
    } o;
} IW;

__thread uintptr_t tcg_interp_retaddr;

/* Interpreter instructions. Typed ones come in 32- and 64-bit forms. */
#define IBIN(Y) Y(add) Y(sub) Y(mul) Y(mulsh) Y(muluh) Y(div) Y(divu) Y(rem) Y(remu) \
    Y(and) Y(or) Y(xor) Y(andc) Y(orc) Y(eqv) Y(nand) Y(nor) Y(shl) Y(shr) Y(sar) \
    Y(rotl) Y(rotr) Y(clz) Y(ctz)
#define IUN(Y) Y(mov) Y(neg) Y(not) Y(ctpop) Y(ext8s) Y(ext8u) Y(ext16s) Y(ext16u) \
    Y(bswap16) Y(bswap32)
#define ITYPED(Y) Y(setcond) Y(negsetcond) Y(movcond) Y(brcond) Y(mulu2_) Y(muls2_) \
    Y(add2_) Y(sub2_) Y(deposit) Y(extract) Y(sextract) Y(extract2_) \
    Y(ld8u) Y(ld8s) Y(ld16u) Y(ld16s) Y(qemu_ld) Y(qemu_st) Y(vec_dup)
#define IPLAIN(Y) Y(exit) Y(consts) Y(ext32s) Y(ext32u) Y(bswap64) Y(ext_i32_i64) \
    Y(extu_i32_i64) Y(extrl) Y(extrh) Y(ld32u) Y(ld32s) Y(ld32) Y(ld64) Y(st8) Y(st16) \
    Y(st32) Y(st64) Y(call) Y(br) Y(goto_tb) Y(goto_ptr) Y(mb) Y(vec_mov) Y(vec_not) \
    Y(vec_and) Y(vec_or) Y(vec_xor) Y(vec_andc) Y(vec_add) Y(vec_sub)

enum {
#define E2(n) IOP_##n##32, IOP_##n##64,
#define E1(n) IOP_##n,
    IBIN(E2) IUN(E2) ITYPED(E2) IPLAIN(E1)
#undef E2
#undef E1
    NB_IOPS
};

/* ---- semantics of the simple ops per width ------------------------------- */

#define SIMPLE(n, expr) \
    static inline uint32_t f_##n##32(uint32_t a, uint32_t b) { return (expr); } \
    static inline uint64_t f_##n##64(uint64_t a, uint64_t b) { return (expr); }
SIMPLE(add, a + b)
SIMPLE(sub, a - b)
SIMPLE(mul, a * b)
SIMPLE(and, a & b)
SIMPLE(or, a | b)
SIMPLE(xor, a ^ b)
SIMPLE(andc, a & ~b)
SIMPLE(orc, a | ~b)
SIMPLE(eqv, ~(a ^ b))
SIMPLE(nand, ~(a & b))
SIMPLE(nor, ~(a | b))
#undef SIMPLE
#define WRAP(n) \
    static inline uint32_t f_##n##32(uint32_t a, uint32_t b) { return ev_##n##32(a, b); } \
    static inline uint64_t f_##n##64(uint64_t a, uint64_t b) { return ev_##n##64(a, b); }
WRAP(mulsh) WRAP(muluh) WRAP(div) WRAP(divu) WRAP(rem) WRAP(remu) WRAP(shl) WRAP(shr)
WRAP(sar) WRAP(rotl) WRAP(rotr) WRAP(clz) WRAP(ctz)
#undef WRAP

#define UNARY(n, e32, e64) \
    static inline uint32_t u_##n##32(uint32_t a) { return (e32); } \
    static inline uint64_t u_##n##64(uint64_t a) { return (e64); }
UNARY(mov, a, a)
UNARY(neg, -a, -a)
UNARY(not, ~a, ~a)
UNARY(ctpop, (uint32_t)__builtin_popcount(a), (uint64_t)__builtin_popcountll(a))
UNARY(ext8s, (uint32_t)(int32_t)(int8_t)a, (uint64_t)(int64_t)(int8_t)a)
UNARY(ext8u, (uint8_t)a, (uint8_t)a)
UNARY(ext16s, (uint32_t)(int32_t)(int16_t)a, (uint64_t)(int64_t)(int16_t)a)
UNARY(ext16u, (uint16_t)a, (uint16_t)a)
UNARY(bswap16, (uint32_t)ev_bswap16(a), ev_bswap16(a))
UNARY(bswap32, (uint32_t)ev_bswap32(a), ev_bswap32(a))
#undef UNARY

/* ---- vectors ---------------------------------------------------------- */

static void vec_op(int iop, uint8_t *d, const uint8_t *a, const uint8_t *b, uint64_t desc)
{
    unsigned oprsz = vec_oprsz(desc), maxsz = vec_maxsz(desc), vece = vec_vece(desc);
    uint8_t x[16], y[16], r[16];
    memcpy(x, a, oprsz);
    memcpy(y, b, oprsz);
    for (unsigned i = 0; i < oprsz; i += 8) {
        uint64_t p, q, v = 0;
        memcpy(&p, x + i, 8);
        memcpy(&q, y + i, 8);
        switch (iop) {
        case IOP_vec_mov: v = p; break;
        case IOP_vec_not: v = ~p; break;
        case IOP_vec_and: v = p & q; break;
        case IOP_vec_or: v = p | q; break;
        case IOP_vec_xor: v = p ^ q; break;
        case IOP_vec_andc: v = p & ~q; break;
        case IOP_vec_add:
        case IOP_vec_sub: {
            unsigned bits = 8u << vece;
            uint64_t lane = bits == 64 ? ~0ull : (1ull << bits) - 1;
            for (unsigned s = 0; s < 64; s += bits) {
                uint64_t l = (p >> s) & lane, m = (q >> s) & lane;
                uint64_t res = iop == IOP_vec_add ? l + m : l - m;
                v |= (res & lane) << s;
            }
            break;
        }
        }
        memcpy(r + i, &v, 8);
    }
    memcpy(d, r, oprsz);
    if (maxsz > oprsz)
        memset(d + oprsz, 0, maxsz - oprsz);
}

static void vec_dup(uint8_t *d, uint64_t v, uint64_t desc)
{
    unsigned oprsz = vec_oprsz(desc), maxsz = vec_maxsz(desc), vece = vec_vece(desc);
    uint64_t rep;
    switch (vece) {
    case 0: rep = 0x0101010101010101ull * (uint8_t)v; break;
    case 1: rep = 0x0001000100010001ull * (uint16_t)v; break;
    case 2: rep = 0x0000000100000001ull * (uint32_t)v; break;
    default: rep = v; break;
    }
    for (unsigned i = 0; i < oprsz; i += 8)
        memcpy(d + i, &rep, 8);
    if (maxsz > oprsz)
        memset(d + oprsz, 0, maxsz - oprsz);
}

static uint64_t call_helper(uint64_t fn, unsigned n, const uint64_t *a)
{
    /* Every helper argument and result is a 64-bit register on the hosts
     * ferry supports (see TCGHelper in ir.h). */
    typedef uint64_t F0(void);
    typedef uint64_t F1(uint64_t);
    typedef uint64_t F2(uint64_t, uint64_t);
    typedef uint64_t F3(uint64_t, uint64_t, uint64_t);
    typedef uint64_t F4(uint64_t, uint64_t, uint64_t, uint64_t);
    typedef uint64_t F5(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
    typedef uint64_t F6(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
    void *f = (void *)(uintptr_t)fn;
    switch (n) {
    case 0: return ((F0 *)f)();
    case 1: return ((F1 *)f)(a[0]);
    case 2: return ((F2 *)f)(a[0], a[1]);
    case 3: return ((F3 *)f)(a[0], a[1], a[2]);
    case 4: return ((F4 *)f)(a[0], a[1], a[2], a[3]);
    case 5: return ((F5 *)f)(a[0], a[1], a[2], a[3], a[4]);
    default: return ((F6 *)f)(a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}

/* ---- guest memory: the TLB fast path in C ------------------------------------ */

/* The host address for an access if the TLB entry allows it inline (same
 * test as the native fast path, tcg/tlb.h), else NULL. */
static inline uint8_t *tlb_fast(CPUState *cpu, uint64_t addr, MemOpIdx oi, bool store)
{
    MemOp mop = get_memop(oi);
    unsigned mmu = get_mmuidx(oi), size = memop_size(mop), align = memop_align(mop);
    if (mmu >= TCG_MAX_MMU_MODES || (mop & MO_BSWAP))
        return NULL;
    const CPUTLBEntry *e = &cpu->tlb_table[mmu][(addr >> TARGET_PAGE_BITS) & (TLB_SIZE - 1)];
    uint64_t cmp = (addr + (size > align ? size - align : 0)) & (TARGET_PAGE_MASK | (align - 1));
    if (cmp != (store ? e->addr_write : e->addr_read))
        return NULL;
    return (uint8_t *)(uintptr_t)(addr + e->addend);
}

static uint64_t interp_ld(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    uint8_t *h = tlb_fast(cpu, addr, oi, false);
    if (!h)
        return tcg_helper_ld(cpu, addr, oi, ra);
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    uint64_t v = 0;
    memcpy(&v, h, size);
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    cpu->counters[TCG_COUNTER_TLB_FAST]++;
    return v;
}

static void interp_st(CPUState *cpu, uint64_t addr, uint64_t v, MemOpIdx oi, uintptr_t ra)
{
    uint8_t *h = tlb_fast(cpu, addr, oi, true);
    if (!h) {
        tcg_helper_st(cpu, addr, v, oi, ra);
        return;
    }
    memcpy(h, &v, memop_size(get_memop(oi)));
    cpu->counters[TCG_COUNTER_TLB_FAST]++;
}

/* ---- the interpreter loop ------------------------------------------------ */

static const IW *return_zero_code;

/* With env == NULL: returns the handler table (as a uintptr_t). */
static uintptr_t interp_run(uint8_t *env, const IW *pc, int32_t frame_off)
{
    static const void *const table[NB_IOPS] = {
#define T2(n) [IOP_##n##32] = &&L_##n##32, [IOP_##n##64] = &&L_##n##64,
#define T1(n) [IOP_##n] = &&L_##n,
        IBIN(T2) IUN(T2) ITYPED(T2) IPLAIN(T1)
#undef T2
#undef T1
    };
    if (!env)
        return (uintptr_t)table;

#define R8(o) (*(u8a *)(env + (o)))
#define R16(o) (*(u16a *)(env + (o)))
#define R32(o) (*(u32a *)(env + (o)))
#define R64(o) (*(u64a *)(env + (o)))
#define NEXT(n) do { pc += (n); goto *pc->h; } while (0)
#define OA(i) pc[i].o.a
#define OB(i) pc[i].o.b

    R64(frame_off) = (uint64_t)(uintptr_t)env;
    goto *pc->h;

    /* d = a OP b: [h][d,a][b,-] */
#define H_BIN(n) \
    L_##n##32: R32(OA(1)) = f_##n##32(R32(OB(1)), R32(OA(2))); NEXT(3); \
    L_##n##64: R64(OA(1)) = f_##n##64(R64(OB(1)), R64(OA(2))); NEXT(3);
    IBIN(H_BIN)
#undef H_BIN

    /* d = OP a: [h][d,a] */
#define H_UN(n) \
    L_##n##32: R32(OA(1)) = u_##n##32(R32(OB(1))); NEXT(2); \
    L_##n##64: R64(OA(1)) = u_##n##64(R64(OB(1))); NEXT(2);
    IUN(H_UN)
#undef H_UN

L_exit:
    return (uintptr_t)pc[1].u;

L_consts: {
    /* [h][n] then n x ([off,-][value]) */
    uint64_t n = pc[1].u;
    const IW *c = pc + 2;
    for (uint64_t i = 0; i < n; i++, c += 2)
        R64(c[0].o.a) = c[1].u;
    pc = c;
    goto *pc->h;
}

    /* [h][d,a][b,cond] */
L_setcond32: R32(OA(1)) = ev_cond32((TCGCond)OB(2), R32(OB(1)), R32(OA(2))); NEXT(3);
L_setcond64: R64(OA(1)) = ev_cond64((TCGCond)OB(2), R64(OB(1)), R64(OA(2))); NEXT(3);
L_negsetcond32: R32(OA(1)) = -(uint32_t)ev_cond32((TCGCond)OB(2), R32(OB(1)), R32(OA(2))); NEXT(3);
L_negsetcond64: R64(OA(1)) = -(uint64_t)ev_cond64((TCGCond)OB(2), R64(OB(1)), R64(OA(2))); NEXT(3);
    /* [h][d,c1][c2,v1][v2,cond] */
L_movcond32:
    R32(OA(1)) = ev_cond32((TCGCond)OB(3), R32(OB(1)), R32(OA(2))) ? R32(OB(2)) : R32(OA(3));
    NEXT(4);
L_movcond64:
    R64(OA(1)) = ev_cond64((TCGCond)OB(3), R64(OB(1)), R64(OA(2))) ? R64(OB(2)) : R64(OA(3));
    NEXT(4);
    /* [h][a,b][cond,-][target] */
L_brcond32:
    if (ev_cond32((TCGCond)OA(2), R32(OA(1)), R32(OB(1)))) {
        pc = (const IW *)pc[3].u;
        goto *pc->h;
    }
    NEXT(4);
L_brcond64:
    if (ev_cond64((TCGCond)OA(2), R64(OA(1)), R64(OB(1)))) {
        pc = (const IW *)pc[3].u;
        goto *pc->h;
    }
    NEXT(4);
L_br:
    pc = (const IW *)pc[1].u;
    goto *pc->h;

    /* [h][lo,hi][a,b] */
L_mulu2_32: {
    uint64_t r = (uint64_t)R32(OA(2)) * R32(OB(2));
    R32(OA(1)) = (uint32_t)r;
    R32(OB(1)) = (uint32_t)(r >> 32);
    NEXT(3);
}
L_mulu2_64: {
    unsigned __int128 r = (unsigned __int128)R64(OA(2)) * R64(OB(2));
    R64(OA(1)) = (uint64_t)r;
    R64(OB(1)) = (uint64_t)(r >> 64);
    NEXT(3);
}
L_muls2_32: {
    int64_t r = (int64_t)(int32_t)R32(OA(2)) * (int32_t)R32(OB(2));
    R32(OA(1)) = (uint32_t)r;
    R32(OB(1)) = (uint32_t)((uint64_t)r >> 32);
    NEXT(3);
}
L_muls2_64: {
    __int128 r = (__int128)(int64_t)R64(OA(2)) * (int64_t)R64(OB(2));
    R64(OA(1)) = (uint64_t)r;
    R64(OB(1)) = (uint64_t)((unsigned __int128)r >> 64);
    NEXT(3);
}
    /* [h][lo,hi][al,ah][bl,bh] */
L_add2_32: {
    uint64_t a = ((uint64_t)R32(OB(2)) << 32) | R32(OA(2));
    uint64_t b = ((uint64_t)R32(OB(3)) << 32) | R32(OA(3));
    uint64_t r = a + b;
    R32(OA(1)) = (uint32_t)r;
    R32(OB(1)) = (uint32_t)(r >> 32);
    NEXT(4);
}
L_add2_64: {
    unsigned __int128 a = ((unsigned __int128)R64(OB(2)) << 64) | R64(OA(2));
    unsigned __int128 b = ((unsigned __int128)R64(OB(3)) << 64) | R64(OA(3));
    unsigned __int128 r = a + b;
    R64(OA(1)) = (uint64_t)r;
    R64(OB(1)) = (uint64_t)(r >> 64);
    NEXT(4);
}
L_sub2_32: {
    uint64_t a = ((uint64_t)R32(OB(2)) << 32) | R32(OA(2));
    uint64_t b = ((uint64_t)R32(OB(3)) << 32) | R32(OA(3));
    uint64_t r = a - b;
    R32(OA(1)) = (uint32_t)r;
    R32(OB(1)) = (uint32_t)(r >> 32);
    NEXT(4);
}
L_sub2_64: {
    unsigned __int128 a = ((unsigned __int128)R64(OB(2)) << 64) | R64(OA(2));
    unsigned __int128 b = ((unsigned __int128)R64(OB(3)) << 64) | R64(OA(3));
    unsigned __int128 r = a - b;
    R64(OA(1)) = (uint64_t)r;
    R64(OB(1)) = (uint64_t)(r >> 64);
    NEXT(4);
}

    /* [h][d,a][b, pos | len << 8] */
L_deposit32:
    R32(OA(1)) = (uint32_t)ev_deposit(R32(OB(1)), R32(OA(2)), OB(2) & 0xff, OB(2) >> 8);
    NEXT(3);
L_deposit64:
    R64(OA(1)) = ev_deposit(R64(OB(1)), R64(OA(2)), OB(2) & 0xff, OB(2) >> 8);
    NEXT(3);
    /* [h][d,a][pos | len << 8, -] */
L_extract32: R32(OA(1)) = (uint32_t)ev_extract(R32(OB(1)), OA(2) & 0xff, OA(2) >> 8); NEXT(3);
L_extract64: R64(OA(1)) = ev_extract(R64(OB(1)), OA(2) & 0xff, OA(2) >> 8); NEXT(3);
L_sextract32: R32(OA(1)) = (uint32_t)ev_sextract(R32(OB(1)), OA(2) & 0xff, OA(2) >> 8); NEXT(3);
L_sextract64: R64(OA(1)) = ev_sextract(R64(OB(1)), OA(2) & 0xff, OA(2) >> 8); NEXT(3);
    /* [h][d,lo][hi,pos] */
L_extract2_32: R32(OA(1)) = ev_extract2_32(R32(OB(1)), R32(OA(2)), (unsigned)OB(2)); NEXT(3);
L_extract2_64: R64(OA(1)) = ev_extract2_64(R64(OB(1)), R64(OA(2)), (unsigned)OB(2)); NEXT(3);

L_ext32s: R64(OA(1)) = (uint64_t)(int64_t)(int32_t)R64(OB(1)); NEXT(2);
L_ext32u: R64(OA(1)) = (uint32_t)R64(OB(1)); NEXT(2);
L_bswap64: R64(OA(1)) = __builtin_bswap64(R64(OB(1))); NEXT(2);
L_ext_i32_i64: R64(OA(1)) = (uint64_t)(int64_t)(int32_t)R32(OB(1)); NEXT(2);
L_extu_i32_i64: R64(OA(1)) = R32(OB(1)); NEXT(2);
L_extrl: R32(OA(1)) = (uint32_t)R64(OB(1)); NEXT(2);
L_extrh: R32(OA(1)) = (uint32_t)(R64(OB(1)) >> 32); NEXT(2);

    /* host state: [h][v,base][off,-] */
#define HADDR ((uint8_t *)(uintptr_t)R64(OB(1)) + OA(2))
L_ld8u32: R32(OA(1)) = *(u8a *)HADDR; NEXT(3);
L_ld8u64: R64(OA(1)) = *(u8a *)HADDR; NEXT(3);
L_ld8s32: R32(OA(1)) = (uint32_t)(int32_t)*(int8_t *)HADDR; NEXT(3);
L_ld8s64: R64(OA(1)) = (uint64_t)(int64_t)*(int8_t *)HADDR; NEXT(3);
L_ld16u32: R32(OA(1)) = *(u16u *)HADDR; NEXT(3);
L_ld16u64: R64(OA(1)) = *(u16u *)HADDR; NEXT(3);
L_ld16s32: R32(OA(1)) = (uint32_t)(int32_t)(int16_t)*(u16u *)HADDR; NEXT(3);
L_ld16s64: R64(OA(1)) = (uint64_t)(int64_t)(int16_t)*(u16u *)HADDR; NEXT(3);
L_ld32u: R64(OA(1)) = *(u32u *)HADDR; NEXT(3);
L_ld32s: R64(OA(1)) = (uint64_t)(int64_t)(int32_t)*(u32u *)HADDR; NEXT(3);
L_ld32: R32(OA(1)) = *(u32u *)HADDR; NEXT(3);
L_ld64: R64(OA(1)) = *(u64u *)HADDR; NEXT(3);
L_st8: *(u8a *)HADDR = R8(OA(1)); NEXT(3);
L_st16: *(u16u *)HADDR = R16(OA(1)); NEXT(3);
L_st32: *(u32u *)HADDR = R32(OA(1)); NEXT(3);
L_st64: *(u64u *)HADDR = R64(OA(1)); NEXT(3);
#undef HADDR

    /* guest memory: [h][v,addr][oi,cpu_off] */
L_qemu_ld32:
    R32(OA(1)) = (uint32_t)interp_ld((CPUState *)(env + OB(2)), R64(OB(1)), (MemOpIdx)OA(2),
                                         (uintptr_t)(pc + 3));
    NEXT(3);
L_qemu_ld64:
    R64(OA(1)) = interp_ld((CPUState *)(env + OB(2)), R64(OB(1)), (MemOpIdx)OA(2),
                               (uintptr_t)(pc + 3));
    NEXT(3);
L_qemu_st32:
    interp_st((CPUState *)(env + OB(2)), R64(OB(1)), R32(OA(1)), (MemOpIdx)OA(2),
                  (uintptr_t)(pc + 3));
    NEXT(3);
L_qemu_st64:
    interp_st((CPUState *)(env + OB(2)), R64(OB(1)), R64(OA(1)), (MemOpIdx)OA(2),
                  (uintptr_t)(pc + 3));
    NEXT(3);

    /* [h][fn][ret, info][args...]: info = nargs | argwidth bits << 8 | ret type << 16 */
L_call: {
    uint32_t info = (uint32_t)OB(2);
    unsigned n = info & 7;
    uint64_t av[TCG_MAX_HELPER_ARGS];
    for (unsigned i = 0; i < n; i++) {
        int32_t off = (i & 1) ? pc[3 + i / 2].o.b : pc[3 + i / 2].o.a;
        av[i] = (info >> (8 + i)) & 1 ? R64(off) : R32(off);
    }
    const IW *next = pc + 3 + (n + 1) / 2;
    tcg_interp_retaddr = (uintptr_t)next;
    uint64_t r = call_helper(pc[1].u, n, av);
    switch ((info >> 16) & 3) {
    case TCG_I32: R32(OA(2)) = (uint32_t)r; break;
    case TCG_I64: R64(OA(2)) = r; break;
    default: break;
    }
    pc = next;
    goto *pc->h;
}

L_goto_tb:
    /* [h][target]: the next instruction while unchained */
    pc = (const IW *)__atomic_load_n(&pc[1].u, __ATOMIC_RELAXED);
    goto *pc->h;
L_goto_ptr:
    pc = (const IW *)(uintptr_t)R64(OA(1));
    goto *pc->h;
L_mb:
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    NEXT(1);

    /* [h][d,a][b,-][desc] */
L_vec_mov: L_vec_not: L_vec_and: L_vec_or: L_vec_xor: L_vec_andc: L_vec_add: L_vec_sub: {
    int iop = (int)(pc[3].u >> 32);
    vec_op(iop, env + OA(1), env + OB(1), env + OA(2), pc[3].u & 0xffffffff);
    NEXT(4);
}
    /* [h][v,d][desc] */
L_vec_dup32: vec_dup(env + OB(1), R32(OA(1)), pc[2].u); NEXT(3);
L_vec_dup64: vec_dup(env + OB(1), R64(OA(1)), pc[2].u); NEXT(3);
#undef NEXT
}

static const void *const *handlers(void)
{
    static const void *const *tbl;
    if (!tbl)
        tbl = (const void *const *)interp_run(NULL, NULL, 0);
    return tbl;
}

/* ---- compiling IR to bytecode -------------------------------------------- */

typedef struct Reloc {
    uint32_t label;
    uint32_t word;     /* index of the word that gets the label address */
} Reloc;

typedef struct Comp {
    TCGContext *s;
    IW *w;             /* output words (RW) */
    IW *rx;            /* the same words as executed */
    uint32_t n, cap;
    bool overflow;
    int32_t *slot;     /* per temp: frame offset or INT32_MIN */
    int32_t *free_slots;
    uint32_t nfree, next_slot, max_slots;
    uint32_t *label_pos;
    Reloc *relocs;
    uint32_t nrelocs, relocs_cap;
} Comp;

static void put(Comp *c, IW w)
{
    if (c->n >= c->cap) {
        c->overflow = true;
        return;
    }
    c->w[c->n++] = w;
}

static void put_h(Comp *c, int iop) { put(c, (IW){ .h = handlers()[iop] }); }
static void put_u(Comp *c, uint64_t u) { put(c, (IW){ .u = u }); }
static void put_pair(Comp *c, int32_t a, int32_t b) { put(c, (IW){ .o = { a, b } }); }

static int32_t new_slot(Comp *c)
{
    if (c->nfree)
        return c->free_slots[--c->nfree];
    if (c->next_slot >= c->max_slots) {
        c->overflow = true;
        return c->s->layout.interp_frame_off;
    }
    return c->s->layout.interp_frame_off + 8 * (int32_t)c->next_slot++;
}

static int32_t opnd(Comp *c, uint64_t t)
{
    const TCGTemp *tp = &c->s->temps[t];
    switch (tp->kind) {
    case TEMP_GLOBAL:
        return tp->mem_off;
    case TEMP_FIXED:
        return c->s->layout.interp_frame_off;
    default:
        if (c->slot[t] == INT32_MIN)
            c->slot[t] = new_slot(c);
        return c->slot[t];
    }
}

/* Release slots of plain temps that die at this op. */
static void release_dead(Comp *c, const TCGOp *op)
{
    for (int a = 0; a < op->nout + op->nin; a++) {
        uint64_t t = op->args[a];
        if (!(op->life & LIFE_DEAD(a)) || c->s->temps[t].kind != TEMP_BB || c->slot[t] == INT32_MIN)
            continue;
        /* an input that is also written here holds the new value now */
        bool rewritten = false;
        for (int o = 0; o < op->nout && a >= op->nout; o++)
            rewritten |= op->args[o] == t;
        if (rewritten)
            continue;
        c->free_slots[c->nfree++] = c->slot[t];
        c->slot[t] = INT32_MIN;
    }
}

static int tsel(const TCGOp *op, int iop32)
{
    return iop32 + (op->type == TCG_I64);
}

static void compile_op(Comp *c, const TCGOp *op)
{
    TCGContext *s = c->s;
    TCGOpcode opc = (TCGOpcode)op->opc;
    const uint64_t *A = op->args;
    int32_t cpu_off = s->layout.cpu_off;

    switch (opc) {
#define C_BIN(n) case INDEX_op_##n: \
        put_h(c, tsel(op, IOP_##n##32)); \
        put_pair(c, opnd(c, A[0]), opnd(c, A[1])); \
        put_pair(c, opnd(c, A[2]), 0); \
        break;
    IBIN(C_BIN)
#undef C_BIN
#define C_UN(n) case INDEX_op_##n: \
        put_h(c, tsel(op, IOP_##n##32)); \
        put_pair(c, opnd(c, A[0]), opnd(c, A[1])); \
        break;
    IUN(C_UN)
#undef C_UN
#define C_PLAIN(n, iop) case INDEX_op_##n: \
        put_h(c, iop); \
        put_pair(c, opnd(c, A[0]), opnd(c, A[1])); \
        break;
    C_PLAIN(ext32s, IOP_ext32s)
    C_PLAIN(ext32u, IOP_ext32u)
    C_PLAIN(bswap64, IOP_bswap64)
    C_PLAIN(ext_i32_i64, IOP_ext_i32_i64)
    C_PLAIN(extu_i32_i64, IOP_extu_i32_i64)
    C_PLAIN(extrl_i64_i32, IOP_extrl)
    C_PLAIN(extrh_i64_i32, IOP_extrh)
#undef C_PLAIN
    case INDEX_op_setcond:
    case INDEX_op_negsetcond:
        put_h(c, tsel(op, opc == INDEX_op_setcond ? IOP_setcond32 : IOP_negsetcond32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, opnd(c, A[2]), (int32_t)A[3]);
        break;
    case INDEX_op_movcond:
        put_h(c, tsel(op, IOP_movcond32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, opnd(c, A[2]), opnd(c, A[3]));
        put_pair(c, opnd(c, A[4]), (int32_t)A[5]);
        break;
    case INDEX_op_mulu2:
    case INDEX_op_muls2:
        put_h(c, tsel(op, opc == INDEX_op_mulu2 ? IOP_mulu2_32 : IOP_muls2_32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, opnd(c, A[2]), opnd(c, A[3]));
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2:
        put_h(c, tsel(op, opc == INDEX_op_add2 ? IOP_add2_32 : IOP_sub2_32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, opnd(c, A[2]), opnd(c, A[3]));
        put_pair(c, opnd(c, A[4]), opnd(c, A[5]));
        break;
    case INDEX_op_deposit:
        put_h(c, tsel(op, IOP_deposit32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, opnd(c, A[2]), (int32_t)(A[3] | A[4] << 8));
        break;
    case INDEX_op_extract:
    case INDEX_op_sextract:
        put_h(c, tsel(op, opc == INDEX_op_extract ? IOP_extract32 : IOP_sextract32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, (int32_t)(A[2] | A[3] << 8), 0);
        break;
    case INDEX_op_extract2:
        put_h(c, tsel(op, IOP_extract2_32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, opnd(c, A[2]), (int32_t)A[3]);
        break;
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_ld:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st: {
        int iop;
        switch (opc) {
        case INDEX_op_ld8u: iop = tsel(op, IOP_ld8u32); break;
        case INDEX_op_ld8s: iop = tsel(op, IOP_ld8s32); break;
        case INDEX_op_ld16u: iop = tsel(op, IOP_ld16u32); break;
        case INDEX_op_ld16s: iop = tsel(op, IOP_ld16s32); break;
        case INDEX_op_ld32u: iop = IOP_ld32u; break;
        case INDEX_op_ld32s: iop = IOP_ld32s; break;
        case INDEX_op_ld: iop = op->type == TCG_I64 ? IOP_ld64 : IOP_ld32; break;
        case INDEX_op_st8: iop = IOP_st8; break;
        case INDEX_op_st16: iop = IOP_st16; break;
        case INDEX_op_st32: iop = IOP_st32; break;
        default: iop = op->type == TCG_I64 ? IOP_st64 : IOP_st32; break;
        }
        put_h(c, iop);
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, (int32_t)A[2], 0);
        break;
    }
    case INDEX_op_qemu_ld:
    case INDEX_op_qemu_st:
        put_h(c, tsel(op, opc == INDEX_op_qemu_ld ? IOP_qemu_ld32 : IOP_qemu_st32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, (int32_t)make_memop_idx((MemOp)A[2], (unsigned)A[3]), cpu_off);
        break;
    case INDEX_op_call: {
        const TCGHelper *h = op_helper(op);
        uint32_t info = op->nin | ((uint32_t)(op->nout ? h->ret : TCG_VOID) << 16);
        for (int i = 0; i < op->nin; i++)
            if (s->temps[A[op->nout + i]].type == TCG_I64)
                info |= 1u << (8 + i);
        put_h(c, IOP_call);
        put_u(c, (uintptr_t)h->fn);
        put_pair(c, op->nout ? opnd(c, A[0]) : 0, (int32_t)info);
        for (int i = 0; i < op->nin; i += 2)
            put_pair(c, opnd(c, A[op->nout + i]), i + 1 < op->nin ? opnd(c, A[op->nout + i + 1]) : 0);
        break;
    }
    case INDEX_op_brcond:
        put_h(c, tsel(op, IOP_brcond32));
        put_pair(c, opnd(c, A[0]), opnd(c, A[1]));
        put_pair(c, (int32_t)A[2], 0);
        goto reloc;
    case INDEX_op_br:
        put_h(c, IOP_br);
    reloc:
        if (c->nrelocs == c->relocs_cap) {
            c->relocs_cap = c->relocs_cap ? c->relocs_cap * 2 : 16;
            c->relocs = xrealloc(c->relocs, c->relocs_cap * sizeof(Reloc));
        }
        c->relocs[c->nrelocs++] = (Reloc){ (uint32_t)A[op->nout + op->nin + (opc == INDEX_op_brcond)], c->n };
        put_u(c, 0);
        break;
    case INDEX_op_set_label:
        c->label_pos[A[0]] = c->n;
        break;
    case INDEX_op_insn_start:
        tcg_insn_start(s, (uint32_t)(c->n * sizeof(IW)), A);
        break;
    case INDEX_op_goto_tb:
        put_h(c, IOP_goto_tb);
        s->goto_tb_off[A[0]] = c->n * sizeof(IW);
        s->goto_tb_reset[A[0]] = (c->n + 1) * sizeof(IW);
        put_u(c, (uintptr_t)(c->rx + c->n + 1));
        break;
    case INDEX_op_exit_tb:
        put_h(c, IOP_exit);
        put_u(c, A[0]);
        break;
    case INDEX_op_goto_ptr:
        put_h(c, IOP_goto_ptr);
        put_pair(c, opnd(c, A[0]), 0);
        break;
    case INDEX_op_mb:
        put_h(c, IOP_mb);
        break;
    case INDEX_op_vec_dup:
        put_h(c, tsel(op, IOP_vec_dup32));
        put_pair(c, opnd(c, A[0]), (int32_t)A[1]);
        put_u(c, A[2]);
        break;
    case INDEX_op_vec_mov: case INDEX_op_vec_not: case INDEX_op_vec_and: case INDEX_op_vec_or:
    case INDEX_op_vec_xor: case INDEX_op_vec_andc: case INDEX_op_vec_add: case INDEX_op_vec_sub: {
        static const int map[] = {
            [INDEX_op_vec_mov - INDEX_op_vec_mov] = IOP_vec_mov,
            [INDEX_op_vec_not - INDEX_op_vec_mov] = IOP_vec_not,
            [INDEX_op_vec_and - INDEX_op_vec_mov] = IOP_vec_and,
            [INDEX_op_vec_or - INDEX_op_vec_mov] = IOP_vec_or,
            [INDEX_op_vec_xor - INDEX_op_vec_mov] = IOP_vec_xor,
            [INDEX_op_vec_andc - INDEX_op_vec_mov] = IOP_vec_andc,
            [INDEX_op_vec_add - INDEX_op_vec_mov] = IOP_vec_add,
            [INDEX_op_vec_sub - INDEX_op_vec_mov] = IOP_vec_sub,
        };
        int iop = map[opc - INDEX_op_vec_mov];
        bool two = opc == INDEX_op_vec_mov || opc == INDEX_op_vec_not;
        uint64_t desc = two ? A[2] : A[3];
        put_h(c, iop);
        put_pair(c, (int32_t)A[0], (int32_t)A[1]);
        put_pair(c, two ? (int32_t)A[1] : (int32_t)A[2], 0);
        put_u(c, (desc & 0xffffffff) | ((uint64_t)iop << 32));
        break;
    }
    case INDEX_op_nop:
    case INDEX_op_discard:
        break;
    default:
        fprintf(stderr, "ferry: interp: op %s not handled\n", tcg_op_defs[opc].name);
        abort();
    }
    release_dead(c, op);
}

static long interp_gen(TCGContext *s, uint8_t *rw, size_t avail)
{
    if ((uintptr_t)rw % 8 || s->layout.interp_frame_size < 16 || s->layout.interp_frame_off % 8) {
        fprintf(stderr, "ferry: interp: misaligned code buffer or missing frame\n");
        abort();
    }
    Comp c = {
        .s = s,
        .w = (IW *)rw,
        .rx = (IW *)codebuf_rx(s->cb, rw),
        .cap = (uint32_t)MIN(avail / sizeof(IW), (size_t)UINT32_MAX),
        .max_slots = s->layout.interp_frame_size / 8,
        .next_slot = 1,   /* slot 0: env */
    };
    c.slot = xmalloc(s->nb_temps * sizeof(int32_t));
    for (uint32_t i = 0; i < s->nb_temps; i++)
        c.slot[i] = INT32_MIN;
    c.free_slots = xmalloc(c.max_slots * sizeof(int32_t));
    c.label_pos = xcalloc(s->nb_labels + 1, sizeof(uint32_t));

    /* Constants read as operands get frame slots, stored on block entry. */
    uint32_t nconst = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        for (int a = op->nout; a < op->nout + op->nin; a++) {
            uint64_t t = op->args[a];
            if (s->temps[t].kind == TEMP_CONST && c.slot[t] == INT32_MIN) {
                c.slot[t] = new_slot(&c);
                nconst++;
            }
        }
    }
    if (nconst) {
        put_h(&c, IOP_consts);
        put_u(&c, nconst);
        for (uint32_t t = s->nb_globals; t < s->nb_temps; t++) {
            if (s->temps[t].kind != TEMP_CONST || c.slot[t] == INT32_MIN)
                continue;
            put_pair(&c, c.slot[t], 0);
            put_u(&c, s->temps[t].val);
        }
    }

    for (uint32_t i = 0; i < s->nb_ops && !c.overflow; i++)
        compile_op(&c, &s->ops[i]);
    for (uint32_t i = 0; i < c.nrelocs && !c.overflow; i++)
        c.w[c.relocs[i].word].u = (uintptr_t)(c.rx + c.label_pos[c.relocs[i].label]);

    long size = c.overflow ? -1 : (long)(c.n * sizeof(IW));
    if (size >= 0)
        tcg_insn_end(s, (uint32_t)size);
    free(c.slot);
    free(c.free_slots);
    free(c.label_pos);
    free(c.relocs);
    return size;
}

static uintptr_t interp_exec(TCGContext *s, void *env, const void *code)
{
    return interp_run(env, code, s->layout.interp_frame_off);
}

static void interp_set_jump(TCGContext *s, uint8_t *code_rx, uint32_t patch_off, const void *target)
{
    uint64_t *slot = (uint64_t *)codebuf_rw(s->cb, code_rx + patch_off);
    codebuf_write_begin(s->cb);
    __atomic_store_n(slot, (uint64_t)(uintptr_t)target, __ATOMIC_RELEASE);
    codebuf_write_end(s->cb);
}

static const void *interp_return_zero(TCGContext *s)
{
    (void)s;
    if (!return_zero_code) {
        static IW code[2];
        code[0].h = handlers()[IOP_exit];
        code[1].u = 0;
        return_zero_code = code;
    }
    return return_zero_code;
}

const TCGCodegen tcg_codegen_interp = {
    .name = "interp",
    .gen = interp_gen,
    .exec = interp_exec,
    .set_jump = interp_set_jump,
    .return_zero = interp_return_zero,
};
