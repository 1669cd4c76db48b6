/*
 * sys_excp_el3.c — sys_excp.c's checks at EL3 (a CPU with EL2 and EL3).
 *
 * isa-cpu: cortex-a57
 * isa-args: -el 3
 */
#include "sys_excp.c"
