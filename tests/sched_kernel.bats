#!/usr/bin/env bats
# The sched family's kernel scheduler (sys/kern/usched_dfgen.c, options
# SCHED_TABLES): the per-CPU protocol it runs, modelled on the host over
# the same dfsched.c (tests/fixtures/sched_kernel/kproto.c), and the
# scheduler itself, its usched.h and kern_usched.c edits compiled with
# -Werror in a DragonFly kernel (DFLY_SRC).  Booting it needs a DragonFly
# machine, which the tests do not have.

load lib/common
load lib/kcheck

DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/sched/policies.def
RT=$DFGEN_TOP/sys-overlays/sys/dfgen/sched
KPROTO=$FIXTURES/sched_kernel/kproto.c

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

# build_kproto [FLAGS...]: the protocol model over the tables of DEF.
build_kproto() {
	dfgen sched -o "$OUT" "$DEF"
	cc_host "$OUT/kproto" -I"$OUT" "$@" "$KPROTO" "$RT/dfsched.c" \
	    "$OUT/policies_tables.c"
}

# kproto POLICY CPUS CPUBOUND INTERACTIVE [TICKS]: seed 11.
kproto() {
	"$OUT/kproto" "$1" "$2" "$3" "$4" 11 "${5:-60000}"
}

# share NAME: the CPU share column of one thread of the last report.
share() {
	awk -v t="$1" '$1 == "thread" && $2 == t { split($4, a, "="); print a[2] }' \
	    <<< "$output"
}

@test "sched kernel: the protocol keeps its invariants under every policy (host, -m32, ASan+UBSan)" {
	build_kproto
	local p
	for p in rr bsd4 eevdf; do
		run kproto "$p" 4 6 6
		assert_success
		assert_line --partial "policy $p cpus 4 threads 12"
	done
	require_m32
	cc_m32 "$OUT/kproto32" -I"$OUT" "$KPROTO" "$RT/dfsched.c" \
	    "$OUT/policies_tables.c"
	cmp <(kproto eevdf 3 4 4 20000) <("$OUT/kproto32" eevdf 3 4 4 11 20000)
	cc_host "$OUT/kprotosan" -I"$OUT" -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all "$KPROTO" "$RT/dfsched.c" \
	    "$OUT/policies_tables.c" ||
	    skip "no ASan/UBSan runtime for this compiler"
	for p in rr bsd4 eevdf; do
		"$OUT/kprotosan" "$p" 4 6 6 3 20000 > /dev/null
		"$OUT/kprotosan" "$p" 2 1 5 4 20000 > /dev/null
	done
}

# A broken invariant is reported, with the step and what broke: the
# model's own check of a CPU left idle beside a queued thread.
@test "sched kernel: the model's checks can fail" {
	build_kproto -DKPROTO_BREAK_KICK
	run kproto rr 4 6 6
	assert_failure
	assert_output --regexp "^kproto: step [0-9]+: cpu [0-9]: idle with [0-9]+ queued$"
}

# Eight CPU-bound threads on four CPUs, all forked on CPU 0 and one bound
# to it: placement and pulls spread them two a CPU, so each gets half a
# CPU within 0.01, and the bound one never runs elsewhere.
@test "sched kernel: CPU-bound threads spread over the CPUs and share them fairly" {
	build_kproto
	local p t s
	for p in rr bsd4 eevdf; do
		run kproto "$p" 4 8 0
		assert_success
		assert_line --regexp "^thread 0 cpu share=0\.[0-9]+ wakeups=1 p99=0 max=0 pinned=1 away=0$"
		for t in 0 1 2 3 4 5 6 7; do
			s=$(share "$t")
			awk -v s="$s" -v c="$p/$t" 'BEGIN {
			    if (s < 0.49 || s > 0.51) { print c ": share " s; exit 1 } }'
		done
	done
}

# latency_bounded POLICY P99 MAX: four CPU-bound and four interactive
# threads on two CPUs; every interactive thread gets at least 1% of a
# CPU and is served within P99 ticks of waking at the 99th percentile,
# MAX at worst.
latency_bounded() {
	run kproto "$1" 2 4 4
	assert_success
	awk -v p="$1" -v b99="$2" -v bmax="$3" '
	    $1 == "thread" && $3 == "interactive" {
		n++; split($4, s, "="); split($6, q, "="); split($7, m, "=")
		if (s[2] < 0.01 || q[2] > b99 || m[2] > bmax)
			bad = bad " " $2 "=" q[2] "/" m[2] }
	    END { if (n != 4 || bad != "") { print p ": slow:" bad; exit 1 } }' \
	    <<< "$output"
}

# Round robin never preempts: a wake-up waits for the queue ahead of it,
# two CPU-bound quanta (20 ticks) and the interactive bursts (up to 8),
# plus a tick for each of the handovers: 40 at the 99th percentile.
# bsd4 and eevdf preempt on wake-up (DFSCHED_PREEMPT): within a tick.
@test "sched kernel: interactive threads wake within bounds beside CPU-bound ones" {
	build_kproto
	latency_bounded rr 40 50
	latency_bounded bsd4 1 50
	latency_bounded eevdf 1 10
}

# Dropping the protocol's preemption requests breaks eevdf's bound.
@test "sched kernel: without wake-up preemption the bound breaks" {
	build_kproto -DKPROTO_BREAK_PREEMPT
	run latency_bounded eevdf 1 10
	assert_failure
	assert_output --partial "eevdf: slow:"
}

@test "sched kernel: usage errors" {
	build_kproto
	run "$OUT/kproto" fair 2 1 1 1 10
	[ "$status" -eq 2 ]
	assert_output "usage: kproto POLICY CPUS CPUBOUND INTERACTIVE SEED TICKS"
	run "$OUT/kproto" rr 9 1 1 1 10
	[ "$status" -eq 2 ]
	assert_output "kproto: 1 to 8 CPUs and 1 to 32 threads"
}

# -- the kernel ---------------------------------------------------------------

@test "sched kernel: the schedulers compile in a DragonFly kernel, and are gone when off" {
	kcheck_require_tree
	local T=$BATS_TEST_TMPDIR
	kcheck_overlaid_tree "$T/src"
	# The edits are in: the union member, and the usched_set(2) hook.
	grep -q 'struct dfgen_lwp \*state;' "$T/src/sys/sys/usched.h"
	grep -q 'usched_dfgen_join(ONLY_LWP_IN_PROC(p), item);' \
	    "$T/src/sys/kern/kern_usched.c"
	{
		sed 's/^ident[[:space:]].*/ident\t\tSCHEDT/' \
		    "$DFLY_SRC/sys/config/X86_64_GENERIC"
		printf 'options\t\t%s\n' CODEGEN_STRUCTS ASYNC_SYSCALLS \
		    SCHED_TABLES
	} > "$T/SCHEDT"
	sed 's/^ident[[:space:]].*/ident\t\tNOSCHEDT/' \
	    "$DFLY_SRC/sys/config/X86_64_GENERIC" > "$T/NOSCHEDT"
	run kcheck_own "$T/src" "$T/SCHEDT"
	assert_success
	assert_output --partial "CC usched_dfgen.c"
	assert_output --partial "CC dfsched.c"
	assert_output --partial "CC policies_tables.c"
	local O=$T/obj/kernel-check/SCHEDT
	# Driven by the generated table, registered through usched_ctl().
	nm "$O/usched_dfgen.o" | grep -q ' U policies_table$'
	nm "$O/usched_dfgen.o" | grep -q ' U usched_ctl$'
	nm "$O/usched_dfgen.o" | grep -q ' T usched_dfgen_join$'
	nm "$O/policies_tables.o" | grep -q ' R policies_table$'
	# kern_usched.c with the hook in, -Werror.
	run kcheck_units "$T/src" "$T/SCHEDT" kern_usched
	assert_success
	assert_equal "$(cat "$O/kern_usched.ck")" "ok"
	nm "$O/kern_usched.o" | grep -q ' U usched_dfgen_join$'
	# Off: kern_usched.c calls nothing of dfgen's.
	run kcheck_own "$T/src" "$T/NOSCHEDT"
	assert_success
	refute_output --partial "usched_dfgen.c"
	run kcheck_units "$T/src" "$T/NOSCHEDT" kern_usched
	assert_success
	! nm "$T/obj/kernel-check/NOSCHEDT/kern_usched.o" | grep -q dfgen ||
	    fail "dfgen in kern_usched.o when off"
}
