#!/usr/bin/env bash
# Asynchronous syscalls on the host (libasyncsys, from host.master):
# ns per call of a direct pread(2), of the same read through the
# library's worker path with 1, 16 and 256 requests per submit, and of
# io_uring (liburing) with the same batches, all measured in this run
# with ratios to the direct call; then getppid(2) direct and through the
# inline path, and the runtime's own cost (requests it completes inline
# with ENOSYS).  Each figure is the best of ROUNDS runs.  Figures only:
# nothing fails on a time.
#
#   bash bench/syscalls/run.sh [OPS [WORKERS [ROUNDS]]]
#	(defaults 100000 calls, 1 worker thread, 3 rounds)
set -eu

OPS=${1:-100000}
WORKERS=${2:-1}
ROUNDS=${3:-3}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
LIB=$TOP/sys-overlays/lib/libasyncsys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! pkg-config --exists liburing; then
	echo "syscalls bench: skipped: liburing is not installed (apt install liburing-dev)"
	exit 0
fi
"$PYTHON" "$TOP/generators/dfgen" syscalls --host -o "$work" "$LIB/host.master"
cc -std=c11 -O2 -I"$TOP/sys-overlays/sys" -I"$LIB" -I"$work" \
    $(pkg-config --cflags liburing) -o "$work/bench" \
    "$TOP/bench/syscalls/asys_bench.c" "$LIB/asys.c" \
    "$work/host_async_host.c" $(pkg-config --libs liburing) -lpthread
echo "$OPS calls each, $WORKERS worker thread(s), $(nproc) CPUs, best of $ROUNDS"
"$work/bench" "$OPS" "$WORKERS" "$work/data" "$ROUNDS"
