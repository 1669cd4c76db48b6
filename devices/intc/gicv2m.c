/*
 * gicv2m.c — the GICv2m MSI frame (Arm SBSA, ARM DEN 0029, "GICv2m"
 * appendix): MSI_TYPER reports the SPI range, a 32-bit write of an INTID in
 * that range to MSI_SETSPI_NS pulses the SPI (Linux configures those SPIs
 * edge-triggered). Writes outside the range are logged and dropped, as the
 * spec leaves them without effect. Runs with the device lock held.
 */
#include "devices/intc/gicv2m.h"

#include "core/log.h"

#define MSI_TYPER   0x008
#define MSI_IIDR    0xfcc

static uint64_t v2m_read(void *opaque, hwaddr off, unsigned size)
{
    GICv2m *v = opaque;
    if (size != 4) {
        qlog(LOG_GUEST_ERROR, "gicv2m: %u-byte read at 0x%" PRIx64 " (word only)\n", size, off);
        return 0;
    }
    switch (off) {
    case MSI_TYPER:
        return (GIC_INTERNAL + v->first_spi) << 16 | v->num_spi;
    case MSI_IIDR:
        return 0;   /* no quirks: Linux looks this up for two vendors */
    case GICV2M_MSI_SETSPI_NS:
        qlog(LOG_GUEST_ERROR, "gicv2m: read of write-only MSI_SETSPI_NS\n");
        return 0;
    }
    qlog(LOG_GUEST_ERROR, "gicv2m: read of reserved offset 0x%" PRIx64 "\n", off);
    return 0;
}

static void v2m_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    GICv2m *v = opaque;
    if (off != GICV2M_MSI_SETSPI_NS) {
        qlog(LOG_GUEST_ERROR, "gicv2m: write of 0x%" PRIx64 " to %s offset 0x%" PRIx64 "\n",
             val, off == MSI_TYPER || off == MSI_IIDR ? "read-only" : "reserved", off);
        return;
    }
    /* The spec asks for 32-bit writes; take 16-bit ones as Linux's MSI
     * data is the INTID either way. */
    uint32_t intid = (uint32_t)val & 0x3ff;
    if (size == 1 || intid < GIC_INTERNAL + v->first_spi ||
        intid >= GIC_INTERNAL + v->first_spi + v->num_spi) {
        qlog(LOG_GUEST_ERROR, "gicv2m: MSI_SETSPI_NS write of %u (size %u) outside SPIs "
             "%u..%u; dropped\n", intid, size, GIC_INTERNAL + v->first_spi,
             GIC_INTERNAL + v->first_spi + v->num_spi - 1);
        return;
    }
    irq_pulse(v->lines[intid - GIC_INTERNAL - v->first_spi]);
}

static const MemOps v2m_ops = {
    .read = v2m_read, .write = v2m_write, .min_size = 1, .max_size = 4,
};

static int v2m_realize(Device *dev, Error **errp)
{
    GICv2m *v = (GICv2m *)dev;
    v->mr = mr_new_mmio("gicv2m", GICV2M_SIZE, &v2m_ops, v);
    return 0;
}

DEVICE_TYPE(gicv2m_type,
    .name = "arm-gicv2m",
    .desc = "GICv2m MSI frame",
    .category = "system",
    .instance_size = sizeof(GICv2m),
    .realize = v2m_realize)

GICv2m *gicv2m_create(GicLines *gic, int first_spi, int num_spi, Error **errp)
{
    if (num_spi < 1 || num_spi > 1023 || first_spi < 0 ||
        first_spi + num_spi > gic->num_irq - GIC_INTERNAL) {
        error_setg(errp, "arm-gicv2m: SPIs %d..%d are not all lines of the GIC (it has %d SPIs)",
                   first_spi, first_spi + num_spi - 1, gic->num_irq - GIC_INTERNAL);
        return NULL;
    }
    Device *dev = device_new("arm-gicv2m", errp);
    if (!dev)
        return NULL;
    GICv2m *v = (GICv2m *)dev;
    v->first_spi = (uint32_t)first_spi;
    v->num_spi = (uint32_t)num_spi;
    v->lines = xcalloc((size_t)num_spi, sizeof(*v->lines));
    for (int i = 0; i < num_spi; i++)
        v->lines[i] = gic_spi_line(gic, first_spi + i);
    if (device_realize(dev, NULL, errp) < 0) {
        free(v->lines);
        device_free(dev);
        return NULL;
    }
    return v;
}
