#!/usr/bin/env bash
# The structs family's codecs: ns per decode and encode of HAMMER2's
# 128-byte blockref and of the UFS1 superblock (1377 bytes), generated
# code beside memcpy, a decoder written field by field, XDR (libtirpc)
# and protobuf-c over the same fields, all in one run at -O2, with the
# allocations each makes per operation.  'gen' and 'hand' read media in
# the host's byte order, 'gen-sw' and 'hand-sw' the other one.  The
# .proto is derived here from fs_fields.h and compiled with protoc-c in
# a scratch directory.  Figures only: nothing fails on a time.
#
#   bash bench/structs/run.sh [ITERATIONS]	(default 1000000)
# The long fuzz run is bench/structs/fuzz.sh.
set -eu

N=${1:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
STRUCTS=$TOP/sys-overlays/sys/dfgen/structs
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in protoc-c pkg-config; do
	command -v "$tool" >/dev/null || {
		echo "bench/structs: skipped: no $tool (run bootstrap.sh)"
		exit 0
	}
done
pkg-config --exists libtirpc libprotobuf-c || {
	echo "bench/structs: skipped: no libtirpc or libprotobuf-c (run bootstrap.sh)"
	exit 0
}

for def in ufs1 hammer2_media; do
	"$PYTHON" "$TOP/generators/dfgen" structs "$STRUCTS/$def.def" \
	    -o "$work" >/dev/null
done

# The .proto: the blockref's fields, and the superblock's from the list
# the C baselines use; field numbers in order.
{
	cat <<'PROTO'
syntax = "proto3";
message Bref {
	uint32 type = @; uint32 methods = @; uint32 copyid = @;
	uint32 keybits = @; uint32 vradix = @; uint32 flags = @;
	uint32 leaf_count = @; uint64 key = @; uint64 mirror_tid = @;
	uint64 modify_tid = @; uint64 data_off = @; uint64 update_tid = @;
	uint64 data_count = @; uint64 inode_count = @; uint32 check_value = @;
}
PROTO
	echo 'message SuperBlock {'
	cpp -P -D'I32(f)=int32 f = @;' -D'I32A(f,n)=repeated int32 f = @;' \
	    -D'I16A(f,n)=repeated int32 f = @;' -D'CSUM(f)=repeated int32 f = @;' \
	    -D'U8(f)=uint32 f = @;' -D'BYTES(f,n)=bytes f = @;' \
	    -D'U64(f)=uint64 f = @;' -D'I64(f)=int64 f = @;' "$HERE/fs_fields.h" |
	    tr ';' '\n' | sed -n 's/^ *\(.*=.*\)$/\t\1;/p'
	echo '}'
} | awk '/^message/ { n = 0 } { while (sub(/@/, ++n)); print }' \
    > "$work/bench.proto"
(cd "$work" && protoc-c --c_out=. bench.proto)

# shellcheck disable=SC2046
$CC -O2 -std=gnu11 -Wall -Wextra -I"$TOP/sys-overlays/sys" -I"$work" \
    -I"$HERE" $(pkg-config --cflags libtirpc libprotobuf-c) \
    -o "$work/bench" "$HERE/bench_structs.c" "$work/bench.pb-c.c" \
    "$work/ufs1.c" "$work/hammer2_media.c" "$STRUCTS/dfstruct.c" \
    $(pkg-config --libs libtirpc libprotobuf-c)
echo "$CC $($CC -dumpversion) -O2, $(uname -m)"
"$work/bench" "$N"

# Versioned data: bench_versions.c over versioned.def.
"$PYTHON" "$TOP/generators/dfgen" structs "$HERE/versioned.def" \
    -o "$work" >/dev/null
$CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
    -I"$TOP/sys-overlays/sys" \
    -I"$work" -o "$work/bench_versions" "$HERE/bench_versions.c" \
    "$work/versioned.c" "$STRUCTS/dfstruct.c"
"$work/bench_versions" "$N"
