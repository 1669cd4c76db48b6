/*
 * virtio.h — the device-agnostic virtio core: a VirtIODevice base (device
 * ID, offered and negotiated features, the status byte and its state
 * machine, the device configuration space with its generation count, the
 * ISR, reset) and its virtqueues (split and packed rings), as seen by a
 * virtio device model (virtio-net, virtio-rng, ...) and by the two
 * transports (virtio-pci.c, virtio-mmio.c).
 *
 * Follows the Virtual I/O Device (VIRTIO) Specification v1.2 (OASIS):
 * §2.1 device status, §2.2 feature bits, §2.4 reset, §2.5 configuration
 * space, §2.7 split virtqueues, §2.8 packed virtqueues, §3.1 device
 * initialization, §6 reserved feature bits. Linux's drivers/virtio/
 * virtio_ring.c is what a guest does with the rings.
 *
 * A virtio device is one file (see README.md):
 *
 *     typedef struct VirtIORng { VirtIODevice vdev; VirtQueue *vq; } VirtIORng;
 *     static int rng_realize(VirtIODevice *vdev, Error **errp) {
 *         ((VirtIORng *)vdev)->vq = virtio_add_queue(vdev, 8, rng_kick);
 *         return 0;
 *     }
 *     VIRTIO_DEVICE_TYPE(virtio_rng_info, .name = "virtio-rng", .device_id = VIRTIO_ID_RNG,
 *         .pci_class = 0x00ff, .pci_legacy_id = 0x1005, .state_size = sizeof(VirtIORng),
 *         .realize = rng_realize, ...)
 *
 * and that one registration makes the `-device` types virtio-rng-pci,
 * virtio-rng-pci-transitional, virtio-rng-pci-non-transitional (PCI) and
 * virtio-rng-device (a virtio-mmio transport's bus).
 *
 * Threads: everything here runs with the device lock held — transport
 * register accesses (vCPU thread), kick handlers (called from those), and
 * whatever the device does from the event loop (a backend delivering a
 * frame, a timer, a bottom half). The guest runs concurrently and reads and
 * writes the rings while the core does: ring indexes are read and written
 * with acquire/release atomics and full barriers where §2.7.7/§2.7.10 need
 * them, and every descriptor is read once into a local copy before it is
 * checked and used.
 *
 * Guests are untrusted: every descriptor chain is validated while it is
 * popped (see virtqueue.c for the list). A violation of a rule the spec
 * puts on the driver is logged under -d guest_errors and puts the device in
 * the error state §2.1.2 describes: DEVICE_NEEDS_RESET is set, a
 * configuration change notification is sent if DRIVER_OK is set, and the
 * device stops using its queues until the driver resets it.
 */
#ifndef FERRY_DEVICES_VIRTIO_VIRTIO_H
#define FERRY_DEVICES_VIRTIO_VIRTIO_H

#include <sys/uio.h>

#include "core/device.h"
#include "core/loop.h"
#include "core/memory.h"

/* ---- constants ------------------------------------------------------------ */

/* Device IDs (§5). */
#define VIRTIO_ID_NET              1
#define VIRTIO_ID_BLOCK            2
#define VIRTIO_ID_CONSOLE          3
#define VIRTIO_ID_RNG              4
#define VIRTIO_ID_BALLOON          5
#define VIRTIO_ID_SCSI             8
#define VIRTIO_ID_9P               9

/* Device status (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE  0x01
#define VIRTIO_STATUS_DRIVER       0x02
#define VIRTIO_STATUS_DRIVER_OK    0x04
#define VIRTIO_STATUS_FEATURES_OK  0x08
#define VIRTIO_STATUS_NEEDS_RESET  0x40
#define VIRTIO_STATUS_FAILED       0x80

/* Device-independent feature bits (§6, §6.3 for the legacy ones). */
#define VIRTIO_F_NOTIFY_ON_EMPTY   24   /* legacy */
#define VIRTIO_F_ANY_LAYOUT        27   /* legacy */
#define VIRTIO_F_INDIRECT_DESC     28
#define VIRTIO_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1         32
#define VIRTIO_F_ACCESS_PLATFORM   33   /* never offered: no IOMMU */
#define VIRTIO_F_RING_PACKED       34
#define VIRTIO_F_IN_ORDER          35
#define VIRTIO_F_ORDER_PLATFORM    36
#define VIRTIO_F_SR_IOV            37
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_F_NOTIF_CONFIG_DATA 39
#define VIRTIO_F_RING_RESET        40
#define VIRTIO_BIT(n)              (1ULL << (n))

/* Split ring flags (§2.7.5, §2.7.6, §2.7.8). */
#define VRING_DESC_F_NEXT          1
#define VRING_DESC_F_WRITE         2
#define VRING_DESC_F_INDIRECT      4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY     1
/* Packed ring flags and event suppression (§2.8.1, §2.8.10). */
#define VRING_PACKED_DESC_F_AVAIL  (1u << 7)
#define VRING_PACKED_DESC_F_USED   (1u << 15)
#define VRING_PACKED_EVENT_ENABLE  0x0
#define VRING_PACKED_EVENT_DISABLE 0x1
#define VRING_PACKED_EVENT_DESC    0x2

/* ISR / InterruptStatus bits (§4.1.4.5, §4.2.2). */
#define VIRTIO_ISR_QUEUE           0x1
#define VIRTIO_ISR_CONFIG          0x2

#define VIRTIO_NO_VECTOR           0xffff   /* §4.1.5.1.2 */
#define VIRTIO_QUEUE_MAX           1024     /* queues a device may have */
#define VIRTQUEUE_MAX_SIZE         32768    /* §2.7, §2.8 */
/* Segments one popped element may have (after splitting buffers at RAM
 * boundaries), and descriptors an indirect table may hold: the "reasonable
 * limit" §2.7.4.1 lets a device have; Linux's IOV_MAX. */
#define VIRTQUEUE_MAX_SG           1024

/* ---- types ------------------------------------------------------------------ */

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;
typedef struct VirtioDeviceInfo VirtioDeviceInfo;
typedef struct VirtioTransportOps VirtioTransportOps;

/* A queue's kick handler: the driver sent an available buffer notification
 * (§2.9) for vq. Runs with the device lock held, on the vCPU thread that
 * wrote the notify register. Spurious kicks happen; handlers pop until
 * vq_pop() returns NULL. */
typedef void VirtQueueHandler(VirtIODevice *vdev, VirtQueue *vq);

/*
 * One buffer the driver made available: a descriptor chain (direct or
 * through an indirect table) mapped to host memory. out_sg[0..out_num) are
 * the device-readable segments in chain order, then in_sg[0..in_num) the
 * device-writable ones; out_len/in_len are their total sizes.
 *
 * Lifetime: the element belongs to the device from vq_pop() until it hands
 * it back with vq_push()/vq_fill() (or vq_unpop()/vq_elem_free()); after
 * that neither the element nor its iovecs may be touched. The iovecs point
 * straight into guest RAM (no copies; a buffer that crosses from one RAM
 * block into another becomes several segments): they stay valid while the
 * device holds the element, because RAM blocks live as long as the machine,
 * and are only to be used with the device lock held. The guest may change
 * the bytes under the device at any time (it owns them), so a device copies
 * a header out before it checks it. A device holding elements must give
 * them back (vq_elem_free) in its reset hook: an element popped before a
 * reset is refused by vq_push afterwards.
 */
#define VQ_ELEM_INLINE_SG 24
typedef struct VirtQueueElement {
    unsigned index;         /* head descriptor (split) or buffer ID (packed) */
    unsigned out_num, in_num;
    size_t out_len, in_len;
    struct iovec *out_sg, *in_sg;
    /* private to the core */
    unsigned ndescs;        /* ring slots the chain took (packed) */
    uint32_t generation;    /* the queue's reset count when popped */
    VirtQueue *vq;
    struct VirtQueueElement *next_free;
    struct iovec *heap_sg;  /* when a chain has more segments than inline */
    struct iovec inline_sg[VQ_ELEM_INLINE_SG];
} VirtQueueElement;

/* What a transport provides to the core. */
struct VirtioTransportOps {
    /* Send a used buffer notification for vq (ISR bit 0 + INTx / MSI-X
     * queue vector / InterruptStatus bit 0 + IRQ line). */
    void (*notify_queue)(VirtIODevice *vdev, VirtQueue *vq);
    /* Send a configuration change notification (ISR bit 1 + INTx / MSI-X
     * config vector / InterruptStatus bit 1 + IRQ line). */
    void (*notify_config)(VirtIODevice *vdev);
};

/*
 * The base every virtio device's state starts with. Devices read the
 * fields; the core and the transports write them.
 */
struct VirtIODevice {
    const VirtioDeviceInfo *info;
    Device *dev;                /* the -device object (for names, id) */
    const char *name;           /* for log messages: id or type name */
    uint16_t device_id;
    AddressSpace *dma_as;       /* where the rings and buffers are */

    uint64_t host_features;     /* offered (§2.2) */
    uint64_t guest_features;    /* written by the driver */
    bool features_ok;           /* negotiation completed: guest_features valid */
    uint8_t status;             /* §2.1 */
    uint8_t isr;                /* VIRTIO_ISR_* bits pending */
    uint8_t config_generation;  /* §2.5, §4.1.4.3 */
    bool config_dirty;          /* changed since the driver last read config */
    uint16_t config_vector;     /* MSI-X config vector (PCI) */
    bool legacy;                /* the driver uses a legacy interface */
    bool has_legacy, has_modern;/* interfaces the transport presents */
    bool broken;                /* NEEDS_RESET: queues are not used */
    bool dma_disabled;          /* PCI Bus Master Enable is off */

    uint8_t *config;            /* device configuration space */
    size_t config_len;

    VirtQueue **vq;             /* virtio_add_queue() order */
    unsigned nvq;

    const VirtioTransportOps *tops;
    void *transport;

    /* Properties every virtio device has (QEMU's names). */
    bool prop_indirect_desc;    /* "indirect_desc", default on */
    bool prop_event_idx;        /* "event_idx", default on */
    bool prop_packed;           /* "packed", default off (as QEMU) */
    bool prop_notify_on_empty;  /* "notify_on_empty", default on (legacy) */
    bool prop_any_layout;       /* "any_layout", default on (legacy) */
    bool prop_iommu_platform;   /* "iommu_platform": only off is accepted */
};

/* ---- the device model's description (one per device type) ------------------ */

struct VirtioDeviceInfo {
    const char *name;           /* "virtio-net": the types are NAME-pci, ... */
    const char *desc;           /* "virtio network device" */
    const char *category;       /* for -device help: "network", "misc", ... */
    uint16_t device_id;         /* VIRTIO_ID_* (§5) */
    uint16_t pci_class;         /* base class << 8 | subclass (0x0200: Ethernet) */
    /* The transitional PCI device ID (§4.1.2.1: 0x1000 net, 0x1005 rng, ...);
     * 0: the device has no legacy interface (modern PCI, virtio-mmio v2). */
    uint16_t pci_legacy_id;
    size_t state_size;          /* sizeof the state struct; >= sizeof(VirtIODevice) */
    const Property *props;      /* offsets relative to the state struct */

    /* Creates the queues (virtio_add_queue), sizes the config space
     * (virtio_init_config) and whatever else the device needs. */
    int (*realize)(VirtIODevice *vdev, Error **errp);
    void (*unrealize)(VirtIODevice *vdev);   /* may be NULL */
    /* Device-specific features offered (bits 0-23 and 50 up). */
    uint64_t (*get_features)(VirtIODevice *vdev);
    /* Optional: may the driver accept this set? (dependencies between the
     * device's own bits, §2.2.1). false keeps FEATURES_OK clear. */
    bool (*validate_features)(VirtIODevice *vdev, uint64_t features);
    /* The negotiated set, at FEATURES_OK (modern) or at each legacy write. */
    void (*set_features)(VirtIODevice *vdev, uint64_t features);
    /* Refresh vdev->config before the driver reads it; may be NULL. */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The driver wrote config (already in vdev->config); NULL: config is
     * read-only and driver writes are ignored (logged). */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* The status byte changed (DRIVER_OK set: start; cleared: stop). */
    void (*set_status)(VirtIODevice *vdev, uint8_t status);
    /* Device reset (§2.4): drop held elements and device state. The core
     * resets the queues and status afterwards. */
    void (*reset)(VirtIODevice *vdev);
    /* Default MSI-X vectors on PCI (0 = none); NULL: queues + 1. */
    unsigned (*pci_vectors)(VirtIODevice *vdev);
};

/* Registers the device's -device types (see the top of this file). */
void virtio_register_device(const VirtioDeviceInfo *info);
#define VIRTIO_DEVICE_TYPE(var, ...)                                  \
    static const VirtioDeviceInfo var = {__VA_ARGS__};                \
    REGISTER_AT_STARTUP(var##_register) { virtio_register_device(&var); }

/* The device state of a -device object made from a virtio type, or NULL. */
VirtIODevice *virtio_device_of(Device *dev);

/* ---- device-facing API: set-up (in realize) ------------------------------- */

/* A queue the driver can size up to max_size (a power of two, 1..32768);
 * kick runs when the driver notifies it. Queues are numbered in order. */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned max_size, VirtQueueHandler *kick);
/* A config space of len bytes (zeroed); the device fills vdev->config. */
void virtio_init_config(VirtIODevice *vdev, size_t len);

VirtQueue *virtio_get_queue(VirtIODevice *vdev, unsigned n);  /* NULL if none */
unsigned virtio_queue_index(const VirtQueue *vq);
VirtIODevice *virtio_queue_device(const VirtQueue *vq);
/* The queue size the driver chose (0 while the queue is not set up). */
unsigned virtio_queue_size(const VirtQueue *vq);

/* ---- device-facing API: run time -------------------------------------------- */

/* Negotiated (after FEATURES_OK / legacy write) and offered features. */
static inline bool virtio_has_feature(const VirtIODevice *vdev, unsigned bit)
{
    return bit < 64 && (vdev->guest_features & VIRTIO_BIT(bit));
}
static inline bool virtio_host_has_feature(const VirtIODevice *vdev, unsigned bit)
{
    return bit < 64 && (vdev->host_features & VIRTIO_BIT(bit));
}
/* The driver set DRIVER_OK (or uses the legacy interface, which may use
 * the device before that, §3.1.2) and the device is not in error. */
bool virtio_device_live(const VirtIODevice *vdev);

/* The device changed its configuration: the generation moves and the
 * driver gets a configuration change notification once DRIVER_OK is set
 * (§3.2.1). */
void virtio_config_changed(VirtIODevice *vdev);
/* Something the driver did cannot be recovered from: log it (guest_errors),
 * set DEVICE_NEEDS_RESET, notify the driver, stop using the queues. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...) PRINTF_FMT(2, 3);

/*
 * The queue's next available buffer, or NULL when there is none, the queue
 * is not enabled, the device is not live, or the chain is invalid (then
 * the device is in NEEDS_RESET). Allocation-free once the queue's element
 * pool has grown to the number of elements the device holds at once.
 */
VirtQueueElement *vq_pop(VirtQueue *vq);
/* Gives elem back to the used ring with len bytes written to its
 * device-writable part, and publishes it (the used index moves). Does not
 * notify: call vq_notify() after a batch. */
void vq_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len);
/* Batching several elements that must appear at once (a mergeable RX
 * frame): vq_fill() the i-th (i = 0, 1, ...) then vq_flush(vq, count). */
void vq_fill(VirtQueue *vq, VirtQueueElement *elem, uint32_t len, unsigned i);
void vq_flush(VirtQueue *vq, unsigned count);
/* Puts back the most recently popped elements (newest first), unused. */
void vq_unpop(VirtQueue *vq, VirtQueueElement *elem);
/* Drops an element without returning it to the driver (reset paths). */
void vq_elem_free(VirtQueueElement *elem);
/* Sends a used buffer notification if the driver wants one for what was
 * pushed since the last notification (§2.7.7 flags / used_event, §2.8.10
 * driver event suppression; NOTIFY_ON_EMPTY). */
void vq_notify(VirtQueue *vq);
/* Whether the device wants available buffer notifications (kicks) for vq
 * (§2.7.10 used flags / avail_event, §2.8.10 device event suppression). A
 * device that polls disables them, works, enables them and then checks
 * vq_empty() once more: buffers made available just before enabling did
 * not kick. Enabling asks for a kick at the next buffer the driver adds,
 * also when buffers the device has not popped are still there (a device
 * waiting for more room than the driver has posted). */
void vq_set_notification(VirtQueue *vq, bool enable);
/* No buffer is available (or the queue cannot be used now). */
bool vq_empty(VirtQueue *vq);
/* The queue can be used now: enabled, device live, not in error. */
bool vq_ready(const VirtQueue *vq);
/* Sums the device-writable (in) and device-readable (out) bytes of the
 * available chains without popping them, stopping once both maxima are
 * reached. false if the queue is not usable. */
bool vq_avail_bytes(VirtQueue *vq, size_t *in_bytes, size_t *out_bytes, size_t max_in,
                    size_t max_out);
/* Kicks for vq run as a bottom half on loop rather than on the vCPU thread
 * that wrote the notify register — what QEMU's ioeventfd gives its
 * devices: the guest goes on at once and the device works on the loop
 * thread (still with the device lock held); kicks that arrive before the
 * bottom half runs coalesce into one. NULL: back to direct calls. Kicks
 * pending across a reset are dropped. */
void vq_set_kick_loop(VirtQueue *vq, Loop *loop);
/* Kicks received, notifications sent (for tests and `info virtio`). */
uint64_t vq_kick_count(const VirtQueue *vq);
uint64_t vq_notify_count(const VirtQueue *vq);

/* Copies between an element and a flat buffer: from the device-readable
 * part starting at byte offset, into the device-writable part. Return the
 * bytes copied (less than len at the end of the element). */
size_t vq_elem_read(const VirtQueueElement *elem, size_t offset, void *buf, size_t len);
size_t vq_elem_write(const VirtQueueElement *elem, size_t offset, const void *buf, size_t len);

/* Little-endian config-space helpers (modern virtio is little-endian, and
 * so are the legacy interfaces of the guests ferry runs, §2.5.3). */
static inline void virtio_stw(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void virtio_stl(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t virtio_lduw(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t virtio_ldl(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- transport-facing API ------------------------------------------------------ */

/* Binds vdev to its transport before the device's realize runs. */
void virtio_bind_transport(VirtIODevice *vdev, Device *dev, const VirtioTransportOps *ops,
                           void *transport, AddressSpace *dma_as);
/* Calls the device's realize and fixes the offered features for the
 * interfaces the transport presents. */
int virtio_realize(VirtIODevice *vdev, bool has_legacy, bool has_modern, Error **errp);
void virtio_unrealize(VirtIODevice *vdev);
/* Device reset (§2.4): status 0, features, ISR, vectors and queues cleared. */
void virtio_reset(VirtIODevice *vdev);
/* A status write; 0 resets. Applies the state machine (§2.1, §3.1.1):
 * FEATURES_OK only for an acceptable feature set, DRIVER_OK only after
 * FEATURES_OK on the modern interface, NEEDS_RESET only set by the device. */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);
/* Feature words (§4.1.4.3 / §4.2.2): sel 0 = bits 0-31, 1 = bits 32-63. */
uint32_t virtio_read_host_features(VirtIODevice *vdev, uint32_t sel);
uint32_t virtio_read_guest_features(VirtIODevice *vdev, uint32_t sel);
void virtio_write_guest_features(VirtIODevice *vdev, uint32_t sel, uint32_t val);
/* Legacy interface: bits 0-31, taken at once (masked to what is offered). */
void virtio_legacy_write_features(VirtIODevice *vdev, uint32_t val);
/* Config space access of 1, 2 or 4 bytes at offset (little-endian);
 * outside the space reads 0 and writes are ignored (logged). */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t offset, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t offset, uint32_t val, unsigned size);
/* The generation as the driver reads it (moves if config changed since the
 * last config read, §4.1.4.3.1). */
uint8_t virtio_config_generation(VirtIODevice *vdev);
/* An available buffer notification for queue n from the driver. */
void virtio_queue_notify(VirtIODevice *vdev, unsigned n);

/* Queue registers. Setters are refused (logged) while the queue is
 * enabled. */
unsigned virtio_queue_max_size(const VirtQueue *vq);
bool virtio_queue_set_size(VirtQueue *vq, unsigned num);
void virtio_queue_set_addrs(VirtQueue *vq, hwaddr desc, hwaddr driver, hwaddr device);
void virtio_queue_get_addrs(const VirtQueue *vq, hwaddr *desc, hwaddr *driver, hwaddr *device);
/* Legacy layout (§2.7.2): the rings follow each other from desc, the used
 * ring at the next multiple of align. */
void virtio_queue_set_legacy_addr(VirtQueue *vq, hwaddr desc, unsigned align);
/* Enables the queue after checking its configuration (size, alignment
 * §2.7.1, areas in RAM); a bad configuration is a NEEDS_RESET error.
 * Disabling stops all use of the rings. */
void virtio_queue_enable(VirtQueue *vq, bool enable);
bool virtio_queue_enabled(const VirtQueue *vq);
uint16_t virtio_queue_vector(const VirtQueue *vq);
void virtio_queue_set_vector(VirtQueue *vq, uint16_t vector);

#endif
