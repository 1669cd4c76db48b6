/*
 * sys_timer.c — the generic timer through the virt board's GICv2
 * (sys_timer_v3.c: the same with GICv3 and its ICC_* registers): the
 * counter frequency and the physical/virtual counts, the virtual (PPI 27)
 * and EL1 physical (PPI 30) timers firing an IRQ that WFI waits for,
 * ISTATUS and IMASK, TVAL as a down-counter and CVAL in the past, WFI
 * waking on a pending interrupt while PSTATE.I masks it (ISR_EL1 shows
 * it, unmasking takes it), and IRQ entry/return state (vector, SPSR).
 *
 * Expected behaviour: DDI 0487 D11 (TimerConditionMet: count >= CVAL;
 * ISTATUS; IMASK), C6.2.x WFI (wakes on a pending interrupt regardless of
 * masking), D1.10 (IRQ vector offset 0x280 from EL1 with SP_EL1); ARM IHI
 * 0048B / 0069 (acknowledge, end of interrupt). No check depends on how
 * fast time passes: only on the order of events.
 *
 * isa-cpu: cortex-a57
 * isa-args: -M virt
 */
#include "lib/sys.h"

#define PPI_PHYS 30
#define PPI_VIRT 27
#define CTL_ENABLE 1ul
#define CTL_IMASK 2ul
#define CTL_ISTATUS 4ul

static volatile unsigned irqs, last_intid;
static volatile uint64_t ctl_at_irq;

static void on_irq(unsigned vec)
{
    (void)vec;
    unsigned v = gic_ack();
    unsigned id = GIC_INTID(v);
    last_intid = id;
    if (id == PPI_VIRT) {
        ctl_at_irq = MRS(cntv_ctl_el0);
        MSR(cntv_ctl_el0, 0);          /* drop the level */
    } else if (id == PPI_PHYS) {
        ctl_at_irq = MRS(cntp_ctl_el0);
        MSR(cntp_ctl_el0, 0);
    }
    if (id < 1020) {
        gic_eoi(v);
        irqs++;
    }
}

/* Wait with WFI until an IRQ was handled (bounded: a lost wake-up fails). */
static int wait_irq(unsigned before)
{
    for (unsigned i = 0; i < 1000000 && irqs == before; i++)
        asm volatile("wfi" ::: "memory");
    return irqs != before;
}

static void counters(void)
{
    CHECK(MRS(cntfrq_el0), 62500000);
    uint64_t a = MRS(cntvct_el0), b = MRS(cntpct_el0), c = MRS(cntvct_el0);
    CHECK(a <= c, 1);
    CHECK(a <= b && b <= c, 1);          /* CNTVOFF_EL2 is 0 */
    /* TVAL counts down towards CVAL */
    MSR(cntv_cval_el0, MRS(cntvct_el0) + 1000000000ul);
    uint64_t t1 = MRS(cntv_tval_el0), t2 = MRS(cntv_tval_el0);
    CHECK(t1 >= t2, 1);
    CHECK(t1 <= 1000000000ul, 1);
    /* CVAL in the past: the condition holds at once */
    MSR(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
    MSR(cntv_cval_el0, 0);
    ISB();
    CHECK(MRS(cntv_ctl_el0), CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
    MSR(cntv_ctl_el0, 0);
    CHECK(MRS(cntv_ctl_el0), 0);          /* disabled: no ISTATUS */
}

static void fire(const char *what, unsigned ppi)
{
    unsigned before = irqs;
    unsigned c = last.count;
    asm volatile("msr daifset, #2" ::: "memory");
    if (ppi == PPI_VIRT) {
        MSR(cntv_tval_el0, 62500);       /* 1 ms */
        MSR(cntv_ctl_el0, CTL_ENABLE);
    } else {
        MSR(cntp_tval_el0, 62500);
        MSR(cntp_ctl_el0, CTL_ENABLE);
    }
    ISB();
    asm volatile("msr daifclr, #2" ::: "memory");
    CHECK(wait_irq(before), 1);
    asm volatile("msr daifset, #2" ::: "memory");
    CHECK(last_intid, ppi);
    CHECK(ctl_at_irq, CTL_ENABLE | CTL_ISTATUS);
    CHECK(last.count, c + 1);
    CHECK(last.vec, V_CUR_SPX + V_IRQ);
    CHECK(last.spsr & 0x08f, 0x005);      /* EL1h, I was clear when it came */
    sh_write0("  ");
    sh_write0(what);
    sh_write0(" timer fired\n");
}

static void masked_wake(void)
{
    unsigned before = irqs;
    asm volatile("msr daifset, #2" ::: "memory");
    MSR(cntv_tval_el0, 62500);
    MSR(cntv_ctl_el0, CTL_ENABLE);
    ISB();
    /* WFI returns once the interrupt is pending, though masked */
    for (unsigned i = 0; i < 1000000 && !(MRS(isr_el1) & 0x80); i++)
        asm volatile("wfi" ::: "memory");
    CHECK(MRS(isr_el1) & 0x80, 0x80);
    CHECK(MRS(cntv_ctl_el0), CTL_ENABLE | CTL_ISTATUS);
    CHECK(irqs, before);                  /* not taken while masked */
    asm volatile("msr daifclr, #2\n isb" ::: "memory");
    asm volatile("msr daifset, #2" ::: "memory");
    CHECK(irqs, before + 1);              /* taken as soon as unmasked */
    CHECK(last_intid, PPI_VIRT);
}

static void imask(void)
{
    unsigned before = irqs;
    asm volatile("msr daifclr, #2" ::: "memory");
    MSR(cntv_tval_el0, 6250);
    MSR(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
    ISB();
    while (!(MRS(cntv_ctl_el0) & CTL_ISTATUS))
        ;
    ISB();
    CHECK(irqs, before);                  /* IMASK: the condition holds, no interrupt */
    CHECK(MRS(isr_el1) & 0x80, 0);
    MSR(cntv_ctl_el0, 0);
    asm volatile("msr daifset, #2" ::: "memory");
}

int main(void)
{
    install_vectors();
    irq_hook = on_irq;
    gic_init_dist();
    gic_init_cpu();
    gic_enable_private(PPI_VIRT);
    gic_enable_private(PPI_PHYS);
    counters();
    fire("virtual", PPI_VIRT);
    fire("EL1 physical", PPI_PHYS);
    masked_wake();
    imask();
    return test_summary(gic_is_v3() ? "sys_timer_v3" : "sys_timer");
}
