/*
 * libdfalloc internals: the region every allocator but the system one
 * carves from, the per-thread state, and the entry points the
 * generated tables (dfalloc.h, dfalloc_tables.c) call.
 */
#ifndef _DFALLOC_RT_H_
#define	_DFALLOC_RT_H_

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Everything declared here, the generated tables' names included, is
 * the library's own: hidden, so that malloc() and free() reach it
 * directly rather than through the global offset table.  What a
 * program calls is declared by the C library's headers, before.
 */
#pragma GCC visibility push(hidden)

#include "dfalloc.h"
#include "dfalloc_profile.h"

/*
 * The region: one reservation, cut into spans.  A span belongs to one
 * allocator (and, for slab and freelist, one size class); whoever
 * frees a pointer finds its allocator from the span.  A pointer outside
 * the region belongs to the system allocator.
 */
#define	DFA_SPAN_SHIFT	16
#define	DFA_SPAN_SIZE	((size_t)1 << DFA_SPAN_SHIFT)
#define	DFA_ALIGN	16

enum dfa_kind {
	DFA_KIND_NONE,		/* not handed out, or inside a large run */
	DFA_KIND_BUMP,
	DFA_KIND_SLAB,
	DFA_KIND_FLIST,
	DFA_KIND_LARGE,
	DFA_KIND_SAMPLE,	/* profiling: the sampled objects of a class */
	DFA_KIND_FREE,		/* the first or last span of a free large run */
};

struct dfa_region {
	char		*base;
	size_t		size;
	size_t		nspans;
	size_t		next;		/* first span never handed out */
	uint8_t		*kind;		/* per span: enum dfa_kind */
	uint8_t		*class;		/* per span: size class (slab, flist);
					   1: a large run's pages are dirty */
	uint32_t	*run;		/* per span: spans in a large run */
	uint16_t	*owner;		/* per span: the thread that took it */
};

extern struct dfa_region dfa_region;

int	dfa_region_init(void);
char	*dfa_span_get(size_t nspans, enum dfa_kind kind, unsigned int class);

static __inline int
dfa_owns(const void *ptr)
{
	return ((uintptr_t)ptr - (uintptr_t)dfa_region.base <
	    dfa_region.size);
}

static __inline size_t
dfa_span_of(const void *ptr)
{
	return (((uintptr_t)ptr - (uintptr_t)dfa_region.base) >>
	    DFA_SPAN_SHIFT);
}

/* A free object of a size class: the link to the next. */
struct dfa_free {
	struct dfa_free	*next;
};

/*
 * What the profiling mode counts per thread, then for the process: the
 * allocations of each class up to its last sample, and reallocations.
 * What becomes of the samples is counted in dfa_sample.c.
 */
struct dfa_counters {
	uint64_t	reallocs;
	uint64_t	class_allocs[DFALLOC_NCLASSES + 1];
};

/* What each thread keeps to itself. */
struct dfa_thread {
	char		*bump_cur;
	char		*bump_end;
	struct dfa_free	*slab_free[DFALLOC_NCLASSES];
	char		*slab_cur[DFALLOC_NCLASSES];
	char		*slab_end[DFALLOC_NCLASSES];
	struct dfa_free	*flist_free[DFALLOC_NCLASSES];	/* in use */
	struct dfa_free	*flist_last[DFALLOC_NCLASSES];	/* its last */
	uint32_t	flist_count[DFALLOC_NCLASSES];
	struct dfa_free	*flist_full[DFALLOC_NCLASSES];	/* put aside */
	struct dfa_free	*flist_full_last[DFALLOC_NCLASSES];
	uint32_t	flist_full_count[DFALLOC_NCLASSES];
	char		*flist_cur[DFALLOC_NCLASSES];
	char		*flist_end[DFALLOC_NCLASSES];
	int		registered;
	uint16_t	id;		/* 1 and up, wrapping; 0: unregistered */
	/*
	 * Profiling, per class (dfa_sample.c): allocations left before the
	 * next sample, what that count started from, the length of the
	 * period the next sample is in (0: none taken yet), and what is
	 * left of that period after it.
	 */
	struct {
		int32_t		left[DFALLOC_NCLASSES + 1];
		uint32_t	gap[DFALLOC_NCLASSES + 1];
		uint32_t	period[DFALLOC_NCLASSES + 1];
		uint32_t	rest[DFALLOC_NCLASSES + 1];
	}		sample;
	uint64_t	sample_rng;
	struct dfa_counters prof;
};

extern _Thread_local struct dfa_thread dfa_self
    __attribute__((tls_model("initial-exec")));

void	dfa_thread_register(struct dfa_thread *t);
void	dfa_thread_exit(void *arg);

/* The calling thread's id, registering it on first use. */
static __inline uint16_t
dfa_self_id(void)
{
	if (!dfa_self.registered)
		dfa_thread_register(&dfa_self);
	return (dfa_self.id);
}

/* The depot: free objects of each class that no thread holds. */
void	dfa_depot_put(unsigned int class, struct dfa_free *head,
	    struct dfa_free *tail, uint32_t count);
struct dfa_free *dfa_depot_take(unsigned int class, uint32_t want,
	    uint32_t *count, struct dfa_free **last);

/*
 * The slab's and the free lists' own ends of malloc() and free(),
 * inlined there: a pop or a push on the thread's list of the class,
 * and a call only when the list is empty or, for a free list, past its
 * bound (dfa_slab.c, dfa_flist.c).
 */
void	*dfa_slab_refill(unsigned int class);
void	*dfa_flist_refill(unsigned int class);
void	dfa_flist_spill(unsigned int class);

extern uint32_t dfa_flist_max[DFALLOC_NCLASSES];

static __inline void *
dfa_slab_take(unsigned int class)
{
	struct dfa_free *f = dfa_self.slab_free[class];

	if (__builtin_expect(f == NULL, 0))
		return (dfa_slab_refill(class));
	dfa_self.slab_free[class] = f->next;
	return (f);
}

static __inline void
dfa_slab_put(void *ptr, unsigned int class)
{
	struct dfa_free *f = ptr;

	f->next = dfa_self.slab_free[class];
	dfa_self.slab_free[class] = f;
}

static __inline void *
dfa_flist_take(unsigned int class)
{
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *f = t->flist_free[class];

	if (__builtin_expect(f == NULL, 0))
		return (dfa_flist_refill(class));
	t->flist_free[class] = f->next;
	t->flist_count[class]--;
	return (f);
}

static __inline void
dfa_flist_put(void *ptr, unsigned int class)
{
	struct dfa_thread *t = &dfa_self;
	struct dfa_free *f = ptr;

	if ((f->next = t->flist_free[class]) == NULL)
		t->flist_last[class] = f;
	t->flist_free[class] = f;
	if (__builtin_expect(++t->flist_count[class] > dfa_flist_max[class],
	    0))
		dfa_flist_spill(class);
}

/* A large object moved to a run of `size` bytes (dfa_large.c). */
void	*dfa_large_grow(void *ptr, size_t size);

/* Carving new objects of class `class` from a span of `kind`. */
void	*dfa_carve(char **cur, char **end, enum dfa_kind kind,
	    unsigned int class);

/* The system allocator, found at start. */
struct dfa_sys {
	void	*(*malloc)(size_t);
	void	(*free)(void *);
	void	*(*realloc)(void *, size_t);
	int	(*posix_memalign)(void **, size_t, size_t);
	size_t	(*usable_size)(void *);
};

extern struct dfa_sys dfa_sys;

void	dfa_sys_init(void);

/* The profiling mode (dfa_profile.c). */
extern int dfa_profiling;

void	dfa_profile_start(void);
int	dfa_profile_behaviour(void);
void	dfa_profile_thread_exit(struct dfa_thread *t);

/*
 * The samples (dfa_sample.c).  The allocation that ends a sampling
 * period of a class calls dfa_sample_begin(), which gives its weight,
 * then takes an object of a sample span from dfa_sample_slot(), or
 * else allocates as usual and, above the classes, has it sampled by
 * dfa_sample_other().  free() gives an object of a sample span to
 * dfa_sample_free(); in the profiling mode, while samples are live,
 * any other it frees outside the slab and the free lists first to
 * dfa_sample_forget() (1: it was a sample).  A sample that moves is
 * taken out of the table by dfa_sample_unhook(), then put back at its
 * new address by dfa_sample_rehook().
 */
struct dfa_sample {
	const void	*ptr;		/* NULL: the slot is empty */
	uint64_t	born;		/* its thread's allocations, it included */
	uint64_t	size;		/* usable bytes */
	uint32_t	weight;
	uint16_t	thread;
};

struct dfa_sample_totals {
	uint64_t	samples;
	uint64_t	sampled;
	uint64_t	frees;
	uint64_t	lifo_frees;
	uint64_t	cross_frees;
	uint64_t	live_at_exit;
	uint64_t	peak_live_bytes;
	uint64_t	lifetimes[DFALLOC_PROFILE_LIFETIMES];
};

extern size_t dfa_sample_live;

uint32_t dfa_sample_begin(unsigned int class);
void	*dfa_sample_slot(unsigned int class, uint32_t w);
void	dfa_sample_other(const void *ptr, size_t size, uint32_t w);
void	dfa_sample_free(void *ptr);
int	dfa_sample_forget(const void *ptr);
int	dfa_sample_unhook(const void *ptr, struct dfa_sample *s);
void	dfa_sample_rehook(const void *ptr, const struct dfa_sample *s);
uint64_t dfa_sample_allocs(const struct dfa_thread *t, unsigned int class);
void	dfa_sample_totals(struct dfa_sample_totals *st);
void	dfa_sample_lock(void);
void	dfa_sample_unlock(void);

/* Locks a fork must not copy held: taken before, released after. */
void	dfa_depot_lock(void);
void	dfa_depot_unlock(void);
void	dfa_large_lock(void);
void	dfa_large_unlock(void);

#pragma GCC visibility pop

#endif /* !_DFALLOC_RT_H_ */
