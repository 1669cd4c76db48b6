/*
 * stats.h — translator statistics (-d jitstats, `info jit`). One global
 * set of counters for the translation side (vCPU thread only, plain
 * increments) plus per-CPU counters generated code bumps when counting is
 * on (CPUState.counters).
 */
#ifndef FERRY_TCG_STATS_H
#define FERRY_TCG_STATS_H

#include "core/common.h"

typedef struct TCGStats {
    uint64_t tb_translated;     /* blocks generated */
    uint64_t tb_nocache;        /* of which single-use */
    uint64_t tb_guest_insns;
    uint64_t tb_guest_bytes;
    uint64_t tb_code_bytes;     /* host code (or bytecode) */
    uint64_t ops_before_opt, ops_after_opt;
    uint64_t tb_retranslated;   /* retried smaller (limits) */
    uint64_t tb_flushes;
    uint64_t tb_invalidated;
    uint64_t smc_exits;         /* self-modifying code ended a block */
    uint64_t chain_patches, unchain_patches;
    uint64_t loop_entries;      /* blocks entered from the CPU loop */
    uint64_t exits_to_loop;     /* returns from generated code */
    uint64_t lookup_hits, lookup_misses;   /* lookup_and_goto_ptr */
    uint64_t jmp_cache_hits, hash_hits;    /* CPU loop lookups */
    uint64_t tlb_slow;          /* softmmu slow-path entries */
    uint64_t tlb_fills;         /* page walks */
    uint64_t tlb_victim_hits;
    uint64_t tlb_flushes, tlb_page_flushes;
    uint64_t mmio_accesses;
    uint64_t unaligned_splits;
    uint64_t helper_calls;      /* counted when counting is on */
    uint64_t exceptions, interrupts;
} TCGStats;

extern TCGStats tcg_stats;

#endif
