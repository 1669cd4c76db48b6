/*
 * test_net_core.c — the frame path (netback/net.c) with two fake clients
 * joined as peers, a backend over a datagram socketpair and a NIC with a
 * fixed number of ring slots: order kept, flow control (the backend's fd
 * stops being polled while the NIC is full, nothing is lost, delivery
 * resumes in order), link down as QEMU (frames dropped both ways, queued
 * ones discarded, set_link on a netdev reaches its NIC), the queue bound
 * for senders that cannot wait, bad frames, filters, freeing a client with
 * frames queued, the NIC side (names, MACs, "in use"), and the monitor's
 * info network / set_link.
 */
#include "tests/unit/test.h"

#include "core/chardev-internal.h"
#include "core/monitor.h"
#include "netback/net-internal.h"
#include "tests/unit/logcap.h"
#include "tests/unit/nettest.h"

typedef struct T {
    Loop *l;
} T;

static int setup(void **state)
{
    T *t = xzalloc(sizeof(*t));
    dev_lock();
    t->l = loop_new();
    net_init(t->l);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    T *t = *state;
    net_reset_all();
    loop_free(t->l);
    net_init(NULL);
    dev_unlock();
    free(t);
    return 0;
}

static void write_frames(FakeBackend *b, uint32_t first, uint32_t count, size_t len)
{
    uint8_t f[2048];
    for (uint32_t i = 0; i < count; i++) {
        numbered_frame(f, first + i, len);
        assert_int_equal(send(b->far, f, len, 0), (ssize_t)len);
    }
}

static void assert_in_order(FakeNic *n, uint32_t first, int count)
{
    assert_int_equal(n->n_rx, count);
    for (int i = 0; i < count; i++)
        assert_int_equal(frame_number(n->rx[i].data), first + (uint32_t)i);
}

static void test_order_kept(void **state)
{
    T *t = *state;
    FakeBackend *b = fake_be_new(t->l, "b0");
    FakeNic *n = fake_nic_new("n0", -1);
    net_client_connect(&b->nc, &n->nc);
    write_frames(b, 0, 300, 60 + 300 % 7);
    run_idle(t->l);
    assert_in_order(n, 0, 300);
    assert_int_equal(net_client_queue_len(&n->nc), 0);
    assert_int_equal(n->nc.rx_frames, 300);
    assert_int_equal(b->nc.tx_frames, 300);
}

static void test_flow_control(void **state)
{
    T *t = *state;
    FakeBackend *b = fake_be_new(t->l, "b0");
    FakeNic *n = fake_nic_new("n0", 5);
    net_client_connect(&b->nc, &n->nc);
    write_frames(b, 0, 23, 64);
    run_idle(t->l);
    /* 5 in the "ring", the 6th waits in the NIC's queue, the backend stopped
     * reading: 17 frames are still in the socket, where they belong. */
    assert_int_equal(n->n_rx, 5);
    assert_int_equal(net_client_queue_len(&n->nc), 1);
    assert_false(b->polling);
    int reads = b->reads;
    run_idle(t->l);
    run_idle(t->l);
    assert_int_equal(b->reads, reads); /* its fd is not polled any more */
    assert_int_equal(n->n_rx, 5);
    assert_int_equal(b->completions, 0);

    /* Each drain lets the queued frame in, completes it, and the backend
     * reads again until the ring is full once more. */
    int rounds = 0;
    while (n->n_rx < 23 && rounds++ < 100) {
        fake_nic_drain(n);
        run_idle(t->l);
    }
    assert_in_order(n, 0, 23);
    assert_int_equal(net_client_queue_len(&n->nc), 0);
    assert_int_equal(n->nc.rx_dropped, 0);
    assert_true(b->completions >= 4);
    fake_nic_drain(n);
    run_idle(t->l);
    assert_true(b->polling);
    /* Nothing was left behind in the socket. */
    uint8_t buf[64];
    assert_true(recv(b->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0);
}

/* A NIC that fills between frames of a burst keeps the order even when
 * new frames arrive while older ones wait. */
static void test_flow_control_interleaved(void **state)
{
    T *t = *state;
    FakeBackend *b = fake_be_new(t->l, "b0");
    FakeNic *n = fake_nic_new("n0", 3);
    net_client_connect(&b->nc, &n->nc);
    uint32_t next = 0;
    for (int round = 0; round < 40; round++) {
        write_frames(b, next, 2 + (uint32_t)round % 5, 80);
        next += 2 + (uint32_t)round % 5;
        run_idle(t->l);
        if (round % 3 == 0)
            fake_nic_drain(n);
    }
    for (int i = 0; i < 200 && n->n_rx < (int)next; i++) {
        fake_nic_drain(n);
        run_idle(t->l);
    }
    assert_in_order(n, 0, (int)next);
}

static void test_nic_tx_reaches_backend(void **state)
{
    T *t = *state;
    FakeBackend *b = fake_be_new(t->l, "b0");
    FakeNic *n = fake_nic_new("n0", -1);
    net_client_connect(&b->nc, &n->nc);
    uint8_t f[128], g[256];
    numbered_frame(f, 7, 100);
    /* Scattered: header and data in separate pieces, as from guest memory. */
    struct iovec iov[3] = {{f, 14}, {f + 14, 50}, {f + 64, 36}};
    assert_int_equal(net_send(&n->nc, iov, 3, NULL, NULL), 100);
    ssize_t r = recv(b->far, g, sizeof(g), MSG_DONTWAIT);
    assert_int_equal(r, 100);
    assert_memory_equal(f, g, 100);
}

static void test_link_down(void **state)
{
    T *t = *state;
    FakeBackend *b = fake_be_new(t->l, "b0");
    FakeNic *n = fake_nic_new("n0", 2);
    net_client_connect(&b->nc, &n->nc);
    Error *err = NULL;

    /* Frames waiting for the NIC when its link goes down are discarded
     * and their sender is released. */
    write_frames(b, 0, 5, 64);
    run_idle(t->l);
    assert_int_equal(n->n_rx, 2);
    assert_int_equal(net_client_queue_len(&n->nc), 1);
    assert_false(b->polling);
    assert_int_equal(net_set_link("n0", false, &err), 0);
    assert_int_equal(n->link_changes, 1);
    assert_int_equal(net_client_queue_len(&n->nc), 0);
    assert_true(b->polling);
    /* While down, the NIC receives nothing (the backend keeps reading and
     * its frames are dropped) and what it sends goes nowhere. */
    fake_nic_drain(n);
    run_idle(t->l);
    assert_int_equal(n->n_rx, 2);
    assert_int_equal(n->nc.rx_dropped, 3);
    uint8_t f[64], g[64];
    numbered_frame(f, 99, 64);
    assert_int_equal(net_send_buf(&n->nc, f, 64, NULL, NULL), 64);
    assert_true(recv(b->far, g, sizeof(g), MSG_DONTWAIT) < 0);
    assert_int_equal(n->nc.tx_dropped, 1);

    /* Up again: frames flow. */
    assert_int_equal(net_set_link("n0", true, &err), 0);
    assert_int_equal(n->link_changes, 2);
    write_frames(b, 10, 2, 64);
    run_idle(t->l);
    assert_int_equal(n->n_rx, 4);
    assert_int_equal(frame_number(n->rx[2].data), 10);

    /* set_link on the backend takes its NIC's link down too (the guest
     * sees it), and frames from the backend are dropped. */
    assert_int_equal(net_set_link("b0", false, &err), 0);
    assert_true(b->nc.link_down);
    assert_true(n->nc.link_down);
    assert_int_equal(n->link_changes, 3);
    fake_nic_drain(n);
    write_frames(b, 20, 3, 64);
    run_idle(t->l);
    assert_int_equal(n->n_rx, 4);
    assert_int_equal(net_set_link("b0", true, &err), 0);
    assert_false(n->nc.link_down);

    assert_int_equal(net_set_link("nosuch", true, &err), -1);
    assert_contains(error_get_msg(err), "Device 'nosuch' not found");
    error_free(err);
}

/* A receiver with its receiver disabled takes and discards: it never holds
 * up the sender. */
static void test_receiver_disabled(void **state)
{
    T *t = *state;
    FakeBackend *b = fake_be_new(t->l, "b0");
    FakeNic *n = fake_nic_new("n0", 0);
    n->drop_all = true;
    net_client_connect(&b->nc, &n->nc);
    write_frames(b, 0, 50, 64);
    run_idle(t->l);
    assert_int_equal(n->dropped, 50);
    assert_true(b->polling);
}

static int sent_calls;
static ssize_t sent_last;
static void count_sent(NetClient *nc, ssize_t len)
{
    sent_calls++;
    sent_last = len;
}

/* A sender without a callback cannot be held back: its frames queue up to
 * the bound, then are dropped and counted. With a callback nothing drops. */
static void test_queue_bound(void **state)
{
    FakeNic *src = fake_nic_new("src", -1);
    FakeNic *dst = fake_nic_new("dst", 0);
    net_client_connect(&src->nc, &dst->nc);
    uint8_t f[64];
    for (uint32_t i = 0; i < NET_QUEUE_MAX + 10; i++) {
        numbered_frame(f, i, 64);
        assert_int_equal(net_send_buf(&src->nc, f, 64, NULL, NULL), 64);
    }
    assert_int_equal(net_client_queue_len(&dst->nc), NET_QUEUE_MAX);
    assert_int_equal(dst->nc.rx_dropped, 10);
    numbered_frame(f, 5000, 64);
    sent_calls = 0;
    assert_int_equal(net_send_buf(&src->nc, f, 64, NULL, count_sent), 0);
    assert_int_equal(net_client_queue_len(&dst->nc), NET_QUEUE_MAX + 1);
    dst->capacity = -1;
    net_client_ready(&dst->nc);
    assert_int_equal(dst->n_rx, NET_QUEUE_MAX + 1);
    assert_int_equal(frame_number(dst->rx[0].data), 0);
    assert_int_equal(frame_number(dst->rx[NET_QUEUE_MAX].data), 5000);
    assert_int_equal(sent_calls, 1);
    assert_int_equal(sent_last, 64);
}

static void test_bad_frames(void **state)
{
    FakeNic *src = fake_nic_new("src", -1);
    FakeNic *dst = fake_nic_new("dst", -1);
    net_client_connect(&src->nc, &dst->nc);
    static uint8_t big[NET_FRAME_MAX + 1];
    logcap_start();
    assert_true(net_send_buf(&src->nc, big, 10, NULL, NULL) < 0);
    assert_true(logcap_has("runt"));
    assert_true(net_send_buf(&src->nc, big, sizeof(big), NULL, NULL) < 0);
    assert_true(logcap_has("too long"));
    /* An offload header that cannot describe the frame. */
    NetOffload off = {.flags = NET_F_NEEDS_CSUM, .csum_start = 50, .csum_offset = 16};
    assert_true(net_send_buf(&src->nc, big, 60, &off, count_sent) < 0);
    assert_true(logcap_has("csum_start/csum_offset beyond the frame"));
    off = (NetOffload){.flags = NET_F_NEEDS_CSUM, .gso_type = 9, .gso_size = 100};
    assert_true(net_send_buf(&src->nc, big, 200, &off, count_sent) < 0);
    assert_true(logcap_has("unknown gso_type"));
    logcap_stop();
    assert_int_equal(dst->n_rx, 0);
    assert_int_equal(src->nc.tx_dropped, 4);
}

/* No peer: the frame goes nowhere and the sender is told it went. */
static void test_no_peer(void **state)
{
    FakeNic *src = fake_nic_new("src", -1);
    uint8_t f[64];
    numbered_frame(f, 1, 64);
    assert_int_equal(net_send_buf(&src->nc, f, 64, NULL, count_sent), 64);
    assert_int_equal(src->nc.tx_dropped, 1);
}

typedef struct CountFilter {
    NetFilter f;
    int frames;
    size_t bytes;
} CountFilter;

static void count_frame(NetFilter *nf, const struct iovec *iov, int iovcnt, size_t len)
{
    CountFilter *c = (CountFilter *)nf;
    c->frames++;
    c->bytes += len;
}

static void count_free(NetFilter *nf)
{
    free(nf->id);
    free(nf);
}

static void test_filters_see_both_ways(void **state)
{
    FakeNic *nic = fake_nic_new("nic", -1);
    FakeNic *be = fake_nic_new("be", -1);
    be->nc.is_nic = false;
    net_client_connect(&nic->nc, &be->nc);
    CountFilter *rx = xzalloc(sizeof(*rx)), *tx = xzalloc(sizeof(*tx)),
                *all = xzalloc(sizeof(*all));
    *rx = (CountFilter){.f = {.id = xstrdup("rx"), .rx = true, .frame = count_frame,
                              .free = count_free}};
    *tx = (CountFilter){.f = {.id = xstrdup("tx"), .tx = true, .frame = count_frame,
                              .free = count_free}};
    *all = (CountFilter){.f = {.id = xstrdup("all"), .rx = true, .tx = true,
                               .frame = count_frame, .free = count_free}};
    net_filter_attach(&be->nc, &rx->f);
    net_filter_attach(&be->nc, &tx->f);
    net_filter_attach(&be->nc, &all->f);
    assert_ptr_equal(net_filter_find("tx"), &tx->f);
    uint8_t f[100];
    numbered_frame(f, 1, 100);
    net_send_buf(&nic->nc, f, 100, NULL, NULL); /* to the backend: its rx */
    net_send_buf(&nic->nc, f, 60, NULL, NULL);
    net_send_buf(&be->nc, f, 80, NULL, NULL);   /* from it: tx */
    assert_int_equal(rx->frames, 2);
    assert_int_equal(rx->bytes, 160);
    assert_int_equal(tx->frames, 1);
    assert_int_equal(tx->bytes, 80);
    assert_int_equal(all->frames, 3);
}

/* Freeing a receiver with frames queued releases their senders; freeing a
 * sender forgets what it queued without calling back into it. */
static void test_free_with_queued_frames(void **state)
{
    FakeNic *a = fake_nic_new("a", -1);
    FakeNic *b = fake_nic_new("b", 0);
    net_client_connect(&a->nc, &b->nc);
    uint8_t f[64];
    numbered_frame(f, 1, 64);
    sent_calls = 0;
    assert_int_equal(net_send_buf(&a->nc, f, 64, NULL, count_sent), 0);
    assert_int_equal(net_send_buf(&a->nc, f, 64, NULL, count_sent), 0);
    net_client_free(&b->nc);
    assert_int_equal(sent_calls, 2);
    assert_int_equal(sent_last, 0);
    assert_null(a->nc.peer);

    FakeNic *c = fake_nic_new("c", 0);
    net_client_connect(&a->nc, &c->nc);
    assert_int_equal(net_send_buf(&a->nc, f, 64, NULL, count_sent), 0);
    sent_calls = 0;
    net_client_free(&a->nc);
    assert_int_equal(net_client_queue_len(&c->nc), 0);
    assert_int_equal(sent_calls, 0);
}

/* A receiver that drains from inside its own receive() (a NIC that
 * finishes a ring and refills it at once) still gets everything in order. */
typedef struct ReentrantNic {
    FakeNic n;
    int depth, max_depth;
} ReentrantNic;

static ssize_t reentrant_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                                 const NetOffload *off)
{
    ReentrantNic *r = (ReentrantNic *)nc;
    ssize_t ret = fake_nic_receive(nc, iov, iovcnt, off);
    if (ret > 0 && r->n.held == r->n.capacity) {
        r->depth++;
        r->max_depth = MAX(r->max_depth, r->depth);
        r->n.held = 0;
        net_client_ready(nc);
        r->depth--;
    }
    return ret;
}

static const NetClientOps reentrant_ops = {
    .type = "nic", .size = sizeof(ReentrantNic), .receive = reentrant_receive,
    .can_receive = fake_nic_can_receive, .cleanup = fake_nic_cleanup,
};

static void test_ready_from_receive(void **state)
{
    FakeNic *src = fake_nic_new("src", -1);
    ReentrantNic *r = net_client_new(&reentrant_ops, "fake-nic", "re");
    r->n.capacity = 0;
    net_client_connect(&src->nc, &r->n.nc);
    uint8_t f[64];
    for (uint32_t i = 0; i < 10; i++) {
        numbered_frame(f, i, 64);
        net_send_buf(&src->nc, f, 64, NULL, NULL);
    }
    r->n.capacity = 2;
    net_client_ready(&r->n.nc);
    assert_in_order(&r->n, 0, 10);
    assert_int_equal(r->max_depth, 1);
}

/* ---- the NIC side, info network, set_link ----------------------------- */

static const DeviceType fake_nic_dt = {.name = "fake-nic", .category = "network",
                                       .instance_size = sizeof(Device)};

static Monitor *mon;
static Chardev *mon_chr;

static const char *mon_run(const char *line)
{
    static char out[8192];
    size_t n = chardev_ringbuf_read(mon_chr, (uint8_t *)out, sizeof(out) - 1);
    monitor_run_line(mon, line);
    n = chardev_ringbuf_read(mon_chr, (uint8_t *)out, sizeof(out) - 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] != '\r')
            out[k++] = out[i];
    out[k] = 0;
    return out;
}

static void mon_open(Loop *l)
{
    ChrRingbufConfig cfg = {.size = 64 * 1024};
    Error *err = NULL;
    mon_chr = chardev_new_backend(l, &chr_backend_ringbuf, "mon0", &cfg, &err);
    mon = monitor_new(l, mon_chr, &err);
    assert_non_null(mon);
}

static void mon_close(void)
{
    monitor_free(mon);
    chardev_cleanup_all();
}

static void test_nic_api_and_info_network(void **state)
{
    T *t = *state;
    Device d1 = {.type = &fake_nic_dt}, d2 = {.type = &fake_nic_dt, .id = "mynic"},
           d3 = {.type = &fake_nic_dt};
    MACAddr m1 = {0}, m2 = {.a = {0x52, 0x54, 0, 0xab, 0xcd, 0xef}, .set = true}, m3 = {0};
    FakeBackend *b = fake_be_new(t->l, "net0");
    Error *err = NULL;
    NetClient *n1 = nic_new(&d1, &fake_nic_ops, &m1, &b->nc, &err);
    assert_non_null(n1);
    assert_ptr_equal(b->nc.peer, n1);
    assert_string_equal(n1->name, "fake-nic.0");
    assert_int_equal(m1.a[0], 0x52);
    assert_int_equal(m1.a[1], 0x54);
    assert_int_equal(m1.a[3], 0x12); /* 52:54:00:12:34:xx, QEMU's default range */
    /* The netdev already has its NIC. */
    assert_null(nic_new(&d2, &fake_nic_ops, &m2, &b->nc, &err));
    assert_contains(error_get_msg(err), "Property 'fake-nic.netdev' can't take value 'net0', "
                                        "it's in use");
    error_free(err);
    err = NULL;
    NetClient *n2 = nic_new(&d2, &fake_nic_ops, &m2, NULL, &err);
    assert_string_equal(n2->name, "mynic");
    NetClient *n3 = nic_new(&d3, &fake_nic_ops, &m3, NULL, &err);
    assert_string_equal(n3->name, "fake-nic.2");
    assert_int_equal(m3.a[5], (uint8_t)(m1.a[5] + 1));
    assert_null(netdev_find("mynic")); /* NICs are not netdevs */
    assert_ptr_equal(netdev_find("net0"), &b->nc);

    mon_open(t->l);
    char want[256];
    snprintf(want, sizeof(want),
             "fake-nic.0: index=0,type=nic,model=fake-nic,macaddr=52:54:00:12:34:%02x\n"
             " \\ net0: index=0,type=fake\n"
             "mynic: index=0,type=nic,model=fake-nic,macaddr=52:54:00:ab:cd:ef\n",
             m1.a[5]);
    const char *out = mon_run("info network");
    assert_contains(out, want);
    assert_contains(mon_run("set_link mynic off"), "");
    assert_true(n2->link_down);
    assert_contains(mon_run("info network"), "mynic: index=0,type=nic,model=fake-nic,"
                                             "macaddr=52:54:00:ab:cd:ef,link=down\n");
    assert_contains(mon_run("set_link mynic maybe"), "Expected 'on' or 'off'");
    assert_contains(mon_run("set_link nosuch on"), "Error: Device 'nosuch' not found");
    mon_run("set_link mynic on");
    assert_false(n2->link_down);
    uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    nic_set_mac(n2, mac);
    assert_contains(mon_run("info network"), "macaddr=02:00:00:00:00:01");
    mon_close();
    nic_free(n1);
    assert_null(b->nc.peer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_control_interleaved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nic_tx_reaches_backend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receiver_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_see_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_with_queued_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ready_from_receive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nic_api_and_info_network, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
