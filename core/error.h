/*
 * error.h — error values for functions that can fail, and the messages
 * people see. Functions that can fail take `Error **errp` last and return
 * a negative value / NULL / false on failure after setting *errp. Callers
 * that cannot recover print it with error_report_err(). The first error
 * set wins; later ones are dropped (so the innermost, most precise message
 * survives) — use error_prepend() to add context on the way out.
 */
#ifndef FERRY_ERROR_H
#define FERRY_ERROR_H

#include "core/common.h"

typedef struct Error {
    char *msg;
} Error;

void error_setg(Error **errp, const char *fmt, ...) PRINTF_FMT(2, 3);
void error_setg_errno(Error **errp, int err, const char *fmt, ...) PRINTF_FMT(3, 4);
void error_prepend(Error **errp, const char *fmt, ...) PRINTF_FMT(2, 3);
void error_propagate(Error **dst, Error *src);
void error_free(Error *err);
const char *error_get_msg(const Error *err);

/* The name messages start with: argv[0]'s basename ("ferry-system-aarch64"). */
void error_set_progname(const char *argv0);
const char *error_progname(void);

/* "<prog>: <msg>\n" on stderr. */
void error_report(const char *fmt, ...) PRINTF_FMT(1, 2);
void error_report_err(Error *err); /* prints and frees */
void warn_report(const char *fmt, ...) PRINTF_FMT(1, 2); /* "<prog>: warning: ..." */
void info_report(const char *fmt, ...) PRINTF_FMT(1, 2);

/* Print and exit with status 1: for bad command lines and start-up failures. */
NORETURN void fatal(const char *fmt, ...) PRINTF_FMT(1, 2);
NORETURN void fatal_err(Error *err);

/* Hooks run before any exit path (the stdio chardev restores the terminal). */
void exit_hook_add(void (*fn)(void));
void exit_hooks_run(void);

#endif
