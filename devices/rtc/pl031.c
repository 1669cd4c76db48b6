/*
 * pl031.c — the ARM PrimeCell Real Time Clock (PL031), following the ARM
 * PrimeCell Real Time Clock (PL031) Technical Reference Manual (ARM DDI
 * 0224): a 32-bit counter of seconds with a match interrupt.
 *
 *   0x000 RTCDR   counter value (read-only)
 *   0x004 RTCMR   match value: RTCINTR is raised when the counter equals it
 *   0x008 RTCLR   load value: writing it sets the counter
 *   0x00C RTCCR   control: bit 0, RTC start
 *   0x010 RTCIMSC interrupt mask   0x014 RTCRIS raw   0x018 RTCMIS masked
 *   0x01C RTCICR  interrupt clear (write-only)
 *   0xFE0-0xFFC   PeriphID 0x31 0x10 0x14 0x00, PCellID
 *
 * Time: at reset the counter is loaded with the host's wall-clock seconds
 * (CLK_HOST); from then on it advances with the virtual clock, so guest time
 * stands still while the machine is stopped, as the guest's other clocks
 * do. The counter is a battery-backed clock that firmware has started:
 * RTCCR reads 1, and the TRM's rule that once started writes have no effect
 * until reset makes writes of 0 no-ops (logged under guest_errors).
 *
 * Match: a virtual-clock timer fires at the second the counter becomes
 * RTCMR (wrapping at 2^32) and sets RTCRIS. Writing RTCMR or RTCLR so that
 * the counter already equals RTCMR sets it at once, as a comparator would.
 */
#include "devices/rtc/pl031.h"

#include "core/log.h"
#include "devices/primecell.h"

#define NS_PER_SEC 1000000000LL

enum {
    R_DR = 0x00, R_MR = 0x04, R_LR = 0x08, R_CR = 0x0C, R_IMSC = 0x10,
    R_RIS = 0x14, R_MIS = 0x18, R_ICR = 0x1C,
};

static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00, PRIMECELL_CELL_ID};

typedef struct PL031 {
    Device dev;
    Loop *loop;
    MemoryRegion *mmio;
    IRQ *irq;
    Timer *match_timer;
    /* counter = (virtual ns + offset_ns) / 1 s, modulo 2^32 */
    int64_t offset_ns;
    uint32_t mr, lr, imsc, ris;
    bool irq_level;
} PL031;

static int64_t pl031_total_ns(PL031 *s)
{
    return clock_get_ns(s->loop, CLK_VIRTUAL) + s->offset_ns;
}

static uint32_t pl031_count(PL031 *s)
{
    int64_t t = pl031_total_ns(s);
    /* Floor division: the offset may make t negative before 1970. */
    int64_t sec = t >= 0 ? t / NS_PER_SEC : -((-t + NS_PER_SEC - 1) / NS_PER_SEC);
    return (uint32_t)sec;
}

static void pl031_update_irq(PL031 *s)
{
    bool level = (s->ris & s->imsc & 1) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

/* Arms the timer for the second the counter next becomes MR. A counter
 * already equal to MR raises the interrupt now when raise_if_equal (a write
 * of MR or LR), and otherwise matches again after a full 2^32 s wrap. */
static void pl031_arm_match(PL031 *s, bool raise_if_equal)
{
    uint64_t ticks = (uint32_t)(s->mr - pl031_count(s));
    if (!ticks) {
        if (raise_if_equal) {
            s->ris |= 1;
            pl031_update_irq(s);
        }
        ticks = 1ull << 32;
    }
    int64_t t = pl031_total_ns(s);
    int64_t into_second = ((t % NS_PER_SEC) + NS_PER_SEC) % NS_PER_SEC;
    int64_t expire = clock_get_ns(s->loop, CLK_VIRTUAL) - into_second +
                     (int64_t)ticks * NS_PER_SEC;
    timer_mod(s->match_timer, expire);
}

static void pl031_match(void *opaque)
{
    PL031 *s = opaque;
    s->ris |= 1;
    pl031_update_irq(s);
    pl031_arm_match(s, false);
}

static void pl031_load(PL031 *s, uint32_t seconds)
{
    s->offset_ns = (int64_t)seconds * NS_PER_SEC - clock_get_ns(s->loop, CLK_VIRTUAL);
    pl031_arm_match(s, true);
}

static uint64_t pl031_read(void *opaque, hwaddr offset, unsigned size)
{
    PL031 *s = opaque;
    uint64_t v;
    switch (offset) {
    case R_DR:
        return pl031_count(s);
    case R_MR:
        return s->mr;
    case R_LR:
        return s->lr;
    case R_CR:
        return 1;
    case R_IMSC:
        return s->imsc;
    case R_RIS:
        return s->ris;
    case R_MIS:
        return s->ris & s->imsc;
    }
    if (primecell_id_read(pl031_id, offset, &v))
        return v;
    qlog(LOG_GUEST_ERROR, "pl031: read of %s register at 0x%03" PRIx64 "\n",
         offset == R_ICR ? "the write-only" : "a reserved", offset);
    return 0;
}

static void pl031_write(void *opaque, hwaddr offset, uint64_t value, unsigned size)
{
    PL031 *s = opaque;
    uint32_t v = (uint32_t)value;
    switch (offset) {
    case R_MR:
        s->mr = v;
        pl031_arm_match(s, true);
        return;
    case R_LR:
        s->lr = v;
        pl031_load(s, v);
        return;
    case R_CR:
        if (!(v & 1))
            qlog(LOG_GUEST_ERROR, "pl031: RTCCR start bit cleared; the RTC keeps "
                 "running until reset\n");
        return;
    case R_IMSC:
        s->imsc = v & 1;
        pl031_update_irq(s);
        return;
    case R_ICR:
        s->ris &= ~(v & 1);
        pl031_update_irq(s);
        return;
    }
    qlog(LOG_GUEST_ERROR, "pl031: write of 0x%x to %s register at 0x%03" PRIx64 "\n", v,
         offset == R_DR || offset == R_RIS || offset == R_MIS || offset >= PRIMECELL_ID_BASE
             ? "a read-only" : "a reserved", offset);
}

static const MemOps pl031_ops = {
    .read = pl031_read,
    .write = pl031_write,
    .min_size = 4,
    .max_size = 4,
};

static void pl031_reset(Device *dev)
{
    PL031 *s = (PL031 *)dev;
    s->mr = s->lr = s->imsc = s->ris = 0;
    int64_t wall = clock_get_ns(s->loop, CLK_HOST);
    s->offset_ns = wall - clock_get_ns(s->loop, CLK_VIRTUAL);
    pl031_arm_match(s, false);
    pl031_update_irq(s);
}

static int pl031_realize(Device *dev, Error **errp)
{
    PL031 *s = (PL031 *)dev;
    if (!s->loop) {
        error_setg(errp, "pl031: created without an event loop (use pl031_create)");
        return -1;
    }
    s->match_timer = timer_new(s->loop, CLK_VIRTUAL, pl031_match, s);
    s->mmio = mr_new_mmio("pl031", PL031_MMIO_SIZE, &pl031_ops, s);
    pl031_reset(dev);
    return 0;
}

DEVICE_TYPE(pl031_type,
    .name = "pl031",
    .desc = "ARM PrimeCell Real Time Clock (PL031)",
    .category = "system",
    .bus = "sysbus",
    .instance_size = sizeof(PL031),
    .realize = pl031_realize,
    .reset = pl031_reset,
);

Device *pl031_create(Loop *loop, MemoryRegion *parent, hwaddr base, IRQ *irq, Error **errp)
{
    Device *dev = device_new("pl031", errp);
    if (!dev)
        return NULL;
    PL031 *s = (PL031 *)dev;
    s->loop = loop;
    s->irq = irq;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    mr_add_subregion(parent, base, s->mmio, 0);
    return dev;
}
