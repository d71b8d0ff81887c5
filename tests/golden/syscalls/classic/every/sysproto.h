/*
 * System call prototypes.
 *
 * DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
 *               by running make sysent in the same directory.
 */

#ifndef _SYS_SYSPROTO_H_
#define	_SYS_SYSPROTO_H_

#include <sys/select.h>
#include <sys/signal.h>
#include <sys/acl.h>
#include <sys/cpumask.h>
#include <sys/mqueue.h>
#include <sys/msgport.h>
#include <sys/sysmsg.h>
#include <sys/procctl.h>

#define	PAD_(t)	(sizeof(register_t) <= sizeof(t) ? \
		0 : sizeof(register_t) - sizeof(t))

# include <sys/spaced.h>
struct	nosys_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	register_t dummy;
};
struct	exit_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	rval;	char rval_[PAD_(int)];
};
struct	read_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	fd;	char fd_[PAD_(int)];
	void *	buf;	char buf_[PAD_(void *)];
	size_t	nbyte;	char nbyte_[PAD_(size_t)];
};
struct	open_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	const char *	path;	char path_[PAD_(const char *)];
	int	flags;	char flags_[PAD_(int)];
	int	mode;	char mode_[PAD_(int)];
};
struct	wait_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	pid;	char pid_[PAD_(int)];
	int *	status;	char status_[PAD_(int *)];
	int	options;	char options_[PAD_(int)];
	struct rusage *	rusage;	char rusage_[PAD_(struct rusage *)];
};
struct	nfssvc_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	flag;	char flag_[PAD_(int)];
	caddr_t	argp;	char argp_[PAD_(caddr_t)];
};
struct	lkmressys_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	register_t dummy;
};
struct	sync_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	register_t dummy;
};
struct	mmap_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	caddr_t	addr;	char addr_[PAD_(caddr_t)];
	size_t	len;	char len_[PAD_(size_t)];
	int	prot;	char prot_[PAD_(int)];
	int	flags;	char flags_[PAD_(int)];
	int	fd;	char fd_[PAD_(int)];
	int	pad;	char pad_[PAD_(int)];
	off_t	pos;	char pos_[PAD_(off_t)];
};
struct	execve_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	char *	fname;	char fname_[PAD_(char *)];
	char **	argv;	char argv_[PAD_(char **)];
	char **	envv;	char envv_[PAD_(char **)];
};
struct	sysctl_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int *	name;	char name_[PAD_(int *)];
	u_int	namelen;	char namelen_[PAD_(u_int)];
	void *	old;	char old_[PAD_(void *)];
	size_t *	oldlenp;	char oldlenp_[PAD_(size_t *)];
	void *	new;	char new_[PAD_(void *)];
	size_t	newlen;	char newlen_[PAD_(size_t)];
};
#ifdef COMPAT_OLD
struct	oldcall_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	const struct timespec *const	ts;	char ts_[PAD_(const struct timespec *const)];
};
#else
struct	newcall_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	a;	char a_[PAD_(int)];
	long	b;	char b_[PAD_(long)];
};
#endif
struct	dollar_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	fd;	char fd_[PAD_(int)];
};
#if 0
#endif
  #if LEADING
  #endif
#define	NOT_A_CONDITIONAL 1 	+ $CONTINUED$
struct	lwp_create_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	struct lwp_params *	params;	char params_[PAD_(struct lwp_params *)];
};
struct	pread_args {
#ifdef _KERNEL
	struct sysmsg sysmsg;
#endif
	int	fd;	char fd_[PAD_(int)];
	void *	buf;	char buf_[PAD_(void *)];
	size_t	nbyte;	char nbyte_[PAD_(size_t)];
	off_t	offset;	char offset_[PAD_(off_t)];
};
# include <sys/spaced.h>
#ifdef COMPAT_OLD
#else
#endif
#if 0
#endif
  #if LEADING
  #endif
#define	NOT_A_CONDITIONAL 1 	+ $CONTINUED$

#ifdef _KERNEL


#endif /* _KERNEL */

#ifdef _KERNEL

# include <sys/spaced.h>
int	sys_nosys (struct nosys_args *);
int	sys_exit (struct exit_args *);
int	sys_read (struct read_args *);
int	sys_open (struct open_args *);
int	sys_wait4 (struct wait_args *);
int	sys_getpid (struct getpid_args *);
int	sys_nfssvc (struct nfssvc_args *);
int	sys_lkmnosys (struct nosys_args *);
int	sys_lkmressys (struct lkmressys_args *);
int	sys_sync (struct sync_args *);
caddr_t	sys_mmap (struct mmap_args *);
int	sys_execve (struct execve_args *);
int	sys___sysctl (struct sysctl_args *);
#ifdef COMPAT_OLD
int	sys_oldcall (struct oldcall_args *);
#else
long	sys_newcall (struct newcall_args *);
#endif
int	sys_dollar (struct dollar_args *);
#if 0
#endif
  #if LEADING
pid_t	sys_getppid (struct getppid_args *);
  #endif
#define	NOT_A_CONDITIONAL 1 	+ $CONTINUED$
int	sys_lwp_create (struct lwp_create_args *);
int	sys_pread (struct pread_args *);

#endif /* !_SYS_SYSPROTO_H_ */
#undef PAD_

#endif /* _KERNEL */
