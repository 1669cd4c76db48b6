/*
 * monitor-machine.c — monitor commands that act on the machine: stop, cont,
 * system_reset, system_powerdown, info status, info mtree, info qtree.
 * They reach the machine through monitor_machine() and answer "no machine"
 * on a monitor that has none (tests, tools).
 */
#include "core/device.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/monitor.h"

static Machine *need_machine(Monitor *mon)
{
    Machine *m = monitor_machine(mon);
    if (!m)
        monitor_printf(mon, "no machine\n");
    return m;
}

static void hmp_stop(Monitor *mon, int argc, char **argv)
{
    Machine *m = need_machine(mon);
    if (m)
        vm_stop(m);
}

MONITOR_COMMAND(cmd_stop,
    .name = "stop",
    .args = "",
    .help = "stop emulation (the virtual clock stops with it)",
    .fn = hmp_stop)

static void hmp_cont(Monitor *mon, int argc, char **argv)
{
    Machine *m = need_machine(mon);
    if (!m)
        return;
    if (machine_state(m) == RUN_STATE_SHUTDOWN) {
        monitor_printf(mon, "the machine has shut down; use system_reset\n");
        return;
    }
    vm_start(m);
}

MONITOR_COMMAND(cmd_cont,
    .name = "cont",
    .args = "",
    .help = "resume emulation",
    .fn = hmp_cont)

static void hmp_system_reset(Monitor *mon, int argc, char **argv)
{
    Machine *m = need_machine(mon);
    if (m)
        machine_request_reset(m);
}

MONITOR_COMMAND(cmd_system_reset,
    .name = "system_reset",
    .args = "",
    .help = "reset the machine",
    .fn = hmp_system_reset)

static void hmp_system_powerdown(Monitor *mon, int argc, char **argv)
{
    Machine *m = need_machine(mon);
    if (m)
        machine_request_powerdown(m);
}

MONITOR_COMMAND(cmd_system_powerdown,
    .name = "system_powerdown",
    .args = "",
    .help = "press the machine's power button (the guest decides what to do)",
    .fn = hmp_system_powerdown)

static void hmp_info_status(Monitor *mon, int argc, char **argv)
{
    Machine *m = need_machine(mon);
    if (m)
        monitor_printf(mon, "VM status: %s\n", runstate_name(machine_state(m)));
}

MONITOR_COMMAND(cmd_info_status,
    .name = "status",
    .args = "",
    .help = "show the run state of the machine",
    .fn = hmp_info_status,
    .is_info = true)

static void hmp_info_mtree(Monitor *mon, int argc, char **argv)
{
    bool flat = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f")) {
            flat = true;
        } else {
            monitor_printf(mon, "info mtree: unknown argument '%s' (valid: -f)\n",
                           argv[i]);
            return;
        }
    }
    Machine *m = need_machine(mon);
    if (!m)
        return;
    AddressSpace *spaces[] = {m->as, m->io_as};
    for (size_t i = 0; i < ARRAY_SIZE(spaces); i++) {
        if (!spaces[i])
            continue;
        if (flat)
            as_print_flat(spaces[i], monitor_file(mon));
        else
            as_print_tree(spaces[i], monitor_file(mon));
    }
}

MONITOR_COMMAND(cmd_info_mtree,
    .name = "mtree",
    .args = "[-f]",
    .help = "show the memory regions (-f: the flat view each address space resolves to)",
    .fn = hmp_info_mtree,
    .is_info = true)

static void hmp_info_qtree(Monitor *mon, int argc, char **argv)
{
    /* The device list is global, so this works without a machine too. */
    device_print_qtree(monitor_file(mon));
}

MONITOR_COMMAND(cmd_info_qtree,
    .name = "qtree",
    .args = "",
    .help = "show the device tree",
    .fn = hmp_info_qtree,
    .is_info = true)
