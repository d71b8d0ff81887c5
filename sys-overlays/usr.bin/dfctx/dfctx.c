/*
 * dfctx: measure what a context switch costs on this machine and split
 * the cost into the switch itself, the TLB refill and the cache reload.
 *
 *	dfctx [-q] [-c cpu] [-n reps] [-p passes] [-o dir]
 *	dfctx -r data [-x data] [-o dir]
 *	dfctx decode file
 *
 * Both parties of every switch run pinned to one CPU (-c; by default
 * the one that was idle the longest over a quarter second), at the
 * highest priority the system grants.  A point is measured in passes
 * over the whole sweep, -p (4; 1 with -q) of them and then more over
 * the points whose standard error is still above 1%, up to 16 (3 with
 * -q), each while the sweep would still end within 50 s.  In a pass
 * the thread pair, the process pair and the same loop run without a
 * switch take turns until each has -n (9) clean repetitions of about
 * half a millisecond; a repetition something else ran in is measured
 * again.  A point is the
 * mean of its passes' medians (dfctx_bench.c).
 * The direct cost is a switch with nothing touched; the TLB sweep
 * touches one line in each of 1 to 4096 pages after every switch; the
 * cache sweep touches every line of a 4 KiB to 32 MiB working set.
 * Every point is measured for two threads of one process (one address
 * space, each with its own part of the memory) and for two processes:
 * the difference is what the address-space change costs, what small
 * address spaces would save.  The model (dfctx_model.c) prices a
 * switch as a fixed cost plus, for each TLB and cache level, a cost per
 * page or line reloaded from it and per page or line of a set too large
 * for it that it would have kept; the table, dfctx.dat, dfctx.gp and
 * (with gnuplot) dfctx.svg show it.  -r fits the points of a dfctx.dat
 * again without measuring, and -x then tells how that model predicts
 * the totals of another sweep.  `dfctx decode` prints a dump of the
 * kernel's probes (options CTXSW_PROBES; sysctl -b debug.ctxsw.dump >
 * file).
 */

#define	_POSIX_C_SOURCE	200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfctx.h"

#define	MAX_POINTS	64

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
	    "       dfctx -r data [-x data] [-o dir]\n"
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

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ((double)(t.tv_sec - t0->tv_sec) +
	    (t.tv_nsec - t0->tv_nsec) * 1e-9);
}

/* Whether a point's figures are known well enough (o->max_se). */
static int
precise(const struct dfctx_options *o, const struct dfctx_point *p)
{
	return (p->se >= 0 && p->se <= o->max_se && p->base_se >= 0 &&
	    p->base_se <= o->max_se);
}

/*
 * Measure the sweep into pts: o->passes passes over every point, then
 * more over the points whose figures are not yet precise, up to
 * o->max_passes, each only while it would end within the sweep's time
 * budget (judged by how long the point's last pass took).  The number
 * of points, or -1.
 */
static int
measure(const struct dfctx_options *o, struct dfctx_point *pts,
    const struct timespec *t0)
{
	static struct dfctx_samples sm[MAX_POINTS / 2];
	double took[MAX_POINTS / 2], ref, start;
	char line[256];
	int i, n, pass, more;

	printf("dfctx: switches on CPU %d at %s; a point is the mean of %d "
	    "to %d passes of %d clean repetitions\n", o->cpu,
	    dfctx_priority(line, sizeof(line)), o->passes, o->max_passes,
	    o->reps);
	dfctx_pcid(line, sizeof(line));
	printf("dfctx: %s\n", line);
	ref = dfctx_reference();
	n = sweep(o, pts);
	for (pass = 0; pass < o->max_passes; ++pass) {
		more = 0;
		for (i = 0; i < n; i += 2) {
			/* After the first passes: where it helps, in time. */
			if (pass >= o->passes && ((precise(o, &pts[i]) &&
			    precise(o, &pts[i + 1])) ||
			    seconds_since(t0) + took[i / 2] > o->budget))
				continue;
			more++;
			start = seconds_since(t0);
			if (dfctx_measure(o, &pts[i], &pts[i + 1],
			    &sm[i / 2]) < 0) {
				fprintf(stderr, "dfctx: the %s point of %zu "
				    "pages failed\n", pts[i].sweep,
				    pts[i].touch.pages);
				return (-1);
			}
			took[i / 2] = seconds_since(t0) - start;
		}
		if (more == 0)
			break;
	}
	printf("dfctx: reference loop (200000 dependent integer operations): "
	    "%.1f us before the sweep, %.1f us after\n", ref,
	    dfctx_reference());
	return (n);
}

/*
 * How the models fitted to one sweep predict the totals of another
 * (-x), with the levels found from the first: the check that a model
 * explains the machine rather than one sweep's noise.
 */
static void
cross(const char *path, struct dfctx_point *pts, int n,
    const struct dfctx_machine *mc, const struct dfctx_model *thr,
    const struct dfctx_model *proc)
{
	struct dfctx_model t = *thr, p = *proc;
	double err;
	int i;

	dfctx_score(pts, n, DFCTX_THREAD, mc, &t);
	dfctx_score(pts, n, DFCTX_PROCESS, mc, &p);
	printf("cross: this model on %s: thread %d of %d totals within 10%%, "
	    "rms error %.1f%%, worst %.1f%%; process %d of %d, rms %.1f%%, "
	    "worst %.1f%%\n", path, t.within, t.points, t.rms, t.worst,
	    p.within, p.points, p.rms, p.worst);
	for (i = 0; i < n; ++i) {
		err = (pts[i].model - pts[i].total) / pts[i].total * 100;
		if (fabs(err) > 10)
			printf("cross: beyond 10%%: %s %s, %zu pages, %zu "
			    "lines: %.1f ns measured, %.1f ns predicted "
			    "(%+.1f%%)\n",
			    pts[i].sweep, pts[i].kind == DFCTX_THREAD ?
			    "thread" : "process", pts[i].touch.pages,
			    pts[i].touch.lines, pts[i].total, pts[i].model,
			    err);
	}
}

int
main(int argc, char **argv)
{
	struct dfctx_options o = { -1, 9, 4, DFCTX_PASSES, 0.01, 50, 0, ".",
	    NULL, NULL };
	struct dfctx_point pts[MAX_POINTS], other[MAX_POINTS];
	struct dfctx_machine raw, mc, other_mc;
	struct dfctx_model thr, proc;
	struct timespec t0;
	char line[256];
	int ch, n, n_other = 0;

	if (argc == 3 && strcmp(argv[1], "decode") == 0)
		return (dfctx_decode_file(argv[2]));
	while ((ch = getopt(argc, argv, "c:n:o:p:qr:x:")) != -1) {
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
			if (o.passes < 1 || o.passes > DFCTX_PASSES)
				usage();
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'q':
			o.quick = 1;
			break;
		case 'r':
			o.replay = optarg;
			break;
		case 'x':
			o.cross = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (o.cross != NULL && o.replay == NULL))
		usage();
	if (o.quick) {
		o.passes = 1;
		o.max_passes = 3;
	}
	if (o.max_passes < o.passes)
		o.max_passes = o.passes;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o.replay != NULL) {
		n = dfctx_read_data(o.replay, pts, MAX_POINTS, &raw);
		if (n < 0)
			return (1);
		if (o.cross != NULL) {
			n_other = dfctx_read_data(o.cross, other, MAX_POINTS,
			    &other_mc);
			if (n_other < 0)
				return (1);
		}
		printf("dfctx: %d points recorded in %s\n", n, o.replay);
	} else {
		if (o.cpu < 0)
			o.cpu = dfctx_quiet_cpu();
		if (dfctx_pin(o.cpu) != 0) {
			perror("dfctx: cannot pin to the CPU");
			return (1);
		}
		n = measure(&o, pts, &t0);
		if (n < 0)
			return (1);
		dfctx_machine(&raw, o.cpu);
	}
	mc = raw;
	dfctx_detect(pts, n, &mc);
	dfctx_fit(pts, n, DFCTX_THREAD, &mc, &thr);
	dfctx_fit(pts, n, DFCTX_PROCESS, &mc, &proc);
	if (dfctx_report(&o, pts, n, &raw, &mc, &thr, &proc) != 0)
		return (1);
	if (o.cross != NULL)
		cross(o.cross, other, n_other, &mc, &thr, &proc);
	if (o.replay != NULL)
		return (0);
	if (dfctx_counters(&o, line, sizeof(line)) != 0)
		printf("counters: skipped: %s\n", line);
	printf("dfctx: %d points in %.1f s\n", n, seconds_since(&t0));
	return (0);
}
