/*
 * user.c — `-netdev user` (and `-nic user`, `-net user`): user-mode
 * networking on libslirp (its public API, libslirp.h, SlirpConfig version
 * 4). Options are QEMU 7.2's (docs: "-netdev user"); the messages for bad
 * ones are worded as QEMU's, which people search for.
 *
 * Event-loop integration, built so that an idle stack costs nothing:
 *   - after every call into slirp (a guest frame, ready fds, a timer, a
 *     forwarding rule added) user_update() asks slirp_pollfds_fill() which
 *     fds it wants and registers exactly those with the loop (re-registering
 *     only what changed);
 *   - a ready fd schedules one bottom half per loop iteration, which polls
 *     slirp's fds once without waiting (for exact revents) and hands them to
 *     slirp_pollfds_poll();
 *   - slirp's timeout is honoured only when it has a timer: it answers
 *     2 ms (delayed ACK), 499 ms (TCP/IP slow timer: a TCP socket, a
 *     listening hostfwd socket, a UDP/ICMP socket not yet expired, IP
 *     fragments) or 1000 ms, its cap when nothing is due — that last one
 *     arms nothing, so an idle stack with no sockets wakes nobody;
 *   - output slirp queued while resolving a guest address with ARP/NDP is
 *     retried (slirp_pollfds_poll with no events) right after the guest
 *     frame that may have answered (any ARP or ICMPv6 frame);
 *   - slirp's own timers (router advertisements) are loop timers.
 * Clocks: slirp runs on the virtual clock, as in QEMU, so a stopped machine
 * stops its timers too.
 *
 * Flow control: frames slirp emits go to the peer with a completion
 * callback; while any is queued there (the NIC had no room) the stack reads
 * no host socket and accepts no connection (only writes towards the host go
 * on), so it produces no more than its timers and the guest's own frames
 * call for; everything queued is delivered once the NIC drains.
 */
#include <arpa/inet.h>
#include <ftw.h>
#include <poll.h>
#include <pwd.h>
#include <unistd.h>

#include <libslirp.h>

#include "core/chardev.h"
#include "core/log.h"
#include "core/monitor.h"
#include "netback/net-internal.h"

#define SLIRP_IDLE_TIMEOUT_MS 1000 /* what slirp answers when no timer is due */

typedef struct UserNet UserNet;

typedef struct UserFd {
    int fd;
    int events;   /* SLIRP_POLL_* slirp asked for */
    int revents;  /* SLIRP_POLL_* from the last poll */
} UserFd;

typedef struct UserTimer {
    UserNet *s;
    Timer *t;
    SlirpTimerId id;
    void *cb_opaque;
    SlirpTimerCb cb; /* the pre-v4 interface */
} UserTimer;

typedef struct GuestFwd {
    UserNet *s;
    Chardev *chr;
    struct in_addr server;
    int port;
    struct GuestFwd *next;
} GuestFwd;

struct UserNet {
    NetClient nc;
    Slirp *slirp;
    Loop *loop;
    UserFd *fds;          /* the last fill; index = what add_poll returned */
    int n_fds, cap_fds;
    UserFd *reg;          /* what is registered with the loop */
    int n_reg, cap_reg;
    BH *poll_bh;
    Timer *poll_timer;
    int in_slirp;         /* depth of calls into slirp: no refill inside */
    bool notified;        /* slirp said a guestfwd socket can take more */
    unsigned tx_pending;  /* frames queued at the peer */
    struct in_addr dhcp_start;
    GuestFwd *guestfwds;
    char *smb_dir;
    UserNet *next_user;
};

static UserNet *users;

/* ---- the loop side ------------------------------------------------------ */

static void user_poll_bh(void *opaque);

static void user_fd_ready(void *opaque)
{
    UserNet *s = opaque;
    bh_schedule(s->poll_bh);
}

static short to_poll(int ev)
{
    return (short)((ev & SLIRP_POLL_IN ? POLLIN : 0) | (ev & SLIRP_POLL_OUT ? POLLOUT : 0) |
                   (ev & SLIRP_POLL_PRI ? POLLPRI : 0));
}

static int from_poll(short rev)
{
    return (rev & POLLIN ? SLIRP_POLL_IN : 0) | (rev & POLLOUT ? SLIRP_POLL_OUT : 0) |
           (rev & POLLPRI ? SLIRP_POLL_PRI : 0) | (rev & POLLERR ? SLIRP_POLL_ERR : 0) |
           (rev & POLLHUP ? SLIRP_POLL_HUP : 0);
}

static int add_poll_cb(int fd, int events, void *opaque)
{
    UserNet *s = opaque;
    if (s->n_fds == s->cap_fds) {
        s->cap_fds = s->cap_fds ? s->cap_fds * 2 : 16;
        s->fds = xrealloc(s->fds, s->cap_fds * sizeof(*s->fds));
    }
    s->fds[s->n_fds] = (UserFd){.fd = fd, .events = events};
    return s->n_fds++;
}

static int get_revents_cb(int idx, void *opaque)
{
    UserNet *s = opaque;
    return idx >= 0 && idx < s->n_fds ? s->fds[idx].revents : 0;
}

static int reg_find(UserNet *s, int fd)
{
    for (int i = 0; i < s->n_reg; i++)
        if (s->reg[i].fd == fd)
            return i;
    return -1;
}

/* Registers with the loop what the last fill asked for. While frames wait
 * at the peer only writes towards the host are polled. */
static void user_register(UserNet *s)
{
    bool blocked = s->tx_pending > 0;
    /* What should be registered now: fd -> loop events (0: none). */
    for (int i = 0; i < s->n_reg; i++)
        s->reg[i].revents = 0; /* used as "still wanted" */
    for (int i = 0; i < s->n_fds; i++) {
        int ev = s->fds[i].events;
        if (blocked)
            ev &= SLIRP_POLL_OUT;
        ev &= SLIRP_POLL_IN | SLIRP_POLL_OUT | SLIRP_POLL_PRI;
        if (!ev)
            continue;
        int r = reg_find(s, s->fds[i].fd);
        if (r >= 0 && s->reg[r].revents) {
            /* The same fd twice: merge. */
            ev |= s->reg[r].events;
        }
        if (r < 0) {
            if (s->n_reg == s->cap_reg) {
                s->cap_reg = s->cap_reg ? s->cap_reg * 2 : 16;
                s->reg = xrealloc(s->reg, s->cap_reg * sizeof(*s->reg));
            }
            r = s->n_reg++;
            s->reg[r] = (UserFd){.fd = s->fds[i].fd, .events = 0};
        }
        if (s->reg[r].events != ev) {
            bool rd = ev & (SLIRP_POLL_IN | SLIRP_POLL_PRI), wr = ev & SLIRP_POLL_OUT;
            loop_set_fd_handler(s->loop, s->reg[r].fd, rd ? user_fd_ready : NULL,
                                wr ? user_fd_ready : NULL, s);
            s->reg[r].events = ev;
        }
        s->reg[r].revents = 1;
    }
    for (int i = 0; i < s->n_reg;) {
        if (s->reg[i].revents) {
            i++;
            continue;
        }
        loop_set_fd_handler(s->loop, s->reg[i].fd, NULL, NULL, NULL);
        s->reg[i] = s->reg[--s->n_reg];
    }
}

/* After every call into slirp: what it wants polled, and its timer. */
static void user_update(UserNet *s)
{
    if (s->in_slirp || !s->slirp)
        return;
    uint32_t timeout = UINT32_MAX;
    s->n_fds = 0;
    slirp_pollfds_fill(s->slirp, &timeout, add_poll_cb, s);
    user_register(s);
    if (timeout < SLIRP_IDLE_TIMEOUT_MS) {
        int64_t when = clock_get_ns(s->loop, CLK_VIRTUAL) + (int64_t)timeout * 1000000;
        if (!timer_pending(s->poll_timer) || timer_expire_time(s->poll_timer) > when)
            timer_mod(s->poll_timer, when);
    } else {
        timer_del(s->poll_timer);
    }
}

static void user_run_poll(UserNet *s, bool with_fds)
{
    if (with_fds && s->n_fds) {
        struct pollfd *p = xmalloc(s->n_fds * sizeof(*p));
        for (int i = 0; i < s->n_fds; i++)
            p[i] = (struct pollfd){.fd = s->fds[i].fd, .events = to_poll(s->fds[i].events)};
        int r = poll(p, (nfds_t)s->n_fds, 0);
        for (int i = 0; i < s->n_fds; i++)
            s->fds[i].revents = r > 0 ? from_poll(p[i].revents) : 0;
        free(p);
    } else {
        for (int i = 0; i < s->n_fds; i++)
            s->fds[i].revents = 0;
    }
    s->in_slirp++;
    slirp_pollfds_poll(s->slirp, 0, get_revents_cb, s);
    s->in_slirp--;
    user_update(s);
}

static void user_poll_bh(void *opaque)
{
    UserNet *s = opaque;
    if (s->notified) {
        /* A guestfwd socket can take more: its chardev may read again. */
        s->notified = false;
        for (GuestFwd *g = s->guestfwds; g; g = g->next)
            if (g->chr)
                chr_accept_input(g->chr);
    }
    user_run_poll(s, true);
}

static void user_poll_timer(void *opaque)
{
    user_run_poll(opaque, true);
}

/* ---- slirp's callbacks -------------------------------------------------- */

static void user_sent(NetClient *nc, ssize_t len)
{
    UserNet *s = (UserNet *)nc;
    if (s->tx_pending && --s->tx_pending == 0)
        user_update(s);
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    UserNet *s = opaque;
    ssize_t r = net_send_buf(&s->nc, buf, len, NULL, user_sent);
    if (r == 0)
        s->tx_pending++;
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    UserNet *s = opaque;
    qlog(LOG_GUEST_ERROR, "net: %s (user): %s\n", s->nc.name, msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    UserNet *s = opaque;
    return clock_get_ns(s->loop, CLK_VIRTUAL);
}

static void user_timer_fire(void *opaque)
{
    UserTimer *t = opaque;
    UserNet *s = t->s;
    s->in_slirp++;
    if (t->cb)
        t->cb(t->cb_opaque);
    else
        slirp_handle_timer(s->slirp, t->id, t->cb_opaque);
    s->in_slirp--;
    user_update(s);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    UserNet *s = opaque;
    UserTimer *t = xzalloc(sizeof(*t));
    t->s = s;
    t->id = id;
    t->cb_opaque = cb_opaque;
    t->t = timer_new(s->loop, CLK_VIRTUAL, user_timer_fire, t);
    return t;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    UserTimer *t = cb_timer_new_opaque(SLIRP_TIMER_RA, cb_opaque, opaque);
    t->cb = cb;
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    UserTimer *t = timer;
    if (!t)
        return;
    timer_free(t->t);
    free(t);
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    UserTimer *t = timer;
    timer_mod(t->t, expire_ms * 1000000);
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    /* The fds come from slirp_pollfds_fill() instead. */
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
    UserNet *s = opaque;
    /* Called from inside slirp: the chardevs are told from the bottom half,
     * so none of them can call back into slirp from here. */
    s->notified = true;
    bh_schedule(s->poll_bh);
}

static const SlirpCb user_cb = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

/* ---- the NetClient side ------------------------------------------------ */

static ssize_t user_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                            const NetOffload *off)
{
    UserNet *s = (UserNet *)nc;
    size_t len = 0;
    for (int i = 0; i < iovcnt; i++)
        len += iov[i].iov_len;
    uint8_t *buf;
    uint8_t *flat = NULL;
    if (iovcnt == 1) {
        buf = iov[0].iov_base;
    } else {
        buf = flat = xmalloc(len);
        size_t at = 0;
        for (int i = 0; i < iovcnt; i++) {
            memcpy(flat + at, iov[i].iov_base, iov[i].iov_len);
            at += iov[i].iov_len;
        }
    }
    s->in_slirp++;
    slirp_input(s->slirp, buf, (int)len);
    s->in_slirp--;
    /* ARP (or NDP: ICMPv6) may have resolved an address slirp was waiting
     * for: let it send what it held back. */
    uint16_t et = len >= 14 ? (uint16_t)(buf[12] << 8 | buf[13]) : 0;
    bool resolved = et == 0x0806 || (et == 0x86dd && len >= 54 && buf[20] == 58);
    free(flat);
    if (resolved)
        user_run_poll(s, false);
    else
        user_update(s);
    return (ssize_t)len;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path) < 0 ? -1 : 0;
}

/* The private smbd directory (its config, logs, state) goes with the
 * netdev, or at exit. */
static void smb_dir_remove(UserNet *s)
{
    if (!s->smb_dir)
        return;
    nftw(s->smb_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(s->smb_dir);
    s->smb_dir = NULL;
}

static void smb_dirs_remove_at_exit(void)
{
    for (UserNet *s = users; s; s = s->next_user)
        smb_dir_remove(s);
}

static void user_cleanup(NetClient *nc)
{
    UserNet *s = (UserNet *)nc;
    for (UserNet **pp = &users; *pp; pp = &(*pp)->next_user) {
        if (*pp == s) {
            *pp = s->next_user;
            break;
        }
    }
    for (int i = 0; i < s->n_reg; i++)
        loop_set_fd_handler(s->loop, s->reg[i].fd, NULL, NULL, NULL);
    s->n_reg = 0;
    while (s->guestfwds) {
        GuestFwd *g = s->guestfwds;
        s->guestfwds = g->next;
        if (g->chr)
            chr_remove_handlers(g->chr, g);
        free(g);
    }
    if (s->slirp)
        slirp_cleanup(s->slirp);
    s->slirp = NULL;
    timer_free(s->poll_timer);
    bh_free(s->poll_bh);
    free(s->fds);
    free(s->reg);
    smb_dir_remove(s);
}

static const NetClientOps user_ops = {
    .type = "user",
    .size = sizeof(UserNet),
    .receive = user_receive,
    .cleanup = user_cleanup,
};

/* ---- options ------------------------------------------------------------- */

#define OPT_ERR(o, errp, ...)                                              \
    do {                                                                   \
        char *m_ = xasprintf(__VA_ARGS__);                                 \
        error_setg(errp, "%s %s: %s", (o)->option, (o)->text, m_);         \
        free(m_);                                                          \
    } while (0)

/* net=addr[/bits | /netmask]; without a mask, the address class's. */
static int parse_net(const char *s, struct in_addr *net, struct in_addr *mask)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", s);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash++ = 0;
    if (!inet_aton(buf, net))
        return -1;
    uint32_t a = ntohl(net->s_addr), m;
    if (slash) {
        char *end;
        long bits = strtol(slash, &end, 10);
        if (*slash && !*end) {
            if (bits < 4 || bits > 32)
                return -2;
            m = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
        } else {
            struct in_addr mm;
            if (!inet_aton(slash, &mm))
                return -1;
            m = ntohl(mm.s_addr);
            /* Contiguous, /4 to /32. */
            if ((~m & (~m + 1)) != 0 || (m & 0xf0000000u) != 0xf0000000u)
                return -2;
        }
    } else if (!(a & 0x80000000u)) {
        m = 0xff000000u;             /* class A */
    } else if ((a & 0xfff00000u) == 0xac100000u) {
        m = 0xfff00000u;             /* 172.16/12 */
    } else if ((a & 0xc0000000u) == 0x80000000u) {
        m = 0xffff0000u;             /* class B */
    } else if ((a & 0xffff0000u) == 0xc0a80000u) {
        m = 0xffff0000u;             /* 192.168/16 */
    } else {
        m = 0xffffff00u;             /* class C and the rest */
    }
    mask->s_addr = htonl(m);
    net->s_addr = htonl(a & m);
    return 0;
}

static bool in_net(struct in_addr a, struct in_addr net, struct in_addr mask)
{
    return (a.s_addr & mask.s_addr) == net.s_addr;
}

static int parse_addr_in_net(Opts *o, const char *key, const char *what, struct in_addr net,
                             struct in_addr mask, struct in_addr def, struct in_addr *out,
                             Error **errp)
{
    const char *v = opts_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!inet_aton(v, out)) {
        OPT_ERR(o, errp, "Failed to parse %s address '%s'", what, v);
        return -1;
    }
    if (!in_net(*out, net, mask)) {
        OPT_ERR(o, errp, "%s doesn't belong to network", what);
        return -1;
    }
    uint32_t host = ntohl(out->s_addr) & ~ntohl(mask.s_addr);
    if (host == 0 || host == ~ntohl(mask.s_addr)) {
        OPT_ERR(o, errp, "%s address '%s' is the network's own or broadcast address", what, v);
        return -1;
    }
    return 0;
}

static bool in6_net(const struct in6_addr *a, const struct in6_addr *prefix, int len)
{
    for (int i = 0; i < 16; i++) {
        int bits = len - i * 8;
        if (bits <= 0)
            break;
        uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        if ((a->s6_addr[i] & m) != (prefix->s6_addr[i] & m))
            return false;
    }
    return true;
}

static void in6_with_host(struct in6_addr *out, const struct in6_addr *prefix, uint8_t low)
{
    *out = *prefix;
    out->s6_addr[15] = low;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
typedef struct HostFwd {
    bool udp;
    struct in_addr host, guest;
    int host_port, guest_port;
} HostFwd;

static int parse_port(const char *s, int min, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < min || v > 65535)
        return -1;
    *out = (int)v;
    return 0;
}

/* Splits at the first `sep`; NULL when absent. */
static char *split(char *s, char sep)
{
    char *p = strchr(s, sep);
    if (p)
        *p++ = 0;
    return p;
}

static int parse_proto(const char *s, bool *udp)
{
    if (!*s || !strcmp(s, "tcp")) {
        *udp = false;
        return 0;
    }
    if (!strcmp(s, "udp")) {
        *udp = true;
        return 0;
    }
    return -1;
}

/* Parses a hostfwd rule (guest part only when `with_guest`); NULL or a
 * reason for the message. */
static const char *parse_hostfwd(const char *rule, bool with_guest, struct in_addr def_guest,
                                 HostFwd *fw)
{
    char *buf = xstrdup(rule);
    const char *why = NULL;
    char *p = buf, *rest;
    if (!(rest = split(p, ':'))) {
        why = "No : separators";
        goto out;
    }
    if (parse_proto(p, &fw->udp) < 0) {
        why = "Bad protocol name";
        goto out;
    }
    p = rest;
    if (!(rest = split(p, ':'))) {
        why = "No : separators";
        goto out;
    }
    fw->host.s_addr = INADDR_ANY;
    if (*p && !inet_aton(p, &fw->host)) {
        why = "Bad host address";
        goto out;
    }
    p = rest;
    rest = with_guest ? split(p, '-') : NULL;
    if (with_guest && !rest) {
        why = "Bad host port separator";
        goto out;
    }
    if (parse_port(p, 0, &fw->host_port) < 0) {
        why = "Bad host port";
        goto out;
    }
    if (!with_guest)
        goto out;
    p = rest;
    if (!(rest = split(p, ':'))) {
        why = "Bad guest address/port separator";
        goto out;
    }
    fw->guest = def_guest;
    if (*p && !inet_aton(p, &fw->guest)) {
        why = "Bad guest address";
        goto out;
    }
    if (parse_port(rest, 1, &fw->guest_port) < 0)
        why = "Bad guest port";
out:
    free(buf);
    return why;
}

static int user_add_hostfwd(UserNet *s, const char *rule, Error **errp)
{
    HostFwd fw;
    const char *why = parse_hostfwd(rule, true, s->dhcp_start, &fw);
    if (why) {
        error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
        return -1;
    }
    s->in_slirp++;
    int r = slirp_add_hostfwd(s->slirp, fw.udp, fw.host, fw.host_port, fw.guest,
                              fw.guest_port);
    s->in_slirp--;
    if (r < 0) {
        error_setg(errp, "Could not set up host forwarding rule '%s'", rule);
        return -1;
    }
    user_update(s);
    return 0;
}

static int user_remove_hostfwd(UserNet *s, const char *rule, Error **errp)
{
    HostFwd fw;
    const char *why = parse_hostfwd(rule, false, s->dhcp_start, &fw);
    if (why) {
        error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
        return -1;
    }
    s->in_slirp++;
    int r = slirp_remove_hostfwd(s->slirp, fw.udp, fw.host, fw.host_port);
    s->in_slirp--;
    user_update(s);
    return r < 0 ? 0 : 1;
}

/* guestfwd: a chardev on one side, slirp's forwarded socket on the other. */
static ssize_t guestfwd_write(const void *buf, size_t len, void *opaque)
{
    GuestFwd *g = opaque;
    return chr_write(g->chr, buf, (int)len);
}

static int guestfwd_can_read(void *opaque)
{
    GuestFwd *g = opaque;
    size_t n = slirp_socket_can_recv(g->s->slirp, g->server, g->port);
    return n > INT_MAX ? INT_MAX : (int)n;
}

static void guestfwd_read(void *opaque, const uint8_t *buf, int len)
{
    GuestFwd *g = opaque;
    g->s->in_slirp++;
    slirp_socket_recv(g->s->slirp, g->server, g->port, buf, len);
    g->s->in_slirp--;
    user_update(g->s);
}

/* [tcp]:server:port-cmd:COMMAND  or  [tcp]:server:port-CHARDEV-SPEC */
static int user_add_guestfwd(UserNet *s, Opts *o, const char *rule, Error **errp)
{
    char *buf = xstrdup(rule);
    char *p = buf, *rest;
    int port;
    struct in_addr server;
    bool udp;
    if (!(rest = split(p, ':')) || parse_proto(p, &udp) < 0 || udp)
        goto bad;
    p = rest;
    if (!(rest = split(p, ':')) || !inet_aton(p, &server))
        goto bad;
    p = rest;
    if (!(rest = split(p, '-')) || parse_port(p, 1, &port) < 0 || !*rest)
        goto bad;
    if (!strncmp(rest, "cmd:", 4)) {
        s->in_slirp++;
        int r = slirp_add_exec(s->slirp, rest + 4, &server, port);
        s->in_slirp--;
        if (r < 0) {
            OPT_ERR(o, errp, "Conflicting/invalid host:port in guest forwarding rule '%s'",
                    rule);
            free(buf);
            return -1;
        }
    } else {
        char label[64];
        snprintf(label, sizeof(label), "guestfwd.tcp.%d", port);
        Error *err = NULL;
        Chardev *chr = chardev_new_from_spec(s->loop, label, rest, &err);
        if (!chr) {
            OPT_ERR(o, errp, "Could not open guest forwarding device '%s'%s%s", label,
                    err ? ": " : "", err ? error_get_msg(err) : "");
            error_free(err);
            free(buf);
            return -1;
        }
        GuestFwd *g = xzalloc(sizeof(*g));
        g->s = s;
        g->chr = chr;
        g->server = server;
        g->port = port;
        s->in_slirp++;
        int r = slirp_add_guestfwd(s->slirp, guestfwd_write, g, &server, port);
        s->in_slirp--;
        if (r < 0) {
            free(g);
            OPT_ERR(o, errp, "Conflicting/invalid host:port in guest forwarding rule '%s'",
                    rule);
            free(buf);
            return -1;
        }
        if (chr_set_handlers(chr, guestfwd_can_read, guestfwd_read, NULL, g, errp) < 0) {
            free(g);
            free(buf);
            return -1;
        }
        g->next = s->guestfwds;
        s->guestfwds = g;
    }
    free(buf);
    return 0;
bad:
    free(buf);
    OPT_ERR(o, errp, "Invalid guest forwarding rule '%s'", rule);
    return -1;
}

/* smb=DIR: an smbd of the host, started by slirp for each connection the
 * guest makes to smbserver:445/139, serving DIR as share "qemu". */
static const char *smbd_path(void)
{
    const char *p = getenv("FERRY_SMBD");
    return p && *p ? p : "/usr/sbin/smbd";
}

static int user_setup_smb(UserNet *s, Opts *o, const char *dir, struct in_addr server,
                          Error **errp)
{
    const char *smbd = smbd_path();
    if (access(smbd, X_OK) != 0) {
        OPT_ERR(o, errp, "Could not find '%s', please install it", smbd);
        return -1;
    }
    if (access(dir, R_OK | X_OK) != 0) {
        OPT_ERR(o, errp, "Error accessing shared directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    char tmpl[] = "/tmp/ferry-smb.XXXXXX";
    if (!mkdtemp(tmpl)) {
        OPT_ERR(o, errp, "Could not create samba server dir: %s", strerror(errno));
        return -1;
    }
    s->smb_dir = xstrdup(tmpl);
    static bool hooked;
    if (!hooked)
        exit_hook_add(smb_dirs_remove_at_exit);
    hooked = true;
    char *conf = xasprintf("%s/smb.conf", tmpl);
    FILE *f = fopen(conf, "w");
    if (!f) {
        OPT_ERR(o, errp, "Could not create samba server configuration file '%s'", conf);
        free(conf);
        return -1;
    }
    struct passwd *pw = getpwuid(geteuid());
    const char *d = tmpl;
    fprintf(f,
            "[global]\n"
            "private dir=%s\n"
            "interfaces=127.0.0.1\n"
            "bind interfaces only=yes\n"
            "pid directory=%s\n"
            "lock directory=%s\n"
            "state directory=%s\n"
            "cache directory=%s\n"
            "ncalrpc dir=%s/ncalrpc\n"
            "log file=%s/log.smbd\n"
            "smb passwd file=%s/smbpasswd\n"
            "security = user\n"
            "map to guest = Bad User\n"
            "load printers = no\n"
            "printing = bsd\n"
            "disable spoolss = yes\n"
            "usershare max shares = 0\n"
            "[qemu]\n"
            "path=%s\n"
            "read only=no\n"
            "guest ok=yes\n"
            "force user=%s\n",
            d, d, d, d, d, d, d, d, dir, pw ? pw->pw_name : "root");
    fclose(f);
    char *cmd = xasprintf("%s -l %s -s %s", smbd, tmpl, conf);
    free(conf);
    int r = slirp_add_exec(s->slirp, cmd, &server, 445);
    if (r >= 0)
        r = slirp_add_exec(s->slirp, cmd, &server, 139);
    free(cmd);
    if (r < 0) {
        OPT_ERR(o, errp, "Conflicting/invalid smbserver address");
        return -1;
    }
    return 0;
}

static int get_onoff(Opts *o, const char *key, bool def, bool *out, Error **errp)
{
    const char *v = opts_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (parse_bool(v, out) < 0) {
        OPT_ERR(o, errp, "Parameter '%s' expects 'on' or 'off'", key);
        return -1;
    }
    return 0;
}

static NetClient *user_create(const char *id, Opts *o, Error **errp)
{
    bool ipv4, ipv6, restricted;
    if (get_onoff(o, "ipv4", true, &ipv4, errp) < 0 ||
        get_onoff(o, "ipv6", true, &ipv6, errp) < 0)
        return NULL;
    if (opts_has(o, "restrict") && opts_has(o, "restricted")) {
        OPT_ERR(o, errp, "'restrict' and 'restricted' are the same option; give one");
        return NULL;
    }
    if (get_onoff(o, opts_has(o, "restricted") ? "restricted" : "restrict", false,
                  &restricted, errp) < 0)
        return NULL;
    if (!ipv4 && !ipv6) {
        OPT_ERR(o, errp, "IPv4 and IPv6 disabled");
        return NULL;
    }

    /* IPv4 addresses. */
    struct in_addr net, mask, host, dhcp, dns, smbsrv;
    const char *netstr = opts_get(o, "net");
    int r = parse_net(netstr ? netstr : "10.0.2.0/24", &net, &mask);
    if (r == -1) {
        OPT_ERR(o, errp, "Failed to parse netmask");
        return NULL;
    }
    if (r == -2) {
        OPT_ERR(o, errp, "Invalid netmask provided (must be in range 4-32)");
        return NULL;
    }
    struct in_addr d;
    d.s_addr = net.s_addr | htonl(2);
    if (parse_addr_in_net(o, "host", "Host", net, mask, d, &host, errp) < 0)
        return NULL;
    d.s_addr = net.s_addr | htonl(15);
    if (parse_addr_in_net(o, "dhcpstart", "DHCP", net, mask, d, &dhcp, errp) < 0)
        return NULL;
    d.s_addr = net.s_addr | htonl(3);
    if (parse_addr_in_net(o, "dns", "DNS", net, mask, d, &dns, errp) < 0)
        return NULL;
    if (dns.s_addr == host.s_addr) {
        OPT_ERR(o, errp, "DNS must be different from host");
        return NULL;
    }
    if (dhcp.s_addr == host.s_addr) {
        OPT_ERR(o, errp, "DHCP must be different from host");
        return NULL;
    }
    if (dhcp.s_addr == dns.s_addr) {
        OPT_ERR(o, errp, "DHCP must be different from DNS");
        return NULL;
    }

    /* IPv6 addresses. */
    struct in6_addr prefix, host6, dns6;
    int prefix_len = 64;
    const char *p6 = opts_get(o, "ipv6-net");
    const char *p6old = opts_get(o, "ipv6-prefix");
    const char *p6len = opts_get(o, "ipv6-prefixlen");
    char pbuf[INET6_ADDRSTRLEN + 8];
    if (p6 && (p6old || p6len)) {
        OPT_ERR(o, errp, "'ipv6-net' and 'ipv6-prefix'/'ipv6-prefixlen' are mutually "
                "exclusive");
        return NULL;
    }
    snprintf(pbuf, sizeof(pbuf), "%s", p6 ? p6 : p6old ? p6old : "fec0::");
    char *plen_s = strchr(pbuf, '/');
    if (plen_s)
        *plen_s++ = 0;
    else if (p6len)
        plen_s = (char *)p6len;
    if (inet_pton(AF_INET6, pbuf, &prefix) != 1) {
        OPT_ERR(o, errp, "Failed to parse IPv6 prefix");
        return NULL;
    }
    if (plen_s) {
        char *end;
        long l = strtol(plen_s, &end, 10);
        if (!*plen_s || *end || l < 0 || l > 126) {
            OPT_ERR(o, errp, "Invalid IPv6 prefix provided (IPv6 prefix length must be "
                    "between 0 and 126)");
            return NULL;
        }
        prefix_len = (int)l;
    }
    struct {
        const char *key, *what;
        struct in6_addr *out;
        uint8_t low;
    } v6[] = {{"ipv6-host", "IPv6 Host", &host6, 2}, {"ipv6-dns", "IPv6 DNS", &dns6, 3}};
    for (size_t i = 0; i < ARRAY_SIZE(v6); i++) {
        const char *v = opts_get(o, v6[i].key);
        if (!v) {
            in6_with_host(v6[i].out, &prefix, v6[i].low);
            continue;
        }
        if (inet_pton(AF_INET6, v, v6[i].out) != 1) {
            OPT_ERR(o, errp, "Failed to parse %s address '%s'", v6[i].what, v);
            return NULL;
        }
        if (!in6_net(v6[i].out, &prefix, prefix_len)) {
            OPT_ERR(o, errp, "%s doesn't belong to network", v6[i].what);
            return NULL;
        }
    }

    /* Names and files. */
    const char *hostname = opts_get(o, "hostname");
    const char *domainname = opts_get(o, "domainname");
    if (domainname && !*domainname) {
        OPT_ERR(o, errp, "'domainname' parameter cannot be empty");
        return NULL;
    }
    int n_search = 0;
    for (int pos = 0; opts_get_all(o, "dnssearch", &pos);)
        n_search++;
    const char **search = xcalloc(n_search + 1, sizeof(*search));
    n_search = 0;
    for (int pos = 0;;) {
        const char *v = opts_get_all(o, "dnssearch", &pos);
        if (!v)
            break;
        search[n_search++] = v;
    }
    const char *tftp = opts_get(o, "tftp");
    const char *bootfile = opts_get(o, "bootfile");
    const char *tftp_name = opts_get(o, "tftp-server-name");
    const char *smb = opts_get(o, "smb");
    const char *smbserver = opts_get(o, "smbserver");
    smbsrv.s_addr = net.s_addr | htonl(4);
    if (smbserver && (!inet_aton(smbserver, &smbsrv) || !in_net(smbsrv, net, mask))) {
        OPT_ERR(o, errp, "Invalid smbserver address '%s'", smbserver);
        free(search);
        return NULL;
    }
    if (smbserver && !smb) {
        OPT_ERR(o, errp, "'smbserver' needs 'smb'");
        free(search);
        return NULL;
    }
    /* hostfwd=/guestfwd= are checked before anything is made. */
    for (int pos = 0;;) {
        const char *rule = opts_get_all(o, "hostfwd", &pos);
        if (!rule)
            break;
        HostFwd fw;
        const char *why = parse_hostfwd(rule, true, dhcp, &fw);
        if (why) {
            OPT_ERR(o, errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
            free(search);
            return NULL;
        }
    }

    Loop *loop = net_loop();
    if (!loop) {
        fprintf(stderr, "ferry: BUG: user networking before net_init()\n");
        abort();
    }
    SlirpConfig cfg = {
        .version = 4,
        .restricted = restricted,
        .in_enabled = ipv4,
        .vnetwork = net,
        .vnetmask = mask,
        .vhost = host,
        .in6_enabled = ipv6,
        .vprefix_addr6 = prefix,
        .vprefix_len = (uint8_t)prefix_len,
        .vhost6 = host6,
        .vhostname = hostname,
        .tftp_server_name = tftp_name,
        .tftp_path = tftp,
        .bootfile = bootfile,
        .vdhcp_start = dhcp,
        .vnameserver = dns,
        .vnameserver6 = dns6,
        .vdnssearch = n_search ? search : NULL,
        .vdomainname = domainname,
    };
    UserNet *s = net_client_new(&user_ops, "user", id);
    s->loop = loop;
    s->dhcp_start = dhcp;
    s->poll_bh = bh_new(loop, user_poll_bh, s);
    s->poll_timer = timer_new(loop, CLK_VIRTUAL, user_poll_timer, s);
    s->next_user = users;
    users = s;
    s->in_slirp++;
    s->slirp = slirp_new(&cfg, &user_cb, s);
    s->in_slirp--;
    free(search);
    if (!s->slirp) {
        OPT_ERR(o, errp, "libslirp could not start with these options (a bad dnssearch "
                "domain?)");
        goto fail;
    }
    char nbuf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &net, nbuf, sizeof(nbuf));
    net_client_set_info(&s->nc, "net=%s,restrict=%s", nbuf, restricted ? "on" : "off");

    for (int pos = 0;;) {
        const char *rule = opts_get_all(o, "hostfwd", &pos);
        if (!rule)
            break;
        if (user_add_hostfwd(s, rule, errp) < 0) {
            error_prepend(errp, "%s %s: ", o->option, o->text);
            goto fail;
        }
    }
    for (int pos = 0;;) {
        const char *rule = opts_get_all(o, "guestfwd", &pos);
        if (!rule)
            break;
        if (user_add_guestfwd(s, o, rule, errp) < 0)
            goto fail;
    }
    if (smb && user_setup_smb(s, o, smb, smbsrv, errp) < 0)
        goto fail;
    user_update(s);
    return &s->nc;
fail:
    net_client_free(&s->nc);
    return NULL;
}

NETDEV_TYPE(netdev_user, .name = "user", .desc = "user-mode network stack (libslirp)",
    .keys = (const char *const[]){"net", "ipv4", "ipv6", "ipv6-net", "ipv6-prefix",
        "ipv6-prefixlen", "host", "ipv6-host", "restrict", "restricted", "hostname",
        "dhcpstart", "dns", "ipv6-dns", "dnssearch", "domainname", "tftp",
        "tftp-server-name", "bootfile", "smb", "smbserver", "hostfwd", "guestfwd", NULL},
    .create = user_create);

void net_user_poll_state(NetClient *nc, int *n_fds, int *n_read, int64_t *timer_ns)
{
    UserNet *s = (UserNet *)nc;
    *n_fds = s->n_reg;
    *n_read = 0;
    for (int i = 0; i < s->n_reg; i++)
        *n_read += (s->reg[i].events & (SLIRP_POLL_IN | SLIRP_POLL_PRI)) != 0;
    *timer_ns = timer_expire_time(s->poll_timer);
}

/* ---- monitor ------------------------------------------------------------- */

/* [netdev_id] RULE: the named user netdev, or the first one. */
static UserNet *user_lookup(Monitor *mon, int argc, char **argv, const char **rule)
{
    if (argc == 2) {
        *rule = argv[1];
        UserNet *first = NULL;
        for (NetClient *nc = net_client_first(); nc; nc = nc->next)
            if (nc->ops == &user_ops && !first)
                first = (UserNet *)nc;
        if (!first)
            monitor_printf(mon, "user mode network stack not in use\n");
        return first;
    }
    if (argc != 3) {
        monitor_printf(mon, "usage: %s [netdev_id] [tcp|udp]:[hostaddr]:hostport%s\n", argv[0],
                       strcmp(argv[0], "hostfwd_add") ? "" : "-[guestaddr]:guestport");
        return NULL;
    }
    *rule = argv[2];
    NetClient *nc = netdev_find(argv[1]);
    if (!nc) {
        monitor_printf(mon, "unrecognized netdev id '%s'\n", argv[1]);
        return NULL;
    }
    if (nc->ops != &user_ops) {
        monitor_printf(mon, "invalid netdev id '%s': not user networking\n", argv[1]);
        return NULL;
    }
    return (UserNet *)nc;
}

static void cmd_hostfwd_add_fn(Monitor *mon, int argc, char **argv)
{
    const char *rule;
    UserNet *s = user_lookup(mon, argc, argv, &rule);
    if (!s)
        return;
    Error *err = NULL;
    if (user_add_hostfwd(s, rule, &err) < 0) {
        monitor_printf(mon, "%s\n", error_get_msg(err));
        error_free(err);
    }
}

MONITOR_COMMAND(cmd_hostfwd_add, .name = "hostfwd_add",
                .args = "[netdev_id] [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport",
                .help = "redirect TCP or UDP connections from host to guest (requires -net "
                        "user)",
                .fn = cmd_hostfwd_add_fn);

static void cmd_hostfwd_remove_fn(Monitor *mon, int argc, char **argv)
{
    const char *rule;
    UserNet *s = user_lookup(mon, argc, argv, &rule);
    if (!s)
        return;
    Error *err = NULL;
    int r = user_remove_hostfwd(s, rule, &err);
    if (r < 0) {
        monitor_printf(mon, "%s\n", error_get_msg(err));
        error_free(err);
        return;
    }
    monitor_printf(mon, "host forwarding rule for %s %s\n", rule, r ? "removed" : "not found");
}

MONITOR_COMMAND(cmd_hostfwd_remove, .name = "hostfwd_remove",
                .args = "[netdev_id] [tcp|udp]:[hostaddr]:hostport",
                .help = "remove host-to-guest TCP or UDP redirection",
                .fn = cmd_hostfwd_remove_fn);

static void cmd_info_usernet_fn(Monitor *mon, int argc, char **argv)
{
    for (NetClient *nc = net_client_first(); nc; nc = nc->next) {
        if (nc->ops != &user_ops)
            continue;
        UserNet *s = (UserNet *)nc;
        char *info = slirp_connection_info(s->slirp);
        monitor_printf(mon, "Hub %d (%s):\n%s", nc->peer ? nc->peer->hub_id : -1, nc->name,
                       info);
        free(info);
    }
}

MONITOR_COMMAND(cmd_info_usernet, .name = "usernet", .args = "",
                .help = "show user network stack connection states", .fn = cmd_info_usernet_fn,
                .is_info = true);
