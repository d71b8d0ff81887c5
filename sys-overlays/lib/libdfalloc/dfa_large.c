/*
 * Large objects: a run of whole spans each.  A freed run waits on a
 * list for a request of between half its spans and all of them; a run
 * of DFA_LARGE_RETURN spans or more first goes back to the system
 * (mapped over with fresh pages), a smaller one keeps its pages and is
 * marked dirty (its span's class byte) so that calloc() clears it.
 */
#define	_GNU_SOURCE

#include <sys/mman.h>

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

void
dfa_large_free(void *ptr)
{
	size_t span = dfa_span_of(ptr);
	size_t nspans = dfa_region.run[span];
	struct dfa_run *r = ptr;

	dfa_region.kind[span] = DFA_KIND_NONE;
	dfa_region.class[span] = 1;
	if (nspans >= DFA_LARGE_RETURN && mmap(ptr, nspans << DFA_SPAN_SHIFT,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE | MAP_FIXED, -1, 0) != MAP_FAILED)
		dfa_region.class[span] = 0;
	r->nspans = nspans;
	pthread_mutex_lock(&dfa_large_mtx);
	r->next = dfa_runs;
	dfa_runs = r;
	pthread_mutex_unlock(&dfa_large_mtx);
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
