/*
 * netpkt.h — a small frame builder and parser for the network unit tests:
 * Ethernet, ARP (RFC 826), IPv4 (RFC 791), IPv6 (RFC 8200), TCP (RFC 9293),
 * UDP (RFC 768), BOOTP/DHCP (RFC 2131/2132). Its checksum is written
 * independently of netback/offload.c (the plain RFC 1071 loop over
 * big-endian 16-bit words), so the tests check ferry's checksums against a
 * second implementation.
 */
#ifndef FERRY_TEST_NETPKT_H
#define FERRY_TEST_NETPKT_H

#include <arpa/inet.h>

#include "core/common.h"

static inline uint16_t tp_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tp_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void tp_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void tp_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* RFC 1071, the textbook way. */
static inline uint32_t tp_sum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static inline uint16_t tp_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static const uint8_t tp_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static inline uint32_t tp_ip(const char *s)
{
    return ntohl(inet_addr(s));
}

static inline size_t tp_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    tp_wr16(f + 12, type);
    return 14;
}

/* IPv4 header at f (20 bytes); total = header + payload. */
static inline void tp_ipv4_hdr(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto,
                               size_t total, uint16_t id, bool df)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    tp_wr16(ip + 2, (uint16_t)total);
    tp_wr16(ip + 4, id);
    tp_wr16(ip + 6, df ? 0x4000 : 0);
    ip[8] = 64;
    ip[9] = proto;
    tp_wr32(ip + 12, src);
    tp_wr32(ip + 16, dst);
    tp_wr16(ip + 10, (uint16_t)~tp_fold(tp_sum(0, ip, 20)));
}

static inline uint32_t tp_pseudo4(const uint8_t *ip, uint8_t proto, size_t l4len)
{
    uint32_t s = tp_sum(0, ip + 12, 8);
    return s + proto + (uint32_t)l4len;
}

static inline uint32_t tp_pseudo6(const uint8_t *ip, uint8_t proto, size_t l4len)
{
    uint32_t s = tp_sum(0, ip + 8, 32);
    return s + proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
}

typedef struct TpTcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
} TpTcp;

enum { TP_FIN = 1, TP_SYN = 2, TP_RST = 4, TP_PSH = 8, TP_ACK = 16, TP_URG = 32,
       TP_ECE = 64, TP_CWR = 128 };

/* Ethernet + IPv4 + TCP (20-byte header, or 24 with an MSS option when
 * mss != 0) + payload, checksums right. Returns the frame length. */
static inline size_t tp_tcp4(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
                             uint32_t sip, uint32_t dip, const TpTcp *t, uint16_t mss,
                             const void *payload, size_t plen, uint16_t id)
{
    size_t thl = mss ? 24 : 20;
    size_t n = tp_eth(f, dmac, smac, 0x0800);
    uint8_t *ip = f + n, *th = ip + 20;
    tp_ipv4_hdr(ip, sip, dip, 6, 20 + thl + plen, id, true);
    memset(th, 0, thl);
    tp_wr16(th, t->sport);
    tp_wr16(th + 2, t->dport);
    tp_wr32(th + 4, t->seq);
    tp_wr32(th + 8, t->ack);
    th[12] = (uint8_t)((thl / 4) << 4);
    th[13] = t->flags;
    tp_wr16(th + 14, t->win);
    if (mss) {
        th[20] = 2;
        th[21] = 4;
        tp_wr16(th + 22, mss);
    }
    if (plen)
        memcpy(th + thl, payload, plen);
    uint32_t s = tp_pseudo4(ip, 6, thl + plen);
    tp_wr16(th + 16, (uint16_t)~tp_fold(tp_sum(s, th, thl + plen)));
    return n + 20 + thl + plen;
}

/* Ethernet + IPv6 + TCP (20-byte header) + payload. */
static inline size_t tp_tcp6(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
                             const uint8_t sip[16], const uint8_t dip[16], const TpTcp *t,
                             const void *payload, size_t plen)
{
    size_t n = tp_eth(f, dmac, smac, 0x86dd);
    uint8_t *ip = f + n, *th = ip + 40;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    tp_wr16(ip + 4, (uint16_t)(20 + plen));
    ip[6] = 6;
    ip[7] = 64;
    memcpy(ip + 8, sip, 16);
    memcpy(ip + 24, dip, 16);
    memset(th, 0, 20);
    tp_wr16(th, t->sport);
    tp_wr16(th + 2, t->dport);
    tp_wr32(th + 4, t->seq);
    tp_wr32(th + 8, t->ack);
    th[12] = 5 << 4;
    th[13] = t->flags;
    tp_wr16(th + 14, t->win);
    if (plen)
        memcpy(th + 20, payload, plen);
    uint32_t s = tp_pseudo6(ip, 6, 20 + plen);
    tp_wr16(th + 16, (uint16_t)~tp_fold(tp_sum(s, th, 20 + plen)));
    return n + 40 + 20 + plen;
}

/* Ethernet + IPv4 (or IPv6 when sip6) + UDP + payload. */
static inline size_t tp_udp4(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
                             uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport,
                             const void *payload, size_t plen, uint16_t id)
{
    size_t n = tp_eth(f, dmac, smac, 0x0800);
    uint8_t *ip = f + n, *uh = ip + 20;
    tp_ipv4_hdr(ip, sip, dip, 17, 20 + 8 + plen, id, false);
    tp_wr16(uh, sport);
    tp_wr16(uh + 2, dport);
    tp_wr16(uh + 4, (uint16_t)(8 + plen));
    tp_wr16(uh + 6, 0);
    if (plen)
        memcpy(uh + 8, payload, plen);
    uint16_t c = (uint16_t)~tp_fold(tp_sum(tp_pseudo4(ip, 17, 8 + plen), uh, 8 + plen));
    tp_wr16(uh + 6, c ? c : 0xffff);
    return n + 28 + plen;
}

static inline size_t tp_udp6(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
                             const uint8_t sip[16], const uint8_t dip[16], uint16_t sport,
                             uint16_t dport, const void *payload, size_t plen)
{
    size_t n = tp_eth(f, dmac, smac, 0x86dd);
    uint8_t *ip = f + n, *uh = ip + 40;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    tp_wr16(ip + 4, (uint16_t)(8 + plen));
    ip[6] = 17;
    ip[7] = 64;
    memcpy(ip + 8, sip, 16);
    memcpy(ip + 24, dip, 16);
    tp_wr16(uh, sport);
    tp_wr16(uh + 2, dport);
    tp_wr16(uh + 4, (uint16_t)(8 + plen));
    tp_wr16(uh + 6, 0);
    if (plen)
        memcpy(uh + 8, payload, plen);
    uint16_t c = (uint16_t)~tp_fold(tp_sum(tp_pseudo6(ip, 17, 8 + plen), uh, 8 + plen));
    tp_wr16(uh + 6, c ? c : 0xffff);
    return n + 48 + plen;
}

/* ARP request (op 1) or reply (op 2) for IPv4 over Ethernet. */
static inline size_t tp_arp(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa,
                            const uint8_t tha[6], uint32_t tpa)
{
    size_t n = tp_eth(f, op == 1 ? tp_bcast : tha, sha, 0x0806);
    uint8_t *a = f + n;
    tp_wr16(a, 1);
    tp_wr16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    tp_wr16(a + 6, op);
    memcpy(a + 8, sha, 6);
    tp_wr32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    tp_wr32(a + 24, tpa);
    return n + 28;
}

/* DHCP DISCOVER (type 1) or REQUEST (type 3, for `req_ip` from `server`),
 * from 0.0.0.0:68 to 255.255.255.255:67. */
static inline size_t tp_dhcp(uint8_t *f, const uint8_t mac[6], uint8_t type, uint32_t xid,
                             uint32_t req_ip, uint32_t server)
{
    uint8_t b[300];
    memset(b, 0, sizeof(b));
    b[0] = 1;  /* BOOTREQUEST */
    b[1] = 1;  /* Ethernet */
    b[2] = 6;
    tp_wr32(b + 4, xid);
    memcpy(b + 28, mac, 6);
    tp_wr32(b + 236, 0x63825363); /* magic cookie */
    size_t o = 240;
    b[o++] = 53;
    b[o++] = 1;
    b[o++] = type;
    if (type == 3) {
        b[o++] = 50;
        b[o++] = 4;
        tp_wr32(b + o, req_ip);
        o += 4;
        b[o++] = 54;
        b[o++] = 4;
        tp_wr32(b + o, server);
        o += 4;
    }
    b[o++] = 55; /* parameter request list: mask, router, DNS */
    b[o++] = 3;
    b[o++] = 1;
    b[o++] = 3;
    b[o++] = 6;
    b[o++] = 255;
    return tp_udp4(f, tp_bcast, mac, 0, 0xffffffffu, 68, 67, b, sizeof(b), 1);
}

/* What a parsed frame holds. */
typedef struct TpPkt {
    uint16_t ethertype;
    const uint8_t *l3, *l4, *payload;
    uint8_t ipver, proto;
    uint32_t src4, dst4;
    uint16_t ip_id, frag;  /* IPv4 ID, flags + fragment offset */
    size_t ip_len, l4_len, plen;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    bool ip_csum_ok, l4_csum_ok;
} TpPkt;

/* Parses Ethernet/IPv4|IPv6/TCP|UDP and checks the checksums with this
 * file's own code. Returns false if the frame is not IP or is truncated. */
static inline bool tp_parse(const uint8_t *f, size_t len, TpPkt *p)
{
    memset(p, 0, sizeof(*p));
    if (len < 14)
        return false;
    p->ethertype = tp_rd16(f + 12);
    const uint8_t *ip = f + 14;
    size_t left = len - 14, hl;
    if (p->ethertype == 0x0800) {
        if (left < 20)
            return false;
        hl = (size_t)(ip[0] & 15) * 4;
        p->ip_len = tp_rd16(ip + 2);
        if (hl < 20 || p->ip_len < hl || p->ip_len > left)
            return false;
        p->ipver = 4;
        p->proto = ip[9];
        p->src4 = tp_rd32(ip + 12);
        p->dst4 = tp_rd32(ip + 16);
        p->ip_id = tp_rd16(ip + 4);
        p->frag = tp_rd16(ip + 6);
        p->ip_csum_ok = tp_fold(tp_sum(0, ip, hl)) == 0xffff;
    } else if (p->ethertype == 0x86dd) {
        if (left < 40)
            return false;
        hl = 40;
        p->ip_len = 40 + (size_t)tp_rd16(ip + 4);
        if (p->ip_len > left)
            return false;
        p->ipver = 6;
        p->proto = ip[6];
        p->ip_csum_ok = true;
    } else {
        return false;
    }
    p->l3 = ip;
    p->l4 = ip + hl;
    p->l4_len = p->ip_len - hl;
    if ((p->frag & 0x3fff) && p->ipver == 4)
        return true; /* a fragment: no L4 parse */
    uint32_t ps = p->ipver == 4 ? tp_pseudo4(ip, p->proto, p->l4_len)
                                : tp_pseudo6(ip, p->proto, p->l4_len);
    if (p->proto == 6 && p->l4_len >= 20) {
        const uint8_t *th = p->l4;
        size_t thl = (size_t)(th[12] >> 4) * 4;
        if (thl < 20 || thl > p->l4_len)
            return false;
        p->sport = tp_rd16(th);
        p->dport = tp_rd16(th + 2);
        p->seq = tp_rd32(th + 4);
        p->ack = tp_rd32(th + 8);
        p->flags = th[13];
        p->payload = th + thl;
        p->plen = p->l4_len - thl;
        p->l4_csum_ok = tp_fold(tp_sum(ps, th, p->l4_len)) == 0xffff;
    } else if (p->proto == 17 && p->l4_len >= 8) {
        const uint8_t *uh = p->l4;
        p->sport = tp_rd16(uh);
        p->dport = tp_rd16(uh + 2);
        p->payload = uh + 8;
        p->plen = p->l4_len - 8;
        p->l4_csum_ok = tp_rd16(uh + 4) == p->l4_len &&
                        (tp_rd16(uh + 6) == 0 || tp_fold(tp_sum(ps, uh, p->l4_len)) == 0xffff);
    } else if (p->proto == 1 && p->l4_len >= 8) {
        p->payload = p->l4;
        p->plen = p->l4_len;
        p->l4_csum_ok = tp_fold(tp_sum(0, p->l4, p->l4_len)) == 0xffff;
    }
    return true;
}

/* The value of DHCP option `code` in a BOOTP payload, or NULL. */
static inline const uint8_t *tp_dhcp_opt(const uint8_t *bootp, size_t len, uint8_t code,
                                         uint8_t *optlen)
{
    if (len < 240 || tp_rd32(bootp + 236) != 0x63825363)
        return NULL;
    for (size_t o = 240; o < len;) {
        uint8_t c = bootp[o];
        if (c == 255)
            break;
        if (c == 0) {
            o++;
            continue;
        }
        if (o + 2 > len || o + 2 + bootp[o + 1] > len)
            break;
        if (c == code) {
            *optlen = bootp[o + 1];
            return bootp + o + 2;
        }
        o += 2 + (size_t)bootp[o + 1];
    }
    return NULL;
}

#endif
