/*
 * virtio-net-ctrl.c — the virtio network device's control queue and
 * receive filter (VIRTIO Specification v1.2 §5.1.6.5): RX modes
 * (§5.1.6.5.1: PROMISC and ALLMULTI with CTRL_RX; ALLUNI, NOMULTI, NOUNI,
 * NOBCAST with CTRL_RX_EXTRA), the MAC table and the MAC address
 * (§5.1.6.5.2), the VLAN table (§5.1.6.5.3), the announcement
 * acknowledgement (§5.1.6.5.4), the number of queue pairs (§5.1.6.5.6),
 * and the receive offloads in force (§5.1.6.5.8).
 *
 * A command is class, command, data (device-readable) and one ack byte
 * (device-writable). Each is checked against the features negotiated and
 * its data length; anything else is answered VIRTIO_NET_ERR and logged
 * under -d guest_errors. A chain with no room for class, command or ack is
 * returned unused. Tables are committed only when the whole command is
 * good (§5.1.6.5.2.1: before the buffer is used).
 *
 * The filter: promiscuous after reset (QEMU's default, so a driver without
 * CTRL_RX — which cannot tell the device its multicast addresses — sees
 * every frame); once the driver turns promiscuous mode off, only frames for
 * its address, its MAC table, broadcast and the multicast it asked for
 * reach it. A MAC table longer than VNET_MAC_TABLE entries lets its whole
 * class through (the device may do so, §5.1.6.5.2). With CTRL_VLAN
 * negotiated, tagged frames need their VLAN ID in the table.
 */
#include "core/log.h"
#include "nic/virtio-net.h"

/* ---- the filter ------------------------------------------------------------------- */

void vnet_filter_reset(VirtIONet *n)
{
    VNetFilter *f = &n->filter;
    memset(f, 0, sizeof(*f));
    f->promisc = true;      /* vlan_filter comes with the features negotiated */
}

static bool mac_in(const uint8_t *macs, unsigned n, const uint8_t *a)
{
    for (unsigned i = 0; i < n; i++)
        if (!memcmp(macs + 6 * i, a, 6))
            return true;
    return false;
}

bool vnet_filter_accepts(const VirtIONet *n, const uint8_t *head, size_t len)
{
    const VNetFilter *f = &n->filter;
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (f->promisc || len < 14)
        return true;
    if (f->vlan_filter && len >= 16 && head[12] == 0x81 && head[13] == 0x00) {
        unsigned vid = (unsigned)(head[14] << 8 | head[15]) & 0xfff;
        if (!(f->vlans[vid / 32] & (1u << (vid % 32))))
            return false;
    }
    if (!memcmp(head, bcast, 6))
        return !f->nobcast;
    if (head[0] & 1) {
        if (f->nomulti)
            return false;
        if (f->allmulti || f->multi_overflow)
            return true;
        return mac_in(f->macs[f->n_uni], f->n_multi, head);
    }
    if (f->nouni)
        return false;
    if (f->alluni || f->uni_overflow || !memcmp(head, n->cur_mac, 6))
        return true;
    return mac_in(f->macs[0], f->n_uni, head);
}

/* ---- commands -------------------------------------------------------------------- */

typedef struct Cmd {
    VirtIONet *n;
    VirtQueueElement *e;
    uint8_t class, command;
    size_t len;             /* data bytes after class and command */
} Cmd;

static uint8_t cmd_fail(const Cmd *c, const char *why)
{
    qlog(LOG_GUEST_ERROR, "%s: control command class %u command %u (%zu data bytes): %s; "
         "answered VIRTIO_NET_ERR\n", c->n->vdev.name, c->class, c->command, c->len, why);
    return VNET_ERR;
}

/* Reads len bytes of the data at offset off; false if they are not there. */
static bool cmd_data(const Cmd *c, size_t off, void *buf, size_t len)
{
    return off <= c->len && len <= c->len - off && vq_elem_read(c->e, 2 + off, buf, len) == len;
}

static uint8_t cmd_rx(const Cmd *c)
{
    VirtIONet *n = c->n;
    VNetFilter *f = &n->filter;
    bool *mode;
    switch (c->command) {
    case VNET_CTRL_RX_PROMISC: mode = &f->promisc; break;
    case VNET_CTRL_RX_ALLMULTI: mode = &f->allmulti; break;
    case VNET_CTRL_RX_ALLUNI: mode = &f->alluni; break;
    case VNET_CTRL_RX_NOMULTI: mode = &f->nomulti; break;
    case VNET_CTRL_RX_NOUNI: mode = &f->nouni; break;
    case VNET_CTRL_RX_NOBCAST: mode = &f->nobcast; break;
    default: return cmd_fail(c, "unknown RX mode command");
    }
    if (!vnet_has(n, VNET_F_CTRL_RX))
        return cmd_fail(c, "VIRTIO_NET_F_CTRL_RX was not negotiated");
    if (c->command > VNET_CTRL_RX_ALLMULTI && !vnet_has(n, VNET_F_CTRL_RX_EXTRA))
        return cmd_fail(c, "VIRTIO_NET_F_CTRL_RX_EXTRA was not negotiated");
    uint8_t on;
    if (c->len != 1 || !cmd_data(c, 0, &on, 1))
        return cmd_fail(c, "an RX mode command carries one byte");
    if (on > 1)
        return cmd_fail(c, "an RX mode is 0 (off) or 1 (on)");
    *mode = on;
    return VNET_OK;
}

/* One table of a MAC_TABLE_SET at *off: le32 entries, then the addresses.
 * Keeps up to `room` of them in dst; *count and *overflow tell the rest. */
static bool read_mac_table(const Cmd *c, size_t *off, uint8_t (*dst)[6], unsigned room,
                           unsigned *count, bool *overflow)
{
    uint8_t raw[4];
    if (!cmd_data(c, *off, raw, 4))
        return false;
    uint64_t entries = virtio_ldl(raw);
    *off += 4;
    if (entries * 6 > c->len - *off)
        return false;
    *count = (unsigned)MIN(entries, (uint64_t)room);
    *overflow = entries > room;
    for (unsigned i = 0; i < *count; i++)
        if (!cmd_data(c, *off + 6 * (size_t)i, dst[i], 6))
            return false;
    *off += (size_t)entries * 6;
    return true;
}

static uint8_t cmd_mac(const Cmd *c)
{
    VirtIONet *n = c->n;
    switch (c->command) {
    case VNET_CTRL_MAC_TABLE_SET: {
        if (!vnet_has(n, VNET_F_CTRL_RX))
            return cmd_fail(c, "VIRTIO_NET_F_CTRL_RX was not negotiated");
        /* Built aside, committed whole. */
        uint8_t macs[VNET_MAC_TABLE][6];
        unsigned n_uni, n_multi;
        bool uni_over, multi_over;
        size_t off = 0;
        if (!read_mac_table(c, &off, macs, VNET_MAC_TABLE, &n_uni, &uni_over) ||
            !read_mac_table(c, &off, macs + n_uni, VNET_MAC_TABLE - n_uni, &n_multi,
                            &multi_over) ||
            off != c->len)
            return cmd_fail(c, "the two tables (le32 count, then 6-byte addresses) do not "
                            "match the data's length");
        VNetFilter *f = &n->filter;
        memcpy(f->macs, macs, sizeof(macs[0]) * (n_uni + n_multi));
        f->n_uni = n_uni;
        f->n_multi = n_multi;
        f->uni_overflow = uni_over;
        f->multi_overflow = multi_over;
        return VNET_OK;
    }
    case VNET_CTRL_MAC_ADDR_SET: {
        if (!vnet_has(n, VNET_F_CTRL_MAC_ADDR))
            return cmd_fail(c, "VIRTIO_NET_F_CTRL_MAC_ADDR was not negotiated");
        uint8_t mac[6];
        if (c->len != 6 || !cmd_data(c, 0, mac, 6))
            return cmd_fail(c, "MAC_ADDR_SET carries a 6-byte address");
        if (mac[0] & 1)
            return cmd_fail(c, "a multicast address cannot be the NIC's");
        vnet_set_mac(n, mac);
        return VNET_OK;
    }
    default:
        return cmd_fail(c, "unknown MAC command");
    }
}

static uint8_t cmd_vlan(const Cmd *c)
{
    VirtIONet *n = c->n;
    if (c->command != VNET_CTRL_VLAN_ADD && c->command != VNET_CTRL_VLAN_DEL)
        return cmd_fail(c, "unknown VLAN command");
    if (!vnet_has(n, VNET_F_CTRL_VLAN))
        return cmd_fail(c, "VIRTIO_NET_F_CTRL_VLAN was not negotiated");
    uint8_t raw[2];
    if (c->len != 2 || !cmd_data(c, 0, raw, 2))
        return cmd_fail(c, "a VLAN command carries a le16 VLAN ID");
    unsigned vid = virtio_lduw(raw);
    if (vid >= VNET_VLANS)
        return cmd_fail(c, "VLAN IDs are below 4096");
    uint32_t bit = 1u << (vid % 32);
    if (c->command == VNET_CTRL_VLAN_ADD)
        n->filter.vlans[vid / 32] |= bit;
    else
        n->filter.vlans[vid / 32] &= ~bit;
    return VNET_OK;
}

static uint8_t cmd_announce(const Cmd *c)
{
    if (c->command != VNET_CTRL_ANNOUNCE_ACK)
        return cmd_fail(c, "unknown ANNOUNCE command");
    if (!vnet_has(c->n, VNET_F_GUEST_ANNOUNCE))
        return cmd_fail(c, "VIRTIO_NET_F_GUEST_ANNOUNCE was not negotiated");
    /* §5.1.6.5.4.2: cleared before the buffer is used. */
    vnet_announce_ack(c->n);
    return VNET_OK;
}

static uint8_t cmd_mq(const Cmd *c)
{
    VirtIONet *n = c->n;
    if (c->command != VNET_CTRL_MQ_VQ_PAIRS_SET)
        return cmd_fail(c, "unknown or unoffered MQ command (no RSS, no hash reports)");
    if (!vnet_has(n, VNET_F_MQ))
        return cmd_fail(c, "VIRTIO_NET_F_MQ was not negotiated");
    uint8_t raw[2];
    if (c->len != 2 || !cmd_data(c, 0, raw, 2))
        return cmd_fail(c, "VQ_PAIRS_SET carries a le16 count");
    unsigned pairs = virtio_lduw(raw);
    if (pairs < 1 || pairs > n->max_pairs)
        return cmd_fail(c, "virtqueue_pairs is outside 1..max_virtqueue_pairs");
    n->cur_pairs = pairs;
    return VNET_OK;
}

static uint8_t cmd_offloads(const Cmd *c)
{
    VirtIONet *n = c->n;
    if (c->command != VNET_CTRL_GUEST_OFFLOADS_SET)
        return cmd_fail(c, "unknown GUEST_OFFLOADS command");
    if (!vnet_has(n, VNET_F_CTRL_GUEST_OFFLOADS))
        return cmd_fail(c, "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS was not negotiated");
    uint8_t raw[8];
    if (c->len != 8 || !cmd_data(c, 0, raw, 8))
        return cmd_fail(c, "GUEST_OFFLOADS_SET carries a le64 bit mask");
    uint64_t want = virtio_ldl(raw) | (uint64_t)virtio_ldl(raw + 4) << 32;
    const uint64_t switchable = VIRTIO_BIT(VNET_F_GUEST_CSUM) | VIRTIO_BIT(VNET_F_GUEST_TSO4) |
                                VIRTIO_BIT(VNET_F_GUEST_TSO6) | VIRTIO_BIT(VNET_F_GUEST_ECN) |
                                VIRTIO_BIT(VNET_F_GUEST_UFO);
    /* §5.1.6.5.8.2: only offloads whose feature was negotiated. */
    if (want & ~(n->vdev.guest_features & switchable))
        return cmd_fail(c, "an offload whose feature was not negotiated");
    vnet_set_guest_offloads(n, want);
    return VNET_OK;
}

static uint8_t cmd_run(Cmd *c)
{
    switch (c->class) {
    case VNET_CTRL_RX: return cmd_rx(c);
    case VNET_CTRL_MAC: return cmd_mac(c);
    case VNET_CTRL_VLAN: return cmd_vlan(c);
    case VNET_CTRL_ANNOUNCE: return cmd_announce(c);
    case VNET_CTRL_MQ: return cmd_mq(c);
    case VNET_CTRL_GUEST_OFFLOADS: return cmd_offloads(c);
    default: return cmd_fail(c, "unknown class");
    }
}

/* Commands run at once, on the thread that kicked: drivers wait for the
 * answer (Linux spins on the used ring). */
void vnet_ctrl_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = (VirtIONet *)vdev;
    VirtQueueElement *e;
    bool any = false;
    while ((e = vq_pop(vq))) {
        any = true;
        uint8_t hdr[2];
        if (e->out_len < 2 || e->in_len < 1) {
            qlog(LOG_GUEST_ERROR, "%s: control buffer with %zu device-readable and %zu "
                 "device-writable bytes has no room for class, command and ack; returned "
                 "unused\n", vdev->name, e->out_len, e->in_len);
            vq_push(vq, e, 0);
            continue;
        }
        vq_elem_read(e, 0, hdr, 2);
        Cmd c = {n, e, hdr[0], hdr[1], e->out_len - 2};
        uint8_t ack = cmd_run(&c);
        vq_elem_write(e, 0, &ack, 1);
        vq_push(vq, e, 1);
    }
    if (any)
        vq_notify(vq);
}
