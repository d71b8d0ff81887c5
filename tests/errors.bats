#!/usr/bin/env bats
# Bad definition files: each must fail with exit status 1, print exactly
# the diagnostic in its .err file (file:line:col, message, the source
# line, a caret, notes), and leave every existing output untouched.

load lib/common

# check_error NAME: run the consts generator on errors/NAME.def.
check_error() {
	local name=$1 out=$BATS_TEST_TMPDIR/out
	mkdir -p "$out"
	printf 'old\n' > "$out/$name.h"
	age "$out/$name.h"
	local before
	before=$(mtime "$out/$name.h")
	cd "$FIXTURES/errors"
	run dfgen consts -o "$out" "$name.def"
	assert_failure 1
	diff -u "$name.err" <(printf '%s\n' "$output") ||
	    fail "diagnostic differs from $name.err"
	assert_equal "$(cat "$out/$name.h")" old
	assert_equal "$(mtime "$out/$name.h")" "$before"
	assert_file_not_exist "$out/${name}_names.c"
}

@test "error: bad escape" {
	check_error bad_escape
}

@test "error: bad hex digit" {
	check_error bad_hex_digit
}

@test "error: bad prefix" {
	check_error bad_prefix
}

@test "error: bad prefix attr" {
	check_error bad_prefix_attr
}

@test "error: bad utf8" {
	check_error bad_utf8
}

@test "error: const in block" {
	check_error const_in_block
}

@test "error: const without value" {
	check_error const_without_value
}

@test "error: division by zero" {
	check_error division_by_zero
}

@test "error: double underscore" {
	check_error double_underscore
}

@test "error: duplicate attribute" {
	check_error duplicate_attribute
}

@test "error: duplicate const" {
	check_error duplicate_const
}

@test "error: duplicate member" {
	check_error duplicate_member
}

@test "error: duplicate set" {
	check_error duplicate_set
}

@test "error: duplicate value" {
	check_error duplicate_value
}

@test "error: empty set" {
	check_error empty_set
}

@test "error: extra word" {
	check_error extra_word
}

@test "error: flag bit too high" {
	check_error flag_bit_too_high
}

@test "error: include extra words" {
	check_error include_extra_words
}

@test "error: include in block" {
	check_error include_in_block
}

@test "error: include loop" {
	check_error include_loop
}

@test "error: include self" {
	check_error include_self
}

@test "error: include without string" {
	check_error include_without_string
}

@test "error: keyword name" {
	check_error keyword_name
}

@test "error: leading zero" {
	check_error leading_zero
}

@test "error: member clashes const" {
	check_error member_clashes_const
}

@test "error: member with body" {
	check_error member_with_body
}

@test "error: missing expression" {
	check_error missing_expression
}

@test "error: missing include" {
	check_error missing_include
}

@test "error: missing semicolon" {
	check_error missing_semicolon
}

@test "error: misspelled name" {
	check_error misspelled_name
}

@test "error: negative unsigned" {
	check_error negative_unsigned
}

@test "error: non ascii name" {
	check_error non_ascii_name
}

@test "error: nul byte" {
	check_error nul_byte
}

@test "error: set with value" {
	check_error set_with_value
}

@test "error: set without body" {
	check_error set_without_body
}

@test "error: shift too far" {
	check_error shift_too_far
}

@test "error: signed flags" {
	check_error signed_flags
}

@test "error: stray brace" {
	check_error stray_brace
}

@test "error: string arithmetic" {
	check_error string_arithmetic
}

@test "error: string member value" {
	check_error string_member_value
}

@test "error: subscripted name" {
	check_error subscripted_name
}

@test "error: ternary without colon" {
	check_error ternary_without_colon
}

@test "error: unclosed paren" {
	check_error unclosed_paren
}

@test "error: unexpected char" {
	check_error unexpected_char
}

@test "error: unknown attribute" {
	check_error unknown_attribute
}

@test "error: unknown declaration" {
	check_error unknown_declaration
}

@test "error: unknown name" {
	check_error unknown_name
}

@test "error: unknown type" {
	check_error unknown_type
}

@test "error: unterminated block" {
	check_error unterminated_block
}

@test "error: unterminated comment" {
	check_error unterminated_comment
}

@test "error: unterminated string" {
	check_error unterminated_string
}

@test "error: value too large" {
	check_error value_too_large
}

