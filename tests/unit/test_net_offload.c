/*
 * test_net_offload.c — offload metadata resolved in software when the
 * receiver does not take it, and passed through when it does: NEEDS_CSUM
 * completed (TCP/UDP, IPv4/IPv6, odd lengths), TSO over IPv4 and IPv6
 * (with TCP options and a VLAN tag) cut into MTU-sized frames whose IP
 * lengths, IDs, checksums, sequence numbers and flags (FIN/PSH last, CWR
 * first) are checked with the test's own checksum code, USO, UFO over IPv4
 * and IPv6 (fragments reassembled and the datagram checksum verified), a
 * receiver that fills up between segments, and malformed or random headers
 * and frames (never a crash: this also runs under ASan/UBSan).
 */
#include "tests/unit/test.h"

#include "netback/offload.h"
#include "tests/unit/netpkt.h"
#include "tests/unit/nettest.h"

static const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t mac_b[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t ip6_a[16] = {0xfe, 0xc0, [15] = 0x0f};
static const uint8_t ip6_b[16] = {0xfe, 0xc0, [15] = 0x02};

static FakeNic *src, *dst;

static int setup(void **state)
{
    dev_lock();
    src = fake_nic_new("src", -1);
    dst = fake_nic_new("dst", -1);
    net_client_connect(&src->nc, &dst->nc);
    return 0;
}

static int teardown(void **state)
{
    net_reset_all();
    dev_unlock();
    return 0;
}

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((i * 131 + seed * 7 + (i >> 8)) ^ (i >> 3));
}

/* Turns a frame's complete L4 checksum into the partial one a guest hands
 * over with NEEDS_CSUM: the pseudo-header sum, folded, not inverted. */
static NetOffload make_partial(uint8_t *f, size_t len)
{
    TpPkt p;
    assert_true(tp_parse(f, len, &p));
    size_t l4 = (size_t)(p.l4 - f);
    uint16_t off = p.proto == 6 ? 16 : 6;
    uint32_t ps = p.ipver == 4 ? tp_pseudo4(p.l3, p.proto, p.l4_len)
                               : tp_pseudo6(p.l3, p.proto, p.l4_len);
    tp_wr16(f + l4 + off, tp_fold(ps));
    return (NetOffload){.flags = NET_F_NEEDS_CSUM, .csum_start = (uint16_t)l4,
                        .csum_offset = off};
}

/* ---- the checksum itself ------------------------------------------------- */

static void test_csum_matches_reference(void **state)
{
    uint8_t buf[3000];
    uint32_t x = 12345;
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = (size_t)(x % 2999) + 1, at = (x >> 12) % 3;
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245 + 12345;
            buf[at + i] = (uint8_t)(x >> 16);
        }
        if (iter % 7 == 0)
            memset(buf + at, 0xff, len); /* carries everywhere */
        assert_int_equal(net_csum_fold(net_csum_add(0, buf + at, len)),
                         tp_fold(tp_sum(0, buf + at, len)));
        /* Sums of even-length pieces add up. */
        size_t cut = (len / 2) & ~(size_t)1;
        assert_int_equal(net_csum_fold(net_csum_add(net_csum_add(0, buf + at, cut),
                                                    buf + at + cut, len - cut)),
                         tp_fold(tp_sum(0, buf + at, len)));
    }
}

/* ---- NEEDS_CSUM ---------------------------------------------------------- */

static void check_csum_completed(size_t frame_len, const uint8_t *orig)
{
    assert_int_equal(dst->n_rx, 1);
    FakeFrame *r = &dst->rx[0];
    assert_int_equal(r->len, frame_len);
    assert_int_equal(r->off.flags, 0);
    TpPkt p;
    assert_true(tp_parse(r->data, r->len, &p));
    assert_true(p.ip_csum_ok);
    assert_true(p.l4_csum_ok);
    assert_memory_equal(r->data, orig, frame_len); /* exactly the original */
    fake_nic_forget(dst);
    dst->held = 0;
}

static void test_needs_csum_completed(void **state)
{
    static uint8_t f[4000], orig[4000];
    uint8_t payload[1500];
    fill_pattern(payload, sizeof(payload), 1);
    TpTcp t = {.sport = 5555, .dport = 80, .seq = 1, .ack = 2, .flags = TP_ACK | TP_PSH,
               .win = 500};
    size_t lens[] = {0, 1, 2, 3, 999, 1000, 1460};
    for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
        /* TCP over IPv4 */
        size_t n = tp_tcp4(f, mac_b, mac_a, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), &t, 0,
                           payload, lens[i], 7);
        memcpy(orig, f, n);
        NetOffload off = make_partial(f, n);
        assert_int_equal(net_send_buf(&src->nc, f, n, &off, NULL), (ssize_t)n);
        check_csum_completed(n, orig);
        /* UDP over IPv4 */
        n = tp_udp4(f, mac_b, mac_a, tp_ip("10.0.2.15"), tp_ip("10.0.2.3"), 1234, 53,
                    payload, lens[i], 9);
        memcpy(orig, f, n);
        off = make_partial(f, n);
        net_send_buf(&src->nc, f, n, &off, NULL);
        check_csum_completed(n, orig);
        /* TCP and UDP over IPv6 */
        n = tp_tcp6(f, mac_b, mac_a, ip6_a, ip6_b, &t, payload, lens[i]);
        memcpy(orig, f, n);
        off = make_partial(f, n);
        net_send_buf(&src->nc, f, n, &off, NULL);
        check_csum_completed(n, orig);
        n = tp_udp6(f, mac_b, mac_a, ip6_a, ip6_b, 1234, 53, payload, lens[i]);
        memcpy(orig, f, n);
        off = make_partial(f, n);
        net_send_buf(&src->nc, f, n, &off, NULL);
        check_csum_completed(n, orig);
    }
}

static void test_needs_csum_passed_to_capable(void **state)
{
    uint8_t f[200];
    TpTcp t = {.sport = 1, .dport = 2, .flags = TP_ACK};
    size_t n = tp_tcp4(f, mac_b, mac_a, 1, 2, &t, 0, "abc", 3, 1);
    NetOffload off = make_partial(f, n);
    dst->nc.rx_caps = NET_CAP_CSUM;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 1);
    assert_int_equal(dst->rx[0].off.flags, NET_F_NEEDS_CSUM);
    assert_int_equal(dst->rx[0].off.csum_start, 34);
    assert_int_equal(dst->rx[0].off.csum_offset, 16);
    assert_memory_equal(dst->rx[0].data, f, n); /* untouched: partial */
    /* DATA_VALID reaches a receiver that knows it, and only such. */
    NetOffload dv = {.flags = NET_F_DATA_VALID};
    net_send_buf(&src->nc, f, n, &dv, NULL);
    assert_int_equal(dst->rx[1].off.flags, NET_F_DATA_VALID);
    dst->nc.rx_caps = 0;
    net_send_buf(&src->nc, f, n, &dv, NULL);
    assert_int_equal(dst->rx[2].off.flags, 0);
}

/* ---- TSO ------------------------------------------------------------------ */

typedef struct SegCheck {
    int ipver;
    uint32_t seq0;
    uint16_t id0;
    uint8_t flags;     /* of the super-frame */
    size_t mss;
    const uint8_t *payload;
    size_t plen;
    size_t hdr_len;    /* Ethernet + IP + TCP of each frame */
} SegCheck;

static void check_tso_segments(const SegCheck *c, int first_frame)
{
    size_t nseg = (c->plen + c->mss - 1) / c->mss;
    if (!nseg)
        nseg = 1;
    assert_int_equal(dst->n_rx - first_frame, (int)nseg);
    size_t at = 0;
    for (size_t i = 0; i < nseg; i++) {
        FakeFrame *r = &dst->rx[first_frame + (int)i];
        TpPkt p;
        assert_true(tp_parse(r->data, r->len, &p));
        assert_int_equal(r->off.flags, 0);
        assert_int_equal(r->off.gso_type, 0);
        size_t seg = MIN(c->mss, c->plen - at);
        assert_int_equal(p.plen, seg);
        assert_int_equal(r->len, c->hdr_len + seg);
        assert_true(p.ip_csum_ok);
        assert_true(p.l4_csum_ok);
        assert_int_equal(p.seq, c->seq0 + (uint32_t)at);
        if (c->ipver == 4) {
            assert_int_equal(p.ip_id, (uint16_t)(c->id0 + i));
            assert_int_equal(p.ip_len, c->hdr_len - 14 + seg);
        } else {
            assert_int_equal(p.ip_len, c->hdr_len - 14 + seg);
        }
        uint8_t want = c->flags;
        if (i + 1 < nseg)
            want &= (uint8_t) ~(TP_FIN | TP_PSH);
        if (i > 0)
            want &= (uint8_t)~TP_CWR;
        assert_int_equal(p.flags, want);
        assert_memory_equal(p.payload, c->payload + at, seg);
        at += seg;
    }
    assert_int_equal(at, c->plen);
}

static void test_tso4_segmented(void **state)
{
    static uint8_t f[70000];
    static uint8_t payload[64000];
    fill_pattern(payload, sizeof(payload), 3);
    size_t plens[] = {20000, 1460, 1461, 64000 - 24, 1, 0};
    for (size_t k = 0; k < ARRAY_SIZE(plens); k++) {
        uint8_t flags = TP_ACK | TP_PSH | TP_FIN | TP_CWR | TP_ECE;
        TpTcp t = {.sport = 40000, .dport = 5201, .seq = 0xfffff000u, .ack = 77,
                   .flags = flags, .win = 65535};
        size_t n = tp_tcp4(f, mac_b, mac_a, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), &t,
                           1460 /* an MSS option */, payload, plens[k], 0xfff0);
        NetOffload off = make_partial(f, n);
        off.gso_type = NET_GSO_TCPV4 | NET_GSO_ECN;
        off.gso_size = 1456; /* 1500 - 20 - 24 */
        off.hdr_len = 14 + 20 + 24;
        int before = dst->n_rx;
        assert_int_equal(net_send_buf(&src->nc, f, n, &off, NULL), (ssize_t)n);
        SegCheck c = {.ipver = 4, .seq0 = t.seq, .id0 = 0xfff0, .flags = flags, .mss = 1456,
                      .payload = payload, .plen = plens[k], .hdr_len = 14 + 20 + 24};
        check_tso_segments(&c, before);
        for (int i = before; i < dst->n_rx; i++)
            assert_true(dst->rx[i].len <= 1514); /* MTU-sized */
    }
}

static void test_tso6_segmented(void **state)
{
    static uint8_t f[70000];
    static uint8_t payload[30000];
    fill_pattern(payload, sizeof(payload), 4);
    TpTcp t = {.sport = 40000, .dport = 22, .seq = 100, .ack = 5, .flags = TP_ACK | TP_PSH};
    size_t n = tp_tcp6(f, mac_b, mac_a, ip6_a, ip6_b, &t, payload, sizeof(payload));
    NetOffload off = make_partial(f, n);
    off.gso_type = NET_GSO_TCPV6;
    off.gso_size = 1440;
    assert_int_equal(net_send_buf(&src->nc, f, n, &off, NULL), (ssize_t)n);
    SegCheck c = {.ipver = 6, .seq0 = 100, .flags = TP_ACK | TP_PSH, .mss = 1440,
                  .payload = payload, .plen = sizeof(payload), .hdr_len = 14 + 40 + 20};
    check_tso_segments(&c, 0);
}

static void test_tso_vlan_tagged(void **state)
{
    static uint8_t f[20000], g[20000];
    uint8_t payload[5000];
    fill_pattern(payload, sizeof(payload), 5);
    TpTcp t = {.sport = 1, .dport = 2, .seq = 9, .flags = TP_ACK};
    size_t n = tp_tcp4(f, mac_b, mac_a, tp_ip("10.0.0.1"), tp_ip("10.0.0.2"), &t, 0, payload,
                       sizeof(payload), 1);
    NetOffload off = make_partial(f, n);
    /* Insert an 802.1Q tag (VLAN 5) after the MAC addresses. */
    memcpy(g, f, 12);
    g[12] = 0x81;
    g[13] = 0x00;
    g[14] = 0x00;
    g[15] = 0x05;
    memcpy(g + 16, f + 12, n - 12);
    off.csum_start += 4;
    off.gso_type = NET_GSO_TCPV4;
    off.gso_size = 1000;
    net_send_buf(&src->nc, g, n + 4, &off, NULL);
    assert_int_equal(dst->n_rx, 5);
    for (int i = 0; i < 5; i++) {
        FakeFrame *r = &dst->rx[i];
        assert_int_equal(r->len, 18 + 40 + 1000);
        assert_int_equal(tp_rd16(r->data + 12), 0x8100);
        /* Strip the tag and check it like any other frame. */
        uint8_t h[2000];
        memcpy(h, r->data, 12);
        memcpy(h + 12, r->data + 16, r->len - 16);
        TpPkt p;
        assert_true(tp_parse(h, r->len - 4, &p));
        assert_true(p.ip_csum_ok && p.l4_csum_ok);
        assert_int_equal(p.seq, 9 + 1000 * (uint32_t)i);
    }
}

static void test_tso_passed_to_capable(void **state)
{
    static uint8_t f[20000];
    uint8_t payload[9000];
    fill_pattern(payload, sizeof(payload), 6);
    TpTcp t = {.sport = 1, .dport = 2, .flags = TP_ACK | TP_CWR};
    size_t n = tp_tcp4(f, mac_b, mac_a, 1, 2, &t, 0, payload, sizeof(payload), 1);
    NetOffload off = make_partial(f, n);
    off.gso_type = NET_GSO_TCPV4;
    off.gso_size = 1460;
    dst->nc.rx_caps = NET_CAP_CSUM | NET_CAP_TSO4;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 1);
    assert_int_equal(dst->rx[0].len, n);
    assert_int_equal(dst->rx[0].off.gso_type, NET_GSO_TCPV4);
    assert_int_equal(dst->rx[0].off.gso_size, 1460);
    /* With ECN it needs NET_CAP_ECN too, else it is cut here. */
    off.gso_type |= NET_GSO_ECN;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 1 + 7);
    dst->nc.rx_caps |= NET_CAP_ECN;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 1 + 7 + 1);
    /* GSO without NEEDS_CSUM breaks the virtio rule: resolved, not passed. */
    off.flags = 0;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 1 + 7 + 1 + 7);
    /* A TSO6 receiver does not take TSO4. */
    dst->nc.rx_caps = NET_CAP_CSUM | NET_CAP_TSO6;
    off.flags = NET_F_NEEDS_CSUM;
    off.gso_type = NET_GSO_TCPV4;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 1 + 7 + 1 + 7 + 7);
}

/* ---- UDP: USO and UFO --------------------------------------------------- */

static void test_uso(void **state)
{
    static uint8_t f[20000];
    uint8_t payload[5000];
    fill_pattern(payload, sizeof(payload), 7);
    for (int v6 = 0; v6 < 2; v6++) {
        size_t n = v6 ? tp_udp6(f, mac_b, mac_a, ip6_a, ip6_b, 7000, 7001, payload,
                                sizeof(payload))
                      : tp_udp4(f, mac_b, mac_a, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), 7000,
                                7001, payload, sizeof(payload), 0x4000);
        NetOffload off = make_partial(f, n);
        off.gso_type = NET_GSO_UDP_L4;
        off.gso_size = 1400;
        int before = dst->n_rx;
        net_send_buf(&src->nc, f, n, &off, NULL);
        assert_int_equal(dst->n_rx - before, 4);
        size_t at = 0;
        for (int i = 0; i < 4; i++) {
            TpPkt p;
            FakeFrame *r = &dst->rx[before + i];
            assert_true(tp_parse(r->data, r->len, &p));
            assert_true(p.ip_csum_ok && p.l4_csum_ok);
            size_t seg = MIN(1400, sizeof(payload) - at);
            assert_int_equal(p.plen, seg);
            assert_int_equal(p.sport, 7000);
            assert_memory_equal(p.payload, payload + at, seg);
            if (!v6)
                assert_int_equal(p.ip_id, 0x4000 + i);
            at += seg;
        }
    }
}

/* Reassembles IPv4 or IPv6 fragments (in order) and checks the datagram. */
static void check_ufo(int first, int count, int v6, const uint8_t *payload, size_t plen,
                      size_t frag)
{
    static uint8_t dgram[70000];
    size_t at = 0;
    uint32_t id = 0;
    for (int i = 0; i < count; i++) {
        FakeFrame *r = &dst->rx[first + i];
        const uint8_t *ip = r->data + 14;
        size_t off, len;
        bool more;
        const uint8_t *data;
        if (!v6) {
            TpPkt p;
            assert_true(tp_parse(r->data, r->len, &p));
            assert_true(p.ip_csum_ok);
            off = (size_t)(p.frag & 0x1fff) * 8;
            more = p.frag & 0x2000;
            assert_false(p.frag & 0x4000); /* DF cleared */
            len = p.ip_len - 20;
            data = ip + 20;
            if (i == 0)
                id = p.ip_id;
            assert_int_equal(p.ip_id, id);
        } else {
            assert_int_equal(ip[6], 44);
            const uint8_t *fh = ip + 40;
            assert_int_equal(fh[0], 17);
            off = tp_rd16(fh + 2) & 0xfff8;
            more = tp_rd16(fh + 2) & 1;
            if (i == 0)
                id = tp_rd32(fh + 4);
            assert_int_equal(tp_rd32(fh + 4), id);
            len = tp_rd16(ip + 4) - 8;
            data = fh + 8;
            assert_int_equal(r->len, 14 + 48 + len);
        }
        assert_int_equal(off, at);
        assert_int_equal(more, i + 1 < count);
        if (i + 1 < count)
            assert_int_equal(len, frag);
        memcpy(dgram + at, data, len);
        at += len;
    }
    assert_int_equal(at, 8 + plen);
    assert_int_equal(tp_rd16(dgram + 4), 8 + plen);
    assert_memory_equal(dgram + 8, payload, plen);
    /* The datagram's checksum, with the first fragment's addresses. */
    const uint8_t *ip = dst->rx[first].data + 14;
    uint32_t ps = v6 ? tp_pseudo6(ip, 17, at) : tp_pseudo4(ip, 17, at);
    assert_int_equal(tp_fold(tp_sum(ps, dgram, at)), 0xffff);
}

static void test_ufo(void **state)
{
    static uint8_t f[20000];
    uint8_t payload[4000];
    fill_pattern(payload, sizeof(payload), 8);
    size_t n = tp_udp4(f, mac_b, mac_a, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), 9, 9, payload,
                       sizeof(payload), 0x2222);
    NetOffload off = make_partial(f, n);
    off.gso_type = NET_GSO_UDP;
    off.gso_size = 1483; /* rounded down to 1480: offsets count 8 bytes */
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 3);
    check_ufo(0, 3, 0, payload, sizeof(payload), 1480);

    n = tp_udp6(f, mac_b, mac_a, ip6_a, ip6_b, 9, 9, payload, sizeof(payload));
    off = make_partial(f, n);
    off.gso_type = NET_GSO_UDP;
    off.gso_size = 1448;
    net_send_buf(&src->nc, f, n, &off, NULL);
    assert_int_equal(dst->n_rx, 3 + 3);
    check_ufo(3, 3, 1, payload, sizeof(payload), 1448);
}

/* ---- a receiver that fills up between segments -------------------------- */

static int completions;
static void on_sent(NetClient *nc, ssize_t len)
{
    completions++;
}

static void test_segments_resume_after_full(void **state)
{
    static uint8_t f[20000];
    uint8_t payload[10 * 1000];
    fill_pattern(payload, sizeof(payload), 9);
    TpTcp t = {.sport = 1, .dport = 2, .seq = 50, .flags = TP_ACK | TP_PSH};
    size_t n = tp_tcp4(f, mac_b, mac_a, 1, 2, &t, 0, payload, sizeof(payload), 100);
    NetOffload off = make_partial(f, n);
    off.gso_type = NET_GSO_TCPV4;
    off.gso_size = 1000;
    dst->capacity = 3;
    completions = 0;
    assert_int_equal(net_send_buf(&src->nc, f, n, &off, on_sent), 0); /* queued */
    assert_int_equal(dst->n_rx, 3);
    assert_int_equal(net_client_queue_len(&dst->nc), 1);
    /* A frame sent meanwhile waits behind the rest of the super-frame. */
    uint8_t g[100];
    size_t gn = tp_tcp4(g, mac_b, mac_a, 1, 2, &t, 0, "z", 1, 1);
    assert_int_equal(net_send_buf(&src->nc, g, gn, NULL, on_sent), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(completions, 0);
        fake_nic_drain(dst);
    }
    assert_int_equal(dst->n_rx, 11);
    assert_int_equal(completions, 2);
    SegCheck c = {.ipver = 4, .seq0 = 50, .id0 = 100, .flags = TP_ACK | TP_PSH, .mss = 1000,
                  .payload = payload, .plen = sizeof(payload), .hdr_len = 54};
    dst->n_rx = 10;
    check_tso_segments(&c, 0);
    dst->n_rx = 11;
    assert_int_equal(dst->rx[10].len, gn);
}

/* ---- malformed ------------------------------------------------------------ */

static void test_malformed_gso_dropped(void **state)
{
    static uint8_t f[20000];
    uint8_t payload[3000];
    fill_pattern(payload, sizeof(payload), 10);
    TpTcp t = {.sport = 1, .dport = 2, .flags = TP_ACK};
    size_t n = tp_tcp4(f, mac_b, mac_a, 1, 2, &t, 0, payload, sizeof(payload), 1);
    NetOffload good = make_partial(f, n);
    good.gso_type = NET_GSO_TCPV4;
    good.gso_size = 1000;
    struct {
        NetOffload off;
        int patch; /* 1: IPv4 total length beyond the frame; 2: not TCP */
    } bad[] = {
        {{.flags = NET_F_NEEDS_CSUM, .gso_type = NET_GSO_TCPV4, .gso_size = 0}, 0},
        {{.flags = NET_F_NEEDS_CSUM, .gso_type = NET_GSO_TCPV6, .gso_size = 100,
          .csum_start = 34, .csum_offset = 16}, 0},
        {{.flags = NET_F_NEEDS_CSUM, .gso_type = NET_GSO_UDP_L4, .gso_size = 100,
          .csum_start = 34, .csum_offset = 16}, 0},
        {{.flags = NET_F_NEEDS_CSUM, .gso_type = NET_GSO_TCPV4, .gso_size = 1000,
          .csum_start = 60000, .csum_offset = 16}, 0},
        {good, 1},
        {good, 2},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint8_t *g = xmalloc(n);
        memcpy(g, f, n);
        if (bad[i].patch == 1)
            tp_wr16(g + 16, (uint16_t)(n - 14 + 1));
        if (bad[i].patch == 2)
            g[23] = 99;
        net_send_buf(&src->nc, g, n, &bad[i].off, NULL);
        free(g);
    }
    assert_int_equal(dst->n_rx, 0);
    assert_int_equal(src->nc.tx_dropped + dst->nc.rx_dropped, ARRAY_SIZE(bad));
}

static uint32_t rnd_state = 4242;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* Random frames with random offload headers, and valid super-frames with
 * random damage: whatever comes out is bounded, nothing crashes. */
static void test_random_headers_never_crash(void **state)
{
    static uint8_t f[70000];
    uint8_t payload[9000];
#define RND() rnd()
    dst->capacity = -1;
    int out = 0, resolved = 0;
    for (int iter = 0; iter < 3000; iter++) {
        size_t n;
        if (iter % 2) {
            fill_pattern(payload, sizeof(payload), (uint32_t)iter);
            TpTcp t = {.sport = 1, .dport = 2, .flags = (uint8_t)RND()};
            size_t plen = RND() % sizeof(payload);
            n = iter % 4 == 1 ? tp_tcp4(f, mac_b, mac_a, 1, 2, &t, 0, payload, plen, 1)
                              : tp_udp6(f, mac_b, mac_a, ip6_a, ip6_b, 1, 2, payload, plen);
            for (int k = RND() % 6; k > 0; k--)
                f[RND() % 80] = (uint8_t)RND(); /* damage the headers */
        } else {
            n = 14 + RND() % 300;
            for (size_t i = 0; i < n; i++)
                f[i] = (uint8_t)RND();
            if (RND() % 2)
                tp_wr16(f + 12, RND() % 2 ? 0x0800 : 0x86dd);
            if (RND() % 2 && n > 14)
                f[14] = RND() % 2 ? 0x45 : 0x60;
        }
        static const uint8_t types[] = {0, 1, 3, 4, 5, 0x81, 0x84, 2, 6, 0xff};
        NetOffload off = {
            .flags = (uint8_t)(RND() % 4),
            .gso_type = types[RND() % ARRAY_SIZE(types)],
            .gso_size = (uint16_t)(RND() % 4 ? RND() % 2000 : RND()),
            .csum_start = (uint16_t)(RND() % 4 ? RND() % 100 : RND()),
            .csum_offset = (uint16_t)(RND() % 4 ? RND() % 20 : RND()),
            .hdr_len = (uint16_t)RND(),
        };
        if (off.gso_size == 0 && RND() % 2)
            off.gso_size = 1;
        dst->nc.rx_caps = RND() % 3 ? 0 : (uint32_t)RND() & NET_CAP_ALL;
        net_send_buf(&src->nc, f, n, &off, NULL);
        out += dst->n_rx;
        resolved += dst->n_rx > 1;
        for (int i = 0; i < dst->n_rx; i++) {
            assert_true(dst->rx[i].len <= NET_FRAME_MAX);
            free(dst->rx[i].data);
        }
        dst->n_rx = 0;
        dst->held = 0;
    }
#undef RND
    /* The mix reached every path: frames got through, some were cut. */
    print_message("random: %d frames out, %d super-frames cut\n", out, resolved);
    assert_true(out > 500);
    assert_true(resolved > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csum_matches_reference),
        cmocka_unit_test_setup_teardown(test_needs_csum_completed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_csum_passed_to_capable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tso4_segmented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tso6_segmented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tso_vlan_tagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tso_passed_to_capable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uso, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ufo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_segments_resume_after_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_gso_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_headers_never_crash, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
