/*
 * helpers.c — runtime helpers generated code calls that belong to the
 * translator itself (not to a guest): the jump-cache probe behind
 * ir_lookup_and_goto_ptr, which lets an indirect branch continue in the
 * next block without returning to the CPU loop.
 */
#include "tcg/codegen.h"
#include "tcg/stats.h"
#include "tcg/tb.h"

static const void *helper_lookup_tb(void *env)
{
    const CPUHooks *hooks = tcg_exec_hooks();
    CPUState *cpu = env_cpu(env, hooks);
    TCGContext *s = tcg_exec_context();
    uint64_t pc, cs_base;
    uint32_t flags;

    if (!tcg_chaining_enabled())
        return s->cg->return_zero(s);   /* -d exec: every block through the loop */
    hooks->get_tb_key(cpu, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_lookup(cpu, pc, cs_base, flags, 0);
    if (!tb) {
        tcg_stats.lookup_misses++;
        return s->cg->return_zero(s);
    }
    tcg_stats.lookup_hits++;
    return tb->tc;
}

const TCGHelper tcg_helper_lookup_tb = TCG_HELPER(helper_lookup_tb, TCG_I64, TCG_CALL_NO_WRITE_G);
