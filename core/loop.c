/*
 * loop.c — the event loop (see loop.h): poll() over registered fds plus a
 * self-pipe for kicks, timers on three clocks, bottom halves, and the
 * global device lock.
 *
 * Ownership and re-entrancy: fd registrations are heap nodes that a handler
 * may remove (its own or another's) while the loop is walking them; a removed
 * node is only marked and is freed once no walk is in progress, so the loop
 * never calls through a stale registration and never touches freed memory.
 * The walk spans poll() itself, because another thread may change
 * registrations (under the device lock) while the loop sleeps.
 *
 * The virtual clock starts at 0 and running when the loop is created; a
 * machine that starts paused (-S) stops it before running the loop.
 */
#include "core/loop.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "core/error.h"

typedef struct FdNode {
    int fd;
    IOHandler *read, *write;
    void *opaque;
    bool deleted;
    struct FdNode *next;
} FdNode;

struct Timer {
    Loop *loop;
    ClockType clock;
    TimerCb *cb;
    void *opaque;
    int64_t expire;      /* -1: not pending */
    uint64_t gen;        /* dispatch round in which it was last armed */
    Timer *next;         /* in its clock's sorted pending list */
    Timer *all_next, **all_prev;
};

struct BH {
    Loop *loop;
    BHCb *cb;
    void *opaque;
    bool scheduled;      /* guarded by loop->bh_lock */
    BH *qnext;           /* pending queue; guarded by loop->bh_lock */
    BH *all_next, **all_prev;
};

struct Loop {
    FdNode *fds;
    int walking;         /* >0: FdNodes must not be freed */
    bool fds_dirty;      /* deleted nodes wait to be freed */

    Timer *timers[CLK__COUNT]; /* pending, sorted by expire, FIFO on ties */
    Timer *all_timers;
    uint64_t timer_gen;

    int64_t vclock_offset; /* virtual = host monotonic + offset, while running */
    int64_t vclock_frozen; /* virtual time while stopped */
    bool vclock_running;

    pthread_mutex_t bh_lock;
    BH *bh_head, *bh_tail;
    int bh_count;
    BH *all_bhs;

    int kick_r, kick_w;
    atomic_bool kicked;
    atomic_bool quit;
    atomic_int quit_status;

    struct pollfd *pfds;
    FdNode **pnodes;
    int pcap;
};

/* Which loop the current thread runs: kicks are needed only from others. */
static __thread Loop *tls_loop;

/* ---- the device lock ---------------------------------------------------- */

static pthread_mutex_t dev_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread bool dev_held;

void dev_lock(void)
{
    if (dev_held) {
        fprintf(stderr, "ferry: internal error: device lock taken recursively\n");
        abort();
    }
    pthread_mutex_lock(&dev_mutex);
    dev_held = true;
}

void dev_unlock(void)
{
    if (!dev_held) {
        fprintf(stderr, "ferry: internal error: device lock released but not held\n");
        abort();
    }
    dev_held = false;
    pthread_mutex_unlock(&dev_mutex);
}

bool dev_lock_held(void)
{
    return dev_held;
}

/* ---- loop lifetime ------------------------------------------------------- */

static int set_nonblock_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return -1;
    return 0;
}

Loop *loop_new(void)
{
    Loop *l = xzalloc(sizeof(*l));
    int p[2];
    if (pipe(p) < 0 || set_nonblock_cloexec(p[0]) < 0 || set_nonblock_cloexec(p[1]) < 0)
        fatal("cannot create the event loop's wake-up pipe: %s", strerror(errno));
    l->kick_r = p[0];
    l->kick_w = p[1];
    pthread_mutex_init(&l->bh_lock, NULL);
    l->vclock_running = true;
    l->vclock_offset = -host_monotonic_ns();
    atomic_init(&l->kicked, false);
    atomic_init(&l->quit, false);
    atomic_init(&l->quit_status, 0);
    tls_loop = l;
    return l;
}

/* Timers and BHs still alive belong to owners that forgot them; they are
 * freed with the loop so that nothing dangles into freed loop state. */
void loop_free(Loop *l)
{
    if (!l)
        return;
    while (l->fds) {
        FdNode *n = l->fds;
        l->fds = n->next;
        free(n);
    }
    while (l->all_timers)
        timer_free(l->all_timers);
    while (l->all_bhs)
        bh_free(l->all_bhs);
    close(l->kick_r);
    close(l->kick_w);
    pthread_mutex_destroy(&l->bh_lock);
    free(l->pfds);
    free(l->pnodes);
    if (tls_loop == l)
        tls_loop = NULL;
    free(l);
}

void loop_kick(Loop *l)
{
    /* One byte in the pipe is enough to wake poll(); the flag avoids
     * filling the pipe with redundant kicks. */
    if (!atomic_exchange(&l->kicked, true)) {
        ssize_t r;
        do {
            r = write(l->kick_w, "k", 1);
        } while (r < 0 && errno == EINTR);
    }
}

static void kick_if_foreign(Loop *l)
{
    if (tls_loop != l)
        loop_kick(l);
}

static void drain_kick(Loop *l)
{
    char buf[64];
    while (read(l->kick_r, buf, sizeof(buf)) > 0) {
    }
    /* Cleared only after draining: a kick racing with us either left a byte
     * for the next poll or saw the flag set while we were already awake and
     * about to re-examine all state. */
    atomic_store(&l->kicked, false);
}

/* ---- fd handlers --------------------------------------------------------- */

static void free_deleted_fds(Loop *l)
{
    if (l->walking || !l->fds_dirty)
        return;
    FdNode **pp = &l->fds;
    while (*pp) {
        FdNode *n = *pp;
        if (n->deleted) {
            *pp = n->next;
            free(n);
        } else {
            pp = &n->next;
        }
    }
    l->fds_dirty = false;
}

void loop_set_fd_handler(Loop *l, int fd, IOHandler *read, IOHandler *write,
                         void *opaque)
{
    FdNode *n;
    for (n = l->fds; n; n = n->next) {
        if (n->fd == fd && !n->deleted)
            break;
    }
    if (!read && !write) {
        if (n) {
            n->deleted = true;
            l->fds_dirty = true;
            free_deleted_fds(l);
        }
    } else if (n) {
        n->read = read;
        n->write = write;
        n->opaque = opaque;
    } else {
        n = xzalloc(sizeof(*n));
        n->fd = fd;
        n->read = read;
        n->write = write;
        n->opaque = opaque;
        n->next = l->fds;
        l->fds = n;
    }
    kick_if_foreign(l);
}

/* ---- clocks -------------------------------------------------------------- */

int64_t clock_get_ns(Loop *l, ClockType clock)
{
    switch (clock) {
    case CLK_REALTIME:
        return host_monotonic_ns();
    case CLK_VIRTUAL:
        return l->vclock_running ? host_monotonic_ns() + l->vclock_offset
                                 : l->vclock_frozen;
    case CLK_HOST:
        return host_wall_ns();
    default:
        abort();
    }
}

static bool clock_running(Loop *l, ClockType clock)
{
    return clock != CLK_VIRTUAL || l->vclock_running;
}

void loop_vclock_stop(Loop *l)
{
    if (!l->vclock_running)
        return;
    l->vclock_frozen = host_monotonic_ns() + l->vclock_offset;
    l->vclock_running = false;
}

void loop_vclock_start(Loop *l)
{
    if (l->vclock_running)
        return;
    /* Resume from the frozen value: guest time does not jump over the pause. */
    l->vclock_offset = l->vclock_frozen - host_monotonic_ns();
    l->vclock_running = true;
    if (l->timers[CLK_VIRTUAL])
        kick_if_foreign(l);
}

bool loop_vclock_running(Loop *l)
{
    return l->vclock_running;
}

void loop_vclock_advance(Loop *l, int64_t ns)
{
    if (ns <= 0)
        return;
    if (l->vclock_running)
        l->vclock_offset += ns;
    else
        l->vclock_frozen += ns;
    if (l->timers[CLK_VIRTUAL])
        kick_if_foreign(l);
}

/* ---- timers -------------------------------------------------------------- */

Timer *timer_new(Loop *l, ClockType clock, TimerCb *cb, void *opaque)
{
    if ((unsigned)clock >= CLK__COUNT)
        abort();
    Timer *t = xzalloc(sizeof(*t));
    t->loop = l;
    t->clock = clock;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    t->all_next = l->all_timers;
    if (t->all_next)
        t->all_next->all_prev = &t->all_next;
    t->all_prev = &l->all_timers;
    l->all_timers = t;
    return t;
}

static void timer_unlink(Timer *t)
{
    if (t->expire < 0)
        return;
    Timer **pp = &t->loop->timers[t->clock];
    while (*pp && *pp != t)
        pp = &(*pp)->next;
    if (*pp)
        *pp = t->next;
    t->next = NULL;
    t->expire = -1;
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    Loop *l = t->loop;
    if (expire_ns < 0)
        expire_ns = 0;
    timer_unlink(t);
    Timer **pp = &l->timers[t->clock];
    while (*pp && (*pp)->expire <= expire_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->expire = expire_ns;
    t->gen = l->timer_gen;
    /* A sleeping loop computed its timeout from the old head. */
    if (pp == &l->timers[t->clock] && clock_running(l, t->clock))
        kick_if_foreign(l);
}

void timer_del(Timer *t)
{
    timer_unlink(t);
}

bool timer_pending(const Timer *t)
{
    return t->expire >= 0;
}

int64_t timer_expire_time(const Timer *t)
{
    return t->expire;
}

void timer_free(Timer *t)
{
    if (!t)
        return;
    timer_unlink(t);
    *t->all_prev = t->all_next;
    if (t->all_next)
        t->all_next->all_prev = t->all_prev;
    free(t);
}

static bool run_timers(Loop *l)
{
    bool ran = false;
    uint64_t gen = ++l->timer_gen;
    for (int c = 0; c < CLK__COUNT; c++) {
        if (!clock_running(l, c))
            continue;
        int64_t now = clock_get_ns(l, c);
        for (;;) {
            Timer *t = l->timers[c];
            /* A timer re-armed by this round's callbacks waits for the next
             * round, so a zero-period timer cannot starve everything else. */
            if (!t || t->expire > now || t->gen == gen)
                break;
            l->timers[c] = t->next;
            t->next = NULL;
            t->expire = -1;
            t->cb(t->opaque);
            ran = true;
            /* A callback may stop the virtual clock. */
            if (!clock_running(l, c))
                break;
        }
    }
    return ran;
}

/* ns until the earliest pending timer of a running clock; -1: none. */
static int64_t timers_deadline(Loop *l)
{
    int64_t best = -1;
    for (int c = 0; c < CLK__COUNT; c++) {
        Timer *t = l->timers[c];
        if (!t || !clock_running(l, c))
            continue;
        int64_t d = t->expire - clock_get_ns(l, c);
        if (d < 0)
            d = 0;
        if (best < 0 || d < best)
            best = d;
    }
    return best;
}

/* ---- bottom halves ------------------------------------------------------- */

BH *bh_new(Loop *l, BHCb *cb, void *opaque)
{
    BH *b = xzalloc(sizeof(*b));
    b->loop = l;
    b->cb = cb;
    b->opaque = opaque;
    b->all_next = l->all_bhs;
    if (b->all_next)
        b->all_next->all_prev = &b->all_next;
    b->all_prev = &l->all_bhs;
    l->all_bhs = b;
    return b;
}

void bh_schedule(BH *bh)
{
    Loop *l = bh->loop;
    pthread_mutex_lock(&l->bh_lock);
    bool added = !bh->scheduled;
    if (added) {
        bh->scheduled = true;
        bh->qnext = NULL;
        if (l->bh_tail)
            l->bh_tail->qnext = bh;
        else
            l->bh_head = bh;
        l->bh_tail = bh;
        l->bh_count++;
    }
    pthread_mutex_unlock(&l->bh_lock);
    if (added)
        kick_if_foreign(l);
}

/* With bh_lock held. */
static void bh_dequeue(Loop *l, BH *bh)
{
    if (!bh->scheduled)
        return;
    BH *prev = NULL;
    for (BH *b = l->bh_head; b; prev = b, b = b->qnext) {
        if (b != bh)
            continue;
        if (prev)
            prev->qnext = b->qnext;
        else
            l->bh_head = b->qnext;
        if (l->bh_tail == b)
            l->bh_tail = prev;
        l->bh_count--;
        break;
    }
    bh->scheduled = false;
    bh->qnext = NULL;
}

void bh_cancel(BH *bh)
{
    Loop *l = bh->loop;
    pthread_mutex_lock(&l->bh_lock);
    bh_dequeue(l, bh);
    pthread_mutex_unlock(&l->bh_lock);
}

void bh_free(BH *bh)
{
    if (!bh)
        return;
    bh_cancel(bh);
    *bh->all_prev = bh->all_next;
    if (bh->all_next)
        bh->all_next->all_prev = bh->all_prev;
    free(bh);
}

static bool bh_any_pending(Loop *l)
{
    pthread_mutex_lock(&l->bh_lock);
    bool any = l->bh_head != NULL;
    pthread_mutex_unlock(&l->bh_lock);
    return any;
}

static bool run_bhs(Loop *l)
{
    bool ran = false;
    pthread_mutex_lock(&l->bh_lock);
    /* Only those scheduled before this round: a BH that re-schedules itself
     * runs again next round instead of spinning here. */
    int budget = l->bh_count;
    pthread_mutex_unlock(&l->bh_lock);
    while (budget-- > 0) {
        pthread_mutex_lock(&l->bh_lock);
        BH *b = l->bh_head;
        if (b)
            bh_dequeue(l, b);
        pthread_mutex_unlock(&l->bh_lock);
        if (!b)
            break;
        b->cb(b->opaque);
        ran = true;
    }
    return ran;
}

/* ---- running ------------------------------------------------------------- */

static void grow_pollset(Loop *l, int need)
{
    if (need <= l->pcap)
        return;
    l->pcap = MAX(need, l->pcap * 2);
    l->pfds = xrealloc(l->pfds, l->pcap * sizeof(*l->pfds));
    l->pnodes = xrealloc(l->pnodes, l->pcap * sizeof(*l->pnodes));
}

static int do_poll(struct pollfd *pfds, int n, int64_t timeout_ns)
{
#ifdef __linux__
    /* ppoll keeps sub-millisecond guest timers from firing up to 1 ms late. */
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000LL;
        ts.tv_nsec = timeout_ns % 1000000000LL;
        tsp = &ts;
    }
    return ppoll(pfds, n, tsp, NULL);
#else
    int ms = -1;
    if (timeout_ns >= 0) {
        /* Round up: rounding down would wake early and spin until due. */
        int64_t m = (timeout_ns + 999999) / 1000000;
        ms = m > INT_MAX ? INT_MAX : (int)m;
    }
    return poll(pfds, n, ms);
#endif
}

bool loop_run_once(Loop *l, int64_t timeout_ns)
{
    if (!dev_held) {
        fprintf(stderr, "ferry: internal error: loop_run_once without the device lock\n");
        abort();
    }
    tls_loop = l;
    bool ran = false;

    int64_t timeout = timeout_ns;
    if (bh_any_pending(l) || atomic_load(&l->quit)) {
        timeout = 0;
    } else {
        int64_t d = timers_deadline(l);
        if (d >= 0 && (timeout < 0 || d < timeout))
            timeout = d;
    }

    int n = 1;
    for (FdNode *f = l->fds; f; f = f->next)
        n++;
    /* A handler that runs the loop itself (nested) must not overwrite the
     * poll set its caller is still walking: it gets its own. */
    bool nested = l->walking > 0;
    struct pollfd *pfds;
    FdNode **pnodes;
    if (nested) {
        pfds = xmalloc(n * sizeof(*pfds));
        pnodes = xmalloc(n * sizeof(*pnodes));
    } else {
        grow_pollset(l, n);
        pfds = l->pfds;
        pnodes = l->pnodes;
    }
    l->walking++;
    pfds[0] = (struct pollfd){.fd = l->kick_r, .events = POLLIN};
    pnodes[0] = NULL;
    n = 1;
    for (FdNode *f = l->fds; f; f = f->next) {
        if (f->deleted)
            continue;
        short ev = (f->read ? POLLIN : 0) | (f->write ? POLLOUT : 0);
        pfds[n] = (struct pollfd){.fd = f->fd, .events = ev};
        pnodes[n] = f;
        n++;
    }

    dev_unlock();
    int r = do_poll(pfds, n, timeout);
    int saved_errno = errno;
    dev_lock();

    if (r < 0 && saved_errno != EINTR) {
        fprintf(stderr, "ferry: poll: %s\n", strerror(saved_errno));
        abort();
    }
    if (r > 0) {
        if (pfds[0].revents)
            drain_kick(l);
        for (int i = 1; i < n; i++) {
            short rev = pfds[i].revents;
            FdNode *f = pnodes[i];
            if (!rev)
                continue;
            if (rev & POLLNVAL) {
                /* A closed fd left registered would wake us forever. */
                if (!f->deleted) {
                    warn_report("fd %d closed while still registered with the event loop", f->fd);
                    f->deleted = true;
                    l->fds_dirty = true;
                }
                continue;
            }
            /* Handlers are looked up again before each call: an earlier
             * handler may have removed or changed this registration. */
            if (!f->deleted && f->read && (rev & (POLLIN | POLLHUP | POLLERR))) {
                f->read(f->opaque);
                ran = true;
            }
            if (!f->deleted && f->write && (rev & (POLLOUT | POLLHUP | POLLERR))) {
                f->write(f->opaque);
                ran = true;
            }
        }
    }
    l->walking--;
    free_deleted_fds(l);
    if (nested) {
        free(pfds);
        free(pnodes);
    }

    if (run_timers(l))
        ran = true;
    if (run_bhs(l))
        ran = true;
    return ran;
}

int loop_run(Loop *l)
{
    while (!atomic_load(&l->quit))
        loop_run_once(l, -1);
    atomic_store(&l->quit, false);
    return atomic_load(&l->quit_status);
}

void loop_quit(Loop *l, int status)
{
    atomic_store(&l->quit_status, status);
    atomic_store(&l->quit, true);
    loop_kick(l);
}

bool loop_quitting(Loop *l)
{
    return atomic_load(&l->quit);
}
