/*
 * sys_mmu.c — stage 1 translation of the EL1&0 regime with each granule
 * (4K, 16K, 64K) and input size (39, 42, 47, 48 bits): identity-mapped
 * RAM with block descriptors, a test region of page descriptors through
 * TTBR0 and an alias through TTBR1; translation, access flag and
 * permission faults with their level in ESR and the address in FAR,
 * address-range faults (level 0), EL0-writable memory never executable at
 * EL1 and PXN (instruction aborts), unprivileged loads (LDTR), PAN, AT
 * S1E1R/S1E1W/S1E0R (PAR_EL1), and TLBI VAE1/VMALLE1 after remapping.
 *
 * Expected values: DDI 0487 D8 (VMSAv8-64: lookup levels per granule and
 * TxSZ, descriptor formats, AP[2:1], UXN/PXN, EL0-writable implies PXN,
 * PAN), D17.2.37 (DFSC/IFSC: 0b0001LL translation, 0b0010LL access flag,
 * 0b0011LL permission), D17.2.113 (PAR_EL1).
 *
 * isa-cpu: max
 */
#include "lib/sys.h"

#define IL (1u << 25)
#define EC(x) ((uint64_t)(x) << 26)
#define DABT(e) ((e) & ~0x01ffc000ul)

#define AF (1ul << 10)
#define SH_INNER (3ul << 8)
#define AP_EL1_RW (0ul << 6)
#define AP_EL0_RW (1ul << 6)
#define AP_EL1_RO (2ul << 6)
#define AP_EL0_RO (3ul << 6)
#define PXN (1ul << 53)
#define UXN (1ul << 54)
#define NORMAL (SH_INNER | AF)      /* AttrIndx 0: MAIR byte 0 = 0xff */

#define RAM_BASE 0x40000000ul
#define RAM_SIZE (128ul << 20)
#define TVA 0x4000000000ul          /* test region: 256 GiB, fits 39-bit VAs */

static uint8_t pool[1 << 20] __attribute__((aligned(65536)));
static unsigned pool_used;
static uint8_t bufs[4][65536] __attribute__((aligned(65536)));

typedef struct Cfg {
    unsigned g;           /* granule bits: 12, 14, 16 */
    unsigned vabits;
    const char *name;
} Cfg;

static Cfg cfg;
static int start_level;

static uint64_t *new_table(void)
{
    unsigned sz = 1u << cfg.g;
    if (pool_used + sz > sizeof(pool))
        return 0;
    uint64_t *t = (uint64_t *)(pool + pool_used);
    pool_used += sz;
    memset(t, 0, sz);
    return t;
}

static unsigned lsb_of(int level)
{
    return cfg.g + (unsigned)(3 - level) * (cfg.g - 3);
}

static uint64_t idx_of(uint64_t va, int level)
{
    unsigned lsb = lsb_of(level);
    unsigned width = level == start_level ? cfg.vabits - lsb : cfg.g - 3;
    return (va >> lsb) & ((1ul << width) - 1);
}

/* The entry for va at level (creating tables on the way). */
static uint64_t *entry(uint64_t *root, uint64_t va, int level)
{
    uint64_t *t = root;
    for (int l = start_level; l < level; l++) {
        uint64_t *e = &t[idx_of(va, l)];
        if (!(*e & 1)) {
            uint64_t *n = new_table();
            *e = (uint64_t)n | 3;
        }
        t = (uint64_t *)(*e & 0x0000fffffffff000ul & ~((1ul << cfg.g) - 1));
    }
    return &t[idx_of(va, level)];
}

static void map_page(uint64_t *root, uint64_t va, uint64_t pa, uint64_t attrs)
{
    *entry(root, va, 3) = pa | attrs | 3;
}

static uint64_t *build(uint64_t **root1)
{
    pool_used = 0;
    start_level = 3 - (int)((cfg.vabits - cfg.g - 1) / (cfg.g - 3));
    uint64_t *root = new_table();
    *root1 = new_table();
    /* identity-mapped RAM with level 2 blocks */
    uint64_t bs = 1ul << lsb_of(2);
    for (uint64_t a = RAM_BASE & ~(bs - 1); a < RAM_BASE + RAM_SIZE; a += bs)
        *entry(root, a, 2) = a | NORMAL | AP_EL1_RW | 1;
    uint64_t p = 1ul << cfg.g;
    map_page(root, TVA + 0 * p, (uint64_t)bufs[0], NORMAL | AP_EL1_RW);
    map_page(root, TVA + 1 * p, (uint64_t)bufs[1], NORMAL | AP_EL1_RO);
    *entry(root, TVA + 2 * p, 3) = 0;                                      /* invalid */
    map_page(root, TVA + 3 * p, (uint64_t)bufs[2], SH_INNER | AP_EL1_RW);  /* AF = 0 */
    map_page(root, TVA + 4 * p, (uint64_t)bufs[3], NORMAL | AP_EL0_RW);
    map_page(root, TVA + 5 * p, (uint64_t)bufs[3], NORMAL | AP_EL1_RW | PXN);
    map_page(root, TVA + 6 * p, (uint64_t)bufs[3], NORMAL | AP_EL0_RO);
    /* the upper half: the lowest TTBR1 address aliases bufs[0] */
    uint64_t upper = ~0ul << cfg.vabits;
    map_page(*root1, upper, (uint64_t)bufs[0], NORMAL | AP_EL1_RW);
    return root;
}

static uint64_t tcr_for(void)
{
    uint64_t tsz = 64 - cfg.vabits;
    uint64_t tg0 = cfg.g == 12 ? 0 : cfg.g == 16 ? 1 : 2;
    uint64_t tg1 = cfg.g == 12 ? 2 : cfg.g == 16 ? 3 : 1;
    return tsz | 1ul << 8 | 1ul << 10 | 3ul << 12 | tg0 << 14 | tsz << 16 | 1ul << 24 |
           1ul << 26 | 3ul << 28 | tg1 << 30 | 2ul << 32;   /* IPS 40 bits */
}

static void mmu_on(uint64_t *root, uint64_t *root1)
{
    MSR(mair_el1, 0xff);
    MSR(tcr_el1, tcr_for());
    MSR(ttbr0_el1, (uint64_t)root);
    MSR(ttbr1_el1, (uint64_t)root1);
    ISB();
    asm volatile("tlbi vmalle1\n dsb sy\n isb" ::: "memory");
    MSR(sctlr_el1, MRS(sctlr_el1) | 1 | 4 | (1ul << 12));
    ISB();
}

static void mmu_off(void)
{
    MSR(sctlr_el1, MRS(sctlr_el1) & ~1ul);
    ISB();
}

static uint64_t ld(uint64_t a)
{
    return *(volatile uint64_t *)a;
}

static void st(uint64_t a, uint64_t v)
{
    *(volatile uint64_t *)a = v;
}

static void data_fault(uint64_t va, int write, unsigned dfsc)
{
    if (write)
        EXPECT_EXCP(st(va, 1));
    else
        EXPECT_EXCP((void)ld(va));
    CHECK(DABT(last.esr), EC(0x25) | IL | (write ? 0x40u : 0u) | dfsc);
    CHECK(last.far, va);
}

static void one(const Cfg *c)
{
    cfg = *c;
    sh_write0("  ");
    sh_write0(c->name);
    sh_write0("\n");
    uint64_t *root1, *root = build(&root1);
    if (!root || !root1) {
        CHECK(pool_used, 0);   /* the pool ran out */
        return;
    }
    uint64_t p = 1ul << cfg.g;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            ((volatile uint64_t *)bufs[i])[j] = 0x1111111111111111ul * (uint64_t)(i + 1) + (uint64_t)j;
    mmu_on(root, root1);

    /* translation */
    CHECK(ld(TVA + 8), 0x1111111111111112ul);
    st(TVA + 16, 0xabcdul);
    CHECK(((volatile uint64_t *)bufs[0])[2], 0xabcdul);
    CHECK(ld(TVA + p + 8), 0x2222222222222223ul);           /* read-only: readable */
    CHECK(ld(~0ul << cfg.vabits), 0x1111111111111111ul);     /* through TTBR1 */

    /* faults */
    data_fault(TVA + p + 24, 1, 0x0f);                    /* permission, level 3 */
    data_fault(TVA + 2 * p + 8, 0, 0x07);                /* translation, level 3 */
    data_fault(TVA + 3 * p, 0, 0x0b);                    /* access flag, level 3 */
    data_fault(TVA + (1ul << lsb_of(2)), 0, 0x06);       /* translation, level 2 */
    data_fault(1ul << cfg.vabits, 0, 0x04);              /* out of range: level 0 */
    data_fault((~0ul << cfg.vabits) + (1ul << lsb_of(2)) * 2, 0, 0x06);   /* TTBR1 */

    /* instruction fetch: EL0-writable memory is never EL1-executable; PXN */
    ((volatile uint32_t *)bufs[3])[0] = 0xd65f03c0;          /* ret */
    DSB();
    asm volatile("ic iallu\n dsb sy\n isb" ::: "memory");
    uint64_t back;
    asm volatile("adr %0, 1f" : "=r"(back));
    resume_at = back;
    EXPECT_EXCP(asm volatile("blr %0\n 1:" :: "r"(TVA + 4 * p) : "x30", "memory"));
    CHECK(last.esr, EC(0x21) | IL | 0x0f);
    CHECK(last.far, TVA + 4 * p);
    CHECK(last.elr, TVA + 4 * p);
    asm volatile("adr %0, 1f" : "=r"(back));
    resume_at = back;
    EXPECT_EXCP(asm volatile("blr %0\n 1:" :: "r"(TVA + 5 * p) : "x30", "memory"));
    CHECK(last.esr, EC(0x21) | IL | 0x0f);

    /* unprivileged loads: EL0 permissions */
    uint64_t v;
    EXPECT_NO_EXCP(asm volatile("ldtr %0, [%1]" : "=r"(v) : "r"(TVA + 6 * p + 8) : "memory"));
    CHECK(v, 0x4444444444444445ul);
    EXPECT_EXCP(asm volatile("ldtr %0, [%1]" : "=r"(v) : "r"(TVA) : "memory"));
    CHECK(DABT(last.esr), EC(0x25) | IL | 0x0f);
    EXPECT_EXCP(asm volatile("sttr %1, [%0]" :: "r"(TVA + 6 * p), "r"(v) : "memory"));
    CHECK(DABT(last.esr), EC(0x25) | IL | 0x40 | 0x0f);

    /* PAN: EL1 data accesses to EL0-accessible pages fault */
    if ((MRS(id_aa64mmfr1_el1) >> 20) & 0xf) {
        asm volatile(".inst 0xd500419f" ::: "memory");                            /* PAN = 1 */
        data_fault(TVA + 6 * p, 0, 0x0f);
        EXPECT_NO_EXCP(asm volatile("ldtr %0, [%1]" : "=r"(v) : "r"(TVA + 6 * p) : "memory"));
        EXPECT_NO_EXCP((void)ld(TVA));
        asm volatile(".inst 0xd500409f" ::: "memory");                            /* PAN = 0 */
        EXPECT_NO_EXCP((void)ld(TVA + 6 * p));
    }

    /* AT */
    asm volatile("at s1e1r, %0\n isb" :: "r"(TVA + 8) : "memory");
    uint64_t par = MRS(par_el1);
    CHECK(par & 1, 0);
    CHECK(par & 0x0000fffffffff000ul, (uint64_t)bufs[0]);
    CHECK(par >> 56, 0xff);
    asm volatile("at s1e1w, %0\n isb" :: "r"(TVA + p) : "memory");
    par = MRS(par_el1);
    CHECK(par & 0x7f, 1 | 0x0f << 1);                         /* F, permission level 3 */
    asm volatile("at s1e0r, %0\n isb" :: "r"(TVA) : "memory");
    CHECK(MRS(par_el1) & 0x7f, 1 | 0x0f << 1);
    asm volatile("at s1e1r, %0\n isb" :: "r"(TVA + 2 * p) : "memory");
    CHECK(MRS(par_el1) & 0x7f, 1 | 0x07 << 1);

    /* TLBI: remap the first test page to bufs[1]; after the invalidate the
     * new mapping is used */
    *entry(root, TVA, 3) = (uint64_t)bufs[1] | NORMAL | AP_EL1_RW | 3;
    asm volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" :: "r"(TVA >> 12) : "memory");
    CHECK(ld(TVA + 8), 0x2222222222222223ul);
    *entry(root, TVA, 3) = (uint64_t)bufs[0] | NORMAL | AP_EL1_RW | 3;
    asm volatile("dsb ishst\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    CHECK(ld(TVA + 8), 0x1111111111111112ul);
    *entry(root, TVA, 3) = 0;
    asm volatile("dsb ishst\n tlbi vale1, %0\n dsb ish\n isb" :: "r"(TVA >> 12) : "memory");
    data_fault(TVA, 0, 0x07);

    mmu_off();
}

int main(void)
{
    install_vectors();
    static const Cfg cfgs[] = {
        { 12, 48, "4K granule, 48-bit VA (level 0 start)" },
        { 12, 39, "4K granule, 39-bit VA (level 1 start)" },
        { 16, 42, "64K granule, 42-bit VA (level 2 start)" },
        { 16, 48, "64K granule, 48-bit VA (level 1 start)" },
        { 14, 47, "16K granule, 47-bit VA (level 1 start)" },
        { 14, 48, "16K granule, 48-bit VA (level 0 start)" },
    };
    uint64_t mmfr0 = MRS(id_aa64mmfr0_el1);
    for (unsigned i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
        if (cfgs[i].g == 14 && ((mmfr0 >> 20) & 0xf) == 0)
            continue;   /* no 16K granule on this CPU */
        if (cfgs[i].g == 16 && ((mmfr0 >> 24) & 0xf) == 0xf)
            continue;
        one(&cfgs[i]);
    }
    return test_summary("sys_mmu");
}
