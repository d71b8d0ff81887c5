/*
 * dfctx_model.c: the cost model of a switch,
 *
 *	switch cost = fixed + tlb * pages + line * lines
 *
 * fitted to the points of one kind by least squares on relative error
 * (weights 1/cost^2), so that a 1 us point counts as much as a 1 ms
 * one.  The cost of a point is its total less its base (the same loop
 * without a switch); the model's total is the base plus the model.
 */

#include <math.h>

#include "dfctx.h"

#define	N	3

/* Solve a N x N system by Gaussian elimination; 0 if it is singular. */
static int
solve(double a[N][N], double b[N], double x[N])
{
	double f, t;
	int i, j, k, p;

	for (i = 0; i < N; ++i) {
		p = i;
		for (j = i + 1; j < N; ++j)
			if (fabs(a[j][i]) > fabs(a[p][i]))
				p = j;
		if (fabs(a[p][i]) < 1e-300)
			return (0);
		for (k = 0; k < N; ++k) {
			t = a[i][k];
			a[i][k] = a[p][k];
			a[p][k] = t;
		}
		t = b[i];
		b[i] = b[p];
		b[p] = t;
		for (j = i + 1; j < N; ++j) {
			f = a[j][i] / a[i][i];
			for (k = i; k < N; ++k)
				a[j][k] -= f * a[i][k];
			b[j] -= f * b[i];
		}
	}
	for (i = N - 1; i >= 0; --i) {
		t = b[i];
		for (k = i + 1; k < N; ++k)
			t -= a[i][k] * x[k];
		x[i] = t / a[i][i];
	}
	return (1);
}

void
dfctx_fit(struct dfctx_point *pts, int n, enum dfctx_kind kind,
    struct dfctx_model *m)
{
	double a[N][N] = { { 0 } }, b[N] = { 0 }, x[N] = { 0 };
	double row[N], cost, w, err;
	int i, j, k;

	for (i = 0; i < n; ++i) {
		if (pts[i].kind != kind)
			continue;
		cost = pts[i].total - pts[i].base;
		if (cost <= 0)
			continue;
		w = 1.0 / (cost * cost);
		row[0] = 1;
		row[1] = (double)pts[i].touch.pages;
		row[2] = (double)pts[i].touch.lines;
		for (j = 0; j < N; ++j) {
			for (k = 0; k < N; ++k)
				a[j][k] += w * row[j] * row[k];
			b[j] += w * row[j] * cost;
		}
	}
	m->ok = solve(a, b, x);
	m->fixed = x[0];
	m->tlb = x[1];
	m->line = x[2];
	m->worst = 0;
	m->points = m->within = 0;
	for (i = 0; i < n; ++i) {
		if (pts[i].kind != kind)
			continue;
		m->points++;
		pts[i].model = pts[i].base + m->fixed +
		    m->tlb * (double)pts[i].touch.pages +
		    m->line * (double)pts[i].touch.lines;
		err = fabs(pts[i].model - pts[i].total) / pts[i].total * 100;
		if (err > m->worst)
			m->worst = err;
		if (err <= 10)
			m->within++;
	}
}
