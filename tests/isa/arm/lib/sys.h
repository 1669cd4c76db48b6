/*
 * sys.h — support for the system-level bare-metal tests (tests/isa/arm/
 * sys_*.c): a vector table that records every exception (ESR, FAR, ELR,
 * SPSR, which vector) and returns past it, running code at EL0, system
 * register access macros, and the GIC/PSCI helpers the interrupt tests
 * share. Include it from exactly one .c file (it defines the vectors).
 *
 * Vector layout: DDI 0487 D1.10.2 (offset 0x000 current EL with SP_EL0,
 * 0x200 current EL with SP_ELx, 0x400 lower EL AArch64; +0x80 IRQ,
 * +0x100 FIQ, +0x180 SError).
 */
#ifndef ISA_SYS_H
#define ISA_SYS_H

#include "lib/test.h"

#define MRS(reg) ({ uint64_t v_; asm volatile("mrs %0, " #reg : "=r"(v_) :: "memory"); v_; })
#define MSR(reg, v) asm volatile("msr " #reg ", %0" :: "r"((uint64_t)(v)) : "memory")
#define ISB() asm volatile("isb" ::: "memory")
#define DSB() asm volatile("dsb sy" ::: "memory")

/* ---- the vectors ---------------------------------------------------------------------- */

typedef struct Frame {
    uint64_t x[31];
    uint64_t pad;
} Frame;

typedef struct Excp {
    unsigned count;      /* exceptions taken so far */
    unsigned vec;        /* vector index 0..15 of the last one */
    unsigned el;         /* the EL it was taken to */
    uint64_t esr, far, elr, spsr;
} Excp;

static volatile Excp last;
/* every exception, in order (the first 32) */
static volatile Excp excp_log[32];
/* When nonzero, the next synchronous exception returns here instead of to
 * ELR + 4 (then it is cleared). */
static volatile uint64_t resume_at;
/* Called for IRQ/FIQ (vector & 3 == 1 or 2) with the vector index. */
static void (*volatile irq_hook)(unsigned vec);

/* vector index: 0..3 cur EL SP0, 4..7 cur EL SPx, 8..11 lower A64; +0 sync,
 * +1 IRQ, +2 FIQ, +3 SError */
#define V_CUR_SP0 0
#define V_CUR_SPX 4
#define V_LOWER 8
#define V_SYNC 0
#define V_IRQ 1
#define V_FIQ 2
#define V_SERR 3

static inline unsigned current_el(void)
{
    return (unsigned)(MRS(CurrentEL) >> 2) & 3;
}

#define EL_REG_READ(name) ({ uint64_t r_; switch (current_el()) { \
    case 3: r_ = MRS(name##_el3); break; case 2: r_ = MRS(name##_el2); break; \
    default: r_ = MRS(name##_el1); } r_; })
#define EL_REG_WRITE(name, v) do { switch (current_el()) { \
    case 3: MSR(name##_el3, v); break; case 2: MSR(name##_el2, v); break; \
    default: MSR(name##_el1, v); } } while (0)

void sys_exception(Frame *f, unsigned vec);
void sys_exception(Frame *f, unsigned vec)
{
    (void)f;
    last.vec = vec;
    last.el = current_el();
    last.esr = EL_REG_READ(esr);
    last.far = EL_REG_READ(far);
    last.elr = EL_REG_READ(elr);
    last.spsr = EL_REG_READ(spsr);
    if (last.count < 32)
        excp_log[last.count] = last;
    last.count++;
    if ((vec & 3) == V_SYNC) {
        unsigned ec = (unsigned)(last.esr >> 26) & 0x3f;
        /* SVC/HVC/SMC return to the next instruction already */
        uint64_t to = resume_at ? resume_at : (ec >= 0x15 && ec <= 0x17) ? last.elr : last.elr + 4;
        resume_at = 0;
        EL_REG_WRITE(elr, to);
        if (ec == 0x0e)   /* Illegal Execution state: return with PSTATE.IL clear */
            EL_REG_WRITE(spsr, last.spsr & ~(1ul << 20));
    } else if (irq_hook) {
        irq_hook(vec);
    }
}

/* EL0 -> EL1 return (SVC #0xfff): back to run_el0's caller. */
extern char el0_return[];

#define VEC_ENTRY(n) \
    ".balign 128\n" \
    "sub sp, sp, #256\n" \
    "stp x0, x1, [sp, #0]\n" \
    "mov x1, #" #n "\n" \
    "b sys_vec_common\n"

asm(".section .text.vectors, \"ax\"\n"
    ".balign 2048\n"
    ".global sys_vectors\n"
    "sys_vectors:\n"
    VEC_ENTRY(0) VEC_ENTRY(1) VEC_ENTRY(2) VEC_ENTRY(3)
    VEC_ENTRY(4) VEC_ENTRY(5) VEC_ENTRY(6) VEC_ENTRY(7)
    VEC_ENTRY(8) VEC_ENTRY(9) VEC_ENTRY(10) VEC_ENTRY(11)
    VEC_ENTRY(12) VEC_ENTRY(13) VEC_ENTRY(14) VEC_ENTRY(15)
    "sys_vec_common:\n"
    "stp x2, x3, [sp, #16]\n"
    "stp x4, x5, [sp, #32]\n"
    "stp x6, x7, [sp, #48]\n"
    "stp x8, x9, [sp, #64]\n"
    "stp x10, x11, [sp, #80]\n"
    "stp x12, x13, [sp, #96]\n"
    "stp x14, x15, [sp, #112]\n"
    "stp x16, x17, [sp, #128]\n"
    "stp x18, x19, [sp, #144]\n"
    "stp x20, x21, [sp, #160]\n"
    "stp x22, x23, [sp, #176]\n"
    "stp x24, x25, [sp, #192]\n"
    "stp x26, x27, [sp, #208]\n"
    "stp x28, x29, [sp, #224]\n"
    "str x30, [sp, #240]\n"
    /* SVC #0xfff from a lower EL: leave EL0 for good (run_el0 returns) */
    "cmp x1, #8\n"
    "b.ne 1f\n"
    "mrs x2, esr_el1\n"
    "movz x3, #0x0fff\n"
    "movk x3, #0x5600, lsl #16\n"
    "cmp x2, x3\n"
    "b.ne 1f\n"
    "adr x2, el0_return\n"
    "msr elr_el1, x2\n"
    "mov x2, #0x3c5\n"
    "msr spsr_el1, x2\n"
    "add sp, sp, #256\n"
    "eret\n"
    "1:\n"
    "mov x0, sp\n"
    "bl sys_exception\n"
    "ldp x2, x3, [sp, #16]\n"
    "ldp x4, x5, [sp, #32]\n"
    "ldp x6, x7, [sp, #48]\n"
    "ldp x8, x9, [sp, #64]\n"
    "ldp x10, x11, [sp, #80]\n"
    "ldp x12, x13, [sp, #96]\n"
    "ldp x14, x15, [sp, #112]\n"
    "ldp x16, x17, [sp, #128]\n"
    "ldp x18, x19, [sp, #144]\n"
    "ldp x20, x21, [sp, #160]\n"
    "ldp x22, x23, [sp, #176]\n"
    "ldp x24, x25, [sp, #192]\n"
    "ldp x26, x27, [sp, #208]\n"
    "ldp x28, x29, [sp, #224]\n"
    "ldr x30, [sp, #240]\n"
    "ldp x0, x1, [sp, #0]\n"
    "add sp, sp, #256\n"
    "eret\n"
    /* run_el0(fn, sp0): run fn at EL0t with SP_EL0 = sp0 (DAIF as daif);
     * fn ends with SVC #0xfff */
    ".global run_el0\n"
    "run_el0:\n"
    "stp x29, x30, [sp, #-96]!\n"
    "stp x19, x20, [sp, #16]\n"
    "stp x21, x22, [sp, #32]\n"
    "stp x23, x24, [sp, #48]\n"
    "stp x25, x26, [sp, #64]\n"
    "stp x27, x28, [sp, #80]\n"
    "adr x3, run_el0_sp\n"
    "mov x4, sp\n"
    "str x4, [x3]\n"
    "msr sp_el0, x1\n"
    "msr elr_el1, x0\n"
    "msr spsr_el1, x2\n"
    "eret\n"
    ".global el0_return\n"
    "el0_return:\n"
    "adr x3, run_el0_sp\n"
    "ldr x4, [x3]\n"
    "mov sp, x4\n"
    "ldp x19, x20, [sp, #16]\n"
    "ldp x21, x22, [sp, #32]\n"
    "ldp x23, x24, [sp, #48]\n"
    "ldp x25, x26, [sp, #64]\n"
    "ldp x27, x28, [sp, #80]\n"
    "ldp x29, x30, [sp], #96\n"
    "ret\n"
    ".balign 8\n"
    "run_el0_sp: .quad 0\n"
    ".text\n");

extern char sys_vectors[];
void run_el0(void (*fn)(void), uint64_t sp0, uint64_t daif);

static inline void install_vectors(void)
{
    EL_REG_WRITE(vbar, (uint64_t)sys_vectors);
    ISB();
}

/* Runs stmt expecting one synchronous exception; returns with last set. */
#define EXPECT_EXCP(stmt) ({ unsigned c_ = last.count; stmt; CHECK(last.count, c_ + 1); })
#define EXPECT_NO_EXCP(stmt) ({ unsigned c_ = last.count; stmt; CHECK(last.count, c_); })

#define ESR_EC(e) ((unsigned)((e) >> 26) & 0x3f)

/* ---- PSCI by HVC ------------------------------------------------------------------------ */

static inline uint64_t hvc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 asm("x0") = fn;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = a2;
    register uint64_t x3 asm("x3") = a3;
    asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
    return x0;
}

static inline uint64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 asm("x0") = fn;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = a2;
    register uint64_t x3 asm("x3") = a3;
    asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
    return x0;
}

/* ---- MMIO ------------------------------------------------------------------------------------ */

static inline void mmio_w32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}
static inline uint32_t mmio_r32(uint64_t a)
{
    return *(volatile uint32_t *)a;
}

/* ---- the virt board's GIC (v2: GICD + GICC MMIO; v3: GICD, GICR, ICC_*) -------------- */

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define GICR 0x080a0000ul
#define GICR_STRIDE 0x20000ul

static inline int gic_is_v3(void)
{
    return ((MRS(id_aa64pfr0_el1) >> 24) & 0xf) != 0;
}

static inline unsigned cpu_index(void)
{
    uint64_t m = MRS(mpidr_el1);
    return (unsigned)(m & 0xff) + 16 * (unsigned)((m >> 8) & 0xff);
}

/* Distributor on (once, by CPU 0) and this CPU's interface. */
static inline void gic_init_dist(void)
{
    if (gic_is_v3())
        mmio_w32(GICD + 0, 0x12);           /* ARE, EnableGrp1 (one security state) */
    else
        mmio_w32(GICD + 0, 1);
}

static inline void gic_init_cpu(void)
{
    if (gic_is_v3()) {
        uint64_t rd = GICR + cpu_index() * GICR_STRIDE;
        mmio_w32(rd + 0x14, mmio_r32(rd + 0x14) & ~2u);          /* WAKER.ProcessorSleep */
        while (mmio_r32(rd + 0x14) & 4)
            ;
        mmio_w32(rd + 0x10000 + 0x80, 0xffffffffu);              /* SGIs/PPIs: group 1 */
        MSR(s3_0_c12_c12_5, 7);                                  /* ICC_SRE_EL1 */
        ISB();
        MSR(s3_0_c4_c6_0, 0xff);                                 /* ICC_PMR_EL1 */
        MSR(s3_0_c12_c12_7, 1);                                  /* ICC_IGRPEN1_EL1 */
        ISB();
    } else {
        mmio_w32(GICC + 4, 0xff);                                /* GICC_PMR */
        mmio_w32(GICC + 0, 1);                                   /* GICC_CTLR */
    }
}

/* Enable SGI/PPI intid (< 32) on this CPU at priority 0x80. */
static inline void gic_enable_private(unsigned intid)
{
    if (gic_is_v3()) {
        uint64_t sgi = GICR + cpu_index() * GICR_STRIDE + 0x10000;
        *(volatile uint8_t *)(sgi + 0x400 + intid) = 0x80;
        mmio_w32(sgi + 0x100, 1u << intid);
    } else {
        *(volatile uint8_t *)(GICD + 0x400 + intid) = 0x80;
        mmio_w32(GICD + 0x100, 1u << intid);
    }
}

/* Acknowledge: the raw IAR value (GICv2 adds the source CPU for SGIs);
 * GIC_INTID() of it is the interrupt; gic_eoi() takes the raw value. */
#define GIC_INTID(v) ((v) & 0x3ffu)
static inline unsigned gic_ack(void)
{
    if (gic_is_v3())
        return (unsigned)MRS(s3_0_c12_c12_0) & 0xffffff;         /* ICC_IAR1_EL1 */
    return mmio_r32(GICC + 0x0c);                                /* GICC_IAR */
}

static inline void gic_eoi(unsigned id)
{
    if (gic_is_v3())
        MSR(s3_0_c12_c12_1, id);                                 /* ICC_EOIR1_EL1 */
    else
        mmio_w32(GICC + 0x10, id);
}

/* SGI intid to CPU cpu (< 16). */
static inline void gic_send_sgi(unsigned cpu, unsigned intid)
{
    DSB();
    if (gic_is_v3())
        MSR(s3_0_c12_c11_5, (uint64_t)intid << 24 | (1ul << cpu));   /* ICC_SGI1R_EL1 */
    else
        mmio_w32(GICD + 0xf00, (1u << (16 + cpu)) | intid);          /* GICD_SGIR */
    ISB();
}

#endif
