#!/usr/bin/env bash
# The vm family's VMs.  cBPF: ns per packet on typical filters (from a
# buffer and from an mbuf chain), ns per instruction and the verifier's
# time for 4096 instructions, with the interpreter's three dispatches
# (switch, computed goto, tree) built with three sets of flags, each
# beside libpcap's bpf_filter()/bpf_validate(), hand-written C and Lua
# 5.4 measured in the same run.  The flags: ordinary (-O2); retpolines
# everywhere (thunks for indirect jumps and returns, no jump tables);
# and DragonFly's own kernel flags (sys/platform/pc64/conf/kern.mk with
# gcc 8: inline retpoline thunks for indirect jumps, returns as they
# are, no SSE, no red zone, frame pointers) less -mcmodel=kernel, which
# a program cannot be linked with.  The flags build the VM's code and
# runtime; the drivers and baselines are built with -O2.  xvm, the
# 64-bit VM, beside cBPF the same way.  Floors: the least a verifier
# of bpf_validate()'s rules takes here, and the loads/stores program
# under a tree fit to it alone, the least a dispatch with no indirect
# jump can do for it.  Then correctness at scale: 10^6 random
# program/packet pairs against libpcap, 10^6 programs against
# bpf_validate(), and 10^6 programs of each VM under ASan and UBSan.
# Figures only: nothing fails on a time.
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
RETPOLINE="-O2 -mindirect-branch=thunk -mfunction-return=thunk -fno-jump-tables"
DRAGONFLY="-O2 -fno-stack-protector -fno-strict-aliasing -fno-strict-overflow \
    -mno-red-zone -mno-mmx -mno-3dnow -mno-sse -mno-sse2 -mno-sse3 \
    -mpreferred-stack-boundary=4 -mno-ssse3 -mno-sse4.1 -mno-sse4.2 \
    -mno-sse4 -mno-avx -mindirect-branch=thunk-inline -msoft-float \
    -fno-asynchronous-unwind-tables -fno-omit-frame-pointer"
LUA_CFLAGS=$(pkg-config --cflags lua5.4)
LUA_LIBS=$(pkg-config --libs lua5.4)

# The generator's entry point: 'dfgen vm' once registered.
gen() {
	"$PYTHON" "$TOP/generators/dfgen" vm "$@"
}

# build OUT GENDIR FLAGS SOURCES...: SOURCES linked with the cBPF VM
# generated in GENDIR and the runtime.  What was generated and the
# runtime are built with FLAGS, the rest (drivers, baselines) with -O2.
build() {
	local out=$1 dir=$2 flags=$3 f o objs= drivers=
	shift 3
	for f in "$dir"/cbpf_tables.c "$dir"/cbpf_verify.c \
	    "$dir"/cbpf_interp.c "$dir"/cbpf_asm.c "$VM"/dfvm_text.c \
	    "$VM"/dfvm_mbuf.c "$@"; do
		case $f in
		"$dir"/*|"$VM"/*)
			o=$work/obj/$(basename "$f" .c).o
			cc -std=c11 $flags -I"$TOP/sys-overlays/sys" -I"$dir" \
			    -c -o "$o" "$f"
			objs="$objs $o" ;;
		*)
			drivers="$drivers $f" ;;
		esac
	done
	cc -std=c11 -O2 -I"$TOP/sys-overlays/sys" -I"$dir" -I"$FIX" \
	    $LUA_CFLAGS -o "$out" $drivers $objs -lpcap $LUA_LIBS
}
mkdir "$work/obj"

for dispatch in switch goto tree; do
	gen --dispatch $dispatch -o "$work/$dispatch" "$VM/cbpf.def"
	gen --dispatch $dispatch -o "$work/$dispatch" "$VM/xvm.def"
	for flags in ordinary retpoline dragonfly; do
		case $flags in
		ordinary)	f=$ORDINARY ;;
		retpoline)	f=$RETPOLINE ;;
		dragonfly)	f=$DRAGONFLY ;;
		esac
		build "$work/bench" "$work/$dispatch" "$f" \
		    "$TOP/bench/vm/cbpf_bench.c" "$FIX/vmtest.c"
		printf '\n== cbpf, %s dispatch, %s flags (%s)\n' $dispatch \
		    $flags "$(echo $f)"
		"$work/bench" "$TOP/bench/vm/filters.lua" "$PACKETS" "$ROUNDS"
		build "$work/xbench" "$work/$dispatch" "$f" \
		    "$TOP/bench/vm/xvm_bench.c" "$FIX/vmtest.c" \
		    "$work/$dispatch"/xvm_*.c "$VM/xvm_helpers.c"
		printf '\n== xvm, %s dispatch, %s flags\n' $dispatch $flags
		"$work/xbench"
	done
done

# What a dispatch with no indirect jump costs the loads/stores program
# at the least: a tree whose hot leaves are that program's instructions
# and no others (dfgen vm --hot), under DragonFly's flags.
gen --dispatch tree -o "$work/fit" "$VM/cbpf.def" \
    --hot LD_W_ABS,LD_H_ABS,LD_B_IND,LDX_MEM,ST,ADD_X,AND_K,XOR_K,RET_A
build "$work/fitbench" "$work/fit" "$DRAGONFLY" \
    "$TOP/bench/vm/cbpf_bench.c" "$FIX/vmtest.c"
printf '\n== floor: cbpf, a tree fit to the loads/stores program alone, %s\n' \
    "dragonfly flags"
"$work/fitbench" -i

printf '\n== correctness at scale (switch, then tree dispatch)\n'
build "$work/pcap" "$work/switch" -O2 "$FIX/cbpf_pcap.c" "$FIX/vmtest.c"
"$work/pcap" random "$FUZZ" 2026
"$work/pcap" verify "$FUZZ" 2026
build "$work/pcap" "$work/tree" -O2 "$FIX/cbpf_pcap.c" "$FIX/vmtest.c"
"$work/pcap" random "$FUZZ" 2027
# Under the sanitizers, the kernel's dispatch.
if command -v clang >/dev/null; then
	clang -std=c11 -O1 -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I"$TOP/sys-overlays/sys" \
	    -I"$work/tree" -I"$FIX" -o "$work/fuzz" "$FIX/cbpf_fuzz.c" \
	    "$FIX/vmtest.c" "$work/tree"/cbpf_tables.c \
	    "$work/tree"/cbpf_verify.c "$work/tree"/cbpf_interp.c \
	    "$work/tree"/cbpf_asm.c "$VM"/dfvm_text.c "$VM"/dfvm_mbuf.c
	"$work/fuzz" "$FUZZ" 2026
	clang -std=c11 -O1 -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I"$TOP/sys-overlays/sys" \
	    -I"$work/tree" -I"$FIX" -o "$work/xfuzz" "$FIX/xvm_fuzz.c" \
	    "$FIX/vmtest.c" "$work/tree"/cbpf_tables.c \
	    "$work/tree"/xvm_*.c "$VM"/dfvm_text.c "$VM"/dfvm_mbuf.c \
	    "$VM"/xvm_helpers.c
	"$work/xfuzz" "$FUZZ" 2026
else
	echo "fuzz: skipped (no clang)"
fi
