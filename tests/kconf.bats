#!/usr/bin/env bats
# dfgen kconf: kernel config files read as config(8) reads them, opt_*.h
# written as config(8) writes them (the TESTKERN goldens were checked
# against DragonFly's own config(8) built from its sources), checks of
# the codegen options, and the make fragment that selects the families.

load lib/common

SYS=$FIXTURES/kconf/sys

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

kconf_tree() {
	dfgen kconf --sys "$SYS" -o "$OUT" "$@"
}

@test "kconf: every config(8) construct gives config(8)'s opt_*.h" {
	run kconf_tree "$SYS/config/TESTKERN"
	assert_success
	diff -r "$GOLDEN/kconf/TESTKERN" "$OUT"
}

@test "kconf: include, nooptions and nodevice" {
	run kconf_tree "$SYS/config/EXTKERN"
	assert_success
	assert_output ""
	diff -r "$GOLDEN/kconf/EXTKERN" "$OUT"
}

@test "kconf: dfgen's example config turns every family on" {
	run dfgen kconf -o "$OUT" "$DFGEN_TOP/kconf/CODEGEN_EXAMPLE"
	assert_success
	diff -r "$GOLDEN/kconf/CODEGEN_EXAMPLE" "$OUT"
	run grep -c '^DFGEN_OPT\.' "$OUT/dfgen-kconf.mk"
	assert_output 8
}

@test "kconf: an option set twice warns, and the first setting wins" {
	run kconf_tree "$SYS/config/TESTKERN"
	assert_success
	assert_line "$SYS/config/TESTKERN:22:10: warning: option 'SCSI_DELAY' is set again; the first setting ('5000') wins"
	assert_line "$SYS/config/TESTKERN:16:10: note: first set here"
	assert_equal "$(cat "$OUT/opt_scsi.h")" "#define SCSI_DELAY 5000"
}

@test "kconf: headers are rewritten only when their content changes" {
	kconf_tree "$SYS/config/EXTKERN"
	age "$OUT"/*
	local inet ddb
	inet=$(mtime "$OUT/opt_inet.h"); ddb=$(mtime "$OUT/opt_ddb.h")
	run kconf_tree -v "$SYS/config/EXTKERN"
	assert_output ""
	assert_equal "$(mtime "$OUT/opt_inet.h")" "$inet"
	sed 's/^options\t\tINET6$/options\t\tINET6, DDB_TRACE/' \
	    "$SYS/config/EXTKERN" > "$SYS/config/EXTKERN2.tmp"
	mkdir -p "$BATS_TEST_TMPDIR/cfg/inc"
	mv "$SYS/config/EXTKERN2.tmp" "$BATS_TEST_TMPDIR/cfg/EXTKERN"
	cp "$SYS/config/inc/COMMON" "$BATS_TEST_TMPDIR/cfg/inc/"
	cd "$OUT"
	run dfgen kconf --sys "$SYS" -o . -v "$BATS_TEST_TMPDIR/cfg/EXTKERN"
	assert_success
	assert_output "GEN opt_ddb.h"
	assert_equal "$(mtime opt_inet.h)" "$inet"
	[ "$(mtime opt_ddb.h)" != "$ddb" ]
	assert_equal "$(cat opt_ddb.h)" "#define DDB 1
#define DDB_TRACE 1"
}

@test "kconf: an options file's second word is always a header name" {
	mkdir -p "$BATS_TEST_TMPDIR/sys"
	cp -r "$SYS"/* "$BATS_TEST_TMPDIR/sys/"
	printf 'ODD # a note\n' >> "$BATS_TEST_TMPDIR/sys/conf/options"
	run dfgen kconf --sys "$BATS_TEST_TMPDIR/sys" -o "$OUT" "$BATS_TEST_TMPDIR/sys/config/EXTKERN"
	assert_success
	assert_line "$BATS_TEST_TMPDIR/sys/conf/options:18:5: warning: option 'ODD' is declared in a file named '#': config(8) reads two words at a time"
	assert_file_exist "$OUT/#"
	# and 'a note' declares option 'a' in a header named 'note'
	assert_file_exist "$OUT/note"
}

@test "kconf: --list-outputs names every header and the fragment" {
	run kconf_tree --list-outputs "$SYS/config/TESTKERN"
	assert_success
	assert_line "$OUT/opt_two_b.h"
	assert_line "$OUT/opt_codegen_structs.h"
	assert_line "$OUT/dfgen-kconf.mk"
	assert_equal "${#lines[@]}" "$(ls "$GOLDEN/kconf/TESTKERN" | wc -l)"
}

@test "kconf: the tree's merged codegen declarations are not duplicates" {
	mkdir -p "$BATS_TEST_TMPDIR/sys"
	cp -r "$SYS"/* "$BATS_TEST_TMPDIR/sys/"
	cat "$DFGEN_TOP/kconf/options.codegen" >> "$BATS_TEST_TMPDIR/sys/conf/options"
	run dfgen kconf --sys "$BATS_TEST_TMPDIR/sys" -o "$OUT" "$SYS/config/TESTKERN"
	assert_success
	diff -r "$GOLDEN/kconf/TESTKERN" "$OUT"
}

@test "kconf: an option declared twice with different headers is refused" {
	mkdir -p "$BATS_TEST_TMPDIR/sys"
	cp -r "$SYS"/* "$BATS_TEST_TMPDIR/sys/"
	printf 'KERNEL_VM\topt_elsewhere.h\n' >> "$BATS_TEST_TMPDIR/sys/conf/options"
	run dfgen kconf --sys "$BATS_TEST_TMPDIR/sys" -o "$OUT" "$SYS/config/TESTKERN"
	assert_failure 1
	assert_line --partial "options.codegen:14:1: error: option 'KERNEL_VM' is declared twice"
	assert_line "$BATS_TEST_TMPDIR/sys/conf/options:18:1: note: first declared here"
	assert_file_not_exist "$OUT"
}

# A codegen directory of the test's own, for relations the real one lacks.
codegen_dir() {
	mkdir -p "$BATS_TEST_TMPDIR/cg"
	printf 'ALPHA\topt_alpha.h\nBETA\topt_beta.h\n' > "$BATS_TEST_TMPDIR/cg/options.codegen"
	printf '%b' "$1" > "$BATS_TEST_TMPDIR/cg/codegen.def"
}

config_with() {
	printf 'platform\tpcx\nmachine\t\tx86_64\nmachine_arch\tx86_64\nident\t\tT\n%b' "$1" \
	    > "$BATS_TEST_TMPDIR/T"
}

@test "kconf: conflicting codegen options are refused at the config line" {
	codegen_dir 'option ALPHA {\n\tconflicts BETA;\n}\noption BETA;\n'
	config_with 'options\t\tBETA\noptions\t\tALPHA\n'
	run dfgen kconf --codegen "$BATS_TEST_TMPDIR/cg" -o "$OUT" "$BATS_TEST_TMPDIR/T"
	assert_failure 1
	assert_output "$BATS_TEST_TMPDIR/T:5:10: error: 'BETA' cannot be used with 'ALPHA'
options		BETA
       		^
$BATS_TEST_TMPDIR/T:6:10: note: 'ALPHA' is set here
options		ALPHA
       		^
$BATS_TEST_TMPDIR/cg/codegen.def:2:12: note: the conflict is declared here
	conflicts BETA;
	          ^"
}

@test "kconf: codegen.def may only describe declared options" {
	codegen_dir 'option ALPHA;\noption GAMMA;\n'
	config_with ''
	run dfgen kconf --codegen "$BATS_TEST_TMPDIR/cg" -o "$OUT" "$BATS_TEST_TMPDIR/T"
	assert_failure 1
	assert_line "$BATS_TEST_TMPDIR/cg/codegen.def:2:8: error: 'GAMMA' is not declared in options.codegen"
}

@test "kconf: a parameter's default must satisfy its own range" {
	codegen_dir 'option ALPHA {\n\tparam BETA default: 3, min: 1, max: 8, power_of_two: yes;\n}\n'
	config_with ''
	run dfgen kconf --codegen "$BATS_TEST_TMPDIR/cg" -o "$OUT" "$BATS_TEST_TMPDIR/T"
	assert_failure 1
	assert_line "$BATS_TEST_TMPDIR/cg/codegen.def:2:13: error: default of 'BETA' 3 is not a power of two"
}

@test "kconf: exactly one config file, or exit 2" {
	run dfgen kconf -o "$OUT" a b
	assert_failure 2
}

# check_error NAME: the config errors/NAME fails with errors/NAME.err.
check_error() {
	local name=$1 expected
	mkdir -p "$OUT"
	printf 'old\n' > "$OUT/opt_inet.h"
	cd "$DFGEN_TOP"
	run dfgen kconf --sys tests/fixtures/kconf/sys -o "$OUT" "tests/fixtures/kconf/errors/$name"
	assert_failure 1
	expected=$(sed "s|@DFGEN_TOP@|$DFGEN_TOP|g" "tests/fixtures/kconf/errors/$name.err")
	assert_equal "$output" "$expected"
	assert_equal "$(cat "$OUT/opt_inet.h")" old
	assert_file_not_exist "$OUT/dfgen-kconf.mk"
}

@test "kconf error: codegen misspelled" {
	check_error codegen_misspelled
}

@test "kconf error: codegen param not integer" {
	check_error codegen_param_not_integer
}

@test "kconf error: codegen param power of two" {
	check_error codegen_param_power_of_two
}

@test "kconf error: codegen param range" {
	check_error codegen_param_range
}

@test "kconf error: codegen param without family" {
	check_error codegen_param_without_family
}

@test "kconf error: codegen param without value" {
	check_error codegen_param_without_value
}

@test "kconf error: codegen requires" {
	check_error codegen_requires
}

@test "kconf error: codegen switch with value" {
	check_error codegen_switch_with_value
}

@test "kconf error: device info without value" {
	check_error device_info_without_value
}

@test "kconf error: digit in device" {
	check_error digit_in_device
}

@test "kconf error: duplicate platform" {
	check_error duplicate_platform
}

@test "kconf error: include loop" {
	check_error include_loop
}

@test "kconf error: keyword typo" {
	check_error keyword_typo
}

@test "kconf error: makeoption without value" {
	check_error makeoption_without_value
}

@test "kconf error: missing ident" {
	check_error missing_ident
}

@test "kconf error: missing include" {
	check_error missing_include
}

@test "kconf error: missing value" {
	check_error missing_value
}

@test "kconf error: obsolete root" {
	check_error obsolete_root
}

@test "kconf error: quoted equals" {
	check_error quoted_equals
}

@test "kconf error: unexpected character" {
	check_error unexpected_character
}

@test "kconf error: unknown option" {
	check_error unknown_option
}

@test "kconf error: unterminated string" {
	check_error unterminated_string
}

@test "kconf error: uppercase keyword" {
	check_error uppercase_keyword
}

@test "kconf: a real tree's X86_64_GENERIC and LINT64 (DFLY_SRC)" {
	[ -n "${DFLY_SRC:-}" ] || skip "DFLY_SRC is not set to a DragonFly source tree"
	local k
	for k in X86_64_GENERIC LINT64; do
		run dfgen kconf --sys "$DFLY_SRC/sys" -o "$OUT/$k" "$DFLY_SRC/sys/config/$k"
		assert_success
		# every header the tree declares, plus dfgen's seven
		[ "$(ls "$OUT/$k"/opt_*.h | wc -l)" -gt 100 ]
		assert_file_exist "$OUT/$k/opt_global.h"
	done
	grep -q '^#define INET 1$' "$OUT/X86_64_GENERIC/opt_inet.h"
}

@test "kconf: --no-opt-headers writes only the fragment (config(8) wrote the rest)" {
	run kconf_tree --no-opt-headers -v "$SYS/config/TESTKERN"
	assert_success
	assert_line "GEN $OUT/dfgen-kconf.mk"
	assert_equal "$(ls "$OUT")" dfgen-kconf.mk
}
