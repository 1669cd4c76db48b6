/*
 * gic.c — the wiring shared by the GICv2 and GICv3 models (see gic.h):
 * input-line numbering and the per-CPU IRQ/FIQ outputs.
 */
#include "devices/intc/gic.h"

void gic_lines_init(GicLines *l, int num_cpu, int num_irq,
                    IrqHandler *handler, void *opaque)
{
    l->num_cpu = num_cpu;
    l->num_irq = num_irq;
    l->in = irq_new(handler, opaque, num_irq - GIC_INTERNAL + num_cpu * GIC_INTERNAL);
    l->irq_out = xcalloc(num_cpu, sizeof(*l->irq_out));
    l->fiq_out = xcalloc(num_cpu, sizeof(*l->fiq_out));
    l->out_level = xcalloc(num_cpu, 1);
}

void gic_lines_free(GicLines *l)
{
    irq_free(l->in);
    free(l->irq_out);
    free(l->fiq_out);
    free(l->out_level);
    memset(l, 0, sizeof(*l));
}

IRQ *gic_spi_line(GicLines *l, int spi)
{
    if (spi < 0 || spi >= l->num_irq - GIC_INTERNAL)
        return NULL;
    return &l->in[spi];
}

IRQ *gic_ppi_line(GicLines *l, int cpu, int intid)
{
    if (cpu < 0 || cpu >= l->num_cpu || intid < GIC_NR_SGI || intid >= GIC_INTERNAL)
        return NULL;
    return &l->in[l->num_irq - GIC_INTERNAL + cpu * GIC_INTERNAL + intid];
}

void gic_connect_cpu(GicLines *l, int cpu, IRQ *irq, IRQ *fiq)
{
    if (cpu < 0 || cpu >= l->num_cpu)
        return;
    l->irq_out[cpu] = irq;
    l->fiq_out[cpu] = fiq;
    /* Force the next drive to set both lines. */
    l->out_level[cpu] = 0x80;
}

void gic_lines_drive(GicLines *l, int cpu, bool irq, bool fiq)
{
    uint8_t now = (uint8_t)(irq | fiq << 1), old = l->out_level[cpu];
    bool force = old & 0x80;    /* just connected: drive both */
    if (now == old)
        return;
    l->out_level[cpu] = now;
    if (force || ((old ^ now) & 1))
        irq_set(l->irq_out[cpu], irq);
    if (force || ((old ^ now) & 2))
        irq_set(l->fiq_out[cpu], fiq);
}
