/*
 * dfgen_compat.h: what dfgen's runtime and generated C need from their
 * environment, so that one source compiles in the kernel (_KERNEL) and
 * as ordinary userland C on the host, where it is tested.
 */

#ifndef _SYS_DFGEN_COMPAT_H_
#define	_SYS_DFGEN_COMPAT_H_

#ifdef _KERNEL

#include <sys/param.h>
#include <sys/systm.h>

#else /* !_KERNEL */

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef __packed
#define	__packed	__attribute__((__packed__))
#endif
#ifndef __printflike
#define	__printflike(fmtarg, firstvararg) \
	__attribute__((__format__(__printf__, fmtarg, firstvararg)))
#endif

#endif /* _KERNEL */

/* 64-bit words shared with another side: acquire loads, release stores. */
#ifdef _KERNEL
#include <machine/atomic.h>
#define	dfgen_load_acq_64(p)		atomic_load_acq_64(p)
#define	dfgen_store_rel_64(p, v)	atomic_store_rel_64(p, v)
#else
#define	dfgen_load_acq_64(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define	dfgen_store_rel_64(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#endif

#endif /* !_SYS_DFGEN_COMPAT_H_ */
