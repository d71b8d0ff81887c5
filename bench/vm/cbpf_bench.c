/*
 * cbpf_bench: the generated cBPF interpreter and verifier against their
 * baselines, all measured in this run: libpcap's bpf_filter() and
 * bpf_validate(), the same filters written by hand in C, and in Lua 5.4.
 *
 *	cbpf_bench FILTERS.lua [PACKETS [ROUNDS]]
 *	cbpf_bench -i
 *
 * Prints ns per packet for typical filters (pcap_compile(), optimised),
 * from a buffer and from a chain of mbufs (the first holding 64 bytes,
 * an empty one, the rest), ns per instruction on long straight-line
 * programs, and the verifier's time for 4096 instructions beside the
 * least any verifier of the same rules takes here.  With -i, only ns
 * per instruction.  Each figure is the fastest of RUNS (timing.h) runs.
 * Every implementation's verdicts are checked against libpcap's first.
 */

#define	_DEFAULT_SOURCE		/* pcap.h uses u_int and u_char */

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"
#include "vmchain.h"
#include "vmtest.h"
#include "vmtest_pcap.h"

#define	SNAP	65535
#define	SPLIT	64	/* bytes in the first mbuf of a chain */
static volatile uint32_t sink;

/* -- the filters, by hand ----------------------------------------------- */

static int
ld8(const uint8_t *p, uint32_t len, uint32_t off, uint32_t *v)
{
	if (off >= len)
		return (0);
	*v = p[off];
	return (1);
}

static int
ld16(const uint8_t *p, uint32_t len, uint32_t off, uint32_t *v)
{
	if (len < 2 || off > len - 2)
		return (0);
	*v = (uint32_t)p[off] << 8 | p[off + 1];
	return (1);
}

static int
ld32(const uint8_t *p, uint32_t len, uint32_t off, uint32_t *v)
{
	if (len < 4 || off > len - 4)
		return (0);
	*v = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
	    (uint32_t)p[off + 2] << 8 | p[off + 3];
	return (1);
}

static uint32_t
port(const uint8_t *p, uint32_t len, uint32_t proto, uint32_t want)
{
	uint32_t v, x;

	if (!ld16(p, len, 12, &v))
		return (0);
	if (v == 0x86dd) {
		if (!ld8(p, len, 20, &v) || v != proto ||
		    !ld16(p, len, 54, &v))
			return (0);
		if (v == want)
			return (SNAP);
		return (ld16(p, len, 56, &v) && v == want ? SNAP : 0);
	}
	if (v != 0x800 || !ld8(p, len, 23, &v) || v != proto ||
	    !ld16(p, len, 20, &v) || (v & 0x1fff) != 0 ||
	    !ld8(p, len, 14, &v))
		return (0);
	x = (v & 0xf) << 2;
	if (!ld16(p, len, x + 14, &v))
		return (0);
	if (v == want)
		return (SNAP);
	return (ld16(p, len, x + 16, &v) && v == want ? SNAP : 0);
}

static uint32_t
addr(const uint8_t *p, uint32_t len, uint32_t mask, uint32_t want)
{
	uint32_t v, a, b;

	if (!ld16(p, len, 12, &v))
		return (0);
	if (v == 0x800) {
		a = 26;
		b = 30;
	} else if (v == 0x806 || v == 0x8035) {
		a = 28;
		b = 38;
	} else {
		return (0);
	}
	if (!ld32(p, len, a, &v))
		return (0);
	if ((v & mask) == want)
		return (SNAP);
	return (ld32(p, len, b, &v) && (v & mask) == want ? SNAP : 0);
}

static uint32_t
syn(const uint8_t *p, uint32_t len)
{
	uint32_t v;

	if (!ld16(p, len, 12, &v) || v != 0x800 || !ld8(p, len, 23, &v) ||
	    v != 6 || !ld16(p, len, 20, &v) || (v & 0x1fff) != 0 ||
	    !ld8(p, len, 14, &v) ||
	    !ld8(p, len, ((v & 0xf) << 2) + 27, &v))
		return (0);
	return (v & 2 ? SNAP : 0);
}

static uint32_t
native(int f, const uint8_t *p, uint32_t len)
{
	uint32_t v;

	switch (f) {
	case 0:
		return (port(p, len, 6, 80));
	case 1:
		return (addr(p, len, 0xffffffff, 0xc0a8010a));
	case 2:
		return (port(p, len, 17, 53));
	case 3:
		return (syn(p, len));
	case 4:
		return (addr(p, len, 0xff000000, 0x0a000000));
	default:
		return (ld16(p, len, 12, &v) && v == 0x806 ? SNAP : 0);
	}
}

static const char *const filters[] = {
	"tcp port 80", "host 192.168.1.10", "udp port 53",
	"tcp[tcpflags] & tcp-syn != 0", "net 10.0.0.0/8", "arp",
};
#define	NFILTERS	(int)(sizeof(filters) / sizeof(filters[0]))

/* -- per packet --------------------------------------------------------- */

struct set {
	struct vmtest_packet	*pks;
	struct mbuf		(*chains)[3];	/* the same as mbuf chains */
	int			 n;
	int			 rounds;
};

#define	TIME(total, set, expr) do {					\
	double t0_, runs_[RUNS];					\
	int r_, i_, j_;							\
	for (r_ = 0; r_ < RUNS; r_++) {					\
		(total) = 0;						\
		t0_ = now_ns();						\
		for (j_ = 0; j_ < (set)->rounds; j_++)			\
			for (i_ = 0; i_ < (set)->n; i_++) {		\
				const struct vmtest_packet *pk =	\
				    &(set)->pks[i_];			\
				(total) += (expr) != 0;			\
			}						\
		runs_[r_] = (now_ns() - t0_) /				\
		    ((double)(set)->rounds * (set)->n);			\
	}								\
	sink = (uint32_t)(total);					\
	ns = fastest(runs_);						\
} while (0)

static double
lua_ns(lua_State *L, const char *filter, const struct set *s,
    unsigned long *kept)
{
	double runs[RUNS], t0;
	int r;

	for (r = 0; r < RUNS; r++) {
		lua_getglobal(L, "run");
		lua_pushstring(L, filter);
		lua_getglobal(L, "packets");
		lua_pushinteger(L, s->rounds);
		t0 = now_ns();
		if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
			fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
			exit(1);
		}
		runs[r] = (now_ns() - t0) / ((double)s->rounds * s->n);
		*kept = (unsigned long)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	return (fastest(runs));
}

static void
per_packet(const char *luafile, const struct set *s)
{
	struct bpf_program bp;
	struct cbpf_prog *prog;
	struct cbpf_insn *p;
	lua_State *L;
	pcap_t *pd;
	unsigned long mine, chained, theirs, hand, script;
	double ns, t_mine, t_chain, t_theirs, t_hand, t_lua, sum[5];
	size_t at;
	int f, i;

	L = luaL_newstate();
	luaL_openlibs(L);
	if (luaL_dofile(L, luafile) != LUA_OK) {
		fprintf(stderr, "%s\n", lua_tostring(L, -1));
		exit(1);
	}
	lua_createtable(L, s->n, 0);
	for (i = 0; i < s->n; i++) {
		lua_pushlstring(L, (const char *)s->pks[i].bytes,
		    s->pks[i].buflen);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "packets");

	pd = pcap_open_dead(DLT_EN10MB, SNAP);
	printf("%-30s %6s %8s %8s %8s %8s %8s %7s\n", "ns per packet",
	    "insns", "cbpf", "mbufs", "libpcap", "native", "lua", "kept");
	memset(sum, 0, sizeof(sum));
	for (f = 0; f < NFILTERS; f++) {
		if (pcap_compile(pd, &bp, filters[f], 1,
		    PCAP_NETMASK_UNKNOWN) < 0)
			exit(1);
		p = malloc(bp.bf_len * sizeof(*p));
		VMTEST_COPY(p, bp.bf_insns, bp.bf_len);
		prog = malloc(CBPF_PROG_SIZE(bp.bf_len));
		if (cbpf_load(prog, p, bp.bf_len, &at) != 0)
			exit(1);
		TIME(mine, s, cbpf_run(prog, pk->bytes, pk->wirelen,
		    pk->buflen));
		t_mine = ns;
		TIME(chained, s, cbpf_run_mbuf(prog, s->chains[pk - s->pks],
		    pk->wirelen));
		t_chain = ns;
		TIME(theirs, s, bpf_filter(bp.bf_insns, pk->bytes,
		    pk->wirelen, pk->buflen));
		t_theirs = ns;
		TIME(hand, s, native(f, pk->bytes, pk->buflen));
		t_hand = ns;
		t_lua = lua_ns(L, filters[f], s, &script);
		if (mine != theirs || chained != theirs || hand != theirs ||
		    script != theirs) {
			printf("%s: kept cbpf %lu, from mbufs %lu, libpcap %lu, "
			    "native %lu, lua %lu\n", filters[f], mine, chained,
			    theirs, hand, script);
			exit(1);
		}
		printf("%-30s %6u %8.2f %8.2f %8.2f %8.2f %8.2f %6.1f%%\n",
		    filters[f], bp.bf_len, t_mine, t_chain, t_theirs, t_hand,
		    t_lua, 100.0 * theirs / ((double)s->n * s->rounds));
		sum[0] += t_mine;
		sum[1] += t_theirs;
		sum[2] += t_hand;
		sum[3] += t_lua;
		sum[4] += t_chain;
		free(prog);
		free(p);
		pcap_freecode(&bp);
	}
	printf("%-30s %6s %8.2f %8.2f %8.2f %8.2f %8.2f\n", "mean", "",
	    sum[0] / NFILTERS, sum[4] / NFILTERS, sum[1] / NFILTERS,
	    sum[2] / NFILTERS, sum[3] / NFILTERS);
	printf("cbpf is %.1fx libpcap's speed, %.1fx Lua's; native C is "
	    "%.1fx cbpf's\n", sum[1] / sum[0], sum[3] / sum[0],
	    sum[0] / sum[2]);
	pcap_close(pd);
	lua_close(L);
}

/* -- per instruction ---------------------------------------------------- */

static void
per_insn(void)
{
	struct cbpf_insn p[CBPF_MAX_INSNS];
	struct bpf_insn bp[CBPF_MAX_INSNS];
	struct cbpf_prog *prog;
	struct vmtest_rng r;
	struct set one;
	unsigned long mine, theirs;
	double ns, t_mine;
	size_t at, len;
	int loads;

	/* Packets long enough for every load: no program ends early. */
	vmtest_seed(&r, 7);
	one.chains = NULL;
	one.n = 64;
	one.rounds = 4;
	one.pks = malloc(one.n * sizeof(*one.pks));
	for (loads = 0; loads < one.n;) {
		vmtest_packet(&r, &one.pks[loads]);
		loads += one.pks[loads].buflen >= 72;
	}
	len = CBPF_MAX_INSNS;
	prog = malloc(CBPF_PROG_SIZE(len));
	printf("\n%-30s %8s %8s\n", "ns per instruction", "cbpf", "libpcap");
	for (loads = 0; loads < 3; loads++) {
		vmtest_straight(p, len, loads == 1);
		/*
		 * Third, one instruction over and over: every branch of the
		 * dispatch predicted, what it costs at the least.
		 */
		for (at = 0; loads == 2 && at < len - 1; at++)
			p[at] = p[0];
		VMTEST_COPY(bp, p, len);
		if (cbpf_load(prog, p, len, &at) != 0)
			exit(1);
		TIME(mine, &one, cbpf_run(prog, pk->bytes, pk->wirelen,
		    pk->buflen));
		t_mine = ns;
		TIME(theirs, &one, bpf_filter(bp, pk->bytes, pk->wirelen,
		    pk->buflen));
		if (mine != theirs)
			exit(1);
		printf("%-30s %8.3f %8.3f\n", loads == 2 ?
		    "4096 times add #3" : loads ? "4096 loads, stores, ALU" :
		    "4096 ALU and moves", t_mine / len, ns / len);
	}
	free(one.pks);
	free(prog);
}

/* -- the verifier ------------------------------------------------------- */

/*
 * The least a verifier of bpf_validate()'s rules does: it reads the
 * opcode and k of every instruction (floor_read), and it looks each
 * opcode up among the valid ones (floor_lookup).  floor_lookup is the
 * cheapest such loop found here: one 8-byte load per instruction, its
 * low byte (the opcode's, on this little-endian machine) indexing a
 * table word that is added to it, the carries counted: four operations
 * and two loads.  It cannot express "k must not be 0", so no verifier
 * is made of it alone; what the words hold does not change the time.
 * The empty asm keeps the compiler from vectorising the loops, which a
 * kernel cannot do either.
 */
static uint64_t floor_table[256];

static uint64_t
floor_read(const struct cbpf_insn *p, size_t len)
{
	uint64_t a, b;
	size_t i;

	a = b = 0;
	for (i = 0; i + 4 <= len; i += 4) {
		a |= (uint64_t)p[i].k + p[i].code;
		b |= (uint64_t)p[i + 1].k + p[i + 1].code;
		a |= (uint64_t)p[i + 2].k + p[i + 2].code;
		b |= (uint64_t)p[i + 3].k + p[i + 3].code;
		__asm__ __volatile__("" : "+r" (a), "+r" (b));
	}
	return (a | b);
}

static uint64_t
floor_lookup(const struct cbpf_insn *p, size_t len)
{
	uint64_t a, b, w[4], sum;
	size_t i;

	a = b = 0;
	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(w, &p[i], sizeof(w));
		a += __builtin_add_overflow(w[0], floor_table[w[0] & 0xff],
		    &sum);
		b += __builtin_add_overflow(w[1], floor_table[w[1] & 0xff],
		    &sum);
		a += __builtin_add_overflow(w[2], floor_table[w[2] & 0xff],
		    &sum);
		b += __builtin_add_overflow(w[3], floor_table[w[3] & 0xff],
		    &sum);
		__asm__ __volatile__("" : "+r" (a), "+r" (b));
	}
	return (a | b);
}

static void
verifier(void)
{
	struct vmtest_rng r;
	struct cbpf_insn p[CBPF_MAX_INSNS];
	struct bpf_insn bp[CBPF_MAX_INSNS];
	struct cbpf_prog *prog;
	double runs[5][RUNS], t0;
	size_t at, len;
	int run, k, n;

	for (k = 0; k < 256; k++)
		floor_table[k] = (uint64_t)k << 32;
	/* A valid program of the longest length: random programs, joined. */
	vmtest_seed(&r, 99);
	for (len = 0; len < CBPF_MAX_INSNS - 64;)
		len += vmtest_program(&r, p + len, 64);
	while (len < CBPF_MAX_INSNS)
		p[len++] = (struct cbpf_insn)CBPF_INSN(CBPF_RET | CBPF_K, 0,
		    0, 0);
	VMTEST_COPY(bp, p, len);
	prog = malloc(CBPF_PROG_SIZE(len));
	if (cbpf_verify(p, len, &at) != 0 || !bpf_validate(bp, (int)len))
		exit(1);
	n = 400;
	for (run = 0; run < RUNS; run++) {
		t0 = now_ns();
		for (k = 0; k < n; k++)
			sink += cbpf_verify(p, len, &at);
		runs[0][run] = (now_ns() - t0) / n;
		t0 = now_ns();
		for (k = 0; k < n; k++)
			sink += cbpf_load(prog, p, len, &at);
		runs[1][run] = (now_ns() - t0) / n;
		t0 = now_ns();
		for (k = 0; k < n; k++)
			sink += bpf_validate(bp, (int)len);
		runs[2][run] = (now_ns() - t0) / n;
		t0 = now_ns();
		for (k = 0; k < n; k++)
			sink += floor_read(p, len);
		runs[3][run] = (now_ns() - t0) / n;
		t0 = now_ns();
		for (k = 0; k < n; k++)
			sink += floor_lookup(p, len);
		runs[4][run] = (now_ns() - t0) / n;
	}
	printf("\n%-30s %8s\n", "us per 4096 instructions", "");
	printf("%-30s %8.2f\n", "cbpf_verify", fastest(runs[0]) / 1000);
	printf("%-30s %8.2f\n", "cbpf_load (verify + decode)",
	    fastest(runs[1]) / 1000);
	printf("%-30s %8.2f\n", "libpcap bpf_validate", fastest(runs[2]) / 1000);
	printf("%-30s %8.2f\n", "floor: read code and k",
	    fastest(runs[3]) / 1000);
	printf("%-30s %8.2f\n", "floor: and look the code up",
	    fastest(runs[4]) / 1000);
	free(prog);
}

int
main(int argc, char **argv)
{
	struct vmtest_rng r;
	struct set s;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: cbpf_bench FILTERS.lua [PACKETS "
		    "[ROUNDS]]\n       cbpf_bench -i\n");
		return (2);
	}
	if (strcmp(argv[1], "-i") == 0) {
		per_insn();
		return (0);
	}
	s.n = argc > 2 ? atoi(argv[2]) : 4096;
	s.rounds = argc > 3 ? atoi(argv[3]) : 50;
	s.pks = malloc(s.n * sizeof(*s.pks));
	s.chains = malloc(s.n * sizeof(*s.chains));
	vmtest_seed(&r, 2026);
	for (i = 0; i < s.n; i++) {
		vmtest_packet(&r, &s.pks[i]);
		vmchain_make(s.chains[i], s.pks[i].bytes, s.pks[i].buflen,
		    s.pks[i].buflen < SPLIT ? s.pks[i].buflen : SPLIT);
	}
	per_packet(argv[1], &s);
	per_insn();
	verifier();
	for (i = 0; i < s.n; i++)
		vmchain_free(s.chains[i]);
	free(s.chains);
	free(s.pks);
	return (0);
}
