/*
 * dft_io.c: blocking system calls that park only the calling thread.
 *
 * The call goes to libasyncsys's ring (options ASYNC_SYSCALLS on
 * DragonFly, its host runtime elsewhere) with the thread as the
 * request's cookie; the thread then blocks, and every carrier reaps
 * completions without waiting (asys_reap with min 0) each time it
 * schedules while calls are in flight, waking their threads.  One ring
 * serves the process: DragonFly gives a process one, and the host
 * runtime's, created with the first call, takes requests from any
 * carrier.
 */

#define	_GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#ifdef __DragonFly__
/* The types the stubs of every DragonFly syscall take. */
#include <sys/acl.h>
#include <sys/cpumask.h>
#include <sys/wait.h>
#include <mqueue.h>
#include <signal.h>
#endif

#include <asys.h>
#ifdef __DragonFly__
#include "syscalls_async.h"
#else
#include "host_async.h"
#endif

/* DragonFly's pread and pwrite are extpread and extpwrite at an offset. */
#ifdef __DragonFly__
#define	async_pread_at(r, c, fd, b, n, o) \
	async_extpread(r, c, fd, b, n, O_FOFFSET, o)
#define	async_pwrite_at(r, c, fd, b, n, o) \
	async_extpwrite(r, c, fd, b, n, O_FOFFSET, o)
#else
#define	async_pread_at	async_pread
#define	async_pwrite_at	async_pwrite
#endif

#include "dft_int.h"

#define	RING_ENTRIES	256
#define	REAP_BATCH	16

struct asys_ring *
dft_io_ring(struct dft_sched *s)
{
	struct asys_ring *ring;

	ring = atomic_load(&s->ring);
	if (ring != NULL)
		return (ring);
	pthread_mutex_lock(&s->iolock);
	ring = atomic_load(&s->ring);
	if (ring == NULL) {
#ifdef __DragonFly__
		ring = asys_ring_open();
#else
		ring = asys_ring_create(host_asys_ops, HOST_ASYS_NOPS,
		    RING_ENTRIES, s->io_workers, 0);
#endif
		atomic_store(&s->ring, ring);
	}
	pthread_mutex_unlock(&s->iolock);
	return (ring);
}

/* The calls have all completed: no thread is left to park. */
void
dft_io_fini(struct dft_sched *s)
{
	if (s->ring != NULL)
		asys_ring_destroy(s->ring);
}

/* Reap what has completed and wake its threads; how many. */
int
dft_io_poll(struct dft_carrier *c)
{
	struct dft_sched *s = c->sched;
	struct asys_cqe cqes[REAP_BATCH];
	struct dft_thread *td;
	int i, n;

	n = asys_reap(atomic_load(&s->ring), cqes, REAP_BATCH, 0);
	if (n <= 0)
		return (0);
	atomic_fetch_sub(&s->io_pending, n);
	for (i = 0; i < n; i++) {
		td = (struct dft_thread *)(uintptr_t)cqes[i].cqe_cookie;
		td->cqe = cqes[i];
		if (dft_claim(td))
			dft_wake(td);
	}
	return (n);
}

/*
 * Issue the request `push' builds for the running thread and park it
 * until its completion; the call's result, or -1 with errno set.
 */
#define	DFT_CALL(push) do {						\
	struct dft_carrier *c = dft_carrier_self;			\
	struct dft_thread *td = c->cur;					\
	struct asys_ring *ring;						\
	uint64_t cookie = (uint64_t)(uintptr_t)td;			\
	int error;							\
									\
	ring = dft_io_ring(c->sched);					\
	if (ring == NULL)						\
		return (-1);						\
	dft_set_wstate(td, DFT_W_WAIT);					\
	atomic_fetch_add(&c->sched->io_pending, 1);			\
	while ((error = (push)) == EAGAIN)				\
		dft_yield();						\
	if (error == 0)							\
		error = asys_submit(ring);				\
	if (error != 0) {						\
		atomic_fetch_sub(&c->sched->io_pending, 1);		\
		dft_set_wstate(td, DFT_W_RUN);				\
		errno = error;						\
		return (-1);						\
	}								\
	dft_block(c, td);						\
	dft_set_wstate(td, DFT_W_RUN);					\
	if (td->cqe.cqe_error != 0) {					\
		errno = td->cqe.cqe_error;				\
		return (-1);						\
	}								\
	return ((ssize_t)td->cqe.cqe_result);				\
} while (0)

ssize_t
dft_read(int fd, void *buf, size_t n)
{
	DFT_CALL(async_read(ring, cookie, fd, buf, n));
}

ssize_t
dft_write(int fd, const void *buf, size_t n)
{
	DFT_CALL(async_write(ring, cookie, fd, buf, n));
}

ssize_t
dft_pread(int fd, void *buf, size_t n, off_t off)
{
	DFT_CALL(async_pread_at(ring, cookie, fd, buf, n, off));
}

ssize_t
dft_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	DFT_CALL(async_pwrite_at(ring, cookie, fd, buf, n, off));
}
