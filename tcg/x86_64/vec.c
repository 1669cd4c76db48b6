/*
 * vec.c — the vector ops on CPU-state offsets for x86-64, with SSE2 on
 * the fixed scratch registers xmm0 and xmm1 (caller-saved, never holding
 * anything across ops, so no vector register allocation is needed).
 */
#if defined(__x86_64__)

#include "tcg/x86_64/x86.h"

enum { XMM0 = 0, XMM1 = 1 };

static void vload(Gen *g, int x, int32_t off, unsigned sz)
{
    x_mem_bd(g, sz == 8 ? OPC_MOVQ_VqWq : OPC_MOVDQU_VxWx, x, RBX, off);
}

static void vstore(Gen *g, int x, int32_t off, unsigned oprsz, unsigned maxsz)
{
    x_mem_bd(g, oprsz == 8 ? OPC_MOVQ_WqVq : OPC_MOVDQU_WxVx, x, RBX, off);
    if (maxsz > oprsz) {   /* clear the rest: mov qword [env + off + 8], 0 */
        x_mem_bd(g, OPC_MOV_EvIz | P_W, 0, RBX, off + 8);
        gen_u32(g, 0);
    }
}

void x86_emit_vec(Gen *g, const TCGOp *op, int scalar)
{
    static const int add[4] = { OPC_PADDB, OPC_PADDW, OPC_PADDD, OPC_PADDQ };
    static const int sub[4] = { OPC_PSUBB, OPC_PSUBW, OPC_PSUBD, OPC_PSUBQ };
    const uint64_t *c = &op->args[op->nout + op->nin];
    bool two = op->opc == INDEX_op_vec_mov || op->opc == INDEX_op_vec_not;
    uint64_t desc = op->opc == INDEX_op_vec_dup ? c[1] : two ? c[2] : c[3];
    unsigned oprsz = vec_oprsz(desc), maxsz = vec_maxsz(desc), vece = vec_vece(desc);
    int32_t d = (int32_t)c[0];

    if (op->opc == INDEX_op_vec_dup) {
        x_rr(g, OPC_MOVD_VyEy | (op->type == TCG_I64 ? P_W : 0), XMM0, scalar);
        switch (vece) {
        case 0:
            x_rr(g, OPC_PUNPCKLBW, XMM0, XMM0);
            /* fall through */
        case 1:
            x_rr(g, OPC_PUNPCKLWD, XMM0, XMM0);
            /* fall through */
        case 2:
            x_rr(g, OPC_PSHUFD, XMM0, XMM0);
            gen_u8(g, 0);
            break;
        default:
            x_rr(g, OPC_PUNPCKLQDQ, XMM0, XMM0);
            break;
        }
        vstore(g, XMM0, d, oprsz, maxsz);
        return;
    }

    int32_t a = (int32_t)c[1], b = two ? 0 : (int32_t)c[2];
    vload(g, XMM0, a, oprsz);
    if (!two)
        vload(g, XMM1, b, oprsz);
    int res = XMM0;
    switch (op->opc) {
    case INDEX_op_vec_mov:
        break;
    case INDEX_op_vec_not:
        x_rr(g, OPC_PCMPEQD, XMM1, XMM1);
        x_rr(g, OPC_PXOR, XMM0, XMM1);
        break;
    case INDEX_op_vec_and: x_rr(g, OPC_PAND, XMM0, XMM1); break;
    case INDEX_op_vec_or: x_rr(g, OPC_POR, XMM0, XMM1); break;
    case INDEX_op_vec_xor: x_rr(g, OPC_PXOR, XMM0, XMM1); break;
    case INDEX_op_vec_andc:
        x_rr(g, OPC_PANDN, XMM1, XMM0);   /* xmm1 = ~xmm1 & xmm0 */
        res = XMM1;
        break;
    case INDEX_op_vec_add: x_rr(g, add[vece], XMM0, XMM1); break;
    case INDEX_op_vec_sub: x_rr(g, sub[vece], XMM0, XMM1); break;
    default:
        fprintf(stderr, "ferry: x86 backend: unhandled vector op %s\n", tcg_op_defs[op->opc].name);
        abort();
    }
    vstore(g, res, d, oprsz, maxsz);
}

#endif
