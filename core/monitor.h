/*
 * monitor.h — the human monitor (HMP), on any chardev: -monitor stdio,
 * -mon chardev=ID, or the mux's Ctrl-A c.
 *
 * Commands and `info` subcommands live in one table each, filled at link
 * time: a new command is one MONITOR_COMMAND(...) in the file that owns the
 * feature (e.g. `info network` in netback/). A handler gets the words of the
 * line (argv[0] is the command) and prints with monitor_printf().
 */
#ifndef FERRY_MONITOR_H
#define FERRY_MONITOR_H

#include "core/chardev.h"

typedef struct Monitor Monitor;
typedef struct Machine Machine;

typedef struct MonitorCommand {
    const char *name;
    const char *args;  /* usage, e.g. "[all]"; "" for none */
    const char *help;
    void (*fn)(Monitor *mon, int argc, char **argv);
    bool is_info;      /* an `info NAME` subcommand */
} MonitorCommand;

void monitor_register(const MonitorCommand *cmd);
#define MONITOR_COMMAND(var, ...)                                 \
    static const MonitorCommand var = {__VA_ARGS__};              \
    REGISTER_AT_STARTUP(var##_register) { monitor_register(&var); }

Monitor *monitor_new(Loop *l, Chardev *chr, Error **errp);
void monitor_free(Monitor *mon); /* detaches from the chardev */
/* The machine that stop/cont/quit/info mtree/... act on; commands that
 * need one answer "no machine" while it is NULL. */
void monitor_set_machine(Monitor *mon, Machine *m);
Machine *monitor_machine(Monitor *mon);
void monitor_printf(Monitor *mon, const char *fmt, ...) PRINTF_FMT(2, 3);
/* A FILE that writes to the monitor, for print functions that take FILE *
 * (as_print_tree, ...); flushed after each command. */
FILE *monitor_file(Monitor *mon);
/* Runs one command line as if typed (tests, -readconfig, scripts). */
void monitor_run_line(Monitor *mon, const char *line);

#endif
