/*
 * semihosting.c — the Arm semihosting calls (Arm "Semihosting for AArch32
 * and AArch64", version 2.0): console, host files, time, command line,
 * heap information and exit, as bare-metal tests and embedded toolchains
 * (newlib's rdimon, picolibc) use them.
 *
 * In A64 the call is HLT #0xF000 with the operation in W0 and the
 * parameter (usually the address of a block of 64-bit words) in X1; the
 * result goes to X0. Guest memory is reached through the softmmu
 * (probe_access), so a bad pointer makes the call fail with -1 (errno
 * EFAULT) instead of faulting the guest or touching host memory.
 *
 * Refused (return -1, errno EPERM, as the specification allows an
 * implementation to fail them): SYS_TMPNAM, SYS_RENAME, SYS_SYSTEM, and
 * SYS_REMOVE of any file the program did not create itself in this run —
 * a guest must not delete or rename host files or run host commands.
 * SYS_OPEN opens host files relative to ferry's working directory (":tt"
 * is the console).
 */
#include "target/arm/semihosting.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "target/arm/sys.h"

static ArmSemihostConfig config = { .console_in_fd = 0, .console_out_fd = 1 };
static int64_t start_ns;
static int sh_errno;

void arm_semihosting_configure(const ArmSemihostConfig *cfg)
{
    config = *cfg;
}

/* ---- handles --------------------------------------------------------------------------- */

#define MAX_HANDLES 64
typedef struct Handle {
    bool used;
    bool console;
    int fd;
} Handle;
static Handle handles[MAX_HANDLES];

/* Files the program created (opened for writing when they did not exist):
 * the only ones SYS_REMOVE deletes. */
#define MAX_CREATED 64
static char *created[MAX_CREATED];

static int64_t handle_new(int fd, bool console)
{
    for (int i = 1; i < MAX_HANDLES; i++) {
        if (!handles[i].used) {
            handles[i] = (Handle){ .used = true, .console = console, .fd = fd };
            return i;
        }
    }
    return -1;
}

static Handle *handle_get(uint64_t h)
{
    if (h == 0 || h >= MAX_HANDLES || !handles[h].used)
        return NULL;
    return &handles[h];
}

/* ---- guest memory ------------------------------------------------------------------------ */

typedef struct Ctx {
    CPUARMState *env;
    CPUState *cs;
    int mmu_idx;
    uintptr_t ra;
} Ctx;

/* Copy len bytes of guest memory at va into buf; false if any part is not
 * readable RAM. */
static bool guest_read(Ctx *c, uint64_t va, void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len) {
        size_t n = MIN(len, (size_t)(TARGET_PAGE_SIZE - (va & ~TARGET_PAGE_MASK)));
        const uint8_t *p = probe_access(c->cs, va, (unsigned)n, MMU_DATA_LOAD, c->mmu_idx, true, c->ra);
        if (!p)
            return false;
        memcpy(out, p, n);
        out += n;
        va += n;
        len -= n;
    }
    return true;
}

/* Copy buf to guest memory at va; false if any part is not writable RAM
 * (nothing is written then). Pages holding translated code are written
 * through the softmmu, which invalidates the code. */
static bool guest_write(Ctx *c, uint64_t va, const void *buf, size_t len)
{
    /* check everything first */
    for (uint64_t a = va & TARGET_PAGE_MASK; len && a < va + len; a += TARGET_PAGE_SIZE) {
        uint64_t s = MAX(a, va), e = MIN(a + TARGET_PAGE_SIZE, va + len);
        if (!probe_access(c->cs, s, (unsigned)(e - s), MMU_DATA_LOAD, c->mmu_idx, true, c->ra))
            return false;
        if (a + TARGET_PAGE_SIZE < a)
            break;
    }
    if (va + len < va)
        return false;
    const uint8_t *in = buf;
    while (len) {
        size_t n = MIN(len, (size_t)(TARGET_PAGE_SIZE - (va & ~TARGET_PAGE_MASK)));
        uint8_t *p = probe_access(c->cs, va, (unsigned)n, MMU_DATA_STORE, c->mmu_idx, true, c->ra);
        if (p) {
            memcpy(p, in, n);
        } else {
            /* a code page (or not writable): byte stores through the softmmu */
            for (size_t i = 0; i < n; i++)
                cpu_st(c->cs, va + i, in[i], MO_8, c->mmu_idx, c->ra);
        }
        in += n;
        va += n;
        len -= n;
    }
    return true;
}

static bool read_word(Ctx *c, uint64_t va, uint64_t *v)
{
    return guest_read(c, va, v, 8);
}

/* Read the parameter block: n 64-bit words at X1. */
static bool read_args(Ctx *c, uint64_t *w, unsigned n)
{
    uint64_t block = c->env->xregs[1];
    for (unsigned i = 0; i < n; i++)
        if (!read_word(c, block + 8 * i, &w[i]))
            return false;
    return true;
}

/* A guest string of known length (not necessarily NUL-terminated). */
static char *read_string(Ctx *c, uint64_t va, uint64_t len)
{
    if (len > 4096)
        return NULL;
    char *s = xmalloc(len + 1);
    if (!guest_read(c, va, s, len)) {
        free(s);
        return NULL;
    }
    s[len] = 0;
    if (strlen(s) != len) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- console ------------------------------------------------------------------------------- */

static void out_bytes(const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(config.console_out_fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* ---- the calls ----------------------------------------------------------------------------- */

static int64_t fail(int err)
{
    sh_errno = err;
    return -1;
}

static int64_t sys_open(Ctx *c)
{
    uint64_t a[3];
    if (!read_args(c, a, 3))
        return fail(EFAULT);
    char *name = read_string(c, a[0], a[2]);
    if (!name)
        return fail(EFAULT);
    uint64_t mode = a[1];
    int64_t h;
    if (mode > 11) {
        h = fail(EINVAL);
    } else if (!strcmp(name, ":tt")) {
        int fd = mode < 4 ? config.console_in_fd : mode < 8 ? config.console_out_fd : 2;
        h = handle_new(fd, true);
    } else {
        static const int flags[4] = { O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC,
                                      O_RDWR | O_CREAT | O_TRUNC };
        int f;
        if (mode < 4)
            f = flags[(mode >> 1) & 1];
        else if (mode < 8)
            f = flags[2 + ((mode >> 1) & 1)];
        else
            f = ((mode >> 1) & 1 ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
        bool existed = access(name, F_OK) == 0;
        int fd = open(name, f | O_CLOEXEC, 0644);
        if (fd >= 0 && !existed && (f & O_CREAT)) {
            for (int i = 0; i < MAX_CREATED; i++) {
                if (!created[i]) {
                    created[i] = xstrdup(name);
                    break;
                }
            }
        }
        if (fd < 0) {
            h = fail(errno);
        } else {
            h = handle_new(fd, false);
            if (h < 0) {
                close(fd);
                h = fail(EMFILE);
            }
        }
    }
    free(name);
    return h;
}

static int64_t sys_close(Ctx *c)
{
    uint64_t a[1];
    if (!read_args(c, a, 1))
        return fail(EFAULT);
    Handle *h = handle_get(a[0]);
    if (!h)
        return fail(EBADF);
    if (!h->console)
        close(h->fd);
    h->used = false;
    return 0;
}

static int64_t sys_write(Ctx *c)
{
    uint64_t a[3];
    if (!read_args(c, a, 3))
        return fail(EFAULT);
    Handle *h = handle_get(a[0]);
    if (!h)
        return fail(EBADF);
    uint64_t left = a[2], va = a[1];
    uint8_t buf[4096];
    while (left) {
        size_t n = (size_t)MIN(left, sizeof(buf));
        if (!guest_read(c, va, buf, n)) {
            sh_errno = EFAULT;
            break;
        }
        if (h->console && h->fd == config.console_out_fd) {
            out_bytes(buf, n);
        } else {
            ssize_t w = write(h->fd, buf, n);
            if (w < 0) {
                sh_errno = errno;
                break;
            }
            n = (size_t)w;
            if (!n)
                break;
        }
        va += n;
        left -= n;
    }
    return (int64_t)left;   /* bytes not written */
}

static int64_t sys_read(Ctx *c)
{
    uint64_t a[3];
    if (!read_args(c, a, 3))
        return fail(EFAULT);
    Handle *h = handle_get(a[0]);
    if (!h)
        return fail(EBADF);
    uint64_t left = a[2], va = a[1];
    uint8_t buf[4096];
    while (left) {
        size_t n = (size_t)MIN(left, sizeof(buf));
        ssize_t r = read(h->fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            sh_errno = errno;
            break;
        }
        if (r == 0)
            break;
        if (!guest_write(c, va, buf, (size_t)r)) {
            sh_errno = EFAULT;
            break;
        }
        va += (uint64_t)r;
        left -= (uint64_t)r;
        if (h->console)
            break;   /* a console read returns what is there */
    }
    return (int64_t)left;   /* bytes not read */
}

static int64_t sys_remove(Ctx *c)
{
    uint64_t a[2];
    if (!read_args(c, a, 2))
        return fail(EFAULT);
    char *name = read_string(c, a[0], a[1]);
    if (!name)
        return fail(EFAULT);
    int64_t r = fail(EPERM);
    for (int i = 0; i < MAX_CREATED; i++) {
        if (created[i] && !strcmp(created[i], name)) {
            r = unlink(name) < 0 ? fail(errno) : 0;
            free(created[i]);
            created[i] = NULL;
            break;
        }
    }
    if (r < 0 && sh_errno == EPERM)
        qlog(LOG_UNIMP, "semihosting: SYS_REMOVE of %s refused (not created by the program)\n", name);
    free(name);
    return r;
}

static int64_t sys_seek(Ctx *c)
{
    uint64_t a[2];
    if (!read_args(c, a, 2))
        return fail(EFAULT);
    Handle *h = handle_get(a[0]);
    if (!h)
        return fail(EBADF);
    if (lseek(h->fd, (off_t)a[1], SEEK_SET) < 0)
        return fail(errno);
    return 0;
}

static int64_t sys_flen(Ctx *c)
{
    uint64_t a[1];
    if (!read_args(c, a, 1))
        return fail(EFAULT);
    Handle *h = handle_get(a[0]);
    if (!h)
        return fail(EBADF);
    struct stat st;
    if (fstat(h->fd, &st) < 0)
        return fail(errno);
    return (int64_t)st.st_size;
}

static int64_t sys_istty(Ctx *c)
{
    uint64_t a[1];
    if (!read_args(c, a, 1))
        return fail(EFAULT);
    Handle *h = handle_get(a[0]);
    if (!h)
        return fail(EBADF);
    return isatty(h->fd) ? 1 : 0;
}

static int64_t sys_get_cmdline(Ctx *c)
{
    uint64_t a[2];
    if (!read_args(c, a, 2))
        return fail(EFAULT);
    const char *cmd = config.cmdline ? config.cmdline : "";
    size_t len = strlen(cmd);
    if (len + 1 > a[1])
        return fail(E2BIG);
    if (!guest_write(c, a[0], cmd, len + 1))
        return fail(EFAULT);
    uint64_t newlen = len;
    if (!guest_write(c, c->env->xregs[1] + 8, &newlen, 8))
        return fail(EFAULT);
    return 0;
}

static int64_t sys_heapinfo(Ctx *c)
{
    uint64_t block;
    if (!read_word(c, c->env->xregs[1], &block))
        return fail(EFAULT);
    uint64_t info[4] = { config.heap_base, config.heap_limit, config.stack_base, config.stack_limit };
    if (!guest_write(c, block, info, sizeof(info)))
        return fail(EFAULT);
    return 0;
}

static NORETURN void sys_exit(Ctx *c, bool extended)
{
    uint64_t a[2] = { 0, 0 };
    int status;
    if (!read_args(c, a, 2)) {
        status = 1;
    } else if (a[0] == ADP_Stopped_ApplicationExit) {
        status = (int)(a[1] & 0xff);
    } else {
        status = 1;
        fprintf(stderr, "ferry: semihosting: the program stopped with reason %#" PRIx64
                " (%s)\n", a[0], extended ? "SYS_EXIT_EXTENDED" : "SYS_EXIT");
    }
    qlog(LOG_INT, "semihosting: exit with status %d\n", status);
    arm_cpu_end_run(env_archcpu(c->env), status);
    c->cs->exception_index = EXCP_HLT;
    cpu_loop_exit_restore(c->cs, c->ra);
}

void arm_semihosting_call(CPUARMState *env, uintptr_t ra)
{
    Ctx c = { .env = env, .cs = env_cs(env), .ra = ra };
    c.mmu_idx = arm_mmu_idx(env);
    if (!start_ns)
        start_ns = host_monotonic_ns();
    uint32_t op = (uint32_t)env->xregs[0];
    int64_t ret;
    switch (op) {
    case SH_SYS_OPEN: ret = sys_open(&c); break;
    case SH_SYS_CLOSE: ret = sys_close(&c); break;
    case SH_SYS_WRITEC: {
        uint8_t ch;
        if (guest_read(&c, env->xregs[1], &ch, 1))
            out_bytes(&ch, 1);
        ret = (int64_t)env->xregs[0];   /* X0 is corrupted: leave it */
        break;
    }
    case SH_SYS_WRITE0: {
        uint64_t va = env->xregs[1];
        char buf[256];
        size_t n = 0;
        for (uint64_t i = 0; i < (1u << 20); i++) {
            uint8_t ch;
            if (!guest_read(&c, va + i, &ch, 1) || !ch)
                break;
            buf[n++] = (char)ch;
            if (n == sizeof(buf)) {
                out_bytes(buf, n);
                n = 0;
            }
        }
        out_bytes(buf, n);
        ret = (int64_t)env->xregs[0];
        break;
    }
    case SH_SYS_WRITE: ret = sys_write(&c); break;
    case SH_SYS_READ: ret = sys_read(&c); break;
    case SH_SYS_READC: {
        uint8_t ch;
        ssize_t r;
        do
            r = read(config.console_in_fd, &ch, 1);
        while (r < 0 && errno == EINTR);
        ret = r == 1 ? ch : fail(r < 0 ? errno : EIO);
        break;
    }
    case SH_SYS_ISERROR: {
        uint64_t a[1];
        ret = read_args(&c, a, 1) ? (int64_t)a[0] < 0 : fail(EFAULT);
        break;
    }
    case SH_SYS_ISTTY: ret = sys_istty(&c); break;
    case SH_SYS_SEEK: ret = sys_seek(&c); break;
    case SH_SYS_FLEN: ret = sys_flen(&c); break;
    case SH_SYS_REMOVE: ret = sys_remove(&c); break;
    case SH_SYS_TMPNAM:
    case SH_SYS_RENAME:
    case SH_SYS_SYSTEM:
        qlog(LOG_UNIMP, "semihosting: operation %#x refused\n", op);
        ret = fail(EPERM);
        break;
    case SH_SYS_CLOCK:
        ret = (host_monotonic_ns() - start_ns) / 10000000;   /* centiseconds */
        break;
    case SH_SYS_TIME: ret = (int64_t)time(NULL); break;
    case SH_SYS_ERRNO: ret = sh_errno; break;
    case SH_SYS_GET_CMDLINE: ret = sys_get_cmdline(&c); break;
    case SH_SYS_HEAPINFO: ret = sys_heapinfo(&c); break;
    case SH_SYS_EXIT: sys_exit(&c, false);
    case SH_SYS_EXIT_EXTENDED: sys_exit(&c, true);
    case SH_SYS_ELAPSED: {
        uint64_t ticks = (uint64_t)(host_monotonic_ns() - start_ns);
        ret = guest_write(&c, env->xregs[1], &ticks, 8) ? 0 : fail(EFAULT);
        break;
    }
    case SH_SYS_TICKFREQ: ret = 1000000000; break;
    default:
        qlog(LOG_UNIMP, "semihosting: unknown operation %#x\n", op);
        ret = fail(ENOSYS);
        break;
    }
    env->xregs[0] = (uint64_t)ret;
}
