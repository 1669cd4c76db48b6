/*
 * test_memory_dma.c — core/memory's device side: the DMA API's bounds
 * (every edge a guest-supplied descriptor can hit), dma_map's one-range
 * rule, the ram_addr space, and code-page write notifications.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/memory.h"
#include "tests/unit/memory_testdev.h"

static const MemOps tdev_ops_any = {tdev_read, tdev_write, 0, 0};

/*
 * 0x00000-0x0ffff  ram1
 * 0x10000-0x1ffff  ram2 (another block, back to back with ram1)
 * 0x20000-0x20fff  mmio
 * 0x30000-0x30fff  rom
 * 0x40000-0x4ffff  alias of ram1
 */
typedef struct Fix {
    MemoryRegion *root, *ram1, *ram2, *mmio, *rom, *alias;
    AddressSpace *as;
    TDev dev;
} Fix;

static int fix_setup(void **state)
{
    Fix *f = xzalloc(sizeof(*f));
    Error *err = NULL;
    f->root = mr_new_container("system", UINT64_MAX);
    f->ram1 = mr_new_ram("ram1", 0x10000, &err);
    f->ram2 = mr_new_ram("ram2", 0x10000, &err);
    f->rom = mr_new_rom("rom", 0x1000, &err);
    assert_null(err);
    f->mmio = mr_new_mmio("dev", 0x1000, &tdev_ops_any, &f->dev);
    f->alias = mr_new_alias("ram1-alias", f->ram1, 0, 0x10000);
    mr_add_subregion(f->root, 0x00000, f->ram1, 0);
    mr_add_subregion(f->root, 0x10000, f->ram2, 0);
    mr_add_subregion(f->root, 0x20000, f->mmio, 0);
    mr_add_subregion(f->root, 0x30000, f->rom, 0);
    mr_add_subregion(f->root, 0x40000, f->alias, 0);
    f->as = as_new("memory", f->root);
    for (int i = 0; i < 0x10000; i++) {
        mr_ram_ptr(f->ram1)[i] = (uint8_t)i;
        mr_ram_ptr(f->ram2)[i] = (uint8_t)(i ^ 0xff);
    }
    memset(mr_ram_ptr(f->rom), 0xc3, 0x1000);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    as_free(f->as);
    MemoryRegion *kids[] = {f->alias, f->ram1, f->ram2, f->mmio, f->rom};
    for (size_t i = 0; i < ARRAY_SIZE(kids); i++) {
        mr_del_subregion(f->root, kids[i]);
        mr_free(kids[i]);
    }
    mr_free(f->root);
    mem_reclaim_retired();
    mem_set_code_write_handler(NULL);
    free(f);
    return 0;
}

/* ---- dma_read / dma_write bounds ---------------------------------------- */

static void test_dma_inside_and_edges(void **state)
{
    Fix *f = *state;
    uint8_t buf[64], pat[64];
    for (int i = 0; i < 64; i++)
        pat[i] = (uint8_t)(0xa0 + i);

    assert_int_equal(dma_read(f->as, 0x100, buf, 16), 0);
    assert_memory_equal(buf, mr_ram_ptr(f->ram1) + 0x100, 16);

    /* Ending exactly at the end of RAM (ram2's last byte). */
    assert_int_equal(dma_write(f->as, 0x20000 - 64, pat, 64), 0);
    assert_memory_equal(mr_ram_ptr(f->ram2) + 0x10000 - 64, pat, 64);
    assert_int_equal(dma_read(f->as, 0x20000 - 64, buf, 64), 0);
    assert_memory_equal(buf, pat, 64);

    /* One byte over into MMIO: refused, nothing moved either way. */
    memset(buf, 0x11, sizeof(buf));
    uint8_t before[64];
    memcpy(before, mr_ram_ptr(f->ram2) + 0x10000 - 63, 63);
    assert_int_equal(dma_read(f->as, 0x20000 - 63, buf, 64), -1);
    for (int i = 0; i < 64; i++)
        assert_int_equal(buf[i], 0x11);
    assert_int_equal(dma_write(f->as, 0x20000 - 63, pat + 1, 64), -1);
    assert_memory_equal(mr_ram_ptr(f->ram2) + 0x10000 - 63, before, 63);
    assert_int_equal(f->dev.n, 0);

    /* Straight at the device. */
    assert_int_equal(dma_read(f->as, 0x20000, buf, 4), -1);
    assert_int_equal(dma_write(f->as, 0x20000, pat, 4), -1);
    assert_int_equal(f->dev.n, 0);

    /* In a hole, and starting in a hole ending in RAM. */
    assert_int_equal(dma_read(f->as, 0x21000, buf, 4), -1);
    assert_int_equal(dma_read(f->as, 0x2fffe, buf, 4), -1);
    assert_int_equal(dma_read(f->as, 0x50000, buf, 1), -1);
}

static void test_dma_overflow_and_zero(void **state)
{
    Fix *f = *state;
    uint8_t buf[16] = {0};
    /* addr + len wraps the 64-bit space. */
    assert_int_equal(dma_read(f->as, UINT64_MAX - 4, buf, 16), -1);
    assert_int_equal(dma_write(f->as, UINT64_MAX - 4, buf, 16), -1);
    assert_int_equal(dma_read(f->as, 0x100, buf, SIZE_MAX), -1);
    assert_int_equal(dma_write(f->as, 0x100, buf, SIZE_MAX), -1);
    assert_int_equal(dma_read(f->as, 0x100, buf, (size_t)(UINT64_MAX - 0xff)), -1);
    assert_null(dma_map(f->as, 0x100, SIZE_MAX, false));
    /* Zero length succeeds wherever it points. */
    assert_int_equal(dma_read(f->as, 0x100, buf, 0), 0);
    assert_int_equal(dma_write(f->as, 0x100, buf, 0), 0);
    assert_int_equal(dma_read(f->as, 0x21000, buf, 0), 0);
    assert_int_equal(dma_write(f->as, UINT64_MAX, buf, 0), 0);
}

static void test_dma_rom(void **state)
{
    Fix *f = *state;
    uint8_t buf[8], zero[8] = {0};
    assert_int_equal(dma_read(f->as, 0x30000, buf, 8), 0);
    assert_int_equal(buf[0], 0xc3);
    assert_int_equal(dma_write(f->as, 0x30000, zero, 8), -1);
    assert_int_equal(mr_ram_ptr(f->rom)[0], 0xc3);
    assert_non_null(dma_map(f->as, 0x30000, 0x1000, false));
    assert_null(dma_map(f->as, 0x30000, 1, true));
}

static void test_dma_across_blocks_and_alias(void **state)
{
    Fix *f = *state;
    uint8_t pat[0x100], buf[0x100];
    for (int i = 0; i < 0x100; i++)
        pat[i] = (uint8_t)(i * 5);
    /* Two RAM blocks back to back read and write as one. */
    assert_int_equal(dma_write(f->as, 0x10000 - 0x80, pat, sizeof(pat)), 0);
    assert_memory_equal(mr_ram_ptr(f->ram1) + 0x10000 - 0x80, pat, 0x80);
    assert_memory_equal(mr_ram_ptr(f->ram2), pat + 0x80, 0x80);
    assert_int_equal(dma_read(f->as, 0x10000 - 0x80, buf, sizeof(buf)), 0);
    assert_memory_equal(buf, pat, sizeof(pat));
    /* RAM seen through an alias is RAM. */
    assert_int_equal(dma_read(f->as, 0x40000 + 0x10000 - 0x80, buf, 0x80), 0);
    assert_memory_equal(buf, pat, 0x80);
    assert_int_equal(dma_write(f->as, 0x40010, pat, 16), 0);
    assert_memory_equal(mr_ram_ptr(f->ram1) + 0x10, pat, 16);
    /* ...but the alias ends where its window ends. */
    assert_int_equal(dma_read(f->as, 0x4fff0, buf, 0x20), -1);
}

static void test_dma_map(void **state)
{
    Fix *f = *state;
    uint8_t *p = dma_map(f->as, 0x1234, 0x100, true);
    assert_ptr_equal(p, mr_ram_ptr(f->ram1) + 0x1234);
    dma_unmap(f->as, p, 0x100, true);
    /* Ends exactly at the end of the block. */
    assert_ptr_equal(dma_map(f->as, 0xff00, 0x100, false), mr_ram_ptr(f->ram1) + 0xff00);
    /* One range only: across two blocks is refused even though dma_read
     * would accept it. */
    assert_null(dma_map(f->as, 0xff00, 0x101, false));
    assert_null(dma_map(f->as, 0x20000, 4, false));     /* MMIO */
    assert_null(dma_map(f->as, 0x21000, 4, false));     /* nothing */
    assert_ptr_equal(dma_map(f->as, 0x40000, 0x10000, true), mr_ram_ptr(f->ram1));
    assert_null(dma_map(f->as, 0x1fffff, 0, false));
}

/* ---- the ram_addr space ------------------------------------------------- */

static void test_ram_addr_space(void **state)
{
    Fix *f = *state;
    ram_addr_t a1 = mr_ram_addr(f->ram1), a2 = mr_ram_addr(f->ram2);
    ram_addr_t a3 = mr_ram_addr(f->rom);
    assert_int_not_equal(a1, RAM_ADDR_INVALID);
    assert_int_equal(a1 % TARGET_PAGE_SIZE, 0);
    assert_int_equal(a2 % TARGET_PAGE_SIZE, 0);
    assert_int_equal(a3 % TARGET_PAGE_SIZE, 0);
    assert_true(a1 + 0x10000 <= a2 || a2 + 0x10000 <= a1);
    assert_true(a3 + 0x1000 <= a1 || a1 + 0x10000 <= a3);
    assert_int_equal(mr_ram_addr(f->mmio), RAM_ADDR_INVALID);
    assert_null(mr_ram_ptr(f->mmio));

    assert_ptr_equal(ram_host_ptr(a1), mr_ram_ptr(f->ram1));
    assert_ptr_equal(ram_host_ptr(a1 + 0xffff), mr_ram_ptr(f->ram1) + 0xffff);
    assert_ptr_equal(ram_host_ptr(a2 + 5), mr_ram_ptr(f->ram2) + 5);
    assert_ptr_equal(ram_host_ptr(a3 + 0xfff), mr_ram_ptr(f->rom) + 0xfff);
    assert_null(ram_host_ptr(a3 + 0x1000));     /* past the ROM's bytes */
    assert_null(ram_host_ptr(RAM_ADDR_INVALID));

    const FlatRange *r = as_lookup(f->as, 0x10010);
    assert_int_equal(r->ram, a2);
    assert_int_equal(as_lookup(f->as, 0x20000)->ram, RAM_ADDR_INVALID);

    /* A freed block's range goes at reclaim and is then reused. */
    Error *err = NULL;
    MemoryRegion *tmp = mr_new_ram("tmp", 0x3000, &err);
    ram_addr_t at = mr_ram_addr(tmp);
    assert_non_null(ram_host_ptr(at));
    mr_free(tmp);
    assert_non_null(ram_host_ptr(at));          /* readers may still use it */
    mem_reclaim_retired();
    assert_null(ram_host_ptr(at));
    MemoryRegion *again = mr_new_ram("again", 0x2000, &err);
    assert_int_equal(mr_ram_addr(again), at);
    mr_free(again);
    mem_reclaim_retired();
}

/* ---- code pages --------------------------------------------------------- */

typedef struct Call {
    ram_addr_t start;
    size_t len;
} Call;
static Call calls[16];
static int ncalls;

static void record_code_write(ram_addr_t start, size_t len)
{
    if (ncalls < (int)ARRAY_SIZE(calls))
        calls[ncalls] = (Call){start, len};
    ncalls++;
}

static void assert_call(int i, ram_addr_t start, size_t len)
{
    assert_true(i < ncalls);
    assert_int_equal(calls[i].start, start);
    assert_int_equal(calls[i].len, len);
}

static void test_code_pages(void **state)
{
    Fix *f = *state;
    ram_addr_t b = mr_ram_addr(f->ram1);
    uint8_t buf[0x6000] = {0};
    mem_set_code_write_handler(record_code_write);
    ncalls = 0;

    /* No page holds code: no calls at all. */
    assert_int_equal(dma_write(f->as, 0, buf, sizeof(buf)), 0);
    mem_notify_code_write(b, 0x10000);
    assert_int_equal(ncalls, 0);

    mem_code_page_set(b + 0x2345, true);    /* any address in the page */
    assert_true(mem_code_page_test(b + 0x2000));
    assert_true(mem_code_page_test(b + 0x2fff));
    assert_false(mem_code_page_test(b + 0x1fff));
    assert_false(mem_code_page_test(b + 0x3000));
    assert_false(mem_code_page_test(mr_ram_addr(f->ram2) + 0x2000));

    /* Clipped to the page, and to the bytes written. */
    assert_int_equal(dma_write(f->as, 0x1800, buf, 0x1000), 0);
    assert_int_equal(ncalls, 1);
    assert_call(0, b + 0x2000, 0x800);
    ncalls = 0;
    assert_int_equal(dma_write(f->as, 0x2100, buf, 0x10), 0);
    assert_call(0, b + 0x2100, 0x10);
    assert_int_equal(ncalls, 1);
    ncalls = 0;
    assert_int_equal(dma_write(f->as, 0x3000, buf, 0x1000), 0);
    assert_int_equal(dma_write(f->as, 0x0, buf, 0x2000), 0);
    assert_int_equal(ncalls, 0);

    /* Runs of code pages come as one call, gaps split them. */
    mem_code_page_set(b + 0x3000, true);
    mem_code_page_set(b + 0x5000, true);
    assert_int_equal(dma_write(f->as, 0x1000, buf, 0x5000), 0);
    assert_int_equal(ncalls, 2);
    assert_call(0, b + 0x2000, 0x2000);
    assert_call(1, b + 0x5000, 0x1000);
    ncalls = 0;

    /* Every write path reports. */
    assert_int_equal(as_write_uint(f->as, 0x2ffe, 4, 0), MEMTX_OK);
    assert_call(0, b + 0x2ffe, 4);
    assert_int_equal(as_rw(f->as, 0x4ff0, buf, 0x20, true), MEMTX_OK);
    assert_call(1, b + 0x5000, 0x10);
    assert_int_equal(as_write_uint(f->as, 0x40000 + 0x5008, 8, 0), MEMTX_OK);
    assert_call(2, b + 0x5008, 8);          /* through the alias */
    uint8_t *p = dma_map(f->as, 0x2f00, 0x200, true);
    dma_unmap(f->as, p, 0x200, true);
    assert_call(3, b + 0x2f00, 0x200);
    assert_int_equal(ncalls, 4);
    ncalls = 0;
    /* Reads never do. */
    p = dma_map(f->as, 0x2f00, 0x200, false);
    dma_unmap(f->as, p, 0x200, false);
    assert_int_equal(dma_read(f->as, 0x2000, buf, 0x1000), 0);
    uint64_t v;
    assert_int_equal(as_read_uint(f->as, 0x2000, 8, &v), MEMTX_OK);
    assert_int_equal(ncalls, 0);

    /* Setting twice and clearing keep the count right: after clearing
     * everything, nothing is reported again. */
    mem_code_page_set(b + 0x2000, true);
    mem_code_page_set(b + 0x2000, false);
    mem_code_page_set(b + 0x3000, false);
    mem_code_page_set(b + 0x5000, false);
    mem_code_page_set(b + 0x5000, false);
    assert_false(mem_code_page_test(b + 0x2000));
    assert_int_equal(dma_write(f->as, 0, buf, sizeof(buf)), 0);
    assert_int_equal(ncalls, 0);
}

static void test_code_pages_across_blocks(void **state)
{
    Fix *f = *state;
    ram_addr_t b1 = mr_ram_addr(f->ram1), b2 = mr_ram_addr(f->ram2);
    uint8_t buf[0x2000] = {0};
    mem_set_code_write_handler(record_code_write);
    ncalls = 0;
    mem_code_page_set(b1 + 0xf000, true);
    mem_code_page_set(b2, true);
    assert_int_equal(dma_write(f->as, 0xf800, buf, 0x1000), 0);
    assert_int_equal(ncalls, 2);
    /* One call per block, whatever their order in ram_addr space. */
    if (calls[0].start != b1 + 0xf800) {
        Call t = calls[0];
        calls[0] = calls[1];
        calls[1] = t;
    }
    assert_call(0, b1 + 0xf800, 0x800);
    assert_call(1, b2, 0x800);
    ncalls = 0;

    /* Direct notification of a ram_addr range: clipped to the code page. */
    mem_notify_code_write(b2 + 0xfff, 2);
    assert_call(0, b2 + 0xfff, 1);
    assert_int_equal(ncalls, 1);
    ncalls = 0;
    mem_notify_code_write(b2 + 0x1000, 0x1000);
    mem_notify_code_write(b2, 0);
    assert_int_equal(ncalls, 0);
    /* Without a handler, nothing breaks. */
    mem_set_code_write_handler(NULL);
    assert_int_equal(dma_write(f->as, 0x10000, buf, 16), 0);
    /* Bits of a freed block go with it (teardown frees it with bits set;
     * the other tests then see no code pages). */
}

static void test_code_pages_gone_after_free(void **state)
{
    Fix *f = *state;
    uint8_t buf[16] = {0};
    mem_set_code_write_handler(record_code_write);
    ncalls = 0;
    /* The previous test's blocks were freed with bits set: the global
     * "any code" fast path must be back to nothing. */
    Error *err = NULL;
    MemoryRegion *tmp = mr_new_ram("tmp", 0x2000, &err);
    ram_addr_t t = mr_ram_addr(tmp);
    assert_false(mem_code_page_test(t));
    mem_code_page_set(t, true);
    mr_free(tmp);
    mem_reclaim_retired();
    assert_false(mem_code_page_test(t));
    /* A new block in the same range starts without code. */
    MemoryRegion *again = mr_new_ram("again", 0x2000, &err);
    assert_int_equal(mr_ram_addr(again), t);
    assert_false(mem_code_page_test(t));
    mr_free(again);
    mem_reclaim_retired();
    assert_int_equal(dma_write(f->as, 0, buf, sizeof(buf)), 0);
    assert_int_equal(ncalls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dma_inside_and_edges, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dma_overflow_and_zero, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dma_rom, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dma_across_blocks_and_alias, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dma_map, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_ram_addr_space, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_code_pages, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_code_pages_across_blocks, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_code_pages_gone_after_free, fix_setup, fix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
