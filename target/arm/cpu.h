/*
 * cpu.h — the AArch64 CPU: architectural state (CPUARMState), the CPU
 * object (ARMCPU), CPU models and their ID registers, feature bits, and the
 * interface boards use to create and reset CPUs.
 *
 * Follows the Arm Architecture Reference Manual for A-profile (DDI 0487):
 * B1.2 (registers in AArch64 state), D1.4/C5.2 (PSTATE, SPSR layout),
 * C5.2.7 NZCV, C5.2.9 FPCR / C5.2.10 FPSR, D17 (ID registers), and the
 * Cortex-A53/A57/A72 TRMs for the model values.
 *
 * State layout (generated code reaches it at small offsets from env):
 *
 *   xregs[0..30]  X0..X30
 *   xregs[31]     the *current* stack pointer (SP_EL0 or SP_ELx as
 *                 PSTATE.SPSel selects); the banked copy in sp_el[] of the
 *                 selected one is stale while it is live here.
 *                 arm_sp_sync()/arm_set_pstate_el_sp() switch banks.
 *   pc
 *   NF ZF CF VF   NZCV, lazily, one 64-bit word per flag:
 *                   N = bit 63 of NF          (NF is usually the result)
 *                   Z = (ZF == 0)             (ZF is usually the result)
 *                   C = CF                    (always exactly 0 or 1)
 *                   V = bit 63 of VF
 *                 so ADDS/SUBS/ANDS produce flags with at most a couple of
 *                 IR ops each and every condition is one compare (EQ: ZF==0,
 *                 MI: NF<0, CS: CF!=0, VS: VF<0, HI: (-CF & ZF)!=0, GE:
 *                 (NF^VF)>=0, GT: (ZF & ~((NF^VF)>>63))!=0). 32-bit
 *                 operations keep the same rule: they compute on operands
 *                 shifted into the high half, so NF = ZF = result << 32
 *                 and VF's bit 63 is the 32-bit overflow. Only the rule
 *                 above is an invariant. Use arm_nzcv_read/write().
 *   pstate        the rest of PSTATE in SPSR layout (EL, SPSel, DAIF, SS,
 *                 IL, PAN, UAO, ...); bits 31:28 (NZCV) are always 0 here.
 *   vregs[32]     V0..V31, 16 bytes each, little-endian: element i of size
 *                 E bytes is at byte i*E; the D/S/H/B views are the low
 *                 bytes. vreg_ofs(n) is the env offset for the IR's vector
 *                 ops; a 64-bit (D or .8B/.4H/.2S) write clears bytes 8..15.
 *   fpcr/fpsr     FPCR as written; FPSR's cumulative exception flags
 *                 accumulate in fp_status.flags (same bit positions) and
 *                 are merged on read: arm_fpsr_read()/arm_fpsr_write();
 *                 fp_status is kept in sync with FPCR by arm_fpcr_write().
 */
#ifndef FERRY_TARGET_ARM_CPU_H
#define FERRY_TARGET_ARM_CPU_H

#include "core/machine.h"
#include "fpu/softfloat.h"
#include "tcg/cpu.h"

/* ---- PSTATE (SPSR layout) ------------------------------------------------ */

#define PSTATE_SP (1u << 0)          /* SPSel: 0 = SP_EL0, 1 = SP_ELx */
#define PSTATE_EL_SHIFT 2
#define PSTATE_EL_MASK (3u << PSTATE_EL_SHIFT)
#define PSTATE_nRW (1u << 4)         /* 1 = AArch32 (not supported) */
#define PSTATE_F (1u << 6)
#define PSTATE_I (1u << 7)
#define PSTATE_A (1u << 8)
#define PSTATE_D (1u << 9)
#define PSTATE_DAIF (PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F)
#define PSTATE_BTYPE (3u << 10)
#define PSTATE_SSBS (1u << 12)
#define PSTATE_IL (1u << 20)
#define PSTATE_SS (1u << 21)
#define PSTATE_PAN (1u << 22)
#define PSTATE_UAO (1u << 23)
#define PSTATE_DIT (1u << 24)
#define PSTATE_TCO (1u << 25)
#define PSTATE_NZCV (0xfu << 28)

/* interrupt_request bits (CPU_INTERRUPT_HARD is the IRQ line) */
#define CPU_INTERRUPT_FIQ 0x0002u
#define CPU_INTERRUPT_VIRQ 0x0004u
#define CPU_INTERRUPT_VFIQ 0x0008u
#define CPU_INTERRUPT_VSERR 0x0010u

/* FPSR bits */
#define FPSR_QC (1u << 27)
#define FPSR_CUMULATIVE 0x9fu        /* IDC IXC UFC OFC DZC IOC */
#define FPSR_MASK (0xf8000000u | FPSR_CUMULATIVE)
/* FPCR bits ferry keeps (AHP DN FZ RMode FZ16; the trap enables are RAZ/WI:
 * no trapping FP exceptions, as on the Cortex-A cores) */
#define FPCR_MASK 0x07c80000u

/* ---- exceptions ------------------------------------------------------------ */

/* cpu->exception_index values (< 0x10000, the generic loop's range). */
typedef enum ARMExcp {
    EXCP_UDEF = 1,          /* Undefined Instruction, and traps with a syndrome */
    EXCP_SVC = 2,
    EXCP_HVC = 3,
    EXCP_SMC = 4,
    EXCP_BKPT = 5,          /* BRK */
    EXCP_PREFETCH_ABORT = 6,
    EXCP_DATA_ABORT = 7,
    EXCP_IRQ = 8,
    EXCP_FIQ = 9,
    EXCP_VIRQ = 10,
    EXCP_VFIQ = 11,
    EXCP_SERROR = 12,
    EXCP_PC_ALIGN = 13,     /* misaligned PC */
    EXCP_SEMIHOST_EXIT = 14,/* not an architectural exception: semihosting ended the run */
} ARMExcp;

/* Syndrome (ESR_ELx) exception classes, DDI 0487 D17.2.37. */
enum {
    EC_UNCATEGORIZED = 0x00,
    EC_WFX = 0x01,
    EC_FP_ACCESS = 0x07,
    EC_ILLEGAL_STATE = 0x0e,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_INSN_ABORT_LOWER = 0x20,
    EC_INSN_ABORT = 0x21,
    EC_PC_ALIGN = 0x22,
    EC_DATA_ABORT_LOWER = 0x24,
    EC_DATA_ABORT = 0x25,
    EC_SP_ALIGN = 0x26,
    EC_FP_EXC64 = 0x2c,
    EC_SERROR = 0x2f,
    EC_BRK64 = 0x3c,
};
#define ESR_IL (1u << 25)
#define ESR_EC_SHIFT 26

/* Fault status codes (DFSC/IFSC) ferry raises itself. */
enum {
    FSC_ALIGNMENT = 0x21,
    FSC_SYNC_EXTERNAL = 0x10,
};

/* What arm_deliver_exception() needs besides cpu->exception_index. */
typedef struct ARMException {
    uint32_t syndrome;      /* ESR value; aborts use the "same EL" EC (0x21/0x25):
                               the deliverer switches to the lower-EL EC */
    uint32_t target_el;     /* 1..3 as the raiser computed it (routing may change it) */
    uint64_t vaddress;      /* FAR for aborts / alignment faults */
    uint32_t insn;          /* the faulting instruction word (from insn_start) */
} ARMException;

/* ---- ID registers and models ---------------------------------------------- */

typedef struct ARMIDRegs {
    uint64_t midr, revidr;
    uint64_t id_aa64pfr0, id_aa64pfr1;
    uint64_t id_aa64dfr0, id_aa64dfr1;
    uint64_t id_aa64afr0, id_aa64afr1;
    uint64_t id_aa64isar0, id_aa64isar1, id_aa64isar2;
    uint64_t id_aa64mmfr0, id_aa64mmfr1, id_aa64mmfr2;
    uint64_t id_aa64zfr0;
    uint64_t ctr, dczid, clidr;
} ARMIDRegs;

/* Which ID register a feature field lives in (arm_feature_info[].reg). */
typedef enum ARMIDReg {
    IDREG_PFR0, IDREG_PFR1, IDREG_ISAR0, IDREG_ISAR1, IDREG_ISAR2,
    IDREG_MMFR0, IDREG_MMFR1, IDREG_MMFR2, IDREG_DFR0,
} ARMIDReg;

/*
 * Architectural features ferry knows about. Each is one ID register field
 * with a minimum value (table in cpu.c); a CPU has a feature when its ID
 * register says so, and the decoder only accepts an encoding whose
 * feature the CPU has. The `max` model sets a field only when the code
 * implementing it is linked in: the file that implements a feature says
 * ARM_FEATURE_BUILT(ARM_FEAT_X), so `max` cannot advertise what is not
 * there.
 */
typedef enum ARMFeature {
    ARM_FEAT_NONE = 0,      /* base A64: always present */
    ARM_FEAT_FP,            /* PFR0.FP >= 0 (scalar FP) */
    ARM_FEAT_ASIMD,         /* PFR0.AdvSIMD >= 0 */
    ARM_FEAT_FP16,          /* PFR0.FP >= 1 (half-precision arithmetic) */
    ARM_FEAT_CRC32,         /* ISAR0.CRC32 >= 1 */
    ARM_FEAT_AES,           /* ISAR0.AES >= 1 */
    ARM_FEAT_PMULL,         /* ISAR0.AES >= 2 */
    ARM_FEAT_SHA1,          /* ISAR0.SHA1 >= 1 */
    ARM_FEAT_SHA256,        /* ISAR0.SHA2 >= 1 */
    ARM_FEAT_SHA512,        /* ISAR0.SHA2 >= 2 */
    ARM_FEAT_LSE,           /* ISAR0.Atomic >= 2 */
    ARM_FEAT_RDM,           /* ISAR0.RDM >= 1 */
    ARM_FEAT_SHA3,          /* ISAR0.SHA3 >= 1 */
    ARM_FEAT_SM3,           /* ISAR0.SM3 >= 1 */
    ARM_FEAT_SM4,           /* ISAR0.SM4 >= 1 */
    ARM_FEAT_DOTPROD,       /* ISAR0.DP >= 1 */
    ARM_FEAT_FHM,           /* ISAR0.FHM >= 1 */
    ARM_FEAT_FLAGM,         /* ISAR0.TS >= 1 */
    ARM_FEAT_FLAGM2,        /* ISAR0.TS >= 2 */
    ARM_FEAT_RNG,           /* ISAR0.RNDR >= 1 */
    ARM_FEAT_DPB,           /* ISAR1.DPB >= 1 (DC CVAP) */
    ARM_FEAT_JSCVT,         /* ISAR1.JSCVT >= 1 */
    ARM_FEAT_FCMA,          /* ISAR1.FCMA >= 1 */
    ARM_FEAT_LRCPC,         /* ISAR1.LRCPC >= 1 (LDAPR) */
    ARM_FEAT_LRCPC2,        /* ISAR1.LRCPC >= 2 (LDAPUR/STLUR) */
    ARM_FEAT_FRINTTS,       /* ISAR1.FRINTTS >= 1 */
    ARM_FEAT_SB,            /* ISAR1.SB >= 1 */
    ARM_FEAT_BF16,          /* ISAR1.BF16 >= 1 */
    ARM_FEAT_I8MM,          /* ISAR1.I8MM >= 1 */
    ARM_FEAT_EL2,           /* PFR0.EL2 >= 1 */
    ARM_FEAT_EL3,           /* PFR0.EL3 >= 1 */
    ARM_FEAT_PAN,           /* MMFR1.PAN >= 1 */
    ARM_FEAT_VHE,           /* MMFR1.VH >= 1 */
    ARM_FEAT_HPDS,          /* MMFR1.HPDS >= 1 */
    ARM_FEAT_UAO,           /* MMFR2.UAO >= 1 */
    ARM_FEAT_SSBS,          /* PFR1.SSBS >= 1 */
    ARM_FEAT_PMU,           /* DFR0.PMUVer >= 1 */
    ARM_FEAT_E0PD,          /* MMFR2.E0PD >= 1 */
    ARM_FEAT__COUNT
} ARMFeature;

typedef struct ARMFeatureInfo {
    const char *name;
    uint8_t reg;            /* ARMIDReg */
    uint8_t shift;          /* field position; fields are 4 bits */
    int8_t min;             /* present when field >= min */
    bool is_signed;         /* signed field (0xf = -1 = not implemented) */
} ARMFeatureInfo;
extern const ARMFeatureInfo arm_feature_info[ARM_FEAT__COUNT];

/* The features whose implementation is linked in (for `max`). */
void arm_feature_register_built(ARMFeature f);
bool arm_feature_built(ARMFeature f);
#define ARM_FEATURE_BUILT(f) \
    REGISTER_AT_STARTUP(arm_feature_built_##f) { arm_feature_register_built(f); }

typedef struct ARMCPUModel {
    ARMIDRegs id;
    /* `max`: the ID register feature fields come from what is built */
    bool is_max;
} ARMCPUModel;

/* ---- the state ------------------------------------------------------------- */

typedef union ARMVReg {
    uint64_t d[2];
    uint32_t s[4];
    uint16_t h[8];
    uint8_t b[16];
} __attribute__((aligned(16))) ARMVReg;

/*
 * System registers the system level (target/arm issue 5) keeps
 * (SCTLR_ELx, TCR, TTBRs, VBAR, ESR/FAR/ELR/SPSR, timers, ...): ARMSysRegs
 * in sys-state.h. Nothing in the EL0 frontend uses them.
 */
#include "target/arm/sys-state.h"

typedef struct CPUARMState {
    uint64_t xregs[32];
    uint64_t pc;
    uint64_t NF, ZF, CF, VF;
    uint64_t pstate;
    uint64_t sp_el[4];
    /* exclusive monitor (LDXR/STXR): address, size, and the value(s)
     * loaded; excl_addr == ARM_EXCL_NONE when open. STXR succeeds when the
     * address matches and memory still holds excl_val (see translate-atomic.c) */
    uint64_t excl_addr;
    uint64_t excl_val, excl_val2;
    uint64_t tpidr_el0, tpidrro_el0;
    uint32_t fpcr, fpsr;
    uint32_t event_register;   /* WFE/SEV */
    FPStatus fp_status;
    ARMException exception;
    uint64_t scratch[4];       /* helpers' scratch (e.g. 128-bit results) */
    ARMVReg vregs[32];
    ARMSysRegs sys;
} CPUARMState;

#define ARM_EXCL_NONE UINT64_MAX

typedef struct ARMCPU ARMCPU;
struct ARMCPU {
    CPUState parent;           /* first */
    CPUARMState env;           /* immediately after: generated code's env */
    const ARMCPUModel *model;
    const char *model_name;
    ARMIDRegs id;              /* this CPU's ID registers */
    uint64_t features;         /* bit per ARMFeature, derived from id */
    uint64_t mpidr;
    uint64_t rvbar;            /* reset address */
    Machine *machine;          /* the board's machine (NULL in the bare runner) */
    /* The guest ended the run (semihosting exit, or a fatal condition):
     * called by arm_cpu_end_run(); the bare runner records the status. */
    void (*on_end_run)(ARMCPU *cpu, int status, void *opaque);
    void *end_run_opaque;
    /* Tests: called before an exception is delivered; returning true means
     * it was consumed (the CPU is then halted). */
    bool (*exception_intercept)(ARMCPU *cpu, void *opaque);
    void *intercept_opaque;
};

static inline ARMCPU *arm_cpu(CPUState *cs)
{
    return container_of(cs, ARMCPU, parent);
}
static inline ARMCPU *env_archcpu(CPUARMState *env)
{
    return container_of(env, ARMCPU, env);
}
static inline CPUState *env_cs(CPUARMState *env)
{
    return &env_archcpu(env)->parent;
}
static inline bool arm_has(const ARMCPU *cpu, ARMFeature f)
{
    return (cpu->features >> f) & 1;
}

static inline unsigned arm_current_el(const CPUARMState *env)
{
    return (unsigned)(env->pstate & PSTATE_EL_MASK) >> PSTATE_EL_SHIFT;
}

/* env offsets of V registers and their parts */
static inline uint32_t vreg_ofs(unsigned n)
{
    return (uint32_t)(offsetof(CPUARMState, vregs) + n * sizeof(ARMVReg));
}
static inline uint32_t vreg_hi_ofs(unsigned n)
{
    return vreg_ofs(n) + 8;
}

/* NZCV in the architectural layout (bits 31:28) */
static inline uint32_t arm_nzcv_read(const CPUARMState *env)
{
    return (uint32_t)(env->NF >> 63) << 31 | (uint32_t)(env->ZF == 0) << 30 |
           (uint32_t)(env->CF & 1) << 29 | (uint32_t)(env->VF >> 63) << 28;
}
static inline void arm_nzcv_write(CPUARMState *env, uint32_t nzcv)
{
    env->NF = (uint64_t)nzcv << 32;                 /* bit 31 -> 63 */
    env->ZF = ~nzcv & (1u << 30);                   /* Z set -> 0 */
    env->CF = (nzcv >> 29) & 1;
    env->VF = (uint64_t)nzcv << 35;                 /* bit 28 -> 63 */
}
/* PSTATE as an SPSR value, and back (NZCV included; no side effects on the
 * SP banks: see arm_set_pstate_el_sp) */
static inline uint64_t arm_pstate_read(const CPUARMState *env)
{
    return env->pstate | arm_nzcv_read(env);
}

/* The stack pointer bank PSTATE selects: 0 = SP_EL0, else SP_EL<EL>. */
static inline unsigned arm_sp_bank(const CPUARMState *env)
{
    return (env->pstate & PSTATE_SP) ? arm_current_el(env) : 0;
}
/* Copy the live SP (xregs[31]) into its bank. */
static inline void arm_sp_sync(CPUARMState *env)
{
    env->sp_el[arm_sp_bank(env)] = env->xregs[31];
}
/* Change PSTATE (all but NZCV, taken from `pstate`) switching SP banks. */
void arm_set_pstate(CPUARMState *env, uint64_t pstate);

uint32_t arm_fpsr_read(CPUARMState *env);
void arm_fpsr_write(CPUARMState *env, uint32_t v);
void arm_fpcr_write(CPUARMState *env, uint32_t v);

/* ---- TB flags ----------------------------------------------------------------- */

/* What translation depends on besides the code: */
#define TBF_EL_SHIFT 0              /* [1:0] current EL */
#define TBF_MMU_SHIFT 2             /* [5:2] MMU index of normal accesses */
#define TBF_UNPRIV_MMU_SHIFT 6      /* [9:6] MMU index of LDTR/STTR */
#define TBF_FP_TRAP (1u << 10)      /* FP/SIMD access traps (CPACR.FPEN etc.) */
#define TBF_ALIGN (1u << 11)        /* every access alignment-checked (SCTLR.A) */
#define TBF_UMA (1u << 12)          /* EL0 may access DAIF (SCTLR_EL1.UMA) */
#define TBF_UCT (1u << 13)          /* EL0 may read CTR_EL0 (SCTLR_EL1.UCT) */
#define TBF_DZE (1u << 14)          /* EL0 may use DC ZVA (SCTLR_EL1.DZE) */
#define TBF_UCI (1u << 15)          /* EL0 may use DC/IC by VA (SCTLR_EL1.UCI) */
#define TBF_SEMIHOST (1u << 16)     /* HLT #0xF000 is a semihosting call */
#define TBF_EL0_TIMER (1u << 17)    /* EL0 may read CNTVCT/CNTFRQ (CNTKCTL_EL1.EL0VCTEN) */
#define TBF_WFX_TRAP (1u << 18)     /* WFI/WFE at EL0 trap (SCTLR_EL1.nTWI/nTWE = 0) */
/* bits 24 and up are free for the system level */

/* ---- creating and resetting CPUs ---------------------------------------------- */

typedef struct ARMCPUConfig {
    uint64_t mpidr;         /* MPIDR_EL1 value (board's topology) */
    bool has_el2, has_el3;  /* board options (virtualization=, secure=) */
    bool gic_sysregs;       /* a GICv3 CPU interface is attached (PFR0.GIC) */
    uint64_t rvbar;         /* reset address */
    Machine *machine;       /* shutdown requests go here (may be NULL) */
} ARMCPUConfig;

/* Make a CPU of model `cm` (an aarch64 CpuModel) on address space `as`. */
ARMCPU *arm_cpu_create(const CpuModel *cm, AddressSpace *as, const ARMCPUConfig *cfg,
                       Error **errp);
void arm_cpu_destroy(ARMCPU *cpu);
/* Architectural reset: highest implemented EL, SP_ELx, DAIF masked, pc at
 * rvbar, X registers and V registers zero. */
void arm_cpu_reset(ARMCPU *cpu);
/* Reset, then start at pc in AArch64 EL `el` using SP_ELx (boot loaders,
 * the bare-metal runner). */
void arm_cpu_reset_to(ARMCPU *cpu, uint64_t pc, unsigned el);

/* The guest asked to end the run with status (semihosting SYS_EXIT) or
 * hit something ferry cannot continue from: the CPU stops for good, the
 * machine (if any) shuts down with that status. Call from the vCPU thread;
 * does not leave the CPU loop by itself. */
void arm_cpu_end_run(ARMCPU *cpu, int status);

extern const CPUHooks arm_cpu_hooks;

/* Machine-wide semihosting switch (the board sets it from -semihosting). */
extern bool arm_semihosting_enabled;

#endif
