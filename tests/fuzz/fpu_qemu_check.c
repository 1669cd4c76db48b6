/*
 * fpu_qemu_check.c — host side of tests/fuzz/fpu-vs-qemu.sh.
 *
 *   fpu_qemu_check gen N SEED > cases      write N random QCases
 *   fpu_qemu_check cmp cases results       run each case through fpu/ and
 *                                          compare with the Arm results
 *
 * The cases favour the interesting operands (tests/unit/
 * softfloat_testutil.h) under random FPCR values (RMode, FZ, DN, FZ16).
 * Exit status 0 when everything matched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpu/softfloat.h"
#include "fpu_qemu_ops.h"

/* the generators only need print_message for reporting, unused here */
#define print_message printf
#define fail_msg(...) (printf(__VA_ARGS__), exit(1))
#include "tests/unit/softfloat_testutil.h"

static const char *names[Q_NOPS] = {
    "fadd", "fsub", "fmul", "fdiv", "fsqrt", "fmadd", "fmsub", "fnmadd", "fnmsub",
    "fmin", "fmax", "fminnm", "fmaxnm", "fmulx", "frecpe", "frsqrte", "frecps",
    "frsqrts", "frecpx", "fcmp", "fcmpe", "frintn", "frintp", "frintm", "frintz",
    "frinta", "frintx", "frinti", "fcvt->h", "fcvt->s", "fcvt->d", "fcvtzs w",
    "fcvtzu w", "fcvtzs x", "fcvtzu x", "fcvtns x", "fcvtas w", "fcvtps x", "fcvtmu w",
    "fcvtzs x #32", "fcvtzu w #16", "scvtf x", "ucvtf x", "scvtf w", "ucvtf x #64",
    "scvtf w #8", "fcvtxn",
};

static const TFmt *fmt_of(unsigned size)
{
    return size == 16 ? &T16 : size == 32 ? &T32 : &T64;
}

static void gen(unsigned long n, uint64_t seed)
{
    TRng r = { seed | 1 };
    for (unsigned long i = 0; i < n; i++) {
        QCase q = { 0 };
        q.op = t_below(&r, Q_NOPS);
        static const unsigned sizes[3] = { 16, 32, 64 };
        q.size = sizes[t_below(&r, 3)];
        if (q.op == Q_FCVTXN)
            q.size = 64;
        if ((q.op == Q_FCVT_H && q.size == 16) || (q.op == Q_FCVT_S && q.size == 32) ||
            (q.op == Q_FCVT_D && q.size == 64))
            q.size = q.op == Q_FCVT_H ? 32 : 16;
        q.fpcr = (uint32_t)(t_below(&r, 4) << 22);
        if (t_below(&r, 3) == 0)
            q.fpcr |= 1u << 24; /* FZ */
        if (t_below(&r, 4) == 0)
            q.fpcr |= 1u << 25; /* DN */
        if (t_below(&r, 3) == 0)
            q.fpcr |= 1u << 19; /* FZ16 */
        const TFmt *f = fmt_of(q.size);
        uint64_t m = q.size == 64 ? ~0ull : (1ull << q.size) - 1;
        q.a = t_value(&r, f, -1) & m;
        q.b = t_value(&r, f, t_bexp(f, q.a)) & m;
        q.c = t_value(&r, f, t_bexp(f, q.a) + t_bexp(f, q.b) - f->bias) & m;
        if (q.op >= Q_SCVTF_X && q.op <= Q_SCVTF_W8)
            q.a = t_rand(&r) >> t_below(&r, 64);
        if (q.op >= Q_FCVTZS_W && q.op <= Q_FCVTZU_W16)
            q.a = t_value(&r, f, f->bias + (int64_t)t_below(&r, 70) - 3) & m;
        fwrite(&q, sizeof q, 1, stdout);
    }
}

#define ALL(N, ...)                                                              \
    (q->size == 16 ? (uint64_t)sf16_##N(__VA_ARGS__)                             \
     : q->size == 32 ? (uint64_t)sf32_##N(__VA_ARGS__) : (uint64_t)sf64_##N(__VA_ARGS__))
#define ARM(N, ...)                                                              \
    (q->size == 16 ? (uint64_t)arm_##N##_sf16(__VA_ARGS__)                       \
     : q->size == 32 ? (uint64_t)arm_##N##_sf32(__VA_ARGS__)                     \
                     : (uint64_t)arm_##N##_sf64(__VA_ARGS__))

static uint64_t ours(const QCase *q, FPStatus *st, uint32_t *nzcv)
{
    uint64_t a = q->a, b = q->b, c = q->c;
    FPRounding fr = (FPRounding)st->rounding;
    *nzcv = 0;
    switch (q->op) {
    case Q_FADD: return ALL(add, a, b, st);
    case Q_FSUB: return ALL(sub, a, b, st);
    case Q_FMUL: return ALL(mul, a, b, st);
    case Q_FDIV: return ALL(div, a, b, st);
    case Q_FSQRT: return ALL(sqrt, a, st);
    /* FMADD d = a·b + c (Rn, Rm, Ra), FMSUB c − a·b, FNMADD −c − a·b,
     * FNMSUB a·b − c */
    case Q_FMADD: return ALL(muladd, a, b, c, 0, st);
    case Q_FMSUB: return ALL(muladd, a, b, c, FP_MULADD_NEG_PRODUCT, st);
    case Q_FNMADD: return ALL(muladd, a, b, c, FP_MULADD_NEG_PRODUCT | FP_MULADD_NEG_ADDEND, st);
    case Q_FNMSUB: return ALL(muladd, a, b, c, FP_MULADD_NEG_ADDEND, st);
    case Q_FMIN: return ALL(min, a, b, st);
    case Q_FMAX: return ALL(max, a, b, st);
    case Q_FMINNM: return ALL(minnum, a, b, st);
    case Q_FMAXNM: return ALL(maxnum, a, b, st);
    case Q_FMULX: return ARM(fmulx, a, b, st);
    case Q_FRECPE: return ARM(frecpe, a, st);
    case Q_FRSQRTE: return ARM(frsqrte, a, st);
    case Q_FRECPS: return ARM(frecps, a, b, st);
    case Q_FRSQRTS: return ARM(frsqrts, a, b, st);
    case Q_FRECPX: return ARM(frecpx, a, st);
    case Q_FCMP:
    case Q_FCMPE:
        *nzcv = fp_relation_nzcv(ALL(compare, a, b, q->op == Q_FCMPE, st)) << 28;
        return 0;
    case Q_FRINTN: return ALL(round_to_int, a, FP_ROUND_NEAREST_EVEN, false, st);
    case Q_FRINTP: return ALL(round_to_int, a, FP_ROUND_UP, false, st);
    case Q_FRINTM: return ALL(round_to_int, a, FP_ROUND_DOWN, false, st);
    case Q_FRINTZ: return ALL(round_to_int, a, FP_ROUND_ZERO, false, st);
    case Q_FRINTA: return ALL(round_to_int, a, FP_ROUND_NEAREST_AWAY, false, st);
    case Q_FRINTX: return ALL(round_to_int, a, fr, true, st);
    case Q_FRINTI: return ALL(round_to_int, a, fr, false, st);
    case Q_FCVT_H:
        return q->size == 32 ? sf32_to_sf16((sf32)a, st) : sf64_to_sf16(a, st);
    case Q_FCVT_S:
        return q->size == 16 ? sf16_to_sf32((sf16)a, st) : sf64_to_sf32(a, st);
    case Q_FCVT_D:
        return q->size == 16 ? sf16_to_sf64((sf16)a, st) : sf32_to_sf64((sf32)a, st);
    case Q_FCVTXN: {
        FPStatus o = *st;
        o.rounding = FP_ROUND_ODD;
        uint64_t r = sf64_to_sf32(a, &o);
        st->flags = o.flags;
        return r;
    }
    /* 32-bit results are zero-extended in the X register */
    case Q_FCVTZS_W: return (uint32_t)ALL(to_int, a, 32, false, 0, FP_ROUND_ZERO, st);
    case Q_FCVTZU_W: return (uint32_t)ALL(to_int, a, 32, true, 0, FP_ROUND_ZERO, st);
    case Q_FCVTZS_X: return ALL(to_int, a, 64, false, 0, FP_ROUND_ZERO, st);
    case Q_FCVTZU_X: return ALL(to_int, a, 64, true, 0, FP_ROUND_ZERO, st);
    case Q_FCVTNS_X: return ALL(to_int, a, 64, false, 0, FP_ROUND_NEAREST_EVEN, st);
    case Q_FCVTAS_W: return (uint32_t)ALL(to_int, a, 32, false, 0, FP_ROUND_NEAREST_AWAY, st);
    case Q_FCVTPS_X: return ALL(to_int, a, 64, false, 0, FP_ROUND_UP, st);
    case Q_FCVTMU_W: return (uint32_t)ALL(to_int, a, 32, true, 0, FP_ROUND_DOWN, st);
    case Q_FCVTZS_X32: return ALL(to_int, a, 64, false, 32, FP_ROUND_ZERO, st);
    case Q_FCVTZU_W16: return (uint32_t)ALL(to_int, a, 32, true, 16, FP_ROUND_ZERO, st);
    case Q_SCVTF_X: return ALL(from_i64, (int64_t)a, 0, st);
    case Q_UCVTF_X: return ALL(from_u64, a, 0, st);
    case Q_SCVTF_W: return ALL(from_i32, (int32_t)(uint32_t)a, 0, st);
    case Q_UCVTF_X64: return ALL(from_u64, a, 64, st);
    case Q_SCVTF_W8: return ALL(from_i32, (int32_t)(uint32_t)a, 8, st);
    }
    return 0;
}

static int cmp(const char *cases_path, const char *results_path)
{
    FILE *fc = fopen(cases_path, "rb"), *fr = fopen(results_path, "rb");
    if (!fc || !fr) {
        perror("open");
        return 2;
    }
    QCase q;
    QResult res;
    unsigned long n = 0, bad = 0;
    unsigned long per_op[Q_NOPS] = { 0 };
    while (fread(&q, sizeof q, 1, fc) == 1 && fread(&res, sizeof res, 1, fr) == 1) {
        FPStatus st = { 0 };
        arm_fp_status_set_fpcr(&st, q.fpcr);
        uint32_t nzcv;
        uint64_t got = ours(&q, &st, &nzcv);
        n++;
        uint64_t want = res.r;
        uint32_t wf = res.fpsr & 0x9f, wn = res.nzcv & 0xf0000000u;
        if (got != want || st.flags != wf || ((q.op == Q_FCMP || q.op == Q_FCMPE) && nzcv != wn)) {
            if (per_op[q.op]++ < 4)
                printf("MISMATCH %-12s f%u fpcr=%#x a=%#llx b=%#llx c=%#llx: arm %#llx fpsr %#x "
                       "nzcv %x, fpu %#llx flags %#x nzcv %x\n",
                       names[q.op], q.size, q.fpcr, (unsigned long long)q.a,
                       (unsigned long long)q.b, (unsigned long long)q.c,
                       (unsigned long long)want, wf, wn >> 28, (unsigned long long)got,
                       st.flags, nzcv >> 28);
            bad++;
        }
    }
    printf("fpu vs Arm: %lu cases, %lu mismatched\n", n, bad);
    return bad != 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "gen")) {
        gen(strtoul(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "cmp"))
        return cmp(argv[2], argv[3]);
    fprintf(stderr, "usage: %s gen N SEED | cmp CASES RESULTS\n", argv[0]);
    return 2;
}
