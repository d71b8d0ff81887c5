/*
 * dfctx_bench.c: timing switches.  Two parties pass a token through two
 * pipes, pinned to one CPU, so that every pass is a switch; each party
 * reads its own lines after it gets the token.  The same loop run by
 * one party alone (its token goes through one pipe back to itself)
 * costs the same system calls and touches with no switch: the
 * difference is what the switch costs, refills included.
 */

#define	_GNU_SOURCE

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfctx.h"

struct party {
	int		rfd;		/* the token comes in here */
	int		wfd;		/* and goes out here */
	long		rounds;
	const struct dfctx_touch *touch;
	unsigned char	*buf;
	int		error;
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
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec * 1e-9);
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
	memset(p, 1, len);
	return (p);
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

static int
take(int rfd)
{
	char c;

	return (read(rfd, &c, 1) == 1 ? 0 : -1);
}

/* A party that touches pages got its buffer. */
static int
has_buffer(const struct party *p)
{
	return (p->touch->pages == 0 || p->buf != NULL);
}

static void
close_all(int ab[2], int ba[2])
{
	int i;

	for (i = 0; i < 2; ++i) {
		if (ab[i] >= 0)
			close(ab[i]);
		if (ba[i] >= 0)
			close(ba[i]);
	}
}

/* The second party: take, touch, pass, rounds times. */
static void *
second(void *arg)
{
	struct party *b = arg;
	long i;

	for (i = 0; i < b->rounds; ++i) {
		if (take(b->rfd) != 0) {
			b->error = errno;
			break;
		}
		touch_lines(b->buf, b->touch);
		if (pass(b->wfd) != 0) {
			b->error = errno;
			break;
		}
	}
	return (NULL);
}

/* The first party: pass, take, touch; seconds per switch. */
static double
first(struct party *a, long warm)
{
	double t0 = 0;
	long i;

	for (i = 0; i < warm + a->rounds; ++i) {
		if (i == warm)
			t0 = now();
		if (pass(a->wfd) != 0 || take(a->rfd) != 0)
			return (-1);
		touch_lines(a->buf, a->touch);
	}
	return ((now() - t0) / (2.0 * a->rounds));
}

/*
 * Seconds per switch between two parties of `kind`, or < 0.  The timed
 * rounds follow rounds / 10 + 2 rounds of warming up.
 */
double
dfctx_switch_run(enum dfctx_kind kind, const struct dfctx_touch *t, long rounds)
{
	struct party a, b;
	int ab[2], ba[2];
	long warm = rounds / 10 + 2;
	double per = -1;
	pthread_t th;
	pid_t pid;
	int status;

	if (pipe(ab) != 0)
		return (-1);
	if (pipe(ba) != 0) {
		close(ab[0]);
		close(ab[1]);
		return (-1);
	}
	memset(&a, 0, sizeof(a));
	a.rfd = ba[0];
	a.wfd = ab[1];
	a.rounds = rounds;
	a.touch = t;
	b = a;
	b.rfd = ab[0];
	b.wfd = ba[1];
	b.rounds = warm + rounds;
	a.buf = party_buffer(t);
	if (kind == DFCTX_THREAD) {
		b.buf = party_buffer(t);
		if (has_buffer(&a) && has_buffer(&b) &&
		    pthread_create(&th, NULL, second, &b) == 0) {
			per = first(&a, warm);
			/* A first party that gave up leaves the second at EOF. */
			close(ab[1]);
			ab[1] = -1;
			pthread_join(th, NULL);
			if (b.error != 0)
				per = -1;
		}
		if (b.buf != NULL)
			munmap(b.buf, t->pages * DFCTX_PAGE);
	} else if (has_buffer(&a) && (pid = fork()) >= 0) {
		if (pid == 0) {
			close(ab[1]);
			close(ba[0]);
			b.buf = party_buffer(t);
			if (has_buffer(&b))
				second(&b);
			_exit(!has_buffer(&b) || b.error != 0);
		}
		close(ab[0]);
		close(ba[1]);
		ab[0] = ba[1] = -1;
		per = first(&a, warm);
		close(ab[1]);
		ab[1] = -1;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			per = -1;
	}
	if (a.buf != NULL)
		munmap(a.buf, t->pages * DFCTX_PAGE);
	close_all(ab, ba);
	return (per);
}

/* Seconds per iteration of the same loop by one party alone. */
static double
alone_run(const struct dfctx_touch *t, long rounds)
{
	struct party a;
	int p[2];
	double per;

	if (pipe(p) != 0)
		return (-1);
	memset(&a, 0, sizeof(a));
	a.rfd = p[0];
	a.wfd = p[1];
	a.rounds = rounds;
	a.touch = t;
	a.buf = party_buffer(t);
	/*
	 * One iteration alone (a write, a read, the touch) is what each
	 * switch of the pair does; first() gives half an iteration.
	 */
	per = has_buffer(&a) ? first(&a, rounds / 10 + 2) * 2.0 : -1;
	if (per < 0)
		per = -1;
	if (a.buf != NULL)
		munmap(a.buf, t->pages * DFCTX_PAGE);
	close(p[0]);
	close(p[1]);
	return (per);
}

/*
 * o->runs rounds of runs: in each, the thread pair, the process pair
 * and the party alone in turn, so that whatever else the CPU does falls
 * on all three alike.  Other work can only add time, so the fastest run
 * of each is kept; the spread of a pair's runs says how much the rest
 * varied.
 */
int
dfctx_measure(const struct dfctx_options *o, struct dfctx_point *thr,
    struct dfctx_point *proc)
{
	struct dfctx_point *pts[2] = { thr, proc };
	double v, probe, slowest[2] = { 0, 0 }, alone = -1;
	long rounds;
	int i, k;

	probe = dfctx_switch_run(DFCTX_PROCESS, &proc->touch, 20);
	if (probe <= 0)
		return (-1);
	rounds = (long)(o->target / (2.0 * probe));
	if (rounds < 20)
		rounds = 20;
	thr->total = proc->total = -1;
	for (i = 0; i < o->runs; ++i) {
		for (k = 0; k < 2; ++k) {
			v = dfctx_switch_run(pts[k]->kind, &pts[k]->touch, rounds);
			if (v < 0)
				return (-1);
			if (pts[k]->total < 0 || v < pts[k]->total)
				pts[k]->total = v;
			if (v > slowest[k])
				slowest[k] = v;
		}
		v = alone_run(&thr->touch, rounds);
		if (v < 0)
			return (-1);
		if (alone < 0 || v < alone)
			alone = v;
	}
	for (k = 0; k < 2; ++k) {
		pts[k]->spread = (slowest[k] - pts[k]->total) / pts[k]->total;
		pts[k]->total *= 1e9;
		pts[k]->base = alone * 1e9;
	}
	return (0);
}
