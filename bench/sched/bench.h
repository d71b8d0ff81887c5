/*
 * bench.h: what the thread benchmarks share: a monotonic clock in
 * nanoseconds, and the bytes of the process resident in memory.
 */

#ifndef _BENCH_H_
#define	_BENCH_H_

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

static long
rss(void)
{
	long size, res;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL || fscanf(f, "%ld %ld", &size, &res) != 2)
		exit(1);
	fclose(f);
	return (res * sysconf(_SC_PAGESIZE));
}

#endif /* !_BENCH_H_ */
