/*
 * test_pl031.c — the PL031 RTC through its registers: IDs, the counter
 * loaded from the host's wall clock and advancing with the virtual clock,
 * RTCLR, the match interrupt from a timer on the loop, IMSC/ICR, reset.
 */
#include "tests/unit/devtest.h"

#include <time.h>

#include "devices/rtc/pl031.h"

#define BASE 0x09010000ull
#define SEC 1000000000LL
enum { DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0C, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1C };

typedef struct T {
    DevTest *d;
} T;

static int setup(void **state)
{
    dev_lock();
    T *t = xzalloc(sizeof(*t));
    t->d = devtest_new();
    Error *err = NULL;
    assert_non_null(pl031_create(t->d->loop, t->d->root, BASE, &t->d->irq[0], &err));
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

static void test_ids(void **state)
{
    T *t = *state;
    static const uint8_t id[8] = {0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (int i = 0; i < 8; i++)
        assert_int_equal(r(t, 0xFE0 + 4 * i), id[i]);
    assert_int_equal(r(t, CR), 1);
}

static void test_host_time_at_reset(void **state)
{
    T *t = *state;
    uint32_t before = (uint32_t)time(NULL);
    uint32_t dr = r(t, DR);
    assert_true(dr + 2 >= before && dr <= before + 2);
    w(t, LR, 1000);
    assert_int_equal(r(t, DR), 1000);
    assert_int_equal(r(t, LR), 1000);
    device_reset_all();
    dr = r(t, DR);
    assert_true(dr + 2 >= before && dr <= (uint32_t)time(NULL) + 2);
}

static void test_advances_with_virtual_clock(void **state)
{
    T *t = *state;
    w(t, LR, 100);
    devtest_advance(t->d, SEC / 2);
    assert_int_equal(r(t, DR), 100);
    devtest_advance(t->d, SEC / 2 + SEC / 10);
    assert_int_equal(r(t, DR), 101);
    devtest_advance(t->d, 4 * SEC);
    assert_int_equal(r(t, DR), 105);
    /* Stopped machine: guest time stands still. */
    loop_vclock_stop(t->d->loop);
    uint32_t dr = r(t, DR);
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(r(t, DR), dr);
    loop_vclock_start(t->d->loop);
}

static void test_match_interrupt(void **state)
{
    T *t = *state;
    w(t, LR, 5000);
    w(t, MR, 5003);
    w(t, IMSC, 1);
    devtest_advance(t->d, 2 * SEC + SEC / 2);
    assert_int_equal(r(t, RIS), 0);
    assert_int_equal(t->d->level[0], 0);
    devtest_advance(t->d, SEC);
    assert_int_equal(r(t, DR), 5003);
    assert_int_equal(r(t, RIS), 1);
    assert_int_equal(r(t, MIS), 1);
    assert_int_equal(t->d->level[0], 1);
    w(t, ICR, 1);
    assert_int_equal(r(t, RIS), 0);
    assert_int_equal(t->d->level[0], 0);
    /* No second match a second later. */
    devtest_advance(t->d, 2 * SEC);
    assert_int_equal(r(t, RIS), 0);
    /* MR equal to the counter matches at once; masked, only RIS shows it. */
    w(t, IMSC, 0);
    w(t, MR, r(t, DR));
    assert_int_equal(r(t, RIS), 1);
    assert_int_equal(r(t, MIS), 0);
    assert_int_equal(t->d->level[0], 0);
    w(t, IMSC, 1);
    assert_int_equal(t->d->level[0], 1);
    w(t, ICR, 1);
    /* A match across the 2^32 wrap. */
    w(t, LR, 0xFFFFFFFF);
    w(t, MR, 1);
    devtest_advance(t->d, 2 * SEC + SEC / 10);
    assert_int_equal(r(t, DR), 1);
    assert_int_equal(r(t, RIS), 1);
}

static void test_bad_accesses(void **state)
{
    T *t = *state;
    w(t, LR, 42);
    w(t, DR, 7);          /* read-only */
    assert_int_equal(r(t, DR), 42);
    w(t, CR, 0);          /* cannot stop a started RTC */
    assert_int_equal(r(t, CR), 1);
    assert_int_equal(r(t, ICR), 0);
    assert_int_equal(r(t, 0x20), 0);
    w(t, 0x800, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_time_at_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_advances_with_virtual_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_accesses, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
