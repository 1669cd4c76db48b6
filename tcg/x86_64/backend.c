/*
 * backend.c — the x86-64 host backend (System V ABI): registers, operand
 * constraints, and instruction selection for the integer ops, control
 * flow, calls and the prologue. Guest memory access is in ldst.c, vectors
 * in vec.c. Optional instructions (BMI1 andn, BMI2 shlx/shrx/sarx, LZCNT,
 * TZCNT, POPCNT, MOVBE) are used when cpuid reports them.
 *
 * env lives in rbx for the whole block; rsp addresses the frame (a save
 * area for the softmmu slow path, then spill slots).
 */
#if defined(__x86_64__)

#include <cpuid.h>

#include "tcg/x86_64/asm.h"
#include "tcg/x86_64/x86.h"

X86Features x86_features;
static X86Features host_features;
static bool features_probed;

/* cpuid once (it can trap to a hypervisor: slow) */
static void probe_features(void)
{
    unsigned a, b, c, d;
    features_probed = true;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        host_features.popcnt = (c >> 23) & 1;
        host_features.movbe = (c >> 22) & 1;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        host_features.bmi1 = (b >> 3) & 1;
        host_features.bmi2 = (b >> 8) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d))
        host_features.lzcnt = (c >> 5) & 1;
    x86_features = host_features;
}

void x86_backend_set_features(const X86Features *f)
{
    if (!features_probed)
        probe_features();
    x86_features = f ? *f : host_features;
}

static const char *const reg_names[] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

#define R_ALL (0xffffu & ~REGSET(RSP) & ~REGSET(RBX))
#define R_CALL_CLOBBER (REGSET(RAX) | REGSET(RCX) | REGSET(RDX) | REGSET(RSI) | REGSET(RDI) | \
                        REGSET(R8) | REGSET(R9) | REGSET(R10) | REGSET(R11))

static const int8_t alloc_order[] = {
    RBP, R12, R13, R14, R15, R10, R11, R9, R8, RCX, RDX, RSI, RDI, RAX, -1,
};

/* Immediate classes */
enum {
    IMM_S32 = 1,    /* sign-extended 32-bit (any value for i32 ops) */
    IMM_ANY = 2,    /* any value (shift counts: masked) */
    IMM_NOT = 3,    /* ~value fits IMM_S32 (andc/orc) */
    IMM_WIDTH = 4,  /* exactly the operand width (clz/ctz with lzcnt/tzcnt) */
    IMM_NEG = 5,    /* -value fits IMM_S32 (sub by lea) */
};

static bool imm_ok(const TCGOp *op, int argno, uint8_t cls, uint64_t val)
{
    bool i32 = op->type == TCG_I32;
    (void)argno;
    switch (cls) {
    case IMM_S32: return i32 || fits_i32((int64_t)val);
    case IMM_ANY: return true;
    case IMM_NOT: return i32 || fits_i32((int64_t)~val);
    case IMM_NEG: return i32 ? (uint32_t)val != 0x80000000u : fits_i32((int64_t)(0 - val));
    case IMM_WIDTH: return val == (i32 ? 32u : 64u);
    default: return false;
    }
}

/* ---- constraints ---------------------------------------------------------- */

#define O(r) { .regs = (r), .alias = -1 }
#define ONEW(r) { .regs = (r), .alias = -1, .newreg = true }
#define OAL(i) { .regs = R_ALL, .alias = (i) }
#define OALR(r, i) { .regs = (r), .alias = (i) }
#define I(r) { .regs = (r), .alias = -1 }
#define II(r, c) { .regs = (r), .imm = (c), .alias = -1 }

static const TCGConstraint ct_r_r = { .out = { O(R_ALL) }, .in = { I(R_ALL) } };
/* env (rbx) is never allocated, so allowing it only lets env itself be
 * used in place as a base (ld/st, lea). */
#define R_ENV (R_ALL | REGSET(RBX))
static const TCGConstraint ct_r_r_ri = { .out = { O(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_S32) } };
static const TCGConstraint ct_add = { .out = { O(R_ALL) }, .in = { I(R_ENV), II(R_ALL, IMM_S32) } };
static const TCGConstraint ct_sub = { .out = { O(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_NEG) } };
static const TCGConstraint ct_andn = { .out = { O(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_NOT) } };
static const TCGConstraint ct_andc = { .out = { ONEW(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_NOT) } };
static const TCGConstraint ct_shift_bmi2 = { .out = { O(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_ANY) } };
static const TCGConstraint ct_shift_cl = {
    .out = { OAL(0) }, .in = { I(R_ALL & ~REGSET(RCX)), II(REGSET(RCX), IMM_ANY) },
};
static const TCGConstraint ct_div = {
    .out = { OALR(REGSET(RAX), 0) },
    .in = { I(REGSET(RAX)), I(R_ALL & ~REGSET(RAX) & ~REGSET(RDX)) },
    .clobber = REGSET(RDX),
};
static const TCGConstraint ct_rem = {
    .out = { O(REGSET(RDX)) },
    .in = { I(REGSET(RAX)), I(R_ALL & ~REGSET(RAX) & ~REGSET(RDX)) },
    .clobber = REGSET(RAX),
};
static const TCGConstraint ct_mul2 = {
    .out = { OALR(REGSET(RAX), 0), O(REGSET(RDX)) },
    .in = { I(REGSET(RAX)), I(R_ALL & ~REGSET(RAX) & ~REGSET(RDX)) },
};
static const TCGConstraint ct_addsub2 = {
    .out = { OAL(0), OAL(1) },
    .in = { I(R_ALL), I(R_ALL), II(R_ALL, IMM_S32), II(R_ALL, IMM_S32) },
};
static const TCGConstraint ct_cnt = { .out = { ONEW(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_WIDTH) } };
static const TCGConstraint ct_cnt_noimm = { .out = { ONEW(R_ALL) }, .in = { I(R_ALL), I(R_ALL) } };
static const TCGConstraint ct_deposit = {
    .out = { OAL(0) }, .in = { I(R_ALL), I(R_ALL) }, .nscratch = 1, .scratch_regs = R_ALL,
};
static const TCGConstraint ct_extract2 = { .out = { OAL(0) }, .in = { I(R_ALL), I(R_ALL) } };
static const TCGConstraint ct_setcond = { .out = { O(R_ALL) }, .in = { I(R_ALL), II(R_ALL, IMM_S32) } };
static const TCGConstraint ct_movcond = {
    .out = { OAL(3) }, .in = { I(R_ALL), II(R_ALL, IMM_S32), I(R_ALL), I(R_ALL) },
};
static const TCGConstraint ct_brcond = { .in = { I(R_ALL), II(R_ALL, IMM_S32) } };
static const TCGConstraint ct_st = { .in = { II(R_ALL, IMM_S32), I(R_ENV) } };
static const TCGConstraint ct_ld = { .out = { O(R_ALL) }, .in = { I(R_ENV) } };
static const TCGConstraint ct_qemu_ld = {
    .out = { O(R_ALL) }, .in = { I(R_ALL) }, .nscratch = 2, .scratch_regs = R_ALL,
};
static const TCGConstraint ct_qemu_st = {
    .in = { I(R_ALL), I(R_ALL) }, .nscratch = 2, .scratch_regs = R_ALL,
};
static const TCGConstraint ct_vec_dup = { .in = { I(R_ALL) } };
static const TCGConstraint ct_none = { .out = { O(0) } };

static const TCGConstraint *constraint(const TCGOp *op)
{
    const X86Features *f = &x86_features;
    switch (op->opc) {
    case INDEX_op_add:
        return &ct_add;
    case INDEX_op_and:
    case INDEX_op_or:
    case INDEX_op_xor:
    case INDEX_op_mul:
    case INDEX_op_eqv:
    case INDEX_op_nand:
    case INDEX_op_nor:
        return &ct_r_r_ri;
    case INDEX_op_sub:
        return &ct_sub;
    case INDEX_op_andc:
        return f->bmi1 ? &ct_andn : &ct_andc;
    case INDEX_op_orc:
        return &ct_andc;
    case INDEX_op_neg: case INDEX_op_not:
    case INDEX_op_ext8s: case INDEX_op_ext8u: case INDEX_op_ext16s: case INDEX_op_ext16u:
    case INDEX_op_ext32s: case INDEX_op_ext32u:
    case INDEX_op_bswap16: case INDEX_op_bswap32: case INDEX_op_bswap64:
    case INDEX_op_ext_i32_i64: case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32: case INDEX_op_extrh_i64_i32:
    case INDEX_op_extract: case INDEX_op_sextract:
        return &ct_r_r;
    case INDEX_op_ctpop:
        return f->popcnt ? &ct_r_r : NULL;
    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
        return f->bmi2 ? &ct_shift_bmi2 : &ct_shift_cl;
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        return &ct_shift_cl;
    case INDEX_op_div: case INDEX_op_divu:
        return &ct_div;
    case INDEX_op_rem: case INDEX_op_remu: case INDEX_op_mulsh: case INDEX_op_muluh:
        return &ct_rem;   /* result in rdx, rax destroyed */
    case INDEX_op_mulu2: case INDEX_op_muls2:
        return &ct_mul2;
    case INDEX_op_add2: case INDEX_op_sub2:
        return &ct_addsub2;
    case INDEX_op_clz:
        return f->lzcnt ? &ct_cnt : &ct_cnt_noimm;
    case INDEX_op_ctz:
        return f->bmi1 ? &ct_cnt : &ct_cnt_noimm;
    case INDEX_op_deposit:
        return &ct_deposit;
    case INDEX_op_extract2:
        return &ct_extract2;
    case INDEX_op_setcond: case INDEX_op_negsetcond:
        return &ct_setcond;
    case INDEX_op_movcond:
        return &ct_movcond;
    case INDEX_op_brcond:
        return &ct_brcond;
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_ld:
        return &ct_ld;
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
        return &ct_st;
    case INDEX_op_qemu_ld:
        return &ct_qemu_ld;
    case INDEX_op_qemu_st:
        return &ct_qemu_st;
    case INDEX_op_vec_dup:
        return &ct_vec_dup;
    case INDEX_op_vec_mov: case INDEX_op_vec_not: case INDEX_op_vec_and: case INDEX_op_vec_or:
    case INDEX_op_vec_xor: case INDEX_op_vec_andc: case INDEX_op_vec_add: case INDEX_op_vec_sub:
    case INDEX_op_mb:
        return &ct_none;
    default:
        return NULL;
    }
}

/* ---- small emitters ------------------------------------------------------- */

static int W(TCGType t) { return t == TCG_I64 ? P_W : 0; }

void x86_mov(Gen *g, TCGType t, int d, int s)
{
    if (d != s)
        x_rr(g, OPC_MOV_EvGv | W(t), s, d);
}

void x86_movi(Gen *g, TCGType t, int d, uint64_t v)
{
    if (t == TCG_I32)
        v = (uint32_t)v;
    if (v == 0) {
        x_rr(g, OPC_ALU_EvGv(ALU_XOR), d, d);
    } else if (v <= 0xffffffffull) {
        x_prefix(g, OPC_MOV_Iv + (d & 7), 0, d, -1);
        gen_u32(g, (uint32_t)v);
    } else if (fits_i32((int64_t)v)) {
        x_rr(g, OPC_MOV_EvIz | P_W, 0, d);
        gen_u32(g, (uint32_t)v);
    } else {
        x_prefix(g, (OPC_MOV_Iv + (d & 7)) | P_W, 0, d, -1);
        gen_u64(g, v);
    }
}

static void alu_rr(Gen *g, TCGType t, int ext, int d, int s)
{
    x_rr(g, OPC_ALU_EvGv(ext) | W(t), s, d);
}

void x86_alu_ri(Gen *g, TCGType t, int ext, int d, int64_t imm)
{
    int32_t v = (int32_t)imm;
    if (fits_i8(v)) {
        x_rr(g, OPC_ALU_EvIb | W(t), ext, d);
        gen_u8(g, (uint8_t)v);
    } else {
        x_rr(g, OPC_ALU_EvIz | W(t), ext, d);
        gen_u32(g, (uint32_t)v);
    }
}

static void shift_ri(Gen *g, TCGType t, int ext, int d, unsigned n)
{
    unsigned w = t == TCG_I64 ? 64 : 32;
    n &= w - 1;
    if (n == 0)
        return;
    if (n == 1) {
        x_rr(g, OPC_SHIFT_1 | W(t), ext, d);
    } else {
        x_rr(g, OPC_SHIFT_Ib | W(t), ext, d);
        gen_u8(g, (uint8_t)n);
    }
}

static void grp3(Gen *g, TCGType t, int ext, int r)
{
    x_rr(g, OPC_GRP3 | W(t), ext, r);
}

static void emit_ld(Gen *g, TCGType t, int d, int base, int32_t off)
{
    x_mem_bd(g, OPC_MOV_GvEv | W(t), d, base, off);
}

static void emit_st(Gen *g, TCGType t, int s, int base, int32_t off)
{
    x_mem_bd(g, OPC_MOV_EvGv | W(t), s, base, off);
}

static bool emit_sti(Gen *g, TCGType t, uint64_t v, int base, int32_t off)
{
    if (t == TCG_I64 && !fits_i32((int64_t)v)) {
        /* two 32-bit halves: no register needed */
        x_mem_bd(g, OPC_MOV_EvIz, 0, base, off);
        gen_u32(g, (uint32_t)v);
        x_mem_bd(g, OPC_MOV_EvIz, 0, base, off + 4);
        gen_u32(g, (uint32_t)(v >> 32));
        return true;
    }
    x_mem_bd(g, OPC_MOV_EvIz | W(t), 0, base, off);
    gen_u32(g, (uint32_t)v);
    return true;
}

/* jmp/jcc rel32 to an absolute RX address */
void x86_jmp_abs(Gen *g, int cc, uintptr_t target)
{
    if (cc < 0)
        gen_u8(g, OPC_JMP_LONG);
    else {
        gen_u8(g, 0x0f);
        gen_u8(g, (uint8_t)(0x80 | cc));
    }
    int64_t rel = (int64_t)target - (int64_t)(gen_rx(g, g->ptr) + 4);
    gen_u32(g, (uint32_t)(int32_t)rel);
}

/* jmp/jcc rel32 to a label */
static void jmp_label(Gen *g, int cc, uint32_t label)
{
    if (cc < 0)
        gen_u8(g, OPC_JMP_LONG);
    else {
        gen_u8(g, 0x0f);
        gen_u8(g, (uint8_t)(0x80 | cc));
    }
    gen_reloc(g, label, gen_off(g), 0);
    gen_u32(g, 0);
}

/* Short forward jumps inside one op's sequence. */
static uint32_t jcc8(Gen *g, int cc)
{
    gen_u8(g, (uint8_t)(cc < 0 ? OPC_JMP_SHORT : OPC_JCC_SHORT | cc));
    gen_u8(g, 0);
    return gen_off(g);
}

static void land8(Gen *g, uint32_t from)
{
    int d = (int)(gen_off(g) - from);
    if (d > 127) {
        fprintf(stderr, "ferry: x86 backend: short jump out of range\n");
        abort();
    }
    if (g->start + from - 1 < g->end)
        g->start[from - 1] = (uint8_t)d;
}

static void emit_call(Gen *g, const void *fn, TCGType ret)
{
    x86_call(g, fn);
    if (ret == TCG_I32)
        x_rr(g, OPC_MOV_EvGv, RAX, RAX);   /* the ABI leaves bits 32..63 undefined */
}

void x86_call(Gen *g, const void *fn)
{
    int64_t rel = (int64_t)(uintptr_t)fn - (int64_t)(gen_rx(g, g->ptr) + 5);
    if (fits_i32(rel)) {
        gen_u8(g, OPC_CALL_JZ);
        gen_u32(g, (uint32_t)(int32_t)rel);
    } else {
        x86_movi(g, TCG_I64, RAX, (uintptr_t)fn);
        x_rr(g, OPC_GRP5, G5_CALL, RAX);
    }
}

static int x86_cond(TCGCond c)
{
    static const int8_t map[NB_CONDS] = {
        [COND_EQ] = CC_E, [COND_NE] = CC_NE, [COND_LT] = CC_L, [COND_GE] = CC_GE,
        [COND_LE] = CC_LE, [COND_GT] = CC_G, [COND_LTU] = CC_B, [COND_GEU] = CC_AE,
        [COND_LEU] = CC_BE, [COND_GTU] = CC_A, [COND_TSTEQ] = CC_E, [COND_TSTNE] = CC_NE,
    };
    return map[c];
}

/* Set flags for "a cond b"; returns the x86 condition code (or -1 for
 * always, -2 for never). */
static int emit_compare(Gen *g, TCGType t, TCGCond c, int a, int b, bool b_imm, uint64_t imm)
{
    if (c == COND_ALWAYS)
        return -1;
    if (c == COND_NEVER)
        return -2;
    if (c == COND_TSTEQ || c == COND_TSTNE) {
        if (b_imm) {
            x_rr(g, OPC_GRP3 | W(t), G3_TEST, a);
            gen_u32(g, (uint32_t)imm);
        } else {
            x_rr(g, OPC_TEST_EvGv | W(t), b, a);
        }
    } else if (b_imm) {
        if (imm == 0 && c != COND_LTU && c != COND_GEU)
            x_rr(g, OPC_TEST_EvGv | W(t), a, a);
        else
            x86_alu_ri(g, t, ALU_CMP, a, (int64_t)imm);
    } else {
        alu_rr(g, t, ALU_CMP, a, b);
    }
    return x86_cond(c);
}

/* ---- ops ------------------------------------------------------------------- */

static void emit_binop(Gen *g, TCGType t, int ext, int d, int a, int b, bool bi, uint64_t imm,
                       bool commutative)
{
    if (bi) {
        x86_mov(g, t, d, a);
        x86_alu_ri(g, t, ext, d, (int64_t)imm);
    } else if (d == a) {
        alu_rr(g, t, ext, d, b);
    } else if (d == b && commutative) {
        alu_rr(g, t, ext, d, a);
    } else if (d == b) {
        /* d = a - d */
        grp3(g, t, G3_NEG, d);
        alu_rr(g, t, ALU_ADD, d, a);
    } else {
        x86_mov(g, t, d, a);
        alu_rr(g, t, ext, d, b);
    }
}

static void emit_div(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    bool sign = op->opc == INDEX_op_div || op->opc == INDEX_op_rem;
    bool rem = op->opc == INDEX_op_rem || op->opc == INDEX_op_remu;
    int b = a->reg[2];
    /* dividend in rax; quotient -> rax, remainder -> rdx */
    x_rr(g, OPC_TEST_EvGv | W(t), b, b);
    uint32_t jz = jcc8(g, CC_E), jm1 = 0;
    if (sign) {
        x86_alu_ri(g, t, ALU_CMP, b, -1);
        jm1 = jcc8(g, CC_E);
        if (t == TCG_I64)
            gen_u8(g, 0x48);   /* cqo */
        gen_u8(g, 0x99);       /* cdq */
    } else {
        x_rr(g, OPC_ALU_EvGv(ALU_XOR), RDX, RDX);
    }
    grp3(g, t, sign ? G3_IDIV : G3_DIV, b);
    uint32_t jdone = jcc8(g, -1), jdone2 = 0;
    land8(g, jz);
    /* x / 0 = 0, x % 0 = x */
    if (rem)
        x86_mov(g, t, RDX, RAX);
    else
        x_rr(g, OPC_ALU_EvGv(ALU_XOR), RAX, RAX);
    if (sign) {
        jdone2 = jcc8(g, -1);
        land8(g, jm1);
        /* x / -1 = -x (MIN stays MIN), x % -1 = 0 */
        if (rem)
            x_rr(g, OPC_ALU_EvGv(ALU_XOR), RDX, RDX);
        else
            grp3(g, t, G3_NEG, RAX);
        land8(g, jdone2);
    }
    land8(g, jdone);
}

static void emit_cnt(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    bool clz = op->opc == INDEX_op_clz;
    int d = a->reg[0], s = a->reg[1], z = a->reg[2];
    bool fast = clz ? x86_features.lzcnt : x86_features.bmi1;
    if (fast) {
        /* lzcnt/tzcnt give the width for 0 and set CF */
        x_rr(g, (clz ? OPC_LZCNT : OPC_TZCNT) | W(t), d, s);
        if (z >= 0)
            x_rr(g, (OPC_CMOVCC | CC_B) | W(t), d, z);
        return;
    }
    /* bsr/bsf: ZF for 0, result undefined then */
    x_rr(g, (clz ? OPC_BSR : OPC_BSF) | W(t), d, s);
    if (clz)
        x86_alu_ri(g, t, ALU_XOR, d, t == TCG_I64 ? 63 : 31);   /* index -> count */
    x_rr(g, OPC_TEST_EvGv | W(t), s, s);
    x_rr(g, (OPC_CMOVCC | CC_E) | W(t), d, z);
}

static void emit_deposit(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    unsigned w = t == TCG_I64 ? 64 : 32;
    unsigned pos = (unsigned)op_carg(op, 0), len = (unsigned)op_carg(op, 1);
    int d = a->reg[0], b = a->reg[2], tmp = a->scratch[0];
    if (len == w) {
        x86_mov(g, t, d, b);
        return;
    }
    /* field of b to the top of tmp; rotate d's field to the bottom, drop
     * it, shift the new field in, rotate back */
    x86_mov(g, t, tmp, b);
    shift_ri(g, t, SH_SHL, tmp, w - len);
    shift_ri(g, t, SH_ROR, d, pos);
    shift_ri(g, t, SH_SHR, d, len);
    x_rr(g, OPC_SHLD_Ib | W(t), tmp, d);
    gen_u8(g, (uint8_t)len);
    shift_ri(g, t, SH_ROL, d, pos);
}

static void emit_extract(Gen *g, const TCGOp *op, const TCGArgs *a, bool sign)
{
    TCGType t = (TCGType)op->type;
    unsigned w = t == TCG_I64 ? 64 : 32;
    unsigned pos = (unsigned)op_carg(op, 0), len = (unsigned)op_carg(op, 1);
    int d = a->reg[0], s = a->reg[1];
    if (pos == 0 && len == 8) {
        x_rr(g, (sign ? OPC_MOVSBL : OPC_MOVZBL) | (sign ? W(t) : 0), d, s);
    } else if (pos == 0 && len == 16) {
        x_rr(g, (sign ? OPC_MOVSWL : OPC_MOVZWL) | (sign ? W(t) : 0), d, s);
    } else if (pos == 0 && len == 32 && t == TCG_I64) {
        if (sign)
            x_rr(g, OPC_MOVSLQ, d, s);
        else
            x_rr(g, OPC_MOV_EvGv, s, d);
    } else if (pos + len == w) {
        x86_mov(g, t, d, s);
        shift_ri(g, t, sign ? SH_SAR : SH_SHR, d, pos);
    } else {
        x86_mov(g, t, d, s);
        shift_ri(g, t, SH_SHL, d, w - pos - len);
        shift_ri(g, t, sign ? SH_SAR : SH_SHR, d, w - len);
    }
}

static void emit_setcond(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    int d = a->reg[0];
    int cc = emit_compare(g, t, (TCGCond)op_carg(op, 0), a->reg[1], a->reg[2], a->reg[2] < 0,
                          a->imm[2]);
    if (cc < 0) {
        x86_movi(g, t, d, cc == -1 ? (op->opc == INDEX_op_setcond ? 1 : ~0ull) : 0);
        return;
    }
    x_rr(g, OPC_SETCC | cc, 0, d);
    x_rr(g, OPC_MOVZBL, d, d);
    if (op->opc == INDEX_op_negsetcond)
        grp3(g, t, G3_NEG, d);
}

static void emit_movcond(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    int d = a->reg[0];   /* == v2's register */
    int cc = emit_compare(g, t, (TCGCond)op_carg(op, 0), a->reg[1], a->reg[2], a->reg[2] < 0,
                          a->imm[2]);
    if (cc == -1)
        x86_mov(g, t, d, a->reg[3]);
    else if (cc >= 0)
        x_rr(g, (OPC_CMOVCC | cc) | W(t), d, a->reg[3]);
}

static void emit_host_ld(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    int d = a->reg[0], base = a->reg[1];
    int32_t off = (int32_t)op_carg(op, 0);
    switch (op->opc) {
    case INDEX_op_ld8u: x_mem_bd(g, OPC_MOVZBL, d, base, off); break;
    case INDEX_op_ld8s: x_mem_bd(g, OPC_MOVSBL | W(t), d, base, off); break;
    case INDEX_op_ld16u: x_mem_bd(g, OPC_MOVZWL, d, base, off); break;
    case INDEX_op_ld16s: x_mem_bd(g, OPC_MOVSWL | W(t), d, base, off); break;
    case INDEX_op_ld32u: x_mem_bd(g, OPC_MOV_GvEv, d, base, off); break;
    case INDEX_op_ld32s: x_mem_bd(g, OPC_MOVSLQ, d, base, off); break;
    default: emit_ld(g, t, d, base, off); break;
    }
}

static void emit_host_st(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    int v = a->reg[0], base = a->reg[1];
    int32_t off = (int32_t)op_carg(op, 0);
    bool imm = v < 0;
    uint64_t iv = a->imm[0];
    switch (op->opc) {
    case INDEX_op_st8:
        if (imm) {
            x_mem_bd(g, 0xc6, 0, base, off);
            gen_u8(g, (uint8_t)iv);
        } else {
            x_mem_bd(g, OPC_MOVB_EvGv, v, base, off);
        }
        break;
    case INDEX_op_st16:
        if (imm) {
            x_mem_bd(g, OPC_MOV_EvIz | P_66, 0, base, off);
            gen_u16(g, (uint16_t)iv);
        } else {
            x_mem_bd(g, OPC_MOV_EvGv | P_66, v, base, off);
        }
        break;
    case INDEX_op_st32:
        if (imm)
            emit_sti(g, TCG_I32, iv, base, off);
        else
            emit_st(g, TCG_I32, v, base, off);
        break;
    default:
        if (imm)
            emit_sti(g, t, iv, base, off);
        else
            emit_st(g, t, v, base, off);
        break;
    }
}

static void emit_shift(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    int d = a->reg[0], s = a->reg[1], c = a->reg[2];
    int ext;
    switch (op->opc) {
    case INDEX_op_shl: ext = SH_SHL; break;
    case INDEX_op_shr: ext = SH_SHR; break;
    case INDEX_op_sar: ext = SH_SAR; break;
    case INDEX_op_rotl: ext = SH_ROL; break;
    default: ext = SH_ROR; break;
    }
    if (c < 0) {
        x86_mov(g, t, d, s);
        shift_ri(g, t, ext, d, (unsigned)a->imm[2]);
        return;
    }
    if (x86_features.bmi2 && (ext == SH_SHL || ext == SH_SHR || ext == SH_SAR)) {
        int opc = ext == SH_SHL ? OPC_SHLX : ext == SH_SHR ? OPC_SHRX : OPC_SARX;
        x_vex_rr(g, opc | W(t), d, c, s);
        return;
    }
    x86_mov(g, t, d, s);   /* d aliases s */
    x_rr(g, OPC_SHIFT_CL | W(t), ext, d);
}

static void emit_op(Gen *g, const TCGOp *op, const TCGArgs *a)
{
    TCGType t = (TCGType)op->type;
    int d = a->reg[0], s = a->reg[1], b = a->reg[2];
    bool bi = op->nin > 1 && b < 0;
    uint64_t imm = a->imm[2];

    switch (op->opc) {
    case INDEX_op_add:
        if (bi) {
            if (d == s)
                x86_alu_ri(g, t, ALU_ADD, d, (int64_t)imm);
            else
                x_mem_bd(g, OPC_LEA | W(t), d, s, (int32_t)imm);
        } else if (d == s) {
            alu_rr(g, t, ALU_ADD, d, b);
        } else if (d == b) {
            alu_rr(g, t, ALU_ADD, d, s);
        } else {
            x_mem(g, OPC_LEA | W(t), d, s, b, 0, 0);
        }
        break;
    case INDEX_op_sub:
        if (bi) {   /* add the negation (IMM_NEG guarantees it fits) */
            int64_t v = t == TCG_I32 ? (int64_t)(int32_t)imm : (int64_t)imm;
            if (d == s)
                x86_alu_ri(g, t, ALU_ADD, d, -v);
            else
                x_mem_bd(g, OPC_LEA | W(t), d, s, (int32_t)-v);
        } else {
            emit_binop(g, t, ALU_SUB, d, s, b, false, 0, false);
        }
        break;
    case INDEX_op_and:
        emit_binop(g, t, ALU_AND, d, s, b, bi, imm, true);
        break;
    case INDEX_op_or:
        emit_binop(g, t, ALU_OR, d, s, b, bi, imm, true);
        break;
    case INDEX_op_xor:
        emit_binop(g, t, ALU_XOR, d, s, b, bi, imm, true);
        break;
    case INDEX_op_eqv:
    case INDEX_op_nand:
    case INDEX_op_nor:
        emit_binop(g, t, op->opc == INDEX_op_eqv ? ALU_XOR : op->opc == INDEX_op_nand ? ALU_AND : ALU_OR,
                   d, s, b, bi, imm, true);
        grp3(g, t, G3_NOT, d);
        break;
    case INDEX_op_andc:
        if (bi) {
            x86_mov(g, t, d, s);
            x86_alu_ri(g, t, ALU_AND, d, (int64_t)~imm);
        } else if (x86_features.bmi1) {
            x_vex_rr(g, OPC_ANDN | W(t), d, b, s);
        } else {
            x86_mov(g, t, d, b);   /* d is a new register */
            grp3(g, t, G3_NOT, d);
            alu_rr(g, t, ALU_AND, d, s);
        }
        break;
    case INDEX_op_orc:
        if (bi) {
            x86_mov(g, t, d, s);
            x86_alu_ri(g, t, ALU_OR, d, (int64_t)~imm);
        } else {
            x86_mov(g, t, d, b);
            grp3(g, t, G3_NOT, d);
            alu_rr(g, t, ALU_OR, d, s);
        }
        break;
    case INDEX_op_mul:
        if (bi) {
            int32_t v = (int32_t)imm;
            if (fits_i8(v)) {
                x_rr(g, OPC_IMUL_GvEvIb | W(t), d, s);
                gen_u8(g, (uint8_t)v);
            } else {
                x_rr(g, OPC_IMUL_GvEvIz | W(t), d, s);
                gen_u32(g, (uint32_t)v);
            }
        } else if (d == s) {
            x_rr(g, OPC_IMUL_GvEv | W(t), d, b);
        } else if (d == b) {
            x_rr(g, OPC_IMUL_GvEv | W(t), d, s);
        } else {
            x86_mov(g, t, d, s);
            x_rr(g, OPC_IMUL_GvEv | W(t), d, b);
        }
        break;
    case INDEX_op_neg:
    case INDEX_op_not:
        x86_mov(g, t, d, s);
        grp3(g, t, op->opc == INDEX_op_neg ? G3_NEG : G3_NOT, d);
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr:
        emit_shift(g, op, a);
        break;
    case INDEX_op_div: case INDEX_op_divu: case INDEX_op_rem: case INDEX_op_remu:
        emit_div(g, op, a);
        break;
    case INDEX_op_mulsh:
    case INDEX_op_muluh:
        grp3(g, t, op->opc == INDEX_op_mulsh ? G3_IMUL : G3_MUL, b);
        break;
    case INDEX_op_mulu2:
    case INDEX_op_muls2:
        grp3(g, t, op->opc == INDEX_op_muls2 ? G3_IMUL : G3_MUL, a->reg[3]);
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        bool add = op->opc == INDEX_op_add2;
        int lo = a->reg[0], hi = a->reg[1], bl = a->reg[4], bh = a->reg[5];
        if (bl < 0)
            x86_alu_ri(g, t, add ? ALU_ADD : ALU_SUB, lo, (int64_t)a->imm[4]);
        else
            alu_rr(g, t, add ? ALU_ADD : ALU_SUB, lo, bl);
        if (bh < 0)
            x86_alu_ri(g, t, add ? ALU_ADC : ALU_SBB, hi, (int64_t)a->imm[5]);
        else
            alu_rr(g, t, add ? ALU_ADC : ALU_SBB, hi, bh);
        break;
    }
    case INDEX_op_clz:
    case INDEX_op_ctz:
        emit_cnt(g, op, a);
        break;
    case INDEX_op_ctpop:
        x_rr(g, OPC_POPCNT | W(t), d, s);
        break;
    case INDEX_op_ext8s: x_rr(g, OPC_MOVSBL | W(t), d, s); break;
    case INDEX_op_ext8u: x_rr(g, OPC_MOVZBL, d, s); break;
    case INDEX_op_ext16s: x_rr(g, OPC_MOVSWL | W(t), d, s); break;
    case INDEX_op_ext16u: x_rr(g, OPC_MOVZWL, d, s); break;
    case INDEX_op_ext32s:
    case INDEX_op_ext_i32_i64:
        x_rr(g, OPC_MOVSLQ, d, s);
        break;
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        x_rr(g, OPC_MOV_EvGv, s, d);   /* 32-bit mov zero-extends */
        break;
    case INDEX_op_extrh_i64_i32:
        x86_mov(g, TCG_I64, d, s);
        shift_ri(g, TCG_I64, SH_SHR, d, 32);
        break;
    case INDEX_op_bswap16:
        x86_mov(g, t, d, s);
        x_rr(g, OPC_SHIFT_Ib | P_66, SH_ROL, d);
        gen_u8(g, 8);
        x_rr(g, OPC_MOVZWL, d, d);
        break;
    case INDEX_op_bswap32:
        x86_mov(g, TCG_I32, d, s);
        x_prefix(g, OPC_BSWAP + (d & 7), 0, d, -1);
        break;
    case INDEX_op_bswap64:
        x86_mov(g, TCG_I64, d, s);
        x_prefix(g, (OPC_BSWAP + (d & 7)) | P_W, 0, d, -1);
        break;
    case INDEX_op_deposit:
        emit_deposit(g, op, a);
        break;
    case INDEX_op_extract:
    case INDEX_op_sextract:
        emit_extract(g, op, a, op->opc == INDEX_op_sextract);
        break;
    case INDEX_op_extract2: {
        unsigned pos = (unsigned)op_carg(op, 0);
        if (pos) {
            x_rr(g, OPC_SHRD_Ib | W(t), b, d);
            gen_u8(g, (uint8_t)pos);
        }
        break;
    }
    case INDEX_op_setcond:
    case INDEX_op_negsetcond:
        emit_setcond(g, op, a);
        break;
    case INDEX_op_movcond:
        emit_movcond(g, op, a);
        break;
    case INDEX_op_brcond: {
        /* args: a, b (no outputs) */
        int cc = emit_compare(g, t, (TCGCond)op_carg(op, 0), a->reg[0], a->reg[1], a->reg[1] < 0,
                              a->imm[1]);
        if (cc != -2)
            jmp_label(g, cc == -1 ? -1 : cc, (uint32_t)op_carg(op, 1));
        break;
    }
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_ld:
        emit_host_ld(g, op, a);
        break;
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
        emit_host_st(g, op, a);
        break;
    case INDEX_op_mb:
        if (op_carg(op, 0) & TCG_MO_ST_LD) {   /* only store->load needs a fence on x86 */
            gen_u8(g, 0x0f);
            gen_u8(g, 0xae);
            gen_u8(g, 0xf0);
        }
        break;
    default:
        fprintf(stderr, "ferry: x86 backend: unhandled op %s\n", tcg_op_defs[op->opc].name);
        abort();
    }
}

/* ---- block structure ------------------------------------------------------------- */

static void emit_br(Gen *g, uint32_t label)
{
    jmp_label(g, -1, label);
}

static void emit_goto_tb(Gen *g, unsigned n)
{
    /* the rel32 field must be 4-byte aligned so patching is atomic */
    switch ((4 - ((gen_off(g) + 1) & 3)) & 3) {
    case 1: gen_u8(g, 0x90); break;
    case 2: gen_u8(g, 0x66); gen_u8(g, 0x90); break;
    case 3: gen_u8(g, 0x0f); gen_u8(g, 0x1f); gen_u8(g, 0x00); break;
    default: break;
    }
    gen_u8(g, OPC_JMP_LONG);
    g->s->goto_tb_off[n] = gen_off(g);
    gen_u32(g, 0);
    g->s->goto_tb_reset[n] = gen_off(g);
}

static void emit_exit_tb(Gen *g, uintptr_t val)
{
    if (val == 0) {
        x86_jmp_abs(g, -1, gen_epilogue(g, true));
        return;
    }
    x86_movi(g, TCG_I64, RAX, val);
    x86_jmp_abs(g, -1, gen_epilogue(g, false));
}

static void emit_goto_ptr(Gen *g, int reg)
{
    x_rr(g, OPC_GRP5, G5_JMP, reg);
}

static void emit_count(Gen *g, int32_t off)
{
    x_mem_bd(g, OPC_GRP5 | P_W, G5_INC, RBX, off);
}

static void patch_reloc(Gen *g, uint8_t *field, uint8_t kind, uintptr_t target)
{
    (void)kind;
    if (field + 4 > g->end + 4096)
        return;
    int64_t rel = (int64_t)target - (int64_t)(gen_rx(g, field) + 4);
    uint32_t v = (uint32_t)(int32_t)rel;
    memcpy(field, &v, 4);
}

static void set_jump(uint8_t *slot_rw, uintptr_t slot_rx, uintptr_t target)
{
    int64_t rel = (int64_t)target - (int64_t)(slot_rx + 4);
    if (!fits_i32(rel)) {
        fprintf(stderr, "ferry: x86 backend: chained jump out of range\n");
        abort();
    }
    __atomic_store_n((uint32_t *)slot_rw, (uint32_t)(int32_t)rel, __ATOMIC_RELAXED);
}

/* Frame: [rsp, +128) slow-path register save area, then spill slots. */
#define SPILL_SLOTS 256
#define FRAME_SIZE (X86_SAVE_AREA + 8 * SPILL_SLOTS + 8)   /* keeps rsp 16-aligned */

static const int8_t saved_regs[] = { RBP, RBX, R12, R13, R14, R15 };

static void emit_prologue(Gen *g, uintptr_t *entry, uintptr_t *ret, uintptr_t *ret_zero)
{
    /* uintptr_t entry(void *env, const void *code) */
    *entry = gen_rx(g, g->ptr);
    for (size_t i = 0; i < ARRAY_SIZE(saved_regs); i++)
        x_prefix(g, 0x50 + (saved_regs[i] & 7), 0, saved_regs[i], -1);
    x_rr(g, OPC_ALU_EvIz | P_W, ALU_SUB, RSP);
    gen_u32(g, FRAME_SIZE);
    x86_mov(g, TCG_I64, RBX, RDI);
    x_rr(g, OPC_GRP5, G5_JMP, RSI);

    while (gen_off(g) & 15)
        gen_u8(g, 0xcc);
    *ret_zero = gen_rx(g, g->ptr);
    x_rr(g, OPC_ALU_EvGv(ALU_XOR), RAX, RAX);
    *ret = gen_rx(g, g->ptr);
    x_rr(g, OPC_ALU_EvIz | P_W, ALU_ADD, RSP);
    gen_u32(g, FRAME_SIZE);
    for (size_t i = ARRAY_SIZE(saved_regs); i-- > 0;)
        x_prefix(g, 0x58 + (saved_regs[i] & 7), 0, saved_regs[i], -1);
    gen_u8(g, 0xc3);
}

static void emit_mov_cb(Gen *g, TCGType t, int d, int s) { x86_mov(g, t, d, s); }
static void emit_movi_cb(Gen *g, TCGType t, int d, uint64_t v) { x86_movi(g, t, d, v); }

static const TCGBackend x86_64_backend = {
    .name = "x86_64",
    .disas_arch = "x86_64",
    .reg_names = reg_names,
    .allocatable = R_ALL,
    .call_clobbered = R_CALL_CLOBBER,
    .alloc_order = alloc_order,
    .call_arg_regs = { RDI, RSI, RDX, RCX, R8, R9 },
    .call_ret_reg = RAX,
    .env_reg = RBX,
    .frame_reg = RSP,
    .spill_off = X86_SAVE_AREA,
    .spill_slots = SPILL_SLOTS,
    .constraint = constraint,
    .imm_ok = imm_ok,
    .emit_op = emit_op,
    .emit_mov = emit_mov_cb,
    .emit_movi = emit_movi_cb,
    .emit_ld = emit_ld,
    .emit_st = emit_st,
    .emit_sti = emit_sti,
    .emit_call = emit_call,
    .emit_br = emit_br,
    .emit_qemu_ldst = x86_emit_qemu_ldst,
    .emit_slow_path = x86_emit_slow_path,
    .emit_vec = x86_emit_vec,
    .emit_goto_tb = emit_goto_tb,
    .emit_exit_tb = emit_exit_tb,
    .emit_goto_ptr = emit_goto_ptr,
    .emit_count = emit_count,
    .patch_reloc = patch_reloc,
    .emit_prologue = emit_prologue,
    .set_jump = set_jump,
};

const TCGBackend *tcg_backend_host(void)
{
    if (!features_probed)
        probe_features();
    return &x86_64_backend;
}

#endif
