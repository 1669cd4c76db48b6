/*
 * Unit tests for fpu/: every format (binary16 especially, which the host
 * has no arithmetic for) in every rounding mode, including ties-away and
 * round-to-odd, with Arm FZ/FZ16 and default-NaN, and tininess before and
 * after rounding — against a reference built from the C library.
 *
 * The reference computes each operation once in the host's long double
 * (x87 extended: 64-bit significand) under round-toward-zero, and turns
 * that into round-to-odd at 64 bits from the inexact flag: truncate, and
 * force the last bit to 1 if anything was lost.  Round-to-odd at p' bits
 * followed by any rounding to p <= p' − 2 bits equals a single rounding of
 * the exact value (Boldo & Melquiond, "Emulation of FMA and correctly
 * rounded sums: proved algorithms using rounding to odd", IEEE TC 2008), so
 * the second step — done by ref_round() below with ldexpl/nearbyintl/
 * roundl/truncl, never with fpu/ code — is exact for binary64 (53 <= 62),
 * binary32 and binary16, for fma as well as for the basic operations.
 * (This replaces the classic "binary64 then binary16 is innocuous since
 * 53 >= 2·11+2" argument, which covers +, −, ×, ÷, √ but not fma.)
 * The round-to-odd value never sits on a tie of the final precision
 * unless it is exact, and lies on the same side of every power of two as
 * the exact value, so tininess before and after rounding are decided on
 * it correctly too.
 *
 * What the reference takes from the specification rather than the host:
 * the Arm NaN-propagation order and default NaN (FPProcessNaNs/
 * FPProcessNaNs3/FPMulAdd), the flush rules of FPUnpackBase/FPRoundBase,
 * and the saturation of FPToFixed; each is a line or two below.
 */
#include "tests/unit/test.h"

#include <fenv.h>
#include <float.h>
#include <math.h>

#include "fpu/softfloat.h"
#include "tests/unit/softfloat_testutil.h"

#if LDBL_MANT_DIG >= 64

typedef long double LD;

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA };
static const char *op_name[] = { "add", "sub", "mul", "div", "sqrt", "fma" };

/* A test configuration: the status given to fpu/ and what it means. */
typedef struct Cfg {
    FPStatus st;
    const char *name;
} Cfg;

static uint64_t fmt_mask(const TFmt *f) { return f->bits == 64 ? ~0ull : (1ull << f->bits) - 1; }
static uint64_t sign_bit(const TFmt *f) { return 1ull << (f->bits - 1); }
static bool is_nan(const TFmt *f, uint64_t v)
{
    uint64_t emax = (1ull << f->ebits) - 1;
    return ((v >> f->fbits) & emax) == emax && (v & ((1ull << f->fbits) - 1));
}
static bool is_snan(const TFmt *f, uint64_t v)
{
    return is_nan(f, v) && !(v & (1ull << (f->fbits - 1)));
}
static bool is_denormal(const TFmt *f, uint64_t v)
{
    return ((v >> f->fbits) & ((1ull << f->ebits) - 1)) == 0 && (v & ((1ull << f->fbits) - 1));
}
static bool flush_in(const TFmt *f, const FPStatus *st)
{
    return f->bits == 16 ? st->flush_in16 : st->flush_in;
}
static bool flush_out(const TFmt *f, const FPStatus *st)
{
    return f->bits == 16 ? st->flush_out16 : st->flush_out;
}
static uint64_t default_nan(const TFmt *f, const FPStatus *st)
{
    uint64_t emax = (1ull << f->ebits) - 1;
    return (st->nan_rule == FP_NAN_X86 ? sign_bit(f) : 0) | (emax << f->fbits) |
           (1ull << (f->fbits - 1));
}

/* The value of a non-NaN operand; a flushed denormal is a signed zero. */
static LD decode(const TFmt *f, uint64_t v, bool flush)
{
    uint64_t emax = (1ull << f->ebits) - 1, frac = v & ((1ull << f->fbits) - 1);
    uint64_t e = (v >> f->fbits) & emax;
    bool s = (v >> (f->bits - 1)) & 1;
    LD x;
    if (e == emax)
        x = HUGE_VALL;
    else if (e == 0)
        x = flush ? 0.0L : ldexpl((LD)frac, 1 - f->bias - f->fbits);
    else
        x = ldexpl((LD)(frac | (1ull << f->fbits)), (int)e - f->bias - f->fbits);
    return s ? -x : x;
}

static int host_mode(int rm)
{
    switch (rm) {
    case FP_ROUND_UP: return FE_UPWARD;
    case FP_ROUND_DOWN: return FE_DOWNWARD;
    case FP_ROUND_ZERO: return FE_TOWARDZERO;
    default: return FE_TONEAREST; /* AWAY, ODD: only used for zero signs */
    }
}

/* Round a long double magnitude to an integer in mode rm (for a value of
 * sign 'neg'). */
static LD rnd_int(LD y, int rm, bool neg)
{
    LD t;
    switch (rm) {
    case FP_ROUND_NEAREST_EVEN:
        return nearbyintl(y); /* the host is in round-to-nearest here */
    case FP_ROUND_NEAREST_AWAY:
        return roundl(y);
    case FP_ROUND_UP:
        return neg ? truncl(y) : ceill(y);
    case FP_ROUND_DOWN:
        return neg ? ceill(y) : truncl(y);
    case FP_ROUND_ODD:
        t = truncl(y);
        if (t != y && fmodl(t, 2) == 0)
            t += 1;
        return t;
    default:
        return truncl(y);
    }
}

/*
 * Round x (exact, or round-to-odd at 64 bits) to format f: IEEE 754
 * rounding, overflow per mode, tininess before/after, Arm/x86 flush.
 */
static uint64_t ref_round(const TFmt *f, LD x, const FPStatus *st, int rm, uint32_t *flags)
{
    bool neg = signbit(x);
    LD ax = fabsl(x);
    int p = f->fbits + 1, emin = 1 - f->bias, emax = f->bias;
    uint64_t sbit = neg ? sign_bit(f) : 0;
    if (ax == 0)
        return sbit;
    if (isinf(ax))
        return sbit | (((1ull << f->ebits) - 1) << f->fbits);
    int e = ilogbl(ax);
    LD n1 = rnd_int(ldexpl(ax, -(e - (p - 1))), rm, neg);
    bool tiny_after = ldexpl(n1, e - (p - 1)) < ldexpl(1, emin);
    bool tiny = st->tininess_after ? tiny_after : ax < ldexpl(1, emin);
    if (tiny && flush_out(f, st)) {
        *flags |= FP_FLAG_UNDERFLOW | (st->ftz_inexact ? FP_FLAG_INEXACT : 0);
        return sbit;
    }
    int q = (e > emin ? e : emin) - (p - 1);
    LD y = ldexpl(ax, -q), n = rnd_int(y, rm, neg);
    bool inexact = n != y;
    LD z = ldexpl(n, q);
    if (z >= ldexpl(1, emax + 1)) {
        bool to_inf = rm == FP_ROUND_NEAREST_EVEN || rm == FP_ROUND_NEAREST_AWAY ||
                      (rm == FP_ROUND_UP && !neg) || (rm == FP_ROUND_DOWN && neg);
        *flags |= FP_FLAG_OVERFLOW | FP_FLAG_INEXACT;
        uint64_t emaxb = (1ull << f->ebits) - 1;
        return sbit | (to_inf ? emaxb << f->fbits
                              : ((emaxb - 1) << f->fbits) | ((1ull << f->fbits) - 1));
    }
    if (tiny && inexact)
        *flags |= FP_FLAG_UNDERFLOW;
    if (inexact)
        *flags |= FP_FLAG_INEXACT;
    if (z < ldexpl(1, emin))
        return sbit | (uint64_t)ldexpl(z, -(emin - (p - 1)));
    int ez = ilogbl(z);
    uint64_t frac = (uint64_t)(ldexpl(z, (p - 1) - ez) - ldexpl(1, p - 1));
    return sbit | ((uint64_t)(ez + f->bias) << f->fbits) | frac;
}

/*
 * One operation in long double: round toward zero, then odd if inexact.
 * Also reports the host's invalid and divide-by-zero, and the sign an
 * exact zero takes in mode rm.
 */
static LD ro_op(int op, LD x, LD y, LD z, int rm, uint32_t *flags)
{
    volatile LD vx = x, vy = y, vz = z;
    volatile LD vr = 0;
    fesetround(FE_TOWARDZERO);
    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case OP_ADD: vr = vx + vy; break;
    case OP_SUB: vr = vx - vy; break;
    case OP_MUL: vr = vx * vy; break;
    case OP_DIV: vr = vx / vy; break;
    case OP_SQRT: vr = sqrtl(vx); break;
    case OP_FMA: vr = fmal(vx, vy, vz); break;
    }
    int ex = fetestexcept(FE_ALL_EXCEPT);
    LD r = vr;
    if (r == 0 && !(ex & FE_INEXACT)) {
        /* exact zero: its sign depends on the mode */
        fesetround(host_mode(rm));
        switch (op) {
        case OP_ADD: vr = vx + vy; break;
        case OP_SUB: vr = vx - vy; break;
        case OP_FMA: vr = fmal(vx, vy, vz); break;
        default: break;
        }
        r = vr;
    }
    fesetround(FE_TONEAREST);
    if (ex & FE_INVALID)
        *flags |= FP_FLAG_INVALID;
    if (ex & FE_DIVBYZERO)
        *flags |= FP_FLAG_DIVBYZERO;
    if ((ex & FE_INEXACT) && !isinf(r)) {
        int e;
        LD m = frexpl(r, &e);
        if (fmodl(ldexpl(m, LDBL_MANT_DIG), 2) == 0)
            r = nextafterl(r, r > 0 ? HUGE_VALL : -HUGE_VALL);
    }
    return r;
}

/* NaN result by the status's rule (the specification, restated):
 * ops in priority order. */
static uint64_t ref_nan(const TFmt *f, const uint64_t *ops, int n, const FPStatus *st,
                        uint32_t *flags)
{
    int pick = -1;
    for (int i = 0; i < n; i++)
        if (is_snan(f, ops[i]))
            *flags |= FP_FLAG_INVALID;
    if (st->nan_rule == FP_NAN_X86) {
        for (int i = 0; i < n && pick < 0; i++)
            if (is_nan(f, ops[i]))
                pick = i;
    } else {
        for (int i = 0; i < n && pick < 0; i++)
            if (is_snan(f, ops[i]))
                pick = i;
        for (int i = 0; i < n && pick < 0; i++)
            if (is_nan(f, ops[i]))
                pick = i;
    }
    if (st->default_nan)
        return default_nan(f, st);
    return ops[pick] | (1ull << (f->fbits - 1));
}

/* The reference for one arithmetic operation. */
static uint64_t ref_arith(const TFmt *f, int op, uint64_t a, uint64_t b, uint64_t c,
                          unsigned neg, const FPStatus *st, uint32_t *flags)
{
    int nops = op == OP_SQRT ? 1 : op == OP_FMA ? 3 : 2;
    uint64_t in[3] = { a, b, c };
    bool fl = flush_in(f, st);
    for (int i = 0; i < nops; i++)
        if (fl && f->bits != 16 && is_denormal(f, in[i]))
            *flags |= FP_FLAG_INPUT_DENORMAL;
    uint64_t an = (neg & FP_MULADD_NEG_PRODUCT) ? a ^ sign_bit(f) : a;
    uint64_t cn = (neg & FP_MULADD_NEG_ADDEND) ? c ^ sign_bit(f) : c;
    if (op == OP_FMA) {
        if (is_nan(f, a) || is_nan(f, b) || is_nan(f, c)) {
            if (st->nan_rule == FP_NAN_X86) {
                uint64_t ops[3] = { a, b, c };
                return ref_nan(f, ops, 3, st, flags);
            }
            /* FPMulAdd: FPProcessNaNs3(addend, op1, op2) on the negated
             * operands, then a quiet-NaN addend with 0 × inf is invalid */
            uint64_t ops[3] = { cn, an, b };
            uint64_t r = ref_nan(f, ops, 3, st, flags);
            LD x = is_nan(f, a) ? 1 : decode(f, a, fl), y = is_nan(f, b) ? 1 : decode(f, b, fl);
            if (!is_snan(f, c) && is_nan(f, c) && !is_nan(f, a) && !is_nan(f, b) &&
                ((isinf(x) && y == 0) || (x == 0 && isinf(y)))) {
                *flags |= FP_FLAG_INVALID;
                r = default_nan(f, st);
            }
            return r;
        }
    } else {
        for (int i = 0; i < nops; i++)
            if (is_nan(f, in[i]))
                return ref_nan(f, in, nops, st, flags);
    }
    LD x = decode(f, an, fl), y = decode(f, b, fl), z = decode(f, cn, fl);
    uint32_t hf = 0;
    LD r = ro_op(op, x, y, z, st->rounding, &hf);
    *flags |= hf;
    if (hf & FP_FLAG_INVALID)
        return default_nan(f, st);
    return ref_round(f, r, st, st->rounding, flags);
}

static uint64_t ours_arith(int bits, int op, uint64_t a, uint64_t b, uint64_t c,
                           unsigned neg, FPStatus *st)
{
#define OURS(N)                                                         \
    switch (op) {                                                       \
    case OP_ADD: return sf##N##_add(a, b, st);                          \
    case OP_SUB: return sf##N##_sub(a, b, st);                          \
    case OP_MUL: return sf##N##_mul(a, b, st);                          \
    case OP_DIV: return sf##N##_div(a, b, st);                          \
    case OP_SQRT: return sf##N##_sqrt(a, st);                           \
    default: return sf##N##_muladd(a, b, c, neg, st);                   \
    }
    if (bits == 16) {
        OURS(16)
    } else if (bits == 32) {
        OURS(32)
    } else {
        OURS(64)
    }
#undef OURS
}

/* A random configuration: mode, profile, flushing, default NaN. */
static Cfg random_cfg(TRng *r, const TFmt *f, unsigned i)
{
    Cfg c;
    bool x86 = t_below(r, 4) == 0;
    fp_status_init(&c.st, x86 ? FP_PROFILE_X86 : FP_PROFILE_ARM);
    c.st.rounding = i % 6;
    if (t_below(r, 3) == 0) {
        bool both = !x86 || t_below(r, 2);
        c.st.flush_in = c.st.flush_in16 = both || t_below(r, 2);
        c.st.flush_out = c.st.flush_out16 = both || !c.st.flush_in;
    }
    c.st.default_nan = t_below(r, 4) == 0;
    c.st.soft_only = t_below(r, 2);
    c.name = x86 ? "x86" : "arm";
    return c;
}

static void run_arith(TFail *tf, const TFmt *f, unsigned n, uint64_t seed)
{
    TRng r = { seed };
    uint64_t m = fmt_mask(f);
    for (unsigned i = 0; i < n; i++) {
        int op = (int)t_below(&r, 6);
        Cfg cfg = random_cfg(&r, f, i);
        uint64_t a = t_value(&r, f, -1) & m;
        uint64_t b = t_value(&r, f, t_bexp(f, a)) & m;
        int64_t near_c = op == OP_FMA ? t_bexp(f, a) + t_bexp(f, b) - f->bias : t_bexp(f, a);
        uint64_t c = t_value(&r, f, near_c < 0 ? 0 : near_c) & m;
        unsigned neg = op == OP_FMA ? t_below(&r, 4) : 0;
        char name[48];
        snprintf(name, sizeof name, "%s%d%s%s", op_name[op], f->bits,
                 neg & 1 ? "-p" : "", neg & 2 ? "-c" : "");
        uint32_t wf = 0;
        uint64_t want = ref_arith(f, op, a, b, c, neg, &cfg.st, &wf);
        FPStatus st = cfg.st;
        uint64_t got = ours_arith(f->bits, op, a, b, c, neg, &st) & m;
        char cname[64];
        snprintf(cname, sizeof cname, "%s fi=%d fo=%d dn=%d", cfg.name, flush_in(f, &st),
                 flush_out(f, &st), st.default_nan);
        t_check(tf, name, st.rounding, cname, a, b, c, want, wf, got, st.flags);
    }
}

static void test_half_arith(void **state)
{
    TFail tf = { "binary16 arithmetic vs reference" };
    run_arith(&tf, &T16, 600000, 1);
    t_done(&tf);
}

static void test_single_arith(void **state)
{
    TFail tf = { "binary32 arithmetic vs reference" };
    run_arith(&tf, &T32, 300000, 2);
    t_done(&tf);
}

static void test_double_arith(void **state)
{
    TFail tf = { "binary64 arithmetic vs reference" };
    run_arith(&tf, &T64, 300000, 3);
    t_done(&tf);
}

/* Every binary16 value squared and halved: a dense sweep of the format. */
static void test_half_exhaustive_unary(void **state)
{
    TFail tf = { "binary16 sweep vs reference" };
    for (uint32_t v = 0; v < 0x10000; v++) {
        for (int rm = 0; rm < 6; rm++) {
            FPStatus st;
            fp_status_init(&st, FP_PROFILE_ARM);
            st.rounding = rm;
            uint32_t wf = 0;
            uint64_t want = ref_arith(&T16, OP_SQRT, v, 0, 0, 0, &st, &wf);
            uint64_t got = sf16_sqrt((sf16)v, &st);
            t_check(&tf, "sqrt16", rm, "", v, 0, 0, want, wf, got, st.flags);
            st.flags = 0;
            wf = 0;
            want = ref_arith(&T16, OP_MUL, v, 0x3800 /* 0.5 */, 0, 0, &st, &wf);
            got = sf16_mul((sf16)v, 0x3800, &st);
            t_check(&tf, "half16", rm, "", v, 0x3800, 0, want, wf, got, st.flags);
        }
    }
    t_done(&tf);
}

/* ---- conversions between formats ---- */

static uint64_t ours_convert(int from, int to, uint64_t a, FPStatus *st)
{
    if (from == 16)
        return to == 32 ? sf16_to_sf32((sf16)a, st) : sf16_to_sf64((sf16)a, st);
    if (from == 32)
        return to == 16 ? sf32_to_sf16((sf32)a, st) : sf32_to_sf64((sf32)a, st);
    return to == 16 ? sf64_to_sf16(a, st) : sf64_to_sf32(a, st);
}

static void test_convert_formats(void **state)
{
    TFail tf = { "format conversions vs reference" };
    TRng r = { 5 };
    const TFmt *fmts[3] = { &T16, &T32, &T64 };
    for (unsigned i = 0; i < 300000; i++) {
        const TFmt *from = fmts[t_below(&r, 3)], *to;
        do
            to = fmts[t_below(&r, 3)];
        while (to == from);
        Cfg cfg = random_cfg(&r, from, i);
        /* exponents around the destination's extremes, in the source */
        int64_t near = from->bias + (t_below(&r, 2) ? to->bias : 1 - to->bias) +
                       (int64_t)t_below(&r, 8) - 4;
        uint64_t a = t_value(&r, from, near < 0 ? 0 : near) & fmt_mask(from);
        FPStatus st = cfg.st;
        uint32_t wf = 0;
        uint64_t want;
        /* FPConvert: FPUnpackCV / FPRoundCV ignore FZ16 */
        FPStatus rs = cfg.st;
        rs.flush_in16 = rs.flush_out16 = false;
        if (is_nan(from, a)) {
            if (is_snan(from, a))
                wf |= FP_FLAG_INVALID;
            /* FPConvertNaN: sign, quiet, payload top-aligned */
            uint64_t payload = a & ((1ull << (from->fbits - 1)) - 1);
            int sh = to->fbits - from->fbits;
            payload = sh >= 0 ? payload << sh : payload >> -sh;
            want = ((a >> (from->bits - 1)) & 1 ? sign_bit(to) : 0) |
                   (((1ull << to->ebits) - 1) << to->fbits) | (1ull << (to->fbits - 1)) | payload;
            if (rs.default_nan)
                want = default_nan(to, &rs);
        } else {
            if (flush_in(from, &rs) && from->bits != 16 && is_denormal(from, a))
                wf |= FP_FLAG_INPUT_DENORMAL;
            want = ref_round(to, decode(from, a, flush_in(from, &rs)), &rs, rs.rounding, &wf);
        }
        uint64_t got = ours_convert(from->bits, to->bits, a, &st);
        char name[32];
        snprintf(name, sizeof name, "f%d->f%d", from->bits, to->bits);
        t_check(&tf, name, st.rounding, cfg.name, a, 0, 0, want, wf, got, st.flags);
    }
    t_done(&tf);
}

/* ---- to and from integers, round to integral ---- */

/* FPToFixed: RoundDown + increment per mode on the exact value·2^fbits,
 * then SatQ; the reference does the rounding with libm on the magnitude. */
static uint64_t ref_to_int(const TFmt *f, uint64_t a, unsigned width, bool is_unsigned,
                           int fbits, int rm, const FPStatus *st, uint32_t *flags)
{
    bool fl = flush_in(f, st);
    if (fl && f->bits != 16 && is_denormal(f, a))
        *flags |= FP_FLAG_INPUT_DENORMAL;
    if (is_nan(f, a)) {
        *flags |= FP_FLAG_INVALID;
        return 0;
    }
    LD x = ldexpl(decode(f, a, fl), fbits);
    bool neg = signbit(x);
    LD n = isinf(x) ? x : rnd_int(fabsl(x), rm, neg);
    LD maxp = is_unsigned ? ldexpl(1, (int)width) - 1 : ldexpl(1, (int)width - 1) - 1;
    LD maxn = is_unsigned ? 0 : ldexpl(1, (int)width - 1);
    if (isinf(n) || (neg ? n > maxn : n > maxp)) {
        *flags |= FP_FLAG_INVALID;
        LD s = neg ? -maxn : maxp;
        return s < 0 ? (uint64_t)(int64_t)s : (uint64_t)s;
    }
    if (n != fabsl(x))
        *flags |= FP_FLAG_INEXACT;
    return neg ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
}

static uint64_t ours_to_int(int bits, uint64_t a, unsigned w, bool u, int fbits, int rm,
                            FPStatus *st)
{
    if (bits == 16)
        return sf16_to_int((sf16)a, w, u, fbits, rm, st);
    if (bits == 32)
        return sf32_to_int((sf32)a, w, u, fbits, rm, st);
    return sf64_to_int(a, w, u, fbits, rm, st);
}

static uint64_t sext(uint64_t v, unsigned w)
{
    return w == 64 ? v : (uint64_t)(((int64_t)(v << (64 - w))) >> (64 - w));
}

static void test_to_int(void **state)
{
    TFail tf = { "float->int vs reference" };
    TRng r = { 6 };
    const TFmt *fmts[3] = { &T16, &T32, &T64 };
    const unsigned widths[3] = { 16, 32, 64 };
    for (unsigned i = 0; i < 400000; i++) {
        const TFmt *f = fmts[t_below(&r, 3)];
        unsigned w = widths[t_below(&r, 3)];
        bool u = t_below(&r, 2);
        int fbits = t_below(&r, 3) ? 0 : (int)t_below(&r, 65);
        int rm = (int)(i % 5); /* FPToFixed has no round-to-odd */
        Cfg cfg = random_cfg(&r, f, i);
        uint64_t a = t_value(&r, f, f->bias + (int64_t)t_below(&r, w + 3) - fbits - 1) & fmt_mask(f);
        uint32_t wf = 0;
        uint64_t want = ref_to_int(f, a, w, u, fbits, rm, &cfg.st, &wf);
        FPStatus st = cfg.st;
        uint64_t got = ours_to_int(f->bits, a, w, u, fbits, rm, &st);
        if (!u)
            want = sext(want, w);
        else if (w < 64)
            want &= (1ull << w) - 1;
        char name[32];
        snprintf(name, sizeof name, "f%d->%c%u/%d", f->bits, u ? 'u' : 'i', w, fbits);
        t_check(&tf, name, rm, cfg.name, a, 0, 0, want, wf, got, st.flags);
    }
    t_done(&tf);
}

static void test_from_int(void **state)
{
    TFail tf = { "int->float vs reference" };
    TRng r = { 8 };
    const TFmt *fmts[3] = { &T16, &T32, &T64 };
    for (unsigned i = 0; i < 300000; i++) {
        const TFmt *f = fmts[t_below(&r, 3)];
        Cfg cfg = random_cfg(&r, f, i);
        uint64_t v = t_rand(&r) >> t_below(&r, 64);
        if (t_below(&r, 4) == 0)
            v &= ~0ull << t_below(&r, 64); /* trailing zeros: exact cases */
        int fbits = t_below(&r, 3) ? 0 : (int)t_below(&r, 65);
        bool is_signed = t_below(&r, 2);
        LD x = is_signed ? (LD)(int64_t)v : (LD)v; /* exact: 64-bit significand */
        x = ldexpl(x, -fbits);
        uint32_t wf = 0;
        uint64_t want = ref_round(f, x, &cfg.st, cfg.st.rounding, &wf);
        if (x == 0)
            want = 0; /* FixedToFP: +0 */
        FPStatus st = cfg.st;
        uint64_t got;
        if (f->bits == 16)
            got = is_signed ? sf16_from_i64((int64_t)v, fbits, &st) : sf16_from_u64(v, fbits, &st);
        else if (f->bits == 32)
            got = is_signed ? sf32_from_i64((int64_t)v, fbits, &st) : sf32_from_u64(v, fbits, &st);
        else
            got = is_signed ? sf64_from_i64((int64_t)v, fbits, &st) : sf64_from_u64(v, fbits, &st);
        char name[32];
        snprintf(name, sizeof name, "%c64/%d->f%d", is_signed ? 'i' : 'u', fbits, f->bits);
        t_check(&tf, name, st.rounding, cfg.name, v, 0, 0, want, wf, got, st.flags);
    }
    t_done(&tf);
}

static void test_round_to_int(void **state)
{
    TFail tf = { "round-to-integral vs reference" };
    TRng r = { 9 };
    const TFmt *fmts[3] = { &T16, &T32, &T64 };
    for (unsigned i = 0; i < 300000; i++) {
        const TFmt *f = fmts[t_below(&r, 3)];
        Cfg cfg = random_cfg(&r, f, i);
        int rm = (int)(i % 5);
        bool exact = t_below(&r, 2);
        uint64_t a = t_value(&r, f, f->bias + (int64_t)t_below(&r, f->fbits + 4) - 2) & fmt_mask(f);
        uint32_t wf = 0;
        uint64_t want;
        bool fl = flush_in(f, &cfg.st);
        if (fl && f->bits != 16 && is_denormal(f, a))
            wf |= FP_FLAG_INPUT_DENORMAL;
        if (is_nan(f, a)) {
            want = ref_nan(f, &a, 1, &cfg.st, &wf);
        } else {
            LD x = decode(f, a, fl);
            LD n = isinf(x) ? fabsl(x) : rnd_int(fabsl(x), rm, signbit(x));
            if (exact && n != fabsl(x))
                wf |= FP_FLAG_INEXACT;
            uint32_t ignore = 0;
            want = ref_round(f, signbit(x) ? -n : n, &cfg.st, FP_ROUND_ZERO, &ignore);
        }
        FPStatus st = cfg.st;
        uint64_t got = f->bits == 16 ? sf16_round_to_int((sf16)a, rm, exact, &st)
                     : f->bits == 32 ? sf32_round_to_int((sf32)a, rm, exact, &st)
                                     : sf64_round_to_int(a, rm, exact, &st);
        char name[32];
        snprintf(name, sizeof name, "frint%s%d", exact ? "x" : "", f->bits);
        t_check(&tf, name, rm, cfg.name, a, 0, 0, want, wf, got, st.flags);
    }
    t_done(&tf);
}

/* ---- compare and min/max for binary16 (the host covers 32/64) ---- */

static void test_half_compare_minmax(void **state)
{
    TFail tf = { "binary16 compare/min/max vs reference" };
    TRng r = { 10 };
    for (unsigned i = 0; i < 300000; i++) {
        Cfg cfg = random_cfg(&r, &T16, i);
        uint64_t a = t_value(&r, &T16, -1) & 0xffff;
        uint64_t b = t_below(&r, 8) == 0 ? a ^ 0x8000 : t_value(&r, &T16, t_bexp(&T16, a)) & 0xffff;
        bool fl = cfg.st.flush_in16;
        LD x = decode(&T16, a, fl), y = decode(&T16, b, fl);
        bool an = is_nan(&T16, a), bn = is_nan(&T16, b);
        /* FPCompare */
        bool sig = i & 1;
        uint32_t wf = 0;
        FPRelation want = an || bn ? FP_REL_UNORDERED
                        : x < y ? FP_REL_LESS : x == y ? FP_REL_EQUAL : FP_REL_GREATER;
        if (is_snan(&T16, a) || is_snan(&T16, b) || ((an || bn) && sig))
            wf |= FP_FLAG_INVALID;
        FPStatus st = cfg.st;
        FPRelation got = sf16_compare((sf16)a, (sf16)b, sig, &st);
        t_check(&tf, sig ? "cmpe16" : "cmp16", 0, cfg.name, a, b, 0, want, wf, got, st.flags);
        /* FPMax/FPMin, FPMaxNum/FPMinNum */
        for (int k = 0; k < 4; k++) {
            bool is_max = k & 1, num = k & 2;
            uint64_t ea = a, eb = b;
            wf = 0;
            if (num) {
                bool qa = an && !is_snan(&T16, a), qb = bn && !is_snan(&T16, b);
                if (qa && !qb)
                    ea = is_max ? 0xfc00 : 0x7c00;
                else if (!qa && qb)
                    eb = is_max ? 0xfc00 : 0x7c00;
            }
            uint64_t w;
            if (is_nan(&T16, ea) || is_nan(&T16, eb)) {
                uint64_t ops[2] = { ea, eb };
                w = ref_nan(&T16, ops, 2, &cfg.st, &wf);
            } else {
                LD xa = decode(&T16, ea, fl), xb = decode(&T16, eb, fl);
                LD v = is_max ? (xa > xb ? xa : xb) : (xa < xb ? xa : xb);
                if (xa == 0 && xb == 0)
                    v = is_max ? (signbit(xa) && signbit(xb) ? -0.0L : 0.0L)
                               : (signbit(xa) || signbit(xb) ? -0.0L : 0.0L);
                w = ref_round(&T16, v, &cfg.st, FP_ROUND_ZERO, &wf);
            }
            st = cfg.st;
            uint64_t g = k == 0 ? sf16_min((sf16)a, (sf16)b, &st)
                       : k == 1 ? sf16_max((sf16)a, (sf16)b, &st)
                       : k == 2 ? sf16_minnum((sf16)a, (sf16)b, &st)
                                : sf16_maxnum((sf16)a, (sf16)b, &st);
            static const char *nm[] = { "min16", "max16", "minnum16", "maxnum16" };
            t_check(&tf, nm[k], 0, cfg.name, a, b, 0, w, wf, g, st.flags);
        }
    }
    t_done(&tf);
}

#define REF_TEST(t) cmocka_unit_test(t)
#else
static void test_no_long_double(void **state) { skip(); }
#define REF_TEST(t) cmocka_unit_test(test_no_long_double)
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        REF_TEST(test_half_arith),
        REF_TEST(test_single_arith),
        REF_TEST(test_double_arith),
        REF_TEST(test_half_exhaustive_unary),
        REF_TEST(test_convert_formats),
        REF_TEST(test_to_int),
        REF_TEST(test_from_int),
        REF_TEST(test_round_to_int),
        REF_TEST(test_half_compare_minmax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
