/*
 * sys-stub.c — placeholders for the Arm system level (target/arm issue 5:
 * exception entry, MMU, system registers, generic timer). Each function's
 * contract is in sys.h; the system level replaces this file.
 *
 * What the placeholders do: the MMU is off (physical = virtual, RWX, MMU
 * index 0), nothing traps at EL0, no interrupt is ever taken, and an
 * exception ends the run with a message naming it (never continues
 * silently) — enough for bare-metal instruction tests that report through
 * semihosting.
 *
 * Follows DDI 0487 D8.2 (address translation with the MMU disabled:
 * flat mapping, address size fault beyond the physical address size).
 */
#include "core/log.h"
#include "target/arm/sys.h"
#include "target/arm/sysreg.h"

uint32_t arm_sys_tb_flags(CPUARMState *env)
{
    uint32_t f = TBF_UMA | TBF_UCT | TBF_DZE | TBF_UCI | TBF_EL0_TIMER;
    /* CPACR_EL1.FPEN (bits 21:20): 0b11 no trap, 0b01 EL0 traps, else both */
    unsigned fpen = (unsigned)(env->sys.cpacr_el1 >> 20) & 3;
    if (fpen != 3 && !(fpen == 1 && arm_current_el(env) == 1))
        f |= TBF_FP_TRAP;
    return f;
}

/* CPACR_EL1: only FPEN is kept; a write changes the TB flags */
static const ARMSysReg stub_sysregs[] = {
    { .name = "CPACR_EL1", .enc = ARM_SYSREG_ENC(3, 0, 1, 0, 2), .access = SR_EL1_RW,
      .kind = SRK_FIELD, .offset = ENV_OFS(sys.cpacr_el1), .flags = SRF_END_TB },
};
ARM_SYSREGS(stub_sysregs)

static const char *excp_name(int e)
{
    switch (e) {
    case EXCP_UDEF: return "Undefined Instruction";
    case EXCP_SVC: return "SVC";
    case EXCP_HVC: return "HVC";
    case EXCP_SMC: return "SMC";
    case EXCP_BKPT: return "BRK (breakpoint)";
    case EXCP_PREFETCH_ABORT: return "Instruction Abort";
    case EXCP_DATA_ABORT: return "Data Abort";
    case EXCP_IRQ: return "IRQ";
    case EXCP_FIQ: return "FIQ";
    case EXCP_VIRQ: return "virtual IRQ";
    case EXCP_VFIQ: return "virtual FIQ";
    case EXCP_SERROR: return "SError";
    case EXCP_PC_ALIGN: return "PC alignment fault";
    default: return "unknown exception";
    }
}

void arm_deliver_exception(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    CPUARMState *env = &cpu->env;
    unsigned ec = env->exception.syndrome >> ESR_EC_SHIFT;
    fprintf(stderr,
            "ferry: cpu %d: %s exception%s at pc %#" PRIx64 " (ESR %#x, EC %#x, FAR %#" PRIx64
            ", insn %08x, EL%u): exception entry is not implemented yet; stopping\n",
            cs->index, excp_name(cs->exception_index),
            ec == EC_FP_ACCESS ? " (FP/SIMD access trapped: CPACR_EL1.FPEN)" :
            ec == EC_SYSREG ? " (system register access trapped)" : "",
            env->pc, env->exception.syndrome, ec, env->exception.vaddress, env->exception.insn,
            arm_current_el(env));
    cs->hooks->dump_state(cs, stderr);
    arm_cpu_end_run(cpu, 3);
}

bool arm_exec_interrupt(ARMCPU *cpu, uint32_t interrupt_request)
{
    (void)cpu;
    (void)interrupt_request;
    return false;
}

bool arm_has_work(ARMCPU *cpu)
{
    uint32_t req = __atomic_load_n(&cpu->parent.interrupt_request, __ATOMIC_SEQ_CST);
    return (req & (CPU_INTERRUPT_HARD | CPU_INTERRUPT_FIQ | CPU_INTERRUPT_VIRQ |
                   CPU_INTERRUPT_VFIQ | CPU_INTERRUPT_VSERR)) != 0;
}

bool arm_tlb_fill(CPUState *cs, uint64_t vaddr, MMUAccessType type, int mmu_idx, bool probe,
                  uintptr_t ra, TLBFill *out)
{
    (void)mmu_idx;
    if (vaddr >> 48) {
        if (probe)
            return false;
        qlog(LOG_MMU, "MMU off: address %#" PRIx64 " beyond the physical address space\n", vaddr);
        arm_raise_abort(&arm_cpu(cs)->env, vaddr, type, 0x00 /* address size fault, level 0 */, ra);
    }
    out->phys = vaddr & TARGET_PAGE_MASK;
    out->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    out->lg_page_size = TARGET_PAGE_BITS;
    return true;
}

void arm_sys_reset(ARMCPU *cpu)
{
    cpu->env.sys.cpacr_el1 = 0;   /* FP/SIMD traps until enabled, as on reset */
}

uint64_t arm_cntfrq(CPUARMState *env)
{
    (void)env;
    return 62500000;
}

uint64_t arm_cntvct(CPUARMState *env)
{
    (void)env;
    return (uint64_t)host_monotonic_ns() / 16;   /* 62.5 MHz */
}
