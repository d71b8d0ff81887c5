/*
 * asys_abi.h: the messages of asynchronous syscalls (options
 * ASYNC_SYSCALLS), as user space and the kernel share them.
 *
 * A request is a sequence of 64-bit slots: the caller's cookie, the
 * operation (the syscall number) and its flags, then one slot per
 * argument, an integer converted to uint64_t and a pointer through
 * uintptr_t.  Every offset is a multiple of 8 on every ABI, so 32- and
 * 64-bit processes write the same bytes.  A completion returns the
 * cookie with the syscall's result and error.  The per-syscall views of
 * a request (struct asys_req_<name>) are generated from syscalls.master.
 */

#ifndef _DFGEN_SYSCALLS_ASYS_ABI_H_
#define	_DFGEN_SYSCALLS_ASYS_ABI_H_

#include <sys/dfgen_compat.h>

#define	ASYS_MAXARGS	8		/* argument slots of a request */

struct asys_sqe {
	uint64_t	sqe_cookie;	/* returned in the completion */
	uint32_t	sqe_op;		/* the syscall number */
	uint32_t	sqe_flags;	/* none defined yet: must be 0 */
	uint64_t	sqe_args[ASYS_MAXARGS];
};

struct asys_cqe {
	uint64_t	cqe_cookie;	/* the request's */
	int64_t		cqe_result;	/* the syscall's result, or -1 */
	int32_t		cqe_error;	/* 0, or the errno of the failure */
	uint32_t	cqe_op;		/* the request's */
};

_Static_assert(sizeof(struct asys_sqe) == 80, "asys_sqe is 10 slots");
_Static_assert(sizeof(struct asys_cqe) == 24, "asys_cqe is 24 bytes");

/* How a syscall may be run: the flags of its dispatch table entry. */
#define	ASYS_F_BLOCKS	0x01		/* may sleep */
#define	ASYS_F_WORKER	0x02		/* safe on a worker thread */
#define	ASYS_F_PROC	0x04		/* needs the caller's own context */

/* Where it runs: the policy. */
#define	ASYS_RUN_INLINE	0		/* in the submitting thread */
#define	ASYS_RUN_WORKER	1		/* on a worker thread */

/*
 * Run one request: store the syscall's result in *result and return 0,
 * or return its error.
 */
typedef int	asys_call_t(const struct asys_sqe *, int64_t *);

/*
 * op_try, where there is one, runs a request that would go to a worker
 * without sleeping: it completes the request whole, or returns an error
 * having done nothing, and then the worker runs op_call as usual.  It
 * is how a read the cache can satisfy completes in the submitting
 * thread, as io_uring does.
 */
struct asys_op {
	asys_call_t	*op_call;	/* NULL: not available here */
	asys_call_t	*op_try;	/* NULL: no way to try without sleeping */
	uint8_t		op_flags;	/* ASYS_F_* */
	uint8_t		op_run;		/* ASYS_RUN_* */
	const char	*op_name;
};

#ifndef _KERNEL
/*
 * The user side of a ring (libasyncsys): queue one request, run inline
 * when its policy says so; 0, or EAGAIN when the ring is full.  The
 * generated stubs async_<name>() build a request and call this.
 */
struct asys_ring;
int	asys_push(struct asys_ring *, const struct asys_sqe *);
#endif

#endif /* !_DFGEN_SYSCALLS_ASYS_ABI_H_ */
