/*
 * memory_testdev.h — a recording MMIO device for the memory unit tests:
 * backed by a byte array, it logs every access the dispatcher hands it so
 * tests can check sizes, alignment, splitting and widening.
 */
#ifndef FERRY_TEST_MEMORY_TESTDEV_H
#define FERRY_TEST_MEMORY_TESTDEV_H

#include "core/memory.h"

typedef struct TAcc {
    bool write;
    uint64_t off;
    unsigned size;
    uint64_t val;
} TAcc;

typedef struct TDev {
    uint8_t regs[0x200];
    TAcc log[128];
    int n;
    int bad;    /* accesses outside regs: counted, asserted by the test */
} TDev;

static inline void tdev_record(TDev *d, bool w, uint64_t off, unsigned size,
                               uint64_t val)
{
    if (d->n < (int)ARRAY_SIZE(d->log))
        d->log[d->n] = (TAcc){w, off, size, val};
    d->n++;
}

static inline uint64_t tdev_read(void *opaque, hwaddr off, unsigned size)
{
    TDev *d = opaque;
    uint64_t v = 0;
    if (off >= sizeof(d->regs) || size > sizeof(d->regs) - off) {
        d->bad++;
        return 0;
    }
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)d->regs[off + i] << (8 * i);
    tdev_record(d, false, off, size, v);
    return v;
}

static inline void tdev_write(void *opaque, hwaddr off, uint64_t v,
                              unsigned size)
{
    TDev *d = opaque;
    if (off >= sizeof(d->regs) || size > sizeof(d->regs) - off) {
        d->bad++;
        return;
    }
    for (unsigned i = 0; i < size; i++)
        d->regs[off + i] = (uint8_t)(v >> (8 * i));
    tdev_record(d, true, off, size, v);
}

#endif
