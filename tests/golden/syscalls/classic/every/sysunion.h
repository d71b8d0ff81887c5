/*
 * Union of syscall args for messaging.
 *
 * DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
 *               by running make sysent in the same directory.
 */

union sysunion {
#ifdef _KERNEL /* header only applies in kernel */
	struct	sysmsg sysmsg;
#endif
# include <sys/spaced.h>
	struct	nosys_args nosys;
	struct	exit_args exit;
	struct	read_args read;
	struct	open_args open;
	struct	wait_args wait4;
	struct	nfssvc_args nfssvc;
	struct	lkmressys_args lkmressys;
	struct	sync_args sync;
	struct	mmap_args mmap;
	struct	execve_args execve;
	struct	sysctl_args __sysctl;
#ifdef COMPAT_OLD
	struct	oldcall_args oldcall;
#else
	struct	newcall_args newcall;
#endif
	struct	dollar_args dollar;
#if 0
#endif
  #if LEADING
  #endif
#define	NOT_A_CONDITIONAL 1 	+ $CONTINUED$
	struct	lwp_create_args lwp_create;
	struct	pread_args pread;
};
