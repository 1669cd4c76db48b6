/*
 * translator.h — what a frontend's translate hook works with: the block
 * being built, guest code fetch through the instruction TLB, the block
 * limits, and the block-exit idioms.
 *
 * A typical translate hook:
 *
 *     void arm_translate(CPUState *cpu, TranslatorCtx *tc)
 *     {
 *         uint64_t pc = tc->pc_first;
 *         for (;;) {
 *             uint32_t insn;
 *             if (!translator_fetch(tc, pc, &insn, 4)) {   // next page unmapped
 *                 gen_goto(tc, pc); break;                 // fault when executed
 *             }
 *             translator_insn_start(tc, pc, 0, 0);
 *             ... emit IR for insn; a branch ends the block ...
 *             pc += 4;
 *             if (translator_should_stop(tc, pc)) { gen_goto(tc, pc); break; }
 *         }
 *         tc->tb->size = pc - tc->pc_first;   // bytes of guest code covered
 *     }
 *
 * and for a block exit to a known pc:
 *
 *     if (translator_use_goto_tb(tc, dest)) {
 *         ir_goto_tb(s, n);  ir_movi(s, cpu_pc, dest);
 *         ir_exit_tb(s, translator_exit_value(tc, n));
 *     } else {
 *         ir_movi(s, cpu_pc, dest);  ir_lookup_and_goto_ptr(s);
 *     }
 */
#ifndef FERRY_TCG_TRANSLATOR_H
#define FERRY_TCG_TRANSLATOR_H

#include "tcg/cpu.h"
#include "tcg/tb.h"

struct TranslatorCtx {
    CPUState *cpu;
    TCGContext *s;
    TranslationBlock *tb;
    uint64_t pc_first;        /* == tb->pc */
    unsigned num_insns;       /* instructions started so far */
    unsigned max_insns;
    int code_mmu_idx;
    /* code pages: [0] holds pc_first; [1] the following page, if an
     * instruction reaches into it */
    uint64_t page_vaddr[2];
    const uint8_t *page_host[2];
    ram_addr_t page_ram[2];
};

/* Fetch len bytes (<= 16) of guest code at pc into buf. On the block's
 * first instruction a fetch fault raises the guest exception. Later, if
 * the bytes are on a page that cannot be executed, returns false: end the
 * block before this instruction (it faults when it starts a block). */
bool translator_fetch(TranslatorCtx *tc, uint64_t pc, void *buf, size_t len);

/* Starts a guest instruction: insn_start with its data words, counted. */
void translator_insn_start(TranslatorCtx *tc, uint64_t w0, uint64_t w1, uint64_t w2);

/* Must the block end before an instruction at next_pc? (instruction count,
 * page end, IR size limits) */
bool translator_should_stop(TranslatorCtx *tc, uint64_t next_pc);

/* May this block chain directly to dest (same guest page as the block
 * start, cacheable block, chaining not disabled for -d exec)? */
bool translator_use_goto_tb(TranslatorCtx *tc, uint64_t dest);

/* The exit_tb value after goto_tb n, which lets the CPU loop chain it. */
static inline uintptr_t translator_exit_value(TranslatorCtx *tc, unsigned n)
{
    return (uintptr_t)tc->tb | n;
}

#endif
