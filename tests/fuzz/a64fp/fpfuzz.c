/*
 * fpfuzz.c — differential fuzzer for ferry's scalar FP, AdvSIMD and
 * crypto instructions. Per class it generates random encodings (half from
 * ferry's decode-table lines of the class with their free bits random,
 * half uniformly random in the class's encoding groups, which reaches the
 * unallocated ones), random V registers rich in FP edge values (NaNs with
 * payloads, infinities, denormals, extremes, integers-as-floats, halves),
 * random X registers, NZCV, FPCR (RMode, FZ, DN, FZ16) and FPSR (QC and
 * the cumulative flags, usually clear). It runs them under
 * qemu-aarch64-static (the oracle, via harness.c) and bare-metal in
 * ferry on each code generator, and compares X0-X30, SP, NZCV, V0-V31,
 * FPSR, how the run ended (which BRK, Undefined) and the data area.
 *
 *   fpfuzz [-n CASES] [-seed S] [-class NAME,...] [-qemu PATH] -harness PATH
 *          [-keep FILE] [-max-fail N] [-v] [-list]
 *
 * Not generated, and why (the `excluded` table below lists each pattern):
 *   - encodings of features ferry does not implement but QEMU's `max`
 *     has (FEAT_JSCVT FJCVTZS, FEAT_FRINTTS FRINT32/64, FEAT_BF16,
 *     FEAT_DotProd, FEAT_FCMA, FEAT_FHM, FEAT_I8MM, FEAT_SHA512, FEAT_SHA3,
 *     FEAT_SM3, FEAT_SM4): Undefined in ferry by design;
 *   - encodings where QEMU 7.2 itself departs from the ARM ARM: it aborts
 *     (an assertion) on some unallocated FP16 two-register-misc words,
 *     executes some unallocated FP16 pairwise/across-lanes and modified-
 *     immediate words, and sign-extends FCVTZS (scalar, fixed-point, half);
 *     each is listed with its reason, and test_a64_simd checks what ferry
 *     does there (Undefined / the ARM ARM's result);
 *   - FPCR.AHP = 1 (alternative half precision): not modelled by fpu/
 *     (fpu/README.md); FPCR's trap enables (RAZ/WI in ferry, as on the
 *     Cortex-A cores; QEMU keeps them) and FEAT_AFP bits.
 * Should-be-zero fields ("(0)" in the ARM ARM, such as Rm of FCMP #0.0) are
 * generated: ferry ignores them as QEMU does, one of the behaviours the
 * architecture permits for them (CONSTRAINED UNPREDICTABLE).
 *
 * Exit status: 0 when every case matched, 1 on a mismatch, 2 when the
 * oracle could not run.
 */
#include <unistd.h>

#include "core/log.h"
#include "core/memory.h"
#include "target/arm/cpu.h"
#include "target/arm/decode.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

#include "tests/fuzz/a64fp/fpfuzz.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (16 * MiB)

static uint64_t rng_state;
static uint64_t rnd(void) { return fuzz_xorshift(&rng_state); }
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }
static uint64_t mask64(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

/* ---- values -------------------------------------------------------------------------------- */

/* An FP value of 2^vece bytes (vece 1..3), biased to the edges. */
static uint64_t fp_value(unsigned vece)
{
    unsigned bits = 8u << vece;
    unsigned ebits = vece == 1 ? 5 : vece == 2 ? 8 : 11;
    unsigned fbits = bits - 1 - ebits;
    uint64_t emax = (1ull << ebits) - 1, bias = emax >> 1;
    uint64_t fmask = (1ull << fbits) - 1, quiet = 1ull << (fbits - 1);
    uint64_t sign = (uint64_t)rndn(2) << (bits - 1);
    uint64_t e, f;
    switch (rndn(16)) {
    case 0: e = 0; f = 0; break;                                     /* zero */
    case 1: e = emax; f = 0; break;                                  /* infinity */
    case 2: e = emax; f = quiet | (rnd() & fmask & (rndn(2) ? 0xff : fmask)); break;   /* qNaN */
    case 3: e = emax; f = (rnd() & (quiet - 1)) | 1; break;          /* sNaN */
    case 4: e = 0; f = rnd() & fmask; f = f ? f : 1; break;          /* denormal */
    case 5: e = 0; f = rndn(2) ? 1 : fmask; break;                   /* smallest/largest denormal */
    case 6: e = 1 + rndn(2); f = rnd() & fmask & (rndn(2) ? 0 : fmask); break;   /* tiny normals */
    case 7: e = emax - 1 - rndn(2); f = rndn(2) ? fmask : rnd() & fmask; break;   /* huge */
    case 8: e = bias + rndn(4); f = 0; break;                        /* 1, 2, 4, 8 */
    case 9: e = bias - 1 - rndn(2); f = rndn(2) ? 0 : quiet; break;  /* 0.5, 0.25, 0.75 */
    case 10: {                                                        /* integers and halves */
        unsigned k = rndn(fbits + 2);
        e = bias + k;
        f = (rnd() & fmask) & ~(fmask >> (k + 1 < fbits ? k + 1 : fbits));
        break;
    }
    case 11: {                                                        /* around 2^15/31/32/63/64 */
        static const unsigned p[] = { 7, 8, 15, 16, 31, 32, 63, 64 };
        unsigned k = p[rndn(8)];
        e = bias + k - rndn(2);
        if (e >= emax)
            e = emax - 1;
        f = rndn(3) == 0 ? fmask : rndn(2) ? 0 : rnd() & fmask;
        break;
    }
    case 12: e = bias - 8 + rndn(16); f = rnd() & fmask; break;        /* ordinary */
    case 13: e = rndn((unsigned)emax); f = rnd() & fmask; break;
    default: return rnd() & mask64(bits);
    }
    return sign | (e & emax) << fbits | (f & fmask);
}

static uint64_t int_value(void)
{
    static const uint64_t v[] = {
        0, 1, 2, 3, ~0ull, ~1ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffull,
        0x7fffffffull, 0x80000000ull, 0x100000000ull, 0xffffffff80000000ull, 0x7fff, 0x8000,
        0xffff, 0x7f, 0x80, 0xff, 0x10000, 0x8000000000000001ull, 0x7ffffffffffffc00ull,
        0x0020000000000001ull, 0x1000001, 0xffffff,
    };
    switch (rndn(5)) {
    case 0: return v[rndn(ARRAY_SIZE(v))];
    case 1: return rnd() & 0xffff;
    case 2: return rnd() & 0xffffffffull;
    case 3: return rnd() >> rndn(64);
    default: return rnd();
    }
}

/* A V register: lanes of one size, FP-flavoured or integer-flavoured. */
static void vreg_value(uint64_t v[2])
{
    unsigned kind = rndn(8);
    if (kind == 0) {
        v[0] = rnd();
        v[1] = rnd();
        return;
    }
    unsigned vece = kind <= 5 ? 1 + rndn(3) : rndn(4);
    unsigned bits = 8u << vece;
    uint8_t bytes[16];
    for (unsigned i = 0; i < 16; i += bits / 8) {
        uint64_t x;
        if (kind <= 5)
            x = fp_value(vece);
        else if (kind == 6)
            x = rndn(3) == 0 ? (rndn(2) ? 1ull << (bits - 1) : mask64(bits) >> 1) : rnd();
        else
            x = (uint64_t)rndn(5) - 2;   /* small: -2..2 */
        memcpy(bytes + i, &x, bits / 8);
    }
    memcpy(v, bytes, 16);
}

/* ---- classes ----------------------------------------------------------------------------- */

typedef struct Space {
    uint32_t mask, value;
} Space;

/* Encodings not generated (see the comment at the top). */
static const struct {
    uint32_t mask, value;
    const char *why;
} excluded[] = {
    { 0xfffffc00u, 0x1e7e0000u, "FJCVTZS (FEAT_JSCVT)" },
    { 0xff3e7c00u, 0x1e284000u, "FRINT32/64{Z,X} (FEAT_FRINTTS)" },
    { 0xffff7c00u, 0x1e634000u, "BFCVT (FEAT_BF16)" },
    { 0xbffffc00u, 0x0ea16800u, "BFCVTN (FEAT_BF16)" },
    { 0x9fbfec00u, 0x0e21e800u, "FRINT32/64{Z,X} (vector) (FEAT_FRINTTS)" },
    { 0xbfe0fc00u, 0x0e20ec00u, "FMLAL (vector) (FEAT_FHM)" },
    { 0xbfe0fc00u, 0x0ea0ec00u, "FMLSL (vector) (FEAT_FHM)" },
    { 0xbfe0fc00u, 0x2e20cc00u, "FMLAL2 (vector) (FEAT_FHM)" },
    { 0xbfe0fc00u, 0x2ea0cc00u, "FMLSL2 (vector) (FEAT_FHM)" },
    { 0xbf009400u, 0x2f001000u, "FCMLA (by element) (FEAT_FCMA)" },
    { 0xbfc0b400u, 0x0f800000u, "FMLAL/FMLSL (by element) (FEAT_FHM)" },
    { 0xbfc0b400u, 0x2f808000u, "FMLAL2/FMLSL2 (by element) (FEAT_FHM)" },
    { 0x9f00f400u, 0x0f00e000u, "SDOT/UDOT (by element) (FEAT_DotProd)" },
    { 0xbf00f400u, 0x0f00f000u, "SUDOT/USDOT/BFDOT/BFMLAL (by element) (FEAT_I8MM, FEAT_BF16)" },
    /* QEMU 7.2 -cpu max aborts (g_assert_not_reached in
     * disas_simd_two_reg_misc_fp16) on unallocated encodings of the
     * scalar FP16 two-register misc group that would be the scalar forms
     * of vector-only instructions; ferry raises Undefined (unit-tested) */
    { 0xdf7ffc00u, 0x5e78f800u, "scalar FP16 2-reg misc opcode 01111 (QEMU 7.2 aborts)" },
    { 0xdf7ffc00u, 0x5e798800u, "scalar FP16 2-reg misc opcode 11000 (QEMU 7.2 aborts)" },
    { 0xdf7ffc00u, 0x5e799800u, "scalar FP16 2-reg misc opcode 11001 (QEMU 7.2 aborts)" },
    { 0xff7ffc00u, 0x7e79f800u, "scalar FP16 2-reg misc U=1 opcode 11111 (QEMU 7.2 aborts)" },
    { 0xfffffc00u, 0x5e79f800u, "scalar FP16 2-reg misc U=0 a=0 opcode 11111 (QEMU 7.2 aborts)" },
    { 0xbf7ffc00u, 0x0e79f800u, "vector FP16 2-reg misc U=0 opcode 11111 (QEMU 7.2 aborts)" },
    /* QEMU 7.2 executes these as their half-precision instructions, but
     * they are unallocated (size<0> = 1 in the FP16 scalar pairwise and
     * across-lanes forms: the ARM ARM encodings fix it to 0, as LLVM's
     * tables generated from them do); ferry raises Undefined */
    { 0xff7fcc00u, 0x5e70c800u, "FP16 scalar pairwise with sz=1 (QEMU 7.2 accepts)" },
    { 0xbf7fcc00u, 0x0e70c800u, "FP16 across lanes with sz=1 (QEMU 7.2 accepts)" },
    { 0xbff8fc00u, 0x2f00fc00u, "modified immediate op=1 cmode=1111 o2=1 (QEMU 7.2 accepts)" },
    /* QEMU 7.2 sign-extends the 16-bit result into bits 31:16 (the ARM ARM
     * writes a 16-bit element and zeroes the rest; the vector form and
     * FCVTZS (scalar, integer, half) agree with ferry) */
    { 0xfff0fc00u, 0x5f10fc00u, "FCVTZS (scalar, fixed-point, half) (QEMU 7.2 sign-extends)" },
};

static bool is_excluded(uint32_t w)
{
    for (size_t i = 0; i < ARRAY_SIZE(excluded); i++)
        if ((w & excluded[i].mask) == excluded[i].value)
            return true;
    return false;
}

typedef struct FuzzClass {
    const char *name;
    const char *cpu;          /* ferry's model */
    const char *qemu_cpu;     /* the oracle's */
    Space spaces[12];
    unsigned nspaces;
    bool (*keep)(uint32_t w);  /* NULL: every encoding in the spaces */
} FuzzClass;

/* AdvSIMD FP groups only: the FP opcodes of the shared groups */
static bool keep_simd_fp(uint32_t w)
{
    unsigned opc5 = (w >> 11) & 31, opc2m = (w >> 12) & 31;
    if ((w & 0x0f200400u) == 0x0e200400u)          /* three same */
        return opc5 >= 0x18;
    if ((w & 0x0f3e0c00u) == 0x0e200800u)          /* two-reg misc */
        return opc2m >= 0x0c && !(opc2m == 0x12 || opc2m == 0x13 || opc2m == 0x14 ||
                                  (opc2m == 0x1c && ((w >> 22) & 3) == 2));
    if ((w & 0x0f3e0c00u) == 0x0e300800u)          /* across lanes, scalar pairwise */
        return opc2m == 0x0c || opc2m == 0x0d || opc2m == 0x0f;
    return true;
}
#define SIMD_FP_SPACES                                                                   \
    { { 0x9f200400u, 0x0e200400u }, { 0xdf200400u, 0x5e200400u },                        \
      { 0x9f60c400u, 0x0e400400u }, { 0xdf60c400u, 0x5e400400u },                        \
      { 0x9f3e0c00u, 0x0e200800u }, { 0xdf3e0c00u, 0x5e200800u },                        \
      { 0x9f7e0c00u, 0x0e780800u }, { 0xdf7e0c00u, 0x5e780800u },                        \
      { 0x9f3e0c00u, 0x0e300800u }, { 0xdf3e0c00u, 0x5e300800u },                        \
      { 0x9f3e0c00u, 0x0e300800u }, { 0xdf3e0c00u, 0x5e300800u } }

/* AdvSIMD integer groups only: not the FP opcodes that share them */
static bool keep_simd_int(uint32_t w)
{
    unsigned opc5 = (w >> 11) & 31, opc2m = (w >> 12) & 31;
    if ((w & 0x0f208400u) == 0x0e008400u)          /* three same extra: RDM only (the rest:
                                                      DotProd, I8MM, FCMA, BF16) */
        return ((w >> 29) & 1) && ((w >> 12) & 7) == 0;
    if ((w & 0x0f200400u) == 0x0e200400u)          /* three same */
        return opc5 < 0x18;
    if ((w & 0x0f3e0c00u) == 0x0e200800u)          /* two-reg misc */
        return opc2m < 0x0c || opc2m == 0x12 || opc2m == 0x13 || opc2m == 0x14 ||
               (opc2m == 0x1c && ((w >> 22) & 3) == 2);
    if ((w & 0x0f3e0c00u) == 0x0e300800u)          /* across lanes, scalar pairwise */
        return opc2m != 0x0c && opc2m != 0x0d && opc2m != 0x0f;
    return true;
}

#define QMAX "max,sve=off,sme=off"
static const FuzzClass classes[] = {
    /* scalar FP: x0x1111x; "fp" on max (FP16), "fp-v80" on cortex-a57 (no FP16) */
    { "fp", "max", QMAX, { { 0x5f000000u, 0x1e000000u }, { 0x5f000000u, 0x1f000000u } }, 2, NULL },
    { "fp-v80", "cortex-a57", "cortex-a57",
      { { 0x5f000000u, 0x1e000000u }, { 0x5f000000u, 0x1f000000u } }, 2, NULL },
    /* AdvSIMD integer: three same, three different, two-reg misc, across
     * lanes, scalar pairwise (vector and scalar forms) */
    { "simd-int", "max", QMAX,
      { { 0x9f200400u, 0x0e200400u }, { 0xdf200400u, 0x5e200400u },
        { 0x9f200c00u, 0x0e200000u }, { 0xdf200c00u, 0x5e200000u },
        { 0x9f3e0c00u, 0x0e200800u }, { 0xdf3e0c00u, 0x5e200800u },
        { 0x9f3e0c00u, 0x0e300800u }, { 0xdf3e0c00u, 0x5e300800u },
        { 0x9f208400u, 0x0e008400u }, { 0xdf208400u, 0x5e008400u } }, 10, keep_simd_int },
    /* AdvSIMD floating point: three same, two-reg misc (and their FP16
     * groups), across lanes, scalar pairwise; "simd-fp-v80" without FP16 */
    { "simd-fp", "max", QMAX, SIMD_FP_SPACES, 12, keep_simd_fp },
    /* AdvSIMD shift by immediate (vector, scalar) and x indexed element */
    { "simd-shift", "max", QMAX,
      { { 0x9f800400u, 0x0f000400u }, { 0xdf800400u, 0x5f000400u } }, 2, NULL },
    { "simd-elem", "max", QMAX,
      { { 0x9f000400u, 0x0f000000u }, { 0xdf000400u, 0x5f000000u } }, 2, NULL },
    /* AdvSIMD copy, scalar copy, permute, extract, table lookup, modified
     * immediate */
    { "simd-perm", "max", QMAX,
      { { 0x9fe08400u, 0x0e000400u }, { 0xdfe08400u, 0x5e000400u },
        { 0xbf208c00u, 0x0e000800u }, { 0xbf208400u, 0x2e000000u },
        { 0xbf208c00u, 0x0e000000u }, { 0x9ff80400u, 0x0f000400u } }, 6, NULL },
    { "simd-fp-v80", "cortex-a57", "cortex-a57", SIMD_FP_SPACES, 12, keep_simd_fp },
    /* Cryptographic Extension: AES, SHA-1, SHA-256, PMULL (three different
     * opcode 1110); on max and on the Cortex-A53 model */
    { "crypto", "max", QMAX,
      { { 0xff3e0c00u, 0x4e280800u }, { 0xff208c00u, 0x5e000000u }, { 0xff3e0c00u, 0x5e280800u },
        { 0xbf20fc00u, 0x0e20e000u } }, 4, NULL },
    { "crypto-a53", "cortex-a53", "cortex-a53",
      { { 0xff3e0c00u, 0x4e280800u }, { 0xff208c00u, 0x5e000000u }, { 0xff3e0c00u, 0x5e280800u },
        { 0xbf20fc00u, 0x0e20e000u } }, 4, NULL },
};

static bool in_class(const FuzzClass *cl, uint32_t w)
{
    for (unsigned i = 0; i < cl->nspaces; i++)
        if ((w & cl->spaces[i].mask) == cl->spaces[i].value)
            return true;
    return false;
}

/* Table lines inside the class (computed once per class). */
static uint32_t (*lines_mv)[2];
static size_t nb_lines;

static void collect_lines(const FuzzClass *cl)
{
    size_t n = a64_decode_count();
    free(lines_mv);
    lines_mv = xcalloc(n ? n : 1, sizeof(*lines_mv));
    nb_lines = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t m, v;
        a64_decode_line(i, &m, &v);
        for (unsigned k = 0; k < cl->nspaces; k++) {
            const Space *sp = &cl->spaces[k];
            if ((m & sp->mask) == sp->mask && (v & sp->mask) == sp->value) {
                lines_mv[nb_lines][0] = m;
                lines_mv[nb_lines][1] = v;
                nb_lines++;
                break;
            }
        }
    }
}

static uint32_t gen_insn(const FuzzClass *cl)
{
    for (;;) {
        uint32_t w;
        if (nb_lines && rndn(4) != 0) {
            size_t i = rndn((unsigned)nb_lines);
            w = lines_mv[i][1] | ((uint32_t)rnd() & ~lines_mv[i][0]);
        } else {
            const Space *sp = &cl->spaces[rndn(cl->nspaces)];
            w = sp->value | ((uint32_t)rnd() & ~sp->mask);
        }
        if (in_class(cl, w) && !is_excluded(w) && (!cl->keep || cl->keep(w)))
            return w;
    }
}

static uint32_t gen_fpcr(void)
{
    if (rndn(3) == 0)
        return 0;
    uint32_t r = rndn(4) << 22;
    if (rndn(3) == 0)
        r |= 1u << 24;   /* FZ */
    if (rndn(3) == 0)
        r |= 1u << 25;   /* DN */
    if (rndn(3) == 0)
        r |= 1u << 19;   /* FZ16 */
    return r;
}

static void gen_case(const FuzzClass *cl, FuzzCase *c, unsigned id)
{
    memset(c, 0, sizeof(*c));
    c->id = id;
    for (int i = 0; i < 31; i++)
        c->x[i] = int_value();
    c->sp = FUZZ_DATA_VA + 0x10000;
    c->nzcv = (rnd() & 0xf) << 28;
    c->mem_seed = rnd();
    for (int i = 0; i < 32; i++)
        vreg_value(c->v[i]);
    c->fpcr = gen_fpcr();
    switch (rndn(8)) {
    case 0: c->fpsr = FPSR_QC; break;
    case 1: c->fpsr = rnd() & (FPSR_QC | FPSR_CUMULATIVE); break;
    default: c->fpsr = 0; break;
    }
    c->slot = 256 + rndn(512);
    c->ninsns = 1 + (rndn(4) == 0 ? rndn(3) : 0);
    for (unsigned i = 0; i < c->ninsns; i++)
        c->insns[i] = gen_insn(cl);
}

/* ---- ferry side ---------------------------------------------------------------------------- */

static MemoryRegion *root, *ram_mr;
static AddressSpace *as;
static uint8_t *ram;
static FuzzResult fres;
static bool caught;

static bool intercept(ARMCPU *cpu, void *opaque)
{
    (void)opaque;
    CPUARMState *env = &cpu->env;
    fres.pc = env->pc;
    fres.far = 0;
    switch (cpu->parent.exception_index) {
    case EXCP_BKPT: fres.kind = FUZZ_TRAP; break;
    case EXCP_UDEF: fres.kind = FUZZ_UNDEF; break;
    case EXCP_DATA_ABORT:
    case EXCP_PREFETCH_ABORT:
        fres.kind = (env->exception.syndrome & 0x3f) == 0x21 ? FUZZ_BUS : FUZZ_SEGV;
        fres.far = env->exception.vaddress;
        break;
    default: fres.kind = FUZZ_OTHER; break;
    }
    caught = true;
    return true;
}

static ARMCPU *ferry_cpu(const TCGCodegen *cg, const char *model)
{
    for (CPUState *cs; (cs = cpu_first());)
        arm_cpu_destroy(arm_cpu(cs));
    tcg_exec_exit();
    Error *err = NULL;
    if (tcg_exec_init(16 * MiB, cg, &err) < 0)
        fatal_err(err);
    ARMCPU *cpu = arm_cpu_create(cpu_model_find("aarch64", model), as, NULL, &err);
    if (!cpu)
        fatal_err(err);
    cpu->exception_intercept = intercept;
    return cpu;
}

static void ferry_run(ARMCPU *cpu, const FuzzCase *c, char *line)
{
    CPUARMState *env = &cpu->env;
    uint8_t *code = ram + (FUZZ_CODE_VA - RAM_BASE), *data = ram + (FUZZ_DATA_VA - RAM_BASE);
    fuzz_code_fill((uint32_t *)code, c->insns, c->ninsns, c->slot);
    fuzz_data_fill(data, c->mem_seed);
    tb_flush();
    arm_cpu_reset_to(cpu, FUZZ_CODE_VA + 4ull * c->slot, 1);
    env->sys.cpacr_el1 = 3u << 20;
    for (int i = 0; i < 31; i++)
        env->xregs[i] = c->x[i];
    env->xregs[31] = c->sp;
    arm_nzcv_write(env, (uint32_t)c->nzcv);
    for (int i = 0; i < 32; i++) {
        env->vregs[i].d[0] = c->v[i][0];
        env->vregs[i].d[1] = c->v[i][1];
    }
    arm_fpcr_write(env, c->fpcr);
    arm_fpsr_write(env, (uint32_t)c->fpsr);
    memset(&fres, 0, sizeof(fres));
    fres.id = c->id;
    caught = false;
    CPUState *cs = &cpu->parent;
    cs->halted = false;
    for (int guard = 0; !caught && guard < 10000; guard++) {
        cpu_process_work();
        cpu_exec(cs);
    }
    if (!caught)
        fres.kind = 99;   /* did not stop */
    fres.pc -= FUZZ_CODE_VA;
    for (int i = 0; i < 31; i++)
        fres.x[i] = env->xregs[i];
    fres.sp = env->xregs[31];
    fres.nzcv = arm_nzcv_read(env);
    for (int i = 0; i < 32; i++) {
        fres.v[i][0] = env->vregs[i].d[0];
        fres.v[i][1] = env->vregs[i].d[1];
    }
    fres.fpsr = arm_fpsr_read(env);
    fuzz_format(line, FUZZ_LINE_MAX, &fres, data, c->mem_seed);
}

/* ---- comparison ---------------------------------------------------------------------------- */

static void explain(const FuzzCase *c, const char *want, const char *got, const char *who)
{
    fprintf(stderr, "MISMATCH case %u (%s):", c->id, who);
    for (unsigned i = 0; i < c->ninsns; i++) {
        const A64DecodeEntry *e = a64_decode_lookup_any(c->insns[i]);
        fprintf(stderr, " %08x (%s)", c->insns[i], e ? e->name : "unallocated");
    }
    fprintf(stderr, "\n  fpcr=%08x fpsr=%08" PRIx64 " nzcv=%" PRIx64 "\n", c->fpcr, c->fpsr,
            c->nzcv >> 28);
    char *a = xstrdup(want), *b = xstrdup(got), *sa, *sb;
    char *ta = strtok_r(a, " \n", &sa), *tb = strtok_r(b, " \n", &sb);
    int idx = 0, xbase = 3;
    while (ta || tb) {
        if (idx == 3 && ta && !strncmp(ta, "far=", 4))
            xbase = 4;
        if (!ta || !tb || strcmp(ta, tb)) {
            char name[96];
            int k = idx - xbase;
            if (idx < 3)
                snprintf(name, sizeof(name), "%s", idx == 0 ? "id" : idx == 1 ? "kind" : "pc");
            else if (k >= 0 && k < 31)
                snprintf(name, sizeof(name), "x%d (in %" PRIx64 ")", k, c->x[k]);
            else if (k >= 33 && k < 65)
                snprintf(name, sizeof(name), "v%d (in %" PRIx64 ":%" PRIx64 ")", k - 33,
                         c->v[k - 33][1], c->v[k - 33][0]);
            else
                snprintf(name, sizeof(name), "#%d", idx);
            fprintf(stderr, "  %s: qemu %s, ferry %s\n", name, ta ? ta : "-", tb ? tb : "-");
        }
        ta = ta ? strtok_r(NULL, " \n", &sa) : NULL;
        tb = tb ? strtok_r(NULL, " \n", &sb) : NULL;
        idx++;
    }
    /* the operand registers of a one-instruction case */
    if (c->ninsns == 1) {
        uint32_t w = c->insns[0];
        unsigned regs[3] = { (w >> 5) & 31, (w >> 16) & 31, (w >> 10) & 31 };
        fprintf(stderr, "  operands: n=v%u %016" PRIx64 ":%016" PRIx64 " m=v%u %016" PRIx64
                        ":%016" PRIx64 " a=v%u %016" PRIx64 ":%016" PRIx64 " d(in)=%016" PRIx64
                        ":%016" PRIx64 "\n",
                regs[0], c->v[regs[0]][1], c->v[regs[0]][0], regs[1], c->v[regs[1]][1],
                c->v[regs[1]][0], regs[2], c->v[regs[2]][1], c->v[regs[2]][0], c->v[w & 31][1],
                c->v[w & 31][0]);
    }
    free(a);
    free(b);
}

static int run_class(const FuzzClass *cl, unsigned n, const char *qemu, const char *harness,
                     const char *keep, int max_fail, bool verbose)
{
    collect_lines(cl);
    FuzzCase *cases = xcalloc(n, sizeof(*cases));
    for (unsigned i = 0; i < n; i++)
        gen_case(cl, &cases[i], i);
    char path[256];
    if (keep)
        snprintf(path, sizeof(path), "%s.%s", keep, cl->name);
    else
        snprintf(path, sizeof(path), "/tmp/fpfuzz-%d-%s.bin", (int)getpid(), cl->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(cases, sizeof(*cases), n, f) != n) {
        fprintf(stderr, "fpfuzz: cannot write %s\n", path);
        return 2;
    }
    fclose(f);
    char *cmd = xasprintf("%s -cpu %s %s %s", qemu, cl->qemu_cpu, harness, path);
    FILE *p = popen(cmd, "r");
    if (!p) {
        fprintf(stderr, "fpfuzz: cannot run %s\n", cmd);
        return 2;
    }
    static char buf[FUZZ_LINE_MAX], got[FUZZ_LINE_MAX];
    char **want = xcalloc(n, sizeof(*want));
    unsigned nwant = 0;
    while (nwant < n && fgets(buf, sizeof(buf), p)) {
        if (buf[0] < '0' || buf[0] > '9') {   /* QEMU's own messages (an abort) */
            fprintf(stderr, "fpfuzz: oracle says: %s", buf);
            continue;
        }
        want[nwant++] = xstrdup(buf);
    }
    int prc = pclose(p);
    if (nwant != n) {
        fprintf(stderr, "fpfuzz: %s: the oracle produced %u of %u results (status %d): %s\n",
                cl->name, nwant, n, prc, cmd);
        if (nwant < n) {
            /* the last complete line names the last case that ran */
            unsigned last = nwant ? (unsigned)strtoul(want[nwant - 1], NULL, 10) : 0;
            nwant = nwant ? MIN(last + 1, n - 1) : 0;
            fprintf(stderr, "fpfuzz: it stopped at case %u:", nwant);
            for (unsigned i = 0; i < cases[nwant].ninsns; i++)
                fprintf(stderr, " %08x", cases[nwant].insns[i]);
            fprintf(stderr, "\n");
        }
        return 2;
    }
    const TCGCodegen *cgs[2] = { tcg_codegen_native(), &tcg_codegen_interp };
    int ncg = cgs[0] == cgs[1] ? 1 : 2;
    int fails = 0;
    for (int g = 0; g < ncg; g++) {
        ARMCPU *cpu = ferry_cpu(cgs[g], cl->cpu);
        for (unsigned i = 0; i < n && fails < max_fail; i++) {
            ferry_run(cpu, &cases[i], got);
            if (strcmp(want[i], got)) {
                explain(&cases[i], want[i], got, cgs[g]->name);
                fails++;
            } else if (verbose) {
                fprintf(stderr, "ok %u: %s", cases[i].id, got);
            }
        }
    }
    unsigned undef = 0;
    for (unsigned i = 0; i < n; i++)
        undef += strstr(want[i], " k=1 ") != NULL;
    printf("fpfuzz: %-12s %6u cases (%2u%% Undefined) x %d code generators, %3zu table lines: %s\n",
           cl->name, n, n ? undef * 100 / n : 0, ncg, nb_lines, fails ? "MISMATCHES" : "ok");
    for (unsigned i = 0; i < n; i++)
        free(want[i]);
    free(want);
    free(cases);
    free(cmd);
    if (!keep)
        unlink(path);
    return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
    unsigned n = 1000;
    uint64_t seed = 1;
    const char *only = NULL, *qemu = "qemu-aarch64-static", *harness = NULL, *keep = NULL;
    int max_fail = 10;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        bool more = i + 1 < argc;
        if (!strcmp(argv[i], "-n") && more)
            n = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-seed") && more)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-class") && more)
            only = argv[++i];
        else if (!strcmp(argv[i], "-qemu") && more)
            qemu = argv[++i];
        else if (!strcmp(argv[i], "-harness") && more)
            harness = argv[++i];
        else if (!strcmp(argv[i], "-keep") && more)
            keep = argv[++i];
        else if (!strcmp(argv[i], "-max-fail") && more)
            max_fail = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "-list")) {
            for (size_t k = 0; k < ARRAY_SIZE(classes); k++)
                printf("%s (ferry %s, qemu %s)\n", classes[k].name, classes[k].cpu,
                       classes[k].qemu_cpu);
            return 0;
        } else {
            fprintf(stderr, "usage: fpfuzz [-n CASES] [-seed S] [-class NAME,...] [-qemu PATH] "
                            "-harness PATH [-keep FILE] [-max-fail N] [-v] [-list]\n");
            return 2;
        }
    }
    if (!harness) {
        fprintf(stderr, "fpfuzz: -harness is required\n");
        return 2;
    }
    root = mr_new_container("system", UINT64_MAX);
    ram_mr = mr_new_ram("ram", RAM_SIZE, NULL);
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    as = as_new("memory", root);
    ram = mr_ram_ptr(ram_mr);

    printf("fpfuzz: seed %" PRIu64 "\n", seed);
    int rc = 0;
    for (size_t k = 0; k < ARRAY_SIZE(classes); k++) {
        if (only) {
            char *l = xstrdup(only), *save, *tok;
            bool want = false;
            for (tok = strtok_r(l, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                want |= !strcmp(tok, classes[k].name);
            free(l);
            if (!want)
                continue;
        }
        rng_state = seed * 0x9e3779b97f4a7c15ull + k + 1;
        int r = run_class(&classes[k], n, qemu, harness, keep, max_fail, verbose);
        rc = MAX(rc, r);
    }
    free(lines_mv);
    return rc;
}
