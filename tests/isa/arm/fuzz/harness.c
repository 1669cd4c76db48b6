/*
 * harness.c — the oracle side of the A64 differential fuzzer: an aarch64
 * Linux program, run under qemu-aarch64-static (Debian's qemu-user-static,
 * used only as a test oracle). For each case of the case file it writes
 * the instruction words into a code page surrounded by BRKs, fills the
 * scratch data area, and runs the words from the case's register state;
 * the BRK (or fault) that ends them is caught and the full state is
 * printed in fuzz.h's line format.
 *
 * Entering and leaving use signal frames, so every register (X0-X30, SP,
 * NZCV, V0-V31) is set and read exactly: SIGUSR1's handler replaces its
 * saved context with the case's state (sigreturn then "returns" into the
 * test code); SIGTRAP/SIGILL/SIGSEGV/SIGBUS's handler records the state
 * and puts the harness context back. Handlers run on an alternate stack.
 *
 *   harness CASEFILE > results
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/sigcontext.h>

#include "fuzz.h"

static mcontext_t saved;
static const FuzzCase *cur;
static FuzzResult res;

static struct fpsimd_context *fpsimd_of(mcontext_t *mc)
{
    struct _aarch64_ctx *h = (struct _aarch64_ctx *)mc->__reserved;
    while (h->magic && h->size) {
        if (h->magic == FPSIMD_MAGIC)
            return (struct fpsimd_context *)h;
        h = (struct _aarch64_ctx *)((char *)h + h->size);
    }
    return NULL;
}

static void enter(int sig, siginfo_t *si, void *ucp)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucp;
    mcontext_t *mc = &uc->uc_mcontext;
    memcpy(&saved, mc, sizeof(saved));
    for (int i = 0; i < 31; i++)
        mc->regs[i] = cur->x[i];
    mc->sp = cur->sp;
    mc->pc = FUZZ_CODE_VA + 4ull * cur->slot;
    mc->pstate = (mc->pstate & ~0xf0000000ull) | (cur->nzcv & 0xf0000000ull);
    struct fpsimd_context *fp = fpsimd_of(mc);
    if (!fp)
        abort();
    for (int i = 0; i < 32; i++)
        memcpy(&fp->vregs[i], cur->v[i], 16);
    fp->fpcr = cur->fpcr;
    fp->fpsr = 0;
}

static void leave(int sig, siginfo_t *si, void *ucp)
{
    ucontext_t *uc = ucp;
    mcontext_t *mc = &uc->uc_mcontext;
    res.kind = sig == SIGTRAP ? FUZZ_TRAP : sig == SIGILL ? FUZZ_UNDEF : sig == SIGSEGV ? FUZZ_SEGV
             : sig == SIGBUS ? FUZZ_BUS : FUZZ_OTHER;
    res.pc = mc->pc;
    res.far = (uint64_t)si->si_addr;
    for (int i = 0; i < 31; i++)
        res.x[i] = mc->regs[i];
    res.sp = mc->sp;
    res.nzcv = mc->pstate & 0xf0000000ull;
    struct fpsimd_context *fp = fpsimd_of(mc);
    if (fp)
        for (int i = 0; i < 32; i++)
            memcpy(res.v[i], &fp->vregs[i], 16);
    memcpy(mc, &saved, sizeof(saved));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: harness CASEFILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    uint32_t *code = mmap((void *)FUZZ_CODE_VA, FUZZ_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    uint8_t *data = mmap((void *)FUZZ_DATA_VA, FUZZ_DATA_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (code == MAP_FAILED || data == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    stack_t ss = { .ss_sp = malloc(1 << 16), .ss_size = 1 << 16 };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
    sigemptyset(&sa.sa_mask);
    sa.sa_sigaction = enter;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_sigaction = leave;
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    static char line[FUZZ_LINE_MAX];
    FuzzCase c;
    while (fread(&c, sizeof(c), 1, f) == 1) {
        fuzz_code_fill(code, c.insns, c.ninsns, c.slot);
        __builtin___clear_cache((char *)code, (char *)code + FUZZ_CODE_SIZE);
        fuzz_data_fill(data, c.mem_seed);
        memset(&res, 0, sizeof(res));
        res.id = c.id;
        cur = &c;
        raise(SIGUSR1);
        res.pc -= FUZZ_CODE_VA;
        fuzz_format(line, sizeof(line), &res, data, c.mem_seed);
        fputs(line, stdout);
    }
    return 0;
}
