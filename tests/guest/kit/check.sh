#!/bin/sh
# Checks the guest kits that `make guests` built: each kit has its kernel, an
# initramfs holding /init, busybox, iperf3 with its loader, modules.dep and
# every NIC module from modules.list (or the kernel has it built in), and a
# second build changes nothing. Closes with "kit: N passed, N failed".
set -u
BUILD=${BUILD:-build}
passed=0; failed=0
ok()  { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

for arch in arm64 amd64; do
    k=$BUILD/guests/$arch
    case $arch in arm64) kernel=$k/Image ;; amd64) kernel=$k/bzImage ;; esac
    [ -s "$kernel" ] && ok || bad "$arch: no kernel at $kernel"
    [ -s "$k/initramfs.cpio.gz" ] && ok || { bad "$arch: no initramfs"; continue; }
    list=$(gzip -dc "$k/initramfs.cpio.gz" | cpio -t --quiet 2>/dev/null)
    for f in init usr/bin/busybox usr/bin/iperf3; do
        printf '%s\n' "$list" | grep -qx "$f" && ok || bad "$arch: initramfs lacks /$f"
    done
    printf '%s\n' "$list" | grep -Eq '^(usr/)?lib/modules/.*/modules.dep$' && ok ||
        bad "$arch: initramfs lacks modules.dep"
    printf '%s\n' "$list" | grep -q 'ld-linux' && ok || bad "$arch: no dynamic loader"
    for m in virtio_net e1000 e1000e 8139too 8139cp ne2k-pci pcnet32 e100 tulip vmxnet3; do
        if printf '%s\n' "$list" | grep -q "/$m\.ko$"; then ok
        elif grep -q "^builtin .*$m" "$k/manifest" 2>/dev/null; then ok
        else bad "$arch: module $m neither in the initramfs nor built in"; fi
    done
done

# A second build must be a no-op: no file in the kits changes.
before=$(find "$BUILD/guests/arm64" "$BUILD/guests/amd64" -type f -exec ls -l --time-style=+%s.%N {} + | sort)
out=$(BUILD=$BUILD sh tests/guest/kit/build.sh 2>&1)
after=$(find "$BUILD/guests/arm64" "$BUILD/guests/amd64" -type f -exec ls -l --time-style=+%s.%N {} + | sort)
if [ "$before" = "$after" ]; then ok; else bad "a second make guests changed the kits"; printf '%s\n' "$out" | tail -5; fi

echo "kit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
