/*
 * asys_ring.h: the ring of asynchronous syscalls that a DragonFly
 * process shares with the kernel (options ASYNC_SYSCALLS).
 *
 * open("/dev/asyncsys") gives the process its ring, and
 * mmap(NULL, ASYS_RING_BYTES(entries), PROT_READ | PROT_WRITE,
 * MAP_SHARED, fd, 0) maps it: a header, then `entries' submission cells,
 * then as many completion cells, at the offsets the header gives.
 *
 * A cell's sequence number says whose turn it is.  A submission cell at
 * position pos is free for a producer when its sequence is pos, and
 * holds a request when it is pos + 1; user threads claim positions by
 * compare-and-swap on rh_sq_tail and publish with the sequence, then
 * ioctl(fd, ASYSIOC_SUBMIT) makes the kernel take what is published.
 * The kernel takes requests in order, completes each exactly once into
 * the completion cells (ready when the sequence is pos + 1; user space
 * takes them in order, one reaper at a time, advancing rh_cq_head and
 * freeing each cell by storing pos + entries), and the descriptor polls
 * readable, and EVFILT_READ fires, while a completion waits.  User
 * space keeps at most `entries' requests in flight, so the kernel finds
 * every completion's cell free; one that finds its cell still full (user
 * space broke that rule) is counted in rh_overflow and dropped.
 */

#ifndef _DFGEN_SYSCALLS_ASYS_RING_H_
#define	_DFGEN_SYSCALLS_ASYS_RING_H_

#include <dfgen/syscalls/asys_abi.h>

struct asys_ring_hdr {
	uint32_t	rh_entries;	/* cells of each queue: a power of 2 */
	uint32_t	rh_sq_off;	/* byte offset of the submission cells */
	uint32_t	rh_cq_off;	/* byte offset of the completion cells */
	uint32_t	rh_overflow;	/* completions dropped, ring overrun */
	uint64_t	rh_sq_tail;	/* next position producers claim */
	uint64_t	rh_cq_head;	/* next position reapers claim */
};

struct asys_sq_cell {
	uint64_t	sc_seq;
	struct asys_sqe	sc_sqe;
};

struct asys_cq_cell {
	uint64_t	cc_seq;
	struct asys_cqe	cc_cqe;
};

_Static_assert(sizeof(struct asys_ring_hdr) == 32, "the same on every ABI");
_Static_assert(sizeof(struct asys_sq_cell) == 88, "the same on every ABI");
_Static_assert(sizeof(struct asys_cq_cell) == 32, "the same on every ABI");

#define	ASYS_RING_SQ_OFF	64
#define	ASYS_RING_CQ_OFF(n)	(ASYS_RING_SQ_OFF + \
				    (n) * sizeof(struct asys_sq_cell))
#define	ASYS_RING_BYTES(n)	(ASYS_RING_CQ_OFF(n) + \
				    (n) * sizeof(struct asys_cq_cell))

/*
 * The kernel's side of the protocol (asys_kring.c), each call under the
 * caller's lock of that side: take the request at *head if it is
 * published (1, or 0), post a completion at *tail if its cell is free
 * (1, or 0: user space overran the ring).
 */
int	asys_ring_take(struct asys_sq_cell *, uint32_t, uint64_t *,
	    struct asys_sqe *);
int	asys_ring_post(struct asys_cq_cell *, uint32_t, uint64_t *,
	    const struct asys_cqe *);

#if defined(_KERNEL) || defined(__DragonFly__)
#include <sys/ioccom.h>

/* Take the published requests; the argument returns how many. */
#define	ASYSIOC_SUBMIT		_IOR('Y', 1, int)
#endif

#endif /* !_DFGEN_SYSCALLS_ASYS_RING_H_ */
