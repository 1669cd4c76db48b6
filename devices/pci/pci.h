/*
 * pci.h — the PCI core: buses, PCI devices and their configuration space,
 * BARs, capabilities, MSI and MSI-X, INTx, and bus-master DMA.
 *
 * Follows the PCI Local Bus Specification 3.0 (configuration header §6.1-6.2,
 * BAR sizing §6.2.5.1, capabilities §6.7, MSI §6.8) and the PCI Express Base
 * Specification (4 KiB configuration space, extended capabilities, MSI-X
 * §7.7.2); Linux's drivers/pci (probe.c __pci_read_base(), msi/) shows what
 * a kernel does with them.
 *
 * A PCI device model (see README.md, "the next PCI device"):
 *
 *     typedef struct MyDev { PCIDevice pci; ... } MyDev;
 *     static int my_realize(Device *dev, Error **errp) {
 *         PCIDevice *d = (PCIDevice *)dev;     // already has its slot
 *         pci_set_ids(d, 0x1af4, 0x1041, 0x0200, 1);
 *         pci_register_bar(d, 1, PCI_BAR_MEM32, my_mmio_region);
 *         msix_init_exclusive_bar(d, 4, 2, errp);
 *         ...
 *     }
 *     DEVICE_TYPE(my_type, .name = "my-dev", .parent = &pci_device_type,
 *                 .instance_size = sizeof(MyDev), .user_creatable = true,
 *                 .category = "network", .realize = my_realize)
 *
 * Leave DeviceType.reset NULL so pci_device_type's reset runs (it resets
 * the configuration space and calls ops->reset).
 *
 * Threads: all of it runs with the device lock held (config and BAR MMIO,
 * device models calling msi_notify / pci_set_irq / pci_dma_*).
 */
#ifndef FERRY_DEVICES_PCI_PCI_H
#define FERRY_DEVICES_PCI_PCI_H

#include "core/device.h"
#include "core/irq.h"
#include "core/memory.h"
#include "devices/pci/pci-regs.h"

#define PCI_BUS_TYPE       "pci"
#define PCI_CONFIG_SIZE    256
#define PCIE_CONFIG_SIZE   4096
#define PCI_NUM_BARS       6
#define PCI_DEVFN(slot, fn) ((slot) << 3 | (fn))
#define PCI_SLOT(devfn)    (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)    ((devfn) & 7)
#define PCI_BAR_UNMAPPED   UINT64_MAX

/* BAR types for pci_register_bar (the low bits of the BAR). */
#define PCI_BAR_IO           0x01
#define PCI_BAR_MEM32        0x00
#define PCI_BAR_MEM64        0x04
#define PCI_BAR_PREFETCH     0x08

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

/* The bus's MSI sink: the host bridge's hook for MSI/MSI-X messages,
 * with the requester ID (bus << 8 | devfn) that an ITS needs. Returns true
 * when it took the message; false has the core write data to addr in the
 * bus's DMA address space (how a GICv2m frame or plain memory gets it). */
typedef bool PciMsiSinkFn(void *opaque, uint64_t addr, uint32_t data,
                          uint32_t requester_id);
/* INTx routing: pin 0..3 (INTA..INTD) of d to one of the bus's nirq
 * lines. */
typedef int PciMapIrqFn(PCIDevice *d, int pin);

struct PCIBus {
    Bus *bus;                   /* type "pci"; devices plug here */
    int number;                 /* bus number (0 for a root bus) */
    bool express;               /* PCIe: devices may use 4 KiB config space */
    bool allow_zero_address;    /* a BAR at 0 decodes (virt: firmware puts I/O BARs at 0) */
    MemoryRegion *mem, *io;     /* the bus's memory and I/O spaces (BARs) */
    AddressSpace *dma_as;       /* what bus-master DMA and MSI writes reach */
    PCIDevice *devices[256];    /* by devfn */
    PciMapIrqFn *map_irq;
    IRQ **irqs;                 /* [nirq]: the host's INTx lines */
    int nirq;
    int *irq_count;             /* [nirq]: devices asserting each line */
    PciMsiSinkFn *msi_sink;
    void *msi_opaque;
    PCIBus *next;
};

typedef struct PCIBar {
    MemoryRegion *mr;           /* NULL: BAR not implemented */
    uint64_t size;              /* power of two */
    uint8_t type;               /* PCI_BAR_* */
    uint64_t addr;              /* where it is mapped, or PCI_BAR_UNMAPPED */
} PCIBar;

typedef struct PCIDeviceOps {
    /* Optional: replaces pci_default_config_read. */
    uint32_t (*config_read)(PCIDevice *d, uint32_t addr, int len);
    /* Optional: called after the core applied a config write. */
    void (*config_write)(PCIDevice *d, uint32_t addr, uint32_t val, int len);
    /* Optional: device state reset, after the core reset the config space. */
    void (*reset)(PCIDevice *d);
} PCIDeviceOps;

struct PCIDevice {
    Device dev;
    int32_t devfn;              /* property "addr": slot[.fn], -1 = first free */
    bool multifunction;         /* property "multifunction" */
    PCIBus *bus;
    uint32_t config_size;       /* 256, or 4096 after pcie_cap_init */
    uint8_t *config;            /* [PCIE_CONFIG_SIZE] */
    uint8_t *wmask;             /* bits the guest may write */
    uint8_t *w1cmask;           /* bits the guest clears by writing 1 */
    uint8_t *used;              /* capability space allocation */
    PCIBar bars[PCI_NUM_BARS];
    const PCIDeviceOps *ops;
    bool intx_level;            /* the device asserts its INTx pin */
    bool intx_driven;           /* ... and it counts on the bus line */
    /* MSI */
    uint8_t msi_cap;            /* 0: none */
    /* MSI-X */
    uint8_t msix_cap;           /* 0: none */
    uint16_t msix_nvec;
    uint8_t *msix_table;        /* [nvec * 16] */
    uint8_t *msix_pba;          /* [ceil(nvec / 64) * 8] */
    MemoryRegion *msix_table_mr, *msix_pba_mr, *msix_bar_mr;
};

/* The abstract base type of every PCI device: bus "pci", properties addr and
 * multifunction. */
extern const DeviceType pci_device_type;

/* ---- buses (host bridges) --------------------------------------------- */

/* A root bus named name (e.g. "pcie.0") under host, with its memory and I/O
 * containers (BARs are mapped into them), the DMA address space, and nirq
 * INTx lines routed by map_irq. */
PCIBus *pci_bus_new(Device *host, const char *name, bool express, MemoryRegion *mem,
                    MemoryRegion *io, AddressSpace *dma_as, PciMapIrqFn *map_irq,
                    IRQ **irqs, int nirq);
void pci_bus_set_msi_sink(PCIBus *b, PciMsiSinkFn *fn, void *opaque);
PCIBus *pci_bus_of(Bus *bus);           /* NULL if bus is not a PCI bus */
PCIBus *pci_bus_first(void);            /* iterate with ->next */
/* The function at bus_num/devfn below root b, or NULL. */
PCIDevice *pci_find_device(PCIBus *b, int bus_num, int devfn);
/* Creates and realizes type_name at devfn (-1 = first free slot). */
PCIDevice *pci_create_simple(PCIBus *b, const char *type_name, int devfn, Error **errp);

/* ---- configuration space ---------------------------------------------- */

uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len);
void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len);
uint32_t pci_default_config_read(PCIDevice *d, uint32_t addr, int len);

static inline uint16_t pci_get_word(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void pci_set_word(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Identity: vendor, device, class (base << 8 | sub), revision; prog-if and
 * subsystem separately. */
void pci_set_ids(PCIDevice *d, uint16_t vendor, uint16_t device, uint16_t class_code,
                 uint8_t revision);
void pci_set_prog_if(PCIDevice *d, uint8_t prog_if);
void pci_set_subsystem(PCIDevice *d, uint16_t vendor, uint16_t id);
/* INTx pin: 1..4 = INTA..INTD, 0 = none. */
void pci_set_interrupt_pin(PCIDevice *d, int pin);

/* BAR n (0..5; a 64-bit BAR also takes n+1) decoding region mr, whose size
 * is rounded up to a power of two (at least 16 bytes of memory, 4 of I/O).
 * The region is mapped into the bus's space while the command register
 * enables that space and the BAR holds a valid address. */
void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr);
uint64_t pci_bar_addr(PCIDevice *d, int n);   /* PCI_BAR_UNMAPPED if not */

/* Capabilities: adds one of size bytes at offset (0 = the first free
 * dword-aligned place from 0x40), links it at the head of the list, and
 * returns its offset; -1 with errp set when it does not fit or overlaps. */
int pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset, uint8_t size,
                       Error **errp);
/* Offset of the first capability cap_id, 0 if none. */
uint8_t pci_find_capability(PCIDevice *d, uint8_t cap_id);
/* A PCI Express capability (v2) of the given port type; makes the config
 * space 4 KiB. Returns the offset or -1. */
int pcie_cap_init(PCIDevice *d, uint8_t offset, uint8_t port_type, Error **errp);
/* An extended capability at offset (0x100..0xffc, dword aligned), appended
 * to the extended list. Returns offset or -1. */
int pcie_add_ext_capability(PCIDevice *d, uint16_t cap_id, uint8_t version,
                            uint16_t offset, uint16_t size, Error **errp);

/* ---- interrupts and DMA ------------------------------------------------- */

/* INTx: the device's pin asserted (1) or not (0). Honours the command
 * register's INTx Disable; the status register's Interrupt Status follows
 * level either way. */
void pci_set_irq(PCIDevice *d, int level);

/* Bus-master DMA through the bus's address space: refused (-1, logged, and
 * nothing moved) while the command register's Bus Master bit is clear; -1
 * too when the range is not all RAM (the status register's Received Master
 * Abort bit is set). 0 on success. */
int pci_dma_read(PCIDevice *d, hwaddr addr, void *buf, size_t len);
int pci_dma_write(PCIDevice *d, hwaddr addr, const void *buf, size_t len);
AddressSpace *pci_dma_as(PCIDevice *d);
/* Sends an MSI/MSI-X message (bus mastering must be on): to the bus's MSI
 * sink, else as a 32-bit write into the DMA address space. */
void pci_send_msi(PCIDevice *d, uint64_t addr, uint32_t data);
static inline uint32_t pci_requester_id(PCIDevice *d)
{
    return (uint32_t)(d->bus->number << 8 | d->devfn);
}

/* ---- MSI (msi.c) -------------------------------------------------------- */

/* An MSI capability for nvec vectors (1, 2, 4, ..., 32), 64-bit addresses
 * if is64, per-vector masking if maskbit. Returns its offset or -1. */
int msi_init(PCIDevice *d, uint8_t offset, unsigned nvec, bool is64, bool maskbit,
             Error **errp);
bool msi_enabled(PCIDevice *d);
unsigned msi_nr_vectors_allocated(PCIDevice *d);  /* 2^MME, capped */
/* Signals vector (masked: sets its pending bit instead). */
void msi_notify(PCIDevice *d, unsigned vector);

/* ---- MSI-X (msi.c) ----------------------------------------------------- */

/* An MSI-X capability for nvec vectors (1..2048) whose table and PBA are
 * subregions of the BAR containers table_bar (BAR table_bir) at table_off
 * and pba_bar (BAR pba_bir) at pba_off. The containers are the device's;
 * register them as BARs itself. Returns the capability offset or -1. */
int msix_init(PCIDevice *d, unsigned nvec, MemoryRegion *table_bar, uint8_t table_bir,
              uint32_t table_off, MemoryRegion *pba_bar, uint8_t pba_bir, uint32_t pba_off,
              uint8_t cap_offset, Error **errp);
/* The same with a BAR of its own (32-bit memory) holding the table at 0 and
 * the PBA after it. */
int msix_init_exclusive_bar(PCIDevice *d, unsigned nvec, uint8_t bar_nr, Error **errp);
bool msix_enabled(PCIDevice *d);
bool msix_is_masked(PCIDevice *d, unsigned vector);   /* vector or function mask */
/* Signals vector, or sets its pending bit while masked. */
void msix_notify(PCIDevice *d, unsigned vector);

/* `info pci`: every PCI device, its IDs, INTx pin and BAR mappings. */
void pci_print_info(FILE *out);

/* Internal to the core: reset and config-write hooks of msi.c. */
void pci_msi_reset(PCIDevice *d);
void pci_msi_config_written(PCIDevice *d, uint32_t addr, int len);

#endif
