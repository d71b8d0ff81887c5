/*
 * dfsched.c: the rules behind dfgen's scheduling policies, written once
 * for the kernel and for the host (where the simulator runs them).
 */

#include <sys/dfgen_compat.h>

#include <dfgen/sched/dfsched.h>

/* Fixed-point scale of virtual time: one tick at nice0 weight. */
#define	VTICK		1024

static void
rq_insert(struct dfsched_rq *rq, struct dfsched_thread *td, int queue)
{
	TAILQ_INSERT_TAIL(&rq->queues[queue], td, link);
	td->queue = queue;
	rq->bitmap |= 1U << queue;
	rq->nqueued++;
	rq->vsum += td->vruntime;
}

static void
rq_remove(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	TAILQ_REMOVE(&rq->queues[td->queue], td, link);
	if (TAILQ_EMPTY(&rq->queues[td->queue]))
		rq->bitmap &= ~(1U << td->queue);
	td->queue = -1;
	rq->nqueued--;
	rq->vsum -= td->vruntime;
}

/* The first thread of the best (lowest) non-empty queue. */
static struct dfsched_thread *
rq_first(struct dfsched_rq *rq)
{
	struct dfsched_thread *td;

	if (rq->bitmap == 0)
		return (NULL);
	td = TAILQ_FIRST(&rq->queues[__builtin_ctz(rq->bitmap)]);
	rq_remove(rq, td);
	return (td);
}

static int
quantum_used(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	(void)rq;
	if (td->slice_left > 0)
		td->slice_left--;
	return (td->slice_left == 0);
}

/* -- rule 'fifo': one queue, round robin on quantum expiry ------------ */

static void
fifo_enqueue(struct dfsched_rq *rq, struct dfsched_thread *td, int wakeup)
{
	(void)wakeup;
	rq_insert(rq, td, 0);
}

static int
never_preempts(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	(void)rq;
	(void)td;
	return (0);
}

/* What td knows of its queue is good on any other (fifo, decay). */
static void
keep_all(struct dfsched_rq *from, struct dfsched_rq *to,
    struct dfsched_thread *td)
{
	(void)from;
	(void)to;
	(void)td;
}

const struct dfsched_ops dfsched_fifo_ops = {
	.enqueue = fifo_enqueue,
	.choose = rq_first,
	.charge = quantum_used,
	.preempts = never_preempts,
	.move = keep_all,
};

/* -- rule 'decay': queues by recent CPU use, decayed each period ------- */

static const struct dfsched_decay_params *
decay_params(const struct dfsched_rq *rq)
{
	return (rq->policy->params);
}

/* Apply the periods that passed since td's estcpu was last decayed. */
static void
decay_catch_up(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	const struct dfsched_decay_params *p = decay_params(rq);
	uint64_t period = rq->ticks / p->decay_period;

	while (td->decayed_at < period && td->estcpu > 0) {
		td->estcpu = (uint32_t)((uint64_t)td->estcpu * p->decay_num /
		    p->decay_den);
		td->decayed_at++;
	}
	td->decayed_at = period;
}

static int
decay_priority(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	const struct dfsched_decay_params *p = decay_params(rq);
	uint64_t pri;

	decay_catch_up(rq, td);
	pri = td->estcpu / p->estcpu_per_queue +
	    (uint64_t)td->nice * p->nice_weight;
	if (pri >= rq->policy->nqueues)
		pri = rq->policy->nqueues - 1;
	return ((int)pri);
}

static void
decay_enqueue(struct dfsched_rq *rq, struct dfsched_thread *td, int wakeup)
{
	(void)wakeup;
	rq_insert(rq, td, decay_priority(rq, td));
}

static int
decay_charge(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	const struct dfsched_decay_params *p = decay_params(rq);

	decay_catch_up(rq, td);
	td->estcpu += p->estcpu_incr;
	if (td->estcpu > p->estcpu_max)
		td->estcpu = p->estcpu_max;
	/* A better queue than td's own now has a thread: let it run. */
	if (rq->bitmap != 0 &&
	    __builtin_ctz(rq->bitmap) < decay_priority(rq, td)) {
		td->slice_left = 0;
		return (1);
	}
	return (quantum_used(rq, td));
}

static int
decay_preempts(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	return (rq->curthr != NULL &&
	    td->queue < decay_priority(rq, rq->curthr));
}

const struct dfsched_ops dfsched_decay_ops = {
	.enqueue = decay_enqueue,
	.choose = rq_first,
	.charge = decay_charge,
	.preempts = decay_preempts,
	.move = keep_all,
};

/* -- rule 'deadline': earliest eligible virtual deadline first ------- */

static const struct dfsched_deadline_params *
deadline_params(const struct dfsched_rq *rq)
{
	return (rq->policy->params);
}

/* Weight of a nice level: nice0_weight at 0, a tenth less per level. */
static int64_t
deadline_weight(const struct dfsched_deadline_params *p,
    const struct dfsched_thread *td)
{
	return ((int64_t)p->nice0_weight * 10 / (10 + td->nice));
}

/* Virtual time taken by `ticks` of service at td's weight. */
static int64_t
deadline_vtime(const struct dfsched_deadline_params *p,
    const struct dfsched_thread *td, int64_t ticks)
{
	return (ticks * VTICK * (int64_t)p->nice0_weight /
	    deadline_weight(p, td));
}

/*
 * V: the average virtual runtime of the queued and running threads (the
 * queue keeps the sum of its threads', which change only off it).
 */
static int64_t
deadline_avg(struct dfsched_rq *rq)
{
	int64_t sum = rq->vsum, n = rq->nqueued;

	if (rq->curthr != NULL) {
		sum += rq->curthr->vruntime;
		n++;
	}
	return (n == 0 ? 0 : sum / n);
}

static void
deadline_enqueue(struct dfsched_rq *rq, struct dfsched_thread *td,
    int wakeup)
{
	const struct dfsched_deadline_params *p = deadline_params(rq);
	int64_t floor;

	/*
	 * A sleeper keeps at most lag_limit ticks of lag against the others,
	 * and asks for a new slice.  Requeued after running, it keeps both.
	 */
	if (wakeup) {
		if (rq->nqueued > 0 || rq->curthr != NULL) {
			floor = deadline_avg(rq) -
			    (int64_t)p->lag_limit * VTICK;
			if (td->vruntime < floor)
				td->vruntime = floor;
		}
		td->deadline = td->vruntime +
		    deadline_vtime(p, td, p->base_slice);
	}
	rq_insert(rq, td, 0);
}

static struct dfsched_thread *
deadline_choose(struct dfsched_rq *rq)
{
	struct dfsched_thread *td, *best = NULL, *least = NULL;
	int64_t v = deadline_avg(rq);

	TAILQ_FOREACH(td, &rq->queues[0], link) {
		if (least == NULL || td->vruntime < least->vruntime)
			least = td;
		if (td->vruntime <= v &&
		    (best == NULL || td->deadline < best->deadline))
			best = td;
	}
	if (best == NULL)
		best = least;
	if (best != NULL)
		rq_remove(rq, best);
	return (best);
}

static int
deadline_charge(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	const struct dfsched_deadline_params *p = deadline_params(rq);
	int expired = quantum_used(rq, td);

	td->vruntime += deadline_vtime(p, td, 1);
	if (td->vruntime >= td->deadline) {
		td->deadline += deadline_vtime(p, td, p->base_slice);
		expired = 1;
	}
	return (expired);
}

static int
deadline_preempts(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	return (rq->curthr != NULL && td->vruntime <= deadline_avg(rq) &&
	    td->deadline < rq->curthr->deadline);
}

/*
 * Virtual time is each queue's own: a thread that moves keeps its lag,
 * its distance from the average of the queue it leaves, against the
 * average of the queue it joins, and its deadline the same distance
 * ahead of its virtual runtime.
 */
static void
deadline_move(struct dfsched_rq *from, struct dfsched_rq *to,
    struct dfsched_thread *td)
{
	int64_t shift = deadline_avg(to) - deadline_avg(from);

	td->vruntime += shift;
	td->deadline += shift;
}

const struct dfsched_ops dfsched_deadline_ops = {
	.enqueue = deadline_enqueue,
	.choose = deadline_choose,
	.charge = deadline_charge,
	.preempts = deadline_preempts,
	.move = deadline_move,
};

/* -- the run queue ---------------------------------------------------- */

void
dfsched_init(struct dfsched_rq *rq, const struct dfsched_policy *policy)
{
	uint32_t i;

	rq->policy = policy;
	for (i = 0; i < DFSCHED_MAXQUEUES; i++)
		TAILQ_INIT(&rq->queues[i]);
	rq->bitmap = 0;
	rq->nqueued = 0;
	rq->vsum = 0;
	rq->curthr = NULL;
	rq->ticks = 0;
}

void
dfsched_thread_init(struct dfsched_thread *td, int nice)
{
	td->queue = -1;
	td->nice = nice < 0 ? 0 : nice > DFSCHED_NICE_MAX ?
	    DFSCHED_NICE_MAX : nice;
	td->slice_left = 0;
	td->estcpu = 0;
	td->decayed_at = 0;
	td->vruntime = 0;
	td->deadline = 0;
}

/* Whether td, just queued, should preempt rq's running thread. */
static int
should_preempt(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	if (rq->policy->preempt == DFSCHED_PREEMPT_NEVER)
		return (0);
	return (rq->policy->ops->preempts(rq, td));
}

/*
 * td becomes runnable.  Nonzero when the policy wants it to preempt the
 * running thread: the caller then calls dfsched_switch().
 */
int
dfsched_wakeup(struct dfsched_rq *rq, struct dfsched_thread *td)
{
	rq->policy->ops->enqueue(rq, td, 1);
	return (should_preempt(rq, td));
}

/* The running thread blocks. */
void
dfsched_sleep(struct dfsched_rq *rq)
{
	rq->curthr = NULL;
}

/* Put the running thread back, if any, and choose the next one. */
struct dfsched_thread *
dfsched_switch(struct dfsched_rq *rq)
{
	struct dfsched_thread *td = rq->curthr;

	if (td != NULL) {
		rq->curthr = NULL;
		rq->policy->ops->enqueue(rq, td, 0);
	}
	td = rq->policy->ops->choose(rq);
	if (td != NULL)
		td->slice_left = rq->policy->quantum;
	rq->curthr = td;
	return (td);
}

/*
 * The running thread (if any) ran for one tick.  Nonzero when it should
 * give up the CPU to a queued thread.
 */
int
dfsched_tick(struct dfsched_rq *rq)
{
	rq->ticks++;
	if (rq->curthr == NULL)
		return (0);
	return (rq->policy->ops->charge(rq, rq->curthr) && rq->nqueued > 0);
}

/*
 * Take the thread `from` would run next to run on `to` (an idle CPU
 * taking work, or a balancing pass), rebased by its rule.  Returns it,
 * or NULL when `from` has nothing queued; *preempt says whether it
 * should preempt what `to` runs, as for a wake-up.
 */
struct dfsched_thread *
dfsched_steal(struct dfsched_rq *from, struct dfsched_rq *to, int *preempt)
{
	struct dfsched_thread *td;

	*preempt = 0;
	td = from->policy->ops->choose(from);
	if (td == NULL)
		return (NULL);
	dfsched_migrate(from, to, td);
	to->policy->ops->enqueue(to, td, 0);
	*preempt = should_preempt(to, td);
	return (td);
}

/* -- for a kernel: one clock, threads that ask for a CPU --------------- */

/*
 * The CPUs share one clock: `now` ticks have passed since it started.
 * Ticks in which none of rq's threads ran (nobody called dfsched_tick()
 * for them) pass as idle time, so decay and virtual time agree between
 * run queues.
 */
void
dfsched_clock(struct dfsched_rq *rq, uint64_t now)
{
	if (rq->ticks < now)
		rq->ticks = now;
}

/* dfsched_tick() for the tick that brought the shared clock to `now`. */
int
dfsched_tick_at(struct dfsched_rq *rq, uint64_t now)
{
	if (now > 0)
		dfsched_clock(rq, now - 1);
	return (dfsched_tick(rq));
}

/* The threads rq has to run: its running one and the queued ones. */
uint32_t
dfsched_load(const struct dfsched_rq *rq)
{
	return (rq->nqueued + (rq->curthr != NULL));
}

/*
 * td (neither queued nor running) asks to run on rq's CPU.  DFSCHED_RUN
 * when it runs at once on an idle CPU; otherwise it waits, queued, and
 * the caller starts *next (DFSCHED_START: the idle CPU chose another),
 * makes the idle CPU choose (DFSCHED_KICK) or asks the running thread to
 * yield (DFSCHED_PREEMPT), or nothing (0).
 */
int
dfsched_enter(struct dfsched_rq *rq, struct dfsched_thread *td, int here,
    struct dfsched_thread **next)
{
	int preempt;

	*next = NULL;
	preempt = dfsched_wakeup(rq, td);
	if (rq->curthr != NULL)
		return (preempt ? DFSCHED_PREEMPT : 0);
	if (!here)
		return (DFSCHED_KICK);
	*next = dfsched_switch(rq);
	return (*next == td ? DFSCHED_RUN : DFSCHED_START);
}

/*
 * rq's running thread stops (it blocks, or leaves the scheduler).  When
 * threads are queued the caller starts *next (DFSCHED_START) or, away
 * from rq's CPU, makes it choose (DFSCHED_KICK); 0 when there are none.
 */
int
dfsched_leave(struct dfsched_rq *rq, int here, struct dfsched_thread **next)
{
	*next = NULL;
	dfsched_sleep(rq);
	if (rq->nqueued == 0)
		return (0);
	if (!here)
		return (DFSCHED_KICK);
	*next = dfsched_switch(rq);
	return (DFSCHED_START);
}

/*
 * td, neither queued nor running, last ran or waited on `from` and is
 * about to enter `to`: its state is rebased by its rule (under eevdf it
 * keeps its lag), as for a thread dfsched_steal() moves.
 */
void
dfsched_migrate(struct dfsched_rq *from, struct dfsched_rq *to,
    struct dfsched_thread *td)
{
	to->policy->ops->move(from, to, td);
}
