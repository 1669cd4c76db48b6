/*
 * test_a64.c — the A64 frontend from C: the decode tables are consistent
 * (no partly overlapping lines), unallocated and reserved encodings of
 * every class raise Undefined (never crash, never execute), features
 * gate their encodings per CPU model, `max` advertises only what is
 * built, exceptions carry the syndromes the ARM ARM gives, alignment
 * faults of exclusives/atomics/acquire-release, and semihosting with bad
 * pointers fails cleanly. Every execution test runs on each code
 * generator.
 */
#include "tests/unit/test.h"

#include "core/log.h"
#include "tests/unit/logcap.h"
#include "target/arm/cpu.h"
#include "target/arm/decode.h"
#include "target/arm/semihosting.h"
#include "target/arm/sys.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (4 * MiB)
#define CODE 0x40001000ull
#define DATA 0x40100000ull

static MemoryRegion *root, *ram_mr;
static AddressSpace *as;
static uint8_t *ram;
static const TCGCodegen *cgs[2];
static int ncg;

typedef struct Caught {
    int excp;
    uint32_t syndrome;
    uint64_t pc, far;
    unsigned target_el;
    bool ended;
    int status;
} Caught;

static bool intercept(ARMCPU *cpu, void *opaque)
{
    Caught *c = opaque;
    c->excp = cpu->parent.exception_index;
    c->syndrome = cpu->env.exception.syndrome;
    c->pc = cpu->env.pc;
    c->far = cpu->env.exception.vaddress;
    c->target_el = cpu->env.exception.target_el;
    return true;
}

static void on_end(ARMCPU *cpu, int status, void *opaque)
{
    (void)cpu;
    Caught *c = opaque;
    c->ended = true;
    c->status = status;
}

static ARMCPU *new_cpu(const TCGCodegen *cg, const char *model, Caught *c)
{
    for (CPUState *cs; (cs = cpu_first());)
        arm_cpu_destroy(arm_cpu(cs));
    tcg_exec_exit();
    assert_int_equal(tcg_exec_init(8 * MiB, cg, NULL), 0);
    const CpuModel *cm = cpu_model_find("aarch64", model);
    assert_non_null(cm);
    ARMCPU *cpu = arm_cpu_create(cm, as, NULL, NULL);
    assert_non_null(cpu);
    memset(c, 0, sizeof(*c));
    c->excp = -1;
    cpu->exception_intercept = intercept;
    cpu->intercept_opaque = c;
    cpu->on_end_run = on_end;
    cpu->end_run_opaque = c;
    arm_cpu_reset_to(cpu, CODE, 1);
    cpu->env.sys.cpacr_el1 = 3u << 20;
    memset(ram, 0, RAM_SIZE);
    return cpu;
}

static void put(uint64_t addr, const uint32_t *w, size_t n)
{
    memcpy(ram + (addr - RAM_BASE), w, n * 4);
}

/* Run until an exception is caught or the run ends. */
static void run(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    Caught *c = cpu->intercept_opaque;
    tb_flush();
    cs->halted = false;
    cs->stopped = false;
    for (int guard = 0; guard < 100000; guard++) {
        cpu_process_work();
        cpu_exec(cs);
        if (c->excp >= 0 || c->ended)
            return;
    }
    fail_msg("guest did not stop");
}

#define BRK0 0xd4200000u   /* brk #0 */
#define FOR_EACH_CG(cg) for (int cgi_ = 0; cgi_ < ncg && ((cg) = cgs[cgi_], 1); cgi_++)

/* ---- decode tables ------------------------------------------------------------------------ */

static void test_decode_tables(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    unsigned problems = a64_decode_check(f);
    fclose(f);
    if (problems)
        fail_msg("%u decode table problems:\n%s", problems, buf);
    free(buf);
    assert_true(a64_decode_count() > 20);
    uint32_t m, v;
    assert_true(a64_pattern_parse("1x0- 0000 1111 0000 1111 0000 1111 0000", &m, &v));
    assert_int_equal(m, 0xafffffffu);
    assert_int_equal(v, 0x80f0f0f0u);
    assert_false(a64_pattern_parse("10", &m, &v));
    assert_false(a64_pattern_parse("1x0z 0000 1111 0000 1111 0000 1111 0000", &m, &v));
    /* a few lines by name */
    assert_string_equal(a64_decode_lookup_any(0x91000420)->name, "ADD/ADDS/SUB/SUBS (immediate)");
    assert_string_equal(a64_decode_lookup_any(0xd65f03c0)->name, "RET");
    assert_null(a64_decode_lookup_any(0x00000000));   /* UDF #0 */
}

/* ---- unallocated encodings are Undefined ---------------------------------------------------- */

static const uint32_t undefined[] = {
    0x00000000,   /* UDF #0 (permanently undefined) */
    0x0000ffff,   /* UDF #0xffff */
    0x91800000,   /* add/sub immediate with tags (bit 23): MTE, absent */
    0x92400000 | (0x3f << 10) | (1 << 22),   /* AND (imm) N=1 imms=111111: reserved */
    0x12400000,   /* AND (imm) 32-bit with N=1 */
    0x12000000 | (0x3f << 10),               /* AND (imm) 32-bit imms=111111: all ones */
    0x32400000,   /* ORR (imm) 32-bit N=1 */
    0x32800000,   /* move wide opc=01 */
    0x52c00000,   /* MOVZ 32-bit hw=2 */
    0x73000000,   /* bitfield opc=11 */
    0x13400000,   /* SBFM 32-bit N=1 */
    0x93000000,   /* SBFM 64-bit N=0 */
    0x13008000,   /* SBFM 32-bit imms=32 */
    0x13a00000,   /* EXTR op21 != 00 */
    0x13c00000 | (0 << 22),  /* EXTR 32-bit N=1 */
    0x13808000,   /* EXTR 32-bit imms >= 32 */
    0x0a008000 | (32 << 10), /* AND shifted 32-bit amount 32 */
    0x8bc00000,   /* ADD shifted, shift=11 */
    0x8b200000 | (5 << 10),  /* ADD extended imm3 = 5 */
    0x8b600000,   /* ADD extended opt=01 */
    0x1ac00000,   /* 2-source opcode 000000 (SUBP without MTE) */
    0xdc000000,   /* LDR (literal) V=1 opc=11 */
    0x1ac04c00,   /* CRC32X with sf=0 */
    0x9ac04000,   /* CRC32B with sf=1 */
    0xdac00c00 & ~(1u << 31),   /* REV (64) with sf=0: opc 000011 */
    0x5ac01800,   /* 1-source opcode 000110 (CTZ: CSSC, absent) */
    0xdac10000,   /* 1-source opcode2=00001 (PAC, absent) */
    0x1a800800,   /* CSEL op2=10 */
    0x3a800000,   /* CSEL with S=1 */
    0x3a400400,   /* CCMN with o2 = 1 */
    0x3a400010,   /* CCMN with o3 = 1 */
    0x1b208000,   /* 3-source 32-bit op31=001 */
    0x9b408000,   /* SMULH with o0 = 1 */
    0x9be00000,   /* 3-source op31=111 */
    0x54000010,   /* B.cond with bit 4 set (BC.cond: absent) */
    0xd65f0800,   /* RETAA (PAC) */
    0xd63f0000 | (1 << 10),     /* BLR with op3 != 0 */
    0xd4a00001,   /* DCPS1 */
    0xd4400000,   /* HLT without semihosting */
    0xd4200001,   /* exception gen LL != 00 for BRK */
    0xd5033f1f,   /* barrier group op2=000 */
    0xd50330ff,   /* SB: absent on cortex-a57 */
    0xd500405f,   /* MSR (imm) op1=0 op2=2: AXFLAG (FlagM2), absent */
    0xd53affe0,   /* MRS of S3_2_C15_C15_7 (no such register) */
    0xf8200400,   /* LDRAA (PAuth): absent */
    0x3c800000 | (3 << 30),     /* STR (unscaled) V=1 size=11 opc=10: unallocated */
    0xf8a00800,   /* register offset with option=000 */
    0xb8c00400,   /* LDRSW with opc=11: size=10 opc=11 unallocated */
    0xf8800800 | (2 << 10),     /* LDTR with size=11 opc=10 (no PRFM there) */
    0x3c400800,   /* LDTR of a V register */
    0xe9400000,   /* LDP opc=11 */
    0x69000000,   /* STGP (opc=01, L=0) */
    0x68400000,   /* LDNP with opc=01 (LDNPSW does not exist) */
};

static void test_undefined(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        for (size_t i = 0; i < ARRAY_SIZE(undefined); i++) {
            uint32_t w = undefined[i];
            ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
            uint32_t prog[] = { 0xd2800020 /* mov x0, #1 */, w, BRK0 };
            cpu->env.xregs[1] = DATA;
            cpu->env.xregs[2] = DATA;
            put(CODE, prog, ARRAY_SIZE(prog));
            run(cpu);
            if (c.excp != EXCP_UDEF || c.pc != CODE + 4)
                fail_msg("%08x: exception %d at %#" PRIx64 ", expected Undefined at %#" PRIx64,
                         w, c.excp, c.pc, (uint64_t)(CODE + 4));
            assert_int_equal(c.syndrome, 0x02000000);   /* EC 0, IL */
            assert_int_equal(cpu->env.xregs[0], 1);      /* the instruction before ran */
        }
    }
}

/* ---- -d unimp names the encoding ---------------------------------------------------------- */

static void test_unimp_log(void **state)
{
    (void)state;
    Caught c;
    logcap_start();
    ARMCPU *cpu = new_cpu(NULL, "cortex-a57", &c);
    uint32_t prog[] = { 0x0000abcd /* UDF */, BRK0 };
    put(CODE, prog, ARRAY_SIZE(prog));
    run(cpu);
    char *log = logcap_take();
    assert_contains(log, "0000abcd");
    assert_contains(log, "Undefined");
    free(log);
    /* an LSE encoding on a CPU without LSE names the feature */
    cpu = new_cpu(NULL, "cortex-a57", &c);
    uint32_t lse[] = { 0xf8220020 /* ldadd */, BRK0 };
    put(CODE, lse, ARRAY_SIZE(lse));
    run(cpu);
    log = logcap_take();
    assert_contains(log, "needs feature lse");
    free(log);
    /* an unknown system register is named */
    cpu = new_cpu(NULL, "cortex-a57", &c);
    uint32_t mrs[] = { 0xd53affe0, BRK0 };
    put(CODE, mrs, ARRAY_SIZE(mrs));
    run(cpu);
    log = logcap_take();
    assert_contains(log, "S3_2_C15_C15_7");
    free(log);
    logcap_stop();
}

/* ---- features per model ---------------------------------------------------------------------- */

static void test_features(void **state)
{
    (void)state;
    Caught c;
    ARMCPU *a57 = new_cpu(NULL, "cortex-a57", &c);
    assert_int_equal(a57->id.midr, 0x411fd070);
    assert_true(arm_has(a57, ARM_FEAT_CRC32));
    assert_true(arm_has(a57, ARM_FEAT_FP));
    assert_false(arm_has(a57, ARM_FEAT_LSE));
    assert_false(arm_has(a57, ARM_FEAT_EL2));
    ARMCPU *max = new_cpu(NULL, "max", &c);
    /* max: exactly what is built */
    for (int f = 1; f < ARM_FEAT__COUNT; f++) {
        if (f == ARM_FEAT_EL2 || f == ARM_FEAT_EL3)
            continue;
        if (arm_has(max, (ARMFeature)f) != arm_feature_built((ARMFeature)f))
            fail_msg("max: feature %s advertised=%d built=%d", arm_feature_info[f].name,
                     arm_has(max, (ARMFeature)f), arm_feature_built((ARMFeature)f));
    }
    assert_true(arm_feature_built(ARM_FEAT_CRC32));
    /* `-cpu help` lists the models */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cpu_model_print_help(f, "aarch64");
    fclose(f);
    assert_contains(buf, "cortex-a53");
    assert_contains(buf, "cortex-a57");
    assert_contains(buf, "cortex-a72");
    assert_contains(buf, "max");
    free(buf);
}

/* ---- exceptions -------------------------------------------------------------------------------- */

static void test_exceptions(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
        uint32_t svc[] = { 0xd4000021 | (0x1234 << 5) };   /* svc #0x1234 (imm16 bits 20:5) */
        svc[0] = 0xd4000001 | (0x1234u << 5);
        put(CODE, svc, 1);
        run(cpu);
        assert_int_equal(c.excp, EXCP_SVC);
        assert_int_equal(c.syndrome, (0x15u << 26) | (1u << 25) | 0x1234);
        assert_int_equal(c.pc, CODE + 4);   /* preferred return: the next instruction */
        assert_int_equal(c.target_el, 1);

        cpu = new_cpu(cg, "cortex-a57", &c);
        uint32_t brk[] = { 0xd4200000 | (0xbeefu << 5) };
        put(CODE, brk, 1);
        run(cpu);
        assert_int_equal(c.excp, EXCP_BKPT);
        assert_int_equal(c.syndrome, (0x3cu << 26) | (1u << 25) | 0xbeef);
        assert_int_equal(c.pc, CODE);

        /* PC alignment */
        cpu = new_cpu(cg, "cortex-a57", &c);
        uint32_t br[] = { 0xd61f0020 };   /* br x1 */
        cpu->env.xregs[1] = CODE + 0x102;
        put(CODE, br, 1);
        run(cpu);
        assert_int_equal(c.excp, EXCP_PC_ALIGN);
        assert_int_equal(c.pc, CODE + 0x102);
    }
}

/* ---- PC-relative forms with negative offsets ------------------------------------------------- */

/* Every PC-relative form backwards, and a negative scaled LDP offset: the
 * decoders scale signed immediates (C's signed left shift of a negative
 * value is undefined; check-asan runs this under UBSan). Words at their
 * offsets from CODE; zeros between them are UDF. */
static void test_negative_offsets(void **state)
{
    (void)state;
    static const struct { unsigned off; uint32_t insn; } prog[] = {
        { 0x000, 0x14000040 },  /* b     0x100 */
        { 0x020, 0xd4200000 },  /* brk   #0 */
        { 0x040, 0x3607ff1f },  /* tbz   wzr, #0, 0x20 */
        { 0x080, 0xb4fffe1f },  /* cbz   xzr, 0x40 */
        { 0x0c0, 0xeb0700ff },  /* cmp   x7, x7 */
        { 0x0c4, 0x54fffde0 },  /* b.eq  0x80 */
        { 0x0f8, 0x55667788 },  /* data for ldr (literal) */
        { 0x0fc, 0x11223344 },
        { 0x100, 0x10fff801 },  /* adr   x1, 0x0 (-0x100) */
        { 0x104, 0xf0ffffe2 },  /* adrp  x2, one page below */
        { 0x108, 0x58ffff83 },  /* ldr   x3, 0xf8 (-0x10) */
        { 0x10c, 0xa97f14c4 },  /* ldp   x4, x5, [x6, #-16] */
        { 0x110, 0x17ffffec },  /* b     0xc0 (-0x50) */
    };
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
        for (size_t i = 0; i < ARRAY_SIZE(prog); i++)
            put(CODE + prog[i].off, &prog[i].insn, 1);
        uint64_t pair[2] = { 0xaaaa0000bbbb1111ull, 0xcccc2222dddd3333ull };
        memcpy(ram + (DATA + 0xf0 - RAM_BASE), pair, sizeof(pair));
        cpu->env.xregs[6] = DATA + 0x100;
        cpu->env.xregs[7] = 5;
        run(cpu);
        assert_int_equal(c.excp, EXCP_BKPT);
        assert_int_equal(c.pc, CODE + 0x20);
        assert_int_equal(cpu->env.xregs[1], CODE);
        assert_int_equal(cpu->env.xregs[2], (CODE & ~0xfffull) - 0x1000);
        assert_int_equal(cpu->env.xregs[3], 0x1122334455667788ull);
        assert_int_equal(cpu->env.xregs[4], pair[0]);
        assert_int_equal(cpu->env.xregs[5], pair[1]);
    }
}

/* ---- alignment faults of ordered/atomic accesses ---------------------------------------------- */

static void test_alignment(void **state)
{
    (void)state;
    static const struct { uint32_t insn; const char *what; bool store; } cases[] = {
        { 0xc85f7c20, "ldxr x0, [x1]", false },
        { 0xc8007c20, "stxr w0, x0, [x1]", true },
        { 0xc8dffc20, "ldar x0, [x1]", false },
        { 0x889ffc20, "stlr w0, [x1]", true },
        { 0xf8200020, "ldadd x0, x0, [x1]", false },
        { 0x88a07c20, "cas w0, w0, [x1]", false },
        { 0xc87f0420, "ldxp x0, x1, [x1]", false },
    };
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
            ARMCPU *cpu = new_cpu(cg, "max", &c);
            uint32_t prog[] = { cases[i].insn, BRK0 };
            cpu->env.xregs[1] = DATA + 4 + (i & 1) * 2;   /* misaligned for 8 and 16 */
            if (i == 3)
                cpu->env.xregs[1] = DATA + 2;             /* a word at +2 */
            put(CODE, prog, ARRAY_SIZE(prog));
            run(cpu);
            if (c.excp != EXCP_DATA_ABORT || (c.syndrome & 0x3f) != 0x21)
                fail_msg("%s: exception %d syndrome %#x, expected an alignment fault",
                         cases[i].what, c.excp, c.syndrome);
            assert_int_equal(c.pc, CODE);
            assert_int_equal(c.far, cpu->env.xregs[1]);
            assert_int_equal((c.syndrome >> 26) & 0x3f, 0x25);   /* data abort, same EL */
        }
        /* a plain unaligned load is fine (SCTLR.A = 0) */
        ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
        uint32_t prog[] = { 0xf9400020 /* ldr x0, [x1] */, BRK0 };
        cpu->env.xregs[1] = DATA + 3;
        put(CODE, prog, ARRAY_SIZE(prog));
        run(cpu);
        assert_int_equal(c.excp, EXCP_BKPT);
    }
}

/* ---- negative offsets (UBSan in check-asan: no signed left shifts) --------------------------------- */

static void test_negative_offsets_both_cg(void **state)
{
    (void)state;
    const uint32_t prog[] = {
        0x14000006,   /* 0x00: b 0x18 */
        0xd4200020,   /* 0x04: brk #1 */
        0x89abcdef,   /* 0x08: literal, low word */
        0x01234567,   /* 0x0c: literal, high word */
        0xd4200000,   /* 0x10: brk #0: the end */
        0xd4200040,   /* 0x14: brk #2 */
        0x58ffff80,   /* 0x18: ldr x0, 0x08 (-0x10) */
        0x10ffff21,   /* 0x1c: adr x1, 0x00 (-0x1c) */
        0xf0ffffe2,   /* 0x20: adrp x2, one page down */
        0xa9bf07e0,   /* 0x24: stp x0, x1, [sp, #-16]! */
        0xb4ffff5f,   /* 0x28: cbz xzr, 0x10 (-0x18) */
    };
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
        put(CODE, prog, ARRAY_SIZE(prog));
        cpu->env.xregs[31] = DATA + 0x100;
        run(cpu);
        assert_int_equal(c.excp, EXCP_BKPT);
        assert_int_equal(c.pc, CODE + 0x10);
        assert_int_equal(cpu->env.xregs[0], 0x0123456789abcdefull);
        assert_int_equal(cpu->env.xregs[1], CODE);
        assert_int_equal(cpu->env.xregs[2], (CODE & ~0xfffull) - 0x1000);
        assert_int_equal(cpu->env.xregs[31], DATA + 0xf0);
        uint64_t m[2];
        memcpy(m, ram + (DATA + 0xf0 - RAM_BASE), sizeof(m));
        assert_int_equal(m[0], 0x0123456789abcdefull);
        assert_int_equal(m[1], CODE);
    }
}

/* ---- a fault in the middle of a block restores exact state -------------------------------------- */

static void test_fault_mid_block(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
        /* add x0, x0, #1; ldr x1, [x2], #8; add x0, x0, #1; brk */
        uint32_t prog[] = { 0x91000400, 0xf8408441, 0x91000400, BRK0 };
        cpu->env.xregs[2] = 0x10;   /* nothing mapped there */
        cpu->env.xregs[1] = 0x77;
        put(CODE, prog, ARRAY_SIZE(prog));
        run(cpu);
        assert_int_equal(c.excp, EXCP_DATA_ABORT);
        assert_int_equal(c.syndrome & 0x3f, 0x10);   /* synchronous external abort */
        assert_int_equal(c.pc, CODE + 4);
        assert_int_equal(c.far, 0x10);
        assert_int_equal(cpu->env.xregs[0], 1);      /* the first add ran, the second did not */
        assert_int_equal(cpu->env.xregs[1], 0x77);   /* no load */
        assert_int_equal(cpu->env.xregs[2], 0x10);   /* no writeback */
        assert_int_equal(cpu->env.exception.insn, 0xf8408441);
        /* a store pair whose second half faults leaves the base alone */
        cpu = new_cpu(cg, "cortex-a57", &c);
        /* stp x3, x4, [x5, #16]!; brk: x5 + 16 + 8 crosses out of RAM */
        uint32_t stp[] = { 0xa98110a3 /* stp x3, x4, [x5, #16]! */, BRK0 };
        cpu->env.xregs[5] = RAM_BASE + RAM_SIZE - 24;
        put(CODE, stp, ARRAY_SIZE(stp));
        run(cpu);
        assert_int_equal(c.excp, EXCP_DATA_ABORT);
        assert_int_equal(c.pc, CODE);
        assert_int_equal(cpu->env.xregs[5], RAM_BASE + RAM_SIZE - 24);
        assert_true(c.syndrome & (1u << 6));   /* WnR: a write */
    }
}

/* ---- LSE exists on max only ----------------------------------------------------------------- */

static void test_feature_gating(void **state)
{
    (void)state;
    Caught c;
    uint32_t prog[] = { 0xf8220020 /* ldadd x2, x0, [x1] */, BRK0 };
    ARMCPU *cpu = new_cpu(NULL, "cortex-a57", &c);
    cpu->env.xregs[1] = DATA;
    put(CODE, prog, ARRAY_SIZE(prog));
    run(cpu);
    assert_int_equal(c.excp, EXCP_UDEF);
    cpu = new_cpu(NULL, "max", &c);
    cpu->env.xregs[1] = DATA;
    cpu->env.xregs[2] = 5;
    put(CODE, prog, ARRAY_SIZE(prog));
    *(uint64_t *)(ram + (DATA - RAM_BASE)) = 37;
    run(cpu);
    assert_int_equal(c.excp, EXCP_BKPT);
    assert_int_equal(cpu->env.xregs[0], 37);
    assert_int_equal(*(uint64_t *)(ram + (DATA - RAM_BASE)), 42);
}

/* ---- the exclusive monitor across two vCPUs ------------------------------------------------------- */

static void test_monitor_two_cpus(void **state)
{
    (void)state;
    Caught c0, c1;
    ARMCPU *a = new_cpu(NULL, "cortex-a57", &c0);
    /* a second CPU on the same engine */
    ARMCPU *b = arm_cpu_create(cpu_model_find("aarch64", "cortex-a57"), as, NULL, NULL);
    memset(&c1, 0, sizeof(c1));
    c1.excp = -1;
    b->exception_intercept = intercept;
    b->intercept_opaque = &c1;
    uint64_t *cell = (uint64_t *)(ram + (DATA - RAM_BASE));
    /* A: ldxr x0, [x1]; brk */
    uint32_t pa[] = { 0xc85f7c20, BRK0 };
    /* B: mov x2, #9; str x2, [x1]; brk */
    uint32_t pb[] = { 0xd2800122, 0xf9000022, BRK0 };
    /* A again: stxr w3, x4, [x1]; brk */
    uint32_t pa2[] = { 0xc8037c24, BRK0 };
    put(CODE, pa, 2);
    put(CODE + 0x100, pb, 3);
    put(CODE + 0x200, pa2, 2);
    *cell = 5;
    a->env.xregs[1] = b->env.xregs[1] = DATA;
    a->env.xregs[4] = 77;
    run(a);
    assert_int_equal(a->env.xregs[0], 5);
    arm_cpu_reset_to(b, CODE + 0x100, 1);
    b->env.xregs[1] = DATA;
    b->parent.halted = false;
    for (int g = 0; g < 1000 && c1.excp < 0; g++)
        cpu_exec(&b->parent);
    assert_int_equal(*cell, 9);
    /* A's store-exclusive sees the value changed: fails, memory kept */
    c0.excp = -1;
    a->env.pc = CODE + 0x200;
    a->parent.halted = false;
    run(a);
    assert_int_equal(a->env.xregs[3], 1);
    assert_int_equal(*cell, 9);
    /* and with nothing in between it succeeds */
    c0.excp = -1;
    a->env.pc = CODE;
    a->parent.halted = false;
    run(a);
    c0.excp = -1;
    a->env.pc = CODE + 0x200;
    a->parent.halted = false;
    run(a);
    assert_int_equal(a->env.xregs[3], 0);
    assert_int_equal(*cell, 77);
}

/* ---- WFI halts until an interrupt is pending ----------------------------------------------------- */

static void test_wfi(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    Caught c;
    FOR_EACH_CG(cg) {
        ARMCPU *cpu = new_cpu(cg, "cortex-a57", &c);
        uint32_t prog[] = { 0xd503207f /* wfi */, 0xd2800540 /* mov x0, #42 */, BRK0 };
        put(CODE, prog, ARRAY_SIZE(prog));
        tb_flush();
        CPUState *cs = &cpu->parent;
        int r = cpu_exec(cs);
        assert_int_equal(r, EXCP_HLT);
        assert_true(cs->halted);
        assert_int_equal(cpu->env.pc, CODE + 4);
        assert_int_equal(cpu_exec(cs), EXCP_HALTED);   /* still nothing to do */
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);          /* masked by DAIF, still wakes */
        for (int g = 0; g < 100 && c.excp < 0; g++)
            cpu_exec(cs);
        assert_int_equal(c.excp, EXCP_BKPT);
        assert_int_equal(cpu->env.xregs[0], 42);
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    }
}

/* ---- semihosting with bad pointers ----------------------------------------------------------------- */

static void test_semihosting_bad_pointers(void **state)
{
    (void)state;
    Caught c;
    ARMCPU *cpu = new_cpu(NULL, "cortex-a57", &c);
    arm_semihosting_enabled = true;
    uint32_t prog[] = { 0xd45e0000 /* hlt #0xf000 */, BRK0 };
    static const struct { uint64_t op, arg; } calls[] = {
        { SH_SYS_OPEN, 0x10 },                  /* block pointer to nothing */
        { SH_SYS_WRITE, 0xfffffffffff00000ull },/* beyond the address space */
        { SH_SYS_READ, RAM_BASE + RAM_SIZE - 8 },   /* the block runs off RAM */
        { SH_SYS_HEAPINFO, 0x20 },
        { SH_SYS_GET_CMDLINE, 0x30 },
        { SH_SYS_ELAPSED, 0x40 },
        { SH_SYS_REMOVE, DATA },                /* refused: not created by the program */
        { SH_SYS_SYSTEM, DATA },                /* refused */
        { SH_SYS_RENAME, DATA },                /* refused */
        { SH_SYS_TMPNAM, DATA },                /* refused */
        { 0x1234, 0 },                          /* unknown operation */
    };
    /* a block whose string pointers are bad */
    uint64_t *blk = (uint64_t *)(ram + (DATA - RAM_BASE));
    blk[0] = 0x10;
    blk[1] = 3;
    put(CODE, prog, ARRAY_SIZE(prog));
    for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
        c.excp = -1;
        arm_cpu_reset_to(cpu, CODE, 1);
        cpu->env.xregs[0] = calls[i].op;
        cpu->env.xregs[1] = calls[i].arg;
        run(cpu);
        assert_int_equal(c.excp, EXCP_BKPT);
        if ((int64_t)cpu->env.xregs[0] != -1)
            fail_msg("semihosting op %#" PRIx64 ": returned %#" PRIx64 ", expected -1", calls[i].op,
                     cpu->env.xregs[0]);
    }
    /* SYS_WRITE0 from a bad pointer prints nothing and does not crash */
    c.excp = -1;
    arm_cpu_reset_to(cpu, CODE, 1);
    cpu->env.xregs[0] = SH_SYS_WRITE0;
    cpu->env.xregs[1] = 0x8;
    run(cpu);
    assert_int_equal(c.excp, EXCP_BKPT);
    /* SYS_EXIT ends the run with the status */
    c.excp = -1;
    arm_cpu_reset_to(cpu, CODE, 1);
    blk[0] = ADP_Stopped_ApplicationExit;
    blk[1] = 7;
    cpu->env.xregs[0] = SH_SYS_EXIT;
    cpu->env.xregs[1] = DATA;
    run(cpu);
    assert_true(c.ended);
    assert_int_equal(c.status, 7);
    assert_true(cpu->parent.stopped);
    arm_semihosting_enabled = false;
    /* without -semihosting, HLT is Undefined */
    c.excp = -1;
    c.ended = false;
    cpu = new_cpu(NULL, "cortex-a57", &c);
    put(CODE, prog, ARRAY_SIZE(prog));
    run(cpu);
    assert_int_equal(c.excp, EXCP_UDEF);
}

/* ---- stack pointer banks ---------------------------------------------------------------------------- */

static void test_sp_banks(void **state)
{
    (void)state;
    Caught c;
    ARMCPU *cpu = new_cpu(NULL, "cortex-a57", &c);
    /* mov sp, x1; msr spsel, #0; mov sp, x2; msr spsel, #1; mov x3, sp; msr spsel, #0; mov x4, sp; brk */
    uint32_t prog[] = { 0x9100003f, 0xd50040bf, 0x9100005f, 0xd50041bf, 0x910003e3,
                        0xd50040bf, 0x910003e4, BRK0 };
    cpu->env.xregs[1] = 0x1000;
    cpu->env.xregs[2] = 0x2000;
    put(CODE, prog, ARRAY_SIZE(prog));
    run(cpu);
    assert_int_equal(c.excp, EXCP_BKPT);
    assert_int_equal(cpu->env.xregs[3], 0x1000);
    assert_int_equal(cpu->env.xregs[4], 0x2000);
    assert_int_equal(cpu->env.sp_el[1], 0x1000);
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
        cmocka_unit_test(test_decode_tables),
        cmocka_unit_test(test_undefined),
        cmocka_unit_test(test_unimp_log),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_exceptions),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_negative_offsets),
        cmocka_unit_test(test_fault_mid_block),
        cmocka_unit_test(test_feature_gating),
        cmocka_unit_test(test_monitor_two_cpus),
        cmocka_unit_test(test_wfi),
        cmocka_unit_test(test_semihosting_bad_pointers),
        cmocka_unit_test(test_sp_banks),
        cmocka_unit_test(test_negative_offsets_both_cg),
    };
    return cmocka_run_group_tests_name("a64", tests, setup, teardown);
}
