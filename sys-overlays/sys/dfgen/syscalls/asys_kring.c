/*
 * asys_kring.c: the kernel's side of the ring of asynchronous syscalls
 * (asys_ring.h), written once: kern_async_syscalls.c calls it on the
 * pages it shares with a process, and the host tests drive it against
 * libasyncsys's user side (asys_shring.c) under load.
 *
 * The kernel is the one consumer of the submission cells and the one
 * producer of the completion cells (its callers serialize each side
 * with a lock), so head and tail are private counters; only the cells'
 * sequence numbers are shared, and nothing user space writes there can
 * make the kernel read or write outside the cells.
 */

#include <sys/dfgen_compat.h>

#include <dfgen/syscalls/asys_ring.h>

int
asys_ring_take(struct asys_sq_cell *sq, uint32_t entries, uint64_t *head,
    struct asys_sqe *sqe)
{
	struct asys_sq_cell *cell;

	cell = &sq[*head & (entries - 1)];
	if (dfgen_load_acq_64(&cell->sc_seq) != *head + 1)
		return (0);
	*sqe = cell->sc_sqe;
	dfgen_store_rel_64(&cell->sc_seq, *head + entries);
	++*head;
	return (1);
}

int
asys_ring_post(struct asys_cq_cell *cq, uint32_t entries, uint64_t *tail,
    const struct asys_cqe *cqe)
{
	struct asys_cq_cell *cell;

	cell = &cq[*tail & (entries - 1)];
	if (dfgen_load_acq_64(&cell->cc_seq) != *tail)
		return (0);
	cell->cc_cqe = *cqe;
	dfgen_store_rel_64(&cell->cc_seq, *tail + 1);
	++*tail;
	return (1);
}
