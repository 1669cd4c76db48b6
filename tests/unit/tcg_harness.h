/*
 * tcg_harness.h — shared by the translator unit tests: a test CPU-state
 * struct with globals for inputs/outputs, and the list of code generator
 * configurations every test runs on (each backend, optimizer on and off).
 */
#ifndef FERRY_TESTS_TCG_HARNESS_H
#define FERRY_TESTS_TCG_HARNESS_H

#include "tcg/codebuf.h"
#include "tcg/codegen.h"
#include "tcg/ir.h"
#include "tcg/tcg.h"
#if defined(__x86_64__)
#include "tcg/x86_64/asm.h"
#endif

typedef struct TestEnv {
    uint64_t in[6];
    uint32_t in32[6];
    uint64_t out[4];
    uint32_t out32[4];
    uint8_t buf[64] __attribute__((aligned(16)));
    uint8_t vec[8][16] __attribute__((aligned(16)));
    uint64_t scratch[8];
    uint64_t frame[1024];
} TestEnv;

typedef struct Harness {
    const TCGCodegen *cg;
    bool opt;
    CodeBuf *cb;
    TCGContext *s;
    TCGv in[6], in32[6], out[4], out32[4];
    bool basic_isa;     /* native: without optional host instructions */
    char label[64];
} Harness;

#define MAX_CONFIGS 5

static inline int harness_configs(Harness *hs)
{
    int n = 0;
    const TCGCodegen *cgs[2] = { &tcg_codegen_interp, tcg_codegen_native() };
    for (int b = 0; b < 3; b++) {
        if (!cgs[b > 0])
            continue;
        for (int o = 1; o >= 0; o--) {
            if (b == 2 && !o)
                continue;   /* basic-ISA native: optimized only */
            Harness *h = &hs[n++];
            memset(h, 0, sizeof(*h));
            h->cg = cgs[b > 0];
            h->basic_isa = b == 2;
            h->opt = o;
            h->cb = codebuf_new(4 * MiB, b > 0, NULL);
            TCGEnvLayout lay = {
                .interp_frame_off = offsetof(TestEnv, frame),
                .interp_frame_size = sizeof(((TestEnv *)0)->frame),
                .insn_start_words = 1,
            };
            h->s = tcg_context_new(h->cg, h->cb, &lay);
            h->s->optimize = h->opt;
            static const char *const n64[] = { "in0", "in1", "in2", "in3", "in4", "in5" };
            static const char *const n32[] = { "w0", "w1", "w2", "w3", "w4", "w5" };
            static const char *const o64[] = { "out0", "out1", "out2", "out3" };
            static const char *const o32[] = { "wout0", "wout1", "wout2", "wout3" };
            for (int i = 0; i < 6; i++) {
                h->in[i] = ir_global(h->s, TCG_I64, offsetof(TestEnv, in[i]), n64[i]);
                h->in32[i] = ir_global(h->s, TCG_I32, offsetof(TestEnv, in32[i]), n32[i]);
            }
            for (int i = 0; i < 4; i++) {
                h->out[i] = ir_global(h->s, TCG_I64, offsetof(TestEnv, out[i]), o64[i]);
                h->out32[i] = ir_global(h->s, TCG_I32, offsetof(TestEnv, out32[i]), o32[i]);
            }
            snprintf(h->label, sizeof(h->label), "%s%s%s", h->cg->name, h->opt ? "" : "/noopt",
                     h->basic_isa ? "/basic-isa" : "");
        }
    }
    return n;
}

static inline void harness_free(Harness *hs, int n)
{
    for (int i = 0; i < n; i++) {
        tcg_context_free(hs[i].s);
        codebuf_free(hs[i].cb);
    }
}

/* Start a block, resetting the buffer when it runs low. */
static inline TCGContext *harness_begin(Harness *h)
{
    if (codebuf_avail(h->cb) < 256 * KiB)
        codebuf_reset(h->cb);
#if defined(__x86_64__)
    /* host instruction set used for this configuration's code */
    static const X86Features basic;
    x86_backend_set_features(h->basic_isa ? &basic : NULL);
#endif
    tcg_func_start(h->s);
    return h->s;
}

/* Finish with exit_tb(0) and generate; returns the code. */
static inline const void *harness_finish(Harness *h)
{
    TCGGenResult r;
    ir_exit_tb(h->s, 0);
    if (tcg_gen_code(h->s, &r) < 0) {
        codebuf_reset(h->cb);
        if (tcg_gen_code(h->s, &r) < 0) {
            fprintf(stderr, "harness: code generation failed\n");
            abort();
        }
    }
    return r.code;
}

static inline uintptr_t harness_run(Harness *h, const void *code, TestEnv *env)
{
    return h->cg->exec(h->s, env, code);
}

static inline TCGv h_in(Harness *h, TCGType t, int i) { return t == TCG_I64 ? h->in[i] : h->in32[i]; }
static inline TCGv h_out(Harness *h, TCGType t, int i) { return t == TCG_I64 ? h->out[i] : h->out32[i]; }
static inline void env_set_in(TestEnv *e, TCGType t, int i, uint64_t v)
{
    if (t == TCG_I64)
        e->in[i] = v;
    else
        e->in32[i] = (uint32_t)v;
}
static inline uint64_t env_out(const TestEnv *e, TCGType t, int i)
{
    return t == TCG_I64 ? e->out[i] : e->out32[i];
}

#endif
