/*
 * loop.h — the event loop: fd handlers, timers, bottom halves, and a
 * thread-safe kick.
 *
 * Threads: the loop runs on the main thread; vCPUs run on their own thread.
 * Device state is guarded by one device lock (dev_lock/dev_unlock). The loop
 * holds it while it runs handlers, timers and bottom halves, and drops it
 * while it sleeps in poll(). A vCPU takes it around MMIO and other device
 * calls. So every loop function except loop_kick() and bh_schedule() is
 * called with the device lock held; those two are safe from any thread.
 * A timer_mod() from a vCPU that moves the earliest deadline kicks the loop.
 *
 * Clocks:
 *   CLK_REALTIME    host monotonic time; always runs.
 *   CLK_VIRTUAL     guest time: follows host monotonic time while the machine
 *                   runs, stands still while it is stopped (stop/-S); its
 *                   timers do not fire while stopped.
 *   CLK_HOST        host wall-clock time (RTCs).
 *
 * Portable: poll() only (builds on Linux and macOS). The kick is a self-pipe.
 */
#ifndef FERRY_LOOP_H
#define FERRY_LOOP_H

#include <time.h>

#include "core/common.h"

typedef struct Loop Loop;
typedef struct Timer Timer;
typedef struct BH BH;

/* CLK_ rather than CLOCK_: <time.h> owns the CLOCK_* names. */
typedef enum {
    CLK_REALTIME,
    CLK_VIRTUAL,
    CLK_HOST,
    CLK__COUNT
} ClockType;

typedef void IOHandler(void *opaque);
typedef void TimerCb(void *opaque);
typedef void BHCb(void *opaque);

Loop *loop_new(void);
void loop_free(Loop *l);

/* fd handlers: read/write may be NULL; both NULL removes the fd. Replaces an
 * existing registration for the same fd. */
void loop_set_fd_handler(Loop *l, int fd, IOHandler *read, IOHandler *write,
                         void *opaque);

int64_t clock_get_ns(Loop *l, ClockType clock);
/* Stop/start the virtual clock (machine stop/cont). */
void loop_vclock_stop(Loop *l);
void loop_vclock_start(Loop *l);
bool loop_vclock_running(Loop *l);
/* Moves the virtual clock forward by ns >= 0, running or stopped; virtual
 * timers that become due fire on the next loop iteration. For tests that
 * must not depend on host timing (the device tests step guest time). */
void loop_vclock_advance(Loop *l, int64_t ns);

Timer *timer_new(Loop *l, ClockType clock, TimerCb *cb, void *opaque);
void timer_mod(Timer *t, int64_t expire_ns); /* absolute time on t's clock */
void timer_del(Timer *t);
bool timer_pending(const Timer *t);
int64_t timer_expire_time(const Timer *t); /* -1 when not pending */
void timer_free(Timer *t);

BH *bh_new(Loop *l, BHCb *cb, void *opaque);
void bh_schedule(BH *bh); /* any thread; runs once, on the loop thread */
void bh_cancel(BH *bh);
void bh_free(BH *bh);

/* Wake the loop from poll(); any thread. */
void loop_kick(Loop *l);

/* One iteration: wait up to timeout_ns (-1: until something happens; 0: don't
 * block) for fds/timers/BHs, then dispatch. Returns true if anything ran. */
bool loop_run_once(Loop *l, int64_t timeout_ns);
/* Iterate until loop_quit(); returns the status given to loop_quit(). */
int loop_run(Loop *l);
void loop_quit(Loop *l, int status); /* any thread */
bool loop_quitting(Loop *l);

/* The device lock (see top of file). Recursive locking is a bug. */
void dev_lock(void);
void dev_unlock(void);
bool dev_lock_held(void); /* by the calling thread; for assertions */

#endif
