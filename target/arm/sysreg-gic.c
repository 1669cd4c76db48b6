/*
 * sysreg-gic.c — the GICv3 CPU interface as A64 system registers: one row
 * per entry of devices/intc's gicv3_icc_regs[] (ICC_*_EL1, ICC_SRE_EL2),
 * each calling gicv3_icc_read/write for this CPU with the device lock
 * held, plus the EL3 views a firmware touches (ICC_SRE_EL3 reads as
 * system registers enabled, ICC_CTLR_EL3 RAZ/WI, ICC_IGRPEN1_EL3 reaching
 * the group 1 enable: the GIC has one security state).
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

static ARMSysReg icc_rows[ICC__COUNT + 3];

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
    arm_sysreg_register(icc_rows, n, __FILE__);
}
