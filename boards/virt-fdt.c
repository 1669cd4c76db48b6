/*
 * virt-fdt.c — the virt board's device tree: the same tree QEMU 7.2's virt
 * generates for the same options (nodes, properties, phandle numbers, and
 * even their order, which follows from building them in QEMU's order with
 * libfdt), checked against qemu-system-aarch64's dumpdtb by
 * tests/oracle/virt-dtb.sh. Properties follow the Devicetree
 * Specification and the Linux bindings (arm,gic, arm,gic-v3, arm,pl011,
 * arm,pl031, arm,pl061, gpio-keys, qemu,fw-cfg-mmio, virtio,mmio,
 * pci-host-ecam-generic, arm,psci, arm,armv8-timer, arm,armv8-pmuv3).
 *
 * With -dtb the user's tree is used instead. Either way the boot
 * properties are then set as QEMU's Arm boot code does: /memory@40000000
 * replaces any memory node, /chosen gets bootargs (-append) and
 * linux,initrd-start/end, and /psci describes the PSCI conduit.
 */
#include "boards/virt.h"

#include <libfdt.h>
#include <sys/types.h>
#include <sys/random.h>
#include <unistd.h>

#include "boards/fdt-builder.h"

#define IRQ_TYPE_SPI 0
#define IRQ_TYPE_PPI 1
#define IRQ_EDGE_RISING 1
#define IRQ_LEVEL_HIGH 4
#define KEY_POWER 116

/* PSCI 0.2+ function IDs (SMC64 where there is a 64-bit form). */
#define PSCI_CPU_SUSPEND 0xC4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xC4000003u
#define PSCI_MIGRATE 0xC4000005u

static uint32_t alloc_phandle(VirtBoard *vb)
{
    return vb->next_phandle++;
}

static char *node_at(const char *name, hwaddr base)
{
    return xasprintf("/%s@%" PRIx64, name, base);
}

/* A 2+2-cell reg with one region. */
static void set_reg1(Fdt *f, const char *path, hwaddr base, uint64_t size)
{
    uint64_t r[2] = {base, size};
    fdtb_set_reg(f, path, "reg", 2, 2, 1, r);
}

static void set_irq(Fdt *f, const char *path, uint32_t type, uint32_t num, uint32_t flags)
{
    uint32_t c[3] = {type, num, flags};
    fdtb_set_cells(f, path, "interrupts", c, 3);
}

/* GICv2 PPIs carry the mask of CPUs they go to in bits 15:8. */
static uint32_t ppi_flags(VirtBoard *vb)
{
    uint32_t flags = IRQ_LEVEL_HIGH;
    if (vb->cfg.gic_version == 2)
        flags |= ((1u << vb->ncpus) - 1) << 8;
    return flags;
}

static void set_secure_only(Fdt *f, const char *path)
{
    fdtb_set_str(f, path, "status", "disabled");
    fdtb_set_str(f, path, "secure-status", "okay");
}

static int random_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        size_t n = MIN(len, (size_t)256);
        if (getentropy(p, n) < 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static int add_randomness(Fdt *f, const char *path, Error **errp)
{
    uint32_t kaslr[2], rng[8];
    if (random_bytes(kaslr, sizeof(kaslr)) < 0 || random_bytes(rng, sizeof(rng)) < 0) {
        error_setg_errno(errp, errno, "virt: no random bytes for the device tree's seeds "
                         "(dtb-randomness=off avoids them)");
        return -1;
    }
    fdtb_set_cells(f, path, "kaslr-seed", kaslr, 2);
    fdtb_set_cells(f, path, "rng-seed", rng, 8);
    return 0;
}

static void fdt_root(VirtBoard *vb, Fdt *f)
{
    fdtb_set_str(f, "/", "compatible", "linux,dummy-virt");
    fdtb_set_u32(f, "/", "#address-cells", 2);
    fdtb_set_u32(f, "/", "#size-cells", 2);
    fdtb_set_str(f, "/", "model", "linux,dummy-virt");
}

static void fdt_clock(VirtBoard *vb, Fdt *f)
{
    vb->phandle_clock = alloc_phandle(vb);
    fdtb_add_node(f, "/apb-pclk");
    fdtb_set_str(f, "/apb-pclk", "compatible", "fixed-clock");
    fdtb_set_u32(f, "/apb-pclk", "#clock-cells", 0);
    fdtb_set_u32(f, "/apb-pclk", "clock-frequency", VIRT_CLOCK_HZ);
    fdtb_set_str(f, "/apb-pclk", "clock-output-names", "clk24mhz");
    fdtb_set_u32(f, "/apb-pclk", "phandle", vb->phandle_clock);
}

static void fdt_timer(VirtBoard *vb, Fdt *f)
{
    static const char *const compat[] = {"arm,armv8-timer", "arm,armv7-timer", NULL};
    uint32_t fl = ppi_flags(vb);
    uint32_t irqs[12] = {
        IRQ_TYPE_PPI, VIRT_PPI_TIMER_S_EL1, fl,  IRQ_TYPE_PPI, VIRT_PPI_TIMER_NS_EL1, fl,
        IRQ_TYPE_PPI, VIRT_PPI_TIMER_VIRT, fl,   IRQ_TYPE_PPI, VIRT_PPI_TIMER_NS_EL2, fl,
    };
    fdtb_add_node(f, "/timer");
    fdtb_set_strs(f, "/timer", "compatible", compat);
    fdtb_set_empty(f, "/timer", "always-on");
    fdtb_set_cells(f, "/timer", "interrupts", irqs, 12);
}

static void fdt_cpus(VirtBoard *vb, Fdt *f)
{
    /* Two address cells only if some MPIDR uses Aff3. */
    int acells = 1;
    for (unsigned i = 0; i < vb->ncpus; i++)
        if (vb->mpidr[i] & 0xFF00000000ull)
            acells = 2;
    fdtb_add_node(f, "/cpus");
    fdtb_set_u32(f, "/cpus", "#address-cells", (uint32_t)acells);
    fdtb_set_u32(f, "/cpus", "#size-cells", 0);
    uint32_t *ph = xcalloc(vb->ncpus, sizeof(*ph));
    /* Made from the last to the first, so they read back in order. */
    for (int i = (int)vb->ncpus - 1; i >= 0; i--) {
        char *n = xasprintf("/cpus/cpu@%d", i);
        uint64_t mpidr = vb->mpidr[i] & 0xFF00FFFFFFull;
        fdtb_add_node(f, n);
        fdtb_set_str(f, n, "device_type", "cpu");
        fdtb_set_str(f, n, "compatible", vb->cpu.dt_compatible);
        if (vb->psci != VIRT_PSCI_NONE && vb->ncpus > 1)
            fdtb_set_str(f, n, "enable-method", "psci");
        if (acells == 2)
            fdtb_set_u64(f, n, "reg", mpidr);
        else
            fdtb_set_u32(f, n, "reg", (uint32_t)mpidr);
        ph[i] = alloc_phandle(vb);
        fdtb_set_u32(f, n, "phandle", ph[i]);
        free(n);
    }
    /* cpu-map: socket/cluster/core[/thread] per CPU. */
    for (int i = (int)vb->ncpus - 1; i >= 0; i--) {
        unsigned u = (unsigned)i;
        unsigned socket = u / (vb->clusters * vb->cores * vb->threads);
        unsigned cluster = u / (vb->cores * vb->threads) % vb->clusters;
        unsigned core = u / vb->threads % vb->cores;
        char *n = vb->threads > 1
            ? xasprintf("/cpus/cpu-map/socket%u/cluster%u/core%u/thread%u", socket, cluster,
                        core, u % vb->threads)
            : xasprintf("/cpus/cpu-map/socket%u/cluster%u/core%u", socket, cluster, core);
        fdtb_add_path(f, n);
        fdtb_set_u32(f, n, "cpu", ph[i]);
        free(n);
    }
    free(ph);
}

static void fdt_flash(VirtBoard *vb, Fdt *f)
{
    hwaddr base = vb->map[VIRT_FLASH].base;
    uint64_t bank = VIRT_FLASH_BANK_SIZE;
    if (!vb->cfg.secure) {
        uint64_t r[4] = {base, bank, base + bank, bank};
        char *n = node_at("flash", base);
        fdtb_add_node(f, n);
        fdtb_set_str(f, n, "compatible", "cfi-flash");
        fdtb_set_reg(f, n, "reg", 2, 2, 2, r);
        fdtb_set_u32(f, n, "bank-width", 4);
        free(n);
        return;
    }
    char *s = node_at("secflash", base);
    fdtb_add_node(f, s);
    fdtb_set_str(f, s, "compatible", "cfi-flash");
    set_reg1(f, s, base, bank);
    fdtb_set_u32(f, s, "bank-width", 4);
    set_secure_only(f, s);
    free(s);
    char *n = node_at("flash", base + bank);
    fdtb_add_node(f, n);
    fdtb_set_str(f, n, "compatible", "cfi-flash");
    set_reg1(f, n, base + bank, bank);
    fdtb_set_u32(f, n, "bank-width", 4);
    free(n);
}

static void fdt_gic(VirtBoard *vb, Fdt *f)
{
    vb->phandle_gic = alloc_phandle(vb);
    fdtb_set_u32(f, "/", "interrupt-parent", vb->phandle_gic);
    char *n = node_at("intc", vb->map[VIRT_GIC_DIST].base);
    fdtb_add_node(f, n);
    fdtb_set_u32(f, n, "#interrupt-cells", 3);
    fdtb_set_empty(f, n, "interrupt-controller");
    fdtb_set_u32(f, n, "#address-cells", 2);
    fdtb_set_u32(f, n, "#size-cells", 2);
    fdtb_set_empty(f, n, "ranges");
    if (vb->cfg.gic_version == 3) {
        uint64_t r[6] = {vb->map[VIRT_GIC_DIST].base, vb->map[VIRT_GIC_DIST].size,
                         vb->map[VIRT_GIC_REDIST].base, vb->map[VIRT_GIC_REDIST].size,
                         vb->map[VIRT_HIGH_GIC_REDIST2].base,
                         vb->map[VIRT_HIGH_GIC_REDIST2].size};
        fdtb_set_str(f, n, "compatible", "arm,gic-v3");
        fdtb_set_u32(f, n, "#redistributor-regions", (uint32_t)vb->redist_regions);
        fdtb_set_reg(f, n, "reg", 2, 2, 1 + vb->redist_regions, r);
    } else {
        uint64_t r[8] = {vb->map[VIRT_GIC_DIST].base, vb->map[VIRT_GIC_DIST].size,
                         vb->map[VIRT_GIC_CPU].base, vb->map[VIRT_GIC_CPU].size,
                         vb->map[VIRT_GIC_HYP].base, vb->map[VIRT_GIC_HYP].size,
                         vb->map[VIRT_GIC_VCPU].base, vb->map[VIRT_GIC_VCPU].size};
        fdtb_set_str(f, n, "compatible", "arm,cortex-a15-gic");
        fdtb_set_reg(f, n, "reg", 2, 2, vb->cfg.virtualization ? 4 : 2, r);
    }
    if (vb->cfg.virtualization)
        set_irq(f, n, IRQ_TYPE_PPI, VIRT_PPI_GIC_MAINT, IRQ_LEVEL_HIGH);
    fdtb_set_u32(f, n, "phandle", vb->phandle_gic);

    /* The MSI controller: the ITS with GICv3, the v2m frame with GICv2. */
    vb->phandle_msi = 0;
    int msi = vb->cfg.gic_version == 3 ? VIRT_GIC_ITS : VIRT_GIC_V2M;
    if (vb->map[msi].size) {
        vb->phandle_msi = alloc_phandle(vb);
        char *m = xasprintf("%s/%s@%" PRIx64, n, msi == VIRT_GIC_ITS ? "its" : "v2m",
                            vb->map[msi].base);
        fdtb_add_node(f, m);
        fdtb_set_str(f, m, "compatible",
                     msi == VIRT_GIC_ITS ? "arm,gic-v3-its" : "arm,gic-v2m-frame");
        fdtb_set_empty(f, m, "msi-controller");
        if (msi == VIRT_GIC_ITS)
            fdtb_set_u32(f, m, "#msi-cells", 1);
        set_reg1(f, m, vb->map[msi].base, vb->map[msi].size);
        fdtb_set_u32(f, m, "phandle", vb->phandle_msi);
        free(m);
    }
    free(n);
}

static void fdt_pmu(VirtBoard *vb, Fdt *f)
{
    if (!vb->cpu.has_pmu)
        return;
    fdtb_add_node(f, "/pmu");
    fdtb_set_str(f, "/pmu", "compatible", "arm,armv8-pmuv3");
    set_irq(f, "/pmu", IRQ_TYPE_PPI, VIRT_PPI_PMU, ppi_flags(vb));
}

static void fdt_uart(VirtBoard *vb, Fdt *f, int region)
{
    static const char *const compat[] = {"arm,pl011", "arm,primecell", NULL};
    static const char *const clock_names[] = {"uartclk", "apb_pclk", NULL};
    uint32_t clocks[2] = {vb->phandle_clock, vb->phandle_clock};
    char *n = node_at("pl011", vb->map[region].base);
    fdtb_add_node(f, n);
    fdtb_set_strs(f, n, "compatible", compat);
    set_reg1(f, n, vb->map[region].base, vb->map[region].size);
    set_irq(f, n, IRQ_TYPE_SPI, (uint32_t)vb->map[region].spi, IRQ_LEVEL_HIGH);
    fdtb_set_cells(f, n, "clocks", clocks, 2);
    fdtb_set_strs(f, n, "clock-names", clock_names);
    if (region == VIRT_UART) {
        fdtb_set_str(f, "/chosen", "stdout-path", n);
    } else {
        set_secure_only(f, n);
        fdtb_set_str(f, "/secure-chosen", "stdout-path", n);
    }
    free(n);
}

static void fdt_secure_ram(VirtBoard *vb, Fdt *f)
{
    char *n = node_at("secram", vb->map[VIRT_SECURE_MEM].base);
    fdtb_add_node(f, n);
    fdtb_set_str(f, n, "device_type", "memory");
    set_reg1(f, n, vb->map[VIRT_SECURE_MEM].base, vb->map[VIRT_SECURE_MEM].size);
    set_secure_only(f, n);
    free(n);
}

static void fdt_apb_clock(VirtBoard *vb, Fdt *f, const char *n)
{
    fdtb_set_u32(f, n, "clocks", vb->phandle_clock);
    fdtb_set_str(f, n, "clock-names", "apb_pclk");
}

static void fdt_rtc(VirtBoard *vb, Fdt *f)
{
    static const char *const compat[] = {"arm,pl031", "arm,primecell", NULL};
    const VirtRegion *r = &vb->map[VIRT_RTC];
    char *n = node_at("pl031", r->base);
    fdtb_add_node(f, n);
    fdtb_set_strs(f, n, "compatible", compat);
    set_reg1(f, n, r->base, r->size);
    set_irq(f, n, IRQ_TYPE_SPI, (uint32_t)r->spi, IRQ_LEVEL_HIGH);
    fdt_apb_clock(vb, f, n);
    free(n);
}

static void fdt_pcie(VirtBoard *vb, Fdt *f)
{
    const VirtRegion *ecam = vb->map[VIRT_HIGH_PCIE_ECAM].size ? &vb->map[VIRT_HIGH_PCIE_ECAM]
                                                               : &vb->map[VIRT_PCIE_ECAM];
    const VirtRegion *mmio = &vb->map[VIRT_PCIE_MMIO], *pio = &vb->map[VIRT_PCIE_PIO];
    const VirtRegion *high = &vb->map[VIRT_HIGH_PCIE_MMIO];
    char *n = node_at("pcie", mmio->base);
    fdtb_add_node(f, n);
    fdtb_set_str(f, n, "compatible", "pci-host-ecam-generic");
    fdtb_set_str(f, n, "device_type", "pci");
    fdtb_set_u32(f, n, "#address-cells", 3);
    fdtb_set_u32(f, n, "#size-cells", 2);
    fdtb_set_u32(f, n, "linux,pci-domain", 0);
    uint32_t bus_range[2] = {0, (uint32_t)(ecam->size / MiB) - 1};
    fdtb_set_cells(f, n, "bus-range", bus_range, 2);
    fdtb_set_empty(f, n, "dma-coherent");
    if (vb->phandle_msi) {
        uint32_t msi_map[4] = {0, vb->phandle_msi, 0, 0x10000};
        fdtb_set_cells(f, n, "msi-map", msi_map, 4);
    }
    set_reg1(f, n, ecam->base, ecam->size);
    /* ranges: PCI address (3 cells: space, high, low), CPU address (2),
     * size (2), for the I/O, 32-bit and 64-bit memory windows. */
    uint32_t ranges[21];
    int nr = 0;
    const struct { uint32_t space; uint64_t pci; const VirtRegion *r; } win[3] = {
        {0x01000000, 0, pio},
        {0x02000000, mmio->base, mmio},
        {0x03000000, high->base, high},
    };
    for (int i = 0; i < 3; i++) {
        if (!win[i].r->size)
            continue;
        uint32_t e[7] = {win[i].space, (uint32_t)(win[i].pci >> 32), (uint32_t)win[i].pci,
                         (uint32_t)(win[i].r->base >> 32), (uint32_t)win[i].r->base,
                         (uint32_t)(win[i].r->size >> 32), (uint32_t)win[i].r->size};
        memcpy(ranges + nr, e, sizeof(e));
        nr += 7;
    }
    fdtb_set_cells(f, n, "ranges", ranges, nr);
    fdtb_set_u32(f, n, "#interrupt-cells", 1);
    /* INTx swizzle: slot s, pin p (1..4) goes to SPI base + (s + p - 1) % 4. */
    uint32_t map[4 * 4 * 10];
    int k = 0;
    for (uint32_t slot = 0; slot < 4; slot++) {
        for (uint32_t pin = 1; pin <= 4; pin++) {
            uint32_t e[10] = {slot << 11, 0, 0, pin, vb->phandle_gic, 0, 0, IRQ_TYPE_SPI,
                              (uint32_t)ecam->spi + (slot + pin - 1) % 4, IRQ_LEVEL_HIGH};
            memcpy(map + k, e, sizeof(e));
            k += 10;
        }
    }
    fdtb_set_cells(f, n, "interrupt-map", map, k);
    uint32_t mask[4] = {3 << 11, 0, 0, 7};
    fdtb_set_cells(f, n, "interrupt-map-mask", mask, 4);
    free(n);
}

static void fdt_gpio(VirtBoard *vb, Fdt *f, int region)
{
    static const char *const compat[] = {"arm,pl061", "arm,primecell", NULL};
    const VirtRegion *r = &vb->map[region];
    uint32_t ph = alloc_phandle(vb);
    char *n = node_at("pl061", r->base);
    fdtb_add_node(f, n);
    set_reg1(f, n, r->base, r->size);
    fdtb_set_strs(f, n, "compatible", compat);
    fdtb_set_u32(f, n, "#gpio-cells", 2);
    fdtb_set_empty(f, n, "gpio-controller");
    set_irq(f, n, IRQ_TYPE_SPI, (uint32_t)r->spi, IRQ_LEVEL_HIGH);
    fdt_apb_clock(vb, f, n);
    fdtb_set_u32(f, n, "phandle", ph);
    if (region == VIRT_GPIO) {
        vb->phandle_gpio = ph;
        uint32_t gpios[3] = {ph, VIRT_POWER_KEY_LINE, 0};
        fdtb_add_node(f, "/gpio-keys");
        fdtb_set_str(f, "/gpio-keys", "compatible", "gpio-keys");
        fdtb_add_node(f, "/gpio-keys/poweroff");
        fdtb_set_str(f, "/gpio-keys/poweroff", "label", "GPIO Key Poweroff");
        fdtb_set_u32(f, "/gpio-keys/poweroff", "linux,code", KEY_POWER);
        fdtb_set_cells(f, "/gpio-keys/poweroff", "gpios", gpios, 3);
        free(n);
        return;
    }
    vb->phandle_secure_gpio = ph;
    set_secure_only(f, n);
    free(n);
    static const char *const names[2] = {"poweroff", "restart"};
    for (uint32_t line = 0; line < 2; line++) {
        char *g = xasprintf("/gpio-%s", names[line]);
        char *gcompat = xasprintf("gpio-%s", names[line]);
        uint32_t gpios[3] = {ph, line, 0};
        fdtb_add_node(f, g);
        fdtb_set_str(f, g, "compatible", gcompat);
        fdtb_set_cells(f, g, "gpios", gpios, 3);
        set_secure_only(f, g);
        free(gcompat);
        free(g);
    }
}

static void fdt_virtio_mmio(VirtBoard *vb, Fdt *f)
{
    /* From the highest address down, so they read back in address order. */
    for (int i = VIRT_NUM_VIRTIO_MMIO - 1; i >= 0; i--) {
        hwaddr base = vb->map[VIRT_MMIO].base + (hwaddr)i * VIRT_VIRTIO_MMIO_SIZE;
        char *n = node_at("virtio_mmio", base);
        fdtb_add_node(f, n);
        fdtb_set_str(f, n, "compatible", "virtio,mmio");
        set_reg1(f, n, base, VIRT_VIRTIO_MMIO_SIZE);
        set_irq(f, n, IRQ_TYPE_SPI, (uint32_t)(vb->map[VIRT_MMIO].spi + i), IRQ_EDGE_RISING);
        fdtb_set_empty(f, n, "dma-coherent");
        free(n);
    }
}

static void fdt_fw_cfg(VirtBoard *vb, Fdt *f)
{
    char *n = node_at("fw-cfg", vb->map[VIRT_FW_CFG].base);
    fdtb_add_node(f, n);
    fdtb_set_str(f, n, "compatible", "qemu,fw-cfg-mmio");
    set_reg1(f, n, vb->map[VIRT_FW_CFG].base, vb->map[VIRT_FW_CFG].size);
    fdtb_set_empty(f, n, "dma-coherent");
    free(n);
}

/* The bus QEMU offers dynamically created sysbus devices; ferry creates
 * none, so it stays empty. */
static void fdt_platform_bus(VirtBoard *vb, Fdt *f)
{
    static const char *const compat[] = {"qemu,platform", "simple-bus", NULL};
    const VirtRegion *r = &vb->map[VIRT_PLATFORM_BUS];
    char *n = node_at("platform-bus", r->base);
    uint32_t ranges[4] = {0, (uint32_t)(r->base >> 32), (uint32_t)r->base, (uint32_t)r->size};
    fdtb_add_node(f, n);
    fdtb_set_strs(f, n, "compatible", compat);
    fdtb_set_u32(f, n, "#size-cells", 1);
    fdtb_set_u32(f, n, "#address-cells", 1);
    fdtb_set_cells(f, n, "ranges", ranges, 4);
    fdtb_set_u32(f, n, "interrupt-parent", vb->phandle_gic);
    free(n);
}

/* The tree QEMU 7.2's virt builds, in its order. */
static int fdt_board(VirtBoard *vb, Fdt *f, Error **errp)
{
    vb->next_phandle = 0x8000;
    fdt_root(vb, f);
    fdtb_add_node(f, "/chosen");
    if (vb->cfg.dtb_randomness && add_randomness(f, "/chosen", errp) < 0)
        return -1;
    if (vb->cfg.secure) {
        fdtb_add_node(f, "/secure-chosen");
        if (vb->cfg.dtb_randomness && add_randomness(f, "/secure-chosen", errp) < 0)
            return -1;
    }
    fdt_clock(vb, f);
    fdt_timer(vb, f);
    fdt_cpus(vb, f);
    fdt_flash(vb, f);
    fdt_gic(vb, f);
    fdt_pmu(vb, f);
    fdt_uart(vb, f, VIRT_UART);
    if (vb->cfg.secure) {
        fdt_secure_ram(vb, f);
        fdt_uart(vb, f, VIRT_SECURE_UART);
    }
    fdt_rtc(vb, f);
    fdt_pcie(vb, f);
    fdt_gpio(vb, f, VIRT_GPIO);
    if (vb->cfg.secure)
        fdt_gpio(vb, f, VIRT_SECURE_GPIO);
    fdt_virtio_mmio(vb, f);
    fdt_fw_cfg(vb, f);
    fdt_platform_bus(vb, f);
    return 0;
}

/* ---- the boot properties, on our tree or the user's ---------------------------- */

static int fdt_boot(VirtBoard *vb, Fdt *f, Error **errp)
{
    const MachineConfig *c = &vb->m->cfg;
    char *what = vb->user_dtb ? xasprintf("-dtb %s", c->dtb) : xstrdup("virt");
    uint32_t acells = fdtb_get_u32(f, "/", "#address-cells", 2);
    uint32_t scells = fdtb_get_u32(f, "/", "#size-cells", 1);
    uint64_t ram = vb->map[VIRT_MEM].size, base = vb->map[VIRT_MEM].base;
    if (acells < 1 || acells > 2 || scells < 1 || scells > 2) {
        error_setg(errp, "%s: the root's #address-cells (%u) and #size-cells (%u) "
                   "must be 1 or 2", what, acells, scells);
        free(what);
        return -1;
    }
    if ((scells < 2 && ram >= 4 * GiB) || (acells < 2 && base + ram > 4 * GiB)) {
        error_setg(errp, "%s: the root's #address-cells/#size-cells cannot describe "
                   "%llu MiB of RAM", what, (unsigned long long)(ram / MiB));
        free(what);
        return -1;
    }
    free(what);
    /* Our memory node replaces the tree's memory nodes. */
    int off, again;
    do {
        again = 0;
        fdt_for_each_subnode(off, f->blob, 0) {
            const char *name = fdt_get_name(f->blob, off, NULL);
            if (name && (!strcmp(name, "memory") || !strncmp(name, "memory@", 7))) {
                fdt_nop_node(f->blob, off);
                again = 1;
                break;
            }
        }
    } while (again);
    char *mem = node_at("memory", base);
    uint64_t reg[2] = {base, ram};
    fdtb_add_node(f, mem);
    fdtb_set_str(f, mem, "device_type", "memory");
    fdtb_set_reg(f, mem, "reg", (int)acells, (int)scells, 1, reg);
    free(mem);

    if (!fdtb_exists(f, "/chosen"))
        fdtb_add_node(f, "/chosen");
    if (c->append && *c->append)
        fdtb_set_str(f, "/chosen", "bootargs", c->append);
    if (vb->initrd_size) {
        uint64_t start = vb->initrd_start, end = vb->initrd_start + vb->initrd_size;
        if (end <= UINT32_MAX) {
            fdtb_set_u32(f, "/chosen", "linux,initrd-start", (uint32_t)start);
            fdtb_set_u32(f, "/chosen", "linux,initrd-end", (uint32_t)end);
        } else {
            fdtb_set_u64(f, "/chosen", "linux,initrd-start", start);
            fdtb_set_u64(f, "/chosen", "linux,initrd-end", end);
        }
    }

    if (vb->psci != VIRT_PSCI_NONE) {
        static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci", NULL};
        fdtb_nop_node(f, "/psci"); /* ours replaces a tree's own */
        fdtb_add_node(f, "/psci");
        fdtb_set_strs(f, "/psci", "compatible", compat);
        fdtb_set_str(f, "/psci", "method", vb->psci == VIRT_PSCI_SMC ? "smc" : "hvc");
        fdtb_set_u32(f, "/psci", "cpu_suspend", PSCI_CPU_SUSPEND);
        fdtb_set_u32(f, "/psci", "cpu_off", PSCI_CPU_OFF);
        fdtb_set_u32(f, "/psci", "cpu_on", PSCI_CPU_ON);
        fdtb_set_u32(f, "/psci", "migrate", PSCI_MIGRATE);
    }
    return 0;
}

int virt_fdt_build(VirtBoard *vb, Error **errp)
{
    Fdt f;
    if (vb->user_dtb) {
        if (fdtb_init_from(&f, vb->user_dtb, vb->user_dtb_size, errp) < 0) {
            error_prepend(errp, "-dtb %s: ", vb->m->cfg.dtb);
            return -1;
        }
    } else {
        if (!vb->cpu.dt_compatible) {
            error_setg(errp, "virt: the CPU layer named no device-tree compatible");
            return -1;
        }
        fdtb_init_empty(&f);
        if (fdt_board(vb, &f, errp) < 0) {
            fdtb_free(&f);
            return -1;
        }
    }
    if (fdt_boot(vb, &f, errp) < 0 || fdtb_finish(&f, errp) < 0) {
        fdtb_free(&f);
        return -1;
    }
    free(vb->fdt);
    vb->fdt = f.blob;
    vb->fdt_size = fdt_totalsize(f.blob);
    free(f.err_where);
    return 0;
}

int virt_fdt_dump(VirtBoard *vb, const char *path, Error **errp)
{
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(vb->fdt, 1, vb->fdt_size, out) != vb->fdt_size) {
        error_setg_errno(errp, errno, "dumpdtb=%s: cannot write", path);
        if (out)
            fclose(out);
        return -1;
    }
    if (fclose(out) != 0) {
        error_setg_errno(errp, errno, "dumpdtb=%s: cannot write", path);
        return -1;
    }
    return 0;
}
