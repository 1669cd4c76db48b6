/*
 * test_pci.c — devices/pci: configuration space masks, BAR sizing (32/64-bit
 * memory, I/O) and mapping only with decode enabled, a BAR moved over RAM
 * and back, the capability list, MSI and MSI-X delivery through a fake sink
 * (masking and pending bits), the INTx swizzle and wired-OR, bus-master
 * gating of DMA and MSI, slot assignment, the generic host's ECAM (absent
 * functions, buses beyond the window) and windows, `info pci`.
 */
#include "tests/unit/test.h"

#include "core/machine.h"
#include "devices/intc/gicv2.h"
#include "devices/intc/gicv2m.h"
#include "devices/intc/gicv3-its.h"
#include "devices/pci/gpex.h"
#include "tests/unit/logcap.h"

/* ---- a PCI device for the tests ---------------------------------------- */

typedef struct TestPci {
    PCIDevice pci;
    MemoryRegion *bar0, *bar2, *bar4;
    uint32_t regs[64];
    int writes;
} TestPci;

static uint64_t tp_read(void *opaque, hwaddr off, unsigned size)
{
    TestPci *t = opaque;
    return off / 4 < 64 ? t->regs[off / 4] : 0;
}

static void tp_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    TestPci *t = opaque;
    t->writes++;
    if (off / 4 < 64)
        t->regs[off / 4] = (uint32_t)v;
}

static const MemOps tp_ops = {.read = tp_read, .write = tp_write, .min_size = 4, .max_size = 4};

static int tp_realize(Device *dev, Error **errp)
{
    TestPci *t = (TestPci *)dev;
    PCIDevice *d = &t->pci;
    pci_set_ids(d, 0x1af4, 0x10f0, 0x0200, 3);
    pci_set_subsystem(d, 0x1af4, 0x1100);
    pci_set_interrupt_pin(d, 1);
    t->bar0 = mr_new_mmio("tp-bar0", 0x1000, &tp_ops, t);
    t->bar2 = mr_new_mmio("tp-bar2", 0x3000, &tp_ops, t);   /* rounds up to 16 KiB */
    t->bar4 = mr_new_mmio("tp-bar4", 0x20, &tp_ops, t);
    pci_register_bar(d, 0, PCI_BAR_MEM32, t->bar0);
    pci_register_bar(d, 2, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, t->bar2);
    pci_register_bar(d, 4, PCI_BAR_IO, t->bar4);
    if (msi_init(d, 0, 4, true, true, errp) < 0)
        return -1;
    if (msix_init_exclusive_bar(d, 8, 5, errp) < 0)
        return -1;
    return 0;
}

DEVICE_TYPE(test_pci_type,
    .name = "test-pci",
    .parent = &pci_device_type,
    .category = "misc",
    .instance_size = sizeof(TestPci),
    .user_creatable = true,
    .realize = tp_realize)

static int bad_realize(Device *dev, Error **errp)
{
    error_setg(errp, "bad-pci: refuses to realize");
    return -1;
}

DEVICE_TYPE(bad_pci_type,
    .name = "bad-pci",
    .parent = &pci_device_type,
    .instance_size = sizeof(PCIDevice),
    .realize = bad_realize)

/* ---- fixture: a machine with RAM and a generic host ------------------- */

#define ECAM   0x30000000ull
#define MMIO   0x10000000ull
#define PIO    0x3eff0000ull
#define HIGH   0x8000000000ull
#define RAM    0x40000000ull

typedef struct Sent { uint64_t addr; uint32_t data, rid; } Sent;

static struct {
    Machine m;
    MemoryRegion *ram;
    Gpex *gpex;
    IRQ *intx;
    int intx_level[4];
    Sent sent[32];
    int nsent;
} T;

static void intx_handler(void *opaque, int n, int level)
{
    T.intx_level[n] = level;
}

static bool sink(void *opaque, uint64_t addr, uint32_t data, uint32_t rid)
{
    if (addr < 0x08000000 || addr >= 0x09000000)
        return false;   /* not ours: the core writes it to memory */
    if (T.nsent < 32)
        T.sent[T.nsent] = (Sent){addr, data, rid};
    T.nsent++;
    return true;
}

static int setup(void **state)
{
    memset(&T, 0, sizeof(T));
    Error *err = NULL;
    T.m.sysmem = mr_new_container("system", UINT64_MAX);
    T.m.as = as_new("memory", T.m.sysmem);
    T.ram = mr_new_ram("ram", 16 * MiB, &err);
    mr_add_subregion(T.m.sysmem, RAM, T.ram, 0);
    T.intx = irq_new(intx_handler, NULL, 4);
    IRQ *lines[4] = {&T.intx[0], &T.intx[1], &T.intx[2], &T.intx[3]};
    GpexConfig cfg = {
        .ecam_base = ECAM, .ecam_size = 16 * MiB,
        .mmio_base = MMIO, .mmio_size = 0x10000000,
        .mmio_high_base = HIGH, .mmio_high_size = 4 * GiB,
        .pio_base = PIO, .pio_size = 64 * KiB,
        .msi_sink = sink,
    };
    T.gpex = gpex_create(&T.m, &cfg, lines, &err);
    if (!T.gpex)
        fail_msg("%s", error_get_msg(err));
    logcap_start();
    return 0;
}

/* Each fixture's machine stays reachable (its buses and devices are on
 * the global lists for the rest of the program). */
static void *kept[256];
static int nkept;

static int teardown(void **state)
{
    logcap_stop();
    kept[nkept++ % 256] = T.m.sysmem;
    kept[nkept++ % 256] = T.m.as;
    kept[nkept++ % 256] = T.intx;
    /* Devices and buses stay on the global lists; detach the host's lines
     * and memory from this fixture. */
    for (int i = 0; i < 4; i++)
        T.gpex->bus->irqs[i] = NULL;
    T.gpex->bus->dma_as = NULL;
    return 0;
}

static uint32_t cfg_rd(int devfn, uint32_t reg, unsigned size)
{
    uint64_t v = 0;
    as_read_uint(T.m.as, ECAM + ((uint64_t)devfn << 12) + reg, size, &v);
    return (uint32_t)v;
}

static void cfg_wr(int devfn, uint32_t reg, unsigned size, uint32_t v)
{
    assert_int_equal(as_write_uint(T.m.as, ECAM + ((uint64_t)devfn << 12) + reg, size, v),
                     MEMTX_OK);
}

static TestPci *add_dev(int devfn)
{
    Error *err = NULL;
    PCIDevice *d = pci_create_simple(T.gpex->bus, "test-pci", devfn, &err);
    if (!d)
        fail_msg("%s", error_get_msg(err));
    return (TestPci *)d;
}

static uint64_t rd(hwaddr a, unsigned size, MemTxResult *res)
{
    uint64_t v = 0;
    MemTxResult r = as_read_uint(T.m.as, a, size, &v);
    if (res)
        *res = r;
    return v;
}

/* ---- tests --------------------------------------------------------------- */

static void test_ecam_and_host_bridge(void **state)
{
    assert_int_equal(cfg_rd(0, 0, 4), GPEX_ROOT_DEVICE << 16 | GPEX_ROOT_VENDOR);
    assert_int_equal(cfg_rd(0, 0x0a, 2), 0x0600);
    /* Absent functions read all ones at every size; writes vanish. */
    assert_int_equal(cfg_rd(PCI_DEVFN(7, 0), 0, 4), 0xffffffff);
    assert_int_equal(cfg_rd(PCI_DEVFN(7, 0), 0, 2), 0xffff);
    assert_int_equal(cfg_rd(PCI_DEVFN(0, 3), 0x0e, 1), 0xff);
    cfg_wr(PCI_DEVFN(7, 0), 4, 4, 7);
    /* Another bus inside the window: nothing there. */
    assert_int_equal(cfg_rd(1 << 8, 0, 4), 0xffffffff);
    assert_int_equal(cfg_rd(15 << 8, 0, 4), 0xffffffff);
    /* Beyond the window (16 buses): not decoded at all. */
    MemTxResult r;
    assert_int_equal(rd(ECAM + (16ull << 20), 4, &r), 0);
    assert_int_equal(r, MEMTX_DECODE_ERROR);
    /* A device appears where it was put. */
    add_dev(PCI_DEVFN(2, 0));
    assert_int_equal(cfg_rd(PCI_DEVFN(2, 0), 0, 4), 0x10f01af4);
    assert_int_equal(cfg_rd(PCI_DEVFN(2, 0), 0x08, 4), 0x02000003);
    assert_int_equal(cfg_rd(PCI_DEVFN(2, 0), 0x2c, 4), 0x11001af4);
    assert_int_equal(cfg_rd(PCI_DEVFN(2, 0), 0x3d, 1), 1);
    /* Conventional function on PCIe: extended space reads 0. */
    assert_int_equal(cfg_rd(PCI_DEVFN(2, 0), 0x100, 4), 0);
    /* Unaligned access is split by the bus into aligned pieces. */
    assert_int_equal(cfg_rd(PCI_DEVFN(2, 0), 1, 2), 0xf01a);
}

static void test_config_masks(void **state)
{
    add_dev(PCI_DEVFN(3, 0));
    int df = PCI_DEVFN(3, 0);
    cfg_wr(df, 0, 4, 0x12345678);                 /* IDs are read-only */
    assert_int_equal(cfg_rd(df, 0, 4), 0x10f01af4);
    cfg_wr(df, 4, 2, 0xffff);                     /* only the defined command bits */
    assert_int_equal(cfg_rd(df, 4, 2), 0x0547);
    cfg_wr(df, 4, 2, 0);
    cfg_wr(df, 0x3c, 1, 0x2a);                    /* interrupt line: RW */
    assert_int_equal(cfg_rd(df, 0x3c, 1), 0x2a);
    cfg_wr(df, 0x3d, 1, 3);                       /* pin: RO */
    assert_int_equal(cfg_rd(df, 0x3d, 1), 1);
    cfg_wr(df, 0x34, 1, 0);                       /* capability pointer: RO */
    assert_int_not_equal(cfg_rd(df, 0x34, 1), 0);
    /* Status: capability list set, RW1C error bits. */
    assert_true(cfg_rd(df, 6, 2) & PCI_STATUS_CAP_LIST);
    PCIDevice *d = pci_find_device(T.gpex->bus, 0, df);
    d->config[PCI_STATUS + 1] |= 0x20;            /* received master abort */
    cfg_wr(df, 6, 2, 0x0010);                     /* writing 0s and RO bits: no change */
    assert_true(cfg_rd(df, 6, 2) & 0x2000);
    cfg_wr(df, 6, 2, 0x2000);
    assert_false(cfg_rd(df, 6, 2) & 0x2000);
    assert_true(cfg_rd(df, 6, 2) & PCI_STATUS_CAP_LIST);
}

static void test_bar_sizing(void **state)
{
    add_dev(PCI_DEVFN(4, 0));
    int df = PCI_DEVFN(4, 0);
    assert_int_equal(cfg_rd(df, 0x10, 4), 0);
    cfg_wr(df, 0x10, 4, 0xffffffff);
    assert_int_equal(cfg_rd(df, 0x10, 4), 0xfffff000);        /* 4 KiB, mem32 */
    cfg_wr(df, 0x18, 4, 0xffffffff);
    cfg_wr(df, 0x1c, 4, 0xffffffff);
    assert_int_equal(cfg_rd(df, 0x18, 4), 0xffffc00c);        /* 16 KiB, 64-bit, prefetch */
    assert_int_equal(cfg_rd(df, 0x1c, 4), 0xffffffff);
    cfg_wr(df, 0x20, 4, 0xffffffff);
    assert_int_equal(cfg_rd(df, 0x20, 4), 0xffffffe1);        /* 32 bytes of I/O */
    assert_int_equal(cfg_rd(df, 0x24, 4) & 0xf, 0);           /* MSI-X BAR, mem32 */
    cfg_wr(df, 0x14, 4, 0xffffffff);
    assert_int_equal(cfg_rd(df, 0x14, 4), 0);                 /* BAR1 unimplemented */
    /* Decode stays off while sizing with memory enabled: the all-ones
     * pattern is not an address. */
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    PCIDevice *d = pci_find_device(T.gpex->bus, 0, df);
    assert_true(pci_bar_addr(d, 0) == PCI_BAR_UNMAPPED);
    assert_true(pci_bar_addr(d, 2) == PCI_BAR_UNMAPPED);
    assert_true(pci_bar_addr(d, 4) == PCI_BAR_UNMAPPED);
}

static void test_bar_mapping(void **state)
{
    TestPci *t = add_dev(PCI_DEVFN(5, 0));
    int df = PCI_DEVFN(5, 0);
    PCIDevice *d = &t->pci;
    MemTxResult r;
    t->regs[1] = 0xcafe;
    cfg_wr(df, 0x10, 4, 0x10100000);
    cfg_wr(df, 0x18, 4, 0x00000000);
    cfg_wr(df, 0x1c, 4, 0x00000080);                          /* 0x80_0000_0000 */
    cfg_wr(df, 0x20, 4, 0x1000);
    /* Not decoded until enabled. */
    rd(MMIO + 0x100004, 4, &r);
    assert_int_equal(r, MEMTX_DECODE_ERROR);
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY);
    assert_int_equal(rd(0x10100004, 4, &r), 0xcafe);
    assert_int_equal(r, MEMTX_OK);
    assert_int_equal(pci_bar_addr(d, 2), HIGH);
    assert_int_equal(rd(HIGH + 4, 4, &r), 0xcafe);           /* through the high window */
    rd(PIO + 0x1004, 4, &r);
    assert_int_equal(r, MEMTX_DECODE_ERROR);                  /* I/O still off */
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    assert_int_equal(rd(PIO + 0x1004, 4, &r), 0xcafe);
    /* Moving a BAR while decoding. */
    cfg_wr(df, 0x10, 4, 0x10200000);
    rd(0x10100004, 4, &r);
    assert_int_equal(r, MEMTX_DECODE_ERROR);
    assert_int_equal(rd(0x10200004, 4, &r), 0xcafe);
    /* Disabled: gone. */
    cfg_wr(df, 4, 2, 0);
    rd(0x10200004, 4, &r);
    assert_int_equal(r, MEMTX_DECODE_ERROR);
    assert_true(pci_bar_addr(d, 0) == PCI_BAR_UNMAPPED);
    /* Address 0 is not a mapping... */
    cfg_wr(df, 0x10, 4, 0);
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY);
    assert_true(pci_bar_addr(d, 0) == PCI_BAR_UNMAPPED);
    /* ... unless the bus allows it (virt's: UEFI puts I/O BARs at 0). */
    T.gpex->bus->allow_zero_address = true;
    cfg_wr(df, 0x20, 4, 0);
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    assert_int_equal(pci_bar_addr(d, 0), 0);
    assert_int_equal(pci_bar_addr(d, 4), 0);
    assert_int_equal(rd(PIO + 4, 4, &r), 0xcafe);
    assert_int_equal(r, MEMTX_OK);
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY);
    T.gpex->bus->allow_zero_address = false;
    /* A 32-bit BAR cannot reach past 4 GiB; a 64-bit BAR that would wrap
     * the address space is not mapped. */
    cfg_wr(df, 0x18, 4, 0xffffc000);
    cfg_wr(df, 0x1c, 4, 0xfffffffe);
    assert_int_equal(pci_bar_addr(d, 2), 0xfffffffeffffc000ull);
    /* Reset unmaps everything and clears the BARs. */
    device_reset_all();
    assert_int_equal(cfg_rd(df, 4, 2), 0);
    assert_int_equal(cfg_rd(df, 0x18, 4), 0x0c);
    assert_true(pci_bar_addr(d, 2) == PCI_BAR_UNMAPPED);
}

static void test_bar_over_ram(void **state)
{
    /* A bus whose memory space is the system memory (as on a PC): a BAR
     * placed over RAM hides it while mapped and gives it back after. */
    Error *err = NULL;
    PCIBus *b = pci_bus_new(NULL, "pci-over-ram", false, T.m.sysmem, NULL, T.m.as, NULL,
                            NULL, 0);
    TestPci *t = (TestPci *)pci_create_simple(b, "test-pci", PCI_DEVFN(1, 0), &err);
    assert_non_null(t);
    uint8_t *ram = mr_ram_ptr(T.ram);
    memcpy(ram + 0x2000, "\x11\x22\x33\x44", 4);
    t->regs[0] = 0xb0b0b0b0;
    PCIDevice *d = &t->pci;
    pci_config_write(d, 0x10, RAM + 0x2000, 4);
    pci_config_write(d, 4, PCI_COMMAND_MEMORY, 2);
    assert_int_equal(rd(RAM + 0x2000, 4, NULL), 0xb0b0b0b0);
    /* RAM next to the BAR is still RAM. */
    assert_int_equal(rd(RAM + 0x1ffc, 4, NULL), 0);
    pci_config_write(d, 0x10, 0x20000000, 4);               /* moved away */
    assert_int_equal(rd(RAM + 0x2000, 4, NULL), 0x44332211);
    pci_config_write(d, 0x10, RAM + 0x2000, 4);             /* and back */
    assert_int_equal(rd(RAM + 0x2000, 4, NULL), 0xb0b0b0b0);
    pci_config_write(d, 4, 0, 2);
    assert_int_equal(rd(RAM + 0x2000, 4, NULL), 0x44332211);
    assert_memory_equal(ram + 0x2000, "\x11\x22\x33\x44", 4);
}

static void test_capabilities(void **state)
{
    TestPci *t = add_dev(PCI_DEVFN(6, 0));
    int df = PCI_DEVFN(6, 0);
    /* Walk the list through config reads, as Linux does. */
    uint8_t ids[8];
    int n = 0;
    for (uint8_t p = (uint8_t)cfg_rd(df, 0x34, 1); p && n < 8; p = (uint8_t)cfg_rd(df, p + 1, 1)) {
        assert_true(p >= 0x40 && !(p & 3));
        ids[n++] = (uint8_t)cfg_rd(df, p, 1);
    }
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], PCI_CAP_ID_MSIX);   /* last added is first */
    assert_int_equal(ids[1], PCI_CAP_ID_MSI);
    PCIDevice *d = &t->pci;
    assert_int_equal(pci_find_capability(d, PCI_CAP_ID_MSI), cfg_rd(df, cfg_rd(df, 0x34, 1) + 1, 1));
    assert_int_equal(pci_find_capability(d, PCI_CAP_ID_VNDR), 0);
    Error *err = NULL;
    int msi = pci_find_capability(d, PCI_CAP_ID_MSI);
    assert_int_equal(pci_add_capability(d, PCI_CAP_ID_VNDR, (uint8_t)msi, 8, &err), -1);
    assert_contains(error_get_msg(err), "overlaps");
    error_free(err);
    err = NULL;
    int v = pci_add_capability(d, PCI_CAP_ID_VNDR, 0, 8, &err);
    assert_true(v >= 0x40);
    assert_int_equal(cfg_rd(df, 0x34, 1), v);
    /* PCI Express capability and extended capabilities. */
    int e = pcie_cap_init(d, 0, PCI_EXP_TYPE_RC_END, &err);
    assert_true(e > 0);
    assert_int_equal(cfg_rd(df, e + 2, 2) >> 4 & 0xf, PCI_EXP_TYPE_RC_END);
    assert_int_equal(pcie_add_ext_capability(d, 0x0b, 1, 0x140, 8, &err), -1);
    assert_contains(error_get_msg(err), "0x100");
    error_free(err);
    err = NULL;
    assert_int_equal(pcie_add_ext_capability(d, 0x0b, 1, 0x100, 8, &err), 0x100);
    assert_int_equal(pcie_add_ext_capability(d, 0x0d, 1, 0x140, 8, &err), 0x140);
    assert_int_equal(cfg_rd(df, 0x100, 4), 0x0b | 1u << 16 | 0x140u << 20);
    assert_int_equal(cfg_rd(df, 0x140, 4), 0x0d | 1u << 16);
}

static void enable_master(int df)
{
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void test_msi(void **state)
{
    TestPci *t = add_dev(PCI_DEVFN(8, 0));
    int df = PCI_DEVFN(8, 0);
    PCIDevice *d = &t->pci;
    int c = pci_find_capability(d, PCI_CAP_ID_MSI);
    uint16_t flags = (uint16_t)cfg_rd(df, c + 2, 2);
    assert_int_equal(flags, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT | 2 << 1);
    cfg_wr(df, c + 4, 4, 0x08090043);      /* low bits are RO 0 */
    assert_int_equal(cfg_rd(df, c + 4, 4), 0x08090040);
    cfg_wr(df, c + 8, 4, 0);
    cfg_wr(df, c + 12, 2, 0x60);
    /* Not enabled: nothing. */
    msi_notify(d, 0);
    assert_int_equal(T.nsent, 0);
    cfg_wr(df, c + 2, 2, PCI_MSI_FLAGS_ENABLE | 2 << 4);   /* 4 vectors */
    assert_int_equal(msi_nr_vectors_allocated(d), 4);
    /* Bus mastering off: dropped. */
    msi_notify(d, 2);
    assert_int_equal(T.nsent, 0);
    assert_true(logcap_has("bus mastering is off"));
    enable_master(df);
    msi_notify(d, 2);
    assert_int_equal(T.nsent, 1);
    assert_int_equal(T.sent[0].addr, 0x08090040);
    assert_int_equal(T.sent[0].data, 0x62);
    assert_int_equal(T.sent[0].rid, PCI_DEVFN(8, 0));
    msi_notify(d, 4);                      /* beyond the enabled 4 */
    assert_int_equal(T.nsent, 1);
    /* Masked: pending bit, then delivered on unmask. */
    cfg_wr(df, c + 0x10, 4, 1u << 1);
    msi_notify(d, 1);
    assert_int_equal(T.nsent, 1);
    assert_int_equal(cfg_rd(df, c + 0x14, 4), 1u << 1);
    cfg_wr(df, c + 0x14, 4, 0);            /* pending bits are RO */
    assert_int_equal(cfg_rd(df, c + 0x14, 4), 1u << 1);
    cfg_wr(df, c + 0x10, 4, 0);
    assert_int_equal(T.nsent, 2);
    assert_int_equal(T.sent[1].data, 0x61);
    assert_int_equal(cfg_rd(df, c + 0x14, 4), 0);
    /* Mask bits beyond the vector count are RO. */
    cfg_wr(df, c + 0x10, 4, 0xffffffff);
    assert_int_equal(cfg_rd(df, c + 0x10, 4), 0xf);
    /* An address no sink claims is a memory write: here, into RAM. */
    cfg_wr(df, c + 0x10, 4, 0);
    cfg_wr(df, c + 4, 4, (uint32_t)RAM + 0x100);
    msi_notify(d, 3);
    assert_int_equal(rd(RAM + 0x100, 4, NULL), 0x63);
    /* Nowhere at all: logged. */
    cfg_wr(df, c + 4, 4, 0x01000000);
    msi_notify(d, 0);
    assert_true(logcap_has("went nowhere"));
}

static uint64_t msix_bar_base(int df)
{
    cfg_wr(df, 0x24, 4, 0x10400000);
    return 0x10400000;
}

static void test_msix(void **state)
{
    TestPci *t = add_dev(PCI_DEVFN(9, 0));
    int df = PCI_DEVFN(9, 0);
    PCIDevice *d = &t->pci;
    int c = pci_find_capability(d, PCI_CAP_ID_MSIX);
    assert_int_equal(cfg_rd(df, c + 2, 2), 7);                 /* table size 8 */
    assert_int_equal(cfg_rd(df, c + 4, 4), 5);                 /* table: BAR5 + 0 */
    assert_int_equal(cfg_rd(df, c + 8, 4), 0x1000 | 5);        /* PBA: BAR5 + 4K */
    uint64_t bar = msix_bar_base(df);
    enable_master(df);
    /* Entries start masked. */
    assert_int_equal(rd(bar + 3 * 16 + 12, 4, NULL), 1);
    as_write_uint(T.m.as, bar + 3 * 16 + 0, 4, 0x08090040);
    as_write_uint(T.m.as, bar + 3 * 16 + 4, 4, 0);
    as_write_uint(T.m.as, bar + 3 * 16 + 8, 4, 0x1234);
    assert_int_equal(rd(bar + 3 * 16 + 8, 4, NULL), 0x1234);
    /* Disabled: nothing, not even pending. */
    msix_notify(d, 3);
    assert_int_equal(T.nsent, 0);
    cfg_wr(df, c + 2, 2, PCI_MSIX_FLAGS_ENABLE);
    assert_true(msix_enabled(d));
    msix_notify(d, 3);                                         /* masked */
    assert_int_equal(T.nsent, 0);
    assert_int_equal(rd(bar + 0x1000, 8, NULL), 1u << 3);      /* PBA */
    as_write_uint(T.m.as, bar + 3 * 16 + 12, 4, 0);            /* unmask */
    assert_int_equal(T.nsent, 1);
    assert_int_equal(T.sent[0].data, 0x1234);
    assert_int_equal(T.sent[0].rid, PCI_DEVFN(9, 0));
    assert_int_equal(rd(bar + 0x1000, 8, NULL), 0);
    msix_notify(d, 3);
    assert_int_equal(T.nsent, 2);
    /* Function mask holds everything; clearing it delivers. */
    cfg_wr(df, c + 2, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    assert_true(msix_is_masked(d, 3));
    msix_notify(d, 3);
    assert_int_equal(T.nsent, 2);
    cfg_wr(df, c + 2, 2, PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(T.nsent, 3);
    /* The table size is read-only, the PBA too; bad vectors are logged. */
    cfg_wr(df, c + 2, 2, PCI_MSIX_FLAGS_ENABLE | 0x3ff);
    assert_int_equal(cfg_rd(df, c + 2, 2), PCI_MSIX_FLAGS_ENABLE | 7);
    as_write_uint(T.m.as, bar + 0x1000, 4, 0xff);
    assert_true(logcap_has("read-only MSI-X PBA"));
    msix_notify(d, 8);
    assert_true(logcap_has("beyond the table"));
    /* Reset: disabled, entries masked again. */
    device_reset_all();
    assert_false(msix_enabled(d));
    assert_true(msix_is_masked(d, 3));
}

static void test_intx_swizzle(void **state)
{
    TestPci *a = add_dev(PCI_DEVFN(10, 0));   /* (10 + 0) % 4 = 2 */
    TestPci *b = add_dev(PCI_DEVFN(14, 0));   /* (14 + 0) % 4 = 2 */
    TestPci *c = add_dev(PCI_DEVFN(11, 0));   /* 3 */
    c->pci.config[PCI_INTERRUPT_PIN] = 2;      /* INTB: (11 + 1) % 4 = 0 */
    pci_set_irq(&a->pci, 1);
    assert_int_equal(T.intx_level[2], 1);
    assert_true(cfg_rd(PCI_DEVFN(10, 0), 6, 2) & PCI_STATUS_INTERRUPT);
    pci_set_irq(&b->pci, 1);
    pci_set_irq(&a->pci, 0);
    assert_int_equal(T.intx_level[2], 1);       /* wired-OR: b still asserts */
    pci_set_irq(&b->pci, 0);
    assert_int_equal(T.intx_level[2], 0);
    pci_set_irq(&c->pci, 1);
    assert_int_equal(T.intx_level[0], 1);
    /* INTx Disable masks the line, not the status bit. */
    cfg_wr(PCI_DEVFN(11, 0), 4, 2, PCI_COMMAND_INTX_DISABLE);
    assert_int_equal(T.intx_level[0], 0);
    assert_true(cfg_rd(PCI_DEVFN(11, 0), 6, 2) & PCI_STATUS_INTERRUPT);
    cfg_wr(PCI_DEVFN(11, 0), 4, 2, 0);
    assert_int_equal(T.intx_level[0], 1);
    pci_set_irq(&c->pci, 0);
    assert_int_equal(T.intx_level[0], 0);
    assert_int_equal(gpex_swizzle(&c->pci, 3), (11 + 3) % 4);
}

static void test_dma_gating(void **state)
{
    TestPci *t = add_dev(PCI_DEVFN(12, 0));
    int df = PCI_DEVFN(12, 0);
    PCIDevice *d = &t->pci;
    uint8_t *ram = mr_ram_ptr(T.ram);
    uint32_t v = 0xabcdef01, back = 0;
    assert_int_equal(pci_dma_write(d, RAM + 0x500, &v, 4), -1);
    assert_true(logcap_has("bus mastering is off"));
    assert_int_equal(ram[0x500], 0);
    enable_master(df);
    assert_int_equal(pci_dma_write(d, RAM + 0x500, &v, 4), 0);
    assert_int_equal(pci_dma_read(d, RAM + 0x500, &back, 4), 0);
    assert_int_equal(back, v);
    /* Outside RAM (and straddling its end): refused, master abort. */
    assert_int_equal(pci_dma_read(d, RAM + 16 * MiB - 2, &back, 4), -1);
    assert_int_equal(pci_dma_write(d, 0x10000000, &v, 4), -1);
    assert_true(logcap_has("not all RAM"));
    assert_true(cfg_rd(df, 6, 2) & PCI_STATUS_RCV_MASTER_ABORT);
    cfg_wr(df, 4, 2, PCI_COMMAND_MEMORY);
    assert_int_equal(pci_dma_read(d, RAM + 0x500, &back, 4), -1);
}

static void test_slots_and_info(void **state)
{
    Error *err = NULL;
    /* Auto: first free slot (00.0 is the host bridge). */
    PCIDevice *d = pci_create_simple(T.gpex->bus, "test-pci", -1, &err);
    assert_non_null(d);
    assert_int_equal(d->devfn, PCI_DEVFN(1, 0));
    assert_null(pci_create_simple(T.gpex->bus, "test-pci", PCI_DEVFN(1, 0), &err));
    assert_contains(error_get_msg(err), "already in use");
    error_free(err);
    err = NULL;
    assert_null(pci_create_simple(T.gpex->bus, "test-pci", PCI_DEVFN(1, 2), &err));
    assert_contains(error_get_msg(err), "multifunction=on");
    error_free(err);
    err = NULL;
    /* Multifunction slot. */
    Device *f0 = device_new("test-pci", &err);
    assert_int_equal(device_set_prop(f0, "addr", "1f.0", &err), 0);
    assert_int_equal(device_set_prop(f0, "multifunction", "on", &err), 0);
    assert_int_equal(device_realize(f0, T.gpex->bus->bus, &err), 0);
    assert_non_null(pci_create_simple(T.gpex->bus, "test-pci", PCI_DEVFN(31, 3), &err));
    assert_int_equal(cfg_rd(PCI_DEVFN(31, 0), 0x0e, 1), 0x80);
    /* A failed realize gives its slot back. */
    assert_null(pci_create_simple(T.gpex->bus, "bad-pci", PCI_DEVFN(20, 0), &err));
    assert_contains(error_get_msg(err), "refuses");
    error_free(err);
    err = NULL;
    assert_null(pci_find_device(T.gpex->bus, 0, PCI_DEVFN(20, 0)));
    assert_non_null(pci_create_simple(T.gpex->bus, "test-pci", PCI_DEVFN(20, 0), &err));
    /* Not a PCI device. */
    assert_null(pci_create_simple(T.gpex->bus, "gpex-pcihost", -1, &err));
    error_free(err);
    /* info pci. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pci_print_info(f);
    fclose(f);
    assert_contains(buf, "Bus  0, device   0, function 0:");
    assert_contains(buf, "Host bridge: PCI device 1b36:0008");
    assert_contains(buf, "Ethernet controller: PCI device 1af4:10f0");
    assert_contains(buf, "IRQ 0, pin A");
    assert_contains(buf, "BAR2: 64 bit prefetchable memory at");
    assert_contains(buf, "MSI-X: 8 vectors");
    free(buf);
}

/* End to end: a function's MSI-X goes through the host bridge's sink to a
 * GICv3 ITS (DeviceID = requester ID) and becomes an LPI; its MSI goes to a
 * GICv2m frame as a plain memory write and becomes an SPI. */
static void test_msi_end_to_end(void **state)
{
    Error *err = NULL;
    GICv3Config gc = {.num_cpu = 2, .num_irq = 64, .lpis = true, .dma_as = T.m.as};
    GICv3 *gic = gicv3_create(&gc, &err);
    assert_non_null(gic);
    mr_add_subregion(T.m.sysmem, 0x08000000, gic->dist_mr, 0);
    mr_add_subregion(T.m.sysmem, 0x080a0000, gic->rdist_mr[0], 0);
    GICv3ITS *its = gicv3_its_create(gic, T.m.as, &err);
    gicv3_its_map(its, T.m.sysmem, 0x08080000);
    GpexConfig cfg = {.ecam_base = 0x50000000, .ecam_size = 1 * MiB,
                      .mmio_base = 0x20000000, .mmio_size = 0x1000000,
                      .msi_sink = gicv3_its_msi_sink, .msi_opaque = its};
    Gpex *g = gpex_create(&T.m, &cfg, NULL, &err);
    assert_non_null(g);
    TestPci *t = (TestPci *)pci_create_simple(g->bus, "test-pci", PCI_DEVFN(3, 0), &err);
    PCIDevice *d = &t->pci;
    uint8_t *ram = mr_ram_ptr(T.ram);
    /* Redistributor 1: LPI tables; LPI 8195 priority 0x80, enabled. */
    as_write_uint(T.m.as, 0x08000000, 4, 0x13);
    as_write_uint(T.m.as, 0x080c0000 + 0x14, 4, 0);
    as_write_uint(T.m.as, 0x080c0000 + 0x70, 8, (RAM + 0x10000) | 15);
    as_write_uint(T.m.as, 0x080c0000 + 0x78, 8, (RAM + 0x20000) | 1ull << 62);
    as_write_uint(T.m.as, 0x080c0000, 4, 1);
    ram[0x10000 + 3] = 0x81;
    /* ITS: tables, queue, MAPD/MAPC/MAPTI for device 0x18 event 2. */
    as_write_uint(T.m.as, 0x08080100, 8, 1ull << 63 | 1ull << 56 | 7ull << 48 | (RAM + 0x100000) | 127);
    as_write_uint(T.m.as, 0x08080108, 8, 1ull << 63 | 4ull << 56 | 7ull << 48 | (RAM + 0x200000));
    as_write_uint(T.m.as, 0x08080080, 8, 1ull << 63 | (RAM + 0x300000) | 15);
    as_write_uint(T.m.as, 0x08080000, 4, 1);
    uint64_t q[12] = {
        0x08 | 0x18ull << 32, 4, 1ull << 63 | (RAM + 0x400000), 0,     /* MAPD */
        0x09, 0, 1ull << 63 | 1ull << 16 | 5, 0,                        /* MAPC 5 -> cpu 1 */
        0x0a | 0x18ull << 32, 2 | 8195ull << 32, 5, 0,                  /* MAPTI */
    };
    memcpy(ram + 0x300000, q, sizeof(q));
    as_write_uint(T.m.as, 0x08080088, 8, 96);
    assert_int_equal(its->errors, 0);
    /* The device's MSI-X vector 0 -> GITS_TRANSLATER, data 2. */
    pci_config_write(d, 0x24, 0x20000000, 4);
    pci_config_write(d, 4, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    as_write_uint(T.m.as, 0x20000000 + 0, 4, 0x08090040);
    as_write_uint(T.m.as, 0x20000000 + 8, 4, 2);
    as_write_uint(T.m.as, 0x20000000 + 12, 4, 0);
    int c = pci_find_capability(d, PCI_CAP_ID_MSIX);
    pci_config_write(d, c + 2, PCI_MSIX_FLAGS_ENABLE, 2);
    msix_notify(d, 0);
    assert_true(gicv3_lpi_is_pending(gic, 1, 8195));
    gicv3_icc_write(gic, 1, ICC_PMR_EL1, 0xf0);
    gicv3_icc_write(gic, 1, ICC_IGRPEN1_EL1, 1);
    assert_int_equal(gicv3_icc_read(gic, 1, ICC_IAR1_EL1), 8195);

    /* GICv2m: MSI data = SPI INTID, written to MSI_SETSPI_NS. */
    GICv2 *v2 = gicv2_create(1, 128, &err);
    GICv2m *v2m = gicv2m_create(&v2->lines, 32, 64, &err);
    mr_add_subregion(T.m.sysmem, 0x08020000, v2m->mr, 0);
    int mc = pci_find_capability(d, PCI_CAP_ID_MSI);
    pci_config_write(d, mc + 4, 0x08020040, 4);
    pci_config_write(d, mc + 12, 100, 2);
    pci_config_write(d, mc + 2, PCI_MSI_FLAGS_ENABLE, 2);
    /* Distributor and CPU interface on, INTID 100 enabled, edge, to cpu 0
     * (set directly: this test is about the path, test_gicv2 about the
     * registers). */
    v2->ctlr = 1;
    v2->cpu[0].ctlr = 1;
    v2->cpu[0].pmr = 0xf8;
    v2->bits[GICV2_F_ENABLED][3] = 1u << 4;         /* INTID 100 */
    v2->bits[GICV2_F_EDGE][3] = 1u << 4;
    v2->target[100] = 1;
    msi_notify(d, 0);
    assert_int_equal(v2->bits[GICV2_F_LATCH][3], 1u << 4);
    assert_int_equal(v2->cpu[0].best[0].intid, 100);
    mr_del_subregion(T.m.sysmem, v2m->mr);
    mr_del_subregion(T.m.sysmem, gic->dist_mr);
    mr_del_subregion(T.m.sysmem, gic->rdist_mr[0]);
    mr_del_subregion(T.m.sysmem, its->mr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ecam_and_host_bridge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_masks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar_over_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capabilities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_msi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_msix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intx_swizzle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_gating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slots_and_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_msi_end_to_end, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
