/*
 * arm64-boot.c — the arm64 Image header check, the AArch64 boot stub and
 * the ELF64 segment walker (see arm64-boot.h for what each follows).
 *
 * The stub, at the address the boot CPU starts at (A64, little-endian):
 *
 *     0x00  580000c0   ldr  x0, 0x18        // the device tree
 *     0x04  aa1f03e1   mov  x1, xzr
 *     0x08  aa1f03e2   mov  x2, xzr
 *     0x0c  aa1f03e3   mov  x3, xzr
 *     0x10  58000084   ldr  x4, 0x20        // the kernel entry
 *     0x14  d61f0080   br   x4
 *     0x18  .quad dtb
 *     0x20  .quad entry
 *
 * (encodings: DDI 0487 C6.2 LDR (literal), ORR (shifted register), BR.)
 * Everything the file reads is bounded by the file's length.
 */
#include "firmware/arm64-boot.h"

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}
static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}
static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

#define HDR_SIZE 64

bool arm64_image_is(const uint8_t *img, size_t len)
{
    return len >= HDR_SIZE && rd32(img + 56) == ARM64_IMAGE_MAGIC;
}

/* EFI-stub kernels: the end of the last section's raw data, or 0 when
 * there is no (readable) PE/COFF header. */
static uint64_t pe_raw_end(const uint8_t *img, size_t len)
{
    if (rd16(img) != 0x5a4d)    /* "MZ" */
        return 0;
    uint32_t pe = rd32(img + 60);
    if ((uint64_t)pe + 24 > len || memcmp(img + pe, "PE\0\0", 4))
        return 0;
    unsigned nsec = rd16(img + pe + 6), optsz = rd16(img + pe + 20);
    uint64_t sec = (uint64_t)pe + 24 + optsz;
    uint64_t end = 0;
    for (unsigned i = 0; i < nsec; i++, sec += 40) {
        if (sec + 40 > len)
            return UINT64_MAX;      /* the section table itself is cut */
        uint64_t e = (uint64_t)rd32(img + sec + 20) + rd32(img + sec + 16);
        end = MAX(end, e);
    }
    return end;
}

int arm64_image_check(const char *path, const uint8_t *img, size_t len, Arm64Image *out,
                      Error **errp)
{
    if (len < HDR_SIZE) {
        error_setg(errp, "-kernel %s: truncated arm64 Image (%zu bytes, the header alone is 64)",
                   path, len);
        return -1;
    }
    if (rd32(img + 56) != ARM64_IMAGE_MAGIC) {
        error_setg(errp, "-kernel %s: not an arm64 Linux Image (no \"ARM\\x64\" magic at "
                   "offset 56) nor an ELF executable", path);
        return -1;
    }
    Arm64Image im = {
        .text_offset = rd64(img + 8),
        .image_size = rd64(img + 16),
        .flags = rd64(img + 24),
    };
    if (im.image_size == 0) {
        /* before Linux 3.17: text_offset was not trustworthy, 0x80000 it is */
        im.text_offset = 0x80000;
        im.image_size = len;
    }
    if (im.flags & 1) {
        error_setg(errp, "-kernel %s: a big-endian kernel; ferry runs little-endian guests",
                   path);
        return -1;
    }
    if (im.text_offset & 0xfff || im.text_offset >= 2 * MiB || im.image_size > 4 * GiB) {
        error_setg(errp, "-kernel %s: arm64 Image header out of range (text_offset %#" PRIx64
                   ", image_size %#" PRIx64 ")", path, im.text_offset, im.image_size);
        return -1;
    }
    uint64_t need = pe_raw_end(img, len);
    if (need > len) {
        error_setg(errp, "-kernel %s: truncated arm64 Image (%zu bytes; its sections need %"
                   PRIu64 ")", path, len, need == UINT64_MAX ? (uint64_t)len + 1 : need);
        return -1;
    }
    *out = im;
    return 0;
}

void arm64_boot_stub(uint8_t out[ARM64_BOOT_STUB_SIZE], uint64_t dtb, uint64_t entry)
{
    static const uint32_t code[6] = {
        0x580000c0, 0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3, 0x58000084, 0xd61f0080,
    };
    for (int i = 0; i < 6; i++)
        wr32(out + 4 * i, code[i]);
    wr64(out + 24, dtb);
    wr64(out + 32, entry);
}

bool arm64_elf_is(const uint8_t *img, size_t len)
{
    return len >= 4 && !memcmp(img, "\177ELF", 4);
}

int arm64_elf_segments(const char *path, const uint8_t *img, size_t len, uint64_t *entry,
                       Arm64ElfSegFn *fn, void *opaque, Error **errp)
{
    if (len < 64 || img[4] != 2 || img[5] != 1 || rd16(img + 18) != 183) {
        error_setg(errp, "-kernel %s: not an ELF64 little-endian AArch64 executable", path);
        return -1;
    }
    uint64_t phoff = rd64(img + 32);
    unsigned phentsize = rd16(img + 54), phnum = rd16(img + 56);
    if (phentsize < 56) {
        error_setg(errp, "-kernel %s: bad ELF program header size %u", path, phentsize);
        return -1;
    }
    *entry = rd64(img + 24);
    int loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t o = phoff + (uint64_t)i * phentsize;
        if (o < phoff || o + 56 > len) {
            error_setg(errp, "-kernel %s: ELF program headers beyond the end of the file", path);
            return -1;
        }
        const uint8_t *ph = img + o;
        if (rd32(ph) != 1)   /* PT_LOAD */
            continue;
        uint64_t off = rd64(ph + 8), paddr = rd64(ph + 24), filesz = rd64(ph + 32),
                 memsz = rd64(ph + 40);
        if (filesz > memsz || off > len || filesz > len - off || paddr + memsz < paddr) {
            error_setg(errp, "-kernel %s: ELF segment %u is malformed or beyond the file", path,
                       i);
            return -1;
        }
        if (fn(opaque, paddr, img + off, filesz, memsz, errp) < 0)
            return -1;
        loaded++;
    }
    if (!loaded) {
        error_setg(errp, "-kernel %s: ELF file without loadable segments", path);
        return -1;
    }
    return 0;
}
