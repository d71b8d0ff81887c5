/*
 * pthread_bench: the same figures for system threads, the baseline:
 * a switch and a yield as sched_yield(2) between two threads on one
 * CPU, pthread_create+join, a round trip through two one-slot queues
 * (mutex and condition variable), and the memory an idle thread
 * touches.
 *
 *	pthread_bench N
 */

#define	_GNU_SOURCE

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static long n;

static void *
yielder(void *arg)
{
	cpu_set_t set;
	long i;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	for (i = 0; i < n; i++)
		sched_yield();
	return (arg);
}

static void *
nothing(void *arg)
{
	return (arg);
}

struct slot {
	pthread_mutex_t	mtx;
	pthread_cond_t	cv;
	int		full;
	long		v;
};

static struct slot ping = { PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_COND_INITIALIZER, 0, 0 };
static struct slot pong = { PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_COND_INITIALIZER, 0, 0 };

static void
put(struct slot *s, long v)
{
	pthread_mutex_lock(&s->mtx);
	while (s->full)
		pthread_cond_wait(&s->cv, &s->mtx);
	s->v = v;
	s->full = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mtx);
}

static long
get(struct slot *s)
{
	long v;

	pthread_mutex_lock(&s->mtx);
	while (!s->full)
		pthread_cond_wait(&s->cv, &s->mtx);
	v = s->v;
	s->full = 0;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mtx);
	return (v);
}

static void *
ponger(void *arg)
{
	long i;

	for (i = 0; i < n / 10; i++)
		put(&pong, get(&ping));
	return (arg);
}

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int release;

static void *
idler(void *arg)
{
	pthread_mutex_lock(&mtx);
	while (!release)
		pthread_cond_wait(&cv, &mtx);
	pthread_mutex_unlock(&mtx);
	return (arg);
}

int
main(int argc, char **argv)
{
	pthread_t t1, t2, *tds;
	long i, before, nidle = 1000;
	double t;

	n = argc > 1 ? atol(argv[1]) : 1000000;
	t = now();
	pthread_create(&t1, NULL, yielder, NULL);
	pthread_create(&t2, NULL, yielder, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	t = (now() - t) / (2.0 * n);
	printf("switch %.1f\nyield %.1f\n", t, t);

	t = now();
	for (i = 0; i < n / 10; i++) {
		pthread_create(&t1, NULL, nothing, NULL);
		pthread_join(t1, NULL);
	}
	printf("spawn_join %.1f\n", (now() - t) / (n / 10));

	pthread_create(&t1, NULL, ponger, NULL);
	t = now();
	for (i = 0; i < n / 10; i++) {
		put(&ping, i);
		(void)get(&pong);
	}
	printf("pingpong %.1f\n", (now() - t) / (n / 10));
	pthread_join(t1, NULL);

	tds = calloc((size_t)nidle, sizeof(*tds));
	before = rss();
	for (i = 0; i < nidle; i++)
		pthread_create(&tds[i], NULL, idler, NULL);
	usleep(100000);
	printf("idle_bytes %ld\n", (rss() - before) / nidle);
	pthread_mutex_lock(&mtx);
	release = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mtx);
	for (i = 0; i < nidle; i++)
		pthread_join(tds[i], NULL);
	free(tds);
	return (0);
}
