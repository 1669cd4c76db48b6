/*
 * test_tcg_ops.c — every IR op, both types, edge values, on every code
 * generator configuration (interpreter and native backend, optimizer on
 * and off), against a C reference written here independently of
 * tcg/eval.h (bit loops and byte arrays rather than the same formulas).
 *
 * Each op is tested with its inputs in globals (register path), with the
 * second input constant (immediate forms), the first constant, and both
 * constant (constant folding).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tcg_harness.h"

static Harness H[MAX_CONFIGS];
static int NH;

/* ---- reference semantics ------------------------------------------------ */

static unsigned width(TCGType t) { return t == TCG_I32 ? 32 : 64; }
static uint64_t tmask(TCGType t) { return t == TCG_I32 ? 0xffffffffull : ~0ull; }
static bool bit(uint64_t v, unsigned i) { return (v >> i) & 1; }
static int64_t sval(TCGType t, uint64_t v)
{
    return t == TCG_I32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}
static uint64_t sext(uint64_t v, unsigned bits)
{
    uint64_t r = v & (bits == 64 ? ~0ull : (1ull << bits) - 1);
    if (bits < 64 && bit(r, bits - 1))
        r |= ~0ull << bits;
    return r;
}

static uint64_t r_shl(TCGType t, uint64_t a, uint64_t b)
{
    unsigned n = (unsigned)(b % width(t));
    for (unsigned i = 0; i < n; i++)
        a = (a << 1) & tmask(t);
    return a & tmask(t);
}
static uint64_t r_shr(TCGType t, uint64_t a, uint64_t b)
{
    unsigned n = (unsigned)(b % width(t));
    a &= tmask(t);
    for (unsigned i = 0; i < n; i++)
        a >>= 1;
    return a;
}
static uint64_t r_sar(TCGType t, uint64_t a, uint64_t b)
{
    unsigned n = (unsigned)(b % width(t)), w = width(t);
    a &= tmask(t);
    for (unsigned i = 0; i < n; i++)
        a = (a >> 1) | ((a >> (w - 1)) << (w - 1));
    return a & tmask(t);
}
static uint64_t r_rotl(TCGType t, uint64_t a, uint64_t b)
{
    unsigned n = (unsigned)(b % width(t)), w = width(t);
    a &= tmask(t);
    for (unsigned i = 0; i < n; i++)
        a = ((a << 1) & tmask(t)) | (a >> (w - 1));
    return a;
}
static uint64_t r_rotr(TCGType t, uint64_t a, uint64_t b)
{
    unsigned n = (unsigned)(b % width(t)), w = width(t);
    a &= tmask(t);
    for (unsigned i = 0; i < n; i++)
        a = (a >> 1) | ((a & 1) << (w - 1));
    return a;
}

/* 64x64 -> 128 unsigned product by 32-bit limbs. */
static void r_mulu128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static void r_mul2(TCGType t, bool sign, uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    if (t == TCG_I32) {
        uint64_t p = sign ? (uint64_t)(sval(t, a) * sval(t, b))
                          : (uint64_t)(uint32_t)a * (uint32_t)b;
        *lo = (uint32_t)p;
        *hi = (uint32_t)(p >> 32);
        return;
    }
    r_mulu128(a, b, lo, hi);
    if (sign) {   /* signed high part = unsigned high part - corrections */
        if ((int64_t)a < 0)
            *hi -= b;
        if ((int64_t)b < 0)
            *hi -= a;
    }
}

static uint64_t r_div(TCGType t, bool sign, bool rem, uint64_t a, uint64_t b)
{
    uint64_t m = tmask(t);
    a &= m;
    b &= m;
    if (b == 0)
        return rem ? a : 0;
    if (!sign)
        return rem ? a % b : a / b;
    int64_t sa = sval(t, a), sb = sval(t, b);
    int64_t min = t == TCG_I32 ? INT32_MIN : INT64_MIN;
    if (sa == min && sb == -1)
        return rem ? 0 : (uint64_t)min & m;
    return (uint64_t)(rem ? sa % sb : sa / sb) & m;
}

static uint64_t r_clz(TCGType t, uint64_t a, uint64_t z)
{
    a &= tmask(t);
    if (!a)
        return z & tmask(t);
    unsigned n = 0;
    for (int i = (int)width(t) - 1; i >= 0 && !bit(a, (unsigned)i); i--)
        n++;
    return n;
}
static uint64_t r_ctz(TCGType t, uint64_t a, uint64_t z)
{
    a &= tmask(t);
    if (!a)
        return z & tmask(t);
    unsigned n = 0;
    while (!bit(a, n))
        n++;
    return n;
}
static uint64_t r_ctpop(TCGType t, uint64_t a)
{
    unsigned n = 0;
    for (unsigned i = 0; i < width(t); i++)
        n += bit(a, i);
    return n;
}
static uint64_t r_bswap(uint64_t a, unsigned bytes)
{
    uint8_t b[8], r[8] = { 0 };
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(a >> (8 * i));
    for (unsigned i = 0; i < bytes; i++)
        r[i] = b[bytes - 1 - i];
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)r[i] << (8 * i);
    return v;
}

static bool r_cond(TCGType t, TCGCond c, uint64_t a, uint64_t b)
{
    a &= tmask(t);
    b &= tmask(t);
    int64_t sa = sval(t, a), sb = sval(t, b);
    switch (c) {
    case COND_EQ: return a == b;
    case COND_NE: return a != b;
    case COND_LT: return sa < sb;
    case COND_GE: return sa >= sb;
    case COND_LE: return sa <= sb;
    case COND_GT: return sa > sb;
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

static uint64_t r_binop(TCGOpcode opc, TCGType t, uint64_t a, uint64_t b)
{
    uint64_t m = tmask(t), lo, hi;
    a &= m;
    b &= m;
    switch (opc) {
    case INDEX_op_add: return (a + b) & m;
    case INDEX_op_sub: return (a - b) & m;
    case INDEX_op_mul: return (a * b) & m;
    case INDEX_op_mulsh: r_mul2(t, true, a, b, &lo, &hi); return hi;
    case INDEX_op_muluh: r_mul2(t, false, a, b, &lo, &hi); return hi;
    case INDEX_op_div: return r_div(t, true, false, a, b);
    case INDEX_op_divu: return r_div(t, false, false, a, b);
    case INDEX_op_rem: return r_div(t, true, true, a, b);
    case INDEX_op_remu: return r_div(t, false, true, a, b);
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b & m;
    case INDEX_op_orc: return (a | ~b) & m;
    case INDEX_op_eqv: return ~(a ^ b) & m;
    case INDEX_op_nand: return ~(a & b) & m;
    case INDEX_op_nor: return ~(a | b) & m;
    case INDEX_op_shl: return r_shl(t, a, b);
    case INDEX_op_shr: return r_shr(t, a, b);
    case INDEX_op_sar: return r_sar(t, a, b);
    case INDEX_op_rotl: return r_rotl(t, a, b);
    case INDEX_op_rotr: return r_rotr(t, a, b);
    case INDEX_op_clz: return r_clz(t, a, b);
    case INDEX_op_ctz: return r_ctz(t, a, b);
    default: abort();
    }
}

static uint64_t r_unop(TCGOpcode opc, TCGType t, uint64_t a)
{
    uint64_t m = tmask(t);
    a &= m;
    switch (opc) {
    case INDEX_op_mov: return a;
    case INDEX_op_neg: return (0 - a) & m;
    case INDEX_op_not: return ~a & m;
    case INDEX_op_ctpop: return r_ctpop(t, a);
    case INDEX_op_ext8s: return sext(a, 8) & m;
    case INDEX_op_ext8u: return a & 0xff;
    case INDEX_op_ext16s: return sext(a, 16) & m;
    case INDEX_op_ext16u: return a & 0xffff;
    case INDEX_op_ext32s: return sext(a, 32);
    case INDEX_op_ext32u: return a & 0xffffffff;
    case INDEX_op_bswap16: return r_bswap(a & 0xffff, 2);
    case INDEX_op_bswap32: return r_bswap(a & 0xffffffff, 4);
    case INDEX_op_bswap64: return r_bswap(a, 8);
    default: abort();
    }
}

static uint64_t r_deposit(TCGType t, uint64_t a, uint64_t b, unsigned pos, unsigned len)
{
    uint64_t r = a & tmask(t);
    for (unsigned i = 0; i < len; i++) {
        r &= ~(1ull << (pos + i));
        r |= (uint64_t)bit(b, i) << (pos + i);
    }
    return r;
}
static uint64_t r_extract(uint64_t a, unsigned pos, unsigned len, bool sign, TCGType t)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < len; i++)
        r |= (uint64_t)bit(a, pos + i) << i;
    if (sign)
        r = sext(r, len);
    return r & tmask(t);
}
static uint64_t r_extract2(TCGType t, uint64_t lo, uint64_t hi, unsigned pos)
{
    unsigned w = width(t);
    uint64_t r = 0;
    for (unsigned i = 0; i < w; i++) {
        unsigned k = i + pos;   /* bit k of hi:lo */
        r |= (uint64_t)(k < w ? bit(lo, k) : bit(hi, k - w)) << i;
    }
    return r;
}

/* ---- edge values -------------------------------------------------------- */

static const uint64_t vals32[] = {
    0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 31, 32, 33, 63,
    0x12345678, 0xdeadbeef, 0xfffffff0,
};
static const uint64_t vals64[] = {
    0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull,
    ~0ull, ~1ull, 31, 32, 63, 64, 65, 127, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
    0xffffffff80000000ull, 0x00000000fffffffeull,
};

static const uint64_t *vals(TCGType t, size_t *n)
{
    if (t == TCG_I32) {
        *n = ARRAY_SIZE(vals32);
        return vals32;
    }
    *n = ARRAY_SIZE(vals64);
    return vals64;
}

static const TCGType types[] = { TCG_I32, TCG_I64 };

#define CHECK(h, cond, ...) do { \
    if (!(cond)) { \
        print_error("[%s] ", (h)->label); \
        print_error(__VA_ARGS__); \
        print_error("\n"); \
        fail(); \
    } } while (0)

/* ---- binary ops --------------------------------------------------------- */

/* Inputs: which are constants (bit 0: a, bit 1: b). */
static void test_binop_on(Harness *h, TCGOpcode opc, TCGType t)
{
    size_t n;
    const uint64_t *v = vals(t, &n);
    TestEnv *e = xzalloc(sizeof(*e));

    /* Both from globals: one block, all pairs. */
    TCGContext *s = harness_begin(h);
    TCGv d = ir_temp(s, t);
    tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, h_in(h, t, 0).n, h_in(h, t, 1).n });
    ir_mov(s, h_out(h, t, 0), d);
    /* the inputs stay live after the op (no in-place reuse) */
    ir_xor(s, h_out(h, t, 1), h_in(h, t, 0), h_in(h, t, 1));
    const void *code = harness_finish(h);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            env_set_in(e, t, 0, v[i]);
            env_set_in(e, t, 1, v[j]);
            harness_run(h, code, e);
            uint64_t want = r_binop(opc, t, v[i], v[j]), got = env_out(e, t, 0);
            CHECK(h, got == want, "%s_%s(%#" PRIx64 ", %#" PRIx64 ") = %#" PRIx64 ", want %#" PRIx64,
                  tcg_op_defs[opc].name, tcg_type_name(t), v[i], v[j], got, want);
            CHECK(h, env_out(e, t, 1) == ((v[i] ^ v[j]) & tmask(t)), "%s_%s clobbered an input",
                  tcg_op_defs[opc].name, tcg_type_name(t));
        }

    /* Constant b, then constant a, then both. */
    for (int which = 1; which <= 3; which++) {
        for (size_t k = 0; k < n; k++) {
            s = harness_begin(h);
            d = ir_temp(s, t);
            TCGv a = which & 2 ? ir_const(s, t, v[k]) : h_in(h, t, 0);
            TCGv b = which & 1 ? ir_const(s, t, which == 3 ? v[(k * 7 + 3) % n] : v[k]) : h_in(h, t, 1);
            tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, a.n, b.n });
            ir_mov(s, h_out(h, t, 0), d);
            code = harness_finish(h);
            for (size_t i = 0; i < (which == 3 ? 1 : n); i++) {
                uint64_t av = which & 2 ? v[k] : v[i];
                uint64_t bv = which == 3 ? v[(k * 7 + 3) % n] : which & 1 ? v[k] : v[i];
                env_set_in(e, t, 0, av);
                env_set_in(e, t, 1, bv);
                harness_run(h, code, e);
                uint64_t want = r_binop(opc, t, av, bv), got = env_out(e, t, 0);
                CHECK(h, got == want, "%s_%s(%s%#" PRIx64 ", %s%#" PRIx64 ") = %#" PRIx64 ", want %#" PRIx64,
                      tcg_op_defs[opc].name, tcg_type_name(t), which & 2 ? "$" : "", av,
                      which & 1 ? "$" : "", bv, got, want);
            }
        }
    }
    /* Same temp as both inputs, and output aliasing an input. */
    s = harness_begin(h);
    d = ir_temp(s, t);
    ir_mov(s, d, h_in(h, t, 0));
    tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, d.n, d.n });
    ir_mov(s, h_out(h, t, 0), d);
    code = harness_finish(h);
    for (size_t i = 0; i < n; i++) {
        env_set_in(e, t, 0, v[i]);
        harness_run(h, code, e);
        uint64_t want = r_binop(opc, t, v[i], v[i]), got = env_out(e, t, 0);
        CHECK(h, got == want, "%s_%s(x, x) x=%#" PRIx64 " = %#" PRIx64 ", want %#" PRIx64,
              tcg_op_defs[opc].name, tcg_type_name(t), v[i], got, want);
    }
    free(e);
}

static void run_binop(TCGOpcode opc)
{
    for (int c = 0; c < NH; c++)
        for (int k = 0; k < 2; k++)
            test_binop_on(&H[c], opc, types[k]);
}

#define BINTEST(op) static void test_##op(void **state) { (void)state; run_binop(INDEX_op_##op); }
BINTEST(add) BINTEST(sub) BINTEST(mul) BINTEST(mulsh) BINTEST(muluh) BINTEST(div)
BINTEST(divu) BINTEST(rem) BINTEST(remu) BINTEST(and) BINTEST(or) BINTEST(xor)
BINTEST(andc) BINTEST(orc) BINTEST(eqv) BINTEST(nand) BINTEST(nor) BINTEST(shl)
BINTEST(shr) BINTEST(sar) BINTEST(rotl) BINTEST(rotr) BINTEST(clz) BINTEST(ctz)

/* ---- unary ops ---------------------------------------------------------- */

static void test_unop_on(Harness *h, TCGOpcode opc, TCGType t)
{
    size_t n;
    const uint64_t *v = vals(t, &n);
    TestEnv *e = xzalloc(sizeof(*e));
    TCGContext *s = harness_begin(h);
    TCGv d = ir_temp(s, t);
    tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, h_in(h, t, 0).n });
    ir_mov(s, h_out(h, t, 0), d);
    const void *code = harness_finish(h);
    for (size_t i = 0; i < n; i++) {
        env_set_in(e, t, 0, v[i]);
        harness_run(h, code, e);
        uint64_t want = r_unop(opc, t, v[i]), got = env_out(e, t, 0);
        CHECK(h, got == want, "%s_%s(%#" PRIx64 ") = %#" PRIx64 ", want %#" PRIx64,
              tcg_op_defs[opc].name, tcg_type_name(t), v[i], got, want);
    }
    for (size_t i = 0; i < n; i++) {   /* constant input: folded */
        s = harness_begin(h);
        d = ir_temp(s, t);
        tcg_emit_op(s, opc, t, (uint64_t[]){ d.n, ir_const(s, t, v[i]).n });
        ir_mov(s, h_out(h, t, 0), d);
        code = harness_finish(h);
        harness_run(h, code, e);
        uint64_t want = r_unop(opc, t, v[i]), got = env_out(e, t, 0);
        CHECK(h, got == want, "%s_%s($%#" PRIx64 ") = %#" PRIx64 ", want %#" PRIx64,
              tcg_op_defs[opc].name, tcg_type_name(t), v[i], got, want);
    }
    free(e);
}

static void run_unop(TCGOpcode opc)
{
    bool only64 = tcg_op_defs[opc].flags & OPF_64;
    for (int c = 0; c < NH; c++)
        for (int k = only64 ? 1 : 0; k < 2; k++)
            test_unop_on(&H[c], opc, types[k]);
}

#define UNTEST(op) static void test_##op(void **state) { (void)state; run_unop(INDEX_op_##op); }
UNTEST(mov) UNTEST(neg) UNTEST(not) UNTEST(ctpop) UNTEST(ext8s) UNTEST(ext8u) UNTEST(ext16s)
UNTEST(ext16u) UNTEST(ext32s) UNTEST(ext32u) UNTEST(bswap16) UNTEST(bswap32) UNTEST(bswap64)

/* ---- conversions between widths -------------------------------------------- */

static void test_conversions(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (int cst = 0; cst < 2; cst++) {
            for (size_t i = 0; i < ARRAY_SIZE(vals64); i++) {
                uint64_t v = vals64[i];
                TCGContext *s = harness_begin(h);
                TCGv a32 = cst ? ir_const32(s, (uint32_t)v) : h->in32[0];
                TCGv a64 = cst ? ir_const64(s, v) : h->in[0];
                ir_ext_i32_i64(s, h->out[0], a32);
                ir_extu_i32_i64(s, h->out[1], a32);
                ir_extrl_i64_i32(s, h->out32[0], a64);
                ir_extrh_i64_i32(s, h->out32[1], a64);
                const void *code = harness_finish(h);
                e->in[0] = v;
                e->in32[0] = (uint32_t)v;
                harness_run(h, code, e);
                CHECK(h, e->out[0] == sext(v, 32), "ext_i32_i64(%#" PRIx64 ")", v);
                CHECK(h, e->out[1] == (uint32_t)v, "extu_i32_i64(%#" PRIx64 ")", v);
                CHECK(h, e->out32[0] == (uint32_t)v, "extrl(%#" PRIx64 ")", v);
                CHECK(h, e->out32[1] == (uint32_t)(v >> 32), "extrh(%#" PRIx64 ")", v);
            }
        }
    }
    free(e);
}

/* The optimizer makes a new constant for each folded operation; hundreds
 * in one block grow its table of temp information while it compares
 * copies (a use-after-free under ASan before the table's pointers were
 * kept safe across growth). */
static void test_many_folded_constants(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        TCGContext *s = harness_begin(h);
        TCGv acc = ir_temp(s, TCG_I64), t = ir_temp(s, TCG_I64);
        ir_mov(s, acc, h->in[0]);
        uint64_t want = 0x1234;
        for (uint64_t i = 0; i < 300; i++) {
            TCGv k = ir_const64(s, 1000 + i);
            ir_add(s, t, k, k);                 /* folds to a new constant */
            ir_add(s, acc, acc, t);
            want += 2 * (1000 + i);
        }
        ir_mov(s, h->out[0], acc);
        const void *code = harness_finish(h);
        e->in[0] = 0x1234;
        harness_run(h, code, e);
        CHECK(h, e->out[0] == want, "sum of 300 folded constants: %#" PRIx64, e->out[0]);
    }
    free(e);
}

/* ---- double-width ops ---------------------------------------------------- */

static void test_mul2(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (int k = 0; k < 2; k++) {
            TCGType t = types[k];
            size_t n;
            const uint64_t *v = vals(t, &n);
            for (int sign = 0; sign < 2; sign++) {
                TCGOpcode opc = sign ? INDEX_op_muls2 : INDEX_op_mulu2;
                for (int cb = 0; cb < 2; cb++) {
                    for (size_t j = 0; j < (cb ? n : 1); j++) {
                        TCGContext *s = harness_begin(h);
                        TCGv lo = ir_temp(s, t), hi = ir_temp(s, t);
                        TCGv b = cb ? ir_const(s, t, v[j]) : h_in(h, t, 1);
                        tcg_emit_op(s, opc, t, (uint64_t[]){ lo.n, hi.n, h_in(h, t, 0).n, b.n });
                        ir_mov(s, h_out(h, t, 0), lo);
                        ir_mov(s, h_out(h, t, 1), hi);
                        const void *code = harness_finish(h);
                        for (size_t i = 0; i < n; i++)
                            for (size_t jj = 0; jj < (cb ? 1 : n); jj++) {
                                uint64_t bv = cb ? v[j] : v[jj], wl, wh;
                                env_set_in(e, t, 0, v[i]);
                                env_set_in(e, t, 1, bv);
                                harness_run(h, code, e);
                                r_mul2(t, sign, v[i], bv, &wl, &wh);
                                CHECK(h, env_out(e, t, 0) == wl && env_out(e, t, 1) == wh,
                                      "%s_%s(%#" PRIx64 ", %#" PRIx64 ") = %#" PRIx64 ":%#" PRIx64
                                      ", want %#" PRIx64 ":%#" PRIx64, tcg_op_defs[opc].name,
                                      tcg_type_name(t), v[i], bv, env_out(e, t, 1),
                                      env_out(e, t, 0), wh, wl);
                            }
                    }
                }
            }
        }
    }
    free(e);
}

static void r_addsub2(TCGType t, bool sub, const uint64_t *in, uint64_t *lo, uint64_t *hi)
{
    uint64_t m = tmask(t), al = in[0] & m, ah = in[1] & m, bl = in[2] & m, bh = in[3] & m;
    unsigned w = width(t);
    if (!sub) {
        uint64_t l = (al + bl) & m;
        uint64_t carry = w == 64 ? l < al : (al + bl) >> 32;
        *lo = l;
        *hi = (ah + bh + carry) & m;
    } else {
        uint64_t l = (al - bl) & m;
        uint64_t borrow = al < bl;
        *lo = l;
        *hi = (ah - bh - borrow) & m;
    }
}

static void test_addsub2(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    static const uint64_t highs[] = { 0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffff };
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (int k = 0; k < 2; k++) {
            TCGType t = types[k];
            size_t n;
            const uint64_t *v = vals(t, &n);
            for (int sub = 0; sub < 2; sub++) {
                TCGOpcode opc = sub ? INDEX_op_sub2 : INDEX_op_add2;
                for (int cst = 0; cst < 3; cst++) {
                    /* cst 0: all globals; 1: b constant; 2: everything constant */
                    for (size_t j = 0; j < (cst ? n : 1); j++) {
                        TCGContext *s = harness_begin(h);
                        TCGv lo = ir_temp(s, t), hi = ir_temp(s, t);
                        uint64_t cin[4] = { v[(j * 3) % n], highs[j % 5], v[j], highs[(j + 2) % 5] };
                        TCGv al = cst == 2 ? ir_const(s, t, cin[0]) : h_in(h, t, 0);
                        TCGv ah = cst == 2 ? ir_const(s, t, cin[1]) : h_in(h, t, 1);
                        TCGv bl = cst ? ir_const(s, t, cin[2]) : h_in(h, t, 2);
                        TCGv bh = cst ? ir_const(s, t, cin[3]) : h_in(h, t, 3);
                        tcg_emit_op(s, opc, t, (uint64_t[]){ lo.n, hi.n, al.n, ah.n, bl.n, bh.n });
                        ir_mov(s, h_out(h, t, 0), lo);
                        ir_mov(s, h_out(h, t, 1), hi);
                        const void *code = harness_finish(h);
                        for (size_t i = 0; i < n; i++)
                            for (size_t q = 0; q < 5; q++) {
                                uint64_t in[4] = { v[i], highs[q], v[(i + q) % n], highs[(q + 1) % 5] };
                                if (cst >= 1) { in[2] = cin[2]; in[3] = cin[3]; }
                                if (cst == 2) { in[0] = cin[0]; in[1] = cin[1]; }
                                for (int a = 0; a < 4; a++)
                                    env_set_in(e, t, a, in[a]);
                                harness_run(h, code, e);
                                uint64_t wl, wh;
                                r_addsub2(t, sub, in, &wl, &wh);
                                CHECK(h, env_out(e, t, 0) == wl && env_out(e, t, 1) == wh,
                                      "%s_%s", tcg_op_defs[opc].name, tcg_type_name(t));
                            }
                    }
                }
            }
        }
    }
    free(e);
}

/* ---- bitfields ------------------------------------------------------------ */

static void fields(TCGType t, unsigned pl[][2], size_t *n)
{
    unsigned w = width(t);
    unsigned f[][2] = {
        { 0, 1 }, { 0, 8 }, { 0, 16 }, { 0, w }, { 0, w - 1 }, { 1, 1 }, { 7, 9 }, { 8, 8 },
        { w - 1, 1 }, { w - 8, 8 }, { 3, w - 3 }, { 16, 16 }, { w / 2, w / 2 }, { 5, 13 },
        { 0, 32 }, { 32, w - 32 },
    };
    size_t k = 0;
    for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
        if (f[i][1] == 0 || f[i][0] + f[i][1] > w)
            continue;
        pl[k][0] = f[i][0];
        pl[k][1] = f[i][1];
        k++;
    }
    *n = k;
}

static void test_bitfields(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (int k = 0; k < 2; k++) {
            TCGType t = types[k];
            size_t n, nf;
            const uint64_t *v = vals(t, &n);
            unsigned f[32][2];
            fields(t, f, &nf);
            for (size_t fi = 0; fi < nf; fi++) {
                unsigned pos = f[fi][0], len = f[fi][1];
                for (int cst = 0; cst < 2; cst++) {
                    TCGContext *s = harness_begin(h);
                    TCGv a = h_in(h, t, 0), b = cst ? ir_const(s, t, 0x5a5a5a5a5a5a5a5aull) : h_in(h, t, 1);
                    TCGv d0 = ir_temp(s, t), d1 = ir_temp(s, t), d2 = ir_temp(s, t);
                    ir_deposit(s, d0, a, b, pos, len);
                    ir_extract(s, d1, a, pos, len);
                    ir_sextract(s, d2, a, pos, len);
                    ir_mov(s, h_out(h, t, 0), d0);
                    ir_mov(s, h_out(h, t, 1), d1);
                    ir_mov(s, h_out(h, t, 2), d2);
                    const void *code = harness_finish(h);
                    for (size_t i = 0; i < n; i++)
                        for (size_t j = 0; j < n; j += cst ? n : 1) {
                            uint64_t bv = cst ? 0x5a5a5a5a5a5a5a5aull & tmask(t) : v[j];
                            env_set_in(e, t, 0, v[i]);
                            env_set_in(e, t, 1, bv);
                            harness_run(h, code, e);
                            CHECK(h, env_out(e, t, 0) == r_deposit(t, v[i], bv, pos, len),
                                  "deposit_%s(%#" PRIx64 ", %#" PRIx64 ", %u, %u) = %#" PRIx64,
                                  tcg_type_name(t), v[i], bv, pos, len, env_out(e, t, 0));
                            CHECK(h, env_out(e, t, 1) == r_extract(v[i], pos, len, false, t),
                                  "extract_%s(%#" PRIx64 ", %u, %u) = %#" PRIx64, tcg_type_name(t),
                                  v[i], pos, len, env_out(e, t, 1));
                            CHECK(h, env_out(e, t, 2) == r_extract(v[i], pos, len, true, t),
                                  "sextract_%s(%#" PRIx64 ", %u, %u) = %#" PRIx64, tcg_type_name(t),
                                  v[i], pos, len, env_out(e, t, 2));
                        }
                }
                /* constant input: folded */
                TCGContext *s = harness_begin(h);
                TCGv d0 = ir_temp(s, t), d1 = ir_temp(s, t);
                ir_deposit(s, d0, ir_const(s, t, v[fi % n]), ir_const(s, t, v[(fi + 5) % n]), pos, len);
                ir_sextract(s, d1, ir_const(s, t, v[(fi + 9) % n]), pos, len);
                ir_mov(s, h_out(h, t, 0), d0);
                ir_mov(s, h_out(h, t, 1), d1);
                harness_run(h, harness_finish(h), e);
                CHECK(h, env_out(e, t, 0) == r_deposit(t, v[fi % n], v[(fi + 5) % n], pos, len),
                      "deposit const");
                CHECK(h, env_out(e, t, 1) == r_extract(v[(fi + 9) % n], pos, len, true, t),
                      "sextract const");
            }
            /* extract2 */
            unsigned w = width(t);
            unsigned poss[] = { 0, 1, 7, 8, w / 2, w - 1, 3 };
            for (size_t pi = 0; pi < ARRAY_SIZE(poss); pi++) {
                TCGContext *s = harness_begin(h);
                TCGv d = ir_temp(s, t);
                ir_extract2(s, d, h_in(h, t, 0), h_in(h, t, 1), poss[pi]);
                ir_mov(s, h_out(h, t, 0), d);
                const void *code = harness_finish(h);
                for (size_t i = 0; i < n; i++)
                    for (size_t j = 0; j < n; j++) {
                        env_set_in(e, t, 0, v[i]);
                        env_set_in(e, t, 1, v[j]);
                        harness_run(h, code, e);
                        CHECK(h, env_out(e, t, 0) == r_extract2(t, v[i], v[j], poss[pi]),
                              "extract2_%s(%#" PRIx64 ", %#" PRIx64 ", %u) = %#" PRIx64,
                              tcg_type_name(t), v[i], v[j], poss[pi], env_out(e, t, 0));
                    }
            }
        }
    }
    free(e);
}

/* ---- conditions ---------------------------------------------------------- */

static void test_conditions(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (int k = 0; k < 2; k++) {
            TCGType t = types[k];
            size_t n;
            const uint64_t *v = vals(t, &n);
            for (int cond = 0; cond < NB_CONDS; cond++) {
                for (int cst = 0; cst < 2; cst++) {
                    for (size_t j = 0; j < (cst ? n : 1); j++) {
                        TCGContext *s = harness_begin(h);
                        TCGv a = h_in(h, t, 0), b = cst ? ir_const(s, t, v[j]) : h_in(h, t, 1);
                        TCGv d0 = ir_temp(s, t), d1 = ir_temp(s, t), d2 = ir_temp(s, t);
                        ir_setcond(s, (TCGCond)cond, d0, a, b);
                        ir_negsetcond(s, (TCGCond)cond, d1, a, b);
                        ir_movcond(s, (TCGCond)cond, d2, a, b, h_in(h, t, 2), h_in(h, t, 3));
                        ir_mov(s, h_out(h, t, 0), d0);
                        ir_mov(s, h_out(h, t, 1), d1);
                        ir_mov(s, h_out(h, t, 2), d2);
                        /* brcond: out3 = cond ? 1 : 2 */
                        TCGLabel l = ir_label(s), end = ir_label(s);
                        ir_brcond(s, (TCGCond)cond, a, b, l);
                        ir_movi(s, h_out(h, t, 3), 2);
                        ir_br(s, end);
                        ir_set_label(s, l);
                        ir_movi(s, h_out(h, t, 3), 1);
                        ir_set_label(s, end);
                        const void *code = harness_finish(h);
                        for (size_t i = 0; i < n; i++)
                            for (size_t jj = 0; jj < (cst ? 1 : n); jj++) {
                                uint64_t bv = cst ? v[j] : v[jj];
                                env_set_in(e, t, 0, v[i]);
                                env_set_in(e, t, 1, bv);
                                env_set_in(e, t, 2, 0x1111);
                                env_set_in(e, t, 3, 0x2222);
                                harness_run(h, code, e);
                                bool r = r_cond(t, (TCGCond)cond, v[i], bv);
                                CHECK(h, env_out(e, t, 0) == r, "setcond %s_%s(%#" PRIx64 ", %#" PRIx64 ")",
                                      tcg_cond_name((TCGCond)cond), tcg_type_name(t), v[i], bv);
                                CHECK(h, env_out(e, t, 1) == ((r ? ~0ull : 0) & tmask(t)),
                                      "negsetcond %s", tcg_cond_name((TCGCond)cond));
                                CHECK(h, env_out(e, t, 2) == (r ? 0x1111u : 0x2222u),
                                      "movcond %s", tcg_cond_name((TCGCond)cond));
                                CHECK(h, env_out(e, t, 3) == (r ? 1u : 2u), "brcond %s_%s(%#" PRIx64
                                      ", %#" PRIx64 ")", tcg_cond_name((TCGCond)cond),
                                      tcg_type_name(t), v[i], bv);
                            }
                    }
                }
            }
        }
    }
    free(e);
}

/* ---- host-state loads and stores ------------------------------------------- */

static void test_host_ldst(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    static const uint8_t pat[16] = { 0x81, 0x7f, 0xff, 0x00, 0x80, 0x01, 0xfe, 0x92,
                                     0x13, 0xa4, 0x35, 0xc6, 0x57, 0xe8, 0x79, 0x0a };
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (int off = 0; off < 8; off++) {
            TCGContext *s = harness_begin(h);
            int32_t base = offsetof(TestEnv, buf) + off;
            TCGv t64[7], t32[5];
            for (int i = 0; i < 7; i++)
                t64[i] = ir_temp(s, TCG_I64);
            for (int i = 0; i < 5; i++)
                t32[i] = ir_temp(s, TCG_I32);
            ir_ld8u(s, t64[0], s->env, base);
            ir_ld8s(s, t64[1], s->env, base);
            ir_ld16u(s, t64[2], s->env, base);
            ir_ld16s(s, t64[3], s->env, base);
            ir_ld32u(s, t64[4], s->env, base);
            ir_ld32s(s, t64[5], s->env, base);
            ir_ld(s, t64[6], s->env, base);
            ir_ld8u(s, t32[0], s->env, base);
            ir_ld8s(s, t32[1], s->env, base);
            ir_ld16u(s, t32[2], s->env, base);
            ir_ld16s(s, t32[3], s->env, base);
            ir_ld(s, t32[4], s->env, base);
            for (int i = 0; i < 7; i++)
                ir_st(s, t64[i], s->env, offsetof(TestEnv, scratch[i]));
            ir_st(s, t32[0], s->env, offsetof(TestEnv, out32[0]));
            ir_st(s, t32[1], s->env, offsetof(TestEnv, out32[1]));
            ir_st(s, t32[2], s->env, offsetof(TestEnv, out32[2]));
            ir_st(s, t32[3], s->env, offsetof(TestEnv, out32[3]));
            ir_st(s, t32[4], s->env, offsetof(TestEnv, scratch[7]));
            /* stores of a pointer-based base: buf+32 through a computed address */
            TCGv p = ir_temp(s, TCG_I64);
            ir_addi(s, p, s->env, offsetof(TestEnv, buf) + 32);
            ir_st8(s, h->in[0], p, off);
            ir_st16(s, h->in[0], p, off + 1);
            ir_st32(s, h->in32[0], p, off + 3);
            ir_st(s, h->in[1], p, off + 7 + 8 - off);
            const void *code = harness_finish(h);
            memset(e, 0, sizeof(*e));
            memcpy(e->buf, pat, 16);
            e->in[0] = 0x1122334455667788ull;
            e->in32[0] = 0xa1b2c3d4;
            e->in[1] = 0xcafef00d12345678ull;
            harness_run(h, code, e);
            const uint8_t *b = pat + off;
            uint64_t u8 = b[0], u16 = b[0] | b[1] << 8;
            uint64_t u32 = u16 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
            uint64_t u64 = u32;
            for (int i = 4; i < 8; i++)
                u64 |= (uint64_t)b[i] << (8 * i);
            CHECK(h, e->scratch[0] == u8, "ld8u_i64 off %d", off);
            CHECK(h, e->scratch[1] == sext(u8, 8), "ld8s_i64 off %d", off);
            CHECK(h, e->scratch[2] == u16, "ld16u_i64 off %d", off);
            CHECK(h, e->scratch[3] == sext(u16, 16), "ld16s_i64 off %d", off);
            CHECK(h, e->scratch[4] == u32, "ld32u off %d", off);
            CHECK(h, e->scratch[5] == sext(u32, 32), "ld32s off %d", off);
            CHECK(h, e->scratch[6] == u64, "ld_i64 off %d", off);
            CHECK(h, e->out32[0] == u8, "ld8u_i32");
            CHECK(h, e->out32[1] == (uint32_t)sext(u8, 8), "ld8s_i32");
            CHECK(h, e->out32[2] == u16, "ld16u_i32");
            CHECK(h, e->out32[3] == (uint32_t)sext(u16, 16), "ld16s_i32");
            CHECK(h, (uint32_t)e->scratch[7] == (uint32_t)u32, "ld_i32");
            uint8_t want[32] = { 0 };
            want[off] = 0x88;
            want[off + 1] = 0x88;
            want[off + 2] = 0x77;
            want[off + 3] = 0xd4; want[off + 4] = 0xc3; want[off + 5] = 0xb2; want[off + 6] = 0xa1;
            for (int i = 0; i < 8; i++)
                want[15 + i] = (uint8_t)(0xcafef00d12345678ull >> (8 * i));
            CHECK(h, !memcmp(e->buf + 32, want, 32), "stores at offset %d", off);
        }
    }
    free(e);
}

/* ---- calls ----------------------------------------------------------------- */

static uint64_t helper_mix6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    return a * 3 + b * 5 + c * 7 + d * 11 + e * 13 + f * 17;
}
static uint32_t helper_mix32(uint32_t a, uint64_t b)
{
    return a ^ (uint32_t)(b >> 16);
}
/* Reads in[0] and writes in[1] behind the IR's back: needs synced globals. */
static void helper_rw_globals(TestEnv *env)
{
    env->in[1] = env->in[0] * 2;
}
static uint64_t helper_pure_counter_calls;
static uint64_t helper_pure(uint64_t a)
{
    helper_pure_counter_calls++;
    return a + 1;
}
static const TCGHelper h_mix6 = TCG_HELPER(helper_mix6, TCG_I64, TCG_CALL_PURE);
static const TCGHelper h_mix32 = TCG_HELPER(helper_mix32, TCG_I32, TCG_CALL_PURE);
static const TCGHelper h_rw = TCG_HELPER(helper_rw_globals, TCG_VOID, 0);
static const TCGHelper h_pure = TCG_HELPER(helper_pure, TCG_I64, TCG_CALL_PURE);

static void test_calls(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        /* six arguments, mixed widths, constants among them */
        TCGContext *s = harness_begin(h);
        TCGv r = ir_temp(s, TCG_I64), r32 = ir_temp(s, TCG_I32);
        TCGv x = ir_temp(s, TCG_I64);
        ir_addi(s, x, h->in[2], 100);   /* a value live across the call */
        ir_callv(s, &h_mix6, r, h->in[0], h->in[1], ir_const64(s, 9), h->in[3], x, h->in[5]);
        ir_callv(s, &h_mix32, r32, h->in32[0], h->in[0]);
        ir_add(s, h->out[0], r, x);
        ir_mov(s, h->out32[0], r32);
        const void *code = harness_finish(h);
        for (int i = 0; i < 6; i++)
            e->in[i] = 0x1000 * (i + 1) + i;
        e->in32[0] = 0xdeadbeef;
        harness_run(h, code, e);
        uint64_t x0 = e->in[2] + 100;
        uint64_t want = helper_mix6(e->in[0], e->in[1], 9, e->in[3], x0, e->in[5]) + x0;
        CHECK(h, e->out[0] == want, "mix6");
        CHECK(h, e->out32[0] == helper_mix32(0xdeadbeef, e->in[0]), "mix32");

        /* a helper reading and writing globals: the dirty in0 must be
         * stored before, and in1 reloaded after */
        s = harness_begin(h);
        ir_addi(s, h->in[0], h->in[0], 1);
        ir_mov(s, h->in[1], h->in[2]);
        ir_callv(s, &h_rw, TCGV_NONE, s->env);
        ir_addi(s, h->out[0], h->in[1], 1);
        code = harness_finish(h);
        e->in[0] = 20;
        e->in[2] = 5;
        harness_run(h, code, e);
        CHECK(h, e->out[0] == 43 && e->in[0] == 21, "globals around a call: out0 %" PRIu64, e->out[0]);

        /* a pure call whose result is unused disappears (optimizing only
         * matters for the liveness pass, which always runs) */
        s = harness_begin(h);
        TCGv dead = ir_temp(s, TCG_I64);
        ir_callv(s, &h_pure, dead, h->in[0]);
        ir_callv(s, &h_pure, h->out[1], h->in[0]);
        code = harness_finish(h);
        helper_pure_counter_calls = 0;
        e->in[0] = 41;
        harness_run(h, code, e);
        CHECK(h, e->out[1] == 42 && helper_pure_counter_calls == 1, "pure call DCE: %" PRIu64 " calls",
              helper_pure_counter_calls);
    }
    free(e);
}

/* ---- the optimizer making many constants --------------------------------------- */

/* Each add of two constants folds to a mov from a constant the optimizer
 * makes as it goes, so its per-temp table has to grow while it works; run
 * under ASan (make check-asan), this catches a TempInfo pointer kept across
 * that growth (are_copies() once read the first temp's info from the old
 * table). The sum checks that the folded values are right. */
static void test_optimizer_many_new_constants(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        TCGContext *s = harness_begin(h);
        uint64_t want = 5;
        ir_mov(s, h->out[0], h->in[0]);
        for (uint64_t k = 0; k < 400; k++) {
            TCGv t = ir_temp(s, TCG_I64);
            ir_add(s, t, ir_const64(s, 1000003 * k), ir_const64(s, 0x100000000ull));
            ir_add(s, h->out[0], h->out[0], t);
            want += 1000003 * k + 0x100000000ull;
        }
        const void *code = harness_finish(h);
        e->in[0] = 5;
        harness_run(h, code, e);
        CHECK(h, e->out[0] == want, "sum of 400 folded constants: %" PRIx64 ", want %" PRIx64,
              e->out[0], want);
    }
    free(e);
}

/* ---- control flow, temps across labels, exits ------------------------------- */

static void test_control_flow(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        /* a loop inside the block: sum 1..in0 with a tb temp counter */
        TCGContext *s = harness_begin(h);
        TCGv i = ir_temp_tb(s, TCG_I64), sum = ir_temp_tb(s, TCG_I64);
        TCGLabel top = ir_label(s), done = ir_label(s);
        ir_movi(s, i, 0);
        ir_movi(s, sum, 0);
        ir_set_label(s, top);
        ir_brcond(s, COND_GEU, i, h->in[0], done);
        ir_addi(s, i, i, 1);
        ir_add(s, sum, sum, i);
        ir_addi(s, h->out[1], h->out[1], 2);   /* a global updated in the loop */
        ir_br(s, top);
        ir_set_label(s, done);
        ir_mov(s, h->out[0], sum);
        const void *code = harness_finish(h);
        e->in[0] = 100;
        e->out[1] = 0;
        harness_run(h, code, e);
        CHECK(h, e->out[0] == 5050 && e->out[1] == 200, "loop: %" PRIu64 " %" PRIu64, e->out[0], e->out[1]);

        /* exit_tb values, and code after an exit is never run */
        s = harness_begin(h);
        TCGLabel l = ir_label(s);
        ir_brcondi(s, COND_EQ, h->in[0], 7, l);
        ir_movi(s, h->out[0], 1);
        ir_exit_tb(s, 0x1230);
        ir_set_label(s, l);
        ir_movi(s, h->out[0], 2);
        ir_exit_tb(s, 0x4560);
        ir_movi(s, h->out[0], 3);   /* unreachable */
        code = harness_finish(h);
        e->in[0] = 7;
        uintptr_t r = harness_run(h, code, e);
        CHECK(h, r == 0x4560 && e->out[0] == 2, "exit_tb taken");
        e->in[0] = 8;
        r = harness_run(h, code, e);
        CHECK(h, r == 0x1230 && e->out[0] == 1, "exit_tb fallthrough");

        /* branch folding: constant conditions */
        s = harness_begin(h);
        TCGv k = ir_temp(s, TCG_I64);
        ir_movi(s, k, 5);
        l = ir_label(s);
        ir_movi(s, h->out[0], 10);
        ir_brcondi(s, COND_LT, k, 6, l);
        ir_movi(s, h->out[0], 11);
        ir_set_label(s, l);
        code = harness_finish(h);
        harness_run(h, code, e);
        CHECK(h, e->out[0] == 10, "folded branch");

        /* goto_tb unchained falls through; insn_start and mb are no-ops */
        s = harness_begin(h);
        ir_insn_start(s, 0x1000, 0, 0);
        ir_mb(s, TCG_MO_ALL);
        ir_movi(s, h->out[0], 77);
        ir_goto_tb(s, 0);
        ir_movi(s, h->out[1], 88);
        ir_exit_tb(s, 0x10);
        code = harness_finish(h);
        r = harness_run(h, code, e);
        CHECK(h, r == 0x10 && e->out[0] == 77 && e->out[1] == 88, "goto_tb fallthrough");

        /* many live values: forces spills on a native backend */
        s = harness_begin(h);
        TCGv t[40];
        for (int q = 0; q < 40; q++) {
            t[q] = ir_temp(s, TCG_I64);
            ir_muli(s, t[q], h->in[q % 6], (uint64_t)q + 3);
        }
        TCGv acc = ir_temp(s, TCG_I64);
        ir_movi(s, acc, 0);
        for (int q = 0; q < 40; q++)
            ir_xor(s, acc, acc, t[39 - q]);
        ir_mov(s, h->out[0], acc);
        code = harness_finish(h);
        uint64_t want = 0;
        for (int q = 0; q < 6; q++)
            e->in[q] = 0x0101010101010101ull * (q + 1);
        for (int q = 0; q < 40; q++)
            want ^= e->in[q % 6] * (uint64_t)(q + 3);
        harness_run(h, code, e);
        CHECK(h, e->out[0] == want, "many live temps");
    }
    free(e);
}

/* ---- vectors --------------------------------------------------------------- */

static void r_vec(TCGOpcode opc, unsigned vece, const uint8_t *a, const uint8_t *b, uint8_t *d,
                  unsigned oprsz, unsigned maxsz)
{
    unsigned es = 1u << vece;
    uint8_t r[16] = { 0 };
    for (unsigned i = 0; i < oprsz; i += es) {
        uint64_t x = 0, y = 0, z = 0;
        for (unsigned k = 0; k < es; k++) {
            x |= (uint64_t)a[i + k] << (8 * k);
            y |= (uint64_t)b[i + k] << (8 * k);
        }
        switch (opc) {
        case INDEX_op_vec_mov: z = x; break;
        case INDEX_op_vec_not: z = ~x; break;
        case INDEX_op_vec_and: z = x & y; break;
        case INDEX_op_vec_or: z = x | y; break;
        case INDEX_op_vec_xor: z = x ^ y; break;
        case INDEX_op_vec_andc: z = x & ~y; break;
        case INDEX_op_vec_add: z = x + y; break;
        case INDEX_op_vec_sub: z = x - y; break;
        default: abort();
        }
        for (unsigned k = 0; k < es; k++)
            r[i + k] = (uint8_t)(z >> (8 * k));
    }
    memcpy(d, r, oprsz);
    memset(d + oprsz, 0, maxsz - oprsz);
}

static void vec_helper_rev(void *d, const void *a, const void *b, uint32_t desc)
{
    uint8_t r[16];
    unsigned n = vec_oprsz(desc);
    for (unsigned i = 0; i < n; i++)
        r[i] = ((const uint8_t *)a)[n - 1 - i] ^ ((const uint8_t *)b)[i] ^ (uint8_t)(desc >> 24);
    memcpy(d, r, n);
}
static const TCGHelper h_vrev = TCG_HELPER(vec_helper_rev, TCG_VOID, TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G);

static void test_vectors(void **state)
{
    (void)state;
    TestEnv *e = xzalloc(sizeof(*e));
    static const TCGOpcode ops[] = { INDEX_op_vec_mov, INDEX_op_vec_not, INDEX_op_vec_and,
                                     INDEX_op_vec_or, INDEX_op_vec_xor, INDEX_op_vec_andc,
                                     INDEX_op_vec_add, INDEX_op_vec_sub };
    static const unsigned sizes[][2] = { { 8, 8 }, { 8, 16 }, { 16, 16 } };
    for (int c = 0; c < NH; c++) {
        Harness *h = &H[c];
        for (size_t oi = 0; oi < ARRAY_SIZE(ops); oi++)
            for (unsigned vece = 0; vece < 4; vece++)
                for (size_t si = 0; si < ARRAY_SIZE(sizes); si++)
                    for (int alias = 0; alias < 2; alias++) {
                        TCGOpcode opc = ops[oi];
                        bool lanes = opc == INDEX_op_vec_add || opc == INDEX_op_vec_sub;
                        if (!lanes && vece)
                            continue;
                        unsigned oprsz = sizes[si][0], maxsz = sizes[si][1];
                        uint32_t vo = offsetof(TestEnv, vec);
                        uint32_t dofs = vo + (alias ? 0 : 32), aofs = vo, bofs = vo + 16;
                        TCGContext *s = harness_begin(h);
                        switch (opc) {
                        case INDEX_op_vec_mov: ir_vec_mov(s, dofs, aofs, oprsz, maxsz); break;
                        case INDEX_op_vec_not: ir_vec_not(s, dofs, aofs, oprsz, maxsz); break;
                        case INDEX_op_vec_and: ir_vec_and(s, dofs, aofs, bofs, oprsz, maxsz); break;
                        case INDEX_op_vec_or: ir_vec_or(s, dofs, aofs, bofs, oprsz, maxsz); break;
                        case INDEX_op_vec_xor: ir_vec_xor(s, dofs, aofs, bofs, oprsz, maxsz); break;
                        case INDEX_op_vec_andc: ir_vec_andc(s, dofs, aofs, bofs, oprsz, maxsz); break;
                        case INDEX_op_vec_add: ir_vec_add(s, vece, dofs, aofs, bofs, oprsz, maxsz); break;
                        default: ir_vec_sub(s, vece, dofs, aofs, bofs, oprsz, maxsz); break;
                        }
                        const void *code = harness_finish(h);
                        for (int i = 0; i < 48; i++)
                            e->vec[i / 16][i % 16] = (uint8_t)(0x9d * i + 0x37 + (i % 7 == 0 ? 0x80 : 0));
                        uint8_t a[16], b[16], want[16];
                        memcpy(a, e->vec[0], 16);
                        memcpy(b, e->vec[1], 16);
                        r_vec(opc, vece, a, b, want, oprsz, maxsz);
                        uint8_t *d = (uint8_t *)e + dofs;
                        uint8_t after[16];
                        memcpy(after, d, 16);
                        memcpy(after, want, maxsz);
                        harness_run(h, code, e);
                        CHECK(h, !memcmp(d, after, 16), "%s e%u %u/%u alias %d", tcg_op_defs[opc].name,
                              vece, oprsz, maxsz, alias);
                    }
        /* dup from a register and from a constant */
        for (unsigned vece = 0; vece < 4; vece++)
            for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
                unsigned oprsz = sizes[si][0], maxsz = sizes[si][1];
                TCGContext *s = harness_begin(h);
                uint32_t vo = offsetof(TestEnv, vec);
                ir_vec_dup(s, vece, vo, oprsz, maxsz, h->in[0]);
                if (vece < 3)
                    ir_vec_dup(s, vece, vo + 16, oprsz, maxsz, h->in32[0]);
                ir_vec_dupi(s, vece, vo + 32, oprsz, maxsz, 0x8182838485868788ull);
                const void *code = harness_finish(h);
                memset(e->vec, 0xee, sizeof(e->vec));
                e->in[0] = 0x0123456789abcdefull;
                e->in32[0] = 0xf1e2d3c4;
                harness_run(h, code, e);
                unsigned es = 1u << vece;
                for (unsigned i = 0; i < 16; i++) {
                    uint8_t w0 = i < oprsz ? (uint8_t)(0x0123456789abcdefull >> (8 * (i % es))) : i < maxsz ? 0 : 0xee;
                    uint8_t w1 = i < oprsz ? (uint8_t)(0xf1e2d3c4ull >> (8 * (i % es))) : i < maxsz ? 0 : 0xee;
                    uint8_t w2 = i < oprsz ? (uint8_t)(0x8182838485868788ull >> (8 * (i % es))) : i < maxsz ? 0 : 0xee;
                    CHECK(h, e->vec[0][i] == w0, "dup e%u reg byte %u", vece, i);
                    if (vece < 3)
                        CHECK(h, e->vec[1][i] == w1, "dup e%u reg32 byte %u", vece, i);
                    CHECK(h, e->vec[2][i] == w2, "dup e%u const byte %u", vece, i);
                }
            }
        /* out-of-line vector helper */
        TCGContext *s = harness_begin(h);
        uint32_t vo = offsetof(TestEnv, vec);
        ir_vec_ool(s, &h_vrev, vo + 32, vo, vo + 16, 16, 16, 0x5a);
        const void *code = harness_finish(h);
        for (int i = 0; i < 48; i++)
            e->vec[i / 16][i % 16] = (uint8_t)i;
        harness_run(h, code, e);
        for (unsigned i = 0; i < 16; i++)
            CHECK(h, e->vec[2][i] == (uint8_t)((15 - i) ^ (16 + i) ^ 0x5a), "vec ool byte %u", i);
    }
    free(e);
}

static int setup(void **state)
{
    (void)state;
    NH = harness_configs(H);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    harness_free(H, NH);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add), cmocka_unit_test(test_sub), cmocka_unit_test(test_mul),
        cmocka_unit_test(test_mulsh), cmocka_unit_test(test_muluh), cmocka_unit_test(test_div),
        cmocka_unit_test(test_divu), cmocka_unit_test(test_rem), cmocka_unit_test(test_remu),
        cmocka_unit_test(test_and), cmocka_unit_test(test_or), cmocka_unit_test(test_xor),
        cmocka_unit_test(test_andc), cmocka_unit_test(test_orc), cmocka_unit_test(test_eqv),
        cmocka_unit_test(test_nand), cmocka_unit_test(test_nor), cmocka_unit_test(test_shl),
        cmocka_unit_test(test_shr), cmocka_unit_test(test_sar), cmocka_unit_test(test_rotl),
        cmocka_unit_test(test_rotr), cmocka_unit_test(test_clz), cmocka_unit_test(test_ctz),
        cmocka_unit_test(test_mov), cmocka_unit_test(test_neg), cmocka_unit_test(test_not),
        cmocka_unit_test(test_ctpop), cmocka_unit_test(test_ext8s), cmocka_unit_test(test_ext8u),
        cmocka_unit_test(test_ext16s), cmocka_unit_test(test_ext16u), cmocka_unit_test(test_ext32s),
        cmocka_unit_test(test_ext32u), cmocka_unit_test(test_bswap16), cmocka_unit_test(test_bswap32),
        cmocka_unit_test(test_bswap64), cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_many_folded_constants),
        cmocka_unit_test(test_mul2), cmocka_unit_test(test_addsub2), cmocka_unit_test(test_bitfields),
        cmocka_unit_test(test_conditions), cmocka_unit_test(test_host_ldst),
        cmocka_unit_test(test_calls), cmocka_unit_test(test_optimizer_many_new_constants),
        cmocka_unit_test(test_control_flow),
        cmocka_unit_test(test_vectors),
    };
    return cmocka_run_group_tests_name("tcg_ops", tests, setup, teardown);
}
