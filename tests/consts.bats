#!/usr/bin/env bats
# The consts family end to end: golden output that a person has read,
# the generated C compiled with warnings as errors (host and -m32) and
# run, deterministic and write-if-changed output.

load lib/common

HAMMER2_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/consts/hammer2_consts.def
LANG_DEF=$FIXTURES/consts/lang.def

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

gen_lang() {
	dfgen consts -I "$FIXTURES/consts/inc" -o "$OUT" "$LANG_DEF"
}

@test "consts: HAMMER2 definitions match their golden output" {
	run dfgen consts -o "$OUT" "$HAMMER2_DEF"
	assert_success
	assert_output ""
	assert_golden "$OUT/hammer2_consts.h" consts/hammer2_consts.h
	assert_golden "$OUT/hammer2_consts_names.c" consts/hammer2_consts_names.c
}

@test "consts: every language construct matches its golden output" {
	run gen_lang
	assert_success
	assert_golden "$OUT/lang.h" consts/lang.h
	assert_golden "$OUT/lang_names.c" consts/lang_names.c
}

@test "consts: HAMMER2 output compiles with -Werror and runs" {
	dfgen consts -o "$OUT" "$HAMMER2_DEF"
	cc_host "$OUT/t" -I"$OUT" "$FIXTURES/consts/hammer2_test.c" \
	    "$OUT/hammer2_consts_names.c"
	run "$OUT/t"
	assert_success
	assert_output "hammer2: all checks passed"
}

@test "consts: HAMMER2 output compiles and runs with -m32" {
	require_m32
	dfgen consts -o "$OUT" "$HAMMER2_DEF"
	cc_m32 "$OUT/t32" -I"$OUT" "$FIXTURES/consts/hammer2_test.c" \
	    "$OUT/hammer2_consts_names.c"
	run "$OUT/t32"
	assert_success
	assert_output "hammer2: all checks passed"
}

@test "consts: language output compiles with -Werror and runs, host and -m32" {
	gen_lang
	cc_host "$OUT/t" -I"$OUT" "$FIXTURES/consts/lang_test.c" "$OUT/lang_names.c"
	run "$OUT/t"
	assert_success
	assert_output "lang: all checks passed"
	require_m32
	cc_m32 "$OUT/t32" -I"$OUT" "$FIXTURES/consts/lang_test.c" "$OUT/lang_names.c"
	run "$OUT/t32"
	assert_success
	assert_output "lang: all checks passed"
}

@test "consts: output is the same bytes wherever it is written from" {
	gen_lang
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cp -r "$FIXTURES/consts" "$BATS_TEST_TMPDIR/copy"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	dfgen consts -I ../copy/inc -o out2 ../copy/lang.def
	cmp "$OUT/lang.h" out2/lang.h
	cmp "$OUT/lang_names.c" out2/lang_names.c
	run grep -l "$BATS_TEST_TMPDIR\|$DFGEN_TOP" out2/lang.h out2/lang_names.c
	assert_failure
}

@test "consts: an unchanged output keeps its mtime; -v names what it writes" {
	dfgen consts -o "$OUT" "$HAMMER2_DEF"
	age "$OUT"/*
	local h c
	h=$(mtime "$OUT/hammer2_consts.h")
	c=$(mtime "$OUT/hammer2_consts_names.c")
	run dfgen consts -v -o "$OUT" "$HAMMER2_DEF"
	assert_success
	assert_output ""
	assert_equal "$(mtime "$OUT/hammer2_consts.h")" "$h"
	assert_equal "$(mtime "$OUT/hammer2_consts_names.c")" "$c"
	# A changed definition rewrites the header only.
	sed 's/"pseudo-type"/"pseudo type"/' "$HAMMER2_DEF" > "$BATS_TEST_TMPDIR/hammer2_consts.def"
	cd "$OUT"
	run dfgen consts -v -o . "$BATS_TEST_TMPDIR/hammer2_consts.def"
	assert_success
	assert_output "GEN hammer2_consts.h"
	assert_equal "$(mtime hammer2_consts_names.c)" "$c"
	assert_file_not_exist .hammer2_consts.h.*.tmp
}

@test "consts: --list-outputs names the outputs without reading the file" {
	run dfgen consts --list-outputs -o /some/dir does/not/exist.def
	assert_success
	assert_output "/some/dir/exist.h
/some/dir/exist_names.c"
}

@test "consts: two inputs that would write the same file are refused" {
	mkdir -p "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	printf 'const A = 1;\n' > "$BATS_TEST_TMPDIR/a/x.def"
	printf 'const B = 1;\n' > "$BATS_TEST_TMPDIR/b/x.def"
	run dfgen consts -o "$OUT" "$BATS_TEST_TMPDIR/a/x.def" "$BATS_TEST_TMPDIR/b/x.def"
	assert_failure 2
	assert_line --partial "would both write 'x.h'"
	assert_file_not_exist "$OUT/x.h"
}

@test "consts: one bad input among several writes nothing" {
	printf 'const A = 1;\n' > "$BATS_TEST_TMPDIR/good.def"
	printf 'const B = ;\n' > "$BATS_TEST_TMPDIR/bad.def"
	run dfgen consts -o "$OUT" "$BATS_TEST_TMPDIR/good.def" "$BATS_TEST_TMPDIR/bad.def"
	assert_failure 1
	assert_file_not_exist "$OUT/good.h"
}
