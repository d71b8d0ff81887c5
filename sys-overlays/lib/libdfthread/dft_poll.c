/*
 * dft_poll.c: threads that wait for a descriptor to become ready.
 *
 * Each carrier has its own poller (epoll on Linux, kqueue on DragonFly
 * and the other BSDs), made on its first wait.  dft_wait_fd() arms a
 * one-shot event for the descriptor with the waiting thread as its
 * datum and blocks; the carrier collects events without waiting while
 * it schedules (when its run queue is empty, or every POLL_EVERY
 * passes: dft_thread.c), and when it has nothing to run it sleeps in the poller
 * itself, which another carrier's wakeup interrupts through an eventfd
 * (EVFILT_USER on kqueue).  One-shot and re-armed on every wait, an
 * event never outlives its wait: a descriptor closed and its number
 * reused leaves nothing behind.  A carrier watches a descriptor for one
 * thread at a time.
 */

#define	_GNU_SOURCE

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#else
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#endif

#include "dft_int.h"

#define	POLL_BATCH	64

static int
poll_open(struct dft_carrier *c)
{
	int error;
#ifdef __linux__
	struct epoll_event ev;

	c->pollfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->pollfd == -1)
		return (errno);
	c->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (c->kickfd == -1 ||
	    epoll_ctl(c->pollfd, EPOLL_CTL_ADD, c->kickfd, &ev) == -1)
		goto fail;
#else
	struct kevent kev;

	c->pollfd = kqueue();
	if (c->pollfd == -1)
		return (errno);
	EV_SET(&kev, 0, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
	if (kevent(c->pollfd, &kev, 1, NULL, 0, NULL) == -1)
		goto fail;
#endif
	return (0);
fail:
	error = errno;
	dft_poll_fini(c);
	return (error);
}

void
dft_poll_fini(struct dft_carrier *c)
{
	if (c->pollfd != -1)
		close(c->pollfd);
	if (c->kickfd != -1)
		close(c->kickfd);
	c->pollfd = c->kickfd = -1;
}

/* Interrupt the carrier's sleep in its poller. */
void
dft_poll_kick(struct dft_carrier *c)
{
#ifdef __linux__
	uint64_t one = 1;

	(void)!write(c->kickfd, &one, sizeof(one));
#else
	struct kevent kev;

	EV_SET(&kev, 0, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	(void)kevent(c->pollfd, &kev, 1, NULL, 0, NULL);
#endif
}

/* A wait's event: the first one wakes its thread. */
static void
ready(struct dft_carrier *c, struct dft_thread *td)
{
	if (dft_claim(td)) {
		c->nfdwait--;
		dft_wake(td);
	}
}

/*
 * Wake the threads whose descriptors are ready, waiting at most
 * `timeout_ns' (0: not at all, -1: until one is or a kick comes).
 */
void
dft_poll_events(struct dft_carrier *c, int64_t timeout_ns)
{
#ifdef __linux__
	struct epoll_event evs[POLL_BATCH];
	uint64_t kicks;
	int i, n, ms;

	ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
	n = epoll_wait(c->pollfd, evs, POLL_BATCH, ms);
	for (i = 0; i < n; i++) {
		if (evs[i].data.ptr == NULL)
			(void)!read(c->kickfd, &kicks, sizeof(kicks));
		else
			ready(c, evs[i].data.ptr);
	}
#else
	struct kevent evs[POLL_BATCH];
	struct timespec ts;
	int i, n;

	ts.tv_sec = timeout_ns / 1000000000;
	ts.tv_nsec = timeout_ns % 1000000000;
	n = kevent(c->pollfd, NULL, 0, evs, POLL_BATCH,
	    timeout_ns < 0 ? NULL : &ts);
	for (i = 0; i < n; i++)
		if (evs[i].filter != EVFILT_USER)
			ready(c, evs[i].udata);
#endif
	c->pollskip = 0;
}

/*
 * Block the running thread until fd is ready for what events asks
 * (DFT_IN, DFT_OUT): 0, or the error of watching fd.  Readiness may be
 * spurious, as poll(2)'s: read or write without blocking (O_NONBLOCK)
 * and wait again on EAGAIN.
 */
int
dft_wait_fd(int fd, int events)
{
	struct dft_carrier *c = dft_carrier_self;
	struct dft_thread *td = c->cur;
	int error;
#ifdef __linux__
	struct epoll_event ev;

	if (c->pollfd == -1 && (error = poll_open(c)) != 0)
		return (error);
	ev.events = EPOLLONESHOT | ((events & DFT_IN) != 0 ? EPOLLIN : 0) |
	    ((events & DFT_OUT) != 0 ? EPOLLOUT : 0);
	ev.data.ptr = td;
	if (epoll_ctl(c->pollfd, EPOLL_CTL_MOD, fd, &ev) == -1 &&
	    (errno != ENOENT ||
	    epoll_ctl(c->pollfd, EPOLL_CTL_ADD, fd, &ev) == -1))
		return (errno);
#else
	struct kevent kev[2];
	int n = 0;

	if (c->pollfd == -1 && (error = poll_open(c)) != 0)
		return (error);
	if ((events & DFT_IN) != 0)
		EV_SET(&kev[n++], fd, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0,
		    td);
	if ((events & DFT_OUT) != 0)
		EV_SET(&kev[n++], fd, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0, 0,
		    td);
	if (kevent(c->pollfd, kev, n, NULL, 0, NULL) == -1)
		return (errno);
#endif
	dft_set_wstate(td, DFT_W_WAIT);
	c->nfdwait++;
	dft_block(c, td);
	dft_set_wstate(td, DFT_W_RUN);
#ifndef __linux__
	/* Of two filters one fired: the other must not outlive the wait. */
	if (n == 2) {
		/* One at a time: the one that fired is gone (ENOENT). */
		EV_SET(&kev[0], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
		EV_SET(&kev[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
		(void)kevent(c->pollfd, &kev[0], 1, NULL, 0, NULL);
		(void)kevent(c->pollfd, &kev[1], 1, NULL, 0, NULL);
	}
#endif
	return (0);
}
