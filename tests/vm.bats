#!/usr/bin/env bats
# The vm family on its two instruction sets.  Classic BPF: golden output
# a person has read; the generated C compiled with warnings as errors
# (gcc and clang, -m32, the kernel's retpoline flags, every dispatch)
# and run; the interpreter against libpcap's bpf_filter() on the
# programs pcap_compile() makes of real filter expressions and on random
# programs; the verifier against bpf_validate(); a sanitizer fuzz run.
# xvm, the 64-bit VM: golden output, a program per verifier rule, the
# interpreter, and a sanitizer fuzz run that holds the verifier to its
# word.  Packets in mbuf chains split at every byte, against the
# contiguous run and libpcap.  And the errors of the vm statements, each at its file:line:col.

load lib/common

CBPF_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/vm/cbpf.def
XVM_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/vm/xvm.def
VMDIR=$DFGEN_TOP/sys-overlays/sys/dfgen/vm
VMFIX=$FIXTURES/vm
KERNEL_FLAGS="-O2 -mindirect-branch=thunk -mfunction-return=thunk -fno-jump-tables"
# DragonFly's own (sys/platform/pc64/conf/kern.mk, gcc 8) but
# -mcmodel=kernel, which a program cannot be linked with.
DRAGONFLY_FLAGS="-O2 -fno-strict-aliasing -fno-strict-overflow -mno-red-zone
    -mno-mmx -mno-sse -mno-sse2 -mno-sse3 -mindirect-branch=thunk-inline
    -fno-omit-frame-pointer"

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

gen() {
	dfgen vm "$@" -o "$OUT" "$CBPF_DEF"
}

# build_vm ISA BINARY COMPILER [FLAGS] SOURCE...: a driver linked with
# the generated ISA (cbpf or xvm) in $OUT and the runtime.
build_vm() {
	local isa=$1 bin=$2 compiler=$3 helpers=
	shift 3
	[ "$isa" = xvm ] && helpers=$VMDIR/xvm_helpers.c
	$compiler $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$OUT" -I"$VMFIX" \
	    -o "$bin" "$@" "$OUT/${isa}_tables.c" "$OUT/${isa}_verify.c" \
	    "$OUT/${isa}_interp.c" "$OUT/${isa}_asm.c" "$VMDIR"/dfvm_text.c \
	    "$VMDIR"/dfvm_mbuf.c $helpers
}

build_cbpf() {
	build_vm cbpf "$@"
}

build_xvm() {
	build_vm xvm "$@"
}

build_pcap() {
	build_cbpf "$1" cc -O2 "$VMFIX"/cbpf_pcap.c "$VMFIX"/vmtest.c -lpcap
}

@test "vm: cbpf.def matches its golden output" {
	run gen
	assert_success
	assert_output ""
	for f in cbpf.h cbpf_tables.c cbpf_verify.c cbpf_interp.c cbpf_asm.c; do
		assert_golden "$OUT/$f" "vm/$f"
	done
	gen --dispatch goto
	assert_golden "$OUT/cbpf_interp.c" vm/cbpf_interp_goto.c
	gen --dispatch tree
	assert_golden "$OUT/cbpf_interp.c" vm/cbpf_interp_tree.c
}

@test "vm: with spare_bits: reject, the verifier refuses opcodes with spare bits" {
	sed 's/spare_bits: ignore/spare_bits: reject/' "$CBPF_DEF" \
	    > "$BATS_TEST_TMPDIR/cbpf.def"
	dfgen vm -o "$OUT" "$BATS_TEST_TMPDIR/cbpf.def"
	grep -q 'CBPF_CODE_MASK) != 0) << 32' "$OUT/cbpf_verify.c"
	for compiler in gcc clang "cc -m32"; do
		build_cbpf "$OUT/spare" "$compiler" -O2 "$VMFIX"/cbpf_spare.c
		run "$OUT/spare"
		assert_success
		assert_output "cbpf spare bits: all 10 checks passed"
	done
}

@test "vm: --list-outputs names the outputs without reading the file" {
	run dfgen vm --list-outputs -o /some/dir does/not/exist.def
	assert_success
	assert_output "/some/dir/exist.h
/some/dir/exist_tables.c
/some/dir/exist_verify.c
/some/dir/exist_interp.c
/some/dir/exist_asm.c"
}

@test "vm: an unknown dispatch is a usage error" {
	run dfgen vm --dispatch jump -o "$OUT" "$CBPF_DEF"
	assert_failure 2
	assert_line --partial "invalid choice: 'jump'"
}

@test "vm: --hot chooses the tree dispatch's leaves, and its C gives libpcap's verdicts" {
	gen --dispatch tree --hot ST=2,LDX_MEM,JEQ_K=8
	# The search: those three and the switch of the rest, no other.
	search=$(sed -n '/^#define\tNEXT()/,/^} while (0)/p' "$OUT/cbpf_interp.c")
	run echo "$search"
	assert_line --partial "goto op_ST;"
	assert_line --partial "goto op_LDX_MEM;"
	assert_line --partial "goto op_JEQ_K;"
	run grep -c "goto op_\|goto cold;" <<<"$search"
	assert_output 5
	# The heaviest is the root's first test.
	sed -n 3p <<<"$search" | grep -q "pc->op < CBPF_OP_JEQ_K"
	build_pcap "$OUT/pcap"
	run "$OUT/pcap" filters "$VMFIX/filters.txt" 200 3
	assert_success
	assert_line "filters: 37 expressions, 0 disagreements"
	run "$OUT/pcap" random 20000 44
	assert_success
	assert_line --partial ", 0 disagreements"
}

@test "vm: --hot with a name the definition lacks, or no weight, is a usage error" {
	run dfgen vm --dispatch tree --hot ST,XOR_KK -o "$OUT" "$CBPF_DEF"
	assert_failure 2
	assert_line "dfgen vm: --hot: no instruction or pair 'XOR_KK'; did you mean 'XOR_K'?"
	assert_file_not_exist "$OUT/cbpf.h"
	for bad in ST=0 ST=x =3 ST=-1; do
		run dfgen vm --dispatch tree --hot "$bad" -o "$OUT" "$CBPF_DEF"
		assert_failure 2
		assert_line --partial "expected NAME or NAME=N, N from 1, not '$bad'"
	done
}

@test "vm: output is the same bytes wherever it is written from" {
	gen
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cp "$CBPF_DEF" "$BATS_TEST_TMPDIR/cbpf.def"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	dfgen vm -o out2 ../cbpf.def
	for f in cbpf.h cbpf_tables.c cbpf_verify.c cbpf_interp.c cbpf_asm.c; do
		cmp "$OUT/$f" "out2/$f"
	done
	run grep -l "$BATS_TEST_TMPDIR\|$DFGEN_TOP" out2/*
	assert_failure
}

@test "vm: the cBPF checks pass, gcc and clang, every dispatch" {
	for dispatch in switch goto tree; do
		gen --dispatch $dispatch
		for compiler in gcc clang; do
			build_cbpf "$OUT/check" $compiler -O2 "$VMFIX"/cbpf_check.c
			run "$OUT/check"
			assert_success
			assert_output "cbpf: all 177 checks passed"
		done
	done
}

@test "vm: the cBPF checks pass with -m32" {
	require_m32
	gen
	build_cbpf "$OUT/check32" "cc -m32" -O2 "$VMFIX"/cbpf_check.c
	run "$OUT/check32"
	assert_success
	assert_output "cbpf: all 177 checks passed"
}

@test "vm: the cBPF checks pass under the kernel's retpoline flags" {
	for dispatch in switch goto tree; do
		gen --dispatch $dispatch
		for flags in "$KERNEL_FLAGS" "$DRAGONFLY_FLAGS"; do
			build_cbpf "$OUT/check" cc $flags "$VMFIX"/cbpf_check.c
			run "$OUT/check"
			assert_success
			assert_output "cbpf: all 177 checks passed"
		done
	done
}

@test "vm: pcap_compile() programs of 37 filters give libpcap's verdicts" {
	gen
	build_pcap "$OUT/pcap"
	run "$OUT/pcap" filters "$VMFIX/filters.txt" 2000 1
	assert_success
	assert_line "filters: 37 expressions, 0 disagreements"
	assert_line "-O1   20 insns     65 of 2000 packets  tcp port 80"
	# libpcap implements protochain with backward jumps, which the
	# verifier refuses, as the kernel's bpf_validate() does.
	assert_line "-O1   36 insns  refused at 18: jump past the last instruction  ip6 protochain 6"
	run grep -c " of 2000 packets" <<<"$output"
	assert_output 72
}

@test "vm: the README's disassembly is what the tools print" {
	gen
	build_pcap "$OUT/pcap"
	run "$OUT/pcap" show "tcp port 80"
	assert_success
	# The README shows this output; keep the two the same.
	sed -n '/^(000) ldh \[12\] .*LDH_JEQ$/,/^(019) ret #0$/p' \
	    "$DFGEN_TOP/README.md" > "$OUT/readme"
	assert_output "$(cat "$OUT/readme")"
	assert_line "(013) ldxb 4*([14]&0xf)        ; fused: MSH_LDHX"
}

@test "vm: 20000 random program/packet pairs give libpcap's verdicts" {
	gen
	build_pcap "$OUT/pcap"
	run "$OUT/pcap" random 20000 42
	assert_success
	assert_line --regexp "^random: 20000 program/packet pairs \([0-9]{4,} verdicts not 0, [0-9]{4,} 0\), 0 disagreements$"
}

@test "vm: computed goto and tree dispatch give libpcap's verdicts too" {
	for dispatch in goto tree; do
		gen --dispatch $dispatch
		build_pcap "$OUT/pcap"
		run "$OUT/pcap" filters "$VMFIX/filters.txt" 500 2
		assert_success
		assert_line "filters: 37 expressions, 0 disagreements"
		run "$OUT/pcap" random 20000 43
		assert_success
		assert_line --partial ", 0 disagreements"
	done
}

@test "vm: the verifier accepts and refuses what bpf_validate() does" {
	gen
	build_pcap "$OUT/pcap"
	run "$OUT/pcap" verify 200000 7
	assert_success
	# Agreement on every program but those whose JA wraps around 2^32
	# back into the program: libpcap 1.10 accepts them (userland
	# protochain), the verifier refuses them like the kernel's.
	assert_line --regexp "^verify: 200000 programs: [0-9]{5,} accepted by both, [0-9]{5,} refused by both, [0-9]+ wrapping jumps refused by cbpf_verify only, 0 disagreements$"
	# Every rule refused some of them.
	refute_line --regexp "(invalid opcode|out of range|constant 0|last instruction|its end) 0;"
}

@test "vm: -m32 gives libpcap's verdicts" {
	require_m32
	gen
	build_pcap "$OUT/pcap"
	run "$OUT/pcap" vectors 10000 5 "$OUT/cases"
	assert_success
	cc -m32 $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$OUT" -O2 \
	    -o "$OUT/replay32" "$VMFIX"/cbpf_replay.c "$OUT"/cbpf_tables.c \
	    "$OUT"/cbpf_verify.c "$OUT"/cbpf_interp.c "$OUT"/cbpf_asm.c \
	    "$VMDIR"/dfvm_text.c "$VMDIR"/dfvm_mbuf.c
	run "$OUT/replay32" "$OUT/cases"
	assert_success
	assert_output "replay: 10000 cases, 0 disagreements (32-bit)"
}

@test "vm: mbuf chains split at every byte give libpcap's verdicts (ASan, UBSan)" {
	for dispatch in switch goto tree; do
		gen --dispatch $dispatch
		build_cbpf "$OUT/chains" clang -O1 -g \
		    -fsanitize=address,undefined -fno-sanitize-recover=all \
		    "$VMFIX"/cbpf_pcap.c "$VMFIX"/vmtest.c -lpcap
		run "$OUT/chains" chains "$VMFIX/filters.txt" 100 17
		assert_success
		assert_output --regexp "^chains: 136 programs, 100 packets each, [0-9]{6,} chains, 0 disagreements$"
	done
}

@test "vm: no read outside program, packet or scratch memory (ASan, UBSan)" {
	for dispatch in switch goto tree; do
		gen --dispatch $dispatch
		build_cbpf "$OUT/fuzz" clang -O1 -g \
		    -fsanitize=address,undefined -fno-sanitize-recover=all \
		    "$VMFIX"/cbpf_fuzz.c "$VMFIX"/vmtest.c
		run "$OUT/fuzz" 50000 11
		assert_success
		assert_output --regexp "^fuzz: 50000 programs, [0-9]{5} accepted, [0-9]{5,} runs, 50000 mangled texts: no fault$"
	done
}

@test "vm: xvm.def matches its golden output" {
	run dfgen vm -o "$OUT" "$XVM_DEF"
	assert_success
	assert_output ""
	for f in xvm.h xvm_tables.c xvm_verify.c xvm_interp.c xvm_asm.c; do
		assert_golden "$OUT/$f" "vm/$f"
	done
}

@test "vm: the xvm checks pass: gcc, clang, -m32, kernel flags, every dispatch" {
	for dispatch in switch goto tree; do
		dfgen vm --dispatch $dispatch -o "$OUT" "$XVM_DEF"
		for compiler in gcc clang "cc $KERNEL_FLAGS"; do
			build_xvm "$OUT/check" "$compiler" -O2 "$VMFIX"/xvm_check.c
			run "$OUT/check"
			assert_success
			assert_output "xvm: all 172 checks passed"
		done
	done
	require_m32
	build_xvm "$OUT/check32" "cc -m32" -O2 "$VMFIX"/xvm_check.c
	run "$OUT/check32"
	assert_success
	assert_output "xvm: all 172 checks passed"
}

@test "vm: what the xvm verifier accepts stays inside its memory (ASan, UBSan)" {
	for dispatch in switch goto tree; do
		gen
		dfgen vm --dispatch $dispatch -o "$OUT" "$XVM_DEF"
		build_xvm "$OUT/fuzz" clang -O1 -g \
		    -fsanitize=address,undefined -fno-sanitize-recover=all \
		    "$VMFIX"/xvm_fuzz.c "$VMFIX"/vmtest.c "$OUT"/cbpf_tables.c
		run "$OUT/fuzz" 50000 13
		assert_success
		assert_line --regexp "^xvm fuzz: 50000 programs, [0-9]{4,} accepted, [0-9]{4,} runs: no fault$"
		# Every rule refused some of them.
		refute_line --regexp "(opcode|0|register|read-only|helper|loops|instruction|its end|bounds|pointer|number|paths|kind) 0;"
	done
}

# check_vm_error NAME: the vm generator on vm/errors/NAME.def must fail
# with exactly vm/errors/NAME.err and write nothing.
check_vm_error() {
	local name=$1
	mkdir -p "$OUT"
	cd "$FIXTURES/vm/errors"
	run dfgen vm -o "$OUT" "$name.def"
	assert_failure 1
	diff -u "$name.err" <(printf '%s\n' "$output") ||
	    fail "diagnostic differs from $name.err"
	assert_file_not_exist "$OUT/$name.h"
}

@test "vm error: bad alu op" {
	check_vm_error bad_alu_op
}

@test "vm error: conflicting checks" {
	check_vm_error conflicting_checks
}

@test "vm error: duplicate name" {
	check_vm_error duplicate_name
}

@test "vm error: duplicate opcode" {
	check_vm_error duplicate_opcode
}

@test "vm error: jump without then" {
	check_vm_error jump_without_then
}

@test "vm error: load source" {
	check_vm_error load_source
}

@test "vm error: missing dst" {
	check_vm_error missing_dst
}

@test "vm error: neg with src" {
	check_vm_error neg_with_src
}

@test "vm error: no kind" {
	check_vm_error no_kind
}

@test "vm error: no ret" {
	check_vm_error no_ret
}

@test "vm error: no scratch" {
	check_vm_error no_scratch
}

@test "vm error: only class valid" {
	check_vm_error only_class_valid
}

@test "vm error: opcode outside fields" {
	check_vm_error opcode_outside_fields
}

@test "vm error: packet size" {
	check_vm_error packet_size
}

@test "vm error: syntax ambiguous" {
	check_vm_error syntax_ambiguous
}

@test "vm error: syntax bad mnemonic" {
	check_vm_error syntax_bad_mnemonic
}

@test "vm error: syntax missing field" {
	check_vm_error syntax_missing_field
}

@test "vm error: syntax target format" {
	check_vm_error syntax_target_format
}

@test "vm error: syntax unknown field" {
	check_vm_error syntax_unknown_field
}

@test "vm error: two kinds" {
	check_vm_error two_kinds
}

@test "vm error: unknown attribute" {
	check_vm_error unknown_attribute
}

@test "vm error: unknown class field" {
	check_vm_error unknown_class_field
}

@test "vm error: unknown register" {
	check_vm_error unknown_register
}

@test "vm error: unknown valid field" {
	check_vm_error unknown_valid_field
}

@test "vm error: value outside mask" {
	check_vm_error value_outside_mask
}

@test "vm error: vm not first" {
	check_vm_error vm_not_first
}

@test "vm error: helper arg kind" {
	check_vm_error helper_arg_kind
}

@test "vm error: helper stack size" {
	check_vm_error helper_stack_size
}

@test "vm error: helper number twice" {
	check_vm_error helper_number_twice
}

@test "vm error: helper too many args" {
	check_vm_error helper_too_many_args
}

@test "vm error: selects not file" {
	check_vm_error selects_not_file
}

@test "vm error: frame out of range" {
	check_vm_error frame_out_of_range
}

@test "vm error: stack load no base" {
	check_vm_error stack_load_no_base
}

@test "vm error: register as constant" {
	check_vm_error register_as_constant
}

@test "vm error: valid needs accept" {
	check_vm_error valid_needs_accept
}

@test "vm error: stack not multiple" {
	check_vm_error stack_not_multiple
}

@test "vm error: call without helpers" {
	check_vm_error call_without_helpers
}

@test "vm error: fuse after jump" {
	check_vm_error fuse_after_jump
}

@test "vm error: fuse unknown insn" {
	check_vm_error fuse_unknown_insn
}

@test "vm error: fuse twice" {
	check_vm_error fuse_twice
}

@test "vm error: fuse not pair" {
	check_vm_error fuse_not_pair
}

@test "vm error: hot weight" {
	check_vm_error hot_weight
}

@test "vm error: hot word" {
	check_vm_error hot_word
}
