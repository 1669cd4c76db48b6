/*
 * vnet_driver.h — a virtio-net driver written in C for the unit tests, the
 * way a guest's (Linux's drivers/net/virtio_net.c) uses the device: it
 * negotiates features (§3.1.1, or the legacy sequence of §3.1.2), sets up
 * receiveq1, transmitq1 and controlq, posts receive buffers, transmits
 * frames behind a virtio_net_hdr, reads used buffers back, and sends
 * control commands. It runs over all four interfaces a guest meets:
 *
 *   VD_PCI_MODERN  virtio-net-pci, VERSION_1 through the capabilities in BAR 4
 *   VD_PCI_LEGACY  virtio-net-pci, the legacy I/O header in BAR 0
 *   VD_MMIO_V2     virtio-net-device on a virtio-mmio version 2 transport
 *   VD_MMIO_V1     virtio-net-device on a legacy (version 1) transport
 *
 * on a test machine with RAM at 0x40000000 and, for PCI, the generic PCIe
 * host; split rings, or packed ones when VIRTIO_F_RING_PACKED is negotiated
 * (the device needs packed=on). Interrupts are read from the ISR (PCI with vectors=0, INTx) or
 * InterruptStatus (MMIO) and acknowledged there. Kicks follow the device's
 * suppression (event index or NO_NOTIFY), as a driver's do, so a device
 * that forgets to ask for a kick makes a test stall rather than pass.
 */
#ifndef FERRY_TEST_VNET_DRIVER_H
#define FERRY_TEST_VNET_DRIVER_H

#include "core/machine.h"
#include "devices/pci/gpex.h"
#include "devices/pci/pci-regs.h"
#include "devices/virtio/virtio-mmio.h"
#include "nic/virtio-net.h"
#include "tests/unit/virtio_test.h"

#define VD_RAM_BASE  0x40000000ull
#define VD_RAM_SIZE  (32 * MiB)
#define VD_RING_RX   (VD_RAM_BASE + 0x10000)
#define VD_RING_TX   (VD_RAM_BASE + 0x30000)
#define VD_RING_CTRL (VD_RAM_BASE + 0x50000)
#define VD_CTRL_BUF  (VD_RAM_BASE + 0x60000)
#define VD_TXBUF     (VD_RAM_BASE + 0x100000)   /* 4 MiB of transmit buffers */
#define VD_RXBUF     (VD_RAM_BASE + 0x500000)   /* receive buffers from here */
#define VD_ECAM      0x30000000ull
#define VD_MMIO_WIN  0x10000000ull
#define VD_PIO       0x3eff0000ull
#define VD_BAR0_IO   0x1000
#define VD_BAR1      (VD_MMIO_WIN + 0x100000)
#define VD_BAR4      (VD_MMIO_WIN + 0x200000)
#define VD_MSI_BASE  0x08000000ull
#define VD_DEVFN     PCI_DEVFN(1, 0)
#define VD_VIRTIO_MMIO 0x0a000000ull

typedef enum { VD_PCI_MODERN, VD_PCI_LEGACY, VD_MMIO_V2, VD_MMIO_V1 } VdKind;

static const char *const vd_kind_names[] = {"pci-modern", "pci-legacy", "mmio-v2", "mmio-v1"};

typedef struct VDrv {
    VdKind kind;
    Machine m;
    MemoryRegion *ram;
    AddressSpace *as;
    IRQ *irqs;                  /* 4 INTx lines (PCI) or one line (MMIO) */
    int level[4];
    Gpex *gpex;
    VirtIOMMIO *mmio;
    Device *dev;
    VirtIONet *n;
    /* PCI */
    hwaddr common, isr, device, notify, io;
    uint32_t notify_mult;
    uint8_t msix_cap;
    int nmsgs;
    uint32_t msg_data[64];
    /* negotiated */
    uint64_t features;
    bool legacy;
    size_t hdr_len;
    TVq rx, tx, ctrl;
    bool have_ctrl;
    bool packed;
    uint8_t pk_ndescs[3][1024];  /* packed: descriptors of buffer id, per queue */
    /* receive buffers: one per ring slot, rx_buf_len bytes each */
    uint32_t rx_buf_len;
    /* transmit buffers are handed out round-robin from VD_TXBUF */
    hwaddr tx_next;
} VDrv;

static VDrv *vd_cur;

static void vd_irq(void *opaque, int n, int level)
{
    VDrv *d = opaque;
    if (n >= 0 && n < 4)
        d->level[n] = level;
}

static bool vd_msi(void *opaque, uint64_t addr, uint32_t data, uint32_t rid)
{
    VDrv *d = vd_cur;
    if (!d || addr < VD_MSI_BASE || addr >= VD_MSI_BASE + 0x1000)
        return false;
    if (d->nmsgs < (int)ARRAY_SIZE(d->msg_data))
        d->msg_data[d->nmsgs] = data;
    d->nmsgs++;
    return true;
}

/* ---- register access ---------------------------------------------------------------- */

static inline uint64_t vd_rd(VDrv *d, hwaddr a, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(as_read_uint(d->as, a, size, &v), MEMTX_OK);
    return v;
}

static inline void vd_wr(VDrv *d, hwaddr a, unsigned size, uint64_t v)
{
    assert_int_equal(as_write_uint(d->as, a, size, v), MEMTX_OK);
}

static inline uint32_t vd_pcicfg_rd(VDrv *d, uint32_t reg, unsigned size)
{
    return (uint32_t)vd_rd(d, VD_ECAM + ((uint64_t)VD_DEVFN << 12) + reg, size);
}

static inline void vd_pcicfg_wr(VDrv *d, uint32_t reg, unsigned size, uint32_t v)
{
    vd_wr(d, VD_ECAM + ((uint64_t)VD_DEVFN << 12) + reg, size, v);
}

/* virtio-mmio registers (§4.2.2 and §4.2.4 for version 1). */
enum {
    VDM_VERSION = 0x004, VDM_DEVICE_ID = 0x008, VDM_DF = 0x010, VDM_DFSEL = 0x014,
    VDM_GF = 0x020, VDM_GFSEL = 0x024, VDM_PAGE_SIZE = 0x028, VDM_QSEL = 0x030,
    VDM_QNUM_MAX = 0x034, VDM_QNUM = 0x038, VDM_QALIGN = 0x03c, VDM_QPFN = 0x040,
    VDM_QREADY = 0x044, VDM_NOTIFY = 0x050, VDM_ISR = 0x060, VDM_ACK = 0x064,
    VDM_STATUS = 0x070, VDM_QDESC = 0x080, VDM_QDRIVER = 0x090, VDM_QDEVICE = 0x0a0,
    VDM_CONFIG = 0x100,
};
/* The modern PCI common configuration (§4.1.4.3). */
enum {
    VDC_DFSEL = 0x00, VDC_DF = 0x04, VDC_GFSEL = 0x08, VDC_GF = 0x0c, VDC_MSIX = 0x10,
    VDC_NUMQ = 0x12, VDC_STATUS = 0x14, VDC_QSEL = 0x16, VDC_QSIZE = 0x18, VDC_QMSIX = 0x1a,
    VDC_QENABLE = 0x1c, VDC_QNOFF = 0x1e, VDC_QDESC = 0x20, VDC_QDRIVER = 0x28,
    VDC_QDEVICE = 0x30,
};
/* The legacy PCI I/O header (§4.1.4.8). */
enum {
    VDL_HF = 0, VDL_GF = 4, VDL_QPFN = 8, VDL_QNUM = 12, VDL_QSEL = 14, VDL_NOTIFY = 16,
    VDL_STATUS = 18, VDL_ISR = 19, VDL_CONFIG = 20,
};

static inline bool vd_is_pci(const VDrv *d)
{
    return d->kind == VD_PCI_MODERN || d->kind == VD_PCI_LEGACY;
}

static inline uint8_t vd_status(VDrv *d)
{
    switch (d->kind) {
    case VD_PCI_MODERN: return (uint8_t)vd_rd(d, d->common + VDC_STATUS, 1);
    case VD_PCI_LEGACY: return (uint8_t)vd_rd(d, d->io + VDL_STATUS, 1);
    default: return (uint8_t)vd_rd(d, VD_VIRTIO_MMIO + VDM_STATUS, 4);
    }
}

static inline void vd_set_status(VDrv *d, uint8_t s)
{
    switch (d->kind) {
    case VD_PCI_MODERN: vd_wr(d, d->common + VDC_STATUS, 1, s); break;
    case VD_PCI_LEGACY: vd_wr(d, d->io + VDL_STATUS, 1, s); break;
    default: vd_wr(d, VD_VIRTIO_MMIO + VDM_STATUS, 4, s); break;
    }
}

/* Device-specific configuration (§5.1.4), size 1, 2 or 4. */
static inline uint32_t vd_cfg(VDrv *d, unsigned off, unsigned size)
{
    switch (d->kind) {
    case VD_PCI_MODERN: return (uint32_t)vd_rd(d, d->device + off, size);
    case VD_PCI_LEGACY: return (uint32_t)vd_rd(d, d->io + VDL_CONFIG + off, size);
    default: return (uint32_t)vd_rd(d, VD_VIRTIO_MMIO + VDM_CONFIG + off, size);
    }
}

static inline void vd_cfg_wr(VDrv *d, unsigned off, unsigned size, uint32_t v)
{
    switch (d->kind) {
    case VD_PCI_MODERN: vd_wr(d, d->device + off, size, v); break;
    case VD_PCI_LEGACY: vd_wr(d, d->io + VDL_CONFIG + off, size, v); break;
    default: vd_wr(d, VD_VIRTIO_MMIO + VDM_CONFIG + off, size, v); break;
    }
}

/* Interrupt status, read and acknowledged: bit 0 used buffers, bit 1
 * configuration change. */
static inline uint32_t vd_isr(VDrv *d)
{
    switch (d->kind) {
    case VD_PCI_MODERN: return (uint32_t)vd_rd(d, d->isr, 1);
    case VD_PCI_LEGACY: return (uint32_t)vd_rd(d, d->io + VDL_ISR, 1);
    default: {
        uint32_t v = (uint32_t)vd_rd(d, VD_VIRTIO_MMIO + VDM_ISR, 4);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_ACK, 4, v);
        return v;
    }
    }
}

/* The interrupt line the device uses (INTx A for slot 1 is line 1 after
 * the swizzle; the MMIO transport's one line). */
static inline int vd_line(VDrv *d)
{
    return vd_is_pci(d) ? d->level[(1 + 0) % 4] : d->level[0];
}

static inline uint64_t vd_dev_features(VDrv *d)
{
    switch (d->kind) {
    case VD_PCI_MODERN: {
        vd_wr(d, d->common + VDC_DFSEL, 4, 0);
        uint64_t f = vd_rd(d, d->common + VDC_DF, 4);
        vd_wr(d, d->common + VDC_DFSEL, 4, 1);
        return f | vd_rd(d, d->common + VDC_DF, 4) << 32;
    }
    case VD_PCI_LEGACY:
        return vd_rd(d, d->io + VDL_HF, 4);
    default: {
        vd_wr(d, VD_VIRTIO_MMIO + VDM_DFSEL, 4, 0);
        uint64_t f = vd_rd(d, VD_VIRTIO_MMIO + VDM_DF, 4);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_DFSEL, 4, 1);
        return f | vd_rd(d, VD_VIRTIO_MMIO + VDM_DF, 4) << 32;
    }
    }
}

/* §3.1.1 steps 1-6 (legacy: features are taken as written). Returns
 * whether the device accepted the set. */
static inline bool vd_negotiate(VDrv *d, uint64_t f)
{
    vd_set_status(d, 0);
    vd_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    vd_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    d->legacy = d->kind == VD_PCI_LEGACY || d->kind == VD_MMIO_V1;
    if (d->legacy)
        f &= 0xffffffffull & ~VIRTIO_BIT(VIRTIO_F_VERSION_1);
    switch (d->kind) {
    case VD_PCI_MODERN:
        vd_wr(d, d->common + VDC_GFSEL, 4, 0);
        vd_wr(d, d->common + VDC_GF, 4, (uint32_t)f);
        vd_wr(d, d->common + VDC_GFSEL, 4, 1);
        vd_wr(d, d->common + VDC_GF, 4, (uint32_t)(f >> 32));
        break;
    case VD_PCI_LEGACY:
        vd_wr(d, d->io + VDL_GF, 4, (uint32_t)f);
        break;
    case VD_MMIO_V2:
        vd_wr(d, VD_VIRTIO_MMIO + VDM_GFSEL, 4, 0);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_GF, 4, (uint32_t)f);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_GFSEL, 4, 1);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_GF, 4, (uint32_t)(f >> 32));
        break;
    case VD_MMIO_V1:
        vd_wr(d, VD_VIRTIO_MMIO + VDM_GFSEL, 4, 0);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_GF, 4, (uint32_t)f);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_PAGE_SIZE, 4, 4096);
        break;
    }
    d->features = f;
    d->hdr_len = (f & VIRTIO_BIT(VIRTIO_F_VERSION_1)) || (f & VIRTIO_BIT(VNET_F_MRG_RXBUF))
                     ? VNET_HDR_LEN : VNET_HDR_LEN_LEGACY;
    if (d->legacy)
        return true;
    vd_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                     VIRTIO_STATUS_FEATURES_OK);
    return vd_status(d) & VIRTIO_STATUS_FEATURES_OK;
}

static inline void vd_queue(VDrv *d, TVq *q, unsigned index, unsigned num, hwaddr base)
{
    bool ev = d->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
    d->packed = d->features & VIRTIO_BIT(VIRTIO_F_RING_PACKED);
    if (d->packed)
        tpq_init(q, index, num, base, ev);
    else
        tvq_init(q, index, num, base, ev);
    switch (d->kind) {
    case VD_PCI_MODERN:
        vd_wr(d, d->common + VDC_QSEL, 2, index);
        assert_true(vd_rd(d, d->common + VDC_QSIZE, 2) >= num);
        vd_wr(d, d->common + VDC_QSIZE, 2, num);
        vd_wr(d, d->common + VDC_QDESC, 4, (uint32_t)q->desc);
        vd_wr(d, d->common + VDC_QDESC + 4, 4, (uint32_t)(q->desc >> 32));
        vd_wr(d, d->common + VDC_QDRIVER, 4, (uint32_t)q->avail);
        vd_wr(d, d->common + VDC_QDRIVER + 4, 4, (uint32_t)(q->avail >> 32));
        vd_wr(d, d->common + VDC_QDEVICE, 4, (uint32_t)q->used);
        vd_wr(d, d->common + VDC_QDEVICE + 4, 4, (uint32_t)(q->used >> 32));
        vd_wr(d, d->common + VDC_QENABLE, 2, 1);
        break;
    case VD_PCI_LEGACY:
        /* The legacy size is the device's, the used ring 4 KiB aligned. */
        vd_wr(d, d->io + VDL_QSEL, 2, index);
        assert_int_equal(vd_rd(d, d->io + VDL_QNUM, 2), num);
        vd_wr(d, d->io + VDL_QPFN, 4, (uint32_t)(q->desc / 4096));
        break;
    case VD_MMIO_V2:
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QSEL, 4, index);
        assert_true(vd_rd(d, VD_VIRTIO_MMIO + VDM_QNUM_MAX, 4) >= num);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QNUM, 4, num);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QDESC, 4, (uint32_t)q->desc);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QDESC + 4, 4, (uint32_t)(q->desc >> 32));
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QDRIVER, 4, (uint32_t)q->avail);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QDRIVER + 4, 4, (uint32_t)(q->avail >> 32));
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QDEVICE, 4, (uint32_t)q->used);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QDEVICE + 4, 4, (uint32_t)(q->used >> 32));
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QREADY, 4, 1);
        break;
    case VD_MMIO_V1:
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QSEL, 4, index);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QNUM, 4, num);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QALIGN, 4, 4096);
        vd_wr(d, VD_VIRTIO_MMIO + VDM_QPFN, 4, (uint32_t)(q->desc / 4096));
        break;
    }
}

static inline void vd_driver_ok(VDrv *d)
{
    vd_set_status(d, vd_status(d) | VIRTIO_STATUS_DRIVER_OK);
}

static inline void vd_notify(VDrv *d, TVq *q)
{
    switch (d->kind) {
    case VD_PCI_MODERN:
        vd_wr(d, d->common + VDC_QSEL, 2, q->index);
        vd_wr(d, d->notify + vd_rd(d, d->common + VDC_QNOFF, 2) * d->notify_mult, 2, q->index);
        break;
    case VD_PCI_LEGACY: vd_wr(d, d->io + VDL_NOTIFY, 2, q->index); break;
    default: vd_wr(d, VD_VIRTIO_MMIO + VDM_NOTIFY, 4, q->index); break;
    }
}

/* Where the driver is in q's ring, to decide later whether buffers added
 * since need a kick: the avail index (split), the next position and its
 * wrap counter (packed). */
static inline uint16_t vd_mark(VDrv *d, TVq *q)
{
    if (!q->packed)
        return q->avail_idx;
    return (uint16_t)(q->next_avail | (q->avail_wrap ? 0x8000 : 0));
}

/* §2.8.10: the device event suppression area, as a driver reads it after
 * making buffers available since `mark`. */
static inline bool vd_packed_need_kick(TVq *q, uint16_t mark)
{
    uint16_t flags = gr16(q->used + 2) & 3, off_wrap = gr16(q->used);
    if (flags == VRING_PACKED_EVENT_DISABLE)
        return false;
    if (flags != VRING_PACKED_EVENT_DESC || !q->event_idx)
        return true;
    /* Positions in the current lap; the previous lap counts negative. */
    int num = (int)q->num, now = q->next_avail;
    int old = (mark & 0x7fff) - ((bool)(mark >> 15) != q->avail_wrap ? num : 0);
    int ev = (off_wrap & 0x7fff) - ((bool)(off_wrap >> 15) != q->avail_wrap ? num : 0);
    return (uint16_t)(now - ev - 1) < (uint16_t)(now - old);
}

/* Kicks if the device asked for one for what was added since `mark`. */
static inline bool vd_kick_if_needed(VDrv *d, TVq *q, uint16_t mark)
{
    if (!(q->packed ? vd_packed_need_kick(q, mark) : tvq_need_kick(q, mark)))
        return false;
    vd_notify(d, q);
    return true;
}

static inline unsigned vd_qnum(VDrv *d, TVq *q)
{
    return q == &d->rx ? 0 : q == &d->tx ? 1 : 2;
}

/* Makes a buffer of n segments available; returns its id (the head
 * descriptor for split rings, a rotating buffer id for packed ones). */
static inline unsigned vd_qadd(VDrv *d, TVq *q, const TSeg *s, int n)
{
    if (!q->packed)
        return tvq_add(q, s, n);
    unsigned id = q->next_desc % q->num;
    q->next_desc++;
    d->pk_ndescs[vd_qnum(d, q)][id] = (uint8_t)n;
    tpq_add(q, s, n, (uint16_t)id);
    return id;
}

/* The next used buffer of q, or false. */
static inline bool vd_qused(VDrv *d, TVq *q, uint32_t *id, uint32_t *len)
{
    if (!q->packed)
        return tvq_get_used(q, id, len);
    /* The buffer id at the next used position says how far to step. */
    uint16_t at_id = gr16(q->desc + 16 * (hwaddr)q->next_used + 12);
    unsigned nd = at_id < q->num ? d->pk_ndescs[vd_qnum(d, q)][at_id] : 1;
    uint16_t id16;
    if (!tpq_get_used(q, &id16, len, nd ? nd : 1))
        return false;
    *id = id16;
    return true;
}

/* ---- the machine ---------------------------------------------------------------------- */

/* Finds the virtio structures (§4.1.4) and maps BARs 0, 1 and 4. */
static inline void vd_pci_setup(VDrv *d)
{
    vd_pcicfg_wr(d, PCI_BASE_ADDRESS_0, 4, VD_BAR0_IO);
    vd_pcicfg_wr(d, PCI_BASE_ADDRESS_0 + 4, 4, (uint32_t)VD_BAR1);
    vd_pcicfg_wr(d, PCI_BASE_ADDRESS_0 + 16, 4, (uint32_t)VD_BAR4);
    vd_pcicfg_wr(d, PCI_BASE_ADDRESS_0 + 20, 4, 0);
    vd_pcicfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    d->io = VD_PIO + VD_BAR0_IO;
    for (uint8_t p = (uint8_t)vd_pcicfg_rd(d, PCI_CAPABILITY_LIST, 1); p;
         p = (uint8_t)vd_pcicfg_rd(d, p + 1, 1)) {
        uint8_t id = (uint8_t)vd_pcicfg_rd(d, p, 1);
        if (id == PCI_CAP_ID_MSIX)
            d->msix_cap = p;
        if (id != PCI_CAP_ID_VNDR)
            continue;
        uint8_t type = (uint8_t)vd_pcicfg_rd(d, p + 3, 1);
        hwaddr base = VD_BAR4 + vd_pcicfg_rd(d, p + 8, 4);
        switch (type) {
        case 1: d->common = base; break;
        case 2: d->notify = base; d->notify_mult = vd_pcicfg_rd(d, p + 16, 4); break;
        case 3: d->isr = base; break;
        case 4: d->device = base; break;
        }
    }
}

/* MSI-X entry v sends data v to VD_MSI_BASE + 4v (unmasked, enabled). */
static inline void vd_msix_setup(VDrv *d, unsigned nvec)
{
    for (unsigned v = 0; v < nvec; v++) {
        hwaddr e = VD_BAR1 + 16 * v;
        vd_wr(d, e, 4, VD_MSI_BASE + 4 * v);
        vd_wr(d, e + 4, 4, 0);
        vd_wr(d, e + 8, 4, v);
        vd_wr(d, e + 12, 4, 0);
    }
    vd_pcicfg_wr(d, d->msix_cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
}

/* Objects of earlier machines stay reachable (devices and buses live on
 * global lists for the program's life). */
static void *vd_kept[1024];
static int vd_nkept;

static inline void vd_keep(void *p)
{
    if (p && vd_nkept < (int)ARRAY_SIZE(vd_kept))
        vd_kept[vd_nkept++] = p;
}

/* A machine with one virtio-net of `kind`; props: "key", "value", ...,
 * NULL (netdev= included if wanted). Returns the device or NULL with *errp. */
static inline VirtIONet *vd_make(VDrv *d, VdKind kind, const char *const *props, Error **errp)
{
    if (d->m.sysmem) {
        vd_keep(d->m.sysmem);
        vd_keep(d->m.as);
        vd_keep(d->irqs);
        vd_keep(d->gpex);
    }
    if (d->gpex) {
        for (int i = 0; i < 4; i++)
            d->gpex->bus->irqs[i] = NULL;
        d->gpex->bus->msi_sink = NULL;
    }
    memset(d, 0, sizeof(*d));
    vd_cur = d;
    d->kind = kind;
    d->m.sysmem = mr_new_container("system", UINT64_MAX);
    d->m.as = as_new("memory", d->m.sysmem);
    d->as = d->m.as;
    tg_as = d->as;
    Error *err = NULL;
    d->ram = mr_new_ram("ram", VD_RAM_SIZE, &err);
    assert_non_null(d->ram);
    mr_add_subregion(d->m.sysmem, VD_RAM_BASE, d->ram, 0);
    d->irqs = irq_new(vd_irq, d, 4);
    const char *type;
    Bus *bus;
    if (vd_is_pci(d)) {
        IRQ *lines[4] = {&d->irqs[0], &d->irqs[1], &d->irqs[2], &d->irqs[3]};
        GpexConfig cfg = {
            .ecam_base = VD_ECAM, .ecam_size = 16 * MiB,
            .mmio_base = VD_MMIO_WIN, .mmio_size = 0x10000000,
            .pio_base = VD_PIO, .pio_size = 64 * KiB,
            .msi_sink = vd_msi,
        };
        d->gpex = gpex_create(&d->m, &cfg, lines, &err);
        assert_non_null(d->gpex);
        type = "virtio-net-pci";
        bus = d->gpex->bus->bus;
    } else {
        d->mmio = virtio_mmio_create(d->m.sysmem, VD_VIRTIO_MMIO, &d->irqs[0], d->as,
                                     kind == VD_MMIO_V1, &err);
        assert_non_null(d->mmio);
        type = "virtio-net-device";
        bus = virtio_mmio_bus(d->mmio);
    }
    Device *dev = device_new(type, &err);
    assert_non_null(dev);
    if (vd_is_pci(d)) {
        assert_int_equal(device_set_prop(dev, "addr", "1", &err), 0);
        assert_int_equal(device_set_prop(dev, "vectors", "0", &err), 0);
        if (kind == VD_PCI_MODERN)
            assert_int_equal(device_set_prop(dev, "disable-legacy", "on", &err), 0);
    }
    for (int i = 0; props && props[i]; i += 2) {
        if (device_set_prop(dev, props[i], props[i + 1], errp) < 0) {
            device_free(dev);
            return NULL;
        }
    }
    if (device_realize(dev, bus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    d->dev = dev;
    d->n = (VirtIONet *)virtio_device_of(dev);
    if (vd_is_pci(d))
        vd_pci_setup(d);
    return d->n;
}

/* ---- the data path ----------------------------------------------------------------------- */

/* Brings the device up with features f (masked to what it offers): rx and
 * tx queues of `num` entries, the control queue when CTRL_VQ is in f, and
 * `nrx` receive buffers of rx_len bytes each posted. Returns the
 * negotiated set. */
static inline uint64_t vd_up(VDrv *d, uint64_t f, unsigned num, unsigned nrx, uint32_t rx_len)
{
    f &= vd_dev_features(d);
    assert_true(vd_negotiate(d, f));
    vd_queue(d, &d->rx, 0, num, VD_RING_RX);
    vd_queue(d, &d->tx, 1, num, VD_RING_TX);
    d->have_ctrl = d->features & VIRTIO_BIT(VNET_F_CTRL_VQ);
    if (d->have_ctrl)
        vd_queue(d, &d->ctrl, 2, 64, VD_RING_CTRL);
    vd_driver_ok(d);
    assert_true(vd_status(d) & VIRTIO_STATUS_DRIVER_OK);
    d->rx_buf_len = rx_len;
    d->tx_next = VD_TXBUF;
    for (unsigned i = 0; i < nrx; i++) {
        uint16_t old = vd_mark(d, &d->rx);
        unsigned slot = d->rx.next_desc % d->rx.num;
        vd_qadd(d, &d->rx, (TSeg[]){{VD_RXBUF + (hwaddr)slot * rx_len, rx_len, true}}, 1);
        vd_kick_if_needed(d, &d->rx, old);
    }
    return d->features;
}

/* Posts `count` more receive buffers (reusing the slots in order). */
static inline void vd_post_rx(VDrv *d, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        uint16_t old = vd_mark(d, &d->rx);
        unsigned slot = d->rx.next_desc % d->rx.num;
        vd_qadd(d, &d->rx, (TSeg[]){{VD_RXBUF + (hwaddr)slot * d->rx_buf_len, d->rx_buf_len,
                                     true}}, 1);
        vd_kick_if_needed(d, &d->rx, old);
    }
}

/* The header a driver puts before a frame (§5.1.6.2). */
typedef struct VdHdr {
    uint8_t flags, gso_type;
    uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
} VdHdr;

static inline void vd_hdr_pack(const VDrv *d, const VdHdr *h, uint8_t *out)
{
    memset(out, 0, VNET_HDR_LEN);
    out[0] = h->flags;
    out[1] = h->gso_type;
    virtio_stw(out + 2, h->hdr_len);
    virtio_stw(out + 4, h->gso_size);
    virtio_stw(out + 6, h->csum_start);
    virtio_stw(out + 8, h->csum_offset);
    if (d->hdr_len == VNET_HDR_LEN)
        virtio_stw(out + 10, h->num_buffers);
}

static inline void vd_hdr_unpack(const uint8_t *in, size_t hdr_len, VdHdr *h)
{
    h->flags = in[0];
    h->gso_type = in[1];
    h->hdr_len = virtio_lduw(in + 2);
    h->gso_size = virtio_lduw(in + 4);
    h->csum_start = virtio_lduw(in + 6);
    h->csum_offset = virtio_lduw(in + 8);
    h->num_buffers = hdr_len == VNET_HDR_LEN ? virtio_lduw(in + 10) : 1;
}

static inline hwaddr vd_txmem(VDrv *d, size_t len)
{
    if (d->tx_next + len > VD_TXBUF + 4 * MiB)
        d->tx_next = VD_TXBUF;
    hwaddr a = d->tx_next;
    d->tx_next += ALIGN_UP(len, 64);
    return a;
}

/* Queues a frame for transmission behind header h; `split` puts the header
 * in its own descriptor (the legacy framing) and cuts the frame in two. No
 * kick. */
static inline void vd_tx_add(VDrv *d, const VdHdr *h, const void *frame, size_t len, bool split)
{
    uint8_t hb[VNET_HDR_LEN];
    vd_hdr_pack(d, h, hb);
    if (!split) {
        hwaddr a = vd_txmem(d, d->hdr_len + len);
        gw(a, hb, d->hdr_len);
        if (len)
            gw(a + d->hdr_len, frame, len);
        vd_qadd(d, &d->tx, (TSeg[]){{a, (uint32_t)(d->hdr_len + len), false}}, 1);
        return;
    }
    hwaddr a = vd_txmem(d, d->hdr_len), b = vd_txmem(d, len);
    gw(a, hb, d->hdr_len);
    gw(b, frame, len);
    size_t half = len / 2;
    vd_qadd(d, &d->tx, (TSeg[]){{a, (uint32_t)d->hdr_len, false}, {b, (uint32_t)half, false},
                                {b + half, (uint32_t)(len - half), false}}, 3);
}

/* Transmits one plain frame and kicks if the device wants it. */
static inline void vd_tx(VDrv *d, const void *frame, size_t len)
{
    uint16_t old = vd_mark(d, &d->tx);
    vd_tx_add(d, &(VdHdr){0}, frame, len, false);
    vd_kick_if_needed(d, &d->tx, old);
}

/* One received frame: its header and bytes, gathered over num_buffers
 * used buffers. false when none is there. */
typedef struct VdRx {
    VdHdr h;
    uint8_t *data;      /* the frame (after the header); caller frees */
    size_t len;
    unsigned nbufs;
} VdRx;

static inline bool vd_rx_get(VDrv *d, VdRx *r)
{
    uint32_t id, len;
    if (!vd_qused(d, &d->rx, &id, &len))
        return false;
    hwaddr buf = VD_RXBUF + (hwaddr)id * d->rx_buf_len;
    assert_true(len >= d->hdr_len);
    assert_true(len <= d->rx_buf_len);
    uint8_t hb[VNET_HDR_LEN];
    gr(buf, hb, d->hdr_len);
    vd_hdr_unpack(hb, d->hdr_len, &r->h);
    unsigned nb = (d->features & VIRTIO_BIT(VNET_F_MRG_RXBUF)) ? r->h.num_buffers : 1;
    assert_true(nb >= 1);
    r->data = xmalloc(nb * (size_t)d->rx_buf_len + 1);
    r->len = len - d->hdr_len;
    gr(buf + d->hdr_len, r->data, r->len);
    r->nbufs = nb;
    for (unsigned i = 1; i < nb; i++) {
        /* §5.1.6.4.1: every buffer but the last is full. */
        assert_int_equal(len, d->rx_buf_len);
        assert_true(vd_qused(d, &d->rx, &id, &len));
        gr(VD_RXBUF + (hwaddr)id * d->rx_buf_len, r->data + r->len, len);
        r->len += len;
    }
    return true;
}

/* ---- the control queue ---------------------------------------------------------------- */

/* Sends class/command with data; returns the ack byte (or -1 if the
 * buffer came back without one). */
static inline int vd_ctrl(VDrv *d, uint8_t class, uint8_t cmd, const void *data, size_t len)
{
    uint8_t hdr[2] = {class, cmd};
    gw(VD_CTRL_BUF, hdr, 2);
    if (len)
        gw(VD_CTRL_BUF + 0x10, data, len);
    uint8_t ack = 0xee;
    gw(VD_CTRL_BUF + 0x1000, &ack, 1);
    TSeg segs[3];
    int n = 0;
    segs[n++] = (TSeg){VD_CTRL_BUF, 2, false};
    if (len)
        segs[n++] = (TSeg){VD_CTRL_BUF + 0x10, (uint32_t)len, false};
    segs[n++] = (TSeg){VD_CTRL_BUF + 0x1000, 1, true};
    uint16_t old = vd_mark(d, &d->ctrl);
    vd_qadd(d, &d->ctrl, segs, n);
    vd_kick_if_needed(d, &d->ctrl, old);
    uint32_t id, used;
    if (!vd_qused(d, &d->ctrl, &id, &used))
        return -2;
    if (used < 1)
        return -1;
    gr(VD_CTRL_BUF + 0x1000, &ack, 1);
    return ack;
}

#endif
