/*
 * test_memory.c — core/memory: the region tree and its flat views
 * (priorities, aliases, clipping, merging, enable/move), CPU-style accesses
 * and MMIO dispatch to each declared access-size range, listeners, the
 * `info mtree` listings, and lock-free lookups racing a moving region.
 * DMA and code-page tracking are in test_memory_dma.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>

#include "core/log.h"
#include "core/memory.h"
#include "tests/unit/memory_testdev.h"

static MemoryRegion *new_ram(const char *name, uint64_t size)
{
    Error *err = NULL;
    MemoryRegion *mr = mr_new_ram(name, size, &err);
    assert_null(err);
    assert_non_null(mr);
    return mr;
}

static void unmap_free(MemoryRegion *parent, MemoryRegion *mr)
{
    mr_del_subregion(parent, mr);
    mr_free(mr);
}

static const MemOps tdev_ops_any = {tdev_read, tdev_write, 0, 0};

/* ---- RAM through CPU-style accesses ------------------------------------- */

static void test_ram_rw(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("ram", 0x3000);
    mr_add_subregion(root, 0, ram, 0);
    AddressSpace *as = as_new("memory", root);
    uint8_t *host = mr_ram_ptr(ram);
    uint64_t v;

    assert_int_equal(as_write_uint(as, 0x10, 4, 0xdeadbeef), MEMTX_OK);
    assert_int_equal(host[0x10], 0xef);
    assert_int_equal(host[0x13], 0xde);
    assert_int_equal(as_read_uint(as, 0x10, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0xdeadbeef);
    assert_int_equal(as_read_uint(as, 0x11, 2, &v), MEMTX_OK);
    assert_int_equal(v, 0xadbe);

    /* Unaligned and crossing a page boundary. */
    assert_int_equal(as_write_uint(as, 0xffd, 8, 0x0102030405060708ULL), MEMTX_OK);
    assert_int_equal(host[0xffd], 0x08);
    assert_int_equal(host[0x1004], 0x01);
    assert_int_equal(as_read_uint(as, 0xffd, 8, &v), MEMTX_OK);
    assert_int_equal(v, 0x0102030405060708ULL);
    assert_int_equal(as_read_uint(as, 0xfff, 2, &v), MEMTX_OK);
    assert_int_equal(v, 0x0506);

    /* Byte ranges. */
    char buf[64], out[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (char)(i * 3);
    assert_int_equal(as_rw(as, 0x1fe0, buf, sizeof(buf), true), MEMTX_OK);
    assert_memory_equal(host + 0x1fe0, buf, sizeof(buf));
    assert_int_equal(as_rw(as, 0x1fe0, out, sizeof(out), false), MEMTX_OK);
    assert_memory_equal(out, buf, sizeof(buf));

    /* Last bytes of RAM, then past it into nothing. */
    assert_int_equal(as_write_uint(as, 0x2ffc, 4, 0x11223344), MEMTX_OK);
    assert_int_equal(as_write_uint(as, 0x2ffe, 4, 0xaabbccdd), MEMTX_DECODE_ERROR);
    assert_int_equal(host[0x2ffe], 0xdd);   /* the mapped half is written */
    assert_int_equal(host[0x2fff], 0xcc);
    assert_int_equal(as_read_uint(as, 0x2ffe, 4, &v), MEMTX_DECODE_ERROR);
    assert_int_equal(v, 0xccdd);            /* the hole reads as 0 */

    as_free(as);
    unmap_free(root, ram);
    mr_free(root);
    mem_reclaim_retired();
}

static void test_ram_errors_and_large(void **state)
{
    Error *err = NULL;
    assert_null(mr_new_ram("zero", 0, &err));
    assert_non_null(err);
    assert_non_null(strstr(error_get_msg(err), "zero"));
    error_free(err);

    /* Tens of GiB must only reserve address space. */
    uint64_t big = 16 * GiB;
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("big", big);
    mr_add_subregion(root, 0x40000000, ram, 0);
    AddressSpace *as = as_new("memory", root);
    uint64_t v;
    assert_int_equal(as_write_uint(as, 0x40000000 + big - 8, 8, 0x55aa55aa55aa55aaULL),
                     MEMTX_OK);
    assert_int_equal(as_read_uint(as, 0x40000000 + big - 8, 8, &v), MEMTX_OK);
    assert_int_equal(v, 0x55aa55aa55aa55aaULL);
    uint8_t *p = ram_host_ptr(mr_ram_addr(ram) + big - 1);
    assert_ptr_equal(p, mr_ram_ptr(ram) + big - 1);
    assert_int_equal(*p, 0x55);
    assert_int_equal(as_read_uint(as, 0x40000000 + big, 1, &v), MEMTX_DECODE_ERROR);

    as_free(as);
    unmap_free(root, ram);
    mr_free(root);
    mem_reclaim_retired();
}

static void test_rom(void **state)
{
    Error *err = NULL;
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *rom = mr_new_rom("flash", 0x1000, &err);
    assert_non_null(rom);
    assert_int_equal(mr_kind(rom), MR_ROM);
    memset(mr_ram_ptr(rom), 0x5a, 0x1000);
    mr_add_subregion(root, 0x1000, rom, 0);
    AddressSpace *as = as_new("memory", root);

    const FlatRange *r = as_lookup(as, 0x1800);
    assert_non_null(r);
    assert_true(r->readonly);
    assert_int_equal(r->start, 0x1000);     /* host/ram name `start` */
    assert_ptr_equal(r->host, mr_ram_ptr(rom));
    assert_int_equal(r->ram, mr_ram_addr(rom));

    uint64_t v;
    assert_int_equal(as_read_uint(as, 0x1004, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x5a5a5a5a);
    /* A write to ROM completes and changes nothing. */
    assert_int_equal(as_write_uint(as, 0x1004, 4, 0), MEMTX_OK);
    assert_int_equal(as_read_uint(as, 0x1004, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x5a5a5a5a);
    char z[32] = {0};
    assert_int_equal(as_rw(as, 0x1ff0, z, sizeof(z), true), MEMTX_DECODE_ERROR);
    assert_int_equal(mr_ram_ptr(rom)[0xfff], 0x5a);

    as_free(as);
    unmap_free(root, rom);
    mr_free(root);
    mem_reclaim_retired();
}

/* A ROM device: direct reads in ROM mode, every write to the device, and
 * device reads out of ROM mode; each switch changes the view (listeners
 * flush TLBs). */
typedef struct RomdDev {
    uint64_t last_off, last_val;
    unsigned last_size, writes, reads;
} RomdDev;

static uint64_t romd_read(void *opaque, hwaddr off, unsigned size)
{
    RomdDev *d = opaque;
    d->reads++;
    return 0xAB00 | off;
}

static void romd_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    RomdDev *d = opaque;
    d->writes++;
    d->last_off = off, d->last_val = v, d->last_size = size;
}

static void listener_count(void *opaque, AddressSpace *as)
{
    (*(int *)opaque)++;
}

static void test_rom_device(void **state)
{
    static const MemOps ops = {.read = romd_read, .write = romd_write, .min_size = 1,
                               .max_size = 4};
    RomdDev d = {0};
    Error *err = NULL;
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *rom = mr_new_romd("flash", 0x1000, &ops, &d, &err);
    assert_non_null(rom);
    assert_int_equal(mr_kind(rom), MR_ROM);
    memset(mr_ram_ptr(rom), 0x5a, 0x1000);
    mr_add_subregion(root, 0x1000, rom, 0);
    AddressSpace *as = as_new("memory", root);
    int calls = 0;
    as_add_listener(as, listener_count, &calls);

    uint64_t v;
    assert_non_null(as_lookup(as, 0x1000)->host);
    assert_int_equal(as_read_uint(as, 0x1010, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x5a5a5a5a);
    assert_int_equal(d.reads, 0);
    /* Writes reach the device, in its sizes; the storage is untouched. */
    assert_int_equal(as_write_uint(as, 0x1020, 4, 0x00980098), MEMTX_OK);
    assert_int_equal(d.writes, 1);
    assert_int_equal(d.last_off, 0x20);
    assert_int_equal(d.last_val, 0x00980098);
    assert_int_equal(as_write_uint(as, 0x1020, 8, 0x1122334455667788ull), MEMTX_OK);
    assert_int_equal(d.writes, 3);
    assert_int_equal(d.last_size, 4);
    assert_int_equal(mr_ram_ptr(rom)[0x20], 0x5a);
    /* Out of ROM mode: reads go to the device too. */
    mr_set_romd(rom, false);
    assert_int_equal(calls, 1);
    assert_null(as_lookup(as, 0x1000)->host);
    assert_int_equal(as_read_uint(as, 0x1010, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0xAB10);
    assert_int_equal(d.reads, 1);
    mr_set_romd(rom, false);                /* no change, no call */
    assert_int_equal(calls, 1);
    mr_set_romd(rom, true);
    assert_int_equal(calls, 2);
    assert_int_equal(as_read_uint(as, 0x1010, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x5a5a5a5a);
    /* DMA may read it in ROM mode only, and never write it. */
    uint8_t b[4];
    assert_int_equal(dma_read(as, 0x1000, b, 4), 0);
    assert_int_not_equal(dma_write(as, 0x1000, b, 4), 0);

    as_free(as);
    unmap_free(root, rom);
    mr_free(root);
    mem_reclaim_retired();
}

/* ---- MMIO dispatch ------------------------------------------------------ */

static const unsigned sizes[] = {1, 2, 4, 8};

static void fill_pattern(TDev *d)
{
    for (size_t i = 0; i < sizeof(d->regs); i++)
        d->regs[i] = (uint8_t)(i * 7 + 3);
}

static uint64_t pattern_at(uint64_t off, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)(uint8_t)((off + i) * 7 + 3) << (8 * i);
    return v;
}

/* Every access the device saw is one it declared, aligned, and touching
 * the requested bytes; together they cover them. */
static void check_accesses(TDev *d, unsigned mn, unsigned mx, uint64_t off,
                           unsigned n)
{
    uint8_t covered[16] = {0};
    assert_int_equal(d->bad, 0);
    assert_true(d->n > 0 && d->n <= (int)ARRAY_SIZE(d->log));
    for (int i = 0; i < d->n; i++) {
        TAcc *a = &d->log[i];
        assert_true(a->size >= mn && a->size <= mx);
        assert_true(IS_POW2(a->size));
        assert_int_equal(a->off % a->size, 0);
        assert_true(a->off < off + n && a->off + a->size > off);
        for (unsigned b = 0; b < a->size; b++)
            if (a->off + b >= off && a->off + b < off + n)
                covered[a->off + b - off] = 1;
    }
    for (unsigned b = 0; b < n; b++)
        assert_int_equal(covered[b], 1);
}

static void test_mmio_all_size_combinations(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    AddressSpace *as = as_new("memory", root);
    for (size_t a = 0; a < ARRAY_SIZE(sizes); a++) {
        for (size_t b = a; b < ARRAY_SIZE(sizes); b++) {
            unsigned mn = sizes[a], mx = sizes[b];
            MemOps ops = {tdev_read, tdev_write, mn, mx};
            TDev d = {0};
            MemoryRegion *mmio = mr_new_mmio("dev", 0x100, &ops, &d);
            mr_add_subregion(root, 0x1000, mmio, 0);
            for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
                unsigned n = sizes[s];
                for (uint64_t off = 0; off < 16; off++) {
                    uint64_t v = 0;
                    fill_pattern(&d);
                    d.n = 0;
                    assert_int_equal(as_read_uint(as, 0x1000 + off, n, &v), MEMTX_OK);
                    assert_int_equal(v, pattern_at(off, n));
                    check_accesses(&d, mn, mx, off, n);
                    for (int i = 0; i < d.n; i++)
                        assert_false(d.log[i].write);
                    /* Aligned accesses within the device's range are
                     * passed through as one. */
                    if (n >= mn && n <= mx && off % n == 0) {
                        assert_int_equal(d.n, 1);
                        assert_int_equal(d.log[0].size, n);
                    }

                    uint64_t w = 0x8877665544332211ULL;
                    if (n < 8)
                        w &= (1ULL << (8 * n)) - 1;
                    d.n = 0;
                    assert_int_equal(as_write_uint(as, 0x1000 + off, n, w), MEMTX_OK);
                    check_accesses(&d, mn, mx, off, n);
                    for (uint64_t i = 0; i < 32; i++) {
                        uint8_t want = (i >= off && i < off + n)
                                           ? (uint8_t)(w >> (8 * (i - off)))
                                           : (uint8_t)(i * 7 + 3);
                        assert_int_equal(d.regs[i], want);
                    }
                    /* Reads appear only as the first half of a widening. */
                    for (int i = 0; i < d.n; i++) {
                        if (!d.log[i].write) {
                            assert_true(i + 1 < d.n);
                            assert_true(d.log[i + 1].write);
                            assert_int_equal(d.log[i + 1].off, d.log[i].off);
                            assert_int_equal(d.log[i].size, mn);
                        }
                    }
                }
            }
            unmap_free(root, mmio);
        }
    }
    as_free(as);
    mr_free(root);
    mem_reclaim_retired();
}

typedef struct Expect {
    unsigned mn, mx;
    bool write;
    uint64_t off;
    unsigned size;
    uint64_t val;
    int n;
    TAcc acc[4];
} Expect;

static void test_mmio_exact_sequences(void **state)
{
    static const Expect cases[] = {
        /* split: 8 bytes into a 4-byte-max device */
        {4, 4, false, 0, 8, 0, 2, {{false, 0, 4, 0}, {false, 4, 4, 0}}},
        /* widened read */
        {4, 4, false, 2, 2, 0, 1, {{false, 0, 4, 0}}},
        /* widened write: read-modify-write */
        {4, 4, true, 2, 2, 0xbeef, 2, {{false, 0, 4, 0}, {true, 0, 4, 0}}},
        /* unaligned across a device-size boundary */
        {4, 4, false, 2, 4, 0, 2, {{false, 0, 4, 0}, {false, 4, 4, 0}}},
        {4, 4, true, 6, 4, 0xa1b2c3d4, 4,
         {{false, 4, 4, 0}, {true, 4, 4, 0}, {false, 8, 4, 0}, {true, 8, 4, 0}}},
        /* natural alignment pieces */
        {1, 8, false, 1, 4, 0, 3, {{false, 1, 1, 0}, {false, 2, 2, 0}, {false, 4, 1, 0}}},
        {1, 8, false, 0, 8, 0, 1, {{false, 0, 8, 0}}},
        {2, 2, true, 3, 1, 0x77, 2, {{false, 2, 2, 0}, {true, 2, 2, 0}}},
        {1, 1, true, 0, 4, 0x04030201, 4,
         {{true, 0, 1, 1}, {true, 1, 1, 2}, {true, 2, 1, 3}, {true, 3, 1, 4}}},
        {8, 8, false, 4, 1, 0, 1, {{false, 0, 8, 0}}},
    };
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    AddressSpace *as = as_new("memory", root);
    for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
        const Expect *e = &cases[c];
        MemOps ops = {tdev_read, tdev_write, e->mn, e->mx};
        TDev d = {0};
        fill_pattern(&d);
        MemoryRegion *mmio = mr_new_mmio("dev", 0x100, &ops, &d);
        mr_add_subregion(root, 0x2000, mmio, 0);
        uint64_t v = 0;
        if (e->write)
            assert_int_equal(as_write_uint(as, 0x2000 + e->off, e->size, e->val), MEMTX_OK);
        else
            assert_int_equal(as_read_uint(as, 0x2000 + e->off, e->size, &v), MEMTX_OK);
        assert_int_equal(d.n, e->n);
        for (int i = 0; i < e->n; i++) {
            assert_int_equal(d.log[i].write, e->acc[i].write);
            assert_int_equal(d.log[i].off, e->acc[i].off);
            assert_int_equal(d.log[i].size, e->acc[i].size);
            if (e->acc[i].val)
                assert_int_equal(d.log[i].val, e->acc[i].val);
        }
        if (!e->write)
            assert_int_equal(v, pattern_at(e->off, e->size));
        unmap_free(root, mmio);
    }
    as_free(as);
    mr_free(root);
    mem_reclaim_retired();
}

/* An access spanning RAM and MMIO is split at the range boundary. */
static void test_access_spanning_ranges(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("ram", 0x1000);
    TDev d = {0};
    fill_pattern(&d);
    MemoryRegion *mmio = mr_new_mmio("dev", 0x200, &tdev_ops_any, &d);
    mr_add_subregion(root, 0, ram, 0);
    mr_add_subregion(root, 0x1000, mmio, 0);
    AddressSpace *as = as_new("memory", root);
    uint8_t *host = mr_ram_ptr(ram);
    uint64_t v;

    host[0xffe] = 0x11;
    host[0xfff] = 0x22;
    assert_int_equal(as_read_uint(as, 0xffe, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x2211 | pattern_at(0, 2) << 16);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.log[0].off, 0);
    assert_int_equal(d.log[0].size, 2);

    d.n = 0;
    assert_int_equal(as_write_uint(as, 0xffc, 8, 0x0807060504030201ULL), MEMTX_OK);
    assert_int_equal(host[0xffc], 0x01);
    assert_int_equal(host[0xfff], 0x04);
    assert_int_equal(d.n, 1);
    assert_true(d.log[0].write);
    assert_int_equal(d.log[0].size, 4);
    assert_int_equal(d.log[0].val, 0x08070605);

    /* A byte copy over RAM, the device and the hole after it. */
    uint8_t buf[0x30];
    memset(buf, 0xee, sizeof(buf));
    d.n = 0;
    assert_int_equal(as_rw(as, 0x11f0, buf, sizeof(buf), false), MEMTX_DECODE_ERROR);
    assert_int_equal(d.n, 2);   /* 16 bytes in 8-byte accesses */
    assert_int_equal(d.log[0].size, 8);
    assert_int_equal(d.log[1].off, 0x1f8);
    assert_memory_equal(buf, d.regs + 0x1f0, 0x10);
    for (int i = 0x10; i < 0x30; i++)
        assert_int_equal(buf[i], 0);

    as_free(as);
    unmap_free(root, ram);
    unmap_free(root, mmio);
    mr_free(root);
    mem_reclaim_retired();
}

static void test_unmapped_and_top_of_space(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    AddressSpace *as = as_new("memory", root);
    uint64_t v = 123;
    assert_null(as_lookup(as, 0));
    assert_null(as_lookup(as, UINT64_MAX));
    assert_int_equal(as_read_uint(as, 0x1000, 4, &v), MEMTX_DECODE_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(as_write_uint(as, 0x1000, 4, 1), MEMTX_DECODE_ERROR);
    /* Exercise the guest_errors log lines too. */
    uint32_t saved = log_mask;
    log_mask |= LOG_GUEST_ERROR;
    assert_int_equal(as_read_uint(as, UINT64_MAX - 1, 4, &v), MEMTX_DECODE_ERROR);
    log_mask = saved;
    assert_int_equal(v, 0);

    /* A catch-all below everything reaches the very last byte. */
    TDev d = {0};
    MemoryRegion *all = mr_new_mmio("unassigned", UINT64_MAX, &tdev_ops_any, &d);
    MemoryRegion *ram = new_ram("ram", 0x1000);
    mr_add_subregion(root, 0, all, -1000);
    /* 2^64 bytes do not fit one FlatRange: two halves. */
    assert_int_equal(as_lookup(as, 0)->size, 1ULL << 63);
    assert_int_equal(as_lookup(as, UINT64_MAX)->start, 1ULL << 63);
    assert_int_equal(as_lookup(as, UINT64_MAX)->offset, 1ULL << 63);
    mr_add_subregion(root, 0x1000, ram, 0);
    const FlatRange *r = as_lookup(as, UINT64_MAX);
    assert_non_null(r);
    assert_ptr_equal(r->mr, all);
    assert_int_equal(r->offset + (UINT64_MAX - r->start), UINT64_MAX);
    r = as_lookup(as, 0);
    assert_ptr_equal(r->mr, all);
    assert_int_equal(r->size, 0x1000);
    assert_ptr_equal(as_lookup(as, 0x1fff)->mr, ram);
    r = as_lookup(as, 0x2000);
    assert_ptr_equal(r->mr, all);
    assert_int_equal(r->offset, 0x2000);
    /* 8 bytes at the top: 2 inside the space, the rest beyond it. */
    assert_int_equal(as_read_uint(as, UINT64_MAX - 1, 8, &v), MEMTX_DECODE_ERROR);

    as_free(as);
    unmap_free(root, all);
    unmap_free(root, ram);
    mr_free(root);
    mem_reclaim_retired();
}

/* x86 port I/O: a 64 KiB container of its own, no system space involved. */
static void test_io_space(void **state)
{
    MemoryRegion *io = mr_new_container("io", 64 * KiB);
    TDev uart = {0};
    MemOps byte_ops = {tdev_read, tdev_write, 1, 1};
    MemoryRegion *com1 = mr_new_mmio("serial", 8, &byte_ops, &uart);
    mr_add_subregion(io, 0x3f8, com1, 0);
    TDev edge = {0};
    MemoryRegion *top = mr_new_mmio("top", 0x100, &tdev_ops_any, &edge);
    mr_add_subregion(io, 0xff80, top, 0);   /* half of it lies beyond 64 KiB */
    AddressSpace *ioas = as_new("I/O", io);

    assert_int_equal(as_write_uint(ioas, 0x3f8, 2, 0x4241), MEMTX_OK);
    assert_int_equal(uart.n, 2);
    assert_int_equal(uart.log[0].size, 1);
    assert_int_equal(uart.regs[0], 0x41);
    assert_int_equal(uart.regs[1], 0x42);
    uint64_t v;
    assert_int_equal(as_read_uint(ioas, 0x3f9, 1, &v), MEMTX_OK);
    assert_int_equal(v, 0x42);
    assert_int_equal(as_read_uint(ioas, 0x3f0, 1, &v), MEMTX_DECODE_ERROR);

    const FlatRange *r = as_lookup(ioas, 0xffff);
    assert_non_null(r);
    assert_int_equal(r->start, 0xff80);
    assert_int_equal(r->size, 0x80);    /* clipped to the container */
    assert_null(as_lookup(ioas, 0x10000));
    assert_int_equal(as_read_uint(ioas, 0x10000, 1, &v), MEMTX_DECODE_ERROR);

    as_free(ioas);
    unmap_free(io, com1);
    unmap_free(io, top);
    mr_free(io);
    mem_reclaim_retired();
}

/* ---- overlaps, priorities, enable, move --------------------------------- */

static void assert_range(AddressSpace *as, hwaddr addr, MemoryRegion *mr,
                         hwaddr start, uint64_t size, uint64_t offset)
{
    const FlatRange *r = as_lookup(as, addr);
    assert_non_null(r);
    assert_ptr_equal(r->mr, mr);
    assert_int_equal(r->start, start);
    assert_int_equal(r->size, size);
    assert_int_equal(r->offset, offset);
}

static void test_priority_overlap(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("ram", 0x10000);
    TDev d = {0};
    MemoryRegion *hi = mr_new_mmio("hi", 0x1000, &tdev_ops_any, &d);
    MemoryRegion *lo = mr_new_mmio("lo", 0x20000, &tdev_ops_any, &d);
    mr_add_subregion(root, 0, ram, 0);
    mr_add_subregion(root, 0x4000, hi, 1);
    mr_add_subregion(root, 0, lo, -1);      /* added last, but lower priority */
    AddressSpace *as = as_new("memory", root);

    assert_range(as, 0x0, ram, 0, 0x4000, 0);
    assert_range(as, 0x4800, hi, 0x4000, 0x1000, 0);
    assert_range(as, 0x5000, ram, 0x5000, 0xb000, 0x5000);
    assert_ptr_equal(as_lookup(as, 0x5000)->host, mr_ram_ptr(ram) + 0x5000);
    assert_range(as, 0x10000, lo, 0x10000, 0x10000, 0x10000);
    assert_null(as_lookup(as, 0x20000));

    /* An MMIO access to the high-priority window reaches the device. */
    assert_int_equal(as_write_uint(as, 0x4010, 4, 0xcafe), MEMTX_OK);
    assert_int_equal(d.log[0].off, 0x10);

    /* Disabled regions are invisible; re-enabled they return. */
    mr_set_enabled(hi, false);
    assert_range(as, 0x4800, ram, 0, 0x10000, 0);  /* merged back into one */
    mr_set_enabled(hi, true);
    assert_range(as, 0x4800, hi, 0x4000, 0x1000, 0);

    /* Priority is local to a container: a high-priority child of a
     * low-priority container does not beat the container's sibling. */
    MemoryRegion *sub = mr_new_container("sub", 0x10000);
    MemoryRegion *inner = mr_new_mmio("inner", 0x1000, &tdev_ops_any, &d);
    mr_add_subregion(sub, 0x4000, inner, 100);
    mr_add_subregion(root, 0, sub, 0);      /* later than ram, same priority */
    assert_range(as, 0x4800, hi, 0x4000, 0x1000, 0);
    assert_range(as, 0x8000, ram, 0x5000, 0xb000, 0x5000); /* sub has nothing there */
    mr_set_enabled(hi, false);
    assert_range(as, 0x4800, inner, 0x4000, 0x1000, 0);

    as_free(as);
    unmap_free(sub, inner);
    unmap_free(root, sub);
    unmap_free(root, ram);
    unmap_free(root, hi);
    unmap_free(root, lo);
    mr_free(root);
    mem_reclaim_retired();
}

static void test_equal_priority_later_wins(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    TDev d = {0};
    MemoryRegion *a = mr_new_mmio("a", 0x2000, &tdev_ops_any, &d);
    MemoryRegion *b = mr_new_mmio("b", 0x2000, &tdev_ops_any, &d);
    AddressSpace *as = as_new("memory", root);

    mr_add_subregion(root, 0x0, a, 0);
    mr_add_subregion(root, 0x1000, b, 0);
    assert_range(as, 0x0, a, 0, 0x1000, 0);
    assert_range(as, 0x1000, b, 0x1000, 0x2000, 0);

    mr_del_subregion(root, a);
    mr_del_subregion(root, b);
    mr_add_subregion(root, 0x1000, b, 0);
    mr_add_subregion(root, 0x0, a, 0);
    assert_range(as, 0x1fff, a, 0, 0x2000, 0);
    assert_range(as, 0x2000, b, 0x2000, 0x1000, 0x1000);

    as_free(as);
    unmap_free(root, a);
    unmap_free(root, b);
    mr_free(root);
    mem_reclaim_retired();
}

static void test_bar_moves_over_ram(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("ram", 0x100000);
    TDev d = {0};
    MemoryRegion *bar = mr_new_mmio("bar0", 0x1000, &tdev_ops_any, &d);
    mr_add_subregion(root, 0, ram, 0);
    mr_add_subregion(root, 0xf0000000, bar, 0);
    AddressSpace *as = as_new("memory", root);
    mr_ram_ptr(ram)[0x8000] = 0x99;

    assert_range(as, 0x8000, ram, 0, 0x100000, 0);
    mr_set_address(bar, 0x8000);            /* over RAM, same priority */
    assert_range(as, 0x8000, bar, 0x8000, 0x1000, 0);
    assert_null(as_lookup(as, 0xf0000000));
    uint64_t v;
    d.regs[0] = 0x42;
    assert_int_equal(as_read_uint(as, 0x8000, 1, &v), MEMTX_OK);
    assert_int_equal(v, 0x42);
    assert_range(as, 0x9000, ram, 0x9000, 0xf7000, 0x9000);

    mr_set_address(bar, 0xf0000000);        /* and away: RAM is whole again */
    assert_range(as, 0x8000, ram, 0, 0x100000, 0);
    assert_int_equal(as_read_uint(as, 0x8000, 1, &v), MEMTX_OK);
    assert_int_equal(v, 0x99);
    assert_range(as, 0xf0000000, bar, 0xf0000000, 0x1000, 0);

    as_free(as);
    unmap_free(root, ram);
    unmap_free(root, bar);
    mr_free(root);
    mem_reclaim_retired();
}

/* ---- aliases, containers, merging --------------------------------------- */

static void test_alias(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("ram", 0x10000);
    MemoryRegion *win = mr_new_alias("ram-hi", ram, 0x4000, 0x2000);
    MemoryRegion *part = mr_new_alias("ram-tail", ram, 0xf000, 0x4000);
    mr_add_subregion(root, 0, ram, 0);
    mr_add_subregion(root, 0x100000, win, 0);
    mr_add_subregion(root, 0x200000, part, 0);
    AddressSpace *as = as_new("memory", root);

    const FlatRange *r = as_lookup(as, 0x100010);
    assert_non_null(r);
    assert_ptr_equal(r->mr, ram);           /* resolved, never the alias */
    assert_int_equal(r->start, 0x100000);
    assert_int_equal(r->size, 0x2000);
    assert_int_equal(r->offset, 0x4000);
    assert_ptr_equal(r->host, mr_ram_ptr(ram) + 0x4000);
    assert_int_equal(r->ram, mr_ram_addr(ram) + 0x4000);

    assert_int_equal(as_write_uint(as, 0x100010, 4, 0x12345678), MEMTX_OK);
    uint64_t v;
    assert_int_equal(as_read_uint(as, 0x4010, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x12345678);

    /* A window reaching past its target is cut at the target's end. */
    assert_range(as, 0x200000, ram, 0x200000, 0x1000, 0xf000);
    assert_null(as_lookup(as, 0x201000));
    assert_null(as_lookup(as, 0x102000));

    /* An alias of a container: changes inside show through it. */
    MemoryRegion *bus = mr_new_container("pci-mem", 0x100000);
    MemoryRegion *busalias = mr_new_alias("pci-window", bus, 0x10000, 0x10000);
    mr_add_subregion(root, 0x40000000, busalias, 0);
    TDev d = {0};
    MemoryRegion *bar = mr_new_mmio("bar", 0x1000, &tdev_ops_any, &d);
    assert_null(as_lookup(as, 0x40000000));
    mr_add_subregion(bus, 0x10800, bar, 0);
    assert_range(as, 0x40000800, bar, 0x40000800, 0x1000, 0);
    mr_set_address(bar, 0x0);               /* outside the window */
    assert_null(as_lookup(as, 0x40000800));
    mr_set_address(bar, 0x1f800);           /* straddles the window's end */
    assert_range(as, 0x4000f800, bar, 0x4000f800, 0x800, 0);
    assert_null(as_lookup(as, 0x40010000));

    as_free(as);
    unmap_free(bus, bar);
    unmap_free(root, busalias);
    mr_free(bus);
    unmap_free(root, win);
    unmap_free(root, part);
    unmap_free(root, ram);
    mr_free(root);
    mem_reclaim_retired();
}

static void test_container_clipping_and_merging(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *box = mr_new_container("box", 0x1000);
    MemoryRegion *ram = new_ram("ram", 0x4000);
    mr_add_subregion(box, 0x800, ram, 0);
    mr_add_subregion(root, 0x10000, box, 0);
    AddressSpace *as = as_new("memory", root);

    assert_null(as_lookup(as, 0x107ff));
    assert_range(as, 0x10800, ram, 0x10800, 0x800, 0);
    assert_null(as_lookup(as, 0x11000));

    /* Two aliases back to back with continuous offsets: one range. */
    MemoryRegion *big = new_ram("big", 0x4000);
    MemoryRegion *a1 = mr_new_alias("a1", big, 0, 0x2000);
    MemoryRegion *a2 = mr_new_alias("a2", big, 0x2000, 0x2000);
    mr_add_subregion(root, 0x100000, a1, 0);
    mr_add_subregion(root, 0x102000, a2, 0);
    assert_range(as, 0x103000, big, 0x100000, 0x4000, 0);
    /* Not continuous in the region: two ranges. */
    mr_set_address(a2, 0x104000);
    assert_range(as, 0x100000, big, 0x100000, 0x2000, 0);
    assert_null(as_lookup(as, 0x102000));
    assert_range(as, 0x104000, big, 0x104000, 0x2000, 0x2000);
    /* Adjacent in the guest but swapped in the region: two ranges. */
    mr_set_address(a1, 0x106000);
    assert_range(as, 0x104000, big, 0x104000, 0x2000, 0x2000);
    assert_range(as, 0x106000, big, 0x106000, 0x2000, 0);

    /* Disabling the container hides its children. */
    mr_set_enabled(box, false);
    assert_null(as_lookup(as, 0x10800));
    mr_set_enabled(box, true);
    assert_non_null(as_lookup(as, 0x10800));

    as_free(as);
    unmap_free(root, a1);
    unmap_free(root, a2);
    mr_free(big);
    unmap_free(root, box);
    mr_free(ram);       /* box's free left it unmapped */
    mr_free(root);
    mem_reclaim_retired();
}

/* ---- listeners ---------------------------------------------------------- */

static void count_listener(void *opaque, AddressSpace *as)
{
    int *n = opaque;
    (*n)++;
}

static void test_listeners(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *other = mr_new_container("io", 0x10000);
    AddressSpace *as = as_new("memory", root);
    AddressSpace *ioas = as_new("io", other);
    int calls = 0, iocalls = 0;
    as_add_listener(as, count_listener, &calls);
    as_add_listener(ioas, count_listener, &iocalls);

    MemoryRegion *ram = new_ram("ram", 0x1000);
    mr_add_subregion(root, 0, ram, 0);
    assert_int_equal(calls, 1);
    mr_set_enabled(ram, true);              /* no change, no call */
    assert_int_equal(calls, 1);
    mr_set_address(ram, 0x1000);
    assert_int_equal(calls, 2);
    mr_set_enabled(ram, false);
    assert_int_equal(calls, 3);
    assert_int_equal(iocalls, 0);
    /* A change that does not alter what is visible does not flush. */
    MemoryRegion *hidden = new_ram("hidden", 0x1000);
    mr_add_subregion(root, 0x5000, hidden, 0);
    assert_int_equal(calls, 4);
    MemoryRegion *under = new_ram("under", 0x1000);
    mr_add_subregion(root, 0x5000, under, -1);
    assert_int_equal(calls, 4);

    as_remove_listener(as, count_listener, &calls);
    mr_set_enabled(ram, true);
    assert_int_equal(calls, 4);

    as_free(as);
    as_free(ioas);
    unmap_free(root, ram);
    unmap_free(root, hidden);
    unmap_free(root, under);
    mr_free(root);
    mr_free(other);
    mem_reclaim_retired();
}

/* ---- info mtree --------------------------------------------------------- */

static char *capture(void (*fn)(AddressSpace *, FILE *), AddressSpace *as)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(as, f);
    fclose(f);
    return buf;
}

static void test_print(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram = new_ram("ram", 0x10000);
    TDev d = {0};
    MemoryRegion *uart = mr_new_mmio("uart", 0x1000, &tdev_ops_any, &d);
    MemoryRegion *off = mr_new_mmio("sleepy", 0x1000, &tdev_ops_any, &d);
    MemoryRegion *hi = mr_new_alias("ram-hi", ram, 0x8000, 0x8000);
    mr_add_subregion(root, 0, ram, 0);
    mr_add_subregion(root, 0x9000000, uart, 1);
    mr_add_subregion(root, 0xa000000, off, 0);
    mr_set_enabled(off, false);
    mr_add_subregion(root, 0x40000000, hi, 0);
    AddressSpace *as = as_new("memory", root);

    char *t = capture(as_print_tree, as);
    assert_non_null(strstr(t, "address-space: memory\n"));
    assert_non_null(strstr(t, "  0000000000000000-ffffffffffffffff (prio 0, container): system\n"));
    assert_non_null(strstr(t, "    0000000000000000-000000000000ffff (prio 0, ram): ram\n"));
    assert_non_null(strstr(t, "    0000000009000000-0000000009000fff (prio 1, i/o): uart\n"));
    assert_non_null(strstr(t, "    000000000a000000-000000000a000fff (prio 0, i/o): sleepy [disabled]\n"));
    assert_non_null(strstr(t, "    0000000040000000-0000000040007fff (prio 0, alias): ram-hi @ram "
                              "0000000000008000-000000000000ffff\n"));
    assert_non_null(strstr(t, "memory-region: ram\n"));
    /* Children are listed in address order. */
    assert_true(strstr(t, ": ram\n") < strstr(t, ": uart\n"));
    free(t);

    char *f = capture(as_print_flat, as);
    assert_non_null(strstr(f, "address-space: memory"));
    assert_non_null(strstr(f, "  0000000000000000-000000000000ffff (ram): ram\n"));
    assert_non_null(strstr(f, "  0000000009000000-0000000009000fff (i/o): uart\n"));
    assert_non_null(strstr(f, "  0000000040000000-0000000040007fff (ram): ram @0000000000008000\n"));
    assert_null(strstr(f, "sleepy"));
    free(f);

    as_free(as);
    unmap_free(root, hi);
    unmap_free(root, ram);
    unmap_free(root, uart);
    unmap_free(root, off);
    mr_free(root);
    mem_reclaim_retired();
}

/* ---- lock-free lookups during changes ----------------------------------- */

enum { BAR_A = 0x2000, BAR_B = 0x8000, BAR_SIZE = 0x1000, RAM_SIZE = 0x10000 };

typedef struct Race {
    AddressSpace *as;
    MemoryRegion *ram, *bar;
    atomic_bool stop;
    atomic_long lookups;
    atomic_int bad;
    atomic_int saw_bar;
} Race;

static void *race_reader(void *p)
{
    Race *rc = p;
    static const hwaddr probes[] = {0x0, 0x1fff, BAR_A, BAR_A + 0x800, 0x5000,
                                    BAR_B, BAR_B + 0xfff, RAM_SIZE - 1};
    uint8_t *host = mr_ram_ptr(rc->ram);
    while (!atomic_load(&rc->stop)) {
        for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
            hwaddr a = probes[i];
            const FlatRange *r = as_lookup(rc->as, a);
            atomic_fetch_add_explicit(&rc->lookups, 1, memory_order_relaxed);
            if (!r || a < r->start || a - r->start >= r->size) {
                atomic_fetch_add(&rc->bad, 1);
                continue;
            }
            uint64_t off = r->offset + (a - r->start);
            if (r->mr == rc->ram) {
                if (r->host + (a - r->start) != host + a || off != a)
                    atomic_fetch_add(&rc->bad, 1);
            } else if (r->mr == rc->bar) {
                atomic_fetch_add(&rc->saw_bar, 1);
                if (off >= BAR_SIZE || (a - off != BAR_A && a - off != BAR_B))
                    atomic_fetch_add(&rc->bad, 1);
            } else {
                atomic_fetch_add(&rc->bad, 1);
            }
        }
    }
    return NULL;
}

static void test_concurrent_lookup(void **state)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    Race rc = {0};
    TDev d = {0};
    rc.ram = new_ram("ram", RAM_SIZE);
    rc.bar = mr_new_mmio("bar", BAR_SIZE, &tdev_ops_any, &d);
    mr_add_subregion(root, 0, rc.ram, 0);
    mr_add_subregion(root, BAR_A, rc.bar, 1);
    rc.as = as_new("memory", root);

    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, race_reader, &rc), 0);
    /* Overlap for real: start moving once the reader runs, and keep on
     * until it has looked up a good while alongside (bounded, as every
     * move leaves a retired view until the reclaim below). */
    while (atomic_load(&rc.lookups) == 0)
        sched_yield();
    long first = atomic_load(&rc.lookups);
    int moves = 0;
    for (int i = 0; i < 100000; i++, moves++) {
        mr_set_address(rc.bar, (i & 1) ? BAR_B : BAR_A);
        if (i % 7 == 0)
            mr_set_enabled(rc.bar, i % 14 != 0);
        if (i >= 20000 && atomic_load(&rc.lookups) - first > 200000)
            break;
        /* Interleave by the reader's progress, not by the scheduler's
         * timing: on a loaded host the reader may not run for a whole
         * time slice, so every 256 moves wait until it has looked up. */
        if (i % 256 == 255) {
            long seen = atomic_load(&rc.lookups);
            while (atomic_load(&rc.lookups) == seen)
                sched_yield();
        }
    }
    long during = atomic_load(&rc.lookups) - first;
    atomic_store(&rc.stop, true);
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&rc.bad), 0);
    assert_true(atomic_load(&rc.saw_bar) > 0);
    assert_true(moves >= 20000);
    assert_true(during > 0);

    mem_reclaim_retired();
    as_free(rc.as);
    unmap_free(root, rc.ram);
    unmap_free(root, rc.bar);
    mr_free(root);
    mem_reclaim_retired();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ram_rw),
        cmocka_unit_test(test_ram_errors_and_large),
        cmocka_unit_test(test_rom),
        cmocka_unit_test(test_rom_device),
        cmocka_unit_test(test_mmio_all_size_combinations),
        cmocka_unit_test(test_mmio_exact_sequences),
        cmocka_unit_test(test_access_spanning_ranges),
        cmocka_unit_test(test_unmapped_and_top_of_space),
        cmocka_unit_test(test_io_space),
        cmocka_unit_test(test_priority_overlap),
        cmocka_unit_test(test_equal_priority_later_wins),
        cmocka_unit_test(test_bar_moves_over_ram),
        cmocka_unit_test(test_alias),
        cmocka_unit_test(test_container_clipping_and_merging),
        cmocka_unit_test(test_listeners),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_concurrent_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
