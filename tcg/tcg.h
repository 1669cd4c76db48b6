/*
 * tcg.h — the translator's top-level switches and the bookkeeping code
 * generators share: backend selection (-accel tcg,backend=...), and the
 * per-instruction table that maps a host code address back to the guest
 * instruction (for exceptions in the middle of a block).
 */
#ifndef FERRY_TCG_TCG_H
#define FERRY_TCG_TCG_H

#include "core/error.h"
#include "tcg/codegen.h"
#include "tcg/ir.h"

/* Chooses the code generator new CPUs use: "interp" or "native".
 * Fails with a message naming the valid choices for this host. */
int tcg_select_backend(const char *name, Error **errp);
const TCGCodegen *tcg_default_codegen(void);

/* Called by code generators at each insn_start (code offset where the
 * instruction's code begins, its data words) and once at the end. */
void tcg_insn_start(TCGContext *s, uint32_t code_off, const uint64_t *words);
void tcg_insn_end(TCGContext *s, uint32_t code_size);

#endif
