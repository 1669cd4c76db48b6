/*
 * log.h — the -d/-D debug log. Items are bits in one mask; generated code
 * and hot paths test log_enabled() (one load and branch) before formatting.
 * `-d help` lists the items from the table in core/log.c; a new item is one
 * enum bit here and one row there.
 */
#ifndef FERRY_LOG_H
#define FERRY_LOG_H

#include "core/error.h"

enum {
    LOG_IN_ASM      = 1u << 0,  /* guest code of each translated block */
    LOG_OUT_ASM     = 1u << 1,  /* host code generated for each block */
    LOG_OP          = 1u << 2,  /* IR before and after optimization */
    LOG_INT         = 1u << 3,  /* interrupts and exceptions */
    LOG_EXEC        = 1u << 4,  /* each block executed */
    LOG_CPU         = 1u << 5,  /* CPU state before each block */
    LOG_GUEST_ERROR = 1u << 6,  /* guest did something invalid to a device/register */
    LOG_UNIMP       = 1u << 7,  /* guest used an unimplemented feature */
    LOG_MMU         = 1u << 8,  /* page-table walks and faults */
    LOG_JITSTATS    = 1u << 9,  /* translator statistics dump at exit */
    LOG_NET         = 1u << 10, /* network frame path */
    LOG_CHAIN       = 1u << 11, /* block chaining and unchaining */
};

extern uint32_t log_mask;

static inline bool log_enabled(uint32_t mask)
{
    return unlikely(log_mask & mask);
}

/* Parses a -d argument ("in_asm,int", "help"); returns the mask or -1. */
int64_t log_parse_items(const char *arg, Error **errp);
void log_print_help(FILE *out);
/* -D: log to FILE instead of stderr. */
int log_set_file(const char *path, Error **errp);
void log_printf(const char *fmt, ...) PRINTF_FMT(1, 2);
void log_flush(void);
FILE *log_file(void);

#define qlog(mask, ...) \
    do { if (log_enabled(mask)) log_printf(__VA_ARGS__); } while (0)

/* Disassemble code with capstone into the log. arch: "aarch64" or "x86_64". */
void log_disas(const char *arch, const void *code, size_t len, uint64_t addr);

#endif
