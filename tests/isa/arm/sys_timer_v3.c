/*
 * sys_timer_v3.c — sys_timer.c with the virt board's GICv3 (system
 * register CPU interface).
 *
 * isa-cpu: cortex-a57
 * isa-args: -M virt,gic-version=3
 */
#include "sys_timer.c"
