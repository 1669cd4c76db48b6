/*
 * decode.c — compiles the A64 decode tables (decode.h) into buckets and
 * looks instructions up in them; checks the tables for overlaps.
 *
 * Follows the A64 encoding index of the ARM ARM (DDI 0487, C4.1): the
 * top-level split is op0 = bits [28:25]; the buckets add bits [24:21],
 * which most classes also fix.
 */
#include <pthread.h>

#include "target/arm/decode.h"

typedef struct Line {
    const A64DecodeEntry *e;
    uint32_t mask, value;
    unsigned order;         /* registration order: tie-break */
    const char *file;
} Line;

#define NB_BUCKETS 256
#define BUCKET_OF(insn) (((insn) >> 21) & 0xff)

static struct {
    const A64DecodeEntry **tbl;
    size_t *len;
    const char **file;
    size_t n;
} reg;

static Line *lines;
static size_t nb_lines;
static const Line **bucket[NB_BUCKETS];
static size_t bucket_len[NB_BUCKETS];
static pthread_once_t compiled = PTHREAD_ONCE_INIT;
static unsigned bad_patterns;

void a64_decode_register(const A64DecodeEntry *tbl, size_t n, const char *file)
{
    reg.tbl = xrealloc(reg.tbl, (reg.n + 1) * sizeof(*reg.tbl));
    reg.len = xrealloc(reg.len, (reg.n + 1) * sizeof(*reg.len));
    reg.file = xrealloc(reg.file, (reg.n + 1) * sizeof(*reg.file));
    reg.tbl[reg.n] = tbl;
    reg.len[reg.n] = n;
    reg.file[reg.n] = file;
    reg.n++;
}

bool a64_pattern_parse(const char *pat, uint32_t *mask, uint32_t *value)
{
    uint32_t m = 0, v = 0;
    int bit = 31;
    for (const char *p = pat; *p; p++) {
        if (*p == ' ' || *p == '_' || *p == '|')
            continue;
        if (bit < 0)
            return false;
        switch (*p) {
        case '0': m |= 1u << bit; break;
        case '1': m |= 1u << bit; v |= 1u << bit; break;
        case 'x': case '-': break;
        default: return false;
        }
        bit--;
    }
    if (bit != -1)
        return false;
    *mask = m;
    *value = v;
    return true;
}

static int line_cmp(const void *a, const void *b)
{
    const Line *x = *(const Line *const *)a, *y = *(const Line *const *)b;
    int px = __builtin_popcount(x->mask), py = __builtin_popcount(y->mask);
    if (px != py)
        return py - px;            /* more fixed bits first */
    return x->order < y->order ? -1 : x->order > y->order;
}

static void compile(void)
{
    size_t total = 0;
    for (size_t t = 0; t < reg.n; t++)
        total += reg.len[t];
    lines = xcalloc(total ? total : 1, sizeof(*lines));
    for (size_t t = 0; t < reg.n; t++) {
        for (size_t i = 0; i < reg.len[t]; i++) {
            const A64DecodeEntry *e = &reg.tbl[t][i];
            Line *l = &lines[nb_lines];
            if (!a64_pattern_parse(e->pattern, &l->mask, &l->value)) {
                fprintf(stderr, "ferry: a64 decode: %s: malformed pattern \"%s\" (%s)\n",
                        reg.file[t], e->pattern, e->name);
                bad_patterns++;
                continue;
            }
            l->e = e;
            l->order = (unsigned)nb_lines;
            l->file = reg.file[t];
            nb_lines++;
        }
    }
    /* each line goes into every bucket its bits [28:21] can match */
    for (unsigned b = 0; b < NB_BUCKETS; b++) {
        uint32_t key = (uint32_t)b << 21, kmask = 0xffu << 21;
        size_t n = 0;
        for (size_t i = 0; i < nb_lines; i++)
            if (((key ^ lines[i].value) & lines[i].mask & kmask) == 0)
                n++;
        bucket[b] = xcalloc(n ? n : 1, sizeof(*bucket[b]));
        n = 0;
        for (size_t i = 0; i < nb_lines; i++)
            if (((key ^ lines[i].value) & lines[i].mask & kmask) == 0)
                bucket[b][n++] = &lines[i];
        qsort(bucket[b], n, sizeof(*bucket[b]), line_cmp);
        bucket_len[b] = n;
    }
}

static inline void ensure_compiled(void)
{
    pthread_once(&compiled, compile);
}

const A64DecodeEntry *a64_decode_lookup(uint32_t insn, uint64_t features)
{
    ensure_compiled();
    const Line **bk = bucket[BUCKET_OF(insn)];
    size_t n = bucket_len[BUCKET_OF(insn)];
    for (size_t i = 0; i < n; i++) {
        const Line *l = bk[i];
        if ((insn & l->mask) == l->value &&
            (l->e->feature == ARM_FEAT_NONE || ((features >> l->e->feature) & 1)))
            return l->e;
    }
    return NULL;
}

const A64DecodeEntry *a64_decode_lookup_any(uint32_t insn)
{
    return a64_decode_lookup(insn, ~0ull);
}

size_t a64_decode_count(void)
{
    ensure_compiled();
    return nb_lines;
}

const A64DecodeEntry *a64_decode_line(size_t i, uint32_t *mask, uint32_t *value)
{
    ensure_compiled();
    if (i >= nb_lines)
        return NULL;
    *mask = lines[i].mask;
    *value = lines[i].value;
    return lines[i].e;
}

unsigned a64_decode_check(FILE *out)
{
    ensure_compiled();
    unsigned problems = bad_patterns;
    for (size_t i = 0; i < nb_lines; i++) {
        for (size_t j = i + 1; j < nb_lines; j++) {
            const Line *a = &lines[i], *b = &lines[j];
            uint32_t common = a->mask & b->mask;
            if ((a->value ^ b->value) & common)
                continue;                       /* disjoint */
            /* a ⊆ b: a fixes every bit b fixes (same values there); a
             * strict subset is fine (the more specific line wins) */
            bool a_in_b = (a->mask & b->mask) == b->mask;
            bool b_in_a = (a->mask & b->mask) == a->mask;
            if (a_in_b != b_in_a)
                continue;
            fprintf(out, "a64 decode: \"%s\" (%s, %s) and \"%s\" (%s, %s) overlap\n",
                    a->e->pattern, a->e->name, a->file, b->e->pattern, b->e->name, b->file);
            problems++;
        }
    }
    return problems;
}
