/* Unit tests for core/cli.c: every option's parse and error paths, help
 * requests, machine keys, -readconfig. (Options that print and exit, -h and
 * -version, are covered by tests/cli/run.sh against the real binary.) */
#include "tests/unit/test.h"

#include <unistd.h>

#include "core/cli.h"
#include "core/log.h"

static int parse(CliConfig *c, Error **err, ...)
{
    const char *argv[64] = {"ferry-system-aarch64"};
    int argc = 1;
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *));)
        argv[argc++] = a;
    va_end(ap);
    memset(c, 0, sizeof(*c));
    return cli_parse(c, argc, (char **)argv, err);
}

#define PARSE(c, err, ...) parse(c, err, __VA_ARGS__, (const char *)NULL)

static void expect_error(const char *msg, ...)
{
    const char *argv[64] = {"ferry-system-aarch64"};
    int argc = 1;
    va_list ap;
    va_start(ap, msg);
    for (const char *a; (a = va_arg(ap, const char *));)
        argv[argc++] = a;
    va_end(ap);
    CliConfig c = {0};
    Error *err = NULL;
    int r = cli_parse(&c, argc, (char **)argv, &err);
    if (r != -1 || !err)
        fail_msg("expected an error containing \"%s\" for %s %s", msg, argv[1],
                 argc > 2 ? argv[2] : "");
    assert_contains(error_get_msg(err), msg);
    error_free(err);
    cli_config_free(&c);
}

#define ERR(msg, ...) expect_error(msg, __VA_ARGS__, (const char *)NULL)

static void test_basic_values(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-m", "2G", "-smp", "4", "-append", "console=ttyAMA0",
                           "-no-reboot", "-S", "--nographic", "-name", "guest=vm1",
                           "-cpu", "max,sve=off"), 0);
    assert_null(err);
    assert_true(c.mc.ram_size == 2 * GiB);
    assert_int_equal(c.mc.smp_cpus, 4);
    assert_int_equal(c.mc.smp_cores, 4);
    assert_string_equal(c.mc.append, "console=ttyAMA0");
    assert_true(c.mc.no_reboot);
    assert_true(c.mc.start_stopped);
    assert_true(c.nographic);
    assert_string_equal(c.mc.name, "vm1");
    assert_string_equal(c.mc.cpu_model, "max");
    assert_string_equal(c.arch, "aarch64");
    cli_config_free(&c);
}

static void test_m_forms(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-m", "512"), 0);
    assert_true(c.mc.ram_size == 512 * MiB);
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-m", "size=1G"), 0);
    assert_true(c.mc.ram_size == GiB);
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-m", "512m"), 0);
    assert_true(c.mc.ram_size == 512 * MiB);
    cli_config_free(&c);
    ERR("-m 12Q: invalid size '12Q'", "-m", "12Q");
    ERR("at least 1M", "-m", "100K");
    ERR("memory hotplug", "-m", "1G,slots=2,maxmem=4G");
    ERR("Invalid parameter 'bogus'", "-m", "1G,bogus=1");
    ERR("-m: requires an argument", "-m");
}

static void test_smp_forms(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-smp", "cpus=8,sockets=2,cores=2,threads=2"), 0);
    assert_int_equal(c.mc.smp_cpus, 8);
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-smp", "sockets=2,cores=3"), 0);
    assert_int_equal(c.mc.smp_cpus, 6);
    cli_config_free(&c);
    ERR("must equal maxcpus", "-smp", "4,sockets=3,cores=1,threads=1");
    ERR("sockets (2) * cores (1) * threads (1) must equal maxcpus (3)", "-smp", "3,sockets=2");
    ERR("must not exceed maxcpus", "-smp", "4,maxcpus=2");
    ERR("between 1 and 1024", "-smp", "2000");
    ERR("CPU hotplug", "-smp", "2,maxcpus=4");
    ERR("expects a non-negative number", "-smp", "two");
    ERR("Invalid parameter 'dies'", "-smp", "2,dies=1");
}

static void test_accel(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-accel", "tcg,backend=interp,tb-size=64"), 0);
    assert_string_equal(c.accel_backend, "interp");
    assert_int_equal(c.tb_size, 64);
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-accel", "tcg,thread=single"), 0);
    cli_config_free(&c);
    ERR("no KVM", "-accel", "kvm");
    ERR("no KVM", "-enable-kvm");
    ERR("unknown accelerator 'foo' (valid: tcg)", "-accel", "foo");
    ERR("thread=multi", "-accel", "tcg,thread=multi");
    ERR("valid: native, interp", "-accel", "tcg,backend=llvm");
    ERR("Invalid parameter 'x'", "-accel", "tcg,x=1");
    assert_int_equal(PARSE(&c, &err, "-accel", "help"), 0);
    assert_true(c.help_accel);
    cli_config_free(&c);
}

static void test_machine_opts_and_keys(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-M", "none,accel=kvm:tcg", "-machine", "graphics=off"), 0);
    assert_string_equal(c.machine_name, "none");
    const MachineType *mt = cli_machine_type(&c, &err);
    assert_non_null(mt);
    assert_int_equal(cli_validate_machine(&c, mt, &err), 0);
    assert_true(c.nographic);
    cli_config_free(&c);

    assert_int_equal(PARSE(&c, &err, "-M", "none,accel=kvm"), 0);
    mt = cli_machine_type(&c, &err);
    assert_int_equal(cli_validate_machine(&c, mt, &err), -1);
    assert_contains(error_get_msg(err), "no KVM");
    error_free(err);
    err = NULL;
    cli_config_free(&c);

    assert_int_equal(PARSE(&c, &err, "-M", "none,gic-version=3"), 0);
    mt = cli_machine_type(&c, &err);
    assert_int_equal(cli_validate_machine(&c, mt, &err), -1);
    assert_contains(error_get_msg(err), "Invalid parameter 'gic-version' for machine 'none'");
    error_free(err);
    err = NULL;
    cli_config_free(&c);

    /* The board checks its values while the line is parsed (MachineType.check). */
    assert_int_equal(PARSE(&c, &err, "-machine", "virt,gic-version=5"), 0);
    mt = cli_machine_type(&c, &err);
    assert_int_equal(cli_validate_machine(&c, mt, &err), -1);
    assert_contains(error_get_msg(err), "gic-version=5 is not a GIC version (valid: 2, 3, max)");
    error_free(err);
    err = NULL;
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-M", "virt", "-smp", "9"), 0);
    mt = cli_machine_type(&c, &err);
    assert_int_equal(cli_validate_machine(&c, mt, &err), -1);
    assert_contains(error_get_msg(err), "gic-version=2 supports at most 8 CPUs");
    error_free(err);
    err = NULL;
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-M", "virt,gic-version=3,highmem=off", "-smp", "4",
                           "-m", "3G"), 0);
    mt = cli_machine_type(&c, &err);
    assert_int_equal(cli_validate_machine(&c, mt, &err), 0);
    cli_config_free(&c);

    assert_int_equal(PARSE(&c, &err, "-M", "pc-i440fx-99"), 0);
    assert_null(cli_machine_type(&c, &err));
    assert_contains(error_get_msg(err), "unsupported machine type 'pc-i440fx-99'");
    assert_contains(error_get_msg(err), "valid: none");
    error_free(err);
    cli_config_free(&c);

    assert_int_equal(PARSE(&c, &err, "-M", "help"), 0);
    assert_true(c.help_machine);
    cli_config_free(&c);
    assert_int_equal(PARSE(&c, &err, "-M", "none,help"), 0);
    assert_true(c.help_machine_props);
    cli_config_free(&c);
}

static void test_help_requests(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-cpu", "help", "-device", "help", "-netdev", "help",
                           "-nic", "model=help", "-chardev", "help", "-d", "help",
                           "-device", "e1000,help", "-object", "help", "-net",
                           "nic,model=?"), 0);
    assert_true(c.help_cpu && c.help_device && c.help_netdev && c.help_nic_models &&
                c.help_chardev && c.help_log && c.help_object);
    assert_string_equal(c.help_device_props, "e1000");
    cli_config_free(&c);
}

static void test_invalid_options(void **state)
{
    ERR("-nosuchopt: invalid option", "-nosuchopt");
    ERR("did you mean -netdev?", "-netdv", "user");
    ERR("did you mean -device?", "--devic", "e1000");
    ERR("-kernel: requires an argument", "-kernel");
    ERR("-kernel /nonexistent/k: cannot read file", "-kernel", "/nonexistent/k");
    ERR("-initrd /nonexistent/i: cannot read file", "-initrd", "/nonexistent/i");
    ERR("-dtb /nonexistent/d", "-dtb", "/nonexistent/d");
    ERR("-bios /nonexistent/b", "-bios", "/nonexistent/b");
    ERR("not implemented yet", "-hda", "disk.img");
    ERR("not implemented yet", "disk.img");
    ERR("not implemented yet", "-drive", "file=vm.img,if=virtio");
    ERR("gdb stub is not implemented yet", "-s");
    ERR("gdb stub is not implemented yet", "-gdb", "tcp::1234");
    ERR("exactly one of file= and string= is needed", "-fw_cfg",
        "name=opt/x,file=/etc/hostname,string=s");
    ERR("exactly one of file= and string= is needed", "-fw_cfg", "name=opt/x");
    ERR("name=NAME is required", "-fw_cfg", "file=/etc/hostname");
    ERR("name too long (at most 55 characters)", "-fw_cfg",
        "opt/0123456789012345678901234567890123456789012345678901,string=x");
    ERR("-fw_cfg /nonexistent/f: cannot read file", "-fw_cfg",
        "name=opt/x,file=/nonexistent/f");
    ERR("Invalid parameter 'data'", "-fw_cfg", "name=opt/x,data=1");
    ERR("gen_id= (fw_cfg items generated by an -object) is not implemented yet", "-fw_cfg",
        "name=opt/x,gen_id=g0");
    ERR("duplicate fw_cfg name 'opt/x'", "-fw_cfg", "opt/x,string=a", "-fw_cfg",
        "opt/x,string=b");
    ERR("ferry has no graphical display (valid: none)", "-display", "gtk");
    ERR("no display adapters", "-vga", "std");
    ERR("unknown log item 'foo'", "-d", "int,foo");
    ERR("-D: cannot open log file '/nonexistent/dir/log'", "-D", "/nonexistent/dir/log");
    ERR("object type 'filter-buffer' is not implemented yet", "-object",
        "filter-buffer,id=f,netdev=n0,interval=1000");
    ERR("Parameter 'file' is missing", "-object", "filter-dump,id=f,netdev=n0");
    ERR("Parameter 'netdev' is missing", "-object", "filter-dump,id=f,file=x.pcap");
    ERR("Parameter 'id' is missing", "-object", "filter-dump,netdev=n0,file=x.pcap");
    ERR("Invalid parameter 'bogus'", "-object", "filter-dump,id=f,netdev=n0,file=x,bogus=1");
    ERR("maxlen' doesn't take value '0'", "-object", "filter-dump,id=f,netdev=n,file=x,maxlen=0");
    ERR("Parameter 'queue' does not accept value 'up'", "-object",
        "filter-dump,id=f,netdev=n,file=x,queue=up");
    ERR("Duplicate ID 'f' for object", "-object", "filter-dump,id=f,netdev=n,file=x", "-object",
        "filter-dump,id=f,netdev=n,file=y");
    ERR("'nosuch' is not a valid object type", "-object", "nosuch,id=x");
    ERR("QMP", "-mon", "chardev=c0,mode=control");
    ERR("Parameter 'chardev' is missing", "-mon", "mode=readline");
    ERR("process= and debug-threads=", "-name", "vm,debug-threads=on");
    ERR("not implemented yet", "-qmp", "tcp::4444");
    ERR("not implemented yet", "-daemonize");
    ERR("target=gdb", "-semihosting-config", "enable=on,target=gdb");
    ERR("valid: auto, native, gdb", "-semihosting-config", "target=xyz");
    ERR("valid: reset, shutdown", "-action", "reboot=explode");
    ERR("panic and watchdog devices", "-action", "panic=pause");
    ERR("at most 4 serial ports", "-serial", "null", "-serial", "null", "-serial", "null",
        "-serial", "null", "-serial", "null");
}

/* -fw_cfg: both forms, the implied name= key, commas doubled in values, and
 * a name outside opt/ accepted with a warning, as QEMU does. */
static void test_fw_cfg_forms(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-fw_cfg", "opt/org.example/a,string=x,,y", "-fw_cfg",
                           "name=opt/b,file=/etc/hostname", "-fw_cfg",
                           "name=etc/not-opt,string=z"), 0);
    assert_null(err);
    assert_int_equal(c.mc.n_fw_cfg, 3);
    assert_string_equal(c.mc.fw_cfg[0].name, "opt/org.example/a");
    assert_string_equal(c.mc.fw_cfg[0].string, "x,y");
    assert_null(c.mc.fw_cfg[0].file);
    assert_string_equal(c.mc.fw_cfg[1].name, "opt/b");
    assert_string_equal(c.mc.fw_cfg[1].file, "/etc/hostname");
    assert_null(c.mc.fw_cfg[1].string);
    assert_string_equal(c.mc.fw_cfg[2].name, "etc/not-opt");
    cli_config_free(&c);
}

static void test_network_and_device_checks(void **state)
{
    ERR("Parameter 'id' expects an identifier", "-netdev", "tap,id=");
    ERR("Parameter 'id' is missing", "-netdev", "user");
    ERR("a netdev type is required", "-netdev", "id=n0");
    ERR("'bogus' is not a valid netdev type (valid: bridge, dgram, hubport, l2tpv3, socket, "
        "stream, tap, user, vde, vhost-user, vhost-vdpa)", "-netdev", "bogus,id=n0");
    ERR("Invalid parameter 'bogus' for netdev type 'user'", "-netdev", "user,id=n0,bogus=1");
    ERR("Duplicate ID 'n0' for netdev", "-netdev", "user,id=n0", "-netdev", "tap,id=n0");
    ERR("'e1001' is not a NIC model", "-nic", "user,model=e1001");
    ERR("expects a MAC address", "-nic", "user,mac=52:54");
    ERR("multicast", "-nic", "user,mac=01:00:00:00:00:01");
    ERR("Invalid parameter 'vlan'", "-net", "nic,model=e1000,vlan=1");
    ERR("no property 'nosuchprop' (valid: addr, mac, netdev)", "-device",
        "e1000,nosuchprop=1");
    ERR("not a valid device model name", "-device", "e1001");
    ERR("expects a macaddr value", "-device", "e1000,mac=xyz");
    /* Forward references are fine at parse time. */
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-device", "virtio-net-pci,netdev=n0", "-netdev",
                           "user,id=n0,hostfwd=tcp::2222-:22,hostfwd=tcp::8080-:80"), 0);
    assert_int_equal(c.devices.n, 1);
    assert_int_equal(c.netdevs.n, 1);
    assert_true(c.user_gave_net);
    cli_config_free(&c);
    /* filter-dump is an object the command line keeps for after the netdevs. */
    assert_int_equal(PARSE(&c, &err, "-object", "filter-dump,id=f0,netdev=n0,file=x.pcap",
                           "-netdev", "user,id=n0"), 0);
    assert_int_equal(c.objects.n, 1);
    cli_config_free(&c);
}

static void test_action_maps_to_run_control(void **state)
{
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-action", "reboot=shutdown,shutdown=pause"), 0);
    assert_true(c.mc.no_reboot);
    assert_true(c.mc.no_shutdown);
    cli_config_free(&c);
}

static void test_log_items_set_mask(void **state)
{
    CliConfig c;
    Error *err = NULL;
    log_mask = 0;
    assert_int_equal(PARSE(&c, &err, "-d", "guest_errors,unimp"), 0);
    assert_int_equal(log_mask, LOG_GUEST_ERROR | LOG_UNIMP);
    log_mask = 0;
    cli_config_free(&c);
}

static char *write_tmp(const char *text)
{
    char *path = xstrdup("/tmp/ferry-test-cfg-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_readconfig(void **state)
{
    char *path = write_tmp("# a comment\n"
                           "[machine]\n  type = \"none\"\n\n"
                           "[memory]\n  size = \"256M\"\n"
                           "[netdev \"n0\"]\n  type = \"user\"\n"
                           "  hostfwd = \"tcp::2222-:22\"\n"
                           "[device \"nic0\"]\n  driver = \"e1000\"\n  netdev = \"n0\"\n"
                           "[smp-opts]\n  cpus = \"2\"\n");
    CliConfig c;
    Error *err = NULL;
    assert_int_equal(PARSE(&c, &err, "-readconfig", path), 0);
    assert_null(err);
    assert_string_equal(c.machine_name, "none");
    assert_true(c.mc.ram_size == 256 * MiB);
    assert_int_equal(c.mc.smp_cpus, 2);
    assert_int_equal(c.netdevs.n, 1);
    assert_string_equal(opts_get(c.netdevs.v[0], "id"), "n0");
    assert_string_equal(opts_get(c.netdevs.v[0], "hostfwd"), "tcp::2222-:22");
    assert_int_equal(c.devices.n, 1);
    assert_string_equal(opts_get(c.devices.v[0], "driver"), "e1000");
    cli_config_free(&c);
    unlink(path);
    free(path);

    path = write_tmp("[bogus]\n");
    ERR("unknown section [bogus]", "-readconfig", path);
    unlink(path);
    free(path);
    path = write_tmp("[memory]\nsize 256M\n");
    ERR(":2: expected `key = \"value\"`", "-readconfig", path);
    unlink(path);
    free(path);
    path = write_tmp("[memory]\nsize = \"12Q\"\n");
    ERR(":1: -m size=12Q: invalid size", "-readconfig", path);
    unlink(path);
    free(path);
    ERR("-readconfig /nonexistent.cfg: cannot open", "-readconfig", "/nonexistent.cfg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_values),
        cmocka_unit_test(test_m_forms),
        cmocka_unit_test(test_smp_forms),
        cmocka_unit_test(test_accel),
        cmocka_unit_test(test_machine_opts_and_keys),
        cmocka_unit_test(test_help_requests),
        cmocka_unit_test(test_invalid_options),
        cmocka_unit_test(test_fw_cfg_forms),
        cmocka_unit_test(test_network_and_device_checks),
        cmocka_unit_test(test_action_maps_to_run_control),
        cmocka_unit_test(test_log_items_set_mask),
        cmocka_unit_test(test_readconfig),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
