/*
 * harness.c — the oracle side of the FP/AdvSIMD/crypto differential
 * fuzzer: an aarch64 Linux program run under Debian's qemu-aarch64-static
 * (a test oracle only). For each case in the case file it places the
 * instruction words in a code page full of BRKs, fills the data area,
 * enters the words with the case's registers (X0-X30, SP, NZCV, V0-V31,
 * FPCR, FPSR) and prints the state the ending BRK (or fault) leaves, in
 * fpfuzz.h's line format.
 *
 * State goes in and out through signal frames, so every register is set
 * and read exactly: raising SIGUSR1 lands in a handler that saves the
 * harness's own context and rewrites the frame with the case's state
 * (sigreturn then resumes in the test code); the BRK's SIGTRAP (or
 * SIGILL/SIGSEGV/SIGBUS) lands in a handler that records the frame and
 * rewrites it with the saved context. Both run on an alternate stack.
 *
 *   harness CASEFILE > results
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/sigcontext.h>

#include "fpfuzz.h"

static mcontext_t harness_ctx;
static const FuzzCase *running;
static FuzzResult out;

static struct fpsimd_context *find_fpsimd(mcontext_t *mc)
{
    for (struct _aarch64_ctx *h = (struct _aarch64_ctx *)mc->__reserved; h->magic && h->size;
         h = (struct _aarch64_ctx *)((char *)h + h->size))
        if (h->magic == FPSIMD_MAGIC)
            return (struct fpsimd_context *)h;
    return NULL;
}

static void on_enter(int sig, siginfo_t *si, void *p)
{
    (void)sig;
    (void)si;
    mcontext_t *mc = &((ucontext_t *)p)->uc_mcontext;
    struct fpsimd_context *fp = find_fpsimd(mc);
    if (!fp)
        abort();
    harness_ctx = *mc;
    for (int i = 0; i < 31; i++)
        mc->regs[i] = running->x[i];
    mc->sp = running->sp;
    mc->pc = FUZZ_CODE_VA + 4ull * running->slot;
    mc->pstate = (mc->pstate & ~0xf0000000ull) | (running->nzcv & 0xf0000000ull);
    for (int i = 0; i < 32; i++)
        memcpy(&fp->vregs[i], running->v[i], 16);
    fp->fpcr = running->fpcr;
    fp->fpsr = (uint32_t)running->fpsr;
}

static void on_leave(int sig, siginfo_t *si, void *p)
{
    mcontext_t *mc = &((ucontext_t *)p)->uc_mcontext;
    switch (sig) {
    case SIGTRAP: out.kind = FUZZ_TRAP; break;
    case SIGILL: out.kind = FUZZ_UNDEF; break;
    case SIGSEGV: out.kind = FUZZ_SEGV; break;
    case SIGBUS: out.kind = FUZZ_BUS; break;
    default: out.kind = FUZZ_OTHER; break;
    }
    out.pc = mc->pc;
    out.far = (uint64_t)si->si_addr;
    for (int i = 0; i < 31; i++)
        out.x[i] = mc->regs[i];
    out.sp = mc->sp;
    out.nzcv = mc->pstate & 0xf0000000ull;
    struct fpsimd_context *fp = find_fpsimd(mc);
    if (fp) {
        for (int i = 0; i < 32; i++)
            memcpy(out.v[i], &fp->vregs[i], 16);
        out.fpsr = fp->fpsr;
        /* the harness's own FP environment back to the default */
        fp->fpcr = 0;
        fp->fpsr = 0;
    }
    *mc = harness_ctx;
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
    stack_t alt = { .ss_sp = malloc(1 << 16), .ss_size = 1 << 16 };
    if (!alt.ss_sp || sigaltstack(&alt, NULL) < 0) {
        perror("sigaltstack");
        return 2;
    }
    struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
    sigemptyset(&sa.sa_mask);
    sa.sa_sigaction = on_enter;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_sigaction = on_leave;
    static const int ends[] = { SIGTRAP, SIGILL, SIGSEGV, SIGBUS };
    for (unsigned i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
        sigaction(ends[i], &sa, NULL);

    /* a line at a time: if the oracle itself dies, the results so far
     * (and so the case that killed it) are known */
    setvbuf(stdout, NULL, _IOLBF, 0);
    static char line[FUZZ_LINE_MAX];
    static FuzzCase c;
    while (fread(&c, sizeof(c), 1, f) == 1) {
        fuzz_code_fill(code, c.insns, c.ninsns, c.slot);
        __builtin___clear_cache((char *)code, (char *)code + FUZZ_CODE_SIZE);
        fuzz_data_fill(data, c.mem_seed);
        memset(&out, 0, sizeof(out));
        out.id = c.id;
        running = &c;
        raise(SIGUSR1);
        out.pc -= FUZZ_CODE_VA;
        fuzz_format(line, sizeof(line), &out, data, c.mem_seed);
        fputs(line, stdout);
    }
    return 0;
}
