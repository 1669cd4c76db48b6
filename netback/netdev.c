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
#include "core/machine.h"
#include "netback/net-internal.h"

static const NetdevType **ntypes;
static int n_ntypes;

/* Kept sorted by name, so listings do not depend on link order. */
void netdev_type_register(const NetdevType *t)
{
    ntypes = xrealloc(ntypes, (n_ntypes + 1) * sizeof(*ntypes));
    int i = n_ntypes++;
    while (i > 0 && strcmp(ntypes[i - 1]->name, t->name) > 0) {
        ntypes[i] = ntypes[i - 1];
        i--;
    }
    ntypes[i] = t;
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

NetClient *netdev_find(const char *id)
{
    for (NetClient *nc = net_client_first(); nc; nc = nc->next)
        if (!nc->is_nic && !strcmp(nc->name, id))
            return nc;
    return NULL;
}

static bool netdev_id_taken(const char *id)
{
    return net_client_find(id) != NULL;
}

char *netdev_anon_name(void)
{
    static unsigned n;
    for (;;) {
        char *name = xasprintf("#net%u", ++n);
        if (!net_client_find(name))
            return name;
        free(name);
    }
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

int netdev_create_from_opts(Opts *o, Error **errp)
{
    const NetdevType *t = lookup_type(o, "netdev", errp);
    if (!t)
        return -1;
    const char *id = opts_get(o, "id");
    if (check_id(o, id, errp) < 0)
        return -1;
    return backend_create(t, id, o, NULL, errp) ? 0 : -1;
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

/* QEMU's short model names for -nic and -net nic (its PCI NIC table):
 * "virtio" is virtio-net-pci; every other name is the device's. */
static const char *nic_model_name(const char *model)
{
    return model && !strcmp(model, "virtio") ? "virtio-net-pci" : model;
}

static int check_model(Opts *o, const char *model, Error **errp)
{
    const DeviceType *dt = device_type_find(nic_model_name(model));
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

/* ---- NIC requests: -nic, -net nic, the default NIC ------------------------ */

struct NicRequest {
    char *what;        /* the option as given, for messages */
    char *model;       /* NULL: the board's default */
    char *netdev;      /* the backend or hub port it connects to */
    char *mac, *addr, *vectors;
    char *name;        /* for the "was not created" warning; NULL: anonymous */
    bool is_default;
    bool claimed;      /* by a board's onboard NIC, or placed */
    bool placed;
    NicRequest *next;
};

static NicRequest *requests;
static bool default_net;

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static NicRequest *request_add(Opts *o, const char *model, const char *netdev)
{
    NicRequest *r = xzalloc(sizeof(*r));
    r->what = o ? xasprintf("%s %s", o->option, o->text) : xstrdup("default NIC");
    r->model = dup_or_null(model);
    r->netdev = dup_or_null(netdev);
    NicRequest **pp = &requests;
    while (*pp)
        pp = &(*pp)->next;
    *pp = r;
    return r;
}

static void request_free(NicRequest *r)
{
    free(r->what);
    free(r->model);
    free(r->netdev);
    free(r->mac);
    free(r->addr);
    free(r->vectors);
    free(r->name);
    free(r);
}

void netdev_forget_requests(void)
{
    while (requests) {
        NicRequest *r = requests;
        requests = r->next;
        request_free(r);
    }
    default_net = false;
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
    char *anon = id ? NULL : netdev_anon_name();
    NetClient *nc = backend_create(netdev_type_find(type), id ? id : anon, o, nic_keys, errp);
    free(anon);
    if (!nc)
        return -1;
    NicRequest *r = request_add(o, opts_get(o, "model"), nc->name);
    r->mac = dup_or_null(opts_get(o, "mac"));
    return 0;
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
    const char *name = opts_get(o, "name");
    if (name && check_id_syntax(o, name, errp) < 0)
        return -1;
    return check_keys(t, o, legacy_keys, errp);
}

/* -net nic joins hub 0 unless netdev= names its backend. */
static int legacy_nic(Opts *o, Error **errp)
{
    const char *netdev = opts_get(o, "netdev");
    char *port_name = NULL;
    if (netdev) {
        if (!netdev_find(netdev)) {
            error_setg(errp, "%s %s: netdev '%s' not found", o->option, o->text, netdev);
            return -1;
        }
    } else {
        NetClient *port = net_hub_port_new(0, NULL, errp);
        if (!port)
            return -1;
        port_name = xstrdup(port->name);
    }
    NicRequest *r = request_add(o, opts_get(o, "model"), netdev ? netdev : port_name);
    free(port_name);
    r->mac = dup_or_null(opts_get(o, "macaddr"));
    r->addr = dup_or_null(opts_get(o, "addr"));
    r->vectors = dup_or_null(opts_get(o, "vectors"));
    r->name = dup_or_null(opts_get(o, "name"));
    return 0;
}

/* -net TYPE,...: the backend on a new port of hub 0. */
static int legacy_backend(Opts *o, const NetdevType *t, Error **errp)
{
    const char *name = opts_get(o, "name");
    if (name && netdev_id_taken(name)) {
        error_setg(errp, "%s %s: Duplicate ID '%s' for netdev", o->option, o->text, name);
        return -1;
    }
    char *anon = name ? NULL : netdev_anon_name();
    NetClient *nc = backend_create(t, name ? name : anon, o, legacy_keys, errp);
    free(anon);
    if (!nc)
        return -1;
    if (nc->peer)
        return 0;
    NetClient *port = net_hub_port_new(0, NULL, errp);
    if (!port)
        return -1;
    net_client_connect(port, nc);
    return 0;
}

int net_legacy_from_opts(Opts *o, Error **errp)
{
    if (net_legacy_check_opts(o, errp) < 0)
        return -1;
    const char *type = opts_get(o, "type");
    if (!strcmp(type, "none"))
        return 0;
    if (!strcmp(type, "nic"))
        return legacy_nic(o, errp);
    return legacy_backend(o, netdev_type_find(type), errp);
}

int net_create_default(Error **errp)
{
    /* As QEMU: "-net nic -net user", so info network looks the same. */
    NetClient *port = net_hub_port_new(0, NULL, errp);
    if (!port)
        return -1;
    NicRequest *r = request_add(NULL, NULL, port->name);
    r->is_default = true;
    const NetdevType *t = netdev_type_find("user");
    if (t && t->create) {
        Opts *o = opts_parse("-net", "user", "type", errp);
        if (!o)
            return -1;
        opts_mark_used(o, "type");
        int ret = legacy_backend(o, t, errp);
        opts_free(o);
        if (ret < 0)
            return -1;
    }
    default_net = true;
    return 0;
}

NicRequest *nic_request_claim(const char *model)
{
    for (NicRequest *r = requests; r; r = r->next) {
        if (r->claimed)
            continue;
        if (!r->model || !strcmp(nic_model_name(r->model), model)) {
            r->claimed = true;
            return r;
        }
    }
    return NULL;
}

int nic_request_apply(NicRequest *r, Device *dev, Error **errp)
{
    struct {
        const char *prop, *value;
    } set[] = {{"netdev", r->netdev}, {"mac", r->mac}, {"addr", r->addr},
               {"vectors", r->vectors}};
    for (size_t i = 0; i < ARRAY_SIZE(set); i++) {
        if (set[i].value && device_set_prop(dev, set[i].prop, set[i].value, errp) < 0) {
            error_prepend(errp, "%s: ", r->what);
            return -1;
        }
    }
    r->claimed = true;
    r->placed = true;
    return 0;
}

static const char *device_bus_type(const DeviceType *dt)
{
    for (; dt; dt = dt->parent)
        if (dt->bus)
            return dt->bus;
    return NULL;
}

int net_place_nics(Machine *m, Error **errp)
{
    for (NicRequest *r = requests; r; r = r->next) {
        if (r->claimed)
            continue;
        const char *model = nic_model_name(r->model ? r->model : m->type->default_nic);
        if (!model)
            continue;
        const DeviceType *dt = device_type_find(model);
        if (!dt) {
            error_setg(errp, "%s: '%s' is not a NIC model (see -nic model=help)", r->what,
                       model);
            return -1;
        }
        const char *bus = device_bus_type(dt);
        if (bus && !bus_find_free(bus))
            continue; /* not on this machine: warned about by net_check_clients() */
        if (r->is_default && !device_type_implemented(dt)) {
            warn_report("the default NIC model %s is not implemented yet; the machine has "
                        "no NIC (-nic none or -nodefaults silences this)", model);
            r->claimed = r->placed = true;
            continue;
        }
        Device *dev = device_new(model, errp);
        if (!dev)
            return -1;
        if (nic_request_apply(r, dev, errp) < 0) {
            device_free(dev);
            return -1;
        }
        if (device_realize(dev, NULL, errp) < 0) {
            error_prepend(errp, "%s: ", r->what);
            device_free(dev);
            return -1;
        }
    }
    return 0;
}

void net_check_clients(void)
{
    /* QEMU says nothing about the network it made up itself. */
    if (default_net)
        return;
    net_hub_check();
    for (NetClient *nc = net_client_first(); nc; nc = nc->next)
        if (!nc->is_nic && !nc->peer)
            warn_report("netdev %s has no peer", nc->name);
    for (NicRequest *r = requests; r; r = r->next)
        if (!r->placed)
            warn_report("requested NIC (%s, model %s) was not created (not supported by "
                        "this machine?)", r->name ? r->name : "anonymous",
                        r->model ? r->model : "unspecified");
}

/* QEMU 7.2's backend types and their keys. */
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
NETDEV_TYPE(netdev_vhost_user, .name = "vhost-user",
    .desc = "vhost-user backend over a chardev socket",
    .keys = (const char *const[]){"chardev", "vhostforce", "queues", NULL});
NETDEV_TYPE(netdev_vhost_vdpa, .name = "vhost-vdpa", .desc = "vhost-vdpa device",
    .keys = (const char *const[]){"vhostdev", "vhostfd", "queues", "x-svq", NULL});
