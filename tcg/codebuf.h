/*
 * codebuf.h — the executable buffer translated code lives in.
 *
 * W^X: on Linux the buffer is one memory object mapped twice, an RW view
 * that code is written and patched through and an RX view that runs (no
 * page is ever writable and executable at once). On macOS/arm64 it is a
 * MAP_JIT mapping whose write permission is toggled per thread around
 * writes (codebuf_write_begin/end). Where neither is possible it falls
 * back to an RWX mapping and says so.
 *
 * The size is reserved, not committed: pages cost memory only once
 * written. Allocation is a bump pointer; the block cache flushes the whole
 * buffer when it is full.
 */
#ifndef FERRY_TCG_CODEBUF_H
#define FERRY_TCG_CODEBUF_H

#include "core/error.h"

struct CodeBuf {
    uint8_t *rw;          /* write view */
    uint8_t *rx;          /* execute view (== rw for MAP_JIT/RWX) */
    size_t size;
    size_t head;          /* bytes kept across flushes (prologue etc.) */
    size_t used;          /* bump pointer */
    int mode;             /* how it was mapped (CODEBUF_*) */
};
typedef struct CodeBuf CodeBuf;

enum { CODEBUF_DUAL, CODEBUF_MAPJIT, CODEBUF_RWX, CODEBUF_MALLOC };

#define CODEBUF_DEFAULT_SIZE (256 * MiB)

/* exec = false gives plain memory (interpreter-only use). */
CodeBuf *codebuf_new(size_t size, bool exec, Error **errp);
void codebuf_free(CodeBuf *cb);

static inline void *codebuf_rx(const CodeBuf *cb, const void *rw)
{
    return cb->rx + ((const uint8_t *)rw - cb->rw);
}
static inline void *codebuf_rw(const CodeBuf *cb, const void *rx)
{
    return cb->rw + ((const uint8_t *)rx - cb->rx);
}
static inline bool codebuf_contains(const CodeBuf *cb, uintptr_t rx)
{
    return rx >= (uintptr_t)cb->rx && rx < (uintptr_t)cb->rx + cb->size;
}
static inline size_t codebuf_avail(const CodeBuf *cb) { return cb->size - cb->used; }
static inline uint8_t *codebuf_ptr(const CodeBuf *cb) { return cb->rw + cb->used; }

/* Around every write to the buffer (no-ops except with MAP_JIT). */
void codebuf_write_begin(CodeBuf *cb);
void codebuf_write_end(CodeBuf *cb);
/* After writing [rx, rx+len): make it visible to instruction fetch. */
void codebuf_sync(CodeBuf *cb, const void *rx, size_t len);
/* Everything after the head is free again. */
void codebuf_reset(CodeBuf *cb);
const char *codebuf_mode_name(const CodeBuf *cb);

#endif
