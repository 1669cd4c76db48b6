/*
 * chardev-pty.c — the pty backend: a new pseudo-terminal whose slave side
 * (/dev/pts/N) a terminal program such as screen or minicom opens.
 *
 * A pty master cannot be polled while nobody has the slave open (it reports
 * a hangup continuously), so while disconnected the master is checked by a
 * timer instead; output written meanwhile is dropped, as on a serial line
 * with nothing plugged in.
 */
#include "core/chardev-internal.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "core/error.h"

#define PTY_CHECK_NS (200 * 1000000LL)

typedef struct Pty {
    int master;
    char *slave_name;
    Timer *check;
} Pty;

static bool slave_connected(Pty *p)
{
    struct pollfd pfd = {.fd = p->master, .events = POLLIN};
    if (poll(&pfd, 1, 0) < 0)
        return false;
    return !(pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void pty_connect(Chardev *chr)
{
    Pty *p = chr->state;
    timer_del(p->check);
    chr_fd_start(chr, p->master, p->master);
    chr_be_event(chr, CHR_EVENT_OPENED);
}

static void pty_check(void *opaque)
{
    Chardev *chr = opaque;
    Pty *p = chr->state;
    if (slave_connected(p))
        pty_connect(chr);
    else
        timer_mod(p->check, clock_get_ns(chr->loop, CLK_REALTIME) + PTY_CHECK_NS);
}

static void pty_hangup(Chardev *chr)
{
    Pty *p = chr->state;
    chr_fd_stop(chr);
    chr_be_event(chr, CHR_EVENT_CLOSED);
    timer_mod(p->check, clock_get_ns(chr->loop, CLK_REALTIME) + PTY_CHECK_NS);
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->out_fd < 0)
        return len; /* nobody on the other side */
    return chr_fd_write(chr, buf, len);
}

static int pty_open(Chardev *chr, const void *cfg, Error **errp)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot create a pty", chr->id);
        return -1;
    }
    const char *name = NULL;
    if (grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m))) {
        error_setg_errno(errp, errno, "chardev '%s': cannot set up the pty", chr->id);
        close(m);
        return -1;
    }
    /* Raw on the line discipline, or the guest's output is reformatted
     * (\n -> \r\n, echo) before the terminal program sees it. */
    int s = open(name, O_RDWR | O_NOCTTY);
    if (s >= 0) {
        struct termios t;
        if (tcgetattr(s, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(s, TCSANOW, &t);
        }
        close(s);
    }
    chr_set_nonblock(m, true);
    chr_set_cloexec(m);

    Pty *p = xzalloc(sizeof(*p));
    p->master = m;
    p->slave_name = xstrdup(name);
    p->check = timer_new(chr->loop, CLK_REALTIME, pty_check, chr);
    chr->state = p;
    chr_set_filename(chr, "pty:%s", p->slave_name);
    /* The line scripts look for, in QEMU's words. */
    fprintf(stderr, "char device redirected to %s (label %s)\n", p->slave_name, chr->id);
    if (slave_connected(p))
        pty_connect(chr);
    else
        timer_mod(p->check, clock_get_ns(chr->loop, CLK_REALTIME) + PTY_CHECK_NS);
    return 0;
}

static void pty_close(Chardev *chr)
{
    Pty *p = chr->state;
    timer_free(p->check);
    close(p->master);
    free(p->slave_name);
    free(p);
}

const ChrBackend chr_backend_pty = {
    .name = "pty",
    .desc = "a new pseudo-terminal (its /dev/pts name is printed)",
    .open = pty_open,
    .write = pty_write,
    .hangup = pty_hangup,
    .close = pty_close,
};
