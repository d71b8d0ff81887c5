/*
 * xvm_bench: the 64-bit VM of xvm.def, beside the same work in cBPF
 * measured in this run: ns per instruction on long straight-line
 * programs (arithmetic; stack or scratch traffic), and the verifier's
 * time for 4096 instructions, where xvm's follows what every register
 * holds along every path and cBPF's checks each instruction alone.
 *
 *	xvm_bench
 */

#define	_POSIX_C_SOURCE	199309L	/* clock_gettime() */

#include <stdio.h>
#include <stdlib.h>

#include "timing.h"
#include "vmtest.h"
#include "xvm.h"

#define	ROUNDS	2000

static volatile uint64_t sink;

/* 4096 xvm instructions: arithmetic, or stack traffic, then exit. */
static void
xvm_straight(struct xvm_insn *p, size_t len, int memory)
{
	static const struct xvm_insn alu[] = {
		XVM_INSN(XVM_ALU | XVM_ADD | XVM_K, 0, 0, 0, 3),
		XVM_INSN(XVM_ALU | XVM_XOR | XVM_X, 0, 1, 0, 0),
		XVM_INSN(XVM_ALU | XVM_LSH | XVM_K, 0, 0, 0, 1),
		XVM_INSN(XVM_ALU | XVM_MOV | XVM_X, 1, 0, 0, 0),
		XVM_INSN(XVM_ALU | XVM_AND | XVM_K, 0, 0, 0, 0xffff),
		XVM_INSN(XVM_ALU | XVM_SUB | XVM_X, 0, 1, 0, 0),
		XVM_INSN(XVM_ALU | XVM_RSH | XVM_K, 0, 0, 0, 2),
		XVM_INSN(XVM_ALU | XVM_OR | XVM_K, 0, 0, 0, 0x10),
	};
	static const struct xvm_insn mem[] = {
		XVM_INSN(XVM_LD | XVM_H | XVM_ABS, 0, 0, 0, 12),
		XVM_INSN(XVM_ALU | XVM_AND | XVM_K, 0, 0, 0, 15),
		XVM_INSN(XVM_STX | XVM_DW, 10, 0, 0, 24),
		XVM_INSN(XVM_LDX | XVM_DW, 1, 10, 0, 24),
		XVM_INSN(XVM_LD | XVM_B | XVM_IND, 2, 1, 0, 9),
		XVM_INSN(XVM_ALU | XVM_ADD | XVM_X, 0, 1, 0, 0),
		XVM_INSN(XVM_ALU | XVM_XOR | XVM_K, 0, 0, 0, 0x55),
		XVM_INSN(XVM_LD | XVM_W | XVM_ABS, 0, 0, 0, 26),
	};
	size_t i;

	for (i = 0; i < len - 1; i++)
		p[i] = memory ? mem[i % 8] : alu[i % 8];
	p[len - 1] = (struct xvm_insn)XVM_INSN(XVM_EXIT, 0, 0, 0, 0);
}

int
main(void)
{
	static struct xvm_insn xp[XVM_MAX_INSNS];
	static struct cbpf_insn cp[CBPF_MAX_INSNS];
	static struct xvm_vstate work[XVM_MAX_INSNS];
	struct xvm_prog *xprog;
	struct cbpf_prog *cprog;
	uint8_t pkt[64];
	double runs[2][RUNS], t0;
	size_t len, at, i;
	int memory, run, k;

	len = XVM_MAX_INSNS;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	xprog = malloc(XVM_PROG_SIZE(len));
	cprog = malloc(CBPF_PROG_SIZE(len));
	printf("%-30s %8s %8s\n", "ns per instruction", "xvm", "cbpf");
	for (memory = 0; memory < 2; memory++) {
		xvm_straight(xp, len, memory);
		vmtest_straight(cp, len, memory);
		if (xvm_load(xprog, xp, len, work, &at) != 0 ||
		    cbpf_load(cprog, cp, len, &at) != 0)
			return (1);
		for (run = 0; run < RUNS; run++) {
			t0 = now_ns();
			for (k = 0; k < ROUNDS; k++)
				sink += xvm_run(xprog, pkt, 64, 64);
			runs[0][run] = (now_ns() - t0) / ROUNDS / len;
			t0 = now_ns();
			for (k = 0; k < ROUNDS; k++)
				sink += cbpf_run(cprog, pkt, 64, 64);
			runs[1][run] = (now_ns() - t0) / ROUNDS / len;
		}
		printf("%-30s %8.3f %8.3f\n", memory ?
		    "4096 loads, stores, ALU" : "4096 ALU and moves",
		    fastest(runs[0]), fastest(runs[1]));
	}
	for (run = 0; run < RUNS; run++) {
		t0 = now_ns();
		for (k = 0; k < ROUNDS; k++)
			sink += xvm_verify(xp, len, work, &at);
		runs[0][run] = (now_ns() - t0) / ROUNDS;
		t0 = now_ns();
		for (k = 0; k < ROUNDS; k++)
			sink += cbpf_verify(cp, len, &at);
		runs[1][run] = (now_ns() - t0) / ROUNDS;
	}
	printf("%-30s %8.2f %8.2f\n", "us to verify 4096 of them",
	    fastest(runs[0]) / 1000, fastest(runs[1]) / 1000);
	free(xprog);
	free(cprog);
	return (0);
}
