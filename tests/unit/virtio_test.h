/*
 * virtio_test.h — what the virtio unit tests share: a test device
 * ("virtio-test", registered for both transports like any virtio device)
 * and a small driver written in C that lays out split and packed rings in
 * a RAM region of a test address space, the way a guest driver does
 * (§2.7.13 supplying buffers, §2.7.14 receiving them; §2.8 for packed).
 *
 * The test device: ID 63 (modern PCI 1af4:107f, transitional 1af4:103f),
 * features A (bit 0) and B (bit 1, which needs A), queue 0 "echo" (size
 * 16: copies each buffer's device-readable bytes into its device-writable
 * part and pushes it, on every kick while tdev_echo_on_kick), queue 1
 * "hold" (size 8: kicks are only counted; tests pop and push by hand), an
 * 8-byte config: u32 value (driver-writable), u32 counter (read-only), and
 * two properties: initial-value (the config value after realize) and
 * fail-realize.
 */
#ifndef FERRY_TEST_VIRTIO_TEST_H
#define FERRY_TEST_VIRTIO_TEST_H

#include "core/log.h"
#include "devices/virtio/virtio.h"

/* ---- the test device ---------------------------------------------------------- */

#define TDEV_ID     63
#define TDEV_F_A    0
#define TDEV_F_B    1

typedef struct TestVDev {
    VirtIODevice vdev;
    VirtQueue *echo, *hold;
    uint32_t value, counter;
    int kicks[2];
    int resets;
    int set_features_calls;
    uint64_t features;
    bool live;
    unsigned last_out_num, last_in_num;
    size_t last_out_len, last_in_len;
    /* properties */
    uint32_t initial_value;
    bool fail_realize;
} TestVDev;

static TestVDev *tdev;                 /* the last one realized */
static bool tdev_echo_on_kick = true;

static void tdev_echo_all(TestVDev *t)
{
    VirtQueueElement *e;
    bool any = false;
    while ((e = vq_pop(t->echo))) {
        uint8_t buf[8192];
        size_t n = vq_elem_read(e, 0, buf, MIN(e->out_len, sizeof(buf)));
        size_t w = vq_elem_write(e, 0, buf, MIN(n, e->in_len));
        t->last_out_num = e->out_num;
        t->last_in_num = e->in_num;
        t->last_out_len = e->out_len;
        t->last_in_len = e->in_len;
        vq_push(t->echo, e, (uint32_t)w);
        any = true;
    }
    if (any)
        vq_notify(t->echo);
}

static void tdev_kick_echo(VirtIODevice *vdev, VirtQueue *vq)
{
    TestVDev *t = (TestVDev *)vdev;
    t->kicks[0]++;
    if (tdev_echo_on_kick)
        tdev_echo_all(t);
}

static void tdev_kick_hold(VirtIODevice *vdev, VirtQueue *vq)
{
    ((TestVDev *)vdev)->kicks[1]++;
}

static int tdev_realize(VirtIODevice *vdev, Error **errp)
{
    TestVDev *t = (TestVDev *)vdev;
    if (t->fail_realize) {
        error_setg(errp, "%s: told to fail", vdev->name);
        return -1;
    }
    t->value = t->initial_value;
    t->echo = virtio_add_queue(vdev, 16, tdev_kick_echo);
    t->hold = virtio_add_queue(vdev, 8, tdev_kick_hold);
    virtio_init_config(vdev, 8);
    tdev = t;
    return 0;
}

static uint64_t tdev_get_features(VirtIODevice *vdev)
{
    return VIRTIO_BIT(TDEV_F_A) | VIRTIO_BIT(TDEV_F_B);
}

static bool tdev_validate(VirtIODevice *vdev, uint64_t f)
{
    return !(f & VIRTIO_BIT(TDEV_F_B)) || (f & VIRTIO_BIT(TDEV_F_A));
}

static void tdev_set_features(VirtIODevice *vdev, uint64_t f)
{
    TestVDev *t = (TestVDev *)vdev;
    t->features = f;
    t->set_features_calls++;
}

static void tdev_get_config(VirtIODevice *vdev, uint8_t *c)
{
    TestVDev *t = (TestVDev *)vdev;
    virtio_stl(c, t->value);
    virtio_stl(c + 4, t->counter);
}

static void tdev_set_config(VirtIODevice *vdev, const uint8_t *c)
{
    ((TestVDev *)vdev)->value = virtio_ldl(c);
}

static void tdev_set_status(VirtIODevice *vdev, uint8_t status)
{
    ((TestVDev *)vdev)->live = virtio_device_live(vdev);
}

static void tdev_reset(VirtIODevice *vdev)
{
    ((TestVDev *)vdev)->resets++;
}

static const Property tdev_props[] = {
    {.name = "initial-value", .type = PROP_U32, .offset = offsetof(TestVDev, initial_value),
     .def = "0", .desc = "config value after realize"},
    {.name = "fail-realize", .type = PROP_BOOL, .offset = offsetof(TestVDev, fail_realize),
     .def = "off"},
    {0},
};

VIRTIO_DEVICE_TYPE(virtio_test_info,
    .name = "virtio-test",
    .desc = "virtio device for the unit tests",
    .device_id = TDEV_ID,
    .pci_class = 0x00ff,
    .pci_legacy_id = 0x103f,
    .state_size = sizeof(TestVDev),
    .props = tdev_props,
    .realize = tdev_realize,
    .get_features = tdev_get_features,
    .validate_features = tdev_validate,
    .set_features = tdev_set_features,
    .get_config = tdev_get_config,
    .set_config = tdev_set_config,
    .set_status = tdev_set_status,
    .reset = tdev_reset)

/* ---- guest memory ----------------------------------------------------------------- */

static AddressSpace *tg_as;     /* the guest's memory, set by the fixture */

static inline void gw(hwaddr a, const void *p, size_t n)
{
    assert_int_equal(as_rw(tg_as, a, (void *)p, n, true), MEMTX_OK);
}
static inline void gr(hwaddr a, void *p, size_t n)
{
    assert_int_equal(as_rw(tg_as, a, p, n, false), MEMTX_OK);
}
static inline void gw16(hwaddr a, uint16_t v) { uint8_t b[2]; virtio_stw(b, v); gw(a, b, 2); }
static inline void gw32(hwaddr a, uint32_t v) { uint8_t b[4]; virtio_stl(b, v); gw(a, b, 4); }
static inline void gw64(hwaddr a, uint64_t v) { gw32(a, (uint32_t)v); gw32(a + 4, (uint32_t)(v >> 32)); }
static inline uint16_t gr16(hwaddr a) { uint8_t b[2]; gr(a, b, 2); return virtio_lduw(b); }
static inline uint32_t gr32(hwaddr a) { uint8_t b[4]; gr(a, b, 4); return virtio_ldl(b); }

/* ---- a split-ring driver (§2.7) ------------------------------------------------------- */

typedef struct TSeg {
    hwaddr addr;
    uint32_t len;
    bool write;
    bool indirect;          /* addr/len name an indirect table */
} TSeg;

typedef struct TVq {
    unsigned index, num;
    hwaddr desc, avail, used;
    uint16_t avail_idx;         /* next available entry */
    uint16_t last_used;         /* next used entry to read */
    unsigned next_desc;         /* descriptors are handed out round-robin */
    bool event_idx;
    bool packed;
    /* packed */
    bool avail_wrap, used_wrap;
    uint16_t next_avail, next_used;
    uint16_t last_kick_pos;
} TVq;

/* Rings at base: descriptors, then the available ring, the used ring at
 * the next 4 KiB. */
static inline void tvq_init(TVq *q, unsigned index, unsigned num, hwaddr base, bool event_idx)
{
    memset(q, 0, sizeof(*q));
    q->index = index;
    q->num = num;
    q->desc = base;
    q->avail = base + 16 * num;
    q->used = ALIGN_UP(q->avail + 6 + 2 * num, 4096);
    q->event_idx = event_idx;
    uint8_t zero[4096] = {0};
    for (hwaddr a = base; a < q->used + 6 + 8 * num; a += sizeof(zero))
        gw(a, zero, sizeof(zero));
}

static inline void tdesc(hwaddr table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                  uint16_t next)
{
    hwaddr d = table + 16 * (hwaddr)i;
    gw64(d, addr);
    gw32(d + 8, len);
    gw16(d + 12, flags);
    gw16(d + 14, next);
}

/* Makes head available: the entry, then (a barrier in a real driver) the index. */
static inline void tvq_expose(TVq *q, unsigned head)
{
    gw16(q->avail + 4 + 2 * (q->avail_idx % q->num), (uint16_t)head);
    q->avail_idx++;
    gw16(q->avail + 2, q->avail_idx);
}

/* A chain of n descriptors; returns its head. */
static inline unsigned tvq_add(TVq *q, const TSeg *s, int n)
{
    unsigned head = q->next_desc % q->num;
    for (int i = 0; i < n; i++) {
        unsigned d = (head + (unsigned)i) % q->num;
        uint16_t flags = (s[i].write ? VRING_DESC_F_WRITE : 0) |
                         (s[i].indirect ? VRING_DESC_F_INDIRECT : 0) |
                         (i + 1 < n ? VRING_DESC_F_NEXT : 0);
        tdesc(q->desc, d, s[i].addr, s[i].len, flags, (uint16_t)((d + 1) % q->num));
    }
    q->next_desc += (unsigned)n;
    tvq_expose(q, head);
    return head;
}

/* Should the driver notify after moving avail idx from old to new? (§2.7.10.1) */
static inline bool tvq_need_kick(TVq *q, uint16_t old_idx)
{
    uint16_t new_idx = q->avail_idx;
    if (q->event_idx) {
        uint16_t ev = gr16(q->used + 4 + 8 * q->num);
        return (uint16_t)(new_idx - ev - 1) < (uint16_t)(new_idx - old_idx);
    }
    return !(gr16(q->used) & VRING_USED_F_NO_NOTIFY);
}

/* The next used entry, or false. */
static inline bool tvq_get_used(TVq *q, uint32_t *id, uint32_t *len)
{
    if (gr16(q->used + 2) == q->last_used)
        return false;
    hwaddr e = q->used + 4 + 8 * (q->last_used % q->num);
    *id = gr32(e);
    *len = gr32(e + 4);
    q->last_used++;
    return true;
}

static inline uint16_t tvq_used_idx(TVq *q) { return gr16(q->used + 2); }
static inline void tvq_set_used_event(TVq *q, uint16_t v) { gw16(q->avail + 4 + 2 * q->num, v); }
static inline void tvq_set_avail_flags(TVq *q, uint16_t v) { gw16(q->avail, v); }

/* ---- a packed-ring driver (§2.8) ---------------------------------------------------------- */

/* Descriptor ring at base, driver event area after it, device event area
 * 4 bytes later. */
static inline void tpq_init(TVq *q, unsigned index, unsigned num, hwaddr base, bool event_idx)
{
    memset(q, 0, sizeof(*q));
    q->index = index;
    q->num = num;
    q->packed = true;
    q->desc = base;
    q->avail = base + 16 * num;         /* driver event suppression */
    q->used = q->avail + 4;             /* device event suppression */
    q->event_idx = event_idx;
    q->avail_wrap = q->used_wrap = true;
    uint8_t zero[4096] = {0};
    for (hwaddr a = base; a < q->used + 4; a += sizeof(zero))
        gw(a, zero, sizeof(zero));
}

static inline uint16_t tpq_flags(TVq *q, bool write, bool next)
{
    uint16_t f = (uint16_t)((write ? VRING_DESC_F_WRITE : 0) | (next ? VRING_DESC_F_NEXT : 0));
    if (q->avail_wrap)
        f |= VRING_PACKED_DESC_F_AVAIL;
    else
        f |= VRING_PACKED_DESC_F_USED;
    return f;
}

static inline void tpq_write(TVq *q, unsigned pos, uint64_t addr, uint32_t len, uint16_t id,
                      uint16_t flags)
{
    hwaddr d = q->desc + 16 * (hwaddr)pos;
    gw64(d, addr);
    gw32(d + 8, len);
    gw16(d + 12, id);
    gw16(d + 14, flags);
}

/* A list of n descriptors with buffer id; the first descriptor's flags are
 * written last (§2.8.6). */
static inline void tpq_add(TVq *q, const TSeg *s, int n, uint16_t id)
{
    unsigned first = q->next_avail;
    uint16_t first_flags = 0;
    for (int i = 0; i < n; i++) {
        uint16_t f = tpq_flags(q, s[i].write, i + 1 < n) |
                     (s[i].indirect ? VRING_DESC_F_INDIRECT : 0);
        if (i == 0) {
            tpq_write(q, q->next_avail, s[i].addr, s[i].len, id, 0);
            first_flags = f;
            /* keep the first unavailable: its flags go last */
            gw16(q->desc + 16 * (hwaddr)q->next_avail + 14,
                 q->avail_wrap ? VRING_PACKED_DESC_F_USED : VRING_PACKED_DESC_F_AVAIL);
        } else {
            tpq_write(q, q->next_avail, s[i].addr, s[i].len, id, f);
        }
        if (++q->next_avail == q->num) {
            q->next_avail = 0;
            q->avail_wrap = !q->avail_wrap;
        }
    }
    gw16(q->desc + 16 * (hwaddr)first + 14, first_flags);
}

/* The next used descriptor (§2.8.1: AVAIL == USED == our used wrap counter). */
static inline bool tpq_get_used(TVq *q, uint16_t *id, uint32_t *len, unsigned ndescs)
{
    hwaddr d = q->desc + 16 * (hwaddr)q->next_used;
    uint16_t f = gr16(d + 14);
    bool a = f & VRING_PACKED_DESC_F_AVAIL, u = f & VRING_PACKED_DESC_F_USED;
    if (a != u || u != q->used_wrap)
        return false;
    *id = gr16(d + 12);
    *len = gr32(d + 8);
    q->next_used = (uint16_t)(q->next_used + ndescs);
    if (q->next_used >= q->num) {
        q->next_used = (uint16_t)(q->next_used - q->num);
        q->used_wrap = !q->used_wrap;
    }
    return true;
}

#endif
