/*
 * temporary: removed at integration.
 *
 * Minimal stand-ins for core/log.c, core/loop.c and core/memory.c (written
 * in parallel on other branches) so the translator branch links and its
 * tests run. Only the symbols the translator and its tests use; behaviour
 * follows the headers, nothing more.
 */
#include "core/log.h"

#include <capstone/capstone.h>

uint32_t log_mask;

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void log_flush(void)
{
    fflush(stderr);
}

FILE *log_file(void)
{
    return stderr;
}

void log_disas(const char *arch, const void *code, size_t len, uint64_t addr)
{
    csh h;
    cs_insn *insn;
    bool x86 = !strcmp(arch, "x86_64");
    if (cs_open(x86 ? CS_ARCH_X86 : CS_ARCH_ARM64, x86 ? CS_MODE_64 : CS_MODE_ARM, &h) != CS_ERR_OK)
        return;
    size_t n = cs_disasm(h, code, len, addr, 0, &insn);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "0x%08" PRIx64 ":  %s %s\n", insn[i].address, insn[i].mnemonic, insn[i].op_str);
    if (n)
        cs_free(insn, n);
    cs_close(&h);
}

/* ---- core/loop.h: the device lock only ----------------------------------- */

#include "core/loop.h"   /* before <pthread.h>/<time.h>: see tcg/cpu-exec.c */

#include <pthread.h>

static pthread_mutex_t stub_dev_mu = PTHREAD_MUTEX_INITIALIZER;
static __thread bool stub_dev_held;

void dev_lock(void)
{
    pthread_mutex_lock(&stub_dev_mu);
    stub_dev_held = true;
}

void dev_unlock(void)
{
    stub_dev_held = false;
    pthread_mutex_unlock(&stub_dev_mu);
}

bool dev_lock_held(void)
{
    return stub_dev_held;
}

/* ---- core/memory.h: non-overlapping regions, one flat list per AS -------- */

#include "core/memory.h"

struct MemoryRegion {
    char *name;
    MemoryRegionKind kind;
    uint64_t size;
    uint8_t *ram;
    ram_addr_t ram_addr;
    const MemOps *ops;
    void *opaque;
    MemoryRegion *parent;
    hwaddr offset;
    MemoryRegion **children;
    int nchildren;
};

typedef struct StubListener {
    AsListener *fn;
    void *opaque;
} StubListener;

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatRange *flat;
    int nflat;
    StubListener ls[16];
    int nls;
};

static ram_addr_t stub_next_ram;
static AddressSpace *stub_spaces[8];
static int stub_nspaces;

static MemoryRegion *stub_mr(const char *name, MemoryRegionKind k, uint64_t size)
{
    MemoryRegion *mr = xzalloc(sizeof(*mr));
    mr->name = xstrdup(name);
    mr->kind = k;
    mr->size = size;
    mr->ram_addr = RAM_ADDR_INVALID;
    return mr;
}

MemoryRegion *mr_new_container(const char *name, uint64_t size)
{
    return stub_mr(name, MR_CONTAINER, size);
}

static MemoryRegion *stub_ram(const char *name, MemoryRegionKind k, uint64_t size)
{
    MemoryRegion *mr = stub_mr(name, k, size);
    mr->ram = xzalloc(size);
    mr->ram_addr = stub_next_ram;
    stub_next_ram += ALIGN_UP(size, TARGET_PAGE_SIZE);
    return mr;
}

MemoryRegion *mr_new_ram(const char *name, uint64_t size, Error **errp)
{
    (void)errp;
    return stub_ram(name, MR_RAM, size);
}

MemoryRegion *mr_new_rom(const char *name, uint64_t size, Error **errp)
{
    (void)errp;
    return stub_ram(name, MR_ROM, size);
}

MemoryRegion *mr_new_mmio(const char *name, uint64_t size, const MemOps *ops, void *opaque)
{
    MemoryRegion *mr = stub_mr(name, MR_MMIO, size);
    mr->ops = ops;
    mr->opaque = opaque;
    return mr;
}

void mr_free(MemoryRegion *mr)
{
    if (!mr)
        return;
    free(mr->ram);
    free(mr->children);
    free(mr->name);
    free(mr);
}

static void stub_flatten(AddressSpace *as, MemoryRegion *mr, hwaddr base)
{
    if (mr->kind == MR_CONTAINER) {
        for (int i = 0; i < mr->nchildren; i++)
            stub_flatten(as, mr->children[i], base + mr->children[i]->offset);
        return;
    }
    as->flat = xrealloc(as->flat, (size_t)(as->nflat + 1) * sizeof(FlatRange));
    as->flat[as->nflat++] = (FlatRange){
        .start = base, .size = mr->size, .mr = mr, .offset = 0,
        .host = mr->ram, .ram = mr->ram_addr, .readonly = mr->kind == MR_ROM,
    };
}

static void stub_rebuild(AddressSpace *as)
{
    free(as->flat);
    as->flat = NULL;
    as->nflat = 0;
    stub_flatten(as, as->root, 0);
    for (int i = 0; i < as->nls; i++)
        as->ls[i].fn(as->ls[i].opaque, as);
}

static void stub_rebuild_all(void)
{
    for (int i = 0; i < stub_nspaces; i++)
        stub_rebuild(stub_spaces[i]);
}

void mr_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *child, int priority)
{
    (void)priority;
    child->parent = parent;
    child->offset = offset;
    parent->children = xrealloc(parent->children, (size_t)(parent->nchildren + 1) * sizeof(MemoryRegion *));
    parent->children[parent->nchildren++] = child;
    stub_rebuild_all();
}

void mr_del_subregion(MemoryRegion *parent, MemoryRegion *child)
{
    for (int i = 0; i < parent->nchildren; i++) {
        if (parent->children[i] == child) {
            memmove(&parent->children[i], &parent->children[i + 1],
                    (size_t)(parent->nchildren - i - 1) * sizeof(MemoryRegion *));
            parent->nchildren--;
            break;
        }
    }
    child->parent = NULL;
    stub_rebuild_all();
}

uint8_t *mr_ram_ptr(const MemoryRegion *mr)
{
    return mr->ram;
}

ram_addr_t mr_ram_addr(const MemoryRegion *mr)
{
    return mr->ram_addr;
}

AddressSpace *as_new(const char *name, MemoryRegion *root)
{
    AddressSpace *as = xzalloc(sizeof(*as));
    as->name = xstrdup(name);
    as->root = root;
    stub_spaces[stub_nspaces++] = as;
    stub_rebuild(as);
    return as;
}

void as_free(AddressSpace *as)
{
    for (int i = 0; i < stub_nspaces; i++) {
        if (stub_spaces[i] == as) {
            stub_spaces[i] = stub_spaces[--stub_nspaces];
            break;
        }
    }
    free(as->flat);
    free(as->name);
    free(as);
}

const FlatRange *as_lookup(AddressSpace *as, hwaddr addr)
{
    for (int i = 0; i < as->nflat; i++)
        if (addr >= as->flat[i].start && addr - as->flat[i].start < as->flat[i].size)
            return &as->flat[i];
    return NULL;
}

void as_add_listener(AddressSpace *as, AsListener *fn, void *opaque)
{
    as->ls[as->nls++] = (StubListener){ fn, opaque };
}

void as_remove_listener(AddressSpace *as, AsListener *fn, void *opaque)
{
    for (int i = 0; i < as->nls; i++) {
        if (as->ls[i].fn == fn && as->ls[i].opaque == opaque) {
            as->ls[i] = as->ls[--as->nls];
            return;
        }
    }
}

/* code pages: one byte per ram page */
static uint8_t *stub_code;
static size_t stub_code_n;
static CodeWriteHandler *stub_code_handler;

void mem_code_page_set(ram_addr_t addr, bool has_code)
{
    size_t p = addr >> TARGET_PAGE_BITS;
    if (p >= stub_code_n) {
        size_t n = MAX(p + 1, stub_code_n * 2);
        stub_code = xrealloc(stub_code, n);
        memset(stub_code + stub_code_n, 0, n - stub_code_n);
        stub_code_n = n;
    }
    stub_code[p] = has_code;
}

bool mem_code_page_test(ram_addr_t addr)
{
    size_t p = addr >> TARGET_PAGE_BITS;
    return p < stub_code_n && stub_code[p];
}

void mem_set_code_write_handler(CodeWriteHandler *fn)
{
    stub_code_handler = fn;
}

void mem_notify_code_write(ram_addr_t start, size_t len)
{
    if (stub_code_handler)
        stub_code_handler(start, len);
}

static void stub_code_check(ram_addr_t start, size_t len)
{
    for (ram_addr_t p = start & TARGET_PAGE_MASK; p < start + len; p += TARGET_PAGE_SIZE)
        if (mem_code_page_test(p)) {
            mem_notify_code_write(start, len);
            return;
        }
}

MemTxResult as_read_uint(AddressSpace *as, hwaddr addr, unsigned size, uint64_t *value)
{
    const FlatRange *fr = as_lookup(as, addr);
    *value = 0;
    if (!fr)
        return MEMTX_DECODE_ERROR;
    uint64_t off = addr - fr->start;
    if (fr->host) {
        memcpy(value, fr->host + off, size);
        return MEMTX_OK;
    }
    *value = fr->mr->ops->read(fr->mr->opaque, off, size);
    return MEMTX_OK;
}

MemTxResult as_write_uint(AddressSpace *as, hwaddr addr, unsigned size, uint64_t value)
{
    const FlatRange *fr = as_lookup(as, addr);
    if (!fr)
        return MEMTX_DECODE_ERROR;
    uint64_t off = addr - fr->start;
    if (fr->host) {
        if (fr->readonly)
            return MEMTX_OK;
        memcpy(fr->host + off, &value, size);
        stub_code_check(fr->ram + off, size);
        return MEMTX_OK;
    }
    fr->mr->ops->write(fr->mr->opaque, off, value, size);
    return MEMTX_OK;
}

MemTxResult as_rw(AddressSpace *as, hwaddr addr, void *buf, size_t len, bool is_write)
{
    MemTxResult r = MEMTX_OK;
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        uint64_t v = b[i];
        MemTxResult x = is_write ? as_write_uint(as, addr + i, 1, v) : as_read_uint(as, addr + i, 1, &v);
        if (!is_write)
            b[i] = (uint8_t)v;
        if (x != MEMTX_OK)
            r = x;
    }
    return r;
}

int dma_write(AddressSpace *as, hwaddr addr, const void *buf, size_t len)
{
    const FlatRange *fr = as_lookup(as, addr);
    if (!fr || !fr->host || fr->readonly || len > fr->size - (addr - fr->start))
        return -1;
    memcpy(fr->host + (addr - fr->start), buf, len);
    stub_code_check(fr->ram + (addr - fr->start), len);
    return 0;
}

int dma_read(AddressSpace *as, hwaddr addr, void *buf, size_t len)
{
    const FlatRange *fr = as_lookup(as, addr);
    if (!fr || !fr->host || len > fr->size - (addr - fr->start))
        return -1;
    memcpy(buf, fr->host + (addr - fr->start), len);
    return 0;
}

void mem_reclaim_retired(void)
{
}
