/*
 * net.h — the network layer seen from the rest of ferry: the frame path
 * between NIC frontends and backends (docs/DESIGN.md, "How a frame travels"),
 * the NIC-side API, the board-side API for -nic/-net placement, and the
 * -netdev/-nic/-net/-object filter-dump command-line layer.
 *
 * Every NIC and every backend is a NetClient with (at most) one peer. A frame
 * is sent with net_send() by one client and delivered to its peer's
 * receive(). Offload metadata (the virtio-net header fields, virtio 1.2
 * §5.1.6) travels with each frame; when the receiver does not accept what
 * the frame asks for, the core resolves it in software first (netback/
 * offload.c: checksum completion, TSO/USO segmentation, UFO fragmentation).
 *
 * Flow control: a receiver that has no room says so (can_receive() false,
 * or receive() returns 0); the frame then waits in the receiver's queue.
 * A sender that passed a completion callback gets 0 back from net_send()
 * ("queued") and must stop producing until its callback runs — a backend
 * stops polling its fd. When the receiver has room it calls
 * net_client_ready(), the queue is delivered in order and the callbacks run.
 * Frames from senders without a callback are queued up to a bound and
 * dropped (counted) beyond it. Details and the hub policy: netback/README.md.
 *
 * Threads: everything here runs with the device lock held (core/loop.h):
 * on the loop thread for backends, on the vCPU thread for a NIC's MMIO.
 */
#ifndef FERRY_NET_H
#define FERRY_NET_H

#include <sys/types.h>
#include <sys/uio.h>

#include "core/device.h"
#include "core/loop.h"
#include "core/opts.h"

typedef struct NetClient NetClient;
typedef struct Machine Machine;

/* ---- offload metadata (virtio-net header, virtio 1.2 §5.1.6) ---------- */

/* NetOffload.flags */
enum {
    NET_F_NEEDS_CSUM = 1, /* checksum from csum_start to the end is partial */
    NET_F_DATA_VALID = 2, /* (to a receiver) checksums already verified */
};

/* NetOffload.gso_type (the virtio numbering) */
enum {
    NET_GSO_NONE = 0,
    NET_GSO_TCPV4 = 1,  /* TSO over IPv4 */
    NET_GSO_UDP = 3,    /* UFO: one UDP datagram, IP-fragmented to gso_size */
    NET_GSO_TCPV6 = 4,  /* TSO over IPv6 */
    NET_GSO_UDP_L4 = 5, /* USO: UDP segmentation into gso_size datagrams */
    NET_GSO_ECN = 0x80, /* flag: the TCP super-frame carries CWR */
};

/* Host byte order; all zero = a plain, complete frame. */
typedef struct NetOffload {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;     /* a hint: length of the headers */
    uint16_t gso_size;    /* payload bytes per segment (MSS) */
    uint16_t csum_start;  /* where the checksummed region starts */
    uint16_t csum_offset; /* where, from csum_start, the checksum goes */
} NetOffload;

/* What a client accepts when it receives (NetClient.rx_caps). Anything a
 * frame asks for beyond these is resolved in software before receive(). */
enum {
    NET_CAP_CSUM = 1 << 0,  /* NEEDS_CSUM frames and DATA_VALID */
    NET_CAP_TSO4 = 1 << 1,
    NET_CAP_TSO6 = 1 << 2,
    NET_CAP_ECN = 1 << 3,   /* TSO super-frames with NET_GSO_ECN */
    NET_CAP_UFO = 1 << 4,
    NET_CAP_USO4 = 1 << 5,
    NET_CAP_USO6 = 1 << 6,
    NET_CAP_ALL = 0x7f,
};

/* Largest frame the layer carries (a 64 KiB IP packet, Ethernet and two
 * VLAN tags); bigger ones are dropped. Smallest: an Ethernet header. */
#define NET_FRAME_MAX (65535 + 14 + 8)
#define NET_FRAME_MIN 14
/* Frames from senders without a callback wait in a receiver's queue up to
 * this many (or NET_QUEUE_MAX_BYTES); more are dropped and counted. */
#define NET_QUEUE_MAX 1024
#define NET_QUEUE_MAX_BYTES (4u << 20)
/* A sender with a callback stops when told "queued", so its frames never
 * get near this; one that does not stop is a bug, and is cut off here. */
#define NET_QUEUE_HARD_MAX 65536

/* ---- clients -------------------------------------------------------- */

/* A sender's completion: the frame net_send() queued has been delivered
 * (len > 0) or discarded because its receiver went away (len 0). */
typedef void NetSentCb(NetClient *sender, ssize_t len);

typedef struct NetClientOps {
    const char *type;  /* "nic", "user", "hubport", ... (type= in info network) */
    size_t size;       /* bytes net_client_new() allocates (a struct that
                          starts with NetClient); 0: sizeof(NetClient) */
    /* A frame for this client; iov covers the whole frame, `off` is never
     * NULL and asks only for what rx_caps accepts. Returns the length when
     * the frame is taken (delivered, or deliberately discarded: a disabled
     * receiver, a filter mismatch), 0 when there is no room now (the frame
     * stays queued; call net_client_ready() when there is), < 0 on an error
     * (the frame is dropped and counted). */
    ssize_t (*receive)(NetClient *nc, const struct iovec *iov, int iovcnt,
                       const NetOffload *off);
    /* false: no room now (the frame waits in the queue). NULL: always room. */
    bool (*can_receive)(NetClient *nc);
    /* nc->link_down changed (set_link). May be NULL. */
    void (*link_changed)(NetClient *nc);
    /* nc is being freed: release what the client owns. May be NULL. */
    void (*cleanup)(NetClient *nc);
} NetClientOps;

typedef struct NetPacket NetPacket;
typedef struct NetFilter NetFilter;

struct NetClient {
    const NetClientOps *ops;
    char *name;            /* -netdev id, NIC id, or made up ("e1000.0", "#net1") */
    char *model;           /* "user", "hubport", NIC model name */
    NetClient *peer;
    void *opaque;          /* the owner's (a NIC: its Device) */
    bool is_nic;
    bool link_down;
    uint32_t rx_caps;      /* NET_CAP_*: what receive() accepts */
    /* NET_CAP_*: the offload the frames this client sends may carry (a tap
     * with vnet_hdr: what the host kernel hands over; a hub port: whatever
     * its other ports send; user: nothing, its frames are complete). A NIC
     * offers its guest the receive offloads (virtio-net GUEST_*) its peer
     * can produce; frames never carry more than the receiver's rx_caps. */
    uint32_t tx_caps;
    char info[192];        /* info network text after "type=...," */
    int hub_id;            /* a hub port's hub, else -1 */
    Device *dev;           /* a NIC's device */

    /* statistics, shown by info network when non-zero */
    uint64_t rx_frames, tx_frames;
    uint64_t rx_dropped;   /* frames for this client it never got */
    uint64_t tx_dropped;   /* frames from this client that went nowhere */

    /* private to net.c */
    NetPacket *q_head, **q_tail;
    unsigned q_len;
    size_t q_bytes;
    int flushing;
    bool flush_again;
    NetFilter *filters;
    NetClient *next;
};

/* The loop backends use for fds and timers; set once at start-up. */
void net_init(Loop *l);
Loop *net_loop(void);

/* A new client named `name` (copied). ops->size bytes are allocated and
 * zeroed; the result is the caller's struct. It joins the list info network
 * walks, in creation order. */
void *net_client_new(const NetClientOps *ops, const char *model, const char *name);
/* Unpeers nc, drops what is queued for it (running its senders' callbacks),
 * forgets frames it queued elsewhere, runs ops->cleanup, frees it. */
void net_client_free(NetClient *nc);
/* Joins a and b as peers (both must be unpeered). */
void net_client_connect(NetClient *a, NetClient *b);
/* The first client with this name (NICs included), or NULL. */
NetClient *net_client_find(const char *name);
NetClient *net_client_first(void); /* iterate with ->next */
/* Sets the info network text (printf-style). */
void net_client_set_info(NetClient *nc, const char *fmt, ...) PRINTF_FMT(2, 3);

/* Send one frame to sender's peer. `off` may be NULL (a complete frame).
 * Returns the frame length when it was delivered or discarded (no peer,
 * either link down, the queue bound hit for a sender without `sent`); 0
 * when it was queued and `sent` will be called (never with sent == NULL);
 * < 0 when the frame or its offload header is malformed (dropped, counted,
 * logged under -d guest_errors). Only a 0 is followed by a callback. */
ssize_t net_send(NetClient *sender, const struct iovec *iov, int iovcnt,
                 const NetOffload *off, NetSentCb *sent);
ssize_t net_send_buf(NetClient *sender, const void *buf, size_t len,
                     const NetOffload *off, NetSentCb *sent);
/* nc has room again: deliver what waits for it, in order. Safe to call from
 * within receive() and callbacks (the delivery is then repeated after). */
void net_client_ready(NetClient *nc);
/* Frames waiting for nc. */
unsigned net_client_queue_len(const NetClient *nc);
/* Drops whatever waits for nc (its senders' callbacks run with 0). */
void net_client_purge(NetClient *nc);

/* set_link: a NIC, or a backend and (when its peer is a NIC) that NIC too. */
int net_set_link(const char *name, bool up, Error **errp);

/* ---- the NIC side: what a NIC model calls ----------------------------- */

/* From realize(): a NIC client for `dev` with the model's ops (type "nic"),
 * connected to `peer` (the netdev= property, may be NULL). Assigns the
 * default MAC (52:54:00:12:34:56 + n) unless mac->set; the NIC keeps using
 * its own MACAddr. Fails when peer already has a peer. */
NetClient *nic_new(Device *dev, const NetClientOps *ops, MACAddr *mac,
                   NetClient *peer, Error **errp);
/* The guest changed the MAC (e.g. a receive-address register). */
void nic_set_mac(NetClient *nc, const uint8_t mac[6]);
/* From unrealize(). */
void nic_free(NetClient *nc);
/* The guest negotiated what it accepts on receive (virtio-net GUEST_*
 * features): NET_CAP_* bits. Default 0: complete, segmented frames. */
static inline void net_client_set_rx_caps(NetClient *nc, uint32_t caps)
{
    nc->rx_caps = caps;
}
static inline bool net_client_link_up(const NetClient *nc)
{
    return !nc->link_down;
}

/* ---- the board side: where -nic / -net nic NICs go ---------------------- */

/* One -nic or -net nic line (or the default NIC) waiting for a NIC. */
typedef struct NicRequest NicRequest;

/* For a board with an onboard (non-pluggable) NIC of `model`, from its
 * init(): takes the next request that names no model or this one; NULL when
 * none is left (the board leaves its NIC unconnected). */
NicRequest *nic_request_claim(const char *model);
/* Sets the request's backend (netdev=) and MAC (mac=) on an unrealized
 * device, plus -net nic's addr=/vectors= where given. */
int nic_request_apply(NicRequest *r, Device *dev, Error **errp);
/* After the board's init: every request not claimed becomes a pluggable NIC
 * (its model=, else the board's default_nic) on a bus of the model's type.
 * A model the machine has no bus for is left (see net_check_clients()). */
int net_place_nics(Machine *m, Error **errp);
/* QEMU's warnings for a half-configured network ("netdev X has no peer",
 * "hub N with no nics", ...), once everything is built. Quiet for the
 * default network. */
void net_check_clients(void);

/* ---- the command-line layer (netdev.c) -------------------------------- */

/* A -netdev backend type. create == NULL: listed, options validated as far
 * as the common ones go, creation fails with "not implemented yet". */
typedef struct NetdevType {
    const char *name;
    const char *desc;
    const char *const *keys; /* accepted keys besides type and id */
    /* Makes the backend named `id`; reads its keys from `o`. */
    NetClient *(*create)(const char *id, Opts *o, Error **errp);
} NetdevType;

void netdev_type_register(const NetdevType *t);
#define NETDEV_TYPE(var, ...)                                     \
    static const NetdevType var = {__VA_ARGS__};                  \
    REGISTER_AT_STARTUP(var##_register) { netdev_type_register(&var); }
const NetdevType *netdev_type_find(const char *name);
void netdev_print_help(FILE *out);
void nic_print_models(FILE *out); /* -nic model=help */

/* Pure checks of one option (type, id syntax, keys, values): no side effects,
 * run when the command line is parsed. */
int netdev_check_opts(Opts *o, Error **errp);
int nic_check_opts(Opts *o, Error **errp);
int net_legacy_check_opts(Opts *o, Error **errp);

/* -netdev TYPE,id=ID,... */
int netdev_create_from_opts(Opts *o, Error **errp);
/* -nic TYPE[,model=M][,mac=...][,...] (and -nic none: returns 0, sets *none) */
int nic_create_from_opts(Opts *o, bool *none, Error **errp);
/* -net nic,... / -net TYPE,... (legacy hub form: hub 0) */
int net_legacy_from_opts(Opts *o, Error **errp);
/* No network option and no -nodefaults: QEMU's "-net nic -net user". */
int net_create_default(Error **errp);
/* The backend (a non-NIC client) with this name, or NULL. */
NetClient *netdev_find(const char *id);
/* A made-up name for an anonymous backend: "#net1", "#net2", ... */
char *netdev_anon_name(void);

/* -object types that belong to the network (filter-dump). check: syntax
 * only, when the command line is parsed; create: once the netdevs exist. */
bool net_object_type_known(const char *type);
int net_object_check_opts(Opts *o, Error **errp);
int net_object_create(Opts *o, Error **errp);

/* Forget every client, hub and request (tests). */
void net_reset_all(void);

#endif
