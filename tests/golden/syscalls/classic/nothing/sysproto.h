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


#ifdef _KERNEL


#endif /* _KERNEL */

#ifdef _KERNEL


#endif /* !_SYS_SYSPROTO_H_ */
#undef PAD_

#endif /* _KERNEL */
