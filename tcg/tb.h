/*
 * tb.h — translation blocks and the block cache (tcg/tb.c).
 *
 * A block is keyed by (guest pc, physical pages of its code, cs_base, mode
 * flags). Blocks live in an arena and their code in the code buffer; both
 * are reset together when the buffer fills (tb_flush). Blocks are linked
 * from: the hash table (lookup by key), per physical page lists (for
 * invalidation when the page is written), each CPU's jump cache (by
 * virtual pc), and other blocks' direct jumps (chaining).
 *
 * All of it is touched only on the vCPU thread.
 */
#ifndef FERRY_TCG_TB_H
#define FERRY_TCG_TB_H

#include "tcg/cpu.h"

struct TranslationBlock {
    uint64_t pc;
    uint64_t cs_base;
    uint32_t flags;
    uint32_t cflags;
    uint32_t size;              /* guest code bytes */
    uint16_t icount;            /* guest instructions */
    bool invalid;
    bool uses_page1;
    ram_addr_t ram_pc;          /* ram_addr of the first code byte */
    ram_addr_t page[2];         /* ram pages of the code ([1] may be unused) */

    const uint8_t *tc;          /* host code (RX) */
    uint32_t tc_size;
    const uint8_t *insn_info;   /* encoded per-instruction table (after the code) */

    uint32_t jmp_patch[2];      /* patch offset of goto_tb n (UINT32_MAX: none) */
    uint32_t jmp_reset[2];      /* where goto_tb n goes unchained */
    TranslationBlock *jmp_dest[2];
    uintptr_t jmp_list_head;    /* incoming jumps: tagged (tb | n) */
    uintptr_t jmp_list_next[2]; /* next in the incoming list of jmp_dest[n] */

    TranslationBlock *hash_next;
    uintptr_t page_next[2];     /* tagged (tb | n): next on page[n]'s list */
};

/* Set up the code buffer and cache (size in bytes, 0 = default). The
 * codegen is tcg_default_codegen() unless cg is given. May be called
 * again after tcg_exec_exit() (tests). */
int tcg_exec_init(size_t tb_size, const TCGCodegen *cg, Error **errp);
void tcg_exec_exit(void);
bool tcg_exec_initialized(void);

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                            uint32_t cflags);
TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags);
/* Chain tb's jump n to dest. */
void tb_add_jump(TranslationBlock *tb, unsigned n, TranslationBlock *dest);
/* Run a block's code: returns its exit value. */
uintptr_t tb_exec(CPUState *cpu, TranslationBlock *tb);
/* After a single-use (CF_NOCACHE) block ran. */
void tb_discard_nocache(TranslationBlock *tb);

/* Invalidate every block with code in [start, end) (ram_addr). */
void tb_invalidate_phys_range(ram_addr_t start, ram_addr_t end);
/* The softmmu's path for a CPU store into a code page: invalidates, and
 * if the block executing the store is hit (self-modifying code), ends it
 * safely (may not return). */
void tb_invalidate_by_cpu_write(CPUState *cpu, ram_addr_t start, size_t len, uintptr_t ra);
/* Empty the whole cache (vCPU thread, outside generated code). */
void tb_flush(void);
uint64_t tb_flush_count(void);

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc);
/* Restore the guest state of the instruction containing host_pc. */
bool tb_restore_state(CPUState *cpu, TranslationBlock *tb, uintptr_t host_pc);

/* Jump cache of a CPU (virtual pc -> block). */
static inline unsigned tb_jmp_cache_hash(uint64_t pc)
{
    /* high bits from the page, so a page's entries are one contiguous run */
    uint64_t page = pc >> TARGET_PAGE_BITS;
    unsigned hi = (unsigned)((page ^ (page >> 6)) & 63);
    unsigned lo = (unsigned)((pc ^ (pc >> 6)) & 63);
    return hi << 6 | lo;
}
void tb_jmp_cache_clear_page(CPUState *cpu, uint64_t vaddr);
void tb_jmp_cache_clear(CPUState *cpu);

/* The translation context and codegen (vCPU thread). */
TCGContext *tcg_exec_context(void);
const CPUHooks *tcg_exec_hooks(void);
/* Chaining and the lookup helper are disabled while -d exec/cpu is on. */
bool tcg_chaining_enabled(void);

#endif
