/*
 * memory.c — guest physical memory: the region tree, the flat views built
 * from it, MMIO dispatch, the ram_addr space with its code-page bitmap, and
 * the DMA API. The contract is core/memory.h.
 *
 * Concurrency: everything that changes state runs under the device lock.
 * The vCPU thread reads flat views and the RAM block table without it, so
 * both are immutable once published through an atomic pointer; a replaced
 * version, and a freed leaf region a reader may still name through a
 * FlatRange, waits on the retired list until mem_reclaim_retired().
 */
#include "core/memory.h"

#include "core/log.h"

#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>

struct MemoryRegion {
    char *name;
    MemoryRegionKind kind;
    uint64_t size;          /* UINT64_MAX: the whole 2^64 space */
    bool enabled;

    /* Placement in the parent container. */
    MemoryRegion *parent;
    hwaddr addr;
    int priority;
    uint64_t seq;           /* parent's add counter: later wins a tie */

    /* Container: children in rendering order (winner first). */
    MemoryRegion **subs;
    size_t nsubs, subs_cap;
    uint64_t next_seq;

    /* The paths a change travels up to the address spaces that see it:
     * the parent, aliases targeting this region, spaces rooted here. */
    MemoryRegion **referrers;
    size_t nrefs, refs_cap;
    AddressSpace *spaces;

    /* MMIO; a ROM device (mr_new_romd) has them too */
    const MemOps *ops;
    void *opaque;
    unsigned min_size, max_size;
    bool romd;              /* ROM device: reads go straight to the storage */

    /* Alias */
    MemoryRegion *target;
    uint64_t alias_offset;

    /* RAM/ROM */
    uint8_t *host;
    size_t map_len;
    ram_addr_t ram_base;
    uint64_t ram_span;              /* size rounded up to the ram_addr granule */
    _Atomic uint64_t *code_bits;    /* one bit per TARGET_PAGE_SIZE page */
    atomic_size_t code_count;       /* bits set in code_bits */
};

typedef struct FlatView {
    size_t n;
    FlatRange r[];
} FlatView;

typedef struct ListenerEnt {
    AsListener *fn;
    void *opaque;
} ListenerEnt;

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    AddressSpace *next_on_root;
    _Atomic(FlatView *) view;
    ListenerEnt *listeners;
    size_t nlisteners, listeners_cap;
    unsigned notifying;     /* >0 while listeners run: removal only marks */
    _Atomic uint64_t generation; /* views published (as_generation) */
    bool queued;            /* already in the current rebuild batch */
};

/* RAM/ROM blocks sorted by ram_base: the ram_addr space. */
typedef struct RamTable {
    size_t n;
    MemoryRegion *b[];
} RamTable;

typedef struct Retired {
    struct Retired *next;
    void (*free_fn)(void *);
    void *p;
} Retired;

/* The globals memory.h implies: the one ram_addr space with its code
 * bitmap and handler, and the retired list mem_reclaim_retired() drains.
 * Mutated under the device lock; the atomics are for lock-free readers. */
static _Atomic(RamTable *) ram_table;
static atomic_size_t code_pages_total;
static _Atomic(CodeWriteHandler *) code_write_handler;
static Retired *retired_list;

static NORETURN PRINTF_FMT(1, 2) void mem_bug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ferry: memory: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

static void retire(void *p, void (*free_fn)(void *))
{
    Retired *r = xmalloc(sizeof(*r));
    r->p = p;
    r->free_fn = free_fn;
    r->next = retired_list;
    retired_list = r;
}

/* Last offset of a region; UINT64_MAX-sized regions reach the top byte. */
static inline uint64_t mr_last(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? UINT64_MAX : mr->size - 1;
}

static inline bool mr_is_ramlike(const MemoryRegion *mr)
{
    return mr->kind == MR_RAM || mr->kind == MR_ROM;
}

/* Little-endian loads and stores of 1..8 bytes: guests and devices are LE. */
static inline uint64_t ldn_le(const uint8_t *p, unsigned n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    switch (n) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
#endif
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static inline void stn_le(uint8_t *p, uint64_t v, unsigned n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    switch (n) {
    case 1: *p = (uint8_t)v; return;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); return; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); return; }
    case 8: memcpy(p, &v, 8); return;
    }
#endif
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- regions ------------------------------------------------------------ */

static MemoryRegion *mr_alloc(const char *name, MemoryRegionKind kind,
                              uint64_t size)
{
    MemoryRegion *mr = xzalloc(sizeof(*mr));
    mr->name = xstrdup(name ? name : "anonymous");
    mr->kind = kind;
    mr->size = size;
    mr->enabled = true;
    mr->ram_base = RAM_ADDR_INVALID;
    return mr;
}

MemoryRegion *mr_new_container(const char *name, uint64_t size)
{
    return mr_alloc(name, MR_CONTAINER, size);
}

static void mr_set_ops(MemoryRegion *mr, const MemOps *ops, void *opaque)
{
    if (!ops)
        mem_bug("device region '%s' without MemOps", mr->name);
    unsigned mn = ops->min_size ? ops->min_size : 1;
    unsigned mx = ops->max_size ? ops->max_size : 8;
    if (!IS_POW2(mn) || !IS_POW2(mx) || mx > 8 || mn > mx)
        mem_bug("device region '%s': bad access sizes min %u max %u",
                mr->name, ops->min_size, ops->max_size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->min_size = mn;
    mr->max_size = mx;
}

MemoryRegion *mr_new_mmio(const char *name, uint64_t size, const MemOps *ops,
                          void *opaque)
{
    MemoryRegion *mr = mr_alloc(name, MR_MMIO, size);
    mr_set_ops(mr, ops, opaque);
    return mr;
}

static void add_referrer(MemoryRegion *target, MemoryRegion *alias)
{
    if (target->nrefs == target->refs_cap) {
        target->refs_cap = target->refs_cap ? 2 * target->refs_cap : 4;
        target->referrers = xrealloc(target->referrers,
                                     target->refs_cap * sizeof(*target->referrers));
    }
    target->referrers[target->nrefs++] = alias;
}

static void del_referrer(MemoryRegion *target, MemoryRegion *alias)
{
    for (size_t i = 0; i < target->nrefs; i++) {
        if (target->referrers[i] == alias) {
            memmove(&target->referrers[i], &target->referrers[i + 1],
                    (target->nrefs - i - 1) * sizeof(*target->referrers));
            target->nrefs--;
            return;
        }
    }
}

MemoryRegion *mr_new_alias(const char *name, MemoryRegion *target,
                           uint64_t offset, uint64_t size)
{
    if (!target)
        mem_bug("alias '%s' without a target", name);
    MemoryRegion *mr = mr_alloc(name, MR_ALIAS, size);
    mr->target = target;
    mr->alias_offset = offset;
    add_referrer(target, mr);
    return mr;
}

/* ---- the ram_addr space ------------------------------------------------- */

static uint64_t ram_granule(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    uint64_t g = ps > 0 ? (uint64_t)ps : 4096;
    return MAX(g, TARGET_PAGE_SIZE);
}

static RamTable *ram_table_new(size_t n)
{
    RamTable *t = xmalloc(sizeof(*t) + n * sizeof(t->b[0]));
    t->n = n;
    return t;
}

/* The block holding ram_addr addr, or NULL. */
static MemoryRegion *ram_find(ram_addr_t addr)
{
    RamTable *t = atomic_load_explicit(&ram_table, memory_order_acquire);
    if (!t)
        return NULL;
    size_t lo = 0, hi = t->n;
    while (lo < hi) {   /* first block whose base is above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (t->b[mid]->ram_base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    MemoryRegion *mr = t->b[lo - 1];
    return addr - mr->ram_base < mr->size ? mr : NULL;
}

/* Gives mr a range in the ram_addr space: first fit, so ranges freed by
 * mem_reclaim_retired() are reused and the space stays compact. */
static void ram_insert(MemoryRegion *mr)
{
    RamTable *old = atomic_load_explicit(&ram_table, memory_order_relaxed);
    size_t n = old ? old->n : 0;
    uint64_t g = ram_granule();
    ram_addr_t cand = 0;
    size_t at = 0;
    for (; at < n; at++) {
        MemoryRegion *b = old->b[at];
        if (cand + mr->ram_span <= b->ram_base)
            break;
        cand = ALIGN_UP(b->ram_base + b->ram_span, g);
    }
    mr->ram_base = cand;
    RamTable *t = ram_table_new(n + 1);
    for (size_t i = 0; i < at; i++)
        t->b[i] = old->b[i];
    t->b[at] = mr;
    for (size_t i = at; i < n; i++)
        t->b[i + 1] = old->b[i];
    atomic_store_explicit(&ram_table, t, memory_order_release);
    if (old)
        retire(old, free);
}

/* Only called from mem_reclaim_retired(): no reader holds the old table. */
static void ram_remove(MemoryRegion *mr)
{
    RamTable *old = atomic_load_explicit(&ram_table, memory_order_relaxed);
    if (!old)
        return;
    RamTable *t = ram_table_new(old->n);
    size_t j = 0;
    for (size_t i = 0; i < old->n; i++)
        if (old->b[i] != mr)
            t->b[j++] = old->b[i];
    t->n = j;
    atomic_store_explicit(&ram_table, t, memory_order_release);
    free(old);
}

static MemoryRegion *mr_new_ramlike(const char *name, uint64_t size,
                                    MemoryRegionKind kind, Error **errp)
{
    uint64_t g = ram_granule();
    if (size == 0) {
        error_setg(errp, "memory region '%s': size must not be zero", name);
        return NULL;
    }
    if (size > (uint64_t)SIZE_MAX - g || size > UINT64_MAX / 2) {
        error_setg(errp, "memory region '%s': size %" PRIu64
                   " is too large for this host", name, size);
        return NULL;
    }
    size_t len = ALIGN_UP((size_t)size, (size_t)g);
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_NORESERVE
    /* Guest RAM is mostly untouched: reserve address space, not swap. */
    flags |= MAP_NORESERVE;
#endif
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot allocate %" PRIu64
                         " bytes of guest memory for '%s'", size, name);
        return NULL;
    }
    MemoryRegion *mr = mr_alloc(name, kind, size);
    mr->host = p;
    mr->map_len = len;
    mr->ram_span = len;
    uint64_t pages = (size + TARGET_PAGE_SIZE - 1) >> TARGET_PAGE_BITS;
    mr->code_bits = xcalloc((pages + 63) / 64, sizeof(*mr->code_bits));
    ram_insert(mr);
    return mr;
}

MemoryRegion *mr_new_ram(const char *name, uint64_t size, Error **errp)
{
    return mr_new_ramlike(name, size, MR_RAM, errp);
}

MemoryRegion *mr_new_rom(const char *name, uint64_t size, Error **errp)
{
    return mr_new_ramlike(name, size, MR_ROM, errp);
}

MemoryRegion *mr_new_romd(const char *name, uint64_t size, const MemOps *ops, void *opaque,
                          Error **errp)
{
    MemoryRegion *mr = mr_new_ramlike(name, size, MR_ROM, errp);
    if (!mr)
        return NULL;
    mr_set_ops(mr, ops, opaque);
    mr->romd = true;
    return mr;
}

static void mr_destroy(void *p)
{
    MemoryRegion *mr = p;
    if (mr_is_ramlike(mr)) {
        ram_remove(mr);
        size_t cnt = atomic_load_explicit(&mr->code_count, memory_order_relaxed);
        atomic_fetch_sub(&code_pages_total, cnt);
        munmap(mr->host, mr->map_len);
        free(mr->code_bits);
    }
    free(mr->subs);
    free(mr->referrers);
    free(mr->name);
    free(mr);
}

void mr_free(MemoryRegion *mr)
{
    if (!mr)
        return;
    if (mr->parent)
        mem_bug("mr_free('%s'): still mapped in '%s'", mr->name,
                mr->parent->name);
    if (mr->spaces)
        mem_bug("mr_free('%s'): root of address space '%s'", mr->name,
                mr->spaces->name);
    if (mr->nrefs)
        mem_bug("mr_free('%s'): target of alias '%s'", mr->name,
                mr->referrers[0]->name);
    /* Children stay alive (their owners free them); they are merely
     * unmapped, and nothing sees them since this container was unmapped. */
    for (size_t i = 0; i < mr->nsubs; i++)
        mr->subs[i]->parent = NULL;
    mr->nsubs = 0;
    if (mr->kind == MR_ALIAS)
        del_referrer(mr->target, mr);
    /* Flat ranges name only leaf regions, and a reader may hold one of an
     * old view until the next reclaim; containers and aliases go now. */
    if (mr->kind == MR_CONTAINER || mr->kind == MR_ALIAS)
        mr_destroy(mr);
    else
        retire(mr, mr_destroy);
}

const char *mr_name(const MemoryRegion *mr) { return mr->name; }
uint64_t mr_size(const MemoryRegion *mr) { return mr->size; }
MemoryRegionKind mr_kind(const MemoryRegion *mr) { return mr->kind; }
void *mr_opaque(const MemoryRegion *mr) { return mr->opaque; }
const MemOps *mr_ops(const MemoryRegion *mr) { return mr->ops; }

uint8_t *mr_ram_ptr(const MemoryRegion *mr)
{
    return mr_is_ramlike(mr) ? mr->host : NULL;
}

ram_addr_t mr_ram_addr(const MemoryRegion *mr)
{
    return mr_is_ramlike(mr) ? mr->ram_base : RAM_ADDR_INVALID;
}

/* ---- flat views --------------------------------------------------------- */

typedef struct Builder {
    FlatRange *r;
    size_t n, cap;
} Builder;

static void builder_insert(Builder *b, size_t at, hwaddr start, uint64_t size,
                           MemoryRegion *mr, uint64_t off)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->r = xrealloc(b->r, b->cap * sizeof(*b->r));
    }
    memmove(&b->r[at + 1], &b->r[at], (b->n - at) * sizeof(*b->r));
    b->n++;
    FlatRange *fr = &b->r[at];
    memset(fr, 0, sizeof(*fr));
    fr->start = start;
    fr->size = size;
    fr->mr = mr;
    fr->offset = off;
    /* A ROM device out of its read mode is device memory for reads too. */
    bool direct = mr_is_ramlike(mr) && (!mr->ops || mr->romd);
    fr->host = direct ? mr->host + off : NULL;
    fr->ram = direct ? mr->ram_base + off : RAM_ADDR_INVALID;
    fr->readonly = mr->kind == MR_ROM;
}

/* Inserts [lo, hi] (inclusive) at index at; returns how many ranges that took. */
static size_t builder_piece(Builder *b, size_t at, hwaddr lo, hwaddr hi,
                            MemoryRegion *mr, uint64_t off)
{
    if (lo == 0 && hi == UINT64_MAX) {
        /* 2^64 bytes do not fit FlatRange.size: two halves. */
        builder_insert(b, at, 0, 1ULL << 63, mr, off);
        builder_insert(b, at + 1, 1ULL << 63, 1ULL << 63, mr, off + (1ULL << 63));
        return 2;
    }
    builder_insert(b, at, lo, hi - lo + 1, mr, off);
    return 1;
}

static inline hwaddr fr_last(const FlatRange *r)
{
    return r->start + (r->size - 1);
}

/* Maps mr at guest [lo, hi] (its offset off at lo) wherever nothing is yet:
 * everything already there was rendered first because it wins. */
static void builder_cover(Builder *b, hwaddr lo, hwaddr hi, MemoryRegion *mr,
                          uint64_t off)
{
    size_t i = 0, j = b->n;
    while (i < j) {     /* first range that ends at or after lo */
        size_t mid = i + (j - i) / 2;
        if (fr_last(&b->r[mid]) < lo)
            i = mid + 1;
        else
            j = mid;
    }
    hwaddr cur = lo;
    for (;;) {
        if (i < b->n && b->r[i].start <= hi) {
            if (b->r[i].start > cur)
                i += builder_piece(b, i, cur, b->r[i].start - 1, mr,
                                   off + (cur - lo));
            hwaddr last = fr_last(&b->r[i]);
            if (last >= hi)
                return;
            cur = last + 1;
            i++;
        } else {
            builder_piece(b, i, cur, hi, mr, off + (cur - lo));
            return;
        }
    }
}

/* Renders offsets [lo, hi] of mr (already clipped to it), offset lo
 * appearing at guest address g. */
static void render(Builder *b, MemoryRegion *mr, uint64_t lo, uint64_t hi,
                   hwaddr g)
{
    if (!mr->enabled || mr->size == 0)
        return;
    switch (mr->kind) {
    case MR_RAM:
    case MR_ROM:
    case MR_MMIO:
        builder_cover(b, g, g + (hi - lo), mr, lo);
        return;
    case MR_ALIAS: {
        MemoryRegion *t = mr->target;
        if (t->size == 0)
            return;
        uint64_t tlast = mr_last(t);
        if (mr->alias_offset > tlast || lo > tlast - mr->alias_offset)
            return;     /* window starts beyond the target */
        uint64_t tlo = lo + mr->alias_offset;
        uint64_t thi = hi > tlast - mr->alias_offset ? tlast
                                                     : hi + mr->alias_offset;
        render(b, t, tlo, thi, g);
        return;
    }
    case MR_CONTAINER:
        for (size_t k = 0; k < mr->nsubs; k++) {
            MemoryRegion *c = mr->subs[k];
            if (!c->enabled || c->size == 0)
                continue;
            uint64_t clast = mr_last(c);
            uint64_t cend = c->addr > UINT64_MAX - clast ? UINT64_MAX
                                                         : c->addr + clast;
            uint64_t a = MAX(lo, c->addr), z = MIN(hi, cend);
            if (a > z)
                continue;
            render(b, c, a - c->addr, z - c->addr, g + (a - lo));
        }
        return;
    }
}

static FlatView *flatview_build(MemoryRegion *root)
{
    Builder b = {0};
    if (root->enabled && root->size)
        render(&b, root, 0, mr_last(root), 0);
    /* Merge neighbours that continue the same region: RAM split by a
     * BAR that moved away again becomes one range (one TLB-fill lookup). */
    size_t n = 0;
    for (size_t i = 0; i < b.n; i++) {
        FlatRange *p = n ? &b.r[n - 1] : NULL;
        FlatRange *c = &b.r[i];
        if (p && p->mr == c->mr && p->start + p->size == c->start &&
            p->offset + p->size == c->offset && c->size <= UINT64_MAX - p->size) {
            p->size += c->size;
            continue;
        }
        b.r[n++] = *c;
    }
    FlatView *fv = xmalloc(sizeof(*fv) + n * sizeof(FlatRange));
    fv->n = n;
    if (n)
        memcpy(fv->r, b.r, n * sizeof(FlatRange));
    free(b.r);
    return fv;
}

static bool flatview_equal(const FlatView *a, const FlatView *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const FlatRange *x = &a->r[i], *y = &b->r[i];
        if (x->start != y->start || x->size != y->size || x->mr != y->mr ||
            x->offset != y->offset || x->host != y->host || x->ram != y->ram ||
            x->readonly != y->readonly)
            return false;
    }
    return true;
}

static inline FlatView *as_view(AddressSpace *as)
{
    return atomic_load_explicit(&as->view, memory_order_acquire);
}

static void run_listeners(AddressSpace *as)
{
    as->notifying++;
    for (size_t i = 0; i < as->nlisteners; i++)
        if (as->listeners[i].fn)
            as->listeners[i].fn(as->listeners[i].opaque, as);
    if (--as->notifying == 0) {
        size_t n = 0;
        for (size_t i = 0; i < as->nlisteners; i++)
            if (as->listeners[i].fn)
                as->listeners[n++] = as->listeners[i];
        as->nlisteners = n;
    }
}

static void as_rebuild(AddressSpace *as)
{
    FlatView *nv = flatview_build(as->root);
    FlatView *old = as_view(as);
    if (old && flatview_equal(old, nv)) {
        free(nv);   /* nothing a reader could see changed: spare the TLB flush */
        return;
    }
    atomic_store_explicit(&as->view, nv, memory_order_release);
    atomic_fetch_add_explicit(&as->generation, 1, memory_order_release);
    if (old)
        retire(old, free);
    run_listeners(as);
}

typedef struct AsList {
    AddressSpace **v;
    size_t n, cap;
} AsList;

static void collect_spaces(MemoryRegion *mr, AsList *l)
{
    for (; mr; mr = mr->parent) {
        for (AddressSpace *as = mr->spaces; as; as = as->next_on_root) {
            if (as->queued)
                continue;
            as->queued = true;
            if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 4;
                l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
            }
            l->v[l->n++] = as;
        }
        for (size_t i = 0; i < mr->nrefs; i++)
            collect_spaces(mr->referrers[i], l);
    }
}

/* mr's subtree changed: rebuild every address space that can see it. */
static void mem_changed(MemoryRegion *mr)
{
    AsList l = {0};
    collect_spaces(mr, &l);
    for (size_t i = 0; i < l.n; i++)
        l.v[i]->queued = false;
    for (size_t i = 0; i < l.n; i++)
        as_rebuild(l.v[i]);
    free(l.v);
}

/* True if `needle` is mr or reachable below it (children, alias targets). */
static bool subtree_contains(const MemoryRegion *mr, const MemoryRegion *needle)
{
    if (mr == needle)
        return true;
    if (mr->kind == MR_ALIAS)
        return subtree_contains(mr->target, needle);
    for (size_t i = 0; i < mr->nsubs; i++)
        if (subtree_contains(mr->subs[i], needle))
            return true;
    return false;
}

/* Keeps subs ordered as rendering wants: higher priority first, then the
 * most recently added first. */
static void subs_insert(MemoryRegion *parent, MemoryRegion *child)
{
    child->seq = parent->next_seq++;
    if (parent->nsubs == parent->subs_cap) {
        parent->subs_cap = parent->subs_cap ? 2 * parent->subs_cap : 8;
        parent->subs = xrealloc(parent->subs,
                                parent->subs_cap * sizeof(*parent->subs));
    }
    size_t at = 0;
    while (at < parent->nsubs && parent->subs[at]->priority > child->priority)
        at++;
    memmove(&parent->subs[at + 1], &parent->subs[at],
            (parent->nsubs - at) * sizeof(*parent->subs));
    parent->subs[at] = child;
    parent->nsubs++;
}

static void subs_remove(MemoryRegion *parent, MemoryRegion *child)
{
    for (size_t i = 0; i < parent->nsubs; i++) {
        if (parent->subs[i] == child) {
            memmove(&parent->subs[i], &parent->subs[i + 1],
                    (parent->nsubs - i - 1) * sizeof(*parent->subs));
            parent->nsubs--;
            return;
        }
    }
}

void mr_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *child,
                      int priority)
{
    if (parent->kind != MR_CONTAINER)
        mem_bug("'%s' is not a container (adding '%s')", parent->name,
                child->name);
    if (child->parent)
        mem_bug("'%s' is already mapped in '%s'", child->name,
                child->parent->name);
    if (subtree_contains(child, parent))
        mem_bug("adding '%s' to '%s' would make a cycle", child->name,
                parent->name);
    child->parent = parent;
    child->addr = offset;
    child->priority = priority;
    subs_insert(parent, child);
    mem_changed(parent);
}

void mr_del_subregion(MemoryRegion *parent, MemoryRegion *child)
{
    if (child->parent != parent)
        mem_bug("'%s' is not a subregion of '%s'", child->name, parent->name);
    subs_remove(parent, child);
    child->parent = NULL;
    mem_changed(parent);
}

void mr_set_address(MemoryRegion *child, hwaddr offset)
{
    MemoryRegion *parent = child->parent;
    if (!parent) {
        child->addr = offset;
        return;
    }
    if (offset == child->addr)
        return;
    /* A move counts as a fresh add, so a BAR moved onto RAM of equal
     * priority covers it. */
    subs_remove(parent, child);
    child->addr = offset;
    subs_insert(parent, child);
    mem_changed(parent);
}

void mr_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled)
        return;
    mr->enabled = enabled;
    mem_changed(mr);
}

void mr_set_romd(MemoryRegion *mr, bool romd)
{
    if (mr->kind != MR_ROM || !mr->ops)
        mem_bug("mr_set_romd('%s'): not a ROM device", mr->name);
    if (mr->romd == romd)
        return;
    mr->romd = romd;
    mem_changed(mr);
}

/* ---- address spaces ----------------------------------------------------- */

AddressSpace *as_new(const char *name, MemoryRegion *root)
{
    AddressSpace *as = xzalloc(sizeof(*as));
    as->name = xstrdup(name);
    as->root = root;
    as->next_on_root = root->spaces;
    root->spaces = as;
    atomic_init(&as->view, flatview_build(root));
    return as;
}

void as_free(AddressSpace *as)
{
    if (!as)
        return;
    for (AddressSpace **pp = &as->root->spaces; *pp; pp = &(*pp)->next_on_root) {
        if (*pp == as) {
            *pp = as->next_on_root;
            break;
        }
    }
    retire(as_view(as), free);
    free(as->listeners);
    free(as->name);
    free(as);
}

uint64_t as_generation(AddressSpace *as)
{
    return atomic_load_explicit(&as->generation, memory_order_acquire);
}

const char *as_name(const AddressSpace *as) { return as->name; }
MemoryRegion *as_root(const AddressSpace *as) { return as->root; }

/* Per thread, so concurrent readers never share it; it is only a hint,
 * validated against whichever view the caller loaded. */
static _Thread_local size_t lookup_hint;

/* Index of the range holding addr, or SIZE_MAX; *next (if given) gets the
 * index of the first range starting above addr. */
static inline size_t fv_find(const FlatView *fv, hwaddr addr, size_t *next)
{
    size_t h = lookup_hint;
    if (h < fv->n && addr - fv->r[h].start < fv->r[h].size) {
        if (next)
            next[0] = h + 1;
        return h;
    }
    size_t lo = 0, hi = fv->n;
    while (lo < hi) {   /* first range starting above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (fv->r[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (next)
        *next = lo;
    if (lo && addr - fv->r[lo - 1].start < fv->r[lo - 1].size) {
        lookup_hint = lo - 1;
        return lo - 1;
    }
    return SIZE_MAX;
}

const FlatRange *as_lookup(AddressSpace *as, hwaddr addr)
{
    FlatView *fv = as_view(as);
    size_t i = fv_find(fv, addr, NULL);
    return i == SIZE_MAX ? NULL : &fv->r[i];
}

void as_add_listener(AddressSpace *as, AsListener *fn, void *opaque)
{
    if (as->nlisteners == as->listeners_cap) {
        as->listeners_cap = as->listeners_cap ? 2 * as->listeners_cap : 4;
        as->listeners = xrealloc(as->listeners,
                                 as->listeners_cap * sizeof(*as->listeners));
    }
    as->listeners[as->nlisteners++] = (ListenerEnt){fn, opaque};
}

void as_remove_listener(AddressSpace *as, AsListener *fn, void *opaque)
{
    for (size_t i = 0; i < as->nlisteners; i++) {
        if (as->listeners[i].fn == fn && as->listeners[i].opaque == opaque) {
            if (as->notifying) {
                as->listeners[i].fn = NULL;     /* compacted after the run */
            } else {
                memmove(&as->listeners[i], &as->listeners[i + 1],
                        (as->nlisteners - i - 1) * sizeof(*as->listeners));
                as->nlisteners--;
            }
            return;
        }
    }
}

/* ---- code-page tracking ------------------------------------------------- */

void mem_code_page_set(ram_addr_t addr, bool has_code)
{
    MemoryRegion *mr = ram_find(addr);
    if (!mr)
        return;
    uint64_t page = (addr - mr->ram_base) >> TARGET_PAGE_BITS;
    uint64_t bit = 1ULL << (page % 64);
    _Atomic uint64_t *w = &mr->code_bits[page / 64];
    if (has_code) {
        if (!(atomic_fetch_or(w, bit) & bit)) {
            atomic_fetch_add(&mr->code_count, 1);
            atomic_fetch_add(&code_pages_total, 1);
        }
    } else {
        if (atomic_fetch_and(w, ~bit) & bit) {
            atomic_fetch_sub(&mr->code_count, 1);
            atomic_fetch_sub(&code_pages_total, 1);
        }
    }
}

bool mem_code_page_test(ram_addr_t addr)
{
    MemoryRegion *mr = ram_find(addr);
    if (!mr)
        return false;
    uint64_t page = (addr - mr->ram_base) >> TARGET_PAGE_BITS;
    return atomic_load_explicit(&mr->code_bits[page / 64],
                                memory_order_relaxed) & (1ULL << (page % 64));
}

void mem_set_code_write_handler(CodeWriteHandler *fn)
{
    atomic_store(&code_write_handler, fn);
}

static bool page_bit(MemoryRegion *mr, uint64_t page)
{
    return atomic_load_explicit(&mr->code_bits[page / 64],
                                memory_order_relaxed) & (1ULL << (page % 64));
}

/* Calls the handler for each run of code pages in [start, last] of one
 * block, clipped to the written bytes. */
static void notify_block(MemoryRegion *mr, ram_addr_t start, ram_addr_t last,
                         CodeWriteHandler *fn)
{
    uint64_t p0 = (start - mr->ram_base) >> TARGET_PAGE_BITS;
    uint64_t p1 = (last - mr->ram_base) >> TARGET_PAGE_BITS;
    uint64_t p = p0;
    while (p <= p1) {
        uint64_t w = atomic_load_explicit(&mr->code_bits[p / 64],
                                          memory_order_relaxed) >> (p % 64);
        if (!w) {       /* skip the rest of an empty word */
            p = (p | 63) + 1;
            continue;
        }
        if (!(w & 1)) {
            p += (uint64_t)__builtin_ctzll(w);
            continue;
        }
        uint64_t q = p;
        while (q + 1 <= p1 && page_bit(mr, q + 1))
            q++;
        ram_addr_t a = mr->ram_base + (p << TARGET_PAGE_BITS);
        ram_addr_t z = mr->ram_base + (q << TARGET_PAGE_BITS) + TARGET_PAGE_SIZE - 1;
        a = MAX(a, start);
        z = MIN(z, last);
        fn(a, (size_t)(z - a + 1));
        p = q + 1;
    }
}

void mem_notify_code_write(ram_addr_t start, size_t len)
{
    /* Pairs with the atomic bit set on the translator side: either it sees
     * our bytes when it reads the code, or we see its bit. */
    atomic_thread_fence(memory_order_seq_cst);
    if (likely(atomic_load_explicit(&code_pages_total, memory_order_relaxed) == 0))
        return;
    CodeWriteHandler *fn = atomic_load(&code_write_handler);
    if (!fn || !len)
        return;
    ram_addr_t last = len - 1 > UINT64_MAX - start ? UINT64_MAX
                                                   : start + (len - 1);
    RamTable *t = atomic_load_explicit(&ram_table, memory_order_acquire);
    for (size_t i = 0; t && i < t->n; i++) {
        MemoryRegion *mr = t->b[i];
        ram_addr_t blast = mr->ram_base + (mr->size - 1);
        if (blast < start || mr->ram_base > last ||
            !atomic_load_explicit(&mr->code_count, memory_order_relaxed))
            continue;
        notify_block(mr, MAX(start, mr->ram_base), MIN(last, blast), fn);
    }
}

uint8_t *ram_host_ptr(ram_addr_t addr)
{
    MemoryRegion *mr = ram_find(addr);
    return mr ? mr->host + (addr - mr->ram_base) : NULL;
}

static __thread int requester_cpu = -1;

int mem_requester_cpu(void)
{
    return requester_cpu;
}

void mem_set_requester_cpu(int cpu_index)
{
    requester_cpu = cpu_index;
}

void mem_reclaim_retired(void)
{
    Retired *r = retired_list;
    retired_list = NULL;
    while (r) {
        Retired *next = r->next;
        r->free_fn(r->p);
        free(r);
        r = next;
    }
}

/* ---- MMIO dispatch and CPU-style accesses ------------------------------- */

static uint64_t dev_read(MemoryRegion *mr, uint64_t off, unsigned size)
{
    if (!mr->ops->read) {
        qlog(LOG_GUEST_ERROR, "%s: read of write-only device at offset 0x%"
             PRIx64 " size %u\n", mr->name, off, size);
        return 0;
    }
    return mr->ops->read(mr->opaque, off, size);
}

static void dev_write(MemoryRegion *mr, uint64_t off, uint64_t v, unsigned size)
{
    if (!mr->ops->write) {
        qlog(LOG_GUEST_ERROR, "%s: write to read-only device at offset 0x%"
             PRIx64 " size %u value 0x%" PRIx64 "\n", mr->name, off, size, v);
        return;
    }
    mr->ops->write(mr->opaque, off, v, size);
}

/* Moves len bytes between buf and the device at offset off in accesses the
 * device declared: each as large as alignment, length and max_size allow;
 * below min_size, widened to an aligned min_size access (read-modify-write
 * for stores). */
static void mmio_access(MemoryRegion *mr, uint64_t off, uint8_t *buf,
                        uint64_t len, bool is_write)
{
    unsigned mn = mr->min_size, mx = mr->max_size;
    while (len) {
        unsigned s = mx;
        while (s > 1 && ((off & (s - 1)) || s > len))
            s >>= 1;
        if (s >= mn) {
            if (is_write)
                dev_write(mr, off, ldn_le(buf, s), s);
            else
                stn_le(buf, dev_read(mr, off, s), s);
            off += s;
            buf += s;
            len -= s;
            continue;
        }
        uint64_t base = off & ~(uint64_t)(mn - 1);
        unsigned skip = (unsigned)(off - base);
        unsigned n = (unsigned)MIN((uint64_t)(mn - skip), len);
        uint8_t tmp[8];
        stn_le(tmp, dev_read(mr, base, mn), mn);
        if (is_write) {
            memcpy(tmp + skip, buf, n);
            dev_write(mr, base, ldn_le(tmp, mn), mn);
        } else {
            memcpy(buf, tmp + skip, n);
        }
        off += n;
        buf += n;
        len -= n;
    }
}

static inline void notify_ram_write(const FlatRange *r, uint64_t off, size_t n)
{
    mem_notify_code_write(r->ram + off, n);
}

/* The general access: any mix of RAM, ROM, MMIO and holes. */
static MemTxResult as_access(AddressSpace *as, hwaddr addr, uint8_t *buf,
                             uint64_t len, bool is_write)
{
    MemTxResult res = MEMTX_OK;
    while (len) {
        /* Reloaded per piece: an MMIO write may have changed the map. */
        FlatView *fv = as_view(as);
        size_t next;
        size_t i = fv_find(fv, addr, &next);
        uint64_t n;
        if (i != SIZE_MAX) {
            const FlatRange *r = &fv->r[i];
            uint64_t off = addr - r->start;
            n = MIN(len, r->size - off);
            if (r->host && !is_write) {
                memcpy(buf, r->host + off, n);
            } else if (r->host && !r->readonly) {
                memcpy(r->host + off, buf, n);
                notify_ram_write(r, off, n);
            } else if (r->host && r->mr->ops) {
                /* A ROM device: its writes are commands to the device. */
                mmio_access(r->mr, r->offset + off, buf, n, true);
            } else if (r->host) {
                /* Like a real bus: the write completes, the ROM keeps its
                 * contents. */
                qlog(LOG_GUEST_ERROR, "%s: write to ROM '%s' at 0x%" PRIx64
                     " (%" PRIu64 " bytes) ignored\n", as->name, r->mr->name,
                     addr, n);
            } else {
                mmio_access(r->mr, r->offset + off, buf, n, is_write);
            }
        } else {
            n = len;
            if (next < fv->n)
                n = MIN(n, fv->r[next].start - addr);
            if (!is_write)
                memset(buf, 0, n);
            qlog(LOG_GUEST_ERROR, "%s: %s of %" PRIu64 " bytes at 0x%" PRIx64
                 ": nothing mapped\n", as->name, is_write ? "write" : "read",
                 n, addr);
            res = MEMTX_DECODE_ERROR;
        }
        len -= n;
        buf += n;
        if (len && addr + n < addr) {
            /* Beyond the top of the 64-bit space: nothing can be mapped. */
            if (!is_write)
                memset(buf, 0, len);
            qlog(LOG_GUEST_ERROR, "%s: access wraps past 0x%" PRIx64 "\n",
                 as->name, UINT64_MAX);
            return MEMTX_DECODE_ERROR;
        }
        addr += n;
    }
    return res;
}

MemTxResult as_read_uint(AddressSpace *as, hwaddr addr, unsigned size,
                         uint64_t *value)
{
    if (size == 0 || size > 8)
        mem_bug("as_read_uint: bad size %u", size);
    const FlatRange *r = as_lookup(as, addr);
    if (likely(r && r->host)) {
        uint64_t off = addr - r->start;
        if (likely(size <= r->size - off)) {
            *value = ldn_le(r->host + off, size);
            return MEMTX_OK;
        }
    }
    uint8_t b[8];
    MemTxResult res = as_access(as, addr, b, size, false);
    *value = ldn_le(b, size);
    return res;
}

MemTxResult as_write_uint(AddressSpace *as, hwaddr addr, unsigned size,
                          uint64_t value)
{
    if (size == 0 || size > 8)
        mem_bug("as_write_uint: bad size %u", size);
    const FlatRange *r = as_lookup(as, addr);
    if (likely(r && r->host && !r->readonly)) {
        uint64_t off = addr - r->start;
        if (likely(size <= r->size - off)) {
            stn_le(r->host + off, value, size);
            notify_ram_write(r, off, size);
            return MEMTX_OK;
        }
    }
    uint8_t b[8];
    stn_le(b, value, size);
    return as_access(as, addr, b, size, true);
}

MemTxResult as_rw(AddressSpace *as, hwaddr addr, void *buf, size_t len,
                  bool is_write)
{
    return as_access(as, addr, buf, len, is_write);
}

/* ---- DMA ---------------------------------------------------------------- */

/* Index of the first range of [addr, addr+len) if the whole range is RAM
 * (writable RAM when is_write) in adjacent ranges of fv, else SIZE_MAX. */
static size_t dma_check(const FlatView *fv, hwaddr addr, uint64_t len,
                        bool is_write)
{
    if (len - 1 > UINT64_MAX - addr)
        return SIZE_MAX;
    size_t i = fv_find(fv, addr, NULL);
    if (i == SIZE_MAX)
        return SIZE_MAX;
    const FlatRange *r = &fv->r[i];
    uint64_t have = r->size - (addr - r->start);
    for (size_t j = i;; ) {
        if (!r->host || (is_write && r->readonly))
            return SIZE_MAX;
        if (have >= len)
            return i;
        if (++j >= fv->n)
            return SIZE_MAX;
        const FlatRange *nr = &fv->r[j];
        if (nr->start != r->start + r->size)
            return SIZE_MAX;    /* a hole between them */
        r = nr;
        have = r->size > UINT64_MAX - have ? UINT64_MAX : have + r->size;
    }
}

int dma_read(AddressSpace *as, hwaddr addr, void *buf, size_t len)
{
    if (!len)
        return 0;
    FlatView *fv = as_view(as);
    size_t i = dma_check(fv, addr, len, false);
    if (i == SIZE_MAX)
        return -1;
    uint8_t *out = buf;
    for (const FlatRange *r = &fv->r[i]; len; r++) {
        uint64_t off = addr - r->start;
        size_t n = (size_t)MIN((uint64_t)len, r->size - off);
        memcpy(out, r->host + off, n);
        out += n;
        addr += n;
        len -= n;
    }
    return 0;
}

int dma_write(AddressSpace *as, hwaddr addr, const void *buf, size_t len)
{
    if (!len)
        return 0;
    FlatView *fv = as_view(as);
    size_t i = dma_check(fv, addr, len, true);
    if (i == SIZE_MAX)
        return -1;
    const uint8_t *in = buf;
    for (const FlatRange *r = &fv->r[i]; len; r++) {
        uint64_t off = addr - r->start;
        size_t n = (size_t)MIN((uint64_t)len, r->size - off);
        memcpy(r->host + off, in, n);
        notify_ram_write(r, off, n);
        in += n;
        addr += n;
        len -= n;
    }
    return 0;
}

void *dma_map(AddressSpace *as, hwaddr addr, size_t len, bool is_write)
{
    FlatView *fv = as_view(as);
    size_t i = fv_find(fv, addr, NULL);
    if (i == SIZE_MAX)
        return NULL;
    const FlatRange *r = &fv->r[i];
    uint64_t off = addr - r->start;
    if (!r->host || (is_write && r->readonly) || len > r->size - off)
        return NULL;
    return r->host + off;
}

void dma_unmap(AddressSpace *as, void *host, size_t len, bool is_write)
{
    if (!is_write || !len)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    if (likely(atomic_load_explicit(&code_pages_total, memory_order_relaxed) == 0))
        return;
    RamTable *t = atomic_load_explicit(&ram_table, memory_order_acquire);
    uintptr_t p = (uintptr_t)host;
    for (size_t i = 0; t && i < t->n; i++) {
        MemoryRegion *mr = t->b[i];
        uintptr_t h = (uintptr_t)mr->host;
        if (p >= h && p - h < mr->size) {
            mem_notify_code_write(mr->ram_base + (p - h), len);
            return;
        }
    }
}

/* ---- info mtree --------------------------------------------------------- */

static const char *kind_name(const MemoryRegion *mr)
{
    switch (mr->kind) {
    case MR_CONTAINER: return "container";
    case MR_RAM: return "ram";
    case MR_ROM: return "rom";
    case MR_MMIO: return "i/o";
    case MR_ALIAS: return "alias";
    }
    return "?";
}

typedef struct MrList {
    const MemoryRegion **v;
    size_t n, cap;
} MrList;

static void mrlist_add_once(MrList *l, const MemoryRegion *mr)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == mr)
            return;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = mr;
}

static int cmp_by_addr(const void *a, const void *b)
{
    const MemoryRegion *x = *(const MemoryRegion *const *)a;
    const MemoryRegion *y = *(const MemoryRegion *const *)b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

static void print_mr(FILE *out, const MemoryRegion *mr, hwaddr base,
                     int priority, int depth, MrList *targets)
{
    hwaddr last = base + mr_last(mr);
    fprintf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ",
            2 * depth, "", base, last, priority, kind_name(mr));
    if (mr->kind == MR_ALIAS) {
        const MemoryRegion *t = mr->target;
        fprintf(out, "%s @%s %016" PRIx64 "-%016" PRIx64, mr->name, t->name,
                mr->alias_offset, mr->alias_offset + mr_last(mr));
        mrlist_add_once(targets, t);
    } else {
        fprintf(out, "%s", mr->name);
    }
    fprintf(out, "%s\n", mr->enabled ? "" : " [disabled]");
    if (!mr->nsubs)
        return;
    const MemoryRegion **s = xmalloc(mr->nsubs * sizeof(*s));
    memcpy(s, mr->subs, mr->nsubs * sizeof(*s));
    qsort(s, mr->nsubs, sizeof(*s), cmp_by_addr);
    for (size_t i = 0; i < mr->nsubs; i++)
        print_mr(out, s[i], base + s[i]->addr, s[i]->priority, depth + 1,
                 targets);
    free(s);
}

void as_print_tree(AddressSpace *as, FILE *out)
{
    MrList targets = {0};
    fprintf(out, "address-space: %s\n", as->name);
    print_mr(out, as->root, 0, 0, 1, &targets);
    /* Alias targets get their own section, as their addresses are relative
     * to the target, not to where the alias maps them. */
    for (size_t i = 0; i < targets.n; i++) {
        fprintf(out, "\nmemory-region: %s\n", targets.v[i]->name);
        print_mr(out, targets.v[i], 0, 0, 1, &targets);
    }
    free(targets.v);
}

void as_print_flat(AddressSpace *as, FILE *out)
{
    FlatView *fv = as_view(as);
    fprintf(out, "FlatView of address-space: %s (root: %s)\n", as->name,
            as->root->name);
    if (!fv->n)
        fprintf(out, "  (nothing mapped)\n");
    for (size_t i = 0; i < fv->n; i++) {
        const FlatRange *r = &fv->r[i];
        fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " (%s): %s", r->start,
                fr_last(r), kind_name(r->mr), r->mr->name);
        if (r->offset)
            fprintf(out, " @%016" PRIx64, r->offset);
        fprintf(out, "\n");
    }
}
