/*
 * kern_async_syscalls.c: asynchronous system calls (options
 * ASYNC_SYSCALLS).
 *
 * A process opens /dev/asyncsys and maps its ring (see
 * dfgen/syscalls/asys_ring.h): wired kernel pages shared with user space
 * through d_uksmap, so requests and completions are never copied across
 * the boundary.  User threads publish requests with the generated stubs
 * and call ioctl(fd, ASYSIOC_SUBMIT).  The kernel takes every published
 * request and looks its operation up in the dispatch table generated
 * from syscalls.master (syscalls_async_kern.c): a call the policy runs
 * inline is executed right there, in the caller's own context, as if
 * the caller had made it; a blocking call that is safe on a worker is
 * sent as an LWKT message to one of the worker threads, which runs it
 * with the caller's process and credentials borrowed (a hold on each).
 * Every request is completed exactly once into the completion cells.
 *
 * Completion is reported through kevent as EVFILT_READ on the ring's
 * descriptor (and poll(2) readability), not through EVFILT_USER and not
 * through a new filter.  EVFILT_USER is an event that user space
 * triggers (NOTE_TRIGGER through kevent(2)); for the kernel to trigger
 * it from a worker thread it would have to find a kqueue the process
 * named and register on it, racing the process closing that kqueue,
 * and the ring would have to be told which kqueue and ident to use.  A
 * new filter would need a new EVFILT_ number (EVFILT_SYSCOUNT and every
 * kevent consumer that knows the list) for what is exactly "this
 * descriptor has data": the ring's knotes hang off the ring itself,
 * live and die with its descriptor, and any kqueue, poll or select loop
 * can wait on it with no new ABI.  kn_data is the number of completions
 * waiting.
 *
 * Worker threads borrow the submitter's process (td_proc) and
 * credentials (td_ucred), which is what descriptor and path calls use;
 * calls that need the submitting thread itself (signals, its lwp) are
 * flagged ASYS_F_PROC in the table and always run inline.  A process
 * that exits with requests on workers waits for them when its ring's
 * descriptor is closed.
 */

#include "opt_async_syscalls.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/device.h>
#include <sys/devfs.h>
#include <sys/event.h>
#include <sys/fcntl.h>
#include <sys/file.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/malloc.h>
#include <sys/msgport.h>
#include <sys/poll.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/spinlock.h>
#include <sys/spinlock2.h>
#include <sys/thread.h>
#include <sys/msgport2.h>
#include <sys/thread2.h>
#include <sys/ucred.h>
#include <sys/uio.h>

#include <vm/vm.h>
#include <vm/vm_extern.h>
#include <vm/vm_kern.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/pmap.h>

#include <machine/atomic.h>

#include <dfgen/syscalls/asys_ring.h>

#include "syscalls_async.h"

#ifndef ASYNC_SYSCALLS_RING_SIZE
#define	ASYNC_SYSCALLS_RING_SIZE	256
#endif
#ifndef ASYNC_SYSCALLS_WORKERS
#define	ASYNC_SYSCALLS_WORKERS		4
#endif

#define	ASYS_ENTRIES	ASYNC_SYSCALLS_RING_SIZE
#define	ASYS_BYTES	round_page(ASYS_RING_BYTES(ASYS_ENTRIES))

CTASSERT((ASYS_ENTRIES & (ASYS_ENTRIES - 1)) == 0);

static MALLOC_DEFINE(M_ASYS, "asyncsys", "asynchronous syscall rings");

/* One process's ring. */
struct asys_kring {
	TAILQ_ENTRY(asys_kring) kr_link;	/* asys_rings */
	struct proc		*kr_proc;	/* the owner; not held */
	struct asys_ring_hdr	*kr_hdr;	/* the shared pages */
	struct asys_sq_cell	*kr_sq;
	struct asys_cq_cell	*kr_cq;
	uint64_t		kr_sq_head;	/* next position taken */
	uint64_t		kr_cq_tail;	/* next position completed */
	struct spinlock		kr_sq_spin;	/* kr_sq_head */
	struct spinlock		kr_cq_spin;	/* kr_cq_tail, completing */
	struct kqinfo		kr_kq;
	u_int			kr_inflight;	/* requests on workers */
	int			kr_closing;
};

/* A request on its way to a worker. */
struct asys_kmsg {
	struct lwkt_msg		km_msg;
	struct asys_sqe		km_sqe;
	struct asys_kring	*km_ring;
	struct proc		*km_proc;	/* held */
	struct ucred		*km_cred;	/* held */
};

static TAILQ_HEAD(, asys_kring) asys_rings =
    TAILQ_HEAD_INITIALIZER(asys_rings);
static struct spinlock asys_rings_spin =
    SPINLOCK_INITIALIZER(asys_rings_spin, "asysrings");

static struct thread	**asys_workers;
static int		asys_nworkers;
static u_int		asys_next_worker;
static struct lwkt_port	asys_noreply_port;

static d_open_t		asys_open;
static d_ioctl_t	asys_ioctl;
static d_kqfilter_t	asys_kqfilter;

static int	asys_uksmap(struct vm_map_backing *, int, cdev_t,
		    struct vm_page *);
static void	asys_filt_detach(struct knote *);
static int	asys_filt_read(struct knote *, long);

static struct dev_ops asys_ops = {
	{ "asyncsys", 0, D_MPSAFE },
	.d_open =	asys_open,
	.d_ioctl =	asys_ioctl,
	.d_kqfilter =	asys_kqfilter,
	.d_uksmap =	asys_uksmap
};

static struct filterops asys_read_filtops = {
	FILTEROP_ISFD | FILTEROP_MPSAFE, NULL, asys_filt_detach,
	asys_filt_read
};

static struct asys_kring *
asys_ring_of(struct proc *p)
{
	struct asys_kring *kr;

	spin_lock(&asys_rings_spin);
	TAILQ_FOREACH(kr, &asys_rings, kr_link) {
		if (kr->kr_proc == p)
			break;
	}
	spin_unlock(&asys_rings_spin);
	return (kr);
}

/* Completions waiting for user space. */
static u_int
asys_ready(struct asys_kring *kr)
{
	uint64_t head;

	head = atomic_load_acq_64(&kr->kr_hdr->rh_cq_head);
	return ((u_int)(kr->kr_cq_tail - head));
}

/*
 * Complete one request: write its completion into the next cell and
 * tell whoever waits on the descriptor.
 */
static void
asys_complete(struct asys_kring *kr, const struct asys_sqe *sqe,
    int64_t result, int error)
{
	struct asys_cqe cqe;

	cqe.cqe_cookie = sqe->sqe_cookie;
	cqe.cqe_result = error != 0 ? -1 : result;
	cqe.cqe_error = error;
	cqe.cqe_op = sqe->sqe_op;
	spin_lock(&kr->kr_cq_spin);
	if (!asys_ring_post(kr->kr_cq, ASYS_ENTRIES, &kr->kr_cq_tail, &cqe))
		atomic_add_int(&kr->kr_hdr->rh_overflow, 1);
	spin_unlock(&kr->kr_cq_spin);
	KNOTE(&kr->kr_kq.ki_note, 0);
}

/* Run one request in the current thread, and complete it. */
static void
asys_execute(struct asys_kring *kr, const struct asys_sqe *sqe)
{
	const struct asys_op *op;
	int64_t result;
	int error;

	result = 0;
	if (sqe->sqe_flags != 0) {
		error = EINVAL;
	} else if (sqe->sqe_op >= SYSCALLS_ASYS_NOPS ||
	    (op = &syscalls_asys_ops[sqe->sqe_op])->op_call == NULL) {
		error = ENOSYS;
	} else {
		error = op->op_call(sqe, &result);
	}
	asys_complete(kr, sqe, result, error);
}

/*
 * A worker thread: run each message it is sent with the submitter's
 * process and credentials, then give them back.
 */
static void
asys_worker(void *arg __unused)
{
	struct thread *td = curthread;
	struct asys_kmsg *km;
	struct asys_kring *kr;
	struct ucred *ocred;
	int closing;

	for (;;) {
		km = lwkt_waitport(&td->td_msgport, 0);
		kr = km->km_ring;
		ocred = td->td_ucred;
		td->td_proc = km->km_proc;
		td->td_ucred = km->km_cred;
		asys_execute(kr, &km->km_sqe);
		td->td_ucred = ocred;
		td->td_proc = NULL;
		crfree(km->km_cred);
		PRELE(km->km_proc);
		kfree(km, M_ASYS);
		/*
		 * Read kr_closing first: once kr_inflight is 0 the ring may
		 * be freed (and a wakeup missed here is caught by the
		 * closer's timeout).
		 */
		closing = kr->kr_closing;
		if (atomic_fetchadd_int(&kr->kr_inflight, -1) == 1 && closing)
			wakeup(kr);
	}
}

static void
asys_dispatch(struct asys_kring *kr, const struct asys_sqe *sqe)
{
	const struct asys_op *op;
	struct asys_kmsg *km;
	struct thread *td = curthread;
	u_int w;

	op = sqe->sqe_op < SYSCALLS_ASYS_NOPS ?
	    &syscalls_asys_ops[sqe->sqe_op] : NULL;
	if (op == NULL || op->op_call == NULL || sqe->sqe_flags != 0 ||
	    op->op_run != ASYS_RUN_WORKER) {
		asys_execute(kr, sqe);
		return;
	}
	km = kmalloc(sizeof(*km), M_ASYS, M_WAITOK);
	lwkt_initmsg(&km->km_msg, &asys_noreply_port, 0);
	km->km_sqe = *sqe;
	km->km_ring = kr;
	km->km_proc = td->td_proc;
	PHOLD(km->km_proc);
	km->km_cred = crhold(td->td_ucred);
	atomic_add_int(&kr->kr_inflight, 1);
	w = atomic_fetchadd_int(&asys_next_worker, 1) % asys_nworkers;
	lwkt_sendmsg(&asys_workers[w]->td_msgport, &km->km_msg);
}

/*
 * ASYSIOC_SUBMIT: take every published request, in order.  Each cell
 * is copied out and given back before its request runs, so a request
 * that blocks inline holds no lock.
 */
static int
asys_submit(struct asys_kring *kr, int *taken)
{
	struct asys_sqe sqe;
	int more;

	*taken = 0;
	for (;;) {
		spin_lock(&kr->kr_sq_spin);
		more = asys_ring_take(kr->kr_sq, ASYS_ENTRIES, &kr->kr_sq_head,
		    &sqe);
		spin_unlock(&kr->kr_sq_spin);
		if (!more)
			return (0);
		asys_dispatch(kr, &sqe);
		++*taken;
	}
}

static void
asys_ring_free(void *arg)
{
	struct asys_kring *kr = arg;

	spin_lock(&asys_rings_spin);
	TAILQ_REMOVE(&asys_rings, kr, kr_link);
	spin_unlock(&asys_rings_spin);
	kr->kr_closing = 1;
	while (atomic_fetchadd_int(&kr->kr_inflight, 0) != 0)
		tsleep(kr, 0, "asysdrn", hz / 10);
	kmem_free(&kernel_map, (vm_offset_t)kr->kr_hdr, ASYS_BYTES);
	kfree(kr, M_ASYS);
}

static int
asys_open(struct dev_open_args *ap)
{
	struct proc *p = curproc;
	struct asys_kring *kr;
	uint64_t i;
	int error;

	if (p == NULL)
		return (ENXIO);
	if (asys_ring_of(p) != NULL)
		return (EBUSY);
	kr = kmalloc(sizeof(*kr), M_ASYS, M_WAITOK | M_ZERO);
	kr->kr_hdr = (struct asys_ring_hdr *)kmem_alloc(&kernel_map,
	    ASYS_BYTES, VM_SUBSYS_UNKNOWN);
	if (kr->kr_hdr == NULL) {
		kfree(kr, M_ASYS);
		return (ENOMEM);
	}
	bzero(kr->kr_hdr, ASYS_BYTES);
	kr->kr_hdr->rh_entries = ASYS_ENTRIES;
	kr->kr_hdr->rh_sq_off = ASYS_RING_SQ_OFF;
	kr->kr_hdr->rh_cq_off = ASYS_RING_CQ_OFF(ASYS_ENTRIES);
	kr->kr_sq = (struct asys_sq_cell *)((char *)kr->kr_hdr +
	    ASYS_RING_SQ_OFF);
	kr->kr_cq = (struct asys_cq_cell *)((char *)kr->kr_hdr +
	    ASYS_RING_CQ_OFF(ASYS_ENTRIES));
	for (i = 0; i < ASYS_ENTRIES; i++) {
		kr->kr_sq[i].sc_seq = i;
		kr->kr_cq[i].cc_seq = i;
	}
	spin_init(&kr->kr_sq_spin, "asyssq");
	spin_init(&kr->kr_cq_spin, "asyscq");
	kr->kr_proc = p;
	spin_lock(&asys_rings_spin);
	TAILQ_INSERT_TAIL(&asys_rings, kr, kr_link);
	spin_unlock(&asys_rings_spin);
	error = devfs_set_cdevpriv(ap->a_fp, kr, asys_ring_free);
	if (error != 0)
		asys_ring_free(kr);
	return (error);
}

static int
asys_ioctl(struct dev_ioctl_args *ap)
{
	struct asys_kring *kr;
	int error;

	error = devfs_get_cdevpriv(ap->a_fp, (void **)&kr);
	if (error != 0)
		return (error);
	switch (ap->a_cmd) {
	case ASYSIOC_SUBMIT:
		return (asys_submit(kr, (int *)ap->a_data));
	default:
		return (ENOTTY);
	}
}

static int
asys_kqfilter(struct dev_kqfilter_args *ap)
{
	struct knote *kn = ap->a_kn;
	struct asys_kring *kr;

	ap->a_result = devfs_get_cdevpriv(ap->a_fp, (void **)&kr);
	if (ap->a_result != 0)
		return (0);
	if (kn->kn_filter != EVFILT_READ) {
		ap->a_result = EOPNOTSUPP;
		return (0);
	}
	kn->kn_fop = &asys_read_filtops;
	kn->kn_hook = (caddr_t)kr;
	knote_insert(&kr->kr_kq.ki_note, kn);
	return (0);
}

static void
asys_filt_detach(struct knote *kn)
{
	struct asys_kring *kr = (struct asys_kring *)kn->kn_hook;

	knote_remove(&kr->kr_kq.ki_note, kn);
}

static int
asys_filt_read(struct knote *kn, long hint __unused)
{
	struct asys_kring *kr = (struct asys_kring *)kn->kn_hook;

	kn->kn_data = asys_ready(kr);
	return (kn->kn_data > 0);
}

/*
 * Map the ring: the faulting process's own ring, page by page, as
 * /dev/lpmap maps a process's own page.
 */
static int
asys_uksmap(struct vm_map_backing *ba __unused, int op, cdev_t dev __unused,
    struct vm_page *fake)
{
	struct asys_kring *kr;

	switch (op) {
	case UKSMAPOP_ADD:
	case UKSMAPOP_REM:
		return (0);
	case UKSMAPOP_FAULT:
		kr = curproc != NULL ? asys_ring_of(curproc) : NULL;
		if (kr == NULL || ptoa(fake->pindex) >= ASYS_BYTES)
			return (EINVAL);
		fake->phys_addr = vtophys((char *)kr->kr_hdr +
		    ptoa(fake->pindex));
		return (0);
	default:
		return (EINVAL);
	}
}

static void
asys_init(void *arg __unused)
{
	int i;

	lwkt_initport_replyonly_null(&asys_noreply_port);
	asys_nworkers = ASYNC_SYSCALLS_WORKERS * ncpus;
	asys_workers = kmalloc(sizeof(*asys_workers) * asys_nworkers, M_ASYS,
	    M_WAITOK | M_ZERO);
	for (i = 0; i < asys_nworkers; i++) {
		lwkt_create(asys_worker, NULL, &asys_workers[i], NULL,
		    TDF_NOSTART, i % ncpus, "asys %d", i);
		lwkt_schedule(asys_workers[i]);
	}
	make_dev(&asys_ops, 0, UID_ROOT, GID_WHEEL, 0666, "asyncsys");
}
SYSINIT(asyncsys, SI_SUB_DRIVERS, SI_ORDER_ANY, asys_init, NULL);
