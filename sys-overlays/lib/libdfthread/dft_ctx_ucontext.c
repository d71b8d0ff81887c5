/*
 * dft_ctx_ucontext.c: the portable context switch, for machines that
 * dft_switch.S does not cover (see dft_ctx.h).  makecontext(3) passes
 * only int arguments, so a context that starts finds its function and
 * argument through dft_ctx_starting, which the switch sets (per carrier
 * thread: a context starts on the thread that first switches to it).
 */

#define	_XOPEN_SOURCE	700

#include "dft_ctx.h"

#ifdef DFT_CTX_UCONTEXT

#include <stdlib.h>

static _Thread_local struct dft_ctx *dft_ctx_starting;

static void
dft_ctx_start(void)
{
	struct dft_ctx *ctx = dft_ctx_starting;

	ctx->fn(ctx->arg);
	abort();
}

void
dft_ctx_init(struct dft_ctx *ctx, void *stack, size_t size,
    void (*fn)(void *), void *arg)
{
	if (getcontext(&ctx->uc) == -1)
		abort();
	ctx->uc.uc_stack.ss_sp = stack;
	ctx->uc.uc_stack.ss_size = size;
	ctx->uc.uc_link = NULL;
	ctx->fn = fn;
	ctx->arg = arg;
	makecontext(&ctx->uc, dft_ctx_start, 0);
}

void
dft_ctx_switch(struct dft_ctx *from, struct dft_ctx *to)
{
	dft_ctx_starting = to;
	if (swapcontext(&from->uc, &to->uc) == -1)
		abort();
}

#endif /* DFT_CTX_UCONTEXT */
