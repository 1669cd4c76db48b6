/*
 * gic.h — what ferry's Arm Generic Interrupt Controller models share: the
 * wiring a board connects (inputs for SPIs and per-CPU PPIs, an IRQ and an
 * FIQ output per CPU), INTID ranges, and the priority arithmetic of a CPU
 * interface with 5 implemented priority bits.
 *
 * Specs: ARM IHI 0048B (GIC architecture v1/v2), §1.4 interrupt types,
 * §3.3 priorities and preemption; ARM IHI 0069 (GIC v3/v4), §2.2 INTIDs,
 * §4.8 priorities and preemption.
 *
 * Inputs (both models, same numbering as one IRQ array, `lines.in`):
 *
 *   in[s]                          SPI s: INTID 32 + s, s = 0 .. num_irq-33
 *   in[num_irq-32 + cpu*32 + id]   PPI INTID id (16..31) of CPU cpu
 *
 * gic_spi_line() and gic_ppi_line() compute those for you. A device drives
 * its line with irq_set(): level-sensitive interrupts follow the line,
 * edge-triggered ones (GICD_ICFGR) latch pending on a rising edge. Lines
 * for INTIDs 0..15 exist in the PPI block but are ignored (SGIs are made by
 * software). The generic timer drives, per CPU, INTID 30 (EL1 physical),
 * 27 (EL1 virtual), 26 (EL2 physical) and 29 (secure physical); on QEMU's
 * virt those are PPIs 14, 11, 10 and 13 in the device tree (INTID - 16).
 *
 * Outputs: per CPU an IRQ and an FIQ line, connected by the board with
 * gic_connect_cpu() to the CPU's interrupt inputs. The GIC recomputes them
 * after every change of state and calls irq_set() only when a level
 * changes. Group 0 goes to FIQ when the CPU interface asks for it
 * (GICv2 GICC_CTLR.FIQEn; always on GICv3 with system registers), group 1
 * to IRQ.
 *
 * Threads: every entry point (MMIO, irq handlers, the GICv3 ICC_* register
 * functions) runs with the device lock held, as core/loop.h says; the
 * output lines are driven from inside those calls.
 */
#ifndef FERRY_DEVICES_INTC_GIC_H
#define FERRY_DEVICES_INTC_GIC_H

#include "core/irq.h"

#define GIC_NR_SGI          16
#define GIC_INTERNAL        32     /* SGIs + PPIs, banked per CPU */
#define GIC_MAX_IRQ         1020   /* INTIDs 1020..1023 are special */
#define GIC_SPURIOUS        1023   /* nothing to acknowledge */
#define GIC_SPURIOUS_G1     1022   /* GICv2: highest is group 1, AckCtl 0 */
#define GIC_LPI_BASE        8192

/* INTIDs of the per-CPU PPIs on QEMU's virt (and Arm's recommendation,
 * Server Base System Architecture). */
#define GIC_PPI_PMU             23
#define GIC_PPI_MAINT           25
#define GIC_PPI_HYP_TIMER       26
#define GIC_PPI_VIRT_TIMER      27
#define GIC_PPI_SEC_PHYS_TIMER  29
#define GIC_PPI_PHYS_TIMER      30

/* Priorities: bits [7:3] implemented, so 32 priority levels, one bit each
 * in the active-priorities registers (GICC_APR0 / ICC_AP{0,1}R0_EL1). */
#define GIC_PRIO_BITS   5
#define GIC_PRIO_MASK   0xf8u
#define GIC_PRIO_IDLE   0x100u     /* running priority with nothing active */
#define GIC_MIN_BPR0    2          /* GICC_BPR / ICC_BPR0_EL1 */
#define GIC_MIN_BPR1    3          /* GICC_ABPR / ICC_BPR1_EL1 */

typedef struct GicLines {
    int num_cpu, num_irq;
    IRQ *in;                /* see the numbering above */
    IRQ **irq_out, **fiq_out; /* [num_cpu]: the board's, NULL = unconnected */
    uint8_t *out_level;     /* [num_cpu]: bit 0 IRQ, bit 1 FIQ as driven */
} GicLines;

/* Allocates num_irq - 32 + num_cpu * 32 inputs calling handler(opaque, n,
 * level) with n as numbered above. */
void gic_lines_init(GicLines *l, int num_cpu, int num_irq,
                    IrqHandler *handler, void *opaque);
void gic_lines_free(GicLines *l);
/* Input for SPI number spi (INTID 32 + spi), or NULL if out of range. */
IRQ *gic_spi_line(GicLines *l, int spi);
/* Input for PPI INTID intid (16..31) of CPU cpu, or NULL if out of range. */
IRQ *gic_ppi_line(GicLines *l, int cpu, int intid);
/* Connects CPU cpu's outputs (either may be NULL) and drives them with the
 * current state at the next update. */
void gic_connect_cpu(GicLines *l, int cpu, IRQ *irq, IRQ *fiq);
/* Drives CPU cpu's outputs if they changed. */
void gic_lines_drive(GicLines *l, int cpu, bool irq, bool fiq);

/* The group priority of prio for preemption under binary point `bpr` of a
 * group-0 style register (GICC_BPR, ICC_BPR0_EL1: field [7:bpr+1]); a
 * group-1 register (GICC_ABPR, ICC_BPR1_EL1) with value b is the group-0
 * style value b - 1. */
static inline unsigned gic_group_prio(unsigned prio, unsigned bpr0_style)
{
    return prio & (0xffu << (bpr0_style + 1)) & 0xff;
}

/* Running priority from the active-priority bits of both groups. */
static inline unsigned gic_running_prio(uint32_t apr0, uint32_t apr1)
{
    uint32_t a = apr0 | apr1;
    return a ? (unsigned)__builtin_ctz(a) << (8 - GIC_PRIO_BITS) : GIC_PRIO_IDLE;
}

static inline uint32_t gic_apr_bit(unsigned prio)
{
    return 1u << ((prio & 0xff) >> (8 - GIC_PRIO_BITS));
}

/* A pending interrupt picked for one CPU and group. */
typedef struct GicCand {
    int intid;          /* GIC_SPURIOUS when none */
    unsigned prio;      /* GIC_PRIO_IDLE when none */
} GicCand;

static inline void gic_cand_clear(GicCand *c)
{
    c->intid = GIC_SPURIOUS;
    c->prio = GIC_PRIO_IDLE;
}

/* Lowest set bit index of a 32-bit word (w != 0). */
static inline int gic_ctz(uint32_t w)
{
    return __builtin_ctz(w);
}

#endif
