/*
 * offload.c — offload metadata resolved in software (see offload.h).
 *
 * Sources: the Internet checksum, RFC 1071 (sum of 16-bit words in one's
 * complement, byte-order independent, §2(B)); the TCP/UDP pseudo-headers,
 * RFC 9293 §3.1 / RFC 768 (IPv4) and RFC 8200 §8.1 (IPv6); the virtio-net
 * header, virtio 1.2 §5.1.6 (NEEDS_CSUM: the one's-complement checksum from
 * csum_start to the end of the packet goes at csum_start + csum_offset;
 * gso_type/gso_size: the device splits the super-frame into gso_size-byte
 * payloads); IPv4 fragmentation, RFC 791 §3.2; the IPv6 fragment header,
 * RFC 8200 §4.5.
 *
 * TCP segmentation, per segment: the headers are copied, the sequence
 * number advanced by the payload already sent, IPv4 total length / IPv6
 * payload length set, the IPv4 ID incremented per segment, FIN and PSH kept
 * only on the last segment and CWR only on the first (the usual TSO rule
 * for ECN, the NET_GSO_ECN case), and the IPv4 header and TCP checksums
 * computed from scratch. UDP segmentation (USO) does the same with the UDP
 * length. UFO computes the datagram's UDP checksum once and fragments the
 * IP payload in gso_size & ~7 chunks (fragment offsets count 8 bytes).
 */
#include "netback/offload.h"

#include <netinet/in.h>

enum { GSO_K_TCP = 1, GSO_K_USO, GSO_K_UFO4, GSO_K_UFO6 };

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- headers ------------------------------------------------------------ */

static int fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return -1;
}

int net_parse_hdrs(const uint8_t *f, size_t len, NetHdrs *h, const char **why)
{
    memset(h, 0, sizeof(*h));
    if (len < 14)
        return fail(why, "shorter than an Ethernet header");
    size_t off = 12;
    uint16_t et = rd16(f + off);
    for (int tags = 0; et == 0x8100 || et == 0x88a8; tags++) {
        if (tags == 2)
            return fail(why, "more than two VLAN tags");
        if (len - off < 6)
            return fail(why, "truncated VLAN tag");
        off += 4;
        et = rd16(f + off);
    }
    off += 2;
    h->l3 = off;
    uint8_t proto;
    if (et == 0x0800) {
        if (len - off < 20)
            return fail(why, "truncated IPv4 header");
        const uint8_t *ip = f + off;
        if (ip[0] >> 4 != 4)
            return fail(why, "IPv4 ethertype but not an IPv4 header");
        size_t ihl = (size_t)(ip[0] & 15) * 4;
        size_t tot = rd16(ip + 2);
        if (ihl < 20 || ihl > len - off)
            return fail(why, "bad IPv4 header length");
        if (tot < ihl || tot > len - off)
            return fail(why, "IPv4 total length does not fit the frame");
        h->ipver = 4;
        h->ip_end = off + tot;
        h->l4 = off + ihl;
        h->ip_frag = (rd16(ip + 6) & 0x3fff) != 0; /* MF or a fragment offset */
        proto = ip[9];
    } else if (et == 0x86dd) {
        if (len - off < 40)
            return fail(why, "truncated IPv6 header");
        const uint8_t *ip = f + off;
        if (ip[0] >> 4 != 6)
            return fail(why, "IPv6 ethertype but not an IPv6 header");
        size_t plen = rd16(ip + 4);
        if (plen > len - off - 40)
            return fail(why, "IPv6 payload length does not fit the frame");
        h->ipver = 6;
        h->ip_end = off + 40 + plen;
        size_t p = off + 40;
        uint8_t nh = ip[6];
        for (int n = 0;; n++) {
            if (nh == 0 || nh == 43 || nh == 60) { /* hop-by-hop, routing, dest opts */
                if (n >= 8)
                    return fail(why, "too many IPv6 extension headers");
                if (h->ip_end - p < 8)
                    return fail(why, "truncated IPv6 extension header");
                size_t el = ((size_t)f[p + 1] + 1) * 8;
                if (el > h->ip_end - p)
                    return fail(why, "truncated IPv6 extension header");
                nh = f[p];
                p += el;
                h->v6_ext = true;
            } else if (nh == 44) { /* fragment */
                if (h->ip_end - p < 8)
                    return fail(why, "truncated IPv6 fragment header");
                h->ip_frag = true;
                h->v6_ext = true;
                nh = f[p];
                p += 8;
                break;
            } else {
                break;
            }
        }
        h->l4 = p;
        proto = nh;
    } else {
        return fail(why, "not an IPv4 or IPv6 packet");
    }
    h->payload = h->l4;
    if (h->ip_frag)
        return 0; /* l4proto 0: a fragment carries no L4 header we may use */
    if (proto == IPPROTO_TCP) {
        if (h->ip_end - h->l4 < 20)
            return fail(why, "truncated TCP header");
        size_t doff = (size_t)(f[h->l4 + 12] >> 4) * 4;
        if (doff < 20 || doff > h->ip_end - h->l4)
            return fail(why, "bad TCP data offset");
        h->payload = h->l4 + doff;
    } else if (proto == IPPROTO_UDP) {
        if (h->ip_end - h->l4 < 8)
            return fail(why, "truncated UDP header");
        h->payload = h->l4 + 8;
    }
    h->l4proto = proto;
    return 0;
}

/* ---- checksums ---------------------------------------------------------- */

uint32_t net_csum_add(uint32_t sum, const void *buf, size_t len)
{
    /* Native-order words, swapped at the end (RFC 1071 §2(B)); 32-bit
     * words folded later are the same sum (2^16 = 1 mod 2^16 - 1). */
    const uint8_t *p = buf;
    uint64_t acc = 0;
    while (len >= 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        acc += w;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t w;
        memcpy(&w, p, 2);
        acc += w;
        p += 2;
        len -= 2;
    }
    if (len) {
        uint8_t t[2] = {p[0], 0};
        uint16_t w;
        memcpy(&w, t, 2);
        acc += w;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    uint32_t s = (uint32_t)acc;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    s = ((s & 0xff) << 8) | (s >> 8);
#endif
    return net_csum_fold(sum) + s;
}

uint16_t net_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* The TCP/UDP pseudo-header of the packet in `f` for an L4 length. */
static uint32_t pseudo_sum(const uint8_t *f, const NetHdrs *h, uint8_t proto, uint32_t l4len)
{
    uint32_t s;
    if (h->ipver == 4)
        s = net_csum_add(0, f + h->l3 + 12, 8);   /* source, destination */
    else
        s = net_csum_add(0, f + h->l3 + 8, 32);   /* source, destination */
    return s + proto + (l4len >> 16) + (l4len & 0xffff);
}

static void ipv4_hdr_csum(uint8_t *ip)
{
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    wr16(ip + 10, 0);
    wr16(ip + 10, (uint16_t)~net_csum_fold(net_csum_add(0, ip, ihl)));
}

/* ---- classification ----------------------------------------------------- */

static bool csum_offsets_fit(const NetOffload *off, size_t len)
{
    return off->csum_start < len && (size_t)off->csum_offset + 2 <= len - off->csum_start;
}

int net_offload_classify(const NetOffload *off, uint32_t caps, size_t len, const char **why)
{
    uint8_t gso = off->gso_type & (uint8_t)~NET_GSO_ECN;
    bool needs_csum = off->flags & NET_F_NEEDS_CSUM;
    if (needs_csum && !csum_offsets_fit(off, len))
        return fail(why, "csum_start/csum_offset beyond the frame");
    if (gso == NET_GSO_NONE)
        return needs_csum && !(caps & NET_CAP_CSUM) ? 1 : 0;
    if (gso != NET_GSO_TCPV4 && gso != NET_GSO_TCPV6 && gso != NET_GSO_UDP &&
        gso != NET_GSO_UDP_L4)
        return fail(why, "unknown gso_type");
    if (!off->gso_size)
        return fail(why, "GSO with gso_size 0");
    /* GSO without NEEDS_CSUM breaks the virtio rule; resolving it here
     * gives correct frames, passing it on would not. */
    if (!needs_csum || !(caps & NET_CAP_CSUM))
        return 1;
    bool ecn = off->gso_type & NET_GSO_ECN;
    switch (gso) {
    case NET_GSO_TCPV4:
        return (caps & NET_CAP_TSO4) && (!ecn || (caps & NET_CAP_ECN)) ? 0 : 1;
    case NET_GSO_TCPV6:
        return (caps & NET_CAP_TSO6) && (!ecn || (caps & NET_CAP_ECN)) ? 0 : 1;
    case NET_GSO_UDP:
        return caps & NET_CAP_UFO ? 0 : 1;
    default: /* USO: the IP version is not looked at here, so both */
        return (caps & (NET_CAP_USO4 | NET_CAP_USO6)) == (NET_CAP_USO4 | NET_CAP_USO6) ? 0 : 1;
    }
}

NetOffload net_offload_for(const NetOffload *off, uint32_t caps)
{
    NetOffload o = *off;
    if (!(caps & NET_CAP_CSUM))
        o.flags &= (uint8_t)~NET_F_DATA_VALID;
    if ((o.gso_type & (uint8_t)~NET_GSO_ECN) == NET_GSO_NONE)
        o.gso_type = NET_GSO_NONE;
    return o;
}

int net_csum_complete(uint8_t *f, size_t len, const NetOffload *off)
{
    if (!csum_offsets_fit(off, len))
        return -1;
    uint16_t c = (uint16_t)~net_csum_fold(net_csum_add(0, f + off->csum_start,
                                                       len - off->csum_start));
    /* 0 and 0xffff are the same one's-complement zero; UDP reserves 0 for
     * "no checksum" (RFC 768), and 0xffff is right for TCP too. */
    wr16(f + off->csum_start + off->csum_offset, c ? c : 0xffff);
    return 0;
}

/* ---- segmentation ------------------------------------------------------- */

static uint32_t v6_frag_id = 0x5eed0001;

int net_gso_start(NetGso *g, const uint8_t *f, size_t len, const NetOffload *off,
                  const char **why)
{
    memset(g, 0, sizeof(*g));
    uint8_t gso = off->gso_type & (uint8_t)~NET_GSO_ECN;
    if (!off->gso_size)
        return fail(why, "GSO with gso_size 0");
    if (net_parse_hdrs(f, len, &g->h, why) < 0)
        return -1;
    NetHdrs *h = &g->h;
    if (h->ip_frag)
        return fail(why, "GSO on an IP fragment");
    switch (gso) {
    case NET_GSO_TCPV4:
    case NET_GSO_TCPV6:
        if (h->l4proto != IPPROTO_TCP)
            return fail(why, "TCP GSO on a frame that is not TCP");
        if (h->ipver != (gso == NET_GSO_TCPV4 ? 4 : 6))
            return fail(why, "TCP GSO type does not match the IP version");
        g->kind = GSO_K_TCP;
        g->total = h->ip_end - h->payload;
        g->seg = off->gso_size;
        break;
    case NET_GSO_UDP_L4:
        if (h->l4proto != IPPROTO_UDP)
            return fail(why, "UDP GSO on a frame that is not UDP");
        g->kind = GSO_K_USO;
        g->total = h->ip_end - h->payload;
        g->seg = off->gso_size;
        break;
    case NET_GSO_UDP:
        if (h->l4proto != IPPROTO_UDP)
            return fail(why, "UFO on a frame that is not UDP");
        if (h->ipver == 6 && h->v6_ext)
            return fail(why, "UFO over IPv6 with extension headers");
        g->kind = h->ipver == 4 ? GSO_K_UFO4 : GSO_K_UFO6;
        g->total = h->ip_end - h->l4; /* the IP payload: UDP header + data */
        g->seg = off->gso_size & ~7u;
        if (!g->seg)
            return fail(why, "UFO with a fragment size under 8");
        if (g->kind == GSO_K_UFO6)
            g->frag_id = v6_frag_id++;
        break;
    default:
        return fail(why, "unknown gso_type");
    }
    g->f = f;
    g->len = len;
    return 0;
}

size_t net_gso_max_frame(const NetGso *g)
{
    size_t hdrs = g->kind == GSO_K_UFO4 || g->kind == GSO_K_UFO6 ? g->h.l4 : g->h.payload;
    return hdrs + MIN(g->seg, g->total) + 8;
}

/* IPv4 total length and ID, or IPv6 payload length, for one frame. */
static void set_ip_len(uint8_t *out, const NetHdrs *h, size_t ip_len, unsigned index)
{
    uint8_t *ip = out + h->l3;
    if (h->ipver == 4) {
        wr16(ip + 2, (uint16_t)ip_len);
        wr16(ip + 4, (uint16_t)(rd16(ip + 4) + index));
        ipv4_hdr_csum(ip);
    } else {
        wr16(ip + 4, (uint16_t)(ip_len - 40));
    }
}

static uint16_t l4_csum(const uint8_t *out, const NetHdrs *h, uint8_t proto, size_t l4len)
{
    uint32_t s = pseudo_sum(out, h, proto, (uint32_t)l4len);
    s = net_csum_add(s, out + h->l4, l4len);
    return (uint16_t)~net_csum_fold(s);
}

static size_t gso_next_seg(NetGso *g, uint8_t *out, size_t chunk, bool first, bool last)
{
    const NetHdrs *h = &g->h;
    size_t hl = h->payload;
    memcpy(out, g->f, hl);
    memcpy(out + hl, g->f + h->payload + g->done, chunk);
    size_t l4len = hl - h->l4 + chunk;
    set_ip_len(out, h, hl - h->l3 + chunk, g->index);
    uint8_t *l4 = out + h->l4;
    if (g->kind == GSO_K_TCP) {
        wr32(l4 + 4, rd32(l4 + 4) + (uint32_t)g->done);
        uint8_t fl = l4[13];
        if (!last)
            fl &= (uint8_t)~(TCP_FIN | TCP_PSH);
        if (!first)
            fl &= (uint8_t)~TCP_CWR;
        l4[13] = fl;
        wr16(l4 + 16, 0);
        wr16(l4 + 16, l4_csum(out, h, IPPROTO_TCP, l4len));
    } else {
        wr16(l4 + 4, (uint16_t)l4len);
        wr16(l4 + 6, 0);
        uint16_t c = l4_csum(out, h, IPPROTO_UDP, l4len);
        wr16(l4 + 6, c ? c : 0xffff);
    }
    return hl + chunk;
}

/* The whole datagram's UDP checksum, for UFO (the field counted as 0). */
static uint16_t ufo_datagram_csum(const NetGso *g)
{
    const NetHdrs *h = &g->h;
    size_t l4len = h->ip_end - h->l4;
    uint32_t s = pseudo_sum(g->f, h, IPPROTO_UDP, (uint32_t)l4len);
    s = net_csum_add(s, g->f + h->l4, 6);
    s = net_csum_add(s, g->f + h->l4 + 8, l4len - 8);
    uint16_t c = (uint16_t)~net_csum_fold(s);
    return c ? c : 0xffff;
}

static size_t gso_next_frag(NetGso *g, uint8_t *out, size_t chunk, bool last)
{
    const NetHdrs *h = &g->h;
    if (!g->csum_done) {
        g->udp_csum = ufo_datagram_csum(g);
        g->csum_done = true;
    }
    size_t n;
    size_t data_at;
    if (g->kind == GSO_K_UFO4) {
        memcpy(out, g->f, h->l4);
        uint8_t *ip = out + h->l3;
        size_t ihl = h->l4 - h->l3;
        wr16(ip + 2, (uint16_t)(ihl + chunk));
        /* DF cleared: this datagram is being fragmented. */
        wr16(ip + 6, (uint16_t)((g->done / 8) | (last ? 0 : 0x2000)));
        ipv4_hdr_csum(ip);
        data_at = h->l4;
    } else {
        memcpy(out, g->f, h->l3 + 40);
        uint8_t *ip = out + h->l3;
        uint8_t *fh = ip + 40;
        fh[0] = ip[6];     /* the next header behind the fragment header */
        fh[1] = 0;
        wr16(fh + 2, (uint16_t)(g->done | (last ? 0 : 1))); /* offset in 8s << 3 | M */
        wr32(fh + 4, g->frag_id);
        ip[6] = 44;
        wr16(ip + 4, (uint16_t)(8 + chunk));
        data_at = h->l3 + 48;
    }
    memcpy(out + data_at, g->f + h->l4 + g->done, chunk);
    if (g->done == 0)
        wr16(out + data_at + 6, g->udp_csum);
    n = data_at + chunk;
    return n;
}

size_t net_gso_next(NetGso *g, uint8_t *out)
{
    if (g->done >= g->total && (g->index > 0 || g->total > 0))
        return 0;
    size_t chunk = MIN(g->seg, g->total - g->done);
    bool first = g->index == 0;
    bool last = g->done + chunk >= g->total;
    size_t n;
    if (g->kind == GSO_K_TCP || g->kind == GSO_K_USO)
        n = gso_next_seg(g, out, chunk, first, last);
    else
        n = gso_next_frag(g, out, chunk, last);
    g->done += chunk;
    g->index++;
    return n;
}

int net_offload_resolve(const uint8_t *f, size_t len, const NetOffload *off,
                        void (*emit)(void *opaque, const uint8_t *frame, size_t len),
                        void *opaque)
{
    if ((off->gso_type & (uint8_t)~NET_GSO_ECN) != NET_GSO_NONE) {
        NetGso g;
        if (net_gso_start(&g, f, len, off, NULL) < 0)
            return -1;
        uint8_t *buf = xmalloc(net_gso_max_frame(&g));
        int count = 0;
        size_t n;
        while ((n = net_gso_next(&g, buf)) > 0) {
            emit(opaque, buf, n);
            count++;
        }
        free(buf);
        return count;
    }
    uint8_t *copy = xmalloc(len ? len : 1);
    memcpy(copy, f, len);
    if ((off->flags & NET_F_NEEDS_CSUM) && net_csum_complete(copy, len, off) < 0) {
        free(copy);
        return -1;
    }
    emit(opaque, copy, len);
    free(copy);
    return 1;
}
