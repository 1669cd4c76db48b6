/*
 * test_fw_cfg.c — the fw_cfg device through its MMIO registers and its DMA
 * interface, as Linux's qemu_fw_cfg driver and UEFI use them: signature, ID,
 * the file directory, named files, kernel-style keys, DMA read/skip/select,
 * and guest mistakes (descriptors and buffers outside RAM, huge lengths,
 * writes) that must set the error bit or be dropped, never crash.
 */
#include "tests/unit/devtest.h"

#include "devices/fw_cfg.h"

#define BASE 0x09020000ull
#define RAM DEVTEST_RAM_BASE
#define DESC (RAM + 0x1000)
#define BUF (RAM + 0x2000)

typedef struct T {
    DevTest *d;
    FwCfg *fw;
} T;

static int setup(void **state)
{
    dev_lock();
    T *t = xzalloc(sizeof(*t));
    t->d = devtest_new();
    Error *err = NULL;
    t->fw = fw_cfg_create_mmio(t->d->root, BASE, t->d->as, &err);
    assert_non_null(t->fw);
    assert_ptr_equal(fw_cfg_find(), t->fw);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    dev_unlock();
    return 0;
}

static uint16_t bswap16_(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }
static uint32_t bswap32_(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xFF00) | (v << 8 & 0xFF0000) | v << 24;
}

/* The guest's iowrite16be(key, base + 8). */
static void select_key(T *t, uint16_t key)
{
    assert_int_equal(as_write_uint(t->d->as, BASE + 8, 2, bswap16_(key)), MEMTX_OK);
}

static void read_data(T *t, void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        assert_int_equal(as_read_uint(t->d->as, BASE, 1, &v), MEMTX_OK);
        ((uint8_t *)buf)[i] = (uint8_t)v;
    }
}

static uint8_t *ram(T *t, hwaddr addr)
{
    return mr_ram_ptr(t->d->ram) + (addr - RAM);
}

static void put_desc(T *t, hwaddr at, uint32_t control, uint32_t length, uint64_t addr)
{
    uint8_t d[16];
    for (int i = 0; i < 4; i++) {
        d[i] = (uint8_t)(control >> (24 - 8 * i));
        d[4 + i] = (uint8_t)(length >> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++)
        d[8 + i] = (uint8_t)(addr >> (56 - 8 * i));
    memcpy(ram(t, at), d, 16);
}

static uint32_t desc_control(T *t, hwaddr at)
{
    uint8_t *p = ram(t, at);
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Linux's fw_cfg_dma_transfer: two big-endian 32-bit writes, high first. */
static void kick_dma(T *t, uint64_t desc)
{
    assert_int_equal(as_write_uint(t->d->as, BASE + 0x10, 4, bswap32_((uint32_t)(desc >> 32))),
                     MEMTX_OK);
    assert_int_equal(as_write_uint(t->d->as, BASE + 0x14, 4, bswap32_((uint32_t)desc)),
                     MEMTX_OK);
}

static void test_signature_and_id(void **state)
{
    T *t = *state;
    char sig[5] = {0};
    select_key(t, FW_CFG_SIGNATURE);
    read_data(t, sig, 4);
    assert_string_equal(sig, "QEMU");
    /* A 4-byte read returns the same bytes in memory order. */
    select_key(t, FW_CFG_SIGNATURE);
    uint64_t v;
    assert_int_equal(as_read_uint(t->d->as, BASE, 4, &v), MEMTX_OK);
    uint32_t word = (uint32_t)v;
    assert_memory_equal(&word, "QEMU", 4); /* little-endian host */
    /* Past the end: zeros. */
    assert_int_equal(as_read_uint(t->d->as, BASE, 8, &v), MEMTX_OK);
    assert_int_equal(v, 0);
    select_key(t, FW_CFG_ID);
    uint8_t id[4];
    read_data(t, id, 4);
    assert_int_equal(id[0], 3); /* traditional | DMA */
    assert_int_equal(id[1] | id[2] | id[3], 0);
    /* The DMA register reads "QEMU CFG". */
    assert_int_equal(as_read_uint(t->d->as, BASE + 0x10, 8, &v), MEMTX_OK);
    assert_memory_equal(&v, "QEMU CFG", 8);
    assert_int_equal(as_read_uint(t->d->as, BASE + 0x14, 4, &v), MEMTX_OK);
    uint32_t half = (uint32_t)v;
    assert_memory_equal(&half, " CFG", 4);
    /* An unknown key reads as nothing. */
    select_key(t, 0x1F);
    assert_int_equal(as_read_uint(t->d->as, BASE, 8, &v), MEMTX_OK);
    assert_int_equal(v, 0);
}

static void test_files_and_dir(void **state)
{
    T *t = *state;
    Error *err = NULL;
    assert_int_equal(fw_cfg_add_file(t->fw, "opt/zeta", "zz", 2, &err), 0);
    assert_int_equal(fw_cfg_add_file(t->fw, "opt/alpha", "hello", 5, &err), 0);
    select_key(t, FW_CFG_FILE_DIR);
    uint8_t dir[4 + 2 * 64];
    read_data(t, dir, sizeof(dir));
    assert_int_equal(dir[3], 2); /* big-endian count */
    assert_int_equal(dir[0] | dir[1] | dir[2], 0);
    /* Sorted by name; select keys from FW_CFG_FILE_FIRST. */
    uint8_t *f0 = dir + 4, *f1 = dir + 4 + 64;
    assert_int_equal(f0[3], 5);
    assert_int_equal(f0[4] << 8 | f0[5], FW_CFG_FILE_FIRST);
    assert_string_equal((char *)f0 + 8, "opt/alpha");
    assert_int_equal(f1[3], 2);
    assert_int_equal(f1[4] << 8 | f1[5], FW_CFG_FILE_FIRST + 1);
    assert_string_equal((char *)f1 + 8, "opt/zeta");
    char buf[6] = {0};
    select_key(t, FW_CFG_FILE_FIRST);
    read_data(t, buf, 5);
    assert_string_equal(buf, "hello");
    /* Bit 14 (the old write channel) selects the same item. */
    select_key(t, FW_CFG_FILE_FIRST | FW_CFG_WRITE_CHANNEL);
    memset(buf, 0, sizeof(buf));
    read_data(t, buf, 5);
    assert_string_equal(buf, "hello");

    assert_int_equal(fw_cfg_add_file(t->fw, "opt/alpha", "x", 1, &err), -1);
    assert_contains(error_get_msg(err), "duplicate");
    error_free(err);
    err = NULL;
    char longname[80];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[79] = 0;
    assert_int_equal(fw_cfg_add_file(t->fw, longname, "x", 1, &err), -1);
    assert_contains(error_get_msg(err), "1 to 55 characters");
    error_free(err);
    err = NULL;
    for (int i = 2; i < FW_CFG_FILE_SLOTS; i++) {
        char name[32];
        snprintf(name, sizeof(name), "opt/f%02d", i);
        assert_int_equal(fw_cfg_add_file(t->fw, name, "", 0, &err), 0);
    }
    assert_int_equal(fw_cfg_add_file(t->fw, "opt/one-too-many", "", 0, &err), -1);
    assert_contains(error_get_msg(err), "no free file slot");
    error_free(err);
}

static void test_standard_keys(void **state)
{
    T *t = *state;
    fw_cfg_add_i16(t->fw, FW_CFG_NB_CPUS, 4);
    fw_cfg_add_i32(t->fw, FW_CFG_CMDLINE_SIZE, 12);
    fw_cfg_add_string(t->fw, FW_CFG_CMDLINE_DATA, "console=ttyAMA0"); /* replaced below */
    fw_cfg_add_string(t->fw, FW_CFG_CMDLINE_DATA, "root=/dev/vda");
    fw_cfg_add_i64(t->fw, FW_CFG_ARCH_LOCAL | 3, 0x1122334455667788ull);
    uint8_t b[16];
    select_key(t, FW_CFG_NB_CPUS);
    read_data(t, b, 2);
    assert_int_equal(b[0] | b[1] << 8, 4);
    select_key(t, FW_CFG_CMDLINE_DATA);
    read_data(t, b, 14);
    assert_string_equal((char *)b, "root=/dev/vda");
    select_key(t, FW_CFG_ARCH_LOCAL | 3);
    uint64_t v;
    assert_int_equal(as_read_uint(t->d->as, BASE, 8, &v), MEMTX_OK);
    assert_int_equal(v, 0x1122334455667788ull);
    select_key(t, FW_CFG_NOGRAPHIC);
    read_data(t, b, 2);
    assert_int_equal(b[0], 1);
    select_key(t, FW_CFG_UUID);
    read_data(t, b, 16);
    for (int i = 0; i < 16; i++)
        assert_int_equal(b[i], 0);
}

static void test_dma_read(void **state)
{
    T *t = *state;
    Error *err = NULL;
    uint8_t blob[300];
    for (size_t i = 0; i < sizeof(blob); i++)
        blob[i] = (uint8_t)(i * 7);
    assert_int_equal(fw_cfg_add_file(t->fw, "opt/blob", blob, sizeof(blob), &err), 0);
    uint16_t key = FW_CFG_FILE_FIRST;

    /* select + read the first 100 bytes */
    put_desc(t, DESC, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 100,
             BUF);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), 0);
    assert_memory_equal(ram(t, BUF), blob, 100);
    /* skip 50, read 50 more from the current offset */
    put_desc(t, DESC, FW_CFG_DMA_CTL_SKIP, 50, 0);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), 0);
    put_desc(t, DESC, FW_CFG_DMA_CTL_READ, 50, BUF);
    kick_dma(t, DESC);
    assert_memory_equal(ram(t, BUF), blob + 150, 50);
    /* reading past the end fills zeros */
    memset(ram(t, BUF), 0xEE, 256);
    put_desc(t, DESC, FW_CFG_DMA_CTL_READ, 200, BUF);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), 0);
    assert_memory_equal(ram(t, BUF), blob + 200, 100);
    for (int i = 100; i < 200; i++)
        assert_int_equal(ram(t, BUF)[i], 0);
    assert_int_equal(ram(t, BUF)[200], 0xEE);
    /* one 64-bit big-endian write also triggers (and the signature over DMA) */
    put_desc(t, DESC + 0x40, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
             FW_CFG_DMA_CTL_READ, 4, BUF);
    uint64_t be = 0;
    for (int i = 0; i < 8; i++)
        be |= (uint64_t)(((DESC + 0x40) >> (8 * i)) & 0xFF) << (56 - 8 * i);
    assert_int_equal(as_write_uint(t->d->as, BASE + 0x10, 8, be), MEMTX_OK);
    assert_int_equal(desc_control(t, DESC + 0x40), 0);
    assert_memory_equal(ram(t, BUF), "QEMU", 4);
    /* the file directory over DMA, as Linux reads it */
    put_desc(t, DESC, FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
             BUF);
    kick_dma(t, DESC);
    assert_int_equal(ram(t, BUF)[3], 1);
}

static void test_dma_errors(void **state)
{
    T *t = *state;
    Error *err = NULL;
    assert_int_equal(fw_cfg_add_file(t->fw, "opt/x", "0123456789", 10, &err), 0);
    uint32_t sel = (uint32_t)FW_CFG_FILE_FIRST << 16 | FW_CFG_DMA_CTL_SELECT;

    /* destination outside RAM */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_READ, 10, 0x09000000);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), FW_CFG_DMA_CTL_ERROR);
    /* destination straddling the end of RAM */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_READ, 10, RAM + DEVTEST_RAM_SIZE - 4);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), FW_CFG_DMA_CTL_ERROR);
    /* a huge length: the data fits, the zero tail leaves RAM */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_READ, 0xFFFFFFFF, BUF);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), FW_CFG_DMA_CTL_ERROR);
    /* an address that wraps the 64-bit space */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_READ, 0x100, UINT64_MAX - 0x10);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), FW_CFG_DMA_CTL_ERROR);
    /* a huge skip stops at the item's end: later reads are zeros */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_SKIP, 0xFFFFFFFF, 0);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), 0);
    memset(ram(t, BUF), 0xEE, 4);
    put_desc(t, DESC, FW_CFG_DMA_CTL_READ, 4, BUF);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), 0);
    assert_int_equal(ram(t, BUF)[0] | ram(t, BUF)[3], 0);
    /* writes: nothing is writable */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_WRITE, 4, BUF);
    kick_dma(t, DESC);
    assert_int_equal(desc_control(t, DESC), FW_CFG_DMA_CTL_ERROR);
    select_key(t, FW_CFG_FILE_FIRST);
    char c;
    read_data(t, &c, 1);
    assert_int_equal(c, '0');
    /* a descriptor outside RAM (or straddling its end) is dropped */
    kick_dma(t, 0x08000000);
    kick_dma(t, RAM + DEVTEST_RAM_SIZE - 8);
    kick_dma(t, UINT64_MAX - 3);
    /* a high-half write alone starts nothing; the register then resets */
    put_desc(t, DESC, sel | FW_CFG_DMA_CTL_READ, 1, BUF);
    assert_int_equal(as_write_uint(t->d->as, BASE + 0x10, 4, 0), MEMTX_OK);
    assert_int_equal(desc_control(t, DESC), sel | FW_CFG_DMA_CTL_READ);
    /* bad register accesses */
    uint64_t v;
    assert_int_equal(as_write_uint(t->d->as, BASE, 4, 0x12345678), MEMTX_OK);
    assert_int_equal(as_write_uint(t->d->as, BASE + 8, 4, 0), MEMTX_OK);
    assert_int_equal(as_write_uint(t->d->as, BASE + 0x11, 1, 0), MEMTX_OK);
    assert_int_equal(as_read_uint(t->d->as, BASE + 8, 2, &v), MEMTX_OK);
    assert_int_equal(v, 0);
    assert_int_equal(as_read_uint(t->d->as, BASE + 3, 1, &v), MEMTX_OK);
    assert_int_equal(v, 0);
}

static void test_user_items(void **state)
{
    T *t = *state;
    char path[] = "/tmp/ferry-fwcfg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "file-data", 9), 9);
    close(fd);
    FwCfgUserItem items[] = {
        {.name = "opt/org.example/s", .string = "text"},
        {.name = "opt/org.example/f", .file = path},
    };
    Error *err = NULL;
    assert_int_equal(fw_cfg_add_user_items(t->fw, items, 2, &err), 0);
    unlink(path);
    char buf[16] = {0};
    select_key(t, FW_CFG_FILE_FIRST); /* "f" sorts before "s" */
    read_data(t, buf, 10);
    assert_string_equal(buf, "file-data");
    memset(buf, 0, sizeof(buf));
    select_key(t, FW_CFG_FILE_FIRST + 1);
    read_data(t, buf, 5);
    assert_string_equal(buf, "text"); /* no NUL stored: the 5th byte reads 0 */
    select_key(t, FW_CFG_FILE_DIR);
    uint8_t dir[4 + 64];
    read_data(t, dir, sizeof(dir));
    assert_int_equal(dir[7], 9);

    FwCfgUserItem missing = {.name = "opt/m", .file = "/nonexistent/file"};
    assert_int_equal(fw_cfg_add_user_items(t->fw, &missing, 1, &err), -1);
    assert_contains(error_get_msg(err), "cannot read file");
    error_free(err);
    err = NULL;
    assert_int_equal(fw_cfg_add_user_items(t->fw, items, 1, &err), -1);
    assert_contains(error_get_msg(err), "duplicate");
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signature_and_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_and_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_standard_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_items, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
