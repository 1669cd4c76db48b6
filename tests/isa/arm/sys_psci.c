/*
 * sys_psci.c — PSCI through the virt board's conduit (HVC) with two CPUs:
 * PSCI_VERSION (1.x), PSCI_FEATURES, MIGRATE_INFO_TYPE, AFFINITY_INFO of
 * the powered-off secondary, CPU_ON with an entry point and context ID
 * (the secondary starts at EL1, MMU off, X0 = context, its own MPIDR),
 * ALREADY_ON and INVALID_PARAMETERS, an IPI (SGI) from the secondary
 * waking CPU 0 from WFI, CPU_OFF, a second CPU_ON of the same CPU, and in
 * the end SYSTEM_OFF (the run exits with status 0 after PASS).
 *
 * Expected values: Arm DEN 0022D (PSCI: function IDs, return codes,
 * AFFINITY_INFO states ON 0 / OFF 1); ARM IHI 0048B/0069 (SGIs).
 * The GIC version follows the board (sys_psci_v3.c: GICv3).
 *
 * isa-cpu: cortex-a57
 * isa-args: -M virt -smp 2
 */
#include "lib/sys.h"

#define PSCI_VERSION 0x84000000ul
#define PSCI_CPU_OFF 0x84000002ul
#define PSCI_CPU_ON 0xc4000003ul
#define PSCI_AFFINITY_INFO 0xc4000004ul
#define PSCI_MIGRATE_INFO_TYPE 0x84000006ul
#define PSCI_SYSTEM_OFF 0x84000008ul
#define PSCI_FEATURES 0x8400000aul
#define SGI_WAKE 3

static volatile uint64_t mbox_ctx, mbox_mpidr, mbox_el, mbox_runs, mbox_go;
static volatile unsigned irqs, last_intid;
uint64_t sec_stack[1024] __attribute__((aligned(16)));

void secondary_entry(void);
void secondary_main(uint64_t ctx);

asm(".text\n"
    ".global secondary_entry\n"
    "secondary_entry:\n"
    "adrp x1, sec_stack + 8192\n"
    "add x1, x1, :lo12:sec_stack + 8192\n"
    "mov sp, x1\n"
    "bl secondary_main\n"
    "1: wfi\n"
    "b 1b\n");

void secondary_main(uint64_t ctx)
{
    mbox_mpidr = MRS(mpidr_el1);
    mbox_el = current_el();
    mbox_ctx = ctx;
    gic_init_cpu();
    DSB();
    mbox_runs = mbox_runs + 1;
    gic_send_sgi(0, SGI_WAKE);
    /* stay on until CPU 0 has seen us (so its ALREADY_ON check holds) */
    while (mbox_go != mbox_runs)
        asm volatile("wfe" ::: "memory");
    hvc_call(PSCI_CPU_OFF, 0, 0, 0);
    /* CPU_OFF does not return */
    mbox_ctx = 0xdead;
}

static void on_irq(unsigned vec)
{
    (void)vec;
    unsigned v = gic_ack();
    if (GIC_INTID(v) < 1020) {
        last_intid = GIC_INTID(v);
        gic_eoi(v);
        irqs++;
    }
}

static void bring_up(uint64_t ctx)
{
    unsigned before = irqs;
    uint64_t runs = mbox_runs;
    asm volatile("msr daifclr, #2" ::: "memory");
    CHECK(hvc_call(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, ctx), 0);
    for (unsigned i = 0; i < 1000000 && irqs == before; i++)
        asm volatile("wfi" ::: "memory");
    /* it runs (and waits for us): ALREADY_ON */
    CHECK(hvc_call(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, ctx), (uint64_t)-4);
    CHECK(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0), 0);
    asm volatile("msr daifset, #2" ::: "memory");
    CHECK(irqs, before + 1);
    CHECK(last_intid, SGI_WAKE);
    CHECK(mbox_runs, runs + 1);
    CHECK(mbox_ctx, ctx);
    CHECK(mbox_mpidr & 0xff00ffffff, 1);
    CHECK(mbox_el, 1);
    mbox_go = mbox_runs;
    asm volatile("dsb sy\n sev" ::: "memory");
    /* the secondary turns itself off: AFFINITY_INFO says so eventually */
    uint64_t st = 0;
    for (unsigned i = 0; i < 1000000 && (st = hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0)) != 1; i++)
        asm volatile("yield" ::: "memory");
    CHECK(st, 1);
}

int main(void)
{
    install_vectors();
    irq_hook = on_irq;
    gic_init_dist();
    gic_init_cpu();
    gic_enable_private(SGI_WAKE);

    CHECK(hvc_call(PSCI_VERSION, 0, 0, 0) >> 16, 1);                      /* 1.x */
    CHECK(hvc_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0), 0);
    CHECK(hvc_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), 0);
    CHECK(hvc_call(PSCI_FEATURES, 0x8400001ful, 0, 0), (uint64_t)-1);   /* NOT_SUPPORTED */
    CHECK(hvc_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
    CHECK(hvc_call(PSCI_AFFINITY_INFO, 0, 0, 0), 0);                     /* ON: ourselves */
    CHECK(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0), 1);                     /* OFF */
    CHECK(hvc_call(PSCI_AFFINITY_INFO, 0x77, 0, 0), (uint64_t)-2);       /* no such CPU */
    CHECK(hvc_call(PSCI_CPU_ON, 0x77, (uint64_t)secondary_entry, 0), (uint64_t)-2);

    bring_up(0x1234);
    bring_up(0x5678);                     /* again, after CPU_OFF */

    int r = test_summary(gic_is_v3() ? "sys_psci_v3" : "sys_psci");
    if (r)
        return r;
    hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    sh_write0("FAIL: SYSTEM_OFF returned\n");
    return 1;
}
