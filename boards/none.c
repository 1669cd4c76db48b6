/*
 * none.c — the empty machine (-M none), as in QEMU: no CPUs and no devices;
 * with -m, RAM at address 0. Useful for the monitor, chardevs and device
 * tests without a guest.
 */
#include "core/machine.h"

static int none_init(Machine *m, Error **errp)
{
    if (m->cfg.cpu_model) {
        error_setg(errp, "-cpu %s: machine 'none' has no CPUs", m->cfg.cpu_model);
        return -1;
    }
    if (m->cfg.kernel || m->cfg.bios) {
        error_setg(errp, "machine 'none' has no CPU to run %s", m->cfg.kernel ? "-kernel" : "-bios");
        return -1;
    }
    if (m->cfg.ram_size) {
        MemoryRegion *ram = mr_new_ram("ram", m->cfg.ram_size, errp);
        if (!ram)
            return -1;
        mr_add_subregion(m->sysmem, 0, ram, 0);
    }
    return 0;
}

MACHINE_TYPE(machine_none,
    .name = "none",
    .desc = "empty machine",
    .arch = "none",
    .max_cpus = 1,
    .init = none_init,
);
