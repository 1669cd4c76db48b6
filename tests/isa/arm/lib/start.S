/*
 * start.S — entry of the bare-metal A64 test programs: enable FP/SIMD at
 * EL1 (CPACR_EL1.FPEN = 0b11), set up the stack, clear .bss, call
 * main(), and leave through semihosting SYS_EXIT_EXTENDED with main's
 * return value as the status.
 */
    .section .text.start, "ax"
    .global _start
_start:
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    isb
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  bl      main
    bl      sh_exit
3:  b       3b
    .ltorg
