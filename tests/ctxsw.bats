#!/usr/bin/env bats
# The ctxsw family: golden output, the generated C compiled (host and
# -m32), the assembly probes run from an assembly harness (they record
# what they should and preserve every register), the decoder on a
# recorded dump (golden) and fuzzed under ASan+UBSan, every error path,
# the overlay's anchored edits that put the probes into DragonFly's
# switch path, dfctx on a short sweep, and the kernel build check.

load lib/common
load lib/kcheck

CTXSW_DEF=$DFGEN_TOP/sys-overlays/sys/dfgen/ctxsw/ctxsw.def
HARNESS_DEF=$FIXTURES/ctxsw/harness.def
DFCTX_SRC=$DFGEN_TOP/sys-overlays/usr.bin/dfctx
PMC_C=$DFGEN_TOP/sys-overlays/sys/dfgen/ctxsw/dfgen_pmc.c

setup() {
	OUT=$BATS_TEST_TMPDIR/out
}

require_x86_64() {
	[ "$(uname -m)" = x86_64 ] || skip "the assembly probes are x86_64"
}

# The harness: harness.def's probes run from harness.S and harness.c.
build_harness() {
	dfgen ctxsw -o "$OUT" "$HARNESS_DEF"
	cc_host "$OUT/harness" -I"$OUT" "$FIXTURES/ctxsw/harness.c" \
	    "$FIXTURES/ctxsw/harness.S" "$OUT/harness_probes.c" \
	    "$OUT/harness_decode.c" "$PMC_C"
}

# dfctx, built on the host against the shipped definition.
build_dfctx() {
	dfgen ctxsw -o "$OUT" "$CTXSW_DEF"
	cc_host "$OUT/dfctx" -O2 -I"$OUT" "$DFCTX_SRC"/*.c \
	    "$OUT/ctxsw_decode.c" -lm -lpthread
}

@test "ctxsw: the shipped probes match their golden output" {
	run dfgen ctxsw -o "$OUT" "$CTXSW_DEF"
	assert_success
	assert_output ""
	for f in ctxsw.h ctxsw_asm.h ctxsw_probes.c ctxsw_decode.c; do
		assert_golden "$OUT/$f" "ctxsw/$f"
	done
}

@test "ctxsw: every kind of probe matches its golden output" {
	dfgen ctxsw -o "$OUT" "$HARNESS_DEF"
	for f in harness.h harness_asm.h harness_probes.c harness_decode.c; do
		assert_golden "$OUT/$f" "ctxsw/$f"
	done
}

@test "ctxsw: --list-outputs names four files and reads nothing" {
	run dfgen ctxsw --list-outputs -o "$OUT" "$BATS_TEST_TMPDIR/none.def"
	assert_success
	assert_output "$OUT/none.h
$OUT/none_asm.h
$OUT/none_probes.c
$OUT/none_decode.c"
}

@test "ctxsw: output is deterministic and written only when it changes" {
	dfgen ctxsw -o "$OUT" "$CTXSW_DEF"
	cp -a "$OUT" "$BATS_TEST_TMPDIR/first"
	age "$OUT"/*
	local before
	before=$(mtime "$OUT/ctxsw_asm.h")
	run dfgen ctxsw -v -o "$OUT" "$CTXSW_DEF"
	assert_success
	assert_output ""
	assert_equal "$(mtime "$OUT/ctxsw_asm.h")" "$before"
	diff -r "$BATS_TEST_TMPDIR/first" "$OUT"
}

@test "ctxsw: the generated C compiles with -Werror, host and -m32" {
	for def in "$CTXSW_DEF" "$HARNESS_DEF"; do
		dfgen ctxsw -o "$OUT" "$def"
	done
	for f in ctxsw_probes.c ctxsw_decode.c harness_probes.c \
	    harness_decode.c "$PMC_C"; do
		case $f in /*) ;; *) f=$OUT/$f ;; esac
		cc_host "$OUT/x.o" -c -I"$OUT" "$f"
	done
	require_m32
	for f in ctxsw_probes.c ctxsw_decode.c harness_probes.c \
	    harness_decode.c "$PMC_C"; do
		case $f in /*) ;; *) f=$OUT/$f ;; esac
		cc_m32 "$OUT/x.o" -c -I"$OUT" "$f"
	done
}

@test "ctxsw: a definition without counters or histograms compiles and runs" {
	dfgen ctxsw -o "$OUT" "$FIXTURES/ctxsw/minimal.def"
	! grep -q 'rdpmc\|pmc_ready\|cs_hist\|_bucket' "$OUT/minimal.h" \
	    "$OUT/minimal_probes.c" ||
	    fail "counter or histogram code without counters or histograms"
	cat > "$OUT/t.c" <<-'EOF'
	#include <stdio.h>
	#include "minimal.h"
	static struct mini_area a;
	int
	main(void)
	{
		mini_area[0] = &a;
		mini_probe_enter();
		mini_probe_enter();
		printf("%llu %u %s\n", (unsigned long long)a.ca_stats.cs_head,
		    a.ca_ring[1].cr_point, mini_probe_name(a.ca_ring[1].cr_point));
		return (0);
	}
	EOF
	cc_host "$OUT/t" -I"$OUT" "$OUT/t.c" "$OUT/minimal_probes.c" \
	    "$OUT/minimal_decode.c"
	run "$OUT/t"
	assert_success
	assert_output "2 0 enter"
	require_m32
	cc_m32 "$OUT/t32" -I"$OUT" "$OUT/t.c" "$OUT/minimal_probes.c" \
	    "$OUT/minimal_decode.c"
	run "$OUT/t32"
	assert_output "2 0 enter"
}

@test "ctxsw: the assembly probes record what they should and preserve every register" {
	require_x86_64
	build_harness
	run "$OUT/harness" "$OUT/dump.bin"
	assert_success
	assert_output "harness: all checks passed"
}

@test "ctxsw: the harness catches a probe that loses a register or the flags" {
	require_x86_64
	dfgen ctxsw -o "$OUT" "$HARNESS_DEF"
	# One probe without its last pop of %rsi: the harness must see it.
	sed -i '0,/popq %rsi ; /s/popq %rsi ; //' "$OUT/harness_asm.h"
	sed -i '0,/pushq %rsi ; /s/pushq %rsi ; //' "$OUT/harness_asm.h"
	cc_host "$OUT/broken" -I"$OUT" "$FIXTURES/ctxsw/harness.c" \
	    "$FIXTURES/ctxsw/harness.S" "$OUT/harness_probes.c" \
	    "$OUT/harness_decode.c" "$PMC_C"
	run "$OUT/broken"
	assert_failure
	assert_output --partial "a_tsc: %rsi is"
	# A 'flags: preserve' probe that does not restore them.
	dfgen ctxsw -o "$OUT" "$HARNESS_DEF"
	sed -i '0,/ popfq ;/s/ popfq ;/ addq $(8), %rsp ;/' "$OUT/harness_asm.h"
	cc_host "$OUT/broken" -I"$OUT" "$FIXTURES/ctxsw/harness.c" \
	    "$FIXTURES/ctxsw/harness.S" "$OUT/harness_probes.c" \
	    "$OUT/harness_decode.c" "$PMC_C"
	run "$OUT/broken"
	assert_failure
	assert_output --partial "a_tscp: flags"
}

@test "ctxsw: the counters' CPUID check agrees with the CPU's flags" {
	require_x86_64
	build_harness
	cat > "$OUT/pmc.c" <<-'EOF'
	#include <stdio.h>
	#include "harness.h"
	int
	main(void)
	{
		printf("%d\n", hx_pmc_supported());
		return (0);
	}
	EOF
	cc_host "$OUT/pmc" -I"$OUT" "$OUT/pmc.c" "$OUT/harness_probes.c" "$PMC_C"
	run "$OUT/pmc"
	assert_success
	# Fixed counter 1 needs architectural perfmon v2: no arch_perfmon,
	# no counters.
	if ! grep -qw arch_perfmon /proc/cpuinfo; then
		assert_output 0
	else
		assert_output --regexp '^[01]$'
	fi
}

@test "ctxsw: dfctx decode prints a recorded dump (golden)" {
	build_dfctx
	cc_host "$OUT/record" -I"$OUT" "$FIXTURES/ctxsw/record.c" \
	    "$OUT/ctxsw_probes.c" "$PMC_C"
	"$OUT/record" "$OUT/rec.bin"
	cd "$OUT"
	run ./dfctx decode rec.bin
	assert_success
	echo "$output" > "$OUT/decode.txt"
	assert_golden "$OUT/decode.txt" ctxsw/decode.txt
}

@test "ctxsw: the shipped probes, run in a switch's order, decode into its steps" {
	require_x86_64
	build_dfctx
	cc_host "$OUT/shipped" -I"$OUT" "$FIXTURES/ctxsw/shipped.c" \
	    "$FIXTURES/ctxsw/shipped.S" "$OUT/ctxsw_probes.c" "$PMC_C"
	"$OUT/shipped" "$OUT/shipped.bin"
	run "$OUT/dfctx" decode "$OUT/shipped.bin"
	assert_success
	assert_line "cpu 2: 12 records written, 12 kept"
	assert_line "cpu 0: 0 records written, 0 kept"
	assert_line --regexp '^  histogram switch_time \(cycles\):( 2\^[0-9]+: [123])+$'
	assert_line --regexp '^    switch_out     -> heavy_switch        3 +[0-9.]+$'
	assert_line --regexp '^    heavy_switch   -> heavy_restore       3 +[0-9.]+$'
	assert_line --regexp '^    heavy_restore  -> switch_in           3 +[0-9.]+$'
	assert_line --regexp '^    switch_in      -> switch_out          2 +[0-9.]+$'
	# Each record names the thread that ran: the old one up to the
	# stack switch, the new one from the restore on.
	local threads
	threads=$(awk '$3 == "tsc" { for (i = 4; i < NF; i++)
		if ($i == "thread") print $2, $(i + 1) }' <<< "$output" | sort -u)
	[ "$(wc -l <<< "$threads")" = 4 ] || fail "threads: $threads"
	local out_td sw_td rs_td in_td
	out_td=$(awk '$1 == "switch_out" { print $2 }' <<< "$threads")
	sw_td=$(awk '$1 == "heavy_switch" { print $2 }' <<< "$threads")
	rs_td=$(awk '$1 == "heavy_restore" { print $2 }' <<< "$threads")
	in_td=$(awk '$1 == "switch_in" { print $2 }' <<< "$threads")
	assert_equal "$sw_td" "$out_td"
	assert_equal "$rs_td" "$in_td"
	[ "$out_td" != "$in_td" ] || fail "one thread on both sides: $out_td"
}

@test "ctxsw: dfctx decode refuses damaged dumps with a reason" {
	build_dfctx
	cc_host "$OUT/record" -I"$OUT" "$FIXTURES/ctxsw/record.c" \
	    "$OUT/ctxsw_probes.c" "$PMC_C"
	"$OUT/record" "$OUT/rec.bin"
	head -c 100000 "$OUT/rec.bin" > "$OUT/short.bin"
	run "$OUT/dfctx" decode "$OUT/short.bin"
	assert_failure 1
	assert_output "dfctx: $OUT/short.bin: size does not match the header"
	printf 'garbage, not a dump of anything at all' > "$OUT/bad.bin"
	run "$OUT/dfctx" decode "$OUT/bad.bin"
	assert_failure 1
	assert_output "dfctx: $OUT/bad.bin: not a ctxsw dump (bad magic)"
	run "$OUT/dfctx" decode "$OUT/missing.bin"
	assert_failure 1
	assert_output "dfctx: $OUT/missing.bin: No such file or directory"
	# A dump of other probes (harness.def) is not read as ctxsw's.
	require_x86_64
	build_harness
	"$OUT/harness" "$OUT/hx.bin"
	run "$OUT/dfctx" decode "$OUT/hx.bin"
	assert_failure 1
	assert_output "dfctx: $OUT/hx.bin: made from another definition of the probes"
}

@test "ctxsw: the decoder survives fuzzed dumps under ASan and UBSan" {
	dfgen ctxsw -o "$OUT" "$HARNESS_DEF"
	cc $CWARN -g -O1 -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I"$DFGEN_TOP/sys-overlays/sys" \
	    -I"$OUT" -o "$OUT/fuzz" "$FIXTURES/ctxsw/fuzz_decode.c" \
	    "$OUT/harness_probes.c" "$OUT/harness_decode.c" "$PMC_C" ||
	    skip "no ASan/UBSan runtime"
	for seed in 1 77 4242; do
		run "$OUT/fuzz" "$seed" 20000
		assert_success
		assert_output --regexp '^fuzz_decode: 20000 inputs, [0-9]+ accepted'
	done
}

@test "ctxsw: every error in a definition is reported at its place" {
	local d=$FIXTURES/ctxsw/errors n=0
	cd "$d"
	for def in *.def; do
		run dfgen ctxsw -o "$OUT" "$def"
		assert_failure 1
		assert_equal "$output" "$(cat "${def%.def}.err")"
		n=$((n + 1))
	done
	[ "$n" -ge 26 ] || fail "only $n error fixtures"
	[ ! -e "$OUT" ] || fail "a failed run wrote $OUT"
}

# -- dfctx ---------------------------------------------------------------

# The fixed costs of dfctx's model, "thread process", from output $1.
fixed_of() {
	awk '$1 == "fixed" && $3 == "ns" { print $2, $4 }' "$1"
}

@test "ctxsw: dfctx on a short sweep: a sane model, a table and a plot" {
	build_dfctx
	local try ok=0 thr proc
	# Costs are times: on a machine shared with other work one short
	# sweep can be disturbed, so three are allowed.
	for try in 1 2 3; do
		"$OUT/dfctx" -q -o "$OUT" > "$OUT/run.txt"
		thr=$(awk '$1 == "direct" && $2 == "thread" { print $8 }' "$OUT/run.txt")
		proc=$(awk '$1 == "direct" && $2 == "process" { print $8 }' "$OUT/run.txt")
		if awk -v t="$thr" -v p="$proc" 'BEGIN { exit !(t > 0 && p >= t) }'; then
			ok=1
			break
		fi
	done
	cat "$OUT/run.txt"
	if [ "$ok" != 1 ]; then
		# Only a machine busy with other work excuses it.
		local load
		load=$(cut -d' ' -f1 /proc/loadavg)
		awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l >= n) }' &&
		    skip "load average $load on $(nproc) CPUs: too busy to compare switch times"
		fail "no sweep of three had 0 < thread <= process ($thr, $proc)"
	fi
	# Every point measured, each the median of at least 9 clean
	# repetitions (one pass of -q; more for a point too spread) with
	# the disturbed ones counted, and its error against the model.
	assert_equal "$(grep -cE '^(direct|tlb|cache) +(thread|process) ' "$OUT/run.txt")" 12
	assert_equal "$(awk '$1 ~ /^(direct|tlb|cache)$/ && $10 ~ /^[-+][0-9.]+%$/ &&
	    $11 ~ /^[0-9.]+%$/ && $12 ~ /^([0-9.]+%|-)$/ &&
	    $13 ~ /^[0-9]+\+[0-9]+$/ && $13 + 0 >= 9' \
	    "$OUT/run.txt" | wc -l)" 12
	# The model: positive fixed costs, process at least thread; every
	# term of every level (a cost per page or line, or a constant) is
	# at least 0 where the sweep determines it, and some level is
	# priced; the fit error reported for both kinds.
	read -r thr proc <<< "$(fixed_of "$OUT/run.txt")"
	awk -v t="$thr" -v p="$proc" 'BEGIN { exit !(t > 0 && p >= t) }' ||
	    fail "fixed costs: thread $thr, process $proc"
	local costs
	costs=$(awk '/^  (dTLB|STLB|TLB[12]|L[0-9]d?) / { for (i = 1; i <= NF; i++)
	    if ($(i + 1) ~ /^ns(\/(page|line))?$/) print $i }' "$OUT/run.txt")
	[ -n "$(echo "$costs" | awk '$1 + 0 > 0')" ] || fail "no level priced"
	assert_equal "$(echo "$costs" | awk '$1 + 0 < 0')" ""
	grep -qE '^fit: thread [0-9]+ of 6 totals within 10%, rms error [0-9.]+%, worst [0-9.]+%; process [0-9]+ of 6, rms [0-9.]+%, worst [0-9.]+%$' "$OUT/run.txt"
	grep -q '^  address-space change: ' "$OUT/run.txt"
	grep -qE '^dfctx: switches on CPU [0-9]+ at nice -?[0-9]+' "$OUT/run.txt"
	grep -qE '^(counters: skipped: .+|counters, thread switch.*)$' "$OUT/run.txt"
	# Both plots start at the direct points: 12 points, 14 lines.
	assert_equal "$(grep -cvE '^(#|$)' "$OUT/dfctx.dat")" 14
	grep -q "^set output 'dfctx.svg'$" "$OUT/dfctx.gp"
	if command -v gnuplot >/dev/null; then
		grep -q '^plot: '"$OUT"'/dfctx.svg$' "$OUT/run.txt"
		head -c 300 "$OUT/dfctx.svg" | grep -q '<svg'
	else
		grep -q '^plot: skipped: gnuplot is not installed; ' "$OUT/run.txt"
	fi
}

# A sweep recorded on the machine this was written on (KVM, Xeon family
# 6 model 167, 2 MiB L2): sweep.dat, and sweep2.dat recorded a minute
# before it.
SWEEP=$FIXTURES/ctxsw/sweep.dat
SWEEP2=$FIXTURES/ctxsw/sweep2.dat

@test "ctxsw: dfctx -r fits a recorded sweep: a sane model that predicts every point" {
	build_dfctx
	mkdir -p "$OUT/fit"
	run "$OUT/dfctx" -r "$SWEEP" -o "$OUT/fit"
	assert_success
	echo "$output" > "$OUT/fit.txt"
	assert_line "dfctx: 44 points recorded in $SWEEP"
	assert_equal "$(grep -cE '^(direct|tlb|cache) +(thread|process) ' "$OUT/fit.txt")" 44
	# Positive fixed costs, the process switch dearer than the thread
	# switch, no level priced below 0, and every level of the machine
	# priced for both kinds.
	local thr proc
	read -r thr proc <<< "$(fixed_of "$OUT/fit.txt")"
	awk -v t="$thr" -v p="$proc" 'BEGIN { exit !(t > 0 && p >= t) }' ||
	    fail "fixed costs: thread $thr, process $proc"
	assert_equal "$(awk '/^  (TLB[12]|L1d|L2|L3) / { for (i = 1; i <= NF; i++)
	    if ($(i + 1) ~ /^ns\/(page|line)$/ && $i + 0 > 0) n++ }
	    END { print n }' "$OUT/fit.txt")" 20
	# The levels: the caches from the machine's description, the TLBs
	# and the last level (sysfs says 480 MiB) found from the sweep.
	assert_line --regexp '^  TLB1  768 pages    sweep  '
	assert_line --regexp '^  TLB2  4096 pages   sweep  '
	assert_line --regexp '^  L2    2048 KiB     sysfs  '
	assert_line --regexp '^  L3    32768 KiB    sweep \(sysfs: 491520 KiB\)  '
	# Every total within 10%: with the lines a level keeps of a set
	# beyond it falling as the set grows, not a constant, also those of
	# the sets that just overflow the L2 (4 MiB), which a constant put
	# 16-20% too high.  And there the switch cost itself (total less
	# base, 8.3 and 9.3 us) within 30%: what the L2 keeps of a set twice
	# its size (a linear decline gave 2 us, C * C / n 20 us).
	assert_line --regexp '^fit: thread 22 of 22 totals within 10%, rms error [0-9.]+%, worst [0-9.]+%; process 22 of 22, rms [0-9.]+%, worst [0-9.]+%$'
	assert_equal "$(awk '$1 == "cache" && $5 == 4096 { e = $10; sub(/%/, "", e)
	    if (e + 0 < 10 && e + 0 > -10) n++ } END { print n }' "$OUT/fit.txt")" 2
	assert_equal "$(awk '$1 == "cache" && $5 == 4096 { r = ($9 - $7) / $8
	    if (r > 0.7 && r < 1.3) n++ } END { print n }' "$OUT/fit.txt")" 2
	# What it writes reads back to the same fit.
	mkdir -p "$OUT/again"
	run "$OUT/dfctx" -r "$OUT/fit/dfctx.dat" -o "$OUT/again"
	assert_success
	assert_equal "$(echo "$output" | sed '1d; /^plot: /d')" \
	    "$(sed '1d; /^plot: /d' "$OUT/fit.txt")"
	cmp "$OUT/fit/dfctx.dat" "$OUT/again/dfctx.dat"
}

@test "ctxsw: dfctx -x: the model of one recorded sweep predicts another's totals" {
	build_dfctx
	run "$OUT/dfctx" -r "$SWEEP" -x "$SWEEP2" -o "$OUT"
	assert_success
	assert_line --regexp "^cross: this model on $SWEEP2: thread 22 of 22 totals within 10%, rms error [0-9.]+%, worst [0-9.]+%; process 22 of 22, rms [0-9.]+%, worst [0-9.]+%\$"
	refute_line --partial "cross: beyond 10%"
	# A sweep that does not match the model is told point by point.
	awk '!/^#/ && NF && $1 == "cache" && $3 == 256 { $6 = $6 * 1.5 } { print }' \
	    "$SWEEP2" > "$OUT/off.dat"
	run "$OUT/dfctx" -r "$SWEEP" -x "$OUT/off.dat" -o "$OUT"
	assert_success
	assert_line --regexp "^cross: this model on $OUT/off.dat: thread 21 of 22 .*; process 21 of 22, "
	assert_line --regexp '^cross: beyond 10%: cache thread, 256 pages, 16384 lines: [0-9.]+ ns measured, [0-9.]+ ns predicted \(-[0-9.]+%\)$'
}

@test "ctxsw: dfctx -r refuses a damaged data file with a reason" {
	build_dfctx
	run "$OUT/dfctx" -r "$OUT/missing.dat"
	assert_failure 1
	assert_output "dfctx: $OUT/missing.dat: No such file or directory"
	# A point line (the 9th) cut short.
	sed '9s/ [0-9]* [0-9]* [0-9]*$//' "$SWEEP" > "$OUT/short.dat"
	run "$OUT/dfctx" -r "$OUT/short.dat"
	assert_failure 1
	assert_output "dfctx: $OUT/short.dat:9: not a line of dfctx data"
	sed '9s/^tlb thread/tlb threads/' "$SWEEP" > "$OUT/kind.dat"
	run "$OUT/dfctx" -r "$OUT/kind.dat"
	assert_failure 1
	assert_output "dfctx: $OUT/kind.dat:9: not a line of dfctx data"
	sed '4s/ 768 / -768 /' "$SWEEP" > "$OUT/level.dat"
	run "$OUT/dfctx" -r "$OUT/level.dat"
	assert_failure 1
	assert_output "dfctx: $OUT/level.dat:4: not a line of dfctx data"
	grep -v '^# level' "$SWEEP" > "$OUT/nolevels.dat"
	run "$OUT/dfctx" -r "$OUT/nolevels.dat"
	assert_failure 1
	assert_output "dfctx: $OUT/nolevels.dat: no levels of the machine"
	grep -v '^tlb process 64 ' "$SWEEP" > "$OUT/unpaired.dat"
	run "$OUT/dfctx" -r "$OUT/unpaired.dat"
	assert_failure 1
	assert_output "dfctx: $OUT/unpaired.dat: the thread and process points do not pair up"
	# The sweep to predict is read before anything is fitted.
	run "$OUT/dfctx" -r "$SWEEP" -x "$OUT/unpaired.dat" -o "$OUT"
	assert_failure 1
	assert_output "dfctx: $OUT/unpaired.dat: the thread and process points do not pair up"
}

@test "ctxsw: dfctx's reader of recorded sweeps survives fuzzed files under ASan and UBSan" {
	build_dfctx
	cc $CWARN -g -O1 -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I"$DFCTX_SRC" -o "$OUT/fuzz_data" \
	    "$FIXTURES/ctxsw/fuzz_data.c" "$DFCTX_SRC/dfctx_data.c" \
	    "$DFCTX_SRC/dfctx_model.c" -lm ||
	    skip "no ASan/UBSan runtime"
	for seed in 1 77 4242; do
		run "$OUT/fuzz_data" "$seed" 300 "$SWEEP" "$OUT/fuzz.dat"
		assert_success
		assert_line --regexp '^fuzz_data: 300 inputs, [0-9]+ accepted$'
		# Both ways taken: some damaged files read, some refused.
		[ "$(echo "$output" | grep -c '^dfctx: .*: ')" -gt 0 ]
		[ "$(echo "$output" | sed -n 's/^fuzz_data: 300 inputs, \([0-9]*\) accepted$/\1/p')" -gt 0 ]
	done
}

@test "ctxsw: dfctx bad usage exits 2" {
	build_dfctx
	run "$OUT/dfctx" -x
	assert_failure 2
	assert_output --partial "usage: dfctx"
	run "$OUT/dfctx" extra
	assert_failure 2
	run "$OUT/dfctx" -n 0
	assert_failure 2
	assert_output --partial "usage: dfctx"
	run "$OUT/dfctx" -x "$SWEEP"
	assert_failure 2
	assert_output --partial "usage: dfctx"
	run "$OUT/dfctx" -p 17
	assert_failure 2
}

# -- the overlay's anchored edits -----------------------------------------

# A small dfgen top with an edit of the test tree's sys/kern/kern_foo.c.
make_edit_top() {
	local top=$1
	mkdir -p "$top/sys-overlays/sys/dfgen/probe" "$top/mk" "$top/kconf"
	printf '/* a runtime file */\n' > "$top/sys-overlays/sys/dfgen/probe/probe.c"
	cat > "$top/sys-overlays/sys/dfgen/probe/kern_foo.edit" <<-'EOF'
	# Probes in kern_foo.c.
	edit kern_foo file: "sys/kern/kern_foo.c" {
		insert header after: "#include <sys/kfoo.h>" {
			line = "#include \"opt_probe.h\"";
		}
		insert count before: "return (++foo_calls);" {
			line = "#ifdef PROBE";
			line = "\tprobe_count();";
			line = "#endif";
		}
	}
	EOF
}

edit_overlay() {
	dfgen overlay --dfgen-top "$TOP" "$@"
}

edit_setup() {
	TREE=$BATS_TEST_TMPDIR/tree
	TOP=$BATS_TEST_TMPDIR/top
	cp -R "$FIXTURES/tree" "$TREE"
	cp -a "$TREE" "$BATS_TEST_TMPDIR/pristine"
	make_edit_top "$TOP"
}

@test "ctxsw: overlay edit: inserts at the anchors, once, and --check agrees" {
	edit_setup
	run edit_overlay --dry-run "$TREE"
	assert_success
	assert_line "edit sys/kern/kern_foo.c"
	run edit_overlay "$TREE"
	assert_success
	assert_output ""
	run diff "$BATS_TEST_TMPDIR/pristine/sys/kern/kern_foo.c" "$TREE/sys/kern/kern_foo.c"
	assert_output '4a5
> #include "opt_probe.h"
10a12,14
> #ifdef PROBE
> 	probe_count();
> #endif'
	run grep -c '^edit done [0-9a-f]\{64\} 0[0-7]\{3\} [0-9a-f]\{64\} - sys/kern/kern_foo.c$' \
	    "$TREE/.dfgen-overlay/manifest"
	assert_output 1
	cp "$TREE/sys/kern/kern_foo.c" "$BATS_TEST_TMPDIR/once.c"
	run edit_overlay "$TREE"
	assert_success
	assert_output "dfgen overlay: $TREE already matches the overlay"
	cmp "$BATS_TEST_TMPDIR/once.c" "$TREE/sys/kern/kern_foo.c"
	run edit_overlay --check "$TREE"
	assert_success
	assert_output "dfgen overlay: $TREE matches the overlay"
}

@test "ctxsw: overlay edit: revert is byte-identical, also after an update" {
	edit_setup
	edit_overlay "$TREE"
	# The description changes: the file is edited again from its original.
	sed -i 's/probe_count();/probe_count(1);/' "$TOP/sys-overlays/sys/dfgen/probe/kern_foo.edit"
	run edit_overlay --check "$TREE"
	assert_failure 1
	assert_line "differs sys/kern/kern_foo.c: out of date"
	run edit_overlay -v "$TREE"
	assert_success
	assert_line "edit sys/kern/kern_foo.c"
	run grep -c 'probe_count' "$TREE/sys/kern/kern_foo.c"
	assert_output 1
	grep -q 'probe_count(1);' "$TREE/sys/kern/kern_foo.c"
	run edit_overlay --revert "$TREE"
	assert_success
	diff -r "$BATS_TEST_TMPDIR/pristine" "$TREE"
	assert_equal "$(stat -c %a "$TREE/sys/kern/kern_foo.c")" \
	    "$(stat -c %a "$BATS_TEST_TMPDIR/pristine/sys/kern/kern_foo.c")"
}

@test "ctxsw: overlay edit: refuses to touch an edited file someone changed" {
	edit_setup
	edit_overlay "$TREE"
	echo '/* mine */' >> "$TREE/sys/kern/kern_foo.c"
	cp "$TREE/sys/kern/kern_foo.c" "$BATS_TEST_TMPDIR/mine.c"
	run edit_overlay --revert "$TREE"
	assert_failure 1
	assert_line --index 0 "$TREE/sys/kern/kern_foo.c: error: changed since the overlay installed it, so dfgen overlay will not revert it; save your version elsewhere and put back the original from .dfgen-overlay/orig/sys/kern/kern_foo.c, then run again"
	cmp "$BATS_TEST_TMPDIR/mine.c" "$TREE/sys/kern/kern_foo.c"
}

@test "ctxsw: overlay edit: an anchor that matches no line or two refuses the run" {
	edit_setup
	local edit=$TOP/sys-overlays/sys/dfgen/probe/kern_foo.edit
	sed -i 's/return (++foo_calls);/return (foo_calls++);/' "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_output "$edit:6:14: error: anchor of insert 'count' matches no line of sys/kern/kern_foo.c
insert count before: \"return (foo_calls++);\" {
             ^"
	diff -r "$BATS_TEST_TMPDIR/pristine" "$TREE"
	make_edit_top "$TOP"
	printf 'int\nfoo_count2(void)\n{\n\treturn (++foo_calls);\n}\n' >> "$TREE/sys/kern/kern_foo.c"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_output "$edit:6:14: error: anchor of insert 'count' matches 2 lines of sys/kern/kern_foo.c (lines 11, 16); it must match one
insert count before: \"return (++foo_calls);\" {
             ^"
	[ ! -e "$TREE/.dfgen-overlay" ] || fail "the refused run wrote a manifest"
}

@test "ctxsw: overlay edit: errors in a description, and a file the tree lacks" {
	edit_setup
	local edit=$TOP/sys-overlays/sys/dfgen/probe/kern_foo.edit
	printf 'edit e file: "sys/kern/kern_foo.c" {\n\tinsert i after: "x", before: "y" { line = "z"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:2:23: error: insert 'i' needs one of 'after:' or 'before:' (an anchor line)"
	printf 'edit e file: "../etc/passwd" {\n\tinsert i after: "x" { line = "z"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:1:8: error: '../etc/passwd' is not a path relative to SRCTOP"
	printf 'edit e file: "sys/kern/kern_foo.c" {\n\tinsert i after: "x" { text = "z"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:2:24: error: expected 'line = \"text\";'"
	printf 'edit e file: "sys/kern/kern_foo.c" {\n\tinsert i after: "x" { line = "a\\nb"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:2:31: error: a line cannot hold a newline; write one 'line' each"
	printf 'edit e file: "sys/kern/kern_foo.c" {\n\tinsert i after: "x" { line = "a"; }\n\tinsert i before: "y" { line = "b"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:3:9: error: insert 'i' is already in edit 'e'"
	printf 'edit e file: "sys/kern/kern_foo.c" {\n\tinsert i after: "  " { line = "a"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:2:11: error: an anchor is one non-blank line"
	printf 'edit e file: "sys/kern/kern_foo.c" {\n\tinsert i after: "x" { }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:2:9: error: insert 'i' has no lines"
	printf 'edit e file: "sys/kern/kern_foo.c" { }\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:1:6: error: edit 'e' has no inserts"
	printf 'edit e {\n\tinsert i after: "x" { line = "a"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_failure 1
	assert_line --index 0 "$edit:1:6: error: edit 'e' needs 'file:' (the file it edits, relative to SRCTOP)"
	diff -r "$BATS_TEST_TMPDIR/pristine" "$TREE"
	# A tree without the file gets the rest of the overlay, and a warning.
	printf 'edit e file: "sys/kern/kern_none.c" {\n\tinsert i after: "x" { line = "a"; }\n}\n' > "$edit"
	run edit_overlay "$TREE"
	assert_success
	assert_line --index 0 "$edit:1:6: warning: edit 'e' is skipped: the tree has no sys/kern/kern_none.c"
	[ -f "$TREE/sys/dfgen/probe/probe.c" ]
	[ ! -e "$TREE/sys/dfgen/probe/kern_foo.edit" ] || fail "a description was installed"
}

@test "ctxsw: overlay edit: a run killed at any step is finished or reverted byte for byte" {
	edit_setup
	local n=1 killed=$BATS_TEST_TMPDIR/killed clean=$BATS_TEST_TMPDIR/clean
	cp -a "$TREE" "$clean"
	edit_overlay "$clean"
	while :; do
		rm -rf "$killed" "$killed.2"
		cp -a "$BATS_TEST_TMPDIR/pristine" "$killed"
		run env DFGEN_OVERLAY_STOP_AFTER=$n "$PYTHON" \
		    "$DFGEN_TOP/generators/dfgen" overlay --dfgen-top "$TOP" "$killed"
		[ "$status" -eq 0 ] && break
		[ "$status" -eq 9 ] || fail "stopped after $n steps: $status $output"
		cp -a "$killed" "$killed.2"
		run edit_overlay "$killed"
		[ "$status" -eq 0 ] || fail "finishing after step $n: $output"
		diff -r "$clean" "$killed" || fail "finished after step $n differs"
		run edit_overlay --revert "$killed.2"
		[ "$status" -eq 0 ] || fail "reverting after step $n: $output"
		diff -r "$BATS_TEST_TMPDIR/pristine" "$killed.2" ||
		    fail "reverted after step $n differs"
		n=$((n + 1))
	done
	[ "$n" -gt 5 ] || fail "only $((n - 1)) steps"
}

@test "ctxsw: the record of a run names the m4 macros, so editing them regenerates" {
	run dfgen ctxsw -o "$OUT" --record "$OUT/rec.mk" "$CTXSW_DEF"
	assert_success
	grep -q "templates/ctxsw/probe.m4" "$OUT/rec.mk"
	grep -q "templates/ctxsw/asm.h.m4.j2" "$OUT/rec.mk"
}

@test "ctxsw: overlay: the shipped edits apply to the real tree and revert byte for byte" {
	[ -n "${DFLY_SRC:-}" ] || skip "DFLY_SRC is not set (the top of a DragonFly source tree)"
	local src=$BATS_TEST_TMPDIR/dfly
	mkdir "$src"
	cp -a "$DFLY_SRC/sys" "$src/sys"
	run dfgen overlay --dry-run "$src"
	assert_success
	assert_line "edit sys/kern/lwkt_thread.c"
	assert_line "edit sys/platform/pc64/x86_64/swtch.s"
	dfgen overlay "$src"
	run grep -c 'CTXSW_PROBES' "$src/sys/kern/lwkt_thread.c"
	assert_output 3
	run grep -c '^	CTXSW_ASM_' "$src/sys/platform/pc64/x86_64/swtch.s"
	assert_output 4
	dfgen overlay --revert "$src"
	diff -r "$DFLY_SRC/sys" "$src/sys"
}

# -- the kernel -------------------------------------------------------------

@test "ctxsw: the probes compile and assemble in a DragonFly kernel, and cost nothing when off" {
	kcheck_require_tree
	local T=$BATS_TEST_TMPDIR
	kcheck_overlaid_tree "$T/src"
	{
		sed 's/^ident[[:space:]].*/ident\t\tCTXSW/' \
		    "$DFLY_SRC/sys/config/X86_64_GENERIC"
		printf 'options\t\tCTXSW_PROBES\n'
	} > "$T/CTXSW"
	sed 's/^ident[[:space:]].*/ident\t\tNOCTXSW/' \
	    "$DFLY_SRC/sys/config/X86_64_GENERIC" > "$T/NOCTXSW"
	# dfgen's own files with -Werror: the generated ctxsw_probes.c and
	# ctxsw_decode.c, and dfgen_pmc.c.
	run kcheck_own "$T/src" "$T/CTXSW"
	assert_success
	assert_output --partial "CC ctxsw_probes.c"
	assert_output --partial "CC dfgen_pmc.c"
	# lwkt_thread.c and swtch.s with the probes in.
	local O=$T/obj/kernel-check/CTXSW
	run kcheck_units "$T/src" "$T/CTXSW" lwkt_thread swtch
	assert_success
	assert_equal "$(cat "$O/lwkt_thread.ck") $(cat "$O/swtch.ck")" "ok ok"
	nm "$O/lwkt_thread.o" | grep -q ' U ctxsw_area$'
	run objdump -d "$O/swtch.o"
	assert_success
	local probes
	probes=$(echo "$output" | grep -c 'rdtsc')
	assert_equal "$probes" 4
	# Off: the same objects as the tree without the overlay, but for
	# the line numbers the inserted lines shift (__LINE__ in KKASSERT).
	run kcheck_own "$T/src" "$T/NOCTXSW"
	assert_success
	run kcheck_units "$T/src" "$T/NOCTXSW" lwkt_thread swtch
	assert_success
	mkdir "$T/plain"
	(cd "$DFGEN_TOP" && LC_ALL=C bmake -f mk/kernel-check.mk generate \
	    PYTHON="$PYTHON" DFLY_SRC="$DFLY_SRC" KERNCONF="$T/NOCTXSW" \
	    KCHECK_OBJDIR="$T/plain" >/dev/null 2>&1)
	(cd "$DFGEN_TOP" && LC_ALL=C bmake -f mk/kernel-check.mk \
	    PYTHON="$PYTHON" DFLY_SRC="$DFLY_SRC" KERNCONF="$T/NOCTXSW" \
	    KCHECK_OBJDIR="$T/plain" lwkt_thread.ck swtch.ck >/dev/null 2>&1)
	local off=$T/obj/kernel-check/NOCTXSW
	! nm "$off/lwkt_thread.o" | grep -q ctxsw || fail "ctxsw in lwkt_thread.o when off"
	cmp <(objdump -d "$off/swtch.o" | tail -n +3) \
	    <(objdump -d "$T/plain/swtch.o" | tail -n +3)
	# Mnemonics and operands but immediates, instruction by instruction.
	cmp <(objdump -d --no-show-raw-insn "$off/lwkt_thread.o" | tail -n +3 |
	    sed 's/\$0x[0-9a-f]*/$N/g') \
	    <(objdump -d --no-show-raw-insn "$T/plain/lwkt_thread.o" | tail -n +3 |
	    sed 's/\$0x[0-9a-f]*/$N/g')
}
