/*
 * fw_cfg.h — QEMU's firmware configuration device (fw_cfg), memory-mapped
 * with the DMA interface; see fw_cfg.c.
 */
#ifndef FERRY_DEVICES_FW_CFG_H
#define FERRY_DEVICES_FW_CFG_H

#include "core/device.h"
#include "core/machine.h"
#include "core/memory.h"

/* data (8 bytes) at 0, selector (2) at 8, DMA address (8) at 0x10 */
#define FW_CFG_MMIO_SIZE 0x18

/* Selector keys (QEMU's docs/specs/fw_cfg.rst; Linux's uapi qemu_fw_cfg.h). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_WRITE_CHANNEL = 0x4000,
    FW_CFG_ARCH_LOCAL = 0x8000,
};

/* File slots: keys FW_CFG_FILE_FIRST .. +FW_CFG_FILE_SLOTS-1 (QEMU's default). */
#define FW_CFG_FILE_SLOTS 0x20
/* A file name, with its NUL, fits the directory's 56-byte field. */
#define FW_CFG_MAX_FILE_PATH 56

/* The DMA descriptor's control bits. */
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10

/* Reading the DMA address register returns "QEMU CFG" (big-endian). */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL

typedef struct FwCfg FwCfg;

/* Creates the device at `base` in `parent`; DMA goes through `dma_as`. It
 * holds the signature, ID (traditional + DMA), UUID, NOGRAPHIC, BOOT_MENU
 * and an empty file directory; the board adds the rest. */
FwCfg *fw_cfg_create_mmio(MemoryRegion *parent, hwaddr base, AddressSpace *dma_as,
                          Error **errp);
/* The most recently created fw_cfg device, or NULL. */
FwCfg *fw_cfg_find(void);
Device *fw_cfg_device(FwCfg *s);

/* Items by key (FW_CFG_ARCH_LOCAL may be or-ed in), replacing any earlier
 * one. Data is copied; integers are stored little-endian, as QEMU does;
 * strings include their NUL. len must be <= UINT32_MAX. */
void fw_cfg_add_bytes(FwCfg *s, uint16_t key, const void *data, size_t len);
/* Same, taking ownership of a malloc'd buffer (a kernel image). */
void fw_cfg_add_bytes_take(FwCfg *s, uint16_t key, void *data, size_t len);
void fw_cfg_add_i16(FwCfg *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FwCfg *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FwCfg *s, uint16_t key, uint64_t value);
void fw_cfg_add_string(FwCfg *s, uint16_t key, const char *value);

/* A named file (copied), listed in the directory sorted by name. Fails on a
 * duplicate or over-long name, when the file slots are used up, or when
 * len > UINT32_MAX. */
int fw_cfg_add_file(FwCfg *s, const char *name, const void *data, size_t len,
                    Error **errp);
/* The -fw_cfg items of the command line: file= contents or string= text
 * (without its NUL), as QEMU adds them. */
int fw_cfg_add_user_items(FwCfg *s, const FwCfgUserItem *items, int n, Error **errp);

#endif
