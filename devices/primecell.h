/*
 * primecell.h — the identification registers every ARM PrimeCell peripheral
 * (PL011, PL031, PL061, ...) ends its 4 KiB register page with: four
 * peripheral ID bytes at 0xFE0-0xFEC (part number, designer 0x41 'A',
 * revision, configuration) and four PrimeCell ID bytes at 0xFF0-0xFFC
 * (0x0D, 0xF0, 0x05, 0xB1), each in the low byte of a 32-bit register, as
 * the PrimeCell technical reference manuals describe them. Linux's AMBA bus
 * reads them to match a driver.
 */
#ifndef FERRY_DEVICES_PRIMECELL_H
#define FERRY_DEVICES_PRIMECELL_H

#include "core/common.h"

#define PRIMECELL_ID_BASE 0xFE0
#define PRIMECELL_ID_END  0x1000

/* The PrimeCell ID bytes that follow the four peripheral ID bytes. */
#define PRIMECELL_CELL_ID 0x0D, 0xF0, 0x05, 0xB1

/* True (with *val set) when offset is one of the ID registers. */
static inline bool primecell_id_read(const uint8_t id[8], uint64_t offset, uint64_t *val)
{
    if (offset < PRIMECELL_ID_BASE || offset >= PRIMECELL_ID_END || (offset & 3))
        return false;
    *val = id[(offset - PRIMECELL_ID_BASE) >> 2];
    return true;
}

#endif
