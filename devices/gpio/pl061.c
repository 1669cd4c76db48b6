/*
 * pl061.c — the ARM PrimeCell GPIO (PL061), following the ARM PrimeCell
 * General Purpose Input/Output (PL061) Technical Reference Manual (ARM DDI
 * 0190): eight pins, each an input or an output, with edge or level
 * interrupts.
 *
 *   0x000-0x3FC GPIODATA  address bits [9:2] mask the access: a read returns
 *                         the masked pins (others 0), a write changes only
 *                         the masked bits
 *   0x400 GPIODIR   1 = output        0x404 GPIOIS  1 = level-sensitive
 *   0x408 GPIOIBE   1 = both edges    0x40C GPIOIEV 1 = rising edge / high
 *   0x410 GPIOIE    1 = interrupt enabled
 *   0x414 GPIORIS   raw status        0x418 GPIOMIS masked status
 *   0x41C GPIOIC    write 1 to clear an edge interrupt
 *   0x420 GPIOAFSEL 1 = pin under hardware control
 *   0xFE0-0xFFC     PeriphID 0x61 0x10 0x04 0x00, PCellID
 *
 * A pin's level is the data register's bit when it is an output, and the
 * level the board drives on its input line otherwise. Edges of that level
 * latch GPIORIS bits until GPIOIC clears them; level-sensitive bits follow
 * the level. GPIOINTR (the one interrupt output) is GPIORIS & GPIOIE != 0.
 * The virt board has no alternate function behind any pin, so GPIOAFSEL is
 * stored and reads back but the pins stay under software control (logged
 * under unimp).
 */
#include "devices/gpio/pl061.h"

#include "core/log.h"
#include "devices/primecell.h"

enum {
    R_DATA_END = 0x400, R_DIR = 0x400, R_IS = 0x404, R_IBE = 0x408, R_IEV = 0x40C,
    R_IE = 0x410, R_RIS = 0x414, R_MIS = 0x418, R_IC = 0x41C, R_AFSEL = 0x420,
};

static const uint8_t pl061_id[8] = {0x61, 0x10, 0x04, 0x00, PRIMECELL_CELL_ID};

typedef struct PL061 {
    Device dev;
    MemoryRegion *mmio;
    IRQ *irq;
    IRQ *in;                        /* PL061_NUM_LINES input lines */
    IRQ *out[PL061_NUM_LINES];
    uint8_t data, dir, is, ibe, iev, ie, ris, afsel;
    uint8_t in_level;               /* driven by the board; survives reset */
    uint8_t pins;                   /* levels at the last update */
    uint8_t out_level;              /* levels last driven on out[] */
    bool irq_level;
    bool afsel_logged;
} PL061;

static uint8_t pl061_pins(const PL061 *s)
{
    return (uint8_t)((s->data & s->dir) | (s->in_level & ~s->dir));
}

/* Recomputes pins, interrupts and outputs after any change. */
static void pl061_update(PL061 *s)
{
    uint8_t pins = pl061_pins(s);
    uint8_t changed = pins ^ s->pins;
    uint8_t rising = changed & pins, falling = changed & (uint8_t)~pins;
    uint8_t edge = (uint8_t)((s->ibe & changed) |
                             (~s->ibe & ((s->iev & rising) | (~s->iev & falling))));
    uint8_t level = (uint8_t)((s->iev & pins) | (~s->iev & ~pins));
    s->ris = (uint8_t)(((s->ris | edge) & ~s->is) | (level & s->is));
    s->pins = pins;

    uint8_t out = s->data & s->dir;
    for (int i = 0; i < PL061_NUM_LINES; i++) {
        uint8_t bit = (uint8_t)(1u << i);
        if ((out ^ s->out_level) & bit)
            irq_set(s->out[i], (out & bit) != 0);
    }
    s->out_level = out;

    bool irq = (s->ris & s->ie) != 0;
    if (irq != s->irq_level) {
        s->irq_level = irq;
        irq_set(s->irq, irq);
    }
}

static void pl061_input(void *opaque, int n, int level)
{
    PL061 *s = opaque;
    if (n < 0 || n >= PL061_NUM_LINES)
        return;
    if (level)
        s->in_level |= (uint8_t)(1u << n);
    else
        s->in_level &= (uint8_t)~(1u << n);
    pl061_update(s);
}

static uint64_t pl061_read(void *opaque, hwaddr offset, unsigned size)
{
    PL061 *s = opaque;
    uint64_t v;
    if (offset < R_DATA_END)
        return s->pins & ((offset >> 2) & 0xFF);
    switch (offset) {
    case R_DIR:
        return s->dir;
    case R_IS:
        return s->is;
    case R_IBE:
        return s->ibe;
    case R_IEV:
        return s->iev;
    case R_IE:
        return s->ie;
    case R_RIS:
        return s->ris;
    case R_MIS:
        return s->ris & s->ie;
    case R_AFSEL:
        return s->afsel;
    }
    if (primecell_id_read(pl061_id, offset, &v))
        return v;
    qlog(LOG_GUEST_ERROR, "pl061: read of %s register at 0x%03" PRIx64 "\n",
         offset == R_IC ? "the write-only" : "a reserved", offset);
    return 0;
}

static void pl061_write(void *opaque, hwaddr offset, uint64_t value, unsigned size)
{
    PL061 *s = opaque;
    uint8_t v = (uint8_t)value;
    if (offset < R_DATA_END) {
        uint8_t mask = (uint8_t)(offset >> 2);
        s->data = (uint8_t)((s->data & ~mask) | (v & mask));
        pl061_update(s);
        return;
    }
    switch (offset) {
    case R_DIR:
        s->dir = v;
        break;
    case R_IS:
        s->is = v;
        break;
    case R_IBE:
        s->ibe = v;
        break;
    case R_IEV:
        s->iev = v;
        break;
    case R_IE:
        s->ie = v;
        break;
    case R_IC:
        s->ris &= (uint8_t)~(v & ~s->is);
        break;
    case R_AFSEL:
        s->afsel = v;
        if (v && !s->afsel_logged)
            qlog(LOG_UNIMP, "pl061: GPIOAFSEL=0x%02x: no hardware function behind "
                 "these pins; they stay under software control\n", v);
        s->afsel_logged |= v != 0;
        break;
    default:
        qlog(LOG_GUEST_ERROR, "pl061: write of 0x%" PRIx64 " to %s register at 0x%03"
             PRIx64 "\n", value, offset == R_RIS || offset == R_MIS ||
             offset >= PRIMECELL_ID_BASE ? "a read-only" : "a reserved", offset);
        return;
    }
    pl061_update(s);
}

static const MemOps pl061_ops = {
    .read = pl061_read,
    .write = pl061_write,
    .min_size = 4,
    .max_size = 4,
};

static void pl061_reset(Device *dev)
{
    PL061 *s = (PL061 *)dev;
    s->data = s->dir = s->is = s->ibe = s->iev = s->ie = s->ris = s->afsel = 0;
    s->afsel_logged = false;
    /* The pins are inputs again: take their levels without inventing edges. */
    s->pins = pl061_pins(s);
    pl061_update(s);
}

static int pl061_realize(Device *dev, Error **errp)
{
    PL061 *s = (PL061 *)dev;
    s->in = irq_new(pl061_input, s, PL061_NUM_LINES);
    s->mmio = mr_new_mmio("pl061", PL061_MMIO_SIZE, &pl061_ops, s);
    pl061_reset(dev);
    return 0;
}

DEVICE_TYPE(pl061_type,
    .name = "pl061",
    .desc = "ARM PrimeCell GPIO (PL061)",
    .category = "system",
    .bus = "sysbus",
    .instance_size = sizeof(PL061),
    .realize = pl061_realize,
    .reset = pl061_reset,
);

Device *pl061_create(MemoryRegion *parent, hwaddr base, IRQ *irq, Error **errp)
{
    Device *dev = device_new("pl061", errp);
    if (!dev)
        return NULL;
    PL061 *s = (PL061 *)dev;
    s->irq = irq;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    mr_add_subregion(parent, base, s->mmio, 0);
    return dev;
}

IRQ *pl061_inputs(Device *dev)
{
    return ((PL061 *)dev)->in;
}

void pl061_connect_output(Device *dev, int line, IRQ *out)
{
    PL061 *s = (PL061 *)dev;
    if (line < 0 || line >= PL061_NUM_LINES)
        return;
    s->out[line] = out;
    irq_set(out, (s->out_level >> line) & 1);
}
