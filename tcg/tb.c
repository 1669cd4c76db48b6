/*
 * tb.c — translation blocks: generation (the frontend's translate hook →
 * IR → code), the cache (hash table by pc/physical page/flags, per-page
 * lists for invalidation, per-CPU jump caches), direct chaining and
 * unchaining, invalidation on writes to code pages (including a block that
 * modifies itself), the per-instruction table used to restore guest state
 * after a fault, and the flush when the code buffer fills.
 *
 * Single-threaded by design: every function here runs on the vCPU thread
 * (writes from other threads arrive as queued work).
 */
#include "tcg/tb.h"

#include <sys/mman.h>

#include "core/log.h"
#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/softmmu.h"
#include "tcg/stats.h"
#include "tcg/tcg.h"
#include "tcg/translator.h"

typedef struct PageEntry {
    uint64_t page;        /* ram page number + 1 (0: empty slot) */
    uintptr_t first;      /* tagged (tb | n) list */
} PageEntry;

static struct {
    bool initialized;
    CodeBuf *cb;
    const TCGCodegen *cg;
    TCGContext *s;
    const CPUHooks *hooks;
    TranslationBlock *tbs;
    size_t nb_tbs, max_tbs, tbs_bytes;
    TranslationBlock **htab;
    size_t hsize, hcount;
    PageEntry *pages;
    size_t pcap, pcount;
    uint64_t flushes;
} E;

#define TB_OPS_LIMIT 4000

void tcg_stats_register_exit(void);

/* ---- set-up ---------------------------------------------------------- */

int tcg_exec_init(size_t tb_size, const TCGCodegen *cg, Error **errp)
{
    if (E.initialized)
        tcg_exec_exit();
    if (!cg)
        cg = tcg_default_codegen();
    if (!tb_size)
        tb_size = CODEBUF_DEFAULT_SIZE;
    if (tb_size > 2 * GiB - 64 * MiB) {
        error_setg(errp, "tb-size %llu MiB is too large (at most %llu MiB)", (unsigned long long)(tb_size / MiB),
                   (2 * GiB - 64 * MiB) / MiB);
        return -1;
    }
    E.cb = codebuf_new(tb_size, cg != &tcg_codegen_interp, errp);
    if (!E.cb)
        return -1;
    E.cg = cg;
    E.max_tbs = MAX(tb_size / 96, (size_t)256);
    E.tbs_bytes = ALIGN_UP(E.max_tbs * sizeof(TranslationBlock), 4096);
    void *p = mmap(NULL, E.tbs_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot reserve the translation block arena");
        codebuf_free(E.cb);
        return -1;
    }
    E.tbs = p;
    E.hsize = 1u << 15;
    E.htab = xcalloc(E.hsize, sizeof(*E.htab));
    E.pcap = 1024;
    E.pages = xcalloc(E.pcap, sizeof(*E.pages));
    E.initialized = true;
    tcg_stats_register_exit();
    return 0;
}

void tcg_exec_exit(void)
{
    if (!E.initialized)
        return;
    tcg_context_free(E.s);
    codebuf_free(E.cb);
    munmap(E.tbs, E.tbs_bytes);
    free(E.htab);
    free(E.pages);
    memset(&E, 0, sizeof(E));
}

bool tcg_exec_initialized(void)
{
    return E.initialized;
}

/* First CPU of a target: the translation context for its state layout. */
void tcg_exec_attach(const CPUHooks *hooks);
void tcg_exec_attach(const CPUHooks *hooks)
{
    if (!E.initialized) {
        Error *err = NULL;
        if (tcg_exec_init(0, NULL, &err) < 0)
            fatal_err(err);
    }
    if (E.hooks == hooks)
        return;
    if (E.hooks) {
        fprintf(stderr, "ferry: CPUs of two targets in one process\n");
        abort();
    }
    E.hooks = hooks;
    int32_t eo = (int32_t)hooks->env_offset;
    TCGEnvLayout lay = {
        .cpu_off = -eo,
        .tlb_off = (int32_t)offsetof(CPUState, tlb_table) - eo,
        .exit_request_off = (int32_t)offsetof(CPUState, exit_request) - eo,
        .interp_frame_off = (int32_t)offsetof(CPUState, interp_frame) - eo,
        .interp_frame_size = sizeof(((CPUState *)0)->interp_frame),
        .insn_start_words = hooks->insn_start_words,
        .counters_off = (int32_t)offsetof(CPUState, counters) - eo,
    };
    E.s = tcg_context_new(E.cg, E.cb, &lay);
    if (hooks->translate_init)
        hooks->translate_init(E.s);
}

TCGContext *tcg_exec_context(void)
{
    return E.s;
}

const CPUHooks *tcg_exec_hooks(void)
{
    return E.hooks;
}

bool tcg_chaining_enabled(void)
{
    return !log_enabled(LOG_EXEC | LOG_CPU);
}

uint64_t tb_flush_count(void)
{
    return E.flushes;
}

/* ---- pages ------------------------------------------------------------- */

static PageEntry *page_find(ram_addr_t ram, bool create)
{
    uint64_t key = (ram >> TARGET_PAGE_BITS) + 1;
    if (create && (E.pcount + 1) * 2 > E.pcap) {
        PageEntry *old = E.pages;
        size_t ocap = E.pcap;
        E.pcap *= 2;
        E.pages = xcalloc(E.pcap, sizeof(*E.pages));
        for (size_t i = 0; i < ocap; i++) {
            if (!old[i].page)
                continue;
            size_t h = (old[i].page * 0x9e3779b97f4a7c15ull >> 20) & (E.pcap - 1);
            while (E.pages[h].page)
                h = (h + 1) & (E.pcap - 1);
            E.pages[h] = old[i];
        }
        free(old);
    }
    size_t h = (key * 0x9e3779b97f4a7c15ull >> 20) & (E.pcap - 1);
    while (E.pages[h].page) {
        if (E.pages[h].page == key)
            return &E.pages[h];
        h = (h + 1) & (E.pcap - 1);
    }
    if (!create)
        return NULL;
    E.pages[h].page = key;
    E.pages[h].first = 0;
    E.pcount++;
    return &E.pages[h];
}

static TranslationBlock *tagged_tb(uintptr_t v) { return (TranslationBlock *)(v & ~(uintptr_t)1); }
static unsigned tagged_n(uintptr_t v) { return (unsigned)(v & 1); }

static void page_add_tb(TranslationBlock *tb, unsigned n)
{
    PageEntry *pe = page_find(tb->page[n], true);
    bool was_empty = pe->first == 0;
    tb->page_next[n] = pe->first;
    pe->first = (uintptr_t)tb | n;
    if (was_empty) {
        mem_code_page_set(tb->page[n], true);
        tlb_protect_code(tb->page[n]);
    }
}

static void page_remove_tb(TranslationBlock *tb, unsigned n)
{
    PageEntry *pe = page_find(tb->page[n], false);
    if (!pe)
        return;
    uintptr_t *link = &pe->first;
    while (*link) {
        TranslationBlock *t = tagged_tb(*link);
        unsigned k = tagged_n(*link);
        if (t == tb && k == n) {
            *link = tb->page_next[n];
            break;
        }
        link = &t->page_next[k];
    }
    if (!pe->first)
        mem_code_page_set(tb->page[n], false);   /* writes go fast again */
}

/* ---- hash table ----------------------------------------------------------- */

static size_t tb_hash(ram_addr_t ram_pc, uint64_t pc, uint64_t cs_base, uint32_t flags)
{
    uint64_t h = ram_pc * 0x9e3779b97f4a7c15ull;
    h ^= (pc + cs_base * 0xff51afd7ed558ccdull + flags) * 0xc4ceb9fe1a85ec53ull;
    return (size_t)(h ^ (h >> 29));
}

static void htab_insert(TranslationBlock *tb)
{
    if (E.hcount + 1 > E.hsize * 2) {
        size_t nsize = E.hsize * 2;
        TranslationBlock **nt = xcalloc(nsize, sizeof(*nt));
        for (size_t i = 0; i < E.hsize; i++) {
            TranslationBlock *t = E.htab[i];
            while (t) {
                TranslationBlock *next = t->hash_next;
                size_t h = tb_hash(t->ram_pc, t->pc, t->cs_base, t->flags) & (nsize - 1);
                t->hash_next = nt[h];
                nt[h] = t;
                t = next;
            }
        }
        free(E.htab);
        E.htab = nt;
        E.hsize = nsize;
    }
    size_t h = tb_hash(tb->ram_pc, tb->pc, tb->cs_base, tb->flags) & (E.hsize - 1);
    tb->hash_next = E.htab[h];
    E.htab[h] = tb;
    E.hcount++;
}

static void htab_remove(TranslationBlock *tb)
{
    size_t h = tb_hash(tb->ram_pc, tb->pc, tb->cs_base, tb->flags) & (E.hsize - 1);
    for (TranslationBlock **p = &E.htab[h]; *p; p = &(*p)->hash_next) {
        if (*p == tb) {
            *p = tb->hash_next;
            E.hcount--;
            return;
        }
    }
}

/* ---- jump cache ------------------------------------------------------------ */

void tb_jmp_cache_clear(CPUState *cpu)
{
    memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache));
}

void tb_jmp_cache_clear_page(CPUState *cpu, uint64_t vaddr)
{
    /* a page's blocks hash into one run of 64 entries (see the hash);
     * a block may start on the previous page and continue into this one */
    for (int k = 0; k < 2; k++) {
        unsigned base = tb_jmp_cache_hash(vaddr - (uint64_t)k * TARGET_PAGE_SIZE) & ~63u;
        memset(&cpu->jmp_cache[base], 0, 64 * sizeof(cpu->jmp_cache[0]));
    }
}

/* ---- lookup ----------------------------------------------------------------- */

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                            uint32_t cflags)
{
    unsigned jh = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = cpu->jmp_cache[jh];
    if (tb && tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
        tb->cflags == cflags && !tb->invalid) {
        tcg_stats.jmp_cache_hits++;
        return tb;
    }
    int mmu = E.hooks->code_mmu_index(cpu, flags);
    const uint8_t *host;
    ram_addr_t ram;
    if (!tlb_code_page(cpu, pc, mmu, true, &host, &ram))
        return NULL;   /* the translation raises the fault */
    ram_addr_t ram_pc = ram + (pc & ~TARGET_PAGE_MASK);
    size_t h = tb_hash(ram_pc, pc, cs_base, flags) & (E.hsize - 1);
    for (tb = E.htab[h]; tb; tb = tb->hash_next) {
        if (tb->ram_pc != ram_pc || tb->pc != pc || tb->cs_base != cs_base ||
            tb->flags != flags || tb->cflags != cflags)
            continue;
        if (tb->uses_page1) {
            /* the second page's mapping must still be the same */
            uint64_t v1 = (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
            if (!tlb_code_page(cpu, v1, mmu, true, &host, &ram) || ram != tb->page[1])
                continue;
        }
        tcg_stats.hash_hits++;
        cpu->jmp_cache[jh] = tb;
        return tb;
    }
    return NULL;
}

/* ---- chaining -------------------------------------------------------------- */

void tb_add_jump(TranslationBlock *tb, unsigned n, TranslationBlock *dest)
{
    if (tb->jmp_dest[n] || tb->jmp_patch[n] == UINT32_MAX || tb->invalid || dest->invalid ||
        (dest->cflags & CF_NOCACHE) || (tb->cflags & CF_NOCACHE))
        return;
    E.cg->set_jump(E.s, (uint8_t *)tb->tc, tb->jmp_patch[n], dest->tc);
    tb->jmp_dest[n] = dest;
    tb->jmp_list_next[n] = dest->jmp_list_head;
    dest->jmp_list_head = (uintptr_t)tb | n;
    tcg_stats.chain_patches++;
    qlog(LOG_CHAIN, "chain: %p [%016" PRIx64 "] #%u -> %p [%016" PRIx64 "]\n", (void *)tb->tc,
         tb->pc, n, (void *)dest->tc, dest->pc);
}

static void tb_reset_jump(TranslationBlock *tb, unsigned n)
{
    E.cg->set_jump(E.s, (uint8_t *)tb->tc, tb->jmp_patch[n], tb->tc + tb->jmp_reset[n]);
    tb->jmp_dest[n] = NULL;
    tcg_stats.unchain_patches++;
    qlog(LOG_CHAIN, "unchain: %p [%016" PRIx64 "] #%u\n", (void *)tb->tc, tb->pc, n);
}

/* Remove (tb, n) from the incoming list of tb->jmp_dest[n]. */
static void jmp_unlink_outgoing(TranslationBlock *tb, unsigned n)
{
    TranslationBlock *dest = tb->jmp_dest[n];
    if (!dest)
        return;
    uintptr_t *link = &dest->jmp_list_head;
    while (*link) {
        TranslationBlock *t = tagged_tb(*link);
        unsigned k = tagged_n(*link);
        if (t == tb && k == n) {
            *link = tb->jmp_list_next[n];
            break;
        }
        link = &t->jmp_list_next[k];
    }
    tb->jmp_dest[n] = NULL;
}

/* ---- invalidation ------------------------------------------------------------ */

static void tb_phys_invalidate(TranslationBlock *tb)
{
    if (tb->invalid)
        return;
    tb->invalid = true;
    htab_remove(tb);
    page_remove_tb(tb, 0);
    if (tb->uses_page1)
        page_remove_tb(tb, 1);
    unsigned jh = tb_jmp_cache_hash(tb->pc);
    CPU_FOREACH(cpu) {
        if (cpu->jmp_cache[jh] == tb)
            cpu->jmp_cache[jh] = NULL;
    }
    /* blocks jumping here go back to the loop */
    uintptr_t in = tb->jmp_list_head;
    while (in) {
        TranslationBlock *src = tagged_tb(in);
        unsigned k = tagged_n(in);
        in = src->jmp_list_next[k];
        tb_reset_jump(src, k);
    }
    tb->jmp_list_head = 0;
    for (unsigned n = 0; n < 2; n++)
        jmp_unlink_outgoing(tb, n);
    tcg_stats.tb_invalidated++;
}

/* Bytes of tb's code on its page n, as a ram range. */
static void tb_page_range(const TranslationBlock *tb, unsigned n, ram_addr_t *s, ram_addr_t *e)
{
    uint64_t on0 = TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK);
    if (!tb->uses_page1)
        on0 = tb->size;
    if (n == 0) {
        *s = tb->ram_pc;
        *e = tb->ram_pc + (on0 ? on0 : 1);
    } else {
        *s = tb->page[1];
        *e = tb->page[1] + (tb->size > on0 ? tb->size - on0 : 1);
    }
}

static bool tb_overlaps(const TranslationBlock *tb, ram_addr_t start, ram_addr_t end)
{
    for (unsigned n = 0; n < (tb->uses_page1 ? 2u : 1u); n++) {
        ram_addr_t s, e;
        tb_page_range(tb, n, &s, &e);
        if (s < end && start < e)
            return true;
    }
    return false;
}

void tb_invalidate_phys_range(ram_addr_t start, ram_addr_t end)
{
    if (!E.initialized || end <= start)
        return;
    for (ram_addr_t page = start & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        PageEntry *pe = page_find(page, false);
        if (!pe)
            continue;
        uintptr_t it = pe->first;
        while (it) {
            TranslationBlock *tb = tagged_tb(it);
            unsigned n = tagged_n(it);
            it = tb->page_next[n];
            ram_addr_t s, e;
            tb_page_range(tb, n, &s, &e);
            if (s < end && start < e)
                tb_phys_invalidate(tb);
        }
    }
}

static int tb_insn_index(const TranslationBlock *tb, uintptr_t host_pc, uint64_t *data);

void tb_invalidate_by_cpu_write(CPUState *cpu, ram_addr_t start, size_t len, uintptr_t ra)
{
    TranslationBlock *cur = ra ? tb_find_by_host_pc(ra) : NULL;
    bool hit = cur && tb_overlaps(cur, start, start + len);
    tb_invalidate_phys_range(start, start + len);
    if (!hit)
        return;
    uint64_t data[3];
    int idx = tb_insn_index(cur, ra, data);
    if (idx < 0 || (unsigned)idx + 1 >= cur->icount)
        return;   /* the storing instruction ends the block anyway */
    /* The rest of this block may be stale: redo the store as a block of
     * its own (the write has not happened yet), then continue from the
     * next instruction with fresh code. */
    E.hooks->restore_state(cpu, cur, data);
    cpu->cflags_next = 1 | CF_NOCACHE;
    tcg_stats.smc_exits++;
    cpu_loop_exit_noexc(cpu);
}

/* ---- flush ------------------------------------------------------------------ */

void tb_flush(void)
{
    if (!E.initialized)
        return;
    for (size_t i = 0; i < E.pcap; i++)
        if (E.pages[i].page && E.pages[i].first)
            mem_code_page_set((E.pages[i].page - 1) << TARGET_PAGE_BITS, false);
    memset(E.pages, 0, E.pcap * sizeof(*E.pages));
    E.pcount = 0;
    memset(E.htab, 0, E.hsize * sizeof(*E.htab));
    E.hcount = 0;
    E.nb_tbs = 0;
    codebuf_reset(E.cb);
    CPU_FOREACH(cpu) {
        tb_jmp_cache_clear(cpu);
    }
    E.flushes++;
    tcg_stats.tb_flushes++;
    qlog(LOG_CHAIN, "tb_flush: code buffer emptied (%" PRIu64 " flushes)\n", E.flushes);
}

/* ---- the per-instruction table ----------------------------------------------- */

static uint8_t *put_uleb(uint8_t *p, uint64_t v)
{
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        *p++ = b | (v ? 0x80 : 0);
    } while (v);
    return p;
}

static uint8_t *put_sleb(uint8_t *p, int64_t v)
{
    for (;;) {
        uint8_t b = v & 0x7f;
        v >>= 7;
        if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
            *p++ = b;
            return p;
        }
        *p++ = b | 0x80;
    }
}

static const uint8_t *get_uleb(const uint8_t *p, uint64_t *v)
{
    uint64_t r = 0;
    unsigned sh = 0;
    uint8_t b;
    do {
        b = *p++;
        r |= (uint64_t)(b & 0x7f) << sh;
        sh += 7;
    } while (b & 0x80);
    *v = r;
    return p;
}

static const uint8_t *get_sleb(const uint8_t *p, int64_t *v)
{
    uint64_t r = 0;
    unsigned sh = 0;
    uint8_t b;
    do {
        b = *p++;
        r |= (uint64_t)(b & 0x7f) << sh;
        sh += 7;
    } while (b & 0x80);
    if (sh < 64 && (b & 0x40))
        r |= ~0ull << sh;
    *v = (int64_t)r;
    return p;
}

/* Encode the table at rw (capacity avail); returns bytes or -1. */
static long encode_insn_table(TCGContext *s, uint8_t *rw, size_t avail)
{
    unsigned words = s->layout.insn_start_words;
    size_t need = 10 + (size_t)s->nb_insns * (5 + 10 * words);
    if (need > avail)
        return -1;
    uint8_t *p = put_uleb(rw, s->nb_insns);
    uint64_t prev_end = 0, prev[3] = { 0, 0, 0 };
    for (uint32_t i = 0; i < s->nb_insns; i++) {
        p = put_uleb(p, s->insn_end_off[i] - prev_end);
        prev_end = s->insn_end_off[i];
        for (unsigned w = 0; w < words; w++) {
            p = put_sleb(p, (int64_t)(s->insn_data[i][w] - prev[w]));
            prev[w] = s->insn_data[i][w];
        }
    }
    return p - rw;
}

/* Index of the instruction containing return address host_pc, and its
 * data words; -1 if none. */
static int tb_insn_index(const TranslationBlock *tb, uintptr_t host_pc, uint64_t *data)
{
    unsigned words = E.hooks ? E.hooks->insn_start_words : 1;
    uint64_t off = host_pc - (uintptr_t)tb->tc, n, end = 0;
    const uint8_t *p = get_uleb(tb->insn_info, &n);
    data[0] = data[1] = data[2] = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t d;
        p = get_uleb(p, &d);
        end += d;
        for (unsigned w = 0; w < words; w++) {
            int64_t dv;
            p = get_sleb(p, &dv);
            data[w] += (uint64_t)dv;
        }
        if (off <= end)
            return (int)i;
    }
    return -1;
}

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc)
{
    if (!E.initialized || !codebuf_contains(E.cb, host_pc) || !E.nb_tbs)
        return NULL;
    size_t lo = 0, hi = E.nb_tbs;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)E.tbs[mid].tc < host_pc)
            lo = mid;
        else
            hi = mid;
    }
    TranslationBlock *tb = &E.tbs[lo];
    if (host_pc > (uintptr_t)tb->tc && host_pc <= (uintptr_t)tb->tc + tb->tc_size)
        return tb;
    return NULL;
}

bool tb_restore_state(CPUState *cpu, TranslationBlock *tb, uintptr_t host_pc)
{
    uint64_t data[3];
    if (tb_insn_index(tb, host_pc, data) < 0)
        return false;
    E.hooks->restore_state(cpu, tb, data);
    return true;
}

/* ---- translation ------------------------------------------------------------- */

bool translator_fetch(TranslatorCtx *tc, uint64_t pc, void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len) {
        uint64_t page = pc & TARGET_PAGE_MASK;
        int k = page == tc->page_vaddr[0] ? 0 : page == tc->page_vaddr[0] + TARGET_PAGE_SIZE ? 1 : -1;
        if (k < 0) {
            fprintf(stderr, "ferry: translator: fetch at %#" PRIx64 " outside the block's two pages\n", pc);
            abort();
        }
        if (!tc->page_host[k]) {
            bool first = tc->num_insns == 0;
            /* pc, not the page: a fault names the byte fetched */
            if (!tlb_code_page(tc->cpu, pc, tc->code_mmu_idx, !first, &tc->page_host[k],
                               &tc->page_ram[k]))
                return false;
        }
        size_t off = pc & ~TARGET_PAGE_MASK;
        size_t n = MIN(len, (size_t)(TARGET_PAGE_SIZE - off));
        memcpy(out, tc->page_host[k] + off, n);
        out += n;
        pc += n;
        len -= n;
    }
    return true;
}

void translator_insn_start(TranslatorCtx *tc, uint64_t w0, uint64_t w1, uint64_t w2)
{
    ir_insn_start(tc->s, w0, w1, w2);
    tc->num_insns++;
}

bool translator_should_stop(TranslatorCtx *tc, uint64_t next_pc)
{
    return tc->num_insns >= tc->max_insns ||
           (next_pc & TARGET_PAGE_MASK) != tc->page_vaddr[0] ||
           tc->s->nb_ops > TB_OPS_LIMIT || tc->s->nb_temps > TCG_MAX_TEMPS - 2000;
}

bool translator_use_goto_tb(TranslatorCtx *tc, uint64_t dest)
{
    return (dest & TARGET_PAGE_MASK) == tc->page_vaddr[0] && !(tc->tb->cflags & CF_NOCACHE) &&
           tcg_chaining_enabled();
}

/* With -d jitstats: count helper calls (an IR counter bump before each). */
static void insert_call_counters(TCGContext *s)
{
    uint32_t ncalls = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++)
        ncalls += s->ops[i].opc == INDEX_op_call;
    if (!ncalls)
        return;
    TCGOp *old = s->ops;
    uint32_t nold = s->nb_ops;
    s->ops = NULL;
    s->ops_cap = 0;
    s->nb_ops = 0;
    int32_t off = s->layout.counters_off + 8 * TCG_COUNTER_HELPER_CALL;
    for (uint32_t i = 0; i < nold; i++) {
        if (old[i].opc == INDEX_op_call) {
            TCGv t = ir_temp(s, TCG_I64);
            ir_ld(s, t, s->env, off);
            ir_addi(s, t, t, 1);
            ir_st(s, t, s->env, off);
        }
        TCGOp *op = tcg_emit_op(s, INDEX_op_nop, TCG_I64, (uint64_t[]){ 0 });
        *op = old[i];
    }
    free(old);
}

static void tb_link(TranslationBlock *tb)
{
    htab_insert(tb);
    page_add_tb(tb, 0);
    if (tb->uses_page1)
        page_add_tb(tb, 1);
}

static void log_in_asm(const TranslatorCtx *tc, const TranslationBlock *tb)
{
    log_printf("IN: [%016" PRIx64 "] %u insns, %u bytes\n", tb->pc, tb->icount, tb->size);
    uint64_t on0 = MIN((uint64_t)tb->size, TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK));
    if (tc->page_host[0])
        log_disas(E.hooks->arch, tc->page_host[0] + (tb->pc & ~TARGET_PAGE_MASK), on0, tb->pc);
    if (tb->size > on0 && tc->page_host[1])
        log_disas(E.hooks->arch, tc->page_host[1], tb->size - on0, tb->pc + on0);
    log_printf("\n");
}

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags)
{
    TCGContext *s = E.s;
    unsigned max = cflags & CF_COUNT_MASK ? cflags & CF_COUNT_MASK : TCG_MAX_INSNS;
    bool fresh = false;

    for (;;) {
        if (E.nb_tbs >= E.max_tbs) {
            tb_flush();
            fresh = true;
        }
        TranslationBlock *tb = &E.tbs[E.nb_tbs];
        memset(tb, 0, sizeof(*tb));
        tb->pc = pc;
        tb->cs_base = cs_base;
        tb->flags = flags;
        tb->cflags = cflags;
        tb->jmp_patch[0] = tb->jmp_patch[1] = UINT32_MAX;

        TranslatorCtx tc = {
            .cpu = cpu,
            .s = s,
            .tb = tb,
            .pc_first = pc,
            .max_insns = max,
            .code_mmu_idx = E.hooks->code_mmu_index(cpu, flags),
            .page_vaddr = { pc & TARGET_PAGE_MASK, (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE },
            .page_ram = { RAM_ADDR_INVALID, RAM_ADDR_INVALID },
        };
        s->count_stats = log_enabled(LOG_JITSTATS);
        tcg_func_start(s);

        /* Block entry: leave at once if an exit was requested. */
        TCGLabel lexit = ir_label(s);
        if (!(cflags & CF_NOIRQ)) {
            TCGv t = ir_temp(s, TCG_I32);
            ir_ld(s, t, s->env, s->layout.exit_request_off);
            ir_brcondi(s, COND_NE, t, 0, lexit);
        }
        if (s->count_stats) {
            TCGv t = ir_temp(s, TCG_I64);
            int32_t off = s->layout.counters_off + 8 * TCG_COUNTER_TB_ENTER;
            ir_ld(s, t, s->env, off);
            ir_addi(s, t, t, 1);
            ir_st(s, t, s->env, off);
        }

        /* A fetch fault on the first instruction longjmps out of here;
         * nothing was committed yet. */
        E.hooks->translate(cpu, &tc);
        tb->icount = (uint16_t)tc.num_insns;
        if (!tc.page_host[0]) {
            fprintf(stderr, "ferry: translator: block at %#" PRIx64 " fetched no code\n", pc);
            abort();
        }
        tb->page[0] = tc.page_ram[0];
        tb->ram_pc = tc.page_ram[0] + (pc & ~TARGET_PAGE_MASK);
        tb->uses_page1 = tc.page_host[1] != NULL;
        tb->page[1] = tc.page_ram[1];
        if (!(cflags & CF_NOIRQ)) {
            ir_set_label(s, lexit);
            ir_exit_tb(s, (uintptr_t)tb | TB_EXIT_REQUESTED);
        }
        if (s->count_stats)
            insert_call_counters(s);

        TCGGenResult r;
        long tsize = -1;
        if (tcg_gen_code(s, &r) == 0) {
            codebuf_write_begin(E.cb);
            tsize = encode_insn_table(s, codebuf_ptr(E.cb), codebuf_avail(E.cb));
            codebuf_write_end(E.cb);
            if (tsize >= 0) {
                tb->insn_info = codebuf_rx(E.cb, codebuf_ptr(E.cb));
                E.cb->used += (size_t)tsize;
            }
        }
        if (tsize < 0) {
            /* buffer full, or the block is too big for the frame */
            if (!fresh) {
                tb_flush();
                fresh = true;
            } else if (max > 1) {
                max = (max + 1) / 2;
                tcg_stats.tb_retranslated++;
            } else {
                fprintf(stderr, "ferry: translator: cannot generate code for one instruction at %#" PRIx64 "\n", pc);
                abort();
            }
            continue;
        }
        tb->tc = r.code;
        tb->tc_size = (uint32_t)r.size;
        for (int n = 0; n < 2; n++) {
            tb->jmp_patch[n] = s->goto_tb_off[n];
            tb->jmp_reset[n] = s->goto_tb_reset[n];
        }
        E.nb_tbs++;

        tcg_stats.tb_translated++;
        tcg_stats.tb_nocache += (cflags & CF_NOCACHE) != 0;
        tcg_stats.tb_guest_insns += tb->icount;
        tcg_stats.tb_guest_bytes += tb->size;
        tcg_stats.tb_code_bytes += r.size;
        tcg_stats.ops_before_opt += s->ops_before_opt;
        tcg_stats.ops_after_opt += s->ops_after_opt;
        if (log_enabled(LOG_IN_ASM))
            log_in_asm(&tc, tb);
        if (!(cflags & CF_NOCACHE))
            tb_link(tb);
        return tb;
    }
}

void tb_discard_nocache(TranslationBlock *tb)
{
    /* the last block allocated: give its space back */
    if (E.nb_tbs && &E.tbs[E.nb_tbs - 1] == tb) {
        E.nb_tbs--;
        E.cb->used = (size_t)(tb->tc - E.cb->rx);
    }
}

uintptr_t tb_exec(CPUState *cpu, TranslationBlock *tb)
{
    return E.cg->exec(E.s, cpu_env(cpu), tb->tc);
}
