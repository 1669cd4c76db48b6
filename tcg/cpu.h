/*
 * cpu.h — the CPU abstraction guest frontends implement, and the
 * translator services they call.
 *
 * A target's CPU struct embeds CPUState immediately followed by its
 * architectural state ("env"):
 *
 *     typedef struct ARMCPU {
 *         CPUState parent;        // first
 *         CPUARMState env;        // generated code's env pointer
 *     } ARMCPU;
 *
 * and describes itself with a CPUHooks table (env_offset =
 * offsetof(ARMCPU, env)). Generated code holds the env pointer in a host
 * register; guest registers are globals at small positive offsets, and the
 * CPUState fields it needs (TLB, exit request) sit at negative offsets.
 *
 * Threads: all vCPUs run round-robin on one vCPU thread (cpu_exec is only
 * called there). Other threads (the event loop, devices) talk to a CPU
 * through cpu_interrupt(), cpu_exit(), async_run_on_cpu() and
 * run_on_cpu(), which are safe from any thread.
 *
 * Exceptions: a helper (or the softmmu) raises a guest exception by setting
 * cpu->exception_index and calling cpu_loop_exit_restore(cpu, TCG_GETPC())
 * (or cpu_loop_exit() when the guest state is already exact). This
 * unwinds to cpu_exec() with siglongjmp; the guest state is restored from
 * the insn_start data of the instruction containing the return address,
 * then hooks->do_interrupt() delivers the exception.
 */
#ifndef FERRY_TCG_CPU_H
#define FERRY_TCG_CPU_H

#include <pthread.h>
#include <setjmp.h>

#include "core/memory.h"
#include "tcg/ir.h"
#include "tcg/tlb.h"

typedef struct CPUState CPUState;
typedef struct TranslationBlock TranslationBlock;
typedef struct TranslatorCtx TranslatorCtx;

typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

/* Page permissions reported by tlb_fill. */
enum { PAGE_READ = 1, PAGE_WRITE = 2, PAGE_EXEC = 4 };

/* What the target's page walker found. */
typedef struct TLBFill {
    hwaddr phys;          /* physical address of the page-aligned vaddr */
    unsigned prot;        /* PAGE_* */
    unsigned lg_page_size;/* log2 of the mapping size (>= TARGET_PAGE_BITS) */
} TLBFill;

/* Exception numbers the generic loop understands (targets use 0..0xffff). */
enum {
    EXCP_NONE = -1,
    EXCP_INTERRUPT = 0x10000,  /* leave cpu_exec: exit request, work, stop */
    EXCP_HLT = 0x10001,        /* the CPU halted (WFI/HLT) */
    EXCP_DEBUG = 0x10002,      /* debugger stop (gdbstub) */
    EXCP_HALTED = 0x10003,     /* cpu_exec found the CPU halted */
    EXCP_YIELD = 0x10004,      /* give the other CPUs a turn */
};

/* interrupt_request bits: targets define their own in the low 16 bits
 * (e.g. ARM: HARD, FIQ, VIRQ, VFIQ, SERROR); generic ones above. */
#define CPU_INTERRUPT_TGT_MASK 0xffffu
#define CPU_INTERRUPT_HARD 0x0001u      /* the usual "IRQ line" bit */
#define CPU_INTERRUPT_EXITTB 0x10000u   /* just leave the current block chain */

/* Compile flags for one block. */
enum {
    CF_COUNT_MASK = 0x1ff,      /* max guest insns (0 = default) */
    CF_NOCACHE = 0x1000,        /* run once, never cached or chained */
    CF_NOIRQ = 0x2000,          /* no exit-request check at block entry */
};

/*
 * The frontend's side. Hooks marked (optional) may be NULL.
 */
typedef struct CPUHooks {
    const char *arch;            /* "aarch64", "x86_64": disassembly of -d in_asm */
    size_t env_offset;           /* offset of env from the CPUState (struct start) */
    unsigned insn_start_words;   /* data words per insn_start (1..3) */
    unsigned nb_mmu_modes;       /* MMU indexes used (<= TCG_MAX_MMU_MODES) */

    /* Register the target's globals in a new translation context. */
    void (*translate_init)(TCGContext *s);
    /* The key of the block to run now: pc, cs_base (x86 CS base; 0 on
     * Arm) and mode flags (everything translation depends on besides the
     * code bytes: EL, MMU index, ISA state, ...). */
    void (*get_tb_key)(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags);
    /* MMU index instruction fetches of a block with these flags use. */
    int (*code_mmu_index)(CPUState *cpu, uint32_t flags);
    /* Translate one block starting at tc->tb->pc into IR (tcg/translator.h
     * helpers: fetch code, count instructions, decide where to stop). */
    void (*translate)(CPUState *cpu, TranslatorCtx *tc);
    /* Walk the page tables for vaddr. On success fill *out and return true.
     * On a fault: if probe, return false; else raise the guest exception
     * (cpu_loop_exit_restore(cpu, ra)) and do not return. */
    bool (*tlb_fill)(CPUState *cpu, uint64_t vaddr, MMUAccessType type, int mmu_idx, bool probe,
                     uintptr_t ra, TLBFill *out);
    /* (optional) A MemOp alignment requirement failed: raise the fault
     * (does not return). Required if the target uses MO_ALIGN. */
    void (*do_unaligned_access)(CPUState *cpu, uint64_t vaddr, MMUAccessType type, int mmu_idx,
                                uintptr_t ra);
    /* (optional) An access reached nothing or a device reported an error:
     * raise an external abort if the architecture wants one (may return to
     * ignore it; reads then see 0). Called without the device lock. */
    void (*transaction_failed)(CPUState *cpu, hwaddr phys, uint64_t vaddr, MMUAccessType type,
                               int mmu_idx, MemTxResult res, uintptr_t ra);
    /* Take a pending interrupt if it is unmasked: set up the guest's entry
     * (state changes) and return true; false if nothing could be taken. */
    bool (*exec_interrupt)(CPUState *cpu, uint32_t interrupt_request);
    /* Deliver cpu->exception_index (a target number < 0x10000). */
    void (*do_interrupt)(CPUState *cpu);
    /* Restore guest state (pc, ...) from an instruction's insn_start data. */
    void (*restore_state)(CPUState *cpu, const TranslationBlock *tb, const uint64_t *data);
    /* Can a halted CPU resume (an interrupt it would take is pending)? */
    bool (*has_work)(CPUState *cpu);
    /* -d cpu, `info registers` */
    void (*dump_state)(CPUState *cpu, FILE *f);
} CPUHooks;

/* Per-MMU-index bookkeeping for the TLB (cold: slow path only). */
typedef struct CPUTLBEntryFull {
    hwaddr phys;          /* physical page */
    ram_addr_t ram;       /* ram_addr of the page, RAM_ADDR_INVALID for MMIO */
} CPUTLBEntryFull;

typedef struct CPUTLBDesc {
    uint64_t large_page_addr;   /* range covering all large pages installed */
    uint64_t large_page_mask;   /* 0: none */
    bool used;                  /* anything installed since the last flush */
    unsigned vnext;             /* victim replacement index */
    CPUTLBEntry victim[TLB_VICTIMS];
    CPUTLBEntryFull victim_full[TLB_VICTIMS];
} CPUTLBDesc;

typedef struct CPUWork CPUWork;

#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
#define TCG_INTERP_FRAME_SLOTS 1024

struct CPUState {
    const CPUHooks *hooks;
    int index;                   /* 0.. */
    AddressSpace *as;            /* what the CPU's physical addresses reach */
    CPUState *next;              /* in the vCPU list */

    sigjmp_buf jmp_env;
    int exception_index;         /* EXCP_NONE or a number */
    uint32_t cflags_next;        /* forced compile flags for the next block */
    bool halted;                 /* WFI/HLT: sleeping until has_work */
    bool stopped;                /* paused (vm stop) or never started */
    bool created;
    TranslationBlock *jmp_cache[TB_JMP_CACHE_SIZE];
    CPUWork *work_head, *work_tail;   /* protected by the vCPU lock */
    uint64_t slice_start_ns;

    /* softmmu */
    CPUTLBDesc tlb_desc[TCG_MAX_MMU_MODES];
    CPUTLBEntryFull tlb_full[TCG_MAX_MMU_MODES][TLB_SIZE];

    /* counters bumped by generated code (jitstats) */
    uint64_t counters[TCG_NB_COUNTERS];
    /* the IR interpreter's frame */
    uint64_t interp_frame[TCG_INTERP_FRAME_SLOTS];
    /* the TLB generated code reads */
    CPUTLBEntry tlb_table[TCG_MAX_MMU_MODES][TLB_SIZE];

    /* Hot, set from other threads: last, next to env. */
    uint32_t interrupt_request;  /* pending CPU_INTERRUPT_* bits */
    int32_t exit_request;        /* leave at the next block entry */
} __attribute__((aligned(16)));

static inline void *cpu_env(CPUState *cpu)
{
    return (char *)cpu + cpu->hooks->env_offset;
}
static inline CPUState *env_cpu(void *env, const CPUHooks *hooks)
{
    return (CPUState *)((char *)env - hooks->env_offset);
}

/* ---- CPU life cycle (tcg/cpu-exec.c) ---------------------------------- */

/* Initialize the CPUState of a freshly allocated (zeroed) target CPU and
 * add it to the vCPU list. */
void cpu_init(CPUState *cpu, const CPUHooks *hooks, AddressSpace *as);
void cpu_remove(CPUState *cpu);
/* Reset generic state (TLB, halted, pending requests). */
void cpu_reset_common(CPUState *cpu);
CPUState *cpu_first(void);
#define CPU_FOREACH(c) for (CPUState *c = cpu_first(); c; c = c->next)

/* ---- running (tcg/cpu-exec.c) -------------------------------------------- */

/* Run blocks on cpu until something needs the outer loop; returns an EXCP_*
 * value (EXCP_INTERRUPT, EXCP_HLT, EXCP_HALTED, EXCP_DEBUG, EXCP_YIELD).
 * vCPU thread only. */
int cpu_exec(CPUState *cpu);

/* Start the vCPU thread that runs every CPU round-robin (time slice in
 * nanoseconds; 0 = default). vcpus_stop/resume pause all CPUs (vm stop,
 * monitor commands that need quiescent CPUs); they may be called with the
 * device lock held, which they drop while waiting. */
void vcpus_start(int64_t timeslice_ns);
void vcpus_stop(void);
void vcpus_resume(void);
void vcpus_shutdown(void);   /* stop the thread for good (exit) */
bool vcpus_running(void);

/* Any thread: raise interrupt bits (wakes a halted CPU, ends the current
 * block chain). cpu_reset_interrupt clears bits (level-triggered lines). */
void cpu_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset_interrupt(CPUState *cpu, uint32_t mask);
/* Any thread: make cpu leave generated code at the next block entry. */
void cpu_exit(CPUState *cpu);
/* A halted CPU re-evaluates has_work (e.g. a timer fired). */
void cpu_kick(CPUState *cpu);

/* Work on the vCPU thread between blocks (no CPU is executing guest code
 * then, so the work may change any CPU's state). async: any thread, returns
 * at once. run_on_cpu: waits for completion; from the loop thread with the
 * device lock held (dropped while waiting); on the vCPU thread it runs
 * directly. */
typedef void CPUWorkFn(CPUState *cpu, void *data);
void async_run_on_cpu(CPUState *cpu, CPUWorkFn *fn, void *data);
void run_on_cpu(CPUState *cpu, CPUWorkFn *fn, void *data);
/* Run pending work of every CPU (vCPU thread; cpu_exec does it). */
void cpu_process_work(void);

/* ---- exceptions (tcg/cpu-exec.c) ----------------------------------------- */

NORETURN void cpu_loop_exit(CPUState *cpu);
/* Restore guest state for host return address ra (0: none), then exit. */
NORETURN void cpu_loop_exit_restore(CPUState *cpu, uintptr_t ra);
/* Exit with exception_index already set, without restoring (e.g. after an
 * instruction completed). */
NORETURN void cpu_loop_exit_noexc(CPUState *cpu);
/* Set guest state to the instruction containing host address ra. Returns
 * false if ra is not in generated code. */
bool cpu_restore_state(CPUState *cpu, uintptr_t ra);

/* The return address a helper passes to the raise functions: inside the
 * generated code (native) or the interpreter's current position. */
#define TCG_GETPC() tcg_getpc((uintptr_t)__builtin_return_address(0))
uintptr_t tcg_getpc(uintptr_t host_ra);

/* ---- softmmu (tcg/softmmu.c) --------------------------------------------- */

/* Flushes. idxmap: bit per MMU index. Called on the vCPU thread for any
 * CPU (the others are not executing); from another thread they queue
 * work on that CPU. */
void tlb_flush(CPUState *cpu);
void tlb_flush_by_mmuidx(CPUState *cpu, uint32_t idxmap);
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);
void tlb_flush_page_by_mmuidx(CPUState *cpu, uint64_t vaddr, uint32_t idxmap);
/* Every CPU (e.g. A64 TLBI ...IS, x86 shootdown handled by the guest). */
void tlb_flush_all_cpus(void);
void tlb_flush_page_all_cpus(uint64_t vaddr, uint32_t idxmap);
void tlb_flush_by_mmuidx_all_cpus(uint32_t idxmap);

/* Install a translation (tlb_fill calls this through the generic code;
 * targets may call it directly, e.g. for AT instructions they do not). */
void tlb_set_page(CPUState *cpu, uint64_t vaddr, const TLBFill *fill, int mmu_idx);

/* Helpers' direct guest memory access (e.g. for LDP in C, descriptor
 * walks use physical access instead). ra as for exceptions. */
uint64_t cpu_ld(CPUState *cpu, uint64_t addr, MemOp mop, int mmu_idx, uintptr_t ra);
void cpu_st(CPUState *cpu, uint64_t addr, uint64_t val, MemOp mop, int mmu_idx, uintptr_t ra);
/* Probe: host pointer for [addr, addr+size) within one page if it is plain
 * RAM accessible for `type`; NULL otherwise (MMIO, code page for writes, or
 * fault when nonfault). With !nonfault a fault raises. */
void *probe_access(CPUState *cpu, uint64_t addr, unsigned size, MMUAccessType type, int mmu_idx,
                   bool nonfault, uintptr_t ra);

/* ---- statistics (tcg/stats.c) -------------------------------------------- */

/* `info jit` / -d jitstats */
void tcg_dump_stats(FILE *f);

#endif
