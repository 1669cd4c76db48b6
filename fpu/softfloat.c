/*
 * softfloat.c — the generic core of ferry's soft-float: format descriptors,
 * status profiles, unpacking (Arm FPUnpackBase), rounding and packing (Arm
 * FPRoundBase, generalised to tininess after rounding and to ties-away),
 * NaN propagation (Arm FPProcessNaN/FPProcessNaNs/FPProcessNaNs3 and the
 * x86 SSE rule of Intel SDM vol. 1 §4.8.3.5, table 4-7) and value comparison.
 *
 * References: Arm DDI 0487 shared pseudocode library, "float" functions;
 * IEEE 754-2019 §4.3 (rounding), §7.5 (underflow), §6.2 (NaNs).
 */
#include "fpu/sf-internal.h"

const FPFmt fp_fmt16 = { 16, 5, 10, 15 };
const FPFmt fp_fmt32 = { 32, 8, 23, 127 };
const FPFmt fp_fmt64 = { 64, 11, 52, 1023 };

void fp_status_init(FPStatus *st, FPProfile profile)
{
    *st = (FPStatus){ 0 };
    switch (profile) {
    case FP_PROFILE_X86:
        st->nan_rule = FP_NAN_X86;
        /* SDM vol. 1 §4.9.1.5 and §11.5.2.5: underflow is judged on "the
         * result of rounding with unbounded exponent" — tininess after
         * rounding; §10.2.3.3 and §11.5.2.6: an FTZ-flushed result
         * reports inexact as well as underflow. */
        st->tininess_after = true;
        st->ftz_inexact = true;
        break;
    case FP_PROFILE_ARM:
    case FP_PROFILE_IEEE:
    default:
        st->nan_rule = FP_NAN_ARM;
        break;
    }
}

FPParts fp_unpack(const FPFmt *f, uint64_t bits, FPStatus *st, bool cv)
{
    FPParts p;
    const int F = f->frac_bits;
    uint64_t frac = bits & fp_frac_mask(f);
    uint64_t e = (bits >> F) & fp_exp_max(f);

    p.sign = (bits >> (f->bits - 1)) & 1;
    p.exp = 0;
    p.sig = 0;
    if (e == 0) {
        if (frac == 0) {
            p.cls = FPC_ZERO;
        } else if (fp_flush_in(f, st, cv)) {
            /* FPUnpackBase: FZ flushes binary32/64 denormals and raises
             * InputDenorm; FZ16 flushes binary16 ones silently. */
            p.cls = FPC_ZERO;
            if (f->bits != 16)
                st->flags |= FP_FLAG_INPUT_DENORMAL;
        } else {
            /* value = frac * 2^(emin - F); normalise to bit 63. */
            int lz = fp_clz64(frac);
            p.cls = FPC_NUM;
            p.sig = frac << lz;
            p.exp = (1 - f->bias) - F + (63 - lz);
        }
    } else if (e == fp_exp_max(f)) {
        if (frac == 0)
            p.cls = FPC_INF;
        else
            p.cls = (frac & fp_quiet_bit(f)) ? FPC_QNAN : FPC_SNAN;
    } else {
        p.cls = FPC_NUM;
        p.exp = (int32_t)e - f->bias;
        p.sig = ((1ull << F) | frac) << (63 - F);
    }
    return p;
}

uint64_t fp_round_pack(const FPFmt *f, bool sign, int32_t exp, uint64_t sig,
                       FPRounding rm, FPStatus *st, bool cv)
{
    const int F = f->frac_bits;
    const int32_t emin = 1 - f->bias;
    const uint64_t sbit = fp_zero_bits(f, sign);
    bool tiny = false;
    int rc, shift;
    int64_t biased;
    uint64_t kept;

    /*
     * Tininess.  Arm (DDI 0487, FPRoundBase): "Underflow occurs if
     * exponent is too small before rounding" — the exact value is below
     * 2^emin; the FZ flush uses the same test.  x86 (SDM vol. 1 §4.9.1.5):
     * the value rounded with an unbounded exponent is below 2^emin.
     */
    if (exp < emin) {
        tiny = true;
        if (st->tininess_after && exp == emin - 1) {
            /*
             * IEEE 754 §7.5 "after rounding": tiny unless rounding to
             * F+1 bits with an unbounded exponent reaches 2^emin, which
             * needs all kept bits set and a round-up.
             */
            int rc0;
            uint64_t k0 = fp_shr_round(sig, 63 - F, &rc0);
            if (k0 == (2ull << F) - 1 && fp_round_up(rm, sign, true, rc0))
                tiny = false;
        }
    }

    if (tiny && fp_flush_out(f, st, cv)) {
        /* FPRoundBase: flush-to-zero raises UFC only (Arm); x86 FTZ
         * raises PE as well (ftz_inexact). */
        st->flags |= FP_FLAG_UNDERFLOW | (st->ftz_inexact ? FP_FLAG_INEXACT : 0);
        return sbit;
    }

    if (exp >= emin) {
        biased = (int64_t)exp - emin + 1;
        shift = 63 - F;
    } else {
        int64_t extra = (int64_t)emin - exp;
        biased = 0;
        shift = extra > 64 ? 65 + (63 - F) : (int)(63 - F + extra);
    }
    kept = fp_shr_round(sig, shift, &rc);

    /* Underflow: tiny and inexact (the untrapped rule of both
     * architectures; traps are not modelled). */
    if (tiny && rc != 0)
        st->flags |= FP_FLAG_UNDERFLOW;

    if (fp_round_up(rm, sign, kept & 1, rc)) {
        kept++;
        if (biased == 0) {
            if (kept == (1ull << F))
                biased = 1; /* rounded up from denormal to normal */
        } else if (kept == (2ull << F)) {
            biased++;
            kept >>= 1;
        }
    }
    if (rc != 0 && rm == FP_ROUND_ODD)
        kept |= 1;

    if (biased >= (int64_t)fp_exp_max(f)) {
        bool to_inf;
        switch (rm) {
        case FP_ROUND_NEAREST_EVEN:
        case FP_ROUND_NEAREST_AWAY:
            to_inf = true;
            break;
        case FP_ROUND_UP:
            to_inf = !sign;
            break;
        case FP_ROUND_DOWN:
            to_inf = sign;
            break;
        default:
            to_inf = false;
            break;
        }
        st->flags |= FP_FLAG_OVERFLOW | FP_FLAG_INEXACT;
        return to_inf ? fp_inf_bits(f, sign) : fp_max_normal_bits(f, sign);
    }
    if (rc != 0)
        st->flags |= FP_FLAG_INEXACT;
    return sbit | ((uint64_t)biased << F) | (kept & fp_frac_mask(f));
}

uint64_t fp_pack_parts(const FPFmt *f, const FPParts *p, FPStatus *st)
{
    switch (p->cls) {
    case FPC_ZERO:
        return fp_zero_bits(f, p->sign);
    case FPC_INF:
        return fp_inf_bits(f, p->sign);
    case FPC_NUM:
        return fp_round_pack(f, p->sign, p->exp, p->sig, FP_ROUND_ZERO, st, false);
    default:
        return fp_default_nan(f, st);
    }
}

uint64_t fp_process_nan(const FPFmt *f, uint64_t bits, int cls, FPStatus *st)
{
    if (cls == FPC_SNAN)
        st->flags |= FP_FLAG_INVALID;
    if (st->default_nan)
        return fp_default_nan(f, st);
    return bits | fp_quiet_bit(f);
}

uint64_t fp_propagate_nan(const FPFmt *f, const uint64_t *ops, const uint8_t *cls,
                          int n, FPStatus *st)
{
    int pick = -1;
    bool any_snan = false;

    for (int i = 0; i < n; i++)
        any_snan |= cls[i] == FPC_SNAN;
    if (st->nan_rule == FP_NAN_X86) {
        /* SDM vol. 1 table 4-7: the first source operand that is a NaN,
         * SNaN or QNaN alike. */
        for (int i = 0; i < n && pick < 0; i++)
            if (fp_is_nan_cls(cls[i]))
                pick = i;
    } else {
        /* FPProcessNaNs/FPProcessNaNs3: first SNaN, else first QNaN. */
        for (int i = 0; i < n && pick < 0; i++)
            if (cls[i] == FPC_SNAN)
                pick = i;
        for (int i = 0; i < n && pick < 0; i++)
            if (cls[i] == FPC_QNAN)
                pick = i;
    }
    if (any_snan)
        st->flags |= FP_FLAG_INVALID;
    if (st->default_nan || pick < 0)
        return fp_default_nan(f, st);
    return ops[pick] | fp_quiet_bit(f);
}

/* Magnitude comparison of two non-NaN operands. */
static int cmp_mag(const FPParts *a, const FPParts *b)
{
    if (a->cls != b->cls) {
        /* ZERO < NUM < INF */
        static const int rank[] = { [FPC_ZERO] = 0, [FPC_NUM] = 1, [FPC_INF] = 2 };
        return rank[a->cls] < rank[b->cls] ? -1 : 1;
    }
    if (a->cls != FPC_NUM)
        return 0;
    if (a->exp != b->exp)
        return a->exp < b->exp ? -1 : 1;
    if (a->sig != b->sig)
        return a->sig < b->sig ? -1 : 1;
    return 0;
}

int fp_cmp_parts(const FPParts *a, const FPParts *b)
{
    if (a->cls == FPC_ZERO && b->cls == FPC_ZERO)
        return 0;
    if (a->sign != b->sign)
        return a->sign ? -1 : 1;
    int c = cmp_mag(a, b);
    return a->sign ? -c : c;
}
