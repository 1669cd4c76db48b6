/*
 * backend.h — what a native host backend provides to the generic code
 * generator (tcg/regalloc.c). The register allocator, frame and spill
 * management, labels, liveness-driven syncing of globals and the softmmu
 * slow-path bookkeeping are generic; a backend describes its registers,
 * states per op what operands it accepts, and emits instructions.
 *
 * Adding a host (e.g. tcg/aarch64/) means one directory implementing a
 * TCGBackend and returning it from tcg_backend_host(); no frontend or
 * generic change. An op a backend does not implement (constraint() returns
 * NULL) is run through a generic C helper (tcg/regalloc.c lists which ops
 * can be lowered that way); the rest are required.
 *
 * Code is emitted through Gen's RW pointer; addresses the code uses (jump
 * targets, return addresses) are RX addresses: gen_rx() converts.
 *
 * Invariant: an i32 value in a 64-bit host register is zero-extended.
 * Backends keep it (32-bit operations do on x86-64 and aarch64) and may
 * rely on it; helper arguments of type i32 thus arrive zero-extended.
 */
#ifndef FERRY_TCG_BACKEND_H
#define FERRY_TCG_BACKEND_H

#include "tcg/codegen.h"
#include "tcg/ir.h"

typedef uint32_t TCGRegSet;
#define REGSET(r) (1u << (r))

/* Operand constraint for one argument of an op. */
typedef struct TCGArgCt {
    TCGRegSet regs;   /* registers allowed (0: immediate only) */
    uint8_t imm;      /* backend-defined immediate class accepted (0: none) */
    int8_t alias;     /* outputs: must share input #alias's register (-1: no) */
    bool newreg;      /* outputs: must not share a register with any input */
} TCGArgCt;

typedef struct TCGConstraint {
    TCGArgCt out[2];
    TCGArgCt in[6];
    TCGRegSet clobber;       /* destroyed by the op's code besides outputs */
    uint8_t nscratch;        /* scratch registers the emitter needs */
    TCGRegSet scratch_regs;
} TCGConstraint;

/* Operands as resolved by the allocator for emit_op. */
typedef struct TCGArgs {
    int8_t reg[TCG_MAX_OP_ARGS];   /* outputs then inputs; -1: immediate */
    uint64_t imm[TCG_MAX_OP_ARGS]; /* inputs given as immediates */
    int8_t scratch[4];
} TCGArgs;

/* For guest memory ops: what the out-of-line slow path must do besides the
 * access itself: write dirty globals back to CPU state (the access may
 * fault), and preserve caller-saved registers holding live values. */
typedef struct TCGSyncStore {
    int8_t reg;       /* -1: store the constant */
    uint8_t type;
    int32_t off;      /* env offset */
    uint64_t val;
} TCGSyncStore;

typedef struct TCGLdstInfo {
    TCGRegSet save;           /* caller-saved regs to preserve */
    uint16_t nsync;
    TCGSyncStore *sync;       /* owned by the Gen (valid during emission) */
} TCGLdstInfo;

/* A recorded slow path, emitted after the block body. */
typedef struct TCGSlowPath {
    TCGOpcode opc;            /* qemu_ld or qemu_st */
    TCGType type;
    MemOp mop;
    unsigned mmu_idx;
    int8_t addr_reg, data_reg;
    uint32_t branch_off;      /* offset of the fast path's branch field */
    uint32_t return_off;      /* where the slow path continues */
    TCGRegSet save;
    uint16_t nsync;
    uint32_t sync_start;      /* index into Gen.sync_pool */
} TCGSlowPath;

typedef struct TCGReloc {
    uint32_t label;
    uint32_t off;             /* offset of the field to patch */
    uint8_t kind;             /* backend-defined */
} TCGReloc;

typedef struct TCGBackend TCGBackend;

/* Code generation state shared by the allocator and the backend. */
typedef struct Gen {
    TCGContext *s;
    const TCGBackend *be;
    uint8_t *start, *ptr, *end;   /* RW */
    uint8_t *rx_start;
    bool overflow;
    const TCGOp *op;              /* op being emitted */

    uint32_t *label_off;          /* UINT32_MAX: not placed yet */
    TCGReloc *relocs;
    uint32_t nrelocs, relocs_cap;

    TCGSlowPath *slow;
    uint32_t nslow, slow_cap;
    TCGSyncStore *sync_pool;
    uint32_t nsync_pool, sync_pool_cap;
} Gen;

static inline uint32_t gen_off(const Gen *g) { return (uint32_t)(g->ptr - g->start); }
static inline uintptr_t gen_rx(const Gen *g, const uint8_t *rw)
{
    return (uintptr_t)(g->rx_start + (rw - g->start));
}
static inline void gen_u8(Gen *g, uint8_t v)
{
    if (g->ptr < g->end)
        *g->ptr = v;
    g->ptr++;
}
static inline void gen_u16(Gen *g, uint16_t v)
{
    gen_u8(g, (uint8_t)v);
    gen_u8(g, (uint8_t)(v >> 8));
}
static inline void gen_u32(Gen *g, uint32_t v)
{
    gen_u16(g, (uint16_t)v);
    gen_u16(g, (uint16_t)(v >> 16));
}
static inline void gen_u64(Gen *g, uint64_t v)
{
    gen_u32(g, (uint32_t)v);
    gen_u32(g, (uint32_t)(v >> 32));
}
/* Record a reference to a label, to patch once it is placed. */
void gen_reloc(Gen *g, uint32_t label, uint32_t field_off, uint8_t kind);

struct TCGBackend {
    const char *name;             /* "x86_64" */
    const char *disas_arch;       /* for log_disas */
    const char *const *reg_names;

    TCGRegSet allocatable;
    TCGRegSet call_clobbered;
    const int8_t *alloc_order;    /* preferred order, -1 terminated */
    int8_t call_arg_regs[TCG_MAX_HELPER_ARGS];
    int8_t call_ret_reg;
    int8_t env_reg;               /* holds env in generated code */
    int8_t frame_reg;             /* base register of spill slots */
    int32_t spill_off;            /* frame_reg-relative start of spill slots */
    uint32_t spill_slots;         /* how many 8-byte slots */

    /* Operand constraints, or NULL if the op/type is not implemented. */
    const TCGConstraint *(*constraint)(const TCGOp *op);
    /* Does an immediate of class `cls` accept val for this op? */
    bool (*imm_ok)(const TCGOp *op, int argno, uint8_t cls, uint64_t val);

    void (*emit_op)(Gen *g, const TCGOp *op, const TCGArgs *a);
    void (*emit_mov)(Gen *g, TCGType t, int dst, int src);
    void (*emit_movi)(Gen *g, TCGType t, int dst, uint64_t val);
    void (*emit_ld)(Gen *g, TCGType t, int dst, int base, int32_t off);
    void (*emit_st)(Gen *g, TCGType t, int src, int base, int32_t off);
    /* Store an immediate; false if it cannot (the allocator then uses a
     * register). */
    bool (*emit_sti)(Gen *g, TCGType t, uint64_t val, int base, int32_t off);
    /* Call fn; an i32 result must come back zero-extended (see below). */
    void (*emit_call)(Gen *g, const void *fn, TCGType ret);
    void (*emit_br)(Gen *g, uint32_t label);
    /* guest memory fast path; records a TCGSlowPath via gen_slow_path() */
    void (*emit_qemu_ldst)(Gen *g, const TCGOp *op, const TCGArgs *a, const TCGLdstInfo *info);
    void (*emit_slow_path)(Gen *g, const TCGSlowPath *sp);
    /* vector op; scalar_reg is the dup input (or -1) */
    void (*emit_vec)(Gen *g, const TCGOp *op, int scalar_reg);
    void (*emit_goto_tb)(Gen *g, unsigned n);
    void (*emit_exit_tb)(Gen *g, uintptr_t val);
    void (*emit_goto_ptr)(Gen *g, int reg);
    /* Per-CPU counter increment at env + off (jitstats). */
    void (*emit_count)(Gen *g, int32_t env_off);

    /* Patch a label reference at field (RW) to jump to target_rx. */
    void (*patch_reloc)(Gen *g, uint8_t *field, uint8_t kind, uintptr_t target_rx);

    /* Context start-up: prologue/epilogue into the buffer at g. Sets the
     * entry point and the two epilogue addresses in the NativeState. */
    void (*emit_prologue)(Gen *g, uintptr_t *entry, uintptr_t *ret, uintptr_t *ret_zero);
    /* Chain: point the jump whose patch field is at slot_rw to target. */
    void (*set_jump)(uint8_t *slot_rw, uintptr_t slot_rx, uintptr_t target_rx);
};

/* The host's backend, or NULL. */
const TCGBackend *tcg_backend_host(void);

/* Allocator services for backends. */
TCGSlowPath *gen_slow_path(Gen *g, const TCGOp *op, const TCGArgs *a, const TCGLdstInfo *info);
/* Epilogue addresses of the current context (for exit_tb). */
uintptr_t gen_epilogue(const Gen *g, bool zero);

#endif
