/*
 * usched_dfgen.c: dfgen's scheduling policies as userland schedulers
 * (options SCHED_TABLES).
 *
 * Every policy of the generated table (policies.def, `dfgen sched`)
 * becomes one struct usched named "dfgen_" and the policy's name, which a
 * process selects for itself with
 *
 *	usched_set(0, USCHED_SET_SCHEDULER, name, sizeof(name));
 *
 * A policy added to policies.def is one more scheduler: nothing here
 * names a policy.  The policy code is dfsched.c's; this file ties it to
 * the kernel's user scheduler interface (sys/usched.h).
 *
 * Registration.  A SYSINIT at SI_BOOT2_USCHED allocates each policy's
 * run queues and adds its scheduler with usched_ctl(USCH_ADD), before
 * the scheduler clocks start (initclocks_usched(), SI_ORDER_ANY), so
 * that usched_schedulerclock() never walks the list while it changes.
 * usched_init() is not edited: it runs before kmalloc() and before
 * ncpus is known, and a scheduler it added would be selectable before
 * its run queues existed.
 *
 * Run queues.  Each policy has one struct dfsched_rq per CPU, under a
 * spin lock.  A run
 * queue's running thread (rq->curthr) is the lwp designated to run in
 * user mode on that CPU; its queued threads are lwps that asked for the
 * CPU and wait for it.  Processes of different schedulers (bsd4, dfly
 * and each of these) share a CPU through LWKT, as DragonFly's own
 * schedulers share one.
 *
 * The protocol is dummy's, per CPU.  An lwp returning to user mode calls
 * acquire_curproc(): if it is its CPU's running thread it goes on (or,
 * when a reschedule was asked for, lets the policy choose again with
 * dfsched_switch()); otherwise it enters a run queue with
 * dfsched_enter(), chosen among the CPUs it may use by the policy's
 * affinity (this CPU's unless another is idle, or the least loaded,
 * this one on a tie), gives its LWKT thread away, and switches out
 * until a CPU chooses it.  The
 * CPU that chooses a thread acquires its LWKT thread and schedules it
 * there, so choosing happens only on the run queue's own CPU: away from
 * it, a per-CPU helper thread is woken to choose.  A thread is queued
 * only by itself, in acquire_curproc(), so a thread that is chosen has
 * always been given away first.  A thread that enters another CPU's
 * queue than the one it last was in is rebased (dfsched_migrate(): an
 * eevdf thread keeps its lag, not a virtual time that another queue's
 * load made).  release_curproc() (the lwp blocks in the kernel or
 * exits) ends the designation with dfsched_leave() and starts the next
 * queued thread.  schedulerclock() charges the running thread a tick
 * (dfsched_tick_at()) and asks for a reschedule when its quantum is
 * used up or a better thread waits; a wake-up the policy wants to
 * preempt with asks the running thread's CPU for one (an IPI away from
 * it).  Rescheduling takes effect when the running thread next returns
 * to user mode, as under every DragonFly scheduler.
 *
 * Balance.  A CPU left with nothing to run, and the helper of a CPU
 * lighter by the policy's `steal' threads (2 by default; 0: never) than
 * one whose quantum just ended, pull the thread the busiest queue would
 * run next (dfsched_steal()) when it is that many threads longer.
 * Queues holding a thread bound to some CPUs (lwp_cpumask) are not
 * pulled from, since the thread their policy gives away might not be
 * allowed elsewhere.  Loads within one thread of each other are left as
 * they are: six CPU-bound threads on four CPUs share them 2-2-1-1, not
 * in turns.
 *
 * Priorities.  Every lwp is scheduled by its policy at a nice level of
 * 0 to 20 (p_nice; negative counts as 0); lwp_rtprio's real-time and
 * idle classes are not honoured.  td_upri, by which LWKT orders the
 * threads of different schedulers on one CPU, is in bsd4's and dfly's
 * normal class.
 *
 * The per-CPU protocol is modelled on the host over the same dfsched.c
 * calls, with its invariants checked after every step
 * (tests/fixtures/sched_kernel/kproto.c); this file has been compiled
 * in a DragonFly kernel, not run in one.
 *
 * Time.  sched_ticks (the scheduler clock, counted on CPU 0) is every
 * run queue's clock, widened to 64 bits per run queue, so that decay
 * periods and virtual time agree between CPUs and idle time passes.
 *
 * Per-lwp state.  An lwp's struct dfsched_thread (56 bytes) does not
 * fit lwp_usdata (24), so lwp_usdata.dfgen.state (a member the overlay
 * adds to union usched_data) points to a struct dfgen_lwp:
 *   - allocated at fork (heuristic_forking(), M_NOWAIT: it runs in a
 *     critical section), inheriting the parent's recent CPU use and
 *     virtual runtime, so that forking buys no fresh priority;
 *   - allocated in acquire_curproc(), where the lwp may block, when it
 *     arrives without one: the fork's allocation failed, or the process
 *     chose this scheduler with usched_set(2), whose edit in
 *     kern_usched.c (usched_dfgen_join()) clears the pointer, since
 *     lwp_usdata then still holds the previous scheduler's data;
 *   - freed in heuristic_exiting(), which the kernel calls right after
 *     release_curproc() when the lwp exits or leaves for another
 *     scheduler.
 * No other entry point allocates: setrunqueue() (a new lwp) only
 * schedules the LWKT thread, which asks for a CPU in acquire_curproc()
 * on its way to user mode.  schedulerclock() may see an exiting lwp
 * whose state is gone: it only compares the lwp with the CPU's running
 * thread, whose state is alive while it is designated.
 */

#include "opt_sched_tables.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/resource.h>
#include <sys/spinlock.h>
#include <sys/thread.h>
#include <sys/usched.h>

#include <machine/cpu.h>
#include <machine/smp.h>

#include <sys/spinlock2.h>
#include <sys/thread2.h>

#include <dfgen/sched/dfsched.h>

#include "policies.h"

#ifndef SCHED_TABLES_MAX_POLICIES
#define	SCHED_TABLES_MAX_POLICIES	8
#endif

CTASSERT(POLICIES_NPOLICIES <= SCHED_TABLES_MAX_POLICIES);

#define	DFGEN_PREFIX	"dfgen_"

/* td_upri: the normal class, three levels a nice level (see below). */
#define	DFGEN_UPRI_NORMAL	128
#define	DFGEN_UPRI_NICE		3

/* One lwp under one of these schedulers. */
struct dfgen_lwp {
	struct dfsched_thread thr;	/* first: dfsched hands back &thr */
	struct lwp	*lp;
	int		cpu;		/* designated there, or -1 */
	int		nice;		/* from p_nice, taken when queued */
	int		pinned;		/* bound to some CPUs when queued */
	int		rqcpu;		/* its virtual time is that queue's */
};

/* One CPU's run queue of one policy. */
struct dfgen_cpu {
	struct spinlock	spin;
	struct dfsched_rq rq;
	int		npinned;	/* queued threads that are pinned */
	u_int		seen;		/* sched_ticks when last read */
	uint64_t	now;		/* sched_ticks, widened */
} __cachealign;

/* One policy made a scheduler. */
struct dfgen_sched {
	struct usched	us;		/* first: p_usched points to it */
	const struct dfsched_policy *policy;
	struct dfgen_cpu *cpus;		/* [ncpus] */
	char		name[NAME_LENGTH];
};

static MALLOC_DEFINE(M_DFSCHED, "dfsched", "dfgen scheduling policies");

static struct dfgen_sched dfgen_scheds[POLICIES_NPOLICIES];
static int dfgen_nscheds;
static thread_t dfgen_helpers[MAXCPU];

static void dfgen_acquire_curproc(struct lwp *);
static void dfgen_resetpriority(struct lwp *);

static struct dfgen_sched *
dfgen_sched_of(struct lwp *lp)
{
	return ((struct dfgen_sched *)lp->lwp_proc->p_usched);
}

static struct dfgen_lwp *
dfgen_lwp_of(struct dfsched_thread *thr)
{
	return ((struct dfgen_lwp *)thr);
}

/* p_nice (-20 to 20) as a policy's nice (0 to DFSCHED_NICE_MAX). */
static int
dfgen_nice(struct lwp *lp)
{
	int nice = lp->lwp_proc->p_nice;

	return (nice < 0 ? 0 : nice > DFSCHED_NICE_MAX ?
	    DFSCHED_NICE_MAX : nice);
}

/* The shared clock, for dc's run queue; dc is locked. */
static uint64_t
dfgen_now(struct dfgen_cpu *dc)
{
	u_int t = (u_int)sched_ticks;

	dc->now += t - dc->seen;
	dc->seen = t;
	return (dc->now);
}

/*
 * Start thr, just chosen by the run queue of this CPU: its LWKT thread,
 * given away when it was queued, comes here and runs.
 */
static void
dfgen_start(struct dfsched_thread *thr)
{
	struct lwp *lp = dfgen_lwp_of(thr)->lp;

	atomic_clear_int(&lp->lwp_mpflags, LWP_MP_ONRUNQ);
	lwkt_acquire(lp->lwp_thread);
	lwkt_schedule(lp->lwp_thread);
}

/* dl was queued on dc (locked). */
static void
dfgen_queued(struct dfgen_cpu *dc, struct dfgen_lwp *dl)
{
	dc->npinned += dl->pinned;
}

/* thr, unless NULL, was taken from dc's queue (locked) to run on cpu. */
static struct dfsched_thread *
dfgen_chosen(struct dfgen_cpu *dc, struct dfsched_thread *thr, int cpu)
{
	struct dfgen_lwp *dl;

	if (thr != NULL) {
		dl = dfgen_lwp_of(thr);
		dc->npinned -= dl->pinned;
		dl->cpu = cpu;
	}
	return (thr);
}

static void
dfgen_resched_ipi(void *arg __unused)
{
	need_user_resched();
}

/* Lock the run queues of CPUs a and b (maybe one), lowest first. */
static void
dfgen_lock2(struct dfgen_sched *ds, int a, int b)
{
	spin_lock(&ds->cpus[a < b ? a : b].spin);
	if (a != b)
		spin_lock(&ds->cpus[a < b ? b : a].spin);
}

static void
dfgen_unlock2(struct dfgen_sched *ds, int a, int b)
{
	if (a != b)
		spin_unlock(&ds->cpus[a < b ? b : a].spin);
	spin_unlock(&ds->cpus[a < b ? a : b].spin);
}

/*
 * Balance: this CPU (cpu) takes the thread the busiest other run queue
 * of ds would run next, when that queue has the policy's `steal' threads
 * more than cpu's (2 by default: one more, dfsched_load() counting the
 * running thread, is as even as it gets; 0: never).  Queues holding a
 * thread bound to some CPUs are left alone: the thread their policy
 * would give away might not be allowed here.  Returns the thread to
 * start here when cpu was idle; asks for a reschedule when the thread
 * should preempt cpu's running thread.
 */
static struct dfsched_thread *
dfgen_pull(struct dfgen_sched *ds, int cpu)
{
	struct dfgen_cpu *to = &ds->cpus[cpu], *from;
	struct dfsched_thread *thr = NULL;
	uint32_t load, most, steal = ds->policy->steal;
	int c, victim = -1, preempt = 0;

	if (steal == 0)
		return (NULL);
	/* Loads are read unlocked: a hint, checked again under the locks. */
	most = dfsched_load(&to->rq) + steal - 1;
	for (c = 0; c < ncpus; c++) {
		if (c == cpu || ds->cpus[c].npinned != 0)
			continue;
		load = dfsched_load(&ds->cpus[c].rq);
		if (load > most) {
			most = load;
			victim = c;
		}
	}
	if (victim < 0)
		return (NULL);
	from = &ds->cpus[victim];
	dfgen_lock2(ds, cpu, victim);
	if (from->npinned == 0 &&
	    dfsched_load(&from->rq) >= dfsched_load(&to->rq) + steal) {
		dfsched_clock(&to->rq, dfgen_now(to));
		dfsched_clock(&from->rq, dfgen_now(from));
		thr = dfsched_steal(&from->rq, &to->rq, &preempt);
		if (thr != NULL) {
			dfgen_lwp_of(thr)->rqcpu = cpu;
			thr = NULL;
			if (to->rq.curthr == NULL)
				thr = dfgen_chosen(to,
				    dfsched_switch(&to->rq), cpu);
		}
	}
	dfgen_unlock2(ds, cpu, victim);
	if (preempt && thr == NULL)
		need_user_resched();
	return (thr);
}

/*
 * End dl's designation on the CPU it has it, and have that CPU run its
 * next thread.
 */
static void
dfgen_release(struct dfgen_sched *ds, struct dfgen_lwp *dl)
{
	struct dfgen_cpu *dc;
	struct dfsched_thread *next;
	int cpu, here, what;

	crit_enter();
	cpu = dl->cpu;
	if (cpu < 0) {
		crit_exit();
		return;
	}
	here = cpu == mycpuid;
	dc = &ds->cpus[cpu];
	spin_lock(&dc->spin);
	KKASSERT(dc->rq.curthr == &dl->thr);
	dl->cpu = -1;
	dfsched_clock(&dc->rq, dfgen_now(dc));
	what = dfsched_leave(&dc->rq, here, &next);
	next = dfgen_chosen(dc, next, cpu);
	spin_unlock(&dc->spin);
	if (what & DFSCHED_KICK)
		lwkt_schedule(dfgen_helpers[cpu]);
	if (what == 0 && here)
		next = dfgen_pull(ds, cpu);
	if (next != NULL)
		dfgen_start(next);
	crit_exit();
}

/* Whether lp may not run on every CPU. */
static int
dfgen_pinned(struct lwp *lp)
{
	cpumask_t mask = lp->lwp_cpumask;

	CPUMASK_ANDMASK(mask, smp_active_mask);
	return (CPUMASK_CMPMASKNEQ(mask, smp_active_mask));
}

/*
 * dl's CPU, of those lp may use, by the policy's affinity: `cpu' unless
 * another is idle (last), or the least loaded, `cpu' on a tie (spread).
 */
static int
dfgen_place(struct dfgen_sched *ds, struct lwp *lp, int cpu)
{
	cpumask_t mask = lp->lwp_cpumask;
	uint32_t load, least = 0;
	int c, i, best = -1, spread;

	CPUMASK_ANDMASK(mask, smp_active_mask);
	if (CPUMASK_TESTZERO(mask))
		return (cpu);
	if (CPUMASK_TESTBIT(mask, cpu)) {
		best = cpu;
		least = dfsched_load(&ds->cpus[cpu].rq);
	}
	spread = ds->policy->affinity == DFSCHED_AFFINITY_SPREAD;
	for (i = 1; i < ncpus && (best < 0 || least > 0); i++) {
		c = (cpu + i) % ncpus;
		if (!CPUMASK_TESTBIT(mask, c))
			continue;
		load = dfsched_load(&ds->cpus[c].rq);
		if (best < 0 || (spread ? load < least : load == 0)) {
			best = c;
			least = load;
		}
	}
	return (best);
}

/*
 * cpu's quantum ended with threads waiting: when another CPU has the
 * policy's `steal' threads fewer, wake its helper, which pulls one
 * (dfgen_pull()).
 */
static void
dfgen_balance(struct dfgen_sched *ds, int cpu)
{
	uint32_t load, least, steal = ds->policy->steal;
	int c, idlest = -1;

	if (steal == 0)
		return;
	least = dfsched_load(&ds->cpus[cpu].rq);
	for (c = 0; c < ncpus; c++) {
		if (c == cpu || dfgen_helpers[c] == NULL)
			continue;
		load = dfsched_load(&ds->cpus[c].rq);
		if (load + steal <= least) {
			least = load;
			idlest = c;
		}
	}
	if (idlest >= 0)
		lwkt_schedule(dfgen_helpers[idlest]);
}

/* lp's state, made when it has none (it may block). */
static struct dfgen_lwp *
dfgen_attach(struct lwp *lp)
{
	struct dfgen_lwp *dl;

	dl = kmalloc(sizeof(*dl), M_DFSCHED, M_WAITOK | M_ZERO);
	dfsched_thread_init(&dl->thr, dfgen_nice(lp));
	dl->lp = lp;
	dl->cpu = -1;
	dl->rqcpu = -1;
	dl->nice = dl->thr.nice;
	lp->lwp_usdata.dfgen.state = dl;
	dfgen_resetpriority(lp);
	return (dl);
}

/*
 * lp returns to user mode: run on as this CPU's designated lwp, or wait
 * to be chosen.  lp may come back on another CPU.
 */
static void
dfgen_acquire_curproc(struct lwp *lp)
{
	struct dfgen_sched *ds = dfgen_sched_of(lp);
	struct dfgen_lwp *dl = lp->lwp_usdata.dfgen.state;
	thread_t td = lp->lwp_thread;
	struct dfgen_cpu *dc, *oc;
	struct dfsched_thread *next;
	int cpu, target, old, what;

	if (dl == NULL)
		dl = dfgen_attach(lp);
	/* Designated on a CPU it left while in the kernel. */
	if (dl->cpu >= 0 && dl->cpu != mycpuid)
		dfgen_release(ds, dl);
	for (;;) {
		crit_enter();
		cpu = mycpuid;
		dc = &ds->cpus[cpu];
		spin_lock(&dc->spin);
		if (dc->rq.curthr == &dl->thr) {
			if (!user_resched_wanted()) {
				spin_unlock(&dc->spin);
				crit_exit();
				return;
			}
			clear_user_resched();
			dfsched_clock(&dc->rq, dfgen_now(dc));
			dfgen_queued(dc, dl);
			next = dfgen_chosen(dc, dfsched_switch(&dc->rq), cpu);
			if (next == &dl->thr) {
				spin_unlock(&dc->spin);
				crit_exit();
				return;
			}
			/* Queued again by the switch: wait for a CPU. */
			dl->cpu = -1;
			lwkt_deschedule_self(td);
			lwkt_giveaway(td);
			atomic_set_int(&lp->lwp_mpflags, LWP_MP_ONRUNQ);
			spin_unlock(&dc->spin);
			dfgen_start(next);
			++lp->lwp_ru.ru_nivcsw;
		} else {
			spin_unlock(&dc->spin);
			if (td->td_release)
				td->td_release(td);
			target = dfgen_place(ds, lp, cpu);
			old = dl->rqcpu >= 0 ? dl->rqcpu : target;
			dc = &ds->cpus[target];
			dfgen_lock2(ds, target, old);
			dfsched_clock(&dc->rq, dfgen_now(dc));
			if (old != target) {
				/* Its virtual time was the old queue's. */
				oc = &ds->cpus[old];
				dfsched_clock(&oc->rq, dfgen_now(oc));
				dfsched_migrate(&oc->rq, &dc->rq, &dl->thr);
			}
			dl->rqcpu = target;
			dl->thr.nice = dl->nice;
			dl->pinned = dfgen_pinned(lp);
			what = dfsched_enter(&dc->rq, &dl->thr, target == cpu,
			    &next);
			dfgen_queued(dc, dl);
			next = dfgen_chosen(dc, next, target);
			if (what == DFSCHED_RUN) {
				dfgen_unlock2(ds, target, old);
				crit_exit();
				return;
			}
			lwkt_deschedule_self(td);
			lwkt_giveaway(td);
			atomic_set_int(&lp->lwp_mpflags, LWP_MP_ONRUNQ);
			dfgen_unlock2(ds, target, old);
			if (next != NULL)
				dfgen_start(next);
			if (what & DFSCHED_KICK)
				lwkt_schedule(dfgen_helpers[target]);
			if ((what & DFSCHED_PREEMPT) && target == cpu)
				need_user_resched();
			else if (what & DFSCHED_PREEMPT)
				lwkt_send_ipiq(globaldata_find(target),
				    dfgen_resched_ipi, NULL);
		}
		lwkt_switch();		/* may come back on another CPU */
		crit_exit();
	}
}

/* lp stops being a user mode thread for now (it blocks or exits). */
static void
dfgen_release_curproc(struct lwp *lp)
{
	struct dfgen_lwp *dl = lp->lwp_usdata.dfgen.state;

	if (dl != NULL)
		dfgen_release(dfgen_sched_of(lp), dl);
}

/*
 * A new lwp (fork, lwp_create): its thread runs, and asks for a CPU in
 * acquire_curproc() on its way to user mode.
 */
static void
dfgen_setrunqueue(struct lwp *lp)
{
	lwkt_schedule(lp->lwp_thread);
}

/*
 * Each scheduler tick, on every CPU, for every scheduler; lp is the
 * interrupted lwp when it is one of this scheduler's.
 */
static void
dfgen_schedulerclock(struct lwp *lp, sysclock_t period __unused,
    sysclock_t cpstamp __unused)
{
	struct dfgen_sched *ds;
	struct dfgen_cpu *dc;
	struct dfsched_thread *thr;
	int expired;

	if (lp == NULL)
		return;
	ds = dfgen_sched_of(lp);
	dc = &ds->cpus[mycpuid];
	spin_lock(&dc->spin);
	thr = dc->rq.curthr;
	if (thr == NULL || dfgen_lwp_of(thr)->lp != lp) {
		/* Running in the kernel without the designation. */
		spin_unlock(&dc->spin);
		return;
	}
	expired = dfsched_tick_at(&dc->rq, dfgen_now(dc));
	spin_unlock(&dc->spin);
	if (expired) {
		need_user_resched();
		dfgen_balance(ds, mycpuid);
	}
}

/* Decay and virtual time are the policy's, kept on its own clock. */
static void
dfgen_recalculate(struct lwp *lp __unused)
{
}

/*
 * p_nice changed, or lp is new: the policy sees the nice level when lp
 * is next queued.  LWKT orders the user mode threads that the schedulers
 * sharing a CPU designated by td_upri (higher runs first): these take
 * the normal class of bsd4 and dfly (-128 to -255), by p_nice.
 */
static void
dfgen_resetpriority(struct lwp *lp)
{
	struct dfgen_lwp *dl = lp->lwp_usdata.dfgen.state;

	lp->lwp_thread->td_upri = -(DFGEN_UPRI_NORMAL +
	    (lp->lwp_proc->p_nice - PRIO_MIN) * DFGEN_UPRI_NICE);
	if (dl != NULL)
		dl->nice = dfgen_nice(lp);
}

/*
 * fork() or lwp_create(): lp starts where its parent is, so that
 * forking gains no priority.  In a critical section: no blocking.
 */
static void
dfgen_forking(struct lwp *plp, struct lwp *lp)
{
	struct dfgen_lwp *parent = plp->lwp_usdata.dfgen.state, *dl;

	dl = kmalloc(sizeof(*dl), M_DFSCHED, M_NOWAIT | M_ZERO);
	lp->lwp_usdata.dfgen.state = dl;
	if (dl == NULL)
		return;		/* made in acquire_curproc() */
	dfsched_thread_init(&dl->thr, dfgen_nice(lp));
	dl->lp = lp;
	dl->cpu = -1;
	dl->rqcpu = -1;
	dl->nice = dl->thr.nice;
	if (parent != NULL) {
		dl->rqcpu = parent->rqcpu;
		dl->thr.estcpu = parent->thr.estcpu;
		dl->thr.decayed_at = parent->thr.decayed_at;
		dl->thr.vruntime = parent->thr.vruntime;
	}
}

/* lp exits or leaves for another scheduler, after release_curproc(). */
static void
dfgen_exiting(struct lwp *lp, struct proc *p __unused)
{
	struct dfgen_lwp *dl = lp->lwp_usdata.dfgen.state;

	if (dl == NULL)
		return;
	dfgen_release(dfgen_sched_of(lp), dl);
	lp->lwp_usdata.dfgen.state = NULL;
	kfree(dl, M_DFSCHED);
}

static void
dfgen_uload_update(struct lwp *lp __unused)
{
}

/* sched_yield(2): the policy chooses again at the return to user mode. */
static void
dfgen_yield(struct lwp *lp __unused)
{
	need_user_resched();
}

/* lp moved to this CPU in the kernel (usched_set(2) USCHED_SET_CPU). */
static void
dfgen_changedcpu(struct lwp *lp)
{
	struct dfgen_lwp *dl = lp->lwp_usdata.dfgen.state;

	if (dl != NULL && dl->cpu >= 0 && dl->cpu != mycpuid)
		dfgen_release(dfgen_sched_of(lp), dl);
}

/*
 * The edit of sys_usched_set() calls this when lp's process is about to
 * move to `us`, after the previous scheduler let go of lp: under one of
 * these schedulers lwp_usdata would hold the previous one's data, not a
 * state pointer.  Cleared before p_usched changes, so that nothing that
 * finds p_usched pointing here (resetpriority() from another thread)
 * reads that data as a pointer.
 */
void
usched_dfgen_join(struct lwp *lp, struct usched *us)
{
	if (us->acquire_curproc == dfgen_acquire_curproc)
		lp->lwp_usdata.dfgen.state = NULL;
}

/*
 * A CPU's helper, woken by another CPU: chooses for the CPU's idle run
 * queues, or pulls a thread to even the load.
 */
static void
dfgen_helper(void *arg __unused)
{
	struct dfgen_cpu *dc;
	struct dfsched_thread *next;
	int cpu = mycpuid, i;

	for (;;) {
		lwkt_deschedule_self(curthread);	/* interlock */
		for (i = 0; i < dfgen_nscheds; i++) {
			dc = &dfgen_scheds[i].cpus[cpu];
			spin_lock(&dc->spin);
			next = NULL;
			if (dc->rq.curthr == NULL) {
				dfsched_clock(&dc->rq, dfgen_now(dc));
				next = dfgen_chosen(dc,
				    dfsched_switch(&dc->rq), cpu);
			}
			spin_unlock(&dc->spin);
			if (next == NULL)
				next = dfgen_pull(&dfgen_scheds[i], cpu);
			if (next != NULL)
				dfgen_start(next);
		}
		lwkt_switch();
	}
}

/*
 * Make a scheduler of every policy of the table, with its run queues,
 * and the helper threads; before the scheduler clocks start
 * (initclocks_usched(), SI_ORDER_ANY).
 */
static void
dfgen_usched_init(void *arg __unused)
{
	struct dfgen_sched *ds;
	const struct dfsched_policy *policy;
	int i, c;

	for (c = 0; c < ncpus; c++) {
		if (!CPUMASK_TESTBIT(smp_active_mask, c))
			continue;
		lwkt_create(dfgen_helper, NULL, &dfgen_helpers[c], NULL,
		    TDF_NOSTART, c, "dfsched %d", c);
	}
	for (i = 0; i < POLICIES_NPOLICIES; i++) {
		policy = &policies_table[i];
		ds = &dfgen_scheds[dfgen_nscheds];
		if (ksnprintf(ds->name, sizeof(ds->name), "%s%s",
		    DFGEN_PREFIX, policy->name) >= (int)sizeof(ds->name)) {
			kprintf("dfsched: policy '%s': name too long for "
			    "usched_set(2), not registered\n", policy->name);
			continue;
		}
		ds->policy = policy;
		ds->cpus = kmalloc(sizeof(*ds->cpus) * ncpus, M_DFSCHED,
		    M_WAITOK | M_ZERO | M_CACHEALIGN);
		for (c = 0; c < ncpus; c++) {
			spin_init(&ds->cpus[c].spin, "dfsched");
			dfsched_init(&ds->cpus[c].rq, policy);
			ds->cpus[c].seen = (u_int)sched_ticks;
		}
		ds->us.name = ds->name;
		ds->us.desc = "dfgen scheduling policy";
		ds->us.acquire_curproc = dfgen_acquire_curproc;
		ds->us.release_curproc = dfgen_release_curproc;
		ds->us.setrunqueue = dfgen_setrunqueue;
		ds->us.schedulerclock = dfgen_schedulerclock;
		ds->us.recalculate = dfgen_recalculate;
		ds->us.resetpriority = dfgen_resetpriority;
		ds->us.heuristic_forking = dfgen_forking;
		ds->us.heuristic_exiting = dfgen_exiting;
		ds->us.uload_update = dfgen_uload_update;
		ds->us.yield = dfgen_yield;
		ds->us.changedcpu = dfgen_changedcpu;
		dfgen_nscheds++;
		usched_ctl(&ds->us, USCH_ADD);
	}
}
SYSINIT(dfgen_usched, SI_BOOT2_USCHED, SI_ORDER_MIDDLE, dfgen_usched_init,
    NULL);
