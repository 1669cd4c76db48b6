/*
 * memory.h — guest physical memory: regions, address spaces, flat views,
 * MMIO dispatch, the DMA API, and code-page tracking.
 *
 * A board builds a tree of MemoryRegions (RAM, ROM, MMIO, aliases and
 * containers) under a root container and makes an AddressSpace of it. Each
 * change to the tree (add/remove/move/enable a subregion) rebuilds the
 * address space's FlatView: a sorted array of non-overlapping ranges, each
 * naming the region that is visible there (highest priority wins; among
 * equal priorities the later-added wins, as when a PCI BAR is moved over
 * RAM). Lookups are a binary search over that array.
 *
 * Threads: the tree is changed only with the device lock held. A FlatView is
 * immutable once built; a rebuild publishes a new one atomically and retires
 * the old one, freed by mem_reclaim_retired() (called by the vCPU thread at a
 * point where it holds no FlatRange pointer, with the device lock held), so
 * the vCPU thread may look up without the lock. Listeners registered with
 * as_add_listener() run after every rebuild that changed the view (the
 * translator flushes its TLBs).
 *
 * MMIO: a region's MemOps says which access sizes the device implements;
 * larger accesses are split into several, smaller ones are widened
 * (read-modify-write), so a device sees only the sizes it declared, at
 * offsets aligned to that size. Values are host-order integers; the guests
 * and devices are little-endian. An access where nothing is mapped reads as 0,
 * ignores writes, logs under -d guest_errors, and returns MEMTX_DECODE_ERROR
 * so the CPU can raise the architecture's external abort if it wants to.
 *
 * RAM: host memory from mmap. Every RAM block also has a range in one flat
 * "ram_addr" space (block base + offset) which names RAM independently of
 * where it is mapped: the translator keys code pages on it.
 *
 * DMA: devices reach guest RAM only through dma_read/dma_write/dma_map, which
 * check that the whole range is RAM (overflow-safe) before touching anything
 * and report failure to the caller. Writes to pages that hold translated code
 * call the code-write handler so the translator can invalidate those blocks.
 */
#ifndef FERRY_MEMORY_H
#define FERRY_MEMORY_H

#include "core/error.h"

typedef uint64_t ram_addr_t;
#define RAM_ADDR_INVALID UINT64_MAX

/* Page granule for code tracking and the translator's TLB. */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ULL << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

typedef enum {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* the device reported an error */
    MEMTX_DECODE_ERROR = 2, /* nothing mapped at that address */
} MemTxResult;

typedef struct MemOps {
    uint64_t (*read)(void *opaque, hwaddr offset, unsigned size);
    void (*write)(void *opaque, hwaddr offset, uint64_t value, unsigned size);
    /* Access sizes in bytes the device implements (1, 2, 4, 8); 0 means
     * min 1 / max 8. */
    unsigned min_size, max_size;
} MemOps;

typedef enum {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,   /* RAM the guest can read and execute; guest writes are ignored
                 (logged) and complete with MEMTX_OK, as on a real bus; DMA
                 may read it but not write it; the board/loader fills it
                 through mr_ram_ptr() */
    MR_MMIO,
    MR_ALIAS,
} MemoryRegionKind;

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;

/* A size of UINT64_MAX stands for the whole 2^64 space (a root container). */

MemoryRegion *mr_new_container(const char *name, uint64_t size);
MemoryRegion *mr_new_ram(const char *name, uint64_t size, Error **errp);
MemoryRegion *mr_new_rom(const char *name, uint64_t size, Error **errp);
MemoryRegion *mr_new_mmio(const char *name, uint64_t size, const MemOps *ops,
                          void *opaque);
/* A ROM device (NOR flash): storage like a ROM's (mr_ram_ptr) that the guest
 * reads and executes directly while the region is in ROM mode; every write
 * goes to ops->write. mr_set_romd(mr, false) makes reads go to ops->read
 * too (the device answers commands: status, identification, query), true
 * returns to direct reads. Kind MR_ROM; starts in ROM mode. */
MemoryRegion *mr_new_romd(const char *name, uint64_t size, const MemOps *ops, void *opaque,
                          Error **errp);
void mr_set_romd(MemoryRegion *mr, bool romd);
/* A window [offset, offset+size) of target, mappable elsewhere. */
MemoryRegion *mr_new_alias(const char *name, MemoryRegion *target,
                           uint64_t offset, uint64_t size);
/* Frees a region that is not mapped anywhere (and its RAM): not a subregion,
 * not an address space's root, not an alias's target. A container's children
 * are left unmapped, not freed. RAM, ROM and MMIO regions may still be named
 * by a reader's FlatRange, so their memory goes at mem_reclaim_retired(). */
void mr_free(MemoryRegion *mr);

void mr_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *child,
                      int priority);
void mr_del_subregion(MemoryRegion *parent, MemoryRegion *child);
void mr_set_address(MemoryRegion *child, hwaddr offset); /* move within parent */
void mr_set_enabled(MemoryRegion *mr, bool enabled);

const char *mr_name(const MemoryRegion *mr);
uint64_t mr_size(const MemoryRegion *mr);
MemoryRegionKind mr_kind(const MemoryRegion *mr);
void *mr_opaque(const MemoryRegion *mr);
const MemOps *mr_ops(const MemoryRegion *mr);
/* RAM/ROM only: */
uint8_t *mr_ram_ptr(const MemoryRegion *mr);
ram_addr_t mr_ram_addr(const MemoryRegion *mr);

/* One range of a flat view. For RAM/ROM, host = host pointer of `start`;
 * for MMIO, offset = the region offset of `start`. Aliases are resolved:
 * mr is never an alias or a container. */
typedef struct FlatRange {
    hwaddr start;
    uint64_t size;
    MemoryRegion *mr;
    uint64_t offset;   /* offset within mr of `start` */
    uint8_t *host;     /* RAM/ROM: host address of `start`; else NULL */
    ram_addr_t ram;    /* RAM/ROM: ram_addr of `start`; else RAM_ADDR_INVALID */
    bool readonly;     /* ROM */
} FlatRange;

AddressSpace *as_new(const char *name, MemoryRegion *root);
void as_free(AddressSpace *as);
const char *as_name(const AddressSpace *as);
/* Counts the views the space has published: a caller that sees it change
 * across a device access knows the access changed the memory map. */
uint64_t as_generation(AddressSpace *as);
MemoryRegion *as_root(const AddressSpace *as);

/* The range containing addr, or NULL if nothing is mapped there. The pointer
 * stays valid until the next mem_reclaim_retired(). */
const FlatRange *as_lookup(AddressSpace *as, hwaddr addr);

typedef void AsListener(void *opaque, AddressSpace *as);
void as_add_listener(AddressSpace *as, AsListener *fn, void *opaque);
void as_remove_listener(AddressSpace *as, AsListener *fn, void *opaque);

/* CPU-style accesses (any mapping, MMIO included), size 1/2/4/8, any alignment. */
MemTxResult as_read_uint(AddressSpace *as, hwaddr addr, unsigned size,
                         uint64_t *value);
MemTxResult as_write_uint(AddressSpace *as, hwaddr addr, unsigned size,
                          uint64_t value);
/* Byte-range accesses across any mappings (loaders, debuggers, monitors). */
MemTxResult as_rw(AddressSpace *as, hwaddr addr, void *buf, size_t len,
                  bool is_write);

/* DMA: RAM only, whole range checked first; 0 on success, -1 on failure
 * (nothing written). Failures are logged under -d guest_errors by the
 * caller, which knows the device. */
int dma_read(AddressSpace *as, hwaddr addr, void *buf, size_t len);
int dma_write(AddressSpace *as, hwaddr addr, const void *buf, size_t len);
/* Host pointer for [addr, addr+len) if it lies in one RAM range (and is
 * writable RAM when is_write), else NULL. dma_unmap() after writing reports
 * the write to code-page tracking. */
void *dma_map(AddressSpace *as, hwaddr addr, size_t len, bool is_write);
void dma_unmap(AddressSpace *as, void *host, size_t len, bool is_write);

/* Code-page tracking, keyed on ram_addr pages. */
void mem_code_page_set(ram_addr_t addr, bool has_code);
bool mem_code_page_test(ram_addr_t addr);
/* Called (device lock held) when a DMA or as_* write touches a page whose
 * code bit is set. The translator's TLB path calls it for CPU writes. */
typedef void CodeWriteHandler(ram_addr_t start, size_t len);
void mem_set_code_write_handler(CodeWriteHandler *fn);
void mem_notify_code_write(ram_addr_t start, size_t len);
/* Host pointer of a ram_addr, or NULL. */
uint8_t *ram_host_ptr(ram_addr_t addr);

void mem_reclaim_retired(void);

/* The requester of the access being dispatched to a device: the index of
 * the vCPU whose load or store it is, so devices with per-CPU banked
 * registers (the GICv2 CPU interface and its banked distributor registers)
 * know which bank to use. Thread-local: the vCPU loop calls
 * mem_set_requester_cpu() before it runs a CPU (and whenever it switches
 * CPUs); on threads that run no CPU (DMA from the loop, the monitor,
 * loaders) it is -1. */
int mem_requester_cpu(void);
void mem_set_requester_cpu(int cpu_index);

/* `info mtree`: the region tree and the flat view of an address space. */
void as_print_tree(AddressSpace *as, FILE *out);
void as_print_flat(AddressSpace *as, FILE *out);

#endif
