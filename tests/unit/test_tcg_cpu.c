/*
 * test_tcg_cpu.c — the block cache, softmmu and CPU loop, with a toy guest
 * (toy_cpu.h) on RAM and a device from core/memory: execution, chaining
 * and unchaining, self-modifying code, invalidation by DMA through queued
 * work, buffer-full flushes with a tiny buffer, TLB fast and slow paths
 * (MMIO, page-crossing, alignment), an exception in the middle of a block,
 * indirect branches through the jump cache, interrupts waking a halted
 * CPU on the vCPU thread, large-page flushes, and two CPUs sharing the
 * vCPU thread by time slice. Every test runs on each code generator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/loop.h"   /* before <pthread.h>: see tcg/cpu-exec.c */
#include "toy_cpu.h"

#include <pthread.h>

#include "core/log.h"
#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/stats.h"
#include "tcg/tcg.h"

/* ---- the toy frontend ------------------------------------------------------ */

static TCGv g_r[8], g_pc;

static void toy_translate_init(TCGContext *s)
{
    static const char *const names[8] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7" };
    for (int i = 0; i < 8; i++)
        g_r[i] = ir_global(s, TCG_I64, offsetof(ToyEnv, r[i]), names[i]);
    g_pc = ir_global(s, TCG_I64, offsetof(ToyEnv, pc), "pc");
}

static void toy_get_tb_key(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = toy_env(cpu)->pc;
    *cs_base = 0;
    *flags = 0;
}

static int toy_code_mmu_index(CPUState *cpu, uint32_t flags)
{
    (void)cpu;
    (void)flags;
    return 0;
}

static NORETURN void toy_raise(CPUState *cpu, int excp, uint64_t far, uintptr_t ra)
{
    cpu->exception_index = excp;
    toy_env(cpu)->efar = far;
    cpu_loop_exit_restore(cpu, ra);
}

static bool toy_tlb_fill(CPUState *cpu, uint64_t va, MMUAccessType type, int mmu_idx, bool probe,
                         uintptr_t ra, TLBFill *out)
{
    ToyEnv *env = toy_env(cpu);
    (void)mmu_idx;
    out->lg_page_size = TARGET_PAGE_BITS;
    out->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    if (va < TOY_RAM_SIZE) {
        out->phys = va;
    } else if (va >= TOY_MMIO_BASE && va < TOY_MMIO_BASE + TARGET_PAGE_SIZE && type != MMU_INST_FETCH) {
        out->phys = va;
        out->prot = PAGE_READ | PAGE_WRITE;
    } else if (va >= TOY_LARGE_BASE && va < TOY_LARGE_BASE + TOY_RAM_SIZE) {
        out->phys = env->large_phys + (va - TOY_LARGE_BASE);
        out->lg_page_size = 21;
    } else if (va >= TOY_REMAP_VA && va < TOY_REMAP_VA + TARGET_PAGE_SIZE) {
        out->phys = env->remap + (va - TOY_REMAP_VA);
    } else {
        if (probe)
            return false;
        toy_raise(cpu, TOY_EXC_PAGEFAULT, va, ra);
    }
    return true;
}

static void toy_unaligned(CPUState *cpu, uint64_t va, MMUAccessType type, int mmu, uintptr_t ra)
{
    (void)type;
    (void)mmu;
    toy_raise(cpu, TOY_EXC_ALIGN, va, ra);
}

static void toy_transaction_failed(CPUState *cpu, hwaddr phys, uint64_t va, MMUAccessType type,
                                   int mmu, MemTxResult res, uintptr_t ra)
{
    toy_raise(cpu, TOY_EXC_BUS, va, ra);
}

static bool toy_exec_interrupt(CPUState *cpu, uint32_t req)
{
    ToyEnv *env = toy_env(cpu);
    if (!(req & CPU_INTERRUPT_HARD) || !env->irq_enable)
        return false;
    env->epc = env->pc;
    env->ecause = TOY_EXC_IRQ;
    env->pc = env->vbar + 0x40;
    env->irq_enable = 0;
    cpu_reset_interrupt(cpu, CPU_INTERRUPT_HARD);
    return true;
}

static void toy_do_interrupt(CPUState *cpu)
{
    ToyEnv *env = toy_env(cpu);
    env->epc = env->pc;
    env->ecause = (uint64_t)cpu->exception_index;
    env->excount++;
    env->pc = env->vbar;
}

static void toy_restore_state(CPUState *cpu, const TranslationBlock *tb, const uint64_t *data)
{
    (void)tb;
    toy_env(cpu)->pc = data[0];
}

static bool toy_has_work(CPUState *cpu)
{
    return (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST) & CPU_INTERRUPT_HARD) &&
           toy_env(cpu)->irq_enable;
}

static void toy_dump(CPUState *cpu, FILE *f)
{
    ToyEnv *env = toy_env(cpu);
    fprintf(f, "pc=%016" PRIx64, env->pc);
    for (int i = 0; i < 8; i++)
        fprintf(f, " r%d=%" PRIx64, i, env->r[i]);
    fprintf(f, "\n");
}

/* helpers */
static const CPUHooks toy_hooks;
static void helper_halt(void *envp)
{
    CPUState *cpu = env_cpu(envp, &toy_hooks);
    cpu->halted = true;
    cpu->exception_index = EXCP_HLT;
    cpu_loop_exit(cpu);
}
static void helper_raise(void *envp, uint64_t excp)
{
    CPUState *cpu = env_cpu(envp, &toy_hooks);
    toy_raise(cpu, (int)excp, 0, TCG_GETPC());
}
static const TCGHelper h_halt = TCG_HELPER(helper_halt, TCG_VOID, 0);
static const TCGHelper h_raise = TCG_HELPER(helper_raise, TCG_VOID, TCG_CALL_MAY_RAISE);

static void gen_goto(TranslatorCtx *tc, unsigned n, uint64_t dest)
{
    TCGContext *s = tc->s;
    if (translator_use_goto_tb(tc, dest)) {
        ir_goto_tb(s, n);
        ir_movi(s, g_pc, dest);
        ir_exit_tb(s, translator_exit_value(tc, n));
    } else {
        ir_movi(s, g_pc, dest);
        ir_lookup_and_goto_ptr(s);
    }
}

/* Returns true if the instruction ended the block. */
static bool toy_insn_gen(TranslatorCtx *tc, uint64_t pc, uint32_t w)
{
    TCGContext *s = tc->s;
    unsigned op = w & 0xff, a = (w >> 8) & 7, b = (w >> 12) & 7, c = (w >> 16) & 7;
    uint64_t imm = (uint64_t)(int64_t)(int16_t)(w >> 16);
    switch (op) {
    case T_LI: ir_movi(s, g_r[a], imm); return false;
    case T_LUI: {
        TCGv t = ir_temp(s, TCG_I64);
        ir_shli(s, t, g_r[a], 16);
        ir_ori(s, g_r[a], t, w >> 16);
        return false;
    }
    case T_ADD: ir_add(s, g_r[a], g_r[b], g_r[c]); return false;
    case T_ADDI: ir_addi(s, g_r[a], g_r[b], imm); return false;
    case T_SHLI: ir_shli(s, g_r[a], g_r[b], (w >> 16) & 63); return false;
    case T_ST: ir_qemu_st(s, g_r[a], g_r[b], 0, MO_64); return false;
    case T_LD: ir_qemu_ld(s, g_r[a], g_r[b], 0, MO_64); return false;
    case T_STB: ir_qemu_st(s, g_r[a], g_r[b], 0, MO_8); return false;
    case T_STW: ir_qemu_st(s, g_r[a], g_r[b], 0, MO_32); return false;
    case T_LDW: ir_qemu_ld(s, g_r[a], g_r[b], 0, MO_32); return false;
    case T_LDA: ir_qemu_ld(s, g_r[a], g_r[b], 0, MO_64 | MO_ALIGN); return false;
    case T_BNZ: {
        TCGLabel l = ir_label(s);
        ir_brcondi(s, COND_EQ, g_r[a], 0, l);
        gen_goto(tc, 0, pc + 4 * imm);
        ir_set_label(s, l);
        gen_goto(tc, 1, pc + 4);
        return true;
    }
    case T_B:
        gen_goto(tc, 0, pc + 4 * imm);
        return true;
    case T_JR:
        ir_mov(s, g_pc, g_r[a]);
        ir_lookup_and_goto_ptr(s);
        return true;
    case T_HALT:
        ir_movi(s, g_pc, pc + 4);
        ir_callv(s, &h_halt, TCGV_NONE, s->env);
        return true;
    case T_TRAP:
        ir_callv(s, &h_raise, TCGV_NONE, s->env, ir_const64(s, TOY_EXC_TRAP + (w >> 16)));
        return true;
    case T_ERET: {
        TCGv t = ir_temp(s, TCG_I32);
        ir_ld(s, g_pc, s->env, offsetof(ToyEnv, epc));
        ir_movi(s, t, 1);
        ir_st(s, t, s->env, offsetof(ToyEnv, irq_enable));
        ir_exit_tb(s, 0);   /* back to the loop: an interrupt may be pending */
        return true;
    }
    default:
        ir_callv(s, &h_raise, TCGV_NONE, s->env, ir_const64(s, TOY_EXC_UNDEF));
        return true;
    }
}

/* T_LIW: its immediate word follows it (and may be on the next page). */
static bool toy_liw(TranslatorCtx *tc, uint64_t pc, uint32_t w)
{
    uint32_t imm;
    if (!translator_fetch(tc, pc + 4, &imm, 4)) {
        ir_callv(tc->s, &h_raise, TCGV_NONE, tc->s->env, ir_const64(tc->s, TOY_EXC_PAGEFAULT));
        return true;
    }
    ir_movi(tc->s, g_r[(w >> 8) & 7], imm);
    return false;
}

static void toy_translate(CPUState *cpu, TranslatorCtx *tc)
{
    (void)cpu;
    uint64_t pc = tc->pc_first;
    for (;;) {
        uint32_t w;
        if (!translator_fetch(tc, pc, &w, 4)) {
            gen_goto(tc, 0, pc);
            break;
        }
        translator_insn_start(tc, pc, 0, 0);
        bool end;
        if ((w & 0xff) == T_LIW) {
            end = toy_liw(tc, pc, w);
            pc += 4;
        } else {
            end = toy_insn_gen(tc, pc, w);
        }
        pc += 4;
        if (end)
            break;
        if (translator_should_stop(tc, pc)) {
            gen_goto(tc, 0, pc);
            break;
        }
    }
    tc->tb->size = (uint32_t)(pc - tc->pc_first);
}

static const CPUHooks toy_hooks = {
    .arch = "toy",
    .env_offset = offsetof(ToyCPU, env),
    .insn_start_words = 1,
    .nb_mmu_modes = 2,
    .translate_init = toy_translate_init,
    .get_tb_key = toy_get_tb_key,
    .code_mmu_index = toy_code_mmu_index,
    .translate = toy_translate,
    .tlb_fill = toy_tlb_fill,
    .do_unaligned_access = toy_unaligned,
    .transaction_failed = toy_transaction_failed,
    .exec_interrupt = toy_exec_interrupt,
    .do_interrupt = toy_do_interrupt,
    .restore_state = toy_restore_state,
    .has_work = toy_has_work,
    .dump_state = toy_dump,
};

/* ---- the machine: RAM at 0, a device page ----------------------------------- */

typedef struct ToyDev {
    uint64_t reads, last_write, writes;
} ToyDev;

static uint64_t dev_read(void *opaque, hwaddr off, unsigned size)
{
    ToyDev *d = opaque;
    (void)size;
    if (off == 0)
        return ++d->reads;
    return d->last_write;
}

static void dev_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    ToyDev *d = opaque;
    (void)off;
    (void)size;
    d->last_write = v;
    d->writes++;
}

static const MemOps dev_ops = { .read = dev_read, .write = dev_write, .min_size = 1, .max_size = 8 };

static MemoryRegion *root, *ram_mr, *dev_mr;
static AddressSpace *as;
static uint8_t *ram;
static ToyDev dev;
static ToyCPU *cpus[2];
static const TCGCodegen *cgs[2];
static int ncg;

static ToyCPU *new_cpu(void)
{
    ToyCPU *c = xzalloc(sizeof(*c));
    cpu_init(&c->cs, &toy_hooks, as);
    return c;
}

/* Fresh engine with cg, one CPU, RAM cleared. */
static ToyCPU *setup_machine(const TCGCodegen *cg, size_t tb_size)
{
    for (CPUState *c; (c = cpu_first());) {
        cpu_remove(c);
        free(container_of(c, ToyCPU, cs));
    }
    tcg_exec_exit();
    memset(&tcg_stats, 0, sizeof(tcg_stats));
    assert_int_equal(tcg_exec_init(tb_size, cg, NULL), 0);
    memset(ram, 0, TOY_RAM_SIZE);
    memset(&dev, 0, sizeof(dev));
    cpus[0] = new_cpu();
    cpus[1] = NULL;
    cpus[0]->env.vbar = 0xf000;
    return cpus[0];
}

static void put_code(uint64_t addr, const uint32_t *w, size_t n)
{
    memcpy(ram + addr, w, n * 4);
}

/* Run until the CPU halts (processing queued work between turns). */
static void run(ToyCPU *c, uint64_t pc)
{
    c->env.pc = pc;
    c->cs.halted = false;
    for (int guard = 0; guard < 1000000; guard++) {
        cpu_process_work();
        int r = cpu_exec(&c->cs);
        if (r == EXCP_HLT || r == EXCP_HALTED)
            return;
    }
    fail_msg("CPU did not halt");
}

#define FOR_EACH_CG(cg) for (int cgi_ = 0; cgi_ < ncg && ((cg) = cgs[cgi_], 1); cgi_++)

/* ---- tests -------------------------------------------------------------------------- */

static void test_basic(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = {
            toy_insn(T_LI, 1, 0, 5), toy_insn(T_LI, 2, 0, 7), toy_insn(T_ADD, 3, 1, 2),
            toy_insn(T_LI, 4, 0, 0x1000), toy_insn(T_ST, 3, 4, 0), toy_insn(T_LD, 5, 4, 0),
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0x100, prog, ARRAY_SIZE(prog));
        run(c, 0x100);
        assert_int_equal(c->env.r[3], 12);
        assert_int_equal(c->env.r[5], 12);
        assert_int_equal(*(uint64_t *)(ram + 0x1000), 12);
        assert_int_equal(c->env.pc, 0x100 + 4 * 7);
    }
}

static void test_chain_unchain(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = {
            toy_insn(T_LI, 1, 0, 1000),     /* 0x200 */
            toy_insn(T_ADDI, 2, 2, 3),      /* 0x204 loop */
            toy_insn(T_ADDI, 1, 1, -1),
            toy_insn(T_BNZ, 1, 0, -2),
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0x200, prog, ARRAY_SIZE(prog));
        run(c, 0x200);
        assert_int_equal(c->env.r[2], 3000);
        /* the loop ran through its chained jump, not through the loop */
        assert_true(tcg_stats.chain_patches >= 1);
        assert_true(tcg_stats.loop_entries < 20);

        /* Change the loop body behind the CPU's back (a debugger-style
         * write through the memory API): the chained block must go. */
        uint32_t add5 = toy_insn(T_ADDI, 2, 2, 5);
        dev_lock();
        assert_int_equal(as_write_uint(as, 0x204, 4, add5), MEMTX_OK);
        dev_unlock();
        uint64_t unchained = tcg_stats.unchain_patches;
        c->env.r[2] = 0;
        run(c, 0x200);   /* the queued invalidation runs first */
        assert_int_equal(c->env.r[2], 5000);
        assert_true(tcg_stats.unchain_patches > unchained);
    }
}

static void test_self_modifying(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t newi = toy_insn(T_LI, 1, 0, 42);
        uint32_t prog[] = {
            toy_insn(T_LI, 4, 0, 0x314),                 /* 0x300 */
            toy_insn(T_LI, 5, 0, newi >> 16),            /* 0x304 */
            toy_insn(T_LUI, 5, 0, newi & 0xffff),        /* 0x308 */
            toy_insn(T_STW, 5, 4, 0),                    /* 0x30c: rewrites 0x314 */
            toy_insn(T_ADDI, 6, 6, 1),                   /* 0x310 */
            toy_insn(T_LI, 1, 0, 1),                     /* 0x314: becomes LI r1, 42 */
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0x300, prog, ARRAY_SIZE(prog));
        run(c, 0x300);
        assert_int_equal(c->env.r[1], 42);
        assert_int_equal(c->env.r[6], 1);   /* nothing ran twice */
        assert_true(tcg_stats.smc_exits >= 1);
        /* and a second run uses the new code from the cache */
        c->env.r[1] = 0;
        run(c, 0x310);
        assert_int_equal(c->env.r[1], 42);
    }
}

static void *dma_thread(void *arg)
{
    (void)arg;
    uint32_t li2 = toy_insn(T_LI, 1, 0, 2);
    dev_lock();
    dma_write(as, 0x400, &li2, 4);
    dev_unlock();
    return NULL;
}

static void test_dma_invalidation(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = { toy_insn(T_LI, 1, 0, 1), toy_insn(T_HALT, 0, 0, 0) };
        put_code(0x400, prog, ARRAY_SIZE(prog));
        run(c, 0x400);
        assert_int_equal(c->env.r[1], 1);
        pthread_t th;
        pthread_create(&th, NULL, dma_thread, NULL);
        pthread_join(th, NULL);
        /* queued for the vCPU thread, not done on the device's thread */
        assert_non_null(c->cs.work_head);
        uint64_t inv = tcg_stats.tb_invalidated;
        run(c, 0x400);
        assert_int_equal(c->env.r[1], 2);
        assert_true(tcg_stats.tb_invalidated > inv);
    }
}

static void test_buffer_full_flush(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 64 * KiB);
        /* 3000 blocks of "r1++; branch to the next", looped twice */
        uint64_t base = 0x10000;
        unsigned n = 3000;
        for (unsigned i = 0; i < n; i++) {
            uint32_t blk[2] = { toy_insn(T_ADDI, 1, 1, 1), toy_insn(T_B, 0, 0, 1) };
            put_code(base + 8 * i, blk, 2);
        }
        uint32_t tail[] = {
            toy_insn(T_ADDI, 6, 6, -1),
            toy_insn(T_BNZ, 6, 0, (uint32_t)(-(int)(2 * n + 1))),
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(base + 8 * n, tail, ARRAY_SIZE(tail));
        c->env.r[6] = 2;
        run(c, base);
        assert_int_equal(c->env.r[1], 2 * n);
        assert_true(tcg_stats.tb_flushes >= 1);
    }
}

static void test_softmmu_paths(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = {
            /* RAM in a loop: the inline path */
            toy_insn(T_LI, 4, 0, 0x2000), toy_insn(T_LI, 6, 0, 500),
            toy_insn(T_LD, 3, 4, 0), toy_insn(T_ADDI, 3, 3, 1), toy_insn(T_ST, 3, 4, 0),
            toy_insn(T_ADDI, 6, 6, -1), toy_insn(T_BNZ, 6, 0, -4),
            /* the device: three reads, one write */
            toy_insn(T_LI, 5, 0, 0x20), toy_insn(T_SHLI, 5, 5, 16),    /* 0x200000 */
            toy_insn(T_LD, 1, 5, 0), toy_insn(T_LD, 1, 5, 0), toy_insn(T_LDW, 2, 5, 0),
            toy_insn(T_ADDI, 7, 5, 8), toy_insn(T_LI, 3, 0, 0x1234), toy_insn(T_STW, 3, 7, 0),
            /* page crossing: 4 bytes at 0x2ffe, 8 bytes at 0x3ffc */
            toy_insn(T_LI, 4, 0, 0x2ffe), toy_insn(T_LI, 3, 0, 0x5566), toy_insn(T_LUI, 3, 0, 0x7788),
            toy_insn(T_STW, 3, 4, 0), toy_insn(T_LDW, 0, 4, 0),
            toy_insn(T_LI, 4, 0, 0x3ffc), toy_insn(T_SHLI, 7, 3, 32), toy_insn(T_ADD, 7, 7, 3),
            toy_insn(T_ST, 7, 4, 0), toy_insn(T_LD, 6, 4, 0),
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0x500, prog, ARRAY_SIZE(prog));
        run(c, 0x500);
        assert_int_equal(*(uint64_t *)(ram + 0x2000), 500);
        if (cg != &tcg_codegen_interp)
            assert_true(tcg_stats.tlb_slow < 50);   /* the loop stayed inline */
        assert_int_equal(dev.reads, 3);
        assert_int_equal(c->env.r[1], 2);
        assert_int_equal(c->env.r[2], 3);
        assert_int_equal(dev.last_write, 0x1234);
        assert_int_equal(c->env.r[0], 0x55667788);
        assert_int_equal(ram[0x2ffe], 0x88);
        assert_int_equal(ram[0x2fff], 0x77);
        assert_int_equal(ram[0x3000], 0x66);
        assert_int_equal(ram[0x3001], 0x55);
        assert_int_equal(c->env.r[6], 0x5566778855667788ull);
        uint64_t v;
        memcpy(&v, ram + 0x3ffc, 8);
        assert_int_equal(v, 0x5566778855667788ull);
        assert_true(tcg_stats.unaligned_splits >= 4);
    }
}

static void test_exception_mid_block(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = {
            toy_insn(T_LI, 1, 0, 11),                       /* 0x600 */
            toy_insn(T_LI, 2, 0, 22),                       /* 0x604 */
            toy_insn(T_LI, 3, 0, 0x0f00),                   /* 0x608 */
            toy_insn(T_SHLI, 3, 3, 16),                     /* 0x60c */
            toy_insn(T_ADDI, 2, 2, 1),                      /* 0x610 */
            toy_insn(T_LD, 4, 3, 0),                        /* 0x614: faults */
            toy_insn(T_LI, 1, 0, 99),                       /* not reached */
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0x600, prog, ARRAY_SIZE(prog));
        uint32_t handler[] = { toy_insn(T_HALT, 0, 0, 0) };
        put_code(0xf000, handler, 1);
        uint32_t al[] = { toy_insn(T_LI, 3, 0, 0x1003), toy_insn(T_LDA, 4, 3, 0),
                          toy_insn(T_HALT, 0, 0, 0) };
        put_code(0x700, al, ARRAY_SIZE(al));
        c->env.r[4] = 0x4444;
        run(c, 0x600);
        assert_int_equal(c->env.r[4], 0x4444);   /* the faulting load wrote nothing */
        assert_int_equal(c->env.ecause, TOY_EXC_PAGEFAULT);
        assert_int_equal(c->env.epc, 0x614);
        assert_int_equal(c->env.efar, 0x0f000000);
        assert_int_equal(c->env.r[1], 11);
        assert_int_equal(c->env.r[2], 23);
        /* alignment faults come from the target's hook */
        run(c, 0x700);
        assert_int_equal(c->env.ecause, TOY_EXC_ALIGN);
        assert_int_equal(c->env.epc, 0x704);
        assert_int_equal(c->env.efar, 0x1003);
        /* a trap from a helper restores the pc through TCG_GETPC */
        uint32_t tr[] = { toy_insn(T_ADDI, 1, 1, 1), toy_insn(T_TRAP, 0, 0, 5),
                          toy_insn(T_HALT, 0, 0, 0) };
        put_code(0x800, tr, ARRAY_SIZE(tr));
        run(c, 0x800);
        assert_int_equal(c->env.ecause, TOY_EXC_TRAP + 5);
        assert_int_equal(c->env.epc, 0x804);
    }
}

static void test_indirect_jump_cache(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = {
            toy_insn(T_LI, 6, 0, 300),       /* 0x900 */
            toy_insn(T_LI, 5, 0, 0xa00),     /* 0x904 */
            toy_insn(T_JR, 5, 0, 0),         /* 0x908 */
        };
        uint32_t target[] = {
            toy_insn(T_ADDI, 1, 1, 1),       /* 0xa00 */
            toy_insn(T_ADDI, 6, 6, -1),
            toy_insn(T_BNZ, 6, 0, (uint32_t)(-(0xa08 - 0x908) / 4)),
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0x900, prog, ARRAY_SIZE(prog));
        put_code(0xa00, target, ARRAY_SIZE(target));
        run(c, 0x900);
        assert_int_equal(c->env.r[1], 300);
        assert_true(tcg_stats.lookup_hits >= 250);
        assert_true(tcg_stats.loop_entries < 20);
    }
}

static void test_large_page_flush(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        c->env.large_phys = 0;
        *(uint64_t *)(ram + 0x10) = 111;
        *(uint64_t *)(ram + 0x80010) = 222;
        uint32_t prog[] = { toy_insn(T_LI, 4, 0, 0x40), toy_insn(T_SHLI, 4, 4, 16),
                            toy_insn(T_ADDI, 4, 4, 0x10), toy_insn(T_LD, 1, 4, 0),
                            toy_insn(T_HALT, 0, 0, 0) };
        put_code(0xb00, prog, ARRAY_SIZE(prog));
        run(c, 0xb00);
        assert_int_equal(c->env.r[1], 111);
        /* remap the large page; flush one *other* 4K page inside it */
        c->env.large_phys = 0x80000;
        tlb_flush_page(&c->cs, TOY_LARGE_BASE + 0x7f000);
        run(c, 0xb00);
        assert_int_equal(c->env.r[1], 222);
        /* small pages: only the flushed page changes */
        c->env.remap = 0x4000;
        *(uint64_t *)(ram + 0x4000) = 7;
        *(uint64_t *)(ram + 0x5000) = 8;
        uint32_t p2[] = { toy_insn(T_LI, 4, 0, 0x80), toy_insn(T_SHLI, 4, 4, 16),
                          toy_insn(T_LD, 1, 4, 0), toy_insn(T_HALT, 0, 0, 0) };
        put_code(0xc00, p2, ARRAY_SIZE(p2));
        run(c, 0xc00);
        assert_int_equal(c->env.r[1], 7);
        c->env.remap = 0x5000;
        run(c, 0xc00);
        assert_int_equal(c->env.r[1], 7);   /* stale until flushed, as on hardware */
        tlb_flush_page(&c->cs, TOY_REMAP_VA);
        run(c, 0xc00);
        assert_int_equal(c->env.r[1], 8);
    }
}

/* A ROM device (a flash bank): loads read the storage inline while it is
 * in ROM mode; stores always reach the device, which switches itself out
 * of ROM mode (then loads reach it too) and back. */
static MemoryRegion *romd_mr;
static uint64_t romd_writes;

static uint64_t romd_read(void *opaque, hwaddr off, unsigned size)
{
    return 0x51;
}

static void romd_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    romd_writes++;
    mr_set_romd(romd_mr, (v & 0xff) == 0xff);
}

static void test_rom_device(void **state)
{
    (void)state;
    static const MemOps ops = { .read = romd_read, .write = romd_write, .min_size = 1,
                                .max_size = 8 };
    if (!romd_mr) {
        romd_mr = mr_new_romd("toy-flash", TARGET_PAGE_SIZE, &ops, NULL, NULL);
        mr_add_subregion(root, 0x300000, romd_mr, 0);
    }
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        romd_writes = 0;
        memset(mr_ram_ptr(romd_mr), 0x5a, TARGET_PAGE_SIZE);
        c->env.remap = 0x300000;
        uint32_t prog[] = {
            toy_insn(T_LI, 4, 0, 0x80), toy_insn(T_SHLI, 4, 4, 16),     /* TOY_REMAP_VA */
            toy_insn(T_LDW, 1, 4, 8),                                   /* the storage */
            toy_insn(T_LI, 3, 0, 0x98), toy_insn(T_STW, 3, 4, 0),      /* a command */
            toy_insn(T_LDW, 2, 4, 8),                                   /* the device */
            toy_insn(T_LI, 3, 0, 0xff), toy_insn(T_STW, 3, 4, 0),      /* back to ROM */
            toy_insn(T_LDW, 5, 4, 8),
            toy_insn(T_HALT, 0, 0, 0),
        };
        put_code(0xd00, prog, ARRAY_SIZE(prog));
        run(c, 0xd00);
        assert_int_equal(c->env.r[1], 0x5a5a5a5a);
        assert_int_equal(c->env.r[2], 0x51);
        assert_int_equal(c->env.r[5], 0x5a5a5a5a);
        assert_int_equal(romd_writes, 2);
        assert_int_equal(mr_ram_ptr(romd_mr)[0], 0x5a);     /* stores never wrote it */
        /* Executing from it out of ROM mode is a bus error on the fetch
         * (an external abort on Arm), not the end of the emulator. */
        uint32_t jump[] = {
            toy_insn(T_LI, 3, 0, 0x98), toy_insn(T_STW, 3, 4, 0),
            toy_insn(T_ADDI, 4, 4, 0x10), toy_insn(T_JR, 4, 0, 0),
        };
        put_code(0xe00, jump, ARRAY_SIZE(jump));
        uint32_t handler[] = { toy_insn(T_HALT, 0, 0, 0) };
        put_code(0xf000, handler, 1);
        run(c, 0xe00);
        assert_int_equal(c->env.ecause, TOY_EXC_BUS);
        assert_int_equal(c->env.efar, TOY_REMAP_VA + 0x10);
        mr_set_romd(romd_mr, true);
    }
}

static void *irq_thread(void *arg)
{
    ToyCPU *c = arg;
    while (!__atomic_load_n(&c->cs.halted, __ATOMIC_SEQ_CST))
        usleep(1000);
    cpu_interrupt(&c->cs, CPU_INTERRUPT_HARD);
    return NULL;
}

static void test_interrupt_wakes_halted(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = { toy_insn(T_LI, 2, 0, 5), toy_insn(T_HALT, 0, 0, 0),
                            toy_insn(T_LI, 3, 0, 9), toy_insn(T_HALT, 0, 0, 0) };
        uint32_t irq[] = { toy_insn(T_LI, 1, 0, 77), toy_insn(T_ERET, 0, 0, 0) };
        put_code(0xd00, prog, ARRAY_SIZE(prog));
        put_code(0xf040, irq, ARRAY_SIZE(irq));
        c->env.pc = 0xd00;
        c->env.irq_enable = 1;
        /* the real vCPU thread: halts, sleeps, is woken by the interrupt */
        pthread_t th;
        pthread_create(&th, NULL, irq_thread, c);
        vcpus_start(0);
        pthread_join(th, NULL);
        while (__atomic_load_n(&c->env.r[3], __ATOMIC_SEQ_CST) != 9)
            usleep(1000);
        vcpus_shutdown();
        assert_int_equal(c->env.r[1], 77);
        assert_int_equal(c->env.r[2], 5);
        assert_int_equal(c->env.ecause, TOY_EXC_IRQ);
        assert_int_equal(c->env.epc, 0xd08);
    }
}

static void test_smp_round_robin(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c0 = setup_machine(cg, 0);
        ToyCPU *c1 = new_cpu();
        /* two CPUs that never halt on their own, each counting in RAM */
        uint32_t p0[] = { toy_insn(T_LI, 4, 0, 0x6000), toy_insn(T_ADDI, 1, 1, 1),
                          toy_insn(T_ST, 1, 4, 0), toy_insn(T_B, 0, 0, -2) };
        uint32_t p1[] = { toy_insn(T_LI, 4, 0, 0x6008), toy_insn(T_ADDI, 1, 1, 1),
                          toy_insn(T_ST, 1, 4, 0), toy_insn(T_B, 0, 0, -2) };
        put_code(0xe00, p0, ARRAY_SIZE(p0));
        put_code(0xe80, p1, ARRAY_SIZE(p1));
        c0->env.pc = 0xe00;
        c1->env.pc = 0xe80;
        vcpus_start(1000 * 1000);   /* 1 ms slices */
        volatile uint64_t *n0 = (uint64_t *)(ram + 0x6000), *n1 = (uint64_t *)(ram + 0x6008);
        while (*n0 < 100000 || *n1 < 100000)
            usleep(1000);
        vcpus_stop();
        uint64_t s0 = *n0, s1 = *n1;
        usleep(2000);
        assert_int_equal(*n0, s0);   /* stopped means stopped */
        assert_int_equal(*n1, s1);
        vcpus_shutdown();
        assert_int_equal(c0->cs.index, 0);
        assert_int_equal(c1->cs.index, 1);
    }
}

static void test_block_on_two_pages(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        /* an 8-byte instruction at 0x7ffc: its immediate is on the next page */
        uint32_t prog[] = { toy_insn(T_ADDI, 2, 2, 1), toy_insn(T_LIW, 1, 0, 0), 0x11111111,
                            toy_insn(T_HALT, 0, 0, 0) };
        put_code(0x7ff8, prog, ARRAY_SIZE(prog));
        run(c, 0x7ff8);
        assert_int_equal(c->env.r[1], 0x11111111);
        /* write only the second page's part: the block must be found there */
        uint32_t imm2 = 0x22222222;
        dev_lock();
        dma_write(as, 0x8000, &imm2, 4);
        dev_unlock();
        run(c, 0x7ff8);
        assert_int_equal(c->env.r[1], 0x22222222);
        assert_int_equal(c->env.r[2], 2);
    }
}

static void test_debug_logging(void **state)
{
    (void)state;
    const TCGCodegen *cg;
    /* with -d exec/cpu every block goes through the loop (no chaining);
     * the logs themselves go to stderr, silenced here */
    FOR_EACH_CG(cg) {
        ToyCPU *c = setup_machine(cg, 0);
        uint32_t prog[] = { toy_insn(T_LI, 1, 0, 10), toy_insn(T_ADDI, 2, 2, 1),
                            toy_insn(T_ADDI, 1, 1, -1), toy_insn(T_BNZ, 1, 0, -2),
                            toy_insn(T_HALT, 0, 0, 0) };
        put_code(0x900, prog, ARRAY_SIZE(prog));
        fflush(stderr);
        int saved = dup(2), null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        log_mask = LOG_EXEC | LOG_CPU | LOG_IN_ASM | LOG_OUT_ASM | LOG_OP | LOG_JITSTATS | LOG_CHAIN;
        run(c, 0x900);
        tcg_dump_stats(stderr);
        log_mask = 0;
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        close(null);
        assert_int_equal(c->env.r[2], 10);
        assert_int_equal(tcg_stats.chain_patches, 0);
        assert_true(tcg_stats.loop_entries >= 10);
        /* counters from generated code */
        assert_true(c->cs.counters[TCG_COUNTER_TB_ENTER] >= 10);
        assert_true(c->cs.counters[TCG_COUNTER_HELPER_CALL] >= 1);
    }
}

static int setup(void **state)
{
    (void)state;
    root = mr_new_container("system", UINT64_MAX);
    ram_mr = mr_new_ram("ram", TOY_RAM_SIZE, NULL);
    dev_mr = mr_new_mmio("dev", TARGET_PAGE_SIZE, &dev_ops, &dev);
    mr_add_subregion(root, 0, ram_mr, 0);
    mr_add_subregion(root, TOY_MMIO_BASE, dev_mr, 0);
    as = as_new("memory", root);
    ram = mr_ram_ptr(ram_mr);
    cgs[ncg++] = &tcg_codegen_interp;
    if (tcg_codegen_native())
        cgs[ncg++] = tcg_codegen_native();
    alarm(120);   /* a hang guard, not a timing assertion */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (CPUState *c; (c = cpu_first());) {
        cpu_remove(c);
        free(container_of(c, ToyCPU, cs));
    }
    tcg_exec_exit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_chain_unchain),
        cmocka_unit_test(test_self_modifying),
        cmocka_unit_test(test_dma_invalidation),
        cmocka_unit_test(test_buffer_full_flush),
        cmocka_unit_test(test_softmmu_paths),
        cmocka_unit_test(test_exception_mid_block),
        cmocka_unit_test(test_indirect_jump_cache),
        cmocka_unit_test(test_large_page_flush),
        cmocka_unit_test(test_rom_device),
        cmocka_unit_test(test_interrupt_wakes_halted),
        cmocka_unit_test(test_smp_round_robin),
        cmocka_unit_test(test_block_on_two_pages),
        cmocka_unit_test(test_debug_logging),
    };
    return cmocka_run_group_tests_name("tcg_cpu", tests, setup, teardown);
}
