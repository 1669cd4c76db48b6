/*
 * filter-dump.c — `-object filter-dump,id=ID,netdev=NETDEV,file=FILE
 * [,maxlen=N][,queue=all|rx|tx][,status=on|off]`: every frame that passes
 * NETDEV (a backend or a hub port) is written to FILE as a classic libpcap
 * capture (the format tcpdump and wireshark read: a 24-byte global header
 * with magic 0xa1b2c3d4 in the writer's byte order, version 2.4, snaplen,
 * link type 1 = LINKTYPE_ETHERNET; then per frame a 16-byte record header —
 * seconds, microseconds, captured length, original length — and the first
 * snaplen bytes of the frame). snaplen = maxlen, default 65536, as QEMU's.
 *
 * queue= as QEMU's netfilters: rx = frames sent to the netdev (from its
 * peer, usually the guest's NIC), tx = frames the netdev sends, all = both.
 * Frames are recorded as they pass, before offload resolution: a TSO
 * super-frame appears once, as in a capture on a host with TSO.
 * Each frame is one writev(), so a capture is complete up to the last frame
 * even if ferry is killed.
 */
#include <fcntl.h>
#include <unistd.h>

#include "netback/net-internal.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_LINKTYPE_ETHERNET 1
#define DUMP_DEFAULT_MAXLEN 65536

typedef struct DumpFilter {
    NetFilter f;
    int fd;
    uint32_t maxlen;
    char *file;
    bool failed;
} DumpFilter;

static void dump_frame(NetFilter *nf, const struct iovec *iov, int iovcnt, size_t len)
{
    DumpFilter *d = (DumpFilter *)nf;
    if (d->failed)
        return;
    int64_t now = host_wall_ns();
    uint32_t caplen = len > d->maxlen ? d->maxlen : (uint32_t)len;
    uint32_t hdr[4] = {
        (uint32_t)(now / 1000000000LL),
        (uint32_t)(now % 1000000000LL / 1000),
        caplen,
        len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
    };
    struct iovec out[1 + 16];
    int n = 0;
    out[n++] = (struct iovec){hdr, sizeof(hdr)};
    size_t left = caplen;
    uint8_t *flat = NULL;
    if (iovcnt > 16) {
        /* Rare: copy so one writev still does. */
        flat = xmalloc(caplen ? caplen : 1);
        size_t at = 0;
        for (int i = 0; i < iovcnt && at < caplen; i++) {
            size_t k = MIN(iov[i].iov_len, caplen - at);
            memcpy(flat + at, iov[i].iov_base, k);
            at += k;
        }
        out[n++] = (struct iovec){flat, caplen};
    } else {
        for (int i = 0; i < iovcnt && left; i++) {
            size_t k = MIN(iov[i].iov_len, left);
            out[n++] = (struct iovec){iov[i].iov_base, k};
            left -= k;
        }
    }
    size_t want = sizeof(hdr) + caplen;
    ssize_t w;
    do {
        w = writev(d->fd, out, n);
    } while (w < 0 && errno == EINTR);
    free(flat);
    if (w != (ssize_t)want) {
        warn_report("filter-dump %s: cannot write %s: %s; capture stopped", d->f.id, d->file,
                    w < 0 ? strerror(errno) : "short write");
        d->failed = true;
    }
}

static void dump_free(NetFilter *nf)
{
    DumpFilter *d = (DumpFilter *)nf;
    close(d->fd);
    free(d->file);
    free(d->f.id);
    free(d);
}

static const char *const dump_keys[] = {"qom-type", "id", "netdev", "file", "maxlen", "queue",
                                        "status", "position", "insert", NULL};
static const char *const queue_choices[] = {"all", "rx", "tx", NULL};

bool net_object_type_known(const char *type)
{
    return type && !strcmp(type, "filter-dump");
}

/* The syntax of the keys; netdev existence is checked at creation. */
int net_object_check_opts(Opts *o, Error **errp)
{
    for (int i = 0; dump_keys[i]; i++)
        opts_mark_used(o, dump_keys[i]);
    if (opts_check_unused(o, dump_keys, errp) < 0)
        return -1;
    static const char *const required[] = {"id", "netdev", "file"};
    for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
        if (!opts_get(o, required[i])) {
            error_setg(errp, "%s %s: Parameter '%s' is missing", o->option, o->text,
                       required[i]);
            return -1;
        }
    }
    if (!id_wellformed(opts_get(o, "id"))) {
        error_setg(errp, "%s %s: Parameter 'id' expects an identifier (a letter, then "
                   "letters, digits, '-', '.', '_')", o->option, o->text);
        return -1;
    }
    uint64_t maxlen;
    if (opts_get_u64(o, "maxlen", DUMP_DEFAULT_MAXLEN, &maxlen, errp) < 0)
        return -1;
    if (maxlen == 0 || maxlen > UINT32_MAX) {
        error_setg(errp, "%s %s: Property 'filter-dump.maxlen' doesn't take value '%s' "
                   "(1 to %u)", o->option, o->text, opts_get(o, "maxlen"), UINT32_MAX);
        return -1;
    }
    const char *q = opts_get(o, "queue");
    if (q) {
        bool ok = false;
        for (int i = 0; queue_choices[i]; i++)
            ok |= !strcmp(q, queue_choices[i]);
        if (!ok) {
            error_setg(errp, "%s %s: Parameter 'queue' does not accept value '%s' (valid: "
                       "all, rx, tx)", o->option, o->text, q);
            return -1;
        }
    }
    bool on;
    if (opts_get_bool(o, "status", true, &on, errp) < 0)
        return -1;
    /* With one kind of filter the order of filters changes nothing; only
     * the defaults are accepted so no other value is silently ignored. */
    const char *pos = opts_get(o, "position");
    if (pos && strcmp(pos, "tail")) {
        error_setg(errp, "%s %s: position=%s is not implemented yet (filters are applied "
                   "in creation order)", o->option, o->text, pos);
        return -1;
    }
    const char *ins = opts_get(o, "insert");
    if (ins && strcmp(ins, "behind")) {
        error_setg(errp, "%s %s: insert=%s is not implemented yet", o->option, o->text, ins);
        return -1;
    }
    return 0;
}

int net_object_create(Opts *o, Error **errp)
{
    if (net_object_check_opts(o, errp) < 0)
        return -1;
    const char *id = opts_get(o, "id");
    if (net_filter_find(id)) {
        error_setg(errp, "%s %s: Duplicate ID '%s' for object", o->option, o->text, id);
        return -1;
    }
    const char *netdev = opts_get(o, "netdev");
    NetClient *nc = netdev_find(netdev);
    if (!nc) {
        error_setg(errp, "%s %s: Parameter 'netdev' expects a network backend id (no "
                   "-netdev with id '%s')", o->option, o->text, netdev);
        return -1;
    }
    uint64_t maxlen;
    bool on;
    opts_get_u64(o, "maxlen", DUMP_DEFAULT_MAXLEN, &maxlen, NULL);
    opts_get_bool(o, "status", true, &on, NULL);
    const char *q = opts_get(o, "queue");
    const char *file = opts_get(o, "file");
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg(errp, "%s %s: net dump: can't open %s: %s", o->option, o->text, file,
                   strerror(errno));
        return -1;
    }
    uint32_t gh[6];
    uint16_t ver[2] = {2, 4};
    gh[0] = PCAP_MAGIC;
    memcpy(&gh[1], ver, sizeof(ver));
    gh[2] = 0;                  /* thiszone: timestamps are UTC */
    gh[3] = 0;                  /* sigfigs */
    gh[4] = (uint32_t)maxlen;   /* snaplen */
    gh[5] = PCAP_LINKTYPE_ETHERNET;
    if (write(fd, gh, sizeof(gh)) != (ssize_t)sizeof(gh)) {
        error_setg(errp, "%s %s: net dump: can't write %s: %s", o->option, o->text, file,
                   strerror(errno));
        close(fd);
        return -1;
    }
    DumpFilter *d = xzalloc(sizeof(*d));
    d->f.id = xstrdup(id);
    d->f.rx = on && (!q || strcmp(q, "tx"));
    d->f.tx = on && (!q || strcmp(q, "rx"));
    d->f.frame = dump_frame;
    d->f.free = dump_free;
    d->fd = fd;
    d->maxlen = (uint32_t)maxlen;
    d->file = xstrdup(file);
    net_filter_attach(nc, &d->f);
    return 0;
}
