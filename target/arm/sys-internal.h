/*
 * sys-internal.h — what the files of the Arm system level share among
 * themselves (exceptions, MMU, system registers, timer, PSCI): the MMU
 * index scheme, EL and routing predicates, and the cross-file calls.
 * Nothing outside target/arm's system files includes this.
 *
 * Follows DDI 0487: D1.1 (exception levels, EL2/EL3 implemented and
 * enabled), D1.10/D1.11 (exception entry and return), D8 (VMSAv8-64).
 */
#ifndef FERRY_TARGET_ARM_SYS_INTERNAL_H
#define FERRY_TARGET_ARM_SYS_INTERNAL_H

#include "core/log.h"
#include "target/arm/board.h"
#include "target/arm/sys.h"
#include "target/arm/sysreg.h"

/*
 * MMU indexes (each has its own softmmu TLB). One per translation regime
 * and privilege, so that no flush is needed when the EL changes:
 *
 *   ARM_MMU_E10_0      EL1&0 regime, unprivileged (EL0, and LDTR/STTR at EL1)
 *   ARM_MMU_E10_1      EL1&0 regime, EL1
 *   ARM_MMU_E10_1_PAN  EL1&0 regime, EL1 with PSTATE.PAN = 1: data accesses
 *                      to pages EL0 can access fault (instruction fetch is
 *                      not affected)
 *   ARM_MMU_E2         EL2 regime (no VHE: EL2 only)
 *   ARM_MMU_E3         EL3 regime
 *
 * The EL1&0 indexes include stage 2 when HCR_EL2.VM is set (a combined
 * stage 1+2 entry); they are flushed when any register of either stage
 * changes. Secure and Non-secure EL1&0 share indexes (AArch64 does not
 * bank EL1 registers); they are flushed when SCR_EL3.NS changes.
 */
enum {
    ARM_MMU_E10_0 = 0,
    ARM_MMU_E10_1 = 1,
    ARM_MMU_E10_1_PAN = 2,
    ARM_MMU_E2 = 3,
    ARM_MMU_E3 = 4,
};
#define ARM_MMU_MASK_E10 (1u << ARM_MMU_E10_0 | 1u << ARM_MMU_E10_1 | 1u << ARM_MMU_E10_1_PAN)
#define ARM_MMU_MASK_E2 (1u << ARM_MMU_E2)
#define ARM_MMU_MASK_E3 (1u << ARM_MMU_E3)

/* ---- register bits ferry acts on --------------------------------------------------- */

#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_C (1ull << 2)
#define SCTLR_SA (1ull << 3)
#define SCTLR_SA0 (1ull << 4)
#define SCTLR_UMA (1ull << 9)
#define SCTLR_I (1ull << 12)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_nTWI (1ull << 16)
#define SCTLR_nTWE (1ull << 18)
#define SCTLR_WXN (1ull << 19)
#define SCTLR_SPAN (1ull << 23)
#define SCTLR_EE (1ull << 25)
#define SCTLR_UCI (1ull << 26)
#define SCTLR_DSSBS (1ull << 44)

#define HCR_VM (1ull << 0)
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_VF (1ull << 6)
#define HCR_VI (1ull << 7)
#define HCR_VSE (1ull << 8)
#define HCR_DC (1ull << 12)
#define HCR_TWI (1ull << 13)
#define HCR_TWE (1ull << 14)
#define HCR_TSC (1ull << 19)
#define HCR_TGE (1ull << 27)
#define HCR_HCD (1ull << 29)
#define HCR_RW (1ull << 31)

#define SCR_NS (1ull << 0)
#define SCR_IRQ (1ull << 1)
#define SCR_FIQ (1ull << 2)
#define SCR_EA (1ull << 3)
#define SCR_SMD (1ull << 7)
#define SCR_HCE (1ull << 8)
#define SCR_RW (1ull << 10)

#define CPTR_TFP (1ull << 10)
#define CPACR_FPEN_SHIFT 20

#define CNTKCTL_EL0PCTEN (1ull << 0)
#define CNTKCTL_EL0VCTEN (1ull << 1)
#define CNTKCTL_EL0VTEN (1ull << 8)
#define CNTKCTL_EL0PTEN (1ull << 9)
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN (1ull << 1)

/* ---- ELs ---------------------------------------------------------------------------- */

static inline bool arm_has_el2(CPUARMState *env)
{
    return arm_has(env_archcpu(env), ARM_FEAT_EL2);
}
static inline bool arm_has_el3(CPUARMState *env)
{
    return arm_has(env_archcpu(env), ARM_FEAT_EL3);
}
/* In Non-secure state (always, without EL3; EL3 itself is Secure). */
static inline bool arm_is_ns(CPUARMState *env)
{
    return !arm_has_el3(env) || (arm_current_el(env) != 3 && (env->sys.scr_el3 & SCR_NS));
}
/* EL2 is implemented and enabled in the current security state. */
static inline bool arm_el2_enabled(CPUARMState *env)
{
    return arm_has_el2(env) && (!arm_has_el3(env) || (env->sys.scr_el3 & SCR_NS));
}
/* HCR_EL2 as it applies now (0 when EL2 is not enabled). */
static inline uint64_t arm_hcr(CPUARMState *env)
{
    return arm_el2_enabled(env) ? env->sys.hcr_el2 : 0;
}
/* The highest implemented EL. */
static inline unsigned arm_highest_el(CPUARMState *env)
{
    return arm_has_el3(env) ? 3 : arm_has_el2(env) ? 2 : 1;
}

/* ---- cross-file calls ------------------------------------------------------------- */

/* Recompute the cached TB flags at the next use (after a register write
 * that they depend on). */
static inline void arm_sys_flags_changed(CPUARMState *env)
{
    env->sys.tbflags_key = UINT32_MAX;
}

/* excp.c: take an exception to target_el (AArch64.TakeException). type is
 * the vector offset of the kind (0 sync, 0x80 IRQ, 0x100 FIQ, 0x180
 * SError); esr/far are written when set_* (aborts' EC is switched to the
 * lower-EL class when taken from a lower EL). */
void arm_take_exception(ARMCPU *cpu, unsigned target_el, unsigned type, uint32_t esr, bool set_esr,
                        uint64_t far, bool set_far, uint64_t ret_addr);
/* excp.c: re-evaluate the virtual interrupt inputs (HCR_EL2.VI/VF/VSE and
 * the GIC's virtual lines). */
void arm_update_virq(ARMCPU *cpu);
/* The EL an Undefined/trap from EL el goes to (1, or 2 with HCR_EL2.TGE). */
unsigned arm_excp_target_el(CPUARMState *env, unsigned el);

/* mmu.c: flush the TLBs of the EL1&0 regime (this CPU). */
void arm_tlb_flush_e10(CPUARMState *env);
/* mmu.c: AT: translate va for an access of type at el (regime of el), stage
 * 1 only or both; returns PAR_EL1's value. */
uint64_t arm_at(CPUARMState *env, uint64_t va, MMUAccessType type, unsigned el, bool s12,
                bool pan);

/* timer.c: the counters (ticks of 62.5 MHz) */
uint64_t arm_gt_cntpct(CPUARMState *env);
/* timer.c: re-evaluate timer t's output and deadline after a register write */
void arm_gt_update(ARMCPU *cpu, int t);
uint64_t arm_clock_ns(CPUARMState *env);

/* psci.c: an HVC (is_smc false) or SMC through the board's conduit, which
 * the emulated firmware answers (X0.. set; the CPU continues after the
 * instruction, waits, or was powered off). Always true. */
bool arm_psci_call(ARMCPU *cpu, bool is_smc);

/* cpu-sys.c: FN row helpers reading/writing the 64-bit field at r->offset */
uint64_t arm_sr_read_field(CPUARMState *env, const ARMSysReg *r, uintptr_t ra);
void arm_sr_write_field(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra);
/* Raise the trap of a system register access to target (EC 0x18, Rt from
 * the instruction; ra as for arm_raise). */
NORETURN void arm_sysreg_trap(CPUARMState *env, const ARMSysReg *r, bool isread,
                              unsigned target, uintptr_t ra);

#endif
