/*
 * chardev-ringbuf.c — the ringbuf backend: frontend output is kept in a
 * fixed-size ring (oldest bytes overwritten), read back with the monitor's
 * ringbuf_read; ringbuf_write adds bytes to the ring as if written by a
 * frontend. It has no input side.
 */
#include "core/chardev-internal.h"

#include "core/error.h"
#include "core/monitor.h"

typedef struct Ringbuf {
    uint8_t *buf;
    uint64_t size;        /* power of 2 */
    uint64_t prod, cons;  /* free-running byte counts */
} Ringbuf;

static const char *const ringbuf_keys[] = {"size", NULL};

static int ringbuf_parse(Opts *o, void *opaque, Error **errp)
{
    ChrRingbufConfig *cfg = opaque;
    return opts_get_size(o, "size", 64 * KiB, &cfg->size, errp);
}

static int ringbuf_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrRingbufConfig *cfg = opaque;
    uint64_t size = cfg && cfg->size ? cfg->size : 64 * KiB;
    if (!IS_POW2(size) || size > 1 * GiB) {
        error_setg(errp, "chardev '%s': ringbuf size %" PRIu64
                   " must be a power of 2 (at most 1G)", chr->id, size);
        return -1;
    }
    Ringbuf *r = xzalloc(sizeof(*r));
    r->size = size;
    r->buf = xmalloc(size);
    chr->state = r;
    chr_set_filename(chr, "ringbuf");
    chr->open = true;
    return 0;
}

static int ringbuf_write(Chardev *chr, const uint8_t *buf, int len)
{
    Ringbuf *r = chr->state;
    for (int i = 0; i < len; i++) {
        r->buf[r->prod & (r->size - 1)] = buf[i];
        r->prod++;
    }
    if (r->prod - r->cons > r->size)
        r->cons = r->prod - r->size;
    return len;
}

size_t chardev_ringbuf_read(Chardev *chr, uint8_t *buf, size_t len)
{
    if (chr->be != &chr_backend_ringbuf)
        return 0;
    Ringbuf *r = chr->state;
    size_t n = 0;
    while (n < len && r->cons < r->prod)
        buf[n++] = r->buf[r->cons++ & (r->size - 1)];
    return n;
}

static void ringbuf_close(Chardev *chr)
{
    Ringbuf *r = chr->state;
    free(r->buf);
    free(r);
}

const ChrBackend chr_backend_ringbuf = {
    .name = "ringbuf",
    .desc = "keep the last output in memory (size=SIZE, a power of 2; "
            "read with ringbuf_read)",
    .keys = ringbuf_keys,
    .cfg_size = sizeof(ChrRingbufConfig),
    .parse = ringbuf_parse,
    .open = ringbuf_open,
    .write = ringbuf_write,
    .close = ringbuf_close,
};

/* ---- monitor commands ---------------------------------------------------- */

static Chardev *find_ringbuf(Monitor *mon, const char *id)
{
    Chardev *chr = chardev_find(id);
    if (!chr) {
        monitor_printf(mon, "no chardev with id '%s'\n", id);
        return NULL;
    }
    if (chr->be != &chr_backend_ringbuf) {
        monitor_printf(mon, "chardev '%s' is not a ringbuf\n", id);
        return NULL;
    }
    return chr;
}

static void hmp_ringbuf_read(Monitor *mon, int argc, char **argv)
{
    if (argc != 3) {
        monitor_printf(mon, "usage: ringbuf_read DEVICE SIZE\n");
        return;
    }
    Chardev *chr = find_ringbuf(mon, argv[1]);
    if (!chr)
        return;
    char *end;
    errno = 0;
    unsigned long long size = strtoull(argv[2], &end, 0);
    if (errno || end == argv[2] || *end || argv[2][0] == '-') {
        monitor_printf(mon, "invalid size '%s'\n", argv[2]);
        return;
    }
    StrBuf sb = {0};
    uint8_t buf[256];
    while (size > 0) {
        size_t n = chardev_ringbuf_read(chr, buf, MIN(size, sizeof(buf)));
        if (!n)
            break;
        size -= n;
        /* Control characters would drive the monitor's terminal. */
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || (buf[i] >= 0x20 && buf[i] < 0x7f))
                sb_printf(&sb, "%c", buf[i]);
            else if (buf[i] != '\r')
                sb_printf(&sb, "\\x%02x", buf[i]);
        }
    }
    monitor_printf(mon, "%s\n", sb_str(&sb));
    sb_free(&sb);
}

MONITOR_COMMAND(cmd_ringbuf_read,
    .name = "ringbuf_read",
    .args = "device size",
    .help = "read from a ring buffer character device (consumes what it reads)",
    .fn = hmp_ringbuf_read)

static void hmp_ringbuf_write(Monitor *mon, int argc, char **argv)
{
    if (argc != 3) {
        monitor_printf(mon, "usage: ringbuf_write DEVICE DATA\n");
        return;
    }
    Chardev *chr = find_ringbuf(mon, argv[1]);
    if (chr)
        chr_write(chr, (const uint8_t *)argv[2], strlen(argv[2]));
}

MONITOR_COMMAND(cmd_ringbuf_write,
    .name = "ringbuf_write",
    .args = "device data",
    .help = "write data into a ring buffer character device",
    .fn = hmp_ringbuf_write)
