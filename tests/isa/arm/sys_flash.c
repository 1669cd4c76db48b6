/*
 * sys_flash.c — the virt board's second flash bank (CFI NOR flash at
 * 0x04000000, two x16 chips on a 32-bit bus, 256 KiB blocks) as the CPU
 * sees it, each command followed in the same block of code by the read
 * that answers it: the CFI query ('QRY', the Intel/Sharp command set),
 * the status register (ready), read array giving the storage back, a
 * block erase and a buffered program (UEFI's NOR flash driver's
 * sequence: setup, the buffer-available status, count - 1, the words,
 * confirm), and programming that only clears bits. The bank is left in
 * read-array mode.
 *
 * Expected values: Intel AP-646 / JEDEC JESD68.01 (the query structure at
 * chip addresses 0x10..), the Intel StrataFlash status register (SR.7 =
 * ready); the chips answer in both 16-bit lanes of a 32-bit read; "a
 * program operation can only change 1s to 0s" (the J3/P30 datasheets).
 * QEMU 7.2's flash writes a word program's value as it is (0 bits become
 * 1): check-isa-qemu shows those two differences, and only those.
 *
 * isa-cpu: cortex-a57
 * isa-args: -M virt
 */
#include "lib/sys.h"

#define FLASH1 0x04000000ul
#define BLOCK (256ul * 1024)
#define DUAL(c) ((uint32_t)(c) << 16 | (uint32_t)(c))

/* A command to chip address a and the 32-bit read at chip address b, with
 * nothing between them (one block of code). */
static uint32_t cmd_read(uint64_t a, uint32_t cmd, uint64_t b)
{
    uint32_t v;
    asm volatile("str %w1, [%2]\n"
                 "ldr %w0, [%3]\n"
                 : "=&r"(v) : "r"(cmd), "r"(FLASH1 + a * 4), "r"(FLASH1 + b * 4) : "memory");
    return v;
}

static void cmd(uint64_t a, uint32_t c)
{
    mmio_w32(FLASH1 + a * 4, DUAL(c));
}

int main(void)
{
    install_vectors();

    /* The CFI query, and read array again. */
    CHECK(cmd_read(0x55, DUAL(0x98), 0x10), DUAL('Q'));
    CHECK(mmio_r32(FLASH1 + 0x11 * 4), DUAL('R'));
    CHECK(mmio_r32(FLASH1 + 0x12 * 4), DUAL('Y'));
    CHECK(mmio_r32(FLASH1 + 0x13 * 4), DUAL(0x01));         /* Intel/Sharp command set */
    CHECK(mmio_r32(FLASH1 + 0x14 * 4), DUAL(0x00));
    uint64_t target = FLASH1 + 3 * BLOCK + 0x100;
    uint32_t before = *(volatile uint32_t *)target;
    CHECK(cmd_read(0, DUAL(0xff), (target - FLASH1) / 4), before);

    /* Status: ready. */
    CHECK(cmd_read(0, DUAL(0x70), 0), DUAL(0x80));

    /* Erase block 3: the status says ready without error, the block reads
     * all ones. */
    cmd(3 * BLOCK / 4, 0x20);
    CHECK(cmd_read(3 * BLOCK / 4, DUAL(0xd0), 0) & DUAL(0xb0), DUAL(0x80));
    CHECK(cmd_read(0, DUAL(0xff), (target - FLASH1) / 4), 0xffffffff);

    /* Buffered program of 8 words at target (a 128-byte boundary). */
    CHECK(cmd_read((target - FLASH1) / 4, DUAL(0xe8), (target - FLASH1) / 4) & DUAL(0x80),
          DUAL(0x80));
    mmio_w32(target, DUAL(7));
    for (unsigned i = 0; i < 8; i++)
        mmio_w32(target + 4 * i, 0x5a000000u | i);
    CHECK(cmd_read(0, DUAL(0xd0), 0) & DUAL(0xb0), DUAL(0x80));
    CHECK(cmd_read(0, DUAL(0xff), (target - FLASH1) / 4), 0x5a000000u);
    for (unsigned i = 0; i < 8; i++)
        CHECK(mmio_r32(target + 4 * i), 0x5a000000u | i);
    CHECK(mmio_r32(target + 32), 0xffffffff);

    /* Word program clears bits only. */
    cmd((target - FLASH1) / 4, 0x40);
    mmio_w32(target, 0x0000ffff);
    CHECK(cmd_read(0, DUAL(0xff), (target - FLASH1) / 4), 0x00000000u);
    cmd((target - FLASH1) / 4 + 1, 0x40);
    mmio_w32(target + 4, 0xffff00ff);
    cmd(0, 0xff);
    CHECK(mmio_r32(target + 4), 0x5a000001u & 0xffff00ffu);

    return test_summary("sys_flash");
}
