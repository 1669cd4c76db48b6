/*
 * virtio-rng.c — the virtio entropy device (VIRTIO Specification v1.2
 * §5.4): device ID 4, one request queue (requestq), no feature bits, no
 * configuration space. The driver posts device-writable buffers; the
 * device fills them with random bytes and returns them (§5.4.6).
 *
 * The bytes come from the host's getentropy() (the kernel's CSPRNG), up
 * to 64 KiB per buffer (the used length says how many, §2.7.8.2), filled
 * on the vCPU thread that kicked the queue. Registered as virtio-rng-pci,
 * -pci-transitional, -pci-non-transitional (PCI ID 1af4:1005 / 1af4:1044)
 * and virtio-rng-device (virtio-mmio). QEMU's rng= (an -object rng
 * backend), max-bytes= and period= (rate limiting) are not implemented:
 * those properties do not exist here, so naming one is an error.
 */
#include <unistd.h>

#include "core/log.h"
#include "devices/virtio/virtio.h"

#define RNG_QUEUE_SIZE  8               /* QEMU's */
#define RNG_MAX_FILL    (64 * 1024)     /* bytes per request */

typedef struct VirtIORng {
    VirtIODevice vdev;
    VirtQueue *vq;
} VirtIORng;

/* §5.4.6.2: random bytes into every device-writable segment. */
static size_t fill(VirtQueueElement *e)
{
    size_t done = 0;
    for (unsigned i = 0; i < e->in_num && done < RNG_MAX_FILL; i++) {
        uint8_t *p = e->in_sg[i].iov_base;
        size_t n = MIN(e->in_sg[i].iov_len, (size_t)RNG_MAX_FILL - done);
        while (n) {
            size_t chunk = MIN(n, (size_t)256);     /* getentropy's limit */
            if (getentropy(p, chunk) < 0)
                return done;
            p += chunk;
            done += chunk;
            n -= chunk;
        }
    }
    return done;
}

static void rng_process(VirtIORng *r)
{
    VirtQueueElement *e;
    bool any = false;
    while ((e = vq_pop(r->vq))) {
        vq_push(r->vq, e, (uint32_t)fill(e));
        any = true;
    }
    if (any)
        vq_notify(r->vq);
}

static void rng_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    rng_process((VirtIORng *)vdev);
}

static void rng_set_status(VirtIODevice *vdev, uint8_t status)
{
    if (virtio_device_live(vdev))
        rng_process((VirtIORng *)vdev);
}

static int rng_realize(VirtIODevice *vdev, Error **errp)
{
    uint8_t probe[16];
    if (getentropy(probe, sizeof(probe)) < 0) {
        error_setg_errno(errp, errno, "%s: the host gives no entropy (getentropy)", vdev->name);
        return -1;
    }
    ((VirtIORng *)vdev)->vq = virtio_add_queue(vdev, RNG_QUEUE_SIZE, rng_kick);
    return 0;
}

static unsigned rng_vectors(VirtIODevice *vdev)
{
    return 2;   /* config + the queue */
}

VIRTIO_DEVICE_TYPE(virtio_rng_info,
    .name = "virtio-rng",
    .desc = "virtio entropy source (host getentropy)",
    .category = "misc",
    .device_id = VIRTIO_ID_RNG,
    .pci_class = 0x00ff,
    .pci_legacy_id = 0x1005,
    .state_size = sizeof(VirtIORng),
    .realize = rng_realize,
    .set_status = rng_set_status,
    .pci_vectors = rng_vectors)
