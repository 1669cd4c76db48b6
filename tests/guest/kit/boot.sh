#!/bin/sh
# Boots a guest kit under an emulator (ferry or QEMU: the command line is the
# same) and reports what the guest's /init said.
#
#   boot.sh [options] ARCH [-- EMULATOR-ARGS...]
#
#   ARCH          arm64 (-M virt -cpu cortex-a57, console ttyAMA0) or
#                 amd64 (-M q35, console ttyS0)
#   -e EMU        emulator binary (default: $KIT_EMU, else qemu-system-aarch64
#                 or qemu-system-x86_64)
#   -a PARAMS     kernel parameters to add (ferry.net=dhcp ...); repeatable
#   -t SECONDS    give up after this long and kill the emulator (default 300)
#   -l LOG        keep the whole console output in LOG (default: a temp file)
#   -k DIR        the kit (default: $BUILD/guests/ARCH, BUILD defaults to ./build)
#   -M MACHINE    -M value (default: virt / q35)
#   -c CPU        -cpu value (default: cortex-a57 on arm64, the emulator's on amd64)
#   -m MEM        -m value (default 512M)
#   -s SMP        -smp value (default 1)
#   -g            gzip'd kernel (arm64: Image.gz instead of Image)
#   -q            quiet: no summary on stderr
#
# EMULATOR-ARGS follow the usual ones: -nic/-netdev/-device/-monitor etc.
# With none, the emulator's default NIC (or none) is what the guest sees.
#
# Output on stdout: every FERRY-MARK line of the console (carriage returns
# and anything before the marker on its line removed), then one line
#   FERRY-HOST boot arch=ARCH init_wall=S exit_wall=S status=N
# with the wall-clock seconds from start to the init marker and to the
# emulator's exit (init_wall=none if it never came). Exit status: the
# emulator's, 124 on timeout.
set -eu

emu=${KIT_EMU:-} params="" timeout=300 log="" kit="" machine="" cpu="" mem=512M smp=1 gz=0 quiet=0
while getopts e:a:t:l:k:M:c:m:s:gqh o; do
    case $o in
    e) emu=$OPTARG ;;
    a) params="$params $OPTARG" ;;
    t) timeout=$OPTARG ;;
    l) log=$OPTARG ;;
    k) kit=$OPTARG ;;
    M) machine=$OPTARG ;;
    c) cpu=$OPTARG ;;
    m) mem=$OPTARG ;;
    s) smp=$OPTARG ;;
    g) gz=1 ;;
    q) quiet=1 ;;
    h) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "boot.sh: see boot.sh -h" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "boot.sh: which arch? (arm64 or amd64; boot.sh -h)" >&2; exit 2; }
arch=$1; shift
[ "${1:-}" = -- ] && shift

case $arch in
arm64) : "${emu:=qemu-system-aarch64}" "${machine:=virt}" "${cpu:=cortex-a57}"
       kernel=Image; [ $gz = 1 ] && kernel=Image.gz; console=ttyAMA0 ;;
amd64) : "${emu:=qemu-system-x86_64}" "${machine:=q35}"
       kernel=bzImage; console=ttyS0 ;;
*) echo "boot.sh: unknown arch '$arch' (arm64 or amd64)" >&2; exit 2 ;;
esac
[ -n "$kit" ] || kit=${BUILD:-$(pwd)/build}/guests/$arch
for f in "$kit/$kernel" "$kit/initramfs.cpio.gz"; do
    [ -f "$f" ] || { echo "boot.sh: $f is missing: run 'make guests'" >&2; exit 2; }
done
command -v "$emu" >/dev/null 2>&1 || { echo "boot.sh: emulator '$emu' not found" >&2; exit 2; }

tmplog=""
if [ -z "$log" ]; then tmplog=$(mktemp); log=$tmplog; fi

now() { date +%s.%N 2>/dev/null | sed 's/N$/0/'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

set -- -M "$machine" ${cpu:+-cpu "$cpu"} -m "$mem" -smp "$smp" -nographic -no-reboot \
    -kernel "$kit/$kernel" -initrd "$kit/initramfs.cpio.gz" \
    -append "console=$console panic=-1$params" "$@"

: >"$log"
start=$(now)
"$emu" "$@" </dev/null >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || :; [ -n "$tmplog" ] && rm -f "$tmplog"' EXIT INT TERM

t_init="" timed_out=0
while kill -0 $pid 2>/dev/null; do
    if [ -z "$t_init" ] && grep -q 'FERRY-MARK init' "$log" 2>/dev/null; then t_init=$(now); fi
    if [ "$(sub "$(now)" "$start" | cut -d. -f1)" -ge "$timeout" ]; then
        timed_out=1
        kill $pid 2>/dev/null || :
        break
    fi
    sleep 0.05
done
status=0
wait $pid || status=$?
t_exit=$(now)
[ $timed_out = 1 ] && status=124
[ -z "$t_init" ] && grep -q 'FERRY-MARK init' "$log" && t_init=$t_exit

tr -d '\r' <"$log" | sed -n 's/.*\(FERRY-MARK .*\)/\1/p'
init_wall=none
[ -n "$t_init" ] && init_wall=$(sub "$t_init" "$start")
exit_wall=$(sub "$t_exit" "$start")
echo "FERRY-HOST boot arch=$arch init_wall=$init_wall exit_wall=$exit_wall status=$status"
[ $quiet = 1 ] || echo "boot.sh: $arch on $(basename "$emu"): init after ${init_wall}s, exit $status after ${exit_wall}s${tmplog:+}" >&2
exit $status
