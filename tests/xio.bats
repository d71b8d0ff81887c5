#!/usr/bin/env bats
# The xio family: the page-list runtime (sys/dfgen/xio/dfxio.c) fuzzed
# under ASan+UBSan, the wrappers generated from definitions (golden,
# compiled host and -m32, run on the host), every error path of the
# definition language, the survey (golden on a fixture tree with every
# kind of site; the real tree with DFLY_SRC), the overlay's edits that
# convert pipes, tmpfs and HAMMER2, and the kernel build check.

load lib/common
load lib/kcheck

XIO_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/xio/xio.def
EVERY_DEF=$FIXTURES/xio/every.def
RUNTIME=$DFGEN_TOP/sys-overlays/sys/dfgen/xio/dfxio.c
TREE=$FIXTURES/xio/tree
SAN="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all"

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

require_clang() {
	command -v clang >/dev/null || skip "clang is not installed (apt clang)"
}

# -- the runtime ------------------------------------------------------------

@test "xio: the runtime compiles for the host and -m32 with -Werror" {
	require_m32
	cc $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -c "$RUNTIME" -o "$BATS_TEST_TMPDIR/a.o"
	cc -m32 $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -c "$RUNTIME" -o "$BATS_TEST_TMPDIR/b.o"
}

@test "xio: the page lists survive 2x10^5 random operations under ASan+UBSan" {
	cc_host "$BATS_TEST_TMPDIR/fuzz" -D_DEFAULT_SOURCE $SAN \
	    "$FIXTURES/xio/fuzz.c" "$RUNTIME"
	run "$BATS_TEST_TMPDIR/fuzz" 1 100000
	assert_success
	assert_output "fuzz: 100000 iterations, seed 1: ok"
	run "$BATS_TEST_TMPDIR/fuzz" 0x5eed 100000
	assert_success
	assert_output "fuzz: 100000 iterations, seed 0x5eed: ok"
}

# -- the wrappers -----------------------------------------------------------

@test "xio: the shipped paths match their golden output" {
	run dfgen xio -o "$OUT" "$XIO_DEF"
	assert_success
	assert_output ""
	assert_golden "$OUT/xio.h" xio/xio.h
	assert_golden "$OUT/xio.c" xio/xio.c
}

@test "xio: every attribute and pattern matches its golden output" {
	dfgen xio -o "$OUT" "$EVERY_DEF"
	assert_golden "$OUT/every.h" xio/every.h
	assert_golden "$OUT/every.c" xio/every.c
}

@test "xio: --list-outputs names two files and reads nothing" {
	run dfgen xio --list-outputs -o "$OUT" "$BATS_TEST_TMPDIR/none.def"
	assert_success
	assert_output "$OUT/none.h
$OUT/none.c"
}

@test "xio: a second run writes nothing" {
	dfgen xio -o "$OUT" "$XIO_DEF"
	local before
	before=$(mtime "$OUT/xio.c")
	run dfgen xio -v -o "$OUT" "$XIO_DEF"
	assert_success
	assert_output ""
	assert_equal "$(mtime "$OUT/xio.c")" "$before"
}

@test "xio: the generated wrappers compile (host, -m32) and move the right bytes" {
	require_m32
	dfgen xio -o "$OUT" "$EVERY_DEF" "$XIO_DEF"
	cc_host "$OUT/w" -D_DEFAULT_SOURCE $SAN -I"$OUT" \
	    "$FIXTURES/xio/wrappers.c" "$OUT/every.c" "$RUNTIME"
	run "$OUT/w"
	assert_success
	assert_output "wrappers: ok"
	cc_m32 "$OUT/w32" -D_DEFAULT_SOURCE -I"$OUT" \
	    "$FIXTURES/xio/wrappers.c" "$OUT/every.c" "$RUNTIME"
	run "$OUT/w32"
	assert_output "wrappers: ok"
	# The shipped table too, both ways.
	cc $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$OUT" -c "$OUT/xio.c" -o "$OUT/x.o"
	cc -m32 $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$OUT" -c "$OUT/xio.c" -o "$OUT/x32.o"
}

# -- errors -----------------------------------------------------------------

# xio_error NAME TEXT: run dfgen xio on a definition NAME.def holding TEXT.
xio_error() {
	printf '%s\n' "$2" > "$BATS_TEST_TMPDIR/$1.def"
	cd "$BATS_TEST_TMPDIR"
	run dfgen xio -o "$OUT" "$1.def"
	assert_failure 1
	[ ! -e "$OUT" ] || fail "an error left output behind"
}

@test "xio: error: an unknown pattern" {
	xio_error e 'path p pattern: pages, file: "sys/k.c", function: f;'
	assert_output "e.def:1:17: error: expected one of 'user_pages', 'buf_pages'; did you mean 'buf_pages'?
path p pattern: pages, file: \"sys/k.c\", function: f;
                ^"
}

@test "xio: error: a path without file:" {
	xio_error e 'path p pattern: user_pages, function: f;'
	assert_output "e.def:1:6: error: path 'p' needs 'file:'
path p pattern: user_pages, function: f;
     ^"
}

@test "xio: error: a file outside the tree, or not a C file" {
	xio_error e 'path p pattern: user_pages, file: "../k.c", function: f;'
	assert_output "e.def:1:29: error: '../k.c' is not a C file relative to SRCTOP
path p pattern: user_pages, file: \"../k.c\", function: f;
                            ^"
	xio_error e 'path p pattern: user_pages, file: "sys/k.h", function: f;'
	assert_line "e.def:1:29: error: 'sys/k.h' is not a C file relative to SRCTOP"
}

@test "xio: error: a function that is not a C name" {
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: "not a name";'
	assert_output "e.def:1:56: error: expected the name of a C function
path p pattern: user_pages, file: \"sys/k.c\", function: \"not a name\";
                                                       ^"
}

@test "xio: error: min: and align: out of range" {
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: f, min: -1;'
	assert_line "e.def:1:59: error: min: -1 is not a transfer size (0 to 2147483647 bytes)"
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: f, align: 48;'
	assert_output "e.def:1:59: error: align: 48 is not a power of two from 1 to 4096
path p pattern: user_pages, file: \"sys/k.c\", function: f, align: 48;
                                                          ^"
}

@test "xio: error: a path defined twice" {
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: f;
path p pattern: buf_pages, file: "sys/k.c", function: g;'
	assert_output "e.def:2:6: error: path 'p' is already defined
path p pattern: buf_pages, file: \"sys/k.c\", function: g;
     ^
e.def:1:6: note: previous definition is here
path p pattern: user_pages, file: \"sys/k.c\", function: f;
     ^"
}

@test "xio: error: a doc string that would end its comment" {
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: f, doc: "a */ b";'
	assert_line "e.def:1:59: error: a doc string is one line of a C comment: no newline, no '*/'"
}

@test "xio: error: enabled: takes yes or no; unknown attributes and declarations" {
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: f, enabled: maybe;'
	assert_line "e.def:1:68: error: expected one of 'yes', 'no'"
	xio_error e 'path p pattern: user_pages, file: "sys/k.c", function: f, enable: yes;'
	assert_line "e.def:1:59: error: unknown attribute 'enable' for path 'p'; did you mean 'enabled'?"
	xio_error e 'paths p pattern: user_pages;'
	assert_line "e.def:1:1: error: unknown declaration 'paths'; did you mean 'path'?"
}

@test "xio: error: no paths, and a file name that cannot start C names" {
	xio_error e '# nothing'
	assert_output "e.def: error: no paths: an xio definition names at least one 'path'"
	xio_error 1bad 'path p pattern: user_pages, file: "sys/k.c", function: f;'
	assert_output "1bad.def: error: the file's name, '1bad', cannot start C names"
}

@test "xio: usage errors of the survey" {
	run dfgen xio survey
	assert_failure 2
	assert_output "dfgen xio survey: expected one SRCTOP
usage: see 'dfgen xio --help'"
	run dfgen xio survey "$BATS_TEST_TMPDIR"
	assert_failure 2
	assert_line "dfgen xio survey: $BATS_TEST_TMPDIR has no sys/ directory"
	run dfgen xio survey "$TREE" --subsys net
	assert_failure 2
	assert_line "dfgen xio survey: no directory sys/net in $TREE"
	run dfgen xio survey "$TREE" --objdir "$BATS_TEST_TMPDIR"
	assert_failure 2
	assert_line "dfgen xio survey: --objdir $BATS_TEST_TMPDIR has no opt_global.h"
	run dfgen xio --subsys kern "$XIO_DEF"
	assert_failure 2
	assert_line "dfgen xio: --subsys applies to 'survey'"
}

# -- the survey -------------------------------------------------------------

@test "xio: survey: every kind of site in the fixture tree, ranked (golden)" {
	require_clang
	run dfgen xio survey "$TREE" -o "$OUT" -j 1
	assert_success
	assert_output ""
	assert_golden "$OUT/survey.md" xio/survey.md
	assert_golden "$OUT/survey.json" xio/survey.json
	# Two processes give the same bytes.
	dfgen xio survey "$TREE" -o "$OUT/j2" -j 2
	cmp "$OUT/survey.json" "$OUT/j2/survey.json"
}

@test "xio: survey: the real tree's pipes, tmpfs and HAMMER2 rank high (DFLY_SRC)" {
	kcheck_require_tree
	require_clang
	local obj=$BATS_TEST_TMPDIR/kobj
	(cd "$DFGEN_TOP" && LC_ALL=C bmake -f mk/kernel-check.mk generate \
	    PYTHON="$PYTHON" DFLY_SRC="$DFLY_SRC" KERNCONF=X86_64_GENERIC \
	    KCHECK_OBJDIR="$obj" >/dev/null 2>&1)
	run dfgen xio survey "$DFLY_SRC" --objdir "$obj" --subsys kern \
	    --subsys vfs/tmpfs --subsys vfs/hammer2 -o "$OUT" -v
	assert_success
	assert_line --regexp '^dfgen xio survey: [0-9]+ sites in [0-9]+ of [0-9]+ files \(0 with errors\)$'
	run grep -E '^\| [0-9]+ \| high \|' "$OUT/survey.md"
	assert_line --partial "| sys/kern/sys_pipe.c:842 | pipe_write | uiomove | \`segsize\` (var) | write writev pwrite | user_pages |"
	assert_line --partial "| sys/kern/sys_pipe.c:547 | pipe_read | uiomove | \`nsize\` (var) | read readv pread | user_pages |"
	assert_line --partial "| sys/vfs/tmpfs/tmpfs_vnops.c:642 | tmpfs_read | uiomovebp | \`len\` (var) | read readv pread | buf_pages |"
	assert_line --partial "| sys/vfs/hammer2/hammer2_vnops.c:1149 | hammer2_write_file | uiomovebp | \`n\` (var) | write writev pwrite | buf_pages |"
	# The tree's XIO users in kern/ are found: the buffer cache's and
	# the journal's.
	run grep -E '^\| [0-9]+ \| low \| 0 \|' "$OUT/survey.md"
	assert_line --partial "| sys/kern/vfs_bio.c:642 | bufinit | xio_init | - |  |  |"
	assert_line --partial "| sys/kern/vfs_journal.c:1433 | jrecord_write_pagelist | xio_init_pages | \`i - b\` (var) |  |  |"
}

# -- the conversions --------------------------------------------------------

@test "xio: overlay: the edits convert pipes, tmpfs and HAMMER2, and revert byte for byte (DFLY_SRC)" {
	kcheck_require_tree
	local src=$BATS_TEST_TMPDIR/dfly
	mkdir "$src"
	cp -a "$DFLY_SRC/sys" "$src/sys"
	run dfgen overlay --dry-run "$src"
	assert_success
	assert_line "edit sys/kern/sys_pipe.c"
	assert_line "edit sys/vfs/tmpfs/tmpfs_vnops.c"
	assert_line "edit sys/vfs/hammer2/hammer2_vnops.c"
	dfgen overlay "$src"
	run grep -c 'xio_pipe_[a-z_]*(' "$src/sys/kern/sys_pipe.c"
	assert_output 6
	run grep -c 'xio_tmpfs_[a-z_]*(' "$src/sys/vfs/tmpfs/tmpfs_vnops.c"
	assert_output 4
	run grep -c 'xio_hammer2_[a-z_]*(' "$src/sys/vfs/hammer2/hammer2_vnops.c"
	assert_output 4
	dfgen overlay --revert "$src"
	diff -r "$DFLY_SRC/sys" "$src/sys"
}

@test "xio: the runtime, the table and the three converted files compile in a DragonFly kernel" {
	kcheck_require_tree
	local T=$BATS_TEST_TMPDIR
	kcheck_overlaid_tree "$T/src"
	kcheck_codegen_config "$T/CODEGEN"
	run kcheck_own "$T/src" "$T/CODEGEN"
	assert_success
	assert_output --partial "CC dfxio.c"
	assert_output --partial "CC xio.c"
	# The converted files, -Werror but for the one warning the tree's
	# own code gives under a compiler newer than its gcc 8.
	local O=$T/obj/kernel-check/CODEGEN W="-Werror -Wno-address-of-packed-member"
	rm -f "$O"/sys_pipe.ck "$O"/tmpfs_vnops.ck "$O"/hammer2_vnops.ck
	(cd "$DFGEN_TOP" && LC_ALL=C bmake -f mk/kernel-check.mk \
	    PYTHON="$PYTHON" DFLY_SRC="$T/src" KERNCONF="$T/CODEGEN" \
	    KCHECK_OBJDIR="$O" "_KCHECK_WERROR.sys_pipe=$W" \
	    "_KCHECK_WERROR.tmpfs_vnops=$W" "_KCHECK_WERROR.hammer2_vnops=$W" \
	    sys_pipe.ck tmpfs_vnops.ck hammer2_vnops.ck)
	cat "$O"/sys_pipe.err "$O"/tmpfs_vnops.err "$O"/hammer2_vnops.err
	assert_equal "$(cat "$O"/sys_pipe.ck "$O"/tmpfs_vnops.ck "$O"/hammer2_vnops.ck | tr '\n' ' ')" "ok ok ok "
	nm "$O/sys_pipe.o" | grep -q ' U xio_pipe_write$'
	nm "$O/tmpfs_vnops.o" | grep -q ' U xio_tmpfs_read$'
	nm "$O/hammer2_vnops.o" | grep -q ' U xio_hammer2_write$'
	nm "$O/xio.o" | grep -q ' T xio_pipe_write$'
	nm "$O/dfxio.o" | grep -q ' T dfxio_uio_kbuf$'
}
