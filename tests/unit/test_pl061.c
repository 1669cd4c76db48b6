/*
 * test_pl061.c — the PL061 GPIO through its registers: IDs, the masked
 * data addressing, inputs driven by the board, outputs seen by the board,
 * edge (single and both) and level interrupts, IC, and reset.
 */
#include "tests/unit/devtest.h"

#include "devices/gpio/pl061.h"

#define BASE 0x09030000ull
enum { DIR = 0x400, IS = 0x404, IBE = 0x408, IEV = 0x40C, IE = 0x410, RIS = 0x414,
       MIS = 0x418, IC = 0x41C, AFSEL = 0x420 };

typedef struct T {
    DevTest *d;
    Device *gpio;
    IRQ *in;
} T;

static int setup(void **state)
{
    dev_lock();
    T *t = xzalloc(sizeof(*t));
    t->d = devtest_new();
    Error *err = NULL;
    t->gpio = pl061_create(t->d->root, BASE, &t->d->irq[0], &err);
    assert_non_null(t->gpio);
    t->in = pl061_inputs(t->gpio);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    dev_unlock();
    return 0;
}

static uint32_t r(T *t, hwaddr off) { return rd32(t->d, BASE + off); }
static void w(T *t, hwaddr off, uint32_t v) { wr32(t->d, BASE + off, v); }
/* GPIODATA with address mask m. */
static uint32_t rdata(T *t, uint8_t m) { return r(t, (hwaddr)m << 2); }
static void wdata(T *t, uint8_t m, uint32_t v) { w(t, (hwaddr)m << 2, v); }

static void test_ids(void **state)
{
    T *t = *state;
    static const uint8_t id[8] = {0x61, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (int i = 0; i < 8; i++)
        assert_int_equal(r(t, 0xFE0 + 4 * i), id[i]);
}

static void test_masked_data(void **state)
{
    T *t = *state;
    w(t, DIR, 0xFF);
    wdata(t, 0xFF, 0xA5);
    assert_int_equal(rdata(t, 0xFF), 0xA5);
    assert_int_equal(rdata(t, 0x0F), 0x05);     /* only the masked bits */
    assert_int_equal(rdata(t, 0x00), 0x00);
    wdata(t, 0x08, 0x00);                       /* clears bit 3 only */
    assert_int_equal(rdata(t, 0xFF), 0xA5 & ~0x08);
    wdata(t, 0x42, 0xFF);                       /* sets bits 6 and 1 only */
    assert_int_equal(rdata(t, 0xFF), (0xA5 & ~0x08) | 0x42);
    wdata(t, 0x00, 0x00);                       /* mask 0: no effect */
    assert_int_equal(rdata(t, 0xFF), (0xA5 & ~0x08) | 0x42);
}

static void test_inputs_and_outputs(void **state)
{
    T *t = *state;
    IRQ *out = irq_new(devtest_irq, t->d, 8);
    pl061_connect_output(t->gpio, 5, &out[5]);
    irq_set(&t->in[2], 1);
    assert_int_equal(rdata(t, 0xFF), 0x04);
    /* An output pin shows the data register, not the input line. */
    w(t, DIR, 0x24);
    wdata(t, 0xFF, 0x20);
    assert_int_equal(rdata(t, 0xFF), 0x20);
    assert_int_equal(t->d->level[5], 1);
    wdata(t, 0x20, 0x00);
    assert_int_equal(t->d->level[5], 0);
    wdata(t, 0x20, 0x20);
    assert_int_equal(t->d->level[5], 1);
    w(t, DIR, 0x04); /* pin 5 an input again: its output line drops */
    assert_int_equal(t->d->level[5], 0);
    /* Pin 2 is an output holding data bit 2 (0): its input line is not seen. */
    assert_int_equal(rdata(t, 0x04), 0x00);
    w(t, DIR, 0x00);
    assert_int_equal(rdata(t, 0x04), 0x04);
}

static void test_edge_interrupts(void **state)
{
    T *t = *state;
    w(t, IEV, 0x01);  /* pin 0 rising; pin 1 falling */
    w(t, IE, 0x03);
    irq_set(&t->in[0], 1);
    assert_int_equal(r(t, RIS), 0x01);
    assert_int_equal(r(t, MIS), 0x01);
    assert_int_equal(t->d->level[0], 1);
    irq_set(&t->in[0], 0); /* latched until cleared */
    assert_int_equal(r(t, RIS), 0x01);
    w(t, IC, 0x01);
    assert_int_equal(r(t, RIS), 0);
    assert_int_equal(t->d->level[0], 0);
    irq_set(&t->in[1], 1); /* rising on a falling-edge pin */
    assert_int_equal(r(t, RIS), 0);
    irq_set(&t->in[1], 0);
    assert_int_equal(r(t, RIS), 0x02);
    w(t, IC, 0x02);
    /* Both edges. */
    w(t, IBE, 0x04);
    w(t, IE, 0x04);
    irq_set(&t->in[2], 1);
    assert_int_equal(r(t, RIS), 0x04);
    w(t, IC, 0x04);
    irq_set(&t->in[2], 0);
    assert_int_equal(r(t, RIS), 0x04);
    w(t, IC, 0x04);
    /* Disabled: raw status latches, the line stays low. */
    w(t, IE, 0);
    irq_set(&t->in[2], 1);
    assert_int_equal(r(t, RIS), 0x04);
    assert_int_equal(r(t, MIS), 0);
    assert_int_equal(t->d->level[0], 0);
    w(t, IE, 0x04);
    assert_int_equal(t->d->level[0], 1);
}

static void test_level_interrupts(void **state)
{
    T *t = *state;
    w(t, IS, 0x08);
    w(t, IEV, 0x08); /* high level */
    w(t, IE, 0x08);
    assert_int_equal(r(t, RIS), 0);
    irq_set(&t->in[3], 1);
    assert_int_equal(r(t, RIS), 0x08);
    assert_int_equal(t->d->level[0], 1);
    w(t, IC, 0x08); /* a level is not cleared by IC */
    assert_int_equal(r(t, RIS), 0x08);
    irq_set(&t->in[3], 0);
    assert_int_equal(r(t, RIS), 0);
    assert_int_equal(t->d->level[0], 0);
    w(t, IEV, 0x00); /* low level: asserted now */
    assert_int_equal(r(t, RIS), 0x08);
    assert_int_equal(t->d->level[0], 1);
}

static void test_registers_and_reset(void **state)
{
    T *t = *state;
    const hwaddr regs[] = {DIR, IS, IBE, IEV, IE, AFSEL};
    for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
        w(t, regs[i], 0x1FF);
        assert_int_equal(r(t, regs[i]), 0xFF);
    }
    w(t, RIS, 0xFF);  /* read-only */
    assert_int_equal(r(t, IC), 0);
    assert_int_equal(r(t, 0x424), 0);
    irq_set(&t->in[7], 1);
    device_reset_all();
    for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
        assert_int_equal(r(t, regs[i]), 0);
    assert_int_equal(r(t, RIS), 0);
    /* The input line is outside the device: still high after reset. */
    assert_int_equal(rdata(t, 0x80), 0x80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inputs_and_outputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edge_interrupts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_interrupts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registers_and_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
