/*
 * The four allocation behaviours of issue ALLOC_TABLES, timed through
 * whatever malloc the process has (run it under LD_PRELOAD):
 *
 *	churn	64 live objects of 16-256 bytes, one replaced per pair
 *	bulk	rounds of 100000 objects of 16-256 bytes, freed together
 *	random	LIVE objects (argument) replaced at random
 *	xthread	one thread allocates 64 bytes, another frees them
 *
 *	behaviours NAME [LIVE]	prints "NAME ns-per-pair"
 */
#define	_GNU_SOURCE

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 88172645463325252ull;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((uint32_t)rng);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

static size_t
small(void)
{
	return (16 + next() % 241);
}

static double
churn(void)
{
	void *live[64];
	size_t i, k, n = 20000000;
	double t;

	for (i = 0; i < 64; i++)
		live[i] = malloc(small());
	t = now();
	for (i = 0; i < n; i++) {
		k = next() & 63;
		free(live[k]);
		live[k] = malloc(small());
		*(char *)live[k] = 1;
	}
	t = now() - t;
	for (i = 0; i < 64; i++)
		free(live[i]);
	return (t / n);
}

static double
bulk(void)
{
	static void *objs[100000];
	size_t i, r, rounds = 50;
	double t;

	t = now();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 100000; i++) {
			objs[i] = malloc(small());
			*(char *)objs[i] = 1;
		}
		for (i = 0; i < 100000; i++)
			free(objs[i]);
	}
	return ((now() - t) / (rounds * 100000));
}

static double
random_live(size_t live)
{
	void **objs = calloc(live, sizeof(*objs));
	size_t i, k, n = 4 * live;
	double t;

	/* Written, as the loop writes what it allocates. */
	for (i = 0; i < live; i++) {
		objs[i] = malloc(small());
		*(char *)objs[i] = 1;
	}
	t = now();
	for (i = 0; i < n; i++) {
		k = next() % live;
		free(objs[k]);
		objs[k] = malloc(small());
		*(char *)objs[k] = 1;
	}
	t = now() - t;
	for (i = 0; i < live; i++)
		free(objs[i]);
	free(objs);
	return (t / n);
}

#define	RING	4096
#define	XN	4000000

static void *volatile ring[RING];

static void *
consumer(void *arg)
{
	size_t i;
	void *p;

	(void)arg;
	for (i = 0; i < XN; i++) {
		while ((p = __atomic_load_n(&ring[i % RING],
		    __ATOMIC_ACQUIRE)) == NULL)
			;
		__atomic_store_n(&ring[i % RING], NULL, __ATOMIC_RELEASE);
		free(p);
	}
	return (NULL);
}

static double
xthread(void)
{
	pthread_t t;
	size_t i;
	double start;
	void *p;

	start = now();
	pthread_create(&t, NULL, consumer, NULL);
	for (i = 0; i < XN; i++) {
		p = malloc(64);
		*(char *)p = 1;
		while (__atomic_load_n(&ring[i % RING], __ATOMIC_ACQUIRE) !=
		    NULL)
			;
		__atomic_store_n(&ring[i % RING], p, __ATOMIC_RELEASE);
	}
	pthread_join(t, NULL);
	return ((now() - start) / XN);
}

int
main(int argc, char **argv)
{
	double ns;

	if (argc < 2) {
		fprintf(stderr, "usage: behaviours churn|bulk|random|xthread "
		    "[LIVE]\n");
		return (2);
	}
	if (strcmp(argv[1], "churn") == 0)
		ns = churn();
	else if (strcmp(argv[1], "bulk") == 0)
		ns = bulk();
	else if (strcmp(argv[1], "random") == 0)
		ns = random_live(argc > 2 ? strtoul(argv[2], NULL, 10) :
		    1000000);
	else if (strcmp(argv[1], "xthread") == 0)
		ns = xthread();
	else {
		fprintf(stderr, "behaviours: unknown behaviour %s\n", argv[1]);
		return (2);
	}
	printf("%s %.1f\n", argv[1], ns);
	return (0);
}
