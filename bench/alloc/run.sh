#!/usr/bin/env bash
# The alloc family: the four behaviours of issue ALLOC_TABLES and two
# real programs (libdfalloc after one profiling run), through
# LD_PRELOAD, for the C library's malloc, each of
# jemalloc, mimalloc and tcmalloc that is installed (bootstrap.sh
# installs them from apt), and libdfalloc: profiling (its overhead),
# then dispatching from the profile that run wrote (each workload is
# its own program, so its own profile), and in each behaviour of
# dfalloc.def seeded with DFALLOC_BEHAVIOUR; then the floors of churn
# and bulk (floors.c) beside mimalloc.  Figures only: nothing fails on a
# time.
#
#   bash bench/alloc/run.sh	(ALLOC_BENCH_LIVE: objects of 'random',
#				default 1000000)
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
LIBDIR=$TOP/sys-overlays/lib/libdfalloc
LIVE=${ALLOC_BENCH_LIVE:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" "$TOP/generators/dfgen" alloc -o "$work" \
    "$TOP/sys-overlays/sys/dfgen/alloc/dfalloc.def"
"$PYTHON" "$TOP/generators/dfgen" structs -o "$work" \
    "$LIBDIR/dfalloc_profile.def"
cc -O2 -Wall -Wextra -Werror -std=c11 -fPIC -shared -I"$TOP/sys-overlays/sys" \
    -I"$work" -I"$LIBDIR" -o "$work/libdfalloc.so" "$LIBDIR"/dfa_*.c \
    "$work/dfalloc_tables.c" "$work/dfalloc_profile.c" \
    "$TOP/sys-overlays/sys/dfgen/structs/dfstruct.c" -ldl -lpthread
cc -O2 -Wall -Wextra -Werror -std=c11 -o "$work/behaviours" \
    "$TOP/bench/alloc/behaviours.c" -lpthread

# name=library, for the allocators found here.
found() {
	ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n { print $NF; exit }'
}
allocs="glibc="
for pair in jemalloc:libjemalloc.so.2 mimalloc:libmimalloc.so.2 \
    tcmalloc:libtcmalloc_minimal.so.4; do
	lib=$(found "${pair#*:}")
	if [ -n "$lib" ]; then
		allocs="$allocs ${pair%%:*}=$lib"
	else
		echo "(${pair%%:*}: not installed, skipped)"
	fi
done
allocs="$allocs dfalloc=$work/libdfalloc.so"

# run ALLOCATOR CMD...: CMD with ALLOCATOR's library preloaded.
run() {
	local lib=${1#*=}
	shift
	if [ -n "$lib" ]; then
		LD_PRELOAD=$lib "$@"
	else
		"$@"
	fi
}

echo "ns per malloc+free pair (lower is better).  dfa:profiling is"
echo "libdfalloc counting; dfa:profiled dispatches from that run's profile"
echo "(the behaviour it chose in brackets); dfa:B is behaviour B, seeded"
behaviours="general private churn shared bulk never_free"
mkdir "$work/profiles"
printf '%-9s' workload
for a in $allocs; do
	[ "${a%%=*}" = dfalloc ] || printf '%10s' "${a%%=*}"
done
printf '%15s%24s' dfa:profiling dfa:profiled
for d in $behaviours; do printf '%15s' "dfa:$d"; done
echo
for b in churn bulk random xthread; do
	printf '%-9s' "$b"
	for a in $allocs; do
		[ "${a%%=*}" = dfalloc ] && continue
		run "$a" "$work/behaviours" $b "$LIVE" > "$work/out"
		printf '%10s' "$(cut -d' ' -f2 "$work/out")"
	done
	cp "$work/behaviours" "$work/$b"
	DFALLOC_DIR=$work/profiles DFALLOC_MODE=profile \
	    LD_PRELOAD=$work/libdfalloc.so "$work/$b" $b "$LIVE" > "$work/out"
	printf '%15s' "$(cut -d' ' -f2 "$work/out")"
	DFALLOC_DIR=$work/profiles DFALLOC_EXPLAIN=1 \
	    LD_PRELOAD=$work/libdfalloc.so "$work/$b" $b "$LIVE" \
	    > "$work/out" 2> "$work/why"
	printf '%24s' "$(cut -d' ' -f2 "$work/out") [$(sed -n \
	    's/.*behaviour //p' "$work/why")]"
	for d in $behaviours; do
		DFALLOC_BEHAVIOUR=$d LD_PRELOAD=$work/libdfalloc.so \
		    "$work/behaviours" $b "$LIVE" > "$work/out"
		printf '%15s' "$(cut -d' ' -f2 "$work/out")"
	done
	echo
done

# The floors (floors.c): what no preloaded malloc can beat on churn and
# bulk, beside mimalloc's figure again from this run.
for f in LIFO BUMP; do
	cc -O2 -Wall -Wextra -Werror -std=c11 -fPIC -shared -DFLOOR_$f \
	    -o "$work/floor_$f.so" "$TOP/bench/alloc/floors.c"
done
mi=$(found libmimalloc.so.2)
echo
echo "floors, ns per pair: churn with one LIFO list and no size classes,"
echo "bulk with a bump pointer that goes back when nothing is live"
for pair in churn:LIFO bulk:BUMP; do
	b=${pair%%:*}
	printf '%-9s floor %s' "$b" "$(LD_PRELOAD=$work/floor_${pair#*:}.so \
	    "$work/behaviours" $b | cut -d' ' -f2)"
	if [ -n "$mi" ]; then
		printf '   mimalloc %s' "$(LD_PRELOAD=$mi "$work/behaviours" $b |
		    cut -d' ' -f2)"
	fi
	echo
done

awk 'BEGIN { for (i = 0; i < 1000000; i++)
    printf "%d line %d\n", (i * 7919) % 1000003, i }' > "$work/big.txt"
printf 'import json\nprint(len(json.dumps([list(range(i)) for i in range(3000)])))\n' \
    > "$work/prog.py"
# dfalloc runs each program once profiling, then dispatching from that
# profile; /usr/bin/time runs it through env, so that only the program
# is preloaded and the profiles under DFALLOC_DIR are the program's.
mkdir "$work/real"
echo
echo "real programs: wall seconds, peak RSS KiB (dfalloc: after one"
echo "profiling run, the behaviour it chose in brackets)"
for prog in "sort $work/big.txt" "$PYTHON $work/prog.py"; do
	printf '%s\n' "${prog%% *}"
	for a in $allocs; do
		if [ "${a%%=*}" = dfalloc ]; then
			DFALLOC_DIR=$work/real DFALLOC_MODE=profile \
			    LD_PRELOAD=${a#*=} $prog > /dev/null
			DFALLOC_DIR=$work/real DFALLOC_EXPLAIN=1 \
			    LD_PRELOAD=${a#*=} $prog 2>&1 > /dev/null |
			    sed -n 's/.*behaviour /[/p' > "$work/why"
			/usr/bin/time -f '%e %M' -o "$work/time" env \
			    DFALLOC_DIR="$work/real" LD_PRELOAD="${a#*=}" \
			    $prog > /dev/null
			printf '  %-10s %s %s]\n' dfalloc "$(cat "$work/time")" \
			    "$(cat "$work/why")"
		else
			run "$a" /usr/bin/time -f '%e %M' -o "$work/time" \
			    $prog > /dev/null
			printf '  %-10s %s\n' "${a%%=*}" "$(cat "$work/time")"
		fi
	done
done
