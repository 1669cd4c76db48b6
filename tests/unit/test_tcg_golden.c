/*
 * test_tcg_golden.c — the x86-64 code emitted for a few chosen IR snippets,
 * compared instruction by instruction with a recorded listing (as FEX-Emu
 * does), so a change that makes translation slower or bigger shows up as
 * a diff. Addresses outside the block are printed as ADDR. After an
 * intended change, FERRY_GOLDEN_PRINT=1 prints the new listings to paste.
 *
 * Host features are pinned (BMI1/2, LZCNT, POPCNT on) so the listings do
 * not depend on the machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/tcg.h"
#include "tcg/tlb.h"

#if defined(__x86_64__)
#include "tcg/x86_64/asm.h"
#include "tests/unit/golden.h"

/* Like a target's state: registers near env, the CPUState with its TLB at
 * negative offsets (code is generated, not run, so no memory is needed). */
#define G_CPU_OFF (-0x60000)
#define G_TLB_OFF (-0x58000)
typedef struct GEnv {
    uint64_t x[8];
    uint32_t nzcv;
    uint64_t pc;
} GEnv;

static CodeBuf *cb;
static TCGContext *s;
static TCGv x[8], nzcv, pc;

static void check(const char *name, const char *want)
{
    TCGGenResult r;
    assert_int_equal(tcg_gen_code(s, &r), 0);
    golden_check(name, r.code, r.size, want);
}

static void test_add_globals(void **state)
{
    (void)state;
    tcg_func_start(s);
    ir_add(s, x[0], x[1], x[2]);
    ir_exit_tb(s, 0);
    check("add of two globals",
          "mov rbp, qword ptr [rbx + 0x10]\n"
          "mov r12, qword ptr [rbx + 8]\n"
          "add rbp, r12\n"
          "mov qword ptr [rbx], rbp\n"
          "jmp ADDR\n");
}

static void test_pc_update(void **state)
{
    (void)state;
    /* the usual block end: chained jump, then pc and exit when unchained */
    tcg_func_start(s);
    ir_addi(s, x[3], x[3], 4);
    ir_goto_tb(s, 0);
    ir_movi(s, pc, 0x400004);
    ir_exit_tb(s, 0x1000);
    check("goto_tb + pc update",
          "mov rbp, qword ptr [rbx + 0x18]\n"
          "add rbp, 4\n"
          "mov qword ptr [rbx + 0x18], rbp\n"
          "nop dword ptr [rax]\n"
          "jmp +0x14\n"
          "mov qword ptr [rbx + 0x48], 0x400004\n"
          "mov eax, 0x1000\n"
          "jmp ADDR\n");
}

static void test_flags(void **state)
{
    (void)state;
    /* A64-style: subs x0, x1, x2 with N/Z kept, then b.eq */
    tcg_func_start(s);
    TCGv t = ir_temp(s, TCG_I64), z = ir_temp(s, TCG_I32);
    TCGLabel l = ir_label(s);
    ir_sub(s, t, x[1], x[2]);
    ir_mov(s, x[0], t);
    ir_setcondi(s, COND_EQ, t, t, 0);
    ir_extrl_i64_i32(s, z, t);
    ir_mov(s, nzcv, z);
    ir_brcondi(s, COND_NE, z, 0, l);
    ir_movi(s, pc, 0x1000);
    ir_exit_tb(s, 0);
    ir_set_label(s, l);
    ir_movi(s, pc, 0x2000);
    ir_exit_tb(s, 0);
    check("compare and branch",
          "mov rbp, qword ptr [rbx + 8]\n"
          "mov r12, qword ptr [rbx + 0x10]\n"
          "sub rbp, r12\n"
          "mov qword ptr [rbx], rbp\n"
          "test rbp, rbp\n"
          "sete bpl\n"
          "movzx ebp, bpl\n"
          "mov ebp, ebp\n"
          "mov dword ptr [rbx + 0x40], ebp\n"
          "test ebp, ebp\n"
          "jne +0x33\n"
          "mov qword ptr [rbx + 0x48], 0x1000\n"
          "jmp ADDR\n"
          "mov qword ptr [rbx + 0x48], 0x2000\n"
          "jmp ADDR\n");
}

static void test_qemu_ld(void **state)
{
    (void)state;
    tcg_func_start(s);
    TCGv v = ir_temp(s, TCG_I64);
    ir_qemu_ld(s, v, x[1], 1, MO_64);
    ir_add(s, x[0], x[0], v);
    ir_exit_tb(s, 0);
    check("qemu_ld fast path and slow path",
          "mov rbp, qword ptr [rbx + 8]\n"
          "mov r12, rbp\n"
          "shr r12, 7\n"
          "and r12d, 0x7fe0\n"
          "lea r13, [rbp + 7]\n"
          "and r13, 0xfffffffffffff000\n"
          "cmp r13, qword ptr [rbx + r12 - 0x50000]\n"
          "jne +0x46\n"
          "mov r12, qword ptr [rbx + r12 - 0x4ffe8]\n"
          "mov rbp, qword ptr [rbp + r12]\n"
          "mov r12, qword ptr [rbx]\n"
          "add rbp, r12\n"
          "mov qword ptr [rbx], rbp\n"
          "jmp ADDR\n"
          "mov rsi, rbp\n"
          "lea rdi, [rbx - 0x60000]\n"
          "mov edx, 0x301\n"
          "lea rcx, [rip - 0x24]\n"
          "call ADDR\n"
          "mov rbp, rax\n"
          "jmp +0x38\n");
}

static void test_qemu_st_sync(void **state)
{
    (void)state;
    /* a dirty global is written back on the slow path only */
    tcg_func_start(s);
    ir_addi(s, x[2], x[2], 1);
    ir_qemu_st(s, x[2], x[1], 0, MO_32 | MO_ALIGN);
    ir_addi(s, x[2], x[2], 1);
    ir_exit_tb(s, 0);
    check("qemu_st with a dirty global",
          "mov rbp, qword ptr [rbx + 0x10]\n"
          "add rbp, 1\n"
          "mov r12, qword ptr [rbx + 8]\n"
          "mov r13, r12\n"
          "shr r13, 7\n"
          "and r13d, 0x7fe0\n"
          "mov r14, r12\n"
          "and r14, 0xfffffffffffff003\n"
          "cmp r14, qword ptr [rbx + r13 - 0x57ff8]\n"
          "jne +0x4b\n"
          "mov r13, qword ptr [rbx + r13 - 0x57fe8]\n"
          "mov dword ptr [r12 + r13], ebp\n"
          "add rbp, 1\n"
          "mov qword ptr [rbx + 0x10], rbp\n"
          "jmp ADDR\n"
          "mov qword ptr [rbx + 0x10], rbp\n"
          "mov rsi, r12\n"
          "mov rdx, rbp\n"
          "lea rdi, [rbx - 0x60000]\n"
          "mov ecx, 0x1200\n"
          "lea r8, [rip - 0x2a]\n"
          "call ADDR\n"
          "jmp +0x3e\n");
}

static int setup(void **state)
{
    (void)state;
    static const X86Features all = { .bmi1 = true, .bmi2 = true, .lzcnt = true, .popcnt = true };
    x86_backend_set_features(&all);
    cb = codebuf_new(1 * MiB, true, NULL);
    TCGEnvLayout lay = {
        .cpu_off = G_CPU_OFF,
        .tlb_off = G_TLB_OFF,
        .interp_frame_off = 0,
        .interp_frame_size = 0,
        .insn_start_words = 1,
    };
    s = tcg_context_new(tcg_codegen_native(), cb, &lay);
    static const char *const names[8] = { "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7" };
    for (int i = 0; i < 8; i++)
        x[i] = ir_global(s, TCG_I64, (int32_t)(offsetof(GEnv, x) + 8 * i), names[i]);
    nzcv = ir_global(s, TCG_I32, offsetof(GEnv, nzcv), "nzcv");
    pc = ir_global(s, TCG_I64, offsetof(GEnv, pc), "pc");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tcg_context_free(s);
    codebuf_free(cb);
    x86_backend_set_features(NULL);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_globals),
        cmocka_unit_test(test_pc_update),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_qemu_ld),
        cmocka_unit_test(test_qemu_st_sync),
    };
    return cmocka_run_group_tests_name("tcg_golden", tests, setup, teardown);
}
#else
int main(void)
{
    printf("[  PASSED  ] 0 test(s).\n");   /* no x86-64 backend on this host */
    return 0;
}
#endif
