/*
 * test.h — support for the bare-metal A64 test programs (tests/isa/arm):
 * semihosting console and exit, checks that report the line, the value
 * found and the value the ARM ARM says, and a summary.
 *
 * Programs are freestanding C (-mgeneral-regs-only) with inline assembly
 * for the instruction under test; main() returns the number of failures
 * and the program exits with it (0 = pass).
 */
#ifndef ISA_TEST_H
#define ISA_TEST_H

typedef unsigned long uint64_t;
typedef long int64_t;
typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned short uint16_t;
typedef unsigned char uint8_t;
typedef unsigned long size_t;

long sh_call(long op, void *arg);
void sh_write0(const char *s);
void sh_exit(int status) __attribute__((noreturn));
void put_hex(uint64_t v);
void put_dec(long v);

extern int test_failures, test_checks;
void check_eq(const char *file, int line, const char *what, uint64_t got, uint64_t want);
int test_summary(const char *name);

#define CHECK(got, want) check_eq(__FILE__, __LINE__, #got, (uint64_t)(got), (uint64_t)(want))

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* NZCV as bits 31:28 */
#define NF (1ul << 31)
#define ZF (1ul << 30)
#define CF (1ul << 29)
#define VF (1ul << 28)

#endif
