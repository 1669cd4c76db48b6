/*
 * offload.h — resolving offload metadata in software (netback/offload.c):
 * the Internet checksum (RFC 1071), completing a partial checksum the way
 * the virtio-net header describes it (virtio 1.2 §5.1.6.2), and cutting a
 * GSO super-frame into wire-sized frames: TCP segmentation (RFC 9293
 * sequence numbers and flags), UDP segmentation (USO), and UDP
 * fragmentation offload (IPv4 fragments, RFC 791; IPv6 fragment header,
 * RFC 8200 §4.5).
 *
 * Frames are untrusted: every function bounds its offsets by the frame
 * length and reports a malformed frame instead of touching memory outside.
 */
#ifndef FERRY_NET_OFFLOAD_H
#define FERRY_NET_OFFLOAD_H

#include "netback/net.h"

/* Where the headers of an Ethernet frame are (offsets from its start). */
typedef struct NetHdrs {
    size_t l3;        /* IPv4/IPv6 header */
    size_t l4;        /* TCP/UDP header (or the IPv6 extension chain's end) */
    size_t payload;   /* after the TCP/UDP header */
    size_t ip_end;    /* end of the IP packet by its length field */
    uint8_t ipver;    /* 4 or 6; 0: not IP */
    uint8_t l4proto;  /* IPPROTO_TCP, IPPROTO_UDP, other, 0 unknown */
    bool ip_frag;     /* an IP fragment (MF, offset, or IPv6 fragment header) */
    bool v6_ext;      /* IPv6 with extension headers before l4 */
} NetHdrs;

/* Parses Ethernet (up to two VLAN tags), IPv4/IPv6 (extension headers),
 * TCP/UDP. Returns 0 when an IP packet was found and its length field fits
 * the frame (h->l4proto tells whether TCP/UDP headers were parsed), -1
 * otherwise with *why set. */
int net_parse_hdrs(const uint8_t *f, size_t len, NetHdrs *h, const char **why);

/* One's-complement sum of 16-bit big-endian words (an odd tail byte is
 * padded with zero), added to `sum`; fold and invert for a checksum. */
uint32_t net_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t net_csum_fold(uint32_t sum); /* folded, not inverted */

/* Does a frame of `len` bytes with `off` need work before a receiver that
 * accepts `caps` gets it? 0: deliver as is (offsets checked against len);
 * 1: resolve in software (net_csum_complete or net_gso_*, which check the
 * frame itself); -1 with *why: the header cannot describe this frame. */
int net_offload_classify(const NetOffload *off, uint32_t caps, size_t len,
                         const char **why);
/* What the receiver is told when a frame passes as is: `off` without what
 * it does not accept (DATA_VALID to a receiver without NET_CAP_CSUM, an ECN
 * flag without a GSO type). */
NetOffload net_offload_for(const NetOffload *off, uint32_t caps);
static inline bool net_offload_is_none(const NetOffload *off)
{
    return !off->flags && !off->gso_type;
}

/* NEEDS_CSUM without GSO: writes the checksum in place. -1 if the offsets
 * do not fit the frame. */
int net_csum_complete(uint8_t *f, size_t len, const NetOffload *off);

/* GSO: an iterator over the frames a super-frame becomes. */
typedef struct NetGso {
    const uint8_t *f;
    size_t len;
    NetHdrs h;
    int kind;         /* internal: TCP, USO, UFO4, UFO6 */
    size_t seg;       /* bytes of payload per frame */
    size_t total;     /* bytes to split */
    size_t done;      /* bytes already emitted */
    unsigned index;   /* frames already emitted */
    uint32_t frag_id; /* UFO over IPv6: the fragment header's ID */
    bool csum_done;   /* UFO: the datagram's checksum was computed */
    uint16_t udp_csum;
} NetGso;

/* Starts splitting a super-frame (off->gso_type != NONE); -1 with *why if
 * malformed. A GSO frame with no payload yields one frame. */
int net_gso_start(NetGso *g, const uint8_t *f, size_t len, const NetOffload *off,
                  const char **why);
/* Bytes the largest frame needs (the buffer given to net_gso_next). */
size_t net_gso_max_frame(const NetGso *g);
/* Writes the next frame into out; returns its length, 0 when done. */
size_t net_gso_next(NetGso *g, uint8_t *out);
/* Resolves a whole frame (csum and/or GSO) into fresh frames; for tests
 * and tools. Calls emit for each; returns the count, -1 if malformed. */
int net_offload_resolve(const uint8_t *f, size_t len, const NetOffload *off,
                        void (*emit)(void *opaque, const uint8_t *frame, size_t len),
                        void *opaque);

#endif
