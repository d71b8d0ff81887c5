/*
 * dft_int.h: libdfthread's insides, shared by its files.
 */

#ifndef _DFT_INT_H_
#define	_DFT_INT_H_

#include <pthread.h>
#include <stdatomic.h>

#include <dfgen/sched/dfsched.h>
#include <dfgen/syscalls/asys_abi.h>

#include "dft.h"
#include "dft_ctx.h"

#if defined(__SANITIZE_ADDRESS__)
#define	DFT_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define	DFT_ASAN	1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define	DFT_TSAN	1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define	DFT_TSAN	1
#endif
#endif

/* How a carrier with nothing to run waits (sleeping). */
#define	SLEEP_NONE	0
#define	SLEEP_COND	1		/* on its condition variable */
#define	SLEEP_POLL	2		/* in its poller */

/* How a waiting thread was woken (wstate). */
#define	DFT_W_RUN	0		/* not waiting */
#define	DFT_W_WAIT	1		/* on a wait queue or the timer heap */
#define	DFT_W_WOKEN	2		/* by the waiter's event */
#define	DFT_W_TIMEOUT	3		/* by its timer */

struct dft_carrier;

/*
 * A user thread lives at the top of its own stack mapping: the page
 * below the mapping's stack, when guarded, is PROT_NONE.
 */
struct dft_thread {
	struct dfsched_thread st;	/* first: what the policy sees */
	struct dft_ctx	ctx;
	struct dft_carrier *home;	/* the carrier that runs it */
	void		*(*fn)(void *);
	void		*arg;
	void		*result;
	char		*map;		/* the mapping, guard page first */
	size_t		mapsize;
	struct dft_thread *next;	/* inbox, shared queue, cache */
	struct dft_thread *wnext;	/* a wait queue */
	_Atomic int	wstate;		/* DFT_W_* */
	int		heapidx;	/* in the timer heap, or -1 */
	uint64_t	wake_at;	/* its timer, CLOCK_MONOTONIC ns */
	dft_spin_t	lock;		/* done, joiner */
	int		done;
	struct dft_thread *joiner;
	void		*xfer;		/* channel element */
	int		xfer_ok;
	struct asys_cqe	cqe;		/* the completion of its call */
#ifdef DFT_ASAN
	void		*asan_fake;
#endif
#ifdef DFT_TSAN
	void		*tsan_fiber;
#endif
};

struct dft_sched;

struct dft_carrier {
	struct dfsched_rq rq;
	struct dft_ctx	idle;		/* the carrier's own stack */
	struct dft_thread *cur;		/* the running thread, or NULL */
	struct dft_thread *dead;	/* exited, its stack left just now */
	int		dead_done;	/* and already declared done */
	struct dft_sched *sched;
	int		resched;	/* a wakeup wants the CPU */
	unsigned int	ticks_seen;
	_Atomic unsigned int ticks;	/* posted by the ticker */
	_Atomic(struct dft_thread *) inbox; /* wakeups from elsewhere */
	_Atomic int	sleeping;	/* SLEEP_*: how it waits */
	pthread_mutex_t	mtx;
	pthread_cond_t	cv;
	pthread_t	pt;
	struct dft_thread **heap;	/* timers, earliest first */
	unsigned int	nheap;
	unsigned int	heapcap;
	int		pollfd;		/* its poller (dft_poll.c), or -1 */
	int		kickfd;		/* wakes it there (Linux), or -1 */
	unsigned int	nfdwait;	/* threads waiting on descriptors */
	unsigned int	pollskip;	/* passes since the last poll */
	struct dft_thread *cache;	/* stacks to reuse */
	unsigned int	ncache;
#ifdef DFT_ASAN
	const void	*idle_bottom;
	size_t		idle_size;
#endif
#ifdef DFT_TSAN
	void		*tsan_idle;
#endif
};

struct dft_sched {
	struct dft_carrier *carriers;
	unsigned int	ncarriers;
	const struct dfsched_policy *policy;
	size_t		stack_size;
	size_t		page;
	int		guard;
	unsigned int	tick_us;
	unsigned int	io_workers;
	pthread_mutex_t	injlock;	/* the shared queue */
	struct dft_thread *injfirst;
	struct dft_thread **injlast;
	_Atomic unsigned int ninj;
	_Atomic unsigned int nidle;	/* carriers waiting for work */
	_Atomic int	stop;
	pthread_mutex_t	iolock;		/* creating the ring */
	struct asys_ring *_Atomic ring;
	_Atomic int	io_pending;	/* calls not yet reaped */
	struct dft_thread *main;
	void		*(*main_fn)(void *);
	void		*main_result;
};

/*
 * The carrier running on this system thread.  Initial-exec: read on
 * every yield and block, it must not cost a call to __tls_get_addr()
 * when the library is a shared object.
 */
extern _Thread_local struct dft_carrier *dft_carrier_self
    __attribute__((__tls_model__("initial-exec")));

/*
 * A thread sets its own wait state: to DFT_W_WAIT before it puts itself
 * where a waker finds it (under a lock, or in a request the ring
 * publishes, either of which orders this store before the waker's
 * claim), and back to DFT_W_RUN once it runs again.
 */
static __inline void
dft_set_wstate(struct dft_thread *td, int w)
{
	atomic_store_explicit(&td->wstate, w, memory_order_relaxed);
}

void	dft_spin_lock(dft_spin_t *);
void	dft_spin_unlock(dft_spin_t *);
void	dft_waitq_push(struct dft_waitq *, struct dft_thread *);
struct dft_thread *dft_waitq_pop(struct dft_waitq *);
int	dft_waitq_remove(struct dft_waitq *, struct dft_thread *);

void	dft_block(struct dft_carrier *, struct dft_thread *);
void	dft_wake(struct dft_thread *);
int	dft_claim(struct dft_thread *);
void	dft_timer_add(struct dft_carrier *, struct dft_thread *, uint64_t);
void	dft_timer_remove(struct dft_carrier *, struct dft_thread *);
uint64_t dft_now(void);
int	dft_io_poll(struct dft_carrier *);
struct asys_ring *dft_io_ring(struct dft_sched *);
void	dft_io_fini(struct dft_sched *);
void	dft_poll_events(struct dft_carrier *, int64_t);
void	dft_poll_kick(struct dft_carrier *);
void	dft_poll_fini(struct dft_carrier *);

#endif /* !_DFT_INT_H_ */
