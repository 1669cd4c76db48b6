/*
 * runner.c — runs a bare-metal AArch64 program on ferry's A64 frontend.
 *
 * Without -M: no board. RAM at 0x40000000, one CPU at EL1 (MMU off), the
 * program loaded from an ELF (its PT_LOAD segments at their physical
 * addresses, entry from the header) or a flat binary (at 0x40080000),
 * semihosting on, no interrupt controller and no timers firing. It runs
 * until the program exits through semihosting and exits with that status;
 * what the program prints goes to stdout.
 *
 * With -M virt[,KEY=VALUE...]: the virt board's CPU side — its RAM, CPUs
 * (-smp N, with PSCI per the board's rule), GIC (gic-version=), generic
 * timers and PL011 — built by the board's own code, the program loaded by
 * the board's -kernel loader (ELF), running on the vCPU thread with the
 * event loop, as `ferry -M virt -kernel PROGRAM -semihosting` would but
 * without the board's other devices (virtio-mmio, PCIe, fw_cfg). For the
 * system-level tests: exceptions, MMU, timers, interrupts, PSCI, SMP.
 *
 *   runner [-accel interp|native] [-cpu MODEL] [-m MiB] [-append CMDLINE]
 *          [-timeout SECONDS] [-d ITEMS] [-el 1|2|3] [-M virt[,...]] [-smp N] PROGRAM
 *
 * -el N (without -M): the CPU has EL2 (N >= 2) and EL3 (N = 3) and starts
 * at EL N.
 *
 * Exit status: the program's; 2 for a bad command line or image; 3 when
 * the program took an exception to an EL whose VBAR is 0 (no vectors:
 * printed); 4 when it halted (WFI) with nothing to wake it (no -M only);
 * 124 on timeout.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boards/virt.h"
#include "core/log.h"
#include "core/memory.h"
#include "devices/char/pl011.h"
#include "target/arm/cpu.h"
#include "target/arm/semihosting.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"


#define RAM_BASE 0x40000000ull
#define FLAT_LOAD 0x40080000ull

typedef struct Run {
    bool done;
    int status;
} Run;

static void on_end(ARMCPU *cpu, int status, void *opaque)
{
    (void)cpu;
    Run *r = opaque;
    r->done = true;
    r->status = status;
}

/* An exception with no vectors to go to ends the run (status 3). */
static bool no_vectors(ARMCPU *cpu, void *opaque)
{
    (void)opaque;
    CPUARMState *env = &cpu->env;
    unsigned el = arm_current_el(env);
    CPUState *cs = &cpu->parent;
    /* HVC/SMC may be firmware calls (PSCI), which need no vectors */
    if (env->sys.vbar[el ? el : 1] || cs->exception_index == EXCP_HVC ||
        cs->exception_index == EXCP_SMC)
        return false;
    static const char *const names[] = {
        [EXCP_UDEF] = "Undefined Instruction", [EXCP_SVC] = "SVC", [EXCP_BKPT] = "BRK",
        [EXCP_PREFETCH_ABORT] = "Instruction Abort", [EXCP_DATA_ABORT] = "Data Abort",
        [EXCP_PC_ALIGN] = "PC alignment fault",
    };
    int e = cs->exception_index;
    const char *n = e >= 0 && e < (int)ARRAY_SIZE(names) && names[e] ? names[e] : "synchronous";
    fprintf(stderr, "runner: cpu %d: %s exception at pc %#" PRIx64 " (ESR %#x, FAR %#" PRIx64
            ", EL%u) and no vectors (VBAR_EL%u is 0)\n", cs->index, n, env->pc,
            env->exception.syndrome, env->exception.vaddress, el, el ? el : 1);
    cs->hooks->dump_state(cs, stderr);
    arm_cpu_end_run(cpu, 3);
    return true;
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "runner: timeout\n";
    if (write(2, msg, sizeof(msg) - 1) < 0) {
        /* nothing more to do */
    }
    _exit(124);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return NULL;
    }
    uint8_t *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

/* Load an ELF64 little-endian AArch64 executable into RAM; returns the
 * entry point and the end of the highest segment, or false. */
static bool load_elf(const uint8_t *f, size_t len, uint8_t *ram, uint64_t ram_size, uint64_t *entry,
                     uint64_t *image_end)
{
    if (len < 64 || memcmp(f, "\177ELF", 4) || f[4] != 2 || f[5] != 1 || le16(f + 18) != 183)
        return false;
    uint64_t phoff = le64(f + 32);
    unsigned phentsize = le16(f + 54), phnum = le16(f + 56);
    *entry = le64(f + 24);
    *image_end = RAM_BASE;
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t o = phoff + (uint64_t)i * phentsize;
        if (o + 56 > len)
            return false;
        const uint8_t *ph = f + o;
        if (le32(ph) != 1)   /* PT_LOAD */
            continue;
        uint64_t off = le64(ph + 8), paddr = le64(ph + 24), filesz = le64(ph + 32),
                 memsz = le64(ph + 40);
        if (filesz > memsz || off + filesz > len || off + filesz < off || paddr < RAM_BASE ||
            paddr - RAM_BASE + memsz > ram_size || paddr + memsz < paddr) {
            fprintf(stderr, "runner: segment at %#" PRIx64 " (%#" PRIx64 " bytes) is outside RAM\n",
                    paddr, memsz);
            return false;
        }
        memcpy(ram + (paddr - RAM_BASE), f + off, filesz);
        memset(ram + (paddr - RAM_BASE) + filesz, 0, memsz - filesz);
        *image_end = MAX(*image_end, paddr + memsz);
    }
    return true;
}

/* -M virt: the board's CPU side and the program, run by the machine. */
static int run_board(const char *board, const char *cpu_name, uint64_t ram_mib, unsigned smp,
                     const char *append, const char *prog)
{
    Error *err = NULL;
    char *text = xasprintf("%s", board);
    Opts *o = opts_parse("-M", text, "type", &err);
    if (!o || strcmp(opts_get(o, "type"), "virt")) {
        fprintf(stderr, "runner: -M %s: only virt is supported\n", board);
        return 2;
    }
    opts_mark_used(o, "type");
    Loop *loop = loop_new();
    dev_lock();
    Machine *m = machine_new(machine_type_find("virt"), loop);
    m->cfg.machine_opts = o;
    m->cfg.ram_size = ram_mib * MiB;
    m->cfg.smp_cpus = smp ? smp : 1;
    m->cfg.cpu_model = cpu_name;
    m->cfg.kernel = prog;
    m->cfg.append = append;
    m->cfg.semihosting = true;
    m->cfg.no_reboot = true;
    VirtBoard *vb = virt_prepare(m, &err);
    if (!vb || virt_create_memory(vb, &err) < 0 || virt_cpus_create(vb, &err) < 0 ||
        virt_gic_create(vb, &err) < 0 || virt_create_device(vb, VIRT_UART, &err) < 0 ||
        virt_boot_load(vb, &err) < 0 || virt_fdt_build(vb, &err) < 0 ||
        virt_boot_start(vb, &err) < 0) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    CPU_FOREACH(c) {
        arm_cpu(c)->exception_intercept = no_vectors;
    }
    int status = machine_run(m);
    dev_unlock();
    fflush(stdout);
    return status;
}

static void usage(void)
{
    fprintf(stderr, "usage: runner [-accel interp|native] [-cpu MODEL] [-m MiB] [-append CMDLINE]\n"
                    "              [-timeout S] [-d ITEMS] [-el N] [-M virt[,...]] [-smp N] PROGRAM\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *accel = NULL, *cpu_name = "cortex-a57", *append = NULL, *prog = NULL;
    const char *board = NULL;
    unsigned smp = 1, start_el = 1;
    uint64_t ram_mib = 128;
    unsigned timeout = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-accel") && more) {
            accel = argv[++i];
        } else if (!strcmp(a, "-cpu") && more) {
            cpu_name = argv[++i];
        } else if (!strcmp(a, "-m") && more) {
            ram_mib = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(a, "-append") && more) {
            append = argv[++i];
        } else if (!strcmp(a, "-M") && more) {
            board = argv[++i];
        } else if (!strcmp(a, "-el") && more) {
            start_el = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(a, "-smp") && more) {
            smp = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(a, "-timeout") && more) {
            timeout = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(a, "-d") && more) {
            Error *err = NULL;
            int64_t m = log_parse_items(argv[++i], &err);
            if (m < 0) {
                fprintf(stderr, "runner: %s\n", error_get_msg(err));
                return 2;
            }
            log_mask = (uint32_t)m;
        } else if (a[0] == '-') {
            usage();
        } else {
            prog = a;
        }
    }
    if (!prog || ram_mib < 4 || ram_mib > 4096 || start_el < 1 || start_el > 3)
        usage();

    Error *err = NULL;
    if (accel && tcg_select_backend(accel, &err) < 0) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    if (tcg_exec_init(32 * MiB, NULL, &err) < 0) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    const CpuModel *cm = cpu_model_find("aarch64", cpu_name);
    if (!cm) {
        fprintf(stderr, "runner: unknown CPU model %s; models:\n", cpu_name);
        cpu_model_print_help(stderr, "aarch64");
        return 2;
    }
    if (timeout) {
        signal(SIGALRM, on_alarm);
        alarm(timeout);
    }
    if (board)
        return run_board(board, cpu_name, ram_mib, smp, append, prog);

    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram_mr = mr_new_ram("ram", ram_mib * MiB, &err);
    if (!ram_mr) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    AddressSpace *as = as_new("memory", root);
    uint8_t *ram = mr_ram_ptr(ram_mr);

    ARMCPUConfig cfg = { .mpidr = 0, .rvbar = RAM_BASE, .has_el2 = start_el >= 2,
                         .has_el3 = start_el >= 3 };
    ARMCPU *cpu = arm_cpu_create(cm, as, &cfg, &err);
    if (!cpu) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    size_t len;
    uint8_t *img = read_file(prog, &len);
    if (!img) {
        fprintf(stderr, "runner: cannot read %s\n", prog);
        return 2;
    }
    uint64_t entry, end;
    if (len >= 4 && !memcmp(img, "\177ELF", 4)) {
        if (!load_elf(img, len, ram, ram_mib * MiB, &entry, &end)) {
            fprintf(stderr, "runner: %s: not a loadable AArch64 ELF executable\n", prog);
            return 2;
        }
    } else {
        if (FLAT_LOAD - RAM_BASE + len > ram_mib * MiB) {
            fprintf(stderr, "runner: %s does not fit in RAM\n", prog);
            return 2;
        }
        memcpy(ram + (FLAT_LOAD - RAM_BASE), img, len);
        entry = FLAT_LOAD;
        end = FLAT_LOAD + len;
    }
    free(img);

    uint64_t ram_end = RAM_BASE + ram_mib * MiB;
    ArmSemihostConfig sh = {
        .cmdline = append ? append : prog,
        .heap_base = ALIGN_UP(end, 16),
        .heap_limit = ram_end - 1 * MiB,
        .stack_base = ram_end,            /* stack grows down from the top */
        .stack_limit = ram_end - 1 * MiB,
        .console_in_fd = 0,
        .console_out_fd = 1,
    };
    arm_semihosting_configure(&sh);
    arm_semihosting_enabled = true;

    Run run = { 0 };
    cpu->on_end_run = on_end;
    cpu->end_run_opaque = &run;
    cpu->exception_intercept = no_vectors;
    arm_cpu_reset_to(cpu, entry, start_el);
    cpu->env.xregs[31] = ram_end;   /* a usable stack for C programs */

    CPUState *cs = &cpu->parent;
    for (;;) {
        cpu_process_work();
        int r = cpu_exec(cs);
        if (run.done)
            break;
        if ((r == EXCP_HLT || r == EXCP_HALTED) && cs->halted && !cs->hooks->has_work(cs)) {
            fprintf(stderr, "runner: the CPU halted (WFI) at pc %#" PRIx64
                    " and nothing can wake it\n", cpu->env.pc);
            return 4;
        }
    }
    fflush(stdout);
    exit_hooks_run();   /* -d jitstats */
    log_flush();
    return run.status;
}
