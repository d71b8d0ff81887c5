/*
 * xiobench: the dfxio page-list copy against memcpy(3) and against a
 * uio-style copy, and a pipe-style transfer by page-list handover
 * against the double copy a pipe does, all in one run.
 *
 *	xiobench [MILLISECONDS]
 *
 * Every figure is the best of five timings of a loop that runs at
 * least MILLISECONDS (default 20).  Sources and destinations are
 * written before timing, so no figure includes page faults.
 *
 * On Linux a third transfer is timed beside the two: a page flip, the
 * writer's pages moved into the reader's address space with mremap(2)
 * and no byte copied, which is what a handover that copies nothing at
 * all would cost at the least (no page is freed or allocated).
 */

#ifdef __linux__
#define	_GNU_SOURCE		/* mremap() */
#endif

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dfgen/xio/dfxio.h"

#define	PG		DFXIO_PAGE_SIZE
#define	MAXBYTES	((size_t)16 << 20)
#define	MAXPAGES	(MAXBYTES / PG + 1)
#define	PIPE_BUF_BYTES	((size_t)16384)

static char *src, *dst, *ring;
static struct dfxio_host_page host[MAXPAGES];
static dfxio_page_t pages[MAXPAGES];
static double min_ns = 20e6;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

static volatile char sink;

/* Nanoseconds per call of op(n), the best of five. */
static double
timeit(void (*op)(size_t), size_t n)
{
	double best = 0, t0, t;
	long iters, i;
	int round;

	for (iters = 1;; iters *= 2) {
		t0 = now();
		for (i = 0; i < iters; i++)
			op(n);
		if (now() - t0 >= min_ns / 5)
			break;
	}
	for (round = 0; round < 5; round++) {
		t0 = now();
		for (i = 0; i < iters; i++)
			op(n);
		t = (now() - t0) / iters;
		if (round == 0 || t < best)
			best = t;
	}
	sink = dst[n ? n - 1 : 0];
	return (best);
}

static void
op_memcpy(size_t n)
{
	memcpy(dst, src, n);
	__asm__ __volatile__("" ::: "memory");
}

/* src as a list of pages, offset 0: dfxio_copy_out to dst. */
static void
op_pagelist(size_t n)
{
	struct dfxio x;

	dfxio_init_pages(&x, pages, (int)((n + PG - 1) / PG), 0, n);
	dfxio_copy_out(&x, 0, dst, n);
}

/* uiomove-style: src as a uio of 4 KiB iovecs into dst. */
static struct iovec iovs[MAXPAGES];

static void
op_uio(size_t n)
{
	dfxio_uio_t uio;
	size_t i, k;

	for (i = 0, k = 0; k < n; i++, k += PG) {
		iovs[i].iov_base = src + k;
		iovs[i].iov_len = n - k < PG ? n - k : PG;
	}
	uio = (dfxio_uio_t){ iovs, (int)i, 0, n, DFXIO_USERSPACE,
	    DFXIO_WRITE };
	dfxio_uiomove_plain(dst, n, &uio);
}

/* The user-pages path: src held a window at a time, copied page by
 * page into dst (what the pipe_write conversion does). */
static void
op_userpages(size_t n)
{
	struct iovec iov = { src, n };
	dfxio_uio_t uio = { &iov, 1, 0, n, DFXIO_USERSPACE, DFXIO_WRITE };

	dfxio_uio_kbuf(dst, n, &uio);
}

/* A pipe as it is: the writer copies into a 16 KiB ring, the reader
 * copies out of it, a ring's worth at a time. */
static void
op_double(size_t n)
{
	size_t k, c;

	for (k = 0; k < n; k += c) {
		c = n - k < PIPE_BUF_BYTES ? n - k : PIPE_BUF_BYTES;
		memcpy(ring, src + k, c);
		__asm__ __volatile__("" ::: "memory");
		memcpy(dst + k, ring, c);
	}
}

#ifdef __linux__
/* The page flip: flip[side] holds the pages, flip[!side] is a hole. */
static char *flip[2];
static int side;

static void
op_flip(size_t n)
{
	if (mremap(flip[side], n, n, MREMAP_MAYMOVE | MREMAP_FIXED,
	    flip[!side]) == MAP_FAILED)
		abort();
	side = !side;
}
#endif

/* Handover: the writer's pages are held and handed to the reader,
 * which copies once, from them into its buffer. */
static void
op_handover(size_t n)
{
	struct dfxio x;
	size_t k, got;

	for (k = 0; k < n; k += got) {
		if (dfxio_hold_user(&x, src + k, n - k, 0) != 0)
			abort();
		got = x.x_bytes;
		dfxio_copy_out(&x, 0, dst + k, got);
		dfxio_release(&x);
	}
}

int
main(int argc, char **argv)
{
	static const size_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536,
	    262144, 1048576, 4194304, 16777216 };
	double tm, tp, tu, th, td, th2, bw;
#ifdef __linux__
	double tf;
#endif
	size_t i, n;

	if (argc > 1)
		min_ns = atof(argv[1]) * 1e6;
	src = mmap(NULL, MAXBYTES + PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, MAXBYTES + PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ring = malloc(PIPE_BUF_BYTES);
	if (src == MAP_FAILED || dst == MAP_FAILED || ring == NULL)
		return (1);
	memset(src, 1, MAXBYTES + PG);
	memset(dst, 2, MAXBYTES + PG);
	memset(ring, 3, PIPE_BUF_BYTES);
	for (i = 0; i < MAXPAGES; i++) {
		host[i].hp_kva = src + i * PG;
		pages[i] = &host[i];
	}
	dfxio_host_user(src, MAXBYTES + PG);

	tm = timeit(op_memcpy, MAXBYTES);
	bw = MAXBYTES / tm;
	printf("memory bandwidth (memcpy of 16 MiB, read + write): "
	    "%.2f GB/s copied\n\n", bw);
	printf("%9s %10s %10s %7s %10s %7s %10s %7s\n", "bytes",
	    "memcpy", "page list", "vs", "uio 4K", "vs", "user pgs", "vs");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		tm = timeit(op_memcpy, n);
		tp = timeit(op_pagelist, n);
		tu = timeit(op_uio, n);
		th = timeit(op_userpages, n);
		printf("%9zu %8.2fGB %8.2fGB %6.0f%% %8.2fGB %6.0f%% "
		    "%8.2fGB %6.0f%%\n", n, n / tm, n / tp, 100 * tm / tp,
		    n / tu, 100 * tm / tu, n / th, 100 * tm / th);
	}
	printf("\n(GB = GB/s; vs = share of memcpy's bandwidth)\n\n");
	printf("%9s %12s %12s %8s %12s %8s\n", "bytes", "double copy",
	    "handover", "speedup", "page flip", "speedup");
#ifdef __linux__
	flip[0] = mmap(NULL, MAXBYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	flip[1] = mmap(NULL, MAXBYTES, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (flip[0] == MAP_FAILED || flip[1] == MAP_FAILED)
		return (1);
	memset(flip[0], 4, MAXBYTES);
	munmap(flip[1], MAXBYTES);
#endif
	for (i = 3; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		td = timeit(op_double, n);
		th2 = timeit(op_handover, n);
		printf("%9zu %10.2fGB %10.2fGB %7.2fx", n, n / td, n / th2,
		    td / th2);
#ifdef __linux__
		tf = timeit(op_flip, n);
		if (side)	/* the pages home, for the next size */
			op_flip(n);
		printf(" %10.2fGB %7.2fx\n", n / tf, td / tf);
#else
		printf(" %12s\n", "n/a");
#endif
	}
	return (0);
}
