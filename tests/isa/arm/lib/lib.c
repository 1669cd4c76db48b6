/*
 * lib.c — the freestanding support library of the bare-metal A64 test
 * programs: semihosting calls (Arm semihosting v2: HLT #0xF000, operation
 * in W0, parameter in X1), number printing, checks and the summary.
 */
#include "test.h"

int test_failures, test_checks;

long sh_call(long op, void *arg)
{
    register long x0 asm("x0") = op;
    register void *x1 asm("x1") = arg;
    asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void sh_write0(const char *s)
{
    sh_call(0x04, (void *)s);
}

void sh_exit(int status)
{
    uint64_t block[2] = { 0x20026, (uint64_t)status };   /* ADP_Stopped_ApplicationExit */
    sh_call(0x20, block);
    for (;;)
        ;
}

void put_hex(uint64_t v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    buf[18] = 0;
    sh_write0(buf);
}

void put_dec(long v)
{
    char buf[24];
    int i = 23;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    sh_write0(buf + i);
}

void check_eq(const char *file, int line, const char *what, uint64_t got, uint64_t want)
{
    test_checks++;
    if (got == want)
        return;
    test_failures++;
    sh_write0("FAIL ");
    sh_write0(file);
    sh_write0(":");
    put_dec(line);
    sh_write0(": ");
    sh_write0(what);
    sh_write0(" = ");
    put_hex(got);
    sh_write0(", expected ");
    put_hex(want);
    sh_write0("\n");
}

int test_summary(const char *name)
{
    sh_write0(test_failures ? "FAIL " : "PASS ");
    sh_write0(name);
    sh_write0(": ");
    put_dec(test_checks);
    sh_write0(" checks, ");
    put_dec(test_failures);
    sh_write0(" failed\n");
    return test_failures != 0;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}
