/* Unit tests for core/device.c: typed properties, inheritance, buses,
 * -device creation and its errors, listings. */
#include "tests/unit/test.h"

#include "core/device.h"

typedef struct TestDev {
    Device dev;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    uint64_t size;
    char *name;
    int mode;
    MACAddr mac;
    int32_t addr;
    uint32_t ranged;
    int realized, resets;
} TestDev;

static const char *const modes[] = {"fast", "slow", NULL};

static const Property base_props[] = {
    {.name = "flag", .type = PROP_BOOL, .offset = offsetof(TestDev, flag), .def = "on"},
    {.name = "u32", .type = PROP_U32, .offset = offsetof(TestDev, u32), .def = "7"},
    {0},
};

static const Property own_props[] = {
    {.name = "u8", .type = PROP_U8, .offset = offsetof(TestDev, u8)},
    {.name = "u16", .type = PROP_U16, .offset = offsetof(TestDev, u16)},
    {.name = "u64", .type = PROP_U64, .offset = offsetof(TestDev, u64)},
    {.name = "i32", .type = PROP_I32, .offset = offsetof(TestDev, i32)},
    {.name = "size", .type = PROP_SIZE, .offset = offsetof(TestDev, size), .def = "4K"},
    {.name = "name", .type = PROP_STRING, .offset = offsetof(TestDev, name), .def = "dflt"},
    {.name = "mode", .type = PROP_ENUM, .offset = offsetof(TestDev, mode), .choices = modes,
     .def = "slow"},
    {.name = "mac", .type = PROP_MAC, .offset = offsetof(TestDev, mac)},
    {.name = "addr", .type = PROP_PCI_ADDR, .offset = offsetof(TestDev, addr)},
    {.name = "ranged", .type = PROP_U32, .offset = offsetof(TestDev, ranged), .min = 1,
     .max = 8, .def = "1"},
    /* Overrides the inherited default. */
    {.name = "u32", .type = PROP_U32, .offset = offsetof(TestDev, u32), .def = "9"},
    {0},
};

static int test_realize(Device *dev, Error **errp)
{
    TestDev *t = (TestDev *)dev;
    if (t->u8 == 99) {
        error_setg(errp, "u8 may not be 99");
        return -1;
    }
    t->realized++;
    return 0;
}

static void test_reset(Device *dev)
{
    ((TestDev *)dev)->resets++;
}

static const DeviceType test_base = {
    .name = "test-base", .instance_size = sizeof(TestDev), .props = base_props,
    .realize = test_realize, .reset = test_reset,
};

DEVICE_TYPE(test_dev_type, .name = "test-dev", .desc = "a test device", .category = "misc",
            .parent = &test_base, .instance_size = sizeof(TestDev), .props = own_props,
            .user_creatable = true, .alias = "tdev");
DEVICE_TYPE(test_busdev_type, .name = "test-busdev", .category = "misc", .bus = "testbus",
            .parent = &test_base, .instance_size = sizeof(TestDev), .user_creatable = true);
DEVICE_TYPE(test_pending_type, .name = "test-pending", .category = "network",
            .instance_size = sizeof(TestDev), .user_creatable = true);
DEVICE_TYPE(test_internal_type, .name = "test-internal", .parent = &test_base,
            .instance_size = sizeof(TestDev));

static TestDev *new_dev(const char *type)
{
    Error *err = NULL;
    Device *d = device_new(type, &err);
    assert_null(err);
    return (TestDev *)d;
}

static void set_ok(TestDev *t, const char *k, const char *v)
{
    Error *err = NULL;
    assert_int_equal(device_set_prop(&t->dev, k, v, &err), 0);
    assert_null(err);
}

static void set_fails(TestDev *t, const char *k, const char *v, const char *msg)
{
    Error *err = NULL;
    assert_int_equal(device_set_prop(&t->dev, k, v, &err), -1);
    assert_non_null(err);
    assert_contains(error_get_msg(err), msg);
    error_free(err);
}

static void test_defaults_and_inheritance(void **state)
{
    TestDev *t = new_dev("test-dev");
    assert_true(t->flag);             /* inherited default */
    assert_int_equal(t->u32, 9);      /* overridden default */
    assert_int_equal(t->size, 4096);
    assert_string_equal(t->name, "dflt");
    assert_int_equal(t->mode, 1);
    assert_int_equal(t->addr, -1);    /* PCI address: auto */
    assert_false(t->mac.set);
    device_free(&t->dev);
    /* The alias finds the same type. */
    assert_ptr_equal(device_type_find("tdev"), &test_dev_type);
    assert_true(device_type_is_a(&test_dev_type, &test_base));
    assert_false(device_type_is_a(&test_base, &test_dev_type));
}

static void test_prop_values(void **state)
{
    TestDev *t = new_dev("test-dev");
    set_ok(t, "flag", "off");
    assert_false(t->flag);
    set_ok(t, "u8", "255");
    assert_int_equal(t->u8, 255);
    set_fails(t, "u8", "256", "expects a uint8");
    set_ok(t, "u16", "0xffff");
    set_fails(t, "u16", "65536", "uint16");
    set_ok(t, "u64", "18446744073709551615");
    assert_true(t->u64 == UINT64_MAX);
    set_ok(t, "i32", "-5");
    assert_int_equal(t->i32, -5);
    set_fails(t, "i32", "2147483648", "int32");
    set_ok(t, "size", "2M");
    assert_int_equal(t->size, 2 * MiB);
    set_fails(t, "size", "2Q", "size");
    set_ok(t, "name", "hello");
    set_ok(t, "name", "again"); /* replacing frees the old string (ASan checks) */
    assert_string_equal(t->name, "again");
    set_ok(t, "mode", "fast");
    assert_int_equal(t->mode, 0);
    set_fails(t, "mode", "medium", "valid: fast, slow");
    set_ok(t, "mac", "52:54:00:aa:bb:cc");
    assert_true(t->mac.set);
    assert_int_equal(t->mac.a[5], 0xcc);
    set_fails(t, "mac", "01:00:5e:00:00:01", "multicast");
    set_fails(t, "mac", "52:54", "macaddr");
    set_ok(t, "addr", "1f.7");
    assert_int_equal(t->addr, 0x1f << 3 | 7);
    set_ok(t, "addr", "3");
    assert_int_equal(t->addr, 3 << 3);
    set_fails(t, "addr", "20", "pci-devfn");
    set_fails(t, "addr", "3.8", "pci-devfn");
    set_ok(t, "ranged", "8");
    set_fails(t, "ranged", "9", "between 1 and 8");
    set_fails(t, "ranged", "0", "between 1 and 8");
    set_fails(t, "nosuch", "1", "no property 'nosuch'");
    set_fails(t, "flag", "maybe", "bool");
    device_free(&t->dev);
}

static void test_unknown_prop_lists_valid(void **state)
{
    TestDev *t = new_dev("test-dev");
    set_fails(t, "bogus", "1", "valid: u8, u16, u64");
    device_free(&t->dev);
}

static void test_netdev_chardev_refs_checked(void **state)
{
    /* No netdev or chardev exists in this program, so references fail. */
    typedef struct RefDev {
        Device dev;
        void *nd, *chr;
    } RefDev;
    static const Property ref_props[] = {
        {.name = "netdev", .type = PROP_NETDEV, .offset = offsetof(RefDev, nd)},
        {.name = "chardev", .type = PROP_CHARDEV, .offset = offsetof(RefDev, chr)},
        {0},
    };
    static const DeviceType ref_type = {.name = "test-ref", .instance_size = sizeof(RefDev),
                                        .props = ref_props, .user_creatable = true};
    device_type_register(&ref_type);
    TestDev *t = new_dev("test-ref");
    set_fails(t, "netdev", "n0", "no -netdev with id 'n0'");
    set_fails(t, "chardev", "c0", "no -chardev with id 'c0'");
    device_free(&t->dev);
    /* The pre-machine check skips references (they may be made later). */
    Error *err = NULL;
    Opts *o = opts_parse("-device", "test-ref,netdev=n0", "driver", &err);
    assert_int_equal(device_validate_opts(o, &err), 0);
    assert_int_equal(device_create_from_opts(o, &err) == NULL, 1);
    assert_contains(error_get_msg(err), "no -netdev with id 'n0'");
    error_free(err);
    opts_free(o);
}

static Device *create(const char *text, Error **errp)
{
    Opts *o = opts_parse("-device", text, "driver", errp);
    assert_non_null(o);
    Device *d = device_create_from_opts(o, errp);
    opts_free(o);
    return d;
}

static void expect_create_error(const char *text, const char *msg)
{
    Error *err = NULL;
    assert_null(create(text, &err));
    assert_non_null(err);
    assert_contains(error_get_msg(err), msg);
    assert_contains(error_get_msg(err), text); /* names the option */
    error_free(err);
}

static void test_create_from_opts(void **state)
{
    Error *err = NULL;
    Device *d = create("test-dev,id=d1,u8=3,name=x", &err);
    assert_null(err);
    assert_non_null(d);
    assert_true(d->realized);
    assert_int_equal(((TestDev *)d)->realized, 1);
    assert_ptr_equal(device_find("d1"), d);
    expect_create_error("test-dev,id=d1", "Duplicate device ID 'd1'");
    expect_create_error("test-dev,id=1d", "expects an identifier");
    expect_create_error("test-dev,u8=99", "u8 may not be 99");
    expect_create_error("nosuch-dev", "not a valid device model name");
    expect_create_error("test-pending", "not implemented yet");
    expect_create_error("test-internal", "cannot be created with -device");
    expect_create_error("test-dev,bus=nope", "Bus 'nope' not found");
    expect_create_error("test-dev,u8=1x", "expects a uint8");
    Opts *o = opts_parse("-device", "id=x", "driver", &err);
    assert_null(device_create_from_opts(o, &err));
    assert_contains(error_get_msg(err), "model name is required");
    error_free(err);
    opts_free(o);
}

static int plug_count;
static int test_plug(Bus *bus, Device *dev, Error **errp)
{
    plug_count++;
    return 0;
}

static void test_buses(void **state)
{
    Error *err = NULL;
    expect_create_error("test-busdev", "needs a testbus bus");
    Bus *b = bus_new("testbus", "tb.0", NULL, 1);
    b->plug = test_plug;
    Bus *other = bus_new("otherbus", "ob.0", NULL, 0);
    (void)other;
    Device *d = create("test-busdev,id=b1", &err);
    assert_null(err);
    assert_ptr_equal(d->bus, b);
    assert_int_equal(plug_count, 1);
    assert_int_equal(b->n_children, 1);
    expect_create_error("test-busdev", "needs a testbus bus"); /* full: no free bus */
    expect_create_error("test-busdev,bus=tb.0", "is full");
    expect_create_error("test-busdev,bus=ob.0", "plugs into a testbus bus");
    expect_create_error("test-dev,bus=ob.0", "does not plug into a bus");
    assert_ptr_equal(bus_find("tb.0"), b);
    assert_null(bus_find_free("testbus"));
}

static void test_reset_all(void **state)
{
    Device *d = device_find("d1");
    assert_non_null(d);
    int before = ((TestDev *)d)->resets;
    device_reset_all();
    assert_int_equal(((TestDev *)d)->resets, before + 1);
}

static char *capture(void (*fn)(FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f);
    fclose(f);
    return buf;
}

static void test_help_listing(void **state)
{
    char *s = capture(device_print_help);
    assert_contains(s, "name \"test-dev\", alias \"tdev\", desc \"a test device\"");
    assert_contains(s, "name \"test-busdev\", bus testbus");
    assert_contains(s, "name \"test-pending\" (not implemented yet)");
    assert_contains(s, "Network devices:");
    assert_null(strstr(s, "test-internal")); /* not user-creatable: not listed */
    free(s);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    Error *err = NULL;
    assert_int_equal(device_print_props(f, "test-dev", &err), 0);
    fclose(f);
    assert_contains(buf, "mode=<enum> (fast, slow)");
    assert_contains(buf, "flag=<bool>");
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(device_print_props(f, "nope", &err), -1);
    fclose(f);
    free(buf);
    error_free(err);
}

static void test_qtree(void **state)
{
    char *s = capture(device_print_qtree);
    assert_contains(s, "bus: tb.0");
    assert_contains(s, "dev: test-busdev, id \"b1\"");
    assert_contains(s, "dev: test-dev, id \"d1\"");
    assert_contains(s, "name = \"x\"");
    assert_contains(s, "mode = slow");
    assert_contains(s, "addr = auto");
    free(s);
}

static void test_default_macs(void **state)
{
    MACAddr a = {0}, b = {0}, given = {.a = {2, 0, 0, 0, 0, 1}, .set = true};
    mac_assign_default(&a);
    mac_assign_default(&b);
    mac_assign_default(&given);
    static const uint8_t first[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    assert_memory_equal(a.a, first, 6);
    assert_int_equal(b.a[5], 0x57);
    assert_int_equal(given.a[0], 2); /* a user's MAC is kept */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_inheritance),
        cmocka_unit_test(test_prop_values),
        cmocka_unit_test(test_unknown_prop_lists_valid),
        cmocka_unit_test(test_netdev_chardev_refs_checked),
        cmocka_unit_test(test_create_from_opts),
        cmocka_unit_test(test_buses),
        cmocka_unit_test(test_reset_all),
        cmocka_unit_test(test_help_listing),
        cmocka_unit_test(test_qtree),
        cmocka_unit_test(test_default_macs),
    };
    return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
