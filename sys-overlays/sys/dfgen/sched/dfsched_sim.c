/*
 * dfsched_sim.c: a deterministic scheduling simulator for the host.
 *
 *	dfsched_sim POLICY WORKLOAD SEED TICKS
 *
 * Runs the policy code of dfsched.c, driven by the generated table
 * (policies.def), for TICKS ticks of virtual time.  Workloads:
 *
 *	cpu		four CPU-bound threads on one CPU
 *	interactive	four threads that run 1-2 ticks and sleep 5-20
 *	mixed		three of each on one CPU
 *	bursty		two CPU-bound threads and three that run 20-100
 *			ticks and sleep 50-300, on one CPU
 *	manycore	sixteen CPU-bound and sixteen interactive threads
 *			on eight CPUs
 *
 * With more than one CPU, each has its own run queue, and the policy's
 * affinity and steal say where threads go.  A thread wakes on the CPU it
 * last ran on unless another is idle (affinity: last), or on the least
 * loaded (spread); an idle CPU takes the next thread of the busiest
 * queue, and every BALANCE ticks one thread moves from the busiest queue
 * to the idlest, when they differ by `steal' threads or more.  The thread that moves is the one its queue would
 * run next, rebased by its policy (dfsched_steal(): under eevdf it
 * keeps its lag against the queue it joins).
 *
 * Prints, per thread, its CPU share (of one CPU), times switched to,
 * wake-ups and wake-up latency percentiles in ticks (wake to run); then
 * the totals.  On standard error, the scheduling decisions made and how
 * many a second of real time that is.
 */

#define	_POSIX_C_SOURCE	200809L	/* clock_gettime() */

#include <sys/dfgen_compat.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "policies.h"

#define	MAXTHREADS	32
#define	MAXCPUS		8
#define	MAXSAMPLES	65536
#define	BALANCE		10	/* ticks between balancing passes */

enum kind { CPU, INTERACTIVE, BURSTY };

static const char *const kind_names[] = { "cpu", "interactive", "bursty" };

struct simthread {
	struct dfsched_thread td;	/* first: dfsched hands back &td */
	enum kind	kind;
	int		cpu;		/* the run queue it is on or last ran */
	uint64_t	burst;		/* ticks left before it sleeps */
	uint64_t	wake_at;	/* while asleep */
	uint64_t	woken_at;	/* while waiting after a wake-up */
	int		asleep, waiting;
	uint64_t	ran, switches, nlat;
	uint32_t	lat[MAXSAMPLES];
};

struct workload {
	const char	*name;
	int		ncpus;
	int		n[3];		/* threads of each kind */
};

static const struct workload workloads[] = {
	{ "cpu", 1, { 4, 0, 0 } },
	{ "interactive", 1, { 0, 4, 0 } },
	{ "mixed", 1, { 3, 3, 0 } },
	{ "bursty", 1, { 2, 0, 3 } },
	{ "manycore", 8, { 16, 16, 0 } },
};

static struct simthread threads[MAXTHREADS];
static struct dfsched_rq rqs[MAXCPUS];
static int ncpus, nthreads;
static uint64_t rng, decisions, migrations;

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

/* Ticks a thread of kind k runs before it sleeps. */
static uint64_t
burst_of(enum kind k)
{
	switch (k) {
	case INTERACTIVE:
		return (rnd(1, 2));
	case BURSTY:
		return (rnd(20, 100));
	default:
		return (UINT64_MAX);
	}
}

/* Ticks it then sleeps. */
static uint64_t
sleep_of(enum kind k)
{
	return (k == BURSTY ? rnd(50, 300) : rnd(5, 20));
}

/* Switch CPU c to the thread its queue chooses, and count the switch. */
static void
switch_cpu(int c)
{
	struct simthread *t;

	decisions++;
	t = (struct simthread *)dfsched_switch(&rqs[c]);
	if (t == NULL)
		return;
	t->cpu = c;
	t->switches++;
	if (t->waiting) {
		if (t->nlat < MAXSAMPLES)
			t->lat[t->nlat++] = (uint32_t)(rqs[c].ticks -
			    t->woken_at);
		t->waiting = 0;
	}
}

static uint32_t
load(int c)
{
	return (rqs[c].nqueued + (rqs[c].curthr != NULL));
}

/*
 * Wake t where its policy's affinity says: on its CPU unless another
 * is idle (last), or on the least loaded (spread), its own on a tie.
 * Whether that CPU must switch.
 */
static int
wake(struct simthread *t, int *on)
{
	int c, last, spread;

	decisions++;
	last = t->cpu;
	spread = rqs[last].policy->affinity == DFSCHED_AFFINITY_SPREAD;
	for (c = 0; c < ncpus && load(t->cpu) != 0; c++) {
		if (spread ? load(c) < load(t->cpu) : load(c) == 0)
			t->cpu = c;
	}
	/* Another queue's virtual time: keep its lag (eevdf). */
	if (t->cpu != last) {
		dfsched_migrate(&rqs[last], &rqs[t->cpu], &t->td);
		migrations++;
	}
	*on = t->cpu;
	return (dfsched_wakeup(&rqs[t->cpu], &t->td));
}

/* Move the thread `from` would run next to `to`. */
static void
migrate(int from, int to)
{
	struct dfsched_thread *td;
	int preempt;

	td = dfsched_steal(&rqs[from], &rqs[to], &preempt);
	if (td == NULL)
		return;
	((struct simthread *)td)->cpu = to;
	migrations++;
	if (preempt || rqs[to].curthr == NULL)
		switch_cpu(to);
}

/*
 * A CPU takes a thread from a queue `steal' threads longer than its own
 * (the policy's; 0: never): at once when it is idle, else every BALANCE
 * ticks.
 */
static void
balance(uint64_t now)
{
	uint32_t steal = rqs[0].policy->steal;
	int c, busiest, idlest;

	for (busiest = idlest = c = 0; c < ncpus; c++) {
		if (rqs[c].nqueued > rqs[busiest].nqueued)
			busiest = c;
		if (load(c) < load(idlest))
			idlest = c;
	}
	if (steal == 0 || rqs[busiest].nqueued == 0 ||
	    load(busiest) < load(idlest) + steal)
		return;
	if (load(idlest) == 0 || now % BALANCE == 0)
		migrate(busiest, idlest);
}

static const struct workload *
find_workload(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (strcmp(workloads[i].name, name) == 0)
			return (&workloads[i]);
	return (NULL);
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

static void
setup(const struct workload *w, int pol)
{
	struct simthread *t;
	int c, k, i, on;

	ncpus = w->ncpus;
	for (c = 0; c < ncpus; c++)
		dfsched_init(&rqs[c], &policies_table[pol]);
	nthreads = 0;
	for (k = CPU; k <= BURSTY; k++) {
		for (i = 0; i < w->n[k]; i++) {
			t = &threads[nthreads];
			dfsched_thread_init(&t->td, 0);
			t->kind = (enum kind)k;
			t->cpu = nthreads % ncpus;
			t->burst = burst_of(t->kind);
			t->woken_at = 0;
			t->waiting = 1;
			nthreads++;
			(void)wake(t, &on);
		}
	}
	for (c = 0; c < ncpus; c++)
		switch_cpu(c);
}

/* One tick of virtual time on every CPU. */
static void
tick(uint64_t now)
{
	struct simthread *t;
	int resched[MAXCPUS], c, i, on;

	for (c = 0; c < ncpus; c++)
		resched[c] = 0;
	for (i = 0; i < nthreads; i++) {
		t = &threads[i];
		if (t->asleep && t->wake_at == now) {
			t->asleep = 0;
			t->waiting = 1;
			t->woken_at = now;
			t->burst = burst_of(t->kind);
			if (wake(t, &on))
				resched[on] = 1;
		}
	}
	if (ncpus > 1)
		balance(now);
	for (c = 0; c < ncpus; c++) {
		if (resched[c] || rqs[c].curthr == NULL)
			switch_cpu(c);
		t = (struct simthread *)rqs[c].curthr;
		resched[c] = dfsched_tick(&rqs[c]);
		if (t == NULL)
			continue;
		t->ran++;
		if (t->kind != CPU && --t->burst == 0) {
			t->asleep = 1;
			t->wake_at = now + 1 + sleep_of(t->kind);
			dfsched_sleep(&rqs[c]);
			resched[c] = 1;
		}
		if (resched[c])
			switch_cpu(c);
	}
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	const struct workload *w;
	struct simthread *t;
	uint64_t ticks, now, total_switches = 0;
	double t0;
	int pol, i;

	if (argc != 5 || (pol = find_policy(argv[1])) < 0) {
		fprintf(stderr, "usage: dfsched_sim POLICY WORKLOAD SEED "
		    "TICKS\n");
		return (2);
	}
	if ((w = find_workload(argv[2])) == NULL) {
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

	t0 = seconds();
	setup(w, pol);
	for (now = 0; now < ticks; now++)
		tick(now);
	t0 = seconds() - t0;

	for (i = 0; i < nthreads; i++) {
		t = &threads[i];
		qsort(t->lat, t->nlat, sizeof(t->lat[0]), cmp_u32);
		total_switches += t->switches;
		printf("thread %d %s share=%.4f switches=%ju wakeups=%ju "
		    "p50=%u p99=%u max=%u\n", i, kind_names[t->kind],
		    (double)t->ran / (double)ticks, (uintmax_t)t->switches,
		    (uintmax_t)t->nlat, percentile(t, 50), percentile(t, 99),
		    percentile(t, 100));
	}
	printf("policy %s workload %s switches=%ju cpus=%d migrations=%ju\n",
	    argv[1], argv[2], (uintmax_t)total_switches, ncpus,
	    (uintmax_t)migrations);
	fprintf(stderr, "dfsched_sim: %ju scheduling decisions in %.3f s: "
	    "%.0f a second\n", (uintmax_t)decisions, t0,
	    t0 > 0 ? decisions / t0 : 0.0);
	return (0);
}
