/*
 * exitcode.c — the semihosting exit status becomes the runner's (and the
 * virt board's) exit status: SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit
 * and subcode 7.
 *
 * isa-expect-exit: 7
 * isa-expect-out: exiting with 7
 */
#include "lib/test.h"

int main(void)
{
    sh_write0("exiting with 7\n");
    uint64_t block[2] = { 0x20026, 7 };
    sh_call(0x18, block);
    return 0;   /* not reached */
}
