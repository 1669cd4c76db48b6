/*
 * net-internal.h — what the files of netback/ share and the rest of ferry
 * does not need: frame filters (filter-dump), hubs, and the pieces of
 * `info network`.
 */
#ifndef FERRY_NET_INTERNAL_H
#define FERRY_NET_INTERNAL_H

#include "netback/net.h"

/* A filter sees every frame a client sends (tx) and/or is sent (rx), as it
 * passes, before offload resolution. It may not change or keep the frame. */
struct NetFilter {
    NetFilter *next;
    char *id;
    bool rx, tx;
    void (*frame)(NetFilter *f, const struct iovec *iov, int iovcnt, size_t len);
    void (*free)(NetFilter *f);
};

/* Adds f at the end of nc's filters; freed with nc (or net_reset_all). */
void net_filter_attach(NetClient *nc, NetFilter *f);
NetFilter *net_filter_find(const char *id);

/* "index=0,type=user,net=10.0.2.0,restrict=off" plus ",link=down" and
 * drop counters when there are any. */
void net_client_describe(NetClient *nc, StrBuf *sb);

/* Hubs (hub.c). A port named `name` (NULL: "hub<id>port<n>") on hub `id`,
 * which is made on first use. */
NetClient *net_hub_port_new(int hub_id, const char *name, Error **errp);
void net_hub_info(StrBuf *sb);      /* the hub part of info network */
void net_hub_check(void);           /* the hub warnings */
void net_hub_forget_all(void);
/* A made-up name "hub<id>port<n>" not taken yet. */
char *net_hub_port_name(int hub_id);

/* -nic/-net nic requests and the default-network flag (netdev.c). */
void netdev_forget_requests(void);

/* For tests: how many fds a user backend has registered with the loop
 * (and how many of them for reading), and when its slirp timer is due
 * (-1: not armed). */
void net_user_poll_state(NetClient *nc, int *n_fds, int *n_read, int64_t *timer_ns);

/* A frame the guest or a peer made that cannot be what it says: logged
 * under -d guest_errors, never fatal. */
void net_log_bad_frame(NetClient *from, const char *why, size_t len);

#endif
