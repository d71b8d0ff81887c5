/*
 * libdfthread: M:N user threads over carrier threads, scheduled by
 * dfgen's generated policies (options SCHED_TABLES).
 *
 * dft_run() starts the carriers (one per CPU unless the configuration
 * says otherwise), runs main(arg) as the first user thread and returns
 * once it has returned.  Each carrier is a system thread that runs user
 * threads from its own run queue, a struct dfsched_rq under the policy
 * the configuration names ("rr", "bsd4", "eevdf": policies.def); a user
 * thread stays on the carrier that first runs it.  A thread spawned by
 * a carrier's thread joins that carrier's queue, or the shared queue
 * that idle carriers take from when one is idle.  Every thread must be
 * joined before main returns: the carriers stop then, and a thread
 * still alive may never run again (its stack is not freed).
 *
 * Preemption is opt-in and cooperative: with a tick (tick_us), a
 * thread that calls dft_safepoint() yields there once the policy says
 * its quantum is used (dfsched_tick).  dft_read() and its kind issue
 * the call through libasyncsys's ring and park the thread until its
 * completion is reaped; the carrier runs other threads meanwhile.
 * dft_wait_fd() parks a thread until a descriptor is ready, for
 * non-blocking I/O on many sockets.
 *
 * Functions returning int return 0 or an errno value; dft_read() and
 * its kind return -1 and set errno, like the calls they stand for.
 */

#ifndef _DFT_H_
#define	_DFT_H_

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct dft_thread;
struct dft_chan;

struct dft_config {
	unsigned int	ncarriers;	/* 0: one per CPU */
	const char	*policy;	/* NULL: "rr" */
	size_t		stack_size;	/* 0: DFT_STACK_SIZE, guard included */
	int		no_guard;	/* no PROT_NONE page below stacks */
	unsigned int	tick_us;	/* preemption tick; 0: none */
	unsigned int	io_workers;	/* 0: DFT_IO_WORKERS */
};

#define	DFT_STACK_SIZE	(64 * 1024)
#define	DFT_IO_WORKERS	4

/* A lock word, spun on briefly; used inside the objects below. */
typedef struct {
	_Atomic int	locked;
} dft_spin_t;

struct dft_waitq {
	struct dft_thread *first;
	struct dft_thread **lastp;
};

typedef struct {
	_Atomic int	state;		/* 0 free, 1 held, 2 held, waiters */
	dft_spin_t	lock;
	struct dft_waitq waiters;
} dft_mutex_t;

typedef struct {
	dft_spin_t	lock;
	struct dft_waitq waiters;
} dft_cond_t;

int	dft_run(const struct dft_config *, void *(*)(void *), void *,
	    void **);

int	dft_spawn(struct dft_thread **, void *(*)(void *), void *);
int	dft_join(struct dft_thread *, void **);
void	dft_yield(void);
void	dft_exit(void *) __attribute__((__noreturn__));
struct dft_thread *dft_self(void);
void	dft_safepoint(void);
int	dft_sleep(uint64_t);		/* nanoseconds */

void	dft_mutex_init(dft_mutex_t *);
void	dft_mutex_lock(dft_mutex_t *);
int	dft_mutex_trylock(dft_mutex_t *);
void	dft_mutex_unlock(dft_mutex_t *);

void	dft_cond_init(dft_cond_t *);
void	dft_cond_wait(dft_cond_t *, dft_mutex_t *);
int	dft_cond_timedwait(dft_cond_t *, dft_mutex_t *, uint64_t);
void	dft_cond_signal(dft_cond_t *);
void	dft_cond_broadcast(dft_cond_t *);

int	dft_chan_create(struct dft_chan **, size_t, unsigned int);
void	dft_chan_destroy(struct dft_chan *);
int	dft_chan_send(struct dft_chan *, const void *);
int	dft_chan_recv(struct dft_chan *, void *);
void	dft_chan_close(struct dft_chan *);

ssize_t	dft_read(int, void *, size_t);
ssize_t	dft_write(int, const void *, size_t);
ssize_t	dft_pread(int, void *, size_t, off_t);
ssize_t	dft_pwrite(int, const void *, size_t, off_t);

#define	DFT_IN		0x1		/* dft_wait_fd(): readable */
#define	DFT_OUT		0x2		/* writable */

int	dft_wait_fd(int, int);

#endif /* !_DFT_H_ */
