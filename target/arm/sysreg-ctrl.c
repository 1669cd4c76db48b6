/*
 * sysreg-ctrl.c — exception-handling and control registers of EL1, EL2 and
 * EL3: ESR, FAR, ELR, SPSR, VBAR, TPIDR, AFSR0/1, ACTLR of each EL, the
 * banked stack pointers SP_EL0..SP_EL2, CPACR_EL1, HCR_EL2, CPTR_EL2,
 * MDCR_EL2, HSTR_EL2, HACR_EL2, HPFAR_EL2, VPIDR/VMPIDR_EL2, SCR_EL3,
 * CPTR_EL3, MDCR_EL3, RVBAR_ELx, RMR_EL3, the cache identification
 * registers CSSELR_EL1/CCSIDR_EL1, AIDR_EL1, and the AArch32 registers an
 * AArch64 hypervisor saves (SPSR_irq/abt/und/fiq, DACR32, IFSR32,
 * FPEXC32: RAZ/WI, there is no AArch32).
 *
 * Follows DDI 0487 D17.2 (register descriptions, RES0/RES1 bits, which
 * HCR_EL2/SCR_EL3 bits are RAO without AArch32) and D17.1 (accesses to
 * registers of a higher EL are Undefined).
 *
 * Not implemented: the trap controls of HCR_EL2 that only a hypervisor
 * running guests needs (TVM, TRVM, TID*, TACR, TSW, TPCP, TPU, TTLB, TWI,
 * TWE at EL1, TIDCP) and MDCR_EL2/EL3 traps: they are stored and read back
 * but do not trap. VPIDR/VMPIDR are stored; EL1 reads of MIDR/MPIDR
 * return the CPU's own values.
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"

#define EL2_RW (SR_RW(2) | SR_RW(3))
#define EL3_RW SR_RW(3)

#define FIELD_ROW(nm, o1, crn, crm, o2, acc, fld) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, crn, crm, o2), .access = acc, .kind = SRK_FIELD, \
      .offset = ENV_OFS(fld) }
#define RAZWI_ROW(nm, o1, crn, crm, o2, acc) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, crn, crm, o2), .access = acc, .kind = SRK_CONST, \
      .value = 0 }
#define FN_ROW(nm, o1, crn, crm, o2, acc, fld, wr, fl) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, crn, crm, o2), .access = acc, .kind = SRK_FN, \
      .read = arm_sr_read_field, .write = wr, .offset = ENV_OFS(fld), .flags = fl }

/* ---- controls that change translation or interrupt routing ------------------------------------ */

static void cpacr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.cpacr_el1 = v & (3ull << CPACR_FPEN_SHIFT);
    arm_sys_flags_changed(env);
}

static void hcr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    /* E2H is RES0 without VHE; RW is RAO (EL1 is AArch64-only) */
    v = (v & ~(1ull << 34)) | HCR_RW;
    uint64_t old = env->sys.hcr_el2;
    env->sys.hcr_el2 = v;
    if ((old ^ v) & (HCR_VM | HCR_DC | HCR_TGE))
        arm_tlb_flush_e10(env);
    arm_sys_flags_changed(env);
    arm_update_virq(env_archcpu(env));
}

static void cptr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    if (r->value == 2)
        env->sys.cptr_el2 = (v & (CPTR_TFP | 1ull << 20 | 1ull << 31)) | 0x33ff;
    else
        env->sys.cptr_el3 = v & (CPTR_TFP | 1ull << 20 | 1ull << 31);
    arm_sys_flags_changed(env);
}

static void scr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    v = (v & 0x3fffull) | SCR_RW;
    if (!arm_has_el2(env))
        v &= ~SCR_HCE;
    uint64_t old = env->sys.scr_el3;
    env->sys.scr_el3 = v;
    if ((old ^ v) & SCR_NS) {
        arm_tlb_flush_e10(env);
        tlb_flush_by_mmuidx(env_cs(env), ARM_MMU_MASK_E2);
    }
    arm_sys_flags_changed(env);
    arm_update_virq(env_archcpu(env));
}

/* ---- identification --------------------------------------------------------------------------- */

/* CCSIDR_EL1 for the cache CSSELR_EL1 selects: 32 KiB 2-way L1 data,
 * 48 KiB 3-way L1 instruction, 2 MiB 16-way L2, 64-byte lines (as
 * CLIDR_EL1 of the models describes; Cortex-A57 TRM values). */
static uint64_t ccsidr_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)r;
    (void)ra;
    switch (env->sys.csselr_el1 & 0xf) {
    case 0: return 0x701fe00a;   /* L1 D: WB RA WA, 256 sets, 2 ways */
    case 1: return 0x201fe012;   /* L1 I: RA, 256 sets, 3 ways */
    case 2: return 0x70ffe07a;   /* L2: 2048 sets, 16 ways */
    default: return 0;
    }
}

static void csselr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.csselr_el1 = v & 0xf;
}

/* RVBAR_ELx exists for the highest implemented EL only */
static bool gen_rvbar(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    (void)isread;
    ARMCPU *cpu = dc->cpu;
    unsigned highest = arm_has(cpu, ARM_FEAT_EL3) ? 3 : arm_has(cpu, ARM_FEAT_EL2) ? 2 : 1;
    if (highest != r->value)
        return false;
    write_x(dc, rt, ir_const64(dc->s, cpu->rvbar));
    return true;
}

static const ARMSysReg ctrl_sysregs[] = {
    /* EL1 */
    FIELD_ROW("SPSR_EL1", 0, 4, 0, 0, SR_EL1_RW, sys.spsr[1]),
    FIELD_ROW("ELR_EL1", 0, 4, 0, 1, SR_EL1_RW, sys.elr[1]),
    FIELD_ROW("SP_EL0", 0, 4, 1, 0, SR_EL1_RW, sp_el[0]),
    FIELD_ROW("ESR_EL1", 0, 5, 2, 0, SR_EL1_RW, sys.esr[1]),
    FIELD_ROW("AFSR0_EL1", 0, 5, 1, 0, SR_EL1_RW, sys.afsr0[1]),
    FIELD_ROW("AFSR1_EL1", 0, 5, 1, 1, SR_EL1_RW, sys.afsr1[1]),
    FIELD_ROW("FAR_EL1", 0, 6, 0, 0, SR_EL1_RW, sys.far[1]),
    FIELD_ROW("VBAR_EL1", 0, 12, 0, 0, SR_EL1_RW, sys.vbar[1]),
    FIELD_ROW("TPIDR_EL1", 0, 13, 0, 4, SR_EL1_RW, sys.tpidr[1]),
    FIELD_ROW("ACTLR_EL1", 0, 1, 0, 1, SR_EL1_RW, sys.actlr[1]),
    FN_ROW("CPACR_EL1", 0, 1, 0, 2, SR_EL1_RW, sys.cpacr_el1, cpacr_write, SRF_END_TB),
    { .name = "CCSIDR_EL1", .enc = ARM_SYSREG_ENC(3, 1, 0, 0, 0), .access = SR_EL1_R,
      .kind = SRK_FN, .read = ccsidr_read },
    FN_ROW("CSSELR_EL1", 2, 0, 0, 0, SR_EL1_RW, sys.csselr_el1, csselr_write, 0),
    { .name = "AIDR_EL1", .enc = ARM_SYSREG_ENC(3, 1, 0, 0, 7), .access = SR_EL1_R,
      .kind = SRK_CONST, .value = 0 },
    { .name = "RVBAR_EL1", .enc = ARM_SYSREG_ENC(3, 0, 12, 0, 1), .access = SR_EL1_R,
      .kind = SRK_GEN, .gen = gen_rvbar, .value = 1 },

    /* EL2 */
    FN_ROW("HCR_EL2", 4, 1, 1, 0, EL2_RW, sys.hcr_el2, hcr_write, SRF_END_TB),
    { .name = "CPTR_EL2", .enc = ARM_SYSREG_ENC(3, 4, 1, 1, 2), .access = EL2_RW,
      .kind = SRK_FN, .read = arm_sr_read_field, .write = cptr_write,
      .offset = ENV_OFS(sys.cptr_el2), .value = 2, .flags = SRF_END_TB },
    FIELD_ROW("MDCR_EL2", 4, 1, 1, 1, EL2_RW, sys.mdcr_el2),
    FIELD_ROW("HSTR_EL2", 4, 1, 1, 3, EL2_RW, sys.hstr_el2),
    FIELD_ROW("HACR_EL2", 4, 1, 1, 7, EL2_RW, sys.hacr_el2),
    FIELD_ROW("ACTLR_EL2", 4, 1, 0, 1, EL2_RW, sys.actlr[2]),
    FIELD_ROW("SPSR_EL2", 4, 4, 0, 0, EL2_RW, sys.spsr[2]),
    FIELD_ROW("ELR_EL2", 4, 4, 0, 1, EL2_RW, sys.elr[2]),
    FIELD_ROW("SP_EL1", 4, 4, 1, 0, EL2_RW, sp_el[1]),
    FIELD_ROW("AFSR0_EL2", 4, 5, 1, 0, EL2_RW, sys.afsr0[2]),
    FIELD_ROW("AFSR1_EL2", 4, 5, 1, 1, EL2_RW, sys.afsr1[2]),
    FIELD_ROW("ESR_EL2", 4, 5, 2, 0, EL2_RW, sys.esr[2]),
    FIELD_ROW("FAR_EL2", 4, 6, 0, 0, EL2_RW, sys.far[2]),
    FIELD_ROW("HPFAR_EL2", 4, 6, 0, 4, EL2_RW, sys.hpfar_el2),
    FIELD_ROW("VBAR_EL2", 4, 12, 0, 0, EL2_RW, sys.vbar[2]),
    FIELD_ROW("TPIDR_EL2", 4, 13, 0, 2, EL2_RW, sys.tpidr[2]),
    FIELD_ROW("VPIDR_EL2", 4, 0, 0, 0, EL2_RW, sys.vpidr_el2),
    FIELD_ROW("VMPIDR_EL2", 4, 0, 0, 5, EL2_RW, sys.vmpidr_el2),
    { .name = "RVBAR_EL2", .enc = ARM_SYSREG_ENC(3, 4, 12, 0, 1), .access = SR_R(2) | SR_R(3),
      .kind = SRK_GEN, .gen = gen_rvbar, .value = 2 },
    RAZWI_ROW("SPSR_irq", 4, 4, 3, 0, EL2_RW),
    RAZWI_ROW("SPSR_abt", 4, 4, 3, 1, EL2_RW),
    RAZWI_ROW("SPSR_und", 4, 4, 3, 2, EL2_RW),
    RAZWI_ROW("SPSR_fiq", 4, 4, 3, 3, EL2_RW),
    RAZWI_ROW("DACR32_EL2", 4, 3, 0, 0, EL2_RW),
    RAZWI_ROW("IFSR32_EL2", 4, 5, 0, 1, EL2_RW),
    RAZWI_ROW("FPEXC32_EL2", 4, 5, 3, 0, EL2_RW),

    /* EL3 */
    FN_ROW("SCR_EL3", 6, 1, 1, 0, EL3_RW, sys.scr_el3, scr_write, SRF_END_TB),
    { .name = "CPTR_EL3", .enc = ARM_SYSREG_ENC(3, 6, 1, 1, 2), .access = EL3_RW,
      .kind = SRK_FN, .read = arm_sr_read_field, .write = cptr_write,
      .offset = ENV_OFS(sys.cptr_el3), .value = 3, .flags = SRF_END_TB },
    FIELD_ROW("MDCR_EL3", 6, 1, 3, 1, EL3_RW, sys.mdcr_el3),
    FIELD_ROW("ACTLR_EL3", 6, 1, 0, 1, EL3_RW, sys.actlr[3]),
    FIELD_ROW("SPSR_EL3", 6, 4, 0, 0, EL3_RW, sys.spsr[3]),
    FIELD_ROW("ELR_EL3", 6, 4, 0, 1, EL3_RW, sys.elr[3]),
    FIELD_ROW("SP_EL2", 6, 4, 1, 0, EL3_RW, sp_el[2]),
    FIELD_ROW("AFSR0_EL3", 6, 5, 1, 0, EL3_RW, sys.afsr0[3]),
    FIELD_ROW("AFSR1_EL3", 6, 5, 1, 1, EL3_RW, sys.afsr1[3]),
    FIELD_ROW("ESR_EL3", 6, 5, 2, 0, EL3_RW, sys.esr[3]),
    FIELD_ROW("FAR_EL3", 6, 6, 0, 0, EL3_RW, sys.far[3]),
    FIELD_ROW("VBAR_EL3", 6, 12, 0, 0, EL3_RW, sys.vbar[3]),
    FIELD_ROW("TPIDR_EL3", 6, 13, 0, 2, EL3_RW, sys.tpidr[3]),
    { .name = "RVBAR_EL3", .enc = ARM_SYSREG_ENC(3, 6, 12, 0, 1), .access = SR_R(3),
      .kind = SRK_GEN, .gen = gen_rvbar, .value = 3 },
    /* RMR_EL3: AA64 = 1, no reset request */
    { .name = "RMR_EL3", .enc = ARM_SYSREG_ENC(3, 6, 12, 0, 2), .access = EL3_RW,
      .kind = SRK_CONST, .value = 1 },
};
ARM_SYSREGS(ctrl_sysregs)
