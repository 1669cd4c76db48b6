#!/bin/sh
# net-user-arm64.sh — the second half of `make check-net`: the options of
# `-netdev user` as the arm64 kit's Linux guest sees them (ferry -M virt,
# cpu max, virtio-net-pci). One line per check, "check-net: ok   NAME
# (...)", "check-net: FAIL NAME: why" with the tail of that boot's console,
# or "check-net: SKIPPED NAME: why" when the host cannot offer what the
# check needs (never counted as a pass). Boots and checks:
#
#  services: hostname=,domainname=,dnssearch=x2,tftp=DIR,bootfile=NAME,
#            tftp-server-name=,guestfwd=tcp:10.0.2.100:1234-tcp:127.0.0.1:PORT
#    dhcp-options  udhcpc's lease holds the hostname, domain and both
#                  search domains given
#    bootfile      the lease names the bootfile, 10.0.2.2 as its server
#                  (siaddr) and the tftp-server-name (option 66)
#    tftp          busybox tftp fetches the bootfile from 10.0.2.2 (512-byte
#                  blocks); its SHA-256 matches the host's file
#    tftp-blksize  the same with -b 1428 (the blksize option)
#    tftp-refused  a missing name and ../NAME (a file next to DIR) are
#                  refused with TFTP errors, nothing is written
#    ping          ICMP echo to the gateway 10.0.2.2 (libslirp answers it)
#    ping-out      ICMP echo to the host's own address: it leaves through a
#                  host ICMP socket (SKIPPED when the host allows none, or
#                  has no address but loopback)
#    dns           nslookup of $NET_DNS_NAME at 10.0.2.3 gives an address
#                  the host's resolver gives too (SKIPPED when the host
#                  resolves no such name through DNS)
#    guestfwd      the guest's connection to 10.0.2.100:1234 reaches a host
#                  server through the chardev: a line each way, then 200000
#                  bytes up and 300000 down, SHA-256 checked on both sides
#  custom-net: net=10.9.8.0/24,host=10.9.8.1,dhcpstart=10.9.8.50,
#            dns=10.9.8.53,guestfwd=tcp:10.9.8.100:1234-cmd:...,
#            hostfwd=tcp:127.0.0.1:T-:T,hostfwd=tcp:127.0.0.1:U-:U,
#            hostfwd=udp:127.0.0.1:U-:U (guest address left out: dhcpstart)
#    dhcp          10.9.8.50/24, router 10.9.8.1, DNS 10.9.8.53
#    ping          ICMP echo to 10.9.8.1
#    dns           nslookup at 10.9.8.53 (SKIPPED as above)
#    guestfwd-cmd  the guest's connection to 10.9.8.100:1234 talks to a
#                  program ferry started for it (a line each way)
#    hostfwd-tcp   the host reaches the guest's nc -l on T, data both ways
#    hostfwd-udp   at the same time, the host's iperf3 -u client reaches the
#                  guest's iperf3 server on U (control over TCP, datagrams
#                  over the udp rule): datagrams arrive
#  ipv6: ipv6=on (the default prefix fec0::/64)
#    slaac         a router advertisement arrives; an address in fec0::/64
#    ping6         ICMPv6 echo to fec0::2
#    tcp6          nc to [fec0::2]:P reaches a host server on [::1]:P, data
#                  both ways (SKIPPED when the host has no ::1)
#    iperf6        iperf3 -c fec0::2 -t 2: bytes moved (TSO over IPv6)
#  ipv6=off:
#    no-ra         the guest sent two router solicitations, got no
#                  advertisement and has no address but link-local
#    ipv4          DHCP (10.0.2.15) and ICMP echo to 10.0.2.2 still work
#  ipv4=off,ipv6-net=fd42:f3:e7::/64,ipv6-host=fd42:f3:e7::1:
#    no-dhcp       udhcpc gets no lease
#    no-arp        with 10.0.2.15/24 set by hand, 10.0.2.2 answers neither
#                  ping nor ARP (the guest's neighbour entry ends FAILED)
#    slaac         an address in fd42:f3:e7::/64
#    ping6         ICMPv6 echo to fd42:f3:e7::1 (ipv6-host)
#
# smb= is not tested here: it needs Samba's smbd on the host (the unit
# tests use a stand-in).
# Throughput is printed as information, never checked. Ports are chosen
# free at run time, every boot and guest step is bounded, host servers
# are stopped on exit. Logs: $NET_LOGS/user (default $BUILD/tests/net/user).
#
#   sh tests/guest/net-user-arm64.sh   (FERRY=build/ferry BUILD=build PYTHON=python3)
#
# Needs python3 and iperf3 on the host (scripts/deps.sh net);
# NET_DNS_NAME (default deb.debian.org) is the name the dns checks look up.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/netlib.sh
. "$here/netlib.sh"
logs=${NET_LOGS:-$BUILD/tests/net}/user
dns_name=${NET_DNS_NAME:-deb.debian.org}
net_setup iperf3

# fill KEY=VALUE...: stdin with every @KEY@ replaced by VALUE
fill() {
    sed_args=""
    for kv in "$@"; do
        sed_args="$sed_args -e s|@${kv%%=*}@|${kv#*=}|g"
    done
    # shellcheck disable=SC2086 # one -e per pair
    sed $sed_args
}

# The guest's helpers, at the top of every guest script:
#   st NAME CMD...   a step (netlib.sh: step_rc, step_out)
#   await WC N       waits (up to 60 s) until /tmp/x has N lines (WC -l)
#                    or bytes (-c)
guest_prelude() {
    cat <<'EOF'
st(){ n=$1;shift;echo "NETTEST step=$n start";"$@";echo "NETTEST step=$n rc=$?";}
await(){ i=0;while [ $i -lt 300 ]&&[ $(wc $1 </tmp/x) -lt $2 ];do sleep .2;i=$((i+1));done;}
EOF
}

# ---- what the host offers ---------------------------------------------------------

# DNS: the host must resolve the name through DNS (slirp forwards the
# guest's queries to the host's name servers, never to /etc/hosts).
host_lookup() { getent ahostsv4 "$dns_name" 2>/dev/null | awk '{ print $1 }' | sort -u; }
dns_why=""
if grep -v '^#' /etc/hosts 2>/dev/null | grep -qw -- "$dns_name"; then
    dns_why="$dns_name is in /etc/hosts; NET_DNS_NAME must name a host found through DNS"
elif [ -z "$(host_lookup)" ]; then
    dns_why="the host resolves no IPv4 address for $dns_name (no DNS here?); NET_DNS_NAME picks another name"
fi
dns_host=$(host_lookup)

# ICMP to the outside: a host address other than loopback, and an ICMP
# socket (a ping socket, or raw as root) that libslirp can open.
ping_why="" host_ip=""
if ! icmp=$(tool icmp); then
    ping_why="$icmp; ping_group_range is '$(cat /proc/sys/net/ipv4/ping_group_range 2>/dev/null)' for gid $(id -g)"
elif ! command -v ip >/dev/null 2>&1; then
    ping_why="no 'ip' command on the host to find its address"
else
    host_ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
    [ -n "$host_ip" ] || ping_why="the host has no IPv4 address but loopback"
fi

# ---- checks ------------------------------------------------------------------------

# list LINES: the lines as one comma-separated word
list() { printf '%s\n' "$1" | grep . | tr '\n' ',' | sed 's/,$//'; }

# check_step NAME STEP WHAT: ok when the step ended with status 0
check_step() {
    rc=$(step_rc "$2")
    if [ "$rc" = 0 ]; then ok "$1" "$3"
    else fail "$1" "guest step '$2' status $rc: $(step_out "$2" | tail -n 2 | tr '\n' ' ')"; fi
}
# check_ping NAME STEP ADDR: status 0 and at least one reply from ADDR
check_ping() {
    rc=$(step_rc "$2")
    got=$(step_out "$2" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\2 of \1/p')
    if [ "$rc" = 0 ] && step_out "$2" | grep -q "bytes from $3: " && [ "${got%% *}" -gt 0 ] 2>/dev/null; then
        ok "$1" "$got echo replies from $3"
    else
        fail "$1" "ping $3: status $rc, ${got:-no summary} replies"
    fi
}
# check_dns NAME STEP SERVER: the guest's answer shares an address with the host's
check_dns() {
    if [ -n "$dns_why" ]; then skip "$1" "$dns_why"; return; fi
    rc=$(step_rc "$2")
    server=$(step_out "$2" | sed -n 's/^Server:[[:space:]]*//p' | head -n 1)
    addrs=$(step_out "$2" | awk '/^Name:/ { on = 1 } on && /^Address: / { print $2 }' | sort -u)
    host_now=$( (echo "$dns_host"; host_lookup) | sort -u)
    printf '%s\n' "$host_now" >"$logs/dns.host"
    common=$(printf '%s\n' "$addrs" | grep -Fx -f "$logs/dns.host" | head -n 1)
    if [ "$rc" = 0 ] && [ "$server" = "$3" ] && [ -n "$common" ]; then
        ok "$1" "$dns_name -> $(list "$addrs"), answered by $server; the host has $common too"
    else
        fail "$1" "nslookup $dns_name $3: status $rc, server '${server:-none}'," \
            "addresses '$(list "$addrs")', the host's '$(list "$host_now")'"
    fi
}
# check_slaac NAME STEP NET: an address in NET, after a router advertisement
check_slaac() {
    addr=$(step_out "$2" | awk '$1 == "inet6" { print $2; exit }')
    ra=$(step_out "$2" | awk '$1 == "Icmp6InRouterAdvertisements" { print $2 }')
    if [ "$(step_rc "$2")" = 0 ] && [ "${ra:-0}" -gt 0 ] 2>/dev/null &&
       tool innet "$addr" "$3" 2>"$logs/innet.err"; then
        ok "$1" "$addr, $ra router advertisement(s) received"
    else
        fail "$1" "want an address in $3 after a router advertisement; got '${addr:-none}'" \
            "($(cat "$logs/innet.err")), ${ra:-no} advertisement(s)"
    fi
}

# ---- services: names in DHCP, TFTP, ICMP, DNS, guestfwd to a chardev ----------------

t=$(token)
hname=guest-$(echo "$t" | cut -c1-6) dname=dom-$(echo "$t" | cut -c7-12).test
s1=one-$(echo "$t" | cut -c1-4).example s2=two-$(echo "$t" | cut -c5-8).test
tname=tftp-$(echo "$t" | cut -c9-14).test
tftp_dir=$logs/tftp
boot_name=ferry/boot-$t.bin
outside=outside-$t.txt
mkdir -p "$tftp_dir/ferry"
rm -f "$tftp_dir/ferry/"*
head -c 70001 /dev/urandom >"$tftp_dir/$boot_name"
boot_sha=$(sha256sum <"$tftp_dir/$boot_name" | cut -d' ' -f1)
echo "not for the guest" >"$logs/$outside"

gf_token=host-gf-$(token) gf_log=$logs/guestfwd.log
: >"$gf_log"
rm -f "$logs/guestfwd.port"
"$PYTHON" "$here/nettool.py" gfserve "$logs/guestfwd.port" "$gf_log" "$gf_token" \
    2>"$logs/guestfwd.err" &
pids="$pids $!"
n=0
while [ ! -s "$logs/guestfwd.port" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -s "$logs/guestfwd.port" ] || { echo "$label: the guestfwd host server did not start:"; cat "$logs/guestfwd.err"; exit 1; }
gf_port=$(cat "$logs/guestfwd.port")
gtok=guest-gf-$(token) up_bytes=200000 down_bytes=300000

{
    guest_prelude
    cat <<'EOF'
printf '#!/bin/sh\n[ "$1" = bound ] && env >/tmp/lease\n' >/tmp/l.sh;chmod +x /tmp/l.sh
le(){ udhcpc -i eth0 -f -q -n -t 3 -T 2 -s /tmp/l.sh >/dev/null 2>&1&&grep -E '^(hostname|domain|search|boot_file|siaddr|tftp)=' /tmp/lease;}
st lease le
cd /tmp
tf(){ rm -f /tmp/b;tftp "$@" -g -r @BOOT@ -l /tmp/b 10.0.2.2&&sha256sum /tmp/b;}
st tftp tf
st tftp-blksize tf -b 1428
rf(){ tftp -g -r "$1" -l /tmp/n 10.0.2.2;r=$?;[ -e /tmp/n ]&&echo WRITTEN;return $r;}
st tftp-missing rf nosuch-@T@
st tftp-outside rf ../@OUT@
st ping ping -c 3 -W 5 10.0.2.2
EOF
    [ -z "$ping_why" ] && echo "st ping-out ping -c 3 -W 5 @HOSTIP@"
    [ -z "$dns_why" ] && echo "st dns nslookup @NAME@ 10.0.2.3"
    cat <<'EOF'
gf(){ head -c @UP@ /dev/urandom >/tmp/r;sha256sum </tmp/r;: >/tmp/x;{ echo "ECHO @GTOK@";echo "RECV @UP@";cat /tmp/r;echo "SEND @DOWN@";sleep 90;}|nc 10.0.2.100 1234 >/tmp/x & p=$!;await -c $((@DOWN@+$(head -n 1 /tmp/x|wc -c)));kill $p;head -n 1 /tmp/x;tail -c @DOWN@ /tmp/x|sha256sum;}
st guestfwd gf
EOF
} | fill "BOOT=$boot_name" "T=$t" "OUT=$outside" "HOSTIP=$host_ip" "NAME=$dns_name" \
    "UP=$up_bytes" "DOWN=$down_bytes" "GTOK=$gtok" >"$logs/services.sh"
start_boot services "$(cmd_param <"$logs/services.sh")" \
    -nic "user,model=virtio-net-pci,hostname=$hname,domainname=$dname,dnssearch=$s1,dnssearch=$s2,tftp=$tftp_dir,bootfile=$boot_name,tftp-server-name=$tname,guestfwd=tcp:10.0.2.100:1234-tcp:127.0.0.1:$gf_port"
wait_boot

lease=$(step_out lease)
lv() { printf '%s\n' "$lease" | sed -n "s/^$1=//p" | head -n 1; }
if [ "$(step_rc lease)" = 0 ] && [ "$(lv hostname)" = "$hname" ] && [ "$(lv domain)" = "$dname" ] &&
   [ "$(lv search)" = "$s1 $s2" ]; then
    ok "services: dhcp-options" "hostname=$hname domain=$dname search='$s1 $s2'"
else
    fail "services: dhcp-options" "udhcpc status $(step_rc lease); want hostname=$hname domain=$dname" \
        "search='$s1 $s2'; got hostname=$(lv hostname) domain=$(lv domain) search='$(lv search)'"
fi
if [ "$(lv boot_file)" = "$boot_name" ] && [ "$(lv siaddr)" = 10.0.2.2 ] && [ "$(lv tftp)" = "$tname" ]; then
    ok "services: bootfile" "boot_file=$boot_name siaddr=10.0.2.2 tftp=$tname"
else
    fail "services: bootfile" "want boot_file=$boot_name siaddr=10.0.2.2 tftp=$tname;" \
        "got boot_file=$(lv boot_file) siaddr=$(lv siaddr) tftp=$(lv tftp)"
fi
for s in tftp tftp-blksize; do
    sha=$(step_out "$s" | awk '$2 == "/tmp/b" { print $1 }')
    if [ "$(step_rc "$s")" = 0 ] && [ "$sha" = "$boot_sha" ]; then
        ok "services: $s" "70001 bytes of $boot_name, SHA-256 matches"
    else
        fail "services: $s" "tftp status $(step_rc "$s"), SHA-256 ${sha:-none}, want $boot_sha;" \
            "$(step_out "$s" | grep -v '/tmp/b' | head -n 2 | tr '\n' ' ')"
    fi
done
m1=$(step_out tftp-missing | grep 'server error' | head -n 1)
m2=$(step_out tftp-outside | grep 'server error' | head -n 1)
if [ "$(step_rc tftp-missing)" != 0 ] && [ "$(step_rc tftp-missing)" != none ] &&
   [ "$(step_rc tftp-outside)" != 0 ] && [ "$(step_rc tftp-outside)" != none ] &&
   [ -n "$m1" ] && [ -n "$m2" ] && ! step_out tftp-missing | grep -q WRITTEN &&
   ! step_out tftp-outside | grep -q WRITTEN; then
    ok "services: tftp-refused" "nosuch-$t: '${m1#tftp: }'; ../$outside: '${m2#tftp: }'"
else
    fail "services: tftp-refused" "want TFTP errors and no file; missing: status $(step_rc tftp-missing)" \
        "'${m1:-no error}'; ../$outside: status $(step_rc tftp-outside) '${m2:-no error}'"
fi
check_ping "services: ping" ping 10.0.2.2
if [ -n "$ping_why" ]; then skip "services: ping-out" "$ping_why"
else check_ping "services: ping-out" ping-out "$host_ip"; fi
check_dns "services: dns" dns 10.0.2.3
up_sha=$(step_out guestfwd | sed -n 's/^\([0-9a-f]\{64\}\)  -$/\1/p' | head -n 1)
down_sha=$(step_out guestfwd | sed -n 's/^\([0-9a-f]\{64\}\)  -$/\1/p' | sed -n 2p)
if step_out guestfwd | grep -q "^HOSTSAYS $gf_token got=$gtok\$" && grep -q "^echo got=$gtok\$" "$gf_log" &&
   [ -n "$up_sha" ] && grep -q "^recv $up_bytes $up_sha\$" "$gf_log" &&
   [ -n "$down_sha" ] && grep -q "^sent $down_bytes $down_sha\$" "$gf_log"; then
    ok "services: guestfwd" "guest -> 10.0.2.100:1234 -> chardev -> host 127.0.0.1:$gf_port:" \
        "a line each way, $up_bytes bytes up and $down_bytes down, SHA-256 equal"
else
    fail "services: guestfwd" "guest step status $(step_rc guestfwd); the host server's log:" \
        "$(tr '\n' ';' <"$gf_log"); the guest's SHA-256 up ${up_sha:-none}, down ${down_sha:-none}"
fi

# ---- custom-net: net=, host=, dhcpstart=, dns=; guestfwd to a command; hostfwd x3 ----

# shellcheck disable=SC2046 # two port numbers
set -- $(tool ports 2)
tcp_port=$1 udp_port=$2
gtok=guest-cmd-$(token) cmd_token=host-cmd-$(token) cmd_log=$logs/guestfwd-cmd.log
gtok_in=guest-in-$(token) htok_in=host-in-$(token)
: >"$cmd_log"
{
    guest_prelude
    echo "st ping ping -c 3 -W 5 10.9.8.1"
    [ -z "$dns_why" ] && echo "st dns nslookup @NAME@ 10.9.8.53"
    cat <<'EOF'
gc(){ : >/tmp/x;{ echo @GTOK@;sleep 90;}|nc 10.9.8.100 1234 >/tmp/x & p=$!;await -l 1;kill $p 2>/dev/null;cat /tmp/x;}
st guestfwd-cmd gc
timeout 120 iperf3 -s -1 -p @U@ >/tmp/iu 2>&1 & ip=$!
i=0;while [ $i -lt 100 ]&&! netstat -ltn|grep -q ":@U@ ";do sleep .1;i=$((i+1));done
echo NETTEST listen
st hostfwd-tcp sh -c 'echo @GIN@|timeout 120 nc -l -p @T@'
iu(){ wait $ip;r=$?;cat /tmp/iu;return $r;}
st hostfwd-udp iu
EOF
} | fill "NAME=$dns_name" "GTOK=$gtok" "U=$udp_port" "T=$tcp_port" "GIN=$gtok_in" >"$logs/custom-net.sh"
start_boot custom-net "$(cmd_param <"$logs/custom-net.sh")" \
    -nic "user,model=virtio-net-pci,net=10.9.8.0/24,host=10.9.8.1,dhcpstart=10.9.8.50,dns=10.9.8.53,guestfwd=tcp:10.9.8.100:1234-cmd:$PYTHON $here/nettool.py gfcmd $cmd_log $cmd_token,hostfwd=tcp:127.0.0.1:$tcp_port-:$tcp_port,hostfwd=tcp:127.0.0.1:$udp_port-:$udp_port,hostfwd=udp:127.0.0.1:$udp_port-:$udp_port"
hf_out=$logs/custom-net.hostfwd udp_json=$logs/custom-net.udp.json
: >"$hf_out"
: >"$udp_json"
if wait_console "NETTEST listen"; then
    tool connect "$tcp_port" "$htok_in" 120 "$boot_pid" >"$hf_out" 2>"$hf_out.err"
    timeout 120 iperf3 -c 127.0.0.1 -p "$udp_port" -u -b 1M -l 1024 -t 1 -J \
        --connect-timeout 20000 >"$udp_json" 2>"$udp_json.err"
else
    echo "the guest never said it was listening" >"$hf_out.err"
fi
wait_boot

if has_mark "$marks" dhcp name=eth0 result=ok ip=10.9.8.50/24 router=10.9.8.1 dns=10.9.8.53; then
    ok "custom-net: dhcp" "$(mark_line "$marks" dhcp | sed 's/^FERRY-MARK dhcp //; s/ uptime=.*//')"
else
    fail "custom-net: dhcp" "want ip=10.9.8.50/24 router=10.9.8.1 dns=10.9.8.53; got:" \
        "$(mark_line "$marks" dhcp || echo 'no dhcp marker')"
fi
check_ping "custom-net: ping" ping 10.9.8.1
check_dns "custom-net: dns" dns 10.9.8.53
if step_out guestfwd-cmd | grep -q "^CMDSAYS $cmd_token got=$gtok\$" && grep -q "^cmd got=$gtok\$" "$cmd_log"; then
    ok "custom-net: guestfwd-cmd" "guest -> 10.9.8.100:1234 -> 'nettool.py gfcmd', a line each way"
else
    fail "custom-net: guestfwd-cmd" "the guest printed '$(step_out guestfwd-cmd | head -n 1)';" \
        "the command logged '$(head -n 1 "$cmd_log")'"
fi
rc=$(step_rc hostfwd-tcp)
if [ "$rc" = 0 ] && grep -q "^$gtok_in\$" "$hf_out" && console "$con" | grep -q "^$htok_in\$"; then
    ok "custom-net: hostfwd-tcp" "host 127.0.0.1:$tcp_port -> guest 10.9.8.50:$tcp_port, data both ways"
else
    fail "custom-net: hostfwd-tcp" "guest nc -l status $rc; the host got '$(head -n 1 "$hf_out")'" \
        "($(tail -n 1 "$hf_out.err" 2>/dev/null))"
fi
udp=$(tool iperfudp "$udp_json" 2>"$udp_json.why")
pk=$(echo "$udp" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
lost=$(echo "$udp" | sed -n 's/.*lost=\([0-9]*\).*/\1/p')
grx=$(step_out hostfwd-udp | grep 'receiver$' | tail -n 1 | awk '{ for (i = 1; i < NF; i++) if ($i == "sec") { print $(i+1), $(i+2); exit } }')
if [ "$(step_rc hostfwd-udp)" = 0 ] && [ "${pk:-0}" -gt 0 ] 2>/dev/null && [ "$lost" -lt "$pk" ] &&
   [ -n "$grx" ] && [ "${grx%% *}" != 0.00 ]; then
    ok "custom-net: hostfwd-udp" "iperf3 -u host -> udp 127.0.0.1:$udp_port -> guest 10.9.8.50:$udp_port:" \
        "$((pk - lost)) of $pk datagrams arrived; the guest's server received $grx"
else
    fail "custom-net: hostfwd-udp" "guest iperf3 status $(step_rc hostfwd-udp); host client: ${udp:-$(cat "$udp_json.why" "$udp_json.err" | head -n 2 | tr '\n' ' ')};" \
        "guest receiver summary: ${grx:-none}"
fi

# ---- ipv6=on: SLAAC in fec0::/64, the host at fec0::2 ---------------------------------

# sl: waits (up to 30 s) for an address on eth0 that is neither link-local
# nor tentative; prints it and the router solicitation/advertisement counters.
slaac_fn() {
    cat <<'EOF'
sl(){ i=0;while [ $i -lt 150 ];do a=$(ip -6 addr show dev eth0|grep inet6|grep -v -e 'scope link' -e tentative);[ -n "$a" ]&&break;sleep .2;i=$((i+1));done;echo "$a";grep -E 'Icmp6(In|Out)Router(Solicits|Advertisements)' /proc/net/snmp6;[ -n "$a" ];}
EOF
}
v6_why=""
rm -f "$logs/server6.port"
"$PYTHON" "$here/nettool.py" serve "$logs/server6.port" "$logs/server6.log" "host6-$t" ::1 \
    2>"$logs/server6.err" &
pids="$pids $!"
n=0
while [ ! -s "$logs/server6.port" ] && [ $n -lt 50 ] && [ ! -s "$logs/server6.err" ]; do sleep 0.1; n=$((n + 1)); done
if [ -s "$logs/server6.port" ]; then
    port6=$(cat "$logs/server6.port")
    : >"$logs/server6.log"
    start_iperf ipv6-up ::1
    iperf6_port=$iperf_port
else
    v6_why="no TCP server on the host's [::1] ($(tail -n 1 "$logs/server6.err"))"
fi
gtok=guest6-$(token)
{
    guest_prelude
    slaac_fn
    echo "st slaac sl"
    echo "st ping6 ping6 -c 3 -W 5 fec0::2"
    [ -z "$v6_why" ] && cat <<'EOF'
st tcp6 sh -c 'echo @GTOK@|timeout 60 nc -w 20 fec0::2 @P6@'
st iperf6 timeout 90 iperf3 -c fec0::2 -p @I6@ -t 2 -i 0 --connect-timeout 20000
EOF
} | fill "GTOK=$gtok" "P6=${port6:-0}" "I6=${iperf6_port:-0}" >"$logs/ipv6.sh"
start_boot ipv6 "$(cmd_param <"$logs/ipv6.sh")" -nic user,model=virtio-net-pci,ipv6=on
wait_boot
check_slaac "ipv6: slaac" slaac fec0::/64
check_ping "ipv6: ping6" ping6 fec0::2
if [ -n "$v6_why" ]; then
    skip "ipv6: tcp6" "$v6_why"
    skip "ipv6: iperf6" "$v6_why"
else
    rc=$(step_rc tcp6)
    if [ "$rc" = 0 ] && step_out tcp6 | grep -q "^HOSTSAYS host6-$t got=$gtok\$" &&
       grep -q "^conn got=$gtok\$" "$logs/server6.log"; then
        ok "ipv6: tcp6" "guest -> [fec0::2]:$port6 -> host [::1]:$port6, data both ways"
    else
        fail "ipv6: tcp6" "guest nc status $rc; the host server logged '$(head -n 1 "$logs/server6.log")'"
    fi
    sum=$(tool iperf "$logs/ipv6-up.json" 2>"$logs/ipv6-up.why")
    bytes=$(printf '%s\n' "$sum" | tr ' ' '\n' | sed -n 's/^received=//p')
    bps=$(printf '%s\n' "$sum" | tr ' ' '\n' | sed -n 's/^received_bps=//p')
    if [ "$(step_rc iperf6)" = 0 ] && [ "${bytes:-0}" -gt 0 ] 2>/dev/null; then
        ok "ipv6: iperf6" "the host's iperf3 server on [::1] received $bytes bytes," \
            "$(awk -v b="$bps" 'BEGIN { printf "%.0f", b / 1e6 }') Mbit/s; for information only"
    else
        fail "ipv6: iperf6" "guest iperf3 status $(step_rc iperf6); host server: ${sum:-$(cat "$logs/ipv6-up.why")}"
    fi
fi

# ---- ipv6=off: no router advertisement; IPv4 unchanged ---------------------------------

{
    guest_prelude
    cat <<'EOF'
rs(){ i=0;while [ $i -lt 150 ]&&[ $(awk '$1=="Icmp6OutRouterSolicits"{print $2}' /proc/net/snmp6) -lt 2 ];do sleep .2;i=$((i+1));done;grep -E 'Icmp6(In|Out)Router(Solicits|Advertisements)' /proc/net/snmp6;ip -6 addr show dev eth0|grep inet6;}
st no-ra rs
st ping ping -c 3 -W 5 10.0.2.2
EOF
} >"$logs/ipv6-off.sh"
start_boot ipv6-off "$(cmd_param <"$logs/ipv6-off.sh")" -nic user,model=virtio-net-pci,ipv6=off
wait_boot
rs=$(step_out no-ra | awk '$1 == "Icmp6OutRouterSolicits" { print $2 }')
ra=$(step_out no-ra | awk '$1 == "Icmp6InRouterAdvertisements" { print $2 }')
other=$(step_out no-ra | awk '$1 == "inet6" && !/scope link/ { print $2 }' | tr '\n' ' ')
if [ "${rs:-0}" -ge 2 ] 2>/dev/null && [ "$ra" = 0 ] && [ -z "$other" ]; then
    ok "ipv6=off: no-ra" "$rs router solicitations, no advertisement, link-local address only"
else
    fail "ipv6=off: no-ra" "want >= 2 solicitations, 0 advertisements and no address but link-local;" \
        "got ${rs:-?} solicitations, ${ra:-?} advertisements, addresses '$other'"
fi
if has_mark "$marks" dhcp name=eth0 result=ok ip=10.0.2.15/24 router=10.0.2.2 &&
   [ "$(step_rc ping)" = 0 ]; then
    ok "ipv6=off: ipv4" "DHCP 10.0.2.15/24 via 10.0.2.2, ICMP echo to 10.0.2.2 answered"
else
    fail "ipv6=off: ipv4" "$(mark_line "$marks" dhcp || echo 'no dhcp marker'); ping status $(step_rc ping)"
fi

# ---- ipv4=off (and ipv6-net=, ipv6-host=): IPv6 only --------------------------------------

{
    guest_prelude
    slaac_fn
    cat <<'EOF'
st slaac sl
st ping6 ping6 -c 3 -W 5 fd42:f3:e7::1
ip addr add 10.0.2.15/24 dev eth0
st ping4 ping -c 2 -W 3 10.0.2.2
i=0;while [ $i -lt 100 ]&&! ip neigh show 10.0.2.2|grep -q FAILED;do sleep .2;i=$((i+1));done
ip neigh show 10.0.2.2
EOF
} >"$logs/ipv4-off.sh"
start_boot ipv4-off "ferry.dhcptries=2 $(cmd_param <"$logs/ipv4-off.sh")" \
    -nic user,model=virtio-net-pci,ipv4=off,ipv6-net=fd42:f3:e7::/64,ipv6-host=fd42:f3:e7::1
wait_boot
if has_mark "$marks" dhcp name=eth0 result=fail; then
    ok "ipv4=off: no-dhcp" "udhcpc got no lease"
else
    fail "ipv4=off: no-dhcp" "want 'dhcp result=fail'; got: $(mark_line "$marks" dhcp || echo 'no dhcp marker')"
fi
neigh=$(console "$con" | grep '^10\.0\.2\.2 dev eth0' | tail -n 1)
rc=$(step_rc ping4)
if [ "$rc" != 0 ] && [ "$rc" != none ] && ! step_out ping4 | grep -q 'bytes from' &&
   echo "$neigh" | grep -q FAILED && ! echo "$neigh" | grep -q lladdr; then
    ok "ipv4=off: no-arp" "10.0.2.2 answered no ping (status $rc) and no ARP: '$neigh'"
else
    fail "ipv4=off: no-arp" "ping status $rc; neighbour entry '${neigh:-none}'"
fi
check_slaac "ipv4=off: slaac" slaac fd42:f3:e7::/64
check_ping "ipv4=off: ping6" ping6 fd42:f3:e7::1

net_summary
