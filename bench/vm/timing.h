/*
 * timing.h: how the vm benchmarks time things: a monotonic clock in
 * nanoseconds, and the median of RUNS measurements.
 */

#ifndef _TIMING_H_
#define	_TIMING_H_

#include <stdlib.h>
#include <time.h>

#define	RUNS	5

static __inline double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

static __inline int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* The median of RUNS figures (sorted in place). */
static __inline double
median(double *v)
{
	qsort(v, RUNS, sizeof(*v), by_value);
	return (v[RUNS / 2]);
}

#endif /* !_TIMING_H_ */
