/* Unit tests for core/opts.c: QEMU option syntax and value parsers. */
#include "tests/unit/test.h"

#include "core/opts.h"

static Opts *parse_ok(const char *text, const char *implied)
{
    Error *err = NULL;
    Opts *o = opts_parse("-test", text, implied, &err);
    assert_null(err);
    assert_non_null(o);
    return o;
}

static void test_implied_key_and_pairs(void **state)
{
    Opts *o = parse_ok("user,id=n0,restrict=on", "type");
    assert_int_equal(o->n, 3);
    assert_string_equal(opts_get(o, "type"), "user");
    assert_string_equal(opts_get(o, "id"), "n0");
    assert_string_equal(opts_get(o, "restrict"), "on");
    assert_false(o->help);
    opts_free(o);
}

static void test_implied_key_only_first(void **state)
{
    /* A bare second element is a flag (key=on), not the implied key. */
    Opts *o = parse_ok("virt,highmem", "type");
    assert_string_equal(opts_get(o, "type"), "virt");
    assert_string_equal(opts_get(o, "highmem"), "on");
    opts_free(o);
    /* Without an implied key the first bare element is a flag too. */
    o = parse_ok("foo,a=b", NULL);
    assert_string_equal(opts_get(o, "foo"), "on");
    opts_free(o);
}

static void test_comma_escape(void **state)
{
    Opts *o = parse_ok("file,path=a,,b,,,,c,id=x", "backend");
    assert_string_equal(opts_get(o, "path"), "a,b,,c");
    assert_string_equal(opts_get(o, "id"), "x");
    opts_free(o);
}

static void test_help_anywhere(void **state)
{
    Opts *o = parse_ok("help", "type");
    assert_true(o->help);
    assert_null(opts_get(o, "type"));
    opts_free(o);
    o = parse_ok("e1000,?", "driver");
    assert_true(o->help);
    assert_string_equal(opts_get(o, "driver"), "e1000");
    opts_free(o);
}

static void test_repeated_keys(void **state)
{
    Opts *o = parse_ok("user,hostfwd=tcp::1-:2,hostfwd=udp::3-:4", "type");
    assert_string_equal(opts_get(o, "hostfwd"), "udp::3-:4"); /* last wins */
    int pos = 0;
    assert_string_equal(opts_get_all(o, "hostfwd", &pos), "tcp::1-:2");
    assert_string_equal(opts_get_all(o, "hostfwd", &pos), "udp::3-:4");
    assert_null(opts_get_all(o, "hostfwd", &pos));
    opts_free(o);
}

static void test_empty_value_and_trailing_comma(void **state)
{
    Opts *o = parse_ok("tap,id=,", "type");
    assert_int_equal(o->n, 2);
    assert_string_equal(opts_get(o, "id"), "");
    opts_free(o);
}

static void test_empty_key_is_error(void **state)
{
    Error *err = NULL;
    assert_null(opts_parse("-x", "a=1,=2", NULL, &err));
    assert_non_null(err);
    assert_non_null(strstr(error_get_msg(err), "empty parameter name"));
    error_free(err);
}

static void test_check_unused_names_key_and_choices(void **state)
{
    Opts *o = parse_ok("user,id=n0,bogus=1", "type");
    opts_mark_used(o, "type");
    opts_mark_used(o, "id");
    static const char *const valid[] = {"type", "id", "net", NULL};
    Error *err = NULL;
    assert_int_equal(opts_check_unused(o, valid, &err), -1);
    assert_non_null(strstr(error_get_msg(err), "Invalid parameter 'bogus'"));
    assert_non_null(strstr(error_get_msg(err), "type, id, net"));
    error_free(err);
    opts_free(o);
}

static void test_typed_getters(void **state)
{
    Opts *o = parse_ok("a=on,b=off,c=42,d=0x10,e=1G,f=yes,bad=maybe,neg=-1", NULL);
    Error *err = NULL;
    bool b;
    uint64_t u;
    assert_int_equal(opts_get_bool(o, "a", false, &b, &err), 0);
    assert_true(b);
    assert_int_equal(opts_get_bool(o, "b", true, &b, &err), 0);
    assert_false(b);
    assert_int_equal(opts_get_bool(o, "f", false, &b, &err), 0);
    assert_true(b);
    assert_int_equal(opts_get_bool(o, "absent", true, &b, &err), 0);
    assert_true(b);
    assert_int_equal(opts_get_u64(o, "c", 0, &u, &err), 0);
    assert_int_equal(u, 42);
    assert_int_equal(opts_get_u64(o, "d", 0, &u, &err), 0);
    assert_int_equal(u, 16);
    assert_int_equal(opts_get_size(o, "e", 0, &u, &err), 0);
    assert_int_equal(u, GiB);
    assert_null(err);
    assert_int_equal(opts_get_bool(o, "bad", false, &b, &err), -1);
    assert_non_null(strstr(error_get_msg(err), "'bad'"));
    error_free(err);
    err = NULL;
    assert_int_equal(opts_get_u64(o, "neg", 0, &u, &err), -1);
    error_free(err);
    opts_free(o);
}

static void test_enum(void **state)
{
    static const char *const c[] = {"single", "multi", NULL};
    Opts *o = parse_ok("tcg,thread=multi,x=bogus", "accel");
    Error *err = NULL;
    assert_int_equal(opts_get_enum(o, "thread", c, 0, &err), 1);
    assert_int_equal(opts_get_enum(o, "absent", c, 0, &err), 0);
    assert_int_equal(opts_get_enum(o, "x", c, 0, &err), -1);
    assert_non_null(strstr(error_get_msg(err), "single, multi"));
    error_free(err);
    opts_free(o);
}

static void test_parse_size(void **state)
{
    uint64_t v;
    assert_int_equal(parse_size("512", MiB, &v), 0);
    assert_int_equal(v, 512 * MiB);
    assert_int_equal(parse_size("2G", MiB, &v), 0);
    assert_int_equal(v, 2 * GiB);
    assert_int_equal(parse_size("512m", MiB, &v), 0);
    assert_int_equal(v, 512 * MiB);
    assert_int_equal(parse_size("64K", 1, &v), 0);
    assert_int_equal(v, 64 * KiB);
    assert_int_equal(parse_size("1.5G", 1, &v), 0);
    assert_int_equal(v, 3 * GiB / 2);
    assert_int_equal(parse_size("4GiB", 1, &v), 0);
    assert_int_equal(v, 4 * GiB);
    assert_int_equal(parse_size("100B", MiB, &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(parse_size("15E", 1, &v), 0);
    assert_int_equal(v, 15ULL << 60);
    assert_int_equal(parse_size("16E", 1, &v), -1); /* 2^64 overflows */
    assert_int_equal(parse_size("12Q", MiB, &v), -1);
    assert_int_equal(parse_size("", MiB, &v), -1);
    assert_int_equal(parse_size("-1", MiB, &v), -1);
    assert_int_equal(parse_size("G", MiB, &v), -1);
    assert_int_equal(parse_size("1GX", MiB, &v), -1);
    assert_int_equal(parse_size("99999999999999999999", 1, &v), -1);
}

static void test_parse_mac(void **state)
{
    uint8_t m[6];
    assert_int_equal(parse_mac("52:54:00:12:34:56", m), 0);
    assert_int_equal(m[0], 0x52);
    assert_int_equal(m[5], 0x56);
    assert_int_equal(parse_mac("52-54-00-AB-cd-EF", m), 0);
    assert_int_equal(m[3], 0xab);
    assert_int_equal(m[5], 0xef);
    assert_int_equal(parse_mac("52:54:00:12:34", m), -1);
    assert_int_equal(parse_mac("52:54:00:12:34:56:78", m), -1);
    assert_int_equal(parse_mac("5:54:00:12:34:56", m), -1);
    assert_int_equal(parse_mac("zz:54:00:12:34:56", m), -1);
    assert_int_equal(parse_mac("", m), -1);
}

static void test_parse_bool_u64(void **state)
{
    bool b;
    assert_int_equal(parse_bool("on", &b), 0);
    assert_true(b);
    assert_int_equal(parse_bool("n", &b), 0);
    assert_false(b);
    assert_int_equal(parse_bool("On", &b), -1);
    assert_int_equal(parse_bool("", &b), -1);
    uint64_t u;
    assert_int_equal(parse_u64("18446744073709551615", &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(parse_u64("18446744073709551616", &u), -1);
    assert_int_equal(parse_u64("010", &u), 0);
    assert_int_equal(u, 8);
    assert_int_equal(parse_u64(" 1", &u), -1);
    assert_int_equal(parse_u64("1x", &u), -1);
}

static void test_id_wellformed(void **state)
{
    assert_true(id_wellformed("n0"));
    assert_true(id_wellformed("net-1.a_b"));
    assert_false(id_wellformed(""));
    assert_false(id_wellformed("0n"));
    assert_false(id_wellformed("a b"));
    assert_false(id_wellformed("a,b"));
    assert_false(id_wellformed("_a"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_implied_key_and_pairs),
        cmocka_unit_test(test_implied_key_only_first),
        cmocka_unit_test(test_comma_escape),
        cmocka_unit_test(test_help_anywhere),
        cmocka_unit_test(test_repeated_keys),
        cmocka_unit_test(test_empty_value_and_trailing_comma),
        cmocka_unit_test(test_empty_key_is_error),
        cmocka_unit_test(test_check_unused_names_key_and_choices),
        cmocka_unit_test(test_typed_getters),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_mac),
        cmocka_unit_test(test_parse_bool_u64),
        cmocka_unit_test(test_id_wellformed),
    };
    return cmocka_run_group_tests_name("opts", tests, NULL, NULL);
}
