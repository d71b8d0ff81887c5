/*
 * dft_ctx.h: libdfthread's execution contexts.
 *
 * On x86_64 and i386 (ELF) a context is its saved stack pointer and the
 * switch is the assembly of dft_switch.S, which m4 writes from
 * dft_switch.m4.  Elsewhere, or when DFT_UCONTEXT is defined, it is a
 * ucontext_t switched with swapcontext(3) (dft_ctx_ucontext.c): slower
 * (a signal mask system call per switch on most systems) but portable.
 *
 * dft_ctx_init() prepares a context that, switched to, runs fn(arg) on
 * the stack [stack, stack + size); fn must never return.
 * dft_ctx_switch() saves the running context in `from' and resumes `to';
 * it returns when something switches back to `from'.
 */

#ifndef _DFT_CTX_H_
#define	_DFT_CTX_H_

#include <stddef.h>

#if defined(DFT_UCONTEXT) || !defined(__ELF__) || \
    !(defined(__x86_64__) || defined(__i386__))
#define	DFT_CTX_UCONTEXT	1
#include <ucontext.h>

struct dft_ctx {
	ucontext_t	uc;
	void		(*fn)(void *);
	void		*arg;
};
#else
struct dft_ctx {
	void		*sp;		/* the frame dft_switch.S saved */
};
#endif

void	dft_ctx_init(struct dft_ctx *, void *, size_t, void (*)(void *),
	    void *);
void	dft_ctx_switch(struct dft_ctx *, struct dft_ctx *);

#endif /* !_DFT_CTX_H_ */
