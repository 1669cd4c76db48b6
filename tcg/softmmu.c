/*
 * softmmu.c — guest memory access for translated code. (Stage 3 fills this
 * in; until then guest memory ops abort loudly.)
 */
#include "tcg/ldst.h"

uint64_t tcg_helper_ld(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    (void)cpu; (void)addr; (void)oi; (void)ra;
    fprintf(stderr, "ferry: guest memory access: softmmu not implemented yet\n");
    abort();
}

void tcg_helper_st(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    (void)cpu; (void)addr; (void)val; (void)oi; (void)ra;
    fprintf(stderr, "ferry: guest memory access: softmmu not implemented yet\n");
    abort();
}
