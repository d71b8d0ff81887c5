/*
 * Profiles.  In the profiling mode (DFALLOC_MODE=profile) each thread
 * counts what it does in its own counters, without locks; a thread
 * that exits adds its counters to the process's, and at exit the
 * process's are added to the program's profile under DFALLOC_DIR.  In
 * the dispatch mode (the default when DFALLOC_DIR is set) the profile
 * is read at start and the decision table of dfalloc.def chooses the
 * behaviour.  A profile that is corrupt, of another version or of
 * another program is ignored with one warning.
 */
#define	_GNU_SOURCE

#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfalloc_rt.h"
#include "dfalloc_profile.h"

_Static_assert(DFALLOC_NCLASSES + 1 == DFALLOC_PROFILE_CLASSES,
    "a profile counts every size class of dfalloc.def");

int dfa_profiling;

static pthread_mutex_t dfa_profile_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct dfa_counters dfa_process;	/* threads that exited */
static char dfa_profile_path[4096];
static uint64_t dfa_key;
static uint64_t dfa_start_ns;

static void
dfa_warn(const char *a, const char *b, const char *c)
{
	ssize_t r;

	r = write(2, a, strlen(a));
	r = write(2, b, strlen(b));
	r = write(2, c, strlen(c));
	(void)r;
}

static uint64_t
dfa_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

static uint64_t
dfa_fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return (h);
}

/* The main program's GNU build id, hashed into the key. */
static int
dfa_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	const ElfW(Phdr) *ph;
	const char *p, *end;
	uint32_t nhdr[3];
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (end - p >= (ptrdiff_t)sizeof(nhdr)) {
			memcpy(nhdr, p, sizeof(nhdr));
			p += sizeof(nhdr);
			if (nhdr[2] == 3 && nhdr[0] == 4 &&
			    memcmp(p, "GNU", 4) == 0)
				*(uint64_t *)arg = dfa_fnv(*(uint64_t *)arg,
				    p + 4, nhdr[1]);
			p += ((nhdr[0] + 3) & ~3u) + ((nhdr[1] + 3) & ~3u);
		}
	}
	return (1);		/* the first object is the program */
}

/*
 * DIR/KEY.prof, KEY naming the program by its path and build id; a
 * relative DIR is taken from the directory at start, as the program
 * may change directory before it exits.
 */
static int
dfa_profile_name(const char *dir)
{
	char exe[4096], cwd[4096];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		n = 0;
	dfa_key = dfa_fnv(0xcbf29ce484222325ull, exe, (size_t)n);
	dl_iterate_phdr(dfa_build_id, &dfa_key);
	if (dir[0] == '/')
		cwd[0] = '\0';
	else if (getcwd(cwd, sizeof(cwd) - 1) != NULL)
		strcat(cwd, "/");
	else
		return (-1);
	n = snprintf(dfa_profile_path, sizeof(dfa_profile_path),
	    "%s%s/%016llx.prof", cwd, dir, (unsigned long long)dfa_key);
	return (n > 0 && (size_t)n < sizeof(dfa_profile_path) ? 0 : -1);
}

/*
 * The stored profile of this program into `p`: 1 read, 0 none, -1
 * unusable (and said so).
 */
static int
dfa_profile_read(struct dfalloc_profile *p)
{
	unsigned char buf[DFALLOC_PROFILE_SIZE + 1];
	struct dfs_error err;
	const char *why = NULL;
	ssize_t n;
	int fd;

	fd = open(dfa_profile_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return (0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != DFALLOC_PROFILE_SIZE)
		why = "not a profile of this size";
	else if (dfalloc_profile_verify(buf, (size_t)n, &err) != 0 ||
	    dfalloc_profile_decode(p, buf, (size_t)n, &err) != 0 ||
	    dfalloc_profile_validate(p, &err) != 0)
		why = dfs_strerror(err.code);
	else if (p->key != dfa_key || p->nclasses != DFALLOC_PROFILE_CLASSES)
		why = "of another program or allocator table";
	if (why == NULL)
		return (1);
	dfa_warn("dfalloc: ignoring profile ", dfa_profile_path, ": ");
	dfa_warn(why, "", "\n");
	return (-1);
}

static void
dfa_add(struct dfa_counters *to, const struct dfa_counters *c)
{
	unsigned int i;

	to->allocs += c->allocs;
	to->frees += c->frees;
	to->lifo_frees += c->lifo_frees;
	to->cross_frees += c->cross_frees;
	to->reallocs += c->reallocs;
	to->live_bytes += c->live_bytes;
	/* Threads' peaks need not coincide: their sum bounds the peak. */
	to->peak_live_bytes += c->peak_live_bytes;
	for (i = 0; i <= DFALLOC_NCLASSES; i++)
		to->class_allocs[i] += c->class_allocs[i];
}

void
dfa_profile_thread_exit(struct dfa_thread *t)
{
	pthread_mutex_lock(&dfa_profile_mtx);
	dfa_add(&dfa_process, &t->prof);
	pthread_mutex_unlock(&dfa_profile_mtx);
	memset(&t->prof, 0, sizeof(t->prof));
}

/* At exit: this run added to the stored profile, written whole. */
__attribute__((destructor)) static void
dfa_profile_write(void)
{
	struct dfalloc_profile p;
	unsigned char buf[DFALLOC_PROFILE_SIZE];
	char tmp[sizeof(dfa_profile_path) + 32];
	struct dfa_counters c;
	unsigned int i;
	int fd, ok;

	if (!dfa_profiling)
		return;
	dfa_profiling = 0;
	pthread_mutex_lock(&dfa_profile_mtx);
	c = dfa_process;
	pthread_mutex_unlock(&dfa_profile_mtx);
	dfa_add(&c, &dfa_self.prof);
	if (dfa_profile_read(&p) != 1) {
		memset(&p, 0, sizeof(p));
		p.magic = DFALLOC_PROFILE_MAGIC;
		p.version = 1;
		p.nclasses = DFALLOC_PROFILE_CLASSES;
		p.key = dfa_key;
	}
	p.runs++;
	p.allocs += c.allocs;
	p.frees += c.frees;
	p.lifo_frees += c.lifo_frees;
	p.cross_frees += c.cross_frees;
	p.reallocs += c.reallocs;
	p.live_at_exit += c.allocs > c.frees ? c.allocs - c.frees : 0;
	if (c.peak_live_bytes > p.peak_live_bytes)
		p.peak_live_bytes = c.peak_live_bytes;
	p.run_ns += dfa_now_ns() - dfa_start_ns;
	for (i = 0; i < DFALLOC_PROFILE_CLASSES; i++)
		p.class_allocs[i] += c.class_allocs[i];
	if (dfalloc_profile_encode(&p, buf, sizeof(buf), NULL) != 0 ||
	    dfalloc_profile_seal(buf, sizeof(buf)) != 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%ld", dfa_profile_path,
	    (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		dfa_warn("dfalloc: cannot write ", tmp, "\n");
		return;
	}
	ok = write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, dfa_profile_path) != 0) {
		dfa_warn("dfalloc: cannot write ", dfa_profile_path, "\n");
		unlink(tmp);
	}
}

/* Per 1000 of `of`, as the metrics of dfalloc.def are. */
static uint32_t
dfa_permille(uint64_t n, uint64_t of)
{
	return (of == 0 ? 0 : (uint32_t)(n * 1000 / of > 1000 ? 1000 :
	    n * 1000 / of));
}

/*
 * From start: the mode DFALLOC_MODE and DFALLOC_DIR ask for.  Returns
 * nothing; dfa_profile_behaviour() says what dispatch to use.
 */
void
dfa_profile_start(void)
{
	const char *dir = getenv("DFALLOC_DIR");
	const char *mode = getenv("DFALLOC_MODE");

	if (dir == NULL || *dir == '\0')
		return;
	if (dfa_profile_name(dir) != 0) {
		dfa_warn("dfalloc: DFALLOC_DIR ", "cannot be named", "\n");
		return;
	}
	if (mode != NULL && strcmp(mode, "profile") == 0) {
		dfa_start_ns = dfa_now_ns();
		dfa_profiling = 1;
	} else if (mode != NULL && *mode != '\0' &&
	    strcmp(mode, "dispatch") != 0) {
		dfa_warn("dfalloc: unknown DFALLOC_MODE '", mode,
		    "'; expected 'profile' or 'dispatch'\n");
	}
}

/* The behaviour the stored profile decides, or -1 without one. */
int
dfa_profile_behaviour(void)
{
	struct dfalloc_profile p;
	struct dfalloc_metrics m;
	const char *explain = getenv("DFALLOC_EXPLAIN");
	char line[256];
	int b;

	if (dfa_profiling || dfa_profile_path[0] == '\0' ||
	    dfa_profile_read(&p) != 1)
		return (-1);
	m.free_ratio = dfa_permille(p.frees, p.allocs);
	m.lifo = dfa_permille(p.lifo_frees, p.frees);
	m.live_at_exit = dfa_permille(p.live_at_exit, p.allocs);
	m.cross_thread = dfa_permille(p.cross_frees, p.frees);
	m.realloc = dfa_permille(p.reallocs, p.allocs);
	b = dfalloc_decide(&m);
	if (explain != NULL && *explain != '\0') {
		snprintf(line, sizeof(line), "%u runs, free_ratio %u, lifo %u, "
		    "live_at_exit %u, cross_thread %u, realloc %u: ",
		    (unsigned int)p.runs, (unsigned int)m.free_ratio,
		    (unsigned int)m.lifo, (unsigned int)m.live_at_exit,
		    (unsigned int)m.cross_thread, (unsigned int)m.realloc);
		dfa_warn("dfalloc: ", line, "behaviour ");
		dfa_warn(dfalloc_behaviour_name[b], "", "\n");
	}
	return (b);
}

void
dfa_profile_alloc(const void *ptr, size_t size, size_t usable)
{
	struct dfa_counters *c = &dfa_self.prof;

	c->allocs++;
	c->class_allocs[dfalloc_class_of(size)]++;
	c->live_bytes += (int64_t)usable;
	if (c->live_bytes > 0 && (uint64_t)c->live_bytes > c->peak_live_bytes)
		c->peak_live_bytes = (uint64_t)c->live_bytes;
	dfa_self.newest = ptr;
}

void
dfa_profile_free(const void *ptr, size_t usable)
{
	struct dfa_counters *c = &dfa_self.prof;

	c->frees++;
	c->live_bytes -= (int64_t)usable;
	if (ptr == dfa_self.newest)
		c->lifo_frees++;
	if (dfa_owns(ptr) &&
	    dfa_region.owner[dfa_span_of(ptr)] != dfa_self_id())
		c->cross_frees++;
}
