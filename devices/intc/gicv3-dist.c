/*
 * gicv3-dist.c — the GICv3 distributor's registers (ARM IHI 0069 §12.9)
 * with affinity routing always on and a single security state: GICD_CTLR
 * (ARE and DS read as one), GICD_TYPER, the SPI bit registers, priorities,
 * ICFGR and GICD_IROUTER<n>. With ARE set the registers for INTIDs 0..31
 * are RAZ/WI (they live in the redistributors) and so are ITARGETSR, SGIR
 * and the SGI pending registers. Device lock held.
 */
#include "devices/intc/gicv3-internal.h"

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_TYPER2      0x000c
#define GICD_STATUSR     0x0010
#define GICD_SETSPI_NSR  0x0040
#define GICD_CLRSPI_NSR  0x0048
#define GICD_SETSPI_SR   0x0050
#define GICD_CLRSPI_SR   0x0058
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ITARGETSR   0x0800
#define GICD_ICFGR       0x0c00
#define GICD_IGRPMODR    0x0d00
#define GICD_NSACR       0x0e00
#define GICD_SGIR        0x0f00
#define GICD_CPENDSGIR   0x0f10
#define GICD_SPENDSGIR   0x0f20
#define GICD_IROUTER     0x6000
#define GICD_PIDR2       0xffe8

#define IROUTER_MASK     0xff00ffffffull   /* Aff3, Aff2, Aff1, Aff0; IRM is RAZ/WI */

void gicv3_route_spi(GICv3 *g, int id)
{
    uint64_t r = g->irouter[id];
    uint32_t aff = (uint32_t)((r >> 32 & 0xff) << 24 | (r & 0xffffff));
    g->spi_target[id] = (int16_t)(id < (int)g->num_irq ? gicv3_cpu_by_affinity(g, aff) : -1);
}

static int bitreg(uint32_t off, uint32_t base)
{
    return off >= base && off < base + 0x80 ? (int)(off - base) / 4 : -1;
}

static uint32_t read_word(GICv3 *g, uint32_t off)
{
    int w;
    if (off == GICD_CTLR)
        return g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
    if (off == GICD_TYPER) {
        uint32_t v = (uint32_t)(g->nwords - 1) | (uint32_t)(MIN(g->num_cpu, 8u) - 1) << 5;
        v |= 1u << 25;                                    /* No1N */
        if (g->lpis)
            v |= 1u << 17 | (GICV3_LPI_ID_BITS - 1u) << 19; /* LPIS, IDbits */
        else
            v |= 9u << 19;                                /* 10-bit INTIDs */
        return v;
    }
    if (off == GICD_IIDR)
        return GICV3_IIDR;
    if (off == GICD_TYPER2 || off == GICD_STATUSR)
        return 0;
    if (off == GICD_PIDR2)
        return GICV3_PIDR2;
    if (off >= 0xffd0)
        return 0;
    if ((w = bitreg(off, GICD_IGROUPR)) >= 0)
        return w > 0 && w < g->nwords ? g->bits[GICV3_F_GROUP][w] : 0;
    if ((w = bitreg(off, GICD_ISENABLER)) >= 0 || (w = bitreg(off, GICD_ICENABLER)) >= 0)
        return w > 0 && w < g->nwords ? g->bits[GICV3_F_ENABLED][w] : 0;
    if ((w = bitreg(off, GICD_ISPENDR)) >= 0 || (w = bitreg(off, GICD_ICPENDR)) >= 0)
        return w > 0 && w < g->nwords ? gicv3_pending_word(g, 0, (unsigned)w) : 0;
    if ((w = bitreg(off, GICD_ISACTIVER)) >= 0 || (w = bitreg(off, GICD_ICACTIVER)) >= 0)
        return w > 0 && w < g->nwords ? g->bits[GICV3_F_ACTIVE][w] : 0;
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) {
            int id = (int)(off - GICD_IPRIORITYR) + i;
            if (id >= GIC_INTERNAL && id < (int)g->num_irq)
                v |= (uint32_t)g->prio[id] << (8 * i);
        }
        return v;
    }
    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        int first = (int)(off - GICD_ICFGR) * 4;
        uint32_t v = 0;
        for (int i = 0; i < 16; i++)
            if (first + i >= GIC_INTERNAL && first + i < (int)g->num_irq &&
                gicv3_bit(g, GICV3_F_EDGE, 0, first + i))
                v |= 2u << (2 * i);
        return v;
    }
    if ((off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) ||
        (off >= GICD_IGRPMODR && off < GICD_SGIR + 0x30))
        return 0;   /* legacy (ARE) and secure-only (DS) registers: RAZ */
    qlog(LOG_GUEST_ERROR, "gicv3: read of reserved distributor offset 0x%x\n", off);
    return 0;
}

static void write_bits(GICv3 *g, int f, int w, uint32_t v, bool set)
{
    if (w <= 0 || w >= g->nwords)
        return;
    if (set)
        g->bits[f][w] |= v;
    else
        g->bits[f][w] &= ~v;
}

static void spi_msg(GICv3 *g, uint32_t v, bool set)
{
    int id = (int)(v & 0x3ff);
    if (id < GIC_INTERNAL || id >= (int)g->num_irq) {
        qlog(LOG_GUEST_ERROR, "gicv3: GICD_%sSPI_NSR of %d: not an SPI\n", set ? "SET" : "CLR", id);
        return;
    }
    gicv3_bit_put(g, GICV3_F_LATCH, 0, id, set);
}

static void write_word(GICv3 *g, uint32_t off, uint32_t v)
{
    int w;
    if (off == GICD_CTLR) {
        g->ctlr = v & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
    } else if ((w = bitreg(off, GICD_IGROUPR)) >= 0) {
        if (w > 0 && w < g->nwords)
            g->bits[GICV3_F_GROUP][w] = v;
    } else if ((w = bitreg(off, GICD_ISENABLER)) >= 0) {
        write_bits(g, GICV3_F_ENABLED, w, v, true);
    } else if ((w = bitreg(off, GICD_ICENABLER)) >= 0) {
        write_bits(g, GICV3_F_ENABLED, w, v, false);
    } else if ((w = bitreg(off, GICD_ISPENDR)) >= 0) {
        write_bits(g, GICV3_F_LATCH, w, v, true);
    } else if ((w = bitreg(off, GICD_ICPENDR)) >= 0) {
        write_bits(g, GICV3_F_LATCH, w, v, false);
    } else if ((w = bitreg(off, GICD_ISACTIVER)) >= 0) {
        write_bits(g, GICV3_F_ACTIVE, w, v, true);
    } else if ((w = bitreg(off, GICD_ICACTIVER)) >= 0) {
        write_bits(g, GICV3_F_ACTIVE, w, v, false);
    } else if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
        for (int i = 0; i < 4; i++) {
            int id = (int)(off - GICD_IPRIORITYR) + i;
            if (id >= GIC_INTERNAL && id < (int)g->num_irq)
                g->prio[id] = (uint8_t)(v >> (8 * i)) & GIC_PRIO_MASK;
        }
    } else if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        int first = (int)(off - GICD_ICFGR) * 4;
        for (int i = 0; i < 16; i++)
            if (first + i >= GIC_INTERNAL && first + i < (int)g->num_irq)
                gicv3_bit_put(g, GICV3_F_EDGE, 0, first + i, v >> (2 * i + 1) & 1);
    } else if (off == GICD_SETSPI_NSR || off == GICD_CLRSPI_NSR) {
        spi_msg(g, v, off == GICD_SETSPI_NSR);
    } else if (off == GICD_TYPER || off == GICD_IIDR || off == GICD_TYPER2 || off >= 0xffd0) {
        qlog(LOG_GUEST_ERROR, "gicv3: write to read-only distributor register 0x%x\n", off);
        return;
    } else if ((off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) ||
               (off >= GICD_IGRPMODR && off < GICD_SGIR + 0x30) || off == GICD_STATUSR ||
               off == GICD_SETSPI_SR || off == GICD_CLRSPI_SR) {
        return;     /* WI with ARE and DS */
    } else {
        qlog(LOG_GUEST_ERROR, "gicv3: write of 0x%x to reserved distributor offset 0x%x\n",
             v, off);
        return;
    }
    gicv3_update(g);
}

static uint64_t dist_read(void *opaque, hwaddr off, unsigned size)
{
    GICv3 *g = opaque;
    if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * GIC_MAX_IRQ && size >= 4) {
        int id = (int)((off - GICD_IROUTER) / 8);
        uint64_t v = id >= GIC_INTERNAL && id < (int)g->num_irq ? g->irouter[id] : 0;
        return size == 8 ? v : (off & 4) ? v >> 32 : (uint32_t)v;
    }
    if (size == 4)
        return read_word(g, (uint32_t)off);
    if (size == 8)
        return read_word(g, (uint32_t)off) | (uint64_t)read_word(g, (uint32_t)off + 4) << 32;
    if (size == 1 && off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400)
        return read_word(g, (uint32_t)off & ~3u) >> (8 * (off & 3)) & 0xff;
    qlog(LOG_GUEST_ERROR, "gicv3: %u-byte read of distributor offset 0x%" PRIx64 "\n", size, off);
    return 0;
}

static void dist_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    GICv3 *g = opaque;
    if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * GIC_MAX_IRQ && size >= 4) {
        int id = (int)((off - GICD_IROUTER) / 8);
        if (id < GIC_INTERNAL || id >= (int)g->num_irq)
            return;
        uint64_t r = g->irouter[id];
        if (size == 8)
            r = v;
        else if (off & 4)
            r = (r & 0xffffffffull) | v << 32;
        else
            r = (r & ~0xffffffffull) | (uint32_t)v;
        g->irouter[id] = r & IROUTER_MASK;
        gicv3_route_spi(g, id);
        gicv3_update(g);
        return;
    }
    if (size == 8) {    /* two words, low first (64-bit accesses to 32-bit registers) */
        write_word(g, (uint32_t)off, (uint32_t)v);
        write_word(g, (uint32_t)off + 4, (uint32_t)(v >> 32));
        return;
    }
    if (size == 4) {
        write_word(g, (uint32_t)off, (uint32_t)v);
    } else if (size == 1 && off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
        int id = (int)(off - GICD_IPRIORITYR);
        if (id >= GIC_INTERNAL && id < (int)g->num_irq) {
            g->prio[id] = (uint8_t)v & GIC_PRIO_MASK;
            gicv3_update(g);
        }
    } else {
        qlog(LOG_GUEST_ERROR, "gicv3: %u-byte write of distributor offset 0x%" PRIx64 "\n",
             size, off);
    }
}

const MemOps gicv3_dist_ops = {
    .read = dist_read, .write = dist_write, .min_size = 1, .max_size = 8,
};
