/* Unit tests for core/log.c (-d items, -D file, capstone disassembly) and
 * core/error.c (first error wins, prepend, propagate, exit hooks). */
#include "tests/unit/test.h"

#include <unistd.h>

#include "core/log.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = xzalloc(65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_log_items(void **state)
{
    Error *err = NULL;
    assert_int_equal(log_parse_items("in_asm,op", &err), LOG_IN_ASM | LOG_OP);
    assert_int_equal(log_parse_items("guest_errors", &err), LOG_GUEST_ERROR);
    int64_t all = log_parse_items("all", &err);
    assert_true(all & LOG_MMU);
    assert_true(all & LOG_JITSTATS);
    assert_null(err);
    assert_int_equal(log_parse_items("int,bogus", &err), -1);
    assert_contains(error_get_msg(err), "unknown log item 'bogus'");
    assert_contains(error_get_msg(err), "guest_errors");
    error_free(err);
}

static void test_log_file_and_disas(void **state)
{
    char path[] = "/tmp/ferry-test-log-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    Error *err = NULL;
    assert_int_equal(log_set_file(path, &err), 0);
    log_mask = LOG_GUEST_ERROR;
    qlog(LOG_GUEST_ERROR, "bad register %d\n", 42);
    qlog(LOG_UNIMP, "not shown\n");
    /* x86-64: mov rax, rbx ; ret */
    static const uint8_t x86[] = {0x48, 0x89, 0xd8, 0xc3};
    log_disas("x86_64", x86, sizeof(x86), 0x1000);
    /* aarch64: add x0, x1, x2 ; ret */
    static const uint8_t a64[] = {0x20, 0x00, 0x02, 0x8b, 0xc0, 0x03, 0x5f, 0xd6};
    log_disas("aarch64", a64, sizeof(a64), 0x40000000);
    /* Undecodable bytes are reported, not dropped. */
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff};
    log_disas("aarch64", junk, sizeof(junk), 0x2000);
    log_flush();
    char *s = slurp(path);
    assert_contains(s, "bad register 42");
    assert_null(strstr(s, "not shown"));
    assert_contains(s, "mov");
    assert_contains(s, "rax, rbx");
    assert_contains(s, "add");
    assert_contains(s, "x0, x1, x2");
    assert_contains(s, "0x0000000040000004:  ret");
    assert_contains(s, "4 undecoded bytes");
    free(s);
    log_mask = 0;
    unlink(path);
    assert_int_equal(log_set_file("/nonexistent/x/y", &err), -1);
    assert_contains(error_get_msg(err), "cannot open log file");
    error_free(err);
}

static void test_error_first_wins_and_prepend(void **state)
{
    Error *err = NULL;
    error_setg(&err, "inner %d", 1);
    error_setg(&err, "outer");
    assert_string_equal(error_get_msg(err), "inner 1");
    error_prepend(&err, "ctx: ");
    assert_string_equal(error_get_msg(err), "ctx: inner 1");
    Error *dst = NULL;
    error_propagate(&dst, err);
    assert_ptr_equal(dst, err);
    Error *other = NULL;
    error_setg(&other, "second");
    error_propagate(&dst, other); /* dst already set: other is freed */
    assert_string_equal(error_get_msg(dst), "ctx: inner 1");
    error_free(dst);
    err = NULL;
    error_setg(NULL, "ignored"); /* a NULL errp is allowed */
    error_setg_errno(&err, ENOENT, "open %s", "x");
    assert_contains(error_get_msg(err), "open x: ");
    error_free(err);
}

static int hook_order[4], n_hooks;
static void hook_a(void) { hook_order[n_hooks++] = 1; }
static void hook_b(void) { hook_order[n_hooks++] = 2; }

static void test_exit_hooks(void **state)
{
    exit_hook_add(hook_a);
    exit_hook_add(hook_b);
    exit_hook_add(hook_a); /* added once */
    exit_hooks_run();
    exit_hooks_run(); /* each runs once */
    assert_int_equal(n_hooks, 2);
    assert_int_equal(hook_order[0], 2); /* newest first */
    assert_int_equal(hook_order[1], 1);
}

static void test_strbuf_and_alloc(void **state)
{
    StrBuf sb = {0};
    assert_string_equal(sb_str(&sb), "");
    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "%d,", i);
    assert_true(sb.len > 3000);
    char *s = sb_steal(&sb);
    assert_true(!strncmp(s, "0,1,2,", 6));
    assert_null(sb.s);
    free(s);
    char *d = xstrndup("abcdef", 3);
    assert_string_equal(d, "abc");
    free(d);
    char *p = xasprintf("%s-%d", "x", 5);
    assert_string_equal(p, "x-5");
    free(p);
    assert_true(host_monotonic_ns() > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_items),
        cmocka_unit_test(test_log_file_and_disas),
        cmocka_unit_test(test_error_first_wins_and_prepend),
        cmocka_unit_test(test_exit_hooks),
        cmocka_unit_test(test_strbuf_and_alloc),
    };
    return cmocka_run_group_tests_name("log+error", tests, NULL, NULL);
}
