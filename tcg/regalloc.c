/*
 * regalloc.c — the native code generator: a linear register allocator
 * over one block that drives a host backend (tcg/backend.h).
 *
 * Every temp has a state: in a register, in memory (CPU state for globals,
 * a frame slot for other temps), a known constant not materialized yet, or
 * dead. Globals are loaded into host registers on first use and stay there
 * within a basic block; a register copy newer than memory is "dirty" and is
 * written back only where memory must be current:
 *   - when liveness says the value dies and memory needs it (sync bit),
 *   - before helper calls that read or write globals (per call flags),
 *   - at labels, branches and block exits,
 *   - on the out-of-line slow path of a guest memory access (it may fault:
 *     the fault handler sees CPU state), so the fast path pays nothing.
 * Caller-saved registers are emptied around helper calls; the softmmu slow
 * path preserves them itself, so a TLB hit clobbers nothing.
 *
 * Constants are materialized lazily and passed as immediates where the
 * backend accepts them; `mov` of a dying temp just renames the register.
 */
#include "tcg/backend.h"

#include "core/log.h"
#include "tcg/codebuf.h"
#include "tcg/eval.h"
#include "tcg/tcg.h"

enum { VAL_DEAD, VAL_REG, VAL_MEM, VAL_CONST };

typedef struct TS {
    uint8_t val;
    int8_t reg;
    bool coherent;   /* memory copy up to date */
    int32_t slot;    /* frame slot of a tb/bb temp, -1 none */
    uint64_t cval;   /* VAL_CONST */
} TS;

typedef struct NativeState {
    const TCGBackend *be;
    uintptr_t entry, ret, ret_zero;
} NativeState;

typedef struct RA {
    Gen g;
    TCGContext *s;
    const TCGBackend *be;
    TS *ts;
    int32_t reg_temp[32];   /* temp owning the register, -1 none */
    TCGRegSet locked;       /* registers in use by the current op */
    uint32_t nslots;        /* frame slots handed out */
    int32_t *free_slots;
    uint32_t nfree;
    const TCGOp *op;
} RA;

static const NativeState *nstate(const TCGContext *s)
{
    return s->cg_state;
}

/* ---- Gen services ----------------------------------------------------- */

void gen_reloc(Gen *g, uint32_t label, uint32_t field_off, uint8_t kind)
{
    if (g->nrelocs == g->relocs_cap) {
        g->relocs_cap = g->relocs_cap ? g->relocs_cap * 2 : 32;
        g->relocs = xrealloc(g->relocs, g->relocs_cap * sizeof(*g->relocs));
    }
    g->relocs[g->nrelocs++] = (TCGReloc){ label, field_off, kind };
}

TCGSlowPath *gen_slow_path(Gen *g, const TCGOp *op, const TCGArgs *a, const TCGLdstInfo *info)
{
    if (g->nslow == g->slow_cap) {
        g->slow_cap = g->slow_cap ? g->slow_cap * 2 : 32;
        g->slow = xrealloc(g->slow, g->slow_cap * sizeof(*g->slow));
    }
    if (g->nsync_pool + info->nsync > g->sync_pool_cap) {
        g->sync_pool_cap = MAX(g->sync_pool_cap * 2, g->nsync_pool + info->nsync + 64);
        g->sync_pool = xrealloc(g->sync_pool, g->sync_pool_cap * sizeof(*g->sync_pool));
    }
    TCGSlowPath *sp = &g->slow[g->nslow++];
    bool ld = op->opc == INDEX_op_qemu_ld;
    *sp = (TCGSlowPath){
        .opc = (TCGOpcode)op->opc,
        .type = (TCGType)op->type,
        .mop = (MemOp)op_carg(op, 0),
        .mmu_idx = (unsigned)op_carg(op, 1),
        .addr_reg = a->reg[1],
        .data_reg = a->reg[0],
        .save = info->save,
        .nsync = info->nsync,
        .sync_start = g->nsync_pool,
    };
    (void)ld;
    if (info->nsync)
        memcpy(g->sync_pool + g->nsync_pool, info->sync, info->nsync * sizeof(TCGSyncStore));
    g->nsync_pool += info->nsync;
    return sp;
}

uintptr_t gen_epilogue(const Gen *g, bool zero)
{
    const NativeState *ns = nstate(g->s);
    return zero ? ns->ret_zero : ns->ret;
}

/* ---- temp state helpers -------------------------------------------------- */

static TCGTempKind kind(RA *ra, uint32_t t) { return (TCGTempKind)ra->s->temps[t].kind; }
static TCGType ttype(RA *ra, uint32_t t) { return (TCGType)ra->s->temps[t].type; }
static bool has_mem(RA *ra, uint32_t t)
{
    TCGTempKind k = kind(ra, t);
    return k == TEMP_GLOBAL || k == TEMP_TB;
}

static void mem_loc(RA *ra, uint32_t t, int *base, int32_t *off)
{
    if (kind(ra, t) == TEMP_GLOBAL) {
        *base = ra->be->env_reg;
        *off = ra->s->temps[t].mem_off;
        return;
    }
    TS *ts = &ra->ts[t];
    if (ts->slot < 0) {
        if (ra->nfree)
            ts->slot = ra->free_slots[--ra->nfree];
        else if (ra->nslots < ra->be->spill_slots)
            ts->slot = (int32_t)ra->nslots++;
        else {
            ra->g.overflow = true;   /* block too big for the frame */
            ts->slot = 0;
        }
    }
    *base = ra->be->frame_reg;
    *off = ra->be->spill_off + 8 * ts->slot;
}

static void free_slot(RA *ra, uint32_t t)
{
    TS *ts = &ra->ts[t];
    if (ts->slot >= 0 && kind(ra, t) == TEMP_BB) {
        ra->free_slots[ra->nfree++] = ts->slot;
        ts->slot = -1;
    }
}

static void set_reg(RA *ra, uint32_t t, int r)
{
    ra->reg_temp[r] = (int32_t)t;
    ra->ts[t].val = VAL_REG;
    ra->ts[t].reg = (int8_t)r;
}

/* Drop the register (if any) of t without saving anything. */
static void unassign(RA *ra, uint32_t t)
{
    TS *ts = &ra->ts[t];
    if (ts->val == VAL_REG) {
        ra->reg_temp[ts->reg] = -1;
        ts->reg = -1;
    }
}

static void spill(RA *ra, uint32_t t);

/* Write t's current value to its memory. */
static void store_temp(RA *ra, uint32_t t)
{
    TS *ts = &ra->ts[t];
    int base;
    int32_t off;
    if (ts->coherent || !(ts->val == VAL_REG || ts->val == VAL_CONST))
        return;
    mem_loc(ra, t, &base, &off);
    if (ts->val == VAL_REG) {
        ra->be->emit_st(&ra->g, ttype(ra, t), ts->reg, base, off);
    } else if (!ra->be->emit_sti(&ra->g, ttype(ra, t), ts->cval, base, off)) {
        /* materialize through a register: a free one, else borrow one by
         * spilling its (non-constant) owner first */
        TCGRegSet cand = ra->be->allocatable & ~ra->locked;
        int r = -1;
        for (const int8_t *o = ra->be->alloc_order; *o >= 0 && r < 0; o++)
            if ((cand & REGSET(*o)) && ra->reg_temp[*o] < 0)
                r = *o;
        for (const int8_t *o = ra->be->alloc_order; *o >= 0 && r < 0; o++)
            if ((cand & REGSET(*o)) && ra->reg_temp[*o] != (int32_t)t) {
                r = *o;
                ts->coherent = true;       /* no recursion into this store */
                spill(ra, (uint32_t)ra->reg_temp[r]);
                ts->coherent = false;
            }
        if (r < 0) {
            fprintf(stderr, "ferry: regalloc: no register to store a constant\n");
            abort();
        }
        ra->be->emit_movi(&ra->g, ttype(ra, t), r, ts->cval);
        ra->be->emit_st(&ra->g, ttype(ra, t), r, base, off);
    }
    ts->coherent = true;
}

/* The value of t is no longer needed. */
static void temp_dead(RA *ra, uint32_t t)
{
    TS *ts = &ra->ts[t];
    TCGTempKind k = kind(ra, t);
    if (k == TEMP_FIXED)
        return;
    unassign(ra, t);
    if (k == TEMP_CONST) {
        ts->val = VAL_CONST;
        return;
    }
    if (has_mem(ra, t))
        ts->val = ts->coherent ? VAL_MEM : VAL_DEAD;
    else {
        ts->val = VAL_DEAD;
        free_slot(ra, t);
    }
}

/* Save t to memory (if needed) and free its register. */
static void spill(RA *ra, uint32_t t)
{
    TS *ts = &ra->ts[t];
    if (kind(ra, t) == TEMP_FIXED)
        return;
    if (kind(ra, t) == TEMP_CONST) {
        unassign(ra, t);
        ts->val = VAL_CONST;
        return;
    }
    store_temp(ra, t);
    unassign(ra, t);
    ts->val = VAL_MEM;
}

static void evict_reg(RA *ra, int r)
{
    if (ra->reg_temp[r] >= 0)
        spill(ra, (uint32_t)ra->reg_temp[r]);
}

/* A register from `allowed`, not locked, not in `forbid`: a free one if
 * possible, else the cheapest occupant is evicted. */
static int alloc_reg(RA *ra, TCGRegSet allowed, TCGRegSet forbid)
{
    TCGRegSet cand = allowed & ~forbid & ~ra->locked & ra->be->allocatable;
    const int8_t *order = ra->be->alloc_order;
    for (const int8_t *o = order; *o >= 0; o++)
        if ((cand & REGSET(*o)) && ra->reg_temp[*o] < 0)
            return *o;
    /* cheapest eviction: a value memory already has */
    for (const int8_t *o = order; *o >= 0; o++) {
        if (!(cand & REGSET(*o)))
            continue;
        uint32_t t = (uint32_t)ra->reg_temp[*o];
        if (kind(ra, t) == TEMP_CONST || ra->ts[t].coherent) {
            spill(ra, t);
            return *o;
        }
    }
    for (const int8_t *o = order; *o >= 0; o++)
        if (cand & REGSET(*o)) {
            evict_reg(ra, *o);
            return *o;
        }
    /* fixed registers outside the allocatable set (none on x86) */
    for (int r = 0; r < 32; r++)
        if ((allowed & ~forbid & ~ra->locked) & REGSET(r)) {
            evict_reg(ra, r);
            return r;
        }
    fprintf(stderr, "ferry: regalloc: no register available for %s\n",
            ra->op ? tcg_op_defs[ra->op->opc].name : "?");
    abort();
}

/* Put t's value into register r (which must be free or t's own). */
static void fill_reg(RA *ra, uint32_t t, int r)
{
    TS *ts = &ra->ts[t];
    TCGType type = ttype(ra, t);
    int base;
    int32_t off;
    switch (ts->val) {
    case VAL_REG:
        if (ts->reg != r)
            ra->be->emit_mov(&ra->g, type, r, ts->reg);
        break;
    case VAL_CONST:
        ra->be->emit_movi(&ra->g, type, r, ts->cval);
        break;
    case VAL_MEM:
    case VAL_DEAD:
        if (kind(ra, t) == TEMP_BB && ts->slot < 0)
            break;   /* never written: any value will do */
        mem_loc(ra, t, &base, &off);
        ra->be->emit_ld(&ra->g, type, r, base, off);
        break;
    }
}

/* Bring t into a register of `allowed` it then owns. */
static int load_owned(RA *ra, uint32_t t, TCGRegSet allowed, TCGRegSet forbid)
{
    TS *ts = &ra->ts[t];
    if (ts->val == VAL_REG && (allowed & REGSET(ts->reg)) && !(forbid & REGSET(ts->reg)))
        return ts->reg;
    int r = alloc_reg(ra, allowed, forbid | (ts->val == VAL_REG ? REGSET(ts->reg) : 0));
    fill_reg(ra, t, r);
    if (ts->val == VAL_REG) {
        ra->reg_temp[ts->reg] = -1;   /* moved */
    } else if (ts->val == VAL_CONST) {
        ts->coherent = kind(ra, t) == TEMP_CONST ? true : ts->coherent;
    } else {
        ts->coherent = has_mem(ra, t) || ts->slot >= 0;
    }
    set_reg(ra, t, r);
    return r;
}

/* ---- syncing --------------------------------------------------------------- */

static void sync_globals(RA *ra)
{
    for (uint32_t t = 0; t < ra->s->nb_globals; t++)
        if (kind(ra, t) == TEMP_GLOBAL)
            store_temp(ra, t);
}

/* At a branch or a label reached by fall-through: globals and tb temps
 * must be in memory. */
static void sync_for_branch(RA *ra)
{
    sync_globals(ra);
    for (uint32_t t = ra->s->nb_globals; t < ra->s->nb_temps; t++)
        if (kind(ra, t) == TEMP_TB && (ra->ts[t].val == VAL_REG || ra->ts[t].val == VAL_CONST))
            store_temp(ra, t);
}

/* Start of a basic block at a label: nothing is in registers. */
static void reset_at_label(RA *ra)
{
    for (uint32_t t = 0; t < ra->s->nb_temps; t++) {
        TS *ts = &ra->ts[t];
        switch (kind(ra, t)) {
        case TEMP_FIXED:
            continue;
        case TEMP_CONST:
            unassign(ra, t);
            ts->val = VAL_CONST;
            break;
        case TEMP_GLOBAL:
        case TEMP_TB:
            unassign(ra, t);
            ts->val = VAL_MEM;
            ts->coherent = true;
            break;
        default:
            unassign(ra, t);
            ts->val = VAL_DEAD;
            break;
        }
    }
}

/* After the op: the temp of arg i dies (maybe writing it back first). */
static void arg_dead(RA *ra, const TCGOp *op, int i)
{
    uint32_t t = (uint32_t)op->args[i];
    if (op->life & LIFE_SYNC(i))
        store_temp(ra, t);
    temp_dead(ra, t);
}

/* ---- mov -------------------------------------------------------------------- */

static void do_mov(RA *ra, const TCGOp *op)
{
    uint32_t d = (uint32_t)op->args[0], a = (uint32_t)op->args[1];
    TS *ds = &ra->ts[d], *as = &ra->ts[a];
    TCGType type = ttype(ra, d);

    if (as->val == VAL_CONST) {
        uint64_t v = as->cval;
        if (op->life & LIFE_DEAD(1))
            arg_dead(ra, op, 1);
        unassign(ra, d);
        ds->val = VAL_CONST;
        ds->cval = type == TCG_I32 ? (uint32_t)v : v;
        ds->coherent = false;
    } else if (as->val == VAL_REG && (op->life & LIFE_DEAD(1)) && kind(ra, a) != TEMP_FIXED) {
        /* rename: d takes a's register */
        int r = as->reg;
        if (op->life & LIFE_SYNC(1))
            store_temp(ra, a);
        temp_dead(ra, a);
        unassign(ra, d);
        set_reg(ra, d, r);
        ds->coherent = false;
    } else {
        int r;
        if (as->val == VAL_REG) {
            ra->locked |= REGSET(as->reg);
            r = alloc_reg(ra, ra->be->allocatable, 0);
            ra->locked &= ~REGSET(as->reg);
            unassign(ra, d);
            ra->be->emit_mov(&ra->g, type, r, as->reg);
        } else {
            unassign(ra, d);
            r = alloc_reg(ra, ra->be->allocatable, 0);
            fill_reg(ra, a, r);
        }
        if (op->life & LIFE_DEAD(1))
            arg_dead(ra, op, 1);
        set_reg(ra, d, r);
        ds->coherent = false;
    }
    if (op->life & LIFE_DEAD(0)) {
        arg_dead(ra, op, 0);
    }
}

/* ---- generic ops ----------------------------------------------------------- */

static int popcount32(uint32_t v) { return __builtin_popcount(v); }

static bool temp_dies_here(const TCGOp *op, uint32_t t)
{
    for (int i = op->nout; i < op->nout + op->nin; i++)
        if (op->args[i] == t && (op->life & LIFE_DEAD(i)))
            return true;
    return false;
}

static bool temp_sync_here(const TCGOp *op, uint32_t t)
{
    for (int i = op->nout; i < op->nout + op->nin; i++)
        if (op->args[i] == t && (op->life & LIFE_SYNC(i)))
            return true;
    return false;
}

/* Store dirty globals/caller-saved info for a guest memory access. The
 * op's own output is not written yet when the slow path runs: its old
 * value was made coherent before the output was assigned. */
static void ldst_info(RA *ra, const TCGOp *op, TCGLdstInfo *info, TCGSyncStore *buf, TCGRegSet outregs)
{
    uint16_t n = 0;
    for (uint32_t t = 0; t < ra->s->nb_globals; t++) {
        TS *ts = &ra->ts[t];
        if (kind(ra, t) != TEMP_GLOBAL || ts->coherent || (op->nout && op->args[0] == t))
            continue;
        if (ts->val == VAL_REG)
            buf[n++] = (TCGSyncStore){ ts->reg, ttype(ra, t), ra->s->temps[t].mem_off, 0 };
        else if (ts->val == VAL_CONST)
            buf[n++] = (TCGSyncStore){ -1, ttype(ra, t), ra->s->temps[t].mem_off, ts->cval };
    }
    TCGRegSet save = 0;
    for (int r = 0; r < 32; r++)
        if (ra->reg_temp[r] >= 0 && (ra->be->call_clobbered & REGSET(r)))
            save |= REGSET(r);
    info->save = save & ~outregs;
    info->nsync = n;
    info->sync = buf;
}

static void do_op(RA *ra, const TCGOp *op, const TCGConstraint *ct)
{
    const TCGBackend *be = ra->be;
    TCGArgs a;
    int nout = op->nout, nin = op->nin;
    int8_t in_reg[6];
    bool in_imm[6] = { false };
    TCGRegSet clobber = ct->clobber;

    memset(&a, -1, sizeof(a.reg));
    memset(a.scratch, -1, sizeof(a.scratch));

    /* Registers the op destroys must not hold anything we still need. */
    for (int r = 0; r < 32; r++)
        if (clobber & REGSET(r))
            evict_reg(ra, r);
    ra->locked = 0;

    /* Inputs, most constrained first. */
    int order[6];
    for (int i = 0; i < nin; i++)
        order[i] = i;
    for (int i = 1; i < nin; i++)
        for (int j = i; j > 0 && popcount32(ct->in[order[j]].regs) < popcount32(ct->in[order[j - 1]].regs); j--) {
            int x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    for (int k = 0; k < nin; k++) {
        int i = order[k];
        uint32_t t = (uint32_t)op->args[nout + i];
        TS *ts = &ra->ts[t];
        const TCGArgCt *c = &ct->in[i];
        if (ts->val == VAL_CONST && c->imm && be->imm_ok(op, nout + i, c->imm, ts->cval)) {
            in_imm[i] = true;
            in_reg[i] = -1;
            a.imm[nout + i] = ts->cval;
            continue;
        }
        TCGRegSet allowed = c->regs;
        /* keep inputs out of clobbered registers unless they must be there */
        TCGRegSet avoid = (allowed & ~clobber) ? clobber : 0;
        if (ts->val == VAL_REG && (ra->locked & REGSET(ts->reg))) {
            /* already an operand of this op */
            if (allowed & REGSET(ts->reg) & ~avoid) {
                in_reg[i] = ts->reg;
                continue;
            }
            int r = alloc_reg(ra, allowed, avoid);
            be->emit_mov(&ra->g, ttype(ra, t), r, ts->reg);
            ra->locked |= REGSET(r);
            in_reg[i] = (int8_t)r;
            continue;
        }
        if (kind(ra, t) == TEMP_FIXED) {
            int er = be->env_reg;
            bool destroyed = false;
            for (int o = 0; o < nout; o++)
                destroyed |= ct->out[o].alias == i;
            if ((allowed & REGSET(er)) && !destroyed) {
                in_reg[i] = (int8_t)er;
            } else {
                int r = alloc_reg(ra, allowed, avoid);
                be->emit_mov(&ra->g, TCG_I64, r, er);
                in_reg[i] = (int8_t)r;
            }
            ra->locked |= REGSET(in_reg[i]);
            continue;
        }
        /* a fixed register held by someone else is emptied by alloc_reg */
        int r = load_owned(ra, t, allowed, avoid);
        ra->locked |= REGSET(r);
        in_reg[i] = (int8_t)r;
    }

    /* Inputs whose register the op overwrites: make them private copies. */
    for (int i = 0; i < nin; i++) {
        if (in_imm[i])
            continue;
        bool destroyed = (clobber & REGSET(in_reg[i])) != 0;
        for (int o = 0; o < nout; o++)
            destroyed |= ct->out[o].alias == i;
        if (!destroyed)
            continue;
        uint32_t t = (uint32_t)op->args[nout + i];
        int r = in_reg[i];
        /* shared with another input? give the other one a copy */
        for (int j = 0; j < nin; j++) {
            if (j == i || in_imm[j] || in_reg[j] != r)
                continue;
            int r2 = alloc_reg(ra, ct->in[j].regs, clobber);
            be->emit_mov(&ra->g, ttype(ra, t), r2, r);
            ra->locked |= REGSET(r2);
            in_reg[j] = (int8_t)r2;
        }
        if (kind(ra, t) == TEMP_FIXED || ra->reg_temp[r] != (int32_t)t)
            continue;   /* env copies and existing copies are private */
        if (temp_dies_here(op, t)) {
            if (temp_sync_here(op, t))
                store_temp(ra, t);
            temp_dead(ra, t);
            continue;
        }
        /* t lives on: move it to another free register, or to memory */
        TCGRegSet cand = be->allocatable & ~ra->locked & ~clobber;
        int r3 = -1;
        for (const int8_t *o = be->alloc_order; *o >= 0; o++)
            if ((cand & REGSET(*o)) && ra->reg_temp[*o] < 0) {
                r3 = *o;
                break;
            }
        if (r3 >= 0) {
            be->emit_mov(&ra->g, ttype(ra, t), r3, r);
            ra->reg_temp[r] = -1;
            set_reg(ra, t, r3);
        } else {
            spill(ra, t);
        }
    }

    /* Inputs that die here free their registers for the outputs. */
    TCGRegSet in_regs = 0;
    for (int i = 0; i < nin; i++) {
        if (in_imm[i])
            continue;
        in_regs |= REGSET(in_reg[i]);
        uint32_t t = (uint32_t)op->args[nout + i];
        if ((op->life & LIFE_DEAD(nout + i)) && ra->ts[t].val == VAL_REG &&
            ra->reg_temp[ra->ts[t].reg] == (int32_t)t)
            arg_dead(ra, op, nout + i);
        else if ((op->life & LIFE_DEAD(nout + i)) && ra->ts[t].val != VAL_REG)
            arg_dead(ra, op, nout + i);
    }
    TCGRegSet live_in = 0;
    for (int i = 0; i < nin; i++)
        if (!in_imm[i] && ra->reg_temp[in_reg[i]] >= 0)
            live_in |= REGSET(in_reg[i]);

    /* Outputs. */
    TCGRegSet out_regs = 0;
    bool raises = tcg_op_defs[op->opc].flags & OPF_RAISE;
    for (int o = 0; o < nout; o++) {
        uint32_t t = (uint32_t)op->args[o];
        const TCGArgCt *c = &ct->out[o];
        int r;
        if (raises && kind(ra, t) == TEMP_GLOBAL)
            store_temp(ra, t);   /* a fault must see the old value */
        if (c->alias >= 0) {
            r = in_reg[c->alias];
        } else {
            TCGRegSet forbid = live_in | out_regs | clobber;
            if (c->newreg)
                forbid |= in_regs;
            /* dead inputs' registers are locked but reusable */
            TCGRegSet save_locked = ra->locked;
            ra->locked &= ~(in_regs & ~live_in & ~(c->newreg ? in_regs : 0));
            if (ra->ts[t].val == VAL_REG && (c->regs & REGSET(ra->ts[t].reg)) &&
                !(forbid & REGSET(ra->ts[t].reg)) && !(ra->locked & REGSET(ra->ts[t].reg)))
                r = ra->ts[t].reg;
            else
                r = alloc_reg(ra, c->regs, forbid);
            ra->locked = save_locked;
        }
        unassign(ra, t);
        if (ra->reg_temp[r] >= 0)
            evict_reg(ra, r);
        set_reg(ra, t, r);
        ra->ts[t].coherent = false;
        ra->locked |= REGSET(r);
        out_regs |= REGSET(r);
        a.reg[o] = (int8_t)r;
    }
    for (int i = 0; i < nin; i++)
        a.reg[nout + i] = in_reg[i];

    for (int k = 0; k < ct->nscratch; k++) {
        int r = alloc_reg(ra, ct->scratch_regs, in_regs | out_regs | clobber);
        ra->locked |= REGSET(r);
        a.scratch[k] = (int8_t)r;
    }

    ra->g.op = op;
    if (op->opc == INDEX_op_qemu_ld || op->opc == INDEX_op_qemu_st) {
        TCGSyncStore buf[256];
        TCGLdstInfo info;
        ldst_info(ra, op, &info, buf, out_regs);
        be->emit_qemu_ldst(&ra->g, op, &a, &info);
    } else if (tcg_op_defs[op->opc].flags & OPF_VEC) {
        be->emit_vec(&ra->g, op, nin ? in_reg[0] : -1);
    } else {
        be->emit_op(&ra->g, op, &a);
    }
    ra->locked = 0;

    for (int o = 0; o < nout; o++)
        if (op->life & LIFE_DEAD(o))
            arg_dead(ra, op, o);
}

/* ---- calls ----------------------------------------------------------------- */

static void do_call(RA *ra, const TCGOp *op)
{
    const TCGBackend *be = ra->be;
    const TCGHelper *h = op_helper(op);
    int nout = op->nout, nin = op->nin;

    /* Argument registers: keep an argument already in its own register,
     * move everything else out. */
    TCGRegSet argregs = 0;
    bool placed[TCG_MAX_HELPER_ARGS] = { false };
    for (int i = 0; i < nin; i++)
        argregs |= REGSET(be->call_arg_regs[i]);
    for (int i = 0; i < nin; i++) {
        int r = be->call_arg_regs[i];
        int32_t owner = ra->reg_temp[r];
        if (owner >= 0 && (uint64_t)owner == op->args[nout + i])
            placed[i] = true;
    }
    for (int i = 0; i < nin; i++) {
        int r = be->call_arg_regs[i];
        int32_t owner = ra->reg_temp[r];
        if (owner < 0 || placed[i])
            continue;
        evict_reg(ra, r);
    }
    ra->locked = argregs;
    for (int i = 0; i < nin; i++) {
        if (placed[i])
            continue;
        uint32_t t = (uint32_t)op->args[nout + i];
        int r = be->call_arg_regs[i];
        if (kind(ra, t) == TEMP_FIXED)
            be->emit_mov(&ra->g, TCG_I64, r, be->env_reg);
        else
            fill_reg(ra, t, r);   /* a copy: t keeps its own location */
    }

    /* Globals to memory as the flags require. */
    unsigned f = h->flags;
    bool sync = !(f & TCG_CALL_NO_READ_G) || !(f & TCG_CALL_NO_WRITE_G) || (f & TCG_CALL_MAY_RAISE);
    if (sync)
        sync_globals(ra);

    for (int i = 0; i < nin; i++)
        if (op->life & LIFE_DEAD(nout + i))
            arg_dead(ra, op, nout + i);

    /* Caller-saved registers do not survive the call. */
    for (int r = 0; r < 32; r++)
        if ((be->call_clobbered & REGSET(r)) && ra->reg_temp[r] >= 0)
            spill(ra, (uint32_t)ra->reg_temp[r]);
    if (!(f & TCG_CALL_NO_WRITE_G)) {
        for (uint32_t t = 0; t < ra->s->nb_globals; t++)
            if (kind(ra, t) == TEMP_GLOBAL && ra->ts[t].val != VAL_MEM) {
                unassign(ra, t);
                ra->ts[t].val = VAL_MEM;
                ra->ts[t].coherent = true;
            }
    }
    ra->locked = 0;
    ra->g.op = op;
    be->emit_call(&ra->g, h->fn, nout ? ttype(ra, (uint32_t)op->args[0]) : TCG_VOID);

    if (nout) {
        uint32_t t = (uint32_t)op->args[0];
        unassign(ra, t);
        set_reg(ra, t, be->call_ret_reg);
        ra->ts[t].coherent = false;
        if (op->life & LIFE_DEAD(0))
            arg_dead(ra, op, 0);
    }
}

/* ---- the driver ------------------------------------------------------------ */

static void do_brcond(RA *ra, const TCGOp *op, const TCGConstraint *ct)
{
    /* inputs first (loading may spill), then write everything back,
     * then compare and branch: stores do not disturb the operands */
    const TCGBackend *be = ra->be;
    TCGArgs a;
    memset(&a, -1, sizeof(a.reg));
    ra->locked = 0;
    for (int i = 0; i < 2; i++) {
        uint32_t t = (uint32_t)op->args[i];
        TS *ts = &ra->ts[t];
        if (ts->val == VAL_CONST && ct->in[i].imm && be->imm_ok(op, i, ct->in[i].imm, ts->cval)) {
            a.imm[i] = ts->cval;
            continue;
        }
        if (kind(ra, t) == TEMP_FIXED) {
            a.reg[i] = be->env_reg;
            continue;
        }
        if (ts->val == VAL_REG && (ra->locked & REGSET(ts->reg))) {
            a.reg[i] = ts->reg;
            continue;
        }
        int r = load_owned(ra, t, ct->in[i].regs, 0);
        ra->locked |= REGSET(r);
        a.reg[i] = (int8_t)r;
    }
    sync_for_branch(ra);
    ra->g.op = op;
    be->emit_op(&ra->g, op, &a);
    ra->locked = 0;
    for (int i = 0; i < 2; i++)
        if (op->life & LIFE_DEAD(i))
            arg_dead(ra, op, i);
}

static long native_gen(TCGContext *s, uint8_t *rw, size_t avail)
{
    const NativeState *ns = nstate(s);
    RA ra = { .s = s, .be = ns->be };
    Gen *g = &ra.g;
    g->s = s;
    g->be = ns->be;
    g->start = g->ptr = rw;
    /* stop early enough that one op cannot run past the end */
    g->end = rw + (avail > 4096 ? avail - 4096 : 0);
    g->rx_start = codebuf_rx(s->cb, rw);
    g->label_off = xmalloc((s->nb_labels + 1) * sizeof(uint32_t));
    memset(g->label_off, 0xff, (s->nb_labels + 1) * sizeof(uint32_t));
    ra.ts = xcalloc(s->nb_temps, sizeof(TS));
    ra.free_slots = xmalloc(ns->be->spill_slots * sizeof(int32_t));
    for (int r = 0; r < 32; r++)
        ra.reg_temp[r] = -1;
    for (uint32_t t = 0; t < s->nb_temps; t++) {
        TS *ts = &ra.ts[t];
        ts->slot = -1;
        ts->reg = -1;
        switch (s->temps[t].kind) {
        case TEMP_FIXED:
            ts->val = VAL_REG;
            ts->reg = ns->be->env_reg;
            ts->coherent = true;
            break;
        case TEMP_CONST:
            ts->val = VAL_CONST;
            ts->cval = s->temps[t].val;
            ts->coherent = true;
            break;
        case TEMP_GLOBAL:
            ts->val = VAL_MEM;
            ts->coherent = true;
            break;
        default:
            ts->val = VAL_DEAD;
            break;
        }
    }

    for (uint32_t i = 0; i < s->nb_ops && !g->overflow; i++) {
        const TCGOp *op = &s->ops[i];
        ra.op = op;
        if (g->ptr >= g->end) {
            g->overflow = true;
            break;
        }
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_discard:
            break;
        case INDEX_op_insn_start:
            tcg_insn_start(s, gen_off(g), op->args);
            break;
        case INDEX_op_mov:
            do_mov(&ra, op);
            break;
        case INDEX_op_set_label:
            sync_for_branch(&ra);
            reset_at_label(&ra);
            g->label_off[op->args[0]] = gen_off(g);
            break;
        case INDEX_op_br:
            sync_for_branch(&ra);
            ns->be->emit_br(g, (uint32_t)op->args[0]);
            break;
        case INDEX_op_brcond:
            do_brcond(&ra, op, ns->be->constraint(op));
            break;
        case INDEX_op_goto_tb:
            sync_globals(&ra);
            ns->be->emit_goto_tb(g, (unsigned)op->args[0]);
            break;
        case INDEX_op_exit_tb:
            sync_globals(&ra);
            ns->be->emit_exit_tb(g, (uintptr_t)op->args[0]);
            break;
        case INDEX_op_goto_ptr: {
            uint32_t t = (uint32_t)op->args[0];
            int r = load_owned(&ra, t, ns->be->allocatable, 0);
            ra.locked = REGSET(r);
            sync_globals(&ra);
            ra.locked = 0;
            ns->be->emit_goto_ptr(g, r);
            break;
        }
        case INDEX_op_call:
            do_call(&ra, op);
            break;
        default: {
            const TCGConstraint *ct = ns->be->constraint(op);
            if (!ct) {
                fprintf(stderr, "ferry: %s backend: op %s_%s not supported\n", ns->be->name,
                        tcg_op_defs[op->opc].name, tcg_type_name((TCGType)op->type));
                abort();
            }
            do_op(&ra, op, ct);
            break;
        }
        }
    }

    /* out-of-line slow paths, then label fix-ups */
    for (uint32_t i = 0; i < g->nslow && !g->overflow; i++) {
        if (g->ptr >= g->end)
            g->overflow = true;
        else
            ns->be->emit_slow_path(g, &g->slow[i]);
    }
    if (g->ptr > g->end)
        g->overflow = true;
    for (uint32_t i = 0; i < g->nrelocs && !g->overflow; i++) {
        const TCGReloc *r = &g->relocs[i];
        uint32_t target = g->label_off[r->label];
        if (target == UINT32_MAX) {
            fprintf(stderr, "ferry: regalloc: branch to label L%u that is never placed\n", r->label);
            abort();
        }
        ns->be->patch_reloc(g, g->start + r->off, r->kind, gen_rx(g, g->start + target));
    }
    long size = g->overflow ? -1 : (long)gen_off(g);
    if (size >= 0)
        tcg_insn_end(s, (uint32_t)size);
    free(g->label_off);
    free(g->relocs);
    free(g->slow);
    free(g->sync_pool);
    free(ra.ts);
    free(ra.free_slots);
    return size;
}

/* ---- ops a backend leaves to C ---------------------------------------------- */

static uint64_t helper_lowered(uint64_t what, uint64_t a, uint64_t b, uint64_t c0, uint64_t c1)
{
    uint64_t in[4] = { a, b, 0, 0 }, c[2] = { c0, c1 }, r = 0;
    tcg_eval_op((TCGOpcode)(what & 0xff), (TCGType)(what >> 8), in, c, &r);
    return r;
}
static const TCGHelper h_lowered = TCG_HELPER(helper_lowered, TCG_I64, TCG_CALL_PURE);

/* Rewrite ops the backend does not implement as calls of helper_lowered
 * (one output, at most two inputs and two constant args). */
static void native_lower(TCGContext *s)
{
    const TCGBackend *be = nstate(s)->be;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        const TCGOpDef *d = &tcg_op_defs[op->opc];
        if (op->opc == INDEX_op_nop || op->opc == INDEX_op_call || !(d->flags & OPF_INT) ||
            (d->flags & (OPF_SIDE | OPF_BB_END)) || op->opc == INDEX_op_mov || be->constraint(op))
            continue;
        if (op->nout != 1 || op->nin > 2 || d->ncarg > 2 || (d->flags & OPF_MIXED)) {
            fprintf(stderr, "ferry: %s backend: op %s_%s is required\n", be->name, d->name,
                    tcg_type_name((TCGType)op->type));
            abort();
        }
        uint64_t out = op->args[0], a = op->args[1], b = op->nin > 1 ? op->args[2] : a;
        uint64_t c0 = d->ncarg > 0 ? op_carg(op, 0) : 0, c1 = d->ncarg > 1 ? op_carg(op, 1) : 0;
        uint64_t what = op->opc | (uint64_t)op->type << 8;
        op->opc = INDEX_op_call;
        op->nout = 1;
        op->nin = 5;
        op->args[0] = out;
        op->args[1] = ir_const64(s, what).n;
        op->args[2] = a;
        op->args[3] = b;
        op->args[4] = ir_const64(s, c0).n;
        op->args[5] = ir_const64(s, c1).n;
        op->args[6] = (uintptr_t)&h_lowered;
    }
}

/* ---- the codegen interface ----------------------------------------------------- */

static void native_context_init(TCGContext *s)
{
    NativeState *ns = xzalloc(sizeof(*ns));
    ns->be = tcg_backend_host();
    s->cg_state = ns;
    CodeBuf *cb = s->cb;
    Gen g = { .s = s, .be = ns->be };
    codebuf_write_begin(cb);
    g.start = g.ptr = cb->rw + cb->used;
    g.end = cb->rw + cb->size;
    g.rx_start = codebuf_rx(cb, g.start);
    ns->be->emit_prologue(&g, &ns->entry, &ns->ret, &ns->ret_zero);
    codebuf_write_end(cb);
    codebuf_sync(cb, g.rx_start, gen_off(&g));
    cb->used = ALIGN_UP(cb->used + gen_off(&g), 64);
    cb->head = cb->used;
    if (log_enabled(LOG_OUT_ASM)) {
        log_printf("PROLOGUE: [size=%u]\n", gen_off(&g));
        log_disas(ns->be->disas_arch, g.rx_start, gen_off(&g), (uintptr_t)g.rx_start);
        log_printf("\n");
    }
}

static void native_context_free(TCGContext *s)
{
    free(s->cg_state);
    s->cg_state = NULL;
}

static uintptr_t native_exec(TCGContext *s, void *env, const void *code)
{
    typedef uintptr_t Entry(void *env, const void *code);
    return ((Entry *)nstate(s)->entry)(env, code);
}

static void native_set_jump(TCGContext *s, uint8_t *code_rx, uint32_t patch_off, const void *target)
{
    uint8_t *slot_rx = code_rx + patch_off;
    codebuf_write_begin(s->cb);
    nstate(s)->be->set_jump(codebuf_rw(s->cb, slot_rx), (uintptr_t)slot_rx, (uintptr_t)target);
    codebuf_write_end(s->cb);
    codebuf_sync(s->cb, slot_rx, 4);
}

static const void *native_return_zero(TCGContext *s)
{
    return (const void *)nstate(s)->ret_zero;
}

static const TCGCodegen native_codegen = {
    .name = "native",
    .context_init = native_context_init,
    .context_free = native_context_free,
    .lower = native_lower,
    .gen = native_gen,
    .exec = native_exec,
    .set_jump = native_set_jump,
    .return_zero = native_return_zero,
};

const TCGCodegen *tcg_codegen_native(void)
{
    return tcg_backend_host() ? &native_codegen : NULL;
}

#if !defined(__x86_64__)
/* No native backend for this host yet: everything runs on the
 * interpreter (tcg_codegen_native() returns NULL). */
const TCGBackend *tcg_backend_host(void)
{
    return NULL;
}
#endif
