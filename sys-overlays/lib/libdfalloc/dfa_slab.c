/*
 * The slab: objects of one size class, a thread-local LIFO list of
 * free ones per class, refilled from the depot and then from new spans.
 * No header: the span says the class.
 */
#include "dfalloc_rt.h"

#define	DFA_SLAB_REFILL	32

/* The thread's list of `class` is empty: the depot's, or a new span's. */
void *
dfa_slab_refill(unsigned int class)
{
	struct dfa_free *f, *last;
	uint32_t n;

	f = dfa_depot_take(class, DFA_SLAB_REFILL, &n, &last);
	if (f == NULL)
		return (dfa_carve(&dfa_self.slab_cur[class],
		    &dfa_self.slab_end[class], DFA_KIND_SLAB, class));
	dfa_self.slab_free[class] = f->next;
	return (f);
}

void *
dfa_slab_alloc(size_t size)
{
	return (dfa_slab_take(dfalloc_class_of(size)));
}

void
dfa_slab_free(void *ptr)
{
	dfa_slab_put(ptr, dfa_region.class[dfa_span_of(ptr)]);
}

size_t
dfa_slab_usable_size(const void *ptr)
{
	return (dfalloc_class_size[dfa_region.class[dfa_span_of(ptr)]]);
}
