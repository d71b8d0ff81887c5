/*
 * The profile and seed stores, as libdfalloc and dfalloc(1) read them.
 * A program is named by a key: FNV-1a of its path, then of the GNU
 * build id notes of its file; its profile is DIR/KEY.prof and its seed
 * SEEDS/KEY.seed, KEY in 16 hex digits.
 */
#define	_POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dfa_store.h"

#define	DFA_NOTE_GNU_BUILD_ID	3

uint64_t
dfa_fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return (h);
}

/*
 * `h` on from the descriptors of the GNU build id notes in `len` bytes
 * of notes (an ELF note segment, in the host's byte order); a note that
 * does not fit ends the walk.
 */
uint64_t
dfa_notes_hash(uint64_t h, const void *notes, size_t len)
{
	const unsigned char *p = notes;
	uint32_t hdr[3];	/* name size, descriptor size, type */
	size_t name, desc;

	while (len >= sizeof(hdr)) {
		memcpy(hdr, p, sizeof(hdr));
		p += sizeof(hdr);
		len -= sizeof(hdr);
		name = ((size_t)hdr[0] + 3) & ~(size_t)3;
		desc = ((size_t)hdr[1] + 3) & ~(size_t)3;
		if (name > len || desc > len - name || hdr[1] > desc)
			break;
		if (hdr[2] == DFA_NOTE_GNU_BUILD_ID && hdr[0] == 4 &&
		    memcmp(p, "GNU", 4) == 0)
			h = dfa_fnv(h, p + name, hdr[1]);
		p += name + desc;
		len -= name + desc;
	}
	return (h);
}

/*
 * The profile at `path` of the program `key` into `p`: 1 read, 0 there
 * is none, -1 unusable, `why` saying why.
 */
int
dfa_profile_load(const char *path, uint64_t key, struct dfalloc_profile *p,
    const char **why)
{
	unsigned char buf[DFALLOC_PROFILE_SIZE + 1];
	struct dfs_error err;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot be opened";
		return (errno == ENOENT ? 0 : -1);
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != DFALLOC_PROFILE_SIZE)
		*why = "not a profile of this size";
	else if (dfalloc_profile_verify(buf, (size_t)n, &err) != 0 ||
	    dfalloc_profile_decode(p, buf, (size_t)n, &err) != 0 ||
	    dfalloc_profile_validate(p, &err) != 0)
		*why = dfs_strerror(err.code);
	else if (p->key != key || p->nclasses != DFALLOC_PROFILE_CLASSES)
		*why = "of another program or allocator table";
	else
		return (1);
	return (-1);
}

/* Per 1000 of `of`, as the metrics of dfalloc.def are. */
static uint32_t
dfa_permille(uint64_t n, uint64_t of)
{
	return (of == 0 ? 0 : (uint32_t)(n * 1000 / of > 1000 ? 1000 :
	    n * 1000 / of));
}

/*
 * The metrics the decision table reads, from a profile: what becomes of
 * objects from the samples, reallocations from the count.
 */
void
dfa_metrics_of(const struct dfalloc_profile *p, struct dfalloc_metrics *m)
{
	m->free_ratio = dfa_permille(p->frees, p->sampled);
	m->lifo = dfa_permille(p->lifo_frees, p->frees);
	m->live_at_exit = dfa_permille(p->live_at_exit, p->sampled);
	m->cross_thread = dfa_permille(p->cross_frees, p->frees);
	m->realloc = dfa_permille(p->reallocs, p->allocs);
}

/* The behaviour called the `len` bytes at `name`, or -1. */
int
dfa_behaviour_named(const char *name, size_t len)
{
	int b;

	for (b = 0; b < DFALLOC_NBEHAVIOURS; b++) {
		if (strlen(dfalloc_behaviour_name[b]) == len &&
		    memcmp(dfalloc_behaviour_name[b], name, len) == 0)
			return (b);
	}
	return (-1);
}

/*
 * The behaviour the seed at `path` names: -1 there is none, -2 it is
 * unusable, `why` saying why.
 */
int
dfa_seed_load(const char *path, const char **why)
{
	char buf[DFA_SEED_MAX + 1];
	ssize_t n;
	int b, fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot be opened";
		return (errno == ENOENT ? -1 : -2);
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 2 || n > DFA_SEED_MAX || buf[n - 1] != '\n') {
		*why = "not one line naming a behaviour";
		return (-2);
	}
	b = dfa_behaviour_named(buf, (size_t)n - 1);
	if (b < 0) {
		*why = "no behaviour of dfalloc.def has that name";
		return (-2);
	}
	return (b);
}
