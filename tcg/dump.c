/*
 * dump.c — IR listing for -d op: one op per line, temps by name (globals),
 * t<n> (plain), loc<n> (block-local) or $value (constants). With liveness
 * results, dead arguments are marked "(dead)" and write-backs "(sync)".
 */
#include "tcg/ir.h"

static void put_temp(TCGContext *s, FILE *out, uint64_t n)
{
    if (n >= s->nb_temps) {
        fprintf(out, "?%" PRIu64, n);
        return;
    }
    const TCGTemp *t = &s->temps[n];
    switch (t->kind) {
    case TEMP_GLOBAL:
    case TEMP_FIXED:
        fprintf(out, "%s", t->name ? t->name : "g?");
        break;
    case TEMP_CONST:
        if (t->type == TCG_I32 ? (int32_t)t->val > -256 && (int32_t)t->val < 256
                               : (int64_t)t->val > -256 && (int64_t)t->val < 256)
            fprintf(out, "$%" PRId64, t->type == TCG_I32 ? (int64_t)(int32_t)t->val : (int64_t)t->val);
        else
            fprintf(out, "$0x%" PRIx64, t->val);
        break;
    case TEMP_TB:
        fprintf(out, "loc%" PRIu64, n);
        break;
    default:
        fprintf(out, "t%" PRIu64, n);
        break;
    }
}

static void put_memop(FILE *out, uint64_t mop)
{
    static const char *const sz[] = { "8", "16", "32", "64" };
    fprintf(out, "%s%s%s", (mop & MO_SIGN) ? "s" : "u", sz[mop & MO_SIZE],
            (mop & MO_BSWAP) ? "be" : "");
    unsigned al = memop_align((MemOp)mop);
    if (al > 1)
        fprintf(out, "+al%u", al);
}

void tcg_dump_ops(TCGContext *s, FILE *out, bool with_life)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        const TCGOpDef *d = &tcg_op_defs[op->opc];
        if (op->opc == INDEX_op_nop)
            continue;
        if (op->opc == INDEX_op_insn_start) {
            fprintf(out, " ---- ");
            for (unsigned w = 0; w < s->layout.insn_start_words; w++)
                fprintf(out, "%s%016" PRIx64, w ? " " : "", op->args[w]);
            fprintf(out, "\n");
            continue;
        }
        if (op->opc == INDEX_op_set_label) {
            fprintf(out, "L%" PRIu64 ":\n", op->args[0]);
            continue;
        }
        fprintf(out, " %s", d->name);
        if (op->opc == INDEX_op_call)
            fprintf(out, " %s", op_helper(op)->name);
        else if ((d->flags & OPF_INT) && !(d->flags & OPF_MIXED))
            fprintf(out, "_%s", tcg_type_name((TCGType)op->type));
        fprintf(out, " ");
        int k = 0;
        for (int a = 0; a < op->nout + op->nin; a++) {
            fprintf(out, "%s", k++ ? ", " : "");
            put_temp(s, out, op->args[a]);
            if (with_life && (op->life & LIFE_DEAD(a)) && s->temps[op->args[a]].kind != TEMP_CONST)
                fprintf(out, "(dead)");
            if (with_life && (op->life & LIFE_SYNC(a)))
                fprintf(out, "(sync)");
        }
        int c0 = op->nout + op->nin;
        switch (op->opc) {
        case INDEX_op_call:
            break;
        case INDEX_op_setcond:
        case INDEX_op_negsetcond:
        case INDEX_op_movcond:
            fprintf(out, ", %s", tcg_cond_name((TCGCond)op->args[c0]));
            break;
        case INDEX_op_brcond:
            fprintf(out, ", %s, L%" PRIu64, tcg_cond_name((TCGCond)op->args[c0]), op->args[c0 + 1]);
            break;
        case INDEX_op_br:
            fprintf(out, "L%" PRIu64, op->args[0]);
            break;
        case INDEX_op_qemu_ld:
        case INDEX_op_qemu_st:
            fprintf(out, ", ");
            put_memop(out, op->args[c0]);
            fprintf(out, ", mmu%" PRIu64, op->args[c0 + 1]);
            break;
        case INDEX_op_exit_tb:
            fprintf(out, "0x%" PRIx64, op->args[0]);
            break;
        default:
            if (d->flags & OPF_VEC) {
                uint64_t desc = op->args[c0 + d->ncarg - 1];
                for (int c = 0; c < d->ncarg - 1; c++)
                    fprintf(out, "%s+%" PRIu64, k++ ? ", env" : "env", op->args[c0 + c]);
                fprintf(out, ", e%u/%u/%u", vec_vece(desc), vec_oprsz(desc), vec_maxsz(desc));
                break;
            }
            for (int c = 0; c < d->ncarg; c++)
                fprintf(out, "%s%" PRId64, k++ ? ", " : "", (int64_t)op->args[c0 + c]);
            break;
        }
        fprintf(out, "\n");
    }
}
