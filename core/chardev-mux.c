/*
 * chardev-mux.c — one backend shared by several frontends (-serial
 * mon:stdio, -chardev ...,mux=on, -nographic): input goes to the focused
 * frontend, output from all of them is written through, and Ctrl-A
 * commands (help, quit, focus, break, timestamps) are read from the input.
 *
 * The mux is its base chardev's only frontend. Each of its own frontends
 * has an input queue: bytes read from the base wait there until that
 * frontend has room, and the mux tells the base it can read only as much
 * as the focused frontend's queue holds, so a frontend that stops reading
 * stops the base's fd from being polled and nothing is lost.
 *
 * Focus and the OPENED/MUX_IN/MUX_OUT events are settled in a bottom half
 * after frontends attach, so that start-up attaching (the monitor, then the
 * UART) ends with the last one attached in focus and without the monitor
 * printing a prompt that is immediately taken away.
 */
#include "core/chardev-internal.h"

#include "core/error.h"

#define MUX_MAX_FE 4
#define MUX_QUEUE 4096
#define MUX_ESCAPE 0x01 /* Ctrl-A */

typedef struct MuxFe {
    ChrCanRead *can_read;
    ChrRead *read;
    ChrEventCb *event;
    void *opaque;
    bool settled;         /* has had its OPENED (if the base is open) */
    uint8_t q[MUX_QUEUE]; /* input waiting for room in the frontend */
    int qhead, qlen;
} MuxFe;

typedef struct Mux {
    Chardev *chr;
    Chardev *base;
    MuxFe *fe[MUX_MAX_FE];
    int n;
    int focus;            /* index, -1: none yet */
    int focus_target;     /* where focus goes when the settle BH runs */
    bool escape;          /* the previous input byte was Ctrl-A */
    bool timestamps;
    int64_t ts_start;
    bool at_line_start;
    bool queue_warned;
    BH *settle;
} Mux;

static void fe_event(MuxFe *fe, ChrEvent ev)
{
    if (fe->event)
        fe->event(fe->opaque, ev);
}

static int fe_room(MuxFe *fe)
{
    if (!fe->read)
        return MUX_QUEUE; /* discards */
    if (!fe->can_read)
        return CHR_READ_CHUNK;
    return fe->can_read(fe->opaque);
}

static void mux_base_write(Mux *m, const char *s)
{
    chr_write(m->base, (const uint8_t *)s, strlen(s));
}

/* Hands queued input to frontend i as far as it has room. */
static void mux_drain(Mux *m, int i)
{
    MuxFe *fe = m->fe[i];
    while (fe->qlen > 0) {
        int room = fe_room(fe);
        if (room <= 0)
            break;
        int chunk = MIN(room, MIN(fe->qlen, MUX_QUEUE - fe->qhead));
        uint8_t buf[MUX_QUEUE];
        memcpy(buf, fe->q + fe->qhead, chunk);
        fe->qhead = (fe->qhead + chunk) % MUX_QUEUE;
        fe->qlen -= chunk;
        if (fe->read)
            fe->read(fe->opaque, buf, chunk);
        /* The frontend may have detached itself while reading. */
        if (i >= m->n || m->fe[i] != fe)
            return;
    }
}

static void mux_drain_all(Mux *m)
{
    for (int i = 0; i < m->n; i++)
        mux_drain(m, i);
}

static void mux_set_focus(Mux *m, int target)
{
    if (target == m->focus)
        return;
    if (m->focus >= 0 && m->focus < m->n)
        fe_event(m->fe[m->focus], CHR_EVENT_MUX_OUT);
    m->focus = target;
    m->focus_target = target;
    if (target >= 0 && target < m->n)
        fe_event(m->fe[target], CHR_EVENT_MUX_IN);
    /* The new focus may have room where the old one had none. */
    chr_accept_input(m->base);
}

static void mux_settle(void *opaque)
{
    Mux *m = opaque;
    int target = m->focus_target;
    /* Newcomers that will not have the focus learn so before OPENED. */
    for (int i = 0; i < m->n; i++) {
        if (!m->fe[i]->settled && i != target)
            fe_event(m->fe[i], CHR_EVENT_MUX_OUT);
    }
    for (int i = 0; i < m->n; i++) {
        if (m->fe[i]->settled)
            continue;
        m->fe[i]->settled = true;
        if (m->base->open)
            fe_event(m->fe[i], CHR_EVENT_OPENED);
    }
    mux_set_focus(m, target);
}

static void mux_print_help(Mux *m)
{
    /* The keys, as QEMU's mux lists them (without 's': no -snapshot). */
    static const char *const lines[] = {
        "C-a h    print this help",
        "C-a x    exit emulator",
        "C-a t    toggle console timestamps",
        "C-a b    send break (magic sysrq)",
        "C-a c    switch between console and monitor",
        "C-a C-a  sends C-a",
    };
    mux_base_write(m, "\r\n");
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        mux_base_write(m, lines[i]);
        mux_base_write(m, "\r\n");
    }
}

static void mux_queue_byte(Mux *m, uint8_t b)
{
    if (m->focus < 0 || m->focus >= m->n)
        return; /* nobody to type to yet */
    MuxFe *fe = m->fe[m->focus];
    if (fe->qlen == MUX_QUEUE) {
        /* Only possible when focus moved in the middle of one read. */
        if (!m->queue_warned) {
            warn_report("chardev '%s': input queue full, dropping input", m->chr->id);
            m->queue_warned = true;
        }
        return;
    }
    fe->q[(fe->qhead + fe->qlen) % MUX_QUEUE] = b;
    fe->qlen++;
}

/* The key after Ctrl-A. */
static void mux_command(Mux *m, uint8_t key)
{
    switch (key) {
    case 'h':
    case '?':
        mux_print_help(m);
        break;
    case 'x':
        mux_base_write(m, "ferry: Terminated\r\n");
        chardev_request_quit(m->chr->loop);
        break;
    case 'c':
        if (m->n > 0) {
            /* Deliver what the old focus was sent before switching. */
            if (m->focus >= 0)
                mux_drain(m, m->focus);
            mux_set_focus(m, (m->focus + 1) % m->n);
        }
        break;
    case 'b':
        if (m->focus >= 0 && m->focus < m->n)
            fe_event(m->fe[m->focus], CHR_EVENT_BREAK);
        break;
    case 't':
        m->timestamps = !m->timestamps;
        m->ts_start = host_monotonic_ns();
        m->at_line_start = true;
        break;
    case 's':
        mux_base_write(m, "\r\nC-a s: not implemented yet (no -snapshot)\r\n");
        break;
    case MUX_ESCAPE:
        mux_queue_byte(m, MUX_ESCAPE);
        break;
    default:
        /* Unknown commands are swallowed, as on QEMU's mux. */
        break;
    }
}

static int mux_be_can_read(void *opaque)
{
    Mux *m = opaque;
    if (m->focus < 0 || m->focus >= m->n)
        return m->n ? 0 : 1; /* with no frontend, still read Ctrl-A x */
    return MUX_QUEUE - m->fe[m->focus]->qlen;
}

static void mux_be_read(void *opaque, const uint8_t *buf, int len)
{
    Mux *m = opaque;
    for (int i = 0; i < len; i++) {
        uint8_t b = buf[i];
        if (m->escape) {
            m->escape = false;
            mux_command(m, b);
        } else if (b == MUX_ESCAPE) {
            m->escape = true;
        } else {
            mux_queue_byte(m, b);
        }
    }
    mux_drain_all(m);
}

static void mux_be_event(void *opaque, ChrEvent ev)
{
    Mux *m = opaque;
    if (ev == CHR_EVENT_OPENED)
        m->chr->open = true;
    else if (ev == CHR_EVENT_CLOSED)
        m->chr->open = false;
    if (ev == CHR_EVENT_BREAK) {
        if (m->focus >= 0 && m->focus < m->n)
            fe_event(m->fe[m->focus], ev);
        return;
    }
    /* Before settling, a newcomer gets OPENED from the settle BH. */
    for (int i = 0; i < m->n; i++) {
        if (m->fe[i]->settled)
            fe_event(m->fe[i], ev);
    }
}

static int mux_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrMuxConfig *cfg = opaque;
    Mux *m = xzalloc(sizeof(*m));
    m->chr = chr;
    m->base = cfg->base;
    m->focus = -1;
    m->focus_target = -1;
    m->at_line_start = true;
    if (chr_set_handlers(m->base, mux_be_can_read, mux_be_read, mux_be_event, m,
                         errp) < 0) {
        free(m);
        return -1;
    }
    m->settle = bh_new(chr->loop, mux_settle, m);
    chr->state = m;
    chr->open = m->base->open;
    chr_set_filename(chr, "mux:%s", m->base->id);
    return 0;
}

static void mux_close(Chardev *chr)
{
    Mux *m = chr->state;
    chr_remove_handlers(m->base, m);
    bh_free(m->settle);
    for (int i = 0; i < m->n; i++)
        free(m->fe[i]);
    free(m);
}

static int mux_set_handlers(Chardev *chr, ChrCanRead *can_read, ChrRead *read,
                            ChrEventCb *event, void *opaque, Error **errp)
{
    Mux *m = chr->state;
    for (int i = 0; i < m->n; i++) {
        MuxFe *fe = m->fe[i];
        if (fe->opaque == opaque) {
            fe->can_read = can_read;
            fe->read = read;
            fe->event = event;
            mux_drain(m, i);
            return 0;
        }
    }
    if (m->n == MUX_MAX_FE) {
        error_setg(errp, "chardev '%s': a mux takes at most %d frontends", chr->id,
                   MUX_MAX_FE);
        return -1;
    }
    MuxFe *fe = xzalloc(sizeof(*fe));
    fe->can_read = can_read;
    fe->read = read;
    fe->event = event;
    fe->opaque = opaque;
    m->fe[m->n] = fe;
    m->focus_target = m->n;
    m->n++;
    bh_schedule(m->settle);
    return 0;
}

static void mux_remove_handlers(Chardev *chr, void *opaque)
{
    Mux *m = chr->state;
    for (int i = 0; i < m->n; i++) {
        if (m->fe[i]->opaque != opaque)
            continue;
        free(m->fe[i]);
        memmove(&m->fe[i], &m->fe[i + 1], (m->n - i - 1) * sizeof(m->fe[0]));
        m->n--;
        m->fe[m->n] = NULL;
        if (m->focus == i) {
            m->focus = -1;
            if (m->n)
                mux_set_focus(m, i % m->n);
        } else if (m->focus > i) {
            m->focus--;
        }
        if (m->focus_target == i || m->focus_target >= m->n)
            m->focus_target = m->focus;
        else if (m->focus_target > i)
            m->focus_target--;
        return;
    }
}

/* Writes buf with "[hh:mm:ss.mmm] " at the start of each line. */
static void mux_write_stamped(Mux *m, const uint8_t *buf, int len)
{
    int start = 0;
    for (int i = 0; i < len; i++) {
        if (m->at_line_start) {
            chr_write(m->base, buf + start, i - start);
            start = i;
            int64_t ms = (host_monotonic_ns() - m->ts_start) / 1000000;
            char ts[40];
            snprintf(ts, sizeof(ts), "[%02d:%02d:%02d.%03d] ", (int)(ms / 3600000),
                     (int)(ms / 60000 % 60), (int)(ms / 1000 % 60), (int)(ms % 1000));
            mux_base_write(m, ts);
            m->at_line_start = false;
        }
        if (buf[i] == '\n')
            m->at_line_start = true;
    }
    chr_write(m->base, buf + start, len - start);
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    Mux *m = chr->state;
    if (m->timestamps) {
        mux_write_stamped(m, buf, len);
        return len;
    }
    return chr_write(m->base, buf, len);
}

static void mux_accept_input(Chardev *chr)
{
    Mux *m = chr->state;
    mux_drain_all(m);
    chr_accept_input(m->base);
}

bool chardev_is_mux(const Chardev *chr)
{
    return chr && chr->be == &chr_backend_mux;
}

const ChrBackend chr_backend_mux = {
    .name = "mux",
    .desc = "several frontends on one backend",
    .internal = true,
    .cfg_size = sizeof(ChrMuxConfig),
    .open = mux_open,
    .write = mux_write,
    .accept_input = mux_accept_input,
    .close = mux_close,
    .set_handlers = mux_set_handlers,
    .remove_handlers = mux_remove_handlers,
};
