/*
 * gicv2.h — the Arm GICv2 model (distributor + memory-mapped CPU
 * interface), as found on QEMU's virt with gic-version=2: ARM IHI 0048B,
 * without the Security Extensions (one security state, interrupt groups 0
 * and 1 both usable; Linux leaves everything in group 0, signalled as IRQ
 * while GICC_CTLR.FIQEn is 0).
 *
 * A board:
 *
 *     GICv2 *gic = gicv2_create(ncpu, nirq, &err);
 *     mr_add_subregion(m->sysmem, 0x08000000, gic->dist_mr, 0);
 *     mr_add_subregion(m->sysmem, 0x08010000, gic->cpu_mr, 0);
 *     gic_connect_cpu(&gic->lines, cpu, cpu_irq_input, cpu_fiq_input);
 *     pl011 irq = gic_spi_line(&gic->lines, 1);
 *     timer ppi = gic_ppi_line(&gic->lines, cpu, GIC_PPI_VIRT_TIMER);
 *
 * The distributor frame is 4 KiB, the CPU interface 8 KiB (GICC_DIR at
 * 0x1000). Banked registers (the CPU interface, and the distributor's
 * registers for INTIDs 0..31, GICD_ITARGETSR0..7, the SGI pending
 * registers) are selected by mem_requester_cpu(): the vCPU loop must set it
 * (core/memory.h); other requesters (the monitor) see CPU 0's bank.
 */
#ifndef FERRY_DEVICES_INTC_GICV2_H
#define FERRY_DEVICES_INTC_GICV2_H

#include "core/device.h"
#include "core/memory.h"
#include "devices/intc/gic.h"

#define GICV2_MAX_CPUS   8
#define GICV2_DIST_SIZE  0x1000
#define GICV2_CPU_SIZE   0x2000

/* Bit-per-INTID state; index 0 of each is the banked word (per CPU). */
enum { GICV2_F_ENABLED, GICV2_F_LATCH, GICV2_F_ACTIVE, GICV2_F_LEVEL,
       GICV2_F_EDGE, GICV2_F_GROUP, GICV2_F__N };

typedef struct GICv2Cpu {
    /* banked distributor state for INTIDs 0..31 */
    uint32_t bits[GICV2_F__N];
    uint8_t prio[GIC_INTERNAL];
    uint8_t sgi_src[GIC_NR_SGI];  /* source CPUs with the SGI pending here */
    /* CPU interface */
    uint32_t ctlr, pmr, bpr, abpr;
    uint32_t apr[2];              /* active priorities, group 0 and 1 */
    GicCand best[2];              /* highest pending per group (cached) */
} GICv2Cpu;

typedef struct GICv2 {
    Device dev;
    uint32_t num_cpu, num_irq;    /* properties "num-cpu", "num-irq" */
    GicLines lines;
    MemoryRegion *dist_mr, *cpu_mr;
    uint32_t ctlr;                /* GICD_CTLR */
    int nwords;                   /* 32-INTID words implemented */
    uint32_t bits[GICV2_F__N][GIC_MAX_IRQ / 32 + 1]; /* [f][0] unused */
    uint8_t prio[GIC_MAX_IRQ];
    uint8_t target[GIC_MAX_IRQ];  /* GICD_ITARGETSR for SPIs */
    GICv2Cpu cpu[GICV2_MAX_CPUS];
} GICv2;

/* num_cpu 1..8; num_irq 32..1020 (INTIDs, SGIs and PPIs included; the
 * register view rounds up to a multiple of 32). Realized and on the device
 * list (reset with the machine); regions unmapped. */
GICv2 *gicv2_create(int num_cpu, int num_irq, Error **errp);

#endif
