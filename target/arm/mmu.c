/*
 * mmu.c — the AArch64 MMU (VMSAv8-64): stage 1 translation of the EL1&0,
 * EL2 and EL3 regimes, stage 2 for the EL1&0 regime when HCR_EL2.VM is
 * set, the softmmu's tlb_fill, AT (address translation) operations, the
 * MMU index scheme (sys-internal.h) and the TB flags that carry it.
 *
 * Follows DDI 0487:
 *   D8.1-D8.2  translation regimes, VA ranges (TTBR0/TTBR1 by VA bit 55,
 *              top byte ignore TCR_ELx.TBI), TxSZ, granules (TG0/TG1 with
 *              their different encodings), the initial lookup level and
 *              concatenated stage 2 start tables (VTCR_EL2.SL0)
 *   D8.3       descriptors: table, block (4K: levels 1-2; 16K, 64K: level
 *              2), page; output address bits [47:granule]
 *   D8.4       access permissions: AP[2:1], UXN/PXN, hierarchical APTable/
 *              UXNTable/PXNTable (unless TCR_ELx.HPD), EL0-writable implies
 *              PXN, SCTLR_ELx.WXN, PSTATE.PAN; stage 2 S2AP and XN
 *   D8.5       the access flag (no hardware update: AF = 0 faults)
 *   D8.2.x     FEAT_E0PD (TCR_EL1.E0PD0/1: EL0 accesses to a half fault at
 *              level 0 without a walk)
 *   D8.9       MMU faults and their priority: address size, translation,
 *              access flag, permission; synchronous external abort on a
 *              table walk; stage 2 faults on stage 1 walks (S1PTW)
 *   D8.2.x     MMU disabled: flat mapping, address size fault beyond the
 *              physical address size
 *   C5.5 / D17 AT S1E0R..S12E0W and PAR_EL1's two formats
 *
 * What is not modelled: memory attributes beyond what AT reports (all
 * memory behaves as Normal, so unaligned accesses to Device memory do not
 * fault), hardware AF/dirty updates (HAFDBS is not advertised), the
 * contiguous hint (each page is looked up), 52-bit addresses, VHE.
 * Speed: descriptors are read straight from the host copy of guest RAM
 * (one flat-view lookup per level); the walk keeps no cache beyond the
 * softmmu TLB itself.
 */
#include "target/arm/sys-internal.h"

#include "core/memory.h"
#include "target/arm/sysreg.h"

/* ---- TB flags ---------------------------------------------------------------------------- */

static uint32_t compute_tb_flags(CPUARMState *env)
{
    unsigned el = arm_current_el(env);
    uint32_t f = 0;
    unsigned mmu, unpriv;
    uint64_t hcr = arm_hcr(env);
    switch (el) {
    case 0:
        mmu = unpriv = ARM_MMU_E10_0;
        break;
    case 1:
        mmu = (env->pstate & PSTATE_PAN) ? ARM_MMU_E10_1_PAN : ARM_MMU_E10_1;
        /* LDTR/STTR: EL0 permissions, unless PSTATE.UAO */
        unpriv = (env->pstate & PSTATE_UAO) ? mmu : ARM_MMU_E10_0;
        break;
    case 2:
        mmu = unpriv = ARM_MMU_E2;
        break;
    default:
        mmu = unpriv = ARM_MMU_E3;
        break;
    }
    f |= mmu << TBF_MMU_SHIFT | unpriv << TBF_UNPRIV_MMU_SHIFT;

    /* FP/SIMD traps: CPACR_EL1.FPEN (EL0/1), CPTR_EL2.TFP (EL0-2), CPTR_EL3.TFP */
    bool fp_trap = false;
    if (el <= 1) {
        unsigned fpen = (unsigned)(env->sys.cpacr_el1 >> CPACR_FPEN_SHIFT) & 3;
        if (fpen == 0 || fpen == 2 || (fpen == 1 && el == 0))
            fp_trap = true;
    }
    if (el <= 2 && arm_el2_enabled(env) && (env->sys.cptr_el2 & CPTR_TFP))
        fp_trap = true;
    if (arm_has_el3(env) && (env->sys.cptr_el3 & CPTR_TFP))
        fp_trap = true;
    if (fp_trap)
        f |= TBF_FP_TRAP;

    unsigned regime = el ? el : 1;
    uint64_t sctlr = env->sys.sctlr[regime];
    if (sctlr & SCTLR_A)
        f |= TBF_ALIGN;
    if (el == 0) {
        uint64_t s1 = env->sys.sctlr[1];
        if (hcr & HCR_TGE) {
            /* EL0 under TGE: no EL1 to configure it (E2H = 0): allowed */
            s1 = SCTLR_UMA | SCTLR_UCT | SCTLR_DZE | SCTLR_UCI | SCTLR_nTWI | SCTLR_nTWE;
        }
        if (s1 & SCTLR_UMA)
            f |= TBF_UMA;
        if (s1 & SCTLR_UCT)
            f |= TBF_UCT;
        if (s1 & SCTLR_DZE)
            f |= TBF_DZE;
        if (s1 & SCTLR_UCI)
            f |= TBF_UCI;
        if (!(s1 & SCTLR_nTWI) || !(s1 & SCTLR_nTWE))
            f |= TBF_WFX_TRAP;
        if ((env->sys.cntkctl_el1 & CNTKCTL_EL0VCTEN) || (hcr & HCR_TGE))
            f |= TBF_EL0_TIMER;
    }
    return f;
}

/* What the cached flags depend on besides the registers whose writes
 * invalidate them (arm_sys_flags_changed). */
#define TBF_KEY_BITS (PSTATE_EL_MASK | PSTATE_PAN | PSTATE_UAO)

uint32_t arm_sys_tb_flags(CPUARMState *env)
{
    uint32_t key = (uint32_t)(env->pstate & TBF_KEY_BITS);
    if (env->sys.tbflags_key != key) {
        env->sys.tbflags = compute_tb_flags(env);
        env->sys.tbflags_key = key;
    }
    return env->sys.tbflags;
}

/* ---- translation -------------------------------------------------------------------------- */

enum { FAULT_NONE, FAULT_ADDRSIZE, FAULT_TRANSLATION, FAULT_ACCESS, FAULT_PERMISSION, FAULT_EXTABT };

typedef struct Trans {
    uint64_t pa;            /* output address of the access */
    unsigned lg_size;       /* log2 of the mapping's size */
    unsigned prot;          /* PAGE_* for the privilege asked */
    uint8_t attr;           /* MAIR attribute (AT) */
    uint8_t sh;             /* shareability (AT) */
    bool ns;
    /* on a fault */
    int fault;
    int level;
    bool stage2, s1ptw;
    uint64_t ipa;           /* stage 2 faults: the IPA (HPFAR_EL2) */
} Trans;

static unsigned pa_bits_of(unsigned code)
{
    static const unsigned bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };
    return bits[code & 7];
}

/* The implemented physical address size (ID_AA64MMFR0.PARange). */
static unsigned pa_max(CPUARMState *env)
{
    return pa_bits_of((unsigned)env_archcpu(env)->id.id_aa64mmfr0 & 0xf);
}

/* A granule the CPU supports: g is 12, 14 or 16; unsupported sizes are
 * treated as 4 KiB (IMPLEMENTATION DEFINED choice the ARM ARM allows). */
static unsigned granule_ok(CPUARMState *env, unsigned g)
{
    uint64_t m = env_archcpu(env)->id.id_aa64mmfr0;
    if (g == 16 && ((m >> 24) & 0xf) == 0xf)
        return 12;
    if (g == 14 && ((m >> 20) & 0xf) == 0)
        return 12;
    return g;
}

static bool block_allowed(unsigned g, int level)
{
    if (g == 12)
        return level == 1 || level == 2;
    return level == 2;
}

/* A descriptor from guest physical memory (little-endian). */
static bool read_phys64(CPUARMState *env, uint64_t pa, uint64_t *v)
{
    AddressSpace *as = env_cs(env)->as;
    const FlatRange *fr = as ? as_lookup(as, pa) : NULL;
    if (!fr || !fr->host || pa - fr->start > fr->size - 8)
        return false;
    const uint8_t *p = fr->host + (pa - fr->start);
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    *v = x;
    return true;
}

static bool fault(Trans *t, int kind, int level)
{
    t->fault = kind;
    t->level = level;
    return false;
}

/* Stage 2 of the EL1&0 regime: ipa -> pa. For a stage 1 walk's descriptor
 * read, s1ptw is set (and a fault says so). */
static bool stage2(CPUARMState *env, uint64_t ipa, MMUAccessType type, bool s1ptw, Trans *t)
{
    uint64_t vtcr = env->sys.vtcr_el2;
    unsigned tsz = (unsigned)vtcr & 0x3f, sl0 = (unsigned)(vtcr >> 6) & 3;
    unsigned tg = (unsigned)(vtcr >> 14) & 3;
    unsigned g = granule_ok(env, tg == 1 ? 16 : tg == 2 ? 14 : 12);
    unsigned oasize = MIN(pa_bits_of((unsigned)(vtcr >> 16) & 7), pa_max(env));
    unsigned stride = g - 3;
    t->stage2 = true;
    t->s1ptw = s1ptw;
    t->ipa = ipa;
    if (tsz < 16)
        tsz = 16;
    if (tsz > 39)
        tsz = 39;
    unsigned inputsize = 64 - tsz;
    int start;
    if (g == 12)
        start = sl0 == 0 ? 2 : sl0 == 1 ? 1 : sl0 == 2 ? 0 : -1;
    else
        start = sl0 == 0 ? 3 : sl0 == 1 ? 2 : sl0 == 2 ? 1 : -1;
    if (start < 0)
        return fault(t, FAULT_TRANSLATION, 0);
    unsigned lsb = g + (3 - (unsigned)start) * stride;
    if (inputsize <= lsb || inputsize - lsb > stride + 4)
        return fault(t, FAULT_TRANSLATION, start);    /* inconsistent VTCR_EL2 */
    if (ipa >> inputsize)
        return fault(t, FAULT_TRANSLATION, start);
    if (ipa >> oasize)
        return fault(t, FAULT_ADDRSIZE, start);
    unsigned width = inputsize - lsb;
    uint64_t base = env->sys.vttbr_el2 & 0x0000fffffffffffeull;
    base &= ~((8ull << width) - 1);
    if (base >> oasize)
        return fault(t, FAULT_ADDRSIZE, start);
    int level = start;
    for (;;) {
        lsb = g + (3 - (unsigned)level) * stride;
        uint64_t idx = (ipa >> lsb) & ((1ull << width) - 1);
        uint64_t desc;
        if (!read_phys64(env, base + idx * 8, &desc))
            return fault(t, FAULT_EXTABT, level);
        if (!(desc & 1))
            return fault(t, FAULT_TRANSLATION, level);
        if (level < 3 && (desc & 3) == 3) {
            base = desc & 0x0000ffffffffffffull & ~((1ull << g) - 1);
            if (base >> oasize)
                return fault(t, FAULT_ADDRSIZE, level);
            level++;
            width = stride;
            continue;
        }
        if (level == 3 ? (desc & 3) != 3 : !block_allowed(g, level))
            return fault(t, FAULT_TRANSLATION, level);
        uint64_t oa = desc & 0x0000ffffffffffffull & ~((1ull << lsb) - 1);
        if (oa >> oasize)
            return fault(t, FAULT_ADDRSIZE, level);
        if (!(desc & (1u << 10)))
            return fault(t, FAULT_ACCESS, level);
        unsigned s2ap = (unsigned)(desc >> 6) & 3;
        unsigned prot = 0;
        if (s2ap & 1)
            prot |= PAGE_READ;
        if (s2ap & 2)
            prot |= PAGE_WRITE;
        if (!((desc >> 54) & 1))
            prot |= PAGE_EXEC;
        unsigned need = type == MMU_DATA_STORE ? PAGE_WRITE
                        : type == MMU_INST_FETCH ? PAGE_EXEC : PAGE_READ;
        if (!(prot & need))
            return fault(t, FAULT_PERMISSION, level);
        t->pa = oa | (ipa & ((1ull << lsb) - 1));
        t->lg_size = lsb;
        t->prot = prot;
        t->stage2 = false;
        t->s1ptw = false;
        return true;
    }
}

/* The regime and privilege of an MMU index. */
typedef struct Priv {
    unsigned regime;    /* 1 (EL1&0), 2, 3 */
    bool unpriv;        /* EL0 permissions */
    bool pan;
} Priv;

static Priv priv_of(int mmu_idx)
{
    switch (mmu_idx) {
    case ARM_MMU_E10_0: return (Priv){ 1, true, false };
    case ARM_MMU_E10_1: return (Priv){ 1, false, false };
    case ARM_MMU_E10_1_PAN: return (Priv){ 1, false, true };
    case ARM_MMU_E2: return (Priv){ 2, false, false };
    default: return (Priv){ 3, false, false };
    }
}

static bool s2_enabled(CPUARMState *env, unsigned regime)
{
    uint64_t hcr = arm_hcr(env);
    return regime == 1 && (hcr & HCR_VM) && !(hcr & HCR_TGE);
}

static bool s1_enabled(CPUARMState *env, unsigned regime)
{
    if (regime == 1 && (arm_hcr(env) & (HCR_TGE | HCR_DC)))
        return false;
    return (env->sys.sctlr[regime] & SCTLR_M) != 0;
}

/* Is VA tagged (TBI): the top byte differs from a plain sign extension? */
static bool va_tbi(CPUARMState *env, unsigned regime, uint64_t va)
{
    uint64_t tcr = env->sys.tcr[regime];
    if (regime == 1)
        return ((va >> 55) & 1) ? (tcr >> 38) & 1 : (tcr >> 37) & 1;
    return (tcr >> 20) & 1;
}

/*
 * Stage 1 (and stage 2 when enabled) for va. On success t->pa, lg_size and
 * prot (for the privilege p) are set; the access type is checked. On a
 * fault, t->fault/level/stage2/s1ptw/ipa say what happened.
 */
static bool translate(CPUARMState *env, uint64_t va, MMUAccessType type, Priv p, bool do_s2,
                      Trans *t)
{
    memset(t, 0, sizeof(*t));
    t->ns = arm_is_ns(env);
    unsigned regime = p.regime;
    bool s2 = do_s2 && s2_enabled(env, regime);
    unsigned need = type == MMU_DATA_STORE ? PAGE_WRITE
                    : type == MMU_INST_FETCH ? PAGE_EXEC : PAGE_READ;

    if (!s1_enabled(env, regime)) {
        /* flat: Device for data, Normal for instructions; beyond the PA
         * size an address size fault at level 0 */
        if (va >> pa_max(env))
            return fault(t, FAULT_ADDRSIZE, 0);
        t->pa = va;
        t->lg_size = TARGET_PAGE_BITS;
        t->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        t->attr = type == MMU_INST_FETCH ? 0x44 : 0x00;
        goto stage_2;
    }

    uint64_t tcr = env->sys.tcr[regime];
    unsigned tsz, tgf, ips;
    bool epd = false, tbi, hpd, upper = false;
    uint64_t ttbr;
    bool hpds = arm_has(env_archcpu(env), ARM_FEAT_HPDS);
    unsigned g;
    if (regime == 1) {
        upper = (va >> 55) & 1;
        ips = (unsigned)(tcr >> 32) & 7;
        if (!upper) {
            tsz = (unsigned)tcr & 0x3f;
            tgf = (unsigned)(tcr >> 14) & 3;
            g = tgf == 1 ? 16 : tgf == 2 ? 14 : 12;
            epd = (tcr >> 7) & 1;
            tbi = (tcr >> 37) & 1;
            hpd = hpds && ((tcr >> 41) & 1);
            ttbr = env->sys.ttbr0[1];
        } else {
            tsz = (unsigned)(tcr >> 16) & 0x3f;
            tgf = (unsigned)(tcr >> 30) & 3;
            g = tgf == 1 ? 14 : tgf == 3 ? 16 : 12;
            epd = (tcr >> 23) & 1;
            tbi = (tcr >> 38) & 1;
            hpd = hpds && ((tcr >> 42) & 1);
            ttbr = env->sys.ttbr1_el1;
        }
    } else {
        tsz = (unsigned)tcr & 0x3f;
        tgf = (unsigned)(tcr >> 14) & 3;
        g = tgf == 1 ? 16 : tgf == 2 ? 14 : 12;
        ips = (unsigned)(tcr >> 16) & 7;
        tbi = (tcr >> 20) & 1;
        hpd = hpds && ((tcr >> 24) & 1);
        ttbr = env->sys.ttbr0[regime];
    }
    g = granule_ok(env, g);
    if (tsz < 16)
        tsz = 16;
    if (tsz > 39)
        tsz = 39;
    unsigned inputsize = 64 - tsz;
    unsigned oasize = MIN(pa_bits_of(ips), pa_max(env));
    unsigned stride = g - 3;

    /* VA range: bits [top:inputsize] all equal to the half's fill */
    uint64_t hi = tbi ? (va << 8) >> (8 + inputsize) : va >> inputsize;
    unsigned nbits = (tbi ? 56 : 64) - inputsize;
    uint64_t want = upper ? ((nbits >= 64) ? ~0ull : (1ull << nbits) - 1) : 0;
    if (hi != want || epd)
        return fault(t, FAULT_TRANSLATION, 0);
    /* E0PD: EL0 (and unprivileged) accesses to a half fault at once */
    if (regime == 1 && p.unpriv && arm_has(env_archcpu(env), ARM_FEAT_E0PD) &&
        ((tcr >> (upper ? 56 : 55)) & 1))
        return fault(t, FAULT_TRANSLATION, 0);

    int start = 3 - (int)((inputsize - g - 1) / stride);
    unsigned lsb = g + (3 - (unsigned)start) * stride;
    unsigned width = inputsize - lsb;
    uint64_t base = ttbr & 0x0000fffffffffffeull & ~((8ull << width) - 1);
    if (base >> oasize)
        return fault(t, FAULT_ADDRSIZE, 0);

    unsigned aptable = 0, xntable = 0, pxntable = 0;
    int level = start;
    uint64_t desc;
    for (;;) {
        lsb = g + (3 - (unsigned)level) * stride;
        uint64_t idx = (va >> lsb) & ((1ull << width) - 1);
        uint64_t daddr = base + idx * 8;
        if (s2) {
            Trans t2;
            memset(&t2, 0, sizeof(t2));
            if (!stage2(env, daddr, MMU_DATA_LOAD, true, &t2)) {
                t->fault = t2.fault;
                t->level = t2.level;
                t->stage2 = true;
                t->s1ptw = true;
                t->ipa = daddr;
                return false;
            }
            daddr = t2.pa;
        }
        if (!read_phys64(env, daddr, &desc))
            return fault(t, FAULT_EXTABT, level);
        if (!(desc & 1))
            return fault(t, FAULT_TRANSLATION, level);
        if (level < 3 && (desc & 3) == 3) {
            base = desc & 0x0000ffffffffffffull & ~((1ull << g) - 1);
            if (base >> oasize)
                return fault(t, FAULT_ADDRSIZE, level);
            if (!hpd) {
                aptable |= (unsigned)(desc >> 61) & 3;
                xntable |= (unsigned)(desc >> 60) & 1;
                pxntable |= (unsigned)(desc >> 59) & 1;
            }
            level++;
            width = stride;
            continue;
        }
        if (level == 3 ? (desc & 3) != 3 : !block_allowed(g, level))
            return fault(t, FAULT_TRANSLATION, level);
        break;
    }
    uint64_t oa = desc & 0x0000ffffffffffffull & ~((1ull << lsb) - 1);
    if (oa >> oasize)
        return fault(t, FAULT_ADDRSIZE, level);
    if (!(desc & (1u << 10)))
        return fault(t, FAULT_ACCESS, level);

    /* permissions */
    unsigned prot = PAGE_READ;
    bool wxn = (env->sys.sctlr[regime] & SCTLR_WXN) != 0;
    if (regime == 1) {
        unsigned ap = (unsigned)(desc >> 6) & 3;
        if (aptable & 1)
            ap &= ~1u;          /* no EL0 access below this table */
        if (aptable & 2)
            ap |= 2;            /* read-only below this table */
        bool uxn = ((desc >> 54) & 1) || xntable;
        bool pxn = ((desc >> 53) & 1) || pxntable;
        if (p.unpriv) {
            prot = (ap & 1) ? PAGE_READ : 0;
            if (ap == 1)
                prot |= PAGE_WRITE;
            if (!uxn && !(wxn && ap == 1))
                prot |= PAGE_EXEC;
        } else {
            if (!(ap & 2))
                prot |= PAGE_WRITE;
            /* EL1 never executes what EL0 may write */
            if (!pxn && ap != 1 && !(wxn && !(ap & 2)))
                prot |= PAGE_EXEC;
            if (p.pan && (ap & 1))
                prot &= ~(unsigned)(PAGE_READ | PAGE_WRITE);
        }
    } else {
        bool ro = ((desc >> 7) & 1) || (aptable & 2);
        bool xn = ((desc >> 54) & 1) || xntable;
        if (!ro)
            prot |= PAGE_WRITE;
        if (!xn && !(wxn && !ro))
            prot |= PAGE_EXEC;
    }
    t->pa = oa | (va & ((1ull << lsb) - 1));
    t->lg_size = lsb;
    t->prot = prot;
    t->sh = (uint8_t)((desc >> 8) & 3);
    t->attr = (uint8_t)(env->sys.mair[regime] >> (8 * ((desc >> 2) & 7)));
    if (t->ns || ((desc >> 5) & 1))
        t->ns = true;
    if (!(prot & need))
        return fault(t, FAULT_PERMISSION, level);

stage_2:
    if (s2) {
        Trans t2;
        memset(&t2, 0, sizeof(t2));
        uint64_t ipa = t->pa;
        if (!stage2(env, ipa, type, false, &t2)) {
            t->fault = t2.fault;
            t->level = t2.level;
            t->stage2 = true;
            t->s1ptw = false;
            t->ipa = ipa;
            return false;
        }
        t->pa = t2.pa;
        t->prot &= t2.prot;
        if (t2.lg_size < t->lg_size)
            t->lg_size = t2.lg_size;
    }
    if (t->lg_size < TARGET_PAGE_BITS)
        t->lg_size = TARGET_PAGE_BITS;
    return true;
}

static unsigned fsc_of(const Trans *t)
{
    static const unsigned base[] = {
        [FAULT_ADDRSIZE] = 0x00, [FAULT_TRANSLATION] = 0x04, [FAULT_ACCESS] = 0x08,
        [FAULT_PERMISSION] = 0x0c, [FAULT_EXTABT] = 0x14,
    };
    return base[t->fault] | ((unsigned)t->level & 3);
}

static const char *fault_name(int f)
{
    static const char *const n[] = { "none", "address size", "translation", "access flag",
                                     "permission", "external abort on walk" };
    return n[f];
}

static bool fetchable(CPUState *cs, uint64_t pa)
{
    const FlatRange *fr = cs->as ? as_lookup(cs->as, pa) : NULL;
    return fr && fr->host;
}

bool arm_tlb_fill(CPUState *cs, uint64_t vaddr, MMUAccessType type, int mmu_idx, bool probe,
                  uintptr_t ra, TLBFill *out)
{
    ARMCPU *cpu = arm_cpu(cs);
    CPUARMState *env = &cpu->env;
    Priv p = priv_of(mmu_idx);
    Trans t;
    if (translate(env, vaddr, type, p, true, &t) && type == MMU_INST_FETCH &&
        !fetchable(cs, t.pa)) {
        /* code only runs from RAM/ROM: elsewhere a synchronous external
         * abort on the fetch */
        if (probe)
            return false;
        qlog(LOG_GUEST_ERROR, "cpu %d: instruction fetch from %#" PRIx64 " (physical %#" PRIx64
             "), which is not memory: external abort\n", cs->index, vaddr, t.pa);
        env->exception.vaddress = vaddr;
        arm_raise(env, EXCP_PREFETCH_ABORT,
                  (uint32_t)EC_INSN_ABORT << ESR_EC_SHIFT | ESR_IL | FSC_SYNC_EXTERNAL,
                  arm_current_el(env) ? arm_current_el(env) : 1, ra);
    }
    if (t.fault == FAULT_NONE) {
        out->phys = t.pa & TARGET_PAGE_MASK;
        out->prot = t.prot;
        out->lg_page_size = t.lg_size;
        if (s1_enabled(env, p.regime) && va_tbi(env, p.regime, vaddr)) {
            uint64_t top = vaddr >> 56, fill = ((vaddr >> 55) & 1) ? 0xff : 0;
            if (top != fill)
                env->sys.tlb_tagged = 1;
        }
        return true;
    }
    if (probe)
        return false;
    unsigned fsc = fsc_of(&t);
    qlog(LOG_MMU, "cpu %d: %s fault (stage %d%s, level %d, FSC %#x) at %#" PRIx64
         " (%s, MMU index %d)\n", cs->index, fault_name(t.fault), t.stage2 ? 2 : 1,
         t.s1ptw ? ", stage 1 walk" : "", t.level, fsc, vaddr,
         type == MMU_INST_FETCH ? "fetch" : type == MMU_DATA_STORE ? "store" : "load", mmu_idx);
    unsigned cur = arm_current_el(env);
    unsigned target = cur ? cur : 1;
    uint32_t iss = fsc;
    if (t.stage2) {
        target = 2;
        env->sys.hpfar_el2 = (t.ipa >> 12) << 4;
        if (t.s1ptw)
            iss |= 1u << 7;
    }
    env->exception.vaddress = vaddr;
    if (type == MMU_INST_FETCH) {
        arm_raise(env, EXCP_PREFETCH_ABORT,
                  (uint32_t)EC_INSN_ABORT << ESR_EC_SHIFT | ESR_IL | iss, target, ra);
    }
    if (type == MMU_DATA_STORE && !t.s1ptw)
        iss |= 1u << 6;   /* WnR */
    arm_raise(env, EXCP_DATA_ABORT, (uint32_t)EC_DATA_ABORT << ESR_EC_SHIFT | ESR_IL | iss,
              target, ra);
}

/* ---- AT ------------------------------------------------------------------------------------ */

uint64_t arm_at(CPUARMState *env, uint64_t va, MMUAccessType type, unsigned el, bool s12, bool pan)
{
    Priv p;
    if (el == 0)
        p = (Priv){ 1, true, false };
    else if (el == 1)
        p = (Priv){ 1, false, pan };
    else
        p = (Priv){ el, false, false };
    Trans t;
    if (translate(env, va, type, p, s12, &t)) {
        uint64_t par = (t.pa & 0x0000fffffffff000ull) | (uint64_t)t.attr << 56 |
                       (uint64_t)t.sh << 7 | 1u << 11;
        if (t.ns)
            par |= 1u << 9;
        return par;
    }
    uint64_t par = 1 | (uint64_t)fsc_of(&t) << 1 | 1u << 11;
    if (t.s1ptw)
        par |= 1u << 8;
    if (t.stage2)
        par |= 1u << 9;
    return par;
}

/* ---- flushes --------------------------------------------------------------------------------- */

void arm_tlb_flush_e10(CPUARMState *env)
{
    tlb_flush_by_mmuidx(env_cs(env), ARM_MMU_MASK_E10);
    env->sys.tlb_tagged = 0;
}

ARM_FEATURE_BUILT(ARM_FEAT_E0PD)
