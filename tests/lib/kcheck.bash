# The kernel build check (bmake kernel-check) for BATS suites: load with
# `load lib/kcheck` after lib/common.  A family's suite checks that its
# kernel code compiles inside a real DragonFly kernel, -Werror and the
# kernel's warning flags included, with
#
#	@test "vm: the kernel runtime compiles in a DragonFly kernel" {
#		kcheck_require_tree
#		kcheck_overlaid_tree "$BATS_TEST_TMPDIR/src"
#		kcheck_codegen_config "$BATS_TEST_TMPDIR/CODEGEN"
#		run kcheck_own "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/CODEGEN"
#		assert_success
#	}
#
# DFLY_SRC names the top of a DragonFly source tree (with sys/); without
# it the test is skipped with a one-line reason.

# Skip unless DFLY_SRC names a DragonFly source tree.
kcheck_require_tree() {
	[ -n "${DFLY_SRC:-}" ] ||
	    skip "DFLY_SRC is not set: no DragonFly source tree to compile against"
	[ -f "$DFLY_SRC/sys/conf/files" ] ||
	    skip "DFLY_SRC=$DFLY_SRC has no sys/conf/files"
}

# kcheck_overlaid_tree DIR: a copy of $DFLY_SRC at DIR with the overlay of
# this dfgen applied (the original tree is never written).
kcheck_overlaid_tree() {
	local dir=$1
	rm -rf "$dir"
	cp -a "$DFLY_SRC" "$dir"
	dfgen overlay "$dir" >/dev/null
}

# kcheck_codegen_config FILE [CONFIG]: a kernel config at FILE: CONFIG of
# $DFLY_SRC/sys/config (default X86_64_GENERIC) with every codegen option.
kcheck_codegen_config() {
	local file=$1 base=${2:-X86_64_GENERIC}
	{
		sed 's/^ident[[:space:]].*/ident\t\tCODEGEN_CHECK/' \
		    "$DFLY_SRC/sys/config/$base"
		printf '\n# dfgen: every family\n'
		local o
		for o in CODEGEN_STRUCTS ASYNC_SYSCALLS KERNEL_VM XIO_WRAPPERS \
		    SCHED_TABLES ALLOC_TABLES CTXSW_PROBES; do
			printf 'options\t\t%s\n' "$o"
		done
	} > "$file"
}

# kcheck [make args...]: bmake kernel-check with this dfgen, its objects
# under $BATS_TEST_TMPDIR/obj.
kcheck() {
	(cd "$DFGEN_TOP" && LC_ALL=C MAKEOBJDIR="$BATS_TEST_TMPDIR/obj" \
	    bmake kernel-check PYTHON="$PYTHON" "$@")
}

# kcheck_own TREE CONFIG: compile only the C files dfgen adds or changes
# (files.codegen, sys-overlays/, the families' generated sources), with
# -Werror, in TREE for the kernel config CONFIG (a path); fails when one
# of them does not compile.
kcheck_own() {
	kcheck DFLY_SRC="$1" KERNCONF="$2" KCHECK_ONLY=own
}

# kcheck_units TREE CONFIG UNIT...: compile the named units of the tree
# (C files and assembly files) after a kcheck run made the object
# directory; their stamps say ok or failed.
kcheck_units() {
	local tree=$1 conf=$2
	shift 2
	(cd "$DFGEN_TOP" && LC_ALL=C bmake -f mk/kernel-check.mk \
	    PYTHON="$PYTHON" DFLY_SRC="$tree" KERNCONF="$conf" \
	    KCHECK_OBJDIR="$BATS_TEST_TMPDIR/obj/kernel-check/${conf##*/}" \
	    "${@/%/.ck}")
}
