/*
 * virtio-mmio.c — the virtio-mmio transport, VIRTIO Specification v1.2
 * §4.2: the version 2 register layout (§4.2.2: MagicValue "virt",
 * DeviceID, VendorID, feature words with selectors, QueueSel / QueueNumMax
 * / QueueNum / QueueReady, the three ring areas as Low/High pairs,
 * QueueNotify, InterruptStatus / InterruptACK, Status, ConfigGeneration,
 * the device configuration from 0x100) and the legacy version 1 layout
 * (§4.2.4: GuestPageSize, QueueAlign, QueuePFN, the legacy ring layout of
 * §2.7.2). One level-driven interrupt line, asserted while InterruptStatus
 * is non-zero (§4.2.3.4). The shared-memory registers read as "no region"
 * (§4.2.2: length and base all ones); VIRTIO_F_RING_RESET and
 * VIRTIO_F_NOTIFICATION_DATA are not offered, so QueueReset reads 0 and
 * QueueNotify carries a queue index.
 *
 * Control registers take 32-bit aligned accesses (§4.2.2.2); others are
 * logged and ignored. The config space takes 8/16/32-bit accesses.
 *
 * Each transport has a "virtio-bus" for one device; the board's bank and
 * the -device order are described in virtio-mmio.h. Runs with the device
 * lock held (register accesses from the vCPU thread; notifications from
 * wherever the device works).
 */
#include "devices/virtio/virtio-mmio.h"

#include "core/log.h"
#include "devices/virtio/virtio-internal.h"

enum {
    REG_MAGIC = 0x000,
    REG_VERSION = 0x004,
    REG_DEVICE_ID = 0x008,
    REG_VENDOR_ID = 0x00c,
    REG_DEVICE_FEATURES = 0x010,
    REG_DEVICE_FEATURES_SEL = 0x014,
    REG_DRIVER_FEATURES = 0x020,
    REG_DRIVER_FEATURES_SEL = 0x024,
    REG_GUEST_PAGE_SIZE = 0x028,    /* v1 */
    REG_QUEUE_SEL = 0x030,
    REG_QUEUE_NUM_MAX = 0x034,
    REG_QUEUE_NUM = 0x038,
    REG_QUEUE_ALIGN = 0x03c,        /* v1 */
    REG_QUEUE_PFN = 0x040,          /* v1 */
    REG_QUEUE_READY = 0x044,        /* v2 */
    REG_QUEUE_NOTIFY = 0x050,
    REG_INTERRUPT_STATUS = 0x060,
    REG_INTERRUPT_ACK = 0x064,
    REG_STATUS = 0x070,
    REG_QUEUE_DESC_LOW = 0x080,     /* v2 from here */
    REG_QUEUE_DESC_HIGH = 0x084,
    REG_QUEUE_DRIVER_LOW = 0x090,
    REG_QUEUE_DRIVER_HIGH = 0x094,
    REG_QUEUE_DEVICE_LOW = 0x0a0,
    REG_QUEUE_DEVICE_HIGH = 0x0a4,
    REG_SHM_SEL = 0x0ac,
    REG_SHM_LEN_LOW = 0x0b0,
    REG_SHM_LEN_HIGH = 0x0b4,
    REG_SHM_BASE_LOW = 0x0b8,
    REG_SHM_BASE_HIGH = 0x0bc,
    REG_QUEUE_RESET = 0x0c0,
    REG_CONFIG_GENERATION = 0x0fc,
    REG_CONFIG = 0x100,
};

#define VIRTIO_MMIO_MAGIC 0x74726976   /* "virt" */

struct VirtIOMMIO {
    Device dev;
    MemoryRegion *mr;
    IRQ *irq;
    AddressSpace *dma_as;
    Bus *bus;
    char *bus_name;
    bool legacy;                /* Version 1 register layout */
    bool irq_level;
    int index;                  /* N of virtio-mmio-bus.N */
    VirtIODevice *vdev;         /* the plugged device, once realized */
    uint32_t dev_features_sel, drv_features_sel;
    uint32_t queue_sel;
    uint32_t guest_page_size;   /* v1 */
    uint32_t queue_align[VIRTIO_QUEUE_MAX];  /* v1, per queue */
    uint32_t queue_pfn[VIRTIO_QUEUE_MAX];    /* v1, per queue */
};

static const char *tname(VirtIOMMIO *t)
{
    return t->vdev ? t->vdev->name : t->bus_name;
}

static void update_irq(VirtIOMMIO *t)
{
    bool level = t->vdev && t->vdev->isr;
    if (level != t->irq_level) {
        t->irq_level = level;
        irq_set(t->irq, level);
    }
}

/* ---- the core's view of this transport ------------------------------------------- */

static void mmio_notify_queue(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOMMIO *t = vdev->transport;
    vdev->isr |= VIRTIO_ISR_QUEUE;
    update_irq(t);
}

static void mmio_notify_config(VirtIODevice *vdev)
{
    VirtIOMMIO *t = vdev->transport;
    vdev->isr |= VIRTIO_ISR_CONFIG;
    update_irq(t);
}

static const VirtioTransportOps mmio_ops = {
    .notify_queue = mmio_notify_queue,
    .notify_config = mmio_notify_config,
};

/* Transport registers back to their reset values (and the device's). A
 * driver's reset (Status 0) keeps the legacy GuestPageSize: Linux writes
 * it once when it probes the transport and resets the device after that
 * (register_virtio_device), so only a machine reset forgets it. */
static void transport_reset(VirtIOMMIO *t, bool machine)
{
    if (t->vdev)
        virtio_reset(t->vdev);
    t->dev_features_sel = t->drv_features_sel = 0;
    t->queue_sel = 0;
    if (machine)
        t->guest_page_size = 0;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        t->queue_align[i] = 4096;   /* Linux's and QEMU's legacy alignment */
        t->queue_pfn[i] = 0;
    }
    update_irq(t);
}

/* ---- registers ------------------------------------------------------------------------ */

static VirtQueue *sel_queue(VirtIOMMIO *t, const char *reg)
{
    VirtQueue *vq = virtio_get_queue(t->vdev, t->queue_sel);
    if (!vq)
        qlog(LOG_GUEST_ERROR, "%s: virtio-mmio %s: queue %u does not exist\n", tname(t), reg,
             t->queue_sel);
    return vq;
}

static uint64_t mmio_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOMMIO *t = opaque;
    VirtIODevice *vdev = t->vdev;
    if (off >= REG_CONFIG)
        return vdev ? virtio_config_read(vdev, (uint32_t)(off - REG_CONFIG), size) : 0;
    if (size != 4 || (off & 3)) {
        qlog(LOG_GUEST_ERROR, "%s: virtio-mmio: %u-byte read at 0x%" PRIx64 " (control registers "
             "take aligned 32-bit accesses, §4.2.2.2)\n", tname(t), size, off);
        return 0;
    }
    switch (off) {
    case REG_MAGIC:
        return VIRTIO_MMIO_MAGIC;
    case REG_VERSION:
        return t->legacy ? 1 : 2;
    case REG_DEVICE_ID:
        return vdev ? vdev->device_id : 0;
    case REG_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR_ID;
    }
    if (!vdev)
        return 0;       /* §4.2.3.1.1: the driver stops at DeviceID 0 */
    VirtQueue *vq;
    switch (off) {
    case REG_DEVICE_FEATURES:
        return virtio_read_host_features(vdev, t->dev_features_sel);
    case REG_QUEUE_NUM_MAX:
        vq = virtio_get_queue(vdev, t->queue_sel);
        return vq ? virtio_queue_max_size(vq) : 0;     /* 0: no such queue */
    case REG_INTERRUPT_STATUS:
        return vdev->isr;
    case REG_STATUS:
        return vdev->status;
    }
    if (t->legacy) {
        if (off == REG_QUEUE_PFN)
            return t->queue_sel < VIRTIO_QUEUE_MAX ? t->queue_pfn[t->queue_sel] : 0;
    } else {
        switch (off) {
        case REG_QUEUE_READY:
            vq = virtio_get_queue(vdev, t->queue_sel);
            return vq && virtio_queue_enabled(vq);
        case REG_CONFIG_GENERATION:
            return virtio_config_generation(vdev);
        case REG_SHM_LEN_LOW:
        case REG_SHM_LEN_HIGH:
        case REG_SHM_BASE_LOW:
        case REG_SHM_BASE_HIGH:
            return 0xffffffffu;     /* no shared memory region */
        case REG_QUEUE_RESET:
            return 0;
        }
    }
    qlog(LOG_GUEST_ERROR, "%s: virtio-mmio v%d: read of write-only or unknown register 0x%03"
         PRIx64 "\n", tname(t), t->legacy ? 1 : 2, off);
    return 0;
}

static void set_addr_half(VirtQueue *vq, int which, bool high, uint32_t v)
{
    hwaddr a[3];
    virtio_queue_get_addrs(vq, &a[0], &a[1], &a[2]);
    if (high)
        a[which] = (a[which] & 0xffffffffULL) | (uint64_t)v << 32;
    else
        a[which] = (a[which] & ~0xffffffffULL) | v;
    virtio_queue_set_addrs(vq, a[0], a[1], a[2]);
}

static void legacy_set_pfn(VirtIOMMIO *t, VirtQueue *vq, uint32_t pfn)
{
    unsigned q = virtio_queue_index(vq);
    virtio_queue_enable(vq, false);
    t->queue_pfn[q] = 0;
    if (!pfn)
        return;     /* §4.2.4: the driver stopped using the queue */
    if (!t->guest_page_size) {
        qlog(LOG_GUEST_ERROR, "%s: virtio-mmio: QueuePFN written before GuestPageSize; queue %u "
             "stays disabled\n", tname(t), q);
        return;
    }
    t->queue_pfn[q] = pfn;
    virtio_queue_set_legacy_addr(vq, (hwaddr)pfn * t->guest_page_size, t->queue_align[q]);
    virtio_queue_enable(vq, true);
}

static void mmio_write(void *opaque, hwaddr off, uint64_t value, unsigned size)
{
    VirtIOMMIO *t = opaque;
    VirtIODevice *vdev = t->vdev;
    uint32_t v = (uint32_t)value;
    if (!vdev) {
        qlog(LOG_GUEST_ERROR, "%s: virtio-mmio: write at 0x%" PRIx64 " with no device plugged\n",
             tname(t), off);
        return;
    }
    if (off >= REG_CONFIG) {
        virtio_config_write(vdev, (uint32_t)(off - REG_CONFIG), v, size);
        return;
    }
    if (size != 4 || (off & 3)) {
        qlog(LOG_GUEST_ERROR, "%s: virtio-mmio: %u-byte write at 0x%" PRIx64 " ignored (control "
             "registers take aligned 32-bit accesses, §4.2.2.2)\n", tname(t), size, off);
        return;
    }
    VirtQueue *vq;
    switch (off) {
    case REG_DEVICE_FEATURES_SEL:
        t->dev_features_sel = v;
        return;
    case REG_DRIVER_FEATURES:
        if (!t->legacy)
            virtio_write_guest_features(vdev, t->drv_features_sel, v);
        else if (t->drv_features_sel == 0)
            virtio_legacy_write_features(vdev, v);
        else if (v)
            qlog(LOG_GUEST_ERROR, "%s: virtio-mmio v1: GuestFeatures word %u (0x%08x): the legacy "
                 "interface has bits 0-31 only\n", tname(t), t->drv_features_sel, v);
        return;
    case REG_DRIVER_FEATURES_SEL:
        t->drv_features_sel = v;
        return;
    case REG_QUEUE_SEL:
        t->queue_sel = v;
        return;
    case REG_QUEUE_NUM:
        if ((vq = sel_queue(t, "QueueNum")))
            virtio_queue_set_size(vq, v);
        return;
    case REG_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, v);
        return;
    case REG_INTERRUPT_ACK:
        vdev->isr &= (uint8_t)~v;
        update_irq(t);
        return;
    case REG_STATUS:
        if ((v & 0xff) == 0) {
            transport_reset(t, false);
        } else {
            virtio_set_status(vdev, (uint8_t)v);
            update_irq(t);
        }
        return;
    }
    if (t->legacy) {
        switch (off) {
        case REG_GUEST_PAGE_SIZE:
            if (!IS_POW2(v))
                qlog(LOG_GUEST_ERROR, "%s: virtio-mmio v1: GuestPageSize %u is not a power of "
                     "two; ignored\n", tname(t), v);
            else
                t->guest_page_size = v;
            return;
        case REG_QUEUE_ALIGN:
            if (!IS_POW2(v) || v < 4)
                qlog(LOG_GUEST_ERROR, "%s: virtio-mmio v1: QueueAlign %u is not a power of two "
                     "of at least 4; ignored\n", tname(t), v);
            else if ((vq = sel_queue(t, "QueueAlign")))
                t->queue_align[virtio_queue_index(vq)] = v;
            return;
        case REG_QUEUE_PFN:
            if ((vq = sel_queue(t, "QueuePFN")))
                legacy_set_pfn(t, vq, v);
            return;
        }
    } else {
        switch (off) {
        case REG_QUEUE_READY:
            if ((vq = sel_queue(t, "QueueReady"))) {
                if (v > 1)
                    qlog(LOG_GUEST_ERROR, "%s: virtio-mmio: QueueReady %u (0 or 1)\n", tname(t),
                         v);
                virtio_queue_enable(vq, v & 1);
            }
            return;
        case REG_QUEUE_DESC_LOW:
        case REG_QUEUE_DESC_HIGH:
        case REG_QUEUE_DRIVER_LOW:
        case REG_QUEUE_DRIVER_HIGH:
        case REG_QUEUE_DEVICE_LOW:
        case REG_QUEUE_DEVICE_HIGH:
            if ((vq = sel_queue(t, "queue address")))
                set_addr_half(vq, (int)((off - REG_QUEUE_DESC_LOW) >> 4), off & 4, v);
            return;
        case REG_SHM_SEL:
            return;
        case REG_QUEUE_RESET:
            qlog(LOG_GUEST_ERROR, "%s: virtio-mmio: QueueReset written, but VIRTIO_F_RING_RESET "
                 "is not offered; ignored\n", tname(t));
            return;
        }
    }
    qlog(LOG_GUEST_ERROR, "%s: virtio-mmio v%d: write of 0x%x to read-only or unknown register "
         "0x%03" PRIx64 " ignored\n", tname(t), t->legacy ? 1 : 2, v, off);
}

static const MemOps mmio_mem_ops = {
    .read = mmio_read, .write = mmio_write, .min_size = 1, .max_size = 4,
};

/* ---- the transport device and its bus -------------------------------------------------- */

static int bus_plug(Bus *bus, Device *dev, Error **errp)
{
    if (!virtio_type_lookup(dev->type, NULL)) {
        error_setg(errp, "%s: bus '%s' takes virtio devices", dev->type->name, bus->name);
        return -1;
    }
    return 0;
}

static void bus_unplug(Bus *bus, Device *dev)
{
    VirtIOMMIO *t = (VirtIOMMIO *)bus->parent;
    if (t->vdev == virtio_state_of(dev))
        t->vdev = NULL;
}

static int mmio_realize(Device *dev, Error **errp)
{
    VirtIOMMIO *t = (VirtIOMMIO *)dev;
    t->bus_name = xasprintf("virtio-mmio-bus.%d", t->index);
    t->mr = mr_new_mmio(t->bus_name, VIRTIO_MMIO_SIZE, &mmio_mem_ops, t);
    t->bus = bus_new(VIRTIO_MMIO_BUS_TYPE, t->bus_name, dev, 1);
    t->bus->plug = bus_plug;
    t->bus->unplug = bus_unplug;
    transport_reset(t, true);
    return 0;
}

static void mmio_reset(Device *dev)
{
    transport_reset((VirtIOMMIO *)dev, true);
}

DEVICE_TYPE(virtio_mmio_type,
    .name = "virtio-mmio",
    .desc = "virtio-mmio transport",
    .category = "bridge",
    .instance_size = sizeof(VirtIOMMIO),
    .realize = mmio_realize,
    .reset = mmio_reset)

/* The base of NAME-device types: a virtio device on a transport's bus. */
static int vdev_realize(Device *dev, Error **errp)
{
    if (!virtio_type_lookup(dev->type, NULL)) {
        error_setg(errp, "%s is abstract", dev->type->name);
        return -1;
    }
    VirtIOMMIO *t = (VirtIOMMIO *)dev->bus->parent;
    VirtIODevice *vdev = virtio_state_of(dev);
    virtio_bind_transport(vdev, dev, &mmio_ops, t, t->dma_as);
    if (virtio_realize(vdev, t->legacy, !t->legacy, errp) < 0)
        return -1;
    t->vdev = vdev;
    transport_reset(t, true);
    return 0;
}

static void vdev_reset(Device *dev)
{
    VirtIODevice *vdev = virtio_state_of(dev);
    if (vdev->transport)
        transport_reset(vdev->transport, true);
}

const DeviceType virtio_mmio_device_base_type = {
    .name = "virtio-device",
    .desc = "the base of virtio devices on a virtio-mmio transport",
    .bus = VIRTIO_MMIO_BUS_TYPE,
    .instance_size = VIRTIO_STATE_OFFSET + sizeof(VirtIODevice),
    .props = virtio_common_props,
    .realize = vdev_realize,
    .reset = vdev_reset,
};

/* ---- creation --------------------------------------------------------------------------- */

static int next_index;      /* bus numbers, from the lowest address */

static VirtIOMMIO *create_one(MemoryRegion *parent, hwaddr base, IRQ *irq, AddressSpace *dma_as,
                              bool legacy, int index, Error **errp)
{
    Device *dev = device_new("virtio-mmio", errp);
    if (!dev)
        return NULL;
    VirtIOMMIO *t = (VirtIOMMIO *)dev;
    t->irq = irq;
    t->dma_as = dma_as;
    t->legacy = legacy;
    t->index = index;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    mr_add_subregion(parent, base, t->mr, 0);
    return t;
}

VirtIOMMIO *virtio_mmio_create(MemoryRegion *parent, hwaddr base, IRQ *irq, AddressSpace *dma_as,
                               bool legacy, Error **errp)
{
    return create_one(parent, base, irq, dma_as, legacy, next_index++, errp);
}

Bus *virtio_mmio_bus(VirtIOMMIO *t)
{
    return t->bus;
}

int virtio_mmio_create_bank(Machine *m, MemoryRegion *sysmem, hwaddr base, int count,
                            IRQ **irqs, bool legacy, Error **errp)
{
    /* Buses are searched in creation order: create the highest address
     * first so that -device takes the transports from the top down (see
     * virtio-mmio.h), numbering them from the bottom up as QEMU does. */
    int first = next_index;
    next_index += MAX(count, 0);
    for (int i = count - 1; i >= 0; i--)
        if (!create_one(sysmem, base + (hwaddr)i * VIRTIO_MMIO_SIZE, irqs[i], m->as, legacy,
                        first + i, errp))
            return -1;
    return 0;
}
