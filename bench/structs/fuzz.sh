#!/usr/bin/env bash
# Fuzz every decoder generated from hammer2_media.def and ufs1.def under
# ASan and UBSan: tests/fixtures/structs/prog/fuzz_structs.c, a seeded
# random driver (random inputs and mutated valid ones; whatever decodes
# must encode back to the same bytes).  Prints the driver's summary and
# the wall time; fails only on a finding.
#
#   bash bench/structs/fuzz.sh [N [SEED]]	(defaults 10000000 inputs, seed 1)
set -eu

N=${1:-10000000}
SEED=${2:-1}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
STRUCTS=$TOP/sys-overlays/sys/dfgen/structs
CC=${CC:-clang}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for def in ufs1 hammer2_media; do
	"$PYTHON" "$TOP/generators/dfgen" structs "$STRUCTS/$def.def" \
	    -o "$work" >/dev/null
done
san="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"
# shellcheck disable=SC2086
$CC -std=c11 $san -I"$TOP/sys-overlays/sys" -I"$work" -o "$work/fuzz" \
    "$TOP/tests/fixtures/structs/prog/fuzz_structs.c" "$work/ufs1.c" \
    "$work/hammer2_media.c" "$STRUCTS/dfstruct.c"
printf 'fuzz_structs %s inputs, seed %s, %s with ASan+UBSan\n' "$N" "$SEED" "$CC"
start=$(date +%s)
"$work/fuzz" "$N" "$SEED"
printf 'wall time: %d s\n' $(( $(date +%s) - start ))
