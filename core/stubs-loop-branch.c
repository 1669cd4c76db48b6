/*
 * stubs-loop-branch.c — temporary: removed at integration.
 *
 * The loop branch (event loop, chardevs, monitor) calls into opts, machine,
 * device and memory code that other branches are writing at the same time.
 * These trivial stand-ins let this branch link and run its tests. They are
 * weak, so the real definitions win wherever they are linked in, even
 * before this file is deleted.
 */
#include "core/device.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/opts.h"

#define STUB __attribute__((weak))

/* ---- core/opts.h --------------------------------------------------------- */

STUB Opts *opts_parse(const char *option, const char *text, const char *implied_key,
                      Error **errp)
{
    error_setg(errp, "%s: option parsing not available on this branch", option);
    return NULL;
}

STUB void opts_free(Opts *o)
{
}

STUB const char *opts_get(Opts *o, const char *key)
{
    return NULL;
}

STUB bool opts_has(const Opts *o, const char *key)
{
    return false;
}

STUB int opts_get_bool(Opts *o, const char *key, bool def, bool *out, Error **errp)
{
    *out = def;
    return 0;
}

STUB int opts_get_u64(Opts *o, const char *key, uint64_t def, uint64_t *out,
                      Error **errp)
{
    *out = def;
    return 0;
}

STUB int opts_get_size(Opts *o, const char *key, uint64_t def, uint64_t *out,
                       Error **errp)
{
    *out = def;
    return 0;
}

STUB int opts_check_unused(Opts *o, const char *const *valid, Error **errp)
{
    return 0;
}

STUB bool id_wellformed(const char *id)
{
    return true;
}

/* ---- core/machine.h ------------------------------------------------------ */

STUB void vm_stop(Machine *m)
{
}

STUB void vm_start(Machine *m)
{
}

STUB RunState machine_state(const Machine *m)
{
    return RUN_STATE_PRELAUNCH;
}

STUB const char *runstate_name(RunState s)
{
    return "not available";
}

STUB void machine_request_reset(Machine *m)
{
}

STUB void machine_request_powerdown(Machine *m)
{
}

STUB void machine_request_shutdown(Machine *m, int exit_status)
{
}

/* ---- core/device.h, core/memory.h ---------------------------------------- */

STUB void device_print_qtree(FILE *out)
{
}

STUB void as_print_tree(AddressSpace *as, FILE *out)
{
}

STUB void as_print_flat(AddressSpace *as, FILE *out)
{
}
