/*
 * chardev.c — the chardev core: the registry, -chardev and legacy spec
 * parsing, the frontend interface, and the fd I/O that most backends share
 * (polling with flow control, queued non-blocking output). Also the two
 * smallest backends: null, and fd (an existing fd pair, for tests).
 * Other backends live in core/chardev-*.c.
 */
#include "core/chardev-internal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "core/error.h"

/* The registry (chardev.h makes it global: chardev_find by id). */
static Chardev *chardevs;

static const ChrBackend *const backends[] = {
    &chr_backend_file,
    &chr_backend_null,
    &chr_backend_pipe,
    &chr_backend_pty,
    &chr_backend_ringbuf,
    &chr_backend_socket,
    &chr_backend_stdio,
    &chr_backend_mux,
    &chr_backend_fd,
};

const ChrBackend *chardev_backend_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        if (!strcmp(backends[i]->name, name))
            return backends[i];
    }
    return NULL;
}

static char *backend_names(void)
{
    StrBuf sb = {0};
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        if (backends[i]->internal)
            continue;
        sb_printf(&sb, "%s%s", sb.len ? ", " : "", backends[i]->name);
    }
    return sb_steal(&sb);
}

void chardev_print_help(FILE *out)
{
    fprintf(out, "Available chardev backend types:\n");
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        const ChrBackend *be = backends[i];
        if (be->internal)
            continue;
        fprintf(out, "  %-8s %s\n", be->name, be->desc);
    }
    fprintf(out, "Common options: id=ID (required), mux=on|off\n");
}

static void print_backend_keys(FILE *out, const ChrBackend *be)
{
    fprintf(out, "%s: %s\nOptions: id, mux", be->name, be->desc);
    for (const char *const *k = be->keys; k && *k; k++)
        fprintf(out, ", %s", *k);
    fprintf(out, "\n");
}

Chardev *chardev_find(const char *id)
{
    for (Chardev *c = chardevs; c; c = c->next) {
        if (!strcmp(c->id, id))
            return c;
    }
    return NULL;
}

const char *chardev_id(const Chardev *chr)
{
    return chr->id;
}

const char *chardev_filename(const Chardev *chr)
{
    return chr->filename ? chr->filename : chr->be->name;
}

void chardev_print_all(FILE *out)
{
    for (Chardev *c = chardevs; c; c = c->next)
        fprintf(out, "%s: filename=%s\n", c->id, chardev_filename(c));
}

bool chardev_wants_monitor(const Chardev *chr)
{
    return chr && chr->wants_monitor;
}

void chr_set_filename(Chardev *chr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    free(chr->filename);
    chr->filename = s;
}

/* ---- lifetime ------------------------------------------------------------ */

static void ignore_sigpipe_once(void)
{
    /* A peer that closes its end must cost us a write error, not the
     * process: sockets, FIFOs and a closed stdout all raise SIGPIPE. */
    static bool done;
    if (!done) {
        signal(SIGPIPE, SIG_IGN);
        done = true;
    }
}

Chardev *chardev_new_backend(Loop *l, const ChrBackend *be, const char *id,
                             const void *cfg, Error **errp)
{
    if (!id || !*id) {
        error_setg(errp, "chardev: an id is required");
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "chardev: duplicate id '%s'", id);
        return NULL;
    }
    ignore_sigpipe_once();
    Chardev *chr = xzalloc(sizeof(*chr));
    chr->be = be;
    chr->loop = l;
    chr->id = xstrdup(id);
    chr->in_fd = chr->out_fd = -1;
    if (be->open(chr, cfg, errp) < 0) {
        chr_fd_stop(chr);
        free(chr->filename);
        free(chr->id);
        free(chr);
        return NULL;
    }
    Chardev **pp = &chardevs;
    while (*pp)
        pp = &(*pp)->next;
    *pp = chr;
    return chr;
}

void chardev_free(Chardev *chr)
{
    if (!chr)
        return;
    for (Chardev **pp = &chardevs; *pp; pp = &(*pp)->next) {
        if (*pp == chr) {
            *pp = chr->next;
            break;
        }
    }
    chr_fd_stop(chr);
    if (chr->be->close)
        chr->be->close(chr);
    free(chr->outq);
    free(chr->filename);
    free(chr->id);
    free(chr);
}

/* Newest first: a mux goes before the base it sits on. */
void chardev_cleanup_all(void)
{
    while (chardevs) {
        Chardev *last = chardevs;
        while (last->next)
            last = last->next;
        chardev_free(last);
    }
    chardev_stdio_restore_terminal();
}

/* ---- frontend side ------------------------------------------------------- */

int chr_set_handlers(Chardev *chr, ChrCanRead *can_read, ChrRead *read,
                     ChrEventCb *event, void *opaque, Error **errp)
{
    if (chr->be->set_handlers)
        return chr->be->set_handlers(chr, can_read, read, event, opaque, errp);
    if (chr->fe_attached && chr->fe_opaque != opaque) {
        error_setg(errp, "chardev '%s' is already in use (use mux=on to share it)",
                   chr->id);
        return -1;
    }
    chr->fe_attached = true;
    chr->fe_can_read = can_read;
    chr->fe_read = read;
    chr->fe_event = event;
    chr->fe_opaque = opaque;
    chr->read_paused = false;
    chr_fd_update(chr);
    if (chr->open && event)
        event(opaque, CHR_EVENT_OPENED);
    return 0;
}

void chr_remove_handlers(Chardev *chr, void *opaque)
{
    if (!chr)
        return;
    if (chr->be->remove_handlers) {
        chr->be->remove_handlers(chr, opaque);
        return;
    }
    if (!chr->fe_attached || chr->fe_opaque != opaque)
        return;
    chr->fe_attached = false;
    chr->fe_can_read = NULL;
    chr->fe_read = NULL;
    chr->fe_event = NULL;
    chr->fe_opaque = NULL;
    chr_fd_update(chr);
}

int chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (!chr || len <= 0)
        return len < 0 ? 0 : len;
    if (chr->be->write)
        return chr->be->write(chr, buf, len);
    if (chr->out_fd < 0)
        return len; /* no output side: discarded, as null does */
    return chr_fd_write(chr, buf, len);
}

void chr_accept_input(Chardev *chr)
{
    if (!chr)
        return;
    if (chr->be->accept_input) {
        chr->be->accept_input(chr);
        return;
    }
    if (chr->read_paused) {
        chr->read_paused = false;
        chr_fd_update(chr);
    }
}

bool chr_is_connected(const Chardev *chr)
{
    return chr && chr->open;
}

/* ---- backend side -------------------------------------------------------- */

void chr_be_event(Chardev *chr, ChrEvent ev)
{
    if (ev == CHR_EVENT_OPENED)
        chr->open = true;
    else if (ev == CHR_EVENT_CLOSED)
        chr->open = false;
    if (chr->fe_attached && chr->fe_event)
        chr->fe_event(chr->fe_opaque, ev);
}

int chr_fe_can_read(Chardev *chr)
{
    if (!chr->fe_attached || !chr->fe_read)
        return 0;
    if (!chr->fe_can_read)
        return CHR_READ_CHUNK;
    return chr->fe_can_read(chr->fe_opaque);
}

void chr_fe_deliver(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->fe_attached && chr->fe_read && len > 0)
        chr->fe_read(chr->fe_opaque, buf, len);
}

/* ---- fd I/O -------------------------------------------------------------- */

int chr_set_nonblock(int fd, bool on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
    return fcntl(fd, F_SETFL, fl);
}

int chr_set_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static void chr_fd_readable(void *opaque);
static void chr_fd_writable(void *opaque);

void chr_fd_update(Chardev *chr)
{
    bool want_read = chr->in_fd >= 0 && !chr->in_eof && !chr->read_paused &&
                     chr->fe_attached && chr->fe_read;
    bool want_write = chr->out_fd >= 0 && chr->outq_len > 0;
    if (chr->in_fd >= 0 && chr->in_fd == chr->out_fd) {
        loop_set_fd_handler(chr->loop, chr->in_fd,
                            want_read ? chr_fd_readable : NULL,
                            want_write ? chr_fd_writable : NULL, chr);
        return;
    }
    if (chr->in_fd >= 0)
        loop_set_fd_handler(chr->loop, chr->in_fd,
                            want_read ? chr_fd_readable : NULL, NULL, chr);
    if (chr->out_fd >= 0)
        loop_set_fd_handler(chr->loop, chr->out_fd, NULL,
                            want_write ? chr_fd_writable : NULL, chr);
}

void chr_fd_start(Chardev *chr, int in_fd, int out_fd)
{
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->in_eof = false;
    chr->read_paused = false;
    chr->write_failed = false;
    chr_fd_update(chr);
}

void chr_fd_stop(Chardev *chr)
{
    if (chr->in_fd >= 0)
        loop_set_fd_handler(chr->loop, chr->in_fd, NULL, NULL, NULL);
    if (chr->out_fd >= 0 && chr->out_fd != chr->in_fd)
        loop_set_fd_handler(chr->loop, chr->out_fd, NULL, NULL, NULL);
    chr->in_fd = chr->out_fd = -1;
    chr->outq_len = 0;
    chr->outq_dropping = false;
}

static void chr_fd_readable(void *opaque)
{
    Chardev *chr = opaque;
    int room = chr_fe_can_read(chr);
    if (room <= 0) {
        /* Flow control: leave the bytes in the kernel until the frontend
         * calls chr_accept_input(). */
        chr->read_paused = true;
        chr_fd_update(chr);
        return;
    }
    uint8_t buf[CHR_READ_CHUNK];
    ssize_t n = read(chr->in_fd, buf, MIN((size_t)room, sizeof(buf)));
    if (n > 0) {
        chr_fe_deliver(chr, buf, n);
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    chr->in_eof = true;
    chr_fd_update(chr);
    if (chr->be->hangup)
        chr->be->hangup(chr);
}

static void outq_drop_warning(Chardev *chr, size_t dropped)
{
    if (!chr->outq_dropping) {
        warn_report("chardev '%s': peer is not reading; output queue full "
                    "(%d KiB), dropping output", chr->id, CHR_OUTBUF_MAX / 1024);
        chr->outq_dropping = true;
    }
    (void)dropped;
}

static void write_error(Chardev *chr, int err)
{
    if (!chr->write_failed) {
        warn_report("chardev '%s': write failed, dropping output: %s", chr->id,
                    strerror(err));
        chr->write_failed = true;
    }
}

static void chr_fd_writable(void *opaque)
{
    Chardev *chr = opaque;
    size_t done = 0;
    while (done < chr->outq_len) {
        ssize_t n = write(chr->out_fd, chr->outq + done, chr->outq_len - done);
        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                write_error(chr, errno);
                done = chr->outq_len;
            }
            break;
        }
    }
    memmove(chr->outq, chr->outq + done, chr->outq_len - done);
    chr->outq_len -= done;
    if (chr->outq_len == 0)
        chr->outq_dropping = false;
    chr_fd_update(chr);
}

int chr_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    size_t done = 0;
    /* Queued output goes first, to keep the byte order. */
    if (chr->outq_len == 0) {
        while (done < (size_t)len) {
            ssize_t n = write(chr->out_fd, buf + done, len - done);
            if (n > 0) {
                done += n;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else {
                /* The peer is gone or the disk is full: the read side (if
                 * any) notices the hangup; this output has nowhere to go. */
                write_error(chr, n < 0 ? errno : EIO);
                return len;
            }
        }
        chr->write_failed = false;
    }
    size_t rest = len - done;
    if (rest == 0)
        return len;
    size_t room = CHR_OUTBUF_MAX - chr->outq_len;
    size_t take = MIN(rest, room);
    if (chr->outq_len + take > chr->outq_cap) {
        chr->outq_cap = MIN((size_t)CHR_OUTBUF_MAX,
                            MAX(chr->outq_cap * 2, chr->outq_len + take + 256));
        chr->outq = xrealloc(chr->outq, chr->outq_cap);
    }
    memcpy(chr->outq + chr->outq_len, buf + done, take);
    chr->outq_len += take;
    if (take < rest)
        outq_drop_warning(chr, rest - take);
    chr_fd_update(chr);
    return done + take;
}

/* ---- null ---------------------------------------------------------------- */

static int null_open(Chardev *chr, const void *cfg, Error **errp)
{
    chr_set_filename(chr, "null");
    chr->open = true;
    return 0;
}

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

const ChrBackend chr_backend_null = {
    .name = "null",
    .desc = "discard output, no input",
    .open = null_open,
    .write = null_write,
};

/* ---- fd: an fd pair someone already opened (tests) ---------------------- */

static int fd_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrFdConfig *cfg = opaque;
    if (cfg->in_fd < 0 && cfg->out_fd < 0) {
        error_setg(errp, "chardev '%s': no file descriptors", chr->id);
        return -1;
    }
    if (cfg->in_fd >= 0)
        chr_set_nonblock(cfg->in_fd, true);
    if (cfg->out_fd >= 0)
        chr_set_nonblock(cfg->out_fd, true);
    chr_set_filename(chr, "fd:%d,%d", cfg->in_fd, cfg->out_fd);
    int *fds = xmalloc(2 * sizeof(int));
    fds[0] = cfg->in_fd;
    fds[1] = cfg->out_fd;
    chr->state = fds;
    chr_fd_start(chr, cfg->in_fd, cfg->out_fd);
    chr->open = true;
    return 0;
}

static void fd_hangup(Chardev *chr)
{
    chr_be_event(chr, CHR_EVENT_CLOSED);
}

static void fd_close(Chardev *chr)
{
    int *fds = chr->state;
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0 && fds[1] != fds[0])
        close(fds[1]);
    free(fds);
}

const ChrBackend chr_backend_fd = {
    .name = "fd",
    .desc = "an already open file descriptor pair",
    .internal = true,
    .cfg_size = sizeof(ChrFdConfig),
    .open = fd_open,
    .hangup = fd_hangup,
    .close = fd_close,
};

/* ---- -chardev ------------------------------------------------------------ */

static Chardev *new_with_optional_mux(Loop *l, const ChrBackend *be, const char *id,
                                      bool mux, const void *cfg, Error **errp)
{
    if (!mux)
        return chardev_new_backend(l, be, id, cfg, errp);
    if (chardev_find(id)) {
        error_setg(errp, "chardev: duplicate id '%s'", id);
        return NULL;
    }
    char *base_id = xasprintf("%s-base", id);
    Chardev *base = chardev_new_backend(l, be, base_id, cfg, errp);
    free(base_id);
    if (!base)
        return NULL;
    ChrMuxConfig mc = {base};
    Chardev *chr = chardev_new_backend(l, &chr_backend_mux, id, &mc, errp);
    if (!chr)
        chardev_free(base);
    return chr;
}

/* Parses the backend's keys, checks nothing unknown is left, creates. */
static Chardev *create_from_opts(Loop *l, const ChrBackend *be, const char *id,
                                 bool mux, Opts *o, Error **errp)
{
    void *cfg = xzalloc(be->cfg_size ? be->cfg_size : 1);
    Chardev *chr = NULL;
    if (be->parse && be->parse(o, cfg, errp) < 0)
        goto out;
    const char *valid[32];
    int n = 0;
    valid[n++] = "backend";
    valid[n++] = "id";
    valid[n++] = "mux";
    for (const char *const *k = be->keys; k && *k && n < 31; k++)
        valid[n++] = *k;
    valid[n] = NULL;
    if (opts_check_unused(o, valid, errp) < 0)
        goto out;
    if (be == &chr_backend_stdio)
        ((ChrStdioConfig *)cfg)->under_mux = mux;
    chr = new_with_optional_mux(l, be, id, mux, cfg, errp);
out:
    free(cfg);
    return chr;
}

Chardev *chardev_new_from_opts(Loop *l, Opts *o, Error **errp)
{
    const char *opt = o->option ? o->option : "-chardev";
    const char *name = opts_get(o, "backend");
    if (o->help || (name && (!strcmp(name, "help") || !strcmp(name, "?")))) {
        /* Help is an answer, not an error: the caller sees NULL and no
         * error and exits successfully. */
        const ChrBackend *be = name ? chardev_backend_find(name) : NULL;
        if (be && !be->internal)
            print_backend_keys(stdout, be);
        else
            chardev_print_help(stdout);
        return NULL;
    }
    if (!name || !*name) {
        char *names = backend_names();
        error_setg(errp, "%s: missing backend type (valid: %s)", opt, names);
        free(names);
        return NULL;
    }
    /* QEMU's other name for ringbuf. */
    const ChrBackend *be = chardev_backend_find(!strcmp(name, "memory") ? "ringbuf" : name);
    if (!be || be->internal) {
        /* QEMU backends ferry does not have (yet) are named as such. */
        static const char *const later[] = {
            "udp", "serial", "tty", "parallel", "parport", "vc", "console",
            "msmouse", "braille", "wctablet", "testdev", "spicevmc", "spiceport",
            "qemu-vdagent", "dbus",
        };
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(later); i++)
            known |= !strcmp(later[i], name);
        char *names = backend_names();
        error_setg(errp, "%s: %s backend '%s' (valid: %s)", opt,
                   known ? "not implemented yet:" : "unknown", name, names);
        free(names);
        return NULL;
    }
    const char *id = opts_get(o, "id");
    if (!id) {
        error_setg(errp, "%s: parameter 'id' is missing", opt);
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "%s: invalid id '%s' (an id starts with a letter, then "
                   "letters, digits, '-', '.', '_')", opt, id);
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "%s: duplicate id '%s'", opt, id);
        return NULL;
    }
    bool mux = false;
    if (opts_get_bool(o, "mux", false, &mux, errp) < 0)
        return NULL;
    if (opts_has(o, "logfile") || opts_has(o, "logappend")) {
        error_setg(errp, "%s: logfile: not implemented yet", opt);
        return NULL;
    }
    return create_from_opts(l, be, id, mux, o, errp);
}

/* ---- legacy specs (-serial, -monitor, -parallel) ----------------------- */

static const char spec_forms[] =
    "stdio, mon:stdio, null, none, pty, file:PATH, pipe:PATH, "
    "tcp:HOST:PORT[,server=on][,wait=off], unix:PATH[,server=on][,wait=off], "
    "chardev:ID";

/* "-serial" for "serial0": messages name the option the user typed. */
static char *option_for_label(const char *label)
{
    static const char *const known[] = {"serial", "monitor", "parallel", "debugcon"};
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        size_t n = strlen(known[i]);
        if (!strncmp(label, known[i], n) &&
            strspn(label + n, "0123456789") == strlen(label + n))
            return xasprintf("-%s", known[i]);
    }
    return xstrdup(label);
}

/* The old flags after "tcp:H:P," / "unix:P,": bare "server", "nowait",
 * "nodelay" and key=value forms, turned into -chardev socket keys. */
static int legacy_socket_flags(const char *opt, const char *spec, const char *flags,
                               StrBuf *out, Error **errp)
{
    char *copy = xstrdup(flags);
    char *save = NULL;
    int ret = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "nowait"))
            sb_printf(out, ",wait=off");
        else if (!strcmp(tok, "telnet") || !strncmp(tok, "telnet=", 7)) {
            error_setg(errp, "%s %s: telnet: not implemented yet", opt, spec);
            ret = -1;
            break;
        } else
            sb_printf(out, ",%s", tok);
    }
    free(copy);
    return ret;
}

static Chardev *spec_socket(Loop *l, const char *opt, const char *id, bool mux,
                            const char *spec, bool is_unix, Error **errp)
{
    const char *rest = spec + (is_unix ? 5 : 4);
    const char *comma = strchr(rest, ',');
    size_t addr_len = comma ? (size_t)(comma - rest) : strlen(rest);
    char *addr = xstrndup(rest, addr_len);
    StrBuf text = {0};
    Chardev *chr = NULL;
    Opts *o = NULL;

    if (is_unix) {
        if (!*addr) {
            error_setg(errp, "%s %s: missing socket path (unix:PATH)", opt, spec);
            goto out;
        }
        sb_printf(&text, "path=%s", addr);
    } else {
        /* HOST:PORT, HOST may be empty or a [bracketed] IPv6 address. */
        char *colon = strrchr(addr, ':');
        if (!colon || !colon[1]) {
            error_setg(errp, "%s %s: expected tcp:HOST:PORT", opt, spec);
            goto out;
        }
        *colon = 0;
        char *host = addr;
        size_t hl = strlen(host);
        if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
            host[hl - 1] = 0;
            host++;
        }
        if (*host)
            sb_printf(&text, "host=%s,", host);
        sb_printf(&text, "port=%s", colon + 1);
    }
    if (comma && legacy_socket_flags(opt, spec, comma + 1, &text, errp) < 0)
        goto out;
    o = opts_parse(opt, sb_str(&text), NULL, errp);
    if (!o)
        goto out;
    chr = create_from_opts(l, &chr_backend_socket, id, mux, o, errp);
out:
    opts_free(o);
    sb_free(&text);
    free(addr);
    return chr;
}

static Chardev *spec_create(Loop *l, const char *opt, const char *id, bool mux,
                            const char *spec, Error **errp)
{
    if (!strcmp(spec, "null"))
        return new_with_optional_mux(l, &chr_backend_null, id, mux, NULL, errp);
    if (!strcmp(spec, "stdio")) {
        ChrStdioConfig c = {.signal = -1, .under_mux = mux, .in_fd = 0, .out_fd = 1};
        return new_with_optional_mux(l, &chr_backend_stdio, id, mux, &c, errp);
    }
    if (!strcmp(spec, "pty"))
        return new_with_optional_mux(l, &chr_backend_pty, id, mux, NULL, errp);
    if (!strncmp(spec, "file:", 5)) {
        if (!spec[5]) {
            error_setg(errp, "%s %s: missing file name (file:PATH)", opt, spec);
            return NULL;
        }
        ChrFileConfig c = {.path = spec + 5};
        return new_with_optional_mux(l, &chr_backend_file, id, mux, &c, errp);
    }
    if (!strncmp(spec, "pipe:", 5)) {
        if (!spec[5]) {
            error_setg(errp, "%s %s: missing pipe name (pipe:PATH)", opt, spec);
            return NULL;
        }
        ChrPipeConfig c = {.path = spec + 5};
        return new_with_optional_mux(l, &chr_backend_pipe, id, mux, &c, errp);
    }
    if (!strncmp(spec, "tcp:", 4))
        return spec_socket(l, opt, id, mux, spec, false, errp);
    if (!strncmp(spec, "unix:", 5))
        return spec_socket(l, opt, id, mux, spec, true, errp);

    static const char *const later[] = {"telnet:", "udp:", "vc", "tty:", "serial:",
                                        "parport:", "/dev/", "msmouse", "braille"};
    for (size_t i = 0; i < ARRAY_SIZE(later); i++) {
        if (!strncmp(spec, later[i], strlen(later[i]))) {
            error_setg(errp, "%s %s: not implemented yet (valid: %s)", opt, spec,
                       spec_forms);
            return NULL;
        }
    }
    error_setg(errp, "%s: unknown chardev spec '%s' (valid: %s)", opt, spec, spec_forms);
    return NULL;
}

Chardev *chardev_new_from_spec(Loop *l, const char *label, const char *spec,
                               Error **errp)
{
    if (!strcmp(spec, "none"))
        return NULL;
    char *opt = option_for_label(label);
    Chardev *chr = NULL;
    bool mon = !strncmp(spec, "mon:", 4);
    const char *s = mon ? spec + 4 : spec;

    if (!strncmp(s, "chardev:", 8)) {
        if (mon) {
            error_setg(errp, "%s %s: mon: cannot wrap chardev:ID (use -chardev "
                       "...,mux=on and -mon chardev=ID)", opt, spec);
        } else if (!(chr = chardev_find(s + 8))) {
            error_setg(errp, "%s %s: no chardev with id '%s'", opt, spec, s + 8);
        }
    } else if (mon && (!strcmp(s, "none") || !*s)) {
        error_setg(errp, "%s %s: mon: needs a backend, e.g. mon:stdio", opt, spec);
    } else {
        chr = spec_create(l, opt, label, mon, s, errp);
        if (chr && mon)
            chr->wants_monitor = true;
    }
    free(opt);
    return chr;
}

static void (*quit_handler)(void *opaque);
static void *quit_opaque;

void chardev_set_quit_handler(void (*fn)(void *opaque), void *opaque)
{
    quit_handler = fn;
    quit_opaque = opaque;
}

void chardev_request_quit(Loop *l)
{
    if (quit_handler)
        quit_handler(quit_opaque);
    else
        loop_quit(l, 0);
}
