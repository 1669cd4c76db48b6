/*
 * optimize.c — a forward pass over one block's IR: constant folding and
 * propagation, copy propagation, algebraic identities, canonical operand
 * order, and branch folding (with removal of the code a folded branch makes
 * unreachable and of labels no branch uses any more).
 *
 * What is known about each temp (constant value, or which other temps hold
 * the same value) is valid within an extended basic block: it is forgotten
 * at every label (control may arrive from elsewhere) in O(1) by bumping a
 * generation number. A write to a temp removes it from its copy class; a
 * helper call that may write globals forgets what was known about globals.
 * Dead code is removed afterwards by liveness (tcg/liveness.c).
 */
#include "tcg/eval.h"
#include "tcg/ir.h"

typedef struct TempInfo {
    uint32_t gen;
    uint32_t next, prev;  /* circular list of temps holding the same value */
    bool is_const;
    uint64_t val;
} TempInfo;

typedef struct Opt {
    TCGContext *s;
    TempInfo *info;
    uint32_t cap;
    uint32_t gen;
} Opt;

static uint64_t type_mask(TCGType t)
{
    return t == TCG_I32 ? 0xffffffffull : ~0ull;
}

/* Room for the info of temps below n. The table moves when it grows (the
 * pass makes constants as it goes): a TempInfo pointer is good only until
 * the next ti() of a temp the table has no room for, so a function that
 * holds two reserves room for both first. Temps linked in copy lists were
 * all seen by ti() before, so following a list never grows the table. */
static void reserve(Opt *o, uint32_t n)
{
    if (n <= o->cap)
        return;
    uint32_t ncap = o->cap * 2 > n + 64 ? o->cap * 2 : n + 64;
    o->info = xrealloc(o->info, ncap * sizeof(TempInfo));
    memset(o->info + o->cap, 0, (ncap - o->cap) * sizeof(TempInfo));
    o->cap = ncap;
}

static TempInfo *ti(Opt *o, uint32_t t)
{
    reserve(o, t + 1);
    TempInfo *i = &o->info[t];
    if (i->gen != o->gen) {
        const TCGTemp *tp = &o->s->temps[t];
        i->gen = o->gen;
        i->next = i->prev = t;
        i->is_const = tp->kind == TEMP_CONST;
        i->val = tp->val;
    }
    return i;
}

static void forget(Opt *o, uint32_t t)
{
    TempInfo *i = ti(o, t);
    if (o->s->temps[t].kind == TEMP_CONST)
        return;
    if (i->next != t) {
        ti(o, i->next)->prev = i->prev;
        ti(o, i->prev)->next = i->next;
        i->next = i->prev = t;
    }
    i->is_const = false;
}

static void forget_all(Opt *o)
{
    o->gen++;
}

static void forget_globals(Opt *o)
{
    for (uint32_t t = 0; t < o->s->nb_globals; t++)
        if (o->s->temps[t].kind == TEMP_GLOBAL)
            forget(o, t);
}

static bool is_const(Opt *o, uint32_t t) { return ti(o, t)->is_const; }
static uint64_t const_val(Opt *o, uint32_t t) { return ti(o, t)->val; }

static int kind_rank(TCGTempKind k)
{
    switch (k) {
    case TEMP_FIXED: return 4;
    case TEMP_GLOBAL: return 3;
    case TEMP_TB: return 2;
    default: return 1;
    }
}

/* The temp to read instead of t: its constant, or its best copy. */
static uint32_t best_copy(Opt *o, uint32_t t)
{
    TempInfo *i = ti(o, t);
    if (i->is_const) {
        if (o->s->temps[t].kind == TEMP_CONST)
            return t;
        return ir_const(o->s, (TCGType)o->s->temps[t].type, i->val).n;
    }
    uint32_t best = t;
    int rank = kind_rank((TCGTempKind)o->s->temps[t].kind);
    for (uint32_t c = i->next; c != t; c = ti(o, c)->next) {
        int r = kind_rank((TCGTempKind)o->s->temps[c].kind);
        if (r > rank) {
            best = c;
            rank = r;
        }
    }
    return best;
}

static bool are_copies(Opt *o, uint32_t a, uint32_t b)
{
    if (a == b)
        return true;
    reserve(o, (a > b ? a : b) + 1);
    TempInfo *ia = ti(o, a), *ib = ti(o, b);
    if (ia->is_const && ib->is_const)
        return ia->val == ib->val && o->s->temps[a].type == o->s->temps[b].type;
    for (uint32_t c = ia->next; c != a; c = ti(o, c)->next)
        if (c == b)
            return true;
    return false;
}

/* After `mov d, a`: d holds what a holds. */
static void record_copy(Opt *o, uint32_t d, uint32_t a)
{
    forget(o, d);
    reserve(o, (a > d ? a : d) + 1);
    TempInfo *ia = ti(o, a), *id = ti(o, d);
    if (ia->is_const) {
        id->is_const = true;
        id->val = ia->val;
        return;
    }
    if (o->s->temps[d].type != o->s->temps[a].type)
        return;
    /* insert d after a */
    id->next = ia->next;
    id->prev = a;
    ti(o, ia->next)->prev = d;
    ia->next = d;
}

static void make_mov(Opt *o, TCGOp *op, uint32_t src)
{
    uint32_t d = (uint32_t)op->args[0];
    op->opc = INDEX_op_mov;
    op->nout = 1;
    op->nin = 1;
    op->args[1] = src;
    (void)o;
    (void)d;
}

static void make_movi(Opt *o, TCGOp *op, uint64_t v)
{
    TCGType t = (TCGType)op->type;
    make_mov(o, op, ir_const(o->s, t, v & type_mask(t)).n);
}

static void make_nop(TCGOp *op)
{
    op->opc = INDEX_op_nop;
    op->nout = op->nin = 0;
}

/* Insert an op after index i (rare: folding two-output ops). */
static TCGOp *insert_after(TCGContext *s, uint32_t i)
{
    TCGOp *end = tcg_emit_op(s, INDEX_op_nop, TCG_I64, (uint64_t[]){ 0 });
    uint32_t n = (uint32_t)(end - s->ops);
    memmove(&s->ops[i + 2], &s->ops[i + 1], (n - i - 1) * sizeof(TCGOp));
    memset(&s->ops[i + 1], 0, sizeof(TCGOp));
    return &s->ops[i + 1];
}

static void label_unref(TCGContext *s, uint64_t l)
{
    if (s->labels[l].refs)
        s->labels[l].refs--;
}

/* Fold the op to a constant result or a copy using identities. Returns
 * true if the op became a mov (or a nop). */
static bool fold_identities(Opt *o, TCGOp *op)
{
    TCGType type = (TCGType)op->type;
    uint64_t m = type_mask(type);
    unsigned w = type == TCG_I32 ? 32 : 64;
    uint32_t a = (uint32_t)op->args[1], b = op->nin > 1 ? (uint32_t)op->args[2] : 0;
    bool bc = op->nin > 1 && is_const(o, b);
    uint64_t bv = bc ? const_val(o, b) & m : 0;
    bool same = op->nin > 1 && are_copies(o, a, b);

    switch (op->opc) {
    case INDEX_op_add:
    case INDEX_op_or:
    case INDEX_op_xor:
        if (bc && bv == 0) { make_mov(o, op, a); return true; }
        if (op->opc == INDEX_op_or && bc && bv == m) { make_movi(o, op, m); return true; }
        if (op->opc == INDEX_op_or && same) { make_mov(o, op, a); return true; }
        if (op->opc == INDEX_op_xor && same) { make_movi(o, op, 0); return true; }
        if (op->opc == INDEX_op_xor && bc && bv == m) {
            op->opc = INDEX_op_not;
            op->nin = 1;
            return false;
        }
        break;
    case INDEX_op_sub:
        if (bc && bv == 0) { make_mov(o, op, a); return true; }
        if (same) { make_movi(o, op, 0); return true; }
        if (bc) {   /* canonical: add of the negated constant */
            op->opc = INDEX_op_add;
            op->args[2] = ir_const(o->s, type, (-bv) & m).n;
            return false;
        }
        if (is_const(o, a) && (const_val(o, a) & m) == 0) {
            op->opc = INDEX_op_neg;
            op->nin = 1;
            op->args[1] = b;
            return false;
        }
        break;
    case INDEX_op_and:
        if (bc && bv == 0) { make_movi(o, op, 0); return true; }
        if ((bc && bv == m) || same) { make_mov(o, op, a); return true; }
        break;
    case INDEX_op_andc:
        if ((bc && bv == m) || same) { make_movi(o, op, 0); return true; }
        if (bc && bv == 0) { make_mov(o, op, a); return true; }
        if (bc) {
            op->opc = INDEX_op_and;
            op->args[2] = ir_const(o->s, type, ~bv & m).n;
            return false;
        }
        break;
    case INDEX_op_orc:
        if ((bc && bv == 0) || same) { make_movi(o, op, m); return true; }
        if (bc && bv == m) { make_mov(o, op, a); return true; }
        if (bc) {
            op->opc = INDEX_op_or;
            op->args[2] = ir_const(o->s, type, ~bv & m).n;
            return false;
        }
        break;
    case INDEX_op_eqv:
        if (same) { make_movi(o, op, m); return true; }
        if (bc && bv == m) { make_mov(o, op, a); return true; }
        if (bc) {
            op->opc = INDEX_op_xor;
            op->args[2] = ir_const(o->s, type, ~bv & m).n;
            return fold_identities(o, op);
        }
        break;
    case INDEX_op_mul:
        if (bc && bv == 0) { make_movi(o, op, 0); return true; }
        if (bc && bv == 1) { make_mov(o, op, a); return true; }
        break;
    case INDEX_op_mulsh:
    case INDEX_op_muluh:
        if (bc && bv == 0) { make_movi(o, op, 0); return true; }
        break;
    case INDEX_op_div:
    case INDEX_op_divu:
        if (bc && bv == 1) { make_mov(o, op, a); return true; }
        break;
    case INDEX_op_rem:
    case INDEX_op_remu:
        if (bc && bv == 1) { make_movi(o, op, 0); return true; }
        break;
    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        if (bc && (bv & (w - 1)) == 0) { make_mov(o, op, a); return true; }
        if (bc && bv >= w) {   /* canonical: count within the width */
            op->args[2] = ir_const(o->s, type, bv & (w - 1)).n;
            return false;
        }
        if (is_const(o, a) && (const_val(o, a) & m) == 0) { make_movi(o, op, 0); return true; }
        break;
    case INDEX_op_extract:
        if (op->args[2] == 0 && op->args[3] == w) { make_mov(o, op, a); return true; }
        break;
    case INDEX_op_setcond:
    case INDEX_op_negsetcond:
        if (same) {
            TCGCond c = (TCGCond)op->args[3];
            if (c != COND_TSTEQ && c != COND_TSTNE) {
                bool r = ev_cond64(c, 0, 0);
                make_movi(o, op, op->opc == INDEX_op_setcond ? (uint64_t)r : -(uint64_t)r);
                return true;
            }
        }
        break;
    case INDEX_op_movcond: {
        TCGCond c = (TCGCond)op->args[5];
        if (are_copies(o, (uint32_t)op->args[3], (uint32_t)op->args[4])) {
            make_mov(o, op, (uint32_t)op->args[3]);
            return true;
        }
        if (same && c != COND_TSTEQ && c != COND_TSTNE) {
            make_mov(o, op, (uint32_t)op->args[ev_cond64(c, 0, 0) ? 3 : 4]);
            return true;
        }
        if (is_const(o, a) && bc) {
            bool r = ev_cond(type, c, const_val(o, a), bv);
            make_mov(o, op, (uint32_t)op->args[r ? 3 : 4]);
            return true;
        }
        break;
    }
    default:
        break;
    }
    return false;
}

/* Put a lone constant second for commutative ops and comparisons. */
static void canonicalize(Opt *o, TCGOp *op)
{
    const TCGOpDef *d = &tcg_op_defs[op->opc];
    int i0 = op->nout, i1 = op->nout + 1;
    bool swap_cond = op->opc == INDEX_op_setcond || op->opc == INDEX_op_negsetcond ||
                     op->opc == INDEX_op_movcond || op->opc == INDEX_op_brcond;
    if (!(d->flags & OPF_COMM) && !swap_cond)
        return;
    if (is_const(o, (uint32_t)op->args[i0]) && !is_const(o, (uint32_t)op->args[i1])) {
        uint64_t t = op->args[i0];
        op->args[i0] = op->args[i1];
        op->args[i1] = t;
        if (swap_cond) {
            int ci = op->nout + op->nin;
            op->args[ci] = tcg_cond_swap((TCGCond)op->args[ci]);
        }
    }
}

void tcg_optimize(TCGContext *s)
{
    Opt o = { .s = s, .gen = 1 };
    o.cap = s->nb_temps + 64;
    o.info = xzalloc(o.cap * sizeof(TempInfo));
    bool unreachable = false;

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        TCGOpcode opc = (TCGOpcode)op->opc;
        const TCGOpDef *d = &tcg_op_defs[opc];

        if (opc == INDEX_op_nop)
            continue;
        if (opc == INDEX_op_set_label) {
            if (s->labels[op->args[0]].refs == 0) {
                make_nop(op);   /* nothing jumps here: knowledge flows on */
                continue;
            }
            unreachable = false;
            forget_all(&o);
            continue;
        }
        if (unreachable) {
            /* Code after an unconditional transfer, before any label.
             * insn_start stays so host-pc lookup keeps its numbering. */
            if (opc == INDEX_op_br)
                label_unref(s, op->args[0]);
            else if (opc == INDEX_op_brcond)
                label_unref(s, op->args[3]);
            if (opc != INDEX_op_insn_start)
                make_nop(op);
            continue;
        }

        /* Read the best copies of the inputs. */
        for (int a = op->nout; a < op->nout + op->nin; a++)
            op->args[a] = best_copy(&o, (uint32_t)op->args[a]);

        switch (opc) {
        case INDEX_op_insn_start:
        case INDEX_op_mb:
            continue;
        case INDEX_op_discard:
            forget(&o, (uint32_t)op->args[0]);
            continue;
        case INDEX_op_call: {
            const TCGHelper *h = op_helper(op);
            for (int a = 0; a < op->nout; a++)
                forget(&o, (uint32_t)op->args[a]);
            if (!(h->flags & TCG_CALL_NO_WRITE_G))
                forget_globals(&o);
            continue;
        }
        case INDEX_op_br:
        case INDEX_op_exit_tb:
        case INDEX_op_goto_ptr:
            unreachable = true;
            continue;
        case INDEX_op_brcond: {
            canonicalize(&o, op);
            uint32_t a = (uint32_t)op->args[0], b = (uint32_t)op->args[1];
            TCGCond c = (TCGCond)op->args[2];
            int r = -1;
            if (is_const(&o, a) && is_const(&o, b))
                r = ev_cond((TCGType)op->type, c, const_val(&o, a), const_val(&o, b));
            else if (are_copies(&o, a, b) && c != COND_TSTEQ && c != COND_TSTNE)
                r = ev_cond64(c, 0, 0);
            else if (c == COND_ALWAYS)
                r = 1;
            else if (c == COND_NEVER)
                r = 0;
            if (r == 1) {
                op->opc = INDEX_op_br;
                op->nin = 0;
                op->args[0] = op->args[3];
                unreachable = true;
            } else if (r == 0) {
                label_unref(s, op->args[3]);
                make_nop(op);
            }
            continue;
        }
        default:
            break;
        }

        if (!(d->flags & OPF_INT) || (d->flags & OPF_SIDE) || d->nout == 0 ||
            opc == INDEX_op_qemu_ld || (opc >= INDEX_op_ld8u && opc <= INDEX_op_ld)) {
            for (int a = 0; a < op->nout; a++)
                forget(&o, (uint32_t)op->args[a]);
            continue;
        }

        canonicalize(&o, op);

        /* All inputs constant: evaluate. */
        bool all_const = true;
        uint64_t in[4] = { 0, 0, 0, 0 };
        for (int a = 0; a < op->nin; a++) {
            uint32_t t = (uint32_t)op->args[op->nout + a];
            if (!is_const(&o, t)) {
                all_const = false;
                break;
            }
            in[a] = const_val(&o, t);
        }
        if (all_const && opc != INDEX_op_mov) {
            uint64_t r, hi;
            if (d->nout == 1 && tcg_eval_op(opc, (TCGType)op->type, in, &op->args[op->nout + op->nin], &r)) {
                make_movi(&o, op, r);
            } else if (d->nout == 2 && tcg_eval_op2(opc, (TCGType)op->type, in, &r, &hi)) {
                uint64_t dlo = op->args[0], dhi = op->args[1];
                TCGType type = (TCGType)op->type;
                TCGOp *n = insert_after(s, i);
                op = &s->ops[i];
                op->opc = INDEX_op_mov;
                op->nout = op->nin = 1;
                op->args[0] = dlo;
                op->args[1] = ir_const(s, type, r).n;
                n->opc = INDEX_op_mov;
                n->type = type;
                n->nout = n->nin = 1;
                n->args[0] = dhi;
                n->args[1] = ir_const(s, type, hi).n;
                /* lo and hi are distinct temps: record lo now, hi when
                 * the inserted op is visited next. */
            }
        } else if (d->nout == 1 && opc != INDEX_op_mov) {
            fold_identities(&o, op);
        }

        if (op->opc == INDEX_op_mov) {
            uint32_t dst = (uint32_t)op->args[0], src = (uint32_t)op->args[1];
            if (are_copies(&o, dst, src)) {
                make_nop(op);     /* already holds that value */
                continue;
            }
            record_copy(&o, dst, src);
            continue;
        }
        for (int a = 0; a < op->nout; a++)
            forget(&o, (uint32_t)op->args[a]);
    }
    free(o.info);
}
