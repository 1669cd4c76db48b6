/*
 * softfloat_testutil.h — what the fpu/ unit tests share: a deterministic
 * random generator, operand generators that favour the interesting values
 * (zeros, denormal and normal extremes, infinities, NaNs with payloads,
 * values around 1.0, sparse significands that land exactly on rounding
 * ties, operand pairs whose exponents line up for cancellation and
 * overflow/underflow by one ulp), bit casts, and mismatch reporting.
 * Included by one test program each, so everything here is static.
 */
#ifndef FERRY_TEST_SOFTFLOAT_UTIL_H
#define FERRY_TEST_SOFTFLOAT_UTIL_H

#include "fpu/softfloat.h"

#include <string.h>

static inline double t_d(uint64_t b)
{
    double d;
    memcpy(&d, &b, 8);
    return d;
}
static inline uint64_t t_bd(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}
static inline float t_f(uint32_t b)
{
    float f;
    memcpy(&f, &b, 4);
    return f;
}
static inline uint32_t t_bf(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* xorshift64*: deterministic, so a failure reproduces. */
typedef struct TRng {
    uint64_t s;
} TRng;
static inline uint64_t t_rand(TRng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}
static inline unsigned t_below(TRng *r, unsigned n) { return (unsigned)(t_rand(r) % n); }

/* A format as the generators see it. */
typedef struct TFmt {
    int bits, ebits, fbits, bias;
} TFmt;
static const TFmt T16 = { 16, 5, 10, 15 }, T32 = { 32, 8, 23, 127 }, T64 = { 64, 11, 52, 1023 };

static inline uint64_t t_make(const TFmt *f, bool sign, uint64_t bexp, uint64_t frac)
{
    return ((uint64_t)sign << (f->bits - 1)) | (bexp << f->fbits) |
           (frac & ((1ull << f->fbits) - 1));
}

/* A significand pattern: random, sparse (few bits: exact ties), runs. */
static uint64_t t_frac(TRng *r, const TFmt *f)
{
    uint64_t mask = (1ull << f->fbits) - 1;
    switch (t_below(r, 6)) {
    case 0:
        return 0;
    case 1: /* one or two bits */
        return ((1ull << t_below(r, f->fbits)) | (t_below(r, 2) ? 1ull << t_below(r, f->fbits) : 0)) & mask;
    case 2: /* all ones, or all ones below a random point */
        return mask >> t_below(r, f->fbits);
    case 3: /* a run of ones ending at the bottom, above zeros */
        return (mask << t_below(r, f->fbits)) & mask;
    default:
        return t_rand(r) & mask;
    }
}

/* Edge values of a format. */
static uint64_t t_edge(TRng *r, const TFmt *f)
{
    uint64_t emax = (1ull << f->ebits) - 1, fmask = (1ull << f->fbits) - 1;
    uint64_t quiet = 1ull << (f->fbits - 1);
    bool s = t_below(r, 2);
    switch (t_below(r, 16)) {
    case 0: return t_make(f, s, 0, 0);                        /* ±0 */
    case 1: return t_make(f, s, 0, 1);                        /* min denormal */
    case 2: return t_make(f, s, 0, fmask);                    /* max denormal */
    case 3: return t_make(f, s, 1, 0);                        /* min normal */
    case 4: return t_make(f, s, emax - 1, fmask);             /* max normal */
    case 5: return t_make(f, s, emax, 0);                     /* inf */
    case 6: return t_make(f, s, emax, quiet | (t_rand(r) & (quiet - 1))); /* qNaN */
    case 7: return t_make(f, s, emax, (t_rand(r) & (quiet - 1)) | 1);      /* sNaN */
    case 8: return t_make(f, s, f->bias, 0);                  /* 1.0 */
    case 9: return t_make(f, s, f->bias, 1);                  /* 1 + ulp */
    case 10: return t_make(f, s, f->bias - 1, fmask);         /* 1 − ulp/2 */
    case 11: return t_make(f, s, f->bias + 1, 0);             /* 2.0 */
    case 12: return t_make(f, s, f->bias, quiet);             /* 1.5 */
    case 13: return t_make(f, s, 0, t_frac(r, f));            /* some denormal */
    case 14: return t_make(f, s, 1 + t_below(r, 2), t_frac(r, f)); /* near min normal */
    default: return t_make(f, s, emax - 1 - t_below(r, 2), t_frac(r, f)); /* near max */
    }
}

/* One operand: edges, random bits, or a structured value near exponent
 * 'near' (a biased exponent) when near >= 0. */
static uint64_t t_value(TRng *r, const TFmt *f, int64_t near)
{
    int64_t emax = (1 << f->ebits) - 1;
    unsigned k = t_below(r, 8);
    if (k == 0)
        return t_edge(r, f);
    if (k == 1)
        return t_rand(r) & ((f->bits == 64) ? ~0ull : ((1ull << f->bits) - 1));
    int64_t e;
    if (near >= 0 && k < 6) {
        /* Close exponents (cancellation, carries), or exactly the
         * precision apart (ties against the last place). */
        int64_t d;
        switch (t_below(r, 4)) {
        case 0: d = 0; break;
        case 1: d = (int64_t)t_below(r, 5) - 2; break;
        case 2: d = (t_below(r, 2) ? 1 : -1) * (f->fbits + (int64_t)t_below(r, 4) - 1); break;
        default: d = (int64_t)t_below(r, 2 * f->fbits + 9) - f->fbits - 4; break;
        }
        e = near + d;
    } else {
        switch (t_below(r, 4)) {
        case 0: e = f->bias + (int64_t)t_below(r, 9) - 4; break;            /* around 1 */
        case 1: e = (int64_t)t_below(r, f->fbits + 4); break;               /* low end */
        case 2: e = emax - 1 - (int64_t)t_below(r, f->fbits + 4); break;    /* high end */
        default: e = 1 + (int64_t)t_below(r, (unsigned)emax - 1); break;
        }
    }
    if (e < 0)
        e = 0;
    if (e > emax - 1)
        e = emax - 1;
    return t_make(f, t_below(r, 2), (uint64_t)e, t_frac(r, f));
}

static inline int64_t t_bexp(const TFmt *f, uint64_t v)
{
    return (int64_t)((v >> f->fbits) & ((1ull << f->ebits) - 1));
}

static const char *t_rname(int rm)
{
    static const char *n[] = { "NE", "UP", "DOWN", "ZERO", "AWAY", "ODD" };
    return rm >= 0 && rm < 6 ? n[rm] : "?";
}

#define T_ARITH_FLAGS (FP_FLAG_INVALID | FP_FLAG_DIVBYZERO | FP_FLAG_OVERFLOW | \
                       FP_FLAG_UNDERFLOW | FP_FLAG_INEXACT)

/* Count a mismatch, print the first few. */
typedef struct TFail {
    const char *what;
    unsigned count, checked;
} TFail;

static void t_report(TFail *tf, const char *op, int rm, const char *cfg, uint64_t a,
                     uint64_t b, uint64_t c, uint64_t want, uint32_t wflags,
                     uint64_t got, uint32_t gflags)
{
    if (tf->count++ < 12)
        print_message("MISMATCH %s %s rm=%s %s a=%#llx b=%#llx c=%#llx: want %#llx "
                      "flags %#x, got %#llx flags %#x\n",
                      tf->what, op, t_rname(rm), cfg, (unsigned long long)a,
                      (unsigned long long)b, (unsigned long long)c,
                      (unsigned long long)want, wflags, (unsigned long long)got, gflags);
}

static void t_check(TFail *tf, const char *op, int rm, const char *cfg, uint64_t a,
                    uint64_t b, uint64_t c, uint64_t want, uint32_t wflags, uint64_t got,
                    uint32_t gflags)
{
    tf->checked++;
    if (want != got || wflags != gflags)
        t_report(tf, op, rm, cfg, a, b, c, want, wflags, got, gflags);
}

static void t_done(TFail *tf)
{
    if (tf->count)
        fail_msg("%s: %u of %u checks mismatched", tf->what, tf->count, tf->checked);
    print_message("%s: %u checks\n", tf->what, tf->checked);
}

#endif
