/*
 * psci.c — the Power State Coordination Interface as the firmware a board
 * emulates (PSCI_VERSION says 1.1, as QEMU 7.2's does; the functions are
 * those of 0.2 and 1.0, 1.1's additions are optional and absent): reached by
 * HVC or SMC per the board's conduit (ARMCPU.env.sys.links.psci_conduit),
 * answered by ferry instead of guest code at EL2/EL3.
 *
 * Follows Arm DEN 0022 (PSCI) D.b: function IDs (SMC32 0x8400_00xx and
 * SMC64 0xC400_00xx), return codes, PSCI_VERSION, CPU_SUSPEND (executed as
 * a standby: a WFI, returning SUCCESS on wake-up, which the specification
 * allows for any state), CPU_OFF, CPU_ON (target by MPIDR affinity, entry
 * point, context ID in X0, started with the MMU off at the highest
 * Non-secure EL — EL2 when the CPU has it — as firmware does),
 * AFFINITY_INFO (level 0), MIGRATE_INFO_TYPE (2: no Trusted OS to
 * migrate), SYSTEM_OFF, SYSTEM_RESET, PSCI_FEATURES; and Arm DEN 0028
 * (SMC Calling Convention) for argument widths: SMC32 calls use W1..W3.
 *
 * Who answers PSCI (QEMU's rule, see boards/virt.c virt_choose_psci): the
 * board picks HVC without EL2, SMC with EL2, and none when the guest's own
 * firmware runs at EL3 (secure=on with -bios) or the conduit would trap to
 * the EL the guest itself starts in. As in QEMU, every HVC (or SMC) from
 * EL1 and above through the conduit is a call to that firmware: functions
 * it does not implement (other SMCCC services included) return
 * NOT_SUPPORTED in X0.
 */
#include "target/arm/sys-internal.h"

enum {
    PSCI_SUCCESS = 0,
    PSCI_NOT_SUPPORTED = -1,
    PSCI_INVALID_PARAMETERS = -2,
    PSCI_DENIED = -3,
    PSCI_ALREADY_ON = -4,
    PSCI_ON_PENDING = -5,
    PSCI_INTERNAL_FAILURE = -6,
    PSCI_NOT_PRESENT = -7,
    PSCI_DISABLED = -8,
    PSCI_INVALID_ADDRESS = -9,
};

#define PSCI_FN(n) (0x84000000u + (n))
#define PSCI_64 0x40000000u
enum {
    FN_VERSION = 0x0, FN_CPU_SUSPEND = 0x1, FN_CPU_OFF = 0x2, FN_CPU_ON = 0x3,
    FN_AFFINITY_INFO = 0x4, FN_MIGRATE = 0x5, FN_MIGRATE_INFO_TYPE = 0x6,
    FN_MIGRATE_INFO_UP_CPU = 0x7, FN_SYSTEM_OFF = 0x8, FN_SYSTEM_RESET = 0x9,
    FN_FEATURES = 0xa,
};

#define PSCI_VERSION_1_1 0x00010001u
#define MPIDR_AFF_MASK 0xff00ffffffull

/* Is fid in the PSCI range (fast call, standard secure service, 0..0x1f)? */
static bool is_psci_fid(uint32_t fid)
{
    return (fid & ~PSCI_64 & ~0x1fu) == 0x84000000u;
}

/* Which functions are implemented, and whether their SMC64 form exists. */
static bool implemented(uint32_t fid)
{
    if (!is_psci_fid(fid))
        return false;
    bool is64 = fid & PSCI_64;
    switch (fid & 0x1f) {
    case FN_VERSION:
    case FN_CPU_OFF:
    case FN_MIGRATE_INFO_TYPE:
    case FN_SYSTEM_OFF:
    case FN_SYSTEM_RESET:
    case FN_FEATURES:
        return !is64;
    case FN_CPU_SUSPEND:
    case FN_CPU_ON:
    case FN_AFFINITY_INFO:
        return true;
    default:
        return false;
    }
}

static ARMCPU *cpu_by_mpidr(uint64_t mpidr)
{
    CPU_FOREACH(c) {
        ARMCPU *a = arm_cpu(c);
        if ((a->mpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
            return a;
    }
    return NULL;
}

/* Stop this CPU at the next check of the loop (it already delivered). */
static void stop_self(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    cs->halted = true;
    cs->stopped = true;
}

bool arm_psci_call(ARMCPU *cpu, bool is_smc)
{
    CPUARMState *env = &cpu->env;
    CPUState *cs = &cpu->parent;
    uint32_t fid = (uint32_t)env->xregs[0];
    bool is64 = fid & PSCI_64;
    uint64_t a1 = env->xregs[1], a2 = env->xregs[2], a3 = env->xregs[3];
    if (!is64) {
        a1 = (uint32_t)a1;
        a2 = (uint32_t)a2;
        a3 = (uint32_t)a3;
    }
    int64_t ret = PSCI_NOT_SUPPORTED;
    qlog(LOG_INT, "cpu %d: PSCI %s function %#x (%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ")\n",
         cs->index, is_smc ? "SMC" : "HVC", fid, a1, a2, a3);

    if (!implemented(fid)) {
        qlog(LOG_UNIMP, "cpu %d: firmware call %#x is not implemented: NOT_SUPPORTED\n",
             cs->index, fid);
        env->xregs[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
        return true;
    }
    switch (fid & 0x1f) {
    case FN_VERSION:
        ret = PSCI_VERSION_1_1;
        break;
    case FN_CPU_SUSPEND:
        /* a standby state: wait for an interrupt, then return SUCCESS */
        env->xregs[0] = PSCI_SUCCESS;
        if (!arm_has_work(cpu))
            cs->halted = true;
        return true;
    case FN_CPU_OFF:
        qlog(LOG_INT, "cpu %d: PSCI CPU_OFF\n", cs->index);
        env->sys.links.psci_state = ARM_PSCI_OFF;
        stop_self(cpu);
        return true;
    case FN_CPU_ON: {
        ARMCPU *t = cpu_by_mpidr(a1);
        if (!t) {
            ret = PSCI_INVALID_PARAMETERS;
        } else if (t->env.sys.links.psci_state == ARM_PSCI_ON) {
            ret = PSCI_ALREADY_ON;
        } else if (a2 & 3) {
            ret = PSCI_INVALID_ADDRESS;
        } else {
            /* the target enters the highest Non-secure EL, as firmware
             * (Trusted Firmware-A, QEMU) does: EL2 when it exists */
            unsigned tel = arm_has_el2(&t->env) ? 2 : 1;
            qlog(LOG_INT, "cpu %d: PSCI CPU_ON cpu %d at %#" PRIx64 " EL%u context %#" PRIx64 "\n",
                 cs->index, t->parent.index, a2, tel, a3);
            arm_cpu_power_on(t, a2, tel, a3);
            ret = PSCI_SUCCESS;
        }
        break;
    }
    case FN_AFFINITY_INFO: {
        ARMCPU *t = cpu_by_mpidr(a1);
        if (!t || a2 != 0)
            ret = PSCI_INVALID_PARAMETERS;
        else
            ret = t->env.sys.links.psci_state;
        break;
    }
    case FN_MIGRATE_INFO_TYPE:
        ret = 2;   /* Trusted OS not present or does not require migration */
        break;
    case FN_SYSTEM_OFF:
        qlog(LOG_INT, "cpu %d: PSCI SYSTEM_OFF\n", cs->index);
        arm_cpu_end_run(cpu, 0);
        return true;
    case FN_SYSTEM_RESET:
        qlog(LOG_INT, "cpu %d: PSCI SYSTEM_RESET\n", cs->index);
        if (cpu->machine) {
            stop_self(cpu);
            machine_request_reset(cpu->machine);
        } else {
            arm_cpu_end_run(cpu, 0);
        }
        return true;
    case FN_FEATURES:
        ret = implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
        break;
    default:
        break;
    }
    env->xregs[0] = (uint64_t)ret;
    return true;
}
