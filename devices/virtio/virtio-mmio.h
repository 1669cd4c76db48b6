/*
 * virtio-mmio.h — the virtio-mmio transport (VIRTIO v1.2 §4.2): a 0x200-byte
 * register window and one interrupt line per transport, each with a
 * "virtio-bus" that one virtio device (`-device virtio-net-device`,
 * `-device virtio-rng-device`, ...) plugs into.
 *
 * For the board (boards/virt.c): one call makes QEMU's bank of transports.
 *
 *     IRQ *irqs[VIRT_NUM_VIRTIO_MMIO];
 *     for (int i = 0; i < VIRT_NUM_VIRTIO_MMIO; i++)
 *         irqs[i] = vb->spi[16 + i];                       // SPIs 16..47
 *     if (virtio_mmio_create_bank(m, m->sysmem, 0x0a000000, VIRT_NUM_VIRTIO_MMIO,
 *                                 irqs, true, errp) < 0)   // legacy: as QEMU 7.2
 *         return -1;
 *
 * Transport i sits at base + i * 0x200 and drives irqs[i]; its bus is
 * "virtio-mmio-bus.N" (N counts transports from the lowest address, as in
 * QEMU, across banks in creation order). `-device` fills the transports
 * from the HIGHEST address down when no bus= is given — QEMU's order on
 * virt (its buses are listed in reverse), so the first -device lands at
 * 0x0a003e00 / SPI 47 on both, and a guest enumerates the devices in the
 * same order on both.
 *
 * legacy: QEMU's virtio-mmio defaults to the legacy register layout
 * (Version 1, property force-legacy=true, which virt does not change); pass
 * true to match it, false for Version 2 (virtio 1.0+, which packed rings
 * and other modern features need). Both are implemented; the device tree
 * is the same ("virtio,mmio", reg, interrupts, dma-coherent).
 *
 * DMA (the rings and buffers) goes to m->as. An unused transport reads
 * DeviceID 0 (§4.2.3.1.1: the driver ignores it).
 */
#ifndef FERRY_DEVICES_VIRTIO_VIRTIO_MMIO_H
#define FERRY_DEVICES_VIRTIO_VIRTIO_MMIO_H

#include "core/irq.h"
#include "core/machine.h"

#define VIRTIO_MMIO_SIZE      0x200
#define VIRTIO_MMIO_BUS_TYPE  "virtio-bus"
#define VIRTIO_MMIO_VENDOR_ID 0x554d4551   /* "QEMU", what QEMU reports */

typedef struct VirtIOMMIO VirtIOMMIO;

/* count transports at base, base + 0x200, ...; irqs[i] for transport i. */
int virtio_mmio_create_bank(Machine *m, MemoryRegion *sysmem, hwaddr base, int count,
                            IRQ **irqs, bool legacy, Error **errp);
/* One transport at base in parent, DMA to dma_as. */
VirtIOMMIO *virtio_mmio_create(MemoryRegion *parent, hwaddr base, IRQ *irq, AddressSpace *dma_as,
                               bool legacy, Error **errp);
/* Its bus (to plug a board's own virtio device with device_realize). */
Bus *virtio_mmio_bus(VirtIOMMIO *t);

#endif
