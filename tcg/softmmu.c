/*
 * softmmu.c — guest virtual memory for translated code: the per-CPU,
 * per-MMU-index TLB (tcg/tlb.h: fixed size, direct mapped, plus a few
 * victim entries), the slow path behind the inline fast path (refill
 * through the target's tlb_fill, RAM/ROM/MMIO dispatch, alignment faults,
 * page-crossing accesses split in two, writes to pages holding translated
 * code), flushes (all / by MMU index / by page, large pages tracked as one
 * range per MMU index), and flushes requested by other threads or by
 * memory topology changes (queued as work on the CPU).
 */
#include "core/loop.h"

#include "tcg/softmmu.h"

#include "core/log.h"
#include "tcg/ldst.h"
#include "tcg/stats.h"
#include "tcg/tb.h"

/* Set on the thread that runs the CPUs (cpu-exec.c). */
extern __thread bool tcg_vcpu_thread;

static CPUTLBEntry *entry_of(CPUState *cpu, int mmu, uint64_t addr)
{
    return &cpu->tlb_table[mmu][(addr >> TARGET_PAGE_BITS) & (TLB_SIZE - 1)];
}

static CPUTLBEntryFull *full_of(CPUState *cpu, int mmu, uint64_t addr)
{
    return &cpu->tlb_full[mmu][(addr >> TARGET_PAGE_BITS) & (TLB_SIZE - 1)];
}

static uint64_t entry_field(const CPUTLBEntry *e, MMUAccessType type)
{
    return type == MMU_DATA_LOAD ? e->addr_read : type == MMU_DATA_STORE ? e->addr_write : e->addr_code;
}

static bool entry_matches(const CPUTLBEntry *e, MMUAccessType type, uint64_t page)
{
    return (entry_field(e, type) & (TARGET_PAGE_MASK | TLB_INVALID)) == page;
}

static bool entry_maps_page(const CPUTLBEntry *e, uint64_t page)
{
    return entry_matches(e, MMU_DATA_LOAD, page) || entry_matches(e, MMU_DATA_STORE, page) ||
           entry_matches(e, MMU_INST_FETCH, page);
}

static void check_mmu(CPUState *cpu, int mmu)
{
    if (mmu < 0 || mmu >= TCG_MAX_MMU_MODES || (unsigned)mmu >= cpu->hooks->nb_mmu_modes) {
        fprintf(stderr, "ferry: softmmu: MMU index %d out of range\n", mmu);
        abort();
    }
}

/* ---- set-up and flushes ---------------------------------------------------- */

static void flush_one(CPUState *cpu, int mmu)
{
    CPUTLBDesc *d = &cpu->tlb_desc[mmu];
    if (!d->used)
        return;
    memset(cpu->tlb_table[mmu], 0xff, sizeof(cpu->tlb_table[mmu]));
    memset(d->victim, 0xff, sizeof(d->victim));
    d->large_page_addr = 0;
    d->large_page_mask = 0;
    d->used = false;
}

void tlb_init(CPUState *cpu)
{
    memset(cpu->tlb_table, 0xff, sizeof(cpu->tlb_table));
    for (int i = 0; i < TCG_MAX_MMU_MODES; i++) {
        memset(cpu->tlb_desc[i].victim, 0xff, sizeof(cpu->tlb_desc[i].victim));
        cpu->tlb_desc[i].used = false;
        cpu->tlb_desc[i].large_page_mask = 0;
    }
}

void tlb_flush_local(CPUState *cpu)
{
    for (int i = 0; i < TCG_MAX_MMU_MODES; i++)
        flush_one(cpu, i);
    tb_jmp_cache_clear(cpu);
}

typedef struct FlushReq {
    uint64_t vaddr;       /* UINT64_MAX: not a page flush */
    uint32_t idxmap;
} FlushReq;

static void flush_work(CPUState *cpu, void *data)
{
    FlushReq *r = data;
    if (r->vaddr == UINT64_MAX)
        tlb_flush_by_mmuidx(cpu, r->idxmap);
    else
        tlb_flush_page_by_mmuidx(cpu, r->vaddr, r->idxmap);
    free(r);
}

/* From another thread the CPU may be running: queue the flush on it. */
static bool flush_elsewhere(CPUState *cpu, uint64_t vaddr, uint32_t idxmap)
{
    if (tcg_vcpu_thread)
        return false;
    FlushReq *r = xmalloc(sizeof(*r));
    r->vaddr = vaddr;
    r->idxmap = idxmap;
    async_run_on_cpu(cpu, flush_work, r);
    return true;
}

void tlb_flush_by_mmuidx(CPUState *cpu, uint32_t idxmap)
{
    if (flush_elsewhere(cpu, UINT64_MAX, idxmap))
        return;
    for (int i = 0; i < TCG_MAX_MMU_MODES; i++)
        if (idxmap & (1u << i))
            flush_one(cpu, i);
    /* the jump cache maps virtual pcs: the mappings may have changed */
    tb_jmp_cache_clear(cpu);
    tcg_stats.tlb_flushes++;
}

void tlb_flush(CPUState *cpu)
{
    tlb_flush_by_mmuidx(cpu, ~0u);
}

void tlb_flush_page_by_mmuidx(CPUState *cpu, uint64_t vaddr, uint32_t idxmap)
{
    if (flush_elsewhere(cpu, vaddr, idxmap))
        return;
    uint64_t page = vaddr & TARGET_PAGE_MASK;
    for (int mmu = 0; mmu < TCG_MAX_MMU_MODES; mmu++) {
        if (!(idxmap & (1u << mmu)))
            continue;
        CPUTLBDesc *d = &cpu->tlb_desc[mmu];
        if (!d->used)
            continue;
        if (d->large_page_mask && (page & d->large_page_mask) == d->large_page_addr) {
            /* the page may be part of a large mapping whose pieces sit in
             * other entries: everything goes */
            flush_one(cpu, mmu);
            continue;
        }
        CPUTLBEntry *e = entry_of(cpu, mmu, page);
        if (entry_maps_page(e, page))
            memset(e, 0xff, sizeof(*e));
        for (int v = 0; v < TLB_VICTIMS; v++)
            if (entry_maps_page(&d->victim[v], page))
                memset(&d->victim[v], 0xff, sizeof(d->victim[v]));
    }
    tb_jmp_cache_clear_page(cpu, page);
    tcg_stats.tlb_page_flushes++;
}

void tlb_flush_page(CPUState *cpu, uint64_t vaddr)
{
    tlb_flush_page_by_mmuidx(cpu, vaddr, ~0u);
}

void tlb_flush_all_cpus(void)
{
    CPU_FOREACH(c) {
        tlb_flush(c);
    }
}

void tlb_flush_page_all_cpus(uint64_t vaddr, uint32_t idxmap)
{
    CPU_FOREACH(c) {
        tlb_flush_page_by_mmuidx(c, vaddr, idxmap);
    }
}

void tlb_flush_by_mmuidx_all_cpus(uint32_t idxmap)
{
    CPU_FOREACH(c) {
        tlb_flush_by_mmuidx(c, idxmap);
    }
}

/* After a topology change, on the vCPU thread between blocks: no stale
 * host pointer survives in the TLB, so retired flat views can go. */
static void topology_work(CPUState *cpu, void *data)
{
    (void)data;
    tlb_flush_local(cpu);
    tcg_stats.tlb_flushes++;
    dev_lock();
    mem_reclaim_retired();
    dev_unlock();
}

/* Memory topology changed (device lock held, loop thread): host pointers
 * and MMIO decisions in the TLBs are stale. */
static void as_changed(void *opaque, AddressSpace *as)
{
    (void)as;
    async_run_on_cpu(opaque, topology_work, NULL);
}

void tlb_register_listener(CPUState *cpu)
{
    if (cpu->as)
        as_add_listener(cpu->as, as_changed, cpu);
}

void tlb_unregister_listener(CPUState *cpu)
{
    if (cpu->as)
        as_remove_listener(cpu->as, as_changed, cpu);
}

/* ---- filling ------------------------------------------------------------- */

void tlb_set_page(CPUState *cpu, uint64_t vaddr, const TLBFill *fill, int mmu)
{
    check_mmu(cpu, mmu);
    CPUTLBDesc *d = &cpu->tlb_desc[mmu];
    uint64_t page = vaddr & TARGET_PAGE_MASK;
    hwaddr phys = fill->phys & TARGET_PAGE_MASK;

    if (fill->lg_page_size > TARGET_PAGE_BITS) {
        uint64_t lmask = fill->lg_page_size >= 64 ? 0 : ~((1ull << fill->lg_page_size) - 1);
        uint64_t laddr = vaddr & lmask;
        if (!d->large_page_mask) {
            d->large_page_mask = lmask;
            d->large_page_addr = laddr;
        } else {
            uint64_t m = d->large_page_mask & lmask;
            while (m && ((d->large_page_addr ^ laddr) & m))
                m <<= 1;
            d->large_page_mask = m;
            d->large_page_addr = laddr & m;
        }
    }

    const FlatRange *fr = cpu->as ? as_lookup(cpu->as, phys) : NULL;
    bool ram = fr && fr->host && fr->start <= phys && phys + TARGET_PAGE_SIZE - 1 <= fr->start + (fr->size - 1);
    CPUTLBEntry *e = entry_of(cpu, mmu, page);
    CPUTLBEntryFull *f = full_of(cpu, mmu, page);

    /* keep the previous occupant as a victim */
    if (!entry_maps_page(e, page) &&
        (~e->addr_read & TLB_INVALID || ~e->addr_write & TLB_INVALID || ~e->addr_code & TLB_INVALID)) {
        unsigned v = d->vnext++ % TLB_VICTIMS;
        d->victim[v] = *e;
        d->victim_full[v] = *f;
    }

    uint64_t flags = ram ? 0 : TLB_MMIO;
    ram_addr_t ra = ram ? fr->ram + (phys - fr->start) : RAM_ADDR_INVALID;
    uint64_t wflags = flags;
    if (ram && fr->readonly)
        wflags |= TLB_FORCE_SLOW;
    if (ram && mem_code_page_test(ra))
        wflags |= TLB_NOTDIRTY;
    e->addr_read = (fill->prot & PAGE_READ) ? page | flags : ~0ull;
    e->addr_code = (fill->prot & PAGE_EXEC) ? page | flags : ~0ull;
    e->addr_write = (fill->prot & PAGE_WRITE) ? page | wflags : ~0ull;
    e->addend = ram ? (uintptr_t)(fr->host + (phys - fr->start)) - (uintptr_t)page : 0;
    f->phys = phys;
    f->ram = ra;
    d->used = true;
}

/* The entry for an access, refilled if needed; NULL if probe and it
 * faults. */
static CPUTLBEntry *tlb_lookup(CPUState *cpu, uint64_t addr, MMUAccessType type, int mmu,
                               bool probe, uintptr_t ra, CPUTLBEntryFull **fullp)
{
    check_mmu(cpu, mmu);
    uint64_t page = addr & TARGET_PAGE_MASK;
    CPUTLBEntry *e = entry_of(cpu, mmu, addr);
    CPUTLBEntryFull *f = full_of(cpu, mmu, addr);
    if (!entry_matches(e, type, page)) {
        CPUTLBDesc *d = &cpu->tlb_desc[mmu];
        int v;
        for (v = 0; v < TLB_VICTIMS; v++)
            if (entry_matches(&d->victim[v], type, page))
                break;
        if (v < TLB_VICTIMS) {
            CPUTLBEntry te = *e;
            CPUTLBEntryFull tf = *f;
            *e = d->victim[v];
            *f = d->victim_full[v];
            d->victim[v] = te;
            d->victim_full[v] = tf;
            tcg_stats.tlb_victim_hits++;
        } else {
            TLBFill fill;
            tcg_stats.tlb_fills++;
            if (!cpu->hooks->tlb_fill(cpu, addr, type, mmu, probe, ra, &fill))
                return NULL;
            tlb_set_page(cpu, addr, &fill, mmu);
            if (!entry_matches(e, type, page)) {
                if (probe)
                    return NULL;
                fprintf(stderr, "ferry: softmmu: tlb_fill for %#" PRIx64 " (access %d) succeeded "
                        "without granting the access\n", addr, type);
                abort();
            }
        }
    }
    *fullp = f;
    return e;
}

bool tlb_code_page(CPUState *cpu, uint64_t vaddr, int mmu, bool probe, const uint8_t **host,
                   ram_addr_t *ramp)
{
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = tlb_lookup(cpu, vaddr, MMU_INST_FETCH, mmu, probe, 0, &f);
    if (!e)
        return false;
    if (e->addr_code & TLB_MMIO) {
        /* Device memory (a flash bank out of read-array mode, MMIO, a
         * hole): no code to translate. The first instruction of a block
         * gets a bus error (the target's external abort on the fetch);
         * a later one ends the block before it. */
        if (probe)
            return false;
        qlog(LOG_GUEST_ERROR, "instruction fetch from device memory at %#" PRIx64
             " (physical %#" PRIx64 "): bus error\n", vaddr, (uint64_t)f->phys);
        if (cpu->hooks->transaction_failed)
            cpu->hooks->transaction_failed(cpu, f->phys, vaddr, MMU_INST_FETCH, mmu,
                                           MEMTX_DECODE_ERROR, 0);
        fprintf(stderr, "ferry: executing code from device memory (guest address %#" PRIx64
                ", physical %#" PRIx64 ") is not supported by this target\n", vaddr,
                (uint64_t)f->phys);
        abort();
    }
    uint64_t page = vaddr & TARGET_PAGE_MASK;
    *host = (const uint8_t *)(uintptr_t)(page + e->addend);
    *ramp = f->ram;
    return true;
}

void tlb_protect_code(ram_addr_t ram_page)
{
    CPU_FOREACH(cpu) {
        for (int mmu = 0; mmu < TCG_MAX_MMU_MODES; mmu++) {
            CPUTLBDesc *d = &cpu->tlb_desc[mmu];
            if (!d->used)
                continue;
            for (unsigned i = 0; i < TLB_SIZE; i++) {
                CPUTLBEntry *e = &cpu->tlb_table[mmu][i];
                if (!(e->addr_write & TLB_INVALID) && cpu->tlb_full[mmu][i].ram == ram_page)
                    e->addr_write |= TLB_NOTDIRTY;
            }
            for (int v = 0; v < TLB_VICTIMS; v++)
                if (!(d->victim[v].addr_write & TLB_INVALID) && d->victim_full[v].ram == ram_page)
                    d->victim[v].addr_write |= TLB_NOTDIRTY;
        }
    }
}

/* ---- device memory ----------------------------------------------------------- */

static uint64_t io_read(CPUState *cpu, CPUTLBEntryFull *f, uint64_t addr, unsigned size,
                        MMUAccessType type, int mmu, uintptr_t ra)
{
    hwaddr phys = f->phys | (addr & ~TARGET_PAGE_MASK);
    uint64_t v = 0;
    MemTxResult r;
    tcg_stats.mmio_accesses++;
    dev_lock();
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        r = as_read_uint(cpu->as, phys, size, &v);
    } else {   /* part of a split access */
        uint8_t b[8] = { 0 };
        r = as_rw(cpu->as, phys, b, size, false);
        memcpy(&v, b, size);
    }
    dev_unlock();
    if (r != MEMTX_OK && cpu->hooks->transaction_failed)
        cpu->hooks->transaction_failed(cpu, phys, addr, type, mmu, r, ra);
    return v;
}

static void io_write(CPUState *cpu, CPUTLBEntryFull *f, uint64_t addr, unsigned size, uint64_t v,
                     int mmu, uintptr_t ra)
{
    hwaddr phys = f->phys | (addr & ~TARGET_PAGE_MASK);
    MemTxResult r;
    tcg_stats.mmio_accesses++;
    dev_lock();
    uint64_t gen = as_generation(cpu->as);
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        r = as_write_uint(cpu->as, phys, size, v);
    } else {
        uint8_t b[8];
        memcpy(b, &v, 8);
        r = as_rw(cpu->as, phys, b, size, true);
    }
    /* The write changed the memory map (a flash bank left or entered ROM
     * mode, a BAR moved): this CPU's next access, maybe in this very
     * block, must see the new map, not wait for the queued flush. */
    if (as_generation(cpu->as) != gen)
        tlb_flush_local(cpu);
    dev_unlock();
    if (r != MEMTX_OK && cpu->hooks->transaction_failed)
        cpu->hooks->transaction_failed(cpu, phys, addr, MMU_DATA_STORE, mmu, r, ra);
}

/* ---- accesses within one page ------------------------------------------------ */

static uint64_t ld_page(CPUState *cpu, uint64_t addr, unsigned size, int mmu, uintptr_t ra)
{
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = tlb_lookup(cpu, addr, MMU_DATA_LOAD, mmu, false, ra, &f);
    if (e->addr_read & TLB_MMIO)
        return io_read(cpu, f, addr, size, MMU_DATA_LOAD, mmu, ra);
    uint64_t v = 0;
    memcpy(&v, (const void *)(uintptr_t)(addr + e->addend), size);
    return v;
}

/* Translate for a store (may fault) without performing it. */
static CPUTLBEntry *st_prepare(CPUState *cpu, uint64_t addr, int mmu, uintptr_t ra, CPUTLBEntryFull **f)
{
    return tlb_lookup(cpu, addr, MMU_DATA_STORE, mmu, false, ra, f);
}

static void st_page(CPUState *cpu, uint64_t addr, unsigned size, uint64_t v, int mmu, uintptr_t ra)
{
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = st_prepare(cpu, addr, mmu, ra, &f);
    uint64_t flags = e->addr_write & TLB_FLAGS_MASK;
    if (flags & TLB_MMIO) {
        io_write(cpu, f, addr, size, v, mmu, ra);
        return;
    }
    if (flags & TLB_FORCE_SLOW) {
        /* ROM: the memory layer ignores (and logs) the write, or hands it
         * to a ROM device (flash commands) */
        io_write(cpu, f, addr, size, v, mmu, ra);
        return;
    }
    if (flags & TLB_NOTDIRTY) {
        ram_addr_t r = f->ram + (addr & ~TARGET_PAGE_MASK);
        if (mem_code_page_test(r & TARGET_PAGE_MASK))
            tb_invalidate_by_cpu_write(cpu, r, size, ra);   /* may not return */
        /* the lookup above may have moved entries: find ours again */
        e = entry_of(cpu, mmu, addr);
        if (!mem_code_page_test(r & TARGET_PAGE_MASK) && entry_matches(e, MMU_DATA_STORE, addr & TARGET_PAGE_MASK))
            e->addr_write &= ~(uint64_t)TLB_NOTDIRTY;   /* no code left: fast again */
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &v, size);
}

/* ---- the slow path entry points ------------------------------------------------- */

static void check_align(CPUState *cpu, uint64_t addr, MemOp mop, MMUAccessType type, int mmu,
                        uintptr_t ra)
{
    unsigned align = memop_align(mop);
    if (!(addr & (align - 1)))
        return;
    if (!cpu->hooks->do_unaligned_access) {
        fprintf(stderr, "ferry: softmmu: aligned access required but the target has no "
                "do_unaligned_access hook\n");
        abort();
    }
    cpu->hooks->do_unaligned_access(cpu, addr, type, mmu, ra);
    fprintf(stderr, "ferry: softmmu: do_unaligned_access returned\n");
    abort();
}

static uint64_t bswap_size(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

static uint64_t do_ld(CPUState *cpu, uint64_t addr, MemOp mop, int mmu, uintptr_t ra)
{
    unsigned size = memop_size(mop);
    check_align(cpu, addr, mop, MMU_DATA_LOAD, mmu, ra);
    uint64_t v;
    unsigned in_page = (unsigned)(TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK));
    if (size > in_page) {
        tcg_stats.unaligned_splits++;
        uint64_t lo = ld_page(cpu, addr, in_page, mmu, ra);
        uint64_t hi = ld_page(cpu, addr + in_page, size - in_page, mmu, ra);
        v = lo | hi << (8 * in_page);
        if (size < 8)
            v &= (1ull << (8 * size)) - 1;
    } else {
        v = ld_page(cpu, addr, size, mmu, ra);
    }
    if (mop & MO_BSWAP)
        v = bswap_size(v, size);
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

static void do_st(CPUState *cpu, uint64_t addr, uint64_t v, MemOp mop, int mmu, uintptr_t ra)
{
    unsigned size = memop_size(mop);
    check_align(cpu, addr, mop, MMU_DATA_STORE, mmu, ra);
    if (mop & MO_BSWAP)
        v = bswap_size(v, size);
    unsigned in_page = (unsigned)(TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK));
    if (size > in_page) {
        tcg_stats.unaligned_splits++;
        /* both pages must be writable before either is written */
        CPUTLBEntryFull *f;
        st_prepare(cpu, addr, mmu, ra, &f);
        st_prepare(cpu, addr + in_page, mmu, ra, &f);
        st_page(cpu, addr, in_page, v, mmu, ra);
        st_page(cpu, addr + in_page, size - in_page, v >> (8 * in_page), mmu, ra);
        return;
    }
    st_page(cpu, addr, size, v, mmu, ra);
}

uint64_t tcg_helper_ld(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    tcg_stats.tlb_slow++;
    return do_ld(cpu, addr, get_memop(oi), (int)get_mmuidx(oi), ra);
}

void tcg_helper_st(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    tcg_stats.tlb_slow++;
    do_st(cpu, addr, val, get_memop(oi), (int)get_mmuidx(oi), ra);
}

uint64_t cpu_ld(CPUState *cpu, uint64_t addr, MemOp mop, int mmu_idx, uintptr_t ra)
{
    return do_ld(cpu, addr, mop, mmu_idx, ra);
}

void cpu_st(CPUState *cpu, uint64_t addr, uint64_t val, MemOp mop, int mmu_idx, uintptr_t ra)
{
    do_st(cpu, addr, val, mop, mmu_idx, ra);
}

void *probe_access(CPUState *cpu, uint64_t addr, unsigned size, MMUAccessType type, int mmu_idx,
                   bool nonfault, uintptr_t ra)
{
    if (size == 0 || (addr & ~TARGET_PAGE_MASK) + size > TARGET_PAGE_SIZE)
        return NULL;
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = tlb_lookup(cpu, addr, type, mmu_idx, nonfault, ra, &f);
    if (!e)
        return NULL;
    if (entry_field(e, type) & (TLB_MMIO | TLB_FORCE_SLOW | (type == MMU_DATA_STORE ? TLB_NOTDIRTY : 0)))
        return NULL;
    return (void *)(uintptr_t)(addr + e->addend);
}
