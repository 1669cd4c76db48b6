/*
 * undef.S — an unallocated encoding stops the run with an Undefined
 * Instruction exception (never executes, never crashes): until the system
 * level provides vectors the runner reports it and exits with status 3.
 *
 * isa-expect-exit: 3
 * isa-expect-out: Undefined Instruction exception at pc
 */
    .text
    .global main
main:
    adr     x0, msg
    mov     x1, x0
    mov     x0, #4          /* SYS_WRITE0 */
    hlt     #0xf000
    .inst   0x00000000      /* UDF #0 */
    mov     x0, #0
    ret
msg:
    .asciz  "before the undefined instruction\n"
