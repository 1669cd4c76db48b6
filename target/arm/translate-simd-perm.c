/*
 * translate-simd-perm.c — AdvSIMD data movement: copy (DUP element and
 * general, INS element and general, UMOV, SMOV, scalar DUP), permute
 * (UZP1/2, TRN1/2, ZIP1/2), EXT, table lookup (TBL/TBX, one to four
 * registers) and modified immediate (MOVI, MVNI, ORR, BIC, FMOV vector
 * immediate, all cmodes). Copies, EXT and the immediates are inline IR
 * (lane loads/stores, vector dup/or/andc); permutes and table lookups are
 * helpers (helper-simd-perm.c).
 *
 * Follows DDI 0487 C4.1.95 ("Advanced SIMD copy", "scalar copy",
 * "permute", "extract", "table lookup", "modified immediate") and the
 * C7.2 pages, with AdvSIMDExpandImm() and VFPExpandImm() of J1.
 */
#include "target/arm/fp-helpers.h"
#include "target/arm/simd-helpers.h"
#include "target/arm/translate-simd.h"

#define SCRATCH_OFS ((uint32_t)offsetof(CPUARMState, scratch))

/* ---- copy ------------------------------------------------------------------------------------ */

/* imm5 gives the element size (its lowest set bit) and index; -1 if x0000 */
static int imm5_size(uint32_t insn)
{
    unsigned imm5 = (insn >> 16) & 31;
    return imm5 & 15 ? __builtin_ctz(imm5) : -1;
}
static unsigned imm5_index(uint32_t insn, unsigned size)
{
    return ((insn >> 16) & 31) >> (size + 1);
}

static bool trans_dup_elem(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    bool q = f_q(insn);
    if (size < 0 || (size == 3 && !q))
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGv t = read_vlane(dc, f_rn(insn), imm5_index(insn, (unsigned)size), (unsigned)size, false);
    ir_vec_dup(dc->s, (unsigned)size, vreg_ofs(f_rd(insn)), q ? 16 : 8, 16, t);
    return true;
}

static bool trans_dup_gen(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    bool q = f_q(insn);
    if (size < 0 || (size == 3 && !q))
        return false;
    if (!fp_access_check(dc))
        return true;
    ir_vec_dup(dc->s, (unsigned)size, vreg_ofs(f_rd(insn)), q ? 16 : 8, 16, read_x(dc, f_rn(insn)));
    return true;
}

/* SMOV: Q = 0 to Wd (B, H), Q = 1 to Xd (B, H, S) */
static bool trans_smov(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    bool q = f_q(insn);
    if (size < 0 || size > (q ? 2 : 1))
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGv t = read_vlane(dc, f_rn(insn), imm5_index(insn, (unsigned)size), (unsigned)size, true);
    write_reg(dc, f_rd(insn), t, q);
    return true;
}

/* UMOV: Q = 0 to Wd (B, H, S), Q = 1 to Xd (D) */
static bool trans_umov(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    bool q = f_q(insn);
    if (size < 0 || (q ? size != 3 : size == 3))
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGv t = read_vlane(dc, f_rn(insn), imm5_index(insn, (unsigned)size), (unsigned)size, false);
    write_reg(dc, f_rd(insn), t, q);
    return true;
}

static bool trans_ins_gen(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    if (size < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    write_vlane(dc, f_rd(insn), imm5_index(insn, (unsigned)size), (unsigned)size,
                read_x(dc, f_rn(insn)));
    return true;
}

static bool trans_ins_elem(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    if (size < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    unsigned src = ((insn >> 11) & 15) >> size;
    TCGv t = read_vlane(dc, f_rn(insn), src, (unsigned)size, false);
    write_vlane(dc, f_rd(insn), imm5_index(insn, (unsigned)size), (unsigned)size, t);
    return true;
}

/* DUP (element, scalar) = MOV (scalar) */
static bool trans_dup_scalar(DisasContext *dc, uint32_t insn)
{
    int size = imm5_size(insn);
    if (size < 0)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGv t = read_vlane(dc, f_rn(insn), imm5_index(insn, (unsigned)size), (unsigned)size, false);
    write_vscalar(dc, f_rd(insn), (unsigned)size, t);
    return true;
}

/* ---- permute, extract, table lookup ----------------------------------------------------------- */

static bool trans_perm(DisasContext *dc, uint32_t insn)
{
    unsigned size = f_size(insn), op = (insn >> 12) & 7;
    bool q = f_q(insn);
    if (size == 3 && !q)
        return false;
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, &h_simd_perm, f_rd(insn), f_rn(insn), f_rm(insn), size, simd_kind(q), op);
    return true;
}

/* EXT: the 16 (or 8) bytes at byte imm4 of m:n */
static bool trans_ext(DisasContext *dc, uint32_t insn)
{
    unsigned pos = (insn >> 11) & 15;
    bool q = f_q(insn);
    if (!q && pos >= 8)
        return false;
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned d = f_rd(insn), n = f_rn(insn), m = f_rm(insn);
    if (!q) {
        TCGv lo = read_vlane(dc, n, 0, 3, false), hi = read_vlane(dc, m, 0, 3, false);
        TCGv r = new_tmp(dc);
        ir_extract2(s, r, lo, hi, pos * 8);
        write_vscalar(dc, d, 3, r);
        return true;
    }
    TCGv w[4] = { read_vlane(dc, n, 0, 3, false), read_vlane(dc, n, 1, 3, false),
                  read_vlane(dc, m, 0, 3, false), read_vlane(dc, m, 1, 3, false) };
    unsigned k = pos / 8, sh = (pos % 8) * 8;
    TCGv r0 = new_tmp(dc), r1 = new_tmp(dc);
    ir_extract2(s, r0, w[k], w[k + 1], sh);       /* k <= 1: w[k + 2] exists */
    ir_extract2(s, r1, w[k + 1], w[k + 2], sh);
    write_vlane(dc, d, 0, 3, r0);
    write_vlane(dc, d, 1, 3, r1);
    return true;
}

static bool trans_tbl(DisasContext *dc, uint32_t insn)
{
    unsigned len = (insn >> 13) & 3, tbx = (insn >> 12) & 1;
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, &h_simd_tbl, f_rd(insn), f_rn(insn), f_rm(insn), 0, simd_kind(f_q(insn)),
                    len | tbx << 2);
    return true;
}

/* ---- modified immediate ----------------------------------------------------------------------- */

/* AdvSIMDExpandImm(op, cmode, imm8) */
static uint64_t expand_imm(unsigned op, unsigned cmode, unsigned imm8)
{
    uint64_t imm = imm8, r;
    switch (cmode >> 1) {
    case 0: r = imm; goto rep32;
    case 1: r = imm << 8; goto rep32;
    case 2: r = imm << 16; goto rep32;
    case 3: r = imm << 24; goto rep32;
    case 4: r = imm; goto rep16;
    case 5: r = imm << 8; goto rep16;
    case 6:
        r = (cmode & 1) ? (imm << 16) | 0xffff : (imm << 8) | 0xff;
        goto rep32;
    default:
        if (!(cmode & 1) && !op)
            return imm * 0x0101010101010101ull;
        if (!(cmode & 1)) {
            r = 0;
            for (unsigned i = 0; i < 8; i++)
                if ((imm >> i) & 1)
                    r |= 0xffull << (8 * i);
            return r;
        }
        if (!op) {
            /* imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,5):imm8<5:0>:Zeros(19) */
            uint64_t b6 = (imm >> 6) & 1;
            r = (imm >> 7) << 31 | (b6 ^ 1) << 30 | (b6 ? 0x1full << 25 : 0) | (imm & 0x3f) << 19;
            goto rep32;
        }
        {
            /* imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,8):imm8<5:0>:Zeros(48) */
            uint64_t b6 = (imm >> 6) & 1;
            return (imm >> 7) << 63 | (b6 ^ 1) << 62 | (b6 ? 0xffull << 54 : 0) | (imm & 0x3f) << 48;
        }
    }
rep16:
    r |= r << 16;
rep32:
    return r | r << 32;
}

static bool trans_modimm(DisasContext *dc, uint32_t insn)
{
    bool q = f_q(insn), op = f_u(insn), o2 = (insn >> 11) & 1;
    unsigned cmode = (insn >> 12) & 15;
    unsigned imm8 = ((insn >> 16) & 7) << 5 | ((insn >> 5) & 31);
    uint64_t imm;
    if (o2) {
        /* FMOV (vector, immediate), half precision */
        if (op || cmode != 15 || !dc_has(dc, ARM_FEAT_FP16))
            return false;
        imm = vfp_expand_imm(imm8, 1) * 0x0001000100010001ull;
    } else {
        if (op && cmode == 15 && !q)
            return false;
        imm = expand_imm(op, cmode, imm8);
    }
    if (!fp_access_check(dc))
        return true;
    TCGContext *s = dc->s;
    unsigned d = f_rd(insn), sz = q ? 16 : 8;
    /* ORR (cmode 0xx1, 10x1, op 0) / BIC (the same cmodes, op 1) */
    bool logic = !o2 && (cmode < 12) && (cmode & 1);
    if (logic) {
        ir_vec_dupi(s, 3, SCRATCH_OFS, sz, sz, imm);
        if (op)
            ir_vec_andc(s, vreg_ofs(d), vreg_ofs(d), SCRATCH_OFS, sz, 16);
        else
            ir_vec_or(s, vreg_ofs(d), vreg_ofs(d), SCRATCH_OFS, sz, 16);
        return true;
    }
    /* MVNI: cmode 0xx0, 10x0, 110x with op 1 */
    if (op && cmode < 14)
        imm = ~imm;
    ir_vec_dupi(s, 3, vreg_ofs(d), sz, 16, imm);
    return true;
}

#define AS ARM_FEAT_ASIMD
static const A64DecodeEntry simd_perm_table[] = {
    /* copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd */
    A64_INSN_F("0x0 01110000 xxxxx 0 0000 1 xxxxx xxxxx", "DUP (element)", trans_dup_elem, AS),
    A64_INSN_F("0x0 01110000 xxxxx 0 0001 1 xxxxx xxxxx", "DUP (general)", trans_dup_gen, AS),
    A64_INSN_F("0x0 01110000 xxxxx 0 0101 1 xxxxx xxxxx", "SMOV", trans_smov, AS),
    A64_INSN_F("0x0 01110000 xxxxx 0 0111 1 xxxxx xxxxx", "UMOV", trans_umov, AS),
    A64_INSN_F("010 01110000 xxxxx 0 0011 1 xxxxx xxxxx", "INS (general)", trans_ins_gen, AS),
    A64_INSN_F("011 01110000 xxxxx 0 xxxx 1 xxxxx xxxxx", "INS (element)", trans_ins_elem, AS),
    A64_INSN_F("010 11110000 xxxxx 0 0000 1 xxxxx xxxxx", "DUP (element, scalar)",
               trans_dup_scalar, AS),
    /* permute: 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd */
    A64_INSN_F("0x 001110 xx 0 xxxxx 0 001 10 xxxxx xxxxx", "UZP1", trans_perm, AS),
    A64_INSN_F("0x 001110 xx 0 xxxxx 0 010 10 xxxxx xxxxx", "TRN1", trans_perm, AS),
    A64_INSN_F("0x 001110 xx 0 xxxxx 0 011 10 xxxxx xxxxx", "ZIP1", trans_perm, AS),
    A64_INSN_F("0x 001110 xx 0 xxxxx 0 101 10 xxxxx xxxxx", "UZP2", trans_perm, AS),
    A64_INSN_F("0x 001110 xx 0 xxxxx 0 110 10 xxxxx xxxxx", "TRN2", trans_perm, AS),
    A64_INSN_F("0x 001110 xx 0 xxxxx 0 111 10 xxxxx xxxxx", "ZIP2", trans_perm, AS),
    /* extract: 0 Q 101110 op2 0 Rm 0 imm4 0 Rn Rd */
    A64_INSN_F("0x 101110 00 0 xxxxx 0 xxxx 0 xxxxx xxxxx", "EXT", trans_ext, AS),
    /* table lookup: 0 Q 001110 op2 0 Rm 0 len op 00 Rn Rd */
    A64_INSN_F("0x 001110 00 0 xxxxx 0 xx 0 00 xxxxx xxxxx", "TBL", trans_tbl, AS),
    A64_INSN_F("0x 001110 00 0 xxxxx 0 xx 1 00 xxxxx xxxxx", "TBX", trans_tbl, AS),
    /* modified immediate: 0 Q op 0111100000 abc cmode o2 1 defgh Rd */
    A64_INSN_F("0x0 0111100000 xxx 0xx0 0 1 xxxxx xxxxx", "MOVI (32-bit shifted)", trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 0xx1 0 1 xxxxx xxxxx", "ORR (vector, immediate, 32-bit)",
               trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 10x0 0 1 xxxxx xxxxx", "MOVI (16-bit shifted)", trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 10x1 0 1 xxxxx xxxxx", "ORR (vector, immediate, 16-bit)",
               trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 110x 0 1 xxxxx xxxxx", "MOVI (32-bit shifting ones)",
               trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 1110 0 1 xxxxx xxxxx", "MOVI (8-bit)", trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 1111 0 1 xxxxx xxxxx", "FMOV (vector, immediate, single)",
               trans_modimm, AS),
    A64_INSN_F("0x0 0111100000 xxx 1111 1 1 xxxxx xxxxx", "FMOV (vector, immediate, half)",
               trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 0xx0 0 1 xxxxx xxxxx", "MVNI (32-bit shifted)", trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 0xx1 0 1 xxxxx xxxxx", "BIC (vector, immediate, 32-bit)",
               trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 10x0 0 1 xxxxx xxxxx", "MVNI (16-bit shifted)", trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 10x1 0 1 xxxxx xxxxx", "BIC (vector, immediate, 16-bit)",
               trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 110x 0 1 xxxxx xxxxx", "MVNI (32-bit shifting ones)",
               trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 1110 0 1 xxxxx xxxxx", "MOVI (64-bit)", trans_modimm, AS),
    A64_INSN_F("0x1 0111100000 xxx 1111 0 1 xxxxx xxxxx", "FMOV (vector, immediate, double)",
               trans_modimm, AS),
};
A64_DECODE_TABLE(simd_perm_table)
