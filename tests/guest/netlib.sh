# shellcheck shell=sh disable=SC2154 # here and logs are the caller's
# netlib.sh — what the guest network tests share (net-arm64.sh,
# net-user-arm64.sh: `make check-net`). Sourced, not run:
#
#   here=$(cd "$(dirname "$0")" && pwd)
#   logs=...                       # this script's log directory
#   . "$here/netlib.sh"
#   net_setup iperf3 tshark        # checks the kit, ferry and these host tools
#
# Every check prints one line, "$label: ok   NAME (...)", "$label: FAIL
# NAME: why" with the tail of that boot's console, or "$label: SKIPPED
# NAME: why" when the host cannot offer what the check needs; net_summary
# closes the run. Host servers started through $pids and the running boot
# are stopped on exit. Variables: FERRY, BUILD, PYTHON, NET_BOOT_TIMEOUT,
# NET_LABEL (see tests/guest/README.md).
FERRY=${FERRY:-build/ferry}
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-python3}
TIMEOUT=${NET_BOOT_TIMEOUT:-300}
# With an ASan ferry: memory errors count, leaks at exit do not (they are
# the command line's, not the network's).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export ASAN_OPTIONS
kit=$BUILD/guests/arm64
label=${NET_LABEL:-check-net}   # the first word of every line printed
tool() { "$PYTHON" "$here/nettool.py" "$@"; }

# net_setup HOST-TOOL...: the kit, the emulator and the host tools exist;
# the log directory holds no file of the last run; cleanup on exit.
net_setup() {
    for f in "$kit/Image" "$kit/initramfs.cpio.gz"; do
        [ -f "$f" ] || { echo "$label: $f is missing: run 'make guests'"; exit 1; }
    done
    [ -x "$FERRY" ] || { echo "$label: no emulator at $FERRY: run 'make'"; exit 1; }
    for t in "$PYTHON" "$@"; do
        command -v "$t" >/dev/null 2>&1 ||
            { echo "$label: '$t' is missing on the host: run 'sh scripts/deps.sh net'"; exit 1; }
    done
    mkdir -p "$logs"
    # the last run's files (only files, only here: the directory may be any
    # directory, and net-user-arm64.sh keeps its own in user/ under net-arm64.sh's)
    find "$logs" -maxdepth 1 -type f -exec rm -f {} +
    trap net_cleanup EXIT
    trap 'exit 130' INT TERM
}
pids=""
boot_pid=""
net_cleanup() {
    for p in $pids $boot_pid; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}

passed=0 failed=0 skipped=0
ok() { # NAME [INFO...]
    passed=$((passed + 1))
    n=$1; shift
    echo "$label: ok   $n${1:+ ($*)}"
}
# fail NAME WHY...: with the tail of the current boot's console ($con)
fail() {
    failed=$((failed + 1))
    n=$1; shift
    echo "$label: FAIL $n: $*"
    if [ -n "${con:-}" ] && [ -f "$con" ]; then
        echo "    console ($con), last lines:"
        tr -d '\r' <"$con" | tail -n 25 | sed 's/^/    | /'
    fi
}
# skip NAME WHY...: the host lacks what the check needs (never a pass)
skip() {
    skipped=$((skipped + 1))
    n=$1; shift
    echo "$label: SKIPPED $n: $*"
}
# net_summary: the last line; the status of the run
net_summary() {
    con=""
    s=""
    [ "$skipped" -gt 0 ] && s=", $skipped skipped"
    echo "$label: $passed passed, $failed failed$s (logs in $logs)"
    [ "$failed" -eq 0 ]
}

token() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# has_mark FILE EVENT KEY=VALUE...: one FERRY-MARK EVENT line of FILE holds
# every KEY=VALUE given (markers are matched by key, never by position).
has_mark() {
    f=$1 ev=$2; shift 2
    awk -v ev="$ev" -v want="$*" '
        $1 == "FERRY-MARK" && $2 == ev {
            n = split(want, w, " "); hit = 1
            for (i = 1; i <= n; i++) {
                found = 0
                for (j = 3; j <= NF; j++) if ($j == w[i]) found = 1
                if (!found) hit = 0
            }
            if (hit) ok = 1
        }
        END { exit !ok }' "$f"
}
mark_line() { grep "^FERRY-MARK $2 " "$1" | head -n 1; }

# console FILE: the console without carriage returns
console() { tr -d '\r' <"$1"; }

# start_boot NAME "KERNEL PARAMS" EMULATOR-ARGS...: boots the kit in the
# background; $con is its console, $marks its markers, $boot_pid boot.sh.
# Servers a check starts in the background go into $pids (start them with
# "$PYTHON" ... &, not through a shell function, so that $! is the server).
start_boot() {
    name=$1 params=$2; shift 2
    # Linux keeps 2047 bytes of command line; boot.sh adds about 60.
    if [ ${#params} -gt 1950 ]; then
        echo "$label: boot '$name': ${#params} bytes of kernel parameters, more than the" \
            "kernel keeps: shorten its guest script"
        exit 1
    fi
    con=$logs/$name.console marks=$logs/$name.marks
    : >"$con"
    sh "$here/kit/boot.sh" -q -e "$FERRY" -c max -t "$TIMEOUT" -l "$con" \
        -a "ferry.net=dhcp $params" arm64 -- "$@" >"$marks" 2>&1 &
    boot_pid=$!
}
# wait_boot: waits for it; $boot_status is boot.sh's status (124: timed out).
# An emulator built with sanitizers (FERRY=build/asan/ferry) that reported
# an error fails the boot's "sanitizers" check.
wait_boot() {
    boot_status=0
    wait "$boot_pid" || boot_status=$?
    boot_pid=""
    [ "$boot_status" = 124 ] &&
        echo "$label: note: boot '$name' timed out after ${TIMEOUT}s and was stopped"
    if grep -a -q -E 'ERROR: AddressSanitizer|runtime error: ' "$con" 2>/dev/null; then
        fail "$name: sanitizers" "$(tr -d '\r' <"$con" | grep -a -m 1 -E 'ERROR: AddressSanitizer|runtime error: ')"
    fi
    return 0
}
# wait_console TEXT: until the console holds TEXT (true) or the boot ended (false)
wait_console() {
    while kill -0 "$boot_pid" 2>/dev/null; do
        grep -q "$1" "$con" 2>/dev/null && return 0
        sleep 0.2
    done
    grep -q "$1" "$con" 2>/dev/null
}

# start_iperf NAME [ADDR]: an iperf3 server for one test (-1) on a free port
# of ADDR (default 127.0.0.1), JSON to $logs/NAME.json; sets $iperf_port.
# Tries three ports.
start_iperf() {
    for _ in 1 2 3; do
        iperf_port=$(tool ports 1)
        rm -f "$logs/$1.json"
        iperf3 -s -1 -J -B "${2:-127.0.0.1}" -p "$iperf_port" --logfile "$logs/$1.json" \
            >"$logs/$1.err" 2>&1 &
        p=$!
        pids="$pids $p"
        if tool waitlisten "$iperf_port" 10 "${2:-127.0.0.1}" && kill -0 "$p" 2>/dev/null; then
            return 0
        fi
        kill "$p" 2>/dev/null
    done
    echo "$label: could not start an iperf3 server: $(cat "$logs/$1.err")"
    exit 1
}

# cmd_param: the guest script on stdin as the kit's ferry.cmd64= parameter
cmd_param() { sh "$here/kit/encode-cmd.sh" -b; }

# Guest steps print "NETTEST step=NAME start", their output, then
# "NETTEST step=NAME rc=N".
# step_rc STEP: the guest's exit status of a step ("none" if it never ended)
step_rc() {
    r=$(console "$con" | sed -n "s/^.*NETTEST step=$1 rc=\([0-9]*\).*/\1/p" | tail -n 1)
    echo "${r:-none}"
}
# step_out STEP: what the step printed (the last run of it)
step_out() {
    console "$con" | awk -v s="NETTEST step=$1 " '
        index($0, s "start") { out = ""; on = 1; next }
        index($0, s "rc=") { on = 0; next }
        on { out = out $0 "\n" }
        END { printf "%s", out }'
}
