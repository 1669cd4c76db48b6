/*
 * sys.h — the seam between the A64 instruction frontend and the Arm system
 * level (exception levels, MMU, system registers, timers: target/arm
 * issue 5), plus exception syndromes.
 *
 * The frontend raises exceptions with arm_raise*(); what happens next
 * (vector, ESR/FAR/ELR/SPSR, routing) is arm_deliver_exception(). The
 * functions under "system level" are the system level's (excp.c, mmu.c,
 * cpu-sys.c, timer.c); each says its contract.
 *
 * Syndromes follow DDI 0487 D17.2.37 (ESR_ELx) and its ISS encodings.
 */
#ifndef FERRY_TARGET_ARM_SYS_H
#define FERRY_TARGET_ARM_SYS_H

#include "target/arm/cpu.h"

/* ---- syndromes ------------------------------------------------------------------ */

static inline uint32_t syn_uncategorized(void)
{
    return (uint32_t)EC_UNCATEGORIZED << ESR_EC_SHIFT | ESR_IL;
}
static inline uint32_t syn_svc(uint32_t imm16)
{
    return (uint32_t)EC_SVC64 << ESR_EC_SHIFT | ESR_IL | (imm16 & 0xffff);
}
static inline uint32_t syn_hvc(uint32_t imm16)
{
    return (uint32_t)EC_HVC64 << ESR_EC_SHIFT | ESR_IL | (imm16 & 0xffff);
}
static inline uint32_t syn_smc(uint32_t imm16)
{
    return (uint32_t)EC_SMC64 << ESR_EC_SHIFT | ESR_IL | (imm16 & 0xffff);
}
static inline uint32_t syn_brk(uint32_t imm16)
{
    return (uint32_t)EC_BRK64 << ESR_EC_SHIFT | ESR_IL | (imm16 & 0xffff);
}
/* MSR/MRS/SYS trapped: ISS = Op0 Op2 Op1 CRn Rt CRm Direction */
static inline uint32_t syn_sysreg_trap(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                                       unsigned op2, unsigned rt, bool isread)
{
    return (uint32_t)EC_SYSREG << ESR_EC_SHIFT | ESR_IL | op0 << 20 | op2 << 17 | op1 << 14 |
           crn << 10 | rt << 5 | crm << 1 | (isread ? 1u : 0u);
}
/* FP/SIMD access trapped (from AArch64: CV = 1, COND = 0xe) */
static inline uint32_t syn_fp_access_trap(void)
{
    return (uint32_t)EC_FP_ACCESS << ESR_EC_SHIFT | ESR_IL | 1u << 24 | 0xeu << 20;
}
/* WFI (ti = 0) / WFE (ti = 1) trapped */
static inline uint32_t syn_wfx(unsigned ti)
{
    return (uint32_t)EC_WFX << ESR_EC_SHIFT | ESR_IL | 1u << 24 | 0xeu << 20 | ti;
}
/* Data abort at the current EL, no instruction syndrome (ISV = 0). */
static inline uint32_t syn_data_abort(bool wnr, unsigned fsc)
{
    return (uint32_t)EC_DATA_ABORT << ESR_EC_SHIFT | ESR_IL | (wnr ? 1u << 6 : 0) | fsc;
}
static inline uint32_t syn_insn_abort(unsigned fsc)
{
    return (uint32_t)EC_INSN_ABORT << ESR_EC_SHIFT | ESR_IL | fsc;
}
static inline uint32_t syn_pc_align(void)
{
    return (uint32_t)EC_PC_ALIGN << ESR_EC_SHIFT | ESR_IL;
}

/* ---- raising (helper.c) ----------------------------------------------------------- */

/* Raise excp from a helper or the softmmu: restores the guest state of the
 * instruction containing host address ra (0: env is already exact). */
NORETURN void arm_raise(CPUARMState *env, ARMExcp excp, uint32_t syndrome, unsigned target_el,
                        uintptr_t ra);
/* Data abort (or instruction abort for MMU_INST_FETCH) with FAR = vaddr. */
NORETURN void arm_raise_abort(CPUARMState *env, uint64_t vaddr, MMUAccessType type, unsigned fsc,
                              uintptr_t ra);

/* ---- the system level (excp.c, mmu.c, cpu-sys.c, timer.c) --------------------------- */

/*
 * TB flags besides TBF_EL and TBF_SEMIHOST (which cpu.c sets): the MMU
 * indexes (TBF_MMU_SHIFT, TBF_UNPRIV_MMU_SHIFT), TBF_FP_TRAP, TBF_ALIGN,
 * TBF_UMA/UCT/DZE/UCI, TBF_EL0_TIMER, TBF_WFX_TRAP and any bits >= 24 the
 * system level uses. Anything a translation depends on must be here.
 * Stub: MMU index 0 for everything; EL0 may use DAIF, CTR, DC ZVA, DC/IC,
 * the virtual counter; nothing traps.
 */
uint32_t arm_sys_tb_flags(CPUARMState *env);

/* The MMU index of normal data accesses in the current state. */
static inline int arm_mmu_idx(CPUARMState *env)
{
    return (int)((arm_sys_tb_flags(env) >> TBF_MMU_SHIFT) & 0xf);
}

/*
 * Deliver cpu->parent.exception_index (ARMExcp) with env->exception
 * (syndrome, target_el, vaddress, insn). env->pc is the preferred return
 * address (ELR): the faulting instruction, or the next one for SVC/HVC/SMC.
 * Must take the exception (or end the run): never return to the same
 * state. Stub: prints the exception and stops the machine with status 3.
 */
void arm_deliver_exception(ARMCPU *cpu);

/* CPUHooks.exec_interrupt: take a pending IRQ/FIQ/SError if unmasked.
 * Stub: nothing is ever taken (no interrupt controller yet). */
bool arm_exec_interrupt(ARMCPU *cpu, uint32_t interrupt_request);
/* CPUHooks.has_work: may a CPU halted in WFI resume? WFI wakes on a
 * pending interrupt even when PSTATE masks it. Stub: any IRQ/FIQ/SError
 * line pending. */
bool arm_has_work(ARMCPU *cpu);

/* CPUHooks.tlb_fill (the stage 1/2 walk). Stub: MMU off, physical =
 * virtual, RWX, 4 KiB pages; addresses beyond the 48-bit physical space
 * fault (address size fault, FSC 0). */
bool arm_tlb_fill(CPUState *cs, uint64_t vaddr, MMUAccessType type, int mmu_idx, bool probe,
                  uintptr_t ra, TLBFill *out);

/* Reset of the system registers (after the frontend reset its state). */
void arm_sys_reset(ARMCPU *cpu);

/* CNTVCT_EL0 and CNTFRQ_EL0 (generic timer). Stub: host monotonic time at
 * 62.5 MHz. */
uint64_t arm_cntvct(CPUARMState *env);
uint64_t arm_cntfrq(CPUARMState *env);

/* Number of MMU indexes the system level uses (CPUHooks.nb_mmu_modes). */
#define ARM_NB_MMU_MODES 8

#endif
