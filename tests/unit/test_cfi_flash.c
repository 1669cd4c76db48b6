/*
 * test_cfi_flash.c — the CFI NOR flash as virt has it (two x16 chips on a
 * 32-bit bus, 256 KiB blocks), driven the way Linux's CFI probe and UEFI's
 * NOR flash driver drive it: the query table, identifier codes, status,
 * block erase, word and buffered programming (bits only clear), block
 * locking, bad sequences, reset, and reads going to the storage only in
 * read-array mode.
 */
#include "tests/unit/devtest.h"
#include "tests/unit/logcap.h"

#include "devices/flash/cfi-flash.h"

#define BASE 0x04000000ull
#define SIZE (64 * MiB)
#define BLOCK (256 * KiB)
#define DUAL(c) ((uint32_t)(c) << 16 | (uint32_t)(c))

typedef struct T {
    DevTest *d;
    Device *flash;
    uint8_t *store;
} T;

static int setup(void **state)
{
    dev_lock();
    T *t = xzalloc(sizeof(*t));
    t->d = devtest_new();
    Error *err = NULL;
    const CfiFlashConfig cfg = {.size = SIZE, .bank_width = 4, .device_width = 2,
                                .block_size = BLOCK, .manufacturer = 0x89, .device_id = 0x1D};
    t->flash = cfi_flash_create(t->d->root, BASE, "flash", &cfg, &err);
    assert_non_null(t->flash);
    t->store = cfi_flash_storage(t->flash);
    logcap_start();
    free(logcap_take());
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    logcap_stop();
    free(*state);
    dev_unlock();
    return 0;
}

static uint32_t r(T *t, hwaddr off) { return rd32(t->d, BASE + off); }
/* UEFI's SEND_NOR_COMMAND: the command to both chips at chip address a. */
static void cmd(T *t, hwaddr a, uint8_t c) { wr32(t->d, BASE + a * 4, DUAL(c)); }
static uint32_t status(T *t) { cmd(t, 0, 0x70); return r(t, 0); }

static void test_read_array_is_the_storage(void **state)
{
    T *t = *state;
    assert_int_equal(r(t, 0), 0);                   /* erased to zeros at creation */
    memcpy(t->store + 0x100, "\x11\x22\x33\x44", 4);
    assert_int_equal(r(t, 0x100), 0x44332211);
    uint64_t v;
    assert_int_equal(as_read_uint(t->d->as, BASE + 0x101, 2, &v), MEMTX_OK);
    assert_int_equal(v, 0x3322);
    /* The region is in ROM mode: a plain ROM to readers. */
    const FlatRange *fr = as_lookup(t->d->as, BASE);
    assert_non_null(fr);
    assert_non_null(fr->host);
}

static void test_query(void **state)
{
    T *t = *state;
    cmd(t, 0x55, 0x98);
    /* Out of ROM mode: reads come from the device. */
    assert_null(as_lookup(t->d->as, BASE)->host);
    assert_int_equal(r(t, 0x10 * 4), DUAL('Q'));
    assert_int_equal(r(t, 0x11 * 4), DUAL('R'));
    assert_int_equal(r(t, 0x12 * 4), DUAL('Y'));
    assert_int_equal(r(t, 0x13 * 4), DUAL(0x01));   /* Intel/Sharp command set */
    assert_int_equal(r(t, 0x15 * 4), DUAL(0x31));   /* extended table at 0x31 */
    assert_int_equal(r(t, 0x27 * 4), DUAL(25));     /* 32 MiB per chip */
    assert_int_equal(r(t, 0x28 * 4), DUAL(0x01));   /* x16 */
    assert_int_equal(r(t, 0x2A * 4), DUAL(6));      /* 64-byte write buffer per chip */
    assert_int_equal(r(t, 0x2C * 4), DUAL(1));      /* one erase region: */
    assert_int_equal(r(t, 0x2D * 4), DUAL(0xFF));   /* 256 blocks ... */
    assert_int_equal(r(t, 0x2E * 4), DUAL(0x00));
    assert_int_equal(r(t, 0x2F * 4), DUAL(0x00));   /* ... of 0x200 * 256 = 128 KiB */
    assert_int_equal(r(t, 0x30 * 4), DUAL(0x02));
    assert_int_equal(r(t, 0x31 * 4), DUAL('P'));
    assert_int_equal(r(t, 0x32 * 4), DUAL('R'));
    assert_int_equal(r(t, 0x33 * 4), DUAL('I'));
    /* A 16-bit read sees one chip; a 64-bit read two bank words. */
    uint64_t v;
    assert_int_equal(as_read_uint(t->d->as, BASE + 0x10 * 4 + 2, 2, &v), MEMTX_OK);
    assert_int_equal(v, 'Q');
    assert_int_equal(as_read_uint(t->d->as, BASE + 0x10 * 4, 8, &v), MEMTX_OK);
    assert_int_equal(v, (uint64_t)DUAL('R') << 32 | DUAL('Q'));
    /* Read array (0xFF, or 0xF0) returns to the storage. */
    cmd(t, 0, 0xFF);
    assert_non_null(as_lookup(t->d->as, BASE)->host);
    assert_int_equal(r(t, 0x10 * 4), 0);
    cmd(t, 0x55, 0x98);
    cmd(t, 0, 0xF0);
    assert_int_equal(r(t, 0x10 * 4), 0);
    /* A lone x32 probe (0x00000098) finds the same lockstep chips. */
    wr32(t->d, BASE + 0x55 * 4, 0x98);
    assert_int_equal(r(t, 0x10 * 4), DUAL('Q'));
    cmd(t, 0, 0xFF);
}

static void test_identifier_and_status(void **state)
{
    T *t = *state;
    cmd(t, 0, 0x90);
    assert_int_equal(r(t, 0), DUAL(0x89));
    assert_int_equal(r(t, 4), DUAL(0x1D));
    assert_int_equal(r(t, BLOCK + 8), DUAL(0));      /* block 1 unlocked */
    assert_int_equal(status(t), DUAL(0x80));         /* ready, no error */
    cmd(t, 0, 0xFF);
}

static void erase(T *t, hwaddr block)
{
    wr32(t->d, BASE + block, DUAL(0x20));
    wr32(t->d, BASE + block, DUAL(0xD0));
}

static void test_erase_and_program(void **state)
{
    T *t = *state;
    memset(t->store + BLOCK, 0x5A, 2 * BLOCK);
    erase(t, BLOCK + 0x1000);                        /* the confirm's block */
    assert_int_equal(r(t, 0), DUAL(0x80));           /* status after an erase */
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, BLOCK), 0xFFFFFFFF);
    assert_int_equal(r(t, 2 * BLOCK - 4), 0xFFFFFFFF);
    assert_int_equal(r(t, 2 * BLOCK), 0x5A5A5A5A);   /* the next block kept */
    assert_int_equal(r(t, BLOCK - 4), 0);
    /* Word program: bits only clear. */
    wr32(t->d, BASE + BLOCK + 8, DUAL(0x40));
    wr32(t->d, BASE + BLOCK + 8, 0x12345678);
    assert_int_equal(r(t, BLOCK + 8), DUAL(0x80));
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, BLOCK + 8), 0x12345678);
    wr32(t->d, BASE + BLOCK + 8, DUAL(0x10));
    wr32(t->d, BASE + BLOCK + 8, 0xFFFF00FF);
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, BLOCK + 8), 0x12340078);
    /* An erase confirmed with anything but 0xD0 is a bad sequence. */
    wr32(t->d, BASE + BLOCK, DUAL(0x20));
    wr32(t->d, BASE + BLOCK, DUAL(0xFF));
    assert_int_equal(r(t, 0), DUAL(0xB0));           /* SR.5 and SR.4 */
    assert_true(logcap_has("block erase confirmed with 0xff"));
    cmd(t, 0, 0x50);                                 /* clear status */
    assert_int_equal(status(t), DUAL(0x80));
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, BLOCK + 8), 0x12340078);   /* not erased */
}

static void test_buffered_program(void **state)
{
    T *t = *state;
    hwaddr target = 2 * BLOCK + 0x80;                /* 128-byte aligned */
    erase(t, target);
    /* UEFI's sequence: setup, the XSR, count - 1 to both chips, the words, confirm. */
    wr32(t->d, BASE + target, DUAL(0xE8));
    assert_int_equal(r(t, target), DUAL(0x80));      /* buffer available */
    wr32(t->d, BASE + target, DUAL(31));             /* 32 bank words */
    for (unsigned i = 0; i < 32; i++)
        wr32(t->d, BASE + target + 4 * i, 0xA0000000u + i);
    cmd(t, 0, 0xD0);
    assert_int_equal(status(t), DUAL(0x80));
    cmd(t, 0, 0xFF);
    for (unsigned i = 0; i < 32; i++)
        assert_int_equal(r(t, target + 4 * i), 0xA0000000u + i);
    assert_int_equal(r(t, target + 128), 0xFFFFFFFF);
    /* Nothing is programmed before the confirm; a wrong confirm drops it. */
    wr32(t->d, BASE + target + 128, DUAL(0xE8));
    wr32(t->d, BASE + target + 128, DUAL(0));
    wr32(t->d, BASE + target + 128, 0);
    assert_int_equal(r(t, 0), DUAL(0x80));           /* status again, not the array */
    cmd(t, 0, 0x70);
    assert_int_equal(r(t, 0), DUAL(0xB0));
    assert_true(logcap_has("write to buffer confirmed with 0x70"));
    cmd(t, 0, 0x50);
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, target + 128), 0xFFFFFFFF);
    /* More words than a chip's buffer holds, or a word outside the window. */
    wr32(t->d, BASE + target, DUAL(0xE8));
    wr32(t->d, BASE + target, DUAL(32));
    assert_int_equal(r(t, 0), DUAL(0xB0));
    assert_true(logcap_has("a chip's buffer holds 32"));
    cmd(t, 0, 0x50);
    wr32(t->d, BASE + target, DUAL(0xE8));
    wr32(t->d, BASE + target, DUAL(1));
    wr32(t->d, BASE + target + 128, 0);
    assert_true(logcap_has("outside its window"));
    assert_int_equal(r(t, 0), DUAL(0xB0));
    cmd(t, 0, 0x50);
    cmd(t, 0, 0xFF);
}

static void test_locking(void **state)
{
    T *t = *state;
    hwaddr b = 3 * BLOCK;
    erase(t, b);
    wr32(t->d, BASE + b, DUAL(0x60));
    wr32(t->d, BASE + b, DUAL(0x01));                /* lock block 3 */
    cmd(t, 0, 0x90);
    assert_int_equal(r(t, b + 8), DUAL(1));
    assert_int_equal(r(t, 2 * BLOCK + 8), DUAL(0));
    /* Program and erase of a locked block fail with SR.1. */
    wr32(t->d, BASE + b, DUAL(0x40));
    wr32(t->d, BASE + b, 0);
    assert_int_equal(r(t, 0), DUAL(0x92));           /* ready, program error, locked */
    cmd(t, 0, 0x50);
    erase(t, b);
    assert_int_equal(r(t, 0), DUAL(0xA2));
    cmd(t, 0, 0x50);
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, b), 0xFFFFFFFF);
    /* Unlock, then it programs. */
    wr32(t->d, BASE + b, DUAL(0x60));
    wr32(t->d, BASE + b, DUAL(0xD0));
    wr32(t->d, BASE + b, DUAL(0x40));
    wr32(t->d, BASE + b, 0x0F0F0F0F);
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, b), 0x0F0F0F0F);
    /* Locked down: no unlock until reset. */
    wr32(t->d, BASE + b, DUAL(0x60));
    wr32(t->d, BASE + b, DUAL(0x2F));
    wr32(t->d, BASE + b, DUAL(0x60));
    wr32(t->d, BASE + b, DUAL(0xD0));
    assert_true(logcap_has("unlock of locked-down block"));
    cmd(t, 0, 0x90);
    assert_int_equal(r(t, b + 8), DUAL(3));
    /* A machine reset: read array, unlocked, the contents kept. */
    device_reset_all();
    assert_int_equal(r(t, b), 0x0F0F0F0F);
    cmd(t, 0, 0x90);
    assert_int_equal(r(t, b + 8), DUAL(0));
    cmd(t, 0, 0xFF);
}

static void test_bad_commands(void **state)
{
    T *t = *state;
    t->store[0x20] = 0x77;
    wr32(t->d, BASE + 0x20, 0x84);                   /* not a command */
    assert_true(logcap_has("unknown command 0x84"));
    assert_int_equal(r(t, 0x20), 0x77);              /* still read array */
    wr32(t->d, BASE, DUAL(0x60));
    wr32(t->d, BASE, DUAL(0x99));
    assert_int_equal(r(t, 0), DUAL(0xB0));
    cmd(t, 0, 0x50);
    cmd(t, 0, 0xC0);                                 /* protection register program */
    assert_true(logcap_has("is not modelled"));
    assert_int_equal(r(t, 0), DUAL(0xB0));
    cmd(t, 0, 0x50);
    /* Suspend and resume with nothing in progress: status. */
    cmd(t, 0, 0xB0);
    assert_int_equal(r(t, 0), DUAL(0x80));
    cmd(t, 0, 0xD0);
    assert_int_equal(r(t, 0), DUAL(0x80));
    cmd(t, 0, 0xFF);
    assert_int_equal(r(t, 0x20), 0x77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_array_is_the_storage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identifier_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_and_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffered_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_commands, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
