/*
 * cpu-exec.c — running guest CPUs: the block loop (find or translate a
 * block, chain it to the previous one, run it, handle why it stopped),
 * exceptions and interrupts through the target hooks, halting, the work
 * queues other threads use to reach a CPU, and the one vCPU thread that
 * runs all CPUs round-robin with a time slice.
 *
 * Locking: `vcpu_mu` guards the work queues, halting and the stop/resume
 * handshake; `vcpu_cond` wakes the vCPU thread (work, interrupts, resume)
 * and waiters (work done, stopped). exit_request and interrupt_request are
 * atomics written from any thread. The device lock is never held while
 * guest code runs; the softmmu takes it around MMIO.
 */
#include "core/loop.h"

#include <pthread.h>

#include "core/log.h"
#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/softmmu.h"
#include "tcg/stats.h"
#include "tcg/tb.h"

__thread bool tcg_vcpu_thread;
static __thread CPUState *current_cpu;

static CPUState *cpu_list;
static pthread_mutex_t vcpu_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vcpu_cond = PTHREAD_COND_INITIALIZER;

struct CPUWork {
    CPUWorkFn *fn;
    void *data;
    bool *done;           /* run_on_cpu: set under vcpu_mu when finished */
    CPUWork *next;
};

void tcg_exec_attach(const CPUHooks *hooks);
static void code_write_handler(ram_addr_t start, size_t len);

/* ---- the CPU list -------------------------------------------------------- */

CPUState *cpu_first(void)
{
    return cpu_list;
}

void cpu_init(CPUState *cpu, const CPUHooks *hooks, AddressSpace *as)
{
    if (hooks->nb_mmu_modes == 0 || hooks->nb_mmu_modes > TCG_MAX_MMU_MODES ||
        hooks->insn_start_words < 1 || hooks->insn_start_words > 3) {
        fprintf(stderr, "ferry: cpu_init: bad CPU hooks (%u MMU modes, %u insn_start words)\n",
                hooks->nb_mmu_modes, hooks->insn_start_words);
        abort();
    }
    cpu->hooks = hooks;
    cpu->as = as;
    cpu->exception_index = EXCP_NONE;
    tcg_exec_attach(hooks);
    mem_set_code_write_handler(code_write_handler);
    tlb_init(cpu);
    tb_jmp_cache_clear(cpu);
    pthread_mutex_lock(&vcpu_mu);
    int n = 0;
    CPUState **p = &cpu_list;
    while (*p) {
        p = &(*p)->next;
        n++;
    }
    cpu->index = n;
    cpu->next = NULL;
    *p = cpu;
    cpu->created = true;
    pthread_mutex_unlock(&vcpu_mu);
    tlb_register_listener(cpu);
}

void cpu_remove(CPUState *cpu)
{
    tlb_unregister_listener(cpu);
    pthread_mutex_lock(&vcpu_mu);
    for (CPUState **p = &cpu_list; *p; p = &(*p)->next) {
        if (*p == cpu) {
            *p = cpu->next;
            break;
        }
    }
    CPUWork *w = cpu->work_head;
    cpu->work_head = cpu->work_tail = NULL;
    pthread_mutex_unlock(&vcpu_mu);
    while (w) {
        CPUWork *n = w->next;
        free(w);
        w = n;
    }
}

void cpu_reset_common(CPUState *cpu)
{
    tlb_flush(cpu);
    tb_jmp_cache_clear(cpu);
    cpu->halted = false;
    cpu->exception_index = EXCP_NONE;
    cpu->cflags_next = 0;
    __atomic_store_n(&cpu->interrupt_request, 0, __ATOMIC_SEQ_CST);
}

/* ---- requests from any thread -------------------------------------------------- */

static void wake_vcpus(void)
{
    pthread_mutex_lock(&vcpu_mu);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mu);
}

void cpu_exit(CPUState *cpu)
{
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

void cpu_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_or_fetch(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    cpu_exit(cpu);
    wake_vcpus();
}

void cpu_reset_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_and_fetch(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

void cpu_kick(CPUState *cpu)
{
    cpu_exit(cpu);
    wake_vcpus();
}

/* ---- work ------------------------------------------------------------------------ */

static void queue_work(CPUState *cpu, CPUWork *w)
{
    pthread_mutex_lock(&vcpu_mu);
    w->next = NULL;
    if (cpu->work_tail)
        cpu->work_tail->next = w;
    else
        cpu->work_head = w;
    cpu->work_tail = w;
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mu);
    cpu_exit(cpu);
}

void async_run_on_cpu(CPUState *cpu, CPUWorkFn *fn, void *data)
{
    CPUWork *w = xzalloc(sizeof(*w));
    w->fn = fn;
    w->data = data;
    queue_work(cpu, w);
}

static bool rr_started;

void run_on_cpu(CPUState *cpu, CPUWorkFn *fn, void *data)
{
    /* on the vCPU thread, or while no thread runs CPUs: directly */
    if (tcg_vcpu_thread || !rr_started) {
        fn(cpu, data);
        return;
    }
    bool done = false;
    CPUWork *w = xzalloc(sizeof(*w));
    w->fn = fn;
    w->data = data;
    w->done = &done;
    bool locked = dev_lock_held();
    if (locked)
        dev_unlock();   /* the vCPU may need it to reach a safe point */
    queue_work(cpu, w);
    pthread_mutex_lock(&vcpu_mu);
    while (!done)
        pthread_cond_wait(&vcpu_cond, &vcpu_mu);
    pthread_mutex_unlock(&vcpu_mu);
    if (locked)
        dev_lock();
}

static bool work_pending(void)
{
    bool any = false;
    pthread_mutex_lock(&vcpu_mu);
    for (CPUState *c = cpu_list; c && !any; c = c->next)
        any = c->work_head != NULL;
    pthread_mutex_unlock(&vcpu_mu);
    return any;
}

void cpu_process_work(void)
{
    tcg_vcpu_thread = true;
    for (;;) {
        CPUState *cpu = NULL;
        CPUWork *w = NULL;
        pthread_mutex_lock(&vcpu_mu);
        for (CPUState *c = cpu_list; c; c = c->next) {
            if (c->work_head) {
                cpu = c;
                w = c->work_head;
                c->work_head = w->next;
                if (!c->work_head)
                    c->work_tail = NULL;
                break;
            }
        }
        pthread_mutex_unlock(&vcpu_mu);
        if (!w)
            return;
        w->fn(cpu, w->data);
        if (w->done) {
            pthread_mutex_lock(&vcpu_mu);
            *w->done = true;
            pthread_cond_broadcast(&vcpu_cond);
            pthread_mutex_unlock(&vcpu_mu);
        }
        free(w);
    }
}

/* DMA and device writes to pages holding translated code (device lock
 * held, any thread): the CPUs may be inside those blocks, so invalidate
 * between blocks on the vCPU thread. Guests synchronize before running
 * DMA'd code, so the delay is invisible to them. */
typedef struct InvalRange {
    ram_addr_t start;
    size_t len;
} InvalRange;

static void inval_work(CPUState *cpu, void *data)
{
    (void)cpu;
    InvalRange *r = data;
    tb_invalidate_phys_range(r->start, r->start + r->len);
    free(r);
}

static void code_write_handler(ram_addr_t start, size_t len)
{
    CPUState *cpu = cpu_list;
    if (!cpu)
        return;
    InvalRange *r = xmalloc(sizeof(*r));
    r->start = start;
    r->len = len;
    async_run_on_cpu(cpu, inval_work, r);
}

/* ---- exceptions -------------------------------------------------------------------- */

uintptr_t tcg_getpc(uintptr_t host_ra)
{
    if (tb_find_by_host_pc(host_ra))
        return host_ra;
    return tcg_interp_retaddr;   /* called from the interpreter */
}

void cpu_loop_exit(CPUState *cpu)
{
    siglongjmp(cpu->jmp_env, 1);
}

bool cpu_restore_state(CPUState *cpu, uintptr_t ra)
{
    TranslationBlock *tb = ra ? tb_find_by_host_pc(ra) : NULL;
    return tb && tb_restore_state(cpu, tb, ra);
}

void cpu_loop_exit_restore(CPUState *cpu, uintptr_t ra)
{
    if (ra)
        cpu_restore_state(cpu, ra);
    cpu_loop_exit(cpu);
}

void cpu_loop_exit_noexc(CPUState *cpu)
{
    cpu->exception_index = EXCP_NONE;
    cpu_loop_exit(cpu);
}

/* ---- the block loop ------------------------------------------------------------------ */

static volatile bool stop_requested, shutdown_requested, yield_requested;

static bool cpu_handle_exception(CPUState *cpu, int *ret)
{
    int e = cpu->exception_index;
    if (e < 0)
        return false;
    if (e >= EXCP_INTERRUPT) {
        *ret = e;
        cpu->exception_index = EXCP_NONE;
        return true;
    }
    tcg_stats.exceptions++;
    qlog(LOG_INT, "exception %d on cpu %d\n", e, cpu->index);
    cpu->hooks->do_interrupt(cpu);
    cpu->exception_index = EXCP_NONE;
    return false;
}

/* Between blocks: take interrupts; leave the loop when asked to. */
static bool cpu_handle_interrupt(CPUState *cpu, TranslationBlock **last_tb)
{
    bool exit = __atomic_exchange_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST) != 0;
    uint32_t req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST);
    if (req) {
        if (req & CPU_INTERRUPT_EXITTB) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            *last_tb = NULL;
        }
        req &= CPU_INTERRUPT_TGT_MASK;
        if (req && cpu->hooks->exec_interrupt(cpu, req)) {
            tcg_stats.interrupts++;
            qlog(LOG_INT, "interrupt %#x taken on cpu %d\n", req, cpu->index);
            *last_tb = NULL;
        }
        if (cpu->exception_index >= 0)
            return true;   /* exec_interrupt raised something */
    }
    if (cpu->halted) {
        cpu->exception_index = EXCP_HLT;
        return true;
    }
    if (exit && (yield_requested || stop_requested || shutdown_requested || work_pending())) {
        cpu->exception_index = EXCP_INTERRUPT;
        return true;
    }
    return false;
}

static void log_exec(CPUState *cpu, TranslationBlock *tb)
{
    if (log_enabled(LOG_CPU))
        cpu->hooks->dump_state(cpu, log_file());
    qlog(LOG_EXEC, "Trace %d: %p [%016" PRIx64 "/%016" PRIx64 "/%08x]\n", cpu->index,
         (void *)tb->tc, tb->cs_base, tb->pc, tb->flags);
}

int cpu_exec(CPUState *cpu)
{
    int ret = EXCP_INTERRUPT;
    tcg_vcpu_thread = true;
    if (cpu->halted) {
        if (!cpu->hooks->has_work(cpu))
            return EXCP_HALTED;
        cpu->halted = false;
    }
    current_cpu = cpu;
    /* Banked device registers (the GICv2 CPU interface) answer the CPU
     * whose access reaches them. */
    mem_set_requester_cpu(cpu->index);

    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /* back from a guest exception or a block abort */
        cpu = current_cpu;
        if (dev_lock_held())
            dev_unlock();
    }

    for (;;) {
        if (cpu_handle_exception(cpu, &ret))
            break;
        TranslationBlock *last_tb = NULL;
        unsigned tb_exit = 0;
        while (!cpu_handle_interrupt(cpu, &last_tb)) {
            uint64_t pc, cs_base;
            uint32_t flags, cflags = cpu->cflags_next;
            cpu->cflags_next = 0;
            cpu->hooks->get_tb_key(cpu, &pc, &cs_base, &flags);
            TranslationBlock *tb = NULL;
            if (!(cflags & CF_NOCACHE))
                tb = tb_lookup(cpu, pc, cs_base, flags, cflags);
            if (!tb) {
                uint64_t fc = tb_flush_count();
                tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
                if (fc != tb_flush_count())
                    last_tb = NULL;
                if (!(cflags & CF_NOCACHE))
                    cpu->jmp_cache[tb_jmp_cache_hash(pc)] = tb;
            }
            if (last_tb && tb_exit < 2 && tcg_chaining_enabled())
                tb_add_jump(last_tb, tb_exit, tb);

            if (log_enabled(LOG_EXEC | LOG_CPU))
                log_exec(cpu, tb);
            tcg_stats.loop_entries++;
            uintptr_t r = tb_exec(cpu, tb);
            tcg_stats.exits_to_loop++;
            tb_exit = r & TB_EXIT_MASK;
            last_tb = (TranslationBlock *)(r & ~(uintptr_t)TB_EXIT_MASK);
            if (tb_exit == TB_EXIT_REQUESTED && last_tb) {
                /* The block saw the exit request at its entry and ran
                 * nothing. A chained jump into it does not store the guest
                 * pc (that happens only on the unchained path), so the
                 * state says where the previous block started: put the
                 * guest at this block's start before interrupts are taken
                 * or the next block is looked up. */
                tb_restore_state(cpu, last_tb, (uintptr_t)last_tb->tc);
                last_tb = NULL;
            }
            if (tb->cflags & CF_NOCACHE) {
                tb_discard_nocache(tb);
                last_tb = NULL;
            }
        }
    }
    current_cpu = NULL;
    return ret;
}

/* ---- the round-robin vCPU thread --------------------------------------------------------- */

static pthread_t rr_thread, kick_thread;
static bool parked;
static int64_t timeslice_ns = 10 * 1000 * 1000;

/* The time slice: a small thread that ends the running CPU's turn. */
static pthread_mutex_t kick_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cond = PTHREAD_COND_INITIALIZER;
static CPUState *slice_cpu;
static uint64_t slice_id;

static void timespec_add_ns(struct timespec *ts, int64_t ns)
{
    ts->tv_sec += ns / 1000000000;
    ts->tv_nsec += ns % 1000000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

static void *kick_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&kick_mu);
    while (!shutdown_requested) {
        if (!slice_cpu) {
            pthread_cond_wait(&kick_cond, &kick_mu);
            continue;
        }
        uint64_t id = slice_id;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        timespec_add_ns(&ts, timeslice_ns);
        int rc = 0;
        while (slice_cpu && slice_id == id && rc == 0 && !shutdown_requested)
            rc = pthread_cond_timedwait(&kick_cond, &kick_mu, &ts);
        if (slice_cpu && slice_id == id) {
            yield_requested = true;
            cpu_exit(slice_cpu);
            slice_cpu = NULL;
        }
    }
    pthread_mutex_unlock(&kick_mu);
    return NULL;
}

static void slice_begin(CPUState *cpu)
{
    pthread_mutex_lock(&kick_mu);
    slice_cpu = cpu;
    slice_id++;
    yield_requested = false;
    pthread_cond_signal(&kick_cond);
    pthread_mutex_unlock(&kick_mu);
}

static void slice_end(void)
{
    pthread_mutex_lock(&kick_mu);
    slice_cpu = NULL;
    slice_id++;
    pthread_cond_signal(&kick_cond);
    pthread_mutex_unlock(&kick_mu);
}

static bool cpu_can_run(CPUState *cpu)
{
    if (cpu->stopped)
        return false;
    return !cpu->halted || cpu->hooks->has_work(cpu);
}

static void *rr_main(void *arg)
{
    (void)arg;
    tcg_vcpu_thread = true;
    CPUState *next = NULL;
    for (;;) {
        pthread_mutex_lock(&vcpu_mu);
        while (stop_requested && !shutdown_requested) {
            parked = true;
            pthread_cond_broadcast(&vcpu_cond);
            pthread_cond_wait(&vcpu_cond, &vcpu_mu);
        }
        parked = false;
        bool quit = shutdown_requested;
        pthread_mutex_unlock(&vcpu_mu);
        if (quit)
            break;
        cpu_process_work();

        bool ran = false;
        int ncpus = 0;
        CPU_FOREACH(c) {
            ncpus++;
        }
        /* one turn for each CPU that can run, starting after the last */
        for (int i = 0; i < ncpus && !stop_requested && !shutdown_requested; i++) {
            CPUState *cpu = next ? next : cpu_list;
            next = cpu->next;
            if (!cpu_can_run(cpu))
                continue;
            if (ncpus > 1)
                slice_begin(cpu);
            int r = cpu_exec(cpu);
            if (ncpus > 1)
                slice_end();
            if (r != EXCP_HALTED)
                ran = true;
            cpu_process_work();
        }
        if (ran)
            continue;
        /* nothing can run: sleep until an interrupt, work or a stop */
        pthread_mutex_lock(&vcpu_mu);
        for (;;) {
            bool runnable = false, work = false;
            for (CPUState *c = cpu_list; c; c = c->next) {
                runnable |= cpu_can_run(c);
                work |= c->work_head != NULL;
            }
            if (runnable || work || stop_requested || shutdown_requested)
                break;
            pthread_cond_wait(&vcpu_cond, &vcpu_mu);
        }
        pthread_mutex_unlock(&vcpu_mu);
    }
    return NULL;
}

void vcpus_start(int64_t ts)
{
    if (rr_started)
        return;
    if (ts > 0)
        timeslice_ns = ts;
    shutdown_requested = false;
    rr_started = true;
    tcg_vcpu_thread = false;   /* the CPUs belong to the new thread now */
    if (pthread_create(&kick_thread, NULL, kick_main, NULL) ||
        pthread_create(&rr_thread, NULL, rr_main, NULL)) {
        fprintf(stderr, "ferry: cannot start the vCPU thread\n");
        abort();
    }
}

static void wait_parked(bool want)
{
    bool locked = dev_lock_held();
    if (locked)
        dev_unlock();
    pthread_mutex_lock(&vcpu_mu);
    while (rr_started && parked != want && !shutdown_requested)
        pthread_cond_wait(&vcpu_cond, &vcpu_mu);
    pthread_mutex_unlock(&vcpu_mu);
    if (locked)
        dev_lock();
}

void vcpus_stop(void)
{
    pthread_mutex_lock(&vcpu_mu);
    stop_requested = true;
    for (CPUState *c = cpu_list; c; c = c->next)
        cpu_exit(c);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mu);
    if (rr_started && !pthread_equal(pthread_self(), rr_thread))
        wait_parked(true);
}

void vcpus_resume(void)
{
    pthread_mutex_lock(&vcpu_mu);
    stop_requested = false;
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mu);
}

bool vcpus_running(void)
{
    return rr_started && !stop_requested;
}

void vcpus_shutdown(void)
{
    if (!rr_started)
        return;
    pthread_mutex_lock(&vcpu_mu);
    shutdown_requested = true;
    for (CPUState *c = cpu_list; c; c = c->next)
        cpu_exit(c);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mu);
    pthread_mutex_lock(&kick_mu);
    pthread_cond_broadcast(&kick_cond);
    pthread_mutex_unlock(&kick_mu);
    bool locked = dev_lock_held();
    if (locked)
        dev_unlock();
    pthread_join(rr_thread, NULL);
    pthread_join(kick_thread, NULL);
    if (locked)
        dev_lock();
    rr_started = false;
    stop_requested = false;
}
