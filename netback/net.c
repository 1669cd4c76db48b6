/*
 * net.c — the frame path (net.h): clients and peers, net_send() with
 * per-receiver queues and flow control, offload resolution on delivery,
 * link state, the NIC side, and the `info network` / `set_link` monitor
 * commands. The policies are described in netback/README.md.
 *
 * Link state follows QEMU's observable behaviour: a frame from a client
 * whose link is down, or to one whose link is down, is discarded and
 * reported to the sender as sent; set_link on a backend whose peer is a NIC
 * takes the NIC's link down too, so the guest sees it.
 */
#include "netback/net.h"

#include "core/log.h"
#include "core/monitor.h"
#include "netback/net-internal.h"
#include "netback/offload.h"

/* A frame waiting in its receiver's queue: a private copy. A super-frame
 * that is being segmented for this receiver keeps its position (gso_*), so
 * a receiver that fills up between two segments gets the rest later, and
 * memory stays one super-frame no matter how many segments it makes. */
struct NetPacket {
    NetPacket *next;
    NetClient *sender;
    NetSentCb *sent;
    NetOffload off;
    bool gso_started;
    size_t gso_done;
    unsigned gso_index;
    uint32_t gso_frag_id;
    size_t len;
    uint8_t data[];
};

/* Deeper nesting of net_send() than this is a forwarding loop (hubs joined
 * in a circle): the frame is dropped rather than recursing forever. */
#define NET_MAX_DEPTH 16

static Loop *the_loop;
static NetClient *clients, **clients_tail = &clients;
static int send_depth;

void net_init(Loop *l)
{
    the_loop = l;
}

Loop *net_loop(void)
{
    return the_loop;
}

/* ---- clients ---------------------------------------------------------- */

void *net_client_new(const NetClientOps *ops, const char *model, const char *name)
{
    size_t size = ops->size ? ops->size : sizeof(NetClient);
    if (size < sizeof(NetClient)) {
        fprintf(stderr, "ferry: BUG: net client type %s has no room for NetClient\n", ops->type);
        abort();
    }
    NetClient *nc = xzalloc(size);
    nc->ops = ops;
    nc->model = xstrdup(model);
    nc->name = xstrdup(name);
    nc->hub_id = -1;
    nc->q_tail = &nc->q_head;
    *clients_tail = nc;
    clients_tail = &nc->next;
    return nc;
}

NetClient *net_client_first(void)
{
    return clients;
}

NetClient *net_client_find(const char *name)
{
    for (NetClient *nc = clients; nc; nc = nc->next)
        if (!strcmp(nc->name, name))
            return nc;
    return NULL;
}

void net_client_connect(NetClient *a, NetClient *b)
{
    if (a->peer || b->peer || a == b) {
        fprintf(stderr, "ferry: BUG: net_client_connect(%s, %s) on a peered client\n",
                a->name, b->name);
        abort();
    }
    a->peer = b;
    b->peer = a;
}

void net_client_set_info(NetClient *nc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(nc->info, sizeof(nc->info), fmt, ap);
    va_end(ap);
}

void net_filter_attach(NetClient *nc, NetFilter *f)
{
    NetFilter **pp = &nc->filters;
    while (*pp)
        pp = &(*pp)->next;
    f->next = NULL;
    *pp = f;
}

NetFilter *net_filter_find(const char *id)
{
    for (NetClient *nc = clients; nc; nc = nc->next)
        for (NetFilter *f = nc->filters; f; f = f->next)
            if (f->id && !strcmp(f->id, id))
                return f;
    return NULL;
}

unsigned net_client_queue_len(const NetClient *nc)
{
    return nc->q_len;
}

static void pkt_unlink_head(NetClient *r)
{
    NetPacket *p = r->q_head;
    r->q_head = p->next;
    if (!r->q_head)
        r->q_tail = &r->q_head;
    r->q_len--;
    r->q_bytes -= p->len;
}

void net_client_purge(NetClient *nc)
{
    while (nc->q_head) {
        NetPacket *p = nc->q_head;
        pkt_unlink_head(nc);
        nc->rx_dropped++;
        if (p->sent)
            p->sent(p->sender, 0);
        free(p);
    }
}

/* Forget the frames `sender` queued at its peer: the sender is going away
 * and its callback must not run. */
static void purge_from(NetClient *r, NetClient *sender)
{
    NetPacket **pp = &r->q_head;
    r->q_tail = &r->q_head;
    while (*pp) {
        NetPacket *p = *pp;
        if (p->sender == sender) {
            *pp = p->next;
            r->q_len--;
            r->q_bytes -= p->len;
            free(p);
        } else {
            pp = &p->next;
            r->q_tail = pp;
        }
    }
}

void net_client_free(NetClient *nc)
{
    if (!nc)
        return;
    NetClient *peer = nc->peer;
    if (peer) {
        purge_from(peer, nc);
        peer->peer = NULL;
        nc->peer = NULL;
    }
    net_client_purge(nc);
    for (NetClient **pp = &clients; *pp; pp = &(*pp)->next) {
        if (*pp == nc) {
            *pp = nc->next;
            if (clients_tail == &nc->next)
                clients_tail = pp;
            break;
        }
    }
    while (nc->filters) {
        NetFilter *f = nc->filters;
        nc->filters = f->next;
        f->free(f);
    }
    if (nc->ops->cleanup)
        nc->ops->cleanup(nc);
    free(nc->name);
    free(nc->model);
    free(nc);
}

void net_log_bad_frame(NetClient *from, const char *why, size_t len)
{
    qlog(LOG_GUEST_ERROR, "net: %s sent a malformed %zu-byte frame (%s); dropped\n",
         from ? from->name : "?", len, why);
}

/* ---- sending and delivering -------------------------------------------- */

static size_t iov_size(const struct iovec *iov, int iovcnt)
{
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    return n;
}

static void iov_to_buf(const struct iovec *iov, int iovcnt, uint8_t *buf)
{
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len)
            memcpy(buf, iov[i].iov_base, iov[i].iov_len);
        buf += iov[i].iov_len;
    }
}

static bool can_receive(NetClient *r)
{
    return !r->ops->can_receive || r->ops->can_receive(r);
}

static void run_filters(NetClient *nc, bool tx, const struct iovec *iov, int iovcnt, size_t len)
{
    for (NetFilter *f = nc->filters; f; f = f->next)
        if (tx ? f->tx : f->rx)
            f->frame(f, iov, iovcnt, len);
}

/* One complete frame to r. Returns false when r has no room (nothing was
 * taken), true when r took it or it was dropped. */
static bool deliver_plain(NetClient *r, const struct iovec *iov, int iovcnt,
                          const NetOffload *off)
{
    if (!can_receive(r))
        return false;
    NetOffload o = net_offload_for(off, r->rx_caps);
    ssize_t n = r->ops->receive(r, iov, iovcnt, &o);
    if (n == 0)
        return false;
    if (n < 0)
        r->rx_dropped++;
    else
        r->rx_frames++;
    return true;
}

/* Delivers a copied frame, resolving what r does not accept. Returns true
 * when the frame is done with (delivered, or dropped), false when r filled
 * up; a partly segmented super-frame then remembers where it stopped. */
static bool pkt_deliver(NetClient *r, NetPacket *p)
{
    if (r->link_down) {
        r->rx_dropped++;
        return true;
    }
    const char *why = NULL;
    int cls = net_offload_is_none(&p->off) ? 0
              : net_offload_classify(&p->off, r->rx_caps, p->len, &why);
    if (cls < 0) {
        net_log_bad_frame(p->sender, why, p->len);
        r->rx_dropped++;
        return true;
    }
    if (cls == 1 && (p->off.gso_type & (uint8_t)~NET_GSO_ECN) == NET_GSO_NONE) {
        /* A partial checksum the receiver cannot finish: finish it here. */
        if (net_csum_complete(p->data, p->len, &p->off) < 0) {
            net_log_bad_frame(p->sender, "checksum offsets beyond the frame", p->len);
            r->rx_dropped++;
            return true;
        }
        p->off = (NetOffload){0};
        cls = 0;
    }
    if (cls == 0) {
        struct iovec iov = {p->data, p->len};
        return deliver_plain(r, &iov, 1, &p->off);
    }

    NetGso g;
    if (net_gso_start(&g, p->data, p->len, &p->off, &why) < 0) {
        net_log_bad_frame(p->sender, why, p->len);
        r->rx_dropped++;
        return true;
    }
    if (p->gso_started) {
        g.done = p->gso_done;
        g.index = p->gso_index;
        g.frag_id = p->gso_frag_id;
    } else {
        p->gso_started = true;
        p->gso_frag_id = g.frag_id;
    }
    uint8_t *buf = xmalloc(net_gso_max_frame(&g));
    static const NetOffload none;
    bool done = true;
    for (;;) {
        size_t done_before = g.done;
        unsigned index_before = g.index;
        size_t n = net_gso_next(&g, buf);
        if (!n)
            break;
        struct iovec iov = {buf, n};
        if (r->link_down) {
            r->rx_dropped++;
            break;
        }
        if (!deliver_plain(r, &iov, 1, &none)) {
            p->gso_done = done_before;
            p->gso_index = index_before;
            done = false;
            break;
        }
    }
    free(buf);
    return done;
}

static NetPacket *pkt_new(NetClient *sender, const struct iovec *iov, int iovcnt, size_t len,
                          const NetOffload *off, NetSentCb *sent)
{
    NetPacket *p = xmalloc(sizeof(*p) + len);
    memset(p, 0, sizeof(*p));
    p->sender = sender;
    p->sent = sent;
    p->off = *off;
    p->len = len;
    iov_to_buf(iov, iovcnt, p->data);
    return p;
}

static void pkt_enqueue(NetClient *r, NetPacket *p)
{
    p->next = NULL;
    *r->q_tail = p;
    r->q_tail = &p->next;
    r->q_len++;
    r->q_bytes += p->len;
}

ssize_t net_send(NetClient *s, const struct iovec *iov, int iovcnt, const NetOffload *off,
                 NetSentCb *sent)
{
    static const NetOffload none;
    size_t len = iov_size(iov, iovcnt);
    NetClient *r = s->peer;
    if (!off)
        off = &none;
    if (len < NET_FRAME_MIN || len > NET_FRAME_MAX) {
        net_log_bad_frame(s, len < NET_FRAME_MIN ? "runt" : "too long", len);
        s->tx_dropped++;
        return -1;
    }
    if (!r || s->link_down) {
        s->tx_dropped++;
        return (ssize_t)len;
    }
    if (send_depth >= NET_MAX_DEPTH) {
        static bool warned;
        if (!warned)
            warn_report("network: frames go round in a loop (hubs joined in a circle?); "
                        "dropping them");
        warned = true;
        s->tx_dropped++;
        return (ssize_t)len;
    }
    const char *why = NULL;
    int cls = net_offload_is_none(off) ? 0 : net_offload_classify(off, r->rx_caps, len, &why);
    if (cls < 0) {
        net_log_bad_frame(s, why, len);
        s->tx_dropped++;
        return -1;
    }
    if (r->link_down) {
        r->rx_dropped++;
        return (ssize_t)len;
    }
    s->tx_frames++;
    if (log_enabled(LOG_NET))
        log_printf("net: %s -> %s: %zu bytes%s%s gso=%u/%u\n", s->name, r->name, len,
                   off->flags & NET_F_NEEDS_CSUM ? " needs_csum" : "",
                   cls ? " (resolved for it)" : "", off->gso_type, off->gso_size);
    /* Captures see what really passes: not frames that die on a dead link. */
    run_filters(s, true, iov, iovcnt, len);
    run_filters(r, false, iov, iovcnt, len);

    ssize_t ret = (ssize_t)len;
    send_depth++;
    /* Queued frames go first: a frame may only pass the queue when it is
     * empty, so order is kept. */
    bool room = !r->q_head && can_receive(r);
    if (room && cls == 0 && deliver_plain(r, iov, iovcnt, off))
        goto out;
    NetPacket *p = pkt_new(s, iov, iovcnt, len, off, sent);
    if (room && cls == 1 && pkt_deliver(r, p)) {
        free(p);
        goto out;
    }
    if (sent && r->q_len >= NET_QUEUE_HARD_MAX) {
        /* A sender that was told "queued" must wait for its callback; one
         * that does not would grow the queue without end. */
        static bool warned;
        if (!warned)
            warn_report("network: %s keeps sending while its frames wait for %s; "
                        "dropping (a bug in %s)", s->name, r->name, s->model);
        warned = true;
        r->rx_dropped++;
        free(p);
        goto out;
    }
    if (!sent && (r->q_len >= NET_QUEUE_MAX || r->q_bytes + len > NET_QUEUE_MAX_BYTES)) {
        r->rx_dropped++;
        qlog(LOG_NET, "net: %s's queue is full; a frame from %s dropped\n", r->name, s->name);
        free(p);
        goto out;
    }
    pkt_enqueue(r, p);
    qlog(LOG_NET, "net: %s has no room: queued (%u waiting)\n", r->name, r->q_len);
    if (sent)
        ret = 0;
out:
    send_depth--;
    return ret;
}

ssize_t net_send_buf(NetClient *sender, const void *buf, size_t len, const NetOffload *off,
                     NetSentCb *sent)
{
    struct iovec iov = {(void *)buf, len};
    return net_send(sender, &iov, 1, off, sent);
}

void net_client_ready(NetClient *r)
{
    if (r->flushing) {
        r->flush_again = true;
        return;
    }
    r->flushing = 1;
    do {
        r->flush_again = false;
        while (r->q_head) {
            NetPacket *p = r->q_head;
            send_depth++;
            bool done = pkt_deliver(r, p);
            send_depth--;
            if (!done)
                break;
            pkt_unlink_head(r);
            if (p->sent)
                p->sent(p->sender, (ssize_t)p->len);
            free(p);
        }
    } while (r->flush_again);
    r->flushing = 0;
}

/* ---- link state ------------------------------------------------------- */

static void set_link_one(NetClient *nc, bool up)
{
    nc->link_down = !up;
    if (nc->ops->link_changed)
        nc->ops->link_changed(nc);
    /* Frames that waited for a client whose link went down are gone, as
     * they would be on a cable that was pulled; a link that comes up may
     * take what waits. */
    if (!up)
        net_client_ready(nc);
}

int net_set_link(const char *name, bool up, Error **errp)
{
    NetClient *nc = net_client_find(name);
    if (!nc) {
        error_setg(errp, "Device '%s' not found", name);
        return -1;
    }
    set_link_one(nc, up);
    if (nc->peer && nc->peer->is_nic)
        set_link_one(nc->peer, up);
    if (up) {
        /* Whoever was waiting on either side may go on. */
        net_client_ready(nc);
        if (nc->peer)
            net_client_ready(nc->peer);
    }
    return 0;
}

/* ---- the NIC side ------------------------------------------------------ */

static void nic_format_info(NetClient *nc, const uint8_t *a)
{
    net_client_set_info(nc, "model=%s,macaddr=%02x:%02x:%02x:%02x:%02x:%02x", nc->model,
                        a[0], a[1], a[2], a[3], a[4], a[5]);
}

NetClient *nic_new(Device *dev, const NetClientOps *ops, MACAddr *mac, NetClient *peer,
                   Error **errp)
{
    const char *model = dev->type->name;
    if (peer && (peer->peer || peer->is_nic)) {
        error_setg(errp, "Property '%s.netdev' can't take value '%s', it's in use", model,
                   peer->name);
        return NULL;
    }
    char *name;
    if (dev->id) {
        name = xstrdup(dev->id);
    } else {
        /* QEMU's made-up NIC names: model.N, N counting this model's NICs. */
        int n = 0;
        for (NetClient *c = clients; c; c = c->next)
            if (c->is_nic && !strcmp(c->model, model))
                n++;
        name = xasprintf("%s.%d", model, n);
    }
    NetClient *nc = net_client_new(ops, model, name);
    free(name);
    nc->is_nic = true;
    nc->dev = dev;
    nc->opaque = dev;
    mac_assign_default(mac);
    nic_format_info(nc, mac->a);
    if (peer)
        net_client_connect(nc, peer);
    return nc;
}

void nic_set_mac(NetClient *nc, const uint8_t mac[6])
{
    nic_format_info(nc, mac);
}

void nic_free(NetClient *nc)
{
    net_client_free(nc);
}

/* ---- info network, set_link ------------------------------------------- */

void net_client_describe(NetClient *nc, StrBuf *sb)
{
    sb_printf(sb, "%s: index=0,type=%s%s%s", nc->name, nc->ops->type, nc->info[0] ? "," : "",
              nc->info);
    if (nc->link_down)
        sb_printf(sb, ",link=down");
    if (nc->rx_dropped)
        sb_printf(sb, ",rx_dropped=%" PRIu64, nc->rx_dropped);
    if (nc->tx_dropped)
        sb_printf(sb, ",tx_dropped=%" PRIu64, nc->tx_dropped);
}

static void cmd_info_network_fn(Monitor *mon, int argc, char **argv)
{
    StrBuf sb = {0};
    net_hub_info(&sb);
    for (NetClient *nc = clients; nc; nc = nc->next) {
        /* Hub ports and what hangs off them were shown with their hub. */
        if (nc->hub_id >= 0 || (nc->peer && nc->peer->hub_id >= 0))
            continue;
        if (nc->peer && !nc->is_nic)
            continue; /* shown under its NIC */
        net_client_describe(nc, &sb);
        sb_printf(&sb, "\n");
        if (nc->peer) {
            sb_printf(&sb, " \\ ");
            net_client_describe(nc->peer, &sb);
            sb_printf(&sb, "\n");
        }
    }
    monitor_printf(mon, "%s", sb_str(&sb));
    sb_free(&sb);
}

MONITOR_COMMAND(cmd_info_network, .name = "network", .args = "",
                .help = "show the network state", .fn = cmd_info_network_fn, .is_info = true);

static void cmd_set_link_fn(Monitor *mon, int argc, char **argv)
{
    bool up;
    if (argc != 3) {
        monitor_printf(mon, "usage: set_link name on|off\n");
        return;
    }
    if (parse_bool(argv[2], &up) < 0) {
        monitor_printf(mon, "Expected 'on' or 'off'\n");
        return;
    }
    Error *err = NULL;
    if (net_set_link(argv[1], up, &err) < 0) {
        monitor_printf(mon, "Error: %s\n", error_get_msg(err));
        error_free(err);
    }
}

MONITOR_COMMAND(cmd_set_link, .name = "set_link", .args = "name on|off",
                .help = "change the link status of a network adapter", .fn = cmd_set_link_fn);

/* ---- tests -------------------------------------------------------------- */

void net_reset_all(void)
{
    while (clients)
        net_client_free(clients);
    net_hub_forget_all();
    netdev_forget_requests();
}
