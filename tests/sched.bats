#!/usr/bin/env bats
# The sched family: generated policy tables (golden, compiled host and
# -m32), every definition error with its exact diagnostic, and the
# simulator's properties of the shipped policies on seeded workloads.

load lib/common
load lib/kcheck

DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/sched/policies.def
RT=$DFGEN_TOP/sys-overlays/sys/dfgen/sched

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

# build_sim [DEF]: the simulator over the tables of DEF (policies.def).
build_sim() {
	dfgen sched -o "$OUT" "${1:-$DEF}"
	cc_host "$OUT/sim" -I"$OUT" "$RT/dfsched_sim.c" "$RT/dfsched.c" \
	    "$OUT/policies_tables.c"
}

# sim POLICY WORKLOAD: run 100000 ticks with seed 7.
sim() {
	"$OUT/sim" "$1" "$2" 7 100000 2>/dev/null
}

@test "sched: policies.def matches its golden output" {
	run dfgen sched -o "$OUT" "$DEF"
	assert_success
	assert_output ""
	assert_golden "$OUT/policies.h" sched/policies.h
	assert_golden "$OUT/policies_tables.c" sched/policies_tables.c
}

@test "sched: tables and runtime compile with -Werror, host and -m32" {
	build_sim
	run "$OUT/sim" rr cpu 1 100
	assert_success
	require_m32
	cc_m32 "$OUT/sim32" -I"$OUT" "$RT/dfsched_sim.c" "$RT/dfsched.c" \
	    "$OUT/policies_tables.c"
	run "$OUT/sim32" eevdf mixed 1 1000
	assert_success
	# The same run gives the same report on both targets.
	cmp <("$OUT/sim" eevdf mixed 3 20000) <("$OUT/sim32" eevdf mixed 3 20000)
}

@test "sched: output is deterministic and written only when changed" {
	dfgen sched -o "$OUT" "$DEF"
	age "$OUT"/*
	before=$(mtime "$OUT/policies.h")
	run dfgen sched -v -o "$OUT" "$DEF"
	assert_success
	assert_output ""
	[ "$(mtime "$OUT/policies.h")" = "$before" ]
}

@test "sched: every definition error gives its exact diagnostic" {
	cd "$DFGEN_TOP"
	local f name
	for f in tests/fixtures/sched/errors/*.def; do
		name=$(basename "$f" .def)
		run dfgen sched -o "$OUT" "$f"
		[ "$status" -eq 1 ] || fail "$name: exit $status, expected 1"
		diff -u "$GOLDEN/sched/errors/$name.err" <(printf '%s\n' "$output") ||
		    fail "$name: diagnostic differs"
	done
	[ ! -e "$OUT" ]
}

@test "sched: simulator runs are the same for the same seed, differ for another" {
	build_sim
	cmp <(sim bsd4 mixed) <(sim bsd4 mixed)
	run cmp <("$OUT/sim" bsd4 mixed 7 20000) <("$OUT/sim" bsd4 mixed 8 20000)
	assert_failure
}

# Every CPU-bound thread of the 'cpu' workload (four equal threads) gets
# 25% of the CPU within 1 percentage point.
@test "sched: equal CPU-bound threads get fair shares under every policy" {
	build_sim
	local p
	for p in rr bsd4 eevdf; do
		sim "$p" cpu | awk -v p="$p" '
		    /^thread/ { split($4, a, "="); n++
			if (a[2] < 0.24 || a[2] > 0.26) bad = bad " " $2 "=" a[2] }
		    END { if (n != 4 || bad != "") { print p ": unfair:" bad; exit 1 } }'
	done
}

# No thread of any workload starves: every one runs at least 1% of the
# time, and every wake-up is served within 100 ticks.
@test "sched: no thread starves under any policy or workload" {
	build_sim
	local p w
	for p in rr bsd4 eevdf; do
		for w in cpu interactive mixed; do
			sim "$p" "$w" | awk -v c="$p/$w" '
			    /^thread/ { split($4, s, "="); split($9, m, "=")
				if (s[2] < 0.01 || m[2] > 100) bad = bad " " $2 }
			    END { if (bad != "") { print c ": starved:" bad; exit 1 } }'
		done
	done
}

# Beside three CPU-bound threads (quantum 10) the interactive ones are
# always woken within the round robin bound, three quanta plus three
# interactive bursts of at most 2 ticks: 36 ticks.  The policies that
# preempt serve 99% of wake-ups much sooner: bsd4 within 16 ticks, eevdf
# within 4; every wake-up of either within 50.
latency_bounded() {
	local p=$1 p99 max
	case $p in
	rr)	p99=36; max=36 ;;
	bsd4)	p99=16; max=50 ;;
	eevdf)	p99=4; max=50 ;;
	esac
	sim "$p" mixed | awk -v p="$p" -v b99="$p99" -v bmax="$max" '
	    /interactive/ { n++; split($8, q, "="); split($9, m, "=")
		if (q[2] > b99 || m[2] > bmax) bad = bad " " $2 "=" q[2] "/" m[2] }
	    END { if (n != 3 || bad != "") { print p ": slow:" bad; exit 1 } }'
}

@test "sched: interactive wake-up latency is bounded in the mixed workload" {
	build_sim
	latency_bounded rr
	latency_bounded bsd4
	latency_bounded eevdf
	# ... and round robin really is slower: its p99 exceeds bsd4's.
	rr=$(sim rr mixed | awk '/interactive/ { split($8, q, "="); print q[2]; exit }')
	bsd=$(sim bsd4 mixed | awk '/interactive/ { split($8, q, "="); print q[2]; exit }')
	[ "$rr" -gt "$bsd" ]
}

@test "sched: the tables drive the policies: a long quantum breaks the bound" {
	build_sim "$FIXTURES/sched/slow/policies.def"
	run latency_bounded rr
	assert_failure
	assert_output --partial "rr: slow:"
	latency_bounded bsd4
}

# Bursts of 20-100 ticks between sleeps of 50-300, beside two CPU-bound
# threads: nobody starves (1% of the CPU, every wake-up within 200
# ticks), and eevdf serves 99% of wake-ups within 5 ticks where round
# robin takes up to a quantum per thread queued ahead.
@test "sched: bursty threads: no starvation, and eevdf wakes them soonest" {
	build_sim
	local p
	for p in rr bsd4 eevdf; do
		sim "$p" bursty | awk -v p="$p" '
		    /^thread/ { split($4, s, "="); split($9, m, "="); n++
			if (s[2] < 0.01 || m[2] > 200) bad = bad " " $2 }
		    END { if (n != 5 || bad != "") { print p ": starved:" bad; exit 1 } }'
	done
	sim eevdf bursty | awk '/bursty/ { split($8, q, "=")
	    if (q[2] > 5) { print "eevdf p99 " q[2]; exit 1 } }'
	rr=$(sim rr bursty | awk '/bursty/ { split($8, q, "="); print q[2]; exit }')
	[ "$rr" -gt 5 ]
}

# Eight CPUs, each with its own queue, sixteen CPU-bound and sixteen
# interactive threads: work moves between queues, every CPU-bound
# thread gets 0.3-0.55 of a CPU (0.4 is the even share), nobody waits
# more than 100 ticks.  Under eevdf a moved thread keeps its lag against
# the queue it joins; without that rebasing its virtual time belongs to
# another queue and wake-ups took up to 800 ticks here, so the bound of
# 20 on eevdf's worst wake-up is the test of dfsched_steal()'s rebase.
@test "sched: many cores: work moves, shares stay even, moved threads keep their lag" {
	build_sim
	local p
	for p in rr bsd4 eevdf; do
		sim "$p" manycore | awk -v p="$p" '
		    /^thread/ { split($4, s, "="); split($9, m, "="); n++
			if ($3 == "cpu" && (s[2] < 0.3 || s[2] > 0.55)) bad = bad " " $2 "=" s[2]
			if (m[2] > 100) bad = bad " " $2 " waited " m[2] }
		    /^policy/ { split($7, mv, "="); moves = mv[2] }
		    END { if (n != 32 || bad != "" || moves == 0) {
			print p ": " n " threads, " moves " moves:" bad; exit 1 } }'
	done
	sim eevdf manycore | awk '/interactive/ { split($9, m, "=")
	    if (m[2] > 20) { print "eevdf: waited " m[2]; exit 1 } }'
}

# The definition says where threads go: with `affinity: last, steal: 0`
# (tests/fixtures/sched/pinned) no thread ever leaves the CPU it was
# started on, where the shipped policies (spread, steal 2) move
# thousands.
@test "sched: affinity and steal come from the definition" {
	build_sim "$FIXTURES/sched/pinned/policies.def"
	local p
	for p in rr bsd4 eevdf; do
		sim "$p" manycore | awk -v p="$p" '
		    /^thread/ { split($4, s, "="); n++
			if ($3 == "cpu" && (s[2] < 0.38 || s[2] > 0.46)) bad = bad " " $2 "=" s[2] }
		    /^policy/ { split($7, mv, "="); moves = mv[2] }
		    END { if (n != 32 || bad != "" || moves != 0) {
			print p ": " moves " moves:" bad; exit 1 } }'
	done
	build_sim
	sim rr manycore | awk '/^policy/ { split($7, mv, "=")
	    if (mv[2] < 1000) { print "rr: " mv[2] " moves"; exit 1 } }'
}

@test "sched: context switches are counted and preemption adds them" {
	build_sim
	rr=$(sim rr mixed | awk '/^policy/ { split($5, a, "="); print a[2] }')
	ee=$(sim eevdf mixed | awk '/^policy/ { split($5, a, "="); print a[2] }')
	[ "$rr" -gt 0 ]
	[ "$ee" -gt "$rr" ]
}

# Until the family is registered in kconf/files.codegen (and so reached
# by kcheck_own), compile the runtime and the tables as kernel code
# against the DragonFly headers of $DFLY_SRC, with the include links a
# kernel build makes (machine, cpu, machine_base).
@test "sched: runtime and tables compile as kernel C against DFLY_SRC" {
	kcheck_require_tree
	local inc=$BATS_TEST_TMPDIR/kinc sys=$DFLY_SRC/sys f
	mkdir -p "$inc/plat" "$inc/cpu"
	ln -s "$sys/platform/pc64/include" "$inc/plat/machine"
	ln -s "$sys/platform/pc64" "$inc/plat/machine_base"
	ln -s "$sys/cpu/x86_64/include" "$inc/plat/cpu"
	ln -s "$sys/cpu/x86_64/include" "$inc/cpu/machine"
	dfgen sched -o "$OUT" "$DEF"
	for f in "$RT/dfsched.c" "$OUT/policies_tables.c"; do
		cc -c -D_KERNEL -ffreestanding -nostdinc $CWARN \
		    -I"$inc/plat" -I"$inc/cpu" \
		    -I"$DFGEN_TOP/sys-overlays/sys" -I"$sys" -I"$OUT" \
		    -o "$OUT/$(basename "$f" .c).o" "$f"
	done
}

@test "sched: simulator runs every policy and workload clean under ASan+UBSan" {
	dfgen sched -o "$OUT" "$DEF"
	cc_host "$OUT/simsan" -I"$OUT" -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all "$RT/dfsched_sim.c" "$RT/dfsched.c" \
	    "$OUT/policies_tables.c" ||
	    skip "no ASan/UBSan runtime for this compiler"
	local p w
	for p in rr bsd4 eevdf; do
		for w in cpu interactive mixed bursty manycore; do
			"$OUT/simsan" "$p" "$w" 5 20000 > /dev/null 2>&1
		done
	done
	run "$OUT/simsan" fair cpu 1 10
	[ "$status" -eq 2 ]
	assert_output "usage: dfsched_sim POLICY WORKLOAD SEED TICKS"
	run "$OUT/simsan" rr cpu 1 0
	[ "$status" -eq 2 ]
	assert_output "dfsched_sim: TICKS must be positive"
}
