/*
 * The bump arena: each thread advances a pointer through its span;
 * free does nothing and the memory goes back at exit.  A 16-byte header
 * keeps the size for malloc_usable_size() and realloc().
 */
#include "dfalloc_rt.h"

union dfa_bump_hdr {
	size_t	size;
	char	align[DFA_ALIGN];
};

void *
dfa_bump_alloc(size_t size)
{
	struct dfa_thread *t = &dfa_self;
	union dfa_bump_hdr *h;
	size_t need;

	need = sizeof(*h) + ((size + DFA_ALIGN - 1) & ~(size_t)(DFA_ALIGN - 1));
	if (need > DFA_SPAN_SIZE || need < size)
		return (NULL);
	if (t->bump_cur == NULL || (size_t)(t->bump_end - t->bump_cur) < need) {
		t->bump_cur = dfa_span_get(1, DFA_KIND_BUMP, 0);
		if (t->bump_cur == NULL)
			return (NULL);
		t->bump_end = t->bump_cur + DFA_SPAN_SIZE;
	}
	h = (union dfa_bump_hdr *)t->bump_cur;
	t->bump_cur += need;
	h->size = need - sizeof(*h);
	return (h + 1);
}

void
dfa_bump_free(void *ptr)
{
	(void)ptr;
}

size_t
dfa_bump_usable_size(const void *ptr)
{
	return (((const union dfa_bump_hdr *)ptr - 1)->size);
}
