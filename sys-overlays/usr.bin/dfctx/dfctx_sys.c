/*
 * dfctx_sys.c: what the system tells about switches beyond time: the
 * hardware counters (Linux perf_event_open, where it is permitted) and
 * whether the CPU can keep TLB entries across an address-space change
 * (PCID).
 */

#define	_GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#endif

#include "dfctx.h"

static void
cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	__asm__ __volatile__("cpuid"
	    : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
	    : "a" (leaf), "c" (sub));
}

/* PCID (CPUID.1:ECX[17]), INVPCID (CPUID.7.0:EBX[10]), what the OS does. */
void
dfctx_pcid(char *buf, size_t len)
{
	unsigned int r[4];
	int pcid, invpcid;
	const char *os = "unknown on this system";
#ifdef __linux__
	char line[4096];
	FILE *f;

	os = "used by Linux";
	f = fopen("/proc/cmdline", "r");
	if (f != NULL) {
		if (fgets(line, sizeof(line), f) != NULL &&
		    strstr(line, "nopcid") != NULL)
			os = "turned off (nopcid)";
		fclose(f);
	}
#endif
	cpuid(0, 0, r);
	pcid = 0;
	invpcid = 0;
	if (r[0] >= 1) {
		cpuid(1, 0, r);
		pcid = (r[2] >> 17) & 1;
	}
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		invpcid = (r[1] >> 10) & 1;
	}
	if (!pcid)
		os = "not available";
	snprintf(buf, len, "PCID %s, INVPCID %s; PCID %s",
	    pcid ? "yes" : "no", invpcid ? "yes" : "no", os);
}

#ifdef __linux__

/* Each CPU's idle time so far (/proc/stat, clock ticks); -1 if unknown. */
static int
idle_ticks(unsigned long long *idle, int max)
{
	char line[512];
	unsigned long long v[5];
	int cpu, n = 0;
	FILE *f;

	f = fopen("/proc/stat", "r");
	if (f == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu", &cpu, &v[0],
		    &v[1], &v[2], &v[3], &v[4]) == 6 && cpu >= 0 && cpu < max) {
			idle[cpu] = v[3] + v[4];
			if (cpu + 1 > n)
				n = cpu + 1;
		}
	}
	fclose(f);
	return (n);
}

/* The CPU that was idle the longest over the next quarter second. */
int
dfctx_quiet_cpu(void)
{
	unsigned long long a[256], b[256];
	int i, n, best = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	n = idle_ticks(a, 256);
	usleep(250000);
	if (n <= 0 || idle_ticks(b, 256) != n)
		return (0);
	for (i = 1; i < n; ++i)
		if (b[i] - a[i] > b[best] - a[best])
			best = i;
	return (best);
}

static int
perf_open(uint32_t type, uint64_t config)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	a.inherit = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return ((int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

static uint64_t
perf_read(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return (0);
	return (v);
}

/*
 * dTLB read misses and cache misses per switch, for threads and
 * processes touching 256 pages (both parties, user mode); -1 and why
 * when the system refuses.
 */
int
dfctx_counters(const struct dfctx_options *o, char *why, size_t len)
{
	static const char *const kinds[] = { "thread", "process" };
	struct dfctx_touch t = { 256, 256, DFCTX_PAGE };
	const long rounds = 2000;
	double switches;
	uint64_t tlb, miss;
	int fd[2], k;

	(void)o;
	fd[0] = perf_open(PERF_TYPE_HW_CACHE, PERF_COUNT_HW_CACHE_DTLB |
	    PERF_COUNT_HW_CACHE_OP_READ << 8 |
	    PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	if (fd[0] < 0) {
		snprintf(why, len, "perf_event_open(dTLB read misses): %s",
		    strerror(errno));
		return (-1);
	}
	fd[1] = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES);
	if (fd[1] < 0) {
		snprintf(why, len, "perf_event_open(cache misses): %s",
		    strerror(errno));
		close(fd[0]);
		return (-1);
	}
	/* Every switch of a run, its warming up included. */
	switches = 2.0 * (rounds + rounds / 10 + 2);
	for (k = 0; k < 2; ++k) {
		ioctl(fd[0], PERF_EVENT_IOC_RESET, 0);
		ioctl(fd[1], PERF_EVENT_IOC_RESET, 0);
		ioctl(fd[0], PERF_EVENT_IOC_ENABLE, 0);
		ioctl(fd[1], PERF_EVENT_IOC_ENABLE, 0);
		if (dfctx_switch_run(k == 0 ? DFCTX_THREAD : DFCTX_PROCESS, &t,
		    rounds) < 0)
			break;
		ioctl(fd[0], PERF_EVENT_IOC_DISABLE, 0);
		ioctl(fd[1], PERF_EVENT_IOC_DISABLE, 0);
		tlb = perf_read(fd[0]);
		miss = perf_read(fd[1]);
		printf("counters, %s switch, 256 pages: %.1f dTLB read misses, "
		    "%.1f cache misses per switch (user mode)\n", kinds[k],
		    tlb / switches, miss / switches);
	}
	close(fd[0]);
	close(fd[1]);
	return (0);
}

#else /* !__linux__ */

int
dfctx_quiet_cpu(void)
{
	return (0);
}

int
dfctx_counters(const struct dfctx_options *o, char *why, size_t len)
{
	(void)o;
	snprintf(why, len, "no perf_event_open on this system");
	return (-1);
}

#endif /* __linux__ */
