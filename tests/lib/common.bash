# Shared helpers for dfgen's BATS suites: load with `load lib/common`.

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

DFGEN_TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
FIXTURES=$DFGEN_TOP/tests/fixtures
GOLDEN=$DFGEN_TOP/tests/golden
# C flags every generated or runtime C file must compile with.
CWARN="-Wall -Wextra -Werror -std=c11"
export DFGEN_TOP PYTHON FIXTURES GOLDEN CWARN

# Run the dfgen command line.
dfgen() {
	"$PYTHON" "$DFGEN_TOP/generators/dfgen" "$@"
}

# Compare a file with its golden copy under tests/golden (diff -u on a
# mismatch).  UPDATE_GOLDEN=1 rewrites the golden copy instead: read the
# diff before committing it.
assert_golden() {
	local actual=$1 golden=$GOLDEN/$2
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$(dirname "$golden")"
		cp "$actual" "$golden"
		return 0
	fi
	[ -f "$golden" ] || fail "no golden file $golden (run with UPDATE_GOLDEN=1)"
	diff -u "$golden" "$actual" || fail "$actual differs from $golden"
}

# Compile C for the host, warnings as errors: cc_host OUT SRC... [FLAGS]
cc_host() {
	local out=$1; shift
	cc $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -o "$out" "$@"
}

# The same for 32-bit x86 (gcc-multilib).
cc_m32() {
	local out=$1; shift
	cc -m32 $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -o "$out" "$@"
}

# Skip unless 32-bit programs can be built and run here.
require_m32() {
	printf 'int main(void) { return 0; }\n' > "$BATS_TEST_TMPDIR/m32.c"
	cc -m32 -o "$BATS_TEST_TMPDIR/m32" "$BATS_TEST_TMPDIR/m32.c" \
	    2>/dev/null && "$BATS_TEST_TMPDIR/m32" ||
	    skip "no 32-bit toolchain (install gcc-multilib)"
}

# Modification time in seconds since the epoch, with nanoseconds.
mtime() {
	stat -c %.9Y "$1"
}

# Move a file's mtime back by two seconds: make's times have one-second
# resolution, so a test that compares mtimes must not race the clock.
age() {
	local f
	for f in "$@"; do
		touch -d "@$(( $(stat -c %Y "$f") - 2 ))" "$f"
	done
}

# A copy of dfgen's tree in DEST, as a clone has it (no caches, no
# mk/local.mk), for tests that edit templates, modules or the registry.
copy_dfgen() {
	mkdir -p "$1"
	(cd "$DFGEN_TOP" && tar cf - --exclude=__pycache__ --exclude=mk/local.mk \
	    Makefile mk generators templates kconf sys-overlays) | tar xf - -C "$1"
}

# logging_wrapper PATH PROGRAM LOG: a program at PATH that appends its
# arguments to LOG and runs PROGRAM, to prove what a run did not start.
logging_wrapper() {
	printf '#!/bin/sh\necho "$*" >> "%s"\nexec "%s" "$@"\n' "$3" "$2" > "$1"
	chmod +x "$1"
}
