/*
 * The region: one address-space reservation the simple allocators
 * carve spans from.  Pages are touched only when used; the reservation
 * halves until the system grants it.
 */
#define	_GNU_SOURCE

#include <sys/mman.h>

#include "dfalloc_rt.h"

#if UINTPTR_MAX > 0xffffffffu
#define	DFA_REGION_MAX	((size_t)1 << 36)
#else
#define	DFA_REGION_MAX	((size_t)1 << 29)
#endif
#define	DFA_REGION_MIN	((size_t)1 << 26)

struct dfa_region dfa_region;

static void *
dfa_reserve(size_t size)
{
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return (p == MAP_FAILED ? NULL : p);
}

int
dfa_region_init(void)
{
	struct dfa_region *r = &dfa_region;
	size_t size, nspans, meta;
	char *base, *m;

	for (size = DFA_REGION_MAX; size >= DFA_REGION_MIN; size >>= 1) {
		/* One extra span, to align the base to a span. */
		base = dfa_reserve(size + DFA_SPAN_SIZE);
		if (base != NULL)
			break;
	}
	if (size < DFA_REGION_MIN)
		return (-1);
	nspans = size >> DFA_SPAN_SHIFT;
	meta = nspans * (sizeof(*r->kind) + sizeof(*r->class) +
	    sizeof(*r->run) + sizeof(*r->owner));
	m = dfa_reserve(meta);
	if (m == NULL) {
		munmap(base, size + DFA_SPAN_SIZE);
		return (-1);
	}
	r->run = (uint32_t *)m;
	r->owner = (uint16_t *)(r->run + nspans);
	r->kind = (uint8_t *)(r->owner + nspans);
	r->class = r->kind + nspans;
	r->base = (char *)(((uintptr_t)base + DFA_SPAN_SIZE - 1) &
	    ~(uintptr_t)(DFA_SPAN_SIZE - 1));
	r->nspans = nspans;
	r->next = 0;
	/* Set last: dfa_owns() is true of nothing until the region is whole. */
	__atomic_store_n(&r->size, size, __ATOMIC_RELEASE);
	return (0);
}

/*
 * `nspans` new contiguous spans for `kind`, or NULL when the region is
 * spent (the caller falls back to the system allocator).
 */
char *
dfa_span_get(size_t nspans, enum dfa_kind kind, unsigned int class)
{
	struct dfa_region *r = &dfa_region;
	size_t first;

	first = __atomic_fetch_add(&r->next, nspans, __ATOMIC_RELAXED);
	if (first + nspans > r->nspans || first + nspans < first)
		return (NULL);
	r->class[first] = (uint8_t)class;
	r->owner[first] = dfa_self_id();
	r->run[first] = (uint32_t)nspans;
	__atomic_store_n(&r->kind[first], (uint8_t)kind, __ATOMIC_RELEASE);
	return (r->base + (first << DFA_SPAN_SHIFT));
}
