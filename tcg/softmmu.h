/*
 * softmmu.h — softmmu services for the rest of tcg/ (not for frontends:
 * they use tcg/cpu.h).
 */
#ifndef FERRY_TCG_SOFTMMU_H
#define FERRY_TCG_SOFTMMU_H

#include "tcg/cpu.h"

/* Instruction fetch: host pointer and ram_addr of the page holding vaddr
 * (page-aligned results). With probe, a fault returns false; without, it
 * raises. Code in MMIO is not supported (fails loudly). */
bool tlb_code_page(CPUState *cpu, uint64_t vaddr, int mmu_idx, bool probe, const uint8_t **host,
                   ram_addr_t *ram);
/* A page now holds translated code: make every CPU's writes to it take
 * the slow path. */
void tlb_protect_code(ram_addr_t page);
/* Set up a CPU's TLB (all entries invalid). */
void tlb_init(CPUState *cpu);
/* Flush everything now, on this thread (the CPU must not be running). */
void tlb_flush_local(CPUState *cpu);
/* Listen to the CPU's address space for topology changes. */
void tlb_register_listener(CPUState *cpu);
void tlb_unregister_listener(CPUState *cpu);

#endif
