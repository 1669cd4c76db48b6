/*
 * msi.c — MSI and MSI-X for PCI devices.
 *
 * MSI: PCI Local Bus Specification 3.0 §6.8.1 — the capability layouts for
 * 32/64-bit addresses with and without per-vector masking, Multiple Message
 * Capable/Enable (the vector number replaces the low bits of the data), and
 * the mask and pending bits. MSI-X: PCI Express Base Specification §7.7.2
 * (and PCI 3.0 §6.8.2) — the table of address/data/vector-control entries
 * and the pending-bit array live in BARs, the capability holds Table Size,
 * Function Mask and Enable; a masked vector's message is held in the PBA and
 * sent when it is unmasked.
 *
 * Messages go out through pci_send_msi(), which honours Bus Master Enable.
 * Runs with the device lock held.
 */
#include "devices/pci/pci.h"

#include "core/log.h"

static const char *dname(PCIDevice *d)
{
    return d->dev.id ? d->dev.id : d->dev.type->name;
}

/* ---- MSI ------------------------------------------------------------------ */

static uint16_t msi_flags(PCIDevice *d)
{
    return pci_get_word(d->config + d->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_is64(PCIDevice *d) { return msi_flags(d) & PCI_MSI_FLAGS_64BIT; }
static bool msi_pvm(PCIDevice *d) { return msi_flags(d) & PCI_MSI_FLAGS_MASKBIT; }
static unsigned msi_data_off(PCIDevice *d) { return d->msi_cap + (msi_is64(d) ? 0x0c : 0x08); }
static unsigned msi_mask_off(PCIDevice *d) { return d->msi_cap + (msi_is64(d) ? 0x10 : 0x0c); }
static unsigned msi_pend_off(PCIDevice *d) { return msi_mask_off(d) + 4; }

int msi_init(PCIDevice *d, uint8_t offset, unsigned nvec, bool is64, bool maskbit,
             Error **errp)
{
    if (nvec < 1 || nvec > 32 || !IS_POW2(nvec)) {
        error_setg(errp, "%s: MSI vectors must be 1, 2, 4, 8, 16 or 32 (got %u)", dname(d), nvec);
        return -1;
    }
    uint8_t size = maskbit ? (is64 ? 0x18 : 0x14) : (is64 ? 0x0e : 0x0a);
    int off = pci_add_capability(d, PCI_CAP_ID_MSI, offset, size, errp);
    if (off < 0)
        return -1;
    d->msi_cap = (uint8_t)off;
    unsigned mmc = (unsigned)__builtin_ctz(nvec);
    uint16_t flags = (uint16_t)(mmc << 1);
    if (is64)
        flags |= PCI_MSI_FLAGS_64BIT;
    if (maskbit)
        flags |= PCI_MSI_FLAGS_MASKBIT;
    pci_set_word(d->config + off + PCI_MSI_FLAGS, flags);
    pci_set_word(d->wmask + off + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    pci_set_long(d->wmask + off + PCI_MSI_ADDRESS_LO, 0xfffffffcu);
    if (is64)
        pci_set_long(d->wmask + off + PCI_MSI_ADDRESS_LO + 4, 0xffffffffu);
    pci_set_word(d->wmask + msi_data_off(d), 0xffff);
    if (maskbit)
        pci_set_long(d->wmask + msi_mask_off(d), nvec == 32 ? 0xffffffffu : (1u << nvec) - 1);
    return off;
}

bool msi_enabled(PCIDevice *d)
{
    return d->msi_cap && (msi_flags(d) & PCI_MSI_FLAGS_ENABLE);
}

unsigned msi_nr_vectors_allocated(PCIDevice *d)
{
    if (!d->msi_cap)
        return 0;
    uint16_t f = msi_flags(d);
    unsigned mmc = (f & PCI_MSI_FLAGS_QMASK) >> 1, mme = (f & PCI_MSI_FLAGS_QSIZE) >> 4;
    return 1u << MIN(mmc, mme);   /* MME above MMC is undefined: cap it */
}

static void msi_send(PCIDevice *d, unsigned vector)
{
    const uint8_t *c = d->config + d->msi_cap;
    uint64_t addr = pci_get_long(c + PCI_MSI_ADDRESS_LO);
    if (msi_is64(d))
        addr |= (uint64_t)pci_get_long(c + PCI_MSI_ADDRESS_LO + 4) << 32;
    unsigned nv = msi_nr_vectors_allocated(d);
    uint32_t data = pci_get_word(d->config + msi_data_off(d));
    data = (data & ~(nv - 1)) | vector;
    pci_send_msi(d, addr, data);
}

void msi_notify(PCIDevice *d, unsigned vector)
{
    if (!msi_enabled(d))
        return;
    if (vector >= msi_nr_vectors_allocated(d)) {
        qlog(LOG_GUEST_ERROR, "%s: MSI vector %u beyond the %u enabled\n", dname(d), vector,
             msi_nr_vectors_allocated(d));
        return;
    }
    if (msi_pvm(d) && (pci_get_long(d->config + msi_mask_off(d)) >> vector & 1)) {
        uint32_t p = pci_get_long(d->config + msi_pend_off(d));
        pci_set_long(d->config + msi_pend_off(d), p | 1u << vector);
        return;
    }
    msi_send(d, vector);
}

static void msi_written(PCIDevice *d, uint32_t addr, int len)
{
    if (!d->msi_cap || !msi_pvm(d) || !msi_enabled(d))
        return;
    unsigned moff = msi_mask_off(d), foff = d->msi_cap + PCI_MSI_FLAGS;
    uint32_t end = addr + (uint32_t)len;
    if (!(addr < moff + 4 && moff < end) && !(addr < foff + 2 && foff < end))
        return;
    /* Mask register or enable changed: send what is pending and unmasked. */
    uint32_t mask = pci_get_long(d->config + moff);
    uint32_t pend = pci_get_long(d->config + msi_pend_off(d));
    unsigned nv = msi_nr_vectors_allocated(d);
    for (unsigned v = 0; v < nv; v++) {
        if ((pend >> v & 1) && !(mask >> v & 1)) {
            pend &= ~(1u << v);
            pci_set_long(d->config + msi_pend_off(d), pend);
            msi_send(d, v);
        }
    }
}

/* ---- MSI-X ------------------------------------------------------------ */

static uint16_t msix_flags(PCIDevice *d)
{
    return pci_get_word(d->config + d->msix_cap + PCI_MSIX_FLAGS);
}

bool msix_enabled(PCIDevice *d)
{
    return d->msix_cap && (msix_flags(d) & PCI_MSIX_FLAGS_ENABLE);
}

static bool msix_function_masked(PCIDevice *d)
{
    return msix_flags(d) & PCI_MSIX_FLAGS_MASKALL;
}

static bool entry_masked(PCIDevice *d, unsigned v)
{
    return pci_get_long(d->msix_table + v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL) &
           PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

bool msix_is_masked(PCIDevice *d, unsigned vector)
{
    return vector >= d->msix_nvec || msix_function_masked(d) || entry_masked(d, vector);
}

static bool pba_get(PCIDevice *d, unsigned v) { return d->msix_pba[v / 8] >> (v % 8) & 1; }
static void pba_put(PCIDevice *d, unsigned v, bool on)
{
    if (on)
        d->msix_pba[v / 8] |= (uint8_t)(1u << (v % 8));
    else
        d->msix_pba[v / 8] &= (uint8_t)~(1u << (v % 8));
}

static void msix_send(PCIDevice *d, unsigned v)
{
    const uint8_t *e = d->msix_table + v * PCI_MSIX_ENTRY_SIZE;
    uint64_t addr = pci_get_long(e + PCI_MSIX_ENTRY_ADDR_LO) |
                    (uint64_t)pci_get_long(e + PCI_MSIX_ENTRY_ADDR_HI) << 32;
    pci_send_msi(d, addr, pci_get_long(e + PCI_MSIX_ENTRY_DATA));
}

void msix_notify(PCIDevice *d, unsigned vector)
{
    if (!msix_enabled(d))
        return;
    if (vector >= d->msix_nvec) {
        qlog(LOG_GUEST_ERROR, "%s: MSI-X vector %u beyond the table's %u\n", dname(d), vector,
             d->msix_nvec);
        return;
    }
    if (msix_is_masked(d, vector)) {
        pba_put(d, vector, true);
        return;
    }
    msix_send(d, vector);
}

/* Unmasking delivers what was held back. */
static void msix_deliver_pending(PCIDevice *d, unsigned first, unsigned last)
{
    if (!msix_enabled(d) || msix_function_masked(d))
        return;
    for (unsigned v = first; v <= last && v < d->msix_nvec; v++) {
        if (pba_get(d, v) && !entry_masked(d, v)) {
            pba_put(d, v, false);
            msix_send(d, v);
        }
    }
}

static uint64_t table_read(void *opaque, hwaddr off, unsigned size)
{
    PCIDevice *d = opaque;
    if (off + size > (uint64_t)d->msix_nvec * PCI_MSIX_ENTRY_SIZE)
        return 0;
    return size == 4 ? pci_get_long(d->msix_table + off) : 0;
}

static void table_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PCIDevice *d = opaque;
    if (size != 4 || off + size > (uint64_t)d->msix_nvec * PCI_MSIX_ENTRY_SIZE) {
        qlog(LOG_GUEST_ERROR, "%s: MSI-X table write of %u bytes at 0x%" PRIx64 " ignored\n",
             dname(d), size, off);
        return;
    }
    unsigned v = (unsigned)(off / PCI_MSIX_ENTRY_SIZE);
    bool was_masked = entry_masked(d, v);
    uint32_t x = (uint32_t)val;
    if ((off % PCI_MSIX_ENTRY_SIZE) == PCI_MSIX_ENTRY_CTRL)
        x &= PCI_MSIX_ENTRY_CTRL_MASKBIT;   /* the rest is reserved */
    pci_set_long(d->msix_table + off, x);
    if (was_masked && !entry_masked(d, v))
        msix_deliver_pending(d, v, v);
}

static const MemOps table_ops = {
    .read = table_read, .write = table_write, .min_size = 4, .max_size = 4,
};

static uint64_t pba_read(void *opaque, hwaddr off, unsigned size)
{
    PCIDevice *d = opaque;
    uint64_t v = 0;
    unsigned n = (unsigned)ALIGN_UP(d->msix_nvec, 64) / 8;
    for (unsigned i = 0; i < size; i++)
        if (off + i < n)
            v |= (uint64_t)d->msix_pba[off + i] << (8 * i);
    return v;
}

static void pba_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    qlog(LOG_GUEST_ERROR, "%s: write to the read-only MSI-X PBA ignored\n",
         dname((PCIDevice *)opaque));
}

static const MemOps pba_ops = {
    .read = pba_read, .write = pba_write, .min_size = 4, .max_size = 8,
};

int msix_init(PCIDevice *d, unsigned nvec, MemoryRegion *table_bar, uint8_t table_bir,
              uint32_t table_off, MemoryRegion *pba_bar, uint8_t pba_bir, uint32_t pba_off,
              uint8_t cap_offset, Error **errp)
{
    uint64_t tsize = (uint64_t)nvec * PCI_MSIX_ENTRY_SIZE;
    uint64_t psize = ALIGN_UP((uint64_t)nvec, 64) / 8;
    if (nvec < 1 || nvec > 2048 || table_bir >= PCI_NUM_BARS || pba_bir >= PCI_NUM_BARS ||
        (table_off & 7) || (pba_off & 7) || table_off + tsize > mr_size(table_bar) ||
        pba_off + psize > mr_size(pba_bar) ||
        (table_bar == pba_bar && table_off < pba_off + psize && pba_off < table_off + tsize)) {
        error_setg(errp, "%s: MSI-X with %u vectors does not fit its BARs as given", dname(d),
                   nvec);
        return -1;
    }
    int off = pci_add_capability(d, PCI_CAP_ID_MSIX, cap_offset, PCI_MSIX_CAP_SIZE, errp);
    if (off < 0)
        return -1;
    d->msix_cap = (uint8_t)off;
    d->msix_nvec = (uint16_t)nvec;
    d->msix_table = xzalloc(tsize);
    d->msix_pba = xzalloc(psize);
    pci_set_word(d->config + off + PCI_MSIX_FLAGS, (uint16_t)(nvec - 1));
    pci_set_word(d->wmask + off + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    pci_set_long(d->config + off + PCI_MSIX_TABLE, table_off | table_bir);
    pci_set_long(d->config + off + PCI_MSIX_PBA, pba_off | pba_bir);
    d->msix_table_mr = mr_new_mmio("msix-table", tsize, &table_ops, d);
    d->msix_pba_mr = mr_new_mmio("msix-pba", psize, &pba_ops, d);
    mr_add_subregion(table_bar, table_off, d->msix_table_mr, 0);
    mr_add_subregion(pba_bar, pba_off, d->msix_pba_mr, 0);
    pci_msi_reset(d);
    return off;
}

int msix_init_exclusive_bar(PCIDevice *d, unsigned nvec, uint8_t bar_nr, Error **errp)
{
    if (nvec < 1 || nvec > 2048) {
        error_setg(errp, "%s: MSI-X vectors must be 1..2048 (got %u)", dname(d), nvec);
        return -1;
    }
    uint64_t pba_off = ALIGN_UP((uint64_t)nvec * PCI_MSIX_ENTRY_SIZE, 4096);
    uint64_t size = pba_off + 4096;
    while (!IS_POW2(size))
        size += size & -size;
    d->msix_bar_mr = mr_new_container("msix", size);
    int off = msix_init(d, nvec, d->msix_bar_mr, bar_nr, 0, d->msix_bar_mr, bar_nr,
                        (uint32_t)pba_off, 0, errp);
    if (off < 0) {
        mr_free(d->msix_bar_mr);
        d->msix_bar_mr = NULL;
        return -1;
    }
    pci_register_bar(d, bar_nr, PCI_BAR_MEM32, d->msix_bar_mr);
    return off;
}

/* ---- hooks from the core ----------------------------------------------- */

void pci_msi_reset(PCIDevice *d)
{
    if (d->msi_cap) {
        uint8_t *c = d->config + d->msi_cap;
        uint16_t f = pci_get_word(c + PCI_MSI_FLAGS);
        pci_set_word(c + PCI_MSI_FLAGS, f & (uint16_t)~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE));
        memset(c + PCI_MSI_ADDRESS_LO, 0, (msi_pvm(d) ? msi_pend_off(d) + 4 : msi_data_off(d) + 2) -
                                           (d->msi_cap + PCI_MSI_ADDRESS_LO));
    }
    if (d->msix_cap) {
        uint16_t f = msix_flags(d);
        pci_set_word(d->config + d->msix_cap + PCI_MSIX_FLAGS,
                     f & (uint16_t)~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
        memset(d->msix_table, 0, (size_t)d->msix_nvec * PCI_MSIX_ENTRY_SIZE);
        for (unsigned v = 0; v < d->msix_nvec; v++)
            pci_set_long(d->msix_table + v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL,
                         PCI_MSIX_ENTRY_CTRL_MASKBIT);
        memset(d->msix_pba, 0, ALIGN_UP((size_t)d->msix_nvec, 64) / 8);
    }
}

void pci_msi_config_written(PCIDevice *d, uint32_t addr, int len)
{
    if (d->msi_cap)
        msi_written(d, addr, len);
    if (d->msix_cap && addr <= d->msix_cap + PCI_MSIX_FLAGS + 1u &&
        addr + (uint32_t)len > d->msix_cap + (uint32_t)PCI_MSIX_FLAGS)
        msix_deliver_pending(d, 0, d->msix_nvec - 1u);
}
