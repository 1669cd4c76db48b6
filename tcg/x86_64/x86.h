/*
 * x86.h — shared between the x86-64 backend's files (backend.c, ldst.c,
 * vec.c): the frame layout and the emit helpers they call in each other.
 */
#ifndef FERRY_TCG_X86_64_X86_H
#define FERRY_TCG_X86_64_X86_H

#include "tcg/x86_64/asm.h"

/* [rsp, rsp + X86_SAVE_AREA): where the softmmu slow path saves
 * caller-saved registers (8 bytes per register number). */
#define X86_SAVE_AREA 128

void x86_mov(Gen *g, TCGType t, int d, int s);
void x86_movi(Gen *g, TCGType t, int d, uint64_t v);
void x86_alu_ri(Gen *g, TCGType t, int ext, int d, int64_t imm);
void x86_jmp_abs(Gen *g, int cc, uintptr_t target);
void x86_call(Gen *g, const void *fn);

void x86_emit_qemu_ldst(Gen *g, const TCGOp *op, const TCGArgs *a, const TCGLdstInfo *info);
void x86_emit_slow_path(Gen *g, const TCGSlowPath *sp);
void x86_emit_vec(Gen *g, const TCGOp *op, int scalar_reg);

#endif
