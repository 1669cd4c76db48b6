/*
 * chardev-file.c — the file backend (output to a file, no input) and the
 * pipe backend (a pair of named pipes PATH.in/PATH.out, or one PATH used
 * both ways).
 */
#include "core/chardev-internal.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/error.h"

/* ---- file ---------------------------------------------------------------- */

static const char *const file_keys[] = {"path", "append", NULL};

static int file_parse(Opts *o, void *opaque, Error **errp)
{
    ChrFileConfig *cfg = opaque;
    cfg->path = opts_get(o, "path");
    if (!cfg->path || !*cfg->path) {
        error_setg(errp, "%s: file: parameter 'path' is missing",
                   o->option ? o->option : "-chardev");
        return -1;
    }
    return opts_get_bool(o, "append", false, &cfg->append, errp);
}

static int file_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrFileConfig *cfg = opaque;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (cfg->append ? O_APPEND : O_TRUNC);
    int fd = open(cfg->path, flags, 0666);
    if (fd < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot open '%s'", chr->id,
                         cfg->path);
        return -1;
    }
    /* Kept here because chr_fd_stop() forgets chr->out_fd before close(). */
    int *state = xmalloc(sizeof(int));
    *state = fd;
    chr->state = state;
    chr_set_filename(chr, "file:%s", cfg->path);
    chr_fd_start(chr, -1, fd);
    chr->open = true;
    return 0;
}

static void file_close(Chardev *chr)
{
    int *fd = chr->state;
    close(*fd);
    free(fd);
}

const ChrBackend chr_backend_file = {
    .name = "file",
    .desc = "write output to a file (path=PATH, append=on|off)",
    .keys = file_keys,
    .cfg_size = sizeof(ChrFileConfig),
    .parse = file_parse,
    .open = file_open,
    .close = file_close,
};

/* ---- pipe ---------------------------------------------------------------- */

typedef struct PipeState {
    int in_fd, out_fd;
} PipeState;

static const char *const pipe_keys[] = {"path", NULL};

static int pipe_parse(Opts *o, void *opaque, Error **errp)
{
    ChrPipeConfig *cfg = opaque;
    cfg->path = opts_get(o, "path");
    if (!cfg->path || !*cfg->path) {
        error_setg(errp, "%s: pipe: parameter 'path' is missing",
                   o->option ? o->option : "-chardev");
        return -1;
    }
    return 0;
}

/* O_RDWR: opening a FIFO for reading or writing alone blocks until the
 * other side opens it; read-write does not, and our own open end keeps a
 * peer that closes and reopens from looking like EOF. */
static int open_fifo(const char *path)
{
    return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

static int pipe_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrPipeConfig *cfg = opaque;
    char *in = xasprintf("%s.in", cfg->path);
    char *out = xasprintf("%s.out", cfg->path);
    int in_fd = open_fifo(in);
    int out_fd = in_fd >= 0 ? open_fifo(out) : -1;
    if (in_fd < 0 || out_fd < 0) {
        if (in_fd >= 0)
            close(in_fd);
        in_fd = out_fd = open_fifo(cfg->path);
        if (in_fd < 0) {
            error_setg_errno(errp, errno, "chardev '%s': cannot open '%s' or "
                             "'%s' and '%s'", chr->id, cfg->path, in, out);
            free(in);
            free(out);
            return -1;
        }
    }
    free(in);
    free(out);
    PipeState *ps = xmalloc(sizeof(*ps));
    ps->in_fd = in_fd;
    ps->out_fd = out_fd;
    chr->state = ps;
    chr_set_filename(chr, "pipe:%s", cfg->path);
    chr_fd_start(chr, in_fd, out_fd);
    chr->open = true;
    return 0;
}

static void pipe_close(Chardev *chr)
{
    PipeState *ps = chr->state;
    close(ps->in_fd);
    if (ps->out_fd != ps->in_fd)
        close(ps->out_fd);
    free(ps);
}

const ChrBackend chr_backend_pipe = {
    .name = "pipe",
    .desc = "named pipes PATH.in and PATH.out, or PATH both ways (path=PATH)",
    .keys = pipe_keys,
    .cfg_size = sizeof(ChrPipeConfig),
    .parse = pipe_parse,
    .open = pipe_open,
    .close = pipe_close,
};
