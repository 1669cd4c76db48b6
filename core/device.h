/*
 * device.h — device types, typed properties, buses, and -device.
 *
 * A device model is one file that defines a DeviceType and registers it with
 * DEVICE_TYPE(...). Its state struct starts with `Device` (or with a bus
 * device struct that itself starts with Device, like PCIDevice); properties
 * name fields of that struct by offset, with a type and a default, so
 * `-device e1000,mac=52:54:00:12:34:57,netdev=n0` is parsed and validated
 * before the device is realized. `-device help` lists the registry by
 * category; `-device NAME,help` lists the properties.
 *
 * Buses: a device with a `bus` type is plugged into a Bus of that type
 * (the board creates them; PCI arrives with the PCI core). `bus=NAME` picks
 * one; otherwise the first bus of the type with room.
 *
 * A type with realize == NULL is registered so users can discover and
 * validate it, but creating it fails with "not implemented yet".
 */
#ifndef FERRY_DEVICE_H
#define FERRY_DEVICE_H

#include "core/error.h"
#include "core/opts.h"

typedef struct Device Device;
typedef struct DeviceType DeviceType;
typedef struct Bus Bus;

typedef enum {
    PROP_BOOL,      /* bool */
    PROP_U8,        /* uint8_t */
    PROP_U16,       /* uint16_t */
    PROP_U32,       /* uint32_t */
    PROP_U64,       /* uint64_t */
    PROP_I32,       /* int32_t */
    PROP_SIZE,      /* uint64_t, accepts K/M/G suffixes */
    PROP_STRING,    /* char * (owned by the device) */
    PROP_ENUM,      /* int: index into prop->choices */
    PROP_MAC,       /* MACAddr */
    PROP_NETDEV,    /* struct NetClient *: a -netdev id */
    PROP_CHARDEV,   /* struct Chardev *: a -chardev id */
    PROP_PCI_ADDR,  /* int32_t devfn: "slot" or "slot.fn"; -1 = auto */
} PropType;

typedef struct Property {
    const char *name;
    PropType type;
    size_t offset;              /* of the field in the device's state */
    const char *def;            /* default as text; NULL = zero/none */
    const char *desc;
    const char *const *choices; /* PROP_ENUM: NULL-terminated */
    uint64_t min, max;          /* integer range when max != 0 */
} Property;

typedef struct MACAddr {
    uint8_t a[6];
    bool set;                   /* given by the user (else assigned) */
} MACAddr;

struct DeviceType {
    const char *name;
    const char *desc;
    const char *category;     /* "network", "storage", "display", "input",
                                 "usb", "bridge", "system", "misc" */
    const char *bus;          /* bus type this device plugs into; NULL: none */
    const DeviceType *parent; /* properties are inherited; may be NULL */
    size_t instance_size;     /* >= sizeof(Device) */
    const Property *props;    /* terminated by a zero entry; may be NULL */
    bool user_creatable;      /* may be made with -device */
    const char *alias;        /* e.g. "virtio-net" for virtio-net-pci */
    int (*realize)(Device *dev, Error **errp); /* NULL: not implemented yet */
    void (*reset)(Device *dev);
    void (*unrealize)(Device *dev);
};

struct Bus {
    const char *type;         /* "sysbus", "pci", "virtio", ... */
    char *name;               /* "pcie.0" */
    Device *parent;           /* NULL for the system bus */
    int max_children;         /* 0: unlimited */
    int n_children;
    /* plug hook: bus-specific checks/assignment (PCI slot); may be NULL */
    int (*plug)(Bus *bus, Device *dev, Error **errp);
    /* undoes plug when the device's realize fails after a successful plug
     * (frees the PCI slot); may be NULL */
    void (*unplug)(Bus *bus, Device *dev);
    Bus *next;                /* global list */
};

struct Device {
    const DeviceType *type;
    char *id;                 /* -device ...,id=; may be NULL */
    Bus *bus;
    bool realized;
    Device *next;             /* global list, creation order */
};

void device_type_register(const DeviceType *dt);
#define DEVICE_TYPE(var, ...)                                     \
    const DeviceType var = {__VA_ARGS__};                         \
    REGISTER_AT_STARTUP(var##_register) { device_type_register(&var); }
const DeviceType *device_type_find(const char *name); /* name or alias */
bool device_type_is_a(const DeviceType *dt, const DeviceType *ancestor);
/* False while the model is registered but not implemented yet. */
bool device_type_implemented(const DeviceType *dt);
/* All registered types sorted by name, NULL-terminated; caller frees. */
const DeviceType **device_type_list(void);

/* Allocate with defaults applied; not yet realized. */
Device *device_new(const char *type_name, Error **errp);
int device_set_prop(Device *dev, const char *name, const char *value, Error **errp);
/* Plug into bus (may be NULL for bus-less types) and realize. */
int device_realize(Device *dev, Bus *bus, Error **errp);
void device_free(Device *dev); /* unrealized or failed device only */
/* -device: type (implied key "driver"), id=, bus=, then properties. */
Device *device_create_from_opts(Opts *o, Error **errp);
/* The checks that need no other object (model, id, property names and
 * values), without realizing: run when the command line is parsed. */
int device_validate_opts(Opts *o, Error **errp);
Device *device_find(const char *id);
Device *device_first(void);   /* iterate with dev->next */
void device_reset_all(void);

Bus *bus_new(const char *type, const char *name, Device *parent, int max_children);
Bus *bus_find(const char *name);
Bus *bus_find_free(const char *type);

/* -device help, -device NAME,help, `info qtree`. */
void device_print_help(FILE *out);
int device_print_props(FILE *out, const char *type_name, Error **errp);
void device_print_qtree(FILE *out);

/* Default MACs: 52:54:00:12:34:56, then ...:57, ... per NIC without mac=. */
void mac_assign_default(MACAddr *mac);

#endif
