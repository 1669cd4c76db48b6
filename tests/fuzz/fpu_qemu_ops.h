/*
 * fpu_qemu_ops.h — the operations and record formats shared by the fpu/
 * cross-check against an Arm implementation (tests/fuzz/fpu-vs-qemu.sh):
 * fpu_qemu_guest.c runs each case as real A64 instructions (under
 * qemu-aarch64, or natively on an Arm host), fpu_qemu_check.c runs it
 * through fpu/ and compares.
 */
#ifndef FPU_QEMU_OPS_H
#define FPU_QEMU_OPS_H

#include <stdint.h>

enum {
    Q_FADD, Q_FSUB, Q_FMUL, Q_FDIV, Q_FSQRT,
    Q_FMADD, Q_FMSUB, Q_FNMADD, Q_FNMSUB,
    Q_FMIN, Q_FMAX, Q_FMINNM, Q_FMAXNM, Q_FMULX,
    Q_FRECPE, Q_FRSQRTE, Q_FRECPS, Q_FRSQRTS, Q_FRECPX,
    Q_FCMP, Q_FCMPE,
    Q_FRINTN, Q_FRINTP, Q_FRINTM, Q_FRINTZ, Q_FRINTA, Q_FRINTX, Q_FRINTI,
    Q_FCVT_H, Q_FCVT_S, Q_FCVT_D,       /* to half / single / double */
    Q_FCVTZS_W, Q_FCVTZU_W, Q_FCVTZS_X, Q_FCVTZU_X,
    Q_FCVTNS_X, Q_FCVTAS_W, Q_FCVTPS_X, Q_FCVTMU_W,
    Q_FCVTZS_X32, Q_FCVTZU_W16,         /* fixed point, #32 / #16 fraction bits */
    Q_SCVTF_X, Q_UCVTF_X, Q_SCVTF_W, Q_UCVTF_X64, Q_SCVTF_W8,
    Q_FCVTXN,                           /* double → single, round to odd */
    Q_NOPS
};

typedef struct QCase {
    uint32_t op, size; /* size: 16, 32, 64 (the FP operand size) */
    uint32_t fpcr, pad;
    uint64_t a, b, c;
} QCase;

typedef struct QResult {
    uint64_t r;
    uint32_t fpsr, nzcv;
} QResult;

#endif
