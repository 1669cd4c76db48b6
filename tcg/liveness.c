/*
 * liveness.c — a backward pass over one block's IR that removes ops whose
 * results nobody reads and tells the register allocator, per op argument,
 * whether the temp is dead after the op (its register can be reused) and
 * whether its value must reach memory when that register is released.
 *
 * Each temp carries two facts while walking backwards:
 *   LIVE  a later op reads its value (from wherever the allocator keeps it)
 *   MEM   its memory copy (CPU state for globals, a frame slot for tb
 *         temps) will be read before the next write: at a block end, a
 *         label, a branch, a helper that reads globals, or a guest memory
 *         access that may fault (the fault handler sees CPU state).
 * Plain temps and constants die at labels; globals and tb temps go to
 * memory there. The block may contain backward branches: at every label
 * and branch everything that may be needed is in memory, so one backward
 * pass is exact enough.
 */
#include "tcg/ir.h"

enum { TS_LIVE = 1, TS_MEM = 2 };

static bool kind_has_mem(TCGTempKind k)
{
    return k == TEMP_GLOBAL || k == TEMP_TB;
}

/* State a branch target (a label) requires on entry. */
static void to_label_state(TCGContext *s, uint8_t *st, bool keep_live)
{
    for (uint32_t t = 0; t < s->nb_temps; t++) {
        TCGTempKind k = (TCGTempKind)s->temps[t].kind;
        if (k == TEMP_FIXED)
            continue;
        if (kind_has_mem(k))
            st[t] = keep_live ? (st[t] | TS_MEM) : TS_MEM;
        else if (!keep_live)
            st[t] = 0;
    }
}

static void globals_to_mem(TCGContext *s, uint8_t *st, bool kill_live)
{
    for (uint32_t t = 0; t < s->nb_globals; t++) {
        if (s->temps[t].kind != TEMP_GLOBAL)
            continue;
        st[t] = kill_live ? TS_MEM : (st[t] | TS_MEM);
    }
}

/* Block exit: globals to memory, everything else dead. */
static void tb_exit_state(TCGContext *s, uint8_t *st)
{
    for (uint32_t t = 0; t < s->nb_temps; t++) {
        TCGTempKind k = (TCGTempKind)s->temps[t].kind;
        if (k == TEMP_FIXED)
            st[t] = TS_LIVE;
        else
            st[t] = k == TEMP_GLOBAL ? TS_MEM : 0;
    }
}

static bool output_needed(TCGContext *s, const uint8_t *st, uint32_t t)
{
    if (st[t] & TS_LIVE)
        return true;
    return kind_has_mem((TCGTempKind)s->temps[t].kind) && (st[t] & TS_MEM);
}

void tcg_liveness(TCGContext *s)
{
    uint8_t *st = xmalloc(s->nb_temps ? s->nb_temps : 1);
    tb_exit_state(s, st);

    for (uint32_t i = s->nb_ops; i-- > 0;) {
        TCGOp *op = &s->ops[i];
        TCGOpcode opc = (TCGOpcode)op->opc;
        const TCGOpDef *d = &tcg_op_defs[opc];
        uint32_t life = 0;

        switch (opc) {
        case INDEX_op_nop:
        case INDEX_op_insn_start:
        case INDEX_op_mb:
            continue;
        case INDEX_op_discard:
            st[op->args[0]] = 0;
            op->opc = INDEX_op_nop;
            op->nout = op->nin = 0;
            continue;
        case INDEX_op_set_label:
        case INDEX_op_br:
            to_label_state(s, st, false);
            continue;
        case INDEX_op_exit_tb:
            tb_exit_state(s, st);
            continue;
        case INDEX_op_goto_ptr:
            tb_exit_state(s, st);
            break;          /* then its input */
        case INDEX_op_goto_tb:
            globals_to_mem(s, st, false);
            continue;
        case INDEX_op_brcond:
            to_label_state(s, st, true);
            break;
        default:
            break;
        }

        /* Dead op? */
        bool removable;
        if (opc == INDEX_op_call)
            removable = (op_helper(op)->flags & TCG_CALL_NO_SE) != 0;
        else
            removable = !(d->flags & OPF_SIDE) && op->nout > 0;
        if (removable) {
            bool needed = false;
            for (int a = 0; a < op->nout; a++)
                needed |= output_needed(s, st, (uint32_t)op->args[a]);
            if (!needed) {
                op->opc = INDEX_op_nop;
                op->nout = op->nin = 0;
                continue;
            }
        }

        /* Outputs: the value written here is dead after the op unless
         * read later; killed before this op. */
        for (int a = 0; a < op->nout; a++) {
            uint32_t t = (uint32_t)op->args[a];
            if (!(st[t] & TS_LIVE)) {
                life |= LIFE_DEAD(a);
                if (kind_has_mem((TCGTempKind)s->temps[t].kind) && (st[t] & TS_MEM))
                    life |= LIFE_SYNC(a);
            }
            st[t] = 0;
        }

        if (opc == INDEX_op_call) {
            unsigned f = op_helper(op)->flags;
            if (!(f & TCG_CALL_NO_WRITE_G))
                globals_to_mem(s, st, true);
            else if (!(f & TCG_CALL_NO_READ_G) || (f & TCG_CALL_MAY_RAISE))
                globals_to_mem(s, st, false);
        } else if (d->flags & OPF_RAISE) {
            globals_to_mem(s, st, false);
        }

        /* Inputs: dead after this op unless read later. */
        for (int a = op->nout; a < op->nout + op->nin; a++) {
            uint32_t t = (uint32_t)op->args[a];
            if (s->temps[t].kind == TEMP_FIXED)
                continue;
            if (!(st[t] & TS_LIVE)) {
                /* the same temp twice: only the last reading arg frees it */
                bool again = false;
                for (int b = a + 1; b < op->nout + op->nin; b++)
                    again |= op->args[b] == t;
                if (!again) {
                    life |= LIFE_DEAD(a);
                    if (kind_has_mem((TCGTempKind)s->temps[t].kind) && (st[t] & TS_MEM))
                        life |= LIFE_SYNC(a);
                }
            }
        }
        for (int a = op->nout; a < op->nout + op->nin; a++) {
            uint32_t t = (uint32_t)op->args[a];
            st[t] |= TS_LIVE;
        }
        op->life = life;
    }
    free(st);
}
