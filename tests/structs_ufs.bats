#!/usr/bin/env bats
# The structs family on real formats.  UFS1: ufs1.def against fs.h,
# dinode.h and dir.h of the DragonFly tree on x86_64 and i386; images
# makefs builds in both byte orders, whose root directory a program using
# only the generated code lists, compared with the files that went in;
# corrupt images refused with the field named.  Big-endian for real: the
# same program and a HAMMER2 round trip (hammer2_media.def), built for
# s390x and run under qemu, reading what the little-endian host wrote.

load lib/common

STRUCTS=$DFGEN_TOP/sys-overlays/sys/dfgen/structs
PROG=$FIXTURES/structs/prog
DFLY=${DFLY_SRC:-/tmp/dfly}

# Generated code, the runtime and (with makefs) the images, once for the
# file: dfstruct.c alone takes seconds to compile.
setup_file() {
	GEN=$BATS_FILE_TMPDIR/gen
	IMG=$BATS_FILE_TMPDIR
	TREE=$BATS_FILE_TMPDIR/tree
	export GEN IMG TREE
	dfgen structs "$STRUCTS/ufs1.def" -o "$GEN" >/dev/null
	dfgen structs "$STRUCTS/hammer2_media.def" -o "$GEN" >/dev/null
	if command -v makefs >/dev/null; then
		make_tree "$TREE"
		make_image le "$IMG/le.img"
		make_image be "$IMG/be.img"
	fi
}

# Flags a compiler ($1) needs for ufs1.c beyond $CWARN: none, unless the
# generated tail check of 'direct' (uint8 d_namlen > 256) still draws the
# always-false warning; the first test fails on it in that case.
ufs_extra() {
	$1 $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -c -o /dev/null \
	    "$GEN/ufs1.c" 2>/dev/null && return 0
	case $1 in
	clang*) echo -Wno-tautological-constant-out-of-range-compare ;;
	*) echo -Wno-type-limits ;;
	esac
}

# runtime COMPILER [FLAGS...]: dfstruct.o for that compiler and flags,
# compiled once for the file.
runtime() {
	local obj
	obj=$BATS_FILE_TMPDIR/dfstruct.$(echo "$*" | tr -c 'a-z0-9\n' _).o
	[ -f "$obj" ] || $1 $CWARN "${@:2}" -I"$DFGEN_TOP/sys-overlays/sys" \
	    -c -o "$obj" "$STRUCTS/dfstruct.c"
	echo "$obj"
}

# build_ufs_list BINARY COMPILER [FLAGS...]
build_ufs_list() {
	local bin=$1 compiler=$2 rt
	shift 2
	rt=$(runtime "$compiler" "$@")
	$compiler $CWARN $(ufs_extra "$compiler") "$@" \
	    -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" -o "$bin" \
	    "$PROG/ufs_list.c" "$GEN/ufs1.c" "$rt"
}

# build_h2 BINARY COMPILER [FLAGS...]
build_h2() {
	local bin=$1 compiler=$2 rt
	shift 2
	rt=$(runtime "$compiler" "$@")
	$compiler $CWARN "$@" -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" \
	    -o "$bin" "$PROG/h2_roundtrip.c" "$GEN/hammer2_media.c" "$rt"
}

require_makefs() {
	command -v makefs >/dev/null || skip "no makefs (apt install makefs)"
}

# A tree with every kind of entry makefs can store, names of 1 to 255
# bytes, and enough entries for the root directory to take two blocks.
make_tree() {
	local d=$1 i
	mkdir -p "$d/sub"
	echo hello > "$d/a.txt"
	echo x > "$d/sub/b"
	ln -s a.txt "$d/link"
	mkfifo "$d/fifo"
	echo z > "$d/z"
	echo long > "$d/$(printf 'n%.0s' $(seq 255))"
	for i in $(seq 300); do
		echo "$i" > "$d/file_with_a_longer_name_$i"
	done
}

# The listing ufs_list must print for tree $1, without inode numbers,
# sorted: ".", ".." and every entry with its type.
expected_listing() {
	{
		printf '.\tDIR\n..\tDIR\n'
		find "$1" -mindepth 1 -maxdepth 1 -printf '%f\t%y\n' |
		    sed 's/\tf$/\tREG/; s/\td$/\tDIR/; s/\tl$/\tLNK/; s/\tp$/\tFIFO/'
	} | LC_ALL=C sort
}

# make_image ORDER IMAGE: makefs a UFS1 image of the tree in byte order
# ORDER (le or be).
make_image() {
	makefs -t ffs -B "$1" -o version=1 -s 4m "$2" "$TREE" >/dev/null
}

# check_listing LISTING: LISTING (ufs_list's output) names what the
# tree holds, "." and ".." are inode 2, and no two entries share an inode.
check_listing() {
	expected_listing "$TREE" > "$BATS_TEST_TMPDIR/want"
	cut -f1,2 "$1" | LC_ALL=C sort > "$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(awk -F'\t' '$1 == "." || $1 == ".." { print $3 }' "$1" |
	    sort -u)" = 2 ]
	[ -z "$(awk -F'\t' '$1 != "." && $1 != ".." { print $3 }' "$1" |
	    sort | uniq -d)" ]
}

# poke FILE OFFSET HEXBYTES: overwrite bytes in place.
poke() {
	printf "$(echo "$3" | sed 's/../\\x&/g')" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# A value ufs_list -p prints for field $2 of image $1.
field() {
	"$BATS_TEST_TMPDIR/ufs_list" -p "$1" |
	    awk -v f="$2:" '$1 == f { print $2; exit }'
}

@test "ufs1.def: the generated C compiles warning-free on x86_64 and i386" {
	cc_host "$BATS_TEST_TMPDIR/u64.o" -c "$GEN/ufs1.c"
	require_m32
	cc_m32 "$BATS_TEST_TMPDIR/u32.o" -c "$GEN/ufs1.c"
}

@test "ufs1.def: every field lies where fs.h, dinode.h and dir.h put it, on x86_64 and i386" {
	local ufs=$DFLY/sys/vfs/ufs probe=$BATS_TEST_TMPDIR/probe.c s f
	[ -f "$ufs/fs.h" ] || skip "no DragonFly tree at $DFLY (set DFLY_SRC)"
	require_m32
	{
		echo '#include <stddef.h>'
		echo '#include <stdint.h>'
		echo '#include "ufs1.h"'
		echo 'typedef int32_t ufs_daddr_t;'
		echo 'typedef int32_t ufs_time_t;'
		echo 'typedef uint64_t u_int64_t;'
		echo 'typedef unsigned char u_char;'
		echo '#define NOCSPTRS ((128 / sizeof(void *)) - 3)'
		echo '#define MAXNAMLEN 255'
		# The real structures, renamed real_*.
		for s in csum fs; do
			sed -n "/^struct $s {/,/^};/p" "$ufs/fs.h"
		done
		sed -n '/^struct ufs1_dinode {/,/^};/p' "$ufs/dinode.h"
		sed -n '/^struct[[:space:]]direct {/,/^};/p' "$ufs/dir.h"
	} | sed -E 's/struct([[:space:]]+)(csum|fs|ufs1_dinode|direct)\b/struct\1real_\2/' \
	    > "$probe"
	for s in csum fs ufs1_dinode direct; do
		grep -q "^struct[[:space:]]*real_$s {" "$probe"
		echo "_Static_assert(sizeof(struct $s) == sizeof(struct real_$s), \"$s\");" >> "$probe"
		# The fields the generated structure declares, one by one.
		for f in $(sed -n "/^struct $s {/,/^};/p" "$GEN/ufs1.h" |
		    sed -n 's/.*[[:space:]*]\([a-z_0-9]*\)\(\[[^]]*\]\)*;.*/\1/p'); do
			echo "_Static_assert(offsetof(struct $s, $f) == offsetof(struct real_$s, $f) && sizeof(((struct $s *)0)->$f) == sizeof(((struct real_$s *)0)->$f), \"$s.$f\");"
		done >> "$probe"
	done
	[ "$(grep -c 'struct fs, ' "$probe")" -ge 80 ]
	cc_host "$BATS_TEST_TMPDIR/p64.o" -I"$GEN" -c "$probe"
	cc_m32 "$BATS_TEST_TMPDIR/p32.o" -I"$GEN" -c "$probe"
	# The probe would notice a moved field.
	sed -i 's/int32_t	 fs_cpc;/int16_t fs_cpc;/' "$probe"
	run cc $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$GEN" -c -o /dev/null "$probe"
	assert_failure
	assert_output --partial '"fs.fs_cpc"'
}

@test "ufs1: the root directory of a little-endian makefs image, through generated code" {
	require_makefs
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list" cc
	"$BATS_TEST_TMPDIR/ufs_list" "$IMG/le.img" > "$BATS_TEST_TMPDIR/ls"
	check_listing "$BATS_TEST_TMPDIR/ls"
	# Two directory blocks: the second is read too.
	[ "$(field "$IMG/le.img" di_size)" -gt 8192 ]
}

@test "ufs1: the root directory of a big-endian makefs image, through generated code" {
	require_makefs
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list" cc
	"$BATS_TEST_TMPDIR/ufs_list" "$IMG/be.img" > "$BATS_TEST_TMPDIR/ls"
	check_listing "$BATS_TEST_TMPDIR/ls"
}

@test "ufs1: the same listing from an i386 build, both byte orders" {
	require_makefs
	require_m32
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list" cc -m32
	"$BATS_TEST_TMPDIR/ufs_list" "$IMG/le.img" > "$BATS_TEST_TMPDIR/ls"
	check_listing "$BATS_TEST_TMPDIR/ls"
	"$BATS_TEST_TMPDIR/ufs_list" "$IMG/be.img" > "$BATS_TEST_TMPDIR/ls"
	check_listing "$BATS_TEST_TMPDIR/ls"
}

@test "ufs1: the printer shows the superblock and root inode of either order" {
	require_makefs
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list" cc
	run "$BATS_TEST_TMPDIR/ufs_list" -p "$IMG/be.img"
	assert_success
	assert_line 'byte order: swapped'
	assert_line '  fs_magic: 0x11954'
	assert_line '  fs_postblformat: 1 (DYNAMICPOSTBLFMT)'
	assert_line '  di_nlink: 3'
	assert_line '  di_mode: 0x41ed'
	for f in fs_bsize fs_fsize fs_ipg fs_iblkno di_size di_db; do
		[ "$(field "$IMG/le.img" $f)" = \
		    "$(field "$IMG/be.img" $f)" ]
	done
	[ "$(field "$IMG/le.img" fs_ncg)" -ge 1 ]
	run "$BATS_TEST_TMPDIR/ufs_list" -p "$IMG/le.img"
	assert_line 'byte order: host'
}

@test "ufs1: a corrupt superblock, inode or entry is refused, the field named" {
	require_makefs
	local img=$BATS_TEST_TMPDIR/bad.img dir
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list" cc

	cp "$IMG/le.img" "$img"
	poke "$img" $((8192 + 0x55c)) 00000000
	run "$BATS_TEST_TMPDIR/ufs_list" "$img"
	assert_failure 1
	assert_output "ufs_list: $img: no UFS1 superblock at 8192"

	cp "$IMG/le.img" "$img"
	poke "$img" $((8192 + 0x38)) 00000000
	run "$BATS_TEST_TMPDIR/ufs_list" "$img"
	assert_failure 1
	assert_output "ufs_list: superblock: value out of range in fs.fs_frag at offset 56"

	cp "$IMG/le.img" "$img"
	poke "$img" $((8192 + 0x30)) 00100000
	run "$BATS_TEST_TMPDIR/ufs_list" "$img"
	assert_failure 1
	assert_output "ufs_list: superblock: check failed in fs.frag_size at offset 0"

	# The root directory's first entry, ".": a record of 0 bytes.
	dir=$(( $(field "$IMG/le.img" di_db) * $(field "$IMG/le.img" fs_fsize) ))
	cp "$IMG/le.img" "$img"
	poke "$img" $((dir + 4)) 0000
	run "$BATS_TEST_TMPDIR/ufs_list" "$img"
	assert_failure 1
	assert_output "ufs_list: direct: value out of range in direct.d_reclen at offset 4"

	# A name longer than its record.
	cp "$IMG/le.img" "$img"
	poke "$img" $((dir + 7)) 09
	run "$BATS_TEST_TMPDIR/ufs_list" "$img"
	assert_failure 1
	assert_output "ufs_list: direct: check failed in direct.fits at offset 0"
}

# -- big-endian, for real -------------------------------------------------

# An s390x compiler: the cross gcc if there is one, else clang with
# Debian's s390x libc (what bootstrap.sh installs); skip without either
# or without qemu.
require_s390x() {
	command -v qemu-s390x >/dev/null ||
	    skip "no qemu-s390x (apt install qemu-user)"
	printf 'int main(void) { return 0; }\n' > "$BATS_TEST_TMPDIR/t.c"
	for S390X_CC in s390x-linux-gnu-gcc "clang --target=s390x-linux-gnu"; do
		$S390X_CC -static -o "$BATS_TEST_TMPDIR/t" "$BATS_TEST_TMPDIR/t.c" \
		    2>/dev/null && qemu-s390x "$BATS_TEST_TMPDIR/t" && return 0
	done
	skip "no s390x compiler (apt install libc6-dev-s390x-cross libgcc-12-dev-s390x-cross binutils-s390x-linux-gnu)"
}

@test "s390x: ufs_list under qemu lists both images as the x86_64 build does" {
	require_makefs
	require_s390x
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list" cc
	build_ufs_list "$BATS_TEST_TMPDIR/ufs_list.s390x" "$S390X_CC" -static
	run file "$BATS_TEST_TMPDIR/ufs_list.s390x"
	assert_output --partial 'MSB executable, IBM S/390'
	for o in le be; do
		qemu-s390x "$BATS_TEST_TMPDIR/ufs_list.s390x" \
		    "$IMG/$o.img" > "$BATS_TEST_TMPDIR/ls.$o"
		check_listing "$BATS_TEST_TMPDIR/ls.$o"
		"$BATS_TEST_TMPDIR/ufs_list" "$IMG/$o.img" |
		    diff -u - "$BATS_TEST_TMPDIR/ls.$o"
	done
	run qemu-s390x "$BATS_TEST_TMPDIR/ufs_list.s390x" -p "$IMG/le.img"
	assert_line 'byte order: swapped'
	assert_line '  fs_magic: 0x11954'
	run qemu-s390x "$BATS_TEST_TMPDIR/ufs_list.s390x" -p "$IMG/be.img"
	assert_line 'byte order: host'
}

@test "hammer2: blockref and volume header round trips on x86_64 and i386" {
	build_h2 "$BATS_TEST_TMPDIR/h2" cc
	run "$BATS_TEST_TMPDIR/h2"
	assert_success
	assert_output 'ok 55 checks'
	require_m32
	build_h2 "$BATS_TEST_TMPDIR/h2.32" cc -m32
	run "$BATS_TEST_TMPDIR/h2.32"
	assert_success
	assert_output 'ok 55 checks'
}

@test "s390x: hammer2 round trips under qemu, and each host reads what the other wrote" {
	require_s390x
	build_h2 "$BATS_TEST_TMPDIR/h2" cc
	build_h2 "$BATS_TEST_TMPDIR/h2.s390x" "$S390X_CC" -static
	run qemu-s390x "$BATS_TEST_TMPDIR/h2.s390x"
	assert_success
	assert_output 'ok 55 checks'

	"$BATS_TEST_TMPDIR/h2" -w "$BATS_TEST_TMPDIR/le.vol"
	qemu-s390x "$BATS_TEST_TMPDIR/h2.s390x" -w "$BATS_TEST_TMPDIR/be.vol"
	# Same header, different bytes: the magic is reversed.
	run cmp -s "$BATS_TEST_TMPDIR/le.vol" "$BATS_TEST_TMPDIR/be.vol"
	assert_failure
	[ "$(od -An -tx1 -N8 "$BATS_TEST_TMPDIR/be.vol" | tr -d ' ')" = \
	    48414d3205172011 ]
	[ "$(od -An -tx1 -N8 "$BATS_TEST_TMPDIR/le.vol" | tr -d ' ')" = \
	    11201705324d4148 ]

	run qemu-s390x "$BATS_TEST_TMPDIR/h2.s390x" -r "$BATS_TEST_TMPDIR/le.vol"
	assert_success
	assert_output $'order: swapped\nok 8 checks'
	run "$BATS_TEST_TMPDIR/h2" -r "$BATS_TEST_TMPDIR/be.vol"
	assert_success
	assert_output $'order: swapped\nok 8 checks'
	run qemu-s390x "$BATS_TEST_TMPDIR/h2.s390x" -r "$BATS_TEST_TMPDIR/be.vol"
	assert_output $'order: host\nok 8 checks'
}
