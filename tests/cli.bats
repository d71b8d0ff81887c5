#!/usr/bin/env bats
# The dfgen command line: help, usage errors (exit 2), unreadable inputs
# (exit 1), and the make record a run leaves behind.

load lib/common

@test "cli: --help lists the commands" {
	run dfgen --help
	assert_success
	assert_line --partial "consts"
	run dfgen consts --help
	assert_success
	assert_line --partial "--list-outputs"
}

@test "cli: no command is a usage error" {
	run dfgen
	assert_failure 2
	assert_line "dfgen: no command given"
}

@test "cli: a misspelled command gets a suggestion and exit 2" {
	run dfgen const x.def
	assert_failure 2
	assert_line "dfgen: unknown command 'const'; did you mean 'consts'?"
}

@test "cli: missing operands and unknown options exit 2" {
	run dfgen consts
	assert_failure 2
	assert_line --partial "the following arguments are required: FILE"
	assert_line "usage: see 'dfgen consts --help'"
	run dfgen consts --frobnicate x.def
	assert_failure 2
}

@test "cli: an input that does not exist is bad input, exit 1" {
	run dfgen consts -o "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/nope.def"
	assert_failure 1
	assert_output "$BATS_TEST_TMPDIR/nope.def: error: cannot read '$BATS_TEST_TMPDIR/nope.def': No such file or directory"
}

@test "cli: the record names the command, the outputs and every file read" {
	local d=$BATS_TEST_TMPDIR
	cp -r "$FIXTURES/consts" "$d/defs"
	run dfgen consts -I "$d/defs/inc" -o "$d/out" --record "$d/rec/consts.lang.mk" "$d/defs/lang.def"
	assert_success
	run cat "$d/rec/consts.lang.mk"
	assert_line "_DFGEN_CMD.consts.lang=	consts -I $d/defs/inc -o $d/out $d/defs/lang.def"
	assert_line "_DFGEN_OUT.consts.lang=	$d/out/lang.h $d/out/lang_names.c"
	local deps
	deps=$(sed -n 's/^_DFGEN_DEP.consts.lang=	//p' "$d/rec/consts.lang.mk")
	for f in "$d/defs/lang.def" "$d/defs/common.def" "$d/defs/twice.def" \
	    "$d/defs/inc/units.def" "$DFGEN_TOP/templates/banner.j2" \
	    "$DFGEN_TOP/templates/consts/consts.h.j2" \
	    "$DFGEN_TOP/templates/consts/names.c.j2" \
	    "$DFGEN_TOP/generators/dfgen_core/lexer.py" \
	    "$DFGEN_TOP/generators/families/consts.py"; do
		[[ " $deps " == *" $f "* ]] || fail "record lacks $f"
	done
}

@test "cli: a failed run leaves the previous record alone" {
	local d=$BATS_TEST_TMPDIR
	printf 'const A = 1;\n' > "$d/u.def"
	dfgen consts -o "$d/out" --record "$d/rec.mk" "$d/u.def"
	cp "$d/rec.mk" "$d/rec.before"
	printf 'const A = ;\n' > "$d/u.def"
	run dfgen consts -o "$d/out" --record "$d/rec.mk" "$d/u.def"
	assert_failure 1
	cmp "$d/rec.mk" "$d/rec.before"
}
