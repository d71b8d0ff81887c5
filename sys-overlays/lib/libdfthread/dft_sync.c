/*
 * dft_sync.c: mutexes, condition variables and channels for user
 * threads.  Each object's wait queue is guarded by a spin lock held for
 * a few instructions; a thread that must wait queues itself, drops the
 * lock and blocks (dft_block), and whoever takes it off the queue
 * claims and wakes it (dft_claim, dft_wake).  A wakeup from another
 * carrier only reaches the thread's carrier after the thread has left
 * its run queue, so none is lost.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dft_int.h"

static void
wait_here(dft_spin_t *lock, struct dft_waitq *q)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *td = c->cur;

	dft_set_wstate(td, DFT_W_WAIT);
	dft_waitq_push(q, td);
	dft_spin_unlock(lock);
	dft_block(c, td);
	dft_set_wstate(td, DFT_W_RUN);
}

/* Wake the first thread of q that its timer has not taken. */
static struct dft_thread *
wake_one(struct dft_waitq *q)
{
	struct dft_thread *td;

	while ((td = dft_waitq_pop(q)) != NULL) {
		if (dft_claim(td)) {
			dft_wake(td);
			return (td);
		}
	}
	return (NULL);
}

/* -- mutexes: handed to the first waiter on unlock ----------------------- */

void
dft_mutex_init(dft_mutex_t *m)
{
	memset(m, 0, sizeof(*m));
}

int
dft_mutex_trylock(dft_mutex_t *m)
{
	int free = 0;

	return (atomic_compare_exchange_strong_explicit(&m->state, &free, 1,
	    memory_order_acquire, memory_order_relaxed) ? 0 : EBUSY);
}

void
dft_mutex_lock(dft_mutex_t *m)
{
	if (dft_mutex_trylock(m) == 0)
		return;
	dft_spin_lock(&m->lock);
	if (atomic_exchange_explicit(&m->state, 2, memory_order_acquire) ==
	    0) {
		/* Freed meanwhile: it is ours, waiters or not. */
		if (m->waiters.first == NULL)
			atomic_store_explicit(&m->state, 1,
			    memory_order_relaxed);
		dft_spin_unlock(&m->lock);
		return;
	}
	/* The unlocker hands the mutex over with the wakeup. */
	wait_here(&m->lock, &m->waiters);
}

void
dft_mutex_unlock(dft_mutex_t *m)
{
	int held = 1;

	if (atomic_compare_exchange_strong_explicit(&m->state, &held, 0,
	    memory_order_release, memory_order_relaxed))
		return;
	dft_spin_lock(&m->lock);
	if (m->waiters.first == NULL) {
		atomic_store_explicit(&m->state, 0, memory_order_release);
	} else {
		/* Still held, by the one woken; 2 while others wait. */
		(void)wake_one(&m->waiters);
		atomic_store_explicit(&m->state, m->waiters.first != NULL ?
		    2 : 1, memory_order_release);
	}
	dft_spin_unlock(&m->lock);
}

/* -- condition variables ------------------------------------------------- */

void
dft_cond_init(dft_cond_t *cv)
{
	memset(cv, 0, sizeof(*cv));
}

void
dft_cond_wait(dft_cond_t *cv, dft_mutex_t *m)
{
	dft_spin_lock(&cv->lock);
	dft_mutex_unlock(m);
	wait_here(&cv->lock, &cv->waiters);
	dft_mutex_lock(m);
}

/* As dft_cond_wait, for at most ns nanoseconds: ETIMEDOUT when so. */
int
dft_cond_timedwait(dft_cond_t *cv, dft_mutex_t *m, uint64_t ns)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *td = c->cur;
	int error = 0;

	dft_spin_lock(&cv->lock);
	dft_mutex_unlock(m);
	dft_set_wstate(td, DFT_W_WAIT);
	dft_waitq_push(&cv->waiters, td);
	dft_timer_add(c, td, dft_now() + ns);
	dft_spin_unlock(&cv->lock);
	dft_block(c, td);
	if (atomic_load(&td->wstate) == DFT_W_TIMEOUT) {
		error = ETIMEDOUT;
		dft_spin_lock(&cv->lock);
		(void)dft_waitq_remove(&cv->waiters, td);
		dft_spin_unlock(&cv->lock);
	} else {
		dft_timer_remove(c, td);
	}
	dft_set_wstate(td, DFT_W_RUN);
	dft_mutex_lock(m);
	return (error);
}

void
dft_cond_signal(dft_cond_t *cv)
{
	dft_spin_lock(&cv->lock);
	(void)wake_one(&cv->waiters);
	dft_spin_unlock(&cv->lock);
}

void
dft_cond_broadcast(dft_cond_t *cv)
{
	dft_spin_lock(&cv->lock);
	while (wake_one(&cv->waiters) != NULL)
		continue;
	dft_spin_unlock(&cv->lock);
}

/* -- channels: bounded, blocking; capacity 0 is a rendezvous ------------- */

struct dft_chan {
	dft_spin_t	lock;
	size_t		esize;
	unsigned int	cap;
	unsigned int	head;		/* oldest element */
	unsigned int	count;
	int		closed;
	struct dft_waitq senders;	/* each with its element in xfer */
	struct dft_waitq receivers;	/* each with its buffer in xfer */
	char		buf[];
};

int
dft_chan_create(struct dft_chan **chp, size_t esize, unsigned int cap)
{
	struct dft_chan *ch;

	if (esize == 0)
		return (EINVAL);
	ch = calloc(1, sizeof(*ch) + esize * cap);
	if (ch == NULL)
		return (ENOMEM);
	ch->esize = esize;
	ch->cap = cap;
	*chp = ch;
	return (0);
}

void
dft_chan_destroy(struct dft_chan *ch)
{
	free(ch);
}

static char *
slot(struct dft_chan *ch, unsigned int i)
{
	return (ch->buf + (size_t)((ch->head + i) % ch->cap) * ch->esize);
}

/* Take the first waiter of q that is still to be woken, claimed. */
static struct dft_thread *
claim_one(struct dft_waitq *q)
{
	struct dft_thread *td;

	while ((td = dft_waitq_pop(q)) != NULL)
		if (dft_claim(td))
			return (td);
	return (NULL);
}

/* 0, or EPIPE once the channel is closed. */
int
dft_chan_send(struct dft_chan *ch, const void *elem)
{
	struct dft_thread *td, *self;

	dft_spin_lock(&ch->lock);
	if (ch->closed) {
		dft_spin_unlock(&ch->lock);
		return (EPIPE);
	}
	if ((td = claim_one(&ch->receivers)) != NULL) {
		memcpy(td->xfer, elem, ch->esize);
		td->xfer_ok = 1;
		dft_spin_unlock(&ch->lock);
		dft_wake(td);
		return (0);
	}
	if (ch->count < ch->cap) {
		memcpy(slot(ch, ch->count), elem, ch->esize);
		ch->count++;
		dft_spin_unlock(&ch->lock);
		return (0);
	}
	self = dft_carrier_self->cur;
	self->xfer = (void *)(uintptr_t)elem;
	self->xfer_ok = 0;
	wait_here(&ch->lock, &ch->senders);
	return (self->xfer_ok ? 0 : EPIPE);
}

/* 0, or EPIPE once the channel is closed and empty. */
int
dft_chan_recv(struct dft_chan *ch, void *elem)
{
	struct dft_thread *td, *self;

	dft_spin_lock(&ch->lock);
	if (ch->count > 0) {
		memcpy(elem, slot(ch, 0), ch->esize);
		ch->head = (ch->head + 1) % ch->cap;
		ch->count--;
		/* A waiting sender's element takes the freed place. */
		if ((td = claim_one(&ch->senders)) != NULL) {
			memcpy(slot(ch, ch->count), td->xfer, ch->esize);
			ch->count++;
			td->xfer_ok = 1;
		}
		dft_spin_unlock(&ch->lock);
		if (td != NULL)
			dft_wake(td);
		return (0);
	}
	if ((td = claim_one(&ch->senders)) != NULL) {
		memcpy(elem, td->xfer, ch->esize);
		td->xfer_ok = 1;
		dft_spin_unlock(&ch->lock);
		dft_wake(td);
		return (0);
	}
	if (ch->closed) {
		dft_spin_unlock(&ch->lock);
		return (EPIPE);
	}
	self = dft_carrier_self->cur;
	self->xfer = elem;
	self->xfer_ok = 0;
	wait_here(&ch->lock, &ch->receivers);
	return (self->xfer_ok ? 0 : EPIPE);
}

/* Wake every waiter; sends fail from now on, receives once empty. */
void
dft_chan_close(struct dft_chan *ch)
{
	struct dft_thread *td;

	dft_spin_lock(&ch->lock);
	ch->closed = 1;
	while ((td = claim_one(&ch->senders)) != NULL)
		dft_wake(td);
	while ((td = claim_one(&ch->receivers)) != NULL)
		dft_wake(td);
	dft_spin_unlock(&ch->lock);
}
