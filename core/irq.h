/*
 * irq.h — an interrupt line. A device holds IRQ pointers given by the board
 * and drives them with irq_set(); an interrupt controller creates its inputs
 * with irq_new() naming the handler that takes the level. One abstraction
 * for wires, GIC SPIs, PCI INTx, and CPU IRQ/FIQ inputs.
 */
#ifndef FERRY_IRQ_H
#define FERRY_IRQ_H

#include "core/common.h"

typedef void IrqHandler(void *opaque, int n, int level);

typedef struct IRQ {
    IrqHandler *handler;
    void *opaque;
    int n;
} IRQ;

/* count lines n = 0..count-1 that call handler(opaque, n, level). */
IRQ *irq_new(IrqHandler *handler, void *opaque, int count);
void irq_free(IRQ *lines);

static inline void irq_set(IRQ *irq, int level)
{
    if (irq && irq->handler)
        irq->handler(irq->opaque, irq->n, level);
}
static inline void irq_raise(IRQ *irq) { irq_set(irq, 1); }
static inline void irq_lower(IRQ *irq) { irq_set(irq, 0); }
static inline void irq_pulse(IRQ *irq) { irq_set(irq, 1); irq_set(irq, 0); }

#endif
