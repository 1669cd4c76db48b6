/*
 * test_net_dump.c — -object filter-dump (netback/filter-dump.c): the file
 * is a classic pcap (global header, one record per frame with captured and
 * original lengths, the frame's first maxlen bytes), parsed here field by
 * field; both directions by default, queue=rx|tx, status=off, the default
 * snaplen, a filter on a hub port, and the errors.
 */
#include "tests/unit/test.h"

#include "netback/net-internal.h"
#include "tests/unit/nettest.h"

static Loop *loop;
static char path[64];
static FakeBackend *be;
static FakeNic *nic;

static int setup(void **state)
{
    dev_lock();
    loop = loop_new();
    net_init(loop);
    strcpy(path, "/tmp/ferry-dump-test-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    be = fake_be_new(loop, "b0");
    nic = fake_nic_new("nic", -1);
    net_client_connect(&nic->nc, &be->nc);
    return 0;
}

static int teardown(void **state)
{
    net_reset_all();
    loop_free(loop);
    net_init(NULL);
    dev_unlock();
    unlink(path);
    return 0;
}

static int add_filter(const char *text, Error **errp)
{
    Opts *o = opts_parse("-object", text, "qom-type", errp);
    if (!o)
        return -1;
    int r = net_object_create(o, errp);
    opts_free(o);
    return r;
}

static void add_dump(const char *extra)
{
    char *text = xasprintf("filter-dump,id=f0,netdev=b0,file=%s%s", path, extra);
    Error *err = NULL;
    if (add_filter(text, &err) < 0)
        fail_msg("%s", error_get_msg(err));
    free(text);
}

typedef struct Pcap {
    uint8_t *data;
    size_t len;
    uint32_t snaplen;
    int n;
    size_t rec_at[64];
} Pcap;

static uint32_t u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t u16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

/* Reads the file and checks its structure: a global header, then records
 * whose lengths add up to the file exactly. */
static void read_pcap(Pcap *pc)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 20];
    pc->len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    pc->data = buf;
    assert_true(pc->len >= 24);
    assert_int_equal(u32(buf), 0xa1b2c3d4);    /* microsecond timestamps, our order */
    assert_int_equal(u16(buf + 4), 2);
    assert_int_equal(u16(buf + 6), 4);
    assert_int_equal(u32(buf + 8), 0);         /* thiszone */
    assert_int_equal(u32(buf + 12), 0);        /* sigfigs */
    pc->snaplen = u32(buf + 16);
    assert_int_equal(u32(buf + 20), 1);        /* LINKTYPE_ETHERNET */
    size_t at = 24;
    pc->n = 0;
    int64_t now = host_wall_ns() / 1000000000LL;
    while (at < pc->len) {
        assert_true(pc->len - at >= 16);
        uint32_t sec = u32(buf + at), usec = u32(buf + at + 4);
        uint32_t incl = u32(buf + at + 8), orig = u32(buf + at + 12);
        assert_true(sec >= now - 600 && sec <= now + 600);
        assert_true(usec < 1000000);
        assert_true(incl <= orig);
        assert_true(incl <= pc->snaplen);
        assert_true(pc->len - at - 16 >= incl);
        assert_true(pc->n < 64);
        pc->rec_at[pc->n++] = at;
        at += 16 + incl;
    }
    assert_int_equal(at, pc->len);
}

static void check_record(Pcap *pc, int i, const uint8_t *frame, size_t len)
{
    const uint8_t *r = pc->data + pc->rec_at[i];
    size_t incl = MIN(len, pc->snaplen);
    assert_int_equal(u32(r + 8), incl);
    assert_int_equal(u32(r + 12), len);
    assert_memory_equal(r + 16, frame, incl);
}

static void test_both_directions_and_maxlen(void **state)
{
    add_dump(",maxlen=100");
    uint8_t a[60], b[150], c[80];
    numbered_frame(a, 1, sizeof(a));
    numbered_frame(b, 2, sizeof(b));
    numbered_frame(c, 3, sizeof(c));
    for (size_t i = 18; i < sizeof(b); i++)
        b[i] = (uint8_t)i;
    net_send_buf(&nic->nc, a, sizeof(a), NULL, NULL);         /* guest -> backend */
    struct iovec iov[2] = {{b, 40}, {b + 40, 110}};            /* scattered */
    net_send(&nic->nc, iov, 2, NULL, NULL);
    assert_int_equal(send(be->far, c, sizeof(c), 0), (ssize_t)sizeof(c));
    run_idle(loop);                                            /* backend -> guest */
    assert_int_equal(nic->n_rx, 1);
    Pcap pc;
    read_pcap(&pc);
    assert_int_equal(pc.snaplen, 100);
    assert_int_equal(pc.n, 3);
    check_record(&pc, 0, a, sizeof(a));
    check_record(&pc, 1, b, sizeof(b)); /* cut to 100, original length kept */
    check_record(&pc, 2, c, sizeof(c));
}

static void test_queue_and_status(void **state)
{
    Error *err = NULL;
    char *rx = xasprintf("filter-dump,id=rx,netdev=b0,file=%s,queue=rx", path);
    assert_int_equal(add_filter(rx, &err), 0);
    free(rx);
    char path2[] = "/tmp/ferry-dump-test2-XXXXXX";
    int fd2 = mkstemp(path2);
    close(fd2);
    char *tx = xasprintf("filter-dump,id=tx,netdev=b0,file=%s,queue=tx", path2);
    assert_int_equal(add_filter(tx, &err), 0);
    free(tx);
    char path3[] = "/tmp/ferry-dump-test3-XXXXXX";
    int fd3 = mkstemp(path3);
    close(fd3);
    char *off = xasprintf("filter-dump,id=off,netdev=b0,file=%s,status=off", path3);
    assert_int_equal(add_filter(off, &err), 0);
    free(off);
    uint8_t a[64], c[70];
    numbered_frame(a, 1, sizeof(a));
    numbered_frame(c, 2, sizeof(c));
    net_send_buf(&nic->nc, a, sizeof(a), NULL, NULL);
    net_send_buf(&be->nc, c, sizeof(c), NULL, NULL);
    Pcap pc;
    read_pcap(&pc);
    assert_int_equal(pc.snaplen, 65536); /* the default */
    assert_int_equal(pc.n, 1);
    check_record(&pc, 0, a, sizeof(a)); /* rx: sent to the netdev */
    unlink(path);
    strcpy(path, path2);
    read_pcap(&pc);
    assert_int_equal(pc.n, 1);
    check_record(&pc, 0, c, sizeof(c)); /* tx: sent by it */
    unlink(path);
    strcpy(path, path3);
    read_pcap(&pc);
    assert_int_equal(pc.n, 0);
}

/* A TSO super-frame is recorded once, whole, as it passed. */
static void test_big_frame(void **state)
{
    add_dump("");
    static uint8_t f[65000];
    numbered_frame(f, 9, sizeof(f));
    net_send_buf(&nic->nc, f, sizeof(f), NULL, NULL);
    Pcap pc;
    read_pcap(&pc);
    assert_int_equal(pc.n, 1);
    check_record(&pc, 0, f, sizeof(f));
}

static void test_on_hubport(void **state)
{
    Error *err = NULL;
    NetClient *p0 = net_hub_port_new(1, "hp0", &err);
    NetClient *p1 = net_hub_port_new(1, "hp1", &err);
    FakeNic *n0 = fake_nic_new("n0", -1), *n1 = fake_nic_new("n1", -1);
    net_client_connect(p0, &n0->nc);
    net_client_connect(p1, &n1->nc);
    char *text = xasprintf("filter-dump,id=h,netdev=hp0,file=%s", path);
    assert_int_equal(add_filter(text, &err), 0);
    free(text);
    uint8_t a[64], b[90];
    numbered_frame(a, 1, sizeof(a));
    numbered_frame(b, 2, sizeof(b));
    net_send_buf(&n0->nc, a, sizeof(a), NULL, NULL); /* into the hub through hp0 */
    net_send_buf(&n1->nc, b, sizeof(b), NULL, NULL); /* out of the hub through hp0 */
    Pcap pc;
    read_pcap(&pc);
    assert_int_equal(pc.n, 2);
    check_record(&pc, 0, a, sizeof(a));
    check_record(&pc, 1, b, sizeof(b));
}

static void test_errors(void **state)
{
    Error *err = NULL;
    assert_int_equal(add_filter("filter-dump,id=f,netdev=nosuch,file=/tmp/x", &err), -1);
    assert_contains(error_get_msg(err), "Parameter 'netdev' expects a network backend id");
    error_free(err);
    err = NULL;
    assert_int_equal(add_filter("filter-dump,id=f,netdev=b0,file=/nonexistent/dir/x.pcap",
                                &err), -1);
    assert_contains(error_get_msg(err), "net dump: can't open /nonexistent/dir/x.pcap: ");
    error_free(err);
    err = NULL;
    add_dump("");
    char *again = xasprintf("filter-dump,id=f0,netdev=b0,file=%s", path);
    assert_int_equal(add_filter(again, &err), -1);
    free(again);
    assert_contains(error_get_msg(err), "Duplicate ID 'f0' for object");
    error_free(err);
    err = NULL;
    assert_int_equal(add_filter("filter-dump,id=g,netdev=b0,file=/tmp/x,position=head",
                                &err), -1);
    assert_contains(error_get_msg(err), "position=head is not implemented yet");
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_both_directions_and_maxlen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_on_hubport, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
