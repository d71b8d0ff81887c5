/*
 * System call names.
 *
 * DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
 *               by running make sysent in the same directory.
 */

const char *syscallnames[] = {
# include <sys/spaced.h>
	"syscall",			/* 0 = syscall */
	"exit",			/* 1 = exit */
	"read",			/* 2 = read */
	"open",			/* 3 = open */
	"wait4",			/* 4 = wait4 */
	"obs_old",			/* 5 = obsolete old creat */
	"obs_old",			/* 6 = obsolete old */
	"#7",			/* 7 = nosys */
	"#8",			/* 8 = reserved */
	"getpid",			/* 9 = getpid */
	"netbsd_lchown",			/* 10 = netbsd_lchown */
	"nfssvc",			/* 11 = nfssvc */
	"nosys",			/* 12 = nosys */
	"lkmnosys",			/* 13 = lkmnosys */
	"lkmnosys",			/* 14 = lkmnosys */
	"lkmressys",			/* 15 = lkmressys */
	"sync",			/* 16 = sync */
	"mmap",			/* 17 = mmap */
	"execve",			/* 18 = execve */
	"__sysctl",			/* 19 = __sysctl */
#ifdef COMPAT_OLD
	"oldcall",			/* 20 = oldcall */
	"obs_gone",			/* 21 = obsolete gone */
#else
	"newcall",			/* 20 = newcall */
#endif
	"dollar",			/* 21 = dollar */
#if 0
	"#22",			/* 22 = never */
#endif
  #if LEADING
	"getppid",			/* 23 = getppid */
  #endif
#define	NOT_A_CONDITIONAL 1 	+ $CONTINUED$
	"lwp_create",			/* 24 = lwp_create */
	"pread",			/* 25 = pread */
};
