/*
 * models-pending.c — NIC models users name on their command lines that are
 * not implemented yet. Each is registered with the properties every NIC has
 * (mac, netdev; addr on PCI) so `-device help` and `-nic model=help` list it,
 * `-device MODEL,help` answers, and a misspelt property is reported, while
 * creating one fails with "not implemented yet" (realize is NULL).
 *
 * When a model is implemented, delete its line here and register the real
 * type in nic/<model>.c.
 */
#include "core/device.h"

typedef struct PendingNic {
    Device dev;
    MACAddr mac;
    struct NetClient *netdev;
    int32_t addr;
} PendingNic;

static const Property nic_props[] = {
    {.name = "mac", .type = PROP_MAC, .offset = offsetof(PendingNic, mac),
     .desc = "MAC address (default 52:54:00:12:34:56 + n)"},
    {.name = "netdev", .type = PROP_NETDEV, .offset = offsetof(PendingNic, netdev),
     .desc = "the -netdev id to connect to"},
    {0},
};

static const Property pci_nic_props[] = {
    {.name = "addr", .type = PROP_PCI_ADDR, .offset = offsetof(PendingNic, addr),
     .desc = "PCI slot[.function]"},
    {0},
};

static const DeviceType nic_base = {
    .name = "nic-base", .instance_size = sizeof(PendingNic), .props = nic_props,
};
static const DeviceType pci_nic_base = {
    .name = "pci-nic-base", .bus = "pci", .parent = &nic_base,
    .instance_size = sizeof(PendingNic), .props = pci_nic_props,
};

#define PENDING_NIC(var, nm, base, description)                                      \
    DEVICE_TYPE(var, .name = nm, .desc = description, .category = "network",         \
                .parent = &base, .instance_size = sizeof(PendingNic),                 \
                .user_creatable = true)

PENDING_NIC(nic_e1000, "e1000", pci_nic_base, "Intel Gigabit Ethernet (82540EM)");
PENDING_NIC(nic_e1000_82544gc, "e1000-82544gc", pci_nic_base, "Intel Gigabit Ethernet (82544GC)");
PENDING_NIC(nic_e1000_82545em, "e1000-82545em", pci_nic_base, "Intel Gigabit Ethernet (82545EM)");
PENDING_NIC(nic_e1000e, "e1000e", pci_nic_base, "Intel 82574L GbE Controller");
PENDING_NIC(nic_i82550, "i82550", pci_nic_base, "Intel i82550 Ethernet");
PENDING_NIC(nic_i82551, "i82551", pci_nic_base, "Intel i82551 Ethernet");
PENDING_NIC(nic_i82557a, "i82557a", pci_nic_base, "Intel i82557A Ethernet");
PENDING_NIC(nic_i82557b, "i82557b", pci_nic_base, "Intel i82557B Ethernet");
PENDING_NIC(nic_i82557c, "i82557c", pci_nic_base, "Intel i82557C Ethernet");
PENDING_NIC(nic_i82558a, "i82558a", pci_nic_base, "Intel i82558A Ethernet");
PENDING_NIC(nic_i82558b, "i82558b", pci_nic_base, "Intel i82558B Ethernet");
PENDING_NIC(nic_i82559a, "i82559a", pci_nic_base, "Intel i82559A Ethernet");
PENDING_NIC(nic_i82559b, "i82559b", pci_nic_base, "Intel i82559B Ethernet");
PENDING_NIC(nic_i82559c, "i82559c", pci_nic_base, "Intel i82559C Ethernet");
PENDING_NIC(nic_i82559er, "i82559er", pci_nic_base, "Intel i82559ER Ethernet");
PENDING_NIC(nic_i82562, "i82562", pci_nic_base, "Intel i82562 Ethernet");
PENDING_NIC(nic_i82801, "i82801", pci_nic_base, "Intel i82801 Ethernet");
PENDING_NIC(nic_ne2k_pci, "ne2k_pci", pci_nic_base, "NE2000 compatible (RTL8029)");
PENDING_NIC(nic_pcnet, "pcnet", pci_nic_base, "AMD PCnet-PCI II (Am79C970A)");
PENDING_NIC(nic_rtl8139, "rtl8139", pci_nic_base, "Realtek RTL8139C+ Fast Ethernet");
PENDING_NIC(nic_tulip, "tulip", pci_nic_base, "DEC 21143 Tulip");
PENDING_NIC(nic_vmxnet3, "vmxnet3", pci_nic_base, "VMware Paravirtualized Ethernet v3");
PENDING_NIC(nic_rocker, "rocker", pci_nic_base, "Rocker switch");
PENDING_NIC(nic_pvrdma, "pvrdma", pci_nic_base, "RDMA Device");
PENDING_NIC(nic_usb_net, "usb-net", nic_base, "USB network adapter (CDC Ethernet/RNDIS)");
