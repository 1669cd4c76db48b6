/*
 * translate-system.c — A64 branches, exception generation and system
 * instructions: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET; SVC, HVC,
 * SMC, BRK, HLT (semihosting); hints (NOP, YIELD, WFE, WFI, SEV, SEVL and
 * the rest of the hint space as NOP), barriers (DSB, DMB, ISB, CLREX, SB),
 * MSR (immediate) for DAIFSet/DAIFClr/SPSel, MRS/MSR (register) and
 * SYS/SYSL through the system register table (sysreg.h).
 *
 * Follows DDI 0487 C4.1.87 (Branches, Exception Generating and System
 * instructions), C6.2 pseudocode of each, C5.3 (system instruction
 * class), and C6.2.109 HINT: unallocated hints and hints whose feature is
 * absent (PAuth, BTI, RAS's ESB, ...) execute as NOP. ERET is the system
 * level's (it adds its own table line).
 */
#include "target/arm/semihosting.h"
#include "target/arm/sys.h"
#include "target/arm/sysreg.h"
#include "target/arm/translate.h"

/* ---- branches (immediate) ------------------------------------------------------------------ */

static bool trans_b(DisasContext *dc, uint32_t insn)
{
    uint64_t dest = dc->pc + ((uint64_t)(int64_t)sextract32(insn, 0, 26) << 2);
    if (insn >> 31)   /* BL */
        ir_movi(dc->s, cpu_X[30], dc->pc + 4);
    gen_goto_tb(dc, 0, dest);
    return true;
}

static bool trans_b_cond(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned cond = extract32(insn, 0, 4);
    uint64_t dest = dc->pc + ((uint64_t)(int64_t)sextract32(insn, 5, 19) << 2);
    if (cond >= 14) {
        gen_goto_tb(dc, 0, dest);
        return true;
    }
    DisasCompare c;
    arm_test_cc(dc, &c, cond);
    TCGLabel taken = ir_label(s);
    ir_brcond(s, c.cond, c.a, c.b, taken);
    gen_goto_tb(dc, 1, dc->pc + 4);
    ir_set_label(s, taken);
    gen_goto_tb(dc, 0, dest);
    return true;
}

static bool trans_cbz(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5);
    bool nz = extract32(insn, 24, 1), sf = extract32(insn, 31, 1);
    uint64_t dest = dc->pc + ((uint64_t)(int64_t)sextract32(insn, 5, 19) << 2);
    TCGv v = read_x(dc, rt);
    TCGLabel taken = ir_label(s);
    if (sf)
        ir_brcondi(s, nz ? COND_NE : COND_EQ, v, 0, taken);
    else
        ir_brcondi(s, nz ? COND_TSTNE : COND_TSTEQ, v, 0xffffffffull, taken);
    gen_goto_tb(dc, 1, dc->pc + 4);
    ir_set_label(s, taken);
    gen_goto_tb(dc, 0, dest);
    return true;
}

static bool trans_tbz(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5);
    unsigned bit = extract32(insn, 31, 1) << 5 | extract32(insn, 19, 5);
    bool nz = extract32(insn, 24, 1);
    uint64_t dest = dc->pc + ((uint64_t)(int64_t)sextract32(insn, 5, 14) << 2);
    TCGLabel taken = ir_label(s);
    ir_brcondi(s, nz ? COND_TSTNE : COND_TSTEQ, read_x(dc, rt), 1ull << bit, taken);
    gen_goto_tb(dc, 1, dc->pc + 4);
    ir_set_label(s, taken);
    gen_goto_tb(dc, 0, dest);
    return true;
}

/* ---- branches (register) ---------------------------------------------------------------------- */

static bool trans_br(DisasContext *dc, uint32_t insn)
{
    unsigned rn = extract32(insn, 5, 5), opc = extract32(insn, 21, 2);
    TCGv target = read_x(dc, rn);
    if (opc == 1) {   /* BLR: read the target before writing X30 */
        TCGv t = new_tmp(dc);
        ir_mov(dc->s, t, target);
        ir_movi(dc->s, cpu_X[30], dc->pc + 4);
        target = t;
    }
    gen_jump_reg(dc, target);
    return true;
}

/* ---- exception generation ------------------------------------------------------------------------ */

static void helper_semihosting(CPUARMState *env)
{
    arm_semihosting_call(env, TCG_GETPC());
}
static const TCGHelper h_semihosting = TCG_HELPER(helper_semihosting, TCG_VOID, 0);

static bool trans_exc(DisasContext *dc, uint32_t insn)
{
    unsigned opc = extract32(insn, 21, 3), ll = extract32(insn, 0, 2);
    uint32_t imm16 = extract32(insn, 5, 16);
    switch (opc << 2 | ll) {
    case 0x01:   /* SVC */
        gen_exception(dc, EXCP_SVC, syn_svc(imm16), default_exception_el(dc), true);
        return true;
    case 0x02:   /* HVC: UNDEFINED at EL0; PSCI or Undefined decided at delivery */
        if (dc->el == 0)
            return false;
        gen_exception(dc, EXCP_HVC, syn_hvc(imm16), MAX(2u, dc->el), true);
        return true;
    case 0x03:   /* SMC */
        if (dc->el == 0)
            return false;
        gen_exception(dc, EXCP_SMC, syn_smc(imm16), 3, true);
        return true;
    case 0x04:   /* BRK */
        gen_exception_insn(dc, EXCP_BKPT, syn_brk(imm16), default_exception_el(dc));
        return true;
    case 0x08:   /* HLT: semihosting, else Undefined (no halting debug) */
        if (imm16 == 0xf000 && (dc->tbflags & TBF_SEMIHOST) && dc->el > 0) {
            ir_movi(dc->s, cpu_pc, dc->pc);
            ir_callv(dc->s, &h_semihosting, TCGV_NONE, dc->s->env);
            return true;
        }
        return false;
    default:     /* DCPS1-3 (Debug state only) and the rest: Undefined */
        return false;
    }
}

/* ---- hints, barriers, PSTATE ------------------------------------------------------------------------- */

static bool trans_hint(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned op = extract32(insn, 5, 7);   /* CRm:op2 */
    switch (op) {
    case 1:   /* YIELD: let the other vCPUs run */
        ir_movi(s, cpu_pc, dc->pc + 4);
        ir_callv(s, &h_yield, TCGV_NONE, s->env);
        ir_exit_tb(s, 0);
        dc->is_jmp = DISAS_NORETURN;
        return true;
    case 2:   /* WFE */
    case 3:   /* WFI */
        if (dc->el == 0 && (dc->tbflags & TBF_WFX_TRAP)) {
            gen_exception_insn(dc, EXCP_UDEF, syn_wfx(op == 2), 1);
            return true;
        }
        ir_movi(s, cpu_pc, dc->pc + 4);
        ir_callv(s, op == 3 ? &h_wfi : &h_wfe, TCGV_NONE, s->env);
        /* back to the loop: an interrupt may be pending */
        ir_exit_tb(s, 0);
        dc->is_jmp = DISAS_NORETURN;
        return true;
    case 4:   /* SEV */
        ir_callv(s, &h_sev, TCGV_NONE, s->env);
        return true;
    case 5:   /* SEVL */
        ir_st32(s, ir_const64(s, 1), s->env, offsetof(CPUARMState, event_register));
        return true;
    default:  /* NOP, and every hint this CPU does not implement */
        return true;
    }
}

static bool trans_clrex(DisasContext *dc, uint32_t insn)
{
    (void)insn;
    ir_st(dc->s, ir_const64(dc->s, ARM_EXCL_NONE), dc->s->env, offsetof(CPUARMState, excl_addr));
    return true;
}

static bool trans_barrier(DisasContext *dc, uint32_t insn)
{
    unsigned crm = extract32(insn, 8, 4), op2 = extract32(insn, 5, 3);
    switch (op2) {
    case 4:   /* DSB (also SSBB/PSSBB) */
    case 5: { /* DMB */
        unsigned kinds;
        switch (crm & 3) {
        case 1: kinds = TCG_MO_LD_LD | TCG_MO_LD_ST; break;   /* ...LD */
        case 2: kinds = TCG_MO_ST_ST; break;                  /* ...ST */
        default: kinds = TCG_MO_ALL; break;
        }
        ir_mb(dc->s, kinds);
        return true;
    }
    case 6:   /* ISB: context synchronization: end the block, so what follows is
               translated with the TB flags in force now */
        ir_mb(dc->s, TCG_MO_ALL);
        dc->is_jmp = DISAS_UPDATE_NOCHAIN;
        return true;
    case 7:   /* SB */
        if (!dc_has(dc, ARM_FEAT_SB))
            return false;
        return true;
    default:
        return false;
    }
}

static void helper_set_spsel(CPUARMState *env, uint64_t sp)
{
    arm_set_pstate(env, (env->pstate & ~(uint64_t)PSTATE_SP) | (sp & 1));
}
static const TCGHelper h_set_spsel = TCG_HELPER(helper_set_spsel, TCG_VOID, 0);

/* MSR (immediate): PSTATE fields (op1, op2) */
static bool trans_msr_imm(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned op1 = extract32(insn, 16, 3), op2 = extract32(insn, 5, 3), crm = extract32(insn, 8, 4);
    switch (op1 << 3 | op2) {
    case 0x1e:   /* DAIFSet */
    case 0x1f: { /* DAIFClr */
        if (dc->el == 0 && !(dc->tbflags & TBF_UMA)) {
            gen_exception_insn(dc, EXCP_UDEF, syn_sysreg_trap(0, op1, 4, crm, op2, 31, false), 1);
            return true;
        }
        TCGv t = new_tmp(dc);
        ir_ld(s, t, s->env, offsetof(CPUARMState, pstate));
        if (op2 == 6)
            ir_ori(s, t, t, (uint64_t)crm << 6);
        else
            ir_andi(s, t, t, ~((uint64_t)crm << 6));
        ir_st(s, t, s->env, offsetof(CPUARMState, pstate));
        /* unmasking may let a pending interrupt in: back to the loop */
        dc->is_jmp = DISAS_UPDATE_EXIT;
        return true;
    }
    case 0x05: { /* SPSel */
        if (dc->el == 0)
            return false;
        ir_callv(s, &h_set_spsel, TCGV_NONE, s->env, ir_const64(s, crm & 1));
        return true;
    }
    default:
        return false;
    }
}

/* ---- system register access ------------------------------------------------------------------------- */

static bool trans_mrs_msr(DisasContext *dc, uint32_t insn)
{
    bool isread = extract32(insn, 21, 1);
    return arm_gen_sysreg_access(dc, arm_sysreg_enc_of(insn), isread, extract32(insn, 0, 5));
}

static const A64DecodeEntry system_table[] = {
    A64_INSN("x 00101 xxxxxxxxxxxxxxxxxxxxxxxxxx", "B/BL", trans_b),
    A64_INSN("0101010 0 xxxxxxxxxxxxxxxxxxx 0 xxxx", "B.cond", trans_b_cond),
    A64_INSN("x 011010 x xxxxxxxxxxxxxxxxxxx xxxxx", "CBZ/CBNZ", trans_cbz),
    A64_INSN("x 011011 x xxxxx xxxxxxxxxxxxxx xxxxx", "TBZ/TBNZ", trans_tbz),
    A64_INSN("1101011 0000 11111 000000 xxxxx 00000", "BR", trans_br),
    A64_INSN("1101011 0001 11111 000000 xxxxx 00000", "BLR", trans_br),
    A64_INSN("1101011 0010 11111 000000 xxxxx 00000", "RET", trans_br),
    A64_INSN("11010100 xxx xxxxxxxxxxxxxxxx 000 xx", "SVC/HVC/SMC/BRK/HLT/DCPS", trans_exc),
    A64_INSN("11010101 00000011 0010 xxxx xxx 11111", "HINT", trans_hint),
    A64_INSN("11010101 00000011 0011 xxxx 010 11111", "CLREX", trans_clrex),
    A64_INSN("11010101 00000011 0011 xxxx 1xx 11111", "DSB/DMB/ISB/SB", trans_barrier),
    A64_INSN("11010101 00000 xxx 0100 xxxx xxx 11111", "MSR (immediate)", trans_msr_imm),
    A64_INSN("11010101 00 x 01 xxx xxxx xxxx xxx xxxxx", "SYS/SYSL", trans_mrs_msr),
    A64_INSN("11010101 00 x 1 x xxx xxxx xxxx xxx xxxxx", "MRS/MSR (register)", trans_mrs_msr),
};
A64_DECODE_TABLE(system_table)
