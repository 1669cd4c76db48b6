/*
 * translate.h — what every A64 instruction class (translate-<class>.c)
 * uses: the DisasContext, the IR globals for the registers, register and
 * flag helpers, condition evaluation, block exits, exceptions and memory
 * access conventions.
 *
 * Follows the ARM ARM (DDI 0487): C1.2.4 condition codes (ConditionHolds),
 * C6.2 instruction pseudocode for AddWithCarry, the shared
 * "X[]/SP[]" register accessors (register 31 is XZR or SP per encoding).
 *
 * Conventions for translate functions (see decode.h):
 *   - signature bool trans_xxx(DisasContext *dc, uint32_t insn);
 *   - return false (before emitting IR) for reserved field values: the
 *     caller raises Undefined;
 *   - end the block by setting dc->is_jmp (DISAS_NORETURN when the
 *     function emitted the exits itself);
 *   - guest registers written by a load/store are written after its last
 *     memory access (a fault must leave them unchanged);
 *   - FP/SIMD instructions start with `if (!fp_access_check(dc)) return true;`.
 */
#ifndef FERRY_TARGET_ARM_TRANSLATE_H
#define FERRY_TARGET_ARM_TRANSLATE_H

#include "target/arm/cpu.h"
#include "target/arm/decode.h"
#include "tcg/translator.h"

typedef enum DisasJumpType {
    DISAS_NEXT,             /* continue with the next instruction */
    DISAS_NORETURN,         /* the instruction emitted the block's exits */
    DISAS_UPDATE_EXIT,      /* pc = next instruction, back to the CPU loop
                               (state that interrupts or tb flags depend on
                               changed) */
    DISAS_UPDATE_NOCHAIN,   /* pc = next instruction, continue through the
                               jump cache (no chaining) */
    DISAS_JUMP,             /* cpu_pc already set: continue through the jump cache */
} DisasJumpType;

struct DisasContext {
    TranslatorCtx *tc;
    TCGContext *s;
    ARMCPU *cpu;
    uint64_t pc;            /* address of the instruction being translated */
    uint32_t insn;
    uint32_t tbflags;
    uint64_t features;      /* ARMFeature bits of this CPU */
    unsigned el;
    unsigned mmu_idx;       /* normal loads/stores */
    unsigned unpriv_mmu_idx;/* LDTR/STTR */
    DisasJumpType is_jmp;
};

/* IR globals (registered by the translate_init hook) */
extern TCGv cpu_X[32];      /* [31] is the current SP */
extern TCGv cpu_pc, cpu_NF, cpu_ZF, cpu_CF, cpu_VF;

/* ---- fields ------------------------------------------------------------------ */

static inline uint32_t extract32(uint32_t v, unsigned pos, unsigned len)
{
    return (v >> pos) & (len == 32 ? ~0u : (1u << len) - 1);
}
static inline int32_t sextract32(uint32_t v, unsigned pos, unsigned len)
{
    return (int32_t)(v << (32 - pos - len)) >> (32 - len);
}
static inline uint64_t extract64(uint64_t v, unsigned pos, unsigned len)
{
    return (v >> pos) & (len == 64 ? ~0ull : (1ull << len) - 1);
}
static inline int64_t sextract64(uint64_t v, unsigned pos, unsigned len)
{
    return (int64_t)(v << (64 - pos - len)) >> (64 - len);
}

static inline bool dc_has(const DisasContext *dc, ARMFeature f)
{
    return (dc->features >> f) & 1;
}

/* ---- registers ------------------------------------------------------------------ */

/* Xn with register 31 = XZR (a zero constant). */
TCGv read_x(DisasContext *dc, unsigned r);
/* Xn with register 31 = SP. */
static inline TCGv read_xsp(DisasContext *dc, unsigned r)
{
    (void)dc;
    return cpu_X[r];
}
/* A destination for Xr (31 = XZR: a temp whose value is dropped). */
TCGv dest_x(DisasContext *dc, unsigned r);
/* Write Xr / Wr (31 = XZR). sf = 0 writes the low 32 bits zero-extended. */
void write_x(DisasContext *dc, unsigned r, TCGv v);
void write_reg(DisasContext *dc, unsigned r, TCGv v, bool sf);
/* Write SP/Xr with register 31 = SP. */
void write_xsp(DisasContext *dc, unsigned r, TCGv v, bool sf);
/* The low 32 bits of v, zero-extended, in a new temp. */
TCGv tmp_ext32u(DisasContext *dc, TCGv v);
TCGv tmp_ext32s(DisasContext *dc, TCGv v);
TCGv new_tmp(DisasContext *dc);
TCGv new_tmp_tb(DisasContext *dc);

/* ---- flags ------------------------------------------------------------------------ */

/* NZ from a result (zero-extended for sf = 0), C = V = 0 (logical ops). */
void gen_logic_cc(DisasContext *dc, bool sf, TCGv result);
/* d = a + b, setting NZCV (AddWithCarry with carry-in 0). d may be a global. */
void gen_add_cc(DisasContext *dc, bool sf, TCGv d, TCGv a, TCGv b);
/* d = a - b, setting NZCV (AddWithCarry(a, NOT b, 1)). */
void gen_sub_cc(DisasContext *dc, bool sf, TCGv d, TCGv a, TCGv b);
/* d = a + b + C (set_flags: also NZCV). */
void gen_adc(DisasContext *dc, bool sf, TCGv d, TCGv a, TCGv b, bool set_flags);
/* NZCV from a 4-bit immediate. */
void gen_set_nzcv_imm(DisasContext *dc, unsigned nzcv);

/* A condition (ConditionHolds(cond)) as one comparison. */
typedef struct DisasCompare {
    TCGCond cond;
    TCGv a, b;
} DisasCompare;
void arm_test_cc(DisasContext *dc, DisasCompare *c, unsigned cc);
static inline TCGCond dc_cond_invert(TCGCond c) { return tcg_cond_invert(c); }

/* ---- block exits ---------------------------------------------------------------------- */

/* Jump to a known pc (chained when possible; n is the goto_tb slot 0/1). */
void gen_goto_tb(DisasContext *dc, unsigned n, uint64_t dest);
/* cpu_pc = v, continue through the jump cache (BR/BLR/RET). */
void gen_jump_reg(DisasContext *dc, TCGv v);

/* ---- exceptions -------------------------------------------------------------------------- */

/* The EL an exception from this instruction goes to by default (EL0 -> 1). */
static inline unsigned default_exception_el(const DisasContext *dc)
{
    return dc->el ? dc->el : 1;
}
/* Raise excp with syndrome at EL target_el; the exception's preferred
 * return address (env->pc at delivery) is this instruction, or the next
 * one when ret_next (SVC, HVC, SMC). Ends the block. */
void gen_exception(DisasContext *dc, ARMExcp excp, uint32_t syndrome, unsigned target_el,
                   bool ret_next);
/* Same, returning to this instruction (faults, Undefined, BRK). */
static inline void gen_exception_insn(DisasContext *dc, ARMExcp excp, uint32_t syndrome,
                                      unsigned target_el)
{
    gen_exception(dc, excp, syndrome, target_el, false);
}
/* Undefined Instruction for this encoding (logged under -d unimp). */
void unallocated_encoding(DisasContext *dc);
/* FP/SIMD enabled? If not, raises the access trap and returns false. */
bool fp_access_check(DisasContext *dc);

/* ---- memory ------------------------------------------------------------------------------- */

/* The MemOp for a normal access: adds the alignment check SCTLR.A asks for. */
static inline MemOp dc_memop(const DisasContext *dc, MemOp mop)
{
    if ((dc->tbflags & TBF_ALIGN) && !(mop & MO_AMASK))
        mop |= MO_ALIGN;
    return mop;
}
/* ExtendReg(src, option, shift): UXTB/H/W/X, SXTB/H/W/X, then LSL shift
 * (register-offset addressing, extended-register arithmetic). */
TCGv gen_extend_reg(DisasContext *dc, TCGv src, unsigned option, unsigned shift);
/* Guest load/store at addr (I64) with the current MMU index. */
void gen_ld(DisasContext *dc, TCGv d, TCGv addr, MemOp mop);
void gen_st(DisasContext *dc, TCGv v, TCGv addr, MemOp mop);
/* Same with an explicit MMU index (LDTR/STTR). */
void gen_ld_idx(DisasContext *dc, TCGv d, TCGv addr, MemOp mop, unsigned mmu_idx);
void gen_st_idx(DisasContext *dc, TCGv v, TCGv addr, MemOp mop, unsigned mmu_idx);
/* V register parts: load/store size bytes (1..16) of Vt at addr; loads
 * clear the rest of the register. */
void gen_ld_vreg(DisasContext *dc, unsigned vt, TCGv addr, unsigned log2size, unsigned mmu_idx);
void gen_st_vreg(DisasContext *dc, unsigned vt, TCGv addr, unsigned log2size, unsigned mmu_idx);
/* Clear bytes [from, 16) of Vd. */
void clear_vreg_tail(DisasContext *dc, unsigned vd, unsigned from);

/* ---- helpers shared by classes (helper.c) ------------------------------------------------ */

#define ARM_EXC_RET_NEXT 0x100
NORETURN void helper_exception(CPUARMState *env, uint32_t excp, uint32_t syndrome,
                               uint32_t el_flags);
extern const TCGHelper h_exception;
extern const TCGHelper h_wfi, h_wfe, h_yield, h_sev;

#endif
