/*
 * cpu-sys.c — the system level's side of a CPU's life: reset values of the
 * system registers, the board interface (board.h: PSCI conduit, GICv3
 * link, boot entry with the firmware set-up of higher ELs, power on/off),
 * and small helpers the register files share.
 *
 * Follows DDI 0487: D1.9 (reset: the highest implemented EL, SCTLR_ELx
 * RES1 bits, OS lock set, CNTFRQ as the platform sets it), D17.2
 * (reset values), and the arm64 boot protocol (Linux
 * Documentation/arm64/booting.rst: MMU off, caches off, interrupts
 * masked, counter frequency programmed, CNTVOFF consistent, EL2/EL3 set up
 * so the kernel may run at EL1 or EL2 in AArch64).
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"

#define SCTLR_EL1_RES1 0x30d00800ull    /* bits 29 28 23 22 20 11 */
#define SCTLR_EL23_RES1 0x30c50830ull   /* bits 29 28 23 22 18 16 11 5 4 */
#define CPTR_EL2_RES1 0x33ffull         /* bits 13 12 9..0 */

void arm_sys_reset(ARMCPU *cpu)
{
    CPUARMState *env = &cpu->env;
    ARMSysRegs *sr = &env->sys;
    memset(sr, 0, offsetof(ARMSysRegs, links));
    sr->sctlr[1] = SCTLR_EL1_RES1;
    sr->sctlr[2] = SCTLR_EL23_RES1;
    sr->sctlr[3] = SCTLR_EL23_RES1;
    sr->hcr_el2 = HCR_RW;              /* EL1 is AArch64-only: RAO */
    sr->scr_el3 = SCR_RW;
    sr->cptr_el2 = CPTR_EL2_RES1;
    sr->cntfrq = 62500000;
    sr->vpidr_el2 = cpu->id.midr;
    sr->vmpidr_el2 = cpu->mpidr;
    sr->oslsr_el1 = 0xa;               /* OSLM = 0b10, OSLK = 1 */
    sr->pmcr = (cpu->id.midr >> 24) << 24 | (uint64_t)ARM_PMU_COUNTERS << 11;
    sr->mdcr_el2 = ARM_PMU_COUNTERS;   /* HPMN */
    sr->tbflags_key = UINT32_MAX;
    for (int t = 0; t < GT__COUNT; t++)
        if (sr->links.gt_irq[t] || sr->links.gt_timer[t])
            arm_gt_update(cpu, t);
}

/* ---- row helpers ------------------------------------------------------------------------ */

uint64_t arm_sr_read_field(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)ra;
    uint64_t v;
    memcpy(&v, (char *)env + r->offset, 8);
    return v;
}

void arm_sr_write_field(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    memcpy((char *)env + r->offset, &v, 8);
}

void arm_sysreg_trap(CPUARMState *env, const ARMSysReg *r, bool isread, unsigned target,
                     uintptr_t ra)
{
    unsigned e = r->enc;
    cpu_restore_state(env_cs(env), ra);    /* for the instruction word (Rt) */
    unsigned rt = env->exception.insn & 31;
    arm_raise(env, EXCP_UDEF,
              syn_sysreg_trap(e >> 14, (e >> 11) & 7, (e >> 7) & 15, (e >> 3) & 15, e & 7, rt,
                              isread),
              target, 0);
}

/* ---- board interface ----------------------------------------------------------------------- */

void arm_cpu_set_gicv3(ARMCPU *cpu, struct GICv3 *gic, int gic_cpu)
{
    cpu->env.sys.links.gicv3 = gic;
    cpu->env.sys.links.gic_cpu = gic_cpu;
}

void arm_cpu_set_psci(ARMCPU *cpu, ARMPsciConduit conduit)
{
    cpu->env.sys.links.psci_conduit = conduit;
}

/* After a reset cleared interrupt_request: the input lines are levels. */
static void resync_inputs(ARMCPU *cpu)
{
    ARMSysLinks *ln = &cpu->env.sys.links;
    if (ln->irq_line)
        cpu_interrupt(&cpu->parent, CPU_INTERRUPT_HARD);
    if (ln->fiq_line)
        cpu_interrupt(&cpu->parent, CPU_INTERRUPT_FIQ);
    arm_update_virq(cpu);
}

void arm_cpu_boot(ARMCPU *cpu, uint64_t pc, unsigned el, const uint64_t x[4])
{
    CPUARMState *env = &cpu->env;
    CPUState *cs = &cpu->parent;
    arm_cpu_reset(cpu);
    if (el > arm_highest_el(env))
        el = arm_highest_el(env);
    if (el == 0)
        el = 1;
    /* what firmware at the higher ELs leaves behind for a Non-secure OS */
    if (arm_has_el3(env) && el < 3) {
        env->sys.scr_el3 = SCR_NS | SCR_RW | (arm_has_el2(env) ? SCR_HCE : 0);
        env->sys.cptr_el3 = 0;
        env->sys.mdcr_el3 = 0;
    }
    if (arm_has_el2(env) && el < 2) {
        env->sys.hcr_el2 = HCR_RW;
        env->sys.cptr_el2 = CPTR_EL2_RES1;
        env->sys.cnthctl_el2 = CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN;
        env->sys.cntvoff_el2 = 0;
    }
    arm_set_pstate(env, (uint64_t)el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF);
    env->pc = pc;
    for (int i = 0; i < 4; i++)
        env->xregs[i] = x ? x[i] : 0;
    arm_sys_flags_changed(env);
    env->sys.links.psci_state = ARM_PSCI_ON;
    cs->halted = false;
    cs->stopped = false;
    resync_inputs(cpu);
}

void arm_cpu_power_off(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    arm_cpu_reset(cpu);
    cpu->env.sys.links.psci_state = ARM_PSCI_OFF;
    cs->halted = true;
    cs->stopped = true;
}

void arm_cpu_power_on(ARMCPU *cpu, uint64_t entry, unsigned el, uint64_t context)
{
    uint64_t x[4] = { context, 0, 0, 0 };
    arm_cpu_boot(cpu, entry, el, x);
    cpu_kick(&cpu->parent);
}
