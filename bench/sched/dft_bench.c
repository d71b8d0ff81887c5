/*
 * dft_bench: libdfthread's figures, one "name ns" line each (memory in
 * bytes): the bare context switch, a yield through the generated policy
 * (two threads, one carrier), spawn+join, a channel round trip and the
 * memory an idle thread touches.
 *
 *	dft_bench POLICY N
 */

#define	_POSIX_C_SOURCE	200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "dft.h"
#include "dft_ctx.h"

static long n;

/*
 * The bare switch: two contexts take turns from the same call site (as
 * threads of the library do), and the last one returns to main.
 */
static struct dft_ctx main_ctx, ctx[2];
static long turns;

static void
take_turns(void *arg)
{
	int me = (int)(intptr_t)arg;

	while (turns < n) {
		turns++;
		dft_ctx_switch(&ctx[me], &ctx[!me]);
	}
	dft_ctx_switch(&ctx[me], &main_ctx);
}

static void
bench_switch(void)
{
	static char stack[2][64 * 1024];
	double t;

	dft_ctx_init(&ctx[0], stack[0], sizeof(stack[0]), take_turns,
	    (void *)(intptr_t)0);
	dft_ctx_init(&ctx[1], stack[1], sizeof(stack[1]), take_turns,
	    (void *)(intptr_t)1);
	t = now();
	dft_ctx_switch(&main_ctx, &ctx[0]);
	printf("switch %.1f\n", (now() - t) / (double)n);
}

static void *
yielder(void *arg)
{
	long i;

	for (i = 0; i < n; i++)
		dft_yield();
	return (arg);
}

static void *
nothing(void *arg)
{
	return (arg);
}

static struct dft_chan *ping, *pong;

static void *
ponger(void *arg)
{
	long v;

	while (dft_chan_recv(ping, &v) == 0)
		dft_chan_send(pong, &v);
	return (arg);
}

static dft_mutex_t mtx;
static dft_cond_t cv;
static int release;

static void *
idler(void *arg)
{
	dft_mutex_lock(&mtx);
	while (!release)
		dft_cond_wait(&cv, &mtx);
	dft_mutex_unlock(&mtx);
	return (arg);
}

static void *
run(void *arg)
{
	struct dft_thread *t1, *t2, **tds;
	double t;
	long i, v, before, nidle = 10000;

	(void)arg;
	dft_spawn(&t1, yielder, NULL);
	dft_spawn(&t2, yielder, NULL);
	t = now();
	dft_join(t1, NULL);
	dft_join(t2, NULL);
	printf("yield %.1f\n", (now() - t) / (2.0 * n));

	t = now();
	for (i = 0; i < n; i++) {
		dft_spawn(&t1, nothing, NULL);
		dft_join(t1, NULL);
	}
	printf("spawn_join %.1f\n", (now() - t) / n);

	dft_chan_create(&ping, sizeof(long), 0);
	dft_chan_create(&pong, sizeof(long), 0);
	dft_spawn(&t1, ponger, NULL);
	t = now();
	for (i = 0; i < n; i++) {
		dft_chan_send(ping, &i);
		dft_chan_recv(pong, &v);
	}
	printf("pingpong %.1f\n", (now() - t) / n);
	dft_chan_close(ping);
	dft_join(t1, NULL);

	tds = calloc((size_t)nidle, sizeof(*tds));
	before = rss();
	for (i = 0; i < nidle; i++)
		dft_spawn(&tds[i], idler, NULL);
	dft_yield();
	printf("idle_bytes %ld\n", (rss() - before) / nidle);
	dft_mutex_lock(&mtx);
	release = 1;
	dft_cond_broadcast(&cv);
	dft_mutex_unlock(&mtx);
	for (i = 0; i < nidle; i++)
		dft_join(tds[i], NULL);
	free(tds);
	return (NULL);
}

int
main(int argc, char **argv)
{
	struct dft_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ncarriers = 1;
	cfg.policy = argc > 1 ? argv[1] : "rr";
	n = argc > 2 ? atol(argv[2]) : 1000000;
	bench_switch();
	dft_mutex_init(&mtx);
	dft_cond_init(&cv);
	return (dft_run(&cfg, run, NULL, NULL));
}
