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
 * Plugged in: the virtio-mmio transports (here); the CPUs, the GIC and the
 * PCIe host bridge (boards/virt-cpu.c), kernel loading and start-up
 * (boards/virt-boot.c).
 */
#include "boards/virt.h"
#include "devices/virtio/virtio-mmio.h"

/* QEMU 7.2's virt: 32 transports from 0x0a000000 on SPIs 16..47, in the
 * legacy (version 1) register layout by default (its force-legacy=true). */
int virt_virtio_mmio_create(VirtBoard *vb, Error **errp)
{
    const VirtRegion *r = &vb->map[VIRT_MMIO];
    IRQ *irqs[VIRT_NUM_VIRTIO_MMIO];
    for (int i = 0; i < VIRT_NUM_VIRTIO_MMIO; i++)
        irqs[i] = vb->spi[r->spi + i];
    return virtio_mmio_create_bank(vb->m, vb->m->sysmem, r->base, VIRT_NUM_VIRTIO_MMIO, irqs,
                                   true, errp);
}

