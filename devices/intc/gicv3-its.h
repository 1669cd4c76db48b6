/*
 * gicv3-its.h — the GICv3 Interrupt Translation Service: turns an MSI
 * (DeviceID from the PCI requester ID, EventID from the data written to
 * GITS_TRANSLATER) into an LPI pending at a redistributor, through tables
 * the guest sets up with commands in a queue in its memory. ARM IHI 0069
 * chapter 6 (physical LPIs only: no GICv4 virtual LPIs).
 *
 * A board (QEMU's virt puts it at 0x08080000, 128 KiB):
 *
 *     GICv3ITS *its = gicv3_its_create(gic, m->as, &err);   // gic made with lpis = true
 *     gicv3_its_map(its, m->sysmem, 0x08080000);
 *     GpexConfig pcfg = { ..., .msi_sink = gicv3_its_msi_sink, .msi_opaque = its };
 *
 * Device tree: an "arm,gic-v3-its" node with msi-controller, and msi-map
 * (or msi-parent) on the PCIe host so that Linux uses it.
 */
#ifndef FERRY_DEVICES_INTC_GICV3_ITS_H
#define FERRY_DEVICES_INTC_GICV3_ITS_H

#include "devices/intc/gicv3.h"

#define GITS_SIZE            0x20000      /* control + translation frames */
#define GITS_TRANSLATER      0x10040
#define GITS_DEVBITS         16           /* DeviceIDs 0..65535 (PCI RIDs) */
#define GITS_EVENTBITS       16
#define GITS_ENTRY_SIZE      8            /* DTE, CTE and ITE sizes */

/* Why the last command or translation failed (ferry's own codes; the
 * architecture leaves reporting IMPLEMENTATION DEFINED). */
typedef enum ItsError {
    ITS_OK = 0,
    ITS_ERR_DEVICE_OOR,       /* DeviceID beyond Devbits or the device table */
    ITS_ERR_DEVICE_UNMAPPED,  /* no valid device table entry */
    ITS_ERR_ITT_SIZE,         /* MAPD size beyond the EventID bits */
    ITS_ERR_EVENT_OOR,        /* EventID beyond the device's ITT */
    ITS_ERR_EVENT_UNMAPPED,   /* no valid ITT entry */
    ITS_ERR_COLLECTION_OOR,   /* ICID beyond the collection table */
    ITS_ERR_COLLECTION_UNMAPPED,
    ITS_ERR_TARGET_OOR,       /* RDbase names no redistributor */
    ITS_ERR_LPI_OOR,          /* pINTID not an LPI the redistributors take */
    ITS_ERR_TABLE,            /* a table is not set up or not in RAM */
    ITS_ERR_COMMAND,          /* unknown or unsupported command */
    ITS_ERR_QUEUE,            /* command queue not in RAM / CWRITER beyond it */
    ITS_ERR_DISABLED,         /* translation while GITS_CTLR.Enabled is 0 */
} ItsError;

typedef struct GICv3ITS {
    Device dev;
    GICv3 *gic;
    AddressSpace *dma_as;          /* command queue and tables */
    MemoryRegion *mr;
    hwaddr base;                   /* where mapped (for the MSI sink) */
    bool mapped;
    uint32_t ctlr;                 /* GITS_CTLR.Enabled */
    uint64_t cbaser, cwriter, creadr;
    uint64_t baser[8];
    ItsError last_error;
    uint64_t errors;               /* count, for tests and debugging */
} GICv3ITS;

GICv3ITS *gicv3_its_create(GICv3 *gic, AddressSpace *dma_as, Error **errp);
/* Maps the ITS frames at base in parent and remembers the address. */
void gicv3_its_map(GICv3ITS *its, MemoryRegion *parent, hwaddr base);
/* The PCI MSI sink (PciMsiSinkFn): a message to this ITS's GITS_TRANSLATER
 * is translated with the requester ID as DeviceID; others are not taken. */
bool gicv3_its_msi_sink(void *opaque, uint64_t addr, uint32_t data, uint32_t requester_id);
/* Translates (devid, eventid) and makes the LPI pending; ITS_OK or why not. */
ItsError gicv3_its_translate(GICv3ITS *its, uint32_t devid, uint32_t eventid);

#endif
