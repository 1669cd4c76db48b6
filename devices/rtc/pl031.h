/*
 * pl031.h — the ARM PrimeCell Real Time Clock (PL031), see pl031.c.
 */
#ifndef FERRY_DEVICES_RTC_PL031_H
#define FERRY_DEVICES_RTC_PL031_H

#include "core/device.h"
#include "core/irq.h"
#include "core/loop.h"
#include "core/memory.h"

#define PL031_MMIO_SIZE 0x1000

/* Creates a PL031 at `base` in `parent`; `irq` receives RTCINTR. The
 * counter starts from the host's wall clock (CLK_HOST) at every reset and
 * advances with the virtual clock of `loop`. */
Device *pl031_create(Loop *loop, MemoryRegion *parent, hwaddr base, IRQ *irq, Error **errp);

#endif
