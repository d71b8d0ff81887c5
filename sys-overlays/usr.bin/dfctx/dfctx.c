/*
 * dfctx: measure what a context switch costs on this machine and split
 * the cost into the switch itself, the TLB refill and the cache reload.
 *
 *	dfctx [-q] [-c cpu] [-n reps] [-p passes] [-o dir]
 *	dfctx decode file
 *
 * Both parties of every switch run pinned to one CPU (-c; by default
 * the one that was idle the longest over a quarter second), at the
 * highest priority the system grants.  A point is the median of its
 * clean repetitions of about half a millisecond, -n (9) in each of -p
 * (4; 1 with -q) passes over the whole sweep, the thread pair, the
 * process pair and the same loop run without a switch taking turns; a
 * repetition something else ran in is measured again, and a point
 * whose spread is too large gets up to two passes more (dfctx_bench.c).
 * The direct cost is a switch with nothing touched; the TLB sweep
 * touches one line in each of 1 to 4096 pages after every switch; the
 * cache sweep touches every line of a 4 KiB to 32 MiB working set.  Every point is measured
 * for two threads of one process (one address space, each with its own
 * part of the memory) and for two processes: the difference is what
 * the address-space change costs, what small address spaces would save.
 * The model (dfctx_model.c) prices a switch as a fixed cost plus, for
 * each TLB and cache level, a cost per page or line reloaded from it
 * and a constant where one set alone overflows it; the table, dfctx.dat, dfctx.gp and (with gnuplot) dfctx.svg show it.
 * -q runs a short sweep.  `dfctx decode` prints a dump of the kernel's
 * probes (options CTXSW_PROBES; sysctl -b debug.ctxsw.dump > file).
 */

#define	_POSIX_C_SOURCE	200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfctx.h"

#define	MAX_POINTS	64
#define	MAX_EXTRA	2	/* passes more for a point too spread */

static const size_t tlb_full[] = { 1, 4, 16, 32, 64, 128, 256, 512, 1024,
    2048, 4096 };
static const size_t tlb_quick[] = { 1, 64, 1024 };
static const size_t kib_full[] = { 4, 16, 32, 64, 256, 1024, 2048, 4096,
    16384, 32768 };
static const size_t kib_quick[] = { 16, 1024 };

static void
usage(void)
{
	fprintf(stderr, "usage: dfctx [-q] [-c cpu] [-n reps] [-p passes] "
	    "[-o dir]\n"
	    "       dfctx decode file\n");
	exit(2);
}

static int
add(struct dfctx_point *pts, int n, const char *sweep, size_t pages,
    size_t lines, size_t stride)
{
	int k;

	for (k = 0; k < 2; ++k) {
		memset(&pts[n], 0, sizeof(pts[n]));
		pts[n].sweep = sweep;
		pts[n].kind = k == 0 ? DFCTX_THREAD : DFCTX_PROCESS;
		pts[n].touch.pages = pages;
		pts[n].touch.lines = lines;
		pts[n].touch.stride = stride;
		n++;
	}
	return (n);
}

/* Every point of the sweep, thread and process side by side: each
 * pair is measured together. */
static int
sweep(const struct dfctx_options *o, struct dfctx_point *pts)
{
	const size_t *tlb = o->quick ? tlb_quick : tlb_full;
	const size_t *kib = o->quick ? kib_quick : kib_full;
	size_t ntlb = o->quick ? sizeof(tlb_quick) / sizeof(tlb_quick[0]) :
	    sizeof(tlb_full) / sizeof(tlb_full[0]);
	size_t nkib = o->quick ? sizeof(kib_quick) / sizeof(kib_quick[0]) :
	    sizeof(kib_full) / sizeof(kib_full[0]);
	size_t i;
	int n = 0;

	n = add(pts, n, "direct", 0, 0, DFCTX_LINE);
	for (i = 0; i < ntlb; ++i)
		n = add(pts, n, "tlb", tlb[i], tlb[i], DFCTX_PAGE);
	for (i = 0; i < nkib; ++i)
		n = add(pts, n, "cache", kib[i] * 1024 / DFCTX_PAGE,
		    kib[i] * 1024 / DFCTX_LINE, DFCTX_LINE);
	return (n);
}

int
main(int argc, char **argv)
{
	struct dfctx_options o = { -1, 9, 4, 0.05, 0, "." };
	static struct dfctx_samples sm[MAX_POINTS / 2];
	struct dfctx_point pts[MAX_POINTS];
	struct dfctx_machine mc;
	struct dfctx_model thr, proc;
	struct timespec t0, t1;
	char line[256];
	double spread, ref;
	int ch, i, n, pass, extra;

	if (argc == 3 && strcmp(argv[1], "decode") == 0)
		return (dfctx_decode_file(argv[2]));
	while ((ch = getopt(argc, argv, "c:n:o:p:q")) != -1) {
		switch (ch) {
		case 'c':
			o.cpu = atoi(optarg);
			break;
		case 'n':
			o.reps = atoi(optarg);
			if (o.reps < 1 || o.reps > 255)
				usage();
			break;
		case 'p':
			o.passes = atoi(optarg);
			if (o.passes < 1 || o.passes > 16)
				usage();
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'q':
			o.quick = 1;
			o.passes = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.cpu < 0)
		o.cpu = dfctx_quiet_cpu();
	if (dfctx_pin(o.cpu) != 0) {
		perror("dfctx: cannot pin to the CPU");
		return (1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("dfctx: switches on CPU %d at %s; a point is the median of %d "
	    "passes of %d clean repetitions\n", o.cpu,
	    dfctx_priority(line, sizeof(line)), o.passes, o.reps);
	dfctx_pcid(line, sizeof(line));
	printf("dfctx: %s\n", line);
	ref = dfctx_reference();
	n = sweep(&o, pts);
	for (pass = 0; pass < o.passes + MAX_EXTRA; ++pass) {
		extra = 0;
		for (i = 0; i < n; i += 2) {
			/* After the passes, more for the points too spread. */
			if (pass >= o.passes &&
			    pts[i].spread <= o.max_spread &&
			    pts[i + 1].spread <= o.max_spread &&
			    pts[i].base_spread <= o.max_spread)
				continue;
			extra++;
			spread = dfctx_measure(&o, &pts[i], &pts[i + 1],
			    &sm[i / 2]);
			if (spread < 0) {
				fprintf(stderr, "dfctx: the %s point of %zu "
				    "pages failed\n", pts[i].sweep,
				    pts[i].touch.pages);
				return (1);
			}
		}
		if (extra == 0)
			break;
	}
	printf("dfctx: reference loop (200000 dependent integer operations): "
	    "%.1f us before the sweep, %.1f us after\n", ref,
	    dfctx_reference());
	dfctx_machine(&mc, o.cpu);
	dfctx_detect(pts, n, &mc);
	dfctx_fit(pts, n, DFCTX_THREAD, &mc, &thr);
	dfctx_fit(pts, n, DFCTX_PROCESS, &mc, &proc);
	if (dfctx_report(&o, pts, n, &mc, &thr, &proc) != 0)
		return (1);
	if (dfctx_counters(&o, line, sizeof(line)) != 0)
		printf("counters: skipped: %s\n", line);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("dfctx: %d points in %.1f s\n", n, (double)(t1.tv_sec -
	    t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
	return (0);
}
