/*
 * fw_cfg.c — QEMU's firmware configuration device, memory-mapped as on
 * Arm's virt board, following QEMU's interface specification
 * (docs/specs/fw_cfg.rst) and what Linux's drivers/firmware/qemu_fw_cfg.c
 * and UEFI (ArmVirtQemu) do with it.
 *
 *   0x00-0x07 data      read 1/2/4/8 bytes at offset 0: the next bytes of
 *                       the selected item in increasing address order
 *                       (string-preserving); 0 past its end; writes ignored
 *   0x08-0x09 selector  16-bit, big-endian: selects an item, offset 0
 *   0x10-0x17 DMA       64-bit address of an FWCfgDmaAccess, big-endian;
 *                       a write of the low half (offset 0x14, or all 8 bytes
 *                       at 0x10) starts the transfer; reads return
 *                       "QEMU CFG"
 *
 * Keys: bit 15 selects the architecture-specific set, bit 14 (the old write
 * channel) is ignored; generic keys below FW_CFG_FILE_FIRST are the
 * standard items, keys from FW_CFG_FILE_FIRST are the named files listed by
 * the directory item (FW_CFG_FILE_DIR: a big-endian count, then per file a
 * big-endian size, select key, reserved word and a 56-byte name), sorted by
 * name.
 *
 * DMA: the descriptor {be32 control, be32 length, be64 address} is read from
 * guest RAM through the DMA API. SELECT selects control >> 16; then READ
 * copies `length` bytes of the item from the current offset (zeros past its
 * end), or else WRITE (no item here is writable: the error bit), or else
 * SKIP advances the offset. The control word is written back as 0, or with
 * the error bit when any guest address was not RAM or the write was
 * refused. A descriptor that is itself not in RAM cannot be answered: the
 * request is dropped and logged. Lengths are the guest's 32-bit values and
 * every byte moved is checked by dma_read/dma_write; offsets never pass an
 * item's end.
 */
#include "devices/fw_cfg.h"

#include "core/log.h"

#define R_DATA 0x00
#define R_SELECTOR 0x08
#define R_DMA 0x10

typedef struct FwCfgEntry {
    uint8_t *data;
    uint32_t len;
    bool present;
} FwCfgEntry;

typedef struct FwCfgFile {
    char name[FW_CFG_MAX_FILE_PATH];
    FwCfgEntry e;
} FwCfgFile;

struct FwCfg {
    Device dev;
    AddressSpace *dma_as;
    MemoryRegion *mmio;
    FwCfgEntry std[2][FW_CFG_FILE_FIRST]; /* [arch-local][key] */
    FwCfgFile files[FW_CFG_FILE_SLOTS];   /* sorted by name; key = FIRST + index */
    int n_files;

    uint16_t cur_key;
    uint32_t cur_offset;
    uint64_t dma_addr;
};

static FwCfg *last_fw_cfg;

FwCfg *fw_cfg_find(void)
{
    return last_fw_cfg;
}

Device *fw_cfg_device(FwCfg *s)
{
    return &s->dev;
}

static FwCfgEntry *fw_cfg_entry(FwCfg *s, uint16_t key)
{
    bool arch = (key & FW_CFG_ARCH_LOCAL) != 0;
    unsigned idx = key & 0x3FFF;
    FwCfgEntry *e = NULL;
    if (idx < FW_CFG_FILE_FIRST)
        e = &s->std[arch][idx];
    else if (!arch && idx - FW_CFG_FILE_FIRST < (unsigned)s->n_files)
        e = &s->files[idx - FW_CFG_FILE_FIRST].e;
    return e && e->present ? e : NULL;
}

static void entry_set(FwCfgEntry *e, void *data, size_t len)
{
    if (len > UINT32_MAX) {
        fprintf(stderr, "ferry: BUG: fw_cfg item of %zu bytes\n", len);
        abort();
    }
    free(e->data);
    e->data = data;
    e->len = (uint32_t)len;
    e->present = true;
}

void fw_cfg_add_bytes_take(FwCfg *s, uint16_t key, void *data, size_t len)
{
    unsigned idx = key & 0x3FFF;
    if (idx >= FW_CFG_FILE_FIRST) {
        fprintf(stderr, "ferry: BUG: fw_cfg key 0x%x is a file slot\n", key);
        abort();
    }
    entry_set(&s->std[(key & FW_CFG_ARCH_LOCAL) != 0][idx], data, len);
}

void fw_cfg_add_bytes(FwCfg *s, uint16_t key, const void *data, size_t len)
{
    void *copy = xmalloc(len ? len : 1);
    memcpy(copy, data, len);
    fw_cfg_add_bytes_take(s, key, copy, len);
}

void fw_cfg_add_i16(FwCfg *s, uint16_t key, uint16_t value)
{
    uint8_t b[2] = {(uint8_t)value, (uint8_t)(value >> 8)};
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(FwCfg *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i64(FwCfg *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_string(FwCfg *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rebuilds FW_CFG_FILE_DIR from the file table. */
static void fw_cfg_update_dir(FwCfg *s)
{
    size_t len = 4 + (size_t)s->n_files * 64;
    uint8_t *dir = xzalloc(len);
    put_be32(dir, (uint32_t)s->n_files);
    for (int i = 0; i < s->n_files; i++) {
        uint8_t *f = dir + 4 + (size_t)i * 64;
        put_be32(f, s->files[i].e.len);
        f[4] = (uint8_t)((FW_CFG_FILE_FIRST + i) >> 8);
        f[5] = (uint8_t)(FW_CFG_FILE_FIRST + i);
        memcpy(f + 8, s->files[i].name, FW_CFG_MAX_FILE_PATH);
    }
    fw_cfg_add_bytes_take(s, FW_CFG_FILE_DIR, dir, len);
}

int fw_cfg_add_file(FwCfg *s, const char *name, const void *data, size_t len, Error **errp)
{
    size_t nlen = strlen(name);
    if (!nlen || nlen >= FW_CFG_MAX_FILE_PATH) {
        error_setg(errp, "fw_cfg: file name '%s' must have 1 to %d characters", name,
                   FW_CFG_MAX_FILE_PATH - 1);
        return -1;
    }
    if (len > UINT32_MAX) {
        error_setg(errp, "fw_cfg: file '%s' is too large (%zu bytes; at most 4 GiB - 1)",
                   name, len);
        return -1;
    }
    int pos = 0;
    while (pos < s->n_files && strcmp(s->files[pos].name, name) < 0)
        pos++;
    if (pos < s->n_files && !strcmp(s->files[pos].name, name)) {
        error_setg(errp, "fw_cfg: duplicate file name '%s'", name);
        return -1;
    }
    if (s->n_files == FW_CFG_FILE_SLOTS) {
        error_setg(errp, "fw_cfg: no free file slot for '%s' (all %d are used)", name,
                   FW_CFG_FILE_SLOTS);
        return -1;
    }
    memmove(&s->files[pos + 1], &s->files[pos], (s->n_files - pos) * sizeof(s->files[0]));
    s->n_files++;
    FwCfgFile *f = &s->files[pos];
    memset(f, 0, sizeof(*f));
    memcpy(f->name, name, nlen);
    void *copy = xmalloc(len ? len : 1);
    memcpy(copy, data, len);
    entry_set(&f->e, copy, len);
    fw_cfg_update_dir(s);
    return 0;
}

int fw_cfg_add_user_items(FwCfg *s, const FwCfgUserItem *items, int n, Error **errp)
{
    for (int i = 0; i < n; i++) {
        const FwCfgUserItem *it = &items[i];
        int r;
        if (it->string) {
            r = fw_cfg_add_file(s, it->name, it->string, strlen(it->string), errp);
        } else {
            FILE *f = fopen(it->file, "rb");
            if (!f) {
                error_setg_errno(errp, errno, "-fw_cfg name=%s,file=%s: cannot read file",
                                 it->name, it->file);
                return -1;
            }
            char buf[65536];
            size_t got, total = 0;
            uint8_t *data = NULL;
            bool too_big = false;
            while (!too_big && (got = fread(buf, 1, sizeof(buf), f)) > 0) {
                if (got > UINT32_MAX - total) {
                    too_big = true; /* fw_cfg sizes are 32-bit: stop reading */
                    break;
                }
                data = xrealloc(data, total + got);
                memcpy(data + total, buf, got);
                total += got;
            }
            if (too_big) {
                fclose(f);
                free(data);
                error_setg(errp, "-fw_cfg name=%s,file=%s: larger than 4 GiB - 1", it->name,
                           it->file);
                return -1;
            }
            bool failed = ferror(f);
            fclose(f);
            if (failed) {
                free(data);
                error_setg(errp, "-fw_cfg name=%s,file=%s: read error", it->name, it->file);
                return -1;
            }
            r = fw_cfg_add_file(s, it->name, data, total, errp);
            free(data);
        }
        if (r < 0) {
            error_prepend(errp, "-fw_cfg name=%s: ", it->name);
            return -1;
        }
    }
    return 0;
}

/* ---- the guest's side ---------------------------------------------------- */

static void fw_cfg_select(FwCfg *s, uint16_t key)
{
    s->cur_key = key;
    s->cur_offset = 0;
}

static uint64_t fw_cfg_data_read(FwCfg *s, unsigned size)
{
    FwCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        if (e && s->cur_offset < e->len)
            v |= (uint64_t)e->data[s->cur_offset++] << (8 * i);
    }
    return v;
}

/* Zero-fills [addr, addr+len) of guest RAM; false if any of it is not RAM. */
static bool dma_zero(AddressSpace *as, hwaddr addr, uint64_t len)
{
    static const uint8_t zeros[4096];
    if (!len)
        return true;
    if (len <= SIZE_MAX) {
        void *p = dma_map(as, addr, (size_t)len, true);
        if (p) {
            memset(p, 0, (size_t)len);
            dma_unmap(as, p, (size_t)len, true);
            return true;
        }
    }
    /* Across several RAM blocks (or not RAM at all: fails on the first). */
    while (len) {
        size_t n = (size_t)MIN(len, sizeof(zeros));
        if (dma_write(as, addr, zeros, n) < 0)
            return false;
        addr += n;
        len -= n;
    }
    return true;
}

static void fw_cfg_dma_transfer(FwCfg *s, hwaddr desc_addr)
{
    uint8_t d[16];
    if (dma_read(s->dma_as, desc_addr, d, sizeof(d)) < 0) {
        qlog(LOG_GUEST_ERROR, "fw_cfg: DMA descriptor at 0x%" PRIx64 " is not in RAM; "
             "request dropped\n", desc_addr);
        return;
    }
    uint32_t control = get_be32(d), length = get_be32(d + 4);
    uint64_t addr = (uint64_t)get_be32(d + 8) << 32 | get_be32(d + 12);
    bool error = false;

    if (control & FW_CFG_DMA_CTL_SELECT)
        fw_cfg_select(s, (uint16_t)(control >> 16));
    FwCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint32_t avail = e && s->cur_offset < e->len ? e->len - s->cur_offset : 0;

    if (control & FW_CFG_DMA_CTL_READ) {
        uint32_t n = MIN(avail, length);
        if (n && dma_write(s->dma_as, addr, e->data + s->cur_offset, n) < 0) {
            error = true;
        } else {
            s->cur_offset += n;
            /* Past the item's end the data reads as zeros. */
            if (!dma_zero(s->dma_as, addr + n, (uint64_t)length - n))
                error = true;
        }
        if (error)
            qlog(LOG_GUEST_ERROR, "fw_cfg: DMA read of %u bytes to 0x%" PRIx64
                 " leaves RAM\n", length, addr);
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        qlog(LOG_GUEST_ERROR, "fw_cfg: DMA write to key 0x%04x refused (read-only)\n",
             s->cur_key);
        error = true;
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        s->cur_offset += MIN(avail, length);
    }

    uint8_t status[4];
    put_be32(status, error ? FW_CFG_DMA_CTL_ERROR : 0);
    if (dma_write(s->dma_as, desc_addr, status, sizeof(status)) < 0)
        qlog(LOG_GUEST_ERROR, "fw_cfg: cannot write the DMA status at 0x%" PRIx64 "\n",
             desc_addr);
}

static uint64_t bswap_n(uint64_t v, unsigned size)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= ((v >> (8 * i)) & 0xFF) << (8 * (size - 1 - i));
    return r;
}

static uint64_t fw_cfg_read(void *opaque, hwaddr offset, unsigned size)
{
    FwCfg *s = opaque;
    if (offset == R_DATA)
        return fw_cfg_data_read(s, size);
    if (offset >= R_DMA && offset + size <= R_DMA + 8) {
        /* "QEMU CFG" in memory order. */
        uint64_t v = bswap_n(FW_CFG_DMA_SIGNATURE, 8) >> (8 * (offset - R_DMA));
        return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
    }
    qlog(LOG_GUEST_ERROR, "fw_cfg: %u-byte read at offset 0x%" PRIx64 " (%s)\n", size,
         offset, offset == R_SELECTOR ? "the selector is write-only" : "no register");
    return 0;
}

static void fw_cfg_write(void *opaque, hwaddr offset, uint64_t value, unsigned size)
{
    FwCfg *s = opaque;
    if (offset == R_SELECTOR && size == 2) {
        fw_cfg_select(s, (uint16_t)bswap_n(value, 2));
        return;
    }
    if (offset == R_DMA && size == 8) {
        s->dma_addr = 0;
        fw_cfg_dma_transfer(s, bswap_n(value, 8));
        return;
    }
    if (offset == R_DMA && size == 4) {
        s->dma_addr = bswap_n(value, 4) << 32;
        return;
    }
    if (offset == R_DMA + 4 && size == 4) {
        uint64_t addr = s->dma_addr | bswap_n(value, 4);
        s->dma_addr = 0;
        fw_cfg_dma_transfer(s, addr);
        return;
    }
    qlog(LOG_GUEST_ERROR, "fw_cfg: %u-byte write of 0x%" PRIx64 " at offset 0x%" PRIx64
         " ignored%s\n", size, value, offset,
         offset == R_DATA ? " (the data register is read-only; writes go through DMA)" : "");
}

static const MemOps fw_cfg_ops = {
    .read = fw_cfg_read,
    .write = fw_cfg_write,
    .min_size = 1,
    .max_size = 8,
};

static void fw_cfg_reset(Device *dev)
{
    FwCfg *s = (FwCfg *)dev;
    fw_cfg_select(s, 0);
    s->dma_addr = 0;
}

static int fw_cfg_realize(Device *dev, Error **errp)
{
    FwCfg *s = (FwCfg *)dev;
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, 1 | 2); /* traditional interface | DMA */
    static const uint8_t no_uuid[16];
    fw_cfg_add_bytes(s, FW_CFG_UUID, no_uuid, sizeof(no_uuid));
    fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, 1); /* ferry has no graphical console */
    fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, 0);
    fw_cfg_update_dir(s);
    s->mmio = mr_new_mmio("fw_cfg", FW_CFG_MMIO_SIZE, &fw_cfg_ops, s);
    fw_cfg_reset(dev);
    return 0;
}

DEVICE_TYPE(fw_cfg_mem_type,
    .name = "fw_cfg_mem",
    .desc = "QEMU firmware configuration device (memory-mapped, with DMA)",
    .category = "system",
    .bus = "sysbus",
    .instance_size = sizeof(FwCfg),
    .realize = fw_cfg_realize,
    .reset = fw_cfg_reset,
);

FwCfg *fw_cfg_create_mmio(MemoryRegion *parent, hwaddr base, AddressSpace *dma_as,
                          Error **errp)
{
    Device *dev = device_new("fw_cfg_mem", errp);
    if (!dev)
        return NULL;
    FwCfg *s = (FwCfg *)dev;
    s->dma_as = dma_as;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    mr_add_subregion(parent, base, s->mmio, 0);
    last_fw_cfg = s;
    return s;
}
