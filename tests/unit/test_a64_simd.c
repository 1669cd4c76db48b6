/*
 * test_a64_simd.c — the FP/AdvSIMD/crypto classes from C: reserved and
 * unallocated encodings of each group raise Undefined (never crash, never
 * execute) — including the ones QEMU 7.2 gets wrong, which the
 * differential fuzzer therefore cannot judge; FEAT_FP16 gates the
 * half-precision forms per model; an FP/SIMD instruction with
 * CPACR_EL1.FPEN trapping raises the access trap (EC 0x07); `max` and
 * the Cortex models advertise FP, AdvSIMD, FP16 and the crypto fields in
 * their ID registers as built; FPSR.QC and the cumulative flags
 * accumulate and read back through FPSR. Every execution test runs on
 * each code generator.
 *
 * The Undefined encodings were each checked against LLVM's AArch64
 * disassembler (llvm-mc, tables generated from Arm's specification):
 * "invalid instruction encoding" for every one.
 */
#include "tests/unit/test.h"

#include "target/arm/cpu.h"
#include "target/arm/decode.h"
#include "target/arm/sys.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (4 * MiB)
#define CODE 0x40001000ull

static MemoryRegion *root, *ram_mr;
static AddressSpace *as;
static uint8_t *ram;
static const TCGCodegen *cgs[2];
static int ncg;

typedef struct Caught {
    int excp;
    uint32_t syndrome;
    uint64_t pc;
} Caught;

static bool intercept(ARMCPU *cpu, void *opaque)
{
    Caught *c = opaque;
    c->excp = cpu->parent.exception_index;
    c->syndrome = cpu->env.exception.syndrome;
    c->pc = cpu->env.pc;
    return true;
}

static ARMCPU *new_cpu(const TCGCodegen *cg, const char *model, Caught *c)
{
    for (CPUState *cs; (cs = cpu_first());)
        arm_cpu_destroy(arm_cpu(cs));
    tcg_exec_exit();
    assert_int_equal(tcg_exec_init(8 * MiB, cg, NULL), 0);
    ARMCPU *cpu = arm_cpu_create(cpu_model_find("aarch64", model), as, NULL, NULL);
    assert_non_null(cpu);
    memset(c, 0, sizeof(*c));
    c->excp = -1;
    cpu->exception_intercept = intercept;
    cpu->intercept_opaque = c;
    arm_cpu_reset_to(cpu, CODE, 1);
    cpu->env.sys.cpacr_el1 = 3u << 20;
    return cpu;
}

/* Run `w` after a MOV X0, #1 and before BRK #0; report where it stopped. */
static void run1(ARMCPU *cpu, uint32_t w)
{
    uint32_t prog[] = { 0xd2800020 /* mov x0, #1 */, w, 0xd4200000 /* brk #0 */ };
    memcpy(ram + (CODE - RAM_BASE), prog, sizeof(prog));
    Caught *c = cpu->intercept_opaque;
    c->excp = -1;
    cpu->env.pc = CODE;
    tb_flush();
    CPUState *cs = &cpu->parent;
    cs->halted = false;
    for (int guard = 0; guard < 1000 && c->excp < 0; guard++) {
        cpu_process_work();
        cpu_exec(cs);
    }
    assert_true(c->excp >= 0);
}

#define FOR_EACH_CG(cg) for (int cgi_ = 0; cgi_ < ncg && ((cg) = cgs[cgi_], 1); cgi_++)

/* ---- Undefined ------------------------------------------------------------------------------- */

static const struct {
    uint32_t w;
    const char *what;
} undefined[] = {
    { 0x1ea02800, "FADD (scalar) ptype=10" },
    { 0x1e202001, "FCMP opcode2<2:0> != 000" },
    { 0x1e201020, "FMOV (scalar, immediate) imm5 != 0" },
    { 0x1e180000, "FCVTZS (fixed-point) 32-bit with scale < 32" },
    { 0x9e270000, "FMOV (general) sf=1 ptype=00" },
    { 0x0ee08400, "ADD (vector) .1D (size 11, Q 0)" },
    { 0x0ee0e400, "FCMEQ (vector) .1D" },
    { 0x2ee1f800, "FSQRT (vector) .1D" },
    { 0x0e60e000, "PMULL with size 01" },
    { 0x0e605800, "CNT with size 01" },
    { 0x2e216800, "FCVTXN with sz=0" },
    { 0x0f405400, "SHL (vector) .1D" },
    { 0x0f408400, "SHRN with immh=1xxx" },
    { 0x2e004000, "EXT .8B with imm4<3> = 1" },
    { 0x4e100400, "DUP (element) imm5=x0000" },
    { 0x4e013c00, "UMOV to X of a byte" },
    { 0x4e684800, "AESE with size 01" },
    { 0x2f00f400, "FMOV (vector, immediate, double) with Q=0" },
    /* QEMU 7.2 aborts on these (tests/fuzz/a64fp excludes them) */
    { 0x7ef9f800, "FP16 scalar two-reg misc U=1 a=1 opcode 11111" },
    { 0x5e78f800, "FP16 scalar two-reg misc opcode 01111 (no scalar FABS)" },
    { 0x0ef9f800, "FP16 vector two-reg misc U=0 a=1 opcode 11111 (no vector FRECPX)" },
    { 0x5e798800, "FP16 scalar two-reg misc opcode 11000 (no scalar FRINTN)" },
    { 0x5e799800, "FP16 scalar two-reg misc opcode 11001 (no scalar FRINTM)" },
    { 0x5e79f800, "FP16 scalar two-reg misc U=0 a=0 opcode 11111" },
    /* QEMU 7.2 executes these */
    { 0x5e70d800, "FADDP (scalar, half) with sz=1" },
    { 0x0e70f800, "FMAXV (half) with sz=1" },
    { 0x6f07fc00, "modified immediate op=1 cmode=1111 o2=1" },
};

static void test_undefined(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "max", &c);
        for (size_t i = 0; i < ARRAY_SIZE(undefined); i++) {
            run1(cpu, undefined[i].w);
            if (c.excp != EXCP_UDEF || c.pc != CODE + 4)
                fail_msg("%08x (%s): exception %d at %#" PRIx64 ", expected Undefined", undefined[i].w,
                         undefined[i].what, c.excp, c.pc);
            assert_int_equal(c.syndrome, syn_uncategorized());
        }
    }
}

/* ---- FEAT_FP16 gating ----------------------------------------------------------------------------- */

static const uint32_t fp16_insns[] = {
    0x1ee22820,   /* fadd h0, h1, h2 */
    0x1ee1c020,   /* fsqrt h0, h1 */
    0x4e421420,   /* fadd v0.8h, v1.8h, v2.8h (three same FP16) */
    0x0ef8f820,   /* fabs v0.4h, v1.4h */
    0x0f10fc20,   /* fcvtzs v0.4h, v1.4h, #16 */
    0x0f00fc00,   /* fmov v0.4h, #2.0 (modified immediate, o2 = 1) */
    0x5e30d820,   /* faddp h0, v1.2h */
    0x0f119020,   /* fmul v0.4h, v1.4h, v1.h[1] */
};

static void test_fp16_gating(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *a57 = new_cpu(cg, "cortex-a57", &c);
        for (size_t i = 0; i < ARRAY_SIZE(fp16_insns); i++) {
            run1(a57, fp16_insns[i]);
            if (c.excp != EXCP_UDEF || c.pc != CODE + 4)
                fail_msg("cortex-a57: %08x: exception %d at %#" PRIx64 ", expected Undefined",
                         fp16_insns[i], c.excp, c.pc);
        }
        ARMCPU *max = new_cpu(cg, "max", &c);
        for (size_t i = 0; i < ARRAY_SIZE(fp16_insns); i++) {
            run1(max, fp16_insns[i]);
            if (c.excp != EXCP_BKPT || c.pc != CODE + 8)
                fail_msg("max: %08x: exception %d at %#" PRIx64 ", expected it to execute",
                         fp16_insns[i], c.excp, c.pc);
        }
    }
}

/* ---- FP access trap ----------------------------------------------------------------------------- */

static void test_fp_trap(void **state)
{
    (void)state;
    static const uint32_t insns[] = {
        0x1e222820,   /* fadd s0, s1, s2 */
        0x4ea28420,   /* add v0.4s, v1.4s, v2.4s */
        0x4e284820,   /* aese v0.16b, v1.16b */
        0x9e670020,   /* fmov d0, x1 */
        0x0e013c20,   /* umov w0, v1.b[0] */
    };
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
            ARMCPU *cpu = new_cpu(cg, "max", &c);
            cpu->env.sys.cpacr_el1 = 0;   /* FPEN = 00: EL0 and EL1 trap */
            run1(cpu, insns[i]);
            assert_int_equal(c.excp, EXCP_UDEF);
            assert_int_equal(c.pc, CODE + 4);
            assert_int_equal(c.syndrome, syn_fp_access_trap());
            assert_int_equal(c.syndrome >> 26, 0x07);
        }
    }
}

/* ---- ID registers --------------------------------------------------------------------------------- */

static unsigned field(uint64_t reg, unsigned shift)
{
    return (unsigned)(reg >> shift) & 0xf;
}

static void test_features(void **state)
{
    (void)state;
    Caught c;
    ARMCPU *max = new_cpu(NULL, "max", &c);
    static const ARMFeature built[] = {
        ARM_FEAT_FP, ARM_FEAT_ASIMD, ARM_FEAT_FP16, ARM_FEAT_AES, ARM_FEAT_PMULL,
        ARM_FEAT_SHA1, ARM_FEAT_SHA256, ARM_FEAT_RDM,
    };
    for (size_t i = 0; i < ARRAY_SIZE(built); i++) {
        assert_true(arm_feature_built(built[i]));
        assert_true(arm_has(max, built[i]));
    }
    /* not implemented here, so not advertised */
    assert_false(arm_has(max, ARM_FEAT_SHA512));
    assert_false(arm_has(max, ARM_FEAT_SHA3));
    assert_false(arm_has(max, ARM_FEAT_DOTPROD));
    assert_false(arm_has(max, ARM_FEAT_FCMA));
    assert_false(arm_has(max, ARM_FEAT_JSCVT));
    assert_int_equal(field(max->id.id_aa64pfr0, 16), 1);   /* FP: with half precision */
    assert_int_equal(field(max->id.id_aa64pfr0, 20), 1);   /* AdvSIMD: likewise */
    assert_int_equal(field(max->id.id_aa64isar0, 4), 2);   /* AES + PMULL */
    assert_int_equal(field(max->id.id_aa64isar0, 8), 1);   /* SHA1 */
    assert_int_equal(field(max->id.id_aa64isar0, 12), 1);  /* SHA2: SHA256 only */
    assert_int_equal(field(max->id.id_aa64isar0, 28), 1);  /* RDM */
    /* the Cortex models: FP and AdvSIMD without FP16, the Crypto Extension
     * (optional on these cores; QEMU's models report it, so do ferry's) */
    static const char *const models[] = { "cortex-a53", "cortex-a57", "cortex-a72" };
    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        ARMCPU *cpu = new_cpu(NULL, models[i], &c);
        assert_true(arm_has(cpu, ARM_FEAT_FP));
        assert_true(arm_has(cpu, ARM_FEAT_ASIMD));
        assert_false(arm_has(cpu, ARM_FEAT_FP16));
        assert_int_equal(field(cpu->id.id_aa64pfr0, 16), 0);
        assert_int_equal(field(cpu->id.id_aa64pfr0, 20), 0);
        assert_true(arm_has(cpu, ARM_FEAT_PMULL));
        assert_true(arm_has(cpu, ARM_FEAT_SHA1));
        assert_true(arm_has(cpu, ARM_FEAT_SHA256));
        assert_false(arm_has(cpu, ARM_FEAT_RDM));   /* ARMv8.1: not on these v8.0 cores */
    }
}

/* ---- FPSR ------------------------------------------------------------------------------------------ */

static void test_fpsr(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "max", &c);
        CPUARMState *env = &cpu->env;
        /* sqadd b0, b1, b2 with 0x7f + 1: saturates, QC */
        env->vregs[1].b[0] = 0x7f;
        env->vregs[2].b[0] = 1;
        run1(cpu, 0x5e220c20);
        assert_int_equal(c.excp, EXCP_BKPT);
        assert_int_equal(env->vregs[0].d[0], 0x7f);
        assert_true(arm_fpsr_read(env) & FPSR_QC);
        /* fdiv s0, s1, s2 with 1 / 0: DZC, cumulative with QC */
        env->vregs[1].s[0] = 0x3f800000;
        env->vregs[2].s[0] = 0;
        run1(cpu, 0x1e221820);
        assert_int_equal(env->vregs[0].s[0], 0x7f800000);
        assert_int_equal(arm_fpsr_read(env), FPSR_QC | FP_FLAG_DIVBYZERO);
        arm_fpsr_write(env, 0);
        assert_int_equal(arm_fpsr_read(env), 0);
        /* fcvtzs h0, h1, #1 of -1.0: -2 as a 16-bit element, the rest of
         * the register zero (QEMU 7.2 sign-extends it into bits 31:16) */
        env->vregs[1].d[0] = 0xbc00;
        env->vregs[0].d[0] = env->vregs[0].d[1] = ~0ull;
        run1(cpu, 0x5f1ffc20);
        assert_int_equal(c.excp, EXCP_BKPT);
        assert_int_equal(env->vregs[0].d[0], 0xfffe);
        assert_int_equal(env->vregs[0].d[1], 0);
    }
}

static int setup(void **state)
{
    (void)state;
    root = mr_new_container("system", UINT64_MAX);
    ram_mr = mr_new_ram("ram", RAM_SIZE, NULL);
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    as = as_new("memory", root);
    ram = mr_ram_ptr(ram_mr);
    cgs[ncg++] = tcg_codegen_native();
    if (cgs[0] != &tcg_codegen_interp)
        cgs[ncg++] = &tcg_codegen_interp;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (CPUState *cs; (cs = cpu_first());)
        arm_cpu_destroy(arm_cpu(cs));
    tcg_exec_exit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undefined),
        cmocka_unit_test(test_fp16_gating),
        cmocka_unit_test(test_fp_trap),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_fpsr),
    };
    return cmocka_run_group_tests_name("a64-simd", tests, setup, teardown);
}
