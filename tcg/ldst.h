/*
 * ldst.h — the softmmu entry points generated code and the interpreter
 * call for guest memory (tcg/softmmu.c). They do the whole access: TLB
 * lookup, refill through the target's tlb_fill, RAM or MMIO, alignment
 * checks, page-crossing splits, code-page write detection. `ra` is the
 * host return address inside the translated block (or the interpreter's
 * position), used to restore guest state if the access faults.
 *
 * Loads return the value zero- or sign-extended to 64 bits per the MemOp.
 */
#ifndef FERRY_TCG_LDST_H
#define FERRY_TCG_LDST_H

#include "tcg/ir.h"

typedef struct CPUState CPUState;

uint64_t tcg_helper_ld(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra);
void tcg_helper_st(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra);

#endif
