/*
 * probe_cost.S: functions that expand one probe of ctxsw.def each, and
 * the same function without it, for probe_cost.c to time.
 */

#include "ctxsw_asm.h"

	.text
	.globl	bench_empty, bench_heavy_switch, bench_lwkt_restore

bench_empty:
	ret

bench_heavy_switch:
	CTXSW_ASM_HEAVY_SWITCH
	ret

bench_lwkt_restore:
	CTXSW_ASM_LWKT_RESTORE
	ret

	.section .note.GNU-stack, "", @progbits
