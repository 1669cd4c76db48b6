/*
 * board.h — what a board (boards/virt.c's hooks, the bare-metal runner)
 * uses to wire AArch64 CPUs into a machine: the event loop for the
 * generic timer, the interrupt inputs (IRQ/FIQ/VIRQ/VFIQ) a GIC drives,
 * the timer outputs (PPIs), the GICv3 CPU interface, the PSCI conduit,
 * and the boot entry state (with the firmware set-up of the ELs above the
 * entry EL that a real boot loader would have done).
 *
 * Call order for one CPU: arm_cpu_create (cpu.h), arm_cpu_set_loop,
 * arm_cpu_set_psci, then after the GIC exists gic_connect_cpu(...,
 * &arm_cpu_inputs(cpu)[ARM_IN_IRQ], &arm_cpu_inputs(cpu)[ARM_IN_FIQ]),
 * arm_cpu_connect_timers, arm_cpu_set_gicv3 (GICv3 only); at (every)
 * reset, arm_cpu_boot or arm_cpu_power_off.
 */
#ifndef FERRY_TARGET_ARM_BOARD_H
#define FERRY_TARGET_ARM_BOARD_H

#include "core/irq.h"
#include "core/loop.h"
#include "target/arm/cpu.h"

struct GICv3;

typedef enum ARMPsciConduit {
    ARM_PSCI_NONE,        /* no emulated firmware: HVC/SMC are the guest's */
    ARM_PSCI_HVC,         /* PSCI calls by HVC are answered by ferry */
    ARM_PSCI_SMC,         /* ... by SMC */
} ARMPsciConduit;

/* PSCI power state of a CPU (AFFINITY_INFO's values). */
enum { ARM_PSCI_ON = 0, ARM_PSCI_OFF = 1, ARM_PSCI_ON_PENDING = 2 };

/* The CPU's interrupt inputs, arm_cpu_inputs(cpu)[ARM_IN_*]. */
enum { ARM_IN_IRQ, ARM_IN_FIQ, ARM_IN_VIRQ, ARM_IN_VFIQ, ARM_IN__COUNT };

/* Timers and counters follow loop's virtual clock (CLK_VIRTUAL) and fire
 * as its timers. Without a loop the counters follow host time and the
 * timers never fire. */
void arm_cpu_set_loop(ARMCPU *cpu, Loop *loop);
IRQ *arm_cpu_inputs(ARMCPU *cpu);
/* The generic timer's outputs: EL1 physical (PPI 30 on virt), EL1 virtual
 * (27), EL2 physical (26), secure physical (29). Any may be NULL. Driven
 * with the device lock held. */
void arm_cpu_connect_timers(ARMCPU *cpu, IRQ *phys, IRQ *virt, IRQ *hyp, IRQ *sec);
/* A GICv3 CPU interface: the ICC_* system registers reach gic as CPU
 * gic_cpu. Without one they are Undefined. */
void arm_cpu_set_gicv3(ARMCPU *cpu, struct GICv3 *gic, int gic_cpu);
void arm_cpu_set_psci(ARMCPU *cpu, ARMPsciConduit conduit);

/* Reset the CPU and start it at pc in AArch64 EL el (1..3) with SP_ELx,
 * interrupts masked, MMU off, X0..X3 = x[0..3] and the other registers
 * zero. The ELs above el are set up as firmware would leave them for a
 * Non-secure kernel: SCR_EL3 (NS, RW, HCE when EL2 exists, SMD), HCR_EL2.RW,
 * no FP/SIMD traps (CPTR_EL2/EL3), the counter available at EL1
 * (CNTHCTL_EL2), CNTVOFF_EL2 = 0, GICv3 system registers enabled. */
void arm_cpu_boot(ARMCPU *cpu, uint64_t pc, unsigned el, const uint64_t x[4]);
/* Reset the CPU and leave it powered off (PSCI OFF: it runs again only
 * after CPU_ON). */
void arm_cpu_power_off(ARMCPU *cpu);
/* The PSCI CPU_ON of cpu (from psci.c), also usable by boards: reset and
 * start at entry in EL el with X0 = context. */
void arm_cpu_power_on(ARMCPU *cpu, uint64_t entry, unsigned el, uint64_t context);

#endif
