/*
 * codegen.h — what turns optimized IR into something runnable. Two
 * implementations: the IR interpreter (tcg/interp/, any host) and the
 * native code generator (tcg/regalloc.c driving a host backend from
 * tcg/backend.h). The block cache (tcg/tb.c) and the op tests use only
 * this interface, so every feature works the same on both.
 */
#ifndef FERRY_TCG_CODEGEN_H
#define FERRY_TCG_CODEGEN_H

#include "tcg/ir.h"

/* Exit values of a block (returned by exec): a TranslationBlock pointer
 * or'ed with one of these in the low two bits, or 0. */
enum {
    TB_EXIT_IDX0 = 0,       /* left through goto_tb 0 unchained: chain it */
    TB_EXIT_IDX1 = 1,       /* ... goto_tb 1 */
    TB_EXIT_NOCHAIN = 2,    /* plain exit */
    TB_EXIT_REQUESTED = 3,  /* exit request seen at block entry */
    TB_EXIT_MASK = 3,
};

struct TCGCodegen {
    const char *name;
    /* Context set-up: emit prologue/epilogue or tables into s->cb. */
    void (*context_init)(TCGContext *s);
    void (*context_free)(TCGContext *s);
    /* Optional, before liveness: rewrite ops this code generator does
     * not implement (e.g. into helper calls). */
    void (*lower)(TCGContext *s);
    /* Generate code for s->ops at rw (buffer space: avail bytes).
     * Returns the size, or -1 if it does not fit or exceeds limits. */
    long (*gen)(TCGContext *s, uint8_t *rw, size_t avail);
    /* Run code (RX address) with env; returns the exit value. */
    uintptr_t (*exec)(TCGContext *s, void *env, const void *code);
    /* Point jump `n` of a block (its patch offset recorded in
     * goto_tb_off) at target (RX); atomically w.r.t. a running CPU. */
    void (*set_jump)(TCGContext *s, uint8_t *code_rx, uint32_t patch_off, const void *target_rx);
    /* Code address goto_ptr jumps to for "return to the loop with 0". */
    const void *(*return_zero)(TCGContext *s);
};

extern const TCGCodegen tcg_codegen_interp;
/* The native code generator for this host, or NULL if there is none. */
const TCGCodegen *tcg_codegen_native(void);
/* "interp" or "native" (or a host backend's own name, e.g. "x86_64"). */
const TCGCodegen *tcg_codegen_find(const char *name);

/* Runtime helpers generated code calls (tcg/helpers.c). */
extern const TCGHelper tcg_helper_lookup_tb;

/* Return address seen by helpers called from the interpreter (see
 * TCG_GETPC in tcg/cpu.h). */
extern __thread uintptr_t tcg_interp_retaddr;

#endif
