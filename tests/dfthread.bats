#!/usr/bin/env bats
# libdfthread, the M:N thread library of SCHED_TABLES: its context
# switch (m4-generated assembly, x86_64 and i386, and the ucontext
# fallback) keeps every register a call preserves; the library, built
# over the policy tables `dfgen sched` generates and libasyncsys's host
# ring, creates and joins 10^6 threads, keeps 10^5 alive, passes
# messages, keeps a contended counter exact, parks a thread in a pipe
# read while others run and threads on sockets in dft_wait_fd(), and
# does so under every shipped policy, under ASan and TSan, and for -m32;
# it also compiles for DragonFly against the tree's headers (DFLY_SRC).

load lib/common
load lib/dfly

LIB=$DFGEN_TOP/sys-overlays/lib/libdfthread
LIBASYS=$DFGEN_TOP/sys-overlays/lib/libasyncsys
SCHED=$DFGEN_TOP/sys-overlays/sys/dfgen/sched
FIX=$FIXTURES/dfthread

setup() {
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

# gen: the policy tables, the host ring's table and dft_switch.S in $OUT.
gen() {
	dfgen sched -o "$OUT" "$SCHED/policies.def"
	dfgen syscalls --host -o "$OUT" "$LIBASYS/host.master"
	m4 -P "$LIB/dft_switch.m4" > "$OUT/dft_switch.S"
}

# build_lib BINARY CC-AND-FLAGS... -- PROGRAM-SOURCES...: a program linked
# with libdfthread and what it runs on.
build_lib() {
	local bin=$1 cc=()
	shift
	while [ "$1" != -- ]; do cc+=("$1"); shift; done
	shift
	"${cc[@]}" $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$LIB" \
	    -I"$LIBASYS" -I"$OUT" -o "$bin" "$@" "$LIB"/dft_*.c \
	    "$OUT/dft_switch.S" "$SCHED/dfsched.c" "$OUT/policies_tables.c" \
	    "$LIBASYS/asys.c" "$OUT/host_async_host.c" -lpthread
}

# ctx_harness BINARY CC-AND-FLAGS...: the register harness.
ctx_harness() {
	local bin=$1
	shift
	"$@" -O2 -Wall -Wextra -Werror -std=gnu11 -fno-omit-frame-pointer \
	    -I"$LIB" -o "$bin" "$FIX/ctx_regs.c" "$FIX/regs_switch.S" \
	    "$OUT/dft_switch.S" "$LIB/dft_ctx_ucontext.c"
}

# scenarios BINARY [SPAWN ALIVE]: every scenario of dft_stress under
# every policy, on one carrier and on two, with sizes that keep a
# sanitizer run short (SPAWN threads created and joined, default 20000,
# and ALIVE at once, default 2000).
scenarios() {
	local p c s
	for p in rr bsd4 eevdf; do
		for c in 1 2; do
			for s in "spawn ${2:-20000}" "alive ${3:-2000}" \
			    "pingpong 20000" "mutex 2000" pipe sleep preempt \
			    "sockets 200"; do
				run timeout 60 "$1" "$c" "$p" $s
				[ "$status" -eq 0 ] ||
				    fail "$p, $c carriers, $s: $output"
				[[ "$output" == ok* ]] ||
				    fail "$p, $c carriers, $s: $output"
			done
		done
	done
}

@test "dfthread: m4 writes the switch for x86_64 and i386 from one register list" {
	gen
	# x86_64 pushes the six registers its ABI preserves, i386 its four.
	run grep -c "pushq" "$OUT/dft_switch.S"
	assert_output 6
	run grep -c "pushl" "$OUT/dft_switch.S"
	assert_output 5
	grep -q "ldmxcsr" "$OUT/dft_switch.S"
	grep -q "fldcw" "$OUT/dft_switch.S"
	! grep -q "dft_\\|DFT_REGS\\|m4_" <(grep -v "^dft_ctx\\|dft_ctx_\\|DFT_UCONTEXT\\|dft_switch.m4" "$OUT/dft_switch.S")
}

@test "dfthread: the switch keeps every callee-saved register, MXCSR and the control word" {
	gen
	ctx_harness "$OUT/ctx" cc
	run "$OUT/ctx" 200000
	assert_success
	assert_output "ok 400000 switches"
	require_m32
	ctx_harness "$OUT/ctx32" cc -m32
	run "$OUT/ctx32" 200000
	assert_success
	assert_output "ok 400000 switches"
}

@test "dfthread: the ucontext fallback passes the same harness" {
	gen
	ctx_harness "$OUT/uctx" cc -DDFT_UCONTEXT
	run "$OUT/uctx" 20000
	assert_success
	assert_output "ok 40000 switches"
	require_m32
	ctx_harness "$OUT/uctx32" cc -m32 -DDFT_UCONTEXT
	run "$OUT/uctx32" 20000
	assert_success
	assert_output "ok 40000 switches"
}

@test "dfthread: the harness catches a switch that loses a register" {
	gen
	# Drop the save and restore of %r13: the harness must notice.
	sed -i '/pushq	%r13/d; /popq	%r13/d' "$OUT/dft_switch.S"
	ctx_harness "$OUT/bad" cc
	run "$OUT/bad" 10
	assert_failure
	refute_output --partial "ok"
	# Never load MXCSR: the rounding mode of one side leaks to the other.
	m4 -P "$LIB/dft_switch.m4" | sed '/ldmxcsr	(%rsp)/d' > "$OUT/dft_switch.S"
	ctx_harness "$OUT/bad2" cc
	run "$OUT/bad2" 10
	assert_failure
	assert_output --regexp "^side starts wrong: arg 0x[0-9a-f]+, MXCSR 0x3f80, "
}

@test "dfthread: the library compiles with -Werror, host, -m32 and the fallback" {
	gen
	local f
	for f in "$LIB"/dft_*.c; do
		cc -c $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$LIB" \
		    -I"$LIBASYS" -I"$OUT" -o "$OUT/x.o" "$f"
		cc -c $CWARN -DDFT_UCONTEXT -I"$DFGEN_TOP/sys-overlays/sys" \
		    -I"$LIB" -I"$LIBASYS" -I"$OUT" -o "$OUT/x.o" "$f"
	done
	require_m32
	for f in "$LIB"/dft_*.c; do
		cc -m32 -c $CWARN -I"$DFGEN_TOP/sys-overlays/sys" -I"$LIB" \
		    -I"$LIBASYS" -I"$OUT" -o "$OUT/x.o" "$f"
	done
}

@test "dfthread: 10^6 threads created and joined" {
	gen
	build_lib "$OUT/stress" cc -O2 -- "$FIX/dft_stress.c"
	run timeout 60 "$OUT/stress" 2 rr spawn 1000000
	assert_success
	assert_output "ok 1000000 threads created and joined"
}

# Guarded, every stack costs two mappings (the guard page and the
# stack), and Linux allows vm.max_map_count (65530 by default) per
# process: 10^5 guarded stacks cannot exist at once there.  So 10^5 run
# unguarded, and 2 x 10^4 with their guards.
@test "dfthread: 10^5 threads alive at once (2 x 10^4 guarded)" {
	gen
	build_lib "$OUT/stress" cc -O2 -- "$FIX/dft_stress.c"
	run env DFT_NO_GUARD=1 timeout 60 "$OUT/stress" 2 rr alive 100000
	assert_success
	assert_output "ok 100000 threads alive at once"
	run timeout 60 "$OUT/stress" 2 rr alive 20000
	assert_success
	assert_output "ok 20000 threads alive at once"
}

@test "dfthread: every scenario under every policy, one and two carriers" {
	gen
	build_lib "$OUT/stress" cc -O2 -- "$FIX/dft_stress.c"
	scenarios "$OUT/stress"
	run timeout 60 "$OUT/stress" 2 rr pingpong 200000
	assert_output "ok 200000 round trips"
	run timeout 60 "$OUT/stress" 2 bsd4 mutex 20000
	assert_output "ok counter 160000"
}

# Two threads spin for 300 ms on one carrier with 1 ms ticks, yielding
# at safe points when the policy says so.  rr's quantum is 10 ticks: at
# most one pass per 10 ticks (and the ticker, sleeping 1 ms at a time,
# posts at most about 300).  eevdf asks for a 3-tick slice, so it
# passes at least twice as often.  Ticks are real time: on a machine so
# loaded that the ticker falls behind, a run sees fewer of them, so a
# pair of runs that misses is tried again, three times at most.
@test "dfthread: the generated policy decides when a safe point yields" {
	gen
	build_lib "$OUT/stress" cc -O2 -- "$FIX/dft_stress.c"
	local rr eevdf try
	for try in 1 2 3; do
		run "$OUT/stress" 1 rr quantum 300
		assert_success
		rr=$(sed -n 's/^ok \([0-9]*\) passes in 300 ms$/\1/p' <<<"$output")
		[ -n "$rr" ] && [ "$rr" -ge 5 ] && [ "$rr" -le 32 ] ||
		    fail "rr: $output"
		run "$OUT/stress" 1 eevdf quantum 300
		assert_success
		eevdf=$(sed -n 's/^ok \([0-9]*\) passes in 300 ms$/\1/p' <<<"$output")
		[ -n "$eevdf" ] || fail "eevdf: $output"
		[ "$eevdf" -ge $((2 * rr)) ] && return 0
	done
	fail "eevdf passed $eevdf times, rr $rr"
}

@test "dfthread: a thread that overruns its stack hits the guard page" {
	gen
	build_lib "$OUT/stress" cc -O1 -- "$FIX/dft_stress.c"
	run timeout 60 "$OUT/stress" 1 rr overflow
	# SIGSEGV: 128 + 11.
	[ "$status" -eq 139 ] || fail "exit $status: $output"
	refute_output --partial "FAIL"
}

@test "dfthread: every scenario under ASan and UBSan" {
	gen
	build_lib "$OUT/astress" cc -O1 -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -- "$FIX/dft_stress.c"
	ASAN_OPTIONS=detect_stack_use_after_return=0 scenarios "$OUT/astress"
}

@test "dfthread: every scenario under TSan" {
	gen
	build_lib "$OUT/tstress" cc -O1 -g -fsanitize=thread -- \
	    "$FIX/dft_stress.c"
	run "$OUT/tstress" 1 rr spawn 10
	[[ "$output" != *"FATAL: ThreadSanitizer"* ]] ||
	    skip "TSan cannot run here: ${lines[0]}"
	# A fiber costs TSan much: fewer threads than elsewhere.
	TSAN_OPTIONS=halt_on_error=1 scenarios "$OUT/tstress" 1000 500
}

@test "dfthread: every scenario built for -m32" {
	require_m32
	gen
	build_lib "$OUT/stress32" cc -m32 -O2 -D_FILE_OFFSET_BITS=64 -- \
	    "$FIX/dft_stress.c"
	scenarios "$OUT/stress32"
}

@test "dfthread: every scenario over the ucontext fallback" {
	gen
	build_lib "$OUT/ustress" cc -O2 -DDFT_UCONTEXT -- "$FIX/dft_stress.c"
	scenarios "$OUT/ustress"
}

@test "dfthread: the README's program runs and sums its channel" {
	gen
	sed -n '/^### The M:N thread library/,/^## /p' "$DFGEN_TOP/README.md" |
	    sed -n '/^```c$/,/^```$/p' | sed '1d;$d' > "$OUT/example.c"
	grep -q dft_run "$OUT/example.c"
	build_lib "$OUT/example" cc -O1 -- "$OUT/example.c"
	run "$OUT/example"
	assert_success
	assert_output "sum 55"
}

@test "dfthread: the Makefile names every source, and each exists or is built" {
	local mk=$LIB/Makefile f
	for f in $(dfly_mk_srcs "$mk"); do
		case $f in
		dft_switch.S)
			grep -q '^dft_switch.S: dft_switch.m4' "$mk" ;;
		policies_tables.c)
			grep -q '^DFGEN_DEFS.sched=.*policies.def$' "$mk" ;;
		dfsched.c)
			[ -f "$SCHED/$f" ] ;;
		*)
			[ -f "$LIB/$f" ] ;;
		esac || fail "$f: neither in the tree nor built"
	done
	# Every C file of the library is in SRCS.
	dfly_mk_lists "$mk" "$LIB"/dft_*.c
}

@test "dfthread: the library compiles for DragonFly against the tree's userland headers" {
	local f
	dfly_headers
	dfgen sched -o "$OUT" "$SCHED/policies.def"
	dfgen syscalls -o "$OUT" "$DFLY_SRC/sys/kern/syscalls.master"
	m4 -P "$LIB/dft_switch.m4" > "$OUT/dft_switch.S"
	for f in "$LIB"/dft_*.c "$OUT/dft_switch.S"; do
		dfly_cc "$f" "$OUT/$(basename "$f").o" \
		    -I"$DFGEN_TOP/sys-overlays/sys" -I"$LIB" -I"$LIBASYS" \
		    -I"$OUT" 2>"$OUT/err" || { cat "$OUT/err"; fail "cc $f"; }
	done
	# Its calls go to the kernel's ring: pread is extpread there.
	run nm -u "$OUT/dft_io.c.o"
	assert_line --regexp "^ +U asys_ring_open\$"
	assert_line --regexp "^ +U asys_reap\$"
	run nm -u "$OUT/dft_poll.c.o"
	assert_line --regexp "^ +U kevent\$"
	run nm "$OUT/dft_switch.S.o"
	assert_line --regexp " T dft_ctx_switch\$"
	assert_line --regexp " T dft_ctx_init\$"
}

@test "dfthread: the benchmark's echo server answers over loopback, each way" {
	gen
	build_lib "$OUT/echo" cc -O2 -- "$DFGEN_TOP/bench/sched/echo_bench.c"
	local m
	for m in dft epoll threads; do
		run timeout 60 "$OUT/echo" "$m" 200 0.5
		assert_success
		assert_output --regexp "^$m round_trips_per_s [1-9][0-9]*\$"
	done
}
