/*
 * translate-atomic.c — A64 exclusives (LDXR/LDAXR/STXR/STLXR, LDXP/LDAXP/
 * STXP/STLXP incl. 128-bit pairs), load-acquire/store-release (LDAR/
 * STLR, LDAPR), the LSE atomics (LDADD, LDCLR, LDEOR, LDSET, LDSMAX,
 * LDSMIN, LDUMAX, LDUMIN, SWP with their acquire/release forms, CAS,
 * CASP), and CLREX's monitor.
 *
 * Follows DDI 0487 C4.1.88 (Load/store exclusive, Atomic memory
 * operations, Compare and swap), C6.2 pseudocode of each, B2.9
 * (synchronization and semaphores: the exclusive monitors), B2.3.6
 * (ordering of acquire/release), and the alignment rule for atomic and
 * ordered accesses (an unaligned address is an Alignment fault).
 *
 * The monitor: LDXR records the address and the value loaded
 * (env->excl_addr/excl_val/excl_val2); STXR succeeds when the address
 * matches and memory still holds the recorded value, then clears the
 * monitor. All vCPUs run on one thread and switch only between blocks, so
 * the compare and the store are atomic with respect to other vCPUs; a
 * store by another vCPU that changes the value makes STXR fail. A store
 * that writes the same value back (ABA) is not seen — the architecture
 * allows a monitor to be cleared spuriously but not to miss a write, so
 * this is the one documented deviation, harmless for lock and counter
 * idioms. Exception entry/return should clear the monitor (system level).
 *
 * Ordering: all vCPUs share one host thread, so acquire/release need no
 * fences between vCPUs; the barriers emitted (tcg mb kinds) order against
 * device threads only and are free on x86 except store->load.
 */
#include "target/arm/translate.h"

static void gen_release(DisasContext *dc)
{
    ir_mb(dc->s, TCG_MO_LD_ST | TCG_MO_ST_ST);
}

static void gen_acquire(DisasContext *dc)
{
    ir_mb(dc->s, TCG_MO_LD_LD | TCG_MO_LD_ST);
}

static MemOp align_of(unsigned bytes)
{
    switch (bytes) {
    case 1: return MO_UNALN;
    case 2: return MO_ALIGN_2;
    case 4: return MO_ALIGN_4;
    case 8: return MO_ALIGN_8;
    default: return MO_ALIGN_16;
    }
}

static void st_env(DisasContext *dc, TCGv v, size_t off)
{
    ir_st(dc->s, v, dc->s->env, (int32_t)off);
}

static TCGv ld_env(DisasContext *dc, size_t off)
{
    TCGv t = new_tmp(dc);
    ir_ld(dc->s, t, dc->s->env, (int32_t)off);
    return t;
}

/* ---- exclusives ------------------------------------------------------------------------------ */

/* LDXR/LDAXR/STXR/STLXR (o2 = 0, o1 = 0) */
static bool trans_excl(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rs = extract32(insn, 16, 5);
    bool o0 = extract32(insn, 15, 1), load = extract32(insn, 22, 1);
    unsigned size = extract32(insn, 30, 2);
    MemOp mop = (MemOp)size | align_of(1u << size);
    TCGv addr = new_tmp_tb(dc);
    ir_mov(s, addr, read_xsp(dc, rn));
    if (load) {
        TCGv v = new_tmp(dc);
        gen_ld(dc, v, addr, mop);
        st_env(dc, addr, offsetof(CPUARMState, excl_addr));
        st_env(dc, v, offsetof(CPUARMState, excl_val));
        if (o0)
            gen_acquire(dc);
        write_x(dc, rt, v);
        return true;
    }
    if (o0)
        gen_release(dc);
    /* the load checks alignment and translation whatever the monitor says */
    TCGv cur = new_tmp_tb(dc), status = new_tmp_tb(dc), val = new_tmp_tb(dc);
    ir_mov(s, val, read_x(dc, rt));
    gen_ld(dc, cur, addr, mop);
    TCGLabel fail = ir_label(s), done = ir_label(s);
    ir_brcond(s, COND_NE, addr, ld_env(dc, offsetof(CPUARMState, excl_addr)), fail);
    ir_brcond(s, COND_NE, cur, ld_env(dc, offsetof(CPUARMState, excl_val)), fail);
    gen_st(dc, val, addr, (MemOp)size);
    ir_movi(s, status, 0);
    ir_br(s, done);
    ir_set_label(s, fail);
    ir_movi(s, status, 1);
    ir_set_label(s, done);
    st_env(dc, ir_const64(s, ARM_EXCL_NONE), offsetof(CPUARMState, excl_addr));
    write_x(dc, rs, status);
    return true;
}

/* LDXP/LDAXP/STXP/STLXP (o2 = 0, o1 = 1, size 1x) */
static bool trans_excl_pair(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rt2 = extract32(insn, 10, 5);
    unsigned rs = extract32(insn, 16, 5);
    bool o0 = extract32(insn, 15, 1), load = extract32(insn, 22, 1), wide = extract32(insn, 30, 1);
    TCGv addr = new_tmp_tb(dc);
    ir_mov(s, addr, read_xsp(dc, rn));
    if (load) {
        TCGv lo = new_tmp(dc), hi = new_tmp(dc);
        if (wide) {
            TCGv a8 = new_tmp(dc);
            gen_ld(dc, lo, addr, MO_64 | MO_ALIGN_16);
            ir_addi(s, a8, addr, 8);
            gen_ld(dc, hi, a8, MO_64);
            st_env(dc, hi, offsetof(CPUARMState, excl_val2));
        } else {
            gen_ld(dc, lo, addr, MO_64 | MO_ALIGN_8);
            ir_shri(s, hi, lo, 32);
        }
        st_env(dc, addr, offsetof(CPUARMState, excl_addr));
        st_env(dc, lo, offsetof(CPUARMState, excl_val));
        if (o0)
            gen_acquire(dc);
        if (wide) {
            write_x(dc, rt, lo);
            write_x(dc, rt2, hi);
        } else {
            write_reg(dc, rt, lo, false);
            write_x(dc, rt2, hi);
        }
        return true;
    }
    if (o0)
        gen_release(dc);
    TCGv status = new_tmp_tb(dc), cur = new_tmp_tb(dc), cur2 = new_tmp_tb(dc);
    TCGv v1 = new_tmp_tb(dc), v2 = new_tmp_tb(dc), a8 = new_tmp_tb(dc);
    TCGLabel fail = ir_label(s), done = ir_label(s);
    ir_addi(s, a8, addr, 8);
    if (wide) {
        ir_mov(s, v1, read_x(dc, rt));
        ir_mov(s, v2, read_x(dc, rt2));
        gen_ld(dc, cur, addr, MO_64 | MO_ALIGN_16);
        gen_ld(dc, cur2, a8, MO_64);
    } else {
        ir_deposit(s, v1, read_x(dc, rt), read_x(dc, rt2), 32, 32);
        gen_ld(dc, cur, addr, MO_64 | MO_ALIGN_8);
    }
    ir_brcond(s, COND_NE, addr, ld_env(dc, offsetof(CPUARMState, excl_addr)), fail);
    ir_brcond(s, COND_NE, cur, ld_env(dc, offsetof(CPUARMState, excl_val)), fail);
    if (wide)
        ir_brcond(s, COND_NE, cur2, ld_env(dc, offsetof(CPUARMState, excl_val2)), fail);
    gen_st(dc, v1, addr, MO_64);
    if (wide)
        gen_st(dc, v2, a8, MO_64);
    ir_movi(s, status, 0);
    ir_br(s, done);
    ir_set_label(s, fail);
    ir_movi(s, status, 1);
    ir_set_label(s, done);
    st_env(dc, ir_const64(s, ARM_EXCL_NONE), offsetof(CPUARMState, excl_addr));
    write_x(dc, rs, status);
    return true;
}

/* ---- load-acquire / store-release ---------------------------------------------------------------- */

/* LDAR/STLR (o2 = 1, o1 = 0, o0 = 1); o0 = 0 is LDLAR/STLLR (LORegions) */
static bool trans_ldar_stlr(DisasContext *dc, uint32_t insn)
{
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), size = extract32(insn, 30, 2);
    bool o0 = extract32(insn, 15, 1), load = extract32(insn, 22, 1);
    if (!o0)
        return false;   /* FEAT_LOR is not implemented */
    MemOp mop = (MemOp)size | align_of(1u << size);
    TCGv addr = read_xsp(dc, rn);
    if (load) {
        TCGv v = new_tmp(dc);
        gen_ld(dc, v, addr, mop);
        gen_acquire(dc);
        write_x(dc, rt, v);
    } else {
        gen_release(dc);
        gen_st(dc, read_x(dc, rt), addr, mop);
    }
    return true;
}

/* LDAPR (FEAT_LRCPC): RCpc acquire, at least as strong as LDAR's here */
static bool trans_ldapr(DisasContext *dc, uint32_t insn)
{
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), size = extract32(insn, 30, 2);
    TCGv v = new_tmp(dc);
    gen_ld(dc, v, read_xsp(dc, rn), (MemOp)size | align_of(1u << size));
    gen_acquire(dc);
    write_x(dc, rt, v);
    return true;
}

/* ---- LSE: atomic memory operations ---------------------------------------------------------------- */

static bool trans_atomic(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rs = extract32(insn, 16, 5);
    unsigned opc = extract32(insn, 12, 3), size = extract32(insn, 30, 2);
    bool o3 = extract32(insn, 15, 1), r = extract32(insn, 22, 1), a = extract32(insn, 23, 1);
    if (o3 && opc != 0)
        return false;   /* only SWP (LDAPR has its own line) */
    unsigned bits = 8u << size;
    MemOp mop = (MemOp)size | align_of(1u << size);
    TCGv addr = read_xsp(dc, rn);
    TCGv src = read_x(dc, rs);
    TCGv old = new_tmp(dc), nv = new_tmp(dc);
    if (r)
        gen_release(dc);
    gen_ld(dc, old, addr, mop);
    if (o3) {
        ir_mov(s, nv, src);
    } else {
        switch (opc) {
        case 0: ir_add(s, nv, old, src); break;    /* LDADD */
        case 1: ir_andc(s, nv, old, src); break;   /* LDCLR */
        case 2: ir_xor(s, nv, old, src); break;    /* LDEOR */
        case 3: ir_or(s, nv, old, src); break;     /* LDSET */
        default: {                                 /* LDSMAX LDSMIN LDUMAX LDUMIN */
            TCGv x = new_tmp(dc), y = new_tmp(dc);
            bool is_signed = opc < 6, is_max = !(opc & 1);
            if (bits == 64) {
                ir_mov(s, x, old);
                ir_mov(s, y, src);
            } else if (is_signed) {
                ir_sextract(s, x, old, 0, bits);
                ir_sextract(s, y, src, 0, bits);
            } else {
                ir_mov(s, x, old);
                ir_extract(s, y, src, 0, bits);
            }
            TCGCond c = is_signed ? (is_max ? COND_GT : COND_LT) : (is_max ? COND_GTU : COND_LTU);
            ir_movcond(s, c, nv, x, y, old, src);
            break;
        }
        }
    }
    gen_st(dc, nv, addr, (MemOp)size);
    if (a && rt != 31)
        gen_acquire(dc);
    write_x(dc, rt, old);
    return true;
}

/* CAS, CASA, CASL, CASAL (B, H, W, X) */
static bool trans_cas(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rs = extract32(insn, 16, 5);
    unsigned size = extract32(insn, 30, 2);
    bool release = extract32(insn, 15, 1), acquire = extract32(insn, 22, 1);
    unsigned bits = 8u << size;
    TCGv addr = read_xsp(dc, rn);
    TCGv cmp = new_tmp(dc), old = new_tmp(dc), nv = new_tmp(dc);
    if (bits == 64)
        ir_mov(s, cmp, read_x(dc, rs));
    else
        ir_extract(s, cmp, read_x(dc, rs), 0, bits);
    if (release)
        gen_release(dc);
    gen_ld(dc, old, addr, (MemOp)size | align_of(1u << size));
    ir_movcond(s, COND_EQ, nv, old, cmp, read_x(dc, rt), old);
    /* the write happens either way (a failed compare writes the old value
     * back: the same permission checks as a store, no visible change) */
    gen_st(dc, nv, addr, (MemOp)size);
    if (acquire)
        gen_acquire(dc);
    write_x(dc, rs, old);
    return true;
}

/* CASP, CASPA, CASPL, CASPAL (W and X pairs) */
static bool trans_casp(DisasContext *dc, uint32_t insn)
{
    TCGContext *s = dc->s;
    unsigned rt = extract32(insn, 0, 5), rn = extract32(insn, 5, 5), rs = extract32(insn, 16, 5);
    bool release = extract32(insn, 15, 1), acquire = extract32(insn, 22, 1);
    bool wide = extract32(insn, 30, 1);
    if ((rs & 1) || (rt & 1))
        return false;
    TCGv addr = read_xsp(dc, rn);
    if (release)
        gen_release(dc);
    if (!wide) {
        TCGv cmp = new_tmp(dc), val = new_tmp(dc), old = new_tmp(dc), nv = new_tmp(dc);
        TCGv hi = new_tmp(dc);
        ir_deposit(s, cmp, read_x(dc, rs), read_x(dc, rs + 1), 32, 32);
        ir_deposit(s, val, read_x(dc, rt), read_x(dc, rt + 1), 32, 32);
        gen_ld(dc, old, addr, MO_64 | MO_ALIGN_8);
        ir_movcond(s, COND_EQ, nv, old, cmp, val, old);
        gen_st(dc, nv, addr, MO_64);
        if (acquire)
            gen_acquire(dc);
        ir_shri(s, hi, old, 32);
        write_reg(dc, rs, old, false);
        write_x(dc, rs + 1, hi);
        return true;
    }
    TCGv lo = new_tmp(dc), hi = new_tmp(dc), a8 = new_tmp(dc), eq = new_tmp(dc), t = new_tmp(dc);
    TCGv nlo = new_tmp(dc), nhi = new_tmp(dc);
    gen_ld(dc, lo, addr, MO_64 | MO_ALIGN_16);
    ir_addi(s, a8, addr, 8);
    gen_ld(dc, hi, a8, MO_64);
    ir_setcond(s, COND_EQ, eq, lo, read_x(dc, rs));
    ir_setcond(s, COND_EQ, t, hi, read_x(dc, rs + 1));
    ir_and(s, eq, eq, t);
    ir_movcond(s, COND_NE, nlo, eq, ir_const64(s, 0), read_x(dc, rt), lo);
    ir_movcond(s, COND_NE, nhi, eq, ir_const64(s, 0), read_x(dc, rt + 1), hi);
    gen_st(dc, nlo, addr, MO_64);
    gen_st(dc, nhi, a8, MO_64);
    if (acquire)
        gen_acquire(dc);
    write_x(dc, rs, lo);
    write_x(dc, rs + 1, hi);
    return true;
}

static const A64DecodeEntry atomic_table[] = {
    A64_INSN("xx 001000 0 x 0 xxxxx x xxxxx xxxxx xxxxx", "LDXR/LDAXR/STXR/STLXR", trans_excl),
    A64_INSN("1x 001000 0 x 1 xxxxx x xxxxx xxxxx xxxxx", "LDXP/LDAXP/STXP/STLXP", trans_excl_pair),
    A64_INSN("xx 001000 1 x 0 xxxxx x xxxxx xxxxx xxxxx", "LDAR/STLR/LDLAR/STLLR", trans_ldar_stlr),
    A64_INSN_F("xx 001000 1 x 1 xxxxx x 11111 xxxxx xxxxx", "CAS/CASA/CASL/CASAL", trans_cas,
               ARM_FEAT_LSE),
    A64_INSN_F("0x 001000 0 x 1 xxxxx x 11111 xxxxx xxxxx", "CASP/CASPA/CASPL/CASPAL", trans_casp,
               ARM_FEAT_LSE),
    A64_INSN_F("xx 111 0 00 x x 1 xxxxx x xxx 00 xxxxx xxxxx",
               "LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN/SWP", trans_atomic, ARM_FEAT_LSE),
    A64_INSN_F("xx 111 0 00 1 0 1 11111 1 100 00 xxxxx xxxxx", "LDAPR", trans_ldapr, ARM_FEAT_LRCPC),
};
A64_DECODE_TABLE(atomic_table)

ARM_FEATURE_BUILT(ARM_FEAT_LSE)
ARM_FEATURE_BUILT(ARM_FEAT_LRCPC)
