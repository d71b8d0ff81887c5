#!/usr/bin/env bash
# The ctxsw family: what one probe costs (TSC cycles: the assembly
# probes of ctxsw.def called in a loop, the C probe inlined, beside the
# same loop without them), then dfctx's standard sweep (context-switch
# cost split into the switch, the TLB refill and the cache reload, for
# threads and for processes, its model and plot) run twice, to show how
# far two consecutive runs agree, how well the model fits each, and how
# well the model of one predicts the other.
# Figures only: nothing fails on a time or an accuracy.
#
#   bash bench/ctxsw/run.sh [OUTDIR]	(default: a temporary directory;
#					dfctx.dat, dfctx.gp, dfctx.svg of
#					run 2 go there)
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
# Run 1 writes into the work directory, run 2 (the one plotted) into
# OUTDIR.
mkdir -p "$work/run1"
dir1=$work/run1
dir2=$out
for run in 1 2; do
	eval dir=\$dir$run
	echo "-- dfctx, run $run (load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
	"$work/dfctx" -o "$dir" | tee "$work/run$run.txt"
done
echo "-- the model against the measured totals (goal: within 10%)"
for run in 1 2; do
	echo "  run $run: $(grep '^fit: ' "$work/run$run.txt")"
done
# The model fitted to one run predicting the other's totals: what it
# is worth beyond the points it was fitted to.
echo "-- the model of one run against the other's totals"
mkdir -p "$work/cross"
"$work/dfctx" -r "$dir1/dfctx.dat" -x "$dir2/dfctx.dat" -o "$work/cross" |
    grep '^cross: ' | sed 's/^/  run 1 on run 2: /'
"$work/dfctx" -r "$dir2/dfctx.dat" -x "$dir1/dfctx.dat" -o "$work/cross" |
    grep '^cross: ' | sed 's/^/  run 2 on run 1: /'
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
# The machine's own speed drifts (a shared VM: the host's clock and what
# the other CPUs do).  Two measures of it: the loop alone, measured
# interleaved with every point (its median change over the points of at
# most 64 KiB, where it is system calls and the L1/L2, not memory), and
# a chain of integer operations dfctx times before and after each
# sweep.  Run 2 scaled by the first shows how far the runs agree once
# a change of the whole machine is taken out.
base_of() {
	awk '$1 ~ /^(direct|tlb|cache)$/ && $4 <= 1024 { print $7 }' "$1"
}
speed=$(paste <(base_of "$work/run1.txt") <(base_of "$work/run2.txt") |
    awk '{ print $1 / $2 }' | sort -g |
    awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
ref() {
	awk '/^dfctx: reference loop/ { print ($(NF - 7) + $(NF - 2)) / 2 }' "$1"
}
r1=$(ref "$work/run1.txt")
r2=$(ref "$work/run2.txt")
awk -v r1="$r1" -v r2="$r2" -v s="$speed" 'BEGIN { printf "-- the machine: the loops alone %+.1f%% in run 2; reference loop %.1f us in run 1, %.1f us in run 2 (%+.1f%%)\n", (1 / s - 1) * 100, r1, r2, (r2 - r1) / r1 * 100 }'
paste <(awk '$1 ~ /^(direct|tlb|cache)$/ { print $6 }' "$work/run1.txt") \
    <(awk '$1 ~ /^(direct|tlb|cache)$/ { print $6 }' "$work/run2.txt") |
awk -v s="$speed" 'function abs(x) { return x < 0 ? -x : x }
     { d = abs($2 * s - $1) / $1 * 100; n++; if (d <= 5) w++; if (d > m) m = d }
     END { printf "  run 2 scaled by the loops alone: totals %d of %d points within 5%%, largest difference %.1f%%\n", w, n, m }'
