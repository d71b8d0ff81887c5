#!/usr/bin/env bats
# dfgen_core/cwrap.py, which folds generated C to 80 columns: a sample
# with every kind of line it treats, against output a person has read,
# and folding twice changes nothing.

load lib/common

cwrap() {
	"$PYTHON" -c 'import sys
sys.path.insert(0, sys.argv[1])
from dfgen_core import cwrap
sys.stdout.write(cwrap.wrap(sys.stdin.read()))' "$DFGEN_TOP/generators"
}

@test "cwrap: statements, prototypes, comments and trailing comments fold to 80 columns" {
	cwrap < "$FIXTURES/cwrap/in.c" > "$BATS_TEST_TMPDIR/out.c"
	assert_golden "$BATS_TEST_TMPDIR/out.c" cwrap/out.c
}

@test "cwrap: folding is idempotent, and what fits is left alone" {
	cwrap < "$FIXTURES/cwrap/in.c" > "$BATS_TEST_TMPDIR/once.c"
	cwrap < "$BATS_TEST_TMPDIR/once.c" > "$BATS_TEST_TMPDIR/twice.c"
	run diff "$BATS_TEST_TMPDIR/once.c" "$BATS_TEST_TMPDIR/twice.c"
	assert_success
	cwrap < "$GOLDEN/consts/hammer2_consts_names.c" > "$BATS_TEST_TMPDIR/same.c"
	run diff "$GOLDEN/consts/hammer2_consts_names.c" "$BATS_TEST_TMPDIR/same.c"
	assert_success
}
