/*
 * dfsched_sim.c: a deterministic scheduling simulator for the host.
 *
 *	dfsched_sim POLICY WORKLOAD SEED TICKS
 *
 * Runs the policy code of dfsched.c, driven by the generated table
 * (policies.def), on one virtual CPU for TICKS ticks of virtual time.
 * Workloads: 'cpu' (four CPU-bound threads), 'interactive' (four
 * threads that run 1-2 ticks and sleep 5-20), 'mixed' (three of each).
 * Prints, per thread, its CPU share, times switched to, wake-ups and
 * wake-up latency percentiles in ticks (wake to run).
 */

#include <sys/dfgen_compat.h>

#include <stdio.h>
#include <stdlib.h>

#include "policies.h"

#define	MAXTHREADS	8
#define	MAXSAMPLES	65536

struct simthread {
	struct dfsched_thread td;	/* first: dfsched hands back &td */
	int		interactive;
	uint64_t	burst;		/* ticks left before it sleeps */
	uint64_t	wake_at;	/* while asleep */
	uint64_t	woken_at;	/* while waiting after a wake-up */
	int		asleep, waiting;
	uint64_t	ran, switches, nlat;
	uint32_t	lat[MAXSAMPLES];
};

static struct simthread threads[MAXTHREADS];
static uint64_t rng;

/* A 64-bit LCG (Knuth's MMIX constants): the same seed, the same run. */
static uint32_t
rnd(uint32_t lo, uint32_t hi)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (lo + (uint32_t)((rng >> 33) % (hi - lo + 1)));
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return ((x > y) - (x < y));
}

static uint32_t
percentile(struct simthread *t, unsigned int pct)
{
	if (t->nlat == 0)
		return (0);
	return (t->lat[(t->nlat - 1) * pct / 100]);
}

static void
run_to(struct simthread *t, struct dfsched_rq *rq)
{
	if (t == NULL)
		return;
	t->switches++;
	if (t->waiting) {
		if (t->nlat < MAXSAMPLES)
			t->lat[t->nlat++] = (uint32_t)(rq->ticks - t->woken_at);
		t->waiting = 0;
	}
}

static int
find_policy(const char *name)
{
	int i;

	for (i = 0; i < POLICIES_NPOLICIES; i++)
		if (strcmp(policies_table[i].name, name) == 0)
			return (i);
	return (-1);
}

int
main(int argc, char **argv)
{
	struct dfsched_rq rq;
	struct dfsched_thread *cur;
	struct simthread *t;
	uint64_t ticks, now, total_switches = 0;
	int pol, ncpu, nint, n, i;

	if (argc != 5 || (pol = find_policy(argv[1])) < 0) {
		fprintf(stderr, "usage: dfsched_sim POLICY WORKLOAD SEED "
		    "TICKS\n");
		return (2);
	}
	if (strcmp(argv[2], "cpu") == 0) {
		ncpu = 4;
		nint = 0;
	} else if (strcmp(argv[2], "interactive") == 0) {
		ncpu = 0;
		nint = 4;
	} else if (strcmp(argv[2], "mixed") == 0) {
		ncpu = 3;
		nint = 3;
	} else {
		fprintf(stderr, "dfsched_sim: unknown workload '%s'\n",
		    argv[2]);
		return (2);
	}
	rng = strtoull(argv[3], NULL, 0);
	ticks = strtoull(argv[4], NULL, 0);
	if (ticks == 0) {
		fprintf(stderr, "dfsched_sim: TICKS must be positive\n");
		return (2);
	}
	n = ncpu + nint;

	dfsched_init(&rq, &policies_table[pol]);
	for (i = 0; i < n; i++) {
		t = &threads[i];
		dfsched_thread_init(&t->td, 0);
		t->interactive = i >= ncpu;
		t->burst = t->interactive ? rnd(1, 2) : UINT64_MAX;
		t->woken_at = 0;
		t->waiting = 1;
		dfsched_wakeup(&rq, &t->td);
	}
	run_to((struct simthread *)dfsched_switch(&rq), &rq);

	for (now = 0; now < ticks; now++) {
		int resched = 0;

		for (i = 0; i < n; i++) {
			t = &threads[i];
			if (t->asleep && t->wake_at == now) {
				t->asleep = 0;
				t->waiting = 1;
				t->woken_at = now;
				t->burst = rnd(1, 2);
				if (dfsched_wakeup(&rq, &t->td))
					resched = 1;
			}
		}
		if (resched || rq.curthr == NULL) {
			cur = dfsched_switch(&rq);
			run_to((struct simthread *)cur, &rq);
		}
		cur = rq.curthr;
		t = (struct simthread *)cur;
		resched = dfsched_tick(&rq);
		if (t == NULL)
			continue;
		t->ran++;
		if (t->interactive && --t->burst == 0) {
			t->asleep = 1;
			t->wake_at = now + 1 + rnd(5, 20);
			dfsched_sleep(&rq);
			resched = 1;
		}
		if (resched)
			run_to((struct simthread *)dfsched_switch(&rq), &rq);
	}

	for (i = 0; i < n; i++) {
		t = &threads[i];
		qsort(t->lat, t->nlat, sizeof(t->lat[0]), cmp_u32);
		total_switches += t->switches;
		printf("thread %d %s share=%.4f switches=%ju wakeups=%ju "
		    "p50=%u p99=%u max=%u\n", i,
		    t->interactive ? "interactive" : "cpu",
		    (double)t->ran / (double)ticks, (uintmax_t)t->switches,
		    (uintmax_t)t->nlat, percentile(t, 50), percentile(t, 99),
		    percentile(t, 100));
	}
	printf("policy %s workload %s switches=%ju\n", argv[1], argv[2],
	    (uintmax_t)total_switches);
	return (0);
}
