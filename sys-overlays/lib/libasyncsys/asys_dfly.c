/*
 * asys_dfly.c: libasyncsys on DragonFly, over the ring the kernel
 * shares with the process (options ASYNC_SYSCALLS,
 * sys/kern/kern_async_syscalls.c).
 *
 * asys_ring_open() opens /dev/asyncsys, which gives the process its
 * ring, and maps it: first the header alone, to learn how many entries
 * the kernel was built with, then the whole ring at the size the header
 * implies.  Requests are published in the submission cells without a
 * lock (asys_shring.c) and taken by the kernel on ioctl(ASYSIOC_SUBMIT),
 * which runs inline calls before it returns and hands the others to its
 * worker threads.  Completions are taken from the completion cells, one
 * reaper at a time (the reap lock); a reaper that needs more than are
 * ready waits in kevent(2) for EVFILT_READ on the ring's descriptor,
 * which the kernel raises while a completion waits.
 *
 * Back-pressure: the kernel has a completion cell for every request
 * only if no more than `entries' are in flight, so a push takes one of
 * that many credits and fails with EAGAIN when none is left; reaping
 * gives them back.
 */

#include <sys/types.h>
#include <sys/event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <dfgen/syscalls/asys_ring.h>

#include "asys.h"
#include "asys_shring.h"

#define	ASYS_DEVICE	"/dev/asyncsys"

struct asys_ring {
	struct asys_ring_hdr	*hdr;	/* the shared pages */
	struct asys_sq_cell	*sq;
	struct asys_cq_cell	*cq;
	size_t			bytes;	/* mapped */
	int			fd;	/* the ring's descriptor */
	int			kq;	/* EVFILT_READ on fd */
	int			credits; /* requests it may still admit */
	pthread_mutex_t		reap_lock;
};

/*
 * The size of the ring the kernel offers on fd, from its header: 0 if
 * the header is not one this library can use.
 */
static size_t
ring_bytes(int fd, size_t page)
{
	struct asys_ring_hdr *hdr, h;

	hdr = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (hdr == MAP_FAILED)
		return (0);
	h = *hdr;
	munmap(hdr, page);
	if (h.rh_entries < 2 || (h.rh_entries & (h.rh_entries - 1)) != 0 ||
	    h.rh_sq_off != ASYS_RING_SQ_OFF ||
	    h.rh_cq_off != ASYS_RING_CQ_OFF(h.rh_entries)) {
		errno = EPROTO;
		return (0);
	}
	return ((ASYS_RING_BYTES(h.rh_entries) + page - 1) / page * page);
}

struct asys_ring *
asys_ring_open(void)
{
	struct asys_ring *ring;
	struct kevent kev;
	long page;
	int error;

	ring = calloc(1, sizeof(*ring));
	if (ring == NULL)
		return (NULL);
	ring->kq = -1;
	ring->fd = open(ASYS_DEVICE, O_RDWR | O_CLOEXEC);
	if (ring->fd == -1)
		goto fail;
	page = sysconf(_SC_PAGESIZE);
	ring->bytes = ring_bytes(ring->fd, (size_t)page);
	if (ring->bytes == 0)
		goto fail;
	ring->hdr = mmap(NULL, ring->bytes, PROT_READ | PROT_WRITE,
	    MAP_SHARED, ring->fd, 0);
	if (ring->hdr == MAP_FAILED) {
		ring->hdr = NULL;
		goto fail;
	}
	ring->sq = (struct asys_sq_cell *)((char *)ring->hdr +
	    ring->hdr->rh_sq_off);
	ring->cq = (struct asys_cq_cell *)((char *)ring->hdr +
	    ring->hdr->rh_cq_off);
	ring->credits = (int)ring->hdr->rh_entries;
	ring->kq = kqueue();
	if (ring->kq == -1)
		goto fail;
	EV_SET(&kev, ring->fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
	if (kevent(ring->kq, &kev, 1, NULL, 0, NULL) == -1)
		goto fail;
	error = pthread_mutex_init(&ring->reap_lock, NULL);
	if (error != 0) {
		errno = error;
		goto fail;
	}
	return (ring);

fail:
	error = errno;
	if (ring->kq != -1)
		close(ring->kq);
	if (ring->hdr != NULL)
		munmap(ring->hdr, ring->bytes);
	if (ring->fd != -1)
		close(ring->fd);
	free(ring);
	errno = error;
	return (NULL);
}

/*
 * Close the ring.  The kernel waits for the requests still on its
 * workers when the descriptor closes; completions not reaped are lost.
 */
void
asys_ring_destroy(struct asys_ring *ring)
{
	close(ring->kq);
	munmap(ring->hdr, ring->bytes);
	close(ring->fd);
	pthread_mutex_destroy(&ring->reap_lock);
	free(ring);
}

int
asys_push(struct asys_ring *ring, const struct asys_sqe *sqe)
{
	int n, error;

	n = __atomic_load_n(&ring->credits, __ATOMIC_RELAXED);
	do {
		if (n == 0)
			return (EAGAIN);
	} while (!__atomic_compare_exchange_n(&ring->credits, &n, n - 1, 1,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	error = asys_shr_push(ring->hdr, ring->sq, sqe);
	if (error != 0)
		__atomic_fetch_add(&ring->credits, 1, __ATOMIC_RELEASE);
	return (error);
}

/* Have the kernel take every published request. */
int
asys_submit(struct asys_ring *ring)
{
	int taken;

	if (ioctl(ring->fd, ASYSIOC_SUBMIT, &taken) == -1)
		return (errno);
	return (0);
}

int
asys_reap(struct asys_ring *ring, struct asys_cqe *cqes, int max, int min)
{
	struct kevent kev;
	int n, taken;

	n = 0;
	for (;;) {
		pthread_mutex_lock(&ring->reap_lock);
		for (taken = 0; n < max &&
		    asys_shr_reap(ring->hdr, ring->cq, &cqes[n]); taken++)
			n++;
		pthread_mutex_unlock(&ring->reap_lock);
		if (taken > 0)
			__atomic_fetch_add(&ring->credits, taken,
			    __ATOMIC_RELEASE);
		if (n >= min || n == max)
			return (n);
		if (kevent(ring->kq, NULL, 0, &kev, 1, NULL) == -1 &&
		    errno != EINTR)
			return (n > 0 ? n : -1);
	}
}
