/*
 * semihosting.h — Arm semihosting (the HLT #0xF000 calls bare-metal
 * programs use for console, files, time, exit), for the A64 frontend.
 * Enabled machine-wide by -semihosting / -semihosting-config enable=on
 * (arm_semihosting_enabled in cpu.h).
 */
#ifndef FERRY_TARGET_ARM_SEMIHOSTING_H
#define FERRY_TARGET_ARM_SEMIHOSTING_H

#include "target/arm/cpu.h"

typedef struct ArmSemihostConfig {
    const char *cmdline;        /* SYS_GET_CMDLINE (from -append, or the kernel name) */
    uint64_t heap_base, heap_limit;   /* SYS_HEAPINFO (from the RAM layout) */
    uint64_t stack_base, stack_limit;
    int console_in_fd;          /* ":tt" reads (default 0) */
    int console_out_fd;         /* ":tt" writes, SYS_WRITEC/WRITE0 (default 1) */
} ArmSemihostConfig;

/* Set the configuration (copied; the strings must outlive the run). */
void arm_semihosting_configure(const ArmSemihostConfig *cfg);

/* The call itself: operation in W0, parameter in X1, result to X0.
 * Returns with X0 set, or ends the run (SYS_EXIT). ra: the helper's
 * return address (for exact state on exit). */
void arm_semihosting_call(CPUARMState *env, uintptr_t ra);

/* Semihosting operation numbers (Arm semihosting specification v2). */
enum {
    SH_SYS_OPEN = 0x01,
    SH_SYS_CLOSE = 0x02,
    SH_SYS_WRITEC = 0x03,
    SH_SYS_WRITE0 = 0x04,
    SH_SYS_WRITE = 0x05,
    SH_SYS_READ = 0x06,
    SH_SYS_READC = 0x07,
    SH_SYS_ISERROR = 0x08,
    SH_SYS_ISTTY = 0x09,
    SH_SYS_SEEK = 0x0a,
    SH_SYS_FLEN = 0x0c,
    SH_SYS_TMPNAM = 0x0d,
    SH_SYS_REMOVE = 0x0e,
    SH_SYS_RENAME = 0x0f,
    SH_SYS_CLOCK = 0x10,
    SH_SYS_TIME = 0x11,
    SH_SYS_SYSTEM = 0x12,
    SH_SYS_ERRNO = 0x13,
    SH_SYS_GET_CMDLINE = 0x15,
    SH_SYS_HEAPINFO = 0x16,
    SH_SYS_EXIT = 0x18,
    SH_SYS_EXIT_EXTENDED = 0x20,
    SH_SYS_ELAPSED = 0x30,
    SH_SYS_TICKFREQ = 0x31,
};

#define ADP_Stopped_ApplicationExit 0x20026

#endif
