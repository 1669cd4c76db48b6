#!/bin/sh
# Encodes a shell command for the guest kit's kernel command line.
#
#   encode-cmd.sh 'iperf3 -c 10.0.2.2 -t 5'     ->  ferry.cmd=iperf3%20-c%2010.0.2.2%20-t%205
#   echo 'ip addr; ip route' | encode-cmd.sh    (the command from stdin)
#   encode-cmd.sh -b 'cmd'                      ->  ferry.cmd64=<base64>
#   encode-cmd.sh -n 'cmd'                      ->  the encoded value alone
#
# Percent-encoding keeps the command readable in logs: every byte outside
# [A-Za-z0-9] and - . _ ~ / : , + @ = becomes %XX (space is %20, a newline %0A).
# /init decodes it and runs it with sh. Base64 (-b) suits long scripts.
# Linux takes at most 2047 bytes of command line on arm64 and x86.
set -eu

b64=0 bare=0
while [ $# -gt 0 ]; do
    case $1 in
    -b) b64=1; shift ;;
    -n) bare=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) echo "encode-cmd.sh: unknown option $1 (use -b, -n or -h)" >&2; exit 1 ;;
    *) break ;;
    esac
done

if [ $# -gt 0 ]; then
    cmd() { printf '%s' "$*"; }
else
    cmd() { cat; }
fi

if [ $b64 = 1 ]; then
    key=ferry.cmd64
    val=$(cmd "$@" | base64 | tr -d '\n')
else
    key=ferry.cmd
    val=$(cmd "$@" | od -An -v -tx1 | tr -s ' \n' '\n\n' | grep -v '^$' | awk '
        BEGIN { for (i = 0; i < 256; i++) num[sprintf("%02x", i)] = i
                split("2d 2e 5f 7e 2f 3a 2c 2b 40 3d", s, " "); for (i in s) extra[s[i]] = 1 }
        {
            n = num[$1]
            if ((n >= 48 && n <= 57) || (n >= 65 && n <= 90) || (n >= 97 && n <= 122) || ($1 in extra))
                printf "%c", n
            else
                printf "%%%s", toupper($1)
        }')
fi

if [ $bare = 1 ]; then
    printf '%s\n' "$val"
else
    printf '%s=%s\n' "$key" "$val"
fi
