/*
 * The slab: objects of one size class, a thread-local LIFO list of
 * free ones per class, refilled from the depot and then from new spans.
 * No header: the span says the class.
 */
#include "dfalloc_rt.h"

#define	DFA_SLAB_REFILL	32

void *
dfa_slab_alloc(size_t size)
{
	unsigned int c = dfalloc_class_of(size);
	struct dfa_free *f;
	uint32_t n;

	f = dfa_self.slab_free[c];
	if (f == NULL) {
		f = dfa_depot_take(c, DFA_SLAB_REFILL, &n);
		if (f == NULL)
			return (dfa_carve(&dfa_self.slab_cur[c],
			    &dfa_self.slab_end[c], DFA_KIND_SLAB, c));
	}
	dfa_self.slab_free[c] = f->next;
	return (f);
}

void
dfa_slab_free(void *ptr)
{
	unsigned int c = dfa_region.class[dfa_span_of(ptr)];
	struct dfa_free *f = ptr;

	f->next = dfa_self.slab_free[c];
	dfa_self.slab_free[c] = f;
}

size_t
dfa_slab_usable_size(const void *ptr)
{
	return (dfalloc_class_size[dfa_region.class[dfa_span_of(ptr)]]);
}
