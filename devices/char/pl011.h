/*
 * pl011.h — the ARM PrimeCell UART (PL011), see pl011.c.
 */
#ifndef FERRY_DEVICES_CHAR_PL011_H
#define FERRY_DEVICES_CHAR_PL011_H

#include "core/chardev.h"
#include "core/device.h"
#include "core/irq.h"
#include "core/memory.h"

#define PL011_MMIO_SIZE 0x1000
/* UARTCLK: the clock the baud-rate divisors divide. The virt board's device
 * tree names one 24 MHz clock ("apb-pclk") for both UARTCLK and PCLK. */
#define PL011_UARTCLK_HZ 24000000

/*
 * Creates a PL011 and maps its 4 KiB register page at `base` in `parent`.
 * `irq` receives the combined interrupt (UARTINTR); `chr` is the backend
 * (NULL: output is discarded and nothing is received). `loop` runs the
 * receive-timeout timer.
 */
Device *pl011_create(Loop *loop, MemoryRegion *parent, hwaddr base, IRQ *irq,
                     Chardev *chr, Error **errp);

#endif
