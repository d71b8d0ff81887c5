/*
 * Segregated free lists: one thread-local list per size class, bounded;
 * beyond its bound a list gives half to the depot, so that memory a
 * thread frees but does not reuse goes to the threads that allocate.
 */
#include "dfalloc_rt.h"

/* Bytes of free objects a thread keeps per class. */
#define	DFA_FLIST_KEEP	(256 * 1024)
#define	DFA_FLIST_MIN	32

static uint32_t
dfa_flist_limit(unsigned int c)
{
	uint32_t n = DFA_FLIST_KEEP / dfalloc_class_size[c];

	return (n < DFA_FLIST_MIN ? DFA_FLIST_MIN : n);
}

void *
dfa_flist_alloc(size_t size)
{
	unsigned int c = dfalloc_class_of(size);
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *f;
	uint32_t n;

	f = t->flist_free[c];
	if (f == NULL) {
		f = dfa_depot_take(c, dfa_flist_limit(c) / 2, &n);
		if (f == NULL)
			return (dfa_carve(&t->flist_cur[c], &t->flist_end[c],
			    DFA_KIND_FLIST, c));
		t->flist_count[c] = n;
	}
	t->flist_free[c] = f->next;
	t->flist_count[c]--;
	return (f);
}

void
dfa_flist_free(void *ptr)
{
	unsigned int c = dfa_region.class[dfa_span_of(ptr)];
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *f = ptr, *head, *tail;
	uint32_t keep, i;

	f->next = t->flist_free[c];
	t->flist_free[c] = f;
	if (++t->flist_count[c] <= dfa_flist_limit(c))
		return;
	/* Keep the newest half (LIFO reuse), give the rest away. */
	keep = t->flist_count[c] / 2;
	for (tail = f, i = 1; i < keep; i++)
		tail = tail->next;
	head = tail->next;
	tail->next = NULL;
	for (tail = head, i = 1; tail->next != NULL; tail = tail->next)
		i++;
	t->flist_count[c] = keep;
	dfa_depot_put(c, head, tail, i);
}

size_t
dfa_flist_usable_size(const void *ptr)
{
	return (dfalloc_class_size[dfa_region.class[dfa_span_of(ptr)]]);
}
