/*
 * dfctx_data.c: the data file, dfctx.dat.  It holds everything a fit
 * needs, so that `dfctx -r` fits a recorded sweep again without
 * measuring (on another machine, or with another model):
 *
 *	# level NAME pages|lines ENTRIES SOURCE	the machine's levels, as
 *						it describes them
 *	SWEEP KIND PAGES LINES KIB TOTAL BASE SWITCH MODEL SPREAD
 *	    BASE_SPREAD SE BASE_SE REPS DISTURBED PASSES
 *						a point (one line)
 *
 * The points come in four blocks, one per sweep (tlb, cache) and kind
 * (thread, process), each beginning with the direct point, separated
 * by two empty lines: gnuplot draws a block by its index.
 */

#define	_POSIX_C_SOURCE	200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfctx.h"

#define	MAX_SET	(1UL << 30)	/* pages or lines a point may touch */

static const char *const sweeps[] = { "direct", "tlb", "cache" };
static const char *const kinds[] = { "thread", "process" };

int
dfctx_write_data(const char *path, const struct dfctx_point *pts, int n,
    const struct dfctx_machine *mc)
{
	const struct dfctx_point *p;
	FILE *f;
	int s, k, i;

	f = fopen(path, "w");
	if (f == NULL)
		return (-1);
	fprintf(f, "# dfctx data: sweep kind pages lines set_kib total_ns "
	    "base_ns switch_ns model_switch_ns spread base_spread se base_se "
	    "reps disturbed passes\n");
	for (i = 0; i < mc->n; ++i)
		fprintf(f, "# level %s %s %.0f %s\n", mc->level[i].name,
		    mc->level[i].unit == DFCTX_PAGES ? "pages" : "lines",
		    mc->level[i].entries, mc->level[i].source);
	for (s = 1; s < 3; ++s) {
		for (k = 0; k < 2; ++k) {
			fprintf(f, "# %s %s\n", sweeps[s], kinds[k]);
			for (i = 0; i < n; ++i) {
				p = &pts[i];
				if (p->kind != (enum dfctx_kind)k ||
				    (strcmp(p->sweep, sweeps[s]) != 0 &&
				    strcmp(p->sweep, "direct") != 0))
					continue;
				fprintf(f, "%s %s %zu %zu %zu %.1f %.1f %.1f "
				    "%.1f %.4f %.4f %.4f %.4f %d %d %d\n",
				    p->sweep, kinds[k], p->touch.pages,
				    p->touch.lines,
				    p->touch.pages * DFCTX_PAGE / 1024,
				    p->total, p->base, p->total - p->base,
				    p->model - p->base, p->spread,
				    p->base_spread, p->se, p->base_se,
				    p->reps, p->disturbed, p->passes);
			}
			fprintf(f, "\n\n");
		}
	}
	return (fclose(f));
}

/* The name in table[0..n-1] that s is, or -1. */
static int
lookup(const char *const *table, int n, const char *s)
{
	int i;

	for (i = 0; i < n; ++i)
		if (strcmp(table[i], s) == 0)
			return (i);
	return (-1);
}

/* A level line ("# level ..."): 0, or -1 when it is malformed. */
static int
read_level(const char *line, struct dfctx_machine *mc)
{
	struct dfctx_level *l;
	char name[16], unit[8];
	double entries;
	int used = 0;

	if (mc->n >= DFCTX_LEVELS ||
	    sscanf(line, "# level %15s %7s %lf %n", name, unit, &entries,
	    &used) != 3 || !(entries >= 0 && entries < 1e12) || used == 0 ||
	    (strcmp(unit, "pages") != 0 && strcmp(unit, "lines") != 0))
		return (-1);
	l = &mc->level[mc->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->unit = strcmp(unit, "pages") == 0 ? DFCTX_PAGES : DFCTX_LINES;
	l->entries = entries;
	snprintf(l->source, sizeof(l->source), "%.*s",
	    (int)strcspn(line + used, "\n"), line + used);
	return (0);
}

/* A point line into p: 0, or -1 when it is malformed. */
static int
read_point(const char *line, struct dfctx_point *p)
{
	char sweep[8], kind[8];
	double kib, sw, model;
	int s, k;

	memset(p, 0, sizeof(*p));
	if (sscanf(line, "%7s %7s %zu %zu %lf %lf %lf %lf %lf %lf %lf %lf %lf "
	    "%d %d %d", sweep, kind, &p->touch.pages, &p->touch.lines, &kib,
	    &p->total, &p->base, &sw, &model, &p->spread, &p->base_spread,
	    &p->se, &p->base_se, &p->reps, &p->disturbed, &p->passes) != 16)
		return (-1);
	s = lookup(sweeps, 3, sweep);
	k = lookup(kinds, 2, kind);
	if (s < 0 || k < 0 || !(p->total > 0 && p->total < 1e12) ||
	    !(p->base > 0 && p->base < 1e12) || p->touch.pages > MAX_SET ||
	    p->touch.lines > MAX_SET)
		return (-1);
	p->sweep = sweeps[s];
	p->kind = k == 0 ? DFCTX_THREAD : DFCTX_PROCESS;
	p->touch.stride = s == 1 ? DFCTX_PAGE : DFCTX_LINE;
	return (0);
}

/* Whether pts[0..n-1] has the point p already (a direct point does). */
static int
known(const struct dfctx_point *pts, int n, const struct dfctx_point *p)
{
	int i;

	for (i = 0; i < n; ++i)
		if (pts[i].kind == p->kind &&
		    strcmp(pts[i].sweep, p->sweep) == 0 &&
		    pts[i].touch.pages == p->touch.pages &&
		    pts[i].touch.lines == p->touch.lines)
			return (1);
	return (0);
}

/*
 * Read a data file into pts (at most max points, thread and process of
 * each touch side by side, as a sweep measures them) and the machine
 * into mc.  The number of points, or -1 with the reason on stderr.
 */
int
dfctx_read_data(const char *path, struct dfctx_point *pts, int max,
    struct dfctx_machine *mc)
{
	struct dfctx_point p, all[2][64];
	char line[512];
	int n[2] = { 0, 0 }, lineno = 0, i, bad = 0;
	FILE *f;

	memset(mc, 0, sizeof(*mc));
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "dfctx: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL && !bad) {
		lineno++;
		if (strncmp(line, "# level ", 8) == 0)
			bad = read_level(line, mc) != 0;
		else if (line[0] != '#' && line[0] != '\n') {
			bad = read_point(line, &p) != 0 || n[p.kind] >= 64;
			if (!bad && !known(all[p.kind], n[p.kind], &p))
				all[p.kind][n[p.kind]++] = p;
		}
	}
	fclose(f);
	if (bad) {
		fprintf(stderr, "dfctx: %s:%d: not a line of dfctx data\n",
		    path, lineno);
		return (-1);
	}
	if (n[0] == 0 || n[0] != n[1] || 2 * n[0] > max || mc->n == 0) {
		fprintf(stderr, "dfctx: %s: %s\n", path, mc->n == 0 ?
		    "no levels of the machine" :
		    "the thread and process points do not pair up");
		return (-1);
	}
	for (i = 0; i < n[0]; ++i) {
		if (all[1][i].touch.pages != all[0][i].touch.pages ||
		    all[1][i].touch.lines != all[0][i].touch.lines) {
			fprintf(stderr, "dfctx: %s: the thread and process "
			    "points do not pair up\n", path);
			return (-1);
		}
		pts[2 * i] = all[0][i];
		pts[2 * i + 1] = all[1][i];
	}
	return (2 * n[0]);
}
