/*
 * Segregated free lists: one thread-local list per size class, bounded;
 * beyond its bound a list gives half to the depot, so that memory a
 * thread frees but does not reuse goes to the threads that allocate.
 */
#include "dfalloc_rt.h"

/* Bytes of free objects a thread keeps per class. */
#define	DFA_FLIST_KEEP	(256 * 1024)
#define	DFA_FLIST_MIN	32

/*
 * How many free objects of each class a thread keeps; 0 until the class
 * is first used, which the first refill or spill sees to.
 */
uint32_t dfa_flist_max[DFALLOC_NCLASSES];

static uint32_t
dfa_flist_limit(unsigned int c)
{
	uint32_t n = DFA_FLIST_KEEP / dfalloc_class_size[c];

	n = n < DFA_FLIST_MIN ? DFA_FLIST_MIN : n;
	__atomic_store_n(&dfa_flist_max[c], n, __ATOMIC_RELAXED);
	return (n);
}

/* The thread's list of `c` is empty: the depot's, or a new span's. */
void *
dfa_flist_refill(unsigned int c)
{
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *f;
	uint32_t n;

	f = dfa_depot_take(c, dfa_flist_limit(c) / 2, &n);
	if (f == NULL)
		return (dfa_carve(&t->flist_cur[c], &t->flist_end[c],
		    DFA_KIND_FLIST, c));
	t->flist_free[c] = f->next;
	t->flist_count[c] = n - 1;
	return (f);
}

/*
 * The thread's list of `c` is past its bound: keep the newest half
 * (LIFO reuse) and give the rest away.
 */
void
dfa_flist_spill(unsigned int c)
{
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *head, *tail;
	uint32_t keep, i;

	if (t->flist_count[c] <= dfa_flist_limit(c))
		return;
	keep = t->flist_count[c] / 2;
	for (tail = t->flist_free[c], i = 1; i < keep; i++)
		tail = tail->next;
	head = tail->next;
	tail->next = NULL;
	for (tail = head, i = 1; tail->next != NULL; tail = tail->next)
		i++;
	t->flist_count[c] = keep;
	dfa_depot_put(c, head, tail, i);
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
