#!/bin/sh
# XIO_WRAPPERS: the page-list runtime's copy against memcpy(3) and a
# uio-style copy, 64 B to 16 MiB, and a pipe-style transfer by page-list
# handover against a pipe's double copy.  Figures only, beside their
# baselines from the same run; nothing here fails on a time.
#
#	bench/xio/run.sh [MILLISECONDS per figure, default 20]
#
# Goals (issue 12): the page list at >= 90% of memcpy's bandwidth from
# 64 KiB up, <= 1.2x memcpy's time at 4 KiB (>= 83% in the "vs"
# column), handover >= 2x faster than the double copy from 64 KiB up.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -std=c11 \
    -I"$top/sys-overlays/sys" -o "$tmp/xiobench" "$here/xiobench.c" \
    "$top/sys-overlays/sys/dfgen/xio/dfxio.c"
echo "xio: $(uname -m), $(nproc) CPUs, cc $(cc -dumpversion)"
"$tmp/xiobench" "${1:-20}"
