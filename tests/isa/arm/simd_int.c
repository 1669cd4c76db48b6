/*
 * simd_int.c — AdvSIMD integer, permute and data movement: each
 * arrangement of the arithmetic (wrapping per lane), a 64-bit operation
 * clearing the upper half, saturating operations setting FPSR.QC (and not
 * clearing it), doubling multiplies, shifts by register and immediate
 * (rounding, saturation, narrowing, widening, insert), compares, absolute
 * difference, pairwise and across-lane reductions, widening/narrowing
 * three-different forms, polynomial multiply (8- and 64-bit), two-register
 * misc (CNT/CLZ/CLS/RBIT/REV, ABS/NEG and saturating forms, XTN family),
 * by-element multiplies, TBL/TBX, ZIP/UZP/TRN, EXT, DUP/INS/UMOV/SMOV and
 * the modified immediates.
 *
 * isa-cpu: cortex-a57
 *
 * Expected values are worked out by hand from the ARM ARM pseudocode of
 * each instruction (Elem[] numbering: lane 0 in the low bits);
 * `make check-isa-qemu` runs the same program under qemu-system-aarch64.
 */
#include "lib/test.h"

asm(".arch armv8-a+crypto");

#define QC (1ul << 27)

typedef struct V {
    uint64_t lo, hi;
} V;

static uint64_t fpsr;

static V mk(uint64_t lo, uint64_t hi)
{
    V v = { lo, hi };
    return v;
}

/* v0 = d (initial), v1 = a, v2 = b; run insn; return v0, FPSR after */
#define VOP(insn, d, a, b) ({                                                        \
    V r_, d_ = d, a_ = a, b_ = b;                                                    \
    asm volatile("ldr q0, [%[pd]]\n ldr q1, [%[pa]]\n ldr q2, [%[pb]]\n msr fpsr, xzr\n" \
                 insn "\n str q0, [%[pr]]\n mrs %[fs], fpsr"                          \
                 : [fs] "=&r"(fpsr)                                                  \
                 : [pd] "r"(&d_), [pa] "r"(&a_), [pb] "r"(&b_), [pr] "r"(&r_)        \
                 : "v0", "v1", "v2", "v3", "memory");                                \
    r_; })
#define CHECKV(v, l, h) do { V v_ = (v); CHECK(v_.lo, l); CHECK(v_.hi, h); } while (0)
#define CHECKVQ(v, l, h, q) do { CHECKV(v, l, h); CHECK(fpsr & QC, q); } while (0)

static const V ONES = { ~0ul, ~0ul };
static const V ZERO = { 0, 0 };

static void arithmetic(void)
{
    V a = { 0x0102030405060708ul, 0xff7f80fe01000080ul };
    V b = { 0x01010101010101fful, 0x0101018001ff0180ul };
    /* ADD .16B wraps per byte: 0xff+1, 0x7f+1, 0x80+0x80 ... */
    CHECKV(VOP("add v0.16b, v1.16b, v2.16b", ZERO, a, b), 0x0203040506070807ul, 0x0080817e02ff0100ul);
    /* ADD .8B: the upper half is cleared */
    CHECKV(VOP("add v0.8b, v1.8b, v2.8b", ONES, a, b), 0x0203040506070807ul, 0);
    CHECKV(VOP("add v0.8h, v1.8h, v2.8h", ZERO, a, b), 0x0203040506070907ul, 0x0080827e02ff0200ul);
    CHECKV(VOP("add v0.4s, v1.4s, v2.4s", ZERO, a, b), 0x0203040506070907ul, 0x0080827e02ff0200ul);
    CHECKV(VOP("add v0.2d, v1.2d, v2.2d", ZERO, a, b), 0x0203040506070907ul, 0x0080827e02ff0200ul);
    CHECKV(VOP("sub v0.4h, v1.4h, v2.4h", ONES, a, b), 0x0001020304050509ul, 0);
    CHECKV(VOP("add d0, d1, d2", ONES, a, b), 0x0203040506070907ul, 0);
    /* MUL/MLA/MLS low halves */
    V m = { 0x0003000200010000ul, 0xffff800000100002ul };
    CHECKV(VOP("mul v0.8h, v1.8h, v1.8h", ZERO, m, m), 0x0009000400010000ul, 0x0001000001000004ul);
    CHECKV(VOP("mla v0.8h, v1.8h, v1.8h", m, m, m), 0x000c000600020000ul, 0x0000800001100006ul);
    CHECKV(VOP("mls v0.4s, v1.4s, v2.4s", ZERO, mk(2, 3), mk(5, 7)), 0xfffffff6ul, 0xffffffebul);
    /* halving */
    CHECKV(VOP("uhadd v0.8b, v1.8b, v2.8b", ZERO, mk(0xff01, 0), mk(0xff02, 0)), 0xff01, 0);
    CHECKV(VOP("srhadd v0.8b, v1.8b, v2.8b", ZERO, mk(0x80ff, 0), mk(0x8000, 0)), 0x8000, 0);
    CHECKV(VOP("shsub v0.4h, v1.4h, v2.4h", ZERO, mk(0x8000, 0), mk(0x7fff, 0)), 0x8000, 0);
    /* absolute difference and accumulate */
    CHECKV(VOP("sabd v0.8b, v1.8b, v2.8b", ZERO, mk(0x7f80, 0), mk(0x807f, 0)), 0xffff, 0);
    CHECKV(VOP("uaba v0.8b, v1.8b, v2.8b", mk(0x0101, 0), mk(0x0010, 0), mk(0x1000, 0)),
           0x1111, 0);
    /* min/max */
    CHECKV(VOP("smax v0.4s, v1.4s, v2.4s", ZERO, mk(0x80000000ffffffffull, 1), mk(0x7fffffff00000000ull, 2)),
           0x7fffffff00000000ul, 2);
    CHECKV(VOP("umin v0.4s, v1.4s, v2.4s", ZERO, mk(0x80000000ffffffffull, 1), mk(0x7fffffff00000000ull, 2)),
           0x7fffffff00000000ul, 1);
    /* PMUL: polynomial, 0x80 * 2 drops the carry; 0x0f * 0x0f = 0x55 */
    CHECKV(VOP("pmul v0.8b, v1.8b, v2.8b", ZERO, mk(0x0f80, 0), mk(0x0f02, 0)), 0x5500, 0);
}

static void saturating(void)
{
    /* SQADD: 0x7f + 1 saturates (QC), -128 + -1 saturates, 1 + 1 does not */
    CHECKVQ(VOP("sqadd v0.16b, v1.16b, v2.16b", ZERO, mk(0x01807f, 0), mk(0x01ff01, 0)),
            0x02807f, 0, QC);
    CHECKVQ(VOP("sqadd v0.16b, v1.16b, v2.16b", ZERO, mk(1, 0), mk(1, 0)), 2, 0, 0);
    CHECKVQ(VOP("uqadd v0.8h, v1.8h, v2.8h", ZERO, mk(0xffff, 0), mk(2, 0)), 0xffff, 0, QC);
    CHECKVQ(VOP("uqsub v0.4s, v1.4s, v2.4s", ZERO, mk(1, 0), mk(2, 0)), 0, 0, QC);
    CHECKVQ(VOP("sqsub d0, d1, d2", ONES, mk(0x8000000000000000ul, 0), mk(1, 0)),
            0x8000000000000000ul, 0, QC);
    CHECKVQ(VOP("sqadd b0, b1, b2", ONES, mk(0x70, 0), mk(0x10, 0)), 0x7f, 0, QC);
    /* QC is sticky: a non-saturating op after a saturating one leaves it set */
    CHECKVQ(VOP("sqadd v0.8b, v1.8b, v2.8b\n sqadd v0.8b, v2.8b, v2.8b", ZERO, mk(0x7f, 0),
                mk(1, 0)), 2, 0, QC);
    /* SQDMULH: (2ab) >> 16; -1 * -1 (0x8000^2) saturates */
    CHECKVQ(VOP("sqdmulh v0.4h, v1.4h, v2.4h", ZERO, mk(0x40008000, 0), mk(0x40008000, 0)),
            0x20007fff, 0, QC);
    /* SQRDMULH rounds: 2 * 0x0001 * 0x4000 = 0x8000 -> +0x8000 >> 16 = 1 */
    CHECKVQ(VOP("sqrdmulh v0.4h, v1.4h, v2.4h", ZERO, mk(1, 0), mk(0x4000, 0)), 1, 0, 0);
    CHECKVQ(VOP("sqdmulh v0.4h, v1.4h, v2.4h", ZERO, mk(1, 0), mk(0x4000, 0)), 0, 0, 0);
    /* SQABS/SQNEG of the minimum saturate; ABS/NEG wrap */
    CHECKVQ(VOP("sqabs v0.8b, v1.8b", ZERO, mk(0x0180, 0), ZERO), 0x017f, 0, QC);
    CHECKVQ(VOP("abs v0.8b, v1.8b", ZERO, mk(0xff80, 0), ZERO), 0x0180, 0, 0);
    CHECKVQ(VOP("sqneg v0.4s, v1.4s", ZERO, mk(0x80000000, 0), ZERO), 0x7fffffff, 0, QC);
    CHECKVQ(VOP("neg d0, d1", ONES, mk(1, 0), ZERO), ~0ul, 0, 0);
    /* SUQADD: signed d + unsigned n; USQADD: unsigned d + signed n */
    CHECKVQ(VOP("suqadd v0.8b, v1.8b", mk(0x7f, 0), mk(0x01, 0), ZERO), 0x7f, 0, QC);
    CHECKVQ(VOP("usqadd v0.8b, v1.8b", mk(0x01, 0), mk(0xfe, 0), ZERO), 0x00, 0, QC);
    /* narrowing with saturation */
    CHECKVQ(VOP("sqxtn v0.8b, v1.8h", ONES, mk(0x8000ff800080007full, 0), ZERO), 0x80807f7f, 0, QC);
    CHECKVQ(VOP("uqxtn v0.8b, v1.8h", ONES, mk(0x8000ff800080007full, 0), ZERO), 0xffff807f, 0, QC);
    CHECKVQ(VOP("sqxtun v0.8b, v1.8h", ONES, mk(0x8000ff800080007full, 0), ZERO), 0x0000807f, 0, QC);
    CHECKVQ(VOP("xtn v0.8b, v1.8h", ONES, mk(0x8000ff800080007full, 0), ZERO), 0x0080807f, 0, 0);
    /* XTN2 writes the upper half, keeps the lower */
    CHECKVQ(VOP("xtn2 v0.16b, v1.8h", mk(0x1122334455667788ul, 0), mk(0x0004000300020001ul,
            0x0008000700060005ul), ZERO), 0x1122334455667788ul, 0x0807060504030201ul, 0);
    CHECKVQ(VOP("sqxtn h0, s1", ONES, mk(0x00018000, 0), ZERO), 0x7fff, 0, QC);
}

static void shifts(void)
{
    /* SSHL/USHL by the signed low byte of each element of Vm */
    V a = { 0x80000000fffffff0ul, 0x0000000100000003ul };
    CHECKV(VOP("sshl v0.4s, v1.4s, v2.4s", ZERO, a, mk(0x000000ff000000fcul, 0x0000002000000001ul)),
           0xc0000000ffffffffull, 0x0000000000000006ul);
    CHECKV(VOP("ushl v0.4s, v1.4s, v2.4s", ZERO, a, mk(0x000000ff000000fcul, 0x0000002000000001ul)),
           0x400000000fffffffull, 0x0000000000000006ul);
    /* SRSHL by -1 rounds: 3 -> 2, -3 -> -1; URSHL of 0xff by -8 -> 1 */
    CHECKV(VOP("srshl v0.8b, v1.8b, v2.8b", ZERO, mk(0xfd03, 0), mk(0xffff, 0)), 0xff02, 0);
    CHECKV(VOP("urshl v0.8b, v1.8b, v2.8b", ZERO, mk(0xff, 0), mk(0xf8, 0)), 0x01, 0);
    /* SQSHL by register: 0x40 << 1 saturates to 0x7f */
    CHECKVQ(VOP("sqshl v0.8b, v1.8b, v2.8b", ZERO, mk(0x2040, 0), mk(0x0101, 0)), 0x407f, 0, QC);
    CHECKVQ(VOP("uqrshl d0, d1, d2", ONES, mk(3, 0), mk(0xff, 0)), 2, 0, 0);
    /* by immediate */
    CHECKV(VOP("sshr v0.4s, v1.4s, #31", ZERO, a, ZERO), 0xffffffffffffffffull, 0);
    CHECKV(VOP("ushr v0.2d, v1.2d, #64", ONES, a, ZERO), 0, 0);
    CHECKV(VOP("sshr d0, d1, #64", ZERO, mk(0x8000000000000000ul, 0), ZERO), ~0ul, 0);
    CHECKV(VOP("shl v0.8h, v1.8h, #15", ZERO, mk(0x0003000200010000ul, 0), ZERO),
           0x8000000080000000ul, 0);
    CHECKV(VOP("urshr v0.16b, v1.16b, #8", ZERO, mk(0x807f, 0), ZERO), 0x0100, 0);
    CHECKV(VOP("srsra v0.4h, v1.4h, #2", mk(0x0001000100010001ul, 0), mk(0xfffafffe00060005ul, 0),
               ZERO), 0x0000000100030002ul, 0);
    CHECKV(VOP("usra d0, d1, #1", mk(1, 5), mk(~0ul, 7), ZERO), 0x8000000000000000ul, 0);
    /* SRI keeps the top n bits of d; SLI the bottom n */
    CHECKV(VOP("sri v0.8b, v1.8b, #4", mk(0xabab, 0), mk(0x1234, 0), ZERO), 0xa1a3, 0);
    CHECKV(VOP("sli v0.8b, v1.8b, #4", mk(0xabab, 0), mk(0x1234, 0), ZERO), 0x2b4b, 0);
    /* SQSHLU: signed in, unsigned saturated out */
    CHECKVQ(VOP("sqshlu v0.8b, v1.8b, #1", ZERO, mk(0x80407f01, 0), ZERO), 0x0080fe02, 0, QC);
    CHECKVQ(VOP("uqshl v0.8b, v1.8b, #1", ZERO, mk(0x80407f01, 0), ZERO), 0xff80fe02, 0, QC);
    /* narrowing shifts */
    CHECKV(VOP("shrn v0.8b, v1.8h, #4", ONES, mk(0x12340ff0fff0abcdul, 0), ZERO), 0x23ffffbc, 0);
    CHECKV(VOP("rshrn v0.8b, v1.8h, #4", ONES, mk(0x000800070018ffffull, 0), ZERO), 0x01000200, 0);
    CHECKVQ(VOP("sqrshrun v0.8b, v1.8h, #2", ONES, mk(0xfff804000002007eull, 0), ZERO),
            0x00ff0120, 0, QC);
    CHECKVQ(VOP("uqshrn2 v0.16b, v1.8h, #1", mk(7, 0), mk(0x0400000300020201ull, 0), ZERO),
            7, 0xff0101ff, QC);
    /* widening */
    CHECKV(VOP("sshll v0.8h, v1.8b, #1", ZERO, mk(0x807f, 0), ZERO), 0xff0000fe, 0);
    CHECKV(VOP("ushll2 v0.4s, v1.8h, #0", ZERO, mk(0, 0xffff0001ul), ZERO), 0x0000ffff00000001ul, 0);
    CHECKV(VOP("shll v0.8h, v1.8b, #8", ZERO, mk(0xff01, 0), ZERO), 0xff000100, 0);
}

static void compares_reduce(void)
{
    V a = { 0x0000ff7f80010200ul, 0 }, b = { 0x0001007f80ff0200ul, 0 };
    CHECKV(VOP("cmeq v0.8b, v1.8b, v2.8b", ONES, a, b), 0xff0000ffff00ffffull, 0);
    CHECKV(VOP("cmgt v0.8b, v1.8b, v2.8b", ZERO, a, b), 0x0000000000ff0000ull, 0);
    CHECKV(VOP("cmhi v0.8b, v1.8b, v2.8b", ZERO, a, b), 0x0000ff0000000000ull, 0);
    CHECKV(VOP("cmtst v0.8b, v1.8b, v2.8b", ZERO, a, b), 0x000000ffffffff00ull, 0);
    CHECKV(VOP("cmlt v0.8b, v1.8b, #0", ZERO, a, ZERO), 0x0000ff00ff000000ull, 0);
    CHECKV(VOP("cmle d0, d1, #0", ONES, mk(0, 0), ZERO), ~0ul, 0);
    CHECKV(VOP("cmge d0, d1, d2", ONES, mk(0x8000000000000000ul, 0), mk(0, 0)), 0, 0);
    /* pairwise and across lanes */
    CHECKV(VOP("addp v0.4s, v1.4s, v2.4s", ZERO, mk(0x0000000200000001ul, 0x0000000400000003ul),
               mk(0xffffffff00000001ul, 0x0000000600000005ul)), 0x0000000700000003ul, 0x0000000b00000000ul);
    CHECKV(VOP("addp d0, v1.2d", ONES, mk(5, 7), ZERO), 12, 0);
    CHECKV(VOP("smaxp v0.8b, v1.8b, v2.8b", ZERO, mk(0x7f80017f0102ff00ul, 0),
               mk(0x7f80017f0102ff00ul, 0)), 0x7f7f02007f7f0200ul, 0);
    CHECKV(VOP("addv b0, v1.16b", ONES, mk(0x0101010101010101ul, 0xff01010101010101ul), ZERO), 0x0e, 0);
    CHECKV(VOP("uaddlv h0, v1.16b", ONES, mk(~0ul, ~0ul), ZERO), 0x0ff0, 0);
    CHECKV(VOP("saddlv s0, v1.8h", ONES, mk(0x8000800080008000ul, 0x8000800080008000ul), ZERO),
           0xfffc0000, 0);
    CHECKV(VOP("umaxv b0, v1.8b", ONES, mk(0x0102037f80fe0506ul, ~0ul), ZERO), 0xfe, 0);
    CHECKV(VOP("sminv h0, v1.4h", ONES, mk(0x00017fff8000ffffull, 0), ZERO), 0x8000, 0);
    CHECKV(VOP("uaddlp v0.4h, v1.8b", ONES, mk(0xffff0102ff010000ul, 0), ZERO),
           0x01fe000301000000ull, 0);
    CHECKV(VOP("sadalp v0.2s, v1.4h", mk(0x0000000100000001ul, 0), mk(0xffffffff00017fffull, 0),
               ZERO), 0xffffffff00008001ull, 0);
}

static void three_different(void)
{
    V a = { 0x80ff7f0100000000ul, 0x00000000000000ffull }, b = { 0x80017f0200000000ul, 0x1 };
    CHECKV(VOP("saddl v0.8h, v1.8b, v2.8b", ZERO, a, b), 0, 0xff00000000fe0003ull);
    CHECKV(VOP("uaddl2 v0.8h, v1.16b, v2.16b", ZERO, a, b), 0x0100, 0);
    CHECKV(VOP("usubw v0.4s, v1.4s, v2.4h", ZERO, mk(5, 0), mk(6, 0)), 0xffffffff, 0);
    CHECKV(VOP("smull v0.4s, v1.4h, v2.4h", ZERO, mk(0x7fff8000, 0), mk(0x80008000, 0)),
           0xc000800040000000ull, 0);
    CHECKV(VOP("umlal v0.2d, v1.2s, v2.2s", mk(1, 2), mk(0xffffffffffffffffull, 0),
               mk(0x00000002ffffffffull, 0)), 0xfffffffe00000002ull, 0x200000000ull);
    CHECKVQ(VOP("sqdmull v0.4s, v1.4h, v2.4h", ZERO, mk(0x00028000, 0), mk(0x00038000, 0)),
            0x0000000c7fffffffull, 0, QC);
    CHECKVQ(VOP("sqdmlal s0, h1, h2", mk(0x7fffffff, 0), mk(1, 0), mk(1, 0)), 0x7fffffff, 0, QC);
    CHECKV(VOP("addhn v0.8b, v1.8h, v2.8h", ONES, mk(0x0001ff8012340080ull, 0),
               mk(0x00ffff8000010080ull, 0)), 0x01ff1201, 0);
    CHECKV(VOP("raddhn v0.8b, v1.8h, v2.8h", ONES, mk(0x0001ff8012340080ull, 0),
               mk(0x00ffff8000010080ull, 0)), 0x01ff1201, 0);
    CHECKV(VOP("subhn v0.4h, v1.4s, v2.4s", ONES, mk(0x0000000000000000ull, 0),
               mk(0x0000000000000001ull, 0)), 0xffff, 0);
    CHECKV(VOP("sabdl v0.8h, v1.8b, v2.8b", ZERO, mk(0x807f, 0), mk(0x7f80, 0)),
           0x00ff00ffull, 0);
    /* PMULL: 8-bit lanes and the 64-bit 128-bit product */
    CHECKV(VOP("pmull v0.8h, v1.8b, v2.8b", ZERO, mk(0xff80, 0), mk(0xff02, 0)),
           0x55550100ull, 0);
    CHECKV(VOP("pmull v0.1q, v1.1d, v2.1d", ZERO, mk(0x8000000000000000ul, 0), mk(2, 0)), 0, 1);
    CHECKV(VOP("pmull2 v0.1q, v1.2d, v2.2d", ZERO, mk(0, 0x8000000000000001ul),
               mk(0, 0x8000000000000001ul)), 1, 0x4000000000000000ul);
}

static void misc(void)
{
    CHECKV(VOP("cnt v0.8b, v1.8b", ONES, mk(0x0f0301ff80000107ul, 0), ZERO), 0x0402010801000103ul, 0);
    CHECKV(VOP("clz v0.4s, v1.4s", ZERO, mk(0x0000000100000000ul, 0x80000000ffffffffull), ZERO),
           0x0000001f00000020ull, 0);
    CHECKV(VOP("cls v0.8h, v1.8h", ZERO, mk(0xffff00000001c000ul, 0x8000), ZERO),
           0x000f000f000e0001ull, 0x000f000f000f0000ull);
    CHECKV(VOP("rbit v0.8b, v1.8b", ZERO, mk(0x0180f00f, 0), ZERO), 0x80010ff0, 0);
    CHECKV(VOP("not v0.16b, v1.16b", ZERO, mk(0xff00, 1), ZERO), ~0xff00ul, ~1ul);
    CHECKV(VOP("rev16 v0.8b, v1.8b", ZERO, mk(0x0102030405060708ul, 0), ZERO), 0x0201040306050807ul, 0);
    CHECKV(VOP("rev32 v0.8h, v1.8h", ZERO, mk(0x0102030405060708ul, 0x1122334455667788ul), ZERO),
           0x0304010207080506ul, 0x3344112277885566ul);
    CHECKV(VOP("rev64 v0.4s, v1.4s", ZERO, mk(0x0102030405060708ul, 0x1122334455667788ul), ZERO),
           0x0506070801020304ul, 0x5566778811223344ul);
}

static void by_element(void)
{
    V a = { 0x0004000300020001ul, 0x0008000700060005ul };
    V b = { 0x0000000000000000ul, 0x0000000a00000000ul };
    /* MUL .8H by element v2.h[6] (= 10) */
    CHECKV(VOP("mul v0.8h, v1.8h, v2.h[6]", ZERO, a, b), 0x0028001e0014000aul, 0x00500046003c0032ul);
    CHECKV(VOP("mla v0.4s, v1.4s, v2.s[3]", mk(1, 1), mk(0x0000000200000001ul, 0), b),
           0x000000140000000bul, 1);
    CHECKV(VOP("umull2 v0.4s, v1.8h, v2.h[6]", ZERO, a, b), 0x0000003c00000032ul, 0x0000005000000046ul);
    CHECKVQ(VOP("sqdmulh h0, h1, v2.h[0]", ONES, mk(0x8000, 0), mk(0x8000, 0)), 0x7fff, 0, QC);
}

static void permute_move(void)
{
    V a = { 0x0706050403020100ul, 0x0f0e0d0c0b0a0908ul };
    V b = { 0x1716151413121110ul, 0x1f1e1d1c1b1a1918ul };
    CHECKV(VOP("zip1 v0.16b, v1.16b, v2.16b", ZERO, a, b), 0x1303120211011000ul, 0x1707160615051404ul);
    CHECKV(VOP("zip2 v0.4s, v1.4s, v2.4s", ZERO, a, b), 0x1b1a19180b0a0908ul, 0x1f1e1d1c0f0e0d0cul);
    CHECKV(VOP("uzp1 v0.8h, v1.8h, v2.8h", ZERO, a, b), 0x0d0c090805040100ul, 0x1d1c191815141110ul);
    CHECKV(VOP("uzp2 v0.8b, v1.8b, v2.8b", ONES, a, b), 0x1715131107050301ul, 0);
    CHECKV(VOP("trn1 v0.4s, v1.4s, v2.4s", ZERO, a, b), 0x1312111003020100ul, 0x1b1a19180b0a0908ul);
    CHECKV(VOP("trn2 v0.2d, v1.2d, v2.2d", ZERO, a, b), 0x0f0e0d0c0b0a0908ul, 0x1f1e1d1c1b1a1918ul);
    CHECKV(VOP("ext v0.16b, v1.16b, v2.16b, #3", ZERO, a, b), 0x0a09080706050403ul, 0x1211100f0e0d0c0bul);
    CHECKV(VOP("ext v0.8b, v1.8b, v2.8b, #7", ONES, a, b), 0x1615141312111007ul, 0);
    /* TBL with one register: out of range -> 0; TBX leaves the byte */
    V idx = { 0x1000ff0f01020304ul, 0 };
    CHECKV(VOP("tbl v0.8b, {v1.16b}, v2.8b", ONES, a, idx), 0x0000000f01020304ul, 0);
    CHECKV(VOP("tbx v0.8b, {v1.16b}, v2.8b", ONES, a, idx), 0xff00ff0f01020304ul, 0);
    /* TBL with two registers (v1, v2) indexes 0..31 */
    V t3, idx2 = mk(0x1f1e100f01000080ul, 0x2000000000000011ul);
    asm volatile("ldr q1, [%1]\n ldr q2, [%2]\n ldr q3, [%3]\n tbl v0.16b, {v1.16b, v2.16b}, v3.16b\n"
                 "str q0, [%0]"
                 : : "r"(&t3), "r"(&a), "r"(&b), "r"(&idx2)
                 : "v0", "v1", "v2", "v3", "memory");
    CHECKV(t3, 0x1f1e100f01000000ul, 0x0000000000000011ul);
    /* DUP, INS, UMOV, SMOV */
    CHECKV(VOP("dup v0.8h, v1.h[5]", ZERO, a, ZERO), 0x0b0a0b0a0b0a0b0aul, 0x0b0a0b0a0b0a0b0aul);
    CHECKV(VOP("dup v0.2s, v1.s[3]", ONES, a, ZERO), 0x0f0e0d0c0f0e0d0cul, 0);
    CHECKV(VOP("mov v0.b[15], v1.b[0]", ZERO, mk(0x7f, 0), ZERO), 0, 0x7f00000000000000ul);
    CHECKV(VOP("dup b0, v1.b[9]", ONES, a, ZERO), 0x09, 0);
    uint64_t x, y;
    V top = mk(0, 0x8000000000000000ul);
    asm volatile("ldr q1, [%2]\n umov %w0, v1.h[7]\n smov %1, v1.b[15]"
                 : "=&r"(x), "=&r"(y) : "r"(&top) : "v1", "memory");
    CHECK(x, 0x8000);
    CHECK(y, 0xffffffffffffff80ul);
    V g;
    asm volatile("movi v0.2d, #0\n mov x9, #0x1234\n dup v0.4h, w9\n mov v0.d[1], x9\n str q0, [%0]"
                 : : "r"(&g) : "v0", "x9", "memory");
    CHECKV(g, 0x1234123412341234ul, 0x1234);
    /* modified immediates */
    CHECKV(VOP("movi v0.4s, #0xab, lsl #16", ZERO, ZERO, ZERO), 0x00ab000000ab0000ul, 0x00ab000000ab0000ul);
    CHECKV(VOP("movi v0.2s, #0xab, msl #16", ONES, ZERO, ZERO), 0x00abffff00abfffful, 0);
    CHECKV(VOP("mvni v0.8h, #0x12, lsl #8", ZERO, ZERO, ZERO), 0xedffedffedffedfful, 0xedffedffedffedfful);
    CHECKV(VOP("movi d0, #0xff00ff0000ffff00", ONES, ZERO, ZERO), 0xff00ff0000ffff00ul, 0);
    CHECKV(VOP("movi v0.16b, #0x5a", ZERO, ZERO, ZERO), 0x5a5a5a5a5a5a5a5aul, 0x5a5a5a5a5a5a5a5aul);
    CHECKV(VOP("orr v0.4h, #0x80, lsl #8", mk(1, 2), ZERO, ZERO), 0x8000800080008001ul, 0);
    CHECKV(VOP("bic v0.4s, #0xff", ONES, ZERO, ZERO), 0xffffff00ffffff00ul, 0xffffff00ffffff00ul);
    CHECKV(VOP("fmov v0.2d, #-1.5", ZERO, ZERO, ZERO), 0xbff8000000000000ul, 0xbff8000000000000ul);
    CHECKV(VOP("fmov v0.2s, #0.5", ONES, ZERO, ZERO), 0x3f0000003f000000ul, 0);
    /* bitwise */
    V p = { 0xff00ff00f0f0f0f0ul, 1 }, q = { 0x0ff00ff00ff00ff0ul, 3 };
    CHECKV(VOP("bic v0.16b, v1.16b, v2.16b", ZERO, p, q), 0xf000f000f000f000ul, 0);
    CHECKV(VOP("orn v0.8b, v1.8b, v2.8b", ZERO, p, q), 0xff0fff0ff0fff0fful, 0);
    CHECKV(VOP("bsl v0.16b, v1.16b, v2.16b", mk(0xffff0000ffff0000ul, 1), p, q),
           0xff000ff0f0f00ff0ul, 3);
    CHECKV(VOP("bit v0.16b, v1.16b, v2.16b", mk(0xffff0000ffff0000ul, 0), p, q),
           0xff0f0f00f0ff00f0ul, 1);
    CHECKV(VOP("bif v0.16b, v1.16b, v2.16b", mk(0xffff0000ffff0000ul, 0), p, q),
           0xfff0f000fff0f000ul, 0);
}

int main(void)
{
    arithmetic();
    saturating();
    shifts();
    compares_reduce();
    three_different();
    misc();
    by_element();
    permute_move();
    return test_summary("simd_int");
}
