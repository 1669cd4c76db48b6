#!/bin/sh
# Installs what building, testing and running ferry needs, on Debian/Ubuntu
# (apt-get) or macOS (Homebrew). Idempotent: already-present packages are skipped.
#
#   scripts/deps.sh            build + unit-test dependencies
#   scripts/deps.sh guests     + what `make guests` needs (dpkg tools, cpio, arm64 arch) and
#                                the UEFI firmware for virt that check-boot boots (qemu-efi-aarch64)
#   scripts/deps.sh cross      + aarch64 cross toolchain and qemu-user oracle (ISA tests)
#   scripts/deps.sh net        + the host side of make check-net: python3, iperf3, tshark
#   scripts/deps.sh bench      + the yardstick (qemu-system-*), iperf3, dtc (tests/oracle),
#                                python3 and iproute2 (make bench)
set -e

want="build"
for a in "$@"; do want="$want $a"; done

deb_pkgs() {
    for w in $want; do
        case $w in
        build)  echo pkg-config make gcc clang libglib2.0-dev libslirp-dev libcapstone-dev \
                     zlib1g-dev libvdeplug-dev libfdt-dev libcmocka-dev ;;
        guests) echo cpio gzip dpkg-dev xz-utils zstd kmod binutils qemu-efi-aarch64 ;;
        cross)  echo gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static ;;
        net)    echo python3 iperf3 tshark ;;
        bench)  echo qemu-system-arm qemu-system-x86 iperf3 device-tree-compiler python3 iproute2 ;;
        esac
    done
}

brew_pkgs() {
    for w in $want; do
        case $w in
        build)  echo pkg-config glib libslirp capstone zlib vde dtc cmocka ;;
        guests) echo cpio xz zstd ;;
        cross)  echo aarch64-elf-gcc ;;
        net)    echo python iperf3 wireshark ;;
        bench)  echo qemu iperf3 ;;
        esac
    done
}

sudo_if_needed() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "deps: need root to run: $*" >&2; exit 1; fi
}

case "$(uname -s)" in
Linux)
    if ! command -v apt-get >/dev/null; then
        echo "deps: no apt-get here; install by hand: $(deb_pkgs)" >&2; exit 1
    fi
    missing=""
    for p in $(deb_pkgs); do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && exit 0
    echo "deps: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    sudo_if_needed apt-get update -q >&2 || true
    sudo_if_needed apt-get install -y -q --no-install-recommends $missing >&2
    ;;
Darwin)
    command -v brew >/dev/null || { echo "deps: Homebrew is required on macOS" >&2; exit 1; }
    for p in $(brew_pkgs); do brew list "$p" >/dev/null 2>&1 || brew install "$p" >&2; done
    ;;
*)
    echo "deps: unsupported host $(uname -s)" >&2; exit 1 ;;
esac
