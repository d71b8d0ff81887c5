/*
 * libasyncsys: asynchronous syscalls in user space (options
 * ASYNC_SYSCALLS).  A ring takes requests (struct asys_sqe, built by
 * the generated stubs async_<name>()), runs each where its policy says
 * (inline in the submitting thread, or on a worker thread) and returns
 * a completion (struct asys_cqe) for every request, exactly once.
 *
 *	ring = asys_ring_create(host_asys_ops, HOST_ASYS_NOPS, 256, 2);
 *	async_read(ring, 1, fd, buf, sizeof(buf));	-- queue requests
 *	asys_submit(ring);				-- start them
 *	n = asys_reap(ring, cqes, 16, 1);		-- wait for one or more
 *
 * asys_push() (what the stubs call) returns EAGAIN when as many
 * requests are in flight as the ring has entries: reap, then retry.
 * This is the host build; on DragonFly the same interface is backed by
 * the kernel's ring (sys/kern/kern_async_syscalls.c).
 */

#ifndef _ASYS_H_
#define	_ASYS_H_

#include <dfgen/syscalls/asys_abi.h>

struct asys_ring *asys_ring_create(const struct asys_op *, unsigned int,
	    unsigned int, unsigned int);
void	asys_ring_destroy(struct asys_ring *);
int	asys_push(struct asys_ring *, const struct asys_sqe *);
void	asys_submit(struct asys_ring *);
int	asys_reap(struct asys_ring *, struct asys_cqe *, int, int);

#endif /* !_ASYS_H_ */
