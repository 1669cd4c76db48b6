/*
 * branch.c — B, BL, B.cond (every condition, taken and not, against every
 * NZCV), CBZ/CBNZ (W forms ignore the upper half), TBZ/TBNZ (bits 0, 31,
 * 32, 63), BR/BLR/RET (X30 = the return address, BLR X30 reads the old
 * value), branches across pages and long loops (chained blocks).
 *
 * Expected results come from the ARM ARM's definitions (ConditionHolds,
 * the branch target pc + offset, BL/BLR writing pc + 4 to X30).
 */
#include "lib/test.h"

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

#define BCOND(cc, f) ({ uint64_t t_ = 0; asm volatile("msr nzcv, %1\nb." cc " 1f\nmov %0, #0\nb 2f\n" \
    "1: mov %0, #1\n2:" : "=&r"(t_) : "r"((uint64_t)(f)) : "cc"); t_; })

static void conditions(void)
{
    for (uint64_t k = 0; k < 16; k++) {
        uint64_t f = k << 28, got[16];
        got[0] = BCOND("eq", f); got[1] = BCOND("ne", f); got[2] = BCOND("cs", f);
        got[3] = BCOND("cc", f); got[4] = BCOND("mi", f); got[5] = BCOND("pl", f);
        got[6] = BCOND("vs", f); got[7] = BCOND("vc", f); got[8] = BCOND("hi", f);
        got[9] = BCOND("ls", f); got[10] = BCOND("ge", f); got[11] = BCOND("lt", f);
        got[12] = BCOND("gt", f); got[13] = BCOND("le", f); got[14] = BCOND("al", f);
        got[15] = BCOND("nv", f);
        for (unsigned c = 0; c < 16; c++)
            CHECK(got[c] | k << 8 | c << 4, (uint64_t)holds(c, f) | k << 8 | c << 4);
    }
}

#define TAKEN(ins, x) ({ uint64_t t_; asm volatile(ins ", 1f\nmov %0, #0\nb 2f\n1: mov %0, #1\n2:" \
    : "=&r"(t_) : "r"((uint64_t)(x))); t_; })

static void compare_branches(void)
{
    CHECK(TAKEN("cbz %x1", 0), 1);
    CHECK(TAKEN("cbz %x1", 0x100000000ul), 0);
    CHECK(TAKEN("cbz %w1", 0x100000000ul), 1);
    CHECK(TAKEN("cbnz %w1", 0xffffffff00000000ul), 0);
    CHECK(TAKEN("cbnz %x1", 0x8000000000000000ul), 1);
    CHECK(TAKEN("cbnz %w1", 1), 1);
    CHECK(TAKEN("tbz %x1, #0", 2), 1);
    CHECK(TAKEN("tbz %x1, #0", 3), 0);
    CHECK(TAKEN("tbnz %w1, #31", 0x80000000ul), 1);
    CHECK(TAKEN("tbnz %x1, #32", 0x80000000ul), 0);
    CHECK(TAKEN("tbnz %x1, #32", 0x100000000ul), 1);
    CHECK(TAKEN("tbz %x1, #63", 0x8000000000000000ul), 0);
    CHECK(TAKEN("tbnz %x1, #63", 0x8000000000000000ul), 1);
}

extern char ret_here[], far_target[], far_back[];
static void calls(void)
{
    uint64_t lr, t;
    asm volatile("bl 1f\n.globl ret_here\nret_here: b 2f\n1: mov %0, x30\nret\n2:" : "=&r"(lr) : : "x30");
    CHECK(lr, (uint64_t)ret_here);
    /* BLR with a register; X30 gets the return address */
    asm volatile("adr x9, 1f\nblr x9\n3: b 2f\n1: mov %0, x30\nret\n2: adr %1, 3b"
                 : "=&r"(lr), "=&r"(t) : : "x9", "x30");
    CHECK(lr, t);
    /* BLR X30: the target is read before X30 is written */
    asm volatile("adr x30, 1f\nblr x30\nmov %0, #0\nb 2f\n1: mov %0, #1\n2:" : "=&r"(t) : : "x30");
    CHECK(t, 1);
    /* RET to another register */
    asm volatile("adr x10, 1f\nret x10\nmov %0, #0\nb 2f\n1: mov %0, #2\n2:" : "=&r"(t) : : "x10");
    CHECK(t, 2);
    /* BR through a table */
    for (uint64_t i = 0; i < 3; i++) {
        asm volatile("adr x9, 1f\nldr x9, [x9, %1, lsl #3]\nbr x9\n"
                     ".balign 8\n1: .quad 3f, 4f, 5f\n"
                     "3: mov %0, #10\nb 6f\n4: mov %0, #20\nb 6f\n5: mov %0, #30\n6:"
                     : "=&r"(t) : "r"(i) : "x9");
        CHECK(t, 10 * (i + 1));
    }
    /* across a page and back (a far label in another page) */
    asm volatile("b far_target\n.globl far_back\nfar_back:" ::: "memory");
}
asm(".balign 4096\n.globl far_target\nfar_target: b far_back\n.balign 4096\n");

static void loops(void)
{
    uint64_t n = 100000, sum = 0;
    asm volatile("1: add %1, %1, %0\nsubs %0, %0, #1\nb.ne 1b" : "+r"(n), "+r"(sum) : : "cc");
    CHECK(sum, 5000050000ul);
    CHECK(n, 0);
    /* a loop whose body spans a page boundary */
    uint64_t c = 0;
    asm volatile("mov x9, #1000\nb 1f\n.balign 4096\n.skip 4088\n1: add %0, %0, #1\nadd %0, %0, #1\n"
                 "sub x9, x9, #1\ncbnz x9, 1b" : "+r"(c) : : "x9");
    CHECK(c, 2000);
}

int main(void)
{
    conditions();
    compare_branches();
    calls();
    loops();
    return test_summary("branch");
}
