/*
 * cpu.c — AArch64 CPU models (ID registers), the feature table, CPU
 * creation and reset, and the CPUHooks the translator core calls.
 *
 * ID register values: Arm Cortex-A53 TRM (DDI 0500), Cortex-A57 TRM
 * (DDI 0488), Cortex-A72 TRM (DDI 100095), register summaries of the
 * AArch64 ID registers; field layouts from DDI 0487 D17.2 (ID_AA64*_EL1,
 * CTR_EL0, DCZID_EL0, CLIDR_EL1). One deliberate difference from the
 * TRMs: ferry has no AArch32, so ID_AA64PFR0.EL0..EL3 say "AArch64 only"
 * (1) where the cores say 2, and EL2/EL3 are 0 unless the board enables
 * them (ARMCPUConfig).
 */
#include "target/arm/cpu.h"

#include "core/log.h"
#include "target/arm/sys.h"
#include "tcg/translator.h"

bool arm_semihosting_enabled;

/* ---- features ------------------------------------------------------------------- */

const ARMFeatureInfo arm_feature_info[ARM_FEAT__COUNT] = {
    [ARM_FEAT_NONE] = { "base", 0, 0, 0, false },
    [ARM_FEAT_FP] = { "fp", IDREG_PFR0, 16, 0, true },
    [ARM_FEAT_ASIMD] = { "asimd", IDREG_PFR0, 20, 0, true },
    [ARM_FEAT_FP16] = { "fp16", IDREG_PFR0, 16, 1, true },
    [ARM_FEAT_CRC32] = { "crc32", IDREG_ISAR0, 16, 1, false },
    [ARM_FEAT_AES] = { "aes", IDREG_ISAR0, 4, 1, false },
    [ARM_FEAT_PMULL] = { "pmull", IDREG_ISAR0, 4, 2, false },
    [ARM_FEAT_SHA1] = { "sha1", IDREG_ISAR0, 8, 1, false },
    [ARM_FEAT_SHA256] = { "sha256", IDREG_ISAR0, 12, 1, false },
    [ARM_FEAT_SHA512] = { "sha512", IDREG_ISAR0, 12, 2, false },
    [ARM_FEAT_LSE] = { "lse", IDREG_ISAR0, 20, 2, false },
    [ARM_FEAT_RDM] = { "rdm", IDREG_ISAR0, 28, 1, false },
    [ARM_FEAT_SHA3] = { "sha3", IDREG_ISAR0, 32, 1, false },
    [ARM_FEAT_SM3] = { "sm3", IDREG_ISAR0, 36, 1, false },
    [ARM_FEAT_SM4] = { "sm4", IDREG_ISAR0, 40, 1, false },
    [ARM_FEAT_DOTPROD] = { "dotprod", IDREG_ISAR0, 44, 1, false },
    [ARM_FEAT_FHM] = { "fhm", IDREG_ISAR0, 48, 1, false },
    [ARM_FEAT_FLAGM] = { "flagm", IDREG_ISAR0, 52, 1, false },
    [ARM_FEAT_FLAGM2] = { "flagm2", IDREG_ISAR0, 52, 2, false },
    [ARM_FEAT_RNG] = { "rng", IDREG_ISAR0, 60, 1, false },
    [ARM_FEAT_DPB] = { "dpb", IDREG_ISAR1, 0, 1, false },
    [ARM_FEAT_JSCVT] = { "jscvt", IDREG_ISAR1, 12, 1, false },
    [ARM_FEAT_FCMA] = { "fcma", IDREG_ISAR1, 16, 1, false },
    [ARM_FEAT_LRCPC] = { "lrcpc", IDREG_ISAR1, 20, 1, false },
    [ARM_FEAT_LRCPC2] = { "lrcpc2", IDREG_ISAR1, 20, 2, false },
    [ARM_FEAT_FRINTTS] = { "frintts", IDREG_ISAR1, 32, 1, false },
    [ARM_FEAT_SB] = { "sb", IDREG_ISAR1, 36, 1, false },
    [ARM_FEAT_BF16] = { "bf16", IDREG_ISAR1, 44, 1, false },
    [ARM_FEAT_I8MM] = { "i8mm", IDREG_ISAR1, 52, 1, false },
    [ARM_FEAT_EL2] = { "el2", IDREG_PFR0, 8, 1, false },
    [ARM_FEAT_EL3] = { "el3", IDREG_PFR0, 12, 1, false },
    [ARM_FEAT_PAN] = { "pan", IDREG_MMFR1, 20, 1, false },
    [ARM_FEAT_VHE] = { "vhe", IDREG_MMFR1, 8, 1, false },
    [ARM_FEAT_HPDS] = { "hpds", IDREG_MMFR1, 12, 1, false },
    [ARM_FEAT_UAO] = { "uao", IDREG_MMFR2, 4, 1, false },
    [ARM_FEAT_SSBS] = { "ssbs", IDREG_PFR1, 4, 1, false },
    [ARM_FEAT_PMU] = { "pmu", IDREG_DFR0, 8, 1, false },
    [ARM_FEAT_E0PD] = { "e0pd", IDREG_MMFR2, 60, 1, false },
};

static uint64_t features_built;

void arm_feature_register_built(ARMFeature f)
{
    features_built |= 1ull << f;
}

bool arm_feature_built(ARMFeature f)
{
    return f == ARM_FEAT_NONE || ((features_built >> f) & 1);
}

static uint64_t *idreg_ptr(ARMIDRegs *id, ARMIDReg r)
{
    switch (r) {
    case IDREG_PFR0: return &id->id_aa64pfr0;
    case IDREG_PFR1: return &id->id_aa64pfr1;
    case IDREG_ISAR0: return &id->id_aa64isar0;
    case IDREG_ISAR1: return &id->id_aa64isar1;
    case IDREG_ISAR2: return &id->id_aa64isar2;
    case IDREG_MMFR0: return &id->id_aa64mmfr0;
    case IDREG_MMFR1: return &id->id_aa64mmfr1;
    case IDREG_MMFR2: return &id->id_aa64mmfr2;
    case IDREG_DFR0: return &id->id_aa64dfr0;
    }
    return NULL;
}

static int field_get(const ARMIDRegs *id, const ARMFeatureInfo *fi)
{
    unsigned v = (unsigned)((*idreg_ptr((ARMIDRegs *)id, (ARMIDReg)fi->reg) >> fi->shift) & 0xf);
    return fi->is_signed ? (int)(v ^ 8) - 8 : (int)v;
}

static void field_set(ARMIDRegs *id, const ARMFeatureInfo *fi, int v)
{
    uint64_t *p = idreg_ptr(id, (ARMIDReg)fi->reg);
    *p = (*p & ~(0xfull << fi->shift)) | ((uint64_t)(v & 0xf) << fi->shift);
}

/* Features a CPU has, from its ID registers. */
static uint64_t features_of(const ARMIDRegs *id)
{
    uint64_t f = 1;   /* ARM_FEAT_NONE */
    for (int i = 1; i < ARM_FEAT__COUNT; i++)
        if (arm_feature_info[i].name && field_get(id, &arm_feature_info[i]) >= arm_feature_info[i].min)
            f |= 1ull << i;
    return f;
}

/*
 * `max`: every feature field starts "not implemented" and is raised to a
 * feature's value when that feature and every lower-valued feature of the
 * same field are built (AES=1 and PMULL=2 share a field: 2 needs both).
 */
static void max_apply_built(ARMIDRegs *id)
{
    for (int i = 1; i < ARM_FEAT__COUNT; i++) {
        const ARMFeatureInfo *fi = &arm_feature_info[i];
        if (!fi->name || i == ARM_FEAT_EL2 || i == ARM_FEAT_EL3)
            continue;   /* EL2/EL3 are the board's choice (ARMCPUConfig) */
        field_set(id, fi, fi->is_signed ? -1 : 0);
    }
    for (int i = 1; i < ARM_FEAT__COUNT; i++) {
        const ARMFeatureInfo *fi = &arm_feature_info[i];
        if (!fi->name || i == ARM_FEAT_EL2 || i == ARM_FEAT_EL3)
            continue;
        bool ok = true;
        for (int j = 1; j < ARM_FEAT__COUNT; j++) {
            const ARMFeatureInfo *fj = &arm_feature_info[j];
            if (fj->name && fj->reg == fi->reg && fj->shift == fi->shift && fj->min <= fi->min &&
                !arm_feature_built((ARMFeature)j))
                ok = false;
        }
        if (ok && field_get(id, fi) < fi->min)
            field_set(id, fi, fi->min);
    }
    /* half precision is one feature for FP and AdvSIMD: PFR0.AdvSIMD = 1 too */
    const ARMFeatureInfo *ffp = &arm_feature_info[ARM_FEAT_FP], *fsimd = &arm_feature_info[ARM_FEAT_ASIMD];
    if (field_get(id, fsimd) >= 0 && field_get(id, ffp) == 1)
        field_set(id, fsimd, 1);
}

/* ---- models ----------------------------------------------------------------------------- */

/* Common ARMv8.0 values: EL0..EL3 AArch64 only, FP and AdvSIMD present. */
#define V80_PFR0 0x0000000000001111ull

static const ARMCPUModel model_a53 = {
    .id = {
        .midr = 0x410fd034,          /* r0p4 */
        .id_aa64pfr0 = V80_PFR0,
        .id_aa64dfr0 = 0x10305106,   /* DebugVer 6, PMUv3, 6 BRPs, 4 WRPs, 2 CTX_CMPs */
        .id_aa64isar0 = 0x00011120,  /* AES+PMULL, SHA1, SHA256, CRC32 (the Crypto
                                        Extension is optional on A53/A57/A72; these
                                        models have it, as QEMU 7.2's do) */
        .id_aa64mmfr0 = 0x00001122,  /* 40-bit PA, 16-bit ASID, mixed endian; 4K/64K */
        .ctr = 0x84448004,           /* 64-byte lines, VIPT L1I */
        .dczid = 4,                  /* 64-byte DC ZVA */
        .clidr = 0x0a200023,
    },
};

static const ARMCPUModel model_a57 = {
    .id = {
        .midr = 0x411fd070,          /* r1p0 */
        .id_aa64pfr0 = V80_PFR0,
        .id_aa64dfr0 = 0x10305106,
        .id_aa64isar0 = 0x00011120,
        .id_aa64mmfr0 = 0x00001124,  /* 44-bit PA */
        .ctr = 0x8444c004,           /* PIPT L1I */
        .dczid = 4,
        .clidr = 0x0a200023,
    },
};

static const ARMCPUModel model_a72 = {
    .id = {
        .midr = 0x410fd083,          /* r0p3 */
        .id_aa64pfr0 = V80_PFR0,
        .id_aa64dfr0 = 0x10305106,
        .id_aa64isar0 = 0x00011120,
        .id_aa64mmfr0 = 0x00001124,
        .ctr = 0x8444c004,
        .dczid = 4,
        .clidr = 0x0a200023,
    },
};

/* max: an ARMv8.0 base (A57's memory system) plus every feature built */
static const ARMCPUModel model_max = {
    .id = {
        .midr = 0x000ff150,          /* implementer 0 (software), part 0xf15 */
        /* CSV2, CSV3: no speculation, so nothing leaks through it */
        .id_aa64pfr0 = V80_PFR0 | 1ull << 56 | 1ull << 60,
        .id_aa64dfr0 = 0x10305006,   /* PMUVer set only when the PMU is built */
        .id_aa64mmfr0 = 0x00101124,  /* 44-bit PA, 16-bit ASID; 4K, 16K, 64K granules */
        .ctr = 0x8444c004,
        .dczid = 4,
        .clidr = 0x0a200023,
    },
    .is_max = true,
};

CPU_MODEL(cpu_model_a53, .name = "cortex-a53", .arch = "aarch64",
          .desc = "ARM Cortex-A53 (ARMv8.0)", .impl = &model_a53);
CPU_MODEL(cpu_model_a57, .name = "cortex-a57", .arch = "aarch64",
          .desc = "ARM Cortex-A57 (ARMv8.0)", .impl = &model_a57);
CPU_MODEL(cpu_model_a72, .name = "cortex-a72", .arch = "aarch64",
          .desc = "ARM Cortex-A72 (ARMv8.0)", .impl = &model_a72);
CPU_MODEL(cpu_model_max, .name = "max", .arch = "aarch64",
          .desc = "every feature ferry implements (ID registers say exactly that)",
          .impl = &model_max);

/* ---- state helpers --------------------------------------------------------------------- */

void arm_set_pstate(CPUARMState *env, uint64_t pstate)
{
    arm_sp_sync(env);
    env->pstate = pstate & ~(uint64_t)PSTATE_NZCV;
    env->xregs[31] = env->sp_el[arm_sp_bank(env)];
}

uint32_t arm_fpsr_read(CPUARMState *env)
{
    return env->fpsr | (env->fp_status.flags & FPSR_CUMULATIVE);
}

void arm_fpsr_write(CPUARMState *env, uint32_t v)
{
    env->fpsr = v & FPSR_MASK;
    env->fp_status.flags = 0;
}

void arm_fpcr_write(CPUARMState *env, uint32_t v)
{
    uint32_t mask = FPCR_MASK;
    if (!arm_has(env_archcpu(env), ARM_FEAT_FP16))
        mask &= ~(1u << 19);     /* FZ16 is RES0 without half precision */
    env->fpcr = v & mask;
    arm_fp_status_set_fpcr(&env->fp_status, env->fpcr);
}

/* ---- CPUHooks --------------------------------------------------------------------------- */

void a64_translate_init(TCGContext *s);
void a64_translate(CPUState *cs, TranslatorCtx *tc);

static void arm_get_tb_key(CPUState *cs, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    CPUARMState *env = &arm_cpu(cs)->env;
    *pc = env->pc;
    *cs_base = 0;
    uint32_t f = arm_sys_tb_flags(env);
    f |= arm_current_el(env) << TBF_EL_SHIFT;
    if (arm_semihosting_enabled)
        f |= TBF_SEMIHOST;
    *flags = f;
}

static int arm_code_mmu_index(CPUState *cs, uint32_t flags)
{
    (void)cs;
    return (int)((flags >> TBF_MMU_SHIFT) & 0xf);
}

static void arm_unaligned(CPUState *cs, uint64_t vaddr, MMUAccessType type, int mmu_idx, uintptr_t ra)
{
    (void)mmu_idx;
    arm_raise_abort(&arm_cpu(cs)->env, vaddr, type, FSC_ALIGNMENT, ra);
}

static void arm_transaction_failed(CPUState *cs, hwaddr phys, uint64_t vaddr, MMUAccessType type,
                                   int mmu_idx, MemTxResult res, uintptr_t ra)
{
    (void)phys;
    (void)mmu_idx;
    (void)res;
    /* synchronous external abort, as a real bus reports a decode error */
    arm_raise_abort(&arm_cpu(cs)->env, vaddr, type, FSC_SYNC_EXTERNAL, ra);
}

static bool arm_exec_interrupt_hook(CPUState *cs, uint32_t req)
{
    return arm_exec_interrupt(arm_cpu(cs), req);
}

static void arm_do_interrupt(CPUState *cs)
{
    ARMCPU *cpu = arm_cpu(cs);
    if (cpu->exception_intercept && cpu->exception_intercept(cpu, cpu->intercept_opaque)) {
        cs->halted = true;
        return;
    }
    arm_deliver_exception(cpu);
}

static void arm_restore_state(CPUState *cs, const TranslationBlock *tb, const uint64_t *data)
{
    (void)tb;
    CPUARMState *env = &arm_cpu(cs)->env;
    env->pc = data[0];
    env->exception.insn = (uint32_t)data[1];
}

static bool arm_has_work_hook(CPUState *cs)
{
    return arm_has_work(arm_cpu(cs));
}

static void arm_dump_state(CPUState *cs, FILE *f)
{
    ARMCPU *cpu = arm_cpu(cs);
    CPUARMState *env = &cpu->env;
    uint32_t nzcv = arm_nzcv_read(env);
    fprintf(f, " PC=%016" PRIx64 " ", env->pc);
    for (int i = 0; i < 31; i++)
        fprintf(f, "X%02d=%016" PRIx64 "%s", i, env->xregs[i], (i % 4 == 2) ? "\n" : " ");
    fprintf(f, " SP=%016" PRIx64 "\n", env->xregs[31]);
    fprintf(f, "PSTATE=%08" PRIx64 " %c%c%c%c EL%u%c DAIF=%x FPCR=%08x FPSR=%08x\n",
            arm_pstate_read(env), nzcv & (1u << 31) ? 'N' : '-', nzcv & (1u << 30) ? 'Z' : '-',
            nzcv & (1u << 29) ? 'C' : '-', nzcv & (1u << 28) ? 'V' : '-', arm_current_el(env),
            (env->pstate & PSTATE_SP) ? 'h' : 't', (unsigned)(env->pstate >> 6) & 0xf, env->fpcr,
            arm_fpsr_read(env));
    if (log_enabled(LOG_CPU)) {
        for (int i = 0; i < 32; i++)
            fprintf(f, "Q%02d=%016" PRIx64 ":%016" PRIx64 "%s", i, env->vregs[i].d[1],
                    env->vregs[i].d[0], (i % 2) ? "\n" : " ");
    }
}

static bool arm_tlb_fill_hook(CPUState *cs, uint64_t vaddr, MMUAccessType type, int mmu_idx,
                              bool probe, uintptr_t ra, TLBFill *out)
{
    return arm_tlb_fill(cs, vaddr, type, mmu_idx, probe, ra, out);
}

const CPUHooks arm_cpu_hooks = {
    .arch = "aarch64",
    .env_offset = offsetof(ARMCPU, env),
    .insn_start_words = 2,          /* pc, instruction word */
    .nb_mmu_modes = ARM_NB_MMU_MODES,
    .translate_init = a64_translate_init,
    .get_tb_key = arm_get_tb_key,
    .code_mmu_index = arm_code_mmu_index,
    .translate = a64_translate,
    .tlb_fill = arm_tlb_fill_hook,
    .do_unaligned_access = arm_unaligned,
    .transaction_failed = arm_transaction_failed,
    .exec_interrupt = arm_exec_interrupt_hook,
    .do_interrupt = arm_do_interrupt,
    .restore_state = arm_restore_state,
    .has_work = arm_has_work_hook,
    .dump_state = arm_dump_state,
};

/* ---- creation and reset ----------------------------------------------------------------- */

ARMCPU *arm_cpu_create(const CpuModel *cm, AddressSpace *as, const ARMCPUConfig *cfg,
                       Error **errp)
{
    if (!cm || strcmp(cm->arch, "aarch64") || !cm->impl) {
        error_setg(errp, "-cpu %s: not an AArch64 CPU model (see -cpu help)",
                   cm ? cm->name : "(none)");
        return NULL;
    }
    const ARMCPUModel *model = cm->impl;
    ARMCPU *cpu = xzalloc(sizeof(*cpu));
    cpu->model = model;
    cpu->model_name = cm->name;
    cpu->id = model->id;
    if (model->is_max)
        max_apply_built(&cpu->id);
    if (cfg) {
        cpu->mpidr = cfg->mpidr;
        cpu->rvbar = cfg->rvbar;
        cpu->machine = cfg->machine;
        if (!cfg->has_el2)
            field_set(&cpu->id, &arm_feature_info[ARM_FEAT_EL2], 0);
        if (!cfg->has_el3)
            field_set(&cpu->id, &arm_feature_info[ARM_FEAT_EL3], 0);
        if (cfg->gic_sysregs)
            cpu->id.id_aa64pfr0 |= 1ull << 24;   /* PFR0.GIC: system register interface */
    } else {
        field_set(&cpu->id, &arm_feature_info[ARM_FEAT_EL2], 0);
        field_set(&cpu->id, &arm_feature_info[ARM_FEAT_EL3], 0);
    }
    /* MPIDR: bit 31 RES1; U (bit 30) = 0: part of a multiprocessor system */
    cpu->mpidr |= 1ull << 31;
    cpu->features = features_of(&cpu->id);
    if (log_enabled(LOG_UNIMP)) {
        for (int i = 1; i < ARM_FEAT__COUNT; i++)
            if (arm_has(cpu, (ARMFeature)i) && !arm_feature_built((ARMFeature)i) &&
                i != ARM_FEAT_EL2 && i != ARM_FEAT_EL3)
                log_printf("cpu %s: feature %s is advertised by the model but not implemented: "
                           "its instructions are Undefined\n", cm->name, arm_feature_info[i].name);
    }
    cpu_init(&cpu->parent, &arm_cpu_hooks, as);
    arm_cpu_reset(cpu);
    return cpu;
}

void arm_cpu_destroy(ARMCPU *cpu)
{
    cpu_remove(&cpu->parent);
    free(cpu);
}

void arm_cpu_reset(ARMCPU *cpu)
{
    CPUARMState *env = &cpu->env;
    memset(env, 0, offsetof(CPUARMState, sys));
    unsigned el = arm_has(cpu, ARM_FEAT_EL3) ? 3 : arm_has(cpu, ARM_FEAT_EL2) ? 2 : 1;
    env->pstate = (uint64_t)el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
    arm_nzcv_write(env, 0);
    env->pc = cpu->rvbar;
    env->excl_addr = ARM_EXCL_NONE;
    fp_status_init(&env->fp_status, FP_PROFILE_ARM);
    arm_fpcr_write(env, 0);
    arm_sys_reset(cpu);
    cpu_reset_common(&cpu->parent);
}

void arm_cpu_reset_to(ARMCPU *cpu, uint64_t pc, unsigned el)
{
    arm_cpu_reset(cpu);
    CPUARMState *env = &cpu->env;
    arm_set_pstate(env, (uint64_t)el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF);
    env->pc = pc;
}

void arm_cpu_end_run(ARMCPU *cpu, int status)
{
    CPUState *cs = &cpu->parent;
    cs->halted = true;
    cs->stopped = true;
    if (cpu->on_end_run)
        cpu->on_end_run(cpu, status, cpu->end_run_opaque);
    if (cpu->machine)
        machine_request_shutdown(cpu->machine, status);
}
