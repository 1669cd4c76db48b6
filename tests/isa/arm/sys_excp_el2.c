/*
 * sys_excp_el2.c — sys_excp.c's checks at EL2 (a CPU with EL2, no EL3).
 *
 * isa-cpu: cortex-a57
 * isa-args: -el 2
 */
#include "sys_excp.c"
