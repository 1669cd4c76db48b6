/*
 * test_virtio_net_user.c — virtio-net end to end with user networking: the
 * C driver of vnet_driver.h (on each transport) runs DHCP through the
 * device and libslirp and gets 10.0.2.15, resolves the gateway, opens a
 * TCP connection to a server on 127.0.0.1 through 10.0.2.2 and carries data
 * both ways: the guest's side as a Linux guest sends it (partial checksums
 * and TSO super-frames, which netback completes and cuts for slirp), the
 * host's side through receive buffers the guest keeps posting (mergeable),
 * with the guest acknowledging as it goes. Everything binds to 127.0.0.1.
 */
#include "tests/unit/test.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "tests/unit/logcap.h"
#include "tests/unit/netpkt.h"
#include "tests/unit/nettest.h"
#include "tests/unit/vnet_driver.h"

/* libslirp's own allocations (glib) are not ours: see test_net_user.c. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libglib-2.0.so\n";
}

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
#define GUEST_IP tp_ip("10.0.2.15")
#define GW_IP tp_ip("10.0.2.2")

static Loop *loop;
static VDrv D;
static uint8_t gw_mac[6];

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    setenv("FERRY_SMBD", "/nonexistent/smbd", 1);
    return 0;
}

static int teardown(void **state)
{
    run_idle(loop);
    net_reset_all();
    loop_free(loop);
    loop = NULL;
    net_init(NULL);
    dev_unlock();
    return 0;
}

/* ---- the guest's receive side ----------------------------------------------------------- */

typedef struct Got {
    uint8_t *data;
    size_t len;
} Got;

static Got got[8192];
static int n_got, scan;

static void got_clear(void)
{
    for (int i = 0; i < n_got; i++)
        free(got[i].data);
    n_got = scan = 0;
}

/* Takes what the device delivered and gives the buffers back. */
static void drain_rx(void)
{
    VdRx r;
    unsigned n = 0;
    while (vd_rx_get(&D, &r)) {
        assert_int_equal(r.h.flags, 0);    /* slirp's frames are complete */
        if (n_got < (int)ARRAY_SIZE(got))
            got[n_got++] = (Got){r.data, r.len};
        else
            free(r.data);
        n += r.nbufs;
    }
    if (n)
        vd_post_rx(&D, n);
}

static void pump(int64_t wait_ns)
{
    loop_run_once(loop, wait_ns);
    drain_rx();
}

typedef bool Match(const Got *g, void *arg);

/* The first frame from `scan` on that matches, waiting up to ~5 s. */
static int wait_frame(Match *m, void *arg)
{
    for (int k = 0; k < 500; k++) {
        for (int i = scan; i < n_got; i++)
            if (m(&got[i], arg))
                return i;
        pump(10 * 1000000LL);
    }
    return -1;
}

static void send_frame(const uint8_t *f, size_t len)
{
    vd_tx(&D, f, len);
}

/* ---- DHCP and ARP ------------------------------------------------------------------------- */

static bool is_dhcp(const Got *g, void *arg)
{
    uint8_t type = *(uint8_t *)arg;
    TpPkt p;
    if (!tp_parse(g->data, g->len, &p) || p.proto != 17 || p.sport != 67 || p.dport != 68)
        return false;
    uint8_t l;
    const uint8_t *t = tp_dhcp_opt(p.payload, p.plen, 53, &l);
    return t && l == 1 && t[0] == type;
}

static void dhcp(void)
{
    uint8_t f[600];
    send_frame(f, tp_dhcp(f, guest_mac, 1, 0x4321, 0, 0));
    uint8_t offer = 2;
    int i = wait_frame(is_dhcp, &offer);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(got[i].data, got[i].len, &p));
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
    assert_int_equal(tp_rd32(p.payload + 4), 0x4321);
    assert_int_equal(tp_rd32(p.payload + 16), GUEST_IP);
    uint8_t l;
    const uint8_t *o = tp_dhcp_opt(p.payload, p.plen, 3, &l);
    assert_non_null(o);
    assert_int_equal(tp_rd32(o), GW_IP);
    o = tp_dhcp_opt(p.payload, p.plen, 54, &l);
    assert_non_null(o);
    uint32_t server = tp_rd32(o);
    scan = n_got;
    send_frame(f, tp_dhcp(f, guest_mac, 3, 0x4322, GUEST_IP, server));
    uint8_t ack = 5;
    i = wait_frame(is_dhcp, &ack);
    assert_true(i >= 0);
    assert_true(tp_parse(got[i].data, got[i].len, &p));
    assert_int_equal(tp_rd32(p.payload + 16), GUEST_IP);
    scan = n_got;
}

static bool is_arp_reply(const Got *g, void *arg)
{
    return g->len >= 42 && tp_rd16(g->data + 12) == 0x0806 && tp_rd16(g->data + 20) == 2 &&
           tp_rd32(g->data + 28) == GW_IP;
}

static void arp_gateway(void)
{
    uint8_t f[64];
    static const uint8_t zero[6];
    send_frame(f, tp_arp(f, 1, guest_mac, GUEST_IP, zero, GW_IP));
    int i = wait_frame(is_arp_reply, NULL);
    assert_true(i >= 0);
    memcpy(gw_mac, got[i].data + 22, 6);
    scan = n_got;
}

/* ---- TCP ------------------------------------------------------------------------------------ */

typedef struct Conn {
    uint16_t sport, dport;
    uint32_t snd_nxt, rcv_nxt;
} Conn;

/* A segment from the guest; data goes with a partial checksum (NEEDS_CSUM)
 * and, beyond one MSS, as one TSO super-frame — as Linux sends it. */
static void conn_send(Conn *c, uint8_t flags, const uint8_t *data, size_t len)
{
    static uint8_t f[70000];
    TpTcp t = {.sport = c->sport, .dport = c->dport, .seq = c->snd_nxt, .ack = c->rcv_nxt,
               .flags = flags, .win = 65535};
    size_t n = tp_tcp4(f, gw_mac, guest_mac, GUEST_IP, GW_IP, &t, (flags & TP_SYN) ? 1460 : 0,
                       data, len, 1);
    VdHdr h = {0};
    if (len) {
        uint8_t *ip = f + 14, *th = ip + 20;
        tp_wr16(th + 16, tp_fold(tp_pseudo4(ip, 6, 20 + len)));
        h = (VdHdr){.flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16,
                    .hdr_len = 54};
        if (len > 1460) {
            h.gso_type = NET_GSO_TCPV4;
            h.gso_size = 1460;
        }
    }
    uint16_t old = vd_mark(&D, &D.tx);
    vd_tx_add(&D, &h, f, n, false);
    vd_kick_if_needed(&D, &D.tx, old);
    c->snd_nxt += (uint32_t)len + ((flags & (TP_SYN | TP_FIN)) ? 1 : 0);
}

static bool is_tcp_for(const Got *g, void *arg)
{
    Conn *c = arg;
    TpPkt p;
    return tp_parse(g->data, g->len, &p) && p.proto == 6 && p.dport == c->sport &&
           p.sport == c->dport;
}

static int listen_local(uint16_t *port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s, 4), 0);
    socklen_t al = sizeof(a);
    getsockname(s, (struct sockaddr *)&a, &al);
    *port = ntohs(a.sin_port);
    return s;
}

/* Reads from fd until `want` bytes arrived (pumping the loop meanwhile). */
static size_t host_read(int fd, uint8_t *buf, size_t want)
{
    size_t have = 0;
    for (int k = 0; k < 2000 && have < want; k++) {
        ssize_t n = recv(fd, buf + have, want - have, MSG_DONTWAIT);
        if (n > 0) {
            have += (size_t)n;
            continue;
        }
        pump(5 * 1000000LL);
    }
    return have;
}

static void end_to_end(VdKind kind, const char *id)
{
    Error *err = NULL;
    char *text = xasprintf("user,id=%s", id);
    Opts *o = opts_parse("-netdev", text, "type", &err);
    free(text);
    assert_non_null(o);
    assert_int_equal(netdev_create_from_opts(o, &err), 0);
    opts_free(o);
    if (!vd_make(&D, kind, (const char *const[]){"netdev", id, "mac", "52:54:00:12:34:56",
                                                NULL}, &err))
        fail_msg("%s", error_get_msg(err));
    uint64_t f = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
                 VIRTIO_BIT(VNET_F_MAC) | VIRTIO_BIT(VNET_F_STATUS) |
                 VIRTIO_BIT(VNET_F_MRG_RXBUF) | VIRTIO_BIT(VNET_F_CSUM) |
                 VIRTIO_BIT(VNET_F_HOST_TSO4) | VIRTIO_BIT(VNET_F_GUEST_CSUM) |
                 VIRTIO_BIT(VNET_F_CTRL_VQ) | VIRTIO_BIT(VNET_F_CTRL_RX);
    uint64_t neg = vd_up(&D, f, 256, 64, 1536);
    /* User networking's frames carry no offload: none is offered. */
    assert_false(neg & VIRTIO_BIT(VNET_F_GUEST_CSUM));
    assert_true(neg & VIRTIO_BIT(VNET_F_HOST_TSO4));
    run_idle(loop);
    /* Linux turns promiscuous mode off at once. */
    uint8_t off = 0;
    assert_int_equal(vd_ctrl(&D, 0, 0, &off, 1), 0);
    got_clear();

    dhcp();
    arp_gateway();

    uint16_t port;
    int ls = listen_local(&port);
    Conn c = {.sport = 40123, .dport = port, .snd_nxt = 7000};
    conn_send(&c, TP_SYN, NULL, 0);
    int i = wait_frame(is_tcp_for, &c);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(got[i].data, got[i].len, &p));
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
    assert_int_equal(p.flags & (TP_SYN | TP_ACK), TP_SYN | TP_ACK);
    assert_int_equal(p.ack, 7001);
    c.rcv_nxt = p.seq + 1;
    scan = n_got;
    conn_send(&c, TP_ACK, NULL, 0);
    int as = -1;
    for (int k = 0; k < 500 && as < 0; k++) {
        struct pollfd pf = {.fd = ls, .events = POLLIN};
        if (poll(&pf, 1, 0) == 1)
            as = accept(ls, NULL, NULL);
        else
            pump(10 * 1000000LL);
    }
    assert_true(as >= 0);

    /* Guest -> host: a small segment, then 100 KB in TSO super-frames. */
    conn_send(&c, TP_ACK | TP_PSH, (const uint8_t *)"hello", 5);
    static uint8_t buf[300000], big[100000];
    assert_int_equal(host_read(as, buf, 5), 5);
    assert_memory_equal(buf, "hello", 5);
    for (size_t k = 0; k < sizeof(big); k++)
        big[k] = (uint8_t)(k * 31 + 7);
    for (size_t at = 0; at < sizeof(big); at += 20000)
        conn_send(&c, TP_ACK, big + at, MIN((size_t)20000, sizeof(big) - at));
    assert_int_equal(host_read(as, buf, sizeof(big)), sizeof(big));
    assert_memory_equal(buf, big, sizeof(big));

    /* Host -> guest: 200 KB through the guest's buffers, acknowledged as
     * they come. */
    static uint8_t out[200000];
    for (size_t k = 0; k < sizeof(out); k++)
        out[k] = (uint8_t)(k * 7 + 3);
    size_t sent = 0, recvd = 0;
    for (int k = 0; k < 4000 && recvd < sizeof(out); k++) {
        if (sent < sizeof(out)) {
            ssize_t n = send(as, out + sent, sizeof(out) - sent, MSG_DONTWAIT);
            if (n > 0)
                sent += (size_t)n;
        }
        pump(k % 8 ? 0 : 2 * 1000000LL);
        bool acked = false;
        for (; scan < n_got; scan++) {
            if (!tp_parse(got[scan].data, got[scan].len, &p) || p.proto != 6 ||
                p.dport != c.sport)
                continue;
            assert_true(p.ip_csum_ok && p.l4_csum_ok);
            if (!p.plen || p.seq != c.rcv_nxt)
                continue;   /* a retransmission or an ACK */
            assert_true(recvd + p.plen <= sizeof(out));
            assert_memory_equal(p.payload, out + recvd, p.plen);
            recvd += p.plen;
            c.rcv_nxt += (uint32_t)p.plen;
            acked = true;
        }
        if (acked)
            conn_send(&c, TP_ACK, NULL, 0);
    }
    print_message("%s: %zu bytes each way, %d frames\n", vd_kind_names[kind], recvd, n_got);
    assert_int_equal(recvd, sizeof(out));
    assert_int_equal(D.n->nc->rx_dropped, 0);
    close(as);
    close(ls);
    got_clear();
}

static void test_user_pci_modern(void **state)
{
    end_to_end(VD_PCI_MODERN, "u0");
}

static void test_user_pci_legacy(void **state)
{
    end_to_end(VD_PCI_LEGACY, "u1");
}

static void test_user_mmio_v2(void **state)
{
    end_to_end(VD_MMIO_V2, "u2");
}

static void test_user_mmio_v1(void **state)
{
    end_to_end(VD_MMIO_V1, "u3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_user_pci_modern, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_pci_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_mmio_v2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_mmio_v1, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
