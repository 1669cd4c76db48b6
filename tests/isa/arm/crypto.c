/*
 * crypto.c — the Cryptographic Extension against the published test
 * vectors: AES-128 encryption (AESE + AESMC) and decryption (AESD +
 * AESIMC, the equivalent inverse cipher) of FIPS 197 Appendix B and C.1,
 * the MixColumns column examples, SHA-1 and SHA-256 of FIPS 180-4's
 * one-block "abc" and two-block 448-bit messages computed with SHA1C/P/M/
 * H/SU0/SU1 and SHA256H/H2/SU0/SU1, and PMULL/PMULL2 (64-bit).
 *
 * isa-cpu: cortex-a53
 *
 * Inputs the instructions need but the standards only define (the AES
 * key schedule and its S-box, the SHA-256 round constants and initial
 * values) are computed here in plain integer C from their definitions,
 * independently of the instructions under test; the expected outputs are
 * the standards' printed values.
 */
#include "lib/test.h"

asm(".arch armv8-a+crypto");

typedef struct V {
    uint64_t lo, hi;
} V;

static V mk(uint64_t lo, uint64_t hi)
{
    V v = { lo, hi };
    return v;
}

/* Bytes b[0..15] (b[0] the first byte of the block) as a register image. */
static V from_bytes(const uint8_t *b)
{
    V v;
    memcpy(&v, b, 16);
    return v;
}

#define OP2(insn, d, n) ({                                                      \
    V d_ = (d), n_ = (n);                                                       \
    asm volatile("ldr q0, [%0]\n ldr q1, [%1]\n " insn "\n str q0, [%0]"       \
                 : : "r"(&d_), "r"(&n_) : "v0", "v1", "memory");                \
    d_; })
#define OP3(insn, d, n, m) ({                                                   \
    V d_ = (d), n_ = (n), m_ = (m);                                             \
    asm volatile("ldr q0, [%0]\n ldr q1, [%1]\n ldr q2, [%2]\n " insn "\n str q0, [%0]" \
                 : : "r"(&d_), "r"(&n_), "r"(&m_) : "v0", "v1", "v2", "memory"); \
    d_; })

static V xorv(V a, V b)
{
    return mk(a.lo ^ b.lo, a.hi ^ b.hi);
}

/* ---- AES: the key schedule in plain C (FIPS 197 §5.2) ----------------------------------------- */

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    for (int i = 0; i < 8; i++) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

/* S-box: multiplicative inverse, then the affine transformation (§5.1.1) */
static uint8_t sbox(uint8_t x)
{
    uint8_t inv = 0;
    for (int c = 1; c < 256 && x; c++)
        if (gmul(x, (uint8_t)c) == 1) {
            inv = (uint8_t)c;
            break;
        }
    uint8_t s = 0x63;
    for (int i = 0; i < 8; i++) {
        int bit = ((inv >> i) ^ (inv >> ((i + 4) & 7)) ^ (inv >> ((i + 5) & 7)) ^
                   (inv >> ((i + 6) & 7)) ^ (inv >> ((i + 7) & 7))) & 1;
        s ^= (uint8_t)(bit << i);
    }
    return s;
}

static void key_expand(const uint8_t key[16], uint8_t rk[11][16])
{
    memcpy(rk[0], key, 16);
    uint8_t rcon = 1;
    for (int r = 1; r <= 10; r++) {
        const uint8_t *p = rk[r - 1];
        uint8_t t[4] = { sbox(p[13]), sbox(p[14]), sbox(p[15]), sbox(p[12]) };
        t[0] ^= rcon;
        rcon = gmul(rcon, 2);
        for (int i = 0; i < 16; i++) {
            rk[r][i] = p[i] ^ (i < 4 ? t[i] : rk[r][i - 4]);
        }
    }
}

/* InvMixColumns in C, for the decryption round keys */
static void inv_mix(uint8_t b[16])
{
    for (int c = 0; c < 4; c++) {
        uint8_t *a = b + 4 * c, x[4];
        for (int r = 0; r < 4; r++)
            x[r] = gmul(a[r], 14) ^ gmul(a[(r + 1) & 3], 11) ^ gmul(a[(r + 2) & 3], 13) ^
                   gmul(a[(r + 3) & 3], 9);
        memcpy(a, x, 4);
    }
}

static void hex16(const char *s, uint8_t *out)
{
    for (int i = 0; i < 16; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[2 * i + k];
            v = v * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

static void aes_vector(const char *key_hex, const char *pt_hex, const char *ct_hex)
{
    uint8_t key[16], pt[16], ct[16], rk[11][16];
    hex16(key_hex, key);
    hex16(pt_hex, pt);
    hex16(ct_hex, ct);
    key_expand(key, rk);
    /* encryption: 9 x (AESE, AESMC), AESE, AddRoundKey */
    V s = from_bytes(pt);
    for (int r = 0; r < 9; r++) {
        s = OP2("aese v0.16b, v1.16b", s, from_bytes(rk[r]));
        s = OP2("aesmc v0.16b, v0.16b", s, s);
    }
    s = OP2("aese v0.16b, v1.16b", s, from_bytes(rk[9]));
    s = xorv(s, from_bytes(rk[10]));
    V want = from_bytes(ct);
    CHECK(s.lo, want.lo);
    CHECK(s.hi, want.hi);
    /* decryption: AESD with the last key, then (AESIMC, AESD with the
     * InvMixColumns'd key) down to round 1, AddRoundKey */
    s = OP2("aesd v0.16b, v1.16b", want, from_bytes(rk[10]));
    for (int r = 9; r >= 1; r--) {
        uint8_t dk[16];
        memcpy(dk, rk[r], 16);
        inv_mix(dk);
        s = OP2("aesimc v0.16b, v0.16b", s, s);
        s = OP2("aesd v0.16b, v1.16b", s, from_bytes(dk));
    }
    s = xorv(s, from_bytes(rk[0]));
    V p = from_bytes(pt);
    CHECK(s.lo, p.lo);
    CHECK(s.hi, p.hi);
}

static void aes(void)
{
    /* FIPS 197 Appendix B and C.1 */
    aes_vector("2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734",
               "3925841d02dc09fbdc118597196a0b32");
    aes_vector("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
               "69c4e0d86a7b0430d8cdb78070b4c55a");
    /* MixColumns of the columns db 13 53 45, f2 0a 22 5c, 01 01 01 01, c6 c6 c6 c6 */
    V mc = OP2("aesmc v0.16b, v1.16b", mk(0, 0), mk(0x5c220af2455313dbul, 0xc6c6c6c601010101ul));
    CHECK(mc.lo, 0x9d58dc9fbca14d8eul);
    CHECK(mc.hi, 0xc6c6c6c601010101ul);
    V back = OP2("aesimc v0.16b, v1.16b", mk(0, 0), mc);
    CHECK(back.lo, 0x5c220af2455313dbul);
    CHECK(back.hi, 0xc6c6c6c601010101ul);
    /* AESE with a zero state and key is SubBytes(0) everywhere: 0x63 */
    V z = OP2("aese v0.16b, v1.16b", mk(0, 0), mk(0, 0));
    CHECK(z.lo, 0x6363636363636363ul);
    CHECK(z.hi, 0x6363636363636363ul);
}

/* ---- SHA ------------------------------------------------------------------------------------------ */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static V words(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return mk((uint64_t)b << 32 | a, (uint64_t)d << 32 | c);
}

static V add32(V x, V y)
{
    uint32_t r[4], a[4], b[4];
    memcpy(a, &x, 16);
    memcpy(b, &y, 16);
    for (int i = 0; i < 4; i++)
        r[i] = a[i] + b[i];
    V v;
    memcpy(&v, r, 16);
    return v;
}

/* floor(sqrt(n)) and floor(cbrt(n)) of a 128-bit n, by bisection */
typedef unsigned __int128 u128;
static uint64_t isqrt(u128 n)
{
    uint64_t lo = 0, hi = (uint64_t)1 << 40;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if ((u128)mid * mid <= n)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
static uint64_t icbrt(u128 n)
{
    uint64_t lo = 0, hi = (uint64_t)1 << 37;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if ((u128)mid * mid * mid <= n)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static uint32_t primes[64];
static void find_primes(void)
{
    int n = 0;
    for (uint32_t c = 2; n < 64; c++) {
        int prime = 1;
        for (uint32_t d = 2; d * d <= c; d++)
            if (c % d == 0)
                prime = 0;
        if (prime)
            primes[n++] = c;
    }
}

/* Pad msg (len < 120 bytes) into 1 or 2 blocks of 16 big-endian words. */
static int pad(const char *msg, uint32_t w[32])
{
    uint8_t buf[128];
    size_t len = 0;
    while (msg[len])
        len++;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, msg, len);
    buf[len] = 0x80;
    int blocks = len + 9 <= 64 ? 1 : 2;
    uint64_t bits = len * 8;
    for (int i = 0; i < 8; i++)
        buf[64 * blocks - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (int i = 0; i < 16 * blocks; i++)
        w[i] = be32(buf + 4 * i);
    return blocks;
}

static void sha256(const char *msg, const uint32_t want[8])
{
    uint32_t k[64], h[8], w[32];
    for (int i = 0; i < 64; i++)
        k[i] = (uint32_t)icbrt((u128)primes[i] << 96);        /* fraction of cbrt: low 32 bits */
    for (int i = 0; i < 8; i++)
        h[i] = (uint32_t)isqrt((u128)primes[i] << 64);
    V abcd = words(h[0], h[1], h[2], h[3]), efgh = words(h[4], h[5], h[6], h[7]);
    int blocks = pad(msg, w);
    for (int b = 0; b < blocks; b++) {
        const uint32_t *m = w + 16 * b;
        V x[4] = { words(m[0], m[1], m[2], m[3]), words(m[4], m[5], m[6], m[7]),
                   words(m[8], m[9], m[10], m[11]), words(m[12], m[13], m[14], m[15]) };
        V abcd0 = abcd, efgh0 = efgh;
        for (int i = 0; i < 16; i++) {
            V wk = add32(x[i & 3], words(k[4 * i], k[4 * i + 1], k[4 * i + 2], k[4 * i + 3]));
            V t = abcd;
            abcd = OP3("sha256h q0, q1, v2.4s", abcd, efgh, wk);
            efgh = OP3("sha256h2 q0, q1, v2.4s", efgh, t, wk);
            if (i < 12) {
                V s0 = OP2("sha256su0 v0.4s, v1.4s", x[i & 3], x[(i + 1) & 3]);
                x[i & 3] = OP3("sha256su1 v0.4s, v1.4s, v2.4s", s0, x[(i + 2) & 3], x[(i + 3) & 3]);
            }
        }
        abcd = add32(abcd, abcd0);
        efgh = add32(efgh, efgh0);
    }
    CHECK(abcd.lo, (uint64_t)want[1] << 32 | want[0]);
    CHECK(abcd.hi, (uint64_t)want[3] << 32 | want[2]);
    CHECK(efgh.lo, (uint64_t)want[5] << 32 | want[4]);
    CHECK(efgh.hi, (uint64_t)want[7] << 32 | want[6]);
}

static void sha1(const char *msg, const uint32_t want[5])
{
    /* K: floor(2^30 * sqrt(2, 3, 5, 10)); H0 as FIPS 180-4 §5.3.1 */
    uint32_t k[4] = { (uint32_t)isqrt((u128)2 << 60), (uint32_t)isqrt((u128)3 << 60),
                      (uint32_t)isqrt((u128)5 << 60), (uint32_t)isqrt((u128)10 << 60) };
    uint32_t w[32];
    V abcd = words(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
    uint32_t e = 0xc3d2e1f0;
    int blocks = pad(msg, w);
    for (int b = 0; b < blocks; b++) {
        const uint32_t *m = w + 16 * b;
        V x[4] = { words(m[0], m[1], m[2], m[3]), words(m[4], m[5], m[6], m[7]),
                   words(m[8], m[9], m[10], m[11]), words(m[12], m[13], m[14], m[15]) };
        V abcd0 = abcd;
        uint32_t e0 = e;
        for (int j = 0; j < 20; j++) {
            uint32_t kk = k[j / 5];
            V wk = add32(x[j & 3], words(kk, kk, kk, kk));
            V ev = mk(e, 0);
            V enext = OP2("sha1h s0, s1", mk(0, 0), abcd);
            if (j < 5)
                abcd = OP3("sha1c q0, s1, v2.4s", abcd, ev, wk);
            else if (j < 10 || j >= 15)
                abcd = OP3("sha1p q0, s1, v2.4s", abcd, ev, wk);
            else
                abcd = OP3("sha1m q0, s1, v2.4s", abcd, ev, wk);
            e = (uint32_t)enext.lo;
            if (j < 16) {
                V s0 = OP3("sha1su0 v0.4s, v1.4s, v2.4s", x[j & 3], x[(j + 1) & 3], x[(j + 2) & 3]);
                x[j & 3] = OP2("sha1su1 v0.4s, v1.4s", s0, x[(j + 3) & 3]);
            }
        }
        abcd = add32(abcd, abcd0);
        e += e0;
    }
    CHECK(abcd.lo, (uint64_t)want[1] << 32 | want[0]);
    CHECK(abcd.hi, (uint64_t)want[3] << 32 | want[2]);
    CHECK(e, want[4]);
}

static void sha(void)
{
    find_primes();
    static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    /* FIPS 180-4 example digests (SHA-256: "abc", the 448-bit message) */
    static const uint32_t s256_abc[8] = { 0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                          0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad };
    static const uint32_t s256_two[8] = { 0x248d6a61, 0xd20638b8, 0xe5c02693, 0x0c3e6039,
                                          0xa33ce459, 0x64ff2167, 0xf6ecedd4, 0x19db06c1 };
    static const uint32_t s1_abc[5] = { 0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d };
    static const uint32_t s1_two[5] = { 0x84983e44, 0x1c3bd26e, 0xbaae4aa1, 0xf95129e5, 0xe54670f1 };
    sha256("abc", s256_abc);
    sha256(two, s256_two);
    sha1("abc", s1_abc);
    sha1(two, s1_two);
    /* the derived constants themselves (FIPS 180-4 §4.2.1, §4.2.2, §5.3.3) */
    CHECK((uint32_t)isqrt((u128)2 << 60), 0x5a827999);
    CHECK((uint32_t)icbrt((u128)2 << 96), 0x428a2f98);
    CHECK((uint32_t)icbrt((u128)311 << 96), 0xc67178f2);
    CHECK((uint32_t)isqrt((u128)19 << 64), 0x5be0cd19);
}

static void pmull64(void)
{
    /* (x^63 + 1)(x^63 + 1) = x^126 + 1; (2^64-1)^2 carry-less */
    V r = OP3("pmull v0.1q, v1.1d, v2.1d", mk(0, 0), mk(0x8000000000000001ul, 7),
              mk(0x8000000000000001ul, 9));
    CHECK(r.lo, 1);
    CHECK(r.hi, 0x4000000000000000ul);
    r = OP3("pmull2 v0.1q, v1.2d, v2.2d", mk(0, 0), mk(7, ~0ul), mk(9, ~0ul));
    CHECK(r.lo, 0x5555555555555555ul);
    CHECK(r.hi, 0x5555555555555555ul);
    /* (x^7 + x^2 + x + 1)^2 = x^14 + x^4 + x^2 + 1 */
    r = OP3("pmull v0.1q, v1.1d, v2.1d", mk(0, 0), mk(0x87, 0), mk(0x87, 0));
    CHECK(r.lo, 0x4015);
    CHECK(r.hi, 0);
}

int main(void)
{
    aes();
    sha();
    pmull64();
    return test_summary("crypto");
}
