/*
 * toy_cpu.h — a tiny made-up guest for the translator's system tests
 * (test_tcg_cpu.c): 8 registers, 32-bit instructions, a toy MMU with a
 * large page and a remappable page, exceptions with a vector, an IRQ line,
 * and a halt instruction. It is a complete frontend in ~300 lines, and a
 * worked example of the CPUHooks interface.
 *
 * Instruction word: op[7:0] ra[11:8] rb[15:12] imm16[31:16] (rc = imm & 15)
 */
#ifndef FERRY_TESTS_TOY_CPU_H
#define FERRY_TESTS_TOY_CPU_H

#include "core/memory.h"
#include "tcg/cpu.h"
#include "tcg/tb.h"
#include "tcg/translator.h"

enum {
    T_LI = 1, T_ADD, T_ST, T_LD, T_BNZ, T_JR, T_HALT, T_ADDI, T_SHLI, T_STB, T_TRAP, T_LDW,
    T_STW, T_B, T_LUI, T_LDA, T_ERET,
    T_LIW,   /* 8 bytes: ra = the following 32-bit word (may straddle pages) */
};

enum {
    TOY_EXC_UNDEF = 1,
    TOY_EXC_PAGEFAULT = 2,
    TOY_EXC_ALIGN = 3,
    TOY_EXC_IRQ = 4,
    TOY_EXC_BUS = 5,      /* a bus error (transaction_failed) */
    TOY_EXC_TRAP = 16,    /* + trap number */
};

/* virtual layout */
#define TOY_RAM_SIZE 0x100000ull          /* RAM: phys 0, identity mapped */
#define TOY_MMIO_BASE 0x200000ull         /* device page, identity mapped */
#define TOY_LARGE_BASE 0x400000ull        /* 2 MiB page: first 1 MiB -> RAM at large_phys */
#define TOY_REMAP_VA 0x800000ull          /* one page -> env.remap */

typedef struct ToyEnv {
    uint64_t r[8];
    uint64_t pc;
    uint64_t vbar, epc, ecause, efar;
    uint64_t excount;
    uint64_t remap;       /* physical page behind TOY_REMAP_VA */
    uint64_t large_phys;  /* physical base behind TOY_LARGE_BASE */
    uint32_t irq_enable;
} ToyEnv;

typedef struct ToyCPU {
    CPUState cs;
    ToyEnv env;
} ToyCPU;



static inline uint32_t toy_insn(unsigned op, unsigned ra, unsigned rb, uint32_t imm)
{
    return op | (ra & 15) << 8 | (rb & 15) << 12 | (imm & 0xffff) << 16;
}

static inline ToyEnv *toy_env(CPUState *cpu)
{
    return &container_of(cpu, ToyCPU, cs)->env;
}

#endif
