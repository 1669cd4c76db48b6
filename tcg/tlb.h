/*
 * tlb.h — the softmmu TLB entry layout generated code reads directly.
 *
 * Per CPU and MMU index: a direct-mapped table of TLB_SIZE entries indexed
 * by virtual page number (fixed size, so generated code masks with an
 * immediate instead of loading a mask), in CPUState at a fixed offset from
 * env. An entry holds, per access kind, the page-aligned virtual address
 * it translates with flag bits below the page bits, and the addend that
 * turns a virtual address into a host pointer.
 *
 * Fast path (loads; stores use addr_write):
 *   e   = &table[mmu][(addr >> PAGE_BITS) & (TLB_SIZE - 1)]
 *   cmp = (addr + size - align) & (PAGE_MASK | (align - 1))   (align <= size)
 *   if (cmp == e->addr_read) value = *(addr + e->addend) else slow path
 * The alignment bits make a misaligned access miss; comparing the page of
 * the access's last aligned chunk makes a page-crossing access miss; any
 * flag bit makes the entry miss. Invalid entries are all ones.
 */
#ifndef FERRY_TCG_TLB_H
#define FERRY_TCG_TLB_H

#include "core/memory.h"

#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_ENTRY_BITS 5
#define TCG_MAX_MMU_MODES 16
#define TLB_VICTIMS 8

/* Flag bits in addr_read/addr_write/addr_code (below the page, above any
 * alignment bit a compare value can carry). */
#define TLB_INVALID   (1u << 11)
#define TLB_MMIO      (1u << 10)   /* device memory: go through as_*_uint */
#define TLB_NOTDIRTY  (1u << 9)    /* page holds translated code: writes invalidate */
#define TLB_FORCE_SLOW (1u << 8)   /* e.g. ROM: writes are ignored */
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_MMIO | TLB_NOTDIRTY | TLB_FORCE_SLOW)

typedef struct CPUTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;
} CPUTLBEntry;

_Static_assert(sizeof(CPUTLBEntry) == 1u << TLB_ENTRY_BITS, "TLB entry size");

#endif
