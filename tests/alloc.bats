#!/usr/bin/env bats
# The alloc family: allocator descriptors, size classes and selection
# rules (dfgen alloc).  Golden output a person has read, the generated
# tables compiled with warnings as errors (host and -m32) and checked
# against the definition, and every error of the language.

load lib/common
load lib/kcheck
load lib/dfly
bats_require_minimum_version 1.5.0

DFALLOC_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/alloc/dfalloc.def

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

# The exact diagnostic of tests/fixtures/alloc/errors/NAME.def, run from
# its directory so that positions name the file as a person wrote it.
check_error() {
	cd "$FIXTURES/alloc/errors"
	run dfgen alloc -o "$OUT" "$1.def"
	assert_failure 1
	diff -u "$GOLDEN/alloc/errors/$1.err" - <<<"$output" ||
	    fail "diagnostic of $1.def differs"
	assert_not_exist "$OUT"
}

@test "alloc: dfalloc.def matches its golden output" {
	run dfgen alloc -o "$OUT" "$DFALLOC_DEF"
	assert_success
	assert_output ""
	assert_golden "$OUT/dfalloc.h" alloc/dfalloc.h
	assert_golden "$OUT/dfalloc_tables.c" alloc/dfalloc_tables.c
}

@test "alloc: --list-outputs names both files" {
	run dfgen alloc --list-outputs -o "$OUT" "$DFALLOC_DEF"
	assert_success
	assert_output "$OUT/dfalloc.h
$OUT/dfalloc_tables.c"
}

@test "alloc: tables compile with -Werror and match the definition" {
	dfgen alloc -o "$OUT" "$DFALLOC_DEF"
	cc_host "$OUT/t" -I"$OUT" "$FIXTURES/alloc/tables_test.c" \
	    "$OUT/dfalloc_tables.c"
	run "$OUT/t"
	assert_success
	assert_output "dfalloc tables: all checks passed"
}

@test "alloc: tables compile and run with -m32" {
	require_m32
	dfgen alloc -o "$OUT" "$DFALLOC_DEF"
	cc_m32 "$OUT/t32" -I"$OUT" "$FIXTURES/alloc/tables_test.c" \
	    "$OUT/dfalloc_tables.c"
	run "$OUT/t32"
	assert_success
	assert_output "dfalloc tables: all checks passed"
}

@test "alloc: a changed rule changes the dispatch table" {
	# The slab serves the 12 classes up to 256 bytes in churn and private.
	dfgen alloc -o "$OUT" "$DFALLOC_DEF"
	run grep -c "DFALLOC_ALLOC_SLAB,	/\\* s" "$OUT/dfalloc_tables.c"
	assert_output "24"
	sed '/^behaviour churn/,/^}/s/fixed_size;/long_lived;/' "$DFALLOC_DEF" \
	    > "$BATS_TEST_TMPDIR/dfalloc.def"
	dfgen alloc -o "$OUT" "$BATS_TEST_TMPDIR/dfalloc.def"
	run grep -c "DFALLOC_ALLOC_SLAB,	/\\* s" "$OUT/dfalloc_tables.c"
	assert_output "12"
}

@test "alloc: output is deterministic and written only when changed" {
	dfgen alloc -o "$OUT" "$DFALLOC_DEF"
	age "$OUT"/*
	before=$(mtime "$OUT/dfalloc.h")
	run dfgen alloc -v -o "$OUT" "$DFALLOC_DEF"
	assert_success
	assert_output ""
	[ "$(mtime "$OUT/dfalloc.h")" = "$before" ]
	run grep -l "$DFGEN_TOP" "$OUT/dfalloc.h" "$OUT/dfalloc_tables.c"
	assert_failure
}

@test "alloc: error: no size class" { check_error noclass; }
@test "alloc: error: a name defined twice" { check_error dup; }
@test "alloc: error: size classes out of order" { check_error order; }
@test "alloc: error: size class not a multiple of the granule" { check_error granule; }
@test "alloc: error: unknown flag, with a suggestion" { check_error flag; }
@test "alloc: error: flag given twice" { check_error twice; }
@test "alloc: error: allocator without entry points" { check_error noentry; }
@test "alloc: error: alignment not a power of two" { check_error align; }
@test "alloc: error: max below min" { check_error maxmin; }
@test "alloc: error: min below 1" { check_error minzero; }
@test "alloc: error: the default behaviour with a condition" { check_error lastwhen; }
@test "alloc: error: a behaviour before the last without a condition" { check_error nowhen; }
@test "alloc: error: unknown metric in a condition" { check_error metric; }
@test "alloc: error: a string as a condition" { check_error str; }
@test "alloc: error: a size no allocator covers" { check_error uncovered; }
@test "alloc: error: unknown declaration" { check_error unknown; }
@test "alloc: error: no behaviour" { check_error nobehaviour; }
@test "alloc: error: a file name that cannot be a C prefix" { check_error bad-name; }

# -- the runtime: sys-overlays/lib/libdfalloc ----------------------------

LIBDIR=$DFGEN_TOP/sys-overlays/lib/libdfalloc
BEHAVIOURS="never_free shared bulk churn general"

# libdfalloc over freshly generated tables and profile record:
# build_lib OUT [CFLAGS...]
build_lib() {
	local out=$1; shift
	cc $CWARN -O2 -fPIC -shared "$@" -I"$DFGEN_TOP/sys-overlays/sys" \
	    -I"$GEN" -I"$LIBDIR" -o "$out" "$LIBDIR"/dfa_*.c \
	    "$GEN/dfalloc_tables.c" "$GEN/dfalloc_profile.c" \
	    "$DFGEN_TOP/sys-overlays/sys/dfgen/structs/dfstruct.c" -ldl -lpthread
}

# The allocators alone (no malloc API), for the model test.
build_model() {
	local out=$1; shift
	cc $CWARN -O1 "$@" -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" \
	    -I"$LIBDIR" -o "$out" "$FIXTURES/alloc/model_test.c" \
	    "$LIBDIR"/dfa_region.c "$LIBDIR"/dfa_thread.c \
	    "$LIBDIR"/dfa_bump.c "$LIBDIR"/dfa_slab.c "$LIBDIR"/dfa_flist.c \
	    "$LIBDIR"/dfa_large.c "$LIBDIR"/dfa_sys.c "$LIBDIR"/dfa_profile.c \
	    "$LIBDIR"/dfa_sample.c "$LIBDIR"/dfa_store.c "$GEN/dfalloc_tables.c" \
	    "$GEN/dfalloc_profile.c" \
	    "$DFGEN_TOP/sys-overlays/sys/dfgen/structs/dfstruct.c" -ldl -lpthread
}

setup_file() {
	GEN=$BATS_FILE_TMPDIR/gen
	LIB=$GEN/libdfalloc.so
	export GEN LIB
	"$PYTHON" "$DFGEN_TOP/generators/dfgen" alloc -o "$GEN" \
	    "$DFGEN_TOP/sys-overlays/sys/dfgen/alloc/dfalloc.def"
	"$PYTHON" "$DFGEN_TOP/generators/dfgen" structs -o "$GEN" \
	    "$DFGEN_TOP/sys-overlays/lib/libdfalloc/dfalloc_profile.def"
	build_lib "$LIB"
	cc $CWARN -O1 -o "$GEN/api" "$FIXTURES/alloc/api_test.c" -lpthread
	build_tool "$GEN/dfalloc" -O2 "$TOOLDIR/dfalloc.c"
}

TOOLDIR=$DFGEN_TOP/sys-overlays/usr.bin/dfalloc

# dfalloc(1) as its Makefile builds it: its sources, libdfalloc's but
# the malloc API, the generated tables and profile record.
# build_tool OUT [CFLAGS...] [SOURCES...]
build_tool() {
	local out=$1; shift
	cc $CWARN "$@" -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" -I"$LIBDIR" \
	    -I"$TOOLDIR" -o "$out" "$TOOLDIR"/dfalloc_prog.c \
	    $(ls "$LIBDIR"/dfa_*.c | grep -v /dfa_malloc.c) \
	    "$GEN/dfalloc_tables.c" "$GEN/dfalloc_profile.c" \
	    "$DFGEN_TOP/sys-overlays/sys/dfgen/structs/dfstruct.c" -ldl -lpthread
}

require_asan() {
	printf 'int main(void) { return 0; }\n' > "$BATS_TEST_TMPDIR/a.c"
	cc -fsanitize=address,undefined -o "$BATS_TEST_TMPDIR/a" \
	    "$BATS_TEST_TMPDIR/a.c" 2>/dev/null ||
	    skip "no ASan/UBSan runtime (install libasan8 libubsan1)"
}

# model ALLOCATOR [CFLAGS...]: 10^6 random operations against the model.
model() {
	local a=$1; shift
	build_model "$BATS_TEST_TMPDIR/model" "$@"
	run "$BATS_TEST_TMPDIR/model" "$a" 1000000 7
	assert_success
	assert_output --regexp "^model $a: 1000000 operations, [0-9]+ objects\$"
}

@test "alloc runtime: bump arena against the model, ASan+UBSan" {
	require_asan
	model bump -g -fsanitize=address,undefined -fno-sanitize-recover=all
}

@test "alloc runtime: slab against the model, ASan+UBSan" {
	require_asan
	model slab -g -fsanitize=address,undefined -fno-sanitize-recover=all
}

@test "alloc runtime: free lists against the model, ASan+UBSan" {
	require_asan
	model freelist -g -fsanitize=address,undefined -fno-sanitize-recover=all
}

@test "alloc runtime: large objects against the model, ASan+UBSan" {
	require_asan
	model large -g -fsanitize=address,undefined -fno-sanitize-recover=all
}

@test "alloc runtime: system fallback against the model" {
	# ASan would replace the very allocator under test.
	model system
}

@test "alloc runtime: every allocator against the model with -m32" {
	require_m32
	for a in bump slab freelist large system; do
		model $a -m32
	done
}

@test "alloc runtime: the malloc API and its traps, preloaded, each behaviour" {
	for b in $BEHAVIOURS; do
		DFALLOC_BEHAVIOUR=$b LD_PRELOAD=$LIB run --separate-stderr \
		    "$GEN/api"
		assert_success
		assert_output "api: all checks passed"
		[ "$stderr" = "dfalloc: free of a pointer it never gave" ] ||
		    fail "$b: stderr: $stderr"
	done
}

@test "alloc runtime: the malloc API and its traps, linked in" {
	cc $CWARN -O1 -o "$BATS_TEST_TMPDIR/api" "$FIXTURES/alloc/api_test.c" \
	    -L"$GEN" -ldfalloc -Wl,-rpath,"$GEN" -lpthread
	run --separate-stderr "$BATS_TEST_TMPDIR/api"
	assert_success
	assert_output "api: all checks passed"
	assert_equal "$stderr" "dfalloc: free of a pointer it never gave"
}

@test "alloc runtime: library and API test build and pass with -m32" {
	require_m32
	build_lib "$BATS_TEST_TMPDIR/lib32.so" -m32
	cc -m32 $CWARN -O1 -o "$BATS_TEST_TMPDIR/api32" \
	    "$FIXTURES/alloc/api_test.c" -lpthread
	LD_PRELOAD=$BATS_TEST_TMPDIR/lib32.so run "$BATS_TEST_TMPDIR/api32"
	assert_success
	assert_output --partial "api: all checks passed"
}

@test "alloc runtime: the library's Makefile names every source, and each exists or is built" {
	local mk=$LIBDIR/Makefile f
	for f in $(dfly_mk_srcs "$mk"); do
		case $f in
		dfalloc_tables.c)
			grep -q '^DFGEN_DEFS.alloc=.*/dfalloc.def$' "$mk" ;;
		dfalloc_profile.c)
			grep -q '^DFGEN_DEFS.structs=.*/dfalloc_profile.def$' \
			    "$mk" ;;
		dfstruct.c)
			[ -f "$DFGEN_TOP/sys-overlays/sys/dfgen/structs/$f" ] ;;
		*)
			[ -f "$LIBDIR/$f" ] ;;
		esac || fail "$f: neither in the tree nor built"
	done
	# Every C file of the library is in SRCS.
	dfly_mk_lists "$mk" "$LIBDIR"/dfa_*.c
}

@test "alloc runtime: the library compiles for DragonFly against the tree's userland headers" {
	local f
	dfly_headers
	for f in "$LIBDIR"/dfa_*.c "$GEN/dfalloc_tables.c" \
	    "$GEN/dfalloc_profile.c" \
	    "$DFGEN_TOP/sys-overlays/sys/dfgen/structs/dfstruct.c"; do
		dfly_cc "$f" "$BATS_TEST_TMPDIR/$(basename "$f" .c).o" \
		    -I"$DFGEN_TOP/sys-overlays/sys" -I"$LIBDIR" -I"$GEN" \
		    2>"$BATS_TEST_TMPDIR/err" ||
		    { cat "$BATS_TEST_TMPDIR/err"; fail "cc $f"; }
	done
	# The program's path comes from the kernel there, not from /proc.
	run nm -u "$BATS_TEST_TMPDIR/dfa_profile.o"
	assert_line --regexp "^ +U sysctl\$"
	refute_line --regexp "^ +U readlink\$"
}

@test "alloc runtime: an unknown behaviour is named once and ignored" {
	DFALLOC_BEHAVIOUR=fastest LD_PRELOAD=$LIB run --separate-stderr \
	    /bin/ls "$LIBDIR/dfa_malloc.c"
	assert_success
	assert_output "$LIBDIR/dfa_malloc.c"
	assert_equal "$stderr" "dfalloc: unknown behaviour 'fastest' in DFALLOC_BEHAVIOUR; using the default"
}

# same_output CMD...: CMD's output under the library, in each behaviour,
# is the output of a plain run.
same_output() {
	local want b
	want=$("$@" | md5sum)
	[ -n "$want" ] || fail "no output from $*"
	for b in $BEHAVIOURS; do
		got=$(DFALLOC_BEHAVIOUR=$b LD_PRELOAD=$LIB "$@" | md5sum)
		[ "${PIPESTATUS[0]}" = 0 ] || fail "$b: $* failed"
		[ "$got" = "$want" ] || fail "$b: output of $* differs"
	done
}

@test "alloc runtime: sort of a large file is the same under the library" {
	awk 'BEGIN { for (i = 0; i < 300000; i++)
	    printf "%d line %d\n", (i * 7919) % 1000003, i }' \
	    > "$BATS_TEST_TMPDIR/big.txt"
	same_output sort "$BATS_TEST_TMPDIR/big.txt"
}

@test "alloc runtime: python3 runs the same under the library" {
	same_output /usr/bin/python3 -c '
import json, threading
out = []
def work(n):
    out.append(sum(len(json.dumps({"k": list(range(i))})) for i in range(n)))
ts = [threading.Thread(target=work, args=(500 + i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sorted(out))'
}

@test "alloc runtime: git log of this repository is the same under the library" {
	git -C "$DFGEN_TOP" rev-parse --git-dir >/dev/null 2>&1 ||
	    skip "not a git checkout"
	same_output git -C "$DFGEN_TOP" log --stat -n 200
}

@test "alloc runtime: gcc -c writes the same object under the library" {
	local b
	cc -O2 -c -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" -I"$LIBDIR" \
	    -o "$BATS_TEST_TMPDIR/plain.o" "$LIBDIR/dfa_malloc.c"
	for b in $BEHAVIOURS; do
		DFALLOC_BEHAVIOUR=$b LD_PRELOAD=$LIB cc -O2 -c \
		    -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" -I"$LIBDIR" \
		    -o "$BATS_TEST_TMPDIR/$b.o" "$LIBDIR/dfa_malloc.c"
		cmp "$BATS_TEST_TMPDIR/plain.o" "$BATS_TEST_TMPDIR/$b.o"
	done
}

# -- profiles --------------------------------------------------------------

@test "alloc profile: the record's layout matches its golden header" {
	dfgen structs -o "$OUT" "$LIBDIR/dfalloc_profile.def"
	assert_golden "$OUT/dfalloc_profile.h" alloc/dfalloc_profile.h
}

# profile_run CMD...: CMD in the profiling mode, its output unchanged.
profile_run() {
	local want got
	want=$("$@" | md5sum)
	got=$(DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_MODE=profile \
	    LD_PRELOAD=$LIB "$@" | md5sum)
	[ "$got" = "$want" ] || fail "output of $* differs when profiled"
}

@test "alloc profile: runs merge into one profile, then choose the dispatch" {
	mkdir "$BATS_TEST_TMPDIR/p"
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%d\n", i * 7 % 1009 }' \
	    > "$BATS_TEST_TMPDIR/in"
	profile_run sort "$BATS_TEST_TMPDIR/in"
	run ls "$BATS_TEST_TMPDIR/p"
	assert_output --regexp '^[0-9a-f]{16}\.prof$'
	profile_run sort "$BATS_TEST_TMPDIR/in"
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_EXPLAIN=1 LD_PRELOAD=$LIB \
	    run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | md5sum)" \
	    "$(sort "$BATS_TEST_TMPDIR/in" | md5sum)"
	[[ $stderr =~ ^"dfalloc: 2 runs, free_ratio "[0-9]+", lifo "[0-9]+", live_at_exit "[0-9]+", cross_thread "[0-9]+", realloc "[0-9]+": behaviour "[a-z_]+$ ]] ||
	    fail "explanation: $stderr"
}

# field N WORDS...: the Nth of WORDS.
field() {
	local n=$1
	shift
	eval "printf '%s\n' \"\${$n}\""
}

@test "alloc profile: exact counts merge over threads and runs; samples tell lifetimes and cross-thread frees" {
	local show classes n
	mkdir "$BATS_TEST_TMPDIR/p"
	cc $CWARN -O1 -o "$BATS_TEST_TMPDIR/fates" "$FIXTURES/alloc/fates.c" \
	    -lpthread
	for n in 1 2; do
		DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_MODE=profile \
		    LD_PRELOAD=$LIB run "$BATS_TEST_TMPDIR/fates"
		assert_success
		assert_output "fates: done"
	done
	run "$GEN/dfalloc" show -d "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/fates"
	assert_success
	show=$output
	assert_line "  runs: 2"
	# Each allocation counted, in threads that exited too: classes 24
	# to 26 (2048, 2560 and 3072 bytes) are the fixture's alone.
	classes=$(sed -n 's/^  class_allocs: //p' <<<"$show")
	assert_equal "$(field 24 $classes) $(field 25 $classes) $(field 26 $classes)" \
	    "400000 202000 160112"
	# The samples' weights: 400000 freed at once, 200000 after 999 other
	# allocations, 160112 by another thread (210 per 1000 frees).
	n=$(sed -n 's/^  0: //p' <<<"$show")
	[ "$n" -ge 380000 ] && [ "$n" -le 420000 ] || fail "lifetime 0: $n"
	n=$(sed -n 's/^  512 to 1023: //p' <<<"$show")
	[ "$n" -ge 190000 ] && [ "$n" -le 210000 ] || fail "lifetime 999: $n"
	n=$(sed -n 's/^  cross_thread: \([0-9]*\).*/\1/p' <<<"$show")
	[ "$n" -ge 190 ] && [ "$n" -le 230 ] || fail "cross_thread: $n"
	assert_line "behaviour: shared, from its profile"
}

@test "alloc profile: objects that grow, move and change threads keep their contents, profiled and dispatched" {
	mkdir "$BATS_TEST_TMPDIR/p"
	cc $CWARN -O1 -o "$BATS_TEST_TMPDIR/handover" \
	    "$FIXTURES/alloc/handover.c" -lpthread
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_MODE=profile LD_PRELOAD=$LIB \
	    run --separate-stderr "$BATS_TEST_TMPDIR/handover"
	assert_success
	assert_output "handover: ok"
	assert_equal "$stderr" ""
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_EXPLAIN=1 LD_PRELOAD=$LIB \
	    run --separate-stderr "$BATS_TEST_TMPDIR/handover"
	assert_success
	assert_output "handover: ok"
	[[ $stderr =~ ", cross_thread "[0-9]{3}", ".*": behaviour shared"$ ]] ||
	    fail "$stderr"
}

# crc_of FILE [VERSION]: whether FILE's stored CRC is CRC-32C of the
# record with its field zero; then (with VERSION set) reseal it.
crc_of() {
	"$PYTHON" - "$@" <<'EOF'
import os, struct, sys
sys.path.insert(0, os.path.join(os.environ["DFGEN_TOP"], "tests/lib"))
from crc32c import crc32c
b = bytearray(open(sys.argv[1], "rb").read())
stored = struct.unpack_from("<I", b, 8)[0]
struct.pack_into("<I", b, 8, 0)
print(stored == crc32c(bytes(b)))
if len(sys.argv) > 2:
    struct.pack_into("<H", b, 4, int(sys.argv[2]))
    struct.pack_into("<I", b, 8, crc32c(bytes(b)))
    open(sys.argv[1], "wb").write(b)
EOF
}

@test "alloc profile: a corrupt, short or foreign-version profile is ignored once" {
	local f
	mkdir "$BATS_TEST_TMPDIR/p"
	printf 'b\na\n' > "$BATS_TEST_TMPDIR/in"
	profile_run sort "$BATS_TEST_TMPDIR/in"
	f=$(echo "$BATS_TEST_TMPDIR"/p/*.prof)
	run crc_of "$f"
	assert_output "True"
	cp "$f" "$BATS_TEST_TMPDIR/good"

	printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p LD_PRELOAD=$LIB \
	    run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output "a
b"
	assert_equal "$stderr" "dfalloc: ignoring profile $f: checksum mismatch"

	head -c 100 "$BATS_TEST_TMPDIR/good" > "$f"
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p LD_PRELOAD=$LIB \
	    run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "$stderr" "dfalloc: ignoring profile $f: not a profile of this size"

	cp "$BATS_TEST_TMPDIR/good" "$f"
	run crc_of "$f" 3
	assert_output "True"
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p LD_PRELOAD=$LIB \
	    run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output "a
b"
	[[ $stderr == "dfalloc: ignoring profile $f: "* ]] || fail "$stderr"
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ] || fail "$stderr"

	# Profiling over a bad profile starts it again.
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_MODE=profile LD_PRELOAD=$LIB \
	    run sort "$BATS_TEST_TMPDIR/in"
	assert_success
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_EXPLAIN=1 LD_PRELOAD=$LIB \
	    run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	[[ $stderr == "dfalloc: 1 runs, "* ]] || fail "$stderr"
}

@test "alloc profile: an unknown mode is named and ignored" {
	DFALLOC_DIR=$BATS_TEST_TMPDIR DFALLOC_MODE=fast LD_PRELOAD=$LIB \
	    run --separate-stderr /bin/echo ok
	assert_success
	assert_output "ok"
	assert_equal "$stderr" "dfalloc: unknown DFALLOC_MODE 'fast'; expected 'profile' or 'dispatch'"
}

@test "alloc profile: a relative DFALLOC_DIR holds for a program that changes directory" {
	git -C "$DFGEN_TOP" rev-parse --git-dir >/dev/null 2>&1 ||
	    skip "not a git checkout"
	cd "$BATS_TEST_TMPDIR"
	mkdir p
	DFALLOC_DIR=p DFALLOC_MODE=profile LD_PRELOAD=$LIB \
	    run --separate-stderr git -C "$DFGEN_TOP" log -n 5 --oneline
	assert_success
	assert_equal "$stderr" ""
	# git may run another program (profiled too): every file a profile.
	[ -n "$(ls p)" ] || fail "no profile written"
	run sh -c 'ls p | grep -v "^[0-9a-f]\{16\}\.prof$"'
	assert_output ""
}

# -- the kernel: kmalloc_types.def ------------------------------------------

KTYPES_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/alloc/kmalloc_types.def

@test "alloc kernel: kmalloc_types.def matches its golden output" {
	run dfgen alloc -o "$OUT" "$KTYPES_DEF"
	assert_success
	assert_output ""
	assert_golden "$OUT/kmalloc_types.h" alloc/kmalloc_types.h
	assert_golden "$OUT/kmalloc_types_tables.c" alloc/kmalloc_types_tables.c
}

@test "alloc kernel: error: allocators and kmalloc types in one file" { check_error mixed; }
@test "alloc kernel: error: one malloc_type named twice" { check_error ktwice; }
@test "alloc kernel: error: a sample rate not a power of two" { check_error ksample; }

@test "alloc kernel: the kmalloc counters compile in a DragonFly kernel, and are gone when off" {
	kcheck_require_tree
	local T=$BATS_TEST_TMPDIR
	kcheck_overlaid_tree "$T/src"
	{
		sed 's/^ident[[:space:]].*/ident\t\tALLOCT/' \
		    "$DFLY_SRC/sys/config/X86_64_GENERIC"
		printf 'options\t\tCODEGEN_STRUCTS\noptions\t\tALLOC_TABLES\n'
	} > "$T/ALLOCT"
	sed 's/^ident[[:space:]].*/ident\t\tNOALLOCT/' \
	    "$DFLY_SRC/sys/config/X86_64_GENERIC" > "$T/NOALLOCT"
	run kcheck_own "$T/src" "$T/ALLOCT"
	assert_success
	assert_output --partial "CC kmalloc_types_tables.c"
	local O=$T/obj/kernel-check/ALLOCT
	nm "$O/kmalloc_types_tables.o" | grep -q ' T kmalloc_types_alloc$'
	nm "$O/kmalloc_types_tables.o" | grep -q ' U M_TEMP$'
	# kern_slaballoc.c with the counters in, -Werror.
	run kcheck_units "$T/src" "$T/ALLOCT" kern_slaballoc
	assert_success
	assert_equal "$(cat "$O/kern_slaballoc.ck")" "ok"
	nm "$O/kern_slaballoc.o" | grep -q ' U kmalloc_types_alloc$'
	nm "$O/kern_slaballoc.o" | grep -q ' U kmalloc_types_free$'
	# Off: no counter is called.
	run kcheck_own "$T/src" "$T/NOALLOCT"
	assert_success
	run kcheck_units "$T/src" "$T/NOALLOCT" kern_slaballoc
	assert_success
	! nm "$T/obj/kernel-check/NOALLOCT/kern_slaballoc.o" | grep -q kmalloc_types ||
	    fail "kmalloc_types in kern_slaballoc.o when off"
}

# -- dfalloc(1) ---------------------------------------------------------------

# make_profile FILE KEY: a profile of known counts (behaviour churn) for
# the program of KEY, sealed with an independent CRC-32C.
make_profile() {
	"$PYTHON" - "$@" <<'PY'
import os, struct, sys
sys.path.insert(0, os.path.join(os.environ["DFGEN_TOP"], "tests/lib"))
from crc32c import crc32c
classes = [900, 800, 700, 600, 500, 400, 300, 200] + [10] * 23 + [3]
lifetimes = [8000, 0, 0, 1000] + [0] * 4 + [890] + [0] * 23
b = bytearray(struct.pack("<IHHIIQ10Q32Q32Q", 0x50414644, 2, 32, 0, 3,
    int(sys.argv[2], 16), 10000, 50, 130, 10000, 9900, 8000, 10, 100, 65536,
    1234567, *classes, *lifetimes))
struct.pack_into("<I", b, 8, crc32c(bytes(b)))
open(sys.argv[1], "wb").write(b)
PY
}

# The key dfalloc gives PROGRAM.
key_of() {
	"$GEN/dfalloc" show "$1" | sed -n 's/^key: //p'
}

# Paths and key of a run replaced by names, for a golden comparison.
# The profile's CRC covers the key, so it is the machine's too.
neutral() {
	sed -e "s|$BATS_TEST_TMPDIR|TMP|g" -e "s|$1|KEY|g" \
	    -e "s|^  key: 0x$(sed 's/^0*//' <<<"$1")\$|  key: 0xKEY|" \
	    -e "s|^  crc: 0x[0-9a-f]*\$|  crc: CRC|" \
	    -e "s|$(realpath "$(command -v sort)")|SORT|g"
}

@test "dfalloc: show and explain a known profile (golden)" {
	local k
	mkdir "$BATS_TEST_TMPDIR/p"
	k=$(key_of sort)
	[[ $k =~ ^[0-9a-f]{16}$ ]] || fail "key: $k"
	make_profile "$BATS_TEST_TMPDIR/p/$k.prof" "$k"
	DFALLOC_SEEDS=$BATS_TEST_TMPDIR/seeds run --separate-stderr \
	    "$GEN/dfalloc" show -d "$BATS_TEST_TMPDIR/p" sort
	assert_success
	assert_equal "$stderr" ""
	neutral "$k" <<<"$output" > "$BATS_TEST_TMPDIR/show"
	assert_golden "$BATS_TEST_TMPDIR/show" alloc/dfalloc-show.txt
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p run --separate-stderr \
	    "$GEN/dfalloc" explain -s "$BATS_TEST_TMPDIR/seeds" sort
	assert_success
	neutral "$k" <<<"$output" > "$BATS_TEST_TMPDIR/explain"
	assert_golden "$BATS_TEST_TMPDIR/explain" alloc/dfalloc-explain.txt
	# The library reads the same profile and chooses the same.
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_EXPLAIN=1 LD_PRELOAD=$LIB \
	    run --separate-stderr sort /dev/null
	assert_equal "$stderr" "dfalloc: 3 runs, free_ratio 990, lifo 808, live_at_exit 10, cross_thread 1, realloc 5: behaviour churn"
}

@test "dfalloc: a profiled sort shown and explained as the library chose" {
	local k f chosen
	mkdir "$BATS_TEST_TMPDIR/p"
	awk 'BEGIN { for (i = 0; i < 50000; i++) printf "%d\n", i * 7 % 1009 }' \
	    > "$BATS_TEST_TMPDIR/in"
	profile_run sort "$BATS_TEST_TMPDIR/in"
	profile_run sort "$BATS_TEST_TMPDIR/in"
	f=$(echo "$BATS_TEST_TMPDIR"/p/*.prof)
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_EXPLAIN=1 LD_PRELOAD=$LIB \
	    run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	chosen=${stderr##* behaviour }
	run "$GEN/dfalloc" show -d "$BATS_TEST_TMPDIR/p" sort
	assert_success
	k=$(basename "$f" .prof)
	assert_line --index 0 "program: $(realpath "$(command -v sort)")"
	assert_line --index 1 "key: $k"
	assert_line --index 2 "profile: $BATS_TEST_TMPDIR/p/$k.prof"
	assert_line "  runs: 2"
	assert_line "  key: 0x$k"
	assert_line --regexp '^  free_ratio: [0-9]+	\(frees per 1000 allocations\)$'
	assert_line "behaviour: $chosen, from its profile"
	assert_line --regexp '^  above 32768 bytes: [a-z]+$'
	run "$GEN/dfalloc" explain -d "$BATS_TEST_TMPDIR/p" sort
	assert_success
	assert_line --index 1 "profile: $BATS_TEST_TMPDIR/p/$k.prof, 2 runs"
	assert_line --regexp "^  $chosen: (.* holds|the default, as no rule held)\$"
	assert_line --regexp "^behaviour: $chosen: "
	# Every rule before the chosen one does not hold.
	[ "$(printf '%s\n' "$output" | grep -c ': holds$')" -le 1 ]
	[ "$(printf '%s\n' "$output" | sed -n "/^  $chosen: /q;/^  /p" |
	    grep -vc ': does not hold$')" = 0 ] || fail "$output"
}

@test "dfalloc: a seed is what the library runs without a profile, and a profile overrides it" {
	local k
	mkdir "$BATS_TEST_TMPDIR/seeds" "$BATS_TEST_TMPDIR/p"
	printf 'b\na\n' > "$BATS_TEST_TMPDIR/in"
	run "$GEN/dfalloc" seed -s "$BATS_TEST_TMPDIR/seeds" sort never_free
	assert_success
	k=$(key_of sort)
	assert_output "$BATS_TEST_TMPDIR/seeds/$k.seed: never_free seeded for $(realpath "$(command -v sort)")"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/seeds/$k.seed")" "never_free"
	DFALLOC_SEEDS=$BATS_TEST_TMPDIR/seeds DFALLOC_EXPLAIN=1 \
	    LD_PRELOAD=$LIB run --separate-stderr sort "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output "a
b"
	assert_equal "$stderr" "dfalloc: seed $BATS_TEST_TMPDIR/seeds/$k.seed: behaviour never_free"
	run "$GEN/dfalloc" show -s "$BATS_TEST_TMPDIR/seeds" sort
	assert_line "behaviour: never_free, from its seed"
	assert_line "  1 to 4096 bytes: bump"
	run "$GEN/dfalloc" explain -s "$BATS_TEST_TMPDIR/seeds" sort
	assert_line "the seed $BATS_TEST_TMPDIR/seeds/$k.seed names it"
	# A profile decides over the seed.
	make_profile "$BATS_TEST_TMPDIR/p/$k.prof" "$k"
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_SEEDS=$BATS_TEST_TMPDIR/seeds \
	    DFALLOC_EXPLAIN=1 LD_PRELOAD=$LIB run --separate-stderr \
	    sort "$BATS_TEST_TMPDIR/in"
	[[ $stderr == *": behaviour churn" ]] || fail "$stderr"
	run "$GEN/dfalloc" explain -d "$BATS_TEST_TMPDIR/p" \
	    -s "$BATS_TEST_TMPDIR/seeds" sort
	assert_line "the profile overrides the seed $BATS_TEST_TMPDIR/seeds/$k.seed (never_free)"
	# A staged copy seeded under its installed path has that key.
	cp "$(command -v sort)" "$BATS_TEST_TMPDIR/staged"
	run "$GEN/dfalloc" seed -s "$BATS_TEST_TMPDIR/seeds" \
	    -i "$(realpath "$(command -v sort)")" "$BATS_TEST_TMPDIR/staged" bulk
	assert_success
	assert_output --partial "/$k.seed: bulk seeded for "
	run "$GEN/dfalloc" seed -s "$BATS_TEST_TMPDIR/seeds" \
	    "$BATS_TEST_TMPDIR/staged" bulk
	refute_output --partial "/$k.seed"
}

@test "dfalloc: a corrupt profile or seed gets one warning, as the library gives it" {
	local k f s
	mkdir "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/seeds"
	k=$(key_of sort)
	f=$BATS_TEST_TMPDIR/p/$k.prof
	s=$BATS_TEST_TMPDIR/seeds/$k.seed
	make_profile "$f" "$k"
	printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
	printf 'fastest\n' > "$s"
	run --separate-stderr "$GEN/dfalloc" explain -d "$BATS_TEST_TMPDIR/p" \
	    -s "$BATS_TEST_TMPDIR/seeds" sort
	assert_success
	assert_equal "$stderr" "dfalloc: ignoring profile $f: checksum mismatch
dfalloc: ignoring seed $s: no behaviour of dfalloc.def has that name"
	assert_line "behaviour: general: anything else"
	DFALLOC_DIR=$BATS_TEST_TMPDIR/p DFALLOC_SEEDS=$BATS_TEST_TMPDIR/seeds \
	    LD_PRELOAD=$LIB run --separate-stderr sort /dev/null
	assert_success
	assert_equal "$stderr" "dfalloc: ignoring profile $f: checksum mismatch
dfalloc: ignoring seed $s: no behaviour of dfalloc.def has that name"
	head -c 100 "$BATS_TEST_TMPDIR/p/$k.prof" > "$BATS_TEST_TMPDIR/short"
	mv "$BATS_TEST_TMPDIR/short" "$f"
	rm "$s"
	run --separate-stderr "$GEN/dfalloc" show -d "$BATS_TEST_TMPDIR/p" \
	    -s "$BATS_TEST_TMPDIR/seeds" sort
	assert_success
	assert_equal "$stderr" "dfalloc: ignoring profile $f: not a profile of this size"
	assert_line "profile: none at $f"
	assert_line "behaviour: general, from the default"
}

@test "dfalloc: bad usage exits 2 with the usage" {
	local args
	for args in "" "frob sort" "show" "show a b" "explain" "seed sort" \
	    "seed sort a b" "show -L /lib sort" "seed -d x sort bulk" \
	    "link extra" "link -d x" "preload" "show -q sort"; do
		run "$GEN/dfalloc" $args
		assert_failure 2
		assert_line --partial "usage: dfalloc show"
	done
}

@test "dfalloc: bad input exits 1 with the reason" {
	run "$GEN/dfalloc" show no-such-program-here
	assert_failure 1
	assert_output "dfalloc: no-such-program-here: No such file or directory"
	printf '#!/bin/sh\n' > "$BATS_TEST_TMPDIR/script"
	chmod +x "$BATS_TEST_TMPDIR/script"
	run "$GEN/dfalloc" explain "$BATS_TEST_TMPDIR/script"
	assert_failure 1
	assert_output "dfalloc: $BATS_TEST_TMPDIR/script: not an ELF file (a script's profile is its interpreter's)"
	head -c 40 "$(command -v sort)" > "$BATS_TEST_TMPDIR/cut"
	run "$GEN/dfalloc" show "$BATS_TEST_TMPDIR/cut"
	assert_failure 1
	assert_output "dfalloc: $BATS_TEST_TMPDIR/cut: a damaged ELF header"
	run "$GEN/dfalloc" seed sort fastest
	assert_failure 1
	assert_output "dfalloc: unknown behaviour 'fastest'; dfalloc.def has never_free, shared, bulk, churn, private, general"
	run "$GEN/dfalloc" seed -s "$BATS_TEST_TMPDIR/none" sort bulk
	assert_failure 1
	assert_output --regexp "^dfalloc: $BATS_TEST_TMPDIR/none/[0-9a-f]{16}\\.seed\\.[0-9]+: No such file or directory\$"
}

@test "dfalloc: the link and preload lines it prints work" {
	run "$GEN/dfalloc" link -L "$GEN"
	assert_success
	assert_output "-L$GEN -Wl,-rpath,$GEN -ldfalloc -lpthread -ldl"
	cc $CWARN -O1 -o "$BATS_TEST_TMPDIR/api" "$FIXTURES/alloc/api_test.c" \
	    $output
	DFALLOC_EXPLAIN=1 run --separate-stderr "$BATS_TEST_TMPDIR/api"
	assert_success
	assert_output "api: all checks passed"
	assert_line --index 0 "api: all checks passed"
	[[ $stderr == "dfalloc: no profile or seed: behaviour general"* ]] ||
	    fail "$stderr"
	printf 'b\na\n' > "$BATS_TEST_TMPDIR/a b"
	run "$GEN/dfalloc" preload -L "$GEN" sort -k 1 "$BATS_TEST_TMPDIR/a b"
	assert_success
	assert_output "LD_PRELOAD=$GEN/libdfalloc.so sort -k 1 '$BATS_TEST_TMPDIR/a b'"
	DFALLOC_EXPLAIN=1 run --separate-stderr sh -c "$output"
	assert_success
	assert_output "a
b"
	assert_equal "$stderr" "dfalloc: no profile or seed: behaviour general"
	run "$GEN/dfalloc" link
	assert_output "-L/usr/lib -Wl,-rpath,/usr/lib -ldfalloc -lpthread -ldl"
}

@test "dfalloc: the ELF and note decoders fuzzed, ASan+UBSan" {
	require_asan
	build_tool "$BATS_TEST_TMPDIR/fuzz" -g -O1 \
	    -fsanitize=address,undefined -fno-sanitize-recover=all \
	    "$FIXTURES/alloc/elf_fuzz.c"
	run "$BATS_TEST_TMPDIR/fuzz" "$(command -v sort)" 300000 7
	assert_success
	[[ $output =~ ^"elf_fuzz: 300000 rounds, "([0-9]+)" read, "([0-9]+)" refused"$ ]] ||
	    fail "$output"
	[ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[2]}" -gt 0 ]
}

@test "dfalloc: builds and runs with -m32" {
	require_m32
	build_tool "$BATS_TEST_TMPDIR/dfalloc32" -m32 -O1 "$TOOLDIR/dfalloc.c"
	run "$BATS_TEST_TMPDIR/dfalloc32" show sort
	assert_success
	assert_line "key: $(key_of sort)"
}
