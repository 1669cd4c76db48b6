/*
 * sf-arith.c — add, sub, mul, div, sqrt and fused multiply-add for all
 * three formats: exact cores on 128-bit integers, the special cases of the
 * Arm pseudocode (FPAdd, FPSub, FPMul, FPDiv, FPSqrt, FPMulAdd in DDI 0487's
 * shared/functions/float), one rounding by fp_round_pack(); and, for
 * binary32/64 in round-to-nearest-even, a host-FPU fast path whose results
 * and flags are provably those of the soft path (see "Fast path" below).
 */
#include "fpu/sf-internal.h"

#include <string.h>

/* ---- exact cores ---------------------------------------------------------- */

/*
 * (−1)^sa·xa·2^(ea−126) + (−1)^sb·xb·2^(eb−126), xa and xb with their
 * leading bit at 126 (bit 127 is headroom for the carry).
 *
 * Exactness: the smaller operand is shifted right with jamming.  If the
 * shift d is 0 or 1 nothing is lost, because every operand here has at
 * least 22 zero low bits (a product of two 53-bit significands occupies at
 * most 106 bits; a lone significand 53).  If d >= 2 the result keeps its
 * leading bit at 125 or above, so it has >= 124 bits above the jam bit,
 * and the jammed and the true value lie strictly inside the same interval
 * between consecutive multiples of 2 units: every rounding decision made
 * at bit 1 or higher — and fp_round_pack rounds at bit 72 or higher of the
 * normalised 128-bit value — is the same for both.
 */
FPParts fp_addsub_core(bool sa, int32_t ea, u128 xa, bool sb, int32_t eb, u128 xb)
{
    FPParts r = { .cls = FPC_NUM };
    if (ea < eb || (ea == eb && xa < xb)) {
        bool ts = sa;
        int32_t te = ea;
        u128 tx = xa;
        sa = sb, ea = eb, xa = xb;
        sb = ts, eb = te, xb = tx;
    }
    int64_t d = (int64_t)ea - eb;
    xb = fp_shr_jam128(xb, d > 128 ? 128 : (int)d);
    u128 x = sa == sb ? xa + xb : xa - xb;
    if (x == 0) {
        r.cls = FPC_ZERO;
        return r;
    }
    r.sign = sa;
    r.exp = fp_norm128(x, ea, &r.sig);
    return r;
}

FPParts fp_mul_core(const FPParts *a, const FPParts *b)
{
    FPParts r = { .cls = FPC_NUM, .sign = a->sign ^ b->sign };
    /* sig_a·sig_b·2^(ea+eb−126): the product's leading bit at 126 means
     * exponent ea+eb. */
    r.exp = fp_norm128((u128)a->sig * b->sig, a->exp + b->exp, &r.sig);
    return r;
}

static FPParts div_core(const FPParts *a, const FPParts *b)
{
    FPParts r = { .cls = FPC_NUM, .sign = a->sign ^ b->sign };
    /*
     * q = floor(sig_a·2^64 / sig_b) lies in (2^63, 2^65): at least 64
     * significant bits, so jamming the remainder into bit 0 is safe.
     * a/b = q·2^(ea−eb−64) = q·2^(E−126) with E = ea−eb+62.
     */
    u128 n = (u128)a->sig << 64;
    u128 q = n / b->sig;
    bool rem = (n - q * b->sig) != 0;
    r.exp = fp_norm128(q | rem, a->exp - b->exp + 62, &r.sig);
    return r;
}

/*
 * sqrt(m) for m in [2^126, 2^128) as a 64-bit value whose top k bits are
 * those of floor(sqrt(m)) and whose bit 0 is set when the root is not
 * exact (the bits between are zero).  k >= F + 3 keeps the guard bit and
 * one more, which is all fp_round_pack needs besides the sticky bit.
 *
 * Schoolbook digit-by-digit square root: bring down two bits of m at a
 * time, one root bit per step, exact integer arithmetic, no host floating
 * point.  After i steps root < 2^i and rem <= 2·root, so for k <= 60 all
 * of it fits in 64 bits.  The root of the top 2k bits of m is the top k
 * bits of the root of m (floor(sqrt(floor(m/4^j))) = floor(floor(sqrt(m))
 * / 2^j)); the root is exact iff the last remainder and the unused low
 * bits of m are all zero.
 */
static uint64_t sqrt_bits(u128 m, int k)
{
    uint64_t root = 0, rem = 0;
    for (int i = 0; i < k; i++) {
        rem = (rem << 2) | ((uint64_t)(m >> (126 - 2 * i)) & 3);
        uint64_t trial = (root << 2) | 1;
        uint64_t take = (uint64_t)0 - (rem >= trial); /* branch-free: a coin toss */
        rem -= trial & take;
        root = (root << 1) | (take & 1);
    }
    bool low = (m & (((u128)1 << (128 - 2 * k)) - 1)) != 0;
    return (root << (64 - k)) | (rem != 0 || low);
}

static FPParts sqrt_core(const FPParts *a, int frac_bits)
{
    FPParts r = { .cls = FPC_NUM, .sign = false };
    /*
     * a = sig·2^t with t = exp−63.  Scale sig by 2^k, k in {63, 64}, so
     * that t−k is even and m = sig·2^k lies in [2^126, 2^128); then
     * sqrt(a) = sqrt(m)·2^((t−k)/2) and floor(sqrt(m)) has its leading bit
     * at 63, so the result's exponent is 63 + (t−k)/2.
     */
    int32_t t = a->exp - 63;
    int k = (t & 1) ? 63 : 64;
    r.sig = sqrt_bits((u128)a->sig << k, frac_bits + 3);
    r.exp = 63 + (t - k) / 2;
    return r;
}

/*
 * a·b + c for finite operands (zeros or numbers), exact then jammed;
 * FPC_ZERO if it is 0 (its sign is the caller's business).
 */
FPParts fp_muladd_core(const FPParts *a, const FPParts *b, const FPParts *c)
{
    if (a->cls == FPC_ZERO || b->cls == FPC_ZERO)
        return *c; /* exactly c */
    if (c->cls == FPC_ZERO)
        return fp_mul_core(a, b);
    /* The exact product: two significands of at most 53 bits occupy at
     * most 106 bits, so moving it to bit 126 drops only zero bits. */
    u128 x = (u128)a->sig * b->sig; /* in [2^126, 2^128) */
    int32_t ep = a->exp + b->exp;
    if (x >> 127) {
        x = fp_shr_jam128(x, 1);
        ep++;
    }
    return fp_addsub_core(a->sign ^ b->sign, ep, x, c->sign, c->exp, (u128)c->sig << 63);
}

/* ---- soft operations (Arm pseudocode special cases) ------------------------ */

static uint64_t nan2(const FPFmt *f, uint64_t a, const FPParts *pa, uint64_t b,
                     const FPParts *pb, FPStatus *st)
{
    uint64_t ops[2] = { a, b };
    uint8_t cls[2] = { pa->cls, pb->cls };
    return fp_propagate_nan(f, ops, cls, 2, st);
}

static uint64_t invalid(const FPFmt *f, FPStatus *st)
{
    st->flags |= FP_FLAG_INVALID;
    return fp_default_nan(f, st);
}

static uint64_t round_parts(const FPFmt *f, const FPParts *r, FPStatus *st)
{
    if (r->cls == FPC_ZERO) {
        /* An exact zero from operands that are not both zeros of one
         * sign: +0, or −0 when rounding toward −inf (IEEE 754 §6.3). */
        return fp_zero_bits(f, st->rounding == FP_ROUND_DOWN);
    }
    return fp_round_pack(f, r->sign, r->exp, r->sig, st->rounding, st, false);
}

/* FPAdd / FPSub: the NaN operands are the unnegated a and b. */
uint64_t fp_soft_addsub(const FPFmt *f, uint64_t a, uint64_t b, bool subtract,
                        FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls))
        return nan2(f, a, &pa, b, &pb, st);
    pb.sign ^= subtract;
    if (pa.cls == FPC_INF || pb.cls == FPC_INF) {
        if (pa.cls == FPC_INF && pb.cls == FPC_INF && pa.sign != pb.sign)
            return invalid(f, st);
        return fp_inf_bits(f, pa.cls == FPC_INF ? pa.sign : pb.sign);
    }
    if (pa.cls == FPC_ZERO && pb.cls == FPC_ZERO && pa.sign == pb.sign)
        return fp_zero_bits(f, pa.sign);
    FPParts r;
    if (pa.cls == FPC_ZERO)
        r = pb;
    else if (pb.cls == FPC_ZERO)
        r = pa;
    else
        r = fp_addsub_core(pa.sign, pa.exp, (u128)pa.sig << 63, pb.sign, pb.exp,
                           (u128)pb.sig << 63);
    return round_parts(f, &r, st);
}

uint64_t fp_soft_mul(const FPFmt *f, uint64_t a, uint64_t b, FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls))
        return nan2(f, a, &pa, b, &pb, st);
    bool sign = pa.sign ^ pb.sign;
    if ((pa.cls == FPC_INF && pb.cls == FPC_ZERO) ||
        (pa.cls == FPC_ZERO && pb.cls == FPC_INF))
        return invalid(f, st);
    if (pa.cls == FPC_INF || pb.cls == FPC_INF)
        return fp_inf_bits(f, sign);
    if (pa.cls == FPC_ZERO || pb.cls == FPC_ZERO)
        return fp_zero_bits(f, sign);
    FPParts r = fp_mul_core(&pa, &pb);
    return round_parts(f, &r, st);
}

uint64_t fp_soft_div(const FPFmt *f, uint64_t a, uint64_t b, FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls))
        return nan2(f, a, &pa, b, &pb, st);
    bool sign = pa.sign ^ pb.sign;
    if ((pa.cls == FPC_INF && pb.cls == FPC_INF) ||
        (pa.cls == FPC_ZERO && pb.cls == FPC_ZERO))
        return invalid(f, st);
    if (pa.cls == FPC_INF || pb.cls == FPC_ZERO) {
        if (pa.cls != FPC_INF)
            st->flags |= FP_FLAG_DIVBYZERO;
        return fp_inf_bits(f, sign);
    }
    if (pa.cls == FPC_ZERO || pb.cls == FPC_INF)
        return fp_zero_bits(f, sign);
    FPParts r = div_core(&pa, &pb);
    return round_parts(f, &r, st);
}

uint64_t fp_soft_sqrt(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPParts pa = fp_unpack(f, a, st, false);
    if (fp_is_nan_cls(pa.cls))
        return fp_process_nan(f, a, pa.cls, st);
    if (pa.cls == FPC_ZERO)
        return fp_zero_bits(f, pa.sign); /* sqrt(−0) = −0 */
    if (pa.sign)
        return invalid(f, st);
    if (pa.cls == FPC_INF)
        return fp_inf_bits(f, false);
    FPParts r = sqrt_core(&pa, f->frac_bits);
    return round_parts(f, &r, st);
}

/* FPMulAdd(addend = c, op1 = a, op2 = b), negations applied to the operand
 * bits first as FMSUB/FNMADD/FNMSUB do. */
uint64_t fp_soft_muladd(const FPFmt *f, uint64_t a, uint64_t b, uint64_t c,
                        unsigned neg, FPStatus *st)
{
    uint64_t an = (neg & FP_MULADD_NEG_PRODUCT) ? a ^ fp_sign_bit(f) : a;
    uint64_t cn = (neg & FP_MULADD_NEG_ADDEND) ? c ^ fp_sign_bit(f) : c;
    FPParts pa = fp_unpack(f, an, st, false);
    FPParts pb = fp_unpack(f, b, st, false);
    FPParts pc = fp_unpack(f, cn, st, false);
    bool inf_zero = (pa.cls == FPC_INF && pb.cls == FPC_ZERO) ||
                    (pa.cls == FPC_ZERO && pb.cls == FPC_INF);

    if (fp_is_nan_cls(pa.cls) || fp_is_nan_cls(pb.cls) || fp_is_nan_cls(pc.cls)) {
        uint64_t r;
        if (st->nan_rule == FP_NAN_X86) {
            uint64_t ops[3] = { a, b, c };
            uint8_t cls[3] = { pa.cls, pb.cls, pc.cls };
            r = fp_propagate_nan(f, ops, cls, 3, st);
        } else {
            /* FPProcessNaNs3(typeA, type1, type2, addend, op1, op2), then
             * FPMulAdd: a quiet-NaN addend does not hide the invalid
             * 0 × inf — the result is the default NaN. */
            uint64_t ops[3] = { cn, an, b };
            uint8_t cls[3] = { pc.cls, pa.cls, pb.cls };
            r = fp_propagate_nan(f, ops, cls, 3, st);
            if (pc.cls == FPC_QNAN && inf_zero)
                r = invalid(f, st);
        }
        return r;
    }

    bool sp = pa.sign ^ pb.sign;
    bool inf_p = pa.cls == FPC_INF || pb.cls == FPC_INF;
    bool zero_p = pa.cls == FPC_ZERO || pb.cls == FPC_ZERO;
    if (inf_zero || (pc.cls == FPC_INF && inf_p && pc.sign != sp))
        return invalid(f, st);
    if ((pc.cls == FPC_INF && !pc.sign) || (inf_p && !sp))
        return fp_inf_bits(f, false);
    if ((pc.cls == FPC_INF && pc.sign) || (inf_p && sp))
        return fp_inf_bits(f, true);
    if (pc.cls == FPC_ZERO && zero_p && pc.sign == sp)
        return fp_zero_bits(f, sp);
    if (zero_p && pc.cls == FPC_ZERO) {
        FPParts z = { .cls = FPC_ZERO };
        return round_parts(f, &z, st);
    }
    FPParts r = fp_muladd_core(&pa, &pb, &pc);
    return round_parts(f, &r, st);
}

/* ---- Fast path --------------------------------------------------------------
 *
 * For binary32/64 in round-to-nearest-even, when every operand is a normal
 * number, the host's IEEE 754 operation gives the correctly rounded result
 * (x86-64 SSE2 and AArch64 both implement these operations exactly, and
 * ferry leaves the host in round-to-nearest without FTZ/DAZ).  It is taken
 * only when the result is also safe; otherwise the soft path runs.  The
 * proof obligations, discharged per operation below:
 *
 *  (1) Same value.  Normal operands are not flushed (flush_in only affects
 *      denormals) and no NaN is involved, so NaN rules and default_nan do
 *      not matter.  The host result r must be finite with a biased
 *      exponent >= 2, i.e. |r| >= 2^(emin+1):
 *  (2) No overflow: in round-to-nearest a finite r means the unbounded
 *      rounded result is <= max normal, so there is no overflow.
 *  (3) No underflow, no flush: |r| >= 2^(emin+1) and r is the exact value
 *      rounded to nearest, so the exact value is >= 2^(emin+1) − ulp/2 >
 *      2^emin: not tiny before rounding, nor after.  flush_out never
 *      applies and UNDERFLOW is never raised.  (|r| in [2^emin, 2^(emin+1))
 *      is sent to the soft path, where the exact value may be tiny before
 *      rounding, which matters for Arm.)
 *  (4) No invalid / divide-by-zero: finite nonzero normal operands cannot
 *      produce them (sqrt of a negative is excluded up front).
 *  (5) INEXACT is raised iff the exact result differs from r.  This is
 *      decided exactly, per operation: an error-free transformation whose
 *      error term is representable (TwoSum; FMA residue of a product,
 *      quotient or root under the exponent bounds stated there), an exact
 *      binary64 computation for binary32, or the host's inexact flag read
 *      directly around one fused multiply-add.
 */

static inline double d_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}
static inline uint64_t bits_of_d(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}
static inline float f_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}
static inline uint32_t bits_of_f(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* Hide a value from the optimiser so it cannot contract a*b+c into an FMA
 * (gnu11 allows -ffp-contract=fast) or otherwise re-associate across it. */
#if defined(__x86_64__) || defined(__i386__)
#define FP_OPAQUE(v) __asm__("" : "+x"(v))
#elif defined(__aarch64__)
#define FP_OPAQUE(v) __asm__("" : "+w"(v))
#else
#define FP_OPAQUE(v) __asm__("" : "+m"(v))
#endif

static inline bool fast_ok(const FPStatus *st)
{
    return !st->soft_only && st->rounding == FP_ROUND_NEAREST_EVEN;
}
/* Biased exponent of a normal number (1..max−1) or of a safe result
 * (2..max−1). */
static inline bool normal64(uint64_t a) { return ((a >> 52) & 0x7ff) - 1u < 0x7fe; }
static inline bool normal32(uint32_t a) { return ((a >> 23) & 0xff) - 1u < 0xfe; }
static inline unsigned bexp64(uint64_t a) { return (a >> 52) & 0x7ff; }
static inline unsigned bexp32(uint32_t a) { return (a >> 23) & 0xff; }
static inline bool safe64(uint64_t r) { return bexp64(r) - 2u < 0x7fe - 1u; }
static inline bool safe32(uint32_t r) { return bexp32(r) - 2u < 0xfe - 1u; }

/*
 * TwoSum (Knuth): with s = RN(x+y), err = (x − (s − bb)) + (y − bb) where
 * bb = s − x is exactly x + y − s, in round-to-nearest without overflow
 * (s finite implies no intermediate overflows).  The error of a sum is
 * always representable, even in the subnormal range.
 */
static inline bool twosum_inexact64(double x, double y, double s)
{
    double bb = s - x;
    FP_OPAQUE(bb);
    double err = (x - (s - bb)) + (y - bb);
    return err != 0;
}
static inline bool twosum_inexact32(float x, float y, float s)
{
    float bb = s - x;
    FP_OPAQUE(bb);
    float err = (x - (s - bb)) + (y - bb);
    return err != 0;
}

/*
 * Bound for the FMA-residue checks in binary64.  The residue of a product
 * (x·y − r), a quotient (x − r·y) or a root (x − r·r) is exactly
 * representable when r = RN(...) (Boldo & Daumas; the classic error-free
 * transformations) provided it does not fall below the subnormal grid: it
 * is a multiple of 2^(e−105) where e is the exponent of the product
 * (r's for mul, x's for div/sqrt), so e >= −969, i.e. biased >= 54, makes
 * it a multiple of 2^−1074 and exactly representable; then fma() returns
 * it exactly and it is zero iff r is exact.  We require biased >= 64.
 */
#define FAST64_RESIDUE_MIN_BEXP 64u

#if defined(__x86_64__)
#define HAVE_HOST_FMA_INEXACT 1
/* x·y+z with the host's inexact flag (MXCSR.PE, bit 5) for that one
 * operation: clear the sticky flags, compute, read them back.  The empty
 * asm statements order the FMA between the two MXCSR accesses. */
static inline double host_fma_inexact(double x, double y, double z, bool *inexact)
{
    unsigned csr, after;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    csr &= ~0x3fu;
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    __asm__ volatile("" : "+x"(x), "+x"(y), "+x"(z));
    double r = __builtin_fma(x, y, z);
    __asm__ volatile("" : "+x"(r));
    __asm__ volatile("stmxcsr %0" : "=m"(after));
    *inexact = (after & 0x20) != 0;
    return r;
}
#elif defined(__aarch64__)
#define HAVE_HOST_FMA_INEXACT 1
/* The same with FPSR.IXC (bit 4). */
static inline double host_fma_inexact(double x, double y, double z, bool *inexact)
{
    uint64_t fpsr;
    __asm__ volatile("mrs %0, fpsr" : "=r"(fpsr));
    fpsr &= ~(uint64_t)0x9f;
    __asm__ volatile("msr fpsr, %0" : : "r"(fpsr));
    __asm__ volatile("" : "+w"(x), "+w"(y), "+w"(z));
    double r = __builtin_fma(x, y, z);
    __asm__ volatile("" : "+w"(r));
    __asm__ volatile("mrs %0, fpsr" : "=r"(fpsr));
    *inexact = (fpsr & 0x10) != 0;
    return r;
}
#endif

/* ---- binary64 ---- */

sf64 sf64_add(sf64 a, sf64 b, FPStatus *st)
{
    if (fast_ok(st) && normal64(a) && normal64(b)) {
        double x = d_of(a), y = d_of(b), s = x + y;
        uint64_t r = bits_of_d(s);
        if (safe64(r)) {
            if (twosum_inexact64(x, y, s))
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_addsub(&fp_fmt64, a, b, false, st);
}

sf64 sf64_sub(sf64 a, sf64 b, FPStatus *st)
{
    if (fast_ok(st) && normal64(a) && normal64(b)) {
        double x = d_of(a), y = -d_of(b), s = x + y;
        uint64_t r = bits_of_d(s);
        if (safe64(r)) {
            if (twosum_inexact64(x, y, s))
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_addsub(&fp_fmt64, a, b, true, st);
}

sf64 sf64_mul(sf64 a, sf64 b, FPStatus *st)
{
    if (fast_ok(st) && normal64(a) && normal64(b)) {
        double x = d_of(a), y = d_of(b), p = x * y;
        uint64_t r = bits_of_d(p);
        /* safe, and the product residue is representable (bound above) */
        if (safe64(r) && bexp64(r) >= FAST64_RESIDUE_MIN_BEXP) {
            if (__builtin_fma(x, y, -p) != 0)
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_mul(&fp_fmt64, a, b, st);
}

sf64 sf64_div(sf64 a, sf64 b, FPStatus *st)
{
    if (fast_ok(st) && normal64(a) && normal64(b) && bexp64(a) >= FAST64_RESIDUE_MIN_BEXP) {
        double x = d_of(a), y = d_of(b), q = x / y;
        uint64_t r = bits_of_d(q);
        if (safe64(r)) {
            if (__builtin_fma(q, y, -x) != 0)
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_div(&fp_fmt64, a, b, st);
}

sf64 sf64_sqrt(sf64 a, FPStatus *st)
{
    if (fast_ok(st) && normal64(a) && !(a >> 63) && bexp64(a) >= FAST64_RESIDUE_MIN_BEXP) {
        double x = d_of(a), s = __builtin_sqrt(x);
        /* sqrt of a normal is normal and at least 2^−480 here: safe */
        if (__builtin_fma(s, s, -x) != 0)
            st->flags |= FP_FLAG_INEXACT;
        return bits_of_d(s);
    }
    return fp_soft_sqrt(&fp_fmt64, a, st);
}

sf64 sf64_muladd(sf64 a, sf64 b, sf64 c, unsigned neg, FPStatus *st)
{
#ifdef HAVE_HOST_FMA_INEXACT
    if (fast_ok(st) && normal64(a) && normal64(b) && normal64(c)) {
        double x = d_of(a), y = d_of(b), z = d_of(c);
        bool inexact;
        if (neg & FP_MULADD_NEG_PRODUCT)
            x = -x;
        if (neg & FP_MULADD_NEG_ADDEND)
            z = -z;
        double s = host_fma_inexact(x, y, z, &inexact);
        uint64_t r = bits_of_d(s);
        if (safe64(r)) {
            if (inexact)
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
#endif
    return fp_soft_muladd(&fp_fmt64, a, b, c, neg, st);
}

/* ---- binary32 ---- */

sf32 sf32_add(sf32 a, sf32 b, FPStatus *st)
{
    if (fast_ok(st) && normal32(a) && normal32(b)) {
        float x = f_of(a), y = f_of(b), s = x + y;
        uint32_t r = bits_of_f(s);
        if (safe32(r)) {
            if (twosum_inexact32(x, y, s))
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_addsub(&fp_fmt32, a, b, false, st);
}

sf32 sf32_sub(sf32 a, sf32 b, FPStatus *st)
{
    if (fast_ok(st) && normal32(a) && normal32(b)) {
        float x = f_of(a), y = -f_of(b), s = x + y;
        uint32_t r = bits_of_f(s);
        if (safe32(r)) {
            if (twosum_inexact32(x, y, s))
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_addsub(&fp_fmt32, a, b, true, st);
}

/* binary32 products of two binary32 values are exact in binary64
 * (24+24 <= 53 bits, exponents in range), so exactness checks for mul,
 * div (r·y == x) and sqrt (r·r == x) are plain binary64 comparisons. */
sf32 sf32_mul(sf32 a, sf32 b, FPStatus *st)
{
    if (fast_ok(st) && normal32(a) && normal32(b)) {
        float x = f_of(a), y = f_of(b), p = x * y;
        uint32_t r = bits_of_f(p);
        if (safe32(r)) {
            double e = (double)x * (double)y;
            if (e != (double)p)
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_mul(&fp_fmt32, a, b, st);
}

sf32 sf32_div(sf32 a, sf32 b, FPStatus *st)
{
    if (fast_ok(st) && normal32(a) && normal32(b)) {
        float x = f_of(a), y = f_of(b), q = x / y;
        uint32_t r = bits_of_f(q);
        if (safe32(r)) {
            double back = (double)q * (double)y;
            if (back != (double)x)
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_div(&fp_fmt32, a, b, st);
}

sf32 sf32_sqrt(sf32 a, FPStatus *st)
{
    if (fast_ok(st) && normal32(a) && !(a >> 31)) {
        float x = f_of(a), s = __builtin_sqrtf(x);
        double sq = (double)s * (double)s;
        if (sq != (double)x)
            st->flags |= FP_FLAG_INEXACT;
        return bits_of_f(s);
    }
    return fp_soft_sqrt(&fp_fmt32, a, st);
}

sf32 sf32_muladd(sf32 a, sf32 b, sf32 c, unsigned neg, FPStatus *st)
{
    if (fast_ok(st) && normal32(a) && normal32(b) && normal32(c)) {
        float x = f_of(a), y = f_of(b), z = f_of(c);
        if (neg & FP_MULADD_NEG_PRODUCT)
            x = -x;
        if (neg & FP_MULADD_NEG_ADDEND)
            z = -z;
        float s = __builtin_fmaf(x, y, z);
        uint32_t r = bits_of_f(s);
        if (safe32(r)) {
            /*
             * v = x·y + z exactly: p = x·y is exact in binary64, and
             * TwoSum gives p + z = t + e exactly.  r is exact iff
             * (t − r) + e == 0.  t and r are both v rounded (to 53 and to
             * 24 bits) and v is far from binary64's subnormal range, so
             * they are within a factor 2 of each other and t − r is exact
             * (Sterbenz); a sum of two doubles rounds to 0 only if it is
             * exactly 0.
             */
            double p = (double)x * (double)y;
            FP_OPAQUE(p);
            double dz = z, t = p + dz;
            double bb = t - p;
            FP_OPAQUE(bb);
            double e = (p - (t - bb)) + (dz - bb);
            double d = t - (double)s;
            if (d + e != 0)
                st->flags |= FP_FLAG_INEXACT;
            return r;
        }
    }
    return fp_soft_muladd(&fp_fmt32, a, b, c, neg, st);
}

/* ---- binary16: soft only ---- */

sf16 sf16_add(sf16 a, sf16 b, FPStatus *st)
{
    return (sf16)fp_soft_addsub(&fp_fmt16, a, b, false, st);
}
sf16 sf16_sub(sf16 a, sf16 b, FPStatus *st)
{
    return (sf16)fp_soft_addsub(&fp_fmt16, a, b, true, st);
}
sf16 sf16_mul(sf16 a, sf16 b, FPStatus *st)
{
    return (sf16)fp_soft_mul(&fp_fmt16, a, b, st);
}
sf16 sf16_div(sf16 a, sf16 b, FPStatus *st)
{
    return (sf16)fp_soft_div(&fp_fmt16, a, b, st);
}
sf16 sf16_sqrt(sf16 a, FPStatus *st)
{
    return (sf16)fp_soft_sqrt(&fp_fmt16, a, st);
}
sf16 sf16_muladd(sf16 a, sf16 b, sf16 c, unsigned neg, FPStatus *st)
{
    return (sf16)fp_soft_muladd(&fp_fmt16, a, b, c, neg, st);
}
