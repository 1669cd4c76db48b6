/*
 * test_virt.c — the virt board without its CPU side (test_virt_arm.c): -machine keys and
 * their errors, the memory map and PSCI rules, the device tree (node set,
 * phandles, interrupt numbers, /chosen, -dtb handling) read back with
 * libfdt, and the board's devices on recording SPI lines (PL011, PL031,
 * PL061 with the power key, fw_cfg, the secure view).
 *
 * With FERRY_DTB_DUMP_DIR set, test_oracle_dump also writes the trees of
 * the configurations tests/oracle/virt-dtb.sh compares with QEMU's.
 */
#include "tests/unit/devtest.h"

#include <libfdt.h>
#include <zlib.h>

#include "boards/virt.h"

static Loop *loop;

static int setup(void **state)
{
    dev_lock();
    if (!loop) {
        DevTest *d = devtest_new(); /* the shared loop and a sysbus */
        loop = d->loop;
    }
    return 0;
}

static int teardown(void **state)
{
    dev_unlock();
    return 0;
}

typedef struct Cfg {
    const char *mopts;     /* after "virt," */
    unsigned smp, sockets, cores, threads;
    uint64_t ram;
    const char *kernel, *initrd, *append, *dtb, *bios;
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
    m->cfg.ram_size = c->ram ? c->ram : 128 * MiB;
    m->cfg.smp_cpus = c->smp ? c->smp : 1;
    m->cfg.smp_sockets = c->sockets;
    m->cfg.smp_cores = c->cores;
    m->cfg.smp_threads = c->threads;
    m->cfg.kernel = c->kernel;
    m->cfg.initrd = c->initrd;
    m->cfg.append = c->append;
    m->cfg.dtb = c->dtb;
    m->cfg.bios = c->bios;
    return m;
}

/* What the CPU layer would say about cortex-a57 with TCG. */
static void fake_cpus(VirtBoard *vb)
{
    vb->cpu.dt_compatible = "arm,cortex-a57";
    vb->cpu.has_pmu = true;
}

static VirtBoard *prepare(const Cfg *c)
{
    Error *err = NULL;
    VirtBoard *vb = virt_prepare(machine(c), &err);
    if (!vb)
        fail_msg("virt_prepare: %s", error_get_msg(err));
    fake_cpus(vb);
    return vb;
}

static void prepare_fails(const Cfg *c, const char *msg)
{
    Error *err = NULL;
    assert_null(virt_prepare(machine(c), &err));
    assert_non_null(err);
    assert_contains(error_get_msg(err), msg);
    error_free(err);
}

static void *build_fdt(VirtBoard *vb)
{
    Error *err = NULL;
    if (virt_fdt_build(vb, &err) < 0)
        fail_msg("virt_fdt_build: %s", error_get_msg(err));
    assert_int_equal(fdt_check_header(vb->fdt), 0);
    return vb->fdt;
}

/* ---- device-tree readers -------------------------------------------------- */

static int node(void *fdt, const char *path)
{
    return fdt_path_offset(fdt, path);
}

static const void *prop(void *fdt, const char *path, const char *name, int *len)
{
    int off = node(fdt, path);
    if (off < 0)
        fail_msg("no node %s", path);
    return fdt_getprop(fdt, off, name, len);
}

static uint32_t cell(void *fdt, const char *path, const char *name, int i)
{
    int len;
    const fdt32_t *c = prop(fdt, path, name, &len);
    if (!c || len < 4 * (i + 1))
        fail_msg("%s %s has no cell %d", path, name, i);
    return fdt32_to_cpu(c[i]);
}

static int ncells(void *fdt, const char *path, const char *name)
{
    int len;
    return prop(fdt, path, name, &len) ? len / 4 : -1;
}

static const char *str(void *fdt, const char *path, const char *name)
{
    int len;
    return prop(fdt, path, name, &len);
}

static bool has(void *fdt, const char *path, const char *name)
{
    int len;
    return node(fdt, path) >= 0 && prop(fdt, path, name, &len) != NULL;
}

static int phandle_of(void *fdt, const char *path)
{
    return (int)fdt_get_phandle(fdt, node(fdt, path));
}

/* ---- configuration ---------------------------------------------------------- */

static void test_machine_keys(void **state)
{
    prepare_fails(&(Cfg){.mopts = "gic-version=5"}, "gic-version=5 is not a GIC version "
                  "(valid: 2, 3, max)");
    prepare_fails(&(Cfg){.mopts = "gic-version=host"}, "needs KVM");
    prepare_fails(&(Cfg){.mopts = "gic-version=4"}, "GICv4");
    prepare_fails(&(Cfg){.mopts = "highmem=maybe"}, "'on' or 'off'");
    prepare_fails(&(Cfg){.mopts = "mte=on"}, "Memory Tagging Extension");
    prepare_fails(&(Cfg){.mopts = "ras=on"}, "(valid: off)");
    prepare_fails(&(Cfg){.mopts = "iommu=smmuv3"}, "SMMUv3");
    prepare_fails(&(Cfg){.mopts = "acpi=on"}, "(valid: off, auto)");
    prepare_fails(&(Cfg){.mopts = "dumpdtb="}, "needs a file name");
    prepare_fails(&(Cfg){.smp = 9}, "gic-version=2 supports at most 8 CPUs");
    prepare_fails(&(Cfg){.mopts = "gic-version=3,highmem=off", .smp = 124},
                  "at most 123 CPUs with highmem=off");
    prepare_fails(&(Cfg){.mopts = "highmem=off", .ram = 4 * GiB}, "at most 3 GiB");
    prepare_fails(&(Cfg){.ram = 256 * GiB}, "at most 255 GiB");
    prepare_fails(&(Cfg){.dtb = "/etc/hostname"}, "-dtb /etc/hostname: not a device tree "
                  "blob");
    prepare_fails(&(Cfg){.dtb = "/nonexistent.dtb"}, "cannot read file");
    prepare_fails(&(Cfg){.initrd = "/etc/hostname"}, "-initrd only allowed with -kernel");
    prepare_fails(&(Cfg){.append = "x"}, "-append only allowed with -kernel");

    VirtBoard *vb = prepare(&(Cfg){.mopts = "gic-version=max,highmem=off,its=off,acpi=off,"
                                            "iommu=none,mte=off,ras=off,dtb-kaslr-seed=off"});
    assert_int_equal(vb->cfg.gic_version, 3);
    assert_false(vb->cfg.highmem);
    assert_false(vb->cfg.its);
    assert_false(vb->cfg.dtb_randomness);
    vb = prepare(&(Cfg){0});
    assert_int_equal(vb->cfg.gic_version, 2); /* QEMU's default */
    assert_true(vb->cfg.highmem && vb->cfg.its && vb->cfg.dtb_randomness);
    assert_false(vb->cfg.secure || vb->cfg.virtualization);
    assert_string_equal(vb->cpu_model, "cortex-a57");
}

static void test_memory_map(void **state)
{
    VirtBoard *vb = prepare(&(Cfg){.mopts = "gic-version=3", .smp = 200, .ram = 2 * GiB});
    assert_int_equal(vb->map[VIRT_MEM].base, 0x40000000);
    assert_int_equal(vb->map[VIRT_MEM].size, 2 * GiB);
    assert_int_equal(vb->map[VIRT_HIGH_GIC_REDIST2].base, 256 * GiB);
    assert_int_equal(vb->map[VIRT_HIGH_PCIE_ECAM].base, 256 * GiB + 256 * MiB);
    assert_int_equal(vb->map[VIRT_HIGH_PCIE_MMIO].base, 512 * GiB);
    assert_int_equal(vb->map[VIRT_HIGH_PCIE_MMIO].size, 512 * GiB);
    assert_int_equal(vb->redist_regions, 2);
    assert_int_equal(vb->map[VIRT_PCIE_ECAM].size, 0);
    assert_int_equal(vb->map[VIRT_GIC_CPU].size, 0);
    assert_int_equal(vb->map[VIRT_GIC_ITS].size, 0x20000);
    /* MPIDR: clusters of 16 with GICv3. */
    assert_int_equal(vb->mpidr[54], 0x306);
    assert_int_equal(vb->mpidr[199], (199 / 16) << 8 | 199 % 16);

    vb = prepare(&(Cfg){.mopts = "highmem=off", .smp = 8, .ram = 3 * GiB});
    assert_int_equal(vb->map[VIRT_PCIE_ECAM].base, 0x3f000000);
    assert_int_equal(vb->map[VIRT_PCIE_ECAM].size, 16 * MiB);
    assert_int_equal(vb->map[VIRT_HIGH_PCIE_ECAM].size, 0);
    assert_int_equal(vb->map[VIRT_HIGH_PCIE_MMIO].size, 0);
    assert_int_equal(vb->map[VIRT_GIC_V2M].size, 0x1000);
    assert_int_equal(vb->map[VIRT_GIC_REDIST].size, 0);
    assert_int_equal(vb->map[VIRT_GIC_HYP].size, 0);
    assert_int_equal(vb->mpidr[7], 7);
    assert_int_equal(vb->map[VIRT_SECURE_MEM].size, 0);
    /* The device table's SPIs. */
    assert_int_equal(vb->map[VIRT_UART].spi, 1);
    assert_int_equal(vb->map[VIRT_RTC].spi, 2);
    assert_int_equal(vb->map[VIRT_PCIE_ECAM].spi, 3);
    assert_int_equal(vb->map[VIRT_GPIO].spi, 7);
    assert_int_equal(vb->map[VIRT_MMIO].spi, 16);
}

/* QEMU's conduit rule, checked against qemu-system-aarch64 7.2's trees. */
static void test_psci_conduit(void **state)
{
    static const struct {
        const char *mopts;
        bool kernel, bios;
        VirtPsciConduit want;
        int el;
    } cases[] = {
        {NULL, false, false, VIRT_PSCI_HVC, 1},
        {NULL, true, false, VIRT_PSCI_HVC, 1},
        {"virtualization=on", false, false, VIRT_PSCI_SMC, 2},
        {"virtualization=on", true, false, VIRT_PSCI_SMC, 2},
        {"secure=on", false, false, VIRT_PSCI_NONE, 3},
        {"secure=on", true, false, VIRT_PSCI_HVC, 1},
        {"secure=on,virtualization=on", false, false, VIRT_PSCI_NONE, 3},
        {"secure=on,virtualization=on", true, false, VIRT_PSCI_SMC, 2},
        {"secure=on", true, true, VIRT_PSCI_NONE, 3},
        {NULL, false, true, VIRT_PSCI_HVC, 1},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        VirtBoard *vb = prepare(&(Cfg){.mopts = cases[i].mopts,
                                       .kernel = cases[i].kernel ? "/etc/hostname" : NULL,
                                       .bios = cases[i].bios ? "/etc/hostname" : NULL});
        if (vb->psci != cases[i].want || vb->boot_el != cases[i].el)
            fail_msg("case %zu (%s%s%s): psci %d el %d, want %d el %d", i,
                     cases[i].mopts ? cases[i].mopts : "", cases[i].kernel ? " kernel" : "",
                     cases[i].bios ? " bios" : "", vb->psci, vb->boot_el, cases[i].want,
                     cases[i].el);
    }
}

/* ---- the device tree ------------------------------------------------------------ */

static void test_fdt_gicv3(void **state)
{
    VirtBoard *vb = prepare(&(Cfg){.mopts = "gic-version=3", .smp = 2, .ram = GiB,
                                   .kernel = "/etc/hostname", .append = "console=ttyAMA0"});
    vb->initrd_start = 0x48000000;
    vb->initrd_size = 0x1234;
    void *fdt = build_fdt(vb);

    assert_string_equal(str(fdt, "/", "compatible"), "linux,dummy-virt");
    assert_int_equal(cell(fdt, "/", "#address-cells", 0), 2);
    int gic = phandle_of(fdt, "/intc@8000000");
    assert_int_equal(gic, 0x8003); /* clock 0x8000, two CPUs, then the GIC */
    assert_int_equal(cell(fdt, "/", "interrupt-parent", 0), gic);
    assert_string_equal(str(fdt, "/intc@8000000", "compatible"), "arm,gic-v3");
    assert_int_equal(cell(fdt, "/intc@8000000", "#redistributor-regions", 0), 1);
    assert_int_equal(cell(fdt, "/intc@8000000", "reg", 3), 0x10000);
    assert_int_equal(cell(fdt, "/intc@8000000", "reg", 5), 0x080A0000);
    assert_false(has(fdt, "/intc@8000000", "interrupts"));
    int its = phandle_of(fdt, "/intc@8000000/its@8080000");
    assert_int_equal(its, 0x8004);
    assert_true(has(fdt, "/intc@8000000/its@8080000", "msi-controller"));

    /* CPUs: phandles from the last CPU down, enable-method with PSCI. */
    assert_int_equal(phandle_of(fdt, "/cpus/cpu@1"), 0x8001);
    assert_int_equal(phandle_of(fdt, "/cpus/cpu@0"), 0x8002);
    assert_string_equal(str(fdt, "/cpus/cpu@0", "enable-method"), "psci");
    assert_int_equal(cell(fdt, "/cpus/cpu@1", "reg", 0), 1);
    assert_int_equal(cell(fdt, "/cpus/cpu-map/socket0/cluster0/core1", "cpu", 0), 0x8001);
    assert_string_equal(str(fdt, "/psci", "method"), "hvc");
    assert_int_equal(cell(fdt, "/psci", "cpu_on", 0), 0xC4000003);

    /* Devices and their SPIs (interrupts = <type number flags>). */
    assert_int_equal(cell(fdt, "/pl011@9000000", "interrupts", 1), 1);
    assert_int_equal(cell(fdt, "/pl011@9000000", "interrupts", 2), 4);
    assert_int_equal(cell(fdt, "/pl011@9000000", "clocks", 0), 0x8000);
    assert_int_equal(cell(fdt, "/pl031@9010000", "interrupts", 1), 2);
    assert_int_equal(cell(fdt, "/pl061@9030000", "interrupts", 1), 7);
    int gpio = phandle_of(fdt, "/pl061@9030000");
    assert_int_equal(gpio, 0x8005);
    assert_int_equal(cell(fdt, "/gpio-keys/poweroff", "gpios", 0), gpio);
    assert_int_equal(cell(fdt, "/gpio-keys/poweroff", "gpios", 1), 3);
    assert_int_equal(cell(fdt, "/gpio-keys/poweroff", "linux,code", 0), 116);
    assert_int_equal(cell(fdt, "/fw-cfg@9020000", "reg", 3), 0x18);
    for (int i = 0; i < 32; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/virtio_mmio@%x", 0x0a000000 + i * 0x200);
        assert_int_equal(cell(fdt, path, "interrupts", 1), 16 + i);
        assert_int_equal(cell(fdt, path, "interrupts", 2), 1);
    }
    /* virtio-mmio nodes read back in address order. */
    int prev = -1;
    for (int i = 0; i < 32; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/virtio_mmio@%x", 0x0a000000 + i * 0x200);
        assert_true(node(fdt, path) > prev);
        prev = node(fdt, path);
    }
    /* PCIe: high ECAM, three windows, the INTx swizzle, the ITS. */
    const char *pcie = "/pcie@10000000";
    assert_int_equal(cell(fdt, pcie, "reg", 0), 0x40);
    assert_int_equal(cell(fdt, pcie, "reg", 1), 0x10000000);
    assert_int_equal(cell(fdt, pcie, "bus-range", 1), 255);
    assert_int_equal(ncells(fdt, pcie, "ranges"), 21);
    assert_int_equal(cell(fdt, pcie, "ranges", 14), 0x03000000);
    assert_int_equal(cell(fdt, pcie, "msi-map", 1), its);
    assert_int_equal(ncells(fdt, pcie, "interrupt-map"), 160);
    for (int slot = 0; slot < 4; slot++) {
        for (int pin = 1; pin <= 4; pin++) {
            int e = (slot * 4 + pin - 1) * 10;
            assert_int_equal(cell(fdt, pcie, "interrupt-map", e), slot << 11);
            assert_int_equal(cell(fdt, pcie, "interrupt-map", e + 3), pin);
            assert_int_equal(cell(fdt, pcie, "interrupt-map", e + 4), gic);
            assert_int_equal(cell(fdt, pcie, "interrupt-map", e + 8), 3 + (slot + pin - 1) % 4);
        }
    }
    /* Timer and PMU PPIs (GICv3: no CPU mask). */
    assert_int_equal(cell(fdt, "/timer", "interrupts", 1), 13);
    assert_int_equal(cell(fdt, "/timer", "interrupts", 2), 4);
    assert_int_equal(cell(fdt, "/timer", "interrupts", 10), 10);
    assert_int_equal(cell(fdt, "/pmu", "interrupts", 1), 7);
    /* Memory and /chosen. */
    assert_int_equal(cell(fdt, "/memory@40000000", "reg", 3), 0x40000000);
    assert_string_equal(str(fdt, "/chosen", "stdout-path"), "/pl011@9000000");
    assert_string_equal(str(fdt, "/chosen", "bootargs"), "console=ttyAMA0");
    assert_int_equal(cell(fdt, "/chosen", "linux,initrd-start", 0), 0x48000000);
    assert_int_equal(cell(fdt, "/chosen", "linux,initrd-end", 0), 0x48001234);
    int len;
    assert_non_null(prop(fdt, "/chosen", "rng-seed", &len));
    assert_int_equal(len, 32);
    assert_non_null(prop(fdt, "/chosen", "kaslr-seed", &len));
    assert_int_equal(len, 8);
    assert_true(node(fdt, "/flash@0") >= 0);
    assert_int_equal(ncells(fdt, "/flash@0", "reg"), 8);
    assert_true(node(fdt, "/platform-bus@c000000") >= 0);
    assert_true(node(fdt, "/secure-chosen") < 0);
}

static void test_fdt_gicv2_variants(void **state)
{
    /* GICv2, 4 CPUs, highmem=off, virtualization=on, no randomness. */
    VirtBoard *vb = prepare(&(Cfg){.mopts = "highmem=off,virtualization=on,dtb-randomness=off",
                                   .smp = 4});
    void *fdt = build_fdt(vb);
    assert_string_equal(str(fdt, "/intc@8000000", "compatible"), "arm,cortex-a15-gic");
    assert_int_equal(ncells(fdt, "/intc@8000000", "reg"), 16); /* dist, cpu, hyp, vcpu */
    assert_int_equal(cell(fdt, "/intc@8000000", "interrupts", 1), 9);
    int v2m = phandle_of(fdt, "/intc@8000000/v2m@8020000");
    assert_int_equal(v2m, 0x8006);
    assert_int_equal(cell(fdt, "/pcie@10000000", "msi-map", 1), v2m);
    assert_int_equal(cell(fdt, "/pcie@10000000", "reg", 1), 0x3f000000);
    assert_int_equal(cell(fdt, "/pcie@10000000", "bus-range", 1), 15);
    assert_int_equal(ncells(fdt, "/pcie@10000000", "ranges"), 14);
    assert_int_equal(cell(fdt, "/timer", "interrupts", 2), 0xF04); /* 4 CPUs' mask */
    assert_int_equal(cell(fdt, "/pmu", "interrupts", 2), 0xF04);
    assert_string_equal(str(fdt, "/psci", "method"), "smc");
    assert_false(has(fdt, "/chosen", "rng-seed"));
    assert_false(has(fdt, "/chosen", "bootargs"));

    /* GICv3 without the ITS: no MSI controller; 200 CPUs: two redistributor regions. */
    vb = prepare(&(Cfg){.mopts = "gic-version=3,its=off", .smp = 200});
    fdt = build_fdt(vb);
    assert_true(node(fdt, "/intc@8000000/its@8080000") < 0);
    assert_false(has(fdt, "/pcie@10000000", "msi-map"));
    assert_int_equal(cell(fdt, "/intc@8000000", "#redistributor-regions", 0), 2);
    assert_int_equal(cell(fdt, "/intc@8000000", "reg", 8), 0x40);
    assert_int_equal(cell(fdt, "/cpus/cpu@54", "reg", 0), 0x306);

    /* Topology with threads: socket/cluster/core/thread. */
    vb = prepare(&(Cfg){.smp = 8, .sockets = 2, .cores = 2, .threads = 2});
    fdt = build_fdt(vb);
    assert_int_equal(cell(fdt, "/cpus/cpu-map/socket1/cluster0/core1/thread1", "cpu", 0),
                     phandle_of(fdt, "/cpus/cpu@7"));
    assert_int_equal(cell(fdt, "/cpus/cpu-map/socket0/cluster0/core0/thread0", "cpu", 0),
                     phandle_of(fdt, "/cpus/cpu@0"));

    /* One CPU: no enable-method. */
    vb = prepare(&(Cfg){0});
    fdt = build_fdt(vb);
    assert_false(has(fdt, "/cpus/cpu@0", "enable-method"));
}

static void test_fdt_secure(void **state)
{
    VirtBoard *vb = prepare(&(Cfg){.mopts = "secure=on"});
    void *fdt = build_fdt(vb);
    assert_true(node(fdt, "/psci") < 0); /* firmware-style boot at EL3 */
    assert_string_equal(str(fdt, "/secure-chosen", "stdout-path"), "/pl011@9040000");
    assert_string_equal(str(fdt, "/pl011@9040000", "status"), "disabled");
    assert_string_equal(str(fdt, "/pl011@9040000", "secure-status"), "okay");
    assert_int_equal(cell(fdt, "/pl011@9040000", "interrupts", 1), 8);
    assert_string_equal(str(fdt, "/secram@e000000", "device_type"), "memory");
    assert_true(node(fdt, "/secflash@0") >= 0);
    assert_true(node(fdt, "/flash@4000000") >= 0);
    int sgpio = phandle_of(fdt, "/pl061@90b0000");
    assert_int_equal(sgpio, 0x8005);
    assert_int_equal(cell(fdt, "/gpio-poweroff", "gpios", 0), sgpio);
    assert_int_equal(cell(fdt, "/gpio-poweroff", "gpios", 1), 0);
    assert_int_equal(cell(fdt, "/gpio-restart", "gpios", 1), 1);
}

/* Writes a small user DTB and returns its path (caller unlinks). */
static char *user_dtb(bool with_chosen, uint32_t scells)
{
    char buf[4096];
    assert_int_equal(fdt_create_empty_tree(buf, sizeof(buf)), 0);
    int root = 0;
    fdt_setprop_u32(buf, root, "#address-cells", 2);
    fdt_setprop_u32(buf, root, "#size-cells", scells);
    fdt_setprop_string(buf, root, "compatible", "my,board");
    int mem = fdt_add_subnode(buf, root, "memory@40000000");
    fdt_setprop_string(buf, mem, "device_type", "memory");
    int psci = fdt_add_subnode(buf, root, "psci");
    fdt_setprop_string(buf, psci, "method", "bogus");
    fdt_add_subnode(buf, root, "keepme");
    if (with_chosen) {
        int ch = fdt_add_subnode(buf, root, "chosen");
        fdt_setprop_string(buf, ch, "bootargs", "old");
    }
    fdt_pack(buf);
    char *path = xstrdup("/tmp/ferry-user-dtb-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, fdt_totalsize(buf)), (ssize_t)fdt_totalsize(buf));
    close(fd);
    return path;
}

static void test_user_dtb(void **state)
{
    char *path = user_dtb(true, 2);
    VirtBoard *vb = prepare(&(Cfg){.dtb = path, .ram = GiB, .kernel = "/etc/hostname",
                                   .append = "new args"});
    vb->initrd_start = 0x48000000;
    vb->initrd_size = 6;
    void *fdt = build_fdt(vb);
    assert_string_equal(str(fdt, "/", "compatible"), "my,board");
    assert_true(node(fdt, "/keepme") >= 0);
    assert_int_equal(cell(fdt, "/memory@40000000", "reg", 3), 0x40000000); /* replaced */
    assert_string_equal(str(fdt, "/chosen", "bootargs"), "new args");
    assert_int_equal(cell(fdt, "/chosen", "linux,initrd-end", 0), 0x48000006);
    assert_string_equal(str(fdt, "/psci", "method"), "hvc");
    assert_true(node(fdt, "/pl011@9000000") < 0); /* not ours */
    unlink(path);
    free(path);

    /* No /chosen: made; no -append: no bootargs. */
    path = user_dtb(false, 2);
    vb = prepare(&(Cfg){.dtb = path, .kernel = "/etc/hostname"});
    fdt = build_fdt(vb);
    assert_true(node(fdt, "/chosen") >= 0);
    assert_false(has(fdt, "/chosen", "bootargs"));
    unlink(path);
    free(path);

    /* #size-cells 1 cannot describe 4 GiB of RAM. */
    path = user_dtb(true, 1);
    vb = prepare(&(Cfg){.dtb = path, .ram = 4 * GiB});
    Error *err = NULL;
    assert_int_equal(virt_fdt_build(vb, &err), -1);
    assert_contains(error_get_msg(err), "cannot describe 4096 MiB of RAM");
    error_free(err);
    unlink(path);
    free(path);
}

static void test_dumpdtb(void **state)
{
    char path[] = "/tmp/ferry-dump-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    VirtBoard *vb = prepare(&(Cfg){0});
    build_fdt(vb);
    Error *err = NULL;
    assert_int_equal(virt_fdt_dump(vb, path, &err), 0);
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    unlink(path);
    assert_int_equal(n, vb->fdt_size);
    assert_int_equal(fdt_check_header(buf), 0);
    assert_int_equal(virt_fdt_dump(vb, "/nonexistent/dir/x.dtb", &err), -1);
    assert_contains(error_get_msg(err), "cannot write");
    error_free(err);
}

/* ---- devices on the board ------------------------------------------------------ */

static int spi_level[VIRT_NUM_SPIS], spi_raises[VIRT_NUM_SPIS];

static void spi_handler(void *opaque, int n, int level)
{
    if (level && !spi_level[n])
        spi_raises[n]++;
    spi_level[n] = level;
}

static VirtBoard *board_with_devices(const Cfg *c)
{
    VirtBoard *vb = prepare(c);
    Error *err = NULL;
    assert_int_equal(virt_create_memory(vb, &err), 0);
    IRQ *lines = irq_new(spi_handler, NULL, VIRT_NUM_SPIS);
    for (int i = 0; i < VIRT_NUM_SPIS; i++)
        vb->spi[i] = &lines[i];
    memset(spi_level, 0, sizeof(spi_level));
    memset(spi_raises, 0, sizeof(spi_raises));
    static const int mine[] = {VIRT_UART, VIRT_SECURE_UART, VIRT_RTC, VIRT_GPIO,
                               VIRT_SECURE_GPIO, VIRT_FW_CFG};
    for (size_t i = 0; i < ARRAY_SIZE(mine); i++)
        if (virt_create_device(vb, mine[i], &err) < 0)
            fail_msg("%s", error_get_msg(err));
    return vb;
}

static uint32_t rd(AddressSpace *as, hwaddr a)
{
    uint64_t v = 0;
    assert_int_equal(as_read_uint(as, a, 4, &v), MEMTX_OK);
    return (uint32_t)v;
}

static void wr(AddressSpace *as, hwaddr a, uint32_t v)
{
    assert_int_equal(as_write_uint(as, a, 4, v), MEMTX_OK);
}

static void test_devices_and_power_key(void **state)
{
    VirtBoard *vb = board_with_devices(&(Cfg){.smp = 2, .ram = 256 * MiB});
    AddressSpace *as = vb->m->as;
    assert_int_equal(rd(as, 0x09000FE0), 0x11);   /* PL011 */
    assert_int_equal(rd(as, 0x09010FE0), 0x31);   /* PL031 */
    assert_int_equal(rd(as, 0x09030FE0), 0x61);   /* PL061 */
    assert_true(rd(as, 0x09010000) > 1600000000); /* RTC: host time */
    /* fw_cfg: signature and NB_CPUS. */
    assert_int_equal(as_write_uint(as, 0x09020008, 2, 0x0000), MEMTX_OK);
    assert_int_equal(rd(as, 0x09020000), 0x554D4551); /* "QEMU" */
    assert_int_equal(as_write_uint(as, 0x09020008, 2, 0x0500), MEMTX_OK); /* key 5, BE */
    uint64_t v;
    assert_int_equal(as_read_uint(as, 0x09020000, 2, &v), MEMTX_OK);
    assert_int_equal(v, 2);
    /* RAM at 0x40000000; flash reads (as ROM) at 0. */
    wr(as, 0x40000000, 0xDEADBEEF);
    assert_int_equal(rd(as, 0x40000000), 0xDEADBEEF);
    assert_int_equal(rd(as, 0x04000000), 0);
    /* PL011 interrupt on SPI 1. */
    wr(as, 0x09000030, 0x301);
    wr(as, 0x09000038, 0x20);   /* TXIM */
    wr(as, 0x09000000, 'x');
    assert_int_equal(spi_level[1], 1);
    wr(as, 0x09000044, 0x20);
    assert_int_equal(spi_level[1], 0);

    /* The power key as Linux's gpio-keys sets it up: line 3 an input,
     * both edges, enabled. */
    wr(as, 0x09030400, 0x00);    /* DIR */
    wr(as, 0x09030408, 0x08);    /* IBE */
    wr(as, 0x09030410, 0x08);    /* IE */
    virt_powerdown(vb);
    assert_int_equal(rd(as, 0x09030000 + (0x08 << 2)), 0x08); /* pressed */
    assert_int_equal(spi_level[7], 1);
    wr(as, 0x0903041C, 0x08);    /* IC */
    assert_int_equal(spi_level[7], 0);
    loop_vclock_advance(loop, 50 * 1000 * 1000);
    while (loop_run_once(loop, 0)) {
    }
    assert_int_equal(rd(as, 0x09030000 + (0x08 << 2)), 0x08); /* still held */
    loop_vclock_advance(loop, 60 * 1000 * 1000);
    while (loop_run_once(loop, 0)) {
    }
    assert_int_equal(rd(as, 0x09030000 + (0x08 << 2)), 0x00); /* released */
    assert_int_equal(spi_level[7], 1);                        /* the release edge */
    assert_int_equal(spi_raises[7], 2);
}

static void test_secure_view(void **state)
{
    VirtBoard *vb = board_with_devices(&(Cfg){.mopts = "secure=on"});
    AddressSpace *ns = vb->m->as, *s = vb->secure_as;
    assert_non_null(s);
    /* Secure-only: the second UART, GPIO, RAM and flash bank 0. */
    assert_int_equal(rd(s, 0x09040FE0), 0x11);
    assert_int_equal(rd(s, 0x090B0FE0), 0x61);
    uint64_t v;
    assert_int_equal(as_read_uint(ns, 0x09040FE0, 4, &v), MEMTX_DECODE_ERROR);
    wr(s, 0x0E000000, 0x12345678);
    assert_int_equal(rd(s, 0x0E000000), 0x12345678);
    assert_int_equal(as_read_uint(ns, 0x0E000000, 4, &v), MEMTX_DECODE_ERROR);
    assert_int_equal(as_read_uint(ns, 0x00000000, 4, &v), MEMTX_DECODE_ERROR);
    assert_int_equal(rd(s, 0x00000000), 0);
    assert_int_equal(rd(ns, 0x04000000), 0);
    /* Everything Non-secure is seen from the Secure world too. */
    assert_int_equal(rd(s, 0x09000FE0), 0x11);
    wr(ns, 0x40000000, 0xCAFE);
    assert_int_equal(rd(s, 0x40000000), 0xCAFE);
    /* The secure UART interrupts on SPI 8. */
    wr(s, 0x09040030, 0x301);
    wr(s, 0x09040038, 0x20);
    wr(s, 0x09040000, 'y');
    assert_int_equal(spi_level[8], 1);
}

static void test_bios_and_fw_cfg_kernel(void **state)
{
    /* -bios lands in flash bank 0; with -kernel the firmware gets the
     * kernel, initrd and command line through fw_cfg. */
    char bios[] = "/tmp/ferry-bios-XXXXXX", kernel[] = "/tmp/ferry-kernel-XXXXXX";
    int fd = mkstemp(bios);
    assert_int_equal(write(fd, "\x01\x02\x03\x04", 4), 4);
    close(fd);
    fd = mkstemp(kernel);
    assert_int_equal(write(fd, "KERNELIMAGE", 11), 11);
    close(fd);
    VirtBoard *vb = board_with_devices(&(Cfg){.bios = bios, .kernel = kernel,
                                               .append = "root=/dev/vda"});
    unlink(bios);
    unlink(kernel);
    AddressSpace *as = vb->m->as;
    assert_int_equal(rd(as, 0), 0x04030201);
    uint8_t b[16] = {0};
    assert_int_equal(as_write_uint(as, 0x09020008, 2, 0x0800), MEMTX_OK); /* KERNEL_SIZE */
    uint64_t v;
    assert_int_equal(as_read_uint(as, 0x09020000, 4, &v), MEMTX_OK);
    assert_int_equal(v, 11);
    assert_int_equal(as_write_uint(as, 0x09020008, 2, 0x1100), MEMTX_OK); /* KERNEL_DATA */
    for (int i = 0; i < 11; i++) {
        assert_int_equal(as_read_uint(as, 0x09020000, 1, &v), MEMTX_OK);
        b[i] = (uint8_t)v;
    }
    assert_memory_equal(b, "KERNELIMAGE", 11);
    assert_int_equal(as_write_uint(as, 0x09020008, 2, 0x1500), MEMTX_OK); /* CMDLINE_DATA */
    for (int i = 0; i < 14; i++) {
        assert_int_equal(as_read_uint(as, 0x09020000, 1, &v), MEMTX_OK);
        b[i] = (uint8_t)v;
    }
    assert_string_equal((char *)b, "root=/dev/vda");
}

/* A gzip-compressed -kernel reaches the firmware decompressed, as QEMU
 * does; corrupt gzip data is an error naming the file. */
static void test_fw_cfg_gzip_kernel(void **state)
{
    char gz[] = "/tmp/ferry-kernel-gz-XXXXXX";
    int fd = mkstemp(gz);
    close(fd);
    uint8_t *img = xmalloc(3 * MiB);
    for (size_t i = 0; i < 3 * MiB; i++)
        img[i] = (uint8_t)(i * 31 / 4096);
    gzFile z = gzopen(gz, "wb");
    assert_int_equal(gzwrite(z, img, 3 * MiB), (int)(3 * MiB));
    gzclose(z);
    VirtBoard *vb = board_with_devices(&(Cfg){.bios = "/etc/hostname", .kernel = gz});
    AddressSpace *as = vb->m->as;
    uint64_t v;
    assert_int_equal(as_write_uint(as, 0x09020008, 2, 0x0800), MEMTX_OK); /* KERNEL_SIZE */
    assert_int_equal(as_read_uint(as, 0x09020000, 4, &v), MEMTX_OK);
    assert_int_equal(v, 3 * MiB);
    /* Read it back over DMA and compare. */
    uint8_t desc[16] = {0x00, 0x11, 0x00, 0x0A, /* key KERNEL_DATA, SELECT|READ */
                        0x00, 0x30, 0x00, 0x00, /* 3 MiB */
                        0, 0, 0, 0, 0x40, 0x10, 0x00, 0x00};
    assert_int_equal(as_rw(as, 0x40000000, desc, sizeof(desc), true), MEMTX_OK);
    assert_int_equal(as_write_uint(as, 0x09020014, 4, 0x00000040), MEMTX_OK); /* BE 0x40000000 */
    uint8_t status[4];
    assert_int_equal(as_rw(as, 0x40000000, status, 4, false), MEMTX_OK);
    assert_int_equal(status[0] | status[1] | status[2] | status[3], 0);
    assert_memory_equal(mr_ram_ptr(vb->ram) + 0x100000, img, 3 * MiB);
    free(img);

    fd = open(gz, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "\x1f\x8b\x08\x00garbage-not-deflate-data", 28), 28);
    close(fd);
    vb = prepare(&(Cfg){.bios = "/etc/hostname", .kernel = gz});
    Error *err = NULL;
    assert_int_equal(virt_create_memory(vb, &err), 0);
    assert_int_equal(virt_create_device(vb, VIRT_FW_CFG, &err), -1);
    assert_contains(error_get_msg(err), "corrupt gzip data");
    assert_contains(error_get_msg(err), gz);
    error_free(err);
    unlink(gz);
}

static void test_virtio_mmio_hook(void **state)
{
    /* The virtio-mmio transports exist: 32 buses, lowest address first.
     * (Every hook is plugged in now; the CPU side is tested in
     * test_virt_arm.c.) */
    VirtBoard *vb = prepare(&(Cfg){0});
    Error *err = NULL;
    assert_int_equal(virt_create_device(vb, VIRT_MMIO, &err), 0);
    assert_null(err);
    assert_non_null(bus_find("virtio-mmio-bus.0"));
    assert_non_null(bus_find("virtio-mmio-bus.31"));
}

/* ---- trees for tests/oracle/virt-dtb.sh ---------------------------------------- */

/* Same names and options as the script's table. */
static const struct {
    const char *name;
    Cfg cfg;
    bool initrd;
} oracle_cases[] = {
    {"default", {.ram = GiB}},
    {"gic3", {.mopts = "gic-version=3", .ram = GiB}},
    {"gic3-smp4-kernel", {.mopts = "gic-version=3", .smp = 4, .ram = 2 * GiB,
                          .kernel = "k", .append = "console=ttyAMA0 root=/dev/vda"}, true},
    {"gic2-smp8-virt", {.mopts = "virtualization=on", .smp = 8, .ram = GiB}},
    {"gic3-noits-hmoff", {.mopts = "gic-version=3,its=off,highmem=off", .ram = 3 * GiB}},
    {"gic3-smp200", {.mopts = "gic-version=3", .smp = 200, .ram = GiB}},
    {"secure", {.mopts = "secure=on", .ram = GiB}},
    {"secure-virt-kernel", {.mopts = "secure=on,virtualization=on,gic-version=3",
                            .smp = 2, .ram = GiB, .kernel = "k"}},
    {"topology", {.mopts = "gic-version=3", .smp = 8, .sockets = 2, .cores = 2,
                  .threads = 2, .ram = GiB}},
};

static void test_oracle_dump(void **state)
{
    const char *dir = getenv("FERRY_DTB_DUMP_DIR");
    for (size_t i = 0; i < ARRAY_SIZE(oracle_cases); i++) {
        Cfg c = oracle_cases[i].cfg;
        char *mopts = xasprintf("%s%sdtb-randomness=off", c.mopts ? c.mopts : "",
                                c.mopts ? "," : "");
        c.mopts = mopts;
        VirtBoard *vb = prepare(&c);
        if (oracle_cases[i].initrd) {
            /* where QEMU 7.2 puts a small initrd with this RAM */
            vb->initrd_start = 0x48000000;
            vb->initrd_size = 6;
        }
        build_fdt(vb);
        if (dir) {
            char *path = xasprintf("%s/%s.dtb", dir, oracle_cases[i].name);
            Error *err = NULL;
            if (virt_fdt_dump(vb, path, &err) < 0)
                fail_msg("%s", error_get_msg(err));
            free(path);
        }
        free(mopts);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_machine_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_psci_conduit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fdt_gicv3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fdt_gicv2_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fdt_secure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_dtb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dumpdtb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices_and_power_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secure_view, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bios_and_fw_cfg_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fw_cfg_gzip_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtio_mmio_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oracle_dump, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
