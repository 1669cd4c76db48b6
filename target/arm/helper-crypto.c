/*
 * helper-crypto.c — the Cryptographic Extension helpers: AESE, AESD,
 * AESMC, AESIMC, SHA1C, SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1, SHA256H,
 * SHA256H2, SHA256SU0, SHA256SU1. Each is fn(env, desc) (simd.h).
 *
 * Follows DDI 0487 C7.2 (the instruction pages and their shared
 * functions AESSubBytes/AESShiftRows/AESMixColumns and inverses,
 * SHAchoose, SHAparity, SHAmajority, SHA256hash, SHAhashSIGMA0/1) and
 * FIPS 197 (AES: the S-box is built here from its definition, the
 * multiplicative inverse in GF(2^8) mod x^8+x^4+x^3+x+1 followed by the
 * affine transformation of §5.1.1; byte i of the register is byte i of
 * the FIPS 197 state, column-major) and FIPS 180-4 (SHA-1/SHA-256 round
 * functions, which the instructions compute four rounds at a time).
 */
#include "target/arm/simd-helpers.h"
#include "target/arm/simd.h"

#define HFLAGS (TCG_CALL_NO_READ_G | TCG_CALL_NO_WRITE_G)

/* ---- AES ----------------------------------------------------------------------------------- */

/* S-box, its inverse, and the GF(2^8) products MixColumns and
 * InvMixColumns need (by 2, 3, 9, 11, 13, 14), built once at start-up */
static uint8_t sbox[256], inv_sbox[256];
static uint8_t mul_tab[6][256];
enum { M2, M3, M9, M11, M13, M14 };

/* multiplication in GF(2^8) modulo the AES polynomial 0x11b */
static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static uint8_t rotl8(uint8_t x, unsigned n)
{
    return (uint8_t)((x << n) | (x >> (8 - n)));
}

REGISTER_AT_STARTUP(build_aes_tables)
{
    static const uint8_t factors[6] = { 2, 3, 9, 11, 13, 14 };
    for (unsigned x = 0; x < 256; x++) {
        /* inverse: x^254 (0 maps to 0) */
        uint8_t inv = 0;
        if (x) {
            uint8_t p = 1, base = (uint8_t)x;
            for (unsigned e = 254; e; e >>= 1) {
                if (e & 1)
                    p = gmul(p, base);
                base = gmul(base, base);
            }
            inv = p;
        }
        /* affine: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63 */
        uint8_t s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
        for (unsigned f = 0; f < 6; f++)
            mul_tab[f][x] = gmul((uint8_t)x, factors[f]);
    }
}

/* ShiftRows: byte r + 4c takes byte r + 4((c + r) mod 4) */
static const uint8_t shift_rows[16] = { 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11 };
static const uint8_t inv_shift_rows[16] = { 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3 };

/* AESE: SubBytes(ShiftRows(Vd ^ Vn)); AESD: InvSubBytes(InvShiftRows(Vd ^ Vn)) */
static void aes_round(CPUARMState *env, uint32_t desc, bool decrypt)
{
    const ARMVReg *vd = &env->vregs[sd_rd(desc)], *vn = &env->vregs[sd_rn(desc)];
    uint8_t st[16];
    for (unsigned i = 0; i < 16; i++)
        st[i] = vd->b[i] ^ vn->b[i];
    ARMVReg r;
    for (unsigned i = 0; i < 16; i++)
        r.b[i] = decrypt ? inv_sbox[st[inv_shift_rows[i]]] : sbox[st[shift_rows[i]]];
    vwrite(env, sd_rd(desc), &r, 16);
}
static void helper_aese(CPUARMState *env, uint32_t desc) { aes_round(env, desc, false); }
static void helper_aesd(CPUARMState *env, uint32_t desc) { aes_round(env, desc, true); }

/* AESMC/AESIMC: (Inv)MixColumns of Vn, each column the 4 bytes 4c..4c+3:
 * row r is sum over k of m[(k - r) mod 4] * a[k], m = {2,3,1,1} / {14,11,13,9} */
static void mix_columns(CPUARMState *env, uint32_t desc, bool inverse)
{
    const ARMVReg *vn = &env->vregs[sd_rn(desc)];
    ARMVReg r;
    for (unsigned c = 0; c < 4; c++) {
        const uint8_t *a = &vn->b[4 * c];
        for (unsigned row = 0; row < 4; row++) {
            uint8_t a0 = a[row], a1 = a[(row + 1) & 3], a2 = a[(row + 2) & 3], a3 = a[(row + 3) & 3];
            r.b[4 * c + row] = inverse ? mul_tab[M14][a0] ^ mul_tab[M11][a1] ^ mul_tab[M13][a2] ^
                                             mul_tab[M9][a3]
                                       : mul_tab[M2][a0] ^ mul_tab[M3][a1] ^ a2 ^ a3;
        }
    }
    vwrite(env, sd_rd(desc), &r, 16);
}
static void helper_aesmc(CPUARMState *env, uint32_t desc) { mix_columns(env, desc, false); }
static void helper_aesimc(CPUARMState *env, uint32_t desc) { mix_columns(env, desc, true); }

/* ---- SHA-1 -------------------------------------------------------------------------------------- */

static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> ((32 - n) & 31)); }
static inline uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << ((32 - n) & 31)); }

static inline uint32_t sha_choose(uint32_t x, uint32_t y, uint32_t z) { return ((y ^ z) & x) ^ z; }
static inline uint32_t sha_parity(uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; }
static inline uint32_t sha_majority(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) | ((x | y) & z);
}

/* SHA1C/SHA1P/SHA1M: four rounds; X = Vd (a b c d in words 0..3), Y = Sn (e),
 * W = Vm (the four w + k values) */
static void sha1_rounds(CPUARMState *env, uint32_t desc, int f)
{
    uint32_t x[4], y = env->vregs[sd_rn(desc)].s[0];
    memcpy(x, env->vregs[sd_rd(desc)].s, 16);
    const ARMVReg *w = &env->vregs[sd_rm(desc)];
    for (unsigned e = 0; e < 4; e++) {
        uint32_t t = f == 0 ? sha_choose(x[1], x[2], x[3])
                   : f == 1 ? sha_parity(x[1], x[2], x[3]) : sha_majority(x[1], x[2], x[3]);
        y = y + rol32(x[0], 5) + t + w->s[e];
        x[1] = rol32(x[1], 30);
        /* <Y, X> = ROL(Y:X, 32) */
        uint32_t top = x[3];
        x[3] = x[2];
        x[2] = x[1];
        x[1] = x[0];
        x[0] = y;
        y = top;
    }
    ARMVReg r;
    memcpy(r.s, x, 16);
    vwrite(env, sd_rd(desc), &r, 16);
}
static void helper_sha1c(CPUARMState *env, uint32_t desc) { sha1_rounds(env, desc, 0); }
static void helper_sha1p(CPUARMState *env, uint32_t desc) { sha1_rounds(env, desc, 1); }
static void helper_sha1m(CPUARMState *env, uint32_t desc) { sha1_rounds(env, desc, 2); }

/* SHA1H: Sd = ROL(Sn, 30) */
static void helper_sha1h(CPUARMState *env, uint32_t desc)
{
    ARMVReg r = { { 0, 0 } };
    r.s[0] = rol32(env->vregs[sd_rn(desc)].s[0], 30);
    vwrite(env, sd_rd(desc), &r, 16);
}

/* SHA1SU0: (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm */
static void helper_sha1su0(CPUARMState *env, uint32_t desc)
{
    const ARMVReg *d = &env->vregs[sd_rd(desc)], *n = &env->vregs[sd_rn(desc)];
    const ARMVReg *m = &env->vregs[sd_rm(desc)];
    ARMVReg r = { { d->d[1] ^ d->d[0] ^ m->d[0], n->d[0] ^ d->d[1] ^ m->d[1] } };
    vwrite(env, sd_rd(desc), &r, 16);
}

/* SHA1SU1: T = Vd ^ (Vn >> 32); each word ROL 1, the top one also ^ ROL(T0, 2) */
static void helper_sha1su1(CPUARMState *env, uint32_t desc)
{
    const ARMVReg *d = &env->vregs[sd_rd(desc)], *n = &env->vregs[sd_rn(desc)];
    uint32_t t[4] = { d->s[0] ^ n->s[1], d->s[1] ^ n->s[2], d->s[2] ^ n->s[3], d->s[3] };
    ARMVReg r;
    r.s[0] = rol32(t[0], 1);
    r.s[1] = rol32(t[1], 1);
    r.s[2] = rol32(t[2], 1);
    r.s[3] = rol32(t[3], 1) ^ rol32(t[0], 2);
    vwrite(env, sd_rd(desc), &r, 16);
}

/* ---- SHA-256 ---------------------------------------------------------------------------------- */

static inline uint32_t sigma0(uint32_t x) { return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22); }
static inline uint32_t sigma1(uint32_t x) { return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25); }

/* SHA256hash(X, Y, W, part1): four rounds; X = a b c d, Y = e f g h */
static void sha256_hash(uint32_t x[4], uint32_t y[4], const uint32_t w[4])
{
    for (unsigned e = 0; e < 4; e++) {
        uint32_t chs = sha_choose(y[0], y[1], y[2]);
        uint32_t maj = sha_majority(x[0], x[1], x[2]);
        uint32_t t = y[3] + sigma1(y[0]) + chs + w[e];
        x[3] = t + x[3];
        y[3] = t + sigma0(x[0]) + maj;
        /* <Y, X> = ROL(Y:X, 32) */
        uint32_t xtop = x[3], ytop = y[3];
        x[3] = x[2];
        x[2] = x[1];
        x[1] = x[0];
        x[0] = ytop;
        y[3] = y[2];
        y[2] = y[1];
        y[1] = y[0];
        y[0] = xtop;
    }
}

static void sha256h(CPUARMState *env, uint32_t desc, bool part1)
{
    uint32_t x[4], y[4], w[4];
    /* SHA256H: X = Vd, Y = Vn, result X; SHA256H2: X = Vn, Y = Vd, result Y */
    memcpy(part1 ? x : y, env->vregs[sd_rd(desc)].s, 16);
    memcpy(part1 ? y : x, env->vregs[sd_rn(desc)].s, 16);
    memcpy(w, env->vregs[sd_rm(desc)].s, 16);
    sha256_hash(x, y, w);
    ARMVReg r;
    memcpy(r.s, part1 ? x : y, 16);
    vwrite(env, sd_rd(desc), &r, 16);
}
static void helper_sha256h(CPUARMState *env, uint32_t desc) { sha256h(env, desc, true); }
static void helper_sha256h2(CPUARMState *env, uint32_t desc) { sha256h(env, desc, false); }

/* SHA256SU0: T = Vn<31:0> : Vd<127:32>; result[e] = s0(T[e]) + Vd[e] */
static void helper_sha256su0(CPUARMState *env, uint32_t desc)
{
    const ARMVReg *d = &env->vregs[sd_rd(desc)], *n = &env->vregs[sd_rn(desc)];
    uint32_t t[4] = { d->s[1], d->s[2], d->s[3], n->s[0] };
    ARMVReg r;
    for (unsigned e = 0; e < 4; e++)
        r.s[e] = (ror32(t[e], 7) ^ ror32(t[e], 18) ^ (t[e] >> 3)) + d->s[e];
    vwrite(env, sd_rd(desc), &r, 16);
}

/* SHA256SU1: T0 = Vm<31:0> : Vn<127:32>, T1 = Vm<127:64>, then the
 * result's lower half feeds the upper half */
static void helper_sha256su1(CPUARMState *env, uint32_t desc)
{
    const ARMVReg *d = &env->vregs[sd_rd(desc)], *n = &env->vregs[sd_rn(desc)];
    const ARMVReg *m = &env->vregs[sd_rm(desc)];
    uint32_t t0[4] = { n->s[1], n->s[2], n->s[3], m->s[0] };
    uint32_t t1[2] = { m->s[2], m->s[3] };
    ARMVReg r;
    for (unsigned e = 0; e < 4; e++) {
        uint32_t elt = e < 2 ? t1[e] : r.s[e - 2];
        elt = ror32(elt, 17) ^ ror32(elt, 19) ^ (elt >> 10);
        r.s[e] = elt + d->s[e] + t0[e];
    }
    vwrite(env, sd_rd(desc), &r, 16);
}

#define HELPER(name) const TCGHelper h_simd_##name = TCG_HELPER(helper_##name, TCG_VOID, HFLAGS);
HELPER(aese)
HELPER(aesd)
HELPER(aesmc)
HELPER(aesimc)
HELPER(sha1c)
HELPER(sha1p)
HELPER(sha1m)
HELPER(sha1h)
HELPER(sha1su0)
HELPER(sha1su1)
HELPER(sha256h)
HELPER(sha256h2)
HELPER(sha256su0)
HELPER(sha256su1)
