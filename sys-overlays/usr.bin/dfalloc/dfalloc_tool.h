/*
 * dfalloc: what libdfalloc knows and chooses about a program (its
 * profile, the rule that picks its behaviour), seeding that choice,
 * and the lines that put the library under a program.
 */

#ifndef _DFALLOC_TOOL_H_
#define	_DFALLOC_TOOL_H_

#include <stddef.h>
#include <stdint.h>

/* A program, as libdfalloc names it. */
struct dfalloc_prog {
	char		path[4096];	/* its file, symbolic links resolved */
	uint64_t	key;		/* the key of its profile and seed */
};

int	dfalloc_prog_find(struct dfalloc_prog *p, const char *name,
	    const char *installed);
int	dfalloc_elf_key(const unsigned char *buf, size_t len, uint64_t *key,
	    const char **why);

#endif /* !_DFALLOC_TOOL_H_ */
