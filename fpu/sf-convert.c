/*
 * sf-convert.c — conversions: between binary16/32/64 (Arm FPConvert with
 * FPUnpackCV/FPRoundCV and FPConvertNaN), float to integer and fixed point
 * (Arm FPToFixed: saturating, INVALID on NaN and out of range), integer and
 * fixed point to float (Arm FixedToFP), and rounding to an integral value
 * (Arm FPRoundInt).  DDI 0487 shared/functions/float.
 */
#include "fpu/sf-internal.h"

/* ---- between formats ------------------------------------------------------ */

/*
 * FPConvertNaN: keep the sign and the payload below the quiet bit,
 * aligned at the top (truncated when narrowing), and set the quiet bit.
 */
static uint64_t convert_nan(const FPFmt *to, const FPFmt *from, uint64_t a)
{
    uint64_t payload = a & (fp_quiet_bit(from) - 1); /* F−1 bits */
    int shift = to->frac_bits - from->frac_bits;
    payload = shift >= 0 ? payload << shift : payload >> -shift;
    bool sign = (a >> (from->bits - 1)) & 1;
    return fp_inf_bits(to, sign) | fp_quiet_bit(to) | payload;
}

static uint64_t convert(const FPFmt *to, const FPFmt *from, uint64_t a, FPStatus *st)
{
    FPParts p = fp_unpack(from, a, st, true);
    switch (p.cls) {
    case FPC_SNAN:
    case FPC_QNAN:
        if (p.cls == FPC_SNAN)
            st->flags |= FP_FLAG_INVALID;
        if (st->default_nan)
            return fp_default_nan(to, st);
        return convert_nan(to, from, a);
    case FPC_INF:
        return fp_inf_bits(to, p.sign);
    case FPC_ZERO:
        return fp_zero_bits(to, p.sign);
    default:
        return fp_round_pack(to, p.sign, p.exp, p.sig, st->rounding, st, true);
    }
}

sf32 sf16_to_sf32(sf16 a, FPStatus *st) { return (sf32)convert(&fp_fmt32, &fp_fmt16, a, st); }
sf64 sf16_to_sf64(sf16 a, FPStatus *st) { return convert(&fp_fmt64, &fp_fmt16, a, st); }
sf16 sf32_to_sf16(sf32 a, FPStatus *st) { return (sf16)convert(&fp_fmt16, &fp_fmt32, a, st); }
sf64 sf32_to_sf64(sf32 a, FPStatus *st) { return convert(&fp_fmt64, &fp_fmt32, a, st); }
sf16 sf64_to_sf16(sf64 a, FPStatus *st) { return (sf16)convert(&fp_fmt16, &fp_fmt64, a, st); }
sf32 sf64_to_sf32(sf64 a, FPStatus *st) { return (sf32)convert(&fp_fmt32, &fp_fmt64, a, st); }

/* ---- to integer / fixed point ------------------------------------------ */

/*
 * FPToFixed(op, fbits, unsigned, fpcr, rounding) with an M-bit result:
 * value·2^fbits rounded in rmode, then SatQ.  Overflow raises INVALID
 * (and then no INEXACT); a NaN gives 0 with INVALID.  The rounding is done
 * on the magnitude, which is equivalent to the pseudocode's RoundDown plus
 * increment on the signed value.
 */
static uint64_t to_int(const FPFmt *f, uint64_t a, unsigned width, bool is_unsigned,
                       int fbits, FPRounding rmode, FPStatus *st)
{
    FPParts p = fp_unpack(f, a, st, false);
    uint64_t max_pos = is_unsigned ? (width == 64 ? UINT64_MAX : (1ull << width) - 1)
                                   : (1ull << (width - 1)) - 1;
    uint64_t max_neg = is_unsigned ? 0 : 1ull << (width - 1); /* magnitude */
    uint64_t mag;
    bool overflow = false;
    int rc = 0;

    switch (p.cls) {
    case FPC_QNAN:
    case FPC_SNAN:
        st->flags |= FP_FLAG_INVALID;
        return 0;
    case FPC_ZERO:
        return 0;
    case FPC_INF:
        overflow = true;
        mag = 0;
        break;
    default: {
        int64_t e = (int64_t)p.exp + fbits; /* value·2^fbits = sig·2^(e−63) */
        if (e >= 64) {
            overflow = true;
            mag = 0;
            break;
        }
        int s = (int)(63 - e); /* >= 0; fp_shr_round copes with s > 64 */
        if (e < -2)
            s = 66;
        mag = fp_shr_round(p.sig, s, &rc);
        if (fp_round_up(rmode, p.sign, mag & 1, rc))
            mag++; /* s >= 1 here, so mag < 2^63 and cannot wrap */
        if (rc != 0 && rmode == FP_ROUND_ODD)
            mag |= 1;
        overflow = p.sign ? mag > max_neg : mag > max_pos;
        break;
    }
    }
    if (overflow) {
        st->flags |= FP_FLAG_INVALID;
        if (p.sign)
            return is_unsigned ? 0 : (uint64_t)0 - max_neg;
        return max_pos;
    }
    if (rc != 0)
        st->flags |= FP_FLAG_INEXACT;
    return p.sign ? (uint64_t)0 - mag : mag;
}

/* ---- from integer / fixed point ------------------------------------------ */

/* FixedToFP: (±mag)/2^fbits rounded in st->rounding; 0 gives +0. */
static uint64_t from_int(const FPFmt *f, bool sign, uint64_t mag, int fbits, FPStatus *st)
{
    if (mag == 0)
        return 0;
    int lz = fp_clz64(mag);
    return fp_round_pack(f, sign, (63 - lz) - fbits, mag << lz, st->rounding, st, false);
}

/* ---- round to integral ---------------------------------------------------- */

/*
 * FPRoundInt: NaNs processed, infinities and zeros returned, otherwise the
 * value rounded to an integer in rmode; a zero result takes the operand's
 * sign.  INEXACT only when 'exact' (FRINTX; not FRINTI) and the value changed.
 */
static uint64_t round_to_int(const FPFmt *f, uint64_t a, FPRounding rmode, bool exact,
                             FPStatus *st)
{
    FPParts p = fp_unpack(f, a, st, false);
    switch (p.cls) {
    case FPC_QNAN:
    case FPC_SNAN:
        return fp_process_nan(f, a, p.cls, st);
    case FPC_INF:
        return fp_inf_bits(f, p.sign);
    case FPC_ZERO:
        return fp_zero_bits(f, p.sign);
    default:
        break;
    }
    if (p.exp >= f->frac_bits)
        return a; /* already an integer: units in the last place >= 1 */
    int rc;
    int s = 63 - p.exp; /* >= 64 - F >= 12 */
    if (s > 66)
        s = 66;
    uint64_t mag = fp_shr_round(p.sig, s, &rc);
    if (fp_round_up(rmode, p.sign, mag & 1, rc))
        mag++;
    if (rc != 0 && exact)
        st->flags |= FP_FLAG_INEXACT;
    if (mag == 0)
        return fp_zero_bits(f, p.sign);
    /* An integer below 2^F (or equal, after rounding up): exact. */
    int lz = fp_clz64(mag);
    return fp_round_pack(f, p.sign, 63 - lz, mag << lz, FP_ROUND_ZERO, st, false);
}

/* ---- entry points ---------------------------------------------------------- */

#define FP_DEFINE_CONVERT(N)                                                             \
    uint64_t sf##N##_to_int(sf##N a, unsigned width, bool is_unsigned, int fbits,       \
                            FPRounding rmode, FPStatus *st)                              \
    {                                                                                    \
        return to_int(&fp_fmt##N, a, width, is_unsigned, fbits, rmode, st);             \
    }                                                                                    \
    int32_t sf##N##_to_i32(sf##N a, int fbits, FPRounding rmode, FPStatus *st)           \
    {                                                                                    \
        return (int32_t)(uint32_t)to_int(&fp_fmt##N, a, 32, false, fbits, rmode, st);   \
    }                                                                                    \
    uint32_t sf##N##_to_u32(sf##N a, int fbits, FPRounding rmode, FPStatus *st)          \
    {                                                                                    \
        return (uint32_t)to_int(&fp_fmt##N, a, 32, true, fbits, rmode, st);             \
    }                                                                                    \
    int64_t sf##N##_to_i64(sf##N a, int fbits, FPRounding rmode, FPStatus *st)           \
    {                                                                                    \
        return (int64_t)to_int(&fp_fmt##N, a, 64, false, fbits, rmode, st);             \
    }                                                                                    \
    uint64_t sf##N##_to_u64(sf##N a, int fbits, FPRounding rmode, FPStatus *st)          \
    {                                                                                    \
        return to_int(&fp_fmt##N, a, 64, true, fbits, rmode, st);                       \
    }                                                                                    \
    sf##N sf##N##_from_i64(int64_t v, int fbits, FPStatus *st)                           \
    {                                                                                    \
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;                  \
        return (sf##N)from_int(&fp_fmt##N, v < 0, mag, fbits, st);                       \
    }                                                                                    \
    sf##N sf##N##_from_u64(uint64_t v, int fbits, FPStatus *st)                          \
    {                                                                                    \
        return (sf##N)from_int(&fp_fmt##N, false, v, fbits, st);                         \
    }                                                                                    \
    sf##N sf##N##_from_i32(int32_t v, int fbits, FPStatus *st)                           \
    {                                                                                    \
        return sf##N##_from_i64(v, fbits, st);                                           \
    }                                                                                    \
    sf##N sf##N##_from_u32(uint32_t v, int fbits, FPStatus *st)                          \
    {                                                                                    \
        return (sf##N)from_int(&fp_fmt##N, false, v, fbits, st);                         \
    }                                                                                    \
    sf##N sf##N##_round_to_int(sf##N a, FPRounding rmode, bool exact, FPStatus *st)      \
    {                                                                                    \
        return (sf##N)round_to_int(&fp_fmt##N, a, rmode, exact, st);                     \
    }

FP_DEFINE_CONVERT(16)
FP_DEFINE_CONVERT(32)
FP_DEFINE_CONVERT(64)
