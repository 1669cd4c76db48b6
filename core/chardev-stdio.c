/*
 * chardev-stdio.c — the stdio backend: the emulator's own stdin/stdout.
 *
 * When stdin is a terminal it goes into raw mode (no echo, no line editing,
 * and with signal=off no Ctrl-C/Ctrl-Z/Ctrl-\ signals, so those keys reach
 * the guest). The terminal is put back as it was on every way out: closing
 * the chardev, exit() (atexit), fatal() (exit hook), and the signals that
 * would otherwise kill or stop us with the terminal still raw. Signal
 * handlers can only reach global state, which is why the saved terminal
 * state below is global; there is one terminal per process.
 */
#include "core/chardev-internal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "core/error.h"

static const int fatal_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGABRT};

static struct {
    volatile sig_atomic_t raw;   /* the terminal is in our raw mode */
    int fd;
    struct termios saved, rawmode;
    bool handlers;
    struct sigaction old[ARRAY_SIZE(fatal_signals)];
    struct sigaction old_tstp, old_cont;
} term = {.fd = -1};

/* One stdio chardev on the real stdin/stdout at a time. */
static bool stdio_in_use;

typedef struct Stdio {
    bool real;            /* on fds 0/1 */
} Stdio;

/* Async-signal-safe: only tcsetattr. */
void chardev_stdio_restore_terminal(void)
{
    if (term.raw) {
        tcsetattr(term.fd, TCSANOW, &term.saved);
        term.raw = 0;
    }
}

static void on_fatal_signal(int sig)
{
    chardev_stdio_restore_terminal();
    /* Die of the same signal, so the parent sees what happened. */
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

static void on_stop_signal(int sig)
{
    int was_raw = term.raw;
    chardev_stdio_restore_terminal();
    signal(SIGTSTP, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGTSTP);
    /* Continued (fg): back to raw, and ready for the next Ctrl-Z. */
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTSTP, &sa, NULL);
    if (was_raw) {
        tcsetattr(term.fd, TCSANOW, &term.rawmode);
        term.raw = 1;
    }
    (void)sig;
}

static void install_handlers(void)
{
    if (term.handlers)
        return;
    struct sigaction sa = {.sa_handler = on_fatal_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
        sigaction(fatal_signals[i], NULL, &term.old[i]);
        /* An ignored signal (nohup) or someone else's handler stays. */
        if (term.old[i].sa_handler == SIG_DFL)
            sigaction(fatal_signals[i], &sa, NULL);
    }
    sigaction(SIGTSTP, NULL, &term.old_tstp);
    if (term.old_tstp.sa_handler == SIG_DFL) {
        struct sigaction st = {.sa_handler = on_stop_signal};
        sigemptyset(&st.sa_mask);
        sigaction(SIGTSTP, &st, NULL);
    }
    term.handlers = true;
}

static void uninstall_handlers(void)
{
    if (!term.handlers)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
        if (term.old[i].sa_handler == SIG_DFL)
            sigaction(fatal_signals[i], &term.old[i], NULL);
    }
    if (term.old_tstp.sa_handler == SIG_DFL)
        sigaction(SIGTSTP, &term.old_tstp, NULL);
    term.handlers = false;
}

static void restore_at_exit(void)
{
    chardev_stdio_restore_terminal();
}

static int enter_raw(int fd, bool allow_signals, Error **errp)
{
    static bool atexit_done;
    struct termios t;
    if (tcgetattr(fd, &t) < 0) {
        error_setg_errno(errp, errno, "stdio: cannot read the terminal mode");
        return -1;
    }
    term.saved = t;
    term.fd = fd;
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST; /* keep \n -> \r\n for our own messages */
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (allow_signals)
        t.c_lflag |= ISIG;
    else
        t.c_lflag &= ~ISIG;
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    term.rawmode = t;

    /* Hooks first: from here on every exit path must undo the change. */
    install_handlers();
    exit_hook_add(restore_at_exit);
    if (!atexit_done) {
        atexit(restore_at_exit);
        atexit_done = true;
    }
    term.raw = 1;
    if (tcsetattr(fd, TCSANOW, &t) < 0) {
        term.raw = 0;
        error_setg_errno(errp, errno, "stdio: cannot set raw terminal mode");
        return -1;
    }
    return 0;
}

static const char *const stdio_keys[] = {"signal", NULL};

static int stdio_parse(Opts *o, void *opaque, Error **errp)
{
    ChrStdioConfig *cfg = opaque;
    cfg->in_fd = 0;
    cfg->out_fd = 1;
    cfg->signal = -1;
    if (opts_has(o, "signal")) {
        bool on;
        if (opts_get_bool(o, "signal", true, &on, errp) < 0)
            return -1;
        cfg->signal = on;
    }
    return 0;
}

static int stdio_open(Chardev *chr, const void *opaque, Error **errp)
{
    const ChrStdioConfig *cfg = opaque;
    bool real = cfg->in_fd == 0;
    if (real && stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return -1;
    }
    /* Under a mux (-nographic, mon:stdio) Ctrl-C belongs to the guest and
     * Ctrl-A x quits; otherwise Ctrl-C stops the emulator. */
    bool signals = cfg->signal < 0 ? !cfg->under_mux : cfg->signal;
    if (isatty(cfg->in_fd)) {
        if (term.raw) {
            error_setg(errp, "stdio: a terminal is already in raw mode");
            return -1;
        }
        if (enter_raw(cfg->in_fd, signals, errp) < 0)
            return -1;
    }
    Stdio *s = xzalloc(sizeof(*s));
    s->real = real;
    if (real)
        stdio_in_use = true;
    chr->state = s;
    chr_set_filename(chr, "stdio");
    /* stdin/stdout stay blocking: O_NONBLOCK is shared with every other
     * process on the terminal (the shell after we exit, our own stderr).
     * Reads only happen when poll() says there is input. */
    chr_fd_start(chr, cfg->in_fd, cfg->out_fd);
    chr->open = true;
    return 0;
}

static void stdio_hangup(Chardev *chr)
{
    /* stdin reached EOF (e.g. </dev/null): output goes on, input stops. */
}

static void stdio_close(Chardev *chr)
{
    Stdio *s = chr->state;
    chardev_stdio_restore_terminal();
    uninstall_handlers();
    if (s->real)
        stdio_in_use = false;
    free(s);
}

const ChrBackend chr_backend_stdio = {
    .name = "stdio",
    .desc = "standard input/output (signal=on|off: Ctrl-C stops ferry)",
    .keys = stdio_keys,
    .cfg_size = sizeof(ChrStdioConfig),
    .parse = stdio_parse,
    .open = stdio_open,
    .hangup = stdio_hangup,
    .close = stdio_close,
};
