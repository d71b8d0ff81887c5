/*
 * dfctx_report.c: the table, the model, what small address spaces
 * would save, and the plot (a data file, a gnuplot script, and the SVG
 * gnuplot draws from them when it is installed).
 */

#define	_POSIX_C_SOURCE	200809L

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dfctx.h"

static const char *
kind_name(enum dfctx_kind k)
{
	return (k == DFCTX_THREAD ? "thread" : "process");
}

static void
print_table(const struct dfctx_point *pts, int n)
{
	const struct dfctx_point *p;
	int i;

	char se[16];

	printf("%-6s %-7s %5s %7s %9s %10s %9s %10s %10s %7s %6s %5s %7s\n",
	    "sweep", "kind", "pages", "lines", "set KiB", "total ns",
	    "base ns", "switch ns", "model ns", "error", "spread", "se",
	    "reps");
	for (i = 0; i < n; ++i) {
		p = &pts[i];
		if (p->se >= 0)
			snprintf(se, sizeof(se), "%.1f%%", p->se * 100);
		else
			snprintf(se, sizeof(se), "-");
		printf("%-6s %-7s %5zu %7zu %9zu %10.1f %9.1f %10.1f %10.1f "
		    "%+6.1f%% %5.1f%% %5s %3d+%d\n", p->sweep,
		    kind_name(p->kind), p->touch.pages, p->touch.lines,
		    p->touch.pages * DFCTX_PAGE / 1024, p->total, p->base,
		    p->total - p->base, p->model,
		    (p->model - p->total) / p->total * 100, p->spread * 100,
		    se, p->reps, p->disturbed);
	}
}

/* Term i of the model: its cost, or why it has none. */
static const char *
cost_of(const struct dfctx_model *m, int i, const char *unit, char *buf,
    size_t len)
{
	if (!m->ok)
		snprintf(buf, len, "?");
	else if (!m->seen[i])
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f ns/%s", m->cost[i], unit);
	return (buf);
}

/*
 * The model as a table: the fixed cost, then each level with its size,
 * where the size comes from, and for threads and for processes its cost
 * per page or line reloaded and per page or line kept; then the fit.
 */
static void
print_model(const struct dfctx_machine *mc, const struct dfctx_model *thr,
    const struct dfctx_model *proc)
{
	const struct dfctx_level *l;
	char size[32], a[32], b[32], c[32], d[32];
	const char *unit;
	int k;

	printf("model: switch cost = fixed + for each level of C pages or "
	    "lines, a cost per\n"
	    "  page or line a party of n reloads (all n when the two sets "
	    "overflow the level\n"
	    "  and one alone fits) and a cost per page or line kept (what the "
	    "level keeps of\n"
	    "  a set that alone overflows it: C (C/n)^3);\n"
	    "  total = base + switch cost\n");
	printf("  %-5s %-12s %-28s %15s %15s %15s %15s\n", "level", "size",
	    "from", "thread reload", "kept", "process reload", "kept");
	printf("  %-5s %-12s %-28s %12.1f ns %15s %12.1f ns %15s\n", "fixed",
	    "", "", thr->fixed, "", proc->fixed, "");
	for (k = 0; k < mc->n; ++k) {
		l = &mc->level[k];
		unit = l->unit == DFCTX_PAGES ? "page" : "line";
		if (l->entries <= 0)
			snprintf(size, sizeof(size), "not found");
		else if (l->unit == DFCTX_PAGES)
			snprintf(size, sizeof(size), "%.0f pages", l->entries);
		else
			snprintf(size, sizeof(size), "%.0f KiB",
			    l->entries * DFCTX_LINE / 1024);
		printf("  %-5s %-12s %-28s %15s %15s %15s %15s\n", l->name,
		    size, l->source,
		    cost_of(thr, 2 * k, unit, a, sizeof(a)),
		    cost_of(thr, 2 * k + 1, unit, b, sizeof(b)),
		    cost_of(proc, 2 * k, unit, c, sizeof(c)),
		    cost_of(proc, 2 * k + 1, unit, d, sizeof(d)));
	}
	printf("  (-: no point of the sweep has the term, or its fitted cost "
	    "was negative)\n");
	printf("fit: thread %d of %d totals within 10%%, rms error %.1f%%, "
	    "worst %.1f%%; process %d of %d, rms %.1f%%, worst %.1f%%\n",
	    thr->within, thr->points, thr->rms, thr->worst, proc->within,
	    proc->points, proc->rms, proc->worst);
}

/* The switch cost of the points at `pages` of sweep `sweep`, or -1. */
static double
cost_at(const struct dfctx_point *pts, int n, const char *sweep,
    enum dfctx_kind kind, size_t pages)
{
	int i;

	for (i = 0; i < n; ++i)
		if (strcmp(pts[i].sweep, sweep) == 0 && pts[i].kind == kind &&
		    pts[i].touch.pages == pages)
			return (pts[i].total - pts[i].base);
	return (-1);
}

static void
print_savings(const struct dfctx_point *pts, int n)
{
	double thr, proc;
	int i;

	printf("one address space (threads, each with its own part of the "
	    "memory, as segmentation would partition it) vs two (processes):\n");
	for (i = 0; i < n; ++i) {
		if (pts[i].kind != DFCTX_THREAD ||
		    strcmp(pts[i].sweep, "cache") == 0)
			continue;
		thr = pts[i].total - pts[i].base;
		proc = cost_at(pts, n, pts[i].sweep, DFCTX_PROCESS,
		    pts[i].touch.pages);
		if (proc < 0)
			continue;
		printf("  %4zu pages touched: thread %9.1f ns, process %9.1f ns:"
		    " the address-space change costs %8.1f ns (%.0f%% of the "
		    "process switch)\n", pts[i].touch.pages, thr, proc,
		    proc - thr, proc > 0 ? (proc - thr) / proc * 100 : 0);
	}
}

static FILE *
open_out(const char *dir, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, name);
	return (fopen(path, "w"));
}

static int
write_script(const char *dir)
{
	char path[4096];
	FILE *f;

	f = open_out(dir, "dfctx.gp", path, sizeof(path));
	if (f == NULL)
		return (-1);
	fprintf(f,
	    "# Written by dfctx: gnuplot dfctx.gp draws dfctx.svg.\n"
	    "set terminal svg size 1100,450 dynamic font 'sans,11'\n"
	    "set output 'dfctx.svg'\n"
	    "set multiplot layout 1,2 title 'Cost of a context switch "
	    "(dfctx): measured points, the fitted model dashed'\n"
	    "set logscale xy\n"
	    "set grid\n"
	    "set key top left\n"
	    "set ylabel 'ns per switch (less the same loop without a switch)'\n"
	    "set title 'TLB: after each switch, one line in each of N pages'\n"
	    "set xlabel 'pages touched per switch'\n"
	    "plot [1:4096] 'dfctx.dat' index 0 using ($3>0?$3:1/0):8 "
	    "with points pt 7 lc rgb '#1f77b4' title 'threads (one address "
	    "space)', \\\n"
	    "     'dfctx.dat' index 1 using ($3>0?$3:1/0):8 with points pt 5 "
	    "lc rgb '#d62728' title 'processes', \\\n"
	    "     'dfctx.dat' index 0 using ($3>0?$3:1/0):9 with lines dt 2 "
	    "lc rgb '#1f77b4' notitle, \\\n"
	    "     'dfctx.dat' index 1 using ($3>0?$3:1/0):9 with lines dt 2 "
	    "lc rgb '#d62728' notitle\n"
	    "set title 'Cache: after each switch, every line of the working "
	    "set'\n"
	    "set xlabel 'working set per party (KiB)'\n"
	    "plot [4:32768] 'dfctx.dat' index 2 using ($5>0?$5:1/0):8 "
	    "with points pt 7 lc rgb '#1f77b4' title 'threads', \\\n"
	    "     'dfctx.dat' index 3 using ($5>0?$5:1/0):8 with points pt 5 "
	    "lc rgb '#d62728' title 'processes', \\\n"
	    "     'dfctx.dat' index 2 using ($5>0?$5:1/0):9 with lines dt 2 "
	    "lc rgb '#1f77b4' notitle, \\\n"
	    "     'dfctx.dat' index 3 using ($5>0?$5:1/0):9 with lines dt 2 "
	    "lc rgb '#d62728' notitle\n"
	    "unset multiplot\n");
	return (fclose(f));
}

/* Run gnuplot in dir; 0 when it drew the plot, 1 when it is absent. */
static int
draw(const char *dir)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", "dfctx.gp", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return (-1);
	if (WEXITSTATUS(status) == 127)
		return (1);
	return (WEXITSTATUS(status) == 0 ? 0 : -1);
}

int
dfctx_report(const struct dfctx_options *o, const struct dfctx_point *pts,
    int n, const struct dfctx_machine *raw, const struct dfctx_machine *mc,
    const struct dfctx_model *thr, const struct dfctx_model *proc)
{
	char path[4096];
	int drawn;

	print_table(pts, n);
	print_model(mc, thr, proc);
	if (thr->ok && proc->ok)
		printf("  address-space change: %+.1f ns fixed (process less "
		    "thread)\n", proc->fixed - thr->fixed);
	print_savings(pts, n);
	snprintf(path, sizeof(path), "%s/dfctx.dat", o->outdir);
	if (dfctx_write_data(path, pts, n, raw) != 0 ||
	    write_script(o->outdir) != 0) {
		fprintf(stderr, "dfctx: cannot write into %s\n", o->outdir);
		return (-1);
	}
	drawn = draw(o->outdir);
	if (drawn == 1)
		printf("plot: skipped: gnuplot is not installed; %s/dfctx.gp "
		    "draws it from %s/dfctx.dat\n", o->outdir, o->outdir);
	else if (drawn == 0)
		printf("plot: %s/dfctx.svg\n", o->outdir);
	else {
		fprintf(stderr, "dfctx: gnuplot failed on %s/dfctx.gp\n",
		    o->outdir);
		return (-1);
	}
	return (0);
}
