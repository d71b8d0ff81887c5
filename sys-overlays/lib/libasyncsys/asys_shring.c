/*
 * asys_shring.c: the user side of the ring a DragonFly process shares
 * with the kernel (dfgen/syscalls/asys_ring.h), against the kernel's
 * side (asys_kring.c).  Any number of threads push requests without a
 * lock: a position is claimed by compare-and-swap on rh_sq_tail, and
 * the cell's sequence number says when it may be filled and publishes
 * it.  Completions are taken one reaper at a time (the caller holds its
 * lock), so cells are given back in order: then the count of requests
 * in flight alone guarantees the kernel a free cell for every
 * completion, which it could not wait for.
 */

#include <sys/types.h>
#include <errno.h>
#include <stdint.h>

#include <dfgen/syscalls/asys_ring.h>

#include "asys_shring.h"

int
asys_shr_push(struct asys_ring_hdr *h, struct asys_sq_cell *sq,
    const struct asys_sqe *sqe)
{
	struct asys_sq_cell *cell;
	uint64_t pos, seq;

	pos = __atomic_load_n(&h->rh_sq_tail, __ATOMIC_RELAXED);
	for (;;) {
		cell = &sq[pos & (h->rh_entries - 1)];
		seq = __atomic_load_n(&cell->sc_seq, __ATOMIC_ACQUIRE);
		if (seq == pos) {
			if (__atomic_compare_exchange_n(&h->rh_sq_tail, &pos,
			    pos + 1, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				break;
		} else if ((int64_t)(seq - pos) < 0) {
			return (EAGAIN);	/* the kernel has not taken it */
		} else {
			pos = __atomic_load_n(&h->rh_sq_tail,
			    __ATOMIC_RELAXED);
		}
	}
	cell->sc_sqe = *sqe;
	__atomic_store_n(&cell->sc_seq, pos + 1, __ATOMIC_RELEASE);
	return (0);
}

int
asys_shr_reap(struct asys_ring_hdr *h, struct asys_cq_cell *cq,
    struct asys_cqe *cqe)
{
	struct asys_cq_cell *cell;
	uint64_t pos;

	pos = __atomic_load_n(&h->rh_cq_head, __ATOMIC_RELAXED);
	cell = &cq[pos & (h->rh_entries - 1)];
	if (__atomic_load_n(&cell->cc_seq, __ATOMIC_ACQUIRE) != pos + 1)
		return (0);
	*cqe = cell->cc_cqe;
	__atomic_store_n(&cell->cc_seq, pos + h->rh_entries, __ATOMIC_RELEASE);
	__atomic_store_n(&h->rh_cq_head, pos + 1, __ATOMIC_RELEASE);
	return (1);
}
