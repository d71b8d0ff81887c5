/*
 * The profiling mode's samples.  Counting what becomes of every object
 * would cost malloc and free more than they cost themselves, so each
 * thread follows a sample.  It cuts its allocations of each size class
 * into periods of 1, 2, 4, ... allocations, then DFA_SAMPLE_PERIOD
 * each, and samples one allocation of each period, at a place drawn at
 * random: every allocation of a period of n is sampled with probability
 * 1/n, so a sample weighs n, and a thread that exits in the middle of a
 * period leaves no bias.
 *
 * A sampled object of a size class comes from a sample span of its own
 * (DFA_KIND_SAMPLE), so that free() finds it by the span it already
 * looks up and no other free pays anything; a sampled object above the
 * classes is looked up by address when such objects are freed.  Each
 * sample waits in a table, keyed by its address, with the allocations
 * its thread had made when it was born: when the same thread frees it,
 * the difference is its lifetime.
 */
#define	_GNU_SOURCE

#include <sys/mman.h>

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "dfalloc_rt.h"

#define	DFA_SAMPLE_PERIOD	512
#define	DFA_SAMPLE_SLOTS	65536		/* a power of two */
#define	DFA_SAMPLE_MAX		(DFA_SAMPLE_SLOTS / 4 * 3)

/* The sampled objects of a size class, in their own spans. */
struct dfa_sample_pool {
	struct dfa_free	*free;
	char		*cur;
	char		*end;
};

/*
 * The samples' lock, a spin lock: what it guards takes a few dozen
 * nanoseconds, and a mutex's waiter sleeps in the kernel for a hundred
 * times that (two threads handing objects over took twice as long
 * profiled as not).  A waiter that spins long yields the processor, in
 * case the holder is not running.
 */
static int dfa_sample_mtx;
static struct dfa_sample *dfa_samples;		/* DFA_SAMPLE_SLOTS */
static struct dfa_sample_pool dfa_pool[DFALLOC_NCLASSES];
static struct dfa_sample_totals dfa_totals;
static uint64_t dfa_live_bytes;			/* weighted */

/* Samples in the table: free() looks only while there are some. */
size_t dfa_sample_live;

static void
dfa_sample_abort(void)
{
	static const char msg[] = "dfalloc: free of a pointer it never gave\n";
	ssize_t r;

	r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

/* The allocations `t` has made in `class` so far. */
uint64_t
dfa_sample_allocs(const struct dfa_thread *t, unsigned int class)
{
	return (t->prof.class_allocs[class] + t->sample.gap[class] -
	    (uint32_t)t->sample.left[class]);
}

/* The allocations `t` has made in every class so far. */
static uint64_t
dfa_thread_allocs(const struct dfa_thread *t)
{
	uint64_t n = 0;
	unsigned int c;

	for (c = 0; c <= DFALLOC_NCLASSES; c++)
		n += dfa_sample_allocs(t, c);
	return (n);
}

/* A random number from the thread's own generator (xorshift64). */
static uint64_t
dfa_sample_random(struct dfa_thread *t)
{
	uint64_t x = t->sample_rng;

	if (x == 0)
		x = (uintptr_t)t ^ 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	t->sample_rng = x;
	return (x);
}

/*
 * The allocation being made in `class` is the sample of its period:
 * count the allocations up to it, and draw the place of the next
 * period's sample.  Its weight, the length of its period.
 */
uint32_t
dfa_sample_begin(unsigned int class)
{
	struct dfa_thread *t = &dfa_self;
	uint32_t w, next, at;

	w = t->sample.period[class] == 0 ? 1 : t->sample.period[class];
	t->prof.class_allocs[class] += t->sample.gap[class] + 1;
	next = w < DFA_SAMPLE_PERIOD ? 2 * w : DFA_SAMPLE_PERIOD;
	at = (uint32_t)(dfa_sample_random(t) >> 32) & (next - 1);
	t->sample.gap[class] = t->sample.rest[class] + at;
	t->sample.left[class] = (int32_t)t->sample.gap[class];
	t->sample.rest[class] = next - 1 - at;
	t->sample.period[class] = next;
	return (w);
}

static size_t
dfa_sample_hash(const void *ptr)
{
	return ((size_t)(((uintptr_t)ptr >> 4) * 0x9e3779b97f4a7c15ull >>
	    32) & (DFA_SAMPLE_SLOTS - 1));
}

/* The slot of `ptr` in the table, or of the gap where it would go. */
static size_t
dfa_sample_find(const void *ptr)
{
	size_t i;

	for (i = dfa_sample_hash(ptr); dfa_samples[i].ptr != NULL &&
	    dfa_samples[i].ptr != ptr; i = (i + 1) & (DFA_SAMPLE_SLOTS - 1))
		;
	return (i);
}

/*
 * Empty slot `i`, moving back the entries after it that their probe
 * reaches past it, so that every entry stays reachable.
 */
static void
dfa_sample_remove(size_t i)
{
	size_t j, home;

	for (j = (i + 1) & (DFA_SAMPLE_SLOTS - 1); dfa_samples[j].ptr != NULL;
	    j = (j + 1) & (DFA_SAMPLE_SLOTS - 1)) {
		home = dfa_sample_hash(dfa_samples[j].ptr);
		/* Whether `home` lies cyclically in (i, j]: it stays. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		dfa_samples[i] = dfa_samples[j];
		i = j;
	}
	dfa_samples[i].ptr = NULL;
	__atomic_store_n(&dfa_sample_live, dfa_sample_live - 1,
	    __ATOMIC_RELAXED);
}

/* The bucket of a lifetime in the histogram: 0, 1, 2-3, 4-7, ... */
static unsigned int
dfa_lifetime_bucket(uint64_t lifetime)
{
	unsigned int b = 0;

	while (lifetime != 0 && b < DFALLOC_PROFILE_LIFETIMES - 1) {
		lifetime >>= 1;
		b++;
	}
	return (b);
}

/* Sample `s` into the table at address `ptr`, which has room. */
static void
dfa_sample_put(const void *ptr, struct dfa_sample s)
{
	s.ptr = ptr;
	dfa_samples[dfa_sample_find(ptr)] = s;
	__atomic_store_n(&dfa_sample_live, dfa_sample_live + 1,
	    __ATOMIC_RELAXED);
}

/*
 * Sample `s`, but for its address `ptr`: 0, or -1 when the table is
 * full (it is not sampled).
 */
static int
dfa_sample_note(const void *ptr, struct dfa_sample s)
{
	if (dfa_samples == NULL) {
		dfa_samples = mmap(NULL, DFA_SAMPLE_SLOTS * sizeof(s),
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (dfa_samples == MAP_FAILED) {
			dfa_samples = NULL;
			return (-1);
		}
	}
	if (dfa_sample_live >= DFA_SAMPLE_MAX)
		return (-1);
	dfa_sample_put(ptr, s);
	dfa_totals.samples++;
	dfa_totals.sampled += s.weight;
	dfa_live_bytes += s.weight * s.size;
	if (dfa_live_bytes > dfa_totals.peak_live_bytes)
		dfa_totals.peak_live_bytes = dfa_live_bytes;
	return (0);
}

/*
 * A sample of weight `w` and `size` usable bytes born in this thread
 * now; with both 0, what a sample freed now compares with.  Made before
 * the lock is taken, as registering the thread may allocate.
 */
static struct dfa_sample
dfa_sample_new(size_t size, uint32_t w)
{
	uint16_t thread = dfa_self_id();

	return ((struct dfa_sample){ NULL, dfa_thread_allocs(&dfa_self), size,
	    w, thread });
}

/*
 * The sample of class `class` and weight `w`: an object of a sample
 * span, or NULL when none can be had (the caller allocates as usual).
 */
void *
dfa_sample_slot(unsigned int class, uint32_t w)
{
	struct dfa_sample_pool *pool = &dfa_pool[class];
	struct dfa_sample s = dfa_sample_new(dfalloc_class_size[class], w);
	struct dfa_free *f;
	void *p;

	dfa_sample_lock();
	if ((f = pool->free) != NULL)
		pool->free = f->next;
	p = f != NULL ? (void *)f : dfa_carve(&pool->cur, &pool->end,
	    DFA_KIND_SAMPLE, class);
	if (p != NULL && dfa_sample_note(p, s) != 0) {
		f = p;
		f->next = pool->free;
		pool->free = f;
		p = NULL;
	}
	dfa_sample_unlock();
	return (p);
}

/* Sample `ptr`, of `size` usable bytes, allocated outside a sample span. */
void
dfa_sample_other(const void *ptr, size_t size, uint32_t w)
{
	struct dfa_sample s = dfa_sample_new(size, w);

	dfa_sample_lock();
	(void)dfa_sample_note(ptr, s);
	dfa_sample_unlock();
}

/* Sample `s` is freed by thread `thread`, which has made `allocs`. */
static void
dfa_sample_end(const struct dfa_sample *s, uint16_t thread,
    uint64_t allocs)
{
	uint64_t lifetime;

	dfa_totals.frees += s->weight;
	dfa_live_bytes -= s->weight * s->size;
	if (s->thread != thread) {
		dfa_totals.cross_frees += s->weight;
		return;
	}
	lifetime = allocs - s->born;
	dfa_totals.lifetimes[dfa_lifetime_bucket(lifetime)] += s->weight;
	if (lifetime == 0)
		dfa_totals.lifo_frees += s->weight;
}

/*
 * With the lock held: sample `ptr` out of the table into *s, 1; or 0,
 * it is not a sample.
 */
static int
dfa_sample_out(const void *ptr, struct dfa_sample *s)
{
	size_t i;

	if (dfa_samples == NULL)
		return (0);
	i = dfa_sample_find(ptr);
	if (dfa_samples[i].ptr != ptr)
		return (0);
	*s = dfa_samples[i];
	dfa_sample_remove(i);
	return (1);
}

/* Free `ptr`, an object of a sample span. */
void
dfa_sample_free(void *ptr)
{
	struct dfa_sample_pool *pool;
	struct dfa_sample s, now = dfa_sample_new(0, 0);
	struct dfa_free *f = ptr;

	dfa_sample_lock();
	if (!dfa_sample_out(ptr, &s))
		dfa_sample_abort();
	dfa_sample_end(&s, now.thread, now.born);
	pool = &dfa_pool[dfa_region.class[dfa_span_of(ptr)]];
	f->next = pool->free;
	pool->free = f;
	dfa_sample_unlock();
}

/* `ptr` is about to be freed: 1 if it was a sample, now counted, else 0. */
int
dfa_sample_forget(const void *ptr)
{
	struct dfa_sample s, now = dfa_sample_new(0, 0);
	int found;

	dfa_sample_lock();
	if ((found = dfa_sample_out(ptr, &s)) != 0)
		dfa_sample_end(&s, now.thread, now.born);
	dfa_sample_unlock();
	return (found);
}

/*
 * Take sample `ptr`, which is about to move, out of the table into
 * *s: 1, or 0 when it is not a sample.
 */
int
dfa_sample_unhook(const void *ptr, struct dfa_sample *s)
{
	int found;

	dfa_sample_lock();
	found = dfa_sample_out(ptr, s);
	dfa_sample_unlock();
	return (found);
}

/* Put back sample *s, taken out by dfa_sample_unhook(), at `ptr`. */
void
dfa_sample_rehook(const void *ptr, const struct dfa_sample *s)
{
	dfa_sample_lock();
	dfa_sample_put(ptr, *s);
	dfa_sample_unlock();
}

/* The counts so far, the samples live now counted as live at exit. */
void
dfa_sample_totals(struct dfa_sample_totals *st)
{
	size_t i;

	dfa_sample_lock();
	*st = dfa_totals;
	for (i = 0; dfa_samples != NULL && i < DFA_SAMPLE_SLOTS; i++) {
		if (dfa_samples[i].ptr != NULL)
			st->live_at_exit += dfa_samples[i].weight;
	}
	dfa_sample_unlock();
}

void
dfa_sample_lock(void)
{
	unsigned int spins = 0;

	while (__atomic_exchange_n(&dfa_sample_mtx, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&dfa_sample_mtx, __ATOMIC_RELAXED)) {
			if (++spins % 256 == 0)
				sched_yield();
		}
	}
}

void
dfa_sample_unlock(void)
{
	__atomic_store_n(&dfa_sample_mtx, 0, __ATOMIC_RELEASE);
}
