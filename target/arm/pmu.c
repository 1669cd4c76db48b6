/*
 * pmu.c — the Performance Monitors Extension (PMUv3) as far as an OS
 * probes and uses it for counting: PMCR_EL0 (N = 4 event counters,
 * E/P/C/D/LC), the cycle counter PMCCNTR_EL0 (one cycle per nanosecond of
 * the machine's virtual clock, /64 with PMCR.D), event counters that
 * count CPU_CYCLES (event 0x11) the same way and SW_INCR through
 * PMSWINC_EL0, the enable/overflow/interrupt-enable set/clear registers,
 * PMSELR/PMXEVTYPER/PMXEVCNTR, PMEVCNTRn/PMEVTYPERn, PMCCFILTR, PMCEID0/1
 * (SW_INCR and CPU_CYCLES), and EL0 access through PMUSERENR_EL0
 * (EN, SW, CR, ER; otherwise trapped to EL1, EC 0x18).
 *
 * Follows DDI 0487 D13 (the PMU: counters, PMCR_EL0 fields, event
 * numbers) and D17.5 (the PMU registers and their EL0 access rules).
 *
 * Not implemented: overflow flags and the overflow interrupt (PPI 23)
 * for counters that wrap (a 64-bit cycle count at 1 GHz wraps after 584
 * years; a 32-bit one after 4.3 s, which perf's sampling mode would need),
 * the PMCCFILTR/PMEVTYPER EL filters (every EL counts), and all events
 * but SW_INCR and CPU_CYCLES (the others never count; PMCEID0 says so).
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"

#define PMCR_E (1ull << 0)
#define PMCR_P (1ull << 1)
#define PMCR_C (1ull << 2)
#define PMCR_D (1ull << 3)
#define PMCR_LC (1ull << 6)
#define PMCR_WMASK (PMCR_E | PMCR_D | 1ull << 4 | 1ull << 5 | PMCR_LC)
#define CYCLE_IDX 31
#define EV_SW_INCR 0x00
#define EV_CPU_CYCLES 0x11
#define CNT_MASK (((1ull << ARM_PMU_COUNTERS) - 1) | 1ull << CYCLE_IDX)

static bool counting(CPUARMState *env, int i)
{
    ARMSysRegs *s = &env->sys;
    if (!(s->pmcr & PMCR_E) || !((s->pmcnten >> i) & 1))
        return false;
    return i == CYCLE_IDX || (s->pmevtyper[i] & 0x3ff) == EV_CPU_CYCLES;
}

static uint64_t cycles_since(CPUARMState *env, uint64_t base, bool div64)
{
    uint64_t d = arm_clock_ns(env) - base;
    return div64 ? d / 64 : d;
}

static uint64_t counter_get(CPUARMState *env, int i)
{
    ARMSysRegs *s = &env->sys;
    if (i == CYCLE_IDX) {
        if (!counting(env, i))
            return s->pmccntr_frozen;
        return s->pmccntr_frozen + cycles_since(env, s->pmccntr_base, s->pmcr & PMCR_D);
    }
    if (!counting(env, i))
        return s->pmevcntr[i];
    return (uint32_t)(s->pmevcntr[i] + cycles_since(env, s->pmevbase[i], false));
}

static void counter_set(CPUARMState *env, int i, uint64_t v)
{
    ARMSysRegs *s = &env->sys;
    uint64_t now = arm_clock_ns(env);
    if (i == CYCLE_IDX) {
        s->pmccntr_frozen = v;
        s->pmccntr_base = now;
    } else {
        s->pmevcntr[i] = (uint32_t)v;
        s->pmevbase[i] = now;
    }
}

/* Around a change of what counts: fold the running counts in, then restart. */
static void sync_all(CPUARMState *env)
{
    for (int i = 0; i < ARM_PMU_COUNTERS; i++)
        counter_set(env, i, counter_get(env, i));
    counter_set(env, CYCLE_IDX, counter_get(env, CYCLE_IDX));
}

/* ---- EL0 access ---------------------------------------------------------------------------------- */

/* row->value bit 8: needs PMUSERENR.SW; bit 9: .CR (cycle read); bit 10: .ER (event read) */
enum { ACC_SW = 1 << 8, ACC_CR = 1 << 9, ACC_ER = 1 << 10 };

static void pmu_check(CPUARMState *env, const ARMSysReg *r, bool isread, uintptr_t ra)
{
    if (arm_current_el(env) != 0)
        return;
    uint64_t u = env->sys.pmuserenr;
    if (u & 1)
        return;   /* EN: everything */
    if ((r->value & ACC_SW) && (u & 2) && !isread)
        return;
    if ((r->value & ACC_CR) && (u & 4) && isread)
        return;
    if ((r->value & ACC_ER) && (u & 8) && (isread || (r->value & 0xff) == 0xfe))
        return;
    arm_sysreg_trap(env, r, isread, arm_excp_target_el(env, 0), ra);
}

/* ---- registers -------------------------------------------------------------------------------------- */

enum {
    R_PMCR, R_CNTENSET, R_CNTENCLR, R_OVSCLR, R_SWINC, R_SELR, R_CCNTR, R_XEVTYPER, R_XEVCNTR,
    R_INTENSET, R_INTENCLR, R_OVSSET, R_EVCNTR, R_EVTYPER, R_CCFILTR,
};

static int selected(CPUARMState *env)
{
    return (int)(env->sys.pmselr & 31);
}

static uint64_t pmu_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)ra;
    ARMSysRegs *s = &env->sys;
    unsigned n = (unsigned)(r->value >> 16) & 31;
    switch (r->value & 0xff) {
    case R_PMCR: return s->pmcr;
    case R_CNTENSET:
    case R_CNTENCLR: return s->pmcnten;
    case R_OVSCLR:
    case R_OVSSET: return s->pmovs;
    case R_INTENSET:
    case R_INTENCLR: return s->pminten;
    case R_SELR: return s->pmselr;
    case R_CCNTR: return counter_get(env, CYCLE_IDX);
    case R_XEVTYPER: {
        int i = selected(env);
        return i == CYCLE_IDX ? s->pmccfiltr : i < ARM_PMU_COUNTERS ? s->pmevtyper[i] : 0;
    }
    case R_XEVCNTR: {
        int i = selected(env);
        return i < ARM_PMU_COUNTERS ? counter_get(env, i) : 0;
    }
    case R_EVCNTR: return counter_get(env, (int)n);
    case R_EVTYPER: return s->pmevtyper[n];
    case R_CCFILTR: return s->pmccfiltr;
    default: return 0;
    }
}

static void pmu_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    ARMSysRegs *s = &env->sys;
    unsigned n = (unsigned)(r->value >> 16) & 31;
    switch (r->value & 0xff) {
    case R_PMCR:
        sync_all(env);
        if (v & PMCR_P)
            for (int i = 0; i < ARM_PMU_COUNTERS; i++)
                counter_set(env, i, 0);
        if (v & PMCR_C)
            counter_set(env, CYCLE_IDX, 0);
        s->pmcr = (s->pmcr & ~PMCR_WMASK) | (v & PMCR_WMASK);
        sync_all(env);
        break;
    case R_CNTENSET:
        sync_all(env);
        s->pmcnten |= v & CNT_MASK;
        sync_all(env);
        break;
    case R_CNTENCLR:
        sync_all(env);
        s->pmcnten &= ~(v & CNT_MASK);
        sync_all(env);
        break;
    case R_OVSCLR: s->pmovs &= ~(v & CNT_MASK); break;
    case R_OVSSET: s->pmovs |= v & CNT_MASK; break;
    case R_INTENSET: s->pminten |= v & CNT_MASK; break;
    case R_INTENCLR: s->pminten &= ~(v & CNT_MASK); break;
    case R_SWINC:
        for (int i = 0; i < ARM_PMU_COUNTERS; i++)
            if (((v >> i) & 1) && (s->pmcr & PMCR_E) && ((s->pmcnten >> i) & 1) &&
                (s->pmevtyper[i] & 0x3ff) == EV_SW_INCR)
                s->pmevcntr[i] = (uint32_t)(s->pmevcntr[i] + 1);
        break;
    case R_SELR: s->pmselr = v & 31; break;
    case R_CCNTR: counter_set(env, CYCLE_IDX, v); break;
    case R_XEVTYPER: {
        int i = selected(env);
        sync_all(env);
        if (i == CYCLE_IDX)
            s->pmccfiltr = v & 0xfc000000u;
        else if (i < ARM_PMU_COUNTERS)
            s->pmevtyper[i] = v & 0xfc00ffffu;
        sync_all(env);
        break;
    }
    case R_XEVCNTR: {
        int i = selected(env);
        if (i < ARM_PMU_COUNTERS)
            counter_set(env, i, v);
        break;
    }
    case R_EVCNTR: counter_set(env, (int)n, v); break;
    case R_EVTYPER:
        sync_all(env);
        s->pmevtyper[n] = v & 0xfc00ffffu;
        sync_all(env);
        break;
    case R_CCFILTR: s->pmccfiltr = v & 0xfc000000u; break;
    default: break;
    }
}

static void helper_pmu_check(CPUARMState *env, const ARMSysReg *r, uint32_t isread)
{
    pmu_check(env, r, isread != 0, TCG_GETPC());
}
static const TCGHelper h_pmu_check = TCG_HELPER(helper_pmu_check, TCG_VOID, TCG_CALL_NO_WRITE_G);
static const TCGHelper h_pmu_read = TCG_HELPER(pmu_read, TCG_I64, TCG_CALL_NO_WRITE_G);
static const TCGHelper h_pmu_write = TCG_HELPER(pmu_write, TCG_VOID, 0);

/* PMEVCNTRn/PMEVTYPERn exist for n < PMCR_EL0.N: Undefined above */
static bool gen_pmu_n(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    unsigned n = (unsigned)(r->value >> 16) & 31;
    if (n >= ARM_PMU_COUNTERS)
        return false;
    TCGContext *s = dc->s;
    if (dc->el == 0)
        ir_callv(s, &h_pmu_check, TCGV_NONE, s->env, ir_const64(s, (uintptr_t)r),
                 ir_const32(s, isread));
    if (isread) {
        TCGv t = new_tmp(dc);
        ir_callv(s, &h_pmu_read, t, s->env, ir_const64(s, (uintptr_t)r), ir_const64(s, 0));
        write_x(dc, rt, t);
    } else {
        ir_callv(s, &h_pmu_write, TCGV_NONE, s->env, ir_const64(s, (uintptr_t)r), read_x(dc, rt),
                 ir_const64(s, 0));
    }
    return true;
}

#define PMU(nm, o1, crn, crm, o2, acc, what, chk) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, crn, crm, o2), .access = acc, .kind = SRK_FN, \
      .read = pmu_read, .write = pmu_write, .value = what, .check = chk, .flags = SRF_IO }
#define PMU_N(n) \
    { .name = "PMEVCNTR" #n "_EL0", .enc = ARM_SYSREG_ENC(3, 3, 14, 8 + (n) / 8, (n) % 8), \
      .access = SR_EL0_RW, .kind = SRK_GEN, .gen = gen_pmu_n, .value = R_EVCNTR | ACC_ER | (n) << 16 }, \
    { .name = "PMEVTYPER" #n "_EL0", .enc = ARM_SYSREG_ENC(3, 3, 14, 12 + (n) / 8, (n) % 8), \
      .access = SR_EL0_RW, .kind = SRK_GEN, .gen = gen_pmu_n, .value = R_EVTYPER | (n) << 16 }

static const ARMSysReg pmu_sysregs[] = {
    PMU("PMCR_EL0", 3, 9, 12, 0, SR_EL0_RW, R_PMCR, pmu_check),
    PMU("PMCNTENSET_EL0", 3, 9, 12, 1, SR_EL0_RW, R_CNTENSET, pmu_check),
    PMU("PMCNTENCLR_EL0", 3, 9, 12, 2, SR_EL0_RW, R_CNTENCLR, pmu_check),
    PMU("PMOVSCLR_EL0", 3, 9, 12, 3, SR_EL0_RW, R_OVSCLR, pmu_check),
    PMU("PMSWINC_EL0", 3, 9, 12, 4, SR_EL0_W, R_SWINC | ACC_SW, pmu_check),
    PMU("PMSELR_EL0", 3, 9, 12, 5, SR_EL0_RW, R_SELR | ACC_ER | 0xfe, pmu_check),
    { .name = "PMCEID0_EL0", .enc = ARM_SYSREG_ENC(3, 3, 9, 12, 6), .access = SR_EL0_R,
      .kind = SRK_CONST, .value = 1u << EV_SW_INCR | 1u << EV_CPU_CYCLES, .check = pmu_check },
    { .name = "PMCEID1_EL0", .enc = ARM_SYSREG_ENC(3, 3, 9, 12, 7), .access = SR_EL0_R,
      .kind = SRK_CONST, .value = 0, .check = pmu_check },
    PMU("PMCCNTR_EL0", 3, 9, 13, 0, SR_EL0_RW, R_CCNTR | ACC_CR, pmu_check),
    PMU("PMXEVTYPER_EL0", 3, 9, 13, 1, SR_EL0_RW, R_XEVTYPER, pmu_check),
    PMU("PMXEVCNTR_EL0", 3, 9, 13, 2, SR_EL0_RW, R_XEVCNTR | ACC_ER, pmu_check),
    { .name = "PMUSERENR_EL0", .enc = ARM_SYSREG_ENC(3, 3, 9, 14, 0),
      .access = SR_R(0) | SR_EL1_RW, .kind = SRK_FIELD, .offset = ENV_OFS(sys.pmuserenr) },
    PMU("PMINTENSET_EL1", 0, 9, 14, 1, SR_EL1_RW, R_INTENSET, NULL),
    PMU("PMINTENCLR_EL1", 0, 9, 14, 2, SR_EL1_RW, R_INTENCLR, NULL),
    PMU("PMOVSSET_EL0", 3, 9, 14, 3, SR_EL0_RW, R_OVSSET, pmu_check),
    PMU("PMCCFILTR_EL0", 3, 14, 15, 7, SR_EL0_RW, R_CCFILTR, pmu_check),
    PMU_N(0), PMU_N(1), PMU_N(2), PMU_N(3), PMU_N(4), PMU_N(5), PMU_N(6), PMU_N(7),
    PMU_N(8), PMU_N(9), PMU_N(10), PMU_N(11), PMU_N(12), PMU_N(13), PMU_N(14), PMU_N(15),
    PMU_N(16), PMU_N(17), PMU_N(18), PMU_N(19), PMU_N(20), PMU_N(21), PMU_N(22), PMU_N(23),
    PMU_N(24), PMU_N(25), PMU_N(26), PMU_N(27), PMU_N(28), PMU_N(29), PMU_N(30),
};
ARM_SYSREGS(pmu_sysregs)

ARM_FEATURE_BUILT(ARM_FEAT_PMU)
