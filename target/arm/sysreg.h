/*
 * sysreg.h — the system register table: one row per register (or SYS
 * instruction) with its encoding, who may access it, and how.
 *
 * MRS/MSR (register) and SYS/SYSL name a register by op0, op1, CRn, CRm,
 * op2 (instruction bits [20:5]; ARM ARM C5.3). The translator looks the
 * encoding up in the rows every file registered with ARM_SYSREGS() and
 * emits code for the row's kind; an unknown encoding, or an access the
 * row does not allow at the current EL, is Undefined (logged under
 * -d unimp with the S<op0>_<op1>_C<n>_C<m>_<op2> name).
 *
 * Rows are const and registered at start-up; an encoding may appear only
 * once (duplicate registration aborts at start-up, so replacing a row
 * means deleting the old one). The EL0 rows are in sysreg-el0.c; the
 * system level adds its own files.
 *
 * Follows DDI 0487 C5.3 (A64 system instruction class encoding) and D17
 * (the registers).
 */
#ifndef FERRY_TARGET_ARM_SYSREG_H
#define FERRY_TARGET_ARM_SYSREG_H

#include "target/arm/translate.h"

#define ARM_SYSREG_ENC(op0, op1, crn, crm, op2) \
    ((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | (uint32_t)(crm) << 3 | (uint32_t)(op2))
/* The encoding field of an MRS/MSR/SYS/SYSL instruction word. */
static inline uint32_t arm_sysreg_enc_of(uint32_t insn)
{
    return (insn >> 5) & 0xffff;
}

/* Access bits: read / write allowed at EL n. */
#define SR_R(el) (1u << (2 * (el)))
#define SR_W(el) (2u << (2 * (el)))
#define SR_RW(el) (SR_R(el) | SR_W(el))
#define SR_EL0_RW (SR_RW(0) | SR_RW(1) | SR_RW(2) | SR_RW(3))
#define SR_EL0_R (SR_R(0) | SR_R(1) | SR_R(2) | SR_R(3))
#define SR_EL1_RW (SR_RW(1) | SR_RW(2) | SR_RW(3))
#define SR_EL1_R (SR_R(1) | SR_R(2) | SR_R(3))
#define SR_EL1_W (SR_W(1) | SR_W(2) | SR_W(3))
#define SR_EL0_W (SR_W(0) | SR_W(1) | SR_W(2) | SR_W(3))

typedef struct ARMSysReg ARMSysReg;

typedef enum ARMSysRegKind {
    SRK_CONST,      /* reads `value`; writes ignored */
    SRK_FIELD,      /* a 64-bit field at env offset `offset` (may be
                       beyond CPUARMState: ARMCPU fields after env) */
    SRK_FIELD32,    /* a 32-bit field, zero-extended on read */
    SRK_FN,         /* read()/write() helpers (called with env) */
    SRK_NOP,        /* a SYS operation that does nothing (e.g. DC CIVAC) */
    SRK_GEN,        /* gen(): the row emits its own IR */
} ARMSysRegKind;

enum {
    SRF_END_TB = 1,     /* a write changes what translation or interrupt
                           delivery depends on: end the block after it */
    SRF_IO = 2,         /* the access has side effects beyond env
                           (devices, time): helper, never folded */
};

/* Run-time access check: returns to allow, or raises with
 * arm_raise(..., ra) (does not return). */
typedef void ARMSysRegCheckFn(CPUARMState *env, const ARMSysReg *r, bool isread, uintptr_t ra);

struct ARMSysReg {
    const char *name;
    uint32_t enc;           /* ARM_SYSREG_ENC(...) */
    uint8_t access;         /* SR_* bits */
    uint8_t kind;           /* ARMSysRegKind */
    uint8_t flags;          /* SRF_* */
    uint32_t el0_tbflag;    /* if nonzero: at EL0 the access also needs this
                               TBF_ bit, else it traps to EL1 (EC 0x18) */
    int32_t offset;         /* SRK_FIELD*: env-relative offset */
    uint64_t value;         /* SRK_CONST */
    /* SRK_FN: ra is the generated code's return address (for arm_raise) */
    uint64_t (*read)(CPUARMState *env, const ARMSysReg *r, uintptr_t ra);
    void (*write)(CPUARMState *env, const ARMSysReg *r, uint64_t v, uintptr_t ra);
    /* SRK_GEN: emit IR for the access of register rt; false = Undefined */
    bool (*gen)(DisasContext *dc, const ARMSysReg *r, bool isread, unsigned rt);
    ARMSysRegCheckFn *check;/* optional run-time check (traps to EL2/3) */
};

void arm_sysreg_register(const ARMSysReg *rows, size_t n, const char *file);
#define ARM_SYSREGS(tbl) \
    REGISTER_AT_STARTUP(arm_sysregs_##tbl) { arm_sysreg_register(tbl, ARRAY_SIZE(tbl), __FILE__); }

/* The row for an encoding, or NULL. */
const ARMSysReg *arm_sysreg_find(uint32_t enc);

/* env offset of an ARMCPU field (for SRK_FIELD rows on ARMCPU.id etc.) */
#define ARMCPU_OFS(field) ((int32_t)(offsetof(ARMCPU, field) - offsetof(ARMCPU, env)))
#define ENV_OFS(field) ((int32_t)offsetof(CPUARMState, field))

/* Translate MRS/MSR (register)/SYS/SYSL for encoding enc and register rt. */
bool arm_gen_sysreg_access(DisasContext *dc, uint32_t enc, bool isread, unsigned rt);

#endif
