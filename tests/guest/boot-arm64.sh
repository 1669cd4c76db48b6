#!/bin/sh
# boot-arm64.sh — `make check-boot`: Debian's arm64 kernel and the kit's
# initramfs (make guests) boot on ferry's -M virt to the kit's init, with
# the CPU models, CPU counts and GIC versions below; each boot must report
# `FERRY-MARK init`, `FERRY-MARK cpus online=N` for its -smp N, reach
# `FERRY-MARK poweroff` and exit 0 (PSCI SYSTEM_OFF). Runs through the
# kit's boot.sh (tests/guest/kit/boot.sh), each bounded by a timeout.
#
#   sh tests/guest/boot-arm64.sh            (FERRY=build/ferry BUILD=build)
#
# When this ferry cannot build the virt board yet (a piece another issue
# provides still says "is not implemented yet"), the boots are skipped
# with that message and the status is 0, unless FERRY_BOOT_STRICT=1. When
# its CPUs lack FP/AdvSIMD (the userland's string functions use them),
# each boot must get as far as the kernel starting init.
# Prints one line per boot with its wall times, and a summary.
set -u
FERRY=${FERRY:-build/ferry}
BUILD=${BUILD:-build}
TIMEOUT=${BOOT_TIMEOUT:-180}
kit=$BUILD/guests/arm64
here=$(dirname "$0")

if [ ! -f "$kit/Image" ] || [ ! -f "$kit/initramfs.cpio.gz" ]; then
    echo "check-boot: the arm64 kit is missing ($kit): run 'make guests'"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Can this build make the whole board? (dumpdtb builds every piece, then exits)
probe=$("$FERRY" -M virt,dumpdtb="$tmp/probe.dtb" -nographic -monitor none 2>&1)
if printf '%s' "$probe" | grep -q "is not implemented yet"; then
    msg=$(printf '%s' "$probe" | grep "is not implemented yet" | head -n 1)
    if [ "${FERRY_BOOT_STRICT:-0}" = 1 ]; then
        echo "check-boot: FAILED: the virt board cannot be built: $msg"
        exit 1
    fi
    echo "check-boot: SKIPPED: the virt board cannot be built yet ($msg)"
    exit 0
fi

# Userland (busybox, glibc) needs FP/SIMD: without it (this build's CPU
# models advertise FP/AdvSIMD they do not implement) the milestone is the
# kernel starting init: "Run /init as init process" on the console.
"$FERRY" -M virt,dumpdtb="$tmp/probe.dtb" -d unimp -D "$tmp/unimp.log" -nographic -monitor none \
    >/dev/null 2>&1
kernel_only=0
if grep -q "feature asimd is advertised by the model but not implemented" "$tmp/unimp.log" 2>/dev/null; then
    kernel_only=1
    echo "check-boot: this build has no AdvSIMD/FP: the userland cannot run; checking that the kernel starts init"
fi

passed=0 failed=0
# cpu smp gic [extra machine keys]
for c in "cortex-a57 1 2" "cortex-a57 2 3" "max 2 2" "max 1 3" "cortex-a57 2 3 virtualization=on"; do
    set -- $c
    cpu=$1 smp=$2 gic=$3 extra=${4:-}
    machine="virt,gic-version=$gic${extra:+,$extra}"
    name="-M $machine -cpu $cpu -smp $smp"
    log=$tmp/console.log
    marks=$(sh "$here/kit/boot.sh" -q -e "$FERRY" -M "$machine" -c "$cpu" -s "$smp" -t "$TIMEOUT" \
            -l "$log" arm64)
    status=$?
    host=$(printf '%s\n' "$marks" | grep '^FERRY-HOST' | tail -n 1)
    why=""
    if [ $kernel_only = 1 ]; then
        if tr -d '\r' <"$log" | grep -a -q 'Run /init as init process'; then
            passed=$((passed + 1))
            echo "check-boot: ok   $name: the kernel started init (uptime $(tr -d '\r' <"$log" |
                grep -a 'Run /init' | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | head -n 1) s);" \
                "init then needs AdvSIMD: $(tr -d '\r' <"$log" | grep -a -o 'Kernel panic.*' | head -n 1)"
        else
            failed=$((failed + 1))
            echo "check-boot: FAIL $name: the kernel did not start init (status $status)"
            tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /'
        fi
        continue
    fi
    printf '%s\n' "$marks" | grep -q '^FERRY-MARK init ' || why="no init marker"
    [ -z "$why" ] && ! printf '%s\n' "$marks" | grep -q "^FERRY-MARK cpus online=$smp\$" &&
        why="not $smp CPUs online ($(printf '%s\n' "$marks" | grep '^FERRY-MARK cpus' | head -n 1))"
    [ -z "$why" ] && ! printf '%s\n' "$marks" | grep -q '^FERRY-MARK poweroff ' && why="no poweroff marker"
    [ -z "$why" ] && [ "$status" -ne 0 ] && why="exit status $status"
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        echo "check-boot: ok   $name: ${host#FERRY-HOST boot }"
    else
        failed=$((failed + 1))
        echo "check-boot: FAIL $name: $why (status $status; ${host#FERRY-HOST boot })"
        # where did it stop?
        tr -d '\r' <"$log" | grep -a -E 'Run /init|Kernel panic|Unable to handle|Internal error|not implemented' |
            head -n 5 | sed 's/^/    /'
        tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /'
    fi
done
echo "check-boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
