#!/bin/sh
# Command-line behaviour of the real binary: exit statuses and the messages
# people see. Each case: expected status, a text the output must contain,
# then the arguments. Closes with "cli: N passed, N failed".
FERRY=${FERRY:-build/ferry}
dir=$(dirname "$FERRY")
passed=0; failed=0

check() { # status text prog args...
    want=$1; text=$2; prog=$3; shift 3
    out=$(timeout 20 "$prog" "$@" </dev/null 2>&1); rc=$?
    if [ "$rc" -eq "$want" ] && printf '%s' "$out" | grep -qF -- "$text"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $(basename "$prog") $* (exit $rc, wanted $want with \"$text\")"
        printf '%s\n' "$out" | head -5 | sed 's/^/    /'
    fi
}

f=$FERRY
# Help and listings come from the registries and exit 0.
check 0 "Supported machines are:" $f -M help
check 0 "none" $f -machine help
check 0 'name "e1000", bus pci' $f -device help
check 0 "Network devices:" $f -device '?'
check 0 "mac=<macaddr>" $f -device e1000,help
check 0 "Available netdev backend types:" $f -netdev help
check 0 "hubport" $f -netdev help
check 0 "virtio-net-pci" $f -nic model=help
check 0 "rtl8139" $f -net nic,model=help
check 0 "Available CPUs for aarch64" $f -cpu help
check 0 "Available CPUs for x86_64" "$dir/ferry-system-x86_64" -cpu help
check 0 "guest_errors" $f -d help
check 0 "tcg" $f -accel help
check 0 "ferry emulator version" $f -version
check 0 "usage:" $f -h
check 0 "-netdev TYPE" $f --help

# The issue's examples: exit 1 naming the problem.
check 1 "-nosuchopt: invalid option" $f -nosuchopt
check 1 "-m 12Q: invalid size '12Q'" $f -m 12Q
check 1 "-netdev tap,id=: Parameter 'id' expects an identifier" $f -netdev tap,id=
check 1 "e1000: no property 'nosuchprop' (valid: addr, mac, netdev)" $f -device e1000,nosuchprop=1
# More bad input.
check 1 "did you mean -netdev?" $f -netdv user
check 1 "no KVM" $f -enable-kvm
check 1 "no KVM" $f -accel kvm
check 1 "unsupported machine type 'nosuch' (valid: " $f -M nosuch
check 1 "Invalid parameter 'bogus' for machine 'none'" $f -M none,bogus=1
check 1 "Invalid parameter 'bogus' for netdev type 'user'" $f -netdev user,id=n0,bogus=1
check 1 "'e1001' is not a NIC model" $f -nic user,model=e1001
check 1 "Duplicate ID 'a' for netdev" $f -netdev user,id=a -netdev user,id=a
check 1 "netdev type 'tap' is not implemented yet" $f -M none -netdev tap,id=n0
check 1 "Parameter 'id' is missing" $f -netdev user
check 1 "'bogus' is not a valid netdev type" $f -netdev bogus,id=n0
check 1 "Parameter 'mac' expects a MAC address" $f -nic user,mac=52:54:00
check 1 "Invalid host forwarding rule 'tcp::22' (Bad host port separator)" $f -M none -netdev user,id=n0,hostfwd=tcp::22
check 1 "Invalid host forwarding rule 'xyz::1-:2' (Bad protocol name)" $f -M none -nic user,hostfwd=xyz::1-:2
check 1 "Host doesn't belong to network" $f -M none -netdev user,id=n0,net=10.0.2.0/24,host=10.0.3.2
check 1 "netdev 'zz' not found" $f -M none -net nic,netdev=zz
check 1 "Parameter 'hubid' is missing" $f -M none -netdev hubport,id=h0
check 1 "net dump: can't open /nonexistent/x.pcap" $f -M none -netdev user,id=n0 -object filter-dump,id=f,netdev=n0,file=/nonexistent/x.pcap
check 1 "device 'e1000' is not implemented yet" $f -M none -device e1000
check 1 "machine 'none' has no CPUs" $f -M none -cpu max
check 1 "cannot read file" $f -kernel /nonexistent/Image
check 1 "requires an argument" $f -kernel
# virtio-net: its properties, checked before any machine is built. (No board
# of this binary has a PCI bus yet; on a machine without one the error
# names the bus, not the property: mq=on is honoured, see nic/README.md.)
check 0 "mq=<bool> - offer VIRTIO_NET_F_MQ" $f -device virtio-net-pci,help
check 0 "rx_queue_size=<uint32>" $f -device virtio-net-device,help
check 0 "virtio-net-pci-transitional" $f -nic model=help
check 1 "virtio-net-pci: property 'netdev': no -netdev with id 'nosuch'" $f -M none -device virtio-net-pci,netdev=nosuch
check 1 "device 'virtio-net-pci' needs a pci bus" $f -M none -netdev user,id=n0 -device virtio-net-pci,mq=on,netdev=n0
check 1 "property 'rx_queue_size' must be between 256 and 1024 (got 100)" $f -M none -device virtio-net-pci,rx_queue_size=100
check 1 "property 'tx_queue_size' must be between 256 and 1024 (got 2048)" $f -M none -device virtio-net-pci,tx_queue_size=2048
check 1 "property 'duplex' does not accept 'x' (valid: unknown, half, full)" $f -M none -device virtio-net-device,duplex=x
check 1 "virtio-net-pci: no property 'rss'" $f -M none -device virtio-net-pci,rss=on
# aarch64's default board is virt (it builds; dumpdtb= exits once it has).
kt=$(mktemp -d)
check 0 "dtb dumped to $kt/default.dtb" "$dir/ferry-system-aarch64" -machine dumpdtb=$kt/default.dtb
check 1 "the x86_64 default (q35) is not implemented yet" "$dir/ferry-system-x86_64"
check 1 "unknown log item 'nope'" $f -d nope
check 1 "block devices" $f -hda disk.img
# The virt board: its keys, -dtb, and honest refusals.
check 0 "virt-7.2" $f -M help
check 0 "gic-version" $f -M virt,help
check 1 "gic-version=5 is not a GIC version (valid: 2, 3, max)" $f -machine virt,gic-version=5
check 1 "gic-version=host needs KVM" $f -M virt,gic-version=host
check 1 "highmem=maybe: Parameter 'highmem' expects 'on' or 'off'" $f -M virt,highmem=maybe
check 1 "Invalid parameter 'usb' for machine 'virt'" $f -M virt,usb=on
check 1 "acpi=on needs ACPI tables, which are not implemented yet" $f -M virt,acpi=on
check 1 "gic-version=2 supports at most 8 CPUs" $f -M virt -smp 9
check 1 "with highmem=off RAM must end below 4 GiB" $f -M virt,highmem=off -m 4G
check 1 "-dtb /etc/hostname: not a device tree blob" $f -M virt -dtb /etc/hostname
# Board values are checked before any backend opens (no wait for a client).
check 1 "gic-version=5 is not a GIC version" $f -serial tcp:127.0.0.1:0,server=on,wait=on -M virt,gic-version=5
check 0 "dtb dumped" $f -M virt-7.2,gic-version=3,secure=on,virtualization=on,dumpdtb=$kt/s.dtb -smp 4 -m 1G
# -kernel: an arm64 Image (or an ELF program) or a clear error, exit 1.
head -c 100 /dev/zero >"$kt/zero"
printf 'short' >"$kt/short"
{ head -c 56 /dev/zero; printf 'ARM\144'; head -c 8 /dev/zero; } >"$kt/Image"
check 1 "-kernel $kt/zero: not an arm64 Linux Image" $f -M virt -kernel "$kt/zero"
check 1 "-kernel $kt/short: truncated arm64 Image" $f -M virt -kernel "$kt/short"
check 1 "-initrd /nonexistent/initrd: cannot read file" $f -M virt -kernel "$kt/Image" -initrd /nonexistent/initrd
check 1 "not an ELF64 little-endian AArch64 executable" $f -M virt -kernel "$f"
check 1 "do not fit in RAM" $f -M virt -m 4M -kernel "$kt/Image" -initrd "$f"
{ printf '\037\213\010\000\000\000\000\000\000\003'; head -c 64 /dev/zero; } >"$kt/bad.gz"
check 1 "-kernel $kt/bad.gz: corrupt gzip data" $f -M virt -kernel "$kt/bad.gz"
# -dtb: anything but a whole tree is refused before the guest runs.
check 1 "-dtb $f: not a device tree blob (no FDT magic)" $f -M virt -kernel "$kt/Image" -dtb "$f"
check 1 "-dtb $kt/short: not a device tree blob (no FDT magic)" $f -M virt -dtb "$kt/short"
head -c 200 "$kt/s.dtb" >"$kt/cut.dtb"
check 1 "-dtb $kt/cut.dtb: not a device tree blob (FDT_ERR_TRUNCATED)" $f -M virt -dtb "$kt/cut.dtb"
check 1 "-dtb /nonexistent.dtb: cannot read file" $f -M virt -dtb /nonexistent.dtb
rm -rf "$kt"
# -fw_cfg: QEMU's forms and rules.
check 1 "exactly one of file= and string= is needed" $f -M none -fw_cfg opt/x
check 1 "name too long" $f -M none -fw_cfg opt/0123456789012345678901234567890123456789012345678901,string=x
check 1 "-fw_cfg opt/x,string=y: machine 'none' has no fw_cfg device" $f -M none -fw_cfg opt/x,string=y
check 1 'should be prefixed with "opt/"' $f -M none -fw_cfg etc/x,string=y

# The monitor on the empty machine, driven through stdin.
monitor_case() { # text input
    want=$1; input=$2
    out=$(printf '%b' "$input" | timeout 20 $f -M none -m 64M -monitor stdio 2>&1); rc=$?
    if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -qF -- "$want"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: monitor '$input' (exit $rc, wanted \"$want\")"
        printf '%s\n' "$out" | tail -5 | sed 's/^/    /'
    fi
}
monitor_case "ferry 0.1" 'info version\nquit\n'
monitor_case "VM status: paused" 'stop\ninfo status\nquit\n'
monitor_case "(prio 0, ram): ram" 'info mtree\nquit\n'
monitor_case "bus: main-system-bus" 'info qtree\nquit\n'
monitor_case "unknown command: 'frobnicate'" 'frobnicate\nquit\n'
monitor_case "has no power button" 'system_powerdown\nquit\n'

# A half-configured network warns as QEMU does and still runs.
net_case() { # text input args...
    want=$1; input=$2; shift 2
    out=$(printf '%b' "$input" | timeout 20 $f -M none "$@" -monitor stdio 2>&1); rc=$?
    if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -qF -- "$want"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: net case $* (exit $rc, wanted \"$want\")"
        printf '%s\n' "$out" | tail -5 | sed 's/^/    /'
    fi
}
net_case "warning: netdev n0 has no peer" 'quit\n' -netdev user,id=n0
net_case "warning: hub 0 with no nics" 'quit\n' -net user
net_case "warning: hub port hub0port0 has no peer" 'quit\n' -net nic,model=e1000
net_case "requested NIC (anonymous, model e1000) was not created" 'quit\n' -nic user,model=e1000
net_case "requested NIC (anonymous, model virtio) was not created" 'quit\n' -net nic,model=virtio -net user
net_case "hub 1 with no nics" 'quit\n' -netdev user,id=u -netdev hubport,id=h1,hubid=1,netdev=u
net_case " \\ hub0port1: #net1: index=0,type=user,net=10.0.2.0,restrict=off" 'info network\nquit\n'
net_case "u0: index=0,type=user,net=192.168.7.0,restrict=on" 'info network\nquit\n' \
    -netdev user,id=u0,net=192.168.7.0/24,restrict=on
net_case "TCP[HOST_FORWARD]" 'hostfwd_add u0 tcp:127.0.0.1:0-:22\ninfo usernet\nquit\n' -netdev user,id=u0
net_case "host forwarding rule for tcp:127.0.0.1:0 not found" \
    'hostfwd_remove u0 tcp:127.0.0.1:0\nquit\n' -netdev user,id=u0
net_case "Error: Device 'nosuch' not found" 'set_link nosuch off\nquit\n'
pcap=$(mktemp)
net_case "netdev n0 has no peer" 'quit\n' -netdev user,id=n0 -object filter-dump,id=f,netdev=n0,file=$pcap
magic=$(od -A n -t x1 -N 4 "$pcap" | tr -d ' ')
if [ "$magic" = d4c3b2a1 ] || [ "$magic" = a1b2c3d4 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: filter-dump did not write a pcap header to $pcap"; fi
rm -f "$pcap"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
