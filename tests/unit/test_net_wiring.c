/*
 * test_net_wiring.c — command lines to connected NICs, through a fake board
 * and fake NIC models, in the order core/main.c builds them (netdevs, -net,
 * -nic, the default network, the board with its onboard NIC, pluggable
 * NICs, -device, warnings): QEMU's default-NIC rule (the board's
 * default_nic on user networking through hub 0; -nic none and -nodefaults
 * turn it off), -nic with and without model= and mac=, an onboard NIC that
 * takes a -nic, the legacy -net hub, -device netdev= (and "in use"),
 * machines that cannot place a NIC, a default NIC model not implemented
 * yet, and the warnings QEMU prints.
 */
#include "tests/unit/test.h"

#include "core/chardev-internal.h"
#include "core/cli.h"
#include "core/monitor.h"
#include "netback/net-internal.h"
#include "tests/unit/nettest.h"

/* ---- a fake NIC model and boards ------------------------------------------ */

typedef struct TestNic {
    Device dev;
    MACAddr mac;
    NetClient *netdev;
    int32_t addr;
    NetClient *nc;
} TestNic;

static int nic_link_changes;
static void test_nic_link(NetClient *nc)
{
    nic_link_changes++;
}

static ssize_t test_nic_receive(NetClient *nc, const struct iovec *iov, int iovcnt,
                                const NetOffload *off)
{
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    return (ssize_t)n;
}

static const NetClientOps test_nic_ops = {
    .type = "nic", .receive = test_nic_receive, .link_changed = test_nic_link,
};

static int test_nic_realize(Device *dev, Error **errp)
{
    TestNic *n = (TestNic *)dev;
    n->nc = nic_new(dev, &test_nic_ops, &n->mac, n->netdev, errp);
    return n->nc ? 0 : -1;
}

static const Property test_nic_props[] = {
    {.name = "mac", .type = PROP_MAC, .offset = offsetof(TestNic, mac)},
    {.name = "netdev", .type = PROP_NETDEV, .offset = offsetof(TestNic, netdev)},
    {.name = "addr", .type = PROP_PCI_ADDR, .offset = offsetof(TestNic, addr)},
    {0},
};

DEVICE_TYPE(dt_test_nic, .name = "test-nic", .desc = "test NIC", .category = "network",
            .bus = "testbus", .instance_size = sizeof(TestNic), .props = test_nic_props,
            .user_creatable = true, .realize = test_nic_realize);
DEVICE_TYPE(dt_test_onboard_nic, .name = "test-onboard-nic", .desc = "test onboard NIC",
            .category = "network", .instance_size = sizeof(TestNic), .props = test_nic_props,
            .realize = test_nic_realize);
DEVICE_TYPE(dt_test_nic_pending, .name = "test-nic-pending", .desc = "test NIC, not built",
            .category = "network", .bus = "testbus", .instance_size = sizeof(TestNic),
            .props = test_nic_props, .user_creatable = true);
DEVICE_TYPE(dt_test_nic_elsewhere, .name = "test-nic-elsewhere", .desc = "test NIC, other bus",
            .category = "network", .bus = "otherbus", .instance_size = sizeof(TestNic),
            .props = test_nic_props, .user_creatable = true, .realize = test_nic_realize);

static bool with_onboard;
static TestNic *onboard;

static int netboard_init(Machine *m, Error **errp)
{
    if (!bus_find("testbus.0"))
        bus_new("testbus", "testbus.0", NULL, 0);
    onboard = NULL;
    if (with_onboard) {
        /* A board whose NIC is soldered on: it takes a -nic if there is one
         * and is there (unconnected) otherwise. */
        Device *d = device_new("test-onboard-nic", errp);
        NicRequest *r = nic_request_claim("test-onboard-nic");
        if (r && nic_request_apply(r, d, errp) < 0)
            return -1;
        if (device_realize(d, NULL, errp) < 0)
            return -1;
        onboard = (TestNic *)d;
    }
    return 0;
}

static int plain_init(Machine *m, Error **errp)
{
    if (!bus_find("testbus.0"))
        bus_new("testbus", "testbus.0", NULL, 0);
    return 0;
}

MACHINE_TYPE(test_netboard, .name = "test-netboard", .desc = "test board with NICs",
             .arch = "aarch64", .max_cpus = 1, .default_nic = "test-nic",
             .init = netboard_init);
MACHINE_TYPE(test_pendingboard, .name = "test-pendingboard",
             .desc = "test board whose default NIC is not built", .arch = "aarch64",
             .max_cpus = 1, .default_nic = "test-nic-pending", .init = plain_init);
MACHINE_TYPE(test_nonicboard, .name = "test-nonicboard", .desc = "test board without NICs",
             .arch = "aarch64", .max_cpus = 1, .init = plain_init);

/* ---- building a machine as core/main.c does -------------------------------- */

static Loop *loop;
static Machine *machine;
/* Machines are never freed (as in the emulator): kept reachable here. */
static Machine *machines[64];
static int n_machines;
static char *warnings;
static Error *boot_err;

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    with_onboard = false;
    nic_link_changes = 0;
    return 0;
}

static int teardown(void **state)
{
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

static CliConfig cfg;

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
    for (int i = 0; i < c->objects.n; i++)
        if (net_object_create(c->objects.v[i], err) < 0)
            return -1;
    const MachineType *mt = cli_machine_type(c, err);
    machine = machine_new(mt, loop);
    if (n_machines < (int)ARRAY_SIZE(machines))
        machines[n_machines++] = machine;
    if (machine_init(machine, err) < 0 || net_place_nics(machine, err) < 0)
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

/* Parses and builds; returns 0 or -1 (boot_err); warnings in `warnings`. */
static int boot(const char *first, ...)
{
    const char *argv[64] = {"ferry-system-aarch64", "-M"};
    int argc = 2;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    memset(&cfg, 0, sizeof(cfg));
    Error *err = NULL;
    if (cli_parse(&cfg, argc, (char **)argv, &err) < 0)
        fail_msg("parse: %s", error_get_msg(err));
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

static int count_nics(void)
{
    int n = 0;
    for (NetClient *nc = net_client_first(); nc; nc = nc->next)
        n += nc->is_nic;
    return n;
}

/* ---- the tests ---------------------------------------------------------- */

static void test_default_nic(void **state)
{
    assert_int_equal(BOOT("test-netboard"), 0);
    assert_string_equal(warnings, ""); /* QEMU says nothing about its own default */
    const char *out = info_network();
    assert_contains(out, "hub 0\n \\ hub0port1: #net");
    assert_contains(out, ": index=0,type=user,net=10.0.2.0,restrict=off\n"
                         " \\ hub0port0: test-nic.0: index=0,type=nic,model=test-nic,"
                         "macaddr=52:54:00:12:34:");
    assert_int_equal(count_nics(), 1);
}

static void test_no_default_nic(void **state)
{
    assert_int_equal(BOOT("test-netboard", "-nodefaults"), 0);
    assert_null(net_client_first());
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-nic", "none"), 0);
    assert_null(net_client_first());
    assert_string_equal(warnings, "");
    /* -nic none does not stop other -nic lines, in either order. */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-nic", "none", "-nic", "user"), 0);
    assert_int_equal(count_nics(), 1);
    /* -device alone does not stop the default network (as QEMU). */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-device", "test-nic"), 0);
    assert_int_equal(count_nics(), 2);
}

static void test_nic_option(void **state)
{
    assert_int_equal(BOOT("test-netboard", "-nic", "user,model=test-nic,mac=52:54:00:aa:bb:cc",
                          "-nic", "user,id=second,restrict=on"), 0);
    assert_string_equal(warnings, "");
    const char *out = info_network();
    assert_contains(out, "test-nic.0: index=0,type=nic,model=test-nic,"
                         "macaddr=52:54:00:aa:bb:cc\n"
                         " \\ #net");
    /* No model: the board's default; the backend is named by id=. */
    assert_contains(out, "test-nic.1: index=0,type=nic,model=test-nic,macaddr=52:54:00:12:34:");
    assert_contains(out, " \\ second: index=0,type=user,net=10.0.2.0,restrict=on\n");
    assert_true(strstr(out, "hub") == NULL);
    /* set_link on the backend reaches the NIC (the guest sees it). */
    Error *err = NULL;
    assert_int_equal(net_set_link("second", false, &err), 0);
    assert_int_equal(nic_link_changes, 1);
    assert_true(net_client_find("test-nic.1")->link_down);
}

static void test_onboard_nic(void **state)
{
    with_onboard = true;
    assert_int_equal(BOOT("test-netboard", "-nic", "user,mac=52:54:00:00:00:01", "-nic",
                          "user"), 0);
    /* The first -nic went to the soldered-on NIC, the second is pluggable. */
    assert_non_null(onboard->nc);
    assert_non_null(onboard->nc->peer);
    assert_int_equal(onboard->mac.a[5], 1);
    assert_string_equal(onboard->nc->name, "test-onboard-nic.0");
    assert_int_equal(count_nics(), 2);
    assert_non_null(net_client_find("test-nic.0"));
    assert_string_equal(warnings, "");

    /* A -nic naming another model leaves the onboard NIC unconnected. */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-nic", "user,model=test-nic"), 0);
    assert_null(onboard->nc->peer);
    assert_non_null(net_client_find("test-nic.0")->peer);
    /* And the default network reaches the onboard NIC, as QEMU's boards do. */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard"), 0);
    assert_non_null(onboard->nc->peer);
    assert_int_equal(onboard->nc->peer->hub_id, 0);
    assert_int_equal(count_nics(), 1);
}

static void test_legacy_net(void **state)
{
    assert_int_equal(BOOT("test-netboard", "-net", "nic,model=test-nic,macaddr=52:54:00:00:00:09",
                          "-net", "user,name=slirp0"), 0);
    assert_string_equal(warnings, "");
    const char *out = info_network();
    assert_contains(out, "hub 0\n"
                         " \\ hub0port1: slirp0: index=0,type=user,net=10.0.2.0,restrict=off\n"
                         " \\ hub0port0: test-nic.0: index=0,type=nic,model=test-nic,"
                         "macaddr=52:54:00:00:00:09\n");
    /* -net nic,netdev= skips the hub. */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-net", "nic,model=test-nic,netdev=n0", "-netdev",
                          "user,id=n0"), 0);
    assert_ptr_equal(netdev_find("n0")->peer, net_client_find("test-nic.0"));
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-net", "nic,netdev=zz"), -1);
    assert_contains(error_get_msg(boot_err), "-net nic,netdev=zz: netdev 'zz' not found");
}

static void test_device_netdev(void **state)
{
    assert_int_equal(BOOT("test-netboard", "-netdev", "user,id=n0", "-device",
                          "test-nic,netdev=n0,mac=52:54:00:12:00:01"), 0);
    assert_string_equal(warnings, "");
    assert_ptr_equal(netdev_find("n0")->peer, net_client_find("test-nic.0"));
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-netdev", "user,id=n0", "-device",
                          "test-nic,netdev=n0", "-device", "test-nic,netdev=n0"), -1);
    assert_contains(error_get_msg(boot_err), "-device test-nic,netdev=n0: Property "
                                             "'test-nic.netdev' can't take value 'n0', it's "
                                             "in use");
    /* -nic's backend is a netdev like any other: a filter can sit on it. */
    net_reset_all();
    char path[] = "/tmp/ferry-wiring-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char *obj = xasprintf("filter-dump,id=d0,netdev=b0,file=%s", path);
    assert_int_equal(BOOT("test-netboard", "-nic", "user,id=b0,model=test-nic", "-object",
                          obj), 0);
    free(obj);
    assert_non_null(net_filter_find("d0"));
    unlink(path);
}

static void test_warnings(void **state)
{
    assert_int_equal(BOOT("test-netboard", "-net", "nic,model=test-nic"), 0);
    assert_contains(warnings, "warning: hub 0 is not connected to host network\n");
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-net", "user"), 0);
    assert_contains(warnings, "warning: hub 0 with no nics\n");
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-netdev", "user,id=lonely", "-nic",
                          "user,model=test-nic"), 0);
    assert_contains(warnings, "warning: netdev lonely has no peer\n");
    assert_true(strstr(warnings, "requested NIC") == NULL);
    /* A board that places no NICs. */
    net_reset_all();
    assert_int_equal(BOOT("test-nonicboard", "-nic", "user"), 0);
    assert_contains(warnings, "has no peer\n");
    assert_contains(warnings, "warning: requested NIC (anonymous, model unspecified) was not "
                              "created (not supported by this machine?)\n");
    /* A model whose bus this board does not have. */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-net", "nic,model=test-nic-elsewhere,name=n9",
                          "-net", "user"), 0);
    assert_contains(warnings, "warning: hub port hub0port0 has no peer\n");
    assert_contains(warnings, "warning: requested NIC (n9, model test-nic-elsewhere) was not "
                              "created");
}

static void test_pending_models(void **state)
{
    /* The default NIC's model is not built yet: say so, and run without. */
    assert_int_equal(BOOT("test-pendingboard"), 0);
    assert_contains(warnings, "the default NIC model test-nic-pending is not implemented yet");
    assert_int_equal(count_nics(), 0);
    /* Asked for by name, it is refused. */
    net_reset_all();
    assert_int_equal(BOOT("test-netboard", "-nic", "user,model=test-nic-pending"), -1);
    assert_contains(error_get_msg(boot_err), "-nic user,model=test-nic-pending: device "
                                             "'test-nic-pending' is not implemented yet");
}

static void test_nic_model_help_lists_models(void **state)
{
    FILE *f = tmpfile();
    nic_print_models(f);
    rewind(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    assert_contains(buf, "test-nic\n");
    assert_contains(buf, "test-nic-pending (not implemented yet)\n");
    assert_contains(buf, "virtio-net-pci");
    assert_true(strstr(buf, "test-onboard-nic") == NULL); /* not pluggable */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_nic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_default_nic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nic_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_onboard_nic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_net, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_netdev, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_models, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nic_model_help_lists_models, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
