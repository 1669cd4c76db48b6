/*
 * excp.c — the AArch64 exception model: taking synchronous exceptions
 * (routing, syndromes, vectors), IRQ/FIQ/SError and their virtual forms
 * (routing by SCR_EL3/HCR_EL2 and masking by PSTATE.DAIF), exception
 * return (ERET, including illegal returns), the PSTATE fields written by
 * MSR (immediate) that the system level adds (PAN, UAO, SSBS), and the
 * CPU's interrupt inputs.
 *
 * Follows DDI 0487 (A-profile ARM ARM):
 *   D1.10   exception entry: AArch64.TakeException (SPSR, ELR, PSTATE on
 *           entry: DAIF, SPSel, PAN per SCTLR_ELx.SPAN, UAO, SS, IL,
 *           SSBS per SCTLR_ELx.DSSBS), the vector table offsets
 *           (current EL with SP_EL0 0x000, with SP_ELx 0x200, lower EL
 *           using AArch64 0x400; +0x80 IRQ, +0x100 FIQ, +0x180 SError)
 *   D1.11   exception return: AArch64.ExceptionReturn, IllegalExceptionReturn
 *           (return to an unimplemented or higher EL, to EL1 with
 *           HCR_EL2.TGE, to AArch32, reserved M values: PSTATE.IL = 1,
 *           then the Illegal Execution state exception, EC 0x0E)
 *   D1.3.6  asynchronous exception routing and masking (tables D1-13..15):
 *           SCR_EL3.{IRQ,FIQ,EA} route to EL3, HCR_EL2.{IMO,FMO,AMO,TGE} to
 *           EL2; an interrupt whose target is below the current EL stays
 *           pending; PSTATE masks it only when taken to the current EL or
 *           to EL1 from EL0; virtual interrupts (HCR_EL2.VI/VF/VSE) only at
 *           EL0/EL1 with the matching *MO bit and TGE clear
 *   D17.2.37 ESR_ELx (EC values; lower-EL abort classes)
 *   C6.2.1x HVC/SMC: UNDEFINED without EL2/EL3 or when disabled
 *           (SCR_EL3.HCE, SCR_EL3.SMD, HCR_EL2.HCD); SMC at EL1 traps to
 *           EL2 with HCR_EL2.TSC (preferred return: the SMC itself)
 *
 * AArch32 is not implemented at any EL: an exception return to AArch32 is
 * an illegal return (as the ARM ARM says for an EL that cannot use
 * AArch32) and is logged under -d unimp.
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"
#include "target/arm/translate.h"

/* ---- helpers ----------------------------------------------------------------------- */

unsigned arm_excp_target_el(CPUARMState *env, unsigned el)
{
    if (el == 0)
        return (arm_hcr(env) & HCR_TGE) ? 2 : 1;
    return el;
}

/* PSTATE bits that exist on this CPU (SPSR layout, NZCV included). */
static uint64_t pstate_valid_mask(ARMCPU *cpu)
{
    uint64_t m = PSTATE_NZCV | PSTATE_DAIF | PSTATE_SP | PSTATE_EL_MASK | PSTATE_nRW |
                 PSTATE_IL | PSTATE_SS;
    if (arm_has(cpu, ARM_FEAT_PAN))
        m |= PSTATE_PAN;
    if (arm_has(cpu, ARM_FEAT_UAO))
        m |= PSTATE_UAO;
    if (arm_has(cpu, ARM_FEAT_SSBS))
        m |= PSTATE_SSBS;
    return m;
}

static const char *excp_name(int e)
{
    switch (e) {
    case EXCP_UDEF: return "Undefined/trap";
    case EXCP_SVC: return "SVC";
    case EXCP_HVC: return "HVC";
    case EXCP_SMC: return "SMC";
    case EXCP_BKPT: return "BRK";
    case EXCP_PREFETCH_ABORT: return "Instruction Abort";
    case EXCP_DATA_ABORT: return "Data Abort";
    case EXCP_PC_ALIGN: return "PC alignment fault";
    default: return "exception";
    }
}

/* ---- taking an exception ------------------------------------------------------------- */

void arm_take_exception(ARMCPU *cpu, unsigned target_el, unsigned type, uint32_t esr, bool set_esr,
                        uint64_t far, bool set_far, uint64_t ret_addr)
{
    CPUARMState *env = &cpu->env;
    unsigned cur = arm_current_el(env);
    if (target_el < cur)
        target_el = cur;   /* never taken to a lower EL */
    if (target_el > arm_highest_el(env))
        target_el = arm_highest_el(env);
    if (target_el == 0)
        target_el = 1;

    unsigned offset;
    if (target_el > cur)
        offset = 0x400;                      /* lower EL using AArch64 */
    else
        offset = (env->pstate & PSTATE_SP) ? 0x200 : 0;

    if (set_esr) {
        unsigned ec = esr >> ESR_EC_SHIFT;
        if (target_el > cur && (ec == EC_INSN_ABORT || ec == EC_DATA_ABORT))
            esr = (esr & ~(0x3fu << ESR_EC_SHIFT)) | (uint32_t)(ec - 1) << ESR_EC_SHIFT;
        env->sys.esr[target_el] = esr;
    }
    if (set_far)
        env->sys.far[target_el] = far;
    env->sys.spsr[target_el] = arm_pstate_read(env);
    env->sys.elr[target_el] = ret_addr;

    uint64_t ps = env->pstate & (PSTATE_PAN | PSTATE_DIT);
    ps |= (uint64_t)target_el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
    if (target_el == 1 && arm_has(cpu, ARM_FEAT_PAN) && !(env->sys.sctlr[1] & SCTLR_SPAN))
        ps |= PSTATE_PAN;
    if (arm_has(cpu, ARM_FEAT_SSBS) && (env->sys.sctlr[target_el] & SCTLR_DSSBS))
        ps |= PSTATE_SSBS;
    arm_set_pstate(env, ps);
    env->pc = (env->sys.vbar[target_el] & ~0x7ffull) + offset + type;
    env->excl_addr = ARM_EXCL_NONE;
    arm_sys_flags_changed(env);
    qlog(LOG_INT, "cpu %d: exception %#x (ESR %#x) from EL%u to EL%u, ELR %#" PRIx64
         " -> %#" PRIx64 "\n", cpu->parent.index, type, esr, cur, target_el, ret_addr, env->pc);
}

static void take_undef(ARMCPU *cpu, uint64_t ret_addr)
{
    CPUARMState *env = &cpu->env;
    unsigned cur = arm_current_el(env);
    arm_take_exception(cpu, arm_excp_target_el(env, cur), 0, syn_uncategorized(), true, 0, false,
                       ret_addr);
}

/* Where an FP/SIMD access trap goes: CPACR_EL1 (EL0/EL1), then
 * CPTR_EL2.TFP (EL0..EL2), then CPTR_EL3.TFP. */
static unsigned fp_trap_el(CPUARMState *env)
{
    unsigned el = arm_current_el(env);
    if (el <= 1) {
        unsigned fpen = (unsigned)(env->sys.cpacr_el1 >> CPACR_FPEN_SHIFT) & 3;
        if (fpen == 0 || fpen == 2 || (fpen == 1 && el == 0))
            return arm_excp_target_el(env, el);
    }
    if (el <= 2 && arm_el2_enabled(env) && (env->sys.cptr_el2 & CPTR_TFP))
        return 2;
    if (arm_has_el3(env) && (env->sys.cptr_el3 & CPTR_TFP))
        return 3;
    return arm_excp_target_el(env, el);
}

void arm_deliver_exception(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    CPUARMState *env = &cpu->env;
    int excp = cs->exception_index;
    unsigned cur = arm_current_el(env);
    uint32_t esr = env->exception.syndrome;
    unsigned target = env->exception.target_el;
    unsigned def = arm_excp_target_el(env, cur);
    uint64_t hcr = arm_hcr(env);

    switch (excp) {
    case EXCP_HVC:
        /* env->pc is the next instruction */
        if (env->sys.links.psci_conduit == ARM_PSCI_HVC && cur >= 1 && arm_psci_call(cpu, false))
            return;
        if (!arm_has_el2(env) || (arm_has_el3(env) && !(env->sys.scr_el3 & SCR_HCE)) ||
            (cur == 1 && (hcr & HCR_HCD)) || !arm_el2_enabled(env)) {
            qlog(LOG_INT, "cpu %d: HVC at EL%u is Undefined (EL2 absent or disabled)\n", cs->index,
                 cur);
            take_undef(cpu, env->pc - 4);
            return;
        }
        arm_take_exception(cpu, cur == 3 ? 3 : 2, 0, esr, true, 0, false, env->pc);
        return;
    case EXCP_SMC:
        if (cur == 1 && (hcr & HCR_TSC)) {
            /* trapped to EL2: the preferred return address is the SMC */
            arm_take_exception(cpu, 2, 0, esr, true, 0, false, env->pc - 4);
            return;
        }
        if (env->sys.links.psci_conduit == ARM_PSCI_SMC && arm_psci_call(cpu, true))
            return;
        if (!arm_has_el3(env) || (env->sys.scr_el3 & SCR_SMD)) {
            qlog(LOG_INT, "cpu %d: SMC at EL%u is Undefined (EL3 absent or SCR_EL3.SMD)\n",
                 cs->index, cur);
            take_undef(cpu, env->pc - 4);
            return;
        }
        arm_take_exception(cpu, 3, 0, esr, true, 0, false, env->pc);
        return;
    case EXCP_SVC:
        arm_take_exception(cpu, def, 0, esr, true, 0, false, env->pc);
        return;
    case EXCP_UDEF:
        if ((esr >> ESR_EC_SHIFT) == EC_FP_ACCESS)
            target = fp_trap_el(env);
        else if (target <= 1)
            target = def;
        arm_take_exception(cpu, target, 0, esr, true, 0, false, env->pc);
        return;
    case EXCP_BKPT:
        arm_take_exception(cpu, def, 0, esr, true, 0, false, env->pc);
        return;
    case EXCP_PC_ALIGN:
        arm_take_exception(cpu, def, 0, esr, true, env->pc, true, env->pc);
        return;
    case EXCP_PREFETCH_ABORT:
    case EXCP_DATA_ABORT:
        if (target <= 1)
            target = def;
        arm_take_exception(cpu, target, 0, esr, true, env->exception.vaddress, true, env->pc);
        return;
    default:
        fprintf(stderr, "ferry: cpu %d: %s (%d) at pc %#" PRIx64 " cannot be delivered; stopping\n",
                cs->index, excp_name(excp), excp, env->pc);
        cs->hooks->dump_state(cs, stderr);
        arm_cpu_end_run(cpu, 3);
        return;
    }
}

/* ---- interrupts ----------------------------------------------------------------------------- */

/* The EL a physical IRQ (fiq false) or FIQ goes to now, or false if it
 * cannot be taken (routed below the current EL, or masked). */
static bool phys_target(CPUARMState *env, bool fiq, unsigned *t)
{
    unsigned cur = arm_current_el(env);
    uint64_t hcr = arm_hcr(env);
    unsigned target;
    if (arm_has_el3(env) && (env->sys.scr_el3 & (fiq ? SCR_FIQ : SCR_IRQ)))
        target = 3;
    else if (hcr & ((fiq ? HCR_FMO : HCR_IMO) | HCR_TGE))
        target = 2;
    else
        target = 1;
    if (target < cur)
        return false;
    bool masked = (env->pstate & (fiq ? PSTATE_F : PSTATE_I)) && (target == cur || target == 1);
    if (masked)
        return false;
    *t = target;
    return true;
}

/* Virtual interrupts: EL0/EL1 only, with the routing bit set and TGE clear. */
static bool virt_ok(CPUARMState *env, uint64_t mo_bit, uint64_t pstate_bit)
{
    uint64_t hcr = arm_hcr(env);
    return arm_current_el(env) <= 1 && (hcr & mo_bit) && !(hcr & HCR_TGE) &&
           !(env->pstate & pstate_bit);
}

bool arm_exec_interrupt(ARMCPU *cpu, uint32_t req)
{
    CPUARMState *env = &cpu->env;
    unsigned t;
    if ((req & CPU_INTERRUPT_FIQ) && phys_target(env, true, &t)) {
        arm_take_exception(cpu, t, 0x100, 0, false, 0, false, env->pc);
        return true;
    }
    if ((req & CPU_INTERRUPT_HARD) && phys_target(env, false, &t)) {
        arm_take_exception(cpu, t, 0x80, 0, false, 0, false, env->pc);
        return true;
    }
    if ((req & CPU_INTERRUPT_VSERR) && virt_ok(env, HCR_AMO, PSTATE_A)) {
        env->sys.hcr_el2 &= ~HCR_VSE;
        arm_update_virq(cpu);
        /* ESR: EC SError, ISS from VSESR_EL2 (not implemented: 0, IDS 0) */
        arm_take_exception(cpu, 1, 0x180, (uint32_t)EC_SERROR << ESR_EC_SHIFT | ESR_IL, true, 0,
                           false, env->pc);
        return true;
    }
    if ((req & CPU_INTERRUPT_VFIQ) && virt_ok(env, HCR_FMO, PSTATE_F)) {
        arm_take_exception(cpu, 1, 0x100, 0, false, 0, false, env->pc);
        return true;
    }
    if ((req & CPU_INTERRUPT_VIRQ) && virt_ok(env, HCR_IMO, PSTATE_I)) {
        arm_take_exception(cpu, 1, 0x80, 0, false, 0, false, env->pc);
        return true;
    }
    return false;
}

bool arm_has_work(ARMCPU *cpu)
{
    uint32_t req = __atomic_load_n(&cpu->parent.interrupt_request, __ATOMIC_SEQ_CST);
    return (req & (CPU_INTERRUPT_HARD | CPU_INTERRUPT_FIQ | CPU_INTERRUPT_VIRQ |
                   CPU_INTERRUPT_VFIQ | CPU_INTERRUPT_VSERR)) != 0;
}

static void set_req(CPUState *cs, uint32_t bit, bool on)
{
    bool was = (__atomic_load_n(&cs->interrupt_request, __ATOMIC_SEQ_CST) & bit) != 0;
    if (on && !was)
        cpu_interrupt(cs, bit);
    else if (!on && was)
        cpu_reset_interrupt(cs, bit);
}

void arm_update_virq(ARMCPU *cpu)
{
    CPUARMState *env = &cpu->env;
    CPUState *cs = &cpu->parent;
    uint64_t hcr = arm_has_el2(env) ? env->sys.hcr_el2 : 0;
    set_req(cs, CPU_INTERRUPT_VIRQ, env->sys.links.virq_line || (hcr & HCR_VI));
    set_req(cs, CPU_INTERRUPT_VFIQ, env->sys.links.vfiq_line || (hcr & HCR_VF));
    set_req(cs, CPU_INTERRUPT_VSERR, (hcr & HCR_VSE) != 0);
}

/* An input line (device lock held, any thread). */
static void cpu_input(void *opaque, int n, int level)
{
    ARMCPU *cpu = opaque;
    CPUState *cs = &cpu->parent;
    switch (n) {
    case ARM_IN_IRQ:
        cpu->env.sys.links.irq_line = level != 0;
        set_req(cs, CPU_INTERRUPT_HARD, level != 0);
        break;
    case ARM_IN_FIQ:
        cpu->env.sys.links.fiq_line = level != 0;
        set_req(cs, CPU_INTERRUPT_FIQ, level != 0);
        break;
    case ARM_IN_VIRQ:
        cpu->env.sys.links.virq_line = level != 0;
        arm_update_virq(cpu);
        break;
    case ARM_IN_VFIQ:
        cpu->env.sys.links.vfiq_line = level != 0;
        arm_update_virq(cpu);
        break;
    }
}

IRQ *arm_cpu_inputs(ARMCPU *cpu)
{
    if (!cpu->env.sys.links.inputs)
        cpu->env.sys.links.inputs = irq_new(cpu_input, cpu, ARM_IN__COUNT);
    return cpu->env.sys.links.inputs;
}

/* ---- exception return ------------------------------------------------------------------------ */

/* Is returning to spsr from the current EL illegal (D1.11.5)? */
static bool illegal_return(CPUARMState *env, uint64_t spsr)
{
    unsigned cur = arm_current_el(env);
    if (spsr & PSTATE_nRW) {
        qlog(LOG_UNIMP, "cpu %d: exception return to AArch32 (SPSR %#" PRIx64 "): AArch32 is not "
             "implemented; illegal exception return\n", env_cs(env)->index, spsr);
        return true;
    }
    unsigned m = (unsigned)spsr & 0xf;
    unsigned el = m >> 2;
    if (m & 2)
        return true;                        /* reserved M[1] */
    if (el == 0 && (m & 1))
        return true;                        /* EL0 with SP_ELx */
    if (el > cur)
        return true;
    if (el == 2 && !arm_has_el2(env))
        return true;
    if (el == 3 && !arm_has_el3(env))
        return true;
    if (el == 2 && arm_has_el3(env) && !(env->sys.scr_el3 & SCR_NS))
        return true;                        /* no Secure EL2 */
    if (el == 1 && cur == 2 && (env->sys.hcr_el2 & HCR_TGE))
        return true;
    return false;
}

static void helper_eret(CPUARMState *env)
{
    ARMCPU *cpu = env_archcpu(env);
    unsigned cur = arm_current_el(env);
    uint64_t spsr = env->sys.spsr[cur], elr = env->sys.elr[cur];
    uint64_t valid = pstate_valid_mask(cpu);
    uint64_t ps;
    bool illegal = illegal_return(env, spsr);
    if (illegal) {
        /* EL, SP and nRW stay; everything else from the SPSR; IL set */
        ps = (spsr & valid & ~(uint64_t)(PSTATE_EL_MASK | PSTATE_SP | PSTATE_nRW)) |
             (env->pstate & (PSTATE_EL_MASK | PSTATE_SP)) | PSTATE_IL;
    } else {
        ps = spsr & valid;
    }
    arm_nzcv_write(env, (uint32_t)(ps & PSTATE_NZCV));
    arm_set_pstate(env, ps & ~(uint64_t)PSTATE_NZCV);
    env->pc = elr;
    env->excl_addr = ARM_EXCL_NONE;
    env->event_register = 1;
    arm_sys_flags_changed(env);
    qlog(LOG_INT, "cpu %d: ERET from EL%u to EL%u at %#" PRIx64 "%s\n", env_cs(env)->index, cur,
         arm_current_el(env), elr, illegal ? " (illegal return)" : "");
    if (env->pstate & PSTATE_IL) {
        /* Every instruction executed with PSTATE.IL set takes the Illegal
         * Execution state exception: the first one does now. */
        unsigned el = arm_current_el(env);
        arm_take_exception(cpu, arm_excp_target_el(env, el), 0,
                           (uint32_t)EC_ILLEGAL_STATE << ESR_EC_SHIFT | ESR_IL, true, 0, false,
                           env->pc);
    }
}
static const TCGHelper h_eret = TCG_HELPER(helper_eret, TCG_VOID, 0);

static bool trans_eret(DisasContext *dc, uint32_t insn)
{
    (void)insn;
    if (dc->el == 0)
        return false;
    TCGContext *s = dc->s;
    ir_callv(s, &h_eret, TCGV_NONE, s->env);
    /* back to the loop: the EL, the masks and the MMU index changed */
    ir_exit_tb(s, 0);
    dc->is_jmp = DISAS_NORETURN;
    return true;
}

/* ---- MSR (immediate) for PAN, UAO, SSBS --------------------------------------------------------- */

static void helper_set_pstate_bit(CPUARMState *env, uint64_t bit, uint64_t on)
{
    uint64_t ps = env->pstate & ~bit;
    if (on)
        ps |= bit;
    env->pstate = ps;
    arm_sys_flags_changed(env);
}
static const TCGHelper h_set_pstate_bit = TCG_HELPER(helper_set_pstate_bit, TCG_VOID,
                                                     TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G);

static bool trans_msr_pstate(DisasContext *dc, uint32_t insn)
{
    unsigned op1 = extract32(insn, 16, 3), op2 = extract32(insn, 5, 3), crm = extract32(insn, 8, 4);
    uint64_t bit;
    if (op1 == 0 && op2 == 4)
        bit = PSTATE_PAN;
    else if (op1 == 0 && op2 == 3)
        bit = PSTATE_UAO;
    else
        bit = PSTATE_SSBS;   /* op1 3, op2 1: also at EL0 */
    if (dc->el == 0 && bit != PSTATE_SSBS)
        return false;
    TCGContext *s = dc->s;
    ir_callv(s, &h_set_pstate_bit, TCGV_NONE, s->env, ir_const64(s, bit),
             ir_const64(s, crm & 1));
    dc->is_jmp = DISAS_UPDATE_EXIT;
    return true;
}

static const A64DecodeEntry excp_table[] = {
    A64_INSN("1101011 0100 11111 000000 11111 00000", "ERET", trans_eret),
    A64_INSN_F("11010101 00000 000 0100 xxxx 100 11111", "MSR PAN, #imm", trans_msr_pstate,
               ARM_FEAT_PAN),
    A64_INSN_F("11010101 00000 000 0100 xxxx 011 11111", "MSR UAO, #imm", trans_msr_pstate,
               ARM_FEAT_UAO),
    A64_INSN_F("11010101 00000 011 0100 xxxx 001 11111", "MSR SSBS, #imm", trans_msr_pstate,
               ARM_FEAT_SSBS),
};
A64_DECODE_TABLE(excp_table)

/* ---- PSTATE fields as registers -------------------------------------------------------------------- */

static bool gen_pstate_field(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    static const ARMFeature feat[] = { ARM_FEAT_PAN, ARM_FEAT_UAO, ARM_FEAT_SSBS };
    static const uint64_t bits[] = { PSTATE_PAN, PSTATE_UAO, PSTATE_SSBS };
    TCGContext *s = dc->s;
    for (int i = 0; i < 3; i++) {
        if (bits[i] != r->value)
            continue;
        if (!dc_has(dc, feat[i]))
            return false;
        if (isread) {
            TCGv t = new_tmp(dc);
            ir_ld(s, t, s->env, offsetof(CPUARMState, pstate));
            ir_andi(s, dest_x(dc, rt), t, r->value);
        } else {
            TCGv t = new_tmp(dc);
            ir_andi(s, t, read_x(dc, rt), r->value);
            ir_callv(s, &h_set_pstate_bit, TCGV_NONE, s->env, ir_const64(s, r->value), t);
            dc->is_jmp = DISAS_UPDATE_EXIT;
        }
        return true;
    }
    return false;
}

/* ISR_EL1: the pending physical/virtual interrupts (I, F, A) */
static uint64_t isr_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)r;
    (void)ra;
    uint32_t req = __atomic_load_n(&env_cs(env)->interrupt_request, __ATOMIC_SEQ_CST);
    uint64_t hcr = arm_hcr(env);
    uint64_t v = 0;
    bool virt = arm_current_el(env) <= 1 && !(hcr & HCR_TGE);
    if (virt && (hcr & HCR_IMO) ? (req & CPU_INTERRUPT_VIRQ) : (req & CPU_INTERRUPT_HARD))
        v |= 1u << 7;
    if (virt && (hcr & HCR_FMO) ? (req & CPU_INTERRUPT_VFIQ) : (req & CPU_INTERRUPT_FIQ))
        v |= 1u << 6;
    if (virt && (hcr & HCR_AMO) && (req & CPU_INTERRUPT_VSERR))
        v |= 1u << 8;
    return v;
}

static const ARMSysReg excp_sysregs[] = {
    { .name = "PAN", .enc = ARM_SYSREG_ENC(3, 0, 4, 2, 3), .access = SR_EL1_RW, .kind = SRK_GEN,
      .gen = gen_pstate_field, .value = PSTATE_PAN },
    { .name = "UAO", .enc = ARM_SYSREG_ENC(3, 0, 4, 2, 4), .access = SR_EL1_RW, .kind = SRK_GEN,
      .gen = gen_pstate_field, .value = PSTATE_UAO },
    { .name = "SSBS", .enc = ARM_SYSREG_ENC(3, 3, 4, 2, 6), .access = SR_EL0_RW, .kind = SRK_GEN,
      .gen = gen_pstate_field, .value = PSTATE_SSBS },
    { .name = "ISR_EL1", .enc = ARM_SYSREG_ENC(3, 0, 12, 1, 0), .access = SR_EL1_R, .kind = SRK_FN,
      .read = isr_read, .flags = SRF_IO },
};
ARM_SYSREGS(excp_sysregs)

ARM_FEATURE_BUILT(ARM_FEAT_PAN)
ARM_FEATURE_BUILT(ARM_FEAT_UAO)
ARM_FEATURE_BUILT(ARM_FEAT_SSBS)
