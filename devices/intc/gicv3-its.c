/*
 * gicv3-its.c — GICv3 Interrupt Translation Service (ARM IHI 0069 ch. 6):
 * GITS_CTLR/IIDR/TYPER, GITS_CBASER/CWRITER/CREADR with the command queue
 * read from guest memory, GITS_BASER0 (device table) and GITS_BASER1
 * (collection table), GITS_TRANSLATER, and the commands MAPD, MAPC, MAPTI,
 * MAPI, INT, CLEAR, DISCARD, MOVI, MOVALL, INV, INVALL, SYNC.
 *
 * The tables live in guest memory (flat tables; GITS_BASER.Indirect is
 * RAZ/WI), in formats the architecture leaves to the implementation; ours
 * (8 bytes each, little-endian):
 *   DTE  bit 0 valid, [5:1] EventID bits - 1, [51:8] ITT address
 *   CTE  bit 0 valid, [16:1] target redistributor (processor number)
 *   ITE  bit 0 valid, [16:1] ICID, [48:17] pINTID
 * Every guest value is bounded before use: IDs against the table sizes and
 * the ID widths in GITS_TYPER, addresses through the DMA API (RAM only). A
 * bad command is skipped — one of the behaviours the spec allows — and
 * logged under guest_errors, with the reason kept in last_error; the queue
 * never stalls, so Linux's wait for CREADR always ends. Commands run
 * synchronously when CWRITER is written, so GITS_CTLR.Quiescent is always
 * 1 and SYNC has nothing to wait for. Device lock held.
 */
#include "devices/intc/gicv3-its.h"

#include "core/log.h"
#include "devices/intc/gicv3-internal.h"

#define GITS_CTLR        0x0000
#define GITS_IIDR        0x0004
#define GITS_TYPER       0x0008
#define GITS_CBASER      0x0080
#define GITS_CWRITER     0x0088
#define GITS_CREADR      0x0090
#define GITS_BASER       0x0100
#define GITS_PIDR2       0xffe8

#define GITS_IIDR_VALUE  0x0000043bu   /* Arm, product 0: no Linux quirk */
#define CTLR_ENABLED     1u
#define CTLR_QUIESCENT   (1u << 31)

#define BASER_VALID      (1ull << 63)
/* Valid, InnerCache, OuterCache, address [47:12], Shareability, Page_Size,
 * Size; Indirect, Type and Entry_Size are not writable. */
#define BASER_WMASK      (BASER_VALID | 7ull << 59 | 7ull << 53 | 0x0000fffffffff000ull | \
                          0xfffull)
#define BASER_TYPE_DEV   1ull
#define BASER_TYPE_COLL  4ull
#define CBASER_WMASK     (BASER_VALID | 7ull << 59 | 7ull << 53 | 0x000ffffffffff000ull | \
                          0xc00ull | 0xffull)

enum {
    CMD_MOVI = 0x01, CMD_INT = 0x03, CMD_CLEAR = 0x04, CMD_SYNC = 0x05, CMD_MAPD = 0x08,
    CMD_MAPC = 0x09, CMD_MAPTI = 0x0a, CMD_MAPI = 0x0b, CMD_INV = 0x0c, CMD_INVALL = 0x0d,
    CMD_MOVALL = 0x0e, CMD_DISCARD = 0x0f,
};

static const char *const err_names[] = {
    [ITS_OK] = "ok", [ITS_ERR_DEVICE_OOR] = "DeviceID out of range",
    [ITS_ERR_DEVICE_UNMAPPED] = "device not mapped", [ITS_ERR_ITT_SIZE] = "ITT size too large",
    [ITS_ERR_EVENT_OOR] = "EventID out of range", [ITS_ERR_EVENT_UNMAPPED] = "event not mapped",
    [ITS_ERR_COLLECTION_OOR] = "ICID out of range",
    [ITS_ERR_COLLECTION_UNMAPPED] = "collection not mapped",
    [ITS_ERR_TARGET_OOR] = "no such redistributor", [ITS_ERR_LPI_OOR] = "pINTID is not an LPI",
    [ITS_ERR_TABLE] = "table not set up or not in RAM",
    [ITS_ERR_COMMAND] = "unknown command", [ITS_ERR_QUEUE] = "command queue unusable",
    [ITS_ERR_DISABLED] = "ITS disabled",
};

static ItsError fail(GICv3ITS *its, ItsError e, const char *what)
{
    its->last_error = e;
    its->errors++;
    qlog(LOG_GUEST_ERROR, "gicv3-its: %s: %s\n", what, err_names[e]);
    return e;
}

/* ---- tables ------------------------------------------------------------------ */

/* Entry id of the table of type `type`: its guest address in *addr, or an
 * error when the table is not valid or id is beyond it. */
static ItsError table_entry(GICv3ITS *its, uint64_t type, uint64_t id, hwaddr *addr)
{
    for (int i = 0; i < 8; i++) {
        uint64_t b = its->baser[i];
        if ((b >> 56 & 7) != type)
            continue;
        if (!(b & BASER_VALID))
            return ITS_ERR_TABLE;
        static const uint64_t psz[4] = {4096, 16384, 65536, 65536};
        uint64_t ps = psz[b >> 8 & 3];
        hwaddr base = b & 0x0000fffffffff000ull & ~(ps - 1);
        if (ps == 65536)
            base |= (b >> 12 & 0xf) << 48;     /* PA[51:48] in bits [15:12] */
        uint64_t size = ((b & 0xff) + 1) * ps;
        if (id >= size / GITS_ENTRY_SIZE)
            return type == BASER_TYPE_DEV ? ITS_ERR_DEVICE_OOR : ITS_ERR_COLLECTION_OOR;
        *addr = base + id * GITS_ENTRY_SIZE;
        return ITS_OK;
    }
    return ITS_ERR_TABLE;
}

static ItsError read_entry(GICv3ITS *its, hwaddr a, uint64_t *v)
{
    uint8_t b[8];
    if (dma_read(its->dma_as, a, b, 8) < 0)
        return ITS_ERR_TABLE;
    *v = 0;
    for (int i = 7; i >= 0; i--)
        *v = *v << 8 | b[i];
    return ITS_OK;
}

static ItsError write_entry(GICv3ITS *its, hwaddr a, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return dma_write(its->dma_as, a, b, 8) < 0 ? ITS_ERR_TABLE : ITS_OK;
}

static ItsError get_dte(GICv3ITS *its, uint32_t devid, uint64_t *dte, hwaddr *at)
{
    if (devid >= (1u << GITS_DEVBITS))
        return ITS_ERR_DEVICE_OOR;
    hwaddr a;
    ItsError e = table_entry(its, BASER_TYPE_DEV, devid, &a);
    if (!e)
        e = read_entry(its, a, dte);
    if (at)
        *at = a;
    return e;
}

/* The ITE of (devid, eventid): its address in *at and value in *ite. */
static ItsError get_ite(GICv3ITS *its, uint32_t devid, uint32_t eventid, uint64_t *ite,
                        hwaddr *at)
{
    uint64_t dte;
    ItsError e = get_dte(its, devid, &dte, NULL);
    if (e)
        return e;
    if (!(dte & 1))
        return ITS_ERR_DEVICE_UNMAPPED;
    unsigned bits = (unsigned)(dte >> 1 & 0x1f) + 1;
    if (bits < 32 && eventid >= (1u << bits))
        return ITS_ERR_EVENT_OOR;
    *at = (dte & 0x000fffffffffff00ull) + (uint64_t)eventid * GITS_ENTRY_SIZE;
    return read_entry(its, *at, ite);
}

/* The redistributor (CPU index) collection icid targets. */
static ItsError get_target(GICv3ITS *its, uint32_t icid, int *cpu)
{
    hwaddr a;
    uint64_t cte;
    ItsError e = table_entry(its, BASER_TYPE_COLL, icid, &a);
    if (!e)
        e = read_entry(its, a, &cte);
    if (e)
        return e;
    if (!(cte & 1))
        return ITS_ERR_COLLECTION_UNMAPPED;
    uint64_t rd = cte >> 1 & 0xffff;
    if (rd >= its->gic->num_cpu)
        return ITS_ERR_TARGET_OOR;
    *cpu = (int)rd;
    return ITS_OK;
}

/* Resolve (devid, eventid) to (cpu, pINTID, ITE). */
static ItsError resolve(GICv3ITS *its, uint32_t devid, uint32_t eventid, int *cpu,
                        uint32_t *pintid, uint64_t *ite_out, hwaddr *ite_at)
{
    uint64_t ite;
    hwaddr at;
    ItsError e = get_ite(its, devid, eventid, &ite, &at);
    if (e)
        return e;
    if (!(ite & 1))
        return ITS_ERR_EVENT_UNMAPPED;
    e = get_target(its, (uint32_t)(ite >> 1 & 0xffff), cpu);
    if (e)
        return e;
    *pintid = (uint32_t)(ite >> 17);
    if (ite_out)
        *ite_out = ite;
    if (ite_at)
        *ite_at = at;
    return ITS_OK;
}

ItsError gicv3_its_translate(GICv3ITS *its, uint32_t devid, uint32_t eventid)
{
    if (!(its->ctlr & CTLR_ENABLED))
        return fail(its, ITS_ERR_DISABLED, "translation");
    int cpu;
    uint32_t pintid;
    ItsError e = resolve(its, devid, eventid, &cpu, &pintid, NULL, NULL);
    if (e)
        return fail(its, e, "translation");
    qlog(LOG_INT, "gicv3-its: device %u event %u -> LPI %u on cpu %d\n", devid, eventid,
         pintid, cpu);
    gicv3_lpi_set_pending(its->gic, cpu, pintid, true);
    return ITS_OK;
}

/* ---- commands ------------------------------------------------------------- */

static bool lpi_ok(uint32_t pintid)
{
    return pintid >= GIC_LPI_BASE && pintid < GICV3_LPI_LIMIT;
}

static ItsError cmd_mapd(GICv3ITS *its, const uint64_t *c)
{
    uint32_t devid = (uint32_t)(c[0] >> 32);
    unsigned size = (unsigned)(c[1] & 0x1f);
    bool valid = c[2] >> 63;
    hwaddr a;
    uint64_t dte;
    ItsError e = get_dte(its, devid, &dte, &a);
    if (e)
        return e;
    if (valid && size + 1 > GITS_EVENTBITS)
        return ITS_ERR_ITT_SIZE;
    dte = valid ? 1 | (uint64_t)size << 1 | (c[2] & 0x000fffffffffff00ull) : 0;
    return write_entry(its, a, dte);
}

static ItsError cmd_mapc(GICv3ITS *its, const uint64_t *c)
{
    uint32_t icid = (uint32_t)(c[2] & 0xffff);
    uint64_t rd = c[2] >> 16 & 0xfffffffffull;
    bool valid = c[2] >> 63;
    hwaddr a;
    ItsError e = table_entry(its, BASER_TYPE_COLL, icid, &a);
    if (e)
        return e;
    if (valid && rd >= its->gic->num_cpu)
        return ITS_ERR_TARGET_OOR;
    return write_entry(its, a, valid ? 1 | rd << 1 : 0);
}

static ItsError cmd_mapti(GICv3ITS *its, const uint64_t *c, bool mapi)
{
    uint32_t devid = (uint32_t)(c[0] >> 32), eventid = (uint32_t)c[1];
    uint32_t pintid = mapi ? eventid : (uint32_t)(c[1] >> 32);
    uint32_t icid = (uint32_t)(c[2] & 0xffff);
    uint64_t ite;
    hwaddr at, ca;
    ItsError e = get_ite(its, devid, eventid, &ite, &at);
    if (e)
        return e;
    if (!lpi_ok(pintid))
        return ITS_ERR_LPI_OOR;
    e = table_entry(its, BASER_TYPE_COLL, icid, &ca);
    if (e)
        return e;
    return write_entry(its, at, 1 | (uint64_t)icid << 1 | (uint64_t)pintid << 17);
}

static ItsError cmd_int_clear(GICv3ITS *its, const uint64_t *c, int op)
{
    uint32_t devid = (uint32_t)(c[0] >> 32), eventid = (uint32_t)c[1];
    int cpu;
    uint32_t pintid;
    hwaddr at;
    ItsError e = resolve(its, devid, eventid, &cpu, &pintid, NULL, &at);
    if (e)
        return e;
    switch (op) {
    case CMD_INT:
        gicv3_lpi_set_pending(its->gic, cpu, pintid, true);
        break;
    case CMD_CLEAR:
        gicv3_lpi_set_pending(its->gic, cpu, pintid, false);
        break;
    case CMD_DISCARD:
        gicv3_lpi_set_pending(its->gic, cpu, pintid, false);
        return write_entry(its, at, 0);
    case CMD_INV:
        gicv3_update(its->gic);   /* configuration is read afresh */
        break;
    }
    return ITS_OK;
}

static ItsError cmd_movi(GICv3ITS *its, const uint64_t *c)
{
    uint32_t devid = (uint32_t)(c[0] >> 32), eventid = (uint32_t)c[1];
    uint32_t icid = (uint32_t)(c[2] & 0xffff);
    int from, to;
    uint32_t pintid;
    uint64_t ite;
    hwaddr at;
    ItsError e = resolve(its, devid, eventid, &from, &pintid, &ite, &at);
    if (!e)
        e = get_target(its, icid, &to);
    if (e)
        return e;
    if (from != to && gicv3_lpi_is_pending(its->gic, from, pintid)) {
        gicv3_lpi_set_pending(its->gic, from, pintid, false);
        gicv3_lpi_set_pending(its->gic, to, pintid, true);
    }
    ite = (ite & ~(0xffffull << 1)) | (uint64_t)icid << 1;
    return write_entry(its, at, ite);
}

static ItsError run_command(GICv3ITS *its, const uint64_t *c)
{
    switch (c[0] & 0xff) {
    case CMD_MAPD: return cmd_mapd(its, c);
    case CMD_MAPC: return cmd_mapc(its, c);
    case CMD_MAPTI: return cmd_mapti(its, c, false);
    case CMD_MAPI: return cmd_mapti(its, c, true);
    case CMD_INT: return cmd_int_clear(its, c, CMD_INT);
    case CMD_CLEAR: return cmd_int_clear(its, c, CMD_CLEAR);
    case CMD_DISCARD: return cmd_int_clear(its, c, CMD_DISCARD);
    case CMD_INV: return cmd_int_clear(its, c, CMD_INV);
    case CMD_MOVI: return cmd_movi(its, c);
    case CMD_INVALL: {
        int cpu;
        ItsError e = get_target(its, (uint32_t)(c[2] & 0xffff), &cpu);
        if (!e)
            gicv3_update(its->gic);
        return e;
    }
    case CMD_MOVALL: {
        uint64_t r1 = c[2] >> 16 & 0xfffffffffull, r2 = c[3] >> 16 & 0xfffffffffull;
        if (r1 >= its->gic->num_cpu || r2 >= its->gic->num_cpu)
            return ITS_ERR_TARGET_OOR;
        gicv3_lpi_move_all(its->gic, (int)r1, (int)r2);
        return ITS_OK;
    }
    case CMD_SYNC: {
        uint64_t rd = c[2] >> 16 & 0xfffffffffull;
        return rd < its->gic->num_cpu ? ITS_OK : ITS_ERR_TARGET_OOR;
    }
    }
    return ITS_ERR_COMMAND;
}

static uint64_t queue_size(GICv3ITS *its)
{
    return ((its->cbaser & 0xff) + 1) * 4096;
}

static void process_queue(GICv3ITS *its)
{
    if (!(its->ctlr & CTLR_ENABLED) || !(its->cbaser & BASER_VALID))
        return;
    uint64_t qs = queue_size(its);
    hwaddr base = its->cbaser & 0x000ffffffffff000ull;
    if (its->cwriter >= qs) {
        fail(its, ITS_ERR_QUEUE, "GITS_CWRITER beyond the queue");
        return;
    }
    /* At most one pass over the queue: CREADR == CWRITER ends it. */
    for (uint64_t n = 0; its->creadr != its->cwriter && n < qs / 32; n++) {
        uint8_t raw[32];
        uint64_t c[4] = {0};
        if (dma_read(its->dma_as, base + its->creadr, raw, sizeof(raw)) < 0) {
            fail(its, ITS_ERR_QUEUE, "command queue not in RAM");
            its->creadr = its->cwriter;   /* drop the rest rather than stall */
            return;
        }
        for (int w = 0; w < 4; w++)
            for (int i = 7; i >= 0; i--)
                c[w] = c[w] << 8 | raw[w * 8 + i];
        ItsError e = run_command(its, c);
        if (e) {
            char what[48];
            snprintf(what, sizeof(what), "command 0x%02x at 0x%" PRIx64, (unsigned)(c[0] & 0xff),
                     its->creadr);
            fail(its, e, what);
        }
        its->creadr = (its->creadr + 32) % qs;
    }
}

/* ---- registers ------------------------------------------------------------- */

static uint64_t its_typer(void)
{
    return 1ull                                   /* Physical */
         | (uint64_t)(GITS_ENTRY_SIZE - 1) << 4   /* ITT_entry_size */
         | (uint64_t)(GITS_EVENTBITS - 1) << 8    /* ID_bits */
         | (uint64_t)(GITS_DEVBITS - 1) << 13;    /* Devbits; PTA 0, HCC 0, 16-bit ICIDs */
}

static uint64_t its_read(void *opaque, hwaddr off, unsigned size)
{
    GICv3ITS *its = opaque;
    uint64_t v;
    hwaddr reg = off & ~7ull;
    switch (reg) {
    case GITS_CTLR:
        v = (uint64_t)GITS_IIDR_VALUE << 32 | its->ctlr | CTLR_QUIESCENT;
        break;
    case GITS_TYPER: v = its_typer(); break;
    case GITS_CBASER: v = its->cbaser; break;
    case GITS_CWRITER: v = its->cwriter; break;
    case GITS_CREADR: v = its->creadr; break;
    case GITS_PIDR2: v = 0x3b; break;          /* ArchRev 3 */
    default:
        if (reg >= GITS_BASER && reg < GITS_BASER + 64) {
            v = its->baser[(reg - GITS_BASER) / 8];
            break;
        }
        if (off >= 0xffd0 && off < 0x10000)
            return 0;
        if (off == GITS_TRANSLATER) {
            qlog(LOG_GUEST_ERROR, "gicv3-its: read of write-only GITS_TRANSLATER\n");
            return 0;
        }
        qlog(LOG_GUEST_ERROR, "gicv3-its: read of reserved offset 0x%" PRIx64 "\n", off);
        return 0;
    }
    if (size == 8)
        return v;
    if (size == 4)
        return (off & 4) ? v >> 32 : (uint32_t)v;
    qlog(LOG_GUEST_ERROR, "gicv3-its: %u-byte read at 0x%" PRIx64 "\n", size, off);
    return 0;
}

static uint64_t merge(uint64_t old, hwaddr off, uint64_t v, unsigned size)
{
    if (size == 8)
        return v;
    if (off & 4)
        return (old & 0xffffffffull) | v << 32;
    return (old & ~0xffffffffull) | (uint32_t)v;
}

static void its_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    GICv3ITS *its = opaque;
    hwaddr reg = off & ~7ull;
    if (off == GITS_TRANSLATER) {
        if (size != 4 && size != 2) {
            qlog(LOG_GUEST_ERROR, "gicv3-its: %u-byte GITS_TRANSLATER write\n", size);
            return;
        }
        /* A CPU store carries no DeviceID: it is taken as DeviceID 0. */
        gicv3_its_translate(its, 0, (uint32_t)v);
        return;
    }
    if (size != 4 && size != 8) {
        qlog(LOG_GUEST_ERROR, "gicv3-its: %u-byte write at 0x%" PRIx64 "\n", size, off);
        return;
    }
    bool enabled = its->ctlr & CTLR_ENABLED;
    switch (reg) {
    case GITS_CTLR:
        if (off & 4)
            goto read_only;     /* GITS_IIDR */
        its->ctlr = (uint32_t)v & CTLR_ENABLED;
        process_queue(its);
        return;
    case GITS_CBASER:
        if (enabled) {
            qlog(LOG_GUEST_ERROR, "gicv3-its: GITS_CBASER written while enabled; ignored\n");
            return;
        }
        its->cbaser = merge(its->cbaser, off, v, size) & CBASER_WMASK;
        its->creadr = 0;
        return;
    case GITS_CWRITER:
        its->cwriter = merge(its->cwriter, off, v, size) & 0xfffe0ull;
        process_queue(its);
        return;
    case GITS_TYPER: case GITS_CREADR:
        goto read_only;
    }
    if (reg >= GITS_BASER && reg < GITS_BASER + 64) {
        int n = (int)(reg - GITS_BASER) / 8;
        if (n > 1)
            return;     /* unimplemented tables: RAZ/WI */
        if (enabled) {
            qlog(LOG_GUEST_ERROR, "gicv3-its: GITS_BASER%d written while enabled; ignored\n", n);
            return;
        }
        uint64_t ro = its->baser[n] & (7ull << 56 | 0x1full << 48);
        its->baser[n] = (merge(its->baser[n], off, v, size) & BASER_WMASK) | ro;
        return;
    }
read_only:
    qlog(LOG_GUEST_ERROR, "gicv3-its: write of 0x%" PRIx64 " to %s offset 0x%" PRIx64 "\n", v,
         reg == GITS_TYPER || reg == GITS_CREADR || reg == GITS_CTLR ? "read-only" : "reserved",
         off);
}

static const MemOps its_ops = {
    .read = its_read, .write = its_write, .min_size = 1, .max_size = 8,
};

/* ---- the device and the MSI sink --------------------------------------------- */

static void its_reset(Device *dev)
{
    GICv3ITS *its = (GICv3ITS *)dev;
    its->ctlr = 0;
    its->cbaser = its->cwriter = its->creadr = 0;
    memset(its->baser, 0, sizeof(its->baser));
    its->baser[0] = BASER_TYPE_DEV << 56 | (uint64_t)(GITS_ENTRY_SIZE - 1) << 48;
    its->baser[1] = BASER_TYPE_COLL << 56 | (uint64_t)(GITS_ENTRY_SIZE - 1) << 48;
    its->last_error = ITS_OK;
}

static int its_realize(Device *dev, Error **errp)
{
    GICv3ITS *its = (GICv3ITS *)dev;
    its->mr = mr_new_mmio("gicv3-its", GITS_SIZE, &its_ops, its);
    its_reset(dev);
    return 0;
}

DEVICE_TYPE(gicv3_its_type,
    .name = "arm-gicv3-its",
    .desc = "GICv3 Interrupt Translation Service",
    .category = "system",
    .instance_size = sizeof(GICv3ITS),
    .realize = its_realize,
    .reset = its_reset)

GICv3ITS *gicv3_its_create(GICv3 *gic, AddressSpace *dma_as, Error **errp)
{
    if (!gic->lpis) {
        error_setg(errp, "arm-gicv3-its: the GICv3 was made without LPIs");
        return NULL;
    }
    Device *dev = device_new("arm-gicv3-its", errp);
    if (!dev)
        return NULL;
    GICv3ITS *its = (GICv3ITS *)dev;
    its->gic = gic;
    its->dma_as = dma_as;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    return its;
}

void gicv3_its_map(GICv3ITS *its, MemoryRegion *parent, hwaddr base)
{
    mr_add_subregion(parent, base, its->mr, 0);
    its->base = base;
    its->mapped = true;
}

bool gicv3_its_msi_sink(void *opaque, uint64_t addr, uint32_t data, uint32_t requester_id)
{
    GICv3ITS *its = opaque;
    if (!its->mapped || addr != its->base + GITS_TRANSLATER)
        return false;
    gicv3_its_translate(its, requester_id, data);
    return true;
}
