/*
 * virt.c — the aarch64 "virt" machine (-M virt, alias virt-7.2): QEMU
 * 7.2's virt board, with its memory map, interrupt numbers, devices and
 * device tree, so kernels, device trees and how-tos written for QEMU's virt
 * work unchanged. Facts from QEMU's documentation (docs/system/arm/virt.rst)
 * and from the device trees qemu-system-aarch64 7.2 generates (the oracle
 * test in tests/oracle/virt-dtb.sh compares ours with them).
 *
 * Building the machine (virt_init):
 *   virt_prepare        -machine keys, checks, memory map, topology, PSCI
 *   virt_create_memory  RAM, flash (+ -bios), the secure view
 *   virt_cpus_create    hook: target/arm
 *   virt_gic_create     hook: devices/intc; fills the SPI lines
 *   virt_create_devices the device table below (two entries are hooks)
 *   virt_boot_load      hook: firmware/ loads -kernel/-initrd
 *   virt_fdt_build      the device tree (virt-fdt.c); dumpdtb= exits here
 *   virt_boot_start     hook: firmware/ places the tree, starts the CPUs
 * The hooks' placeholders (virt-hooks.c) fail with "... is not implemented
 * yet": until those pieces land, -M virt stops there with that message.
 */
#include "boards/virt.h"

#include <libfdt.h>
#include <zlib.h>

#include "core/chardev.h"
#include "core/log.h"
#include "devices/char/pl011.h"
#include "devices/flash/cfi-flash.h"
#include "devices/gpio/pl061.h"
#include "devices/rtc/pl031.h"

/* ---- the memory map: QEMU 7.2's virt ------------------------------------------ */

const VirtRegion virt_memmap[VIRT__REGIONS] = {
    /*                        base          size          SPI */
    [VIRT_FLASH] =          {0x00000000, 0x08000000,  -1},
    [VIRT_CPUPERIPHS] =     {0x08000000, 0x00020000,  -1},
    [VIRT_GIC_DIST] =       {0x08000000, 0x00010000,  -1},
    [VIRT_GIC_CPU] =        {0x08010000, 0x00010000,  -1},
    [VIRT_GIC_V2M] =        {0x08020000, 0x00001000,  48}, /* 64 SPIs for MSIs */
    [VIRT_GIC_HYP] =        {0x08030000, 0x00010000,  -1},
    [VIRT_GIC_VCPU] =       {0x08040000, 0x00010000,  -1},
    [VIRT_GIC_ITS] =        {0x08080000, 0x00020000,  -1},
    [VIRT_GIC_REDIST] =     {0x080A0000, 0x00F60000,  -1},
    [VIRT_UART] =           {0x09000000, 0x00001000,   1},
    [VIRT_RTC] =            {0x09010000, 0x00001000,   2},
    [VIRT_FW_CFG] =         {0x09020000, 0x00000018,  -1},
    [VIRT_GPIO] =           {0x09030000, 0x00001000,   7},
    [VIRT_SECURE_UART] =    {0x09040000, 0x00001000,   8},
    [VIRT_SECURE_GPIO] =    {0x090B0000, 0x00001000,   0}, /* QEMU 7.2 wires SPI 0 */
    [VIRT_MMIO] =           {0x0A000000, 0x00004000,  16}, /* 32 x 0x200, SPIs 16..47 */
    [VIRT_PLATFORM_BUS] =   {0x0C000000, 0x02000000, 112},
    [VIRT_SECURE_MEM] =     {0x0E000000, 0x01000000,  -1},
    [VIRT_PCIE_MMIO] =      {0x10000000, 0x2EFF0000,  -1},
    [VIRT_PCIE_PIO] =       {0x3EFF0000, 0x00010000,  -1},
    [VIRT_PCIE_ECAM] =      {0x3F000000, 0x01000000,   3}, /* INTA..D: SPIs 3..6 */
    [VIRT_MEM] =            {0x40000000, 255 * GiB,   -1},
    /* placed by virt_prepare() from 256 GiB up, each aligned to its size */
    [VIRT_HIGH_GIC_REDIST2] = {0,        64 * MiB,    -1},
    [VIRT_HIGH_PCIE_ECAM] =   {0,        256 * MiB,    3},
    [VIRT_HIGH_PCIE_MMIO] =   {0,        512 * GiB,   -1},
};

/* The high regions never start below 256 GiB (RAM may reach 255 GiB). */
#define VIRT_HIGH_BASE (256 * GiB)
#define VIRT_DEFAULT_CPU "cortex-a57"
#define VIRT_DEFAULT_RAM (128 * MiB)

static const char *const virt_props[] = {
    "gic-version", "highmem", "secure", "virtualization", "its", "iommu", "mte", "ras",
    "acpi", "dtb-randomness", "dtb-kaslr-seed", "dumpdtb", NULL,
};

/* ---- -machine virt,... ------------------------------------------------------ */

static int bad_value(Opts *o, const char *key, const char *value, const char *why,
                     Error **errp)
{
    error_setg(errp, "%s %s: %s=%s %s", o->option, o->text, key, value, why);
    return -1;
}

static int virt_parse_config(Opts *o, VirtConfig *cfg, Error **errp)
{
    *cfg = (VirtConfig){.gic_version = 2, .highmem = true, .its = true,
                        .dtb_randomness = true};
    if (!o)
        return 0;
    const char *v;
    if ((v = opts_get(o, "gic-version"))) {
        if (!strcmp(v, "2"))
            cfg->gic_version = 2;
        else if (!strcmp(v, "3") || !strcmp(v, "max"))
            cfg->gic_version = 3;
        else if (!strcmp(v, "host"))
            return bad_value(o, "gic-version", v, "needs KVM; ferry emulates the GIC "
                             "(valid: 2, 3, max)", errp);
        else if (!strcmp(v, "4"))
            return bad_value(o, "gic-version", v, "asks for a GICv4, which is not "
                             "implemented (valid: 2, 3, max)", errp);
        else
            return bad_value(o, "gic-version", v, "is not a GIC version (valid: 2, 3, max)",
                             errp);
    }
    bool mte, ras, kaslr;
    if (opts_get_bool(o, "highmem", true, &cfg->highmem, errp) < 0 ||
        opts_get_bool(o, "secure", false, &cfg->secure, errp) < 0 ||
        opts_get_bool(o, "virtualization", false, &cfg->virtualization, errp) < 0 ||
        opts_get_bool(o, "its", true, &cfg->its, errp) < 0 ||
        opts_get_bool(o, "mte", false, &mte, errp) < 0 ||
        opts_get_bool(o, "ras", false, &ras, errp) < 0 ||
        opts_get_bool(o, "dtb-kaslr-seed", true, &kaslr, errp) < 0 ||
        opts_get_bool(o, "dtb-randomness", kaslr, &cfg->dtb_randomness, errp) < 0)
        return -1;
    if (mte)
        return bad_value(o, "mte", "on", "needs the Memory Tagging Extension, which is "
                         "not implemented yet (valid: off)", errp);
    if (ras)
        return bad_value(o, "ras", "on", "needs KVM and ACPI to report host memory errors "
                         "(valid: off)", errp);
    if ((v = opts_get(o, "iommu")) && strcmp(v, "none"))
        return bad_value(o, "iommu", v, !strcmp(v, "smmuv3")
                         ? "needs an SMMUv3, which is not implemented yet (valid: none)"
                         : "is not an IOMMU type (valid: none)", errp);
    /* ACPI tables are not built: auto (the default) means none. */
    if ((v = opts_get(o, "acpi")) && strcmp(v, "off") && strcmp(v, "auto"))
        return bad_value(o, "acpi", v, !strcmp(v, "on")
                         ? "needs ACPI tables, which are not implemented yet (valid: off, auto)"
                         : "is not on, off or auto (valid: off, auto)", errp);
    if ((v = opts_get(o, "dumpdtb"))) {
        if (!*v)
            return bad_value(o, "dumpdtb", v, "needs a file name", errp);
        cfg->dumpdtb = v;
    }
    return opts_check_unused(o, virt_props, errp);
}

/* ---- checks and the layout -------------------------------------------------- */

static int virt_check_topology(VirtBoard *vb, Error **errp)
{
    const MachineConfig *c = &vb->m->cfg;
    vb->ncpus = c->smp_cpus ? c->smp_cpus : 1;
    vb->threads = c->smp_threads ? c->smp_threads : 1;
    vb->sockets = c->smp_sockets ? c->smp_sockets : 1;
    vb->clusters = 1;
    vb->cores = c->smp_cores ? c->smp_cores : vb->ncpus / (vb->sockets * vb->threads);
    if (!vb->cores || vb->sockets * vb->clusters * vb->cores * vb->threads != vb->ncpus) {
        error_setg(errp, "virt: -smp %u: sockets (%u) * cores (%u) * threads (%u) must "
                   "equal the number of CPUs", vb->ncpus, vb->sockets, vb->cores,
                   vb->threads);
        return -1;
    }
    unsigned max;
    if (vb->cfg.gic_version == 2) {
        max = VIRT_GICV2_MAX_CPUS;
    } else {
        max = (unsigned)(virt_memmap[VIRT_GIC_REDIST].size / VIRT_GICV3_REDIST_SIZE);
        if (vb->cfg.highmem)
            max += (unsigned)(virt_memmap[VIRT_HIGH_GIC_REDIST2].size /
                              VIRT_GICV3_REDIST_SIZE);
    }
    if (vb->ncpus > max) {
        if (vb->cfg.gic_version == 2)
            error_setg(errp, "virt: -smp %u: gic-version=2 supports at most %u CPUs (use "
                       "gic-version=3)", vb->ncpus, max);
        else
            error_setg(errp, "virt: -smp %u: the GICv3 redistributor space holds at most %u "
                       "CPUs%s", vb->ncpus, max, vb->cfg.highmem ? "" : " with highmem=off");
        return -1;
    }
    /* MPIDR: Aff0 counts within a cluster of 8 (the GICv2 target list) or
     * 16 (the GICv3 one), Aff1 numbers the clusters. */
    unsigned cluster = vb->cfg.gic_version == 2 ? 8 : 16;
    vb->mpidr = xcalloc(vb->ncpus, sizeof(*vb->mpidr));
    for (unsigned i = 0; i < vb->ncpus; i++)
        vb->mpidr[i] = (uint64_t)(i / cluster) << 8 | (i % cluster);
    return 0;
}

static void virt_layout(VirtBoard *vb)
{
    const VirtConfig *cfg = &vb->cfg;
    memcpy(vb->map, virt_memmap, sizeof(vb->map));
    vb->map[VIRT_MEM].size = vb->m->cfg.ram_size;
    hwaddr base = VIRT_HIGH_BASE;
    for (int i = VIRT_HIGH_GIC_REDIST2; i <= VIRT_HIGH_PCIE_MMIO; i++) {
        base = ALIGN_UP(base, vb->map[i].size);
        vb->map[i].base = base;
        base += vb->map[i].size;
    }
    /* What this configuration does not have gets size 0. */
    static const int v2_only[] = {VIRT_GIC_CPU, VIRT_GIC_V2M, VIRT_GIC_HYP, VIRT_GIC_VCPU};
    static const int v3_only[] = {VIRT_GIC_ITS, VIRT_GIC_REDIST, VIRT_HIGH_GIC_REDIST2};
    static const int secure_only[] = {VIRT_SECURE_UART, VIRT_SECURE_GPIO, VIRT_SECURE_MEM};
    for (size_t i = 0; i < ARRAY_SIZE(v2_only); i++)
        if (cfg->gic_version != 2)
            vb->map[v2_only[i]].size = 0;
    for (size_t i = 0; i < ARRAY_SIZE(v3_only); i++)
        if (cfg->gic_version != 3)
            vb->map[v3_only[i]].size = 0;
    for (size_t i = 0; i < ARRAY_SIZE(secure_only); i++)
        if (!cfg->secure)
            vb->map[secure_only[i]].size = 0;
    if (!cfg->virtualization)
        vb->map[VIRT_GIC_HYP].size = vb->map[VIRT_GIC_VCPU].size = 0;
    if (!cfg->its)
        vb->map[VIRT_GIC_ITS].size = 0;
    unsigned redist0 = (unsigned)(virt_memmap[VIRT_GIC_REDIST].size / VIRT_GICV3_REDIST_SIZE);
    vb->redist_regions = cfg->gic_version == 3 ? (vb->ncpus > redist0 ? 2 : 1) : 0;
    if (vb->redist_regions < 2)
        vb->map[VIRT_HIGH_GIC_REDIST2].size = 0;
    if (cfg->highmem) {
        vb->map[VIRT_PCIE_ECAM].size = 0; /* the high ECAM replaces it */
    } else {
        vb->map[VIRT_HIGH_PCIE_ECAM].size = 0;
        vb->map[VIRT_HIGH_PCIE_MMIO].size = 0;
    }
}

/* QEMU's rule: firmware with EL3 (secure=on and -bios) brings its own PSCI;
 * otherwise the conduit is SMC with EL2 and HVC without, and none when it
 * would trap to the EL the guest code itself starts in. */
static void virt_choose_psci(VirtBoard *vb)
{
    const MachineConfig *c = &vb->m->cfg;
    bool kernel_boot = c->kernel && !vb->firmware;
    if (kernel_boot)
        vb->boot_el = vb->cfg.virtualization ? 2 : 1;
    else
        vb->boot_el = vb->cfg.secure ? 3 : vb->cfg.virtualization ? 2 : 1;
    if (vb->cfg.secure && vb->firmware)
        vb->psci = VIRT_PSCI_NONE;
    else
        vb->psci = vb->cfg.virtualization ? VIRT_PSCI_SMC : VIRT_PSCI_HVC;
    if ((vb->psci == VIRT_PSCI_HVC && vb->boot_el >= 2) ||
        (vb->psci == VIRT_PSCI_SMC && vb->boot_el == 3))
        vb->psci = VIRT_PSCI_NONE;
}

/* Reads a whole file of at most `max` bytes. */
uint8_t *virt_load_file(const char *opt, const char *path, size_t max, size_t *len,
                          Error **errp)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        error_setg_errno(errp, errno, "%s %s: cannot read file", opt, path);
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                fclose(f);
                free(buf);
                error_setg(errp, "%s %s: too large (more than %zu bytes)", opt, path, max);
                return NULL;
            }
            cap = cap ? cap * 2 : 64 * KiB;
            buf = xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed || n > max) {
        free(buf);
        if (failed)
            error_setg(errp, "%s %s: read error", opt, path);
        else
            error_setg(errp, "%s %s: too large (more than %zu bytes)", opt, path, max);
        return NULL;
    }
    *len = n;
    return buf;
}

#define VIRT_MAX_DTB_SIZE (16 * MiB)

static int virt_load_user_dtb(VirtBoard *vb, Error **errp)
{
    const char *path = vb->m->cfg.dtb;
    /* The magic first, so that any file that is not a tree (a kernel
     * given by mistake, say) is called that, whatever its size. */
    uint8_t magic[4];
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t got = fread(magic, 1, sizeof(magic), f);
        fclose(f);
        uint32_t m = (uint32_t)magic[0] << 24 | (uint32_t)magic[1] << 16 |
                     (uint32_t)magic[2] << 8 | magic[3];    /* big-endian, as in the blob */
        if (got < sizeof(magic) || m != FDT_MAGIC) {
            error_setg(errp, "-dtb %s: not a device tree blob (%s)", path,
                       got < sizeof(magic) ? "shorter than a header" : "no FDT magic");
            return -1;
        }
    }
    size_t len;
    uint8_t *blob = virt_load_file("-dtb", path, VIRT_MAX_DTB_SIZE, &len, errp);
    if (!blob)
        return -1;
    int r = len < FDT_V1_SIZE ? -FDT_ERR_TRUNCATED : fdt_check_header(blob);
    if (!r && fdt_totalsize(blob) > len)
        r = -FDT_ERR_TRUNCATED;
    if (r) {
        error_setg(errp, "-dtb %s: not a device tree blob (%s)", path, fdt_strerror(r));
        free(blob);
        return -1;
    }
    vb->user_dtb = blob;
    vb->user_dtb_size = len;
    return 0;
}

VirtBoard *virt_prepare(Machine *m, Error **errp)
{
    VirtBoard *vb = xzalloc(sizeof(*vb));
    vb->m = m;
    m->board = vb;
    if (virt_parse_config(m->cfg.machine_opts, &vb->cfg, errp) < 0)
        return NULL;
    const MachineConfig *c = &m->cfg;
    if (!c->kernel && (c->initrd || c->append)) {
        error_setg(errp, "%s only allowed with -kernel (as in QEMU)",
                   c->initrd ? "-initrd" : "-append");
        return NULL;
    }
    vb->cpu_model = c->cpu_model ? c->cpu_model : VIRT_DEFAULT_CPU;
    uint64_t ram = c->ram_size;
    uint64_t ram_end = virt_memmap[VIRT_MEM].base + ram;
    if (!vb->cfg.highmem && ram_end > 4 * GiB) {
        error_setg(errp, "virt: -m %lluM: with highmem=off RAM must end below 4 GiB "
                   "(at most 3 GiB)", (unsigned long long)(ram / MiB));
        return NULL;
    }
    if (ram > virt_memmap[VIRT_MEM].size) {
        error_setg(errp, "virt: -m %lluM: at most 255 GiB of RAM",
                   (unsigned long long)(ram / MiB));
        return NULL;
    }
    if (virt_check_topology(vb, errp) < 0)
        return NULL;
    virt_layout(vb);
    vb->firmware = c->bios != NULL;
    virt_choose_psci(vb);
    if (c->dtb && virt_load_user_dtb(vb, errp) < 0)
        return NULL;
    vb->next_phandle = 0x8000;
    return vb;
}

/* ---- memory ------------------------------------------------------------------ */

int virt_create_memory(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    vb->ram = mr_new_ram("mach-virt.ram", vb->map[VIRT_MEM].size, errp);
    if (!vb->ram)
        return -1;
    mr_add_subregion(m->sysmem, vb->map[VIRT_MEM].base, vb->ram, 0);

    if (vb->cfg.secure) {
        /* The Secure world sees everything the Non-secure one does, plus its
         * own RAM, UART, GPIO and flash bank, which take precedence. */
        vb->secure_sysmem = mr_new_container("secure-memory", UINT64_MAX);
        MemoryRegion *all = mr_new_alias("secure-memory:system", m->sysmem, 0, UINT64_MAX);
        mr_add_subregion(vb->secure_sysmem, 0, all, -1000);
        vb->secure_ram = mr_new_ram("mach-virt.secure-ram", vb->map[VIRT_SECURE_MEM].size,
                                    errp);
        if (!vb->secure_ram)
            return -1;
        mr_add_subregion(vb->secure_sysmem, vb->map[VIRT_SECURE_MEM].base, vb->secure_ram, 0);
        vb->secure_as = as_new("secure-memory", vb->secure_sysmem);
    }

    /* Flash: two banks of CFI NOR flash, each two x16 chips on a 32-bit
     * bus (bank-width 4 in the tree) with 256 KiB erase blocks (UEFI for
     * virt assumes them); bank 0 is the Secure world's with secure=on.
     * -bios is loaded into bank 0; bank 1 starts erased to zeros (UEFI
     * formats its variable store there). Nothing is written back to a
     * file: there is no -drive if=pflash. */
    const CfiFlashConfig fc = {
        .size = VIRT_FLASH_BANK_SIZE, .bank_width = 4, .device_width = 2,
        .block_size = VIRT_FLASH_BLOCK_SIZE,
        .manufacturer = 0x89, .device_id = 0x1D,   /* Intel, 28F256J3 */
    };
    for (int i = 0; i < 2; i++) {
        MemoryRegion *into = (i == 0 && vb->cfg.secure) ? vb->secure_sysmem : m->sysmem;
        vb->flash_dev[i] = cfi_flash_create(into, vb->map[VIRT_FLASH].base +
                                            i * VIRT_FLASH_BANK_SIZE,
                                            i ? "virt.flash1" : "virt.flash0", &fc, errp);
        if (!vb->flash_dev[i])
            return -1;
        vb->flash[i] = cfi_flash_region(vb->flash_dev[i]);
    }
    if (m->cfg.bios) {
        size_t len;
        uint8_t *img = virt_load_file("-bios", m->cfg.bios, VIRT_FLASH_BANK_SIZE, &len, errp);
        if (!img)
            return -1;
        memcpy(cfi_flash_storage(vb->flash_dev[0]), img, len);
        free(img);
    }
    return 0;
}

/* ---- the devices ----------------------------------------------------------------- */

static IRQ *spi_line(VirtBoard *vb, int region)
{
    int spi = vb->map[region].spi;
    return spi >= 0 && spi < VIRT_NUM_SPIS ? vb->spi[spi] : NULL;
}

static int create_uart(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    vb->uart = pl011_create(m->loop, m->sysmem, vb->map[VIRT_UART].base,
                            spi_line(vb, VIRT_UART), m->cfg.serial[0], errp);
    return vb->uart ? 0 : -1;
}

static int create_secure_uart(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    vb->secure_uart = pl011_create(m->loop, vb->secure_sysmem,
                                   vb->map[VIRT_SECURE_UART].base,
                                   spi_line(vb, VIRT_SECURE_UART), m->cfg.serial[1], errp);
    return vb->secure_uart ? 0 : -1;
}

static int create_rtc(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    vb->rtc = pl031_create(m->loop, m->sysmem, vb->map[VIRT_RTC].base,
                           spi_line(vb, VIRT_RTC), errp);
    return vb->rtc ? 0 : -1;
}

static void power_key_release(void *opaque)
{
    VirtBoard *vb = opaque;
    irq_lower(vb->power_key);
}

/* The power button: the gpio-keys node says KEY_POWER on GPIO line 3,
 * active high. A press held for 100 ms of guest time lets the driver see
 * both edges and the level in between. */
void virt_powerdown(void *opaque)
{
    VirtBoard *vb = opaque;
    irq_raise(vb->power_key);
    timer_mod(vb->power_key_release,
              clock_get_ns(vb->m->loop, CLK_VIRTUAL) + 100 * 1000 * 1000);
}

static int create_gpio(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    vb->gpio = pl061_create(m->sysmem, vb->map[VIRT_GPIO].base, spi_line(vb, VIRT_GPIO),
                            errp);
    if (!vb->gpio)
        return -1;
    vb->power_key = &pl061_inputs(vb->gpio)[VIRT_POWER_KEY_LINE];
    vb->power_key_release = timer_new(m->loop, CLK_VIRTUAL, power_key_release, vb);
    return 0;
}

/* Secure firmware powers off or restarts through the secure GPIO's lines 0
 * and 1 (the gpio-poweroff and gpio-restart nodes), on a rising edge. */
static void secure_gpio_out(void *opaque, int n, int level)
{
    VirtBoard *vb = opaque;
    if (!level)
        return;
    if (n == 0)
        machine_request_shutdown(vb->m, 0);
    else
        machine_request_reset(vb->m);
}

static int create_secure_gpio(VirtBoard *vb, Error **errp)
{
    vb->secure_gpio = pl061_create(vb->secure_sysmem, vb->map[VIRT_SECURE_GPIO].base,
                                   spi_line(vb, VIRT_SECURE_GPIO), errp);
    if (!vb->secure_gpio)
        return -1;
    vb->secure_gpio_out = irq_new(secure_gpio_out, vb, 2);
    pl061_connect_output(vb->secure_gpio, 0, &vb->secure_gpio_out[0]);
    pl061_connect_output(vb->secure_gpio, 1, &vb->secure_gpio_out[1]);
    return 0;
}

/* A kernel image for the firmware, gunzipped as QEMU does (at most 256 MiB). */

uint8_t *virt_gunzip_if_needed(const char *path, uint8_t *buf, size_t *len, Error **errp)
{
    if (*len < 18 || buf[0] != 0x1F || buf[1] != 0x8B)
        return buf;
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        error_setg(errp, "-kernel %s: cannot start decompression", path);
        free(buf);
        return NULL;
    }
    size_t cap = MIN((size_t)VIRT_MAX_KERNEL, MAX(*len * 4, (size_t)MiB)), n = 0;
    uint8_t *out = xmalloc(cap);
    z.next_in = buf;
    z.avail_in = (uInt)MIN(*len, (size_t)UINT_MAX);
    int r;
    do {
        if (n == cap) {
            if (cap >= VIRT_MAX_KERNEL) {
                r = Z_MEM_ERROR;
                break;
            }
            cap = MIN(cap * 2, (size_t)VIRT_MAX_KERNEL);
            out = xrealloc(out, cap);
        }
        z.next_out = out + n;
        z.avail_out = (uInt)MIN(cap - n, (size_t)UINT_MAX);
        r = inflate(&z, Z_NO_FLUSH);
        n = (size_t)(z.next_out - out);
    } while (r == Z_OK);
    inflateEnd(&z);
    free(buf);
    if (r != Z_STREAM_END) {
        free(out);
        error_setg(errp, "-kernel %s: %s", path, r == Z_MEM_ERROR
                   ? "decompresses to more than 256 MiB" : "corrupt gzip data");
        return NULL;
    }
    *len = n;
    return out;
}

/* With -bios, firmware (UEFI) boots -kernel/-initrd/-append from fw_cfg,
 * as QEMU arranges it. Without -bios, firmware/ loads them into RAM. */
static int virt_fw_cfg_boot_items(VirtBoard *vb, Error **errp)
{
    const MachineConfig *c = &vb->m->cfg;
    if (!vb->firmware || !c->kernel)
        return 0;
    size_t len;
    uint8_t *k = virt_load_file("-kernel", c->kernel, VIRT_MAX_KERNEL, &len, errp);
    if (!k || !(k = virt_gunzip_if_needed(c->kernel, k, &len, errp)))
        return -1;
    fw_cfg_add_i32(vb->fw_cfg, FW_CFG_KERNEL_SIZE, (uint32_t)len);
    fw_cfg_add_bytes_take(vb->fw_cfg, FW_CFG_KERNEL_DATA, k, len);
    if (c->initrd) {
        uint8_t *i = virt_load_file("-initrd", c->initrd, UINT32_MAX, &len, errp);
        if (!i)
            return -1;
        fw_cfg_add_i32(vb->fw_cfg, FW_CFG_INITRD_SIZE, (uint32_t)len);
        fw_cfg_add_bytes_take(vb->fw_cfg, FW_CFG_INITRD_DATA, i, len);
    }
    const char *cmdline = c->append ? c->append : "";
    fw_cfg_add_i32(vb->fw_cfg, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(cmdline) + 1);
    fw_cfg_add_string(vb->fw_cfg, FW_CFG_CMDLINE_DATA, cmdline);
    return 0;
}

static int create_fw_cfg(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    vb->fw_cfg = fw_cfg_create_mmio(m->sysmem, vb->map[VIRT_FW_CFG].base, m->as, errp);
    if (!vb->fw_cfg)
        return -1;
    fw_cfg_add_i16(vb->fw_cfg, FW_CFG_NB_CPUS, (uint16_t)vb->ncpus);
    if (fw_cfg_add_user_items(vb->fw_cfg, m->cfg.fw_cfg, m->cfg.n_fw_cfg, errp) < 0)
        return -1;
    return virt_fw_cfg_boot_items(vb, errp);
}

/*
 * The board's devices, in the order they are made. Each is the region (and
 * so the base, size and SPI of virt_memmap) and the function that makes it;
 * the last two are hooks others fill in. Entries whose region this
 * configuration lacks (the secure ones without secure=on) are skipped.
 */
typedef struct VirtDevice {
    int region;
    const char *what;
    int (*create)(VirtBoard *vb, Error **errp);
} VirtDevice;

static const VirtDevice virt_devices[] = {
    {VIRT_UART, "PL011 UART", create_uart},
    {VIRT_SECURE_UART, "secure PL011 UART", create_secure_uart},
    {VIRT_RTC, "PL031 RTC", create_rtc},
    {VIRT_GPIO, "PL061 GPIO + power key", create_gpio},
    {VIRT_SECURE_GPIO, "secure PL061 GPIO", create_secure_gpio},
    {VIRT_FW_CFG, "fw_cfg", create_fw_cfg},
    {VIRT_MMIO, "32 virtio-mmio transports", virt_virtio_mmio_create},
    {VIRT_PCIE_MMIO, "PCIe host bridge", virt_pcie_create},
};

int virt_create_device(VirtBoard *vb, int region, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(virt_devices); i++)
        if (virt_devices[i].region == region)
            return vb->map[region].size ? virt_devices[i].create(vb, errp) : 0;
    error_setg(errp, "virt: no device at region %d", region);
    return -1;
}

int virt_create_devices(VirtBoard *vb, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(virt_devices); i++)
        if (vb->map[virt_devices[i].region].size &&
            virt_devices[i].create(vb, errp) < 0)
            return -1;
    return 0;
}

/* ---- the machine --------------------------------------------------------------- */

/* The command-line phase's check: virt_prepare() on a copy, then dropped. */
static int virt_check(const MachineConfig *cfg, Error **errp)
{
    Machine tmp = {.cfg = *cfg};
    if (!tmp.cfg.ram_size)
        tmp.cfg.ram_size = VIRT_DEFAULT_RAM;
    if (!tmp.cfg.smp_cpus)
        tmp.cfg.smp_cpus = 1;
    VirtBoard *vb = virt_prepare(&tmp, errp);
    if (tmp.board) {
        VirtBoard *b = tmp.board;
        free(b->mpidr);
        free(b->user_dtb);
        free(b);
    }
    return vb ? 0 : -1;
}

static int virt_init(Machine *m, Error **errp)
{
    VirtBoard *vb = virt_prepare(m, errp);
    if (!vb || virt_create_memory(vb, errp) < 0 || virt_cpus_create(vb, errp) < 0 ||
        virt_gic_create(vb, errp) < 0 || virt_create_devices(vb, errp) < 0 ||
        virt_boot_load(vb, errp) < 0 || virt_fdt_build(vb, errp) < 0)
        return -1;
    if (vb->cfg.dumpdtb) {
        if (virt_fdt_dump(vb, vb->cfg.dumpdtb, errp) < 0)
            return -1;
        info_report("dtb dumped to %s. Exiting.", vb->cfg.dumpdtb);
        exit_hooks_run();
        log_flush();
        exit(0);
    }
    if (virt_boot_start(vb, errp) < 0)
        return -1;
    machine_set_powerdown_handler(m, virt_powerdown, vb);
    return 0;
}

MACHINE_TYPE(machine_virt,
    .name = "virt",
    .alias = "virt-7.2",
    .desc = "QEMU 7.2 ARM Virtual Machine",
    .arch = "aarch64",
    .is_default = true,
    .default_cpu = VIRT_DEFAULT_CPU,
    .default_ram = VIRT_DEFAULT_RAM,
    .default_nic = "virtio-net-pci", /* QEMU's virt: -nic user,model=virtio-net-pci */
    .max_cpus = 512,
    .props = virt_props,
    .init = virt_init,
    .check = virt_check,
);
