/*
 * gicv2.c — Arm Generic Interrupt Controller v2: distributor and CPU
 * interface, without the Security Extensions.
 *
 * Follows ARM IHI 0048B (GIC Architecture Specification v1.0 and v2.0):
 * chapter 3 (interrupt handling and prioritization: the state machine of
 * §3.2.4, level vs edge in §3.2.4/§4.3.13, preemption in §3.3, the
 * active-priority bookkeeping of §4.4.14 and EOImode of §3.2.1/§4.4.1),
 * chapter 4 (register map and bit layouts). What Linux's irq-gic.c does
 * decides the corners the spec leaves open: GICC_IIDR reads as an Arm GICv2
 * (its gic_check_gicv2() clears the APRs only then), GICD_ITARGETSR0..7
 * read as the reading CPU's own mask (gic_get_cpumask()), PPI
 * configuration is programmable.
 *
 * Model: per INTID a pending latch, the input level, enabled, active, edge
 * (ICFGR) and group bits, a priority and (SPIs) a target mask. Pending is
 * latch | (level & !edge): a level-sensitive interrupt is pending while its
 * line is high or while software set it pending; an edge-triggered one
 * latches on a rising edge. SGIs keep the set of source CPUs pending at
 * each target (GICD_SPENDSGIR), and the latch bit mirrors "any source".
 * Five priority bits are implemented ([7:3]), so there are 32 preemption
 * levels and one active-priority register per group (GICC_APR0 for group 0,
 * GICC_NSAPR0 for group 1).
 *
 * Everything runs with the device lock held (MMIO and input handlers).
 */
#include "devices/intc/gicv2.h"

#include "core/log.h"

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IIDR        0x008
#define GICD_IGROUPR     0x080
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ISPENDR     0x200
#define GICD_ICPENDR     0x280
#define GICD_ISACTIVER   0x300
#define GICD_ICACTIVER   0x380
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00
#define GICD_NSACR       0xe00
#define GICD_SGIR        0xf00
#define GICD_CPENDSGIR   0xf10
#define GICD_SPENDSGIR   0xf20
#define GICD_ID_BASE     0xfd0

#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10
#define GICC_RPR         0x14
#define GICC_HPPIR       0x18
#define GICC_ABPR        0x1c
#define GICC_AIAR        0x20
#define GICC_AEOIR       0x24
#define GICC_AHPPIR      0x28
#define GICC_APR0        0xd0
#define GICC_NSAPR0      0xe0
#define GICC_IIDR        0xfc
#define GICC_DIR         0x1000

/* GICC_CTLR without the Security Extensions (IHI 0048B table 4-31). */
#define CTLR_EN_GRP0     (1u << 0)
#define CTLR_EN_GRP1     (1u << 1)
#define CTLR_ACKCTL      (1u << 2)
#define CTLR_FIQEN       (1u << 3)
#define CTLR_CBPR        (1u << 4)
#define CTLR_EOIMODE_S   (1u << 9)     /* applies to GICC_EOIR/GICC_DIR */
#define CTLR_EOIMODE_NS  (1u << 10)    /* applies to GICC_AEOIR */
#define CTLR_MASK        0x7ffu        /* bypass-disable bits kept as written */

/* Implementer Arm (JEP106 0x43B), product 0, revision 0: matches none of
 * Linux's quirk tables. GICC_IIDR's architecture field says v2. */
#define GICV2_GICD_IIDR  0x0000043bu
#define GICV2_GICC_IIDR  0x0002043bu

static const uint8_t gicd_id_regs[12] = {
    /* PIDR4..7 at 0xfd0 */ 0x04, 0x00, 0x00, 0x00,
    /* PIDR0..3 at 0xfe0: part 0, JEP106 Arm, ArchRev 2 */ 0x00, 0xb0, 0x2b, 0x00,
    /* CIDR0..3 at 0xff0 */ 0x0d, 0xf0, 0x05, 0xb1,
};

/* ---- state helpers --------------------------------------------------- */

static inline uint32_t *wordp(GICv2 *g, int f, int cpu, unsigned w)
{
    return w == 0 ? &g->cpu[cpu].bits[f] : &g->bits[f][w % ARRAY_SIZE(g->bits[f])];
}

static inline bool bit_get(GICv2 *g, int f, int cpu, int id)
{
    return *wordp(g, f, cpu, id / 32) >> (id % 32) & 1;
}

static inline void bit_put(GICv2 *g, int f, int cpu, int id, bool v)
{
    uint32_t *w = wordp(g, f, cpu, id / 32);
    if (v)
        *w |= 1u << (id % 32);
    else
        *w &= ~(1u << (id % 32));
}

static inline uint8_t *priop(GICv2 *g, int cpu, int id)
{
    return id < GIC_INTERNAL ? &g->cpu[cpu].prio[id] : &g->prio[id];
}

static inline uint32_t pending_word(GICv2 *g, int cpu, int w)
{
    return *wordp(g, GICV2_F_LATCH, cpu, w) |
           (*wordp(g, GICV2_F_LEVEL, cpu, w) & ~*wordp(g, GICV2_F_EDGE, cpu, w));
}

static int req_cpu(GICv2 *g)
{
    int c = mem_requester_cpu();
    return c >= 0 && c < (int)g->num_cpu ? c : 0;
}

/* Group-0 style binary point for group grp on this CPU interface. */
static unsigned bpr_for(GICv2Cpu *c, int grp)
{
    if (grp == 0 || (c->ctlr & CTLR_CBPR))
        return c->bpr;
    return c->abpr - 1;
}

/* ---- the prioritization and the outputs ------------------------------ */

static void compute_best(GICv2 *g, int cpu)
{
    GICv2Cpu *c = &g->cpu[cpu];
    gic_cand_clear(&c->best[0]);
    gic_cand_clear(&c->best[1]);
    if (!(g->ctlr & (CTLR_EN_GRP0 | CTLR_EN_GRP1)))
        return;
    for (int w = 0; w < g->nwords; w++) {
        uint32_t grp = *wordp(g, GICV2_F_GROUP, cpu, w);
        uint32_t cand = pending_word(g, cpu, w) & *wordp(g, GICV2_F_ENABLED, cpu, w) &
                        ~*wordp(g, GICV2_F_ACTIVE, cpu, w);
        if (!(g->ctlr & CTLR_EN_GRP0))
            cand &= grp;
        if (!(g->ctlr & CTLR_EN_GRP1))
            cand &= ~grp;
        while (cand) {
            int b = gic_ctz(cand);
            cand &= cand - 1;
            int id = w * 32 + b;
            if (id >= (int)g->num_irq)
                break;
            if (w > 0 && !(g->target[id] & (1u << cpu)))
                continue;
            unsigned p = *priop(g, cpu, id);
            GicCand *best = &c->best[grp >> b & 1];
            if (p < best->prio) {
                best->prio = p;
                best->intid = id;
            }
        }
    }
}

/* Can the candidate of group grp be signalled (enabled at the CPU
 * interface, unmasked by PMR, preempting the running priority)? */
static bool can_signal(GICv2Cpu *c, int grp)
{
    const GicCand *b = &c->best[grp];
    if (b->intid == GIC_SPURIOUS || !(c->ctlr & (grp ? CTLR_EN_GRP1 : CTLR_EN_GRP0)))
        return false;
    if (b->prio >= c->pmr)
        return false;
    return gic_group_prio(b->prio, bpr_for(c, grp)) < gic_running_prio(c->apr[0], c->apr[1]);
}

static void update(GICv2 *g)
{
    for (int cpu = 0; cpu < (int)g->num_cpu; cpu++) {
        GICv2Cpu *c = &g->cpu[cpu];
        compute_best(g, cpu);
        bool irq = false, fiq = false;
        if (can_signal(c, 0)) {
            if (c->ctlr & CTLR_FIQEN)
                fiq = true;
            else
                irq = true;
        }
        if (can_signal(c, 1))
            irq = true;
        gic_lines_drive(&g->lines, cpu, irq, fiq);
    }
}

/* The group whose candidate an acknowledge or HPPIR looks at: the higher
 * priority of the groups enabled at the CPU interface (group 0 on a tie);
 * -1 when neither has one. */
static int top_group(GICv2Cpu *c)
{
    bool ok0 = (c->ctlr & CTLR_EN_GRP0) && c->best[0].intid != GIC_SPURIOUS;
    bool ok1 = (c->ctlr & CTLR_EN_GRP1) && c->best[1].intid != GIC_SPURIOUS;
    if (ok0 && (!ok1 || c->best[0].prio <= c->best[1].prio))
        return 0;
    return ok1 ? 1 : -1;
}

/* The value IAR/HPPIR report for id on this CPU: SGIs carry the lowest
 * pending source CPU in bits [12:10]. */
static uint32_t id_with_source(GICv2 *g, int cpu, int id)
{
    if (id < GIC_NR_SGI && g->cpu[cpu].sgi_src[id])
        return (uint32_t)id | (uint32_t)gic_ctz(g->cpu[cpu].sgi_src[id]) << 10;
    return (uint32_t)id;
}

static uint32_t acknowledge(GICv2 *g, int cpu, int grp)
{
    GICv2Cpu *c = &g->cpu[cpu];
    int id = c->best[grp].intid;
    uint32_t ret = id_with_source(g, cpu, id);
    if (id < GIC_NR_SGI) {
        c->sgi_src[id] &= (uint8_t)(c->sgi_src[id] - 1); /* lowest source */
        bit_put(g, GICV2_F_LATCH, cpu, id, c->sgi_src[id] != 0);
    } else {
        /* Edge: pending -> active. Level: the latch goes; the line may
         * keep it pending (active and pending). */
        bit_put(g, GICV2_F_LATCH, cpu, id, false);
    }
    bit_put(g, GICV2_F_ACTIVE, cpu, id, true);
    /* The active priority is the group priority under the binary point in
     * force now (so binary point 7 means: nothing preempts). */
    c->apr[grp] |= gic_apr_bit(gic_group_prio(c->best[grp].prio, bpr_for(c, grp)));
    qlog(LOG_INT, "gicv2: cpu %d acknowledges %d (prio 0x%x)\n", cpu, id, c->best[grp].prio);
    update(g);
    return ret;
}

/* GICC_IAR (alias = GICC_AIAR: group 1 only). */
static uint32_t read_iar(GICv2 *g, int cpu, bool alias)
{
    GICv2Cpu *c = &g->cpu[cpu];
    int grp = top_group(c);
    if (grp < 0 || !can_signal(c, grp))
        return GIC_SPURIOUS;
    if (alias)
        return grp == 1 ? acknowledge(g, cpu, 1) : GIC_SPURIOUS;
    if (grp == 1 && !(c->ctlr & CTLR_ACKCTL))
        return GIC_SPURIOUS_G1;
    return acknowledge(g, cpu, grp);
}

static uint32_t read_hppir(GICv2 *g, int cpu, bool alias)
{
    GICv2Cpu *c = &g->cpu[cpu];
    int grp = top_group(c);
    if (grp < 0)
        return GIC_SPURIOUS;
    if (alias)
        return grp == 1 ? id_with_source(g, cpu, c->best[1].intid) : GIC_SPURIOUS;
    if (grp == 1 && !(c->ctlr & CTLR_ACKCTL))
        return GIC_SPURIOUS_G1;
    return id_with_source(g, cpu, c->best[grp].intid);
}

static void deactivate(GICv2 *g, int cpu, int id, const char *what)
{
    if (id >= (int)g->num_irq) {
        qlog(LOG_GUEST_ERROR, "gicv2: %s of INTID %d, which does not exist\n", what, id);
        return;
    }
    if (!bit_get(g, GICV2_F_ACTIVE, cpu, id)) {
        qlog(LOG_GUEST_ERROR, "gicv2: %s of INTID %d on cpu %d, which is not active\n",
             what, id, cpu);
        return;
    }
    bit_put(g, GICV2_F_ACTIVE, cpu, id, false);
}

/* GICC_EOIR / GICC_AEOIR: priority drop, and deactivation unless the
 * EOImode bit for this register is set. */
static void write_eoir(GICv2 *g, int cpu, uint32_t v, bool alias)
{
    GICv2Cpu *c = &g->cpu[cpu];
    int id = v & 0x3ff;
    if (id >= GIC_MAX_IRQ)
        return;                 /* spurious IDs: no effect */
    uint32_t both = c->apr[0] | c->apr[1];
    if (!both) {
        qlog(LOG_GUEST_ERROR, "gicv2: EOI of %d on cpu %d with no active priority\n", id, cpu);
        return;
    }
    uint32_t top = both & -both;
    int grp = (c->apr[0] & top) ? 0 : 1;
    if (alias && grp == 0) {
        qlog(LOG_GUEST_ERROR, "gicv2: GICC_AEOIR of %d while a group 0 priority is the "
             "highest active; ignored\n", id);
        return;
    }
    c->apr[grp] &= ~top;
    if (!(c->ctlr & (alias ? CTLR_EOIMODE_NS : CTLR_EOIMODE_S)))
        deactivate(g, cpu, id, "EOI");
    update(g);
}

static void write_dir(GICv2 *g, int cpu, uint32_t v)
{
    GICv2Cpu *c = &g->cpu[cpu];
    int id = v & 0x3ff;
    if (id >= GIC_MAX_IRQ)
        return;
    if (!(c->ctlr & (CTLR_EOIMODE_S | CTLR_EOIMODE_NS))) {
        qlog(LOG_GUEST_ERROR, "gicv2: GICC_DIR write of %d with EOImode 0; ignored\n", id);
        return;
    }
    deactivate(g, cpu, id, "GICC_DIR");
    update(g);
}

/* ---- inputs ------------------------------------------------------------ */

static void set_input(GICv2 *g, int cpu, int id, int level)
{
    bool old = bit_get(g, GICV2_F_LEVEL, cpu, id);
    bit_put(g, GICV2_F_LEVEL, cpu, id, level != 0);
    if (level && !old && bit_get(g, GICV2_F_EDGE, cpu, id))
        bit_put(g, GICV2_F_LATCH, cpu, id, true);
    if (!old != !level)
        update(g);
}

static void gicv2_input(void *opaque, int n, int level)
{
    GICv2 *g = opaque;
    int nspi = (int)g->num_irq - GIC_INTERNAL;
    if (n < nspi) {
        set_input(g, 0, GIC_INTERNAL + n, level);
        return;
    }
    n -= nspi;
    int cpu = n / GIC_INTERNAL, id = n % GIC_INTERNAL;
    if (cpu >= (int)g->num_cpu || id < GIC_NR_SGI) {
        qlog(LOG_GUEST_ERROR, "gicv2: input %d (cpu %d, INTID %d) is not a PPI\n",
             n + nspi, cpu, id);
        return;
    }
    set_input(g, cpu, id, level);
}

/* ---- SGIs ------------------------------------------------------------- */

static void sgi_set_pending(GICv2 *g, int target, int sgi, int source)
{
    g->cpu[target].sgi_src[sgi] |= (uint8_t)(1u << source);
    bit_put(g, GICV2_F_LATCH, target, sgi, true);
}

static void write_sgir(GICv2 *g, int cpu, uint32_t v)
{
    int sgi = v & 0xf;
    unsigned filter = v >> 24 & 3;
    uint32_t targets;
    switch (filter) {
    case 0: targets = v >> 16 & 0xff; break;
    case 1: targets = 0xffu & ~(1u << cpu); break;
    case 2: targets = 1u << cpu; break;
    default:
        qlog(LOG_GUEST_ERROR, "gicv2: GICD_SGIR target list filter 3 is reserved\n");
        return;
    }
    targets &= (1u << g->num_cpu) - 1;
    for (int t = 0; t < (int)g->num_cpu; t++)
        if (targets >> t & 1)
            sgi_set_pending(g, t, sgi, cpu);
    update(g);
}

/* ---- distributor registers -------------------------------------------- */

static bool gicd_byte_ok(hwaddr off)
{
    return (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) ||
           (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) ||
           (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10) ||
           (off >= GICD_ID_BASE && off < 0x1000);
}

static uint8_t gicd_read_byte(GICv2 *g, int cpu, uint32_t off)
{
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
        int id = off - GICD_IPRIORITYR;
        return id < (int)g->num_irq ? *priop(g, cpu, id) : 0;
    }
    if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) {
        int id = off - GICD_ITARGETSR;
        if (id < GIC_INTERNAL)
            return (uint8_t)(1u << cpu);
        return id < (int)g->num_irq ? g->target[id] : 0;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10)
        return g->cpu[cpu].sgi_src[off & 0xf];
    if (off >= GICD_ID_BASE)
        return (off & 3) ? 0 : gicd_id_regs[(off - GICD_ID_BASE) / 4];
    return 0;
}

static void gicd_write_byte(GICv2 *g, int cpu, uint32_t off, uint8_t v)
{
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
        int id = off - GICD_IPRIORITYR;
        if (id < (int)g->num_irq)
            *priop(g, cpu, id) = v & GIC_PRIO_MASK;
    } else if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) {
        int id = off - GICD_ITARGETSR;
        if (id >= GIC_INTERNAL && id < (int)g->num_irq)
            g->target[id] = v & (uint8_t)((1u << g->num_cpu) - 1);
    } else if (off >= GICD_CPENDSGIR && off < GICD_CPENDSGIR + 0x10) {
        int sgi = off & 0xf;
        g->cpu[cpu].sgi_src[sgi] &= (uint8_t)~v;
        bit_put(g, GICV2_F_LATCH, cpu, sgi, g->cpu[cpu].sgi_src[sgi] != 0);
    } else if (off >= GICD_SPENDSGIR && off < GICD_SPENDSGIR + 0x10) {
        int sgi = off & 0xf;
        for (int s = 0; s < (int)g->num_cpu; s++)
            if (v >> s & 1)
                sgi_set_pending(g, cpu, sgi, s);
    } else if (off >= GICD_ID_BASE) {
        qlog(LOG_GUEST_ERROR, "gicv2: write to read-only ID register 0x%x\n", off);
    }
}

/* Bit registers: index of the 32-INTID word, or -1 if off is not one. */
static int bitreg_word(uint32_t off, uint32_t base)
{
    return off >= base && off < base + 0x80 ? (int)(off - base) / 4 : -1;
}

static uint32_t gicd_read_word(GICv2 *g, int cpu, uint32_t off)
{
    int w;
    if (off == GICD_CTLR)
        return g->ctlr;
    if (off == GICD_TYPER)
        return (g->num_cpu - 1) << 5 | (uint32_t)(g->nwords - 1);
    if (off == GICD_IIDR)
        return GICV2_GICD_IIDR;
    if ((w = bitreg_word(off, GICD_IGROUPR)) >= 0)
        return w < g->nwords ? *wordp(g, GICV2_F_GROUP, cpu, w) : 0;
    if ((w = bitreg_word(off, GICD_ISENABLER)) >= 0 || (w = bitreg_word(off, GICD_ICENABLER)) >= 0)
        return w < g->nwords ? *wordp(g, GICV2_F_ENABLED, cpu, w) : 0;
    if ((w = bitreg_word(off, GICD_ISPENDR)) >= 0 || (w = bitreg_word(off, GICD_ICPENDR)) >= 0)
        return w < g->nwords ? pending_word(g, cpu, w) : 0;
    if ((w = bitreg_word(off, GICD_ISACTIVER)) >= 0 || (w = bitreg_word(off, GICD_ICACTIVER)) >= 0)
        return w < g->nwords ? *wordp(g, GICV2_F_ACTIVE, cpu, w) : 0;
    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        int first = (int)(off - GICD_ICFGR) * 4;  /* 16 INTIDs per word */
        uint32_t v = 0;
        for (int i = 0; i < 16 && first + i < (int)g->num_irq; i++)
            if (bit_get(g, GICV2_F_EDGE, cpu, first + i))
                v |= 2u << (2 * i);
        return v;
    }
    if (off >= 0xd00 && off < GICD_SGIR) /* PPI/SPI status, NSACR: not here */
        return 0;
    if (off == GICD_SGIR) {
        qlog(LOG_GUEST_ERROR, "gicv2: read of write-only GICD_SGIR\n");
        return 0;
    }
    if (gicd_byte_ok(off)) {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++)
            v |= (uint32_t)gicd_read_byte(g, cpu, off + i) << (8 * i);
        return v;
    }
    qlog(LOG_GUEST_ERROR, "gicv2: read of reserved distributor offset 0x%x\n", off);
    return 0;
}

static void write_bits(GICv2 *g, int f, int cpu, int w, uint32_t v, bool set)
{
    if (w >= g->nwords)
        return;
    uint32_t *p = wordp(g, f, cpu, w);
    if (set)
        *p |= v;
    else
        *p &= ~v;
}

static void gicd_write_word(GICv2 *g, int cpu, uint32_t off, uint32_t v)
{
    int w;
    if (off == GICD_CTLR) {
        g->ctlr = v & (CTLR_EN_GRP0 | CTLR_EN_GRP1);
    } else if (off == GICD_TYPER || off == GICD_IIDR) {
        qlog(LOG_GUEST_ERROR, "gicv2: write to read-only distributor register 0x%x\n", off);
    } else if ((w = bitreg_word(off, GICD_IGROUPR)) >= 0) {
        if (w < g->nwords)
            *wordp(g, GICV2_F_GROUP, cpu, w) = v;
    } else if ((w = bitreg_word(off, GICD_ISENABLER)) >= 0) {
        write_bits(g, GICV2_F_ENABLED, cpu, w, v, true);
    } else if ((w = bitreg_word(off, GICD_ICENABLER)) >= 0) {
        write_bits(g, GICV2_F_ENABLED, cpu, w, v, false);
    } else if ((w = bitreg_word(off, GICD_ISPENDR)) >= 0) {
        /* SGI pending bits are read-only here (GICD_SPENDSGIR sets them). */
        write_bits(g, GICV2_F_LATCH, cpu, w, w == 0 ? v & 0xffff0000u : v, true);
    } else if ((w = bitreg_word(off, GICD_ICPENDR)) >= 0) {
        write_bits(g, GICV2_F_LATCH, cpu, w, w == 0 ? v & 0xffff0000u : v, false);
    } else if ((w = bitreg_word(off, GICD_ISACTIVER)) >= 0) {
        write_bits(g, GICV2_F_ACTIVE, cpu, w, v, true);
    } else if ((w = bitreg_word(off, GICD_ICACTIVER)) >= 0) {
        write_bits(g, GICV2_F_ACTIVE, cpu, w, v, false);
    } else if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        int first = (int)(off - GICD_ICFGR) * 4;
        for (int i = 0; i < 16 && first + i < (int)g->num_irq; i++)
            if (first + i >= GIC_NR_SGI)   /* SGIs are always edge */
                bit_put(g, GICV2_F_EDGE, cpu, first + i, v >> (2 * i + 1) & 1);
    } else if (off >= 0xd00 && off < GICD_SGIR) {
        /* impl-defined status and NSACR (no Security Extensions): WI */
    } else if (off == GICD_SGIR) {
        write_sgir(g, cpu, v);
        return;
    } else if (gicd_byte_ok(off)) {
        for (int i = 0; i < 4; i++)
            gicd_write_byte(g, cpu, off + i, (uint8_t)(v >> (8 * i)));
    } else {
        qlog(LOG_GUEST_ERROR, "gicv2: write of 0x%x to reserved distributor offset 0x%x\n",
             v, off);
        return;
    }
    update(g);
}

static uint64_t gicd_read(void *opaque, hwaddr off, unsigned size)
{
    GICv2 *g = opaque;
    int cpu = req_cpu(g);
    if (size == 4)
        return gicd_read_word(g, cpu, (uint32_t)off);
    if (size == 1 && gicd_byte_ok(off))
        return gicd_read_byte(g, cpu, (uint32_t)off);
    qlog(LOG_GUEST_ERROR, "gicv2: %u-byte read of distributor offset 0x%" PRIx64
         " (word only there)\n", size, off);
    return 0;
}

static void gicd_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    GICv2 *g = opaque;
    int cpu = req_cpu(g);
    if (size == 4) {
        gicd_write_word(g, cpu, (uint32_t)off, (uint32_t)v);
    } else if (size == 1 && gicd_byte_ok(off)) {
        gicd_write_byte(g, cpu, (uint32_t)off, (uint8_t)v);
        update(g);
    } else {
        qlog(LOG_GUEST_ERROR, "gicv2: %u-byte write of distributor offset 0x%" PRIx64
             " (word only there)\n", size, off);
    }
}

static const MemOps gicd_ops = {
    .read = gicd_read, .write = gicd_write, .min_size = 1, .max_size = 4,
};

/* ---- CPU interface registers ------------------------------------------- */

static uint64_t gicc_read(void *opaque, hwaddr off, unsigned size)
{
    GICv2 *g = opaque;
    int cpu = req_cpu(g);
    GICv2Cpu *c = &g->cpu[cpu];
    if (size != 4) {
        qlog(LOG_GUEST_ERROR, "gicv2: %u-byte read of CPU interface offset 0x%" PRIx64
             " (word only)\n", size, off);
        return 0;
    }
    switch (off) {
    case GICC_CTLR: return c->ctlr;
    case GICC_PMR: return c->pmr;
    case GICC_BPR: return c->bpr;
    case GICC_ABPR: return c->abpr;
    case GICC_IAR: return read_iar(g, cpu, false);
    case GICC_AIAR: return read_iar(g, cpu, true);
    case GICC_RPR: return MIN(gic_running_prio(c->apr[0], c->apr[1]), 0xffu);
    case GICC_HPPIR: return read_hppir(g, cpu, false);
    case GICC_AHPPIR: return read_hppir(g, cpu, true);
    case GICC_APR0: return c->apr[0];
    case GICC_NSAPR0: return c->apr[1];
    case GICC_IIDR: return GICV2_GICC_IIDR;
    case GICC_EOIR: case GICC_AEOIR: case GICC_DIR:
        qlog(LOG_GUEST_ERROR, "gicv2: read of write-only CPU interface register 0x%" PRIx64
             "\n", off);
        return 0;
    }
    if ((off > GICC_APR0 && off < GICC_NSAPR0 + 0x10) || (off >= 0x40 && off < 0xd0))
        return 0;   /* APR1..3, NSAPR1..3 (5 priority bits), impl-defined */
    qlog(LOG_GUEST_ERROR, "gicv2: read of reserved CPU interface offset 0x%" PRIx64 "\n", off);
    return 0;
}

static void gicc_write(void *opaque, hwaddr off, uint64_t v64, unsigned size)
{
    GICv2 *g = opaque;
    int cpu = req_cpu(g);
    GICv2Cpu *c = &g->cpu[cpu];
    uint32_t v = (uint32_t)v64;
    if (size != 4) {
        qlog(LOG_GUEST_ERROR, "gicv2: %u-byte write of CPU interface offset 0x%" PRIx64
             " (word only)\n", size, off);
        return;
    }
    switch (off) {
    case GICC_CTLR: c->ctlr = v & CTLR_MASK; break;
    case GICC_PMR: c->pmr = v & GIC_PRIO_MASK; break;
    case GICC_BPR: c->bpr = MAX(v & 7, (uint32_t)GIC_MIN_BPR0); break;
    case GICC_ABPR: c->abpr = MAX(v & 7, (uint32_t)GIC_MIN_BPR1); break;
    case GICC_EOIR: write_eoir(g, cpu, v, false); return;
    case GICC_AEOIR: write_eoir(g, cpu, v, true); return;
    case GICC_DIR: write_dir(g, cpu, v); return;
    case GICC_APR0: c->apr[0] = v; break;
    case GICC_NSAPR0: c->apr[1] = v; break;
    case GICC_IAR: case GICC_AIAR: case GICC_RPR: case GICC_HPPIR: case GICC_AHPPIR:
    case GICC_IIDR:
        qlog(LOG_GUEST_ERROR, "gicv2: write to read-only CPU interface register 0x%" PRIx64
             "\n", off);
        return;
    default:
        if ((off > GICC_APR0 && off < GICC_NSAPR0 + 0x10) || (off >= 0x40 && off < 0xd0))
            return;
        qlog(LOG_GUEST_ERROR, "gicv2: write of 0x%x to reserved CPU interface offset 0x%"
             PRIx64 "\n", v, off);
        return;
    }
    update(g);
}

static const MemOps gicc_ops = {
    .read = gicc_read, .write = gicc_write, .min_size = 1, .max_size = 4,
};

/* ---- the device -------------------------------------------------------- */

static void gicv2_reset(Device *dev)
{
    GICv2 *g = (GICv2 *)dev;
    /* Input levels are wires, not GIC state: they survive a reset. */
    for (int f = 0; f < GICV2_F__N; f++)
        if (f != GICV2_F_LEVEL)
            memset(g->bits[f], 0, sizeof(g->bits[f]));
    memset(g->prio, 0, sizeof(g->prio));
    memset(g->target, 0, sizeof(g->target));
    g->ctlr = 0;
    for (int i = 0; i < GICV2_MAX_CPUS; i++) {
        GICv2Cpu *c = &g->cpu[i];
        uint32_t l = c->bits[GICV2_F_LEVEL];
        memset(c, 0, sizeof(*c));
        c->bits[GICV2_F_LEVEL] = l;
        c->bits[GICV2_F_EDGE] = 0xffff;   /* SGIs */
        c->bpr = GIC_MIN_BPR0;
        c->abpr = GIC_MIN_BPR1;
    }
    update(g);
}

static int gicv2_realize(Device *dev, Error **errp)
{
    GICv2 *g = (GICv2 *)dev;
    if (g->num_cpu < 1 || g->num_cpu > GICV2_MAX_CPUS) {
        error_setg(errp, "arm_gic: num-cpu must be 1..%d (got %u)", GICV2_MAX_CPUS, g->num_cpu);
        return -1;
    }
    if (g->num_irq < GIC_INTERNAL || g->num_irq > GIC_MAX_IRQ) {
        error_setg(errp, "arm_gic: num-irq must be %d..%d (got %u)", GIC_INTERNAL,
                   GIC_MAX_IRQ, g->num_irq);
        return -1;
    }
    g->nwords = (int)(g->num_irq + 31) / 32;
    gic_lines_init(&g->lines, (int)g->num_cpu, (int)g->num_irq, gicv2_input, g);
    g->dist_mr = mr_new_mmio("gic-dist", GICV2_DIST_SIZE, &gicd_ops, g);
    g->cpu_mr = mr_new_mmio("gic-cpu", GICV2_CPU_SIZE, &gicc_ops, g);
    gicv2_reset(dev);
    return 0;
}

static const Property gicv2_props[] = {
    {.name = "num-cpu", .type = PROP_U32, .offset = offsetof(GICv2, num_cpu), .def = "1",
     .desc = "CPU interfaces", .min = 1, .max = GICV2_MAX_CPUS},
    {.name = "num-irq", .type = PROP_U32, .offset = offsetof(GICv2, num_irq), .def = "288",
     .desc = "interrupt lines incl. the 32 SGIs/PPIs", .min = GIC_INTERNAL, .max = GIC_MAX_IRQ},
    {0},
};

DEVICE_TYPE(gicv2_type,
    .name = "arm_gic",
    .desc = "Arm GICv2 interrupt controller",
    .category = "system",
    .instance_size = sizeof(GICv2),
    .props = gicv2_props,
    .realize = gicv2_realize,
    .reset = gicv2_reset)

GICv2 *gicv2_create(int num_cpu, int num_irq, Error **errp)
{
    Device *dev = device_new("arm_gic", errp);
    if (!dev)
        return NULL;
    GICv2 *g = (GICv2 *)dev;
    g->num_cpu = (uint32_t)num_cpu;
    g->num_irq = (uint32_t)num_irq;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    return g;
}
