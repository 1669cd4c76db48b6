/*
 * gicv3.c — Arm GICv3: the device, its inputs, and prioritization (which
 * pending interrupt each CPU interface sees, and its IRQ/FIQ outputs).
 *
 * Follows ARM IHI 0069 (GIC Architecture Specification v3/v4): §4.1 the
 * interrupt life cycle (level vs edge), §4.8 priorities and preemption (the
 * running priority from the active-priority registers, group priority under
 * the binary point), §5.1 LPIs (no active state; configuration from the
 * table PROPBASER points to), §12 the single-security-state register views
 * (GICD_CTLR.DS == 1): group 0 is signalled as FIQ, group 1 as IRQ. The
 * distributor's registers are in gicv3-dist.c, the redistributors' in
 * gicv3-redist.c, the ICC_* system registers in gicv3-cpuif.c, the ITS in
 * gicv3-its.c. Everything runs with the device lock held.
 */
#include "devices/intc/gicv3-internal.h"

uint32_t gicv3_default_affinity(int cpu)
{
    return (uint32_t)(cpu / 16) << 8 | (uint32_t)(cpu % 16);
}

int gicv3_cpu_by_affinity(GICv3 *g, uint32_t affinity)
{
    for (int c = 0; c < (int)g->num_cpu; c++)
        if (g->cpu[c].affinity == affinity)
            return c;
    return -1;
}

/* ---- prioritization ----------------------------------------------------- */

static void consider(GicCand *best, int id, unsigned prio)
{
    if (prio < best->prio) {
        best->prio = prio;
        best->intid = id;
    }
}

static void compute_best(GICv3 *g, int cpu)
{
    GICv3Cpu *c = &g->cpu[cpu];
    gic_cand_clear(&c->best[0]);
    gic_cand_clear(&c->best[1]);
    if (!(g->ctlr & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1)))
        return;
    for (int w = 0; w < g->nwords; w++) {
        uint32_t grp = *gicv3_wordp(g, GICV3_F_GROUP, cpu, (unsigned)w);
        uint32_t cand = gicv3_pending_word(g, cpu, (unsigned)w) &
                        *gicv3_wordp(g, GICV3_F_ENABLED, cpu, (unsigned)w) &
                        ~*gicv3_wordp(g, GICV3_F_ACTIVE, cpu, (unsigned)w);
        if (!(g->ctlr & GICD_CTLR_EN_GRP0))
            cand &= grp;
        if (!(g->ctlr & GICD_CTLR_EN_GRP1))
            cand &= ~grp;
        while (cand) {
            int b = gic_ctz(cand);
            cand &= cand - 1;
            int id = w * 32 + b;
            if (id >= (int)g->num_irq)
                break;
            if (w > 0 && g->spi_target[id] != cpu)
                continue;
            consider(&c->best[grp >> b & 1], id, *gicv3_priop(g, cpu, id));
        }
    }
    /* LPIs: group 1, priority and enable from the configuration table. */
    if (c->lpis_enabled && c->lpi_count > 0 && (g->ctlr & GICD_CTLR_EN_GRP1)) {
        for (uint32_t w = GIC_LPI_BASE / 64; w < GICV3_LPI_LIMIT / 64; w++) {
            uint64_t bits = c->lpi_pending[w];
            while (bits) {
                int b = __builtin_ctzll(bits);
                bits &= bits - 1;
                uint32_t id = w * 64 + (uint32_t)b;
                uint8_t cfg = gicv3_lpi_config(g, cpu, id);
                if (cfg & 1)
                    consider(&c->best[1], (int)id, cfg & 0xfc & GIC_PRIO_MASK);
            }
        }
    }
}

static unsigned bpr_for(GICv3Cpu *c, int grp)
{
    if (grp == 0 || (c->icc_ctlr & ICC_CTLR_CBPR))
        return c->bpr0;
    return c->bpr1 - 1;
}

static bool can_signal(GICv3Cpu *c, int grp)
{
    const GicCand *b = &c->best[grp];
    if (b->intid == GIC_SPURIOUS || !(grp ? c->igrpen1 : c->igrpen0))
        return false;
    if (b->prio >= c->pmr)
        return false;
    return gic_group_prio(b->prio, bpr_for(c, grp)) < gic_running_prio(c->apr[0], c->apr[1]);
}

void gicv3_update(GICv3 *g)
{
    for (int cpu = 0; cpu < (int)g->num_cpu; cpu++) {
        GICv3Cpu *c = &g->cpu[cpu];
        compute_best(g, cpu);
        bool asleep = c->waker & GICR_WAKER_PSLEEP;
        gic_lines_drive(&g->lines, cpu, !asleep && can_signal(c, 1),
                        !asleep && can_signal(c, 0));
    }
}

int gicv3_top_group(GICv3Cpu *c)
{
    bool ok0 = c->igrpen0 && c->best[0].intid != GIC_SPURIOUS;
    bool ok1 = c->igrpen1 && c->best[1].intid != GIC_SPURIOUS;
    if (ok0 && (!ok1 || c->best[0].prio <= c->best[1].prio))
        return 0;
    return ok1 ? 1 : -1;
}

bool gicv3_can_signal(GICv3Cpu *c, int grp)
{
    return can_signal(c, grp);
}

unsigned gicv3_bpr_for(GICv3Cpu *c, int grp)
{
    return bpr_for(c, grp);
}

/* ---- inputs --------------------------------------------------------------- */

static void set_input(GICv3 *g, int cpu, int id, int level)
{
    bool old = gicv3_bit(g, GICV3_F_LEVEL, cpu, id);
    gicv3_bit_put(g, GICV3_F_LEVEL, cpu, id, level != 0);
    if (level && !old && gicv3_bit(g, GICV3_F_EDGE, cpu, id))
        gicv3_bit_put(g, GICV3_F_LATCH, cpu, id, true);
    if (!old != !level)
        gicv3_update(g);
}

static void gicv3_input(void *opaque, int n, int level)
{
    GICv3 *g = opaque;
    int nspi = (int)g->num_irq - GIC_INTERNAL;
    if (n < nspi) {
        set_input(g, 0, GIC_INTERNAL + n, level);
        return;
    }
    n -= nspi;
    int cpu = n / GIC_INTERNAL, id = n % GIC_INTERNAL;
    if (cpu >= (int)g->num_cpu || id < GIC_NR_SGI) {
        qlog(LOG_GUEST_ERROR, "gicv3: input %d (cpu %d, INTID %d) is not a PPI\n",
             n + nspi, cpu, id);
        return;
    }
    set_input(g, cpu, id, level);
}

/* ---- LPIs ------------------------------------------------------------------- */

bool gicv3_lpi_set_pending(GICv3 *g, int cpu, uint32_t intid, bool pending)
{
    if (cpu < 0 || cpu >= (int)g->num_cpu || !g->lpis)
        return false;
    GICv3Cpu *c = &g->cpu[cpu];
    if (!c->lpis_enabled || intid < GIC_LPI_BASE || intid >= gicv3_lpi_limit(g, cpu)) {
        qlog(LOG_GUEST_ERROR, "gicv3: LPI %u for cpu %d dropped (LPIs %s, range %u..%u)\n",
             intid, cpu, c->lpis_enabled ? "on" : "off", GIC_LPI_BASE,
             gicv3_lpi_limit(g, cpu) - 1);
        return false;
    }
    uint64_t bit = 1ull << (intid % 64);
    bool was = c->lpi_pending[intid / 64] & bit;
    if (pending && !was) {
        c->lpi_pending[intid / 64] |= bit;
        c->lpi_count++;
    } else if (!pending && was) {
        c->lpi_pending[intid / 64] &= ~bit;
        c->lpi_count--;
    }
    if (was != pending)
        gicv3_update(g);
    return true;
}

bool gicv3_lpi_is_pending(GICv3 *g, int cpu, uint32_t intid)
{
    if (cpu < 0 || cpu >= (int)g->num_cpu || !g->lpis || intid >= GICV3_LPI_LIMIT)
        return false;
    return g->cpu[cpu].lpi_pending[intid / 64] >> (intid % 64) & 1;
}

void gicv3_lpi_move_all(GICv3 *g, int from, int to)
{
    if (from == to || from < 0 || to < 0 || from >= (int)g->num_cpu ||
        to >= (int)g->num_cpu || !g->lpis)
        return;
    GICv3Cpu *a = &g->cpu[from], *b = &g->cpu[to];
    for (uint32_t w = 0; w < GICV3_LPI_LIMIT / 64; w++) {
        uint64_t moving = a->lpi_pending[w] & ~b->lpi_pending[w];
        b->lpi_pending[w] |= a->lpi_pending[w];
        b->lpi_count += __builtin_popcountll(moving);
        a->lpi_pending[w] = 0;
    }
    a->lpi_count = 0;
    gicv3_update(g);
}

/* ---- the device ------------------------------------------------------------ */

static void gicv3_reset(Device *dev)
{
    GICv3 *g = (GICv3 *)dev;
    for (int f = 0; f < GICV3_F__N; f++)
        if (f != GICV3_F_LEVEL)   /* input levels are wires: kept */
            memset(g->bits[f], 0, sizeof(g->bits[f]));
    memset(g->prio, 0, sizeof(g->prio));
    memset(g->irouter, 0, sizeof(g->irouter));
    g->ctlr = 0;
    for (int c = 0; c < (int)g->num_cpu; c++) {
        GICv3Cpu *cp = &g->cpu[c];
        uint32_t level = cp->bits[GICV3_F_LEVEL];
        memset(cp->bits, 0, sizeof(cp->bits));
        cp->bits[GICV3_F_LEVEL] = level;
        cp->bits[GICV3_F_EDGE] = 0xffff;    /* SGIs */
        memset(cp->prio, 0, sizeof(cp->prio));
        cp->waker = GICR_WAKER_PSLEEP | GICR_WAKER_CASLEEP;
        cp->lpis_enabled = false;
        cp->propbaser = cp->pendbaser = 0;
        if (cp->lpi_pending)
            memset(cp->lpi_pending, 0, GICV3_LPI_LIMIT / 8);
        cp->lpi_count = 0;
        cp->icc_ctlr = 0;
        cp->pmr = 0;
        cp->bpr0 = GIC_MIN_BPR0;
        cp->bpr1 = GIC_MIN_BPR1;
        cp->igrpen0 = cp->igrpen1 = 0;
        cp->apr[0] = cp->apr[1] = 0;
    }
    for (int id = GIC_INTERNAL; id < GIC_MAX_IRQ; id++)
        gicv3_route_spi(g, id);
    gicv3_update(g);
}

static int gicv3_realize(Device *dev, Error **errp)
{
    GICv3 *g = (GICv3 *)dev;
    g->nwords = (int)(g->num_irq + 31) / 32;
    gic_lines_init(&g->lines, (int)g->num_cpu, (int)g->num_irq, gicv3_input, g);
    g->dist_mr = mr_new_mmio("gicv3-dist", GICV3_DIST_SIZE, &gicv3_dist_ops, g);
    for (int r = 0; r < g->n_rdist_regions; r++) {
        GICv3RdistRegion *rr = &g->rdist_region[r];
        rr->gic = g;
        g->rdist_mr[r] = mr_new_mmio("gicv3-redist", (uint64_t)rr->count * GICV3_RDIST_STRIDE,
                                     &gicv3_rdist_ops, rr);
    }
    gicv3_reset(dev);
    return 0;
}

DEVICE_TYPE(gicv3_type,
    .name = "arm-gicv3",
    .desc = "Arm GICv3 interrupt controller",
    .category = "system",
    .instance_size = sizeof(GICv3),
    .realize = gicv3_realize,
    .reset = gicv3_reset)

GICv3 *gicv3_create(const GICv3Config *cfg, Error **errp)
{
    if (cfg->num_cpu < 1 || cfg->num_cpu > GICV3_MAX_CPUS) {
        error_setg(errp, "arm-gicv3: num-cpu must be 1..%d (got %d)", GICV3_MAX_CPUS,
                   cfg->num_cpu);
        return NULL;
    }
    if (cfg->num_irq < GIC_INTERNAL || cfg->num_irq > GIC_MAX_IRQ) {
        error_setg(errp, "arm-gicv3: num-irq must be %d..%d (got %d)", GIC_INTERNAL,
                   GIC_MAX_IRQ, cfg->num_irq);
        return NULL;
    }
    if (cfg->lpis && !cfg->dma_as) {
        error_setg(errp, "arm-gicv3: LPIs need an address space for their tables");
        return NULL;
    }
    int nreg = cfg->n_rdist_regions, total = 0;
    if (nreg < 0 || nreg > GICV3_MAX_RDIST_REGIONS) {
        error_setg(errp, "arm-gicv3: at most %d redistributor regions", GICV3_MAX_RDIST_REGIONS);
        return NULL;
    }
    for (int r = 0; r < nreg; r++)
        total += cfg->rdist_region_cpus[r] > 0 ? cfg->rdist_region_cpus[r] : -100000;
    if (nreg && total != cfg->num_cpu) {
        error_setg(errp, "arm-gicv3: the redistributor regions hold %d CPUs, not %d", total,
                   cfg->num_cpu);
        return NULL;
    }
    Device *dev = device_new("arm-gicv3", errp);
    if (!dev)
        return NULL;
    GICv3 *g = (GICv3 *)dev;
    g->num_cpu = (uint32_t)cfg->num_cpu;
    g->num_irq = (uint32_t)cfg->num_irq;
    g->lpis = cfg->lpis;
    g->dma_as = cfg->dma_as;
    g->cpu = xcalloc((size_t)cfg->num_cpu, sizeof(*g->cpu));
    for (int c = 0; c < cfg->num_cpu; c++) {
        g->cpu[c].affinity = cfg->affinity ? cfg->affinity[c] : gicv3_default_affinity(c);
        if (cfg->lpis)
            g->cpu[c].lpi_pending = xzalloc(GICV3_LPI_LIMIT / 8);
    }
    g->n_rdist_regions = nreg ? nreg : 1;
    for (int r = 0, first = 0; r < g->n_rdist_regions; r++) {
        int n = nreg ? cfg->rdist_region_cpus[r] : cfg->num_cpu;
        g->rdist_region[r].first_cpu = first;
        g->rdist_region[r].count = n;
        first += n;
    }
    if (device_realize(dev, NULL, errp) < 0) {
        for (int c = 0; c < cfg->num_cpu; c++)
            free(g->cpu[c].lpi_pending);
        free(g->cpu);
        device_free(dev);
        return NULL;
    }
    return g;
}
