#!/usr/bin/env bash
# The scheduling simulator (sys-overlays/sys/dfgen/sched/dfsched_sim.c)
# over every shipped policy and workload: a table of what each thread
# kind got (CPU share, wake-up latency), context switches and moves
# between CPUs, the simulator's own speed in scheduling decisions a
# second, and a plot of the latencies (gnuplot).  Deterministic but for
# the speed.
#
#   bash bench/schedsim/run.sh [OUTDIR [TICKS [SEED]]]
#	(defaults /tmp/schedsim, 100000 ticks, seed 7)
set -eu

OUTDIR=${1:-/tmp/schedsim}
TICKS=${2:-100000}
SEED=${3:-7}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
RT=$TOP/sys-overlays/sys/dfgen/sched
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$OUTDIR"
"$PYTHON" "$TOP/generators/dfgen" sched -o "$work" "$RT/policies.def"
cc -std=c11 -O2 -Wall -Wextra -Werror -I"$TOP/sys-overlays/sys" \
    -I"$work" -o "$work/sim" "$RT/dfsched_sim.c" "$RT/dfsched.c" \
    "$work/policies_tables.c"

policies="rr bsd4 eevdf"
workloads="cpu interactive mixed bursty manycore"
echo "seed $SEED, $TICKS ticks; shares are of one CPU; latency in ticks"
printf '%-6s %-12s %-13s %-24s %-22s %9s %6s %12s\n' policy workload \
    "cpu share" "woken share, each kind" "latency p50/p99/max" \
    switches moves "decisions/s"
: > "$OUTDIR/schedsim.dat"
for w in $workloads; do
	for p in $policies; do
		"$work/sim" "$p" "$w" "$SEED" "$TICKS" > "$work/out" \
		    2> "$work/err"
		rate=$(sed -n 's/.*: \([0-9]*\) a second$/\1/p' "$work/err")
		awk -v p="$p" -v w="$w" -v rate="$rate" -v dat="$OUTDIR/schedsim.dat" '
		    function field(f,   a) { split(f, a, "="); return a[2] }
		    /^thread/ {
			s = field($4)
			if ($3 == "cpu") {
				if (cmin == "" || s < cmin) cmin = s
				if (s > cmax) cmax = s
			} else {
				k[$3] = 1
				if (!($3 in smin) || s < smin[$3]) smin[$3] = s
				if (s > smax[$3]) smax[$3] = s
				if (field($7) > p50) p50 = field($7)
				if (field($8) > p99) p99 = field($8)
				if (field($9) > mx) mx = field($9)
			}
		    }
		    /^policy/ { sw = field($5); mv = field($7) }
		    END {
			c = cmin == "" ? "-" : sprintf("%.3f-%.3f", cmin, cmax)
			o = ""
			for (n in k)
				o = o sprintf("%s %.3f-%.3f", n, smin[n], smax[n])
			if (o == "") o = "-"
			l = o == "-" ? "-" : sprintf("%d / %d / %d", p50, p99, mx)
			printf "%-6s %-12s %-13s %-24s %-22s %9d %6d %12d\n",
			    p, w, c, o, l, sw, mv, rate
			if (o != "-")
				printf "%s %s %d %d\n", w, p, p99, mx >> dat
		    }' "$work/out"
	done
done

# The plot: the worst thread's p99 wake-up latency under each policy,
# per workload that has sleepers (a p99 of 0 is drawn at 0.6: log scale).
if command -v gnuplot >/dev/null; then
	cat > "$OUTDIR/schedsim.gp" <<GP
set terminal svg size 900,420 dynamic font "sans,11"
set output "$OUTDIR/schedsim.svg"
set title "p99 wake-up latency of the worst thread, by policy (seed $SEED, $TICKS ticks)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "ticks"
set logscale y
set yrange [0.5:*]
set key top left
set xtics nomirror
plot for [p in "rr bsd4 eevdf"] "< awk -v p=" . p . " '\$2 == p' $OUTDIR/schedsim.dat" \
    using (\$3 > 0 ? \$3 : 0.6):xtic(1) title p
GP
	gnuplot "$OUTDIR/schedsim.gp"
	echo "plot: $OUTDIR/schedsim.svg"
else
	echo "plot: skipped: no gnuplot (run bootstrap.sh)"
fi
