/*
 * echo_bench: an echo server over loopback, three ways, driven by one
 * client with many connections.
 *
 *	echo_bench dft|epoll|threads CONNECTIONS SECONDS
 *
 * The server runs in a child process: `dft' is libdfthread on one
 * carrier, a thread per connection parked in dft_wait_fd() whenever a
 * read or write would block; `epoll' one system thread with an epoll
 * loop; `threads' a system thread per connection (64 KiB stacks) in
 * blocking reads.  The client (this process, one thread, epoll) keeps
 * one 64-byte message in flight on every connection and prints
 * "MODE round_trips_per_s R".
 */

#define	_GNU_SOURCE

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dft.h"

#define	MSG	64

static int lfd;

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		die("fcntl");
}

/* -- dft: a thread per connection -------------------------------------- */

static ssize_t
dft_io(int fd, char *buf, size_t len, int out)
{
	ssize_t r;

	for (;;) {
		r = out ? write(fd, buf, len) : read(fd, buf, len);
		if (r >= 0 || errno != EAGAIN)
			return (r);
		dft_wait_fd(fd, out ? DFT_OUT : DFT_IN);
	}
}

static void *
dft_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[MSG];
	ssize_t r;

	while ((r = dft_io(fd, buf, sizeof(buf), 0)) > 0)
		if (dft_io(fd, buf, (size_t)r, 1) != r)
			break;
	close(fd);
	return (NULL);
}

static void *
dft_server(void *arg)
{
	struct dft_thread *td;
	int fd;

	nonblock(lfd);
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd == -1) {
			if (errno == EAGAIN)
				dft_wait_fd(lfd, DFT_IN);
			continue;
		}
		nonblock(fd);
		if (dft_spawn(&td, dft_conn, (void *)(intptr_t)fd) != 0)
			die("dft_spawn");
	}
	return (arg);
}

/* -- epoll: one loop --------------------------------------------------- */

static void
epoll_server(void)
{
	struct epoll_event ev, evs[256];
	char buf[MSG];
	ssize_t r;
	int ep, i, n, fd;

	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	nonblock(lfd);
	for (;;) {
		n = epoll_wait(ep, evs, 256, -1);
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				while ((fd = accept(lfd, NULL, NULL)) != -1) {
					nonblock(fd);
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r > 0) {
				/* A 64-byte echo fits the socket buffer. */
				(void)!write(fd, buf, (size_t)r);
			} else if (r == 0 || errno != EAGAIN) {
				close(fd);
			}
		}
	}
}

/* -- threads: one per connection --------------------------------------- */

static void *
thread_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[MSG];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)r) != r)
			break;
	close(fd);
	return (NULL);
}

static void
threads_server(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int fd;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd == -1)
			continue;
		if (pthread_create(&t, &attr, thread_conn,
		    (void *)(intptr_t)fd) != 0)
			die("pthread_create");
	}
}

/* -- the client ---------------------------------------------------------- */

struct conn {
	int	fd;
	int	got;		/* bytes of the echo read so far */
};

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct epoll_event ev, evs[256];
	struct dft_config cfg;
	struct conn *conns, *cn;
	socklen_t len = sizeof(sin);
	char msg[MSG], buf[MSG];
	double t0, secs;
	long nconn, trips;
	ssize_t r;
	pid_t pid;
	int ep, i, n, one = 1;

	if (argc != 4)
		return (2);
	nconn = atol(argv[2]);
	secs = atof(argv[3]);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(lfd, 4096) || getsockname(lfd, (struct sockaddr *)&sin,
	    &len))
		die("listen");
	pid = fork();
	if (pid == 0) {
		if (strcmp(argv[1], "dft") == 0) {
			memset(&cfg, 0, sizeof(cfg));
			cfg.ncarriers = 1;
			exit(dft_run(&cfg, dft_server, NULL, NULL));
		} else if (strcmp(argv[1], "epoll") == 0) {
			epoll_server();
		} else {
			threads_server();
		}
		exit(1);
	}
	close(lfd);
	conns = calloc((size_t)nconn, sizeof(*conns));
	ep = epoll_create1(0);
	memset(msg, 'x', sizeof(msg));
	for (i = 0; i < nconn; i++) {
		cn = &conns[i];
		cn->fd = socket(AF_INET, SOCK_STREAM, 0);
		if (cn->fd == -1 ||
		    connect(cn->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			die("connect");
		setsockopt(cn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		nonblock(cn->fd);
		ev.events = EPOLLIN;
		ev.data.ptr = cn;
		epoll_ctl(ep, EPOLL_CTL_ADD, cn->fd, &ev);
	}
	for (i = 0; i < nconn; i++)
		if (write(conns[i].fd, msg, sizeof(msg)) != sizeof(msg))
			die("write");
	trips = 0;
	t0 = now();
	while (now() - t0 < secs) {
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			cn = evs[i].data.ptr;
			r = read(cn->fd, buf, sizeof(buf) - (size_t)cn->got);
			if (r <= 0)
				continue;
			cn->got += (int)r;
			if (cn->got < MSG)
				continue;
			cn->got = 0;
			trips++;
			if (write(cn->fd, msg, sizeof(msg)) != sizeof(msg))
				die("write");
		}
	}
	printf("%s round_trips_per_s %.0f\n", argv[1], trips / (now() - t0));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return (0);
}
