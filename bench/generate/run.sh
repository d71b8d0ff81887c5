#!/usr/bin/env bash
# Wall time of `bmake generate`: cold (empty object directory) and no-op
# (everything up to date), each beside the machine's `true` and an empty
# bmake run as baselines measured in the same run.  Median of N runs.
#
#   bash bench/generate/run.sh [N]      (default N=15)
set -eu

N=${1:-15}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHON
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$TOP" && tar cf - --exclude=__pycache__ --exclude=obj \
    Makefile mk generators templates kconf sys-overlays) | tar xf - -C "$work"
cd "$work"
printf 'all:\n' > empty.mk

now_ns() {
	date +%s%N
}

# median_ms SETUP COMMAND: run SETUP untimed, then time COMMAND; N times.
median_ms() {
	local setup=$1 cmd=$2 i t0 t1
	for ((i = 0; i < N; i++)); do
		eval "$setup"
		t0=$(now_ns)
		eval "$cmd" >/dev/null
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END {
	    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%.2f\n", m / 1000 }'
}

base_true=$(median_ms : true)
base_bmake=$(median_ms : "bmake -f empty.mk -r")
cold=$(median_ms "rm -rf obj" "bmake generate")
noop=$(median_ms : "bmake generate")

printf '%-34s %10s %12s\n' "what (median of $N)" "ms" "x true"
row() {
	printf '%-34s %10s %12s\n' "$1" "$2" \
	    "$(awk -v a="$2" -v b="$base_true" 'BEGIN { printf "%.1f", a / b }')"
}
row "baseline: true" "$base_true"
row "baseline: bmake, empty makefile" "$base_bmake"
row "bmake generate, cold" "$cold"
row "bmake generate, no-op" "$noop"
awk -v n="$noop" 'BEGIN { printf "goal: no-op <= 50 ms: %s\n",
    (n <= 50) ? "met" : "not met" }'
