/*
 * fpu_qemu_guest.c — an AArch64 Linux program (built with
 * aarch64-linux-gnu-gcc, run under qemu-aarch64 or on an Arm host) that
 * executes each QCase from stdin as the real A64 instruction with the
 * given FPCR, and writes the result, FPSR and NZCV to stdout.  It is the
 * Arm side of tests/fuzz/fpu-vs-qemu.sh; see fpu_qemu_ops.h.
 */
#include <stdio.h>

#include "fpu_qemu_ops.h"

/* Load operands into v1..v3, run the body (result in v0 or a GPR), read
 * the flags; FPCR is set for the one instruction and cleared after. */
#define LOAD_H "fmov h1, %w[a]\n fmov h2, %w[b]\n fmov h3, %w[c]\n"
#define LOAD_S "fmov s1, %w[a]\n fmov s2, %w[b]\n fmov s3, %w[c]\n"
#define LOAD_D "fmov d1, %x[a]\n fmov d2, %x[b]\n fmov d3, %x[c]\n"
#define STORE_H "fmov %w[r], h0\n"
#define STORE_S "fmov %w[r], s0\n"
#define STORE_D "fmov %x[r], d0\n"
#define NONE ""

#define RUN(load, body, store)                                                    \
    __asm__ volatile("msr fpcr, %[fpcr]\n msr fpsr, xzr\n mov %x[r], xzr\n"        \
                     load body store                                              \
                     "mrs %x[fpsr], fpsr\n mrs %x[nzcv], nzcv\n msr fpcr, xzr\n"   \
                     : [r] "=&r"(r), [fpsr] "=&r"(fpsr), [nzcv] "=&r"(nzcv)       \
                     : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fpcr] "r"(fpcr)       \
                     : "v0", "v1", "v2", "v3", "cc", "memory")

#define BY_SIZE(h, s, d)                                                          \
    do {                                                                          \
        if (size == 16)                                                           \
            h;                                                                    \
        else if (size == 32)                                                      \
            s;                                                                    \
        else                                                                      \
            d;                                                                    \
    } while (0)

#define OP3(name, mn)                                                             \
    case name:                                                                    \
        BY_SIZE(RUN(LOAD_H, mn " h0, h1, h2\n", STORE_H),                         \
                RUN(LOAD_S, mn " s0, s1, s2\n", STORE_S),                         \
                RUN(LOAD_D, mn " d0, d1, d2\n", STORE_D));                        \
        break;
#define OP4(name, mn)                                                             \
    case name:                                                                    \
        BY_SIZE(RUN(LOAD_H, mn " h0, h1, h2, h3\n", STORE_H),                     \
                RUN(LOAD_S, mn " s0, s1, s2, s3\n", STORE_S),                     \
                RUN(LOAD_D, mn " d0, d1, d2, d3\n", STORE_D));                    \
        break;
#define OP2(name, mn)                                                             \
    case name:                                                                    \
        BY_SIZE(RUN(LOAD_H, mn " h0, h1\n", STORE_H),                             \
                RUN(LOAD_S, mn " s0, s1\n", STORE_S),                             \
                RUN(LOAD_D, mn " d0, d1\n", STORE_D));                            \
        break;
#define CMP(name, mn)                                                             \
    case name:                                                                    \
        BY_SIZE(RUN(LOAD_H, mn " h1, h2\n", NONE), RUN(LOAD_S, mn " s1, s2\n", NONE), \
                RUN(LOAD_D, mn " d1, d2\n", NONE));                               \
        break;
/* FP → GPR */
#define TOINT(name, mn, wx)                                                       \
    case name:                                                                    \
        BY_SIZE(RUN(LOAD_H, mn " %" wx "[r], h1\n", NONE),                        \
                RUN(LOAD_S, mn " %" wx "[r], s1\n", NONE),                        \
                RUN(LOAD_D, mn " %" wx "[r], d1\n", NONE));                       \
        break;
#define TOFIX(name, mn, wx, fb)                                                   \
    case name:                                                                    \
        BY_SIZE(RUN(LOAD_H, mn " %" wx "[r], h1, #" fb "\n", NONE),               \
                RUN(LOAD_S, mn " %" wx "[r], s1, #" fb "\n", NONE),               \
                RUN(LOAD_D, mn " %" wx "[r], d1, #" fb "\n", NONE));              \
        break;
/* GPR (operand a) → FP */
#define FROMINT(name, mn, src)                                                    \
    case name:                                                                    \
        BY_SIZE(RUN(NONE, mn " h0, %" src "\n", STORE_H),                         \
                RUN(NONE, mn " s0, %" src "\n", STORE_S),                         \
                RUN(NONE, mn " d0, %" src "\n", STORE_D));                        \
        break;

int main(void)
{
    QCase q;
    while (fread(&q, sizeof q, 1, stdin) == 1) {
        uint64_t r = 0, fpsr = 0, nzcv = 0;
        uint64_t a = q.a, b = q.b, c = q.c, fpcr = q.fpcr;
        unsigned size = q.size;
        switch (q.op) {
            OP3(Q_FADD, "fadd")
            OP3(Q_FSUB, "fsub")
            OP3(Q_FMUL, "fmul")
            OP3(Q_FDIV, "fdiv")
            OP2(Q_FSQRT, "fsqrt")
            OP4(Q_FMADD, "fmadd")
            OP4(Q_FMSUB, "fmsub")
            OP4(Q_FNMADD, "fnmadd")
            OP4(Q_FNMSUB, "fnmsub")
            OP3(Q_FMIN, "fmin")
            OP3(Q_FMAX, "fmax")
            OP3(Q_FMINNM, "fminnm")
            OP3(Q_FMAXNM, "fmaxnm")
            OP3(Q_FMULX, "fmulx")
            OP2(Q_FRECPE, "frecpe")
            OP2(Q_FRSQRTE, "frsqrte")
            OP3(Q_FRECPS, "frecps")
            OP3(Q_FRSQRTS, "frsqrts")
            OP2(Q_FRECPX, "frecpx")
            CMP(Q_FCMP, "fcmp")
            CMP(Q_FCMPE, "fcmpe")
            OP2(Q_FRINTN, "frintn")
            OP2(Q_FRINTP, "frintp")
            OP2(Q_FRINTM, "frintm")
            OP2(Q_FRINTZ, "frintz")
            OP2(Q_FRINTA, "frinta")
            OP2(Q_FRINTX, "frintx")
            OP2(Q_FRINTI, "frinti")
        case Q_FCVT_H:
            BY_SIZE((void)0, RUN(LOAD_S, "fcvt h0, s1\n", STORE_H), RUN(LOAD_D, "fcvt h0, d1\n", STORE_H));
            break;
        case Q_FCVT_S:
            BY_SIZE(RUN(LOAD_H, "fcvt s0, h1\n", STORE_S), (void)0, RUN(LOAD_D, "fcvt s0, d1\n", STORE_S));
            break;
        case Q_FCVT_D:
            BY_SIZE(RUN(LOAD_H, "fcvt d0, h1\n", STORE_D), RUN(LOAD_S, "fcvt d0, s1\n", STORE_D), (void)0);
            break;
        case Q_FCVTXN:
            RUN(LOAD_D, "fcvtxn s0, d1\n", STORE_S);
            break;
            TOINT(Q_FCVTZS_W, "fcvtzs", "w")
            TOINT(Q_FCVTZU_W, "fcvtzu", "w")
            TOINT(Q_FCVTZS_X, "fcvtzs", "x")
            TOINT(Q_FCVTZU_X, "fcvtzu", "x")
            TOINT(Q_FCVTNS_X, "fcvtns", "x")
            TOINT(Q_FCVTAS_W, "fcvtas", "w")
            TOINT(Q_FCVTPS_X, "fcvtps", "x")
            TOINT(Q_FCVTMU_W, "fcvtmu", "w")
            TOFIX(Q_FCVTZS_X32, "fcvtzs", "x", "32")
            TOFIX(Q_FCVTZU_W16, "fcvtzu", "w", "16")
            FROMINT(Q_SCVTF_X, "scvtf", "x[a]")
            FROMINT(Q_UCVTF_X, "ucvtf", "x[a]")
            FROMINT(Q_SCVTF_W, "scvtf", "w[a]")
            FROMINT(Q_UCVTF_X64, "ucvtf", "x[a], #64")
            FROMINT(Q_SCVTF_W8, "scvtf", "w[a], #8")
        default:
            break;
        }
        QResult res = { r, (uint32_t)fpsr, (uint32_t)nzcv };
        fwrite(&res, sizeof res, 1, stdout);
    }
    return 0;
}
