/*
 * net.h — the network layer seen from the rest of ferry.
 *
 * Every NIC frontend and every backend is a NetClient with a peer (see
 * ../docs/DESIGN.md, "How a frame travels"). The frame path itself lands
 * with the networking-core issue; until then this header carries the
 * -netdev/-nic/-net command-line layer: the registry of backend types (so
 * `-netdev help` lists them and bad options fail early) and lookup by id.
 */
#ifndef FERRY_NET_H
#define FERRY_NET_H

#include "core/opts.h"

typedef struct NetClient NetClient;

/* A -netdev backend type. create == NULL: listed, options validated as far
 * as the common ones go, creation fails with "not implemented yet". */
typedef struct NetdevType {
    const char *name;
    const char *desc;
    const char *const *keys; /* accepted keys besides type and id */
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
/* -net nic,... / -net TYPE,... (legacy hub form) */
int net_legacy_from_opts(Opts *o, Error **errp);
/* The backend with this -netdev id, or NULL. */
NetClient *netdev_find(const char *id);

#endif
