/*
 * ir.c — the IR context: temps, labels, op emission, and the builder
 * functions frontends call (tcg/ir.h). Builders check operand types and
 * kinds up front so a frontend bug fails at the op that caused it, not in
 * a backend.
 */
#include "tcg/ir.h"

#include "tcg/codebuf.h"
#include "tcg/codegen.h"

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, no, ni, nc, fl) [INDEX_op_##n] = { #n, no, ni, nc, fl },
#include "tcg/ops.def"
#undef DEF
};

static NORETURN PRINTF_FMT(1, 2) void ir_bug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ferry: IR misuse: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

const char *tcg_type_name(TCGType t)
{
    return t == TCG_I32 ? "i32" : t == TCG_I64 ? "i64" : "void";
}

TCGCond tcg_cond_invert(TCGCond c)
{
    static const uint8_t inv[NB_CONDS] = {
        [COND_EQ] = COND_NE, [COND_NE] = COND_EQ,
        [COND_LT] = COND_GE, [COND_GE] = COND_LT,
        [COND_LE] = COND_GT, [COND_GT] = COND_LE,
        [COND_LTU] = COND_GEU, [COND_GEU] = COND_LTU,
        [COND_LEU] = COND_GTU, [COND_GTU] = COND_LEU,
        [COND_TSTEQ] = COND_TSTNE, [COND_TSTNE] = COND_TSTEQ,
        [COND_ALWAYS] = COND_NEVER, [COND_NEVER] = COND_ALWAYS,
    };
    return (TCGCond)inv[c];
}

TCGCond tcg_cond_swap(TCGCond c)
{
    static const uint8_t sw[NB_CONDS] = {
        [COND_EQ] = COND_EQ, [COND_NE] = COND_NE,
        [COND_LT] = COND_GT, [COND_GE] = COND_LE,
        [COND_LE] = COND_GE, [COND_GT] = COND_LT,
        [COND_LTU] = COND_GTU, [COND_GEU] = COND_LEU,
        [COND_LEU] = COND_GEU, [COND_GTU] = COND_LTU,
        [COND_TSTEQ] = COND_TSTEQ, [COND_TSTNE] = COND_TSTNE,
        [COND_ALWAYS] = COND_ALWAYS, [COND_NEVER] = COND_NEVER,
    };
    return (TCGCond)sw[c];
}

const char *tcg_cond_name(TCGCond c)
{
    static const char *const n[NB_CONDS] = {
        "eq", "ne", "lt", "ge", "le", "gt", "ltu", "geu", "leu", "gtu",
        "tsteq", "tstne", "always", "never",
    };
    return c < NB_CONDS ? n[c] : "?";
}

/* ---- context ------------------------------------------------------ */

static TCGv new_temp(TCGContext *s, TCGTempKind kind, TCGType type)
{
    if (s->nb_temps >= TCG_MAX_TEMPS)
        ir_bug("more than %d temps in one block", TCG_MAX_TEMPS);
    if (s->nb_temps == s->temps_cap) {
        s->temps_cap = s->temps_cap ? s->temps_cap * 2 : 256;
        s->temps = xrealloc(s->temps, s->temps_cap * sizeof(*s->temps));
    }
    TCGTemp *t = &s->temps[s->nb_temps];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->type = type;
    return (TCGv){ s->nb_temps++ };
}

TCGContext *tcg_context_new(const TCGCodegen *cg, CodeBuf *cb, const TCGEnvLayout *layout)
{
    TCGContext *s = xzalloc(sizeof(*s));
    s->cg = cg;
    s->cb = cb;
    s->layout = *layout;
    if (s->layout.insn_start_words == 0)
        s->layout.insn_start_words = 1;
    s->optimize = true;
    s->env = new_temp(s, TEMP_FIXED, TCG_I64);
    s->temps[s->env.n].name = "env";
    s->nb_globals = s->nb_temps;
    s->const_hash_cap = 256;
    s->const_hash = xmalloc(s->const_hash_cap * sizeof(uint32_t));
    memset(s->const_hash, 0xff, s->const_hash_cap * sizeof(uint32_t));
    if (cg->context_init)
        cg->context_init(s);
    tcg_func_start(s);
    return s;
}

void tcg_context_free(TCGContext *s)
{
    if (!s)
        return;
    if (s->cg->context_free)
        s->cg->context_free(s);
    free(s->temps);
    free(s->ops);
    free(s->labels);
    free(s->const_hash);
    free(s->insn_end_off);
    free(s->insn_data);
    free(s);
}

void tcg_func_start(TCGContext *s)
{
    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->nb_insns = 0;
    if (s->const_hash_used) {
        memset(s->const_hash, 0xff, s->const_hash_cap * sizeof(uint32_t));
        s->const_hash_used = 0;
    }
}

TCGv ir_global(TCGContext *s, TCGType type, int32_t env_off, const char *name)
{
    if (s->nb_temps != s->nb_globals)
        ir_bug("globals must be registered before any block is built");
    TCGv t = new_temp(s, TEMP_GLOBAL, type);
    s->temps[t.n].mem_off = env_off;
    s->temps[t.n].name = name;
    s->nb_globals = s->nb_temps;
    return t;
}

TCGv ir_temp(TCGContext *s, TCGType type)
{
    return new_temp(s, TEMP_BB, type);
}

TCGv ir_temp_tb(TCGContext *s, TCGType type)
{
    return new_temp(s, TEMP_TB, type);
}

static uint32_t const_hash_fn(TCGType type, uint64_t v)
{
    uint64_t h = (v ^ ((uint64_t)type << 63)) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

TCGv ir_const(TCGContext *s, TCGType type, uint64_t val)
{
    if (type == TCG_I32)
        val = (uint32_t)val;
    if (s->const_hash_used * 2 >= s->const_hash_cap) {
        /* grow and rehash */
        uint32_t ocap = s->const_hash_cap, *old = s->const_hash;
        s->const_hash_cap *= 2;
        s->const_hash = xmalloc(s->const_hash_cap * sizeof(uint32_t));
        memset(s->const_hash, 0xff, s->const_hash_cap * sizeof(uint32_t));
        for (uint32_t i = 0; i < ocap; i++) {
            if (old[i] == UINT32_MAX)
                continue;
            TCGTemp *t = &s->temps[old[i]];
            uint32_t h = const_hash_fn((TCGType)t->type, t->val) & (s->const_hash_cap - 1);
            while (s->const_hash[h] != UINT32_MAX)
                h = (h + 1) & (s->const_hash_cap - 1);
            s->const_hash[h] = old[i];
        }
        free(old);
    }
    uint32_t mask = s->const_hash_cap - 1;
    uint32_t h = const_hash_fn(type, val) & mask;
    for (;;) {
        uint32_t idx = s->const_hash[h];
        if (idx == UINT32_MAX)
            break;
        TCGTemp *t = &s->temps[idx];
        if (t->type == type && t->val == val)
            return (TCGv){ idx };
        h = (h + 1) & mask;
    }
    TCGv t = new_temp(s, TEMP_CONST, type);
    s->temps[t.n].val = val;
    s->const_hash[h] = t.n;
    s->const_hash_used++;
    return t;
}

/* ---- op emission ------------------------------------------------------ */

static TCGOp *alloc_op(TCGContext *s)
{
    if (s->nb_ops == s->ops_cap) {
        s->ops_cap = s->ops_cap ? s->ops_cap * 2 : 1024;
        s->ops = xrealloc(s->ops, s->ops_cap * sizeof(*s->ops));
    }
    TCGOp *op = &s->ops[s->nb_ops++];
    memset(op, 0, sizeof(*op));
    return op;
}

TCGOp *tcg_emit_op_at(TCGContext *s, TCGOpcode opc, TCGType type, const uint64_t *args,
                      uint32_t nargs)
{
    TCGOp *op = alloc_op(s);
    op->opc = opc;
    op->type = type;
    op->nout = tcg_op_defs[opc].nout;
    op->nin = tcg_op_defs[opc].nin;
    memcpy(op->args, args, nargs * sizeof(uint64_t));
    return op;
}

TCGOp *tcg_emit_op(TCGContext *s, TCGOpcode opc, TCGType type, const uint64_t *args)
{
    const TCGOpDef *d = &tcg_op_defs[opc];
    return tcg_emit_op_at(s, opc, type, args, d->nout + d->nin + d->ncarg);
}

static void check_writable(TCGContext *s, TCGv t, const char *opname)
{
    if (t.n >= s->nb_temps)
        ir_bug("%s: bad temp %u", opname, t.n);
    TCGTempKind k = (TCGTempKind)s->temps[t.n].kind;
    if (k == TEMP_CONST || k == TEMP_FIXED)
        ir_bug("%s: writes a constant or env", opname);
}

static void check_temp(TCGContext *s, TCGv t, TCGType type, const char *opname)
{
    if (t.n >= s->nb_temps)
        ir_bug("%s: bad temp %u", opname, t.n);
    if (s->temps[t.n].type != type)
        ir_bug("%s: operand t%u is %s, op is %s", opname, t.n,
               tcg_type_name((TCGType)s->temps[t.n].type), tcg_type_name(type));
}

/* Emit an integer op whose temps all have one type (outputs first). */
static TCGOp *emit_int(TCGContext *s, TCGOpcode opc, const TCGv *t, const uint64_t *c)
{
    const TCGOpDef *d = &tcg_op_defs[opc];
    uint64_t args[TCG_MAX_OP_ARGS];
    TCGType type = tcgv_type(s, t[0]);
    if ((d->flags & OPF_64) && type != TCG_I64)
        ir_bug("%s needs i64 operands", d->name);
    for (int i = 0; i < d->nout + d->nin; i++) {
        check_temp(s, t[i], type, d->name);
        if (i < d->nout)
            check_writable(s, t[i], d->name);
        args[i] = t[i].n;
    }
    for (int i = 0; i < d->ncarg; i++)
        args[d->nout + d->nin + i] = c[i];
    return tcg_emit_op(s, opc, type, args);
}

void ir_mov(TCGContext *s, TCGv d, TCGv a)
{
    if (tcgv_eq(d, a))
        return;
    emit_int(s, INDEX_op_mov, (TCGv[]){ d, a }, NULL);
}

void ir_movi(TCGContext *s, TCGv d, uint64_t v)
{
    ir_mov(s, d, ir_const(s, tcgv_type(s, d), v));
}

void ir_discard(TCGContext *s, TCGv t)
{
    check_writable(s, t, "discard");
    if (s->temps[t.n].kind == TEMP_GLOBAL)
        ir_bug("discard of a global");
    uint64_t a[1] = { t.n };
    tcg_emit_op(s, INDEX_op_discard, tcgv_type(s, t), a);
}

#define X(op) \
    void ir_##op(TCGContext *s, TCGv d, TCGv a, TCGv b) \
    { emit_int(s, INDEX_op_##op, (TCGv[]){ d, a, b }, NULL); } \
    void ir_##op##i(TCGContext *s, TCGv d, TCGv a, uint64_t b) \
    { ir_##op(s, d, a, ir_const(s, tcgv_type(s, a), b)); }
IR_BINOPS(X)
#undef X

#define X(op) \
    void ir_##op(TCGContext *s, TCGv d, TCGv a) \
    { emit_int(s, INDEX_op_##op, (TCGv[]){ d, a }, NULL); }
IR_UNOPS(X)
#undef X

void ir_mulu2(TCGContext *s, TCGv lo, TCGv hi, TCGv a, TCGv b)
{
    if (tcgv_eq(lo, hi))
        ir_bug("mulu2 with lo == hi");
    emit_int(s, INDEX_op_mulu2, (TCGv[]){ lo, hi, a, b }, NULL);
}

void ir_muls2(TCGContext *s, TCGv lo, TCGv hi, TCGv a, TCGv b)
{
    if (tcgv_eq(lo, hi))
        ir_bug("muls2 with lo == hi");
    emit_int(s, INDEX_op_muls2, (TCGv[]){ lo, hi, a, b }, NULL);
}

void ir_add2(TCGContext *s, TCGv lo, TCGv hi, TCGv al, TCGv ah, TCGv bl, TCGv bh)
{
    if (tcgv_eq(lo, hi))
        ir_bug("add2 with lo == hi");
    emit_int(s, INDEX_op_add2, (TCGv[]){ lo, hi, al, ah, bl, bh }, NULL);
}

void ir_sub2(TCGContext *s, TCGv lo, TCGv hi, TCGv al, TCGv ah, TCGv bl, TCGv bh)
{
    if (tcgv_eq(lo, hi))
        ir_bug("sub2 with lo == hi");
    emit_int(s, INDEX_op_sub2, (TCGv[]){ lo, hi, al, ah, bl, bh }, NULL);
}

static void check_field(TCGContext *s, TCGv d, unsigned pos, unsigned len, const char *name)
{
    unsigned w = tcgv_type(s, d) == TCG_I32 ? 32 : 64;
    if (len == 0 || pos >= w || len > w - pos)
        ir_bug("%s: bad field pos %u len %u for %u bits", name, pos, len, w);
}

void ir_deposit(TCGContext *s, TCGv d, TCGv a, TCGv b, unsigned pos, unsigned len)
{
    check_field(s, d, pos, len, "deposit");
    emit_int(s, INDEX_op_deposit, (TCGv[]){ d, a, b }, (uint64_t[]){ pos, len });
}

void ir_extract(TCGContext *s, TCGv d, TCGv a, unsigned pos, unsigned len)
{
    check_field(s, d, pos, len, "extract");
    emit_int(s, INDEX_op_extract, (TCGv[]){ d, a }, (uint64_t[]){ pos, len });
}

void ir_sextract(TCGContext *s, TCGv d, TCGv a, unsigned pos, unsigned len)
{
    check_field(s, d, pos, len, "sextract");
    emit_int(s, INDEX_op_sextract, (TCGv[]){ d, a }, (uint64_t[]){ pos, len });
}

void ir_extract2(TCGContext *s, TCGv d, TCGv lo, TCGv hi, unsigned pos)
{
    unsigned w = tcgv_type(s, d) == TCG_I32 ? 32 : 64;
    if (pos >= w)
        ir_bug("extract2: bad pos %u", pos);
    emit_int(s, INDEX_op_extract2, (TCGv[]){ d, lo, hi }, (uint64_t[]){ pos });
}

static void check_cond(TCGCond c)
{
    if ((unsigned)c >= NB_CONDS)
        ir_bug("bad condition %d", c);
}

void ir_setcond(TCGContext *s, TCGCond c, TCGv d, TCGv a, TCGv b)
{
    check_cond(c);
    emit_int(s, INDEX_op_setcond, (TCGv[]){ d, a, b }, (uint64_t[]){ c });
}

void ir_setcondi(TCGContext *s, TCGCond c, TCGv d, TCGv a, uint64_t b)
{
    ir_setcond(s, c, d, a, ir_const(s, tcgv_type(s, a), b));
}

void ir_negsetcond(TCGContext *s, TCGCond c, TCGv d, TCGv a, TCGv b)
{
    check_cond(c);
    emit_int(s, INDEX_op_negsetcond, (TCGv[]){ d, a, b }, (uint64_t[]){ c });
}

void ir_movcond(TCGContext *s, TCGCond c, TCGv d, TCGv c1, TCGv c2, TCGv v1, TCGv v2)
{
    check_cond(c);
    emit_int(s, INDEX_op_movcond, (TCGv[]){ d, c1, c2, v1, v2 }, (uint64_t[]){ c });
}

static void emit_mixed(TCGContext *s, TCGOpcode opc, TCGv d, TCGType dt, TCGv a, TCGType at)
{
    const char *name = tcg_op_defs[opc].name;
    check_temp(s, d, dt, name);
    check_temp(s, a, at, name);
    check_writable(s, d, name);
    tcg_emit_op(s, opc, dt, (uint64_t[]){ d.n, a.n });
}

void ir_ext_i32_i64(TCGContext *s, TCGv d, TCGv a)
{
    emit_mixed(s, INDEX_op_ext_i32_i64, d, TCG_I64, a, TCG_I32);
}

void ir_extu_i32_i64(TCGContext *s, TCGv d, TCGv a)
{
    emit_mixed(s, INDEX_op_extu_i32_i64, d, TCG_I64, a, TCG_I32);
}

void ir_extrl_i64_i32(TCGContext *s, TCGv d, TCGv a)
{
    emit_mixed(s, INDEX_op_extrl_i64_i32, d, TCG_I32, a, TCG_I64);
}

void ir_extrh_i64_i32(TCGContext *s, TCGv d, TCGv a)
{
    emit_mixed(s, INDEX_op_extrh_i64_i32, d, TCG_I32, a, TCG_I64);
}

/* Host-state access: value has the op type, base is always I64. */
static void emit_ldst(TCGContext *s, TCGOpcode opc, TCGv v, TCGv base, int32_t off)
{
    const TCGOpDef *d = &tcg_op_defs[opc];
    TCGType type = tcgv_type(s, v);
    if ((d->flags & OPF_64) && type != TCG_I64)
        ir_bug("%s needs an i64 value", d->name);
    check_temp(s, base, TCG_I64, d->name);
    if (d->nout)
        check_writable(s, v, d->name);
    tcg_emit_op(s, opc, type, (uint64_t[]){ v.n, base.n, (uint64_t)(int64_t)off });
}

void ir_ld8u(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld8u, d, b, o); }
void ir_ld8s(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld8s, d, b, o); }
void ir_ld16u(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld16u, d, b, o); }
void ir_ld16s(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld16s, d, b, o); }
void ir_ld32u(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld32u, d, b, o); }
void ir_ld32s(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld32s, d, b, o); }
void ir_ld(TCGContext *s, TCGv d, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_ld, d, b, o); }
void ir_st8(TCGContext *s, TCGv v, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_st8, v, b, o); }
void ir_st16(TCGContext *s, TCGv v, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_st16, v, b, o); }
void ir_st32(TCGContext *s, TCGv v, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_st32, v, b, o); }
void ir_st(TCGContext *s, TCGv v, TCGv b, int32_t o) { emit_ldst(s, INDEX_op_st, v, b, o); }

static void check_memop(TCGContext *s, TCGv v, MemOp mop, const char *name)
{
    TCGType type = tcgv_type(s, v);
    if ((mop & MO_SIZE) == MO_64 && type != TCG_I64)
        ir_bug("%s: 64-bit access into an i32", name);
    if (mop & ~(MO_SIZE | MO_SIGN | MO_BSWAP | MO_AMASK))
        ir_bug("%s: bad memop %#x", name, mop);
    if (memop_align(mop) > 64)
        ir_bug("%s: bad alignment", name);
}

void ir_qemu_ld(TCGContext *s, TCGv d, TCGv addr, unsigned mmu_idx, MemOp mop)
{
    check_memop(s, d, mop, "qemu_ld");
    check_writable(s, d, "qemu_ld");
    check_temp(s, addr, TCG_I64, "qemu_ld");
    if (mmu_idx > 255)
        ir_bug("qemu_ld: bad mmu index %u", mmu_idx);
    /* A 64-bit value is never "sign-extended": drop the flag so backends
     * see one canonical form. */
    if ((mop & MO_SIZE) == MO_64 || ((mop & MO_SIZE) == MO_32 && tcgv_type(s, d) == TCG_I32))
        mop &= ~MO_SIGN;
    tcg_emit_op(s, INDEX_op_qemu_ld, tcgv_type(s, d), (uint64_t[]){ d.n, addr.n, mop, mmu_idx });
}

void ir_qemu_st(TCGContext *s, TCGv v, TCGv addr, unsigned mmu_idx, MemOp mop)
{
    check_memop(s, v, mop, "qemu_st");
    check_temp(s, addr, TCG_I64, "qemu_st");
    if (mmu_idx > 255)
        ir_bug("qemu_st: bad mmu index %u", mmu_idx);
    mop &= ~MO_SIGN;
    tcg_emit_op(s, INDEX_op_qemu_st, tcgv_type(s, v), (uint64_t[]){ v.n, addr.n, mop, mmu_idx });
}

void ir_call(TCGContext *s, const TCGHelper *h, TCGv ret, unsigned nargs, const TCGv *args)
{
    uint64_t a[TCG_MAX_OP_ARGS];
    unsigned nout = tcgv_is_none(ret) ? 0 : 1, k = 0;
    if (nargs > TCG_MAX_HELPER_ARGS)
        ir_bug("call %s: %u args (max %d)", h->name, nargs, TCG_MAX_HELPER_ARGS);
    if (nout) {
        if (h->ret == TCG_VOID)
            ir_bug("call %s: void helper with a result temp", h->name);
        check_temp(s, ret, (TCGType)h->ret, h->name);
        check_writable(s, ret, h->name);
        a[k++] = ret.n;
    }
    for (unsigned i = 0; i < nargs; i++) {
        if (args[i].n >= s->nb_temps)
            ir_bug("call %s: bad argument temp", h->name);
        a[k++] = args[i].n;
    }
    a[k++] = (uintptr_t)h;
    TCGOp *op = tcg_emit_op_at(s, INDEX_op_call, h->ret == TCG_I32 ? TCG_I32 : TCG_I64, a, k);
    op->nout = nout;
    op->nin = nargs;
}

/* ---- labels and block structure ----------------------------------------- */

TCGLabel ir_label(TCGContext *s)
{
    if (s->nb_labels >= TCG_MAX_LABELS)
        ir_bug("too many labels");
    if (s->nb_labels == s->labels_cap) {
        s->labels_cap = s->labels_cap ? s->labels_cap * 2 : 64;
        s->labels = xrealloc(s->labels, s->labels_cap * sizeof(*s->labels));
    }
    memset(&s->labels[s->nb_labels], 0, sizeof(*s->labels));
    return (TCGLabel){ s->nb_labels++ };
}

void ir_set_label(TCGContext *s, TCGLabel l)
{
    if (l.n >= s->nb_labels || s->labels[l.n].placed)
        ir_bug("label %u placed twice or unknown", l.n);
    s->labels[l.n].placed = true;
    tcg_emit_op(s, INDEX_op_set_label, TCG_I64, (uint64_t[]){ l.n });
}

void ir_br(TCGContext *s, TCGLabel l)
{
    if (l.n >= s->nb_labels)
        ir_bug("br to unknown label");
    s->labels[l.n].refs++;
    tcg_emit_op(s, INDEX_op_br, TCG_I64, (uint64_t[]){ l.n });
}

void ir_brcond(TCGContext *s, TCGCond c, TCGv a, TCGv b, TCGLabel l)
{
    check_cond(c);
    if (l.n >= s->nb_labels)
        ir_bug("brcond to unknown label");
    s->labels[l.n].refs++;
    emit_int(s, INDEX_op_brcond, (TCGv[]){ a, b }, (uint64_t[]){ c, l.n });
}

void ir_brcondi(TCGContext *s, TCGCond c, TCGv a, uint64_t b, TCGLabel l)
{
    ir_brcond(s, c, a, ir_const(s, tcgv_type(s, a), b), l);
}

void ir_insn_start(TCGContext *s, uint64_t w0, uint64_t w1, uint64_t w2)
{
    tcg_emit_op(s, INDEX_op_insn_start, TCG_I64, (uint64_t[]){ w0, w1, w2 });
}

void ir_goto_tb(TCGContext *s, unsigned n)
{
    if (n > 1)
        ir_bug("goto_tb %u (only 0 and 1)", n);
    tcg_emit_op(s, INDEX_op_goto_tb, TCG_I64, (uint64_t[]){ n });
}

void ir_exit_tb(TCGContext *s, uintptr_t val)
{
    tcg_emit_op(s, INDEX_op_exit_tb, TCG_I64, (uint64_t[]){ val });
}

void ir_goto_ptr(TCGContext *s, TCGv ptr)
{
    check_temp(s, ptr, TCG_I64, "goto_ptr");
    tcg_emit_op(s, INDEX_op_goto_ptr, TCG_I64, (uint64_t[]){ ptr.n });
}

void ir_lookup_and_goto_ptr(TCGContext *s)
{
    TCGv p = ir_temp(s, TCG_I64);
    ir_callv(s, &tcg_helper_lookup_tb, p, s->env);
    ir_goto_ptr(s, p);
}

void ir_mb(TCGContext *s, unsigned kinds)
{
    tcg_emit_op(s, INDEX_op_mb, TCG_I64, (uint64_t[]){ kinds & TCG_MO_ALL });
}

/* ---- vectors --------------------------------------------------------- */

static void check_vec(unsigned vece, unsigned oprsz, unsigned maxsz)
{
    if (vece > 3 || (oprsz != 8 && oprsz != 16) || (maxsz != 8 && maxsz != 16) || maxsz < oprsz)
        ir_bug("vector op: bad vece %u oprsz %u maxsz %u", vece, oprsz, maxsz);
}

static void vec3(TCGContext *s, TCGOpcode opc, unsigned vece, uint32_t d, uint32_t a,
                 uint32_t b, unsigned oprsz, unsigned maxsz)
{
    check_vec(vece, oprsz, maxsz);
    tcg_emit_op(s, opc, TCG_I64, (uint64_t[]){ d, a, b, VEC_DESC(vece, oprsz, maxsz) });
}

void ir_vec_mov(TCGContext *s, uint32_t d, uint32_t a, unsigned oprsz, unsigned maxsz)
{
    check_vec(0, oprsz, maxsz);
    tcg_emit_op(s, INDEX_op_vec_mov, TCG_I64, (uint64_t[]){ d, a, VEC_DESC(0, oprsz, maxsz) });
}

void ir_vec_not(TCGContext *s, uint32_t d, uint32_t a, unsigned oprsz, unsigned maxsz)
{
    check_vec(0, oprsz, maxsz);
    tcg_emit_op(s, INDEX_op_vec_not, TCG_I64, (uint64_t[]){ d, a, VEC_DESC(0, oprsz, maxsz) });
}

void ir_vec_and(TCGContext *s, uint32_t d, uint32_t a, uint32_t b, unsigned o, unsigned m)
{ vec3(s, INDEX_op_vec_and, 0, d, a, b, o, m); }
void ir_vec_or(TCGContext *s, uint32_t d, uint32_t a, uint32_t b, unsigned o, unsigned m)
{ vec3(s, INDEX_op_vec_or, 0, d, a, b, o, m); }
void ir_vec_xor(TCGContext *s, uint32_t d, uint32_t a, uint32_t b, unsigned o, unsigned m)
{ vec3(s, INDEX_op_vec_xor, 0, d, a, b, o, m); }
void ir_vec_andc(TCGContext *s, uint32_t d, uint32_t a, uint32_t b, unsigned o, unsigned m)
{ vec3(s, INDEX_op_vec_andc, 0, d, a, b, o, m); }
void ir_vec_add(TCGContext *s, unsigned vece, uint32_t d, uint32_t a, uint32_t b, unsigned o, unsigned m)
{ vec3(s, INDEX_op_vec_add, vece, d, a, b, o, m); }
void ir_vec_sub(TCGContext *s, unsigned vece, uint32_t d, uint32_t a, uint32_t b, unsigned o, unsigned m)
{ vec3(s, INDEX_op_vec_sub, vece, d, a, b, o, m); }

void ir_vec_dup(TCGContext *s, unsigned vece, uint32_t d, unsigned oprsz, unsigned maxsz, TCGv val)
{
    check_vec(vece, oprsz, maxsz);
    if (val.n >= s->nb_temps)
        ir_bug("vec_dup: bad temp");
    if (vece == 3 && tcgv_type(s, val) != TCG_I64)
        ir_bug("vec_dup: 64-bit elements from an i32");
    tcg_emit_op(s, INDEX_op_vec_dup, tcgv_type(s, val),
                (uint64_t[]){ val.n, d, VEC_DESC(vece, oprsz, maxsz) });
}

void ir_vec_dupi(TCGContext *s, unsigned vece, uint32_t d, unsigned oprsz, unsigned maxsz, uint64_t v)
{
    ir_vec_dup(s, vece, d, oprsz, maxsz, ir_const(s, TCG_I64, v));
}

void ir_vec_ool(TCGContext *s, const TCGHelper *h, uint32_t dofs, uint32_t aofs, uint32_t bofs,
                unsigned oprsz, unsigned maxsz, unsigned data)
{
    check_vec(0, oprsz, maxsz);
    if (data > 0xff)
        ir_bug("vec_ool: data %u does not fit 8 bits", data);
    TCGv d = ir_temp(s, TCG_I64), a = ir_temp(s, TCG_I64), b = ir_temp(s, TCG_I64);
    ir_addi(s, d, s->env, dofs);
    ir_addi(s, a, s->env, aofs);
    ir_addi(s, b, s->env, bofs);
    ir_callv(s, h, TCGV_NONE, d, a, b, ir_const32(s, VEC_DESC(0, oprsz, maxsz) | (data << 24)));
}
