/*
 * sys-state.h — the system level's part of the AArch64 CPU state
 * (CPUARMState.sys): the EL1/EL2/EL3 system registers, the generic timer,
 * PMU and debug registers, the cached TB flags, and the links to the
 * board (timers, interrupt lines, GIC, PSCI) that survive a reset.
 *
 * Registers banked by exception level are arrays indexed by EL ([0] is
 * unused), so exception entry and return index them with the target or
 * current EL. Field layouts are the ARM ARM's (DDI 0487 D17.2); only what
 * ferry uses is kept, the rest of each register reads as written or as
 * its reset value.
 *
 * Included by cpu.h; the system level's own files include sys.h.
 */
#ifndef FERRY_TARGET_ARM_SYS_STATE_H
#define FERRY_TARGET_ARM_SYS_STATE_H

#include <stdint.h>

struct Timer;
struct IRQ;
struct Loop;
struct GICv3;
struct ARMCPU;

/* Generic timers of one PE (D11.2): EL1 physical, EL1 virtual, EL2
 * physical, EL3/secure physical. */
enum { GT_PHYS, GT_VIRT, GT_HYP, GT_SEC, GT__COUNT };

typedef struct ARMGenericTimer {
    uint64_t ctl;           /* CNTx_CTL: ENABLE (0), IMASK (1); ISTATUS is computed */
    uint64_t cval;          /* CNTx_CVAL */
} ARMGenericTimer;

#define ARM_PMU_COUNTERS 4  /* PMCR_EL0.N: event counters besides the cycle counter */
#define ARM_MAX_BRPS 16

/* A timer callback's argument. */
typedef struct ARMGtCb {
    struct ARMCPU *cpu;
    int t;
} ARMGtCb;

/* What a reset keeps: the board's wiring. */
typedef struct ARMSysLinks {
    struct Loop *loop;              /* the machine's clocks and timers (NULL: host time, no timers) */
    struct Timer *gt_timer[GT__COUNT];
    struct IRQ *gt_irq[GT__COUNT];  /* the PPIs the timers drive */
    int gt_level[GT__COUNT];        /* as driven */
    ARMGtCb gt_cb[GT__COUNT];
    struct IRQ *inputs;             /* the CPU's IRQ, FIQ, VIRQ, VFIQ input lines */
    int irq_line, fiq_line;         /* levels of the inputs */
    int virq_line, vfiq_line;
    struct GICv3 *gicv3;            /* GICv3 CPU interface (ICC_* registers), or NULL */
    int gic_cpu;                    /* this CPU's index at the GIC */
    int psci_conduit;               /* ARM_PSCI_NONE / HVC / SMC */
    int psci_state;                 /* ARM_PSCI_ON / OFF / ON_PENDING */
} ARMSysLinks;

typedef struct ARMSysRegs {
    uint64_t cpacr_el1;
    uint64_t sctlr[4], tcr[4], ttbr0[4], mair[4], amair[4], vbar[4];
    uint64_t esr[4], far[4], elr[4], spsr[4], tpidr[4], afsr0[4], afsr1[4];
    uint64_t ttbr1_el1, par_el1, contextidr_el1, csselr_el1;
    /* EL2 */
    uint64_t hcr_el2, cptr_el2, vttbr_el2, vtcr_el2, hpfar_el2, mdcr_el2, hstr_el2, hacr_el2;
    uint64_t vpidr_el2, vmpidr_el2, cnthctl_el2, cntvoff_el2, actlr[4];
    /* EL3 */
    uint64_t scr_el3, cptr_el3, mdcr_el3;
    /* generic timer */
    uint64_t cntkctl_el1, cntfrq;
    ARMGenericTimer gt[GT__COUNT];
    /* PMU (D13) */
    uint64_t pmcr, pmcnten, pmovs, pminten, pmuserenr, pmselr, pmccfiltr;
    uint64_t pmccntr_base;          /* cycle counter = clock - base while counting */
    uint64_t pmccntr_frozen;        /* its value while stopped */
    uint64_t pmevtyper[ARM_PMU_COUNTERS], pmevcntr[ARM_PMU_COUNTERS];
    uint64_t pmevbase[ARM_PMU_COUNTERS];  /* clock when a CPU_CYCLES counter started */
    /* debug (D2, D17.3) */
    uint64_t mdscr_el1, oslsr_el1, osdlr_el1, mdccint_el1, dbgclaim, oseccr_el1;
    uint64_t dbgbvr[ARM_MAX_BRPS], dbgbcr[ARM_MAX_BRPS], dbgwvr[ARM_MAX_BRPS], dbgwcr[ARM_MAX_BRPS];
    /* GICv3 virtual interface control (stored only: ICH_*_EL2) */
    uint64_t ich_hcr, ich_vmcr, ich_apr[2][4], ich_lr[16];
    /* TB flags cache (arm_sys_tb_flags): valid while tbflags_key matches */
    uint32_t tbflags, tbflags_key;
    /* the TLB holds entries for tagged (TBI) addresses: flush by VA flushes all */
    uint32_t tlb_tagged;
    /* Everything above is reset by arm_sys_reset(); the links are not. */
    ARMSysLinks links;
} ARMSysRegs;

#endif
