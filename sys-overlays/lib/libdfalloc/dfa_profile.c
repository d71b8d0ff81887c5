/*
 * Profiles and seeds.  In the profiling mode (DFALLOC_MODE=profile)
 * each thread counts its allocations in its own counters, without
 * locks, and follows a sample of its objects (dfa_sample.c); a thread
 * that exits adds its counters to the process's, and at exit the
 * process's and the samples' are added to the program's profile under
 * DFALLOC_DIR.
 * In the dispatch mode (the default when DFALLOC_DIR is set) the
 * profile is read at start and the decision table of dfalloc.def
 * chooses the behaviour; without a profile, a packager's seed under
 * DFALLOC_SEEDS (DFALLOC_SEED_DIR by default) names it.  A profile or
 * seed that is corrupt, of another version or of another program is
 * ignored with one warning.
 */
#define	_GNU_SOURCE

#if defined(__DragonFly__) || defined(__FreeBSD__)
#include <sys/types.h>
#include <sys/sysctl.h>
#endif

#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfalloc_rt.h"
#include "dfa_store.h"

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

/* A program header, as each system's <link.h> names it. */
#ifdef ElfW
typedef ElfW(Phdr)	dfa_phdr_t;
#else
typedef Elf_Phdr	dfa_phdr_t;
#endif

/* The main program's GNU build id, hashed into the key. */
static int
dfa_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	const dfa_phdr_t *ph;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_NOTE)
			*(uint64_t *)arg = dfa_notes_hash(*(uint64_t *)arg,
			    (const void *)(info->dlpi_addr + ph->p_vaddr),
			    ph->p_memsz);
	}
	return (1);		/* the first object is the program */
}

/*
 * The program's path as the kernel has it, links resolved, in `buf`:
 * its length, or 0 when the kernel will not say.
 */
static size_t
dfa_exe_path(char *buf, size_t len)
{
#ifdef KERN_PROC_PATHNAME
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PATHNAME, -1 };
	size_t n = len;

	if (sysctl(mib, 4, buf, &n, NULL, 0) != 0 || n == 0)
		return (0);
	return (n - 1);		/* it counts the NUL */
#else
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	return (n < 0 ? 0 : (size_t)n);
#endif
}

/* The key of this program: its path, then its build id. */
static void
dfa_key_init(void)
{
	char exe[4096];

	dfa_key = dfa_fnv(DFA_FNV_BASIS, exe, dfa_exe_path(exe, sizeof(exe)));
	dl_iterate_phdr(dfa_build_id, &dfa_key);
}

/*
 * DIR/KEY.prof; a relative DIR is taken from the directory at start,
 * as the program may change directory before it exits.
 */
static int
dfa_profile_name(const char *dir)
{
	char cwd[4096];
	int n;

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
	const char *why;
	int r;

	r = dfa_profile_load(dfa_profile_path, dfa_key, p, &why);
	if (r < 0) {
		dfa_warn("dfalloc: ignoring profile ", dfa_profile_path, ": ");
		dfa_warn(why, "", "\n");
	}
	return (r);
}

/* Thread `t`'s counts added to `to`, its open sampling periods too. */
static void
dfa_add(struct dfa_counters *to, const struct dfa_thread *t)
{
	unsigned int i;

	to->reallocs += t->prof.reallocs;
	for (i = 0; i <= DFALLOC_NCLASSES; i++)
		to->class_allocs[i] += dfa_sample_allocs(t, i);
}

void
dfa_profile_thread_exit(struct dfa_thread *t)
{
	pthread_mutex_lock(&dfa_profile_mtx);
	dfa_add(&dfa_process, t);
	pthread_mutex_unlock(&dfa_profile_mtx);
	memset(&t->prof, 0, sizeof(t->prof));
	memset(&t->sample, 0, sizeof(t->sample));
}

/* At exit: this run added to the stored profile, written whole. */
__attribute__((destructor)) static void
dfa_profile_write(void)
{
	struct dfalloc_profile p;
	unsigned char buf[DFALLOC_PROFILE_SIZE];
	char tmp[sizeof(dfa_profile_path) + 32];
	struct dfa_counters c;
	struct dfa_sample_totals st;
	unsigned int i;
	int fd, ok;

	if (!dfa_profiling)
		return;
	dfa_profiling = 0;
	pthread_mutex_lock(&dfa_profile_mtx);
	c = dfa_process;
	pthread_mutex_unlock(&dfa_profile_mtx);
	dfa_add(&c, &dfa_self);
	dfa_sample_totals(&st);
	if (dfa_profile_read(&p) != 1) {
		memset(&p, 0, sizeof(p));
		p.magic = DFALLOC_PROFILE_MAGIC;
		p.version = 2;
		p.nclasses = DFALLOC_PROFILE_CLASSES;
		p.key = dfa_key;
	}
	p.runs++;
	for (i = 0; i < DFALLOC_PROFILE_CLASSES; i++) {
		p.allocs += c.class_allocs[i];
		p.class_allocs[i] += c.class_allocs[i];
	}
	p.reallocs += c.reallocs;
	p.samples += st.samples;
	p.sampled += st.sampled;
	p.frees += st.frees;
	p.lifo_frees += st.lifo_frees;
	p.cross_frees += st.cross_frees;
	p.live_at_exit += st.live_at_exit;
	if (st.peak_live_bytes > p.peak_live_bytes)
		p.peak_live_bytes = st.peak_live_bytes;
	p.run_ns += dfa_now_ns() - dfa_start_ns;
	for (i = 0; i < DFALLOC_PROFILE_LIFETIMES; i++)
		p.lifetimes[i] += st.lifetimes[i];
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

/*
 * From start: the key of the program, and the mode DFALLOC_MODE and
 * DFALLOC_DIR ask for.  dfa_profile_behaviour() says what dispatch to
 * use.
 */
void
dfa_profile_start(void)
{
	const char *dir = getenv("DFALLOC_DIR");
	const char *mode = getenv("DFALLOC_MODE");

	dfa_key_init();
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

/* With DFALLOC_EXPLAIN set: what chose behaviour `b`. */
static void
dfa_explain(const char *why, const char *what, int b)
{
	const char *explain = getenv("DFALLOC_EXPLAIN");

	if (explain != NULL && *explain != '\0') {
		dfa_warn("dfalloc: ", why, what);
		dfa_warn(": behaviour ", dfalloc_behaviour_name[b], "\n");
	}
}

/* The behaviour the stored profile decides, or -1 without one. */
static int
dfa_profile_decide(void)
{
	struct dfalloc_profile p;
	struct dfalloc_metrics m;
	char line[256];
	int b;

	if (dfa_profiling || dfa_profile_path[0] == '\0' ||
	    dfa_profile_read(&p) != 1)
		return (-1);
	dfa_metrics_of(&p, &m);
	b = dfalloc_decide(&m);
	snprintf(line, sizeof(line), "%u runs, free_ratio %u, lifo %u, "
	    "live_at_exit %u, cross_thread %u, realloc %u",
	    (unsigned int)p.runs, (unsigned int)m.free_ratio,
	    (unsigned int)m.lifo, (unsigned int)m.live_at_exit,
	    (unsigned int)m.cross_thread, (unsigned int)m.realloc);
	dfa_explain(line, "", b);
	return (b);
}

/* The behaviour a packager seeded for this program, or -1. */
static int
dfa_seed_decide(void)
{
	const char *dir = getenv("DFALLOC_SEEDS");
	const char *why;
	char path[4096];
	int b, n;

	if (dir == NULL || *dir == '\0')
		dir = DFALLOC_SEED_DIR;
	n = snprintf(path, sizeof(path), "%s/%016llx.seed", dir,
	    (unsigned long long)dfa_key);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-1);
	b = dfa_seed_load(path, &why);
	if (b == -2) {
		dfa_warn("dfalloc: ignoring seed ", path, ": ");
		dfa_warn(why, "", "\n");
	}
	if (b < 0)
		return (-1);
	dfa_explain("seed ", path, b);
	return (b);
}

/*
 * The behaviour of this run, without DFALLOC_BEHAVIOUR: the one the
 * profile decides, else the seeded one, else the default (the last).
 */
int
dfa_profile_behaviour(void)
{
	int b;

	b = dfa_profile_decide();
	if (b < 0)
		b = dfa_seed_decide();
	if (b < 0) {
		b = DFALLOC_NBEHAVIOURS - 1;
		dfa_explain("no profile or seed", "", b);
	}
	return (b);
}
