/*
 * sysreg-el0.c — the system registers and SYS operations EL0 code uses
 * (and their EL1 views): NZCV, DAIF, FPCR, FPSR, TPIDR_EL0, TPIDRRO_EL0,
 * CTR_EL0, DCZID_EL0, CNTVCT_EL0, CNTFRQ_EL0, CurrentEL, SPSel, DC ZVA,
 * the cache maintenance operations by VA EL0 may use, and the AArch64 ID
 * registers (MIDR, MPIDR, REVIDR, ID_AA64*, CLIDR) from the CPU model.
 *
 * Follows DDI 0487 D17.2 (register descriptions and encodings), C5.3.15
 * DC ZVA, and the EL0 access controls SCTLR_EL1.{UMA,UCT,DZE,UCI} and
 * CNTKCTL_EL1.EL0VCTEN (as TB flags the system level sets).
 */
#include "target/arm/sys.h"
#include "target/arm/sysreg.h"

/* ---- NZCV, DAIF ------------------------------------------------------------------------------ */

static bool gen_nzcv(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    TCGContext *s = dc->s;
    (void)r;
    if (isread) {
        if (rt == 31)
            return true;
        TCGv t = new_tmp(dc), u = new_tmp(dc);
        ir_shri(s, t, cpu_NF, 63);
        ir_shli(s, t, t, 31);
        ir_setcondi(s, COND_EQ, u, cpu_ZF, 0);
        ir_shli(s, u, u, 30);
        ir_or(s, t, t, u);
        ir_shli(s, u, cpu_CF, 29);
        ir_or(s, t, t, u);
        ir_shri(s, u, cpu_VF, 63);
        ir_shli(s, u, u, 28);
        ir_or(s, cpu_X[rt], t, u);
    } else {
        TCGv v = read_x(dc, rt), t = new_tmp(dc);
        ir_andi(s, t, v, 0xf0000000u);
        ir_shli(s, cpu_NF, t, 32);
        ir_andi(s, t, v, 1u << 30);
        ir_xori(s, cpu_ZF, t, 1u << 30);
        ir_extract(s, cpu_CF, v, 29, 1);
        ir_shli(s, cpu_VF, v, 35);
    }
    return true;
}

static bool gen_daif(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    TCGContext *s = dc->s;
    (void)r;
    TCGv t = new_tmp(dc);
    ir_ld(s, t, s->env, offsetof(CPUARMState, pstate));
    if (isread) {
        ir_andi(s, dest_x(dc, rt), t, PSTATE_DAIF);
    } else {
        TCGv v = new_tmp(dc);
        ir_andi(s, v, read_x(dc, rt), PSTATE_DAIF);
        ir_andi(s, t, t, ~(uint64_t)PSTATE_DAIF);
        ir_or(s, t, t, v);
        ir_st(s, t, s->env, offsetof(CPUARMState, pstate));
    }
    return true;
}

/* ---- FPCR, FPSR ------------------------------------------------------------------------------ */

static uint64_t helper_fpcr_read(CPUARMState *env)
{
    return env->fpcr;
}
static void helper_fpcr_write(CPUARMState *env, uint64_t v)
{
    arm_fpcr_write(env, (uint32_t)v);
}
static uint64_t helper_fpsr_read(CPUARMState *env)
{
    return arm_fpsr_read(env);
}
static void helper_fpsr_write(CPUARMState *env, uint64_t v)
{
    arm_fpsr_write(env, (uint32_t)v);
}
static const TCGHelper h_fpcr_read = TCG_HELPER(helper_fpcr_read, TCG_I64, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_READ_G);
static const TCGHelper h_fpcr_write = TCG_HELPER(helper_fpcr_write, TCG_VOID, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_READ_G);
static const TCGHelper h_fpsr_read = TCG_HELPER(helper_fpsr_read, TCG_I64, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_READ_G);
static const TCGHelper h_fpsr_write = TCG_HELPER(helper_fpsr_write, TCG_VOID, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_READ_G);

static bool gen_fp_ctl(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    TCGContext *s = dc->s;
    bool fpcr = r->value == 0;
    if (!fp_access_check(dc))
        return true;
    if (isread) {
        TCGv t = new_tmp(dc);
        ir_callv(s, fpcr ? &h_fpcr_read : &h_fpsr_read, t, s->env);
        write_x(dc, rt, t);
    } else {
        ir_callv(s, fpcr ? &h_fpcr_write : &h_fpsr_write, TCGV_NONE, s->env, read_x(dc, rt));
    }
    return true;
}

/* ---- DCZID_EL0, CurrentEL ---------------------------------------------------------------------- */

static bool gen_dczid(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    (void)r;
    (void)isread;
    uint64_t v = dc->cpu->id.dczid & 0xf;
    if (dc->el == 0 && !(dc->tbflags & TBF_DZE))
        v |= 0x10;   /* DZP: DC ZVA prohibited */
    write_x(dc, rt, ir_const64(dc->s, v));
    return true;
}

static bool gen_currentel(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    (void)r;
    (void)isread;
    write_x(dc, rt, ir_const64(dc->s, (uint64_t)dc->el << 2));
    return true;
}

/* ---- SPSel ---------------------------------------------------------------------------------------- */

static uint64_t spsel_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)r;
    (void)ra;
    return env->pstate & PSTATE_SP;
}
static void spsel_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    arm_set_pstate(env, (env->pstate & ~(uint64_t)PSTATE_SP) | (v & 1));
}

/* ---- timer (the generic timer itself is the system level's) ------------------------------------- */

static uint64_t cntvct_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)r;
    (void)ra;
    return arm_cntvct(env);
}
static uint64_t cntfrq_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)r;
    (void)ra;
    return arm_cntfrq(env);
}

/* ---- DC ZVA ----------------------------------------------------------------------------------------- */

/* Zero the naturally aligned block (4 << DCZID.BS bytes) holding va. */
static void dc_zva_write(CPUARMState *env, const ARMSysReg *r, uint64_t va, uintptr_t ra)
{
    (void)r;
    CPUState *cs = env_cs(env);
    unsigned bs = 4u << (env_archcpu(env)->id.dczid & 0xf);
    uint64_t base = va & ~(uint64_t)(bs - 1);
    int mmu_idx = arm_mmu_idx(env);
    /* a block never crosses a page: one probe, faults as a store would */
    void *p = probe_access(cs, base, bs, MMU_DATA_STORE, mmu_idx, false, ra);
    if (p) {
        memset(p, 0, bs);
    } else {
        for (unsigned i = 0; i < bs; i += 8)
            cpu_st(cs, base + i, 0, MO_64, mmu_idx, ra);
    }
}

/* ---- ID registers --------------------------------------------------------------------------------- */

#define IDREG(nm, o1, cm, o2, field) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, 0, cm, o2), .access = SR_EL1_R, \
      .kind = SRK_FIELD, .offset = ARMCPU_OFS(field) }

static const ARMSysReg el0_sysregs[] = {
    { .name = "NZCV", .enc = ARM_SYSREG_ENC(3, 3, 4, 2, 0), .access = SR_EL0_RW, .kind = SRK_GEN,
      .gen = gen_nzcv },
    { .name = "DAIF", .enc = ARM_SYSREG_ENC(3, 3, 4, 2, 1), .access = SR_EL0_RW, .kind = SRK_GEN,
      .gen = gen_daif, .el0_tbflag = TBF_UMA, .flags = SRF_END_TB },
    { .name = "FPCR", .enc = ARM_SYSREG_ENC(3, 3, 4, 4, 0), .access = SR_EL0_RW, .kind = SRK_GEN,
      .gen = gen_fp_ctl, .value = 0 },
    { .name = "FPSR", .enc = ARM_SYSREG_ENC(3, 3, 4, 4, 1), .access = SR_EL0_RW, .kind = SRK_GEN,
      .gen = gen_fp_ctl, .value = 1 },
    { .name = "TPIDR_EL0", .enc = ARM_SYSREG_ENC(3, 3, 13, 0, 2), .access = SR_EL0_RW,
      .kind = SRK_FIELD, .offset = ENV_OFS(tpidr_el0) },
    { .name = "TPIDRRO_EL0", .enc = ARM_SYSREG_ENC(3, 3, 13, 0, 3), .access = SR_EL0_R | SR_EL1_W,
      .kind = SRK_FIELD, .offset = ENV_OFS(tpidrro_el0) },
    { .name = "CTR_EL0", .enc = ARM_SYSREG_ENC(3, 3, 0, 0, 1), .access = SR_EL0_R,
      .kind = SRK_FIELD, .offset = ARMCPU_OFS(id.ctr), .el0_tbflag = TBF_UCT },
    { .name = "DCZID_EL0", .enc = ARM_SYSREG_ENC(3, 3, 0, 0, 7), .access = SR_EL0_R,
      .kind = SRK_GEN, .gen = gen_dczid },
    { .name = "CNTFRQ_EL0", .enc = ARM_SYSREG_ENC(3, 3, 14, 0, 0), .access = SR_EL0_R,
      .kind = SRK_FN, .read = cntfrq_read, .el0_tbflag = TBF_EL0_TIMER },
    { .name = "CNTVCT_EL0", .enc = ARM_SYSREG_ENC(3, 3, 14, 0, 2), .access = SR_EL0_R,
      .kind = SRK_FN, .read = cntvct_read, .flags = SRF_IO, .el0_tbflag = TBF_EL0_TIMER },
    { .name = "CurrentEL", .enc = ARM_SYSREG_ENC(3, 0, 4, 2, 2), .access = SR_EL1_R,
      .kind = SRK_GEN, .gen = gen_currentel },
    { .name = "SPSel", .enc = ARM_SYSREG_ENC(3, 0, 4, 2, 0), .access = SR_EL1_RW,
      .kind = SRK_FN, .read = spsel_read, .write = spsel_write },
    /* SYS operations (writes of Xt) */
    { .name = "DC ZVA", .enc = ARM_SYSREG_ENC(1, 3, 7, 4, 1), .access = SR_EL0_W, .kind = SRK_FN,
      .write = dc_zva_write, .el0_tbflag = TBF_DZE },
    { .name = "IC IVAU", .enc = ARM_SYSREG_ENC(1, 3, 7, 5, 1), .access = SR_EL0_W, .kind = SRK_NOP,
      .el0_tbflag = TBF_UCI },
    { .name = "DC CVAC", .enc = ARM_SYSREG_ENC(1, 3, 7, 10, 1), .access = SR_EL0_W, .kind = SRK_NOP,
      .el0_tbflag = TBF_UCI },
    { .name = "DC CVAU", .enc = ARM_SYSREG_ENC(1, 3, 7, 11, 1), .access = SR_EL0_W, .kind = SRK_NOP,
      .el0_tbflag = TBF_UCI },
    { .name = "DC CIVAC", .enc = ARM_SYSREG_ENC(1, 3, 7, 14, 1), .access = SR_EL0_W, .kind = SRK_NOP,
      .el0_tbflag = TBF_UCI },
    /* ID registers (EL1) */
    IDREG("MIDR_EL1", 0, 0, 0, id.midr),
    IDREG("MPIDR_EL1", 0, 0, 5, mpidr),
    IDREG("REVIDR_EL1", 0, 0, 6, id.revidr),
    IDREG("ID_AA64PFR0_EL1", 0, 4, 0, id.id_aa64pfr0),
    IDREG("ID_AA64PFR1_EL1", 0, 4, 1, id.id_aa64pfr1),
    IDREG("ID_AA64ZFR0_EL1", 0, 4, 4, id.id_aa64zfr0),
    IDREG("ID_AA64DFR0_EL1", 0, 5, 0, id.id_aa64dfr0),
    IDREG("ID_AA64DFR1_EL1", 0, 5, 1, id.id_aa64dfr1),
    IDREG("ID_AA64AFR0_EL1", 0, 5, 4, id.id_aa64afr0),
    IDREG("ID_AA64AFR1_EL1", 0, 5, 5, id.id_aa64afr1),
    IDREG("ID_AA64ISAR0_EL1", 0, 6, 0, id.id_aa64isar0),
    IDREG("ID_AA64ISAR1_EL1", 0, 6, 1, id.id_aa64isar1),
    IDREG("ID_AA64ISAR2_EL1", 0, 6, 2, id.id_aa64isar2),
    IDREG("ID_AA64MMFR0_EL1", 0, 7, 0, id.id_aa64mmfr0),
    IDREG("ID_AA64MMFR1_EL1", 0, 7, 1, id.id_aa64mmfr1),
    IDREG("ID_AA64MMFR2_EL1", 0, 7, 2, id.id_aa64mmfr2),
    { .name = "CLIDR_EL1", .enc = ARM_SYSREG_ENC(3, 1, 0, 0, 1), .access = SR_EL1_R,
      .kind = SRK_FIELD, .offset = ARMCPU_OFS(id.clidr) },
};
ARM_SYSREGS(el0_sysregs)
