#!/usr/bin/env bash
# The vm family's VMs.  cBPF: ns per packet on typical filters (from a
# buffer and from an mbuf chain), ns per instruction and the verifier's
# time for 4096 instructions, with the
# interpreter's two dispatches (switch, computed goto) built with
# ordinary flags and with the kernel's (retpolines, no jump tables), each
# beside libpcap's bpf_filter()/bpf_validate(), hand-written C and Lua
# 5.4 measured in the same run.  xvm, the 64-bit VM, beside cBPF the same
# way.  Then correctness at scale: 10^6 random program/packet pairs
# against libpcap, 10^6 programs against bpf_validate(), and 10^6
# programs of each VM under ASan and UBSan.  Figures only: nothing fails
# on a time.
#
#   bash bench/vm/run.sh [PACKETS [ROUNDS [FUZZ]]]
#	(defaults 4096 packets, 50 rounds, 1000000 fuzz programs)
set -eu

PACKETS=${1:-4096}
ROUNDS=${2:-50}
FUZZ=${3:-1000000}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
VM=$TOP/sys-overlays/sys/dfgen/vm
FIX=$TOP/tests/fixtures/vm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ORDINARY="-O2"
KERNEL="-O2 -mindirect-branch=thunk -mfunction-return=thunk -fno-jump-tables"
LUA_CFLAGS=$(pkg-config --cflags lua5.4)
LUA_LIBS=$(pkg-config --libs lua5.4)

# The generator's entry point: 'dfgen vm' once registered.
gen() {
	"$PYTHON" "$TOP/generators/dfgen" vm "$@"
}

# build OUT GENDIR FLAGS SOURCES...
build() {
	local out=$1 dir=$2 flags=$3
	shift 3
	cc -std=c11 $flags -I"$TOP/sys-overlays/sys" -I"$dir" -I"$FIX" \
	    $LUA_CFLAGS -o "$out" "$@" "$dir"/cbpf_tables.c \
	    "$dir"/cbpf_verify.c "$dir"/cbpf_interp.c "$dir"/cbpf_asm.c \
	    "$VM"/dfvm_text.c "$VM"/dfvm_mbuf.c -lpcap $LUA_LIBS
}

for dispatch in switch goto; do
	gen --dispatch $dispatch -o "$work/$dispatch" "$VM/cbpf.def"
	gen --dispatch $dispatch -o "$work/$dispatch" "$VM/xvm.def"
	for flags in ordinary kernel; do
		if [ $flags = kernel ]; then f=$KERNEL; else f=$ORDINARY; fi
		build "$work/bench" "$work/$dispatch" "$f" \
		    "$TOP/bench/vm/cbpf_bench.c" "$FIX/vmtest.c"
		printf '\n== cbpf, %s dispatch, %s flags (%s)\n' $dispatch \
		    $flags "$f"
		"$work/bench" "$TOP/bench/vm/filters.lua" "$PACKETS" "$ROUNDS"
		build "$work/xbench" "$work/$dispatch" "$f" \
		    "$TOP/bench/vm/xvm_bench.c" "$FIX/vmtest.c" \
		    "$work/$dispatch"/xvm_*.c "$VM/xvm_helpers.c"
		printf '\n== xvm, %s dispatch, %s flags\n' $dispatch $flags
		"$work/xbench"
	done
done

printf '\n== correctness at scale\n'
build "$work/pcap" "$work/switch" -O2 "$FIX/cbpf_pcap.c" "$FIX/vmtest.c"
"$work/pcap" random "$FUZZ" 2026
"$work/pcap" verify "$FUZZ" 2026
if command -v clang >/dev/null; then
	clang -std=c11 -O1 -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I"$TOP/sys-overlays/sys" \
	    -I"$work/switch" -I"$FIX" -o "$work/fuzz" "$FIX/cbpf_fuzz.c" \
	    "$FIX/vmtest.c" "$work/switch"/cbpf_tables.c \
	    "$work/switch"/cbpf_verify.c "$work/switch"/cbpf_interp.c \
	    "$work/switch"/cbpf_asm.c "$VM"/dfvm_text.c "$VM"/dfvm_mbuf.c
	"$work/fuzz" "$FUZZ" 2026
	clang -std=c11 -O1 -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I"$TOP/sys-overlays/sys" \
	    -I"$work/switch" -I"$FIX" -o "$work/xfuzz" "$FIX/xvm_fuzz.c" \
	    "$FIX/vmtest.c" "$work/switch"/cbpf_tables.c \
	    "$work/switch"/xvm_*.c "$VM"/dfvm_text.c "$VM"/dfvm_mbuf.c \
	    "$VM"/xvm_helpers.c
	"$work/xfuzz" "$FUZZ" 2026
else
	echo "fuzz: skipped (no clang)"
fi
