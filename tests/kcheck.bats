#!/usr/bin/env bats
# The kernel build check: files lists read and selected as config(8)
# does (dfgen kconf --files), the tree generators of the registry, the
# forwarding headers, and `bmake kernel-check` compiling what a config
# selects, incrementally and -j safe, on a hand-written fixture tree
# (tests/fixtures/ktree) and, with DFLY_SRC set, on a real DragonFly tree.
# Each test works on its own copies of dfgen and of the fixture tree.

load lib/common
load lib/kcheck

setup() {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/bin" "$T/obj"
	copy_dfgen "$T/dfgen"
	cp -a "$FIXTURES/ktree" "$T/ktree"
	KSYS=$T/ktree/sys
	KOBJ=$T/obj/kernel-check/KTEST
	# The fixture's tree generator: a few lines in the registry.
	cat >> "$T/dfgen/mk/families.mk" <<-'MK'

	DFGEN_TREEGENS+=		colors
	DFGEN_TREEGEN_SCRIPT.colors=	tools/colors2h.awk
	DFGEN_TREEGEN_INPUTS.colors=	dev/foo/colors
	DFGEN_TREEGEN_OUTPUTS.colors=	colors.h
	MK
	logging_wrapper "$T/bin/cc" "$(command -v cc)" "$T/cc.log"
	# Inputs are old: what a test changes later is newer than any output.
	find "$T/dfgen" "$T/ktree" -exec touch -d "@$(( $(date +%s) - 100 ))" {} +
}

# kc [make args...]: bmake kernel-check on the fixture tree.
kc() {
	(cd "$T/dfgen" && LC_ALL=C MAKEOBJDIR=$T/obj bmake kernel-check \
	    PYTHON="$PYTHON" CC="$T/bin/cc" DFLY_SRC="$T/ktree" KERNCONF=KTEST "$@")
}

# Move back the time of every file of the check (not the links into the
# tree), so that what a test changes next is newer.
age_objects() {
	age $(find "$KOBJ" -type f)
}

compiles() {
	if [ -f "$T/cc.log" ]; then wc -l < "$T/cc.log"; else echo 0; fi
}

# The variable VAR of the kconf fragment, one word a line, $S/ removed.
fragment_words() {
	sed -n "/^$1=/,/^\$/p" "$KOBJ/dfgen-kconf.mk" |
	    tr -s ' \t\\' '\n' | grep -v "^$1=\$" | grep . | sed 's,^\$S/,,'
}

@test "kcheck: the config selects files as config(8) does" {
	run kc
	assert_success
	run fragment_words DFGEN_KERNEL_CFILES
	# requirements ANDed, options in any case, a valued option and an
	# unconfigured device select nothing, a comment line (with its
	# continuation) and a duplicate entry are ignored, the platform's
	# list comes last
	assert_output "kern/kern_main.c
kern/kern_opt.c
dev/foo/foo.c
dev/foo/foo_extra.c
dev/broken/broken.c
dev/nohdr/nohdr.c
platform/pcx/pcx/machdep.c"
	run fragment_words DFGEN_KERNEL_MFILES
	assert_output "kern/widget_if.m"
	run fragment_words DFGEN_KERNEL_BEFORE_DEPEND
	assert_output "colors.h"
}

@test "kcheck: opt_*.h and use_*.h as config(8) writes them" {
	kc
	assert_equal "$(cat "$KOBJ/opt_fast.h")" "#define FAST_PATH 1
#define LEVEL 3"
	assert_equal "$(cat "$KOBJ/opt_cpu.h")" "#define FIXTURE_CPU 1"
	assert_equal "$(cat "$KOBJ/use_foo.h")" "#define NFOO 1"
	assert_equal "$(cat "$KOBJ/use_bar.h")" "#define NBAR 0"
	assert_equal "$(cat "$KOBJ/use_level.h")" "#define NLEVEL 0"
	# an entry whose first requirement is an option counts no device
	assert_file_not_exist "$KOBJ/use_FAST_path.h"
	assert_file_not_exist "$KOBJ/use_fast_path.h"
}

@test "kcheck: use_*.h counts units, and a device's parent, as config(8) does" {
	printf 'dev/foo/fooc.c\t\toptional fooc\n' >> "$KSYS/conf/files"
	printf 'device\t\tfooc0\ndevice\t\tfoo1 at fooc0\n' >> "$KSYS/config/KTEST"
	run dfgen kconf --sys "$KSYS" --files -o "$T/out" "$KSYS/config/KTEST"
	assert_success
	assert_equal "$(cat "$T/out/use_foo.h")" "#define NFOO 2
#define NFOOC 1"
	assert_equal "$(cat "$T/out/use_fooc.h")" "#define NFOOC 1"
}

@test "kcheck: compiled N of M, and each failure on one line under its cause" {
	run kc
	assert_success
	assert_line "CC broken.c"
	assert_line "CC widget_if.c"
	assert_line "kernel-check: KTEST: compiled 6 of 8"
	assert_line "  5 of 7 C files of the files lists, 1 of 1 kobj interfaces (_if.c)"
	assert_line "missing header (1):"
	assert_line "  dev/nohdr/nohdr.c:1:10: fatal error: nowhere.h: No such file or directory"
	assert_line "unknown type (1):"
	assert_line "  dev/broken/broken.c:6:9: error: unknown type name 'gadget_t'"
	assert_equal "$(cat "$KOBJ/broken.ck")" failed
	assert_equal "$(cat "$KOBJ/foo.ck")" ok
	assert_file_exist "$KOBJ/foo.o"
}

@test "kcheck: every file compiles with the tree's flags, the makeoptions and the host's" {
	printf 'makeoptions\tDEBUG=-g3\n' >> "$KSYS/config/KTEST"
	run kc V=1
	assert_success
	tr -s ' ' <<< "$output" | grep -F -- "/bin/cc -c -O -pipe -Wall -Wstrict-prototypes -Wmissing-prototypes -std=c99 -g3 -nostdinc -I. -Iinclude -I$KSYS -D_KERNEL -DHAVE_KERNEL_OPTION_HEADERS -include opt_global.h -ffreestanding -fno-common -fno-pic -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -D__DragonFly__ -MD -MP -MF foo.d -MT foo.ck $KSYS/dev/foo/foo.c ) 2> foo.err"
}

@test "kcheck: forwarding headers as kern.fwd.mk writes them; the platform's own header wins" {
	run kc
	assert_success
	assert_line "GEN include/machine/cpufunc.h"
	printf '/*\n * CONFIG-GENERATED FILE, DO NOT EDIT\n */\n\n#ifndef _MACHINE_CPUFUNC_H_\n#define _MACHINE_CPUFUNC_H_\n#include <cpu/cpufunc.h>\n#endif\n\n' > "$T/expected"
	cmp "$T/expected" "$KOBJ/include/machine/cpufunc.h"
	printf '/*\n * CONFIG-GENERATED FILE, DO NOT EDIT\n */\n\n#ifndef _ERRNO_H_\n#define _ERRNO_H_\n#include <sys/errno.h>\n#endif\n\n' > "$T/expected"
	cmp "$T/expected" "$KOBJ/include/errno.h"
	# kern_main.c includes <machine/md.h>: the cpu's copy is an #error
	assert_equal "$(cat "$KOBJ/kern_main.ck")" ok
	assert_equal "$(readlink "$KOBJ/machine")" "$KSYS/platform/pcx/include"
}

@test "kcheck: a tree generator of the registry runs like a family, with exact rebuilds" {
	run kc
	assert_success
	assert_line "GEN colors.h"
	assert_line "GEN widget_if.h"
	assert_file_exist "$KOBJ/.dfgen/colors.colors.mk"
	grep -q '^#define	COLOR_GREEN	2$' "$KOBJ/colors.h"
	age_objects
	# a comment: the generator runs, its header keeps its bytes and time,
	# nothing is compiled
	printf '# a comment\n' >> "$KSYS/dev/foo/colors"
	rm -f "$T/cc.log"
	run kc V=2
	assert_success
	assert_line "dfgen: colors.colors: newer:colors"
	refute_line "GEN colors.h"
	assert_equal "$(compiles)" 0
	# a new color: the header changes, its two users are compiled again
	age_objects
	printf 'BLUE\t3\n' >> "$KSYS/dev/foo/colors"
	rm -f "$T/cc.log"
	run kc
	assert_success
	assert_line "GEN colors.h"
	# and nohdr.c, which has no list of the headers it read (a missing
	# one stopped it) and so depends on every generated header
	assert_equal "$(grep '^CC ' <<< "$output" | sort | tr '\n' ' ')" \
	    "CC foo.c CC foo_extra.c CC nohdr.c "
}

@test "kcheck: a second run starts no compiler and no generator" {
	kc
	rm -f "$T/cc.log"
	run kc
	assert_success
	refute_line --partial "CC "
	refute_line --partial "GEN "
	assert_line "kernel-check: KTEST: compiled 6 of 8"
	assert_equal "$(compiles)" 0
}

@test "kcheck: touching a header compiles exactly the files that include it" {
	kc
	age_objects
	rm -f "$T/cc.log"
	touch "$KSYS/sys/kbase.h"
	run kc
	assert_success
	assert_equal "$(grep '^CC ' <<< "$output" | sort | tr '\n' ' ')" "CC foo.c CC kern_main.c "
	assert_equal "$(compiles)" 2
	# a file that failed is compiled again when its source changes
	touch -d "@$(( $(date +%s) - 100 ))" "$KSYS/sys/kbase.h"
	age_objects
	printf '/* edited */\n' >> "$KSYS/dev/broken/broken.c"
	run kc
	assert_equal "$(grep '^CC ' <<< "$output")" "CC broken.c"
}

@test "kcheck: -j2 compiles what -j1 does, and then nothing" {
	run kc -j1
	assert_success
	mv "$T/obj" "$T/obj.j1"
	mkdir "$T/obj"
	run kc -j2
	assert_success
	assert_line "kernel-check: KTEST: compiled 6 of 8"
	local f
	for f in "$T"/obj.j1/kernel-check/KTEST/*.ck; do
		cmp "$f" "$KOBJ/${f##*/}"
	done
	rm -f "$T/cc.log"
	run kc -j2
	assert_equal "$(compiles)" 0
}

@test "kcheck: nothing is written into the tree" {
	kc -j2
	diff -r "$FIXTURES/ktree" "$T/ktree"
	run find "$T/ktree" -newer "$KOBJ/dfgen-kconf.mk"
	assert_output ""
}

# dfgen's own files: the only entry of the copy's files.codegen, in the
# tree where the overlay would put it.
own_file() {
	mkdir -p "$KSYS/dfgen/demo"
	printf '%b' "$1" > "$KSYS/dfgen/demo/demo.c"
	printf 'dfgen/demo/demo.c\t\toptional\tkernel_vm\n' > "$T/dfgen/kconf/files.codegen"
	printf 'options\t\tKERNEL_VM\n' >> "$KSYS/config/KTEST"
}

@test "kcheck: dfgen's own files compile with -Werror, and one warning fails the check" {
	own_file 'int demo(void);\n\nint\ndemo(void)\n{\n\tint unused;\n\n\treturn (0);\n}\n'
	run kc
	assert_failure
	assert_line "warning made an error (1):"
	assert_line --partial "dfgen/demo/demo.c:6:13: error: unused variable 'unused' [-Werror=unused-variable]"
	assert_line "dfgen: 0 of 1 C files dfgen adds or changes compile with -Werror"
	# the tree's files keep compiling without -Werror
	assert_equal "$(cat "$KOBJ/foo.ck")" ok
	age_objects
	sed -i '/unused;/d' "$KSYS/dfgen/demo/demo.c"
	run kc
	assert_success
	assert_line "dfgen: 1 of 1 C files dfgen adds or changes compile with -Werror"
}

@test "kcheck: KCHECK_ONLY=own compiles only dfgen's own files" {
	own_file 'int demo(void);\n\nint\ndemo(void)\n{\n\treturn (0);\n}\n'
	run kc KCHECK_ONLY=own
	assert_success
	assert_equal "$(grep '^CC ' <<< "$output")" "CC demo.c"
	assert_line "kernel-check: KTEST: compiled 1 of 1"
}

@test "kcheck: without DFLY_SRC kernel-check is skipped with one line" {
	run env -u DFLY_SRC bash -c "cd '$T/dfgen' && MAKEOBJDIR='$T/obj' bmake kernel-check PYTHON='$PYTHON'"
	assert_success
	assert_output --partial "kernel-check: skipped: DFLY_SRC is not set"
	assert_equal "$(grep -c 'kernel-check' <<< "$output")" 1
}

# A files list error: the fixture with conf/files replaced.
files_list() {
	printf '%b' "$1" > "$KSYS/conf/files"
	run dfgen kconf --sys "$KSYS" --files -o "$T/out" "$KSYS/config/KTEST"
}

@test "kcheck: files list errors point at the line and column" {
	files_list 'kern/kern_main.c\tstandard\nkern/a.c\n'
	assert_failure 1
	assert_line "$KSYS/conf/files:2:1: error: no type for 'kern/a.c': expected standard, optional, mandatory or nonoptional"
	files_list 'kern/a.c\tsometimes foo\n'
	assert_line "$KSYS/conf/files:1:10: error: 'kern/a.c' must be standard, optional, mandatory or nonoptional, not 'sometimes'"
	files_list 'kern/a.c\toptional foo compile-with "${NORMAL_C}\n'
	assert_line "$KSYS/conf/files:1:36: error: missing closing \": a string must end on its line"
	files_list 'kern/a.c\toptional no-obj\n'
	assert_line "$KSYS/conf/files:1:1: error: what is 'kern/a.c' optional on?  It names no requirement"
	files_list 'kern/a.c\toptional foo no-implicit-rule\n'
	assert_line "$KSYS/conf/files:1:23: error: 'no-implicit-rule' needs a 'compile-with' rule before it"
	files_list 'kern/a.c\tmandatory bar\n'
	assert_line "$KSYS/conf/files:1:20: error: mandatory device 'bar' is not in the kernel config"
	files_list 'kern/a.c\tstandard\nkern/b.c\toptional foo'
	assert_line "$KSYS/conf/files:2:19: error: the list ends without a newline: config(8) would drop this entry and read no further list"
	assert_file_not_exist "$T/out"
}

@test "kcheck: a configured device no entry names is refused, as config(8) does" {
	printf 'device\t\tgizmo\n' >> "$KSYS/config/KTEST"
	run dfgen kconf --sys "$KSYS" --files -o "$T/out" "$KSYS/config/KTEST"
	assert_failure 1
	assert_line "$KSYS/config/KTEST:15:9: error: device 'gizmo' is unknown: no files list entry names it first"
}

@test "kcheck: devices match case-sensitively, standard entries add pseudo-devices, local lists override" {
	printf 'dev/foo/FOO.c\t\toptional FOO\nkern/std.c\t\tstandard gizmo\nkern/gizmo.c\t\toptional gizmo\n' >> "$KSYS/conf/files"
	printf 'mine/foo_extra.c\tstandard\n' > "$KSYS/config/files.KTEST"
	mkdir -p "$KSYS/mine"
	cp "$KSYS/dev/foo/foo_extra.c" "$KSYS/mine/"
	run kc
	assert_success
	run fragment_words DFGEN_KERNEL_CFILES
	assert_output "kern/kern_main.c
kern/kern_opt.c
dev/foo/foo.c
mine/foo_extra.c
dev/broken/broken.c
dev/nohdr/nohdr.c
kern/std.c
kern/gizmo.c
platform/pcx/pcx/machdep.c"
}

@test "kcheck: a selected file that is not in the tree is a failure like any other" {
	printf 'kern/gone.c\t\tstandard\n' >> "$KSYS/conf/files"
	run kc
	assert_success
	assert_line "kernel-check: KTEST: compiled 6 of 9"
	assert_line "missing source (1):"
	assert_line "  cc1: fatal error: kern/gone.c: No such file or directory"
}

@test "kcheck: a tree generator that fails or writes other files than declared changes nothing" {
	mkdir -p "$T/out"
	printf 'old\n' > "$T/out/colors.h"
	printf 'RED 1 2\n' > "$T/bad"
	run dfgen treegen --script "$KSYS/tools/colors2h.awk" --output colors.h -o "$T/out" "$T/bad"
	assert_failure 1
	assert_line "$T/bad:1: expected NAME VALUE"
	assert_line "$T/bad: error: $KSYS/tools/colors2h.awk exited with status 1"
	run dfgen treegen --script "$KSYS/tools/colors2h.awk" --output hues.h -o "$T/out" "$KSYS/dev/foo/colors"
	assert_failure 1
	assert_line "$KSYS/dev/foo/colors: error: $KSYS/tools/colors2h.awk wrote 'colors.h', which its declaration does not name"
	run dfgen treegen --script "$KSYS/tools/makeobjops.awk" --arg=-h --arg=%i --output %s.h --output %s.c -o "$T/out" "$KSYS/kern/widget_if.m"
	assert_failure 1
	assert_line "$KSYS/kern/widget_if.m: error: $KSYS/tools/makeobjops.awk did not write 'widget_if.c'"
	assert_equal "$(cat "$T/out/colors.h")" old
	run ls "$T/out"
	assert_output "colors.h"
}

@test "kcheck: a real tree's X86_64_GENERIC: 99% compile, a no-op run compiles nothing (DFLY_SRC)" {
	kcheck_require_tree
	run kcheck DFLY_SRC="$DFLY_SRC" KERNCONF=X86_64_GENERIC -j2
	assert_success
	local line n m
	line=$(grep '^kernel-check: X86_64_GENERIC: compiled ' <<< "$output")
	n=$(awk '{print $4}' <<< "$line"); m=$(awk '{print $6}' <<< "$line")
	echo "$line"
	[ $((n * 100)) -ge $((m * 99)) ]
	run kcheck DFLY_SRC="$DFLY_SRC" KERNCONF=X86_64_GENERIC -j2
	assert_success
	refute_line --partial "CC "
	assert_line "$line"
}

@test "kcheck: with the overlay and every codegen option, dfgen's files compile with -Werror (DFLY_SRC)" {
	kcheck_require_tree
	kcheck_overlaid_tree "$T/src"
	kcheck_codegen_config "$T/CODEGEN"
	run kcheck_own "$T/src" "$T/CODEGEN"
	assert_success
	assert_line --regexp "^dfgen: ([0-9]+) of \1 C files dfgen adds or changes compile with -Werror$"
	grep -q '^DFGEN_KERNEL_OPTIONS=.*KERNEL_VM' "$T/obj/kernel-check/CODEGEN/dfgen-kconf.mk"
	# the tree given was not touched
	run dfgen overlay --check "$DFLY_SRC"
	assert_output --partial "not installed"
}
