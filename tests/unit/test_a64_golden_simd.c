/*
 * test_a64_golden_simd.c — the x86-64 code ferry emits for a few A64 FP/SIMD
 * instructions, translated by the real frontend (one instruction per
 * block), compared instruction by instruction with a recorded listing, as
 * FEX-Emu does: a change that makes the translation of these hot
 * instructions slower or bigger shows up as a diff. Addresses outside the
 * block are printed as ADDR. After an intended change,
 * FERRY_GOLDEN_PRINT=1 prints the new listings to paste.
 *
 * Host features are pinned (BMI1/2, LZCNT, POPCNT on) so the listings do
 * not depend on the machine. The block is what a lone instruction becomes:
 * the instruction, then the chained exit to the next pc.
 */
#include "tests/unit/test.h"


#include "target/arm/cpu.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

#if defined(__x86_64__)
#include "tcg/x86_64/asm.h"
#include "tests/unit/golden.h"

#define RAM_BASE 0x40000000ull
#define CODE 0x40001000ull

static MemoryRegion *root, *ram_mr;
static AddressSpace *as;
static uint8_t *ram;
static ARMCPU *cpu;

/* Translate the one instruction w at CODE and compare its host code. */
static void check(uint32_t w, const char *name, const char *want)
{
    memcpy(ram + (CODE - RAM_BASE), &w, 4);
    tb_flush();
    CPUState *cs = &cpu->parent;
    uint64_t pc, cs_base;
    uint32_t flags;
    cpu->env.pc = CODE;
    arm_cpu_hooks.get_tb_key(cs, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_gen_code(cs, pc, cs_base, flags, 1 | CF_NOIRQ);
    assert_non_null(tb);
    golden_check(name, tb->tc, tb->tc_size, want);
}

static void test_add_4s(void **state)
{
    (void)state;
    check(0x4ea28420, "add v0.4s, v1.4s, v2.4s",
          "movdqu xmm0, xmmword ptr [rbx + 0x1e0]\n"
          "movdqu xmm1, xmmword ptr [rbx + 0x1f0]\n"
          "paddd xmm0, xmm1\n"
          "movdqu xmmword ptr [rbx + 0x1d0], xmm0\n"
          "nop dword ptr [rax]\n"
          "jmp +0x24\n"
          "mov qword ptr [rbx + 0x100], 0x40001004\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static void test_eor_16b(void **state)
{
    (void)state;
    check(0x6e221c20, "eor v0.16b, v1.16b, v2.16b",
          "movdqu xmm0, xmmword ptr [rbx + 0x1e0]\n"
          "movdqu xmm1, xmmword ptr [rbx + 0x1f0]\n"
          "pxor xmm0, xmm1\n"
          "movdqu xmmword ptr [rbx + 0x1d0], xmm0\n"
          "nop dword ptr [rax]\n"
          "jmp +0x24\n"
          "mov qword ptr [rbx + 0x100], 0x40001004\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static void test_fadd_d(void **state)
{
    (void)state;
    /* scalar FP: two loads, the fpu/ helper, the result and the cleared top */
    check(0x1e622820, "fadd d0, d1, d2",
          "mov rbp, qword ptr [rbx + 0x1e0]\n"
          "mov r12, qword ptr [rbx + 0x1f0]\n"
          "lea r13, [rbx + 0x184]\n"
          "mov rdi, rbp\n"
          "mov rsi, r12\n"
          "mov rdx, r13\n"
          "call ADDR\n"
          "mov qword ptr [rbx + 0x1d0], rax\n"
          "mov qword ptr [rbx + 0x1d8], 0\n"
          "nop\n"
          "jmp +0x3c\n"
          "mov qword ptr [rbx + 0x100], 0x40001004\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static int setup(void **state)
{
    (void)state;
    static const X86Features all = { .bmi1 = true, .bmi2 = true, .lzcnt = true, .popcnt = true };
    x86_backend_set_features(&all);
    root = mr_new_container("system", UINT64_MAX);
    ram_mr = mr_new_ram("ram", 4 * MiB, NULL);
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    as = as_new("memory", root);
    ram = mr_ram_ptr(ram_mr);
    assert_int_equal(tcg_exec_init(4 * MiB, tcg_codegen_native(), NULL), 0);
    cpu = arm_cpu_create(cpu_model_find("aarch64", "max"), as, NULL, NULL);
    assert_non_null(cpu);
    arm_cpu_reset_to(cpu, CODE, 1);
    cpu->env.sys.cpacr_el1 = 3u << 20;
    cpu_process_work();   /* the TLB flushes reset queued */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arm_cpu_destroy(cpu);
    tcg_exec_exit();
    x86_backend_set_features(NULL);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_4s),
        cmocka_unit_test(test_eor_16b),
        cmocka_unit_test(test_fadd_d),
    };
    return cmocka_run_group_tests_name("a64_golden_simd", tests, setup, teardown);
}

#else

int main(void)
{
    printf("a64_golden_simd: x86-64 hosts only; skipped\n");
    return 0;
}

#endif
