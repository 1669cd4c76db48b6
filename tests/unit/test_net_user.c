/*
 * test_net_user.c — user networking (netback/user.c on libslirp) driven by
 * a fake guest NIC that builds and parses its own frames: DHCP gives
 * 10.0.2.15 with router 10.0.2.2 and DNS 10.0.2.3 (and other addresses with
 * net=/dhcpstart=/dns=); ARP for the gateway is answered; ICMP echo to the
 * gateway; a TCP connection from the guest to a server on 127.0.0.1
 * through 10.0.2.2 carries data both ways; a host->guest transfer through a
 * NIC with two ring slots arrives whole (flow control); hostfwd delivers a
 * host connection as a SYN to the guest (also added from the monitor);
 * restrict=on drops the guest's traffic to the outside but keeps hostfwd;
 * an idle stack registers no fd and arms no timer; bad options fail with
 * QEMU's messages. Everything binds to 127.0.0.1 only.
 */
#include "tests/unit/test.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/stat.h>

#include "core/chardev-internal.h"
#include "core/monitor.h"
#include "netback/net-internal.h"
#include "tests/unit/netpkt.h"
#include "tests/unit/nettest.h"

/* libslirp 4.7's slirp_cleanup() does not free its copy of
 * tftp_server_name (a few bytes per user netdev that sets it): not ours to
 * fix, so the leak checker of check-asan is told. Only glib allocates for
 * libslirp (ferry's own code does not use glib), and the fast unwinder
 * stops at g_malloc, so the rule names glib. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libglib-2.0.so\n";
}

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static uint8_t gw_mac[6];
static Loop *loop;
static FakeNic *guest;
static NetClient *user;
static int scan_from; /* frames before this one were looked at */

#define GUEST_IP tp_ip("10.0.2.15")
#define GW_IP tp_ip("10.0.2.2")

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    setenv("FERRY_SMBD", "/nonexistent/smbd", 1);
    scan_from = 0;
    return 0;
}

static int teardown(void **state)
{
    net_reset_all();
    chardev_cleanup_all();
    loop_free(loop);
    net_init(NULL);
    dev_unlock();
    user = NULL;
    guest = NULL;
    return 0;
}

static int make_user(const char *opts, Error **errp)
{
    char *text = xasprintf("user,id=u0%s%s", *opts ? "," : "", opts);
    Opts *o = opts_parse("-netdev", text, "type", errp);
    free(text);
    if (!o)
        return -1;
    int r = netdev_create_from_opts(o, errp);
    opts_free(o);
    return r;
}

static void start(const char *opts)
{
    Error *err = NULL;
    if (make_user(opts, &err) < 0)
        fail_msg("%s", error_get_msg(err));
    user = netdev_find("u0");
    guest = fake_nic_new("guest", -1);
    net_client_connect(&guest->nc, user);
}

static void guest_send(const uint8_t *f, size_t len)
{
    assert_true(net_send_buf(&guest->nc, f, len, NULL, NULL) > 0);
}

/* Runs the loop (sleeping as it would) until pred holds; the bound only
 * keeps a broken build from hanging. */
static bool wait_until(bool (*pred)(void *), void *arg)
{
    for (int i = 0; i < 500; i++) {
        if (pred(arg))
            return true;
        loop_run_once(loop, 10 * 1000000LL);
    }
    return pred(arg);
}

/* The index of the first received frame from `from` matching, or -1. */
typedef bool FrameMatch(const FakeFrame *f, void *arg);

static int find_frame(FrameMatch *m, void *arg)
{
    for (int i = scan_from; i < guest->n_rx; i++)
        if (m(&guest->rx[i], arg))
            return i;
    return -1;
}

typedef struct Want {
    FrameMatch *m;
    void *arg;
    int found;
} Want;

static bool want_pred(void *opaque)
{
    Want *w = opaque;
    w->found = find_frame(w->m, w->arg);
    return w->found >= 0;
}

static int wait_frame(FrameMatch *m, void *arg)
{
    Want w = {m, arg, -1};
    wait_until(want_pred, &w);
    return w.found;
}

/* ---- DHCP ----------------------------------------------------------------- */

typedef struct DhcpReply {
    uint8_t type;
    uint32_t yiaddr;
} DhcpReply;

static bool is_dhcp(const FakeFrame *f, void *arg)
{
    DhcpReply *want = arg;
    TpPkt p;
    if (!tp_parse(f->data, f->len, &p) || p.proto != 17 || p.sport != 67 || p.dport != 68)
        return false;
    uint8_t l;
    const uint8_t *t = tp_dhcp_opt(p.payload, p.plen, 53, &l);
    return t && l == 1 && t[0] == want->type;
}

static const uint8_t *dhcp_opt(const FakeFrame *f, uint8_t code, uint8_t *len)
{
    TpPkt p;
    assert_true(tp_parse(f->data, f->len, &p));
    return tp_dhcp_opt(p.payload, p.plen, code, len);
}

static void dhcp_exchange(uint32_t want_ip, uint32_t want_router, uint32_t want_dns)
{
    uint8_t f[600];
    guest_send(f, tp_dhcp(f, guest_mac, 1, 0x1234, 0, 0));
    DhcpReply offer = {.type = 2};
    int i = wait_frame(is_dhcp, &offer);
    assert_true(i >= 0);
    FakeFrame *r = &guest->rx[i];
    TpPkt p;
    assert_true(tp_parse(r->data, r->len, &p));
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
    assert_int_equal(tp_rd32(p.payload + 4), 0x1234);      /* xid */
    assert_int_equal(tp_rd32(p.payload + 16), want_ip);    /* yiaddr */
    uint8_t l;
    const uint8_t *o = dhcp_opt(r, 3, &l);
    if (want_router) {
        assert_non_null(o);
        assert_int_equal(tp_rd32(o), want_router);
    } else {
        assert_null(o); /* restrict=on: no default route is handed out */
    }
    o = dhcp_opt(r, 6, &l);
    if (want_dns) {
        assert_non_null(o);
        assert_int_equal(tp_rd32(o), want_dns);
    } else {
        assert_null(o);
    }
    o = dhcp_opt(r, 54, &l);
    assert_non_null(o);
    uint32_t server = tp_rd32(o);
    memcpy(gw_mac, r->data + 6, 6);

    scan_from = guest->n_rx;
    guest_send(f, tp_dhcp(f, guest_mac, 3, 0x1235, want_ip, server));
    DhcpReply ack = {.type = 5};
    i = wait_frame(is_dhcp, &ack);
    assert_true(i >= 0);
    assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
    assert_int_equal(tp_rd32(p.payload + 16), want_ip);
    scan_from = guest->n_rx;
}

static void test_dhcp(void **state)
{
    start("");
    dhcp_exchange(GUEST_IP, GW_IP, tp_ip("10.0.2.3"));
    /* The gateway's MAC is slirp's: 52:55 then the gateway address. */
    static const uint8_t want[6] = {0x52, 0x55, 10, 0, 2, 2};
    assert_memory_equal(gw_mac, want, 6);
}

static void test_dhcp_other_network(void **state)
{
    start("net=192.168.76.0/24,host=192.168.76.1,dhcpstart=192.168.76.100,"
          "dns=192.168.76.53");
    dhcp_exchange(tp_ip("192.168.76.100"), tp_ip("192.168.76.1"), tp_ip("192.168.76.53"));
}

/* ---- ARP, ICMP ------------------------------------------------------------ */

static bool is_arp_reply_for(const FakeFrame *f, void *arg)
{
    uint32_t ip = *(uint32_t *)arg;
    return f->len >= 42 && tp_rd16(f->data + 12) == 0x0806 && tp_rd16(f->data + 20) == 2 &&
           tp_rd32(f->data + 28) == ip;
}

static void arp_gateway(void)
{
    uint8_t f[64];
    static const uint8_t zero[6];
    guest_send(f, tp_arp(f, 1, guest_mac, GUEST_IP, zero, GW_IP));
    uint32_t ip = GW_IP;
    int i = wait_frame(is_arp_reply_for, &ip);
    assert_true(i >= 0);
    const uint8_t *a = guest->rx[i].data + 14;
    memcpy(gw_mac, a + 8, 6);                       /* sender hardware address */
    assert_memory_equal(a + 18, guest_mac, 6);      /* target: us */
    assert_int_equal(tp_rd32(a + 24), GUEST_IP);
    assert_memory_equal(guest->rx[i].data, guest_mac, 6); /* unicast to us */
    scan_from = guest->n_rx;
}

static void test_arp_gateway(void **state)
{
    start("");
    arp_gateway();
    static const uint8_t want[6] = {0x52, 0x55, 10, 0, 2, 2};
    assert_memory_equal(gw_mac, want, 6);
    /* And the DNS address. */
    uint8_t f[64];
    static const uint8_t zero[6];
    guest_send(f, tp_arp(f, 1, guest_mac, GUEST_IP, zero, tp_ip("10.0.2.3")));
    uint32_t ip = tp_ip("10.0.2.3");
    assert_true(wait_frame(is_arp_reply_for, &ip) >= 0);
}

static bool is_echo_reply(const FakeFrame *f, void *arg)
{
    TpPkt p;
    return tp_parse(f->data, f->len, &p) && p.proto == 1 && p.plen >= 8 && p.payload[0] == 0 &&
           tp_rd16(p.payload + 4) == 0x4242;
}

/* Echo to the gateway: libslirp answers it itself (no host socket). */
static void test_icmp_echo_gateway(void **state)
{
    start("");
    arp_gateway();
    uint8_t f[128];
    size_t n = tp_eth(f, gw_mac, guest_mac, 0x0800);
    uint8_t *ip = f + n, *ic = ip + 20;
    uint8_t icmp[8 + 32] = {8, 0, 0, 0, 0x42, 0x42, 0, 1};
    memset(icmp + 8, 0x61, 32);
    tp_wr16(icmp + 2, (uint16_t)~tp_fold(tp_sum(0, icmp, sizeof(icmp))));
    tp_ipv4_hdr(ip, GUEST_IP, GW_IP, 1, 20 + sizeof(icmp), 77, false);
    memcpy(ic, icmp, sizeof(icmp));
    guest_send(f, n + 20 + sizeof(icmp));
    int i = wait_frame(is_echo_reply, NULL);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
    assert_int_equal(p.src4, GW_IP);
    assert_int_equal(p.dst4, GUEST_IP);
}

/* Echo to an address outside the guest network needs a host ICMP socket:
 * a ping socket where net.ipv4.ping_group_range allows it, else a raw
 * socket (root / CAP_NET_RAW). The target is the host's own interface
 * address, so nothing leaves the host; skipped when there is none, or when
 * this process may open neither kind of socket. */
static void test_icmp_echo_outside(void **state)
{
    struct ifaddrs *ifa, *i;
    uint32_t target = 0;
    if (getifaddrs(&ifa) == 0) {
        for (i = ifa; i && !target; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK))
                continue;
            target = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
        }
        freeifaddrs(ifa);
    }
    int ps = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (ps < 0)
        ps = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (!target || ps < 0) {
        print_message("no host address or no ICMP socket allowed: skipped\n");
        skip();
    }
    close(ps);
    start("");
    arp_gateway();
    uint8_t f[128];
    size_t n = tp_eth(f, gw_mac, guest_mac, 0x0800);
    uint8_t icmp[8 + 16] = {8, 0, 0, 0, 0x42, 0x42, 0, 2};
    tp_wr16(icmp + 2, (uint16_t)~tp_fold(tp_sum(0, icmp, sizeof(icmp))));
    tp_ipv4_hdr(f + n, GUEST_IP, target, 1, 20 + sizeof(icmp), 78, false);
    memcpy(f + n + 20, icmp, sizeof(icmp));
    guest_send(f, n + 20 + sizeof(icmp));
    int k = wait_frame(is_echo_reply, NULL);
    assert_true(k >= 0);
    TpPkt p;
    assert_true(tp_parse(guest->rx[k].data, guest->rx[k].len, &p));
    assert_int_equal(p.src4, target);
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
}

/* ---- TCP ------------------------------------------------------------------ */

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

static uint16_t free_local_port(void)
{
    uint16_t port;
    int s = listen_local(&port);
    close(s);
    return port;
}

typedef struct Conn {
    uint32_t dst;
    uint16_t sport, dport;
    uint32_t snd_nxt, rcv_nxt;
} Conn;

static bool is_tcp_to_conn(const FakeFrame *f, void *arg)
{
    Conn *c = arg;
    TpPkt p;
    return tp_parse(f->data, f->len, &p) && p.proto == 6 && p.dport == c->sport &&
           p.sport == c->dport;
}

static void conn_send(Conn *c, uint8_t flags, const void *data, size_t len)
{
    uint8_t f[2048];
    TpTcp t = {.sport = c->sport, .dport = c->dport, .seq = c->snd_nxt, .ack = c->rcv_nxt,
               .flags = flags, .win = 65535};
    guest_send(f, tp_tcp4(f, gw_mac, guest_mac, GUEST_IP, c->dst, &t,
                          (flags & TP_SYN) ? 1460 : 0, data, len, 1));
    c->snd_nxt += (uint32_t)len + ((flags & (TP_SYN | TP_FIN)) ? 1 : 0);
}

static int accepted_fd = -1;
static int listen_fd = -1;

static bool accept_pred(void *arg)
{
    struct pollfd p = {.fd = listen_fd, .events = POLLIN};
    if (poll(&p, 1, 0) == 1)
        accepted_fd = accept(listen_fd, NULL, NULL);
    return accepted_fd >= 0;
}

typedef struct RecvWant {
    int fd;
    char buf[256];
    size_t have, want;
} RecvWant;

static bool recv_pred(void *arg)
{
    RecvWant *r = arg;
    ssize_t n = recv(r->fd, r->buf + r->have, sizeof(r->buf) - 1 - r->have, MSG_DONTWAIT);
    if (n > 0)
        r->have += (size_t)n;
    return r->have >= r->want;
}

/* Guest -> 10.0.2.2:port -> a server on 127.0.0.1:port, data both ways. */
static Conn connect_to_host(uint16_t port, bool expect_synack)
{
    Conn c = {.dst = GW_IP, .sport = 40001, .dport = port, .snd_nxt = 1000};
    conn_send(&c, TP_SYN, NULL, 0);
    if (!expect_synack)
        return c;
    int i = wait_frame(is_tcp_to_conn, &c);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
    assert_int_equal(p.flags & (TP_SYN | TP_ACK), TP_SYN | TP_ACK);
    assert_int_equal(p.ack, 1001);
    c.rcv_nxt = p.seq + 1;
    scan_from = guest->n_rx;
    conn_send(&c, TP_ACK, NULL, 0);
    return c;
}

/* The handshake in a capture of u0 (FERRY_TEST_PCAP=FILE keeps it, for
 * reading with tshark -r FILE). */
static void check_capture_has_handshake(const char *path, uint16_t port)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 20];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_true(len >= 24);
    int records = 0, syn = 0, synack = 0, arp = 0;
    for (size_t at = 24; at + 16 <= len;) {
        uint32_t incl;
        memcpy(&incl, buf + at + 8, 4);
        assert_true(at + 16 + incl <= len);
        TpPkt p;
        const uint8_t *fr = buf + at + 16;
        if (incl >= 14 && tp_rd16(fr + 12) == 0x0806)
            arp++;
        if (tp_parse(fr, incl, &p) && p.proto == 6) {
            if (p.flags == TP_SYN && p.dport == port)
                syn++;
            if (p.flags == (TP_SYN | TP_ACK) && p.sport == port)
                synack++;
        }
        records++;
        at += 16 + incl;
    }
    assert_true(records >= 6);
    assert_int_equal(syn, 1);
    assert_int_equal(synack, 1);
    assert_true(arp >= 2);
}

static void test_tcp_guest_to_host(void **state)
{
    const char *keep = getenv("FERRY_TEST_PCAP");
    char path[64] = "/tmp/ferry-user-pcap-XXXXXX";
    if (keep && *keep) {
        snprintf(path, sizeof(path), "%s", keep);
    } else {
        int fd = mkstemp(path);
        close(fd);
    }
    start("");
    char *obj = xasprintf("filter-dump,id=cap,netdev=u0,file=%s", path);
    Error *err = NULL;
    Opts *o = opts_parse("-object", obj, "qom-type", &err);
    assert_int_equal(net_object_create(o, &err), 0);
    opts_free(o);
    free(obj);
    arp_gateway();
    uint16_t port;
    listen_fd = listen_local(&port);
    accepted_fd = -1;
    Conn c = connect_to_host(port, true);
    assert_true(wait_until(accept_pred, NULL));
    /* guest -> host */
    conn_send(&c, TP_ACK | TP_PSH, "hello", 5);
    RecvWant rw = {.fd = accepted_fd, .want = 5};
    assert_true(wait_until(recv_pred, &rw));
    assert_memory_equal(rw.buf, "hello", 5);
    /* host -> guest */
    assert_int_equal(send(accepted_fd, "world!", 6, 0), 6);
    bool got = false;
    for (int k = 0; k < 500 && !got; k++) {
        int i = find_frame(is_tcp_to_conn, &c);
        if (i >= 0) {
            TpPkt p;
            assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
            scan_from = i + 1;
            if (p.plen) {
                assert_true(p.ip_csum_ok && p.l4_csum_ok);
                assert_int_equal(p.seq, c.rcv_nxt);
                assert_int_equal(p.plen, 6);
                assert_memory_equal(p.payload, "world!", 6);
                got = true;
            }
            continue;
        }
        loop_run_once(loop, 10 * 1000000LL);
    }
    assert_true(got);
    close(accepted_fd);
    close(listen_fd);
    check_capture_has_handshake(path, port);
    if (!keep || !*keep)
        unlink(path);
}

/* A host->guest transfer into a NIC with two ring slots that is drained a
 * little at a time: slirp's frames wait in the queue, the stack stops
 * reading the host socket meanwhile, and the stream arrives whole. */
static void test_tcp_flow_control(void **state)
{
    start("");
    arp_gateway();
    uint16_t port;
    listen_fd = listen_local(&port);
    accepted_fd = -1;
    Conn c = connect_to_host(port, true);
    assert_true(wait_until(accept_pred, NULL));
    static uint8_t data[200000], got[200000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + (i >> 10));
    size_t sent = 0, have = 0;
    guest->capacity = 2;
    bool saw_reads_stopped = false;
    for (int iter = 0; iter < 20000 && have < sizeof(data); iter++) {
        if (sent < sizeof(data)) {
            ssize_t n = send(accepted_fd, data + sent, sizeof(data) - sent, MSG_DONTWAIT);
            if (n > 0)
                sent += (size_t)n;
        }
        loop_run_once(loop, 2 * 1000000LL);
        if (net_client_queue_len(&guest->nc)) {
            int n_fds, n_read;
            int64_t t;
            net_user_poll_state(user, &n_fds, &n_read, &t);
            saw_reads_stopped |= n_read == 0;
        }
        /* The "guest" takes what its ring holds, in order, and ACKs it. */
        int n_rx = guest->n_rx;
        for (int i = scan_from; i < n_rx; i++) {
            TpPkt p;
            if (!tp_parse(guest->rx[i].data, guest->rx[i].len, &p) || p.proto != 6 ||
                p.dport != c.sport || !p.plen)
                continue;
            assert_true(p.ip_csum_ok && p.l4_csum_ok);
            if (p.seq == c.rcv_nxt && have + p.plen <= sizeof(got)) {
                memcpy(got + have, p.payload, p.plen);
                have += p.plen;
                c.rcv_nxt += (uint32_t)p.plen;
            }
        }
        for (int i = 0; i < guest->n_rx; i++)
            free(guest->rx[i].data);
        guest->n_rx = 0;
        scan_from = 0;
        conn_send(&c, TP_ACK, NULL, 0);
        fake_nic_drain(guest);
    }
    assert_int_equal(have, sizeof(data));
    assert_memory_equal(got, data, sizeof(data));
    assert_true(saw_reads_stopped);
    assert_int_equal(guest->nc.rx_dropped, 0);
    close(accepted_fd);
    close(listen_fd);
}

/* ---- hostfwd -------------------------------------------------------------- */

static bool is_syn_to_guest(const FakeFrame *f, void *arg)
{
    uint16_t port = *(uint16_t *)arg;
    TpPkt p;
    return tp_parse(f->data, f->len, &p) && p.proto == 6 && p.dst4 == GUEST_IP &&
           p.dport == port && (p.flags & (TP_SYN | TP_ACK)) == TP_SYN;
}

static bool answer_arp_pred(void *arg)
{
    /* slirp asks who 10.0.2.15 is before its first frame to the guest. */
    for (int i = scan_from; i < guest->n_rx; i++) {
        const uint8_t *f = guest->rx[i].data;
        if (guest->rx[i].len >= 42 && tp_rd16(f + 12) == 0x0806 && tp_rd16(f + 20) == 1 &&
            tp_rd32(f + 38) == GUEST_IP) {
            uint8_t r[64];
            guest_send(r, tp_arp(r, 2, guest_mac, GUEST_IP, f + 22, tp_rd32(f + 28)));
            scan_from = i + 1;
        }
    }
    return find_frame(is_syn_to_guest, arg) >= 0;
}

static int connect_local(uint16_t port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int r = connect(s, (struct sockaddr *)&a, sizeof(a));
    assert_true(r == 0 || errno == EINPROGRESS);
    return s;
}

static void expect_hostfwd_syn(uint16_t host_port, uint16_t guest_port)
{
    int s = connect_local(host_port);
    int from = scan_from;
    assert_true(wait_until(answer_arp_pred, &guest_port));
    scan_from = from;
    int i = find_frame(is_syn_to_guest, &guest_port);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
    assert_true(p.ip_csum_ok && p.l4_csum_ok);
    scan_from = guest->n_rx;
    close(s);
}

static void test_hostfwd(void **state)
{
    uint16_t port = free_local_port();
    char *opts = xasprintf("hostfwd=tcp:127.0.0.1:%u-:22", port);
    start(opts);
    free(opts);
    expect_hostfwd_syn(port, 22);

    /* The same from the monitor, to another guest port; then removed. */
    ChrRingbufConfig cfg = {.size = 64 * 1024};
    Error *err = NULL;
    Chardev *chr = chardev_new_backend(loop, &chr_backend_ringbuf, "mon0", &cfg, &err);
    Monitor *mon = monitor_new(loop, chr, &err);
    uint16_t port2 = free_local_port();
    char line[128], out[1024];
    snprintf(line, sizeof(line), "hostfwd_add u0 tcp:127.0.0.1:%u-10.0.2.15:8080", port2);
    monitor_run_line(mon, line);
    expect_hostfwd_syn(port2, 8080);
    chardev_ringbuf_read(chr, (uint8_t *)out, sizeof(out));
    snprintf(line, sizeof(line), "hostfwd_remove u0 tcp:127.0.0.1:%u", port2);
    monitor_run_line(mon, line);
    size_t n = chardev_ringbuf_read(chr, (uint8_t *)out, sizeof(out) - 1);
    out[n] = 0;
    assert_contains(out, "removed");
    monitor_run_line(mon, "hostfwd_add u0 tcp::1-:2-3");
    n = chardev_ringbuf_read(chr, (uint8_t *)out, sizeof(out) - 1);
    out[n] = 0;
    assert_contains(out, "Invalid host forwarding rule 'tcp::1-:2-3' (Bad guest port)");
    monitor_free(mon);
    chardev_cleanup_all();
}

/* ---- guestfwd ------------------------------------------------------------- */

/* The guest connects to server:port and talks to what the rule names. */
static void guest_talks_to(Conn *c, const char *say, const char *want_back)
{
    conn_send(c, TP_SYN, NULL, 0);
    int i = wait_frame(is_tcp_to_conn, c);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
    assert_int_equal(p.flags & (TP_SYN | TP_ACK), TP_SYN | TP_ACK);
    c->rcv_nxt = p.seq + 1;
    scan_from = guest->n_rx;
    conn_send(c, TP_ACK | TP_PSH, say, strlen(say));
    if (!want_back)
        return;
    size_t want = strlen(want_back);
    char got[256];
    size_t have = 0;
    for (int k = 0; k < 500 && have < want; k++) {
        for (; scan_from < guest->n_rx; scan_from++) {
            if (!is_tcp_to_conn(&guest->rx[scan_from], c))
                continue;
            assert_true(tp_parse(guest->rx[scan_from].data, guest->rx[scan_from].len, &p));
            if (p.plen && p.seq == c->rcv_nxt && have + p.plen <= sizeof(got)) {
                assert_true(p.l4_csum_ok);
                memcpy(got + have, p.payload, p.plen);
                have += p.plen;
                c->rcv_nxt += (uint32_t)p.plen;
                conn_send(c, TP_ACK, NULL, 0);
            }
        }
        if (have < want)
            loop_run_once(loop, 10 * 1000000LL);
    }
    assert_int_equal(have, want);
    assert_memory_equal(got, want_back, want);
}

static void test_guestfwd_cmd(void **state)
{
    start("guestfwd=tcp:10.0.2.100:1234-cmd:cat");
    uint8_t f[64];
    static const uint8_t zero[6];
    guest_send(f, tp_arp(f, 1, guest_mac, GUEST_IP, zero, tp_ip("10.0.2.100")));
    uint32_t ip = tp_ip("10.0.2.100");
    int i = wait_frame(is_arp_reply_for, &ip);
    assert_true(i >= 0);
    memcpy(gw_mac, guest->rx[i].data + 14 + 8, 6);
    scan_from = guest->n_rx;
    Conn c = {.dst = tp_ip("10.0.2.100"), .sport = 40100, .dport = 1234, .snd_nxt = 1};
    guest_talks_to(&c, "echo me\n", "echo me\n"); /* cat answers */
}

static void test_guestfwd_chardev(void **state)
{
    uint16_t port;
    listen_fd = listen_local(&port);
    accepted_fd = -1;
    char *opts = xasprintf("guestfwd=tcp:10.0.2.100:4321-tcp:127.0.0.1:%u", port);
    start(opts);
    free(opts);
    assert_true(wait_until(accept_pred, NULL));
    arp_gateway(); /* any ARP teaches slirp our MAC */
    uint8_t f[64];
    static const uint8_t zero[6];
    guest_send(f, tp_arp(f, 1, guest_mac, GUEST_IP, zero, tp_ip("10.0.2.100")));
    uint32_t ip = tp_ip("10.0.2.100");
    int i = wait_frame(is_arp_reply_for, &ip);
    assert_true(i >= 0);
    memcpy(gw_mac, guest->rx[i].data + 14 + 8, 6);
    scan_from = guest->n_rx;
    Conn c = {.dst = tp_ip("10.0.2.100"), .sport = 40200, .dport = 4321, .snd_nxt = 1};
    guest_talks_to(&c, "to the chardev", NULL);
    RecvWant rw = {.fd = accepted_fd, .want = 14};
    assert_true(wait_until(recv_pred, &rw));
    assert_memory_equal(rw.buf, "to the chardev", 14);
    close(accepted_fd);
    close(listen_fd);
}

/* smb=: slirp starts "smbd -l DIR -s DIR/smb.conf" for each connection to
 * 10.0.2.4:445, on the connection; a stand-in smbd shows what it got. */
static void test_smb_with_stand_in_smbd(void **state)
{
    char dir[] = "/tmp/ferry-smbd-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *smbd = xasprintf("%s/smbd", dir);
    FILE *f = fopen(smbd, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\necho \"smbd $2 $4\"\ngrep -c 'path=%s' \"$4\"\n", dir);
    fclose(f);
    chmod(smbd, 0755);
    setenv("FERRY_SMBD", smbd, 1);
    char *opts = xasprintf("smb=%s", dir);
    start(opts);
    free(opts);
    uint8_t fr[64];
    static const uint8_t zero[6];
    guest_send(fr, tp_arp(fr, 1, guest_mac, GUEST_IP, zero, tp_ip("10.0.2.4")));
    uint32_t ip = tp_ip("10.0.2.4");
    int i = wait_frame(is_arp_reply_for, &ip);
    assert_true(i >= 0);
    memcpy(gw_mac, guest->rx[i].data + 14 + 8, 6);
    scan_from = guest->n_rx;
    Conn c = {.dst = tp_ip("10.0.2.4"), .sport = 40300, .dport = 445, .snd_nxt = 1};
    /* The stand-in prints its -l directory, its -s file and that the
     * share's path is in that file. */
    conn_send(&c, TP_SYN, NULL, 0);
    i = wait_frame(is_tcp_to_conn, &c);
    assert_true(i >= 0);
    TpPkt p;
    assert_true(tp_parse(guest->rx[i].data, guest->rx[i].len, &p));
    c.rcv_nxt = p.seq + 1;
    scan_from = guest->n_rx;
    conn_send(&c, TP_ACK, NULL, 0);
    char got[512];
    size_t have = 0;
    int lines = 0;
    for (int k = 0; k < 500 && lines < 2; k++) {
        for (; scan_from < guest->n_rx; scan_from++) {
            if (!is_tcp_to_conn(&guest->rx[scan_from], &c))
                continue;
            tp_parse(guest->rx[scan_from].data, guest->rx[scan_from].len, &p);
            if (p.plen && p.seq == c.rcv_nxt && have + p.plen < sizeof(got)) {
                memcpy(got + have, p.payload, p.plen);
                have += p.plen;
                c.rcv_nxt += (uint32_t)p.plen;
                conn_send(&c, TP_ACK, NULL, 0);
            }
        }
        lines = 0;
        for (size_t j = 0; j < have; j++)
            lines += got[j] == '\n';
        if (lines < 2)
            loop_run_once(loop, 10 * 1000000LL);
    }
    got[have] = 0;
    assert_contains(got, "smbd /tmp/ferry-smb.");
    assert_contains(got, "/smb.conf\n1\n");
    /* The private directory goes with the netdev. */
    char priv[64];
    assert_int_equal(sscanf(got, "smbd %63s", priv), 1);
    assert_int_equal(access(priv, F_OK), 0);
    net_reset_all();
    assert_int_equal(access(priv, F_OK), -1);
    unlink(smbd);
    rmdir(dir);
    free(smbd);
}

/* ---- restrict ------------------------------------------------------------- */

static void test_restrict(void **state)
{
    uint16_t fwd = free_local_port();
    char *opts = xasprintf("restrict=on,hostfwd=tcp:127.0.0.1:%u-:22", fwd);
    start(opts);
    free(opts);
    assert_contains(user->info, "restrict=on");
    arp_gateway();
    /* The guest's SYN to a host server goes nowhere: the server sees no
     * connection, and the guest gets at most a reset (libslirp refuses). */
    uint16_t port;
    listen_fd = listen_local(&port);
    accepted_fd = -1;
    Conn c = connect_to_host(port, false);
    for (int i = 0; i < 20; i++)
        loop_run_once(loop, 5 * 1000000LL);
    assert_false(accept_pred(NULL));
    for (int i = scan_from; i < guest->n_rx; i++) {
        TpPkt p;
        if (is_tcp_to_conn(&guest->rx[i], &c)) {
            tp_parse(guest->rx[i].data, guest->rx[i].len, &p);
            assert_true(p.flags & TP_RST);
            assert_false(p.flags & TP_SYN);
        }
    }
    scan_from = guest->n_rx;
    close(listen_fd);
    /* ...but DHCP (without router and DNS: nothing outside is reachable)
     * and the forwarded port still work. */
    dhcp_exchange(GUEST_IP, 0, 0);
    expect_hostfwd_syn(fwd, 22);
    /* restricted= is the same option. */
    net_reset_all();
    Error *err = NULL;
    assert_int_equal(make_user("restricted=yes", &err), 0);
    assert_contains(netdev_find("u0")->info, "restrict=on");
}

/* ---- idle ----------------------------------------------------------------- */

static void test_idle_costs_nothing(void **state)
{
    start("");
    int n_fds, n_read;
    int64_t t;
    net_user_poll_state(user, &n_fds, &n_read, &t);
    assert_int_equal(n_fds, 0);
    assert_int_equal(t, -1);
    /* A listening hostfwd socket: one fd, and slirp's slow timer (its TCP
     * timers run while it has any TCP socket). */
    uint16_t port = free_local_port();
    char line[64];
    snprintf(line, sizeof(line), "tcp:127.0.0.1:%u", port);
    ChrRingbufConfig cfg = {.size = 4096};
    Error *err = NULL;
    Chardev *chr = chardev_new_backend(loop, &chr_backend_ringbuf, "mon0", &cfg, &err);
    Monitor *mon = monitor_new(loop, chr, &err);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "hostfwd_add %s-:22", line);
    monitor_run_line(mon, cmd);
    net_user_poll_state(user, &n_fds, &n_read, &t);
    assert_int_equal(n_fds, 1);
    assert_int_equal(n_read, 1);
    assert_true(t >= 0);
    snprintf(cmd, sizeof(cmd), "hostfwd_remove %s", line);
    monitor_run_line(mon, cmd);
    /* Gone again once slirp's timer has run and found nothing to do. */
    for (int i = 0; i < 100 && t >= 0; i++) {
        loop_run_once(loop, 100 * 1000000LL);
        net_user_poll_state(user, &n_fds, &n_read, &t);
    }
    assert_int_equal(n_fds, 0);
    assert_int_equal(t, -1);
    monitor_free(mon);
    chardev_cleanup_all();
}

/* ---- bad options ------------------------------------------------------------ */

static void expect_error(const char *opts, const char *msg)
{
    Error *err = NULL;
    if (make_user(opts, &err) == 0)
        fail_msg("'%s' was accepted", opts);
    assert_contains(error_get_msg(err), msg);
    error_free(err);
}

static void test_bad_options(void **state)
{
    expect_error("hostfwd=bogus", "Invalid host forwarding rule 'bogus' (No : separators)");
    expect_error("hostfwd=xyz::1-:2", "Invalid host forwarding rule 'xyz::1-:2' (Bad protocol "
                                      "name)");
    expect_error("hostfwd=tcp:1.2.3.4.5:1-:2", "(Bad host address)");
    expect_error("hostfwd=tcp::99999-:22", "(Bad host port)");
    expect_error("hostfwd=tcp::5555", "(Bad host port separator)");
    expect_error("hostfwd=tcp::5555-:0", "(Bad guest port)");
    expect_error("hostfwd=udp::5555-1.2.3.x:22", "(Bad guest address)");
    expect_error("hostfwd=tcp::5555-22", "(Bad guest address/port separator)");
    /* The second rule is named; nothing is left behind by the failure. */
    uint16_t p = free_local_port();
    char *two = xasprintf("hostfwd=tcp:127.0.0.1:%u-:22,hostfwd=tcp:127.0.0.1:%u-:23", p, p);
    char *msg = xasprintf("Could not set up host forwarding rule 'tcp:127.0.0.1:%u-:23'", p);
    expect_error(two, msg);
    free(two);
    free(msg);
    assert_null(netdev_find("u0"));
    expect_error("net=foo", "Failed to parse netmask");
    expect_error("net=10.0.2.0/33", "Invalid netmask provided (must be in range 4-32)");
    expect_error("host=10.0.3.2", "Host doesn't belong to network");
    expect_error("dhcpstart=1.2.3.4", "DHCP doesn't belong to network");
    expect_error("dns=10.0.3.3", "DNS doesn't belong to network");
    expect_error("dns=10.0.2.2", "DNS must be different from host");
    expect_error("ipv4=off,ipv6=off", "IPv4 and IPv6 disabled");
    expect_error("ipv6-net=fec0::/129", "IPv6 prefix length must be between 0 and 126");
    expect_error("ipv6-host=fec1::2", "IPv6 Host doesn't belong to network");
    expect_error("restrict=maybe", "Parameter 'restrict' expects 'on' or 'off'");
    expect_error("smb=/tmp", "Could not find '/nonexistent/smbd', please install it");
    expect_error("guestfwd=udp:10.0.2.100:1234-cmd:cat", "Invalid guest forwarding rule");
    expect_error("guestfwd=tcp:10.0.2.100:1234-nosuchbackend:x",
                 "Could not open guest forwarding device 'guestfwd.tcp.1234'");
    expect_error("domainname=", "'domainname' parameter cannot be empty");
    /* And what is fine. */
    Error *err = NULL;
    assert_int_equal(make_user("ipv6=off,hostname=vm1,domainname=example.org,dnssearch=a.org,"
                               "dnssearch=b.org,tftp=/tmp,bootfile=pxe.0,tftp-server-name=t,"
                               "guestfwd=tcp:10.0.2.100:1234-cmd:cat", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dhcp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dhcp_other_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arp_gateway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_echo_gateway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_echo_outside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_guest_to_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_flow_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostfwd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guestfwd_cmd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guestfwd_chardev, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb_with_stand_in_smbd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restrict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_costs_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
