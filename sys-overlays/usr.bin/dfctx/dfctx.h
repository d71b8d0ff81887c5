/*
 * dfctx: what a context switch costs on this machine, split into the
 * switch itself, the TLB refill and the cache reload, and what the
 * address-space change adds (what small address spaces would save).
 */

#ifndef _DFCTX_H_
#define	_DFCTX_H_

#include <stddef.h>
#include <stdint.h>

#define	DFCTX_PAGE	4096
#define	DFCTX_LINE	64

/* Who the two parties of a switch are. */
enum dfctx_kind {
	DFCTX_THREAD,		/* two threads of one process */
	DFCTX_PROCESS		/* two processes */
};

/* What each party touches after it is switched to. */
struct dfctx_touch {
	size_t		pages;	/* pages the lines are in */
	size_t		lines;	/* lines read, in order */
	size_t		stride;	/* bytes from one line to the next */
};

/* One point of a sweep, measured. */
struct dfctx_point {
	const char	*sweep;		/* "direct", "tlb" or "cache" */
	enum dfctx_kind	kind;
	struct dfctx_touch touch;
	double		total;		/* ns per switch, the fastest run */
	double		base;		/* ns per iteration without a switch */
	double		spread;		/* (slowest - fastest) / fastest run */
	double		model;		/* the fitted model's total */
};

struct dfctx_options {
	int		cpu;		/* the CPU both parties run on */
	int		runs;		/* runs per point; the fastest is kept */
	double		target;		/* seconds one run should take */
	int		quick;		/* a short sweep */
	const char	*outdir;
};

/* The fitted cost of a switch: fixed + tlb * pages + line * lines. */
struct dfctx_model {
	double		fixed;
	double		tlb;
	double		line;
	double		worst;		/* largest |error| of a point, in % */
	int		points;		/* the points of its kind */
	int		within;		/* those predicted within 10% */
	int		ok;		/* 0 when the points did not fix it */
};

int	dfctx_pin(int cpu);
int	dfctx_quiet_cpu(void);
double	dfctx_switch_run(enum dfctx_kind kind, const struct dfctx_touch *t,
	    long rounds);
int	dfctx_measure(const struct dfctx_options *o, struct dfctx_point *thr,
	    struct dfctx_point *proc);
void	dfctx_fit(struct dfctx_point *pts, int n, enum dfctx_kind kind,
	    struct dfctx_model *m);
int	dfctx_counters(const struct dfctx_options *o, char *why, size_t len);
void	dfctx_pcid(char *buf, size_t len);
int	dfctx_report(const struct dfctx_options *o, const struct dfctx_point *pts,
	    int n, const struct dfctx_model *thr, const struct dfctx_model *proc);
int	dfctx_decode_file(const char *path);

#endif /* !_DFCTX_H_ */
