/*
 * sysreg-debug.c — the self-hosted debug registers an OS touches while it
 * boots and when it sets up breakpoints or single-step: MDSCR_EL1, the OS
 * lock (OSLAR_EL1/OSLSR_EL1), OSDLR_EL1, DBGPRCR_EL1, the claim tags,
 * DBGAUTHSTATUS_EL1, MDRAR_EL1, the debug communications channel
 * registers (RAZ/WI: no external debugger), DBGVCR32_EL2, and the
 * breakpoint/watchpoint value and control registers DBGBVR/DBGBCR<n>,
 * DBGWVR/DBGWCR<n> for the counts ID_AA64DFR0_EL1 advertises (the others
 * are Undefined).
 *
 * Follows DDI 0487 D2 (AArch64 self-hosted debug), D17.3 (the debug
 * registers: OSLSR_EL1.OSLM = 0b10 with the OS lock set at reset; OSLAR
 * writes OSLK; claim tags 0..7).
 *
 * The registers are stored and read back; breakpoint, watchpoint and
 * software-step debug exceptions are not generated yet (gdbstub work):
 * enabling one is logged under -d unimp.
 */
#include "target/arm/sys-internal.h"

#include "target/arm/sysreg.h"

#define DBG_ROW(nm, o1, crn, crm, o2, acc, fld) \
    { .name = nm, .enc = ARM_SYSREG_ENC(2, o1, crn, crm, o2), .access = acc, .kind = SRK_FIELD, \
      .offset = ENV_OFS(fld) }
#define DBG_RAZWI(nm, o1, crn, crm, o2, acc) \
    { .name = nm, .enc = ARM_SYSREG_ENC(2, o1, crn, crm, o2), .access = acc, .kind = SRK_CONST, \
      .value = 0 }

static void oslar_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.oslsr_el1 = (env->sys.oslsr_el1 & ~2ull) | ((v & 1) << 1);
}

static void mdscr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    if ((v & 1) && !(env->sys.mdscr_el1 & 1))
        qlog(LOG_UNIMP, "cpu %d: MDSCR_EL1.SS: software step is not implemented\n",
             env_cs(env)->index);
    env->sys.mdscr_el1 = v;
}

static uint64_t claimset_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)env;
    (void)r;
    (void)ra;
    return 0xff;   /* eight claim tags implemented */
}
static void claimset_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.dbgclaim |= v & 0xff;
}
static void claimclr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    env->sys.dbgclaim &= ~(v & 0xff);
}

/* DBG{B,W}{V,C}R<n>: value = n | kind << 8 (0 BVR, 1 BCR, 2 WVR, 3 WCR) */
static uint64_t *bp_reg(CPUARMState *env, unsigned kind, unsigned n)
{
    switch (kind) {
    case 0: return &env->sys.dbgbvr[n];
    case 1: return &env->sys.dbgbcr[n];
    case 2: return &env->sys.dbgwvr[n];
    default: return &env->sys.dbgwcr[n];
    }
}

static uint64_t bp_read(CPUARMState *env, const ARMSysReg *r, uintptr_t ra)
{
    (void)ra;
    return *bp_reg(env, (unsigned)(r->value >> 8) & 3, (unsigned)r->value & 15);
}

static void bp_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)ra;
    unsigned kind = (unsigned)(r->value >> 8) & 3, n = (unsigned)r->value & 15;
    if ((kind & 1) && (v & 1))
        qlog(LOG_UNIMP, "cpu %d: %s enabled: hardware %s are not implemented yet\n",
             env_cs(env)->index, r->name, kind == 1 ? "breakpoints" : "watchpoints");
    *bp_reg(env, kind, n) = v;
}

static const TCGHelper h_bp_read = TCG_HELPER(bp_read, TCG_I64, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_READ_G);
static const TCGHelper h_bp_write = TCG_HELPER(bp_write, TCG_VOID, TCG_CALL_NO_WRITE_G | TCG_CALL_NO_READ_G);

/* Only as many as ID_AA64DFR0_EL1.BRPs / WRPs say. */
static bool gen_bp(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    unsigned kind = (unsigned)(r->value >> 8) & 3, n = (unsigned)r->value & 15;
    uint64_t dfr0 = dc->cpu->id.id_aa64dfr0;
    unsigned count = kind < 2 ? ((dfr0 >> 12) & 0xf) + 1 : ((dfr0 >> 20) & 0xf) + 1;
    if (n >= count)
        return false;
    TCGContext *s = dc->s;
    if (isread) {
        TCGv t = new_tmp(dc);
        ir_callv(s, &h_bp_read, t, s->env, ir_const64(s, (uintptr_t)r), ir_const64(s, 0));
        write_x(dc, rt, t);
    } else {
        ir_callv(s, &h_bp_write, TCGV_NONE, s->env, ir_const64(s, (uintptr_t)r), read_x(dc, rt),
                 ir_const64(s, 0));
    }
    return true;
}

#define BP(n) \
    { .name = "DBGBVR" #n "_EL1", .enc = ARM_SYSREG_ENC(2, 0, 0, n, 4), .access = SR_EL1_RW, \
      .kind = SRK_GEN, .gen = gen_bp, .value = (n) }, \
    { .name = "DBGBCR" #n "_EL1", .enc = ARM_SYSREG_ENC(2, 0, 0, n, 5), .access = SR_EL1_RW, \
      .kind = SRK_GEN, .gen = gen_bp, .value = (n) | 1 << 8 }, \
    { .name = "DBGWVR" #n "_EL1", .enc = ARM_SYSREG_ENC(2, 0, 0, n, 6), .access = SR_EL1_RW, \
      .kind = SRK_GEN, .gen = gen_bp, .value = (n) | 2 << 8 }, \
    { .name = "DBGWCR" #n "_EL1", .enc = ARM_SYSREG_ENC(2, 0, 0, n, 7), .access = SR_EL1_RW, \
      .kind = SRK_GEN, .gen = gen_bp, .value = (n) | 3 << 8 }

static const ARMSysReg debug_sysregs[] = {
    DBG_RAZWI("OSDTRRX_EL1", 0, 0, 0, 2, SR_EL1_RW),
    DBG_ROW("MDCCINT_EL1", 0, 0, 2, 0, SR_EL1_RW, sys.mdccint_el1),
    { .name = "MDSCR_EL1", .enc = ARM_SYSREG_ENC(2, 0, 0, 2, 2), .access = SR_EL1_RW,
      .kind = SRK_FN, .read = arm_sr_read_field, .write = mdscr_write,
      .offset = ENV_OFS(sys.mdscr_el1) },
    DBG_RAZWI("OSDTRTX_EL1", 0, 0, 3, 2, SR_EL1_RW),
    DBG_ROW("OSECCR_EL1", 0, 0, 6, 2, SR_EL1_RW, sys.oseccr_el1),
    { .name = "MDRAR_EL1", .enc = ARM_SYSREG_ENC(2, 0, 1, 0, 0), .access = SR_EL1_R,
      .kind = SRK_CONST, .value = 0 },
    { .name = "OSLAR_EL1", .enc = ARM_SYSREG_ENC(2, 0, 1, 0, 4), .access = SR_EL1_W,
      .kind = SRK_FN, .write = oslar_write },
    DBG_ROW("OSLSR_EL1", 0, 1, 1, 4, SR_EL1_R, sys.oslsr_el1),
    DBG_ROW("OSDLR_EL1", 0, 1, 3, 4, SR_EL1_RW, sys.osdlr_el1),
    DBG_RAZWI("DBGPRCR_EL1", 0, 1, 4, 4, SR_EL1_RW),
    { .name = "DBGCLAIMSET_EL1", .enc = ARM_SYSREG_ENC(2, 0, 7, 8, 6), .access = SR_EL1_RW,
      .kind = SRK_FN, .read = claimset_read, .write = claimset_write },
    { .name = "DBGCLAIMCLR_EL1", .enc = ARM_SYSREG_ENC(2, 0, 7, 9, 6), .access = SR_EL1_RW,
      .kind = SRK_FN, .read = arm_sr_read_field, .write = claimclr_write,
      .offset = ENV_OFS(sys.dbgclaim) },
    { .name = "DBGAUTHSTATUS_EL1", .enc = ARM_SYSREG_ENC(2, 0, 7, 14, 6), .access = SR_EL1_R,
      .kind = SRK_CONST, .value = 0 },
    { .name = "MDCCSR_EL0", .enc = ARM_SYSREG_ENC(2, 3, 0, 1, 0), .access = SR_EL0_R,
      .kind = SRK_CONST, .value = 0 },
    DBG_RAZWI("DBGDTR_EL0", 3, 0, 4, 0, SR_EL0_RW),
    DBG_RAZWI("DBGDTRRX_EL0", 3, 0, 5, 0, SR_EL0_RW),
    DBG_RAZWI("DBGVCR32_EL2", 4, 0, 7, 0, SR_RW(2) | SR_RW(3)),
    BP(0), BP(1), BP(2), BP(3), BP(4), BP(5), BP(6), BP(7),
    BP(8), BP(9), BP(10), BP(11), BP(12), BP(13), BP(14), BP(15),
};
ARM_SYSREGS(debug_sysregs)
