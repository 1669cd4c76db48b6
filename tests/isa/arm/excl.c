/*
 * excl.c — exclusives and acquire/release: LDXR/STXR (every size) succeed
 * on an untouched monitor and write only the low bits, a store-exclusive
 * without a load-exclusive fails and does not write, CLREX opens the
 * monitor, a second store-exclusive fails, a store-exclusive to another
 * address fails, LDXP/STXP of 32- and 64-bit pairs, LDAXR/STLXR,
 * LDAR/STLR every size, and an atomic increment loop.
 *
 * ARM ARM B2.9: a store-exclusive returns 0 in Ws when it writes, 1 when
 * it does not; CLREX clears the local monitor.
 */
#include "lib/test.h"

static uint64_t cell[4] __attribute__((aligned(16)));

static void basic(void)
{
    uint64_t v, st;
    cell[0] = 0x1122334455667788ul;
    asm volatile("ldxr %0, [%2]\nadd %0, %0, #1\nstxr %w1, %0, [%2]" : "=&r"(v), "=&r"(st) : "r"(cell) : "memory");
    CHECK(st, 0); CHECK(cell[0], 0x1122334455667789ul);
    asm volatile("ldxrb %w0, [%2]\nmov w9, #0xaa\nstxrb %w1, w9, [%2]" : "=&r"(v), "=&r"(st) : "r"(cell) : "x9", "memory");
    CHECK(v, 0x89); CHECK(st, 0); CHECK(cell[0], 0x11223344556677aaul);
    asm volatile("ldxrh %w0, [%2]\nmov w9, #0xbbbb\nstlxrh %w1, w9, [%2]" : "=&r"(v), "=&r"(st) : "r"(cell) : "x9", "memory");
    CHECK(v, 0x77aa); CHECK(st, 0); CHECK(cell[0], 0x112233445566bbbbul);
    asm volatile("ldaxr %w0, [%2]\nmov w9, #-1\nstxr %w1, w9, [%2]" : "=&r"(v), "=&r"(st) : "r"(cell) : "x9", "memory");
    CHECK(v, 0x5566bbbb); CHECK(st, 0); CHECK(cell[0], 0x11223344fffffffful);
    /* no load-exclusive first: fails, memory untouched */
    asm volatile("clrex\nstxr %w0, xzr, [%1]" : "=&r"(st) : "r"(cell) : "memory");
    CHECK(st, 1); CHECK(cell[0], 0x11223344fffffffful);
    /* CLREX between: fails */
    asm volatile("ldxr %0, [%2]\nclrex\nstxr %w1, xzr, [%2]" : "=&r"(v), "=&r"(st) : "r"(cell) : "memory");
    CHECK(st, 1); CHECK(cell[0], 0x11223344fffffffful);
    /* the second store-exclusive fails (the first cleared the monitor) */
    asm volatile("ldxr %0, [%2]\nstxr %w1, xzr, [%2]\nmov x9, #5\nstxr w10, x9, [%2]\norr %w1, %w1, w10, lsl #1"
                 : "=&r"(v), "=&r"(st) : "r"(cell) : "x9", "x10", "memory");
    CHECK(st, 2); CHECK(cell[0], 0);
    /* another address: fails */
    asm volatile("ldxr %0, [%2]\nadd x9, %2, #8\nmov x11, #7\nstxr %w1, x11, [x9]" : "=&r"(v), "=&r"(st) : "r"(cell)
                 : "x9", "x11", "memory");
    CHECK(st, 1); CHECK(cell[1], 0);
}

static void pairs(void)
{
    uint64_t a, b, st;
    cell[0] = 0x0101010102020202ul;
    cell[1] = 0x0303030304040404ul;
    asm volatile("ldxp %0, %1, [%3]\nstxp %w2, %1, %0, [%3]" : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(cell) : "memory");
    CHECK(a, 0x0101010102020202ul); CHECK(b, 0x0303030304040404ul); CHECK(st, 0);
    CHECK(cell[0], 0x0303030304040404ul); CHECK(cell[1], 0x0101010102020202ul);
    asm volatile("ldaxp %w0, %w1, [%3]\nstlxp %w2, %w1, %w0, [%3]" : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(cell) : "memory");
    CHECK(a, 0x04040404); CHECK(b, 0x03030303); CHECK(st, 0);
    CHECK(cell[0], 0x0404040403030303ul);
    asm volatile("clrex\nstxp %w0, xzr, xzr, [%1]" : "=&r"(st) : "r"(cell) : "memory");
    CHECK(st, 1); CHECK(cell[0], 0x0404040403030303ul);
}

static void acqrel(void)
{
    uint64_t v;
    asm volatile("stlr %1, [%0]" :: "r"(cell), "r"(0x8877665544332211ul) : "memory");
    asm volatile("ldar %0, [%1]" : "=r"(v) : "r"(cell)); CHECK(v, 0x8877665544332211ul);
    asm volatile("ldar %w0, [%1]" : "=r"(v) : "r"(cell)); CHECK(v, 0x44332211);
    asm volatile("ldarh %w0, [%1]" : "=r"(v) : "r"(cell)); CHECK(v, 0x2211);
    asm volatile("ldarb %w0, [%1]" : "=r"(v) : "r"(cell)); CHECK(v, 0x11);
    asm volatile("stlrb %w1, [%0]\nadd x9, %0, #2\nstlrh %w1, [x9]" :: "r"(cell), "r"(0xabcdul) : "x9", "memory");
    asm volatile("stlr %w1, [%0]" :: "r"((uint64_t)cell + 4), "r"(0xfeedfaceul) : "memory");
    CHECK(cell[0], 0xfeedfaceabcd22cdul);
}

static void counter(void)
{
    cell[2] = 0;
    for (int i = 0; i < 1000; i++)
        asm volatile("1: ldaxr x9, [%0]\nadd x9, x9, #3\nstlxr w10, x9, [%0]\ncbnz w10, 1b"
                     :: "r"(&cell[2]) : "x9", "x10", "memory");
    CHECK(cell[2], 3000);
}

int main(void)
{
    basic();
    pairs();
    acqrel();
    counter();
    return test_summary("excl");
}
