/*
 * timer.c — the AArch64 generic timer of each PE: the system counter at
 * 62.5 MHz (one tick per 16 ns of the machine's virtual clock, as QEMU 7.2
 * — GTIMER_SCALE 16 — so guests see the same CNTFRQ_EL0), the physical
 * and virtual counts (CNTPCT_EL0, CNTVCT_EL0 = CNTPCT - CNTVOFF_EL2), and
 * the four timers: EL1 physical (CNTP_*), virtual (CNTV_*), EL2 physical
 * (CNTHP_*) and secure physical (CNTPS_*), each an event-loop timer that
 * drives its PPI with the device lock held; plus the access controls
 * CNTKCTL_EL1 (EL0) and CNTHCTL_EL2 (EL1 physical counter and timer).
 *
 * Follows DDI 0487 D11 (the generic timer: TimerConditionMet, CVAL/TVAL
 * views, ISTATUS, IMASK) and D17.8 (the CNT* register descriptions and
 * their traps). The counter stops while the machine is stopped (the
 * virtual clock does), so a paused guest sees no time pass.
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"

#define GT_NS_PER_TICK 16            /* 62.5 MHz */
#define GT_FREQ 62500000ull

#define CTL_ENABLE 1ull
#define CTL_IMASK 2ull
#define CTL_ISTATUS 4ull

uint64_t arm_clock_ns(CPUARMState *env)
{
    Loop *l = env->sys.links.loop;
    int64_t ns = l ? clock_get_ns(l, CLK_VIRTUAL) : host_monotonic_ns();
    return ns < 0 ? 0 : (uint64_t)ns;
}

uint64_t arm_gt_cntpct(CPUARMState *env)
{
    return arm_clock_ns(env) / GT_NS_PER_TICK;
}

static uint64_t cntvoff(CPUARMState *env)
{
    return arm_has_el2(env) ? env->sys.cntvoff_el2 : 0;
}

uint64_t arm_cntvct(CPUARMState *env)
{
    return arm_gt_cntpct(env) - cntvoff(env);
}

uint64_t arm_cntfrq(CPUARMState *env)
{
    return env->sys.cntfrq ? env->sys.cntfrq : GT_FREQ;
}

static uint64_t gt_count(CPUARMState *env, int t)
{
    return t == GT_VIRT ? arm_cntvct(env) : arm_gt_cntpct(env);
}

/* Output and deadline of timer t (device lock held). */
static void gt_update_locked(ARMCPU *cpu, int t)
{
    CPUARMState *env = &cpu->env;
    ARMGenericTimer *gt = &env->sys.gt[t];
    ARMSysLinks *ln = &env->sys.links;
    bool enabled = gt->ctl & CTL_ENABLE;
    bool met = enabled && gt_count(env, t) >= gt->cval;
    int level = met && !(gt->ctl & CTL_IMASK);
    if (level != ln->gt_level[t]) {
        ln->gt_level[t] = level;
        irq_set(ln->gt_irq[t], level);
    }
    if (!ln->gt_timer[t])
        return;
    if (enabled && !met) {
        /* fires when the count reaches CVAL: CVAL (+ CNTVOFF) ticks */
        uint64_t off = t == GT_VIRT ? cntvoff(env) : 0;
        uint64_t ticks = gt->cval + off;
        if (ticks < gt->cval || ticks > (uint64_t)INT64_MAX / GT_NS_PER_TICK)
            timer_del(ln->gt_timer[t]);     /* beyond the end of time */
        else
            timer_mod(ln->gt_timer[t], (int64_t)(ticks * GT_NS_PER_TICK));
    } else {
        timer_del(ln->gt_timer[t]);
    }
}

void arm_gt_update(ARMCPU *cpu, int t)
{
    bool locked = dev_lock_held();
    if (!locked)
        dev_lock();
    gt_update_locked(cpu, t);
    if (!locked)
        dev_unlock();
}

static void gt_fire(void *opaque)
{
    ARMGtCb *cb = opaque;
    gt_update_locked(cb->cpu, cb->t);
}

void arm_cpu_set_loop(ARMCPU *cpu, Loop *loop)
{
    ARMSysLinks *ln = &cpu->env.sys.links;
    ln->loop = loop;
    for (int t = 0; t < GT__COUNT; t++) {
        if (ln->gt_timer[t]) {
            timer_free(ln->gt_timer[t]);
            ln->gt_timer[t] = NULL;
        }
        if (loop) {
            ARMGtCb *cb = &ln->gt_cb[t];
            cb->cpu = cpu;
            cb->t = t;
            ln->gt_timer[t] = timer_new(loop, CLK_VIRTUAL, gt_fire, cb);
        }
    }
}

void arm_cpu_connect_timers(ARMCPU *cpu, IRQ *phys, IRQ *virt, IRQ *hyp, IRQ *sec)
{
    ARMSysLinks *ln = &cpu->env.sys.links;
    ln->gt_irq[GT_PHYS] = phys;
    ln->gt_irq[GT_VIRT] = virt;
    ln->gt_irq[GT_HYP] = hyp;
    ln->gt_irq[GT_SEC] = sec;
    for (int t = 0; t < GT__COUNT; t++) {
        ln->gt_level[t] = 0;
        irq_set(ln->gt_irq[t], 0);
    }
}

/* ---- registers ------------------------------------------------------------------------------- */

/* row->value: timer index | kind << 4 */
enum { K_CTL, K_CVAL, K_TVAL };

static uint64_t gt_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)ra;
    int t = (int)(r->value & 0xf), k = (int)(r->value >> 4);
    ARMGenericTimer *gt = &env->sys.gt[t];
    switch (k) {
    case K_CTL: {
        uint64_t v = gt->ctl & (CTL_ENABLE | CTL_IMASK);
        if ((gt->ctl & CTL_ENABLE) && gt_count(env, t) >= gt->cval)
            v |= CTL_ISTATUS;
        return v;
    }
    case K_CVAL:
        return gt->cval;
    default:
        return (uint32_t)(gt->cval - gt_count(env, t));
    }
}

static void gt_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    int t = (int)(r->value & 0xf), k = (int)(r->value >> 4);
    ARMGenericTimer *gt = &env->sys.gt[t];
    switch (k) {
    case K_CTL:
        gt->ctl = v & (CTL_ENABLE | CTL_IMASK);
        break;
    case K_CVAL:
        gt->cval = v;
        break;
    default:
        gt->cval = gt_count(env, t) + (uint64_t)(int64_t)(int32_t)v;
        break;
    }
    arm_gt_update(env_archcpu(env), t);
}

/* EL0 access (CNTKCTL_EL1) and EL1/EL0 physical access (CNTHCTL_EL2). */
static void gt_check(CPUARMState *env, const ARMSysReg *r, bool isread, uintptr_t ra)
{
    unsigned el = arm_current_el(env);
    int t = (int)(r->value & 0xf);
    bool pct = r->value == 0xff;          /* CNTPCT_EL0 */
    if (el == 0 && !(arm_hcr(env) & HCR_TGE)) {
        uint64_t k = env->sys.cntkctl_el1;
        bool ok = pct ? (k & CNTKCTL_EL0PCTEN) : t == GT_VIRT ? (k & CNTKCTL_EL0VTEN)
                                                              : (k & CNTKCTL_EL0PTEN);
        if (!ok)
            arm_sysreg_trap(env, r, isread, 1, ra);
    }
    if (el <= 1 && arm_el2_enabled(env) && (t == GT_PHYS || pct)) {
        uint64_t h = env->sys.cnthctl_el2;
        if (!(h & (pct ? CNTHCTL_EL1PCTEN : CNTHCTL_EL1PCEN)))
            arm_sysreg_trap(env, r, isread, 2, ra);
    }
}

/* CNTPS_*: Secure EL1 (with SCR_EL3.ST) and EL3 only */
static void gt_check_secure(CPUARMState *env, const ARMSysReg *r, bool isread, uintptr_t ra)
{
    (void)r;
    (void)isread;
    if (arm_current_el(env) == 1 && (arm_is_ns(env) || !(env->sys.scr_el3 & (1u << 11)))) {
        cpu_restore_state(env_cs(env), ra);
        arm_raise(env, EXCP_UDEF, syn_uncategorized(), 1, 0);
    }
}

static uint64_t cntpct_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)r;
    (void)ra;
    return arm_gt_cntpct(env);
}

static void cntkctl_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.cntkctl_el1 = v & 0x3ff;
    arm_sys_flags_changed(env);
}

static void cnthctl_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.cnthctl_el2 = v & 0xff;
}

static void cntvoff_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.cntvoff_el2 = v;
    arm_gt_update(env_archcpu(env), GT_VIRT);
}

#define GT_ROW(nm, o1, cm, o2, acc, t, k, chk) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, 14, cm, o2), .access = acc, .kind = SRK_FN, \
      .read = gt_read, .write = gt_write, .value = (t) | (k) << 4, .flags = SRF_IO, .check = chk }

static const ARMSysReg timer_sysregs[] = {
    GT_ROW("CNTP_TVAL_EL0", 3, 2, 0, SR_EL0_RW, GT_PHYS, K_TVAL, gt_check),
    GT_ROW("CNTP_CTL_EL0", 3, 2, 1, SR_EL0_RW, GT_PHYS, K_CTL, gt_check),
    GT_ROW("CNTP_CVAL_EL0", 3, 2, 2, SR_EL0_RW, GT_PHYS, K_CVAL, gt_check),
    GT_ROW("CNTV_TVAL_EL0", 3, 3, 0, SR_EL0_RW, GT_VIRT, K_TVAL, gt_check),
    GT_ROW("CNTV_CTL_EL0", 3, 3, 1, SR_EL0_RW, GT_VIRT, K_CTL, gt_check),
    GT_ROW("CNTV_CVAL_EL0", 3, 3, 2, SR_EL0_RW, GT_VIRT, K_CVAL, gt_check),
    GT_ROW("CNTHP_TVAL_EL2", 4, 2, 0, SR_RW(2) | SR_RW(3), GT_HYP, K_TVAL, NULL),
    GT_ROW("CNTHP_CTL_EL2", 4, 2, 1, SR_RW(2) | SR_RW(3), GT_HYP, K_CTL, NULL),
    GT_ROW("CNTHP_CVAL_EL2", 4, 2, 2, SR_RW(2) | SR_RW(3), GT_HYP, K_CVAL, NULL),
    GT_ROW("CNTPS_TVAL_EL1", 7, 2, 0, SR_EL1_RW, GT_SEC, K_TVAL, gt_check_secure),
    GT_ROW("CNTPS_CTL_EL1", 7, 2, 1, SR_EL1_RW, GT_SEC, K_CTL, gt_check_secure),
    GT_ROW("CNTPS_CVAL_EL1", 7, 2, 2, SR_EL1_RW, GT_SEC, K_CVAL, gt_check_secure),
    { .name = "CNTPCT_EL0", .enc = ARM_SYSREG_ENC(3, 3, 14, 0, 1), .access = SR_EL0_R,
      .kind = SRK_FN, .read = cntpct_read, .flags = SRF_IO, .value = 0xff, .check = gt_check },
    { .name = "CNTKCTL_EL1", .enc = ARM_SYSREG_ENC(3, 0, 14, 1, 0), .access = SR_EL1_RW,
      .kind = SRK_FN, .read = arm_sr_read_field, .write = cntkctl_write,
      .offset = ENV_OFS(sys.cntkctl_el1), .flags = SRF_END_TB },
    { .name = "CNTHCTL_EL2", .enc = ARM_SYSREG_ENC(3, 4, 14, 1, 0), .access = SR_RW(2) | SR_RW(3),
      .kind = SRK_FN, .read = arm_sr_read_field, .write = cnthctl_write,
      .offset = ENV_OFS(sys.cnthctl_el2) },
    { .name = "CNTVOFF_EL2", .enc = ARM_SYSREG_ENC(3, 4, 14, 0, 3), .access = SR_RW(2) | SR_RW(3),
      .kind = SRK_FN, .read = arm_sr_read_field, .write = cntvoff_write, .flags = SRF_IO,
      .offset = ENV_OFS(sys.cntvoff_el2) },
};
ARM_SYSREGS(timer_sysregs)
