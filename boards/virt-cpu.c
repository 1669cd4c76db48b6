/*
 * virt-cpu.c — the virt board's CPUs and interrupt controller (the
 * virt_cpus_create and virt_gic_create hooks of boards/virt.h), the PCIe
 * host bridge hook (a few lines around devices/pci/gpex.c), and the
 * machine's run control for its vCPUs (pause, resume, reset).
 *
 * As QEMU 7.2's virt (docs/system/arm/virt.rst and its device tree):
 * CPUs with MPIDR Aff0 counting within clusters of 8 (GICv2) or 16
 * (GICv3, = gicv3_default_affinity), EL3 with secure=on, EL2 with
 * virtualization=on; the GIC distributor at 0x08000000 with the GICv2
 * CPU interface at 0x08010000 and the v2m MSI frame at 0x08020000, or
 * the GICv3 redistributors at 0x080a0000 (and a second region above RAM
 * for more than 123 CPUs) and the ITS at 0x08080000; each CPU's IRQ and
 * FIQ from the GIC; the generic timer on PPIs 30 (EL1 physical),
 * 27 (virtual), 26 (EL2 physical), 29 (secure physical); 256 SPIs.
 * With a PSCI conduit every CPU but the first starts powered off. The
 * GICv2 virtualization frames (virtualization=on) read as zero: the
 * virtual CPU interface is not implemented.
 */
#include "boards/virt-arm.h"

#include "core/log.h"
#include "devices/pci/gpex.h"
#include "target/arm/semihosting.h"
#include "tcg/tb.h"

/* ---- run control --------------------------------------------------------------------- */

static void virt_cpus_pause(Machine *m)
{
    (void)m;
    vcpus_stop();
}

static void virt_cpus_resume(Machine *m)
{
    VirtArm *va = virt_arm(m->board);
    if (!va->vcpus_started) {
        va->vcpus_started = true;
        vcpus_start(0);
    } else {
        vcpus_resume();
    }
}

static void virt_cpus_reset(Machine *m)
{
    virt_boot_reset(m->board);
}

static const char *dt_compatible_of(const char *model)
{
    if (!strcmp(model, "cortex-a53"))
        return "arm,cortex-a53";
    if (!strcmp(model, "cortex-a57"))
        return "arm,cortex-a57";
    if (!strcmp(model, "cortex-a72"))
        return "arm,cortex-a72";
    return "arm,arm-v8";
}

int virt_cpus_create(VirtBoard *vb, Error **errp)
{
    Machine *m = vb->m;
    const CpuModel *cm = cpu_model_find("aarch64", vb->cpu_model);
    if (!cm) {
        error_setg(errp, "-cpu %s: unknown CPU model for aarch64 (see -cpu help)",
                   vb->cpu_model);
        return -1;
    }
    VirtArm *va = xzalloc(sizeof(*va));
    vb->arm = va;
    va->ncpus = vb->ncpus;
    va->cpus = xcalloc(vb->ncpus, sizeof(*va->cpus));
    AddressSpace *as = vb->secure_as ? vb->secure_as : m->as;
    ARMPsciConduit conduit = vb->psci == VIRT_PSCI_HVC ? ARM_PSCI_HVC
                             : vb->psci == VIRT_PSCI_SMC ? ARM_PSCI_SMC : ARM_PSCI_NONE;
    for (unsigned i = 0; i < vb->ncpus; i++) {
        ARMCPUConfig cfg = {
            .mpidr = vb->mpidr[i],
            .has_el2 = vb->cfg.virtualization,
            .has_el3 = vb->cfg.secure,
            .gic_sysregs = vb->cfg.gic_version == 3,
            .rvbar = vb->map[VIRT_FLASH].base,
            .machine = m,
        };
        ARMCPU *cpu = arm_cpu_create(cm, as, &cfg, errp);
        if (!cpu)
            return -1;
        va->cpus[i] = cpu;
        arm_cpu_set_loop(cpu, m->loop);
        arm_cpu_set_psci(cpu, conduit);
    }
    vb->cpu.dt_compatible = dt_compatible_of(cm->name);
    vb->cpu.has_pmu = arm_has(va->cpus[0], ARM_FEAT_PMU);
    arm_semihosting_enabled = m->cfg.semihosting;
    m->cpus_pause = virt_cpus_pause;
    m->cpus_resume = virt_cpus_resume;
    m->cpus_reset = virt_cpus_reset;
    return 0;
}

/* ---- the GIC ------------------------------------------------------------------------- */

#define VIRT_GIC_NUM_IRQ (GIC_INTERNAL + VIRT_NUM_SPIS)

/* GICv2 virtualization frames: not implemented, RAZ/WI (logged once). */
static uint64_t gich_read(void *opaque, hwaddr off, unsigned size)
{
    (void)size;
    static bool logged;
    if (!logged)
        qlog(LOG_UNIMP, "virt: %s (GICv2 virtualization extensions) at offset %#" PRIx64
             " read: not implemented, reads as zero\n", (const char *)opaque, (uint64_t)off);
    logged = true;
    return 0;
}

static void gich_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    (void)size;
    (void)v;
    qlog(LOG_UNIMP, "virt: %s (GICv2 virtualization extensions) at offset %#" PRIx64
         " written: not implemented, ignored\n", (const char *)opaque, (uint64_t)off);
}

static int create_gicv2(VirtBoard *vb, VirtArm *va, Error **errp)
{
    Machine *m = vb->m;
    GICv2 *g = gicv2_create((int)vb->ncpus, VIRT_GIC_NUM_IRQ, errp);
    if (!g)
        return -1;
    va->gicv2 = g;
    mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_DIST].base, g->dist_mr, 0);
    mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_CPU].base, g->cpu_mr, 0);
    if (vb->map[VIRT_GIC_V2M].size) {
        va->v2m = gicv2m_create(&g->lines, vb->map[VIRT_GIC_V2M].spi, VIRT_GICV2M_NUM_SPIS,
                                errp);
        if (!va->v2m)
            return -1;
        mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_V2M].base, va->v2m->mr, 0);
    }
    if (vb->map[VIRT_GIC_HYP].size) {
        /* The device tree names the virtualization frames; a hypervisor
         * probing them (KVM's vgic-v2) finds them reading as zero: one
         * list register, no virtual CPU interface behind it. */
        static const MemOps ops = { .read = gich_read, .write = gich_write, .min_size = 4,
                                    .max_size = 4 };
        MemoryRegion *h = mr_new_mmio("gic-hyp (not implemented)", vb->map[VIRT_GIC_HYP].size,
                                      &ops, "GICH");
        MemoryRegion *v = mr_new_mmio("gic-vcpu (not implemented)",
                                      vb->map[VIRT_GIC_VCPU].size, &ops, "GICV");
        mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_HYP].base, h, 0);
        mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_VCPU].base, v, 0);
    }
    return 0;
}

static int create_gicv3(VirtBoard *vb, VirtArm *va, Error **errp)
{
    Machine *m = vb->m;
    uint32_t *aff = xcalloc(vb->ncpus, sizeof(*aff));
    for (unsigned i = 0; i < vb->ncpus; i++) {
        uint64_t mp = vb->mpidr[i];
        aff[i] = (uint32_t)((mp >> 32) & 0xff) << 24 | (uint32_t)(mp & 0xffffff);
    }
    GICv3Config cfg = {
        .num_cpu = (int)vb->ncpus,
        .num_irq = VIRT_GIC_NUM_IRQ,
        .lpis = vb->map[VIRT_GIC_ITS].size != 0,
        .dma_as = m->as,
        .affinity = aff,
    };
    unsigned redist0 = (unsigned)(vb->map[VIRT_GIC_REDIST].size / VIRT_GICV3_REDIST_SIZE);
    if (vb->redist_regions == 2) {
        cfg.n_rdist_regions = 2;
        cfg.rdist_region_cpus[0] = (int)redist0;
        cfg.rdist_region_cpus[1] = (int)(vb->ncpus - redist0);
    }
    GICv3 *g = gicv3_create(&cfg, errp);
    free(aff);
    if (!g)
        return -1;
    va->gicv3 = g;
    mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_DIST].base, g->dist_mr, 0);
    mr_add_subregion(m->sysmem, vb->map[VIRT_GIC_REDIST].base, g->rdist_mr[0], 0);
    if (vb->redist_regions == 2)
        mr_add_subregion(m->sysmem, vb->map[VIRT_HIGH_GIC_REDIST2].base, g->rdist_mr[1], 0);
    if (vb->map[VIRT_GIC_ITS].size) {
        va->its = gicv3_its_create(g, m->as, errp);
        if (!va->its)
            return -1;
        gicv3_its_map(va->its, m->sysmem, vb->map[VIRT_GIC_ITS].base);
    }
    for (unsigned i = 0; i < vb->ncpus; i++)
        arm_cpu_set_gicv3(va->cpus[i], g, (int)i);
    return 0;
}

int virt_gic_create(VirtBoard *vb, Error **errp)
{
    VirtArm *va = virt_arm(vb);
    if (!va) {
        error_setg(errp, "virt: the GIC needs the CPUs first");
        return -1;
    }
    if ((vb->cfg.gic_version == 3 ? create_gicv3(vb, va, errp) : create_gicv2(vb, va, errp)) < 0)
        return -1;
    GicLines *lines = va->gicv3 ? &va->gicv3->lines : &va->gicv2->lines;
    for (unsigned i = 0; i < vb->ncpus; i++) {
        ARMCPU *cpu = va->cpus[i];
        IRQ *in = arm_cpu_inputs(cpu);
        gic_connect_cpu(lines, (int)i, &in[ARM_IN_IRQ], &in[ARM_IN_FIQ]);
        arm_cpu_connect_timers(cpu, gic_ppi_line(lines, (int)i, GIC_PPI_PHYS_TIMER),
                               gic_ppi_line(lines, (int)i, GIC_PPI_VIRT_TIMER),
                               gic_ppi_line(lines, (int)i, GIC_PPI_HYP_TIMER),
                               gic_ppi_line(lines, (int)i, GIC_PPI_SEC_PHYS_TIMER));
    }
    for (int s = 0; s < VIRT_NUM_SPIS; s++)
        vb->spi[s] = gic_spi_line(lines, s);
    return 0;
}

/* ---- PCIe ---------------------------------------------------------------------------- */

int virt_pcie_create(VirtBoard *vb, Error **errp)
{
    VirtArm *va = virt_arm(vb);
    bool high_ecam = vb->map[VIRT_HIGH_PCIE_ECAM].size != 0;
    int ecam = high_ecam ? VIRT_HIGH_PCIE_ECAM : VIRT_PCIE_ECAM;
    GpexConfig cfg = {
        .ecam_base = vb->map[ecam].base,
        .ecam_size = vb->map[ecam].size,
        .mmio_base = vb->map[VIRT_PCIE_MMIO].base,
        .mmio_size = vb->map[VIRT_PCIE_MMIO].size,
        .mmio_high_base = vb->map[VIRT_HIGH_PCIE_MMIO].base,
        .mmio_high_size = vb->map[VIRT_HIGH_PCIE_MMIO].size,
        .pio_base = vb->map[VIRT_PCIE_PIO].base,
        .pio_size = vb->map[VIRT_PCIE_PIO].size,
        .allow_zero_address = true,     /* no legacy devices: UEFI uses I/O 0 */
        .msi_sink = va && va->its ? gicv3_its_msi_sink : NULL,
        .msi_opaque = va ? va->its : NULL,
    };
    int spi = vb->map[VIRT_PCIE_ECAM].spi;
    IRQ *intx[VIRT_NUM_PCIE_INTX];
    for (int i = 0; i < VIRT_NUM_PCIE_INTX; i++)
        intx[i] = vb->spi[spi + i];
    return gpex_create(vb->m, &cfg, intx, errp) ? 0 : -1;
}
