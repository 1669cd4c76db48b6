/*
 * cli.h — QEMU's command line, parsed into a CliConfig.
 *
 * Parsing checks everything that can be checked without a machine (option
 * names, value syntax, -m sizes, -d items, accelerators, machine names and
 * keys). main.c then acts on the config in phases (chardevs, netdevs,
 * machine, devices, monitors) so objects exist before others refer to them.
 * Requests for help are recorded and answered by cli_answer_help() once the
 * whole line is known (-cpu help needs the machine's architecture).
 */
#ifndef FERRY_CLI_H
#define FERRY_CLI_H

#include "core/machine.h"

typedef struct OptsList {
    Opts **v;
    int n;
} OptsList;

typedef struct StrList {
    const char **v;
    int n;
} StrList;

typedef struct CliConfig {
    const char *arch;         /* from the binary name: "aarch64" or "x86_64" */
    const char *machine_name; /* -M TYPE; NULL = the arch's default */
    Opts *machine_opts;       /* -M/-machine, merged */
    MachineConfig mc;         /* ram, smp, kernel, ... (serial filled later) */

    OptsList chardevs, netdevs, nics, nets, devices, mons, objects, drives, fw_cfgs;
    StrList serials, monitors;
    const char *cpu_arg;      /* -cpu MODEL[,features] as given */
    bool nographic, display_none, nodefaults, nic_none;
    bool user_gave_net;       /* any -netdev/-nic/-net: no default NIC */
    const char *accel_backend; /* -accel tcg,backend=native|interp */
    uint64_t tb_size;         /* -accel tcg,tb-size= (MiB); 0 = default */
    const char *pidfile;
    /* -action */
    int action_panic;         /* index into action_panic_choices */
    int action_watchdog;

    /* help requested: answered after parsing */
    bool help_machine, help_cpu, help_device, help_netdev, help_chardev, help_log,
        help_accel, help_object, help_machine_props;
    const char *help_device_props; /* -device NAME,help */
    bool help_nic_models;          /* -nic model=help, -net nic,model=help */

    StrList owned;            /* strings to free with the config */
} CliConfig;

/* Parses argv. -h/-version print and exit 0; errors return -1 with *errp. */
int cli_parse(CliConfig *c, int argc, char **argv, Error **errp);
/* Prints requested help; returns true if anything was printed (exit 0). */
bool cli_answer_help(CliConfig *c, Error **errp);
/* The machine type the line selects (explicit, or the arch's default). */
const MachineType *cli_machine_type(CliConfig *c, Error **errp);
/* Checks -machine keys against the common ones and mt's; fills the boot
 * paths given as machine keys (kernel=, ...) into c->mc; then runs the
 * board's own checks (MachineType.check). */
int cli_validate_machine(CliConfig *c, const MachineType *mt, Error **errp);
void cli_config_free(CliConfig *c);

/* Reads a -readconfig file: [section "id"] + key = "value" lines. */
int cli_readconfig(CliConfig *c, const char *path, Error **errp);

#endif
