/*
 * stats.c — prints the translator statistics (`info jit`, and at exit with
 * -d jitstats).
 */
#include "tcg/stats.h"

#include "core/log.h"
#include "core/monitor.h"
#include "tcg/cpu.h"

TCGStats tcg_stats;

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

void tcg_dump_stats(FILE *f)
{
    const TCGStats *t = &tcg_stats;
    uint64_t entered = 0, fast = 0, calls = t->helper_calls;
    CPU_FOREACH(cpu) {
        entered += cpu->counters[TCG_COUNTER_TB_ENTER];
        fast += cpu->counters[TCG_COUNTER_TLB_FAST];
        calls += cpu->counters[TCG_COUNTER_HELPER_CALL];
    }
    fprintf(f, "Translation:\n");
    fprintf(f, "  blocks translated     %" PRIu64 " (single-use %" PRIu64 ", retried smaller %" PRIu64 ")\n",
            t->tb_translated, t->tb_nocache, t->tb_retranslated);
    fprintf(f, "  guest insns / bytes   %" PRIu64 " / %" PRIu64 " (%.1f insns per block)\n",
            t->tb_guest_insns, t->tb_guest_bytes,
            t->tb_translated ? (double)t->tb_guest_insns / (double)t->tb_translated : 0.0);
    fprintf(f, "  host code bytes       %" PRIu64 " (%.1f per guest insn)\n", t->tb_code_bytes,
            t->tb_guest_insns ? (double)t->tb_code_bytes / (double)t->tb_guest_insns : 0.0);
    fprintf(f, "  IR ops before / after optimization  %" PRIu64 " / %" PRIu64 " (%.1f%% removed)\n",
            t->ops_before_opt, t->ops_after_opt, pct(t->ops_before_opt - t->ops_after_opt, t->ops_before_opt));
    fprintf(f, "  flushes               %" PRIu64 "\n", t->tb_flushes);
    fprintf(f, "  invalidated blocks    %" PRIu64 " (self-modifying code exits %" PRIu64 ")\n",
            t->tb_invalidated, t->smc_exits);
    fprintf(f, "Execution:\n");
    fprintf(f, "  chained jumps patched %" PRIu64 " (unchained %" PRIu64 ")\n", t->chain_patches,
            t->unchain_patches);
    fprintf(f, "  blocks entered from the loop  %" PRIu64 " (jump cache %" PRIu64 ", hash %" PRIu64 ")\n",
            t->loop_entries, t->jmp_cache_hits, t->hash_hits);
    fprintf(f, "  indirect lookups      %" PRIu64 " hits, %" PRIu64 " misses\n", t->lookup_hits,
            t->lookup_misses);
    if (entered)
        fprintf(f, "  blocks executed       %" PRIu64 " (%.1f%% through chains or lookups)\n", entered,
                pct(entered - t->loop_entries, entered));
    fprintf(f, "  helper calls          %" PRIu64 "%s\n", calls,
            log_enabled(LOG_JITSTATS) ? "" : " (counted with -d jitstats only)");
    fprintf(f, "  exceptions            %" PRIu64 ", interrupts %" PRIu64 "\n", t->exceptions, t->interrupts);
    fprintf(f, "Softmmu:\n");
    fprintf(f, "  slow-path accesses    %" PRIu64, t->tlb_slow);
    if (fast)
        fprintf(f, " (inline hits %" PRIu64 ", %.2f%% hit rate)", fast, pct(fast, fast + t->tlb_slow));
    fprintf(f, "\n");
    fprintf(f, "  page walks            %" PRIu64 ", victim TLB hits %" PRIu64 "\n", t->tlb_fills,
            t->tlb_victim_hits);
    fprintf(f, "  MMIO accesses         %" PRIu64 ", page-crossing splits %" PRIu64 "\n",
            t->mmio_accesses, t->unaligned_splits);
    fprintf(f, "  TLB flushes           %" PRIu64 " full/by index, %" PRIu64 " by page\n", t->tlb_flushes,
            t->tlb_page_flushes);
}

static void stats_at_exit(void)
{
    if (log_enabled(LOG_JITSTATS)) {
        tcg_dump_stats(log_file());
        log_flush();
    }
}

/* -d jitstats prints at exit (registered once, when the engine starts). */
void tcg_stats_register_exit(void);
void tcg_stats_register_exit(void)
{
    static bool done;
    if (!done) {
        done = true;
        exit_hook_add(stats_at_exit);
    }
}

static void hmp_info_jit(Monitor *mon, int argc, char **argv)
{
    tcg_dump_stats(monitor_file(mon));
}

MONITOR_COMMAND(cmd_info_jit, .name = "jit", .args = "",
                .help = "show translator statistics (blocks, code size, chaining, TLB)",
                .fn = hmp_info_jit, .is_info = true);
