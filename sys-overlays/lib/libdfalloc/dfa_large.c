/*
 * Large objects: a run of whole spans each.  Free runs wait on a list,
 * merged with the free runs on either side, and a request takes the
 * smallest that holds it, the rest staying free.  A run of
 * DFA_LARGE_RETURN spans or more that the program frees goes back to
 * the system first (mapped over with fresh pages); the pages of a
 * smaller one are kept, and its span's class byte marks it dirty, so
 * that calloc() clears it.
 *
 * A free run is marked by DFA_KIND_FREE and its length in `run` at its
 * first span and at its last, so that a run being freed finds the free
 * runs that touch it.  The list, the marks of free runs and the region's
 * marks of large runs are the lock's.
 */
#define	_GNU_SOURCE

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "dfalloc_rt.h"

struct dfa_run {
	struct dfa_run	*next;
	struct dfa_run	*prev;
};

#define	DFA_LARGE_RETURN	16
#define	DFA_LARGE_MOVE		4

static pthread_mutex_t dfa_large_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct dfa_run *dfa_runs;

static size_t
dfa_run_spans(const struct dfa_run *r)
{
	return (dfa_region.run[dfa_span_of(r)]);
}

static struct dfa_run *
dfa_run_at(size_t span)
{
	return ((struct dfa_run *)(dfa_region.base + (span << DFA_SPAN_SHIFT)));
}

/* The free run that starts at span `span`, or NULL. */
static struct dfa_run *
dfa_run_free_at(size_t span)
{
	if (span >= dfa_region.nspans ||
	    dfa_region.kind[span] != DFA_KIND_FREE)
		return (NULL);
	return (dfa_run_at(span));
}

/* Spans [span, span + n) as a free run, `dirty` or not, on the list. */
static void
dfa_run_free(size_t span, size_t n, int dirty)
{
	struct dfa_run *r = dfa_run_at(span);

	dfa_region.run[span] = dfa_region.run[span + n - 1] = (uint32_t)n;
	dfa_region.class[span] = (uint8_t)dirty;
	dfa_region.kind[span + n - 1] = DFA_KIND_FREE;
	__atomic_store_n(&dfa_region.kind[span], (uint8_t)DFA_KIND_FREE,
	    __ATOMIC_RELEASE);
	r->prev = NULL;
	if ((r->next = dfa_runs) != NULL)
		r->next->prev = r;
	dfa_runs = r;
}

/* Free run `r` off the list, its marks gone; whether it was dirty. */
static int
dfa_run_take(struct dfa_run *r)
{
	size_t span = dfa_span_of(r), n = dfa_run_spans(r);

	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		dfa_runs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	dfa_region.kind[span] = dfa_region.kind[span + n - 1] =
	    DFA_KIND_NONE;
	return (dfa_region.class[span]);
}

void *
dfa_large_alloc(size_t size)
{
	struct dfa_run *r, *best = NULL;
	size_t nspans, n, span;
	int dirty;

	nspans = (size + DFA_SPAN_SIZE - 1) >> DFA_SPAN_SHIFT;
	if (nspans == 0 || nspans > UINT32_MAX)
		return (NULL);
	pthread_mutex_lock(&dfa_large_mtx);
	for (r = dfa_runs; r != NULL; r = r->next) {
		n = dfa_run_spans(r);
		if (n >= nspans && (best == NULL || n < dfa_run_spans(best)))
			best = r;
		if (n == nspans)
			break;
	}
	if (best == NULL) {
		pthread_mutex_unlock(&dfa_large_mtx);
		return (dfa_span_get(nspans, DFA_KIND_LARGE, 0));
	}
	span = dfa_span_of(best);
	n = dfa_run_spans(best);
	dirty = dfa_run_take(best);
	if (n > nspans)
		dfa_run_free(span + nspans, n - nspans, dirty);
	dfa_region.run[span] = (uint32_t)nspans;
	dfa_region.class[span] = (uint8_t)dirty;
	dfa_region.owner[span] = dfa_self_id();
	__atomic_store_n(&dfa_region.kind[span], (uint8_t)DFA_KIND_LARGE,
	    __ATOMIC_RELEASE);
	pthread_mutex_unlock(&dfa_large_mtx);
	return (best);
}

/*
 * Run `ptr` is free: `clean` when its pages are fresh already, else
 * given fresh ones if it is long enough; then merged with the free runs
 * on either side.
 */
static void
dfa_large_put(void *ptr, int clean)
{
	size_t span = dfa_span_of(ptr);
	size_t n = dfa_region.run[span];
	struct dfa_run *next;
	int dirty;

	if (!clean && n >= DFA_LARGE_RETURN && mmap(ptr,
	    n << DFA_SPAN_SHIFT, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != MAP_FAILED)
		clean = 1;
	dirty = !clean;
	pthread_mutex_lock(&dfa_large_mtx);
	dfa_region.kind[span] = DFA_KIND_NONE;
	if ((next = dfa_run_free_at(span + n)) != NULL) {
		n += dfa_run_spans(next);
		dirty |= dfa_run_take(next);
	}
	/* A free run's last span is marked too. */
	if (span > 0 && dfa_region.kind[span - 1] == DFA_KIND_FREE) {
		span -= dfa_region.run[span - 1];
		n += dfa_region.run[span];
		dirty |= dfa_run_take(dfa_run_at(span));
	}
	dfa_run_free(span, n, dirty);
	pthread_mutex_unlock(&dfa_large_mtx);
}

void
dfa_large_free(void *ptr)
{
	dfa_large_put(ptr, 0);
}

/*
 * Run `ptr` grown in place to hold `need` spans, and up to `want`, from
 * the free run after it: 1, else 0.
 */
static int
dfa_large_extend(void *ptr, size_t need, size_t want)
{
	size_t span = dfa_span_of(ptr), n, m;
	struct dfa_run *next;
	int dirty;

	pthread_mutex_lock(&dfa_large_mtx);
	n = dfa_region.run[span];
	if ((next = dfa_run_free_at(span + n)) == NULL ||
	    n + (m = dfa_run_spans(next)) < need) {
		pthread_mutex_unlock(&dfa_large_mtx);
		return (0);
	}
	dirty = dfa_run_take(next);
	if (n + m > want)
		dfa_run_free(span + want, n + m - want, dirty);
	else
		want = n + m;
	dfa_region.run[span] = (uint32_t)want;
	pthread_mutex_unlock(&dfa_large_mtx);
	return (1);
}

/*
 * A large object grown to `size`, and a quarter more, so that a buffer
 * grown step by step moves a few times only: in place when the run
 * after it is free and long enough, as a heap grows a chunk into the
 * free one after it; else into a new run.
 * A run of DFA_LARGE_MOVE spans or more has its pages moved into the
 * new one rather than copied (mremap), so that such a buffer, as a
 * string builder's is, never needs its old and new sizes at once, and
 * the old run's range gets fresh pages: it goes back free and clean.  A
 * shorter one is copied and keeps its pages, as a free would: copying
 * it costs less than the system call and the faults of its fresh pages
 * when the range is used again.  NULL when there is no run to be had;
 * the caller copies instead.
 */
void *
dfa_large_grow(void *ptr, size_t size)
{
	size_t len = dfa_large_usable_size(ptr);
	void *p;

	if (size > SIZE_MAX - size / 4)
		return (NULL);
	if (dfa_large_extend(ptr, (size + DFA_SPAN_SIZE - 1) >> DFA_SPAN_SHIFT,
	    (size + size / 4 + DFA_SPAN_SIZE - 1) >> DFA_SPAN_SHIFT))
		return (ptr);
	if ((p = dfa_large_alloc(size + size / 4)) == NULL)
		return (NULL);
#ifdef __linux__
	if (len >= (size_t)DFA_LARGE_MOVE << DFA_SPAN_SHIFT &&
	    mremap(ptr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p) !=
	    MAP_FAILED) {
		if (mmap(ptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
		    MAP_FAILED)
			abort();	/* a hole in the region: nothing is safe */
		dfa_large_put(ptr, 1);
		return (p);
	}
#endif
	memcpy(p, ptr, len);
	dfa_large_put(ptr, 0);
	return (p);
}

size_t
dfa_large_usable_size(const void *ptr)
{
	return ((size_t)dfa_region.run[dfa_span_of(ptr)] << DFA_SPAN_SHIFT);
}

void
dfa_large_lock(void)
{
	pthread_mutex_lock(&dfa_large_mtx);
}

void
dfa_large_unlock(void)
{
	pthread_mutex_unlock(&dfa_large_mtx);
}
