/*
 * gpex.h — the generic PCI Express host bridge ("pci-host-ecam-generic" in
 * a device tree), as QEMU's virt has it: an ECAM configuration window, a
 * 32-bit and an optional 64-bit MMIO window, a PIO window, four INTx lines
 * with the standard swizzle, and a host-bridge function at 00.0.
 *
 * The board makes one call:
 *
 *     GpexConfig cfg = {
 *         .ecam_base = 0x4010000000, .ecam_size = 256 * MiB,  // 256 buses
 *         .mmio_base = 0x10000000, .mmio_size = 0x2eff0000,
 *         .mmio_high_base = 0x8000000000, .mmio_high_size = 512 * GiB,
 *         .pio_base = 0x3eff0000, .pio_size = 64 * KiB,
 *         .msi_sink = its_msi_sink, .msi_opaque = its,   // or NULL (GICv2m)
 *     };
 *     IRQ *intx[4] = { spi 3, spi 4, spi 5, spi 6 };     // QEMU virt: SPIs 3..6
 *     Gpex *g = gpex_create(m, &cfg, intx, &err);
 *
 * and describes it in the device tree: reg = ECAM, bus-range = <0 nbuses-1>,
 * ranges for PIO (PCI address 0), MMIO (PCI address == CPU address), high
 * MMIO; interrupt-map: slot s, pin p (1..4 = INTA..INTD) goes to
 * intx[(s + p - 1) % 4], with interrupt-map-mask <0x1800 0 0 7>.
 *
 * Windows: CPU accesses to [mmio_base, +mmio_size) reach the PCI memory
 * space at the same address, likewise for the high window; CPU accesses to
 * [pio_base, +pio_size) reach PCI I/O space from 0. DMA and MSI writes go to
 * m->as (no IOMMU).
 */
#ifndef FERRY_DEVICES_PCI_GPEX_H
#define FERRY_DEVICES_PCI_GPEX_H

#include "core/machine.h"
#include "devices/pci/pci.h"

/* Host bridge function 00.0: QEMU's IDs for its PCIe host bridge (Red Hat's
 * QEMU range, docs/specs/pci-ids), class 0x0600 (host bridge), so guests
 * and lspci see what they see on QEMU. */
#define GPEX_ROOT_VENDOR   0x1b36
#define GPEX_ROOT_DEVICE   0x0008

typedef struct GpexConfig {
    hwaddr ecam_base;
    uint64_t ecam_size;          /* 1 MiB per bus, 1..256 buses */
    hwaddr mmio_base;
    uint64_t mmio_size;          /* 0: none */
    hwaddr mmio_high_base;
    uint64_t mmio_high_size;     /* 0: none */
    hwaddr pio_base;
    uint64_t pio_size;           /* 0: none; at most 64 KiB */
    bool allow_zero_address;     /* BARs may be placed at address 0 */
    PciMsiSinkFn *msi_sink;      /* NULL: MSI writes go to m->as */
    void *msi_opaque;
} GpexConfig;

typedef struct Gpex {
    Device dev;
    Machine *machine;
    GpexConfig cfg;
    PCIBus *bus;                 /* "pcie.0" */
    int nbuses;
    MemoryRegion *ecam;          /* mapped at ecam_base */
    MemoryRegion *pci_mem;       /* PCI memory space (BARs live here) */
    MemoryRegion *pci_io;        /* PCI I/O space, 64 KiB */
    MemoryRegion *mmio_win, *mmio_high_win, *pio_win;  /* aliases in sysmem */
    IRQ *intx[4];
    PCIDevice *root;             /* the host bridge function, 00.0 */
} Gpex;

Gpex *gpex_create(Machine *m, const GpexConfig *cfg, IRQ *intx[4], Error **errp);

/* The standard INTx swizzle for a device on the root bus: pin 0..3. */
int gpex_swizzle(PCIDevice *d, int pin);

#endif
