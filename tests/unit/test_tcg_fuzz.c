/*
 * test_tcg_fuzz.c — differential fuzzer for the translator: random valid
 * IR blocks (every integer op, constants, plain and block-local temps,
 * globals, labels with forward branches, bounded loops, early exits,
 * helper calls with each flag combination, host-state loads/stores, vector
 * ops, and — with a test TLB over host memory — guest loads/stores
 * including unaligned and page-crossing ones) run on every code generator
 * configuration. The reference is the interpreter without the optimizer;
 * every other configuration (interpreter optimized, native optimized and
 * not, native without optional host instructions) must end in the same
 * CPU state, memory and exit value.
 *
 * Bounded run (make check): FUZZ_DEFAULT_ITERS blocks.
 * Long run: FERRY_FUZZ_ITERS=N [FERRY_FUZZ_SEED=S] build/tests/unit/test_tcg_fuzz
 * (make fuzz-tcg). A failure prints the seed and the block's IR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <unistd.h>

#include "core/log.h"
#include "tcg_fuzz_env.h"

#define FUZZ_DEFAULT_ITERS 6000

/* ---- random numbers ------------------------------------------------------ */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rnd(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rn(Rng *r, unsigned n) { return (unsigned)(rnd(r) % n); }
static bool chance(Rng *r, unsigned pct) { return rn(r, 100) < pct; }

static uint64_t rvalue(Rng *r)
{
    static const uint64_t edge[] = {
        0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
        0x8000000000000000ull, ~0ull, ~1ull, 0xffffffff80000000ull,
    };
    switch (rn(r, 4)) {
    case 0: return edge[rn(r, ARRAY_SIZE(edge))];
    case 1: return rnd(r) & 0xff;
    case 2: return (uint64_t)(int64_t)(int8_t)rnd(r);
    default: return rnd(r);
    }
}

/* ---- helpers the blocks call ------------------------------------------------- */

static uint64_t h_pure2_fn(uint64_t a, uint64_t b) { return a * 3 ^ (b >> 1); }
static uint32_t h_pure32_fn(uint32_t a, uint64_t b) { return a ^ (uint32_t)(b >> 7); }
static uint64_t h_env_rw_fn(FuzzEnv *e, uint64_t x)
{
    e->g64[1] = e->g64[0] + x;   /* reads and writes globals */
    return e->g64[2];
}
static uint64_t h_env_ro_fn(FuzzEnv *e) { return e->g64[3] ^ e->g32[0]; }
static void h_side_fn(FuzzEnv *e, uint64_t a)
{
    memcpy(e->buf + 120, &a, 8);   /* not a global: a plain side effect */
}
static const TCGHelper h_pure2 = TCG_HELPER(h_pure2_fn, TCG_I64, TCG_CALL_PURE);
static const TCGHelper h_pure32 = TCG_HELPER(h_pure32_fn, TCG_I32, TCG_CALL_PURE);
static const TCGHelper h_env_rw = TCG_HELPER(h_env_rw_fn, TCG_I64, 0);
static const TCGHelper h_env_ro = TCG_HELPER(h_env_ro_fn, TCG_I64, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_SE);
static const TCGHelper h_side = TCG_HELPER(h_side_fn, TCG_VOID, TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G);

/* ---- the generator ---------------------------------------------------------- */

#define NBB 8
#define NTB 4

typedef struct GenState {
    Rng r;
    FuzzCfg *c;
    TCGContext *s;
    TCGv bb[2][NBB], tb[2][NTB];
    bool bb_def[2][NBB];
    TCGv loop_counter[2];   /* reserved while a loop is open */
    int loop_depth;
    TCGLabel pending[8];
    int npending;
    TCGLabel exit_label;
    bool exit_used;
    bool mem;               /* guest memory ops allowed */
} GenState;

static TCGType rtype(GenState *g) { return rn(&g->r, 2) ? TCG_I64 : TCG_I32; }

static TCGv global_of(GenState *g, TCGType t, unsigned i)
{
    return t == TCG_I64 ? g->c->g64[i % 16] : g->c->g32[i % 8];
}

static TCGv src(GenState *g, TCGType t)
{
    TCGContext *s = g->s;
    for (;;) {
        switch (rn(&g->r, 5)) {
        case 0:
            return ir_const(s, t, rvalue(&g->r));
        case 1:
        case 2:
            return global_of(g, t, rn(&g->r, 16));
        case 3: {
            unsigned i = rn(&g->r, NTB);
            if (g->loop_depth && tcgv_eq(g->tb[t][i], g->loop_counter[0]))
                continue;
            return g->tb[t][i];
        }
        default: {
            unsigned i = rn(&g->r, NBB);
            if (g->bb_def[t][i])
                return g->bb[t][i];
            continue;
        }
        }
    }
}

static TCGv dst(GenState *g, TCGType t)
{
    for (;;) {
        switch (rn(&g->r, 3)) {
        case 0:
            return global_of(g, t, rn(&g->r, 16));
        case 1: {
            unsigned i = rn(&g->r, NTB);
            if (g->loop_depth && t == TCG_I64 && tcgv_eq(g->tb[t][i], g->loop_counter[0]))
                continue;
            return g->tb[t][i];
        }
        default: {
            unsigned i = rn(&g->r, NBB);
            g->bb_def[t][i] = true;
            return g->bb[t][i];
        }
        }
    }
}

static TCGCond rcond(GenState *g) { return (TCGCond)rn(&g->r, NB_CONDS); }

static void place_label(GenState *g, TCGLabel l)
{
    ir_set_label(g->s, l);
    memset(g->bb_def, 0, sizeof(g->bb_def));   /* plain temps die at labels */
}

static void gen_op(GenState *g);

static void gen_alu(GenState *g)
{
    static const TCGOpcode bin[] = {
        INDEX_op_add, INDEX_op_sub, INDEX_op_mul, INDEX_op_mulsh, INDEX_op_muluh, INDEX_op_div,
        INDEX_op_divu, INDEX_op_rem, INDEX_op_remu, INDEX_op_and, INDEX_op_or, INDEX_op_xor,
        INDEX_op_andc, INDEX_op_orc, INDEX_op_eqv, INDEX_op_nand, INDEX_op_nor, INDEX_op_shl,
        INDEX_op_shr, INDEX_op_sar, INDEX_op_rotl, INDEX_op_rotr, INDEX_op_clz, INDEX_op_ctz,
    };
    static const TCGOpcode un[] = {
        INDEX_op_neg, INDEX_op_not, INDEX_op_ctpop, INDEX_op_ext8s, INDEX_op_ext8u,
        INDEX_op_ext16s, INDEX_op_ext16u, INDEX_op_bswap16, INDEX_op_bswap32, INDEX_op_ext32s,
        INDEX_op_ext32u, INDEX_op_bswap64,
    };
    TCGContext *s = g->s;
    TCGType t = rtype(g);
    unsigned w = t == TCG_I64 ? 64 : 32;
    switch (rn(&g->r, 12)) {
    case 0: case 1: case 2: {
        TCGOpcode opc = bin[rn(&g->r, ARRAY_SIZE(bin))];
        TCGv a = src(g, t), b = src(g, t), d = dst(g, t);
        tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, a.n, b.n });
        break;
    }
    case 3: {
        TCGOpcode opc = un[rn(&g->r, ARRAY_SIZE(un))];
        if ((tcg_op_defs[opc].flags & OPF_64))
            t = TCG_I64;
        TCGv a = src(g, t), d = dst(g, t);
        tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, a.n });
        break;
    }
    case 4: {
        unsigned len = 1 + rn(&g->r, w), pos = rn(&g->r, w - len + 1);
        TCGv a = src(g, t), b = src(g, t), d = dst(g, t);
        unsigned p2 = rn(&g->r, w);
        switch (rn(&g->r, 4)) {
        case 0: ir_deposit(s, d, a, b, pos, len); break;
        case 1: ir_extract(s, d, a, pos, len); break;
        case 2: ir_sextract(s, d, a, pos, len); break;
        default: ir_extract2(s, d, a, b, p2); break;
        }
        break;
    }
    case 5: {
        TCGv a = src(g, t), b = src(g, t), v1 = src(g, t), v2 = src(g, t);
        TCGCond c = rcond(g);
        TCGv d = dst(g, t);
        switch (rn(&g->r, 3)) {
        case 0: ir_setcond(s, c, d, a, b); break;
        case 1: ir_negsetcond(s, c, d, a, b); break;
        default: ir_movcond(s, c, d, a, b, v1, v2); break;
        }
        break;
    }
    case 6: {
        TCGv al = src(g, t), ah = src(g, t), bl = src(g, t), bh = src(g, t);
        unsigned kind2 = rn(&g->r, 4);
        TCGv lo = dst(g, t), hi;
        do
            hi = dst(g, t);
        while (tcgv_eq(lo, hi));
        switch (kind2) {
        case 0: ir_mulu2(s, lo, hi, al, ah); break;
        case 1: ir_muls2(s, lo, hi, al, ah); break;
        case 2: ir_add2(s, lo, hi, al, ah, bl, bh); break;
        default: ir_sub2(s, lo, hi, al, ah, bl, bh); break;
        }
        break;
    }
    case 7: {
        TCGv a64 = src(g, TCG_I64), a32 = src(g, TCG_I32);
        unsigned k = rn(&g->r, 4);
        TCGv d = dst(g, k < 2 ? TCG_I64 : TCG_I32);
        switch (k) {
        case 0: ir_ext_i32_i64(s, d, a32); break;
        case 1: ir_extu_i32_i64(s, d, a32); break;
        case 2: ir_extrl_i64_i32(s, d, a64); break;
        default: ir_extrh_i64_i32(s, d, a64); break;
        }
        break;
    }
    case 8: {
        TCGv a = src(g, t), d = dst(g, t);
        ir_mov(s, d, a);
        break;
    }
    default: {
        /* a chain of dependent ops: register pressure and reuse */
        TCGv a = src(g, t), b = src(g, t);
        uint64_t k1 = rvalue(&g->r);
        unsigned k2 = rn(&g->r, w);
        TCGv d = dst(g, t);
        ir_addi(s, d, a, k1);
        ir_xor(s, d, d, b);
        ir_shli(s, d, d, k2);
        break;
    }
    }
}

static void gen_host_mem(GenState *g)
{
    TCGContext *s = g->s;
    TCGType t = rtype(g);
    int32_t off = (int32_t)(offsetof(FuzzEnv, buf) + rn(&g->r, 112));
    TCGv base = s->env;
    if (chance(&g->r, 30)) {   /* through a computed pointer */
        base = ir_temp(s, TCG_I64);
        ir_addi(s, base, s->env, 16);
        off -= 16;
    }
    if (rn(&g->r, 2)) {
        static const TCGOpcode ld[] = { INDEX_op_ld8u, INDEX_op_ld8s, INDEX_op_ld16u,
                                        INDEX_op_ld16s, INDEX_op_ld, INDEX_op_ld32u, INDEX_op_ld32s };
        TCGOpcode opc = ld[rn(&g->r, t == TCG_I64 ? 7 : 5)];
        TCGv d = dst(g, t);
        tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, base.n, (uint64_t)(int64_t)off });
    } else {
        static const TCGOpcode st[] = { INDEX_op_st8, INDEX_op_st16, INDEX_op_st32, INDEX_op_st };
        TCGv v = src(g, t);
        tcg_emit_op(s, st[rn(&g->r, 4)], t, (uint64_t[]){ v.n, base.n, (uint64_t)(int64_t)off });
    }
}

static void gen_guest_mem(GenState *g)
{
    TCGContext *s = g->s;
    TCGType t = rtype(g);
    MemOp size = (MemOp)rn(&g->r, t == TCG_I64 ? 4 : 3);
    MemOp mop = size;
    if (rn(&g->r, 2))
        mop |= MO_SIGN;
    if (chance(&g->r, 15))
        mop |= MO_BSWAP;
    /* Addresses: mostly inside the mapped window, sometimes at a page end
     * (page-crossing), sometimes unaligned. */
    TCGv addr = ir_temp(s, TCG_I64);
    uint64_t base = FUZZ_GUEST_BASE;
    switch (rn(&g->r, 4)) {
    case 0:
        ir_movi(s, addr, base + rn(&g->r, FUZZ_GUEST_SIZE - 8));
        break;
    case 1:   /* near a page boundary */
        ir_movi(s, addr, base + TARGET_PAGE_SIZE * (1 + rn(&g->r, FUZZ_GUEST_PAGES - 1)) - 1 - rn(&g->r, 7));
        break;
    default: {
        /* computed from a value: masked into the window */
        TCGv v = src(g, TCG_I64);
        ir_andi(s, addr, v, FUZZ_GUEST_SIZE - 16);
        ir_addi(s, addr, addr, base);
        break;
    }
    }
    unsigned mmu = rn(&g->r, 2);
    if (rn(&g->r, 2)) {
        TCGv d = dst(g, t);
        ir_qemu_ld(s, d, addr, mmu, mop);
    } else {
        TCGv v = src(g, t);
        ir_qemu_st(s, v, addr, mmu, mop);
    }
}

static void gen_call(GenState *g)
{
    TCGContext *s = g->s;
    switch (rn(&g->r, 5)) {
    case 0: {
        TCGv a = src(g, TCG_I64), b = src(g, TCG_I64), d = dst(g, TCG_I64);
        ir_callv(s, &h_pure2, d, a, b);
        break;
    }
    case 1: {
        TCGv a = src(g, TCG_I32), b = src(g, TCG_I64), d = dst(g, TCG_I32);
        ir_callv(s, &h_pure32, d, a, b);
        break;
    }
    case 2: {
        TCGv x = src(g, TCG_I64), d = dst(g, TCG_I64);
        ir_callv(s, &h_env_rw, d, s->env, x);
        break;
    }
    case 3: {
        TCGv d = dst(g, TCG_I64);
        ir_callv(s, &h_env_ro, d, s->env);
        break;
    }
    default: {
        TCGv a = src(g, TCG_I64);
        ir_callv(s, &h_side, TCGV_NONE, s->env, a);
        break;
    }
    }
}

static void gen_vec(GenState *g)
{
    TCGContext *s = g->s;
    uint32_t v0 = offsetof(FuzzEnv, vec);
    uint32_t d = v0 + 16 * rn(&g->r, 4), a = v0 + 16 * rn(&g->r, 4), b = v0 + 16 * rn(&g->r, 4);
    unsigned oprsz = rn(&g->r, 2) ? 16 : 8, maxsz = oprsz == 16 || rn(&g->r, 2) ? 16 : 8;
    unsigned vece = rn(&g->r, 4);
    switch (rn(&g->r, 9)) {
    case 0: ir_vec_mov(s, d, a, oprsz, maxsz); break;
    case 1: ir_vec_not(s, d, a, oprsz, maxsz); break;
    case 2: ir_vec_and(s, d, a, b, oprsz, maxsz); break;
    case 3: ir_vec_or(s, d, a, b, oprsz, maxsz); break;
    case 4: ir_vec_xor(s, d, a, b, oprsz, maxsz); break;
    case 5: ir_vec_andc(s, d, a, b, oprsz, maxsz); break;
    case 6: ir_vec_add(s, vece, d, a, b, oprsz, maxsz); break;
    case 7: ir_vec_sub(s, vece, d, a, b, oprsz, maxsz); break;
    default: {
        TCGType t = vece == 3 ? TCG_I64 : rtype(g);
        TCGv v = src(g, t);
        ir_vec_dup(s, vece, d, oprsz, maxsz, v);
        break;
    }
    }
}

static void gen_control(GenState *g)
{
    TCGContext *s = g->s;
    TCGType t = rtype(g);
    switch (rn(&g->r, 4)) {
    case 0:
        /* forward conditional branch, closed later */
        if (g->npending < 8) {
            TCGLabel l = ir_label(s);
            TCGv a = src(g, t), b = src(g, t);
            TCGCond c = rcond(g);
            ir_brcond(s, c, a, b, l);
            g->pending[g->npending++] = l;
        }
        break;
    case 1:
        if (g->npending)
            place_label(g, g->pending[--g->npending]);
        break;
    case 2:
        /* early exit through a shared label */
        {
            TCGv a = src(g, t), b = src(g, t);
            TCGCond c = rcond(g);
            ir_brcond(s, c, a, b, g->exit_label);
            g->exit_used = true;
        }
        break;
    default:
        /* a bounded loop around a few ops */
        if (g->loop_depth == 0 && g->npending == 0) {
            TCGv ctr = g->tb[TCG_I64][0];
            TCGLabel top = ir_label(s);
            ir_movi(s, ctr, 1 + rn(&g->r, 4));
            g->loop_counter[0] = ctr;
            g->loop_depth = 1;
            place_label(g, top);
            unsigned n = 1 + rn(&g->r, 6);
            for (unsigned i = 0; i < n; i++)
                gen_op(g);
            while (g->npending)
                place_label(g, g->pending[--g->npending]);
            ir_subi(s, ctr, ctr, 1);
            ir_brcondi(s, COND_NE, ctr, 0, top);
            g->loop_depth = 0;
        }
        break;
    }
}

static void gen_op(GenState *g)
{
    unsigned k = rn(&g->r, 100);
    if (k < 55)
        gen_alu(g);
    else if (k < 63)
        gen_host_mem(g);
    else if (k < 75 && g->mem)
        gen_guest_mem(g);
    else if (k < 80)
        gen_call(g);
    else if (k < 86)
        gen_vec(g);
    else if (k < 88)
        ir_insn_start(g->s, rnd(&g->r), 0, 0);
    else if (k < 98 && g->loop_depth == 0)
        gen_control(g);
    else
        gen_alu(g);
}

/* Build one block from seed into c's context. */
static void gen_block(FuzzCfg *c, uint64_t seed, bool mem)
{
    GenState g = { .r = { seed }, .c = c, .mem = mem };
    TCGContext *s = fuzz_begin(c);
    g.s = s;
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < NBB; i++)
            g.bb[t][i] = ir_temp(s, (TCGType)t);
        for (int i = 0; i < NTB; i++) {
            g.tb[t][i] = ir_temp_tb(s, (TCGType)t);
            ir_movi(s, g.tb[t][i], rvalue(&g.r));
        }
    }
    g.exit_label = ir_label(s);
    unsigned n = 5 + rn(&g.r, 60);
    for (unsigned i = 0; i < n; i++)
        gen_op(&g);
    while (g.npending)
        place_label(&g, g.pending[--g.npending]);
    /* results in tb temps reach CPU state */
    for (int i = 0; i < NTB; i++) {
        ir_mov(s, c->g64[8 + i], g.tb[TCG_I64][i]);
        ir_mov(s, c->g32[4 + i], g.tb[TCG_I32][i]);
    }
    ir_exit_tb(s, 0x10);
    if (g.exit_used) {
        ir_set_label(s, g.exit_label);
        ir_exit_tb(s, 0x20);
    }
}

/* ---- running and comparing ----------------------------------------------------- */

static FuzzCfg CF[MAX_FUZZ_CFGS];
static int NC;

static void fuzz_one(uint64_t seed, bool mem, unsigned *mismatches)
{
    static FuzzEnv *ref, *e;
    static FuzzMem ref_mem;
    if (!ref) {   /* big (a CPUState with its TLB): allocated once */
        ref = fuzz_env_new();
        e = fuzz_env_new();
    }
    const void *code[MAX_FUZZ_CFGS];
    for (int i = 0; i < NC; i++) {
        gen_block(&CF[i], seed, mem);
        code[i] = fuzz_finish(&CF[i]);
    }
    Rng r = { seed ^ 0xabcdef };
    for (int run = 0; run < 2; run++) {
        uint64_t init_seed = rnd(&r);
        uintptr_t ref_exit = 0;
        for (int i = 0; i < NC; i++) {
            FuzzEnv *x = i == 0 ? ref : e;
            fuzz_env_init(x, init_seed);
            uintptr_t ex = fuzz_run(&CF[i], code[i], x);
            if (i == 0) {
                ref_exit = ex;
                fuzz_mem_snapshot(&ref_mem);
                continue;
            }
            const char *what = fuzz_env_diff(ref, x);
            if (!what)
                what = fuzz_mem_diff(&ref_mem);
            if (ex != ref_exit)
                what = "exit value";
            if (what) {
                (*mismatches)++;
                print_error("fuzz: seed %#" PRIx64 " (%s): %s differs from %s\n", seed,
                            mem ? "with guest memory" : "no guest memory", CF[i].label, CF[0].label);
                fuzz_report(ref, x, ref_exit, ex);
                if (*mismatches == 1) {
                    gen_block(&CF[0], seed, mem);
                    fprintf(stderr, "IR of the failing block:\n");
                    tcg_dump_ops(CF[0].s, stderr, false);
                }
                break;
            }
        }
    }
}

static unsigned env_uint(const char *name, unsigned def)
{
    const char *v = getenv(name);
    return v && *v ? (unsigned)strtoul(v, NULL, 0) : def;
}

static void test_fuzz(void **state)
{
    (void)state;
    unsigned iters = env_uint("FERRY_FUZZ_ITERS", FUZZ_DEFAULT_ITERS);
    /* A miscompiled loop counter would spin forever: a watchdog (not a
     * timing assertion) turns that into a failure. Long runs set none. */
    if (iters <= FUZZ_DEFAULT_ITERS)
        alarm(300);
    uint64_t seed0 = env_uint("FERRY_FUZZ_SEED", 1);
    unsigned bad = 0;
    for (unsigned i = 0; i < iters && bad < 5; i++) {
        uint64_t seed = seed0 * 1000003u + i;
        fuzz_one(seed, i % 2 == 1, &bad);
        if (iters > FUZZ_DEFAULT_ITERS && i % 10000 == 9999)
            fprintf(stderr, "fuzz: %u blocks\n", i + 1);
    }
    assert_int_equal(bad, 0);
}

static int setup(void **state)
{
    (void)state;
    NC = fuzz_configs(CF);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fuzz_free(CF, NC);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests_name("tcg_fuzz", tests, setup, teardown);
}
