/*
 * test_chardev.c — chardev backends and the frontend interface: file, null,
 * fd pairs (socketpair), flow control, queued output, tcp/unix sockets
 * (server, client, wait=on, reconnect), the mux and its Ctrl-A keys,
 * ringbuf, pty, pipe, stdio's raw mode and its restoration on every exit
 * path (in a child process on a pty, never on the test's own terminal),
 * and the error paths of legacy specs and -chardev options.
 *
 * Tests that need real option parsing (core/opts.c) skip when it is not
 * linked in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/chardev-internal.h"
#include "core/error.h"

#define MS 1000000LL

typedef struct T {
    Loop *l;
    char dir[64];
} T;

static int setup(void **state)
{
    T *t = xzalloc(sizeof(*t));
    dev_lock();
    t->l = loop_new();
    snprintf(t->dir, sizeof(t->dir), "/tmp/ferry-chr-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    T *t = *state;
    chardev_cleanup_all();
    loop_free(t->l);
    dev_unlock();
    char *cmd = xasprintf("rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", t->dir);
    free(cmd);
    free(t);
    return 0;
}

static char *tpath(T *t, const char *name)
{
    return xasprintf("%s/%s", t->dir, name);
}

static bool have_opts(void)
{
    Error *err = NULL;
    Opts *o = opts_parse("-test", "a=b", NULL, &err);
    error_free(err);
    if (!o)
        return false;
    opts_free(o);
    return true;
}

/* ---- a recording frontend ------------------------------------------------ */

typedef struct Fe {
    uint8_t buf[1 << 16];
    int len;
    int budget;           /* bytes it accepts until refilled; -1: unlimited */
    int can_read_calls;
    ChrEvent events[64];
    int n_events;
} Fe;

static int fe_can_read(void *opaque)
{
    Fe *f = opaque;
    f->can_read_calls++;
    if (f->budget < 0)
        return (int)sizeof(f->buf) - f->len;
    return f->budget;
}

static void fe_read(void *opaque, const uint8_t *buf, int len)
{
    Fe *f = opaque;
    if (f->budget >= 0) {
        assert_true(len <= f->budget);
        f->budget -= len;
    }
    assert_true(f->len + len <= (int)sizeof(f->buf));
    memcpy(f->buf + f->len, buf, len);
    f->len += len;
}

static void fe_event(void *opaque, ChrEvent ev)
{
    Fe *f = opaque;
    if (f->n_events < 64)
        f->events[f->n_events++] = ev;
}

static bool fe_has_event(Fe *f, ChrEvent ev)
{
    for (int i = 0; i < f->n_events; i++) {
        if (f->events[i] == ev)
            return true;
    }
    return false;
}

static int fe_count_event(Fe *f, ChrEvent ev)
{
    int n = 0;
    for (int i = 0; i < f->n_events; i++)
        n += f->events[i] == ev;
    return n;
}

static Fe *fe_new(void)
{
    Fe *f = xzalloc(sizeof(*f));
    f->budget = -1;
    return f;
}

static void attach(Chardev *chr, Fe *f)
{
    Error *err = NULL;
    int r = chr_set_handlers(chr, fe_can_read, fe_read, fe_event, f, &err);
    if (r < 0)
        fail_msg("attach: %s", error_get_msg(err));
}

/* Runs the loop until f has received at least n bytes (or 3 s pass). */
static void run_until_len(Loop *l, Fe *f, int n)
{
    int64_t start = host_monotonic_ns();
    while (f->len < n && host_monotonic_ns() - start < 3000 * MS)
        loop_run_once(l, 20 * MS);
}

static void run_until_event(Loop *l, Fe *f, ChrEvent ev, int count)
{
    int64_t start = host_monotonic_ns();
    while (fe_count_event(f, ev) < count && host_monotonic_ns() - start < 3000 * MS)
        loop_run_once(l, 20 * MS);
}

static void run_for(Loop *l, int64_t ns)
{
    int64_t start = host_monotonic_ns();
    while (host_monotonic_ns() - start < ns)
        loop_run_once(l, 5 * MS);
}

/* Reads what is available on fd within ~timeout into buf (NUL-terminated);
 * keeps the loop running meanwhile so queued output can drain. */
static size_t read_avail(Loop *l, int fd, char *buf, size_t cap, int64_t timeout_ns)
{
    size_t n = 0;
    int64_t start = host_monotonic_ns();
    while (n < cap - 1 && host_monotonic_ns() - start < timeout_ns) {
        loop_run_once(l, 0);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0)
            continue;
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += r;
        start = host_monotonic_ns() - timeout_ns + 50 * MS; /* settle: 50 ms more */
    }
    buf[n] = 0;
    return n;
}

static Chardev *fd_chardev(Loop *l, const char *id, int *peer)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ChrFdConfig cfg = {sv[0], sv[0]};
    Error *err = NULL;
    Chardev *chr = chardev_new_backend(l, &chr_backend_fd, id, &cfg, &err);
    if (!chr)
        fail_msg("fd chardev: %s", error_get_msg(err));
    *peer = sv[1];
    return chr;
}

static void write_all(int fd, const void *buf, size_t len)
{
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = xzalloc(65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void expect_error(Error *err, const char *needle)
{
    assert_non_null(err);
    if (!strstr(error_get_msg(err), needle))
        fail_msg("error '%s' lacks '%s'", error_get_msg(err), needle);
    error_free(err);
}

/* ---- null, file, registry ------------------------------------------------ */

static void test_null_and_registry(void **state)
{
    T *t = *state;
    Error *err = NULL;
    Chardev *n = chardev_new_from_spec(t->l, "serial0", "null", &err);
    assert_non_null(n);
    assert_null(err);
    assert_ptr_equal(chardev_find("serial0"), n);
    assert_string_equal(chardev_id(n), "serial0");
    assert_string_equal(chardev_filename(n), "null");
    assert_int_equal(chr_write(n, (const uint8_t *)"abc", 3), 3);
    assert_true(chr_is_connected(n));
    assert_false(chardev_wants_monitor(n));

    /* "none" is no chardev and no error. */
    assert_null(chardev_new_from_spec(t->l, "serial1", "none", &err));
    assert_null(err);

    /* Same id twice. */
    assert_null(chardev_new_from_spec(t->l, "serial0", "null", &err));
    expect_error(err, "duplicate id 'serial0'");

    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    chardev_print_all(f);
    fclose(f);
    assert_non_null(strstr(out, "serial0: filename=null"));
    free(out);

    f = open_memstream(&out, &outlen);
    chardev_print_help(f);
    fclose(f);
    const char *names[] = {"file", "null", "pipe", "pty", "ringbuf", "socket", "stdio"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        assert_non_null(strstr(out, names[i]));
    assert_null(strstr(out, "  fd ")); /* internal backends are not offered */
    free(out);
}

static void test_file_backend(void **state)
{
    T *t = *state;
    Error *err = NULL;
    char *path = tpath(t, "out.txt");
    char *spec = xasprintf("file:%s", path);
    Chardev *c = chardev_new_from_spec(t->l, "serial0", spec, &err);
    assert_non_null(c);
    assert_int_equal(chr_write(c, (const uint8_t *)"hello ", 6), 6);
    assert_int_equal(chr_write(c, (const uint8_t *)"world\n", 6), 6);
    char *s = slurp(path);
    assert_string_equal(s, "hello world\n");
    free(s);
    char *fn = xasprintf("file:%s", path);
    assert_string_equal(chardev_filename(c), fn);
    free(fn);
    chardev_free(c);

    /* append=on keeps what is there; the default truncates. */
    ChrFileConfig cfg = {.path = path, .append = true};
    c = chardev_new_backend(t->l, &chr_backend_file, "f1", &cfg, &err);
    assert_non_null(c);
    chr_write(c, (const uint8_t *)"more\n", 5);
    s = slurp(path);
    assert_string_equal(s, "hello world\nmore\n");
    free(s);
    chardev_free(c);
    cfg.append = false;
    c = chardev_new_backend(t->l, &chr_backend_file, "f2", &cfg, &err);
    assert_non_null(c);
    s = slurp(path);
    assert_string_equal(s, "");
    free(s);

    free(spec);
    free(path);
}

static void test_file_errors(void **state)
{
    T *t = *state;
    Error *err = NULL;
    assert_null(chardev_new_from_spec(t->l, "serial0", "file:/nonexistent-dir/x/y", &err));
    expect_error(err, "/nonexistent-dir/x/y");
    err = NULL;
    assert_null(chardev_new_from_spec(t->l, "serial0", "file:", &err));
    expect_error(err, "-serial file:: missing file name");
    /* A failed open leaves nothing registered. */
    assert_null(chardev_find("serial0"));
}

/* ---- fd pair: I/O, events, flow control, queued output ------------------ */

static void test_fd_io_and_events(void **state)
{
    T *t = *state;
    int peer;
    Chardev *c = fd_chardev(t->l, "c0", &peer);
    Fe *f = fe_new();
    attach(c, f);
    /* Attaching to an open chardev says so at once. */
    assert_int_equal(f->n_events, 1);
    assert_int_equal(f->events[0], CHR_EVENT_OPENED);

    write_all(peer, "ping", 4);
    run_until_len(t->l, f, 4);
    assert_int_equal(f->len, 4);
    assert_memory_equal(f->buf, "ping", 4);

    assert_int_equal(chr_write(c, (const uint8_t *)"pong", 4), 4);
    char buf[64];
    read_avail(t->l, peer, buf, sizeof(buf), 500 * MS);
    assert_string_equal(buf, "pong");

    /* A second frontend is refused; the same one may re-attach. */
    Fe *g = fe_new();
    Error *err = NULL;
    assert_int_equal(chr_set_handlers(c, fe_can_read, fe_read, fe_event, g, &err), -1);
    expect_error(err, "already in use");
    attach(c, f);

    /* Detached: input stays in the kernel, nothing is delivered. */
    chr_remove_handlers(c, f);
    write_all(peer, "zz", 2);
    run_for(t->l, 50 * MS);
    assert_int_equal(f->len, 4);
    attach(c, g);
    run_until_len(t->l, g, 2);
    assert_memory_equal(g->buf, "zz", 2);

    /* The peer goes away. */
    close(peer);
    run_until_event(t->l, g, CHR_EVENT_CLOSED, 1);
    assert_true(fe_has_event(g, CHR_EVENT_CLOSED));
    assert_false(chr_is_connected(c));
    free(f);
    free(g);
}

static void test_flow_control(void **state)
{
    T *t = *state;
    int peer;
    Chardev *c = fd_chardev(t->l, "c0", &peer);
    Fe *f = fe_new();
    f->budget = 0;
    attach(c, f);

    char data[100];
    for (int i = 0; i < 100; i++)
        data[i] = (char)(i * 7 + 1);
    write_all(peer, data, sizeof(data));

    /* No room: nothing delivered, and the fd stops being polled (the
     * frontend is not asked again and again). */
    run_for(t->l, 100 * MS);
    assert_int_equal(f->len, 0);
    int calls = f->can_read_calls;
    assert_true(calls >= 1);
    run_for(t->l, 100 * MS);
    assert_int_equal(f->can_read_calls, calls);

    /* Room for 30 at a time: all 100 arrive, in order, none lost. */
    while (f->len < 100) {
        int before = f->len;
        f->budget = 30;
        chr_accept_input(c);
        run_until_len(t->l, f, MIN(before + 30, 100));
        assert_true(f->len > before);
        assert_true(f->len - before <= 30);
    }
    assert_memory_equal(f->buf, data, 100);
    free(f);
    close(peer);
}

static void test_output_queue(void **state)
{
    T *t = *state;
    int peer;
    Chardev *c = fd_chardev(t->l, "c0", &peer);
    /* Small kernel buffers on both ends, so the kernel cannot take it all. */
    int small = 4096;
    setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    setsockopt(c->out_fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));

    /* The peer does not read: output queues instead of blocking. */
    size_t total = 300 * 1024;
    uint8_t *data = xmalloc(total);
    for (size_t i = 0; i < total; i++)
        data[i] = (uint8_t)(i * 13 + i / 256);
    int64_t start = host_monotonic_ns();
    for (size_t off = 0; off < total; off += 1000) {
        int n = MIN(1000, (int)(total - off));
        assert_int_equal(chr_write(c, data + off, n), n);
    }
    assert_true(host_monotonic_ns() - start < 2000 * MS);
    assert_true(c->outq_len > 0);

    /* It drains through the loop, in order. */
    uint8_t *got = xmalloc(total);
    size_t n = 0;
    start = host_monotonic_ns();
    chr_set_nonblock(peer, true);
    while (n < total && host_monotonic_ns() - start < 5000 * MS) {
        loop_run_once(t->l, 5 * MS);
        ssize_t r = read(peer, got + n, total - n);
        if (r > 0)
            n += r;
    }
    assert_int_equal(n, total);
    assert_memory_equal(got, data, total);
    assert_int_equal(c->outq_len, 0);

    /* Past the cap, the rest is dropped (and said so), never a hang. */
    size_t big = CHR_OUTBUF_MAX + 512 * 1024;
    uint8_t *junk = xzalloc(big);
    int accepted = chr_write(c, junk, (int)big);
    assert_true(accepted < (int)big);
    assert_true(accepted >= CHR_OUTBUF_MAX);
    assert_true(c->outq_len <= CHR_OUTBUF_MAX);
    free(junk);
    free(data);
    free(got);
    close(peer);
}

/* ---- sockets ------------------------------------------------------------- */

static Chardev *socket_chardev(Loop *l, const char *id, const ChrSocketConfig *cfg)
{
    Error *err = NULL;
    Chardev *c = chardev_new_backend(l, &chr_backend_socket, id, cfg, &err);
    if (!c)
        fail_msg("socket chardev %s: %s", id, error_get_msg(err));
    return c;
}

static void exchange(Loop *l, Chardev *a, Fe *fa, Chardev *b, Fe *fb)
{
    int la = fa->len, lb = fb->len;
    assert_int_equal(chr_write(a, (const uint8_t *)"to-b", 4), 4);
    run_until_len(l, fb, lb + 4);
    assert_memory_equal(fb->buf + lb, "to-b", 4);
    assert_int_equal(chr_write(b, (const uint8_t *)"to-a!", 5), 5);
    run_until_len(l, fa, la + 5);
    assert_memory_equal(fa->buf + la, "to-a!", 5);
}

static void test_socket_tcp(void **state)
{
    T *t = *state;
    ChrSocketConfig scfg = {.host = "127.0.0.1", .port = "0", .server = true,
                            .wait = false, .nodelay = true};
    Chardev *srv = socket_chardev(t->l, "srv", &scfg);
    int port = chardev_socket_port(srv);
    assert_true(port > 0);
    assert_false(chr_is_connected(srv));
    assert_non_null(strstr(chardev_filename(srv), "disconnected:tcp:127.0.0.1:"));
    /* Nobody connected: output is dropped, not queued or blocking. */
    assert_int_equal(chr_write(srv, (const uint8_t *)"lost", 4), 4);

    Fe *fs = fe_new(), *fc = fe_new();
    attach(srv, fs);
    assert_int_equal(fs->n_events, 0);

    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    ChrSocketConfig ccfg = {.host = "127.0.0.1", .port = portstr};
    Chardev *cli = socket_chardev(t->l, "cli", &ccfg);
    attach(cli, fc);
    assert_true(fe_has_event(fc, CHR_EVENT_OPENED));
    run_until_event(t->l, fs, CHR_EVENT_OPENED, 1);
    assert_true(chr_is_connected(srv));
    assert_non_null(strstr(chardev_filename(srv), "<-> 127.0.0.1:"));
    exchange(t->l, srv, fs, cli, fc);

    /* Client leaves: the server says CLOSED and listens again. */
    chardev_free(cli);
    run_until_event(t->l, fs, CHR_EVENT_CLOSED, 1);
    assert_false(chr_is_connected(srv));
    Fe *fc2 = fe_new();
    cli = socket_chardev(t->l, "cli2", &ccfg);
    attach(cli, fc2);
    run_until_event(t->l, fs, CHR_EVENT_OPENED, 2);
    exchange(t->l, srv, fs, cli, fc2);
    free(fs);
    free(fc);
    free(fc2);
}

static void test_socket_unix(void **state)
{
    T *t = *state;
    char *path = tpath(t, "sock");
    ChrSocketConfig scfg = {.path = path, .server = true, .wait = false};
    Chardev *srv = socket_chardev(t->l, "srv", &scfg);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));

    Fe *fs = fe_new(), *fc = fe_new();
    attach(srv, fs);
    ChrSocketConfig ccfg = {.path = path};
    Chardev *cli = socket_chardev(t->l, "cli", &ccfg);
    attach(cli, fc);
    run_until_event(t->l, fs, CHR_EVENT_OPENED, 1);
    exchange(t->l, srv, fs, cli, fc);
    chardev_free(cli);
    chardev_free(srv);
    /* The server removes its socket file. */
    assert_int_equal(stat(path, &st), -1);
    free(fs);
    free(fc);
    free(path);
}

static void test_socket_client_refused(void **state)
{
    T *t = *state;
    char *path = tpath(t, "nobody");
    ChrSocketConfig ccfg = {.path = path};
    Error *err = NULL;
    assert_null(chardev_new_backend(t->l, &chr_backend_socket, "cli", &ccfg, &err));
    expect_error(err, "Failed to connect");
    assert_null(chardev_find("cli"));
    free(path);
}

typedef struct {
    char path[100];
    int fd;
} Connector;

static void *connect_later(void *opaque)
{
    Connector *c = opaque;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", c->path);
    for (int i = 0; i < 300; i++) {
        usleep(10 * 1000);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            c->fd = fd;
            return NULL;
        }
        close(fd);
    }
    return NULL;
}

static void test_socket_server_wait(void **state)
{
    T *t = *state;
    char *path = tpath(t, "waitsock");
    Connector con = {.fd = -1};
    snprintf(con.path, sizeof(con.path), "%s", path);
    pthread_t th;
    pthread_create(&th, NULL, connect_later, &con);
    /* wait=on: creation returns only once a client is there. */
    ChrSocketConfig scfg = {.path = path, .server = true, .wait = true};
    Chardev *srv = socket_chardev(t->l, "srv", &scfg);
    pthread_join(th, NULL);
    assert_true(con.fd >= 0);
    assert_true(chr_is_connected(srv));
    Fe *f = fe_new();
    attach(srv, f);
    assert_true(fe_has_event(f, CHR_EVENT_OPENED));
    write_all(con.fd, "hi", 2);
    run_until_len(t->l, f, 2);
    assert_memory_equal(f->buf, "hi", 2);
    close(con.fd);
    free(f);
    free(path);
}

static int tcp_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof(sin);
    getsockname(fd, (struct sockaddr *)&sin, &len);
    *port = ntohs(sin.sin_port);
    return fd;
}

/* Accepts with the loop running (the client connects from the loop). */
static int accept_running(Loop *l, int lfd)
{
    int64_t start = host_monotonic_ns();
    while (host_monotonic_ns() - start < 3000 * MS) {
        struct pollfd p = {lfd, POLLIN, 0};
        if (poll(&p, 1, 0) == 1)
            return accept(lfd, NULL, NULL);
        loop_run_once(l, 10 * MS);
    }
    return -1;
}

static void test_socket_client_reconnect(void **state)
{
    T *t = *state;
    int port;
    int lfd = tcp_listener(&port);
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    ChrSocketConfig ccfg = {.host = "127.0.0.1", .port = portstr, .reconnect_ms = 100};
    Chardev *cli = socket_chardev(t->l, "cli", &ccfg);
    Fe *f = fe_new();
    attach(cli, f);
    int a = accept_running(t->l, lfd);
    assert_true(a >= 0);
    run_until_event(t->l, f, CHR_EVENT_OPENED, 1);
    assert_true(chr_is_connected(cli));

    /* The server drops us: CLOSED, then a new connection by itself. */
    close(a);
    run_until_event(t->l, f, CHR_EVENT_CLOSED, 1);
    assert_true(fe_has_event(f, CHR_EVENT_CLOSED));
    assert_non_null(strstr(chardev_filename(cli), "disconnected:"));
    a = accept_running(t->l, lfd);
    assert_true(a >= 0);
    run_until_event(t->l, f, CHR_EVENT_OPENED, 2);
    assert_int_equal(fe_count_event(f, CHR_EVENT_OPENED), 2);
    write_all(a, "back", 4);
    run_until_len(t->l, f, 4);
    assert_memory_equal(f->buf, "back", 4);
    close(a);
    close(lfd);
    free(f);
}

static void test_socket_client_reconnect_late_server(void **state)
{
    T *t = *state;
    char *path = tpath(t, "late");
    /* Nothing listens yet: with reconnect that is not an error. */
    ChrSocketConfig ccfg = {.path = path, .reconnect_ms = 50};
    Chardev *cli = socket_chardev(t->l, "cli", &ccfg);
    Fe *f = fe_new();
    attach(cli, f);
    run_for(t->l, 120 * MS);
    assert_false(chr_is_connected(cli));
    ChrSocketConfig scfg = {.path = path, .server = true, .wait = false};
    Chardev *srv = socket_chardev(t->l, "srv", &scfg);
    Fe *fs = fe_new();
    attach(srv, fs);
    run_until_event(t->l, f, CHR_EVENT_OPENED, 1);
    run_until_event(t->l, fs, CHR_EVENT_OPENED, 1);
    assert_true(chr_is_connected(cli));
    exchange(t->l, srv, fs, cli, f);
    free(f);
    free(fs);
    free(path);
}

/* ---- mux ----------------------------------------------------------------- */

typedef struct MuxT {
    Chardev *base, *mux;
    int peer;
    Fe *a, *b;
} MuxT;

static void mux_setup(T *t, MuxT *m)
{
    m->base = fd_chardev(t->l, "base", &m->peer);
    ChrMuxConfig cfg = {m->base};
    Error *err = NULL;
    m->mux = chardev_new_backend(t->l, &chr_backend_mux, "mux", &cfg, &err);
    assert_non_null(m->mux);
    assert_true(chardev_is_mux(m->mux));
    m->a = fe_new();
    m->b = fe_new();
    attach(m->mux, m->a);
    attach(m->mux, m->b);
    /* Events are settled by the loop, after start-up attaching. */
    assert_int_equal(m->a->n_events + m->b->n_events, 0);
    loop_run_once(t->l, 0);
}

static void mux_type(T *t, MuxT *m, const char *s, Fe *who, int expect_len)
{
    write_all(m->peer, s, strlen(s));
    if (who)
        run_until_len(t->l, who, expect_len);
    else
        run_for(t->l, 50 * MS);
}

static void test_mux_focus_and_keys(void **state)
{
    T *t = *state;
    MuxT m;
    mux_setup(t, &m);
    /* The last frontend attached has the focus; the other knows it has not. */
    assert_int_equal(m.a->n_events, 2);
    assert_int_equal(m.a->events[0], CHR_EVENT_MUX_OUT);
    assert_int_equal(m.a->events[1], CHR_EVENT_OPENED);
    assert_int_equal(m.b->n_events, 2);
    assert_int_equal(m.b->events[0], CHR_EVENT_OPENED);
    assert_int_equal(m.b->events[1], CHR_EVENT_MUX_IN);

    mux_type(t, &m, "to b", m.b, 4);
    assert_int_equal(m.b->len, 4);
    assert_int_equal(m.a->len, 0);

    /* Ctrl-A c: the rest of the same read already goes to a. */
    mux_type(t, &m, "\x01" "cto a", m.a, 4);
    assert_int_equal(m.a->len, 4);
    assert_memory_equal(m.a->buf, "to a", 4);
    assert_int_equal(m.b->len, 4);
    assert_int_equal(m.a->events[m.a->n_events - 1], CHR_EVENT_MUX_IN);
    assert_int_equal(m.b->events[m.b->n_events - 1], CHR_EVENT_MUX_OUT);

    /* Ctrl-A Ctrl-A sends one Ctrl-A. */
    mux_type(t, &m, "\x01\x01", m.a, 5);
    assert_int_equal(m.a->len, 5);
    assert_int_equal(m.a->buf[4], 0x01);

    /* An escape split across two reads still works. */
    mux_type(t, &m, "\x01", NULL, 0);
    mux_type(t, &m, "c", NULL, 0);
    mux_type(t, &m, "x", m.b, 5);
    assert_int_equal(m.b->len, 5);
    assert_int_equal(m.b->buf[4], 'x');
    assert_int_equal(m.a->len, 5);

    /* Ctrl-A b: a break for the focused frontend. */
    mux_type(t, &m, "\x01" "b", NULL, 0);
    assert_true(fe_has_event(m.b, CHR_EVENT_BREAK));
    assert_false(fe_has_event(m.a, CHR_EVENT_BREAK));

    /* Output from both frontends goes through. */
    char buf[4096];
    read_avail(t->l, m.peer, buf, sizeof(buf), 20 * MS);
    assert_int_equal(chr_write(m.mux, (const uint8_t *)"AAA", 3), 3);
    assert_int_equal(chr_write(m.mux, (const uint8_t *)"BBB", 3), 3);
    read_avail(t->l, m.peer, buf, sizeof(buf), 200 * MS);
    assert_string_equal(buf, "AAABBB");

    /* Ctrl-A h: the key list. */
    mux_type(t, &m, "\x01h", NULL, 0);
    read_avail(t->l, m.peer, buf, sizeof(buf), 200 * MS);
    const char *keys[] = {"C-a h", "C-a x", "C-a c", "C-a b", "C-a t", "C-a C-a"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!strstr(buf, keys[i]))
            fail_msg("help lacks '%s': %s", keys[i], buf);
    }
    assert_int_equal(m.a->len, 5);
    assert_int_equal(m.b->len, 5);

    /* Ctrl-A x: quit. */
    assert_false(loop_quitting(t->l));
    mux_type(t, &m, "\x01x", NULL, 0);
    assert_true(loop_quitting(t->l));
    assert_int_equal(loop_run(t->l), 0);
    read_avail(t->l, m.peer, buf, sizeof(buf), 100 * MS);
    assert_non_null(strstr(buf, "Terminated"));

    chr_remove_handlers(m.mux, m.a);
    chr_remove_handlers(m.mux, m.b);
    free(m.a);
    free(m.b);
    close(m.peer);
}

static void test_mux_timestamps(void **state)
{
    T *t = *state;
    MuxT m;
    mux_setup(t, &m);
    mux_type(t, &m, "\x01t", NULL, 0);
    chr_write(m.mux, (const uint8_t *)"one\ntwo\n", 8);
    char buf[256];
    read_avail(t->l, m.peer, buf, sizeof(buf), 200 * MS);
    /* "[00:00:00.0xx] one\n[00:00:00.0xx] two\n" */
    assert_int_equal(strlen(buf), 2 * 15 + 8);
    assert_memory_equal(buf, "[00:00:0", 8);
    assert_memory_equal(buf + 15, "one\n[", 5);
    assert_memory_equal(buf + 15 + 4 + 15, "two\n", 4);
    mux_type(t, &m, "\x01t", NULL, 0);
    chr_write(m.mux, (const uint8_t *)"plain\n", 6);
    read_avail(t->l, m.peer, buf, sizeof(buf), 200 * MS);
    assert_string_equal(buf, "plain\n");
    chr_remove_handlers(m.mux, m.a);
    chr_remove_handlers(m.mux, m.b);
    free(m.a);
    free(m.b);
    close(m.peer);
}

static void test_mux_flow_control(void **state)
{
    T *t = *state;
    MuxT m;
    mux_setup(t, &m);
    /* b (focused) takes nothing for now. */
    m.b->budget = 0;
    char data[6000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = 'a' + i % 26;
    write_all(m.peer, data, sizeof(data));
    run_for(t->l, 100 * MS);
    assert_int_equal(m.b->len, 0);

    /* The mux reads only what b's queue holds, so the rest waits in the
     * kernel, in order; refilling b's budget delivers all of it. */
    int64_t start = host_monotonic_ns();
    while (m.b->len < (int)sizeof(data) && host_monotonic_ns() - start < 3000 * MS) {
        m.b->budget = 1000;
        chr_accept_input(m.mux);
        run_for(t->l, 20 * MS);
    }
    assert_int_equal(m.b->len, (int)sizeof(data));
    assert_memory_equal(m.b->buf, data, sizeof(data));
    assert_int_equal(m.a->len, 0);
    chr_remove_handlers(m.mux, m.a);
    chr_remove_handlers(m.mux, m.b);
    free(m.a);
    free(m.b);
    close(m.peer);
}

static void test_mux_limits_and_removal(void **state)
{
    T *t = *state;
    MuxT m;
    mux_setup(t, &m);
    Fe *more[3];
    Error *err = NULL;
    more[0] = fe_new();
    more[1] = fe_new();
    more[2] = fe_new();
    attach(m.mux, more[0]);
    attach(m.mux, more[1]);
    assert_int_equal(chr_set_handlers(m.mux, fe_can_read, fe_read, fe_event, more[2], &err), -1);
    expect_error(err, "at most 4");
    loop_run_once(t->l, 0);
    /* Focus is on the last attached; removing it moves focus on. */
    mux_type(t, &m, "1", more[1], 1);
    assert_int_equal(more[1]->len, 1);
    chr_remove_handlers(m.mux, more[1]);
    mux_type(t, &m, "2", NULL, 0);
    int got = m.a->len + m.b->len + more[0]->len;
    assert_int_equal(got, 1);
    chr_remove_handlers(m.mux, more[0]);
    chr_remove_handlers(m.mux, m.a);
    chr_remove_handlers(m.mux, m.b);
    for (int i = 0; i < 3; i++)
        free(more[i]);
    free(m.a);
    free(m.b);
    close(m.peer);
}

static void test_mon_spec_makes_mux(void **state)
{
    T *t = *state;
    Error *err = NULL;
    Chardev *c = chardev_new_from_spec(t->l, "serial0", "mon:null", &err);
    assert_non_null(c);
    assert_true(chardev_is_mux(c));
    assert_true(chardev_wants_monitor(c));
    assert_non_null(chardev_find("serial0-base"));
    assert_string_equal(chardev_filename(chardev_find("serial0-base")), "null");
}

/* ---- ringbuf ------------------------------------------------------------- */

static void test_ringbuf(void **state)
{
    T *t = *state;
    ChrRingbufConfig cfg = {.size = 8};
    Error *err = NULL;
    Chardev *r = chardev_new_backend(t->l, &chr_backend_ringbuf, "rb", &cfg, &err);
    assert_non_null(r);
    assert_int_equal(chr_write(r, (const uint8_t *)"0123456789", 10), 10);
    uint8_t buf[16];
    /* The oldest bytes were overwritten. */
    assert_int_equal(chardev_ringbuf_read(r, buf, sizeof(buf)), 8);
    assert_memory_equal(buf, "23456789", 8);
    assert_int_equal(chardev_ringbuf_read(r, buf, sizeof(buf)), 0);
    chr_write(r, (const uint8_t *)"abc", 3);
    assert_int_equal(chardev_ringbuf_read(r, buf, 2), 2);
    assert_memory_equal(buf, "ab", 2);
    assert_int_equal(chardev_ringbuf_read(r, buf, 2), 1);
    assert_int_equal(buf[0], 'c');

    cfg.size = 12;
    assert_null(chardev_new_backend(t->l, &chr_backend_ringbuf, "rb2", &cfg, &err));
    expect_error(err, "power of 2");
}

/* ---- pty, pipe ----------------------------------------------------------- */

static void test_pty(void **state)
{
    T *t = *state;
    Error *err = NULL;
    /* Capture the announcement on stderr. */
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(p[1], 2);
    Chardev *c = chardev_new_from_spec(t->l, "serial0", "pty", &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(p[1]);
    char msg[256] = "";
    ssize_t n = read(p[0], msg, sizeof(msg) - 1);
    close(p[0]);
    if (!c && strstr(error_get_msg(err), "cannot create a pty")) {
        error_free(err);
        skip(); /* a sandbox without /dev/ptmx */
    }
    assert_non_null(c);
    assert_true(n > 0);
    msg[n] = 0;
    const char *name = chardev_filename(c) + 4;
    assert_memory_equal(chardev_filename(c), "pty:/dev/", 9);
    char *want = xasprintf("char device redirected to %s (label serial0)\n", name);
    assert_string_equal(msg, want);
    free(want);

    Fe *f = fe_new();
    attach(c, f);
    /* Nobody on the slave side yet. */
    assert_false(chr_is_connected(c));
    assert_int_equal(chr_write(c, (const uint8_t *)"dropped", 7), 7);

    int s = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK);
    assert_true(s >= 0);
    run_until_event(t->l, f, CHR_EVENT_OPENED, 1);
    assert_true(chr_is_connected(c));
    write_all(s, "key", 3);
    run_until_len(t->l, f, 3);
    assert_memory_equal(f->buf, "key", 3);
    chr_write(c, (const uint8_t *)"out\n", 4);
    char buf[64];
    read_avail(t->l, s, buf, sizeof(buf), 300 * MS);
    /* Raw: no \n -> \r\n, and nothing written while disconnected. */
    assert_string_equal(buf, "out\n");

    close(s);
    run_until_event(t->l, f, CHR_EVENT_CLOSED, 1);
    assert_false(chr_is_connected(c));
    s = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK);
    run_until_event(t->l, f, CHR_EVENT_OPENED, 2);
    assert_true(chr_is_connected(c));
    close(s);
    free(f);
}

static void test_pipe(void **state)
{
    T *t = *state;
    Error *err = NULL;
    char *base = tpath(t, "fifo");
    char *in = xasprintf("%s.in", base), *out = xasprintf("%s.out", base);
    assert_int_equal(mkfifo(in, 0600), 0);
    assert_int_equal(mkfifo(out, 0600), 0);
    char *spec = xasprintf("pipe:%s", base);
    Chardev *c = chardev_new_from_spec(t->l, "serial0", spec, &err);
    assert_non_null(c);
    Fe *f = fe_new();
    attach(c, f);
    int w = open(in, O_WRONLY | O_NONBLOCK);
    int r = open(out, O_RDONLY | O_NONBLOCK);
    assert_true(w >= 0 && r >= 0);
    write_all(w, "guest-in", 8);
    run_until_len(t->l, f, 8);
    assert_memory_equal(f->buf, "guest-in", 8);
    chr_write(c, (const uint8_t *)"guest-out", 9);
    char buf[64];
    read_avail(t->l, r, buf, sizeof(buf), 300 * MS);
    assert_string_equal(buf, "guest-out");
    close(w);
    close(r);
    free(spec);

    spec = xasprintf("pipe:%s/none", t->dir);
    assert_null(chardev_new_from_spec(t->l, "serial1", spec, &err));
    expect_error(err, "cannot open");
    free(spec);
    free(f);
    free(base);
    free(in);
    free(out);
}

/* ---- stdio (in a child on a pty) ----------------------------------------- */

/* The child puts "its terminal" (a pty slave as fd 0/1) in raw mode via the
 * stdio chardev, reports, then leaves the way the parent asks. */
static void stdio_child(int slave, int rep, int cmd, const char *spec)
{
    dup2(slave, 0);
    dup2(slave, 1);
    Loop *l = loop_new();
    Error *err = NULL;
    Chardev *c = chardev_new_from_spec(l, "serial0", spec, &err);
    char ok = c ? 'R' : 'E';
    /* A second stdio is refused. */
    if (c && chardev_new_from_spec(l, "serial1", "stdio", &err) == NULL &&
        strstr(error_get_msg(err), "multiple"))
        ok = 'R';
    else
        ok = 'E';
    if (write(rep, &ok, 1) != 1)
        _exit(3);
    char what;
    if (read(cmd, &what, 1) != 1)
        _exit(4);
    switch (what) {
    case 'e':
        exit(0);        /* atexit */
    case 'f':
        fatal("boom");  /* exit hooks */
    case 'c':
        chardev_cleanup_all();
        _exit(0);
    default:
        for (;;)
            pause();    /* a signal ends it */
    }
}

typedef struct {
    pid_t pid;
    int master, slave, rep, cmd;
} StdioKid;

static void stdio_start(StdioKid *k, const char *spec)
{
    k->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (k->master < 0)
        skip(); /* a sandbox without /dev/ptmx */
    assert_int_equal(grantpt(k->master), 0);
    assert_int_equal(unlockpt(k->master), 0);
    k->slave = open(ptsname(k->master), O_RDWR | O_NOCTTY);
    assert_true(k->slave >= 0);
    struct termios tt;
    tcgetattr(k->slave, &tt);
    assert_true(tt.c_lflag & ICANON); /* a fresh pty is cooked */
    int rep[2], cmd[2];
    assert_int_equal(pipe(rep), 0);
    assert_int_equal(pipe(cmd), 0);
    fflush(NULL);
    k->pid = fork();
    assert_true(k->pid >= 0);
    if (k->pid == 0) {
        close(rep[0]);
        close(cmd[1]);
        stdio_child(k->slave, rep[1], cmd[0], spec);
        _exit(5);
    }
    close(rep[1]);
    close(cmd[0]);
    k->rep = rep[0];
    k->cmd = cmd[1];
    char ok = 0;
    assert_int_equal(read(k->rep, &ok, 1), 1);
    assert_int_equal(ok, 'R');
}

static void stdio_finish(StdioKid *k, int *status)
{
    assert_int_equal(waitpid(k->pid, status, 0), k->pid);
    struct termios tt;
    assert_int_equal(tcgetattr(k->slave, &tt), 0);
    /* Back to how it was: line editing and echo on. */
    assert_true(tt.c_lflag & ICANON);
    assert_true(tt.c_lflag & ECHO);
    assert_true(tt.c_iflag & ICRNL);
    close(k->master);
    close(k->slave);
    close(k->rep);
    close(k->cmd);
}

static void stdio_check_raw(StdioKid *k, bool signals)
{
    struct termios tt;
    assert_int_equal(tcgetattr(k->slave, &tt), 0);
    assert_false(tt.c_lflag & ICANON);
    assert_false(tt.c_lflag & ECHO);
    assert_int_equal(!!(tt.c_lflag & ISIG), signals);
}

static void test_stdio_restore_on_exit(void **state)
{
    StdioKid k;
    int status;
    stdio_start(&k, "stdio");
    stdio_check_raw(&k, true);
    write_all(k.cmd, "e", 1);
    stdio_finish(&k, &status);
    assert_true(WIFEXITED(status));
}

static void test_stdio_restore_on_fatal(void **state)
{
    StdioKid k;
    int status;
    stdio_start(&k, "stdio");
    write_all(k.cmd, "f", 1);
    stdio_finish(&k, &status);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
}

static void test_stdio_restore_on_signal(void **state)
{
    int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        StdioKid k;
        int status;
        stdio_start(&k, "stdio");
        write_all(k.cmd, "w", 1);
        usleep(20 * 1000);
        kill(k.pid, sigs[i]);
        stdio_finish(&k, &status);
        /* Restored, then died of the same signal. */
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), sigs[i]);
    }
}

static void test_stdio_mux_signal_off(void **state)
{
    StdioKid k;
    int status;
    /* Under the mux Ctrl-C is for the guest: no ISIG. */
    stdio_start(&k, "mon:stdio");
    stdio_check_raw(&k, false);
    write_all(k.cmd, "c", 1);
    stdio_finish(&k, &status);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- spec and option errors --------------------------------------------- */

static void test_spec_errors(void **state)
{
    T *t = *state;
    struct {
        const char *label, *spec, *needle;
    } cases[] = {
        {"serial0", "bogus", "-serial: unknown chardev spec 'bogus' (valid: stdio, mon:stdio"},
        {"monitor0", "bogus", "-monitor: unknown chardev spec"},
        {"serial0", "telnet::4444,server", "not implemented yet"},
        {"serial0", "tcp::4444,server,telnet", "telnet: not implemented yet"},
        {"serial0", "vc", "not implemented yet"},
        {"serial0", "udp::4555", "not implemented yet"},
        {"serial0", "/dev/ttyS0", "not implemented yet"},
        {"serial0", "file:", "missing file name"},
        {"serial0", "pipe:", "missing pipe name"},
        {"serial0", "tcp:localhost", "expected tcp:HOST:PORT"},
        {"serial0", "tcp:localhost:", "expected tcp:HOST:PORT"},
        {"serial0", "unix:", "missing socket path"},
        {"serial0", "chardev:nosuch", "no chardev with id 'nosuch'"},
        {"serial0", "mon:none", "mon: needs a backend"},
        {"serial0", "mon:chardev:x", "cannot wrap"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Error *err = NULL;
        Chardev *c = chardev_new_from_spec(t->l, cases[i].label, cases[i].spec, &err);
        if (c)
            fail_msg("spec '%s' was accepted", cases[i].spec);
        if (!err)
            fail_msg("spec '%s' failed without a message", cases[i].spec);
        expect_error(err, cases[i].needle);
    }
    assert_null(chardev_find("serial0"));
}

static void test_spec_chardev_ref(void **state)
{
    T *t = *state;
    Error *err = NULL;
    Chardev *n = chardev_new_from_spec(t->l, "mine", "null", &err);
    assert_ptr_equal(chardev_new_from_spec(t->l, "serial0", "chardev:mine", &err), n);
    assert_null(err);
}

static Chardev *from_opts(T *t, const char *text, Error **errp)
{
    Opts *o = opts_parse("-chardev", text, "backend", errp);
    if (!o)
        return NULL;
    Chardev *c = chardev_new_from_opts(t->l, o, errp);
    opts_free(o);
    return c;
}

static void test_opts_errors(void **state)
{
    T *t = *state;
    if (!have_opts())
        skip();
    struct {
        const char *text, *needle;
    } cases[] = {
        {"nosuch,id=x", "-chardev: unknown backend 'nosuch' (valid: file, null, pipe, pty, "
                        "ringbuf, socket, stdio)"},
        {"mux,id=x", "unknown backend 'mux'"},
        {"udp,id=x", "-chardev: not implemented yet: backend 'udp' (valid: file,"},
        {"vc,id=x", "not implemented yet"},
        {"fd,id=x", "unknown backend 'fd'"},
        {"null", "parameter 'id' is missing"},
        {"null,id=1x", "invalid id '1x'"},
        {"null,id=x,bogus=1", "Invalid parameter 'bogus'"},
        {"null,id=x,path=/tmp/y", "Invalid parameter 'path'"},
        {"null,id=x,mux=maybe", "mux"},
        {"null,id=x,logfile=/tmp/l", "logfile: not implemented yet"},
        {"file,id=x", "'path' is missing"},
        {"file,id=x,path=/tmp/y,append=sometimes", "append"},
        {"pipe,id=x", "'path' is missing"},
        {"ringbuf,id=x,size=100", "power of 2"},
        {"ringbuf,id=x,size=lots", "size"},
        {"socket,id=x", "'port' (tcp) or 'path' (unix) is required"},
        {"socket,id=x,port=0,telnet=on,server=on", "telnet: not implemented yet"},
        {"socket,id=x,port=4444,wait=off", "'wait' is only for a server"},
        {"socket,id=x,port=0,server=on,reconnect=1", "'reconnect' is only for a client"},
        {"socket,id=x,port=1,reconnect=1,reconnect-ms=5", "not both"},
        {"socket,id=x,path=/tmp/a,port=5", "exclude each other"},
        {"socket,id=x,port=0,server=on,wait=off,size=4", "Invalid parameter 'size'"},
        {"stdio,id=x,signal=perhaps", "signal"},
        {"pty,id=x,path=/dev/null", "Invalid parameter 'path'"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Error *err = NULL;
        Chardev *c = from_opts(t, cases[i].text, &err);
        if (c)
            fail_msg("'%s' was accepted", cases[i].text);
        if (!err)
            fail_msg("'%s' failed without a message", cases[i].text);
        expect_error(err, cases[i].needle);
    }
    assert_null(chardev_find("x"));
}

static void test_opts_create(void **state)
{
    T *t = *state;
    if (!have_opts())
        skip();
    Error *err = NULL;
    Chardev *r = from_opts(t, "ringbuf,id=r,size=64K", &err);
    assert_non_null(r);
    chr_write(r, (const uint8_t *)"x", 1);
    uint8_t b;
    assert_int_equal(chardev_ringbuf_read(r, &b, 1), 1);

    char *path = tpath(t, "o.txt");
    char *text = xasprintf("file,id=f,path=%s,append=on", path);
    Chardev *f = from_opts(t, text, &err);
    assert_non_null(f);
    chr_write(f, (const uint8_t *)"ok", 2);
    char *s = slurp(path);
    assert_string_equal(s, "ok");
    free(s);
    free(text);
    free(path);

    assert_null(from_opts(t, "null,id=r", &err));
    expect_error(err, "-chardev: duplicate id 'r'");
    err = NULL;
    Chardev *mem = from_opts(t, "memory,id=mem,size=1K", &err);
    assert_non_null(mem);
    assert_string_equal(chardev_filename(mem), "ringbuf");

    Chardev *m = from_opts(t, "null,id=m,mux=on", &err);
    assert_non_null(m);
    assert_true(chardev_is_mux(m));
    assert_non_null(chardev_find("m-base"));

    Chardev *srv = from_opts(t, "socket,id=s,host=127.0.0.1,port=0,server=on,wait=off,nodelay=on", &err);
    assert_non_null(srv);
    assert_true(chardev_socket_port(srv) > 0);

    path = tpath(t, "u.sock");
    text = xasprintf("socket,id=u,path=%s,server=on,wait=off", path);
    assert_non_null(from_opts(t, text, &err));
    free(text);
    free(path);

    /* help: an answer, not an error. */
    assert_null(from_opts(t, "help", &err));
    assert_null(err);
    assert_null(from_opts(t, "socket,help", &err));
    assert_null(err);
    assert_null(err);
}

static void test_legacy_socket_specs(void **state)
{
    T *t = *state;
    if (!have_opts())
        skip();
    Error *err = NULL;
    /* Old bare flags and new key=value forms. */
    Chardev *a = chardev_new_from_spec(t->l, "serial0", "tcp:127.0.0.1:0,server,nowait", &err);
    if (!a)
        fail_msg("%s", error_get_msg(err));
    assert_true(chardev_socket_port(a) > 0);
    assert_non_null(strstr(chardev_filename(a), "server=on"));
    Chardev *b = chardev_new_from_spec(t->l, "serial1", "tcp:[127.0.0.1]:0,server=on,wait=off", &err);
    assert_non_null(b);
    char *path = tpath(t, "legacy.sock");
    char *spec = xasprintf("unix:%s,server=on,wait=off", path);
    Chardev *c = chardev_new_from_spec(t->l, "monitor0", spec, &err);
    assert_non_null(c);
    free(spec);

    /* A client to it, the legacy way. */
    Fe *fs = fe_new(), *fc = fe_new();
    attach(c, fs);
    spec = xasprintf("unix:%s", path);
    Chardev *d = chardev_new_from_spec(t->l, "serial2", spec, &err);
    assert_non_null(d);
    attach(d, fc);
    run_until_event(t->l, fs, CHR_EVENT_OPENED, 1);
    exchange(t->l, c, fs, d, fc);
    free(spec);
    free(path);
    free(fs);
    free(fc);

    assert_null(chardev_new_from_spec(t->l, "serial3", "tcp::0,server,bogus=1", &err));
    expect_error(err, "Invalid parameter 'bogus'");
    err = NULL;
    assert_null(chardev_new_from_spec(t->l, "serial3", "tcp::1,wait=off", &err));
    expect_error(err, "'wait' is only for a server");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_null_and_registry),
        T(test_file_backend),
        T(test_file_errors),
        T(test_fd_io_and_events),
        T(test_flow_control),
        T(test_output_queue),
        T(test_socket_tcp),
        T(test_socket_unix),
        T(test_socket_client_refused),
        T(test_socket_server_wait),
        T(test_socket_client_reconnect),
        T(test_socket_client_reconnect_late_server),
        T(test_mux_focus_and_keys),
        T(test_mux_timestamps),
        T(test_mux_flow_control),
        T(test_mux_limits_and_removal),
        T(test_mon_spec_makes_mux),
        T(test_ringbuf),
        T(test_pty),
        T(test_pipe),
        T(test_stdio_restore_on_exit),
        T(test_stdio_restore_on_fatal),
        T(test_stdio_restore_on_signal),
        T(test_stdio_mux_signal_off),
        T(test_spec_errors),
        T(test_spec_chardev_ref),
        T(test_opts_errors),
        T(test_opts_create),
        T(test_legacy_socket_specs),
    };
    return cmocka_run_group_tests_name("chardev", tests, NULL, NULL);
}
