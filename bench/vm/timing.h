/*
 * timing.h: how the vm benchmarks time things: a monotonic clock in
 * nanoseconds, and the fastest of RUNS measurements: on a machine other
 * programs share, the slower ones hold their time too.
 */

#ifndef _TIMING_H_
#define	_TIMING_H_

#include <time.h>

#define	RUNS	15

static __inline double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

/* The fastest of RUNS figures. */
static __inline double
fastest(const double *v)
{
	double best;
	int i;

	best = v[0];
	for (i = 1; i < RUNS; i++) {
		if (v[i] < best)
			best = v[i];
	}
	return (best);
}

#endif /* !_TIMING_H_ */
