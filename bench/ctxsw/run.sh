#!/usr/bin/env bash
# The ctxsw family: what one probe costs (TSC cycles: the assembly
# probes of ctxsw.def called in a loop, the C probe inlined, beside the
# same loop without them), then dfctx's standard sweep (context-switch
# cost split into the switch, the TLB refill and the cache reload, for
# threads and for processes, its model and plot) run twice, to show how
# far two consecutive runs agree and how well the model fits each.
# Figures only: nothing fails on a time or an accuracy.
#
#   bash bench/ctxsw/run.sh [OUTDIR]	(default: a temporary directory;
#					dfctx.dat, dfctx.gp, dfctx.svg go there)
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
SYS=$TOP/sys-overlays/sys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work}
mkdir -p "$out"

"$PYTHON" "$TOP/generators/dfgen" ctxsw -o "$work" "$SYS/dfgen/ctxsw/ctxsw.def"
CFLAGS="-O2 -Wall -Wextra -Werror -std=c11 -I$SYS -I$work"

if [ "$(uname -m)" = x86_64 ]; then
	cc $CFLAGS -o "$work/probe_cost" "$TOP/bench/ctxsw/probe_cost.c" \
	    "$TOP/bench/ctxsw/probe_cost.S" "$work/ctxsw_probes.c" \
	    "$SYS/dfgen/ctxsw/dfgen_pmc.c"
	"$work/probe_cost"
else
	echo "probe cost: skipped: the assembly probes are x86_64"
fi

cc $CFLAGS -o "$work/dfctx" "$TOP"/sys-overlays/usr.bin/dfctx/*.c \
    "$work/ctxsw_decode.c" -lm -lpthread
for run in 1 2; do
	echo "-- dfctx, run $run (load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
	"$work/dfctx" -o "$out" | tee "$work/run$run.txt"
done
echo "-- the model against the measured totals (goal: within 10%)"
for run in 1 2; do
	echo "  run $run: $(grep '^fit: ' "$work/run$run.txt")"
done
echo "-- a standard sweep (goal: <= 60 s)"
for run in 1 2; do
	echo "  run $run: $(grep '^dfctx: [0-9]* points in ' "$work/run$run.txt")"
done
# How far the two runs agree, point by point: the total per switch and
# the switch cost (total less the loop alone), in ns.
echo "-- repeatability: run 2 against run 1 (total ns, switch cost ns)"
paste <(awk '$1 ~ /^(direct|tlb|cache)$/ { print $1, $2, $3, $5, $6, $8 }' "$work/run1.txt") \
    <(awk '$1 ~ /^(direct|tlb|cache)$/ { print $6, $8 }' "$work/run2.txt") |
awk 'function pct(a, b) { return (b - a) / (a > 0 ? a : 1) * 100 }
     function abs(x) { return x < 0 ? -x : x }
     { t = pct($5, $7); c = pct($6, $8); n++
	if (abs(t) <= 5) wt++; if (abs(t) > mt) mt = abs(t)
	if (abs(c) <= 5) wc++; if (abs(c) > mc) mc = abs(c)
	printf "  %-6s %-7s %5s pages %6s KiB  total %10.1f %10.1f %+6.1f%%  switch %9.1f %9.1f %+6.1f%%\n", $1, $2, $3, $4, $5, $7, t, $6, $8, c }
     END { printf "  totals: %d of %d points within 5%%, largest difference %.1f%%\n", wt, n, mt
	printf "  switch costs: %d of %d points within 5%%, largest difference %.1f%%\n", wc, n, mc }'
# The machine's own speed drifts (a shared VM): dfctx times a chain of
# integer operations before and after each sweep.  It does not track
# the switch path closely enough to correct the figures with (scaling
# run 2 by it made the agreement worse in 2 of 3 trials); it shows
# whether the machine itself changed between the runs.
ref() {
	awk '/^dfctx: reference loop/ { print ($(NF - 7) + $(NF - 2)) / 2 }' "$1"
}
r1=$(ref "$work/run1.txt")
r2=$(ref "$work/run2.txt")
awk -v r1="$r1" -v r2="$r2" 'BEGIN { printf "-- the machine: reference loop %.1f us in run 1, %.1f us in run 2 (%+.1f%%)\n", r1, r2, (r2 - r1) / r1 * 100 }'
