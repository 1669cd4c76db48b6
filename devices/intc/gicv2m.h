/*
 * gicv2m.h — the GICv2m MSI frame: a 4 KiB register frame that turns a
 * write of an INTID to MSI_SETSPI_NS into an edge on that SPI. Arm Server
 * Base System Architecture (ARM DEN 0029), appendix "GICv2m"; Linux's
 * irq-gic-v2m.c reads MSI_TYPER for the SPI range.
 *
 * On QEMU's virt the frame sits at 0x08020000 and owns 64 SPIs starting at
 * SPI 48 (INTID 80). It works with GICv2 and, where the ITS is off, with
 * GICv3 (see README.md for what QEMU does). PCI MSI needs nothing more: a
 * PCI device's MSI write is a memory write to the frame, which the PCI core
 * sends through the bus's DMA address space when no MSI sink claims it.
 */
#ifndef FERRY_DEVICES_INTC_GICV2M_H
#define FERRY_DEVICES_INTC_GICV2M_H

#include "core/device.h"
#include "core/memory.h"
#include "devices/intc/gic.h"

#define GICV2M_SIZE          0x1000
#define GICV2M_MSI_SETSPI_NS 0x040

typedef struct GICv2m {
    Device dev;
    uint32_t first_spi, num_spi;   /* SPI numbers: INTID = 32 + spi */
    IRQ **lines;                   /* [num_spi] */
    MemoryRegion *mr;
} GICv2m;

/* A frame raising SPIs first_spi .. first_spi + num_spi - 1 of gic (a
 * GICv2's or GICv3's lines). Map v2m->mr where the board wants it. */
GICv2m *gicv2m_create(GicLines *gic, int first_spi, int num_spi, Error **errp);

#endif
