/*
 * What libdfalloc and dfalloc(1) share about the stores: the key that
 * names a program's profile and seed, reading a profile, the metrics
 * the decision table of dfalloc.def reads from it, and reading a seed.
 * Nothing here allocates memory or touches the locale: the library runs
 * it while it starts, maybe inside setlocale().
 */
#ifndef _DFA_STORE_H_
#define	_DFA_STORE_H_

#include <stddef.h>
#include <stdint.h>

#include "dfalloc.h"
#include "dfalloc_profile.h"

/* Where packagers put seeds when DFALLOC_SEEDS does not say. */
#ifndef DFALLOC_SEED_DIR
#define	DFALLOC_SEED_DIR	"/usr/share/dfalloc/seeds"
#endif

#define	DFA_FNV_BASIS	0xcbf29ce484222325ull
/* A seed file: a behaviour's name and a newline, no more. */
#define	DFA_SEED_MAX	64

uint64_t dfa_fnv(uint64_t h, const void *data, size_t len);
uint64_t dfa_notes_hash(uint64_t h, const void *notes, size_t len);

int	dfa_profile_load(const char *path, uint64_t key,
	    struct dfalloc_profile *p, const char **why);
void	dfa_metrics_of(const struct dfalloc_profile *p,
	    struct dfalloc_metrics *m);
int	dfa_behaviour_named(const char *name, size_t len);
int	dfa_seed_load(const char *path, const char **why);

#endif /* !_DFA_STORE_H_ */
