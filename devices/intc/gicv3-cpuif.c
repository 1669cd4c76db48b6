/*
 * gicv3-cpuif.c — the GICv3 CPU interface as system registers (ARM IHI
 * 0069 §12.2, ICC_*_EL1 and ICC_SRE_EL2), with a single security state:
 * acknowledge (IAR0/IAR1: the highest pending interrupt of that group if it
 * has sufficient priority and can preempt, else 1023), priority drop
 * (EOIR0/EOIR1) and deactivation (at EOI, or by DIR when ICC_CTLR_EL1.EOImode
 * is set, as Linux does when it owns EL2), PMR, the binary points, the
 * active-priority registers, group enables, affinity-routed SGIs
 * (SGI1R/SGI0R/ASGI1R), and SRE reading as "system registers on". Five
 * priority bits (ICC_CTLR_EL1.PRIbits = 4), 16-bit INTIDs.
 *
 * The encodings are Arm's (the Arm ARM's system-register index; Linux's
 * arch/arm64/include/asm/sysreg.h names the same). Device lock held.
 */
#include "devices/intc/gicv3-internal.h"

#define R ICC_ACCESS_R
#define W ICC_ACCESS_W

const IccRegInfo gicv3_icc_regs[ICC__COUNT] = {
    [ICC_PMR_EL1]     = {ICC_PMR_EL1,     "ICC_PMR_EL1",     3, 0, 4, 6, 0, R | W, 1},
    [ICC_IAR0_EL1]    = {ICC_IAR0_EL1,    "ICC_IAR0_EL1",    3, 0, 12, 8, 0, R, 1},
    [ICC_EOIR0_EL1]   = {ICC_EOIR0_EL1,   "ICC_EOIR0_EL1",   3, 0, 12, 8, 1, W, 1},
    [ICC_HPPIR0_EL1]  = {ICC_HPPIR0_EL1,  "ICC_HPPIR0_EL1",  3, 0, 12, 8, 2, R, 1},
    [ICC_BPR0_EL1]    = {ICC_BPR0_EL1,    "ICC_BPR0_EL1",    3, 0, 12, 8, 3, R | W, 1},
    [ICC_AP0R0_EL1]   = {ICC_AP0R0_EL1,   "ICC_AP0R0_EL1",   3, 0, 12, 8, 4, R | W, 1},
    [ICC_AP1R0_EL1]   = {ICC_AP1R0_EL1,   "ICC_AP1R0_EL1",   3, 0, 12, 9, 0, R | W, 1},
    [ICC_DIR_EL1]     = {ICC_DIR_EL1,     "ICC_DIR_EL1",     3, 0, 12, 11, 1, W, 1},
    [ICC_RPR_EL1]     = {ICC_RPR_EL1,     "ICC_RPR_EL1",     3, 0, 12, 11, 3, R, 1},
    [ICC_SGI1R_EL1]   = {ICC_SGI1R_EL1,   "ICC_SGI1R_EL1",   3, 0, 12, 11, 5, W, 1},
    [ICC_ASGI1R_EL1]  = {ICC_ASGI1R_EL1,  "ICC_ASGI1R_EL1",  3, 0, 12, 11, 6, W, 1},
    [ICC_SGI0R_EL1]   = {ICC_SGI0R_EL1,   "ICC_SGI0R_EL1",   3, 0, 12, 11, 7, W, 1},
    [ICC_IAR1_EL1]    = {ICC_IAR1_EL1,    "ICC_IAR1_EL1",    3, 0, 12, 12, 0, R, 1},
    [ICC_EOIR1_EL1]   = {ICC_EOIR1_EL1,   "ICC_EOIR1_EL1",   3, 0, 12, 12, 1, W, 1},
    [ICC_HPPIR1_EL1]  = {ICC_HPPIR1_EL1,  "ICC_HPPIR1_EL1",  3, 0, 12, 12, 2, R, 1},
    [ICC_BPR1_EL1]    = {ICC_BPR1_EL1,    "ICC_BPR1_EL1",    3, 0, 12, 12, 3, R | W, 1},
    [ICC_CTLR_EL1]    = {ICC_CTLR_EL1,    "ICC_CTLR_EL1",    3, 0, 12, 12, 4, R | W, 1},
    [ICC_SRE_EL1]     = {ICC_SRE_EL1,     "ICC_SRE_EL1",     3, 0, 12, 12, 5, R | W, 1},
    [ICC_IGRPEN0_EL1] = {ICC_IGRPEN0_EL1, "ICC_IGRPEN0_EL1", 3, 0, 12, 12, 6, R | W, 1},
    [ICC_IGRPEN1_EL1] = {ICC_IGRPEN1_EL1, "ICC_IGRPEN1_EL1", 3, 0, 12, 12, 7, R | W, 1},
    [ICC_SRE_EL2]     = {ICC_SRE_EL2,     "ICC_SRE_EL2",     3, 4, 12, 9, 5, R | W, 2},
};

#undef R
#undef W

const IccRegInfo *gicv3_icc_lookup(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                                   unsigned op2)
{
    for (int i = 0; i < ICC__COUNT; i++) {
        const IccRegInfo *r = &gicv3_icc_regs[i];
        if (r->op0 == op0 && r->op1 == op1 && r->crn == crn && r->crm == crm && r->op2 == op2)
            return r;
    }
    return NULL;
}

/* ICC_CTLR_EL1 read-only fields: PRIbits = 4 (5 bits), IDbits = 0 (16). */
#define ICC_CTLR_RO      ((GIC_PRIO_BITS - 1u) << 8)
#define ICC_CTLR_RW      (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE)
#define ICC_SRE_EL1_VAL  0x7u      /* SRE, DFB, DIB: RAO/WI */
#define ICC_SRE_EL2_VAL  0xfu      /* ... and Enable */

static uint32_t acknowledge(GICv3 *g, int cpu, int grp)
{
    GICv3Cpu *c = &g->cpu[cpu];
    int id = c->best[grp].intid;
    unsigned prio = c->best[grp].prio;
    if (id >= GIC_LPI_BASE) {
        /* LPIs have no active state: acknowledged means no longer pending. */
        gicv3_lpi_set_pending(g, cpu, (uint32_t)id, false);
    } else {
        gicv3_bit_put(g, GICV3_F_LATCH, cpu, id, false);
        gicv3_bit_put(g, GICV3_F_ACTIVE, cpu, id, true);
    }
    c->apr[grp] |= gic_apr_bit(gic_group_prio(prio, gicv3_bpr_for(c, grp)));
    qlog(LOG_INT, "gicv3: cpu %d acknowledges %d (group %d, prio 0x%x)\n", cpu, id, grp, prio);
    gicv3_update(g);
    return (uint32_t)id;
}

static uint32_t read_iar(GICv3 *g, int cpu, int grp)
{
    GICv3Cpu *c = &g->cpu[cpu];
    if (gicv3_top_group(c) != grp || !gicv3_can_signal(c, grp))
        return GIC_SPURIOUS;
    return acknowledge(g, cpu, grp);
}

static uint32_t read_hppir(GICv3 *g, int cpu, int grp)
{
    GICv3Cpu *c = &g->cpu[cpu];
    return gicv3_top_group(c) == grp ? (uint32_t)c->best[grp].intid : GIC_SPURIOUS;
}

static void deactivate(GICv3 *g, int cpu, uint32_t id, const char *what)
{
    if (id >= GIC_LPI_BASE)
        return;     /* LPIs have no active state */
    if (id >= g->num_irq || (id >= GIC_INTERNAL && id >= GIC_MAX_IRQ)) {
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: %s of INTID %u, which does not exist\n", cpu,
             what, id);
        return;
    }
    if (!gicv3_bit(g, GICV3_F_ACTIVE, cpu, (int)id)) {
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: %s of INTID %u, which is not active\n", cpu,
             what, id);
        return;
    }
    gicv3_bit_put(g, GICV3_F_ACTIVE, cpu, (int)id, false);
}

static void write_eoir(GICv3 *g, int cpu, int grp, uint32_t id)
{
    GICv3Cpu *c = &g->cpu[cpu];
    id &= 0xffffff;
    if (id >= 1020 && id <= 1023)
        return;
    uint32_t both = c->apr[0] | c->apr[1];
    if (!both) {
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: EOI of %u with no active priority\n", cpu, id);
        return;
    }
    uint32_t top = both & -both;
    if (!(c->apr[grp] & top)) {
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: ICC_EOIR%d_EL1 of %u while the highest active "
             "priority is group %d; ignored\n", cpu, grp, id, !grp);
        return;
    }
    c->apr[grp] &= ~top;
    if (!(c->icc_ctlr & ICC_CTLR_EOIMODE))
        deactivate(g, cpu, id, "EOI");
    gicv3_update(g);
}

static void write_dir(GICv3 *g, int cpu, uint32_t id)
{
    id &= 0xffffff;
    if (id >= 1020 && id <= 1023)
        return;
    if (!(g->cpu[cpu].icc_ctlr & ICC_CTLR_EOIMODE)) {
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: ICC_DIR_EL1 of %u with EOImode 0; ignored\n",
             cpu, id);
        return;
    }
    deactivate(g, cpu, id, "ICC_DIR_EL1");
    gicv3_update(g);
}

/* ICC_SGI0R/SGI1R/ASGI1R: TargetList [15:0], Aff1 [23:16], INTID [27:24],
 * Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. An SGI is set pending
 * at a target only if it is configured there in the group the register
 * generates (group 0 for SGI0R, group 1 otherwise). */
static void write_sgi(GICv3 *g, int cpu, uint64_t v, int grp)
{
    int sgi = (int)(v >> 24 & 0xf);
    bool irm = v >> 40 & 1;
    uint32_t aff321 = (uint32_t)((v >> 48 & 0xff) << 24 | (v >> 32 & 0xff) << 16 |
                                 (v >> 16 & 0xff) << 8);
    unsigned rs = (unsigned)(v >> 44 & 0xf);
    for (int t = 0; t < (int)g->num_cpu; t++) {
        uint32_t aff = g->cpu[t].affinity;
        bool hit;
        if (irm) {
            hit = t != cpu;
        } else {
            unsigned a0 = aff & 0xff;
            hit = (aff & 0xffffff00u) == aff321 && a0 / 16 == rs && (v >> (a0 % 16) & 1);
        }
        if (!hit)
            continue;
        if (gicv3_bit(g, GICV3_F_GROUP, t, sgi) != (grp == 1)) {
            qlog(LOG_GUEST_ERROR, "gicv3: SGI %d to cpu %d is group %d there, not %d; not sent\n",
                 sgi, t, !grp, grp);
            continue;
        }
        gicv3_bit_put(g, GICV3_F_LATCH, t, sgi, true);
    }
    gicv3_update(g);
}

static bool cpu_ok(GICv3 *g, int cpu, IccReg reg)
{
    if (cpu < 0 || cpu >= (int)g->num_cpu || (unsigned)reg >= ICC__COUNT) {
        qlog(LOG_GUEST_ERROR, "gicv3: ICC access by cpu %d to register %d: out of range\n",
             cpu, (int)reg);
        return false;
    }
    return true;
}

uint64_t gicv3_icc_read(GICv3 *g, int cpu, IccReg reg)
{
    if (!cpu_ok(g, cpu, reg))
        return 0;
    GICv3Cpu *c = &g->cpu[cpu];
    switch (reg) {
    case ICC_PMR_EL1: return c->pmr;
    case ICC_IAR0_EL1: return read_iar(g, cpu, 0);
    case ICC_IAR1_EL1: return read_iar(g, cpu, 1);
    case ICC_HPPIR0_EL1: return read_hppir(g, cpu, 0);
    case ICC_HPPIR1_EL1: return read_hppir(g, cpu, 1);
    case ICC_BPR0_EL1: return c->bpr0;
    case ICC_BPR1_EL1:
        return (c->icc_ctlr & ICC_CTLR_CBPR) ? MIN(c->bpr0 + 1, 7u) : c->bpr1;
    case ICC_AP0R0_EL1: return c->apr[0];
    case ICC_AP1R0_EL1: return c->apr[1];
    case ICC_RPR_EL1: return MIN(gic_running_prio(c->apr[0], c->apr[1]), 0xffu);
    case ICC_CTLR_EL1: return c->icc_ctlr | ICC_CTLR_RO;
    case ICC_SRE_EL1: return ICC_SRE_EL1_VAL;
    case ICC_SRE_EL2: return ICC_SRE_EL2_VAL;
    case ICC_IGRPEN0_EL1: return c->igrpen0;
    case ICC_IGRPEN1_EL1: return c->igrpen1;
    case ICC_EOIR0_EL1: case ICC_EOIR1_EL1: case ICC_DIR_EL1:
    case ICC_SGI0R_EL1: case ICC_SGI1R_EL1: case ICC_ASGI1R_EL1:
    case ICC__COUNT:
        break;
    }
    qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: read of write-only %s\n", cpu,
         gicv3_icc_regs[reg].name);
    return 0;
}

void gicv3_icc_write(GICv3 *g, int cpu, IccReg reg, uint64_t v)
{
    if (!cpu_ok(g, cpu, reg))
        return;
    GICv3Cpu *c = &g->cpu[cpu];
    switch (reg) {
    case ICC_PMR_EL1: c->pmr = (uint32_t)v & GIC_PRIO_MASK; break;
    case ICC_EOIR0_EL1: write_eoir(g, cpu, 0, (uint32_t)v); return;
    case ICC_EOIR1_EL1: write_eoir(g, cpu, 1, (uint32_t)v); return;
    case ICC_DIR_EL1: write_dir(g, cpu, (uint32_t)v); return;
    case ICC_BPR0_EL1: c->bpr0 = MAX((uint32_t)v & 7, (uint32_t)GIC_MIN_BPR0); break;
    case ICC_BPR1_EL1:
        if (!(c->icc_ctlr & ICC_CTLR_CBPR))
            c->bpr1 = MAX((uint32_t)v & 7, (uint32_t)GIC_MIN_BPR1);
        break;
    case ICC_AP0R0_EL1: c->apr[0] = (uint32_t)v; break;
    case ICC_AP1R0_EL1: c->apr[1] = (uint32_t)v; break;
    case ICC_CTLR_EL1: c->icc_ctlr = (uint32_t)v & ICC_CTLR_RW; break;
    case ICC_SRE_EL1: case ICC_SRE_EL2: return;     /* RAO/WI */
    case ICC_IGRPEN0_EL1: c->igrpen0 = (uint32_t)v & 1; break;
    case ICC_IGRPEN1_EL1: c->igrpen1 = (uint32_t)v & 1; break;
    case ICC_SGI0R_EL1: write_sgi(g, cpu, v, 0); return;
    case ICC_SGI1R_EL1: case ICC_ASGI1R_EL1: write_sgi(g, cpu, v, 1); return;
    case ICC_IAR0_EL1: case ICC_IAR1_EL1: case ICC_HPPIR0_EL1: case ICC_HPPIR1_EL1:
    case ICC_RPR_EL1: case ICC__COUNT:
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: write to read-only %s\n", cpu,
             gicv3_icc_regs[reg].name);
        return;
    }
    gicv3_update(g);
}
