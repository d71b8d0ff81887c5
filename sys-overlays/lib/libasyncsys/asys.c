/*
 * libasyncsys, the host runtime: lock-free submission and completion
 * queues, a pool of worker threads, completion through an eventfd.
 *
 * Both queues are bounded multi-producer multi-consumer arrays: each
 * cell carries a sequence number that says whose turn it is (a
 * producer's when it equals the position, a consumer's when it equals
 * the position + 1), and head and tail are claimed with compare-and-
 * swap, so neither side takes a lock.  The submission queue's producers
 * are the submitting threads and its consumers the workers; the
 * completion queue's producers are the workers and the threads that run
 * requests inline, its consumers the reapers.
 *
 * Back-pressure: a ring of N entries admits N requests in flight
 * (pushed, not yet reaped).  Pushes are counted in `admitted' and
 * reaps by the completion queue's head, so what is in flight is their
 * difference: a push claims the next count by compare-and-swap while
 * that is below N, and fails with EAGAIN instead of blocking when it is
 * not; reaping costs nothing beyond taking the cell.  Neither queue can
 * then overflow.
 *
 * The inline path: a request whose policy runs it inline (or that is
 * refused) is executed in asys_push() and its completion put in the
 * completion queue at once.  It costs three compare-and-swaps, one to
 * admit it, one to claim its completion cell and one to reap it, and
 * touches neither the submission queue, nor the workers, nor the
 * eventfd unless a reaper sleeps.  A request bound for a worker whose
 * operation has a way to run without sleeping (op_try: a pread the page
 * cache holds) is tried there first, and only what that cannot finish
 * goes to a worker.
 *
 * A ring created ASYS_RING_SINGLE has one issuer: pushes, submits and
 * reaps are never concurrent with each other.  Its admission count and
 * the completions of what runs inline are then the issuer's own, plain
 * counters and a private lane of completions, and the inline path costs
 * no atomic operation at all; the workers' completions still come
 * through the completion queue.
 *
 * Sleeping: a worker that finds nothing to do for SPINS polls (some
 * microseconds), or a reaper that has waited that long, goes to sleep.
 * A worker announces itself in `sleepers', checks the queue once more,
 * and waits on a semaphore; asys_submit() posts it.  A reaper announces
 * itself in `waiters', checks once more, and polls the eventfd for one
 * token; a completion that finds a waiter counted takes the count and
 * adds one token, so a sleeping reaper costs one write and a busy one
 * none.  The sleeper counts itself with a read-modify-write, then looks
 * at the queue's tail; the other side claims the tail with a
 * sequentially consistent compare-and-swap, then loads the count.  In
 * the single order of those operations one of the two comes first, so
 * one side sees the other and no wakeup is lost, and the busy side
 * pays a plain load.
 */

#define	_GNU_SOURCE

#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

#include "asys.h"

#define	CACHELINE	64
#define	SPINS		2048	/* empty polls before sleeping */

#if defined(__x86_64__) || defined(__i386__)
#define	cpu_relax()	__asm__ __volatile__("pause")
#else
#define	cpu_relax()	do { } while (0)
#endif

struct asys_cell {
	atomic_uint_fast64_t	seq;
	union {
		struct asys_sqe	sqe;
		struct asys_cqe	cqe;
	} u;
};

struct asys_queue {
	_Alignas(CACHELINE) atomic_uint_fast64_t head;	/* next to take */
	_Alignas(CACHELINE) atomic_uint_fast64_t tail;	/* next to fill */
	_Alignas(CACHELINE) uint64_t mask;
	struct asys_cell	*cells;
};

struct asys_ring {
	struct asys_queue	sq;
	struct asys_queue	cq;
	/* ASYS_RING_SINGLE: the issuer's own, no one else touches them. */
	_Alignas(CACHELINE) uint64_t pushed;
	uint64_t		reaped;
	uint64_t		lane_head;	/* inline completions */
	uint64_t		lane_tail;
	struct asys_cqe		*lane;
	unsigned int		flags;		/* ASYS_RING_* */
	_Alignas(CACHELINE) atomic_uint_fast64_t admitted; /* pushes */
	unsigned int		entries;	/* requests it may admit */
	_Alignas(CACHELINE) atomic_int sleepers; /* workers asleep or going */
	atomic_int		waiters;	/* reapers owed a token */
	atomic_bool		stopping;
	sem_t			wake;
	int			notify_rd;	/* eventfd, or a pipe */
	int			notify_wr;
	const struct asys_op	*ops;
	unsigned int		nops;
	unsigned int		nworkers;
	pthread_t		*workers;
};

static int
queue_init(struct asys_queue *q, unsigned int entries)
{
	unsigned int i;

	q->cells = calloc(entries, sizeof(*q->cells));
	if (q->cells == NULL)
		return (ENOMEM);
	for (i = 0; i < entries; i++)
		atomic_init(&q->cells[i].seq, i);
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	q->mask = entries - 1;
	return (0);
}

/*
 * Claim the cell at the tail and fill it.  Admission control keeps room
 * for every admitted request: a cell found still full belongs to a
 * position that some consumer has claimed and is copying out (consumers
 * claim in order, and fewer requests than cells are in flight), so wait
 * for it to be given back.
 */
static void
queue_put(struct asys_queue *q, const void *item, size_t size)
{
	struct asys_cell *c;
	uint_fast64_t pos, seq;

	pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
	for (;;) {
		c = &q->cells[pos & q->mask];
		seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		if (seq == pos) {
			/* Sequentially consistent: see "Sleeping". */
			if (atomic_compare_exchange_weak_explicit(&q->tail,
			    &pos, pos + 1, memory_order_seq_cst,
			    memory_order_relaxed))
				break;
		} else {
			if (seq < pos)
				cpu_relax();
			pos = atomic_load_explicit(&q->tail,
			    memory_order_relaxed);
		}
	}
	memcpy(&c->u, item, size);
	atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
}

/* Take the cell at the head; false when the queue is empty. */
static bool
queue_get(struct asys_queue *q, void *item, size_t size)
{
	struct asys_cell *c;
	uint_fast64_t pos, seq;

	pos = atomic_load_explicit(&q->head, memory_order_relaxed);
	for (;;) {
		c = &q->cells[pos & q->mask];
		seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		if (seq == pos + 1) {
			if (atomic_compare_exchange_weak_explicit(&q->head,
			    &pos, pos + 1, memory_order_relaxed,
			    memory_order_relaxed))
				break;
		} else if (seq < pos + 1) {
			return (false);
		} else {
			pos = atomic_load_explicit(&q->head,
			    memory_order_relaxed);
		}
	}
	memcpy(item, &c->u, size);
	atomic_store_explicit(&c->seq, pos + q->mask + 1,
	    memory_order_release);
	return (true);
}

static bool
queue_empty(struct asys_queue *q)
{
	return (atomic_load(&q->head) == atomic_load(&q->tail));
}

/* Decrement *v if it is positive; true if it was. */
static bool
take_one(atomic_int *v)
{
	int n;

	n = atomic_load(v);
	while (n > 0) {
		if (atomic_compare_exchange_weak(v, &n, n - 1))
			return (true);
	}
	return (false);
}

static void
fill(struct asys_cqe *cqe, const struct asys_sqe *sqe, int64_t result,
    int error)
{
	cqe->cqe_cookie = sqe->sqe_cookie;
	cqe->cqe_result = error != 0 ? -1 : result;
	cqe->cqe_error = error;
	cqe->cqe_op = sqe->sqe_op;
}

/* Put a completion in the completion queue, waking a reaper that sleeps. */
static void
complete(struct asys_ring *ring, const struct asys_cqe *cqe)
{
	uint64_t one;

	queue_put(&ring->cq, cqe, sizeof(*cqe));
	/* After the tail's claim in queue_put(): see "Sleeping". */
	if (atomic_load(&ring->waiters) > 0 &&
	    take_one(&ring->waiters)) {
		one = 1;
		/* A full pipe already holds wakeups enough. */
		(void)!write(ring->notify_wr, &one, ring->notify_wr ==
		    ring->notify_rd ? sizeof(one) : 1);
	}
}

/* Run one request in the current thread. */
static void
execute(const struct asys_ring *ring, const struct asys_sqe *sqe,
    struct asys_cqe *cqe)
{
	const struct asys_op *op;
	int64_t result;
	int error;

	result = 0;
	if (sqe->sqe_flags != 0) {
		error = EINVAL;
	} else if (sqe->sqe_op >= ring->nops ||
	    (op = &ring->ops[sqe->sqe_op])->op_call == NULL) {
		error = ENOSYS;
	} else {
		error = op->op_call(sqe, &result);
	}
	fill(cqe, sqe, result, error);
}

static void *
worker(void *arg)
{
	struct asys_ring *ring = arg;
	struct asys_sqe sqe;
	struct asys_cqe cqe;
	int spins;

	spins = 0;
	for (;;) {
		if (queue_get(&ring->sq, &sqe, sizeof(sqe))) {
			execute(ring, &sqe, &cqe);
			complete(ring, &cqe);
			spins = 0;
			continue;
		}
		if (atomic_load(&ring->stopping))
			return (NULL);
		if (++spins < SPINS) {
			cpu_relax();
			continue;
		}
		spins = 0;
		atomic_fetch_add(&ring->sleepers, 1);
		if (!queue_empty(&ring->sq) || atomic_load(&ring->stopping)) {
			/* Undo, unless a submitter already counted us. */
			if (take_one(&ring->sleepers))
				continue;
		}
		while (sem_wait(&ring->wake) == -1 && errno == EINTR)
			continue;
	}
}

struct asys_ring *
asys_ring_create(const struct asys_op *ops, unsigned int nops,
    unsigned int entries, unsigned int nworkers, unsigned int flags)
{
	struct asys_ring *ring;
	unsigned int i;
	int fds[2];

	if (entries < 2 || (entries & (entries - 1)) != 0 ||
	    entries > (1U << 30) || nworkers == 0 ||
	    (flags & ~ASYS_RING_SINGLE) != 0) {
		errno = EINVAL;
		return (NULL);
	}
	/* Its size is a multiple of its alignment, as aligned_alloc wants. */
	ring = aligned_alloc(CACHELINE, sizeof(*ring));
	if (ring == NULL)
		return (NULL);
	memset(ring, 0, sizeof(*ring));
	ring->ops = ops;
	ring->nops = nops;
	ring->flags = flags;
	if ((flags & ASYS_RING_SINGLE) != 0 &&
	    (ring->lane = calloc(entries, sizeof(*ring->lane))) == NULL)
		goto fail_ring;
	if (queue_init(&ring->sq, entries) != 0)
		goto fail_ring;
	if (queue_init(&ring->cq, entries) != 0)
		goto fail_sq;
	atomic_init(&ring->admitted, 0);
	ring->entries = entries;
	atomic_init(&ring->sleepers, 0);
	atomic_init(&ring->waiters, 0);
	atomic_init(&ring->stopping, false);
#ifdef __linux__
	fds[0] = fds[1] = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE);
	if (fds[0] == -1)
		goto fail_cq;
#else
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == -1)
		goto fail_cq;
#endif
	ring->notify_rd = fds[0];
	ring->notify_wr = fds[1];
	if (sem_init(&ring->wake, 0, 0) == -1)
		goto fail_fd;
	ring->workers = calloc(nworkers, sizeof(*ring->workers));
	if (ring->workers == NULL)
		goto fail_sem;
	for (i = 0; i < nworkers; i++) {
		errno = pthread_create(&ring->workers[i], NULL, worker, ring);
		if (errno != 0)
			break;
	}
	ring->nworkers = i;
	if (i < nworkers) {
		asys_ring_destroy(ring);
		return (NULL);
	}
	return (ring);

fail_sem:
	sem_destroy(&ring->wake);
fail_fd:
	close(ring->notify_rd);
	if (ring->notify_wr != ring->notify_rd)
		close(ring->notify_wr);
fail_cq:
	free(ring->cq.cells);
fail_sq:
	free(ring->sq.cells);
fail_ring:
	free(ring->lane);
	free(ring);
	errno = ENOMEM;
	return (NULL);
}

/*
 * Stop the workers once the submission queue is empty: every pushed
 * request has run when this returns.  Completions not reaped are
 * dropped with the ring.
 */
void
asys_ring_destroy(struct asys_ring *ring)
{
	unsigned int i;

	atomic_store(&ring->stopping, true);
	for (i = 0; i < ring->nworkers; i++)
		sem_post(&ring->wake);
	for (i = 0; i < ring->nworkers; i++)
		pthread_join(ring->workers[i], NULL);
	free(ring->workers);
	sem_destroy(&ring->wake);
	close(ring->notify_rd);
	if (ring->notify_wr != ring->notify_rd)
		close(ring->notify_wr);
	free(ring->cq.cells);
	free(ring->sq.cells);
	free(ring->lane);
	free(ring);
}

/* Count one more request in flight, if there is room for it. */
static bool
admit(struct asys_ring *ring)
{
	uint_fast64_t pos, reaped;

	if ((ring->flags & ASYS_RING_SINGLE) != 0) {
		if (ring->pushed - ring->reaped >= ring->entries)
			return (false);
		ring->pushed++;
		return (true);
	}
	pos = atomic_load_explicit(&ring->admitted, memory_order_relaxed);
	do {
		/* Negative only while pos is stale, and then the swap fails. */
		reaped = atomic_load_explicit(&ring->cq.head,
		    memory_order_relaxed);
		if ((int64_t)(pos - reaped) >= (int64_t)ring->entries)
			return (false);
	} while (!atomic_compare_exchange_weak_explicit(&ring->admitted, &pos,
	    pos + 1, memory_order_relaxed, memory_order_relaxed));
	return (true);
}

int
asys_push(struct asys_ring *ring, const struct asys_sqe *sqe)
{
	const struct asys_op *op;
	struct asys_cqe local, *cqe;
	int64_t result;
	bool single;

	if (!admit(ring))
		return (EAGAIN);
	/* With one issuer, the completion is written in its lane at once. */
	single = (ring->flags & ASYS_RING_SINGLE) != 0;
	cqe = single ? &ring->lane[ring->lane_tail & (ring->entries - 1)] :
	    &local;
	op = sqe->sqe_op < ring->nops ? &ring->ops[sqe->sqe_op] : NULL;
	if (op != NULL && op->op_run == ASYS_RUN_WORKER &&
	    op->op_call != NULL && sqe->sqe_flags == 0) {
		result = 0;
		if (op->op_try == NULL || op->op_try(sqe, &result) != 0) {
			queue_put(&ring->sq, sqe, sizeof(*sqe));
			return (0);
		}
		fill(cqe, sqe, result, 0);
	} else {
		execute(ring, sqe, cqe);
	}
	if (single)
		ring->lane_tail++;
	else
		complete(ring, cqe);
	return (0);
}

/*
 * Wake as many sleeping workers as there are queued requests; nothing
 * here can fail.
 */
int
asys_submit(struct asys_ring *ring)
{
	uint_fast64_t queued;

	/* After the tail's claim in queue_put(): see "Sleeping". */
	if (atomic_load(&ring->sleepers) == 0)
		return (0);
	queued = atomic_load(&ring->sq.tail) - atomic_load(&ring->sq.head);
	while (queued-- > 0 && take_one(&ring->sleepers))
		sem_post(&ring->wake);
	return (0);
}

/*
 * Take up to `max' completions into `cqes', waiting until at least
 * `min' have arrived; returns how many were taken.
 */
int
asys_reap(struct asys_ring *ring, struct asys_cqe *cqes, int max, int min)
{
	struct pollfd pfd;
	uint64_t tokens;
	int n, spins;

	n = spins = 0;
	if ((ring->flags & ASYS_RING_SINGLE) != 0) {
		while (n < max && ring->lane_head != ring->lane_tail)
			cqes[n++] = ring->lane[ring->lane_head++ &
			    (ring->entries - 1)];
	}
	while (n < max) {
		if (queue_get(&ring->cq, &cqes[n], sizeof(cqes[n]))) {
			n++;
			continue;
		}
		if (n >= min)
			break;
		/* A completion due soon costs less to wait for awake. */
		if (++spins < SPINS) {
			cpu_relax();
			continue;
		}
		spins = 0;
		atomic_fetch_add(&ring->waiters, 1);
		/* Undo, unless a completion already took the count. */
		if (!queue_empty(&ring->cq) && take_one(&ring->waiters))
			continue;
		pfd.fd = ring->notify_rd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, -1) != 1 ||
		    read(ring->notify_rd, &tokens, ring->notify_wr ==
		    ring->notify_rd ? sizeof(tokens) : 1) <= 0)
			continue;
	}
	if ((ring->flags & ASYS_RING_SINGLE) != 0)
		ring->reaped += n;
	return (n);
}
