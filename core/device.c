/*
 * device.c — the device-type registry, typed properties, buses, and -device.
 * See device.h for the model. Properties are validated when set, so a bad
 * -device line fails before any device is realized.
 */
#include "core/device.h"

#include "core/chardev.h"
#include "netback/net.h"

static const DeviceType **types;
static int n_types;
static Device *devices, **devices_tail = &devices;
static Bus *buses;

void device_type_register(const DeviceType *dt)
{
    types = xrealloc(types, (n_types + 1) * sizeof(*types));
    types[n_types++] = dt;
}

const DeviceType *device_type_find(const char *name)
{
    for (int i = 0; i < n_types; i++)
        if (!strcmp(types[i]->name, name))
            return types[i];
    for (int i = 0; i < n_types; i++)
        if (types[i]->alias && !strcmp(types[i]->alias, name))
            return types[i];
    return NULL;
}

bool device_type_is_a(const DeviceType *dt, const DeviceType *ancestor)
{
    for (; dt; dt = dt->parent)
        if (dt == ancestor)
            return true;
    return false;
}

bool device_type_implemented(const DeviceType *dt)
{
    for (; dt; dt = dt->parent)
        if (dt->realize)
            return true;
    return false;
}

static int type_cmp(const void *a, const void *b)
{
    return strcmp((*(const DeviceType *const *)a)->name, (*(const DeviceType *const *)b)->name);
}

const DeviceType **device_type_list(void)
{
    const DeviceType **l = xcalloc(n_types + 1, sizeof(*l));
    memcpy(l, types, n_types * sizeof(*l));
    qsort(l, n_types, sizeof(*l), type_cmp);
    return l;
}

/* Properties of dt and its ancestors, the type's own first. */
static const Property *prop_find(const DeviceType *dt, const char *name)
{
    for (; dt; dt = dt->parent)
        for (const Property *p = dt->props; p && p->name; p++)
            if (!strcmp(p->name, name))
                return p;
    return NULL;
}

static const char *prop_type_name(PropType t)
{
    static const char *const names[] = {
        [PROP_BOOL] = "bool",      [PROP_U8] = "uint8",      [PROP_U16] = "uint16",
        [PROP_U32] = "uint32",     [PROP_U64] = "uint64",    [PROP_I32] = "int32",
        [PROP_SIZE] = "size",      [PROP_STRING] = "str",    [PROP_ENUM] = "enum",
        [PROP_MAC] = "macaddr",    [PROP_NETDEV] = "netdev", [PROP_CHARDEV] = "chardev",
        [PROP_PCI_ADDR] = "pci-devfn",
    };
    return names[t];
}

static int parse_pci_devfn(const char *s, int32_t *out)
{
    char *end;
    errno = 0;
    unsigned long slot = strtoul(s, &end, 16);
    if (errno || end == s || slot > 31)
        return -1;
    unsigned long fn = 0;
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f || fn > 7)
            return -1;
    }
    if (*end)
        return -1;
    *out = (int32_t)(slot << 3 | fn);
    return 0;
}

static int prop_set(Device *dev, const Property *p, const char *value, Error **errp)
{
    void *field = (char *)dev + p->offset;
    const char *tn = dev->type->name;
    uint64_t u;

    switch (p->type) {
    case PROP_BOOL: {
        bool b;
        if (parse_bool(value, &b) < 0)
            goto bad;
        *(bool *)field = b;
        return 0;
    }
    case PROP_U8:
    case PROP_U16:
    case PROP_U32:
    case PROP_U64:
    case PROP_SIZE: {
        static const uint64_t type_max[] = {
            [PROP_U8] = UINT8_MAX, [PROP_U16] = UINT16_MAX, [PROP_U32] = UINT32_MAX,
            [PROP_U64] = UINT64_MAX, [PROP_SIZE] = UINT64_MAX,
        };
        int r = p->type == PROP_SIZE ? parse_size(value, 1, &u) : parse_u64(value, &u);
        if (r < 0 || u > type_max[p->type])
            goto bad;
        if (p->max && (u < p->min || u > p->max)) {
            error_setg(errp, "%s: property '%s' must be between %" PRIu64 " and %" PRIu64
                       " (got %s)", tn, p->name, p->min, p->max, value);
            return -1;
        }
        switch (p->type) {
        case PROP_U8: *(uint8_t *)field = u; break;
        case PROP_U16: *(uint16_t *)field = u; break;
        case PROP_U32: *(uint32_t *)field = u; break;
        default: *(uint64_t *)field = u; break;
        }
        return 0;
    }
    case PROP_I32: {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 0);
        if (errno || !*value || *end || v < INT32_MIN || v > INT32_MAX)
            goto bad;
        if (p->max && (v < (int64_t)p->min || v > (int64_t)p->max)) {
            error_setg(errp, "%s: property '%s' must be between %" PRId64 " and %" PRId64
                       " (got %s)", tn, p->name, (int64_t)p->min, (int64_t)p->max, value);
            return -1;
        }
        *(int32_t *)field = (int32_t)v;
        return 0;
    }
    case PROP_STRING:
        free(*(char **)field);
        *(char **)field = xstrdup(value);
        return 0;
    case PROP_ENUM:
        for (int i = 0; p->choices[i]; i++) {
            if (!strcmp(p->choices[i], value)) {
                *(int *)field = i;
                return 0;
            }
        }
        {
            char *valid = join_choices(p->choices);
            error_setg(errp, "%s: property '%s' does not accept '%s' (valid: %s)", tn,
                       p->name, value, valid);
            free(valid);
        }
        return -1;
    case PROP_MAC: {
        MACAddr *m = field;
        if (parse_mac(value, m->a) < 0)
            goto bad;
        if (m->a[0] & 1) {
            error_setg(errp, "%s: property 'mac': %s is a multicast address; a NIC needs "
                       "a unicast one (first byte even)", tn, value);
            return -1;
        }
        m->set = true;
        return 0;
    }
    case PROP_NETDEV: {
        NetClient *nc = netdev_find(value);
        if (!nc) {
            error_setg(errp, "%s: property 'netdev': no -netdev with id '%s'", tn, value);
            return -1;
        }
        *(NetClient **)field = nc;
        return 0;
    }
    case PROP_CHARDEV: {
        Chardev *chr = chardev_find(value);
        if (!chr) {
            error_setg(errp, "%s: property 'chardev': no -chardev with id '%s'", tn, value);
            return -1;
        }
        *(Chardev **)field = chr;
        return 0;
    }
    case PROP_PCI_ADDR: {
        int32_t devfn;
        if (parse_pci_devfn(value, &devfn) < 0)
            goto bad;
        *(int32_t *)field = devfn;
        return 0;
    }
    }
bad:
    error_setg(errp, "%s: property '%s' expects a %s value (got '%s')", tn, p->name,
               prop_type_name(p->type), value);
    return -1;
}

static void props_apply_defaults(Device *dev, const DeviceType *dt)
{
    /* Ancestors first, so a type can override an inherited default. */
    if (dt->parent)
        props_apply_defaults(dev, dt->parent);
    for (const Property *p = dt->props; p && p->name; p++) {
        if (p->type == PROP_PCI_ADDR)
            *(int32_t *)((char *)dev + p->offset) = -1;
        if (!p->def)
            continue;
        Error *err = NULL;
        if (prop_set(dev, p, p->def, &err) < 0) {
            /* A bad default is a bug in the device model, not user input. */
            fprintf(stderr, "ferry: BUG: %s\n", error_get_msg(err));
            abort();
        }
    }
}

Device *device_new(const char *type_name, Error **errp)
{
    const DeviceType *dt = device_type_find(type_name);
    if (!dt) {
        error_setg(errp, "'%s' is not a valid device model name (see -device help)",
                   type_name);
        return NULL;
    }
    if (dt->instance_size < sizeof(Device)) {
        fprintf(stderr, "ferry: BUG: device type %s has no room for Device\n", dt->name);
        abort();
    }
    Device *dev = xzalloc(dt->instance_size);
    dev->type = dt;
    props_apply_defaults(dev, dt);
    return dev;
}

int device_set_prop(Device *dev, const char *name, const char *value, Error **errp)
{
    const Property *p = prop_find(dev->type, name);
    if (!p) {
        StrBuf sb = {0};
        for (const DeviceType *dt = dev->type; dt; dt = dt->parent)
            for (const Property *q = dt->props; q && q->name; q++)
                sb_printf(&sb, "%s%s", sb.len ? ", " : "", q->name);
        error_setg(errp, "%s: no property '%s' (valid: %s)", dev->type->name, name,
                   sb.len ? sb_str(&sb) : "none");
        sb_free(&sb);
        return -1;
    }
    return prop_set(dev, p, value, errp);
}

static void props_free(Device *dev, const DeviceType *dt)
{
    for (; dt; dt = dt->parent)
        for (const Property *p = dt->props; p && p->name; p++)
            if (p->type == PROP_STRING) {
                char **s = (char **)((char *)dev + p->offset);
                free(*s);
                *s = NULL;
            }
}

void device_free(Device *dev)
{
    if (!dev)
        return;
    if (dev->realized) {
        fprintf(stderr, "ferry: BUG: device_free of a realized device\n");
        abort();
    }
    props_free(dev, dev->type);
    free(dev->id);
    free(dev);
}

int device_realize(Device *dev, Bus *bus, Error **errp)
{
    const DeviceType *dt = dev->type;
    const char *bus_type = NULL;
    for (const DeviceType *t = dt; t && !bus_type; t = t->parent)
        bus_type = t->bus;

    if (dev->id && device_find(dev->id)) {
        error_setg(errp, "Duplicate device ID '%s'", dev->id);
        return -1;
    }
    const DeviceType *impl = dt;
    while (impl && !impl->realize)
        impl = impl->parent;
    if (!impl) {
        error_setg(errp, "device '%s' is not implemented yet", dt->name);
        return -1;
    }
    if (bus_type) {
        if (!bus)
            bus = bus_find_free(bus_type);
        if (!bus) {
            error_setg(errp, "device '%s' needs a %s bus, and this machine has none with room",
                       dt->name, bus_type);
            return -1;
        }
        if (strcmp(bus->type, bus_type)) {
            error_setg(errp, "device '%s' plugs into a %s bus, not '%s' (a %s bus)", dt->name,
                       bus_type, bus->name, bus->type);
            return -1;
        }
        if (bus->max_children && bus->n_children >= bus->max_children) {
            error_setg(errp, "bus '%s' is full", bus->name);
            return -1;
        }
        if (bus->plug && bus->plug(bus, dev, errp) < 0)
            return -1;
        dev->bus = bus;
    } else if (bus) {
        error_setg(errp, "device '%s' does not plug into a bus", dt->name);
        return -1;
    }
    if (impl->realize(dev, errp) < 0) {
        if (bus && bus->unplug)
            bus->unplug(bus, dev);
        dev->bus = NULL;
        return -1;
    }
    if (bus)
        bus->n_children++;
    dev->realized = true;
    *devices_tail = dev;
    devices_tail = &dev->next;
    return 0;
}

/* Builds an unrealized device from -device options; *bus gets bus=.
 * check_only: skip what needs other objects to exist (bus, netdev and
 * chardev references), for checking before the machine is built. */
static Device *device_from_opts(Opts *o, Bus **bus, bool check_only, Error **errp)
{
    const char *driver = opts_get(o, "driver");
    if (!driver) {
        error_setg(errp, "%s %s: a device model name is required (see -device help)",
                   o->option, o->text);
        return NULL;
    }
    const DeviceType *dt = device_type_find(driver);
    if (!dt) {
        error_setg(errp, "%s %s: '%s' is not a valid device model name (see -device help)",
                   o->option, o->text, driver);
        return NULL;
    }
    if (!dt->user_creatable) {
        error_setg(errp, "%s %s: device '%s' cannot be created with -device (it is part "
                   "of a board)", o->option, o->text, dt->name);
        return NULL;
    }
    Device *dev = device_new(dt->name, errp);
    const char *id = opts_get(o, "id");
    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "%s %s: Parameter 'id' expects an identifier (a letter, then "
                       "letters, digits, '-', '.', '_')", o->option, o->text);
            goto fail;
        }
        dev->id = xstrdup(id);
    }
    *bus = NULL;
    const char *bus_name = opts_get(o, "bus");
    if (bus_name && !check_only && !(*bus = bus_find(bus_name))) {
        error_setg(errp, "%s %s: Bus '%s' not found", o->option, o->text, bus_name);
        goto fail;
    }
    for (int i = 0; i < o->n; i++) {
        OptPair *kv = &o->pairs[i];
        if (!strcmp(kv->key, "driver") || !strcmp(kv->key, "id") || !strcmp(kv->key, "bus"))
            continue;
        kv->used = true;
        const Property *p = prop_find(dev->type, kv->key);
        if (check_only && p && (p->type == PROP_NETDEV || p->type == PROP_CHARDEV))
            continue;
        if (device_set_prop(dev, kv->key, kv->value, errp) < 0) {
            error_prepend(errp, "%s %s: ", o->option, o->text);
            goto fail;
        }
    }
    return dev;
fail:
    device_free(dev);
    return NULL;
}

int device_validate_opts(Opts *o, Error **errp)
{
    Bus *bus;
    Device *dev = device_from_opts(o, &bus, true, errp);
    if (!dev)
        return -1;
    device_free(dev);
    return 0;
}

Device *device_create_from_opts(Opts *o, Error **errp)
{
    Bus *bus;
    Device *dev = device_from_opts(o, &bus, false, errp);
    if (!dev)
        return NULL;
    if (device_realize(dev, bus, errp) < 0) {
        error_prepend(errp, "%s %s: ", o->option, o->text);
        device_free(dev);
        return NULL;
    }
    return dev;
}

Device *device_find(const char *id)
{
    for (Device *d = devices; d; d = d->next)
        if (d->id && !strcmp(d->id, id))
            return d;
    return NULL;
}

Device *device_first(void)
{
    return devices;
}

void device_reset_all(void)
{
    for (Device *d = devices; d; d = d->next)
        for (const DeviceType *t = d->type; t; t = t->parent)
            if (t->reset) {
                t->reset(d);
                break;
            }
}

Bus *bus_new(const char *type, const char *name, Device *parent, int max_children)
{
    Bus *b = xzalloc(sizeof(*b));
    b->type = type;
    b->name = xstrdup(name);
    b->parent = parent;
    b->max_children = max_children;
    Bus **tail = &buses;
    while (*tail)
        tail = &(*tail)->next;
    *tail = b;
    return b;
}

Bus *bus_find(const char *name)
{
    for (Bus *b = buses; b; b = b->next)
        if (!strcmp(b->name, name))
            return b;
    return NULL;
}

Bus *bus_find_free(const char *type)
{
    for (Bus *b = buses; b; b = b->next)
        if (!strcmp(b->type, type) && (!b->max_children || b->n_children < b->max_children))
            return b;
    return NULL;
}

void device_print_help(FILE *out)
{
    static const struct {
        const char *category, *title;
    } cats[] = {
        {"bridge", "Controller/Bridge/Hub devices"}, {"usb", "USB devices"},
        {"storage", "Storage devices"},              {"network", "Network devices"},
        {"input", "Input devices"},                  {"display", "Display devices"},
        {"system", "System devices"},                {"misc", "Misc devices"},
    };
    const DeviceType **sorted = device_type_list();
    bool any = false;
    for (size_t c = 0; c < ARRAY_SIZE(cats); c++) {
        bool header = false;
        for (int i = 0; i < n_types; i++) {
            const DeviceType *dt = sorted[i];
            const char *cat = dt->category ? dt->category : "misc";
            if (!dt->user_creatable || strcmp(cat, cats[c].category))
                continue;
            if (!header) {
                fprintf(out, "%s%s:\n", any ? "\n" : "", cats[c].title);
                header = any = true;
            }
            const char *bus = NULL;
            for (const DeviceType *t = dt; t && !bus; t = t->parent)
                bus = t->bus;
            fprintf(out, "name \"%s\"", dt->name);
            if (bus)
                fprintf(out, ", bus %s", bus);
            if (dt->alias)
                fprintf(out, ", alias \"%s\"", dt->alias);
            if (dt->desc)
                fprintf(out, ", desc \"%s\"", dt->desc);
            if (!device_type_implemented(dt))
                fprintf(out, " (not implemented yet)");
            fprintf(out, "\n");
        }
    }
    if (!any)
        fprintf(out, "No user-creatable device models are available yet.\n");
    free(sorted);
}

static void print_props(FILE *out, const DeviceType *dt)
{
    for (; dt; dt = dt->parent) {
        for (const Property *p = dt->props; p && p->name; p++) {
            fprintf(out, "  %s=<%s>", p->name, prop_type_name(p->type));
            if (p->type == PROP_ENUM) {
                char *c = join_choices(p->choices);
                fprintf(out, " (%s)", c);
                free(c);
            }
            if (p->desc)
                fprintf(out, " - %s", p->desc);
            if (p->def)
                fprintf(out, " (default: %s)", p->def);
            fprintf(out, "\n");
        }
    }
}

int device_print_props(FILE *out, const char *type_name, Error **errp)
{
    const DeviceType *dt = device_type_find(type_name);
    if (!dt) {
        error_setg(errp, "'%s' is not a valid device model name (see -device help)",
                   type_name);
        return -1;
    }
    bool any = false;
    for (const DeviceType *t = dt; t; t = t->parent)
        any |= t->props && t->props[0].name;
    fprintf(out, "%s options:\n", dt->name);
    if (!any)
        fprintf(out, "  (no properties)\n");
    print_props(out, dt);
    return 0;
}

static void print_prop_value(FILE *out, Device *dev, const Property *p)
{
    const void *f = (const char *)dev + p->offset;
    switch (p->type) {
    case PROP_BOOL: fprintf(out, "%s", *(const bool *)f ? "true" : "false"); break;
    case PROP_U8: fprintf(out, "%u", *(const uint8_t *)f); break;
    case PROP_U16: fprintf(out, "%u", *(const uint16_t *)f); break;
    case PROP_U32: fprintf(out, "%" PRIu32, *(const uint32_t *)f); break;
    case PROP_U64: fprintf(out, "%" PRIu64, *(const uint64_t *)f); break;
    case PROP_SIZE: fprintf(out, "%" PRIu64, *(const uint64_t *)f); break;
    case PROP_I32: fprintf(out, "%" PRId32, *(const int32_t *)f); break;
    case PROP_STRING: {
        const char *s = *(char *const *)f;
        fprintf(out, "\"%s\"", s ? s : "");
        break;
    }
    case PROP_ENUM: fprintf(out, "%s", p->choices[*(const int *)f]); break;
    case PROP_MAC: {
        const uint8_t *a = ((const MACAddr *)f)->a;
        fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
        break;
    }
    case PROP_NETDEV: fprintf(out, "%s", *(void *const *)f ? "(set)" : ""); break;
    case PROP_CHARDEV: {
        const Chardev *c = *(Chardev *const *)f;
        fprintf(out, "\"%s\"", c ? chardev_id(c) : "");
        break;
    }
    case PROP_PCI_ADDR: {
        int32_t d = *(const int32_t *)f;
        if (d < 0)
            fprintf(out, "auto");
        else
            fprintf(out, "%02x.%x", d >> 3, d & 7);
        break;
    }
    }
}

static void qtree_bus(FILE *out, Bus *bus, int indent);

static void qtree_dev(FILE *out, Device *dev, int indent)
{
    fprintf(out, "%*sdev: %s, id \"%s\"\n", indent, "", dev->type->name,
            dev->id ? dev->id : "");
    for (const DeviceType *t = dev->type; t; t = t->parent) {
        for (const Property *p = t->props; p && p->name; p++) {
            fprintf(out, "%*s%s = ", indent + 2, "", p->name);
            print_prop_value(out, dev, p);
            fprintf(out, "\n");
        }
    }
    for (Bus *b = buses; b; b = b->next)
        if (b->parent == dev)
            qtree_bus(out, b, indent + 2);
}

static void qtree_bus(FILE *out, Bus *bus, int indent)
{
    fprintf(out, "%*sbus: %s\n%*stype %s\n", indent, "", bus->name, indent + 2, "", bus->type);
    for (Device *d = devices; d; d = d->next)
        if (d->bus == bus)
            qtree_dev(out, d, indent + 2);
}

void device_print_qtree(FILE *out)
{
    bool any = false;
    for (Bus *b = buses; b; b = b->next) {
        if (!b->parent) {
            qtree_bus(out, b, 0);
            any = true;
        }
    }
    /* Bus-less devices (CPUs, board glue) after the bus trees. */
    for (Device *d = devices; d; d = d->next) {
        if (!d->bus) {
            qtree_dev(out, d, 0);
            any = true;
        }
    }
    if (!any)
        fprintf(out, "(no devices)\n");
}

void mac_assign_default(MACAddr *mac)
{
    static unsigned next;
    if (mac->set)
        return;
    const uint8_t base[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memcpy(mac->a, base, 6);
    mac->a[5] = (uint8_t)(base[5] + next++);
}
