/*
 * cfi-flash.h — parallel NOR flash with the Intel/Sharp command set and a
 * CFI query table (cfi-flash.c).
 */
#ifndef FERRY_DEVICES_FLASH_CFI_FLASH_H
#define FERRY_DEVICES_FLASH_CFI_FLASH_H

#include "core/device.h"
#include "core/memory.h"

typedef struct CfiFlashConfig {
    uint64_t size;          /* bytes of the whole bank */
    unsigned bank_width;    /* bytes on the bus: the device tree's bank-width */
    unsigned device_width;  /* bytes per chip (2: x16); bank_width / device_width chips */
    uint64_t block_size;    /* erase block of the bank (all chips together) */
    uint16_t manufacturer, device_id; /* Read Identifier codes */
} CfiFlashConfig;

/* Creates a flash bank at `base` in `parent`, erased to zeros (as an
 * unwritten QEMU pflash reads). Its contents stay across machine resets. */
Device *cfi_flash_create(MemoryRegion *parent, hwaddr base, const char *name,
                         const CfiFlashConfig *cfg, Error **errp);
/* The bank's storage, for a board to load firmware into before the guest
 * runs (-bios). */
uint8_t *cfi_flash_storage(Device *dev);
MemoryRegion *cfi_flash_region(Device *dev);

#endif
