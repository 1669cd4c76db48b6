/*
 * virt.h — the aarch64 virt board's shared state: what boards/virt.c (the
 * memory map, the devices and their wiring), boards/virt-fdt.c (the device
 * tree) and the pieces that plug in through the hooks at the end of this
 * file (CPUs, GIC, PCIe host, virtio-mmio, kernel loading; their
 * placeholders are in boards/virt-hooks.c) have in common.
 */
#ifndef FERRY_BOARDS_VIRT_H
#define FERRY_BOARDS_VIRT_H

#include "core/irq.h"
#include "core/machine.h"
#include "devices/fw_cfg.h"

/* Regions of the memory map; their bases, sizes and SPIs are the table at
 * the top of boards/virt.c (virt_memmap[]). */
enum {
    VIRT_FLASH,           /* two 64 MiB banks */
    VIRT_CPUPERIPHS,
    VIRT_GIC_DIST,
    VIRT_GIC_CPU,         /* GICv2 CPU interface */
    VIRT_GIC_V2M,         /* GICv2m MSI frame */
    VIRT_GIC_HYP,         /* GICv2 virtual interface control (virtualization=on) */
    VIRT_GIC_VCPU,        /* GICv2 virtual CPU interface (virtualization=on) */
    VIRT_GIC_ITS,
    VIRT_GIC_REDIST,      /* GICv3 redistributors, region 0 (123 CPUs) */
    VIRT_UART,
    VIRT_RTC,
    VIRT_FW_CFG,
    VIRT_GPIO,
    VIRT_SECURE_UART,     /* secure=on only */
    VIRT_SECURE_GPIO,     /* secure=on only */
    VIRT_MMIO,            /* 32 virtio-mmio transports */
    VIRT_PLATFORM_BUS,
    VIRT_SECURE_MEM,      /* secure=on only */
    VIRT_PCIE_MMIO,       /* 32-bit PCIe MMIO window */
    VIRT_PCIE_PIO,        /* PCIe I/O port window */
    VIRT_PCIE_ECAM,       /* low ECAM (highmem=off) */
    VIRT_MEM,             /* RAM */
    /* Above 4 GiB (highmem=on), placed after RAM by virt_prepare(): */
    VIRT_HIGH_GIC_REDIST2, /* GICv3 redistributors, region 1 (more CPUs) */
    VIRT_HIGH_PCIE_ECAM,
    VIRT_HIGH_PCIE_MMIO,  /* 64-bit PCIe MMIO window */
    VIRT__REGIONS
};

typedef struct VirtRegion {
    hwaddr base;
    uint64_t size;
    int spi;              /* first SPI (0-based, as in the device tree); -1: none */
} VirtRegion;

extern const VirtRegion virt_memmap[VIRT__REGIONS];

#define VIRT_NUM_SPIS 256         /* SPIs the GIC provides (INTIDs 32..287) */
#define VIRT_NUM_VIRTIO_MMIO 32
#define VIRT_VIRTIO_MMIO_SIZE 0x200
#define VIRT_NUM_PCIE_INTX 4      /* INTA..INTD on SPIs 3..6 */
#define VIRT_GICV2M_NUM_SPIS 64   /* MSIs through the v2m frame: SPIs 48..111 */
#define VIRT_GICV3_REDIST_SIZE 0x20000 /* per CPU: RD_base + SGI_base frames */
#define VIRT_GICV2_MAX_CPUS 8
#define VIRT_FLASH_BANK_SIZE (64 * MiB)
#define VIRT_FLASH_BLOCK_SIZE (256 * KiB)
#define VIRT_CLOCK_HZ 24000000    /* the apb-pclk fixed clock */
#define VIRT_POWER_KEY_LINE 3     /* PL061 line the gpio-keys node names */

/* PPIs (numbered from 0 within the PPI range, as in the device tree). */
#define VIRT_PPI_PMU 7
#define VIRT_PPI_GIC_MAINT 9
#define VIRT_PPI_TIMER_NS_EL2 10
#define VIRT_PPI_TIMER_VIRT 11
#define VIRT_PPI_TIMER_S_EL1 13
#define VIRT_PPI_TIMER_NS_EL1 14

typedef enum { VIRT_PSCI_NONE, VIRT_PSCI_HVC, VIRT_PSCI_SMC } VirtPsciConduit;

/* -machine virt,... as parsed. */
typedef struct VirtConfig {
    int gic_version;        /* 2 or 3 (max resolves to 3) */
    bool highmem, secure, virtualization, its;
    bool dtb_randomness;    /* rng-seed and kaslr-seed in /chosen */
    const char *dumpdtb;
} VirtConfig;

/* What the CPU layer tells the board (virt_cpus_create() fills it). */
typedef struct VirtCpuInfo {
    const char *dt_compatible; /* "arm,cortex-a57" */
    bool has_pmu;              /* adds the /pmu node */
} VirtCpuInfo;

typedef struct VirtBoard {
    Machine *m;
    VirtConfig cfg;
    const char *cpu_model;     /* -cpu, or the board's default */
    unsigned ncpus, sockets, clusters, cores, threads;
    uint64_t *mpidr;           /* per CPU: Aff1 = cluster of 8 (GICv2) or 16 */
    VirtRegion map[VIRT__REGIONS]; /* size 0: absent in this configuration */
    int redist_regions;        /* GICv3: 1, or 2 with more than 123 CPUs */
    bool firmware;             /* -bios: firmware boots (and reads fw_cfg) */
    int boot_el;               /* the EL the first instruction runs at */
    VirtPsciConduit psci;

    /* Memory. With secure=on the Secure world sees secure_sysmem: the
     * system memory plus the secure-only regions; secure_as is its view. */
    MemoryRegion *ram, *flash[2], *secure_ram, *secure_sysmem;
    Device *flash_dev[2];      /* CFI flash banks (devices/flash) */
    AddressSpace *secure_as;

    VirtCpuInfo cpu;
    /* SPI n of the GIC, filled by virt_gic_create(). */
    IRQ *spi[VIRT_NUM_SPIS];

    Device *uart, *secure_uart, *rtc, *gpio, *secure_gpio;
    FwCfg *fw_cfg;
    IRQ *power_key;            /* the PL061 input the power key drives */
    Timer *power_key_release;
    IRQ *secure_gpio_out;      /* poweroff (0) and restart (1) from secure world */

    /* Device tree: ours, or the user's -dtb (kept from virt_prepare()). */
    void *fdt;
    size_t fdt_size;
    uint8_t *user_dtb;
    size_t user_dtb_size;
    uint32_t next_phandle, phandle_clock, phandle_gic, phandle_msi, phandle_gpio,
        phandle_secure_gpio;

    /* Filled by virt_boot_load(): where the initrd went (size 0: none). */
    hwaddr initrd_start;
    uint64_t initrd_size;

    /* The CPU side's own state (CPUs, GIC, boot images): boards/virt-cpu.c. */
    struct VirtArm *arm;
} VirtBoard;

/* ---- boards/virt.c --------------------------------------------------------- */

/* Parses -machine virt,... and the common options into a VirtBoard
 * (m->board), checks them, computes the memory map, the PSCI conduit and
 * the CPU topology, and loads and checks a -dtb file. Nothing is created. */
VirtBoard *virt_prepare(Machine *m, Error **errp);
/* RAM, flash (with -bios), and the secure view with secure=on. */
int virt_create_memory(VirtBoard *vb, Error **errp);
/* One entry of the board's device table by its region (VIRT_UART, ...). */
int virt_create_device(VirtBoard *vb, int region, Error **errp);
/* The whole device table, in order. */
int virt_create_devices(VirtBoard *vb, Error **errp);
/* The power button: presses the power key for 100 ms of guest time. */
void virt_powerdown(void *opaque);
/* Reads a whole file of at most max bytes (errors name opt and path). */
uint8_t *virt_load_file(const char *opt, const char *path, size_t max, size_t *len, Error **errp);
/* A -kernel image gunzipped if it is gzip data (buf is consumed; at most
 * VIRT_MAX_KERNEL bytes out), as QEMU does. */
#define VIRT_MAX_KERNEL (256 * MiB)
uint8_t *virt_gunzip_if_needed(const char *path, uint8_t *buf, size_t *len, Error **errp);

/* ---- boards/virt-fdt.c ----------------------------------------------------- */

/* The board's device tree (as QEMU 7.2 generates it for the same options),
 * or the -dtb blob; then the boot properties: /memory, /chosen (bootargs,
 * initrd), /psci. Leaves the packed blob in vb->fdt. */
int virt_fdt_build(VirtBoard *vb, Error **errp);
/* Writes vb->fdt to a file (-machine dumpdtb=FILE). */
int virt_fdt_dump(VirtBoard *vb, const char *path, Error **errp);

/* ---- hooks: the pieces others plug in (placeholders: boards/virt-hooks.c) ---- */

/*
 * target/arm: create vb->ncpus CPUs of model vb->cpu_model with MPIDRs
 * vb->mpidr[], EL3 if vb->cfg.secure, EL2 if vb->cfg.virtualization, the
 * PSCI conduit vb->psci (CPUs after the first start powered off when it is
 * not NONE), the generic timer at VIRT_CLOCK_HZ... and fill vb->cpu. The
 * Secure world's accesses go through vb->secure_as when it is set.
 */
int virt_cpus_create(VirtBoard *vb, Error **errp);
/*
 * devices/intc: the GIC of vb->cfg.gic_version at vb->map[VIRT_GIC_DIST]
 * (v2: VIRT_GIC_CPU, and VIRT_GIC_HYP/VCPU with virtualization; v3:
 * VIRT_GIC_REDIST and, with vb->redist_regions == 2,
 * VIRT_HIGH_GIC_REDIST2), its MSI controller (v2: the v2m frame at
 * VIRT_GIC_V2M for SPIs vb->map[VIRT_GIC_V2M].spi.. +VIRT_GICV2M_NUM_SPIS;
 * v3 with vb->cfg.its: the ITS at VIRT_GIC_ITS), each CPU's IRQ/FIQ/VIRQ/
 * VFIQ, and the timer, PMU and maintenance PPIs; then vb->spi[0..255].
 */
int virt_gic_create(VirtBoard *vb, Error **errp);
/*
 * devices/virtio: VIRT_NUM_VIRTIO_MMIO transports, transport i at
 * vb->map[VIRT_MMIO].base + i * VIRT_VIRTIO_MMIO_SIZE on SPI
 * vb->map[VIRT_MMIO].spi + i. (QEMU plugs the first -device into the
 * transport at the highest address.)
 */
int virt_virtio_mmio_create(VirtBoard *vb, Error **errp);
/*
 * devices/pci: the generic ECAM host bridge: ECAM at vb->map[VIRT_PCIE_ECAM]
 * or, when its size is non-zero, vb->map[VIRT_HIGH_PCIE_ECAM]; windows
 * VIRT_PCIE_MMIO, VIRT_PCIE_PIO and (size non-zero) VIRT_HIGH_PCIE_MMIO;
 * INTA..D of slot s, pin p (0-based) on vb->spi[3 + (s + p) % 4]; MSIs to
 * the GIC's MSI controller.
 */
int virt_pcie_create(VirtBoard *vb, Error **errp);
/*
 * firmware/: with -kernel (and no -bios) load the kernel and -initrd into
 * RAM and set vb->initrd_start/initrd_size; the device tree is built after
 * this (its /chosen names the initrd).
 */
int virt_boot_load(VirtBoard *vb, Error **errp);
/*
 * firmware/: put vb->fdt into RAM (a kernel boot: x0 points to it; a
 * firmware boot: at the start of RAM) and set each CPU's entry state.
 */
int virt_boot_start(VirtBoard *vb, Error **errp);

#endif
