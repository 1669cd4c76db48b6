/*
 * pci-regs.h — offsets and bits of the PCI configuration header and the
 * capabilities ferry implements. PCI Local Bus Specification 3.0 §6.2
 * (header), §6.7 (capabilities list), §6.8 (MSI); PCI Express Base
 * Specification §7.7.2 (MSI-X), §7.5.3 (PCI Express capability), §7.6
 * (extended capabilities).
 */
#ifndef FERRY_DEVICES_PCI_PCI_REGS_H
#define FERRY_DEVICES_PCI_PCI_REGS_H

#define PCI_VENDOR_ID            0x00
#define PCI_DEVICE_ID            0x02
#define PCI_COMMAND              0x04
#define  PCI_COMMAND_IO          0x0001
#define  PCI_COMMAND_MEMORY      0x0002
#define  PCI_COMMAND_MASTER      0x0004
#define  PCI_COMMAND_PARITY      0x0040
#define  PCI_COMMAND_SERR        0x0100
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS               0x06
#define  PCI_STATUS_INTERRUPT    0x0008
#define  PCI_STATUS_CAP_LIST     0x0010
#define  PCI_STATUS_RW1C         0xf900   /* parity, aborts, SERR */
#define  PCI_STATUS_RCV_MASTER_ABORT 0x2000
#define PCI_REVISION_ID          0x08
#define PCI_CLASS_PROG           0x09
#define PCI_CLASS_DEVICE         0x0a     /* base class << 8 | subclass */
#define PCI_CACHE_LINE_SIZE      0x0c
#define PCI_LATENCY_TIMER        0x0d
#define PCI_HEADER_TYPE          0x0e
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0       0x10
#define  PCI_BASE_ADDRESS_SPACE_IO  0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_SUBSYSTEM_VENDOR_ID  0x2c
#define PCI_SUBSYSTEM_ID         0x2e
#define PCI_ROM_ADDRESS          0x30
#define PCI_CAPABILITY_LIST      0x34
#define PCI_INTERRUPT_LINE       0x3c
#define PCI_INTERRUPT_PIN        0x3d
#define PCI_CAP_START            0x40

#define PCI_CAP_ID_PM            0x01
#define PCI_CAP_ID_MSI           0x05
#define PCI_CAP_ID_VNDR          0x09
#define PCI_CAP_ID_EXP           0x10
#define PCI_CAP_ID_MSIX          0x11

/* MSI capability, offsets from the capability. */
#define PCI_MSI_FLAGS            0x02
#define  PCI_MSI_FLAGS_ENABLE    0x0001
#define  PCI_MSI_FLAGS_QMASK     0x000e   /* multiple message capable */
#define  PCI_MSI_FLAGS_QSIZE     0x0070   /* multiple message enable */
#define  PCI_MSI_FLAGS_64BIT     0x0080
#define  PCI_MSI_FLAGS_MASKBIT   0x0100
#define PCI_MSI_ADDRESS_LO       0x04

/* MSI-X capability. */
#define PCI_MSIX_FLAGS           0x02
#define  PCI_MSIX_FLAGS_QSIZE    0x07ff
#define  PCI_MSIX_FLAGS_MASKALL  0x4000
#define  PCI_MSIX_FLAGS_ENABLE   0x8000
#define PCI_MSIX_TABLE           0x04
#define PCI_MSIX_PBA             0x08
#define PCI_MSIX_CAP_SIZE        12
#define PCI_MSIX_ENTRY_SIZE      16
#define PCI_MSIX_ENTRY_ADDR_LO   0x0
#define PCI_MSIX_ENTRY_ADDR_HI   0x4
#define PCI_MSIX_ENTRY_DATA      0x8
#define PCI_MSIX_ENTRY_CTRL      0xc
#define  PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* PCI Express capability (version 2). */
#define PCI_EXP_FLAGS            0x02
#define PCI_EXP_DEVCAP           0x04
#define PCI_EXP_DEVCTL           0x08
#define PCI_EXP_LNKCAP           0x0c
#define PCI_EXP_LNKSTA           0x12
#define PCI_EXP_CAP_SIZE         0x3c
#define PCI_EXP_TYPE_ENDPOINT    0x0
#define PCI_EXP_TYPE_RC_END      0x9

#define PCI_EXT_CAP_START        0x100

#endif
