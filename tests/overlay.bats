#!/usr/bin/env bats
# dfgen overlay: installing dfgen into a DragonFly-shaped tree
# (tests/fixtures/tree), checking it, updating it, refusing to overwrite
# what someone changed, and reverting it byte for byte, also after a run
# killed at any step.  Most tests install from a small copy of dfgen's
# tree made by make_top (--dfgen-top), so that they do not depend on
# what dfgen ships; one installs the real one.

load lib/common

setup() {
	TREE=$BATS_TEST_TMPDIR/tree
	PRISTINE=$BATS_TEST_TMPDIR/pristine
	TOP=$BATS_TEST_TMPDIR/top
	cp -R "$FIXTURES/tree" "$TREE"
	# Modes git does not keep: the overlay must put them back.
	chmod 0755 "$TREE/sys/conf/newvers.sh"
	chmod 0600 "$TREE/sys/kern/kern_bar.c"
	chmod 0640 "$TREE/sys/conf/options"
	cp -a "$TREE" "$PRISTINE"
	make_top "$TOP"
}

# A small dfgen tree: sys-overlays/ with a file that replaces one of the
# tree's, new files in new and existing directories, dfgen.kern.mk;
# mk/, generators/, templates/, kconf/ with files the copy must skip.
make_top() {
	local top=$1
	mkdir -p "$top"/sys-overlays/sys/{conf,kern,sys,dfgen/runtime} \
	    "$top"/mk "$top"/generators/dfgen_core/__pycache__ \
	    "$top"/generators/families "$top"/templates/consts "$top"/kconf
	printf '# dfgen in a kernel build\nDFGEN_KERNEL=\tyes\n' \
	    > "$top/sys-overlays/sys/conf/dfgen.kern.mk"
	printf '/* kern_bar.c as dfgen ships it */\nint bar_level(int n) { return n; }\n' \
	    > "$top/sys-overlays/sys/kern/kern_bar.c"
	printf '/* dfgen compat header */\n' \
	    > "$top/sys-overlays/sys/sys/dfgen_compat.h"
	printf '/* a ring */\nint ring_size = 64;\n' \
	    > "$top/sys-overlays/sys/dfgen/runtime/ring.c"
	printf '# the build hook\n' > "$top/mk/dfgen.mk"
	printf '# the registry\n' > "$top/mk/families.mk"
	printf 'PYTHON=/usr/bin/python3\n' > "$top/mk/local.mk"
	printf 'not a makefile\n' > "$top/mk/README"
	printf '#!/bin/sh\necho dfgen\n' > "$top/generators/dfgen"
	chmod 0755 "$top/generators/dfgen"
	printf '"""core"""\n' > "$top/generators/dfgen_core/__init__.py"
	printf '"""cli"""\n' > "$top/generators/dfgen_core/cli.py"
	printf 'compiled\n' > "$top/generators/dfgen_core/__pycache__/cli.cpython-311.pyc"
	printf 'compiled\n' > "$top/generators/stray.pyc"
	printf 'notes\n' > "$top/generators/families/notes.txt"
	printf '/* {{ m }} */\n' > "$top/templates/consts/consts.h.j2"
	printf 'CODEGEN_STRUCTS\topt_codegen.h\nKERNEL_VM\topt_codegen.h\n' \
	    > "$top/kconf/options.codegen"
	printf 'dfgen/runtime/ring.c\toptional codegen_structs\n' \
	    > "$top/kconf/files.codegen"
	printf 'ident\tCODEGEN_EXAMPLE\n' > "$top/kconf/CODEGEN_EXAMPLE"
}

overlay() {
	dfgen overlay --dfgen-top "$TOP" "$@"
}

# Every path with its type and mode, relative to the directory.
listing() {
	(cd "$1" && find . -printf '%y %m %p\n' | LC_ALL=C sort)
}

# Fail unless two trees hold the same files, bytes and modes.
same_tree() {
	diff -r "$1" "$2" || fail "$2 differs from $1"
	diff -u <(listing "$1") <(listing "$2") ||
	    fail "the modes or types in $2 differ from $1"
}

# An uninterrupted install of $PRISTINE into $1.
install_into() {
	rm -rf "$1"
	cp -a "$PRISTINE" "$1"
	run overlay "$1"
	assert_success
	assert_output ""
}

# The plan of a first install, one action a line.
FIRST_PLAN='create sys/conf/dfgen.kern.mk
merge sys/conf/files
hook sys/conf/kern.post.mk
merge sys/conf/options
mkdir sys/dfgen
mkdir sys/dfgen/runtime
create sys/dfgen/runtime/ring.c
replace sys/kern/kern_bar.c
create sys/sys/dfgen_compat.h
mkdir sys/tools
mkdir sys/tools/dfgen
mkdir sys/tools/dfgen/generators
create sys/tools/dfgen/generators/dfgen
mkdir sys/tools/dfgen/generators/dfgen_core
create sys/tools/dfgen/generators/dfgen_core/__init__.py
create sys/tools/dfgen/generators/dfgen_core/cli.py
mkdir sys/tools/dfgen/kconf
create sys/tools/dfgen/kconf/CODEGEN_EXAMPLE
create sys/tools/dfgen/kconf/files.codegen
create sys/tools/dfgen/kconf/options.codegen
mkdir sys/tools/dfgen/mk
create sys/tools/dfgen/mk/dfgen.mk
create sys/tools/dfgen/mk/families.mk
mkdir sys/tools/dfgen/templates
mkdir sys/tools/dfgen/templates/consts
create sys/tools/dfgen/templates/consts/consts.h.j2'

@test "overlay: --dry-run prints the plan and changes nothing" {
	run overlay --dry-run "$TREE"
	assert_success
	assert_output "$FIRST_PLAN"
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: install puts every file in place" {
	run overlay -v "$TREE"
	assert_success
	assert_output "$FIRST_PLAN"
	cmp "$TOP/sys-overlays/sys/kern/kern_bar.c" "$TREE/sys/kern/kern_bar.c"
	cmp "$TOP/sys-overlays/sys/dfgen/runtime/ring.c" \
	    "$TREE/sys/dfgen/runtime/ring.c"
	cmp "$TOP/sys-overlays/sys/conf/dfgen.kern.mk" \
	    "$TREE/sys/conf/dfgen.kern.mk"
	cmp "$TOP/kconf/options.codegen" \
	    "$TREE/sys/tools/dfgen/kconf/options.codegen"
	assert_equal "$(stat -c %a "$TREE/sys/tools/dfgen/generators/dfgen")" 755
	assert_equal "$(stat -c %a "$TREE/sys/kern/kern_bar.c")" 644
	assert_equal "$(stat -c %a "$TREE/sys/conf/options")" 640
	assert_equal "$(stat -c %a "$TREE/sys/tools/dfgen")" 755
	# What git would not track stays out of the copy.
	assert_file_not_exist "$TREE/sys/tools/dfgen/mk/local.mk"
	assert_file_not_exist "$TREE/sys/tools/dfgen/mk/README"
	assert_file_not_exist "$TREE/sys/tools/dfgen/generators/stray.pyc"
	assert_file_not_exist "$TREE/sys/tools/dfgen/generators/dfgen_core/__pycache__"
	assert_file_not_exist "$TREE/sys/tools/dfgen/generators/families"
	# The untouched parts are untouched.
	cmp "$PRISTINE/sys/kern/kern_foo.c" "$TREE/sys/kern/kern_foo.c"
	assert_equal "$(stat -c %a "$TREE/sys/conf/newvers.sh")" 755
	# The original of the replaced file is kept, and every action is in
	# the manifest.
	cmp "$PRISTINE/sys/kern/kern_bar.c" \
	    "$TREE/.dfgen-overlay/orig/sys/kern/kern_bar.c"
	cmp "$PRISTINE/sys/conf/options" \
	    "$TREE/.dfgen-overlay/orig/sys/conf/options"
	run grep -c '^[a-z]* done ' "$TREE/.dfgen-overlay/manifest"
	assert_output 26
	run grep -c ' doing \| undoing ' "$TREE/.dfgen-overlay/manifest"
	assert_output 0
}

@test "overlay: the manifest records before, after and the original mode" {
	overlay "$TREE"
	local m=$TREE/.dfgen-overlay/manifest
	assert_equal "$(head -n 1 "$m")" "dfgen-overlay-manifest 1"
	local before after
	before=$(sha256sum < "$PRISTINE/sys/kern/kern_bar.c" | cut -d' ' -f1)
	after=$(sha256sum < "$TREE/sys/kern/kern_bar.c" | cut -d' ' -f1)
	run grep -Fx "file done $before 0600 $after - sys/kern/kern_bar.c" "$m"
	assert_success
	after=$(sha256sum < "$TREE/sys/dfgen/runtime/ring.c" | cut -d' ' -f1)
	run grep -Fx "file done absent - $after - sys/dfgen/runtime/ring.c" "$m"
	assert_success
	run grep -Fx "dir done absent - dir - sys/dfgen/runtime" "$m"
	assert_success
	before=$(sha256sum < "$PRISTINE/sys/conf/options" | cut -d' ' -f1)
	run grep "^merge done $before 0640 [0-9a-f]\{64\} - sys/conf/options\$" "$m"
	assert_success
}

@test "overlay: merged blocks and the hook are appended once, marked" {
	overlay "$TREE"
	overlay "$TREE"
	local begin='# BEGIN dfgen overlay: '
	local note='(do not edit; `dfgen overlay --revert` removes it)'
	{
		cat "$PRISTINE/sys/conf/options"
		printf '\n%skconf/options.codegen %s\n' "$begin" "$note"
		cat "$TOP/kconf/options.codegen"
		printf '# END dfgen overlay\n'
	} > "$BATS_TEST_TMPDIR/options"
	diff -u "$BATS_TEST_TMPDIR/options" "$TREE/sys/conf/options"
	run grep -c '^# BEGIN dfgen overlay: kconf/files.codegen ' \
	    "$TREE/sys/conf/files"
	assert_output 1
	run tail -n 3 "$TREE/sys/conf/kern.post.mk"
	assert_output "# BEGIN dfgen overlay: build hook $note
.include \"\$S/conf/dfgen.kern.mk\"
# END dfgen overlay"
}

@test "overlay: a second install changes nothing and says so" {
	overlay "$TREE"
	cp -a "$TREE" "$BATS_TEST_TMPDIR/installed"
	run overlay -v "$TREE"
	assert_success
	assert_output "dfgen overlay: $TREE already matches the overlay"
	same_tree "$BATS_TEST_TMPDIR/installed" "$TREE"
	run overlay --dry-run "$TREE"
	assert_output "dfgen overlay: $TREE already matches the overlay"
}

@test "overlay: --check before and after install, and after edits" {
	run overlay --check "$TREE"
	assert_failure 1
	assert_line "not installed sys/kern/kern_bar.c"
	assert_line "not installed sys/conf/options"
	assert_line "not installed sys/tools/dfgen/mk/dfgen.mk"
	assert_line "dfgen overlay: $TREE differs from the overlay (16 differences)"
	same_tree "$PRISTINE" "$TREE"

	overlay "$TREE"
	run overlay --check "$TREE"
	assert_success
	assert_output "dfgen overlay: $TREE matches the overlay"

	echo '/* mine */' >> "$TREE/sys/kern/kern_bar.c"
	rm "$TREE/sys/dfgen/runtime/ring.c"
	chmod 0600 "$TREE/sys/tools/dfgen/generators/dfgen"
	echo 'KERNEL_VM2' >> "$TOP/kconf/options.codegen"
	cp -a "$TREE" "$BATS_TEST_TMPDIR/edited"
	run overlay --check "$TREE"
	assert_failure 1
	assert_output "differs sys/conf/options: out of date
missing sys/dfgen/runtime/ring.c
differs sys/kern/kern_bar.c: changed since the overlay installed it
differs sys/tools/dfgen/generators/dfgen: mode 0600, the overlay's is 0755
differs sys/tools/dfgen/kconf/options.codegen: out of date
dfgen overlay: $TREE differs from the overlay (5 differences)"
	same_tree "$BATS_TEST_TMPDIR/edited" "$TREE"
}

@test "overlay: --revert gives back the original tree, bytes and modes" {
	overlay "$TREE"
	run overlay -v --revert "$TREE"
	assert_success
	assert_line "restore sys/kern/kern_bar.c"
	assert_line "unmerge sys/conf/options"
	assert_line "unhook sys/conf/kern.post.mk"
	assert_line "rmdir sys/tools"
	assert_line "cleanup .dfgen-overlay"
	same_tree "$PRISTINE" "$TREE"
	run overlay --revert "$TREE"
	assert_success
	assert_output "dfgen overlay: $TREE has no overlay installed"
}

@test "overlay: revert of a file without a final newline" {
	printf '.include "$S/conf/bsd.kern.mk"' > "$TREE/sys/conf/kern.post.mk"
	printf '' > "$TREE/sys/conf/files"
	rm -rf "$PRISTINE" && cp -a "$TREE" "$PRISTINE"
	overlay "$TREE"
	run head -n 3 "$TREE/sys/conf/kern.post.mk"
	assert_output --regexp $'^\\.include "\\$S/conf/bsd\\.kern\\.mk"\n\n# BEGIN dfgen overlay: build hook '
	run head -n 1 "$TREE/sys/conf/files"
	assert_output --partial '# BEGIN dfgen overlay: kconf/files.codegen'
	overlay --revert "$TREE"
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: a new version of dfgen updates the tree; revert still restores it" {
	overlay "$TREE"
	printf '/* kern_bar.c, version 2 */\n' > "$TOP/sys-overlays/sys/kern/kern_bar.c"
	printf 'CODEGEN_STRUCTS\topt_codegen.h\n' > "$TOP/kconf/options.codegen"
	rm "$TOP/sys-overlays/sys/dfgen/runtime/ring.c"
	printf '/* new */\n' > "$TOP/sys-overlays/sys/kern/kern_new.c"
	run overlay --dry-run "$TREE"
	assert_success
	assert_output "merge sys/conf/options
update sys/kern/kern_bar.c
create sys/kern/kern_new.c
update sys/tools/dfgen/kconf/options.codegen
remove sys/dfgen/runtime/ring.c
rmdir sys/dfgen/runtime
rmdir sys/dfgen"
	run overlay "$TREE"
	assert_success
	cmp "$TOP/sys-overlays/sys/kern/kern_bar.c" "$TREE/sys/kern/kern_bar.c"
	assert_file_not_exist "$TREE/sys/dfgen"
	run grep -c 'BEGIN dfgen overlay' "$TREE/sys/conf/options"
	assert_output 1
	run grep -c 'KERNEL_VM' "$TREE/sys/conf/options"
	assert_output 0
	run overlay --check "$TREE"
	assert_success
	# The update is itself the install of a fresh tree.
	install_into "$BATS_TEST_TMPDIR/fresh"
	same_tree "$BATS_TEST_TMPDIR/fresh" "$TREE"
	overlay --revert "$TREE"
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: refuses to overwrite a file someone changed, and changes nothing" {
	overlay "$TREE"
	echo '/* my fix */' >> "$TREE/sys/kern/kern_bar.c"
	printf '/* kern_bar.c, version 2 */\n' > "$TOP/sys-overlays/sys/kern/kern_bar.c"
	printf '/* compat, version 2 */\n' > "$TOP/sys-overlays/sys/sys/dfgen_compat.h"
	cp -a "$TREE" "$BATS_TEST_TMPDIR/before"
	run overlay "$TREE"
	assert_failure 1
	assert_output "$TREE/sys/kern/kern_bar.c: error: changed since the overlay installed it, so dfgen overlay will not overwrite it; save your version elsewhere and put back the original from .dfgen-overlay/orig/sys/kern/kern_bar.c, then run again
$TREE: note: nothing was changed"
	same_tree "$BATS_TEST_TMPDIR/before" "$TREE"
	run overlay --dry-run "$TREE"
	assert_failure 1
	same_tree "$BATS_TEST_TMPDIR/before" "$TREE"
	# Doing what it says works.
	cp "$TREE/.dfgen-overlay/orig/sys/kern/kern_bar.c" "$TREE/sys/kern/kern_bar.c"
	run overlay "$TREE"
	assert_success
	cmp "$TOP/sys-overlays/sys/sys/dfgen_compat.h" "$TREE/sys/sys/dfgen_compat.h"
	overlay --revert "$TREE"
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: refuses to revert a file someone changed, and changes nothing" {
	overlay "$TREE"
	echo '/* mine */' >> "$TREE/sys/sys/dfgen_compat.h"
	echo 'MY_OPTION' >> "$TREE/sys/conf/options"
	cp -a "$TREE" "$BATS_TEST_TMPDIR/before"
	run overlay --revert "$TREE"
	assert_failure 1
	assert_output "$TREE/sys/sys/dfgen_compat.h: error: changed since the overlay installed it, so dfgen overlay will not revert it; save your version elsewhere and delete it, then run again
$TREE/sys/conf/options: note: changed since the overlay installed it, so dfgen overlay will not revert it; save your version elsewhere and put back the original from .dfgen-overlay/orig/sys/conf/options, then run again
$TREE: note: nothing was changed"
	same_tree "$BATS_TEST_TMPDIR/before" "$TREE"
	rm "$TREE/sys/sys/dfgen_compat.h"
	cp -p "$TREE/.dfgen-overlay/orig/sys/conf/options" "$TREE/sys/conf/options"
	run overlay --revert "$TREE"
	assert_success
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: refuses a directory or a link where a file goes, and a file where a directory goes" {
	mkdir "$TREE/sys/conf/dfgen.kern.mk"
	printf 'in the way\n' > "$TREE/sys/dfgen"
	ln -sf kern_foo.c "$TREE/sys/kern/kern_bar.c"
	rm -rf "$PRISTINE" && cp -a "$TREE" "$PRISTINE"
	run overlay "$TREE"
	assert_failure 1
	assert_output "$TREE/sys/conf/dfgen.kern.mk: error: is a directory where the overlay installs a file; move it away, then run again
$TREE/sys/dfgen: note: is a file where the overlay needs a directory; move it away, then run again
$TREE/sys/kern/kern_bar.c: note: is a symbolic link where the overlay installs a file; move it away, then run again
$TREE: note: nothing was changed"
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: refuses to remove a directory holding someone's files" {
	overlay "$TREE"
	printf 'mine\n' > "$TREE/sys/dfgen/runtime/mine.c"
	run overlay --revert "$TREE"
	assert_failure 1
	assert_line --index 0 "$TREE/sys/dfgen/runtime: error: holds mine.c, which the overlay did not create; move it away, then run again"
	rm "$TREE/sys/dfgen/runtime/mine.c"
	overlay --revert "$TREE"
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: refuses a block the manifest does not record" {
	overlay "$TREE"
	rm -rf "$TREE/.dfgen-overlay"
	run overlay "$TREE"
	assert_failure 1
	assert_line --index 0 --partial "$TREE/sys/conf/files: error: already holds a dfgen overlay block that .dfgen-overlay/manifest does not record"
}

@test "overlay: leftovers of an interrupted write are cleaned" {
	overlay "$TREE"
	printf 'half\n' > "$TREE/sys/kern/.kern_bar.c.k2x_9qz0.tmp"
	printf 'half\n' > "$TREE/.dfgen-overlay/.manifest.a1b2c3d4.tmp"
	run overlay --check "$TREE"
	assert_failure 1
	assert_output "leftover .dfgen-overlay/.manifest.a1b2c3d4.tmp
leftover sys/kern/.kern_bar.c.k2x_9qz0.tmp: from an interrupted write
dfgen overlay: $TREE differs from the overlay (2 differences)"
	run overlay -v "$TREE"
	assert_success
	assert_output "clean sys/kern/.kern_bar.c.k2x_9qz0.tmp
prune .dfgen-overlay"
	install_into "$BATS_TEST_TMPDIR/fresh"
	same_tree "$BATS_TEST_TMPDIR/fresh" "$TREE"
}

@test "overlay: a damaged manifest or original is an error" {
	overlay "$TREE"
	printf 'junk\n' >> "$TREE/.dfgen-overlay/orig/sys/kern/kern_bar.c"
	run overlay --revert "$TREE"
	assert_failure 1
	assert_output "$TREE/.dfgen-overlay/orig/sys/kern/kern_bar.c: error: missing or damaged: it should be the original of sys/kern/kern_bar.c, without which the overlay cannot be reverted"
	printf 'file done absent - nothex - sys/x.c\n' >> "$TREE/.dfgen-overlay/manifest"
	run overlay --check "$TREE"
	assert_failure 1
	assert_line --index 0 --regexp "^$TREE/.dfgen-overlay/manifest:[0-9]+:20: error: bad 'after' for a file 'nothex'\$"
}

# Kill a run after step 1, 2, ... until it finishes by itself; after each
# kill, call "$@" on the killed tree (and a copy of it).
each_kill() {
	local start=$1 n=1 runs
	shift
	while :; do
		rm -rf "$BATS_TEST_TMPDIR/killed"
		cp -a "$start" "$BATS_TEST_TMPDIR/killed"
		export DFGEN_OVERLAY_STOP_AFTER=$n
		run overlay "${RUN_ARGS[@]}" "$BATS_TEST_TMPDIR/killed"
		unset DFGEN_OVERLAY_STOP_AFTER
		[ "$status" -eq 0 ] && break
		[ "$status" -eq 9 ] || fail "stopped after $n steps: status $status, $output"
		"$@" "$BATS_TEST_TMPDIR/killed" "$n"
		n=$((n + 1))
	done
	KILLS=$((n - 1))
}

# After a kill: installing again gives the uninterrupted install, and
# reverting gives the original tree.
finish_or_revert() {
	local killed=$1 n=$2 copy=$BATS_TEST_TMPDIR/killed2
	rm -rf "$copy"
	cp -a "$killed" "$copy"
	run overlay "$killed"
	[ "$status" -eq 0 ] || fail "install after a stop at step $n: $output"
	same_tree "$BATS_TEST_TMPDIR/clean" "$killed"
	run overlay --revert "$copy"
	[ "$status" -eq 0 ] || fail "revert after a stop at step $n: $output"
	same_tree "$PRISTINE" "$copy"
}

@test "overlay: an install killed at any step can be finished or reverted" {
	install_into "$BATS_TEST_TMPDIR/clean"
	RUN_ARGS=()
	each_kill "$PRISTINE" finish_or_revert
	[ "$KILLS" -ge 80 ] || fail "only $KILLS steps"
}

@test "overlay: a revert killed at any step can be finished or undone" {
	install_into "$BATS_TEST_TMPDIR/clean"
	RUN_ARGS=(--revert)
	each_kill "$BATS_TEST_TMPDIR/clean" finish_or_revert
	[ "$KILLS" -ge 75 ] || fail "only $KILLS steps"
}

@test "overlay: an update killed at any step can be finished or reverted" {
	install_into "$BATS_TEST_TMPDIR/old"
	printf '/* kern_bar.c, version 2 */\n' > "$TOP/sys-overlays/sys/kern/kern_bar.c"
	printf 'KERNEL_VM\topt_codegen.h\n' > "$TOP/kconf/options.codegen"
	rm -r "$TOP/sys-overlays/sys/dfgen"
	install_into "$BATS_TEST_TMPDIR/clean"
	RUN_ARGS=()
	each_kill "$BATS_TEST_TMPDIR/old" finish_or_revert
	[ "$KILLS" -ge 15 ] || fail "only $KILLS steps"
}

@test "overlay: installs the real dfgen: exactly the files git keeps" {
	run dfgen overlay "$TREE"
	assert_success
	# What git tracks or would track in mk/*.mk, generators/ (*.py and
	# the dfgen script), templates/ and kconf/.
	(cd "$DFGEN_TOP" &&
	    git ls-files --cached --others --exclude-standard \
		mk generators templates kconf |
	    grep -E '^(mk/[^/]*\.mk|generators/.*\.py|generators/dfgen|templates/.*|kconf/.*)$' |
	    while read -r f; do [ -f "$f" ] && echo "$f"; done |
	    LC_ALL=C sort -u) > "$BATS_TEST_TMPDIR/expected"
	(cd "$TREE/sys/tools/dfgen" && find . -type f | sed 's|^\./||' |
	    LC_ALL=C sort) > "$BATS_TEST_TMPDIR/installed"
	diff -u "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/installed"
	assert_equal "$(stat -c %a "$TREE/sys/tools/dfgen/generators/dfgen")" 755
	run dfgen overlay --check "$TREE"
	assert_success
	run dfgen overlay --revert "$TREE"
	assert_success
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: on a real DragonFly tree (DFLY_SRC), revert is byte-identical" {
	[ -n "${DFLY_SRC:-}" ] || skip "DFLY_SRC is not set (the top of a DragonFly source tree)"
	[ -f "$DFLY_SRC/sys/conf/options" ] || fail "$DFLY_SRC has no sys/conf/options"
	local src=$BATS_TEST_TMPDIR/dfly pristine=$BATS_TEST_TMPDIR/dfly.orig
	mkdir "$src"
	cp -a "$DFLY_SRC/sys" "$src/sys"
	cp -a "$src" "$pristine"
	run dfgen overlay "$src"
	assert_success
	run dfgen overlay --check "$src"
	assert_success
	run grep -c '^# BEGIN dfgen overlay: build hook ' "$src/sys/conf/kern.post.mk"
	assert_output 1
	run dfgen overlay --revert "$src"
	assert_success
	same_tree "$pristine" "$src"
}

@test "overlay: SRCTOP must be a DragonFly source tree" {
	run overlay "$BATS_TEST_TMPDIR/nowhere"
	assert_failure 1
	assert_output "$BATS_TEST_TMPDIR/nowhere: error: no such directory"
	rm "$TREE/sys/conf/kern.post.mk"
	run overlay --check "$TREE"
	assert_failure 1
	assert_output "$TREE: error: not a DragonFly source tree (it has no sys/conf/kern.post.mk)"
	run dfgen overlay --dfgen-top "$BATS_TEST_TMPDIR" "$PRISTINE"
	assert_failure 1
	assert_output "$BATS_TEST_TMPDIR: error: not a dfgen source tree (it has no sys-overlays/)"
}

@test "overlay: bad usage exits 2" {
	run dfgen overlay
	assert_failure 2
	assert_line --index 0 --partial "the following arguments are required: SRCTOP"
	run dfgen overlay --check --revert "$TREE"
	assert_failure 2
	assert_line --index 0 --partial "not allowed with argument"
	run dfgen overlay --force "$TREE"
	assert_failure 2
	run dfgen overlay "$TREE" "$PRISTINE"
	assert_failure 2
	DFGEN_OVERLAY_STOP_AFTER=soon run dfgen overlay "$TREE"
	assert_failure 2
	same_tree "$PRISTINE" "$TREE"
}

@test "overlay: the installed hook generates in a kernel build directory" {
	dfgen overlay "$TREE"
	# With the overlay, the tree's options know the codegen options.
	printf 'platform\tpc64\nmachine\t\tx86_64\nmachine_arch\tx86_64\nident\t\tCG\noptions\t\tINET\noptions\t\tCODEGEN_STRUCTS\n' \
	    > "$TREE/sys/config/CG"
	# Installed and configured a moment before the build.
	find "$TREE" -exec touch -d "@$(( $(date +%s) - 2 ))" {} +
	local build=$BATS_TEST_TMPDIR/compile/CG
	mkdir -p "$build"
	# The shape of the Makefile config(8) writes.
	{
		printf 'KERN_IDENT=CG\nMACHINE_PLATFORM=pc64\nS=%s/sys\n' "$TREE"
		printf '.include "$S/conf/kern.pre.mk"\n'
		printf 'OBJS=kern_foo.o\nCFILES=$S/kern/kern_foo.c\n'
		printf '.include "$S/conf/kern.post.mk"\n'
	} > "$build/Makefile"
	cd "$build"
	run env MAKEOBJDIR="$build" PYTHON="$PYTHON" bmake -n kernel-depend
	assert_success
	run env MAKEOBJDIR="$build" PYTHON="$PYTHON" bmake generate
	assert_success
	assert_line "GEN hammer2_consts.h"
	assert_line "GEN hammer2_media.c"
	assert_line "dfgen: 4 of 4 definition files generated in $build"
	run cat "$build/dfgen-kconf.mk"
	assert_line "DFGEN_KERNEL_OPTIONS=	CODEGEN_STRUCTS"
	# config(8) wrote the opt headers; the hook leaves them alone.
	assert_file_not_exist "$build/opt_inet.h"
	# What it generated compiles with the compat header the overlay put in.
	cc $CWARN -I"$TREE/sys" -I. -fsyntax-only hammer2_consts_names.c
	cc $CWARN -I"$TREE/sys" -I. -fsyntax-only hammer2_media.c
	run env MAKEOBJDIR="$build" PYTHON="$PYTHON" bmake generate
	assert_output "dfgen: all 8 files up to date in $build"
}
