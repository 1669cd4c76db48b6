/*
 * system.c — system registers and instructions EL0/EL1 code uses: NZCV,
 * DAIF (and DAIFSet/DAIFClr), FPCR/FPSR (writable bits, cumulative
 * flags), TPIDR_EL0/TPIDRRO_EL0, CTR_EL0/DCZID_EL0/MIDR_EL1 of the
 * Cortex-A57 (TRM values), CurrentEL, SPSel (banked stack pointers),
 * CNTFRQ/CNTVCT, DC ZVA (zeroes one aligned 64-byte block), cache
 * maintenance by VA, hints (NOP, YIELD, SEV, SEVL then WFE), barriers;
 * and semihosting (console, host files, errors, command line, heap, time).
 *
 * Expected values: DDI 0487 register descriptions; the Cortex-A57 TRM
 * (MIDR 0x411FD070 r1p0, CTR_EL0 0x8444C004, DCZID_EL0 4); the Arm
 * semihosting specification v2.
 */
#include "lib/test.h"

#define MRS(reg) ({ uint64_t v_; asm volatile("mrs %0, " reg : "=r"(v_)); v_; })
#define MSR(reg, v) asm volatile("msr " reg ", %0" :: "r"((uint64_t)(v)) : "memory")

static void registers(void)
{
    MSR("nzcv", 0xf0000000ul); CHECK(MRS("nzcv"), 0xf0000000ul);
    MSR("nzcv", 0xffffffff5ffffffful); CHECK(MRS("nzcv"), 0x50000000ul);
    MSR("nzcv", 0); CHECK(MRS("nzcv"), 0);
    MSR("tpidr_el0", 0x123456789abcdef0ul); CHECK(MRS("tpidr_el0"), 0x123456789abcdef0ul);
    MSR("tpidrro_el0", 0xfeedul); CHECK(MRS("tpidrro_el0"), 0xfeed);
    CHECK(MRS("ctr_el0"), 0x8444c004ul);
    CHECK(MRS("dczid_el0"), 4);
    CHECK(MRS("midr_el1"), 0x411fd070ul);
    CHECK(MRS("currentel"), 4);   /* EL1 */
    CHECK((MRS("id_aa64pfr0_el1") >> 16) & 0xff, 0);   /* FP and AdvSIMD implemented */
    CHECK(MRS("id_aa64isar0_el1") & 0xf0000, 0x10000);  /* CRC32 */
    CHECK(MRS("id_aa64isar0_el1") & 0xf00000, 0);       /* no LSE on Cortex-A57 */
    /* FPCR: RMode, FZ, DN, AHP are kept */
    MSR("fpcr", 0x07c00000ul); CHECK(MRS("fpcr"), 0x07c00000ul);
    MSR("fpcr", 0); CHECK(MRS("fpcr"), 0);
    MSR("fpsr", 0x0800009ful); CHECK(MRS("fpsr"), 0x0800009ful);
    MSR("fpsr", 0); CHECK(MRS("fpsr"), 0);
    /* DAIF */
    uint64_t d0 = MRS("daif");
    asm volatile("msr daifclr, #0xf" ::: "memory"); CHECK(MRS("daif"), 0);
    asm volatile("msr daifset, #0x5" ::: "memory"); CHECK(MRS("daif"), 0x140);
    MSR("daif", 0x3c0); CHECK(MRS("daif"), 0x3c0);
    MSR("daif", d0);
    /* SPSel: SP_EL0 and SP_EL1 are separate registers */
    uint64_t sp1, sp0a, sp0b;
    asm volatile("mov %0, sp\nmsr spsel, #0\nmov x9, #0x1230\nmov sp, x9\nmov %1, sp\n"
                 "msr spsel, #1\nmrs %2, spsel\nmsr spsel, #0\nmov %2, sp\nmsr spsel, #1"
                 : "=&r"(sp1), "=&r"(sp0a), "=&r"(sp0b) : : "x9", "memory");
    CHECK(sp0a, 0x1230); CHECK(sp0b, 0x1230);
    uint64_t now;
    asm volatile("mov %0, sp" : "=r"(now)); CHECK(now, sp1);
    CHECK(MRS("spsel"), 1);
}

static uint8_t zbuf[256] __attribute__((aligned(64)));

static void operations(void)
{
    memset(zbuf, 0xaa, sizeof(zbuf));
    asm volatile("dc zva, %0" :: "r"(zbuf + 64 + 17) : "memory");
    int ok = 1;
    for (int i = 0; i < 256; i++)
        ok &= zbuf[i] == ((i >= 64 && i < 128) ? 0 : 0xaa);
    CHECK(ok, 1);
    asm volatile("dc cvau, %0\ndc civac, %0\ndc cvac, %0\nic ivau, %0\ndsb ish\nisb" :: "r"(zbuf) : "memory");
    asm volatile("nop\nyield\nsev\nsevl\nwfe\nsevl\nwfe\ndmb ish\ndmb ishld\ndmb ishst\ndsb sy\nisb\n"
                 "hint #0x22\nhint #0x7f" ::: "memory");   /* BTI c, an unallocated hint: NOPs */
    CHECK(MRS("cntfrq_el0"), 62500000);
    uint64_t t0 = MRS("cntvct_el0"), t1;
    for (volatile int i = 0; i < 10000; i++)
        ;
    t1 = MRS("cntvct_el0");
    CHECK(t1 > t0, 1);
}

/* ---- semihosting ------------------------------------------------------------------------ */

static long sh(long op, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t block[3] = { a, b, c };
    return sh_call(op, block);
}

static void semihosting(void)
{
    static const char name[] = "a64-semihost-test.tmp";   /* in the working directory */
    static const char text[] = "hello, file\n";
    long h = sh(0x01, (uint64_t)name, 4 /* "w" */, sizeof(name) - 1);
    CHECK(h > 0, 1);
    CHECK(sh(0x05, h, (uint64_t)text, sizeof(text) - 1), 0);   /* SYS_WRITE: 0 left */
    CHECK(sh(0x0c, h, 0, 0), sizeof(text) - 1);               /* SYS_FLEN */
    CHECK(sh(0x02, h, 0, 0), 0);                                /* SYS_CLOSE */
    h = sh(0x01, (uint64_t)name, 0 /* "r" */, sizeof(name) - 1);
    CHECK(h > 0, 1);
    char buf[32];
    memset(buf, 0, sizeof(buf));
    CHECK(sh(0x0a, h, 7, 0), 0);                                /* SYS_SEEK */
    CHECK(sh(0x06, h, (uint64_t)buf, 10), 10 - 5);              /* SYS_READ: 5 read, 5 left */
    CHECK(memcmp(buf, "file\n", 5), 0);
    CHECK(sh(0x09, h, 0, 0), 0);                                /* SYS_ISTTY: a file */
    CHECK(sh(0x02, h, 0, 0), 0);
    CHECK(sh(0x0e, (uint64_t)name, sizeof(name) - 1, 0), 0);  /* SYS_REMOVE of our own file */
    CHECK(sh(0x01, (uint64_t)name, 0, sizeof(name) - 1), -1); /* gone */
    /* errors */
    static const char missing[] = "no-such-dir-a64/x";
    long e = sh(0x01, (uint64_t)missing, 0, sizeof(missing) - 1);
    CHECK(e, -1);
    CHECK(sh_call(0x13, 0), 2);                                 /* SYS_ERRNO: ENOENT */
    uint64_t st = (uint64_t)-1;
    CHECK(sh_call(0x08, &st) != 0, 1);                          /* SYS_ISERROR */
    st = 3;
    CHECK(sh_call(0x08, &st), 0);
    CHECK(sh(0x02, 77, 0, 0), -1);                              /* bad handle */
    /* the console */
    static const char tt[] = ":tt";
    long con = sh(0x01, (uint64_t)tt, 4, 3);
    CHECK(con > 0, 1);
    static const char msg[] = "semihosting console: SYS_WRITE\n";
    CHECK(sh(0x05, con, (uint64_t)msg, sizeof(msg) - 1), 0);
    long tty = sh(0x09, con, 0, 0);                             /* 1 on a terminal */
    CHECK(tty == 0 || tty == 1, 1);
    char c = '.';
    sh_call(0x03, &c);
    sh_call(0x04, (void *)"\n");
    /* command line, heap, time */
    uint64_t cmd[2] = { (uint64_t)buf, sizeof(buf) };
    memset(buf, 0, sizeof(buf));
    CHECK(sh_call(0x15, cmd), 0);
    CHECK(cmd[1] > 0 && cmd[1] < sizeof(buf), 1);
    CHECK(buf[cmd[1]], 0);
    uint64_t info[4] = { 0 }, *pinfo = info;
    CHECK(sh_call(0x16, &pinfo), 0);
    CHECK(info[0] != 0, 1);
    CHECK(sh_call(0x11, 0) > 1600000000, 1);                    /* SYS_TIME after 2020 */
    CHECK(sh_call(0x10, 0) >= 0, 1);                            /* SYS_CLOCK */
    uint64_t ticks = 0;
    CHECK(sh_call(0x30, &ticks), 0);                            /* SYS_ELAPSED */
    CHECK(sh_call(0x31, 0) > 0, 1);                             /* SYS_TICKFREQ */
}

int main(void)
{
    registers();
    operations();
    semihosting();
    return test_summary("system");
}
