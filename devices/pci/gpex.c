/*
 * gpex.c — generic PCI Express host bridge: ECAM, MMIO/PIO windows, INTx
 * swizzle, host-bridge function (see gpex.h).
 *
 * ECAM follows the PCI Express Base Specification §7.2.2 (Enhanced
 * Configuration Access Mechanism): offset = bus << 20 | device << 15 |
 * function << 12 | register. Reads of functions that do not exist complete
 * with all ones (how software detects them: vendor ID 0xffff), writes to them
 * are dropped. Buses beyond the root bus have no devices (no bridges yet).
 * The device tree binding is Linux's pci-host-generic
 * (Documentation/devicetree/bindings/pci/host-generic-pci.yaml). Runs with
 * the device lock held.
 */
#include "devices/pci/gpex.h"

#include "core/log.h"

int gpex_swizzle(PCIDevice *d, int pin)
{
    return (PCI_SLOT(d->devfn) + pin) % 4;
}

static uint64_t ecam_read(void *opaque, hwaddr off, unsigned size)
{
    Gpex *g = opaque;
    PCIDevice *d = pci_find_device(g->bus, (int)(off >> 20), (int)(off >> 12 & 0xff));
    if (!d)
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return pci_config_read(d, (uint32_t)(off & 0xfff), (int)size);
}

static void ecam_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    Gpex *g = opaque;
    PCIDevice *d = pci_find_device(g->bus, (int)(off >> 20), (int)(off >> 12 & 0xff));
    if (d)
        pci_config_write(d, (uint32_t)(off & 0xfff), (uint32_t)val, (int)size);
}

static const MemOps ecam_ops = {
    .read = ecam_read, .write = ecam_write, .min_size = 1, .max_size = 4,
};

/* ---- the host bridge function (00.0) ------------------------------------ */

static int gpex_root_realize(Device *dev, Error **errp)
{
    PCIDevice *d = (PCIDevice *)dev;
    pci_set_ids(d, GPEX_ROOT_VENDOR, GPEX_ROOT_DEVICE, 0x0600, 0);
    return 0;
}

DEVICE_TYPE(gpex_root_type,
    .name = "gpex-root",
    .desc = "host bridge function of the generic PCIe host",
    .category = "bridge",
    .parent = &pci_device_type,
    .instance_size = sizeof(PCIDevice),
    .realize = gpex_root_realize)

/* ---- the host ------------------------------------------------------------ */

static MemoryRegion *window(MemoryRegion *sysmem, const char *name, MemoryRegion *space,
                            uint64_t space_off, hwaddr cpu_addr, uint64_t size)
{
    if (!size)
        return NULL;
    MemoryRegion *a = mr_new_alias(name, space, space_off, size);
    mr_add_subregion(sysmem, cpu_addr, a, 0);
    return a;
}

static int gpex_realize(Device *dev, Error **errp)
{
    Gpex *g = (Gpex *)dev;
    const GpexConfig *cfg = &g->cfg;
    uint64_t nb = cfg->ecam_size >> 20;
    if (!cfg->ecam_size || (cfg->ecam_size & (MiB - 1)) || nb > 256) {
        error_setg(errp, "gpex: the ECAM window must be 1..256 MiB in whole MiB (got 0x%" PRIx64
                   " bytes)", cfg->ecam_size);
        return -1;
    }
    if (cfg->pio_size > 64 * KiB) {
        error_setg(errp, "gpex: the PIO window is at most 64 KiB (got 0x%" PRIx64 ")",
                   cfg->pio_size);
        return -1;
    }
    g->nbuses = (int)nb;
    g->pci_mem = mr_new_container("pci-mem", UINT64_MAX);
    g->pci_io = mr_new_container("pci-io", 64 * KiB);
    g->bus = pci_bus_new(dev, "pcie.0", true, g->pci_mem, g->pci_io, g->machine->as,
                         gpex_swizzle, g->intx, 4);
    g->bus->allow_zero_address = cfg->allow_zero_address;
    pci_bus_set_msi_sink(g->bus, cfg->msi_sink, cfg->msi_opaque);
    MemoryRegion *sysmem = g->machine->sysmem;
    g->ecam = mr_new_mmio("pcie-ecam", cfg->ecam_size, &ecam_ops, g);
    mr_add_subregion(sysmem, cfg->ecam_base, g->ecam, 0);
    g->mmio_win = window(sysmem, "pcie-mmio", g->pci_mem, cfg->mmio_base, cfg->mmio_base,
                         cfg->mmio_size);
    g->mmio_high_win = window(sysmem, "pcie-mmio-high", g->pci_mem, cfg->mmio_high_base,
                              cfg->mmio_high_base, cfg->mmio_high_size);
    g->pio_win = window(sysmem, "pcie-pio", g->pci_io, 0, cfg->pio_base, cfg->pio_size);
    return 0;
}

DEVICE_TYPE(gpex_type,
    .name = "gpex-pcihost",
    .desc = "generic PCI Express host bridge",
    .category = "bridge",
    .instance_size = sizeof(Gpex),
    .realize = gpex_realize)

Gpex *gpex_create(Machine *m, const GpexConfig *cfg, IRQ *intx[4], Error **errp)
{
    Device *dev = device_new("gpex-pcihost", errp);
    if (!dev)
        return NULL;
    Gpex *g = (Gpex *)dev;
    g->machine = m;
    g->cfg = *cfg;
    for (int i = 0; i < 4; i++)
        g->intx[i] = intx ? intx[i] : NULL;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    /* The host bridge function, as on QEMU; after the host is realized so
     * that it follows it on the device list. */
    g->root = pci_create_simple(g->bus, "gpex-root", PCI_DEVFN(0, 0), errp);
    return g->root ? g : NULL;
}
