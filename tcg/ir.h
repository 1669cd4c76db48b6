/*
 * ir.h — the translator's intermediate representation and the builder API
 * the guest frontends use to emit it.
 *
 * A frontend translates one guest block into a list of ops (tcg/ops.def)
 * on temps. Temps are typed (I32 or I64); an op takes its type from its
 * first output (or first input when it has none), and the builder checks
 * that operands agree. Every builder call is `ir_<op>(s, dst..., src...)`;
 * the `ir_<op>i` forms take an immediate as the last source.
 *
 * Temps come in kinds:
 *   global  a field of the guest CPU state at a fixed offset from env (X0,
 *           PC, flag words). Registered once per context; lives across
 *           blocks. The backend may cache it in a host register within a
 *           block; CPU state is brought up to date where needed (helper
 *           calls per their flags, block exits, possible guest faults).
 *   tb      block-local: keeps its value across labels and branches within
 *           one block (ir_temp_tb).
 *   bb      plain temp (ir_temp): keeps its value until the next label;
 *           after a label its value is undefined. Survives the
 *           fall-through of a conditional branch.
 *   const   an immediate as a temp (ir_const); never written.
 *   env     the fixed pointer to the CPU state (s->env), an I64 temp.
 * A temp may be written any number of times.
 *
 * Rules for frontends:
 *   - Never access a global's CPU-state field with ir_ld/ir_st or vector
 *     ops: the backend may hold a newer value in a register.
 *   - Write back guest state a faulting instruction must not change (e.g.
 *     base register writeback) only after its last memory access.
 *   - Start each guest instruction with ir_insn_start() so an exception in
 *     the middle of a block restores the guest pc (and whatever else the
 *     frontend records there).
 */
#ifndef FERRY_TCG_IR_H
#define FERRY_TCG_IR_H

#include "core/common.h"

/* ---- ops ------------------------------------------------------------ */

enum {
    OPF_INT = 1 << 0,
    OPF_64 = 1 << 1,
    OPF_COMM = 1 << 2,
    OPF_SIDE = 1 << 3,
    OPF_BB_END = 1 << 4,
    OPF_NOFALL = 1 << 5,
    OPF_RAISE = 1 << 6,
    OPF_VEC = 1 << 7,
    OPF_MIXED = 1 << 8,
};

typedef enum TCGOpcode {
#define DEF(name, nout, nin, ncarg, flags) INDEX_op_##name,
#include "tcg/ops.def"
#undef DEF
    NB_OPS
} TCGOpcode;

typedef struct TCGOpDef {
    const char *name;
    uint8_t nout, nin, ncarg;
    uint16_t flags;
} TCGOpDef;
extern const TCGOpDef tcg_op_defs[NB_OPS];

typedef enum TCGType {
    TCG_I32 = 0,
    TCG_I64 = 1,
    TCG_VOID = 2,   /* helper return type only */
} TCGType;

/* Conditions for setcond/negsetcond/movcond/brcond. */
typedef enum TCGCond {
    COND_EQ, COND_NE,
    COND_LT, COND_GE, COND_LE, COND_GT,        /* signed */
    COND_LTU, COND_GEU, COND_LEU, COND_GTU,    /* unsigned */
    COND_TSTEQ, COND_TSTNE,                    /* (a & b) == 0, != 0 */
    COND_ALWAYS, COND_NEVER,
    NB_CONDS
} TCGCond;
TCGCond tcg_cond_invert(TCGCond c);  /* !c */
TCGCond tcg_cond_swap(TCGCond c);    /* c with operands exchanged */
const char *tcg_cond_name(TCGCond c);

/*
 * MemOp: size, signedness, byte order, alignment of a guest access.
 * Guests and hosts are little-endian; MO_BSWAP asks for a big-endian access.
 * Alignment: MO_UNALN (any address; a page-crossing access is split),
 * MO_ALIGN (natural: the access size) or MO_ALIGN_2..MO_ALIGN_64 (bytes).
 * A misaligned access with a requirement calls the target's
 * do_unaligned_access hook.
 */
typedef enum MemOp {
    MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 1 << 2,
    MO_BSWAP = 1 << 3,
    MO_ASHIFT = 4,
    MO_AMASK = 7 << MO_ASHIFT,
    MO_UNALN = 0,
    MO_ALIGN = 1 << MO_ASHIFT,
    MO_ALIGN_2 = 2 << MO_ASHIFT,
    MO_ALIGN_4 = 3 << MO_ASHIFT,
    MO_ALIGN_8 = 4 << MO_ASHIFT,
    MO_ALIGN_16 = 5 << MO_ASHIFT,
    MO_ALIGN_32 = 6 << MO_ASHIFT,
    MO_ALIGN_64 = 7 << MO_ASHIFT,
    MO_LE = 0,
    MO_BE = MO_BSWAP,
    MO_UB = MO_8, MO_UW = MO_16, MO_UL = MO_32, MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN, MO_SW = MO_16 | MO_SIGN, MO_SL = MO_32 | MO_SIGN,
} MemOp;

static inline unsigned memop_size(MemOp mop) { return 1u << (mop & MO_SIZE); }
/* Required alignment in bytes (1 = none). */
static inline unsigned memop_align(MemOp mop)
{
    unsigned a = (mop & MO_AMASK) >> MO_ASHIFT;
    return a == 0 ? 1 : a == 1 ? memop_size(mop) : 1u << (a - 1);
}
/* memop and mmu index packed for the slow-path helpers */
typedef uint32_t MemOpIdx;
static inline MemOpIdx make_memop_idx(MemOp mop, unsigned mmu_idx)
{
    return ((uint32_t)mop << 8) | mmu_idx;
}
static inline MemOp get_memop(MemOpIdx oi) { return (MemOp)(oi >> 8); }
static inline unsigned get_mmuidx(MemOpIdx oi) { return oi & 0xff; }

/* Memory barrier kinds for ir_mb (orderings to enforce, may be or'ed). */
enum {
    TCG_MO_LD_LD = 1, TCG_MO_ST_LD = 2, TCG_MO_LD_ST = 4, TCG_MO_ST_ST = 8,
    TCG_MO_ALL = 15,
};

/* Vector op descriptor: element size log2 (0..3), operation size and
 * maximum size in bytes (8 or 16; bytes [oprsz, maxsz) are zeroed). */
#define VEC_DESC(vece, oprsz, maxsz) ((vece) | ((oprsz) << 8) | ((maxsz) << 16))
static inline unsigned vec_vece(uint64_t d) { return d & 3; }
static inline unsigned vec_oprsz(uint64_t d) { return (d >> 8) & 0xff; }
static inline unsigned vec_maxsz(uint64_t d) { return (d >> 16) & 0xff; }

/* ---- helpers ------------------------------------------------------- */

enum {
    TCG_CALL_NO_READ_G = 1,   /* does not read globals from CPU state */
    TCG_CALL_NO_WRITE_G = 2,  /* does not write globals in CPU state */
    TCG_CALL_NO_SE = 4,       /* no side effects: dropped if result unused */
    TCG_CALL_MAY_RAISE = 8,   /* may raise a guest exception (longjmp) */
    TCG_CALL_PURE = TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G | TCG_CALL_NO_SE,
};

/*
 * A C function generated code may call. Arguments and result are passed
 * as 64-bit host registers (I32 values zero-extended); helpers therefore
 * take and return integer or pointer types of at most 64 bits, at most
 * TCG_MAX_HELPER_ARGS of them. Define one per helper, statically:
 *   static const TCGHelper h_foo = TCG_HELPER(helper_foo, TCG_I64,
 *                                             TCG_CALL_PURE);
 * A helper that may raise obtains its return address with TCG_GETPC()
 * (tcg/cpu.h) and passes it to the raise function.
 */
#define TCG_MAX_HELPER_ARGS 6
typedef struct TCGHelper {
    void *fn;
    const char *name;
    uint8_t ret;     /* TCGType; TCG_VOID for none */
    uint8_t flags;
} TCGHelper;
#define TCG_HELPER(f, rettype, fl) \
    { .fn = (void *)(f), .name = #f, .ret = (rettype), .flags = (fl) }

/* ---- temps, labels, ops ------------------------------------------- */

typedef enum TCGTempKind {
    TEMP_BB,
    TEMP_TB,
    TEMP_GLOBAL,
    TEMP_FIXED,   /* env */
    TEMP_CONST,
} TCGTempKind;

/* A temp handle. Pass by value; compare with tcgv_eq(). */
typedef struct TCGv {
    uint32_t n;
} TCGv;
#define TCGV_NONE ((TCGv){ UINT32_MAX })
static inline bool tcgv_eq(TCGv a, TCGv b) { return a.n == b.n; }
static inline bool tcgv_is_none(TCGv a) { return a.n == UINT32_MAX; }

typedef struct TCGLabel {
    uint32_t n;
} TCGLabel;

typedef struct TCGTemp {
    uint8_t kind;      /* TCGTempKind */
    uint8_t type;      /* TCGType */
    int32_t mem_off;   /* global: env offset */
    uint64_t val;      /* const: value (I32 values zero-extended) */
    const char *name;  /* global: for dumps */
} TCGTemp;

#define TCG_MAX_OP_ARGS 10
typedef struct TCGOp {
    uint8_t opc;       /* TCGOpcode */
    uint8_t type;      /* TCGType */
    uint8_t nout, nin; /* temp operands (from the op table, or per call) */
    /* Liveness (tcg/liveness.c): bit i set: argument i's temp is dead
     * after this op; bit 16+i: its value must be written back to memory
     * (global or tb temp) when its register is released here. */
    uint32_t life;
    uint64_t args[TCG_MAX_OP_ARGS];
} TCGOp;

#define LIFE_DEAD(i) (1u << (i))
#define LIFE_SYNC(i) (1u << (16 + (i)))

static inline TCGv op_temp(const TCGOp *op, int i) { return (TCGv){ (uint32_t)op->args[i] }; }
static inline uint64_t op_carg(const TCGOp *op, int i) { return op->args[op->nout + op->nin + i]; }
static inline const TCGHelper *op_helper(const TCGOp *op)
{
    return (const TCGHelper *)(uintptr_t)op->args[op->nout + op->nin];
}

typedef struct TCGLabelInfo {
    uint32_t refs;     /* branches to it (kept by the optimizer) */
    bool placed;
} TCGLabelInfo;

/* ---- the context ---------------------------------------------------- */

typedef struct TCGContext TCGContext;
typedef struct TCGCodegen TCGCodegen;
typedef struct CodeBuf CodeBuf;

/* Limits of one translation; beyond them the block is cut short. */
#define TCG_MAX_INSNS 512
#define TCG_MAX_TEMPS 65535
#define TCG_MAX_LABELS 65535

/* How the context reaches the guest CPU state (see tcg/cpu.h). Tests that
 * run IR without a CPU leave what they do not use zeroed. */
typedef struct TCGEnvLayout {
    /* env-relative offset of the CPUState the env is embedded after
     * (negative): generated code hands CPUState pointers to helpers. */
    int32_t cpu_off;
    /* env-relative offset of the softmmu TLB table array and the
     * CPUState exit-request word. */
    int32_t tlb_off;
    int32_t exit_request_off;
    /* env-relative scratch the interpreter uses as its frame */
    int32_t interp_frame_off;
    uint32_t interp_frame_size;
    /* words of data per ir_insn_start (1..3) */
    unsigned insn_start_words;
    /* env-relative offset of the per-CPU execution counters (uint64_t
     * array indexed by TCG_COUNTER_*), bumped by generated code when the
     * context's count_stats is set */
    int32_t counters_off;
} TCGEnvLayout;

enum {
    TCG_COUNTER_TB_ENTER,     /* blocks entered (any way) */
    TCG_COUNTER_TLB_FAST,     /* guest accesses that hit the inline TLB path */
    TCG_COUNTER_HELPER_CALL,  /* helper calls */
    TCG_NB_COUNTERS
};

struct TCGContext {
    const TCGCodegen *cg;
    CodeBuf *cb;
    TCGEnvLayout layout;
    bool optimize;        /* run tcg/optimize.c (default true) */
    bool count_stats;     /* emit per-CPU execution counters */

    TCGTemp *temps;
    uint32_t nb_temps, nb_globals, temps_cap;
    TCGv env;

    TCGOp *ops;
    uint32_t nb_ops, ops_cap;

    TCGLabelInfo *labels;
    uint32_t nb_labels, labels_cap;

    /* const dedup: open-addressed (type,value) -> temp, reset per block */
    uint32_t *const_hash;
    uint32_t const_hash_cap, const_hash_used;

    /* Code generation results (filled by the codegen, read by tb.c). */
    uint32_t nb_insns;
    uint32_t *insn_end_off;       /* per insn: code offset of its end */
    uint64_t (*insn_data)[3];     /* per insn: the insn_start words */
    uint32_t insn_cap;
    uint32_t goto_tb_off[2];      /* offset of the patchable jump (UINT32_MAX: none) */
    uint32_t goto_tb_reset[2];    /* offset the jump goes to when unchained */
    /* per-codegen private state */
    void *cg_state;

    /* statistics for the last block */
    uint32_t ops_before_opt, ops_after_opt;
};

TCGContext *tcg_context_new(const TCGCodegen *cg, CodeBuf *cb, const TCGEnvLayout *layout);
void tcg_context_free(TCGContext *s);

/* Start a new block: drops all but the globals. */
void tcg_func_start(TCGContext *s);

/* Temps */
TCGv ir_global(TCGContext *s, TCGType type, int32_t env_off, const char *name);
TCGv ir_temp(TCGContext *s, TCGType type);
TCGv ir_temp_tb(TCGContext *s, TCGType type);
TCGv ir_const(TCGContext *s, TCGType type, uint64_t val);
static inline TCGv ir_const32(TCGContext *s, uint32_t v) { return ir_const(s, TCG_I32, v); }
static inline TCGv ir_const64(TCGContext *s, uint64_t v) { return ir_const(s, TCG_I64, v); }
static inline TCGTemp *tcg_temp(TCGContext *s, TCGv t) { return &s->temps[t.n]; }
static inline TCGType tcgv_type(TCGContext *s, TCGv t) { return (TCGType)s->temps[t.n].type; }
static inline bool tcgv_is_const(TCGContext *s, TCGv t) { return s->temps[t.n].kind == TEMP_CONST; }

/* Labels */
TCGLabel ir_label(TCGContext *s);
void ir_set_label(TCGContext *s, TCGLabel l);
void ir_br(TCGContext *s, TCGLabel l);
void ir_brcond(TCGContext *s, TCGCond c, TCGv a, TCGv b, TCGLabel l);
void ir_brcondi(TCGContext *s, TCGCond c, TCGv a, uint64_t b, TCGLabel l);

/* Raw op emission (the builders below use it). Returns the op. */
TCGOp *tcg_emit_op(TCGContext *s, TCGOpcode opc, TCGType type, const uint64_t *args);
TCGOp *tcg_emit_op_at(TCGContext *s, TCGOpcode opc, TCGType type, const uint64_t *args,
                      uint32_t nargs);

/* Moves and constants */
void ir_mov(TCGContext *s, TCGv d, TCGv a);
void ir_movi(TCGContext *s, TCGv d, uint64_t v);
void ir_discard(TCGContext *s, TCGv t);

/* Two-input ops: d = a OP b */
#define IR_BINOPS(X) X(add) X(sub) X(mul) X(mulsh) X(muluh) X(div) X(divu) \
    X(rem) X(remu) X(and) X(or) X(xor) X(andc) X(orc) X(eqv) X(nand) X(nor) \
    X(shl) X(shr) X(sar) X(rotl) X(rotr) X(clz) X(ctz)
#define X(op) void ir_##op(TCGContext *s, TCGv d, TCGv a, TCGv b); \
    void ir_##op##i(TCGContext *s, TCGv d, TCGv a, uint64_t b);
IR_BINOPS(X)
#undef X

/* One-input ops: d = OP a */
#define IR_UNOPS(X) X(neg) X(not) X(ctpop) X(ext8s) X(ext8u) X(ext16s) \
    X(ext16u) X(ext32s) X(ext32u) X(bswap16) X(bswap32) X(bswap64)
#define X(op) void ir_##op(TCGContext *s, TCGv d, TCGv a);
IR_UNOPS(X)
#undef X

void ir_mulu2(TCGContext *s, TCGv lo, TCGv hi, TCGv a, TCGv b);
void ir_muls2(TCGContext *s, TCGv lo, TCGv hi, TCGv a, TCGv b);
void ir_add2(TCGContext *s, TCGv lo, TCGv hi, TCGv al, TCGv ah, TCGv bl, TCGv bh);
void ir_sub2(TCGContext *s, TCGv lo, TCGv hi, TCGv al, TCGv ah, TCGv bl, TCGv bh);

void ir_deposit(TCGContext *s, TCGv d, TCGv a, TCGv b, unsigned pos, unsigned len);
void ir_extract(TCGContext *s, TCGv d, TCGv a, unsigned pos, unsigned len);
void ir_sextract(TCGContext *s, TCGv d, TCGv a, unsigned pos, unsigned len);
void ir_extract2(TCGContext *s, TCGv d, TCGv lo, TCGv hi, unsigned pos);

void ir_setcond(TCGContext *s, TCGCond c, TCGv d, TCGv a, TCGv b);
void ir_setcondi(TCGContext *s, TCGCond c, TCGv d, TCGv a, uint64_t b);
void ir_negsetcond(TCGContext *s, TCGCond c, TCGv d, TCGv a, TCGv b);
void ir_movcond(TCGContext *s, TCGCond c, TCGv d, TCGv c1, TCGv c2, TCGv v1, TCGv v2);

void ir_ext_i32_i64(TCGContext *s, TCGv d64, TCGv a32);
void ir_extu_i32_i64(TCGContext *s, TCGv d64, TCGv a32);
void ir_extrl_i64_i32(TCGContext *s, TCGv d32, TCGv a64);
void ir_extrh_i64_i32(TCGContext *s, TCGv d32, TCGv a64);

/* Host-state access at base + off (base usually s->env). */
void ir_ld8u(TCGContext *s, TCGv d, TCGv base, int32_t off);
void ir_ld8s(TCGContext *s, TCGv d, TCGv base, int32_t off);
void ir_ld16u(TCGContext *s, TCGv d, TCGv base, int32_t off);
void ir_ld16s(TCGContext *s, TCGv d, TCGv base, int32_t off);
void ir_ld32u(TCGContext *s, TCGv d, TCGv base, int32_t off);
void ir_ld32s(TCGContext *s, TCGv d, TCGv base, int32_t off);
void ir_ld(TCGContext *s, TCGv d, TCGv base, int32_t off);   /* natural width */
void ir_st8(TCGContext *s, TCGv v, TCGv base, int32_t off);
void ir_st16(TCGContext *s, TCGv v, TCGv base, int32_t off);
void ir_st32(TCGContext *s, TCGv v, TCGv base, int32_t off);
void ir_st(TCGContext *s, TCGv v, TCGv base, int32_t off);   /* natural width */

/* Guest memory (addr is I64). */
void ir_qemu_ld(TCGContext *s, TCGv d, TCGv addr, unsigned mmu_idx, MemOp mop);
void ir_qemu_st(TCGContext *s, TCGv v, TCGv addr, unsigned mmu_idx, MemOp mop);

/* Helper calls; ret may be TCGV_NONE. */
void ir_call(TCGContext *s, const TCGHelper *h, TCGv ret, unsigned nargs, const TCGv *args);
#define ir_callv(s, h, ret, ...) \
    ir_call((s), (h), (ret), ARRAY_SIZE(((TCGv[]){__VA_ARGS__})), (TCGv[]){__VA_ARGS__})
#define ir_call0(s, h, ret) ir_call((s), (h), (ret), 0, NULL)

/* Block structure */
void ir_insn_start(TCGContext *s, uint64_t w0, uint64_t w1, uint64_t w2);
void ir_goto_tb(TCGContext *s, unsigned n);
void ir_exit_tb(TCGContext *s, uintptr_t val);
void ir_goto_ptr(TCGContext *s, TCGv ptr);
/* Jump to the block for the current CPU state through the jump cache
 * (tcg/cpu.h), or back to the CPU loop when it is not translated yet.
 * The guest pc must have been written to CPU state (globals count). */
void ir_lookup_and_goto_ptr(TCGContext *s);
void ir_mb(TCGContext *s, unsigned kinds);

/* Vectors on CPU-state offsets (see tcg/README.md). vece: element size
 * log2; oprsz/maxsz: 8 or 16 bytes. */
void ir_vec_mov(TCGContext *s, uint32_t dofs, uint32_t aofs, unsigned oprsz, unsigned maxsz);
void ir_vec_not(TCGContext *s, uint32_t dofs, uint32_t aofs, unsigned oprsz, unsigned maxsz);
void ir_vec_and(TCGContext *s, uint32_t dofs, uint32_t aofs, uint32_t bofs, unsigned oprsz, unsigned maxsz);
void ir_vec_or(TCGContext *s, uint32_t dofs, uint32_t aofs, uint32_t bofs, unsigned oprsz, unsigned maxsz);
void ir_vec_xor(TCGContext *s, uint32_t dofs, uint32_t aofs, uint32_t bofs, unsigned oprsz, unsigned maxsz);
void ir_vec_andc(TCGContext *s, uint32_t dofs, uint32_t aofs, uint32_t bofs, unsigned oprsz, unsigned maxsz);
void ir_vec_add(TCGContext *s, unsigned vece, uint32_t dofs, uint32_t aofs, uint32_t bofs, unsigned oprsz, unsigned maxsz);
void ir_vec_sub(TCGContext *s, unsigned vece, uint32_t dofs, uint32_t aofs, uint32_t bofs, unsigned oprsz, unsigned maxsz);
void ir_vec_dup(TCGContext *s, unsigned vece, uint32_t dofs, unsigned oprsz, unsigned maxsz, TCGv val);
void ir_vec_dupi(TCGContext *s, unsigned vece, uint32_t dofs, unsigned oprsz, unsigned maxsz, uint64_t val);
/* Everything else: a call to fn(void *d, void *a, void *b, uint32_t desc)
 * with pointers into CPU state and desc = VEC_DESC(...) | data << 24. */
typedef void TCGVecHelper(void *d, const void *a, const void *b, uint32_t desc);
void ir_vec_ool(TCGContext *s, const TCGHelper *h, uint32_t dofs, uint32_t aofs, uint32_t bofs,
                unsigned oprsz, unsigned maxsz, unsigned data);

/* ---- passes and output ---------------------------------------------- */

void tcg_optimize(TCGContext *s);
void tcg_liveness(TCGContext *s);
/* -d op */
void tcg_dump_ops(TCGContext *s, FILE *out, bool with_life);
const char *tcg_type_name(TCGType t);

/* What one block of IR became: code at `code` (RX), `size` bytes. */
typedef struct TCGGenResult {
    const void *code;
    size_t size;
} TCGGenResult;
/* Optimize, analyse and generate code for the ops in s into its code
 * buffer. Returns 0, or -1 when the buffer is full or the block exceeds
 * the codegen's limits (the caller flushes or retries smaller). */
int tcg_gen_code(TCGContext *s, TCGGenResult *res);

#endif
