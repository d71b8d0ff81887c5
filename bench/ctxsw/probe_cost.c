/*
 * probe_cost.c: what one probe of the shipped ctxsw.def costs on this
 * CPU, in TSC cycles: an assembly probe called from a loop (less the
 * same call of an empty function) and the C probe inlined in a loop
 * (less the empty loop).  The smallest of several rounds is kept, as
 * other work can only add time.
 *
 *	probe_cost [CALLS]
 */

#include <stdio.h>
#include <stdlib.h>

#include "ctxsw.h"

#define	ROUNDS	15

void	bench_empty(void);
void	bench_heavy_switch(void);
void	bench_lwkt_restore(void);

static struct ctxsw_area area;

static double
per_call(void (*fn)(void), long calls)
{
	uint64_t t0, t1, best = 0;
	long i;
	int r;

	for (r = 0; r < ROUNDS; ++r) {
		t0 = ctxsw_rdtsc();
		for (i = 0; i < calls; ++i)
			fn();
		t1 = ctxsw_rdtsc();
		if (r == 0 || t1 - t0 < best)
			best = t1 - t0;
	}
	return ((double)best / calls);
}

static double
c_probe(long calls, int probe)
{
	volatile int sink = 0;
	uint64_t t0, t1, best = 0;
	long i;
	int r;

	for (r = 0; r < ROUNDS; ++r) {
		t0 = ctxsw_rdtsc();
		for (i = 0; i < calls; ++i) {
			if (probe)
				ctxsw_probe_switch_out(&area, &area.ca_stats);
			sink++;
		}
		t1 = ctxsw_rdtsc();
		if (r == 0 || t1 - t0 < best)
			best = t1 - t0;
	}
	return ((double)best / calls);
}

int
main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 200000;
	double empty, heavy, lwkt, c0, c1;

	ctxsw_area[0] = &area;
	ctxsw_host_cpu = 0;
	ctxsw_host_thread = &area;
	empty = per_call(bench_empty, calls);
	heavy = per_call(bench_heavy_switch, calls);
	lwkt = per_call(bench_lwkt_restore, calls);
	c0 = c_probe(calls, 0);
	c1 = c_probe(calls, 1);
	printf("probe cost, TSC cycles (fastest of %d rounds of %ld):\n",
	    ROUNDS, calls);
	printf("  assembly heavy_switch  %6.1f  (call %.1f with the probe, "
	    "%.1f without)\n", heavy - empty, heavy, empty);
	printf("  assembly lwkt_restore  %6.1f\n", lwkt - empty);
	printf("  C switch_out           %6.1f  (counters off: no rdpmc)\n",
	    c1 - c0);
	printf("  records written        %llu\n",
	    (unsigned long long)area.ca_stats.cs_head);
	return (0);
}
