/*
 * dfgen_pmc.c: programming the counters that the context-switch probes
 * read.  Architectural performance monitoring version 2 or later (the
 * global control MSR) is required; the kernel programs every CPU through
 * a cpusync, the host can only ask whether the counters exist.
 *
 * MSR numbers and bit positions: Intel SDM vol. 3B, chapter 18 and
 * appendix B (IA32_PERFEVTSELx 0x186, IA32_FIXED_CTR_CTRL 0x38d,
 * IA32_PERF_GLOBAL_CTRL 0x38f).
 */

#include <sys/dfgen_compat.h>
#ifdef _KERNEL
#include <sys/thread.h>
#include <machine/cpufunc.h>
#include <machine/smp.h>
#endif

#include <dfgen/ctxsw/dfgen_pmc.h>

#define	PMC_LEAF		0xa
#define	MSR_PERFEVTSEL(i)	(0x186 + (i))
#define	MSR_FIXED_CTR_CTRL	0x38d
#define	MSR_GLOBAL_CTRL		0x38f
#define	EVTSEL_USR		(1U << 16)
#define	EVTSEL_OS		(1U << 17)
#define	EVTSEL_EN		(1U << 22)
#define	FIXED_OS_USR		0x3	/* per fixed counter, 4 bits each */

static void
pmc_cpuid(uint32_t leaf, uint32_t *r)
{
	__asm __volatile("cpuid"
	    : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
	    : "a" (leaf), "c" (0));
}

/* 1 when this CPU has every counter of pmcs[], 0 if not. */
int
dfgen_pmc_supported(const struct dfgen_pmc *pmcs, int n)
{
	uint32_t r[4];
	uint32_t general, fixed;
	int i;

	pmc_cpuid(0, r);
	if (r[0] < PMC_LEAF)
		return (0);
	pmc_cpuid(PMC_LEAF, r);
	if ((r[0] & 0xff) < 2)
		return (0);
	general = (r[0] >> 8) & 0xff;
	fixed = r[3] & 0x1f;
	for (i = 0; i < n; ++i) {
		if (pmcs[i].pmc >= DFGEN_PMC_FIXED) {
			if (pmcs[i].pmc - DFGEN_PMC_FIXED >= fixed)
				return (0);
		} else if (pmcs[i].pmc >= general) {
			return (0);
		}
	}
	return (1);
}

#ifdef _KERNEL

struct pmc_job {
	const struct dfgen_pmc	*pmcs;
	int			n;
	int			on;
};

/* On one CPU: program (or clear) the counters and enable (disable) them. */
static void
pmc_program(void *arg)
{
	const struct pmc_job *job = arg;
	const struct dfgen_pmc *p;
	uint64_t global, fixed_ctrl;
	int i;

	global = rdmsr(MSR_GLOBAL_CTRL);
	fixed_ctrl = rdmsr(MSR_FIXED_CTR_CTRL);
	for (i = 0; i < job->n; ++i) {
		p = &job->pmcs[i];
		if (p->pmc >= DFGEN_PMC_FIXED) {
			uint32_t f = p->pmc - DFGEN_PMC_FIXED;

			fixed_ctrl &= ~((uint64_t)0xf << (4 * f));
			if (job->on)
				fixed_ctrl |= (uint64_t)FIXED_OS_USR << (4 * f);
			global = job->on ? global | (1ULL << (32 + f)) :
			    global & ~(1ULL << (32 + f));
		} else {
			wrmsr(MSR_PERFEVTSEL(p->pmc), job->on ?
			    (uint64_t)(p->event | p->umask << 8 | EVTSEL_USR |
			    EVTSEL_OS | EVTSEL_EN) : 0);
			global = job->on ? global | (1ULL << p->pmc) :
			    global & ~(1ULL << p->pmc);
		}
	}
	wrmsr(MSR_FIXED_CTR_CTRL, fixed_ctrl);
	wrmsr(MSR_GLOBAL_CTRL, global);
}

void
dfgen_pmc_start(const struct dfgen_pmc *pmcs, int n)
{
	struct pmc_job job = { pmcs, n, 1 };

	lwkt_cpusync_simple(smp_active_mask, pmc_program, &job);
}

void
dfgen_pmc_stop(const struct dfgen_pmc *pmcs, int n)
{
	struct pmc_job job = { pmcs, n, 0 };

	lwkt_cpusync_simple(smp_active_mask, pmc_program, &job);
}

#endif /* _KERNEL */
