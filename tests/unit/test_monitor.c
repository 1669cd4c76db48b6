/*
 * test_monitor.c — the human monitor: command lines run into a ringbuf
 * (help, info, info version, info chardev, unknown commands, commands that
 * need a machine, quit, registration of a new command and argument
 * splitting), and typed input over a socketpair chardev (echo, prompt,
 * backspace, Ctrl-U, CR LF, history) and through the mux (Ctrl-A c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/chardev-internal.h"
#include "core/error.h"
#include "core/monitor.h"

#define MS 1000000LL

typedef struct T {
    Loop *l;
    Chardev *rb;
    Monitor *mon;
    char out[65536];
} T;

static int setup(void **state)
{
    T *t = xzalloc(sizeof(*t));
    dev_lock();
    t->l = loop_new();
    ChrRingbufConfig cfg = {.size = 64 * 1024};
    Error *err = NULL;
    t->rb = chardev_new_backend(t->l, &chr_backend_ringbuf, "mon0", &cfg, &err);
    t->mon = monitor_new(t->l, t->rb, &err);
    if (!t->mon)
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    T *t = *state;
    monitor_free(t->mon);
    chardev_cleanup_all();
    loop_free(t->l);
    dev_unlock();
    free(t);
    return 0;
}

/* What the monitor wrote since the last call. */
static const char *drain(T *t)
{
    size_t n = chardev_ringbuf_read(t->rb, (uint8_t *)t->out, sizeof(t->out) - 1);
    t->out[n] = 0;
    return t->out;
}

static const char *run(T *t, const char *line)
{
    drain(t);
    monitor_run_line(t->mon, line);
    return drain(t);
}

static void expect_has(const char *out, const char *needle)
{
    if (!strstr(out, needle))
        fail_msg("output lacks '%s':\n%s", needle, out);
}

/* ---- a command of the test's own, registered like any other ----------- */

static char last_args[8][64];
static int last_argc;

static void hmp_testcmd(Monitor *mon, int argc, char **argv)
{
    last_argc = argc;
    for (int i = 0; i < argc && i < 8; i++)
        snprintf(last_args[i], sizeof(last_args[i]), "%s", argv[i]);
    monitor_printf(mon, "first\n");
    fprintf(monitor_file(mon), "second\n");
    monitor_printf(mon, "third\n");
}

MONITOR_COMMAND(cmd_testcmd,
    .name = "testcmd",
    .args = "word...",
    .help = "a command the monitor test registers",
    .fn = hmp_testcmd)

static void hmp_testinfo(Monitor *mon, int argc, char **argv)
{
    monitor_printf(mon, "testinfo argv0=%s argc=%d\n", argv[0], argc);
}

MONITOR_COMMAND(cmd_testinfo,
    .name = "testinfo",
    .args = "",
    .help = "an info subcommand the monitor test registers",
    .fn = hmp_testinfo,
    .is_info = true)

/* ---- lines --------------------------------------------------------------- */

static void test_banner_and_prompt(void **state)
{
    T *t = *state;
    /* monitor_new on an open chardev greets at once. */
    Monitor *m2;
    ChrRingbufConfig cfg = {.size = 4096};
    Error *err = NULL;
    Chardev *rb = chardev_new_backend(t->l, &chr_backend_ringbuf, "mon1", &cfg, &err);
    m2 = monitor_new(t->l, rb, &err);
    char buf[512];
    size_t n = chardev_ringbuf_read(rb, (uint8_t *)buf, sizeof(buf) - 1);
    buf[n] = 0;
    expect_has(buf, "monitor - type 'help' for more information\r\n");
    assert_true(n >= 8);
    assert_string_equal(buf + n - 8, "(ferry) ");
    monitor_free(m2);

    assert_null(monitor_new(t->l, NULL, &err));
    assert_non_null(err);
    error_free(err);
}

static void test_help(void **state)
{
    T *t = *state;
    const char *out = run(t, "help");
    const char *cmds[] = {"help [command] -- ", "info [subcommand] -- ", "quit -- ",
                          "stop -- ", "cont -- ", "system_reset -- ",
                          "system_powerdown -- ", "ringbuf_read device size -- ",
                          "testcmd word... -- a command the monitor test registers"};
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
        expect_has(out, cmds[i]);
    /* Sorted by name. */
    assert_true(strstr(out, "cont") < strstr(out, "help"));
    assert_true(strstr(out, "help") < strstr(out, "quit"));
    /* Info subcommands are listed by `info`, not by `help`. */
    assert_null(strstr(out, "version"));
    /* Lines end in \r\n for a raw terminal. */
    expect_has(out, "\r\n");
    assert_null(strstr(out, "\n\n"));

    out = run(t, "help quit");
    expect_has(out, "quit -- quit the emulator");
    assert_null(strstr(out, "stop"));
    out = run(t, "help info");
    expect_has(out, "info version -- ");
    out = run(t, "help nosuch");
    expect_has(out, "unknown command: 'nosuch'");
    out = run(t, "?");
    expect_has(out, "info [subcommand]");
}

static void test_info(void **state)
{
    T *t = *state;
    const char *out = run(t, "info");
    const char *subs[] = {"info version -- ", "info chardev -- ", "info qtree -- ",
                          "info mtree [-f] -- ", "info status -- ", "info testinfo -- "};
    for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
        expect_has(out, subs[i]);

    out = run(t, "info version");
    char *want = xasprintf("ferry %s", "");
    expect_has(out, want);
    free(want);
    assert_null(strstr(out, "unknown"));

    out = run(t, "info chardev");
    expect_has(out, "mon0: filename=ringbuf\r\n");

    out = run(t, "info testinfo x y");
    expect_has(out, "testinfo argv0=testinfo argc=3");

    out = run(t, "info nosuch");
    expect_has(out, "unknown info subcommand: 'nosuch'");
    expect_has(out, "'info'");
}

static void test_unknown_and_blank(void **state)
{
    T *t = *state;
    const char *out = run(t, "frobnicate now");
    expect_has(out, "unknown command: 'frobnicate'");
    expect_has(out, "help");
    out = run(t, "");
    assert_string_equal(out, "");
    out = run(t, "   \t ");
    assert_string_equal(out, "");
}

static void test_arguments_and_output_order(void **state)
{
    T *t = *state;
    const char *out = run(t, "  testcmd one \"two words\" 'three' x\"y z\" ");
    assert_int_equal(last_argc, 5);
    assert_string_equal(last_args[0], "testcmd");
    assert_string_equal(last_args[1], "one");
    assert_string_equal(last_args[2], "two words");
    assert_string_equal(last_args[3], "three");
    assert_string_equal(last_args[4], "xy z");
    /* monitor_printf and monitor_file() output keep their order. */
    assert_string_equal(out, "first\r\nsecond\r\nthird\r\n");
}

static void test_machine_commands_without_machine(void **state)
{
    T *t = *state;
    assert_null(monitor_machine(t->mon));
    const char *lines[] = {"stop", "cont", "system_reset", "system_powerdown",
                           "info status", "info mtree", "c", "s"};
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        const char *out = run(t, lines[i]);
        if (strcmp(out, "no machine\r\n"))
            fail_msg("'%s' answered '%s'", lines[i], out);
    }
    const char *out = run(t, "info mtree -x");
    expect_has(out, "unknown argument '-x'");
}

static void test_quit_without_machine(void **state)
{
    T *t = *state;
    assert_false(loop_quitting(t->l));
    run(t, "quit");
    assert_true(loop_quitting(t->l));
    assert_int_equal(loop_run(t->l), 0);
    run(t, "q");
    assert_true(loop_quitting(t->l));
    assert_int_equal(loop_run(t->l), 0);
}

static void test_ringbuf_commands(void **state)
{
    T *t = *state;
    ChrRingbufConfig cfg = {.size = 1024};
    Error *err = NULL;
    Chardev *rb = chardev_new_backend(t->l, &chr_backend_ringbuf, "rb", &cfg, &err);
    assert_non_null(rb);
    run(t, "ringbuf_write rb hello");
    const char *out = run(t, "ringbuf_read rb 3");
    assert_string_equal(out, "hel\r\n");
    out = run(t, "ringbuf_read rb 100");
    assert_string_equal(out, "lo\r\n");
    chr_write(rb, (const uint8_t *)"a\x1b" "b", 3);
    out = run(t, "ringbuf_read rb 100");
    assert_string_equal(out, "a\\x1bb\r\n");
    expect_has(run(t, "ringbuf_read nosuch 1"), "no chardev with id 'nosuch'");
    expect_has(run(t, "ringbuf_read mon0x 1"), "no chardev");
    expect_has(run(t, "ringbuf_read rb"), "usage");
    expect_has(run(t, "ringbuf_read rb lots"), "invalid size");
}

/* ---- typing -------------------------------------------------------------- */

static size_t read_avail(Loop *l, int fd, char *buf, size_t cap, int64_t settle_ns)
{
    size_t n = 0;
    int64_t last = host_monotonic_ns();
    while (n < cap - 1 && host_monotonic_ns() - last < settle_ns) {
        loop_run_once(l, 0);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 5) <= 0)
            continue;
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += r;
        last = host_monotonic_ns();
    }
    buf[n] = 0;
    return n;
}

typedef struct Tty {
    Chardev *chr;
    int peer;
    char buf[16384];
} Tty;

static void tty_open(T *t, Tty *y, const char *id)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ChrFdConfig cfg = {sv[0], sv[0]};
    Error *err = NULL;
    y->chr = chardev_new_backend(t->l, &chr_backend_fd, id, &cfg, &err);
    assert_non_null(y->chr);
    y->peer = sv[1];
}

static const char *type(T *t, Tty *y, const char *keys)
{
    if (*keys)
        assert_int_equal(write(y->peer, keys, strlen(keys)), (ssize_t)strlen(keys));
    read_avail(t->l, y->peer, y->buf, sizeof(y->buf), 100 * MS);
    return y->buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_typing(void **state)
{
    T *t = *state;
    Tty y;
    tty_open(t, &y, "tty0");
    Error *err = NULL;
    Monitor *mon = monitor_new(t->l, y.chr, &err);
    assert_non_null(mon);
    const char *out = type(t, &y, "");
    expect_has(out, "monitor - type 'help'");
    expect_has(out, "(ferry) ");

    /* Echo, then the answer, then a new prompt. */
    out = type(t, &y, "info version\r");
    expect_has(out, "info version\r\nferry ");
    assert_true(strlen(out) >= 8);
    assert_string_equal(out + strlen(out) - 8, "(ferry) ");

    /* Backspace (DEL and Ctrl-H) edits the line. */
    out = type(t, &y, "info versx\x7fio\x08on\r");
    expect_has(out, "\b \b");
    expect_has(out, "\r\nferry ");
    assert_null(strstr(out, "unknown"));

    /* Ctrl-U drops the line typed so far. */
    out = type(t, &y, "garbage\x15info version\r");
    assert_null(strstr(out, "unknown"));
    expect_has(out, "\r\nferry ");

    /* CR LF is one Enter, not an Enter and an empty line. */
    out = type(t, &y, "info version\r\n");
    assert_int_equal(count(out, "(ferry) "), 1);
    out = type(t, &y, "info version\n");
    assert_int_equal(count(out, "ferry "), 1);

    /* Up arrow recalls the last line; down returns to an empty one. */
    out = type(t, &y, "testcmd one\r");
    assert_string_equal(last_args[1], "one");
    last_argc = 0;
    out = type(t, &y, "\x1b[A\r");
    assert_int_equal(last_argc, 2);
    assert_string_equal(last_args[1], "one");
    out = type(t, &y, "\x1b[A\x1b[A\x1b[B\r");
    /* Two back is "info version"... one forward again is testcmd. */
    assert_int_equal(count(out, "first"), 1);
    last_argc = 0;
    out = type(t, &y, "\x1b[A\x1b[B\r");
    assert_int_equal(last_argc, 0);
    assert_null(strstr(out, "unknown"));

    /* Other escape sequences (arrows left/right, F-keys) do nothing. */
    out = type(t, &y, "\x1b[C\x1b[1;5D\x1bOP" "info version\r");
    assert_null(strstr(out, "unknown"));
    expect_has(out, "\r\nferry ");

    /* Unknown command typed. */
    out = type(t, &y, "bogus\r");
    expect_has(out, "unknown command: 'bogus'");

    /* quit over the wire stops the loop and prints no new prompt. */
    out = type(t, &y, "quit\r");
    assert_true(loop_quitting(t->l));
    assert_int_equal(count(out, "(ferry) "), 0);
    loop_run(t->l);

    monitor_free(mon);
    close(y.peer);
}

typedef struct Serial {
    char got[256];
    int len;
} Serial;

static int serial_can_read(void *opaque)
{
    return 64;
}

static void serial_read(void *opaque, const uint8_t *buf, int len)
{
    Serial *s = opaque;
    memcpy(s->got + s->len, buf, len);
    s->len += len;
}

static void test_monitor_on_mux(void **state)
{
    T *t = *state;
    Tty y;
    tty_open(t, &y, "base");
    ChrMuxConfig mc = {y.chr};
    Error *err = NULL;
    Chardev *mux = chardev_new_backend(t->l, &chr_backend_mux, "mux", &mc, &err);
    assert_non_null(mux);
    /* As -serial mon:stdio does it: monitor first, then the UART. */
    Monitor *mon = monitor_new(t->l, mux, &err);
    Serial ser = {0};
    assert_int_equal(chr_set_handlers(mux, serial_can_read, serial_read, NULL, &ser, &err), 0);

    /* Neither banner nor prompt (as QEMU): the UART has the focus. */
    const char *out = type(t, &y, "");
    assert_null(strstr(out, "monitor - type 'help'"));
    assert_null(strstr(out, "(ferry)"));
    out = type(t, &y, "info version\r");
    assert_null(strstr(out, "ferry "));
    assert_int_equal(ser.len, 13);

    /* Ctrl-A c: the banner (the first time only), the prompt, the keys. */
    out = type(t, &y, "\x01" "c");
    expect_has(out, "monitor - type 'help'");
    expect_has(out, "(ferry) ");
    out = type(t, &y, "info version\r");
    expect_has(out, "info version\r\nferry ");
    assert_int_equal(ser.len, 13);

    /* And back. */
    out = type(t, &y, "\x01" "c" "abc");
    assert_int_equal(ser.len, 16);
    assert_memory_equal(ser.got + 13, "abc", 3);

    /* Again to the monitor: a prompt, no second banner. */
    out = type(t, &y, "\x01" "c");
    expect_has(out, "(ferry) ");
    assert_null(strstr(out, "monitor - type 'help'"));

    chr_remove_handlers(mux, &ser);
    monitor_free(mon);
    close(y.peer);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_banner_and_prompt),
        T(test_help),
        T(test_info),
        T(test_unknown_and_blank),
        T(test_arguments_and_output_order),
        T(test_machine_commands_without_machine),
        T(test_quit_without_machine),
        T(test_ringbuf_commands),
        T(test_typing),
        T(test_monitor_on_mux),
    };
    return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
