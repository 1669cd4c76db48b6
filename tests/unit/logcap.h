/*
 * logcap.h — captures the -d log in unit tests: logcap_start() sends
 * guest_errors and unimp items to a temporary file, logcap_take() returns
 * what was logged since the last take (caller frees) and empties the file,
 * logcap_stop() ends the capture.
 */
#ifndef FERRY_TEST_LOGCAP_H
#define FERRY_TEST_LOGCAP_H

#include <unistd.h>

#include "core/log.h"

static char logcap_path[] = "/tmp/ferry-test-logcap-XXXXXX";

static inline void logcap_start(void)
{
    static bool made;
    if (!made) {
        int fd = mkstemp(logcap_path);
        if (fd >= 0)
            close(fd);
        made = true;
    }
    Error *err = NULL;
    if (log_set_file(logcap_path, &err) < 0)
        error_report_err(err);
    log_mask = LOG_GUEST_ERROR | LOG_UNIMP;
}

static inline char *logcap_take(void)
{
    log_flush();
    FILE *f = fopen(logcap_path, "r");
    StrBuf sb = {0};
    char buf[512];
    size_t n;
    while (f && (n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
        buf[n] = 0;
        sb_printf(&sb, "%s", buf);
    }
    if (f)
        fclose(f);
    Error *err = NULL;
    if (log_set_file(logcap_path, &err) < 0)    /* truncates */
        error_report_err(err);
    return sb.len ? sb_steal(&sb) : xstrdup("");
}

/* True if the log since the last take contains needle (and empties it). */
static inline bool logcap_has(const char *needle)
{
    char *s = logcap_take();
    bool r = strstr(s, needle) != NULL;
    free(s);
    return r;
}

static inline void logcap_stop(void)
{
    log_mask = 0;
    unlink(logcap_path);
}

#endif
