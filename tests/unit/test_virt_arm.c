/*
 * test_virt_arm.c — the virt board's CPU side: CPUs with the board's
 * MPIDRs and the GICv3 redistributor affinities that match them, the GIC
 * wiring, the PCIe host, the -kernel loader (arm64 Image raw and gzip'd,
 * ELF; errors for a truncated Image, a wrong magic, a missing initrd, a
 * kernel bigger than RAM), where the kernel, initrd, device tree and boot
 * stub go (QEMU's placement), the entry state of each CPU (boot CPU at the
 * stub at EL1 or EL2, the others off for PSCI), and a tiny kernel that
 * checks the boot protocol's registers (X0 = the device tree, X1..X3 = 0)
 * and powers off through PSCI, run through the stub on each code
 * generator.
 */
#include "tests/unit/devtest.h"

#include <libfdt.h>
#include <zlib.h>

#include "boards/virt-arm.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

static Loop *loop;

static int setup(void **state)
{
    (void)state;
    dev_lock();
    if (!loop) {
        DevTest *d = devtest_new();
        loop = d->loop;
    }
    if (!tcg_exec_initialized())
        assert_int_equal(tcg_exec_init(8 * MiB, NULL, NULL), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    /* the CPUs of this test's boards go (after the work queued on them,
     * TLB flushes from their reset); the rest of a board lives on */
    dev_unlock();
    cpu_process_work();
    for (CPUState *cs; (cs = cpu_first());)
        arm_cpu_destroy(arm_cpu(cs));
    return 0;
}

typedef struct Cfg {
    const char *mopts;
    unsigned smp;
    uint64_t ram;
    const char *cpu, *kernel, *initrd, *append;
} Cfg;

static Machine *machine(const Cfg *c)
{
    Machine *m = machine_new(machine_type_find("virt"), loop);
    char *text = xasprintf("virt%s%s", c->mopts ? "," : "", c->mopts ? c->mopts : "");
    Error *err = NULL;
    Opts *o = opts_parse("-machine", text, "type", &err);
    free(text);
    assert_non_null(o);
    opts_mark_used(o, "type");
    m->cfg.machine_opts = o;
    m->cfg.ram_size = c->ram ? c->ram : 256 * MiB;
    m->cfg.smp_cpus = c->smp ? c->smp : 1;
    m->cfg.cpu_model = c->cpu;
    m->cfg.kernel = c->kernel;
    m->cfg.initrd = c->initrd;
    m->cfg.append = c->append;
    return m;
}

/* The board up to its CPUs and GIC (no devices beyond the UART). */
static VirtBoard *board(const Cfg *c)
{
    Error *err = NULL;
    VirtBoard *vb = virt_prepare(machine(c), &err);
    if (!vb || virt_create_memory(vb, &err) < 0 || virt_cpus_create(vb, &err) < 0 ||
        virt_gic_create(vb, &err) < 0 || virt_create_device(vb, VIRT_UART, &err) < 0)
        fail_msg("board: %s", error_get_msg(err));
    return vb;
}

/* Load, build the tree, start: returns 0 or the loader's error. */
static int boot(VirtBoard *vb, Error **errp)
{
    if (virt_boot_load(vb, errp) < 0 || virt_fdt_build(vb, errp) < 0 ||
        virt_boot_start(vb, errp) < 0)
        return -1;
    return 0;
}

static void boot_fails(const Cfg *c, const char *msg)
{
    VirtBoard *vb = board(c);
    Error *err = NULL;
    assert_int_equal(boot(vb, &err), -1);
    assert_non_null(err);
    assert_contains(error_get_msg(err), msg);
    error_free(err);
}

static char *tmpfile_with(const void *data, size_t len)
{
    char *path = xasprintf("/tmp/ferry-virt-arm-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/*
 * An arm64 Image: the header (code0 branches over it), then code that
 * checks X0 points at a device tree (magic d00dfeed) and X1..X3 are 0,
 * leaves X5 = 0x600d, and calls PSCI SYSTEM_OFF by HVC; on a mismatch
 * it executes BRK #1.
 */
static uint8_t *make_image(size_t *len, uint64_t image_size)
{
    static const uint32_t prog[] = {
        0xb50001a1,   /* 0: cbnz x1, fail */
        0xb5000182,   /* 1: cbnz x2, fail */
        0xb5000163,   /* 2: cbnz x3, fail */
        0xb9400001,   /* 3: ldr  w1, [x0]       (the big-endian magic, read LE) */
        0x5281ba02,   /* 4: movz w2, #0x0dd0 */
        0x72bdbfc2,   /* 5: movk w2, #0xedfe, lsl #16 */
        0x6b02003f,   /* 6: cmp  w1, w2 */
        0x540000c1,   /* 7: b.ne fail */
        0xd28c01a5,   /* 8: movz x5, #0x600d */
        0xd2800100,   /* 9: movz x0, #8 */
        0xf2b08000,   /* 10: movk x0, #0x8400, lsl #16  (SYSTEM_OFF) */
        0xd4000002,   /* 11: hvc #0 */
        0x14000000,   /* 12: b . */
        0xd4200020,   /* 13: fail: brk #1 */
    };
    size_t n = 64 + sizeof(prog);
    uint8_t *img = xzalloc(n);
    put32(img, 0x14000010);                 /* b +64 */
    put64(img + 8, 0);                      /* text_offset */
    put64(img + 16, image_size ? image_size : n);
    put64(img + 24, 0xa);                   /* LE, 4K pages, anywhere */
    put32(img + 56, 0x644d5241);            /* ARM\x64 */
    for (size_t i = 0; i < ARRAY_SIZE(prog); i++)
        put32(img + 64 + 4 * i, prog[i]);
    *len = n;
    return img;
}

/* ---- CPUs and GIC -------------------------------------------------------------------- */

static void test_cpus_and_gic(void **state)
{
    (void)state;
    VirtBoard *vb = board(&(Cfg){ .mopts = "gic-version=3", .smp = 20 });
    VirtArm *va = virt_arm(vb);
    assert_int_equal(va->ncpus, 20);
    assert_non_null(va->gicv3);
    for (unsigned i = 0; i < 20; i++) {
        ARMCPU *cpu = va->cpus[i];
        /* MPIDR: the board's value (Aff1 = i / 16 with GICv3), bit 31 RES1 */
        assert_int_equal(cpu->mpidr, vb->mpidr[i] | 1ull << 31);
        assert_int_equal(cpu->mpidr & 0xffffff, ((i / 16) << 8) | (i % 16));
        assert_int_equal(va->gicv3->cpu[i].affinity, gicv3_default_affinity((int)i));
        assert_true(arm_has(cpu, ARM_FEAT_PMU));
        /* GICv3: ID_AA64PFR0_EL1.GIC says system registers */
        assert_int_equal((cpu->id.id_aa64pfr0 >> 24) & 0xf, 1);
        assert_false(arm_has(cpu, ARM_FEAT_EL2));
    }
    assert_string_equal(vb->cpu.dt_compatible, "arm,cortex-a57");
    assert_true(vb->cpu.has_pmu);
    for (int s = 0; s < VIRT_NUM_SPIS; s++)
        assert_non_null(vb->spi[s]);

    vb = board(&(Cfg){ .smp = 8, .mopts = "virtualization=on,secure=on", .cpu = "max" });
    va = virt_arm(vb);
    assert_non_null(va->gicv2);
    assert_non_null(va->v2m);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(va->cpus[i]->mpidr & 0xffffff, i);   /* clusters of 8 */
        assert_true(arm_has(va->cpus[i], ARM_FEAT_EL2));
        assert_true(arm_has(va->cpus[i], ARM_FEAT_EL3));
        assert_int_equal((va->cpus[i]->id.id_aa64pfr0 >> 24) & 0xf, 0);
    }
    assert_string_equal(vb->cpu.dt_compatible, "arm,arm-v8");

    /* an unknown model is an error naming it */
    Error *err = NULL;
    vb = virt_prepare(machine(&(Cfg){ .cpu = "cortex-z99" }), &err);
    assert_non_null(vb);
    assert_int_equal(virt_cpus_create(vb, &err), -1);
    assert_contains(error_get_msg(err), "cortex-z99");
    error_free(err);
}

static void test_pcie(void **state)
{
    (void)state;
    VirtBoard *vb = board(&(Cfg){ .mopts = "gic-version=3" });
    Error *err = NULL;
    assert_int_equal(virt_create_device(vb, VIRT_PCIE_MMIO, &err), 0);
    /* the host bridge answers at 00.0 of the high ECAM: 1b36:0008 */
    uint64_t v;
    assert_int_equal(as_read_uint(vb->m->as, vb->map[VIRT_HIGH_PCIE_ECAM].base, 4, &v), MEMTX_OK);
    assert_int_equal(v, 0x00081b36);
}

/* ---- kernel loading ------------------------------------------------------------------ */

static void test_load_errors(void **state)
{
    (void)state;
    uint8_t junk[256];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 7);
    char *bad = tmpfile_with(junk, sizeof(junk));
    boot_fails(&(Cfg){ .kernel = bad }, "not an arm64 Linux Image");
    char *tiny = tmpfile_with(junk, 40);
    boot_fails(&(Cfg){ .kernel = tiny }, "truncated arm64 Image");

    /* an EFI-stub kernel whose sections run past the end of the file */
    size_t len;
    uint8_t *img = make_image(&len, 0);
    uint8_t *pe = xzalloc(4096);
    memcpy(pe, img, len);
    pe[0] = 'M';
    pe[1] = 'Z';
    put32(pe + 60, 0x100);                  /* PE header offset */
    memcpy(pe + 0x100, "PE\0\0", 4);
    pe[0x100 + 6] = 1;                      /* one section */
    pe[0x100 + 20] = 0;                     /* no optional header */
    uint8_t *sec = pe + 0x100 + 24;
    put32(sec + 16, 0x100000);              /* SizeOfRawData: 1 MiB */
    put32(sec + 20, 0x1000);                /* PointerToRawData */
    char *trunc = tmpfile_with(pe, 4096);
    boot_fails(&(Cfg){ .kernel = trunc }, "truncated arm64 Image");

    char *good = tmpfile_with(img, len);
    boot_fails(&(Cfg){ .kernel = good, .initrd = "/nonexistent/initrd.img" },
               "-initrd /nonexistent/initrd.img: cannot read file");
    /* an image_size bigger than RAM */
    uint8_t *huge = make_image(&len, 300 * MiB);
    char *hpath = tmpfile_with(huge, len);
    boot_fails(&(Cfg){ .kernel = hpath }, "more than the 256 MiB of RAM");
    /* corrupt gzip */
    char *gz = tmpfile_with("\x1f\x8b\x08\x00garbage-not-deflate-data", 28);
    boot_fails(&(Cfg){ .kernel = gz }, "corrupt gzip data");
    for (char **p = (char *[]){ bad, tiny, trunc, good, hpath, gz, NULL }; *p; p++) {
        unlink(*p);
        free(*p);
    }
    free(img);
    free(pe);
    free(huge);
}

static void test_placement(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = make_image(&len, 4 * MiB);
    char *k = tmpfile_with(img, len);
    uint8_t rd[5000];
    memset(rd, 0x5a, sizeof(rd));
    char *i = tmpfile_with(rd, sizeof(rd));
    VirtBoard *vb = board(&(Cfg){ .kernel = k, .initrd = i, .smp = 2, .append = "hello" });
    Error *err = NULL;
    assert_int_equal(boot(vb, &err), 0);
    VirtArm *va = virt_arm(vb);
    uint8_t *ram = mr_ram_ptr(vb->ram);
    /* kernel at RAM + 2 MiB (text_offset 0) */
    assert_int_equal(va->kernel_entry, 0x40200000);
    assert_memory_equal(ram + 0x200000, img, len);
    /* initrd at RAM + min(RAM/2, 128 MiB) */
    assert_int_equal(vb->initrd_start, 0x48000000);
    assert_int_equal(vb->initrd_size, sizeof(rd));
    assert_memory_equal(ram + 0x08000000, rd, sizeof(rd));
    /* the device tree at the next 2 MiB boundary, naming the initrd */
    assert_int_equal(va->dtb_addr, 0x48200000);
    void *fdt = ram + 0x08200000;
    assert_int_equal(fdt_check_header(fdt), 0);
    int chosen = fdt_path_offset(fdt, "/chosen");
    int plen;
    const fdt32_t *s = fdt_getprop(fdt, chosen, "linux,initrd-start", &plen);
    assert_non_null(s);
    assert_int_equal(plen, 4);              /* below 4 GiB: one cell, as QEMU */
    assert_int_equal(fdt32_to_cpu(*s), 0x48000000);
    assert_string_equal(fdt_getprop(fdt, chosen, "bootargs", &plen), "hello");
    /* the stub at RAM: X0 = the tree, then the kernel */
    uint32_t w0;
    memcpy(&w0, ram, 4);
    assert_int_equal(w0, 0x580000c0);
    uint64_t lit;
    memcpy(&lit, ram + 24, 8);
    assert_int_equal(lit, 0x48200000);
    memcpy(&lit, ram + 32, 8);
    assert_int_equal(lit, 0x40200000);
    /* entry state: CPU 0 at the stub in EL1h, CPU 1 off for PSCI */
    assert_int_equal(va->cpus[0]->env.pc, 0x40000000);
    assert_int_equal(arm_current_el(&va->cpus[0]->env), 1);
    assert_false(va->cpus[0]->parent.stopped);
    assert_true(va->cpus[1]->parent.stopped);
    assert_int_equal(va->cpus[1]->env.sys.links.psci_state, ARM_PSCI_OFF);
    /* a reset copies the images again, whatever the guest wrote */
    memset(ram, 0, 64);
    memset(ram + 0x200000, 0, 64);
    virt_boot_reset(vb);
    memcpy(&w0, ram, 4);
    assert_int_equal(w0, 0x580000c0);
    assert_memory_equal(ram + 0x200000, img, len);

    /* virtualization=on: the kernel starts at EL2 */
    vb = board(&(Cfg){ .kernel = k, .mopts = "virtualization=on" });
    assert_int_equal(boot(vb, &err), 0);
    assert_int_equal(arm_current_el(&virt_arm(vb)->cpus[0]->env), 2);
    unlink(k);
    unlink(i);
    free(k);
    free(i);
    free(img);
}

/* ---- running the stub and a kernel ------------------------------------------------------- */

typedef struct Ended {
    bool ended;
    int status;
} Ended;

static void on_end(ARMCPU *cpu, int status, void *opaque)
{
    (void)cpu;
    Ended *e = opaque;
    e->ended = true;
    e->status = status;
}

static bool on_exception(ARMCPU *cpu, void *opaque)
{
    (void)opaque;
    /* PSCI calls are delivered normally; anything else is a failure */
    int e = cpu->parent.exception_index;
    return e != EXCP_HVC;
}

static void run_kernel(const char *mopts, const char *gz)
{
    size_t len;
    uint8_t *img = make_image(&len, 0);
    char *k;
    if (gz) {
        k = xasprintf("/tmp/ferry-virt-arm-gz-XXXXXX");
        int fd = mkstemp(k);
        close(fd);
        gzFile z = gzopen(k, "wb");
        assert_int_equal(gzwrite(z, img, (unsigned)len), (int)len);
        gzclose(z);
    } else {
        k = tmpfile_with(img, len);
    }
    const TCGCodegen *cgs[2] = { tcg_codegen_native(), &tcg_codegen_interp };
    for (int c = 0; c < 2; c++) {
        if (c == 1 && cgs[0] == &tcg_codegen_interp)
            continue;
        dev_unlock();
        cpu_process_work();
        dev_lock();
        for (CPUState *cs; (cs = cpu_first());)
            arm_cpu_destroy(arm_cpu(cs));
        tcg_exec_exit();
        assert_int_equal(tcg_exec_init(8 * MiB, cgs[c], NULL), 0);
        VirtBoard *vb = board(&(Cfg){ .kernel = k, .mopts = mopts });
        Error *err = NULL;
        assert_int_equal(boot(vb, &err), 0);
        ARMCPU *cpu = virt_arm(vb)->cpus[0];
        Ended e = { 0 };
        cpu->on_end_run = on_end;
        cpu->end_run_opaque = &e;
        cpu->exception_intercept = on_exception;
        dev_unlock();   /* a vCPU runs without the device lock */
        for (int i = 0; i < 1000 && !e.ended && !cpu->parent.halted; i++) {
            cpu_process_work();
            cpu_exec(&cpu->parent);
        }
        dev_lock();
        assert_true(e.ended);               /* PSCI SYSTEM_OFF */
        assert_int_equal(e.status, 0);
        assert_int_equal(cpu->env.xregs[5], 0x600d);
    }
    unlink(k);
    free(k);
    free(img);
}

static void test_boot_protocol(void **state)
{
    (void)state;
    run_kernel(NULL, NULL);
    run_kernel("gic-version=3", "gzip");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cpus_and_gic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcie, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boot_protocol, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
