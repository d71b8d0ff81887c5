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

#endif /* _KERNEL */

#endif /* !_SYS_DFGEN_COMPAT_H_ */
