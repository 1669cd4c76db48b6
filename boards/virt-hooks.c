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
 *
 * Plugged in: the CPUs, the GIC and the PCIe host bridge
 * (boards/virt-cpu.c), kernel loading and start-up (boards/virt-boot.c).
 */
#include "boards/virt.h"

int virt_virtio_mmio_create(VirtBoard *vb, Error **errp)
{
    error_setg(errp, "virt: the virtio-mmio transport is not implemented yet");
    return -1;
}

