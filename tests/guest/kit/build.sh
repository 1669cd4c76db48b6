#!/bin/sh
# Builds ferry's guest kits from Debian packages only (see tests/guest/README.md).
#
#   BUILD=/abs/build sh tests/guest/kit/build.sh        (what `make guests` runs)
#
# Environment:
#   BUILD        output root (default: ./build); kits go to $BUILD/guests/<arch>/
#   KIT_ARCHES   which kits (default: "arm64 amd64")
#   KIT_FORCE=1  rebuild even when the stamps say the kit is up to date
#
# Per arch it produces, in $BUILD/guests/<arch>/:
#   vmlinuz              the kernel exactly as Debian ships it in /boot
#   Image, Image.gz      (arm64) the raw Image and a gzip'd copy of it
#   bzImage              (amd64) the bzImage (a link to vmlinuz)
#   initramfs.cpio.gz    gzip'd newc cpio: busybox, iperf3 + libraries, modules, /init
#   kernel-version       uname -r of that kernel
#   config               the kernel's .config
#   kit.env              shell-sourceable summary (paths, console, versions)
#   manifest             packages and versions, modules (module or built-in)
#
# Downloaded .debs are cached in $BUILD/guests/cache/. Each stage has a stamp
# keyed on the package versions and the content of the kit's own files, so a
# second run with nothing changed only asks apt-cache for the candidate versions.
set -eu

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$(pwd)/build}
GUESTS=$BUILD/guests
CACHE=$GUESTS/cache
WORK=$GUESTS/work
KIT_ARCHES=${KIT_ARCHES:-arm64 amd64}
KIT_FORCE=${KIT_FORCE:-0}

# ---- messages ---------------------------------------------------------------

note() { echo "guests: $*" >&2; }
die()  { echo "guests: error: $*" >&2; exit 1; }

# ---- tools ------------------------------------------------------------------

command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 ||
    die "the guest kit is built from Debian packages and needs apt-get and dpkg (a Debian host)"
for t in dpkg-deb apt-cache cpio gzip depmod readelf sha256sum awk find; do
    command -v "$t" >/dev/null 2>&1 ||
        die "'$t' is missing: run 'sh scripts/deps.sh guests' (make guests does)"
done

if [ "$(id -u)" = 0 ]; then
    as_root() { "$@"; }
    APT_DL_OPTS="-o APT::Sandbox::User=root"
else
    as_root() {
        command -v sudo >/dev/null 2>&1 || die "need root for: $* (no sudo found)"
        sudo "$@"
    }
    APT_DL_OPTS=""
fi

HOST_ARCH=$(dpkg --print-architecture)

hash_str()  { printf '%s' "$1" | sha256sum | cut -c1-64; }
hash_files() { cat "$@" | sha256sum | cut -c1-64; }
canon()     { tr ' ' '\n' | grep -v '^$' | LC_ALL=C sort -u | tr '\n' ' '; }

# ---- apt ----------------------------------------------------------------------

# apt-cache rebuilds its package cache on every call where Debian's docker
# images disable the cache file (about a second each), so candidates are
# asked for in batches and kept in a table: "pkg arch version sha256".
CAND=$WORK/candidates

APT_UPDATED=0
apt_update() {
    [ "$APT_UPDATED" = 1 ] && return 0
    APT_UPDATED=1
    note "apt-get update"
    as_root apt-get update -q >"$WORK/apt-update.log" 2>&1 ||
        note "warning: apt-get update failed (continuing with the lists there are): $(tail -n 3 "$WORK/apt-update.log" | tr '\n' ' ')"
    : >"$CAND"
}

# cand_load PKG:ARCH...: add the candidates of these packages to the table.
cand_load() {
    apt-cache show --no-all-versions "$@" 2>/dev/null | awk -F': ' '
        function out() { if (p != "") print p, a, v, h; p = a = v = h = "" }
        /^Package: /      { p = $2 }
        /^Architecture: / { a = $2 }
        /^Version: /      { v = $2 }
        /^SHA256: /       { h = $2 }
        /^$/              { out() }
        END               { out() }' >>"$CAND"
    return 0
}

# cand_get PKG ARCH FIELD(3=version 4=sha256 2=arch): the candidate of
# PKG:ARCH (or PKG:all), from the table, asking apt-cache on a miss.
cand_get() {
    r=$(awk -v p="$1" -v a="$2" -v f="$3" '$1 == p && ($2 == a || $2 == "all") { print $f; exit }' "$CAND")
    if [ -z "$r" ]; then
        cand_load "$1:$2"
        r=$(awk -v p="$1" -v a="$2" -v f="$3" '$1 == p && ($2 == a || $2 == "all") { print $f; exit }' "$CAND")
    fi
    echo "$r"
}
cand_version() { cand_get "$1" "$2" 3; }

# Register ARCH with dpkg when it is foreign (apt lists it only then).
ensure_arch() {
    if [ "$1" != "$HOST_ARCH" ] &&
       ! dpkg --print-foreign-architectures | grep -qx "$1"; then
        note "adding the foreign architecture $1 to dpkg"
        as_root dpkg --add-architecture "$1"
        APT_UPDATED=0
        apt_update
    fi
}

# resolve_all: the real kernel package of each arch (KPKG_<arch>) and the
# candidate table for everything the stamps need, in two apt-cache calls.
resolve_all() {
    # When nothing apt reads has changed since the last run (the package
    # lists, sources, pinning, dpkg's architectures), neither have the
    # answers: reuse them and skip apt-cache altogether.
    fp=$( (dpkg --print-foreign-architectures; echo "$KIT_ARCHES"
           ls -l --full-time /var/lib/apt/lists /etc/apt/sources.list.d /etc/apt/preferences.d
           cat /etc/apt/sources.list /etc/apt/preferences) 2>/dev/null | sha256sum | cut -c1-64)
    if [ "$APT_UPDATED" = 0 ] && [ -s "$WORK/kernels" ] && [ -s "$CAND" ] &&
       [ "$(cat "$WORK/apt-fingerprint" 2>/dev/null)" = "$fp" ]; then
        return 0
    fi
    rm -f "$WORK/apt-fingerprint"
    metas=""
    for a in $KIT_ARCHES; do metas="$metas linux-image-$a:$a"; done
    # shellcheck disable=SC2086
    apt-cache depends $metas 2>/dev/null | awk '
        /^[^ ]/ { a = $0; sub(/^linux-image-/, "", a); sub(/:.*/, "", a) }
        /^ *Depends: linux-image-[0-9]/ && !(a in done) {
            k = $0; sub(/.*Depends: /, "", k); sub(/:.*/, "", k); print a, k; done[a] = 1 }' >"$WORK/kernels"
    : >"$CAND"
    names=""
    for a in $KIT_ARCHES; do
        k=$(awk -v a="$a" '$1 == a { print $2 }' "$WORK/kernels")
        names="$names busybox-static:$a iperf3:$a${k:+ $k:$a}"
        [ -f "$GUESTS/$a/.userland-packages" ] &&
            names="$names $(awk -v a="$a" '{ printf " %s:%s", $1, a }' "$GUESTS/$a/.userland-packages")"
    done
    # shellcheck disable=SC2086
    cand_load $names
    echo "$fp" >"$WORK/apt-fingerprint"
}

# fetch_deb PKG ARCH VERSION: leaves the cached .deb's path in $DEB.
# Downloads into a private temporary directory and renames into the cache, so
# an interrupted download never leaves a file under the final name.
fetch_deb() {
    pkg=$1 farch=$2 ver=$3
    DEB="$CACHE/${pkg}_$(printf '%s' "$ver" | sed 's/:/%3a/g')_${farch}.deb"
    [ -s "$DEB" ] && return 0
    want_sha=$(cand_get "$pkg" "$farch" 4)
    tries=0
    while :; do
        tries=$((tries + 1))
        tmp=$(mktemp -d "$CACHE/.dl.XXXXXX")
        note "downloading $pkg:$farch $ver"
        # shellcheck disable=SC2086
        if (cd "$tmp" && apt-get -q $APT_DL_OPTS download "$pkg:$farch=$ver") >"$tmp/log" 2>&1; then
            got=$(find "$tmp" -name '*.deb' | head -n 1)
            if [ -n "$got" ]; then
                sha=$(sha256sum "$got" | cut -c1-64)
                if [ -z "$want_sha" ] || [ "$sha" = "$want_sha" ]; then
                    mv "$got" "$DEB"
                    rm -rf "$tmp"
                    return 0
                fi
                echo "checksum mismatch: got $sha, the archive says $want_sha" >>"$tmp/log"
            else
                echo "apt-get download succeeded but left no .deb" >>"$tmp/log"
            fi
        fi
        why=$(grep -E '^(E|W|Err):|mismatch|left no' "$tmp/log" | tail -n 3 | tr '\n' ' ')
        [ -n "$why" ] || why=$(tail -n 3 "$tmp/log" | tr '\n' ' ')
        rm -rf "$tmp"
        [ "$tries" -ge 3 ] && die "could not download $pkg:$farch version $ver after $tries tries: $why"
        note "download of $pkg:$farch failed (try $tries of 3): $why"
        # A 404 or unknown version usually means stale package lists.
        case $why in *404*|*"Unable to locate"*|*"Can't find a source"*|*"not found"*) apt_update ;; esac
        sleep $((tries * 2))
    done
}

# ---- the kernel stage -----------------------------------------------------------

# build_kernel ARCH KPKG KVERSION
build_kernel() {
    arch=$1 kpkg=$2 kver_pkg=$3
    out=$GUESTS/$arch
    key=$(hash_str "$kpkg=$kver_pkg $(hash_files "$KIT_DIR/build.sh" "$KIT_DIR/modules.list")")
    if [ "$KIT_FORCE" != 1 ] && [ -f "$out/.stamp-kernel" ] &&
       [ "$(cat "$out/.stamp-kernel")" = "$key" ] && [ -f "$out/vmlinuz" ] &&
       [ -d "$WORK/$arch/modroot" ]; then
        KERNEL_KEY=$key
        return 0
    fi
    fetch_deb "$kpkg" "$arch" "$kver_pkg"
    note "$arch: extracting $kpkg $kver_pkg"
    kx=$WORK/$arch/kernel-x
    rm -rf "$kx" "$WORK/$arch/modroot" "$out/.stamp-kernel" "$out/.stamp-initramfs"
    mkdir -p "$kx" "$out"
    dpkg-deb -x "$DEB" "$kx"
    kver=$(ls "$kx/lib/modules" | head -n 1)
    [ -n "$kver" ] && [ -f "$kx/boot/vmlinuz-$kver" ] ||
        die "$DEB has no /boot/vmlinuz-<version> and /lib/modules/<version>"
    mdir=$kx/lib/modules/$kver

    # The kernel image(s).
    rm -f "$out/vmlinuz" "$out/Image" "$out/Image.gz" "$out/bzImage"
    cp "$kx/boot/vmlinuz-$kver" "$out/vmlinuz"
    cp "$kx/boot/config-$kver" "$out/config"
    case $arch in
    arm64)
        if [ "$(head -c 2 "$out/vmlinuz" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then
            gzip -dc "$out/vmlinuz" >"$out/Image"
            cp "$out/vmlinuz" "$out/Image.gz"
        else
            # Debian's signed arm64 package ships the raw (EFI-signed) Image.
            cp "$out/vmlinuz" "$out/Image"
            gzip -9n <"$out/Image" >"$out/Image.gz"
        fi
        # arm64 Image header: "ARM\x64" at offset 56.
        [ "$(dd if="$out/Image" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 41524d64 ] ||
            die "$out/Image is not an arm64 Image (no ARM\\x64 magic)"
        ;;
    amd64)
        ln -s vmlinuz "$out/bzImage"
        [ "$(dd if="$out/vmlinuz" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] ||
            die "$out/vmlinuz is not a bzImage (no HdrS)"
        ;;
    esac

    # Full dependency information for Debian's whole module tree.
    depmod -b "$kx" "$kver"

    # Resolve the wanted modules and their dependencies.
    modroot=$WORK/$arch/modroot
    mkdir -p "$modroot/lib/modules/$kver"
    : >"$WORK/$arch/modules.manifest"
    : >"$WORK/$arch/modules.files"
    grep -v '^[[:space:]]*#' "$KIT_DIR/modules.list" | awk 'NF >= 2 { print $1, $2 }' |
    while read -r name class; do
        norm=$(echo "$name" | tr - _)
        path=$(awk -F: -v n="$norm" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko(\.(xz|zst|gz))?$/, "", b); gsub(/-/, "_", b);
                                      if (b == n) { print $1; exit } }' "$mdir/modules.dep")
        if [ -n "$path" ]; then
            echo "$norm $class module $path" >>"$WORK/$arch/modules.manifest"
            awk -F: -v p="$path" '$1 == p { print $1; n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
                "$mdir/modules.dep" >>"$WORK/$arch/modules.files"
        elif awk -v n="$norm" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b); if (b == n) f = 1 }
                                END { exit !f }' "$mdir/modules.builtin"; then
            echo "$norm $class builtin -" >>"$WORK/$arch/modules.manifest"
        else
            die "$arch: module '$name' (tests/guest/kit/modules.list) is neither a module nor built into $kpkg"
        fi
    done
    sort -u "$WORK/$arch/modules.files" | while read -r f; do
        dst=$modroot/lib/modules/$kver/$(echo "$f" | sed -E 's/\.(xz|zst|gz)$//')
        mkdir -p "$(dirname "$dst")"
        case $f in
        *.xz)  xz -dc "$mdir/$f" >"$dst" ;;      # busybox modprobe loads plain .ko only
        *.zst) zstd -qdc "$mdir/$f" >"$dst" ;;
        *.gz)  gzip -dc "$mdir/$f" >"$dst" ;;
        *)     cp "$mdir/$f" "$dst" ;;
        esac
    done
    cp "$mdir/modules.builtin" "$modroot/lib/modules/$kver/"
    # modules.order, cut down to the modules in the kit.
    sed -E 's/\.(xz|zst|gz)$//' "$WORK/$arch/modules.files" | sort -u >"$WORK/$arch/modules.kit"
    sed -E 's/\.(xz|zst|gz)$//' "$mdir/modules.order" | awk 'FNR == NR { k[$0] = 1; next } ($0 in k)' \
        "$WORK/$arch/modules.kit" - >"$modroot/lib/modules/$kver/modules.order"
    # modules.builtin.modinfo lets depmod write modules.builtin.alias.
    cp "$mdir/modules.builtin.modinfo" "$modroot/lib/modules/$kver/"
    depmod -b "$modroot" "$kver"
    # Keep the text files busybox and /init read; drop kmod's binary indexes.
    rm -f "$modroot/lib/modules/$kver"/*.bin "$modroot/lib/modules/$kver/modules.builtin.modinfo"
    # /init's list of modules by class (for ferry.modules=all and the markers).
    awk '{ print $1, $2, $3 }' "$WORK/$arch/modules.manifest" >"$modroot/lib/modules/$kver/ferry-modules"

    echo "$kver" >"$out/kernel-version"
    echo "$kpkg $kver_pkg" >"$WORK/$arch/kernel.pkg"
    rm -rf "$kx"
    echo "$key" >"$out/.stamp-kernel"
    KERNEL_KEY=$key
}

# ---- the userland stage -------------------------------------------------------

# Names of busybox's applets, read from the binary's applet name table (a
# sorted run of NUL-terminated names starting with "["), so that a foreign-arch
# busybox need not run on the host. Checked against known applets below and
# against `busybox --list` when the busybox can run here.
busybox_applets() {
    tr '\0' '\n' <"$1" | LC_ALL=C awk '
        function flush() { if (run > best) { best = run; for (i = 0; i < run; i++) keep[i] = names[i] } run = 0 }
        {
            if (run > 0 && length($0) < 32 && $0 ~ /^[a-z0-9_.[-]+$/ && ($0 "") > (prev "")) {
                names[run++] = $0; prev = $0; next
            }
            flush()
            if ($0 == "[") { names[run++] = $0; prev = $0 }
        }
        END { flush(); for (i = 0; i < best; i++) print keep[i] }'
}

triplet() {
    case $1 in arm64) echo aarch64-linux-gnu ;; amd64) echo x86_64-linux-gnu ;; *) die "unknown arch $1" ;; esac
}

elf_needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
elf_interp() { readelf -l "$1" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p'; }

# Direct dependencies of PKG:ARCH that are themselves ARCH packages (not
# Architecture: all, not virtual): where a NEEDED library can come from.
arch_deps() {
    deps=$(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances "$1:$2" 2>/dev/null |
        awk '/^ *\|?(Pre)?Depends: [^<]/ { sub(/.*Depends: /, ""); sub(/:.*/, ""); print }' | sort -u)
    # One apt-cache call for the candidates not in the table yet.
    miss=""
    for d in $deps; do
        awk -v p="$d" '$1 == p { f = 1 } END { exit !f }' "$CAND" || miss="$miss $d:$2"
    done
    # shellcheck disable=SC2086
    [ -z "$miss" ] || cand_load $miss
    for d in $deps; do
        [ "$(cand_get "$d" "$2" 2)" = "$2" ] && echo "$d"
    done
    return 0
}

# Find a shared library SONAME in the extracted packages under $ux.
find_lib() {
    for d in "lib/$TRIPLET" "usr/lib/$TRIPLET" lib usr/lib; do
        for p in "$ux"/*/"$d/$1"; do
            [ -e "$p" ] && { echo "$p"; return 0; }
        done
    done
    return 1
}

# build_userland ARCH: busybox + iperf3 + the libraries iperf3 NEEDs.
# The library packages come from apt's dependency metadata (walked level by
# level from iperf3 until every NEEDED soname is found), so nothing is listed
# by hand; the ELF NEEDED entries decide which files go in.
build_userland() {
    arch=$1
    out=$GUESTS/$arch
    TRIPLET=$(triplet "$arch")
    # The key: versions of the packages the last build used (the library set
    # is a function of those versions) and the script.
    pkgs="busybox-static iperf3"
    [ -f "$out/.userland-packages" ] && pkgs="$pkgs $(awk '{ print $1 }' "$out/.userland-packages")"
    vers=""
    for p in $pkgs; do vers="$vers $p=$(cand_version "$p" "$arch")"; done
    key=$(hash_str "$(echo "$vers" | canon) $(hash_files "$KIT_DIR/build.sh")")
    if [ "$KIT_FORCE" != 1 ] && [ -f "$out/.stamp-userland" ] &&
       [ "$(cat "$out/.stamp-userland")" = "$key" ] && [ -d "$WORK/$arch/userroot" ]; then
        USERLAND_KEY=$key
        return 0
    fi
    note "$arch: assembling busybox, iperf3 and its libraries"
    ux=$WORK/$arch/user-x
    ur=$WORK/$arch/userroot
    rm -rf "$ux" "$ur" "$out/.stamp-userland" "$out/.stamp-initramfs"
    mkdir -p "$ux" "$ur"
    used=$WORK/$arch/userland.pkgs
    : >"$used"

    # extract PKG: download the candidate and unpack it under $ux/PKG.
    extract() {
        [ -d "$ux/$1" ] && return 0
        v=$(cand_version "$1" "$arch")
        [ -n "$v" ] || die "$arch: no candidate version for package $1:$arch"
        fetch_deb "$1" "$arch" "$v"
        mkdir -p "$ux/$1"
        dpkg-deb -x "$DEB" "$ux/$1"
        echo "$1 $v" >>"$ux/.versions"
    }

    # Merged-/usr layout, as Debian bookworm installs it.
    mkdir -p "$ur/usr/bin" "$ur/usr/lib/$TRIPLET"
    ln -s usr/bin "$ur/bin"
    ln -s usr/bin "$ur/sbin"
    ln -s bin "$ur/usr/sbin"
    ln -s usr/lib "$ur/lib"
    [ "$arch" = amd64 ] && { mkdir -p "$ur/usr/lib64"; ln -s usr/lib64 "$ur/lib64"; }

    # busybox and its applet links.
    extract busybox-static
    echo "busybox-static $(cand_version busybox-static "$arch")" >>"$used"
    bb=$ux/busybox-static/bin/busybox
    [ -f "$bb" ] || die "busybox-static:$arch has no /bin/busybox"
    [ -z "$(elf_needed "$bb")" ] || die "busybox-static:$arch's busybox is not static"
    cp "$bb" "$ur/usr/bin/busybox"
    busybox_applets "$bb" >"$WORK/$arch/applets"
    for a in sh mount modprobe udhcpc ip poweroff reboot awk sed hexdump setsid cttyhack base64; do
        grep -qx "$a" "$WORK/$arch/applets" ||
            die "busybox applet list read from busybox-static:$arch lacks '$a' ($(wc -l <"$WORK/$arch/applets") names found)"
    done
    if "$bb" true >/dev/null 2>&1; then
        "$bb" --list | sort >"$WORK/$arch/applets.run"
        sort "$WORK/$arch/applets" | diff -q - "$WORK/$arch/applets.run" >/dev/null ||
            die "the applet names read from busybox differ from 'busybox --list'"
    fi
    while read -r a; do
        case $a in busybox) continue ;; esac
        ln -s busybox "$ur/usr/bin/$a"
    done <"$WORK/$arch/applets"

    # iperf3 and its library closure.
    extract iperf3
    echo "iperf3 $(cand_version iperf3 "$arch")" >>"$used"
    cp "$ux/iperf3/usr/bin/iperf3" "$ur/usr/bin/iperf3"
    interp=$(elf_interp "$ux/iperf3/usr/bin/iperf3")
    [ -n "$interp" ] || die "iperf3:$arch has no ELF interpreter"
    ibase=$(basename "$interp")
    elfs="$ur/usr/bin/iperf3"
    frontier="iperf3"
    level=0
    # Copy NEEDED libraries until nothing changes; when a soname is in none
    # of the packages unpacked so far, unpack the next level of dependencies.
    while :; do
        changed=0
        unresolved=""
        for elf in $elfs; do
            for so in $(elf_needed "$elf"); do
                [ "$so" = "$ibase" ] && continue
                if [ -e "$ur/usr/lib/$TRIPLET/$so" ] || [ -e "$ur/usr/lib/$so" ]; then continue; fi
                if src=$(find_lib "$so"); then
                    rel=${src#"$ux"/*/}
                    owner=${src#"$ux"/}; owner=${owner%%/*}
                    mkdir -p "$ur/$(dirname "$rel")"
                    cp -L "$src" "$ur/$rel"
                    grep -q "^$owner " "$used" || grep "^$owner " "$ux/.versions" >>"$used"
                    elfs="$elfs $ur/$rel"
                    changed=1
                else
                    unresolved="$unresolved $so"
                fi
            done
        done
        [ "$changed" = 1 ] && continue
        [ -z "$unresolved" ] && break
        level=$((level + 1))
        [ "$level" -le 6 ] && [ -n "$frontier" ] ||
            die "$arch: no package among iperf3's dependencies provides:$unresolved"
        new=""
        for p in $frontier; do
            for d in $(arch_deps "$p" "$arch"); do
                [ -d "$ux/$d" ] && continue
                extract "$d"
                new="$new $d"
            done
        done
        frontier=$new
    done
    # The dynamic loader at the path the binaries ask for.
    ipath=$(find_lib "$(basename "$interp")") ||
        die "$arch: the dynamic loader $(basename "$interp") is in none of the packages"
    mkdir -p "$ur$(dirname "$interp")"
    cp -L "$ipath" "$ur$interp"
    owner=${ipath#"$ux"/}; owner=${owner%%/*}
    grep -q "^$owner " "$used" || grep "^$owner " "$ux/.versions" >>"$used"

    # Check: every NEEDED of every ELF in the tree is present in the tree.
    # shellcheck disable=SC2044 # our own tree: no blanks in names
    for elf in $(find "$ur" -type f); do
        case $(head -c 4 "$elf" | od -An -c | tr -d ' \n') in *ELF*) ;; *) continue ;; esac
        for so in $(elf_needed "$elf"); do
            [ "$so" = "$(basename "$interp")" ] && continue
            [ -e "$ur/usr/lib/$TRIPLET/$so" ] || [ -e "$ur/usr/lib/$so" ] ||
                die "$arch: ${elf#"$ur"} needs $so, which is not in the kit"
        done
    done

    sort -u "$used" >"$out/.userland-packages"
    rm -rf "$ux"
    # The key again, now with the library packages this build found (the
    # same form as computed above on the next run).
    vers=$(awk '{ printf " %s=%s", $1, $2 }' "$out/.userland-packages")
    key=$(hash_str "$(echo "$vers" | canon) $(hash_files "$KIT_DIR/build.sh")")
    echo "$key" >"$out/.stamp-userland"
    USERLAND_KEY=$key
}

# ---- the initramfs ------------------------------------------------------------

# One newc cpio header + name (padded), for entries we cannot create on disk
# without root (the /dev/console node).
newc_entry() { # NAME MODE(octal) RDEVMAJOR RDEVMINOR
    name=$1 mode=$2 maj=$3 min=$4
    namesize=$((${#name} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        0 "$((0$mode))" 0 0 1 0 0 0 0 "$maj" "$min" "$namesize" 0 "$name"
    pad=$(( (4 - (110 + namesize) % 4) % 4 ))
    [ "$pad" -gt 0 ] && head -c "$pad" /dev/zero
    return 0
}

build_initramfs() {
    arch=$1
    out=$GUESTS/$arch
    kver=$(cat "$out/kernel-version")
    key=$(hash_str "$KERNEL_KEY $USERLAND_KEY $(hash_files "$KIT_DIR/build.sh" "$KIT_DIR/init" "$KIT_DIR/udhcpc.script")")
    if [ "$KIT_FORCE" != 1 ] && [ -f "$out/.stamp-initramfs" ] &&
       [ "$(cat "$out/.stamp-initramfs")" = "$key" ] && [ -f "$out/initramfs.cpio.gz" ]; then
        note "$arch: up to date ($(cat "$out/kernel-version"))"
        return 0
    fi
    note "$arch: packing the initramfs"
    root=$WORK/$arch/root
    rm -rf "$root"
    cp -a "$WORK/$arch/userroot" "$root"
    cp -a "$WORK/$arch/modroot/lib/modules" "$root/usr/lib/"
    for d in dev proc sys run tmp root etc mnt; do mkdir -p "$root/$d"; done
    chmod 1777 "$root/tmp"
    cp "$KIT_DIR/init" "$root/init"
    cp "$KIT_DIR/udhcpc.script" "$root/etc/udhcpc.script"
    chmod 755 "$root/init" "$root/etc/udhcpc.script"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
    printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
    printf 'ferry\n' >"$root/etc/hostname"
    : >"$root/etc/resolv.conf"
    printf 'export PATH=/usr/bin:/usr/sbin:/bin:/sbin\nexport PS1=%s\n' "'\$(hostname)# '" >"$root/etc/profile"
    {
        echo "kernel $kver"
        cat "$out/.userland-packages"
    } >"$root/etc/ferry-kit"
    # Fixed timestamps: the same inputs give the same archive.
    find "$root" -exec touch -h -d @0 {} +

    tmp=$out/.initramfs.tmp
    {
        newc_entry dev 040755 0 0
        newc_entry dev/console 020600 5 1
        (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
            cpio -o -H newc -R 0:0 --reproducible --quiet)
    } | gzip -9n >"$tmp"
    mv "$tmp" "$out/initramfs.cpio.gz"
    rm -rf "$root"

    # kit.env and the manifest.
    case $arch in
    arm64) kernel=Image; console=ttyAMA0; qarch=aarch64 ;;
    amd64) kernel=bzImage; console=ttyS0; qarch=x86_64 ;;
    esac
    {
        echo "# ferry guest kit ($arch): source this file"
        echo "KIT_ARCH=$arch"
        echo "KIT_QEMU_ARCH=$qarch"
        echo "KIT_KERNEL=$out/$kernel"
        echo "KIT_VMLINUZ=$out/vmlinuz"
        [ "$arch" = arm64 ] && echo "KIT_KERNEL_GZ=$out/Image.gz"
        echo "KIT_INITRD=$out/initramfs.cpio.gz"
        echo "KIT_CONSOLE=$console"
        echo "KIT_KVER=$kver"
        echo "KIT_KERNEL_PKG='$(cat "$WORK/$arch/kernel.pkg")'"
        echo "KIT_BUSYBOX='$(awk '$1 == "busybox-static" { print $2 }' "$out/.userland-packages")'"
        echo "KIT_IPERF3='$(awk '$1 == "iperf3" { print $2 }' "$out/.userland-packages")'"
    } >"$out/kit.env"
    {
        echo "# ferry guest kit ($arch)"
        echo "kernel-package $(cat "$WORK/$arch/kernel.pkg")"
        echo "kernel-version $kver"
        awk '{ print "package", $1, $2 }' "$out/.userland-packages"
        awk '{ print "module", $1, $2, $3 }' "$WORK/$arch/modroot/lib/modules/$kver/ferry-modules"
        echo "initramfs-bytes $(wc -c <"$out/initramfs.cpio.gz" | tr -d ' ')"
    } >"$out/manifest"
    echo "$key" >"$out/.stamp-initramfs"
    note "$arch: $out/initramfs.cpio.gz ($(($(wc -c <"$out/initramfs.cpio.gz") / 1024)) KiB), kernel $kver"
}

# ---- main ---------------------------------------------------------------------------

mkdir -p "$CACHE" "$WORK"
# One build at a time per build directory.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$GUESTS/.lock"
    flock 9
fi
trap 'rm -rf "$CACHE"/.dl.* "$GUESTS"/*/.initramfs.tmp' EXIT

for arch in $KIT_ARCHES; do
    case $arch in arm64|amd64) ;; *) die "unknown kit arch '$arch' (arm64, amd64)" ;; esac
    ensure_arch "$arch"
done
resolve_all
for arch in $KIT_ARCHES; do
    if [ -z "$(cand_version busybox-static "$arch")" ] ||
       ! awk -v a="$arch" '$1 == a { f = 1 } END { exit !f }' "$WORK/kernels"; then
        apt_update
        resolve_all
        break
    fi
done

for arch in $KIT_ARCHES; do
    [ -n "$(cand_version busybox-static "$arch")" ] ||
        die "apt knows no $arch packages (busybox-static:$arch not found); the kit needs Debian bookworm's main archive in the apt sources"
    kpkg=$(awk -v a="$arch" '$1 == a { print $2 }' "$WORK/kernels")
    [ -n "$kpkg" ] || die "cannot resolve linux-image-$arch:$arch to a kernel package (apt-cache depends found none)"
    kv=$(cand_version "$kpkg" "$arch")
    [ -n "$kv" ] || die "no candidate version for $kpkg:$arch"
    mkdir -p "$WORK/$arch" "$GUESTS/$arch"
    build_kernel "$arch" "$kpkg" "$kv"
    build_userland "$arch"
    build_initramfs "$arch"
done
