/*
 * stubs-memory-branch.c — temporary: removed at integration.
 *
 * core/log.c is written on another branch; core/memory.c needs log_mask and
 * log_printf (through qlog) to link, so minimal stand-ins live here until
 * the branches meet.
 */
#include "core/log.h"

uint32_t log_mask;

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}
