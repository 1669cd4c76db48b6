/*
 * main.c — the ferry binary: parse the command line, then build and run the
 * machine in phases, each finding what the earlier ones made:
 *
 *   1. parse and check the whole line; answer help requests
 *   2. chardevs (-chardev), network backends (-netdev, then -net and -nic,
 *      which also record the NICs they ask for; the default network when no
 *      network option and no -nodefaults), then -object filter-dump on them
 *   3. serial ports and monitors, then the machine (board, RAM, onboard
 *      devices: an onboard NIC takes its -nic request here), then the
 *      pluggable NICs -nic/-net nic asked for, on the buses the board made
 *   4. -device lines realized; QEMU's warnings for a half-configured
 *      network; run until the guest or the user ends it
 *
 * -device, -netdev, -nic, -net and -object lines are already checked in
 * phase 1, so a misspelt property is reported even when the board cannot
 * be built.
 */
#include <signal.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/cli.h"
#include "core/log.h"
#include "core/monitor.h"
#include "devices/fw_cfg.h"
#include "netback/net.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

static const char *pidfile_path;

static void pidfile_remove(void)
{
    if (pidfile_path)
        unlink(pidfile_path);
}

static void pidfile_write(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fatal("-pidfile %s: cannot create: %s", path, strerror(errno));
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    pidfile_path = path;
    exit_hook_add(pidfile_remove);
}

/* Termination signals become an orderly quit on the loop thread, so the
 * terminal is restored and files are flushed. */
static int signal_pipe[2] = {-1, -1};
static Machine *signal_machine;

static void on_term_signal(int sig)
{
    unsigned char b = (unsigned char)sig;
    if (write(signal_pipe[1], &b, 1) < 0) {
        /* The pipe is full: a quit is already pending. */
    }
}

static void signal_readable(void *opaque)
{
    unsigned char b;
    if (read(signal_pipe[0], &b, 1) == 1) {
        info_report("terminating on signal %d", b);
        machine_request_quit(signal_machine, 0);
    }
}

static void install_signal_handlers(Machine *m)
{
    if (pipe(signal_pipe) < 0)
        fatal("cannot create signal pipe: %s", strerror(errno));
    signal_machine = m;
    loop_set_fd_handler(m->loop, signal_pipe[0], signal_readable, NULL, NULL);
    struct sigaction sa = {.sa_handler = on_term_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Does the line already put something on stdio? */
static bool stdio_claimed(CliConfig *c)
{
    for (int i = 0; i < c->monitors.n; i++)
        if (strstr(c->monitors.v[i], "stdio"))
            return true;
    for (int i = 0; i < c->chardevs.n; i++) {
        const char *b = opts_get(c->chardevs.v[i], "backend");
        if (b && !strcmp(b, "stdio"))
            return true;
    }
    return false;
}

/* QEMU's defaults for where the serial console and the monitor go. QEMU
 * sends an unplaced serial port to a graphical console; ferry has none, so
 * the serial port goes to stdio when nothing else claimed it (with the
 * monitor muxed in when no monitor was asked for), and nowhere under
 * -display none, as in QEMU. -nographic with a -serial puts the monitor on
 * stdio, as QEMU does. */
static void apply_console_defaults(CliConfig *c)
{
    if (c->nodefaults)
        return;
    bool has_monitor = c->monitors.n || c->mons.n;
    if (c->serials.n == 0) {
        if ((c->display_none && !c->nographic) || stdio_claimed(c))
            return;
        c->serials.v = xrealloc(c->serials.v, sizeof(*c->serials.v));
        c->serials.v[0] = has_monitor ? "stdio" : "mon:stdio";
        c->serials.n = 1;
    } else if (!has_monitor && c->nographic && !stdio_claimed(c)) {
        bool serial_on_stdio = false;
        for (int i = 0; i < c->serials.n; i++)
            serial_on_stdio |= strstr(c->serials.v[i], "stdio") != NULL;
        if (serial_on_stdio)
            return;
        c->monitors.v = xrealloc(c->monitors.v, sizeof(*c->monitors.v));
        c->monitors.v[0] = "stdio";
        c->monitors.n = 1;
    }
}

static void quit_machine(void *opaque)
{
    machine_request_quit(opaque, 0);
}

static void add_monitor(Machine *m, Chardev *chr)
{
    Error *err = NULL;
    Monitor *mon = monitor_new(m->loop, chr, &err);
    if (!mon)
        fatal_err(err);
    monitor_set_machine(mon, m);
}

int main(int argc, char **argv)
{
    error_set_progname(argv[0]);
    Error *err = NULL;
    CliConfig cfg = {0};
    CliConfig *c = &cfg;

    if (cli_parse(c, argc, argv, &err) < 0)
        fatal_err(err);
    if (cli_answer_help(c, &err)) {
        if (err)
            fatal_err(err);
        return 0;
    }
    const MachineType *mt = cli_machine_type(c, &err);
    if (!mt || cli_validate_machine(c, mt, &err) < 0)
        fatal_err(err);
    if (c->mc.cpu_model && strcmp(mt->arch, "none") &&
        !cpu_model_find(mt->arch, c->mc.cpu_model))
        fatal("-cpu %s: unknown CPU model for %s (see -cpu help)", c->cpu_arg, mt->arch);

    /* The translator: its backend, and a code buffer for machines with CPUs. */
    if (c->accel_backend && tcg_select_backend(c->accel_backend, &err) < 0)
        fatal_err(err);
    if (strcmp(mt->arch, "none") &&
        tcg_exec_init(c->tb_size * MiB, NULL, &err) < 0)
        fatal_err(err);

    Loop *loop = loop_new();
    dev_lock();
    exit_hook_add(chardev_cleanup_all);

    for (int i = 0; i < c->chardevs.n; i++)
        if (!chardev_new_from_opts(loop, c->chardevs.v[i], &err))
            fatal_err(err);
    net_init(loop);
    for (int i = 0; i < c->netdevs.n; i++)
        if (netdev_create_from_opts(c->netdevs.v[i], &err) < 0)
            fatal_err(err);
    for (int i = 0; i < c->nets.n; i++)
        if (net_legacy_from_opts(c->nets.v[i], &err) < 0)
            fatal_err(err);
    for (int i = 0; i < c->nics.n; i++) {
        bool none;
        if (nic_create_from_opts(c->nics.v[i], &none, &err) < 0)
            fatal_err(err);
        c->nic_none |= none;
    }
    if (!c->user_gave_net && !c->nodefaults && net_create_default(&err) < 0)
        fatal_err(err);
    for (int i = 0; i < c->objects.n; i++)
        if (net_object_create(c->objects.v[i], &err) < 0)
            fatal_err(err);

    Machine *m = machine_new(mt, loop);
    m->cfg = c->mc;
    chardev_set_quit_handler(quit_machine, m);
    apply_console_defaults(c);
    for (int i = 0; i < c->serials.n; i++) {
        char label[32];
        snprintf(label, sizeof(label), "serial%d", i);
        Chardev *chr = chardev_new_from_spec(loop, label, c->serials.v[i], &err);
        if (!chr && err)
            fatal_err(err);
        m->cfg.serial[i] = chr;
        m->cfg.n_serial = i + 1;
        /* The monitor attaches before the board's UART, which then takes
         * the mux focus: the console shows the guest first. */
        if (chr && chardev_wants_monitor(chr))
            add_monitor(m, chr);
    }
    for (int i = 0; i < c->monitors.n; i++) {
        char label[32];
        snprintf(label, sizeof(label), "compat_monitor%d", i);
        Chardev *chr = chardev_new_from_spec(loop, label, c->monitors.v[i], &err);
        if (!chr && err)
            fatal_err(err);
        if (chr)
            add_monitor(m, chr);
    }
    for (int i = 0; i < c->mons.n; i++) {
        const char *id = opts_get(c->mons.v[i], "chardev");
        Chardev *chr = chardev_find(id);
        if (!chr)
            fatal("-mon %s: no -chardev with id '%s'", c->mons.v[i]->text, id);
        add_monitor(m, chr);
    }

    if (machine_init(m, &err) < 0 || net_place_nics(m, &err) < 0)
        fatal_err(err);
    /* The board's fw_cfg device took the -fw_cfg items; a board without one
     * cannot honour them. */
    if (m->cfg.n_fw_cfg && !fw_cfg_find())
        fatal("-fw_cfg %s: machine '%s' has no fw_cfg device", c->fw_cfgs.v[0]->text,
              mt->name);
    for (int i = 0; i < c->devices.n; i++)
        if (!device_create_from_opts(c->devices.v[i], &err))
            fatal_err(err);
    net_check_clients();
    if (c->pidfile)
        pidfile_write(c->pidfile);

    install_signal_handlers(m);
    int status = machine_run(m);
    dev_unlock();
    exit_hooks_run();
    log_flush();
    return status;
}
