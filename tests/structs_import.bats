#!/usr/bin/env bats
# dfgen structs import and check (issue 5): a C header's structures
# written as definitions with both ABIs' layouts, the definitions taken
# through the generator and the compiler, and a definition compared
# with the header it describes by probes compiled against each.

load lib/common

F=tests/fixtures/structs/import

setup() {
	cd "$DFGEN_TOP"
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

import_layout() {
	dfgen structs import "$F/layout.h" --struct record --struct incore \
	    --struct wire --struct tagged_wire --struct aligned_member "$@"
}

# A DragonFly tree's sys/, or a skip.
dfly_sys() {
	[ -n "${DFLY_SRC:-}" ] || skip "DFLY_SRC is not set (a DragonFly source tree)"
	[ -f "$DFLY_SRC/sys/vfs/ufs/fs.h" ] || skip "no sys/vfs/ufs/fs.h under DFLY_SRC=$DFLY_SRC"
	SYS=$DFLY_SRC/sys
}

@test "structs import: every construct matches its golden definition file" {
	run import_layout -o "$OUT/imported.def"
	assert_success
	assert_output ""
	assert_golden "$OUT/imported.def" structs_import/layout.def
}

@test "structs import: without -o the same definitions go to standard output" {
	import_layout -o "$OUT/imported.def"
	run import_layout
	assert_success
	assert_output "$(cat "$OUT/imported.def")"
}

@test "structs import: an unchanged definition file is not rewritten" {
	run import_layout -o "$OUT/imported.def" -v
	assert_output "GEN $OUT/imported.def"
	age "$OUT/imported.def"
	before=$(mtime "$OUT/imported.def")
	run import_layout -o "$OUT/imported.def" -v
	assert_success
	assert_output ""
	[ "$(mtime "$OUT/imported.def")" = "$before" ]
}

@test "structs import: the definitions generate C that compiles and runs (LP64, ILP32)" {
	require_m32
	import_layout -o "$OUT/imported.def"
	run dfgen structs -o "$OUT" "$OUT/imported.def"
	assert_success
	local rt=$DFGEN_TOP/sys-overlays/sys/dfgen/structs/dfstruct.c
	cc_host "$OUT/t64" -I"$OUT" "$F/layout_test.c" "$OUT/imported.c" "$rt"
	cc_m32 "$OUT/t32" -I"$OUT" "$F/layout_test.c" "$OUT/imported.c" "$rt"
	run "$OUT/t64"
	assert_success
	printf '%s\n' "$output" > "$OUT/t64.out"
	assert_golden "$OUT/t64.out" structs_import/layout_test.out
	run "$OUT/t32"
	assert_success
	printf '%s\n' "$output" > "$OUT/t32.out"
	assert_golden "$OUT/t32.out" structs_import/layout_test.out
}

@test "structs import: pointer-size and long-size dimensions follow each ABI" {
	import_layout -o "$OUT/imported.def"
	dfgen structs -o "$OUT" "$OUT/imported.def"
	# The first is too long for its offsets beside it: they go above.
	run grep -E -B1 '^	[a-z].*(ic_spare|ic_fill|ic_tail)\[' "$OUT/imported.h"
	assert_output - <<'EOF'
	/* 0x0008/0x0008 */
	void		*ic_spare[(128 / sizeof(void *)) - 3];
--
	long		ic_long;			/* 0x0088/0x0088 */
	char		ic_fill[16 - sizeof(long)];	/* 0x0090/0x008c */
	unsigned long	ic_ulongs[2];			/* 0x0098/0x0098 */
	uint32_t	ic_tail[16 / sizeof(long)];	/* 0x00a8/0x00a0 */
EOF
}

@test "structs check: an imported definition matches its header" {
	require_m32
	import_layout -o "$OUT/imported.def"
	run dfgen structs check "$OUT/imported.def" "$F/layout.h"
	assert_success
	assert_output ""
}

@test "structs check: a definition that differs in one field only fails" {
	require_m32
	import_layout -o "$OUT/imported.def"
	sed 's/^	uint16	lo		at: 0x00;/	int16	lo		at: 0x00;/' \
	    "$OUT/imported.def" > "$OUT/signed.def"
	run dfgen structs check "$OUT/signed.def" "$F/layout.h"
	assert_failure 1
	assert_output - <<EOF
$OUT/signed.def:26:8: error: 'record.r_range.lo' is uint16 in layout.h, int16 in the definition (LP64 (x86_64) and ILP32 (i386))
	int16	lo		at: 0x00;
	     	^
EOF
}

@test "structs import and check: -D and -U reach the C preprocessor" {
	require_m32
	run dfgen structs import "$F/layout.h" --struct tunable -DTUNABLE_WIDE \
	    -o "$OUT/tunable.def"
	assert_success
	run grep -c '^	uint64	t_value		at: 0x00;$' "$OUT/tunable.def"
	assert_output 1
	run dfgen structs check "$OUT/tunable.def" "$F/layout.h" -DTUNABLE_WIDE
	assert_success
	assert_output ""
	run dfgen structs check "$OUT/tunable.def" "$F/layout.h" \
	    -DTUNABLE_WIDE -UTUNABLE_WIDE
	assert_failure 1
	assert_output - <<EOF
$OUT/tunable.def:7:8: error: sizeof(struct tunable) is 4 in layout.h, 8 in the definition (LP64 (x86_64) and ILP32 (i386))
struct tunable order: host, size: 8 {
       ^
$OUT/tunable.def:8:9: error: 'tunable.t_value' is 4 bytes in layout.h, 8 in the definition (LP64 (x86_64) and ILP32 (i386))
	uint64	t_value		at: 0x00;
	      	^
$OUT/tunable.def:8:9: error: 'tunable.t_value' is uint32 in layout.h, uint64 in the definition (LP64 (x86_64) and ILP32 (i386))
	uint64	t_value		at: 0x00;
	      	^
EOF
}

@test "structs import: usage errors" {
	run dfgen structs import "$F/layout.h"
	assert_failure 2
	assert_line --index 0 "dfgen structs import: name the structures to import with --struct NAME"
	run dfgen structs import --struct record
	assert_failure 2
	assert_line --index 0 "dfgen structs import: expected one header: import HEADER.h --struct NAME..."
	run dfgen structs check "$F/wrong.def"
	assert_failure 2
	assert_line --index 0 "dfgen structs check: expected a definition file and a header: check DEFS.def HEADER.h"
	run dfgen structs --struct record x.def
	assert_failure 2
	assert_line --index 0 "dfgen structs: --struct applies to 'import' and 'check'"
}

@test "structs import and check: a header that does not exist is an error" {
	run dfgen structs import "$F/no_such.h" --struct record
	assert_failure 1
	assert_output "$F/no_such.h: error: no such header"
	run dfgen structs check "$F/wrong.def" "$F/no_such.h"
	assert_failure 1
	assert_output "$F/no_such.h: error: no such header"
}

@test "structs: generating from a definition file still writes into . by default" {
	run dfgen structs --list-outputs "$F/wrong.def"
	assert_success
	assert_output - <<'EOF'
./wrong.h
./wrong.c
EOF
}

@test "structs import: UFS struct fs from a DragonFly tree, generated, compiled and checked" {
	dfly_sys
	require_m32
	run dfgen structs import "$SYS/vfs/ufs/fs.h" --struct fs -I "$SYS" \
	    --include "$SYS/vfs/ufs/ufs_types.h" -o "$OUT/fs.def"
	assert_success
	assert_golden "$OUT/fs.def" structs_import/dfly_fs.def
	dfgen structs -o "$OUT" "$OUT/fs.def"
	cc_host "$OUT/fs64.o" -c "$OUT/fs.c"
	cc_m32 "$OUT/fs32.o" -c "$OUT/fs.c"
	# fs.h takes MAXFRAG from sys/param.h, for struct cg.
	run dfgen structs check "$OUT/fs.def" "$SYS/vfs/ufs/fs.h" -I "$SYS" \
	    --include "$SYS/vfs/ufs/ufs_types.h" -DMAXFRAG=8
	assert_success
	assert_output ""
}

@test "structs import: HAMMER2 blockref and volume header from a DragonFly tree, checked" {
	dfly_sys
	require_m32
	# <machine/...> and <cpu/...> as a DragonFly build links them, and
	# a <stdint.h> that is DragonFly's, not the host's.
	local inc=$BATS_TEST_TMPDIR/inc
	mkdir -p "$inc"
	ln -s "$SYS/cpu/x86_64/include" "$inc/machine"
	ln -s "$SYS/cpu/x86_64/include" "$inc/cpu"
	printf '#include <sys/stdint.h>\n' > "$inc/stdint.h"
	local h=$SYS/vfs/hammer2/hammer2_disk.h
	run dfgen structs import "$h" --struct hammer2_blockref \
	    --struct hammer2_volume_data -I "$inc" -I "$SYS" -o "$OUT/h2.def"
	assert_success
	assert_golden "$OUT/h2.def" structs_import/dfly_hammer2.def
	run dfgen structs check "$OUT/h2.def" "$h" -I "$inc" -I "$SYS"
	assert_success
	assert_output ""
}

@test "structs import: a C bit field is an error at its line" {
	run dfgen structs import "$F"/errors.h --struct modes
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:9:15: error: 'm_perm' is a C bit field: the definition language declares bit fields on an explicit integer (TYPE NAME { BIT bits: W; ... }); write that field by hand
	unsigned int	m_perm : 12;
	            	^
EOF
}

@test "structs import: a floating-point field is an error" {
	run dfgen structs import "$F"/errors.h --struct sample
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:15:9: error: 's_mean' is floating point (double): the definition language has integers only
	double		s_mean;
	      	^
EOF
}

@test "structs import: padding that differs between the ABIs is an error" {
	run dfgen structs import "$F"/errors.h --struct mixed
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:20:11: error: 'x_off' follows 4 bytes of padding on LP64 (x86_64) but 0 on ILP32 (i386): 'pad N;' is the same on every ABI
	uint64_t	x_off;
	        	^
EOF
}

@test "structs import: a size that differs between the ABIs is an error" {
	run dfgen structs import "$F"/errors.h --struct handle
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:23:8: error: struct 'handle' holds 12 bytes on LP64 (x86_64) but 8 on ILP32 (i386): a definition describes a media layout, the same size on every ABI
struct handle {
       ^
EOF
}

@test "structs import: a union cannot be imported as a structure" {
	run dfgen structs import "$F"/errors.h --struct either
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:28:7: error: 'either' is a union: the definition language has unions only as members of a struct (union NAME select: ...)
union either {
      ^
EOF
}

@test "structs import: a flexible array member is an error" {
	run dfgen structs import "$F"/errors.h --struct message
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:35:10: error: 'msg_data' is a flexible array member: the definition language needs its capacity (a tail with count: or length:); write it by hand
	uint8_t		msg_data[];
	       	^
EOF
}

@test "structs import: a union directly in a union is an error" {
	run dfgen structs import "$F"/errors.h --struct twounions
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h:44:5: error: union 'inner' directly in union 'outer': the definition language's union members are integers or structs
		}		inner;
		 	^
EOF
}

@test "structs import: a structure the header lacks is an error" {
	run dfgen structs import "$F"/errors.h --struct nosuch
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/errors.h: error: no struct 'nosuch' in this header
EOF
}

@test "structs import: C that does not parse is an error at its line" {
	run dfgen structs import "$F"/broken.h --struct broken
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/broken.h:5:2: error: cannot parse this C (LP64 (x86_64)): before: uint32_t
	uint32_t	b_off;
	^
EOF
}

@test "structs import: a preprocessor failure is reported with its message" {
	run dfgen structs import "$F"/missing.h --struct lost
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/missing.h: error: the C preprocessor failed (LP64 (x86_64)):
tests/fixtures/structs/import/missing.h:2:10: fatal error: no_such_header.h: No such file or directory
EOF
}

@test "structs check: every difference is reported at its line in the definition" {
	require_m32
	run dfgen structs check "$F"/wrong.def "$F"/layout.h
	assert_failure 1
	assert_output - <<'EOF'
tests/fixtures/structs/import/wrong.def:5:8: error: 'stamp.st_nsec' is at offset 0x4 in layout.h, 0x0 in the definition (LP64 (x86_64) and ILP32 (i386))
	int32	st_nsec		at: 0x00;	# swapped with st_sec
	     	^
tests/fixtures/structs/import/wrong.def:6:8: error: 'stamp.st_sec' is at offset 0x0 in layout.h, 0x4 in the definition (LP64 (x86_64) and ILP32 (i386))
	int32	st_sec		at: 0x04;
	     	^
tests/fixtures/structs/import/wrong.def:9:8: error: struct 'extent' in layout.h has a field 'ex_flags' (2 bytes at 0xc) that the definition does not declare
struct extent order: host, size: 16 {
       ^
tests/fixtures/structs/import/wrong.def:11:8: error: 'extent.ex_len' is uint32 in layout.h, int32 in the definition (LP64 (x86_64) and ILP32 (i386))
	int32	ex_len		at: 0x08;	# uint32_t in the header
	     	^
tests/fixtures/structs/import/wrong.def:13:9: error: struct 'extent' has no field 'ex_more' in layout.h
	uint16	ex_more		at: 0x0e;	# not in the header
	      	^
tests/fixtures/structs/import/wrong.def:16:8: error: sizeof(struct wire) is 15 in layout.h, 18 in the definition (LP64 (x86_64) and ILP32 (i386))
struct wire order: host, size: 18, packed: 1 {
       ^
tests/fixtures/structs/import/wrong.def:20:9: error: 'wire.w_csum' is 2 bytes in layout.h, 4 in the definition (LP64 (x86_64) and ILP32 (i386))
	uint32	w_csum		at: 0x0d;	# uint16_t in the header
	      	^
tests/fixtures/structs/import/wrong.def:20:9: error: 'wire.w_csum' is uint16 in layout.h, uint32 in the definition (LP64 (x86_64) and ILP32 (i386))
	uint32	w_csum		at: 0x0d;	# uint16_t in the header
	      	^
tests/fixtures/structs/import/wrong.def:24:8: error: sizeof(struct words) is 12 in layout.h, 16 in the definition (ILP32 (i386))
struct words order: host, size: 16 {
       ^
tests/fixtures/structs/import/wrong.def:27:8: error: 'words.wd_c' is 4 bytes in layout.h, 8 in the definition (ILP32 (i386))
	int64	wd_c		at: 0x08;	# long in the header
	     	^
tests/fixtures/structs/import/wrong.def:27:8: error: 'words.wd_c' is int32 in layout.h, int64 in the definition (ILP32 (i386))
	int64	wd_c		at: 0x08;	# long in the header
	     	^
tests/fixtures/structs/import/wrong.def:30:8: error: no struct 'nosuch' in layout.h
struct nosuch order: host, size: 4 {
       ^
EOF
}
