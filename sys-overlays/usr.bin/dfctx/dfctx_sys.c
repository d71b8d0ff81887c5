/*
 * dfctx_sys.c: what the system tells about switches beyond time: the
 * hardware counters (Linux perf_event_open, where it is permitted) and
 * whether the CPU can keep TLB entries across an address-space change
 * (PCID).
 */

#define	_GNU_SOURCE

#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * Run at the highest priority the system grants (nice -20 for root), so
 * that other work on the CPU takes little of it; the threads and
 * processes made later inherit it.  What it got, in buf.
 */
const char *
dfctx_priority(char *buf, size_t len)
{
	if (setpriority(PRIO_PROCESS, 0, -20) == 0)
		snprintf(buf, len, "nice -20");
	else
		snprintf(buf, len, "nice %d (nice -20: %s)",
		    getpriority(PRIO_PROCESS, 0), strerror(errno));
	return (buf);
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

/* Add a level to mc; the caller fills in its source. */
static struct dfctx_level *
add_level(struct dfctx_machine *mc, const char *name, enum dfctx_unit unit,
    double entries)
{
	struct dfctx_level *l;

	if (mc->n >= DFCTX_LEVELS)
		return (NULL);
	l = &mc->level[mc->n++];
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->unit = unit;
	l->entries = entries;
	l->source[0] = '\0';
	return (l);
}

/*
 * The data TLBs for 4 KiB pages from CPUID leaf 0x18 (one subleaf per
 * TLB: type in EDX[4:0], 1 data, 3 unified; level in EDX[7:5]; 4 KiB
 * pages in EBX[0]; ways in EBX[31:16] and sets in ECX), else from the
 * descriptor bytes of leaf 2 that name one.  Entries by level: tlb[1]
 * the first level, tlb[2] the second; 0 where CPUID says nothing.
 */
static const struct {
	unsigned char	desc;
	unsigned char	level;
	unsigned short	entries;
} leaf2_tlbs[] = {
	{ 0x03, 1, 64 }, { 0x5b, 1, 64 }, { 0x5c, 1, 128 }, { 0x5d, 1, 256 },
	{ 0xb3, 1, 128 }, { 0xb4, 1, 256 }, { 0xba, 1, 64 }, { 0xc0, 1, 8 },
	{ 0xc1, 2, 1024 }, { 0xc3, 2, 1536 }, { 0xca, 2, 512 }
};

static const char *
cpuid_tlbs(double tlb[3])
{
	unsigned int r[4], max, sub, nsub, type, level, i, j, b;
	const char *from = NULL;

	tlb[0] = tlb[1] = tlb[2] = 0;
	cpuid(0, 0, r);
	max = r[0];
	if (max >= 0x18) {
		cpuid(0x18, 0, r);
		nsub = r[0];
		for (sub = 0; sub <= nsub && sub < 64; ++sub) {
			cpuid(0x18, sub, r);
			type = r[3] & 0x1f;
			level = (r[3] >> 5) & 7;
			if ((type != 1 && type != 3) || (r[1] & 1) == 0 ||
			    level < 1 || level > 2)
				continue;
			tlb[level] += (double)(r[1] >> 16) * r[2];
			from = "cpuid 0x18";
		}
	}
	if (from == NULL && max >= 2) {
		cpuid(2, 0, r);
		for (i = 0; i < 4; ++i) {
			/* A register with bit 31 set holds no descriptors. */
			if (r[i] & 0x80000000u)
				continue;
			for (b = i == 0 ? 1 : 0; b < 4; ++b)
				for (j = 0; j < sizeof(leaf2_tlbs) /
				    sizeof(leaf2_tlbs[0]); ++j)
					if (((r[i] >> (8 * b)) & 0xff) ==
					    leaf2_tlbs[j].desc) {
						tlb[leaf2_tlbs[j].level] =
						    leaf2_tlbs[j].entries;
						from = "cpuid 2";
					}
		}
	}
	return (from);
}

/* "48K", "2048K", "32M" as bytes; 0 if it is none of those. */
static double
size_of(const char *s)
{
	char unit = '\0';
	double v;

	if (sscanf(s, "%lf%c", &v, &unit) < 1)
		return (0);
	return (unit == 'K' ? v * 1024 : unit == 'M' ? v * 1048576 :
	    unit == 'G' ? v * 1073741824.0 : v);
}

/* The value of sysfs file dir/name, in buf; 0 or -1. */
static int
sysfs_read(const char *dir, const char *name, char *buf, size_t len)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		return (-1);
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return (-1);
	buf[strcspn(buf, "\n")] = '\0';
	return (0);
}

/*
 * Without sysfs, the data and unified caches of CPUID leaf 4 (Intel):
 * type in EAX[4:0] (1 data, 3 unified, 0 the end), level in EAX[7:5],
 * ways, partitions and line size less one in EBX, sets less one in ECX.
 */
static void
cpuid_caches(struct dfctx_machine *mc)
{
	unsigned int r[4], sub, type, level;
	struct dfctx_level *l;
	char name[16];
	double size;

	cpuid(0, 0, r);
	if (r[0] < 4)
		return;
	for (sub = 0; sub < 16; ++sub) {
		cpuid(4, sub, r);
		type = r[0] & 0x1f;
		if (type == 0)
			break;
		if (type == 2)
			continue;
		level = (r[0] >> 5) & 7;
		size = (double)((r[1] >> 22) + 1) * (((r[1] >> 12) & 0x3ff) +
		    1) * ((r[1] & 0xfff) + 1) * ((double)r[2] + 1);
		snprintf(name, sizeof(name), level == 1 ? "L%ud" : "L%u",
		    level);
		l = add_level(mc, name, DFCTX_LINES, size / DFCTX_LINE);
		if (l != NULL)
			snprintf(l->source, sizeof(l->source), "cpuid 4");
	}
}

/*
 * The TLB and cache levels of the CPU dfctx runs on: the data TLBs from
 * CPUID (found from the sweep where it says nothing: entries 0, source
 * "sweep"), the data and unified caches from sysfs.
 */
void
dfctx_machine(struct dfctx_machine *mc, int cpu)
{
	static const char *const tlb_names[2][3] = {
		{ "", "dTLB", "STLB" },		/* as CPUID names them */
		{ "", "TLB1", "TLB2" }		/* found from the sweep */
	};
	char dir[256], buf[64], name[16];
	struct dfctx_level *l;
	const char *from;
	double tlb[3];
	int i, level;

	memset(mc, 0, sizeof(*mc));
	from = cpuid_tlbs(tlb);
	for (i = 1; i <= 2; ++i) {
		l = add_level(mc, tlb_names[tlb[i] > 0 ? 0 : 1][i], DFCTX_PAGES,
		    tlb[i]);
		snprintf(l->source, sizeof(l->source), "%s",
		    tlb[i] > 0 ? from : "sweep");
	}
	for (i = 0; i < 8; ++i) {
		snprintf(dir, sizeof(dir),
		    "/sys/devices/system/cpu/cpu%d/cache/index%d", cpu, i);
		if (sysfs_read(dir, "type", buf, sizeof(buf)) != 0)
			break;
		if (strcmp(buf, "Instruction") == 0)
			continue;
		if (sysfs_read(dir, "level", buf, sizeof(buf)) != 0)
			continue;
		level = atoi(buf);
		if (sysfs_read(dir, "size", buf, sizeof(buf)) != 0 ||
		    size_of(buf) <= 0)
			continue;
		snprintf(name, sizeof(name), level == 1 ? "L%dd" : "L%d",
		    level);
		l = add_level(mc, name, DFCTX_LINES, size_of(buf) / DFCTX_LINE);
		if (l != NULL)
			snprintf(l->source, sizeof(l->source), "sysfs");
	}
	if (mc->n == 2)
		cpuid_caches(mc);
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
	switches = 2.0 * (rounds + DFCTX_WARM);
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
