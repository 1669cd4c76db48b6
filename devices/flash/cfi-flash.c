/*
 * cfi-flash.c — a bank of parallel NOR flash with the Intel/Sharp command
 * set (CFI primary vendor command set 0001), following Intel's "Common
 * Flash Interface (CFI) and Command Sets" (AP-646), JEDEC JESD68.01 (the
 * query structure) and the Intel StrataFlash J3 and P30 datasheets (the
 * commands, status register and identifier codes).
 *
 * A bank is bank_width bytes wide and made of bank_width / device_width
 * chips side by side (virt: two x16 chips on a 32-bit bus). The chips are
 * modelled in lockstep: a command is the low byte of the written value
 * (chip 0's DQ7-0; drivers write it to every chip, 0x00700070), and what
 * a chip answers (status, identifier, query) appears in every chip's lane
 * (0x00800080). Addresses given to the chips are bank offset / bank_width.
 *
 * Read Array mode (after reset and 0xFF/0xF0) maps the storage for direct
 * reads and execution (a ROM device); any other mode reads through here.
 *
 *   0xFF, 0xF0  read array          0x70  read status register
 *   0x90        read identifier     0x50  clear status register
 *   0x98        CFI query
 *   0x40, 0x10  word program: the next write is programmed
 *   0xE8        write to buffer: count-1, then count words, then 0xD0
 *   0x20        block erase, confirmed by 0xD0 (the block of the confirm)
 *   0x60        block lock setup, then 0x01 lock, 0xD0 unlock, 0x2F lock-down
 *   0xB0        program/erase suspend (nothing is ever in progress)
 *
 * Programming only clears bits (new = old & data); erase sets a block to
 * all ones. Operations finish at once: the status register always says
 * ready (SR.7); SR.5/SR.4 report erase/program errors (both: a bad command
 * sequence), SR.1 an operation refused on a locked block. Block lock bits
 * are volatile: after a machine reset every block is unlocked (and not
 * locked down). Identifier mode (as the P30 answers it in every block):
 * manufacturer at a block's chip address + 0, device code at + 1, the
 * block's lock state at + 2. Not
 * modelled (logged under unimp): the protection (OTP) registers (0xC0),
 * buffered enhanced factory programming (0x80), configuration (0xB8/0x03).
 */
#include "devices/flash/cfi-flash.h"

#include "core/log.h"

enum {
    CMD_READ_ARRAY = 0xFF, CMD_RESET = 0xF0, CMD_READ_STATUS = 0x70, CMD_CLEAR_STATUS = 0x50,
    CMD_READ_ID = 0x90, CMD_QUERY = 0x98, CMD_PROGRAM = 0x40, CMD_PROGRAM_ALT = 0x10,
    CMD_WRITE_BUFFER = 0xE8, CMD_ERASE = 0x20, CMD_CONFIRM = 0xD0, CMD_LOCK_SETUP = 0x60,
    CMD_LOCK = 0x01, CMD_LOCK_DOWN = 0x2F, CMD_SUSPEND = 0xB0,
};

enum {
    SR_READY = 0x80, SR_ERASE_ERR = 0x20, SR_PROGRAM_ERR = 0x10, SR_LOCKED = 0x02,
    SR_SEQUENCE_ERR = SR_ERASE_ERR | SR_PROGRAM_ERR,
};

typedef enum {
    MODE_ARRAY,       /* reads: the storage (ROM mode) */
    MODE_STATUS,      /* reads: the status register */
    MODE_ID,          /* reads: identifier codes */
    MODE_QUERY,       /* reads: the CFI query table */
    MODE_PROGRAM,     /* the next write is data */
    MODE_ERASE,       /* the next write must be the confirm */
    MODE_LOCK,        /* the next write is the lock command */
    MODE_BUF_COUNT,   /* the next write is the word count; reads: the XSR */
    MODE_BUF_DATA,    /* words to the buffer */
    MODE_BUF_CONFIRM, /* the buffer is full: the next write must be the confirm */
} FlashMode;

#define MAX_CHIP_BUFFER 64          /* bytes a chip's write buffer holds */
#define MAX_BANK_BUFFER (MAX_CHIP_BUFFER * 8)

typedef struct CfiFlash {
    Device dev;
    char *name;
    CfiFlashConfig cfg;
    MemoryRegion *mr;
    uint8_t *store;
    unsigned chips;
    uint64_t nblocks;
    uint8_t *lock;                  /* per block: bit 0 locked, bit 1 locked down */
    uint8_t query[0x50];            /* one chip's query table by chip address */
    FlashMode mode;
    uint8_t status;
    /* write to buffer */
    hwaddr buf_base;                /* bank offset of the buffer's window */
    unsigned buf_words, buf_left;
    uint8_t buf[MAX_BANK_BUFFER];
    uint8_t buf_mask[MAX_BANK_BUFFER]; /* bytes written into buf */
} CfiFlash;

static const char *fname(const CfiFlash *s)
{
    return s->name;
}

static unsigned log2u(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* One chip's query table (AP-646 tables 3-7; the Intel extended table at
 * P = 0x31, version 1.0). Addresses are chip word addresses. */
static void build_query(CfiFlash *s)
{
    uint8_t *q = s->query;
    uint64_t chip_size = s->cfg.size / s->chips;
    uint64_t chip_block = s->cfg.block_size / s->chips;
    memset(q, 0, sizeof(s->query));
    q[0x10] = 'Q', q[0x11] = 'R', q[0x12] = 'Y';
    q[0x13] = 0x01, q[0x14] = 0x00;  /* primary command set: Intel/Sharp extended */
    q[0x15] = 0x31, q[0x16] = 0x00;  /* its extended table at 0x31 */
    q[0x17] = 0x00, q[0x18] = 0x00;  /* no alternate command set */
    q[0x19] = 0x00, q[0x1A] = 0x00;
    q[0x1B] = 0x27, q[0x1C] = 0x36;  /* Vcc 2.7-3.6 V */
    q[0x1D] = 0x00, q[0x1E] = 0x00;  /* no Vpp pin */
    q[0x1F] = 0x08;                  /* typical word program 2^8 us */
    q[0x20] = 0x08;                  /* typical buffer write 2^8 us */
    q[0x21] = 0x0A;                  /* typical block erase 2^10 ms */
    q[0x22] = 0x00;                  /* no chip erase */
    q[0x23] = 0x01, q[0x24] = 0x01, q[0x25] = 0x02, q[0x26] = 0x00; /* maxima: 2^N x typical */
    q[0x27] = (uint8_t)log2u(chip_size);
    q[0x28] = s->cfg.device_width == 1 ? 0x00 : s->cfg.device_width == 2 ? 0x01 : 0x03;
    q[0x29] = 0x00;                  /* interface: x8, x16 or x32 only */
    q[0x2A] = (uint8_t)log2u(MAX_CHIP_BUFFER), q[0x2B] = 0x00;
    q[0x2C] = 0x01;                  /* one erase block region */
    uint64_t nb = s->nblocks - 1, bs = chip_block / 256;
    q[0x2D] = (uint8_t)nb, q[0x2E] = (uint8_t)(nb >> 8);
    q[0x2F] = (uint8_t)bs, q[0x30] = (uint8_t)(bs >> 8);
    /* the Intel extended table */
    q[0x31] = 'P', q[0x32] = 'R', q[0x33] = 'I';
    q[0x34] = '1', q[0x35] = '0';
    q[0x36] = 0x20;                  /* features: instant individual block locking */
    q[0x37] = q[0x38] = q[0x39] = 0x00;
    q[0x3A] = 0x00;                  /* functions after suspend: none */
    q[0x3B] = 0x03, q[0x3C] = 0x00;  /* block status: lock and lock-down bits */
    q[0x3D] = 0x33;                  /* Vcc optimum 3.3 V */
    q[0x3E] = 0x00;                  /* Vpp optimum: none */
    q[0x3F] = 0x00;                  /* no protection register fields */
}

static void set_mode(CfiFlash *s, FlashMode mode)
{
    s->mode = mode;
    mr_set_romd(s->mr, mode == MODE_ARRAY);
}

/* A chip's 16-bit answer at bank offset `off` in the current mode. */
static uint32_t chip_value(CfiFlash *s, hwaddr off)
{
    uint64_t addr = off / s->cfg.bank_width;        /* chip address */
    switch (s->mode) {
    case MODE_ID: {
        uint64_t in_block = addr % (s->cfg.block_size / s->cfg.bank_width);
        if (in_block == 0)
            return s->cfg.manufacturer;
        if (in_block == 1)
            return s->cfg.device_id;
        if (in_block == 2)
            return s->lock[off / s->cfg.block_size];
        return 0;
    }
    case MODE_QUERY:
        return addr < sizeof(s->query) ? s->query[addr] : 0;
    case MODE_BUF_COUNT:
        return SR_READY;                            /* XSR: the buffer is free */
    default:
        return s->status;
    }
}

static uint64_t flash_read(void *opaque, hwaddr off, unsigned size)
{
    CfiFlash *s = opaque;
    if (s->mode == MODE_ARRAY) {        /* a read racing the switch back */
        uint64_t v = 0;
        memcpy(&v, s->store + off, size);
        return v;
    }
    /* Every chip's lane holds its answer; the access takes the bytes it covers. */
    uint64_t v = 0;
    unsigned dw = s->cfg.device_width;
    for (unsigned i = 0; i < size; i++) {
        hwaddr o = off + i;
        hwaddr lane = o % s->cfg.bank_width % dw;
        uint32_t c = chip_value(s, o - o % s->cfg.bank_width);
        v |= (uint64_t)((c >> (8 * lane)) & 0xFF) << (8 * i);
    }
    return v;
}

static uint64_t block_of(CfiFlash *s, hwaddr off)
{
    return off / s->cfg.block_size;
}

static void program(CfiFlash *s, hwaddr off, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        s->store[off + i] &= (uint8_t)(v >> (8 * i));
}

static void buffer_start(CfiFlash *s, hwaddr off)
{
    unsigned window = MAX_CHIP_BUFFER * s->chips;
    s->buf_base = off - off % window;
    memset(s->buf_mask, 0, sizeof(s->buf_mask));
    set_mode(s, MODE_BUF_COUNT);
}

static void buffer_count(CfiFlash *s, uint64_t v)
{
    unsigned words = (unsigned)(v & 0xFFFF) + 1;
    if (words > MAX_CHIP_BUFFER / s->cfg.device_width) {
        qlog(LOG_GUEST_ERROR, "%s: write to buffer of %u words: a chip's buffer holds %u\n",
             fname(s), words, MAX_CHIP_BUFFER / s->cfg.device_width);
        s->status |= SR_SEQUENCE_ERR;
        set_mode(s, MODE_STATUS);
        return;
    }
    s->buf_words = s->buf_left = words;
    set_mode(s, MODE_BUF_DATA);
}

static void buffer_data(CfiFlash *s, hwaddr off, uint64_t v, unsigned size)
{
    unsigned window = MAX_CHIP_BUFFER * s->chips;
    if (off < s->buf_base || off + size > s->buf_base + window) {
        qlog(LOG_GUEST_ERROR, "%s: write to buffer at 0x%" PRIx64 " outside its window "
             "0x%" PRIx64 "+0x%x\n", fname(s), (uint64_t)off, (uint64_t)s->buf_base, window);
        s->status |= SR_SEQUENCE_ERR;
        set_mode(s, MODE_STATUS);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        s->buf[off - s->buf_base + i] = (uint8_t)(v >> (8 * i));
        s->buf_mask[off - s->buf_base + i] = 1;
    }
    unsigned words = size / s->cfg.bank_width;
    words = words ? words : 1;
    s->buf_left = words >= s->buf_left ? 0 : s->buf_left - words;
    if (!s->buf_left)
        set_mode(s, MODE_BUF_CONFIRM);
}

static void buffer_confirm(CfiFlash *s, uint8_t cmd)
{
    if (cmd != CMD_CONFIRM) {
        qlog(LOG_GUEST_ERROR, "%s: write to buffer confirmed with 0x%02x, not 0xd0\n",
             fname(s), cmd);
        s->status |= SR_SEQUENCE_ERR;
    } else if (s->lock[block_of(s, s->buf_base)] & 1) {
        s->status |= SR_PROGRAM_ERR | SR_LOCKED;
    } else {
        unsigned window = MAX_CHIP_BUFFER * s->chips;
        for (unsigned i = 0; i < window && s->buf_base + i < s->cfg.size; i++)
            if (s->buf_mask[i])
                s->store[s->buf_base + i] &= s->buf[i];
    }
    set_mode(s, MODE_STATUS);
}

static void lock_command(CfiFlash *s, hwaddr off, uint8_t cmd)
{
    uint8_t *l = &s->lock[block_of(s, off)];
    switch (cmd) {
    case CMD_LOCK:
        *l |= 1;
        break;
    case CMD_LOCK_DOWN:
        *l |= 3;
        break;
    case CMD_CONFIRM:
        if (*l & 2)
            qlog(LOG_GUEST_ERROR, "%s: unlock of locked-down block at 0x%" PRIx64 " refused\n",
                 fname(s), (uint64_t)off);
        else
            *l &= (uint8_t)~1;
        break;
    default:
        qlog(LOG_GUEST_ERROR, "%s: block lock setup followed by 0x%02x\n", fname(s), cmd);
        s->status |= SR_SEQUENCE_ERR;
        break;
    }
    set_mode(s, MODE_STATUS);
}

static void erase_confirm(CfiFlash *s, hwaddr off, uint8_t cmd)
{
    if (cmd != CMD_CONFIRM) {
        qlog(LOG_GUEST_ERROR, "%s: block erase confirmed with 0x%02x, not 0xd0\n", fname(s), cmd);
        s->status |= SR_SEQUENCE_ERR;
    } else if (s->lock[block_of(s, off)] & 1) {
        s->status |= SR_ERASE_ERR | SR_LOCKED;
    } else {
        hwaddr base = block_of(s, off) * s->cfg.block_size;
        memset(s->store + base, 0xFF, s->cfg.block_size);
    }
    set_mode(s, MODE_STATUS);
}

static void flash_command(CfiFlash *s, hwaddr off, uint8_t cmd)
{
    switch (cmd) {
    case CMD_READ_ARRAY:
    case CMD_RESET:
        set_mode(s, MODE_ARRAY);
        return;
    case CMD_READ_STATUS:
        set_mode(s, MODE_STATUS);
        return;
    case CMD_CLEAR_STATUS:
        s->status = SR_READY;
        return;                     /* the read mode stays */
    case CMD_READ_ID:
        set_mode(s, MODE_ID);
        return;
    case CMD_QUERY:
        set_mode(s, MODE_QUERY);
        return;
    case CMD_PROGRAM:
    case CMD_PROGRAM_ALT:
        set_mode(s, MODE_PROGRAM);
        return;
    case CMD_WRITE_BUFFER:
        buffer_start(s, off);
        return;
    case CMD_ERASE:
        set_mode(s, MODE_ERASE);
        return;
    case CMD_LOCK_SETUP:
        set_mode(s, MODE_LOCK);
        return;
    case CMD_SUSPEND:
    case CMD_CONFIRM:               /* resume: nothing was suspended */
        set_mode(s, MODE_STATUS);
        return;
    case 0xC0:
    case 0x80:
    case 0xB8:
    case 0x03:
        qlog(LOG_UNIMP, "%s: command 0x%02x (protection registers, enhanced factory "
             "programming or configuration) is not modelled\n", fname(s), cmd);
        s->status |= SR_SEQUENCE_ERR;
        set_mode(s, MODE_STATUS);
        return;
    default:
        qlog(LOG_GUEST_ERROR, "%s: unknown command 0x%02x at 0x%" PRIx64 "; back to read "
             "array\n", fname(s), cmd, (uint64_t)off);
        set_mode(s, MODE_ARRAY);
        return;
    }
}

static void flash_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    CfiFlash *s = opaque;
    uint8_t cmd = (uint8_t)v;
    switch (s->mode) {
    case MODE_PROGRAM:
        if (s->lock[block_of(s, off)] & 1)
            s->status |= SR_PROGRAM_ERR | SR_LOCKED;
        else
            program(s, off, v, size);
        set_mode(s, MODE_STATUS);
        return;
    case MODE_ERASE:
        erase_confirm(s, off, cmd);
        return;
    case MODE_LOCK:
        lock_command(s, off, cmd);
        return;
    case MODE_BUF_COUNT:
        buffer_count(s, v);
        return;
    case MODE_BUF_DATA:
        buffer_data(s, off, v, size);
        return;
    case MODE_BUF_CONFIRM:
        buffer_confirm(s, cmd);
        return;
    default:
        flash_command(s, off, cmd);
        return;
    }
}

static const MemOps flash_ops = {
    .read = flash_read,
    .write = flash_write,
    .min_size = 1,
    .max_size = 8,
};

static void flash_reset(Device *dev)
{
    CfiFlash *s = (CfiFlash *)dev;
    memset(s->lock, 0, s->nblocks);
    s->status = SR_READY;
    set_mode(s, MODE_ARRAY);
}

static int flash_realize(Device *dev, Error **errp)
{
    CfiFlash *s = (CfiFlash *)dev;
    const CfiFlashConfig *c = &s->cfg;
    if (!c->bank_width || !c->device_width || c->bank_width > 8 || !IS_POW2(c->bank_width) ||
        !IS_POW2(c->device_width) || c->device_width > c->bank_width || !c->block_size ||
        !IS_POW2(c->block_size) || c->size % c->block_size || !c->size) {
        error_setg(errp, "%s: bad flash geometry", fname(s));
        return -1;
    }
    s->chips = c->bank_width / c->device_width;
    s->nblocks = c->size / c->block_size;
    s->mr = mr_new_romd(s->name, c->size, &flash_ops, s, errp);
    if (!s->mr)
        return -1;
    s->store = mr_ram_ptr(s->mr);
    s->lock = xzalloc(s->nblocks);
    build_query(s);
    flash_reset(dev);
    return 0;
}

DEVICE_TYPE(cfi_flash_type,
    .name = "cfi-flash",
    .desc = "parallel NOR flash, Intel/Sharp command set with CFI",
    .category = "storage",
    .bus = "sysbus",
    .instance_size = sizeof(CfiFlash),
    .realize = flash_realize,
    .reset = flash_reset,
);

Device *cfi_flash_create(MemoryRegion *parent, hwaddr base, const char *name,
                         const CfiFlashConfig *cfg, Error **errp)
{
    Device *dev = device_new("cfi-flash", errp);
    if (!dev)
        return NULL;
    CfiFlash *s = (CfiFlash *)dev;
    s->name = xstrdup(name);
    s->cfg = *cfg;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    mr_add_subregion(parent, base, s->mr, 0);
    return dev;
}

uint8_t *cfi_flash_storage(Device *dev)
{
    return ((CfiFlash *)dev)->store;
}

MemoryRegion *cfi_flash_region(Device *dev)
{
    return ((CfiFlash *)dev)->mr;
}
