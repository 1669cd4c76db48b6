#!/bin/sh
# The bench harness (bench/bench.py) on canned emulator output, for make check:
# fake-emu stands in for ferry and QEMU (it prints the kit's markers and runs
# the guest command on the host), fakebin/iperf3 for iperf3. Checks that the
# report says "not yet" with ferry's own message, computes ratios the right
# way round, fails a figure whose NIC bound the wrong driver, writes a valid
# SVG, and leaves no emulator behind (also when interrupted). Speed is never
# asserted. Closes with "bench-harness: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=${PYTHON:-python3}
passed=0; failed=0
ok()  { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

if [ ! -r /proc/self/stat ] || ! command -v "$PY" >/dev/null 2>&1; then
    echo "bench-harness: skipped (needs Linux's /proc and python3)"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# unit tests of the parsing and report code
if "$PY" "$here/test_harness.py" >"$tmp/unit.log" 2>&1; then ok; else bad "test_harness.py:"; cat "$tmp/unit.log"; fi

# a kit that only has to exist
mkdir -p "$tmp/build/guests/arm64" "$tmp/build/guests/amd64"
: >"$tmp/build/guests/arm64/Image"; : >"$tmp/build/guests/arm64/initramfs.cpio.gz"
: >"$tmp/build/guests/amd64/bzImage"; : >"$tmp/build/guests/amd64/initramfs.cpio.gz"
printf "KIT_KVER=6.1.0-fake\n" >"$tmp/build/guests/arm64/kit.env"

# emu NAME VAR=VALUE...: a wrapper running fake-emu with that environment
emu() {
    name=$1; shift
    { echo '#!/bin/sh'; for v in "$@"; do printf 'export %s\n' "$v"; done
      printf 'exec "%s" "$@"\n' "$here/fake-emu"; } >"$tmp/$name"
    chmod +x "$tmp/$name"
}
emu ferry-notyet "FAKE_FAIL='ferry-system-aarch64: -cpu max: unknown CPU model for aarch64 (see -cpu help)'"
emu ferry-x86 "FAKE_MACHINES='none virt'"
emu ferry-good FAKE_BPS=5000000000
emu qemu-good FAKE_BPS=2500000000 FAKE_DRIVER=virtio-net-device=e1000:pci
export FAKE_DIR="$tmp/state"
mkdir -p "$FAKE_DIR"

bench() { # OUT ARGS...: the harness on the fakes
    out=$1; shift
    "$PY" "$top/bench/bench.py" --build "$tmp/build" --out "$out" --iperf3 "$here/fakebin/iperf3" \
        --iperf-secs 1 --idle-secs 0.5 --settle-secs 0.1 --boot-timeout 20 --backends user "$@"
}
has() { # FILE TEXT WHAT
    if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1"; fi
}
all_gone() { # WHAT: every fake emulator started so far has exited
    left=""
    for p in $(cat "$FAKE_DIR/pids" 2>/dev/null); do
        kill -0 "$p" 2>/dev/null && left="$left $p"
    done
    if [ -z "$left" ]; then ok; else bad "$1: emulators still running:$left"; kill $left 2>/dev/null; fi
}

# 1. ferry cannot boot yet; QEMU can, but its virtio-net-device guest binds e1000.
o=$tmp/o1
if bench "$o" --runs 2 --boards virt,q35 --models virtio-net-pci,virtio-net-device \
    --ferry-aarch64 "$tmp/ferry-notyet" --ferry-x86_64 "$tmp/ferry-x86" \
    --qemu-aarch64 "$tmp/qemu-good" --qemu-x86_64 "$tmp/qemu-good" >"$tmp/o1.out" 2>"$tmp/o1.err"; then ok
else bad "scenario 1: bench.py failed"; tail -20 "$tmp/o1.err"; fi
r=$o/report.md
has "$r" "| boot: start to init marker (s; lower is better) | not yet: ferry-system-aarch64: -cpu max: unknown CPU model for aarch64 (see -cpu help) [exit status 1 before init marker] |" "ferry's message"
has "$r" "| cpu: sha256 of 64 MiB (guest uptime) (s; lower is better) | not yet: ferry-system-aarch64: -cpu max" "ferry's message, cpu"
grep -E '^\| boot: start to exit after poweroff .*\| not yet: .* \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| — \| 0/1 · 2/2 \|$' "$r" >/dev/null && ok ||
    bad "QEMU's boot figure: a median with a range, no ratio, ferry tried once"
grep -E '^\| cpu: gzip of 32 MiB .*\| [0-9.]+ \([0-9.]+–[0-9.]+\) \| — \|' "$r" >/dev/null && ok || bad "QEMU's gzip figure"
has "$r" "+ user: guest→host (Gbit/s; higher is better) | not yet: ferry-system-aarch64" "net row"
grep -E '^\| net virtio-net-pci .* guest→host .*\| 2\.50 \(2\.50–2\.50\) \| — \|' "$r" >/dev/null && ok || bad "QEMU's g2h from the host iperf3 JSON"
grep -E '^\| net virtio-net-pci .* host→guest .*\| 5\.00 \(5\.00–5\.00\) \| — \|' "$r" >/dev/null && ok || bad "QEMU's h2g from the host client's JSON"
has "$r" "| failed: wrong driver: the guest bound e1000 (pci) where virtio_net (mmio) was expected |" "silent fallback fails the figure"
has "$r" "| virtio-net-device/user | virtio_net (mmio) | (did not get that far) | e1000 (pci) |" "drivers table"
grep -E '^\| idle: host CPU time over 0.5 s .*\| [0-9.]+ \(' "$r" >/dev/null && ok || bad "QEMU's idle figure"
grep -E '^\| memory: peak RSS, boot and poweroff .*\| [0-9.]+ \(' "$r" >/dev/null && ok || bad "QEMU's memory figure"
has "$r" "**not yet:** fake-emu: -machine q35: unsupported machine type 'q35' [exit status 1 before init marker] (QEMU is measured on q35 once ferry has the machine)" "q35 not yet"
has "$r" "EMU -M virt -cpu max -smp 2 -m 1G -nographic -no-reboot -kernel " "command line recorded"
grep -E '^\|.*[0-9]× \|' "$r" >/dev/null && bad "no ratio when ferry has no number" || ok
has "$tmp/o1.out" "== virt (aarch64) ==" "the table printed"
"$PY" -c "import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])" "$o/ratios.svg" && ok || bad "ratios.svg is not XML"
has "$o/ratios.svg" "ferry: not yet" "chart shows not yet"
"$PY" -c "
import json, sys
r = json.load(open(sys.argv[1]))
f = [x for b in r['boards'] for x in b['figures']]
assert f and all(x['ferry']['state'] != 'ok' and not x['ferry']['samples'] for x in f)
" "$o/results.json" && ok || bad "results.json: ferry must have no samples"
all_gone "scenario 1"

# 2. Both boot: ratios appear, the right way round (fake throughput 5 vs 2.5 Gbit/s).
o=$tmp/o2
if bench "$o" --runs 1 --boards virt --models virtio-net-pci \
    --ferry-aarch64 "$tmp/ferry-good" --qemu-aarch64 "$tmp/qemu-good" >/dev/null 2>"$tmp/o2.err"; then ok
else bad "scenario 2: bench.py failed"; tail -20 "$tmp/o2.err"; fi
grep -E '^\| net virtio-net-pci .* guest→host .*\| 5\.00 \| 2\.50 \| 2\.00× \|' "$o/report.md" >/dev/null && ok ||
    bad "throughput ratio ferry/QEMU"
grep -E '^\| boot: start to init marker .*\| [0-9.]+ \| [0-9.]+ \| [0-9.]+× \| 1/1 · 1/1 \|$' "$o/report.md" >/dev/null && ok ||
    bad "boot ratio"
grep -E '^\| memory: peak RSS, iperf3 on virtio-net-pci/user .*\| [0-9.]+ \| [0-9.]+ \| [0-9.]+× \|' "$o/report.md" >/dev/null && ok ||
    bad "memory ratio"
has "$o/ratios.svg" 'fill="#2e9e4f"' "a green bar"
cp "$o/report.md" "$tmp/before.md"
"$PY" "$top/bench/bench.py" --out "$o" --report-only >/dev/null 2>&1 && cmp -s "$o/report.md" "$tmp/before.md" && ok ||
    bad "--report-only rewrites the same report from results.json"
all_gone "scenario 2"

# 3. Interrupted while a guest idles: the emulator goes too.
rm -f "$FAKE_DIR"/idle-*
# (python3 itself in the background, not a subshell around it: the signal is for it)
"$PY" "$top/bench/bench.py" --build "$tmp/build" --out "$tmp/o3" --iperf3 "$here/fakebin/iperf3" \
    --iperf-secs 1 --idle-secs 60 --settle-secs 0.1 --boot-timeout 20 --backends user \
    --runs 1 --boards virt --models virtio-net-pci \
    --ferry-aarch64 "$tmp/ferry-good" --qemu-aarch64 "$tmp/qemu-good" >/dev/null 2>&1 &
bp=$!
i=0
while [ $i -lt 300 ] && ! ls "$FAKE_DIR"/idle-* >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 300 ] && ok || bad "scenario 3: no guest went idle"
sleep 0.3
kill -TERM $bp 2>/dev/null
st=0; wait $bp || st=$?
[ "$st" = 143 ] && ok || bad "interrupted bench.py exits 143 (got $st)"
all_gone "after SIGTERM"

echo "bench-harness: $passed passed, $failed failed"
[ $failed -eq 0 ]
