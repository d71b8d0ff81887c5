/*
 * dfgen_pmc.h: the hardware counters a generated probe set reads with
 * rdpmc, and their programming (Intel architectural performance
 * monitoring, CPUID leaf 0xA).
 */

#ifndef _DFGEN_CTXSW_DFGEN_PMC_H_
#define	_DFGEN_CTXSW_DFGEN_PMC_H_

#include <sys/dfgen_compat.h>

/* rdpmc's ECX: general-purpose counters from 0, fixed ones from here. */
#define	DFGEN_PMC_FIXED		0x40000000U

struct dfgen_pmc {
	uint32_t	pmc;	/* rdpmc's ECX */
	int		event;	/* event select; -1 for a fixed counter */
	int		umask;	/* unit mask */
};

int	dfgen_pmc_supported(const struct dfgen_pmc *pmcs, int n);
#ifdef _KERNEL
void	dfgen_pmc_start(const struct dfgen_pmc *pmcs, int n);
void	dfgen_pmc_stop(const struct dfgen_pmc *pmcs, int n);
#endif

#endif /* !_DFGEN_CTXSW_DFGEN_PMC_H_ */
