/*
 * ldst.c — loads and stores of general-purpose registers in every
 * addressing mode: unsigned offset (up to the largest scaled offset),
 * unscaled, pre-/post-index writeback, register offset (LSL, UXTW, SXTW,
 * SXTX, with and without the shift), literal, pairs (LDP/STP/LDPSW/
 * LDNP/STNP, all index modes), unprivileged (LDTR/STTR), every size and
 * sign extension, SP as the base, XZR as data, PRFM; and the CONSTRAINED
 * UNPREDICTABLE writeback-onto-Rt cases with the choice ferry documents
 * (QEMU's: a load's base writeback wins over the loaded value, a store
 * stores the register's old value, LDP Rt == Rt2 keeps Rt's value).
 *
 * Memory holds a known pattern: byte i of `mem` is pat(i); a load of n
 * bytes at offset k is then the little-endian combination of pat(k..k+n-1)
 * (ARM ARM: Mem[] little-endian). Expected values are written out by hand
 * where they are short.
 */
#include "lib/test.h"

#define MEMSZ 40000
static uint8_t mem[MEMSZ] __attribute__((aligned(16)));

static uint8_t pat(unsigned i)
{
    return (uint8_t)(i * 7 + (i >> 8) + 1);
}

static uint64_t le(unsigned k, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)pat(k + i) << (8 * i);
    return v;
}

static uint64_t sext(uint64_t v, unsigned bits)
{
    return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

static void fill(void)
{
    for (unsigned i = 0; i < MEMSZ; i++)
        mem[i] = pat(i);
}

static void immediate(void)
{
    uint64_t r, b = (uint64_t)mem;
    asm volatile("ldr %0, [%1, #8]" : "=r"(r) : "r"(b)); CHECK(r, le(8, 8));
    asm volatile("ldr %0, [%1, #32760]" : "=r"(r) : "r"(b)); CHECK(r, le(32760, 8));
    asm volatile("ldr %w0, [%1, #16380]" : "=r"(r) : "r"(b)); CHECK(r, le(16380, 4));
    asm volatile("ldrh %w0, [%1, #8190]" : "=r"(r) : "r"(b)); CHECK(r, le(8190, 2));
    asm volatile("ldrb %w0, [%1, #4095]" : "=r"(r) : "r"(b)); CHECK(r, le(4095, 1));
    asm volatile("ldur %0, [%1, #-1]" : "=r"(r) : "r"(b + 16)); CHECK(r, le(15, 8));
    asm volatile("ldur %0, [%1, #255]" : "=r"(r) : "r"(b)); CHECK(r, le(255, 8));
    asm volatile("ldur %w0, [%1, #-256]" : "=r"(r) : "r"(b + 300)); CHECK(r, le(44, 4));
    asm volatile("ldr %0, [%1, #3]" : "=r"(r) : "r"(b)); CHECK(r, le(3, 8));   /* assembled as LDUR */
    /* sign extension, every size */
    mem[100] = 0x80; mem[101] = 0x7f;
    asm volatile("ldrsb %0, [%1, #100]" : "=r"(r) : "r"(b)); CHECK(r, 0xffffffffffffff80ul);
    asm volatile("ldrsb %w0, [%1, #100]" : "=r"(r) : "r"(b)); CHECK(r, 0xffffff80ul);
    asm volatile("ldrsb %0, [%1, #101]" : "=r"(r) : "r"(b)); CHECK(r, 0x7f);
    asm volatile("ldrb %w0, [%1, #100]" : "=r"(r) : "r"(b)); CHECK(r, 0x80);
    mem[102] = 0x00; mem[103] = 0x80;
    asm volatile("ldrsh %0, [%1, #102]" : "=r"(r) : "r"(b)); CHECK(r, 0xffffffffffff8000ul);
    asm volatile("ldrsh %w0, [%1, #102]" : "=r"(r) : "r"(b)); CHECK(r, 0xffff8000ul);
    asm volatile("ldursh %w0, [%1, #101]" : "=r"(r) : "r"(b)); CHECK(r, 0x7f);
    mem[104] = 1; mem[105] = 2; mem[106] = 3; mem[107] = 0x84;
    asm volatile("ldrsw %0, [%1, #104]" : "=r"(r) : "r"(b)); CHECK(r, 0xffffffff84030201ul);
    asm volatile("ldursw %0, [%1, #103]" : "=r"(r) : "r"(b)); CHECK(r, 0x03020180ul);
    fill();
    /* stores, every size; readback through a plain load */
    uint64_t v = 0x1122334455667788ul;
    asm volatile("str %1, [%0, #64]\nstr %w1, [%0, #72]\nstrh %w1, [%0, #76]\nstrb %w1, [%0, #78]"
                 :: "r"(b), "r"(v) : "memory");
    asm volatile("ldr %0, [%1, #64]" : "=r"(r) : "r"(b)); CHECK(r, v);
    asm volatile("ldr %0, [%1, #72]" : "=r"(r) : "r"(b));
    CHECK(r, ((uint64_t)pat(79) << 56) | 0x0088778855667788ul);
    asm volatile("stur %1, [%0, #-3]" :: "r"(b + 200), "r"(v) : "memory");
    asm volatile("ldur %0, [%1, #197]" : "=r"(r) : "r"(b)); CHECK(r, v);
    /* XZR as data */
    asm volatile("str xzr, [%0, #80]" :: "r"(b) : "memory");
    asm volatile("ldr %0, [%1, #80]" : "=r"(r) : "r"(b)); CHECK(r, 0);
    asm volatile("ldr xzr, [%0, #88]" :: "r"(b));   /* loads, discards */
    fill();
}

static void writeback(void)
{
    uint64_t r, p, b = (uint64_t)mem;
    p = b;
    asm volatile("ldr %0, [%1], #8" : "=r"(r), "+r"(p)); CHECK(r, le(0, 8)); CHECK(p, b + 8);
    p = b;
    asm volatile("ldr %0, [%1, #8]!" : "=r"(r), "+r"(p)); CHECK(r, le(8, 8)); CHECK(p, b + 8);
    p = b + 256;
    asm volatile("ldrb %w0, [%1], #-256" : "=r"(r), "+r"(p)); CHECK(r, le(256, 1)); CHECK(p, b);
    p = b + 256;
    asm volatile("ldrsh %0, [%1, #-255]!" : "=r"(r), "+r"(p));
    CHECK(r, sext(le(1, 2), 16)); CHECK(p, b + 1);
    p = b + 32;
    asm volatile("str %w2, [%1, #-4]!" : "=r"(r), "+r"(p) : "r"(0xabcdef01ul) : "memory");
    CHECK(p, b + 28); CHECK(*(uint32_t *)(mem + 28), 0xabcdef01ul);
    p = b + 40;
    asm volatile("strh %w2, [%1], #255" : "=r"(r), "+r"(p) : "r"(0xbeeful) : "memory");
    CHECK(p, b + 295); CHECK(*(uint16_t *)(mem + 40), 0xbeef);
    fill();
    /* SP as the base, with writeback */
    uint64_t sp0, sp1;
    asm volatile("mov %0, sp\nmov x9, #0x77\nstr x9, [sp, #-16]!\nmov %1, sp\nldr %2, [sp], #16"
                 : "=&r"(sp0), "=&r"(sp1), "=&r"(r) : : "x9", "memory");
    CHECK(sp0 - sp1, 16); CHECK(r, 0x77);
    asm volatile("mov %0, sp" : "=r"(sp1)); CHECK(sp1, sp0);
    /* CONSTRAINED UNPREDICTABLE: Rt == Rn with writeback (ferry, as QEMU:
     * the writeback wins) */
    p = b;
    asm volatile("ldr %0, [%0], #8" : "+r"(p)); CHECK(p, b + 8);
    p = b;
    asm volatile("ldr %0, [%0, #16]!" : "+r"(p)); CHECK(p, b + 16);
    /* a store stores the value from before the writeback */
    p = b + 48;
    asm volatile("str %0, [%0], #8" : "+r"(p) : : "memory");
    CHECK(p, b + 56); CHECK(*(uint64_t *)(mem + 48), b + 48);
    p = b + 48;
    asm volatile("str %0, [%0, #8]!" : "+r"(p) : : "memory");
    CHECK(p, b + 56); CHECK(*(uint64_t *)(mem + 56), b + 48);
    fill();
}

static void regoffset(void)
{
    uint64_t r, b = (uint64_t)mem + 1024;
    asm volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(b), "r"(3ul)); CHECK(r, le(1048, 8));
    asm volatile("ldr %0, [%1, %2]" : "=r"(r) : "r"(b), "r"(3ul)); CHECK(r, le(1027, 8));
    asm volatile("ldr %w0, [%1, %w2, sxtw #2]" : "=r"(r) : "r"(b), "r"(~0ul));
    CHECK(r, le(1020, 4));
    asm volatile("ldr %w0, [%1, %w2, uxtw]" : "=r"(r) : "r"(b), "r"(0xdead000000000005ul));
    CHECK(r, le(1029, 4));
    asm volatile("ldr %w0, [%1, %w2, uxtw #2]" : "=r"(r) : "r"(b), "r"(0xdead000000000005ul));
    CHECK(r, le(1044, 4));
    asm volatile("ldrh %w0, [%1, %2, lsl #1]" : "=r"(r) : "r"(b), "r"(7ul)); CHECK(r, le(1038, 2));
    asm volatile("ldrb %w0, [%1, %2, lsl #0]" : "=r"(r) : "r"(b), "r"(7ul)); CHECK(r, le(1031, 1));
    asm volatile("ldrsw %0, [%1, %2, sxtx #2]" : "=r"(r) : "r"(b), "r"((uint64_t)-2));
    CHECK(r, sext(le(1016, 4), 32));
    asm volatile("ldrsb %w0, [%1, %w2, sxtw]" : "=r"(r) : "r"(b), "r"(0x00000000fffffff0ul));
    CHECK(r, sext(le(1008, 1), 8) & 0xffffffffu);
    asm volatile("str %1, [%0, %2, lsl #3]" :: "r"(b), "r"(0x0102030405060708ul), "r"(2ul)
                 : "memory");
    asm volatile("ldr %0, [%1, #16]" : "=r"(r) : "r"(b)); CHECK(r, 0x0102030405060708ul);
    asm volatile("prfm pldl1keep, [%0, %1, lsl #3]\nprfm pstl2strm, [%0, #8]\nprfum pldl3keep, [%0, #-1]"
                 :: "r"(b), "r"(5ul));
    fill();
}

static uint64_t lit64 = 0;
static void literal(void)
{
    uint64_t r;
    asm volatile("ldr %0, =0x123456789abcdef0" : "=r"(r)); CHECK(r, 0x123456789abcdef0ul);
    asm volatile("ldr %w0, 1f\nb 2f\n.balign 4\n1: .word 0x89abcdef\n2:" : "=r"(r)); CHECK(r, 0x89abcdef);
    asm volatile("ldrsw %0, 1f\nb 2f\n.balign 4\n1: .word 0x89abcdef\n2:" : "=r"(r));
    CHECK(r, 0xffffffff89abcdeful);
    asm volatile("ldr %0, 1f\nb 2f\n.balign 8\n1: .quad 0xfedcba9876543210\n2:" : "=r"(r));
    CHECK(r, 0xfedcba9876543210ul);
    asm volatile("prfm pldl1keep, 1f\n1:");
    (void)lit64;
}

static void pairs(void)
{
    uint64_t a, c, p, b = (uint64_t)mem + 512;
    asm volatile("ldp %0, %1, [%2, #16]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(528, 8)); CHECK(c, le(536, 8));
    asm volatile("ldp %0, %1, [%2, #-512]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(0, 8)); CHECK(c, le(8, 8));
    asm volatile("ldp %0, %1, [%2, #504]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(1016, 8)); CHECK(c, le(1024, 8));
    asm volatile("ldp %w0, %w1, [%2, #-4]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(508, 4)); CHECK(c, le(512, 4));
    asm volatile("ldp %w0, %w1, [%2, #252]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(764, 4)); CHECK(c, le(768, 4));
    mem[600] = 0; mem[601] = 0; mem[602] = 0; mem[603] = 0x80;
    asm volatile("ldpsw %0, %1, [%2, #88]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, 0xffffffff80000000ul); CHECK(c, sext(le(604, 4), 32));
    fill();
    p = b;
    asm volatile("ldp %0, %1, [%2], #-64" : "=&r"(a), "=&r"(c), "+r"(p));
    CHECK(a, le(512, 8)); CHECK(c, le(520, 8)); CHECK(p, b - 64);
    p = b;
    asm volatile("ldp %0, %1, [%2, #32]!" : "=&r"(a), "=&r"(c), "+r"(p));
    CHECK(a, le(544, 8)); CHECK(c, le(552, 8)); CHECK(p, b + 32);
    p = b;
    asm volatile("ldpsw %0, %1, [%2], #8" : "=&r"(a), "=&r"(c), "+r"(p));
    CHECK(a, sext(le(512, 4), 32)); CHECK(c, sext(le(516, 4), 32)); CHECK(p, b + 8);
    asm volatile("ldnp %0, %1, [%2, #8]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(520, 8)); CHECK(c, le(528, 8));
    asm volatile("ldnp %w0, %w1, [%2, #-8]" : "=&r"(a), "=&r"(c) : "r"(b));
    CHECK(a, le(504, 4)); CHECK(c, le(508, 4));
    p = b;
    asm volatile("stp %1, %2, [%0, #-16]!" : "+r"(p) : "r"(0x1111ul), "r"(0x2222ul) : "memory");
    CHECK(p, b - 16); CHECK(*(uint64_t *)(mem + 496), 0x1111); CHECK(*(uint64_t *)(mem + 504), 0x2222);
    p = b;
    asm volatile("stp %w1, %w2, [%0], #8" : "+r"(p) : "r"(0x33333333ul), "r"(0x44444444ul) : "memory");
    CHECK(p, b + 8); CHECK(*(uint64_t *)(mem + 512), 0x4444444433333333ul);
    asm volatile("stnp %1, xzr, [%0, #16]" :: "r"(b), "r"(0x5555ul) : "memory");
    CHECK(*(uint64_t *)(mem + 528), 0x5555); CHECK(*(uint64_t *)(mem + 536), 0);
    asm volatile("stnp %w1, %w1, [%0, #-4]" :: "r"(b + 64), "r"(0x66ul) : "memory");
    CHECK(*(uint64_t *)(mem + 572), 0x0000006600000066ul);
    fill();
    /* Rt == Rt2 (CONSTRAINED UNPREDICTABLE; ferry, as QEMU: Rt's value) */
    asm volatile("ldp %0, %0, [%1]" : "=&r"(a) : "r"(b)); CHECK(a, le(512, 8));
    /* STP of the base register with writeback stores the old value */
    p = b;
    asm volatile("stp %0, %0, [%0, #16]!" : "+r"(p) : : "memory");
    CHECK(p, b + 16); CHECK(*(uint64_t *)(mem + 528), b); CHECK(*(uint64_t *)(mem + 536), b);
    fill();
}

static void unprivileged(void)
{
    uint64_t r, b = (uint64_t)mem + 2048;
    asm volatile("ldtr %0, [%1, #8]" : "=r"(r) : "r"(b)); CHECK(r, le(2056, 8));
    asm volatile("ldtrsb %0, [%1, #-1]" : "=r"(r) : "r"(b)); CHECK(r, sext(le(2047, 1), 8));
    asm volatile("ldtrsh %w0, [%1]" : "=r"(r) : "r"(b)); CHECK(r, sext(le(2048, 2), 16) & 0xffffffffu);
    asm volatile("ldtrsw %0, [%1, #4]" : "=r"(r) : "r"(b)); CHECK(r, sext(le(2052, 4), 32));
    asm volatile("ldtrb %w0, [%1, #255]" : "=r"(r) : "r"(b)); CHECK(r, le(2303, 1));
    asm volatile("sttr %w1, [%0, #-256]" :: "r"(b), "r"(0xcafef00dul) : "memory");
    CHECK(*(uint32_t *)(mem + 1792), 0xcafef00d);
    asm volatile("sttrh %w1, [%0]\nsttrb %w1, [%0, #2]" :: "r"(b), "r"(0x1234ul) : "memory");
    CHECK(*(uint32_t *)(mem + 2048) & 0xffffff, 0x341234);
    fill();
}

int main(void)
{
    fill();
    immediate();
    writeback();
    regoffset();
    literal();
    pairs();
    unprivileged();
    return test_summary("ldst");
}
