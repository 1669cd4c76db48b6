/*
 * gicv3.h — the Arm GICv3 model: distributor (affinity routing only),
 * one redistributor per CPU (with LPI support for the ITS), and the CPU
 * interface as system registers (ICC_*), as found on QEMU's virt with
 * gic-version=3 and secure=off: ARM IHI 0069 (GIC v3/v4) with a single
 * security state (GICD_CTLR.DS == 1, ARE == 1 always).
 *
 * A board:
 *
 *     GICv3Config cfg = { .num_cpu = n, .num_irq = 288, .lpis = true,
 *                         .dma_as = m->as };
 *     GICv3 *gic = gicv3_create(&cfg, &err);
 *     mr_add_subregion(m->sysmem, 0x08000000, gic->dist_mr, 0);      // 64 KiB
 *     mr_add_subregion(m->sysmem, 0x080a0000, gic->rdist_mr[0], 0);  // n * 128 KiB
 *     gic_connect_cpu(&gic->lines, cpu, cpu_irq_input, cpu_fiq_input);
 *     SPIs and PPIs: gic_spi_line() / gic_ppi_line() as with GICv2 (gic.h).
 *
 * CPU affinity: redistributor i answers to the affinity cfg.affinity[i]
 * (GICR_TYPER[63:32]: Aff3 << 24 | Aff2 << 16 | Aff1 << 8 | Aff0), by default
 * gicv3_default_affinity(i) = cluster i / 16, core i % 16 — what QEMU's
 * virt gives MPIDR_EL1 with GICv3. The CPU side must report the same value
 * in MPIDR_EL1, since Linux matches the two.
 *
 * The CPU interface: the Arm system-register table adds one row per entry
 * of gicv3_icc_regs[] (its op0/op1/CRn/CRm/op2 and access), and calls
 * gicv3_icc_read()/gicv3_icc_write() with the CPU index, holding the device
 * lock. Registers of EL3 and the virtual interface (ICH_*) are not modelled.
 */
#ifndef FERRY_DEVICES_INTC_GICV3_H
#define FERRY_DEVICES_INTC_GICV3_H

#include "core/device.h"
#include "core/memory.h"
#include "devices/intc/gic.h"

#define GICV3_MAX_CPUS       512
#define GICV3_DIST_SIZE      0x10000
#define GICV3_RDIST_STRIDE   0x20000    /* RD_base + SGI_base */
#define GICV3_MAX_RDIST_REGIONS 4
#define GICV3_LPI_ID_BITS    16         /* INTIDs up to 65535 */
#define GICV3_LPI_LIMIT      (1u << GICV3_LPI_ID_BITS)

enum { GICV3_F_ENABLED, GICV3_F_LATCH, GICV3_F_ACTIVE, GICV3_F_LEVEL,
       GICV3_F_EDGE, GICV3_F_GROUP, GICV3_F__N };

typedef struct GICv3Cpu {
    uint32_t affinity;            /* as in GICR_TYPER[63:32] */
    /* redistributor: SGIs and PPIs */
    uint32_t bits[GICV3_F__N];
    uint8_t prio[GIC_INTERNAL];
    uint32_t waker;               /* GICR_WAKER.ProcessorSleep (bit 1) */
    bool lpis_enabled;            /* GICR_CTLR.EnableLPIs */
    uint64_t propbaser, pendbaser;
    uint64_t *lpi_pending;        /* bit per INTID < GICV3_LPI_LIMIT */
    int lpi_count;
    /* CPU interface */
    uint32_t icc_ctlr;            /* CBPR, EOImode */
    uint32_t pmr, bpr0, bpr1, igrpen0, igrpen1;
    uint32_t apr[2];              /* ICC_AP0R0_EL1, ICC_AP1R0_EL1 */
    GicCand best[2];
} GICv3Cpu;

typedef struct GICv3RdistRegion {
    struct GICv3 *gic;
    int first_cpu, count;
} GICv3RdistRegion;

typedef struct GICv3 {
    Device dev;
    uint32_t num_cpu, num_irq;
    bool lpis;
    AddressSpace *dma_as;         /* LPI configuration and pending tables */
    GicLines lines;
    MemoryRegion *dist_mr;
    MemoryRegion *rdist_mr[GICV3_MAX_RDIST_REGIONS];
    GICv3RdistRegion rdist_region[GICV3_MAX_RDIST_REGIONS];
    int n_rdist_regions;
    uint32_t ctlr;                /* GICD_CTLR: EnableGrp0, EnableGrp1 */
    int nwords;
    uint32_t bits[GICV3_F__N][GIC_MAX_IRQ / 32 + 1];  /* [f][0] unused */
    uint8_t prio[GIC_MAX_IRQ];
    uint64_t irouter[GIC_MAX_IRQ];
    int16_t spi_target[GIC_MAX_IRQ];  /* CPU index IROUTER names, or -1 */
    GICv3Cpu *cpu;
} GICv3;

typedef struct GICv3Config {
    int num_cpu;                  /* 1..512 */
    int num_irq;                  /* 32..1020 */
    bool lpis;                    /* LPIs (for an ITS); needs dma_as */
    AddressSpace *dma_as;
    const uint32_t *affinity;     /* [num_cpu], NULL = default */
    /* CPUs per redistributor region (each ends with GICR_TYPER.Last);
     * n_rdist_regions 0 = one region for all. */
    int rdist_region_cpus[GICV3_MAX_RDIST_REGIONS];
    int n_rdist_regions;
} GICv3Config;

GICv3 *gicv3_create(const GICv3Config *cfg, Error **errp);
uint32_t gicv3_default_affinity(int cpu);
/* CPU index with that affinity, or -1. */
int gicv3_cpu_by_affinity(GICv3 *g, uint32_t affinity);

/* LPIs (for the ITS): make INTID intid pending (or not) at CPU cpu's
 * redistributor. Dropped when that redistributor has LPIs disabled or the
 * INTID is outside its configured range; returns false then. */
bool gicv3_lpi_set_pending(GICv3 *g, int cpu, uint32_t intid, bool pending);
bool gicv3_lpi_is_pending(GICv3 *g, int cpu, uint32_t intid);
/* Moves every pending LPI of CPU from to CPU to (ITS MOVALL). */
void gicv3_lpi_move_all(GICv3 *g, int from, int to);

/* ---- the CPU interface as system registers ------------------------------ */

typedef enum IccReg {
    ICC_PMR_EL1, ICC_IAR0_EL1, ICC_EOIR0_EL1, ICC_HPPIR0_EL1, ICC_BPR0_EL1,
    ICC_AP0R0_EL1, ICC_AP1R0_EL1, ICC_DIR_EL1, ICC_RPR_EL1, ICC_SGI1R_EL1,
    ICC_ASGI1R_EL1, ICC_SGI0R_EL1, ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_HPPIR1_EL1,
    ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_SRE_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1,
    ICC_SRE_EL2,
    ICC__COUNT
} IccReg;

#define ICC_ACCESS_R  1
#define ICC_ACCESS_W  2

typedef struct IccRegInfo {
    IccReg reg;
    const char *name;
    uint8_t op0, op1, crn, crm, op2;
    uint8_t access;               /* ICC_ACCESS_R | ICC_ACCESS_W */
    uint8_t min_el;               /* lowest EL that may access it */
} IccRegInfo;

/* One row per IccReg, indexed by it. */
extern const IccRegInfo gicv3_icc_regs[ICC__COUNT];
/* The row with that encoding, or NULL (then it is not a GIC register). */
const IccRegInfo *gicv3_icc_lookup(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                                   unsigned op2);
/* Register accesses by CPU cpu (device lock held). Reads of write-only and
 * writes of read-only registers are the caller's to refuse (the table's
 * access field); here they are logged and ignored. */
uint64_t gicv3_icc_read(GICv3 *g, int cpu, IccReg reg);
void gicv3_icc_write(GICv3 *g, int cpu, IccReg reg, uint64_t value);

#endif
