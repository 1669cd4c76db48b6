/*
 * gicv3-internal.h — state helpers shared by the GICv3 files (gicv3.c:
 * device, inputs and prioritization; gicv3-dist.c; gicv3-redist.c;
 * gicv3-cpuif.c). Not for use outside devices/intc.
 */
#ifndef FERRY_DEVICES_INTC_GICV3_INTERNAL_H
#define FERRY_DEVICES_INTC_GICV3_INTERNAL_H

#include "core/log.h"
#include "devices/intc/gicv3.h"

#define GICD_CTLR_EN_GRP0   (1u << 0)
#define GICD_CTLR_EN_GRP1   (1u << 1)
#define GICD_CTLR_ARE       (1u << 4)
#define GICD_CTLR_DS        (1u << 6)

#define GICR_WAKER_PSLEEP   (1u << 1)
#define GICR_WAKER_CASLEEP  (1u << 2)

#define ICC_CTLR_CBPR       (1u << 0)
#define ICC_CTLR_EOIMODE    (1u << 1)

/* Implementer Arm, product 0: no Linux quirk matches it (0 would). */
#define GICV3_IIDR          0x0000043bu
#define GICV3_PIDR2         0x3bu       /* ArchRev 3 */

static inline uint32_t *gicv3_wordp(GICv3 *g, int f, int cpu, unsigned w)
{
    return w == 0 ? &g->cpu[cpu].bits[f] : &g->bits[f][w % ARRAY_SIZE(g->bits[f])];
}

static inline bool gicv3_bit(GICv3 *g, int f, int cpu, int id)
{
    return *gicv3_wordp(g, f, cpu, (unsigned)id / 32) >> (id % 32) & 1;
}

static inline void gicv3_bit_put(GICv3 *g, int f, int cpu, int id, bool v)
{
    uint32_t *w = gicv3_wordp(g, f, cpu, (unsigned)id / 32);
    if (v)
        *w |= 1u << (id % 32);
    else
        *w &= ~(1u << (id % 32));
}

static inline uint32_t gicv3_pending_word(GICv3 *g, int cpu, unsigned w)
{
    return *gicv3_wordp(g, GICV3_F_LATCH, cpu, w) |
           (*gicv3_wordp(g, GICV3_F_LEVEL, cpu, w) & ~*gicv3_wordp(g, GICV3_F_EDGE, cpu, w));
}

static inline uint8_t *gicv3_priop(GICv3 *g, int cpu, int id)
{
    return id < GIC_INTERNAL ? &g->cpu[cpu].prio[id] : &g->prio[id % GIC_MAX_IRQ];
}

/* For the CPU interface (gicv3.c): the group whose candidate IAR/HPPIR
 * look at (-1: none), whether a group's candidate can be signalled now,
 * and the group-0 style binary point in force for a group. */
int gicv3_top_group(GICv3Cpu *c);
bool gicv3_can_signal(GICv3Cpu *c, int grp);
unsigned gicv3_bpr_for(GICv3Cpu *c, int grp);

/* Recompute every CPU's candidates and outputs (gicv3.c). */
void gicv3_update(GICv3 *g);
/* The LPI configuration byte of intid at cpu's redistributor, or 0 (not
 * enabled) when it cannot be read (gicv3-redist.c). */
uint8_t gicv3_lpi_config(GICv3 *g, int cpu, uint32_t intid);
/* Number of INTIDs the redistributor's PROPBASER covers (gicv3-redist.c). */
uint32_t gicv3_lpi_limit(GICv3 *g, int cpu);
/* Routing of SPI id after an IROUTER write (gicv3-dist.c). */
void gicv3_route_spi(GICv3 *g, int id);

extern const MemOps gicv3_dist_ops, gicv3_rdist_ops;

#endif
