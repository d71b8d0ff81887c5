/*
 * dfctx_model.c: the cost model of a switch,
 *
 *	switch cost = fixed + sum over the levels k of
 *	    reload[k] * reloaded(k) + kept[k] * kept(k)
 *
 * The levels are the machine's TLBs (counted in pages) and caches (in
 * lines), of C entries each; a party's set is n entries.  After a
 * switch, a party finds in a level what the other party left of its
 * entries.  While the two sets fit in it together (n < C / 2), all of
 * them: the switch costs nothing there.  When they overflow it but one
 * alone fits (C / 2 <= n < C), the other party's set pushed the whole
 * of it out: reloaded(k) = n, priced reload[k] per entry.  When one set
 * alone overflows the level (n >= C), the loop alone misses too, and
 * the switch costs only the part of the set the level would have kept
 * from one round to the next without the other party.  With a true LRU
 * that is nothing; the replacement of a real CPU keeps part of a set
 * that overflows it, all of it when the set just fills the level and
 * less as it grows.  How fast, the sweeps say: on the 2 MiB L2 of the
 * machine this was written on, a switch costs a 2 MiB set 37-44 us
 * (every line reloaded, as just below the size), a 4 MiB set 3-11 us
 * of a 150 us round (what the L2 keeps of it between rounds: a few
 * thousand of its 65536 lines at 1.2-1.3 ns a line, about C / 8), and
 * larger sets nothing the L2 explains.  So the entries kept fall as
 * the cube of C / n,
 *
 *	kept(k) = C * (C / n)^3	for n >= C,
 *
 * priced kept[k] per entry: one cost per level, not one per size, and
 * one exponent for every level, read off those points.  (On eleven
 * sweeps of that machine, a constant for all sizes beyond fitted 42 of
 * 44 totals within 10% in each; C * (C / n)^p for p = 1, 2, 3, and
 * max(0, 2C - n), 44 in each; but the 4 MiB switch cost itself, 7-11
 * us measured in those sweeps, comes out 20-23 us for p = 1, 11-13 for
 * p = 2, 7-8 for p = 3 and 2-3 for the linear decline.)
 *
 * The costs are fitted to the points of one kind by least squares on
 * the relative error of the totals (weights 1/total^2), a term only
 * when some point has it; a term fitted a negative cost is left out and
 * the rest fitted again, and so is the term fewest points have while
 * the points do not determine them all.  The cost of a point is its total
 * less its base (the same loop without a switch); the model's total
 * is the base plus the model.
 *
 * Levels the machine does not describe (the TLBs where CPUID does not,
 * a last-level cache larger than the sweep reaches) are found from the
 * sweep: the sizes that let the model explain most points.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dfctx.h"

#define	N	(1 + DFCTX_TERMS)

/* Solve the n x n system a x = b; 0 if it is singular. */
static int
solve(double a[N][N], double b[N], double x[N], int n)
{
	double f, t;
	int i, j, k, p;

	for (i = 0; i < n; ++i) {
		p = i;
		for (j = i + 1; j < n; ++j)
			if (fabs(a[j][i]) > fabs(a[p][i]))
				p = j;
		if (fabs(a[p][i]) < 1e-300)
			return (0);
		for (k = 0; k < n; ++k) {
			t = a[i][k];
			a[i][k] = a[p][k];
			a[p][k] = t;
		}
		t = b[i];
		b[i] = b[p];
		b[p] = t;
		for (j = i + 1; j < n; ++j) {
			f = a[j][i] / a[i][i];
			for (k = i; k < n; ++k)
				a[j][k] -= f * a[i][k];
			b[j] -= f * b[i];
		}
	}
	for (i = n - 1; i >= 0; --i) {
		t = b[i];
		for (k = i + 1; k < n; ++k)
			t -= a[i][k] * x[k];
		x[i] = t / a[i][i];
	}
	return (1);
}

/* A party's set, in the unit of level l. */
static double
set_of(const struct dfctx_level *l, const struct dfctx_touch *t)
{
	return ((double)(l->unit == DFCTX_PAGES ? t->pages : t->lines));
}

/*
 * Term i of the model at touch t, i / 2 the level: for i even the
 * entries a party reloads because the other pushed its whole set out
 * (the two sets overflow the level, one alone fits), for i odd those
 * the level would have kept of a set that alone overflows it.
 */
static double
term(const struct dfctx_machine *mc, int i, const struct dfctx_touch *t)
{
	const struct dfctx_level *l = &mc->level[i / 2];
	double n = set_of(l, t), c = l->entries;

	if (c <= 0 || n < c / 2)
		return (0);
	if (i % 2 == 0)
		return (n < c ? n : 0);
	return (n >= c ? c * pow(c / n, 3) : 0);
}

/* The model's switch cost of point p. */
static double
predict(const struct dfctx_point *p, const struct dfctx_machine *mc,
    const struct dfctx_model *m)
{
	double c = m->fixed;
	int i;

	for (i = 0; i < 2 * mc->n; ++i)
		if (m->seen[i])
			c += m->cost[i] * term(mc, i, &p->touch);
	return (c);
}

/* One least-squares fit over the terms marked seen; 0 if singular. */
static int
fit_seen(const struct dfctx_point *pts, int n, enum dfctx_kind kind,
    const struct dfctx_machine *mc, struct dfctx_model *m)
{
	double a[N][N], b[N], x[N], row[N], cost, w;
	int col[N], nc, i, j, k;

	nc = 0;
	col[nc++] = -1;
	for (k = 0; k < 2 * mc->n; ++k)
		if (m->seen[k])
			col[nc++] = k;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(x, 0, sizeof(x));
	for (i = 0; i < n; ++i) {
		if (pts[i].kind != kind)
			continue;
		cost = pts[i].total - pts[i].base;
		w = 1.0 / (pts[i].total * pts[i].total);
		for (j = 0; j < nc; ++j)
			row[j] = col[j] < 0 ? 1 :
			    term(mc, col[j], &pts[i].touch);
		for (j = 0; j < nc; ++j) {
			for (k = 0; k < nc; ++k)
				a[j][k] += w * row[j] * row[k];
			b[j] += w * row[j] * cost;
		}
	}
	if (!solve(a, b, x, nc))
		return (0);
	m->fixed = x[0];
	for (j = 1; j < nc; ++j)
		m->cost[col[j]] = x[j];
	return (1);
}

/*
 * Which of terms i and j to leave out first when the points do not
 * determine them all: the one fewer points have; among equals, a level
 * found from the sweep before one the machine describes, the lines
 * kept of a set beyond a level before a reload, the outer level before
 * the inner.
 */
static int
weaker(const struct dfctx_machine *mc, int i, int ci, int j, int cj)
{
	int si, sj;

	if (ci != cj)
		return (ci < cj);
	si = strncmp(mc->level[i / 2].source, "sweep", 5) == 0;
	sj = strncmp(mc->level[j / 2].source, "sweep", 5) == 0;
	if (si != sj)
		return (si);
	if (i % 2 != j % 2)
		return (i % 2 == 1);
	return (i > j);
}

/* The term to leave out (see weaker()); -1 when no term is left. */
static int
least_supported(const struct dfctx_point *pts, int n, enum dfctx_kind kind,
    const struct dfctx_machine *mc, const struct dfctx_model *m)
{
	int i, k, c, least = -1, fewest = 0;

	for (k = 0; k < 2 * mc->n; ++k) {
		if (!m->seen[k])
			continue;
		c = 0;
		for (i = 0; i < n; ++i)
			if (pts[i].kind == kind &&
			    term(mc, k, &pts[i].touch) > 0)
				c++;
		if (least < 0 || weaker(mc, k, c, least, fewest)) {
			least = k;
			fewest = c;
		}
	}
	return (least);
}

void
dfctx_fit(struct dfctx_point *pts, int n, enum dfctx_kind kind,
    const struct dfctx_machine *mc, struct dfctx_model *m)
{
	int i, k, drop;

	memset(m, 0, sizeof(*m));
	/* A term counts when some point of the kind has it. */
	for (k = 0; k < 2 * mc->n; ++k)
		for (i = 0; i < n; ++i)
			if (pts[i].kind == kind &&
			    term(mc, k, &pts[i].touch) > 0)
				m->seen[k] = 1;
	for (;;) {
		m->ok = fit_seen(pts, n, kind, mc, m);
		drop = -1;
		if (!m->ok)
			drop = least_supported(pts, n, kind, mc, m);
		for (k = 0; k < 2 * mc->n && m->ok; ++k)
			if (m->seen[k] && m->cost[k] < 0 &&
			    (drop < 0 || m->cost[k] < m->cost[drop]))
				drop = k;
		if (drop < 0)
			break;
		m->seen[drop] = 0;
		m->cost[drop] = 0;
	}
	dfctx_score(pts, n, kind, mc, m);
}

/*
 * The model m's total at each point of its kind (the point's base plus
 * the switch cost m predicts), and how far those are from the measured
 * totals: for the points m was fitted to, or for another sweep's.
 */
void
dfctx_score(struct dfctx_point *pts, int n, enum dfctx_kind kind,
    const struct dfctx_machine *mc, struct dfctx_model *m)
{
	double err, sq = 0;
	int i;

	m->points = m->within = 0;
	m->worst = 0;
	for (i = 0; i < n; ++i) {
		if (pts[i].kind != kind)
			continue;
		m->points++;
		pts[i].model = pts[i].base + predict(&pts[i], mc, m);
		err = fabs(pts[i].model - pts[i].total) / pts[i].total * 100;
		sq += err * err;
		if (err > m->worst)
			m->worst = err;
		if (err <= 10)
			m->within++;
	}
	m->rms = m->points > 0 ? sqrt(sq / m->points) : 0;
}

/* How well both kinds fit with the levels mc: points within, error. */
static int
score(struct dfctx_point *pts, int n, const struct dfctx_machine *mc,
    double *rms)
{
	struct dfctx_model thr, proc;

	dfctx_fit(pts, n, DFCTX_THREAD, mc, &thr);
	dfctx_fit(pts, n, DFCTX_PROCESS, mc, &proc);
	*rms = thr.rms + proc.rms;
	return (thr.ok && proc.ok ? thr.within + proc.within : -1);
}

/*
 * The sizes a level found from the sweep may have: twice and one and a
 * half times the set of each point of the sweep that varies its unit
 * (TLB levels from the TLB sweep's pages, caches from the cache sweep's
 * lines), no larger than the largest of those sets, so that one point
 * or two fall in the window the level reloads or beyond it.
 */
static int
candidates(const struct dfctx_point *pts, int n, enum dfctx_unit unit,
    double lo, double hi, double *c, int max)
{
	const char *sweep = unit == DFCTX_PAGES ? "tlb" : "cache";
	double v, s, top = 0;
	int i, j, k, nc = 0, dup;

	/* No larger than the largest set, so that a point tells the size. */
	for (i = 0; i < n; ++i)
		if (strcmp(pts[i].sweep, sweep) == 0)
			top = fmax(top, (double)(unit == DFCTX_PAGES ?
			    pts[i].touch.pages : pts[i].touch.lines));
	if (top < hi)
		hi = top;
	for (i = 0; i < n; ++i) {
		if (strcmp(pts[i].sweep, sweep) != 0)
			continue;
		v = (double)(unit == DFCTX_PAGES ? pts[i].touch.pages :
		    pts[i].touch.lines);
		for (j = 0; j < 2; ++j) {
			s = j == 0 ? 2 * v : 1.5 * v;
			if (s <= lo || s > hi || nc >= max)
				continue;
			dup = 0;
			for (k = 0; k < nc; ++k)
				if (c[k] == s)
					dup = 1;
			if (!dup)
				c[nc++] = s;
		}
	}
	return (nc);
}

/*
 * Find the levels marked "sweep" (the TLBs CPUID does not describe,
 * with 0 entries, and caches larger than the sweep reaches) by trying
 * every candidate size of each, the TLBs in increasing order, and
 * keeping the sizes that explain most points, the smallest error among
 * equals.
 */
void
dfctx_detect(struct dfctx_point *pts, int n, struct dfctx_machine *mc)
{
	double cand[DFCTX_LEVELS][64], best_rms = 0, rms, lo;
	struct dfctx_machine best, cur = *mc;
	int free_[DFCTX_LEVELS], ncand[DFCTX_LEVELS], idx[DFCTX_LEVELS];
	int nf = 0, i, k, j, s, best_s = -2, ok;

	/* A cache the sweep cannot overflow is found from it instead. */
	for (k = 0; k < mc->n; ++k) {
		if (mc->level[k].unit != DFCTX_LINES)
			continue;
		ok = 0;
		for (i = 0; i < n; ++i)
			if ((double)pts[i].touch.lines >=
			    mc->level[k].entries / 2)
				ok = 1;
		if (!ok)
			snprintf(cur.level[k].source,
			    sizeof(cur.level[k].source), "sweep (%s: %.0f KiB)",
			    mc->level[k].source,
			    mc->level[k].entries * DFCTX_LINE / 1024);
	}
	*mc = cur;
	for (k = 0; k < mc->n; ++k) {
		if (strncmp(mc->level[k].source, "sweep", 5) != 0)
			continue;
		/* Above the level before it of the same unit. */
		lo = 0;
		for (j = k - 1; j >= 0; --j)
			if (mc->level[j].unit == mc->level[k].unit) {
				lo = mc->level[j].entries;
				break;
			}
		ncand[nf] = candidates(pts, n, mc->level[k].unit, lo,
		    mc->level[k].entries > 0 ? mc->level[k].entries : 1e300,
		    cand[nf], 64);
		if (ncand[nf] == 0) {
			/* No point of the sweep could tell its size. */
			if (mc->level[k].unit == DFCTX_LINES)
				snprintf(mc->level[k].source,
				    sizeof(mc->level[k].source),
				    "sysfs, beyond the sweep");
			continue;
		}
		free_[nf++] = k;
	}
	if (nf == 0)
		return;
	best = cur = *mc;
	memset(idx, 0, sizeof(idx));
	for (;;) {
		ok = 1;
		for (j = 0; j < nf; ++j) {
			cur.level[free_[j]].entries = cand[j][idx[j]];
			if (j > 0 && mc->level[free_[j]].unit ==
			    mc->level[free_[j - 1]].unit &&
			    cand[j][idx[j]] <= cand[j - 1][idx[j - 1]])
				ok = 0;
		}
		if (ok) {
			s = score(pts, n, &cur, &rms);
			if (s > best_s || (s == best_s && rms < best_rms)) {
				best_s = s;
				best_rms = rms;
				best = cur;
			}
		}
		for (j = 0; j < nf; ++j) {
			if (++idx[j] < ncand[j])
				break;
			idx[j] = 0;
		}
		if (j == nf)
			break;
	}
	*mc = best;
}
