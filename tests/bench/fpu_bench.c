/*
 * fpu_bench.c — a micro-benchmark of fpu/: nanoseconds per operation for
 * the binary32/64 arithmetic with the host fast path and with the soft
 * path only, and for binary16 (soft only).  Not part of `make check`
 * (tests assert behaviour, never timing); build and run it by hand with
 * `make bench-fpu`.
 *
 * Operands are normal numbers of moderate exponent (the common case the
 * fast path is for), generated up front; each operation runs over the
 * same array and the results are folded into a checksum so the work is
 * not optimised away.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fpu/softfloat.h"

#define N 4096
#define ROUNDS 400

static uint64_t a64[N], b64[N], c64[N];
static uint32_t a32[N], b32[N], c32[N];
static uint16_t a16[N], b16[N], c16[N];

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum { ADD, MUL, DIV, SQRT, FMA, NOPS };
static const char *names[] = { "add", "mul", "div", "sqrt", "fma" };

static uint64_t sink;

static double run64(int op, bool soft)
{
    FPStatus st;
    fp_status_init(&st, FP_PROFILE_ARM);
    st.soft_only = soft;
    uint64_t acc = 0;
    double t0 = now();
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            switch (op) {
            case ADD: acc += sf64_add(a64[i], b64[i], &st); break;
            case MUL: acc += sf64_mul(a64[i], b64[i], &st); break;
            case DIV: acc += sf64_div(a64[i], b64[i], &st); break;
            case SQRT: acc += sf64_sqrt(a64[i], &st); break;
            default: acc += sf64_muladd(a64[i], b64[i], c64[i], 0, &st); break;
            }
        }
    }
    double t = now() - t0;
    sink += acc + st.flags;
    return t * 1e9 / ((double)N * ROUNDS);
}

static double run32(int op, bool soft)
{
    FPStatus st;
    fp_status_init(&st, FP_PROFILE_ARM);
    st.soft_only = soft;
    uint64_t acc = 0;
    double t0 = now();
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            switch (op) {
            case ADD: acc += sf32_add(a32[i], b32[i], &st); break;
            case MUL: acc += sf32_mul(a32[i], b32[i], &st); break;
            case DIV: acc += sf32_div(a32[i], b32[i], &st); break;
            case SQRT: acc += sf32_sqrt(a32[i], &st); break;
            default: acc += sf32_muladd(a32[i], b32[i], c32[i], 0, &st); break;
            }
        }
    }
    double t = now() - t0;
    sink += acc + st.flags;
    return t * 1e9 / ((double)N * ROUNDS);
}

static double run16(int op)
{
    FPStatus st;
    fp_status_init(&st, FP_PROFILE_ARM);
    uint64_t acc = 0;
    double t0 = now();
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            switch (op) {
            case ADD: acc += sf16_add(a16[i], b16[i], &st); break;
            case MUL: acc += sf16_mul(a16[i], b16[i], &st); break;
            case DIV: acc += sf16_div(a16[i], b16[i], &st); break;
            case SQRT: acc += sf16_sqrt(a16[i], &st); break;
            default: acc += sf16_muladd(a16[i], b16[i], c16[i], 0, &st); break;
            }
        }
    }
    double t = now() - t0;
    sink += acc + st.flags;
    return t * 1e9 / ((double)N * ROUNDS);
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        /* positive normals with exponents within ±64 of 1.0 (±8 for half) */
        a64[i] = (uint64_t)(1023 - 64 + next() % 128) << 52 | (next() >> 12);
        b64[i] = (uint64_t)(1023 - 64 + next() % 128) << 52 | (next() >> 12);
        c64[i] = (uint64_t)(1023 - 64 + next() % 128) << 52 | (next() >> 12);
        a32[i] = (uint32_t)(127 - 32 + next() % 64) << 23 | (uint32_t)(next() >> 41);
        b32[i] = (uint32_t)(127 - 32 + next() % 64) << 23 | (uint32_t)(next() >> 41);
        c32[i] = (uint32_t)(127 - 32 + next() % 64) << 23 | (uint32_t)(next() >> 41);
        a16[i] = (uint16_t)((15 - 4 + next() % 8) << 10 | (next() >> 54));
        b16[i] = (uint16_t)((15 - 4 + next() % 8) << 10 | (next() >> 54));
        c16[i] = (uint16_t)((15 - 4 + next() % 8) << 10 | (next() >> 54));
    }
    printf("%-6s %12s %12s %8s %12s %12s %8s %12s\n", "op", "f64 fast", "f64 soft", "speedup",
           "f32 fast", "f32 soft", "speedup", "f16 (soft)");
    for (int op = 0; op < NOPS; op++) {
        double f64f = run64(op, false), f64s = run64(op, true);
        double f32f = run32(op, false), f32s = run32(op, true);
        double f16s = run16(op);
        printf("%-6s %9.2f ns %9.2f ns %7.1fx %9.2f ns %9.2f ns %7.1fx %9.2f ns\n", names[op],
               f64f, f64s, f64s / f64f, f32f, f32s, f32s / f32f, f16s);
    }
    printf("(checksum %llx)\n", (unsigned long long)sink);
    return 0;
}
