/*
 * test_net_hub.c — hubs (netback/hub.c): fan-out to every other port in
 * order; a slow port holds the hub back (the backend stops polling) and
 * nothing is dropped; a stalled port is given up on so the others go on,
 * and its overflow is dropped and counted at its own queue; a port whose
 * NIC's link is down does not hold anyone; offload resolved per port;
 * hubs joined in a circle; -netdev hubport errors; info network and the
 * warnings for half-configured hubs.
 */
#include "tests/unit/test.h"

#include "core/chardev-internal.h"
#include "core/monitor.h"
#include "netback/net-internal.h"
#include "tests/unit/netpkt.h"
#include "tests/unit/nettest.h"

static Loop *loop;

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    return 0;
}

static int teardown(void **state)
{
    net_reset_all();
    loop_free(loop);
    net_init(NULL);
    dev_unlock();
    return 0;
}

static NetClient *port(int hub, const char *name)
{
    Error *err = NULL;
    NetClient *p = net_hub_port_new(hub, name, &err);
    assert_non_null(p);
    return p;
}

static FakeNic *nic_on(int hub, const char *name, int capacity)
{
    FakeNic *n = fake_nic_new(name, capacity);
    net_client_connect(port(hub, NULL), &n->nc);
    return n;
}

static void write_frames(FakeBackend *b, uint32_t first, uint32_t count)
{
    uint8_t f[128];
    for (uint32_t i = 0; i < count; i++) {
        numbered_frame(f, first + i, 100);
        assert_int_equal(send(b->far, f, 100, 0), 100);
    }
}

static void assert_got(FakeNic *n, uint32_t count)
{
    assert_int_equal(n->n_rx, (int)count);
    for (uint32_t i = 0; i < count; i++)
        assert_int_equal(frame_number(n->rx[i].data), i);
}

static void test_fan_out(void **state)
{
    FakeNic *n[4];
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof(name), "n%d", i);
        n[i] = nic_on(1, name, -1);
    }
    FakeBackend *b = fake_be_new(loop, "b");
    net_client_connect(port(1, NULL), &b->nc);
    write_frames(b, 0, 50);
    run_idle(loop);
    for (int i = 0; i < 4; i++)
        assert_got(n[i], 50);
    /* A NIC's frame reaches the backend and the other NICs, not itself. */
    uint8_t f[100], g[200];
    numbered_frame(f, 1000, 100);
    assert_int_equal(net_send_buf(&n[2]->nc, f, 100, NULL, NULL), 100);
    assert_int_equal(recv(b->far, g, sizeof(g), MSG_DONTWAIT), 100);
    assert_int_equal(n[0]->n_rx, 51);
    assert_int_equal(n[1]->n_rx, 51);
    assert_int_equal(n[2]->n_rx, 50);
    assert_int_equal(n[3]->n_rx, 51);
    assert_int_equal(frame_number(n[3]->rx[50].data), 1000);
    /* A port without a peer is skipped; another hub hears nothing. */
    port(1, "lonely");
    FakeNic *other = nic_on(2, "other", -1);
    write_frames(b, 50, 1);
    run_idle(loop);
    assert_int_equal(n[0]->n_rx, 52);
    assert_int_equal(other->n_rx, 0);
}

static void test_slow_port_holds_hub(void **state)
{
    FakeNic *fast1 = nic_on(1, "fast1", -1);
    FakeNic *slow = nic_on(1, "slow", 2);
    FakeNic *fast2 = nic_on(1, "fast2", -1);
    FakeBackend *b = fake_be_new(loop, "b");
    net_client_connect(port(1, NULL), &b->nc);
    write_frames(b, 0, 300);
    run_idle(loop);
    /* The slow NIC took 2 and has a backlog; the hub stopped taking frames
     * and so the backend stopped reading. */
    assert_false(b->polling);
    assert_true(fast1->n_rx < 300);
    assert_int_equal(fast1->n_rx, fast2->n_rx);
    assert_int_equal(slow->n_rx, 2);
    assert_true(net_client_queue_len(&slow->nc) > 0);
    int reads = b->reads;
    run_idle(loop);
    assert_int_equal(b->reads, reads);
    /* Draining the slow NIC lets everything through, in order. */
    for (int i = 0; i < 1000 && slow->n_rx < 300; i++) {
        fake_nic_drain(slow);
        run_idle(loop);
    }
    assert_got(fast1, 300);
    assert_got(fast2, 300);
    assert_got(slow, 300);
    assert_int_equal(fast1->nc.rx_dropped + slow->nc.rx_dropped + fast2->nc.rx_dropped, 0);
    fake_nic_drain(slow);
    run_idle(loop);
    assert_true(b->polling);
}

/* A NIC that never drains (a guest that posts no receive buffers) is given
 * up on after a while: the others get everything, its overflow is dropped
 * and counted at its queue, and it is live again once it drains. */
static void test_stalled_port_given_up(void **state)
{
    FakeNic *fast = nic_on(1, "fast", -1);
    FakeNic *stuck = nic_on(1, "stuck", 2);
    FakeBackend *b = fake_be_new(loop, "b");
    net_client_connect(port(1, NULL), &b->nc);
    const uint32_t total = 2000;
    write_frames(b, 0, total);
    /* Run the loop, waiting as it would, until the fast NIC has all; the
     * bound only keeps a broken build from hanging. */
    for (int i = 0; i < 400 && fast->n_rx < (int)total; i++)
        loop_run_once(loop, 50 * 1000000LL);
    assert_got(fast, total);
    assert_int_equal(stuck->n_rx, 2);
    assert_true(stuck->nc.rx_dropped > 0);
    uint64_t dropped = stuck->nc.rx_dropped;
    for (int i = 0; i < 2000 && net_client_queue_len(&stuck->nc); i++) {
        fake_nic_drain(stuck);
        run_idle(loop);
    }
    /* Every frame either reached it, in order, or was counted as dropped. */
    assert_int_equal((uint64_t)stuck->n_rx + dropped, total);
    for (int i = 1; i < stuck->n_rx; i++)
        assert_true(frame_number(stuck->rx[i].data) > frame_number(stuck->rx[i - 1].data));
    /* Live again: new frames reach both without loss. */
    fake_nic_forget(stuck);
    stuck->capacity = -1;
    fake_nic_drain(stuck);
    int before = fast->n_rx;
    write_frames(b, total, 10);
    run_idle(loop);
    assert_int_equal(fast->n_rx, before + 10);
    assert_int_equal(stuck->n_rx, 10);
    assert_int_equal(stuck->nc.rx_dropped, dropped);
}

static void test_link_down_port_does_not_hold(void **state)
{
    FakeNic *up = nic_on(1, "up", -1);
    FakeNic *down = nic_on(1, "down", 0);
    FakeBackend *b = fake_be_new(loop, "b");
    net_client_connect(port(1, NULL), &b->nc);
    Error *err = NULL;
    assert_int_equal(net_set_link("down", false, &err), 0);
    write_frames(b, 0, 500);
    run_idle(loop);
    assert_got(up, 500);
    assert_int_equal(down->n_rx, 0);
    assert_int_equal(down->nc.rx_dropped, 500);
    assert_true(b->polling);
}

/* One TSO super-frame from a NIC: a port whose peer takes TSO gets it
 * whole, the others get it cut for them. */
static void test_offload_per_port(void **state)
{
    static const uint8_t ma[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    static const uint8_t mb[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x57};
    FakeNic *sender = nic_on(1, "sender", -1);
    FakeNic *tso = nic_on(1, "tso", -1);
    FakeNic *plain = nic_on(1, "plain", -1);
    tso->nc.rx_caps = NET_CAP_CSUM | NET_CAP_TSO4;
    static uint8_t f[20000], payload[6000];
    memset(payload, 0xab, sizeof(payload));
    TpTcp t = {.sport = 1, .dport = 2, .seq = 1, .flags = TP_ACK};
    size_t n = tp_tcp4(f, mb, ma, 1, 2, &t, 0, payload, sizeof(payload), 1);
    NetOffload off = {.flags = NET_F_NEEDS_CSUM, .gso_type = NET_GSO_TCPV4, .gso_size = 1460,
                      .csum_start = 34, .csum_offset = 16};
    net_send_buf(&sender->nc, f, n, &off, NULL);
    assert_int_equal(tso->n_rx, 1);
    assert_int_equal(tso->rx[0].off.gso_type, NET_GSO_TCPV4);
    assert_int_equal(plain->n_rx, 5);
    for (int i = 0; i < 5; i++) {
        TpPkt p;
        assert_true(tp_parse(plain->rx[i].data, plain->rx[i].len, &p));
        assert_true(p.ip_csum_ok && p.l4_csum_ok);
    }
}

static FakeNic *loop_nic;

static void send_into_loop(void)
{
    uint8_t f[64];
    numbered_frame(f, 1, 64);
    assert_int_equal(net_send_buf(&loop_nic->nc, f, 64, NULL, NULL), 64); /* returns */
}

static void test_hub_loop_survived(void **state)
{
    NetClient *a1 = port(1, NULL), *a2 = port(1, NULL);
    NetClient *b1 = port(2, NULL), *b2 = port(2, NULL);
    net_client_connect(a1, b1);
    net_client_connect(a2, b2);
    loop_nic = nic_on(1, "n", -1);
    char *w = capture_stderr(send_into_loop);
    assert_contains(w, "frames go round in a loop");
    free(w);
    assert_true(loop_nic->n_rx > 0); /* the storm reached it; it stopped */
}

static int create_netdev(const char *text, Error **errp)
{
    Opts *o = opts_parse("-netdev", text, "type", errp);
    if (!o)
        return -1;
    int r = netdev_create_from_opts(o, errp);
    opts_free(o);
    return r;
}

static void expect_netdev_error(const char *text, const char *msg)
{
    Error *err = NULL;
    assert_int_equal(create_netdev(text, &err), -1);
    assert_contains(error_get_msg(err), msg);
    error_free(err);
}

static void test_hubport_option(void **state)
{
    Error *err = NULL;
    FakeBackend *b = fake_be_new(loop, "u");
    expect_netdev_error("hubport,id=h0", "Parameter 'hubid' is missing");
    expect_netdev_error("hubport,id=h0,hubid=x", "Parameter 'hubid' expects a hub number");
    expect_netdev_error("hubport,id=h0,hubid=1,netdev=zz", "netdev 'zz' not found");
    assert_int_equal(create_netdev("hubport,id=h0,hubid=1,netdev=u", &err), 0);
    assert_ptr_equal(b->nc.peer, netdev_find("h0"));
    expect_netdev_error("hubport,id=h1,hubid=2,netdev=u",
                        "Property 'hubport.netdev' can't take value 'u', it's in use");
    expect_netdev_error("hubport,id=h0,hubid=3", "Duplicate ID 'h0' for netdev");
    assert_int_equal(create_netdev("hubport,id=h2,hubid=1", &err), 0);
}

static Monitor *mon;
static Chardev *mon_chr;

static const char *mon_run(const char *line)
{
    static char out[8192];
    chardev_ringbuf_read(mon_chr, (uint8_t *)out, sizeof(out) - 1);
    monitor_run_line(mon, line);
    size_t n = chardev_ringbuf_read(mon_chr, (uint8_t *)out, sizeof(out) - 1), k = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] != '\r')
            out[k++] = out[i];
    out[k] = 0;
    return out;
}

static void check_warnings(void)
{
    net_check_clients();
}

static void test_info_network_and_warnings(void **state)
{
    nic_on(1, "n1", -1);
    FakeBackend *b = fake_be_new(loop, "b");
    net_client_connect(port(1, "hp"), &b->nc);
    port(1, "loose");
    nic_on(2, "only-nic", -1);
    FakeBackend *c = fake_be_new(loop, "c");
    net_client_connect(port(3, NULL), &c->nc);
    ChrRingbufConfig cfg = {.size = 64 * 1024};
    Error *err = NULL;
    mon_chr = chardev_new_backend(loop, &chr_backend_ringbuf, "mon0", &cfg, &err);
    mon = monitor_new(loop, mon_chr, &err);
    const char *out = mon_run("info network");
    assert_contains(out, "hub 1\n"
                         " \\ loose\n"
                         " \\ hp: b: index=0,type=fake\n"
                         " \\ hub1port0: n1: index=0,type=nic,model=fake-nic\n"
                         "hub 2\n"
                         " \\ hub2port0: only-nic: index=0,type=nic,model=fake-nic\n"
                         "hub 3\n"
                         " \\ hub3port0: c: index=0,type=fake\n");
    assert_true(strstr(out, "\nb:") == NULL); /* not listed again */
    monitor_free(mon);
    chardev_cleanup_all();

    char *w = capture_stderr(check_warnings);
    assert_contains(w, "warning: hub port loose has no peer\n");
    assert_contains(w, "warning: hub 2 is not connected to host network\n");
    assert_contains(w, "warning: hub 3 with no nics\n");
    assert_contains(w, "warning: netdev loose has no peer\n");
    assert_true(strstr(w, "hub 1 ") == NULL);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fan_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_port_holds_hub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stalled_port_given_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_down_port_does_not_hold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offload_per_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hub_loop_survived, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hubport_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_info_network_and_warnings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
