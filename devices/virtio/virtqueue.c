/*
 * virtqueue.c — virtqueues: the split ring (§2.7) and the packed ring
 * (§2.8) of the VIRTIO Specification v1.2, popped into scatter-gather
 * elements and pushed back, with notification suppression in both
 * directions (§2.7.7, §2.7.10, §2.8.10) and indirect descriptors (§2.7.5.3,
 * §2.8.7).
 *
 * Validation. Each descriptor is read once into a local copy, and every
 * rule the spec puts on the driver that the device can see is checked
 * before the descriptor is used. A violation is the device error of
 * §2.1.2 (virtio_error: logged under -d guest_errors, DEVICE_NEEDS_RESET,
 * configuration change notification, the queues are no longer used until
 * reset) — the spec leaves the device's reaction open, and this is the one
 * it names for "an error from which it can't recover":
 *   - the available index moving more than the queue size past the last
 *     one popped (§2.7.6: the ring holds at most Queue Size entries), or a
 *     head index outside the descriptor table;
 *   - more buffers, or more ring descriptors, in flight than the queue
 *     size: a driver exposing descriptors the device still holds, or the
 *     same chain twice (a descriptor belongs to one buffer at a time);
 *   - a chain that visits more descriptors than its table has (a loop, or
 *     longer than the queue size, §2.7.5.3.1, §2.8.17), a next index outside
 *     the table;
 *   - a device-readable descriptor after a device-writable one (§2.7.4.2,
 *     §2.8.17);
 *   - a chain longer than 2^32 bytes in total (§2.7.5.2); lengths are summed
 *     in 64 bits, so nothing overflows;
 *   - a buffer, a descriptor table or a ring area that is not all guest RAM
 *     (device-writable buffers and the used ring: writable RAM);
 *   - VRING_DESC_F_INDIRECT without VIRTIO_F_INDIRECT_DESC, together with
 *     NEXT, inside an indirect table (split: nested tables, §2.7.5.3.1), or
 *     inside a packed list; an indirect table whose length is 0 or not a
 *     multiple of 16, or which has more than VIRTQUEUE_MAX_SG entries;
 *   - more than VIRTQUEUE_MAX_SG segments in one element (§2.7.4.1 allows a
 *     device a reasonable limit).
 * Chains are only walked as far as their table has entries, and the ring
 * descriptors of all the chains the device holds (or measures) together
 * never exceed the queue size, so nothing a guest writes makes the device
 * loop, spin or allocate without bound: popping one buffer costs at most
 * Queue Size + VIRTQUEUE_MAX_SG descriptor reads.
 *
 * Mapping: buffers are mapped straight into host memory through the
 * address space's flat view (as_lookup): no copies; a buffer that crosses
 * from one RAM range into another becomes two segments. Used-ring and
 * buffer writes are reported to code-page tracking (dma_unmap, dma_write).
 *
 * Endianness: ring fields are little-endian (§2.7; the legacy interfaces
 * use the guest's byte order, which is little-endian for every guest ferry
 * runs).
 *
 * Runs with the device lock held; the guest reads and writes the rings
 * concurrently, hence the atomics and fences noted where they are.
 */
#include "devices/virtio/virtio-internal.h"

#include "core/log.h"

/* ---- little-endian fields and atomics ------------------------------------------ */

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE16(x) __builtin_bswap16(x)
#else
#define LE16(x) (x)
#endif

static inline uint64_t ld64(const uint8_t *p)
{
    return virtio_ldl(p) | (uint64_t)virtio_ldl(p + 4) << 32;
}

/* A barrier between our used-ring (or event) stores and the loads that
 * follow them (§2.7.7.2, §2.7.10: the store/load pair needs a full one). */
static inline void full_barrier(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void ring_fault(VirtQueue *vq, const char *what, hwaddr addr)
{
    virtio_error(vq->vdev, "queue %u: %s at 0x%" PRIx64 " is not in guest RAM", vq->index, what,
                 addr);
}

/* A 16-bit ring field, mapped for an atomic access (ring areas are
 * checked to be aligned when the queue is enabled). */
static uint16_t *map16(VirtQueue *vq, hwaddr addr, bool write, const char *what)
{
    uint16_t *p = dma_map(vq->vdev->dma_as, addr, 2, write);
    if (!p)
        ring_fault(vq, what, addr);
    return p;
}

static bool load16(VirtQueue *vq, hwaddr addr, uint16_t *v, const char *what)
{
    uint16_t *p = map16(vq, addr, false, what);
    if (!p)
        return false;
    *v = LE16(__atomic_load_n(p, __ATOMIC_ACQUIRE));
    return true;
}

static bool store16(VirtQueue *vq, hwaddr addr, uint16_t v, const char *what)
{
    uint16_t *p = map16(vq, addr, true, what);
    if (!p)
        return false;
    __atomic_store_n(p, LE16(v), __ATOMIC_RELEASE);
    dma_unmap(vq->vdev->dma_as, p, 2, true);
    return true;
}

/* Split ring layout (§2.7.5, §2.7.6, §2.7.8). */
#define AVAIL_FLAGS(vq)     ((vq)->avail)
#define AVAIL_IDX(vq)       ((vq)->avail + 2)
#define AVAIL_RING(vq, i)   ((vq)->avail + 4 + 2 * (hwaddr)(i))
#define USED_EVENT(vq)      AVAIL_RING(vq, (vq)->num)
#define USED_FLAGS(vq)      ((vq)->used)
#define USED_IDX(vq)        ((vq)->used + 2)
#define USED_RING(vq, i)    ((vq)->used + 4 + 8 * (hwaddr)(i))
#define AVAIL_EVENT(vq)     USED_RING(vq, (vq)->num)
/* Packed (§2.8.13, §2.8.14): descriptors; the event suppression areas. */
#define PDESC(vq, i)        ((vq)->desc + 16 * (hwaddr)(i))
#define PDESC_FLAGS(vq, i)  (PDESC(vq, i) + 14)

/* §2.7.7 / §2.7.10: has an event at index event been crossed moving from
 * old to new? (The spec's virtq_need_event.) */
static inline bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* ---- queue state ------------------------------------------------------------------ */

static void ring_state_reset(VirtQueue *vq)
{
    vq->last_avail_idx = vq->shadow_avail_idx = vq->used_idx = 0;
    /* Nothing was used yet: a notification is due when entry used_event
     * is written (§2.7.7.2: used_event 0 means after the first buffer). */
    vq->signalled_used = 0;
    vq->signalled_used_valid = true;
    /* §2.8.1: both wrap counters start at 1. */
    vq->last_avail_wrap = vq->used_wrap = true;
    vq->used_since_signal = 0;
    vq->signalled_pos = 0;
    vq->signalled_wrap = true;
    vq->notification = true;
    vq->inuse = 0;
    vq->descs_inflight = 0;
}

void virtqueue_init(VirtQueue *vq, VirtIODevice *vdev, unsigned index, unsigned max_size,
                    VirtQueueHandler *kick)
{
    vq->vdev = vdev;
    vq->index = index;
    vq->num_max = max_size;
    vq->kick = kick;
    vq->pending = xcalloc(max_size, sizeof(*vq->pending));
    virtqueue_reset(vq);
}

void virtqueue_reset(VirtQueue *vq)
{
    if (vq->kick_bh)
        bh_cancel(vq->kick_bh);
    vq->num = vq->num_max;
    vq->desc = vq->avail = vq->used = 0;
    vq->enabled = false;
    vq->packed = false;
    vq->vector = VIRTIO_NO_VECTOR;
    vq->generation++;
    ring_state_reset(vq);
}

void virtqueue_free(VirtQueue *vq)
{
    while (vq->free_elems) {
        VirtQueueElement *e = vq->free_elems;
        vq->free_elems = e->next_free;
        free(e->heap_sg);
        free(e);
    }
    free(vq->pending);
    vq->pending = NULL;
    bh_free(vq->kick_bh);
    vq->kick_bh = NULL;
}

static void kick_bh_cb(void *opaque)
{
    VirtQueue *vq = opaque;
    if (vq_ready(vq) && vq->kick)
        vq->kick(vq->vdev, vq);
}

void vq_set_kick_loop(VirtQueue *vq, Loop *loop)
{
    bh_free(vq->kick_bh);
    vq->kick_bh = loop ? bh_new(loop, kick_bh_cb, vq) : NULL;
}

void virtqueue_kick(VirtQueue *vq)
{
    if (vq->kick_bh)
        bh_schedule(vq->kick_bh);
    else if (vq->kick)
        vq->kick(vq->vdev, vq);
}

unsigned virtio_queue_index(const VirtQueue *vq) { return vq->index; }
VirtIODevice *virtio_queue_device(const VirtQueue *vq) { return vq->vdev; }
unsigned virtio_queue_size(const VirtQueue *vq) { return vq->enabled ? vq->num : 0; }
unsigned virtio_queue_max_size(const VirtQueue *vq) { return vq->num_max; }
bool virtio_queue_enabled(const VirtQueue *vq) { return vq->enabled; }
uint16_t virtio_queue_vector(const VirtQueue *vq) { return vq->vector; }
void virtio_queue_set_vector(VirtQueue *vq, uint16_t vector) { vq->vector = vector; }
uint64_t vq_kick_count(const VirtQueue *vq) { return vq->kicks; }
uint64_t vq_notify_count(const VirtQueue *vq) { return vq->notifies; }

bool vq_ready(const VirtQueue *vq)
{
    return vq->enabled && !vq->vdev->dma_disabled && virtio_device_live(vq->vdev);
}

/* The rings may be written (used entries, events): enabled, not broken. */
static bool vq_writable(const VirtQueue *vq)
{
    return vq->enabled && !vq->vdev->broken && !vq->vdev->dma_disabled;
}

static bool packed_negotiated(const VirtIODevice *vdev)
{
    return !vdev->legacy && vdev->features_ok && virtio_has_feature(vdev, VIRTIO_F_RING_PACKED);
}

static bool config_refused(VirtQueue *vq, const char *what)
{
    if (!vq->enabled)
        return false;
    qlog(LOG_GUEST_ERROR, "%s: queue %u: %s written while the queue is enabled; ignored\n",
         vq->vdev->name, vq->index, what);
    return true;
}

bool virtio_queue_set_size(VirtQueue *vq, unsigned num)
{
    if (config_refused(vq, "size"))
        return false;
    bool pow2_needed = !packed_negotiated(vq->vdev);
    if (num == 0 || num > vq->num_max || (pow2_needed && !IS_POW2(num))) {
        qlog(LOG_GUEST_ERROR, "%s: queue %u: size %u refused (1..%u%s)\n", vq->vdev->name,
             vq->index, num, vq->num_max, pow2_needed ? ", a power of two" : "");
        return false;
    }
    vq->num = num;
    return true;
}

void virtio_queue_set_addrs(VirtQueue *vq, hwaddr desc, hwaddr driver, hwaddr device)
{
    if (config_refused(vq, "ring address"))
        return;
    vq->desc = desc;
    vq->avail = driver;
    vq->used = device;
}

void virtio_queue_get_addrs(const VirtQueue *vq, hwaddr *desc, hwaddr *driver, hwaddr *device)
{
    *desc = vq->desc;
    *driver = vq->avail;
    *device = vq->used;
}

void virtio_queue_set_legacy_addr(VirtQueue *vq, hwaddr desc, unsigned align)
{
    if (config_refused(vq, "ring address"))
        return;
    /* §2.7.2: descriptors, the available ring, padding to align, the used
     * ring. */
    vq->desc = desc;
    vq->avail = desc + 16 * (hwaddr)vq->num;
    vq->used = ALIGN_UP(vq->avail + 6 + 2 * (hwaddr)vq->num, (hwaddr)align);
}

static bool area_ok(VirtQueue *vq, const char *what, hwaddr addr, uint64_t size,
                    unsigned align, bool write)
{
    if (addr & (align - 1)) {
        virtio_error(vq->vdev, "queue %u: %s at 0x%" PRIx64 " is not %u-byte aligned (§2.7.1)",
                     vq->index, what, addr, align);
        return false;
    }
    if (!dma_map(vq->vdev->dma_as, addr, size, write)) {
        virtio_error(vq->vdev, "queue %u: %s at 0x%" PRIx64 " (%" PRIu64 " bytes) is not in "
                     "guest %sRAM", vq->index, what, addr, size, write ? "writable " : "");
        return false;
    }
    return true;
}

void virtio_queue_enable(VirtQueue *vq, bool enable)
{
    VirtIODevice *vdev = vq->vdev;
    if (!enable) {
        vq->enabled = false;
        return;
    }
    if (vq->enabled)
        return;
    if (!vdev->legacy && !vdev->features_ok) {
        qlog(LOG_GUEST_ERROR, "%s: queue %u enabled before FEATURES_OK (§3.1.1); refused\n",
             vdev->name, vq->index);
        return;
    }
    bool packed = packed_negotiated(vdev);
    if (vq->num == 0 || vq->num > vq->num_max || (!packed && !IS_POW2(vq->num))) {
        virtio_error(vdev, "queue %u: size %u is not valid (1..%u%s)", vq->index, vq->num,
                     vq->num_max, packed ? "" : ", a power of two");
        return;
    }
    uint64_t n = vq->num;
    if (packed) {
        if (!area_ok(vq, "descriptor ring", vq->desc, 16 * n, 16, true) ||
            !area_ok(vq, "driver event suppression", vq->avail, 4, 4, false) ||
            !area_ok(vq, "device event suppression", vq->used, 4, 4, true))
            return;
    } else {
        if (!area_ok(vq, "descriptor table", vq->desc, 16 * n, 16, false) ||
            !area_ok(vq, "available ring", vq->avail, 6 + 2 * n, 2, false) ||
            !area_ok(vq, "used ring", vq->used, 6 + 8 * n, 4, true))
            return;
    }
    ring_state_reset(vq);
    vq->packed = packed;
    vq->enabled = true;
}

/* ---- elements ------------------------------------------------------------------------ */

static VirtQueueElement *elem_get(VirtQueue *vq)
{
    VirtQueueElement *e = vq->free_elems;
    if (e)
        vq->free_elems = e->next_free;
    else
        e = xmalloc(sizeof(*e));
    e->index = 0;
    e->out_num = e->in_num = 0;
    e->out_len = e->in_len = 0;
    e->out_sg = e->in_sg = NULL;
    e->ndescs = 0;
    e->generation = vq->generation;
    e->vq = vq;
    e->next_free = NULL;
    e->heap_sg = NULL;
    return e;
}

static void elem_put(VirtQueueElement *e)
{
    VirtQueue *vq = e->vq;
    free(e->heap_sg);
    e->heap_sg = NULL;
    e->out_sg = e->in_sg = NULL;
    e->next_free = vq->free_elems;
    vq->free_elems = e;
}

/* The element's descriptors go back to the driver (or stay with it). */
static void release_descs(VirtQueue *vq, const VirtQueueElement *e)
{
    vq->descs_inflight = e->ndescs > vq->descs_inflight ? 0 : vq->descs_inflight - e->ndescs;
}

static bool elem_current(VirtQueue *vq, VirtQueueElement *e, const char *op)
{
    if (e->vq == vq && e->generation == vq->generation)
        return true;
    qlog(LOG_GUEST_ERROR, "%s: queue %u: %s of an element popped before a reset; dropped\n",
         vq->vdev->name, vq->index, op);
    return false;
}

size_t vq_elem_read(const VirtQueueElement *elem, size_t offset, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t done = 0;
    for (unsigned i = 0; i < elem->out_num && done < len; i++) {
        const struct iovec *v = &elem->out_sg[i];
        if (offset >= v->iov_len) {
            offset -= v->iov_len;
            continue;
        }
        size_t n = MIN(v->iov_len - offset, len - done);
        memcpy(out + done, (uint8_t *)v->iov_base + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t vq_elem_write(const VirtQueueElement *elem, size_t offset, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    size_t done = 0;
    for (unsigned i = 0; i < elem->in_num && done < len; i++) {
        const struct iovec *v = &elem->in_sg[i];
        if (offset >= v->iov_len) {
            offset -= v->iov_len;
            continue;
        }
        size_t n = MIN(v->iov_len - offset, len - done);
        memcpy((uint8_t *)v->iov_base + offset, in + done, n);
        done += n;
        offset = 0;
    }
    return done;
}

/* ---- walking a descriptor chain ----------------------------------------------------- */

typedef struct Walk {
    VirtQueue *vq;
    VirtQueueElement *elem;     /* NULL: only count the bytes */
    unsigned head;
    struct iovec *sg;
    unsigned nsg, nout, cap;
    uint64_t in, out;           /* bytes, device-writable / device-readable */
    bool seen_write;
    unsigned budget;            /* ring descriptors not held by the device */
    unsigned ndirect;           /* ring descriptors this chain took */
} Walk;

static void walk_init(Walk *w, VirtQueue *vq, VirtQueueElement *e, unsigned head,
                      unsigned budget)
{
    *w = (Walk){.vq = vq, .elem = e, .head = head, .budget = budget};
    if (e) {
        w->sg = e->inline_sg;
        w->cap = VQ_ELEM_INLINE_SG;
    }
}

static bool walk_fail(Walk *w, const char *fmt, ...) PRINTF_FMT(2, 3);
static bool walk_fail(Walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    virtio_error(w->vq->vdev, "queue %u, buffer at descriptor %u: %s", w->vq->index, w->head,
                 msg);
    free(msg);
    return false;
}

static bool walk_grow(Walk *w)
{
    if (w->cap >= VIRTQUEUE_MAX_SG)
        return false;
    unsigned cap = MIN(w->cap * 2, (unsigned)VIRTQUEUE_MAX_SG);
    if (w->sg == w->elem->inline_sg) {
        struct iovec *h = xmalloc(cap * sizeof(*h));
        memcpy(h, w->sg, w->nsg * sizeof(*h));
        w->sg = h;
    } else {
        w->sg = xrealloc(w->sg, cap * sizeof(*w->sg));
    }
    w->elem->heap_sg = w->sg;
    w->cap = cap;
    return true;
}

/* One buffer of the chain: checked, counted, and mapped (segments split at
 * RAM range boundaries). */
static bool walk_add(Walk *w, uint64_t addr, uint32_t len, bool write)
{
    if (!write && w->seen_write)
        return walk_fail(w, "a device-readable descriptor follows a device-writable one "
                         "(§2.7.4.2)");
    w->seen_write |= write;
    if (w->in + w->out + len > (1ULL << 32))
        return walk_fail(w, "the chain is longer than 4 GiB (§2.7.5.2)");
    if (write)
        w->in += len;
    else
        w->out += len;
    if (!w->elem || !len)
        return true;
    if (addr + len < addr)
        return walk_fail(w, "a buffer at 0x%" PRIx64 " wraps around the address space", addr);
    AddressSpace *as = w->vq->vdev->dma_as;
    hwaddr a = addr;
    uint64_t left = len;
    while (left) {
        const FlatRange *r = as_lookup(as, a);
        if (!r || !r->host || (write && r->readonly))
            return walk_fail(w, "the %s buffer at 0x%" PRIx64 " (%u bytes) is not in guest %sRAM",
                             write ? "device-writable" : "device-readable", addr, len,
                             write ? "writable " : "");
        uint64_t off = a - r->start;
        uint64_t n = MIN(left, r->size - off);
        if (w->nsg == w->cap && !walk_grow(w))
            return walk_fail(w, "more than %u segments", VIRTQUEUE_MAX_SG);
        w->sg[w->nsg++] = (struct iovec){.iov_base = r->host + off, .iov_len = (size_t)n};
        if (!write)
            w->nout++;
        a += n;
        left -= n;
    }
    return true;
}

static void walk_finish(Walk *w)
{
    VirtQueueElement *e = w->elem;
    e->out_sg = w->sg;
    e->out_num = w->nout;
    e->in_sg = w->sg + w->nout;
    e->in_num = w->nsg - w->nout;
    e->out_len = (size_t)w->out;
    e->in_len = (size_t)w->in;
}

typedef struct RawDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;      /* split: next; packed: buffer id */
} RawDesc;

static bool read_desc(VirtQueue *vq, hwaddr at, RawDesc *d)
{
    uint8_t raw[16];
    if (dma_read(vq->vdev->dma_as, at, raw, sizeof(raw)) < 0)
        return false;
    d->addr = ld64(raw);
    d->len = virtio_ldl(raw + 8);
    /* split: flags then next; packed: id then flags */
    if (vq->packed) {
        d->next = virtio_lduw(raw + 12);
        d->flags = virtio_lduw(raw + 14);
    } else {
        d->flags = virtio_lduw(raw + 12);
        d->next = virtio_lduw(raw + 14);
    }
    return true;
}

/* The indirect descriptor d's table: checks shared by both ring formats. */
static bool indirect_ok(Walk *w, const RawDesc *d)
{
    if (!virtio_has_feature(w->vq->vdev, VIRTIO_F_INDIRECT_DESC))
        return walk_fail(w, "VRING_DESC_F_INDIRECT without VIRTIO_F_INDIRECT_DESC (§2.7.5.3.1)");
    if (d->flags & VRING_DESC_F_NEXT)
        return walk_fail(w, "a descriptor has both INDIRECT and NEXT (§2.7.5.3.1)");
    if (d->len == 0 || d->len % 16)
        return walk_fail(w, "the indirect table length %u is not a non-zero multiple of 16",
                         d->len);
    if (d->len / 16 > VIRTQUEUE_MAX_SG)
        return walk_fail(w, "the indirect table has %u descriptors (at most %u)", d->len / 16,
                         VIRTQUEUE_MAX_SG);
    if (d->addr + d->len < d->addr)
        return walk_fail(w, "the indirect table at 0x%" PRIx64 " wraps around the address space",
                         d->addr);
    return true;
}

/* Split ring: the chain from head (§2.7.5), maybe ending in one indirect
 * table (§2.7.5.3.2: zero or more direct descriptors, then one indirect). */
static bool split_walk(Walk *w, unsigned head)
{
    VirtQueue *vq = w->vq;
    hwaddr table = vq->desc;
    unsigned size = vq->num, i = head, seen = 0;
    bool indirect = false;
    for (;;) {
        RawDesc d;
        hwaddr at = table + 16 * (hwaddr)i;
        if (!read_desc(vq, at, &d))
            return walk_fail(w, "descriptor %u of the %s at 0x%" PRIx64 " is not in guest RAM", i,
                             indirect ? "indirect table" : "descriptor table", at);
        if (++seen > size)
            return walk_fail(w, indirect ? "the indirect table's chain loops (more than %u "
                                           "descriptors)"
                                         : "the chain loops or is longer than the queue size (%u)",
                             size);
        if (!indirect && ++w->ndirect > w->budget)
            return walk_fail(w, "more descriptors in flight than the queue size (%u): the "
                             "driver exposed descriptors the device holds", vq->num);
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (indirect)
                return walk_fail(w, "an indirect table names another (§2.7.5.3.1)");
            if (!indirect_ok(w, &d))
                return false;
            /* §2.7.5.3.2: the WRITE flag of the descriptor naming the table is
             * ignored. */
            table = d.addr;
            size = d.len / 16;
            i = 0;
            seen = 0;
            indirect = true;
            continue;
        }
        if (!walk_add(w, d.addr, d.len, d.flags & VRING_DESC_F_WRITE))
            return false;
        if (!(d.flags & VRING_DESC_F_NEXT))
            return true;
        if (d.next >= size)
            return walk_fail(w, "next index %u is outside the %s (%u entries)", d.next,
                             indirect ? "indirect table" : "descriptor table", size);
        i = d.next;
    }
}

/* Packed ring: the list starting at ring position *pos (§2.8.6, §2.8.7).
 * first_flags were loaded with acquire ordering; the rest of the list was
 * written before them (§2.8.6). Advances pos and wrap past the list. */
static bool packed_walk(Walk *w, unsigned *pos, bool *wrap, uint16_t first_flags,
                        uint16_t *id, unsigned *ndescs)
{
    VirtQueue *vq = w->vq;
    unsigned count = 0;
    for (;;) {
        RawDesc d;
        hwaddr at = PDESC(vq, *pos);
        if (!read_desc(vq, at, &d))
            return walk_fail(w, "descriptor %u at 0x%" PRIx64 " is not in guest RAM", *pos, at);
        if (count == 0)
            d.flags = first_flags;
        if (++count > vq->num)
            return walk_fail(w, "the descriptor list is longer than the queue size (%u)",
                             vq->num);
        if (++w->ndirect > w->budget)
            return walk_fail(w, "more descriptors in flight than the queue size (%u): the "
                             "driver made available descriptors the device holds", vq->num);
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (count != 1)
                return walk_fail(w, "an indirect descriptor inside a descriptor list (§2.8.5)");
            if (!indirect_ok(w, &d))
                return false;
            /* §2.8.7: table entries follow each other; only WRITE counts. */
            for (unsigned k = 0; k < d.len / 16; k++) {
                RawDesc t;
                hwaddr ta = d.addr + 16 * (hwaddr)k;
                if (!read_desc(vq, ta, &t))
                    return walk_fail(w, "indirect descriptor %u at 0x%" PRIx64 " is not in guest "
                                     "RAM", k, ta);
                if (!walk_add(w, t.addr, t.len, t.flags & VRING_DESC_F_WRITE))
                    return false;
            }
        } else if (!walk_add(w, d.addr, d.len, d.flags & VRING_DESC_F_WRITE)) {
            return false;
        }
        *id = d.next;       /* the buffer ID is in the list's last descriptor */
        if (++*pos == vq->num) {
            *pos = 0;
            *wrap = !*wrap;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            *ndescs = count;
            return true;
        }
    }
}

/* ---- availability ---------------------------------------------------------------- */

/* Split: is there an entry to pop? Reads avail->idx (acquire: the ring
 * entries and descriptors it exposes are read after it) and checks it. */
static bool split_pending(VirtQueue *vq)
{
    if (vq->last_avail_idx != vq->shadow_avail_idx)
        return true;
    uint16_t idx;
    if (!load16(vq, AVAIL_IDX(vq), &idx, "available ring"))
        return false;
    if ((uint16_t)(idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vq->vdev, "queue %u: the available index moved from %u to %u, more than "
                     "the queue size (%u)", vq->index, vq->last_avail_idx, idx, vq->num);
        return false;
    }
    vq->shadow_avail_idx = idx;
    return idx != vq->last_avail_idx;
}

/* Packed: is the descriptor at pos available in lap wrap (§2.8.1)? */
static bool packed_avail_at(VirtQueue *vq, unsigned pos, bool wrap, uint16_t *flags)
{
    uint16_t f;
    if (!load16(vq, PDESC_FLAGS(vq, pos), &f, "descriptor ring"))
        return false;
    if (flags)
        *flags = f;
    bool avail = f & VRING_PACKED_DESC_F_AVAIL, used = f & VRING_PACKED_DESC_F_USED;
    return avail == wrap && used != wrap;
}

bool vq_empty(VirtQueue *vq)
{
    if (!vq_ready(vq))
        return true;
    if (vq->packed)
        return !packed_avail_at(vq, vq->last_avail_idx, vq->last_avail_wrap, NULL);
    return !split_pending(vq);
}

/* ---- device-side notification suppression (kicks) ------------------------------------ */

static void packed_write_device_event(VirtQueue *vq, uint16_t flags, unsigned pos, bool wrap)
{
    if (flags == VRING_PACKED_EVENT_DESC &&
        !store16(vq, vq->used, (uint16_t)(pos | (unsigned)wrap << 15), "device event area"))
        return;
    store16(vq, vq->used + 2, flags, "device event area");
}

/* Keeps the kick event at the next entry to pop while kicks are wanted. */
static void update_avail_event(VirtQueue *vq)
{
    if (!vq->notification || !virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX))
        return;
    if (vq->packed)
        packed_write_device_event(vq, VRING_PACKED_EVENT_DESC, vq->last_avail_idx,
                                  vq->last_avail_wrap);
    else
        store16(vq, AVAIL_EVENT(vq), vq->last_avail_idx, "used ring");
}

void vq_set_notification(VirtQueue *vq, bool enable)
{
    vq->notification = enable;
    if (!vq_writable(vq))
        return;
    bool event_idx = virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX);
    if (vq->packed) {
        if (!enable) {
            packed_write_device_event(vq, VRING_PACKED_EVENT_DISABLE, 0, false);
        } else {
            /* A descriptor event names the next position the driver will
             * make available. With buffers still pending past the last one
             * popped (a device that waits for more than is there) that
             * position is not known without a walk: ask for every kick. */
            bool pending = event_idx &&
                           packed_avail_at(vq, vq->last_avail_idx, vq->last_avail_wrap, NULL);
            packed_write_device_event(vq, event_idx && !pending ? VRING_PACKED_EVENT_DESC
                                                                : VRING_PACKED_EVENT_ENABLE,
                                      vq->last_avail_idx, vq->last_avail_wrap);
        }
    } else if (event_idx) {
        /* §2.7.10: the driver kicks when it writes entry avail_event.
         * Enabled: the entry after the last one the driver has written, so
         * the next buffer it adds kicks even when the device left some
         * unpopped (it waits for more than is there). Disabled: the one
         * just behind the next to pop, which the driver has already
         * written, so no kick comes until it has written 65535 more (the
         * device is polling meanwhile). */
        uint16_t at = (uint16_t)(vq->last_avail_idx - 1);
        if (enable) {
            uint16_t idx;
            at = vq->last_avail_idx;
            if (load16(vq, AVAIL_IDX(vq), &idx, "available ring") &&
                (uint16_t)(idx - vq->last_avail_idx) <= vq->num)
                at = idx;
        }
        store16(vq, AVAIL_EVENT(vq), at, "used ring");
    } else {
        store16(vq, USED_FLAGS(vq), enable ? 0 : VRING_USED_F_NO_NOTIFY, "used ring");
    }
    /* The caller re-checks vq_empty() after enabling: that load must not
     * pass the store above. */
    if (enable)
        full_barrier();
}

/* ---- pop ----------------------------------------------------------------------- */

static bool too_many_in_flight(VirtQueue *vq)
{
    if (vq->inuse < vq->num)
        return false;
    virtio_error(vq->vdev, "queue %u: more buffers in flight than the queue size (%u)",
                 vq->index, vq->num);
    return true;
}

static VirtQueueElement *split_pop(VirtQueue *vq)
{
    if (!split_pending(vq) || too_many_in_flight(vq))
        return NULL;
    uint16_t head;
    hwaddr at = AVAIL_RING(vq, vq->last_avail_idx % vq->num);
    uint8_t raw[2];
    if (dma_read(vq->vdev->dma_as, at, raw, 2) < 0) {
        ring_fault(vq, "available ring", at);
        return NULL;
    }
    head = virtio_lduw(raw);
    vq->last_avail_idx++;
    update_avail_event(vq);
    if (head >= vq->num) {
        virtio_error(vq->vdev, "queue %u: available ring entry %u names descriptor %u; the "
                     "table has %u", vq->index, (uint16_t)(vq->last_avail_idx - 1), head, vq->num);
        return NULL;
    }
    VirtQueueElement *e = elem_get(vq);
    Walk w;
    walk_init(&w, vq, e, head, vq->num - vq->descs_inflight);
    if (!split_walk(&w, head)) {
        elem_put(e);
        return NULL;
    }
    walk_finish(&w);
    e->index = head;
    e->ndescs = w.ndirect;
    vq->inuse++;
    vq->descs_inflight += w.ndirect;
    return e;
}

static VirtQueueElement *packed_pop(VirtQueue *vq)
{
    uint16_t flags;
    if (!packed_avail_at(vq, vq->last_avail_idx, vq->last_avail_wrap, &flags) ||
        too_many_in_flight(vq))
        return NULL;
    VirtQueueElement *e = elem_get(vq);
    Walk w;
    walk_init(&w, vq, e, vq->last_avail_idx, vq->num - vq->descs_inflight);
    unsigned pos = vq->last_avail_idx, ndescs = 0;
    bool wrap = vq->last_avail_wrap;
    uint16_t id = 0;
    if (!packed_walk(&w, &pos, &wrap, flags, &id, &ndescs)) {
        elem_put(e);
        return NULL;
    }
    walk_finish(&w);
    e->index = id;
    e->ndescs = ndescs;
    vq->last_avail_idx = (uint16_t)pos;
    vq->last_avail_wrap = wrap;
    update_avail_event(vq);
    vq->inuse++;
    vq->descs_inflight += ndescs;
    return e;
}

VirtQueueElement *vq_pop(VirtQueue *vq)
{
    if (!vq_ready(vq))
        return NULL;
    return vq->packed ? packed_pop(vq) : split_pop(vq);
}

void vq_unpop(VirtQueue *vq, VirtQueueElement *elem)
{
    if (!elem_current(vq, elem, "unpop")) {
        elem_put(elem);
        return;
    }
    if (vq->packed) {
        unsigned n = elem->ndescs;
        if (vq->last_avail_idx < n) {
            vq->last_avail_idx = (uint16_t)(vq->last_avail_idx + vq->num);
            vq->last_avail_wrap = !vq->last_avail_wrap;
        }
        vq->last_avail_idx = (uint16_t)(vq->last_avail_idx - n);
    } else {
        vq->last_avail_idx--;
    }
    if (vq->inuse)
        vq->inuse--;
    release_descs(vq, elem);
    elem_put(elem);
}

void vq_elem_free(VirtQueueElement *elem)
{
    VirtQueue *vq = elem->vq;
    if (elem->generation == vq->generation) {
        if (vq->inuse)
            vq->inuse--;
        release_descs(vq, elem);
    }
    elem_put(elem);
}

/* ---- push ---------------------------------------------------------------------- */

/* Device writes into the buffers went straight to host memory: tell
 * code-page tracking about the bytes the device says it wrote. */
static void report_written(VirtQueue *vq, const VirtQueueElement *e, uint32_t len)
{
    for (unsigned i = 0; i < e->in_num && len; i++) {
        size_t n = MIN((size_t)len, e->in_sg[i].iov_len);
        dma_unmap(vq->vdev->dma_as, e->in_sg[i].iov_base, n, true);
        len -= (uint32_t)n;
    }
}

void vq_fill(VirtQueue *vq, VirtQueueElement *elem, uint32_t len, unsigned i)
{
    if (!elem_current(vq, elem, "push")) {
        elem_put(elem);
        return;
    }
    if (len > elem->in_len) {
        qlog(LOG_GUEST_ERROR, "%s: queue %u: the device reported %u bytes written into a "
             "%zu-byte buffer; clamped\n", vq->vdev->name, vq->index, len, elem->in_len);
        len = (uint32_t)elem->in_len;
    }
    report_written(vq, elem, len);
    release_descs(vq, elem);
    if (vq_writable(vq) && i < vq->num) {
        if (vq->packed) {
            vq->pending[i] = (VirtQueueUsed){(uint16_t)elem->index, (uint16_t)elem->ndescs, len};
        } else {
            /* §2.7.8.2: the entry (and its len) before the index. */
            uint8_t raw[8];
            virtio_stl(raw, elem->index);
            virtio_stl(raw + 4, len);
            hwaddr at = USED_RING(vq, (uint16_t)(vq->used_idx + i) % vq->num);
            if (dma_write(vq->vdev->dma_as, at, raw, sizeof(raw)) < 0)
                ring_fault(vq, "used ring", at);
        }
    }
    elem_put(elem);
}

static void packed_write_used(VirtQueue *vq, unsigned pos, bool wrap, const VirtQueueUsed *u,
                              bool flags_too)
{
    uint8_t raw[6];
    virtio_stl(raw, u->len);
    virtio_stw(raw + 4, u->id);
    if (dma_write(vq->vdev->dma_as, PDESC(vq, pos) + 8, raw, sizeof(raw)) < 0) {
        ring_fault(vq, "descriptor ring", PDESC(vq, pos));
        return;
    }
    if (!flags_too)
        return;
    /* §2.8.1: a used descriptor has AVAIL and USED both equal to the
     * device's wrap counter; WRITE says whether data was written
     * (§2.8.3). Stored last, with release ordering. */
    uint16_t f = wrap ? (VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED) : 0;
    if (u->len)
        f |= VRING_DESC_F_WRITE;
    store16(vq, PDESC_FLAGS(vq, pos), f, "descriptor ring");
}

static void packed_flush(VirtQueue *vq, unsigned count)
{
    /* §2.8.9: the first element's descriptor is made used last, so the
     * driver (polling the next position) never sees half a batch. */
    unsigned pos = vq->used_idx, first_pos = pos;
    bool wrap = vq->used_wrap, first_wrap = wrap;
    uint32_t total = 0;
    for (unsigned k = 0; k < count; k++) {
        const VirtQueueUsed *u = &vq->pending[k];
        unsigned nd = u->ndescs ? u->ndescs : 1;
        if (k == 0)
            packed_write_used(vq, pos, wrap, u, false);
        else
            packed_write_used(vq, pos, wrap, u, true);
        total += nd;
        pos += nd;
        while (pos >= vq->num) {
            pos -= vq->num;
            wrap = !wrap;
        }
    }
    packed_write_used(vq, first_pos, first_wrap, &vq->pending[0], true);
    vq->used_idx = (uint16_t)pos;
    vq->used_wrap = wrap;
    vq->used_since_signal += total;
}

void vq_flush(VirtQueue *vq, unsigned count)
{
    if (!count)
        return;
    if (vq_writable(vq) && count <= vq->num) {
        if (vq->packed) {
            packed_flush(vq, count);
        } else {
            uint16_t old = vq->used_idx, new_idx = (uint16_t)(old + count);
            /* Release: the entries above are visible before the index. */
            store16(vq, USED_IDX(vq), new_idx, "used ring");
            vq->used_idx = new_idx;
            /* After 2^16 entries without a notification check, where we
             * last notified is ambiguous: notify next time. */
            if ((uint16_t)(new_idx - vq->signalled_used) < (uint16_t)(new_idx - old))
                vq->signalled_used_valid = false;
        }
    }
    vq->inuse = count > vq->inuse ? 0 : vq->inuse - count;
}

void vq_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len)
{
    vq_fill(vq, elem, len, 0);
    vq_flush(vq, 1);
}

/* ---- used buffer notifications (interrupts) ------------------------------------------- */

static bool split_should_notify(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    /* §2.7.7.2: the used index is visible before flags/used_event are read. */
    full_barrier();
    if (virtio_has_feature(vdev, VIRTIO_F_NOTIFY_ON_EMPTY) && vq->inuse == 0) {
        /* §6.3: notify when the device runs out of available buffers, even
         * if notifications are suppressed. */
        uint16_t idx;
        if (load16(vq, AVAIL_IDX(vq), &idx, "available ring") && idx == vq->last_avail_idx &&
            (!vq->signalled_used_valid || vq->signalled_used != vq->used_idx)) {
            vq->signalled_used = vq->used_idx;
            vq->signalled_used_valid = true;
            return true;
        }
    }
    uint16_t old = vq->signalled_used, new_idx = vq->used_idx;
    bool valid = vq->signalled_used_valid;
    vq->signalled_used = new_idx;
    vq->signalled_used_valid = true;
    if (!virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX)) {
        uint16_t flags;
        if (!load16(vq, AVAIL_FLAGS(vq), &flags, "available ring"))
            return false;
        return (!valid || new_idx != old) && !(flags & VRING_AVAIL_F_NO_INTERRUPT);
    }
    uint16_t event;
    if (!load16(vq, USED_EVENT(vq), &event, "available ring"))
        return false;
    return !valid || need_event(event, new_idx, old);
}

static bool packed_should_notify(VirtQueue *vq)
{
    full_barrier();
    uint16_t desc, flags;
    if (!load16(vq, vq->avail, &desc, "driver event area") ||
        !load16(vq, vq->avail + 2, &flags, "driver event area"))
        return false;
    uint32_t since = vq->used_since_signal;
    int old = vq->signalled_pos;
    bool old_wrap = vq->signalled_wrap;
    vq->used_since_signal = 0;
    vq->signalled_pos = vq->used_idx;
    vq->signalled_wrap = vq->used_wrap;
    if (!since)
        return false;
    switch (flags & 3) {
    case VRING_PACKED_EVENT_DISABLE:
        return false;
    case VRING_PACKED_EVENT_DESC:
        if (virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX) && since < vq->num) {
            /* Positions in the current lap; earlier laps count negative. */
            int n = (int)vq->num, new_pos = vq->used_idx;
            int ev = desc & 0x7fff;
            if ((bool)(desc >> 15) != vq->used_wrap)
                ev -= n;
            if (old_wrap != vq->used_wrap)
                old -= n;
            return need_event((uint16_t)ev, (uint16_t)new_pos, (uint16_t)old);
        }
        return true;
    default:
        return true;
    }
}

void vq_notify(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    if (!vq_writable(vq) || !virtio_device_live(vdev))
        return;
    if (!(vq->packed ? packed_should_notify(vq) : split_should_notify(vq)))
        return;
    vq->notifies++;
    if (vdev->tops && vdev->tops->notify_queue)
        vdev->tops->notify_queue(vdev, vq);
}

/* ---- measuring ------------------------------------------------------------------------ */

bool vq_avail_bytes(VirtQueue *vq, size_t *in_bytes, size_t *out_bytes, size_t max_in,
                    size_t max_out)
{
    uint64_t in = 0, out = 0;
    bool ok = vq_ready(vq);
    /* The pending chains share the free descriptors: walks stop there. */
    unsigned budget = vq->num - vq->descs_inflight;
    if (ok && !vq->packed) {
        if (split_pending(vq)) {
            for (uint16_t idx = vq->last_avail_idx; idx != vq->shadow_avail_idx; idx++) {
                if (in >= max_in && out >= max_out)
                    break;
                uint8_t raw[2];
                hwaddr at = AVAIL_RING(vq, idx % vq->num);
                if (dma_read(vq->vdev->dma_as, at, raw, 2) < 0) {
                    ring_fault(vq, "available ring", at);
                    ok = false;
                    break;
                }
                unsigned head = virtio_lduw(raw);
                Walk w;
                walk_init(&w, vq, NULL, head, budget);
                if (head >= vq->num) {
                    walk_fail(&w, "available ring entry names descriptor %u; the table has %u",
                              head, vq->num);
                    ok = false;
                    break;
                }
                if (!split_walk(&w, head)) {
                    ok = false;
                    break;
                }
                budget -= w.ndirect;
                in += w.in;
                out += w.out;
            }
        }
    } else if (ok) {
        unsigned pos = vq->last_avail_idx;
        bool wrap = vq->last_avail_wrap;
        uint16_t flags;
        while (budget && (in < max_in || out < max_out) &&
               packed_avail_at(vq, pos, wrap, &flags)) {
            Walk w;
            walk_init(&w, vq, NULL, pos, budget);
            uint16_t id;
            unsigned nd;
            if (!packed_walk(&w, &pos, &wrap, flags, &id, &nd)) {
                ok = false;
                break;
            }
            budget -= nd;
            in += w.in;
            out += w.out;
        }
    }
    if (in_bytes)
        *in_bytes = (size_t)MIN(in, (uint64_t)max_in);
    if (out_bytes)
        *out_bytes = (size_t)MIN(out, (uint64_t)max_out);
    return ok;
}
