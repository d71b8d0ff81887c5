/*
 * Per-call cost of asynchronous syscalls on the host: a direct pread(2)
 * of 64 bytes from a cached file, the same read through libasyncsys
 * (worker path) with 1, 16 and 256 requests per submit, and through
 * io_uring (liburing) with the same batches; then getppid(2) direct and
 * through libasyncsys's inline path.  Prints ns/op and the ratio to
 * the direct call measured in the same run; last the runtime alone,
 * on requests it completes inline with ENOSYS.  Each figure is the best
 * of ROUNDS runs.
 *
 *	asys_bench OPS WORKERS FILE ROUNDS
 */

#define	_GNU_SOURCE

#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asys.h"
#include "host_async.h"

#define	MAXBATCH	256
#define	NBYTES		64

static char bufs[MAXBATCH][NBYTES];
static int rounds;


static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

static void
report(const char *what, double ns, double base)
{
	printf("%-42s %9.1f ns/op  %6.2fx direct\n", what, ns, ns / base);
}

static void
die(const char *what, int error)
{
	fprintf(stderr, "asys_bench: %s: %s\n", what, strerror(error));
	exit(1);
}

static double
bench_direct(int fd, long ops)
{
	double t;
	long i;

	t = now();
	for (i = 0; i < ops; i++) {
		if (pread(fd, bufs[0], NBYTES, 0) != NBYTES)
			die("pread", errno);
	}
	return ((now() - t) / ops);
}

/*
 * The floor of a read that must not sleep: preadv2(RWF_NOWAIT), the
 * only such read Linux has, which the inline path makes, called here
 * with nothing around it.
 */
static double
bench_nowait(int fd, long ops)
{
	struct iovec iov;
	double t;
	long i;

	iov.iov_base = bufs[0];
	iov.iov_len = NBYTES;
	t = now();
	for (i = 0; i < ops; i++) {
		if (preadv2(fd, &iov, 1, 0, RWF_NOWAIT) != NBYTES)
			die("preadv2", errno);
	}
	return ((now() - t) / ops);
}

static double
bench_getppid(long ops)
{
	volatile pid_t sink;
	double t;
	long i;

	t = now();
	for (i = 0; i < ops; i++)
		sink = getppid();
	(void)sink;
	return ((now() - t) / ops);
}

static double
bench_asys(struct asys_ring *ring, int fd, long ops, int batch, int op)
{
	struct asys_cqe cqes[MAXBATCH];
	double t;
	long done;
	int i, n, error;

	t = now();
	for (done = 0; done < ops; done += batch) {
		for (i = 0; i < batch; i++) {
			if (op == ASYS_OP_pread)
				error = async_pread(ring, (uint64_t)i, fd,
				    bufs[i], NBYTES, 0);
			else if (op == ASYS_OP_getppid)
				error = async_getppid(ring, (uint64_t)i);
			else
				error = async_chroot(ring, (uint64_t)i, "/");
			if (error != 0)
				die("push", error);
		}
		asys_submit(ring);
		for (n = 0; n < batch; ) {
			n += asys_reap(ring, cqes + n, batch - n, batch - n);
		}
		if (cqes[0].cqe_error != 0 && cqes[0].cqe_error != ENOSYS)
			die("completion", cqes[0].cqe_error);
	}
	return ((now() - t) / done);
}

static double
bench_uring(struct io_uring *ring, int fd, long ops, int batch)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	double t;
	long done;
	int i, error;

	t = now();
	for (done = 0; done < ops; done += batch) {
		for (i = 0; i < batch; i++) {
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_read(sqe, fd, bufs[i], NBYTES, 0);
		}
		error = io_uring_submit_and_wait(ring, batch);
		if (error < 0)
			die("io_uring_submit_and_wait", -error);
		for (i = 0; i < batch; i++) {
			error = io_uring_wait_cqe(ring, &cqe);
			if (error < 0 || cqe->res != NBYTES)
				die("io_uring read", error < 0 ? -error :
				    -cqe->res);
			io_uring_cqe_seen(ring, cqe);
		}
	}
	return ((now() - t) / done);
}

enum kind {
	DIRECT, NOWAIT, GETPPID, ASYS_PREAD, ASYS_GETPPID, ASYS_NOSYS, URING
};

/*
 * The rings: shared by any threads; with one issuer (ASYS_RING_SINGLE);
 * and shared, over a table without op_try, so that every pread goes to
 * a worker.
 */
enum { SHARED, SINGLE, WORKER, NRINGS };

static struct asys_ring *rings[NRINGS];
static struct asys_op worker_ops[HOST_ASYS_NOPS];
static struct io_uring uring;
static int fd;

static double
measure(enum kind kind, int r, long ops, int batch)
{
	switch (kind) {
	case DIRECT:
		return (bench_direct(fd, ops));
	case NOWAIT:
		return (bench_nowait(fd, ops));
	case GETPPID:
		return (bench_getppid(ops));
	case ASYS_PREAD:
		return (bench_asys(rings[r], fd, ops, batch, ASYS_OP_pread));
	case ASYS_GETPPID:
		return (bench_asys(rings[r], fd, ops, batch, ASYS_OP_getppid));
	case ASYS_NOSYS:
		return (bench_asys(rings[r], fd, ops, batch, ASYS_OP_chroot));
	default:
		return (bench_uring(&uring, fd, ops, batch));
	}
}

/* The best of `rounds' runs. */
static double
best(enum kind kind, int r, long ops, int batch)
{
	double t, min;
	int i;

	min = measure(kind, r, ops, batch);
	for (i = 1; i < rounds; i++) {
		t = measure(kind, r, ops, batch);
		if (t < min)
			min = t;
	}
	return (min);
}

int
main(int argc, char **argv)
{
	static const int batches[] = { 1, 16, 256 };
	static const struct {
		enum kind	kind;
		int		ring;
		const char	*what;
	} rows[] = {
		{ ASYS_PREAD, SHARED, "pread, libasyncsys" },
		{ ASYS_PREAD, SINGLE, "pread, libasyncsys, one issuer" },
		{ ASYS_PREAD, WORKER, "pread, libasyncsys, on a worker" },
		{ URING, 0, "pread, io_uring" },
		{ GETPPID, 0, "getppid, direct" },
		{ ASYS_GETPPID, SHARED, "getppid, inline" },
		{ ASYS_GETPPID, SINGLE, "getppid, inline, one issuer" },
		{ ASYS_NOSYS, SHARED, "runtime alone (ENOSYS)" },
		{ ASYS_NOSYS, SINGLE, "runtime alone, one issuer" },
	};
	char what[64];
	double direct, t;
	long ops;
	size_t b, k;
	int workers, error, r;

	if (argc != 5) {
		fprintf(stderr, "usage: asys_bench OPS WORKERS FILE ROUNDS\n");
		return (2);
	}
	ops = atol(argv[1]);
	workers = atoi(argv[2]);
	rounds = atoi(argv[4]);
	fd = open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, bufs, sizeof(bufs)) != sizeof(bufs))
		die(argv[3], errno);
	memcpy(worker_ops, host_asys_ops, sizeof(worker_ops));
	for (k = 0; k < HOST_ASYS_NOPS; k++)
		worker_ops[k].op_try = NULL;
	for (r = 0; r < NRINGS; r++) {
		rings[r] = asys_ring_create(r == WORKER ? worker_ops :
		    host_asys_ops, HOST_ASYS_NOPS, MAXBATCH,
		    (unsigned int)workers, r == SINGLE ? ASYS_RING_SINGLE : 0);
		if (rings[r] == NULL)
			die("asys_ring_create", errno);
	}
	error = io_uring_queue_init(MAXBATCH, &uring, 0);
	if (error < 0)
		die("io_uring_queue_init", -error);

	direct = best(DIRECT, 0, ops, 1);
	report("pread 64 B, direct", direct, direct);
	report("preadv2(RWF_NOWAIT), direct", best(NOWAIT, 0, ops, 1), direct);
	for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		if (rows[k].kind == GETPPID) {
			direct = best(GETPPID, 0, ops, 1);
			report(rows[k].what, direct, direct);
			continue;
		}
		for (b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
			snprintf(what, sizeof(what), "%s, batch %d",
			    rows[k].what, batches[b]);
			t = best(rows[k].kind, rows[k].ring, ops, batches[b]);
			if (rows[k].kind == ASYS_NOSYS)
				printf("%-42s %9.1f ns/op\n", what, t);
			else
				report(what, t, direct);
		}
	}
	io_uring_queue_exit(&uring);
	for (r = 0; r < NRINGS; r++)
		asys_ring_destroy(rings[r]);
	close(fd);
	return (0);
}
