#!/usr/bin/env bash
# libdfthread (SCHED_TABLES' M:N threads) against system threads,
# Boost.Context's fcontext and Boost.Fiber, and Go goroutines, all
# measured in this run: the bare context switch, a yield (through the
# generated policy for libdfthread, one carrier), spawn+join, a
# round trip over two unbuffered channels, and the memory an idle
# thread touches (resident bytes per blocked thread).  Each figure is
# the best of ROUNDS runs; the ratio columns are baseline / libdfthread
# (above 1: libdfthread is faster or smaller).  Boost and Go are
# skipped with a note when not installed.  Figures only: nothing fails
# on a time.
#
# Then an echo server over loopback with CONNS connections (one 64-byte
# message in flight on each, 3 seconds): libdfthread on one carrier (a
# thread per connection, parked in dft_wait_fd), an epoll loop and a
# system thread per connection; round trips per second, best of ROUNDS,
# and the ratio to the epoll loop.
#
#   bash bench/sched/run.sh [N [ROUNDS [POLICY [CONNS]]]]
#	(defaults 1000000 operations, 3 rounds, policy rr, 10000
#	connections; CONNS 0 skips the echo server)
set -eu

N=${1:-1000000}
ROUNDS=${2:-3}
POLICY=${3:-rr}
CONNS=${4:-10000}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
HERE=$TOP/bench/sched
LIB=$TOP/sys-overlays/lib/libdfthread
LIBASYS=$TOP/sys-overlays/lib/libasyncsys
SCHED=$TOP/sys-overlays/sys/dfgen/sched
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" "$TOP/generators/dfgen" sched -o "$work" "$SCHED/policies.def"
"$PYTHON" "$TOP/generators/dfgen" syscalls --host -o "$work" \
    "$LIBASYS/host.master"
m4 -P "$LIB/dft_switch.m4" > "$work/dft_switch.S"
cc -std=c11 -O2 -I"$TOP/sys-overlays/sys" -I"$LIB" -I"$LIBASYS" \
    -I"$work" -o "$work/dft" "$HERE/dft_bench.c" "$LIB"/dft_*.c \
    "$work/dft_switch.S" "$SCHED/dfsched.c" "$work/policies_tables.c" \
    "$LIBASYS/asys.c" "$work/host_async_host.c" -lpthread
cc -std=c11 -O2 -o "$work/pthread" "$HERE/pthread_bench.c" -lpthread
cols="dfthread pthread"
notes=
if ! command -v g++ >/dev/null 2>&1; then
	notes="$notes
boost: skipped: no C++ compiler (apt install g++)"
elif [ ! -e /usr/include/boost/fiber/all.hpp ]; then
	notes="$notes
boost: skipped: Boost.Fiber is not installed (apt install libboost-fiber-dev)"
else
	g++ -std=c++17 -O2 -o "$work/boost" "$HERE/boost_bench.cpp" \
	    -lboost_fiber -lboost_context
	cols="$cols boost"
fi
if command -v go >/dev/null 2>&1; then
	cp "$HERE/go_bench.go" "$work/"
	(cd "$work" && GOCACHE=$work/gocache GO111MODULE=off \
	    go build -o go go_bench.go)
	cols="$cols go"
else
	notes="$notes
go: skipped: Go is not installed (apt install golang-go)"
fi

# One run of each, ROUNDS times, interleaved so that load on the
# machine falls on all alike.  pthreads do a tenth of the operations
# for spawn+join and ping-pong (they cost microseconds).
for r in $(seq "$ROUNDS"); do
	for c in $cols; do
		case $c in
		dfthread) "$work/dft" "$POLICY" "$N" ;;
		pthread) "$work/pthread" "$N" ;;
		boost) "$work/boost" "$N" ;;
		go) "$work/go" "$N" ;;
		esac | sed "s/^/$c /"
	done
done > "$work/raw"

echo "libdfthread ($POLICY, 1 carrier) vs baselines, $N operations, best of $ROUNDS, $(nproc) CPUs"
awk -v cols="$cols" '
	{ k = $1 " " $2; if (!(k in best) || $3 < best[k]) best[k] = $3 }
	END {
		nc = split(cols, c, " ")
		split("switch yield spawn_join pingpong idle_bytes", m, " ")
		goal["switch"] = "<= 5"; goal["yield"] = "<= 25"
		goal["spawn_join"] = "<= 100"; goal["pingpong"] = "-"
		goal["idle_bytes"] = "<= 8192"
		printf "%-12s %10s", "figure", "dfthread"
		for (i = 2; i <= nc; i++)
			printf " %10s %6s", c[i], "ratio"
		printf " %8s\n", "goal"
		for (j = 1; j <= 5; j++) {
			us = best["dfthread " m[j]]
			printf "%-12s %10s", m[j] (m[j] == "idle_bytes" ? "" : " ns"), us
			for (i = 2; i <= nc; i++) {
				b = best[c[i] " " m[j]]
				printf " %10s %6s", b, (us > 0 && b != "") ? sprintf("%.2f", b / us) : "-"
			}
			printf " %8s\n", goal[m[j]]
		}
	}' "$work/raw"
echo "pthread: switch and yield are sched_yield(2) between two threads on one CPU;"
echo "boost: switch is jump_fcontext, the others Boost.Fiber; go: GOMAXPROCS 1, Gosched."
[ -z "$notes" ] || printf '%s\n' "${notes#?}"

[ "$CONNS" -gt 0 ] || exit 0
cc -std=c11 -O2 -I"$TOP/sys-overlays/sys" -I"$LIB" -I"$LIBASYS" \
    -I"$work" -o "$work/echo" "$HERE/echo_bench.c" "$LIB"/dft_*.c \
    "$work/dft_switch.S" "$SCHED/dfsched.c" "$work/policies_tables.c" \
    "$LIBASYS/asys.c" "$work/host_async_host.c" -lpthread
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -le "$CONNS" ]; then
	echo "echo server: skipped: $CONNS connections need more than $(ulimit -n) descriptors (ulimit -n)"
	exit 0
fi
for r in $(seq "$ROUNDS"); do
	for m in dft epoll threads; do
		"$work/echo" "$m" "$CONNS" 3
	done
done > "$work/echo.raw"
echo
echo "echo server over loopback, $CONNS connections, round trips per second, best of $ROUNDS"
awk '{ if ($3 > best[$1]) best[$1] = $3 }
	END {
		printf "%-28s %10s %6s\n", "server", "trips/s", "/epoll"
		printf "%-28s %10d %6.2f\n", "libdfthread, 1 carrier", best["dft"], best["dft"] / best["epoll"]
		printf "%-28s %10d %6.2f\n", "epoll loop, 1 thread", best["epoll"], 1
		printf "%-28s %10d %6.2f\n", "a thread per connection", best["threads"], best["threads"] / best["epoll"]
	}' "$work/echo.raw"
