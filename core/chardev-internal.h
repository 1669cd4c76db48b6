/*
 * chardev-internal.h — what the chardev core (core/chardev.c) shares with
 * its backends (core/chardev-*.c), and typed constructors that unit tests
 * use to build chardevs without going through option strings. Frontends
 * (device models, the monitor) use core/chardev.h only.
 */
#ifndef FERRY_CHARDEV_INTERNAL_H
#define FERRY_CHARDEV_INTERNAL_H

#include "core/chardev.h"

/* Largest read handed to a frontend in one call. */
#define CHR_READ_CHUNK 4096
/* Output that a non-blocking peer did not take yet is queued up to this
 * many bytes per chardev; beyond it, output is dropped with a warning. A
 * console that falls a megabyte behind has a reader that is not reading. */
#define CHR_OUTBUF_MAX (1024 * 1024)

typedef struct ChrBackend ChrBackend;

struct Chardev {
    const ChrBackend *be;
    Loop *loop;
    char *id;
    char *filename;
    bool open;            /* usable: OPENED was (or would have been) sent */
    bool wants_monitor;   /* made from a legacy "mon:..." spec */

    /* The frontend of a non-mux chardev (a mux keeps its own list). */
    bool fe_attached;
    ChrCanRead *fe_can_read;
    ChrRead *fe_read;
    ChrEventCb *fe_event;
    void *fe_opaque;

    /* fd I/O shared by the fd-based backends; -1 when absent. */
    int in_fd, out_fd;
    bool read_paused;     /* the frontend had no room: in_fd not polled */
    bool in_eof;          /* in_fd hit EOF or an error: not polled */
    uint8_t *outq;        /* output the out_fd did not take yet */
    size_t outq_len, outq_cap;
    bool outq_dropping;   /* warned about drops since the queue last drained */
    bool write_failed;    /* warned about a write error */

    void *state;          /* the backend's own */
    Chardev *next;        /* registry, creation order */
};

struct ChrBackend {
    const char *name;
    const char *desc;
    const char *const *keys; /* -chardev keys besides backend/id/mux; NULL-terminated */
    bool internal;           /* not a -chardev type (mux, fd) */
    size_t cfg_size;
    /* -chardev options into the backend's config struct; strings in the
     * config point into o. NULL: the backend takes no keys. */
    int (*parse)(Opts *o, void *cfg, Error **errp);
    int (*open)(Chardev *chr, const void *cfg, Error **errp);
    /* Output; NULL: through out_fd. */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* Frontend made room; NULL: resume polling in_fd. */
    void (*accept_input)(Chardev *chr);
    /* in_fd reached EOF or failed (peer gone). */
    void (*hangup)(Chardev *chr);
    void (*close)(Chardev *chr);
    /* Frontend management; NULL: one frontend (the mux overrides). */
    int (*set_handlers)(Chardev *chr, ChrCanRead *can_read, ChrRead *read,
                        ChrEventCb *event, void *opaque, Error **errp);
    void (*remove_handlers)(Chardev *chr, void *opaque);
};

extern const ChrBackend chr_backend_null, chr_backend_file, chr_backend_pipe,
    chr_backend_pty, chr_backend_stdio, chr_backend_socket, chr_backend_ringbuf,
    chr_backend_mux, chr_backend_fd;

/* Backend configurations (what parse() fills and open() takes). */
typedef struct ChrFileConfig {
    const char *path;
    bool append;
} ChrFileConfig;

typedef struct ChrPipeConfig {
    const char *path;     /* opens path.in + path.out, else path */
} ChrPipeConfig;

typedef struct ChrStdioConfig {
    int signal;           /* 1 on, 0 off, -1 unset: on, but off under a mux */
    bool under_mux;
    int in_fd, out_fd;    /* 0 and 1 unless a test says otherwise */
} ChrStdioConfig;

typedef struct ChrSocketConfig {
    const char *host;     /* NULL/"": any (server) or localhost (client) */
    const char *port;
    const char *path;     /* unix socket; exclusive with host/port */
    bool server;
    bool wait;            /* server: block start-up until a client connects */
    bool nodelay;
    bool ipv4, ipv6;
    int64_t reconnect_ms; /* client: retry period after a failure; 0: none */
} ChrSocketConfig;

typedef struct ChrRingbufConfig {
    uint64_t size;        /* power of 2 */
} ChrRingbufConfig;

typedef struct ChrFdConfig {
    int in_fd, out_fd;    /* taken over: closed with the chardev */
} ChrFdConfig;

typedef struct ChrMuxConfig {
    Chardev *base;
} ChrMuxConfig;

/* Makes and registers a chardev of backend `be` from a config. */
Chardev *chardev_new_backend(Loop *l, const ChrBackend *be, const char *id,
                             const void *cfg, Error **errp);
/* Unregisters, closes and frees one chardev (a mux before its base). */
void chardev_free(Chardev *chr);
const ChrBackend *chardev_backend_find(const char *name);

/* For backends. */
void chr_set_filename(Chardev *chr, const char *fmt, ...) PRINTF_FMT(2, 3);
void chr_be_event(Chardev *chr, ChrEvent ev); /* OPENED/CLOSED also set chr->open */
int chr_fe_can_read(Chardev *chr);
void chr_fe_deliver(Chardev *chr, const uint8_t *buf, int len);
/* Starts fd I/O on in_fd/out_fd (either may be -1; may be equal). */
void chr_fd_start(Chardev *chr, int in_fd, int out_fd);
/* Stops fd I/O and drops queued output; does not close the fds. */
void chr_fd_stop(Chardev *chr);
/* Output through out_fd: queues what a non-blocking fd does not take now. */
int chr_fd_write(Chardev *chr, const uint8_t *buf, int len);
/* Re-evaluates which of in_fd/out_fd the loop polls. */
void chr_fd_update(Chardev *chr);
int chr_set_nonblock(int fd, bool on);
int chr_set_cloexec(int fd);

/* Backend specifics that tests look at. */
size_t chardev_ringbuf_read(Chardev *chr, uint8_t *buf, size_t len);
int chardev_socket_port(Chardev *chr); /* local TCP port; -1 if none */
bool chardev_is_mux(const Chardev *chr);
/* Restores a terminal put into raw mode by stdio (exit paths call it too). */
void chardev_stdio_restore_terminal(void);

#endif
