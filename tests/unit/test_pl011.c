/*
 * test_pl011.c — the PL011 UART through its registers: IDs and reset
 * values, transmit to the chardev, receive through the FIFO and the
 * character-mode holding register, flow control when the FIFO is full or
 * the receiver is off, the RX/TX/RT/BE/OE interrupts against IMSC/ICR,
 * break, loopback, word length, and bad accesses.
 */
#include "tests/unit/devtest.h"

#include "devices/char/pl011.h"

#define BASE 0x09000000ull
enum {
    DR = 0x00, RSR = 0x04, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2C, CR = 0x30,
    IFLS = 0x34, IMSC = 0x38, RIS = 0x3C, MIS = 0x40, ICR = 0x44, DMACR = 0x48,
};
#define FR_RXFE 0x10
#define FR_RXFF 0x40
#define FR_TXFE 0x80
#define INT_RX 0x10
#define INT_TX 0x20
#define INT_RT 0x40
#define INT_BE 0x200
#define INT_OE 0x400
#define CR_ON 0x301    /* UARTEN | TXE | RXE */
#define LCR_8N1_FIFO 0x70

typedef struct T {
    DevTest *d;
    Chardev *chr;
    int peer;
} T;

static int ids;

static int setup(void **state)
{
    dev_lock();
    T *t = xzalloc(sizeof(*t));
    t->d = devtest_new();
    char id[32];
    snprintf(id, sizeof(id), "uart%d", ids++);
    t->chr = devtest_chardev(t->d, id, &t->peer);
    Error *err = NULL;
    assert_non_null(pl011_create(t->d->loop, t->d->root, BASE, &t->d->irq[0], t->chr, &err));
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    T *t = *state;
    close(t->peer);
    free(t);
    dev_unlock();
    return 0;
}

static uint32_t r(T *t, hwaddr off) { return rd32(t->d, BASE + off); }
static void w(T *t, hwaddr off, uint32_t v) { wr32(t->d, BASE + off, v); }

static void feed(T *t, const char *s, size_t n)
{
    assert_int_equal(write(t->peer, s, n), (ssize_t)n);
    devtest_settle(t->d);
}

static void test_ids_and_reset(void **state)
{
    T *t = *state;
    static const uint8_t id[8] = {0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (int i = 0; i < 8; i++)
        assert_int_equal(r(t, 0xFE0 + 4 * i), id[i]);
    assert_int_equal(r(t, CR), 0x300);
    assert_int_equal(r(t, IFLS), 0x12);
    assert_int_equal(r(t, IMSC), 0);
    assert_int_equal(r(t, RIS), 0);
    /* TX FIFO empty, RX FIFO empty, and a connected line (DCD DSR CTS). */
    assert_int_equal(r(t, FR), FR_TXFE | FR_RXFE | 0x7);
    assert_int_equal(t->d->level[0], 0);
}

static void test_tx(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, LCR_8N1_FIFO);
    w(t, IMSC, INT_TX);
    assert_int_equal(t->d->level[0], 0); /* no data written yet: no TX interrupt */
    for (const char *p = "hello\n"; *p; p++)
        w(t, DR, (uint8_t)*p);
    uint8_t buf[16];
    assert_int_equal(devtest_peer_read(t->peer, buf, sizeof(buf)), 6);
    assert_memory_equal(buf, "hello\n", 6);
    assert_int_equal(r(t, FR) & FR_TXFE, FR_TXFE);
    assert_int_equal(r(t, RIS) & INT_TX, INT_TX);
    assert_int_equal(r(t, MIS), INT_TX);
    assert_int_equal(t->d->level[0], 1);
    w(t, ICR, INT_TX);
    assert_int_equal(r(t, RIS) & INT_TX, 0);
    assert_int_equal(t->d->level[0], 0);
    /* Masked: the raw status is set, the line is not. */
    w(t, IMSC, 0);
    w(t, DR, 'x');
    assert_int_equal(r(t, RIS) & INT_TX, INT_TX);
    assert_int_equal(t->d->level[0], 0);
    w(t, IMSC, INT_TX);
    assert_int_equal(t->d->level[0], 1);
    w(t, IMSC, 0);
    assert_int_equal(t->d->level[0], 0);
}

static void test_tx_word_length(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, 0x40 | 0x10); /* WLEN = 7 bits, FIFO */
    w(t, DR, 0xFF);
    w(t, LCR_H, 0x00 | 0x10); /* 5 bits */
    w(t, DR, 0xFF);
    uint8_t buf[4];
    assert_int_equal(devtest_peer_read(t->peer, buf, sizeof(buf)), 2);
    assert_int_equal(buf[0], 0x7F);
    assert_int_equal(buf[1], 0x1F);
}

static void test_rx_fifo(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, LCR_8N1_FIFO);
    feed(t, "abcde", 5);
    assert_int_equal(r(t, FR) & (FR_RXFE | FR_RXFF), 0);
    char got[6] = {0};
    for (int i = 0; i < 5; i++) {
        uint32_t v = r(t, DR);
        assert_int_equal(v & 0xF00, 0); /* no error bits */
        got[i] = (char)v;
    }
    assert_string_equal(got, "abcde");
    assert_int_equal(r(t, FR) & FR_RXFE, FR_RXFE);
    assert_int_equal(r(t, RSR), 0);
}

/* A full FIFO stops the backend (can_read 0); reading makes room and the
 * rest arrives in order, none lost. */
static void test_rx_flow_control(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, LCR_8N1_FIFO);
    char msg[80];
    for (int i = 0; i < 80; i++)
        msg[i] = (char)('0' + i % 64);
    feed(t, msg, sizeof(msg));
    assert_int_equal(r(t, FR) & FR_RXFF, FR_RXFF);
    for (int i = 0; i < 80; i++) {
        devtest_settle(t->d);
        assert_int_equal(r(t, FR) & FR_RXFE, 0);
        uint32_t v = r(t, DR);
        assert_int_equal(v & 0xF00, 0); /* never an overrun */
        assert_int_equal((char)v, msg[i]);
    }
    devtest_settle(t->d);
    assert_int_equal(r(t, FR) & FR_RXFE, FR_RXFE);
    assert_int_equal(r(t, RIS) & INT_OE, 0);
}

/* FEN = 0: one character at a time. */
static void test_rx_char_mode(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, 0x60); /* 8 bits, no FIFO */
    w(t, IMSC, INT_RX);
    feed(t, "xyz", 3);
    assert_int_equal(r(t, FR) & (FR_RXFF | FR_RXFE), FR_RXFF);
    assert_int_equal(t->d->level[0], 1);
    assert_int_equal(r(t, DR), 'x');
    assert_int_equal(t->d->level[0], 0);
    assert_int_equal(r(t, FR) & FR_RXFE, FR_RXFE);
    devtest_settle(t->d);
    assert_int_equal(t->d->level[0], 1);
    assert_int_equal(r(t, DR), 'y');
    devtest_settle(t->d);
    assert_int_equal(r(t, DR), 'z');
    assert_int_equal(t->d->level[0], 0);
}

/* Input waits in the backend while UARTEN or RXE is clear. */
static void test_rx_disabled(void **state)
{
    T *t = *state;
    w(t, LCR_H, LCR_8N1_FIFO);
    feed(t, "q", 1); /* CR at reset: UARTEN clear */
    assert_int_equal(r(t, FR) & FR_RXFE, FR_RXFE);
    w(t, CR, 0x101); /* UARTEN | TXE, no RXE */
    devtest_settle(t->d);
    assert_int_equal(r(t, FR) & FR_RXFE, FR_RXFE);
    w(t, CR, CR_ON);
    devtest_settle(t->d);
    assert_int_equal(r(t, DR), 'q');
}

/* RX at the trigger level (IFLS 1/2 of 32 = 16); RT after 32 bit periods
 * with data below it; both clear as the FIFO drains. */
static void test_rx_interrupts(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, LCR_8N1_FIFO);
    w(t, IBRD, 13); /* 115200 baud at 24 MHz: 32 bits = 278 us */
    w(t, FBRD, 1);
    w(t, IMSC, INT_RX | INT_RT);
    feed(t, "0123456789abcde", 15);
    assert_int_equal(r(t, RIS) & (INT_RX | INT_RT), 0);
    assert_int_equal(t->d->level[0], 0);
    feed(t, "f", 1);
    assert_int_equal(r(t, RIS) & INT_RX, INT_RX);
    assert_int_equal(t->d->level[0], 1);
    r(t, DR); /* 15 left: below the trigger */
    assert_int_equal(r(t, RIS) & INT_RX, 0);
    assert_int_equal(t->d->level[0], 0);
    /* Receive timeout: not yet after 200 us, then after 300 us. */
    devtest_advance(t->d, 200 * 1000);
    assert_int_equal(r(t, RIS) & INT_RT, 0);
    devtest_advance(t->d, 100 * 1000);
    assert_int_equal(r(t, RIS) & INT_RT, INT_RT);
    assert_int_equal(t->d->level[0], 1);
    for (int i = 0; i < 15; i++)
        r(t, DR);
    assert_int_equal(r(t, RIS) & INT_RT, 0);
    assert_int_equal(t->d->level[0], 0);
    /* ICR clears RT while data remains. */
    feed(t, "z", 1);
    devtest_advance(t->d, 1000 * 1000);
    assert_int_equal(t->d->level[0], 1);
    w(t, ICR, INT_RT);
    assert_int_equal(t->d->level[0], 0);
    assert_int_equal(r(t, DR), 'z');
}

static void test_break(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, LCR_8N1_FIFO);
    w(t, IMSC, 0x200); /* BEIM */
    chr_be_event(t->chr, CHR_EVENT_BREAK);
    assert_int_equal(r(t, RIS) & INT_BE, INT_BE);
    assert_int_equal(t->d->level[0], 1);
    uint32_t v = r(t, DR);
    assert_int_equal(v, 0x400); /* a NUL with BE */
    assert_int_equal(r(t, RSR), 0x4);
    w(t, RSR, 0); /* ECR */
    assert_int_equal(r(t, RSR), 0);
    w(t, ICR, 0x7FF);
    assert_int_equal(t->d->level[0], 0);
}

/* Loopback: transmitted data is received, not sent; more than the FIFO
 * holds overruns and marks the next character with OE. */
static void test_loopback_overrun(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON | 0x80);
    w(t, LCR_H, LCR_8N1_FIFO);
    for (int i = 0; i < 34; i++)
        w(t, DR, 'A' + (i % 26));
    uint8_t buf[4];
    assert_int_equal(devtest_peer_read(t->peer, buf, sizeof(buf)), 0);
    assert_int_equal(r(t, RIS) & INT_OE, INT_OE);
    for (int i = 0; i < 32; i++)
        assert_int_equal(r(t, DR), 'A' + (i % 26));
    w(t, DR, '!');
    assert_int_equal(r(t, DR), 0x800 | '!');
    assert_int_equal(r(t, RSR), 0x8);
}

static void test_bad_accesses(void **state)
{
    T *t = *state;
    assert_int_equal(r(t, ICR), 0);        /* write-only */
    assert_int_equal(r(t, 0x08), 0);       /* reserved */
    assert_int_equal(r(t, 0x800), 0);
    w(t, FR, 0xFFFF);                      /* read-only: ignored */
    w(t, RIS, 0xFFFF);
    w(t, 0xFE0, 0);
    assert_int_equal(r(t, 0xFE0), 0x11);
    uint64_t v;
    assert_int_equal(as_read_uint(t->d->as, BASE + 0x19, 1, &v), MEMTX_OK);
    assert_int_equal(v, 0);
    /* 16-bit accesses (Linux's UPIO_MEM) work on the registers. */
    assert_int_equal(as_write_uint(t->d->as, BASE + CR, 2, CR_ON), MEMTX_OK);
    assert_int_equal(as_read_uint(t->d->as, BASE + CR, 2, &v), MEMTX_OK);
    assert_int_equal(v, CR_ON);
    w(t, IFLS, 0x3F); /* reserved levels: logged, treated as 1/2 */
    w(t, DMACR, 0x7);
    assert_int_equal(r(t, DMACR), 0x7);
}

static void test_reset(void **state)
{
    T *t = *state;
    w(t, CR, CR_ON);
    w(t, LCR_H, LCR_8N1_FIFO);
    w(t, IMSC, INT_TX);
    w(t, DR, 'x');
    feed(t, "abc", 3);
    assert_int_equal(t->d->level[0], 1);
    device_reset_all();
    assert_int_equal(t->d->level[0], 0);
    assert_int_equal(r(t, CR), 0x300);
    assert_int_equal(r(t, FR) & FR_RXFE, FR_RXFE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_word_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_flow_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_char_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_interrupts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_break, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_overrun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_accesses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
