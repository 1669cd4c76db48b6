/*
 * test_gicv2.c — devices/intc/gicv2: SPI enable/priority/targeting, IAR on
 * the targeted CPU only, EOI and priority drop, preemption and the binary
 * point, SGIs with source CPUs and the target filters, PPIs per CPU, edge
 * versus level, the set/clear pending and active registers, EOImode 1 with
 * GICC_DIR, groups and FIQ routing, access widths and bad offsets (logged).
 */
#include "tests/unit/test.h"

#include "core/memory.h"
#include "devices/intc/gicv2.h"
#include "devices/intc/gicv2m.h"
#include "tests/unit/logcap.h"

#define DIST 0x08000000ull
#define CPUI 0x08010000ull

typedef struct Fix {
    MemoryRegion *root;
    AddressSpace *as;
    GICv2 *gic;
    IRQ *outs;          /* [cpu*2] irq, [cpu*2+1] fiq */
    int level[16];
} Fix;

static Fix *F;

static void out_handler(void *opaque, int n, int level)
{
    ((Fix *)opaque)->level[n] = level;
}

static int setup(void **state)
{
    Fix *f = xzalloc(sizeof(*f));
    Error *err = NULL;
    f->root = mr_new_container("system", UINT64_MAX);
    f->as = as_new("memory", f->root);
    f->gic = gicv2_create(4, 128, &err);
    assert_non_null(f->gic);
    mr_add_subregion(f->root, DIST, f->gic->dist_mr, 0);
    mr_add_subregion(f->root, CPUI, f->gic->cpu_mr, 0);
    f->outs = irq_new(out_handler, f, 8);
    for (int c = 0; c < 4; c++)
        gic_connect_cpu(&f->gic->lines, c, &f->outs[c * 2], &f->outs[c * 2 + 1]);
    F = f;
    *state = f;
    logcap_start();
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    logcap_stop();
    mem_set_requester_cpu(-1);
    /* The GIC stays on the device list (reset by later tests): unhook it. */
    for (int c = 0; c < 4; c++)
        gic_connect_cpu(&f->gic->lines, c, NULL, NULL);
    mr_del_subregion(f->root, f->gic->dist_mr);
    mr_del_subregion(f->root, f->gic->cpu_mr);
    as_free(f->as);
    mr_free(f->root);
    irq_free(f->outs);
    free(f);
    return 0;
}

static uint32_t rd(int cpu, hwaddr a, unsigned size)
{
    uint64_t v = 0;
    mem_set_requester_cpu(cpu);
    assert_int_equal(as_read_uint(F->as, a, size, &v), MEMTX_OK);
    return (uint32_t)v;
}

static void wr(int cpu, hwaddr a, unsigned size, uint32_t v)
{
    mem_set_requester_cpu(cpu);
    assert_int_equal(as_write_uint(F->as, a, size, v), MEMTX_OK);
}

#define D(cpu, off) rd(cpu, DIST + (off), 4)
#define DW(cpu, off, v) wr(cpu, DIST + (off), 4, v)
#define C(cpu, off) rd(cpu, CPUI + (off), 4)
#define CW(cpu, off, v) wr(cpu, CPUI + (off), 4, v)
#define IRQ_OF(cpu) (F->level[(cpu) * 2])
#define FIQ_OF(cpu) (F->level[(cpu) * 2 + 1])

static void spi(int n, int level)
{
    irq_set(gic_spi_line(&F->gic->lines, n - 32), level);
}

/* Linux-like bring-up: distributor on (group 0), every CPU interface on
 * with PMR 0xf0. */
static void bringup(void)
{
    DW(0, 0x000, 1);
    for (int c = 0; c < 4; c++) {
        CW(c, 0x04, 0xf0);
        CW(c, 0x00, 1);
    }
}

static void setup_spi(int id, uint8_t prio, uint8_t targets, bool edge)
{
    wr(0, DIST + 0x400 + id, 1, prio);
    wr(0, DIST + 0x800 + id, 1, targets);
    uint32_t cfg = D(0, 0xc00 + id / 16 * 4);
    uint32_t bit = 2u << (2 * (id % 16));
    DW(0, 0xc00 + id / 16 * 4, edge ? cfg | bit : cfg & ~bit);
    DW(0, 0x100 + id / 32 * 4, 1u << (id % 32));
}

static void test_ids_and_banked_targets(void **state)
{
    assert_int_equal(D(0, 0x004), (3u << 5) | 3);   /* 4 CPUs, 128 lines */
    assert_int_equal(D(0, 0x008), 0x43b);
    assert_int_equal(D(0, 0xfe8) & 0xf0, 0x20);       /* ArchRev 2 */
    assert_int_equal(C(0, 0xfc) & 0xff0fff, 0x02043b); /* Linux's GICv2 check */
    /* GICD_ITARGETSR0..7 read as the reader's own CPU mask. */
    for (int c = 0; c < 4; c++) {
        uint32_t m = 1u << c;
        assert_int_equal(D(c, 0x800), m | m << 8 | m << 16 | m << 24);
        assert_int_equal(rd(c, DIST + 0x81c, 1), m);
    }
    DW(0, 0x800, 0);   /* read-only for SGIs/PPIs */
    assert_int_equal(D(0, 0x800), 0x01010101);
    /* SPI targets keep only existing CPUs. */
    wr(0, DIST + 0x800 + 40, 1, 0xff);
    assert_int_equal(rd(0, DIST + 0x800 + 40, 1), 0x0f);
    /* Beyond num-irq: RAZ/WI. */
    DW(0, 0x100 + 4 * 4, 0xffffffff);
    assert_int_equal(D(0, 0x100 + 4 * 4), 0);
    /* SGIs are edge, read-only. */
    assert_int_equal(D(0, 0xc00), 0xaaaaaaaa);
    DW(0, 0xc00, 0);
    assert_int_equal(D(0, 0xc00), 0xaaaaaaaa);
}

static void test_spi_targeted_cpu_only(void **state)
{
    bringup();
    setup_spi(40, 0xa0, 1u << 1, false);
    assert_int_equal(IRQ_OF(1), 0);
    spi(40, 1);
    assert_int_equal(IRQ_OF(1), 1);
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(FIQ_OF(1), 0);
    assert_int_equal(D(0, 0x204) & (1u << 8), 1u << 8);   /* pending */
    assert_int_equal(C(1, 0x18), 40);                      /* HPPIR */
    assert_int_equal(C(0, 0x0c), 1023);                    /* not targeted */
    assert_int_equal(C(1, 0x0c), 40);
    assert_int_equal(IRQ_OF(1), 0);                        /* active now */
    assert_int_equal(D(0, 0x304) & (1u << 8), 1u << 8);
    assert_int_equal(C(1, 0x14), 0xa0);                    /* RPR */
    assert_int_equal(C(1, 0x0c), 1023);                    /* nothing more */
    CW(1, 0x10, 40);                                       /* EOI */
    assert_int_equal(C(1, 0x14), 0xff);
    assert_int_equal(D(0, 0x304), 0);
    /* Level line still high: pending again, signalled again. */
    assert_int_equal(IRQ_OF(1), 1);
    spi(40, 0);
    assert_int_equal(IRQ_OF(1), 0);
    assert_int_equal(D(0, 0x204), 0);
    /* Disabled interrupt: pending but not signalled. */
    DW(0, 0x184, 1u << 8);
    spi(40, 1);
    assert_int_equal(IRQ_OF(1), 0);
    assert_int_equal(C(1, 0x0c), 1023);
    DW(0, 0x104, 1u << 8);
    assert_int_equal(IRQ_OF(1), 1);
    /* Priority masked by PMR. */
    CW(1, 0x04, 0xa0);
    assert_int_equal(IRQ_OF(1), 0);
    assert_int_equal(C(1, 0x0c), 1023);
    CW(1, 0x04, 0xa8);
    assert_int_equal(IRQ_OF(1), 1);
    /* Distributor off: nothing forwarded. */
    DW(0, 0x000, 0);
    assert_int_equal(IRQ_OF(1), 0);
    spi(40, 0);
}

static void test_preemption_and_priority_drop(void **state)
{
    bringup();
    setup_spi(40, 0x80, 1, true);
    setup_spi(41, 0x40, 1, true);
    setup_spi(42, 0xc0, 1, true);
    spi(40, 1); spi(40, 0);
    assert_int_equal(C(0, 0x0c), 40);
    assert_int_equal(C(0, 0x14), 0x80);
    /* Lower priority does not preempt. */
    spi(42, 1); spi(42, 0);
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(C(0, 0x0c), 1023);
    assert_int_equal(C(0, 0x18), 42);   /* but it is the highest pending */
    /* Higher priority does. */
    spi(41, 1); spi(41, 0);
    assert_int_equal(IRQ_OF(0), 1);
    assert_int_equal(C(0, 0x0c), 41);
    assert_int_equal(C(0, 0x14), 0x40);
    assert_int_equal(C(0, 0xd0), (1u << (0x40 >> 3)) | (1u << (0x80 >> 3)));
    CW(0, 0x10, 41);
    assert_int_equal(C(0, 0x14), 0x80);
    assert_int_equal(IRQ_OF(0), 0);     /* 42 still cannot preempt 40 */
    CW(0, 0x10, 40);
    assert_int_equal(C(0, 0x14), 0xff);
    assert_int_equal(IRQ_OF(0), 1);
    assert_int_equal(C(0, 0x0c), 42);
    CW(0, 0x10, 42);
    assert_int_equal(D(0, 0x304), 0);

    /* Binary point 7: no group priority bits, so nothing preempts. */
    CW(0, 0x08, 7);
    assert_int_equal(C(0, 0x08), 7);
    spi(40, 1); spi(40, 0);
    assert_int_equal(C(0, 0x0c), 40);
    assert_int_equal(C(0, 0x14), 0x00);  /* group priority 0 is running */
    spi(41, 1); spi(41, 0);
    assert_int_equal(IRQ_OF(0), 0);
    CW(0, 0x10, 40);
    assert_int_equal(C(0, 0x0c), 41);
    CW(0, 0x10, 41);
    /* Below the minimum reads as the minimum. */
    CW(0, 0x08, 0);
    assert_int_equal(C(0, 0x08), 2);
    CW(0, 0x1c, 0);
    assert_int_equal(C(0, 0x1c), 3);
    /* EOI with nothing active: logged, harmless. */
    CW(0, 0x10, 40);
    assert_true(logcap_has("no active priority"));
    /* Spurious IDs are ignored. */
    CW(0, 0x10, 1023);
}

static void test_sgis(void **state)
{
    bringup();
    DW(1, 0x100, 0xffff);           /* enable SGIs on cpu 1 */
    wr(1, DIST + 0x403, 1, 0x10);   /* SGI 3 priority on cpu 1 */
    DW(0, 0xf00, (1u << 1) << 16 | 3);   /* cpu0 -> cpu1, SGI 3 */
    DW(2, 0xf00, (1u << 1) << 16 | 3);   /* cpu2 -> cpu1, SGI 3 */
    assert_int_equal(IRQ_OF(1), 1);
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(rd(1, DIST + 0xf23, 1), 0x05);   /* SPENDSGIR: sources 0, 2 */
    assert_int_equal(rd(0, DIST + 0xf23, 1), 0);      /* cpu 0 has none */
    assert_int_equal(D(1, 0x200) & 0xffff, 1u << 3);  /* ISPENDR0 view */
    uint32_t iar = C(1, 0x0c);
    assert_int_equal(iar, 3 | 0 << 10);
    assert_int_equal(rd(1, DIST + 0xf23, 1), 0x04);
    /* Active and pending from cpu 2: not taken until deactivated. */
    assert_int_equal(C(1, 0x0c), 1023);
    CW(1, 0x10, iar);
    assert_int_equal(C(1, 0x0c), 3 | 2 << 10);
    CW(1, 0x10, 3 | 2 << 10);
    assert_int_equal(rd(1, DIST + 0xf23, 1), 0);
    /* All but self, self only. */
    for (int c = 0; c < 4; c++)
        DW(c, 0x100, 0xffff);
    DW(2, 0xf00, 1u << 24 | 5);
    for (int c = 0; c < 4; c++)
        assert_int_equal(rd(c, DIST + 0xf25, 1), c == 2 ? 0 : 1u << 2);
    DW(3, 0xf00, 2u << 24 | 6);
    for (int c = 0; c < 4; c++)
        assert_int_equal(rd(c, DIST + 0xf26, 1), c == 3 ? 1u << 3 : 0);
    /* Filter 3 is reserved. */
    DW(0, 0xf00, 3u << 24 | 7);
    assert_true(logcap_has("reserved"));
    /* CPENDSGIR clears, SPENDSGIR sets sources directly. */
    wr(0, DIST + 0xf15, 1, 0xff);
    assert_int_equal(rd(0, DIST + 0xf25, 1), 0);
    wr(0, DIST + 0xf27, 1, 0x0a);
    assert_int_equal(rd(0, DIST + 0xf27, 1), 0x0a);
    assert_int_equal(C(0, 0x0c), 7 | 1 << 10);   /* lowest source first */
    CW(0, 0x10, 7 | 1 << 10);
    assert_int_equal(C(0, 0x0c), 7 | 3 << 10);
    CW(0, 0x10, 7 | 3 << 10);
    /* Targets beyond num-cpu are dropped. */
    DW(0, 0xf00, 0xf0u << 16 | 8);
    for (int c = 0; c < 4; c++)
        assert_int_equal(rd(c, DIST + 0xf28, 1), 0);
    /* ISPENDR cannot set SGIs (GICv2). */
    DW(0, 0x200, 1u << 9);
    assert_int_equal(D(0, 0x200) & (1u << 9), 0);
}

static void test_ppis_per_cpu(void **state)
{
    bringup();
    for (int c = 0; c < 4; c++) {
        DW(c, 0x100, 1u << GIC_PPI_VIRT_TIMER);
        wr(c, DIST + 0x400 + GIC_PPI_VIRT_TIMER, 1, 0x20);
    }
    IRQ *ppi = gic_ppi_line(&F->gic->lines, 2, GIC_PPI_VIRT_TIMER);
    assert_non_null(ppi);
    assert_null(gic_ppi_line(&F->gic->lines, 4, 27));
    assert_null(gic_ppi_line(&F->gic->lines, 0, 3));
    irq_set(ppi, 1);
    for (int c = 0; c < 4; c++)
        assert_int_equal(IRQ_OF(c), c == 2);
    assert_int_equal(D(2, 0x200), 1u << 27);
    assert_int_equal(D(1, 0x200), 0);
    assert_int_equal(C(1, 0x0c), 1023);
    assert_int_equal(C(2, 0x0c), 27);
    CW(2, 0x10, 27);
    assert_int_equal(IRQ_OF(2), 1);     /* level: still asserted */
    irq_set(ppi, 0);
    assert_int_equal(IRQ_OF(2), 0);
    /* PPI configuration is programmable. */
    DW(2, 0xc04, 2u << (2 * (27 - 16)));
    assert_int_equal(D(2, 0xc04), 2u << (2 * (27 - 16)));
    assert_int_equal(D(1, 0xc04), 0);
    irq_set(ppi, 1);
    irq_set(ppi, 0);
    assert_int_equal(IRQ_OF(2), 1);     /* edge: latched */
    assert_int_equal(C(2, 0x0c), 27);
    CW(2, 0x10, 27);
    assert_int_equal(IRQ_OF(2), 0);
}

static void test_edge_vs_level_and_set_clear(void **state)
{
    bringup();
    setup_spi(50, 0x50, 1, true);
    setup_spi(51, 0x50, 1, false);
    spi(50, 1); spi(50, 0);
    assert_int_equal(D(0, 0x204) >> 18 & 1, 1);     /* edge latched */
    spi(51, 1); spi(51, 0);
    assert_int_equal(D(0, 0x204) >> 19 & 1, 0);     /* level follows line */
    /* Clear pending of the edge one. */
    DW(0, 0x284, 1u << 18);
    assert_int_equal(D(0, 0x204), 0);
    assert_int_equal(IRQ_OF(0), 0);
    /* Software-pended level interrupt: pending until cleared or taken. */
    DW(0, 0x204, 1u << 19);
    assert_int_equal(D(0, 0x204), 1u << 19);
    assert_int_equal(IRQ_OF(0), 1);
    assert_int_equal(C(0, 0x0c), 51);
    assert_int_equal(D(0, 0x204), 0);
    assert_int_equal(D(0, 0x304), 1u << 19);
    /* ICACTIVER deactivates, ISACTIVER activates. */
    DW(0, 0x384, 1u << 19);
    assert_int_equal(D(0, 0x304), 0);
    CW(0, 0x10, 51);   /* priority drop; deactivation of an inactive one is logged */
    assert_true(logcap_has("not active"));
    DW(0, 0x304, 1u << 18);
    assert_int_equal(D(0, 0x304), 1u << 18);
    spi(50, 1); spi(50, 0);
    assert_int_equal(IRQ_OF(0), 0);     /* active: not signalled again */
    DW(0, 0x384, 1u << 18);
    assert_int_equal(IRQ_OF(0), 1);
    /* Level line high, ICPENDR does not clear it. */
    spi(51, 1);
    DW(0, 0x284, 1u << 19);
    assert_int_equal(D(0, 0x204) >> 19 & 1, 1);
    spi(51, 0);
}

static void test_eoimode1_dir(void **state)
{
    bringup();
    setup_spi(60, 0x60, 1, true);
    CW(0, 0x00, 1 | 1u << 9);   /* as Linux at EL2: EOImode */
    spi(60, 1); spi(60, 0);
    assert_int_equal(C(0, 0x0c), 60);
    CW(0, 0x10, 60);
    assert_int_equal(C(0, 0x14), 0xff);            /* priority dropped */
    assert_int_equal(D(0, 0x304), 1u << 28);       /* still active */
    spi(60, 1); spi(60, 0);
    assert_int_equal(IRQ_OF(0), 0);
    CW(0, 0x1000, 60);
    assert_int_equal(D(0, 0x304), 0);
    assert_int_equal(IRQ_OF(0), 1);
    assert_int_equal(C(0, 0x0c), 60);
    CW(0, 0x10, 60);
    CW(0, 0x1000, 60);
    /* DIR with EOImode 0: ignored and logged. */
    CW(0, 0x00, 1);
    DW(0, 0x304, 1u << 28);
    CW(0, 0x1000, 60);
    assert_true(logcap_has("EOImode 0"));
    assert_int_equal(D(0, 0x304), 1u << 28);
}

static void test_groups_and_fiq(void **state)
{
    DW(0, 0x000, 3);                 /* both groups */
    CW(0, 0x04, 0xf8);
    CW(0, 0x00, 1 | 2 | 8);          /* EnableGrp0, EnableGrp1, FIQEn */
    setup_spi(70, 0x30, 1, true);    /* group 0 -> FIQ */
    setup_spi(71, 0x20, 1, true);    /* group 1 -> IRQ */
    DW(0, 0x080 + 8, 1u << 7);       /* IGROUPR: 71 in group 1 */
    assert_int_equal(D(0, 0x088), 1u << 7);
    spi(70, 1); spi(70, 0);
    assert_int_equal(FIQ_OF(0), 1);
    assert_int_equal(IRQ_OF(0), 0);
    spi(71, 1); spi(71, 0);
    assert_int_equal(IRQ_OF(0), 1);
    /* Highest is group 1 and AckCtl is 0: 1022, nothing acknowledged. */
    assert_int_equal(C(0, 0x18), 1022);
    assert_int_equal(C(0, 0x0c), 1022);
    assert_int_equal(C(0, 0x28), 71);   /* AHPPIR */
    assert_int_equal(C(0, 0x20), 71);   /* AIAR */
    assert_int_equal(C(0, 0xe0), 1u << (0x20 >> 3));   /* NSAPR0 */
    /* 70 (0x30) cannot preempt 71 (0x20). */
    assert_int_equal(FIQ_OF(0), 0);
    CW(0, 0x24, 71);                 /* AEOIR */
    assert_int_equal(FIQ_OF(0), 1);
    assert_int_equal(C(0, 0x20), 1023);   /* AIAR: highest is group 0 */
    assert_int_equal(C(0, 0x0c), 70);
    CW(0, 0x10, 70);
    assert_int_equal(FIQ_OF(0), 0);
    /* AckCtl: IAR acknowledges group 1 too. */
    CW(0, 0x00, 1 | 2 | 4 | 8);
    spi(71, 1); spi(71, 0);
    assert_int_equal(C(0, 0x0c), 71);
    CW(0, 0x10, 71);
    /* Group 1 disabled in the distributor: not forwarded. */
    DW(0, 0x000, 1);
    spi(71, 1); spi(71, 0);
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(C(0, 0x18), 1023);
}

static void test_widths_and_bad_offsets(void **state)
{
    /* Byte access to IPRIORITYR and ITARGETSR; 5 priority bits. */
    wr(0, DIST + 0x400 + 45, 1, 0xff);
    assert_int_equal(rd(0, DIST + 0x400 + 45, 1), 0xf8);
    assert_int_equal(D(0, 0x400 + 44), 0xf800);
    DW(0, 0x400 + 44, 0x12345678);
    assert_int_equal(D(0, 0x400 + 44), 0x10305078);
    /* Halfword: not allowed anywhere; logged, ignored, reads 0. */
    wr(0, DIST + 0x400 + 44, 2, 0xffff);
    assert_true(logcap_has("2-byte write"));
    assert_int_equal(D(0, 0x400 + 44), 0x10305078);
    assert_int_equal(rd(0, DIST + 0x400 + 44, 2), 0);
    assert_true(logcap_has("2-byte read"));
    /* Byte access to a word-only register. */
    wr(0, DIST + 0x104, 1, 0xff);
    assert_true(logcap_has("1-byte write"));
    assert_int_equal(D(0, 0x104), 0);
    /* Reserved offsets. */
    assert_int_equal(D(0, 0x040), 0);
    assert_true(logcap_has("reserved distributor offset 0x40"));
    DW(0, 0xf04, 1);
    assert_true(logcap_has("reserved distributor offset 0xf04"));
    assert_int_equal(C(0, 0x030), 0);
    assert_true(logcap_has("reserved CPU interface offset 0x30"));
    CW(0, 0x0c, 5);
    assert_true(logcap_has("read-only CPU interface register"));
    assert_int_equal(C(0, 0x10), 0);
    assert_true(logcap_has("write-only"));
    assert_int_equal(rd(0, CPUI + 0x04, 1), 0);
    assert_true(logcap_has("word only"));
    /* Read of write-only SGIR. */
    assert_int_equal(D(0, 0xf00), 0);
    assert_true(logcap_has("write-only GICD_SGIR"));
    /* A monitor access (no requester CPU) sees CPU 0's bank. */
    mem_set_requester_cpu(-1);
    uint64_t v;
    assert_int_equal(as_read_uint(F->as, DIST + 0x800, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x01010101);
}

static void test_reset_and_bad_config(void **state)
{
    bringup();
    setup_spi(40, 0xa0, 1, false);
    spi(40, 1);
    assert_int_equal(IRQ_OF(0), 1);
    device_reset_all();
    assert_int_equal(IRQ_OF(0), 0);
    assert_int_equal(D(0, 0x000), 0);
    assert_int_equal(C(0, 0x08), 2);
    /* The line is still high: after re-enabling, it is pending again. */
    bringup();
    setup_spi(40, 0xa0, 1, false);
    assert_int_equal(IRQ_OF(0), 1);
    spi(40, 0);
    Error *err = NULL;
    assert_null(gicv2_create(9, 64, &err));
    assert_contains(error_get_msg(err), "num-cpu");
    error_free(err);
    err = NULL;
    assert_null(gicv2_create(1, 2000, &err));
    assert_contains(error_get_msg(err), "num-irq");
    error_free(err);
}

static void test_v2m_msi(void **state)
{
    Error *err = NULL;
    GICv2m *v = gicv2m_create(&F->gic->lines, 32, 64, &err);
    assert_non_null(v);
    mr_add_subregion(F->root, 0x08020000, v->mr, 0);
    assert_int_equal(rd(0, 0x08020008, 4), 64u << 16 | 64);
    bringup();
    setup_spi(100, 0x40, 1u << 2, true);
    wr(1, 0x08020040, 4, 100);        /* any CPU (or a device) may write */
    assert_int_equal(IRQ_OF(2), 1);
    assert_int_equal(C(2, 0x0c), 100);
    CW(2, 0x10, 100);
    assert_int_equal(IRQ_OF(2), 0);
    /* Outside the frame's range: dropped and logged. */
    wr(0, 0x08020040, 4, 40);
    assert_true(logcap_has("outside SPIs 64..127"));
    wr(0, 0x08020008, 4, 1);
    assert_true(logcap_has("read-only"));
    assert_int_equal(D(0, 0x204), 0);
    mr_del_subregion(F->root, v->mr);
    /* A range the GIC does not have. */
    assert_null(gicv2m_create(&F->gic->lines, 64, 64, &err));
    assert_contains(error_get_msg(err), "not all lines");
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_and_banked_targets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spi_targeted_cpu_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preemption_and_priority_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sgis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ppis_per_cpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edge_vs_level_and_set_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eoimode1_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_and_fiq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_widths_and_bad_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_bad_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v2m_msi, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
