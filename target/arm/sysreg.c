/*
 * sysreg.c — the system register registry (sysreg.h) and the translation
 * of an access to a row: access rights per EL, EL0 trap controls, the
 * row's kind, ending the block after writes that need it.
 *
 * Follows DDI 0487 C5.3 (system instruction class encoding space), D17.1
 * (access to unallocated encodings is UNDEFINED; reserved encodings in
 * the ID register space, op0=3 op1=0 CRn=0 CRm=1..7, are RAZ at EL1 and
 * above).
 */
#include "target/arm/sysreg.h"

#include "core/log.h"
#include "target/arm/sys.h"

static const ARMSysReg **rows;
static size_t nb_rows;
static bool sorted;

static int row_cmp(const void *a, const void *b)
{
    uint32_t x = (*(const ARMSysReg *const *)a)->enc, y = (*(const ARMSysReg *const *)b)->enc;
    return x < y ? -1 : x > y;
}

void arm_sysreg_register(const ARMSysReg *tbl, size_t n, const char *file)
{
    rows = xrealloc(rows, (nb_rows + n) * sizeof(*rows));
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < nb_rows; j++) {
            if (rows[j]->enc == tbl[i].enc) {
                fprintf(stderr, "ferry: %s: system register %s has the encoding of %s\n", file,
                        tbl[i].name, rows[j]->name);
                abort();
            }
        }
        rows[nb_rows++] = &tbl[i];
    }
    sorted = false;
}

/* Reserved ID register space: RAZ at EL1 and above. */
static const ARMSysReg id_raz = {
    .name = "(reserved ID register)", .access = SR_EL1_R, .kind = SRK_CONST, .value = 0,
};

const ARMSysReg *arm_sysreg_find(uint32_t enc)
{
    if (!sorted) {
        qsort(rows, nb_rows, sizeof(*rows), row_cmp);
        sorted = true;
    }
    size_t lo = 0, hi = nb_rows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid]->enc == enc)
            return rows[mid];
        if (rows[mid]->enc < enc)
            lo = mid + 1;
        else
            hi = mid;
    }
    unsigned op0 = enc >> 14, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15, crm = (enc >> 3) & 15;
    if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7)
        return &id_raz;
    return NULL;
}

/* ---- run-time helpers for SRK_FN rows and checks -------------------------------------------- */

static uint64_t helper_sysreg_read(CPUARMState *env, const ARMSysReg *r)
{
    return r->read(env, r, TCG_GETPC());
}
static void helper_sysreg_write(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    r->write(env, r, v, TCG_GETPC());
}
static void helper_sysreg_check(CPUARMState *env, const ARMSysReg *r, uint32_t isread)
{
    r->check(env, r, isread != 0, TCG_GETPC());
}
static const TCGHelper h_sysreg_read = TCG_HELPER(helper_sysreg_read, TCG_I64, TCG_CALL_NO_WRITE_G);
static const TCGHelper h_sysreg_read_io = TCG_HELPER(helper_sysreg_read, TCG_I64, 0);
static const TCGHelper h_sysreg_write = TCG_HELPER(helper_sysreg_write, TCG_VOID, 0);
static const TCGHelper h_sysreg_check = TCG_HELPER(helper_sysreg_check, TCG_VOID,
                                                   TCG_CALL_NO_WRITE_G);

bool arm_gen_sysreg_access(DisasContext *dc, uint32_t enc, bool isread, unsigned rt)
{
    TCGContext *s = dc->s;
    unsigned op0 = enc >> 14, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15, crm = (enc >> 3) & 15,
             op2 = enc & 7;
    const ARMSysReg *r = arm_sysreg_find(enc);
    if (!r) {
        qlog(LOG_UNIMP, "a64: %08x at %#" PRIx64 ": %s of unknown system register "
             "S%u_%u_C%u_C%u_%u: Undefined\n", dc->insn, dc->pc, isread ? "read" : "write",
             op0, op1, crn, crm, op2);
        unallocated_encoding(dc);
        return true;
    }
    if (!(r->access & (isread ? SR_R(dc->el) : SR_W(dc->el)))) {
        qlog(LOG_UNIMP, "a64: %08x at %#" PRIx64 ": %s of %s not allowed at EL%u: Undefined\n",
             dc->insn, dc->pc, isread ? "read" : "write", r->name, dc->el);
        unallocated_encoding(dc);
        return true;
    }
    if (dc->el == 0 && r->el0_tbflag && !(dc->tbflags & r->el0_tbflag)) {
        gen_exception_insn(dc, EXCP_UDEF, syn_sysreg_trap(op0, op1, crn, crm, op2, rt, isread), 1);
        return true;
    }
    if (r->check)
        ir_callv(s, &h_sysreg_check, TCGV_NONE, s->env, ir_const64(s, (uintptr_t)r),
                 ir_const32(s, isread));
    switch ((ARMSysRegKind)r->kind) {
    case SRK_CONST:
        if (isread)
            write_x(dc, rt, ir_const64(s, r->value));
        break;
    case SRK_FIELD:
        if (isread)
            ir_ld(s, dest_x(dc, rt), s->env, r->offset);
        else
            ir_st(s, read_x(dc, rt), s->env, r->offset);
        break;
    case SRK_FIELD32:
        if (isread) {
            ir_ld32u(s, dest_x(dc, rt), s->env, r->offset);
        } else {
            ir_st32(s, read_x(dc, rt), s->env, r->offset);
        }
        break;
    case SRK_FN:
        if (isread) {
            TCGv t = new_tmp(dc);
            ir_callv(s, (r->flags & SRF_IO) ? &h_sysreg_read_io : &h_sysreg_read, t, s->env,
                     ir_const64(s, (uintptr_t)r));
            write_x(dc, rt, t);
        } else {
            ir_callv(s, &h_sysreg_write, TCGV_NONE, s->env, ir_const64(s, (uintptr_t)r),
                     read_x(dc, rt));
        }
        break;
    case SRK_NOP:
        break;
    case SRK_GEN:
        if (!r->gen(dc, r, isread, rt))
            return false;
        break;
    }
    if (!isread && (r->flags & SRF_END_TB) && dc->is_jmp == DISAS_NEXT)
        dc->is_jmp = DISAS_UPDATE_EXIT;
    return true;
}
