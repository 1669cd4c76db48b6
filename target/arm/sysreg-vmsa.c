/*
 * sysreg-vmsa.c — the memory system's registers and operations: SCTLR,
 * TCR, TTBR0/TTBR1, MAIR, AMAIR, CONTEXTIDR, PAR of each EL, the stage 2
 * controls VTCR_EL2/VTTBR_EL2, the TLB maintenance instructions (TLBI),
 * the address translation instructions (AT), and the cache maintenance
 * instructions EL1 adds to the EL0 ones (IC IALLU/IALLUIS, DC IVAC and
 * the set/way forms).
 *
 * Follows DDI 0487: D17.2 (SCTLR_ELx, TCR_ELx, TTBRn_ELx, MAIR_ELx,
 * VTCR_EL2, VTTBR_EL2, PAR_EL1), C5.5 (TLBI: by VA, VA last level, ASID,
 * all; the Inner Shareable forms reach every PE), C5.5.x AT, C5.3.x
 * IC/DC, D8.13 (TLB maintenance requirements).
 *
 * The softmmu TLB is not tagged with ASIDs or VMIDs, so: a write that
 * changes a translation register (TTBR with a new table or ASID, TCR,
 * SCTLR.M/WXN, VTTBR, VTCR) flushes that regime's MMU indexes; TLBI by
 * ASID or by IPA flushes the whole regime; TLBI by VA flushes that page
 * in every EL1&0 index regardless of ASID (over-invalidation is always
 * allowed). Cache maintenance is a no-op: guest memory is coherent, and
 * stores to pages holding translated code (by any vCPU or by DMA)
 * already invalidate that code in the translator, so IC IVAU/IALLU have
 * nothing left to do.
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"

/* ---- translation registers --------------------------------------------------------------- */

static uint32_t regime_mask(unsigned el)
{
    return el == 3 ? ARM_MMU_MASK_E3 : el == 2 ? ARM_MMU_MASK_E2 : ARM_MMU_MASK_E10;
}

static void flush_regime(CPUARMState *env, unsigned el)
{
    if (el <= 1)
        arm_tlb_flush_e10(env);
    else
        tlb_flush_by_mmuidx(env_cs(env), regime_mask(el));
}

/* row->value: the EL whose regime the register controls */
static void sctlr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    unsigned el = (unsigned)r->value;
    uint64_t old = env->sys.sctlr[el];
    env->sys.sctlr[el] = v;
    if ((old ^ v) & (SCTLR_M | SCTLR_WXN | SCTLR_EE))
        flush_regime(env, el);
    arm_sys_flags_changed(env);
}

static void vmsa_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    uint64_t *p = (uint64_t *)((char *)env + r->offset);
    if (*p == v)
        return;
    *p = v;
    flush_regime(env, (unsigned)r->value);
}

#define SCTLR_ROW(nm, o1, el) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, 1, 0, 0), .access = SR_RW(el) | ((el) < 3 ? SR_RW(3) : 0) | ((el) < 2 ? SR_RW(2) : 0), \
      .kind = SRK_FN, .read = arm_sr_read_field, .write = sctlr_write, .offset = ENV_OFS(sys.sctlr[el]), \
      .value = el, .flags = SRF_END_TB }
#define VMSA_ROW(nm, o1, crn, crm, o2, acc, fld, el) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, crn, crm, o2), .access = acc, .kind = SRK_FN, \
      .read = arm_sr_read_field, .write = vmsa_write, .offset = ENV_OFS(fld), .value = el, \
      .flags = SRF_END_TB }
#define FIELD_ROW(nm, o1, crn, crm, o2, acc, fld) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, o1, crn, crm, o2), .access = acc, .kind = SRK_FIELD, \
      .offset = ENV_OFS(fld) }

#define EL2_RW (SR_RW(2) | SR_RW(3))
#define EL3_RW SR_RW(3)

/* ---- TLBI ------------------------------------------------------------------------------------- */

/* The page address a TLBI by VA names: Xt[43:0] = VA[55:12], sign-extended
 * from bit 55 as the TTBR1 half needs. */
static uint64_t tlbi_va(uint64_t xt)
{
    return (uint64_t)((int64_t)(xt << 20) >> 8);
}

/* row->value: what to flush */
enum {
    TL_E10_ALL = 1,     /* every EL1&0 entry */
    TL_E10_VA,          /* one page of EL1&0 */
    TL_E2_ALL,
    TL_E2_VA,
    TL_E3_ALL,
    TL_E3_VA,
    TL_IS = 0x100,      /* Inner Shareable: every PE */
};

static void tlbi_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    unsigned op = (unsigned)r->value & 0xff;
    bool is = r->value & TL_IS;
    uint64_t va = tlbi_va(v);
    uint32_t mask;
    bool by_va;
    switch (op) {
    case TL_E10_ALL: mask = ARM_MMU_MASK_E10; by_va = false; break;
    case TL_E10_VA: mask = ARM_MMU_MASK_E10; by_va = true; break;
    case TL_E2_ALL: mask = ARM_MMU_MASK_E2; by_va = false; break;
    case TL_E2_VA: mask = ARM_MMU_MASK_E2; by_va = true; break;
    case TL_E3_ALL: mask = ARM_MMU_MASK_E3; by_va = false; break;
    default: mask = ARM_MMU_MASK_E3; by_va = true; break;
    }
    CPUState *self = env_cs(env);
    CPU_FOREACH(c) {
        if (!is && c != self)
            continue;
        CPUARMState *e = &arm_cpu(c)->env;
        if (by_va && !(mask == ARM_MMU_MASK_E10 && e->sys.tlb_tagged)) {
            tlb_flush_page_by_mmuidx(c, va, mask);
        } else {
            tlb_flush_by_mmuidx(c, mask);
            if (mask == ARM_MMU_MASK_E10)
                e->sys.tlb_tagged = 0;
        }
    }
}

#define TLBI(nm, o1, cm, o2, acc, what) \
    { .name = "TLBI " nm, .enc = ARM_SYSREG_ENC(1, o1, 8, cm, o2), .access = acc, .kind = SRK_FN, \
      .write = tlbi_write, .value = what }

/* ---- AT ---------------------------------------------------------------------------------------- */

/* row->value: el | s12 << 4 | write << 5 | pan << 6 */
static void at_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    unsigned el = (unsigned)r->value & 3;
    bool s12 = (r->value >> 4) & 1, wr = (r->value >> 5) & 1, pan = (r->value >> 6) & 1;
    if (pan)
        pan = (env->pstate & PSTATE_PAN) != 0;
    env->sys.par_el1 = arm_at(env, v, wr ? MMU_DATA_STORE : MMU_DATA_LOAD, el, s12, pan);
}

#define AT(nm, o1, cm, o2, acc, val) \
    { .name = "AT " nm, .enc = ARM_SYSREG_ENC(1, o1, 7, cm, o2), .access = acc, .kind = SRK_FN, \
      .write = at_write, .value = val }

static bool gen_at_pan(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    /* AT S1E1RP/WP need FEAT_PAN2 (ID_AA64MMFR1.PAN >= 2) */
    if (((dc->cpu->id.id_aa64mmfr1 >> 20) & 0xf) < 2)
        return false;
    (void)isread;
    TCGContext *s = dc->s;
    static const TCGHelper h = TCG_HELPER(at_write, TCG_VOID, TCG_CALL_NO_WRITE_G);
    ir_callv(s, &h, TCGV_NONE, s->env, ir_const64(s, (uintptr_t)r), read_x(dc, rt),
             ir_const64(s, 0));
    return true;
}

/* DC CVAP / CVADP exist with FEAT_DPB / DPB2 */
static bool gen_dc_dpb(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    (void)isread;
    if (!dc_has(dc, ARM_FEAT_DPB))
        return false;
    if (dc->el == 0 && !(dc->tbflags & TBF_UCI))
        gen_exception_insn(dc, EXCP_UDEF,
                           syn_sysreg_trap(1, 3, 7, (r->enc >> 3) & 15, 1, rt, false), 1);
    return true;
}

static const ARMSysReg vmsa_sysregs[] = {
    SCTLR_ROW("SCTLR_EL1", 0, 1),
    SCTLR_ROW("SCTLR_EL2", 4, 2),
    SCTLR_ROW("SCTLR_EL3", 6, 3),
    VMSA_ROW("TTBR0_EL1", 0, 2, 0, 0, SR_EL1_RW, sys.ttbr0[1], 1),
    VMSA_ROW("TTBR1_EL1", 0, 2, 0, 1, SR_EL1_RW, sys.ttbr1_el1, 1),
    VMSA_ROW("TCR_EL1", 0, 2, 0, 2, SR_EL1_RW, sys.tcr[1], 1),
    VMSA_ROW("TTBR0_EL2", 4, 2, 0, 0, EL2_RW, sys.ttbr0[2], 2),
    VMSA_ROW("TCR_EL2", 4, 2, 0, 2, EL2_RW, sys.tcr[2], 2),
    VMSA_ROW("VTTBR_EL2", 4, 2, 1, 0, EL2_RW, sys.vttbr_el2, 1),
    VMSA_ROW("VTCR_EL2", 4, 2, 1, 2, EL2_RW, sys.vtcr_el2, 1),
    VMSA_ROW("TTBR0_EL3", 6, 2, 0, 0, EL3_RW, sys.ttbr0[3], 3),
    VMSA_ROW("TCR_EL3", 6, 2, 0, 2, EL3_RW, sys.tcr[3], 3),
    /* attributes only feed AT's PAR: no flush */
    FIELD_ROW("MAIR_EL1", 0, 10, 2, 0, SR_EL1_RW, sys.mair[1]),
    FIELD_ROW("AMAIR_EL1", 0, 10, 3, 0, SR_EL1_RW, sys.amair[1]),
    FIELD_ROW("MAIR_EL2", 4, 10, 2, 0, EL2_RW, sys.mair[2]),
    FIELD_ROW("AMAIR_EL2", 4, 10, 3, 0, EL2_RW, sys.amair[2]),
    FIELD_ROW("MAIR_EL3", 6, 10, 2, 0, EL3_RW, sys.mair[3]),
    FIELD_ROW("AMAIR_EL3", 6, 10, 3, 0, EL3_RW, sys.amair[3]),
    FIELD_ROW("CONTEXTIDR_EL1", 0, 13, 0, 1, SR_EL1_RW, sys.contextidr_el1),
    FIELD_ROW("PAR_EL1", 0, 7, 4, 0, SR_EL1_RW, sys.par_el1),

    /* TLBI, EL1 */
    TLBI("VMALLE1IS", 0, 3, 0, SR_EL1_W, TL_E10_ALL | TL_IS),
    TLBI("VAE1IS", 0, 3, 1, SR_EL1_W, TL_E10_VA | TL_IS),
    TLBI("ASIDE1IS", 0, 3, 2, SR_EL1_W, TL_E10_ALL | TL_IS),
    TLBI("VAAE1IS", 0, 3, 3, SR_EL1_W, TL_E10_VA | TL_IS),
    TLBI("VALE1IS", 0, 3, 5, SR_EL1_W, TL_E10_VA | TL_IS),
    TLBI("VAALE1IS", 0, 3, 7, SR_EL1_W, TL_E10_VA | TL_IS),
    TLBI("VMALLE1", 0, 7, 0, SR_EL1_W, TL_E10_ALL),
    TLBI("VAE1", 0, 7, 1, SR_EL1_W, TL_E10_VA),
    TLBI("ASIDE1", 0, 7, 2, SR_EL1_W, TL_E10_ALL),
    TLBI("VAAE1", 0, 7, 3, SR_EL1_W, TL_E10_VA),
    TLBI("VALE1", 0, 7, 5, SR_EL1_W, TL_E10_VA),
    TLBI("VAALE1", 0, 7, 7, SR_EL1_W, TL_E10_VA),
    /* TLBI, EL2 */
    TLBI("IPAS2E1IS", 4, 0, 1, SR_W(2) | SR_W(3), TL_E10_ALL | TL_IS),
    TLBI("IPAS2LE1IS", 4, 0, 5, SR_W(2) | SR_W(3), TL_E10_ALL | TL_IS),
    TLBI("ALLE2IS", 4, 3, 0, SR_W(2) | SR_W(3), TL_E2_ALL | TL_IS),
    TLBI("VAE2IS", 4, 3, 1, SR_W(2) | SR_W(3), TL_E2_VA | TL_IS),
    TLBI("ALLE1IS", 4, 3, 4, SR_W(2) | SR_W(3), TL_E10_ALL | TL_IS),
    TLBI("VALE2IS", 4, 3, 5, SR_W(2) | SR_W(3), TL_E2_VA | TL_IS),
    TLBI("VMALLS12E1IS", 4, 3, 6, SR_W(2) | SR_W(3), TL_E10_ALL | TL_IS),
    TLBI("IPAS2E1", 4, 4, 1, SR_W(2) | SR_W(3), TL_E10_ALL),
    TLBI("IPAS2LE1", 4, 4, 5, SR_W(2) | SR_W(3), TL_E10_ALL),
    TLBI("ALLE2", 4, 7, 0, SR_W(2) | SR_W(3), TL_E2_ALL),
    TLBI("VAE2", 4, 7, 1, SR_W(2) | SR_W(3), TL_E2_VA),
    TLBI("ALLE1", 4, 7, 4, SR_W(2) | SR_W(3), TL_E10_ALL),
    TLBI("VALE2", 4, 7, 5, SR_W(2) | SR_W(3), TL_E2_VA),
    TLBI("VMALLS12E1", 4, 7, 6, SR_W(2) | SR_W(3), TL_E10_ALL),
    /* TLBI, EL3 */
    TLBI("ALLE3IS", 6, 3, 0, SR_W(3), TL_E3_ALL | TL_IS),
    TLBI("VAE3IS", 6, 3, 1, SR_W(3), TL_E3_VA | TL_IS),
    TLBI("VALE3IS", 6, 3, 5, SR_W(3), TL_E3_VA | TL_IS),
    TLBI("ALLE3", 6, 7, 0, SR_W(3), TL_E3_ALL),
    TLBI("VAE3", 6, 7, 1, SR_W(3), TL_E3_VA),
    TLBI("VALE3", 6, 7, 5, SR_W(3), TL_E3_VA),

    /* AT: value = EL | stage 1+2 << 4 | write << 5 | PAN << 6 */
    AT("S1E1R", 0, 8, 0, SR_EL1_W, 1),
    AT("S1E1W", 0, 8, 1, SR_EL1_W, 1 | 1 << 5),
    AT("S1E0R", 0, 8, 2, SR_EL1_W, 0),
    AT("S1E0W", 0, 8, 3, SR_EL1_W, 0 | 1 << 5),
    { .name = "AT S1E1RP", .enc = ARM_SYSREG_ENC(1, 0, 7, 9, 0), .access = SR_EL1_W,
      .kind = SRK_GEN, .gen = gen_at_pan, .value = 1 | 1 << 6 },
    { .name = "AT S1E1WP", .enc = ARM_SYSREG_ENC(1, 0, 7, 9, 1), .access = SR_EL1_W,
      .kind = SRK_GEN, .gen = gen_at_pan, .value = 1 | 1 << 5 | 1 << 6 },
    AT("S1E2R", 4, 8, 0, SR_W(2) | SR_W(3), 2),
    AT("S1E2W", 4, 8, 1, SR_W(2) | SR_W(3), 2 | 1 << 5),
    AT("S12E1R", 4, 8, 4, SR_W(2) | SR_W(3), 1 | 1 << 4),
    AT("S12E1W", 4, 8, 5, SR_W(2) | SR_W(3), 1 | 1 << 4 | 1 << 5),
    AT("S12E0R", 4, 8, 6, SR_W(2) | SR_W(3), 0 | 1 << 4),
    AT("S12E0W", 4, 8, 7, SR_W(2) | SR_W(3), 0 | 1 << 4 | 1 << 5),
    AT("S1E3R", 6, 8, 0, SR_W(3), 3),
    AT("S1E3W", 6, 8, 1, SR_W(3), 3 | 1 << 5),

    /* cache maintenance EL1 adds (no-ops, see the top of the file) */
    { .name = "IC IALLUIS", .enc = ARM_SYSREG_ENC(1, 0, 7, 1, 0), .access = SR_EL1_W,
      .kind = SRK_NOP },
    { .name = "IC IALLU", .enc = ARM_SYSREG_ENC(1, 0, 7, 5, 0), .access = SR_EL1_W,
      .kind = SRK_NOP },
    { .name = "DC IVAC", .enc = ARM_SYSREG_ENC(1, 0, 7, 6, 1), .access = SR_EL1_W,
      .kind = SRK_NOP },
    { .name = "DC ISW", .enc = ARM_SYSREG_ENC(1, 0, 7, 6, 2), .access = SR_EL1_W,
      .kind = SRK_NOP },
    { .name = "DC CSW", .enc = ARM_SYSREG_ENC(1, 0, 7, 10, 2), .access = SR_EL1_W,
      .kind = SRK_NOP },
    { .name = "DC CISW", .enc = ARM_SYSREG_ENC(1, 0, 7, 14, 2), .access = SR_EL1_W,
      .kind = SRK_NOP },
    { .name = "DC CVAP", .enc = ARM_SYSREG_ENC(1, 3, 7, 12, 1), .access = SR_EL0_W,
      .kind = SRK_GEN, .gen = gen_dc_dpb },
};
ARM_SYSREGS(vmsa_sysregs)
