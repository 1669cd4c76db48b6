/*
 * chardev.h — character devices: the byte streams behind UARTs, the monitor
 * and (later) gdbstub. A backend (stdio, file, null, pipe, pty, socket,
 * ringbuf, mux) is created from `-chardev TYPE,id=ID,...` or from the legacy
 * spec strings of -serial/-monitor ("stdio", "mon:stdio", "file:PATH",
 * "tcp::4444,server=on,wait=off", "unix:PATH,server", "pipe:PATH", "pty",
 * "null", "none", "chardev:ID").
 *
 * A frontend (the device model or the monitor) attaches with
 * chr_set_handlers(); the backend calls can_read() to learn how many bytes
 * the frontend accepts now, then read() with at most that many. When
 * can_read() returns 0 the backend stops polling its fd (flow control);
 * the frontend calls chr_accept_input() when it has room again.
 *
 * The mux (QEMU's "mon:stdio", and -nographic's stdio) lets several
 * frontends share one backend: input goes to the focused frontend; Ctrl-A c
 * cycles focus (serial <-> monitor), Ctrl-A x quits, Ctrl-A h prints help,
 * Ctrl-A Ctrl-A sends a literal Ctrl-A, Ctrl-A b sends a break, Ctrl-A t
 * toggles timestamps. Output from all frontends is written through.
 *
 * stdio puts the terminal in raw mode only when it is a tty (and signal=off
 * semantics under the mux, so Ctrl-C goes to the guest); the previous mode is
 * restored on every exit path (normal exit, fatal(), signals).
 *
 * All functions are called with the device lock held (see core/loop.h).
 */
#ifndef FERRY_CHARDEV_H
#define FERRY_CHARDEV_H

#include "core/loop.h"
#include "core/opts.h"

typedef struct Chardev Chardev;

typedef enum {
    CHR_EVENT_OPENED,  /* a client connected / the backend became usable */
    CHR_EVENT_CLOSED,  /* the client went away */
    CHR_EVENT_BREAK,   /* serial break */
    CHR_EVENT_MUX_IN,  /* this frontend got the mux focus */
    CHR_EVENT_MUX_OUT, /* this frontend lost the mux focus */
} ChrEvent;

typedef int ChrCanRead(void *opaque);
typedef void ChrRead(void *opaque, const uint8_t *buf, int len);
typedef void ChrEventCb(void *opaque, ChrEvent event);

/* -chardev TYPE,id=ID,... ; the Opts' implied key is "backend".
 * "help" (or TYPE,help) prints the choices to stdout and returns NULL
 * without setting *errp. */
Chardev *chardev_new_from_opts(Loop *l, Opts *o, Error **errp);
/* -serial/-monitor/-parallel style spec; label becomes the id
 * ("serial0", "monitor0"). "none" returns NULL without error. */
Chardev *chardev_new_from_spec(Loop *l, const char *label, const char *spec,
                               Error **errp);
/* True for a legacy "mon:..." spec (-serial mon:stdio): the caller puts a
 * monitor on it (monitor_new) before the device frontend attaches. */
bool chardev_wants_monitor(const Chardev *chr);
Chardev *chardev_find(const char *id);
const char *chardev_id(const Chardev *chr);
const char *chardev_filename(const Chardev *chr); /* e.g. "pty:/dev/pts/3" */
void chardev_print_help(FILE *out); /* -chardev help: backend list */
/* `info chardev` */
void chardev_print_all(FILE *out);

/* Frontend side. Attaching a second frontend to a non-mux chardev fails. */
int chr_set_handlers(Chardev *chr, ChrCanRead *can_read, ChrRead *read,
                     ChrEventCb *event, void *opaque, Error **errp);
void chr_remove_handlers(Chardev *chr, void *opaque);
/* Write all of buf (blocking for at most a short while on a slow peer;
 * a disconnected socket drops output). Returns bytes accepted. */
int chr_write(Chardev *chr, const uint8_t *buf, int len);
void chr_accept_input(Chardev *chr);
bool chr_is_connected(const Chardev *chr);

/* What Ctrl-A x does. Without a handler it is loop_quit(l, 0); main points
 * it at machine_request_quit() so the vCPUs stop first. */
void chardev_set_quit_handler(void (*fn)(void *opaque), void *opaque);
void chardev_request_quit(Loop *l);

/* Restore terminals and close everything. The terminal is also restored by
 * itself on exit(), fatal() (exit hook) and fatal signals. */
void chardev_cleanup_all(void);

#endif
