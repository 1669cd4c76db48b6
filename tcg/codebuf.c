/*
 * codebuf.c — executable buffer for translated code (see codebuf.h for the
 * W^X scheme). Linux: memfd_create, else an unlinked shm object, mapped
 * RW and RX; macOS: MAP_JIT with pthread_jit_write_protect_np; RWX as the
 * last resort.
 */
#include "tcg/codebuf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __APPLE__
#include <libkern/OSCacheControl.h>
#include <pthread.h>
#endif
#ifdef __linux__
#include <sys/syscall.h>
#endif

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

/* Ask for the executable view just below the emulator's own code, so
 * generated code reaches helpers with direct (rel32) calls on x86-64. The
 * kernel ignores the hint if the range is taken. */
static void *near_text_hint(size_t size)
{
#if defined(__x86_64__)
    uintptr_t text = (uintptr_t)&codebuf_new;
    uintptr_t hint = (text & ~(uintptr_t)(2 * MiB - 1)) - size - 64 * MiB;
    return hint < text ? (void *)hint : NULL;
#else
    (void)size;
    return NULL;
#endif
}

static int anon_fd(size_t size)
{
    int fd = -1;
#if defined(__linux__) && defined(SYS_memfd_create)
    fd = (int)syscall(SYS_memfd_create, "ferry-jit", 1u /* MFD_CLOEXEC */);
#endif
    if (fd < 0) {
        /* Fallback: a POSIX shm object, unlinked at once. */
        char name[64];
        snprintf(name, sizeof(name), "/ferry-jit-%d-%p", (int)getpid(), (void *)&name);
        fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0)
            shm_unlink(name);
    }
    if (fd >= 0 && ftruncate(fd, (off_t)size) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static bool map_dual(CodeBuf *cb, size_t size)
{
#ifdef __APPLE__
    (void)cb; (void)size;
    return false;
#else
    int fd = anon_fd(size);
    if (fd < 0)
        return false;
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    void *rx = rw == MAP_FAILED ? MAP_FAILED
             : mmap(near_text_hint(size), size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_NORESERVE, fd, 0);
    close(fd);
    if (rx == MAP_FAILED) {
        if (rw != MAP_FAILED)
            munmap(rw, size);
        return false;
    }
    cb->rw = rw;
    cb->rx = rx;
    cb->mode = CODEBUF_DUAL;
    return true;
#endif
}

static bool map_jit(CodeBuf *cb, size_t size)
{
#if defined(__APPLE__) && defined(MAP_JIT)
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANON | MAP_JIT, -1, 0);
    if (p == MAP_FAILED)
        return false;
    cb->rw = cb->rx = p;
    cb->mode = CODEBUF_MAPJIT;
    return true;
#else
    (void)cb; (void)size;
    return false;
#endif
}

static bool map_rwx(CodeBuf *cb, size_t size)
{
    void *p = mmap(near_text_hint(size), size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    cb->rw = cb->rx = p;
    cb->mode = CODEBUF_RWX;
    return true;
}

CodeBuf *codebuf_new(size_t size, bool exec, Error **errp)
{
    CodeBuf *cb = xzalloc(sizeof(*cb));
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size = ALIGN_UP(size < 64 * KiB ? 64 * KiB : size, pg);
    cb->size = size;
    if (!exec) {
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            error_setg_errno(errp, errno, "cannot reserve %zu bytes for translated code", size);
            free(cb);
            return NULL;
        }
        cb->rw = cb->rx = p;
        cb->mode = CODEBUF_MALLOC;
        return cb;
    }
    if (map_jit(cb, size) || map_dual(cb, size))
        return cb;
    if (map_rwx(cb, size)) {
        warn_report("translated code buffer: no W^X mapping available, using RWX memory");
        return cb;
    }
    error_setg_errno(errp, errno, "cannot map %zu bytes of executable memory", size);
    free(cb);
    return NULL;
}

void codebuf_free(CodeBuf *cb)
{
    if (!cb)
        return;
    munmap(cb->rw, cb->size);
    if (cb->rx != cb->rw)
        munmap(cb->rx, cb->size);
    free(cb);
}

void codebuf_write_begin(CodeBuf *cb)
{
#if defined(__APPLE__) && defined(MAP_JIT)
    if (cb->mode == CODEBUF_MAPJIT)
        pthread_jit_write_protect_np(0);
#else
    (void)cb;
#endif
}

void codebuf_write_end(CodeBuf *cb)
{
#if defined(__APPLE__) && defined(MAP_JIT)
    if (cb->mode == CODEBUF_MAPJIT)
        pthread_jit_write_protect_np(1);
#else
    (void)cb;
#endif
}

void codebuf_sync(CodeBuf *cb, const void *rx, size_t len)
{
    (void)cb;
#if defined(__APPLE__)
    sys_icache_invalidate((void *)rx, len);
#elif defined(__aarch64__)
    /* The RW and RX views alias: clean by the RW address, invalidate the
     * instruction side by the RX one. __builtin___clear_cache does both
     * for one address range; do it for each view. */
    __builtin___clear_cache((char *)codebuf_rw(cb, rx), (char *)codebuf_rw(cb, rx) + len);
    __builtin___clear_cache((char *)rx, (char *)rx + len);
#else
    (void)rx; (void)len;   /* x86: coherent instruction fetch */
#endif
}

void codebuf_reset(CodeBuf *cb)
{
    cb->used = cb->head;
}

const char *codebuf_mode_name(const CodeBuf *cb)
{
    static const char *const names[] = { "dual-mapped", "MAP_JIT", "RWX", "data" };
    return names[cb->mode];
}
