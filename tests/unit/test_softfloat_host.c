/*
 * Unit tests for fpu/: binary32 and binary64 against the host's SSE unit.
 *
 * The oracle is the x86-64 hardware itself, driven through inline
 * assembly with MXCSR set explicitly (rounding control, FTZ, DAZ) and its
 * sticky flags read back after exactly one instruction: ADDSD/SUBSD/MULSD/
 * DIVSD/SQRTSD (and SS), VFMADD231SD/SS (when the CPU has FMA), CVTSD2SS,
 * CVTSS2SD, CVTSI2SD/SS, CVTSD2SI/CVTSS2SI, ROUNDSD/SS, UCOMISD/COMISD,
 * VCVTPS2PH/VCVTPH2PS (F16C).  Our side runs with the x86 profile (first-
 * NaN rule, negative default NaN, tininess after rounding, FTZ also raising
 * inexact), which is what makes the comparison bit-exact — including NaN
 * payloads, the underflow flag at the tininess boundary and FTZ/DAZ.
 * Where x86 and Arm differ (out-of-range conversions, NaN choice, min/max),
 * only the common ground is compared here; test_softfloat_arm.c has the Arm
 * side from the pseudocode.  Both the soft path and the fast path are
 * compared.  Ties-away rounding has no SSE mode: libm round() is its oracle.
 *
 * On other hosts these tests are skipped.
 */
#include "tests/unit/test.h"

#include <math.h>

#include "fpu/softfloat.h"
#include "tests/unit/softfloat_testutil.h"

#if defined(__x86_64__)

#include <cpuid.h>

/* CPU features from CPUID, with the OS's XCR0 saying the AVX (and for
 * AVX-512, the opmask/ZMM) register state is enabled. */
enum { CPU_SSE41, CPU_FMA, CPU_F16C, CPU_AVX512F };

static bool cpu_has(int feature)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    if (feature == CPU_SSE41)
        return c & (1u << 19);
    if (!(c & (1u << 27))) /* OSXSAVE */
        return false;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) /* SSE and AVX state */
        return false;
    if (feature == CPU_FMA)
        return c & (1u << 12);
    if (feature == CPU_F16C)
        return c & (1u << 29);
    if ((lo & 0xe0) != 0xe0 || !__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return b & (1u << 16); /* AVX512F */
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_MIN, OP_MAX };
static const char *op_name[] = { "add", "sub", "mul", "div", "sqrt", "fma", "min", "max" };

static const int modes[4] = { FP_ROUND_NEAREST_EVEN, FP_ROUND_UP, FP_ROUND_DOWN,
                              FP_ROUND_ZERO };

static uint32_t mxcsr_for(int rm, bool daz, bool ftz)
{
    unsigned rc = rm == FP_ROUND_NEAREST_EVEN ? 0 : rm == FP_ROUND_DOWN ? 1
                : rm == FP_ROUND_UP ? 2 : 3;
    return 0x1f80u | rc << 13 | (daz ? 0x40u : 0) | (ftz ? 0x8000u : 0);
}

static uint32_t flags_of(uint32_t m)
{
    uint32_t f = 0;
    if (m & 0x01) f |= FP_FLAG_INVALID;
    if (m & 0x04) f |= FP_FLAG_DIVBYZERO;
    if (m & 0x08) f |= FP_FLAG_OVERFLOW;
    if (m & 0x10) f |= FP_FLAG_UNDERFLOW;
    if (m & 0x20) f |= FP_FLAG_INEXACT;
    return f;
}

static const uint32_t csr_default = 0x1f80;

static void csr_restore(void)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(csr_default));
}

/* One SSE instruction under MXCSR 'csr'; returns the MXCSR afterwards. */
#define HOST_BINOP(insn, x, y, csr, out)                                      \
    __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[b], %[a]\n\tstmxcsr %[o]"    \
                     : [a] "+x"(x), [o] "=m"(out)                             \
                     : [b] "x"(y), [c] "m"(csr))

/* VFMADD231-family: z = ±x·y ± z (the "231" form's multiplicands are its
 * second and third operands, the addend its first). */
#define HOST_FMA(insn, x, y, z, csr, out)                                     \
    __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[b], %[a], %[d]\n\tstmxcsr %[o]" \
                     : [d] "+x"(z), [o] "=m"(out)                             \
                     : [a] "x"(x), [b] "x"(y), [c] "m"(csr))

static uint64_t host64(int op, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
                       uint32_t csr, uint32_t *flags)
{
    double x = t_d(a), y = t_d(b), z = t_d(c);
    uint32_t out = 0;
    switch (op) {
    case OP_ADD: HOST_BINOP("addsd", x, y, csr, out); break;
    case OP_SUB: HOST_BINOP("subsd", x, y, csr, out); break;
    case OP_MUL: HOST_BINOP("mulsd", x, y, csr, out); break;
    case OP_DIV: HOST_BINOP("divsd", x, y, csr, out); break;
    case OP_MIN: HOST_BINOP("minsd", x, y, csr, out); break;
    case OP_MAX: HOST_BINOP("maxsd", x, y, csr, out); break;
    case OP_SQRT: HOST_BINOP("sqrtsd", y, x, csr, out); x = y; break;
    case OP_FMA:
        /* z = ±x*y ± z */
        switch (neg) {
        case 0: HOST_FMA("vfmadd231sd", x, y, z, csr, out); break;
        case FP_MULADD_NEG_ADDEND: HOST_FMA("vfmsub231sd", x, y, z, csr, out); break;
        case FP_MULADD_NEG_PRODUCT: HOST_FMA("vfnmadd231sd", x, y, z, csr, out); break;
        default: HOST_FMA("vfnmsub231sd", x, y, z, csr, out); break;
        }
        x = z;
        break;
    }
    csr_restore();
    *flags = flags_of(out);
    return t_bd(x);
}

static uint32_t host32(int op, uint32_t a, uint32_t b, uint32_t c, unsigned neg,
                       uint32_t csr, uint32_t *flags)
{
    float x = t_f(a), y = t_f(b), z = t_f(c);
    uint32_t out = 0;
    switch (op) {
    case OP_ADD: HOST_BINOP("addss", x, y, csr, out); break;
    case OP_SUB: HOST_BINOP("subss", x, y, csr, out); break;
    case OP_MUL: HOST_BINOP("mulss", x, y, csr, out); break;
    case OP_DIV: HOST_BINOP("divss", x, y, csr, out); break;
    case OP_MIN: HOST_BINOP("minss", x, y, csr, out); break;
    case OP_MAX: HOST_BINOP("maxss", x, y, csr, out); break;
    case OP_SQRT: HOST_BINOP("sqrtss", y, x, csr, out); x = y; break;
    case OP_FMA:
        switch (neg) {
        case 0: HOST_FMA("vfmadd231ss", x, y, z, csr, out); break;
        case FP_MULADD_NEG_ADDEND: HOST_FMA("vfmsub231ss", x, y, z, csr, out); break;
        case FP_MULADD_NEG_PRODUCT: HOST_FMA("vfnmadd231ss", x, y, z, csr, out); break;
        default: HOST_FMA("vfnmsub231ss", x, y, z, csr, out); break;
        }
        x = z;
        break;
    }
    csr_restore();
    *flags = flags_of(out);
    return t_bf(x);
}

static FPStatus x86_status(int rm, bool daz, bool ftz, bool soft_only)
{
    FPStatus st;
    fp_status_init(&st, FP_PROFILE_X86);
    st.rounding = rm;
    st.flush_in = daz;
    st.flush_out = ftz;
    st.soft_only = soft_only;
    return st;
}

static uint64_t ours64(int op, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
                       FPStatus *st)
{
    switch (op) {
    case OP_ADD: return sf64_add(a, b, st);
    case OP_SUB: return sf64_sub(a, b, st);
    case OP_MUL: return sf64_mul(a, b, st);
    case OP_DIV: return sf64_div(a, b, st);
    case OP_SQRT: return sf64_sqrt(a, st);
    case OP_FMA: return sf64_muladd(a, b, c, neg, st);
    }
    return 0;
}

static uint32_t ours32(int op, uint32_t a, uint32_t b, uint32_t c, unsigned neg,
                       FPStatus *st)
{
    switch (op) {
    case OP_ADD: return sf32_add(a, b, st);
    case OP_SUB: return sf32_sub(a, b, st);
    case OP_MUL: return sf32_mul(a, b, st);
    case OP_DIV: return sf32_div(a, b, st);
    case OP_SQRT: return sf32_sqrt(a, st);
    case OP_FMA: return sf32_muladd(a, b, c, neg, st);
    }
    return 0;
}

static bool have_fma(void) { return cpu_has(CPU_FMA); }

/*
 * FMA and NaNs: whatever the form (132, 213, 231), the hardware returns
 * the first NaN of a·b + c in the order multiplicand, multiplier, addend,
 * unnegated, and 0·inf + qNaN gives that qNaN without IE — our x86 rule
 * with (a, b, c).  So NaN results are compared bit for bit here too.
 */

/* Random operands for one op in one configuration, both paths. */
static void run_arith64(TFail *tf, int op, int rm, bool daz, bool ftz, unsigned n, TRng *r)
{
    char cfg[32];
    snprintf(cfg, sizeof cfg, "daz=%d ftz=%d", daz, ftz);
    for (unsigned i = 0; i < n; i++) {
        uint64_t a = t_value(r, &T64, -1);
        uint64_t b = t_value(r, &T64, t_bexp(&T64, a));
        uint64_t c = t_value(r, &T64, op == OP_FMA ? t_bexp(&T64, a) + t_bexp(&T64, b) - 1023
                                                  : t_bexp(&T64, a));
        if (op == OP_DIV && t_below(r, 4) == 0)
            b = t_value(r, &T64, 2 * 1023 - t_bexp(&T64, a) + 1); /* results near the ends */
        uint32_t hf;
        unsigned neg = op == OP_FMA ? t_below(r, 4) : 0;
        uint64_t want = host64(op, a, b, c, neg, mxcsr_for(rm, daz, ftz), &hf);
        for (int soft = 0; soft < 2; soft++) {
            FPStatus st = x86_status(rm, daz, ftz, soft);
            uint64_t got = ours64(op, a, b, c, neg, &st);
            uint32_t gf = st.flags & T_ARITH_FLAGS;
            char name[16];
            snprintf(name, sizeof name, "%s%s%s", op_name[op], neg & 1 ? "-p" : "",
                     neg & 2 ? "-c" : "");
            t_check(tf, name, rm, cfg, a, b, c, want, hf, got, gf);
        }
    }
}

static void run_arith32(TFail *tf, int op, int rm, bool daz, bool ftz, unsigned n, TRng *r)
{
    char cfg[32];
    snprintf(cfg, sizeof cfg, "daz=%d ftz=%d", daz, ftz);
    for (unsigned i = 0; i < n; i++) {
        uint32_t a = (uint32_t)t_value(r, &T32, -1);
        uint32_t b = (uint32_t)t_value(r, &T32, t_bexp(&T32, a));
        uint32_t c = (uint32_t)t_value(r, &T32, op == OP_FMA ? t_bexp(&T32, a) + t_bexp(&T32, b) - 127
                                                            : t_bexp(&T32, a));
        if (op == OP_DIV && t_below(r, 4) == 0)
            b = (uint32_t)t_value(r, &T32, 2 * 127 - t_bexp(&T32, a) + 1);
        uint32_t hf;
        unsigned neg = op == OP_FMA ? t_below(r, 4) : 0;
        uint32_t want = host32(op, a, b, c, neg, mxcsr_for(rm, daz, ftz), &hf);
        for (int soft = 0; soft < 2; soft++) {
            FPStatus st = x86_status(rm, daz, ftz, soft);
            uint32_t got = ours32(op, a, b, c, neg, &st);
            uint32_t gf = st.flags & T_ARITH_FLAGS;
            char name[16];
            snprintf(name, sizeof name, "%s%s%s", op_name[op], neg & 1 ? "-p" : "",
                     neg & 2 ? "-c" : "");
            t_check(tf, name, rm, cfg, a, b, c, want, hf, got, gf);
        }
    }
}

static void test_arith64_vs_sse(void **state)
{
    TFail tf = { "binary64 vs SSE" };
    TRng r = { 0x9E3779B97F4A7C15ull };
    bool fma = have_fma();
    for (int op = OP_ADD; op <= OP_FMA; op++) {
        if (op == OP_FMA && !fma)
            continue;
        for (int m = 0; m < 4; m++)
            run_arith64(&tf, op, modes[m], false, false, 40000, &r);
    }
    t_done(&tf);
}

static void test_arith32_vs_sse(void **state)
{
    TFail tf = { "binary32 vs SSE" };
    TRng r = { 0xD1B54A32D192ED03ull };
    bool fma = have_fma();
    for (int op = OP_ADD; op <= OP_FMA; op++) {
        if (op == OP_FMA && !fma)
            continue;
        for (int m = 0; m < 4; m++)
            run_arith32(&tf, op, modes[m], false, false, 40000, &r);
    }
    t_done(&tf);
}

/* DAZ (flush_in) and FTZ (flush_out) with x86 semantics: tininess after
 * rounding decides the flush, which raises UE and PE. */
static void test_ftz_daz_vs_sse(void **state)
{
    TFail tf = { "FTZ/DAZ vs SSE" };
    TRng r = { 0x2545F4914F6CDD1Dull };
    bool fma = have_fma();
    for (int op = OP_ADD; op <= OP_FMA; op++) {
        if (op == OP_FMA && !fma)
            continue;
        for (int cfg = 1; cfg < 4; cfg++) {
            for (int m = 0; m < 4; m++) {
                run_arith64(&tf, op, modes[m], cfg & 1, cfg & 2, 6000, &r);
                run_arith32(&tf, op, modes[m], cfg & 1, cfg & 2, 6000, &r);
            }
        }
    }
    t_done(&tf);
}

/* Values straddling the underflow threshold by an ulp: the products and
 * quotients of sparse significands land exactly on and next to 2^emin. */
static void test_underflow_boundary_vs_sse(void **state)
{
    TFail tf = { "underflow boundary vs SSE" };
    TRng r = { 42 };
    for (unsigned i = 0; i < 60000; i++) {
        int m = modes[i % 4];
        /* a·b close to 2^−1022 (binary64) / 2^−126 (binary32) */
        uint64_t a = t_make(&T64, t_below(&r, 2), 1023 + t_below(&r, 40), t_frac(&r, &T64));
        uint64_t b = t_make(&T64, 0, 1023 - 1022 - (t_bexp(&T64, a) - 1023) - t_below(&r, 2),
                            t_frac(&r, &T64));
        uint32_t hf;
        uint64_t want = host64(OP_MUL, a, b, 0, 0, mxcsr_for(m, false, i & 1), &hf);
        FPStatus st = x86_status(m, false, i & 1, i & 2);
        uint64_t got = sf64_mul(a, b, &st);
        t_check(&tf, "mul64", m, (i & 1) ? "ftz" : "", a, b, 0, want, hf,
                got, st.flags & T_ARITH_FLAGS);

        uint32_t a32 = (uint32_t)t_make(&T32, t_below(&r, 2), 127 + t_below(&r, 20), t_frac(&r, &T32));
        uint32_t b32 = (uint32_t)t_make(&T32, 0, 127 - 126 - (t_bexp(&T32, a32) - 127) - t_below(&r, 2),
                                        t_frac(&r, &T32));
        uint32_t want32 = host32(OP_MUL, a32, b32, 0, 0, mxcsr_for(m, false, i & 1), &hf);
        st = x86_status(m, false, i & 1, i & 2);
        uint32_t got32 = sf32_mul(a32, b32, &st);
        t_check(&tf, "mul32", m, (i & 1) ? "ftz" : "", a32, b32, 0, want32, hf,
                got32, st.flags & T_ARITH_FLAGS);
    }
    t_done(&tf);
}

/* ---- conversions ---- */

static void test_convert_formats_vs_sse(void **state)
{
    TFail tf = { "f64<->f32 vs SSE" };
    TRng r = { 7 };
    for (unsigned i = 0; i < 200000; i++) {
        int m = modes[i % 4];
        bool daz = (i / 4) % 3 == 1, ftz = (i / 4) % 3 == 2;
        uint32_t csr = mxcsr_for(m, daz, ftz), out, hf;
        /* binary64 → binary32, exponents concentrated on binary32's range */
        uint64_t a = t_value(&r, &T64, t_below(&r, 2) ? 1023 - 126 : 1023 + 127);
        double x = t_d(a);
        float y;
        __asm__ volatile("ldmxcsr %[c]\n\tcvtsd2ss %[x], %[y]\n\tstmxcsr %[o]"
                         : [y] "=x"(y), [o] "=m"(out) : [x] "x"(x), [c] "m"(csr));
        csr_restore();
        hf = flags_of(out);
        FPStatus st = x86_status(m, daz, ftz, true);
        uint32_t got = sf64_to_sf32(a, &st);
        t_check(&tf, "f64->f32", m, daz ? "daz" : ftz ? "ftz" : "", a, 0, 0, t_bf(y), hf,
                got, st.flags & T_ARITH_FLAGS);

        /* binary32 → binary64: exact but for NaNs and DAZ */
        uint32_t a32 = (uint32_t)t_value(&r, &T32, -1);
        float fx = t_f(a32);
        double dy;
        __asm__ volatile("ldmxcsr %[c]\n\tcvtss2sd %[x], %[y]\n\tstmxcsr %[o]"
                         : [y] "=x"(dy), [o] "=m"(out) : [x] "x"(fx), [c] "m"(csr));
        csr_restore();
        hf = flags_of(out);
        st = x86_status(m, daz, ftz, true);
        uint64_t got64 = sf32_to_sf64(a32, &st);
        t_check(&tf, "f32->f64", m, daz ? "daz" : ftz ? "ftz" : "", a32, 0, 0, t_bd(dy), hf,
                got64, st.flags & T_ARITH_FLAGS);
    }
    t_done(&tf);
}

/* F16C: VCVTPS2PH rounds in MXCSR.RC (imm bit 2) and ignores FTZ for the
 * binary16 result; VCVTPH2PS is exact. */
static void test_convert_half_vs_f16c(void **state)
{
    if (!cpu_has(CPU_F16C))
        skip();
    TFail tf = { "f32<->f16 vs F16C" };
    TRng r = { 11 };
    for (unsigned i = 0; i < 200000; i++) {
        int m = modes[i % 4];
        bool ftz = (i / 4) % 2;
        uint32_t csr = mxcsr_for(m, false, ftz), out, hf;
        uint32_t a = (uint32_t)t_value(&r, &T32, t_below(&r, 2) ? 127 - 14 : 127 + 15);
        float x = t_f(a);
        uint16_t h[4] = { 0 };
        __asm__ volatile("ldmxcsr %[c]\n\tvcvtps2ph $4, %[x], %[h]\n\tstmxcsr %[o]"
                         : [h] "=m"(h[0]), [o] "=m"(out) : [x] "x"(x), [c] "m"(csr));
        csr_restore();
        hf = flags_of(out);
        FPStatus st = x86_status(m, false, ftz, true);
        st.flush_out16 = st.flush_in16 = true; /* must be ignored by conversions */
        uint16_t got = sf32_to_sf16(a, &st);
        t_check(&tf, "f32->f16", m, ftz ? "ftz" : "", a, 0, 0, h[0], hf, got,
                st.flags & T_ARITH_FLAGS);

        uint16_t hv[4] = { (uint16_t)t_value(&r, &T16, -1), 0, 0, 0 };
        float y;
        __asm__ volatile("ldmxcsr %[c]\n\tvcvtph2ps %[h], %[y]\n\tstmxcsr %[o]"
                         : [y] "=x"(y), [o] "=m"(out) : [h] "m"(hv), [c] "m"(csr));
        csr_restore();
        hf = flags_of(out);
        st = x86_status(m, false, ftz, true);
        st.flush_out16 = st.flush_in16 = true;
        uint32_t g32 = sf16_to_sf32(hv[0], &st);
        t_check(&tf, "f16->f32", m, ftz ? "ftz" : "", hv[0], 0, 0, t_bf(y), hf, g32,
                st.flags & T_ARITH_FLAGS);
    }
    t_done(&tf);
}

/*
 * Float → integer in range: CVTSD2SI/CVTSS2SI round in MXCSR.RC and raise
 * PE.  Out of range and NaN x86 answers "integer indefinite" where Arm
 * saturates: those cases are skipped here (test_softfloat_arm.c).
 * Fixed point: the operand is first scaled by 2^fbits, exactly, on the
 * host.
 */
static void test_to_int_vs_sse(void **state)
{
    TFail tf = { "to-int vs CVTSD2SI" };
    TRng r = { 13 };
    for (unsigned i = 0; i < 300000; i++) {
        int m = modes[i % 4];
        uint32_t csr = mxcsr_for(m, false, false), out;
        int fbits = (i / 4) % 3 == 0 ? (int)t_below(&r, 65) : 0;
        uint64_t a = t_value(&r, &T64, 1023 + t_below(&r, 66) - fbits);
        double x = ldexp(t_d(a), fbits); /* exact unless it overflows */
        if (isinf(x) && !isinf(t_d(a)))
            continue;
        int64_t h64;
        int32_t h32;
        __asm__ volatile("ldmxcsr %[c]\n\tcvtsd2si %[x], %[i]\n\tstmxcsr %[o]"
                         : [i] "=r"(h64), [o] "=m"(out) : [x] "x"(x), [c] "m"(csr));
        csr_restore();
        if (!(out & 1)) {
            FPStatus st = x86_status(m, false, false, true);
            int64_t got = sf64_to_i64(a, fbits, m, &st);
            t_check(&tf, "f64->i64", m, "", a, (uint64_t)fbits, 0, (uint64_t)h64,
                    flags_of(out), (uint64_t)got, st.flags & T_ARITH_FLAGS);
        }
        __asm__ volatile("ldmxcsr %[c]\n\tcvtsd2si %[x], %[i]\n\tstmxcsr %[o]"
                         : [i] "=r"(h32), [o] "=m"(out) : [x] "x"(x), [c] "m"(csr));
        csr_restore();
        if (!(out & 1)) {
            FPStatus st = x86_status(m, false, false, true);
            int32_t got = sf64_to_i32(a, fbits, m, &st);
            t_check(&tf, "f64->i32", m, "", a, (uint64_t)fbits, 0, (uint32_t)h32,
                    flags_of(out), (uint32_t)got, st.flags & T_ARITH_FLAGS);
        }
        /* binary32 source, through the exact binary64 image for scaling */
        uint32_t a32 = (uint32_t)t_value(&r, &T32, 127 + t_below(&r, 66) - fbits);
        float fx = ldexpf(t_f(a32), fbits);
        if (isinf(fx) && !isinf(t_f(a32)))
            continue;
        if (fx != 0 && fabsf(fx) < 0x1p-126f)
            continue; /* a scaled binary32 denormal: not exact in binary32 */
        __asm__ volatile("ldmxcsr %[c]\n\tcvtss2si %[x], %[i]\n\tstmxcsr %[o]"
                         : [i] "=r"(h64), [o] "=m"(out) : [x] "x"(fx), [c] "m"(csr));
        csr_restore();
        if (!(out & 1)) {
            FPStatus st = x86_status(m, false, false, true);
            int64_t got = sf32_to_i64(a32, fbits, m, &st);
            t_check(&tf, "f32->i64", m, "", a32, (uint64_t)fbits, 0, (uint64_t)h64,
                    flags_of(out), (uint64_t)got, st.flags & T_ARITH_FLAGS);
        }
    }
    t_done(&tf);
}

/* Unsigned conversions with AVX-512's VCVTSD2USI / VCVTUSI2SD. */
static void test_unsigned_vs_avx512(void **state)
{
    if (!cpu_has(CPU_AVX512F))
        skip();
    TFail tf = { "unsigned vs AVX-512" };
    TRng r = { 17 };
    for (unsigned i = 0; i < 200000; i++) {
        int m = modes[i % 4];
        uint32_t csr = mxcsr_for(m, false, false), out;
        uint64_t a = t_value(&r, &T64, 1023 + t_below(&r, 66));
        double x = t_d(a);
        uint64_t h;
        __asm__ volatile("ldmxcsr %[c]\n\tvcvtsd2usi %[x], %[i]\n\tstmxcsr %[o]"
                         : [i] "=r"(h), [o] "=m"(out) : [x] "x"(x), [c] "m"(csr));
        csr_restore();
        if (!(out & 1)) {
            FPStatus st = x86_status(m, false, false, true);
            uint64_t got = sf64_to_u64(a, 0, m, &st);
            t_check(&tf, "f64->u64", m, "", a, 0, 0, h, flags_of(out), got,
                    st.flags & T_ARITH_FLAGS);
        }
        /* u64 → f64 / f32, and i64 → f64 / f32, with fixed-point scaling
         * (exact on the host: a power of two, results far from underflow) */
        uint64_t v = t_rand(&r) >> t_below(&r, 64);
        int fbits = t_below(&r, 3) ? 0 : (int)t_below(&r, 65);
        double d;
        float f;
        __asm__ volatile("ldmxcsr %[c]\n\tvcvtusi2sdq %[v], %[d], %[d]\n\tstmxcsr %[o]"
                         : [d] "=x"(d), [o] "=m"(out) : [v] "r"(v), [c] "m"(csr));
        csr_restore();
        FPStatus st = x86_status(m, false, false, true);
        uint64_t g = sf64_from_u64(v, fbits, &st);
        t_check(&tf, "u64->f64", m, "", v, (uint64_t)fbits, 0, t_bd(ldexp(d, -fbits)),
                flags_of(out), g, st.flags & T_ARITH_FLAGS);
        __asm__ volatile("ldmxcsr %[c]\n\tvcvtusi2ssq %[v], %[f], %[f]\n\tstmxcsr %[o]"
                         : [f] "=x"(f), [o] "=m"(out) : [v] "r"(v), [c] "m"(csr));
        csr_restore();
        st = x86_status(m, false, false, true);
        g = sf32_from_u64(v, fbits, &st);
        t_check(&tf, "u64->f32", m, "", v, (uint64_t)fbits, 0, t_bf(ldexpf(f, -fbits)),
                flags_of(out), g, st.flags & T_ARITH_FLAGS);
        int64_t sv = (int64_t)v * (t_below(&r, 2) ? -1 : 1);
        __asm__ volatile("ldmxcsr %[c]\n\tcvtsi2sdq %[v], %[d]\n\tstmxcsr %[o]"
                         : [d] "=x"(d), [o] "=m"(out) : [v] "r"(sv), [c] "m"(csr));
        csr_restore();
        st = x86_status(m, false, false, true);
        g = sf64_from_i64(sv, fbits, &st);
        t_check(&tf, "i64->f64", m, "", (uint64_t)sv, (uint64_t)fbits, 0,
                t_bd(ldexp(d, -fbits)), flags_of(out), g, st.flags & T_ARITH_FLAGS);
        __asm__ volatile("ldmxcsr %[c]\n\tcvtsi2ssq %[v], %[f]\n\tstmxcsr %[o]"
                         : [f] "=x"(f), [o] "=m"(out) : [v] "r"(sv), [c] "m"(csr));
        csr_restore();
        st = x86_status(m, false, false, true);
        g = sf32_from_i64(sv, fbits, &st);
        t_check(&tf, "i64->f32", m, "", (uint64_t)sv, (uint64_t)fbits, 0,
                t_bf(ldexpf(f, -fbits)), flags_of(out), g, st.flags & T_ARITH_FLAGS);
    }
    t_done(&tf);
}

/* ROUNDSD/ROUNDSS: imm bits 1:0 the mode, bit 3 suppresses PE (our
 * exact=false); libm round() for ties-away. */
#define ROUND_CASE(insn, imm, x, y, out, csr)                                      \
    __asm__ volatile("ldmxcsr %[c]\n\t" insn " $" #imm ", %[x], %[y]\n\tstmxcsr %[o]" \
                     : [y] "=x"(y), [o] "=m"(out) : [x] "x"(x), [c] "m"(csr))

static uint64_t host_round64(uint64_t a, int rm, bool exact, uint32_t *flags)
{
    double x = t_d(a), y = 0;
    uint32_t out = 0, csr = csr_default;
    int imm = (rm == FP_ROUND_NEAREST_EVEN ? 0 : rm == FP_ROUND_DOWN ? 1
               : rm == FP_ROUND_UP ? 2 : 3) | (exact ? 0 : 8);
    switch (imm) {
    case 0: ROUND_CASE("roundsd", 0, x, y, out, csr); break;
    case 1: ROUND_CASE("roundsd", 1, x, y, out, csr); break;
    case 2: ROUND_CASE("roundsd", 2, x, y, out, csr); break;
    case 3: ROUND_CASE("roundsd", 3, x, y, out, csr); break;
    case 8: ROUND_CASE("roundsd", 8, x, y, out, csr); break;
    case 9: ROUND_CASE("roundsd", 9, x, y, out, csr); break;
    case 10: ROUND_CASE("roundsd", 10, x, y, out, csr); break;
    case 11: ROUND_CASE("roundsd", 11, x, y, out, csr); break;
    }
    csr_restore();
    *flags = flags_of(out);
    return t_bd(y);
}

static uint32_t host_round32(uint32_t a, int rm, bool exact, uint32_t *flags)
{
    float x = t_f(a), y = 0;
    uint32_t out = 0, csr = csr_default;
    int imm = (rm == FP_ROUND_NEAREST_EVEN ? 0 : rm == FP_ROUND_DOWN ? 1
               : rm == FP_ROUND_UP ? 2 : 3) | (exact ? 0 : 8);
    switch (imm) {
    case 0: ROUND_CASE("roundss", 0, x, y, out, csr); break;
    case 1: ROUND_CASE("roundss", 1, x, y, out, csr); break;
    case 2: ROUND_CASE("roundss", 2, x, y, out, csr); break;
    case 3: ROUND_CASE("roundss", 3, x, y, out, csr); break;
    case 8: ROUND_CASE("roundss", 8, x, y, out, csr); break;
    case 9: ROUND_CASE("roundss", 9, x, y, out, csr); break;
    case 10: ROUND_CASE("roundss", 10, x, y, out, csr); break;
    case 11: ROUND_CASE("roundss", 11, x, y, out, csr); break;
    }
    csr_restore();
    *flags = flags_of(out);
    return t_bf(y);
}

static void test_round_to_int_vs_sse(void **state)
{
    if (!cpu_has(CPU_SSE41))
        skip();
    TFail tf = { "round-to-int vs ROUNDSD" };
    TRng r = { 19 };
    for (unsigned i = 0; i < 200000; i++) {
        int m = modes[i % 4];
        bool exact = (i / 4) & 1;
        uint64_t a = t_value(&r, &T64, 1023 + t_below(&r, 56) - 2);
        uint32_t hf;
        uint64_t want = host_round64(a, m, exact, &hf);
        FPStatus st = x86_status(FP_ROUND_NEAREST_EVEN, false, false, true);
        uint64_t got = sf64_round_to_int(a, m, exact, &st);
        t_check(&tf, exact ? "frintx64" : "frint64", m, "", a, 0, 0, want, hf, got,
                st.flags & T_ARITH_FLAGS);
        uint32_t a32 = (uint32_t)t_value(&r, &T32, 127 + t_below(&r, 27) - 2);
        uint32_t want32 = host_round32(a32, m, exact, &hf);
        st = x86_status(FP_ROUND_NEAREST_EVEN, false, false, true);
        uint32_t got32 = sf32_round_to_int(a32, m, exact, &st);
        t_check(&tf, exact ? "frintx32" : "frint32", m, "", a32, 0, 0, want32, hf, got32,
                st.flags & T_ARITH_FLAGS);
        /* ties away from zero: libm round() is exact and correctly
         * signed; inexact iff the value changed */
        if (!sf64_is_nan(a)) {
            double w = round(t_d(a));
            st = x86_status(FP_ROUND_NEAREST_EVEN, false, false, true);
            got = sf64_round_to_int(a, FP_ROUND_NEAREST_AWAY, true, &st);
            t_check(&tf, "frinta64", FP_ROUND_NEAREST_AWAY, "", a, 0, 0, t_bd(w),
                    w != t_d(a) && !isinf(w) ? FP_FLAG_INEXACT : 0, got,
                    st.flags & T_ARITH_FLAGS);
        }
    }
    t_done(&tf);
}

/* UCOMISD (quiet) and COMISD (signalling): ZF, PF, CF → relation. */
static void test_compare_vs_sse(void **state)
{
    TFail tf = { "compare vs (U)COMISD" };
    TRng r = { 23 };
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t a = t_value(&r, &T64, -1);
        uint64_t b = t_below(&r, 8) == 0 ? a : t_value(&r, &T64, t_bexp(&T64, a));
        if (t_below(&r, 8) == 0)
            b = a ^ (1ull << 63);
        bool signaling = i & 1;
        double x = t_d(a), y = t_d(b);
        uint8_t zf, pf, cf;
        uint32_t out, csr = csr_default;
        if (signaling)
            __asm__ volatile("ldmxcsr %[c]\n\tcomisd %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\t"
                             "setc %[cf]\n\tstmxcsr %[o]"
                             : [z] "=r"(zf), [p] "=r"(pf), [cf] "=r"(cf), [o] "=m"(out)
                             : [x] "x"(x), [y] "x"(y), [c] "m"(csr) : "cc");
        else
            __asm__ volatile("ldmxcsr %[c]\n\tucomisd %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\t"
                             "setc %[cf]\n\tstmxcsr %[o]"
                             : [z] "=r"(zf), [p] "=r"(pf), [cf] "=r"(cf), [o] "=m"(out)
                             : [x] "x"(x), [y] "x"(y), [c] "m"(csr) : "cc");
        csr_restore();
        FPRelation want = pf ? FP_REL_UNORDERED : zf ? FP_REL_EQUAL : cf ? FP_REL_LESS
                                                                       : FP_REL_GREATER;
        FPStatus st = x86_status(FP_ROUND_NEAREST_EVEN, false, false, true);
        FPRelation got = sf64_compare(a, b, signaling, &st);
        t_check(&tf, signaling ? "comisd" : "ucomisd", 0, "", a, b, 0, want,
                flags_of(out) & FP_FLAG_INVALID, got, st.flags & T_ARITH_FLAGS);
    }
    t_done(&tf);
}

/* MINSD/MAXSD agree with Arm FMIN/FMAX where neither is a NaN and the
 * operands are not two zeros (x86 then returns the second operand). */
static void test_minmax_vs_sse(void **state)
{
    TFail tf = { "min/max vs MINSD/MAXSD" };
    TRng r = { 29 };
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t a = t_value(&r, &T64, -1);
        uint64_t b = t_value(&r, &T64, t_bexp(&T64, a));
        if (sf64_is_nan(a) || sf64_is_nan(b) || (sf64_is_zero(a) && sf64_is_zero(b)))
            continue;
        for (int op = OP_MIN; op <= OP_MAX; op++) {
            uint32_t hf;
            uint64_t want = host64(op, a, b, 0, 0, csr_default, &hf);
            FPStatus st;
            fp_status_init(&st, FP_PROFILE_ARM);
            uint64_t got = op == OP_MIN ? sf64_min(a, b, &st) : sf64_max(a, b, &st);
            t_check(&tf, op_name[op], 0, "", a, b, 0, want, hf, got, st.flags & T_ARITH_FLAGS);
            st.flags = 0;
            got = op == OP_MIN ? sf64_minnum(a, b, &st) : sf64_maxnum(a, b, &st);
            t_check(&tf, op == OP_MIN ? "minnum" : "maxnum", 0, "", a, b, 0, want, hf, got,
                    st.flags & T_ARITH_FLAGS);
        }
    }
    t_done(&tf);
}

#define HOST_TEST(t) cmocka_unit_test(t)
#else
static void test_not_x86(void **state) { skip(); }
#define HOST_TEST(t) cmocka_unit_test(test_not_x86)
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        HOST_TEST(test_arith64_vs_sse),
        HOST_TEST(test_arith32_vs_sse),
        HOST_TEST(test_ftz_daz_vs_sse),
        HOST_TEST(test_underflow_boundary_vs_sse),
        HOST_TEST(test_convert_formats_vs_sse),
        HOST_TEST(test_convert_half_vs_f16c),
        HOST_TEST(test_to_int_vs_sse),
        HOST_TEST(test_unsigned_vs_avx512),
        HOST_TEST(test_round_to_int_vs_sse),
        HOST_TEST(test_compare_vs_sse),
        HOST_TEST(test_minmax_vs_sse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
