/*
 * pci.c — the PCI core: buses and slot assignment, configuration space with
 * per-byte write and write-1-to-clear masks, BAR sizing and mapping, the
 * capabilities list, INTx with wired-OR lines, bus-master DMA, and the
 * monitor's `info pci`.
 *
 * Follows the PCI Local Bus Specification 3.0 §6 (configuration space: the
 * command register §6.2.2 gates I/O and memory decode, bus mastering and
 * INTx; BAR sizing by writing all ones §6.2.5.1; the capabilities list
 * §6.7) and the PCI Express Base Specification §7 (4 KiB space, extended
 * capabilities). Linux's drivers/pci/probe.c is the reference for what a
 * kernel probes. MSI and MSI-X live in msi.c.
 *
 * Everything runs with the device lock held.
 */
#include "devices/pci/pci.h"

#include "core/log.h"
#include "core/monitor.h"

static PCIBus *pci_buses;

/* ---- buses -------------------------------------------------------------- */

PCIBus *pci_bus_of(Bus *bus)
{
    for (PCIBus *b = pci_buses; b; b = b->next)
        if (b->bus == bus)
            return b;
    return NULL;
}

PCIBus *pci_bus_first(void)
{
    return pci_buses;
}

PCIDevice *pci_find_device(PCIBus *b, int bus_num, int devfn)
{
    if (!b || bus_num != b->number || devfn < 0 || devfn > 255)
        return NULL;
    return b->devices[devfn];
}

static bool slot_empty(PCIBus *b, int slot)
{
    for (int fn = 0; fn < 8; fn++)
        if (b->devices[PCI_DEVFN(slot, fn)])
            return false;
    return true;
}

static void config_init(PCIDevice *d)
{
    d->config_size = PCI_CONFIG_SIZE;
    d->config = xzalloc(PCIE_CONFIG_SIZE);
    d->wmask = xzalloc(PCIE_CONFIG_SIZE);
    d->w1cmask = xzalloc(PCIE_CONFIG_SIZE);
    d->used = xzalloc(PCIE_CONFIG_SIZE);
    memset(d->used, 1, PCI_CAP_START);   /* the header is not for capabilities */
    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                 PCI_COMMAND_INTX_DISABLE);
    pci_set_word(d->w1cmask + PCI_STATUS, PCI_STATUS_RW1C);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    if (d->multifunction)
        d->config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_MULTI_FUNCTION;
    for (int i = 0; i < PCI_NUM_BARS; i++)
        d->bars[i].addr = PCI_BAR_UNMAPPED;
}

static void config_free(PCIDevice *d)
{
    free(d->config);
    free(d->wmask);
    free(d->w1cmask);
    free(d->used);
    d->config = d->wmask = d->w1cmask = d->used = NULL;
}

static int pci_bus_plug(Bus *bus, Device *dev, Error **errp)
{
    PCIBus *b = pci_bus_of(bus);
    PCIDevice *d = (PCIDevice *)dev;
    const char *name = dev->id ? dev->id : dev->type->name;
    int devfn = d->devfn;
    if (!b) {
        error_setg(errp, "%s: bus '%s' is not a PCI bus", name, bus->name);
        return -1;
    }
    if (devfn < 0) {
        for (int slot = 0; slot < 32; slot++) {
            if (slot_empty(b, slot)) {
                devfn = PCI_DEVFN(slot, 0);
                break;
            }
        }
        if (devfn < 0) {
            error_setg(errp, "%s: no free slot on PCI bus '%s'", name, bus->name);
            return -1;
        }
    } else if (devfn > 255) {
        error_setg(errp, "%s: PCI address %d is out of range", name, devfn);
        return -1;
    }
    PCIDevice *other = b->devices[devfn];
    if (other) {
        error_setg(errp, "%s: PCI slot %02x.%x on bus '%s' is already in use by %s", name,
                   PCI_SLOT(devfn), PCI_FUNC(devfn), bus->name,
                   other->dev.id ? other->dev.id : other->dev.type->name);
        return -1;
    }
    PCIDevice *fn0 = b->devices[PCI_DEVFN(PCI_SLOT(devfn), 0)];
    if (PCI_FUNC(devfn) && fn0 && !fn0->multifunction) {
        error_setg(errp, "%s: PCI slot %02x has a single-function device (%s) at function 0; "
                   "give it multifunction=on to add function %d", name, PCI_SLOT(devfn),
                   fn0->dev.id ? fn0->dev.id : fn0->dev.type->name, PCI_FUNC(devfn));
        return -1;
    }
    if (!PCI_FUNC(devfn) && !d->multifunction && !slot_empty(b, PCI_SLOT(devfn))) {
        error_setg(errp, "%s: PCI slot %02x already has other functions; function 0 needs "
                   "multifunction=on", name, PCI_SLOT(devfn));
        return -1;
    }
    d->devfn = devfn;
    d->bus = b;
    config_init(d);
    b->devices[devfn] = d;
    return 0;
}

static void pci_bus_unplug(Bus *bus, Device *dev)
{
    PCIDevice *d = (PCIDevice *)dev;
    PCIBus *b = d->bus;
    if (!b)
        return;
    pci_set_irq(d, 0);
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        PCIBar *bar = &d->bars[i];
        MemoryRegion *space = (bar->type & PCI_BAR_IO) ? b->io : b->mem;
        if (bar->mr && space && mr_size(bar->mr))
            mr_del_subregion(space, bar->mr);
        bar->mr = NULL;
    }
    if (b->devices[d->devfn] == d)
        b->devices[d->devfn] = NULL;
    config_free(d);
    d->bus = NULL;
}

PCIBus *pci_bus_new(Device *host, const char *name, bool express, MemoryRegion *mem,
                    MemoryRegion *io, AddressSpace *dma_as, PciMapIrqFn *map_irq,
                    IRQ **irqs, int nirq)
{
    PCIBus *b = xzalloc(sizeof(*b));
    b->bus = bus_new(PCI_BUS_TYPE, name, host, 0);
    b->bus->plug = pci_bus_plug;
    b->bus->unplug = pci_bus_unplug;
    b->express = express;
    b->mem = mem;
    b->io = io;
    b->dma_as = dma_as;
    b->map_irq = map_irq;
    b->nirq = nirq;
    b->irqs = xcalloc((size_t)MAX(nirq, 1), sizeof(*b->irqs));
    for (int i = 0; i < nirq; i++)
        b->irqs[i] = irqs ? irqs[i] : NULL;
    b->irq_count = xcalloc((size_t)MAX(nirq, 1), sizeof(*b->irq_count));
    PCIBus **tail = &pci_buses;
    while (*tail)
        tail = &(*tail)->next;
    *tail = b;
    return b;
}

void pci_bus_set_msi_sink(PCIBus *b, PciMsiSinkFn *fn, void *opaque)
{
    b->msi_sink = fn;
    b->msi_opaque = opaque;
}

PCIDevice *pci_create_simple(PCIBus *b, const char *type_name, int devfn, Error **errp)
{
    Device *dev = device_new(type_name, errp);
    if (!dev)
        return NULL;
    if (!device_type_is_a(dev->type, &pci_device_type)) {
        error_setg(errp, "'%s' is not a PCI device", type_name);
        device_free(dev);
        return NULL;
    }
    ((PCIDevice *)dev)->devfn = devfn;
    if (device_realize(dev, b->bus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    return (PCIDevice *)dev;
}

/* ---- identity --------------------------------------------------------- */

void pci_set_ids(PCIDevice *d, uint16_t vendor, uint16_t device, uint16_t class_code,
                 uint8_t revision)
{
    pci_set_word(d->config + PCI_VENDOR_ID, vendor);
    pci_set_word(d->config + PCI_DEVICE_ID, device);
    pci_set_word(d->config + PCI_CLASS_DEVICE, class_code);
    d->config[PCI_REVISION_ID] = revision;
}

void pci_set_prog_if(PCIDevice *d, uint8_t prog_if)
{
    d->config[PCI_CLASS_PROG] = prog_if;
}

void pci_set_subsystem(PCIDevice *d, uint16_t vendor, uint16_t id)
{
    pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID, vendor);
    pci_set_word(d->config + PCI_SUBSYSTEM_ID, id);
}

void pci_set_interrupt_pin(PCIDevice *d, int pin)
{
    d->config[PCI_INTERRUPT_PIN] = (uint8_t)(pin >= 0 && pin <= 4 ? pin : 0);
}

/* ---- BARs --------------------------------------------------------------- */

static inline uint16_t cmd_of(PCIDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND);
}

void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr)
{
    bool is64 = !(type & PCI_BAR_IO) && (type & PCI_BAR_MEM64);
    if (n < 0 || n >= PCI_NUM_BARS || (is64 && n == PCI_NUM_BARS - 1) || d->bars[n].mr) {
        fprintf(stderr, "ferry: BUG: %s: bad or duplicate BAR %d\n", d->dev.type->name, n);
        abort();
    }
    uint64_t size = MAX(mr_size(mr), (uint64_t)((type & PCI_BAR_IO) ? 4 : 16));
    while (!IS_POW2(size))
        size += size & -size;
    PCIBar *bar = &d->bars[n];
    bar->mr = mr;
    bar->size = size;
    bar->type = (type & PCI_BAR_IO) ? PCI_BAR_IO : (uint8_t)(type & 0x0c);
    bar->addr = PCI_BAR_UNMAPPED;
    uint64_t wmask = ~(size - 1);
    int off = PCI_BASE_ADDRESS_0 + 4 * n;
    pci_set_long(d->config + off, bar->type);
    pci_set_long(d->wmask + off, (uint32_t)wmask & ((type & PCI_BAR_IO) ? ~3u : ~15u));
    if (is64) {
        pci_set_long(d->config + off + 4, 0);
        pci_set_long(d->wmask + off + 4, (uint32_t)(wmask >> 32));
    }
    MemoryRegion *space = (type & PCI_BAR_IO) ? d->bus->io : d->bus->mem;
    if (space && mr_size(mr)) {
        mr_set_enabled(mr, false);
        mr_add_subregion(space, 0, mr, 1);
    }
}

uint64_t pci_bar_addr(PCIDevice *d, int n)
{
    return n >= 0 && n < PCI_NUM_BARS ? d->bars[n].addr : PCI_BAR_UNMAPPED;
}

/* Where BAR n should be mapped now, or PCI_BAR_UNMAPPED: its space must be
 * enabled in the command register and the address valid — not 0 (unless
 * the bus allows it: nothing legacy lives at 0 on virt, and UEFI puts the
 * first I/O BAR there), not wrapping, inside the BAR's width (32-bit
 * memory below 4 GiB, I/O below 64 KiB), and not the all-ones pattern
 * software writes to size a BAR. */
static uint64_t bar_target(PCIDevice *d, int n)
{
    PCIBar *bar = &d->bars[n];
    int off = PCI_BASE_ADDRESS_0 + 4 * n;
    uint16_t cmd = cmd_of(d);
    uint64_t addr, limit, sizing;
    if (bar->type & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO))
            return PCI_BAR_UNMAPPED;
        addr = pci_get_long(d->config + off) & ~3u;
        limit = 0xffff;
        sizing = 0xffffffffu & ~(bar->size - 1);
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY))
            return PCI_BAR_UNMAPPED;
        addr = pci_get_long(d->config + off) & ~15u;
        if (bar->type & PCI_BAR_MEM64) {
            addr |= (uint64_t)pci_get_long(d->config + off + 4) << 32;
            limit = UINT64_MAX;
            sizing = ~(bar->size - 1);
        } else {
            limit = 0xffffffffu;
            sizing = 0xffffffffu & ~(bar->size - 1);
        }
    }
    addr &= ~(bar->size - 1);
    if ((addr == 0 && !d->bus->allow_zero_address) || addr == sizing ||
        addr > limit - (bar->size - 1))
        return PCI_BAR_UNMAPPED;
    return addr;
}

static void update_mappings(PCIDevice *d)
{
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        PCIBar *bar = &d->bars[n];
        if (!bar->mr)
            continue;
        uint64_t to = bar_target(d, n);
        if (to == bar->addr)
            continue;
        bar->addr = to;
        MemoryRegion *space = (bar->type & PCI_BAR_IO) ? d->bus->io : d->bus->mem;
        if (!space || !mr_size(bar->mr))
            continue;
        if (to == PCI_BAR_UNMAPPED) {
            mr_set_enabled(bar->mr, false);
        } else {
            mr_set_address(bar->mr, to);
            mr_set_enabled(bar->mr, true);
        }
    }
}

/* ---- INTx ------------------------------------------------------------- */

static void intx_update(PCIDevice *d)
{
    PCIBus *b = d->bus;
    int pin = d->config[PCI_INTERRUPT_PIN];
    bool drive = d->intx_level && pin >= 1 && pin <= 4 &&
                 !(cmd_of(d) & PCI_COMMAND_INTX_DISABLE);
    if (drive == d->intx_driven || !b || !b->map_irq || b->nirq <= 0)
        return;
    int line = b->map_irq(d, pin - 1);
    if (line < 0 || line >= b->nirq)
        return;
    d->intx_driven = drive;
    b->irq_count[line] += drive ? 1 : -1;
    irq_set(b->irqs[line], b->irq_count[line] > 0);
}

void pci_set_irq(PCIDevice *d, int level)
{
    d->intx_level = level != 0;
    uint16_t st = pci_get_word(d->config + PCI_STATUS);
    st = d->intx_level ? st | PCI_STATUS_INTERRUPT : st & ~PCI_STATUS_INTERRUPT;
    pci_set_word(d->config + PCI_STATUS, st);
    intx_update(d);
}

/* ---- configuration space accesses ------------------------------------ */

uint32_t pci_default_config_read(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t v = 0;
    for (int i = 0; i < len; i++)
        if (addr + i < d->config_size)
            v |= (uint32_t)d->config[addr + i] << (8 * i);
    return v;
}

uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len)
{
    if (len != 1 && len != 2 && len != 4)
        return 0;
    if (addr >= PCIE_CONFIG_SIZE || len > PCIE_CONFIG_SIZE - (int)addr)
        return 0;
    if (d->ops && d->ops->config_read)
        return d->ops->config_read(d, addr, len);
    return pci_default_config_read(d, addr, len);
}

static bool overlaps(uint32_t addr, int len, uint32_t start, uint32_t size)
{
    return addr < start + size && start < addr + (uint32_t)len;
}

void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    if (len != 1 && len != 2 && len != 4)
        return;
    if (addr >= PCIE_CONFIG_SIZE || len > PCIE_CONFIG_SIZE - (int)addr)
        return;
    for (int i = 0; i < len; i++) {
        uint32_t a = addr + (uint32_t)i;
        if (a >= d->config_size)
            break;
        uint8_t b = (uint8_t)(val >> (8 * i)), wm = d->wmask[a], w1c = d->w1cmask[a];
        d->config[a] = (uint8_t)((d->config[a] & ~wm) | (b & wm));
        d->config[a] &= (uint8_t)~(b & w1c);
    }
    if (overlaps(addr, len, PCI_COMMAND, 2) ||
        overlaps(addr, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS))
        update_mappings(d);
    if (overlaps(addr, len, PCI_COMMAND, 2))
        intx_update(d);
    pci_msi_config_written(d, addr, len);
    if (d->ops && d->ops->config_write)
        d->ops->config_write(d, addr, val, len);
}

/* ---- capabilities ------------------------------------------------------ */

int pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset, uint8_t size,
                       Error **errp)
{
    const char *name = d->dev.type->name;
    if (size < 2) {
        error_setg(errp, "%s: capability 0x%02x of %u bytes is too small", name, cap_id, size);
        return -1;
    }
    if (!offset) {
        for (unsigned o = PCI_CAP_START; o + size <= PCI_CONFIG_SIZE; o += 4) {
            bool free_ = true;
            for (unsigned i = 0; i < size && free_; i++)
                free_ = !d->used[o + i];
            if (free_) {
                offset = (uint8_t)o;
                break;
            }
        }
        if (!offset) {
            error_setg(errp, "%s: no room for capability 0x%02x (%u bytes)", name, cap_id, size);
            return -1;
        }
    } else {
        if ((offset & 3) || offset < PCI_CAP_START || offset + size > PCI_CONFIG_SIZE) {
            error_setg(errp, "%s: capability 0x%02x at 0x%02x: not a dword-aligned offset "
                       "in 0x40..0xff with room for %u bytes", name, cap_id, offset, size);
            return -1;
        }
        for (unsigned i = 0; i < size; i++) {
            if (d->used[offset + i]) {
                error_setg(errp, "%s: capability 0x%02x at 0x%02x overlaps another", name,
                           cap_id, offset);
                return -1;
            }
        }
    }
    memset(d->used + offset, 1, size);
    d->config[offset] = cap_id;
    d->config[offset + 1] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = offset;
    uint16_t st = pci_get_word(d->config + PCI_STATUS);
    pci_set_word(d->config + PCI_STATUS, st | PCI_STATUS_CAP_LIST);
    return offset;
}

uint8_t pci_find_capability(PCIDevice *d, uint8_t cap_id)
{
    if (!(pci_get_word(d->config + PCI_STATUS) & PCI_STATUS_CAP_LIST))
        return 0;
    uint8_t p = d->config[PCI_CAPABILITY_LIST] & ~3;
    for (int n = 0; p >= PCI_CAP_START && n < 48; n++) {
        if (d->config[p] == cap_id)
            return p;
        p = d->config[p + 1] & ~3;
    }
    return 0;
}

int pcie_cap_init(PCIDevice *d, uint8_t offset, uint8_t port_type, Error **errp)
{
    int off = pci_add_capability(d, PCI_CAP_ID_EXP, offset, PCI_EXP_CAP_SIZE, errp);
    if (off < 0)
        return -1;
    uint8_t *c = d->config + off;
    pci_set_word(c + PCI_EXP_FLAGS, (uint16_t)(2 | (port_type & 0xf) << 4));
    pci_set_long(c + PCI_EXP_DEVCAP, 0);              /* 128-byte max payload */
    pci_set_word(d->wmask + off + PCI_EXP_DEVCTL, 0x7fff);
    pci_set_long(c + PCI_EXP_LNKCAP, 1u << 4 | 1);    /* x1, 2.5 GT/s */
    pci_set_word(c + PCI_EXP_LNKSTA, 1u << 4 | 1);
    if (d->bus && d->bus->express)
        d->config_size = PCIE_CONFIG_SIZE;
    return off;
}

int pcie_add_ext_capability(PCIDevice *d, uint16_t cap_id, uint8_t version,
                            uint16_t offset, uint16_t size, Error **errp)
{
    const char *name = d->dev.type->name;
    if (d->config_size < PCIE_CONFIG_SIZE) {
        error_setg(errp, "%s: extended capability 0x%04x needs PCIe config space", name, cap_id);
        return -1;
    }
    if ((offset & 3) || offset < PCI_EXT_CAP_START || size < 4 ||
        offset + size > PCIE_CONFIG_SIZE) {
        error_setg(errp, "%s: extended capability 0x%04x at 0x%03x does not fit", name,
                   cap_id, offset);
        return -1;
    }
    uint32_t head = pci_get_long(d->config + PCI_EXT_CAP_START);
    if (!head && offset != PCI_EXT_CAP_START) {
        error_setg(errp, "%s: the first extended capability must be at 0x100", name);
        return -1;
    }
    for (unsigned i = 0; i < size; i++) {
        if (d->used[offset + i]) {
            error_setg(errp, "%s: extended capability 0x%04x at 0x%03x overlaps another",
                       name, cap_id, offset);
            return -1;
        }
    }
    memset(d->used + offset, 1, size);
    pci_set_long(d->config + offset, cap_id | (uint32_t)(version & 0xf) << 16);
    if (head) {
        uint32_t p = PCI_EXT_CAP_START;
        for (int n = 0; n < 1024; n++) {
            uint32_t h = pci_get_long(d->config + p), next = h >> 20;
            if (!next) {
                pci_set_long(d->config + p, (h & 0xfffff) | (uint32_t)offset << 20);
                break;
            }
            p = next;
        }
    }
    return offset;
}

/* ---- DMA and messages ---------------------------------------------------- */

AddressSpace *pci_dma_as(PCIDevice *d)
{
    return d->bus ? d->bus->dma_as : NULL;
}

static void master_abort(PCIDevice *d)
{
    uint16_t st = pci_get_word(d->config + PCI_STATUS);
    pci_set_word(d->config + PCI_STATUS, st | PCI_STATUS_RCV_MASTER_ABORT);
}

static int dma_rw(PCIDevice *d, hwaddr addr, void *buf, size_t len, bool write)
{
    const char *name = d->dev.id ? d->dev.id : d->dev.type->name;
    if (!(cmd_of(d) & PCI_COMMAND_MASTER)) {
        qlog(LOG_GUEST_ERROR, "%s: DMA %s of %zu bytes at 0x%" PRIx64 " refused: bus "
             "mastering is off\n", name, write ? "write" : "read", len, addr);
        return -1;
    }
    AddressSpace *as = pci_dma_as(d);
    int r = !as ? -1 : write ? dma_write(as, addr, buf, len) : dma_read(as, addr, buf, len);
    if (r < 0) {
        qlog(LOG_GUEST_ERROR, "%s: DMA %s of %zu bytes at 0x%" PRIx64 " is not all RAM\n",
             name, write ? "write" : "read", len, addr);
        master_abort(d);
    }
    return r;
}

int pci_dma_read(PCIDevice *d, hwaddr addr, void *buf, size_t len)
{
    return dma_rw(d, addr, buf, len, false);
}

int pci_dma_write(PCIDevice *d, hwaddr addr, const void *buf, size_t len)
{
    return dma_rw(d, addr, (void *)buf, len, true);
}

void pci_send_msi(PCIDevice *d, uint64_t addr, uint32_t data)
{
    const char *name = d->dev.id ? d->dev.id : d->dev.type->name;
    PCIBus *b = d->bus;
    if (!b)
        return;
    if (!(cmd_of(d) & PCI_COMMAND_MASTER)) {
        qlog(LOG_GUEST_ERROR, "%s: MSI to 0x%" PRIx64 " dropped: bus mastering is off\n",
             name, addr);
        return;
    }
    if (b->msi_sink && b->msi_sink(b->msi_opaque, addr, data, pci_requester_id(d)))
        return;
    if (!b->dma_as || as_write_uint(b->dma_as, addr, 4, data) != MEMTX_OK) {
        qlog(LOG_GUEST_ERROR, "%s: MSI write of 0x%x to 0x%" PRIx64 " went nowhere\n", name,
             data, addr);
        master_abort(d);
    }
}

/* ---- the base device type ---------------------------------------------- */

static void pci_device_reset(Device *dev)
{
    PCIDevice *d = (PCIDevice *)dev;
    if (!d->config)
        return;
    pci_set_irq(d, 0);
    pci_set_word(d->config + PCI_COMMAND, 0);
    uint16_t st = pci_get_word(d->config + PCI_STATUS);
    pci_set_word(d->config + PCI_STATUS, st & (uint16_t)~(PCI_STATUS_RW1C | PCI_STATUS_INTERRUPT));
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        PCIBar *bar = &d->bars[n];
        if (!bar->mr)
            continue;
        int off = PCI_BASE_ADDRESS_0 + 4 * n;
        pci_set_long(d->config + off, bar->type);
        if (bar->type & PCI_BAR_MEM64)
            pci_set_long(d->config + off + 4, 0);
    }
    update_mappings(d);
    pci_msi_reset(d);
    if (d->ops && d->ops->reset)
        d->ops->reset(d);
}

static const Property pci_device_props[] = {
    {.name = "addr", .type = PROP_PCI_ADDR, .offset = offsetof(PCIDevice, devfn),
     .desc = "slot[.function] on the bus (hex), default: first free slot"},
    {.name = "multifunction", .type = PROP_BOOL, .offset = offsetof(PCIDevice, multifunction),
     .def = "off", .desc = "function 0 of a slot with several functions"},
    {0},
};

DEVICE_TYPE(pci_device_type,
    .name = "pci-device",
    .desc = "the base of PCI devices",
    .category = "misc",
    .bus = PCI_BUS_TYPE,
    .instance_size = sizeof(PCIDevice),
    .props = pci_device_props,
    .reset = pci_device_reset)

/* ---- info pci ------------------------------------------------------------ */

static const char *class_name(uint16_t cls)
{
    static const struct { uint16_t cls; const char *name; } names[] = {
        {0x0100, "SCSI controller"},     {0x0101, "IDE controller"},
        {0x0106, "SATA controller"},     {0x0108, "NVMe controller"},
        {0x0180, "Storage controller"},  {0x0200, "Ethernet controller"},
        {0x0280, "Network controller"},  {0x0300, "VGA controller"},
        {0x0380, "Display controller"},  {0x0403, "Audio controller"},
        {0x0600, "Host bridge"},         {0x0601, "ISA bridge"},
        {0x0604, "PCI bridge"},          {0x0780, "Communication controller"},
        {0x0c03, "USB controller"},      {0x00ff, "Unclassified device"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (names[i].cls == cls)
            return names[i].name;
    return "Class";
}

static void print_device(FILE *out, PCIDevice *d)
{
    const uint8_t *c = d->config;
    uint16_t cls = pci_get_word(c + PCI_CLASS_DEVICE);
    fprintf(out, "  Bus %2d, device %3d, function %d:\n", d->bus->number, PCI_SLOT(d->devfn),
            PCI_FUNC(d->devfn));
    fprintf(out, "    %s", class_name(cls));
    if (!strcmp(class_name(cls), "Class"))
        fprintf(out, " %04x", cls);
    fprintf(out, ": PCI device %04x:%04x\n", pci_get_word(c + PCI_VENDOR_ID),
            pci_get_word(c + PCI_DEVICE_ID));
    if (pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID))
        fprintf(out, "      PCI subsystem %04x:%04x\n", pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID),
                pci_get_word(c + PCI_SUBSYSTEM_ID));
    if (c[PCI_INTERRUPT_PIN])
        fprintf(out, "      IRQ %d, pin %c\n", c[PCI_INTERRUPT_LINE], 'A' + c[PCI_INTERRUPT_PIN] - 1);
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        PCIBar *bar = &d->bars[n];
        if (!bar->mr)
            continue;
        if (bar->type & PCI_BAR_IO)
            fprintf(out, "      BAR%d: I/O at ", n);
        else
            fprintf(out, "      BAR%d: %s bit %smemory at ", n,
                    (bar->type & PCI_BAR_MEM64) ? "64" : "32",
                    (bar->type & PCI_BAR_PREFETCH) ? "prefetchable " : "");
        if (bar->addr == PCI_BAR_UNMAPPED)
            fprintf(out, "0xffffffffffffffff [0x%" PRIx64 "] (unmapped).\n", bar->size - 1);
        else
            fprintf(out, "0x%" PRIx64 " [0x%" PRIx64 "].\n", bar->addr, bar->addr + bar->size - 1);
    }
    if (d->msix_cap)
        fprintf(out, "      MSI-X: %u vectors%s\n", d->msix_nvec,
                msix_enabled(d) ? ", enabled" : "");
    if (d->msi_cap)
        fprintf(out, "      MSI%s\n", msi_enabled(d) ? ": enabled" : "");
    fprintf(out, "      id \"%s\"\n", d->dev.id ? d->dev.id : "");
}

void pci_print_info(FILE *out)
{
    bool any = false;
    for (PCIBus *b = pci_buses; b; b = b->next)
        for (int devfn = 0; devfn < 256; devfn++)
            if (b->devices[devfn]) {
                print_device(out, b->devices[devfn]);
                any = true;
            }
    if (!any)
        fprintf(out, "No PCI buses or devices.\n");
}

static void hmp_info_pci(Monitor *mon, int argc, char **argv)
{
    pci_print_info(monitor_file(mon));
}

MONITOR_COMMAND(cmd_info_pci,
    .name = "pci",
    .args = "",
    .help = "show the PCI buses and devices",
    .fn = hmp_info_pci,
    .is_info = true)
