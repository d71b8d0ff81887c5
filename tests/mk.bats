#!/usr/bin/env bats
# The build hook (mk/dfgen.mk) under bmake: exact incremental rebuilds,
# write-if-changed, -j safety, failure atomicity, object directories, and
# a no-op run that starts no generator.  Each test works on its own copy
# of dfgen, so editing a template or a generator module is safe.

load lib/common

setup() {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/bin" "$T/proj/defs"
	copy_dfgen "$T/dfgen"
	logging_wrapper "$T/bin/python" "$PYTHON" "$T/python.log"
	export PYTHON_WRAPPED=$T/bin/python
	for n in alpha beta gamma delta; do
		cat > "$T/proj/defs/$n.def" <<-DEF
		include "common.def";
		const ${n^^}_SIZE = BASE * 2;
		enum $n { ONE; TWO; THREE; }
		DEF
	done
	printf 'const BASE = 512;\n' > "$T/proj/defs/common.def"
	# A consumer: a Makefile that names definitions, includes the hook,
	# and builds an object from a generated header and source.
	{
		printf 'DFGEN_DEFS.consts=\tdefs/alpha.def defs/beta.def defs/gamma.def defs/delta.def\n'
		printf 'all: user.o\n'
		printf '.include "${DFGEN_HOME}/mk/dfgen.mk"\n'
		printf 'user.o: ${.CURDIR}/user.c alpha.h alpha_names.c\n'
		printf '\t@echo CC user.o\n'
		printf '\t@cc %s -I${DFGEN_HOME}/sys-overlays/sys -I. -c -o user.o ${.CURDIR}/user.c\n' "$CWARN"
	} > "$T/proj/Makefile"
	cat > "$T/proj/user.c" <<-'C'
	#include "alpha_names.c"
	int alpha_size(void);
	int alpha_size(void) { return (ALPHA_SIZE + ALPHA_THREE); }
	C
	mkdir -p "$T/obj"
	# Inputs are old: what a test changes later is newer than any record.
	find "$T/dfgen" "$T/proj" -exec touch -d "@$(( $(date +%s) - 100 ))" {} +
}

# mk [make args...]: bmake in the consumer project, objects in $T/obj.
mk() {
	(cd "$T/proj" && MAKEOBJDIR=$T/obj PYTHON=$PYTHON_WRAPPED \
	    DFGEN_HOME=$T/dfgen bmake "$@")
}

starts() {
	if [ -f "$T/python.log" ]; then wc -l < "$T/python.log"; else echo 0; fi
}

@test "mk: a cold generate prints a GEN line per file and a summary" {
	run mk generate
	assert_success
	for n in alpha beta gamma delta; do
		assert_line "GEN $n.h"
		assert_line "GEN ${n}_names.c"
		assert_file_exist "$T/obj/$n.h"
	done
	assert_line "dfgen: 4 of 4 definition files generated in $T/obj"
	assert_file_not_exist "$T/proj/alpha.h"
}

@test "mk: a no-op generate starts no Python process" {
	mk generate
	rm -f "$T/python.log"
	run mk generate
	assert_success
	assert_output "dfgen: all 8 files up to date in $T/obj"
	assert_equal "$(starts)" 0
}

@test "mk: editing a template rewrites exactly the outputs made from it" {
	mk all
	age "$T"/obj/* "$T"/obj/.dfgen/*
	local h c o
	h=$(mtime "$T/obj/alpha.h"); c=$(mtime "$T/obj/alpha_names.c")
	printf '/* checked */\n' >> "$T/dfgen/templates/consts/names.c.j2"
	run mk all
	assert_success
	for n in alpha beta gamma delta; do
		assert_line "GEN ${n}_names.c"
		refute_line "GEN $n.h"
	done
	assert_line "CC user.o"
	assert_equal "$(mtime "$T/obj/alpha.h")" "$h"
	[ "$(mtime "$T/obj/alpha_names.c")" != "$c" ]
	grep -q 'checked' "$T/obj/alpha_names.c"
}

@test "mk: a regeneration with identical content rebuilds nothing downstream" {
	mk all
	age "$T"/obj/* "$T"/obj/.dfgen/*
	local h o
	h=$(mtime "$T/obj/alpha.h"); o=$(mtime "$T/obj/user.o")
	touch "$T/dfgen/templates/consts/consts.h.j2"
	# Edited a second before the run, as a person would: a record is
	# dated before its run's second (see output.py).
	age "$T/dfgen/templates/consts/consts.h.j2"
	rm -f "$T/python.log"
	run mk all
	assert_success
	refute_line --partial "GEN"
	refute_line "CC user.o"
	assert_equal "$(starts)" 4
	assert_equal "$(mtime "$T/obj/alpha.h")" "$h"
	assert_equal "$(mtime "$T/obj/user.o")" "$o"
	# and the next run is a no-op again
	rm -f "$T/python.log"
	mk all
	assert_equal "$(starts)" 0
}

@test "mk: editing a definition regenerates that unit only" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	rm -f "$T/python.log"
	printf 'const EXTRA = 1;\n' >> "$T/proj/defs/gamma.def"
	run mk generate
	assert_success
	assert_output "GEN gamma.h
dfgen: 1 of 4 definition files generated in $T/obj"
	assert_equal "$(starts)" 1
}

@test "mk: editing an included file regenerates every unit that includes it" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	printf 'const BASE = 1024;\n' > "$T/proj/defs/common.def"
	run mk generate
	assert_success
	for n in alpha beta gamma delta; do
		assert_line "GEN $n.h"
	done
	grep -q '2048' "$T/obj/delta.h"
}

@test "mk: editing a generator module reruns the units that loaded it" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	rm -f "$T/python.log"
	printf '\n' >> "$T/dfgen/generators/dfgen_core/lexer.py"
	run mk generate
	assert_success
	assert_equal "$(starts)" 4
	assert_line "dfgen: 4 of 4 definition files generated in $T/obj"
}

@test "mk: an include removed along with its file reruns the unit without a make error" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	for n in alpha beta gamma delta; do
		sed -i 's/include "common.def";/const BASE = 512;/' "$T/proj/defs/$n.def"
	done
	age "$T"/proj/defs/*.def
	rm "$T/proj/defs/common.def"
	run mk generate
	assert_success
	assert_line "dfgen: 4 of 4 definition files generated in $T/obj"
}

@test "mk: a deleted output is generated again" {
	mk generate
	rm "$T/obj/beta_names.c"
	run mk generate
	assert_success
	assert_output "GEN beta_names.c
dfgen: 1 of 4 definition files generated in $T/obj"
}

@test "mk: a changed generator command reruns the unit" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	rm -f "$T/python.log"
	run mk generate DFGEN_FLAGS.consts="-I $T/proj"
	assert_success
	assert_equal "$(starts)" 4
	rm -f "$T/python.log"
	mk generate DFGEN_FLAGS.consts="-I $T/proj"
	assert_equal "$(starts)" 0
}

@test "mk: a failing generator leaves every output untouched and make fails" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	cp -a "$T/obj" "$T/obj.before"
	printf 'enum broken {\n' >> "$T/proj/defs/beta.def"
	run mk generate
	assert_failure
	assert_line "$T/proj/defs/beta.def:4:13: error: unterminated block: this '{' has no matching '}'"
	diff -r "$T/obj.before" "$T/obj"
	local f
	for f in "$T"/obj/* "$T"/obj/.dfgen/*; do
		assert_equal "$(mtime "$f")" "$(mtime "$T/obj.before/${f#$T/obj/}")"
	done
	# Fixed, it regenerates, and only the broken unit runs.
	sed -i '$d' "$T/proj/defs/beta.def"
	rm -f "$T/python.log"
	run mk generate
	assert_success
	assert_equal "$(starts)" 1
}

@test "mk: -j2 writes the same bytes as -j1" {
	run mk -j1 generate
	assert_success
	mv "$T/obj" "$T/obj.j1"
	mkdir "$T/obj"
	run mk -j2 generate
	assert_success
	diff -r -x .dfgen "$T/obj.j1" "$T/obj"
	rm -f "$T/python.log"
	mk -j2 generate
	assert_equal "$(starts)" 0
}

@test "mk: V=1 shows the generator commands, the default does not" {
	run mk generate
	refute_line --partial "dfgen/generators/dfgen consts"
	rm -rf "$T/obj"/* "$T/obj/.dfgen"
	run mk generate V=1
	assert_success
	assert_line --partial "$T/dfgen/generators/dfgen consts -o $T/obj $T/proj/defs/alpha.def -v --record $T/obj/.dfgen/consts.alpha.mk"
}

@test "mk: V=2 says why a unit runs" {
	mk generate
	age "$T"/obj/* "$T"/obj/.dfgen/*
	rm "$T/obj/alpha.h"
	touch "$T/proj/defs/beta.def"
	run mk generate V=2
	assert_success
	assert_line "dfgen: consts.alpha: missing:alpha.h"
	assert_line "dfgen: consts.beta: newer:beta.def"
	run mk generate V=2 DFGEN_FLAGS.consts=-I.
	assert_line "dfgen: consts.gamma: changed:command"
}

@test "mk: clean-generated removes the outputs and the records" {
	mk generate
	run mk clean-generated
	assert_success
	run ls -A "$T/obj/.dfgen"
	assert_output ""
	assert_file_not_exist "$T/obj/alpha.h"
}

@test "mk: beforedepend is hooked to generate" {
	run mk beforedepend
	assert_success
	assert_file_exist "$T/obj/delta_names.c"
}

@test "mk: two definition files with one name are refused" {
	mkdir -p "$T/proj/other"
	cp "$T/proj/defs/alpha.def" "$T/proj/other/alpha.def"
	run mk generate DFGEN_DEFS.consts="defs/alpha.def other/alpha.def"
	assert_failure
	assert_output --partial "have the same name"
}

@test "mk: dfgen's own Makefile writes to obj/ or to MAKEOBJDIR" {
	cd "$T/dfgen"
	# Every file as fresh as in a clone just made, written half a second
	# into the second before the one the first run starts in (or
	# earlier, if the run starts late).
	find . -type f -exec touch -d "@$(( $(date +%s) - 1 )).5" {} +
	run env PYTHON="$PYTHON" bmake generate
	assert_success
	assert_line "GEN hammer2_consts.h"
	assert_file_exist "$T/dfgen/obj/hammer2_consts.h"
	# Every generated line fits 80 columns, as style(9) has it.
	run bash -c "expand '$T/dfgen/obj/'*.[ch] | awk 'length > 80'"
	assert_output ""
	# The second run starts no Python (the kconf check agrees with make
	# about files written just before the first run).
	rm -f "$T/python.log"
	run env PYTHON="$T/bin/python" bmake generate
	assert_output "dfgen: all 32 files up to date in $T/dfgen/obj"
	assert_equal "$(starts)" 0
	run env PYTHON="$PYTHON" MAKEOBJDIR=out bmake generate
	assert_success
	assert_file_exist "$T/dfgen/out/hammer2_consts_names.c"
	run env PYTHON="$PYTHON" MAKEOBJDIR="$T/abs" bmake generate
	assert_success
	assert_file_exist "$T/abs/hammer2_consts.h"
}

# A consumer whose kernel config chooses the families: 'gated' is the
# consts generator registered a second time, behind options KERNEL_VM.
kernconf_project() {
	printf 'enum vmop { LD; ST; }\n' > "$T/proj/defs/vmops.def"
	printf 'platform\tpc64\nmachine\t\tx86_64\nmachine_arch\tx86_64\nident\t\tK\n%b' "$1" \
	    > "$T/proj/K"
	{
		printf 'DFGEN_FAMILIES=\tgated\n'
		printf 'DFGEN_OPTION.gated=\tKERNEL_VM\n'
		printf 'DFGEN_COMMAND.gated=\tconsts\n'
		printf 'DFGEN_DEFS.gated=\tdefs/vmops.def\n'
		printf 'DFGEN_DEFS.consts=\tdefs/alpha.def\n'
		printf 'DFGEN_KERNCONF=\t${.CURDIR}/K\n'
		printf '.include "${DFGEN_HOME}/mk/dfgen.mk"\n'
	} > "$T/proj/Makefile"
	# Written a moment before the next make, and after what it last did.
	local now
	now=$(date +%s)
	touch -d "@$((now - 2))" "$T/proj/K" "$T/proj/Makefile" "$T/proj/defs/vmops.def"
	[ ! -d "$T/obj/.dfgen" ] || find "$T/obj/.dfgen" -type f -exec touch -d "@$((now - 4))" {} +
}

@test "mk: the kernel config's options choose the families" {
	kernconf_project 'options\t\tKERNEL_VM\n'
	run mk generate
	assert_success
	assert_line "GEN vmops.h"
	assert_line "GEN alpha.h"
	assert_line "GEN opt_kernel_vm.h"
	assert_equal "$(cat "$T/obj/opt_kernel_vm.h")" "#define KERNEL_VM 1"
	rm -f "$T/python.log"
	run mk generate
	assert_output "dfgen: all 4 files up to date in $T/obj"
	assert_equal "$(starts)" 0
	# Switched off, the family's outputs are no longer part of the build.
	kernconf_project ''
	run mk generate
	assert_success
	assert_line "GEN opt_kernel_vm.h"
	assert_line "dfgen: all 2 files up to date in $T/obj"
	run mk -V '${DFGEN_ENABLED}'
	assert_equal "$(echo $output)" consts
}

@test "mk: a bad kernel config stops make with the config's position" {
	kernconf_project 'options\t\tKERNEL_VN\n'
	run mk generate
	assert_failure
	assert_line "$T/proj/K:5:10: error: unknown option 'KERNEL_VN'; did you mean 'KERNEL_VM'?"
	assert_line --partial "dfgen: kconf failed on $T/proj/K"
	assert_file_not_exist "$T/obj/vmops.h"
}

@test "mk: the hook works under DragonFly's own sys.mk (DFLY_SRC)" {
	[ -n "${DFLY_SRC:-}" ] || skip "DFLY_SRC is not set to a DragonFly source tree"
	[ -f "$DFLY_SRC/share/mk/sys.mk" ] || skip "DFLY_SRC has no share/mk"
	run mk -m "$DFLY_SRC/share/mk" all
	assert_success
	assert_line "GEN alpha.h"
	assert_line "CC user.o"
	rm -f "$T/python.log"
	run mk -m "$DFLY_SRC/share/mk" all
	assert_success
	refute_line --partial "GEN"
	assert_equal "$(starts)" 0
}

@test "mk: an edit in the same second as the last run is not missed" {
	mk generate
	# No sleep: make's mtimes are whole seconds, and this edit very
	# likely falls in the second the run started in.
	printf 'const SAME_SECOND = 1;\n' >> "$T/proj/defs/gamma.def"
	run mk generate
	assert_success
	assert_line "GEN gamma.h"
	grep -q SAME_SECOND "$T/obj/gamma.h"
}
