/*
 * virtio-internal.h — what virtio.c, virtqueue.c and the transports share
 * and devices do not see: the virtqueue's state, the layout of a -device
 * object made from a virtio type, and the registry of generated types.
 *
 * Layout of a virtio -device object: the transport part (a VirtIOPCIProxy,
 * which starts with PCIDevice, or a bare Device for the virtio-mmio bus)
 * in the first VIRTIO_STATE_OFFSET bytes, then the device's state, which
 * starts with its VirtIODevice. One fixed offset for every transport lets
 * the properties all virtio devices share be defined once, statically, on
 * the transports' base types; a device's own properties are copied with the
 * offset added when its types are registered.
 */
#ifndef FERRY_DEVICES_VIRTIO_VIRTIO_INTERNAL_H
#define FERRY_DEVICES_VIRTIO_VIRTIO_INTERNAL_H

#include "devices/virtio/virtio.h"

#define VIRTIO_STATE_OFFSET 1024

static inline VirtIODevice *virtio_state_of(Device *dev)
{
    return (VirtIODevice *)((char *)dev + VIRTIO_STATE_OFFSET);
}

/* The -device types one VirtioDeviceInfo registers. */
typedef enum {
    VIRTIO_FLAVOUR_MMIO,                /* NAME-device, on a virtio-mmio bus */
    VIRTIO_FLAVOUR_PCI,                 /* NAME-pci: disable-legacy/-modern choose */
    VIRTIO_FLAVOUR_PCI_TRANSITIONAL,    /* NAME-pci-transitional */
    VIRTIO_FLAVOUR_PCI_NON_TRANSITIONAL,/* NAME-pci-non-transitional */
} VirtioFlavour;

/* The device info and flavour of a generated type (or of one derived from
 * it), or NULL. */
const VirtioDeviceInfo *virtio_type_lookup(const DeviceType *dt, VirtioFlavour *flavour);

/* Base types the generated ones derive from (virtio-mmio.c, virtio-pci.c). */
extern const DeviceType virtio_mmio_device_base_type;
extern const DeviceType virtio_pci_base_type;
extern const DeviceType virtio_pci_generic_base_type;

/* Properties every virtio device has, at VIRTIO_STATE_OFFSET (virtio.c). */
extern const Property virtio_common_props[];

/* A used element waiting for vq_flush() (packed rings write the batch in
 * one go, the first element's flags last). */
typedef struct VirtQueueUsed {
    uint16_t id;
    uint16_t ndescs;
    uint32_t len;
} VirtQueueUsed;

struct VirtQueue {
    VirtIODevice *vdev;
    unsigned index;
    unsigned num_max;           /* the device's limit */
    unsigned num;               /* the size the driver chose */
    hwaddr desc, avail, used;   /* descriptor, driver and device areas */
    bool enabled;
    bool packed;                /* ring format, fixed when enabled */
    uint16_t vector;            /* MSI-X vector (PCI) */
    VirtQueueHandler *kick;
    BH *kick_bh;                /* kicks deferred to the event loop, or NULL */
    uint32_t generation;        /* counts resets; stale elements are refused */

    /* Split ring (§2.7). Indexes are free-running 16-bit counters. */
    uint16_t last_avail_idx;    /* next available ring entry to pop */
    uint16_t shadow_avail_idx;  /* avail->idx as last read */
    uint16_t used_idx;          /* next used ring entry (published) */
    uint16_t signalled_used;    /* used_idx when we last evaluated a notification */
    bool signalled_used_valid;

    /* Packed ring (§2.8): positions in the ring and wrap counters. */
    bool last_avail_wrap;
    bool used_wrap;
    uint32_t used_since_signal; /* descriptors used since the last notification check */
    VirtQueueUsed *pending;     /* [num_max] for vq_fill / vq_flush */
    uint16_t signalled_pos;
    bool signalled_wrap;

    bool notification;          /* the device wants kicks */
    unsigned inuse;             /* popped, not yet flushed */
    unsigned descs_inflight;    /* ring descriptors those elements hold */
    VirtQueueElement *free_elems;

    uint64_t kicks, notifies;
};

void virtqueue_init(VirtQueue *vq, VirtIODevice *vdev, unsigned index, unsigned max_size,
                    VirtQueueHandler *kick);
void virtqueue_reset(VirtQueue *vq);
void virtqueue_free(VirtQueue *vq);
/* The driver notified vq (and it is ready): run or schedule its handler. */
void virtqueue_kick(VirtQueue *vq);

#endif
