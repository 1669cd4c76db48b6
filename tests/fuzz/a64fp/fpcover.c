/*
 * fpcover.c — which scalar FP / AdvSIMD / crypto instructions of a real
 * binary ferry cannot execute. Reads `objdump -d` lines of an aarch64
 * binary (the Debian glibc or libcrypto, say) on stdin, keeps the distinct
 * instruction words of the "Data Processing -- Scalar Floating-Point and
 * Advanced SIMD" group (op0 = x111), executes each one alone on ferry's
 * `max` CPU (between a MOV and a BRK, FP enabled, registers zero) and
 * lists the ones that raise Undefined, with objdump's text. A by-hand
 * check, not part of `make check`:
 *
 *   aarch64-linux-gnu-objdump -d libc.so.6 | build/tests/fuzz/fpcover
 */
#include "core/log.h"
#include "core/memory.h"
#include "target/arm/cpu.h"
#include "tcg/codegen.h"
#include "tcg/tb.h"
#include "tcg/tcg.h"

#define RAM_BASE 0x40000000ull
#define CODE 0x40001000ull

static int caught = -1;

static bool intercept(ARMCPU *cpu, void *opaque)
{
    (void)opaque;
    caught = cpu->parent.exception_index;
    return true;
}

typedef struct Word {
    uint32_t w;
    char *text;
} Word;

static int cmp_word(const void *a, const void *b)
{
    uint32_t x = ((const Word *)a)->w, y = ((const Word *)b)->w;
    return x < y ? -1 : x > y;
}

int main(void)
{
    MemoryRegion *root = mr_new_container("system", UINT64_MAX);
    MemoryRegion *ram_mr = mr_new_ram("ram", 4 * MiB, NULL);
    mr_add_subregion(root, RAM_BASE, ram_mr, 0);
    AddressSpace *as = as_new("memory", root);
    uint8_t *ram = mr_ram_ptr(ram_mr);
    Error *err = NULL;
    if (tcg_exec_init(8 * MiB, &tcg_codegen_interp, &err) < 0)
        fatal_err(err);
    ARMCPU *cpu = arm_cpu_create(cpu_model_find("aarch64", "max"), as, NULL, &err);
    if (!cpu)
        fatal_err(err);
    cpu->exception_intercept = intercept;

    Word *words = NULL;
    size_t n = 0, cap = 0, lines = 0;
    char line[512];
    while (fgets(line, sizeof(line), stdin)) {
        char *p = strchr(line, ':');
        if (!p || p[1] != '\t')
            continue;
        char *end;
        unsigned long w = strtoul(p + 2, &end, 16);
        if (end != p + 10)
            continue;
        lines++;
        if (((w >> 25) & 7) != 7)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            words = xrealloc(words, cap * sizeof(*words));
        }
        char *text = end;
        while (*text == ' ' || *text == '\t')
            text++;
        text[strcspn(text, "\n<")] = 0;
        words[n].w = (uint32_t)w;
        words[n].text = xstrdup(text);
        n++;
    }
    qsort(words, n, sizeof(*words), cmp_word);
    size_t distinct = 0, undef = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && words[i].w == words[i - 1].w)
            continue;
        distinct++;
        uint32_t prog[3] = { 0xd2800020, words[i].w, 0xd4200000 };
        memcpy(ram + (CODE - RAM_BASE), prog, sizeof(prog));
        arm_cpu_reset_to(cpu, CODE, 1);
        cpu->env.sys.cpacr_el1 = 3u << 20;
        tb_flush();
        caught = -1;
        cpu->parent.halted = false;
        for (int guard = 0; guard < 100 && caught < 0; guard++) {
            cpu_process_work();
            cpu_exec(&cpu->parent);
        }
        if (caught != EXCP_BKPT) {
            undef++;
            printf("%08x  %-40s %s\n", words[i].w, words[i].text,
                   caught == EXCP_UDEF ? "Undefined" : "did not complete");
        }
    }
    printf("fpcover: %zu instructions, %zu FP/SIMD (%zu distinct words), %zu not executed\n", lines, n,
           distinct, undef);
    for (size_t i = 0; i < n; i++)
        free(words[i].text);
    free(words);
    arm_cpu_destroy(cpu);
    tcg_exec_exit();
    return undef ? 1 : 0;
}
