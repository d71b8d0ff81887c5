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
#define	DFCTX_WARM	2	/* untimed rounds before each repetition */

/* Who the two parties of a switch are. */
enum dfctx_kind {
	DFCTX_THREAD,		/* two threads of one process */
	DFCTX_PROCESS		/* two processes */
};

#define	DFCTX_SAMPLES	1024	/* clean repetitions kept for a point */
#define	DFCTX_PASSES	16	/* passes over a point, at most */

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
	double		total;		/* ns per switch, mean of passes */
	double		base;		/* ns per iteration without a switch */
	double		spread;		/* repetitions' IQR / median */
	double		base_spread;	/* the same of the base */
	double		se;		/* standard error / total, or -1 */
	double		base_se;	/* the same of the base */
	int		reps;		/* clean repetitions */
	int		disturbed;	/* repetitions measured again */
	int		passes;		/* passes over the point */
	double		model;		/* the fitted model's total */
};

/* The clean repetitions of a pair of points so far: thread, process,
 * and the loop alone. */
struct dfctx_samples {
	long		rounds;		/* timed rounds of a repetition */
	int		passes;
	int		n[3];
	int		disturbed[3];
	double		v[3][DFCTX_SAMPLES];
	double		pm[3][DFCTX_PASSES];	/* each pass's median */
};

struct dfctx_options {
	int		cpu;		/* the CPU both parties run on */
	int		reps;		/* clean repetitions per pass */
	int		passes;		/* passes over the sweep */
	int		max_passes;	/* over a point not yet precise */
	double		max_se;		/* precise: standard error below it */
	double		budget;		/* seconds to start passes more in */
	int		quick;		/* a short sweep */
	const char	*outdir;
	const char	*replay;	/* fit this data file, do not measure */
	const char	*cross;		/* and predict this one's totals */
};

/*
 * A level of the machine's TLB or cache hierarchy: how many entries
 * (pages or lines) it holds, and where that figure comes from.
 */
enum dfctx_unit {
	DFCTX_PAGES,
	DFCTX_LINES
};

#define	DFCTX_LEVELS	6

struct dfctx_level {
	char		name[16];	/* "dTLB", "STLB", "L1d", "L2", ... */
	enum dfctx_unit	unit;
	double		entries;	/* its capacity, in its unit */
	char		source[48];	/* "sysfs", "cpuid 0x18", "sweep" */
};

struct dfctx_machine {
	struct dfctx_level level[DFCTX_LEVELS];
	int		n;
};

/*
 * The fitted cost of a switch,
 *
 *	fixed + sum over levels k of
 *	    cost[2k] * reloaded(k) + cost[2k + 1] * kept(k)
 *
 * where, for a level of C entries (pages, lines) and a party's set of
 * n, reloaded(k) = n when the two sets overflow the level together but
 * one alone fits (C / 2 <= n < C), and kept(k) = C * (C / n)^3, the
 * entries of a set that alone overflows the level (n >= C) the level
 * keeps from one round to the next, which the other party's set pushes
 * out (dfctx_model.c).  Both are priced per entry.
 */
#define	DFCTX_TERMS	(2 * DFCTX_LEVELS)

struct dfctx_model {
	double		fixed;
	double		cost[DFCTX_TERMS];	/* ns per page or line */
	int		seen[DFCTX_TERMS];	/* the sweep determines it */
	double		worst;		/* largest |error| of a point, in % */
	double		rms;		/* root mean square error, in % */
	int		points;		/* the points of its kind */
	int		within;		/* those predicted within 10% */
	int		ok;		/* 0 when the points did not fix it */
};

int	dfctx_pin(int cpu);
int	dfctx_quiet_cpu(void);
const char *dfctx_priority(char *buf, size_t len);
double	dfctx_reference(void);
double	dfctx_switch_run(enum dfctx_kind kind, const struct dfctx_touch *t,
	    long rounds);
double	dfctx_measure(const struct dfctx_options *o, struct dfctx_point *thr,
	    struct dfctx_point *proc, struct dfctx_samples *sm);
void	dfctx_machine(struct dfctx_machine *mc, int cpu);
void	dfctx_fit(struct dfctx_point *pts, int n, enum dfctx_kind kind,
	    const struct dfctx_machine *mc, struct dfctx_model *m);
void	dfctx_detect(struct dfctx_point *pts, int n, struct dfctx_machine *mc);
int	dfctx_counters(const struct dfctx_options *o, char *why, size_t len);
void	dfctx_pcid(char *buf, size_t len);
void	dfctx_score(struct dfctx_point *pts, int n, enum dfctx_kind kind,
	    const struct dfctx_machine *mc, struct dfctx_model *m);
int	dfctx_report(const struct dfctx_options *o,
	    const struct dfctx_point *pts, int n,
	    const struct dfctx_machine *raw, const struct dfctx_machine *mc,
	    const struct dfctx_model *thr, const struct dfctx_model *proc);
int	dfctx_write_data(const char *path, const struct dfctx_point *pts, int n,
	    const struct dfctx_machine *mc);
int	dfctx_read_data(const char *path, struct dfctx_point *pts, int max,
	    struct dfctx_machine *mc);
int	dfctx_decode_file(const char *path);

#endif /* !_DFCTX_H_ */
