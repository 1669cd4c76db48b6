/*
 * virt-arm.h — the virt board's CPU side (boards/virt-cpu.c: CPUs, GIC,
 * run control; boards/virt-boot.c: kernel/initrd/DTB placement and the
 * entry state): what those two files share.
 */
#ifndef FERRY_BOARDS_VIRT_ARM_H
#define FERRY_BOARDS_VIRT_ARM_H

#include "boards/virt.h"
#include "devices/intc/gicv2.h"
#include "devices/intc/gicv2m.h"
#include "devices/intc/gicv3-its.h"
#include "devices/intc/gicv3.h"
#include "target/arm/board.h"

/* A blob copied into RAM at every reset (QEMU's "ROM blobs"). */
typedef struct VirtBlob {
    const char *what;
    hwaddr addr;
    uint8_t *data;
    size_t len;
} VirtBlob;

#define VIRT_MAX_BLOBS 4

typedef struct VirtArm {
    ARMCPU **cpus;
    unsigned ncpus;
    GICv2 *gicv2;
    GICv3 *gicv3;
    GICv2m *v2m;
    GICv3ITS *its;
    bool vcpus_started;
    /* boot (virt-boot.c) */
    VirtBlob blobs[VIRT_MAX_BLOBS];
    int nblobs;
    bool loaded;               /* virt_boot_load placed a -kernel */
    bool is_linux;             /* an arm64 Image (else a bare ELF/raw program) */
    hwaddr kernel_entry;       /* where the kernel (or program) starts */
    hwaddr image_end;          /* end of the kernel's footprint in RAM */
    hwaddr dtb_addr;
    hwaddr stub_addr;
    bool started;              /* virt_boot_start ran */
} VirtArm;

static inline VirtArm *virt_arm(VirtBoard *vb)
{
    return vb->arm;
}

/* virt-boot.c: put the blobs in RAM and set every CPU's entry state (at
 * machine reset, and once from virt_boot_start). Loop thread, vCPUs
 * stopped, device lock held. */
void virt_boot_reset(VirtBoard *vb);

#endif
