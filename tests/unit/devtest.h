/*
 * devtest.h — what the device-model unit tests share: one event loop, a
 * system address space with RAM to map devices into, a sysbus to plug them
 * on, interrupt lines that record their level, an fd chardev whose other
 * end the test holds, and 32-bit MMIO helpers. The device lock is held
 * while a test runs, as the loop and the vCPUs hold it around device calls.
 */
#ifndef FERRY_TEST_DEVTEST_H
#define FERRY_TEST_DEVTEST_H

#include "tests/unit/test.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/chardev-internal.h"
#include "core/device.h"
#include "core/irq.h"
#include "core/loop.h"
#include "core/memory.h"

typedef struct DevTest {
    Loop *loop;
    MemoryRegion *root, *ram;
    AddressSpace *as;
    IRQ *irq;            /* DEVTEST_IRQS recording lines */
    int level[32];       /* their current levels */
    int raises[32];      /* rising edges seen */
} DevTest;

#define DEVTEST_IRQS 32
#define DEVTEST_RAM_BASE 0x40000000ull
#define DEVTEST_RAM_SIZE (1 * MiB)

static inline void devtest_irq(void *opaque, int n, int level)
{
    DevTest *t = opaque;
    if (level && !t->level[n])
        t->raises[n]++;
    t->level[n] = level;
}

/* One fixture per test: address spaces and lines are cheap; the loop and
 * the sysbus are made once per program. Devices, once realized, live as
 * long as the program (ferry never frees a machine), so every fixture stays
 * reachable too. */
static inline DevTest *devtest_new(void)
{
    static DevTest *all[256];
    static int n_all;
    static Loop *loop;
    if (!loop) {
        loop = loop_new();
        bus_new("sysbus", "test-sysbus", NULL, 0);
    }
    DevTest *t = xzalloc(sizeof(*t));
    t->loop = loop;
    t->root = mr_new_container("system", UINT64_MAX);
    Error *err = NULL;
    t->ram = mr_new_ram("ram", DEVTEST_RAM_SIZE, &err);
    assert_non_null(t->ram);
    mr_add_subregion(t->root, DEVTEST_RAM_BASE, t->ram, 0);
    t->as = as_new("memory", t->root);
    t->irq = irq_new(devtest_irq, t, DEVTEST_IRQS);
    if (n_all == (int)ARRAY_SIZE(all))
        fail_msg("devtest: more than %zu fixtures", ARRAY_SIZE(all));
    all[n_all++] = t;
    return t;
}

static inline uint32_t rd32(DevTest *t, hwaddr addr)
{
    uint64_t v = 0;
    assert_int_equal(as_read_uint(t->as, addr, 4, &v), MEMTX_OK);
    return (uint32_t)v;
}

static inline void wr32(DevTest *t, hwaddr addr, uint32_t v)
{
    assert_int_equal(as_write_uint(t->as, addr, 4, v), MEMTX_OK);
}

/* Runs the loop until nothing is ready (bounded). */
static inline void devtest_settle(DevTest *t)
{
    for (int i = 0; i < 100 && loop_run_once(t->loop, 0); i++) {
    }
}

/* Advances guest time and lets due timers fire. */
static inline void devtest_advance(DevTest *t, int64_t ns)
{
    loop_vclock_advance(t->loop, ns);
    devtest_settle(t);
}

/* An fd chardev; *peer is the test's end of the socket pair. */
static inline Chardev *devtest_chardev(DevTest *t, const char *id, int *peer)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ChrFdConfig cfg = {sv[0], sv[0]};
    Error *err = NULL;
    Chardev *chr = chardev_new_backend(t->loop, &chr_backend_fd, id, &cfg, &err);
    if (!chr)
        fail_msg("fd chardev: %s", error_get_msg(err));
    *peer = sv[1];
    return chr;
}

/* What the device wrote to the chardev, up to cap bytes (non-blocking). */
static inline size_t devtest_peer_read(int peer, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    struct pollfd p = {peer, POLLIN, 0};
    while (n < cap && poll(&p, 1, 0) > 0) {
        ssize_t r = read(peer, buf + n, cap - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    return n;
}

#endif
