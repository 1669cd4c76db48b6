#!/bin/sh
# The virt board's device tree against QEMU 7.2's, by hand (needs
# qemu-system-aarch64 from `sh scripts/deps.sh bench` and dtc from
# device-tree-compiler). For each configuration below, QEMU dumps its tree
# (-machine dumpdtb=) and tests/unit/test_virt writes ours (its
# oracle_cases table has the same names and options); both are decompiled
# with dtc and must be identical text: same nodes, properties, values,
# phandles and order. dtb-randomness=off leaves out the random seeds.
#
#   make build/tests/unit/test_virt && sh tests/oracle/virt-dtb.sh
set -e
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
out=$(mktemp -d /tmp/ferry-virt-dtb.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/qemu" "$out/ferry"
command -v "$QEMU" >/dev/null || { echo "virt-dtb: $QEMU not found"; exit 2; }
command -v dtc >/dev/null || { echo "virt-dtb: dtc not found (device-tree-compiler)"; exit 2; }

head -c 1000 /dev/zero > "$out/kernel"   # QEMU loads any file as a raw Image
printf 'initrd' > "$out/initrd"          # 6 bytes, as the unit test assumes

# name | -machine options | other QEMU options (same as test_virt.c)
cases='default||-m 1G
gic3|gic-version=3|-m 1G
gic3-smp4-kernel|gic-version=3|-smp 4 -m 2G -kernel KERNEL -initrd INITRD
gic2-smp8-virt|virtualization=on|-smp 8 -m 1G
gic3-noits-hmoff|gic-version=3,its=off,highmem=off|-m 3G
gic3-smp200|gic-version=3|-smp 200 -m 1G
secure|secure=on|-m 1G
secure-virt-kernel|secure=on,virtualization=on,gic-version=3|-smp 2 -m 1G -kernel KERNEL
topology|gic-version=3|-smp 8,sockets=2,cores=2,threads=2 -m 1G'

FERRY_DTB_DUMP_DIR="$out/ferry" "$BUILD/tests/unit/test_virt" >/dev/null 2>&1

echo "$cases" | while IFS='|' read -r name mopts rest; do
    args=$(echo "$rest" | sed "s|KERNEL|$out/kernel|; s|INITRD|$out/initrd|")
    m="virt${mopts:+,$mopts},dtb-randomness=off,dumpdtb=$out/qemu/$name.dtb"
    if [ "$name" = gic3-smp4-kernel ]; then
        # shellcheck disable=SC2086
        "$QEMU" -nographic -cpu cortex-a57 -M "$m" $args \
            -append "console=ttyAMA0 root=/dev/vda" >/dev/null 2>&1
    else
        # shellcheck disable=SC2086
        "$QEMU" -nographic -cpu cortex-a57 -M "$m" $args >/dev/null 2>&1
    fi
    dtc -q -I dtb -O dts "$out/qemu/$name.dtb" > "$out/qemu/$name.dts"
    dtc -q -I dtb -O dts "$out/ferry/$name.dtb" > "$out/ferry/$name.dts"
    if diff -u "$out/qemu/$name.dts" "$out/ferry/$name.dts" > "$out/$name.diff"; then
        echo "same: $name ($(grep -c '{$' "$out/qemu/$name.dts") nodes)"
    else
        echo "DIFFERENT: $name"; sed 's/^/    /' "$out/$name.diff" | head -40
        echo fail >> "$out/failed"
    fi
done
if [ -f "$out/failed" ]; then echo "virt-dtb: $(wc -l < "$out/failed") differ"; exit 1; fi
echo "virt-dtb: all identical to $($QEMU --version | head -1)"
