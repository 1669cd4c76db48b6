/*
 * runner.c — runs a bare-metal AArch64 program on ferry's A64 frontend
 * without a board: RAM at 0x40000000, one CPU at EL1 (MMU off), the
 * program loaded from an ELF (its PT_LOAD segments at their physical
 * addresses, entry from the header) or a flat binary (at 0x40080000),
 * semihosting on. It runs until the program exits through semihosting and
 * exits with that status; what the program prints goes to stdout.
 *
 *   runner [-accel interp|native] [-cpu MODEL] [-m MiB] [-append CMDLINE]
 *          [-timeout SECONDS] [-d ITEMS] PROGRAM
 *
 * Exit status: the program's; 2 for a bad command line or image; 3 when
 * the program hit an exception (printed; there are no vectors here);
 * 4 when it halted (WFI) with nothing to wake it; 124 on timeout.
 *
 * The virt board runs the same programs with -M virt -kernel X -semihosting.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/memory.h"
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

static void usage(void)
{
    fprintf(stderr, "usage: runner [-accel interp|native] [-cpu MODEL] [-m MiB] [-append CMDLINE]\n"
                    "              [-timeout S] [-d ITEMS] PROGRAM\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *accel = NULL, *cpu_name = "cortex-a57", *append = NULL, *prog = NULL;
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
    if (!prog || ram_mib < 4 || ram_mib > 4096)
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

    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram_mr = mr_new_ram("ram", ram_mib * MiB, &err);
    if (!ram_mr) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    AddressSpace *as = as_new("memory", root);
    uint8_t *ram = mr_ram_ptr(ram_mr);

    ARMCPUConfig cfg = { .mpidr = 0, .rvbar = RAM_BASE };
    ARMCPU *cpu = arm_cpu_create(cm, as, &cfg, &err);
    if (!cpu) {
        fprintf(stderr, "runner: %s\n", error_get_msg(err));
        return 2;
    }
    if (timeout) {
        signal(SIGALRM, on_alarm);
        alarm(timeout);
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
    arm_cpu_reset_to(cpu, entry, 1);
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
