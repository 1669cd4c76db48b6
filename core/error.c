/*
 * error.c — Error values and the messages people see on stderr.
 */
#include "core/error.h"

#include <pthread.h>

static const char *progname = "ferry";

void error_set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    progname = slash ? slash + 1 : argv0;
}

const char *error_progname(void)
{
    return progname;
}

static void error_vsetg(Error **errp, const char *fmt, va_list ap)
{
    if (!errp || *errp) {
        return;
    }
    Error *e = xmalloc(sizeof(*e));
    e->msg = xvasprintf(fmt, ap);
    *errp = e;
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vsetg(errp, fmt, ap);
    va_end(ap);
}

void error_setg_errno(Error **errp, int err, const char *fmt, ...)
{
    if (!errp || *errp)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    error_setg(errp, "%s: %s", m, strerror(err));
    free(m);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    if (!errp || !*errp)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *prefix = xvasprintf(fmt, ap);
    va_end(ap);
    char *m = xasprintf("%s%s", prefix, (*errp)->msg);
    free(prefix);
    free((*errp)->msg);
    (*errp)->msg = m;
}

void error_propagate(Error **dst, Error *src)
{
    if (!src)
        return;
    if (dst && !*dst)
        *dst = src;
    else
        error_free(src);
}

void error_free(Error *err)
{
    if (err) {
        free(err->msg);
        free(err);
    }
}

const char *error_get_msg(const Error *err)
{
    return err ? err->msg : "";
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    char *m = xvasprintf(fmt, ap);
    fprintf(stderr, "%s: %s%s\n", progname, kind, m);
    free(m);
}

void error_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("info: ", fmt, ap);
    va_end(ap);
}

void error_report_err(Error *err)
{
    if (err) {
        error_report("%s", err->msg);
        error_free(err);
    }
}

#define MAX_EXIT_HOOKS 16
static void (*exit_hooks[MAX_EXIT_HOOKS])(void);
static int n_exit_hooks;
static pthread_mutex_t exit_hooks_lock = PTHREAD_MUTEX_INITIALIZER;

void exit_hook_add(void (*fn)(void))
{
    pthread_mutex_lock(&exit_hooks_lock);
    for (int i = 0; i < n_exit_hooks; i++) {
        if (exit_hooks[i] == fn) {
            pthread_mutex_unlock(&exit_hooks_lock);
            return;
        }
    }
    if (n_exit_hooks == MAX_EXIT_HOOKS)
        abort(); /* a programming error: raise MAX_EXIT_HOOKS */
    exit_hooks[n_exit_hooks++] = fn;
    pthread_mutex_unlock(&exit_hooks_lock);
}

/* Runs each hook at most once, newest first; safe to call more than once. */
void exit_hooks_run(void)
{
    for (;;) {
        void (*fn)(void) = NULL;
        pthread_mutex_lock(&exit_hooks_lock);
        if (n_exit_hooks > 0)
            fn = exit_hooks[--n_exit_hooks];
        pthread_mutex_unlock(&exit_hooks_lock);
        if (!fn)
            return;
        fn();
    }
}

NORETURN void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    exit_hooks_run();
    exit(1);
}

NORETURN void fatal_err(Error *err)
{
    error_report_err(err);
    exit_hooks_run();
    exit(1);
}
