#!/usr/bin/env bats
# Every decoder generated from hammer2_media.def and ufs1.def, fed random
# and mutated valid inputs under ASan and UBSan by a seeded driver
# (tests/fixtures/structs/prog/fuzz_structs.c): no out-of-bounds access,
# no undefined behaviour, a known error for every refusal, and decode then
# encode the identity on whatever decodes.  bench/structs/fuzz.sh runs
# the same driver longer.

load lib/common

STRUCTS=$DFGEN_TOP/sys-overlays/sys/dfgen/structs
PROG=$FIXTURES/structs/prog
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"

setup_file() {
	GEN=$BATS_FILE_TMPDIR/gen
	export GEN
	dfgen structs "$STRUCTS/ufs1.def" -o "$GEN" >/dev/null
	dfgen structs "$STRUCTS/hammer2_media.def" -o "$GEN" >/dev/null
}

# build_fuzz BINARY COMPILER: the driver with the sanitizers.  The
# runtime is compiled once per compiler: it takes long.
build_fuzz() {
	local rt=$BATS_FILE_TMPDIR/dfstruct.$2.o
	printf 'int main(void) { return 0; }\n' > "$BATS_TEST_TMPDIR/t.c"
	$2 $SAN -o "$BATS_TEST_TMPDIR/t" "$BATS_TEST_TMPDIR/t.c" 2>/dev/null ||
	    skip "$2 cannot build with ASan and UBSan"
	[ -f "$rt" ] || $2 $CWARN $SAN -I"$DFGEN_TOP/sys-overlays/sys" -c \
	    -o "$rt" "$STRUCTS/dfstruct.c"
	# -w: ufs1.c's warnings are structs_ufs.bats' business.
	$2 -std=c11 -w $SAN -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" -o "$1" \
	    "$PROG/fuzz_structs.c" "$GEN/ufs1.c" "$GEN/hammer2_media.c" "$rt"
}

@test "fuzz: 10^5 inputs to every generated decoder under ASan+UBSan (clang)" {
	command -v clang >/dev/null || skip "no clang"
	build_fuzz "$BATS_TEST_TMPDIR/fuzz" clang
	run "$BATS_TEST_TMPDIR/fuzz" 100000 1
	assert_success
	assert_output --regexp '^100000 inputs, [0-9]+ decoded, 19 decoders, [0-9]+ lines printed, no finding$'
}

@test "fuzz: another seed with gcc's sanitizers" {
	build_fuzz "$BATS_TEST_TMPDIR/fuzz" cc
	run "$BATS_TEST_TMPDIR/fuzz" 100000 20261126
	assert_success
	assert_output --partial 'no finding'
}

@test "fuzz: the driver finds a decoder that reads past its input" {
	command -v clang >/dev/null || skip "no clang"
	# A blockref decoder that trusts the length it is given.
	cp -R "$GEN" "$BATS_TEST_TMPDIR/gen"
	GEN=$BATS_TEST_TMPDIR/gen
	sed -i 's/if (len < HAMMER2_BLOCKREF_SIZE)/if (len + 64 < HAMMER2_BLOCKREF_SIZE)/' \
	    "$GEN/hammer2_media.c"
	grep -q 'len + 64 < HAMMER2_BLOCKREF_SIZE' "$GEN/hammer2_media.c"
	build_fuzz "$BATS_TEST_TMPDIR/fuzz" clang
	run "$BATS_TEST_TMPDIR/fuzz" 100000 1
	assert_failure
	assert_output --partial 'ERROR: AddressSanitizer: heap-buffer-overflow'
}

@test "fuzz: the driver finds a round trip that changes the bytes" {
	command -v clang >/dev/null || skip "no clang"
	# An encoder that forgets to swap a field.
	cp -R "$GEN" "$BATS_TEST_TMPDIR/gen"
	GEN=$BATS_TEST_TMPDIR/gen
	sed -i '/^hammer2_blockref_encode(/,/^}/s/memcpy(buf, s, HAMMER2_BLOCKREF_SIZE);/&\n\t((uint8_t *)buf)[6] ^= 1;/' \
	    "$GEN/hammer2_media.c"
	grep -q 'buf)\[6\] ^= 1' "$GEN/hammer2_media.c"
	build_fuzz "$BATS_TEST_TMPDIR/fuzz" clang
	run "$BATS_TEST_TMPDIR/fuzz" 20000 1
	assert_failure
	assert_output --partial 'fuzz_structs: hammer2_blockref: decode then encode changed the bytes'
}
