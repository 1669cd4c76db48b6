/*
 * test_gicv3_its.c — devices/intc/gicv3-its: the register interface Linux
 * probes (TYPER, BASERs that stick, CBASER/CWRITER/CREADR), a command
 * sequence MAPD/MAPC/MAPTI/SYNC followed by an MSI through the sink (and a
 * TRANSLATER store) making the LPI pending at the right redistributor,
 * INT/CLEAR/DISCARD/MOVI/MOVALL/MAPI/INV/INVALL, and bad commands and
 * tables: each sets an error, is skipped, and never stalls or crashes.
 */
#include "tests/unit/test.h"

#include "core/memory.h"
#include "devices/intc/gicv3-its.h"
#include "tests/unit/logcap.h"

#define NCPU   4
#define DIST   0x08000000ull
#define ITS    0x08080000ull
#define RDIST  0x080a0000ull
#define RAM    0x40000000ull
#define PROP   (RAM + 0x010000)
#define DEVT   (RAM + 0x100000)
#define COLLT  (RAM + 0x200000)
#define QUEUE  (RAM + 0x300000)
#define ITT    (RAM + 0x400000)

static struct {
    MemoryRegion *root, *ram;
    AddressSpace *as;
    GICv3 *gic;
    GICv3ITS *its;
    IRQ *outs;
    int level[2 * NCPU];
    uint64_t wp;        /* our CWRITER */
} T;

static void out_handler(void *opaque, int n, int level)
{
    T.level[n] = level;
}

static uint64_t rd(hwaddr a, unsigned size)
{
    uint64_t v = 0;
    as_read_uint(T.as, a, size, &v);
    return v;
}

static void wr(hwaddr a, unsigned size, uint64_t v)
{
    assert_int_equal(as_write_uint(T.as, a, size, v), MEMTX_OK);
}

static uint8_t *ram(hwaddr a)
{
    return mr_ram_ptr(T.ram) + (a - RAM);
}

static int setup(void **state)
{
    memset(&T, 0, sizeof(T));
    Error *err = NULL;
    T.root = mr_new_container("system", UINT64_MAX);
    T.as = as_new("memory", T.root);
    T.ram = mr_new_ram("ram", 8 * MiB, &err);
    mr_add_subregion(T.root, RAM, T.ram, 0);
    GICv3Config cfg = {.num_cpu = NCPU, .num_irq = 64, .lpis = true, .dma_as = T.as};
    T.gic = gicv3_create(&cfg, &err);
    assert_non_null(T.gic);
    mr_add_subregion(T.root, DIST, T.gic->dist_mr, 0);
    mr_add_subregion(T.root, RDIST, T.gic->rdist_mr[0], 0);
    T.its = gicv3_its_create(T.gic, T.as, &err);
    assert_non_null(T.its);
    gicv3_its_map(T.its, T.root, ITS);
    T.outs = irq_new(out_handler, NULL, 2 * NCPU);
    for (int c = 0; c < NCPU; c++)
        gic_connect_cpu(&T.gic->lines, c, &T.outs[2 * c], &T.outs[2 * c + 1]);
    /* Linux's bring-up: distributor, redistributors with LPI tables, CPU
     * interfaces. */
    wr(DIST, 4, 0x13);
    for (int c = 0; c < NCPU; c++) {
        hwaddr rb = RDIST + (uint64_t)c * 0x20000;
        wr(rb + 0x14, 4, 0);
        wr(rb + 0x70, 8, PROP | 15);
        wr(rb + 0x78, 8, (RAM + 0x500000 + (uint64_t)c * 0x10000) | 1ull << 62);
        wr(rb, 4, 1);
        gicv3_icc_write(T.gic, c, ICC_PMR_EL1, 0xf0);
        gicv3_icc_write(T.gic, c, ICC_IGRPEN1_EL1, 1);
    }
    for (uint32_t i = 0; i < 256; i++)
        *ram(PROP + i) = 0xa0 | 1;      /* LPIs 8192.. : prio 0xa0, enabled */
    logcap_start();
    return 0;
}

static void *kept[64];
static int nkept;

static int teardown(void **state)
{
    logcap_stop();
    for (int c = 0; c < NCPU; c++)
        gic_connect_cpu(&T.gic->lines, c, NULL, NULL);
    mr_del_subregion(T.root, T.gic->dist_mr);
    mr_del_subregion(T.root, T.gic->rdist_mr[0]);
    mr_del_subregion(T.root, T.its->mr);
    kept[nkept++ % 64] = T.root;
    kept[nkept++ % 64] = T.as;
    irq_free(T.outs);
    return 0;
}

/* ITS bring-up as Linux does it; dev_pages: device table size in 4K pages. */
static void its_init(unsigned dev_pages)
{
    uint64_t b0 = rd(ITS + 0x100, 8), b1 = rd(ITS + 0x108, 8);
    assert_int_equal(b0 >> 56 & 7, 1);                  /* devices */
    assert_int_equal((b0 >> 48 & 0x1f) + 1, 8);
    assert_int_equal(b1 >> 56 & 7, 4);                  /* collections */
    uint64_t v0 = 1ull << 63 | 7ull << 59 | (b0 & (7ull << 56 | 0x1full << 48)) | DEVT |
                  1ull << 10 | (dev_pages - 1);
    wr(ITS + 0x100, 8, v0);
    assert_int_equal(rd(ITS + 0x100, 8), v0);           /* "sticks", as Linux checks */
    uint64_t v1 = 1ull << 63 | (b1 & (7ull << 56 | 0x1full << 48)) | COLLT | 0;
    wr(ITS + 0x108, 8, v1);
    assert_int_equal(rd(ITS + 0x108, 8), v1);
    wr(ITS + 0x104, 4, (uint32_t)(v0 >> 32) | 1u << 30);   /* Indirect: RAZ/WI */
    assert_int_equal(rd(ITS + 0x104, 4) >> 30 & 1, 0);
    wr(ITS + 0x80, 8, 1ull << 63 | QUEUE | 1ull << 10 | 15);   /* 64 KiB queue */
    wr(ITS + 0x88, 8, 0);
    T.wp = 0;
    wr(ITS, 4, rd(ITS, 4) | 1);
}

static void cmd(uint64_t c0, uint64_t c1, uint64_t c2, uint64_t c3)
{
    uint64_t c[4] = {c0, c1, c2, c3};
    for (int w = 0; w < 4; w++)
        for (int i = 0; i < 8; i++)
            *ram(QUEUE + T.wp + (uint64_t)w * 8 + (uint64_t)i) = (uint8_t)(c[w] >> (8 * i));
    T.wp = (T.wp + 32) % 0x10000;
    wr(ITS + 0x88, 8, T.wp);
    assert_int_equal(rd(ITS + 0x90, 8), T.wp);          /* consumed at once */
}

#define MAPD(dev, bits, itt) cmd(0x08 | (uint64_t)(dev) << 32, (bits) - 1, 1ull << 63 | (itt), 0)
#define MAPC(icid, cpu) cmd(0x09, 0, 1ull << 63 | (uint64_t)(cpu) << 16 | (icid), 0)
#define MAPTI(dev, ev, lpi, icid) \
    cmd(0x0a | (uint64_t)(dev) << 32, (ev) | (uint64_t)(lpi) << 32, (icid), 0)
#define INT(dev, ev) cmd(0x03 | (uint64_t)(dev) << 32, (ev), 0, 0)
#define CLEAR(dev, ev) cmd(0x04 | (uint64_t)(dev) << 32, (ev), 0, 0)
#define DISCARD(dev, ev) cmd(0x0f | (uint64_t)(dev) << 32, (ev), 0, 0)
#define MOVI(dev, ev, icid) cmd(0x01 | (uint64_t)(dev) << 32, (ev), (icid), 0)
#define SYNC(cpu) cmd(0x05, 0, (uint64_t)(cpu) << 16, 0)
#define IRQ_OF(c) T.level[2 * (c)]

static void test_registers(void **state)
{
    uint64_t typer = rd(ITS + 8, 8);
    assert_int_equal(typer & 1, 1);                      /* physical LPIs */
    assert_int_equal((typer >> 4 & 0xf) + 1, 8);         /* ITT entry size */
    assert_int_equal((typer >> 8 & 0x1f) + 1, 16);       /* EventID bits */
    assert_int_equal((typer >> 13 & 0x1f) + 1, 16);      /* DeviceID bits */
    assert_int_equal(typer >> 19 & 1, 0);                /* PTA: processor numbers */
    assert_int_equal(rd(ITS + 4, 4), 0x43b);
    assert_int_equal(rd(ITS + 0xffe8, 4) & 0xf0, 0x30);
    assert_int_equal(rd(ITS, 4) >> 31, 1);               /* quiescent */
    its_init(128);
    /* Tables and queue are fixed while enabled. */
    wr(ITS + 0x80, 8, 0);
    assert_true(logcap_has("while enabled"));
    wr(ITS + 0x100, 8, 0);
    assert_true(logcap_has("while enabled"));
    assert_int_equal(rd(ITS + 0x100, 8) & 0xfffffffff000ull, DEVT);
    /* Unimplemented BASERs are RAZ/WI; CREADR is read-only. */
    wr(ITS + 0x110, 8, ~0ull);
    assert_int_equal(rd(ITS + 0x110, 8), 0);
    wr(ITS + 0x90, 8, 0x40);
    assert_true(logcap_has("read-only"));
}

static void test_map_and_translate(void **state)
{
    its_init(128);
    MAPD(0x10, 5, ITT);
    MAPC(3, 2);
    MAPTI(0x10, 7, 8200, 3);
    SYNC(2);
    assert_int_equal(T.its->errors, 0);
    /* A PCI function 00:02.0 has requester ID 0x10: its MSI-X write to
     * GITS_TRANSLATER arrives through the sink. */
    assert_true(gicv3_its_msi_sink(T.its, ITS + 0x10040, 7, 0x10));
    for (int c = 0; c < NCPU; c++)
        assert_int_equal(IRQ_OF(c), c == 2);
    assert_true(gicv3_lpi_is_pending(T.gic, 2, 8200));
    assert_int_equal(gicv3_icc_read(T.gic, 2, ICC_IAR1_EL1), 8200);
    gicv3_icc_write(T.gic, 2, ICC_EOIR1_EL1, 8200);
    assert_int_equal(IRQ_OF(2), 0);
    /* Not the translater: not taken by the sink. */
    assert_false(gicv3_its_msi_sink(T.its, ITS + 0x10044, 7, 0x10));
    assert_false(gicv3_its_msi_sink(T.its, 0x08020040, 7, 0x10));
    /* A CPU store to GITS_TRANSLATER is DeviceID 0: not mapped here. */
    wr(ITS + 0x10040, 4, 7);
    assert_int_equal(T.its->last_error, ITS_ERR_DEVICE_UNMAPPED);
    MAPD(0, 1, ITT + 0x1000);
    cmd(0x0b, 8300, 3, 0);                  /* MAPI: event 8300 beyond a 1-bit ITT */
    assert_int_equal(T.its->last_error, ITS_ERR_EVENT_OOR);
    MAPD(0, 16, ITT + 0x1000);
    cmd(0x0b, 8300, 3, 0);                  /* MAPI: pINTID = EventID */
    wr(ITS + 0x10040, 4, 8300);
    assert_true(gicv3_lpi_is_pending(T.gic, 2, 8300));
    /* INT, CLEAR. */
    INT(0x10, 7);
    assert_true(gicv3_lpi_is_pending(T.gic, 2, 8200));
    CLEAR(0x10, 7);
    assert_false(gicv3_lpi_is_pending(T.gic, 2, 8200));
    /* MOVI to a collection on cpu 1 moves a pending LPI with it. */
    MAPC(4, 1);
    INT(0x10, 7);
    MOVI(0x10, 7, 4);
    assert_false(gicv3_lpi_is_pending(T.gic, 2, 8200));
    assert_true(gicv3_lpi_is_pending(T.gic, 1, 8200));
    assert_true(gicv3_its_msi_sink(T.its, ITS + 0x10040, 7, 0x10));
    assert_int_equal(IRQ_OF(1), 1);
    /* MOVALL cpu 1 -> cpu 3. */
    uint64_t e0 = T.its->errors;
    cmd(0x0e, 0, 1ull << 16, 3ull << 16);
    assert_int_equal(T.its->errors, e0);
    MAPC(4, 3);     /* software retargets the collection with it */
    assert_true(gicv3_lpi_is_pending(T.gic, 3, 8200));
    assert_int_equal(IRQ_OF(1), 0);
    assert_int_equal(IRQ_OF(3), 1);
    /* INV and INVALL re-read the configuration: disable 8200 in the table. */
    *ram(PROP + 8) = 0xa0;
    cmd(0x0c | 0x10ull << 32, 7, 0, 0);
    assert_int_equal(IRQ_OF(3), 0);
    *ram(PROP + 8) = 0xa1;
    cmd(0x0d, 0, 4, 0);
    assert_int_equal(IRQ_OF(3), 1);
    /* DISCARD: gone, and the event no longer translates. */
    DISCARD(0x10, 7);
    assert_false(gicv3_lpi_is_pending(T.gic, 3, 8200));
    assert_int_equal(gicv3_its_translate(T.its, 0x10, 7), ITS_ERR_EVENT_UNMAPPED);
    /* Disabled ITS: no translation. */
    wr(ITS, 4, 0);
    assert_int_equal(gicv3_its_translate(T.its, 0, 8300), ITS_ERR_DISABLED);
}

static void test_bad_commands_and_tables(void **state)
{
    /* Commands before the tables exist. */
    wr(ITS + 0x80, 8, 1ull << 63 | QUEUE | 15);
    T.wp = 0;
    wr(ITS, 4, 1);
    MAPD(1, 4, ITT);
    assert_int_equal(T.its->last_error, ITS_ERR_TABLE);
    wr(ITS, 4, 0);
    its_init(1);                                         /* 512 devices */
    uint64_t e0 = T.its->errors;
    MAPD(1000, 4, ITT);
    assert_int_equal(T.its->last_error, ITS_ERR_DEVICE_OOR);
    MAPD(1, 17, ITT);
    assert_int_equal(T.its->last_error, ITS_ERR_ITT_SIZE);
    MAPC(1, 99);
    assert_int_equal(T.its->last_error, ITS_ERR_TARGET_OOR);
    MAPC(600, 1);                                        /* 4K table: 512 ICIDs */
    assert_int_equal(T.its->last_error, ITS_ERR_COLLECTION_OOR);
    MAPTI(2, 0, 8200, 1);
    assert_int_equal(T.its->last_error, ITS_ERR_DEVICE_UNMAPPED);
    MAPD(2, 2, ITT);
    MAPTI(2, 9, 8200, 1);
    assert_int_equal(T.its->last_error, ITS_ERR_EVENT_OOR);
    MAPTI(2, 1, 100, 1);
    assert_int_equal(T.its->last_error, ITS_ERR_LPI_OOR);
    MAPTI(2, 1, 8200, 1);                                /* collection 1 unmapped */
    INT(2, 1);
    assert_int_equal(T.its->last_error, ITS_ERR_COLLECTION_UNMAPPED);
    INT(2, 2);
    assert_int_equal(T.its->last_error, ITS_ERR_EVENT_UNMAPPED);
    cmd(0x42, 0, 0, 0);
    assert_int_equal(T.its->last_error, ITS_ERR_COMMAND);
    cmd(0x2a, 0, 0, 0);                                  /* VMAPP (GICv4): not here */
    assert_int_equal(T.its->last_error, ITS_ERR_COMMAND);
    SYNC(77);
    assert_int_equal(T.its->last_error, ITS_ERR_TARGET_OOR);
    assert_int_equal(T.its->errors, e0 + 12);
    assert_true(logcap_has("gicv3-its: command 0x08"));
    /* An ITT outside RAM: the command fails, nothing breaks. */
    MAPD(3, 4, 0x1000);
    MAPTI(3, 0, 8200, 1);
    assert_int_equal(T.its->last_error, ITS_ERR_TABLE);
    /* CWRITER beyond the queue: refused. */
    wr(ITS + 0x88, 8, 0x20000);
    assert_int_equal(T.its->last_error, ITS_ERR_QUEUE);
    /* A queue that is not RAM: the commands are dropped, not stalled. */
    wr(ITS, 4, 0);
    wr(ITS + 0x80, 8, 1ull << 63 | 0x2000ull | 0);
    wr(ITS, 4, 1);
    wr(ITS + 0x88, 8, 0x40);
    assert_int_equal(T.its->last_error, ITS_ERR_QUEUE);
    assert_int_equal(rd(ITS + 0x90, 8), 0x40);
    /* A device table outside RAM. */
    wr(ITS, 4, 0);
    wr(ITS + 0x100, 8, 1ull << 63 | (rd(ITS + 0x100, 8) & (0x1full << 48 | 7ull << 56)) |
                       0x7000000000ull);
    wr(ITS, 4, 1);
    assert_int_equal(gicv3_its_translate(T.its, 1, 0), ITS_ERR_TABLE);
    /* An ITS needs LPIs. */
    Error *err = NULL;
    GICv3Config nl = {.num_cpu = 1, .num_irq = 32};
    GICv3 *g2 = gicv3_create(&nl, &err);
    assert_non_null(g2);
    assert_null(gicv3_its_create(g2, T.as, &err));
    assert_contains(error_get_msg(err), "without LPIs");
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_and_translate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_commands_and_tables, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
