/*
 * asys_shring.h: the user side of the ring shared with the kernel.
 *
 *	asys_shr_push()	publish a request: 0, or EAGAIN when the kernel
 *			has not yet taken the request in that cell
 *	asys_shr_reap()	take a completion: 1, or 0 when none is ready;
 *			one caller at a time
 *
 * User space admits at most rh_entries requests in flight, so that the
 * kernel always finds a free completion cell (asys_ring.h).
 */

#ifndef _ASYS_SHRING_H_
#define	_ASYS_SHRING_H_

#include <dfgen/syscalls/asys_ring.h>

int	asys_shr_push(struct asys_ring_hdr *, struct asys_sq_cell *,
	    const struct asys_sqe *);
int	asys_shr_reap(struct asys_ring_hdr *, struct asys_cq_cell *,
	    struct asys_cqe *);

#endif /* !_ASYS_SHRING_H_ */
