/*
 * bench_versions: ns per decode of a versioned record, generated from
 * versioned.def, beside memcpy and a decoder written here that makes
 * the same checks and fills the same defaults: newest-version data, and
 * oldest-version data whose new fields take their defaults.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "versioned.h"

#define	ESCAPE(p)	__asm__ __volatile__("" : : "g"(p) : "memory")

static uint8_t v3[64], v1[32];
static struct label out;

static int
hand_decode(struct label *l, const uint8_t *p, size_t len)
{
	size_t n;

	if (len < 32)
		return (DFS_ESHORT);
	l->version = dfs_get16(p + 4, DFS_SWAP_LITTLE);
	n = l->version >= 3 ? 64 : l->version >= 2 ? 48 : 32;
	if (len < n)
		return (DFS_ESHORT);
	l->magic = dfs_get32(p, DFS_SWAP_LITTLE);
	l->flags = dfs_get16(p + 6, DFS_SWAP_LITTLE);
	l->id = dfs_get64(p + 8, DFS_SWAP_LITTLE);
	l->created = dfs_get64(p + 16, DFS_SWAP_LITTLE);
	l->size = dfs_get64(p + 24, DFS_SWAP_LITTLE);
	if (n >= 48) {
		l->generation = dfs_get64(p + 32, DFS_SWAP_LITTLE);
		l->blocksize = dfs_get32(p + 40, DFS_SWAP_LITTLE);
		l->reserved_v2 = dfs_get32(p + 44, DFS_SWAP_LITTLE);
	} else {
		l->generation = 1;
		l->blocksize = 4096;
		l->reserved_v2 = 0;
	}
	if (n >= 64) {
		l->quota = dfs_get64(p + 48, DFS_SWAP_LITTLE);
		l->used = dfs_get64(p + 56, DFS_SWAP_LITTLE);
	} else {
		l->quota = 0;
		l->used = 0;
	}
	if (l->magic != 0x4c41424c)
		return (DFS_EMAGIC);
	if (l->version < 1 || l->version > 3)
		return (DFS_ERANGE);
	return (0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

#define	TIME(var, expr) do {						\
	double t_;							\
	unsigned long i_;						\
	int r_;								\
									\
	var = 1e30;							\
	for (r_ = 0; r_ < 5; r_++) {					\
		t_ = now();						\
		for (i_ = 0; i_ < n; i_++) {				\
			if ((expr) != 0)				\
				abort();				\
			ESCAPE(&out);					\
		}							\
		t_ = (now() - t_) / (double)n;				\
		if (t_ < var)						\
			var = t_;					\
	}								\
} while (0)

static int
copy(void *d, const void *s, size_t len)
{
	memcpy(d, s, len);
	return (0);
}

int
main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct label a, b;
	double gen3, hand3, mem3, gen1, hand1, mem1;
	int i;

	for (i = 0; i < 64; i++)
		v3[i] = (uint8_t)(i * 7 + 3);
	dfs_put32(v3, 0x4c41424c, DFS_SWAP_LITTLE);
	dfs_put16(v3 + 4, 3, DFS_SWAP_LITTLE);
	memcpy(v1, v3, 32);
	dfs_put16(v1 + 4, 1, DFS_SWAP_LITTLE);

	/* Both decoders agree before anything is timed. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (label_decode(&a, v3, 64, NULL) != 0 || hand_decode(&b, v3, 64) ||
	    memcmp(&a, &b, sizeof(a)) != 0 ||
	    label_decode(&a, v1, 32, NULL) != 0 || hand_decode(&b, v1, 32) ||
	    memcmp(&a, &b, sizeof(a)) != 0) {
		fprintf(stderr, "bench_versions: the decoders disagree\n");
		return (1);
	}

	TIME(gen3, label_decode(&out, v3, 64, NULL));
	TIME(hand3, hand_decode(&out, v3, 64));
	TIME(mem3, copy(&out, v3, 64));
	TIME(gen1, label_decode(&out, v1, 32, NULL));
	TIME(hand1, hand_decode(&out, v1, 32));
	TIME(mem1, copy(&out, v1, 32));
	printf("versioned record decode, ns/op     gen   hand  memcpy  g/hand  g/mem\n");
	printf("  newest version (64 B)        %7.1f%7.1f%8.1f%8.2f%7.2f\n",
	    gen3, hand3, mem3, gen3 / hand3, gen3 / mem3);
	printf("  oldest version (32 B)        %7.1f%7.1f%8.1f%8.2f%7.2f\n",
	    gen1, hand1, mem1, gen1 / hand1, gen1 / mem1);
	return (0);
}
