/*
 * System call switch table.
 *
 * DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
 *               by running make sysent in the same directory.
 */

#include <sys/param.h>
#include <sys/sysent.h>
  #include "leading_blank.h"
#include <sys/sysproto.h>

#define AS(name) ((sizeof(struct name) - sizeof(struct sysmsg)) / sizeof(register_t))

/* The casts are bogus but will do for now. */
struct sysent sysent[] = {
# include <sys/spaced.h>
	{ 0, (sy_call_t *)sys_nosys },			/* 0 = syscall */
	{ AS(exit_args), (sy_call_t *)sys_exit },	/* 1 = exit */
	{ AS(read_args), (sy_call_t *)sys_read },	/* 2 = read */
	{ AS(open_args), (sy_call_t *)sys_open },	/* 3 = open */
	{ AS(wait_args), (sy_call_t *)sys_wait4 },	/* 4 = wait4 */
	{ 0, (sy_call_t *)sys_nosys },			/* 5 = obsolete old creat */
	{ 0, (sy_call_t *)sys_nosys },			/* 6 = obsolete old */
	{ 0, (sy_call_t *)sys_nosys },			/* 7 = nosys */
	{ 0, (sy_call_t *)sys_nosys },			/* 8 = reserved */
	{ 0, (sy_call_t *)sys_getpid },			/* 9 = getpid */
	{ AS(lchown_args), (sy_call_t *)sys_lchown },	/* 10 = netbsd_lchown */
	{ AS(nfssvc_args), (sy_call_t *)sys_nosys },	/* 11 = nfssvc */
	{ 0, (sy_call_t *)sys_nosys },			/* 12 = nosys */
	{ AS(nosys_args), (sy_call_t *)sys_lkmnosys },	/* 13 = lkmnosys */
	{ AS(nosys_args), (sy_call_t *)sys_lkmnosys },	/* 14 = lkmnosys */
	{ 0, (sy_call_t *)sys_lkmressys },		/* 15 = lkmressys */
	{ 0, (sy_call_t *)sys_sync },			/* 16 = sync */
	{ AS(mmap_args), (sy_call_t *)sys_mmap },	/* 17 = mmap */
	{ AS(execve_args), (sy_call_t *)sys_execve },	/* 18 = execve */
	{ AS(sysctl_args), (sy_call_t *)sys___sysctl },	/* 19 = __sysctl */
#ifdef COMPAT_OLD
	{ AS(oldcall_args), (sy_call_t *)sys_oldcall },	/* 20 = oldcall */
	{ 0, (sy_call_t *)sys_nosys },			/* 21 = obsolete gone */
#else
	{ AS(newcall_args), (sy_call_t *)sys_newcall },	/* 20 = newcall */
#endif
	{ AS(dollar_args), (sy_call_t *)sys_dollar },	/* 21 = dollar */
#if 0
	{ 0, (sy_call_t *)sys_nosys },			/* 22 = never */
#endif
  #if LEADING
	{ 0, (sy_call_t *)sys_getppid },		/* 23 = getppid */
  #endif
#define	NOT_A_CONDITIONAL 1 	+ $CONTINUED$
	{ AS(lwp_create_args), (sy_call_t *)sys_lwp_create },	/* 24 = lwp_create */
	{ AS(pread_args), (sy_call_t *)sys_pread },	/* 25 = pread */
};
