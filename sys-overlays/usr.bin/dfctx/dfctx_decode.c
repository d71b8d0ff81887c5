/*
 * dfctx_decode.c: `dfctx decode FILE` prints a dump of the kernel's
 * context-switch probes (sysctl -b debug.ctxsw.dump > FILE), read
 * through the decoder dfgen generates from ctxsw.def: per CPU, the hits
 * of every probe, the histograms, the records oldest first, each with
 * the cycles since the record before it, and the mean cycles of every
 * step from one probe to the next: the parts of a switch.
 */

#define	_POSIX_C_SOURCE	200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxsw.h"
#include "dfctx.h"

static void
print_cpu(const struct ctxsw_view *v, unsigned int cpu)
{
	struct ctxsw_stats s;
	struct ctxsw_record r;
	struct {
		uint64_t	count;
		uint64_t	cycles;
	} steps[CTXSW_NPROBES][CTXSW_NPROBES];
	uint64_t prev = 0;
	uint32_t last = 0;
	size_t i, n;
	int p, h, b, c;

	ctxsw_view_stats(v, cpu, &s);
	n = ctxsw_view_count(v, cpu);
	printf("cpu %u: %llu records written, %zu kept\n", cpu,
	    (unsigned long long)s.cs_head, n);
	for (p = 0; p < CTXSW_NPROBES; ++p)
		printf("  %-14s %llu hits\n", ctxsw_probe_name(p),
		    (unsigned long long)s.cs_hits[p]);
	for (h = 0; h < CTXSW_NHIST; ++h) {
		printf("  histogram %s (cycles):", ctxsw_hist_name(h));
		for (b = 0; b < CTXSW_NBUCKETS; ++b)
			if (s.cs_hist[h][b] != 0)
				printf(" %s2^%d: %llu", b == CTXSW_NBUCKETS - 1 ?
				    ">=" : "", b,
				    (unsigned long long)s.cs_hist[h][b]);
		printf("\n");
	}
	memset(steps, 0, sizeof(steps));
	for (i = 0; i < n; ++i) {
		ctxsw_view_record(v, cpu, i, &r);
		if (i > 0 && last < CTXSW_NPROBES && r.cr_point < CTXSW_NPROBES &&
		    r.cr_tsc >= prev) {
			steps[last][r.cr_point].count++;
			steps[last][r.cr_point].cycles += r.cr_tsc - prev;
		}
		last = r.cr_point;
		printf("  %6zu %-14s tsc %llu", i, ctxsw_probe_name(r.cr_point),
		    (unsigned long long)r.cr_tsc);
		if (i > 0)
			printf(" (%+lld)", (long long)(r.cr_tsc - prev));
		printf(" cpu %u thread %#llx", r.cr_cpu,
		    (unsigned long long)r.cr_thread);
		if (r.cr_peer != 0)
			printf(" peer %#llx", (unsigned long long)r.cr_peer);
		for (c = 0; c < CTXSW_NCOUNTERS; ++c)
			if (r.cr_counter[c] != 0)
				printf(" %s %llu", ctxsw_counter_name(c),
				    (unsigned long long)r.cr_counter[c]);
		printf("\n");
		prev = r.cr_tsc;
	}
	printf("  steps (from one record to the next: count, mean cycles):\n");
	for (p = 0; p < CTXSW_NPROBES; ++p)
		for (b = 0; b < CTXSW_NPROBES; ++b)
			if (steps[p][b].count != 0)
				printf("    %-14s -> %-14s %6llu %10.1f\n",
				    ctxsw_probe_name(p), ctxsw_probe_name(b),
				    (unsigned long long)steps[p][b].count,
				    (double)steps[p][b].cycles /
				    steps[p][b].count);
}

int
dfctx_decode_file(const char *path)
{
	struct ctxsw_view v;
	unsigned char *buf, *more;
	const char *why;
	size_t len, cap;
	unsigned int cpu;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "dfctx: %s: %s\n", path, strerror(errno));
		return (1);
	}
	cap = 1 << 16;
	len = 0;
	buf = malloc(cap);
	while (buf != NULL) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		cap *= 2;
		more = realloc(buf, cap);
		if (more == NULL)
			free(buf);
		buf = more;
	}
	if (buf == NULL || ferror(f)) {
		fprintf(stderr, "dfctx: %s: cannot read it\n", path);
		fclose(f);
		free(buf);
		return (1);
	}
	fclose(f);
	why = ctxsw_decode(buf, len, &v);
	if (why != NULL) {
		fprintf(stderr, "dfctx: %s: %s\n", path, why);
		free(buf);
		return (1);
	}
	printf("%s: %u CPUs, %u records each\n", path, v.v_header.dh_ncpus,
	    v.v_header.dh_records);
	for (cpu = 0; cpu < v.v_header.dh_ncpus; ++cpu)
		print_cpu(&v, cpu);
	free(buf);
	return (0);
}
