/*
 * test_virtio_mmio.c — the virtio core through the virtio-mmio transport:
 * a C driver in the test lays out rings in guest RAM and drives the
 * registers. Version 2 and legacy version 1; feature negotiation and
 * FEATURES_OK refusal; queue set-up; requests through the test device;
 * event-idx suppression both ways and the NO_INTERRUPT / NO_NOTIFY flags;
 * indirect descriptors; config space and generation; reset; the order in
 * which -device fills a bank; split and packed rings; and the hostile
 * cases, each ending in DEVICE_NEEDS_RESET with the process unharmed.
 */
#include "tests/unit/test.h"

#include "core/machine.h"
#include "devices/virtio/virtio-mmio.h"
#include "tests/unit/logcap.h"
#include "tests/unit/virtio_test.h"

#define RAM_BASE   0x40000000ull
#define RAM_SIZE   (16 * MiB)
#define MMIO_BASE  0x0a000000ull
#define RING0      (RAM_BASE + 0x10000)
#define RING1      (RAM_BASE + 0x20000)
#define TABLES     (RAM_BASE + 0x30000)
#define BUF        (RAM_BASE + 0x100000)

enum {
    R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR = 0x00c,
    R_DF = 0x010, R_DFSEL = 0x014, R_GF = 0x020, R_GFSEL = 0x024, R_PAGE_SIZE = 0x028,
    R_QSEL = 0x030, R_QNUM_MAX = 0x034, R_QNUM = 0x038, R_QALIGN = 0x03c, R_QPFN = 0x040,
    R_QREADY = 0x044, R_NOTIFY = 0x050, R_ISR = 0x060, R_ACK = 0x064, R_STATUS = 0x070,
    R_QDESC = 0x080, R_QDRIVER = 0x090, R_QDEVICE = 0x0a0, R_SHM_LEN = 0x0b0,
    R_CFGGEN = 0x0fc, R_CONFIG = 0x100,
};

static struct {
    Machine m;
    MemoryRegion *ram;
    IRQ *irq;
    int level, raises;
    VirtIOMMIO *t;
    TestVDev *d;
    bool legacy;
    hwaddr base;
} F;

static void irq_handler(void *opaque, int n, int level)
{
    if (level && !F.level)
        F.raises++;
    F.level = level;
}

/* Devices and buses stay on the global lists for the rest of the program:
 * each fixture's machine stays reachable too. */
static void *kept[512];
static int nkept;

static void keep(void *p)
{
    if (p && nkept < (int)ARRAY_SIZE(kept))
        kept[nkept++] = p;
}

static void machine_make(uint64_t ram_size)
{
    Error *err = NULL;
    keep(F.m.sysmem);
    keep(F.m.as);
    keep(F.irq);
    memset(&F, 0, sizeof(F));
    F.m.sysmem = mr_new_container("system", UINT64_MAX);
    F.m.as = as_new("memory", F.m.sysmem);
    F.ram = mr_new_ram("ram", ram_size, &err);
    assert_non_null(F.ram);
    mr_add_subregion(F.m.sysmem, RAM_BASE, F.ram, 0);
    F.irq = irq_new(irq_handler, NULL, 1);
    tg_as = F.m.as;
}

/* A machine with one transport and a virtio-test device plugged into it;
 * props: "key", "value", ..., NULL. */
static void mk_ram(bool legacy, uint64_t ram_size, const char *const *props)
{
    Error *err = NULL;
    machine_make(ram_size);
    F.legacy = legacy;
    F.base = MMIO_BASE;
    F.t = virtio_mmio_create(F.m.sysmem, MMIO_BASE, &F.irq[0], F.m.as, legacy, &err);
    assert_non_null(F.t);
    Device *dev = device_new("virtio-test-device", &err);
    assert_non_null(dev);
    for (int i = 0; props && props[i]; i += 2)
        if (device_set_prop(dev, props[i], props[i + 1], &err) < 0)
            fail_msg("%s", error_get_msg(err));
    if (device_realize(dev, virtio_mmio_bus(F.t), &err) < 0)
        fail_msg("%s", error_get_msg(err));
    F.d = tdev;
    tdev_echo_on_kick = true;
    free(logcap_take());
}

static void mk(bool legacy, const char *const *props)
{
    mk_ram(legacy, RAM_SIZE, props);
}

static uint32_t rd(unsigned off)
{
    uint64_t v = 0;
    assert_int_equal(as_read_uint(F.m.as, F.base + off, 4, &v), MEMTX_OK);
    return (uint32_t)v;
}

static void wr(unsigned off, uint32_t v)
{
    assert_int_equal(as_write_uint(F.m.as, F.base + off, 4, v), MEMTX_OK);
}

static uint64_t dev_features(void)
{
    wr(R_DFSEL, 0);
    uint64_t f = rd(R_DF);
    wr(R_DFSEL, 1);
    return f | (uint64_t)rd(R_DF) << 32;
}

static void drv_features(uint64_t f)
{
    wr(R_GFSEL, 0);
    wr(R_GF, (uint32_t)f);
    wr(R_GFSEL, 1);
    wr(R_GF, (uint32_t)(f >> 32));
}

/* §3.1.1 steps 1-6; returns whether FEATURES_OK stuck. */
static bool drv_negotiate(uint64_t f)
{
    wr(R_STATUS, 0);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    if (F.legacy) {
        wr(R_GFSEL, 0);
        wr(R_GF, (uint32_t)f);
        wr(R_PAGE_SIZE, 4096);
        return true;
    }
    drv_features(f);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return rd(R_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

static void drv_queue(TVq *q)
{
    wr(R_QSEL, q->index);
    assert_int_equal(F.legacy ? rd(R_QPFN) : rd(R_QREADY), 0);
    assert_true(rd(R_QNUM_MAX) >= q->num);
    wr(R_QNUM, q->num);
    if (F.legacy) {
        wr(R_QALIGN, 4096);
        wr(R_QPFN, (uint32_t)(q->desc / 4096));
        return;
    }
    wr(R_QDESC, (uint32_t)q->desc);
    wr(R_QDESC + 4, (uint32_t)(q->desc >> 32));
    wr(R_QDRIVER, (uint32_t)q->avail);
    wr(R_QDRIVER + 4, (uint32_t)(q->avail >> 32));
    wr(R_QDEVICE, (uint32_t)q->used);
    wr(R_QDEVICE + 4, (uint32_t)(q->used >> 32));
    wr(R_QREADY, 1);
    assert_int_equal(rd(R_QREADY), 1);
}

static void drv_ok(void)
{
    wr(R_STATUS, rd(R_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static uint64_t std_features(void)
{
    return VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
           VIRTIO_BIT(TDEV_F_A);
}

/* A live device with the echo queue set up (split ring, event_idx as asked). */
static void bring_up(TVq *q, uint64_t f)
{
    assert_true(drv_negotiate(f));
    tvq_init(q, 0, 16, RING0, f & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    drv_queue(q);
    drv_ok();
    assert_true(rd(R_STATUS) & VIRTIO_STATUS_DRIVER_OK);
}

static void kick(TVq *q)
{
    wr(R_NOTIFY, q->index);
}

static void ack_all(void)
{
    wr(R_ACK, rd(R_ISR));
}

/* The device is in NEEDS_RESET, told the driver, and logged why. */
static void assert_needs_reset(const char *why)
{
    char *log = logcap_take();
    assert_true(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    assert_true(rd(R_ISR) & VIRTIO_ISR_CONFIG);
    assert_int_equal(F.level, 1);
    assert_contains(log, why);
    assert_contains(log, "DEVICE_NEEDS_RESET");
    free(log);
}

/* ---- tests ------------------------------------------------------------------------- */

/* First in the file: no other virtio-mmio bus exists yet. */
static void test_bank_order(void **state)
{
    Error *err = NULL;
    machine_make(RAM_SIZE);
    IRQ *lines = irq_new(irq_handler, NULL, 4);
    keep(lines);
    IRQ *irqs[4] = {&lines[0], &lines[1], &lines[2], &lines[3]};
    assert_int_equal(virtio_mmio_create_bank(&F.m, F.m.sysmem, MMIO_BASE, 4, irqs, false, &err), 0);
    /* -device without bus=: the highest address first, as QEMU does on virt. */
    static const hwaddr expect[4] = {MMIO_BASE + 0x600, MMIO_BASE + 0x400, MMIO_BASE + 0x200,
                                     MMIO_BASE};
    for (int i = 0; i < 4; i++) {
        Device *dev = device_new("virtio-rng-device", &err);
        assert_int_equal(device_realize(dev, NULL, &err), 0);
        uint64_t id = 0;
        as_read_uint(F.m.as, expect[i] + R_DEVICE_ID, 4, &id);
        assert_int_equal(id, VIRTIO_ID_RNG);
        char name[32];
        snprintf(name, sizeof(name), "virtio-mmio-bus.%d", 3 - i);
        assert_string_equal(dev->bus->name, name);
    }
    Device *dev = device_new("virtio-rng-device", &err);
    assert_int_equal(device_realize(dev, NULL, &err), -1);
    assert_contains(error_get_msg(err), "virtio-bus");
    error_free(err);
    device_free(dev);
}

static void test_ids_v2(void **state)
{
    mk(false, NULL);
    assert_int_equal(rd(R_MAGIC), 0x74726976);
    assert_int_equal(rd(R_VERSION), 2);
    assert_int_equal(rd(R_DEVICE_ID), TDEV_ID);
    assert_int_equal(rd(R_VENDOR), 0x554d4551);
    uint64_t f = dev_features();
    assert_true(f & VIRTIO_BIT(VIRTIO_F_VERSION_1));
    assert_true(f & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
    assert_true(f & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    assert_true(f & VIRTIO_BIT(TDEV_F_A));
    assert_false(f & VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM));
    assert_false(f & VIRTIO_BIT(VIRTIO_F_RING_PACKED));     /* packed=off by default */
    assert_false(f & VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT));      /* legacy only */
    wr(R_QSEL, 0);
    assert_int_equal(rd(R_QNUM_MAX), 16);
    wr(R_QSEL, 1);
    assert_int_equal(rd(R_QNUM_MAX), 8);
    wr(R_QSEL, 2);
    assert_int_equal(rd(R_QNUM_MAX), 0);
    assert_int_equal(rd(R_SHM_LEN), 0xffffffff);
    /* Control registers take 32-bit accesses only. */
    uint64_t v = 1;
    as_read_uint(F.m.as, F.base + R_MAGIC, 2, &v);
    assert_int_equal(v, 0);
    assert_true(logcap_has("aligned 32-bit"));
}

static void test_empty_transport(void **state)
{
    Error *err = NULL;
    machine_make(RAM_SIZE);
    F.base = MMIO_BASE;
    F.t = virtio_mmio_create(F.m.sysmem, MMIO_BASE, &F.irq[0], F.m.as, false, &err);
    free(logcap_take());
    assert_int_equal(rd(R_MAGIC), 0x74726976);
    assert_int_equal(rd(R_DEVICE_ID), 0);
    assert_int_equal(rd(R_DF), 0);
    wr(R_STATUS, 1);
    assert_int_equal(rd(R_STATUS), 0);
}

static void test_features_refused(void **state)
{
    mk(false, NULL);
    /* An unoffered bit (5). */
    assert_false(drv_negotiate(std_features() | VIRTIO_BIT(5)));
    assert_true(logcap_has("does not offer"));
    /* B needs A: the device's own rule. */
    assert_false(drv_negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(TDEV_F_B)));
    assert_true(logcap_has("cannot accept"));
    /* VERSION_1 is required on the modern interface. */
    assert_false(drv_negotiate(VIRTIO_BIT(TDEV_F_A)));
    assert_true(logcap_has("VERSION_1"));
    /* DRIVER_OK without FEATURES_OK is refused too. */
    wr(R_STATUS, rd(R_STATUS) | VIRTIO_STATUS_DRIVER_OK);
    assert_false(rd(R_STATUS) & VIRTIO_STATUS_DRIVER_OK);
    assert_true(logcap_has("DRIVER_OK refused"));
    assert_int_equal(F.d->set_features_calls, 0);
    /* A good set; reading back shows what the driver wrote. */
    uint64_t f = std_features() | VIRTIO_BIT(TDEV_F_B);
    assert_true(drv_negotiate(f));
    assert_int_equal(F.d->features, f);
    assert_int_equal(F.d->set_features_calls, 1);
    /* Features after FEATURES_OK are ignored. */
    drv_features(std_features());
    assert_true(logcap_has("after FEATURES_OK"));
    assert_int_equal(F.d->vdev.guest_features, f);
    /* The driver may not clear bits or set NEEDS_RESET. */
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                 VIRTIO_STATUS_NEEDS_RESET);
    assert_false(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    assert_true(logcap_has("may not set"));
}

static void test_queue_setup_rules(void **state)
{
    mk(false, NULL);
    TVq q;
    tvq_init(&q, 0, 16, RING0, false);
    /* Before FEATURES_OK a queue cannot be enabled. */
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(R_QSEL, 0);
    wr(R_QDESC, (uint32_t)q.desc);
    wr(R_QREADY, 1);
    assert_int_equal(rd(R_QREADY), 0);
    assert_true(logcap_has("before FEATURES_OK"));
    assert_true(drv_negotiate(std_features()));
    /* Sizes: not above the maximum, a power of two for split rings. */
    wr(R_QSEL, 0);
    wr(R_QNUM, 12);
    assert_true(logcap_has("size 12 refused"));
    wr(R_QNUM, 32);
    assert_true(logcap_has("size 32 refused"));
    drv_queue(&q);
    /* Configuration is frozen while the queue is enabled. */
    wr(R_QDESC, 0x1000);
    assert_true(logcap_has("while the queue is enabled"));
    hwaddr d, a, u;
    virtio_queue_get_addrs(F.d->echo, &d, &a, &u);
    assert_int_equal(d, q.desc);
    /* Notifications before DRIVER_OK are not acted on. */
    tvq_add(&q, (TSeg[]){{BUF, 8, false}, {BUF + 0x100, 8, true}}, 2);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 0);
    assert_true(logcap_has("not usable now"));
    drv_ok();
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
    /* QueueReady 0 stops the queue. */
    wr(R_QREADY, 0);
    assert_int_equal(rd(R_QREADY), 0);
    tvq_add(&q, (TSeg[]){{BUF, 8, false}, {BUF + 0x100, 8, true}}, 2);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
}

static void test_echo_request(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features());
    const char msg[] = "hello, virtio";
    gw(BUF, msg, sizeof(msg));
    unsigned head = tvq_add(&q, (TSeg[]){{BUF, sizeof(msg), false}, {BUF + 0x1000, 64, true}}, 2);
    kick(&q);
    assert_int_equal(F.d->kicks[0], 1);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(id, head);
    assert_int_equal(len, sizeof(msg));
    char back[sizeof(msg)];
    gr(BUF + 0x1000, back, sizeof(back));
    assert_string_equal(back, msg);
    assert_int_equal(F.d->last_out_num, 1);
    assert_int_equal(F.d->last_in_num, 1);
    assert_int_equal(F.d->last_in_len, 64);
    /* The interrupt: InterruptStatus bit 0 and the line, until acknowledged. */
    assert_int_equal(F.level, 1);
    assert_int_equal(rd(R_ISR), VIRTIO_ISR_QUEUE);
    wr(R_ACK, VIRTIO_ISR_QUEUE);
    assert_int_equal(F.level, 0);
    assert_int_equal(rd(R_ISR), 0);
    /* Several chains in one kick. */
    for (int i = 0; i < 5; i++)
        tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x2000 + 0x100 * i, 4, true}}, 2);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 6);
    assert_int_equal(vq_kick_count(F.d->echo), 2);
    assert_int_equal(rd(R_ISR), VIRTIO_ISR_QUEUE);
    /* Many more than the ring holds, over time: indexes wrap the ring. */
    for (int i = 0; i < 100; i++) {
        tvq_add(&q, (TSeg[]){{BUF, 2, false}, {BUF + 0x3000, 2, true}}, 2);
        kick(&q);
        assert_true(tvq_get_used(&q, &id, &len) || true);
    }
    assert_int_equal(tvq_used_idx(&q), 106);
    assert_false(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_config_space(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features());
    F.d->counter = 7;
    uint32_t gen = rd(R_CFGGEN);
    assert_int_equal(rd(R_CONFIG + 4), 7);
    assert_int_equal(rd(R_CFGGEN), gen);
    /* Any width: 8 and 16 bits. */
    uint64_t v = 0;
    as_read_uint(F.m.as, F.base + R_CONFIG + 4, 1, &v);
    assert_int_equal(v, 7);
    as_write_uint(F.m.as, F.base + R_CONFIG, 2, 0xbeef);
    assert_int_equal(F.d->value, 0xbeef);
    /* Outside the 8 bytes. */
    assert_int_equal(rd(R_CONFIG + 8), 0);
    assert_true(logcap_has("outside the 8-byte"));
    /* A device-side change: a config interrupt, and the generation moves
     * once the driver reads the changed config (§4.1.4.3.1). */
    F.d->counter = 8;
    virtio_config_changed(&F.d->vdev);
    assert_int_equal(rd(R_ISR), VIRTIO_ISR_CONFIG);
    assert_int_equal(F.level, 1);
    ack_all();
    uint32_t g1 = rd(R_CFGGEN);
    assert_int_equal(rd(R_CONFIG + 4), 8);
    uint32_t g2 = rd(R_CFGGEN);
    assert_int_not_equal(g1, g2);
    assert_int_equal(rd(R_CONFIG + 4), 8);
    assert_int_equal(rd(R_CFGGEN), g2);
}

/* §2.7.7: used_event says when the driver wants an interrupt. */
static void test_event_idx_used(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features() | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    assert_true(F.d->vdev.guest_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    /* used_event 0 (the zeroed ring): after the first buffer. */
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(F.raises, 1);
    ack_all();
    /* used_event 3: entries 1 and 2 pass quietly, entry 3 interrupts. */
    tvq_set_used_event(&q, 3);
    for (int i = 1; i <= 3; i++) {
        tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
        kick(&q);
        assert_int_equal(tvq_used_idx(&q), i + 1);
        assert_int_equal(F.raises, i < 3 ? 1 : 2);
    }
    ack_all();
    /* A batch that jumps over used_event still interrupts once. */
    tvq_set_used_event(&q, 5);
    for (int i = 0; i < 4; i++)
        tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 8);
    assert_int_equal(F.raises, 3);
    assert_int_equal(vq_notify_count(F.d->echo), 3);
    /* With event_idx, the NO_INTERRUPT flag is ignored (§2.7.7.2). */
    ack_all();
    tvq_set_avail_flags(&q, VRING_AVAIL_F_NO_INTERRUPT);
    tvq_set_used_event(&q, 8);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(F.raises, 4);
}

/* §2.7.10: the device's avail_event suppresses the driver's kicks. */
static void test_event_idx_avail(void **state)
{
    mk(false, NULL);
    TVq q, h;
    assert_true(drv_negotiate(std_features() | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)));
    tvq_init(&q, 0, 16, RING0, true);
    tvq_init(&h, 1, 8, RING1, true);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    VirtQueue *vq = F.d->hold;
    int kicks = 0;
    /* Enabled (the default): the first buffer kicks. */
    uint16_t old = h.avail_idx;
    tvq_add(&h, (TSeg[]){{BUF, 4, true}}, 1);
    if (tvq_need_kick(&h, old)) {
        kick(&h);
        kicks++;
    }
    assert_int_equal(kicks, 1);
    /* The device pops with kicks enabled: avail_event follows. */
    VirtQueueElement *e = vq_pop(vq);
    assert_non_null(e);
    assert_int_equal(gr16(h.used + 4 + 8 * h.num), 1);
    vq_push(vq, e, 0);
    /* The device polls: kicks off. The driver adds three without kicking. */
    vq_set_notification(vq, false);
    for (int i = 0; i < 3; i++) {
        old = h.avail_idx;
        tvq_add(&h, (TSeg[]){{BUF, 4, true}}, 1);
        if (tvq_need_kick(&h, old)) {
            kick(&h);
            kicks++;
        }
    }
    assert_int_equal(kicks, 1);
    assert_int_equal(F.d->kicks[1], 1);
    /* It drains the queue while polling, then enables kicks and re-checks. */
    while ((e = vq_pop(vq)))
        vq_push(vq, e, 0);
    vq_set_notification(vq, true);
    assert_true(vq_empty(vq));
    assert_int_equal(gr16(h.used + 4 + 8 * h.num), h.avail_idx);
    old = h.avail_idx;
    tvq_add(&h, (TSeg[]){{BUF, 4, true}}, 1);
    if (tvq_need_kick(&h, old)) {
        kick(&h);
        kicks++;
    }
    assert_int_equal(kicks, 2);
    assert_int_equal(F.d->kicks[1], 2);
    /* A buffer exposed just before enabling is seen by the re-check. */
    vq_set_notification(vq, false);
    while ((e = vq_pop(vq)))
        vq_push(vq, e, 0);
    tvq_add(&h, (TSeg[]){{BUF, 4, true}}, 1);
    vq_set_notification(vq, true);
    assert_false(vq_empty(vq));
}

/* A device that waits for more buffers than the driver has posted (a
 * network device with a frame bigger than the buffers available) enables
 * kicks with buffers still unpopped: the next buffer the driver adds kicks. */
static void test_event_idx_wait_for_more(void **state)
{
    mk(false, NULL);
    TVq q, h;
    assert_true(drv_negotiate(std_features() | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)));
    tvq_init(&q, 0, 16, RING0, true);
    tvq_init(&h, 1, 8, RING1, true);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    VirtQueue *vq = F.d->hold;
    vq_set_notification(vq, false);
    for (int i = 0; i < 3; i++)
        tvq_add(&h, (TSeg[]){{BUF + 0x100 * (hwaddr)i, 4, true}}, 1);
    /* The device takes two, finds them too few and puts them back. */
    VirtQueueElement *a = vq_pop(vq), *b = vq_pop(vq);
    assert_non_null(a);
    assert_non_null(b);
    vq_unpop(vq, b);
    vq_unpop(vq, a);
    vq_set_notification(vq, true);
    assert_int_equal(gr16(h.used + 4 + 8 * h.num), 3);
    assert_false(vq_empty(vq));
    uint16_t old = h.avail_idx;
    tvq_add(&h, (TSeg[]){{BUF + 0x300, 4, true}}, 1);
    assert_true(tvq_need_kick(&h, old));
    /* The buffers are all still there, in order. */
    for (unsigned i = 0; i < 4; i++) {
        VirtQueueElement *e = vq_pop(vq);
        assert_non_null(e);
        assert_int_equal(e->index, i);
        vq_push(vq, e, 0);
    }
}

/* Without event_idx: NO_INTERRUPT from the driver, NO_NOTIFY from the device. */
static void test_flags_suppression(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features());
    tvq_set_avail_flags(&q, VRING_AVAIL_F_NO_INTERRUPT);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
    assert_int_equal(F.raises, 0);
    tvq_set_avail_flags(&q, 0);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(F.raises, 1);
    /* A notify with nothing new used sends nothing. */
    ack_all();
    vq_notify(F.d->echo);
    assert_int_equal(F.raises, 1);
    /* Device side. */
    vq_set_notification(F.d->echo, false);
    assert_int_equal(gr16(q.used), VRING_USED_F_NO_NOTIFY);
    uint16_t old = q.avail_idx;
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    assert_false(tvq_need_kick(&q, old));
    vq_set_notification(F.d->echo, true);
    assert_int_equal(gr16(q.used), 0);
}

static void test_indirect(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features());
    gw(BUF, "abcdefgh", 8);
    /* One descriptor naming a table of three: two readable, one writable. */
    tdesc(TABLES, 0, BUF, 3, VRING_DESC_F_NEXT, 1);
    tdesc(TABLES, 1, BUF + 3, 5, VRING_DESC_F_NEXT, 2);
    tdesc(TABLES, 2, BUF + 0x1000, 16, VRING_DESC_F_WRITE, 0);
    tdesc(q.desc, 5, TABLES, 48, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(&q, 5);
    kick(&q);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(id, 5);
    assert_int_equal(len, 8);
    char back[9] = {0};
    gr(BUF + 0x1000, back, 8);
    assert_string_equal(back, "abcdefgh");
    assert_int_equal(F.d->last_out_num, 2);
    assert_int_equal(F.d->last_in_num, 1);
    /* §2.7.5.3.2: direct descriptors, then one indirect at the end. */
    tdesc(TABLES + 0x100, 0, BUF + 0x1100, 16, VRING_DESC_F_WRITE, 0);
    tdesc(q.desc, 6, BUF, 4, VRING_DESC_F_NEXT, 7);
    tdesc(q.desc, 7, TABLES + 0x100, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0);
    tvq_expose(&q, 6);
    kick(&q);
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(id, 6);
    assert_int_equal(len, 4);
    /* A big table: more segments than an element holds inline. */
    for (unsigned i = 0; i < 100; i++)
        tdesc(TABLES + 0x1000, i, BUF + i, 1, (i < 99 ? VRING_DESC_F_NEXT : 0) |
              (i >= 50 ? VRING_DESC_F_WRITE : 0), (uint16_t)(i + 1));
    tdesc(q.desc, 8, TABLES + 0x1000, 1600, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(&q, 8);
    kick(&q);
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(F.d->last_out_num, 50);
    assert_int_equal(F.d->last_in_num, 50);
    assert_int_equal(len, 50);
    assert_false(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_buffer_across_ram_blocks(void **state)
{
    mk(false, NULL);
    Error *err = NULL;
    /* A second RAM block right after the first. */
    MemoryRegion *ram2 = mr_new_ram("ram2", 1 * MiB, &err);
    mr_add_subregion(F.m.sysmem, RAM_BASE + RAM_SIZE, ram2, 0);
    TVq q;
    bring_up(&q, std_features());
    hwaddr src = RAM_BASE + RAM_SIZE - 4;
    gw(src, "01234567", 8);
    tvq_add(&q, (TSeg[]){{src, 8, false}, {BUF, 8, true}}, 2);
    kick(&q);
    assert_int_equal(F.d->last_out_num, 2);    /* split at the boundary */
    char back[9] = {0};
    gr(BUF, back, 8);
    assert_string_equal(back, "01234567");
}

static void test_avail_bytes_and_unpop(void **state)
{
    mk(false, NULL);
    TVq q, h;
    assert_true(drv_negotiate(std_features()));
    tvq_init(&q, 0, 16, RING0, false);
    tvq_init(&h, 1, 8, RING1, false);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    VirtQueue *vq = F.d->hold;
    size_t in, out;
    assert_true(vq_avail_bytes(vq, &in, &out, 100000, 100000));
    assert_int_equal(in, 0);
    tvq_add(&h, (TSeg[]){{BUF, 10, false}, {BUF + 0x100, 1500, true}}, 2);
    tvq_add(&h, (TSeg[]){{BUF + 0x1000, 2000, true}}, 1);
    assert_true(vq_avail_bytes(vq, &in, &out, 100000, 100000));
    assert_int_equal(in, 3500);
    assert_int_equal(out, 10);
    assert_true(vq_avail_bytes(vq, &in, &out, 1000, 0));
    assert_int_equal(in, 1000);
    VirtQueueElement *e = vq_pop(vq);
    assert_non_null(e);
    assert_int_equal(e->in_len, 1500);
    vq_unpop(vq, e);
    e = vq_pop(vq);
    assert_int_equal(e->in_len, 1500);
    assert_int_equal(vq_elem_write(e, 0, "xy", 2), 2);
    vq_push(vq, e, 2);
    e = vq_pop(vq);
    assert_int_equal(e->in_len, 2000);
    /* A device claiming more than the buffer holds is clamped. */
    vq_push(vq, e, 5000);
    assert_true(logcap_has("clamped"));
    uint32_t id, len;
    assert_true(tvq_get_used(&h, &id, &len));
    assert_int_equal(len, 2);
    assert_true(tvq_get_used(&h, &id, &len));
    assert_int_equal(len, 2000);
    assert_null(vq_pop(vq));
}

static void test_reset(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features());
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(F.level, 1);
    /* The device holds an element across the reset. */
    VirtQueueElement *held = NULL;
    TVq h;
    tvq_init(&h, 1, 8, RING1, false);
    drv_queue(&h);
    tvq_add(&h, (TSeg[]){{BUF, 4, true}}, 1);
    held = vq_pop(F.d->hold);
    assert_non_null(held);
    int resets = F.d->resets;
    wr(R_STATUS, 0);
    assert_int_equal(rd(R_STATUS), 0);
    assert_int_equal(F.d->resets, resets + 1);
    assert_int_equal(rd(R_ISR), 0);
    assert_int_equal(F.level, 0);
    assert_int_equal(F.d->vdev.guest_features, 0);
    wr(R_QSEL, 0);
    assert_int_equal(rd(R_QREADY), 0);
    assert_int_equal(rd(R_QNUM_MAX), 16);
    /* A stale element is refused, not written into the new rings. */
    vq_push(F.d->hold, held, 0);
    assert_true(logcap_has("before a reset"));
    /* The device works again from a fresh start. */
    bring_up(&q, std_features());
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
    /* The machine's reset does the same. */
    device_reset_all();
    assert_int_equal(rd(R_STATUS), 0);
    assert_int_equal(F.level, 0);
}

/* Kicks handed to the event loop run there, coalesced. */
static void test_kick_on_loop(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, std_features());
    Loop *l = loop_new();
    vq_set_kick_loop(F.d->echo, l);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(F.d->kicks[0], 0);
    assert_int_equal(tvq_used_idx(&q), 0);
    dev_lock();
    loop_run_once(l, 0);
    dev_unlock();
    assert_int_equal(F.d->kicks[0], 1);
    assert_int_equal(tvq_used_idx(&q), 2);
    /* A kick pending across a reset is dropped. */
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    wr(R_STATUS, 0);
    dev_lock();
    loop_run_once(l, 0);
    dev_unlock();
    assert_int_equal(F.d->kicks[0], 1);
    vq_set_kick_loop(F.d->echo, NULL);
    loop_free(l);
}

/* ---- legacy (version 1) --------------------------------------------------------------- */

static void test_legacy_v1(void **state)
{
    mk(true, NULL);
    assert_int_equal(rd(R_VERSION), 1);
    assert_int_equal(rd(R_DEVICE_ID), TDEV_ID);
    uint64_t f = dev_features();
    assert_false(f & VIRTIO_BIT(VIRTIO_F_VERSION_1));
    assert_true(f & VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT));
    assert_true(f & VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY));
    /* Legacy features are taken as written, masked to what is offered. */
    TVq q;
    assert_true(drv_negotiate(VIRTIO_BIT(TDEV_F_A) | VIRTIO_BIT(20)));
    assert_int_equal(F.d->features, VIRTIO_BIT(TDEV_F_A));
    assert_true(logcap_has("does not offer"));
    tvq_init(&q, 0, 16, RING0, false);
    drv_queue(&q);
    wr(R_QSEL, 0);
    assert_int_equal(rd(R_QPFN), RING0 / 4096);
    /* §3.1.2: a legacy driver may use the device before DRIVER_OK. */
    gw(BUF, "legacy!", 8);
    tvq_add(&q, (TSeg[]){{BUF, 8, false}, {BUF + 0x100, 8, true}}, 2);
    kick(&q);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(len, 8);
    char back[8];
    gr(BUF + 0x100, back, 8);
    assert_string_equal(back, "legacy!");
    drv_ok();
    assert_true(rd(R_STATUS) & VIRTIO_STATUS_DRIVER_OK);
    /* v2-only registers do not exist. */
    rd(R_QREADY);
    assert_true(logcap_has("v1: read of write-only or unknown"));
    /* QueuePFN 0 stops the queue; reset clears PFNs. */
    wr(R_QPFN, 0);
    assert_int_equal(rd(R_QPFN), 0);
    drv_queue(&q);
    wr(R_STATUS, 0);
    wr(R_QSEL, 0);
    assert_int_equal(rd(R_QPFN), 0);
    /* Linux's order: GuestPageSize once at probe, then a reset (Status
     * 0) before the driver sets up its queues: the page size survives. */
    wr(R_PAGE_SIZE, 4096);
    wr(R_STATUS, 0);
    wr(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(R_GFSEL, 0);
    wr(R_GF, 0);
    free(logcap_take());
    tvq_init(&q, 0, 16, RING0, false);
    drv_queue(&q);
    wr(R_QSEL, 0);
    assert_int_equal(rd(R_QPFN), RING0 / 4096);
    assert_false(logcap_has("before GuestPageSize"));
    tvq_add(&q, (TSeg[]){{BUF, 8, false}, {BUF + 0x100, 8, true}}, 2);
    kick(&q);
    assert_true(tvq_get_used(&q, &id, &len));
    /* A machine reset forgets it: QueuePFN before GuestPageSize. */
    device_reset_all();
    wr(R_STATUS, 1);
    wr(R_QNUM, 16);
    wr(R_QPFN, (uint32_t)(RING0 / 4096));
    assert_true(logcap_has("before GuestPageSize"));
    assert_int_equal(rd(R_QPFN), 0);
}

static void test_legacy_notify_on_empty(void **state)
{
    mk(true, NULL);
    TVq q;
    assert_true(drv_negotiate(VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY)));
    tvq_init(&q, 0, 16, RING0, false);
    drv_queue(&q);
    drv_ok();
    /* Interrupts suppressed, but the device ran out of buffers: notify. */
    tvq_set_avail_flags(&q, VRING_AVAIL_F_NO_INTERRUPT);
    tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
    kick(&q);
    assert_int_equal(F.raises, 1);
}

/* ---- packed rings (§2.8) ---------------------------------------------------------------- */

static const char *const packed_on[] = {"packed", "on", NULL};

static void bring_up_packed(TVq *q, uint64_t extra)
{
    uint64_t f = std_features() | VIRTIO_BIT(VIRTIO_F_RING_PACKED) | extra;
    assert_true(drv_negotiate(f));
    tpq_init(q, 0, 16, RING0, extra & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    drv_queue(q);
    drv_ok();
}

static void test_packed_echo(void **state)
{
    mk(false, packed_on);
    assert_true(dev_features() & VIRTIO_BIT(VIRTIO_F_RING_PACKED));
    TVq q;
    bring_up_packed(&q, 0);
    gw(BUF, "packed ring", 12);
    tpq_add(&q, (TSeg[]){{BUF, 6, false}, {BUF + 6, 6, false}, {BUF + 0x100, 32, true}}, 3, 7);
    kick(&q);
    uint16_t id;
    uint32_t len;
    assert_true(tpq_get_used(&q, &id, &len, 3));
    assert_int_equal(id, 7);
    assert_int_equal(len, 12);
    char back[12];
    gr(BUF + 0x100, back, 12);
    assert_string_equal(back, "packed ring");
    assert_int_equal(F.raises, 1);
    /* Many more than the ring holds: wrap counters flip; odd-length lists. */
    for (int i = 0; i < 40; i++) {
        int n = 1 + i % 3;
        TSeg s[3] = {{BUF, 2, false}, {BUF + 2, 2, false}, {BUF + 0x200, 8, true}};
        s[n - 1].write = true;
        tpq_add(&q, s + 3 - n, n, (uint16_t)i);
        kick(&q);
        assert_true(tpq_get_used(&q, &id, &len, (unsigned)n));
        assert_int_equal(id, i);
    }
    /* Indirect in a packed ring (§2.8.7): one descriptor naming a table
     * whose entries follow each other; only WRITE counts in them. */
    gw64(TABLES, BUF);
    gw32(TABLES + 8, 4);
    gw16(TABLES + 14, VRING_DESC_F_NEXT);       /* ignored in a packed table */
    gw64(TABLES + 16, BUF + 0x300);
    gw32(TABLES + 24, 4);
    gw16(TABLES + 30, VRING_DESC_F_WRITE);
    tpq_add(&q, (TSeg[]){{TABLES, 32, false, true}}, 1, 99);
    kick(&q);
    assert_true(tpq_get_used(&q, &id, &len, 1));
    assert_int_equal(id, 99);
    assert_int_equal(len, 4);
    assert_false(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_packed_event_suppression(void **state)
{
    mk(false, packed_on);
    TVq q;
    bring_up_packed(&q, VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    /* Driver event flags DISABLE: no interrupts. */
    gw16(q.avail + 2, VRING_PACKED_EVENT_DISABLE);
    uint16_t id;
    uint32_t len;
    tpq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2, 1);
    kick(&q);
    assert_true(tpq_get_used(&q, &id, &len, 2));
    assert_int_equal(F.raises, 0);
    /* DESC: an interrupt when the used descriptor at position 6 is written. */
    gw16(q.avail, 6 | 1u << 15);
    gw16(q.avail + 2, VRING_PACKED_EVENT_DESC);
    for (int i = 0; i < 3; i++) {
        tpq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2, (uint16_t)i);
        kick(&q);
        assert_true(tpq_get_used(&q, &id, &len, 2));
        /* positions 2, 4, 6 */
        assert_int_equal(F.raises, i < 2 ? 0 : 1);
    }
    /* ENABLE: every time. */
    ack_all();
    gw16(q.avail + 2, VRING_PACKED_EVENT_ENABLE);
    tpq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2, 5);
    kick(&q);
    assert_int_equal(F.raises, 2);
    /* Device event suppression: disabled, enabled with a position. */
    vq_set_notification(F.d->echo, false);
    assert_int_equal(gr16(q.used + 2), VRING_PACKED_EVENT_DISABLE);
    vq_set_notification(F.d->echo, true);
    assert_int_equal(gr16(q.used + 2), VRING_PACKED_EVENT_DESC);
    assert_int_equal(gr16(q.used), q.next_avail | (q.avail_wrap ? 1u << 15 : 0));
    /* Enabled while buffers wait unpopped: the next position is not known
     * to the device, so every new buffer kicks. */
    vq_set_notification(F.d->echo, false);
    tdev_echo_on_kick = false;
    tpq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2, 6);
    vq_set_notification(F.d->echo, true);
    assert_int_equal(gr16(q.used + 2), VRING_PACKED_EVENT_ENABLE);
    tdev_echo_on_kick = true;
}

static void test_packed_hostile(void **state)
{
    mk(false, packed_on);
    TVq q;
    bring_up_packed(&q, 0);
    /* A list of 17 descriptors in a 16-entry ring (all chained). */
    for (unsigned i = 0; i < 16; i++)
        tpq_write(&q, i, BUF, 4, 0, tpq_flags(&q, false, true));
    kick(&q);
    assert_needs_reset("longer than the queue size");
}

/* ---- hostile drivers (§2.7) --------------------------------------------------------------- */

typedef struct Hostile {
    const char *name;
    const char *why;
    void (*post)(TVq *q);
} Hostile;

static void post_loop(TVq *q)
{
    tdesc(q->desc, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
    tdesc(q->desc, 1, BUF, 4, VRING_DESC_F_NEXT, 0);
    tvq_expose(q, 0);
}

static void post_too_long(TVq *q)
{
    /* Every descriptor once, then back to the first: 17 > 16. */
    for (unsigned i = 0; i < 16; i++)
        tdesc(q->desc, i, BUF, 4, VRING_DESC_F_NEXT, (uint16_t)((i + 1) % 16));
    tvq_expose(q, 0);
}

static void post_next_out_of_range(TVq *q)
{
    tdesc(q->desc, 0, BUF, 4, VRING_DESC_F_NEXT, 200);
    tvq_expose(q, 0);
}

static void post_outside_ram(TVq *q)
{
    tdesc(q->desc, 0, 0x1000, 4, 0, 0);
    tvq_expose(q, 0);
}

static void post_end_outside_ram(TVq *q)
{
    tdesc(q->desc, 0, RAM_BASE + RAM_SIZE - 8, 16, VRING_DESC_F_WRITE, 0);
    tvq_expose(q, 0);
}

static void post_into_mmio(TVq *q)
{
    tdesc(q->desc, 0, MMIO_BASE, 0x100, VRING_DESC_F_WRITE, 0);
    tvq_expose(q, 0);
}

static void post_nested_indirect(TVq *q)
{
    tdesc(TABLES, 0, TABLES + 0x100, 16, VRING_DESC_F_INDIRECT, 0);
    tdesc(TABLES + 0x100, 0, BUF, 4, 0, 0);
    tdesc(q->desc, 0, TABLES, 16, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(q, 0);
}

static void post_indirect_bad_len(TVq *q)
{
    tdesc(TABLES, 0, BUF, 4, 0, 0);
    tdesc(q->desc, 0, TABLES, 17, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(q, 0);
}

static void post_indirect_zero_len(TVq *q)
{
    tdesc(q->desc, 0, TABLES, 0, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(q, 0);
}

static void post_indirect_too_big(TVq *q)
{
    tdesc(q->desc, 0, TABLES, 16 * (VIRTQUEUE_MAX_SG + 1), VRING_DESC_F_INDIRECT, 0);
    tvq_expose(q, 0);
}

static void post_indirect_loop(TVq *q)
{
    tdesc(TABLES, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
    tdesc(TABLES, 1, BUF, 4, VRING_DESC_F_NEXT, 0);
    tdesc(q->desc, 0, TABLES, 32, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(q, 0);
}

static void post_indirect_and_next(TVq *q)
{
    tdesc(TABLES, 0, BUF, 4, 0, 0);
    tdesc(q->desc, 0, TABLES, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
    tdesc(q->desc, 1, BUF, 4, 0, 0);
    tvq_expose(q, 0);
}

static void post_indirect_table_outside_ram(TVq *q)
{
    tdesc(q->desc, 0, 0x2000, 32, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(q, 0);
}

static void post_avail_jump(TVq *q)
{
    tdesc(q->desc, 0, BUF, 4, 0, 0);
    q->avail_idx = 17;
    gw16(q->avail + 2, q->avail_idx);
}

static void post_bad_head(TVq *q)
{
    gw16(q->avail + 4, 16);
    q->avail_idx++;
    gw16(q->avail + 2, q->avail_idx);
}

static void post_read_after_write(TVq *q)
{
    tdesc(q->desc, 0, BUF, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    tdesc(q->desc, 1, BUF, 4, 0, 0);
    tvq_expose(q, 0);
}

static void post_write_to_rom(TVq *q)
{
    Error *err = NULL;
    MemoryRegion *rom = mr_new_rom("rom", 0x10000, &err);
    mr_add_subregion(F.m.sysmem, 0x1000000, rom, 0);
    tdesc(q->desc, 0, 0x1000000, 16, VRING_DESC_F_WRITE, 0);
    tvq_expose(q, 0);
}

static const Hostile hostile[] = {
    {"descriptor loop", "loops or is longer than the queue size", post_loop},
    {"chain longer than the queue", "loops or is longer than the queue size", post_too_long},
    {"next out of range", "next index 200 is outside the descriptor table", post_next_out_of_range},
    {"buffer outside RAM", "is not in guest RAM", post_outside_ram},
    {"buffer ending outside RAM", "is not in guest writable RAM", post_end_outside_ram},
    {"buffer in MMIO", "is not in guest writable RAM", post_into_mmio},
    {"writable buffer in ROM", "is not in guest writable RAM", post_write_to_rom},
    {"nested indirect", "an indirect table names another", post_nested_indirect},
    {"indirect table length", "not a non-zero multiple of 16", post_indirect_bad_len},
    {"indirect table empty", "not a non-zero multiple of 16", post_indirect_zero_len},
    {"indirect table too big", "at most 1024", post_indirect_too_big},
    {"indirect table loop", "indirect table's chain loops", post_indirect_loop},
    {"INDIRECT and NEXT", "both INDIRECT and NEXT", post_indirect_and_next},
    {"indirect table outside RAM", "indirect table at 0x2000 is not in guest RAM",
     post_indirect_table_outside_ram},
    {"avail idx jump", "moved from 0 to 17", post_avail_jump},
    {"head out of range", "names descriptor 16", post_bad_head},
    {"readable after writable", "device-readable descriptor follows", post_read_after_write},
};

static void test_hostile_chains(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
        mk(false, NULL);
        TVq q;
        bring_up(&q, std_features());
        hostile[i].post(&q);
        kick(&q);
        print_message("  hostile: %s\n", hostile[i].name);
        assert_needs_reset(hostile[i].why);
        assert_int_equal(tvq_used_idx(&q), 0);
        /* Broken: more kicks do nothing; the driver's reset recovers. */
        ack_all();
        kick(&q);
        assert_int_equal(F.level, 0);
        bring_up(&q, std_features());
        assert_false(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
        tvq_add(&q, (TSeg[]){{BUF, 4, false}, {BUF + 0x100, 4, true}}, 2);
        kick(&q);
        assert_int_equal(tvq_used_idx(&q), 1);
    }
}

static void test_hostile_indirect_unnegotiated(void **state)
{
    mk(false, NULL);
    TVq q;
    bring_up(&q, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    tdesc(TABLES, 0, BUF, 4, 0, 0);
    tdesc(q.desc, 0, TABLES, 16, VRING_DESC_F_INDIRECT, 0);
    tvq_expose(&q, 0);
    kick(&q);
    assert_needs_reset("without VIRTIO_F_INDIRECT_DESC");
}

/* Two descriptors of 3 GiB each: more than 4 GiB in one chain. The RAM is
 * mapped lazily, so it costs nothing. */
static void test_hostile_length_overflow(void **state)
{
    mk_ram(false, 3 * GiB + 16 * MiB, NULL);
    TVq q;
    bring_up(&q, std_features());
    tdesc(q.desc, 0, RAM_BASE + 16 * MiB, 0xc0000000u, VRING_DESC_F_NEXT, 1);
    tdesc(q.desc, 1, RAM_BASE + 16 * MiB, 0xc0000000u, 0, 0);
    tvq_expose(&q, 0);
    kick(&q);
    assert_needs_reset("longer than 4 GiB");
    /* One of them alone is fine (the device sees 3 GiB of readable data;
     * the echo device copies only what fits its buffer). */
    bring_up(&q, std_features());
    tdesc(q.desc, 0, RAM_BASE + 16 * MiB, 0xc0000000u, 0, 0);
    tvq_expose(&q, 0);
    kick(&q);
    assert_int_equal(tvq_used_idx(&q), 1);
    assert_int_equal(F.d->last_out_len, 0xc0000000u);
}

static void test_hostile_in_flight(void **state)
{
    mk(false, NULL);
    TVq q, h;
    assert_true(drv_negotiate(std_features()));
    tvq_init(&q, 0, 16, RING0, false);
    tvq_init(&h, 1, 8, RING1, false);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    /* Eight buffers, all held by the device; then the driver posts a
     * ninth reusing descriptor 0. */
    for (int i = 0; i < 8; i++)
        tvq_add(&h, (TSeg[]){{BUF, 4, true}}, 1);
    VirtQueueElement *held[8];
    for (int i = 0; i < 8; i++)
        assert_non_null(held[i] = vq_pop(F.d->hold));
    tvq_expose(&h, 0);
    assert_null(vq_pop(F.d->hold));
    assert_needs_reset("more buffers in flight than the queue size");
    /* The held elements are handed back without touching the rings. */
    for (int i = 0; i < 8; i++)
        vq_push(F.d->hold, held[i], 0);
    assert_int_equal(tvq_used_idx(&h), 0);
}

/* A driver exposes a chain the device still holds, or many heads naming
 * one long chain: the ring descriptors in play never exceed the queue
 * size, so neither popping nor measuring walks more than that. */
static void test_hostile_descriptors_in_flight(void **state)
{
    mk(false, NULL);
    TVq q, h;
    assert_true(drv_negotiate(std_features()));
    tvq_init(&q, 0, 16, RING0, false);
    tvq_init(&h, 1, 8, RING1, false);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    TSeg five[5] = {{BUF, 4, false}, {BUF, 4, false}, {BUF, 4, false}, {BUF, 4, false},
                    {BUF, 4, true}};
    unsigned head = tvq_add(&h, five, 5);
    VirtQueueElement *e = vq_pop(F.d->hold);
    assert_non_null(e);
    tvq_expose(&h, head);
    assert_null(vq_pop(F.d->hold));
    assert_needs_reset("more descriptors in flight than the queue size");
    vq_push(F.d->hold, e, 0);

    /* Eight heads, one chain of all eight descriptors: measuring stops
     * after the first. */
    mk(false, NULL);
    assert_true(drv_negotiate(std_features()));
    tvq_init(&q, 0, 16, RING0, false);
    tvq_init(&h, 1, 8, RING1, false);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    for (unsigned i = 0; i < 8; i++)
        tdesc(h.desc, i, BUF, 100, VRING_DESC_F_WRITE | (i < 7 ? VRING_DESC_F_NEXT : 0),
              (uint16_t)(i + 1));
    for (int i = 0; i < 8; i++)
        tvq_expose(&h, 0);
    size_t in = 0;
    assert_false(vq_avail_bytes(F.d->hold, &in, NULL, SIZE_MAX, 0));
    assert_needs_reset("more descriptors in flight than the queue size");

    /* Packed: a list made available over descriptors the device holds. */
    mk(false, packed_on);
    assert_true(drv_negotiate(std_features() | VIRTIO_BIT(VIRTIO_F_RING_PACKED)));
    tpq_init(&q, 0, 16, RING0, false);
    tpq_init(&h, 1, 8, RING1, false);
    drv_queue(&q);
    drv_queue(&h);
    drv_ok();
    TSeg six[6] = {{BUF, 4, false}, {BUF, 4, false}, {BUF, 4, false}, {BUF, 4, false},
                   {BUF, 4, false}, {BUF, 4, true}};
    tpq_add(&h, six, 6, 1);
    e = vq_pop(F.d->hold);
    assert_non_null(e);
    tpq_add(&h, six, 6, 2);     /* positions 6, 7, then 0..3 of the next lap */
    assert_null(vq_pop(F.d->hold));
    assert_needs_reset("more descriptors in flight than the queue size");
    vq_push(F.d->hold, e, 0);
}

static void test_hostile_ring_setup(void **state)
{
    /* Ring areas outside RAM or misaligned (§2.7.1) are refused when the
     * queue is enabled. */
    static const struct {
        int area;           /* 0 desc, 1 avail, 2 used */
        hwaddr addr;        /* 0: the ring's own plus 2 */
        const char *why;
    } cases[] = {
        {2, 0x3000, "used ring at 0x3000 (134 bytes) is not in guest writable RAM"},
        {0, 0x4000, "descriptor table at 0x4000"},
        {2, 0, "is not 4-byte aligned"},
        {0, 0, "is not 16-byte aligned"},
        {1, 0, "is not 2-byte aligned"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        mk(false, NULL);
        assert_true(drv_negotiate(std_features()));
        TVq q;
        tvq_init(&q, 0, 16, RING0, false);
        hwaddr *a = cases[i].area == 0 ? &q.desc : cases[i].area == 1 ? &q.avail : &q.used;
        *a = cases[i].addr ? cases[i].addr : *a + (cases[i].area == 1 ? 1 : 2);
        wr(R_QSEL, 0);
        wr(R_QNUM, 16);
        wr(R_QDESC, (uint32_t)q.desc);
        wr(R_QDRIVER, (uint32_t)q.avail);
        wr(R_QDEVICE, (uint32_t)q.used);
        wr(R_QREADY, 1);
        assert_int_equal(rd(R_QREADY), 0);
        assert_true(rd(R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
        char *log = logcap_take();
        assert_contains(log, cases[i].why);
        free(log);
    }
}

static void test_virtio_rng_mmio(void **state)
{
    Error *err = NULL;
    machine_make(RAM_SIZE);
    F.base = MMIO_BASE;
    F.t = virtio_mmio_create(F.m.sysmem, MMIO_BASE, &F.irq[0], F.m.as, false, &err);
    Device *dev = device_new("virtio-rng-device", &err);
    assert_int_equal(device_realize(dev, virtio_mmio_bus(F.t), &err), 0);
    assert_int_equal(rd(R_DEVICE_ID), VIRTIO_ID_RNG);
    assert_int_equal(dev_features() & ~(VIRTIO_BIT(VIRTIO_F_VERSION_1) |
                                         VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
                                         VIRTIO_BIT(VIRTIO_F_EVENT_IDX)), 0);
    TVq q;
    assert_true(drv_negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1)));
    tvq_init(&q, 0, 8, RING0, false);
    drv_queue(&q);
    drv_ok();
    uint8_t zero[64] = {0}, got[64];
    gw(BUF, zero, 64);
    tvq_add(&q, (TSeg[]){{BUF, 32, true}, {BUF + 32, 32, true}}, 2);
    kick(&q);
    uint32_t id, len;
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(len, 64);
    gr(BUF, got, 64);
    assert_memory_not_equal(got, zero, 64);
    assert_int_equal(F.level, 1);
    /* A buffer with nothing to write into comes back with length 0. */
    tvq_add(&q, (TSeg[]){{BUF, 32, false}}, 1);
    kick(&q);
    assert_true(tvq_get_used(&q, &id, &len));
    assert_int_equal(len, 0);
}

static int setup(void **state)
{
    logcap_start();
    return 0;
}

static int teardown(void **state)
{
    logcap_stop();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bank_order),
        cmocka_unit_test(test_ids_v2),
        cmocka_unit_test(test_empty_transport),
        cmocka_unit_test(test_features_refused),
        cmocka_unit_test(test_queue_setup_rules),
        cmocka_unit_test(test_echo_request),
        cmocka_unit_test(test_config_space),
        cmocka_unit_test(test_event_idx_used),
        cmocka_unit_test(test_event_idx_avail),
        cmocka_unit_test(test_event_idx_wait_for_more),
        cmocka_unit_test(test_flags_suppression),
        cmocka_unit_test(test_indirect),
        cmocka_unit_test(test_buffer_across_ram_blocks),
        cmocka_unit_test(test_avail_bytes_and_unpop),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_kick_on_loop),
        cmocka_unit_test(test_legacy_v1),
        cmocka_unit_test(test_legacy_notify_on_empty),
        cmocka_unit_test(test_packed_echo),
        cmocka_unit_test(test_packed_event_suppression),
        cmocka_unit_test(test_packed_hostile),
        cmocka_unit_test(test_hostile_chains),
        cmocka_unit_test(test_hostile_indirect_unnegotiated),
        cmocka_unit_test(test_hostile_length_overflow),
        cmocka_unit_test(test_hostile_in_flight),
        cmocka_unit_test(test_hostile_descriptors_in_flight),
        cmocka_unit_test(test_hostile_ring_setup),
        cmocka_unit_test(test_virtio_rng_mmio),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
