/*
 * dp_imm.c — data processing (immediate): ADD/SUB/ADDS/SUBS (immediate)
 * with NZCV at the carry/overflow boundaries, logical immediates of every
 * element size and rotation (the assembler encodes them: the expected
 * value is the immediate written in the source), MOVZ/MOVN/MOVK, the
 * bitfield aliases (UBFX, SBFX, LSL, LSR, ASR, SXT*, UXT*, BFI, BFXIL,
 * SBFIZ, UBFIZ), EXTR/ROR, ADR/ADRP.
 *
 * Expected values are worked out by hand from the ARM ARM pseudocode
 * (AddWithCarry, DecodeBitMasks, the bitfield operations).
 */
#include "lib/test.h"

#define R1(ins, a) ({ uint64_t d_; asm volatile(ins : "=&r"(d_) : "r"((uint64_t)(a)) : "cc"); d_; })
#define R1F(ins, a, fl) ({ uint64_t d_; asm volatile("msr nzcv, xzr\n" ins "\nmrs %1, nzcv" \
    : "=&r"(d_), "=&r"(fl) : "r"((uint64_t)(a)) : "cc"); d_; })
#define R2(ins, a, b) ({ uint64_t d_; asm volatile(ins : "=&r"(d_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "cc"); d_; })

static void addsub(void)
{
    uint64_t f, r;
    r = R1F("adds %x0, %x2, #1", ~0ul, f);
    CHECK(r, 0); CHECK(f, ZF | CF);
    r = R1F("adds %w0, %w2, #1", 0x7ffffffful, f);
    CHECK(r, 0x80000000ul); CHECK(f, NF | VF);
    r = R1F("adds %w0, %w2, #2", 0xffffffff00000001ul, f);   /* upper half ignored */
    CHECK(r, 3); CHECK(f, 0);
    r = R1F("adds %x0, %x2, #1", 0x7ffffffffffffffful, f);
    CHECK(r, 0x8000000000000000ul); CHECK(f, NF | VF);
    r = R1F("subs %x0, %x2, #1", 0, f);
    CHECK(r, ~0ul); CHECK(f, NF);
    r = R1F("subs %w0, %w2, #0", 5, f);
    CHECK(r, 5); CHECK(f, CF);
    r = R1F("subs %w0, %w2, #1", 0x80000000ul, f);
    CHECK(r, 0x7ffffffful); CHECK(f, CF | VF);
    r = R1F("subs %x0, %x2, #1", 0x8000000000000000ul, f);
    CHECK(r, 0x7ffffffffffffffful); CHECK(f, CF | VF);
    r = R1F("subs %x0, %x2, #1, lsl #12", 0x1000, f);
    CHECK(r, 0); CHECK(f, ZF | CF);
    r = R1F("cmn %x2, #1\nmov %x0, xzr", ~0ul, f);
    CHECK(f, ZF | CF);
    r = R1F("cmp %w2, #4095", 4094, f);
    CHECK(f, NF);
    /* flags untouched by ADD/SUB */
    f = NF | CF;
    asm volatile("msr nzcv, %1\nadd %x0, %x0, #4095, lsl #12\nmrs %1, nzcv"
                 : "+r"(r), "+r"(f) : : "cc");
    CHECK(f, NF | CF);
    r = R1("sub %w0, %w1, #1", 0);
    CHECK(r, 0xfffffffful);
    r = R1("add %x0, %x1, #0xabc, lsl #12", 0x1000000000000000ul);
    CHECK(r, 0x1000000000abc000ul);
    /* SP as operand and destination */
    uint64_t sp0, sp1;
    asm volatile("mov %0, sp\nadd %1, sp, #16" : "=&r"(sp0), "=&r"(sp1));
    CHECK(sp1 - sp0, 16);
    asm volatile("mov x9, sp\nsub sp, sp, #32\nmov %0, sp\nmov sp, x9" : "=&r"(sp1) : : "x9");
    CHECK(sp0 - sp1, 32);
    /* ADD (immediate) writing WSP zero-extends */
    asm volatile("mov x9, sp\nadd wsp, w9, #0\nmov %0, sp\nmov sp, x9" : "=&r"(sp1) : : "x9");
    CHECK(sp1, sp0 & 0xffffffffu);
}

static void logic(void)
{
    uint64_t f, r;
    r = R1("orr %x0, xzr, #0x5555555555555555", 0); CHECK(r, 0x5555555555555555ul);
    r = R1("orr %x0, xzr, #0xaaaaaaaaaaaaaaaa", 0); CHECK(r, 0xaaaaaaaaaaaaaaaaul);
    r = R1("orr %x0, xzr, #0x3333333333333333", 0); CHECK(r, 0x3333333333333333ul);
    r = R1("orr %x0, xzr, #0x6666666666666666", 0); CHECK(r, 0x6666666666666666ul);
    r = R1("orr %x0, xzr, #0x0f0f0f0f0f0f0f0f", 0); CHECK(r, 0x0f0f0f0f0f0f0f0ful);
    r = R1("orr %x0, xzr, #0x7f7f7f7f7f7f7f7f", 0); CHECK(r, 0x7f7f7f7f7f7f7f7ful);
    r = R1("orr %x0, xzr, #0x00ff00ff00ff00ff", 0); CHECK(r, 0x00ff00ff00ff00fful);
    r = R1("orr %x0, xzr, #0xff0000ffff0000ff", 0); CHECK(r, 0xff0000ffff0000fful);
    r = R1("orr %x0, xzr, #0x0000ffff0000ffff", 0); CHECK(r, 0x0000ffff0000fffful);
    r = R1("orr %x0, xzr, #0x00000000ffffffff", 0); CHECK(r, 0x00000000fffffffful);
    r = R1("orr %x0, xzr, #0x7fffffffffffffff", 0); CHECK(r, 0x7ffffffffffffffful);
    r = R1("orr %x0, xzr, #0x8000000000000000", 0); CHECK(r, 0x8000000000000000ul);
    r = R1("orr %x0, xzr, #0xfffffffffffffffe", 0); CHECK(r, 0xfffffffffffffffeul);
    r = R1("orr %x0, xzr, #1", 0); CHECK(r, 1);
    r = R1("orr %x0, xzr, #0xc000000000000001", 0); CHECK(r, 0xc000000000000001ul);
    r = R1("orr %x0, xzr, #0x8000000080000000", 0); CHECK(r, 0x8000000080000000ul);
    r = R1("orr %w0, wzr, #0xfffffff0", 0); CHECK(r, 0xfffffff0ul);
    r = R1("orr %w0, wzr, #0x80000001", 0); CHECK(r, 0x80000001ul);
    r = R1("orr %w0, wzr, #0x55555555", 0); CHECK(r, 0x55555555ul);
    r = R1("and %x0, %x1, #0xff00", 0x123456789abcdef0ul); CHECK(r, 0xde00);
    r = R1("eor %x0, %x1, #0xffff0000ffff0000", 0x123456789abcdef0ul); CHECK(r, 0xedcb56786543def0ul);
    r = R1("eor %w0, %w1, #0x1", 0xffffffff00000000ul); CHECK(r, 1);
    r = R1("and %w0, %w1, #0xfffffffe", 0xfffffffffffffffful); CHECK(r, 0xfffffffeul);
    r = R1F("ands %x0, %x2, #0x8000000000000000", 0x8000000000000001ul, f);
    CHECK(r, 0x8000000000000000ul); CHECK(f, NF);
    r = R1F("ands %w0, %w2, #0xff", 0x100, f);
    CHECK(r, 0); CHECK(f, ZF);
    r = R1F("ands %w0, %w2, #0x80000000", 0xffffffff80000000ul, f);
    CHECK(r, 0x80000000ul); CHECK(f, NF);
    /* ANDS clears C and V */
    f = CF | VF;
    asm volatile("msr nzcv, %1\nands %x0, %x0, #1\nmrs %1, nzcv" : "+r"(r), "+r"(f) : : "cc");
    CHECK(f, ZF);
    /* AND may write SP */
    uint64_t sp0, sp1;
    asm volatile("mov x9, sp\nmov %0, sp\nand sp, x9, #~0xff\nmov %1, sp\nmov sp, x9"
                 : "=&r"(sp0), "=&r"(sp1) : : "x9");
    CHECK(sp1, sp0 & ~0xfful);
}

static void movewide(void)
{
    uint64_t r;
    r = R1("movz %x0, #0x1234, lsl #48", 0); CHECK(r, 0x1234000000000000ul);
    r = R1("movz %w0, #0xffff, lsl #16", 0); CHECK(r, 0xffff0000ul);
    r = R1("movn %x0, #0", 0); CHECK(r, ~0ul);
    r = R1("movn %w0, #0", 0); CHECK(r, 0xfffffffful);
    r = R1("movn %x0, #0x1234, lsl #16", 0); CHECK(r, 0xffffffffedcbfffful);
    r = R1("movn %w0, #0x1234, lsl #16", 0); CHECK(r, 0xedcbfffful);
    r = R1("mov %x0, %x1\nmovk %x0, #0xbeef, lsl #32", ~0ul); CHECK(r, 0xffffbeeffffffffful);
    r = R1("mov %x0, %x1\nmovk %w0, #0x1234", ~0ul); CHECK(r, 0xffff1234ul);
    r = R1("mov %x0, %x1\nmovk %x0, #0, lsl #48", ~0ul); CHECK(r, 0x0000fffffffffffful);
}

static void bitfield(void)
{
    uint64_t r, x = 0x123456789abcdef0ul;
    r = R1("ubfx %x0, %x1, #4, #8", x); CHECK(r, 0xef);
    r = R1("sbfx %x0, %x1, #4, #8", x); CHECK(r, 0xffffffffffffffeful);
    r = R1("sbfx %x0, %x1, #0, #64", x); CHECK(r, x);
    r = R1("ubfx %x0, %x1, #63, #1", x); CHECK(r, 0);
    r = R1("lsl %x0, %x1, #60", 0xf); CHECK(r, 0xf000000000000000ul);
    r = R1("lsl %x0, %x1, #1", x); CHECK(r, 0x2468acf13579bde0ul);
    r = R1("lsl %w0, %w1, #31", 3); CHECK(r, 0x80000000ul);
    r = R1("lsr %w0, %w1, #31", 0x80000000ul); CHECK(r, 1);
    r = R1("lsr %x0, %x1, #63", x); CHECK(r, 0);
    r = R1("asr %w0, %w1, #31", 0x80000000ul); CHECK(r, 0xfffffffful);
    r = R1("asr %x0, %x1, #4", 0x8000000000000000ul); CHECK(r, 0xf800000000000000ul);
    r = R1("sxtb %x0, %w1", 0x80); CHECK(r, 0xffffffffffffff80ul);
    r = R1("sxtb %w0, %w1", 0x17f); CHECK(r, 0x7f);
    r = R1("sxth %w0, %w1", 0x8000); CHECK(r, 0xffff8000ul);
    r = R1("sxtw %x0, %w1", 0x80000000ul); CHECK(r, 0xffffffff80000000ul);
    r = R1("uxtb %w0, %w1", 0x1ff); CHECK(r, 0xff);
    r = R1("uxth %w0, %w1", 0xffff1234ul); CHECK(r, 0x1234);
    r = R1("mov %x0, #-1\nbfi %x0, %x1, #8, #16", 0x1234); CHECK(r, 0xffffffffff1234fful);
    r = R1("mov %x0, #-1\nbfi %x0, %x1, #60, #4", 0x5); CHECK(r, 0x5ffffffffffffffful);
    r = R1("mov %x0, #0xaaaaaaaaaaaaaaaa\nbfxil %w0, %w1, #16, #8", 0x00ab0000ul);
    CHECK(r, 0xaaaaaaabul);
    r = R1("mov %x0, #0\nbfxil %x0, %x1, #32, #32", x); CHECK(r, 0x12345678ul);
    r = R1("sbfiz %x0, %x1, #32, #8", 0x80); CHECK(r, 0xffffff8000000000ul);
    r = R1("ubfiz %w0, %w1, #28, #4", 0xff); CHECK(r, 0xf0000000ul);
    r = R1("ubfiz %x0, %x1, #1, #63", ~0ul); CHECK(r, ~1ul);
    r = R1("sbfiz %w0, %w1, #4, #4", 0x8); CHECK(r, 0xffffff80ul);
}

static void extract(void)
{
    uint64_t r;
    r = R1("ror %x0, %x1, #8", 0x0123456789abcdeful); CHECK(r, 0xef0123456789abcdul);
    r = R1("ror %w0, %w1, #4", 0x12345678ul); CHECK(r, 0x81234567ul);
    r = R2("extr %x0, %x1, %x2, #16", 0x1111222233334444ul, 0x5555666677778888ul);
    CHECK(r, 0x4444555566667777ul);
    r = R2("extr %w0, %w1, %w2, #8", 0x11223344ul, 0x55667788ul); CHECK(r, 0x44556677ul);
    r = R2("extr %x0, %x1, %x2, #0", 1, 2); CHECK(r, 2);
    r = R2("extr %x0, %x1, %x2, #63", 0x4000000000000001ul, 0x8000000000000000ul);
    CHECK(r, 0x8000000000000003ul);
    r = R2("extr %w0, %w1, %w2, #31", 0xffffffff00000001ul, 0x80000000ul); CHECK(r, 3);
}

extern char adr_target[];
asm(".balign 4096\n.globl adr_target\nadr_target: .quad 0\n.balign 4\n");

static void pcrel(void)
{
    uint64_t a, b;
    asm volatile("adr %0, adr_target\nldr %1, =adr_target" : "=r"(a), "=r"(b));
    CHECK(a, b);
    asm volatile("adrp %0, adr_target\nldr %1, =adr_target" : "=r"(a), "=r"(b));
    CHECK(a, b & ~0xffful);
    asm volatile("adr %0, 1f\n1: ldr %1, =1b" : "=r"(a), "=r"(b));
    CHECK(a, b);
    CHECK((uint64_t)adr_target & 0xfff, 0);
}

int main(void)
{
    addsub();
    logic();
    movewide();
    bitfield();
    extract();
    pcrel();
    return test_summary("dp_imm");
}
