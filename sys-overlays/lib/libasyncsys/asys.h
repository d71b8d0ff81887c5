/*
 * libasyncsys: asynchronous syscalls in user space (options
 * ASYNC_SYSCALLS).  A ring takes requests (struct asys_sqe, built by
 * the generated stubs async_<name>()), runs each where its policy says
 * (inline in the submitting thread, or on a worker thread) and returns
 * a completion (struct asys_cqe) for every request, exactly once.
 *
 *	ring = asys_ring_create(host_asys_ops, HOST_ASYS_NOPS, 256, 2, 0);
 *	async_read(ring, 1, fd, buf, sizeof(buf));	-- queue requests
 *	asys_submit(ring);				-- start them
 *	n = asys_reap(ring, cqes, 16, 1);		-- wait for one or more
 *
 * asys_push() (what the stubs call) returns EAGAIN when as many
 * requests are in flight as the ring has entries: reap, then retry.
 * asys_submit() returns 0 or the error of handing the requests over.
 * On the host, a ring created with ASYS_RING_SINGLE promises that its
 * pushes, submits and reaps never run concurrently (one thread issues
 * and reaps, as io_uring's SINGLE_ISSUER), which spares the inline path
 * every atomic operation.
 *
 * On the host (asys.c) the library runs the calls itself, from the
 * table generated with --host.  On DragonFly (asys_dfly.c) the kernel
 * runs them (sys/kern/kern_async_syscalls.c): asys_ring_open() maps the
 * process's ring from /dev/asyncsys, whose size and worker threads the
 * kernel's options set, and asys_reap() may also return -1 with errno
 * set when it cannot wait (kevent(2) failed) before taking anything.
 */

#ifndef _ASYS_H_
#define	_ASYS_H_

#include <dfgen/syscalls/asys_abi.h>

#ifdef __DragonFly__
struct asys_ring *asys_ring_open(void);
#else
#define	ASYS_RING_SINGLE	0x1	/* one issuer: see above */

struct asys_ring *asys_ring_create(const struct asys_op *, unsigned int,
	    unsigned int, unsigned int, unsigned int);
#endif
void	asys_ring_destroy(struct asys_ring *);
int	asys_push(struct asys_ring *, const struct asys_sqe *);
int	asys_submit(struct asys_ring *);
int	asys_reap(struct asys_ring *, struct asys_cqe *, int, int);

#endif /* !_ASYS_H_ */
