/*
 * monitor.c — the human monitor: a line editor on a chardev, the command
 * tables that files fill with MONITOR_COMMAND, and the commands that belong
 * to the monitor itself (help, info, info version, info chardev, quit).
 * Machine commands (stop, cont, info mtree, ...) are in monitor-machine.c.
 *
 * Handlers of `info NAME` subcommands get argv[0] = NAME.
 */
#include "core/monitor.h"

#include "core/error.h"
#include "core/machine.h"

#include "core/version.h"

#define MON_LINE_MAX 1024
#define MON_HIST 32
#define MON_MAX_ARGS 64
#define MON_PROMPT "(ferry) "

typedef enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 } EscState;

struct Monitor {
    Loop *loop;
    Chardev *chr;
    struct Machine *machine;
    FILE *file;
    char line[MON_LINE_MAX];
    int len;
    EscState esc;
    bool last_cr;             /* swallow the \n of \r\n */
    char *hist[MON_HIST];
    int hist_n;
    int hist_pos;             /* == hist_n: editing a new line */
    bool mux_out;             /* another mux frontend has the focus */
    bool opened;              /* the chardev is open */
    bool greeted;             /* banner printed (once, at the first focus) */
};

/* ---- command tables (global: filled at link time) ----------------------- */

typedef struct CmdTable {
    const MonitorCommand **v;
    int n, cap;
    bool sorted;
} CmdTable;

static CmdTable commands, info_commands;

void monitor_register(const MonitorCommand *cmd)
{
    CmdTable *t = cmd->is_info ? &info_commands : &commands;
    for (int i = 0; i < t->n; i++) {
        if (!strcmp(t->v[i]->name, cmd->name)) {
            fprintf(stderr, "ferry: internal error: monitor command '%s%s' "
                    "registered twice\n", cmd->is_info ? "info " : "", cmd->name);
            abort();
        }
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    t->v[t->n++] = cmd;
    t->sorted = false;
}

static int cmd_cmp(const void *a, const void *b)
{
    const MonitorCommand *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static void table_sort(CmdTable *t)
{
    if (!t->sorted && t->n)
        qsort(t->v, t->n, sizeof(*t->v), cmd_cmp);
    t->sorted = true;
}

static const MonitorCommand *table_find(CmdTable *t, const char *name)
{
    for (int i = 0; i < t->n; i++) {
        if (!strcmp(t->v[i]->name, name))
            return t->v[i];
    }
    return NULL;
}

/* QEMU's short names, for fingers that know them. */
static const char *const aliases[][2] = {
    {"?", "help"}, {"h", "help"}, {"i", "info"}, {"q", "quit"},
    {"c", "cont"}, {"s", "stop"},
};

static const MonitorCommand *find_command(const char *name)
{
    table_sort(&commands);
    const MonitorCommand *c = table_find(&commands, name);
    for (size_t i = 0; !c && i < ARRAY_SIZE(aliases); i++) {
        if (!strcmp(aliases[i][0], name))
            c = table_find(&commands, aliases[i][1]);
    }
    return c;
}

/* ---- output -------------------------------------------------------------- */

/* The terminal behind the monitor is usually raw: \n needs its \r. */
static void monitor_puts(Monitor *mon, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\n')
            continue;
        if (i > start)
            chr_write(mon->chr, (const uint8_t *)s + start, i - start);
        chr_write(mon->chr, (const uint8_t *)"\r\n", 2);
        start = i + 1;
    }
    if (len > start)
        chr_write(mon->chr, (const uint8_t *)s + start, len - start);
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    fflush(mon->file); /* keep order with output through monitor_file() */
    monitor_puts(mon, s, strlen(s));
    free(s);
}

#ifdef __APPLE__
static int file_write(void *cookie, const char *buf, int size)
{
    monitor_puts(cookie, buf, size);
    return size;
}
#else
static ssize_t file_write(void *cookie, const char *buf, size_t size)
{
    monitor_puts(cookie, buf, size);
    return size;
}
#endif

static FILE *open_monitor_file(Monitor *mon)
{
#ifdef __APPLE__
    FILE *f = funopen(mon, NULL, file_write, NULL, NULL);
#else
    cookie_io_functions_t io = {.write = file_write};
    FILE *f = fopencookie(mon, "w", io);
#endif
    if (!f)
        fatal("monitor: cannot create an output stream: %s", strerror(errno));
    return f;
}

FILE *monitor_file(Monitor *mon)
{
    return mon->file;
}

static void show_prompt(Monitor *mon)
{
    monitor_puts(mon, MON_PROMPT, strlen(MON_PROMPT));
    if (mon->len)
        chr_write(mon->chr, (const uint8_t *)mon->line, mon->len);
}

/* ---- running commands ---------------------------------------------------- */

/* Splits at blanks; "double" or 'single' quotes group words. */
static int split_words(char *s, char **argv, int max)
{
    int argc = 0;
    char *out = s;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (argc == max)
            return -1;
        argv[argc++] = out;
        char quote = 0;
        while (*s && (quote || (*s != ' ' && *s != '\t'))) {
            if (!quote && (*s == '"' || *s == '\'')) {
                quote = *s++;
            } else if (quote && *s == quote) {
                quote = 0;
                s++;
            } else {
                *out++ = *s++;
            }
        }
        if (*s)
            s++;
        *out++ = 0;
    }
    return argc;
}

void monitor_run_line(Monitor *mon, const char *line)
{
    char *copy = xstrdup(line);
    char *argv[MON_MAX_ARGS + 1];
    int argc = split_words(copy, argv, MON_MAX_ARGS);
    if (argc < 0) {
        monitor_printf(mon, "too many arguments (at most %d)\n", MON_MAX_ARGS);
    } else if (argc > 0) {
        argv[argc] = NULL;
        const MonitorCommand *cmd = find_command(argv[0]);
        if (cmd)
            cmd->fn(mon, argc, argv);
        else
            monitor_printf(mon, "unknown command: '%s' (type 'help' for a list)\n",
                           argv[0]);
    }
    fflush(mon->file);
    free(copy);
}

/* ---- line editing -------------------------------------------------------- */

static void replace_line(Monitor *mon, const char *s)
{
    /* Back to column 0, clear to end of line, redraw. */
    chr_write(mon->chr, (const uint8_t *)"\r\033[K", 4);
    mon->len = snprintf(mon->line, sizeof(mon->line), "%s", s);
    if (mon->len >= (int)sizeof(mon->line))
        mon->len = sizeof(mon->line) - 1;
    show_prompt(mon);
}

static void history_add(Monitor *mon, const char *s)
{
    if (!*s || (mon->hist_n && !strcmp(mon->hist[mon->hist_n - 1], s)))
        return;
    if (mon->hist_n == MON_HIST) {
        free(mon->hist[0]);
        memmove(mon->hist, mon->hist + 1, (MON_HIST - 1) * sizeof(mon->hist[0]));
        mon->hist_n--;
    }
    mon->hist[mon->hist_n++] = xstrdup(s);
}

static void history_move(Monitor *mon, int dir)
{
    int pos = mon->hist_pos + dir;
    if (pos < 0 || pos > mon->hist_n)
        return;
    mon->hist_pos = pos;
    replace_line(mon, pos == mon->hist_n ? "" : mon->hist[pos]);
}

static void enter_line(Monitor *mon)
{
    chr_write(mon->chr, (const uint8_t *)"\r\n", 2);
    mon->line[mon->len] = 0;
    char *line = xstrdup(mon->line);
    mon->len = 0;
    history_add(mon, line);
    mon->hist_pos = mon->hist_n;
    monitor_run_line(mon, line);
    free(line);
    if (!loop_quitting(mon->loop))
        show_prompt(mon);
}

static void input_byte(Monitor *mon, uint8_t c)
{
    switch (mon->esc) {
    case ESC_START:
        mon->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
        return;
    case ESC_CSI:
    case ESC_SS3:
        /* Parameters, then a final byte; only up/down mean something. */
        if (c >= 0x40 && c <= 0x7e) {
            mon->esc = ESC_NONE;
            if (c == 'A')
                history_move(mon, -1);
            else if (c == 'B')
                history_move(mon, +1);
        }
        return;
    case ESC_NONE:
        break;
    }

    bool was_cr = mon->last_cr;
    mon->last_cr = c == '\r';
    switch (c) {
    case 0x1b:
        mon->esc = ESC_START;
        break;
    case '\r':
        enter_line(mon);
        break;
    case '\n':
        if (!was_cr)
            enter_line(mon);
        break;
    case 0x7f: /* DEL: what the Backspace key sends */
    case 0x08: /* Ctrl-H */
        if (mon->len > 0) {
            mon->len--;
            chr_write(mon->chr, (const uint8_t *)"\b \b", 3);
        }
        break;
    case 0x15: /* Ctrl-U: erase the line */
        while (mon->len > 0) {
            mon->len--;
            chr_write(mon->chr, (const uint8_t *)"\b \b", 3);
        }
        break;
    case 0x03: /* Ctrl-C: abandon the line */
        mon->len = 0;
        monitor_puts(mon, "^C\n", 3);
        show_prompt(mon);
        break;
    default:
        if (c < 0x20)
            break; /* other control keys do nothing */
        if (mon->len < MON_LINE_MAX - 1) {
            mon->line[mon->len++] = c;
            chr_write(mon->chr, &c, 1);
        }
        break;
    }
}

static int mon_can_read(void *opaque)
{
    return MON_LINE_MAX; /* commands run synchronously: always ready */
}

static void mon_read(void *opaque, const uint8_t *buf, int len)
{
    Monitor *mon = opaque;
    for (int i = 0; i < len; i++)
        input_byte(mon, buf[i]);
}

static void greet(Monitor *mon)
{
    monitor_printf(mon, "ferry %s monitor - type 'help' for more information\n",
                   FERRY_VERSION);
    show_prompt(mon);
    mon->greeted = true;
}

static void mon_event(void *opaque, ChrEvent ev)
{
    Monitor *mon = opaque;
    switch (ev) {
    case CHR_EVENT_OPENED:
        mon->len = 0;
        mon->esc = ESC_NONE;
        mon->opened = true;
        /* Behind a mux whose focus is elsewhere (the console of
         * -nographic), the banner waits for the first Ctrl-A c, as QEMU's. */
        if (!mon->mux_out)
            greet(mon);
        break;
    case CHR_EVENT_CLOSED:
        mon->len = 0;
        mon->esc = ESC_NONE;
        mon->opened = false;
        break;
    case CHR_EVENT_MUX_IN:
        if (mon->mux_out && mon->opened) {
            if (mon->greeted)
                show_prompt(mon);
            else
                greet(mon);
        }
        mon->mux_out = false;
        break;
    case CHR_EVENT_MUX_OUT:
        if (!mon->mux_out && mon->greeted)
            monitor_puts(mon, "\n", 1);
        mon->mux_out = true;
        break;
    case CHR_EVENT_BREAK:
        break;
    }
}

Monitor *monitor_new(Loop *l, Chardev *chr, Error **errp)
{
    if (!chr) {
        error_setg(errp, "monitor: no chardev");
        return NULL;
    }
    Monitor *mon = xzalloc(sizeof(*mon));
    mon->loop = l;
    mon->chr = chr;
    mon->file = open_monitor_file(mon);
    setvbuf(mon->file, NULL, _IONBF, 0);
    /* May send OPENED (and so the banner) right away: set up first. */
    if (chr_set_handlers(chr, mon_can_read, mon_read, mon_event, mon, errp) < 0) {
        fclose(mon->file);
        free(mon);
        return NULL;
    }
    return mon;
}

void monitor_free(Monitor *mon)
{
    if (!mon)
        return;
    chr_remove_handlers(mon->chr, mon);
    fclose(mon->file);
    for (int i = 0; i < mon->hist_n; i++)
        free(mon->hist[i]);
    free(mon);
}

void monitor_set_machine(Monitor *mon, struct Machine *m)
{
    mon->machine = m;
}

struct Machine *monitor_machine(Monitor *mon)
{
    return mon->machine;
}

/* ---- the monitor's own commands ----------------------------------------- */

static void print_cmd(Monitor *mon, const char *prefix, const MonitorCommand *c)
{
    monitor_printf(mon, "%s%s%s%s -- %s\n", prefix, c->name,
                   c->args && *c->args ? " " : "", c->args ? c->args : "", c->help);
}

static void print_info_list(Monitor *mon)
{
    table_sort(&info_commands);
    for (int i = 0; i < info_commands.n; i++)
        print_cmd(mon, "info ", info_commands.v[i]);
}

static void hmp_help(Monitor *mon, int argc, char **argv)
{
    table_sort(&commands);
    if (argc >= 2) {
        if (!strcmp(argv[1], "info")) {
            print_info_list(mon);
            return;
        }
        const MonitorCommand *c = find_command(argv[1]);
        if (!c) {
            monitor_printf(mon, "unknown command: '%s' (type 'help' for a list)\n",
                           argv[1]);
            return;
        }
        print_cmd(mon, "", c);
        return;
    }
    for (int i = 0; i < commands.n; i++)
        print_cmd(mon, "", commands.v[i]);
}

MONITOR_COMMAND(cmd_help,
    .name = "help",
    .args = "[command]",
    .help = "show the commands, or help for one command (short names: ? h i q c s)",
    .fn = hmp_help)

static void hmp_info(Monitor *mon, int argc, char **argv)
{
    if (argc < 2) {
        print_info_list(mon);
        return;
    }
    table_sort(&info_commands);
    const MonitorCommand *c = table_find(&info_commands, argv[1]);
    if (!c) {
        monitor_printf(mon, "unknown info subcommand: '%s' (type 'info' for a list)\n",
                       argv[1]);
        return;
    }
    c->fn(mon, argc - 1, argv + 1);
}

MONITOR_COMMAND(cmd_info,
    .name = "info",
    .args = "[subcommand]",
    .help = "show information about the system (type 'info' for the list)",
    .fn = hmp_info)

static void hmp_info_version(Monitor *mon, int argc, char **argv)
{
    monitor_printf(mon, "ferry %s\n", FERRY_VERSION);
}

MONITOR_COMMAND(cmd_info_version,
    .name = "version",
    .args = "",
    .help = "show the version of ferry",
    .fn = hmp_info_version,
    .is_info = true)

static void hmp_info_chardev(Monitor *mon, int argc, char **argv)
{
    chardev_print_all(monitor_file(mon));
}

MONITOR_COMMAND(cmd_info_chardev,
    .name = "chardev",
    .args = "",
    .help = "show the character devices",
    .fn = hmp_info_chardev,
    .is_info = true)

static void hmp_quit(Monitor *mon, int argc, char **argv)
{
    if (mon->machine)
        machine_request_quit(mon->machine, 0);
    else
        loop_quit(mon->loop, 0);
}

MONITOR_COMMAND(cmd_quit,
    .name = "quit",
    .args = "",
    .help = "quit the emulator",
    .fn = hmp_quit)
