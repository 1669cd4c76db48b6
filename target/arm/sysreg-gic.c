/*
 * sysreg-gic.c — the GICv3 CPU interface as A64 system registers: one row
 * per entry of devices/intc's gicv3_icc_regs[] (ICC_*_EL1, ICC_SRE_EL2),
 * each calling gicv3_icc_read/write for this CPU with the device lock
 * held, plus the EL3 views a firmware touches (ICC_SRE_EL3 reads as
 * system registers enabled, ICC_CTLR_EL3 RAZ/WI, ICC_IGRPEN1_EL3 reaching
 * the group 1 enable: the GIC has one security state), and the EL2
 * virtual interface control registers ICH_*_EL2 as storage: ICH_VTR_EL2
 * says 4 list registers, 5 priority bits; the virtual CPU interface
 * itself is not implemented (enabling it, ICH_HCR_EL2.En, is logged under
 * -d unimp). That lets a kernel that boots at EL2 (virtualization=on) set
 * up and save/restore them; a hypervisor cannot inject virtual interrupts.
 *
 * Follows DDI 0487 D17.2 / ARM IHI 0069 §12.2 for the encodings and the
 * lowest EL of each register. A CPU without a GICv3 attached
 * (arm_cpu_set_gicv3) finds these Undefined, as a core whose
 * ID_AA64PFR0_EL1.GIC is 0 does.
 */
#include "target/arm/sys-internal.h"

#include "devices/intc/gicv3.h"
#include "target/arm/sysreg.h"

static uint64_t helper_icc_read(CPUARMState *env, uint64_t reg)
{
    ARMSysLinks *ln = &env->sys.links;
    dev_lock();
    uint64_t v = gicv3_icc_read(ln->gicv3, ln->gic_cpu, (IccReg)reg);
    dev_unlock();
    return v;
}

static void helper_icc_write(CPUARMState *env, uint64_t reg, uint64_t v)
{
    ARMSysLinks *ln = &env->sys.links;
    dev_lock();
    gicv3_icc_write(ln->gicv3, ln->gic_cpu, (IccReg)reg, v);
    dev_unlock();
}

static const TCGHelper h_icc_read = TCG_HELPER(helper_icc_read, TCG_I64,
                                               TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G);
static const TCGHelper h_icc_write = TCG_HELPER(helper_icc_write, TCG_VOID,
                                                TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G);

/* row->value: the IccReg, or ICC_EL3_* below */
enum { ICC_EL3_SRE = 0x100, ICC_EL3_CTLR, ICC_EL3_IGRPEN1 };

static bool gen_icc(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt)
{
    if (!dc->cpu->env.sys.links.gicv3)
        return false;
    TCGContext *s = dc->s;
    uint64_t reg = r->value;
    switch (reg) {
    case ICC_EL3_SRE:
        if (isread)
            write_x(dc, rt, ir_const64(s, 0xf));
        return true;
    case ICC_EL3_CTLR:
        if (isread)
            write_x(dc, rt, ir_const64(s, 0));
        return true;
    case ICC_EL3_IGRPEN1:
        reg = ICC_IGRPEN1_EL1;
        break;
    default:
        break;
    }
    if (isread) {
        TCGv t = new_tmp(dc);
        ir_callv(s, &h_icc_read, t, s->env, ir_const64(s, reg));
        write_x(dc, rt, t);
    } else {
        TCGv v = read_x(dc, rt);
        if (r->value == ICC_EL3_IGRPEN1) {
            TCGv t = new_tmp(dc);
            ir_shri(s, t, v, 1);            /* EnableGrp1NS is bit 1 at EL3 */
            ir_andi(s, t, t, 1);
            v = t;
        }
        ir_callv(s, &h_icc_write, TCGV_NONE, s->env, ir_const64(s, reg), v);
        /* the priority mask or an EOI may let an interrupt in */
        if (dc->is_jmp == DISAS_NEXT)
            dc->is_jmp = DISAS_UPDATE_EXIT;
    }
    return true;
}

/* ---- ICH_*_EL2 --------------------------------------------------------------------- */

#define ICH_VTR_VALUE (4u << 29 | 4u << 26 | 3u)   /* PRIbits 5, PREbits 5, 4 LRs */

static void ich_hcr_write(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra)
{
    (void)r;
    (void)ra;
    if ((v & 1) && !(env->sys.ich_hcr & 1))
        qlog(LOG_UNIMP, "cpu %d: ICH_HCR_EL2.En: the GICv3 virtual CPU interface is not "
             "implemented\n", env_cs(env)->index);
    env->sys.ich_hcr = v & 0xf80000ffull;
}

#define ICH_FIELD(nm, crm, o2, fld) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, 4, 12, crm, o2), .access = SR_RW(2) | SR_RW(3), \
      .kind = SRK_FIELD, .offset = ENV_OFS(fld) }
#define ICH_CONST(nm, crm, o2, v) \
    { .name = nm, .enc = ARM_SYSREG_ENC(3, 4, 12, crm, o2), .access = SR_R(2) | SR_R(3), \
      .kind = SRK_CONST, .value = v }

static const ARMSysReg ich_rows[] = {
    ICH_FIELD("ICH_AP0R0_EL2", 8, 0, sys.ich_apr[0][0]),
    ICH_FIELD("ICH_AP0R1_EL2", 8, 1, sys.ich_apr[0][1]),
    ICH_FIELD("ICH_AP0R2_EL2", 8, 2, sys.ich_apr[0][2]),
    ICH_FIELD("ICH_AP0R3_EL2", 8, 3, sys.ich_apr[0][3]),
    ICH_FIELD("ICH_AP1R0_EL2", 9, 0, sys.ich_apr[1][0]),
    ICH_FIELD("ICH_AP1R1_EL2", 9, 1, sys.ich_apr[1][1]),
    ICH_FIELD("ICH_AP1R2_EL2", 9, 2, sys.ich_apr[1][2]),
    ICH_FIELD("ICH_AP1R3_EL2", 9, 3, sys.ich_apr[1][3]),
    { .name = "ICH_HCR_EL2", .enc = ARM_SYSREG_ENC(3, 4, 12, 11, 0), .access = SR_RW(2) | SR_RW(3),
      .kind = SRK_FN, .read = arm_sr_read_field, .write = ich_hcr_write,
      .offset = ENV_OFS(sys.ich_hcr) },
    ICH_CONST("ICH_VTR_EL2", 11, 1, ICH_VTR_VALUE),
    ICH_CONST("ICH_MISR_EL2", 11, 2, 0),
    ICH_CONST("ICH_EISR_EL2", 11, 3, 0),
    ICH_CONST("ICH_ELRSR_EL2", 11, 5, 0xf),
    ICH_FIELD("ICH_VMCR_EL2", 11, 7, sys.ich_vmcr),
    ICH_FIELD("ICH_LR0_EL2", 12, 0, sys.ich_lr[0]),
    ICH_FIELD("ICH_LR1_EL2", 12, 1, sys.ich_lr[1]),
    ICH_FIELD("ICH_LR2_EL2", 12, 2, sys.ich_lr[2]),
    ICH_FIELD("ICH_LR3_EL2", 12, 3, sys.ich_lr[3]),
};

/* (the ICH rows exist whether or not a GICv3 is attached: software checks
 * ID_AA64PFR0_EL1.GIC first) */
static ARMSysReg icc_rows[ICC__COUNT + 3 + ARRAY_SIZE(ich_rows)];

REGISTER_AT_STARTUP(arm_icc_rows)
{
    size_t n = 0;
    for (int i = 0; i < ICC__COUNT; i++) {
        const IccRegInfo *g = &gicv3_icc_regs[i];
        uint8_t acc = 0;
        for (unsigned el = g->min_el; el <= 3; el++) {
            if (g->access & ICC_ACCESS_R)
                acc |= SR_R(el);
            if (g->access & ICC_ACCESS_W)
                acc |= SR_W(el);
        }
        icc_rows[n++] = (ARMSysReg){
            .name = g->name, .enc = ARM_SYSREG_ENC(g->op0, g->op1, g->crn, g->crm, g->op2),
            .access = acc, .kind = SRK_GEN, .gen = gen_icc, .value = g->reg,
        };
    }
    icc_rows[n++] = (ARMSysReg){ .name = "ICC_CTLR_EL3", .enc = ARM_SYSREG_ENC(3, 6, 12, 12, 4),
                                 .access = SR_RW(3), .kind = SRK_GEN, .gen = gen_icc,
                                 .value = ICC_EL3_CTLR };
    icc_rows[n++] = (ARMSysReg){ .name = "ICC_SRE_EL3", .enc = ARM_SYSREG_ENC(3, 6, 12, 12, 5),
                                 .access = SR_RW(3), .kind = SRK_GEN, .gen = gen_icc,
                                 .value = ICC_EL3_SRE };
    icc_rows[n++] = (ARMSysReg){ .name = "ICC_IGRPEN1_EL3",
                                 .enc = ARM_SYSREG_ENC(3, 6, 12, 12, 7), .access = SR_RW(3),
                                 .kind = SRK_GEN, .gen = gen_icc, .value = ICC_EL3_IGRPEN1 };
    for (size_t i = 0; i < ARRAY_SIZE(ich_rows); i++)
        icc_rows[n++] = ich_rows[i];
    arm_sysreg_register(icc_rows, n, __FILE__);
}
