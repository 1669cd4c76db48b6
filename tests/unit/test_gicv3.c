/*
 * test_gicv3.c — devices/intc/gicv3: identification, the redistributor wake
 * handshake, affinity routing of SPIs (GICD_IROUTER) and SGIs (ICC_SGI1R
 * with target lists, clusters and IRM), the ICC_* flows (IAR1/EOIR1/DIR,
 * PMR, binary point, preemption, RPR, active priorities), PPIs per CPU,
 * group 0 as FIQ, LPIs through the redistributor's tables, the system
 * register table, and bad accesses (logged).
 */
#include "tests/unit/test.h"

#include "core/memory.h"
#include "devices/intc/gicv3.h"
#include "tests/unit/logcap.h"

#define NCPU  18
#define DIST  0x08000000ull
#define RDIST 0x080a0000ull
#define RAM   0x40000000ull

static struct {
    MemoryRegion *root, *ram;
    AddressSpace *as;
    GICv3 *gic;
    IRQ *outs;
    int level[2 * NCPU];
} T;

static void out_handler(void *opaque, int n, int level)
{
    T.level[n] = level;
}

static int setup(void **state)
{
    memset(&T, 0, sizeof(T));
    Error *err = NULL;
    T.root = mr_new_container("system", UINT64_MAX);
    T.as = as_new("memory", T.root);
    T.ram = mr_new_ram("ram", 4 * MiB, &err);
    mr_add_subregion(T.root, RAM, T.ram, 0);
    GICv3Config cfg = {.num_cpu = NCPU, .num_irq = 128, .lpis = true, .dma_as = T.as};
    T.gic = gicv3_create(&cfg, &err);
    if (!T.gic)
        fail_msg("%s", error_get_msg(err));
    mr_add_subregion(T.root, DIST, T.gic->dist_mr, 0);
    mr_add_subregion(T.root, RDIST, T.gic->rdist_mr[0], 0);
    T.outs = irq_new(out_handler, NULL, 2 * NCPU);
    for (int c = 0; c < NCPU; c++)
        gic_connect_cpu(&T.gic->lines, c, &T.outs[2 * c], &T.outs[2 * c + 1]);
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
    /* The GIC stays on the device list and keeps reading its tables
     * through T.as: keep both alive. */
    kept[nkept++ % 64] = T.root;
    kept[nkept++ % 64] = T.as;
    irq_free(T.outs);
    return 0;
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

#define D(off) rd(DIST + (off), 4)
#define DW(off, v) wr(DIST + (off), 4, v)
#define R(cpu, off) rd(RDIST + (uint64_t)(cpu) * 0x20000 + (off), 4)
#define RW(cpu, off, v) wr(RDIST + (uint64_t)(cpu) * 0x20000 + (off), 4, v)
#define S(cpu, off) R(cpu, 0x10000 + (off))
#define SW(cpu, off, v) RW(cpu, 0x10000 + (off), v)
#define ICC(cpu, reg) gicv3_icc_read(T.gic, cpu, reg)
#define ICCW(cpu, reg, v) gicv3_icc_write(T.gic, cpu, reg, v)
#define IRQ_OF(c) T.level[2 * (c)]
#define FIQ_OF(c) T.level[2 * (c) + 1]

/* What Linux's irq-gic-v3 does on every CPU. */
static void bringup(void)
{
    DW(0x0000, 0x13);                       /* ARE_NS | EnableG1A | EnableG1 */
    for (int i = 1; i < 4; i++)
        DW(0x0080 + 4 * i, 0xffffffff);     /* SPIs group 1 */
    for (int c = 0; c < NCPU; c++) {
        RW(c, 0x14, R(c, 0x14) & ~2u);      /* wake */
        SW(c, 0x80, 0xffffffff);            /* SGIs/PPIs group 1 */
        ICCW(c, ICC_PMR_EL1, 0xf0);
        ICCW(c, ICC_BPR1_EL1, 0);
        ICCW(c, ICC_CTLR_EL1, 0);
        ICCW(c, ICC_AP1R0_EL1, 0);
        ICCW(c, ICC_IGRPEN1_EL1, 1);
    }
}

static void spi(int id, int level)
{
    irq_set(gic_spi_line(&T.gic->lines, id - 32), level);
}

static void route_spi(int id, int cpu, uint8_t prio, bool edge)
{
    uint32_t aff = T.gic->cpu[cpu].affinity;
    wr(DIST + 0x6000 + 8 * id, 8, (uint64_t)(aff >> 24) << 32 | (aff & 0xffffff));
    wr(DIST + 0x400 + id, 1, prio);
    uint32_t cfg = D(0xc00 + id / 16 * 4), bit = 2u << (2 * (id % 16));
    DW(0xc00 + id / 16 * 4, edge ? cfg | bit : cfg & ~bit);
    DW(0x100 + id / 32 * 4, 1u << (id % 32));
}

static void test_ids_and_rdist_layout(void **state)
{
    assert_int_equal(D(0x0000), 0x50);                        /* ARE, DS */
    uint32_t typer = D(0x0004);
    assert_int_equal(typer & 0x1f, 3);
    assert_true(typer & (1u << 17));                           /* LPIS */
    assert_int_equal(typer >> 19 & 0x1f, 15);                  /* 16 ID bits */
    assert_int_equal(D(0x0008), 0x43b);
    assert_int_equal(D(0xffe8) & 0xf0, 0x30);
    for (int c = 0; c < NCPU; c++) {
        uint64_t t = rd(RDIST + (uint64_t)c * 0x20000 + 8, 8);
        assert_int_equal(t >> 32, gicv3_default_affinity(c));
        assert_int_equal(t >> 8 & 0xffff, c);
        assert_int_equal(!!(t & 0x10), c == NCPU - 1);         /* Last */
        assert_true(t & 1);                                    /* PLPIS */
        assert_int_equal(R(c, 0x0c), t >> 32);                 /* upper half */
        assert_int_equal(R(c, 0xffe8) & 0xf0, 0x30);
    }
    assert_int_equal(gicv3_default_affinity(17), 0x101);
    assert_int_equal(gicv3_cpu_by_affinity(T.gic, 0x101), 17);
    /* Distributor registers for INTIDs 0..31 are RAZ/WI with ARE. */
    DW(0x100, 0xffffffff);
    assert_int_equal(D(0x100), 0);
    assert_int_equal(S(0, 0xc00), 0xaaaaaaaa);                    /* SGIs edge */
    /* System-register table. */
    const IccRegInfo *r = gicv3_icc_lookup(3, 0, 12, 12, 0);
    assert_non_null(r);
    assert_int_equal(r->reg, ICC_IAR1_EL1);
    assert_int_equal(gicv3_icc_lookup(3, 0, 4, 6, 0)->reg, ICC_PMR_EL1);
    assert_int_equal(gicv3_icc_lookup(3, 0, 12, 11, 5)->reg, ICC_SGI1R_EL1);
    assert_int_equal(gicv3_icc_lookup(3, 4, 12, 9, 5)->reg, ICC_SRE_EL2);
    assert_null(gicv3_icc_lookup(3, 0, 12, 12, 8));
    for (int i = 0; i < ICC__COUNT; i++)
        assert_int_equal(gicv3_icc_regs[i].reg, i);
    assert_int_equal(ICC(0, ICC_SRE_EL1) & 1, 1);
    assert_int_equal(ICC(0, ICC_CTLR_EL1) >> 8 & 7, 4);      /* PRIbits: 5 bits */
}

static void test_waker_handshake(void **state)
{
    bringup();
    RW(3, 0x14, 2);                                  /* back to sleep */
    assert_int_equal(R(3, 0x14), 6);                 /* ChildrenAsleep follows */
    route_spi(40, 3, 0x80, false);
    spi(40, 1);
    assert_int_equal(IRQ_OF(3), 0);                  /* asleep: not signalled */
    uint32_t w = R(3, 0x14);
    RW(3, 0x14, w & ~2u);
    assert_int_equal(R(3, 0x14) & 4, 0);             /* ChildrenAsleep clear */
    assert_int_equal(IRQ_OF(3), 1);
    spi(40, 0);
}

static void test_spi_affinity_routing(void **state)
{
    bringup();
    route_spi(40, 2, 0x80, false);
    route_spi(41, 17, 0x80, true);                   /* cluster 1, core 1 */
    assert_int_equal(rd(DIST + 0x6000 + 8 * 41, 8), 0x101);
    assert_int_equal(rd(DIST + 0x6000 + 8 * 41 + 4, 4), 0);
    spi(40, 1);
    for (int c = 0; c < NCPU; c++)
        assert_int_equal(IRQ_OF(c), c == 2);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 1023);
    assert_int_equal(ICC(2, ICC_HPPIR1_EL1), 40);
    assert_int_equal(ICC(2, ICC_IAR1_EL1), 40);
    assert_int_equal(IRQ_OF(2), 0);
    assert_int_equal(D(0x304) >> 8 & 1, 1);          /* active */
    ICCW(2, ICC_EOIR1_EL1, 40);
    assert_int_equal(D(0x304), 0);
    spi(40, 0);
    assert_int_equal(IRQ_OF(2), 0);
    spi(41, 1); spi(41, 0);
    assert_int_equal(IRQ_OF(17), 1);
    assert_int_equal(ICC(17, ICC_IAR1_EL1), 41);
    ICCW(17, ICC_EOIR1_EL1, 41);
    /* Routed to an affinity no CPU has: nobody gets it. */
    wr(DIST + 0x6000 + 8 * 40, 4, 0x0707);
    spi(40, 1);
    for (int c = 0; c < NCPU; c++)
        assert_int_equal(IRQ_OF(c), 0);
    /* Re-routed while pending: the new target sees it. */
    wr(DIST + 0x6000 + 8 * 40, 4, 5);
    assert_int_equal(IRQ_OF(5), 1);
    spi(40, 0);
    /* IRM (1 of N) is RAZ/WI: No1N. */
    wr(DIST + 0x6000 + 8 * 40, 4, 1u << 31 | 5);
    assert_int_equal(rd(DIST + 0x6000 + 8 * 40, 4), 5);
    /* GICD_SETSPI_NSR / CLRSPI_NSR. */
    route_spi(42, 1, 0x40, true);
    DW(0x0040, 42);
    assert_int_equal(IRQ_OF(1), 1);
    DW(0x0048, 42);
    assert_int_equal(IRQ_OF(1), 0);
}

static void test_icc_flows_and_preemption(void **state)
{
    bringup();
    route_spi(50, 0, 0x80, true);
    route_spi(51, 0, 0x40, true);
    route_spi(52, 0, 0xc0, true);
    /* EOImode 1, as Linux running at EL2. */
    ICCW(0, ICC_CTLR_EL1, 2);
    assert_int_equal(ICC(0, ICC_CTLR_EL1) & 3, 2);
    spi(50, 1); spi(50, 0);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 50);
    assert_int_equal(ICC(0, ICC_RPR_EL1), 0x80);
    assert_int_equal(ICC(0, ICC_AP1R0_EL1), 1u << (0x80 >> 3));
    spi(52, 1); spi(52, 0);
    assert_int_equal(IRQ_OF(0), 0);                  /* lower priority waits */
    assert_int_equal(ICC(0, ICC_HPPIR1_EL1), 52);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 1023);
    spi(51, 1); spi(51, 0);
    assert_int_equal(IRQ_OF(0), 1);                  /* preempts */
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 51);
    assert_int_equal(ICC(0, ICC_RPR_EL1), 0x40);
    ICCW(0, ICC_EOIR1_EL1, 51);                      /* drop only */
    assert_int_equal(ICC(0, ICC_RPR_EL1), 0x80);
    assert_int_equal(D(0x304) >> 19 & 1, 1);         /* 51 still active */
    ICCW(0, ICC_DIR_EL1, 51);
    assert_int_equal(D(0x304) >> 19 & 1, 0);
    ICCW(0, ICC_EOIR1_EL1, 50);
    assert_int_equal(ICC(0, ICC_RPR_EL1), 0xff);
    /* After the drop 52 is taken even though 50 is still active. */
    assert_int_equal(IRQ_OF(0), 1);
    ICCW(0, ICC_DIR_EL1, 50);
    assert_int_equal(D(0x304), 0);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 52);
    ICCW(0, ICC_EOIR1_EL1, 52);
    ICCW(0, ICC_DIR_EL1, 52);
    /* PMR masks. */
    spi(50, 1); spi(50, 0);
    ICCW(0, ICC_PMR_EL1, 0x80);
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 1023);
    ICCW(0, ICC_PMR_EL1, 0xff);
    assert_int_equal(ICC(0, ICC_PMR_EL1), 0xf8);
    assert_int_equal(IRQ_OF(0), 1);
    /* EOImode 0: EOI deactivates; DIR is refused. */
    ICCW(0, ICC_CTLR_EL1, 0);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 50);
    ICCW(0, ICC_EOIR1_EL1, 50);
    assert_int_equal(D(0x304), 0);
    ICCW(0, ICC_DIR_EL1, 50);
    assert_true(logcap_has("EOImode 0"));
    /* Binary point 7 for group 1: the group priority is bit 7 alone, so
     * 0x80 cannot preempt 0xc0 (0x40 could). */
    ICCW(0, ICC_BPR1_EL1, 7);
    assert_int_equal(ICC(0, ICC_BPR1_EL1), 7);
    spi(52, 1); spi(52, 0);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 52);
    assert_int_equal(ICC(0, ICC_RPR_EL1), 0x80);
    spi(50, 1); spi(50, 0);
    assert_int_equal(IRQ_OF(0), 0);
    spi(51, 1); spi(51, 0);
    assert_int_equal(IRQ_OF(0), 1);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 51);
    ICCW(0, ICC_EOIR1_EL1, 51);
    ICCW(0, ICC_EOIR1_EL1, 52);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 50);
    ICCW(0, ICC_EOIR1_EL1, 50);
    ICCW(0, ICC_BPR1_EL1, 0);
    assert_int_equal(ICC(0, ICC_BPR1_EL1), 3);       /* minimum */
    /* CBPR: BPR1 reads BPR0 + 1 and ignores writes. */
    ICCW(0, ICC_CTLR_EL1, 1);
    assert_int_equal(ICC(0, ICC_BPR1_EL1), 3);
    ICCW(0, ICC_CTLR_EL1, 0);
    /* Group enable off: nothing. */
    ICCW(0, ICC_IGRPEN1_EL1, 0);
    spi(50, 1); spi(50, 0);
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 1023);
    ICCW(0, ICC_IGRPEN1_EL1, 1);
    assert_int_equal(IRQ_OF(0), 1);
    /* EOI with nothing active. */
    assert_int_equal(ICC(0, ICC_IAR1_EL1), 50);
    ICCW(0, ICC_EOIR1_EL1, 50);
    ICCW(0, ICC_EOIR1_EL1, 50);
    assert_true(logcap_has("no active priority"));
}

static void test_sgi1r(void **state)
{
    bringup();
    for (int c = 0; c < NCPU; c++)
        SW(c, 0x100, 0xffff);                        /* enable SGIs */
    /* cpu0 -> cluster 0, cores 1 and 3, SGI 5. */
    ICCW(0, ICC_SGI1R_EL1, 5ull << 24 | (1u << 1 | 1u << 3));
    for (int c = 0; c < NCPU; c++)
        assert_int_equal(IRQ_OF(c), c == 1 || c == 3);
    assert_int_equal(S(0, 0x200) & 0xffff, 0);
    assert_int_equal(ICC(1, ICC_IAR1_EL1), 5);
    ICCW(1, ICC_EOIR1_EL1, 5);
    assert_int_equal(ICC(3, ICC_IAR1_EL1), 5);
    ICCW(3, ICC_EOIR1_EL1, 5);
    /* Cluster 1 (Aff1 = 1): core 1 is CPU 17. */
    ICCW(0, ICC_SGI1R_EL1, 7ull << 24 | 1ull << 16 | 1u << 1);
    assert_int_equal(IRQ_OF(17), 1);
    assert_int_equal(IRQ_OF(1), 0);
    assert_int_equal(ICC(17, ICC_IAR1_EL1), 7);
    ICCW(17, ICC_EOIR1_EL1, 7);
    /* IRM: everyone but the sender. */
    ICCW(4, ICC_SGI1R_EL1, 1ull << 40 | 2ull << 24);
    for (int c = 0; c < NCPU; c++) {
        assert_int_equal(IRQ_OF(c), c != 4);
        assert_int_equal(R(c, 0x10200) >> 2 & 1, c != 4);
    }
    /* An SGI configured as group 0 at the target is not sent by SGI1R. */
    SW(6, 0x80, 0xfffffffe);                         /* SGI 0 group 0 on cpu 6 */
    ICCW(0, ICC_SGI1R_EL1, 0ull << 24 | 1u << 6);
    assert_true(logcap_has("not sent"));
    assert_int_equal(S(6, 0x200) & 1, 0);
    (void)state;
}

static void test_ppis_and_group0_fiq(void **state)
{
    bringup();
    for (int c = 0; c < NCPU; c++) {
        SW(c, 0x100, 1u << GIC_PPI_VIRT_TIMER);
        wr(RDIST + (uint64_t)c * 0x20000 + 0x10400 + GIC_PPI_VIRT_TIMER, 1, 0x20);
    }
    IRQ *ppi = gic_ppi_line(&T.gic->lines, 1, GIC_PPI_VIRT_TIMER);
    irq_set(ppi, 1);
    for (int c = 0; c < NCPU; c++)
        assert_int_equal(IRQ_OF(c), c == 1);
    assert_int_equal(ICC(1, ICC_IAR1_EL1), 27);
    ICCW(1, ICC_EOIR1_EL1, 27);
    assert_int_equal(IRQ_OF(1), 1);                  /* level, still high */
    irq_set(ppi, 0);
    assert_int_equal(IRQ_OF(1), 0);
    /* Edge via ICFGR1. */
    SW(1, 0xc04, 2u << (2 * (27 - 16)));
    assert_int_equal(S(1, 0xc04), 2u << (2 * (27 - 16)));
    irq_set(ppi, 1); irq_set(ppi, 0);
    assert_int_equal(IRQ_OF(1), 1);
    assert_int_equal(ICC(1, ICC_IAR1_EL1), 27);
    ICCW(1, ICC_EOIR1_EL1, 27);
    /* Group 0: FIQ, IAR0/EOIR0. */
    SW(2, 0x80, ~(1u << 30));                        /* PPI 30 group 0 on cpu 2 */
    SW(2, 0x100, 1u << 30);
    ICCW(2, ICC_IGRPEN0_EL1, 1);
    irq_set(gic_ppi_line(&T.gic->lines, 2, 30), 1);
    assert_int_equal(FIQ_OF(2), 1);
    assert_int_equal(IRQ_OF(2), 0);
    assert_int_equal(ICC(2, ICC_IAR1_EL1), 1023);    /* not group 1 */
    assert_int_equal(ICC(2, ICC_HPPIR0_EL1), 30);
    assert_int_equal(ICC(2, ICC_IAR0_EL1), 30);
    assert_int_equal(FIQ_OF(2), 0);
    ICCW(2, ICC_EOIR1_EL1, 30);                      /* wrong group */
    assert_true(logcap_has("highest active priority is group 0"));
    ICCW(2, ICC_EOIR0_EL1, 30);
    assert_int_equal(ICC(2, ICC_RPR_EL1), 0xff);
    irq_set(gic_ppi_line(&T.gic->lines, 2, 30), 0);
}

static void test_lpis(void **state)
{
    bringup();
    uint8_t *ram = mr_ram_ptr(T.ram);
    /* Property table at RAM + 1 MiB (16 ID bits), pending at RAM + 2 MiB. */
    uint64_t prop = RAM + 0x100000, pend = RAM + 0x200000;
    assert_false(gicv3_lpi_set_pending(T.gic, 1, 8192, true));   /* LPIs off */
    assert_true(logcap_has("dropped"));
    wr(RDIST + 0x20000 + 0x70, 8, prop | 0x400 | 15);
    assert_int_equal(rd(RDIST + 0x20000 + 0x70, 8), prop | 0x400 | 15);
    wr(RDIST + 0x20000 + 0x78, 8, pend | 1ull << 62);               /* PTZ */
    assert_int_equal(rd(RDIST + 0x20000 + 0x78, 8), pend);          /* PTZ reads 0 */
    RW(1, 0x0, 1);                                                  /* EnableLPIs */
    assert_int_equal(R(1, 0x0) & 1, 1);
    /* Once enabled the bases are fixed. */
    wr(RDIST + 0x20000 + 0x70, 8, 0);
    assert_true(logcap_has("with LPIs enabled"));
    assert_int_equal(rd(RDIST + 0x20000 + 0x70, 8), prop | 0x400 | 15);
    ram[0x100000 + 0] = 0xa0 | 1;      /* LPI 8192: prio 0xa0, enabled */
    ram[0x100000 + 5] = 0x60;          /* LPI 8197: disabled */
    assert_true(gicv3_lpi_set_pending(T.gic, 1, 8197, true));
    assert_int_equal(IRQ_OF(1), 0);
    assert_true(gicv3_lpi_set_pending(T.gic, 1, 8192, true));
    assert_int_equal(IRQ_OF(1), 1);
    assert_int_equal(ICC(1, ICC_HPPIR1_EL1), 8192);
    assert_int_equal(ICC(1, ICC_IAR1_EL1), 8192);
    assert_false(gicv3_lpi_is_pending(T.gic, 1, 8192));
    assert_int_equal(ICC(1, ICC_RPR_EL1), 0xa0);
    ICCW(1, ICC_EOIR1_EL1, 8192);      /* no active state: just the drop */
    assert_int_equal(ICC(1, ICC_RPR_EL1), 0xff);
    assert_int_equal(IRQ_OF(1), 0);
    /* Enable 8197 in the table: the next look finds it. */
    ram[0x100000 + 5] = 0x61;
    ICCW(1, ICC_PMR_EL1, 0xf0);        /* any update */
    assert_int_equal(IRQ_OF(1), 1);
    assert_int_equal(ICC(1, ICC_IAR1_EL1), 8197);
    ICCW(1, ICC_EOIR1_EL1, 8197);
    /* Beyond the range, or on another CPU with LPIs off. */
    assert_false(gicv3_lpi_set_pending(T.gic, 1, 70000, true));
    assert_false(gicv3_lpi_set_pending(T.gic, 1, 100, true));
    assert_false(gicv3_lpi_set_pending(T.gic, 99, 8192, true));
    /* MOVALL-style move. */
    wr(RDIST + 0x40000 + 0x70, 8, prop | 15);
    RW(2, 0x0, 1);
    assert_true(gicv3_lpi_set_pending(T.gic, 1, 8192, true));
    gicv3_lpi_move_all(T.gic, 1, 2);
    assert_int_equal(IRQ_OF(1), 0);
    assert_int_equal(IRQ_OF(2), 1);
    assert_int_equal(ICC(2, ICC_IAR1_EL1), 8192);
    ICCW(2, ICC_EOIR1_EL1, 8192);
    /* A property table outside RAM: LPIs read as disabled. */
    RW(3, 0x70, 0x10000f);
    RW(3, 0x0, 1);
    assert_true(gicv3_lpi_set_pending(T.gic, 3, 8192, true));
    assert_int_equal(IRQ_OF(3), 0);
    /* Pending state loaded from the table when PTZ is clear. */
    ram[0x300000 + 8192 / 8 + 1] = 0x01;                 /* LPI 8200 */
    ram[0x100000 + 8] = 0x31;
    wr(RDIST + 4 * 0x20000 + 0x70, 8, prop | 15);
    wr(RDIST + 4 * 0x20000 + 0x78, 8, RAM + 0x300000);
    RW(4, 0x0, 1);
    assert_true(gicv3_lpi_is_pending(T.gic, 4, 8200));
    assert_int_equal(IRQ_OF(4), 1);
}

static void test_bad_accesses(void **state)
{
    assert_int_equal(D(0x0020), 0);
    assert_true(logcap_has("reserved distributor offset 0x20"));
    DW(0x0004, 0);
    assert_true(logcap_has("read-only"));
    assert_int_equal(rd(DIST + 0x100, 2), 0);
    assert_true(logcap_has("2-byte read"));
    assert_int_equal(R(0, 0x30), 0);
    assert_true(logcap_has("reserved RD_base offset 0x30"));
    SW(0, 0x900, 1);
    assert_true(logcap_has("reserved SGI_base offset 0x900"));
    assert_int_equal(ICC(0, ICC_EOIR1_EL1), 0);
    assert_true(logcap_has("write-only ICC_EOIR1_EL1"));
    ICCW(0, ICC_IAR1_EL1, 1);
    assert_true(logcap_has("read-only ICC_IAR1_EL1"));
    assert_int_equal(gicv3_icc_read(T.gic, NCPU, ICC_PMR_EL1), 0);
    assert_true(logcap_has("out of range"));
    Error *err = NULL;
    GICv3Config bad = {.num_cpu = 2, .num_irq = 64, .n_rdist_regions = 2,
                       .rdist_region_cpus = {1, 2}};
    assert_null(gicv3_create(&bad, &err));
    assert_contains(error_get_msg(err), "hold 3 CPUs");
    error_free(err);
    err = NULL;
    GICv3Config nolpi = {.num_cpu = 1, .num_irq = 64, .lpis = true};
    assert_null(gicv3_create(&nolpi, &err));
    assert_contains(error_get_msg(err), "address space");
    error_free(err);
}

static void test_two_rdist_regions(void **state)
{
    Error *err = NULL;
    GICv3Config cfg = {.num_cpu = 3, .num_irq = 64, .n_rdist_regions = 2,
                       .rdist_region_cpus = {2, 1}};
    GICv3 *g = gicv3_create(&cfg, &err);
    assert_non_null(g);
    mr_add_subregion(T.root, 0x09000000, g->rdist_mr[0], 0);
    mr_add_subregion(T.root, 0x0a000000, g->rdist_mr[1], 0);
    assert_int_equal(rd(0x09000000 + 8, 4) & 0x10, 0);
    assert_int_equal(rd(0x09020000 + 8, 4) & 0x10, 0x10);   /* Last of region 0 */
    assert_int_equal(rd(0x0a000000 + 8, 4) & 0x10, 0x10);   /* Last of region 1 */
    assert_int_equal(rd(0x0a000000 + 8, 4) >> 8 & 0xffff, 2);
    mr_del_subregion(T.root, g->rdist_mr[0]);
    mr_del_subregion(T.root, g->rdist_mr[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_and_rdist_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waker_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spi_affinity_routing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icc_flows_and_preemption, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sgi1r, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ppis_and_group0_fiq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lpis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_accesses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_rdist_regions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
