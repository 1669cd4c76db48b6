/*
 * gicv3-redist.c — GICv3 redistributors (ARM IHI 0069 §12.10-12.11): per CPU
 * a 64 KiB RD_base frame (GICR_CTLR with EnableLPIs, GICR_IIDR, GICR_TYPER
 * with the affinity, processor number and Last, GICR_WAKER with the
 * ProcessorSleep/ChildrenAsleep handshake Linux performs, GICR_PROPBASER
 * and GICR_PENDBASER for LPIs) and a 64 KiB SGI_base frame (IGROUPR0,
 * I[SC]ENABLER0, I[SC]PENDR0, I[SC]ACTIVER0, IPRIORITYR0-7, ICFGR0/1).
 *
 * LPI tables (§5.1.1): the configuration table is read from guest memory
 * when the redistributor looks for the highest pending interrupt — no
 * cache, so INV/INVALL and GICR_INVLPIR need no work; a table outside RAM
 * reads as "disabled". Pending state is kept here; enabling LPIs with
 * PENDBASER.PTZ clear loads it from the pending table. Device lock held.
 */
#include "devices/intc/gicv3-internal.h"

#define GICR_CTLR        0x0000
#define GICR_IIDR        0x0004
#define GICR_TYPER       0x0008
#define GICR_STATUSR     0x0010
#define GICR_WAKER       0x0014
#define GICR_SETLPIR     0x0040
#define GICR_CLRLPIR     0x0048
#define GICR_PROPBASER   0x0070
#define GICR_PENDBASER   0x0078
#define GICR_INVLPIR     0x00a0
#define GICR_INVALLR     0x00b0
#define GICR_SYNCR       0x00c0
#define GICR_PIDR2       0xffe8

#define SGI_BASE         0x10000
#define GICR_IGROUPR0    0x0080
#define GICR_ISENABLER0  0x0100
#define GICR_ICENABLER0  0x0180
#define GICR_ISPENDR0    0x0200
#define GICR_ICPENDR0    0x0280
#define GICR_ISACTIVER0  0x0300
#define GICR_ICACTIVER0  0x0380
#define GICR_IPRIORITYR  0x0400
#define GICR_ICFGR0      0x0c00
#define GICR_ICFGR1      0x0c04
#define GICR_IGRPMODR0   0x0d00
#define GICR_NSACR       0x0e00

#define GICR_CTLR_ENABLE_LPIS  1u
/* Writable fields: IDbits [4:0], InnerCache, Shareability, the address,
 * OuterCache (and PTZ for PENDBASER). */
#define PROPBASER_WMASK  0x070fffffffffff9full
#define PENDBASER_WMASK  0x470fffffffff0f80ull
#define PROPBASER_ADDR   0x000ffffffffff000ull
#define PENDBASER_ADDR   0x000fffffffff0000ull
#define PENDBASER_PTZ    (1ull << 62)

uint32_t gicv3_lpi_limit(GICv3 *g, int cpu)
{
    unsigned idbits = (unsigned)(g->cpu[cpu].propbaser & 0x1f) + 1;
    if (idbits < 14)
        return 0;   /* too small for any LPI: none */
    return idbits >= GICV3_LPI_ID_BITS ? GICV3_LPI_LIMIT : 1u << idbits;
}

uint8_t gicv3_lpi_config(GICv3 *g, int cpu, uint32_t intid)
{
    uint8_t b = 0;
    hwaddr a = (g->cpu[cpu].propbaser & PROPBASER_ADDR) + (intid - GIC_LPI_BASE);
    if (intid >= gicv3_lpi_limit(g, cpu) || dma_read(g->dma_as, a, &b, 1) < 0)
        return 0;
    return b;
}

static void enable_lpis(GICv3 *g, int cpu)
{
    GICv3Cpu *c = &g->cpu[cpu];
    c->lpis_enabled = true;
    memset(c->lpi_pending, 0, GICV3_LPI_LIMIT / 8);
    c->lpi_count = 0;
    if (c->pendbaser & PENDBASER_PTZ)
        return;
    /* Load pending state for the LPI range (INTIDs >= 8192) from memory. */
    hwaddr base = c->pendbaser & PENDBASER_ADDR;
    uint32_t limit = gicv3_lpi_limit(g, cpu);
    if (limit <= GIC_LPI_BASE)
        return;
    size_t off = GIC_LPI_BASE / 8, len = (limit - GIC_LPI_BASE) / 8;
    if (dma_read(g->dma_as, base + off, (uint8_t *)c->lpi_pending + off, len) < 0) {
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: LPI pending table at 0x%" PRIx64
             " is not RAM; starting with none pending\n", cpu, base);
        memset(c->lpi_pending, 0, GICV3_LPI_LIMIT / 8);
        return;
    }
    for (size_t w = 0; w < GICV3_LPI_LIMIT / 64; w++)
        c->lpi_count += __builtin_popcountll(c->lpi_pending[w]);
}

static uint64_t rd_read(GICv3 *g, int cpu, bool last, uint32_t off, unsigned size)
{
    GICv3Cpu *c = &g->cpu[cpu];
    switch (off) {
    case GICR_CTLR: return c->lpis_enabled ? GICR_CTLR_ENABLE_LPIS : 0;
    case GICR_IIDR: return GICV3_IIDR;
    case GICR_TYPER:
    case GICR_TYPER + 4: {
        uint64_t t = (uint64_t)c->affinity << 32 | (uint64_t)cpu << 8 | (last ? 1u << 4 : 0) |
                     (g->lpis ? 1u : 0);   /* PLPIS; CommonLPIAff 0: all share config */
        return size == 8 ? t : off & 4 ? t >> 32 : (uint32_t)t;
    }
    case GICR_STATUSR: return 0;
    case GICR_WAKER:
        return c->waker;
    case GICR_PROPBASER: case GICR_PROPBASER + 4:
        return size == 8 ? c->propbaser : off & 4 ? c->propbaser >> 32 : (uint32_t)c->propbaser;
    case GICR_PENDBASER: case GICR_PENDBASER + 4: {
        uint64_t p = c->pendbaser & ~PENDBASER_PTZ;   /* PTZ reads as 0 */
        return size == 8 ? p : off & 4 ? p >> 32 : (uint32_t)p;
    }
    case GICR_SYNCR: return 0;          /* never busy */
    case GICR_PIDR2: return GICV3_PIDR2;
    }
    if (off >= 0xffd0)
        return 0;
    if (off == GICR_SETLPIR || off == GICR_CLRLPIR || off == GICR_INVLPIR || off == GICR_INVALLR)
        return 0;
    qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: read of reserved RD_base offset 0x%x\n", cpu, off);
    return 0;
}

static void rd_write(GICv3 *g, int cpu, uint32_t off, uint64_t v, unsigned size)
{
    GICv3Cpu *c = &g->cpu[cpu];
    switch (off) {
    case GICR_CTLR:
        if (g->lpis && (v & GICR_CTLR_ENABLE_LPIS) && !c->lpis_enabled)
            enable_lpis(g, cpu);
        else if (!(v & GICR_CTLR_ENABLE_LPIS) && c->lpis_enabled)
            c->lpis_enabled = false;
        break;
    case GICR_WAKER:
        /* ChildrenAsleep follows ProcessorSleep at once: nothing to drain. */
        c->waker = (v & GICR_WAKER_PSLEEP) ? GICR_WAKER_PSLEEP | GICR_WAKER_CASLEEP : 0;
        break;
    case GICR_PROPBASER: case GICR_PROPBASER + 4:
    case GICR_PENDBASER: case GICR_PENDBASER + 4: {
        bool prop = off < GICR_PENDBASER;
        uint64_t *r = prop ? &c->propbaser : &c->pendbaser;
        if (c->lpis_enabled) {
            qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: GICR_%s written with LPIs enabled; ignored\n",
                 cpu, prop ? "PROPBASER" : "PENDBASER");
            return;
        }
        uint64_t nv = size == 8 ? v : off & 4 ? (*r & 0xffffffffull) | v << 32
                                              : (*r & ~0xffffffffull) | (uint32_t)v;
        *r = nv & (prop ? PROPBASER_WMASK : PENDBASER_WMASK);
        break;
    }
    case GICR_SETLPIR: case GICR_CLRLPIR:
    case GICR_INVLPIR: case GICR_INVALLR:
        /* DirectLPI is not advertised; INV needs nothing (no cache). */
        break;
    case GICR_IIDR: case GICR_TYPER: case GICR_TYPER + 4: case GICR_SYNCR: case GICR_STATUSR:
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: write to read-only RD_base register 0x%x\n",
             cpu, off);
        return;
    default:
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: write to reserved RD_base offset 0x%x\n", cpu, off);
        return;
    }
    gicv3_update(g);
}

static uint32_t sgi_read(GICv3 *g, int cpu, uint32_t off)
{
    GICv3Cpu *c = &g->cpu[cpu];
    switch (off) {
    case GICR_IGROUPR0: return c->bits[GICV3_F_GROUP];
    case GICR_ISENABLER0: case GICR_ICENABLER0: return c->bits[GICV3_F_ENABLED];
    case GICR_ISPENDR0: case GICR_ICPENDR0: return gicv3_pending_word(g, cpu, 0);
    case GICR_ISACTIVER0: case GICR_ICACTIVER0: return c->bits[GICV3_F_ACTIVE];
    case GICR_ICFGR0: return 0xaaaaaaaa;
    case GICR_ICFGR1: {
        uint32_t v = 0;
        for (int i = 0; i < 16; i++)
            if (c->bits[GICV3_F_EDGE] >> (16 + i) & 1)
                v |= 2u << (2 * i);
        return v;
    }
    case GICR_IGRPMODR0: case GICR_NSACR: return 0;
    }
    if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + 32)
    {
        const uint8_t *p = c->prio + (off - GICR_IPRIORITYR);
        return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
    }
    qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: read of reserved SGI_base offset 0x%x\n", cpu, off);
    return 0;
}

static void sgi_write(GICv3 *g, int cpu, uint32_t off, uint32_t v)
{
    GICv3Cpu *c = &g->cpu[cpu];
    switch (off) {
    case GICR_IGROUPR0: c->bits[GICV3_F_GROUP] = v; break;
    case GICR_ISENABLER0: c->bits[GICV3_F_ENABLED] |= v; break;
    case GICR_ICENABLER0: c->bits[GICV3_F_ENABLED] &= ~v; break;
    case GICR_ISPENDR0: c->bits[GICV3_F_LATCH] |= v; break;
    case GICR_ICPENDR0: c->bits[GICV3_F_LATCH] &= ~v; break;
    case GICR_ISACTIVER0: c->bits[GICV3_F_ACTIVE] |= v; break;
    case GICR_ICACTIVER0: c->bits[GICV3_F_ACTIVE] &= ~v; break;
    case GICR_ICFGR0: break;                    /* SGIs: always edge */
    case GICR_ICFGR1:
        for (int i = 0; i < 16; i++) {
            uint32_t bit = 1u << (16 + i);
            c->bits[GICV3_F_EDGE] = (v >> (2 * i + 1) & 1) ? c->bits[GICV3_F_EDGE] | bit
                                                          : c->bits[GICV3_F_EDGE] & ~bit;
        }
        break;
    case GICR_IGRPMODR0: case GICR_NSACR: return;   /* DS: RAZ/WI */
    default:
        if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + 32) {
            for (int i = 0; i < 4; i++)
                c->prio[off - GICR_IPRIORITYR + (uint32_t)i] = (uint8_t)(v >> (8 * i)) & GIC_PRIO_MASK;
            break;
        }
        qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: write of 0x%x to reserved SGI_base offset 0x%x\n",
             cpu, v, off);
        return;
    }
    gicv3_update(g);
}

static uint64_t rdist_read(void *opaque, hwaddr addr, unsigned size)
{
    GICv3RdistRegion *rr = opaque;
    GICv3 *g = rr->gic;
    int idx = (int)(addr / GICV3_RDIST_STRIDE);
    int cpu = rr->first_cpu + idx;
    uint32_t off = (uint32_t)(addr % GICV3_RDIST_STRIDE);
    if (off < SGI_BASE) {
        if (size == 4 || (size == 8 && (off == GICR_TYPER || off == GICR_PROPBASER ||
                                        off == GICR_PENDBASER)))
            return rd_read(g, cpu, idx == rr->count - 1, off, size);
    } else {
        off -= SGI_BASE;
        if (size == 4)
            return sgi_read(g, cpu, off);
        if (size == 1 && off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + 32)
            return g->cpu[cpu].prio[off - GICR_IPRIORITYR];
    }
    qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: %u-byte read of redistributor offset 0x%" PRIx64 "\n",
         cpu, size, addr % GICV3_RDIST_STRIDE);
    return 0;
}

static void rdist_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    GICv3RdistRegion *rr = opaque;
    GICv3 *g = rr->gic;
    int cpu = rr->first_cpu + (int)(addr / GICV3_RDIST_STRIDE);
    uint32_t off = (uint32_t)(addr % GICV3_RDIST_STRIDE);
    if (off < SGI_BASE) {
        if (size == 4 || (size == 8 && (off == GICR_PROPBASER || off == GICR_PENDBASER))) {
            rd_write(g, cpu, off, v, size);
            return;
        }
    } else {
        off -= SGI_BASE;
        if (size == 4) {
            sgi_write(g, cpu, off, (uint32_t)v);
            return;
        }
        if (size == 1 && off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + 32) {
            g->cpu[cpu].prio[off - GICR_IPRIORITYR] = (uint8_t)v & GIC_PRIO_MASK;
            gicv3_update(g);
            return;
        }
    }
    qlog(LOG_GUEST_ERROR, "gicv3: cpu %d: %u-byte write of redistributor offset 0x%" PRIx64 "\n",
         cpu, size, addr % GICV3_RDIST_STRIDE);
}

const MemOps gicv3_rdist_ops = {
    .read = rdist_read, .write = rdist_write, .min_size = 1, .max_size = 8,
};
