/*
 * translate.c — the A64 block translator: IR globals for the registers,
 * the per-block loop (fetch, decode through the tables, translate), the
 * shared register/flag/condition/exit helpers declared in translate.h.
 *
 * Follows DDI 0487: C1.2.4 (condition codes, ConditionHolds), J1 shared
 * pseudocode AddWithCarry (NZCV of ADDS/SUBS/ADCS/SBCS), C5.2.7 NZCV.
 * The lazy flag representation is described in cpu.h.
 */
#include "target/arm/translate.h"

#include "core/log.h"
#include "target/arm/sys.h"

TCGv cpu_X[32];
TCGv cpu_pc, cpu_NF, cpu_ZF, cpu_CF, cpu_VF;

void a64_translate_init(TCGContext *s);
void a64_translate(CPUState *cs, TranslatorCtx *tc);

void a64_translate_init(TCGContext *s)
{
    static const char *const names[32] = {
        "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
        "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25",
        "x26", "x27", "x28", "x29", "x30", "sp",
    };
    for (int i = 0; i < 32; i++)
        cpu_X[i] = ir_global(s, TCG_I64, (int32_t)offsetof(CPUARMState, xregs[i]), names[i]);
    cpu_pc = ir_global(s, TCG_I64, offsetof(CPUARMState, pc), "pc");
    cpu_NF = ir_global(s, TCG_I64, offsetof(CPUARMState, NF), "NF");
    cpu_ZF = ir_global(s, TCG_I64, offsetof(CPUARMState, ZF), "ZF");
    cpu_CF = ir_global(s, TCG_I64, offsetof(CPUARMState, CF), "CF");
    cpu_VF = ir_global(s, TCG_I64, offsetof(CPUARMState, VF), "VF");
}

/* ---- registers ---------------------------------------------------------------- */

TCGv new_tmp(DisasContext *dc)
{
    return ir_temp(dc->s, TCG_I64);
}

TCGv new_tmp_tb(DisasContext *dc)
{
    return ir_temp_tb(dc->s, TCG_I64);
}

TCGv read_x(DisasContext *dc, unsigned r)
{
    return r == 31 ? ir_const64(dc->s, 0) : cpu_X[r];
}

TCGv dest_x(DisasContext *dc, unsigned r)
{
    return r == 31 ? new_tmp(dc) : cpu_X[r];
}

void write_x(DisasContext *dc, unsigned r, TCGv v)
{
    if (r != 31)
        ir_mov(dc->s, cpu_X[r], v);
}

void write_reg(DisasContext *dc, unsigned r, TCGv v, bool sf)
{
    if (r == 31)
        return;
    if (sf)
        ir_mov(dc->s, cpu_X[r], v);
    else
        ir_ext32u(dc->s, cpu_X[r], v);
}

void write_xsp(DisasContext *dc, unsigned r, TCGv v, bool sf)
{
    if (sf)
        ir_mov(dc->s, cpu_X[r], v);
    else
        ir_ext32u(dc->s, cpu_X[r], v);
}

TCGv tmp_ext32u(DisasContext *dc, TCGv v)
{
    TCGv t = new_tmp(dc);
    ir_ext32u(dc->s, t, v);
    return t;
}

TCGv tmp_ext32s(DisasContext *dc, TCGv v)
{
    TCGv t = new_tmp(dc);
    ir_ext32s(dc->s, t, v);
    return t;
}

/* ---- flags ---------------------------------------------------------------------- */

void gen_logic_cc(DisasContext *dc, bool sf, TCGv result)
{
    TCGContext *s = dc->s;
    if (sf)
        ir_mov(s, cpu_NF, result);
    else
        ir_shli(s, cpu_NF, result, 32);
    ir_mov(s, cpu_ZF, cpu_NF);
    ir_movi(s, cpu_CF, 0);
    ir_movi(s, cpu_VF, 0);
}

/*
 * The flag-setting arithmetic works on 64-bit values; a 32-bit operation
 * runs on its operands shifted into the high half (a << 32): the carry and
 * signed overflow out of bit 63 are then those out of bit 31, the sign is
 * bit 63 and the result is zero exactly when the 32-bit result is, so NF
 * and ZF can both be the shifted result. The 32-bit result is r >> 32.
 */

/* r = a + b (+ cin, already scaled like a and b), NZCV from it */
static TCGv add_cc64(DisasContext *dc, TCGv a, TCGv b, TCGv cin)
{
    TCGContext *s = dc->s;
    TCGv zero = ir_const64(s, 0), r = new_tmp(dc), c = new_tmp(dc), x = new_tmp(dc), y = new_tmp(dc);
    if (tcgv_is_none(cin)) {
        ir_add2(s, r, c, a, zero, b, zero);
    } else {
        ir_add2(s, r, c, a, zero, cin, zero);
        ir_add2(s, r, c, r, c, b, zero);
    }
    ir_xor(s, x, r, a);
    ir_xor(s, y, a, b);
    ir_andc(s, cpu_VF, x, y);
    ir_mov(s, cpu_CF, c);
    ir_mov(s, cpu_NF, r);
    ir_mov(s, cpu_ZF, r);
    return r;
}

/* r = a - b, NZCV from it (C = no borrow) */
static TCGv sub_cc64(DisasContext *dc, TCGv a, TCGv b)
{
    TCGContext *s = dc->s;
    TCGv r = new_tmp(dc), x = new_tmp(dc), y = new_tmp(dc);
    ir_sub(s, r, a, b);
    ir_setcond(s, COND_GEU, cpu_CF, a, b);
    ir_xor(s, x, a, b);
    ir_xor(s, y, a, r);
    ir_and(s, cpu_VF, x, y);
    ir_mov(s, cpu_NF, r);
    ir_mov(s, cpu_ZF, r);
    return r;
}

static TCGv high32(DisasContext *dc, TCGv v)
{
    TCGv t = new_tmp(dc);
    ir_shli(dc->s, t, v, 32);
    return t;
}

void gen_add_cc(DisasContext *dc, bool sf, TCGv d, TCGv a, TCGv b)
{
    if (sf) {
        ir_mov(dc->s, d, add_cc64(dc, a, b, TCGV_NONE));
    } else {
        /* (operands in sequence: argument evaluation order is unspecified) */
        TCGv ah = high32(dc, a), bh = high32(dc, b);
        TCGv r = add_cc64(dc, ah, bh, TCGV_NONE);
        ir_shri(dc->s, d, r, 32);
    }
}

void gen_sub_cc(DisasContext *dc, bool sf, TCGv d, TCGv a, TCGv b)
{
    if (sf) {
        ir_mov(dc->s, d, sub_cc64(dc, a, b));
    } else {
        TCGv ah = high32(dc, a), bh = high32(dc, b);
        TCGv r = sub_cc64(dc, ah, bh);
        ir_shri(dc->s, d, r, 32);
    }
}

void gen_adc(DisasContext *dc, bool sf, TCGv d, TCGv a, TCGv b, bool set_flags)
{
    TCGContext *s = dc->s;
    if (!set_flags) {
        TCGv r = new_tmp(dc);
        ir_add(s, r, a, b);
        ir_add(s, r, r, cpu_CF);
        if (sf)
            ir_mov(s, d, r);
        else
            ir_ext32u(s, d, r);
        return;
    }
    if (sf) {
        ir_mov(s, d, add_cc64(dc, a, b, cpu_CF));
    } else {
        TCGv ah = high32(dc, a), bh = high32(dc, b), ch = high32(dc, cpu_CF);
        TCGv r = add_cc64(dc, ah, bh, ch);
        ir_shri(s, d, r, 32);
    }
}

void gen_set_nzcv_imm(DisasContext *dc, unsigned nzcv)
{
    TCGContext *s = dc->s;
    ir_movi(s, cpu_NF, (nzcv & 8) ? 1ull << 63 : 0);
    ir_movi(s, cpu_ZF, (nzcv & 4) ? 0 : 1);
    ir_movi(s, cpu_CF, (nzcv >> 1) & 1);
    ir_movi(s, cpu_VF, (nzcv & 1) ? 1ull << 63 : 0);
}

void arm_test_cc(DisasContext *dc, DisasCompare *c, unsigned cc)
{
    TCGContext *s = dc->s;
    TCGv zero = ir_const64(s, 0);
    TCGv t;
    c->b = zero;
    switch (cc >> 1) {
    case 0:   /* EQ: Z */
        c->cond = COND_EQ;
        c->a = cpu_ZF;
        break;
    case 1:   /* CS: C */
        c->cond = COND_NE;
        c->a = cpu_CF;
        break;
    case 2:   /* MI: N */
        c->cond = COND_LT;
        c->a = cpu_NF;
        break;
    case 3:   /* VS: V */
        c->cond = COND_LT;
        c->a = cpu_VF;
        break;
    case 4:   /* HI: C && !Z  ==  (-C & ZF) != 0 */
        t = new_tmp(dc);
        ir_neg(s, t, cpu_CF);
        c->cond = COND_TSTNE;
        c->a = t;
        c->b = cpu_ZF;
        break;
    case 5:   /* GE: N == V */
        t = new_tmp(dc);
        ir_xor(s, t, cpu_NF, cpu_VF);
        c->cond = COND_GE;
        c->a = t;
        break;
    case 6:   /* GT: !Z && N == V  ==  (ZF & ~((NF ^ VF) >> 63)) != 0 */
        t = new_tmp(dc);
        ir_xor(s, t, cpu_NF, cpu_VF);
        ir_sari(s, t, t, 63);
        ir_andc(s, t, cpu_ZF, t);
        c->cond = COND_NE;
        c->a = t;
        break;
    default:  /* AL, NV */
        c->cond = COND_ALWAYS;
        c->a = zero;
        return;
    }
    if (cc & 1)
        c->cond = tcg_cond_invert(c->cond);
}

/* ---- block exits ------------------------------------------------------------------ */

void gen_goto_tb(DisasContext *dc, unsigned n, uint64_t dest)
{
    TCGContext *s = dc->s;
    if (translator_use_goto_tb(dc->tc, dest)) {
        ir_goto_tb(s, n);
        ir_movi(s, cpu_pc, dest);
        ir_exit_tb(s, translator_exit_value(dc->tc, n));
    } else {
        ir_movi(s, cpu_pc, dest);
        ir_lookup_and_goto_ptr(s);
    }
    dc->is_jmp = DISAS_NORETURN;
}

void gen_jump_reg(DisasContext *dc, TCGv v)
{
    ir_mov(dc->s, cpu_pc, v);
    ir_lookup_and_goto_ptr(dc->s);
    dc->is_jmp = DISAS_NORETURN;
}

/* ---- exceptions -------------------------------------------------------------------- */

/* Raise an exception at the instruction that called (restoring its pc
 * and word from insn_start); with ARM_EXC_RET_NEXT the preferred return
 * address is the next instruction (SVC, HVC, SMC). */
void helper_exception(CPUARMState *env, uint32_t excp, uint32_t syndrome, uint32_t el_flags)
{
    CPUState *cs = env_cs(env);
    cpu_restore_state(cs, TCG_GETPC());
    if (el_flags & ARM_EXC_RET_NEXT)
        env->pc += 4;
    arm_raise(env, (ARMExcp)excp, syndrome, el_flags & 0xff, 0);
}
const TCGHelper h_exception = TCG_HELPER(helper_exception, TCG_VOID, TCG_CALL_NO_WRITE_G);

void gen_exception(DisasContext *dc, ARMExcp excp, uint32_t syndrome, unsigned target_el,
                   bool ret_next)
{
    TCGContext *s = dc->s;
    ir_callv(s, &h_exception, TCGV_NONE, s->env, ir_const32(s, excp), ir_const32(s, syndrome),
             ir_const32(s, target_el | (ret_next ? ARM_EXC_RET_NEXT : 0)));
    ir_exit_tb(s, 0);   /* not reached */
    dc->is_jmp = DISAS_NORETURN;
}

void unallocated_encoding(DisasContext *dc)
{
    gen_exception_insn(dc, EXCP_UDEF, syn_uncategorized(), default_exception_el(dc));
}

bool fp_access_check(DisasContext *dc)
{
    if (dc->tbflags & TBF_FP_TRAP) {
        gen_exception_insn(dc, EXCP_UDEF, syn_fp_access_trap(), default_exception_el(dc));
        return false;
    }
    return true;
}

/* ---- memory ------------------------------------------------------------------------ */

void gen_ld_idx(DisasContext *dc, TCGv d, TCGv addr, MemOp mop, unsigned mmu_idx)
{
    ir_qemu_ld(dc->s, d, addr, mmu_idx, dc_memop(dc, mop));
}

void gen_st_idx(DisasContext *dc, TCGv v, TCGv addr, MemOp mop, unsigned mmu_idx)
{
    ir_qemu_st(dc->s, v, addr, mmu_idx, dc_memop(dc, mop));
}

void gen_ld(DisasContext *dc, TCGv d, TCGv addr, MemOp mop)
{
    gen_ld_idx(dc, d, addr, mop, dc->mmu_idx);
}

void gen_st(DisasContext *dc, TCGv v, TCGv addr, MemOp mop)
{
    gen_st_idx(dc, v, addr, mop, dc->mmu_idx);
}

void clear_vreg_tail(DisasContext *dc, unsigned vd, unsigned from)
{
    TCGContext *s = dc->s;
    TCGv zero = ir_const64(s, 0);
    if (from <= 8) {
        if (from < 8) {
            TCGv t = new_tmp(dc);
            ir_ld(s, t, s->env, (int32_t)vreg_ofs(vd));
            ir_extract(s, t, t, 0, from * 8);
            ir_st(s, t, s->env, (int32_t)vreg_ofs(vd));
        }
        ir_st(s, zero, s->env, (int32_t)vreg_hi_ofs(vd));
    } else if (from < 16) {
        TCGv t = new_tmp(dc);
        ir_ld(s, t, s->env, (int32_t)vreg_hi_ofs(vd));
        ir_extract(s, t, t, 0, (from - 8) * 8);
        ir_st(s, t, s->env, (int32_t)vreg_hi_ofs(vd));
    }
}

void gen_ld_vreg(DisasContext *dc, unsigned vt, TCGv addr, unsigned log2size, unsigned mmu_idx)
{
    TCGContext *s = dc->s;
    if (log2size == 4) {
        TCGv lo = new_tmp(dc), hi = new_tmp(dc), a8 = new_tmp(dc);
        MemOp mop = dc_memop(dc, MO_64);
        if (dc->tbflags & TBF_ALIGN)
            mop = (mop & ~MO_AMASK) | MO_ALIGN_16;
        ir_qemu_ld(s, lo, addr, mmu_idx, mop);
        ir_addi(s, a8, addr, 8);
        ir_qemu_ld(s, hi, a8, mmu_idx, MO_64);
        ir_st(s, lo, s->env, (int32_t)vreg_ofs(vt));
        ir_st(s, hi, s->env, (int32_t)vreg_hi_ofs(vt));
    } else {
        TCGv t = new_tmp(dc);
        gen_ld_idx(dc, t, addr, (MemOp)log2size, mmu_idx);
        ir_st(s, t, s->env, (int32_t)vreg_ofs(vt));
        ir_st(s, ir_const64(s, 0), s->env, (int32_t)vreg_hi_ofs(vt));
    }
}

void gen_st_vreg(DisasContext *dc, unsigned vt, TCGv addr, unsigned log2size, unsigned mmu_idx)
{
    TCGContext *s = dc->s;
    TCGv lo = new_tmp(dc);
    ir_ld(s, lo, s->env, (int32_t)vreg_ofs(vt));
    if (log2size == 4) {
        TCGv hi = new_tmp(dc), a8 = new_tmp(dc);
        MemOp mop = dc_memop(dc, MO_64);
        if (dc->tbflags & TBF_ALIGN)
            mop = (mop & ~MO_AMASK) | MO_ALIGN_16;
        ir_ld(s, hi, s->env, (int32_t)vreg_hi_ofs(vt));
        ir_qemu_st(s, lo, addr, mmu_idx, mop);
        ir_addi(s, a8, addr, 8);
        ir_qemu_st(s, hi, a8, mmu_idx, MO_64);
    } else {
        gen_st_idx(dc, lo, addr, (MemOp)log2size, mmu_idx);
    }
}

/* ---- the block loop ------------------------------------------------------------------- */

static void disas_insn(DisasContext *dc)
{
    const A64DecodeEntry *e = a64_decode_lookup(dc->insn, dc->features);
    if (e && e->fn(dc, dc->insn))
        return;
    if (log_enabled(LOG_UNIMP)) {
        const A64DecodeEntry *any = e ? e : a64_decode_lookup_any(dc->insn);
        if (e)
            log_printf("a64: %08x at %#" PRIx64 ": %s: reserved field value: Undefined\n",
                       dc->insn, dc->pc, e->name);
        else if (any)
            log_printf("a64: %08x at %#" PRIx64 ": %s needs feature %s, which this CPU lacks: "
                       "Undefined\n", dc->insn, dc->pc, any->name,
                       arm_feature_info[any->feature].name);
        else
            log_printf("a64: %08x at %#" PRIx64 ": unallocated or not implemented: Undefined\n",
                       dc->insn, dc->pc);
    }
    unallocated_encoding(dc);
}

void a64_translate(CPUState *cs, TranslatorCtx *tc)
{
    ARMCPU *cpu = arm_cpu(cs);
    uint32_t flags = tc->tb->flags;
    DisasContext dc = {
        .tc = tc,
        .s = tc->s,
        .cpu = cpu,
        .tbflags = flags,
        .features = cpu->features,
        .el = (flags >> TBF_EL_SHIFT) & 3,
        .mmu_idx = (flags >> TBF_MMU_SHIFT) & 0xf,
        .unpriv_mmu_idx = (flags >> TBF_UNPRIV_MMU_SHIFT) & 0xf,
        .is_jmp = DISAS_NEXT,
    };
    uint64_t pc = tc->pc_first;

    if (pc & 3) {
        /* PC alignment fault (the fetch of the aligned word comes first so
         * the block has a page) */
        uint32_t insn;
        translator_fetch(tc, pc & ~3ull, &insn, 4);
        translator_insn_start(tc, pc, 0, 0);
        dc.pc = pc;
        TCGContext *s = tc->s;
        ir_callv(s, &h_exception, TCGV_NONE, s->env, ir_const32(s, EXCP_PC_ALIGN),
                 ir_const32(s, syn_pc_align()), ir_const32(s, default_exception_el(&dc)));
        ir_exit_tb(s, 0);
        tc->tb->size = 4;
        return;
    }

    for (;;) {
        uint32_t insn;
        if (!translator_fetch(tc, pc, &insn, 4)) {
            gen_goto_tb(&dc, 0, pc);
            break;
        }
        translator_insn_start(tc, pc, insn, 0);
        dc.pc = pc;
        dc.insn = insn;
        disas_insn(&dc);
        pc += 4;
        if (dc.is_jmp != DISAS_NEXT)
            break;
        if (translator_should_stop(tc, pc)) {
            gen_goto_tb(&dc, 0, pc);
            break;
        }
    }

    TCGContext *s = tc->s;
    switch (dc.is_jmp) {
    case DISAS_UPDATE_EXIT:
        ir_movi(s, cpu_pc, pc);
        ir_exit_tb(s, 0);
        break;
    case DISAS_UPDATE_NOCHAIN:
        ir_movi(s, cpu_pc, pc);
        ir_lookup_and_goto_ptr(s);
        break;
    case DISAS_JUMP:
        ir_lookup_and_goto_ptr(s);
        break;
    default:
        break;
    }
    tc->tb->size = (uint32_t)(pc - tc->pc_first);
}
