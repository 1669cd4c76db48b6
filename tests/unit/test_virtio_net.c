/*
 * test_virtio_net.c — nic/virtio-net.c driven by a C driver
 * (tests/unit/vnet_driver.h) over virtio-pci (modern, and legacy through
 * the transitional device's I/O BAR) and virtio-mmio (version 2 and legacy
 * version 1), with a test backend on the other side of the frame path:
 * feature negotiation and the configuration (MAC, STATUS, MQ, MTU, speed);
 * transmission of frames of many sizes and layouts, in order; reception
 * with and without MRG_RXBUF; flow control both ways; transmit offloads
 * resolved for a plain backend and passed through to an offload-capable
 * one; receive offloads (DATA_VALID, NEEDS_CSUM, super-frames) and
 * CTRL_GUEST_OFFLOADS; the control queue's RX modes, MAC and VLAN tables;
 * link state through set_link; a stopped machine; reset; what a hostile
 * driver can put in headers and chains; and the same data path on packed
 * virtqueues.
 */
#include "tests/unit/test.h"

#include "tests/unit/logcap.h"
#include "tests/unit/netpkt.h"
#include "tests/unit/nettest.h"
#include "tests/unit/vnet_driver.h"

/* ---- a backend the tests control ------------------------------------------------------- */

/* Frames from the NIC are kept (with their offload metadata); `capacity`
 * frames fit before receive() says "no room" (<0: unlimited). Frames to
 * the NIC are sent with a completion callback; `blocked` while one waits. */
typedef struct TBe {
    NetClient nc;
    int capacity, held;
    FakeFrame rx[FAKE_MAX_FRAMES];
    int n_rx;
    int completions;
    int pending;        /* frames queued at the NIC, not yet completed */
    bool blocked;       /* pending > 0: a real backend would stop reading */
} TBe;

static ssize_t tbe_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                           const NetOffload *off)
{
    TBe *b = (TBe *)nc;
    size_t len = 0;
    for (int i = 0; i < iovcnt; i++)
        len += iov[i].iov_len;
    if (b->capacity >= 0 && b->held >= b->capacity)
        return 0;
    if (b->n_rx < FAKE_MAX_FRAMES) {
        FakeFrame *f = &b->rx[b->n_rx++];
        f->data = xmalloc(len);
        f->len = len;
        f->off = *off;
        size_t at = 0;
        for (int i = 0; i < iovcnt; i++) {
            memcpy(f->data + at, iov[i].iov_base, iov[i].iov_len);
            at += iov[i].iov_len;
        }
    }
    b->held++;
    return (ssize_t)len;
}

static bool tbe_can_receive(NetClient *nc)
{
    TBe *b = (TBe *)nc;
    return b->capacity < 0 || b->held < b->capacity;
}

static void tbe_forget(TBe *b)
{
    for (int i = 0; i < b->n_rx; i++)
        free(b->rx[i].data);
    b->n_rx = 0;
}

static void tbe_cleanup(NetClient *nc)
{
    tbe_forget((TBe *)nc);
}

static const NetClientOps tbe_ops = {
    .type = "test",
    .size = sizeof(TBe),
    .receive = tbe_receive,
    .can_receive = tbe_can_receive,
    .cleanup = tbe_cleanup,
};

static void tbe_sent(NetClient *nc, ssize_t len)
{
    TBe *b = (TBe *)nc;
    b->completions++;
    b->pending--;
    b->blocked = b->pending > 0;
}

/* Sends a frame to the NIC; returns net_send's answer. */
static ssize_t tbe_send(TBe *b, const void *f, size_t len, const NetOffload *off)
{
    ssize_t r = net_send_buf(&b->nc, f, len, off, tbe_sent);
    if (r == 0) {
        b->pending++;
        b->blocked = true;
    }
    return r;
}

/* The guest took everything: room for `capacity` more. */
static void tbe_drain(TBe *b)
{
    b->held = 0;
    net_client_ready(&b->nc);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static Loop *loop;
static TBe *be;
static VDrv D;

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    logcap_start();
    be = net_client_new(&tbe_ops, "test", "be0");
    be->capacity = -1;
    return 0;
}

static int teardown(void **state)
{
    run_idle(loop);
    logcap_stop();
    net_reset_all();
    be = NULL;
    /* The old device's bottom halves and timers go with the loop; the
     * device itself is never touched again. */
    loop_free(loop);
    loop = NULL;
    net_init(NULL);
    dev_unlock();
    return 0;
}

static VirtIONet *mk(VdKind kind, const char *const *props)
{
    const char *all[64];
    int n = 0;
    bool netdev = false;
    for (int i = 0; props && props[i]; i += 2)
        netdev |= !strcmp(props[i], "netdev");
    if (!netdev) {
        /* A fresh backend when the current one has its NIC already (the
         * earlier machine keeps its own), with the same settings. */
        if (be->nc.peer) {
            static int seq;
            char name[32];
            snprintf(name, sizeof(name), "be0.%d", ++seq);
            TBe *nb = net_client_new(&tbe_ops, "test", name);
            nb->capacity = be->capacity;
            nb->nc.rx_caps = be->nc.rx_caps;
            nb->nc.tx_caps = be->nc.tx_caps;
            be = nb;
        }
        all[n++] = "netdev";
        all[n++] = be->nc.name;
    }
    bool mac = false;
    for (int i = 0; props && props[i]; i += 2)
        mac |= !strcmp(props[i], "mac");
    if (!mac) {
        all[n++] = "mac";
        all[n++] = "52:54:00:12:34:56";   /* guest_mac */
    }
    for (int i = 0; props && props[i]; i++)
        all[n++] = props[i];
    all[n] = NULL;
    Error *err = NULL;
    VirtIONet *v = vd_make(&D, kind, all, &err);
    if (!v)
        fail_msg("%s: %s", vd_kind_names[kind], error_get_msg(err));
    free(logcap_take());
    return v;
}

static const VdKind all_kinds[] = {VD_PCI_MODERN, VD_PCI_LEGACY, VD_MMIO_V2, VD_MMIO_V1};

/* What a modern Linux driver asks for (VERSION_1 and the ring features
 * are dropped for legacy interfaces by the driver helpers). */
static const uint64_t F_LINUX =
    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
    VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VNET_F_MAC) | VIRTIO_BIT(VNET_F_STATUS) |
    VIRTIO_BIT(VNET_F_MRG_RXBUF) | VIRTIO_BIT(VNET_F_CSUM) | VIRTIO_BIT(VNET_F_HOST_TSO4) |
    VIRTIO_BIT(VNET_F_HOST_TSO6) | VIRTIO_BIT(VNET_F_HOST_ECN) | VIRTIO_BIT(VNET_F_HOST_UFO) |
    VIRTIO_BIT(VNET_F_GUEST_CSUM) | VIRTIO_BIT(VNET_F_GUEST_TSO4) |
    VIRTIO_BIT(VNET_F_GUEST_TSO6) | VIRTIO_BIT(VNET_F_GUEST_ECN) |
    VIRTIO_BIT(VNET_F_GUEST_UFO) | VIRTIO_BIT(VNET_F_CTRL_VQ) | VIRTIO_BIT(VNET_F_CTRL_RX) |
    VIRTIO_BIT(VNET_F_CTRL_VLAN) | VIRTIO_BIT(VNET_F_GUEST_ANNOUNCE) |
    VIRTIO_BIT(VNET_F_CTRL_MAC_ADDR) | VIRTIO_BIT(VNET_F_CTRL_GUEST_OFFLOADS) |
    VIRTIO_BIT(VNET_F_MQ) | VIRTIO_BIT(VNET_F_MTU) | VIRTIO_BIT(VNET_F_SPEED_DUPLEX);

static const uint64_t F_MINIMAL =
    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VNET_F_MAC);

#define BIT(f) VIRTIO_BIT(f)

static void settle(void)
{
    run_idle(loop);
}

/* A numbered frame from the backend to the guest's MAC (or to `dst`). */
static size_t frame_to(uint8_t *f, const uint8_t dst[6], uint32_t n, size_t len)
{
    numbered_frame(f, n, len);
    memcpy(f, dst, 6);
    return len;
}

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* ---- features and configuration ------------------------------------------------------------ */

static void test_features_and_config(void **state)
{
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        VdKind kind = all_kinds[k];
        mk(kind, (const char *const[]){"mac", "52:54:00:12:34:56", NULL});
        uint64_t f = vd_dev_features(&D);
        bool legacy_if = kind == VD_PCI_LEGACY || kind == VD_MMIO_V1;
        uint64_t want = BIT(VNET_F_MAC) | BIT(VNET_F_STATUS) | BIT(VNET_F_CSUM) |
                        BIT(VNET_F_HOST_TSO4) | BIT(VNET_F_HOST_TSO6) | BIT(VNET_F_HOST_ECN) |
                        BIT(VNET_F_HOST_UFO) | BIT(VNET_F_MRG_RXBUF) | BIT(VNET_F_CTRL_VQ) |
                        BIT(VNET_F_CTRL_RX) | BIT(VNET_F_CTRL_RX_EXTRA) |
                        BIT(VNET_F_CTRL_VLAN) | BIT(VNET_F_GUEST_ANNOUNCE) |
                        BIT(VNET_F_CTRL_MAC_ADDR) | BIT(VNET_F_CTRL_GUEST_OFFLOADS);
        if (!legacy_if)
            want |= BIT(VNET_F_HOST_USO);   /* bit 56: invisible to a legacy driver */
        assert_int_equal(f & want, want);
        /* The test backend's frames carry no offload: no GUEST_* offers. */
        assert_int_equal(f & (BIT(VNET_F_GUEST_CSUM) | BIT(VNET_F_GUEST_TSO4) |
                              BIT(VNET_F_GUEST_TSO6) | BIT(VNET_F_GUEST_UFO)), 0);
        /* Not offered without their properties. */
        assert_int_equal(f & (BIT(VNET_F_MQ) | BIT(VNET_F_MTU) | BIT(VNET_F_SPEED_DUPLEX)), 0);
        /* The legacy GSO bit exists on legacy interfaces only; VERSION_1 on
         * modern ones. */
        assert_int_equal(!!(f & BIT(VNET_F_GSO)), legacy_if);
        assert_int_equal(!!(f & BIT(VIRTIO_F_VERSION_1)), !legacy_if);
        /* Config: mac and status (link up). */
        for (int i = 0; i < 6; i++)
            assert_int_equal(vd_cfg(&D, VNET_CFG_MAC + (unsigned)i, 1), guest_mac[i]);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), VNET_S_LINK_UP);
        /* Past the status field there is nothing (no MQ, MTU, speed). */
        assert_int_equal(vd_cfg(&D, VNET_CFG_MAX_PAIRS, 2), 0);
        assert_true(logcap_has("outside the 8-byte device configuration space"));
        /* A minimal driver (§5.1.5: "only accept MAC"). */
        uint64_t got = vd_up(&D, F_MINIMAL, 256, 4, 1526);
        assert_int_equal(got & ~(BIT(VIRTIO_F_VERSION_1)), BIT(VNET_F_MAC));
        assert_int_equal(D.n->hdr_len, legacy_if ? 10 : 12);
        assert_false(D.n->mergeable);
    }
}

static void test_feature_properties(void **state)
{
    mk(VD_PCI_MODERN, (const char *const[]){"csum", "off", "ctrl_vq", "off", "status", "off",
                                            "mrg_rxbuf", "off", NULL});
    uint64_t f = vd_dev_features(&D);
    assert_int_equal(f & (BIT(VNET_F_CSUM) | BIT(VNET_F_HOST_TSO4) | BIT(VNET_F_HOST_TSO6) |
                          BIT(VNET_F_HOST_UFO) | BIT(VNET_F_HOST_USO) | BIT(VNET_F_HOST_ECN) |
                          BIT(VNET_F_CTRL_VQ) | BIT(VNET_F_CTRL_RX) | BIT(VNET_F_CTRL_VLAN) |
                          BIT(VNET_F_GUEST_ANNOUNCE) | BIT(VNET_F_STATUS) |
                          BIT(VNET_F_MRG_RXBUF)), 0);
    assert_int_equal(D.n->vdev.config_len, 6);
    assert_int_equal(D.n->vdev.nvq, 2);     /* no control queue */

    /* mq=on on a one-queue backend: offered, with one pair (QEMU's way). */
    mk(VD_PCI_MODERN, (const char *const[]){"mq", "on", "host_mtu", "9000", "speed", "10000",
                                            "duplex", "full", NULL});
    f = vd_dev_features(&D);
    assert_true(f & BIT(VNET_F_MQ));
    assert_true(f & BIT(VNET_F_MTU));
    assert_true(f & BIT(VNET_F_SPEED_DUPLEX));
    assert_int_equal(vd_cfg(&D, VNET_CFG_MAX_PAIRS, 2), 1);
    assert_int_equal(vd_cfg(&D, VNET_CFG_MTU, 2), 9000);
    assert_int_equal(vd_cfg(&D, VNET_CFG_SPEED, 4), 10000);
    assert_int_equal(vd_cfg(&D, VNET_CFG_DUPLEX, 1), 0x01);
    assert_int_equal(D.n->vdev.nvq, 3);
    mk(VD_MMIO_V2, (const char *const[]){"duplex", "half", NULL});
    assert_int_equal(vd_cfg(&D, VNET_CFG_SPEED, 4), 0xffffffffu);
    assert_int_equal(vd_cfg(&D, VNET_CFG_DUPLEX, 1), 0x00);

    /* Queue sizes: powers of two from 256 to 1024, taken as the maximum. */
    mk(VD_PCI_MODERN, (const char *const[]){"rx_queue_size", "1024", "tx_queue_size", "512",
                                            NULL});
    vd_wr(&D, D.common + VDC_QSEL, 2, 0);
    assert_int_equal(vd_rd(&D, D.common + VDC_QSIZE, 2), 1024);
    vd_wr(&D, D.common + VDC_QSEL, 2, 1);
    assert_int_equal(vd_rd(&D, D.common + VDC_QSIZE, 2), 512);
    Error *err = NULL;
    assert_null(vd_make(&D, VD_PCI_MODERN, (const char *const[]){"rx_queue_size", "300",
                                                                NULL}, &err));
    assert_contains(error_get_msg(err), "Invalid rx_queue_size (= 300), must be a power of 2 "
                                        "between 256 and 1024");
    error_free(err);
    err = NULL;
    assert_null(vd_make(&D, VD_PCI_MODERN, (const char *const[]){"tx_queue_size", "2048",
                                                                NULL}, &err));
    assert_contains(error_get_msg(err), "'tx_queue_size' must be between 256 and 1024");
    error_free(err);
    err = NULL;
    assert_null(vd_make(&D, VD_PCI_MODERN, (const char *const[]){"mq", "on", "ctrl_vq", "off",
                                                                NULL}, &err));
    assert_contains(error_get_msg(err), "mq=on needs ctrl_vq=on");
    error_free(err);
    err = NULL;
    assert_null(vd_make(&D, VD_PCI_MODERN, (const char *const[]){"host_mtu", "20", NULL},
                        &err));
    assert_contains(error_get_msg(err), "host_mtu=20");
    error_free(err);
    err = NULL;
    assert_null(vd_make(&D, VD_PCI_MODERN, (const char *const[]){"duplex", "quarter", NULL},
                        &err));
    assert_contains(error_get_msg(err), "does not accept 'quarter' (valid: unknown, half, "
                                        "full)");
    error_free(err);
    /* A backend that already has a NIC is refused, with QEMU's words. */
    mk(VD_PCI_MODERN, NULL);
    err = NULL;
    assert_null(vd_make(&D, VD_MMIO_V2, (const char *const[]){"netdev", be->nc.name, NULL},
                        &err));
    assert_contains(error_get_msg(err), "it's in use");
    error_free(err);
}

/* Receive offloads are offered when the peer's frames can carry them, and
 * a set breaking §5.1.3.1 is refused. */
static void test_guest_offload_features(void **state)
{
    be->nc.tx_caps = NET_CAP_ALL;
    mk(VD_PCI_MODERN, NULL);
    uint64_t f = vd_dev_features(&D);
    uint64_t guest = BIT(VNET_F_GUEST_CSUM) | BIT(VNET_F_GUEST_TSO4) | BIT(VNET_F_GUEST_TSO6) |
                     BIT(VNET_F_GUEST_ECN) | BIT(VNET_F_GUEST_UFO);
    assert_int_equal(f & guest, guest);
    /* GUEST_TSO4 without GUEST_CSUM, HOST_TSO4 without CSUM, CTRL_RX
     * without CTRL_VQ: FEATURES_OK is refused. */
    static const uint64_t bad[] = {
        BIT(VNET_F_GUEST_TSO4), BIT(VNET_F_HOST_TSO4), BIT(VNET_F_CTRL_RX),
        BIT(VNET_F_GUEST_CSUM) | BIT(VNET_F_GUEST_ECN),
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(vd_negotiate(&D, BIT(VIRTIO_F_VERSION_1) | bad[i]));
        assert_true(logcap_has("lack what they require"));
    }
    assert_true(vd_negotiate(&D, BIT(VIRTIO_F_VERSION_1) | guest | BIT(VNET_F_CSUM) |
                                     BIT(VNET_F_HOST_TSO4)));
    assert_int_equal(D.n->nc->rx_caps, NET_CAP_CSUM | NET_CAP_TSO4 | NET_CAP_TSO6 |
                                           NET_CAP_ECN | NET_CAP_UFO);
    /* guest_csum=off withdraws every GUEST_* offer; guest_tso4=off one. */
    TBe *b1 = net_client_new(&tbe_ops, "test", "be1");
    b1->nc.tx_caps = NET_CAP_ALL;
    mk(VD_MMIO_V2, (const char *const[]){"netdev", "be1", "guest_csum", "off", NULL});
    assert_int_equal(vd_dev_features(&D) & guest, 0);
    TBe *b2 = net_client_new(&tbe_ops, "test", "be2");
    b2->nc.tx_caps = NET_CAP_ALL & ~NET_CAP_UFO;
    mk(VD_MMIO_V2, (const char *const[]){"netdev", "be2", "guest_tso4", "off", NULL});
    assert_int_equal(vd_dev_features(&D) & guest,
                     BIT(VNET_F_GUEST_CSUM) | BIT(VNET_F_GUEST_TSO6) | BIT(VNET_F_GUEST_ECN));
}


/* ---- transmit ---------------------------------------------------------------------------- */

/* Frames of many sizes, one descriptor or split (header alone, the frame
 * in two), arrive at the backend whole and in order, on every interface. */
static void test_tx_sizes_in_order(void **state)
{
    static const size_t sizes[] = {18, 19, 60, 64, 127, 128, 1000, 1514, 1518, 4096, 9014,
                                   16384, 32768, 65000, NET_FRAME_MAX};
    static uint8_t f[NET_FRAME_MAX];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX, 256, 0, 2048);
        int first = be->n_rx;
        uint32_t num = 0;
        for (int split = 0; split < 2; split++) {
            for (size_t i = 0; i < ARRAY_SIZE(sizes); i++, num++) {
                numbered_frame(f, num, sizes[i]);
                for (size_t b = 18; b < sizes[i]; b++)
                    f[b] = (uint8_t)(b * 7 + num);
                uint16_t old = vd_mark(&D, &D.tx);
                vd_tx_add(&D, &(VdHdr){0}, f, sizes[i], split);
                vd_kick_if_needed(&D, &D.tx, old);
                settle();
            }
        }
        assert_int_equal(be->n_rx - first, (int)num);
        for (uint32_t i = 0; i < num; i++) {
            FakeFrame *got = &be->rx[first + (int)i];
            size_t len = sizes[i % ARRAY_SIZE(sizes)];
            assert_int_equal(got->len, len);
            assert_int_equal(frame_number(got->data), i);
            for (size_t b = 18; b < len; b++)
                if (got->data[b] != (uint8_t)(b * 7 + i))
                    fail_msg("%s: frame %u byte %zu", vd_kind_names[all_kinds[k]], i, b);
            assert_int_equal(got->off.flags, 0);
            assert_int_equal(got->off.gso_type, 0);
        }
        /* Every buffer came back, with nothing written. */
        uint32_t id, len;
        for (uint32_t i = 0; i < num; i++) {
            assert_true(tvq_get_used(&D.tx, &id, &len));
            assert_int_equal(len, 0);
        }
        assert_false(tvq_get_used(&D.tx, &id, &len));
        assert_int_equal(D.n->nc->tx_frames, num);
        tbe_forget(be);
    }
}

/* Many frames queued at once go out in order; kicks stay off while the
 * device drains, a batch is bounded (the rest follows from the loop), and
 * a buffer added after the last look is not missed. */
static void test_tx_batches(void **state)
{
    mk(VD_PCI_MODERN, (const char *const[]){"tx_queue_size", "1024", "rx_queue_size", "1024",
                                            NULL});
    vd_up(&D, F_LINUX, 1024, 0, 2048);
    settle();
    uint8_t f[200];
    uint16_t old = vd_mark(&D, &D.tx);
    for (uint32_t i = 0; i < 600; i++) {
        numbered_frame(f, i, sizeof(f));
        vd_tx_add(&D, &(VdHdr){0}, f, sizeof(f), false);
    }
    assert_true(vd_kick_if_needed(&D, &D.tx, old));
    /* The kick runs on the loop: nothing has moved yet. */
    assert_int_equal(be->n_rx, 0);
    assert_true(loop_run_once(loop, 0));
    /* One turn takes a bounded batch. */
    assert_int_equal(be->n_rx, 256);
    settle();
    assert_int_equal(be->n_rx, 600);
    for (int i = 0; i < 600; i++)
        assert_int_equal(frame_number(be->rx[i].data), (uint32_t)i);
    assert_int_equal(vq_kick_count(D.n->q[0].tx), 1);
    /* Idle again, kicks are wanted: the next frame kicks. */
    old = vd_mark(&D, &D.tx);
    numbered_frame(f, 600, sizeof(f));
    vd_tx_add(&D, &(VdHdr){0}, f, sizeof(f), false);
    assert_true(vd_kick_if_needed(&D, &D.tx, old));
    settle();
    assert_int_equal(be->n_rx, 601);
    /* Without event_idx: NO_NOTIFY while draining, cleared after. */
    mk(VD_MMIO_V1, NULL);
    vd_up(&D, F_LINUX & ~BIT(VIRTIO_F_EVENT_IDX), 256, 0, 2048);
    old = vd_mark(&D, &D.tx);
    for (uint32_t i = 0; i < 300; i++) {
        numbered_frame(f, i, sizeof(f));
        vd_tx_add(&D, &(VdHdr){0}, f, sizeof(f), false);
        if (i == 100) {
            assert_true(vd_kick_if_needed(&D, &D.tx, old));
            assert_true(loop_run_once(loop, 0));
            old = vd_mark(&D, &D.tx);
        }
    }
    vd_kick_if_needed(&D, &D.tx, old);
    settle();
    assert_int_equal(be->n_rx, 300);
    assert_int_equal(gr16(D.tx.used), 0);      /* kicks wanted again */
    for (int i = 0; i < 300; i++)
        assert_int_equal(frame_number(be->rx[i].data), (uint32_t)i);
}

/* The backend is full: the device stops taking buffers after the frame
 * netback queued, and goes on, in order, when it drains. */
static void test_tx_flow_control(void **state)
{
    be->capacity = 3;
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        be->held = 0;
        vd_up(&D, F_LINUX, 256, 0, 2048);
        uint8_t f[100];
        uint16_t old = vd_mark(&D, &D.tx);
        for (uint32_t i = 0; i < 10; i++) {
            numbered_frame(f, i, sizeof(f));
            vd_tx_add(&D, &(VdHdr){0}, f, sizeof(f), false);
        }
        vd_kick_if_needed(&D, &D.tx, old);
        settle();
        /* Three delivered, the fourth queued in netback; no more popped. */
        assert_int_equal(be->n_rx, 3);
        assert_int_equal(net_client_queue_len(&be->nc), 1);
        assert_int_equal(tvq_used_idx(&D.tx), 4);
        assert_int_equal(D.n->tx_inflight, 1);
        /* A kick meanwhile changes nothing. */
        vd_notify(&D, &D.tx);
        settle();
        assert_int_equal(tvq_used_idx(&D.tx), 4);
        for (int round = 0; round < 4 && be->n_rx < 10; round++) {
            tbe_drain(be);
            settle();
        }
        assert_int_equal(be->n_rx, 10);
        for (int i = 0; i < 10; i++)
            assert_int_equal(frame_number(be->rx[i].data), (uint32_t)i);
        assert_int_equal(tvq_used_idx(&D.tx), 10);
        assert_int_equal(D.n->tx_inflight, 0);
        assert_int_equal(be->nc.rx_dropped, 0);
        tbe_forget(be);
    }
}

/* ---- receive ------------------------------------------------------------------------------ */

/* Checks the next received frame: number n, len bytes, header as plain. */
static void expect_rx(uint32_t n, size_t len, unsigned nbufs)
{
    VdRx r;
    if (!vd_rx_get(&D, &r))
        fail_msg("%s: frame %u not received", vd_kind_names[D.kind], n);
    assert_int_equal(r.len, len);
    assert_int_equal(frame_number(r.data), n);
    for (size_t b = 18; b < len; b++)
        if (r.data[b] != (uint8_t)(b ^ n))
            fail_msg("%s: frame %u byte %zu", vd_kind_names[D.kind], n, b);
    assert_int_equal(r.h.flags, 0);
    assert_int_equal(r.h.gso_type, 0);
    assert_int_equal(r.h.num_buffers, nbufs);
    assert_int_equal(r.nbufs, nbufs);
    free(r.data);
}

static size_t patterned(uint8_t *f, uint32_t n, size_t len)
{
    frame_to(f, guest_mac, n, len);
    for (size_t b = 18; b < len; b++)
        f[b] = (uint8_t)(b ^ n);
    return len;
}

/* Without MRG_RXBUF: one buffer per frame, num_buffers 1 (modern) or a
 * 10-byte header (legacy); a frame bigger than the buffer is dropped and
 * the buffer kept for the next one. */
static void test_rx_single_buffer(void **state)
{
    static uint8_t f[NET_FRAME_MAX];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX & ~BIT(VNET_F_MRG_RXBUF), 256, 8, 1526);
        settle();
        bool legacy = D.legacy;
        assert_int_equal(D.hdr_len, legacy ? 10 : 12);
        static const size_t sizes[] = {60, 61, 1000, 1514};
        for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++)
            assert_int_equal(tbe_send(be, f, patterned(f, i, sizes[i]), NULL), (ssize_t)sizes[i]);
        for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++)
            expect_rx(i, sizes[i], 1);
        /* 1526 - header holds 1514 (modern) or 1516 (legacy) bytes. */
        size_t room = 1526 - D.hdr_len;
        assert_int_equal(tbe_send(be, f, patterned(f, 10, room), NULL), (ssize_t)room);
        expect_rx(10, room, 1);
        uint64_t dropped = D.n->nc->rx_dropped;
        assert_int_equal(tbe_send(be, f, patterned(f, 11, room + 1), NULL), (ssize_t)room + 1);
        assert_int_equal(D.n->nc->rx_dropped, dropped + 1);
        assert_true(logcap_has("does not fit the 1526-byte receive buffer"));
        assert_int_equal(tbe_send(be, f, patterned(f, 12, 100), NULL), 100);
        expect_rx(12, 100, 1);
        VdRx r;
        assert_false(vd_rx_get(&D, &r));
        assert_false(be->blocked);
    }
}

/* With MRG_RXBUF: frames spread over as many buffers as they need, every
 * buffer but the last full, num_buffers counting them (§5.1.6.4.1). */
static void test_rx_mergeable(void **state)
{
    static uint8_t f[NET_FRAME_MAX];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX, 256, 256, 1536);
        settle();
        assert_int_equal(D.hdr_len, 12);       /* num_buffers is there on legacy too */
        static const size_t sizes[] = {60, 1514, 1524, 1525, 3000, 9014, 65000, NET_FRAME_MAX};
        for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
            assert_int_equal(tbe_send(be, f, patterned(f, i, sizes[i]), NULL),
                             (ssize_t)sizes[i]);
            unsigned nb = (unsigned)((sizes[i] + 12 + 1535) / 1536);
            expect_rx(i, sizes[i], nb);
            vd_post_rx(&D, nb);
            settle();
        }
    }
}

/* No buffers: the frame waits in netback and the backend is held back
 * (net_send says "queued"); buffers arrive, the kick delivers what
 * waited, in order, and releases the backend. A frame needing more
 * buffers than there are waits for enough. */
static void test_rx_flow_control(void **state)
{
    static uint8_t f[NET_FRAME_MAX];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX, 256, 0, 1536);
        settle();
        be->completions = 0;
        assert_int_equal(tbe_send(be, f, patterned(f, 0, 500), NULL), 0);
        assert_true(be->blocked);
        /* A backend with a callback stops; one more is only queued. */
        assert_int_equal(tbe_send(be, f, patterned(f, 1, 600), NULL), 0);
        assert_int_equal(net_client_queue_len(D.n->nc), 2);
        vd_post_rx(&D, 1);
        settle();
        expect_rx(0, 500, 1);
        assert_int_equal(net_client_queue_len(D.n->nc), 1);
        assert_int_equal(be->completions, 1);
        assert_true(be->blocked);
        vd_post_rx(&D, 4);
        settle();
        expect_rx(1, 600, 1);
        assert_int_equal(be->completions, 2);
        assert_false(be->blocked);
        /* 9000 bytes need six 1536-byte buffers; there are three. */
        assert_int_equal(tbe_send(be, f, patterned(f, 2, 9000), NULL), 0);
        VdRx r;
        assert_false(vd_rx_get(&D, &r));
        vd_post_rx(&D, 1);
        settle();
        assert_false(vd_rx_get(&D, &r));
        vd_post_rx(&D, 2);
        settle();
        expect_rx(2, 9000, 6);
        assert_false(be->blocked);
        assert_int_equal(D.n->nc->rx_dropped, 0);
        /* Buffers plenty again: kicks off (the driver posts without
         * notifying). */
        uint16_t old = vd_mark(&D, &D.rx);
        tvq_add(&D.rx, (TSeg[]){{VD_RXBUF, 1536, true}}, 1);
        assert_false(tvq_need_kick(&D.rx, old));
    }
}

/* Many frames from the backend while the guest posts a few buffers at a
 * time: all arrive, in order, nothing dropped. */
static void test_rx_stream(void **state)
{
    static uint8_t f[2000];
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_LINUX, 256, 16, 1536);
    settle();
    uint32_t sent = 0, got = 0;
    while (got < 2000) {
        while (sent < 2000 && !be->blocked) {
            tbe_send(be, f, patterned(f, sent, 60 + sent % 1400), NULL);
            sent++;
        }
        VdRx r;
        unsigned took = 0;
        while (vd_rx_get(&D, &r)) {
            assert_int_equal(frame_number(r.data), got);
            assert_int_equal(r.len, 60 + got % 1400);
            free(r.data);
            got++;
            took++;
        }
        vd_post_rx(&D, took ? took : 1);
        settle();
    }
    assert_int_equal(D.n->nc->rx_dropped, 0);
    assert_int_equal(be->nc.tx_dropped, 0);
}

/* ---- offloads ------------------------------------------------------------------------------ */

static const uint8_t gw_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t ip6_a[16] = {0xfe, 0x80, [15] = 1}, ip6_b[16] = {0xfe, 0x80, [15] = 2};

/* A TCP/IPv4 frame with `plen` payload bytes whose checksum field holds the
 * pseudo-header sum, as a driver leaves it for NEEDS_CSUM (§5.1.6.2); *h
 * asks for the checksum (and for TSO when mss). */
static size_t partial_tcp4(uint8_t *f, size_t plen, uint16_t mss, VdHdr *h, uint32_t seq)
{
    static uint8_t payload[65536];
    for (size_t i = 0; i < plen; i++)
        payload[i] = (uint8_t)(i * 13 + seq);
    TpTcp t = {.sport = 40000, .dport = 80, .seq = seq, .ack = 1, .flags = TP_ACK | TP_PSH,
               .win = 65535};
    size_t len = tp_tcp4(f, gw_mac, guest_mac, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), &t, 0,
                         payload, plen, 7);
    uint8_t *ip = f + 14, *th = ip + 20;
    tp_wr16(th + 16, tp_fold(tp_pseudo4(ip, 6, 20 + plen)));
    *h = (VdHdr){.flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16,
                 .hdr_len = 54};
    if (mss) {
        h->gso_type = NET_GSO_TCPV4;
        h->gso_size = mss;
    }
    return len;
}

static size_t partial_tcp6(uint8_t *f, size_t plen, uint16_t mss, VdHdr *h)
{
    static uint8_t payload[65536];
    for (size_t i = 0; i < plen; i++)
        payload[i] = (uint8_t)(i * 5);
    TpTcp t = {.sport = 40000, .dport = 80, .seq = 100, .ack = 1, .flags = TP_ACK, .win = 9};
    size_t len = tp_tcp6(f, gw_mac, guest_mac, ip6_a, ip6_b, &t, payload, plen);
    uint8_t *ip = f + 14, *th = ip + 40;
    tp_wr16(th + 16, tp_fold(tp_pseudo6(ip, 6, 20 + plen)));
    *h = (VdHdr){.flags = VNET_HDR_F_NEEDS_CSUM, .gso_type = mss ? NET_GSO_TCPV6 : 0,
                 .gso_size = mss, .csum_start = 54, .csum_offset = 16, .hdr_len = 74};
    return len;
}

/* The TCP segments from `first` on in the backend: valid checksums (this
 * file's own code), at most mss payload each, sequence numbers following
 * on, and the payload as sent. Returns how many. */
static int check_segments(int first, uint32_t seq, size_t plen, size_t mss, uint8_t ver)
{
    size_t at = 0;
    int n = 0;
    for (int i = first; i < be->n_rx; i++, n++) {
        TpPkt p;
        assert_true(tp_parse(be->rx[i].data, be->rx[i].len, &p));
        assert_int_equal(p.ipver, ver);
        assert_true(p.ip_csum_ok);
        assert_true(p.l4_csum_ok);
        assert_int_equal(p.seq, seq + at);
        assert_true(p.plen <= mss);
        assert_true(be->rx[i].len <= 14 + (ver == 4 ? 20 : 40) + 20 + mss);
        for (size_t b = 0; b < p.plen; b++)
            assert_int_equal(p.payload[b], (uint8_t)((at + b) * (ver == 4 ? 13 : 5) +
                                                     (ver == 4 ? seq : 0)));
        assert_int_equal(be->rx[i].off.gso_type, 0);
        at += p.plen;
    }
    assert_int_equal(at, plen);
    return n;
}

static void tx_with(const VdHdr *h, const uint8_t *f, size_t len)
{
    uint16_t old = vd_mark(&D, &D.tx);
    vd_tx_add(&D, h, f, len, false);
    vd_kick_if_needed(&D, &D.tx, old);
    settle();
}

/* A TSO super-frame from the guest: cut into MTU frames with correct
 * checksums for a backend without offload; passed through whole, with its
 * header, to one that takes it. */
static void test_tx_tso(void **state)
{
    static uint8_t f[70000];
    VdHdr h;
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX, 256, 0, 2048);
        size_t len = partial_tcp4(f, 20000, 1448, &h, 5000);
        tx_with(&h, f, len);
        assert_int_equal(check_segments(0, 5000, 20000, 1448, 4), 14);
        tbe_forget(be);
        /* IPv6, and the header split from the frame. */
        len = partial_tcp6(f, 9000, 1440, &h);
        uint16_t old = vd_mark(&D, &D.tx);
        vd_tx_add(&D, &h, f, len, true);
        vd_kick_if_needed(&D, &D.tx, old);
        settle();
        assert_int_equal(check_segments(0, 100, 9000, 1440, 6), 7);
        tbe_forget(be);
        /* A gso_size beyond the payload: one segment. */
        len = partial_tcp4(f, 3000, 65535, &h, 1);
        tx_with(&h, f, len);
        assert_int_equal(check_segments(0, 1, 3000, 3000, 4), 1);
        tbe_forget(be);
    }
    /* An offload-capable backend gets the super-frame as it was sent. */
    be->nc.rx_caps = NET_CAP_ALL;
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_LINUX, 256, 0, 2048);
    size_t len = partial_tcp4(f, 20000, 1448, &h, 5000);
    tx_with(&h, f, len);
    assert_int_equal(be->n_rx, 1);
    assert_int_equal(be->rx[0].len, len);
    assert_memory_equal(be->rx[0].data, f, len);
    NetOffload *o = &be->rx[0].off;
    assert_int_equal(o->flags, NET_F_NEEDS_CSUM);
    assert_int_equal(o->gso_type, NET_GSO_TCPV4);
    assert_int_equal(o->gso_size, 1448);
    assert_int_equal(o->csum_start, 34);
    assert_int_equal(o->csum_offset, 16);
    assert_int_equal(o->hdr_len, 54);
}

/* NEEDS_CSUM without GSO: completed for a plain backend (TCP and UDP),
 * passed on to one that takes partial checksums; USO and UFO cut. */
static void test_tx_csum_uso_ufo(void **state)
{
    static uint8_t f[70000];
    mk(VD_MMIO_V2, NULL);
    vd_up(&D, F_LINUX | BIT(VNET_F_HOST_USO), 256, 0, 2048);
    VdHdr h;
    size_t len = partial_tcp4(f, 700, 0, &h, 9);
    tx_with(&h, f, len);
    assert_int_equal(check_segments(0, 9, 700, 700, 4), 1);
    tbe_forget(be);
    /* UDP: the checksum field holds the pseudo-header sum. */
    uint8_t pay[3500];
    for (size_t i = 0; i < sizeof(pay); i++)
        pay[i] = (uint8_t)i;
    len = tp_udp4(f, gw_mac, guest_mac, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), 5000, 53, pay,
                  300, 3);
    tp_wr16(f + 34 + 6, tp_fold(tp_pseudo4(f + 14, 17, 308)));
    h = (VdHdr){.flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 6};
    tx_with(&h, f, len);
    TpPkt p;
    assert_int_equal(be->n_rx, 1);
    assert_true(tp_parse(be->rx[0].data, be->rx[0].len, &p));
    assert_true(p.l4_csum_ok && p.plen == 300);
    tbe_forget(be);
    /* USO: 3500 bytes in 1000-byte datagrams, each with its own header. */
    len = tp_udp4(f, gw_mac, guest_mac, tp_ip("10.0.2.15"), tp_ip("10.0.2.2"), 5000, 53, pay,
                  sizeof(pay), 3);
    tp_wr16(f + 34 + 6, tp_fold(tp_pseudo4(f + 14, 17, 8 + sizeof(pay))));
    h = (VdHdr){.flags = VNET_HDR_F_NEEDS_CSUM, .gso_type = NET_GSO_UDP_L4, .gso_size = 1000,
                .csum_start = 34, .csum_offset = 6, .hdr_len = 42};
    tx_with(&h, f, len);
    assert_int_equal(be->n_rx, 4);
    for (int i = 0; i < 4; i++) {
        assert_true(tp_parse(be->rx[i].data, be->rx[i].len, &p));
        assert_true(p.ip_csum_ok && p.l4_csum_ok);
        assert_int_equal(p.plen, i < 3 ? 1000 : 500);
        assert_memory_equal(p.payload, pay + 1000 * i, p.plen);
    }
    tbe_forget(be);
    /* UFO: one datagram, IP fragments of 1480-byte multiples of 8. */
    h.gso_type = NET_GSO_UDP;
    h.gso_size = 1480;
    tx_with(&h, f, len);
    assert_int_equal(be->n_rx, 3);
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        assert_true(tp_parse(be->rx[i].data, be->rx[i].len, &p));
        assert_true(p.ip_csum_ok);
        total += p.ip_len - 20;
    }
    assert_int_equal(total, 8 + sizeof(pay));
    tbe_forget(be);
}

/* Receive offloads, for a backend whose frames carry them: DATA_VALID,
 * NEEDS_CSUM and a TSO super-frame reach a guest that negotiated
 * GUEST_CSUM/GUEST_TSO4 as they are (the super-frame over merged
 * buffers); CTRL_GUEST_OFFLOADS_SET 0 makes the device hand over complete,
 * segmented frames instead. */
static void test_rx_offloads(void **state)
{
    static uint8_t f[70000];
    be->nc.tx_caps = NET_CAP_ALL;
    for (int legacy = 0; legacy < 2; legacy++) {
        mk(legacy ? VD_PCI_LEGACY : VD_PCI_MODERN, NULL);
        vd_up(&D, F_LINUX, 256, 256, 1536);
        settle();
        assert_true(D.features & BIT(VNET_F_GUEST_TSO4));
        uint8_t pl[100] = {1, 2, 3};
        size_t len = tp_udp4(f, guest_mac, gw_mac, 1, 2, 3, 4, pl, sizeof(pl), 1);
        NetOffload dv = {.flags = NET_F_DATA_VALID};
        assert_true(tbe_send(be, f, len, &dv) > 0);
        VdRx r;
        assert_true(vd_rx_get(&D, &r));
        assert_int_equal(r.h.flags, VNET_HDR_F_DATA_VALID);
        assert_int_equal(r.len, len);
        free(r.data);
        /* Partial checksum: handed over as is. */
        VdHdr h;
        len = partial_tcp4(f, 500, 0, &h, 1);
        memcpy(f, guest_mac, 6);
        NetOffload pc = {.flags = NET_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16};
        assert_true(tbe_send(be, f, len, &pc) > 0);
        assert_true(vd_rx_get(&D, &r));
        assert_int_equal(r.h.flags, VNET_HDR_F_NEEDS_CSUM);
        assert_int_equal(r.h.csum_start, 34);
        assert_int_equal(r.h.csum_offset, 16);
        assert_memory_equal(r.data, f, len);
        free(r.data);
        /* A 20000-byte TSO super-frame: one frame over 14 buffers. */
        len = partial_tcp4(f, 20000, 1448, &h, 77);
        memcpy(f, guest_mac, 6);
        NetOffload tso = {.flags = NET_F_NEEDS_CSUM, .gso_type = NET_GSO_TCPV4,
                          .gso_size = 1448, .hdr_len = 54, .csum_start = 34,
                          .csum_offset = 16};
        assert_true(tbe_send(be, f, len, &tso) > 0);
        assert_true(vd_rx_get(&D, &r));
        assert_int_equal(r.h.gso_type, NET_GSO_TCPV4);
        assert_int_equal(r.h.gso_size, 1448);
        assert_int_equal(r.h.hdr_len, 54);
        assert_int_equal(r.h.flags, VNET_HDR_F_NEEDS_CSUM);
        assert_int_equal(r.nbufs, (len + 12 + 1535) / 1536);
        assert_int_equal(r.len, len);
        assert_memory_equal(r.data, f, len);
        free(r.data);
        vd_post_rx(&D, 64);
        settle();
        /* Receive offloads off: complete, segmented frames, flags 0. */
        uint8_t zero[8] = {0};
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET,
                                 zero, 8), VNET_OK);
        assert_int_equal(D.n->nc->rx_caps, 0);
        assert_true(tbe_send(be, f, len, &tso) > 0);
        size_t at = 0;
        for (int i = 0; i < 14; i++) {
            assert_true(vd_rx_get(&D, &r));
            assert_int_equal(r.h.flags, 0);
            assert_int_equal(r.h.gso_type, 0);
            TpPkt p;
            assert_true(tp_parse(r.data, r.len, &p));
            assert_true(p.ip_csum_ok && p.l4_csum_ok);
            assert_int_equal(p.seq, 77 + at);
            at += p.plen;
            free(r.data);
        }
        assert_int_equal(at, 20000);
        assert_false(vd_rx_get(&D, &r));
        vd_post_rx(&D, 14);
        len = tp_udp4(f, guest_mac, gw_mac, 1, 2, 3, 4, pl, sizeof(pl), 1);
        assert_true(tbe_send(be, f, len, &dv) > 0);
        assert_true(vd_rx_get(&D, &r));
        assert_int_equal(r.h.flags, 0);
        free(r.data);
        /* Only negotiated offloads may be switched on; back on with CSUM. */
        uint8_t m[8] = {0};
        m[2] = 1u << (20 - 16);     /* bit 20: no offload */
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET,
                                 m, 8), VNET_ERR);
        assert_true(logcap_has("not negotiated"));
        memset(m, 0, sizeof(m));
        m[0] = 1u << VNET_F_GUEST_CSUM;
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET,
                                 m, 8), VNET_OK);
        assert_int_equal(D.n->nc->rx_caps, NET_CAP_CSUM);
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET,
                                 m, 4), VNET_ERR);
    }
    /* A driver without GUEST_CSUM gets complete frames and flags 0. */
    mk(VD_MMIO_V1, NULL);
    vd_up(&D, F_LINUX & ~(BIT(VNET_F_GUEST_CSUM) | BIT(VNET_F_GUEST_TSO4) |
                          BIT(VNET_F_GUEST_TSO6) | BIT(VNET_F_GUEST_ECN) |
                          BIT(VNET_F_GUEST_UFO)), 256, 64, 1536);
    settle();
    VdHdr h;
    size_t len = partial_tcp4(f, 500, 0, &h, 1);
    memcpy(f, guest_mac, 6);
    NetOffload pc = {.flags = NET_F_NEEDS_CSUM | NET_F_DATA_VALID, .csum_start = 34,
                     .csum_offset = 16};
    assert_true(tbe_send(be, f, len, &pc) > 0);
    VdRx r;
    assert_true(vd_rx_get(&D, &r));
    assert_int_equal(r.h.flags, 0);
    TpPkt p;
    assert_true(tp_parse(r.data, r.len, &p));
    assert_true(p.l4_csum_ok);
    free(r.data);
}

/* ---- the control queue and the receive filter ------------------------------------------- */

/* Sends frames to each destination and returns which ones the guest got,
 * as a bit mask in the order given. */
static unsigned rx_which(const uint8_t (*dst)[6], unsigned n, const uint8_t *vlan)
{
    static uint8_t f[200];
    unsigned got = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t len = frame_to(f, dst[i], 1000 + i, 100);
        if (vlan) {
            /* An 802.1Q tag before the ethertype. */
            memmove(f + 16, f + 12, len - 12);
            f[12] = 0x81;
            f[13] = 0x00;
            f[14] = vlan[0];
            f[15] = vlan[1];
            len += 4;
        }
        assert_true(tbe_send(be, f, len, NULL) > 0);
    }
    VdRx r;
    while (vd_rx_get(&D, &r)) {
        uint32_t num = frame_number(r.data + (vlan ? 4 : 0));
        assert_true(num >= 1000 && num < 1000 + n);
        got |= 1u << (num - 1000);
        free(r.data);
    }
    vd_post_rx(&D, 8);
    settle();
    return got;
}

static int ctrl_on(uint8_t cmd, uint8_t on)
{
    return vd_ctrl(&D, VNET_CTRL_RX, cmd, &on, 1);
}

static int mac_table(const uint8_t (*uni)[6], uint32_t nu, const uint8_t (*multi)[6],
                     uint32_t nm)
{
    static uint8_t buf[8 + 6 * 200];
    size_t at = 0;
    virtio_stl(buf, nu);
    at += 4;
    if (nu)
        memcpy(buf + at, uni, 6 * (size_t)nu);
    at += 6 * (size_t)nu;
    virtio_stl(buf + at, nm);
    at += 4;
    if (nm)
        memcpy(buf + at, multi, 6 * (size_t)nm);
    at += 6 * (size_t)nm;
    return vd_ctrl(&D, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, buf, at);
}

static void test_ctrl_rx_filter(void **state)
{
    static const uint8_t dst[][6] = {
        {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},   /* 0: the NIC's own */
        {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef},   /* 1: another unicast */
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},   /* 2: broadcast */
        {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb},   /* 3: a multicast (mDNS) */
        {0x33, 0x33, 0x00, 0x00, 0x00, 0x01},   /* 4: another multicast */
        {0x02, 0x00, 0x00, 0x00, 0x00, 0x07},   /* 5: a unicast for the table */
    };
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX | BIT(VNET_F_CTRL_RX_EXTRA), 256, 64, 1536);
        settle();
        assert_true(D.features & BIT(VNET_F_CTRL_RX_EXTRA));
        /* After reset: promiscuous. */
        assert_int_equal(rx_which(dst, 6, NULL), 0x3f);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
        /* Own address and broadcast; no multicast asked for yet. */
        assert_int_equal(rx_which(dst, 6, NULL), 0x05);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLMULTI, 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x1d);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLMULTI, 0), VNET_OK);
        /* The MAC table: one unicast, one multicast. */
        assert_int_equal(mac_table(&dst[5], 1, &dst[3], 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x2d);
        /* NOMULTI beats ALLMULTI; NOBCAST; NOUNI; ALLUNI. */
        assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLMULTI, 1), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOMULTI, 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x25);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOMULTI, 0), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLMULTI, 0), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOBCAST, 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x29);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOBCAST, 0), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLUNI, 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x2f);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOUNI, 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x0c);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOUNI, 0), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLUNI, 0), VNET_OK);
        /* PROMISC beats them all. */
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOUNI, 1), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 1), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x3f);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_NOUNI, 0), VNET_OK);
        /* A bad table leaves the old one; an empty one empties it. */
        uint8_t bad[8] = {5, 0, 0, 0, 0, 0, 0, 0};
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, bad, 8),
                         VNET_ERR);
        assert_true(logcap_has("do not match the data's length"));
        assert_int_equal(rx_which(dst, 6, NULL), 0x2d);
        assert_int_equal(mac_table(NULL, 0, NULL, 0), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x05);
        /* More addresses than the table holds: that class all passes. */
        static uint8_t many[70][6];
        for (int i = 0; i < 70; i++) {
            many[i][0] = 0x01;
            many[i][5] = (uint8_t)i;
        }
        assert_int_equal(mac_table(NULL, 0, many, 70), VNET_OK);
        assert_int_equal(rx_which(dst, 6, NULL), 0x1d);
        assert_int_equal(mac_table(NULL, 0, NULL, 0), VNET_OK);
        /* MAC_ADDR_SET: the config follows, the filter too. */
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, dst[5], 6),
                         VNET_OK);
        for (int i = 0; i < 6; i++)
            assert_int_equal(vd_cfg(&D, VNET_CFG_MAC + (unsigned)i, 1), dst[5][i]);
        assert_int_equal(rx_which(dst, 6, NULL), 0x24);
        assert_contains(D.n->nc->info, "macaddr=02:00:00:00:00:07");
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, dst[3], 6),
                         VNET_ERR);
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, dst[3], 5),
                         VNET_ERR);
        /* Commands that do not exist or were not negotiated. */
        assert_int_equal(vd_ctrl(&D, 9, 0, NULL, 0), VNET_ERR);
        assert_true(logcap_has("unknown class"));
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_RX, 9, bad, 1), VNET_ERR);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 2), VNET_ERR);
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, bad, 2), VNET_ERR);
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, bad, 2),
                         VNET_ERR);
        assert_true(logcap_has("VIRTIO_NET_F_MQ was not negotiated"));
    }
    /* Without CTRL_RX_EXTRA, the extra modes are refused. */
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_LINUX, 256, 8, 1536);
    assert_int_equal(ctrl_on(VNET_CTRL_RX_NOBCAST, 1), VNET_ERR);
    assert_true(logcap_has("CTRL_RX_EXTRA was not negotiated"));
    assert_int_equal(ctrl_on(VNET_CTRL_RX_ALLMULTI, 1), VNET_OK);
}

static void test_ctrl_vlan_mq(void **state)
{
    static const uint8_t dst[][6] = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
    mk(VD_PCI_MODERN, (const char *const[]){"mq", "on", NULL});
    vd_up(&D, F_LINUX, 256, 64, 1536);
    settle();
    assert_true(D.features & BIT(VNET_F_MQ));
    uint8_t vid5[2] = {5, 0}, vid5be[2] = {0, 5};
    /* Promiscuous: every VLAN. */
    assert_int_equal(rx_which(dst, 1, vid5be), 1);
    assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
    /* Tagged frames need their VLAN ID in the table; untagged pass. */
    assert_int_equal(rx_which(dst, 1, vid5be), 0);
    assert_int_equal(rx_which(dst, 1, NULL), 1);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, vid5, 2), VNET_OK);
    assert_int_equal(rx_which(dst, 1, vid5be), 1);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_VLAN, VNET_CTRL_VLAN_DEL, vid5, 2), VNET_OK);
    assert_int_equal(rx_which(dst, 1, vid5be), 0);
    uint8_t vid_big[2] = {0x88, 0x13};     /* 5000 */
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, vid_big, 2), VNET_ERR);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_VLAN, 7, vid5, 2), VNET_ERR);
    /* VQ_PAIRS_SET: 1 is all there is. */
    uint8_t one[2] = {1, 0}, two[2] = {2, 0}, zero[2] = {0, 0};
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, one, 2), VNET_OK);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, two, 2), VNET_ERR);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, zero, 2), VNET_ERR);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_MQ, 1, one, 2), VNET_ERR);  /* RSS: not offered */
    /* Without CTRL_VLAN negotiated, tagged frames are not filtered. */
    mk(VD_MMIO_V2, NULL);
    vd_up(&D, F_LINUX & ~BIT(VNET_F_CTRL_VLAN), 256, 64, 1536);
    settle();
    assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
    assert_int_equal(rx_which(dst, 1, vid5be), 1);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, vid5, 2), VNET_ERR);
}

/* The legacy way to set the MAC: writing it in the configuration. */
static void test_legacy_mac_write(void **state)
{
    mk(VD_PCI_LEGACY, NULL);
    vd_up(&D, F_LINUX & ~BIT(VNET_F_CTRL_MAC_ADDR), 256, 8, 1536);
    settle();
    static const uint8_t m[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    for (unsigned i = 0; i < 6; i++)
        vd_cfg_wr(&D, VNET_CFG_MAC + i, 1, m[i]);
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(vd_cfg(&D, VNET_CFG_MAC + i, 1), m[i]);
    assert_contains(D.n->nc->info, "macaddr=02:11:22:33:44:55");
    /* The status is not writable. */
    vd_cfg_wr(&D, VNET_CFG_STATUS, 2, 0);
    assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), VNET_S_LINK_UP);
    /* Reset brings the configured MAC back. */
    vd_set_status(&D, 0);
    assert_int_equal(vd_cfg(&D, VNET_CFG_MAC + 1, 1), 0x54);
    /* A modern driver's config is read-only. */
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_LINUX, 256, 8, 1536);
    vd_cfg_wr(&D, VNET_CFG_MAC, 1, 0x02);
    assert_int_equal(vd_cfg(&D, VNET_CFG_MAC, 1), 0x52);
    assert_true(logcap_has("read-only"));
}

/* ---- link state ---------------------------------------------------------------------------- */

/* set_link moves STATUS's LINK_UP and sends a configuration change
 * notification; frames are dropped both ways while the link is down; with
 * GUEST_ANNOUNCE the link coming back asks the guest to announce itself. */
static void test_link_status(void **state)
{
    static uint8_t f[200];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX, 256, 16, 1536);
        settle();
        vd_isr(&D);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), VNET_S_LINK_UP);
        Error *err = NULL;
        assert_int_equal(net_set_link(be->nc.name, false, &err), 0);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), 0);
        assert_int_equal(vd_line(&D), 1);
        assert_int_equal(vd_isr(&D) & VIRTIO_ISR_CONFIG, VIRTIO_ISR_CONFIG);
        assert_int_equal(vd_line(&D), 0);
        /* Down: the guest's frames go nowhere, the buffers come back. */
        for (uint32_t i = 0; i < 3; i++) {
            numbered_frame(f, i, 100);
            vd_tx(&D, f, 100);
        }
        settle();
        assert_int_equal(be->n_rx, 0);
        assert_int_equal(tvq_used_idx(&D.tx), 3);
        assert_true(tbe_send(be, f, frame_to(f, guest_mac, 7, 100), NULL) > 0);
        VdRx r;
        assert_false(vd_rx_get(&D, &r));
        assert_false(be->blocked);
        /* Up again: ANNOUNCE too. */
        assert_int_equal(net_set_link(be->nc.name, true, &err), 0);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), VNET_S_LINK_UP | VNET_S_ANNOUNCE);
        assert_int_equal(vd_isr(&D) & VIRTIO_ISR_CONFIG, VIRTIO_ISR_CONFIG);
        assert_int_equal(vd_ctrl(&D, VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK, NULL, 0),
                         VNET_OK);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), VNET_S_LINK_UP);
        numbered_frame(f, 9, 100);
        vd_tx(&D, f, 100);
        settle();
        assert_int_equal(be->n_rx, 1);
        assert_int_equal(tbe_send(be, f, patterned(f, 8, 100), NULL), 100);
        expect_rx(8, 100, 1);
        /* The NIC's own name takes only the NIC down and up. */
        vd_isr(&D);
        assert_int_equal(net_set_link(D.n->nc->name, false, &err), 0);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), 0);
        assert_false(be->nc.link_down);
        assert_int_equal(net_set_link(D.n->nc->name, true, &err), 0);
        assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2) & VNET_S_LINK_UP, VNET_S_LINK_UP);
        assert_int_equal(vd_isr(&D) & VIRTIO_ISR_CONFIG, VIRTIO_ISR_CONFIG);
        tbe_forget(be);
    }
    /* Without GUEST_ANNOUNCE negotiated: no ANNOUNCE, no ACK. */
    mk(VD_MMIO_V2, NULL);
    vd_up(&D, F_LINUX & ~BIT(VNET_F_GUEST_ANNOUNCE), 256, 16, 1536);
    Error *err = NULL;
    net_set_link(be->nc.name, false, &err);
    net_set_link(be->nc.name, true, &err);
    assert_int_equal(vd_cfg(&D, VNET_CFG_STATUS, 2), VNET_S_LINK_UP);
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK, NULL, 0),
                     VNET_ERR);
    /* status=off: nothing to notify. */
    mk(VD_MMIO_V2, (const char *const[]){"status", "off", NULL});
    vd_up(&D, F_LINUX, 256, 16, 1536);
    vd_isr(&D);
    net_set_link(be->nc.name, false, &err);
    assert_int_equal(vd_isr(&D), 0);
}

/* MSI-X: QEMU's default of 2 * pairs + 2 vectors; the link change goes to
 * the configuration vector, used buffers to the queue's. */
static void test_msix_vectors(void **state)
{
    mk(VD_PCI_MODERN, (const char *const[]){"vectors", "-1", NULL});
    assert_int_equal((vd_pcicfg_rd(&D, D.msix_cap + PCI_MSIX_FLAGS, 2) &
                      PCI_MSIX_FLAGS_QSIZE) + 1, 4);
    vd_msix_setup(&D, 4);
    vd_up(&D, F_LINUX, 256, 16, 1536);
    vd_wr(&D, D.common + VDC_MSIX, 2, 3);
    vd_wr(&D, D.common + VDC_QSEL, 2, 0);
    vd_wr(&D, D.common + VDC_QMSIX, 2, 1);
    settle();
    Error *err = NULL;
    net_set_link(be->nc.name, false, &err);
    assert_int_equal(D.nmsgs, 1);
    assert_int_equal(D.msg_data[0], 3);
    net_set_link(be->nc.name, true, &err);
    static uint8_t f[100];
    assert_int_equal(tbe_send(be, f, frame_to(f, guest_mac, 1, 100), NULL), 100);
    assert_int_equal(D.nmsgs, 3);
    assert_int_equal(D.msg_data[2], 1);
}

/* ---- a hostile driver ------------------------------------------------------------------- */

/* Headers the negotiated features do not allow are dropped and logged;
 * the next frame goes as if nothing happened. */
static void test_hostile_tx_headers(void **state)
{
    static uint8_t f[70000];
    static const struct {
        VdHdr h;
        const char *log;
    } bad[] = {
        {{.gso_type = NET_GSO_TCPV6, .gso_size = 1000, .flags = 1, .csum_start = 54,
          .csum_offset = 16}, "TCPV6 without VIRTIO_NET_F_HOST_TSO6"},
        {{.gso_type = NET_GSO_TCPV4, .gso_size = 1000}, "a gso_type without NEEDS_CSUM"},
        {{.gso_type = NET_GSO_TCPV4, .flags = 1, .csum_start = 34, .csum_offset = 16},
         "gso_size 0"},
        {{.flags = 1, .csum_start = 1200, .csum_offset = 16}, "beyond the frame"},
        {{.flags = 1, .csum_start = 34, .csum_offset = 0xffff}, "beyond the frame"},
        {{.gso_type = 7, .gso_size = 1000, .flags = 1}, "unknown gso_type"},
        {{.gso_type = 2, .gso_size = 1000, .flags = 1}, "unknown gso_type"},
        {{.gso_type = NET_GSO_TCPV4, .gso_size = 100, .flags = 1, .csum_start = 34,
          .csum_offset = 16, .hdr_len = 5000}, "hdr_len beyond the frame"},
        {{.gso_type = NET_GSO_TCPV4 | NET_GSO_ECN, .gso_size = 100, .flags = 1,
          .csum_start = 34, .csum_offset = 16}, "GSO_ECN without VIRTIO_NET_F_HOST_ECN"},
        {{.gso_type = NET_GSO_UDP | NET_GSO_ECN, .gso_size = 100, .flags = 1,
          .csum_start = 34, .csum_offset = 6}, "GSO_ECN on a UDP gso_type"},
        {{.gso_type = NET_GSO_UDP_L4, .gso_size = 100, .flags = 1, .csum_start = 34,
          .csum_offset = 6}, "UDP_L4 without VIRTIO_NET_F_HOST_USO"},
    };
    for (int legacy = 0; legacy < 2; legacy++) {
        mk(legacy ? VD_MMIO_V1 : VD_PCI_MODERN, NULL);
        vd_up(&D, F_LINUX & ~(BIT(VNET_F_HOST_TSO6) | BIT(VNET_F_HOST_ECN)), 256, 0, 2048);
        settle();
        VdHdr h;
        size_t len = partial_tcp4(f, 1000, 0, &h, 0);
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
            tx_with(&bad[i].h, f, len);
            if (!logcap_has(bad[i].log))
                fail_msg("case %zu: no \"%s\" in the log", i, bad[i].log);
            numbered_frame(f + 2000, (uint32_t)i, 64);
            tx_with(&(VdHdr){0}, f + 2000, 64);
            assert_int_equal(be->n_rx, (int)i + 1);
            assert_int_equal(frame_number(be->rx[i].data), i);
        }
        assert_int_equal(D.n->nc->tx_dropped, ARRAY_SIZE(bad));
        /* Flag bits the device does not take on transmit are ignored. */
        tbe_forget(be);
        numbered_frame(f + 2000, 99, 64);
        tx_with(&(VdHdr){.flags = VNET_HDR_F_DATA_VALID | 0x80}, f + 2000, 64);
        assert_int_equal(be->n_rx, 1);
        assert_int_equal(be->rx[0].off.flags, 0);
        assert_int_equal(tvq_used_idx(&D.tx), ARRAY_SIZE(bad) * 2 + 1);
        tbe_forget(be);
        assert_int_equal(vd_status(&D) & VIRTIO_STATUS_NEEDS_RESET, 0);
    }
    /* NEEDS_CSUM from a driver that did not negotiate CSUM. */
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_MINIMAL, 256, 0, 2048);
    VdHdr h;
    size_t len = partial_tcp4(f, 100, 0, &h, 0);
    tx_with(&h, f, len);
    assert_true(logcap_has("NEEDS_CSUM without VIRTIO_NET_F_CSUM"));
    assert_int_equal(be->n_rx, 0);
}

/* Chains that cannot be frames, buffers that cannot hold a header, a
 * looping chain: survived, logged, the device usable again. */
static void test_hostile_chains(void **state)
{
    static uint8_t f[NET_FRAME_MAX + 100];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX & ~BIT(VNET_F_MRG_RXBUF), 256, 0, 2048);
        settle();
        /* Zero-length, all device-writable, shorter than the header. */
        uint16_t old = vd_mark(&D, &D.tx);
        tvq_add(&D.tx, (TSeg[]){{VD_TXBUF, 0, false}}, 1);
        tvq_add(&D.tx, (TSeg[]){{VD_TXBUF, 100, true}}, 1);
        tvq_add(&D.tx, (TSeg[]){{VD_TXBUF, 5, false}}, 1);
        vd_kick_if_needed(&D, &D.tx, old);
        settle();
        assert_true(logcap_has("has no room for the"));
        assert_int_equal(tvq_used_idx(&D.tx), 3);
        /* A runt and an oversized frame: netback refuses them. */
        memset(f, 0, sizeof(f));
        tx_with(&(VdHdr){0}, f, 5);
        tx_with(&(VdHdr){0}, f, NET_FRAME_MAX + 1);
        char *log = logcap_take();
        assert_contains(log, "runt");
        assert_contains(log, "too long");
        free(log);
        assert_int_equal(be->n_rx, 0);
        /* Receive buffers smaller than the header (one of them with no
         * device-writable byte at all): returned unused, the frame dropped;
         * the next frame takes the next good buffer. */
        old = vd_mark(&D, &D.rx);
        tvq_add(&D.rx, (TSeg[]){{VD_RXBUF + 0x100000, 8, true}}, 1);
        tvq_add(&D.rx, (TSeg[]){{VD_RXBUF + 0x100000, 64, false}}, 1);
        vd_kick_if_needed(&D, &D.rx, old);
        settle();
        assert_int_equal(tbe_send(be, f, frame_to(f, guest_mac, 1, 60), NULL), 60);
        assert_int_equal(D.n->nc->rx_dropped, 1);
        assert_true(logcap_has("cannot hold the"));
        assert_int_equal(tbe_send(be, f, frame_to(f, guest_mac, 2, 60), NULL), 60);
        uint32_t id, len;
        assert_true(tvq_get_used(&D.rx, &id, &len));
        assert_int_equal(len, 0);
        assert_true(tvq_get_used(&D.rx, &id, &len));
        assert_int_equal(len, 0);
        assert_int_equal(D.n->nc->rx_dropped, 2);
        D.rx.next_desc = 0;
        D.rx.last_used = tvq_used_idx(&D.rx);
        vd_post_rx(&D, 2);
        settle();
        assert_true(tbe_send(be, f, patterned(f, 3, 60), NULL) > 0);
        expect_rx(3, 60, 1);
        /* A looping transmit chain: the device needs a reset and says so;
         * after one it works. */
        old = vd_mark(&D, &D.tx);
        tdesc(D.tx.desc, 200, VD_TXBUF, 64, VRING_DESC_F_NEXT, 201);
        tdesc(D.tx.desc, 201, VD_TXBUF, 64, VRING_DESC_F_NEXT, 200);
        tvq_expose(&D.tx, 200);
        vd_kick_if_needed(&D, &D.tx, old);
        settle();
        assert_true(vd_status(&D) & VIRTIO_STATUS_NEEDS_RESET);
        assert_true(logcap_has("DEVICE_NEEDS_RESET"));
        vd_up(&D, F_LINUX, 256, 4, 1536);
        settle();
        assert_false(vd_status(&D) & VIRTIO_STATUS_NEEDS_RESET);
        numbered_frame(f, 5, 100);
        vd_tx(&D, f, 100);
        settle();
        assert_int_equal(be->n_rx, 1);
        tbe_forget(be);
    }
}

static void test_hostile_merge_and_ctrl(void **state)
{
    static uint8_t f[4000];
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_LINUX, 256, 0, 1536);
    settle();
    /* Mergeable: a good buffer, then one smaller than the header. */
    uint16_t old = vd_mark(&D, &D.rx);
    tvq_add(&D.rx, (TSeg[]){{VD_RXBUF, 1536, true}}, 1);
    tvq_add(&D.rx, (TSeg[]){{VD_RXBUF + 1536, 4, true}}, 1);
    vd_kick_if_needed(&D, &D.rx, old);
    settle();
    assert_int_equal(tbe_send(be, f, frame_to(f, guest_mac, 1, 3000), NULL), 3000);
    assert_true(logcap_has("2 buffer(s) returned unused"));
    uint32_t id, len;
    assert_true(tvq_get_used(&D.rx, &id, &len));
    assert_int_equal(len, 0);
    assert_true(tvq_get_used(&D.rx, &id, &len));
    assert_int_equal(len, 0);
    assert_int_equal(D.n->nc->rx_dropped, 1);
    /* Control buffers without room for class/command or the ack. */
    gw(VD_CTRL_BUF, (uint8_t[]){0, 0}, 2);
    old = vd_mark(&D, &D.ctrl);
    tvq_add(&D.ctrl, (TSeg[]){{VD_CTRL_BUF, 2, false}}, 1);
    tvq_add(&D.ctrl, (TSeg[]){{VD_CTRL_BUF, 1, false}, {VD_CTRL_BUF + 0x1000, 1, true}}, 2);
    vd_kick_if_needed(&D, &D.ctrl, old);
    assert_true(tvq_get_used(&D.ctrl, &id, &len));
    assert_int_equal(len, 0);
    assert_true(tvq_get_used(&D.ctrl, &id, &len));
    assert_int_equal(len, 0);
    assert_true(logcap_has("no room for class, command and ack"));
    /* A MAC table claiming 2^32 - 1 entries. */
    uint8_t huge[10] = {0xff, 0xff, 0xff, 0xff};
    assert_int_equal(vd_ctrl(&D, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, huge, 10), VNET_ERR);
    /* Still fine. */
    assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
    assert_int_equal(vd_status(&D) & VIRTIO_STATUS_NEEDS_RESET, 0);

    /* Buffers of just a header each: a frame the whole ring cannot hold is
     * dropped rather than waited for forever; one it can hold arrives. */
    mk(VD_MMIO_V2, NULL);
    vd_up(&D, F_LINUX, 256, 256, 12);
    settle();
    assert_int_equal(tbe_send(be, f, patterned(f, 1, 3100), NULL), 3100);
    assert_true(logcap_has("does not fit in all 256 receive buffers"));
    assert_false(be->blocked);
    assert_int_equal(tbe_send(be, f, patterned(f, 2, 2000), NULL), 2000);
    expect_rx(2, 2000, 1 + (2000 + 11) / 12);
}

/* ---- reset and a stopped machine -------------------------------------------------------- */

static void test_reset(void **state)
{
    static uint8_t f[200];
    for (size_t k = 0; k < ARRAY_SIZE(all_kinds); k++) {
        mk(all_kinds[k], NULL);
        vd_up(&D, F_LINUX, 256, 0, 1536);
        settle();
        /* Frames waiting for buffers when the driver resets: dropped, the
         * backend released. */
        be->completions = 0;
        assert_int_equal(tbe_send(be, f, patterned(f, 1, 100), NULL), 0);
        assert_int_equal(tbe_send(be, f, patterned(f, 2, 100), NULL), 0);
        assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
        vd_set_status(&D, 0);
        settle();
        assert_int_equal(net_client_queue_len(D.n->nc), 0);
        assert_int_equal(be->completions, 2);
        assert_false(be->blocked);
        /* A transmit frame still queued in netback across a reset. */
        be->capacity = 0;
        be->held = 0;
        vd_up(&D, F_LINUX, 256, 8, 1536);
        settle();
        numbered_frame(f, 10, 100);
        vd_tx(&D, f, 100);
        /* A kick pending on the loop when the reset comes. */
        numbered_frame(f, 11, 100);
        vd_tx(&D, f, 100);
        loop_run_once(loop, 0);
        vd_up(&D, F_LINUX, 256, 8, 1536);
        settle();
        assert_true(D.n->filter.promisc);       /* the default again */
        assert_int_equal(D.n->nc->rx_caps, 0);  /* the test backend offers nothing */
        numbered_frame(f, 12, 100);
        vd_tx(&D, f, 100);
        settle();
        be->capacity = -1;
        tbe_drain(be);
        settle();
        /* 10 waited in netback; 11 was never taken before the reset (the
         * driver's to send again); 12 went once 10 was through. */
        assert_int_equal(be->n_rx, 2);
        assert_int_equal(frame_number(be->rx[0].data), 10);
        assert_int_equal(frame_number(be->rx[1].data), 12);
        tbe_forget(be);
        /* Everything works after. */
        assert_int_equal(tbe_send(be, f, patterned(f, 20, 100), NULL), 100);
        expect_rx(20, 100, 1);
    }
}

/* A stopped machine (stop, -S) takes no kicks and no frames; at cont what
 * waited goes on. */
static void test_machine_stopped(void **state)
{
    static uint8_t f[200];
    mk(VD_PCI_MODERN, NULL);
    vd_up(&D, F_LINUX, 256, 8, 1536);
    settle();
    loop_vclock_stop(loop);
    numbered_frame(f, 1, 100);
    vd_tx(&D, f, 100);
    settle();
    assert_int_equal(be->n_rx, 0);
    assert_int_equal(tbe_send(be, f, patterned(f, 2, 100), NULL), 0);
    assert_true(be->blocked);
    VdRx r;
    assert_false(vd_rx_get(&D, &r));
    loop_vclock_start(loop);
    settle();
    assert_int_equal(be->n_rx, 1);
    expect_rx(2, 100, 1);
    assert_false(be->blocked);
}

/* Receive interrupts follow the driver's suppression (event index). */
static void test_rx_interrupts(void **state)
{
    static uint8_t f[200];
    mk(VD_MMIO_V2, NULL);
    vd_up(&D, F_LINUX, 256, 64, 1536);
    settle();
    vd_isr(&D);
    /* NAPI polling: used_event far behind, no interrupts. */
    tvq_set_used_event(&D.rx, (uint16_t)(tvq_used_idx(&D.rx) - 1));
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(tbe_send(be, f, patterned(f, i, 100), NULL), 100);
    assert_int_equal(vd_line(&D), 0);
    for (uint32_t i = 0; i < 5; i++)
        expect_rx(i, 100, 1);
    /* Interrupts wanted at the next used buffer. */
    tvq_set_used_event(&D.rx, tvq_used_idx(&D.rx));
    assert_int_equal(tbe_send(be, f, patterned(f, 5, 100), NULL), 100);
    assert_int_equal(vd_line(&D), 1);
    assert_int_equal(vd_isr(&D), VIRTIO_ISR_QUEUE);
}

/* ---- packed rings ------------------------------------------------------------------------ */

/* The same device on packed virtqueues (packed=on, §2.8): transmit in
 * order across ring wraps, mergeable receive, both directions' flow
 * control (the device asking for kicks with buffers it cannot use yet
 * pending), a control command, TSO. */
static void test_packed_rings(void **state)
{
    static uint8_t f[70000];
    static const VdKind kinds[] = {VD_PCI_MODERN, VD_MMIO_V2};
    for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
        mk(kinds[k], (const char *const[]){"packed", "on", NULL});
        uint64_t neg = vd_up(&D, F_LINUX | BIT(VIRTIO_F_RING_PACKED), 256, 64, 1536);
        assert_true(neg & BIT(VIRTIO_F_RING_PACKED));
        settle();
        assert_int_equal(ctrl_on(VNET_CTRL_RX_PROMISC, 0), VNET_OK);
        /* 700 frames: the ring wraps twice. */
        for (uint32_t i = 0; i < 700; i++) {
            numbered_frame(f, i, 60 + i % 500);
            vd_tx(&D, f, 60 + i % 500);
            if (i % 100 == 99)
                settle();
        }
        settle();
        assert_int_equal(be->n_rx, 700);
        for (int i = 0; i < 700; i++)
            assert_int_equal(frame_number(be->rx[i].data), (uint32_t)i);
        tbe_forget(be);
        /* Receive, one buffer and several, across wraps. */
        for (uint32_t i = 0; i < 300; i++) {
            size_t len = i % 10 == 0 ? 5000 : 60 + i;
            assert_int_equal(tbe_send(be, f, patterned(f, i, len), NULL), (ssize_t)len);
            unsigned nb = (unsigned)((len + 12 + 1535) / 1536);
            expect_rx(i, len, nb);
            vd_post_rx(&D, nb);
            settle();
        }
        /* Out of buffers: held, the backend stopped; a 9000-byte frame
         * behind waits for six buffers, which come a few at a time — each
         * batch must kick although buffers too few for it wait unused. */
        VdRx r;
        while (vd_rx_get(&D, &r))
            free(r.data);
        uint32_t sent = 0;
        while (tbe_send(be, f, patterned(f, 1000 + sent, 60), NULL) > 0)
            sent++;
        assert_int_equal(sent, 64);
        assert_true(be->blocked);
        assert_int_equal(tbe_send(be, f, patterned(f, 2000, 9000), NULL), 0);
        for (uint32_t i = 0; i < sent; i++)
            expect_rx(1000 + i, 60, 1);
        vd_post_rx(&D, 1);
        settle();
        expect_rx(1000 + sent, 60, 1);
        vd_post_rx(&D, 3);
        settle();
        assert_false(vd_rx_get(&D, &r));
        vd_post_rx(&D, 3);
        settle();
        expect_rx(2000, 9000, 6);
        assert_false(be->blocked);
        tbe_forget(be);
        be->capacity = 2;
        be->held = 0;
        for (uint32_t i = 0; i < 6; i++) {
            numbered_frame(f, i, 100);
            vd_tx(&D, f, 100);
        }
        settle();
        assert_int_equal(be->n_rx, 2);
        for (int round = 0; round < 5; round++) {
            tbe_drain(be);
            settle();
        }
        assert_int_equal(be->n_rx, 6);
        for (int i = 0; i < 6; i++)
            assert_int_equal(frame_number(be->rx[i].data), (uint32_t)i);
        be->capacity = -1;
        tbe_forget(be);
        /* TSO cut for the plain backend. */
        VdHdr h;
        size_t len = partial_tcp4(f, 10000, 1448, &h, 1);
        uint16_t old = vd_mark(&D, &D.tx);
        vd_tx_add(&D, &h, f, len, false);
        vd_kick_if_needed(&D, &D.tx, old);
        settle();
        assert_int_equal(check_segments(0, 1, 10000, 1448, 4), 7);
        tbe_forget(be);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_features_and_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feature_properties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_offload_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_sizes_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_flow_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_single_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_mergeable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_flow_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_tso, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_csum_uso_ufo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_offloads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_rx_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_vlan_mq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_mac_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_msix_vectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_tx_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_chains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_merge_and_ctrl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_machine_stopped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_interrupts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packed_rings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
