/*
 * lse.c — the ARMv8.1 LSE atomics on `-cpu max` (isa-cpu: max): LDADD,
 * LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN, SWP at every size
 * (the old value returned zero-extended, signed comparisons at the
 * access size), the ST<op> aliases, CAS success and failure at every
 * size, CASP for W and X pairs, and the ID register: ID_AA64ISAR0_EL1
 * says Atomic = 2 (and CRC32 = 1) on max.
 *
 * Values worked by hand from the ARM ARM pseudocode (MemAtomic with the
 * operation on the access-size value).
 */
#include "lib/test.h"

asm(".arch_extension lse");

static uint64_t m[4] __attribute__((aligned(16)));

#define ATOM(ins, src, old) asm volatile(ins " %2, %0, [%1]" : "=&r"(old) : "r"(m), "r"((uint64_t)(src)) : "memory")

static void ops(void)
{
    uint64_t old;
    m[0] = 10;
    ATOM("ldadd", 5, old); CHECK(old, 10); CHECK(m[0], 15);
    ATOM("ldadda", -20ul, old); CHECK(old, 15); CHECK(m[0], (uint64_t)-5);
    m[0] = 0xff;
    asm volatile("ldclral %x2, %x0, [%1]" : "=&r"(old) : "r"(m), "r"(0x0ful) : "memory");
    CHECK(old, 0xff); CHECK(m[0], 0xf0);
    asm volatile("ldeorl %x2, %x0, [%1]" : "=&r"(old) : "r"(m), "r"(0xffful) : "memory");
    CHECK(old, 0xf0); CHECK(m[0], 0xf0f);
    asm volatile("ldset %x2, %x0, [%1]" : "=&r"(old) : "r"(m), "r"(0x10000ul) : "memory");
    CHECK(old, 0xf0f); CHECK(m[0], 0x10f0f);
    asm volatile("swpal %x2, %x0, [%1]" : "=&r"(old) : "r"(m), "r"(0x1234ul) : "memory");
    CHECK(old, 0x10f0f); CHECK(m[0], 0x1234);
    /* sizes: W, H, B write only their bytes; the old value is zero-extended */
    m[0] = 0xaaaaaaaaaaaaaaaaul;
    asm volatile("ldadd %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x55555556ul) : "memory");
    CHECK(old, 0xaaaaaaaaul); CHECK(m[0], 0xaaaaaaaa00000000ul);
    asm volatile("ldaddh %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0xffffffffffff0001ul) : "memory");
    CHECK(old, 0); CHECK(m[0], 0xaaaaaaaa00000001ul);
    asm volatile("ldsetb %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x180ul) : "memory");
    CHECK(old, 1); CHECK(m[0], 0xaaaaaaaa00000081ul);
    asm volatile("swpb %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x7ful) : "memory");
    CHECK(old, 0x81); CHECK(m[0], 0xaaaaaaaa0000007ful);
    /* signed/unsigned min/max at the access size */
    m[0] = 0x80;   /* byte: -128 signed, 128 unsigned */
    asm volatile("ldsmaxb %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x01ul) : "memory");
    CHECK(old, 0x80); CHECK(m[0], 0x01);
    asm volatile("ldsminb %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0xfful) : "memory");
    CHECK(old, 0x01); CHECK(m[0], 0xff);
    asm volatile("ldumaxb %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x7ful) : "memory");
    CHECK(old, 0xff); CHECK(m[0], 0xff);
    asm volatile("lduminb %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x7ful) : "memory");
    CHECK(old, 0xff); CHECK(m[0], 0x7f);
    m[0] = 0xffffffff;   /* W: -1 */
    asm volatile("ldsmax %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x80000000ul) : "memory");
    CHECK(old, 0xffffffff); CHECK(m[0], 0xffffffff);
    asm volatile("ldsmin %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x80000000ul) : "memory");
    CHECK(m[0], 0x80000000);
    m[0] = 0x8000000000000000ul;
    asm volatile("ldsmax %x2, %x0, [%1]" : "=&r"(old) : "r"(m), "r"(0x7ffffffffffffffful) : "memory");
    CHECK(m[0], 0x7ffffffffffffffful);
    asm volatile("ldumin %x2, %x0, [%1]" : "=&r"(old) : "r"(m), "r"(0x8000000000000000ul) : "memory");
    CHECK(m[0], 0x7ffffffffffffffful);
    asm volatile("ldsmaxh %w2, %w0, [%1]" : "=&r"(old) : "r"(m), "r"(0x8000ul) : "memory");
    CHECK(old, 0xffff); CHECK(m[0], 0x7ffffffffffffffful);
    /* ST<op> aliases */
    m[1] = 5;
    asm volatile("stadd %x1, [%0]\nstsetl %x2, [%0]" :: "r"(&m[1]), "r"(3ul), "r"(0x100ul) : "memory");
    CHECK(m[1], 0x108);
}

static void cas(void)
{
    uint64_t s;
    m[0] = 42;
    s = 42;
    asm volatile("cas %x0, %x2, [%1]" : "+r"(s) : "r"(m), "r"(7ul) : "memory");
    CHECK(s, 42); CHECK(m[0], 7);
    s = 42;
    asm volatile("casal %x0, %x2, [%1]" : "+r"(s) : "r"(m), "r"(9ul) : "memory");
    CHECK(s, 7); CHECK(m[0], 7);
    m[0] = 0x1111222233334444ul;
    s = 0xffffffff33334444ul;   /* only the low 32 bits compare */
    asm volatile("casa %w0, %w2, [%1]" : "+r"(s) : "r"(m), "r"(0x55556666ul) : "memory");
    CHECK(s, 0x33334444); CHECK(m[0], 0x1111222255556666ul);
    s = 0x6666;
    asm volatile("caslh %w0, %w2, [%1]" : "+r"(s) : "r"(m), "r"(0xfffful) : "memory");
    CHECK(s, 0x6666); CHECK(m[0], 0x111122225555fffful);
    s = 0x01;
    asm volatile("casb %w0, %w2, [%1]" : "+r"(s) : "r"(m), "r"(0x00ul) : "memory");
    CHECK(s, 0xff); CHECK(m[0], 0x111122225555fffful);
    /* CASP: 64-bit pair */
    m[0] = 1; m[1] = 2;
    register uint64_t x0 asm("x0") = 1, x1 asm("x1") = 2, x2 asm("x2") = 3, x3 asm("x3") = 4;
    asm volatile("caspal x0, x1, x2, x3, [%4]" : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(m) : "memory");
    uint64_t r0 = x0, r1 = x1;   /* the calls below clobber x0/x1 */
    CHECK(r0, 1); CHECK(r1, 2); CHECK(m[0], 3); CHECK(m[1], 4);
    x0 = 3; x1 = 5; x2 = 3; x3 = 4;
    asm volatile("casp x0, x1, x2, x3, [%4]" : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(m) : "memory");
    r0 = x0;
    r1 = x1;
    CHECK(r0, 3); CHECK(r1, 4); CHECK(m[0], 3); CHECK(m[1], 4);
    /* CASP: 32-bit pair */
    m[0] = 0x0000000200000001ul;
    register uint64_t x4 asm("x4") = 1, x5 asm("x5") = 2, x6 asm("x6") = 0xa, x7 asm("x7") = 0xb;
    asm volatile("caspl w4, w5, w6, w7, [%4]" : "+r"(x4), "+r"(x5) : "r"(x6), "r"(x7), "r"(m) : "memory");
    r0 = x4;
    r1 = x5;
    CHECK(r0, 1); CHECK(r1, 2); CHECK(m[0], 0x0000000b0000000aul);
}

static void idregs(void)
{
    uint64_t isar0;
    asm volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
    CHECK((isar0 >> 20) & 0xf, 2);   /* Atomic: LSE */
    CHECK((isar0 >> 16) & 0xf, 1);   /* CRC32 */
}

int main(void)
{
    ops();
    cas();
    idregs();
    return test_summary("lse");
}
