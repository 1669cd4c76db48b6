/*
 * machine.c — the machine registry, machine life cycle, run state and the
 * thread-safe request path, and the CPU model registry.
 *
 * Requests (reset, power button, shutdown, quit) may come from any thread:
 * they are recorded under a small mutex and a bottom half acts on them on the
 * loop thread, with the device lock held.
 */
#include "core/machine.h"

#include <pthread.h>

static const MachineType **mtypes;
static int n_mtypes;

void machine_type_register(const MachineType *mt)
{
    mtypes = xrealloc(mtypes, (n_mtypes + 1) * sizeof(*mtypes));
    mtypes[n_mtypes++] = mt;
}

const MachineType *machine_type_find(const char *name)
{
    for (int i = 0; i < n_mtypes; i++)
        if (!strcmp(mtypes[i]->name, name) ||
            (mtypes[i]->alias && !strcmp(mtypes[i]->alias, name)))
            return mtypes[i];
    return NULL;
}

const MachineType *machine_type_default(const char *arch)
{
    for (int i = 0; i < n_mtypes; i++)
        if (mtypes[i]->is_default && !strcmp(mtypes[i]->arch, arch))
            return mtypes[i];
    return NULL;
}

static int mt_cmp(const void *a, const void *b)
{
    return strcmp((*(const MachineType *const *)a)->name,
                  (*(const MachineType *const *)b)->name);
}

const MachineType **machine_type_list(void)
{
    const MachineType **l = xcalloc(n_mtypes + 1, sizeof(*l));
    memcpy(l, mtypes, n_mtypes * sizeof(*l));
    qsort(l, n_mtypes, sizeof(*l), mt_cmp);
    return l;
}

void machine_print_help(FILE *out)
{
    const MachineType **l = machine_type_list();
    fprintf(out, "Supported machines are:\n");
    for (int i = 0; l[i]; i++) {
        if (l[i]->alias)
            fprintf(out, "%-20s %s (alias of %s)\n", l[i]->alias, l[i]->desc, l[i]->name);
        fprintf(out, "%-20s %s%s%s\n", l[i]->name, l[i]->desc,
                strcmp(l[i]->arch, "none") ? " - " : "",
                strcmp(l[i]->arch, "none") ? l[i]->arch : "");
    }
    free(l);
}

typedef struct MachineRequests {
    pthread_mutex_t lock;
    BH *bh;
    bool reset, powerdown, shutdown, quit;
    int shutdown_status, quit_status;
    void (*powerdown_fn)(void *);
    void *powerdown_opaque;
} MachineRequests;

static void machine_handle_requests(void *opaque);

Machine *machine_new(const MachineType *mt, Loop *l)
{
    Machine *m = xzalloc(sizeof(*m));
    m->type = mt;
    m->loop = l;
    m->state = RUN_STATE_PRELAUNCH;
    m->req = xzalloc(sizeof(*m->req));
    pthread_mutex_init(&m->req->lock, NULL);
    m->req->bh = bh_new(l, machine_handle_requests, m);
    /* The system address space exists on every machine; its size covers the
     * whole 64-bit physical range so boards can map anywhere. */
    m->sysmem = mr_new_container("system", UINT64_MAX);
    m->as = as_new("memory", m->sysmem);
    if (!strcmp(mt->arch, "x86_64")) {
        m->iomem = mr_new_container("io", 64 * KiB);
        m->io_as = as_new("I/O", m->iomem);
    }
    m->sysbus = bus_new("sysbus", "main-system-bus", NULL, 0);
    return m;
}

int machine_init(Machine *m, Error **errp)
{
    const MachineType *mt = m->type;
    if (!m->cfg.ram_size)
        m->cfg.ram_size = mt->default_ram;
    if (!m->cfg.smp_cpus)
        m->cfg.smp_cpus = 1;
    if (mt->max_cpus && m->cfg.smp_cpus > mt->max_cpus) {
        error_setg(errp, "-smp %u: machine '%s' supports at most %u CPUs", m->cfg.smp_cpus,
                   mt->name, mt->max_cpus);
        return -1;
    }
    if (!mt->init) {
        error_setg(errp, "machine '%s': not implemented yet", mt->name);
        return -1;
    }
    return mt->init(m, errp);
}

void machine_reset(Machine *m)
{
    device_reset_all();
    if (m->type->reset)
        m->type->reset(m);
    if (m->cpus_reset)
        m->cpus_reset(m);
}

const char *runstate_name(RunState s)
{
    static const char *const names[] = {
        [RUN_STATE_PRELAUNCH] = "prelaunch",
        [RUN_STATE_RUNNING] = "running",
        [RUN_STATE_PAUSED] = "paused",
        [RUN_STATE_SHUTDOWN] = "shutdown",
    };
    return names[s];
}

RunState machine_state(const Machine *m)
{
    return m->state;
}

void vm_stop(Machine *m)
{
    if (m->state != RUN_STATE_RUNNING)
        return;
    if (m->cpus_pause)
        m->cpus_pause(m);
    loop_vclock_stop(m->loop);
    m->state = RUN_STATE_PAUSED;
}

void vm_start(Machine *m)
{
    if (m->state == RUN_STATE_RUNNING)
        return;
    loop_vclock_start(m->loop);
    m->state = RUN_STATE_RUNNING;
    if (m->cpus_resume)
        m->cpus_resume(m);
}

static void machine_post(Machine *m, void (*set)(MachineRequests *r, int v), int v)
{
    pthread_mutex_lock(&m->req->lock);
    set(m->req, v);
    pthread_mutex_unlock(&m->req->lock);
    bh_schedule(m->req->bh);
}

static void set_reset(MachineRequests *r, int v) { r->reset = true; }
static void set_powerdown(MachineRequests *r, int v) { r->powerdown = true; }
static void set_quit(MachineRequests *r, int v)
{
    if (!r->quit)
        r->quit_status = v;
    r->quit = true;
}
static void set_shutdown(MachineRequests *r, int v)
{
    if (!r->shutdown)
        r->shutdown_status = v;
    r->shutdown = true;
}

void machine_request_reset(Machine *m) { machine_post(m, set_reset, 0); }
void machine_request_powerdown(Machine *m) { machine_post(m, set_powerdown, 0); }
void machine_request_shutdown(Machine *m, int status) { machine_post(m, set_shutdown, status); }
void machine_request_quit(Machine *m, int status) { machine_post(m, set_quit, status); }

void machine_set_powerdown_handler(Machine *m, void (*fn)(void *), void *opaque)
{
    m->req->powerdown_fn = fn;
    m->req->powerdown_opaque = opaque;
}

static void machine_handle_requests(void *opaque)
{
    Machine *m = opaque;
    MachineRequests *r = m->req;
    pthread_mutex_lock(&r->lock);
    MachineRequests now = *r;
    r->reset = r->powerdown = r->shutdown = r->quit = false;
    pthread_mutex_unlock(&r->lock);

    /* The power button only notifies the guest: it goes first, so a quit
     * posted in the same batch does not swallow it. */
    if (now.powerdown) {
        if (r->powerdown_fn)
            r->powerdown_fn(r->powerdown_opaque);
        else
            warn_report("system_powerdown: machine '%s' has no power button", m->type->name);
    }
    if (now.quit) {
        vm_stop(m);
        m->state = RUN_STATE_SHUTDOWN;
        loop_quit(m->loop, now.quit_status);
        return;
    }
    if (now.shutdown) {
        vm_stop(m);
        m->state = RUN_STATE_SHUTDOWN;
        if (!m->cfg.no_shutdown) {
            loop_quit(m->loop, now.shutdown_status);
            return;
        }
        info_report("guest shut down; staying stopped (-no-shutdown)");
    }
    if (now.reset) {
        if (m->cfg.no_reboot) {
            vm_stop(m);
            m->state = RUN_STATE_SHUTDOWN;
            loop_quit(m->loop, 0);
            return;
        }
        bool was_running = m->state == RUN_STATE_RUNNING;
        vm_stop(m);
        machine_reset(m);
        if (was_running || m->state == RUN_STATE_SHUTDOWN)
            vm_start(m);
    }
}

int machine_run(Machine *m)
{
    machine_reset(m);
    if (m->cfg.start_stopped) {
        m->state = RUN_STATE_PAUSED;
        loop_vclock_stop(m->loop);
    } else {
        vm_start(m);
    }
    return loop_run(m->loop);
}

static const CpuModel **cpu_models;
static int n_cpu_models;

void cpu_model_register(const CpuModel *cm)
{
    cpu_models = xrealloc(cpu_models, (n_cpu_models + 1) * sizeof(*cpu_models));
    cpu_models[n_cpu_models++] = cm;
}

const CpuModel *cpu_model_find(const char *arch, const char *name)
{
    for (int i = 0; i < n_cpu_models; i++)
        if (!strcmp(cpu_models[i]->arch, arch) && !strcmp(cpu_models[i]->name, name))
            return cpu_models[i];
    return NULL;
}

void cpu_model_print_help(FILE *out, const char *arch)
{
    int shown = 0;
    fprintf(out, "Available CPUs%s%s:\n", arch ? " for " : "", arch ? arch : "");
    for (int i = 0; i < n_cpu_models; i++) {
        if (arch && strcmp(cpu_models[i]->arch, arch))
            continue;
        fprintf(out, "  %-16s %s\n", cpu_models[i]->name,
                cpu_models[i]->desc ? cpu_models[i]->desc : "");
        shown++;
    }
    if (!shown)
        fprintf(out, "  (none yet: the %s CPU frontend is not implemented yet)\n",
                arch ? arch : "");
}
