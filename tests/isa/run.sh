#!/bin/sh
# Runs the bare-metal ISA test programs on ferry's runner, on each code
# generator, and prints one line per run and a summary.
#
#   sh tests/isa/run.sh RUNNER PROGRAM.elf...
#
# A program's source (tests/isa/arm/NAME.c or .S) may say which CPU model
# it needs with a line containing "isa-cpu: MODEL" (default cortex-a57)
# and extra runner arguments with "isa-args: ...". A program passes when
# it exits 0 and prints a line starting with "PASS", or, when its source
# says "isa-expect-exit: N", when it exits N and its output contains the
# text of "isa-expect-out: TEXT".
runner=$1; shift
passed=0; failed=0
for elf in "$@"; do
    name=$(basename "$elf" .elf)
    src=$(ls tests/isa/arm/"$name".c tests/isa/arm/"$name".S 2>/dev/null | head -n 1)
    cpu=$(sed -n 's/.*isa-cpu: *\([a-z0-9-]*\).*/\1/p' "$src" | head -n 1)
    args=$(sed -n 's/.*isa-args: *\(.*\)$/\1/p' "$src" | head -n 1)
    want_rc=$(sed -n 's/.*isa-expect-exit: *\([0-9]*\).*/\1/p' "$src" | head -n 1)
    want_out=$(sed -n 's/.*isa-expect-out: *\(.*\)$/\1/p' "$src" | head -n 1)
    for accel in native interp; do
        out=$("$runner" -accel $accel -cpu "${cpu:-cortex-a57}" -timeout 120 $args "$elf" 2>&1)
        rc=$?
        if [ -n "$want_rc" ]; then
            if [ $rc -eq "$want_rc" ] && printf '%s\n' "$out" | grep -qF "$want_out"; then
                passed=$((passed + 1))
                echo "[$accel] PASS $name: exit $rc, \"$want_out\""
            else
                failed=$((failed + 1))
                printf '%s\n' "$out" | sed "s/^/[$accel] /"
                echo "[$accel] $name: FAILED (exit $rc, expected $want_rc and \"$want_out\")"
            fi
        elif [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^PASS'; then
            passed=$((passed + 1))
            printf '%s\n' "$out" | grep '^PASS' | sed "s/^/[$accel] /"
        else
            failed=$((failed + 1))
            printf '%s\n' "$out" | sed "s/^/[$accel] /"
            echo "[$accel] $name: FAILED (exit $rc)"
        fi
    done
done
echo "isa: $passed passed, $failed failed"
[ $failed -eq 0 ]
