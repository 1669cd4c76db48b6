/*
 * sys_psci_v3.c — sys_psci.c with the virt board's GICv3 (SGIs through
 * ICC_SGI1R_EL1) and four CPUs.
 *
 * isa-cpu: cortex-a57
 * isa-args: -M virt,gic-version=3 -smp 4
 */
#include "sys_psci.c"
