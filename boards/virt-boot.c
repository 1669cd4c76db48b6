/*
 * virt-boot.c — booting the virt board without firmware (the
 * virt_boot_load and virt_boot_start hooks): -kernel as an arm64 Linux
 * Image (raw or gzip-compressed) or an ELF64 program, -initrd, the device
 * tree, the boot stub (firmware/arm64-boot.c), and each CPU's entry state
 * at every machine reset; with -bios, the firmware starts at the flash
 * reset vector with the device tree at the start of RAM.
 *
 * Placement follows Linux Documentation/arm64/booting.rst and QEMU's
 * documented behaviour for virt (docs/system/arm/virt.rst, "Linux kernel
 * boot"): the boot stub at the start of RAM; the Image at the 2 MiB
 * aligned base RAM + 2 MiB, plus its text_offset; the initrd at RAM +
 * min(RAM/2, 128 MiB), or after the kernel's footprint if that is higher;
 * the device tree at the next 2 MiB boundary after the initrd (the kernel
 * maps it with 2 MiB blocks; at most 2 MiB). The boot CPU enters the
 * stub at EL1, or EL2 with virtualization=on; with a PSCI conduit the
 * other CPUs stay off until PSCI CPU_ON. An ELF program starts at its
 * entry point with the device tree at the start of RAM.
 *
 * What is loaded is kept and copied into RAM again at every machine reset
 * (a reboot boots the same kernel, whatever the guest wrote over it). As a
 * boot loader would, the reset also leaves the PL011 set to 8 data bits
 * and enabled, for a kernel's earlycon that writes without programming it.
 */
#include "boards/virt-arm.h"

#include "core/log.h"
#include "firmware/arm64-boot.h"
#include "target/arm/semihosting.h"
#include "tcg/tb.h"

#define KERNEL_BASE_OFFSET (2 * MiB)
#define INITRD_MAX_OFFSET (128 * MiB)
#define DTB_ALIGN (2 * MiB)
#define DTB_MAX (2 * MiB)
#define VIRT_MAX_INITRD (2 * GiB)

static void add_blob(VirtArm *va, const char *what, hwaddr addr, uint8_t *data, size_t len)
{
    if (va->nblobs == VIRT_MAX_BLOBS)
        abort();
    va->blobs[va->nblobs++] = (VirtBlob){ what, addr, data, len };
}

static bool in_ram(VirtBoard *vb, hwaddr addr, uint64_t len)
{
    hwaddr base = vb->map[VIRT_MEM].base;
    uint64_t size = vb->map[VIRT_MEM].size;
    return addr >= base && len <= size && addr - base <= size - len;
}

typedef struct ElfLoad {
    VirtBoard *vb;
    const char *path;
    hwaddr end, start;
} ElfLoad;

static int elf_seg(void *opaque, uint64_t paddr, const uint8_t *data, uint64_t filesz,
                   uint64_t memsz, Error **errp)
{
    ElfLoad *e = opaque;
    VirtArm *va = virt_arm(e->vb);
    if (!in_ram(e->vb, paddr, memsz)) {
        error_setg(errp, "-kernel %s: ELF segment at %#" PRIx64 " (%#" PRIx64 " bytes) is "
                   "outside RAM", e->path, paddr, memsz);
        return -1;
    }
    if (va->nblobs >= VIRT_MAX_BLOBS - 2) {
        error_setg(errp, "-kernel %s: too many ELF segments (ferry loads at most %d)", e->path,
                   VIRT_MAX_BLOBS - 2);
        return -1;
    }
    /* the BSS part is zeroed: the blob covers memsz */
    uint8_t *copy = xzalloc(memsz ? memsz : 1);
    memcpy(copy, data, filesz);
    add_blob(va, "ELF segment", paddr, copy, memsz);
    e->end = MAX(e->end, paddr + memsz);
    e->start = MIN(e->start, paddr);
    return 0;
}

int virt_boot_load(VirtBoard *vb, Error **errp)
{
    const MachineConfig *c = &vb->m->cfg;
    VirtArm *va = virt_arm(vb);
    if (!c->kernel || vb->firmware)
        return 0;
    if (!va) {
        error_setg(errp, "virt: -kernel needs the CPUs first");
        return -1;
    }
    hwaddr ram = vb->map[VIRT_MEM].base;
    uint64_t ram_size = vb->map[VIRT_MEM].size;
    size_t len;
    uint8_t *k = virt_load_file("-kernel", c->kernel, VIRT_MAX_KERNEL, &len, errp);
    if (!k || !(k = virt_gunzip_if_needed(c->kernel, k, &len, errp)))
        return -1;
    if (arm64_elf_is(k, len)) {
        ElfLoad e = { vb, c->kernel, 0, UINT64_MAX };
        uint64_t entry;
        int r = arm64_elf_segments(c->kernel, k, len, &entry, elf_seg, &e, errp);
        free(k);
        if (r < 0)
            return -1;
        va->is_linux = false;
        va->kernel_entry = entry;
        va->image_end = e.end;
    } else {
        Arm64Image im;
        if (arm64_image_check(c->kernel, k, len, &im, errp) < 0) {
            free(k);
            return -1;
        }
        hwaddr load = ram + KERNEL_BASE_OFFSET + im.text_offset;
        uint64_t footprint = MAX(im.image_size, (uint64_t)len);
        if (!in_ram(vb, load, footprint)) {
            error_setg(errp, "-kernel %s: the kernel needs %" PRIu64 " MiB at %#" PRIx64
                       ", more than the %" PRIu64 " MiB of RAM (-m)", c->kernel,
                       (uint64_t)((footprint + MiB - 1) / MiB), (uint64_t)load,
                       (uint64_t)(ram_size / MiB));
            free(k);
            return -1;
        }
        add_blob(va, "kernel", load, k, len);
        va->is_linux = true;
        va->kernel_entry = load;
        va->image_end = load + footprint;
    }
    /* the initrd: above the kernel, as QEMU places it */
    hwaddr initrd = ALIGN_UP(MAX(ram + MIN(ram_size / 2, (uint64_t)INITRD_MAX_OFFSET),
                                 va->image_end), (hwaddr)4 * KiB);
    vb->initrd_start = initrd;
    vb->initrd_size = 0;
    if (c->initrd) {
        uint8_t *i = virt_load_file("-initrd", c->initrd, VIRT_MAX_INITRD, &len, errp);
        if (!i)
            return -1;
        if (!in_ram(vb, initrd, len)) {
            error_setg(errp, "-initrd %s: %zu bytes do not fit in RAM at %#" PRIx64
                       " after the kernel (-m %" PRIu64 "M)", c->initrd, len, (uint64_t)initrd,
                       (uint64_t)(ram_size / MiB));
            free(i);
            return -1;
        }
        add_blob(va, "initrd", initrd, i, len);
        vb->initrd_size = len;
    }
    va->loaded = true;
    return 0;
}

static hwaddr lowest_blob(VirtArm *va)
{
    hwaddr lo = UINT64_MAX;
    for (int i = 0; i < va->nblobs; i++)
        lo = MIN(lo, va->blobs[i].addr);
    return lo;
}

int virt_boot_start(VirtBoard *vb, Error **errp)
{
    VirtArm *va = virt_arm(vb);
    const MachineConfig *c = &vb->m->cfg;
    if (!va) {
        error_setg(errp, "virt: starting needs the CPUs first");
        return -1;
    }
    hwaddr ram = vb->map[VIRT_MEM].base;
    uint64_t ram_size = vb->map[VIRT_MEM].size;
    if (vb->fdt_size > DTB_MAX) {
        error_setg(errp, "virt: the device tree is %zu bytes; the arm64 boot protocol allows "
                   "at most 2 MiB", vb->fdt_size);
        return -1;
    }
    hwaddr dtb;
    if (va->loaded && va->is_linux) {
        dtb = ALIGN_UP(vb->initrd_start + vb->initrd_size, (hwaddr)DTB_ALIGN);
        va->stub_addr = ram;
    } else if (va->loaded && ram + vb->fdt_size > lowest_blob(va)) {
        dtb = ALIGN_UP(va->image_end, (hwaddr)DTB_ALIGN);   /* a program at the start of RAM */
    } else {
        dtb = ram;                                            /* firmware, or a program above */
    }
    if (vb->fdt && !in_ram(vb, dtb, vb->fdt_size)) {
        error_setg(errp, "virt: no room for the device tree at %#" PRIx64 " in %" PRIu64
                   " MiB of RAM (-m)", (uint64_t)dtb, (uint64_t)(ram_size / MiB));
        return -1;
    }
    va->dtb_addr = dtb;
    if (vb->fdt) {
        uint8_t *copy = xmalloc(vb->fdt_size);
        memcpy(copy, vb->fdt, vb->fdt_size);
        add_blob(va, "device tree", dtb, copy, vb->fdt_size);
    }
    if (va->loaded && va->is_linux) {
        uint8_t *stub = xmalloc(ARM64_BOOT_STUB_SIZE);
        arm64_boot_stub(stub, dtb, va->kernel_entry);
        add_blob(va, "boot stub", va->stub_addr, stub, ARM64_BOOT_STUB_SIZE);
    }
    if (c->semihosting) {
        hwaddr end = ram + ram_size;
        hwaddr heap = ALIGN_UP(va->loaded ? MAX(va->image_end, dtb + vb->fdt_size) : ram,
                               (hwaddr)16);
        ArmSemihostConfig sh = {
            .cmdline = c->append ? c->append : (c->kernel ? c->kernel : ""),
            .heap_base = heap,
            .heap_limit = end - MIN(ram_size / 2, (uint64_t)MiB),
            .stack_base = end,
            .stack_limit = end - MIN(ram_size / 2, (uint64_t)MiB),
            .console_in_fd = 0,
            .console_out_fd = 1,
        };
        arm_semihosting_configure(&sh);
    }
    va->started = true;
    virt_boot_reset(vb);
    return 0;
}

void virt_boot_reset(VirtBoard *vb)
{
    VirtArm *va = virt_arm(vb);
    if (!va || !va->started)
        return;
    /* RAM changes under translated code: start afresh */
    tb_flush();
    uint8_t *host = mr_ram_ptr(vb->ram);
    hwaddr ram = vb->map[VIRT_MEM].base;
    for (int i = 0; i < va->nblobs; i++) {
        VirtBlob *b = &va->blobs[i];
        memcpy(host + (b->addr - ram), b->data, b->len);
    }
    if (va->loaded && va->is_linux && vb->uart) {
        /* What a boot loader leaves for the kernel's earlycon, which does
         * not program the UART: 8 data bits, FIFOs on, UART/TX/RX enabled */
        as_write_uint(vb->m->as, vb->map[VIRT_UART].base + 0x2c, 4, 0x70);
        as_write_uint(vb->m->as, vb->map[VIRT_UART].base + 0x30, 4, 0x301);
    }
    uint64_t pc;
    uint64_t x[4] = { 0, 0, 0, 0 };
    if (vb->firmware || !va->loaded) {
        pc = vb->map[VIRT_FLASH].base;
    } else if (va->is_linux) {
        pc = va->stub_addr;
    } else {
        pc = va->kernel_entry;
        x[0] = va->dtb_addr;
    }
    for (unsigned i = 0; i < va->ncpus; i++) {
        if (i == 0 || vb->psci == VIRT_PSCI_NONE)
            arm_cpu_boot(va->cpus[i], pc, (unsigned)vb->boot_el, x);
        else
            arm_cpu_power_off(va->cpus[i]);
    }
}
