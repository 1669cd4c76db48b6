/*
 * sys_excp.c — exception entry and return at the EL the program starts in
 * (EL1 here; sys_excp_el2.c and sys_excp_el3.c run the same checks at EL2
 * and EL3): SVC, HVC and SMC (taken, or Undefined where that EL does not
 * exist), BRK, UDF, unknown and higher-EL system registers, data aborts
 * (address size fault with the MMU off, alignment fault with SCTLR.A),
 * PC alignment, vector selection by SPSel, SPSR/ELR/ESR/FAR values, DAIF
 * on entry and restored by ERET, illegal exception returns (to an
 * unimplemented EL and to AArch32: PSTATE.IL, then EC 0x0E), and at EL1
 * the lower-EL vectors from EL0 (SVC, Undefined system registers, the
 * DAIF trap of SCTLR_EL1.UMA = 0).
 *
 * Expected values: DDI 0487 D1.10 (vector offsets, PSTATE on entry),
 * D17.2.37 (ESR_ELx: EC, IL, ISS of each class), D1.11.5 (illegal
 * returns), C5.2.x (SPSR layout).
 *
 * isa-cpu: cortex-a57
 */
#include "lib/sys.h"

#define IL (1u << 25)
#define EC(x) ((uint64_t)(x) << 26)
/* a data abort's ESR without the optional instruction syndrome (ISV..AR,
 * bits 24:14: ferry leaves ISV 0, QEMU fills it in at EL2) */
#define DABT(e) ((e) & ~0x01ffc000ul)

static uint64_t el0_stack[512] __attribute__((aligned(16)));
static uint64_t sp0_stack[512] __attribute__((aligned(16)));
static volatile uint64_t scratch[4] __attribute__((aligned(16)));

static void exception_generation(unsigned el)
{
    uint64_t a;
    /* SVC: current EL, SP_ELx, preferred return = the next instruction */
    EXPECT_EXCP(asm volatile("adr %0, 1f\n svc #0x123\n 1:" : "=r"(a) :: "memory"));
    CHECK(last.vec, V_CUR_SPX + V_SYNC);
    CHECK(last.el, el);
    CHECK(last.esr, EC(0x15) | IL | 0x123);
    CHECK(last.elr, a);
    CHECK(last.spsr & 0xf, (el << 2) | 1);        /* ELxh */

    /* BRK: preferred return = the BRK */
    EXPECT_EXCP(asm volatile("adr %0, 1f\n 1: brk #0x42" : "=r"(a) :: "memory"));
    CHECK(last.esr, EC(0x3c) | IL | 0x42);
    CHECK(last.elr, a);

    /* UDF: Unknown reason, IL = 1 */
    EXPECT_EXCP(asm volatile("adr %0, 1f\n 1: .inst 0x00000000" : "=r"(a) :: "memory"));
    CHECK(last.esr, EC(0) | IL);
    CHECK(last.elr, a);

    /* HVC: to EL2 when it exists (at EL3 only with SCR_EL3.HCE, 0 at
     * reset), else Undefined at the HVC itself — unless a board's PSCI
     * conduit answers it (QEMU's rule: every HVC then is a PSCI call, and
     * function 0 is NOT_SUPPORTED) */
    unsigned c = last.count;
    uint64_t r;
    asm volatile("mov x0, xzr\n adr %0, 1f\n 1: hvc #0x77\n mov %1, x0" : "=r"(a), "=r"(r) :: "x0",
                 "memory");
    if (last.count == c && el == 1) {
        CHECK(r, ~0ul);     /* answered by the emulated firmware */
    } else {
        CHECK(last.count, c + 1);
        if (el == 2) {
            CHECK(last.esr, EC(0x16) | IL | 0x77);
            CHECK(last.elr, a + 4);
        } else {
            CHECK(last.esr, EC(0) | IL);
            CHECK(last.elr, a);
        }
    }
    /* SMC: to EL3 when it exists, else Undefined — or a PSCI conduit's */
    c = last.count;
    asm volatile("mov x0, xzr\n adr %0, 1f\n 1: smc #0x55\n mov %1, x0" : "=r"(a), "=r"(r) :: "x0",
                 "memory");
    if (last.count == c && el < 3) {
        CHECK(r, ~0ul);
    } else {
        CHECK(last.count, c + 1);
        if (el == 3) {
            CHECK(last.esr, EC(0x17) | IL | 0x55);
            CHECK(last.elr, a + 4);
        } else {
            CHECK(last.esr, EC(0) | IL);
            CHECK(last.elr, a);
        }
    }
}

static void system_registers(unsigned el)
{
    uint64_t a;
    /* an encoding no register has: Undefined */
    EXPECT_EXCP(asm volatile("adr %0, 1f\n 1: mrs x0, s3_0_c15_c15_7" : "=r"(a) :: "x0", "memory"));
    CHECK(last.esr, EC(0) | IL);
    CHECK(last.elr, a);
    /* a register of a higher (or absent) EL: Undefined */
    if (el < 3) {
        EXPECT_EXCP(asm volatile("mrs x0, scr_el3" ::: "x0", "memory"));
        CHECK(last.esr, EC(0) | IL);
    }
    if (el < 2) {
        EXPECT_EXCP(asm volatile("mrs x0, hcr_el2" ::: "x0", "memory"));
        CHECK(last.esr, EC(0) | IL);
    }
    /* this EL's own registers read back */
    uint64_t old = EL_REG_READ(far);
    EL_REG_WRITE(far, 0x1234567890ul);
    CHECK(EL_REG_READ(far), 0x1234567890ul);
    EL_REG_WRITE(far, old);
}

static void aborts(unsigned el)
{
    uint64_t a, v;
    /* MMU off: beyond the 44-bit physical address space, an address size
     * fault at level 0 (DFSC 0b000000) */
    uint64_t bad = 1ul << 47;
    EXPECT_EXCP(asm volatile("adr %0, 1f\n 1: ldr %1, [%2]" : "=&r"(a), "=&r"(v) : "r"(bad) : "memory"));
    CHECK(DABT(last.esr), EC(0x25) | IL | 0x00);
    CHECK(last.far, bad);
    CHECK(last.elr, a);
    EXPECT_EXCP(asm volatile("str xzr, [%0]" :: "r"(bad + 8) : "memory"));
    CHECK(DABT(last.esr), EC(0x25) | IL | 0x40 | 0x00);   /* WnR */
    CHECK(last.far, bad + 8);

    /* SCTLR_ELx.A: misaligned loads fault (DFSC 0b100001) */
    uint64_t sctlr = EL_REG_READ(sctlr);
    EL_REG_WRITE(sctlr, sctlr | 2);
    ISB();
    uint64_t p = (uint64_t)&scratch[0] + 1;
    EXPECT_EXCP(asm volatile("adr %0, 1f\n 1: ldr %1, [%2]" : "=&r"(a), "=&r"(v) : "r"(p) : "memory"));
    CHECK(DABT(last.esr), EC(0x25) | IL | 0x21);
    CHECK(last.far, p);
    CHECK(last.elr, a);
    EL_REG_WRITE(sctlr, sctlr);
    ISB();
    EXPECT_NO_EXCP(asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory"));

    /* PC alignment: FAR and ELR are the misaligned target */
    uint64_t target, back;
    asm volatile("adr %0, 1f\n add %0, %0, #2\n adr %1, 2f\n" : "=r"(target), "=r"(back));
    resume_at = back;
    EXPECT_EXCP(asm volatile("br %0\n 1: nop\n nop\n 2:" :: "r"(target) : "memory"));
    CHECK(last.esr, EC(0x22) | IL);
    CHECK(last.far, target);
    CHECK(last.elr, target);
    (void)el;
}

static void vectors_and_pstate(unsigned el)
{
    /* SPSel = 0: the "current EL with SP_EL0" vectors */
    uint64_t sp0 = (uint64_t)&sp0_stack[512];
    MSR(sp_el0, sp0);
    EXPECT_EXCP(asm volatile("msr spsel, #0\n svc #1\n msr spsel, #1" ::: "memory"));
    CHECK(last.vec, V_CUR_SP0 + V_SYNC);
    CHECK(last.spsr & 0xf, el << 2);                  /* ELxt */
    CHECK(MRS(sp_el0), sp0);

    /* DAIF: saved in SPSR, all set on entry, restored by ERET */
    asm volatile("msr daifclr, #0xf\n msr daifset, #0x5" ::: "memory");   /* A and F */
    EXPECT_EXCP(asm volatile("svc #2" ::: "memory"));
    CHECK(last.spsr & 0x3c0, 0x140);
    CHECK(MRS(daif), 0x140);
    asm volatile("msr daifset, #0xf" ::: "memory");

    /* NZCV round trip */
    uint64_t f;
    EXPECT_EXCP(asm volatile("msr nzcv, %1\n svc #3\n mrs %0, nzcv" : "=r"(f)
                             : "r"(0x90000000ul) : "memory", "cc"));
    CHECK(last.spsr >> 28, 0x9);
    CHECK(f, 0x90000000ul);
}

/* Returns through an illegal ERET: SPSR gets M = spsr_m. */
static void illegal_return(uint64_t spsr_m)
{
    uint64_t target;
    asm volatile("adr %0, 1f" : "=r"(target));
    EL_REG_WRITE(elr, target);
    EL_REG_WRITE(spsr, spsr_m | 0x3c0);
    EXPECT_EXCP(asm volatile("eret\n 1: nop\n nop" ::: "memory"));
    CHECK(ESR_EC(last.esr), 0x0e);
    CHECK(last.esr, EC(0x0e) | IL);
    CHECK(last.elr, target);                          /* where the ERET went */
    CHECK(last.spsr & (1u << 20), 1u << 20);          /* PSTATE.IL was set */
    CHECK(last.spsr & 0xc, current_el() << 2);        /* the EL did not change */
}

static void illegal_returns(unsigned el)
{
    if (el < 3)
        illegal_return(0xd);      /* EL3h: higher than the current EL */
    if (el == 1)
        illegal_return(0x9);      /* EL2h: not implemented */
    if ((MRS(id_aa64pfr0_el1) & 0xf) == 1)
        illegal_return(0x10);     /* AArch32 User, where EL0 is AArch64-only */
    illegal_return(0x6);          /* M[1] set: reserved */
}

/* ---- EL0 ---------------------------------------------------------------------------------- */

void el0_body(void);
asm(".text\n"
    ".global el0_body\n"
    "el0_body:\n"
    "svc #7\n"
    "mrs x0, sctlr_el1\n"       /* EL1 register: Undefined */
    "mrs x0, midr_el1\n"        /* EL1 ID register: Undefined at EL0 */
    "msr daifset, #2\n"         /* SCTLR_EL1.UMA = 0: trapped, EC 0x18 */
    "mrs x0, tpidr_el0\n"       /* allowed */
    "svc #0xfff\n");

static void el0(void)
{
    unsigned c = last.count;
    run_el0(el0_body, (uint64_t)&el0_stack[512], 0x3c0);
    CHECK(last.count, c + 4);
    if (last.count != c + 4)
        return;
    CHECK(excp_log[c].vec, V_LOWER + V_SYNC);
    CHECK(excp_log[c].esr, EC(0x15) | IL | 7);
    CHECK(excp_log[c].spsr & 0xf, 0);                /* EL0t */
    CHECK(excp_log[c + 1].vec, V_LOWER + V_SYNC);
    CHECK(excp_log[c + 1].esr, EC(0) | IL);
    CHECK(excp_log[c + 2].esr, EC(0) | IL);
    /* MSR DAIFSet: Op0 0, Op2 6, Op1 3, CRn 4, Rt 31, CRm 2, write (ISS
     * layout of D17.2.37 for EC 0x18; QEMU 7.2 reports Op1 and Op2 swapped
     * here, 0x620793e4: check-isa-qemu shows that one difference) */
    CHECK(excp_log[c + 3].esr, EC(0x18) | IL | 6u << 17 | 3u << 14 | 4u << 10 | 31u << 5 | 2u << 1);
}

int main(void)
{
    unsigned el = current_el();
    install_vectors();
    exception_generation(el);
    system_registers(el);
    aborts(el);
    vectors_and_pstate(el);
    illegal_returns(el);
    if (el == 1)
        el0();
    return test_summary(el == 1 ? "sys_excp" : el == 2 ? "sys_excp_el2" : "sys_excp_el3");
}
