/*
 * hub.c — emulated hubs: `-netdev hubport,id=,hubid=N[,netdev=]` and the
 * legacy `-net` form (hub 0). A hub port is a NetClient whose peer is a NIC
 * or a backend; a frame one port receives from its peer is sent out of
 * every other port (a repeater: no address learning, as QEMU's hub).
 *
 * Flow control policy (netback/README.md, "Hubs"): a hub is as fast as its
 * slowest live port, and drops nothing a port could still take:
 *   - each port may have up to HUB_BACKLOG frames queued at its peer;
 *   - while some port is at that limit the hub takes no more frames (its
 *     ports report no room, so the senders are held back through the
 *     ordinary queued/completion path: backends stop polling their fds);
 *   - a port that drains nothing for HUB_STALL_MS while the hub waits on
 *     it is marked stalled (a guest that never posts receive buffers, a
 *     NIC whose interface is down): the hub stops waiting for it, frames
 *     for it queue at its peer up to the core's bound and are then dropped
 *     and counted there. It is live again once it takes a frame;
 *   - a port whose peer's link is down takes frames and discards them, as
 *     a pulled cable would.
 * Offload metadata passes through the hub untouched; each destination gets
 * the frame resolved for what its own peer accepts (net_send does that).
 */
#include "core/error.h"
#include "core/log.h"
#include "netback/net-internal.h"

#define HUB_BACKLOG 64
#define HUB_STALL_MS 1000

typedef struct HubPort HubPort;

typedef struct Hub {
    int id;
    HubPort *ports;      /* creation order */
    int num_ports;       /* ports ever made: names hub<id>port<n> */
    bool holding;        /* ports report no room */
    Timer *stall_timer;
    struct Hub *next;
} Hub;

struct HubPort {
    NetClient nc;
    Hub *hub;
    unsigned pending;    /* frames sent to the peer with a completion pending */
    uint64_t drained;    /* completions so far */
    uint64_t drained_mark;
    bool stalled;
    HubPort *next;
};

static Hub *hubs;

static Hub *hub_find(int id)
{
    for (Hub *h = hubs; h; h = h->next)
        if (h->id == id)
            return h;
    return NULL;
}

static Hub *hub_get(int id)
{
    Hub *h = hub_find(id);
    if (h)
        return h;
    h = xzalloc(sizeof(*h));
    h->id = id;
    Hub **pp = &hubs;
    while (*pp)
        pp = &(*pp)->next;
    *pp = h;
    return h;
}

/* The port holding the hub back, or NULL. */
static HubPort *hub_blocker(Hub *hub, HubPort *except)
{
    for (HubPort *p = hub->ports; p; p = p->next)
        if (p != except && !p->stalled && p->nc.peer && p->pending >= HUB_BACKLOG)
            return p;
    return NULL;
}

/* The hub takes frames again: every port offers what waits at it. */
static void hub_release(Hub *hub)
{
    hub->holding = false;
    if (hub->stall_timer)
        timer_del(hub->stall_timer);
    for (HubPort *p = hub->ports; p; p = p->next)
        net_client_ready(&p->nc);
}

static void hub_stall_check(void *opaque)
{
    Hub *hub = opaque;
    for (HubPort *p = hub->ports; p; p = p->next) {
        if (!p->stalled && p->pending >= HUB_BACKLOG && p->drained == p->drained_mark) {
            p->stalled = true;
            qlog(LOG_NET, "net: hub %d: %s's peer took no frame for %d ms; the hub no "
                 "longer waits for it\n", hub->id, p->nc.name, HUB_STALL_MS);
        }
        p->drained_mark = p->drained;
    }
    if (hub_blocker(hub, NULL)) {
        Loop *l = net_loop();
        timer_mod(hub->stall_timer, clock_get_ns(l, CLK_REALTIME) + HUB_STALL_MS * 1000000LL);
    } else if (hub->holding) {
        hub_release(hub);
    }
}

static void hub_start_holding(Hub *hub)
{
    if (hub->holding)
        return;
    hub->holding = true;
    Loop *l = net_loop();
    if (!l)
        return;
    if (!hub->stall_timer)
        hub->stall_timer = timer_new(l, CLK_REALTIME, hub_stall_check, hub);
    for (HubPort *p = hub->ports; p; p = p->next)
        p->drained_mark = p->drained;
    timer_mod(hub->stall_timer, clock_get_ns(l, CLK_REALTIME) + HUB_STALL_MS * 1000000LL);
}

static void hub_port_sent(NetClient *nc, ssize_t len)
{
    HubPort *p = (HubPort *)nc;
    if (p->pending)
        p->pending--;
    p->drained++;
    p->stalled = false;
    Hub *hub = p->hub;
    if (hub && hub->holding && !hub_blocker(hub, NULL))
        hub_release(hub);
}

static bool hub_port_can_receive(NetClient *nc)
{
    HubPort *self = (HubPort *)nc;
    Hub *hub = self->hub;
    if (!hub_blocker(hub, self))
        return true;
    hub_start_holding(hub);
    return false;
}

static ssize_t hub_port_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                                const NetOffload *off)
{
    HubPort *src = (HubPort *)nc;
    size_t len = 0;
    for (int i = 0; i < iovcnt; i++)
        len += iov[i].iov_len;
    for (HubPort *p = src->hub->ports; p; p = p->next) {
        if (p == src || !p->nc.peer)
            continue;
        if (p->stalled && net_client_queue_len(p->nc.peer) == 0)
            p->stalled = false;
        if (net_send(&p->nc, iov, iovcnt, off, p->stalled ? NULL : hub_port_sent) == 0)
            p->pending++;
    }
    return (ssize_t)len;
}

static void hub_port_cleanup(NetClient *nc)
{
    HubPort *self = (HubPort *)nc;
    Hub *hub = self->hub;
    if (!hub)
        return;
    for (HubPort **pp = &hub->ports; *pp; pp = &(*pp)->next) {
        if (*pp == self) {
            *pp = self->next;
            break;
        }
    }
    self->hub = NULL;
    if (hub->holding && !hub_blocker(hub, NULL))
        hub_release(hub);
}

static const NetClientOps hubport_ops = {
    .type = "hubport",
    .size = sizeof(HubPort),
    .receive = hub_port_receive,
    .can_receive = hub_port_can_receive,
    .cleanup = hub_port_cleanup,
};

char *net_hub_port_name(int hub_id)
{
    Hub *hub = hub_find(hub_id);
    for (int n = hub ? hub->num_ports : 0;; n++) {
        char *name = xasprintf("hub%dport%d", hub_id, n);
        if (!net_client_find(name))
            return name;
        free(name);
    }
}

NetClient *net_hub_port_new(int hub_id, const char *name, Error **errp)
{
    if (hub_id < 0) {
        error_setg(errp, "hub id %d is negative", hub_id);
        return NULL;
    }
    char *made = name ? NULL : net_hub_port_name(hub_id);
    Hub *hub = hub_get(hub_id);
    HubPort *p = net_client_new(&hubport_ops, "hubport", name ? name : made);
    free(made);
    hub->num_ports++;
    p->hub = hub;
    p->nc.hub_id = hub_id;
    p->nc.rx_caps = NET_CAP_ALL;
    p->nc.tx_caps = NET_CAP_ALL;   /* it forwards what other ports send */
    net_client_set_info(&p->nc, "hubid=%d", hub_id);
    HubPort **pp = &hub->ports;
    while (*pp)
        pp = &(*pp)->next;
    *pp = p;
    return &p->nc;
}

/* QEMU lists a hub's ports newest first. */
static void hub_info_ports(StrBuf *sb, HubPort *p)
{
    if (!p)
        return;
    hub_info_ports(sb, p->next);
    sb_printf(sb, " \\ %s", p->nc.name);
    if (p->nc.peer) {
        sb_printf(sb, ": ");
        net_client_describe(p->nc.peer, sb);
    }
    sb_printf(sb, "\n");
}

void net_hub_info(StrBuf *sb)
{
    for (Hub *h = hubs; h; h = h->next) {
        if (!h->ports)
            continue;
        sb_printf(sb, "hub %d\n", h->id);
        hub_info_ports(sb, h->ports);
    }
}

void net_hub_check(void)
{
    for (Hub *h = hubs; h; h = h->next) {
        bool has_nic = false, has_host = false;
        for (HubPort *p = h->ports; p; p = p->next) {
            NetClient *peer = p->nc.peer;
            if (!peer)
                warn_report("hub port %s has no peer", p->nc.name);
            else if (peer->is_nic)
                has_nic = true;
            else
                has_host = true;
        }
        if (has_host && !has_nic)
            warn_report("hub %d with no nics", h->id);
        if (has_nic && !has_host)
            warn_report("hub %d is not connected to host network", h->id);
    }
}

/* Clients are freed by the caller (net_reset_all); only the hubs go here. */
void net_hub_forget_all(void)
{
    while (hubs) {
        Hub *h = hubs;
        hubs = h->next;
        for (HubPort *p = h->ports; p; p = p->next)
            p->hub = NULL;
        timer_free(h->stall_timer);
        free(h);
    }
}

/* -netdev hubport,id=ID,hubid=N[,netdev=ID] */
static NetClient *hubport_create(const char *id, Opts *o, Error **errp)
{
    const char *hubid = opts_get(o, "hubid");
    if (!hubid) {
        error_setg(errp, "%s %s: Parameter 'hubid' is missing", o->option, o->text);
        return NULL;
    }
    uint64_t n;
    if (parse_u64(hubid, &n) < 0 || n > INT32_MAX) {
        error_setg(errp, "%s %s: Parameter 'hubid' expects a hub number (0 to %d)",
                   o->option, o->text, INT32_MAX);
        return NULL;
    }
    const char *peer_id = opts_get(o, "netdev");
    NetClient *peer = NULL;
    if (peer_id) {
        peer = netdev_find(peer_id);
        if (!peer) {
            error_setg(errp, "%s %s: netdev '%s' not found", o->option, o->text, peer_id);
            return NULL;
        }
        if (peer->peer) {
            error_setg(errp, "%s %s: Property 'hubport.netdev' can't take value '%s', "
                       "it's in use", o->option, o->text, peer_id);
            return NULL;
        }
    }
    NetClient *port = net_hub_port_new((int)n, id, errp);
    if (port && peer)
        net_client_connect(port, peer);
    return port;
}

NETDEV_TYPE(netdev_hubport, .name = "hubport", .desc = "port of an emulated hub",
    .keys = (const char *const[]){"hubid", "netdev", NULL}, .create = hubport_create);
