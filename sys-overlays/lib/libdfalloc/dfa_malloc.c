/*
 * The malloc API over the simple allocators: each request goes through
 * the generated dispatch table of the behaviour chosen at start to one
 * allocator; a pointer's owner is found from its address, so that
 * memory of the system allocator (from before the start, or from a
 * fallback) is freed where it came from.
 */
#define	_GNU_SOURCE

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "dfalloc_rt.h"
#include "dfa_store.h"

/* The allocator of each kind of span, in the generated table. */
static const uint8_t dfa_kind_alloc[] = {
	[DFA_KIND_BUMP] = DFALLOC_ALLOC_BUMP,
	[DFA_KIND_SLAB] = DFALLOC_ALLOC_SLAB,
	[DFA_KIND_FLIST] = DFALLOC_ALLOC_FREELIST,
	[DFA_KIND_LARGE] = DFALLOC_ALLOC_LARGE,
};

/* The dispatch row of the chosen behaviour; NULL until started. */
static const uint8_t *dfa_row;
static int dfa_state;		/* 0: not started, 1: starting, 2: up */

static void	*dfa_alloc(size_t size);
static size_t	dfa_usable(const void *ptr);

static void
dfa_say(const char *a, const char *b, const char *c)
{
	ssize_t r;

	r = write(2, a, strlen(a));
	r = write(2, b, strlen(b));
	r = write(2, c, strlen(c));
	(void)r;
}

static void
dfa_prefork(void)
{
	dfa_sample_lock();
	dfa_large_lock();
	dfa_depot_lock();
}

static void
dfa_postfork(void)
{
	dfa_depot_unlock();
	dfa_large_unlock();
	dfa_sample_unlock();
}

/*
 * The behaviour named by DFALLOC_BEHAVIOUR, else the one the program's
 * profile or seed chooses, else the default (the last).
 */
static unsigned int
dfa_behaviour(void)
{
	const char *name = getenv("DFALLOC_BEHAVIOUR");
	int b;

	if (name == NULL || *name == '\0')
		return ((unsigned int)dfa_profile_behaviour());
	b = dfa_behaviour_named(name, strlen(name));
	if (b >= 0)
		return ((unsigned int)b);
	dfa_say("dfalloc: unknown behaviour '", name,
	    "' in DFALLOC_BEHAVIOUR; using the default\n");
	return (DFALLOC_NBEHAVIOURS - 1);
}

/*
 * Start: the region first, so that allocations made while looking up
 * the system allocator (dlsym may call calloc) are served from it.
 */
static void
dfa_init(void)
{
	int expect = 0;

	if (!__atomic_compare_exchange_n(&dfa_state, &expect, 1, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&dfa_region.size, __ATOMIC_ACQUIRE) ==
		    0 && __atomic_load_n(&dfa_state, __ATOMIC_ACQUIRE) != 2)
			sched_yield();
		return;
	}
	if (dfa_region_init() != 0)
		dfa_say("dfalloc: ", "cannot reserve address space",
		    "; using the system allocator\n");
	dfa_thread_register(NULL);
	dfa_sys_init();
	dfa_profile_start();
	pthread_atfork(dfa_prefork, dfa_postfork, dfa_postfork);
	__atomic_store_n(&dfa_row, dfalloc_dispatch[dfa_behaviour()],
	    __ATOMIC_RELEASE);
	__atomic_store_n(&dfa_state, 2, __ATOMIC_RELEASE);
}

/* Before the dispatch row is set: the allocators of the region only. */
static void *
dfa_malloc_boot(size_t size)
{
	void *p = NULL;

	if (__atomic_load_n(&dfa_state, __ATOMIC_ACQUIRE) == 0)
		dfa_init();
	if (__atomic_load_n(&dfa_row, __ATOMIC_ACQUIRE) != NULL)
		return (dfa_alloc(size));
	if (dfa_region.size != 0)
		p = size <= DFALLOC_MAX_CLASS_SIZE ? dfa_flist_alloc(size) :
		    dfa_large_alloc(size);
	if (p == NULL)
		errno = ENOMEM;
	return (p);
}

static void *
dfa_fallback(size_t size, unsigned int a)
{
	void *p = NULL;

	if (a != DFALLOC_ALLOC_SYSTEM)
		p = dfa_sys_alloc(size);
	if (p == NULL)
		errno = ENOMEM;
	return (p);
}

static void	*dfa_alloc_sample(size_t size, unsigned int c);

/*
 * Requests go through dfa_alloc() and dfa_release(), never malloc() and
 * free(): a compiler that sees malloc() then memset() may call calloc()
 * instead, which here would call itself.  In the profiling mode each
 * allocation counts down to its class's next sample; what is not
 * profiled pays only the test of dfa_profiling.
 */
static __inline __attribute__((always_inline)) void *
dfa_alloc_in(size_t size, int counted)
{
	const uint8_t *row = __atomic_load_n(&dfa_row, __ATOMIC_ACQUIRE);
	unsigned int a, c;
	void *p;

	if (__builtin_expect(row == NULL, 0))
		return (dfa_malloc_boot(size));
	c = dfalloc_class_of(size);
	if (counted &&
	    __builtin_expect(--dfa_self.sample.left[c] < 0, 0))
		return (dfa_alloc_sample(size, c));
	/* The two allocators of most classes, in line; the rest by table. */
	a = row[c];
	if (a == DFALLOC_ALLOC_FREELIST)
		p = dfa_flist_take(c);
	else if (a == DFALLOC_ALLOC_SLAB)
		p = dfa_slab_take(c);
	else
		p = dfalloc_desc[a].alloc(size);
	if (__builtin_expect(p == NULL, 0))
		p = dfa_fallback(size, a);
	return (p);
}

/*
 * The allocation that ends a sampling period of class `c`: an object
 * of a sample span, else one allocated as usual, sampled if it is
 * above the classes.
 */
static __attribute__((noinline)) void *
dfa_alloc_sample(size_t size, unsigned int c)
{
	uint32_t w = dfa_sample_begin(c);
	void *p;

	if (c < DFALLOC_NCLASSES && (p = dfa_sample_slot(c, w)) != NULL)
		return (p);
	p = dfa_alloc_in(size, 0);
	if (p != NULL && c == DFALLOC_NCLASSES)
		dfa_sample_other(p, dfa_usable(p), w);
	return (p);
}

static void *
dfa_alloc(size_t size)
{
	return (dfa_alloc_in(size, __builtin_expect(dfa_profiling, 0)));
}

/* The allocator of a pointer of the region; a bad pointer stops here. */
static unsigned int
dfa_owner(const void *ptr, const char *what)
{
	unsigned int kind = dfa_region.kind[dfa_span_of(ptr)];

	if (kind == DFA_KIND_NONE || kind >= sizeof(dfa_kind_alloc)) {
		dfa_say("dfalloc: ", what, " of a pointer it never gave\n");
		abort();
	}
	return (dfa_kind_alloc[kind]);
}

/*
 * Whether an object freed outside the slab, the free lists and the
 * sample spans may be a sample: while profiling, if any are live.
 */
static __inline int
dfa_maybe_sample(void)
{
	return (dfa_profiling &&
	    __atomic_load_n(&dfa_sample_live, __ATOMIC_RELAXED) != 0);
}

/*
 * The slab's and the free lists' objects in line; the profiling mode
 * changes nothing here, as its samples have spans of their own.
 */
static void
dfa_release(void *ptr)
{
	unsigned int kind;
	size_t span;

	if (ptr == NULL)
		return;
	if (dfa_owns(ptr)) {
		span = dfa_span_of(ptr);
		kind = dfa_region.kind[span];
		switch (kind) {
		case DFA_KIND_FLIST:
			dfa_flist_put(ptr, dfa_region.class[span]);
			break;
		case DFA_KIND_SLAB:
			dfa_slab_put(ptr, dfa_region.class[span]);
			break;
		case DFA_KIND_SAMPLE:
			dfa_sample_free(ptr);
			break;
		default:
			if (dfa_maybe_sample())
				dfa_sample_forget(ptr);
			dfalloc_desc[dfa_owner(ptr, "free")].free(ptr);
			break;
		}
		return;
	}
	if (dfa_maybe_sample())
		dfa_sample_forget(ptr);
	if (dfa_sys.free == NULL)
		dfa_init();
	dfa_sys_free(ptr);
}

void *
malloc(size_t size)
{
	return (dfa_alloc(size));
}

void
free(void *ptr)
{
	dfa_release(ptr);
}

static size_t
dfa_usable(const void *ptr)
{
	size_t span;

	if (ptr == NULL)
		return (0);
	if (dfa_owns(ptr)) {
		span = dfa_span_of(ptr);
		if (dfa_region.kind[span] == DFA_KIND_SAMPLE)
			return (dfalloc_class_size[dfa_region.class[span]]);
		return (dfalloc_desc[dfa_owner(ptr, "malloc_usable_size")].
		    usable_size(ptr));
	}
	return (dfa_sys_usable_size(ptr));
}

size_t
malloc_usable_size(void *ptr)
{
	return (dfa_usable(ptr));
}

void *
calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return (NULL);
	}
	p = dfa_alloc(total);
	/* A large run fresh from the system (not dirty) is zero already. */
	if (p != NULL && !(dfa_owns(p) &&
	    dfa_region.kind[dfa_span_of(p)] == DFA_KIND_LARGE &&
	    dfa_region.class[dfa_span_of(p)] == 0))
		memset(p, 0, total);
	return (p);
}

void *
realloc(void *ptr, size_t size)
{
	struct dfa_sample s;
	size_t old, span;
	void *p;
	int sampled;

	if (ptr == NULL)
		return (dfa_alloc(size));
	if (size == 0) {
		dfa_release(ptr);
		return (NULL);
	}
	if (dfa_profiling)
		dfa_self.prof.reallocs++;
	if (!dfa_owns(ptr)) {
		if (dfa_row != NULL &&
		    dfa_row[dfalloc_class_of(size)] == DFALLOC_ALLOC_SYSTEM)
			return (dfa_sys.realloc(ptr, size));
		old = dfa_sys_usable_size(ptr);
	} else {
		old = dfa_usable(ptr);
		/* Stay put while the object keeps at least half its room. */
		if (size <= old && size >= old / 2)
			return (ptr);
		/* A large object that grows has its pages moved. */
		span = dfa_span_of(ptr);
		if (size > old && dfa_region.kind[span] == DFA_KIND_LARGE &&
		    dfa_row != NULL &&
		    dfa_row[dfalloc_class_of(size)] == DFALLOC_ALLOC_LARGE) {
			/* Out of the table while its old run is free. */
			sampled = dfa_maybe_sample() &&
			    dfa_sample_unhook(ptr, &s);
			p = dfa_large_grow(ptr, size);
			if (sampled)
				dfa_sample_rehook(p != NULL ? p : ptr, &s);
			if (p != NULL)
				return (p);
		}
	}
	p = dfa_alloc(size);
	if (p == NULL)
		return (NULL);
	memcpy(p, ptr, old < size ? old : size);
	dfa_release(ptr);
	return (p);
}

void *
reallocarray(void *ptr, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return (NULL);
	}
	return (realloc(ptr, total));
}

/*
 * An object aligned to `align` (a power of two): objects of a size
 * class whose size is a power of two are aligned to it, large runs to
 * a span; beyond that, the system allocator.
 */
static void *
dfa_aligned(size_t align, size_t size)
{
	size_t want;
	void *p = NULL;

	if (align <= DFA_ALIGN)
		return (dfa_alloc(size));
	if (dfa_row == NULL)
		dfa_release(dfa_alloc(1));
	for (want = align; want < size && want != 0; want <<= 1)
		;
	if (want != 0 && want <= DFALLOC_MAX_CLASS_SIZE &&
	    dfalloc_class_size[dfalloc_class_of(want)] == want)
		p = dfa_flist_alloc(want);
	else if (align <= DFA_SPAN_SIZE)
		p = dfa_large_alloc(size);
	if (p == NULL && dfa_sys.posix_memalign != NULL &&
	    dfa_sys.posix_memalign(&p, align, size) != 0)
		p = NULL;
	if (p == NULL)
		errno = ENOMEM;
	else if (dfa_profiling)
		dfa_self.prof.class_allocs[dfalloc_class_of(size)]++;
	return (p);
}

static int
dfa_pow2(size_t x)
{
	return (x != 0 && (x & (x - 1)) == 0);
}

int
posix_memalign(void **memptr, size_t align, size_t size)
{
	void *p;

	if (!dfa_pow2(align) || align % sizeof(void *) != 0)
		return (EINVAL);
	p = dfa_aligned(align, size);
	if (p == NULL)
		return (ENOMEM);
	*memptr = p;
	return (0);
}

void *
aligned_alloc(size_t align, size_t size)
{
	if (!dfa_pow2(align)) {
		errno = EINVAL;
		return (NULL);
	}
	return (dfa_aligned(align, size));
}

/* As the C library's: an alignment not a power of two is rounded up. */
void *
memalign(size_t align, size_t size)
{
	size_t a;

	if (align > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return (NULL);
	}
	for (a = 1; a < align; a <<= 1)
		;
	return (dfa_aligned(a, size));
}

void *
valloc(size_t size)
{
	return (dfa_aligned((size_t)sysconf(_SC_PAGESIZE), size));
}

void *
pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (size > SIZE_MAX - page) {
		errno = ENOMEM;
		return (NULL);
	}
	return (dfa_aligned(page, (size + page - 1) & ~(page - 1)));
}
