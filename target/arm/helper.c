/*
 * helper.c — run-time helpers of the A64 frontend that are not specific
 * to one instruction class: raising exceptions, WFI/WFE/SEV, YIELD.
 *
 * Follows DDI 0487: D1.10 (exception entry: what the raiser records),
 * C6.2 WFI/WFE/SEV/SEVL/YIELD, D1.6.1 (wait for event mechanism).
 */
#include "core/log.h"
#include "target/arm/sys.h"
#include "target/arm/translate.h"

void arm_raise(CPUARMState *env, ARMExcp excp, uint32_t syndrome, unsigned target_el,
               uintptr_t ra)
{
    CPUState *cs = env_cs(env);
    cs->exception_index = (int)excp;
    env->exception.syndrome = syndrome;
    env->exception.target_el = target_el;
    qlog(LOG_INT, "a64: raise exception %d syndrome %#x to EL%u\n", (int)excp, syndrome, target_el);
    cpu_loop_exit_restore(cs, ra);
}

void arm_raise_abort(CPUARMState *env, uint64_t vaddr, MMUAccessType type, unsigned fsc,
                     uintptr_t ra)
{
    unsigned el = arm_current_el(env);
    env->exception.vaddress = vaddr;
    if (type == MMU_INST_FETCH)
        arm_raise(env, EXCP_PREFETCH_ABORT, syn_insn_abort(fsc), el ? el : 1, ra);
    arm_raise(env, EXCP_DATA_ABORT, syn_data_abort(type == MMU_DATA_STORE, fsc), el ? el : 1, ra);
}

/* WFI: the pc already points after the instruction. Sleep unless an
 * interrupt is pending (taken or not: PSTATE masks do not matter). */
static void helper_wfi(CPUARMState *env)
{
    CPUState *cs = env_cs(env);
    if (arm_has_work(env_archcpu(env)))
        return;
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}
const TCGHelper h_wfi = TCG_HELPER(helper_wfi, TCG_VOID, 0);

/* WFE: the pc already points after the instruction. A set event register
 * is consumed; otherwise give the other vCPUs a turn (they are what would
 * SEV; a spurious wake-up is allowed). */
static void helper_wfe(CPUARMState *env)
{
    CPUState *cs = env_cs(env);
    if (env->event_register) {
        env->event_register = 0;
        return;
    }
    cs->exception_index = EXCP_YIELD;
    cpu_loop_exit(cs);
}
const TCGHelper h_wfe = TCG_HELPER(helper_wfe, TCG_VOID, 0);

static void helper_yield(CPUARMState *env)
{
    CPUState *cs = env_cs(env);
    cs->exception_index = EXCP_YIELD;
    cpu_loop_exit(cs);
}
const TCGHelper h_yield = TCG_HELPER(helper_yield, TCG_VOID, 0);

/* SEV: every PE's event register is set (and halted ones re-check). */
static void helper_sev(CPUARMState *env)
{
    (void)env;
    CPU_FOREACH(c) {
        ARMCPU *cpu = arm_cpu(c);
        cpu->env.event_register = 1;
    }
}
const TCGHelper h_sev = TCG_HELPER(helper_sev, TCG_VOID, TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G);
