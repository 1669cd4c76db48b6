#!/bin/sh
# Cross-checks fpu/ against an Arm implementation: random cases (operands
# rich in edge values, random FPCR RMode/FZ/DN/FZ16) run as real A64
# instructions by fpu_qemu_guest — under qemu-aarch64-static, or natively on
# an AArch64 host — and through fpu/ by fpu_qemu_check, which compares
# results, FPSR cumulative flags and FCMP's NZCV.
#
#   tests/fuzz/fpu-vs-qemu.sh [N [SEED]]      (default 200000 cases)
#
# Needs aarch64-linux-gnu-gcc with libc6-dev-arm64-cross, and qemu-user-static
# (all three: scripts/deps.sh cross).
# QEMU is an oracle here, not an authority: where it and the Arm ARM
# pseudocode disagree, the pseudocode decides (see fpu/README.md).
set -e
N=${1:-200000}
SEED=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${BUILD:-$root/build}/fuzz
mkdir -p "$out"
aarch64-linux-gnu-gcc -O2 -static -march=armv8.2-a+fp16 -I"$root/tests/fuzz" \
    -o "$out/fpu_qemu_guest" "$root/tests/fuzz/fpu_qemu_guest.c"
${CC:-cc} -O2 -std=gnu11 -D_GNU_SOURCE -I"$root" -I"$root/tests/fuzz" \
    -o "$out/fpu_qemu_check" "$root/tests/fuzz/fpu_qemu_check.c" "$root"/fpu/*.c -lm
"$out/fpu_qemu_check" gen "$N" "$SEED" > "$out/fpu_cases.bin"
if [ "$(uname -m)" = aarch64 ]; then
    "$out/fpu_qemu_guest" < "$out/fpu_cases.bin" > "$out/fpu_results.bin"
else
    qemu-aarch64-static -cpu max "$out/fpu_qemu_guest" < "$out/fpu_cases.bin" > "$out/fpu_results.bin"
fi
"$out/fpu_qemu_check" cmp "$out/fpu_cases.bin" "$out/fpu_results.bin"
