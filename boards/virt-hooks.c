/*
 * virt-hooks.c — where the virt board's pieces built elsewhere plug in:
 * the CPUs (target/arm), the GIC (devices/intc), the virtio-mmio transports
 * (devices/virtio), the PCIe host bridge (devices/pci) and the kernel loader
 * (firmware/). boards/virt.h says what each hook receives and must do.
 *
 * Until a piece exists its hook refuses with "... is not implemented yet",
 * so -M virt stops with an honest message instead of running half a
 * machine. Plugging a piece in is replacing its function body here with a
 * call into that piece (or moving the function to the piece's file and
 * deleting it here).
 */
#include "boards/virt.h"

int virt_cpus_create(VirtBoard *vb, Error **errp)
{
    error_setg(errp, "virt: the aarch64 CPU is not implemented yet");
    return -1;
}

int virt_gic_create(VirtBoard *vb, Error **errp)
{
    error_setg(errp, "virt: the GIC (gic-version=%d) is not implemented yet",
               vb->cfg.gic_version);
    return -1;
}

int virt_virtio_mmio_create(VirtBoard *vb, Error **errp)
{
    error_setg(errp, "virt: the virtio-mmio transport is not implemented yet");
    return -1;
}

int virt_pcie_create(VirtBoard *vb, Error **errp)
{
    error_setg(errp, "virt: the PCIe host bridge is not implemented yet");
    return -1;
}

int virt_boot_load(VirtBoard *vb, Error **errp)
{
    const MachineConfig *c = &vb->m->cfg;
    if (c->kernel && !vb->firmware) {
        error_setg(errp, "virt: loading -kernel %s is not implemented yet", c->kernel);
        return -1;
    }
    return 0;
}

int virt_boot_start(VirtBoard *vb, Error **errp)
{
    error_setg(errp, "virt: starting the CPUs (placing the device tree, the boot stub) is "
               "not implemented yet");
    return -1;
}
