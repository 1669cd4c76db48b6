/*
 * nettest.h — fake clients for the netback unit tests.
 *
 * FakeNic: a receiver with a fixed number of "ring slots"; full means
 *   receive() returns 0, as a NIC with no buffers posted. It keeps copies of
 *   what it got (with the offload metadata) and counts link changes.
 * FakeBackend: a backend over one end of a datagram socketpair, built like
 *   a real one: it reads frames from its fd in the event loop and sends
 *   them with a completion callback; when net_send() says "queued" it stops
 *   polling the fd until the callback runs. Frames sent to it are written to
 *   the fd, so the test reads them at the other end.
 */
#ifndef FERRY_TEST_NETTEST_H
#define FERRY_TEST_NETTEST_H

#include <sys/socket.h>
#include <unistd.h>

#include "core/loop.h"
#include "netback/net.h"

#define FAKE_MAX_FRAMES 4096

typedef struct FakeFrame {
    uint8_t *data;
    size_t len;
    NetOffload off;
} FakeFrame;

typedef struct FakeNic {
    NetClient nc;
    int capacity;      /* frames it can hold before draining; <0: unlimited */
    int held;
    FakeFrame rx[FAKE_MAX_FRAMES];
    int n_rx;
    int link_changes;
    bool drop_all;     /* "receiver disabled": takes and discards */
    int dropped;
} FakeNic;

static inline ssize_t fake_nic_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                                       const NetOffload *off)
{
    FakeNic *n = (FakeNic *)nc;
    size_t len = 0;
    for (int i = 0; i < iovcnt; i++)
        len += iov[i].iov_len;
    if (n->drop_all) {
        n->dropped++;
        return (ssize_t)len;
    }
    if (n->capacity >= 0 && n->held >= n->capacity)
        return 0;
    if (n->n_rx < FAKE_MAX_FRAMES) {
        FakeFrame *f = &n->rx[n->n_rx++];
        f->data = xmalloc(len ? len : 1);
        f->len = len;
        f->off = *off;
        size_t at = 0;
        for (int i = 0; i < iovcnt; i++) {
            memcpy(f->data + at, iov[i].iov_base, iov[i].iov_len);
            at += iov[i].iov_len;
        }
    }
    n->held++;
    return (ssize_t)len;
}

static inline bool fake_nic_can_receive(NetClient *nc)
{
    FakeNic *n = (FakeNic *)nc;
    return n->drop_all || n->capacity < 0 || n->held < n->capacity;
}

static inline void fake_nic_link(NetClient *nc)
{
    ((FakeNic *)nc)->link_changes++;
}

static inline void fake_nic_cleanup(NetClient *nc)
{
    FakeNic *n = (FakeNic *)nc;
    for (int i = 0; i < n->n_rx; i++)
        free(n->rx[i].data);
    n->n_rx = 0;
}

static const NetClientOps fake_nic_ops = {
    .type = "nic",
    .size = sizeof(FakeNic),
    .receive = fake_nic_receive,
    .can_receive = fake_nic_can_receive,
    .link_changed = fake_nic_link,
    .cleanup = fake_nic_cleanup,
};

static inline FakeNic *fake_nic_new(const char *name, int capacity)
{
    FakeNic *n = net_client_new(&fake_nic_ops, "fake-nic", name);
    n->nc.is_nic = true;
    n->capacity = capacity;
    net_client_set_info(&n->nc, "model=fake-nic");
    return n;
}

/* The guest took everything: room for `capacity` more. */
static inline void fake_nic_drain(FakeNic *n)
{
    n->held = 0;
    net_client_ready(&n->nc);
}

static inline void fake_nic_forget(FakeNic *n)
{
    fake_nic_cleanup(&n->nc);
}

typedef struct FakeBackend {
    NetClient nc;
    Loop *loop;
    int fd, far;       /* ours; the test's end */
    bool polling;
    int reads;         /* times the read handler ran */
    int completions;
} FakeBackend;

static inline void fake_be_read(void *opaque);

static inline void fake_be_poll(FakeBackend *b, bool on)
{
    b->polling = on;
    loop_set_fd_handler(b->loop, b->fd, on ? fake_be_read : NULL, NULL, b);
}

static inline void fake_be_sent(NetClient *nc, ssize_t len)
{
    FakeBackend *b = (FakeBackend *)nc;
    b->completions++;
    fake_be_poll(b, true);
}

static inline void fake_be_read(void *opaque)
{
    FakeBackend *b = opaque;
    b->reads++;
    uint8_t buf[NET_FRAME_MAX];
    for (;;) {
        ssize_t n = recv(b->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n <= 0)
            return;
        if (net_send_buf(&b->nc, buf, (size_t)n, NULL, fake_be_sent) == 0) {
            fake_be_poll(b, false);
            return;
        }
    }
}

static inline ssize_t fake_be_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                                      const NetOffload *off)
{
    FakeBackend *b = (FakeBackend *)nc;
    struct msghdr mh = {.msg_iov = (struct iovec *)iov, .msg_iovlen = iovcnt};
    return sendmsg(b->fd, &mh, MSG_DONTWAIT);
}

static inline void fake_be_cleanup(NetClient *nc)
{
    FakeBackend *b = (FakeBackend *)nc;
    loop_set_fd_handler(b->loop, b->fd, NULL, NULL, NULL);
    close(b->fd);
    close(b->far);
}

static const NetClientOps fake_be_ops = {
    .type = "fake",
    .size = sizeof(FakeBackend),
    .receive = fake_be_receive,
    .cleanup = fake_be_cleanup,
};

static inline FakeBackend *fake_be_new(Loop *l, const char *name)
{
    FakeBackend *b = net_client_new(&fake_be_ops, "fake", name);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
        abort();
    int big = 4 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    b->fd = sv[0];
    b->far = sv[1];
    b->loop = l;
    fake_be_poll(b, true);
    return b;
}

/* Runs the loop until nothing is left to do (bounded). */
static inline void run_idle(Loop *l)
{
    for (int i = 0; i < 10000 && loop_run_once(l, 0); i++) {
    }
}

/* A numbered test frame: broadcast, ethertype 0x88b5 (local experimental),
 * the number in the first payload bytes, `len` bytes long. */
static inline size_t numbered_frame(uint8_t *f, uint32_t n, size_t len)
{
    memset(f, 0, len);
    memset(f, 0xff, 6);
    f[6] = 0x52;
    f[7] = 0x54;
    f[11] = 1;
    f[12] = 0x88;
    f[13] = 0xb5;
    f[14] = (uint8_t)(n >> 24);
    f[15] = (uint8_t)(n >> 16);
    f[16] = (uint8_t)(n >> 8);
    f[17] = (uint8_t)n;
    return len;
}

static inline uint32_t frame_number(const uint8_t *f)
{
    return (uint32_t)f[14] << 24 | (uint32_t)f[15] << 16 | (uint32_t)f[16] << 8 | f[17];
}

/* What fn() printed on stderr (warnings). Caller frees. */
static inline char *capture_stderr(void (*fn)(void))
{
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    StrBuf sb = {0};
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf) - 1, tmp)) > 0) {
        buf[n] = 0;
        sb_printf(&sb, "%s", buf);
    }
    fclose(tmp);
    return sb.len ? sb_steal(&sb) : xstrdup("");
}

#endif
