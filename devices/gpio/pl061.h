/*
 * pl061.h — the ARM PrimeCell GPIO (PL061), see pl061.c.
 */
#ifndef FERRY_DEVICES_GPIO_PL061_H
#define FERRY_DEVICES_GPIO_PL061_H

#include "core/device.h"
#include "core/irq.h"
#include "core/memory.h"

#define PL061_MMIO_SIZE 0x1000
#define PL061_NUM_LINES 8

/* Creates a PL061 at `base` in `parent`; `irq` receives GPIOINTR (the OR of
 * the enabled line interrupts; NULL: not wired). */
Device *pl061_create(MemoryRegion *parent, hwaddr base, IRQ *irq, Error **errp);
/* The pins as inputs: PL061_NUM_LINES lines the board drives with irq_set()
 * (a button, a key). Owned by the device. */
IRQ *pl061_inputs(Device *dev);
/* Connects pin `line` as an output: `out` follows the level the guest drives
 * on it (0 while the pin is an input). */
void pl061_connect_output(Device *dev, int line, IRQ *out);

#endif
