/*
 * test_a64_golden.c — the x86-64 code ferry emits for a few chosen A64
 * instructions, through the real frontend (decoder, translator,
 * optimizer, register allocator, backend), compared instruction by
 * instruction with a recorded listing (as FEX-Emu does): ADD (register),
 * SUBS + B.EQ, ADDS + B.VS, CMP (32-bit) + B.LT, LDR (register offset),
 * CBZ. A change that makes these
 * translations slower or bigger shows up as a diff. Addresses outside the
 * block print as ADDR. After an intended change, FERRY_GOLDEN_PRINT=1
 * prints the new listings to paste. (Loads at EL1 use MMU index 1, the
 * EL1&0 regime's EL1 TLB: target/arm/sys-internal.h.)
 *
 * Host features are pinned (BMI1/2, LZCNT, POPCNT) so the listings do not
 * depend on the machine.
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

/* Translate the words at CODE as one block and compare its host code. */
static void check(const char *name, const uint32_t *words, size_t n, const char *want)
{
    tb_flush();
    memcpy(ram + (CODE - RAM_BASE), words, n * 4);
    arm_cpu_reset_to(cpu, CODE, 1);
    uint64_t pc, cs_base;
    uint32_t flags;
    arm_cpu_hooks.get_tb_key(&cpu->parent, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_gen_code(&cpu->parent, pc, cs_base, flags, 0);
    golden_check(name, tb->tc, tb->tc_size, want);
}

static void test_add(void **state)
{
    (void)state;
    static const uint32_t w[] = {
        0x8b020020,   /* add x0, x1, x2 */
        0x14000000,   /* b . */
    };
    check("add x0, x1, x2", w, ARRAY_SIZE(w),
          "mov ebp, dword ptr [rbx - 4]\n"
          "test ebp, ebp\n"
          "jne +0x3a\n"
          "mov rbp, qword ptr [rbx + 0x10]\n"
          "mov r12, qword ptr [rbx + 8]\n"
          "add rbp, r12\n"
          "mov qword ptr [rbx], rbp\n"
          "nop\n"
          "jmp +0x20\n"
          "mov qword ptr [rbx + 0x100], 0x40001004\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static void test_subs_bcond(void **state)
{
    (void)state;
    static const uint32_t w[] = {
        0xeb050083,   /* subs x3, x4, x5 */
        0x54000040,   /* b.eq .+8 */
    };
    check("subs x3, x4, x5; b.eq", w, ARRAY_SIZE(w),
          "mov ebp, dword ptr [rbx - 4]\n"
          "test ebp, ebp\n"
          "jne +0x9a\n"
          "mov rbp, qword ptr [rbx + 0x20]\n"
          "mov r12, qword ptr [rbx + 0x28]\n"
          "mov r13, rbp\n"
          "sub r13, r12\n"
          "cmp rbp, r12\n"
          "setae r14b\n"
          "movzx r14d, r14b\n"
          "mov qword ptr [rbx + 0x118], r14\n"
          "xor r12, rbp\n"
          "xor rbp, r13\n"
          "and rbp, r12\n"
          "mov qword ptr [rbx + 0x120], rbp\n"
          "mov rbp, r13\n"
          "mov qword ptr [rbx + 0x108], r13\n"
          "mov qword ptr [rbx + 0x18], r13\n"
          "mov qword ptr [rbx + 0x110], rbp\n"
          "test rbp, rbp\n"
          "je +0x7a\n"
          "nop\n"
          "jmp +0x60\n"
          "mov qword ptr [rbx + 0x100], 0x40001008\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "nop\n"
          "jmp +0x80\n"
          "mov qword ptr [rbx + 0x100], 0x4000100c\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static void test_adds_bcond(void **state)
{
    (void)state;
    static const uint32_t w[] = {
        0xab050083,   /* adds x3, x4, x5 */
        0x54000046,   /* b.vs .+8 */
    };
    check("adds x3, x4, x5; b.vs", w, ARRAY_SIZE(w),
          "mov ebp, dword ptr [rbx - 4]\n"
          "test ebp, ebp\n"
          "jne +0x9e\n"
          "mov rbp, qword ptr [rbx + 0x20]\n"
          "xor r12d, r12d\n"
          "mov r13, qword ptr [rbx + 0x28]\n"
          "mov r14, rbp\n"
          "mov r15, r12\n"
          "mov r10, r12\n"
          "add rbp, r13\n"
          "adc r12, r15\n"
          "mov r15, rbp\n"
          "xor r15, r14\n"
          "xor r13, r14\n"
          "andn r13, r13, r15\n"
          "mov qword ptr [rbx + 0x118], r12\n"
          "mov r12, rbp\n"
          "mov qword ptr [rbx + 0x110], r12\n"
          "mov qword ptr [rbx + 0x108], rbp\n"
          "mov qword ptr [rbx + 0x18], rbp\n"
          "mov qword ptr [rbx + 0x120], r13\n"
          "cmp r13, r10\n"
          "jl +0x7e\n"
          "jmp +0x64\n"
          "mov qword ptr [rbx + 0x100], 0x40001008\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "nop\n"
          "jmp +0x84\n"
          "mov qword ptr [rbx + 0x100], 0x4000100c\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static void test_cmp32_blt(void **state)
{
    (void)state;
    static const uint32_t w[] = {
        0x6b02003f,   /* cmp w1, w2 */
        0x5400004b,   /* b.lt .+8 */
    };
    check("cmp w1, w2; b.lt", w, ARRAY_SIZE(w),
          "mov ebp, dword ptr [rbx - 4]\n"
          "test ebp, ebp\n"
          "jne +0xa2\n"
          "mov rbp, qword ptr [rbx + 8]\n"
          "shl rbp, 0x20\n"
          "mov r12, qword ptr [rbx + 0x10]\n"
          "shl r12, 0x20\n"
          "mov r13, rbp\n"
          "sub r13, r12\n"
          "cmp rbp, r12\n"
          "setae r14b\n"
          "movzx r14d, r14b\n"
          "mov qword ptr [rbx + 0x118], r14\n"
          "xor r12, rbp\n"
          "xor rbp, r13\n"
          "and rbp, r12\n"
          "mov r12, r13\n"
          "mov qword ptr [rbx + 0x110], r12\n"
          "mov qword ptr [rbx + 0x108], r13\n"
          "mov qword ptr [rbx + 0x120], rbp\n"
          "xor rbp, r13\n"
          "test rbp, rbp\n"
          "jl +0x82\n"
          "nop dword ptr [rax]\n"
          "jmp +0x68\n"
          "mov qword ptr [rbx + 0x100], 0x40001008\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "nop\n"
          "jmp +0x88\n"
          "mov qword ptr [rbx + 0x100], 0x4000100c\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static void test_ldr_regoffset(void **state)
{
    (void)state;
    static const uint32_t w[] = {
        0xf86878e6,   /* ldr x6, [x7, x8, lsl #3] */
        0x14000000,   /* b . */
    };
    check("ldr x6, [x7, x8, lsl #3]", w, ARRAY_SIZE(w),
          "mov ebp, dword ptr [rbx - 4]\n"
          "test ebp, ebp\n"
          "jne +0x72\n"
          "mov rbp, qword ptr [rbx + 0x40]\n"
          "shl rbp, 3\n"
          "mov r12, qword ptr [rbx + 0x38]\n"
          "add rbp, r12\n"
          "mov r12, rbp\n"
          "shr r12, 7\n"
          "and r12d, 0x7fe0\n"
          "lea r13, [rbp + 7]\n"
          "and r13, 0xfffffffffffff000\n"
          "cmp r13, qword ptr [rbx + r12 - 0x78008]\n"
          "jne +0x81\n"
          "mov r12, qword ptr [rbx + r12 - 0x77ff0]\n"
          "mov rbp, qword ptr [rbp + r12]\n"
          "mov qword ptr [rbx + 0x30], rbp\n"
          "nop\n"
          "jmp +0x58\n"
          "mov qword ptr [rbx + 0x100], 0x40001004\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "mov rsi, rbp\n"
          "lea rdi, [rbx - 0xcbab0]\n"
          "mov edx, 0x301\n"
          "lea rcx, [rip - 0x49]\n"
          "call ADDR\n"
          "mov rbp, rax\n"
          "jmp +0x4e\n");
}

static void test_cbz(void **state)
{
    (void)state;
    static const uint32_t w[] = {
        0xb4000049,   /* cbz x9, .+8 */
    };
    check("cbz x9", w, ARRAY_SIZE(w),
          "mov ebp, dword ptr [rbx - 4]\n"
          "test ebp, ebp\n"
          "jne +0x5a\n"
          "mov rbp, qword ptr [rbx + 0x48]\n"
          "test rbp, rbp\n"
          "je +0x3a\n"
          "nop dword ptr [rax]\n"
          "jmp +0x20\n"
          "mov qword ptr [rbx + 0x100], 0x40001004\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "nop\n"
          "jmp +0x40\n"
          "mov qword ptr [rbx + 0x100], 0x40001008\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n"
          "movabs rax, ADDR\n"
          "jmp ADDR\n");
}

static int setup(void **state)
{
    (void)state;
    static const X86Features all = { .bmi1 = true, .bmi2 = true, .lzcnt = true, .popcnt = true };
    x86_backend_set_features(&all);
    root = mr_new_container("system", UINT64_MAX);
    ram_mr = mr_new_ram("ram", 1 * MiB, NULL);
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    as = as_new("memory", root);
    ram = mr_ram_ptr(ram_mr);
    tcg_exec_exit();
    assert_int_equal(tcg_exec_init(4 * MiB, tcg_codegen_native(), NULL), 0);
    cpu_process_work();   /* this thread is the vCPU thread: flushes run directly */
    cpu = arm_cpu_create(cpu_model_find("aarch64", "cortex-a57"), as, NULL, NULL);
    assert_non_null(cpu);
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
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_subs_bcond),
        cmocka_unit_test(test_adds_bcond),
        cmocka_unit_test(test_cmp32_blt),
        cmocka_unit_test(test_ldr_regoffset),
        cmocka_unit_test(test_cbz),
    };
    return cmocka_run_group_tests_name("a64_golden", tests, setup, teardown);
}
#else
int main(void)
{
    printf("[  PASSED  ] 0 test(s).\n");   /* no x86-64 backend on this host */
    return 0;
}
#endif
