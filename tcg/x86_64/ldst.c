/*
 * ldst.c — guest memory access for the x86-64 backend: the inline softmmu
 * fast path (TLB index, tag compare including alignment and page-crossing
 * bits, host addend, access) and the out-of-line slow path that writes
 * dirty globals back, preserves live caller-saved registers, and calls
 * tcg_helper_ld/st. The TLB layout is tcg/tlb.h.
 */
#if defined(__x86_64__)

#include "tcg/ldst.h"
#include "tcg/tlb.h"
#include "tcg/x86_64/x86.h"

static int32_t tlb_field(Gen *g, unsigned mmu_idx, size_t field)
{
    if (mmu_idx >= TCG_MAX_MMU_MODES) {
        fprintf(stderr, "ferry: guest access with MMU index %u (max %d)\n", mmu_idx,
                TCG_MAX_MMU_MODES - 1);
        abort();
    }
    return g->s->layout.tlb_off + (int32_t)(mmu_idx * TLB_SIZE * sizeof(CPUTLBEntry) + field);
}

/* Emit the TLB probe; leaves the host addend in s0 on a hit and returns
 * the offset of the miss branch's rel32 field. */
static uint32_t emit_tlb_probe(Gen *g, int addr, int s0, int s1, MemOp mop, unsigned mmu_idx,
                               bool is_store)
{
    unsigned size = memop_size(mop), align = memop_align(mop);
    int32_t cmp_off = tlb_field(g, mmu_idx, is_store ? offsetof(CPUTLBEntry, addr_write)
                                                     : offsetof(CPUTLBEntry, addr_read));
    int32_t add_off = tlb_field(g, mmu_idx, offsetof(CPUTLBEntry, addend));

    /* s0 = index * sizeof(entry) */
    x86_mov(g, TCG_I64, s0, addr);
    x_rr(g, OPC_SHIFT_Ib | P_W, SH_SHR, s0);
    gen_u8(g, TARGET_PAGE_BITS - TLB_ENTRY_BITS);
    x86_alu_ri(g, TCG_I32, ALU_AND, s0, (TLB_SIZE - 1) << TLB_ENTRY_BITS);
    /* s1 = the page of the last aligned chunk, with the alignment bits */
    unsigned off = size > align ? size - align : 0;
    if (off)
        x_mem_bd(g, OPC_LEA | P_W, s1, addr, (int32_t)off);
    else
        x86_mov(g, TCG_I64, s1, addr);
    x86_alu_ri(g, TCG_I64, ALU_AND, s1, (int64_t)(TARGET_PAGE_MASK | (align - 1)));
    x_mem(g, OPC_ALU_GvEv(ALU_CMP) | P_W, s1, RBX, s0, 0, cmp_off);
    gen_u8(g, 0x0f);
    gen_u8(g, 0x80 | CC_NE);
    uint32_t br = gen_off(g);
    gen_u32(g, 0);
    x_mem(g, OPC_MOV_GvEv | P_W, s0, RBX, s0, 0, add_off);
    return br;
}

static void emit_load(Gen *g, TCGType t, MemOp mop, int d, int base, int index)
{
    bool sign = mop & MO_SIGN, bswap = mop & MO_BSWAP;
    int W64 = t == TCG_I64 ? P_W : 0;
    switch (mop & MO_SIZE) {
    case MO_8:
        x_mem(g, sign ? (OPC_MOVSBL | W64) : OPC_MOVZBL, d, base, index, 0, 0);
        break;
    case MO_16:
        if (bswap) {
            x_mem(g, OPC_MOVZWL, d, base, index, 0, 0);
            x_rr(g, OPC_SHIFT_Ib | P_66, SH_ROL, d);
            gen_u8(g, 8);
            x_rr(g, sign ? (OPC_MOVSWL | W64) : OPC_MOVZWL, d, d);
        } else {
            x_mem(g, sign ? (OPC_MOVSWL | W64) : OPC_MOVZWL, d, base, index, 0, 0);
        }
        break;
    case MO_32:
        if (bswap) {
            x_mem(g, OPC_MOV_GvEv, d, base, index, 0, 0);
            x_prefix(g, OPC_BSWAP + (d & 7), 0, d, -1);
            if (sign && t == TCG_I64)
                x_rr(g, OPC_MOVSLQ, d, d);
        } else if (sign && t == TCG_I64) {
            x_mem(g, OPC_MOVSLQ, d, base, index, 0, 0);
        } else {
            x_mem(g, OPC_MOV_GvEv, d, base, index, 0, 0);
        }
        break;
    default:
        x_mem(g, OPC_MOV_GvEv | P_W, d, base, index, 0, 0);
        if (bswap)
            x_prefix(g, (OPC_BSWAP + (d & 7)) | P_W, 0, d, -1);
        break;
    }
}

static void emit_store(Gen *g, MemOp mop, int v, int base, int index, int tmp)
{
    if (mop & MO_BSWAP) {
        switch (mop & MO_SIZE) {
        case MO_16:
            x86_mov(g, TCG_I32, tmp, v);
            x_rr(g, OPC_SHIFT_Ib | P_66, SH_ROL, tmp);
            gen_u8(g, 8);
            v = tmp;
            break;
        case MO_32:
            x86_mov(g, TCG_I32, tmp, v);
            x_prefix(g, OPC_BSWAP + (tmp & 7), 0, tmp, -1);
            v = tmp;
            break;
        case MO_64:
            x86_mov(g, TCG_I64, tmp, v);
            x_prefix(g, (OPC_BSWAP + (tmp & 7)) | P_W, 0, tmp, -1);
            v = tmp;
            break;
        default:
            break;
        }
    }
    switch (mop & MO_SIZE) {
    case MO_8: x_mem(g, OPC_MOVB_EvGv, v, base, index, 0, 0); break;
    case MO_16: x_mem(g, OPC_MOV_EvGv | P_66, v, base, index, 0, 0); break;
    case MO_32: x_mem(g, OPC_MOV_EvGv, v, base, index, 0, 0); break;
    default: x_mem(g, OPC_MOV_EvGv | P_W, v, base, index, 0, 0); break;
    }
}

void x86_emit_qemu_ldst(Gen *g, const TCGOp *op, const TCGArgs *a, const TCGLdstInfo *info)
{
    bool st = op->opc == INDEX_op_qemu_st;
    MemOp mop = (MemOp)op_carg(op, 0);
    unsigned mmu_idx = (unsigned)op_carg(op, 1);
    int data = a->reg[0], addr = a->reg[1], s0 = a->scratch[0], s1 = a->scratch[1];

    uint32_t br = emit_tlb_probe(g, addr, s0, s1, mop, mmu_idx, st);
    if (g->s->count_stats)
        x_mem_bd(g, OPC_GRP5 | P_W, G5_INC, RBX,
                 g->s->layout.counters_off + 8 * TCG_COUNTER_TLB_FAST);
    if (st)
        emit_store(g, mop, data, addr, s0, s1);
    else
        emit_load(g, (TCGType)op->type, mop, data, addr, s0);
    TCGSlowPath *sp = gen_slow_path(g, op, a, info);
    sp->branch_off = br;
    sp->return_off = gen_off(g);
}

/* lea reg, [rip + target] */
static void lea_rip(Gen *g, int reg, uintptr_t target)
{
    x_prefix(g, OPC_LEA | P_W, reg, 0, -1);
    gen_u8(g, (uint8_t)(0x05 | (reg & 7) << 3));
    int64_t rel = (int64_t)target - (int64_t)(gen_rx(g, g->ptr) + 4);
    gen_u32(g, (uint32_t)(int32_t)rel);
}

void x86_emit_slow_path(Gen *g, const TCGSlowPath *sp)
{
    bool st = sp->opc == INDEX_op_qemu_st;
    const TCGSyncStore *sync = sp->nsync ? g->sync_pool + sp->sync_start : NULL;

    /* the fast path's miss branch lands here */
    uint8_t *field = g->start + sp->branch_off;
    if (field + 4 <= g->end + 4096) {
        int64_t rel = (int64_t)gen_rx(g, g->ptr) - (int64_t)(gen_rx(g, field) + 4);
        uint32_t v = (uint32_t)(int32_t)rel;
        memcpy(field, &v, 4);
    }
    /* the access may fault: CPU state must hold the globals */
    for (unsigned i = 0; i < sp->nsync; i++)
        if (sync[i].reg >= 0)
            x_mem_bd(g, OPC_MOV_EvGv | (sync[i].type == TCG_I64 ? P_W : 0), sync[i].reg, RBX, sync[i].off);
    for (int r = 0; r < 16; r++)
        if (sp->save & REGSET(r))
            x_mem_bd(g, OPC_MOV_EvGv | P_W, r, RSP, 8 * r);
    for (unsigned i = 0; i < sp->nsync; i++) {
        if (sync[i].reg >= 0)
            continue;
        if (sync[i].type == TCG_I32 || fits_i32((int64_t)sync[i].val)) {
            x_mem_bd(g, OPC_MOV_EvIz | (sync[i].type == TCG_I64 ? P_W : 0), 0, RBX, sync[i].off);
            gen_u32(g, (uint32_t)sync[i].val);
        } else {
            /* two halves: every register may hold an argument here */
            x_mem_bd(g, OPC_MOV_EvIz, 0, RBX, sync[i].off);
            gen_u32(g, (uint32_t)sync[i].val);
            x_mem_bd(g, OPC_MOV_EvIz, 0, RBX, sync[i].off + 4);
            gen_u32(g, (uint32_t)(sync[i].val >> 32));
        }
    }

    /* arguments: (cpu, addr, [value,] oi, ra) */
    int addr = sp->addr_reg, val = sp->data_reg;
    if (st) {
        if (val == RSI) {
            if (addr == RDX) {
                x_rr(g, OPC_XCHG | P_W, RSI, RDX);
            } else {
                x86_mov(g, TCG_I64, RDX, val);
                x86_mov(g, TCG_I64, RSI, addr);
            }
        } else {
            x86_mov(g, TCG_I64, RSI, addr);
            x86_mov(g, sp->type, RDX, val);
        }
    } else {
        x86_mov(g, TCG_I64, RSI, addr);
    }
    x_mem_bd(g, OPC_LEA | P_W, RDI, RBX, g->s->layout.cpu_off);
    int oi_reg = st ? RCX : RDX, ra_reg = st ? R8 : RCX;
    x86_movi(g, TCG_I32, oi_reg, make_memop_idx(sp->mop, sp->mmu_idx));
    lea_rip(g, ra_reg, gen_rx(g, g->start + sp->return_off));
    x86_call(g, st ? (const void *)tcg_helper_st : (const void *)tcg_helper_ld);
    if (!st) {
        if (sp->type == TCG_I32)
            x_rr(g, OPC_MOV_EvGv, RAX, val);   /* zero-extends, even onto itself */
        else
            x86_mov(g, TCG_I64, val, RAX);
    }
    for (int r = 0; r < 16; r++)
        if ((sp->save & REGSET(r)) && !(r == val && !st))
            x_mem_bd(g, OPC_MOV_GvEv | P_W, r, RSP, 8 * r);
    x86_jmp_abs(g, -1, gen_rx(g, g->start + sp->return_off));
}

#endif
