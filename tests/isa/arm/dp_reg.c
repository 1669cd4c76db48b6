/*
 * dp_reg.c — data processing (register): shifted and extended ADD/SUB
 * (shift amounts 0 and the maximum, every extend), logical (shifted),
 * ADC/ADCS/SBC/SBCS at the carry/overflow boundaries, CCMP/CCMN (taken
 * and not), the CSEL family and every condition against every NZCV
 * value, RBIT/REV16/REV32/REV/CLZ/CLS, UDIV/SDIV (by 0, INT_MIN / -1), variable
 * shifts (counts taken modulo the width), CRC32/CRC32C check values,
 * MADD/MSUB/SMADDL/UMADDL/SMSUBL/UMSUBL/SMULH/UMULH.
 *
 * Expected values: the ARM ARM pseudocode worked by hand; CRC check
 * values are the published ones for "123456789" (CRC-32 0xCBF43926,
 * CRC-32C 0xE3069283); RBIT of the test pattern was reversed by hand.
 */
#include "lib/test.h"

asm(".arch_extension crc");

#define R2(ins, a, b) ({ uint64_t d_; asm volatile(ins : "=&r"(d_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "cc"); d_; })
#define R3(ins, a, b, c) ({ uint64_t d_; asm volatile(ins : "=&r"(d_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)), "r"((uint64_t)(c)) : "cc"); d_; })
/* with NZCV in and out: %1 holds the flags */
#define R2F(ins, a, b, fl) ({ uint64_t d_; asm volatile("msr nzcv, %1\n" ins "\nmrs %1, nzcv" \
    : "=&r"(d_), "+r"(fl) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "cc"); d_; })
#define R1(ins, a) ({ uint64_t d_; asm volatile(ins : "=&r"(d_) : "r"((uint64_t)(a)) : "cc"); d_; })

static void shifted_extended(void)
{
    uint64_t f, r;
    CHECK(R2("add %x0, %x1, %x2, lsl #4", 1, 0x10), 0x101);
    CHECK(R2("add %x0, %x1, %x2, lsl #0", 1, 2), 3);
    CHECK(R2("add %x0, %x1, %x2, lsl #63", 0, 3), 0x8000000000000000ul);
    CHECK(R2("sub %w0, %w1, %w2, asr #31", 5, 0x80000000ul), 6);
    CHECK(R2("sub %w0, %w1, %w2, lsr #31", 5, 0x80000000ul), 4);
    CHECK(R2("add %w0, %w1, %w2, lsl #31", 0xffffffff00000000ul, 1), 0x80000000ul);
    f = 0;
    r = R2F("adds %x0, %x2, %x3, lsr #63", 0x7ffffffffffffffful, 0x8000000000000000ul, f);
    CHECK(r, 0x8000000000000000ul); CHECK(f, NF | VF);
    f = 0;
    r = R2F("subs %w0, %w2, %w3, asr #4", 0, 0x80000000ul, f);
    CHECK(r, 0x08000000ul); CHECK(f, 0);
    CHECK(R2("add %x0, %x1, %w2, uxtb #2", 0x1000, 0x1ff), 0x13fc);
    CHECK(R2("add %x0, %x1, %w2, uxth", 0x1000, 0x12345), 0x3345);
    CHECK(R2("add %x0, %x1, %w2, uxtw #4", 0, 0x1ffffffff), 0xffffffff0ul);
    CHECK(R2("add %x0, %x1, %x2, uxtx #1", 1, 0x8000000000000001ul), 3);
    CHECK(R2("add %x0, %x1, %w2, sxtb", 0, 0x80), 0xffffffffffffff80ul);
    CHECK(R2("add %x0, %x1, %w2, sxth #3", 0, 0x8000), 0xfffffffffffc0000ul);
    CHECK(R2("add %x0, %x1, %w2, sxtw", 0x100000000ul, 0x80000000ul), 0x80000000ul);
    CHECK(R2("sub %x0, %x1, %x2, sxtx #2", 0, 1), 0xfffffffffffffffcul);
    CHECK(R2("add %w0, %w1, %w2, sxtb", 0x10, 0xff), 0xf);
    f = 0;
    R2F("cmp %x2, %w3, sxth", 0xffffffffffff8000ul, 0x8000, f);
    CHECK(f, ZF | CF);
    /* extended register with SP as the first operand and destination */
    uint64_t sp0, sp1;
    asm volatile("mov %0, sp\nmov x9, sp\nmov x10, #3\nsub sp, sp, x10, uxtx #4\nmov %1, sp\nmov sp, x9"
                 : "=&r"(sp0), "=&r"(sp1) : : "x9", "x10");
    CHECK(sp0 - sp1, 48);
}

static void logical(void)
{
    uint64_t f, r;
    CHECK(R2("and %x0, %x1, %x2, ror #4", ~0ul, 0xf), 0xf000000000000000ul);
    CHECK(R2("bic %w0, %w1, %w2, lsl #8", 0xfffffffful, 0xff), 0xffff00fful);
    CHECK(R2("orn %x0, xzr, %x2", 0, 0), ~0ul);
    CHECK(R2("orn %w0, wzr, %w2", 0, 0), 0xfffffffful);
    CHECK(R2("eon %w0, %w1, %w2", 0x0f0f0f0ful, 0x00ff00fful), 0xf00ff00ful);
    CHECK(R2("eor %w0, %w1, %w2, ror #16", 0, 0x12345678ul), 0x56781234ul);
    CHECK(R2("orr %x0, %x1, %x2, asr #63", 0, 0x8000000000000000ul), ~0ul);
    CHECK(R2("orr %w0, wzr, %w2", 0, 0xffffffff12345678ul), 0x12345678ul);
    CHECK(R2("mov %x0, %x2", 0, 0xffffffff12345678ul), 0xffffffff12345678ul);
    f = CF | VF;
    r = R2F("ands %x0, %x2, %x3, asr #1", ~0ul, 0x8000000000000000ul, f);
    CHECK(r, 0xc000000000000000ul); CHECK(f, NF);
    f = CF | VF;
    r = R2F("bics %w0, %w2, %w3", 0xff, 0xff, f);
    CHECK(r, 0); CHECK(f, ZF);
    f = 0;
    R2F("tst %w2, %w3, lsl #31", 0x80000000ul, 1, f);
    CHECK(f, NF);
}

static void carry(void)
{
    uint64_t f, r;
    f = CF;
    r = R2F("adcs %x0, %x2, %x3", ~0ul, 0, f); CHECK(r, 0); CHECK(f, ZF | CF);
    f = CF;
    r = R2F("adcs %w0, %w2, %w3", 0x7ffffffful, 0, f); CHECK(r, 0x80000000ul); CHECK(f, NF | VF);
    f = 0;
    r = R2F("sbcs %x0, %x2, %x3", 0, 0, f); CHECK(r, ~0ul); CHECK(f, NF);
    f = CF;
    r = R2F("sbcs %x0, %x2, %x3", 0, 0, f); CHECK(r, 0); CHECK(f, ZF | CF);
    f = 0;
    r = R2F("sbc %w0, %w2, %w3", 5, 3, f); CHECK(r, 1); CHECK(f, 0);
    f = CF;
    r = R2F("adc %x0, %x2, %x3", 1, 2, f); CHECK(r, 4); CHECK(f, CF);
    f = CF;
    r = R2F("sbcs %w0, %w2, %w3", 0x80000000ul, 1, f); CHECK(r, 0x7ffffffful); CHECK(f, CF | VF);
    f = CF;
    r = R2F("adcs %x0, %x2, %x3", 0x7ffffffffffffffful, ~0ul, f);
    CHECK(r, 0x7ffffffffffffffful); CHECK(f, CF);
    f = CF;
    r = R2F("adcs %x0, %x2, %x3", ~0ul, ~0ul, f); CHECK(r, ~0ul); CHECK(f, NF | CF);
    f = 0;
    r = R2F("adcs %w0, %w2, %w3", 0xfffffffful, 1, f); CHECK(r, 0); CHECK(f, ZF | CF);
    f = CF;
    r = R2F("ngcs %w0, %w3", 0, 0, f); CHECK(r, 0); CHECK(f, ZF | CF);
    f = 0;
    r = R2F("ngc %x0, %x3", 0, 0, f); CHECK(r, ~0ul);
    f = 0;
    r = R2F("sbcs %x0, %x2, %x3", 0x8000000000000000ul, 0, f);
    CHECK(r, 0x7ffffffffffffffful); CHECK(f, CF | VF);
}

static void condcompare(void)
{
    uint64_t f;
    f = ZF;
    R2F("ccmp %x2, %x3, #0xf, eq", 5, 5, f); CHECK(f, ZF | CF);
    f = 0;
    R2F("ccmp %x2, %x3, #0x9, eq", 5, 5, f); CHECK(f, NF | VF);
    f = 0;
    R2F("ccmn %w2, #3, #0, ne", 0xfffffffdul, 0, f); CHECK(f, ZF | CF);
    f = NF;
    R2F("ccmp %x2, #31, #4, al", 31, 0, f); CHECK(f, ZF | CF);
    f = 0;
    R2F("ccmp %x2, %x3, #2, nv", 1, 2, f); CHECK(f, NF);
    f = CF;   /* HI needs C && !Z: true */
    R2F("ccmp %w2, %w3, #0, hi", 0x80000000ul, 1, f); CHECK(f, CF | VF);
    f = CF | ZF;   /* HI false: the immediate */
    R2F("ccmp %w2, %w3, #0xa, hi", 0x80000000ul, 1, f); CHECK(f, NF | CF);
    f = VF;   /* GE false (N != V) */
    R2F("ccmn %x2, %x3, #1, ge", 1, 1, f); CHECK(f, VF);
    f = NF | VF;   /* GT true */
    R2F("ccmn %x2, %x3, #1, gt", 0x7ffffffffffffffful, 1, f); CHECK(f, NF | VF);
}

/* ConditionHolds() as the ARM ARM words it */
static int holds(unsigned cond, uint64_t f)
{
    int n = !!(f & NF), z = !!(f & ZF), c = !!(f & CF), v = !!(f & VF), r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: r = 1; break;
    }
    return (cond & 1) && cond != 15 ? !r : r;
}

#define CSET_ALL(f, out) do {                                                   \
    asm volatile("msr nzcv, %16\n"                                              \
                 "cset %w0, eq\ncset %w1, ne\ncset %w2, cs\ncset %w3, cc\n"     \
                 "cset %w4, mi\ncset %w5, pl\ncset %w6, vs\ncset %w7, vc\n"     \
                 "cset %w8, hi\ncset %w9, ls\ncset %w10, ge\ncset %w11, lt\n"   \
                 "cset %w12, gt\ncset %w13, le\ncsinc %w14, wzr, wzr, nv\n"     \
                 "csinc %w15, wzr, wzr, al\n"                                    \
                 : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3]),  \
                   "=&r"(out[4]), "=&r"(out[5]), "=&r"(out[6]), "=&r"(out[7]),  \
                   "=&r"(out[8]), "=&r"(out[9]), "=&r"(out[10]), "=&r"(out[11]), \
                   "=&r"(out[12]), "=&r"(out[13]), "=&r"(out[14]), "=&r"(out[15]) \
                 : "r"(f) : "cc");                                              \
} while (0)

static void condselect(void)
{
    uint64_t f;
    f = ZF;
    CHECK(R2F("csel %x0, %x2, %x3, eq", 1, 2, f), 1);
    f = 0;
    CHECK(R2F("csel %x0, %x2, %x3, eq", 1, 2, f), 2);
    f = ZF;
    CHECK(R2F("csinc %w0, %w2, %w3, ne", 1, 0xfffffffful, f), 0);
    f = NF;
    CHECK(R2F("csinv %x0, %x2, %x3, lt", 7, 2, f), 7);
    f = NF;
    CHECK(R2F("csneg %x0, %x2, %x3, ge", 7, 1, f), ~0ul);
    f = NF;
    CHECK(R2F("csneg %w0, %w2, %w3, ge", 7, 1, f), 0xfffffffful);
    f = CF;
    CHECK(R2F("cset %w0, hi", 0, 0, f), 1);
    f = CF | ZF;
    CHECK(R2F("cset %w0, hi", 0, 0, f), 0);
    f = NF;
    CHECK(R2F("csetm %x0, mi", 0, 0, f), ~0ul);
    f = 0;
    CHECK(R2F("cinc %x0, %x2, pl", 41, 0, f), 42);
    f = 0;
    CHECK(R2F("cneg %x0, %x2, vc", 5, 0, f), (uint64_t)-5);
    f = 0;
    CHECK(R2F("csinv %w0, %w2, %w3, vs", 0, 0xffffffff00000000ul, f), 0xfffffffful);
    /* every condition against every NZCV */
    for (uint64_t k = 0; k < 16; k++) {
        uint64_t out[16];
        uint64_t fl = k << 28;
        CSET_ALL(fl, out);
        for (unsigned cond = 0; cond < 14; cond++)
            CHECK(out[cond] | (k << 8) | (cond << 4), (uint64_t)holds(cond, fl) | (k << 8) | (cond << 4));
        /* NV and AL both hold: csinc wzr, wzr gives 0 */
        CHECK(out[14], 0);
        CHECK(out[15], 0);
    }
}

static void onesource(void)
{
    CHECK(R1("rbit %x0, %x1", 1), 0x8000000000000000ul);
    CHECK(R1("rbit %x0, %x1", 0x0123456789abcdeful), 0xf7b3d591e6a2c480ul);
    CHECK(R1("rbit %w0, %w1", 0xffffffff12345678ul), 0x1e6a2c48ul);
    CHECK(R1("rev16 %x0, %x1", 0x0123456789abcdeful), 0x23016745ab89efcdul);
    CHECK(R1("rev16 %w0, %w1", 0xffffffff01234567ul), 0x23016745ul);
    CHECK(R1("rev32 %x0, %x1", 0x0123456789abcdeful), 0x67452301efcdab89ul);
    CHECK(R1("rev %x0, %x1", 0x0123456789abcdeful), 0xefcdab8967452301ul);
    CHECK(R1("rev %w0, %w1", 0xffffffff01234567ul), 0x67452301ul);
    CHECK(R1("clz %x0, %x1", 0), 64);
    CHECK(R1("clz %x0, %x1", 1), 63);
    CHECK(R1("clz %x0, %x1", 0xffffffff00000000ul), 0);
    CHECK(R1("clz %w0, %w1", 0x8000), 16);
    CHECK(R1("clz %w0, %w1", 0xffffffff00000000ul), 32);
    CHECK(R1("cls %x0, %x1", 0), 63);
    CHECK(R1("cls %x0, %x1", ~0ul), 63);
    CHECK(R1("cls %x0, %x1", 1), 62);
    CHECK(R1("cls %x0, %x1", 0x4000000000000000ul), 0);
    CHECK(R1("cls %x0, %x1", 0xc000000000000000ul), 1);
    CHECK(R1("cls %w0, %w1", 0xffff0000ul), 15);
    CHECK(R1("cls %w0, %w1", 0), 31);
    CHECK(R1("cls %w0, %w1", 0x80000000ul), 0);
    CHECK(R1("cls %w0, %w1", 0x100000000ul), 31);
}

static void twosource(void)
{
    CHECK(R2("udiv %x0, %x1, %x2", 100, 7), 14);
    CHECK(R2("udiv %x0, %x1, %x2", 100, 0), 0);
    CHECK(R2("udiv %x0, %x1, %x2", ~0ul, 1), ~0ul);
    CHECK(R2("udiv %w0, %w1, %w2", 0xfffffffful, 2), 0x7ffffffful);
    CHECK(R2("udiv %w0, %w1, %w2", 0x100000010ul, 0x100000002ul), 8);
    CHECK(R2("sdiv %x0, %x1, %x2", (uint64_t)-100, 7), (uint64_t)-14);
    CHECK(R2("sdiv %x0, %x1, %x2", 100, (uint64_t)-7), (uint64_t)-14);
    CHECK(R2("sdiv %x0, %x1, %x2", 0x8000000000000000ul, ~0ul), 0x8000000000000000ul);
    CHECK(R2("sdiv %w0, %w1, %w2", 0x80000000ul, 0xfffffffful), 0x80000000ul);
    CHECK(R2("sdiv %x0, %x1, %x2", 5, 0), 0);
    CHECK(R2("sdiv %w0, %w1, %w2", 0xfffffff9ul, 2), 0xfffffffdul);
    CHECK(R2("lsl %x0, %x1, %x2", 1, 64), 1);
    CHECK(R2("lsl %x0, %x1, %x2", 1, 65), 2);
    CHECK(R2("lsl %w0, %w1, %w2", 1, 32), 1);
    CHECK(R2("lsl %w0, %w1, %w2", 3, 31), 0x80000000ul);
    CHECK(R2("lsr %w0, %w1, %w2", 0x80000000ul, 31), 1);
    CHECK(R2("lsr %w0, %w1, %w2", 0xffffffff80000000ul, 63), 1);
    CHECK(R2("asr %w0, %w1, %w2", 0x80000000ul, 31), 0xfffffffful);
    CHECK(R2("asr %x0, %x1, %x2", 0x8000000000000000ul, 127), ~0ul);
    CHECK(R2("ror %w0, %w1, %w2", 0x12345678ul, 36), 0x81234567ul);
    CHECK(R2("ror %x0, %x1, %x2", 1, 1), 0x8000000000000000ul);
    CHECK(R2("ror %x0, %x1, %x2", 0x1234, 0), 0x1234);
}

static uint64_t crc_of_123456789(int castagnoli)
{
    uint64_t acc = 0xffffffff;
    uint64_t eight = 0x3837363534333231ul;   /* "12345678" little-endian */
    if (castagnoli)
        asm("crc32cx %w0, %w0, %x1\nmov w9, #0x39\ncrc32cb %w0, %w0, w9" : "+r"(acc) : "r"(eight) : "x9");
    else
        asm("crc32x %w0, %w0, %x1\nmov w9, #0x39\ncrc32b %w0, %w0, w9" : "+r"(acc) : "r"(eight) : "x9");
    return acc ^ 0xffffffff;
}

static void crc(void)
{
    CHECK(crc_of_123456789(0), 0xcbf43926);
    CHECK(crc_of_123456789(1), 0xe3069283);
    /* the same bytes as halfwords and words */
    uint64_t acc = 0xffffffff;
    asm("crc32w %w0, %w0, %w1\ncrc32h %w0, %w0, %w2\ncrc32h %w0, %w0, %w3\nmov w9, #0x39\ncrc32b %w0, %w0, w9"
        : "+r"(acc) : "r"(0x34333231ul), "r"(0x3635ul), "r"(0x3837ul) : "x9");
    CHECK(acc ^ 0xffffffff, 0xcbf43926);
    acc = 0xffffffff;
    asm("crc32cw %w0, %w0, %w1\ncrc32ch %w0, %w0, %w2\ncrc32ch %w0, %w0, %w3\nmov w9, #0x39\ncrc32cb %w0, %w0, w9"
        : "+r"(acc) : "r"(0x34333231ul), "r"(0x3635ul), "r"(0x3837ul) : "x9");
    CHECK(acc ^ 0xffffffff, 0xe3069283);
    /* only the low bits of the data register and of the accumulator count */
    acc = 0xabcd0000ffffffff;
    asm("crc32b %w0, %w0, %w1" : "+r"(acc) : "r"(0xffffff31ul));
    uint64_t acc2 = 0xffffffff;
    asm("crc32b %w0, %w0, %w1" : "+r"(acc2) : "r"(0x31ul));
    CHECK(acc, acc2);
    CHECK(acc >> 32, 0);
}

static void threesource(void)
{
    CHECK(R3("madd %x0, %x1, %x2, %x3", 3, 4, 5), 17);
    CHECK(R3("msub %x0, %x1, %x2, %x3", 3, 4, 5), (uint64_t)-7);
    CHECK(R3("madd %w0, %w1, %w2, %w3", 0xfffffffful, 2, 3), 1);
    CHECK(R3("mul %x0, %x1, %x2", 0x100000001ul, 0x100000001ul, 0), 0x200000001ul);
    CHECK(R3("smaddl %x0, %w1, %w2, %x3", 0xfffffffeul, 3, 10), 4);
    CHECK(R3("umaddl %x0, %w1, %w2, %x3", 0xfffffffeul, 3, 10), 0x300000004ul);
    CHECK(R3("smsubl %x0, %w1, %w2, %x3", 0xfffffffeul, 3, 10), 16);
    CHECK(R3("umsubl %x0, %w1, %w2, %x3", 0xfffffffeul, 3, 10), 0xfffffffd00000010ul);
    CHECK(R3("smull %x0, %w1, %w2", 0x80000000ul, 0x80000000ul, 0), 0x4000000000000000ul);
    CHECK(R3("umull %x0, %w1, %w2", 0xfffffffful, 0xfffffffful, 0), 0xfffffffe00000001ul);
    CHECK(R3("smulh %x0, %x1, %x2", ~0ul, ~0ul, 0), 0);
    CHECK(R3("smulh %x0, %x1, %x2", 0x8000000000000000ul, 2, 0), ~0ul);
    CHECK(R3("umulh %x0, %x1, %x2", ~0ul, ~0ul, 0), 0xfffffffffffffffeul);
    CHECK(R3("umulh %x0, %x1, %x2", 0x8000000000000000ul, 4, 0), 2);
    CHECK(R3("mneg %x0, %x1, %x2", 3, 4, 0), (uint64_t)-12);
}

int main(void)
{
    shifted_extended();
    logical();
    carry();
    condcompare();
    condselect();
    onesource();
    twosource();
    crc();
    threesource();
    return test_summary("dp_reg");
}
