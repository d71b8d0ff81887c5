#!/usr/bin/env bats
# The structs family's message sets (issue 5): a header, a typed payload
# and aux data, as dmsg sends them.  `messages` in a definition file gives
# per message a constant and a builder, and one parser for the set; see
# generators/families/structs_messages.py.

load lib/common

DEFS=$DFGEN_TOP/sys-overlays/sys/dfgen/structs
RUNTIME=$DEFS/dfstruct.c
MSG=$FIXTURES/structs/messages
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"

setup() {
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

# msgcheck [cc-flags...]: dmsg_media.def generated and
# tests/fixtures/structs/messages/msgcheck.c built against it.
build_msgcheck() {
	dfgen structs -o "$OUT" "$DEFS/dmsg_media.def"
	cc "$@" $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$OUT" \
	    -o "$OUT/msgcheck" "$MSG/msgcheck.c" "$OUT/dmsg_media.c" "$RUNTIME"
}

# The message part of a generated file: from the comment before the
# line matching $2 to the end.
messages_part() {
	awk -v pat="$2" '
		!found && $0 ~ pat { found = 1; print prev }
		found { print }
		{ prev = $0 }' "$1"
}

# A definition: a header and a payload, then the lines given; the
# diagnostic it gives (as bad.def), with no output written.
bad() {
	{
		cat <<-'EOF'
		struct hdr order: magic, size: 16 {
			uint16	magic	magic: 0x5aa5;
			uint8	type;
			uint8	hlen;
			uint32	cmd;
			uint32	aux_len;
			uint32	aux_sum;
		}
		struct body order: outer, size: 20 {
			hdr	head;
			uint32	extra;
		}
		EOF
		printf '%s\n' "$@"
	} > "$BATS_TEST_TMPDIR/bad.def"
	cd "$BATS_TEST_TMPDIR"
	run dfgen structs -o "$OUT" bad.def
	assert_failure 1
	refute [ -e "$OUT/bad.h" ]
}

@test "structs messages: the dmsg messages match their golden output" {
	dfgen structs -o "$OUT" "$DEFS/dmsg_media.def"
	messages_part "$OUT/dmsg_media.h" '^ \* The dmsg messages' > "$OUT/m.h"
	messages_part "$OUT/dmsg_media.c" '^ \* Build the LNK_PAD' > "$OUT/m.c"
	assert_golden "$OUT/m.h" structs_messages/dmsg_messages.h
	assert_golden "$OUT/m.c" structs_messages/dmsg_messages.c
}

@test "structs messages: a second protocol (whole-field id, no aux) matches its golden output and compiles" {
	require_m32
	dfgen structs -o "$OUT" "$MSG/probe.def"
	messages_part "$OUT/probe.h" '^ \* The probe messages' > "$OUT/m.h"
	messages_part "$OUT/probe.c" '^ \* Build the HELLO' > "$OUT/m.c"
	assert_golden "$OUT/m.h" structs_messages/probe_messages.h
	assert_golden "$OUT/m.c" structs_messages/probe_messages.c
	cc_host "$OUT/probe64.o" -c "$OUT/probe.c"
	cc_m32 "$OUT/probe32.o" -c "$OUT/probe.c"
}

@test "structs messages: the second protocol's messages round-trip, host and -m32" {
	require_m32
	dfgen structs -o "$OUT" "$MSG/probe.def"
	cc_host "$OUT/probecheck" -I"$OUT" "$MSG/probecheck.c" "$OUT/probe.c" \
	    "$RUNTIME"
	run "$OUT/probecheck"
	assert_success
	assert_output "ok"
	cc_m32 "$OUT/probecheck32" -I"$OUT" "$MSG/probecheck.c" \
	    "$OUT/probe.c" "$RUNTIME"
	run "$OUT/probecheck32"
	assert_success
	assert_output "ok"
}

@test "structs messages: id and size in bits of two fields, a narrow aux length, crc32: compiles on both ABIs" {
	require_m32
	dfgen structs -o "$OUT" "$MSG/split.def"
	cc_host "$OUT/split64.o" -c "$OUT/split.c"
	cc_m32 "$OUT/split32.o" -c "$OUT/split.c"
	run grep -c -e 'm.kind = (uint16_t)((m.kind & ~0xff0) | 0x00[12]0);' \
	    -e 'm.cmd = (m.cmd & ~(uint32_t)0xf00) | 0x00000100;' \
	    -e 'hbytes = (size_t)((mx_hdr_get_cmd(buf, bswap) & 0xf00) >> 8) \* 16;' \
	    -e 'm.sum = dfs_crc32_ext(b + 16, auxlen + pad, 0);' "$OUT/split.c"
	assert_output "7"
}

@test "structs messages: the constants are dmsg.h's, header sizes included" {
	dfgen structs -o "$OUT" "$DEFS/dmsg_media.def"
	cat > "$OUT/consts.c" <<-'EOF'
	#include <stdio.h>
	#include "dmsg_media.h"
	int
	main(void)
	{
		printf("%08x %08x %08x %08x %08x %08x\n", DMSG_LNK_PAD,
		    DMSG_LNK_PING, DMSG_LNK_CONN, DMSG_LNK_SPAN,
		    DMSG_LNK_ERROR, DMSG_DBG_SHELL);
		return (0);
	}
	EOF
	cc_host "$OUT/consts" -I"$OUT" "$OUT/consts.c"
	run "$OUT/consts"
	assert_success
	# DMSG_LNK(0x000, dmsg_hdr) ... DMSG_DBG(0x001, dmsg_dbg_shell).
	assert_output "00000001 00000101 00001106 00001207 000fff01 00100101"
}

@test "structs messages: every dmsg message round-trips in both byte orders" {
	build_msgcheck
	run "$OUT/msgcheck" roundtrip
	assert_success
	assert_output "84 round trips"
}

@test "structs messages: every dmsg message round-trips in both byte orders with -m32" {
	require_m32
	build_msgcheck -m32
	run "$OUT/msgcheck" roundtrip
	assert_success
	assert_output "84 round trips"
}

# Check the messages msgcheck wrote in $1 with Python: byte order by the
# magic, cmd, sizes, padding, and both CRCs by a bitwise CRC-32C.
check_written() {
	"$PYTHON" - "$1" <<-'PY'
	import os, struct, sys

	sys.path.insert(0, os.path.join(os.environ["DFGEN_TOP"], "tests/lib"))
	from crc32c import crc32c

	cmds = {"lnk_pad": 0x1, "lnk_ping": 0x101, "lnk_conn": 0x1106,
	        "lnk_span": 0x1207, "lnk_error": 0xfff01,
	        "dbg_shell": 0x100101}
	auxes = {"lnk_pad": b"", "lnk_ping": b"0123456789",
	         "lnk_conn": b"0123456789" * 2, "lnk_span": b"0123456789" * 3,
	         "lnk_error": b"0123456789" * 4, "dbg_shell": b"status\n"}
	n = 0
	for name in sorted(cmds):
	    for order in ("host", "swapped"):
	        m = open(os.path.join(sys.argv[1], "%s.%s.bin" %
	                              (name, order)), "rb").read()
	        e = "<" if m[:2] == b"\x32\x48" else ">"
	        assert (e == "<") == (order == "host"), (name, order)
	        magic, cmd, aux_crc, aux_bytes, hdr_crc = (
	            struct.unpack(e + "H", m[0:2])[0],
	            *struct.unpack(e + "III", m[0x20:0x2c]),
	            struct.unpack(e + "I", m[0x3c:0x40])[0])
	        assert magic == 0x4832
	        assert cmd == 0xa0000000 | cmds[name], (name, hex(cmd))
	        hb = (cmd & 0xff) * 64
	        assert hdr_crc == crc32c(m[:0x3c] + bytes(4) + m[0x40:hb]), name
	        aux = auxes[name]
	        padded = -(-len(aux) // 64) * 64
	        assert aux_bytes == len(aux) and len(m) == hb + padded, name
	        assert m[hb:hb + len(aux)] == aux, name
	        assert m[hb + len(aux):] == bytes(padded - len(aux)), name
	        assert aux_crc == crc32c(m[hb:]), name
	        n += 1
	print("%d messages checked" % n)
	PY
}

@test "structs messages: header and aux CRCs agree with an independent CRC-32C" {
	build_msgcheck
	mkdir -p "$OUT/w"
	"$OUT/msgcheck" write "$OUT/w"
	run check_written "$OUT/w"
	assert_success
	assert_output "12 messages checked"
}

@test "structs messages: with -m32, the messages are byte for byte the host's" {
	require_m32
	build_msgcheck
	mkdir -p "$OUT/w64" "$OUT/w32"
	"$OUT/msgcheck" write "$OUT/w64"
	build_msgcheck -m32
	"$OUT/msgcheck" write "$OUT/w32"
	run check_written "$OUT/w32"
	assert_success
	assert_output "12 messages checked"
	diff -r "$OUT/w64" "$OUT/w32"
}

@test "structs messages: corrupted messages are refused, naming the problem" {
	build_msgcheck
	run "$OUT/msgcheck" errors
	assert_success
	printf '%s\n' "$output" > "$OUT/errors.txt"
	assert_golden "$OUT/errors.txt" structs_messages/errors.txt
}

@test "structs messages: a parsed message prints with its payload and aux data" {
	build_msgcheck
	run "$OUT/msgcheck" print
	assert_success
	printf '%s\n' "$output" > "$OUT/print.txt"
	assert_golden "$OUT/print.txt" structs_messages/print.txt
}

@test "structs messages: the parser survives 10^5 fuzzed inputs under ASan and UBSan" {
	printf 'int main(void) { return 0; }\n' > "$OUT/t.c"
	cc $SAN -o "$OUT/t" "$OUT/t.c" 2>/dev/null ||
	    skip "cc cannot build with ASan and UBSan"
	build_msgcheck $SAN
	run "$OUT/msgcheck" fuzz 1 100000
	assert_success
	assert_output "100000 inputs, 27673 parsed, 0 failed checks"
	run "$OUT/msgcheck" fuzz 20261126 100000
	assert_success
	assert_output --regexp '^100000 inputs, [0-9]+ parsed, 0 failed checks$'
}

@test "structs messages: LNK_SPAN's layout is dmsg.h's, on LP64 and ILP32" {
	local sys=${DFLY_SRC:-/tmp/dfly}/sys
	[ -f "$sys/sys/dmsg.h" ] || skip "no DragonFly tree at ${DFLY_SRC:-/tmp/dfly}"
	require_m32
	# <machine/...> and <cpu/...> as a DragonFly build links them.
	local inc=$BATS_TEST_TMPDIR/inc
	mkdir -p "$inc"
	ln -s "$sys/cpu/x86_64/include" "$inc/machine"
	ln -s "$sys/cpu/x86_64/include" "$inc/cpu"
	printf '#include <sys/stdint.h>\n' > "$inc/stdint.h"
	run dfgen structs check "$DEFS/dmsg_media.def" "$sys/sys/dmsg.h" \
	    -I "$inc" -I "$sys"
	assert_success
	assert_output ""
}

@test "structs messages: a message set needs header:, id: and size:" {
	bad 'messages m header: hdr, id: type { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:10: error: message set 'm' needs 'size:'
	messages m header: hdr, id: type { A = 1; }
	         ^
	EOF
}

@test "structs messages: the header has 'order: magic'" {
	bad 'messages m header: body, id: type, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:12: error: the header 'body' must have 'order: magic', so that a message shows its byte order
	messages m header: body, id: type, size: hlen { A = 1; }
	           ^
	EOF
}

@test "structs messages: 'size:' bits are contiguous" {
	bad 'messages m header: hdr, id: cmd & 0xff00, size: cmd & 0x5 { A = 0x100; }'
	assert_output - <<-'EOF'
	bad.def:13:43: error: 'size:' bits 0x5 are not contiguous
	messages m header: hdr, id: cmd & 0xff00, size: cmd & 0x5 { A = 0x100; }
	                                          ^
	EOF
}

@test "structs messages: 'size:' and 'id:' bits do not overlap" {
	bad 'messages m header: hdr, id: cmd & 0xff00, size: cmd & 0x1ff { A = 0x100; }'
	assert_output - <<-'EOF'
	bad.def:13:43: error: 'size:' bits 0x1ff overlap 'id:' bits 0xff00
	messages m header: hdr, id: cmd & 0xff00, size: cmd & 0x1ff { A = 0x100; }
	                                          ^
	EOF
}

@test "structs messages: 'unit:' is positive" {
	bad 'messages m header: hdr, id: type, size: hlen, unit: 0 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:47: error: 'unit:' must be positive
	messages m header: hdr, id: type, size: hlen, unit: 0 { A = 1; }
	                                              ^
	EOF
}

@test "structs messages: 'size:' can say the header's own size" {
	bad 'messages m header: hdr, id: type, size: cmd & 0x3 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:35: error: 'size:' says at most 3 bytes, less than the 16 of 'hdr'
	messages m header: hdr, id: type, size: cmd & 0x3 { A = 1; }
	                                  ^
	EOF
}

@test "structs messages: 'max:' is a size 'size:' can say" {
	bad 'messages m header: hdr, id: type, size: hlen, max: 8 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:47: error: 'max:' 8 is outside 16..255, the header sizes 'size:' can say
	messages m header: hdr, id: type, size: hlen, max: 8 { A = 1; }
	                                              ^
	EOF
}

@test "structs messages: aux attributes need 'aux:'" {
	bad 'messages m header: hdr, id: type, size: hlen, aux_align: 8 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:47: error: 'aux_align:' needs 'aux:', the field counting the aux bytes
	messages m header: hdr, id: type, size: hlen, aux_align: 8 { A = 1; }
	                                              ^
	EOF
}

@test "structs messages: 'aux:' is a whole field" {
	bad 'messages m header: hdr, id: type, size: hlen, aux: cmd & 0xff { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:47: error: 'aux:' is a whole field of at most 32 bits
	messages m header: hdr, id: type, size: hlen, aux: cmd & 0xff { A = 1; }
	                                              ^
	EOF
}

@test "structs messages: 'aux_crc:' is a uint32" {
	bad 'messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_crc: hlen, aux_algo: crc32 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:61: error: a CRC is stored in a whole uint32 field, and 'hlen' is not one
	messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_crc: hlen, aux_algo: crc32 { A = 1; }
	                                                            ^
	EOF
}

@test "structs messages: 'aux_crc:' needs 'aux_algo:'" {
	bad 'messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_crc: aux_sum { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:61: error: 'aux_crc:' needs 'aux_algo:', crc32 or crc32c
	messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_crc: aux_sum { A = 1; }
	                                                            ^
	EOF
}

@test "structs messages: 'aux_algo:' needs 'aux_crc:'" {
	bad 'messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_algo: crc32 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:61: error: 'aux_algo:' needs 'aux_crc:', the field holding the CRC
	messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_algo: crc32 { A = 1; }
	                                                            ^
	EOF
}

@test "structs messages: 'aux_align:' is a power of 2" {
	bad 'messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_align: 12 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:61: error: 'aux_align:' must be a power of 2
	messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_align: 12 { A = 1; }
	                                                            ^
	EOF
}

@test "structs messages: 'aux_align:' leaves room in 'aux:'" {
	bad 'messages m header: hdr, id: cmd & 0xff00, size: hlen, aux: type, aux_align: 256 { A = 0x100; }'
	assert_output - <<-'EOF'
	bad.def:13:66: error: 'aux_align:' 256 leaves no room in 'type'
	messages m header: hdr, id: cmd & 0xff00, size: hlen, aux: type, aux_align: 256 { A = 0x100; }
	                                                                 ^
	EOF
}

@test "structs messages: 'aux_max:' is positive" {
	bad 'messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_max: 0 { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:61: error: 'aux_max:' 0 is outside 1..4294967295
	messages m header: hdr, id: type, size: hlen, aux: aux_len, aux_max: 0 { A = 1; }
	                                                            ^
	EOF
}

@test "structs messages: a message is defined once" {
	bad 'messages m header: hdr, id: type, size: hlen { A = 1; A = 2; }'
	assert_output - <<-'EOF'
	bad.def:13:55: error: message 'A' is already defined
	messages m header: hdr, id: type, size: hlen { A = 1; A = 2; }
	                                                      ^
	bad.def:13:48: note: previous definition is here
	messages m header: hdr, id: type, size: hlen { A = 1; A = 2; }
	                                               ^
	EOF
}

@test "structs messages: two messages have two ids" {
	bad 'messages m header: hdr, id: type, size: hlen { A = 1; B = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:55: error: 'A' and 'B' both have id 0x1
	messages m header: hdr, id: type, size: hlen { A = 1; B = 1; }
	                                                      ^
	EOF
}

@test "structs messages: a message set has messages" {
	bad 'messages m header: hdr, id: type, size: hlen { }'
	assert_output - <<-'EOF'
	bad.def:13:10: error: message set 'm' has no messages
	messages m header: hdr, id: type, size: hlen { }
	         ^
	EOF
}

@test "structs messages: an id fits the id mask" {
	bad 'messages m header: hdr, id: cmd & 0xff00, size: cmd & 0xff { A = 0x10000; }'
	assert_output - <<-'EOF'
	bad.def:13:66: error: id 0x10000 of 'A' has bits outside the id mask 0xff00
	messages m header: hdr, id: cmd & 0xff00, size: cmd & 0xff { A = 0x10000; }
	                                                                 ^
	EOF
}

@test "structs messages: a payload begins with the header" {
	bad 'struct other order: outer, size: 4 { uint32 x; }' 'messages m header: hdr, id: type, size: hlen { A = 1 payload: other; }'
	assert_output - <<-'EOF'
	bad.def:14:54: error: payload 'other' must begin with the header, a 'hdr' field
	messages m header: hdr, id: type, size: hlen { A = 1 payload: other; }
	                                                     ^
	EOF
}

@test "structs messages: a payload has 'order: outer'" {
	bad 'struct lil order: little, size: 20 { hdr head; uint32 x; }' 'messages m header: hdr, id: type, size: hlen { A = 1 payload: lil; }'
	assert_output - <<-'EOF'
	bad.def:14:54: error: payload 'lil' must have 'order: outer': its header says the byte order
	messages m header: hdr, id: type, size: hlen { A = 1 payload: lil; }
	                                                     ^
	EOF
}

@test "structs messages: a header has one size on every ABI" {
	bad 'struct wide order: outer, size: 28 { hdr head; uint64 x; uint32 y; }' 'messages m header: hdr, id: type, size: hlen, unit: 4 { A = 1 payload: wide; }'
	assert_output - <<-'EOF'
	bad.def:14:57: error: 'A' has a header of 8 units on LP64 (x86_64) but 7 on ILP32 (i386)
	messages m header: hdr, id: type, size: hlen, unit: 4 { A = 1 payload: wide; }
	                                                        ^
	EOF
}

@test "structs messages: a header fits 'max:'" {
	bad 'messages m header: hdr, id: type, size: hlen, unit: 4, max: 16 { A = 1 payload: body; }'
	assert_output - <<-'EOF'
	bad.def:13:66: error: 'A' needs a header of 20 bytes, more than 'max:' 16
	messages m header: hdr, id: type, size: hlen, unit: 4, max: 16 { A = 1 payload: body; }
	                                                                 ^
	EOF
}

@test "structs messages: a const of the message's name has its value" {
	bad 'const M_A = 0x0105;' 'messages m header: hdr, id: cmd & 0xff00, size: cmd & 0xff { A = 0x100; }'
	assert_output - <<-'EOF'
	bad.def:14:62: error: 'A' is 0x110, but const M_A says 0x105
	messages m header: hdr, id: cmd & 0xff00, size: cmd & 0xff { A = 0x100; }
	                                                             ^
	bad.def:13:7: note: the const is here
	const M_A = 0x0105;
	      ^
	EOF
}

@test "structs messages: a message's constant is a new name" {
	bad 'enum M_A prefix: "X_" { Q = 1; }' 'messages m header: hdr, id: type, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:14:48: error: 'M_A' is already defined
	messages m header: hdr, id: type, size: hlen { A = 1; }
	                                               ^
	bad.def:13:6: note: previous definition is here
	enum M_A prefix: "X_" { Q = 1; }
	     ^
	EOF
}

@test "structs messages: constants and kinds do not collide" {
	bad 'messages m header: hdr, id: type, size: hlen, prefix: "M_MSG_" { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:66: error: 'M_MSG_A' would name both the message's constant and its kind: choose another 'prefix:'
	messages m header: hdr, id: type, size: hlen, prefix: "M_MSG_" { A = 1; }
	                                                                 ^
	EOF
}

@test "structs messages: 'header:' names a struct" {
	bad 'messages m header: hdrr, id: type, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:20: error: 'header:' names a struct declared before it; did you mean 'hdr'?
	messages m header: hdrr, id: type, size: hlen { A = 1; }
	                   ^
	EOF
}

@test "structs messages: a payload has no tail" {
	bad 'struct t order: outer { hdr head; uint8 n; uint8 data[4] length: n; }' 'messages m header: hdr, id: type, size: hlen { A = 1 payload: t; }'
	assert_output - <<-'EOF'
	bad.def:14:63: error: struct 't' ends in a variable-length tail: a message's structure has a fixed size
	messages m header: hdr, id: type, size: hlen { A = 1 payload: t; }
	                                                              ^
	EOF
}

@test "structs messages: a mask is a number" {
	bad 'messages m header: hdr, id: cmd & type, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:35: error: 'id:': the mask is a number
	messages m header: hdr, id: cmd & type, size: hlen { A = 1; }
	                                  ^
	EOF
}

@test "structs messages: 'id:' names a field" {
	bad 'messages m header: hdr, id: 3, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:29: error: 'id:' is FIELD or FIELD & MASK, FIELD an unsigned field of 'hdr'
	messages m header: hdr, id: 3, size: hlen { A = 1; }
	                            ^
	EOF
}

@test "structs messages: 'id:' names a field of the header" {
	bad 'messages m header: hdr, id: typ, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:29: error: 'id:': 'hdr' has no field 'typ'; did you mean 'type'?
	messages m header: hdr, id: typ, size: hlen { A = 1; }
	                            ^
	EOF
}

@test "structs messages: 'id:' is unsigned" {
	bad 'struct sh order: magic, size: 4 { uint16 magic magic: 0x5aa5; int16 t; }' 'messages m header: sh, id: t, size: magic { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:14:28: error: 'id:': 't' is not an unsigned integer field
	messages m header: sh, id: t, size: magic { A = 1; }
	                           ^
	EOF
}

@test "structs messages: a mask fits its field" {
	bad 'messages m header: hdr, id: type & 0x1ff, size: hlen { A = 1; }'
	assert_output - <<-'EOF'
	bad.def:13:29: error: 'id:': mask 0x1ff does not fit 'type' (uint8)
	messages m header: hdr, id: type & 0x1ff, size: hlen { A = 1; }
	                            ^
	EOF
}
