/*
 * Segregated free lists: one thread-local list per size class, bounded,
 * and one full list put aside; beyond its bound the list in use is put
 * aside and the older full list goes to the depot, so that memory a
 * thread frees but does not reuse goes to the threads that allocate.
 */
#include "dfalloc_rt.h"

/* Bytes of free objects a thread keeps per class. */
#define	DFA_FLIST_KEEP	(256 * 1024)
#define	DFA_FLIST_MIN	32

/*
 * How many free objects of each class a thread keeps in the list in
 * use, and as many again in a full list put aside; 0 until the class is
 * first used, which the first refill or spill sees to.
 */
uint32_t dfa_flist_max[DFALLOC_NCLASSES];

static uint32_t
dfa_flist_limit(unsigned int c)
{
	uint32_t n = DFA_FLIST_KEEP / 2 / dfalloc_class_size[c];

	n = n < DFA_FLIST_MIN ? DFA_FLIST_MIN : n;
	__atomic_store_n(&dfa_flist_max[c], n, __ATOMIC_RELAXED);
	return (n);
}

/*
 * The thread's list of `c` is empty: the full list put aside, else the
 * depot's objects, else a new span's.
 */
void *
dfa_flist_refill(unsigned int c)
{
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *f, *last;
	uint32_t n;

	if ((f = t->flist_full[c]) != NULL) {
		n = t->flist_full_count[c];
		last = t->flist_full_last[c];
		t->flist_full[c] = NULL;
		t->flist_full_count[c] = 0;
	} else {
		f = dfa_depot_take(c, dfa_flist_limit(c), &n, &last);
		if (f == NULL)
			return (dfa_carve(&t->flist_cur[c], &t->flist_end[c],
			    DFA_KIND_FLIST, c));
	}
	t->flist_free[c] = f->next;
	t->flist_last[c] = last;
	t->flist_count[c] = n - 1;
	return (f);
}

/*
 * The thread's list of `c` is past its bound: it is put aside whole,
 * and the one put aside before it, the older, goes to the depot.  No
 * object is touched: each list knows its last.
 */
void
dfa_flist_spill(unsigned int c)
{
	struct dfa_thread *t = &dfa_self;

	if (t->flist_count[c] <= dfa_flist_limit(c))
		return;
	if (t->flist_full[c] != NULL)
		dfa_depot_put(c, t->flist_full[c], t->flist_full_last[c],
		    t->flist_full_count[c]);
	t->flist_full[c] = t->flist_free[c];
	t->flist_full_last[c] = t->flist_last[c];
	t->flist_full_count[c] = t->flist_count[c];
	t->flist_free[c] = NULL;
	t->flist_count[c] = 0;
}

void *
dfa_flist_alloc(size_t size)
{
	return (dfa_flist_take(dfalloc_class_of(size)));
}

void
dfa_flist_free(void *ptr)
{
	dfa_flist_put(ptr, dfa_region.class[dfa_span_of(ptr)]);
}

size_t
dfa_flist_usable_size(const void *ptr)
{
	return (dfalloc_class_size[dfa_region.class[dfa_span_of(ptr)]]);
}
