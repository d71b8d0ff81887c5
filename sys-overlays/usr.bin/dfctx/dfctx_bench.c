/*
 * dfctx_bench.c: timing switches.  Two parties pass a token through two
 * pipes, pinned to one CPU, so that every pass is a switch; each party
 * reads its own lines after it gets the token.  The same loop run by
 * one party alone (its token goes through one pipe back to itself)
 * costs the same system calls and touches with no switch: the
 * difference is what the switch costs, refills included.
 *
 * A point is measured in many short repetitions.  The thread pair, the
 * process pair and the party alone are set up once and take turns, one
 * repetition each, so that whatever else the CPU does falls on all
 * three alike.  A repetition is a few rounds of warming up and then the
 * timed rounds; both parties read their own CPU time at its start and
 * end.  When the wall time of a repetition exceeds the CPU time its
 * parties used, something else ran on the CPU in between: the
 * repetition was disturbed and is measured again.  A point is measured
 * in passes spread over the whole sweep (so that it does not fall on
 * one slow spell of a shared machine): it is the mean of the passes'
 * medians, with the standard error the passes tell, and its spread the
 * interquartile range of all its clean repetitions.
 */

#define	_GNU_SOURCE

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfctx.h"

#define	MAX_REPS	512	/* repetitions a series may take */
#define	REP_SECONDS	0.0005	/* what a repetition should take */
#define	SLACK		0.03	/* wall may exceed CPU time by 3% ... */
#define	SLACK_NS	1500.0	/* ... plus 1.5 us before it is disturbed */

/* The second party's CPU time at the start and end of each repetition. */
struct stamps {
	double		start[MAX_REPS];
	double		end[MAX_REPS];
};

struct party {
	int		rfd;		/* the token comes in here */
	int		wfd;		/* and goes out here */
	long		rounds;		/* timed rounds of a repetition */
	const struct dfctx_touch *touch;
	unsigned char	*buf;
	struct stamps	*stamps;	/* shared with the first party */
	int		error;
};

/* One of the three loops of a point, set up and ready to repeat. */
struct series {
	int		pair;		/* 0: the party alone */
	enum dfctx_kind	kind;
	struct party	a, b;
	int		ab[2], ba[2];
	pthread_t	thread;
	pid_t		pid;
	int		started;	/* the second party runs */
	int		reps;		/* repetitions run */
	int		clean;		/* of them, undisturbed */
	double		last;		/* ns per switch of the last one */
	double		v[MAX_REPS];	/* ns per switch (per loop alone) */
};

static volatile unsigned long dfctx_sink;

int
dfctx_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return (sched_setaffinity(0, sizeof(set), &set));
}

static double
clock_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

/* A party's own memory, faulted in. */
static unsigned char *
party_buffer(const struct dfctx_touch *t)
{
	unsigned char *p;
	size_t len;

	len = t->pages * DFCTX_PAGE;
	if (len == 0)
		return (NULL);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return (NULL);
#ifdef MADV_NOHUGEPAGE
	/*
	 * Pages of 4 KiB, as the TLB sweep counts them, also where the
	 * system would give the buffer huge pages by itself.
	 */
	(void)madvise(p, len, MADV_NOHUGEPAGE);
#endif
	memset(p, 1, len);
	return (p);
}

static void
free_buffer(unsigned char *p, const struct dfctx_touch *t)
{
	if (p != NULL)
		munmap(p, t->pages * DFCTX_PAGE);
}

/*
 * Read the lines: with a page stride, line i of page i sits at a
 * different offset in each page, so that the lines do not all fall in
 * one cache set.
 */
static void
touch_lines(const unsigned char *p, const struct dfctx_touch *t)
{
	unsigned long sum = 0;
	size_t i, off;

	for (i = 0; i < t->lines; ++i) {
		off = i * t->stride;
		if (t->stride == DFCTX_PAGE)
			off += (i % (DFCTX_PAGE / DFCTX_LINE)) * DFCTX_LINE;
		sum += *(const volatile unsigned char *)(p + off);
	}
	dfctx_sink += sum;
}

static int
pass(int wfd)
{
	char c = 'x';

	return (write(wfd, &c, 1) == 1 ? 0 : -1);
}

/* 1 with the token, 0 at the end of the stream, -1 on an error. */
static int
take(int rfd)
{
	char c;
	ssize_t r;

	r = read(rfd, &c, 1);
	return (r == 1 ? 1 : r == 0 ? 0 : -1);
}

/* A party that touches pages got its buffer. */
static int
has_buffer(const struct party *p)
{
	return (p->touch->pages == 0 || p->buf != NULL);
}

/*
 * The second party: take, touch, pass, repetition after repetition,
 * until the first party closes its pipe.  Its CPU time is read before
 * the first timed take and before the last pass of a repetition, so
 * that the first party finds it written when the token comes back.
 */
static void *
second(void *arg)
{
	struct party *b = arg;
	long i, n = DFCTX_WARM + b->rounds;
	int r, got;

	for (r = 0; ; ++r) {
		for (i = 0; i < n; ++i) {
			if (i == DFCTX_WARM && r < MAX_REPS)
				b->stamps->start[r] =
				    clock_of(CLOCK_THREAD_CPUTIME_ID);
			got = take(b->rfd);
			if (got <= 0) {
				if (got < 0)
					b->error = errno;
				return (NULL);
			}
			touch_lines(b->buf, b->touch);
			if (i == n - 1 && r < MAX_REPS)
				b->stamps->end[r] =
				    clock_of(CLOCK_THREAD_CPUTIME_ID);
			if (pass(b->wfd) != 0) {
				b->error = errno;
				return (NULL);
			}
		}
	}
}

static void
series_close(struct series *s)
{
	int status, i;

	/* The end of the stream tells the second party to stop. */
	if (s->ab[1] >= 0)
		close(s->ab[1]);
	s->ab[1] = -1;
	if (s->started && s->kind == DFCTX_THREAD)
		pthread_join(s->thread, NULL);
	else if (s->started && (waitpid(s->pid, &status, 0) != s->pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0))
		s->b.error = ECHILD;
	s->started = 0;
	for (i = 0; i < 2; ++i) {
		if (s->ab[i] >= 0)
			close(s->ab[i]);
		if (s->ba[i] >= 0)
			close(s->ba[i]);
		s->ab[i] = s->ba[i] = -1;
	}
	free_buffer(s->a.buf, s->a.touch);
	if (s->kind == DFCTX_THREAD)
		free_buffer(s->b.buf, s->b.touch);
	s->a.buf = s->b.buf = NULL;
	if (s->b.stamps != NULL)
		munmap(s->b.stamps, sizeof(*s->b.stamps));
	s->b.stamps = NULL;
}

/*
 * Set up a series: the party alone (pair 0) or a pair of `kind`, with
 * `rounds` timed rounds a repetition.  0, or -1 with everything undone.
 */
static int
series_open(struct series *s, int pair, enum dfctx_kind kind,
    const struct dfctx_touch *t, long rounds)
{
	memset(s, 0, sizeof(*s));
	s->pair = pair;
	s->kind = kind;
	s->ab[0] = s->ab[1] = s->ba[0] = s->ba[1] = -1;
	s->a.touch = s->b.touch = t;
	s->a.rounds = s->b.rounds = rounds;
	if (pipe(s->ab) != 0)
		return (-1);
	s->a.buf = party_buffer(t);
	if (!has_buffer(&s->a))
		goto fail;
	if (!pair) {
		/* Alone, the token goes through one pipe back to itself. */
		s->a.rfd = s->ab[0];
		s->a.wfd = s->ab[1];
		return (0);
	}
	s->b.stamps = mmap(NULL, sizeof(*s->b.stamps), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->b.stamps == MAP_FAILED) {
		s->b.stamps = NULL;
		goto fail;
	}
	if (pipe(s->ba) != 0)
		goto fail;
	s->a.rfd = s->ba[0];
	s->a.wfd = s->ab[1];
	s->b.rfd = s->ab[0];
	s->b.wfd = s->ba[1];
	if (kind == DFCTX_THREAD) {
		s->b.buf = party_buffer(t);
		if (!has_buffer(&s->b) ||
		    pthread_create(&s->thread, NULL, second, &s->b) != 0)
			goto fail;
		s->started = 1;
		return (0);
	}
	s->pid = fork();
	if (s->pid < 0)
		goto fail;
	if (s->pid == 0) {
		close(s->ab[1]);
		close(s->ba[0]);
		s->b.buf = party_buffer(t);
		if (has_buffer(&s->b))
			second(&s->b);
		_exit(!has_buffer(&s->b) || s->b.error != 0);
	}
	s->started = 1;
	close(s->ab[0]);
	close(s->ba[1]);
	s->ab[0] = s->ba[1] = -1;
	return (0);
fail:
	series_close(s);
	return (-1);
}

/*
 * One repetition: warming up, then the timed rounds.  Its ns per switch
 * (per loop, alone) go into v[] unless it was disturbed.  0 or -1.
 */
static int
series_rep(struct series *s)
{
	double w0 = 0, c0 = 0, w1, c1, cpu, per;
	long i, n = DFCTX_WARM + s->a.rounds;
	int r = s->reps;

	if (r >= MAX_REPS)
		return (-1);
	for (i = 0; i < n; ++i) {
		if (i == DFCTX_WARM) {
			c0 = clock_of(CLOCK_THREAD_CPUTIME_ID);
			w0 = clock_of(CLOCK_MONOTONIC);
		}
		if (pass(s->a.wfd) != 0 || take(s->a.rfd) != 1)
			return (-1);
		touch_lines(s->a.buf, s->a.touch);
	}
	w1 = clock_of(CLOCK_MONOTONIC);
	c1 = clock_of(CLOCK_THREAD_CPUTIME_ID);
	cpu = c1 - c0;
	if (s->pair)
		cpu += s->b.stamps->end[r] - s->b.stamps->start[r];
	s->reps++;
	per = (w1 - w0) / (s->pair ? 2.0 * s->a.rounds : s->a.rounds);
	s->last = per;
	if (w1 - w0 <= cpu * (1 + SLACK) + SLACK_NS)
		s->v[s->clean++] = per;
	return (0);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The q-quantile of sorted v[0..n-1], interpolated. */
static double
quantile(const double *v, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)pos;

	if (i + 1 >= n)
		return (v[n - 1]);
	return (v[i] + (pos - i) * (v[i + 1] - v[i]));
}

/* The median of n values (sorted in place) and their spread. */
static double
median_of(double *v, int n, double *spread)
{
	double m;

	qsort(v, n, sizeof(v[0]), cmp_double);
	m = quantile(v, n, 0.5);
	*spread = (quantile(v, n, 0.75) - quantile(v, n, 0.25)) / m;
	return (m);
}

/*
 * The mean of n values and, in *se, its standard error over it (-1
 * for one value, which tells nothing of it).
 */
static double
mean_of(const double *v, int n, double *se)
{
	double m = 0, sq = 0;
	int i;

	for (i = 0; i < n; ++i)
		m += v[i];
	m /= n;
	for (i = 0; i < n; ++i)
		sq += (v[i] - m) * (v[i] - m);
	*se = n > 1 ? sqrt(sq / (n - 1) / n) / m : -1;
	return (m);
}

/* Timed rounds for a repetition of about REP_SECONDS; at least 1. */
static long
rounds_for(const struct dfctx_touch *t)
{
	struct series s;
	double per, spread;
	long rounds;

	if (series_open(&s, 1, DFCTX_PROCESS, t, 1) != 0)
		return (-1);
	while (s.reps < 4 && series_rep(&s) == 0)
		continue;
	per = s.clean > 0 ? median_of(s.v, s.clean, &spread) : s.last;
	series_close(&s);
	if (s.reps < 4 || s.b.error != 0 || per <= 0)
		return (-1);
	rounds = (long)(REP_SECONDS * 1e9 / (2.0 * per));
	return (rounds < 1 ? 1 : rounds);
}

/*
 * One pass over a point: the three series take turns until each has
 * o->reps clean repetitions (or MAX_REPS in all); their clean values go
 * into sm, the disturbed ones are counted.  0 or -1.
 */
static int
measure_pass(const struct dfctx_options *o, const struct dfctx_touch *t,
    struct dfctx_samples *sm)
{
	static const int order[3] = { 1, 0, 2 };
	struct series s[3];
	double spread;
	int i, j, k, opened = 0, failed = 0, more;

	if (sm->passes >= DFCTX_PASSES)
		return (-1);

	/*
	 * The process pair first: its second party would otherwise hold
	 * the pipes of the others open, and they would never see the end
	 * of their stream.
	 */
	for (i = 0; i < 3; ++i) {
		k = order[i];
		if (series_open(&s[k], k < 2, k == 0 ? DFCTX_THREAD :
		    DFCTX_PROCESS, t, sm->rounds) != 0) {
			failed = 1;
			break;
		}
		opened++;
		/* The first repetition faults and warms; it does not count. */
		if (series_rep(&s[k]) != 0) {
			failed = 1;
			break;
		}
		s[k].clean = 0;
	}
	do {
		more = 0;
		for (i = 0; i < opened && !failed; ++i) {
			k = order[i];
			if (s[k].clean >= o->reps || s[k].reps >= MAX_REPS)
				continue;
			if (series_rep(&s[k]) != 0)
				failed = 1;
			more = 1;
		}
	} while (more && !failed);
	for (i = opened - 1; i >= 0; --i) {
		k = order[i];
		series_close(&s[k]);
		if (s[k].b.error != 0 || s[k].clean == 0)
			failed = 1;
	}
	if (failed)
		return (-1);
	for (k = 0; k < 3; ++k) {
		for (j = 0; j < s[k].clean && sm->n[k] < DFCTX_SAMPLES; ++j)
			sm->v[k][sm->n[k]++] = s[k].v[j];
		sm->pm[k][sm->passes] = median_of(s[k].v, s[k].clean, &spread);
		/* The first repetition, which warmed up, is not counted. */
		sm->disturbed[k] += s[k].reps - 1 - s[k].clean;
	}
	sm->passes++;
	return (0);
}

/*
 * One more pass over a pair of points (thread and process, the same
 * touch), its samples pooled with those of the passes before in sm.  A
 * point is the mean of the passes' medians: each pass sets its series
 * up anew (other memory, another moment of the machine), and the mean
 * of passes has a standard error the passes tell.  The largest
 * standard error of the three series (a fraction; HUGE_VAL after one
 * pass), or -1.
 */
double
dfctx_measure(const struct dfctx_options *o, struct dfctx_point *thr,
    struct dfctx_point *proc, struct dfctx_samples *sm)
{
	struct dfctx_point *pts[2] = { thr, proc };
	double m[3], spread[3], se[3], worst = 0;
	int k;

	if (sm->rounds == 0)
		sm->rounds = rounds_for(&proc->touch);
	if (sm->rounds < 0 || measure_pass(o, &thr->touch, sm) != 0)
		return (-1);
	for (k = 0; k < 3; ++k) {
		median_of(sm->v[k], sm->n[k], &spread[k]);
		m[k] = mean_of(sm->pm[k], sm->passes, &se[k]);
		if (se[k] < 0 || se[k] > worst)
			worst = se[k] < 0 ? HUGE_VAL : se[k];
	}
	for (k = 0; k < 2; ++k) {
		pts[k]->total = m[k];
		pts[k]->spread = spread[k];
		pts[k]->se = se[k];
		pts[k]->base = m[2];
		pts[k]->base_spread = spread[2];
		pts[k]->base_se = se[2];
		pts[k]->reps = sm->n[k];
		pts[k]->disturbed = sm->disturbed[k];
		pts[k]->passes = sm->passes;
	}
	return (worst);
}

/*
 * The machine's speed, for comparing runs: microseconds a chain of
 * 200000 dependent integer operations takes (no memory, no system
 * call), the fastest of 20.  A shared or virtual machine drifts; a
 * change in this figure between two runs is a change of the machine,
 * not of what dfctx measures.
 */
double
dfctx_reference(void)
{
	double t0, t, best = -1;
	unsigned long y;
	long i;
	int k;

	for (k = 0; k < 20; ++k) {
		y = dfctx_sink | 1;
		t0 = clock_of(CLOCK_MONOTONIC);
		for (i = 0; i < 200000; ++i)
			y = y * 3 + (unsigned long)i;
		t = clock_of(CLOCK_MONOTONIC) - t0;
		dfctx_sink += y;
		if (best < 0 || t < best)
			best = t;
	}
	return (best / 1000);
}

/*
 * Seconds per switch between two parties of `kind` over one repetition
 * of `rounds` timed rounds (and DFCTX_WARM more); < 0 on failure.  For
 * the hardware counters, which count the whole run.
 */
double
dfctx_switch_run(enum dfctx_kind kind, const struct dfctx_touch *t, long rounds)
{
	struct series s;
	double per = -1;

	if (series_open(&s, 1, kind, t, rounds) != 0)
		return (-1);
	if (series_rep(&s) == 0)
		per = s.last * 1e-9;
	series_close(&s);
	return (s.b.error != 0 ? -1 : per);
}
