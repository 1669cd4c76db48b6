/*
 * irq.c — allocation of interrupt lines (see irq.h).
 */
#include "core/irq.h"

IRQ *irq_new(IrqHandler *handler, void *opaque, int count)
{
    IRQ *lines = xcalloc(count, sizeof(IRQ));
    for (int i = 0; i < count; i++) {
        lines[i].handler = handler;
        lines[i].opaque = opaque;
        lines[i].n = i;
    }
    return lines;
}

void irq_free(IRQ *lines)
{
    free(lines);
}
