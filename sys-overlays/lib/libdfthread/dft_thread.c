/*
 * dft_thread.c: carriers, user threads and their scheduling.
 *
 * Each carrier owns a run queue (struct dfsched_rq) that only it
 * touches, so scheduling decisions take no lock: a thread that yields
 * asks the policy for the next one (dfsched_switch) and switches to it
 * directly.  A thread that blocks has put itself where its event will
 * find it (a wait queue, the timer heap, the ring) and leaves the queue
 * (dfsched_sleep); when nothing else is runnable the carrier switches to
 * its own stack and waits there.  Whoever wakes a thread of another
 * carrier pushes it on that carrier's inbox (a lock-free stack) and
 * signals the carrier if it sleeps; the carrier moves its inbox into
 * its run queue (dfsched_wakeup) each time it schedules.
 *
 * A thread runs only on its home carrier, so nothing can resume it
 * before it has switched away, except its joiner freeing its stack:
 * that is why an exiting thread is declared done by the context that
 * runs after it (post_switch), never by itself.
 */

#define	_GNU_SOURCE

#include <sys/mman.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dft_int.h"
#include "policies.h"

#ifdef DFT_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef DFT_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#define	CACHE_MAX	1024		/* stacks a carrier keeps for reuse */
#define	IDLE_SPINS	200		/* polls before a carrier sleeps */
#define	IO_POLL_NS	50000		/* sleep while calls are in flight */
#define	POLL_EVERY	32		/* passes between polls of descriptors */

_Thread_local struct dft_carrier *dft_carrier_self
    __attribute__((__tls_model__("initial-exec")));

static struct dft_thread *
thread_of(struct dfsched_thread *st)
{
	return ((struct dft_thread *)st);
}

uint64_t
dft_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
}

/* -- spin locks and wait queues --------------------------------------- */

void
dft_spin_lock(dft_spin_t *l)
{
	for (;;) {
		if (!atomic_exchange_explicit(&l->locked, 1,
		    memory_order_acquire))
			return;
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#else
			continue;
#endif
	}
}

void
dft_spin_unlock(dft_spin_t *l)
{
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}

void
dft_waitq_push(struct dft_waitq *q, struct dft_thread *td)
{
	td->wnext = NULL;
	if (q->first == NULL)
		q->first = td;
	else
		*q->lastp = td;
	q->lastp = &td->wnext;
}

struct dft_thread *
dft_waitq_pop(struct dft_waitq *q)
{
	struct dft_thread *td = q->first;

	if (td != NULL)
		q->first = td->wnext;
	return (td);
}

/* Take td off q; nonzero if it was there. */
int
dft_waitq_remove(struct dft_waitq *q, struct dft_thread *td)
{
	struct dft_thread **pp, *prev = NULL;

	for (pp = &q->first; *pp != NULL; prev = *pp, pp = &(*pp)->wnext) {
		if (*pp == td) {
			*pp = td->wnext;
			if (td->wnext == NULL && prev != NULL)
				q->lastp = &prev->wnext;
			return (1);
		}
	}
	return (0);
}

/* -- switching ---------------------------------------------------------- */

static void post_switch(struct dft_carrier *);

/*
 * Switch from `from' (a thread, or NULL for the carrier's own stack) to
 * `to' (likewise); returns when something switches back to `from'.
 */
static void
switch_to(struct dft_carrier *c, struct dft_thread *from,
    struct dft_thread *to)
{
	struct dft_ctx *fctx = from != NULL ? &from->ctx : &c->idle;
	struct dft_ctx *tctx = to != NULL ? &to->ctx : &c->idle;

	c->cur = to;
#ifdef DFT_TSAN
	__tsan_switch_to_fiber(to != NULL ? to->tsan_fiber : c->tsan_idle, 0);
#endif
#ifdef DFT_ASAN
	{
		void *idle_fake = NULL, **fake;

		if (from == NULL)
			fake = &idle_fake;
		else if (from == c->dead)
			fake = NULL;	/* it exits: drop its fake stack */
		else
			fake = &from->asan_fake;
		__sanitizer_start_switch_fiber(fake,
		    to != NULL ? (const void *)to->map : c->idle_bottom,
		    to != NULL ? (size_t)((char *)to - to->map) : c->idle_size);
		dft_ctx_switch(fctx, tctx);
		__sanitizer_finish_switch_fiber(from != NULL ?
		    from->asan_fake : idle_fake, NULL, NULL);
	}
#else
	dft_ctx_switch(fctx, tctx);
#endif
	post_switch(c);
}

static void
release_stack(struct dft_carrier *c, struct dft_thread *td)
{
#ifdef DFT_TSAN
	__tsan_destroy_fiber(td->tsan_fiber);
#endif
	if (c != NULL && c->ncache < CACHE_MAX &&
	    td->mapsize == c->sched->stack_size) {
		td->next = c->cache;
		c->cache = td;
		c->ncache++;
		return;
	}
	munmap(td->map, td->mapsize);
}

/* After a switch, in the context switched to: finish an exit. */
static void
post_switch(struct dft_carrier *c)
{
	struct dft_thread *td = c->dead, *joiner;

	if (td == NULL)
		return;
	c->dead = NULL;
	if (c->dead_done)
		return;
	dft_spin_lock(&td->lock);
	td->done = 1;
	joiner = td->joiner;
	dft_spin_unlock(&td->lock);
	if (joiner != NULL && dft_claim(joiner))
		dft_wake(joiner);
}

/* -- the run queue and the inbox -------------------------------------- */

static void
make_runnable(struct dft_carrier *c, struct dft_thread *td)
{
	if (dfsched_wakeup(&c->rq, &td->st))
		c->resched = 1;
}

/*
 * Wake c if it sleeps.  The waker has published its work (inbox, shared
 * queue, stop) before it looks, and c says it sleeps before it looks
 * for work (carrier_wait): one of the two sees the other.
 */
static void
kick(struct dft_carrier *c)
{
	switch (atomic_load(&c->sleeping)) {
	case SLEEP_COND:
		pthread_mutex_lock(&c->mtx);
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mtx);
		break;
	case SLEEP_POLL:
		dft_poll_kick(c);
		break;
	}
}

/*
 * The waker's side of a wait: take td from DFT_W_WAIT to DFT_W_WOKEN.
 * Zero when its timer was first, and then it is not to be woken.
 */
int
dft_claim(struct dft_thread *td)
{
	int w = DFT_W_WAIT;

	return (atomic_compare_exchange_strong(&td->wstate, &w,
	    DFT_W_WOKEN));
}

/* Make a claimed thread runnable on its home carrier. */
void
dft_wake(struct dft_thread *td)
{
	struct dft_carrier *c = td->home;
	struct dft_thread *head;

	if (c == dft_carrier_self) {
		make_runnable(c, td);
		return;
	}
	head = atomic_load_explicit(&c->inbox, memory_order_relaxed);
	do {
		td->next = head;
	} while (!atomic_compare_exchange_weak(&c->inbox, &head, td));
	kick(c);
}

static void
drain_inbox(struct dft_carrier *c)
{
	struct dft_thread *td, *rev = NULL, *next;

	td = atomic_exchange(&c->inbox, NULL);
	/* The inbox is a stack: wake in the order of arrival. */
	for (; td != NULL; td = next) {
		next = td->next;
		td->next = rev;
		rev = td;
	}
	for (td = rev; td != NULL; td = next) {
		next = td->next;
		make_runnable(c, td);
	}
}

/* Take a new thread from the shared queue. */
static int
take_injected(struct dft_carrier *c)
{
	struct dft_sched *s = c->sched;
	struct dft_thread *td;

	if (atomic_load_explicit(&s->ninj, memory_order_relaxed) == 0)
		return (0);
	pthread_mutex_lock(&s->injlock);
	td = s->injfirst;
	if (td != NULL) {
		s->injfirst = td->next;
		if (s->injfirst == NULL)
			s->injlast = &s->injfirst;
		atomic_fetch_sub(&s->ninj, 1);
	}
	pthread_mutex_unlock(&s->injlock);
	if (td == NULL)
		return (0);
	td->home = c;
	make_runnable(c, td);
	return (1);
}

/* Everything that makes threads runnable: inbox, timers, completions. */
static void
poll_events(struct dft_carrier *c)
{
	struct dft_thread *td;
	uint64_t now;
	int w;

	if (atomic_load_explicit(&c->inbox, memory_order_relaxed) != NULL)
		drain_inbox(c);
	if (c->nheap > 0) {
		now = dft_now();
		while (c->nheap > 0 && c->heap[0]->wake_at <= now) {
			td = c->heap[0];
			dft_timer_remove(c, td);
			/* Unless its event came first. */
			w = DFT_W_WAIT;
			if (atomic_compare_exchange_strong(&td->wstate, &w,
			    DFT_W_TIMEOUT))
				make_runnable(c, td);
		}
	}
	if (atomic_load_explicit(&c->sched->io_pending,
	    memory_order_relaxed) > 0)
		dft_io_poll(c);
	if (c->nfdwait > 0 &&
	    (c->rq.nqueued == 0 || ++c->pollskip >= POLL_EVERY))
		dft_poll_events(c, 0);
	if (c->rq.nqueued == 0)
		take_injected(c);
}

/* -- timers: a binary heap of wake-up times per carrier --------------- */

static void
heap_set(struct dft_carrier *c, unsigned int i, struct dft_thread *td)
{
	c->heap[i] = td;
	td->heapidx = (int)i;
}

static void
heap_up(struct dft_carrier *c, unsigned int i)
{
	struct dft_thread *td = c->heap[i];

	while (i > 0 && c->heap[(i - 1) / 2]->wake_at > td->wake_at) {
		heap_set(c, i, c->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(c, i, td);
}

static void
heap_down(struct dft_carrier *c, unsigned int i)
{
	struct dft_thread *td = c->heap[i];
	unsigned int k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= c->nheap)
			break;
		if (k + 1 < c->nheap &&
		    c->heap[k + 1]->wake_at < c->heap[k]->wake_at)
			k++;
		if (c->heap[k]->wake_at >= td->wake_at)
			break;
		heap_set(c, i, c->heap[k]);
		i = k;
	}
	heap_set(c, i, td);
}

void
dft_timer_add(struct dft_carrier *c, struct dft_thread *td, uint64_t at)
{
	struct dft_thread **h;
	unsigned int cap;

	if (c->nheap == c->heapcap) {
		cap = c->heapcap == 0 ? 64 : c->heapcap * 2;
		h = realloc(c->heap, cap * sizeof(*h));
		if (h == NULL)
			abort();
		c->heap = h;
		c->heapcap = cap;
	}
	td->wake_at = at;
	c->heap[c->nheap] = td;
	heap_up(c, c->nheap++);
}

void
dft_timer_remove(struct dft_carrier *c, struct dft_thread *td)
{
	unsigned int i;

	if (td->heapidx < 0)
		return;
	i = (unsigned int)td->heapidx;
	td->heapidx = -1;
	if (i == --c->nheap)
		return;
	c->heap[i] = c->heap[c->nheap];
	c->heap[i]->heapidx = (int)i;
	heap_up(c, i);
	heap_down(c, (unsigned int)c->heap[i]->heapidx);
}

/* -- blocking, yielding, preemption ------------------------------------ */

/*
 * The running thread td waits: it has made itself findable by its
 * event, which wakes it with dft_wake().  Returns once it runs again.
 */
void
dft_block(struct dft_carrier *c, struct dft_thread *td)
{
	struct dfsched_thread *st;

	dfsched_sleep(&c->rq);
	poll_events(c);
	st = dfsched_switch(&c->rq);
	if (st == NULL)
		switch_to(c, td, NULL);
	else if (thread_of(st) != td)
		switch_to(c, td, thread_of(st));
}

/* Charge the ticks posted since the last look; nonzero: time to yield. */
static int
charge_ticks(struct dft_carrier *c)
{
	unsigned int posted, n;
	int expired;

	posted = atomic_load_explicit(&c->ticks, memory_order_relaxed);
	expired = c->resched;
	c->resched = 0;
	for (n = posted - c->ticks_seen; n > 0; n--)
		expired |= dfsched_tick(&c->rq);
	c->ticks_seen = posted;
	return (expired);
}

void
dft_yield(void)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *td = c->cur, *next;

	(void)charge_ticks(c);
	poll_events(c);
	next = thread_of(dfsched_switch(&c->rq));
	if (next != td)
		switch_to(c, td, next);
}

void
dft_safepoint(void)
{
	struct dft_carrier *c = dft_carrier_self;

	if ((atomic_load_explicit(&c->ticks, memory_order_relaxed) !=
	    c->ticks_seen || c->resched) && charge_ticks(c))
		dft_yield();
}

/* -- threads ------------------------------------------------------------ */

static void thread_start(void *);

static struct dft_thread *
alloc_thread(struct dft_carrier *c, struct dft_sched *s)
{
	struct dft_thread *td;
	char *map;
	size_t page, top;

	if (c != NULL && c->cache != NULL) {
		td = c->cache;
		c->cache = td->next;
		c->ncache--;
		return (td);
	}
	page = s->page;
	map = mmap(NULL, s->stack_size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANON | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return (NULL);
	if (s->guard && mprotect(map, page, PROT_NONE) == -1) {
		munmap(map, s->stack_size);
		return (NULL);
	}
	top = (s->stack_size - sizeof(*td)) & ~(size_t)63;
	td = (struct dft_thread *)(map + top);
	td->map = map;
	td->mapsize = s->stack_size;
	return (td);
}

int
dft_spawn(struct dft_thread **tdp, void *(*fn)(void *), void *arg)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_sched *s = c->sched;
	struct dft_thread *td;
	size_t low;
	unsigned int i;

	td = alloc_thread(c, s);
	if (td == NULL)
		return (EAGAIN);
	dfsched_thread_init(&td->st, 0);
	td->fn = fn;
	td->arg = arg;
	td->result = NULL;
	td->next = td->wnext = NULL;
	atomic_init(&td->wstate, DFT_W_RUN);
	td->heapidx = -1;
	atomic_init(&td->lock.locked, 0);
	td->done = 0;
	td->joiner = NULL;
	low = s->guard ? s->page : 0;
	dft_ctx_init(&td->ctx, td->map + low, (size_t)((char *)td - td->map) -
	    low, thread_start, td);
#ifdef DFT_ASAN
	td->asan_fake = NULL;
#endif
#ifdef DFT_TSAN
	td->tsan_fiber = __tsan_create_fiber(0);
#endif
	*tdp = td;
	if (atomic_load_explicit(&s->nidle, memory_order_relaxed) == 0 ||
	    s->ncarriers == 1) {
		td->home = c;
		make_runnable(c, td);
		return (0);
	}
	/* A carrier is idle: let it take the new thread. */
	td->home = NULL;
	pthread_mutex_lock(&s->injlock);
	*s->injlast = td;
	s->injlast = &td->next;
	atomic_fetch_add(&s->ninj, 1);
	pthread_mutex_unlock(&s->injlock);
	for (i = 0; i < s->ncarriers; i++)
		if (atomic_load(&s->carriers[i].sleeping)) {
			kick(&s->carriers[i]);
			break;
		}
	return (0);
}

void
dft_exit(void *result)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *td = c->cur, *joiner;

	td->result = result;
	c->dead = td;
	c->dead_done = 0;
	/*
	 * A joiner of this carrier runs only once this thread has switched
	 * away, so it may be told now and be switched to directly.
	 */
	dft_spin_lock(&td->lock);
	joiner = td->joiner;
	if (joiner != NULL && joiner->home == c) {
		td->done = 1;
		c->dead_done = 1;
	}
	dft_spin_unlock(&td->lock);
	if (c->dead_done && dft_claim(joiner))
		make_runnable(c, joiner);
	dft_block(c, td);
	abort();
}

static void
thread_start(void *arg)
{
	struct dft_thread *td = arg;
	struct dft_carrier *c = td->home;

#ifdef DFT_ASAN
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	post_switch(c);
	dft_exit(td->fn(td->arg));
}

int
dft_join(struct dft_thread *td, void **resultp)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *self = c->cur;

	if (td == self)
		return (EDEADLK);
	dft_spin_lock(&td->lock);
	if (td->done) {
		dft_spin_unlock(&td->lock);
	} else {
		dft_set_wstate(self, DFT_W_WAIT);
		td->joiner = self;
		dft_spin_unlock(&td->lock);
		/*
		 * The exit wakes this thread after its last touch of td (see
		 * post_switch), and the wakeup orders that before what
		 * follows: td may be reused from here.
		 */
		dft_block(c, self);
		dft_set_wstate(self, DFT_W_RUN);
	}
	if (resultp != NULL)
		*resultp = td->result;
	release_stack(c, td);
	return (0);
}

struct dft_thread *
dft_self(void)
{
	return (dft_carrier_self->cur);
}

int
dft_sleep(uint64_t ns)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *td = c->cur;

	dft_set_wstate(td, DFT_W_WAIT);
	dft_timer_add(c, td, dft_now() + ns);
	dft_block(c, td);
	dft_set_wstate(td, DFT_W_RUN);
	return (0);
}

/* -- carriers ----------------------------------------------------------- */

/* Nothing to run: wait for an event, spinning a little first. */
static void
carrier_wait(struct dft_carrier *c)
{
	struct dft_sched *s = c->sched;
	struct timespec ts;
	uint64_t until, now;
	int i;

	for (i = 0; i < IDLE_SPINS; i++) {
		poll_events(c);
		if (c->rq.nqueued > 0 || atomic_load(&s->stop))
			return;
	}
	atomic_fetch_add(&s->nidle, 1);
	until = 0;
	if (c->nheap > 0)
		until = c->heap[0]->wake_at;
	if (atomic_load(&s->io_pending) > 0 &&
	    (until == 0 || until > dft_now() + IO_POLL_NS))
		until = dft_now() + IO_POLL_NS;
	if (c->nfdwait > 0) {
		/* Descriptors to watch: sleep in the poller. */
		atomic_store(&c->sleeping, SLEEP_POLL);
		now = dft_now();
		if (atomic_load(&c->inbox) == NULL &&
		    atomic_load(&s->ninj) == 0 && !atomic_load(&s->stop))
			dft_poll_events(c, until == 0 ? -1 : until > now ?
			    (int64_t)(until - now) : 0);
		atomic_store(&c->sleeping, SLEEP_NONE);
		atomic_fetch_sub(&s->nidle, 1);
		return;
	}
	pthread_mutex_lock(&c->mtx);
	atomic_store(&c->sleeping, SLEEP_COND);
	if (atomic_load(&c->inbox) == NULL && atomic_load(&s->ninj) == 0 &&
	    !atomic_load(&s->stop)) {
		if (until == 0) {
			pthread_cond_wait(&c->cv, &c->mtx);
		} else {
			ts.tv_sec = (time_t)(until / 1000000000);
			ts.tv_nsec = (long)(until % 1000000000);
			pthread_cond_timedwait(&c->cv, &c->mtx, &ts);
		}
	}
	atomic_store(&c->sleeping, SLEEP_NONE);
	pthread_mutex_unlock(&c->mtx);
	atomic_fetch_sub(&s->nidle, 1);
}

static void
carrier_loop(struct dft_carrier *c)
{
	struct dfsched_thread *st;

	dft_carrier_self = c;
#ifdef DFT_TSAN
	c->tsan_idle = __tsan_get_current_fiber();
#endif
#ifdef DFT_ASAN
	{
		pthread_attr_t attr;
		void *bottom;

		pthread_getattr_np(pthread_self(), &attr);
		pthread_attr_getstack(&attr, &bottom, &c->idle_size);
		pthread_attr_destroy(&attr);
		c->idle_bottom = bottom;
	}
#endif
	while (!atomic_load(&c->sched->stop)) {
		poll_events(c);
		st = dfsched_switch(&c->rq);
		if (st != NULL)
			switch_to(c, NULL, thread_of(st));
		else
			carrier_wait(c);
	}
	dft_carrier_self = NULL;
}

static void *
carrier_main(void *arg)
{
	carrier_loop(arg);
	return (NULL);
}

static void *
ticker_main(void *arg)
{
	struct dft_sched *s = arg;
	struct timespec ts;
	unsigned int i;

	ts.tv_sec = s->tick_us / 1000000;
	ts.tv_nsec = (long)(s->tick_us % 1000000) * 1000;
	while (!atomic_load(&s->stop)) {
		nanosleep(&ts, NULL);
		for (i = 0; i < s->ncarriers; i++)
			atomic_fetch_add_explicit(&s->carriers[i].ticks, 1,
			    memory_order_relaxed);
	}
	return (NULL);
}

/* The first user thread: main(arg), then everything stops. */
static void *
run_main(void *arg)
{
	struct dft_sched *s = dft_carrier_self->sched;
	unsigned int i;

	s->main_result = s->main_fn(arg);
	atomic_store(&s->stop, 1);
	for (i = 0; i < s->ncarriers; i++)
		kick(&s->carriers[i]);
	return (NULL);
}

static const struct dfsched_policy *
find_policy(const char *name)
{
	int i;

	for (i = 0; i < POLICIES_NPOLICIES; i++)
		if (strcmp(policies_table[i].name, name) == 0)
			return (&policies_table[i]);
	return (NULL);
}

int
dft_run(const struct dft_config *cfg, void *(*fn)(void *), void *arg,
    void **resultp)
{
	static const struct dft_config defaults;
	struct dft_sched s;
	struct dft_carrier *c;
	pthread_condattr_t ca;
	struct dft_thread *td;
	pthread_t ticker;
	unsigned int i, started;
	size_t page;
	int error;

	if (cfg == NULL)
		cfg = &defaults;
	memset(&s, 0, sizeof(s));
	s.policy = find_policy(cfg->policy != NULL ? cfg->policy : "rr");
	if (s.policy == NULL || dft_carrier_self != NULL)
		return (EINVAL);
	s.ncarriers = cfg->ncarriers;
	if (s.ncarriers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		s.ncarriers = n > 0 ? (unsigned int)n : 1;
	}
	page = (size_t)sysconf(_SC_PAGESIZE);
	s.stack_size = cfg->stack_size != 0 ? cfg->stack_size :
	    DFT_STACK_SIZE;
	s.stack_size = (s.stack_size + page - 1) & ~(page - 1);
	s.page = page;
	if (s.stack_size < 4 * page)
		return (EINVAL);
	s.guard = !cfg->no_guard;
	s.tick_us = cfg->tick_us;
	s.io_workers = cfg->io_workers != 0 ? cfg->io_workers :
	    DFT_IO_WORKERS;
	s.main_fn = fn;
	s.injlast = &s.injfirst;
	pthread_mutex_init(&s.injlock, NULL);
	pthread_mutex_init(&s.iolock, NULL);
	s.carriers = calloc(s.ncarriers, sizeof(*s.carriers));
	if (s.carriers == NULL)
		return (ENOMEM);
	/* Carriers wait for timers in CLOCK_MONOTONIC time (dft_now). */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (i = 0; i < s.ncarriers; i++) {
		c = &s.carriers[i];
		dfsched_init(&c->rq, s.policy);
		c->sched = &s;
		c->pollfd = c->kickfd = -1;
		pthread_mutex_init(&c->mtx, NULL);
		pthread_cond_init(&c->cv, &ca);
	}
	pthread_condattr_destroy(&ca);
	c = &s.carriers[0];
	dft_carrier_self = c;
	error = dft_spawn(&s.main, run_main, arg);
	if (error != 0)
		goto out;
	for (started = 1; started < s.ncarriers; started++) {
		error = pthread_create(&s.carriers[started].pt, NULL,
		    carrier_main, &s.carriers[started]);
		if (error != 0)
			break;
	}
	if (error == 0 && s.tick_us > 0)
		error = pthread_create(&ticker, NULL, ticker_main, &s);
	if (error != 0)
		atomic_store(&s.stop, 1);
	carrier_loop(c);
	for (i = 1; i < started; i++)
		pthread_join(s.carriers[i].pt, NULL);
	if (error == 0 && s.tick_us > 0)
		pthread_join(ticker, NULL);
	if (error == 0 && resultp != NULL)
		*resultp = s.main_result;
	if (s.main->done)
		release_stack(NULL, s.main);
out:
	dft_carrier_self = NULL;
	dft_io_fini(&s);
	for (i = 0; i < s.ncarriers; i++) {
		c = &s.carriers[i];
		while ((td = c->cache) != NULL) {
			c->cache = td->next;
			munmap(td->map, td->mapsize);
		}
		free(c->heap);
		dft_poll_fini(c);
		pthread_mutex_destroy(&c->mtx);
		pthread_cond_destroy(&c->cv);
	}
	free(s.carriers);
	pthread_mutex_destroy(&s.injlock);
	pthread_mutex_destroy(&s.iolock);
	return (error);
}
