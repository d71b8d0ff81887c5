#!/usr/bin/env bats
# The structs family: media layouts, codecs, checksums, printers.

load lib/common
load lib/kcheck

DEFS=$DFGEN_TOP/sys-overlays/sys/dfgen/structs
RUNTIME=$DFGEN_TOP/sys-overlays/sys/dfgen/structs/dfstruct.c

setup() {
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

# gen DEF...: generate into $OUT.
gen() {
	dfgen structs -o "$OUT" "$@"
}

# h2check [cc-flags...]: build tests/fixtures/structs/h2check.c.
build_h2check() {
	gen "$DEFS/hammer2_media.def" "$DEFS/dmsg_media.def"
	cc "$@" $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$OUT" \
	    -o "$OUT/h2check" "$FIXTURES/structs/h2check.c" \
	    "$OUT/hammer2_media.c" "$OUT/dmsg_media.c" "$RUNTIME"
}

# A definition file from standard input, and the diagnostic it gives.
bad() {
	cat > "$BATS_TEST_TMPDIR/bad.def"
	run dfgen structs -o "$OUT" "$BATS_TEST_TMPDIR/bad.def"
	assert_failure 1
	refute [ -e "$OUT/bad.h" ]
}

@test "structs: HAMMER2 and dmsg definitions match their golden output" {
	gen "$DEFS/hammer2_media.def" "$DEFS/dmsg_media.def"
	for f in hammer2_media.h hammer2_media.c dmsg_media.h dmsg_media.c; do
		assert_golden "$OUT/$f" "structs/$f"
	done
}

@test "structs: every language construct matches its golden output" {
	gen "$FIXTURES/structs/lang.def"
	assert_golden "$OUT/lang.h" structs/lang.h
	assert_golden "$OUT/lang.c" structs/lang.c
}

@test "structs: HAMMER2 blockrefs and volume headers round-trip in both byte orders" {
	build_h2check
	run "$OUT/h2check" roundtrip
	assert_success
}

@test "structs: HAMMER2 and dmsg code compiles and round-trips with -m32" {
	require_m32
	build_h2check -m32
	run "$OUT/h2check" roundtrip
	assert_success
	run "$OUT/h2check" dmsg "$OUT/dmsg.bin"
	assert_success
}

# An independent CRC-32C (bitwise, from the polynomial) over the regions
# the definition names, against what the generated seal stored.
@test "structs: volume header CRCs match an independent CRC-32C" {
	build_h2check
	"$OUT/h2check" volume "$OUT/vol.bin"
	run "$PYTHON" - "$OUT/vol.bin" <<-'PY'
	import os, struct, sys
	sys.path.insert(0, os.path.join(os.environ["DFGEN_TOP"], "tests/lib"))
	from crc32c import crc32c
	v = open(sys.argv[1], "rb").read()
	sects = struct.unpack_from("<8I", v, 0x1e0)
	assert sects[6] == crc32c(v[0x200:0x400]), "sect1"
	assert sects[7] == crc32c(v[0:0x1fc]), "sect0"
	assert struct.unpack_from("<I", v, 0xfffc)[0] == crc32c(v[:0xfffc]), "vh"
	print("ok")
	PY
	assert_success
	assert_output ok
}

@test "structs: the dmsg header CRC is taken with hdr_crc as zero" {
	build_h2check
	"$OUT/h2check" dmsg "$OUT/dmsg.bin"
	run "$PYTHON" - "$OUT/dmsg.bin" <<-'PY'
	import os, struct, sys
	sys.path.insert(0, os.path.join(os.environ["DFGEN_TOP"], "tests/lib"))
	from crc32c import crc32c
	m = open(sys.argv[1], "rb").read()
	magic, = struct.unpack_from("<H", m, 0)
	assert magic == 0x4832
	cmd, = struct.unpack_from("<I", m, 0x20)
	size = (cmd & 0xff) * 64
	assert size == len(m) == 384
	zeroed = m[:0x3c] + bytes(4) + m[0x40:size]
	assert struct.unpack_from("<I", m, 0x3c)[0] == crc32c(zeroed)
	print("ok")
	PY
	assert_success
	assert_output ok
}

@test "structs: every failure names the structure, the field and its offset" {
	build_h2check
	run "$OUT/h2check" errors
	assert_success
	assert_output - <<-'EOF'
	hammer2_blockref.type at 0: value not in its enum
	hammer2_blockref.keybits at 3: value out of range
	hammer2_blockref.methods at 1: value not in its enum
	hammer2_blockref at 0: buffer too short
	hammer2_volume_data.magic at 0: bad magic
	hammer2_volume_data.allocator: check failed
	hammer2_volume_data.sect1 at 504: checksum mismatch
	EOF
}

@test "structs: the printer decodes enums, flags, unions and nested structures" {
	build_h2check
	"$OUT/h2check" print > "$OUT/print.txt"
	assert_golden "$OUT/print.txt" structs/print.txt
}

@test "structs: versions, tails, orders, ABI widths, packing, locks and atomics run" {
	gen "$FIXTURES/structs/lang.def"
	cc_host "$OUT/langcheck" -I"$OUT" "$FIXTURES/structs/langcheck.c" \
	    "$OUT/lang.c" "$RUNTIME"
	run "$OUT/langcheck"
	assert_success
	assert_output "langcheck: ok"
}

@test "structs: the language fixture runs with -m32, where long and pointers narrow" {
	require_m32
	gen "$FIXTURES/structs/lang.def"
	cc_m32 "$OUT/langcheck" -I"$OUT" "$FIXTURES/structs/langcheck.c" \
	    "$OUT/lang.c" "$RUNTIME"
	run "$OUT/langcheck"
	assert_success
}

@test "structs: a stated offset that the layout contradicts" {
	bad <<-'EOF'
	struct s order: little {
		uint8	a;
		uint32	b	at: 4;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:3:8: error: 3 bytes of padding before 'b' on LP64 (x86_64): state them with 'pad 3;' or declare the struct packed"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: a wrong at: is reported at the attribute" {
	bad <<-'EOF'
	struct s order: little {
		uint32	a;
		uint32	b	at: 8;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:3:10: error: 'b' is at offset 0x4 on LP64 (x86_64), not 0x8"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: a wrong size: names both sizes" {
	bad <<-'EOF'
	struct s order: little, size: 12 {
		uint64	a;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:1:25: error: struct 's' is 8 (0x8) bytes, not 12 (0xc)"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: a layout that differs between ABIs is refused" {
	bad <<-'EOF'
	struct s order: host {
		uint32	a;
		long	b;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:3:6: error: 4 bytes of padding before 'b' on LP64 (x86_64): state them with 'pad 4;' or declare the struct packed"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: media size that differs between ABIs is refused" {
	bad <<-'EOF'
	struct s order: host {
		ptr	a;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:1:8: error: struct 's' covers 8 media bytes on LP64 (x86_64) but 4 on ILP32 (i386)"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: unknown types, fields and selectors suggest the closest name" {
	bad <<-'EOF'
	struct s order: little {
		uint23	a;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:2:1: error: unknown type 'uint23'; did you mean 'uint32'?"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
	bad <<-'EOF'
	struct s order: little {
		uint8	kind;
		union u select: knd {
			uint8	x when: 1;
		}
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:3:17: error: the selector of 'u': unknown name 'knd'; did you mean 'kind'?"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: a magic order without a magic field, and a symmetric magic" {
	bad <<-'EOF'
	struct s order: magic {
		uint32	a;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:1:10: error: 'order: magic' needs a field with 'magic:', whose value tells the byte order"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
	bad <<-'EOF'
	struct s order: magic {
		uint16	m	magic: 0x4242;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:2:8: error: magic 0x4242 of 'm' reads the same in both byte orders"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: tails, versions and checksums are checked where they are declared" {
	bad <<-'EOF'
	struct s order: little {
		uint8	n;
		uint8	name[8]	length: m;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:3:23: error: the length of 'name': no field 'm' before it"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
	bad <<-'EOF'
	struct s order: little, version: v {
		uint8	v;
		uint8	b	since: 2;
		uint8	c	since: 1;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:4:7: error: 'c' (since 1) comes after a field of version 2: fields are added at the end"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
	bad <<-'EOF'
	struct s order: little {
		uint16	crc;
		checksum all algo: crc32c, start: 0, end: 2, store: crc;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:3:46: error: a CRC is stored in a uint32 field, and 'crc' is uint16"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: a value that does not fit its field, and bits outside it" {
	bad <<-'EOF'
	struct s order: little {
		uint8	a	max: 300;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:2:9: error: max 300 does not fit field 'a' (uint8)"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
	bad <<-'EOF'
	struct s order: little {
		uint8	a {
			lo bits: 4;
			hi bits: 5;
		}
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:4:4: error: bits 4..8 of 'hi' are outside uint8 (bits 0..7)"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}

@test "structs: generated kernel code compiles in a DragonFly kernel" {
	kcheck_require_tree
	kcheck_overlaid_tree "$BATS_TEST_TMPDIR/src"
	kcheck_codegen_config "$BATS_TEST_TMPDIR/CODEGEN"
	run kcheck_own "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/CODEGEN"
	assert_success
}

@test "structs: a checksum region reads only fields with a media accessor" {
	bad <<-'EOF'
	struct s order: little {
		reserved uint32	len;
		uint32	crc;
		checksum all algo: crc32c, start: 0, end: len, store: crc;
	}
	EOF
	assert_line --index 0 "$BATS_TEST_TMPDIR/bad.def:4:43: error: the end of 'all' reads 'len': only a field of the structure itself that is not reserved has a media accessor"
	assert_line --index 2 --regexp '^[[:space:]]*\^$'
}
