/*
 * dfsched.h: scheduling policies run from dfgen's generated tables.
 *
 * A policy (generated from a definition by 'dfgen sched') binds a rule's
 * operations to its parameters.  One run queue (struct dfsched_rq)
 * schedules the threads of one CPU in ticks: the caller reports
 * wake-ups, sleeps and ticks, and asks for the next thread to run.
 */

#ifndef _DFGEN_SCHED_DFSCHED_H_
#define	_DFGEN_SCHED_DFSCHED_H_

#include <sys/dfgen_compat.h>
#include <sys/queue.h>

#define	DFSCHED_MAXQUEUES		32
#define	DFSCHED_NICE_MAX		20

#define	DFSCHED_PREEMPT_NEVER		0	/* only on quantum expiry */
#define	DFSCHED_PREEMPT_PRIORITY	1	/* a better priority wakes */
#define	DFSCHED_PREEMPT_DEADLINE	2	/* an earlier deadline wakes */

#define	DFSCHED_AFFINITY_LAST		0	/* wake where it last ran */
#define	DFSCHED_AFFINITY_SPREAD		1	/* wake where least loaded */

struct dfsched_rq;

struct dfsched_thread {
	TAILQ_ENTRY(dfsched_thread) link;
	int		queue;		/* run queue, or -1 when not queued */
	int		nice;		/* 0 (default) to DFSCHED_NICE_MAX */
	uint32_t	slice_left;	/* ticks left of the quantum */
	uint32_t	estcpu;		/* decay: recent CPU use */
	uint64_t	decayed_at;	/* decay: period last applied */
	int64_t		vruntime;	/* deadline: weighted service */
	int64_t		deadline;	/* deadline: virtual deadline */
};

TAILQ_HEAD(dfsched_tq, dfsched_thread);

struct dfsched_ops {
	void	(*enqueue)(struct dfsched_rq *, struct dfsched_thread *,
		    int wakeup);
	struct dfsched_thread *(*choose)(struct dfsched_rq *);
	int	(*charge)(struct dfsched_rq *, struct dfsched_thread *);
	int	(*preempts)(struct dfsched_rq *, struct dfsched_thread *);
	/* td, just chosen off one queue, goes to another: rebase it. */
	void	(*move)(struct dfsched_rq *from, struct dfsched_rq *to,
		    struct dfsched_thread *);
};

struct dfsched_policy {
	const char	*name;
	const struct dfsched_ops *ops;
	const void	*params;	/* the rule's parameter structure */
	uint32_t	nqueues;
	uint32_t	quantum;	/* ticks */
	uint32_t	preempt;	/* DFSCHED_PREEMPT_* */
	uint32_t	affinity;	/* DFSCHED_AFFINITY_*, with many CPUs */
	uint32_t	steal;		/* move a thread at this imbalance */
};

/* Rule 'decay': priority from recent CPU use, decayed every period. */
struct dfsched_decay_params {
	uint32_t	estcpu_incr;	/* added per tick run */
	uint32_t	estcpu_max;	/* ceiling of estcpu */
	uint32_t	estcpu_per_queue; /* estcpu that lowers one queue */
	uint32_t	nice_weight;	/* queues lowered per nice level */
	uint32_t	decay_period;	/* ticks between decays */
	uint32_t	decay_num;	/* estcpu *= num / den per period */
	uint32_t	decay_den;
};

/* Rule 'deadline': EEVDF, virtual runtime and virtual deadlines. */
struct dfsched_deadline_params {
	uint32_t	base_slice;	/* ticks of service per request */
	uint32_t	nice0_weight;	/* weight of a nice 0 thread */
	uint32_t	lag_limit;	/* ticks of lag kept over a sleep */
};

struct dfsched_rq {
	const struct dfsched_policy *policy;
	struct dfsched_tq queues[DFSCHED_MAXQUEUES];
	uint32_t	bitmap;		/* non-empty queues */
	uint32_t	nqueued;
	int64_t		vsum;		/* vruntime of the queued threads */
	struct dfsched_thread *curthr;	/* running, not queued */
	uint64_t	ticks;
};

extern const struct dfsched_ops dfsched_fifo_ops;
extern const struct dfsched_ops dfsched_decay_ops;
extern const struct dfsched_ops dfsched_deadline_ops;

void	dfsched_init(struct dfsched_rq *, const struct dfsched_policy *);
void	dfsched_thread_init(struct dfsched_thread *, int nice);
int	dfsched_wakeup(struct dfsched_rq *, struct dfsched_thread *);
void	dfsched_sleep(struct dfsched_rq *);
struct dfsched_thread *dfsched_switch(struct dfsched_rq *);
int	dfsched_tick(struct dfsched_rq *);
struct dfsched_thread *dfsched_steal(struct dfsched_rq *from,
	    struct dfsched_rq *to, int *preempt);

/*
 * For a kernel: CPUs that share one clock, and threads that ask for a
 * CPU themselves (see sys/kern/usched_dfgen.c).  `here` says whether
 * the caller runs on rq's CPU, the only place where a thread can be
 * started on it.  What the caller must do next:
 */
#define	DFSCHED_RUN		0x01	/* td is rq's running thread */
#define	DFSCHED_START		0x02	/* start *next on rq's CPU */
#define	DFSCHED_KICK		0x04	/* rq's CPU is idle: make it choose */
#define	DFSCHED_PREEMPT		0x08	/* rq's running thread should yield */

void	dfsched_clock(struct dfsched_rq *, uint64_t now);
int	dfsched_tick_at(struct dfsched_rq *, uint64_t now);
uint32_t dfsched_load(const struct dfsched_rq *);
int	dfsched_enter(struct dfsched_rq *, struct dfsched_thread *, int here,
	    struct dfsched_thread **next);
int	dfsched_leave(struct dfsched_rq *, int here,
	    struct dfsched_thread **next);
void	dfsched_migrate(struct dfsched_rq *from, struct dfsched_rq *to,
	    struct dfsched_thread *);

#endif /* !_DFGEN_SCHED_DFSCHED_H_ */
