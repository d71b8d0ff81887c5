/*
 * System call numbers.
 *
 * DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
 *               by running make sysent in the same directory.
 */

#define	SYS_syscall	0
#define	SYS_exit	1
#define	SYS_read	2
#define	SYS_open	3
#define	SYS_wait4	4
				/* 5 is obsolete old creat */
				/* 6 is obsolete old */
#define	SYS_getpid	9
#define	SYS_netbsd_lchown	10
#define	SYS_nfssvc	11
#define	SYS_nosys	12
#define	SYS_lkmressys	15
#define	SYS_sync	16
#define	SYS_mmap	17
#define	SYS_execve	18
#define	SYS___sysctl	19
#define	SYS_oldcall	20
				/* 21 is obsolete gone */
#define	SYS_newcall	20
#define	SYS_dollar	21
#define	SYS_getppid	23
#define	SYS_lwp_create	24
#define	SYS_pread	25
#define	SYS_MAXSYSCALL	26
