/*
 * pl011.c — the ARM PrimeCell UART (PL011), revision r1p5, following the
 * ARM PrimeCell UART (PL011) Technical Reference Manual (ARM DDI 0183G),
 * with the registers Linux's amba-pl011 driver uses:
 *
 *   0x000 DR      data; reads carry the error bits OE/BE/PE/FE (11:8)
 *   0x004 RSR/ECR error status of the last character read / write clears
 *   0x018 FR      flags: RI TXFE RXFF TXFF RXFE BUSY DCD DSR CTS
 *   0x020 ILPR    IrDA low-power divisor (stored; no IrDA line here)
 *   0x024 IBRD    integer baud divisor     0x028 FBRD fractional divisor
 *   0x02C LCR_H   line control: BRK PEN EPS STP2 FEN WLEN SPS
 *   0x030 CR      control: UARTEN SIREN SIRLP LBE TXE RXE DTR RTS ...
 *   0x034 IFLS    FIFO interrupt levels   0x038 IMSC interrupt mask
 *   0x03C RIS     raw status   0x040 MIS masked status   0x044 ICR clear
 *   0x048 DMACR   DMA control (stored; virt wires no DMA controller)
 *   0xFE0-0xFFC   PeriphID 0x11 0x10 0x34 0x00 (r1p5), PCellID
 *
 * FIFOs: r1p5 has 32-entry FIFOs (Linux derives 32 from the revision in
 * PeriphID2); LCR_H.FEN = 0 turns them into one-character holding
 * registers. Transmit is immediate: each DR write goes straight to the
 * chardev, so the transmit FIFO is always empty (TXFE=1, BUSY=0) and TXRIS
 * is set by every write, as the TRM's transmit interrupt is set when written
 * data has left the FIFO; it stays until ICR clears it. Receive follows the
 * TRM: RXRIS is set when the FIFO fill reaches the IFLS trigger level
 * (character mode: when a character arrives) and clears when reads bring it
 * below; RTRIS (receive timeout) is set when the FIFO holds data and nothing
 * more arrived for 32 bit periods at the programmed baud rate (a virtual
 * clock timer), and clears when the FIFO empties.
 *
 * Flow control: can_read reports the FIFO's free space (0 while the
 * receiver is disabled: UARTEN or RXE clear), so backend input waits in the
 * backend instead of being dropped; a read of DR that makes room calls
 * chr_accept_input(). A break from the backend (CHR_EVENT_BREAK, e.g. the
 * mux's Ctrl-A b) is received as a NUL character with BE set.
 *
 * Deliberate differences from the silicon, for a virtual serial line:
 *  - Transmission is not gated by UARTEN/TXE (logged under guest_errors):
 *    with a direct kernel boot no firmware has enabled the UART before
 *    Linux's earlycon writes to it.
 *  - The modem inputs read as a connected line: CTS, DSR and DCD asserted,
 *    RI not; their change interrupts never fire.
 *  - Transmitting a break (LCR_H.BRK), IrDA and DMA have no counterpart on
 *    a chardev: the bits are stored and logged under unimp.
 */
#include "devices/char/pl011.h"

#include "core/log.h"
#include "devices/primecell.h"

#define PL011_FIFO_DEPTH 32

enum {
    R_DR = 0x000, R_RSR = 0x004, R_FR = 0x018, R_ILPR = 0x020, R_IBRD = 0x024,
    R_FBRD = 0x028, R_LCR_H = 0x02C, R_CR = 0x030, R_IFLS = 0x034, R_IMSC = 0x038,
    R_RIS = 0x03C, R_MIS = 0x040, R_ICR = 0x044, R_DMACR = 0x048,
};

/* DR (read) error bits, and the same four in RSR (bits 3:0). */
#define DR_FE (1u << 8)
#define DR_PE (1u << 9)
#define DR_BE (1u << 10)
#define DR_OE (1u << 11)

#define FR_CTS  (1u << 0)
#define FR_DSR  (1u << 1)
#define FR_DCD  (1u << 2)
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define LCR_BRK  (1u << 0)
#define LCR_FEN  (1u << 4)
#define LCR_WLEN_SHIFT 5

#define CR_UARTEN (1u << 0)
#define CR_SIREN  (1u << 1)
#define CR_LBE    (1u << 7)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)

/* Interrupt bits, the same in IMSC, RIS, MIS and ICR. */
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_FE (1u << 7)
#define INT_PE (1u << 8)
#define INT_BE (1u << 9)
#define INT_OE (1u << 10)
#define INT_ALL 0x7FFu

#define DMACR_RXDMAE (1u << 0)
#define DMACR_TXDMAE (1u << 1)

static const uint8_t pl011_id[8] = {0x11, 0x10, 0x34, 0x00, PRIMECELL_CELL_ID};

typedef struct PL011 {
    Device dev;
    Chardev *chr;          /* the "chardev" property */
    MemoryRegion *mmio;
    IRQ *irq;
    Timer *rt_timer;
    Loop *loop;

    uint16_t rxfifo[PL011_FIFO_DEPTH]; /* 8 data bits + the 4 error bits */
    unsigned rx_head, rx_count;
    bool overrun;          /* a character was lost: OE goes with the next one */
    bool rx_refused;       /* can_read said 0: accept_input owed on room */

    uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    bool irq_level;
    uint32_t unimp_logged; /* LCR_BRK / CR_SIREN / DMA bits already logged */
    bool tx_disabled_logged;
} PL011;

static unsigned rx_depth(const PL011 *s)
{
    return (s->lcr_h & LCR_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO. */
static unsigned rx_trigger(const PL011 *s)
{
    static const unsigned eighths[] = {1, 2, 4, 6, 7};
    unsigned sel = (s->ifls >> 3) & 7;
    if (sel >= ARRAY_SIZE(eighths))
        sel = 2; /* reserved values: written values are checked and logged */
    return PL011_FIFO_DEPTH * eighths[sel] / 8;
}

static uint32_t word_mask(const PL011 *s)
{
    return (1u << (5 + ((s->lcr_h >> LCR_WLEN_SHIFT) & 3))) - 1;
}

static bool rx_enabled(const PL011 *s)
{
    return (s->cr & (CR_UARTEN | CR_RXE)) == (CR_UARTEN | CR_RXE);
}

static void pl011_update_irq(PL011 *s)
{
    bool level = (s->ris & s->imsc) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

/* 32 bit periods at the programmed divisor, in ns:
 * bit = 16 * (IBRD + FBRD/64) / UARTCLK. An unprogrammed divisor counts as
 * 115200 baud. */
static int64_t rx_timeout_ns(const PL011 *s)
{
    uint64_t div64 = (uint64_t)s->ibrd * 64 + s->fbrd;
    if (!div64)
        div64 = (uint64_t)PL011_UARTCLK_HZ * 64 / (16 * 115200);
    return (int64_t)(div64 * 32 * 16 * 1000000000ull / (64ull * PL011_UARTCLK_HZ));
}

/* Offers room to the backend again if it was told there was none. */
static void pl011_maybe_accept(PL011 *s)
{
    if (s->rx_refused && rx_enabled(s) && s->rx_count < rx_depth(s)) {
        s->rx_refused = false;
        chr_accept_input(s->chr);
    }
}

static void pl011_rx_push(PL011 *s, uint32_t v)
{
    if (s->rx_count >= rx_depth(s)) {
        /* The shift register is overwritten; the FIFO keeps its data. */
        s->overrun = true;
        s->ris |= INT_OE;
        pl011_update_irq(s);
        return;
    }
    if (s->overrun) {
        v |= DR_OE;
        s->overrun = false;
    }
    s->rxfifo[(s->rx_head + s->rx_count) % PL011_FIFO_DEPTH] = (uint16_t)v;
    s->rx_count++;
    if (!(s->lcr_h & LCR_FEN) || s->rx_count == rx_trigger(s))
        s->ris |= INT_RX;
    if (v & DR_BE)
        s->ris |= INT_BE;
    if (v & DR_FE)
        s->ris |= INT_FE;
    if (v & DR_PE)
        s->ris |= INT_PE;
    timer_mod(s->rt_timer, clock_get_ns(s->loop, CLK_VIRTUAL) + rx_timeout_ns(s));
    pl011_update_irq(s);
}

static uint32_t pl011_rx_pop(PL011 *s)
{
    if (!s->rx_count)
        return 0; /* an empty FIFO: drivers test FR.RXFE first */
    uint32_t v = s->rxfifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % PL011_FIFO_DEPTH;
    s->rx_count--;
    s->rsr = (v >> 8) & 0xF;
    if (!(s->lcr_h & LCR_FEN) || s->rx_count < rx_trigger(s))
        s->ris &= ~INT_RX;
    if (!s->rx_count) {
        s->ris &= ~INT_RT;
        timer_del(s->rt_timer);
    }
    pl011_update_irq(s);
    pl011_maybe_accept(s);
    return v;
}

static void pl011_rx_flush(PL011 *s)
{
    s->rx_head = s->rx_count = 0;
    s->overrun = false;
    s->ris &= ~(INT_RX | INT_RT);
    timer_del(s->rt_timer);
}

static void pl011_rt_expired(void *opaque)
{
    PL011 *s = opaque;
    if (s->rx_count) {
        s->ris |= INT_RT;
        pl011_update_irq(s);
    }
}

static void pl011_tx(PL011 *s, uint32_t value)
{
    if (!(s->cr & CR_UARTEN) || !(s->cr & CR_TXE)) {
        if (!s->tx_disabled_logged)
            qlog(LOG_GUEST_ERROR, "pl011: data written while the transmitter is disabled "
                 "(CR=0x%04x); sent anyway\n", s->cr);
        s->tx_disabled_logged = true;
    } else {
        s->tx_disabled_logged = false;
    }
    uint8_t ch = (uint8_t)(value & word_mask(s));
    if (s->cr & CR_LBE)
        pl011_rx_push(s, ch);
    else
        chr_write(s->chr, &ch, 1);
    /* The character left the (always empty) transmit FIFO at once. */
    s->ris |= INT_TX;
    pl011_update_irq(s);
}

static void log_unimp_once(PL011 *s, uint32_t bit, const char *what)
{
    if (!(s->unimp_logged & bit))
        qlog(LOG_UNIMP, "pl011: %s is not emulated\n", what);
    s->unimp_logged |= bit;
}

static uint64_t pl011_read(void *opaque, hwaddr offset, unsigned size)
{
    PL011 *s = opaque;
    uint64_t v;
    if (offset & 3) {
        qlog(LOG_GUEST_ERROR, "pl011: unaligned read at 0x%03" PRIx64 "\n", offset);
        return 0;
    }
    switch (offset) {
    case R_DR:
        return pl011_rx_pop(s);
    case R_RSR:
        return s->rsr;
    case R_FR:
        v = FR_TXFE | FR_CTS | FR_DSR | FR_DCD;
        if (!s->rx_count)
            v |= FR_RXFE;
        if (s->rx_count >= rx_depth(s))
            v |= FR_RXFF;
        return v;
    case R_ILPR:
        return s->ilpr;
    case R_IBRD:
        return s->ibrd;
    case R_FBRD:
        return s->fbrd;
    case R_LCR_H:
        return s->lcr_h;
    case R_CR:
        return s->cr;
    case R_IFLS:
        return s->ifls;
    case R_IMSC:
        return s->imsc;
    case R_RIS:
        return s->ris;
    case R_MIS:
        return s->ris & s->imsc;
    case R_DMACR:
        return s->dmacr;
    }
    if (primecell_id_read(pl011_id, offset, &v))
        return v;
    qlog(LOG_GUEST_ERROR, "pl011: read of %s register at 0x%03" PRIx64 "\n",
         offset == R_ICR ? "the write-only" : "a reserved", offset);
    return 0;
}

static void pl011_write(void *opaque, hwaddr offset, uint64_t value, unsigned size)
{
    PL011 *s = opaque;
    uint32_t v = (uint32_t)value;
    if (offset & 3) {
        qlog(LOG_GUEST_ERROR, "pl011: unaligned write at 0x%03" PRIx64 "\n", offset);
        return;
    }
    switch (offset) {
    case R_DR:
        pl011_tx(s, v);
        return;
    case R_RSR: /* ECR: any write clears the error status */
        s->rsr = 0;
        return;
    case R_ILPR:
        s->ilpr = v & 0xFF;
        return;
    case R_IBRD:
        s->ibrd = v & 0xFFFF;
        return;
    case R_FBRD:
        s->fbrd = v & 0x3F;
        return;
    case R_LCR_H:
        if ((s->lcr_h ^ v) & LCR_FEN)
            pl011_rx_flush(s); /* switching between FIFO and holding register */
        s->lcr_h = v & 0xFF;
        if (v & LCR_BRK)
            log_unimp_once(s, LCR_BRK, "sending a break (LCR_H.BRK)");
        pl011_update_irq(s);
        pl011_maybe_accept(s);
        return;
    case R_CR:
        s->cr = v & 0xFF87; /* bits 6:3 are reserved */
        if (v & CR_SIREN)
            log_unimp_once(s, CR_SIREN, "the IrDA SIR encoder (CR.SIREN)");
        pl011_maybe_accept(s);
        return;
    case R_IFLS:
        if (((v >> 3) & 7) > 4 || (v & 7) > 4)
            qlog(LOG_GUEST_ERROR, "pl011: IFLS 0x%02x selects a reserved trigger level\n", v);
        s->ifls = v & 0x3F;
        return;
    case R_IMSC:
        s->imsc = v & INT_ALL;
        pl011_update_irq(s);
        return;
    case R_ICR:
        s->ris &= ~(v & INT_ALL);
        pl011_update_irq(s);
        return;
    case R_DMACR:
        s->dmacr = v & 7;
        if (v & (DMACR_RXDMAE | DMACR_TXDMAE))
            log_unimp_once(s, 1u << 31, "DMA (no DMA controller is wired)");
        return;
    }
    qlog(LOG_GUEST_ERROR, "pl011: write of 0x%x to %s register at 0x%03" PRIx64 "\n", v,
         offset >= PRIMECELL_ID_BASE || offset == R_FR || offset == R_RIS || offset == R_MIS
             ? "a read-only" : "a reserved", offset);
}

static const MemOps pl011_ops = {
    .read = pl011_read,
    .write = pl011_write,
    .min_size = 1,
    .max_size = 4,
};

/* ---- the chardev side ---------------------------------------------------- */

static int pl011_can_read(void *opaque)
{
    PL011 *s = opaque;
    int room = rx_enabled(s) ? (int)(rx_depth(s) - s->rx_count) : 0;
    if (room <= 0) {
        s->rx_refused = true;
        return 0;
    }
    return room;
}

static void pl011_chr_read(void *opaque, const uint8_t *buf, int len)
{
    PL011 *s = opaque;
    for (int i = 0; i < len; i++)
        pl011_rx_push(s, buf[i] & word_mask(s));
}

static void pl011_chr_event(void *opaque, ChrEvent ev)
{
    PL011 *s = opaque;
    if (ev == CHR_EVENT_BREAK && rx_enabled(s))
        pl011_rx_push(s, DR_BE);
}

/* ---- the device ---------------------------------------------------------- */

static void pl011_reset(Device *dev)
{
    PL011 *s = (PL011 *)dev;
    pl011_rx_flush(s);
    s->rsr = s->ilpr = s->ibrd = s->fbrd = s->lcr_h = 0;
    s->cr = CR_TXE | CR_RXE;
    s->ifls = 0x12; /* both levels at 1/2 */
    s->imsc = s->ris = s->dmacr = 0;
    s->unimp_logged = 0;
    s->tx_disabled_logged = false;
    pl011_update_irq(s);
}

static int pl011_realize(Device *dev, Error **errp)
{
    PL011 *s = (PL011 *)dev;
    if (!s->loop) {
        error_setg(errp, "pl011: created without an event loop (use pl011_create)");
        return -1;
    }
    if (s->chr && chr_set_handlers(s->chr, pl011_can_read, pl011_chr_read, pl011_chr_event,
                                   s, errp) < 0)
        return -1;
    s->rt_timer = timer_new(s->loop, CLK_VIRTUAL, pl011_rt_expired, s);
    s->mmio = mr_new_mmio("pl011", PL011_MMIO_SIZE, &pl011_ops, s);
    pl011_reset(dev);
    return 0;
}

static const Property pl011_props[] = {
    {.name = "chardev", .type = PROP_CHARDEV, .offset = offsetof(PL011, chr),
     .desc = "the backend of the serial line"},
    {0},
};

DEVICE_TYPE(pl011_type,
    .name = "pl011",
    .desc = "ARM PrimeCell UART (PL011)",
    .category = "system",
    .bus = "sysbus",
    .instance_size = sizeof(PL011),
    .props = pl011_props,
    .realize = pl011_realize,
    .reset = pl011_reset,
);

Device *pl011_create(Loop *loop, MemoryRegion *parent, hwaddr base, IRQ *irq,
                     Chardev *chr, Error **errp)
{
    Device *dev = device_new("pl011", errp);
    if (!dev)
        return NULL;
    PL011 *s = (PL011 *)dev;
    s->loop = loop;
    s->irq = irq;
    s->chr = chr;
    if (device_realize(dev, NULL, errp) < 0) {
        s->chr = NULL; /* not ours to free */
        device_free(dev);
        return NULL;
    }
    mr_add_subregion(parent, base, s->mmio, 0);
    return dev;
}
