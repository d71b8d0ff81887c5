#!/usr/bin/env bash
# The ctxsw family: what one probe costs (TSC cycles: the assembly
# probes of ctxsw.def called in a loop, the C probe inlined, beside the
# same loop without them), then dfctx's standard sweep (context-switch
# cost split into the switch, the TLB refill and the cache reload, for
# threads and for processes, its model and plot) run twice, to show how
# far two runs agree.  Figures only: nothing fails on a time.
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
