/*
 * netdev.c — the -netdev/-nic/-net command-line layer: the registry of
 * backend types with the option keys each accepts (QEMU 7.2's names), id
 * rules, and validation. A backend type whose create() is NULL is listed and
 * its options are checked, then creation fails with "not implemented yet":
 * a command line is never half-honoured.
 *
 * Adding a backend: implement it in netback/<name>.c and point its
 * NETDEV_TYPE entry's .create at it (move the entry there).
 */
#include "netback/net.h"

#include "core/device.h"

static const NetdevType **ntypes;
static int n_ntypes;

void netdev_type_register(const NetdevType *t)
{
    ntypes = xrealloc(ntypes, (n_ntypes + 1) * sizeof(*ntypes));
    ntypes[n_ntypes++] = t;
}

const NetdevType *netdev_type_find(const char *name)
{
    for (int i = 0; i < n_ntypes; i++)
        if (!strcmp(ntypes[i]->name, name))
            return ntypes[i];
    return NULL;
}

static char *netdev_type_names(void)
{
    StrBuf sb = {0};
    for (int i = 0; i < n_ntypes; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", ntypes[i]->name);
    return sb_steal(&sb);
}

void netdev_print_help(FILE *out)
{
    fprintf(out, "Available netdev backend types:\n");
    for (int i = 0; i < n_ntypes; i++)
        fprintf(out, "%-12s %s%s\n", ntypes[i]->name, ntypes[i]->desc,
                ntypes[i]->create ? "" : " (not implemented yet)");
}

/* Created backends; empty until a backend type is implemented. */
typedef struct NetdevEntry {
    char *id;
    NetClient *nc;
    struct NetdevEntry *next;
} NetdevEntry;
static NetdevEntry *netdevs;

NetClient *netdev_find(const char *id)
{
    for (NetdevEntry *e = netdevs; e; e = e->next)
        if (!strcmp(e->id, id))
            return e->nc;
    return NULL;
}

static bool netdev_id_taken(const char *id)
{
    for (NetdevEntry *e = netdevs; e; e = e->next)
        if (!strcmp(e->id, id))
            return true;
    return false;
}

/* Checks that every key is one of `t`'s (or of `extra`). */
static int check_keys(const NetdevType *t, Opts *o, const char *const *extra, Error **errp)
{
    for (int i = 0; t->keys && t->keys[i]; i++)
        for (int pos = 0; opts_get_all(o, t->keys[i], &pos);)
            ;
    for (int i = 0; extra && extra[i]; i++)
        opts_mark_used(o, extra[i]);
    if (opts_check_unused(o, NULL, NULL) < 0) {
        /* Name the valid keys of this backend type. */
        StrBuf sb = {0};
        sb_printf(&sb, "id");
        for (int i = 0; extra && extra[i]; i++)
            sb_printf(&sb, ", %s", extra[i]);
        for (int i = 0; t->keys && t->keys[i]; i++)
            sb_printf(&sb, ", %s", t->keys[i]);
        for (int i = 0; i < o->n; i++) {
            if (!o->pairs[i].used) {
                error_setg(errp, "%s %s: Invalid parameter '%s' for netdev type '%s' "
                           "(valid: %s)", o->option, o->text, o->pairs[i].key, t->name,
                           sb_str(&sb));
                break;
            }
        }
        sb_free(&sb);
        return -1;
    }
    return 0;
}

static NetClient *backend_create(const NetdevType *t, const char *id, Opts *o,
                                 const char *const *extra, Error **errp)
{
    if (check_keys(t, o, extra, errp) < 0)
        return NULL;
    if (!t->create) {
        error_setg(errp, "%s %s: netdev type '%s' is not implemented yet", o->option,
                   o->text, t->name);
        return NULL;
    }
    return t->create(id, o, errp);
}

static const NetdevType *lookup_type(Opts *o, const char *what, Error **errp)
{
    const char *type = opts_get(o, "type");
    if (!type || !*type) {
        char *names = netdev_type_names();
        error_setg(errp, "%s %s: a %s type is required (valid: %s)", o->option, o->text,
                   what, names);
        free(names);
        return NULL;
    }
    const NetdevType *t = netdev_type_find(type);
    if (!t) {
        char *names = netdev_type_names();
        error_setg(errp, "%s %s: '%s' is not a valid %s type (valid: %s)", o->option,
                   o->text, type, what, names);
        free(names);
    }
    return t;
}

static int check_id_syntax(Opts *o, const char *id, Error **errp)
{
    if (!id) {
        error_setg(errp, "%s %s: Parameter 'id' is missing", o->option, o->text);
        return -1;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "%s %s: Parameter 'id' expects an identifier (a letter, then "
                   "letters, digits, '-', '.', '_')", o->option, o->text);
        return -1;
    }
    return 0;
}

static int check_id(Opts *o, const char *id, Error **errp)
{
    if (check_id_syntax(o, id, errp) < 0)
        return -1;
    if (netdev_id_taken(id)) {
        error_setg(errp, "%s %s: Duplicate ID '%s' for netdev", o->option, o->text, id);
        return -1;
    }
    return 0;
}

int netdev_check_opts(Opts *o, Error **errp)
{
    const NetdevType *t = lookup_type(o, "netdev", errp);
    if (!t || check_id_syntax(o, opts_get(o, "id"), errp) < 0)
        return -1;
    return check_keys(t, o, NULL, errp);
}

static void netdev_add(const char *id, NetClient *nc)
{
    NetdevEntry *e = xzalloc(sizeof(*e));
    e->id = xstrdup(id);
    e->nc = nc;
    NetdevEntry **tail = &netdevs;
    while (*tail)
        tail = &(*tail)->next;
    *tail = e;
}

int netdev_create_from_opts(Opts *o, Error **errp)
{
    const NetdevType *t = lookup_type(o, "netdev", errp);
    if (!t)
        return -1;
    const char *id = opts_get(o, "id");
    if (check_id(o, id, errp) < 0)
        return -1;
    NetClient *nc = backend_create(t, id, o, NULL, errp);
    if (!nc)
        return -1;
    netdev_add(id, nc);
    return 0;
}

static bool is_nic_model(const DeviceType *dt)
{
    return dt && dt->category && !strcmp(dt->category, "network");
}

void nic_print_models(FILE *out)
{
    const DeviceType **l = device_type_list();
    int shown = 0;
    fprintf(out, "Available NIC models:\n");
    for (int i = 0; l[i]; i++) {
        if (is_nic_model(l[i]) && l[i]->user_creatable) {
            fprintf(out, "%s%s\n", l[i]->name,
                    device_type_implemented(l[i]) ? "" : " (not implemented yet)");
            shown++;
        }
    }
    if (!shown)
        fprintf(out, "(none yet)\n");
    free(l);
}

static int check_model(Opts *o, const char *model, Error **errp)
{
    const DeviceType *dt = device_type_find(model);
    if (!is_nic_model(dt)) {
        error_setg(errp, "%s %s: '%s' is not a NIC model (see -nic model=help)", o->option,
                   o->text, model);
        return -1;
    }
    return 0;
}

static int check_mac(Opts *o, const char *key, Error **errp)
{
    const char *mac = opts_get(o, key);
    uint8_t a[6];
    if (mac && parse_mac(mac, a) < 0) {
        error_setg(errp, "%s %s: Parameter '%s' expects a MAC address like "
                   "52:54:00:12:34:56 (got '%s')", o->option, o->text, key, mac);
        return -1;
    }
    if (mac && (a[0] & 1)) {
        error_setg(errp, "%s %s: %s is a multicast MAC address; a NIC needs a unicast one",
                   o->option, o->text, mac);
        return -1;
    }
    return 0;
}

static const char *const nic_keys[] = {"model", "mac", "id", NULL};

int nic_check_opts(Opts *o, Error **errp)
{
    const char *type = opts_get(o, "type");
    if (type && !strcmp(type, "none"))
        return opts_check_unused(o, NULL, errp);
    const NetdevType *t = lookup_type(o, "nic backend", errp);
    if (!t)
        return -1;
    const char *model = opts_get(o, "model");
    if (model && check_model(o, model, errp) < 0)
        return -1;
    if (check_mac(o, "mac", errp) < 0)
        return -1;
    const char *id = opts_get(o, "id");
    if (id && check_id_syntax(o, id, errp) < 0)
        return -1;
    return check_keys(t, o, nic_keys, errp);
}

int nic_create_from_opts(Opts *o, bool *none, Error **errp)
{
    const char *type = opts_get(o, "type");
    *none = type && !strcmp(type, "none");
    if (nic_check_opts(o, errp) < 0 || *none)
        return *none ? 0 : -1;
    const char *id = opts_get(o, "id");
    if (id && check_id(o, id, errp) < 0)
        return -1;
    if (!backend_create(netdev_type_find(type), id, o, nic_keys, errp))
        return -1;
    /* Reached only once a backend type is implemented: the frontend side
     * (model, onboard NIC placement) lands with the networking-core issue. */
    error_setg(errp, "%s %s: attaching a NIC is not implemented yet", o->option, o->text);
    return -1;
}

static const char *const legacy_nic_keys[] = {"model", "macaddr", "name", "netdev", "addr",
                                               "vectors", NULL};
static const char *const legacy_keys[] = {"name", NULL};

int net_legacy_check_opts(Opts *o, Error **errp)
{
    const char *type = opts_get(o, "type");
    if (type && !strcmp(type, "none"))
        return opts_check_unused(o, NULL, errp);
    if (type && !strcmp(type, "nic")) {
        const char *model = opts_get(o, "model");
        if (model && check_model(o, model, errp) < 0)
            return -1;
        if (check_mac(o, "macaddr", errp) < 0)
            return -1;
        for (int i = 0; legacy_nic_keys[i]; i++)
            opts_mark_used(o, legacy_nic_keys[i]);
        return opts_check_unused(o, legacy_nic_keys, errp);
    }
    const NetdevType *t = lookup_type(o, "net", errp);
    if (!t)
        return -1;
    return check_keys(t, o, legacy_keys, errp);
}

int net_legacy_from_opts(Opts *o, Error **errp)
{
    if (net_legacy_check_opts(o, errp) < 0)
        return -1;
    const char *type = opts_get(o, "type");
    if (!strcmp(type, "none"))
        return 0;
    if (!strcmp(type, "nic")) {
        error_setg(errp, "%s %s: NICs on the legacy -net hub are not implemented yet",
                   o->option, o->text);
        return -1;
    }
    return backend_create(netdev_type_find(type), NULL, o, legacy_keys, errp) ? 0 : -1;
}

/* QEMU 7.2's backend types and their keys. */
NETDEV_TYPE(netdev_user, .name = "user", .desc = "user-mode network stack (libslirp)",
    .keys = (const char *const[]){"net", "ipv4", "ipv6", "ipv6-net", "ipv6-prefix",
        "ipv6-prefixlen", "host", "ipv6-host", "restrict", "restricted", "hostname",
        "dhcpstart", "dns", "ipv6-dns", "dnssearch", "domainname", "tftp",
        "tftp-server-name", "bootfile", "smb", "smbserver", "hostfwd", "guestfwd", NULL});
NETDEV_TYPE(netdev_tap, .name = "tap", .desc = "host TAP interface",
    .keys = (const char *const[]){"ifname", "fd", "fds", "script", "downscript", "br",
        "helper", "sndbuf", "vnet_hdr", "vhost", "vhostfd", "vhostfds", "vhostforce",
        "queues", "poll-us", NULL});
NETDEV_TYPE(netdev_bridge, .name = "bridge", .desc = "host bridge through a helper",
    .keys = (const char *const[]){"br", "helper", NULL});
NETDEV_TYPE(netdev_socket, .name = "socket", .desc = "TCP/UDP/multicast socket tunnel",
    .keys = (const char *const[]){"fd", "listen", "connect", "mcast", "localaddr", "udp",
        NULL});
NETDEV_TYPE(netdev_stream, .name = "stream", .desc = "stream socket (TCP or unix)",
    .keys = (const char *const[]){"server", "addr.type", "addr.host", "addr.port",
        "addr.path", "addr.abstract", "addr.tight", "addr.str", "reconnect", NULL});
NETDEV_TYPE(netdev_dgram, .name = "dgram", .desc = "datagram socket (UDP or unix)",
    .keys = (const char *const[]){"local.type", "local.host", "local.port", "local.path",
        "local.str", "remote.type", "remote.host", "remote.port", "remote.path",
        "remote.str", NULL});
NETDEV_TYPE(netdev_l2tpv3, .name = "l2tpv3", .desc = "L2TPv3 tunnel (RFC 3931)",
    .keys = (const char *const[]){"src", "dst", "srcport", "dstport", "ipv6", "udp",
        "cookie64", "counter", "pincounter", "txcookie", "rxcookie", "txsession",
        "rxsession", "offset", NULL});
NETDEV_TYPE(netdev_vde, .name = "vde", .desc = "VDE switch port (libvdeplug)",
    .keys = (const char *const[]){"sock", "port", "group", "mode", NULL});
NETDEV_TYPE(netdev_hubport, .name = "hubport", .desc = "port of an emulated hub",
    .keys = (const char *const[]){"hubid", "netdev", NULL});
NETDEV_TYPE(netdev_vhost_user, .name = "vhost-user",
    .desc = "vhost-user backend over a chardev socket",
    .keys = (const char *const[]){"chardev", "vhostforce", "queues", NULL});
NETDEV_TYPE(netdev_vhost_vdpa, .name = "vhost-vdpa", .desc = "vhost-vdpa device",
    .keys = (const char *const[]){"vhostdev", "vhostfd", "queues", "x-svq", NULL});
