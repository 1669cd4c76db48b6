/*
 * virtio.c — the VirtIODevice base: registration of a device's -device
 * types for both transports, feature negotiation, the status byte's state
 * machine, the configuration space and its generation count, reset, and
 * the NEEDS_RESET error state. The rings are in virtqueue.c.
 *
 * Follows the VIRTIO Specification v1.2: §2.1 (status: the driver sets
 * ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK in that order; FAILED when it
 * gives up; the device sets DEVICE_NEEDS_RESET and then sends a
 * configuration change notification if DRIVER_OK is set, §2.1.2), §2.2
 * (features: the device refuses FEATURES_OK for a set it cannot accept,
 * §2.2.2), §2.4 (reset), §2.5 and §4.1.4.3.1 (the generation changes when
 * the driver could see two versions of the config), §3.1 (initialization,
 * and §3.1.2 for the legacy interface, where features are taken at each
 * write and the device may be used before DRIVER_OK), §6 (the reserved
 * feature bits; VIRTIO_F_ACCESS_PLATFORM is never offered: ferry has no
 * IOMMU, so the device sees the driver's physical addresses).
 *
 * Runs with the device lock held.
 */
#include "devices/virtio/virtio-internal.h"

#include "core/log.h"

/* ---- registration of -device types ------------------------------------------- */

typedef struct VirtioTypeReg {
    const DeviceType *dt;
    const VirtioDeviceInfo *info;
    VirtioFlavour flavour;
} VirtioTypeReg;

static VirtioTypeReg *regs;
static int n_regs;

#define VCOMMON(field) (VIRTIO_STATE_OFFSET + offsetof(VirtIODevice, field))

const Property virtio_common_props[] = {
    {.name = "indirect_desc", .type = PROP_BOOL, .offset = VCOMMON(prop_indirect_desc),
     .def = "on", .desc = "offer VIRTIO_F_INDIRECT_DESC (indirect descriptor tables)"},
    {.name = "event_idx", .type = PROP_BOOL, .offset = VCOMMON(prop_event_idx),
     .def = "on", .desc = "offer VIRTIO_F_EVENT_IDX (used_event/avail_event notification "
                          "suppression)"},
    {.name = "packed", .type = PROP_BOOL, .offset = VCOMMON(prop_packed),
     .def = "off", .desc = "offer VIRTIO_F_RING_PACKED (packed virtqueues; modern interface)"},
    {.name = "notify_on_empty", .type = PROP_BOOL, .offset = VCOMMON(prop_notify_on_empty),
     .def = "on", .desc = "offer VIRTIO_F_NOTIFY_ON_EMPTY (legacy interface)"},
    {.name = "any_layout", .type = PROP_BOOL, .offset = VCOMMON(prop_any_layout),
     .def = "on", .desc = "offer VIRTIO_F_ANY_LAYOUT (legacy interface)"},
    {.name = "iommu_platform", .type = PROP_BOOL, .offset = VCOMMON(prop_iommu_platform),
     .def = "off", .desc = "VIRTIO_F_ACCESS_PLATFORM: only off (ferry has no IOMMU)"},
    {0},
};

static void reg_add(const DeviceType *dt, const VirtioDeviceInfo *info, VirtioFlavour fl)
{
    regs = xrealloc(regs, (size_t)(n_regs + 1) * sizeof(*regs));
    regs[n_regs++] = (VirtioTypeReg){dt, info, fl};
    device_type_register(dt);
}

static const DeviceType *make_type(const VirtioDeviceInfo *info, const char *suffix,
                                   const char *desc_suffix, const DeviceType *parent,
                                   const Property *props, const char *alias)
{
    DeviceType *dt = xzalloc(sizeof(*dt));
    dt->name = xasprintf("%s%s", info->name, suffix);
    dt->desc = xasprintf("%s%s", info->desc ? info->desc : info->name, desc_suffix);
    dt->category = info->category ? info->category : "misc";
    dt->parent = parent;
    dt->instance_size = VIRTIO_STATE_OFFSET + info->state_size;
    dt->props = props;
    dt->user_creatable = true;
    dt->alias = alias;
    return dt;
}

void virtio_register_device(const VirtioDeviceInfo *info)
{
    if (!info->name || info->state_size < sizeof(VirtIODevice) || !info->realize) {
        fprintf(stderr, "ferry: BUG: virtio device info %s is incomplete\n",
                info->name ? info->name : "(unnamed)");
        abort();
    }
    /* The device's own properties, moved behind the transport part. */
    int n = 0;
    while (info->props && info->props[n].name)
        n++;
    Property *props = xcalloc((size_t)n + 1, sizeof(*props));
    for (int i = 0; i < n; i++) {
        props[i] = info->props[i];
        props[i].offset += VIRTIO_STATE_OFFSET;
    }
    reg_add(make_type(info, "-device", " (virtio-mmio)", &virtio_mmio_device_base_type, props,
                      NULL),
            info, VIRTIO_FLAVOUR_MMIO);
    /* As QEMU: "virtio-net" names virtio-net-pci. */
    reg_add(make_type(info, "-pci", " (PCI)", &virtio_pci_generic_base_type, props, info->name),
            info, VIRTIO_FLAVOUR_PCI);
    if (info->pci_legacy_id) {
        reg_add(make_type(info, "-pci-transitional", " (PCI, transitional)",
                          &virtio_pci_base_type, props, NULL),
                info, VIRTIO_FLAVOUR_PCI_TRANSITIONAL);
        reg_add(make_type(info, "-pci-non-transitional", " (PCI, modern only)",
                          &virtio_pci_base_type, props, NULL),
                info, VIRTIO_FLAVOUR_PCI_NON_TRANSITIONAL);
    }
}

const VirtioDeviceInfo *virtio_type_lookup(const DeviceType *dt, VirtioFlavour *flavour)
{
    for (; dt; dt = dt->parent)
        for (int i = 0; i < n_regs; i++)
            if (regs[i].dt == dt) {
                if (flavour)
                    *flavour = regs[i].flavour;
                return regs[i].info;
            }
    return NULL;
}

VirtIODevice *virtio_device_of(Device *dev)
{
    return dev && virtio_type_lookup(dev->type, NULL) ? virtio_state_of(dev) : NULL;
}

/* ---- set-up ------------------------------------------------------------------- */

void virtio_bind_transport(VirtIODevice *vdev, Device *dev, const VirtioTransportOps *ops,
                           void *transport, AddressSpace *dma_as)
{
    vdev->info = virtio_type_lookup(dev->type, NULL);
    vdev->dev = dev;
    vdev->name = dev->id ? dev->id : dev->type->name;
    vdev->device_id = vdev->info ? vdev->info->device_id : 0;
    vdev->tops = ops;
    vdev->transport = transport;
    vdev->dma_as = dma_as;
    vdev->config_vector = VIRTIO_NO_VECTOR;
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned max_size, VirtQueueHandler *kick)
{
    if (vdev->nvq >= VIRTIO_QUEUE_MAX || max_size == 0 || max_size > VIRTQUEUE_MAX_SIZE ||
        !IS_POW2(max_size)) {
        fprintf(stderr, "ferry: BUG: %s: virtio_add_queue(%u) (queue %u)\n", vdev->name,
                max_size, vdev->nvq);
        abort();
    }
    vdev->vq = xrealloc(vdev->vq, (vdev->nvq + 1) * sizeof(*vdev->vq));
    VirtQueue *vq = xzalloc(sizeof(*vq));
    virtqueue_init(vq, vdev, vdev->nvq, max_size, kick);
    vdev->vq[vdev->nvq++] = vq;
    return vq;
}

void virtio_init_config(VirtIODevice *vdev, size_t len)
{
    free(vdev->config);
    vdev->config = xzalloc(len ? len : 1);
    vdev->config_len = len;
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, unsigned n)
{
    return n < vdev->nvq ? vdev->vq[n] : NULL;
}

static void core_free(VirtIODevice *vdev);

int virtio_realize(VirtIODevice *vdev, bool has_legacy, bool has_modern, Error **errp)
{
    const VirtioDeviceInfo *info = vdev->info;
    if (!info) {
        error_setg(errp, "%s: not a virtio device type", vdev->name);
        return -1;
    }
    if (vdev->prop_iommu_platform) {
        error_setg(errp, "%s: iommu_platform=on is not supported: ferry has no IOMMU, so "
                   "VIRTIO_F_ACCESS_PLATFORM is never offered", vdev->name);
        return -1;
    }
    if (vdev->prop_packed && !has_modern)
        warn_report("%s: packed=on has no effect on a legacy-only transport (packed "
                    "virtqueues need VIRTIO 1.0)", vdev->name);
    vdev->has_legacy = has_legacy;
    vdev->has_modern = has_modern;
    vdev->legacy = !has_modern;
    if (info->realize(vdev, errp) < 0) {
        core_free(vdev);     /* the device cleaned up after itself */
        return -1;
    }
    /* Bits 24..49 belong to the core (§2.2): the device's own are 0-23, 50+. */
    uint64_t f = info->get_features ? info->get_features(vdev) : 0;
    f &= ~(((1ULL << 50) - 1) & ~((1ULL << 24) - 1));
    if (vdev->prop_indirect_desc)
        f |= VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
    if (vdev->prop_event_idx)
        f |= VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
    if (has_modern) {
        f |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
        if (vdev->prop_packed)
            f |= VIRTIO_BIT(VIRTIO_F_RING_PACKED);
    }
    if (has_legacy) {
        /* §6.3: transitional devices offer ANY_LAYOUT, and may offer
         * NOTIFY_ON_EMPTY. The core never assumes a layout either way. */
        if (vdev->prop_any_layout)
            f |= VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT);
        if (vdev->prop_notify_on_empty)
            f |= VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY);
    }
    vdev->host_features = f;
    if (!vdev->config)
        virtio_init_config(vdev, 0);
    virtio_reset(vdev);
    return 0;
}

void virtio_unrealize(VirtIODevice *vdev)
{
    if (vdev->info && vdev->info->unrealize)
        vdev->info->unrealize(vdev);
    core_free(vdev);
}

static void core_free(VirtIODevice *vdev)
{
    for (unsigned i = 0; i < vdev->nvq; i++) {
        virtqueue_free(vdev->vq[i]);
        free(vdev->vq[i]);
    }
    free(vdev->vq);
    vdev->vq = NULL;
    vdev->nvq = 0;
    free(vdev->config);
    vdev->config = NULL;
    vdev->config_len = 0;
}

/* ---- state -------------------------------------------------------------------- */

bool virtio_device_live(const VirtIODevice *vdev)
{
    if (vdev->broken || (vdev->status & VIRTIO_STATUS_FAILED))
        return false;
    /* §3.1.2: a legacy driver may use the device before DRIVER_OK. */
    return vdev->legacy || (vdev->status & VIRTIO_STATUS_DRIVER_OK);
}

void virtio_reset(VirtIODevice *vdev)
{
    if (vdev->info && vdev->info->reset)
        vdev->info->reset(vdev);
    bool was_ok = vdev->status & VIRTIO_STATUS_DRIVER_OK;
    vdev->status = 0;
    vdev->guest_features = 0;
    vdev->features_ok = false;
    vdev->isr = 0;
    vdev->broken = false;
    vdev->legacy = !vdev->has_modern;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    for (unsigned i = 0; i < vdev->nvq; i++)
        virtqueue_reset(vdev->vq[i]);
    if (was_ok && vdev->info && vdev->info->set_status)
        vdev->info->set_status(vdev, 0);
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    if (log_enabled(LOG_GUEST_ERROR)) {
        va_list ap;
        va_start(ap, fmt);
        char *msg = xvasprintf(fmt, ap);
        va_end(ap);
        log_printf("%s: %s; the device needs a reset (DEVICE_NEEDS_RESET)\n", vdev->name, msg);
        free(msg);
    }
    if (vdev->broken)
        return;
    vdev->broken = true;
    vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
    /* §2.1.2: after setting NEEDS_RESET with DRIVER_OK set, the device sends
     * a configuration change notification. */
    if ((vdev->status & VIRTIO_STATUS_DRIVER_OK) && vdev->tops && vdev->tops->notify_config)
        vdev->tops->notify_config(vdev);
}

/* Why the driver's set cannot be accepted, or NULL. */
static const char *features_refused(VirtIODevice *vdev, uint64_t f)
{
    if (f & ~vdev->host_features)
        return "it includes features the device does not offer";
    if (!(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
        return "VIRTIO_F_VERSION_1 is required on the modern interface";
    if (vdev->info->validate_features && !vdev->info->validate_features(vdev, f))
        return "the device cannot accept that combination of its features";
    return NULL;
}

void virtio_set_status(VirtIODevice *vdev, uint8_t val)
{
    if (val == 0) {
        virtio_reset(vdev);
        return;
    }
    uint8_t old = vdev->status;
    /* NEEDS_RESET is the device's to set, and only a reset clears it. */
    if ((val ^ old) & VIRTIO_STATUS_NEEDS_RESET)
        qlog(LOG_GUEST_ERROR, "%s: the driver may not %s DEVICE_NEEDS_RESET (status 0x%02x)\n",
             vdev->name, (val & VIRTIO_STATUS_NEEDS_RESET) ? "set" : "clear", val);
    val = (uint8_t)((val & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET));
    if (old & ~val)
        qlog(LOG_GUEST_ERROR, "%s: the driver cleared status bits 0x%02x without a reset "
             "(§2.1.1)\n", vdev->name, old & ~val);

    if (!vdev->legacy) {
        /* §3.1.1 steps 5-6: FEATURES_OK only for a set the device accepts. */
        if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
            const char *why = features_refused(vdev, vdev->guest_features);
            if (why) {
                qlog(LOG_GUEST_ERROR, "%s: FEATURES_OK refused for features 0x%016" PRIx64
                     ": %s\n", vdev->name, vdev->guest_features, why);
                val &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
            } else {
                vdev->features_ok = true;
                if (vdev->info->set_features)
                    vdev->info->set_features(vdev, vdev->guest_features);
            }
        }
        /* Step 8 comes after step 5. */
        if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
            !(val & VIRTIO_STATUS_FEATURES_OK)) {
            qlog(LOG_GUEST_ERROR, "%s: DRIVER_OK refused: FEATURES_OK is not set (§3.1.1)\n",
                 vdev->name);
            val &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
        }
    }
    vdev->status = val;
    if (val != old && vdev->info->set_status)
        vdev->info->set_status(vdev, val);
}

/* ---- features -------------------------------------------------------------------- */

uint32_t virtio_read_host_features(VirtIODevice *vdev, uint32_t sel)
{
    return sel < 2 ? (uint32_t)(vdev->host_features >> (32 * sel)) : 0;
}

uint32_t virtio_read_guest_features(VirtIODevice *vdev, uint32_t sel)
{
    return sel < 2 ? (uint32_t)(vdev->guest_features >> (32 * sel)) : 0;
}

void virtio_write_guest_features(VirtIODevice *vdev, uint32_t sel, uint32_t val)
{
    if (vdev->status & VIRTIO_STATUS_FEATURES_OK) {
        qlog(LOG_GUEST_ERROR, "%s: driver features written after FEATURES_OK ignored (§3.1.1)\n",
             vdev->name);
        return;
    }
    if (sel >= 2) {
        if (val)
            qlog(LOG_GUEST_ERROR, "%s: driver feature word %u (0x%08x) names no feature\n",
                 vdev->name, sel, val);
        return;
    }
    /* Kept as written (§4.1.4.3.1 allows presenting invalid bits); they are
     * checked when the driver sets FEATURES_OK. */
    uint64_t mask = 0xffffffffULL << (32 * sel);
    vdev->guest_features = (vdev->guest_features & ~mask) | ((uint64_t)val << (32 * sel));
}

void virtio_legacy_write_features(VirtIODevice *vdev, uint32_t val)
{
    /* §3.1.2: no FEATURES_OK on the legacy interface; features take effect
     * as written, bits 32-63 are not acknowledged (§4.1.4.10). */
    uint64_t offered = vdev->host_features & 0xffffffffULL;
    if (val & ~offered)
        qlog(LOG_GUEST_ERROR, "%s: legacy driver acknowledged features 0x%08" PRIx64
             " the device does not offer; ignored\n", vdev->name, val & ~offered);
    vdev->guest_features = val & offered;
    vdev->features_ok = true;
    if (vdev->info->set_features)
        vdev->info->set_features(vdev, vdev->guest_features);
}

/* ---- configuration space -------------------------------------------------------- */

static bool config_range_ok(VirtIODevice *vdev, uint32_t offset, unsigned size, bool write)
{
    if ((size == 1 || size == 2 || size == 4) && offset < vdev->config_len &&
        size <= vdev->config_len - offset)
        return true;
    qlog(LOG_GUEST_ERROR, "%s: config %s of %u bytes at 0x%x is outside the %zu-byte device "
         "configuration space\n", vdev->name, write ? "write" : "read", size, offset,
         vdev->config_len);
    return false;
}

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t offset, unsigned size)
{
    if (!config_range_ok(vdev, offset, size, false))
        return 0;
    if (vdev->info->get_config)
        vdev->info->get_config(vdev, vdev->config);
    /* §4.1.4.3.1: the generation moves once the driver reads config that
     * changed since its previous read. */
    if (vdev->config_dirty) {
        vdev->config_generation++;
        vdev->config_dirty = false;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)vdev->config[offset + i] << (8 * i);
    return v;
}

void virtio_config_write(VirtIODevice *vdev, uint32_t offset, uint32_t val, unsigned size)
{
    if (!config_range_ok(vdev, offset, size, true))
        return;
    if (!vdev->info->set_config) {
        qlog(LOG_GUEST_ERROR, "%s: write to read-only device configuration at 0x%x ignored\n",
             vdev->name, offset);
        return;
    }
    if (vdev->info->get_config)
        vdev->info->get_config(vdev, vdev->config);
    for (unsigned i = 0; i < size; i++)
        vdev->config[offset + i] = (uint8_t)(val >> (8 * i));
    vdev->info->set_config(vdev, vdev->config);
}

uint8_t virtio_config_generation(VirtIODevice *vdev)
{
    return vdev->config_generation;
}

void virtio_config_changed(VirtIODevice *vdev)
{
    vdev->config_dirty = true;
    if ((vdev->status & VIRTIO_STATUS_DRIVER_OK) && vdev->tops && vdev->tops->notify_config)
        vdev->tops->notify_config(vdev);
}

/* ---- notifications from the driver ----------------------------------------------- */

void virtio_queue_notify(VirtIODevice *vdev, unsigned n)
{
    if (n >= vdev->nvq) {
        qlog(LOG_GUEST_ERROR, "%s: notification for queue %u; the device has %u\n",
             vdev->name, n, vdev->nvq);
        return;
    }
    VirtQueue *vq = vdev->vq[n];
    vq->kicks++;
    if (!vq_ready(vq)) {
        /* §2.7.10.2: spurious notifications are handled; one for a queue
         * that is not usable is logged. */
        if (!vdev->broken)
            qlog(LOG_GUEST_ERROR, "%s: notification for queue %u, which is not %s\n",
                 vdev->name, n, vq->enabled ? "usable now (device not live)" : "enabled");
        return;
    }
    virtqueue_kick(vq);
}
