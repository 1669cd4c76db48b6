/*
 * test_loop.c — the event loop: timer order and clocks, the virtual clock's
 * stop/start, cross-thread kicks (timer_mod, bh_schedule, loop_quit), fd
 * handlers, handlers that remove themselves or others mid-dispatch, and
 * loop_quit's status. Timing bounds are generous: they catch a loop that
 * does not wake, not a slow machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "core/loop.h"

#define MS 1000000LL

static int setup(void **state)
{
    dev_lock();
    *state = loop_new();
    return 0;
}

static int teardown(void **state)
{
    loop_free(*state);
    dev_unlock();
    return 0;
}

/* Runs the loop until *flag is set or limit_ns passes; returns elapsed ns. */
static int64_t run_until(Loop *l, volatile int *flag, int64_t limit_ns)
{
    int64_t start = host_monotonic_ns();
    while (!*flag && host_monotonic_ns() - start < limit_ns)
        loop_run_once(l, 10 * MS);
    return host_monotonic_ns() - start;
}

/* ---- timers -------------------------------------------------------------- */

typedef struct {
    int order[8];
    int n;
} Order;

typedef struct {
    Order *o;
    int id;
} OrderTimer;

static void order_cb(void *opaque)
{
    OrderTimer *ot = opaque;
    ot->o->order[ot->o->n++] = ot->id;
}

static void test_timers_fire_in_deadline_order(void **state)
{
    Loop *l = *state;
    Order o = {0};
    OrderTimer ot[4];
    Timer *t[4];
    int64_t offs[4] = {40 * MS, 10 * MS, 30 * MS, 20 * MS};
    int64_t now = clock_get_ns(l, CLK_REALTIME);
    for (int i = 0; i < 4; i++) {
        ot[i] = (OrderTimer){&o, i};
        t[i] = timer_new(l, CLK_REALTIME, order_cb, &ot[i]);
        timer_mod(t[i], now + offs[i]);
        assert_true(timer_pending(t[i]));
        assert_int_equal(timer_expire_time(t[i]), now + offs[i]);
    }
    int64_t start = host_monotonic_ns();
    while (o.n < 4 && host_monotonic_ns() - start < 5000 * MS)
        loop_run_once(l, -1);
    assert_int_equal(o.n, 4);
    assert_int_equal(o.order[0], 1);
    assert_int_equal(o.order[1], 3);
    assert_int_equal(o.order[2], 2);
    assert_int_equal(o.order[3], 0);
    /* None fired early. */
    assert_true(clock_get_ns(l, CLK_REALTIME) >= now + 40 * MS);
    for (int i = 0; i < 4; i++) {
        assert_false(timer_pending(t[i]));
        assert_int_equal(timer_expire_time(t[i]), -1);
        timer_free(t[i]);
    }
}

static void test_timer_equal_deadlines_fifo(void **state)
{
    Loop *l = *state;
    Order o = {0};
    OrderTimer ot[3];
    Timer *t[3];
    int64_t when = clock_get_ns(l, CLK_REALTIME) + 5 * MS;
    for (int i = 0; i < 3; i++) {
        ot[i] = (OrderTimer){&o, i};
        t[i] = timer_new(l, CLK_REALTIME, order_cb, &ot[i]);
        timer_mod(t[i], when);
    }
    int64_t start = host_monotonic_ns();
    while (o.n < 3 && host_monotonic_ns() - start < 5000 * MS)
        loop_run_once(l, -1);
    assert_int_equal(o.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(o.order[i], i);
        timer_free(t[i]);
    }
}

static void count_cb(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_timer_del_and_remod(void **state)
{
    Loop *l = *state;
    int fired = 0;
    Timer *t = timer_new(l, CLK_REALTIME, count_cb, &fired);
    timer_mod(t, clock_get_ns(l, CLK_REALTIME) + 1 * MS);
    timer_del(t);
    assert_false(timer_pending(t));
    timer_del(t); /* twice is harmless */
    loop_run_once(l, 20 * MS);
    assert_int_equal(fired, 0);

    /* Re-arming moves it rather than adding a second entry. */
    int64_t now = clock_get_ns(l, CLK_REALTIME);
    timer_mod(t, now + 1000 * MS);
    timer_mod(t, now + 2 * MS);
    assert_int_equal(timer_expire_time(t), now + 2 * MS);
    run_until(l, (volatile int *)&fired, 2000 * MS);
    assert_int_equal(fired, 1);
    loop_run_once(l, 20 * MS);
    assert_int_equal(fired, 1);
    timer_free(t);
}

static void test_timer_no_busy_spin(void **state)
{
    Loop *l = *state;
    int fired = 0, iterations = 0;
    Timer *t = timer_new(l, CLK_REALTIME, count_cb, &fired);
    /* Not a whole number of milliseconds: a loop that rounded the poll
     * timeout down would wake early over and over. */
    timer_mod(t, clock_get_ns(l, CLK_REALTIME) + 25 * MS + 500000);
    int64_t start = host_monotonic_ns();
    while (!fired && host_monotonic_ns() - start < 2000 * MS) {
        loop_run_once(l, -1);
        iterations++;
    }
    assert_int_equal(fired, 1);
    assert_true(iterations <= 3);
    timer_free(t);
}

static void test_timer_on_right_clock(void **state)
{
    Loop *l = *state;
    int rt = 0, vt = 0, host = 0;
    Timer *trt = timer_new(l, CLK_REALTIME, count_cb, &rt);
    Timer *tvt = timer_new(l, CLK_VIRTUAL, count_cb, &vt);
    Timer *thost = timer_new(l, CLK_HOST, count_cb, &host);

    /* A deadline that is past on one clock is far future on another: a
     * loop that compared against the wrong clock would fire or miss. */
    int64_t v = clock_get_ns(l, CLK_VIRTUAL);
    int64_t h = clock_get_ns(l, CLK_HOST);
    assert_true(h > v + 1000000 * MS); /* wall time is decades past 0 */
    timer_mod(tvt, h);                 /* virtual: ~forever away */
    timer_mod(thost, h + 5 * MS);
    timer_mod(trt, clock_get_ns(l, CLK_REALTIME) + 5 * MS);
    int64_t start = host_monotonic_ns();
    while ((!rt || !host) && host_monotonic_ns() - start < 2000 * MS)
        loop_run_once(l, 10 * MS);
    assert_int_equal(rt, 1);
    assert_int_equal(host, 1);
    assert_int_equal(vt, 0);

    timer_mod(tvt, clock_get_ns(l, CLK_VIRTUAL) + 5 * MS);
    run_until(l, (volatile int *)&vt, 2000 * MS);
    assert_int_equal(vt, 1);
    timer_free(trt);
    timer_free(tvt);
    timer_free(thost);
}

static void test_vclock_stop_start(void **state)
{
    Loop *l = *state;
    int vt = 0, rt = 0;
    Timer *tv = timer_new(l, CLK_VIRTUAL, count_cb, &vt);
    Timer *tr = timer_new(l, CLK_REALTIME, count_cb, &rt);
    assert_true(loop_vclock_running(l));

    int64_t v0 = clock_get_ns(l, CLK_VIRTUAL);
    timer_mod(tv, v0 + 20 * MS);
    loop_vclock_stop(l);
    assert_false(loop_vclock_running(l));
    int64_t v1 = clock_get_ns(l, CLK_VIRTUAL);

    /* Stopped for 200 ms of host time: virtual time stands still and the
     * virtual timer, although due by host time, does not fire. */
    timer_mod(tr, clock_get_ns(l, CLK_REALTIME) + 200 * MS);
    run_until(l, (volatile int *)&rt, 3000 * MS);
    assert_int_equal(rt, 1);
    assert_int_equal(vt, 0);
    assert_int_equal(clock_get_ns(l, CLK_VIRTUAL), v1);
    assert_true(timer_pending(tv));

    /* Resumes where it stopped: no 200 ms jump. */
    loop_vclock_start(l);
    int64_t v2 = clock_get_ns(l, CLK_VIRTUAL);
    assert_true(v2 >= v1);
    assert_true(v2 - v1 < 100 * MS);
    loop_vclock_stop(l);
    loop_vclock_stop(l); /* idempotent */
    loop_vclock_start(l);
    loop_vclock_start(l);

    run_until(l, (volatile int *)&vt, 3000 * MS);
    assert_int_equal(vt, 1);
    /* It fired on virtual time: at least 20 ms of running time passed. */
    assert_true(clock_get_ns(l, CLK_VIRTUAL) >= v0 + 20 * MS);
    timer_free(tv);
    timer_free(tr);
}

static void stop_vclock_cb(void *opaque)
{
    Loop *l = opaque;
    loop_vclock_stop(l);
}

static void test_vclock_stopped_by_timer(void **state)
{
    Loop *l = *state;
    int vt = 0;
    Timer *stopper = timer_new(l, CLK_VIRTUAL, stop_vclock_cb, l);
    Timer *later = timer_new(l, CLK_VIRTUAL, count_cb, &vt);
    int64_t v = clock_get_ns(l, CLK_VIRTUAL);
    timer_mod(stopper, v + 1 * MS);
    timer_mod(later, v + 2 * MS);
    loop_run_once(l, 50 * MS);
    loop_run_once(l, 50 * MS);
    loop_run_once(l, 50 * MS);
    assert_false(loop_vclock_running(l));
    /* The machine stopped before the second was due on its clock. */
    assert_int_equal(vt, 0);
    loop_vclock_start(l);
    run_until(l, (volatile int *)&vt, 2000 * MS);
    assert_int_equal(vt, 1);
    timer_free(stopper);
    timer_free(later);
}

static void rearm_cb(void *opaque)
{
    Timer **t = opaque;
    /* Re-arms itself in the past: must not spin inside one iteration. */
    timer_mod(*t, 0);
}

static void test_timer_rearm_zero_no_starve(void **state)
{
    Loop *l = *state;
    Timer *t;
    t = timer_new(l, CLK_REALTIME, rearm_cb, &t);
    timer_mod(t, 0);
    int bh_ran = 0;
    BH *b = bh_new(l, count_cb, &bh_ran);
    bh_schedule(b);
    /* Returns at all (a starving loop would hang here) and runs the BH. */
    loop_run_once(l, 0);
    assert_int_equal(bh_ran, 1);
    assert_true(timer_pending(t));
    timer_free(t);
    bh_free(b);
}

static void self_free_cb(void *opaque)
{
    Timer **t = opaque;
    timer_free(*t);
    *t = NULL;
}

static void test_timer_frees_itself(void **state)
{
    Loop *l = *state;
    Timer *t = timer_new(l, CLK_REALTIME, self_free_cb, &t);
    timer_mod(t, 0);
    loop_run_once(l, 0);
    assert_null(t);
}

/* ---- cross-thread ------------------------------------------------------- */

typedef struct {
    Loop *l;
    Timer *t;
    BH *bh;
    int delay_ms;
} ThreadArg;

static void *thread_timer_mod(void *opaque)
{
    ThreadArg *a = opaque;
    usleep(a->delay_ms * 1000);
    dev_lock();
    timer_mod(a->t, clock_get_ns(a->l, CLK_REALTIME) + 1 * MS);
    dev_unlock();
    return NULL;
}

static void test_timer_mod_from_thread_wakes_loop(void **state)
{
    Loop *l = *state;
    int fired = 0;
    Timer *t = timer_new(l, CLK_REALTIME, count_cb, &fired);
    ThreadArg a = {l, t, NULL, 50};
    pthread_t th;
    pthread_create(&th, NULL, thread_timer_mod, &a);
    /* Nothing else to wake it: the loop sleeps up to 3 s unless kicked. */
    int64_t start = host_monotonic_ns();
    while (!fired && host_monotonic_ns() - start < 5000 * MS)
        loop_run_once(l, 3000 * MS);
    int64_t elapsed = host_monotonic_ns() - start;
    dev_unlock();
    pthread_join(th, NULL);
    dev_lock();
    assert_int_equal(fired, 1);
    assert_true(elapsed < 1000 * MS);
    timer_free(t);
}

static void *thread_bh(void *opaque)
{
    ThreadArg *a = opaque;
    usleep(a->delay_ms * 1000);
    /* With the device lock held, the woken loop cannot dispatch between
     * the two: both land before the BH runs. */
    dev_lock();
    bh_schedule(a->bh);
    bh_schedule(a->bh);
    dev_unlock();
    /* And without the lock: bh_schedule is thread-safe on its own. */
    usleep(a->delay_ms * 1000);
    bh_schedule(a->bh);
    return NULL;
}

static void test_bh_from_thread(void **state)
{
    Loop *l = *state;
    int ran = 0;
    BH *b = bh_new(l, count_cb, &ran);
    ThreadArg a = {l, NULL, b, 50};
    pthread_t th;
    pthread_create(&th, NULL, thread_bh, &a);
    int64_t start = host_monotonic_ns();
    while (!ran && host_monotonic_ns() - start < 5000 * MS)
        loop_run_once(l, 3000 * MS);
    int64_t elapsed1 = host_monotonic_ns() - start;
    /* Scheduled twice before it ran: ran once. */
    int after_first = ran;
    start = host_monotonic_ns();
    while (ran < 2 && host_monotonic_ns() - start < 5000 * MS)
        loop_run_once(l, 3000 * MS);
    int64_t elapsed2 = host_monotonic_ns() - start;
    dev_unlock();
    pthread_join(th, NULL);
    dev_lock();
    assert_int_equal(after_first, 1);
    assert_int_equal(ran, 2);
    assert_true(elapsed1 < 1000 * MS);
    assert_true(elapsed2 < 1000 * MS);
    loop_run_once(l, 0);
    assert_int_equal(ran, 2);
    bh_free(b);
}

static void *thread_quit(void *opaque)
{
    ThreadArg *a = opaque;
    usleep(a->delay_ms * 1000);
    loop_quit(a->l, 7);
    return NULL;
}

static void test_loop_quit_from_thread(void **state)
{
    Loop *l = *state;
    ThreadArg a = {l, NULL, NULL, 30};
    pthread_t th;
    pthread_create(&th, NULL, thread_quit, &a);
    int status = loop_run(l);
    dev_unlock();
    pthread_join(th, NULL);
    dev_lock();
    assert_int_equal(status, 7);
    assert_false(loop_quitting(l));
}

/* ---- bottom halves ------------------------------------------------------- */

static void test_bh_idempotent_and_cancel(void **state)
{
    Loop *l = *state;
    int ran = 0;
    BH *b = bh_new(l, count_cb, &ran);
    bh_schedule(b);
    bh_schedule(b);
    assert_true(loop_run_once(l, 0));
    assert_int_equal(ran, 1);
    assert_false(loop_run_once(l, 0));
    assert_int_equal(ran, 1);

    bh_schedule(b);
    bh_cancel(b);
    loop_run_once(l, 0);
    assert_int_equal(ran, 1);

    bh_schedule(b);
    bh_free(b); /* freeing a scheduled BH unqueues it */
    loop_run_once(l, 0);
    assert_int_equal(ran, 1);
}

typedef struct {
    BH *self;
    int runs;
    int free_at;
} SelfBH;

static void self_bh_cb(void *opaque)
{
    SelfBH *s = opaque;
    s->runs++;
    if (s->runs == s->free_at) {
        bh_free(s->self);
        s->self = NULL;
    } else {
        bh_schedule(s->self);
    }
}

static void test_bh_reschedules_and_frees_itself(void **state)
{
    Loop *l = *state;
    SelfBH s = {NULL, 0, 3};
    s.self = bh_new(l, self_bh_cb, &s);
    bh_schedule(s.self);
    /* Re-scheduling from its own callback runs once per iteration. */
    loop_run_once(l, 0);
    assert_int_equal(s.runs, 1);
    loop_run_once(l, 0);
    assert_int_equal(s.runs, 2);
    loop_run_once(l, 0);
    assert_int_equal(s.runs, 3);
    assert_null(s.self);
    loop_run_once(l, 0);
    assert_int_equal(s.runs, 3);
}

static void quit_bh_cb(void *opaque)
{
    loop_quit(opaque, 42);
}

static void test_loop_quit_status(void **state)
{
    Loop *l = *state;
    BH *b = bh_new(l, quit_bh_cb, l);
    bh_schedule(b);
    assert_int_equal(loop_run(l), 42);
    /* The loop can run again after quitting. */
    bh_schedule(b);
    assert_int_equal(loop_run(l), 42);
    loop_quit(l, 3);
    assert_true(loop_quitting(l));
    assert_int_equal(loop_run(l), 3);
    bh_free(b);
}

/* ---- fd handlers --------------------------------------------------------- */

static void write_all_fd(int fd, const char *s)
{
    assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

typedef struct {
    Loop *l;
    int fd;
    int calls;
    char buf[64];
    int len;
    bool remove_self;
    int other_fd;        /* removed from within this handler, if >= 0 */
} FdCtx;

static void fd_read_cb(void *opaque)
{
    FdCtx *c = opaque;
    c->calls++;
    ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
    if (n > 0)
        c->len += n;
    c->buf[c->len] = 0;
    if (c->remove_self)
        loop_set_fd_handler(c->l, c->fd, NULL, NULL, NULL);
    if (c->other_fd >= 0)
        loop_set_fd_handler(c->l, c->other_fd, NULL, NULL, NULL);
}

static void test_fd_read_handler(void **state)
{
    Loop *l = *state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    FdCtx c = {l, p[0], 0, "", 0, false, -1};
    loop_set_fd_handler(l, p[0], fd_read_cb, NULL, &c);
    /* Nothing readable: times out without calling the handler. */
    assert_false(loop_run_once(l, 10 * MS));
    assert_int_equal(c.calls, 0);

    assert_int_equal(write(p[1], "hello", 5), 5);
    assert_true(loop_run_once(l, 1000 * MS));
    assert_int_equal(c.calls, 1);
    assert_string_equal(c.buf, "hello");

    /* Replacing a registration keeps one entry for the fd. */
    FdCtx c2 = {l, p[0], 0, "", 0, false, -1};
    loop_set_fd_handler(l, p[0], fd_read_cb, NULL, &c2);
    assert_int_equal(write(p[1], "x", 1), 1);
    loop_run_once(l, 1000 * MS);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c2.calls, 1);

    loop_set_fd_handler(l, p[0], NULL, NULL, NULL);
    assert_int_equal(write(p[1], "y", 1), 1);
    loop_run_once(l, 10 * MS);
    assert_int_equal(c2.calls, 1);
    close(p[0]);
    close(p[1]);
}

static void test_fd_handler_removes_itself(void **state)
{
    Loop *l = *state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    FdCtx c = {l, p[0], 0, "", 0, true, -1};
    loop_set_fd_handler(l, p[0], fd_read_cb, NULL, &c);
    assert_int_equal(write(p[1], "ab", 2), 2);
    loop_run_once(l, 1000 * MS);
    assert_int_equal(c.calls, 1);
    assert_int_equal(write(p[1], "cd", 2), 2);
    loop_run_once(l, 10 * MS);
    loop_run_once(l, 10 * MS);
    assert_int_equal(c.calls, 1);
    close(p[0]);
    close(p[1]);
}

static void test_fd_handler_removes_other_ready(void **state)
{
    Loop *l = *state;
    int a[2], b[2];
    assert_int_equal(pipe(a), 0);
    assert_int_equal(pipe(b), 0);
    /* Both become readable in the same poll(); whichever runs first
     * removes the other, which must then not be called. */
    FdCtx ca = {l, a[0], 0, "", 0, false, b[0]};
    FdCtx cb = {l, b[0], 0, "", 0, false, a[0]};
    loop_set_fd_handler(l, a[0], fd_read_cb, NULL, &ca);
    loop_set_fd_handler(l, b[0], fd_read_cb, NULL, &cb);
    assert_int_equal(write(a[1], "1", 1), 1);
    assert_int_equal(write(b[1], "2", 1), 1);
    loop_run_once(l, 1000 * MS);
    assert_int_equal(ca.calls + cb.calls, 1);
    loop_run_once(l, 10 * MS);
    assert_int_equal(ca.calls + cb.calls, 1);
    if (ca.calls)
        loop_set_fd_handler(l, a[0], NULL, NULL, NULL);
    else
        loop_set_fd_handler(l, b[0], NULL, NULL, NULL);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}

typedef struct {
    Loop *l;
    int fd;
    int calls;
} WriteCtx;

static void fd_write_cb(void *opaque)
{
    WriteCtx *w = opaque;
    w->calls++;
    loop_set_fd_handler(w->l, w->fd, NULL, NULL, NULL);
}

static void test_fd_write_handler(void **state)
{
    Loop *l = *state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    WriteCtx w = {l, p[1], 0};
    loop_set_fd_handler(l, p[1], NULL, fd_write_cb, &w);
    loop_run_once(l, 1000 * MS);
    assert_int_equal(w.calls, 1);
    loop_run_once(l, 0);
    assert_int_equal(w.calls, 1);
    close(p[0]);
    close(p[1]);
}

typedef struct NestCtx {
    Loop *l;
    int fd;
    int calls;
    int nested_ran;
    int (*extra)[2];
    struct NestCtx *other;
} NestCtx;

static void other_read_cb(void *opaque);

static void nest_read_cb(void *opaque)
{
    NestCtx *c = opaque;
    char buf[16];
    c->calls++;
    if (read(c->fd, buf, sizeof(buf)) <= 0)
        return;
    /* More fds than the outer poll set holds, then the loop run from
     * inside this handler: the inner run needs a bigger poll set and must
     * not reallocate the one the outer run is still walking. */
    for (int i = 0; i < 8; i++)
        loop_set_fd_handler(c->l, c->extra[i][0], other_read_cb, NULL, c->other);
    if (c->calls == 1)
        c->nested_ran = loop_run_once(c->l, 0);
}

static void other_read_cb(void *opaque)
{
    NestCtx *c = opaque;
    char buf[16];
    c->calls++;
    (void)!read(c->fd, buf, sizeof(buf));
}

static void test_nested_run_once(void **state)
{
    Loop *l = *state;
    int a[2], b[2];
    assert_int_equal(pipe(a), 0);
    assert_int_equal(pipe(b), 0);
    fcntl(a[0], F_SETFL, O_NONBLOCK);
    fcntl(b[0], F_SETFL, O_NONBLOCK);
    int extra[8][2];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pipe(extra[i]), 0);
    NestCtx cb = {l, b[0], 0, 0, NULL, NULL};
    NestCtx ca = {l, a[0], 0, 0, extra, &cb};
    /* b first: the loop polls newest first, so a (which nests) runs
     * before b is looked at in the outer poll set. */
    loop_set_fd_handler(l, b[0], other_read_cb, NULL, &cb);
    loop_set_fd_handler(l, a[0], nest_read_cb, NULL, &ca);
    write_all_fd(a[1], "a");
    write_all_fd(b[1], "b");
    loop_run_once(l, 1000 * MS);
    assert_int_equal(ca.calls, 1);
    assert_true(ca.nested_ran || cb.calls >= 1);
    assert_true(cb.calls >= 1);
    loop_set_fd_handler(l, a[0], NULL, NULL, NULL);
    loop_set_fd_handler(l, b[0], NULL, NULL, NULL);
    for (int i = 0; i < 8; i++) {
        loop_set_fd_handler(l, extra[i][0], NULL, NULL, NULL);
        close(extra[i][0]);
        close(extra[i][1]);
    }
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}

static void *thread_add_fd(void *opaque)
{
    FdCtx *c = opaque;
    usleep(50 * 1000);
    dev_lock();
    loop_set_fd_handler(c->l, c->fd, fd_read_cb, NULL, c);
    dev_unlock();
    return NULL;
}

static void test_fd_added_from_thread(void **state)
{
    Loop *l = *state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "z", 1), 1);
    FdCtx c = {l, p[0], 0, "", 0, true, -1};
    pthread_t th;
    pthread_create(&th, NULL, thread_add_fd, &c);
    int64_t start = host_monotonic_ns();
    while (!c.calls && host_monotonic_ns() - start < 5000 * MS)
        loop_run_once(l, 3000 * MS);
    int64_t elapsed = host_monotonic_ns() - start;
    dev_unlock();
    pthread_join(th, NULL);
    dev_lock();
    assert_int_equal(c.calls, 1);
    assert_true(elapsed < 1000 * MS);
    close(p[0]);
    close(p[1]);
}

static void test_dev_lock_held(void **state)
{
    (void)state;
    assert_true(dev_lock_held());
    dev_unlock();
    assert_false(dev_lock_held());
    dev_lock();
    assert_true(dev_lock_held());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_timers_fire_in_deadline_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_equal_deadlines_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_del_and_remod, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_no_busy_spin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_on_right_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vclock_stop_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vclock_stopped_by_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_rearm_zero_no_starve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_frees_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_mod_from_thread_wakes_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bh_from_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_quit_from_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bh_idempotent_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bh_reschedules_and_frees_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_quit_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_read_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_handler_removes_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_handler_removes_other_ready, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_write_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_added_from_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_run_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dev_lock_held, setup, teardown),
    };
    return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
