/*
 * machine.h — machine types (boards), the machine being run, its run state,
 * and the CPU model list.
 *
 * A board is one file in boards/ that registers a MachineType with
 * MACHINE_TYPE(...): its name, architecture, defaults, properties (the
 * -machine keys beyond the common ones), and init(), which builds memory,
 * devices and CPUs from the Machine's config. `-M help` lists the registry.
 *
 * Run state changes requested from other threads (a vCPU doing PSCI
 * SYSTEM_OFF, the mux's Ctrl-A x) are posted with machine_request_*() and
 * acted on by the loop thread.
 */
#ifndef FERRY_MACHINE_H
#define FERRY_MACHINE_H

#include "core/device.h"
#include "core/loop.h"
#include "core/memory.h"
#include "core/opts.h"

typedef struct Machine Machine;
typedef struct Chardev Chardev;

/* -fw_cfg [name=]NAME,file=PATH or string=TEXT: a named file for the
 * board's fw_cfg device. */
typedef struct FwCfgUserItem {
    const char *name;
    const char *file;      /* exactly one of file and string is set */
    const char *string;
} FwCfgUserItem;

typedef struct MachineConfig {
    uint64_t ram_size;     /* bytes; 0 = board default */
    unsigned smp_cpus;     /* 0 = 1 */
    unsigned smp_max_cpus;
    unsigned smp_sockets, smp_cores, smp_threads;
    const char *cpu_model; /* NULL = board default */
    const char *kernel, *initrd, *append, *dtb, *bios;
    bool no_reboot, no_shutdown;
    bool start_stopped;    /* -S */
    bool semihosting;
    const char *name;      /* -name */
    Opts *machine_opts;    /* -M/-machine, board properties unconsumed by core */
    Chardev *serial[4];    /* -serial, in order; NULL when none */
    int n_serial;
    const FwCfgUserItem *fw_cfg; /* -fw_cfg, in order; the board's fw_cfg adds them */
    int n_fw_cfg;
} MachineConfig;

typedef struct MachineType {
    const char *name;
    const char *alias;       /* e.g. "virt-7.2"; may be NULL */
    const char *desc;
    const char *arch;        /* "aarch64", "x86_64", or "none" */
    bool is_default;         /* default for its arch's binary name */
    const char *default_cpu;
    uint64_t default_ram;
    unsigned max_cpus;
    /* -machine keys this board understands besides the common ones;
     * NULL-terminated. init() reads them from cfg.machine_opts. */
    const char *const *props;
    /* The NIC model for -nic/-net nic without model= and for the default
     * network (QEMU's rule: virt gets virtio-net-pci); NULL: the board
     * places no pluggable NICs. An onboard NIC takes its request in init()
     * with nic_request_claim() (netback/net.h). */
    const char *default_nic;
    int (*init)(Machine *m, Error **errp);
    void (*reset)(Machine *m); /* after all devices are reset; may be NULL */
    /* Optional: checks the configuration (-machine values, CPU count, RAM
     * size, files the board reads) before anything is created, so a
     * mistake is reported before chardevs and netdevs open. ram_size and
     * smp_cpus may still be 0 (the defaults). Creates nothing. */
    int (*check)(const MachineConfig *cfg, Error **errp);
} MachineType;

void machine_type_register(const MachineType *mt);
#define MACHINE_TYPE(var, ...)                                    \
    static const MachineType var = {__VA_ARGS__};                 \
    REGISTER_AT_STARTUP(var##_register) { machine_type_register(&var); }
const MachineType *machine_type_find(const char *name);
const MachineType *machine_type_default(const char *arch);
/* NULL-terminated list, sorted by name; caller frees the array. */
const MachineType **machine_type_list(void);
void machine_print_help(FILE *out);

typedef enum {
    RUN_STATE_PRELAUNCH,
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
} RunState;

struct Machine {
    const MachineType *type;
    MachineConfig cfg;
    Loop *loop;
    MemoryRegion *sysmem;  /* root of the system address space */
    AddressSpace *as;
    MemoryRegion *iomem;   /* x86 I/O ports (64 KiB); NULL on other arches */
    AddressSpace *io_as;
    Bus *sysbus;
    void *board;           /* the board's own state */
    RunState state;
    /* Set by the CPU layer when the machine has vCPUs; NULL otherwise. */
    void (*cpus_pause)(Machine *m);   /* returns when no vCPU runs guest code */
    void (*cpus_resume)(Machine *m);
    void (*cpus_reset)(Machine *m);
    struct MachineRequests *req;      /* internal to core/machine.c */
};

Machine *machine_new(const MachineType *mt, Loop *l);
int machine_init(Machine *m, Error **errp);
void machine_reset(Machine *m);  /* devices, then board */
/* Enter RUNNING (or PAUSED with -S) and run the loop until shutdown;
 * returns the process exit status. */
int machine_run(Machine *m);

void vm_stop(Machine *m);
void vm_start(Machine *m);
RunState machine_state(const Machine *m);
const char *runstate_name(RunState s);

/* Thread-safe requests, acted on by the loop thread. */
void machine_request_reset(Machine *m);
void machine_request_powerdown(Machine *m); /* ACPI/GPIO power button */
/* The guest powered off: exits with exit_status, or with -no-shutdown stops
 * and stays (the monitor still answers). */
void machine_request_shutdown(Machine *m, int exit_status);
/* The user asked to quit (monitor `quit`, Ctrl-A x, a signal). */
void machine_request_quit(Machine *m, int exit_status);
/* Board hook for the power button; NULL = no button (powerdown refused). */
void machine_set_powerdown_handler(Machine *m, void (*fn)(void *), void *opaque);

/* CPU models: filled by the target frontends. */
typedef struct CpuModel {
    const char *name;
    const char *arch;
    const char *desc;
    const void *impl;  /* the target's own model description */
} CpuModel;
void cpu_model_register(const CpuModel *cm);
#define CPU_MODEL(var, ...)                                       \
    static const CpuModel var = {__VA_ARGS__};                    \
    REGISTER_AT_STARTUP(var##_register) { cpu_model_register(&var); }
const CpuModel *cpu_model_find(const char *arch, const char *name);
void cpu_model_print_help(FILE *out, const char *arch);

#endif
