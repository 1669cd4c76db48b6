/*
 * cli.c — QEMU's command-line options, parsed into a CliConfig.
 *
 * Every option QEMU users bring is in options[] with one handler. An option
 * whose feature is not built yet is still parsed (so its syntax errors are
 * reported) and then refused with "not implemented yet"; an option ferry
 * will never have (KVM) is refused with the reason. Nothing is accepted and
 * ignored. Option names are accepted with one or two dashes, as QEMU does.
 */
#include "core/cli.h"

#include <unistd.h>

#include "core/chardev.h"
#include "core/log.h"
#include "netback/net.h"

#include "core/version.h"

typedef int OptHandler(CliConfig *c, const char *opt, const char *arg, Error **errp);

typedef struct CliOption {
    const char *name;
    bool has_arg;
    OptHandler *fn;
    const char *help; /* for -h; NULL keeps it out of the summary */
} CliOption;

static void optslist_add(OptsList *l, Opts *o)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = o;
}

static void strlist_add(StrList *l, const char *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = s;
}

/* Strings the config points at that it must free (argv strings it doesn't). */
static char *cli_own(CliConfig *c, char *s)
{
    c->owned.v = xrealloc(c->owned.v, (c->owned.n + 1) * sizeof(*c->owned.v));
    c->owned.v[c->owned.n++] = s;
    return s;
}

static int not_yet(const char *opt, const char *arg, const char *what, Error **errp)
{
    error_setg(errp, "%s%s%s: %s not implemented yet", opt, arg ? " " : "", arg ? arg : "",
               what);
    return -1;
}

static bool is_help(const char *s)
{
    return s && (!strcmp(s, "help") || !strcmp(s, "?"));
}

static int check_readable(const char *opt, const char *path, Error **errp)
{
    if (access(path, R_OK) < 0) {
        error_setg_errno(errp, errno, "%s %s: cannot read file", opt, path);
        return -1;
    }
    return 0;
}

/* ---- machine, accelerator, CPU, memory -------------------------------- */

static int opt_machine(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "type", errp);
    if (!o)
        return -1;
    const char *type = opts_get(o, "type");
    if (o->help) {
        if (type) {
            c->help_machine_props = true;
        } else {
            c->help_machine = true;
        }
    }
    if (type)
        c->machine_name = cli_own(c, xstrdup(type));
    /* Several -machine options merge, later keys winning (QEMU does so). */
    if (!c->machine_opts) {
        c->machine_opts = o;
        return 0;
    }
    for (int i = 0; i < o->n; i++) {
        Opts *m = c->machine_opts;
        m->pairs = xrealloc(m->pairs, (m->n + 1) * sizeof(OptPair));
        m->pairs[m->n++] = (OptPair){xstrdup(o->pairs[i].key), xstrdup(o->pairs[i].value),
                                     o->pairs[i].used};
    }
    free(c->machine_opts->text);
    c->machine_opts->text = xstrdup(arg);
    opts_free(o);
    return 0;
}

/* TCG is the only accelerator; `accel=kvm:tcg` picks tcg as QEMU would
 * fall back to it. */
static int choose_accel(const char *opt, const char *list, Error **errp)
{
    char *copy = xstrdup(list), *save = NULL;
    bool found = false;
    for (char *a = strtok_r(copy, ":", &save); a; a = strtok_r(NULL, ":", &save)) {
        if (!strcmp(a, "tcg")) {
            found = true;
            break;
        }
        static const char *const known[] = {"kvm", "hvf", "whpx", "xen", "nvmm", "hax", NULL};
        bool is_known = false;
        for (int i = 0; known[i]; i++)
            is_known |= !strcmp(a, known[i]);
        if (!is_known) {
            error_setg(errp, "%s %s: unknown accelerator '%s' (valid: tcg)", opt, list, a);
            free(copy);
            return -1;
        }
    }
    free(copy);
    if (!found) {
        error_setg(errp, "%s %s: ferry runs guests with its own translator only (no KVM "
                   "or other hypervisors); use accel=tcg", opt, list);
        return -1;
    }
    return 0;
}

static int opt_accel(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "accel", errp);
    if (!o)
        return -1;
    int r = -1;
    const char *accel = opts_get(o, "accel");
    if (o->help || is_help(accel)) {
        c->help_accel = true;
        r = 0;
        goto out;
    }
    if (!accel) {
        error_setg(errp, "%s %s: an accelerator name is required (valid: tcg)", opt, arg);
        goto out;
    }
    if (choose_accel(opt, accel, errp) < 0)
        goto out;
    static const char *const threads[] = {"single", "multi", NULL};
    int t = opts_get_enum(o, "thread", threads, 0, errp);
    if (t < 0)
        goto out;
    if (t == 1) {
        not_yet(opt, arg, "multi-threaded TCG (thread=multi) is", errp);
        goto out;
    }
    static const char *const backends[] = {"native", "interp", NULL};
    int b = opts_get_enum(o, "backend", backends, 0, errp);
    if (b < 0)
        goto out;
    c->accel_backend = backends[b];
    if (opts_get_u64(o, "tb-size", 0, &c->tb_size, errp) < 0)
        goto out;
    static const char *const valid[] = {"thread", "tb-size", "backend", NULL};
    r = opts_check_unused(o, valid, errp);
out:
    opts_free(o);
    return r;
}

static int opt_enable_kvm(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    error_setg(errp, "%s: ferry runs guests with its own translator only (no KVM); remove "
               "%s (or say -accel tcg)", opt, opt);
    return -1;
}

static int opt_cpu(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    if (is_help(arg)) {
        c->help_cpu = true;
        return 0;
    }
    if (!*arg) {
        error_setg(errp, "%s: a CPU model name is required (see -cpu help)", opt);
        return -1;
    }
    c->cpu_arg = arg;
    /* The model name is the part before any ",feature=..." list. */
    const char *comma = strchr(arg, ',');
    c->mc.cpu_model = cli_own(c, comma ? xstrndup(arg, comma - arg) : xstrdup(arg));
    return 0;
}

static int opt_m(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "size", errp);
    if (!o)
        return -1;
    int r = -1;
    const char *size = opts_get(o, "size");
    if (!size) {
        error_setg(errp, "%s %s: a memory size is required", opt, arg);
        goto out;
    }
    uint64_t bytes;
    if (parse_size(size, MiB, &bytes) < 0) {
        error_setg(errp, "%s %s: invalid size '%s' (a number with optional suffix K, M, G, "
                   "T, P or E; a plain number means MiB)", opt, arg, size);
        goto out;
    }
    if (bytes < MiB) {
        error_setg(errp, "%s %s: memory size must be at least 1M", opt, arg);
        goto out;
    }
    if (opts_has(o, "slots") || opts_has(o, "maxmem")) {
        not_yet(opt, arg, "memory hotplug (slots=, maxmem=) is", errp);
        goto out;
    }
    static const char *const valid[] = {"size", "slots", "maxmem", NULL};
    if (opts_check_unused(o, valid, errp) < 0)
        goto out;
    c->mc.ram_size = ALIGN_UP(bytes, 64 * KiB);
    r = 0;
out:
    opts_free(o);
    return r;
}

static int opt_smp(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "cpus", errp);
    if (!o)
        return -1;
    int r = -1;
    uint64_t cpus, sockets, cores, threads, maxcpus;
    if (opts_get_u64(o, "cpus", 0, &cpus, errp) < 0 ||
        opts_get_u64(o, "sockets", 0, &sockets, errp) < 0 ||
        opts_get_u64(o, "cores", 0, &cores, errp) < 0 ||
        opts_get_u64(o, "threads", 0, &threads, errp) < 0 ||
        opts_get_u64(o, "maxcpus", 0, &maxcpus, errp) < 0)
        goto out;
    static const char *const valid[] = {"cpus", "sockets", "cores", "threads", "maxcpus", NULL};
    if (opts_check_unused(o, valid, errp) < 0)
        goto out;
    /* Missing values are derived as QEMU does: maxcpus defaults to cpus, and
     * the topology fills up with cores. */
    if (!threads)
        threads = 1;
    if (!cpus && !maxcpus) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        cpus = maxcpus = sockets * cores * threads;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        cpus = cpus ? cpus : maxcpus;
        if (!sockets)
            sockets = cores ? MAX(maxcpus / (cores * threads), 1) : 1;
        if (!cores)
            cores = MAX(maxcpus / (sockets * threads), 1);
    }
    uint64_t topo = sockets * cores * threads;
    if (cpus < 1 || cpus > 1024) {
        error_setg(errp, "%s %s: the number of CPUs must be between 1 and 1024", opt, arg);
        goto out;
    }
    if (topo != maxcpus) {
        error_setg(errp, "%s %s: sockets (%" PRIu64 ") * cores (%" PRIu64 ") * threads (%"
                   PRIu64 ") must equal maxcpus (%" PRIu64 ")", opt, arg, sockets, cores,
                   threads, maxcpus);
        goto out;
    }
    if (cpus > maxcpus) {
        error_setg(errp, "%s %s: cpus (%" PRIu64 ") must not exceed maxcpus (%" PRIu64 ")",
                   opt, arg, cpus, maxcpus);
        goto out;
    }
    if (cpus != maxcpus) {
        not_yet(opt, arg, "CPU hotplug (maxcpus > cpus) is", errp);
        goto out;
    }
    c->mc.smp_cpus = cpus;
    c->mc.smp_max_cpus = maxcpus;
    c->mc.smp_sockets = sockets;
    c->mc.smp_cores = cores;
    c->mc.smp_threads = threads;
    r = 0;
out:
    opts_free(o);
    return r;
}

/* ---- boot ---------------------------------------------------------------- */

/* Options that name a file the board reads (-kernel, -initrd, -dtb, -bios):
 * checked for readability now, so a typo is reported before anything runs. */
static int set_path(const char **field, const char *opt, const char *arg, Error **errp)
{
    *field = arg;
    return check_readable(opt, arg, errp);
}

static int opt_kernel(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return set_path(&c->mc.kernel, opt, arg, errp);
}

static int opt_initrd(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return set_path(&c->mc.initrd, opt, arg, errp);
}

static int opt_dtb(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return set_path(&c->mc.dtb, opt, arg, errp);
}

static int opt_bios(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return set_path(&c->mc.bios, opt, arg, errp);
}

static int opt_append(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->mc.append = arg;
    return 0;
}

/* ---- display, serial, monitor, chardevs ------------------------------ */

static int opt_nographic(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->nographic = true;
    return 0;
}

static int opt_display(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "type", errp);
    if (!o)
        return -1;
    const char *type = opts_get(o, "type");
    int r = -1;
    if (o->help) {
        printf("Available display backend types:\nnone\n");
        exit(0);
    }
    if (!type || strcmp(type, "none")) {
        error_setg(errp, "%s %s: ferry has no graphical display (valid: none)", opt, arg);
    } else {
        r = opts_check_unused(o, NULL, errp);
        c->display_none = true;
    }
    opts_free(o);
    return r;
}

static int opt_vga(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    if (!strcmp(arg, "none"))
        return 0;
    error_setg(errp, "%s %s: ferry has no display adapters (valid: none)", opt, arg);
    return -1;
}

static int opt_serial(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    if (c->serials.n >= (int)ARRAY_SIZE(c->mc.serial)) {
        error_setg(errp, "%s %s: at most %zu serial ports", opt, arg, ARRAY_SIZE(c->mc.serial));
        return -1;
    }
    strlist_add(&c->serials, arg);
    return 0;
}

static int opt_monitor(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    strlist_add(&c->monitors, arg);
    return 0;
}

static int opt_chardev(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "backend", errp);
    if (!o)
        return -1;
    if (o->help) {
        c->help_chardev = true;
        opts_free(o);
        return 0;
    }
    optslist_add(&c->chardevs, o);
    return 0;
}

static int opt_mon(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "chardev", errp);
    if (!o)
        return -1;
    static const char *const modes[] = {"readline", "control", NULL};
    int mode = opts_get_enum(o, "mode", modes, 0, errp);
    const char *chr = opts_get(o, "chardev");
    bool pretty;
    if (mode < 0 || opts_get_bool(o, "pretty", false, &pretty, errp) < 0)
        goto fail;
    if (!chr) {
        error_setg(errp, "%s %s: Parameter 'chardev' is missing", opt, arg);
        goto fail;
    }
    if (mode == 1) {
        not_yet(opt, arg, "the QMP (mode=control) monitor is", errp);
        goto fail;
    }
    if (pretty) {
        error_setg(errp, "%s %s: pretty=on applies only to mode=control", opt, arg);
        goto fail;
    }
    static const char *const valid[] = {"chardev", "mode", "pretty", "id", NULL};
    opts_mark_used(o, "id");
    if (opts_check_unused(o, valid, errp) < 0)
        goto fail;
    optslist_add(&c->mons, o);
    return 0;
fail:
    opts_free(o);
    return -1;
}

/* ---- network, devices, objects, drives ---------------------------------- */

static int opt_netdev(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "type", errp);
    if (!o)
        return -1;
    if (o->help) {
        c->help_netdev = true;
        opts_free(o);
        return 0;
    }
    c->user_gave_net = true;
    optslist_add(&c->netdevs, o);
    return 0;
}

/* model=help (or ?) in -nic / -net nic asks for the NIC model list. */
static bool wants_nic_models(CliConfig *c, Opts *o)
{
    for (int i = 0; i < o->n; i++) {
        if (!strcmp(o->pairs[i].key, "model") && is_help(o->pairs[i].value)) {
            c->help_nic_models = true;
            return true;
        }
    }
    return false;
}

static int opt_nic(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "type", errp);
    if (!o)
        return -1;
    if (wants_nic_models(c, o)) {
        opts_free(o);
        return 0;
    }
    c->user_gave_net = true;
    optslist_add(&c->nics, o);
    return 0;
}

static int opt_net(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "type", errp);
    if (!o)
        return -1;
    if (wants_nic_models(c, o)) {
        opts_free(o);
        return 0;
    }
    if (o->help) {
        c->help_netdev = true;
        opts_free(o);
        return 0;
    }
    c->user_gave_net = true;
    optslist_add(&c->nets, o);
    return 0;
}

static int opt_device(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "driver", errp);
    if (!o)
        return -1;
    const char *driver = opts_get(o, "driver");
    if (o->help) {
        if (driver)
            c->help_device_props = cli_own(c, xstrdup(driver));
        else
            c->help_device = true;
        opts_free(o);
        return 0;
    }
    optslist_add(&c->devices, o);
    return 0;
}

static const char *const object_types[] = {
    "filter-dump", "filter-buffer", "filter-mirror", "filter-redirector", "filter-rewriter",
    "memory-backend-ram", "memory-backend-file", "memory-backend-memfd", "rng-random",
    "rng-builtin", "rng-egd", "iothread", "secret", "throttle-group", NULL,
};

static int opt_object(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "qom-type", errp);
    if (!o)
        return -1;
    const char *type = opts_get(o, "qom-type");
    int r = -1;
    if (o->help || !type) {
        if (o->help) {
            c->help_object = true;
            r = 0;
        } else {
            error_setg(errp, "%s %s: an object type is required (see -object help)", opt, arg);
        }
        goto out;
    }
    if (net_object_type_known(type)) {
        /* Checked once the whole line is read; made after the netdevs. */
        optslist_add(&c->objects, o);
        return 0;
    }
    for (int i = 0; object_types[i]; i++) {
        if (!strcmp(type, object_types[i])) {
            char *what = xasprintf("object type '%s' is", type);
            not_yet(opt, arg, what, errp);
            free(what);
            goto out;
        }
    }
    char *valid = join_choices(object_types);
    error_setg(errp, "%s %s: '%s' is not a valid object type (valid: %s)", opt, arg, type,
               valid);
    free(valid);
out:
    opts_free(o);
    return r;
}

static int opt_drive(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "file", errp);
    if (!o)
        return -1;
    opts_free(o);
    return not_yet(opt, arg, "block devices (disks, -drive/-hda) are", errp);
}

/* -fw_cfg [name=]NAME,file=PATH | string=TEXT, with QEMU's rules: a name of
 * at most 55 characters (it fits fw_cfg's 56-byte directory field), exactly
 * one of file= and string=, and a warning for names outside "opt/" (the
 * prefix reserved for users). The board's fw_cfg device adds the items. */
static int opt_fw_cfg(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "name", errp);
    if (!o)
        return -1;
    static const char *const valid[] = {"name", "file", "string", "gen_id", NULL};
    const char *name = opts_get(o, "name"), *file = opts_get(o, "file");
    const char *str = opts_get(o, "string"), *gen_id = opts_get(o, "gen_id");
    if (opts_check_unused(o, valid, errp) < 0)
        goto fail;
    if (gen_id) {
        not_yet(opt, arg, "gen_id= (fw_cfg items generated by an -object) is", errp);
        goto fail;
    }
    if (!name || !*name) {
        error_setg(errp, "%s %s: name=NAME is required", opt, arg);
        goto fail;
    }
    if ((file && *file) + (str && *str) != 1) {
        error_setg(errp, "%s %s: exactly one of file= and string= is needed", opt, arg);
        goto fail;
    }
    if (strlen(name) > 55) {
        error_setg(errp, "%s %s: name too long (at most 55 characters)", opt, arg);
        goto fail;
    }
    for (int i = 0; i < c->mc.n_fw_cfg; i++) {
        if (!strcmp(c->mc.fw_cfg[i].name, name)) {
            error_setg(errp, "%s %s: duplicate fw_cfg name '%s'", opt, arg, name);
            goto fail;
        }
    }
    if (file && *file && check_readable(opt, file, errp) < 0)
        goto fail;
    if (strncmp(name, "opt/", 4))
        warn_report("%s %s: externally provided fw_cfg item names should be prefixed "
                    "with \"opt/\"", opt, arg);
    FwCfgUserItem *items = xrealloc((void *)c->mc.fw_cfg,
                                    (c->mc.n_fw_cfg + 1) * sizeof(*items));
    items[c->mc.n_fw_cfg++] = (FwCfgUserItem){
        .name = name, .file = file && *file ? file : NULL, .string = str && *str ? str : NULL};
    c->mc.fw_cfg = items;
    optslist_add(&c->fw_cfgs, o); /* the strings live in o */
    return 0;
fail:
    opts_free(o);
    return -1;
}

/* ---- debugging, logging -------------------------------------------------- */

static int opt_d(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    if (is_help(arg)) {
        c->help_log = true;
        return 0;
    }
    int64_t mask = log_parse_items(arg, errp);
    if (mask < 0)
        return -1;
    log_mask |= (uint32_t)mask;
    return 0;
}

static int opt_D(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return log_set_file(arg, errp);
}

static int opt_gdb(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return not_yet(opt, arg, "the gdb stub is", errp);
}

static int opt_S(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->mc.start_stopped = true;
    return 0;
}

/* ---- semihosting, run control ------------------------------------------ */

static int opt_semihosting(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->mc.semihosting = true;
    return 0;
}

static int opt_semihosting_config(CliConfig *c, const char *opt, const char *arg,
                                  Error **errp)
{
    Opts *o = opts_parse(opt, arg, "enable", errp);
    if (!o)
        return -1;
    int r = -1;
    bool enable, userspace;
    static const char *const targets[] = {"auto", "native", "gdb", NULL};
    if (opts_get_bool(o, "enable", true, &enable, errp) < 0 ||
        opts_get_bool(o, "userspace", false, &userspace, errp) < 0)
        goto out;
    int target = opts_get_enum(o, "target", targets, 0, errp);
    if (target < 0)
        goto out;
    if (target == 2) {
        not_yet(opt, arg, "semihosting through gdb (target=gdb) is", errp);
        goto out;
    }
    if (opts_get(o, "chardev")) {
        not_yet(opt, arg, "semihosting output to a chardev is", errp);
        goto out;
    }
    if (opts_has(o, "arg")) {
        not_yet(opt, arg, "the semihosting command line (arg=) is", errp);
        goto out;
    }
    static const char *const valid[] = {"enable", "target", "userspace", "chardev", "arg",
                                        NULL};
    if (opts_check_unused(o, valid, errp) < 0)
        goto out;
    c->mc.semihosting = enable;
    r = 0;
out:
    opts_free(o);
    return r;
}

static const char *const action_panic_choices[] = {"shutdown", "pause", "exit-failure",
                                                   "none", NULL};
static const char *const action_watchdog_choices[] = {"reset", "shutdown", "poweroff", "pause",
                                                      "debug", "none", "inject-nmi", NULL};

static int opt_action(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, NULL, errp);
    if (!o)
        return -1;
    int r = -1;
    static const char *const reboot[] = {"reset", "shutdown", NULL};
    static const char *const shutdown[] = {"poweroff", "pause", NULL};
    int rb = opts_get_enum(o, "reboot", reboot, c->mc.no_reboot ? 1 : 0, errp);
    int sd = rb < 0 ? -1 : opts_get_enum(o, "shutdown", shutdown, c->mc.no_shutdown, errp);
    int pn = sd < 0 ? -1 : opts_get_enum(o, "panic", action_panic_choices, c->action_panic, errp);
    int wd = pn < 0 ? -1
                    : opts_get_enum(o, "watchdog", action_watchdog_choices, c->action_watchdog,
                                    errp);
    if (wd < 0)
        goto out;
    static const char *const valid[] = {"reboot", "shutdown", "panic", "watchdog", NULL};
    if (opts_check_unused(o, valid, errp) < 0)
        goto out;
    /* panic= and watchdog= are acted on by a panic or watchdog device; none
     * exists yet, so nothing can trigger them. */
    if (opts_has(o, "panic") || opts_has(o, "watchdog")) {
        not_yet(opt, arg, "panic and watchdog devices (the triggers of panic=/watchdog=) are",
                errp);
        goto out;
    }
    c->mc.no_reboot = rb == 1;
    c->mc.no_shutdown = sd == 1;
    c->action_panic = pn;
    c->action_watchdog = wd;
    r = 0;
out:
    opts_free(o);
    return r;
}

static int opt_no_reboot(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->mc.no_reboot = true;
    return 0;
}

static int opt_no_shutdown(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->mc.no_shutdown = true;
    return 0;
}

static int opt_nodefaults(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->nodefaults = true;
    return 0;
}

/* ferry reads no user configuration files, so there is nothing to skip. */
static int opt_no_user_config(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return 0;
}

static int opt_name(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    Opts *o = opts_parse(opt, arg, "guest", errp);
    if (!o)
        return -1;
    int r = -1;
    const char *guest = opts_get(o, "guest");
    if (opts_has(o, "process") || opts_has(o, "debug-threads")) {
        not_yet(opt, arg, "process= and debug-threads= are", errp);
        goto out;
    }
    static const char *const valid[] = {"guest", "process", "debug-threads", NULL};
    if (opts_check_unused(o, valid, errp) < 0)
        goto out;
    c->mc.name = guest ? cli_own(c, xstrdup(guest)) : NULL;
    r = 0;
out:
    opts_free(o);
    return r;
}

static int opt_pidfile(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    c->pidfile = arg;
    return 0;
}

static int opt_not_yet(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return not_yet(opt, arg, "this option is", errp);
}

static int opt_readconfig(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    return cli_readconfig(c, arg, errp);
}

static int opt_version(CliConfig *c, const char *opt, const char *arg, Error **errp);
static int opt_help(CliConfig *c, const char *opt, const char *arg, Error **errp);

static const CliOption options[] = {
    {"M", true, opt_machine, "-M TYPE[,prop=val...]  select the machine (-M help)"},
    {"machine", true, opt_machine, NULL},
    {"accel", true, opt_accel, "-accel tcg[,backend=native|interp][,tb-size=MiB]"},
    {"enable-kvm", false, opt_enable_kvm, NULL},
    {"cpu", true, opt_cpu, "-cpu MODEL          select the CPU model (-cpu help)"},
    {"m", true, opt_m, "-m SIZE             RAM size (default unit MiB: -m 512, -m 2G)"},
    {"smp", true, opt_smp, "-smp N[,sockets=,cores=,threads=,maxcpus=]"},
    {"kernel", true, opt_kernel, "-kernel FILE        Linux kernel or bare-metal image"},
    {"initrd", true, opt_initrd, "-initrd FILE        initial ram disk"},
    {"append", true, opt_append, "-append CMDLINE     kernel command line"},
    {"dtb", true, opt_dtb, "-dtb FILE           device tree blob"},
    {"bios", true, opt_bios, "-bios FILE          firmware image"},
    {"nographic", false, opt_nographic, "-nographic          serial and monitor on stdio"},
    {"display", true, opt_display, "-display none"},
    {"vga", true, opt_vga, NULL},
    {"serial", true, opt_serial, "-serial DEV         stdio, mon:stdio, pty, file:F, tcp:..., "
                                 "unix:..., null, none, chardev:ID"},
    {"monitor", true, opt_monitor, "-monitor DEV        the human monitor on DEV"},
    {"chardev", true, opt_chardev, "-chardev TYPE,id=ID,...  (-chardev help)"},
    {"mon", true, opt_mon, "-mon chardev=ID[,mode=readline]"},
    {"netdev", true, opt_netdev, "-netdev TYPE,id=ID,...   network backend (-netdev help)"},
    {"nic", true, opt_nic, "-nic TYPE[,model=M][,mac=...]  NIC + backend (-nic model=help)"},
    {"net", true, opt_net, "-net nic|TYPE,...   legacy hub networking"},
    {"device", true, opt_device, "-device MODEL[,prop=val...]  (-device help, -device M,help)"},
    {"object", true, opt_object, "-object TYPE,id=ID,..."},
    {"drive", true, opt_drive, "-drive file=F,...   block device"},
    {"hda", true, opt_drive, NULL},
    {"hdb", true, opt_drive, NULL},
    {"hdc", true, opt_drive, NULL},
    {"hdd", true, opt_drive, NULL},
    {"cdrom", true, opt_drive, NULL},
    {"sd", true, opt_drive, NULL},
    {"pflash", true, opt_drive, NULL},
    {"fw_cfg", true, opt_fw_cfg, "-fw_cfg [name=]opt/NAME,file=F|string=S  a fw_cfg file"},
    {"d", true, opt_d, "-d ITEMS            debug log items (-d help)"},
    {"D", true, opt_D, "-D FILE             write the debug log to FILE"},
    {"s", false, opt_gdb, "-s                  gdb stub on tcp::1234"},
    {"gdb", true, opt_gdb, NULL},
    {"S", false, opt_S, "-S                  start stopped (continue with `cont`)"},
    {"semihosting", false, opt_semihosting, "-semihosting        Arm semihosting"},
    {"semihosting-config", true, opt_semihosting_config, NULL},
    {"action", true, opt_action, "-action reboot=reset|shutdown,shutdown=poweroff|pause"},
    {"no-reboot", false, opt_no_reboot, "-no-reboot          exit instead of rebooting"},
    {"no-shutdown", false, opt_no_shutdown, "-no-shutdown        stop instead of exiting at "
                                            "guest poweroff"},
    {"nodefaults", false, opt_nodefaults, "-nodefaults         no default serial, monitor or NIC"},
    {"no-user-config", false, opt_no_user_config, NULL},
    {"name", true, opt_name, "-name NAME          guest name"},
    {"pidfile", true, opt_pidfile, "-pidfile FILE       write the process id to FILE"},
    {"daemonize", false, opt_not_yet, NULL},
    {"qmp", true, opt_not_yet, NULL},
    {"readconfig", true, opt_readconfig, "-readconfig FILE    read options from an ini file"},
    {"version", false, opt_version, "-version            print the version"},
    {"h", false, opt_help, "-h                  this help"},
    {"help", false, opt_help, NULL},
};

static int opt_version(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    printf("ferry emulator version " FERRY_VERSION " (QEMU-compatible command line)\n");
    exit(0);
}

static int opt_help(CliConfig *c, const char *opt, const char *arg, Error **errp)
{
    printf("usage: %s [options]\n\n", error_progname());
    printf("ferry runs aarch64 and x86-64 guests with its own binary translator.\n"
           "Its options are QEMU's; the ones it understands:\n\n");
    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
        if (options[i].help)
            printf("  %s\n", options[i].help);
    printf("\nDuring emulation with -nographic or mon:stdio, Ctrl-A h lists the console "
           "keys.\n");
    exit(0);
}

static const CliOption *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
        if (!strcmp(options[i].name, name))
            return &options[i];
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return SIZE_MAX;
    size_t d[33][33];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            d[i][j] = MIN(sub, MIN(d[i - 1][j] + 1, d[i][j - 1] + 1));
        }
    return d[la][lb];
}

static const char *suggest_option(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        size_t d = edit_distance(name, options[i].name);
        if (d < best_d && strlen(options[i].name) > 2) {
            best_d = d;
            best = options[i].name;
        }
    }
    return best;
}

static const char *arch_from_progname(const char *prog)
{
    if (strstr(prog, "x86_64") || strstr(prog, "x86-64"))
        return "x86_64";
    return "aarch64";
}

static int run_option(CliConfig *c, const char *name, const char *arg, Error **errp)
{
    const CliOption *opt = find_option(name);
    char *dashed = xasprintf("-%s", name);
    int r;
    if (!opt) {
        const char *s = suggest_option(name);
        if (s)
            error_setg(errp, "%s: invalid option (did you mean -%s? see -h)", dashed, s);
        else
            error_setg(errp, "%s: invalid option (see -h for the list)", dashed);
        r = -1;
    } else {
        r = opt->fn(c, dashed, arg, errp);
    }
    free(dashed);
    return r;
}

int cli_parse(CliConfig *c, int argc, char **argv, Error **errp)
{
    if (!c->arch)
        c->arch = arch_from_progname(error_progname());
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            /* A bare argument is a disk image, as in QEMU (-hda). */
            if (opt_drive(c, "-hda", a, errp) < 0)
                return -1;
            continue;
        }
        const char *name = a + 1 + (a[1] == '-');
        const CliOption *opt = find_option(name);
        const char *arg = NULL;
        if (opt && opt->has_arg) {
            if (i + 1 >= argc) {
                error_setg(errp, "-%s: requires an argument", name);
                return -1;
            }
            arg = argv[++i];
        }
        if (run_option(c, name, arg, errp) < 0)
            return -1;
    }
    /* Network and device lines can refer to each other in any order, so
     * they are checked once the whole line is read. */
    for (int i = 0; i < c->netdevs.n; i++) {
        Opts *o = c->netdevs.v[i];
        if (netdev_check_opts(o, errp) < 0)
            return -1;
        for (int j = 0; j < i; j++) {
            if (!strcmp(opts_get(c->netdevs.v[j], "id"), opts_get(o, "id"))) {
                error_setg(errp, "%s %s: Duplicate ID '%s' for netdev", o->option, o->text,
                           opts_get(o, "id"));
                return -1;
            }
        }
    }
    for (int i = 0; i < c->nets.n; i++)
        if (net_legacy_check_opts(c->nets.v[i], errp) < 0)
            return -1;
    for (int i = 0; i < c->nics.n; i++)
        if (nic_check_opts(c->nics.v[i], errp) < 0)
            return -1;
    for (int i = 0; i < c->devices.n; i++)
        if (device_validate_opts(c->devices.v[i], errp) < 0)
            return -1;
    for (int i = 0; i < c->objects.n; i++) {
        Opts *o = c->objects.v[i];
        if (net_object_check_opts(o, errp) < 0)
            return -1;
        for (int j = 0; j < i; j++) {
            if (!strcmp(opts_get(c->objects.v[j], "id"), opts_get(o, "id"))) {
                error_setg(errp, "%s %s: Duplicate ID '%s' for object", o->option, o->text,
                           opts_get(o, "id"));
                return -1;
            }
        }
    }
    return 0;
}

/* Keys of -machine that every machine understands. */
static const char *const machine_common_keys[] = {
    "type", "accel", "kernel", "initrd", "append", "dtb", "firmware", "graphics", NULL,
};

const MachineType *cli_machine_type(CliConfig *c, Error **errp)
{
    const MachineType *mt;
    if (c->machine_name) {
        mt = machine_type_find(c->machine_name);
        if (!mt) {
            const MachineType **l = machine_type_list();
            StrBuf sb = {0};
            for (int i = 0; l[i]; i++)
                sb_printf(&sb, "%s%s", i ? ", " : "", l[i]->name);
            error_setg(errp, "-machine %s: unsupported machine type '%s' (valid: %s; see -M "
                       "help)", c->machine_opts ? c->machine_opts->text : c->machine_name,
                       c->machine_name, sb.len ? sb_str(&sb) : "none");
            sb_free(&sb);
            free(l);
            return NULL;
        }
        return mt;
    }
    mt = machine_type_default(c->arch);
    if (!mt)
        error_setg(errp, "no machine given and the %s default (%s) is not implemented yet; "
                   "use -M none or see -M help", c->arch,
                   strcmp(c->arch, "x86_64") ? "virt" : "q35");
    return mt;
}

static int validate_machine_keys(CliConfig *c, const MachineType *mt, Error **errp);

/* Checks the -machine keys against the common ones and the board's, then
 * lets the board check their values (MachineType.check). */
int cli_validate_machine(CliConfig *c, const MachineType *mt, Error **errp)
{
    if (validate_machine_keys(c, mt, errp) < 0)
        return -1;
    return mt->check ? mt->check(&c->mc, errp) : 0;
}

static int validate_machine_keys(CliConfig *c, const MachineType *mt, Error **errp)
{
    Opts *o = c->machine_opts;
    if (!o)
        return 0;
    opts_mark_used(o, "type");
    const char *accel = opts_get(o, "accel");
    if (accel && choose_accel("-machine", accel, errp) < 0)
        return -1;
    const char *v;
    if ((v = opts_get(o, "kernel")))
        c->mc.kernel = v;
    if ((v = opts_get(o, "initrd")))
        c->mc.initrd = v;
    if ((v = opts_get(o, "append")))
        c->mc.append = v;
    if ((v = opts_get(o, "dtb")))
        c->mc.dtb = v;
    if ((v = opts_get(o, "firmware")))
        c->mc.bios = v;
    bool graphics;
    if (opts_get_bool(o, "graphics", true, &graphics, errp) < 0)
        return -1;
    if (!graphics)
        c->nographic = true;
    /* Board keys stay unused here: the board's init reads them. */
    for (int i = 0; mt->props && mt->props[i]; i++)
        for (int j = 0; j < o->n; j++)
            if (!strcmp(o->pairs[j].key, mt->props[i]))
                o->pairs[j].used = true;
    StrBuf sb = {0};
    for (int i = 0; machine_common_keys[i]; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", machine_common_keys[i]);
    for (int i = 0; mt->props && mt->props[i]; i++)
        sb_printf(&sb, ", %s", mt->props[i]);
    int r = 0;
    for (int j = 0; j < o->n; j++) {
        if (!o->pairs[j].used) {
            error_setg(errp, "-machine %s: Invalid parameter '%s' for machine '%s' (valid: %s)",
                       o->text, o->pairs[j].key, mt->name, sb_str(&sb));
            r = -1;
            break;
        }
    }
    sb_free(&sb);
    /* Re-arm the board keys so the board sees them as its own to consume. */
    for (int i = 0; mt->props && mt->props[i]; i++)
        for (int j = 0; j < o->n; j++)
            if (!strcmp(o->pairs[j].key, mt->props[i]))
                o->pairs[j].used = false;
    c->mc.machine_opts = o;
    return r;
}

bool cli_answer_help(CliConfig *c, Error **errp)
{
    bool any = false;
    if (c->help_machine) {
        machine_print_help(stdout);
        any = true;
    }
    if (c->help_machine_props) {
        const MachineType *mt = cli_machine_type(c, errp);
        if (!mt)
            return true;
        printf("%s options:\n", mt->name);
        for (int i = 0; machine_common_keys[i]; i++)
            printf("  %s\n", machine_common_keys[i]);
        for (int i = 0; mt->props && mt->props[i]; i++)
            printf("  %s\n", mt->props[i]);
        any = true;
    }
    if (c->help_cpu) {
        const char *arch = c->arch;
        if (c->machine_name) {
            const MachineType *mt = machine_type_find(c->machine_name);
            if (mt && strcmp(mt->arch, "none"))
                arch = mt->arch;
        }
        cpu_model_print_help(stdout, arch);
        any = true;
    }
    if (c->help_device) {
        device_print_help(stdout);
        any = true;
    }
    if (c->help_device_props) {
        if (device_print_props(stdout, c->help_device_props, errp) < 0)
            return true;
        any = true;
    }
    if (c->help_netdev) {
        netdev_print_help(stdout);
        any = true;
    }
    if (c->help_nic_models) {
        nic_print_models(stdout);
        any = true;
    }
    if (c->help_chardev) {
        chardev_print_help(stdout);
        any = true;
    }
    if (c->help_log) {
        log_print_help(stdout);
        any = true;
    }
    if (c->help_accel) {
        printf("Accelerators supported in ferry:\ntcg\n");
        any = true;
    }
    if (c->help_object) {
        printf("List of object types:\n");
        for (int i = 0; object_types[i]; i++)
            printf("  %s%s\n", object_types[i],
                   net_object_type_known(object_types[i]) ? "" : " (not implemented yet)");
        any = true;
    }
    return any;
}

void cli_config_free(CliConfig *c)
{
    free((void *)c->mc.fw_cfg);
    c->mc.fw_cfg = NULL;
    c->mc.n_fw_cfg = 0;
    OptsList *lists[] = {&c->chardevs, &c->netdevs, &c->nics, &c->nets, &c->devices,
                         &c->mons, &c->objects, &c->drives, &c->fw_cfgs};
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        for (int j = 0; j < lists[i]->n; j++)
            opts_free(lists[i]->v[j]);
        free(lists[i]->v);
    }
    free(c->serials.v);
    free(c->monitors.v);
    for (int i = 0; i < c->owned.n; i++)
        free((char *)c->owned.v[i]);
    free(c->owned.v);
    opts_free(c->machine_opts);
    memset(c, 0, sizeof(*c));
}

/* ---- -readconfig ----------------------------------------------------------
 * QEMU's ini format: `[section]` or `[section "id"]`, then `key = "value"`
 * lines; '#' starts a comment. Each section becomes the option it names. */

static const struct {
    const char *section, *option, *id_key;
} config_sections[] = {
    {"machine", "machine", NULL}, {"memory", "m", NULL},       {"smp-opts", "smp", NULL},
    {"chardev", "chardev", "id"}, {"netdev", "netdev", "id"},  {"device", "device", "id"},
    {"drive", "drive", "id"},     {"object", "object", "id"},  {"mon", "mon", "id"},
    {"accel", "accel", NULL},     {"name", "name", NULL},
};

static int flush_section(CliConfig *c, int sec, StrBuf *args, const char *path, int line,
                         Error **errp)
{
    if (sec < 0)
        return 0;
    /* Handlers may keep pointers into arg (as into argv): the config owns it. */
    char *arg = cli_own(c, sb_steal(args));
    int r = run_option(c, config_sections[sec].option, arg, errp);
    if (r < 0)
        error_prepend(errp, "%s:%d: ", path, line);
    return r;
}

int cli_readconfig(CliConfig *c, const char *path, Error **errp)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        error_setg_errno(errp, errno, "-readconfig %s: cannot open", path);
        return -1;
    }
    char buf[4096];
    int line = 0, sec = -1, sec_line = 0;
    StrBuf args = {0};
    int r = 0;
    while (r == 0 && fgets(buf, sizeof(buf), f)) {
        line++;
        char *s = buf;
        while (*s == ' ' || *s == '\t')
            s++;
        s[strcspn(s, "\r\n")] = 0;
        if (!*s || *s == '#')
            continue;
        if (*s == '[') {
            r = flush_section(c, sec, &args, path, sec_line, errp);
            if (r < 0)
                break;
            char name[64] = "", id[128] = "";
            if (sscanf(s, "[%63[^] \"] \"%127[^\"]\"]", name, id) < 1) {
                error_setg(errp, "%s:%d: malformed section header", path, line);
                r = -1;
                break;
            }
            sec = -1;
            for (size_t i = 0; i < ARRAY_SIZE(config_sections); i++)
                if (!strcmp(config_sections[i].section, name))
                    sec = (int)i;
            if (sec < 0) {
                error_setg(errp, "%s:%d: unknown section [%s]", path, line, name);
                r = -1;
                break;
            }
            sec_line = line;
            sb_free(&args);
            if (*id && config_sections[sec].id_key)
                sb_printf(&args, "%s=%s", config_sections[sec].id_key, id);
            continue;
        }
        char key[128], value[2048];
        if (sec < 0 || sscanf(s, "%127[^ =] = \"%2047[^\"]\"", key, value) != 2) {
            error_setg(errp, "%s:%d: expected `key = \"value\"` inside a section", path, line);
            r = -1;
            break;
        }
        sb_printf(&args, "%s%s=", args.len ? "," : "", key);
        for (char *p = value; *p; p++)
            sb_printf(&args, *p == ',' ? ",," : "%c", *p);
    }
    if (r == 0)
        r = flush_section(c, sec, &args, path, sec_line, errp);
    sb_free(&args);
    fclose(f);
    return r;
}
