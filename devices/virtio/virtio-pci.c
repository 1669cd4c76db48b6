/*
 * virtio-pci.c — the virtio PCI transport, VIRTIO Specification v1.2 §4.1:
 * the modern interface (§4.1.4: vendor-specific capabilities locating the
 * common configuration §4.1.4.3, notifications §4.1.4.4 with
 * notify_off_multiplier, the ISR §4.1.4.5, the device configuration
 * §4.1.4.6, and the PCI configuration access capability §4.1.4.9), the
 * legacy interface in I/O BAR 0 (§4.1.4.10: the legacy header, whose
 * device configuration moves from offset 20 to 24 while MSI-X is enabled),
 * MSI-X vectors for configuration changes and each queue (§4.1.5.1.2, with
 * NO_VECTOR for refused mappings) and INTx driven by the ISR when MSI-X is
 * off (§4.1.4.5.1). Device IDs per §4.1.2: 0x1040 + the virtio device ID
 * for modern-only functions (revision 1), the transitional ID (0x1000 for
 * a network card, ...) with revision 0 and subsystem ID = virtio device ID
 * when the legacy interface is present (§4.1.2.3).
 *
 * The function looks like QEMU's: BAR 0 the legacy I/O header (when
 * present), BAR 1 the MSI-X table and PBA, BAR 4 (64-bit prefetchable,
 * 16 KiB) the modern structures — common configuration at 0x0000, ISR at
 * 0x1000, device configuration at 0x2000, notifications at 0x3000 with a
 * multiplier of 4 (queue n notifies at 0x3000 + 4n) — and the capabilities
 * at 0x40 (common), 0x50 (ISR), 0x60 (device), 0x70 (notify), 0x84 (PCI
 * configuration access), 0x98 (MSI-X). It is a conventional PCI function,
 * as QEMU's virtio devices are on a root bus (no PCI Express capability).
 *
 * Flavours (QEMU's): NAME-pci has disable-legacy=on|off|auto (auto: legacy
 * unless the device sits behind a PCI Express port; ferry has no ports
 * yet, so auto means transitional, as on QEMU's virt and q35 root buses)
 * and disable-modern; NAME-pci-transitional has both interfaces;
 * NAME-pci-non-transitional only the modern one.
 *
 * Bus mastering: the rings and buffers are reached through the bus's DMA
 * address space directly, so the transport gates them itself: while the
 * command register's Bus Master Enable is clear, the device neither reads
 * nor writes the rings (MSI-X messages are dropped by the PCI core).
 *
 * Runs with the device lock held.
 */
#include "core/log.h"
#include "devices/pci/pci.h"
#include "devices/virtio/virtio-internal.h"

#define VIRTIO_PCI_VENDOR        0x1af4
#define VIRTIO_PCI_MODERN_BASE   0x1040
#define VIRTIO_PCI_SUBSYS_QEMU   0x1100   /* QEMU's default subsystem ID */

/* Capability types (§4.1.4). */
#define CAP_COMMON_CFG  1
#define CAP_NOTIFY_CFG  2
#define CAP_ISR_CFG     3
#define CAP_DEVICE_CFG  4
#define CAP_PCI_CFG     5

/* struct virtio_pci_cap field offsets. */
#define CAP_LEN         2
#define CAP_CFG_TYPE    3
#define CAP_BAR         4
#define CAP_ID          5
#define CAP_OFFSET      8
#define CAP_LENGTH      12
#define CAP_NOTIFY_MULT 16
#define CAP_PCI_CFG_DATA 16

/* The modern BAR's layout (QEMU's). */
#define MODERN_BAR          4
#define MODERN_BAR_SIZE     0x4000
#define COMMON_OFF          0x0000
#define ISR_OFF             0x1000
#define DEVICE_OFF          0x2000
#define NOTIFY_OFF          0x3000
#define REGION_SIZE         0x1000
#define NOTIFY_MULT         4
#define LEGACY_BAR          0
#define MSIX_BAR            1

/* struct virtio_pci_common_cfg (§4.1.4.3). */
enum {
    CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c,
    CC_MSIX = 0x10, CC_NUMQ = 0x12, CC_STATUS = 0x14, CC_CFGGEN = 0x15,
    CC_Q_SELECT = 0x16, CC_Q_SIZE = 0x18, CC_Q_MSIX = 0x1a, CC_Q_ENABLE = 0x1c,
    CC_Q_NOFF = 0x1e, CC_Q_DESCLO = 0x20, CC_Q_DESCHI = 0x24, CC_Q_DRIVERLO = 0x28,
    CC_Q_DRIVERHI = 0x2c, CC_Q_DEVICELO = 0x30, CC_Q_DEVICEHI = 0x34,
    CC_Q_NOTIFY_DATA = 0x38, CC_Q_RESET = 0x3a, CC_SIZE = 0x3c,
};

/* The legacy header (§4.1.4.10). */
enum {
    LG_HOST_FEATURES = 0, LG_GUEST_FEATURES = 4, LG_QUEUE_PFN = 8, LG_QUEUE_NUM = 12,
    LG_QUEUE_SEL = 14, LG_QUEUE_NOTIFY = 16, LG_STATUS = 18, LG_ISR = 19,
    LG_MSIX_CONFIG = 20, LG_MSIX_QUEUE = 22,
};
#define LG_CONFIG_OFF(msix) ((msix) ? 24 : 20)
#define LG_QUEUE_ADDR_SHIFT 12
#define LG_VRING_ALIGN      4096

typedef struct VirtIOPCIProxy {
    PCIDevice pci;
    /* properties */
    int disable_legacy;         /* on, off, auto */
    bool disable_modern;
    int32_t vectors;            /* -1: the device's default */
    bool ioeventfd;             /* only off for now */
    /* state */
    VirtIODevice *vdev;
    bool legacy, modern;
    unsigned nvectors;
    MemoryRegion *legacy_io, *modern_bar;
    MemoryRegion *common_mr, *isr_mr, *device_mr, *notify_mr;
    uint32_t dfselect, gfselect;
    uint16_t queue_sel;         /* modern queue_select and legacy QUEUE_SEL */
    uint8_t cfg_cap;            /* the PCI configuration access capability */
} VirtIOPCIProxy;

_Static_assert(sizeof(VirtIOPCIProxy) <= VIRTIO_STATE_OFFSET,
               "the transport part of a virtio PCI device must fit VIRTIO_STATE_OFFSET");

enum { DL_ON, DL_OFF, DL_AUTO };

static const char *pname(VirtIOPCIProxy *p)
{
    return p->vdev && p->vdev->name ? p->vdev->name : p->pci.dev.type->name;
}

/* ---- interrupts ------------------------------------------------------------------- */

/* INTx follows the ISR while MSI-X is off (§4.1.4.5.1). */
static void update_intx(VirtIOPCIProxy *p)
{
    pci_set_irq(&p->pci, p->vdev->isr && !msix_enabled(&p->pci));
}

static void pci_notify_queue(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOPCIProxy *p = vdev->transport;
    if (msix_enabled(&p->pci)) {
        uint16_t v = virtio_queue_vector(vq);
        if (v != VIRTIO_NO_VECTOR)      /* §4.1.5.3.1 */
            msix_notify(&p->pci, v);
        return;
    }
    vdev->isr |= VIRTIO_ISR_QUEUE;
    update_intx(p);
}

static void pci_notify_config(VirtIODevice *vdev)
{
    VirtIOPCIProxy *p = vdev->transport;
    vdev->isr |= VIRTIO_ISR_CONFIG;     /* §4.1.4.5.1: before the notification */
    if (msix_enabled(&p->pci)) {
        if (vdev->config_vector != VIRTIO_NO_VECTOR)
            msix_notify(&p->pci, vdev->config_vector);
        return;
    }
    update_intx(p);
}

static const VirtioTransportOps pci_ops = {
    .notify_queue = pci_notify_queue,
    .notify_config = pci_notify_config,
};

static uint8_t isr_read_clear(VirtIOPCIProxy *p)
{
    uint8_t v = p->vdev->isr;
    p->vdev->isr = 0;           /* §4.1.4.5: reading resets it and deasserts */
    update_intx(p);
    return v;
}

/* A vector the driver maps an event to: valid entries only (§4.1.5.1.2.1). */
static uint16_t check_vector(VirtIOPCIProxy *p, uint32_t v)
{
    if (v == VIRTIO_NO_VECTOR)
        return VIRTIO_NO_VECTOR;
    if (v >= p->nvectors) {
        qlog(LOG_GUEST_ERROR, "%s: MSI-X vector %u beyond the table's %u; NO_VECTOR\n", pname(p),
             v, p->nvectors);
        return VIRTIO_NO_VECTOR;
    }
    return (uint16_t)v;
}

static void device_reset_all_state(VirtIOPCIProxy *p)
{
    virtio_reset(p->vdev);
    p->dfselect = p->gfselect = 0;
    p->queue_sel = 0;
    update_intx(p);
}

/* ---- common configuration (§4.1.4.3) ------------------------------------------------- */

static void common_shadow(VirtIOPCIProxy *p, uint8_t *s)
{
    VirtIODevice *vdev = p->vdev;
    memset(s, 0, CC_SIZE);
    virtio_stl(s + CC_DFSELECT, p->dfselect);
    virtio_stl(s + CC_DF, virtio_read_host_features(vdev, p->dfselect));
    virtio_stl(s + CC_GFSELECT, p->gfselect);
    virtio_stl(s + CC_GF, virtio_read_guest_features(vdev, p->gfselect));
    virtio_stw(s + CC_MSIX, vdev->config_vector);
    virtio_stw(s + CC_NUMQ, (uint16_t)vdev->nvq);
    s[CC_STATUS] = vdev->status;
    s[CC_CFGGEN] = virtio_config_generation(vdev);
    virtio_stw(s + CC_Q_SELECT, p->queue_sel);
    VirtQueue *vq = virtio_get_queue(vdev, p->queue_sel);
    if (!vq) {
        virtio_stw(s + CC_Q_MSIX, VIRTIO_NO_VECTOR);
        return;     /* queue_size 0: unavailable (§4.1.4.3.1) */
    }
    hwaddr desc, driver, device;
    virtio_queue_get_addrs(vq, &desc, &driver, &device);
    virtio_stw(s + CC_Q_SIZE, (uint16_t)vq->num);
    virtio_stw(s + CC_Q_MSIX, virtio_queue_vector(vq));
    virtio_stw(s + CC_Q_ENABLE, virtio_queue_enabled(vq));
    virtio_stw(s + CC_Q_NOFF, p->queue_sel);   /* notify at NOTIFY_OFF + 4 * queue */
    virtio_stl(s + CC_Q_DESCLO, (uint32_t)desc);
    virtio_stl(s + CC_Q_DESCHI, (uint32_t)(desc >> 32));
    virtio_stl(s + CC_Q_DRIVERLO, (uint32_t)driver);
    virtio_stl(s + CC_Q_DRIVERHI, (uint32_t)(driver >> 32));
    virtio_stl(s + CC_Q_DEVICELO, (uint32_t)device);
    virtio_stl(s + CC_Q_DEVICEHI, (uint32_t)(device >> 32));
}

static uint64_t common_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint8_t s[CC_SIZE];
    if (off >= CC_SIZE || size > CC_SIZE - off)
        return 0;
    common_shadow(p, s);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)s[off + i] << (8 * i);
    return v;
}

static unsigned common_width(hwaddr off)
{
    switch (off) {
    case CC_STATUS:
    case CC_CFGGEN:
        return 1;
    case CC_MSIX:
    case CC_NUMQ:
    case CC_Q_SELECT:
    case CC_Q_SIZE:
    case CC_Q_MSIX:
    case CC_Q_ENABLE:
    case CC_Q_NOFF:
    case CC_Q_NOTIFY_DATA:
    case CC_Q_RESET:
        return 2;
    default:
        return 4;
    }
}

static void common_write(void *opaque, hwaddr off, uint64_t value, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    uint32_t v = (uint32_t)value;
    if (off >= CC_SIZE || size != common_width(off) || (off & (size - 1))) {
        qlog(LOG_GUEST_ERROR, "%s: common configuration: %u-byte write at 0x%" PRIx64
             " is not a field of that width (§4.1.3.1); ignored\n", pname(p), size, off);
        return;
    }
    VirtQueue *vq = virtio_get_queue(vdev, p->queue_sel);
    switch (off) {
    case CC_DFSELECT:
        p->dfselect = v;
        return;
    case CC_GFSELECT:
        p->gfselect = v;
        return;
    case CC_GF:
        vdev->legacy = false;
        virtio_write_guest_features(vdev, p->gfselect, v);
        return;
    case CC_MSIX:
        vdev->config_vector = check_vector(p, v);
        return;
    case CC_STATUS:
        vdev->legacy = false;
        if ((v & 0xff) == 0)
            device_reset_all_state(p);
        else
            virtio_set_status(vdev, (uint8_t)v);
        return;
    case CC_Q_SELECT:
        p->queue_sel = (uint16_t)v;
        return;
    }
    if (!vq) {
        qlog(LOG_GUEST_ERROR, "%s: common configuration write at 0x%" PRIx64 " for queue %u, "
             "which does not exist\n", pname(p), off, p->queue_sel);
        return;
    }
    hwaddr a[3];
    switch (off) {
    case CC_Q_SIZE:
        virtio_queue_set_size(vq, v);
        return;
    case CC_Q_MSIX:
        virtio_queue_set_vector(vq, check_vector(p, v));
        return;
    case CC_Q_ENABLE:
        if (v == 1)
            virtio_queue_enable(vq, true);
        else
            qlog(LOG_GUEST_ERROR, "%s: queue_enable written with %u (only 1 is allowed, "
                 "§4.1.4.3.2); ignored\n", pname(p), v);
        return;
    case CC_Q_DESCLO:
    case CC_Q_DESCHI:
    case CC_Q_DRIVERLO:
    case CC_Q_DRIVERHI:
    case CC_Q_DEVICELO:
    case CC_Q_DEVICEHI: {
        virtio_queue_get_addrs(vq, &a[0], &a[1], &a[2]);
        int which = (int)((off - CC_Q_DESCLO) / 8);
        if (off & 4)
            a[which] = (a[which] & 0xffffffffULL) | (uint64_t)v << 32;
        else
            a[which] = (a[which] & ~0xffffffffULL) | v;
        virtio_queue_set_addrs(vq, a[0], a[1], a[2]);
        return;
    }
    case CC_Q_RESET:
        qlog(LOG_GUEST_ERROR, "%s: queue_reset written, but VIRTIO_F_RING_RESET is not "
             "offered; ignored\n", pname(p));
        return;
    }
    qlog(LOG_GUEST_ERROR, "%s: write to read-only common configuration field 0x%" PRIx64
         " ignored\n", pname(p), off);
}

static const MemOps common_ops = {
    .read = common_read, .write = common_write, .min_size = 1, .max_size = 4,
};

/* ---- ISR, device configuration, notifications ---------------------------------------- */

static uint64_t isr_read(void *opaque, hwaddr off, unsigned size)
{
    return off == 0 ? isr_read_clear(opaque) : 0;
}

static void isr_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    qlog(LOG_GUEST_ERROR, "%s: write to the read-only ISR ignored\n", pname(opaque));
}

static const MemOps isr_ops = {
    .read = isr_read, .write = isr_write, .min_size = 1, .max_size = 4,
};

static uint64_t device_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    return virtio_config_read(p->vdev, (uint32_t)off, size);
}

static void device_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    virtio_config_write(p->vdev, (uint32_t)off, (uint32_t)v, size);
}

static const MemOps device_ops = {
    .read = device_read, .write = device_write, .min_size = 1, .max_size = 4,
};

static uint64_t notify_read(void *opaque, hwaddr off, unsigned size)
{
    return 0;
}

static void notify_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    /* §4.1.5.2: the queue is the one whose address was written
     * (cap.offset + queue_notify_off * notify_off_multiplier). */
    if (off % NOTIFY_MULT) {
        qlog(LOG_GUEST_ERROR, "%s: notification at 0x%" PRIx64 " is not a queue's address\n",
             pname(p), off);
        return;
    }
    virtio_queue_notify(p->vdev, (unsigned)(off / NOTIFY_MULT));
}

static const MemOps notify_ops = {
    .read = notify_read, .write = notify_write, .min_size = 1, .max_size = 4,
};

/* ---- the legacy header in I/O BAR 0 (§4.1.4.10) ---------------------------------------- */

static unsigned legacy_config_off(VirtIOPCIProxy *p)
{
    return LG_CONFIG_OFF(msix_enabled(&p->pci));
}

static uint64_t legacy_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    unsigned cfg = legacy_config_off(p);
    if (off >= cfg)
        return virtio_config_read(vdev, (uint32_t)(off - cfg), size);
    uint8_t h[24] = {0};
    VirtQueue *vq = virtio_get_queue(vdev, p->queue_sel);
    virtio_stl(h + LG_HOST_FEATURES, virtio_read_host_features(vdev, 0));
    virtio_stl(h + LG_GUEST_FEATURES, virtio_read_guest_features(vdev, 0));
    if (vq && virtio_queue_enabled(vq)) {
        hwaddr desc, driver, device;
        virtio_queue_get_addrs(vq, &desc, &driver, &device);
        virtio_stl(h + LG_QUEUE_PFN, (uint32_t)(desc >> LG_QUEUE_ADDR_SHIFT));
    }
    virtio_stw(h + LG_QUEUE_NUM, vq ? (uint16_t)virtio_queue_max_size(vq) : 0);
    virtio_stw(h + LG_QUEUE_SEL, p->queue_sel);
    h[LG_STATUS] = vdev->status;
    virtio_stw(h + LG_MSIX_CONFIG, vdev->config_vector);
    virtio_stw(h + LG_MSIX_QUEUE, vq ? virtio_queue_vector(vq) : VIRTIO_NO_VECTOR);
    if (off <= LG_ISR && off + size > LG_ISR)
        h[LG_ISR] = isr_read_clear(p);
    uint64_t v = 0;
    for (unsigned i = 0; i < size && off + i < cfg; i++)
        v |= (uint64_t)h[off + i] << (8 * i);
    return v;
}

static void legacy_set_pfn(VirtIOPCIProxy *p, VirtQueue *vq, uint32_t pfn)
{
    virtio_queue_enable(vq, false);
    if (!pfn)
        return;     /* the driver stopped using the queue */
    /* §4.1.5.1.3.1: the legacy layout, 4096-aligned, at pfn * 4096; the
     * queue size is the device's (there is no way to negotiate it). */
    virtio_queue_set_size(vq, virtio_queue_max_size(vq));
    virtio_queue_set_legacy_addr(vq, (hwaddr)pfn << LG_QUEUE_ADDR_SHIFT, LG_VRING_ALIGN);
    virtio_queue_enable(vq, true);
}

static void legacy_write(void *opaque, hwaddr off, uint64_t value, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    uint32_t v = (uint32_t)value;
    unsigned cfg = legacy_config_off(p);
    if (off >= cfg) {
        virtio_config_write(vdev, (uint32_t)(off - cfg), v, size);
        return;
    }
    static const uint8_t width[24] = {
        [LG_GUEST_FEATURES] = 4, [LG_QUEUE_PFN] = 4, [LG_QUEUE_SEL] = 2, [LG_QUEUE_NOTIFY] = 2,
        [LG_STATUS] = 1, [LG_MSIX_CONFIG] = 2, [LG_MSIX_QUEUE] = 2,
    };
    if (off >= sizeof(width) || width[off] != size) {
        qlog(LOG_GUEST_ERROR, "%s: legacy header: %u-byte write at 0x%" PRIx64 " is not a "
             "writable field of that width; ignored\n", pname(p), size, off);
        return;
    }
    VirtQueue *vq = virtio_get_queue(vdev, p->queue_sel);
    switch (off) {
    case LG_GUEST_FEATURES:
        vdev->legacy = true;
        virtio_legacy_write_features(vdev, v);
        return;
    case LG_QUEUE_PFN:
        vdev->legacy = true;
        if (vq)
            legacy_set_pfn(p, vq, v);
        else
            qlog(LOG_GUEST_ERROR, "%s: QUEUE_PFN for queue %u, which does not exist\n",
                 pname(p), p->queue_sel);
        return;
    case LG_QUEUE_SEL:
        p->queue_sel = (uint16_t)v;
        return;
    case LG_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, v);
        return;
    case LG_STATUS:
        vdev->legacy = true;
        if ((v & 0xff) == 0)
            device_reset_all_state(p);
        else
            virtio_set_status(vdev, (uint8_t)v);
        return;
    case LG_MSIX_CONFIG:
        vdev->config_vector = check_vector(p, v);
        return;
    case LG_MSIX_QUEUE:
        if (vq)
            virtio_queue_set_vector(vq, check_vector(p, v));
        return;
    }
}

static const MemOps legacy_ops = {
    .read = legacy_read, .write = legacy_write, .min_size = 1, .max_size = 4,
};

/* ---- PCI configuration space hooks: Bus Master, MSI-X, the access capability -------- */

/* A read or write through VIRTIO_PCI_CAP_PCI_CFG (§4.1.4.9). */
static void cfg_cap_access(VirtIOPCIProxy *p, bool write)
{
    uint8_t *c = p->pci.config + p->cfg_cap;
    unsigned bar = c[CAP_BAR];
    uint32_t off = pci_get_long(c + CAP_OFFSET), len = pci_get_long(c + CAP_LENGTH);
    uint8_t *data = c + CAP_PCI_CFG_DATA;
    if (!p->modern || bar != MODERN_BAR || (len != 1 && len != 2 && len != 4) ||
        (off & (len - 1)) || off >= MODERN_BAR_SIZE) {
        qlog(LOG_GUEST_ERROR, "%s: PCI configuration access to BAR %u offset 0x%x length %u "
             "names no virtio structure (§4.1.4.9.2)\n", pname(p), bar, off, len);
        if (!write)
            memset(data, 0, 4);
        return;
    }
    static const MemOps *const ops[4] = {&common_ops, &isr_ops, &device_ops, &notify_ops};
    const MemOps *o = ops[off / REGION_SIZE];
    hwaddr roff = off % REGION_SIZE;
    if (write) {
        uint32_t v = 0;
        for (unsigned i = 0; i < len; i++)
            v |= (uint32_t)data[i] << (8 * i);
        o->write(p, roff, v, len);
    } else {
        uint64_t v = o->read(p, roff, len);
        for (unsigned i = 0; i < len; i++)
            data[i] = (uint8_t)(v >> (8 * i));
    }
}

static bool overlaps(uint32_t addr, int len, uint32_t start, uint32_t size)
{
    return addr < start + size && start < addr + (uint32_t)len;
}

static uint32_t proxy_config_read(PCIDevice *d, uint32_t addr, int len)
{
    VirtIOPCIProxy *p = (VirtIOPCIProxy *)d;
    if (p->cfg_cap && overlaps(addr, len, p->cfg_cap + CAP_PCI_CFG_DATA, 4))
        cfg_cap_access(p, false);
    return pci_default_config_read(d, addr, len);
}

static void proxy_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    VirtIOPCIProxy *p = (VirtIOPCIProxy *)d;
    if (overlaps(addr, len, PCI_COMMAND, 2)) {
        bool master = pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
        if (!master && !p->vdev->dma_disabled && (p->vdev->status & VIRTIO_STATUS_DRIVER_OK))
            qlog(LOG_GUEST_ERROR, "%s: Bus Master Enable cleared while the device is live; it "
                 "stops using its queues\n", pname(p));
        p->vdev->dma_disabled = !master;
    }
    if (d->msix_cap && overlaps(addr, len, d->msix_cap + PCI_MSIX_FLAGS, 2))
        update_intx(p);
    if (p->cfg_cap && overlaps(addr, len, p->cfg_cap + CAP_PCI_CFG_DATA, 4))
        cfg_cap_access(p, true);
}

static void proxy_reset(PCIDevice *d)
{
    VirtIOPCIProxy *p = (VirtIOPCIProxy *)d;
    p->vdev->dma_disabled = true;   /* the command register is 0 again */
    device_reset_all_state(p);
}

static const PCIDeviceOps proxy_ops = {
    .config_read = proxy_config_read,
    .config_write = proxy_config_write,
    .reset = proxy_reset,
};

/* ---- realize ----------------------------------------------------------------------------- */

static int add_cap(VirtIOPCIProxy *p, uint8_t type, uint8_t size, uint8_t bar, uint32_t offset,
                   uint32_t length, Error **errp)
{
    PCIDevice *d = &p->pci;
    int off = pci_add_capability(d, PCI_CAP_ID_VNDR, 0, size, errp);
    if (off < 0)
        return -1;
    uint8_t *c = d->config + off;
    c[CAP_LEN] = size;
    c[CAP_CFG_TYPE] = type;
    c[CAP_BAR] = bar;
    c[CAP_ID] = 0;
    pci_set_long(c + CAP_OFFSET, offset);
    pci_set_long(c + CAP_LENGTH, length);
    return off;
}

/* The PCI function around a realized virtio device: IDs, BARs,
 * capabilities, MSI-X. */
static int build_function(VirtIOPCIProxy *p, const VirtioDeviceInfo *info, Error **errp)
{
    PCIDevice *d = &p->pci;
    VirtIODevice *vdev = p->vdev;
    vdev->dma_disabled = true;
    if (p->vectors < 0)
        p->nvectors = info->pci_vectors ? info->pci_vectors(vdev) : vdev->nvq + 1;
    else
        p->nvectors = (unsigned)p->vectors;

    if (p->legacy) {
        pci_set_ids(d, VIRTIO_PCI_VENDOR, info->pci_legacy_id, info->pci_class, 0);
        pci_set_subsystem(d, VIRTIO_PCI_VENDOR, info->device_id);
    } else {
        pci_set_ids(d, VIRTIO_PCI_VENDOR, VIRTIO_PCI_MODERN_BASE + info->device_id,
                    info->pci_class, 1);
        pci_set_subsystem(d, VIRTIO_PCI_VENDOR, VIRTIO_PCI_SUBSYS_QEMU);
    }
    pci_set_interrupt_pin(d, 1);

    if (p->legacy) {
        uint64_t size = LG_CONFIG_OFF(p->nvectors > 0) + vdev->config_len;
        while (!IS_POW2(size))
            size += size & -size;
        p->legacy_io = mr_new_mmio("virtio-pci-legacy", size, &legacy_ops, p);
        pci_register_bar(d, LEGACY_BAR, PCI_BAR_IO, p->legacy_io);
    }
    if (p->modern) {
        p->modern_bar = mr_new_container("virtio-pci-modern", MODERN_BAR_SIZE);
        p->common_mr = mr_new_mmio("virtio-pci-common", REGION_SIZE, &common_ops, p);
        p->isr_mr = mr_new_mmio("virtio-pci-isr", REGION_SIZE, &isr_ops, p);
        p->device_mr = mr_new_mmio("virtio-pci-device", REGION_SIZE, &device_ops, p);
        p->notify_mr = mr_new_mmio("virtio-pci-notify", REGION_SIZE, &notify_ops, p);
        mr_add_subregion(p->modern_bar, COMMON_OFF, p->common_mr, 0);
        mr_add_subregion(p->modern_bar, ISR_OFF, p->isr_mr, 0);
        mr_add_subregion(p->modern_bar, DEVICE_OFF, p->device_mr, 0);
        mr_add_subregion(p->modern_bar, NOTIFY_OFF, p->notify_mr, 0);
        pci_register_bar(d, MODERN_BAR, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, p->modern_bar);
        if (add_cap(p, CAP_COMMON_CFG, 16, MODERN_BAR, COMMON_OFF, REGION_SIZE, errp) < 0 ||
            add_cap(p, CAP_ISR_CFG, 16, MODERN_BAR, ISR_OFF, REGION_SIZE, errp) < 0 ||
            add_cap(p, CAP_DEVICE_CFG, 16, MODERN_BAR, DEVICE_OFF, REGION_SIZE, errp) < 0)
            return -1;
        /* §4.1.4.4: notify_off_multiplier 4 (an even power of two) and a
         * length covering every queue's address. */
        int n = add_cap(p, CAP_NOTIFY_CFG, 20, MODERN_BAR, NOTIFY_OFF, REGION_SIZE, errp);
        if (n < 0)
            return -1;
        pci_set_long(d->config + n + CAP_NOTIFY_MULT, NOTIFY_MULT);
        /* §4.1.4.9: bar, offset, length and data are the driver's to write. */
        int c = add_cap(p, CAP_PCI_CFG, 20, 0, 0, 0, errp);
        if (c < 0)
            return -1;
        p->cfg_cap = (uint8_t)c;
        d->wmask[c + CAP_BAR] = 0xff;
        pci_set_long(d->wmask + c + CAP_OFFSET, 0xffffffffu);
        pci_set_long(d->wmask + c + CAP_LENGTH, 0xffffffffu);
        pci_set_long(d->wmask + c + CAP_PCI_CFG_DATA, 0xffffffffu);
    }
    if (p->nvectors && msix_init_exclusive_bar(d, p->nvectors, MSIX_BAR, errp) < 0)
        return -1;
    return 0;
}

static int virtio_pci_realize(Device *dev, Error **errp)
{
    VirtIOPCIProxy *p = (VirtIOPCIProxy *)dev;
    PCIDevice *d = &p->pci;
    VirtioFlavour fl;
    const VirtioDeviceInfo *info = virtio_type_lookup(dev->type, &fl);
    const char *tn = dev->type->name;
    if (!info) {
        error_setg(errp, "%s is abstract", tn);
        return -1;
    }
    switch (fl) {
    case VIRTIO_FLAVOUR_PCI_TRANSITIONAL:
        p->legacy = p->modern = true;
        break;
    case VIRTIO_FLAVOUR_PCI_NON_TRANSITIONAL:
        p->legacy = false;
        p->modern = true;
        break;
    default:
        /* auto: legacy unless behind a PCI Express port (QEMU's rule); every
         * ferry bus is a root bus. */
        p->legacy = p->disable_legacy == DL_OFF ||
                    (p->disable_legacy == DL_AUTO && info->pci_legacy_id);
        p->modern = !p->disable_modern;
        break;
    }
    if (p->legacy && !info->pci_legacy_id) {
        error_setg(errp, "%s: disable-legacy=off: this device type has no legacy interface",
                   tn);
        return -1;
    }
    if (p->ioeventfd) {
        error_setg(errp, "%s: ioeventfd=on is not implemented yet: the driver's notifications "
                   "are handled on the vCPU thread that writes them (ioeventfd=off)", tn);
        return -1;
    }
    if (!p->legacy && !p->modern) {
        error_setg(errp, "%s: with disable-legacy=on and disable-modern=on the device has "
                   "neither a legacy nor a modern interface", tn);
        return -1;
    }
    VirtIODevice *vdev = virtio_state_of(dev);
    p->vdev = vdev;
    virtio_bind_transport(vdev, dev, &pci_ops, p, pci_dma_as(d));
    if (virtio_realize(vdev, p->legacy, p->modern, errp) < 0)
        return -1;
    if (build_function(p, info, errp) < 0) {
        virtio_unrealize(vdev);
        return -1;
    }
    d->ops = &proxy_ops;
    device_reset_all_state(p);
    return 0;
}

/* ---- the base types ------------------------------------------------------------------------ */

static const DeviceType virtio_pci_common_type = {
    .name = "virtio-pci-common",
    .desc = "the properties of every virtio device, for PCI",
    .parent = &pci_device_type,
    .instance_size = VIRTIO_STATE_OFFSET + sizeof(VirtIODevice),
    .props = virtio_common_props,
};

static const Property pci_base_props[] = {
    {.name = "vectors", .type = PROP_I32, .offset = offsetof(VirtIOPCIProxy, vectors),
     .def = "-1", .min = (uint64_t)-1, .max = 2048,
     .desc = "MSI-X vectors: 0 for none (INTx only), -1 for the device's default"},
    {.name = "ioeventfd", .type = PROP_BOOL, .offset = offsetof(VirtIOPCIProxy, ioeventfd),
     .def = "off", .desc = "hand notifications to the event loop (only off: not implemented "
                          "yet; QEMU's default is on)"},
    {0},
};

const DeviceType virtio_pci_base_type = {
    .name = "virtio-pci-base",
    .desc = "the base of virtio PCI devices",
    .parent = &virtio_pci_common_type,
    .instance_size = VIRTIO_STATE_OFFSET + sizeof(VirtIODevice),
    .props = pci_base_props,
    .realize = virtio_pci_realize,
};

static const char *const on_off_auto[] = {"on", "off", "auto", NULL};

static const Property pci_generic_props[] = {
    {.name = "disable-legacy", .type = PROP_ENUM, .choices = on_off_auto,
     .offset = offsetof(VirtIOPCIProxy, disable_legacy), .def = "auto",
     .desc = "without the legacy I/O interface (auto: with it, unless behind a PCIe port)"},
    {.name = "disable-modern", .type = PROP_BOOL, .offset = offsetof(VirtIOPCIProxy, disable_modern),
     .def = "off", .desc = "without the virtio 1.0 interface"},
    {0},
};

const DeviceType virtio_pci_generic_base_type = {
    .name = "virtio-pci-generic",
    .desc = "the base of NAME-pci virtio devices",
    .parent = &virtio_pci_base_type,
    .instance_size = VIRTIO_STATE_OFFSET + sizeof(VirtIODevice),
    .props = pci_generic_props,
};
