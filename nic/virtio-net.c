/*
 * virtio-net.c — the virtio network device (VIRTIO Specification v1.2,
 * §5.1): device ID 1, receive and transmit queue pairs and a control queue
 * (§5.1.2), its feature bits and their dependencies (§5.1.3, §5.1.3.1), the
 * configuration space (§5.1.4: mac, status, max_virtqueue_pairs, mtu,
 * speed, duplex), the header before every frame (§5.1.6, 10 bytes on a
 * legacy interface without MRG_RXBUF, §5.1.6.1), transmission (§5.1.6.2)
 * and reception (§5.1.6.3, §5.1.6.4). The control queue and the receive
 * filter are in virtio-net-ctrl.c (§5.1.6.5).
 *
 * One registration makes virtio-net-pci (alias virtio-net),
 * virtio-net-pci-transitional, virtio-net-pci-non-transitional (PCI IDs
 * 1af4:1000 and 1af4:1041) and virtio-net-device (virtio-mmio). The device
 * is a NIC of the frame path (netback/net.h): frames go to its peer with
 * net_send() and come back through receive().
 *
 * Features offered (each has QEMU's property, and is offered only when its
 * property is on and what it needs is there):
 *   - MAC (always: the mac= property or QEMU's default), STATUS (link state
 *     from the frame path; set_link moves it and sends a configuration
 *     notification), GUEST_ANNOUNCE (ANNOUNCE is raised when the link comes
 *     back up; needs STATUS and CTRL_VQ);
 *   - CSUM, HOST_TSO4/TSO6/ECN/UFO/USO and, on a legacy interface, GSO:
 *     always, whatever the backend — netback completes checksums and cuts
 *     super-frames for a peer that cannot take them (netback/README.md);
 *   - GUEST_CSUM, GUEST_TSO4/TSO6/ECN/UFO: only what the peer's frames can
 *     carry (NetClient.tx_caps: a hub port, yes; user networking, no), since
 *     a guest that negotiates them must post buffers for 64 KiB frames;
 *   - MRG_RXBUF, CTRL_VQ with CTRL_RX, CTRL_RX_EXTRA, CTRL_VLAN,
 *     CTRL_MAC_ADDR and CTRL_GUEST_OFFLOADS;
 *   - MQ with mq=on: max_virtqueue_pairs is the backend's queue count — 1
 *     for every backend ferry has, as QEMU offers it on user networking;
 *   - MTU with host_mtu=N, SPEED_DUPLEX with speed= or duplex=.
 * Not offered: RSS, HASH_REPORT, RSC_EXT, GUEST_HDRLEN, STANDBY,
 * NOTF_COAL; their properties do not exist here.
 *
 * Transmit: a kick runs on the event loop (vq_set_kick_loop, as QEMU's
 * ioeventfd), never in the vCPU's MMIO exit. Kicks are off while the queue
 * is drained; up to VNET_TX_BURST frames go per turn, then the rest is left
 * to a bottom half so other work runs in between; kicks come back on with
 * a re-check for buffers that arrived meanwhile (§2.7.10). Each frame's
 * header is read and checked (§5.1.6.2.1: a header the negotiated features
 * do not allow is dropped and logged under -d guest_errors), and the rest
 * of the chain goes to net_send() as an iovec straight into guest RAM. When
 * net_send() says "queued" (the peer is full; netback keeps a copy) the
 * buffer is returned and nothing more is popped until the completion.
 *
 * Receive: receive() filters (promiscuous after reset, as QEMU; the
 * driver's RX modes, MAC and VLAN tables after that), then copies the
 * frame into one buffer, or, with MRG_RXBUF, as many as it needs (the
 * header's num_buffers, §5.1.6.4.1). No buffer (or, merging, not enough):
 * it returns 0, netback holds the frame and the backend stops; RX kicks are
 * asked for then, and the kick calls net_client_ready(). Without
 * MRG_RXBUF a frame bigger than the buffer is dropped and the buffer kept
 * (§5.1.6.3.2: one buffer per frame). A buffer smaller than the header is
 * returned unused (logged). DATA_VALID and NEEDS_CSUM reach the guest only
 * with GUEST_CSUM, super-frames only with the matching GUEST_* offload in
 * force: the NIC's rx_caps, so netback resolves anything else first.
 *
 * A stopped machine (stop, -S) processes no kicks and takes no frames:
 * both wait for a timer on the virtual clock, which runs again at cont.
 * Reset drops the filter state and offload choices; the device holds no
 * element between calls, so none can outlive a reset.
 */
#include "core/log.h"
#include "nic/virtio-net.h"

#define VNET_TX_BURST        256    /* frames per turn (QEMU's tx_burst) */
#define VNET_CTRL_QUEUE_SIZE 64
#define VNET_QUEUE_MIN       256    /* rx/tx_queue_size: powers of two in here */
#define VNET_QUEUE_MAX       1024

/* The GUEST_* offloads CTRL_GUEST_OFFLOADS may switch (§5.1.6.5.8.1). */
#define VNET_GUEST_OFFLOADS                                                        \
    (VIRTIO_BIT(VNET_F_GUEST_CSUM) | VIRTIO_BIT(VNET_F_GUEST_TSO4) |               \
     VIRTIO_BIT(VNET_F_GUEST_TSO6) | VIRTIO_BIT(VNET_F_GUEST_ECN) |                \
     VIRTIO_BIT(VNET_F_GUEST_UFO))

static const char *const duplex_choices[] = {"unknown", "half", "full", NULL};

/* The NIC's client in the frame path, with the way back to the device. */
typedef struct VNetClient {
    NetClient nc;
    VirtIONet *n;
} VNetClient;

static VirtIONet *vnet_of(NetClient *nc)
{
    return ((VNetClient *)nc)->n;
}

/* Room for one mergeable frame's buffers. */
typedef struct VNetRxScratch {
    VirtQueueElement **elems;
    unsigned max;
} VNetRxScratch;

/* ---- the machine's run state ---------------------------------------------------- */

static bool vnet_running(VirtIONet *n)
{
    return !n->loop || loop_vclock_running(n->loop);
}

/* Work found while the machine is stopped waits for it to run: virtual
 * timers do not fire while it is stopped. */
static void vnet_wait_for_run(VirtIONet *n)
{
    if (n->resume && !timer_pending(n->resume))
        timer_mod(n->resume, clock_get_ns(n->loop, CLK_VIRTUAL));
}

/* ---- features ---------------------------------------------------------------------- */

/* The queue pairs the backend has. MQ needs one backend queue per pair
 * (each pair's frames must reach their own host queue); no backend ferry
 * has is multiqueue, so every device has one pair. (With more, the control
 * queue's index would follow the negotiation, 2 without MQ and
 * 2 * max_virtqueue_pairs with it, §5.1.2; and receive steering, §5.1.6.5.6,
 * would pick the pair. Neither is needed for one pair.) */
static unsigned vnet_backend_pairs(const NetClient *peer)
{
    return 1;
}

static uint64_t vnet_offered(VirtIONet *n)
{
    uint64_t f = VIRTIO_BIT(VNET_F_MAC);
    uint32_t peer_caps = n->netdev ? n->netdev->tx_caps : 0;

    /* Transmit offloads: netback resolves whatever the peer cannot take. */
    if (n->p_csum) {
        f |= VIRTIO_BIT(VNET_F_CSUM);
        if (n->p_host_tso4)
            f |= VIRTIO_BIT(VNET_F_HOST_TSO4);
        if (n->p_host_tso6)
            f |= VIRTIO_BIT(VNET_F_HOST_TSO6);
        if (n->p_host_ecn && (f & (VIRTIO_BIT(VNET_F_HOST_TSO4) | VIRTIO_BIT(VNET_F_HOST_TSO6))))
            f |= VIRTIO_BIT(VNET_F_HOST_ECN);
        if (n->p_host_ufo)
            f |= VIRTIO_BIT(VNET_F_HOST_UFO);
        if (n->p_host_uso)
            f |= VIRTIO_BIT(VNET_F_HOST_USO);
        /* §5.1.3.2: a legacy bit; a modern interface has no such feature. */
        if (n->p_gso && n->vdev.has_legacy)
            f |= VIRTIO_BIT(VNET_F_GSO);
    }
    /* Receive offloads: only what the peer's frames can carry. */
    if (n->p_guest_csum && (peer_caps & NET_CAP_CSUM)) {
        f |= VIRTIO_BIT(VNET_F_GUEST_CSUM);
        if (n->p_guest_tso4 && (peer_caps & NET_CAP_TSO4))
            f |= VIRTIO_BIT(VNET_F_GUEST_TSO4);
        if (n->p_guest_tso6 && (peer_caps & NET_CAP_TSO6))
            f |= VIRTIO_BIT(VNET_F_GUEST_TSO6);
        if (n->p_guest_ecn && (peer_caps & NET_CAP_ECN) &&
            (f & (VIRTIO_BIT(VNET_F_GUEST_TSO4) | VIRTIO_BIT(VNET_F_GUEST_TSO6))))
            f |= VIRTIO_BIT(VNET_F_GUEST_ECN);
        if (n->p_guest_ufo && (peer_caps & NET_CAP_UFO))
            f |= VIRTIO_BIT(VNET_F_GUEST_UFO);
    }
    if (n->p_mrg_rxbuf)
        f |= VIRTIO_BIT(VNET_F_MRG_RXBUF);
    if (n->p_status)
        f |= VIRTIO_BIT(VNET_F_STATUS);
    if (n->p_ctrl_vq) {
        f |= VIRTIO_BIT(VNET_F_CTRL_VQ);
        if (n->p_ctrl_rx) {
            f |= VIRTIO_BIT(VNET_F_CTRL_RX);
            if (n->p_ctrl_rx_extra)
                f |= VIRTIO_BIT(VNET_F_CTRL_RX_EXTRA);
        }
        if (n->p_ctrl_vlan)
            f |= VIRTIO_BIT(VNET_F_CTRL_VLAN);
        if (n->p_guest_announce && n->p_status)
            f |= VIRTIO_BIT(VNET_F_GUEST_ANNOUNCE);
        if (n->p_ctrl_mac_addr)
            f |= VIRTIO_BIT(VNET_F_CTRL_MAC_ADDR);
        if (n->p_ctrl_guest_offloads)
            f |= VIRTIO_BIT(VNET_F_CTRL_GUEST_OFFLOADS);
        if (n->p_mq)
            f |= VIRTIO_BIT(VNET_F_MQ);
    }
    if (n->host_mtu)
        f |= VIRTIO_BIT(VNET_F_MTU);
    if (n->speed != -1 || n->duplex != 0)
        f |= VIRTIO_BIT(VNET_F_SPEED_DUPLEX);
    return f;
}

static uint64_t vnet_get_features(VirtIODevice *vdev)
{
    return ((VirtIONet *)vdev)->features;
}

/* §5.1.3.1 (and CTRL_RX_EXTRA, an extension of CTRL_RX): a feature and
 * what it requires. `any` lists alternatives, `all` must all be there. */
static const struct {
    uint8_t bit;
    uint64_t need_any;
} vnet_deps[] = {
    {VNET_F_GUEST_TSO4, VIRTIO_BIT(VNET_F_GUEST_CSUM)},
    {VNET_F_GUEST_TSO6, VIRTIO_BIT(VNET_F_GUEST_CSUM)},
    {VNET_F_GUEST_ECN, VIRTIO_BIT(VNET_F_GUEST_TSO4) | VIRTIO_BIT(VNET_F_GUEST_TSO6)},
    {VNET_F_GUEST_UFO, VIRTIO_BIT(VNET_F_GUEST_CSUM)},
    {VNET_F_HOST_TSO4, VIRTIO_BIT(VNET_F_CSUM)},
    {VNET_F_HOST_TSO6, VIRTIO_BIT(VNET_F_CSUM)},
    {VNET_F_HOST_ECN, VIRTIO_BIT(VNET_F_HOST_TSO4) | VIRTIO_BIT(VNET_F_HOST_TSO6)},
    {VNET_F_HOST_UFO, VIRTIO_BIT(VNET_F_CSUM)},
    {VNET_F_HOST_USO, VIRTIO_BIT(VNET_F_CSUM)},
    {VNET_F_GSO, VIRTIO_BIT(VNET_F_CSUM)},
    {VNET_F_CTRL_RX, VIRTIO_BIT(VNET_F_CTRL_VQ)},
    {VNET_F_CTRL_RX_EXTRA, VIRTIO_BIT(VNET_F_CTRL_RX)},
    {VNET_F_CTRL_VLAN, VIRTIO_BIT(VNET_F_CTRL_VQ)},
    {VNET_F_GUEST_ANNOUNCE, VIRTIO_BIT(VNET_F_CTRL_VQ)},
    {VNET_F_MQ, VIRTIO_BIT(VNET_F_CTRL_VQ)},
    {VNET_F_CTRL_MAC_ADDR, VIRTIO_BIT(VNET_F_CTRL_VQ)},
    {VNET_F_CTRL_GUEST_OFFLOADS, VIRTIO_BIT(VNET_F_CTRL_VQ)},
};

/* The features whose requirements the set does not meet. */
static uint64_t vnet_unmet(uint64_t f)
{
    uint64_t bad = 0;
    for (size_t i = 0; i < ARRAY_SIZE(vnet_deps); i++)
        if ((f & VIRTIO_BIT(vnet_deps[i].bit)) && !(f & vnet_deps[i].need_any))
            bad |= VIRTIO_BIT(vnet_deps[i].bit);
    return bad;
}

/* §2.2.2: a set that breaks §5.1.3.1 is refused (FEATURES_OK stays clear). */
static bool vnet_validate_features(VirtIODevice *vdev, uint64_t f)
{
    uint64_t bad = vnet_unmet(f);
    if (bad)
        qlog(LOG_GUEST_ERROR, "%s: features 0x%016" PRIx64 " lack what they require "
             "(§5.1.3.1)\n", vdev->name, bad);
    return !bad;
}

static void vnet_update_rx_caps(VirtIONet *n)
{
    uint64_t o = n->guest_offloads;
    uint32_t caps = 0;
    if (o & VIRTIO_BIT(VNET_F_GUEST_CSUM)) {
        caps |= NET_CAP_CSUM;
        if (o & VIRTIO_BIT(VNET_F_GUEST_TSO4))
            caps |= NET_CAP_TSO4;
        if (o & VIRTIO_BIT(VNET_F_GUEST_TSO6))
            caps |= NET_CAP_TSO6;
        if (o & VIRTIO_BIT(VNET_F_GUEST_ECN))
            caps |= NET_CAP_ECN;
        if (o & VIRTIO_BIT(VNET_F_GUEST_UFO))
            caps |= NET_CAP_UFO;
    }
    net_client_set_rx_caps(n->nc, caps);
}

void vnet_set_guest_offloads(VirtIONet *n, uint64_t offloads)
{
    n->guest_offloads = offloads & VNET_GUEST_OFFLOADS;
    vnet_update_rx_caps(n);
}

static void vnet_set_features(VirtIODevice *vdev, uint64_t f)
{
    VirtIONet *n = (VirtIONet *)vdev;
    /* A legacy driver's set is taken as written (§3.1.2): what lacks its
     * requirements is not used. */
    f &= ~vnet_unmet(f);
    n->mergeable = f & VIRTIO_BIT(VNET_F_MRG_RXBUF);
    n->hdr_len = (f & VIRTIO_BIT(VIRTIO_F_VERSION_1)) || n->mergeable ? VNET_HDR_LEN
                                                                      : VNET_HDR_LEN_LEGACY;
    /* §5.1.6.5.8.1: negotiating an offload turns it on. */
    vnet_set_guest_offloads(n, f);
    n->filter.vlan_filter = f & VIRTIO_BIT(VNET_F_CTRL_VLAN);
}

/* ---- configuration space (§5.1.4) ------------------------------------------------ */

static size_t vnet_config_len(uint64_t f)
{
    if (f & VIRTIO_BIT(VNET_F_SPEED_DUPLEX))
        return VNET_CFG_END_DUPLEX;
    if (f & VIRTIO_BIT(VNET_F_MTU))
        return VNET_CFG_MTU + 2;
    if (f & VIRTIO_BIT(VNET_F_MQ))
        return VNET_CFG_MAX_PAIRS + 2;
    if (f & VIRTIO_BIT(VNET_F_STATUS))
        return VNET_CFG_STATUS + 2;
    return VNET_CFG_STATUS;
}

void vnet_config_update(VirtIONet *n)
{
    uint8_t c[VNET_CFG_END_DUPLEX];
    memcpy(c + VNET_CFG_MAC, n->cur_mac, 6);
    virtio_stw(c + VNET_CFG_STATUS, n->status);
    virtio_stw(c + VNET_CFG_MAX_PAIRS, (uint16_t)n->max_pairs);
    virtio_stw(c + VNET_CFG_MTU, (uint16_t)n->host_mtu);
    virtio_stl(c + VNET_CFG_SPEED, n->speed < 0 ? 0xffffffffu : (uint32_t)n->speed);
    /* The layout's description: 0x01 full, 0x00 half, 0xff unknown (Linux's
     * DUPLEX_* values; the requirement text has the first two swapped). */
    static const uint8_t duplex_val[] = {0xff, 0x00, 0x01};
    c[VNET_CFG_DUPLEX] = duplex_val[n->duplex];
    memcpy(n->vdev.config, c, MIN(n->vdev.config_len, sizeof(c)));
}

static void vnet_get_config(VirtIODevice *vdev, uint8_t *config)
{
    vnet_config_update((VirtIONet *)vdev);
}

void vnet_set_mac(VirtIONet *n, const uint8_t mac[6])
{
    memcpy(n->cur_mac, mac, 6);
    nic_set_mac(n->nc, mac);
    vnet_config_update(n);
}

/* §5.1.4.3: through a legacy interface the driver may write mac (drivers
 * without CTRL_MAC_ADDR set their address that way). Everything else is
 * read-only. */
static void vnet_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIONet *n = (VirtIONet *)vdev;
    if (vdev->legacy && !vnet_has(n, VNET_F_CTRL_MAC_ADDR)) {
        if (memcmp(config + VNET_CFG_MAC, n->cur_mac, 6))
            vnet_set_mac(n, config + VNET_CFG_MAC);
    } else {
        qlog(LOG_GUEST_ERROR, "%s: the device configuration is read-only here (§5.1.4); "
             "write ignored\n", vdev->name);
    }
    vnet_config_update(n);
}

/* ---- link state -------------------------------------------------------------------- */

static void vnet_link_changed(NetClient *nc)
{
    VirtIONet *n = vnet_of(nc);
    uint16_t old = n->status;
    if (net_client_link_up(nc)) {
        n->status |= VNET_S_LINK_UP;
        /* The cable is back: the guest may tell the network where it is
         * (§5.1.6.5.4), as after a migration. */
        if (!(old & VNET_S_LINK_UP) && vnet_has(n, VNET_F_GUEST_ANNOUNCE))
            n->status |= VNET_S_ANNOUNCE;
    } else {
        n->status &= (uint16_t)~VNET_S_LINK_UP;
    }
    if (n->status == old)
        return;
    vnet_config_update(n);
    if (n->features & VIRTIO_BIT(VNET_F_STATUS))
        virtio_config_changed(&n->vdev);
}

void vnet_announce_ack(VirtIONet *n)
{
    n->status &= (uint16_t)~VNET_S_ANNOUNCE;
    vnet_config_update(n);
}

/* ---- transmit (§5.1.6.2) ------------------------------------------------------------- */

static VNetQueue *vnet_queue_of(VirtIONet *n, VirtQueue *vq)
{
    unsigned i = virtio_queue_index(vq) / 2;
    return i < n->max_pairs ? &n->q[i] : NULL;
}

/* §5.1.6.2.1: what the driver may put in a header for the features it
 * negotiated (len: the frame after the header). NULL when acceptable; *off
 * is then what the frame carries to net_send(). */
static const char *vnet_tx_header(const VirtIONet *n, const uint8_t *h, size_t len,
                                  NetOffload *off)
{
    uint8_t flags = h[0], gso = h[1];
    uint16_t hdr_len = virtio_lduw(h + 2), gso_size = virtio_lduw(h + 4);
    uint16_t csum_start = virtio_lduw(h + 6), csum_offset = virtio_lduw(h + 8);
    bool legacy_gso = vnet_has(n, VNET_F_GSO) && vnet_has(n, VNET_F_CSUM);
    memset(off, 0, sizeof(*off));
    /* §5.1.6.2.2: unknown flag bits are ignored; DATA_VALID and RSC_INFO
     * mean nothing on transmit. */
    if (flags & VNET_HDR_F_NEEDS_CSUM) {
        if (!vnet_has(n, VNET_F_CSUM))
            return "NEEDS_CSUM without VIRTIO_NET_F_CSUM";
        if ((size_t)csum_start + csum_offset + 2 > len)
            return "csum_start + csum_offset beyond the frame";
        off->flags = NET_F_NEEDS_CSUM;
        off->csum_start = csum_start;
        off->csum_offset = csum_offset;
    }
    uint8_t type = gso & (uint8_t)~NET_GSO_ECN;
    bool tcp = false;
    switch (type) {
    case NET_GSO_NONE:
        return NULL; /* an ECN bit without a type says nothing */
    case NET_GSO_TCPV4:
        if (!vnet_has(n, VNET_F_HOST_TSO4) && !legacy_gso)
            return "gso_type TCPV4 without VIRTIO_NET_F_HOST_TSO4";
        tcp = true;
        break;
    case NET_GSO_TCPV6:
        if (!vnet_has(n, VNET_F_HOST_TSO6) && !legacy_gso)
            return "gso_type TCPV6 without VIRTIO_NET_F_HOST_TSO6";
        tcp = true;
        break;
    case NET_GSO_UDP:
        if (!vnet_has(n, VNET_F_HOST_UFO) && !legacy_gso)
            return "gso_type UDP without VIRTIO_NET_F_HOST_UFO";
        break;
    case NET_GSO_UDP_L4:
        if (!vnet_has(n, VNET_F_HOST_USO))
            return "gso_type UDP_L4 without VIRTIO_NET_F_HOST_USO";
        break;
    default:
        return "unknown gso_type";
    }
    if (gso & NET_GSO_ECN) {
        if (!tcp)
            return "GSO_ECN on a UDP gso_type";
        if (!vnet_has(n, VNET_F_HOST_ECN) && !legacy_gso)
            return "GSO_ECN without VIRTIO_NET_F_HOST_ECN";
    }
    if (!(flags & VNET_HDR_F_NEEDS_CSUM))
        return "a gso_type without NEEDS_CSUM";
    if (!gso_size)
        return "a gso_type with gso_size 0";
    if (hdr_len > len)
        return "hdr_len beyond the frame";
    off->gso_type = gso;
    off->gso_size = gso_size;
    off->hdr_len = hdr_len;
    return NULL;
}

static void vnet_tx_process(VNetQueue *q);

static void vnet_tx_done(NetClient *nc, ssize_t len)
{
    VirtIONet *n = vnet_of(nc);
    if (n->tx_inflight)
        n->tx_inflight--;
    if (n->tx_inflight)
        return;
    for (unsigned i = 0; i < n->max_pairs; i++)
        n->q[i].tx_more = true;
    if (n->bh) {
        bh_schedule(n->bh);
    } else {
        for (unsigned i = 0; i < n->max_pairs; i++)
            if (n->q[i].tx_more)
                vnet_tx_process(&n->q[i]);
    }
}

/* One popped transmit buffer to the peer. false: net_send() queued it, the
 * peer is full — stop until vnet_tx_done(). */
static bool vnet_tx_one(VNetQueue *q, VirtQueueElement *e)
{
    VirtIONet *n = q->n;
    VirtIODevice *vdev = &n->vdev;
    if (e->out_len < n->hdr_len) {
        qlog(LOG_GUEST_ERROR, "%s: transmit buffer of %zu device-readable bytes (%zu "
             "device-writable) has no room for the %zu-byte header; dropped\n", vdev->name,
             e->out_len, e->in_len, n->hdr_len);
        n->nc->tx_dropped++;
        return true;
    }
    uint8_t h[VNET_HDR_LEN];
    vq_elem_read(e, 0, h, n->hdr_len);
    NetOffload off;
    const char *why = vnet_tx_header(n, h, e->out_len - n->hdr_len, &off);
    if (why) {
        qlog(LOG_GUEST_ERROR, "%s: transmit header: %s (flags 0x%02x gso_type 0x%02x hdr_len "
             "%u gso_size %u csum_start %u csum_offset %u); frame dropped\n", vdev->name, why,
             h[0], h[1], virtio_lduw(h + 2), virtio_lduw(h + 4), virtio_lduw(h + 6),
             virtio_lduw(h + 8));
        n->nc->tx_dropped++;
        return true;
    }
    /* The frame: the chain after the header, iovecs into guest RAM. */
    int cnt = 0;
    size_t skip = n->hdr_len;
    for (unsigned i = 0; i < e->out_num; i++) {
        size_t l = e->out_sg[i].iov_len;
        if (skip >= l) {
            skip -= l;
            continue;
        }
        q->tx_iov[cnt].iov_base = (uint8_t *)e->out_sg[i].iov_base + skip;
        q->tx_iov[cnt].iov_len = l - skip;
        skip = 0;
        cnt++;
    }
    if (net_send(n->nc, q->tx_iov, cnt, &off, vnet_tx_done) == 0) {
        n->tx_inflight++;
        return false;
    }
    return true;
}

static void vnet_tx_process(VNetQueue *q)
{
    VirtIONet *n = q->n;
    q->tx_more = false;
    if (n->tx_inflight || !vq_ready(q->tx))
        return;     /* the completion (or the driver) brings us back */
    if (!vnet_running(n)) {
        q->tx_more = true;
        vnet_wait_for_run(n);
        return;
    }
    unsigned burst = n->bh ? VNET_TX_BURST : UINT32_MAX;
    unsigned done = 0;
    bool stopped = false;
    VirtQueueElement *e;
    vq_set_notification(q->tx, false);
    while (done < burst && (e = vq_pop(q->tx))) {
        bool go = vnet_tx_one(q, e);
        /* Sent, queued (netback holds a copy) or dropped: the buffer is
         * the driver's again. Nothing is written into it. */
        vq_push(q->tx, e, 0);
        done++;
        if (!go) {
            stopped = true;
            break;
        }
    }
    if (done)
        vq_notify(q->tx);
    if (stopped)
        return;     /* kicks stay off: vnet_tx_done() resumes */
    if (done == burst) {
        q->tx_more = true;
        bh_schedule(n->bh);
        return;
    }
    vq_set_notification(q->tx, true);
    if (!vq_empty(q->tx)) {
        /* Added while kicks were off. */
        vq_set_notification(q->tx, false);
        q->tx_more = true;
        if (n->bh)
            bh_schedule(n->bh);
        else
            vnet_tx_process(q);
    }
}

static void vnet_tx_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    VNetQueue *q = vnet_queue_of((VirtIONet *)vdev, vq);
    if (q)
        vnet_tx_process(q);
}

/* ---- receive (§5.1.6.3, §5.1.6.4) ------------------------------------------------------ */

/* Copies up to `max` bytes from the source cursor into dst at offset
 * `at`; returns the bytes copied. */
typedef struct IovCursor {
    const struct iovec *iov;
    int cnt, i;
    size_t off;
} IovCursor;

static size_t iov_copy_in(const struct iovec *dst, unsigned dcnt, size_t at, IovCursor *src,
                          size_t max)
{
    size_t done = 0;
    for (unsigned d = 0; d < dcnt && done < max && src->i < src->cnt; d++) {
        size_t dl = dst[d].iov_len;
        if (at >= dl) {
            at -= dl;
            continue;
        }
        uint8_t *dp = (uint8_t *)dst[d].iov_base + at;
        size_t room = dl - at;
        at = 0;
        while (room && done < max && src->i < src->cnt) {
            const struct iovec *s = &src->iov[src->i];
            size_t n = MIN(MIN(room, max - done), s->iov_len - src->off);
            memcpy(dp, (const uint8_t *)s->iov_base + src->off, n);
            dp += n;
            room -= n;
            done += n;
            src->off += n;
            if (src->off == s->iov_len) {
                src->i++;
                src->off = 0;
            }
        }
    }
    return done;
}

static void vnet_rx_header(const VirtIONet *n, const NetOffload *off, unsigned nbuf,
                           uint8_t *h)
{
    bool csum = n->guest_offloads & VIRTIO_BIT(VNET_F_GUEST_CSUM);
    memset(h, 0, VNET_HDR_LEN);
    /* netback passed only what the rx_caps accept; without GUEST_CSUM the
     * flags are 0 (§5.1.6.4.1). */
    if (csum) {
        h[0] = off->flags & (VNET_HDR_F_NEEDS_CSUM | VNET_HDR_F_DATA_VALID);
        if (off->flags & NET_F_NEEDS_CSUM) {
            virtio_stw(h + 6, off->csum_start);
            virtio_stw(h + 8, off->csum_offset);
        }
        if (off->gso_type & (uint8_t)~NET_GSO_ECN) {
            h[1] = off->gso_type;
            virtio_stw(h + 2, off->hdr_len);
            virtio_stw(h + 4, off->gso_size);
        }
    }
    virtio_stw(h + 10, (uint16_t)nbuf);
}

/* RX kicks on: the device is out of buffers. Returns whether buffers
 * arrived meanwhile. */
static bool vnet_rx_want_kicks(VNetQueue *q)
{
    if (!q->rx_kicks) {
        q->rx_kicks = true;
        vq_set_notification(q->rx, true);
    }
    return !vq_empty(q->rx);
}

static ssize_t vnet_rx_single(VNetQueue *q, const struct iovec *iov, int iovcnt, size_t size,
                              const NetOffload *off)
{
    VirtIONet *n = q->n;
    VirtQueueElement *e = vq_pop(q->rx);
    if (!e && vnet_rx_want_kicks(q))
        e = vq_pop(q->rx);
    if (!e)
        return 0;
    if (e->in_len < n->hdr_len) {
        qlog(LOG_GUEST_ERROR, "%s: receive buffer of %zu bytes cannot hold the %zu-byte "
             "header; returned unused, frame dropped\n", n->vdev.name, e->in_len, n->hdr_len);
        vq_push(q->rx, e, 0);
        vq_notify(q->rx);
        return -1;
    }
    if (e->in_len - n->hdr_len < size) {
        /* §5.1.6.3.2: one buffer per frame without MRG_RXBUF. */
        qlog(LOG_GUEST_ERROR, "%s: a %zu-byte frame does not fit the %zu-byte receive buffer "
             "(no MRG_RXBUF); frame dropped\n", n->vdev.name, size, e->in_len);
        vq_unpop(q->rx, e);
        return -1;
    }
    IovCursor c = {iov, iovcnt, 0, 0};
    iov_copy_in(e->in_sg, e->in_num, n->hdr_len, &c, size);
    uint8_t h[VNET_HDR_LEN];
    vnet_rx_header(n, off, 1, h);
    vq_elem_write(e, 0, h, n->hdr_len);
    vq_push(q->rx, e, (uint32_t)(n->hdr_len + size));
    vq_notify(q->rx);
    return (ssize_t)size;
}

/* Pops buffers until `need` bytes fit; *cnt of them. 1: enough; 0: the
 * queue ran dry (the buffers are put back); 2: the whole ring is not
 * enough (put back too); -1: a buffer smaller than the header (they are
 * all still held). */
static int vnet_rx_gather(VNetQueue *q, size_t need, VNetRxScratch *s, unsigned *cnt)
{
    size_t have = 0;
    *cnt = 0;
    while (have < need) {
        VirtQueueElement *e = *cnt < s->max ? vq_pop(q->rx) : NULL;
        if (!e) {
            bool never = *cnt >= virtio_queue_size(q->rx);
            while (*cnt)
                vq_unpop(q->rx, s->elems[--*cnt]);
            return never ? 2 : 0;
        }
        s->elems[(*cnt)++] = e;
        if (e->in_len < q->n->hdr_len)
            return -1;
        have += e->in_len;
    }
    return 1;
}

static ssize_t vnet_rx_merge(VNetQueue *q, const struct iovec *iov, int iovcnt, size_t size,
                             const NetOffload *off)
{
    VirtIONet *n = q->n;
    VNetRxScratch s = {n->rx_elems, n->rx_queue_size};
    size_t need = n->hdr_len + size;
    unsigned cnt;
    int r = vnet_rx_gather(q, need, &s, &cnt);
    /* Not enough: ask for kicks, and look once more for buffers the driver
     * added before it could see that. */
    if (r == 0 && vnet_rx_want_kicks(q))
        r = vnet_rx_gather(q, need, &s, &cnt);
    if (r == 0)
        return 0;
    if (r == 2) {
        qlog(LOG_GUEST_ERROR, "%s: a %zu-byte frame does not fit in all %u receive buffers "
             "together; dropped\n", n->vdev.name, size, virtio_queue_size(q->rx));
        return -1;
    }
    if (r < 0) {
        qlog(LOG_GUEST_ERROR, "%s: receive buffer of %zu bytes cannot hold the %zu-byte "
             "header (§5.1.6.3.1); %u buffer(s) returned unused, frame dropped\n",
             n->vdev.name, s.elems[cnt - 1]->in_len, n->hdr_len, cnt);
        for (unsigned i = 0; i < cnt; i++)
            vq_fill(q->rx, s.elems[i], 0, i);
        vq_flush(q->rx, cnt);
        vq_notify(q->rx);
        return -1;
    }
    /* §5.1.6.4.1: every buffer but the last filled up completely. */
    IovCursor c = {iov, iovcnt, 0, 0};
    size_t left = size;
    uint8_t h[VNET_HDR_LEN];
    vnet_rx_header(n, off, cnt, h);
    vq_elem_write(s.elems[0], 0, h, n->hdr_len);
    for (unsigned i = 0; i < cnt; i++) {
        VirtQueueElement *e = s.elems[i];
        size_t at = i == 0 ? n->hdr_len : 0;
        size_t w = iov_copy_in(e->in_sg, e->in_num, at, &c, left);
        left -= w;
        vq_fill(q->rx, e, (uint32_t)(at + w), i);   /* e is the ring's again */
    }
    vq_flush(q->rx, cnt);
    vq_notify(q->rx);
    return (ssize_t)size;
}

/* Length of the Ethernet header (with up to two VLAN tags) at f. */
static size_t vnet_l2_len(const uint8_t *f, size_t len)
{
    size_t l2 = 14;
    for (int tags = 0; tags < 2 && len >= l2 + 4; tags++) {
        uint16_t type = (uint16_t)(f[l2 - 2] << 8 | f[l2 - 1]);
        if (type != 0x8100 && type != 0x88a8)
            break;
        l2 += 4;
    }
    return l2;
}

static ssize_t vnet_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                            const NetOffload *off)
{
    VirtIONet *n = vnet_of(nc);
    VNetQueue *q = &n->q[0];
    size_t size = 0;
    for (int i = 0; i < iovcnt; i++)
        size += iov[i].iov_len;
    if (!vnet_running(n)) {
        vnet_wait_for_run(n);
        return 0;
    }
    /* No driver, or its receive queue is not set up: a NIC with its
     * receiver off takes the frame and drops it. */
    if (!vq_ready(q->rx))
        return (ssize_t)size;
    uint8_t head[22];
    IovCursor c = {iov, iovcnt, 0, 0};
    struct iovec hv = {head, sizeof(head)};
    size_t hl = iov_copy_in(&hv, 1, 0, &c, sizeof(head));
    if (!vnet_filter_accepts(n, head, hl))
        return (ssize_t)size;
    if (vnet_has(n, VNET_F_MTU) && !(off->gso_type & (uint8_t)~NET_GSO_ECN) &&
        size > n->host_mtu + vnet_l2_len(head, hl)) {
        /* §5.1.4.1: nothing above mtu reaches a driver that negotiated it. */
        qlog(LOG_NET, "%s: a %zu-byte frame exceeds mtu %u; dropped\n", n->vdev.name, size,
             n->host_mtu);
        return -1;
    }
    return n->mergeable ? vnet_rx_merge(q, iov, iovcnt, size, off)
                        : vnet_rx_single(q, iov, iovcnt, size, off);
}

static bool vnet_can_receive(NetClient *nc)
{
    VirtIONet *n = vnet_of(nc);
    if (!vnet_running(n)) {
        vnet_wait_for_run(n);
        return false;
    }
    VNetQueue *q = &n->q[0];
    if (!vq_ready(q->rx))
        return true;    /* receive() drops */
    return !vq_empty(q->rx) || vnet_rx_want_kicks(q);
}

/* The driver added receive buffers. */
static void vnet_rx_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = (VirtIONet *)vdev;
    VNetQueue *q = vnet_queue_of(n, vq);
    if (!q)
        return;
    if (!vnet_running(n)) {
        vnet_wait_for_run(n);
        return;
    }
    net_client_ready(n->nc);
    /* Nothing waits: the device has buffers again, kicks off until it runs
     * out (receive() turns them back on). */
    if (!net_client_queue_len(n->nc) && q->rx_kicks) {
        q->rx_kicks = false;
        vq_set_notification(q->rx, false);
    }
}

/* ---- deferred work ----------------------------------------------------------------------- */

static void vnet_bh(void *opaque)
{
    VirtIONet *n = opaque;
    if (!vnet_running(n)) {
        vnet_wait_for_run(n);
        return;
    }
    if (n->rx_flush) {
        n->rx_flush = false;
        net_client_ready(n->nc);
    }
    for (unsigned i = 0; i < n->max_pairs; i++)
        if (n->q[i].tx_more)
            vnet_tx_process(&n->q[i]);
}

/* The machine runs again: what waited goes on. */
static void vnet_resume(void *opaque)
{
    VirtIONet *n = opaque;
    n->rx_flush = true;
    vnet_bh(n);
}

static void vnet_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIONet *n = (VirtIONet *)vdev;
    if (!n->bh)
        return;
    /* Live now: buffers posted before that (kicks for a device that was not
     * live went nowhere) are used; not live: frames waiting are dropped. */
    n->rx_flush = true;
    if (virtio_device_live(vdev))
        for (unsigned i = 0; i < n->max_pairs; i++)
            n->q[i].tx_more = true;
    bh_schedule(n->bh);
}

/* §2.4 / §5.1.6.5.2.1: an empty MAC table and the default modes, the
 * configured MAC, no offloads until negotiated, one queue pair. */
static void vnet_reset(VirtIODevice *vdev)
{
    VirtIONet *n = (VirtIONet *)vdev;
    n->cur_pairs = 1;
    n->mergeable = false;
    n->hdr_len = vdev->has_modern && !vdev->has_legacy ? VNET_HDR_LEN : VNET_HDR_LEN_LEGACY;
    vnet_set_guest_offloads(n, 0);
    for (unsigned i = 0; i < n->max_pairs; i++) {
        n->q[i].tx_more = false;
        n->q[i].rx_kicks = true;    /* the queues' state after reset */
    }
    vnet_filter_reset(n);
    n->status &= (uint16_t)~VNET_S_ANNOUNCE;
    vnet_set_mac(n, n->mac.a);
    /* Frames waiting for the old rings are dropped once the reset is done
     * (the device is not live then). */
    if (n->bh) {
        n->rx_flush = true;
        bh_schedule(n->bh);
    }
}

/* ---- set-up ------------------------------------------------------------------------------- */

static const NetClientOps vnet_client_ops = {
    .type = "nic",
    .size = sizeof(VNetClient),
    .receive = vnet_receive,
    .can_receive = vnet_can_receive,
    .link_changed = vnet_link_changed,
};

static int vnet_check_props(VirtIONet *n, Error **errp)
{
    const char *tn = n->vdev.dev->type->name;
    if (!IS_POW2(n->rx_queue_size)) {
        error_setg(errp, "%s: Invalid rx_queue_size (= %u), must be a power of 2 between "
                   "%d and %d", tn, n->rx_queue_size, VNET_QUEUE_MIN, VNET_QUEUE_MAX);
        return -1;
    }
    if (!IS_POW2(n->tx_queue_size)) {
        error_setg(errp, "%s: Invalid tx_queue_size (= %u), must be a power of 2 between "
                   "%d and %d", tn, n->tx_queue_size, VNET_QUEUE_MIN, VNET_QUEUE_MAX);
        return -1;
    }
    if (n->host_mtu && n->host_mtu < 68) {
        error_setg(errp, "%s: host_mtu=%u: the MTU must be 0 (not offered) or between 68 "
                   "and 65535 (§5.1.4.1)", tn, n->host_mtu);
        return -1;
    }
    if (n->p_mq && !n->p_ctrl_vq) {
        error_setg(errp, "%s: mq=on needs ctrl_vq=on (VIRTIO_NET_F_MQ requires the control "
                   "queue, virtio 1.2 §5.1.3.1)", tn);
        return -1;
    }
    return 0;
}

static int vnet_realize(VirtIODevice *vdev, Error **errp)
{
    VirtIONet *n = (VirtIONet *)vdev;
    if (vnet_check_props(n, errp) < 0)
        return -1;
    n->nc = nic_new(vdev->dev, &vnet_client_ops, &n->mac, n->netdev, errp);
    if (!n->nc)
        return -1;
    ((VNetClient *)n->nc)->n = n;
    n->loop = net_loop();
    n->max_pairs = n->p_mq ? MIN(vnet_backend_pairs(n->netdev), (unsigned)VNET_MAX_PAIRS) : 1;
    n->cur_pairs = 1;
    /* §5.1.2: receiveq1, transmitq1, ..., then controlq. */
    for (unsigned i = 0; i < n->max_pairs; i++) {
        VNetQueue *q = &n->q[i];
        q->n = n;
        q->index = i;
        q->rx = virtio_add_queue(vdev, n->rx_queue_size, vnet_rx_kick);
        q->tx = virtio_add_queue(vdev, n->tx_queue_size, vnet_tx_kick);
        q->tx_iov = xcalloc(VIRTQUEUE_MAX_SG, sizeof(*q->tx_iov));
        if (n->loop) {
            vq_set_kick_loop(q->rx, n->loop);
            vq_set_kick_loop(q->tx, n->loop);
        }
    }
    n->rx_elems = xcalloc(n->rx_queue_size, sizeof(*n->rx_elems));
    if (n->p_ctrl_vq)
        n->ctrl = virtio_add_queue(vdev, VNET_CTRL_QUEUE_SIZE, vnet_ctrl_kick);
    if (n->loop) {
        n->bh = bh_new(n->loop, vnet_bh, n);
        n->resume = timer_new(n->loop, CLK_VIRTUAL, vnet_resume, n);
    }
    n->features = vnet_offered(n);
    virtio_init_config(vdev, vnet_config_len(n->features));
    memcpy(n->cur_mac, n->mac.a, 6);
    n->status = net_client_link_up(n->nc) ? VNET_S_LINK_UP : 0;
    vnet_config_update(n);
    return 0;
}

static void vnet_unrealize(VirtIODevice *vdev)
{
    VirtIONet *n = (VirtIONet *)vdev;
    nic_free(n->nc);
    n->nc = NULL;
    bh_free(n->bh);
    n->bh = NULL;
    if (n->resume)
        timer_free(n->resume);
    n->resume = NULL;
    for (unsigned i = 0; i < n->max_pairs; i++) {
        free(n->q[i].tx_iov);
        n->q[i].tx_iov = NULL;
    }
    free(n->rx_elems);
    n->rx_elems = NULL;
}

/* QEMU's count: a vector per queue and one for configuration changes. */
static unsigned vnet_pci_vectors(VirtIODevice *vdev)
{
    return 2 * ((VirtIONet *)vdev)->max_pairs + 2;
}

#define VNET_BOOL(nm, field, dflt, text)                                                   \
    {.name = nm, .type = PROP_BOOL, .offset = offsetof(VirtIONet, field), .def = dflt,   \
     .desc = text}

static const Property vnet_props[] = {
    {.name = "mac", .type = PROP_MAC, .offset = offsetof(VirtIONet, mac),
     .desc = "MAC address (default 52:54:00:12:34:56 + n)"},
    {.name = "netdev", .type = PROP_NETDEV, .offset = offsetof(VirtIONet, netdev),
     .desc = "the -netdev id to connect to"},
    VNET_BOOL("csum", p_csum, "on", "offer VIRTIO_NET_F_CSUM (the guest may leave checksums "
              "to the device); off also withdraws the host_* offloads"),
    VNET_BOOL("guest_csum", p_guest_csum, "on", "offer VIRTIO_NET_F_GUEST_CSUM when the "
              "backend's frames can carry partial checksums; off also withdraws guest_*"),
    VNET_BOOL("gso", p_gso, "on", "offer the legacy VIRTIO_NET_F_GSO on a legacy interface"),
    VNET_BOOL("guest_tso4", p_guest_tso4, "on", "offer VIRTIO_NET_F_GUEST_TSO4 when the "
              "backend produces TCPv4 super-frames"),
    VNET_BOOL("guest_tso6", p_guest_tso6, "on", "offer VIRTIO_NET_F_GUEST_TSO6 when the "
              "backend produces TCPv6 super-frames"),
    VNET_BOOL("guest_ecn", p_guest_ecn, "on", "offer VIRTIO_NET_F_GUEST_ECN with guest TSO"),
    VNET_BOOL("guest_ufo", p_guest_ufo, "on", "offer VIRTIO_NET_F_GUEST_UFO when the backend "
              "produces UFO frames"),
    VNET_BOOL("guest_announce", p_guest_announce, "on", "offer VIRTIO_NET_F_GUEST_ANNOUNCE "
              "(needs status and ctrl_vq)"),
    VNET_BOOL("host_tso4", p_host_tso4, "on", "offer VIRTIO_NET_F_HOST_TSO4 (with csum)"),
    VNET_BOOL("host_tso6", p_host_tso6, "on", "offer VIRTIO_NET_F_HOST_TSO6 (with csum)"),
    VNET_BOOL("host_ecn", p_host_ecn, "on", "offer VIRTIO_NET_F_HOST_ECN (with host TSO)"),
    VNET_BOOL("host_ufo", p_host_ufo, "on", "offer VIRTIO_NET_F_HOST_UFO (with csum)"),
    VNET_BOOL("host_uso", p_host_uso, "on", "offer VIRTIO_NET_F_HOST_USO (with csum)"),
    VNET_BOOL("mrg_rxbuf", p_mrg_rxbuf, "on", "offer VIRTIO_NET_F_MRG_RXBUF (frames over "
              "several receive buffers)"),
    VNET_BOOL("status", p_status, "on", "offer VIRTIO_NET_F_STATUS (link state)"),
    VNET_BOOL("ctrl_vq", p_ctrl_vq, "on", "offer VIRTIO_NET_F_CTRL_VQ (the control queue); "
              "off also withdraws ctrl_*, guest_announce and mq"),
    VNET_BOOL("ctrl_rx", p_ctrl_rx, "on", "offer VIRTIO_NET_F_CTRL_RX (RX modes, MAC table)"),
    VNET_BOOL("ctrl_vlan", p_ctrl_vlan, "on", "offer VIRTIO_NET_F_CTRL_VLAN (VLAN filter)"),
    VNET_BOOL("ctrl_rx_extra", p_ctrl_rx_extra, "on", "offer VIRTIO_NET_F_CTRL_RX_EXTRA "
              "(alluni, nomulti, nouni, nobcast; with ctrl_rx)"),
    VNET_BOOL("ctrl_mac_addr", p_ctrl_mac_addr, "on", "offer VIRTIO_NET_F_CTRL_MAC_ADDR"),
    VNET_BOOL("ctrl_guest_offloads", p_ctrl_guest_offloads, "on",
              "offer VIRTIO_NET_F_CTRL_GUEST_OFFLOADS"),
    VNET_BOOL("mq", p_mq, "off", "offer VIRTIO_NET_F_MQ with as many queue pairs as the "
              "backend has queues (1 on every backend ferry has)"),
    {.name = "rx_queue_size", .type = PROP_U32, .offset = offsetof(VirtIONet, rx_queue_size),
     .def = "256", .min = VNET_QUEUE_MIN, .max = VNET_QUEUE_MAX,
     .desc = "receive queue size: a power of 2 from 256 to 1024"},
    {.name = "tx_queue_size", .type = PROP_U32, .offset = offsetof(VirtIONet, tx_queue_size),
     .def = "256", .min = VNET_QUEUE_MIN, .max = VNET_QUEUE_MAX,
     .desc = "transmit queue size: a power of 2 from 256 to 1024"},
    {.name = "host_mtu", .type = PROP_U32, .offset = offsetof(VirtIONet, host_mtu),
     .def = "0", .min = 0, .max = 65535,
     .desc = "offer VIRTIO_NET_F_MTU with this MTU (68-65535; 0: not offered)"},
    {.name = "speed", .type = PROP_I32, .offset = offsetof(VirtIONet, speed), .def = "-1",
     .min = (uint64_t)-1, .max = INT32_MAX,
     .desc = "link speed in Mbit/s for VIRTIO_NET_F_SPEED_DUPLEX (-1: unknown)"},
    {.name = "duplex", .type = PROP_ENUM, .offset = offsetof(VirtIONet, duplex),
     .def = "unknown", .choices = duplex_choices,
     .desc = "half or full, for VIRTIO_NET_F_SPEED_DUPLEX"},
    {0},
};

VIRTIO_DEVICE_TYPE(virtio_net_info,
    .name = "virtio-net",
    .desc = "virtio network device",
    .category = "network",
    .device_id = VIRTIO_ID_NET,
    .pci_class = 0x0200,
    .pci_legacy_id = 0x1000,
    .state_size = sizeof(VirtIONet),
    .props = vnet_props,
    .realize = vnet_realize,
    .unrealize = vnet_unrealize,
    .get_features = vnet_get_features,
    .validate_features = vnet_validate_features,
    .set_features = vnet_set_features,
    .get_config = vnet_get_config,
    .set_config = vnet_set_config,
    .set_status = vnet_set_status,
    .reset = vnet_reset,
    .pci_vectors = vnet_pci_vectors)
