/*
 * test_virtio_net_wiring.c — virtio-net from command lines, through the
 * code core/main.c runs in its order (cli_parse, netdevs, -net, -nic, the
 * default network, the board's init, net_place_nics, -device): on a test
 * board with the generic PCIe host whose default NIC is virtio-net-pci (as
 * virt's), `-device virtio-net-pci,netdev=`, `-nic user,model=virtio-net-pci`,
 * the legacy `-net nic,model=virtio -net user`, the default network, and
 * the errors people meet (no such netdev, a netdev in use, a bad queue
 * size, mq=on on a one-queue backend); then on the real virt board, whose
 * buses exist without a CPU: `-device virtio-net-device` lands on the
 * highest virtio-mmio transport, legacy (version 1) as QEMU's, and `-nic
 * user,model=virtio-net-device` is placed there too.
 */
#include "tests/unit/test.h"

#include "boards/virt.h"
#include "core/chardev-internal.h"
#include "core/cli.h"
#include "core/monitor.h"
#include "devices/pci/gpex.h"
#include "nic/virtio-net.h"
#include "tests/unit/nettest.h"

/* ---- a board with a PCIe host and virt's default NIC -------------------------------------- */

static Gpex *board_gpex;

static int vnetboard_init(Machine *m, Error **errp)
{
    /* Buses live as long as the program: the host is made once, and later
     * machines plug into it. */
    if (board_gpex)
        return 0;
    GpexConfig cfg = {
        .ecam_base = 0x30000000, .ecam_size = 16 * MiB,
        .mmio_base = 0x10000000, .mmio_size = 0x10000000,
        .pio_base = 0x3eff0000, .pio_size = 64 * KiB,
    };
    IRQ *lines = irq_new(NULL, NULL, 4);
    IRQ *intx[4] = {&lines[0], &lines[1], &lines[2], &lines[3]};
    board_gpex = gpex_create(m, &cfg, intx, errp);
    return board_gpex ? 0 : -1;
}

MACHINE_TYPE(test_vnetboard, .name = "test-vnetboard", .desc = "test board with PCIe",
             .arch = "aarch64", .max_cpus = 1, .default_nic = "virtio-net-pci",
             .init = vnetboard_init);

static Loop *loop;
static Machine *machines[64];
static int n_machines;
static char *warnings;
static Error *boot_err;
static CliConfig cfg;

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    return 0;
}

static int teardown(void **state)
{
    run_idle(loop);
    net_reset_all();
    loop_free(loop);
    net_init(NULL);
    dev_unlock();
    free(warnings);
    warnings = NULL;
    error_free(boot_err);
    boot_err = NULL;
    return 0;
}

/* core/main.c's phases, for the network and the devices. */
static int build(void)
{
    CliConfig *c = &cfg;
    Error **err = &boot_err;
    for (int i = 0; i < c->netdevs.n; i++)
        if (netdev_create_from_opts(c->netdevs.v[i], err) < 0)
            return -1;
    for (int i = 0; i < c->nets.n; i++)
        if (net_legacy_from_opts(c->nets.v[i], err) < 0)
            return -1;
    for (int i = 0; i < c->nics.n; i++) {
        bool none;
        if (nic_create_from_opts(c->nics.v[i], &none, err) < 0)
            return -1;
    }
    if (!c->user_gave_net && !c->nodefaults && net_create_default(err) < 0)
        return -1;
    const MachineType *mt = cli_machine_type(c, err);
    Machine *m = machine_new(mt, loop);
    if (n_machines < (int)ARRAY_SIZE(machines))
        machines[n_machines++] = m;
    if (machine_init(m, err) < 0 || net_place_nics(m, err) < 0)
        return -1;
    for (int i = 0; i < c->devices.n; i++)
        if (!device_create_from_opts(c->devices.v[i], err))
            return -1;
    return 0;
}

static int build_result;
static void build_and_check(void)
{
    build_result = build();
    if (build_result == 0)
        net_check_clients();
}

/* Parses (the checks that run before anything is built included) and
 * builds; returns 0, or -1 with boot_err. Warnings in `warnings`. */
static int boot(const char *first, ...)
{
    const char *argv[64] = {"ferry-system-aarch64", "-M", "test-vnetboard"};
    int argc = 3;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    memset(&cfg, 0, sizeof(cfg));
    error_free(boot_err);
    boot_err = NULL;
    if (cli_parse(&cfg, argc, (char **)argv, &boot_err) < 0) {
        cli_config_free(&cfg);
        return -1;
    }
    free(warnings);
    warnings = capture_stderr(build_and_check);
    cli_config_free(&cfg);
    return build_result;
}

#define BOOT(...) boot(__VA_ARGS__, (const char *)NULL)

static const char *info_network(void)
{
    static char out[8192];
    ChrRingbufConfig rc = {.size = 64 * 1024};
    Error *err = NULL;
    Chardev *chr = chardev_new_backend(loop, &chr_backend_ringbuf, "mon0", &rc, &err);
    Monitor *mon = monitor_new(loop, chr, &err);
    chardev_ringbuf_read(chr, (uint8_t *)out, sizeof(out));
    monitor_run_line(mon, "info network");
    size_t n = chardev_ringbuf_read(chr, (uint8_t *)out, sizeof(out) - 1), k = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] != '\r')
            out[k++] = out[i];
    out[k] = 0;
    monitor_free(mon);
    chardev_cleanup_all();
    return out;
}

/* The virtio-net NICs made by the last boot, newest last. */
static VirtIONet *nics[16];
static int n_nics;

static void find_nics(void)
{
    n_nics = 0;
    for (NetClient *nc = net_client_first(); nc; nc = nc->next)
        if (nc->is_nic && n_nics < (int)ARRAY_SIZE(nics))
            nics[n_nics++] = (VirtIONet *)virtio_device_of(nc->dev);
}

/* Forgets the network between two boots of one test; the old machine's
 * devices are idle first (nothing of theirs is pending on the loop). */
static void reset_net(void)
{
    run_idle(loop);
    net_reset_all();
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_device_netdev(void **state)
{
    assert_int_equal(BOOT("-netdev", "user,id=n0", "-device",
                          "virtio-net-pci,netdev=n0,id=nic0,mac=52:54:00:aa:bb:cc"), 0);
    assert_string_equal(warnings, "");
    find_nics();
    assert_int_equal(n_nics, 1);
    VirtIONet *n = nics[0];
    assert_non_null(n);
    assert_string_equal(n->vdev.dev->type->name, "virtio-net-pci");
    assert_string_equal(n->vdev.dev->bus->type, "pci");
    assert_ptr_equal(n->nc->peer, netdev_find("n0"));
    assert_memory_equal(n->vdev.config, ((uint8_t[]){0x52, 0x54, 0, 0xaa, 0xbb, 0xcc}), 6);
    assert_contains(info_network(), "nic0: index=0,type=nic,model=virtio-net-pci,"
                                    "macaddr=52:54:00:aa:bb:cc\n \\ n0: index=0,type=user");
    /* The transitional device on PCI: 1af4:1000, class 0x0200. */
    PCIDevice *pd = (PCIDevice *)n->vdev.dev;
    assert_int_equal(pci_get_word(pd->config + PCI_VENDOR_ID), 0x1af4);
    assert_int_equal(pci_get_word(pd->config + PCI_DEVICE_ID), 0x1000);
    assert_int_equal(pci_get_word(pd->config + PCI_CLASS_DEVICE), 0x0200);
    /* User networking has one queue: MQ is offered only with mq=on. */
    assert_false(n->features & VIRTIO_BIT(VNET_F_MQ));
}

static void test_nic_option(void **state)
{
    assert_int_equal(BOOT("-nic", "user,model=virtio-net-pci,mac=52:54:00:12:34:99"), 0);
    assert_string_equal(warnings, "");
    find_nics();
    assert_int_equal(n_nics, 1);
    assert_string_equal(nics[0]->vdev.dev->type->name, "virtio-net-pci");
    assert_string_equal(nics[0]->nc->peer->model, "user");
    assert_contains(info_network(), "type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:99");
    /* The non-transitional flavour: modern only, 1af4:1041. */
    reset_net();
    assert_int_equal(BOOT("-nic", "user,model=virtio-net-pci-non-transitional"), 0);
    find_nics();
    PCIDevice *pd = (PCIDevice *)nics[0]->vdev.dev;
    assert_int_equal(pci_get_word(pd->config + PCI_DEVICE_ID), 0x1041);
}

/* No network option: QEMU's "-net nic -net user" with the board's default
 * NIC, virtio-net-pci; the hub port's frames may carry offload, so the
 * receive offloads are offered. */
static void test_default_network(void **state)
{
    assert_int_equal(BOOT(NULL), 0);
    assert_string_equal(warnings, "");
    find_nics();
    assert_int_equal(n_nics, 1);
    assert_string_equal(nics[0]->vdev.dev->type->name, "virtio-net-pci");
    assert_string_equal(nics[0]->nc->peer->model, "hubport");
    assert_true(nics[0]->features & VIRTIO_BIT(VNET_F_GUEST_TSO4));
    const char *out = info_network();
    assert_contains(out, "hub 0\n");
    assert_contains(out, "type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:");
}

/* The legacy form, with QEMU's short model name "virtio". */
static void test_legacy_net_virtio(void **state)
{
    assert_int_equal(BOOT("-net", "nic,model=virtio,vectors=3", "-net", "user"), 0);
    assert_string_equal(warnings, "");
    find_nics();
    assert_int_equal(n_nics, 1);
    assert_string_equal(nics[0]->vdev.dev->type->name, "virtio-net-pci");
    assert_string_equal(nics[0]->nc->peer->model, "hubport");
    assert_contains(info_network(), "hub 0\n");
    /* -nic takes it too. */
    reset_net();
    assert_int_equal(BOOT("-nic", "user,model=virtio"), 0);
    find_nics();
    assert_int_equal(n_nics, 1);
    assert_string_equal(nics[0]->vdev.dev->type->name, "virtio-net-pci");
}

static void test_errors(void **state)
{
    assert_int_equal(BOOT("-device", "virtio-net-pci,netdev=nosuch"), -1);
    assert_contains(error_get_msg(boot_err), "property 'netdev': no -netdev with id 'nosuch'");
    reset_net();
    assert_int_equal(BOOT("-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0",
                          "-device", "virtio-net-pci,netdev=n0"), -1);
    assert_contains(error_get_msg(boot_err), "can't take value 'n0', it's in use");
    reset_net();
    /* Queue sizes: the range is checked when the line is parsed, the power
     * of two when the device is made. */
    assert_int_equal(BOOT("-netdev", "user,id=n0", "-device",
                          "virtio-net-pci,netdev=n0,rx_queue_size=100"), -1);
    assert_contains(error_get_msg(boot_err), "'rx_queue_size' must be between 256 and 1024");
    assert_int_equal(BOOT("-netdev", "user,id=n0", "-device",
                          "virtio-net-pci,netdev=n0,rx_queue_size=300"), -1);
    assert_contains(error_get_msg(boot_err), "Invalid rx_queue_size (= 300), must be a power "
                                             "of 2 between 256 and 1024");
    reset_net();
    assert_int_equal(BOOT("-device", "virtio-net-pci,nosuchprop=1"), -1);
    assert_contains(error_get_msg(boot_err), "no property 'nosuchprop'");
    assert_int_equal(BOOT("-device", "virtio-net-pci,rss=on"), -1);
    assert_contains(error_get_msg(boot_err), "no property 'rss'");
    /* mq=on on user networking (one queue): honoured as QEMU does, MQ
     * offered with max_virtqueue_pairs 1. */
    assert_int_equal(BOOT("-netdev", "user,id=n0", "-device", "virtio-net-pci,mq=on,netdev=n0"),
                     0);
    find_nics();
    assert_true(nics[0]->features & VIRTIO_BIT(VNET_F_MQ));
    assert_int_equal(nics[0]->max_pairs, 1);
    assert_int_equal(virtio_lduw(nics[0]->vdev.config + VNET_CFG_MAX_PAIRS), 1);
}

/* ---- the real virt board's virtio-mmio transports --------------------------------------- */

static void spi_handler(void *opaque, int n, int level)
{
}

static VirtBoard *virt_with_mmio(void)
{
    Machine *m = machine_new(machine_type_find("virt"), loop);
    if (n_machines < (int)ARRAY_SIZE(machines))
        machines[n_machines++] = m;
    Error *err = NULL;
    Opts *o = opts_parse("-machine", "virt", "type", &err);
    opts_mark_used(o, "type");
    m->cfg.machine_opts = o;
    m->cfg.ram_size = 128 * MiB;
    m->cfg.smp_cpus = 1;
    VirtBoard *vb = virt_prepare(m, &err);
    if (!vb)
        fail_msg("%s", error_get_msg(err));
    vb->cpu.dt_compatible = "arm,cortex-a57";
    assert_int_equal(virt_create_memory(vb, &err), 0);
    IRQ *lines = irq_new(spi_handler, NULL, VIRT_NUM_SPIS);
    for (int i = 0; i < VIRT_NUM_SPIS; i++)
        vb->spi[i] = &lines[i];
    if (virt_create_device(vb, VIRT_MMIO, &err) < 0)
        fail_msg("%s", error_get_msg(err));
    return vb;
}

static uint32_t rd(Machine *m, hwaddr a)
{
    uint64_t v = 0;
    assert_int_equal(as_read_uint(m->as, a, 4, &v), MEMTX_OK);
    return (uint32_t)v;
}

static Opts *opt(const char *option, const char *text, const char *implied)
{
    Error *err = NULL;
    Opts *o = opts_parse(option, text, implied, &err);
    if (!o)
        fail_msg("%s", error_get_msg(err));
    return o;
}

static void test_virt_virtio_mmio(void **state)
{
    static bool done;
    if (done)
        skip();     /* virt's transports exist once per program */
    done = true;
    VirtBoard *vb = virt_with_mmio();
    Error *err = NULL;
    Opts *o = opt("-netdev", "user,id=n0", "type");
    assert_int_equal(netdev_create_from_opts(o, &err), 0);
    opts_free(o);
    o = opt("-nic", "user,model=virtio-net-device,mac=52:54:00:00:00:02", "type");
    bool none;
    assert_int_equal(nic_create_from_opts(o, &none, &err), 0);
    opts_free(o);
    /* -device first-come takes the top transport (QEMU's order); -nic's
     * NIC is placed after the board, before -device, so it takes it. */
    assert_int_equal(net_place_nics(vb->m, &err), 0);
    o = opt("-device", "virtio-net-device,netdev=n0,mac=52:54:00:00:00:01", "driver");
    Device *dev = device_create_from_opts(o, &err);
    opts_free(o);
    if (!dev)
        fail_msg("%s", error_get_msg(err));
    hwaddr top = 0x0a000000 + 31 * 0x200, next = top - 0x200;
    /* Legacy transports (QEMU 7.2's force-legacy): magic, version 1, net. */
    assert_int_equal(rd(vb->m, top + 0x000), 0x74726976);
    assert_int_equal(rd(vb->m, top + 0x004), 1);
    assert_int_equal(rd(vb->m, top + 0x008), VIRTIO_ID_NET);
    assert_int_equal(rd(vb->m, top + 0x100 + 4) & 0xffff, 0x0200);  /* ...:00:02 */
    assert_int_equal(rd(vb->m, next + 0x008), VIRTIO_ID_NET);
    assert_int_equal(rd(vb->m, next + 0x100 + 4) & 0xffff, 0x0100);  /* ...:00:01 */
    assert_int_equal(rd(vb->m, next - 0x200 + 0x008), 0);           /* the rest empty */
    uint32_t f = rd(vb->m, next + 0x010);
    assert_true(f & VIRTIO_BIT(VNET_F_MAC));
    assert_true(f & VIRTIO_BIT(VNET_F_CSUM));
    assert_true(f & VIRTIO_BIT(VNET_F_GSO));        /* a legacy interface */
    assert_contains(info_network(), "model=virtio-net-device,macaddr=52:54:00:00:00:01\n"
                                    " \\ n0: index=0,type=user");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_device_netdev, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nic_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_net_virtio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virt_virtio_mmio, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
