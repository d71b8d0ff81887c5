/*
 * Large objects: a run of whole spans each.  A freed run waits on a
 * list for a request of between half its spans and all of them; a run
 * of DFA_LARGE_RETURN spans or more first goes back to the system
 * (mapped over with fresh pages), a smaller one keeps its pages and is
 * marked dirty (its span's class byte) so that calloc() clears it.
 */
#define	_GNU_SOURCE

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "dfalloc_rt.h"

struct dfa_run {
	struct dfa_run	*next;
	size_t		nspans;
};

#define	DFA_LARGE_RETURN	16

static pthread_mutex_t dfa_large_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct dfa_run *dfa_runs;

void *
dfa_large_alloc(size_t size)
{
	struct dfa_run **rp, *r;
	size_t nspans;

	nspans = (size + DFA_SPAN_SIZE - 1) >> DFA_SPAN_SHIFT;
	if (nspans == 0 || nspans > UINT32_MAX)
		return (NULL);
	pthread_mutex_lock(&dfa_large_mtx);
	for (rp = &dfa_runs; (r = *rp) != NULL; rp = &r->next) {
		if (r->nspans >= nspans && r->nspans / 2 <= nspans) {
			*rp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&dfa_large_mtx);
	if (r != NULL) {
		r->next = NULL;
		r->nspans = 0;
		dfa_region.owner[dfa_span_of(r)] = dfa_self_id();
		__atomic_store_n(&dfa_region.kind[dfa_span_of(r)],
		    (uint8_t)DFA_KIND_LARGE, __ATOMIC_RELEASE);
		return (r);
	}
	return (dfa_span_get(nspans, DFA_KIND_LARGE, 0));
}

/*
 * A run goes on the list of free runs: `clean` when its pages are fresh
 * already, else after going back to the system if it is long enough.
 */
static void
dfa_large_put(void *ptr, int clean)
{
	size_t span = dfa_span_of(ptr);
	size_t nspans = dfa_region.run[span];
	struct dfa_run *r = ptr;

	dfa_region.kind[span] = DFA_KIND_NONE;
	dfa_region.class[span] = 1;
	if (clean || (nspans >= DFA_LARGE_RETURN && mmap(ptr,
	    nspans << DFA_SPAN_SHIFT, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != MAP_FAILED))
		dfa_region.class[span] = 0;
	r->nspans = nspans;
	pthread_mutex_lock(&dfa_large_mtx);
	r->next = dfa_runs;
	dfa_runs = r;
	pthread_mutex_unlock(&dfa_large_mtx);
}

void
dfa_large_free(void *ptr)
{
	dfa_large_put(ptr, 0);
}

/*
 * A large object grown to `size`: a new run, a quarter larger than
 * asked, so that a buffer grown step by step moves a few times only.
 * The old run's pages are moved into it rather than copied (mremap), so
 * that such a buffer, as a string builder's is, never needs its old and
 * new sizes at once, and the old run's range gets fresh pages: it goes
 * back free and clean, however short.  NULL when there is no run to be
 * had; the caller copies instead.
 */
void *
dfa_large_grow(void *ptr, size_t size)
{
	size_t len = dfa_large_usable_size(ptr);
	void *p;

	if (size > SIZE_MAX - size / 4 ||
	    (p = dfa_large_alloc(size + size / 4)) == NULL)
		return (NULL);
#ifdef __linux__
	if (mremap(ptr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p) !=
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
