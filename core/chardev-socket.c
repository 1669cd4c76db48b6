/*
 * chardev-socket.c — the socket backend: TCP (host=, port=) or unix
 * (path=) stream sockets, as a server (server=on; one client at a time;
 * wait=on blocks start-up until the first client connects) or a client
 * (reconnect=SECONDS / reconnect-ms=MS retries after a failure or a
 * disconnect). Output while no peer is connected is dropped.
 */
#include "core/chardev-internal.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/error.h"

typedef struct Sock {
    Chardev *chr;
    bool is_unix, server, nodelay;
    int family;              /* AF_UNSPEC, or AF_INET/AF_INET6 (ipv4=/ipv6=) */
    char *host, *port, *path;
    int64_t reconnect_ns;
    int listen_fd;
    int conn_fd;
    int connecting_fd;       /* a non-blocking connect in progress */
    Timer *retry;
    char *desc;              /* "tcp:HOST:PORT" / "unix:PATH" (+ ",server=on") */
    bool unlink_path;        /* we created the unix socket file */
} Sock;

static const char *const socket_keys[] = {
    "host", "port", "path", "server", "wait", "nodelay", "reconnect",
    "reconnect-ms", "ipv4", "ipv6", "telnet", NULL,
};

static int socket_parse(Opts *o, void *opaque, Error **errp)
{
    ChrSocketConfig *cfg = opaque;
    const char *opt = o->option ? o->option : "-chardev";
    bool telnet = false;
    uint64_t rs = 0, rms = 0;
    if (opts_get_bool(o, "telnet", false, &telnet, errp) < 0)
        return -1;
    if (telnet) {
        error_setg(errp, "%s: socket: telnet: not implemented yet", opt);
        return -1;
    }
    cfg->host = opts_get(o, "host");
    cfg->port = opts_get(o, "port");
    cfg->path = opts_get(o, "path");
    if (opts_get_bool(o, "server", false, &cfg->server, errp) < 0 ||
        opts_get_bool(o, "wait", true, &cfg->wait, errp) < 0 ||
        opts_get_bool(o, "nodelay", false, &cfg->nodelay, errp) < 0 ||
        opts_get_bool(o, "ipv4", false, &cfg->ipv4, errp) < 0 ||
        opts_get_bool(o, "ipv6", false, &cfg->ipv6, errp) < 0 ||
        opts_get_u64(o, "reconnect", 0, &rs, errp) < 0 ||
        opts_get_u64(o, "reconnect-ms", 0, &rms, errp) < 0)
        return -1;
    if (opts_has(o, "wait") && !cfg->server) {
        error_setg(errp, "%s: socket: 'wait' is only for a server (server=on)", opt);
        return -1;
    }
    if ((rs || rms) && cfg->server) {
        error_setg(errp, "%s: socket: 'reconnect' is only for a client (server=off)", opt);
        return -1;
    }
    if (rs && rms) {
        error_setg(errp, "%s: socket: give 'reconnect' or 'reconnect-ms', not both", opt);
        return -1;
    }
    if (rs > INT64_MAX / 1000000000LL || rms > INT64_MAX / 1000000LL) {
        error_setg(errp, "%s: socket: reconnect period too large", opt);
        return -1;
    }
    cfg->reconnect_ms = rs ? (int64_t)rs * 1000 : (int64_t)rms;
    if (cfg->path && (cfg->host || cfg->port)) {
        error_setg(errp, "%s: socket: 'path' (unix) and 'host'/'port' (tcp) "
                   "exclude each other", opt);
        return -1;
    }
    if (!cfg->path && !cfg->port) {
        error_setg(errp, "%s: socket: 'port' (tcp) or 'path' (unix) is required", opt);
        return -1;
    }
    return 0;
}

/* ---- addresses ----------------------------------------------------------- */

static int resolve(Sock *s, bool passive, struct addrinfo **res, Error **errp)
{
    struct addrinfo hints = {
        .ai_family = s->family,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    const char *host = s->host && *s->host ? s->host : NULL;
    int r = getaddrinfo(host, s->port, &hints, res);
    if (r != 0) {
        error_setg(errp, "chardev '%s': cannot resolve '%s:%s': %s", s->chr->id,
                   host ? host : "", s->port, gai_strerror(r));
        return -1;
    }
    return 0;
}

static int unix_addr(Sock *s, struct sockaddr_un *sun, Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(s->path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "chardev '%s': unix socket path too long (max %zu): %s",
                   s->chr->id, sizeof(sun->sun_path) - 1, s->path);
        return -1;
    }
    strcpy(sun->sun_path, s->path);
    return 0;
}

static void describe_peer(Sock *s, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char h[NI_MAXHOST], p[NI_MAXSERV];
    if (!s->is_unix && getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
        getnameinfo((struct sockaddr *)&ss, len, h, sizeof(h), p, sizeof(p),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        chr_set_filename(s->chr, "%s <-> %s:%s", s->desc, h, p);
    else
        chr_set_filename(s->chr, "%s", s->desc);
}

/* ---- connection state ---------------------------------------------------- */

static void listen_accept(void *opaque);

static void sock_connected(Sock *s, int fd)
{
    Chardev *chr = s->chr;
    chr_set_nonblock(fd, true);
    chr_set_cloexec(fd);
    if (!s->is_unix && s->nodelay) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->conn_fd = fd;
    if (s->listen_fd >= 0) /* one client at a time */
        loop_set_fd_handler(chr->loop, s->listen_fd, NULL, NULL, NULL);
    describe_peer(s, fd);
    chr_fd_start(chr, fd, fd);
    chr_be_event(chr, CHR_EVENT_OPENED);
}

static void arm_retry(Sock *s)
{
    if (s->reconnect_ns > 0)
        timer_mod(s->retry, clock_get_ns(s->chr->loop, CLK_REALTIME) + s->reconnect_ns);
}

static void sock_disconnect(Chardev *chr)
{
    Sock *s = chr->state;
    if (s->conn_fd < 0)
        return;
    chr_fd_stop(chr);
    close(s->conn_fd);
    s->conn_fd = -1;
    chr_set_filename(chr, "disconnected:%s", s->desc);
    chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->server)
        loop_set_fd_handler(chr->loop, s->listen_fd, listen_accept, NULL, s);
    else
        arm_retry(s);
}

static void listen_accept(void *opaque)
{
    Sock *s = opaque;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return; /* EAGAIN, or the client already gave up */
    sock_connected(s, fd);
}

/* ---- client -------------------------------------------------------------- */

/* Creates a socket and connects it to the first address that answers.
 * Blocking: returns the connected fd or -1. Non-blocking: may return an fd
 * whose connect is still in progress (*in_progress). */
static int client_connect(Sock *s, bool nonblock, bool *in_progress, Error **errp)
{
    *in_progress = false;
    if (s->is_unix) {
        struct sockaddr_un sun;
        if (unix_addr(s, &sun, errp) < 0)
            return -1;
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) {
            error_setg_errno(errp, errno, "chardev '%s': socket", s->chr->id);
            return -1;
        }
        chr_set_cloexec(fd);
        if (nonblock)
            chr_set_nonblock(fd, true);
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
            return fd;
        if (errno == EINPROGRESS) {
            *in_progress = true;
            return fd;
        }
        error_setg_errno(errp, errno, "Failed to connect to '%s'", s->path);
        close(fd);
        return -1;
    }
    struct addrinfo *res, *ai;
    if (resolve(s, false, &res, errp) < 0)
        return -1;
    int fd = -1, err = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        chr_set_cloexec(fd);
        if (nonblock)
            chr_set_nonblock(fd, true);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (errno == EINPROGRESS) {
            *in_progress = true;
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        error_setg_errno(errp, err, "Failed to connect to '%s:%s'",
                         s->host ? s->host : "", s->port);
    return fd;
}

static void connect_done(void *opaque)
{
    Sock *s = opaque;
    int fd = s->connecting_fd;
    int err = 0;
    socklen_t len = sizeof(err);
    loop_set_fd_handler(s->chr->loop, fd, NULL, NULL, NULL);
    s->connecting_fd = -1;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err) {
        close(fd);
        arm_retry(s);
        return;
    }
    sock_connected(s, fd);
}

/* One non-blocking attempt; failures are retried by the timer. */
static void client_try(void *opaque)
{
    Sock *s = opaque;
    Error *err = NULL;
    bool in_progress;
    if (s->conn_fd >= 0 || s->connecting_fd >= 0)
        return;
    int fd = client_connect(s, true, &in_progress, &err);
    error_free(err);
    if (fd < 0) {
        arm_retry(s);
    } else if (in_progress) {
        s->connecting_fd = fd;
        loop_set_fd_handler(s->chr->loop, fd, NULL, connect_done, s);
    } else {
        sock_connected(s, fd);
    }
}

/* ---- server -------------------------------------------------------------- */

static int server_listen(Sock *s, Error **errp)
{
    int fd = -1;
    if (s->is_unix) {
        struct sockaddr_un sun;
        if (unix_addr(s, &sun, errp) < 0)
            return -1;
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) {
            error_setg_errno(errp, errno, "chardev '%s': socket", s->chr->id);
            return -1;
        }
        /* A socket file left by an earlier run would make bind() fail. */
        unlink(s->path);
        if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "chardev '%s': cannot listen on '%s'",
                             s->chr->id, s->path);
            close(fd);
            return -1;
        }
        s->unlink_path = true;
    } else {
        struct addrinfo *res, *ai;
        int err = 0;
        if (resolve(s, true, &res, errp) < 0)
            return -1;
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
            if (fd < 0) {
                err = errno;
                continue;
            }
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0)
                break;
            err = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0) {
            error_setg_errno(errp, err, "chardev '%s': cannot listen on '%s:%s'",
                             s->chr->id, s->host ? s->host : "", s->port);
            return -1;
        }
    }
    chr_set_cloexec(fd);
    s->listen_fd = fd;
    return 0;
}

/* "tcp:127.0.0.1:4444,server=on" with the port actually bound (port=0). */
static void describe_self(Sock *s)
{
    free(s->desc);
    if (s->is_unix) {
        s->desc = xasprintf("unix:%s%s", s->path, s->server ? ",server=on" : "");
        return;
    }
    char h[NI_MAXHOST] = "", p[NI_MAXSERV] = "";
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (s->server && getsockname(s->listen_fd, (struct sockaddr *)&ss, &len) == 0 &&
        getnameinfo((struct sockaddr *)&ss, len, h, sizeof(h), p, sizeof(p),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        bool v6 = ss.ss_family == AF_INET6;
        s->desc = xasprintf("tcp:%s%s%s:%s,server=on", v6 ? "[" : "", h,
                            v6 ? "]" : "", p);
        return;
    }
    s->desc = xasprintf("tcp:%s:%s%s", s->host ? s->host : "", s->port,
                        s->server ? ",server=on" : "");
}

/* ---- backend ------------------------------------------------------------- */

static void sock_free(Sock *s)
{
    if (s->connecting_fd >= 0) {
        loop_set_fd_handler(s->chr->loop, s->connecting_fd, NULL, NULL, NULL);
        close(s->connecting_fd);
    }
    if (s->listen_fd >= 0) {
        loop_set_fd_handler(s->chr->loop, s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
        if (s->unlink_path)
            unlink(s->path);
    }
    timer_free(s->retry);
    free(s->host);
    free(s->port);
    free(s->path);
    free(s->desc);
    free(s);
}

static int socket_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrSocketConfig *cfg = opaque;
    Sock *s = xzalloc(sizeof(*s));
    s->chr = chr;
    s->listen_fd = s->conn_fd = s->connecting_fd = -1;
    s->is_unix = cfg->path != NULL;
    s->server = cfg->server;
    s->nodelay = cfg->nodelay;
    s->family = cfg->ipv4 && !cfg->ipv6 ? AF_INET
              : cfg->ipv6 && !cfg->ipv4 ? AF_INET6 : AF_UNSPEC;
    s->host = cfg->host ? xstrdup(cfg->host) : NULL;
    s->port = cfg->port ? xstrdup(cfg->port) : NULL;
    s->path = cfg->path ? xstrdup(cfg->path) : NULL;
    s->reconnect_ns = cfg->reconnect_ms * 1000000LL;
    s->retry = timer_new(chr->loop, CLK_REALTIME, client_try, s);
    chr->state = s;

    if (!s->is_unix && !s->port) {
        error_setg(errp, "chardev '%s': socket needs a port or a path", chr->id);
        goto fail;
    }
    if (s->server) {
        if (server_listen(s, errp) < 0)
            goto fail;
        describe_self(s);
        chr_set_filename(chr, "disconnected:%s", s->desc);
        if (cfg->wait) {
            /* Like QEMU: the guest does not start until someone listens. */
            info_report("waiting for connection on: %s", chardev_filename(chr));
            int fd;
            do {
                fd = accept(s->listen_fd, NULL, NULL);
            } while (fd < 0 && (errno == EINTR || errno == ECONNABORTED));
            if (fd < 0) {
                error_setg_errno(errp, errno, "chardev '%s': accept", chr->id);
                goto fail;
            }
            chr_set_nonblock(s->listen_fd, true);
            sock_connected(s, fd);
        } else {
            chr_set_nonblock(s->listen_fd, true);
            loop_set_fd_handler(chr->loop, s->listen_fd, listen_accept, NULL, s);
        }
        return 0;
    }

    describe_self(s);
    chr_set_filename(chr, "disconnected:%s", s->desc);
    if (s->reconnect_ns > 0) {
        /* With reconnect, a peer that is not up yet is not an error. */
        client_try(s);
        return 0;
    }
    bool in_progress;
    int fd = client_connect(s, false, &in_progress, errp);
    if (fd < 0)
        goto fail;
    sock_connected(s, fd);
    return 0;

fail:
    chr->state = NULL;
    sock_free(s);
    return -1;
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    Sock *s = chr->state;
    if (s->conn_fd < 0)
        return len; /* no peer: dropped */
    return chr_fd_write(chr, buf, len);
}

static void socket_close(Chardev *chr)
{
    Sock *s = chr->state;
    if (s->conn_fd >= 0)
        close(s->conn_fd);
    sock_free(s);
}

int chardev_socket_port(Chardev *chr)
{
    if (chr->be != &chr_backend_socket)
        return -1;
    Sock *s = chr->state;
    int fd = s->listen_fd >= 0 ? s->listen_fd : s->conn_fd;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (s->is_unix || fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

const ChrBackend chr_backend_socket = {
    .name = "socket",
    .desc = "TCP (host=,port=) or unix (path=) socket; server=on|off, wait=on|off, "
            "nodelay=on|off, reconnect=SECONDS, reconnect-ms=MS, ipv4=, ipv6=",
    .keys = socket_keys,
    .cfg_size = sizeof(ChrSocketConfig),
    .parse = socket_parse,
    .open = socket_open,
    .write = socket_write,
    .hangup = sock_disconnect,
    .close = socket_close,
};
