/*
 * common.h — the few definitions every ferry source file uses: standard
 * headers, small macros, allocation that never returns NULL, and the
 * link-time registration helper that registries (devices, machines, CPU
 * models, netdev types, monitor commands) are built on.
 */
#ifndef FERRY_COMMON_H
#define FERRY_COMMON_H

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define NORETURN __attribute__((noreturn))
#define PRINTF_FMT(fmt, args) __attribute__((format(printf, fmt, args)))
#define UNUSED __attribute__((unused))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1)) == 0)
#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/* Runs fn before main(): registries fill themselves at link time. */
#define REGISTER_AT_STARTUP(fn) \
    static void fn(void) __attribute__((constructor)); \
    static void fn(void)

/* Guest physical address. */
typedef uint64_t hwaddr;

/* Allocation: out of memory is fatal (the emulator cannot continue). */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_FMT(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTF_FMT(1, 0);

/*
 * A growable string for building messages and listings
 * (e.g. "valid choices: a, b, c").
 */
typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;
void sb_printf(StrBuf *sb, const char *fmt, ...) PRINTF_FMT(2, 3);
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) PRINTF_FMT(2, 0);
const char *sb_str(StrBuf *sb); /* "" when empty; owned by sb */
char *sb_steal(StrBuf *sb);     /* caller frees; sb is reset */
void sb_free(StrBuf *sb);

/* Host monotonic and wall clocks, in nanoseconds. */
int64_t host_monotonic_ns(void);
int64_t host_wall_ns(void);

#endif
