/*
 * a64fuzz.c — differential fuzzer for ferry's A64 frontend. It generates
 * random instructions per class with random register inputs, runs them
 * under Debian's qemu-aarch64-static (the oracle, through harness.c, an
 * aarch64 Linux program) and bare-metal in ferry (same code page, data
 * area and register state, on each code generator), and compares the
 * full resulting state: X0-X30, SP, NZCV, V0-V31, the data area, how the
 * run ended (BRK slot, Undefined, alignment fault, abort) and the fault
 * address.
 *
 *   a64fuzz [-n CASES] [-seed S] [-class NAME,...] [-qemu PATH] -harness PATH
 *           [-keep FILE] [-max-fail N] [-v]
 *
 * Classes (and the CPU model both sides use):
 *   dpimm     data processing (immediate), random encodings   cortex-a57
 *   dpreg     data processing (register), random encodings    cortex-a57
 *   seq       2-4 flag producers/consumers with forward B.cond cortex-a57
 *   branch    B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET   cortex-a57
 *   ldst      loads/stores (not structures), random encodings cortex-a57
 *   excl      exclusives and load-acquire/store-release       cortex-a57
 *   simdldst  AdvSIMD structure loads/stores                  cortex-a57
 *   lse       LSE atomics, CAS, CASP                           max
 *   mix       2-6 data processing and load/store instructions  cortex-a57
 *
 * Not generated, and why:
 *   - exception generation (SVC is a Linux system call under the oracle;
 *     HVC/SMC/BRK/HLT depend on the exception level: EL0 there, EL1 here),
 *     system instructions, hints and MRS/MSR (EL-dependent, and trapped or
 *     emulated by Linux), FP/SIMD data processing (not this class set);
 *   - CONSTRAINED UNPREDICTABLE encodings (ARM ARM K1.2): writeback with
 *     the base register also a transfer register; LDP/LDXP/CASP with
 *     Rt == Rt2; STXR/STLXR/STXP with the status register equal to a
 *     transfer or base register; the "should be one" fields of the
 *     exclusives not all ones;
 *   - register-offset/literal/branch operands that would reach outside
 *     the mapped code page and data area (Linux faults there, bare-metal
 *     RAM does not): base registers point into the data area, index
 *     registers are small, literal and branch offsets stay in the code
 *     page, branches to themselves (an endless loop) are not made;
 *   - SP-relative accesses with a misaligned SP (Linux enables the SP
 *     alignment check, which is the system level's);
 *   - store-exclusives to misaligned addresses: QEMU checks the monitor
 *     first and fails quietly, the ARM ARM (ExclusiveMonitorsPass) raises
 *     the alignment fault first, as ferry does.
 *
 * Exit status: 0 when every case matched, 1 on a mismatch, 2 when the
 * oracle could not run.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "core/memory.h"
#include "target/arm/cpu.h"
#include "target/arm/decode.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

#include "tests/isa/arm/fuzz/fuzz.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (16 * MiB)

static uint64_t rng_state;
static uint64_t rnd(void) { return fuzz_xorshift(&rng_state); }
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

static uint64_t interesting(void)
{
    static const uint64_t v[] = {
        0, 1, 2, 3, ~0ull, ~1ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffull,
        0x7fffffffull, 0x80000000ull, 0x100000000ull, 0xffffffff00000000ull, 0x80000001ull,
        0xffffffff80000000ull, 63, 64, 31, 32,
    };
    switch (rndn(4)) {
    case 0: return v[rndn(ARRAY_SIZE(v))];
    case 1: return rnd() & 0xffff;
    case 2: return rnd() & 0xffffffffull;
    default: return rnd();
    }
}

/* ---- case generation ------------------------------------------------------------------------ */

static void base_state(FuzzCase *c, unsigned id)
{
    memset(c, 0, sizeof(*c));
    c->id = id;
    for (int i = 0; i < 31; i++)
        c->x[i] = interesting();
    c->sp = FUZZ_DATA_VA + 0x10000;
    c->nzcv = (rnd() & 0xf) << 28;
    c->mem_seed = rnd();
    for (int i = 0; i < 32; i++) {
        c->v[i][0] = rnd();
        c->v[i][1] = rnd();
    }
    c->slot = 256 + rndn(512);
}

static uint64_t data_ptr(unsigned align)
{
    uint64_t p = FUZZ_DATA_VA + 0x2000 + (rnd() & 0xfff);
    return align ? p & ~(uint64_t)(align - 1) : p;
}

static unsigned rt_of(uint32_t w) { return w & 31; }
static unsigned rn_of(uint32_t w) { return (w >> 5) & 31; }
static unsigned rm_of(uint32_t w) { return (w >> 16) & 31; }
static unsigned rt2_of(uint32_t w) { return (w >> 10) & 31; }

/* Point Rn at the data area (SP when 31: already there). */
static void set_base(FuzzCase *c, uint32_t w, unsigned align)
{
    unsigned rn = rn_of(w);
    if (rn != 31)
        c->x[rn] = data_ptr(align);
}

/*
 * Half of the encodings of a class are random in the class's part of the
 * encoding space (reaching the unallocated ones), half come from ferry's
 * decode table lines in that space with their free bits random (reaching
 * every line often). The table only proposes encodings; the oracle judges.
 */
static uint32_t from_tables(uint32_t space_mask, uint32_t space_value)
{
    size_t n = a64_decode_count();
    for (int tries = 0; tries < 1000; tries++) {
        uint32_t m, v;
        a64_decode_line(rndn((unsigned)n), &m, &v);
        if ((v & space_mask) != space_value || (m & space_mask) != space_mask)
            continue;
        return v | ((uint32_t)rnd() & ~m);
    }
    return space_value | ((uint32_t)rnd() & ~space_mask);
}

static uint32_t in_space(uint32_t space_mask, uint32_t space_value)
{
    if (rndn(2))
        return from_tables(space_mask, space_value);
    return space_value | ((uint32_t)rnd() & ~space_mask);
}

static bool gen_dpimm(FuzzCase *c)
{
    c->insns[0] = in_space(7u << 26, 4u << 26);
    c->ninsns = 1;
    return true;
}

static uint32_t rand_dpreg(void)
{
    return in_space(7u << 25, 5u << 25);
}

static bool gen_dpreg(FuzzCase *c)
{
    c->insns[0] = rand_dpreg();
    c->ninsns = 1;
    return true;
}

/* flag-setting and flag-reading data processing */
static uint32_t rand_flagop(void)
{
    uint32_t w = (uint32_t)rnd();
    switch (rndn(7)) {
    case 0: return (w & 0x80ffffffu) | 0x31000000u | (rndn(2) << 30);   /* ADDS/SUBS imm */
    case 1: return (w & 0x80ff7fffu & ~(3u << 22)) | 0x2b000000u | (rndn(2) << 30);   /* ADDS/SUBS shifted, LSL */
    case 2: return (w & 0x801f03ffu) | 0x3a000000u | (rndn(2) << 30);   /* ADCS/SBCS */
    case 3: return (w & 0xc01ff3ffu & ~0x410u) | 0x3a400000u | (rndn(2) << 11);  /* CCMN/CCMP */
    case 4: return (w & 0xc01ff7ffu) | 0x1a800000u;   /* CSEL family */
    case 5: return (w & 0x80ffffffu & ~(1u << 21) & ~(0x3fu << 10)) | 0x6a000000u;   /* ANDS shifted */
    default: return (w & 0x801f03ffu) | 0x1a000000u | (rndn(2) << 30);  /* ADC/SBC */
    }
}

static bool gen_seq(FuzzCase *c)
{
    unsigned n = 2 + rndn(3);
    for (unsigned i = 0; i < n; i++) {
        if (i > 0 && rndn(4) == 0) {
            /* forward B.cond within the rest of the sequence (or just past it) */
            unsigned off = 1 + rndn(n - i + 1);
            c->insns[i] = 0x54000000u | (off << 5) | rndn(16);
        } else {
            c->insns[i] = rand_flagop();
        }
    }
    c->ninsns = n;
    return true;
}

static bool gen_branch(FuzzCase *c)
{
    int lo = -(int)c->slot, hi = (int)(FUZZ_SLOTS - 1 - c->slot);
    int off;
    do
        off = lo + (int)rndn((unsigned)(hi - lo + 1));
    while (off == 0);
    uint32_t w;
    switch (rndn(5)) {
    case 0: w = (rndn(2) << 31) | 0x14000000u | ((uint32_t)off & 0x3ffffff); break;   /* B/BL */
    case 1: w = 0x54000000u | (((uint32_t)off & 0x7ffff) << 5) | rndn(16); break;   /* B.cond */
    case 2: {   /* CBZ/CBNZ */
        unsigned rt = rndn(32);
        w = (rndn(2) << 31) | 0x34000000u | (rndn(2) << 24) | (((uint32_t)off & 0x7ffff) << 5) | rt;
        if (rt < 31 && rndn(2))
            c->x[rt] = rndn(2) ? 0 : 0xffffffff00000000ull;
        break;
    }
    case 3: {   /* TBZ/TBNZ: offset limited to imm14 */
        if (off > 8191 || off < -8192)
            off = 1;
        unsigned bit = rndn(64);
        w = (bit >> 5) << 31 | 0x36000000u | (rndn(2) << 24) | (bit & 31) << 19 |
            (((uint32_t)off & 0x3fff) << 5) | rndn(32);
        break;
    }
    default: {  /* BR/BLR/RET */
        unsigned rn = rndn(31), op = rndn(3);
        w = 0xd61f0000u | op << 21 | rn << 5;
        c->x[rn] = FUZZ_CODE_VA + 4ull * (unsigned)((int)c->slot + off);
        if (rndn(10) == 0)
            c->x[rn] += 1 + rndn(3);   /* misaligned target: PC alignment fault */
        break;
    }
    }
    c->insns[0] = w;
    c->ninsns = 1;
    return true;
}

/* Writeback forms of the single-register and pair classes. */
static bool ldst_writeback(uint32_t w)
{
    if ((w & 0x3b200000u) == 0x38000000u)       /* imm9 forms */
        return (w >> 10) & 1;                     /* post (01) / pre (11) */
    if ((w & 0x3a000000u) == 0x28000000u)       /* pairs */
        return ((w >> 23) & 3) == 1 || ((w >> 23) & 3) == 3;
    return false;
}

static bool gen_ldst(FuzzCase *c)
{
    uint32_t w;
    for (;;) {
        w = in_space(5u << 25, 4u << 25);         /* op0 = x1x0 */
        if (!(w >> 31) && ((w >> 24) & 0x3f) >> 1 == 0x06)
            continue;                             /* AdvSIMD structures: simdldst */
        if (((w >> 24) & 0x3f) == 0x08)
            continue;                             /* exclusives: excl */
        break;
    }
    if ((w & 0x3b000000u) == 0x18000000u) {
        /* literal: stay inside the code page */
        int lo = -(int)c->slot, hi = (int)(FUZZ_SLOTS - 4 - c->slot);
        int off = lo + (int)rndn((unsigned)(hi - lo + 1));
        w = (w & ~(0x7ffffu << 5)) | (((uint32_t)off & 0x7ffff) << 5);
    }
    unsigned rn = rn_of(w), rt = rt_of(w);
    bool vec = (w >> 26) & 1;
    if (ldst_writeback(w) && rn != 31 && !vec &&
        (rn == rt || ((w & 0x3a000000u) == 0x28000000u && rn == rt2_of(w))))
        return false;
    if ((w & 0x3a400000u) == 0x28400000u && rt == rt2_of(w))
        return false;                             /* LDP Rt == Rt2 */
    set_base(c, w, 0);
    if ((w & 0x3b200c00u) == 0x38200800u) {      /* register offset: a small index */
        if (rm_of(w) == rn)
            return false;
        if (rm_of(w) != 31)
            c->x[rm_of(w)] = rndn(0x800);
    }
    c->insns[0] = w;
    c->ninsns = 1;
    return true;
}

static bool gen_excl(FuzzCase *c)
{
    uint32_t w = (uint32_t)rnd();
    w = (w & 0xc0ffffffu) | 0x08000000u;          /* size 001000 ... */
    unsigned o2 = (w >> 23) & 1, l = (w >> 22) & 1, o1 = (w >> 21) & 1;
    unsigned rs = rm_of(w), rt = rt_of(w), rn = rn_of(w), rt2 = rt2_of(w);
    bool pair = !o2 && o1 && (w >> 31);
    bool cas = o1 && (o2 || !(w >> 31));
    if (cas)
        return false;                             /* CAS/CASP: the lse class */
    /* "should be one" fields */
    if (!pair)
        w |= 31u << 10;
    if (l || o2)
        w |= 31u << 16;
    rs = rm_of(w);
    rt2 = rt2_of(w);
    if (!l && !o2 && (rs == rt || rs == rn || (pair && rs == rt2)))
        return false;
    if (pair && l && rt == rt2)
        return false;
    /* an LDXR/LDAXR first makes the store-exclusive path interesting */
    unsigned size = w >> 30;
    unsigned align = pair ? (size == 3 ? 16 : 8) : 1u << size;
    uint64_t p = data_ptr(align);
    /* misaligned: an alignment fault; not for store-exclusives, where
     * QEMU checks the monitor first and fails without a fault (the ARM
     * ARM's ExclusiveMonitorsPass checks alignment first) */
    if (rndn(8) == 0 && (l || o2) && align > 1)
        p += 1 + rndn(align - 1);
    if (rn != 31)
        c->x[rn] = p;
    if (!l && !o2 && rndn(3)) {
        /* LDXR (or LDXP) of the same size and address, then the store */
        uint32_t ld = (w & 0xc0e003e0u) | 0x00400000u | (31u << 16) | (31u << 10) | rndn(31);
        if (pair)
            ld = (w & 0xc0e003e0u) | 0x00400000u | (31u << 16) | ((rt_of(ld) + 1) % 31) << 10 | rt_of(ld);
        if (rt_of(ld) == rn || rt_of(ld) == rs || (pair && rt2_of(ld) == rn))
            return false;
        if (pair && rt_of(ld) == rt2_of(ld))
            return false;
        c->insns[0] = ld;
        c->insns[1] = w;
        c->ninsns = 2;
    } else {
        c->insns[0] = w;
        c->ninsns = 1;
    }
    return true;
}

static bool gen_simdldst(FuzzCase *c)
{
    /* 0 Q 0011 0 P x L R Rm opcode S size Rn Rt */
    uint32_t w = in_space(0xbe000000u, 0x0c000000u);
    bool post = (w >> 23) & 1;
    unsigned rm = rm_of(w), rn = rn_of(w);
    if (!post)
        w &= ~(31u << 16);
    else if (rm != 31)
        c->x[rm] = rndn(0x100);
    if (post && rm == rn && rn != 31)
        return false;
    set_base(c, w, 0);
    c->insns[0] = w;
    c->ninsns = 1;
    return true;
}

static bool gen_lse(FuzzCase *c)
{
    uint32_t w = (uint32_t)rnd();
    unsigned size;
    unsigned align;
    switch (rndn(3)) {
    case 0:   /* atomic memory operations (and SWP) */
        w = (w & 0xc0ff73ffu & ~(1u << 26)) | 0x38200000u;
        if ((w >> 15) & 1)
            w &= ~(7u << 12);   /* o3=1: SWP only */
        size = w >> 30;
        align = 1u << size;
        break;
    case 1:   /* CAS */
        w = (w & 0xc05f83ffu) | 0x08a07c00u;
        size = w >> 30;
        align = 1u << size;
        if (rm_of(w) == rt_of(w))
            break;
        break;
    default: { /* CASP: even Rs/Rt */
        w = (w & 0x405e83deu) | 0x08207c00u;
        size = 2 + ((w >> 30) & 1);
        align = 2u << size;
        break;
    }
    }
    uint64_t p = data_ptr(align);
    if (rndn(10) == 0)
        p += 1 + rndn(align - 1 ? align - 1 : 1);
    if (rn_of(w) != 31)
        c->x[rn_of(w)] = p;
    if (rn_of(w) == rt_of(w) || rn_of(w) == rm_of(w))
        return false;
    if ((w & 0xbfa07c00u) == 0x08207c00u &&   /* CASP: pairs overlapping the base */
        (rn_of(w) == rt_of(w) + 1 || rn_of(w) == rm_of(w) + 1))
        return false;
    c->insns[0] = w;
    c->ninsns = 1;
    return true;
}

/*
 * Mixed blocks: 2-6 data processing and load/store instructions in one
 * block, so register caching, flag liveness and the softmmu slow path
 * meet. Data processing writes only X0-X15; loads and stores transfer
 * X0-X15 (or V registers) with bases X16-X28/SP (pointing into the data
 * area, moved at most a little by writeback) and index registers X29/X30
 * (small).
 */
static ARMCPU *probe_cpu;
static bool probe_defined(const FuzzCase *c, uint32_t w);

static bool gen_mix(FuzzCase *c)
{
    unsigned n = 2 + rndn(5);
    for (int r = 16; r <= 28; r++)
        c->x[r] = data_ptr(0);
    c->x[29] = rndn(0x800);
    c->x[30] = rndn(0x800);
    for (unsigned i = 0; i < n; i++) {
        uint32_t w;
        if (rndn(2)) {
            w = rndn(2) ? in_space(7u << 26, 4u << 26) : rand_dpreg();
            w = (w & ~31u) | rndn(16);
        } else {
            for (;;) {
                w = in_space(5u << 25, 4u << 25);
                if (!(w >> 31) && ((w >> 24) & 0x3f) >> 1 == 0x06)
                    continue;                     /* AdvSIMD structures */
                if (((w >> 24) & 0x3f) == 0x08)
                    continue;                     /* exclusives */
                if ((w & 0x3b000000u) == 0x18000000u)
                    continue;                     /* literal */
                break;
            }
            unsigned rn = rndn(14);
            w = (w & ~(31u << 5)) | (rn == 13 ? 31u : 16 + rn) << 5;   /* X16-X28 or SP */
            w = (w & ~31u) | rndn(16);
            if ((w & 0x3a000000u) == 0x28000000u)                       /* pairs: Rt2 */
                w = (w & ~(31u << 10)) | rndn(16) << 10;
            if ((w & 0x3b200c00u) == 0x38200800u)                       /* register offset */
                w = (w & ~(31u << 16)) | (29u + rndn(2)) << 16;
            if ((w & 0x3a400000u) == 0x28400000u && rt_of(w) == rt2_of(w))
                return false;                                           /* LDP Rt == Rt2 */
        }
        /* mostly allocated encodings: an Undefined one ends the block (the
         * single-instruction classes cover those); ferry only proposes,
         * the oracle still judges the whole case */
        if (!probe_defined(c, w) && rndn(8)) {
            i--;
            continue;
        }
        c->insns[i] = w;
    }
    c->ninsns = n;
    return true;
}

typedef struct FuzzClass {
    const char *name;
    const char *cpu;          /* ferry's model */
    const char *qemu_cpu;     /* the oracle's (max without SVE/SME: their
                                 signal frames carry the vector registers) */
    bool (*gen)(FuzzCase *c);
} FuzzClass;

static const FuzzClass classes[] = {
    { "dpimm", "cortex-a57", "cortex-a57", gen_dpimm },
    { "dpreg", "cortex-a57", "cortex-a57", gen_dpreg },
    { "seq", "cortex-a57", "cortex-a57", gen_seq },
    { "branch", "cortex-a57", "cortex-a57", gen_branch },
    { "ldst", "cortex-a57", "cortex-a57", gen_ldst },
    { "excl", "cortex-a57", "cortex-a57", gen_excl },
    { "simdldst", "cortex-a57", "cortex-a57", gen_simdldst },
    { "lse", "max", "max,sve=off,sme=off", gen_lse },
    { "mix", "cortex-a57", "cortex-a57", gen_mix },
};

/* ---- ferry side ------------------------------------------------------------------------------ */

static MemoryRegion *root, *ram_mr;
static AddressSpace *as;
static uint8_t *ram;
static FuzzResult fres;
static bool caught;

static bool intercept(ARMCPU *cpu, void *opaque)
{
    (void)opaque;
    CPUARMState *env = &cpu->env;
    int e = cpu->parent.exception_index;
    fres.pc = env->pc;
    fres.far = 0;
    switch (e) {
    case EXCP_BKPT: fres.kind = FUZZ_TRAP; break;
    case EXCP_UDEF: fres.kind = FUZZ_UNDEF; break;
    case EXCP_DATA_ABORT:
    case EXCP_PREFETCH_ABORT:
        fres.kind = (env->exception.syndrome & 0x3f) == 0x21 ? FUZZ_BUS : FUZZ_SEGV;
        fres.far = env->exception.vaddress;
        break;
    case EXCP_PC_ALIGN:
        fres.kind = FUZZ_BUS;
        fres.far = env->pc;
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
    fuzz_format(line, FUZZ_LINE_MAX, &fres, data, c->mem_seed);
}

static bool probe_defined(const FuzzCase *c, uint32_t w)
{
    static char line[FUZZ_LINE_MAX];
    FuzzCase t = *c;
    t.insns[0] = w;
    t.ninsns = 1;
    ferry_run(probe_cpu, &t, line);
    return fres.kind != FUZZ_UNDEF;
}

/* ---- comparison ------------------------------------------------------------------------------- */

static void explain(const FuzzCase *c, const char *want, const char *got, const char *who)
{
    fprintf(stderr, "MISMATCH case %u (%s):", c->id, who);
    for (unsigned i = 0; i < c->ninsns; i++)
        fprintf(stderr, " %08x", c->insns[i]);
    fprintf(stderr, " at slot %u\n  inputs:", c->slot);
    for (int i = 0; i < 31; i++)
        fprintf(stderr, " x%d=%" PRIx64, i, c->x[i]);
    fprintf(stderr, " sp=%" PRIx64 " nzcv=%" PRIx64 "\n", c->sp, c->nzcv >> 28);
    /* field by field */
    char *a = xstrdup(want), *b = xstrdup(got), *sa, *sb;
    char *ta = strtok_r(a, " \n", &sa), *tb = strtok_r(b, " \n", &sb);
    int idx = 0, xbase = 3;
    while (ta || tb) {
        if (idx == 3 && ta && !strncmp(ta, "far=", 4))
            xbase = 4;
        if (!ta || !tb || strcmp(ta, tb)) {
            char name[32];
            int k = idx - xbase;
            if (idx < 3)
                snprintf(name, sizeof(name), "%s", idx == 0 ? "id" : idx == 1 ? "kind" : "pc");
            else if (k >= 0 && k < 31)
                snprintf(name, sizeof(name), "x%d", k);
            else if (k >= 33 && k < 65)
                snprintf(name, sizeof(name), "v%d", k - 33);
            else
                snprintf(name, sizeof(name), "#%d", idx);
            fprintf(stderr, "  %s: qemu %s, ferry %s\n", name, ta ? ta : "-", tb ? tb : "-");
        }
        ta = ta ? strtok_r(NULL, " \n", &sa) : NULL;
        tb = tb ? strtok_r(NULL, " \n", &sb) : NULL;
        idx++;
    }
    free(a);
    free(b);
}

static int run_class(const FuzzClass *cl, unsigned n, const char *qemu, const char *harness,
                     const char *keep, int max_fail, bool verbose)
{
    const TCGCodegen *cgs[2] = { tcg_codegen_native(), &tcg_codegen_interp };
    int ncg = cgs[0] == cgs[1] ? 1 : 2;
    probe_cpu = ferry_cpu(cgs[0], cl->cpu);
    FuzzCase *cases = xcalloc(n, sizeof(*cases));
    unsigned made = 0;
    for (unsigned id = 0; made < n; id++) {
        FuzzCase *c = &cases[made];
        base_state(c, id);
        if (cl->gen(c))
            made++;
    }
    char path[256];
    if (keep)
        snprintf(path, sizeof(path), "%s", keep);
    else
        snprintf(path, sizeof(path), "/tmp/a64fuzz-%d-%s.bin", (int)getpid(), cl->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(cases, sizeof(*cases), n, f) != n) {
        fprintf(stderr, "a64fuzz: cannot write %s\n", path);
        return 2;
    }
    fclose(f);
    char *cmd = xasprintf("%s -cpu %s %s %s", qemu, cl->qemu_cpu, harness, path);
    FILE *p = popen(cmd, "r");
    if (!p) {
        fprintf(stderr, "a64fuzz: cannot run %s\n", cmd);
        return 2;
    }
    static char want[FUZZ_LINE_MAX], got[FUZZ_LINE_MAX];
    ARMCPU *cpus[2];
    /* one engine at a time: the cases run on native, then on interp */
    int fails = 0;
    unsigned got_lines = 0;
    char **lines = xcalloc(n, sizeof(*lines));
    while (got_lines < n && fgets(want, sizeof(want), p))
        lines[got_lines++] = xstrdup(want);
    int prc = pclose(p);
    if (got_lines != n) {
        fprintf(stderr, "a64fuzz: %s: the oracle produced %u of %u results (status %d): %s\n",
                cl->name, got_lines, n, prc, cmd);
        if (WIFEXITED(prc) && WEXITSTATUS(prc) == 127)
            fprintf(stderr, "a64fuzz: %s not found: install qemu-user-static "
                            "(sh scripts/deps.sh cross)\n", qemu);
        if (!keep)
            unlink(path);
        return 2;
    }
    for (int g = 0; g < ncg; g++) {
        cpus[g] = ferry_cpu(cgs[g], cl->cpu);
        for (unsigned i = 0; i < n && fails < max_fail; i++) {
            ferry_run(cpus[g], &cases[i], got);
            if (strcmp(lines[i], got)) {
                explain(&cases[i], lines[i], got, cgs[g]->name);
                fails++;
            } else if (verbose) {
                fprintf(stderr, "ok %u: %s", cases[i].id, got);
            }
        }
    }
    printf("a64fuzz: %-9s %6u cases x %d code generators: %s\n", cl->name, n, ncg,
           fails ? "MISMATCHES" : "ok");
    for (unsigned i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
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
        else {
            fprintf(stderr, "usage: a64fuzz [-n CASES] [-seed S] [-class NAME,...] [-qemu PATH] "
                            "-harness PATH [-keep FILE] [-max-fail N] [-v]\n");
            return 2;
        }
    }
    if (!harness) {
        fprintf(stderr, "a64fuzz: -harness is required\n");
        return 2;
    }
    root = mr_new_container("system", UINT64_MAX);
    ram_mr = mr_new_ram("ram", RAM_SIZE, NULL);
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    as = as_new("memory", root);
    ram = mr_ram_ptr(ram_mr);

    printf("a64fuzz: seed %" PRIu64 "\n", seed);
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
    return rc;
}
