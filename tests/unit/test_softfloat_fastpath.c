/*
 * Unit tests for fpu/: the host-FPU fast path against the pure soft path.
 *
 * The fast path (fpu/sf-arith.c) claims bit-identical results and flags
 * for binary32/64 add, sub, mul, div, sqrt and fused multiply-add in
 * round-to-nearest-even.  This is a bounded randomized differential run:
 * operands are drawn mostly from where the fast path applies (normal
 * numbers over the whole exponent range, sparse significands for exact
 * results and ties, exponents near the safety bounds) and partly from
 * everywhere, under random profiles, flushing and default-NaN settings;
 * each operation is done with soft_only set and clear, and the two must
 * agree exactly, accumulated flags included.
 */
#include "tests/unit/test.h"

#include "fpu/softfloat.h"
#include "tests/unit/softfloat_testutil.h"

/* A normal number, exponent anywhere, or near 'near' (biased). */
static uint64_t normal_value(TRng *r, const TFmt *f, int64_t near)
{
    int64_t emax = (1 << f->ebits) - 2, e;
    if (near >= 0 && t_below(r, 2))
        e = near + (int64_t)t_below(r, 2 * f->fbits + 5) - f->fbits - 2;
    else
        e = 1 + (int64_t)t_below(r, (unsigned)emax);
    if (e < 1)
        e = 1;
    if (e > emax)
        e = emax;
    return t_make(f, t_below(r, 2), (uint64_t)e, t_frac(r, f));
}

static uint64_t operand(TRng *r, const TFmt *f, int64_t near)
{
    return t_below(r, 8) ? normal_value(r, f, near) : t_value(r, f, near);
}

static FPStatus random_status(TRng *r)
{
    FPStatus st;
    fp_status_init(&st, t_below(r, 2) ? FP_PROFILE_ARM : FP_PROFILE_X86);
    st.flush_in = t_below(r, 4) == 0;
    st.flush_out = t_below(r, 4) == 0;
    st.default_nan = t_below(r, 4) == 0;
    st.flags = t_below(r, 2) ? 0 : (uint32_t)t_rand(r) & 0x9f; /* flags accumulate */
    if (t_below(r, 8) == 0)
        st.rounding = t_below(r, 6); /* the fast path must stand aside */
    return st;
}

/* Run CALL (which uses 'st') on the soft and the fast path from the same
 * starting status; results and flags must agree. */
#define DIFF(OPNAME, A, B, C, CALL)                                                 \
    do {                                                                            \
        FPStatus s_ = st0, f_ = st0;                                                \
        s_.soft_only = true;                                                        \
        f_.soft_only = false;                                                       \
        FPStatus *st = &s_;                                                         \
        uint64_t soft_ = (CALL);                                                    \
        st = &f_;                                                                   \
        uint64_t fast_ = (CALL);                                                    \
        t_check(&tf, OPNAME, s_.rounding, "", A, B, C, soft_, s_.flags, fast_,      \
                f_.flags);                                                          \
    } while (0)

static void test_fast_vs_soft64(void **state)
{
    TFail tf = { "binary64 fast path vs soft path" };
    TRng r = { 0x1234567887654321ull };
    for (unsigned i = 0; i < 800000; i++) {
        FPStatus st0 = random_status(&r);
        uint64_t a = operand(&r, &T64, -1);
        uint64_t b = operand(&r, &T64, t_below(&r, 2) ? t_bexp(&T64, a) : 2046 - t_bexp(&T64, a));
        uint64_t c = operand(&r, &T64, t_bexp(&T64, a) + t_bexp(&T64, b) - 1023);
        unsigned neg = t_below(&r, 4);
        DIFF("add", a, b, c, sf64_add(a, b, st));
        DIFF("sub", a, b, c, sf64_sub(a, b, st));
        DIFF("mul", a, b, c, sf64_mul(a, b, st));
        DIFF("div", a, b, c, sf64_div(a, b, st));
        DIFF("sqrt", a, b, c, sf64_sqrt(a, st));
        DIFF("fma", a, b, c, sf64_muladd(a, b, c, neg, st));
    }
    t_done(&tf);
}

static void test_fast_vs_soft32(void **state)
{
    TFail tf = { "binary32 fast path vs soft path" };
    TRng r = { 0x8765432112345678ull };
    for (unsigned i = 0; i < 800000; i++) {
        FPStatus st0 = random_status(&r);
        uint32_t a = (uint32_t)operand(&r, &T32, -1);
        uint32_t b = (uint32_t)operand(&r, &T32, t_below(&r, 2) ? t_bexp(&T32, a) : 254 - t_bexp(&T32, a));
        uint32_t c = (uint32_t)operand(&r, &T32, t_bexp(&T32, a) + t_bexp(&T32, b) - 127);
        unsigned neg = t_below(&r, 4);
        DIFF("add", a, b, c, sf32_add(a, b, st));
        DIFF("sub", a, b, c, sf32_sub(a, b, st));
        DIFF("mul", a, b, c, sf32_mul(a, b, st));
        DIFF("div", a, b, c, sf32_div(a, b, st));
        DIFF("sqrt", a, b, c, sf32_sqrt(a, st));
        DIFF("fma", a, b, c, sf32_muladd(a, b, c, neg, st));
    }
    t_done(&tf);
}

/*
 * The bounds of the fast path's proof: results whose exponent field is 1
 * (exact value possibly tiny before rounding), results at the largest
 * exponent, binary64 products and dividends near the residue bound.
 */
static void test_fast_path_edges(void **state)
{
    TFail tf = { "fast path edges" };
    TRng r = { 99 };
    for (unsigned i = 0; i < 200000; i++) {
        FPStatus st0 = random_status(&r);
        /* products landing at exponent field 1..3 and 60..70 (binary64),
         * and at 2^emax */
        int64_t target = t_below(&r, 3) == 0 ? 1 + t_below(&r, 3)
                       : t_below(&r, 2) ? 60 + t_below(&r, 11) : 2046 - t_below(&r, 2);
        uint64_t a = normal_value(&r, &T64, 1023 + t_below(&r, 600));
        uint64_t b = t_make(&T64, t_below(&r, 2), (uint64_t)(target - (t_bexp(&T64, a) - 1023)) & 0x7ff,
                            t_frac(&r, &T64));
        if (t_bexp(&T64, b) == 0 || t_bexp(&T64, b) == 0x7ff)
            continue;
        uint64_t c = normal_value(&r, &T64, target);
        DIFF("mul", a, b, c, sf64_mul(a, b, st));
        DIFF("fma", a, b, c, sf64_muladd(a, b, c, 0, st));
        uint64_t q = normal_value(&r, &T64, target);
        DIFF("div", q, a, 0, sf64_div(q, a, st));
        DIFF("add", c, b ^ (1ull << 63), 0, sf64_add(c, b ^ (1ull << 63), st));

        int64_t t32 = t_below(&r, 2) ? 1 + t_below(&r, 3) : 254 - t_below(&r, 2);
        uint32_t a32 = (uint32_t)normal_value(&r, &T32, 127 + t_below(&r, 60));
        uint32_t b32 = (uint32_t)t_make(&T32, t_below(&r, 2),
                                        (uint64_t)(t32 - (t_bexp(&T32, a32) - 127)) & 0xff, t_frac(&r, &T32));
        if (t_bexp(&T32, b32) == 0 || t_bexp(&T32, b32) == 0xff)
            continue;
        uint32_t c32 = (uint32_t)normal_value(&r, &T32, t32);
        {
            DIFF("mul32", a32, b32, c32, sf32_mul(a32, b32, st));
            DIFF("fma32", a32, b32, c32, sf32_muladd(a32, b32, c32, 0, st));
            DIFF("div32", c32, a32, 0, sf32_div(c32, a32, st));
        }
    }
    t_done(&tf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_vs_soft64),
        cmocka_unit_test(test_fast_vs_soft32),
        cmocka_unit_test(test_fast_path_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
