/*
 * tcg_fuzz_env.h — the CPU state and code generator configurations of the
 * differential fuzzer (test_tcg_fuzz.c).
 */
#ifndef FERRY_TESTS_TCG_FUZZ_ENV_H
#define FERRY_TESTS_TCG_FUZZ_ENV_H

#include "core/memory.h"
#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/cpu.h"
#include "tcg/ir.h"
#include "tcg/softmmu.h"
#include "tcg/tcg.h"
#if defined(__x86_64__)
#include "tcg/x86_64/asm.h"
#endif

/* Guest memory: a virtual window of 4 pages at FUZZ_GUEST_BASE mapped to
 * physical 0: three pages of RAM and one device page (a little register
 * file, so MMIO takes part in the comparison). */
#define FUZZ_GUEST_BASE 0x40000000ull
#define FUZZ_GUEST_PAGES 4
#define FUZZ_GUEST_SIZE (FUZZ_GUEST_PAGES * TARGET_PAGE_SIZE)
#define FUZZ_RAM_SIZE (3 * TARGET_PAGE_SIZE)

typedef struct FuzzEnv {
    uint64_t g64[16];
    uint32_t g32[8];
    uint8_t buf[128];
    uint8_t vec[4][16];
    uint64_t frame[2048];
} FuzzEnv;

typedef struct FuzzCPU {
    CPUState cs;
    FuzzEnv env;
} FuzzCPU;

static uint8_t *fuzz_ram;
static uint8_t fuzz_dev[TARGET_PAGE_SIZE];
static AddressSpace *fuzz_as;

static uint64_t fuzz_dev_read(void *opaque, hwaddr off, unsigned size)
{
    (void)opaque;
    uint64_t v = 0;
    memcpy(&v, fuzz_dev + off, size);
    return v;
}

static void fuzz_dev_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    (void)opaque;
    memcpy(fuzz_dev + off, &v, size);
}

static const MemOps fuzz_dev_ops = { .read = fuzz_dev_read, .write = fuzz_dev_write };

static bool fuzz_tlb_fill(CPUState *cpu, uint64_t va, MMUAccessType type, int mmu, bool probe,
                          uintptr_t ra, TLBFill *out)
{
    (void)cpu; (void)type; (void)mmu; (void)ra;
    if (va < FUZZ_GUEST_BASE || va >= FUZZ_GUEST_BASE + FUZZ_GUEST_SIZE) {
        if (probe)
            return false;
        fprintf(stderr, "fuzz: guest access outside the window: %#" PRIx64 "\n", va);
        abort();
    }
    out->phys = va - FUZZ_GUEST_BASE;
    out->prot = PAGE_READ | PAGE_WRITE;
    out->lg_page_size = TARGET_PAGE_BITS;
    return true;
}

static const CPUHooks fuzz_hooks = {
    .arch = "none",
    .env_offset = offsetof(FuzzCPU, env),
    .insn_start_words = 1,
    .nb_mmu_modes = 2,
    .tlb_fill = fuzz_tlb_fill,
};

static inline void fuzz_memory_init(void)
{
    if (fuzz_as)
        return;
    MemoryRegion *root = mr_new_container("fuzz", UINT64_MAX);
    MemoryRegion *ram = mr_new_ram("fuzz-ram", FUZZ_RAM_SIZE, NULL);
    mr_add_subregion(root, 0, ram, 0);
    mr_add_subregion(root, FUZZ_RAM_SIZE, mr_new_mmio("fuzz-dev", TARGET_PAGE_SIZE, &fuzz_dev_ops, NULL), 0);
    fuzz_as = as_new("fuzz", root);
    fuzz_ram = mr_ram_ptr(ram);
}

typedef struct FuzzCfg {
    const TCGCodegen *cg;
    bool opt, basic_isa;
    CodeBuf *cb;
    TCGContext *s;
    TCGv g64[16], g32[8];
    char label[48];
} FuzzCfg;

#define MAX_FUZZ_CFGS 5

static inline int fuzz_configs(FuzzCfg *cs)
{
    static const char *const n64[16] = { "g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8",
                                         "g9", "g10", "g11", "g12", "g13", "g14", "g15" };
    static const char *const n32[8] = { "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7" };
    const TCGCodegen *native = tcg_codegen_native();
    int n = 0;
    /* reference first: the interpreter without the optimizer */
    struct { const TCGCodegen *cg; bool opt, basic; } list[] = {
        { &tcg_codegen_interp, false, false }, { &tcg_codegen_interp, true, false },
        { native, true, false }, { native, false, false }, { native, true, true },
    };
    for (size_t i = 0; i < ARRAY_SIZE(list); i++) {
        if (!list[i].cg)
            continue;
        FuzzCfg *c = &cs[n++];
        memset(c, 0, sizeof(*c));
        c->cg = list[i].cg;
        c->opt = list[i].opt;
        c->basic_isa = list[i].basic;
        c->cb = codebuf_new(8 * MiB, c->cg != &tcg_codegen_interp, NULL);
        int32_t eo = (int32_t)offsetof(FuzzCPU, env);
        TCGEnvLayout lay = {
            .cpu_off = -eo,
            .tlb_off = (int32_t)offsetof(CPUState, tlb_table) - eo,
            .counters_off = (int32_t)offsetof(CPUState, counters) - eo,
            .interp_frame_off = offsetof(FuzzEnv, frame),
            .interp_frame_size = sizeof(((FuzzEnv *)0)->frame),
            .insn_start_words = 1,
        };
        c->s = tcg_context_new(c->cg, c->cb, &lay);
        c->s->optimize = c->opt;
        for (int k = 0; k < 16; k++)
            c->g64[k] = ir_global(c->s, TCG_I64, offsetof(FuzzEnv, g64[k]), n64[k]);
        for (int k = 0; k < 8; k++)
            c->g32[k] = ir_global(c->s, TCG_I32, offsetof(FuzzEnv, g32[k]), n32[k]);
        snprintf(c->label, sizeof(c->label), "%s%s%s", c->cg->name, c->opt ? "" : "/noopt",
                 c->basic_isa ? "/basic-isa" : "");
    }
    return n;
}

static inline void fuzz_free(FuzzCfg *cs, int n)
{
    for (int i = 0; i < n; i++) {
        tcg_context_free(cs[i].s);
        codebuf_free(cs[i].cb);
    }
}

static inline void fuzz_set_isa(FuzzCfg *c)
{
#if defined(__x86_64__)
    static const X86Features basic;
    x86_backend_set_features(c->basic_isa ? &basic : NULL);
#else
    (void)c;
#endif
}

static inline TCGContext *fuzz_begin(FuzzCfg *c)
{
    if (codebuf_avail(c->cb) < 512 * KiB)
        codebuf_reset(c->cb);
    tcg_func_start(c->s);
    return c->s;
}

static inline const void *fuzz_finish(FuzzCfg *c)
{
    TCGGenResult r;
    fuzz_set_isa(c);
    if (tcg_gen_code(c->s, &r) < 0) {
        fprintf(stderr, "fuzz: code generation failed (%s)\n", c->label);
        abort();
    }
    return r.code;
}

static inline uintptr_t fuzz_run(FuzzCfg *c, const void *code, FuzzEnv *e)
{
    return c->cg->exec(c->s, e, code);
}

static inline FuzzEnv *fuzz_env_new(void)
{
    FuzzCPU *c = xzalloc(sizeof(FuzzCPU));
    fuzz_memory_init();
    c->cs.hooks = &fuzz_hooks;
    c->cs.as = fuzz_as;
    tlb_init(&c->cs);
    return &c->env;
}

static inline void fuzz_env_free(FuzzEnv *e)
{
    free(container_of(e, FuzzCPU, env));
}

/* Guest memory contents after a run (for comparison). */
typedef struct FuzzMem {
    uint8_t ram[FUZZ_RAM_SIZE];
    uint8_t dev[TARGET_PAGE_SIZE];
} FuzzMem;

static inline void fuzz_mem_snapshot(FuzzMem *m)
{
    memcpy(m->ram, fuzz_ram, FUZZ_RAM_SIZE);
    memcpy(m->dev, fuzz_dev, TARGET_PAGE_SIZE);
}

static inline const char *fuzz_mem_diff(const FuzzMem *m)
{
    if (memcmp(m->ram, fuzz_ram, FUZZ_RAM_SIZE))
        return "guest RAM";
    if (memcmp(m->dev, fuzz_dev, TARGET_PAGE_SIZE))
        return "guest device memory";
    return NULL;
}

static inline void fuzz_env_init(FuzzEnv *e, uint64_t seed)
{
    /* an empty TLB each run: fills, victims and the inline path all get used */
    tlb_flush_local(&container_of(e, FuzzCPU, env)->cs);
    uint64_t y = seed * 0x9e3779b97f4a7c15ull | 1;
    for (size_t i = 0; i < FUZZ_RAM_SIZE; i += 8) {
        y ^= y << 13; y ^= y >> 7; y ^= y << 17;
        memcpy(fuzz_ram + i, &y, 8);
    }
    for (size_t i = 0; i < TARGET_PAGE_SIZE; i += 8) {
        y ^= y << 13; y ^= y >> 7; y ^= y << 17;
        memcpy(fuzz_dev + i, &y, 8);
    }
    uint64_t x = seed | 1;
    for (int i = 0; i < 16; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        e->g64[i] = i < 4 ? (x & 0xff) : x;
    }
    for (int i = 0; i < 8; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        e->g32[i] = (uint32_t)x;
    }
    for (int i = 0; i < 128; i++)
        e->buf[i] = (uint8_t)(seed >> (i % 8) ^ (uint64_t)i * 37);
    for (int i = 0; i < 64; i++)
        e->vec[i / 16][i % 16] = (uint8_t)(seed >> (i % 16) ^ (uint64_t)i * 91);
}

static inline const char *fuzz_env_diff(const FuzzEnv *a, const FuzzEnv *b)
{
    if (memcmp(a->g64, b->g64, sizeof(a->g64)))
        return "g64";
    if (memcmp(a->g32, b->g32, sizeof(a->g32)))
        return "g32";
    if (memcmp(a->buf, b->buf, sizeof(a->buf)))
        return "host buffer";
    if (memcmp(a->vec, b->vec, sizeof(a->vec)))
        return "vectors";
    return NULL;
}

static inline void fuzz_report(const FuzzEnv *a, const FuzzEnv *b, uintptr_t ea, uintptr_t eb)
{
    fprintf(stderr, "  exit %#lx vs %#lx\n", (unsigned long)ea, (unsigned long)eb);
    for (int i = 0; i < 16; i++)
        if (a->g64[i] != b->g64[i])
            fprintf(stderr, "  g%d: %#" PRIx64 " vs %#" PRIx64 "\n", i, a->g64[i], b->g64[i]);
    for (int i = 0; i < 8; i++)
        if (a->g32[i] != b->g32[i])
            fprintf(stderr, "  w%d: %#x vs %#x\n", i, a->g32[i], b->g32[i]);
    for (int i = 0; i < 128; i++)
        if (a->buf[i] != b->buf[i])
            fprintf(stderr, "  buf[%d]: %#x vs %#x\n", i, a->buf[i], b->buf[i]);
    for (int i = 0; i < 64; i++)
        if (a->vec[i / 16][i % 16] != b->vec[i / 16][i % 16])
            fprintf(stderr, "  vec byte %d: %#x vs %#x\n", i, a->vec[i / 16][i % 16], b->vec[i / 16][i % 16]);
}

#endif
