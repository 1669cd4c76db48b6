#!/bin/sh
# net-arm64.sh — `make check-net`: the arm64 kit (make guests) on ferry's
# -M virt (cpu max) with a real Linux virtio_net driver on user networking.
# Each check prints one line, "check-net: ok   NAME (...)" or
# "check-net: FAIL NAME: why" followed by the tail of that boot's console:
#
#  virtio-net-pci (-nic user,model=virtio-net-pci) and virtio-mmio
#  (-netdev user,id=n0 -device virtio-net-device,netdev=n0), each:
#    binds         virtio_net bound, over the transport named
#    link          carrier up
#    dhcp          DHCP: 10.0.2.15/24, router 10.0.2.2
#    tcp-out       the guest reaches a TCP server on the host through
#                  10.0.2.2 (busybox nc; data both ways, checked both sides)
#    iperf-up      iperf3 guest -> host (-t 2): bytes moved, from the host
#                  server's JSON and the guest's summary
#    iperf-down    iperf3 host -> guest (-R -t 2): the same
#    tcp-in        the host reaches a guest server through hostfwd
#    pcap          -object filter-dump on the netdev: tshark finds the
#                  iperf3 SYN and the SYN/ACK that answers it
#  restrict=on: DHCP; the guest's connection to the host server through
#    10.0.2.2 fails and never reaches it; hostfwd still reaches the guest
#  -net nic,model=virtio-net-pci -net user, and the default NIC (no network
#    options): virtio_net bound over PCI, DHCP
#
# The other -netdev user options (DHCP names, TFTP, ICMP, DNS, guestfwd,
# several hostfwd rules, IPv6, ipv4=/ipv6=off) are net-user-arm64.sh's, the
# second half of check-net; the helpers both use are in netlib.sh.
# With FERRY=build/asan/ferry (make check-net-asan), a sanitizer report on
# a boot's console is one more failed check, "NAME: sanitizers".
# Throughput is printed as information, never checked. Ports are chosen
# free at run time; every boot is bounded (NET_BOOT_TIMEOUT, default 300 s),
# host servers are stopped on exit. Consoles, markers and server logs are
# kept in $NET_LOGS, default $BUILD/tests/net/ (captures only when their
# check failed).
#
#   sh tests/guest/net-arm64.sh        (FERRY=build/ferry BUILD=build PYTHON=python3)
#
# Needs python3, iperf3 and tshark on the host (scripts/deps.sh net).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/netlib.sh
. "$here/netlib.sh"
logs=${NET_LOGS:-$BUILD/tests/net}
net_setup iperf3 tshark

# The host's TCP server (one for the whole run): answers every line with
# "HOSTSAYS $host_token got=LINE" and logs what it got.
host_token=host-$(token)
"$PYTHON" "$here/nettool.py" serve "$logs/server.port" "$logs/server.log" "$host_token" \
    2>"$logs/server.err" &
pids="$pids $!"
n=0
while [ ! -s "$logs/server.port" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -s "$logs/server.port" ] || { echo "$label: the host TCP server did not start:"; cat "$logs/server.err"; exit 1; }
server_port=$(cat "$logs/server.port")
: >"$logs/server.log"

# guest_script ...: the guest's command (run by the kit's /init after DHCP).
# Steps print "NETTEST step=NAME start" and "NETTEST step=NAME rc=N".
#   out TOKEN          nc to the host server through 10.0.2.2
#   iperf PORT         an iperf3 client sending for 2 s (step iperf-up)
#   iperfR PORT        the same with -R: the server sends (step iperf-down)
#   in PORT TOKEN      nc -l PORT, once, answering TOKEN (after "NETTEST listen")
guest_script() {
    # shellcheck disable=SC2016 # expanded by the guest's shell
    echo 'st() { n=$1; shift; echo "NETTEST step=$n start"; "$@"; echo "NETTEST step=$n rc=$?"; }'
    # shellcheck disable=SC2016
    echo 'out() { echo "$1" | timeout 60 nc -w 20 10.0.2.2 '"$server_port"'; }'
    # shellcheck disable=SC2016
    echo 'inn() { echo "$2" | timeout 120 nc -l -p "$1"; }'
    while [ $# -gt 0 ]; do
        case $1 in
        out)   echo "st tcp-out out $2"; shift 2 ;;
        iperf) echo "st iperf-up timeout 90 iperf3 -c 10.0.2.2 -p $2 -t 2 -i 0 --connect-timeout 20000"
               shift 2 ;;
        iperfR) echo "st iperf-down timeout 90 iperf3 -c 10.0.2.2 -p $2 -t 2 -i 0 -R --connect-timeout 20000"
               shift 2 ;;
        in)    echo "echo 'NETTEST listen port=$2'"; echo "st tcp-in inn $2 $3"; shift 3 ;;
        *)     echo "net-arm64.sh: guest_script: $1?" >&2; exit 2 ;;
        esac
    done
}

# ---- the checks a boot's markers answer ------------------------------------------------

# check_nic NAME TRANSPORT [PCIID]
check_nic() {
    if has_mark "$marks" nic name=eth0 driver=virtio_net bus=virtio "transport=$2" ${3:+"pciid=$3"} &&
       has_mark "$marks" nics count=1; then
        ok "$1: binds" "$(mark_line "$marks" nic | sed 's/^FERRY-MARK nic //')"
    else
        fail "$1: binds" "want one NIC, eth0 driver=virtio_net bus=virtio transport=$2${3:+ pciid=$3};" \
            "got: $(grep -E '^FERRY-MARK nics? ' "$marks" | tr '\n' ';' || echo none) boot status $boot_status"
    fi
}
check_link() {
    if has_mark "$marks" link name=eth0 state=up; then ok "$1: link"
    else fail "$1: link" "no 'link name=eth0 state=up' ($(mark_line "$marks" link || echo 'no link marker'))"; fi
}
# check_dhcp NAME [ROUTER]: a lease of 10.0.2.15/24 (and the router, if given)
check_dhcp() {
    if has_mark "$marks" dhcp name=eth0 result=ok ip=10.0.2.15/24 ${2:+"router=$2"}; then
        ok "$1: dhcp" "$(mark_line "$marks" dhcp | sed 's/^FERRY-MARK dhcp //; s/ uptime=.*//')"
    else
        fail "$1: dhcp" "want ip=10.0.2.15/24${2:+ router=$2}; got: $(mark_line "$marks" dhcp || echo 'no dhcp marker')"
    fi
}

# check_tcp_out NAME TOKEN: the guest's line reached the host server and
# the server's answer (with a token the guest never saw) reached the guest.
check_tcp_out() {
    rc=$(step_rc tcp-out)
    if [ "$rc" = 0 ] && console "$con" | grep -q "HOSTSAYS $host_token got=$2" &&
       grep -q "^conn got=$2\$" "$logs/server.log"; then
        ok "$1: tcp-out" "guest -> 10.0.2.2:$server_port -> host 127.0.0.1:$server_port, data both ways"
    else
        why="guest nc status $rc"
        grep -q "^conn got=$2\$" "$logs/server.log" || why="$why; the host server never got '$2'"
        console "$con" | grep -q "HOSTSAYS $host_token got=$2" || why="$why; the guest never printed the server's answer"
        fail "$1: tcp-out" "$why"
    fi
}

# check_iperf NAME STEP JSON DIR: bytes moved (DIR up: the host server
# received them; down: it sent them), and the guest's client finished.
check_iperf() {
    rc=$(step_rc "$2")
    sum=$(tool iperf "$3" 2>"$3.why")
    kv() { printf '%s\n' "$sum" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    case $4 in
    up)   bytes=$(kv received) bps=$(kv received_bps) verb=received ;;
    down) bytes=$(kv sent) bps=$(kv sent_bps) verb=sent ;;
    esac
    secs=$(kv seconds)
    # the guest client's own receiver summary ("... sec  X MBytes ... receiver")
    grx=$(console "$con" | sed -n "/NETTEST step=$2 start/,/NETTEST step=$2 rc=/p" |
        grep 'receiver$' | tail -n 1 | awk '{ for (i = 1; i < NF; i++) if ($i == "sec") { print $(i+1), $(i+2); exit } }')
    if [ "$rc" = 0 ] && [ "${bytes:-0}" -gt 0 ] 2>/dev/null && [ -n "$grx" ] && [ "${grx%% *}" != 0.00 ]; then
        ok "$1: $2" "the host's iperf3 server $verb $bytes bytes in $secs s," \
            "$(awk -v b="$bps" 'BEGIN { printf "%.0f", b / 1e6 }') Mbit/s; the guest's iperf3" \
            "summary: receiver $grx; figures for information only"
    else
        fail "$1: $2" "guest iperf3 status $rc; host server: ${sum:-$(cat "$3.why")}; guest receiver summary: ${grx:-none}"
    fi
}

# check_tcp_in NAME FILE TOKEN-FROM-GUEST TOKEN-FROM-HOST: the host's
# connection through hostfwd got the guest's answer and the guest printed
# the host's line.
check_tcp_in() {
    rc=$(step_rc tcp-in)
    if [ "$rc" = 0 ] && grep -q "^$3\$" "$2" && console "$con" | grep -q "^$4\$"; then
        ok "$1: tcp-in" "host 127.0.0.1:$hf_port -> hostfwd -> guest 10.0.2.15:$hf_port, data both ways"
    else
        why="guest nc -l status $rc"
        grep -q "^$3\$" "$2" || why="$why; the host got no answer ($(tail -n 1 "$2.err" 2>/dev/null))"
        console "$con" | grep -q "^$4\$" || why="$why; the guest never printed the host's line"
        fail "$1: tcp-in" "$why"
    fi
}

# check_pcap NAME PCAP PORT: the capture holds a SYN from the guest to
# 10.0.2.2:PORT and the SYN/ACK answering it (same client port).
check_pcap() {
    if [ ! -s "$2" ]; then
        fail "$1: pcap" "no capture at $2"
        return
    fi
    tshark -r "$2" -Y "tcp.flags.syn == 1 && tcp.port == $3" -T fields \
        -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e tcp.flags.ack \
        >"$2.syn" 2>"$2.err"
    res=$(awk -v p="$3" '
        function set(v) { return v == "1" || v == "True" || v == "true" }
        $1 == "10.0.2.15" && $3 == "10.0.2.2" && $4 == p && !set($5) { syn[$2] = 1 }
        $1 == "10.0.2.2" && $2 == p && $3 == "10.0.2.15" && set($5) { synack[$4] = 1 }
        END { for (c in syn) if (c in synack) { print c; exit } }' "$2.syn")
    if [ -n "$res" ]; then
        ok "$1: pcap" "SYN 10.0.2.15:$res -> 10.0.2.2:$3 and its SYN/ACK;" \
            "$(wc -c <"$2" | tr -d ' ') bytes of capture"
        rm -f "$2"
    else
        fail "$1: pcap" "no SYN + SYN/ACK pair for port $3 in $2 ($(wc -l <"$2.syn") SYN frames on that port;" \
            "tshark: $(grep -v 'Running as user' "$2.err" | head -n 2 | tr '\n' ' '))"
    fi
}

# ---- virtio-net over PCI and over virtio-mmio --------------------------------------------

transport_boot() { # NAME TRANSPORT NETWORK-ARGS...
    tname=$1 transport=$2; shift 2
    start_iperf "$tname-up"; up_port=$iperf_port
    start_iperf "$tname-down"; down_port=$iperf_port
    hf_port=$(tool ports 1)
    gtok=guest-$(token) gtok_in=guest-in-$(token) htok_in=host-in-$(token)
    cmd=$(guest_script out "$gtok" iperf "$up_port" iperfR "$down_port" in "$hf_port" "$gtok_in" | cmd_param)
    pcap=$logs/$tname.pcap
    # shellcheck disable=SC2046
    start_boot "$tname" "$cmd" $(echo "$@" | sed "s/HFPORT/$hf_port/g") \
        -object "filter-dump,id=f0,netdev=n0,file=$pcap,maxlen=128"
    hf_out=$logs/$tname.hostfwd
    : >"$hf_out"
    if wait_console "NETTEST listen port=$hf_port"; then
        tool connect "$hf_port" "$htok_in" 120 "$boot_pid" >"$hf_out" 2>"$hf_out.err"
    else
        echo "the guest never said it was listening" >"$hf_out.err"
    fi
    wait_boot
    check_nic "$tname" "$transport"
    check_link "$tname"
    check_dhcp "$tname" 10.0.2.2
    check_tcp_out "$tname" "$gtok"
    check_iperf "$tname" iperf-up "$logs/$tname-up.json" up
    check_iperf "$tname" iperf-down "$logs/$tname-down.json" down
    check_tcp_in "$tname" "$hf_out" "$gtok_in" "$htok_in"
    check_pcap "$tname" "$pcap" "$up_port"
}

transport_boot virtio-net-pci pci \
    -nic user,id=n0,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:HFPORT-:HFPORT
transport_boot virtio-mmio mmio \
    -netdev user,id=n0,hostfwd=tcp:127.0.0.1:HFPORT-:HFPORT -device virtio-net-device,netdev=n0

# ---- restrict=on: the outside is closed, hostfwd still works --------------------------------

name=restrict
hf_port=$(tool ports 1)
gtok=guest-restricted-$(token) gtok_in=guest-in-$(token) htok_in=host-in-$(token)
cmd=$(guest_script out "$gtok" in "$hf_port" "$gtok_in" | cmd_param)
start_boot restrict "$cmd" \
    -nic "user,id=n0,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$hf_port-:$hf_port"
hf_out=$logs/restrict.hostfwd
: >"$hf_out"
if wait_console "NETTEST listen port=$hf_port"; then
    tool connect "$hf_port" "$htok_in" 120 "$boot_pid" >"$hf_out" 2>"$hf_out.err"
else
    echo "the guest never said it was listening" >"$hf_out.err"
fi
wait_boot
check_dhcp "restrict=on"
rc=$(step_rc tcp-out)
if [ "$rc" != none ] && [ "$rc" != 0 ] && ! grep -q "got=$gtok" "$logs/server.log" &&
   ! console "$con" | grep -q "HOSTSAYS"; then
    why=$(console "$con" | sed -n '/NETTEST step=tcp-out start/,/NETTEST step=tcp-out rc=/p' |
        grep -v NETTEST | head -n 1)
    ok "restrict=on: tcp-out blocked" "guest nc status $rc: ${why:-no message}; the host server got nothing"
else
    fail "restrict=on: tcp-out blocked" "guest nc status $rc (want a failure);" \
        "the host server $(grep -q "got=$gtok" "$logs/server.log" && echo "got '$gtok'" || echo 'got nothing')"
fi
check_tcp_in "restrict=on" "$hf_out" "$gtok_in" "$htok_in"

# ---- the legacy -net form and the default NIC --------------------------------------------------

start_boot legacy-net "" -net nic,model=virtio-net-pci -net user
wait_boot
check_nic "-net nic,model=virtio-net-pci -net user" pci
check_dhcp "-net nic,model=virtio-net-pci -net user" 10.0.2.2

# No network option at all: virt's default NIC, virtio-net-pci (1af4:1000) on user.
start_boot default-nic ""
wait_boot
check_nic "default NIC" pci 1af4:1000
check_dhcp "default NIC" 10.0.2.2

net_summary
