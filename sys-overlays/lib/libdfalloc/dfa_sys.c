/*
 * The system allocator: the next malloc after this library's, which is
 * the C library's whether libdfalloc is preloaded or linked in.
 */
#define	_GNU_SOURCE

#include <dlfcn.h>
#include <string.h>

#include "dfalloc_rt.h"

struct dfa_sys dfa_sys;

/* dlsym() returns void *; POSIX makes it convertible to a function. */
#define	DFA_RESOLVE(field, name)					\
	do {								\
		void *sym = dlsym(RTLD_NEXT, name);			\
		memcpy(&dfa_sys.field, &sym, sizeof(sym));		\
	} while (0)

void
dfa_sys_init(void)
{
	DFA_RESOLVE(malloc, "malloc");
	DFA_RESOLVE(free, "free");
	DFA_RESOLVE(realloc, "realloc");
	DFA_RESOLVE(posix_memalign, "posix_memalign");
	DFA_RESOLVE(usable_size, "malloc_usable_size");
}

void *
dfa_sys_alloc(size_t size)
{
	return (dfa_sys.malloc != NULL ? dfa_sys.malloc(size) : NULL);
}

void
dfa_sys_free(void *ptr)
{
	if (dfa_sys.free != NULL)
		dfa_sys.free(ptr);
}

size_t
dfa_sys_usable_size(const void *ptr)
{
	return (dfa_sys.usable_size != NULL ?
	    dfa_sys.usable_size((void *)(uintptr_t)ptr) : 0);
}
