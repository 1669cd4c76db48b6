/*
 * virtio-net.h — what the virtio network device's files share (nic/
 * virtio-net.c: features, configuration, the data path; nic/virtio-net-ctrl.c:
 * the control queue and the receive filter). Nothing outside nic/ uses it:
 * boards make the device by name ("virtio-net-pci", "virtio-net-device").
 *
 * Follows the VIRTIO Specification v1.2, §5.1 (Network Device). The names
 * below are the spec's; the numbers are its §5.1.3 (feature bits), §5.1.4
 * (configuration layout), §5.1.6 (the header) and §5.1.6.5 (control
 * commands).
 */
#ifndef FERRY_NIC_VIRTIO_NET_H
#define FERRY_NIC_VIRTIO_NET_H

#include "devices/virtio/virtio.h"
#include "netback/net.h"

/* ---- §5.1.3 feature bits (and §5.1.3.2's legacy GSO) ------------------------ */

enum {
    VNET_F_CSUM = 0,
    VNET_F_GUEST_CSUM = 1,
    VNET_F_CTRL_GUEST_OFFLOADS = 2,
    VNET_F_MTU = 3,
    VNET_F_MAC = 5,
    VNET_F_GSO = 6,                 /* legacy: the device takes any GSO type */
    VNET_F_GUEST_TSO4 = 7,
    VNET_F_GUEST_TSO6 = 8,
    VNET_F_GUEST_ECN = 9,
    VNET_F_GUEST_UFO = 10,
    VNET_F_HOST_TSO4 = 11,
    VNET_F_HOST_TSO6 = 12,
    VNET_F_HOST_ECN = 13,
    VNET_F_HOST_UFO = 14,
    VNET_F_MRG_RXBUF = 15,
    VNET_F_STATUS = 16,
    VNET_F_CTRL_VQ = 17,
    VNET_F_CTRL_RX = 18,
    VNET_F_CTRL_VLAN = 19,
    VNET_F_CTRL_RX_EXTRA = 20,      /* §5.1.6.5.1 */
    VNET_F_GUEST_ANNOUNCE = 21,
    VNET_F_MQ = 22,
    VNET_F_CTRL_MAC_ADDR = 23,
    VNET_F_HOST_USO = 56,
    VNET_F_SPEED_DUPLEX = 63,
};

/* §5.1.4: the status field. */
#define VNET_S_LINK_UP   1
#define VNET_S_ANNOUNCE  2

/* §5.1.4: offsets in struct virtio_net_config. */
enum {
    VNET_CFG_MAC = 0,
    VNET_CFG_STATUS = 6,
    VNET_CFG_MAX_PAIRS = 8,
    VNET_CFG_MTU = 10,
    VNET_CFG_SPEED = 12,
    VNET_CFG_DUPLEX = 16,
    VNET_CFG_END_DUPLEX = 17,
};

/* §5.1.6: struct virtio_net_hdr. 12 bytes with num_buffers (VERSION_1, or
 * MRG_RXBUF on a legacy interface), 10 without (§5.1.6.1). */
#define VNET_HDR_F_NEEDS_CSUM  1
#define VNET_HDR_F_DATA_VALID  2
#define VNET_HDR_LEN_LEGACY    10
#define VNET_HDR_LEN           12

/* §5.1.6.5: control commands. */
enum {
    VNET_CTRL_RX = 0,
    VNET_CTRL_RX_PROMISC = 0,
    VNET_CTRL_RX_ALLMULTI = 1,
    VNET_CTRL_RX_ALLUNI = 2,
    VNET_CTRL_RX_NOMULTI = 3,
    VNET_CTRL_RX_NOUNI = 4,
    VNET_CTRL_RX_NOBCAST = 5,
    VNET_CTRL_MAC = 1,
    VNET_CTRL_MAC_TABLE_SET = 0,
    VNET_CTRL_MAC_ADDR_SET = 1,
    VNET_CTRL_VLAN = 2,
    VNET_CTRL_VLAN_ADD = 0,
    VNET_CTRL_VLAN_DEL = 1,
    VNET_CTRL_ANNOUNCE = 3,
    VNET_CTRL_ANNOUNCE_ACK = 0,
    VNET_CTRL_MQ = 4,
    VNET_CTRL_MQ_VQ_PAIRS_SET = 0,
    VNET_CTRL_GUEST_OFFLOADS = 5,
    VNET_CTRL_GUEST_OFFLOADS_SET = 0,
};
#define VNET_OK   0
#define VNET_ERR  1

/* Queue pairs one device may have: the spec allows 0x8000; ferry's
 * backends have one queue each today (virtio-net.c, "Multiqueue"). */
#define VNET_MAX_PAIRS 8
/* MAC filter table entries (unicast and multicast together); a longer
 * table sets the class's overflow flag: all of that class pass, as the
 * spec allows a device to do (§5.1.6.5.2). */
#define VNET_MAC_TABLE 64
#define VNET_VLANS 4096

typedef struct VirtIONet VirtIONet;

typedef struct VNetQueue {
    VirtIONet *n;
    VirtQueue *rx, *tx;
    unsigned index;
    bool tx_more;           /* a batch stopped at its bound: continue soon */
    bool rx_kicks;          /* RX kicks wanted (the device ran out of buffers) */
    struct iovec *tx_iov;   /* [VIRTQUEUE_MAX_SG] the frame without its header */
} VNetQueue;

/* The receive filter (§5.1.6.5.1 modes, §5.1.6.5.2 MAC table, §5.1.6.5.3
 * VLAN table). */
typedef struct VNetFilter {
    bool promisc, allmulti, alluni, nomulti, nouni, nobcast;
    unsigned n_uni, n_multi;        /* entries in macs[]: unicast first */
    bool uni_overflow, multi_overflow;
    uint8_t macs[VNET_MAC_TABLE][6];
    bool vlan_filter;               /* CTRL_VLAN negotiated: the table applies */
    uint32_t vlans[VNET_VLANS / 32];
} VNetFilter;

struct VirtIONet {
    VirtIODevice vdev;              /* first */

    /* properties (QEMU's names) */
    MACAddr mac;
    NetClient *netdev;
    bool p_csum, p_guest_csum, p_gso, p_guest_tso4, p_guest_tso6, p_guest_ecn, p_guest_ufo;
    bool p_guest_announce, p_host_tso4, p_host_tso6, p_host_ecn, p_host_ufo, p_host_uso;
    bool p_mrg_rxbuf, p_status, p_ctrl_vq, p_ctrl_rx, p_ctrl_vlan, p_ctrl_rx_extra;
    bool p_ctrl_mac_addr, p_ctrl_guest_offloads, p_mq;
    uint32_t rx_queue_size, tx_queue_size;
    uint32_t host_mtu;              /* 0: VIRTIO_NET_F_MTU not offered */
    int32_t speed;                  /* Mbit/s; -1: unknown */
    int duplex;                     /* 0 unknown, 1 half, 2 full (the choices) */

    /* state */
    NetClient *nc;
    Loop *loop;
    BH *bh;                         /* deferred TX batches and RX retries */
    Timer *resume;                  /* virtual clock: fires when the machine runs */
    uint64_t features;              /* offered, fixed at realize */
    unsigned max_pairs, cur_pairs;
    VNetQueue q[VNET_MAX_PAIRS];
    VirtQueue *ctrl;
    unsigned tx_inflight;           /* frames net_send() queued, not yet completed */
    bool rx_flush;                  /* call net_client_ready() from the bottom half */
    VirtQueueElement **rx_elems;    /* [rx_queue_size]: one mergeable frame's buffers */
    size_t hdr_len;                 /* 10 or 12, from the negotiated features */
    bool mergeable;
    uint64_t guest_offloads;        /* GUEST_* bits in force (§5.1.6.5.8) */
    uint8_t cur_mac[6];             /* config mac, and the filter's own address */
    uint16_t status;
    VNetFilter filter;
};

/* virtio-net-ctrl.c */
void vnet_ctrl_kick(VirtIODevice *vdev, VirtQueue *vq);
void vnet_filter_reset(VirtIONet *n);
/* Should a frame starting with these bytes (at least 14, 18 to see a VLAN
 * tag) reach the guest? */
bool vnet_filter_accepts(const VirtIONet *n, const uint8_t *head, size_t len);

/* virtio-net.c, for the control queue */
void vnet_set_guest_offloads(VirtIONet *n, uint64_t offloads);
void vnet_set_mac(VirtIONet *n, const uint8_t mac[6]);
void vnet_config_update(VirtIONet *n);
void vnet_announce_ack(VirtIONet *n);

static inline bool vnet_has(const VirtIONet *n, unsigned bit)
{
    return virtio_has_feature(&n->vdev, bit);
}

#endif
