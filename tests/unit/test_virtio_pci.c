/*
 * test_virtio_pci.c — the virtio PCI transport on the generic PCIe host: a
 * C driver programs the BARs through ECAM, finds the virtio capabilities,
 * and drives the modern common configuration, the notification area, the
 * ISR, the device configuration, the PCI configuration access capability
 * and the legacy I/O header. IDs and layout of the three flavours; MSI-X
 * config and queue vectors through a fake MSI sink, masking and pending
 * bits, refused vectors; INTx with the ISR's read-to-clear; the legacy
 * header and its MSI-X-dependent config offset; Bus Master gating; reset.
 */
#include "tests/unit/test.h"

#include "core/machine.h"
#include "devices/pci/gpex.h"
#include "tests/unit/logcap.h"
#include "tests/unit/virtio_test.h"

#define ECAM      0x30000000ull
#define MMIO      0x10000000ull
#define PIO       0x3eff0000ull
#define RAM_BASE  0x40000000ull
#define RAM_SIZE  (16 * MiB)
#define RING0     (RAM_BASE + 0x10000)
#define RING1     (RAM_BASE + 0x20000)
#define BUF       (RAM_BASE + 0x100000)
#define MSI_BASE  0x08000000ull

/* Where the test puts the BARs of the device in slot 1. */
#define DEVFN     PCI_DEVFN(1, 0)
#define BAR0_IO   0x1000
#define BAR1_MEM  (MMIO + 0x100000)
#define BAR4_MEM  (MMIO + 0x200000)

typedef struct Msg { uint64_t addr; uint32_t data, rid; } Msg;

static struct {
    Machine m;
    MemoryRegion *ram;
    Gpex *gpex;
    IRQ *intx;
    int intx_level[4];
    Msg msgs[64];
    int nmsgs;
    PCIDevice *d;
    TestVDev *t;
    /* from the capabilities */
    hwaddr common, isr, device, notify;
    uint32_t notify_mult;
    uint8_t cfg_cap, msix_cap;
} F;

static void *kept[512];
static int nkept;

static void keep(void *p)
{
    if (p && nkept < (int)ARRAY_SIZE(kept))
        kept[nkept++] = p;
}

static void intx_handler(void *opaque, int n, int level)
{
    F.intx_level[n] = level;
}

static bool msi_sink(void *opaque, uint64_t addr, uint32_t data, uint32_t rid)
{
    if (addr < MSI_BASE || addr >= MSI_BASE + 0x1000)
        return false;
    if (F.nmsgs < (int)ARRAY_SIZE(F.msgs))
        F.msgs[F.nmsgs] = (Msg){addr, data, rid};
    F.nmsgs++;
    return true;
}

static void machine_make(void)
{
    Error *err = NULL;
    if (F.gpex) {
        /* The old host stays on the global lists: cut it off this fixture. */
        for (int i = 0; i < 4; i++)
            F.gpex->bus->irqs[i] = NULL;
        F.gpex->bus->msi_sink = NULL;
    }
    keep(F.m.sysmem);
    keep(F.m.as);
    keep(F.intx);
    memset(&F, 0, sizeof(F));
    F.m.sysmem = mr_new_container("system", UINT64_MAX);
    F.m.as = as_new("memory", F.m.sysmem);
    F.ram = mr_new_ram("ram", RAM_SIZE, &err);
    mr_add_subregion(F.m.sysmem, RAM_BASE, F.ram, 0);
    F.intx = irq_new(intx_handler, NULL, 4);
    IRQ *lines[4] = {&F.intx[0], &F.intx[1], &F.intx[2], &F.intx[3]};
    GpexConfig cfg = {
        .ecam_base = ECAM, .ecam_size = 16 * MiB,
        .mmio_base = MMIO, .mmio_size = 0x10000000,
        .pio_base = PIO, .pio_size = 64 * KiB,
        .msi_sink = msi_sink,
    };
    F.gpex = gpex_create(&F.m, &cfg, lines, &err);
    if (!F.gpex)
        fail_msg("%s", error_get_msg(err));
    tg_as = F.m.as;
}

static uint32_t cfg_rd(uint32_t reg, unsigned size)
{
    uint64_t v = 0;
    as_read_uint(F.m.as, ECAM + ((uint64_t)DEVFN << 12) + reg, size, &v);
    return (uint32_t)v;
}

static void cfg_wr(uint32_t reg, unsigned size, uint32_t v)
{
    assert_int_equal(as_write_uint(F.m.as, ECAM + ((uint64_t)DEVFN << 12) + reg, size, v),
                     MEMTX_OK);
}

static uint64_t mrd(hwaddr a, unsigned size)
{
    uint64_t v = 0;
    as_read_uint(F.m.as, a, size, &v);
    return v;
}

static void mwr(hwaddr a, unsigned size, uint64_t v)
{
    assert_int_equal(as_write_uint(F.m.as, a, size, v), MEMTX_OK);
}

/* Finds the virtio structures the way a driver does (§4.1.5.1.1). */
static void find_caps(void)
{
    for (uint8_t p = (uint8_t)cfg_rd(PCI_CAPABILITY_LIST, 1); p; p = (uint8_t)cfg_rd(p + 1, 1)) {
        uint8_t id = (uint8_t)cfg_rd(p, 1);
        if (id == PCI_CAP_ID_MSIX)
            F.msix_cap = p;
        if (id != PCI_CAP_ID_VNDR)
            continue;
        uint8_t type = (uint8_t)cfg_rd(p + 3, 1), bar = (uint8_t)cfg_rd(p + 4, 1);
        uint32_t off = cfg_rd(p + 8, 4);
        hwaddr base = bar == 4 ? BAR4_MEM + off : 0;
        switch (type) {
        case 1: F.common = base; break;
        case 2: F.notify = base; F.notify_mult = cfg_rd(p + 16, 4); break;
        case 3: F.isr = base; break;
        case 4: F.device = base; break;
        case 5: F.cfg_cap = p; break;
        }
    }
}

/* Makes type in slot 1 with props ("key", "value", ..., NULL), maps its
 * BARs and enables I/O, memory and bus mastering. */
static void mk(const char *type, const char *const *props)
{
    Error *err = NULL;
    machine_make();
    Device *dev = device_new(type, &err);
    assert_non_null(dev);
    assert_int_equal(device_set_prop(dev, "addr", "1", &err), 0);
    for (int i = 0; props && props[i]; i += 2)
        if (device_set_prop(dev, props[i], props[i + 1], &err) < 0)
            fail_msg("%s", error_get_msg(err));
    if (device_realize(dev, F.gpex->bus->bus, &err) < 0)
        fail_msg("%s", error_get_msg(err));
    F.d = (PCIDevice *)dev;
    F.t = tdev;
    tdev_echo_on_kick = true;
    cfg_wr(PCI_BASE_ADDRESS_0, 4, BAR0_IO);
    cfg_wr(PCI_BASE_ADDRESS_0 + 4, 4, (uint32_t)BAR1_MEM);
    cfg_wr(PCI_BASE_ADDRESS_0 + 16, 4, (uint32_t)BAR4_MEM);
    cfg_wr(PCI_BASE_ADDRESS_0 + 20, 4, 0);
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    find_caps();
    free(logcap_take());
}

/* ---- the modern interface ---------------------------------------------------------- */

enum {
    CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c, CC_MSIX = 0x10,
    CC_NUMQ = 0x12, CC_STATUS = 0x14, CC_CFGGEN = 0x15, CC_Q_SELECT = 0x16, CC_Q_SIZE = 0x18,
    CC_Q_MSIX = 0x1a, CC_Q_ENABLE = 0x1c, CC_Q_NOFF = 0x1e, CC_Q_DESC = 0x20,
    CC_Q_DRIVER = 0x28, CC_Q_DEVICE = 0x30,
};

static uint32_t cc_rd(unsigned off, unsigned size) { return (uint32_t)mrd(F.common + off, size); }
static void cc_wr(unsigned off, unsigned size, uint32_t v) { mwr(F.common + off, size, v); }

static bool modern_negotiate(uint64_t f)
{
    cc_wr(CC_STATUS, 1, 0);
    assert_int_equal(cc_rd(CC_STATUS, 1), 0);
    cc_wr(CC_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    cc_wr(CC_GFSELECT, 4, 0);
    cc_wr(CC_GF, 4, (uint32_t)f);
    cc_wr(CC_GFSELECT, 4, 1);
    cc_wr(CC_GF, 4, (uint32_t)(f >> 32));
    cc_wr(CC_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                        VIRTIO_STATUS_FEATURES_OK);
    return cc_rd(CC_STATUS, 1) & VIRTIO_STATUS_FEATURES_OK;
}

static void modern_queue(TVq *q, uint16_t vector)
{
    cc_wr(CC_Q_SELECT, 2, q->index);
    assert_true(cc_rd(CC_Q_SIZE, 2) >= q->num);
    cc_wr(CC_Q_SIZE, 2, q->num);
    cc_wr(CC_Q_DESC, 4, (uint32_t)q->desc);
    cc_wr(CC_Q_DESC + 4, 4, (uint32_t)(q->desc >> 32));
    cc_wr(CC_Q_DRIVER, 4, (uint32_t)q->avail);
    cc_wr(CC_Q_DRIVER + 4, 4, (uint32_t)(q->avail >> 32));
    cc_wr(CC_Q_DEVICE, 4, (uint32_t)q->used);
    cc_wr(CC_Q_DEVICE + 4, 4, (uint32_t)(q->used >> 32));
    cc_wr(CC_Q_MSIX, 2, vector);
    cc_wr(CC_Q_ENABLE, 2, 1);
    assert_int_equal(cc_rd(CC_Q_ENABLE, 2), 1);
}

static void modern_ok(void)
{
    cc_wr(CC_STATUS, 1, cc_rd(CC_STATUS, 1) | VIRTIO_STATUS_DRIVER_OK);
}

static void modern_kick(TVq *q)
{
    cc_wr(CC_Q_SELECT, 2, q->index);
    mwr(F.notify + cc_rd(CC_Q_NOFF, 2) * F.notify_mult, 2, q->index);
}

static uint64_t features_std(void)
{
    return VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
           VIRTIO_BIT(TDEV_F_A);
}

/* MSI-X: entry v sends data v to MSI_BASE + 4v; unmasked; function enabled. */
static void msix_setup(unsigned nvec)
{
    for (unsigned v = 0; v < nvec; v++) {
        hwaddr e = BAR1_MEM + 16 * v;
        mwr(e, 4, MSI_BASE + 4 * v);
        mwr(e + 4, 4, 0);
        mwr(e + 8, 4, v);
        mwr(e + 12, 4, 0);
    }
    cfg_wr(F.msix_cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_ids_and_layout(void **state)
{
    mk("virtio-test-pci", NULL);      /* transitional by default */
    assert_int_equal(cfg_rd(PCI_VENDOR_ID, 2), 0x1af4);
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x103f);
    assert_int_equal(cfg_rd(PCI_REVISION_ID, 1), 0);
    assert_int_equal(cfg_rd(PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
    assert_int_equal(cfg_rd(PCI_SUBSYSTEM_ID, 2), TDEV_ID);
    assert_int_equal(cfg_rd(PCI_CLASS_DEVICE, 2), 0x00ff);
    assert_int_equal(cfg_rd(PCI_INTERRUPT_PIN, 1), 1);
    assert_int_equal(cfg_rd(PCI_BASE_ADDRESS_0, 4) & 1, 1);            /* I/O */
    assert_int_equal(cfg_rd(PCI_BASE_ADDRESS_0 + 16, 4) & 0xf, 0xc);   /* 64-bit prefetch */
    /* QEMU's capability layout. */
    assert_int_equal(cfg_rd(PCI_CAPABILITY_LIST, 1), 0x98);
    static const struct { uint8_t off, id, next, type; } caps[] = {
        {0x98, PCI_CAP_ID_MSIX, 0x84, 0}, {0x84, 9, 0x70, 5}, {0x70, 9, 0x60, 2},
        {0x60, 9, 0x50, 4}, {0x50, 9, 0x40, 3}, {0x40, 9, 0x00, 1},
    };
    for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
        assert_int_equal(cfg_rd(caps[i].off, 1), caps[i].id);
        assert_int_equal(cfg_rd(caps[i].off + 1, 1), caps[i].next);
        if (caps[i].type)
            assert_int_equal(cfg_rd(caps[i].off + 3, 1), caps[i].type);
    }
    assert_int_equal(F.common, BAR4_MEM);
    assert_int_equal(F.isr, BAR4_MEM + 0x1000);
    assert_int_equal(F.device, BAR4_MEM + 0x2000);
    assert_int_equal(F.notify, BAR4_MEM + 0x3000);
    assert_int_equal(F.notify_mult, 4);
    assert_int_equal(cfg_rd(F.msix_cap + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE, 2);  /* 3 */
    assert_int_equal(cc_rd(CC_NUMQ, 2), 2);
    /* The common configuration has no PCI Express capability (root bus). */
    assert_int_equal(pci_find_capability(F.d, PCI_CAP_ID_EXP), 0);

    mk("virtio-test-pci-non-transitional", NULL);
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x1040 + TDEV_ID);
    assert_int_equal(cfg_rd(PCI_REVISION_ID, 1), 1);
    assert_int_equal(cfg_rd(PCI_SUBSYSTEM_ID, 2), 0x1100);
    assert_int_equal(cfg_rd(PCI_BASE_ADDRESS_0, 4), 0);                /* no I/O BAR */
    assert_int_equal(F.common, BAR4_MEM);

    mk("virtio-test-pci", (const char *const[]){"disable-legacy", "on", NULL});
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x107f);

    mk("virtio-test-pci", (const char *const[]){"disable-modern", "on", "vectors", "0", NULL});
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x103f);
    assert_int_equal(F.common, 0);                                      /* no virtio caps */
    assert_int_equal(F.msix_cap, 0);
    assert_int_equal(cfg_rd(PCI_CAPABILITY_LIST, 1), 0);

    mk("virtio-rng-pci", NULL);
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x1005);
    assert_int_equal(cfg_rd(PCI_SUBSYSTEM_ID, 2), VIRTIO_ID_RNG);
    mk("virtio-rng-pci-non-transitional", NULL);
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x1044);

    /* Neither interface is refused; so is iommu_platform=on. */
    Error *err = NULL;
    Device *dev = device_new("virtio-test-pci", &err);
    device_set_prop(dev, "disable-legacy", "on", &err);
    device_set_prop(dev, "disable-modern", "on", &err);
    assert_int_equal(device_realize(dev, F.gpex->bus->bus, &err), -1);
    assert_contains(error_get_msg(err), "neither a legacy nor a modern interface");
    error_free(err);
    err = NULL;
    device_free(dev);
    dev = device_new("virtio-test-pci", &err);
    device_set_prop(dev, "iommu_platform", "on", &err);
    assert_int_equal(device_realize(dev, F.gpex->bus->bus, &err), -1);
    assert_contains(error_get_msg(err), "no IOMMU");
    error_free(err);
    device_free(dev);
    /* ioeventfd: off is what ferry does; on is refused until it means something. */
    err = NULL;
    dev = device_new("virtio-test-pci", &err);
    assert_int_equal(device_set_prop(dev, "ioeventfd", "on", &err), 0);
    assert_int_equal(device_realize(dev, F.gpex->bus->bus, &err), -1);
    assert_contains(error_get_msg(err), "ioeventfd=on is not implemented yet");
    error_free(err);
    device_free(dev);
    mk("virtio-test-pci", (const char *const[]){"ioeventfd", "off", NULL});
    /* The transitional flavours have no disable-* properties. */
    err = NULL;
    dev = device_new("virtio-test-pci-transitional", &err);
    assert_int_equal(device_set_prop(dev, "disable-legacy", "on", &err), -1);
    error_free(err);
    device_free(dev);
    /* A device's own property lands in its state behind the transport part,
     * and `info qtree` shows every level's properties. */
    mk("virtio-test-pci", (const char *const[]){"initial-value", "42", NULL});
    assert_int_equal(F.t->value, 42);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    device_print_qtree(out);
    fclose(out);
    assert_contains(buf, "initial-value = 42");
    assert_contains(buf, "disable-legacy = auto");
    assert_contains(buf, "vectors = -1");
    assert_contains(buf, "event_idx = true");
    free(buf);
    /* A device whose realize fails leaves its slot free. */
    err = NULL;
    dev = device_new("virtio-test-pci", &err);
    device_set_prop(dev, "fail-realize", "on", &err);
    device_set_prop(dev, "addr", "2", &err);
    assert_int_equal(device_realize(dev, F.gpex->bus->bus, &err), -1);
    assert_contains(error_get_msg(err), "told to fail");
    error_free(err);
    device_free(dev);
    assert_null(pci_find_device(F.gpex->bus, 0, PCI_DEVFN(2, 0)));
    /* "virtio-test" is an alias of virtio-test-pci, as in QEMU. */
    assert_string_equal(device_type_find("virtio-test")->name, "virtio-test-pci");
}

static void test_modern_echo_msix(void **state)
{
    mk("virtio-test-pci-non-transitional", NULL);
    assert_true(cc_rd(CC_DF, 4) & VIRTIO_BIT(TDEV_F_A));
    cc_wr(CC_DFSELECT, 4, 1);
    assert_int_equal(cc_rd(CC_DF, 4), 1);              /* VERSION_1 */
    cc_wr(CC_DFSELECT, 4, 2);
    assert_int_equal(cc_rd(CC_DF, 4), 0);
    assert_false(modern_negotiate(features_std() | VIRTIO_BIT(6)));
    assert_true(logcap_has("FEATURES_OK refused"));
    assert_true(modern_negotiate(features_std()));
    cc_wr(CC_GFSELECT, 4, 0);
    assert_int_equal(cc_rd(CC_GF, 4), (uint32_t)features_std());
    msix_setup(3);
    cc_wr(CC_MSIX, 2, 0);
    assert_int_equal(cc_rd(CC_MSIX, 2), 0);
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, 1);
    assert_int_equal(cc_rd(CC_Q_MSIX, 2), 1);
    modern_ok();

    gw(BUF, "modern", 7);
    tvq_add(&q, (TSeg[]){{BUF, 7, false}, {BUF + 0x100, 16, true}}, 2);
    modern_kick(&q);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(len, 7);
    assert_int_equal(F.nmsgs, 1);
    assert_int_equal(F.msgs[0].addr, MSI_BASE + 4);
    assert_int_equal(F.msgs[0].data, 1);
    assert_int_equal(F.msgs[0].rid, DEVFN);
    assert_int_equal(F.intx_level[(1 + 0) % 4], 0);    /* no INTx with MSI-X */
    /* A config change goes to the config vector. */
    virtio_config_changed(&F.t->vdev);
    assert_int_equal(F.nmsgs, 2);
    assert_int_equal(F.msgs[1].data, 0);
    /* Masked vector: held in the PBA, sent when unmasked. */
    mwr(BAR1_MEM + 16 * 1 + 12, 4, PCI_MSIX_ENTRY_CTRL_MASKBIT);
    tvq_add(&q, (TSeg[]){{BUF, 7, false}, {BUF + 0x100, 16, true}}, 2);
    modern_kick(&q);
    assert_int_equal(F.nmsgs, 2);
    uint64_t pba = 0;
    as_read_uint(F.m.as, BAR1_MEM + 0x1000, 8, &pba);
    assert_int_equal(pba & 2, 2);
    mwr(BAR1_MEM + 16 * 1 + 12, 4, 0);
    assert_int_equal(F.nmsgs, 3);
    assert_int_equal(F.msgs[2].data, 1);
    /* A vector beyond the table reads back NO_VECTOR (§4.1.5.1.2.1). */
    cc_wr(CC_MSIX, 2, 7);
    assert_int_equal(cc_rd(CC_MSIX, 2), VIRTIO_NO_VECTOR);
    assert_true(logcap_has("beyond the table"));
    /* NO_VECTOR on the queue: no interrupt at all. */
    cc_wr(CC_STATUS, 1, 0);
    assert_true(modern_negotiate(features_std()));
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, VIRTIO_NO_VECTOR);
    modern_ok();
    tvq_add(&q, (TSeg[]){{BUF, 7, false}, {BUF + 0x100, 16, true}}, 2);
    modern_kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
    assert_int_equal(F.nmsgs, 3);
    assert_int_equal(F.intx_level[1], 0);
    /* Reset unmaps every event (§4.1.5.1.2.1). */
    cc_wr(CC_STATUS, 1, 0);
    assert_int_equal(cc_rd(CC_MSIX, 2), VIRTIO_NO_VECTOR);
    cc_wr(CC_Q_SELECT, 2, 0);
    assert_int_equal(cc_rd(CC_Q_MSIX, 2), VIRTIO_NO_VECTOR);
    assert_int_equal(cc_rd(CC_Q_ENABLE, 2), 0);
    assert_int_equal(cc_rd(CC_Q_SIZE, 2), 16);
    /* queue_enable 0 is not for the driver to write. */
    cc_wr(CC_Q_ENABLE, 2, 0);
    assert_true(logcap_has("only 1 is allowed"));
    /* A field written at the wrong width. */
    cc_wr(CC_Q_SELECT, 1, 1);
    assert_true(logcap_has("not a field of that width"));
    /* Queues beyond the device's read size 0. */
    cc_wr(CC_Q_SELECT, 2, 9);
    assert_int_equal(cc_rd(CC_Q_SIZE, 2), 0);
}

static void test_intx_isr(void **state)
{
    mk("virtio-test-pci-non-transitional", (const char *const[]){"vectors", "0", NULL});
    assert_int_equal(F.msix_cap, 0);
    int line = (1 + 0) % 4;     /* slot 1, INTA: the swizzle */
    assert_true(modern_negotiate(features_std()));
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, VIRTIO_NO_VECTOR);
    modern_ok();
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    modern_kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
    assert_int_equal(F.intx_level[line], 1);
    assert_true(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    /* Reading the ISR returns the cause, clears it, and deasserts. */
    assert_int_equal(mrd(F.isr, 1), VIRTIO_ISR_QUEUE);
    assert_int_equal(F.intx_level[line], 0);
    assert_false(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    assert_int_equal(mrd(F.isr, 1), 0);
    virtio_config_changed(&F.t->vdev);
    assert_int_equal(F.intx_level[line], 1);
    assert_int_equal(mrd(F.isr, 1), VIRTIO_ISR_CONFIG);
    assert_int_equal(F.intx_level[line], 0);
    /* INTx Disable in the command register masks the line, not the ISR. */
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    modern_kick(&q);
    assert_int_equal(F.intx_level[line], 0);
    assert_int_equal(mrd(F.isr, 1), VIRTIO_ISR_QUEUE);

    /* MSI-X present but not enabled: INTx too. */
    mk("virtio-test-pci-non-transitional", NULL);
    assert_true(modern_negotiate(features_std()));
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, 1);
    modern_ok();
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    modern_kick(&q);
    assert_int_equal(F.intx_level[line], 1);
    assert_int_equal(F.nmsgs, 0);
    /* Enabling MSI-X takes the line down. */
    msix_setup(3);
    assert_int_equal(F.intx_level[line], 0);
}

static void test_device_config_and_cfg_cap(void **state)
{
    mk("virtio-test-pci", NULL);
    F.t->counter = 0x11223344;
    assert_int_equal(mrd(F.device + 4, 4), 0x11223344);
    assert_int_equal(mrd(F.device + 5, 1), 0x33);
    mwr(F.device, 4, 0xcafe);
    assert_int_equal(F.t->value, 0xcafe);
    /* The PCI configuration access capability (§4.1.4.9): read the
     * device's feature word, then write the status, through config space. */
    uint8_t c = F.cfg_cap;
    assert_int_not_equal(c, 0);
    cfg_wr(c + 4, 1, 4);                /* bar */
    cfg_wr(c + 8, 4, 0x0004);           /* offset: device_feature */
    cfg_wr(c + 12, 4, 4);               /* length */
    assert_int_equal(cfg_rd(c + 16, 4), virtio_read_host_features(&F.t->vdev, 0));
    cfg_wr(c + 8, 4, 0x0014);           /* device_status */
    cfg_wr(c + 12, 4, 1);
    cfg_wr(c + 16, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    assert_int_equal(F.t->vdev.status, VIRTIO_STATUS_ACKNOWLEDGE);
    cfg_wr(c + 8, 4, 0x2004);           /* device config: counter */
    cfg_wr(c + 12, 4, 4);
    assert_int_equal(cfg_rd(c + 16, 4), 0x11223344);
    /* The ISR through it reads and clears too. */
    F.t->vdev.isr = VIRTIO_ISR_CONFIG;
    cfg_wr(c + 8, 4, 0x1000);
    cfg_wr(c + 12, 4, 1);
    assert_int_equal(cfg_rd(c + 16, 1), VIRTIO_ISR_CONFIG);
    assert_int_equal(F.t->vdev.isr, 0);
    /* Bad windows are refused. */
    cfg_wr(c + 4, 1, 0);
    assert_int_equal(cfg_rd(c + 16, 4), 0);
    assert_true(logcap_has("names no virtio structure"));
    cfg_wr(c + 4, 1, 4);
    cfg_wr(c + 8, 4, 0x0003);
    cfg_wr(c + 12, 4, 2);
    cfg_rd(c + 16, 2);
    assert_true(logcap_has("names no virtio structure"));
}

static void test_legacy_io(void **state)
{
    mk("virtio-test-pci", NULL);
    hwaddr io = PIO + BAR0_IO;
    uint32_t hf = (uint32_t)mrd(io + 0, 4);
    assert_true(hf & VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT));
    assert_true(hf & VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY));
    assert_true(hf & VIRTIO_BIT(TDEV_F_A));
    /* A legacy driver: status, features, queue, no FEATURES_OK. */
    mwr(io + 18, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    mwr(io + 4, 4, VIRTIO_BIT(TDEV_F_A));
    assert_int_equal(F.t->features, VIRTIO_BIT(TDEV_F_A));
    assert_int_equal(mrd(io + 4, 4), VIRTIO_BIT(TDEV_F_A));
    mwr(io + 14, 2, 0);
    assert_int_equal(mrd(io + 12, 2), 16);
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    mwr(io + 8, 4, RING0 >> 12);
    assert_int_equal(mrd(io + 8, 4), RING0 >> 12);
    mwr(io + 18, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
    gw(BUF, "legacy", 7);
    tvq_add(&q, (TSeg[]){{BUF, 7, false}, {BUF + 0x100, 16, true}}, 2);
    mwr(io + 16, 2, 0);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(len, 7);
    int line = 1;
    assert_int_equal(F.intx_level[line], 1);
    assert_int_equal(mrd(io + 19, 1), VIRTIO_ISR_QUEUE);
    assert_int_equal(F.intx_level[line], 0);
    /* Config at 20 while MSI-X is off... */
    F.t->counter = 0xa5a5a5a5;
    assert_int_equal(mrd(io + 20 + 4, 4), 0xa5a5a5a5);
    /* ...and at 24 once it is on, with the vectors at 20 and 22. */
    msix_setup(3);
    assert_int_equal(mrd(io + 24 + 4, 4), 0xa5a5a5a5);
    mwr(io + 20, 2, 2);
    mwr(io + 22, 2, 1);
    assert_int_equal(mrd(io + 20, 2), 2);
    assert_int_equal(mrd(io + 22, 2), 1);
    tvq_add(&q, (TSeg[]){{BUF, 7, false}, {BUF + 0x100, 16, true}}, 2);
    mwr(io + 16, 2, 0);
    assert_int_equal(F.nmsgs, 1);
    assert_int_equal(F.msgs[0].data, 1);
    /* Legacy interface: bits 32 up are not visible nor acknowledged. */
    assert_false(F.t->vdev.guest_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
    /* PFN 0: the queue is no longer used. */
    mwr(io + 8, 4, 0);
    assert_int_equal(mrd(io + 8, 4), 0);
    /* Reset through the legacy status. */
    mwr(io + 18, 1, 0);
    assert_int_equal(mrd(io + 18, 1), 0);
    assert_int_equal(mrd(io + 4, 4), 0);
    /* A header field at the wrong width. */
    mwr(io + 18, 2, 1);
    assert_true(logcap_has("legacy header"));
}

static void test_bus_master(void **state)
{
    mk("virtio-test-pci-non-transitional", NULL);
    assert_true(modern_negotiate(features_std()));
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, VIRTIO_NO_VECTOR);
    modern_ok();
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    assert_true(logcap_has("Bus Master Enable cleared"));
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    modern_kick(&q);
    assert_int_equal(tvq_used_idx(&q), 0);
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    modern_kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
}

static void test_pci_reset(void **state)
{
    mk("virtio-test-pci-non-transitional", NULL);
    assert_true(modern_negotiate(features_std()));
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, 1);
    modern_ok();
    device_reset_all();
    assert_int_equal(cfg_rd(PCI_COMMAND, 2), 0);
    assert_int_equal(F.t->vdev.status, 0);
    assert_true(F.t->vdev.dma_disabled);
    assert_int_equal(virtio_queue_vector(F.t->echo), VIRTIO_NO_VECTOR);
    assert_false(virtio_queue_enabled(F.t->echo));
}

static void test_hostile_pci(void **state)
{
    /* An error with MSI-X: the config vector tells the driver. */
    mk("virtio-test-pci-non-transitional", NULL);
    assert_true(modern_negotiate(features_std()));
    msix_setup(3);
    cc_wr(CC_MSIX, 2, 2);
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    modern_queue(&q, 1);
    modern_ok();
    tdesc(q.desc, 0, BUF, 4, VRING_DESC_F_NEXT, 0);
    tvq_expose(&q, 0);
    modern_kick(&q);
    assert_true(cc_rd(CC_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(F.nmsgs, 1);
    assert_int_equal(F.msgs[0].data, 2);
    assert_true(logcap_has("loops"));
    /* Notifications at addresses that are not a queue's. */
    mwr(F.notify + 2, 2, 0);
    assert_true(logcap_has("not a queue's address"));
    mwr(F.notify + 4 * 100, 2, 100);
    assert_true(logcap_has("queue 100"));
}

static void test_virtio_rng_pci(void **state)
{
    mk("virtio-rng-pci-non-transitional", NULL);
    assert_int_equal(cfg_rd(F.msix_cap + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE, 1); /* 2 */
    assert_true(modern_negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1)));
    TVq q;
    tvq_init(&q, 0, 8, RING0, false);
    modern_queue(&q, VIRTIO_NO_VECTOR);
    modern_ok();
    tvq_add(&q, (TSeg[]){{BUF, 100, true}}, 1);
    modern_kick(&q);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(len, 100);
}

static int setup(void **state)
{
    logcap_start();
    return 0;
}

static int teardown(void **state)
{
    logcap_stop();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_and_layout),
        cmocka_unit_test(test_modern_echo_msix),
        cmocka_unit_test(test_intx_isr),
        cmocka_unit_test(test_device_config_and_cfg_cap),
        cmocka_unit_test(test_legacy_io),
        cmocka_unit_test(test_bus_master),
        cmocka_unit_test(test_pci_reset),
        cmocka_unit_test(test_hostile_pci),
        cmocka_unit_test(test_virtio_rng_pci),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
