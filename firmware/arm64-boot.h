/*
 * arm64-boot.h — what a board needs to start an AArch64 Linux kernel or a
 * bare-metal program without firmware: the arm64 Image header check, the
 * boot stub placed in guest RAM (X0 = device tree, X1..X3 = 0, branch to
 * the kernel), and the PT_LOAD segments of an ELF64 AArch64 executable.
 *
 * Follows Linux Documentation/arm64/booting.rst (the 64-byte Image header:
 * code0/code1, text_offset, image_size, flags, magic "ARM\x64" at offset
 * 56, the PE/COFF header offset at 60 for EFI-stub kernels; "Before
 * jumping into the kernel": x0 = physical address of the DTB, x1..x3 = 0)
 * and the ELF-64 specification (program headers).
 */
#ifndef FERRY_FIRMWARE_ARM64_BOOT_H
#define FERRY_FIRMWARE_ARM64_BOOT_H

#include "core/common.h"
#include "core/error.h"

typedef struct Arm64Image {
    uint64_t text_offset;    /* where the image goes above a 2 MiB aligned base */
    uint64_t image_size;     /* bytes it occupies once running (BSS included) */
    uint64_t flags;
} Arm64Image;

#define ARM64_IMAGE_MAGIC 0x644d5241u   /* "ARM\x64" */

/* Is this an arm64 Image (the magic at offset 56)? */
bool arm64_image_is(const uint8_t *img, size_t len);
/* Checks an arm64 Image named path: header complete, magic, little-endian,
 * a sane text_offset/image_size, and — for EFI-stub kernels, which carry a
 * PE/COFF section table — that the file holds every section (a truncated
 * download is reported, not booted). */
int arm64_image_check(const char *path, const uint8_t *img, size_t len, Arm64Image *out,
                      Error **errp);

#define ARM64_BOOT_STUB_SIZE 40
/* The boot stub (A64 code + two literals) at any 8-byte aligned address:
 * loads X0 = dtb, clears X1..X3, jumps to entry. */
void arm64_boot_stub(uint8_t out[ARM64_BOOT_STUB_SIZE], uint64_t dtb, uint64_t entry);

/* ELF64 little-endian AArch64 executables. */
bool arm64_elf_is(const uint8_t *img, size_t len);
typedef int Arm64ElfSegFn(void *opaque, uint64_t paddr, const uint8_t *data, uint64_t filesz,
                          uint64_t memsz, Error **errp);
/* Calls fn for each PT_LOAD segment (data/filesz bounded by the file);
 * entry gets e_entry. A malformed file is an error naming path. */
int arm64_elf_segments(const char *path, const uint8_t *img, size_t len, uint64_t *entry,
                       Arm64ElfSegFn *fn, void *opaque, Error **errp);

#endif
