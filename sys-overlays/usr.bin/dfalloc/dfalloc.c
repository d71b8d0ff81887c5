/*
 * dfalloc(1): a program's profile and the behaviour libdfalloc chooses
 * for it, why (the rules of dfalloc.def, tried in order, against the
 * profile's metrics), seeding that choice, and the link and preload
 * lines.  Profiles are decoded by the code dfgen structs generates from
 * dfalloc_profile.def, and the rules are the decision table dfgen alloc
 * generates from dfalloc.def: nothing here restates either.
 */
#define	_POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dfalloc_tool.h"
#include "dfa_store.h"

#ifndef DFALLOC_LIBDIR
#define	DFALLOC_LIBDIR	"/usr/lib"
#endif

/* How the behaviour of a run is chosen, as libdfalloc chooses it. */
struct dfalloc_choice {
	struct dfalloc_prog prog;
	char		profile[4096];	/* "" without a profile store */
	int		have;		/* 1: a usable profile */
	struct dfalloc_profile p;
	struct dfalloc_metrics m;
	char		seed[4096];
	int		seeded;		/* the seed's behaviour, or -1 */
	int		behaviour;
};

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: dfalloc show [-d dir] [-s seeds] program\n"
	    "       dfalloc explain [-d dir] [-s seeds] program\n"
	    "       dfalloc seed [-s seeds] [-i installed] program behaviour\n"
	    "       dfalloc link [-L libdir]\n"
	    "       dfalloc preload [-L libdir] program [arg ...]\n");
	exit(2);
}

static void
dfalloc_print(void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(arg, fmt, ap);
	va_end(ap);
}

static const char *
dfalloc_seeds(const char *opt)
{
	const char *env = getenv("DFALLOC_SEEDS");

	if (opt != NULL)
		return (opt);
	return (env != NULL && *env != '\0' ? env : DFALLOC_SEED_DIR);
}

/*
 * The choice libdfalloc makes for `name` at its start: the profile
 * under `dir` decides, else the seed under `seeds`, else the default.
 * A profile or seed it would ignore gets the warning it would give.
 */
static int
dfalloc_choose(struct dfalloc_choice *c, const char *name, const char *dir,
    const char *seeds)
{
	const char *why;
	int r;

	memset(c, 0, sizeof(*c));
	if (dfalloc_prog_find(&c->prog, name, NULL) != 0)
		return (-1);
	if (dir == NULL)
		dir = getenv("DFALLOC_DIR");
	if (dir != NULL && *dir != '\0') {
		snprintf(c->profile, sizeof(c->profile), "%s/%016llx.prof",
		    dir, (unsigned long long)c->prog.key);
		r = dfa_profile_load(c->profile, c->prog.key, &c->p, &why);
		if (r < 0)
			fprintf(stderr, "dfalloc: ignoring profile %s: %s\n",
			    c->profile, why);
		c->have = r == 1;
	}
	snprintf(c->seed, sizeof(c->seed), "%s/%016llx.seed",
	    dfalloc_seeds(seeds), (unsigned long long)c->prog.key);
	c->seeded = dfa_seed_load(c->seed, &why);
	if (c->seeded == -2)
		fprintf(stderr, "dfalloc: ignoring seed %s: %s\n", c->seed,
		    why);
	if (c->have) {
		dfa_metrics_of(&c->p, &c->m);
		c->behaviour = dfalloc_decide(&c->m);
	} else if (c->seeded >= 0) {
		c->behaviour = c->seeded;
	} else {
		c->behaviour = DFALLOC_NBEHAVIOURS - 1;
	}
	return (0);
}

static uint32_t
dfalloc_metric_value(const struct dfalloc_metrics *m, int i)
{
	uint32_t v;

	memcpy(&v, (const char *)m + dfalloc_metric[i].offset, sizeof(v));
	return (v);
}

static const char *
dfalloc_source(const struct dfalloc_choice *c)
{
	if (c->have)
		return ("its profile");
	return (c->seeded >= 0 ? "its seed" : "the default");
}

/* Per size class, the allocator of behaviour `b`, runs of one merged. */
static void
dfalloc_show_dispatch(int b)
{
	unsigned int c, first;
	const uint8_t *row = dfalloc_dispatch[b];

	for (first = 0, c = 1; c <= DFALLOC_NCLASSES; c++) {
		if (c < DFALLOC_NCLASSES && row[c] == row[first])
			continue;
		printf("  %u to %u bytes: %s\n", first == 0 ? 1 :
		    dfalloc_class_size[first - 1] + 1,
		    dfalloc_class_size[c - 1], dfalloc_desc[row[first]].name);
		first = c;
	}
	printf("  above %u bytes: %s\n", DFALLOC_MAX_CLASS_SIZE,
	    dfalloc_desc[row[DFALLOC_NCLASSES]].name);
}

/*
 * The sampled objects their own thread freed, by lifetime: how many
 * allocations that thread made between malloc and free.
 */
static void
dfalloc_show_lifetimes(const struct dfalloc_profile *p)
{
	uint64_t lo;
	unsigned int i;

	printf("lifetimes, in allocations between malloc and free:\n");
	for (i = 0; i < DFALLOC_PROFILE_LIFETIMES; i++) {
		if (p->lifetimes[i] == 0)
			continue;
		lo = i == 0 ? 0 : (uint64_t)1 << (i - 1);
		if (i <= 1)
			printf("  %llu", (unsigned long long)lo);
		else if (i == DFALLOC_PROFILE_LIFETIMES - 1)
			printf("  %llu and more", (unsigned long long)lo);
		else
			printf("  %llu to %llu", (unsigned long long)lo,
			    (unsigned long long)(2 * lo - 1));
		printf(": %llu\n", (unsigned long long)p->lifetimes[i]);
	}
}

static int
dfalloc_show(const char *name, const char *dir, const char *seeds)
{
	struct dfalloc_choice c;
	int i;

	if (dfalloc_choose(&c, name, dir, seeds) != 0)
		return (1);
	printf("program: %s\nkey: %016llx\n", c.prog.path,
	    (unsigned long long)c.prog.key);
	if (c.have) {
		printf("profile: %s\n", c.profile);
		dfalloc_profile_print(&c.p, 2, dfalloc_print, stdout);
		printf("metrics:\n");
		for (i = 0; i < DFALLOC_NMETRICS; i++)
			printf("  %s: %u\t(%s)\n", dfalloc_metric[i].name,
			    dfalloc_metric_value(&c.m, i),
			    dfalloc_metric[i].doc);
		dfalloc_show_lifetimes(&c.p);
	} else {
		printf("profile: none%s%s\n", c.profile[0] != '\0' ?
		    " at " : "", c.profile);
	}
	if (c.seeded >= 0)
		printf("seed: %s: %s\n", c.seed,
		    dfalloc_behaviour_name[c.seeded]);
	else
		printf("seed: none at %s\n", c.seed);
	printf("behaviour: %s, from %s\n", dfalloc_behaviour_name[c.behaviour],
	    dfalloc_source(&c));
	dfalloc_show_dispatch(c.behaviour);
	return (0);
}

static int
dfalloc_explain(const char *name, const char *dir, const char *seeds)
{
	struct dfalloc_choice c;
	const struct dfalloc_rule *r;
	const char *sep;
	int b, i;

	if (dfalloc_choose(&c, name, dir, seeds) != 0)
		return (1);
	printf("program: %s\n", c.prog.path);
	if (!c.have) {
		printf("no usable profile%s%s: the rules are not tried\n",
		    c.profile[0] != '\0' ? " at " : "", c.profile);
		if (c.seeded >= 0)
			printf("the seed %s names it\n", c.seed);
		else
			printf("no seed at %s: the last behaviour is the "
			    "default\n", c.seed);
		printf("behaviour: %s: %s\n",
		    dfalloc_behaviour_name[c.behaviour],
		    dfalloc_rule[c.behaviour].doc);
		return (0);
	}
	printf("profile: %s, %u runs\n", c.profile, (unsigned int)c.p.runs);
	if (c.seeded >= 0)
		printf("the profile overrides the seed %s (%s)\n", c.seed,
		    dfalloc_behaviour_name[c.seeded]);
	printf("the rules of dfalloc.def, the first that holds chooses:\n");
	for (b = 0; b <= c.behaviour; b++) {
		r = &dfalloc_rule[b];
		if (r->when[0] == '\0') {
			printf("  %s: the default, as no rule held\n",
			    dfalloc_behaviour_name[b]);
			continue;
		}
		printf("  %s: %s, with", dfalloc_behaviour_name[b], r->when);
		for (sep = " ", i = 0; i < DFALLOC_NMETRICS; i++) {
			if (r->metrics & (1u << i)) {
				printf("%s%s %u", sep, dfalloc_metric[i].name,
				    dfalloc_metric_value(&c.m, i));
				sep = ", ";
			}
		}
		printf(": %s\n", dfalloc_holds(b, &c.m) ? "holds" :
		    "does not hold");
	}
	printf("behaviour: %s: %s\n", dfalloc_behaviour_name[c.behaviour],
	    dfalloc_rule[c.behaviour].doc);
	return (0);
}

static int
dfalloc_seed(const char *name, const char *behaviour, const char *seeds,
    const char *installed)
{
	struct dfalloc_prog prog;
	char path[4096], tmp[4200];
	FILE *f;
	int b, ok;

	b = dfa_behaviour_named(behaviour, strlen(behaviour));
	if (b < 0) {
		fprintf(stderr, "dfalloc: unknown behaviour '%s'; "
		    "dfalloc.def has", behaviour);
		for (b = 0; b < DFALLOC_NBEHAVIOURS; b++)
			fprintf(stderr, "%s %s", b == 0 ? "" : ",",
			    dfalloc_behaviour_name[b]);
		fprintf(stderr, "\n");
		return (1);
	}
	if (dfalloc_prog_find(&prog, name, installed) != 0)
		return (1);
	snprintf(path, sizeof(path), "%s/%016llx.seed", dfalloc_seeds(seeds),
	    (unsigned long long)prog.key);
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "dfalloc: %s: %s\n", tmp, strerror(errno));
		return (1);
	}
	ok = fprintf(f, "%s\n", dfalloc_behaviour_name[b]) > 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "dfalloc: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return (1);
	}
	printf("%s: %s seeded for %s\n", path, dfalloc_behaviour_name[b],
	    prog.path);
	return (0);
}

/* `s` quoted for sh(1) where it needs it. */
static void
dfalloc_quote(const char *s)
{
	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") == strlen(s)) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

static int
dfalloc_link(const char *libdir)
{
	fputs("-L", stdout);
	dfalloc_quote(libdir);
	fputs(" -Wl,-rpath,", stdout);
	dfalloc_quote(libdir);
#ifdef __linux__
	fputs(" -ldfalloc -lpthread -ldl\n", stdout);
#else
	fputs(" -ldfalloc -lpthread\n", stdout);
#endif
	return (0);
}

static int
dfalloc_preload(const char *libdir, int argc, char **argv)
{
	char lib[4096];
	int i;

	snprintf(lib, sizeof(lib), "%s/libdfalloc.so", libdir);
	fputs("LD_PRELOAD=", stdout);
	dfalloc_quote(lib);
	for (i = 0; i < argc; i++) {
		putchar(' ');
		dfalloc_quote(argv[i]);
	}
	putchar('\n');
	return (0);
}

int
main(int argc, char **argv)
{
	const char *cmd, *dir = NULL, *seeds = NULL, *installed = NULL;
	const char *libdir = NULL;
	int ch;

	if (argc < 2)
		usage();
	cmd = argv[1];
	argc--;
	argv++;
	while ((ch = getopt(argc, argv, "+d:i:L:s:")) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'i':
			installed = optarg;
			break;
		case 'L':
			libdir = optarg;
			break;
		case 's':
			seeds = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "explain") == 0) {
		if (argc != 1 || installed != NULL || libdir != NULL)
			usage();
		return (cmd[0] == 's' ? dfalloc_show(argv[0], dir, seeds) :
		    dfalloc_explain(argv[0], dir, seeds));
	}
	if (strcmp(cmd, "seed") == 0) {
		if (argc != 2 || dir != NULL || libdir != NULL)
			usage();
		return (dfalloc_seed(argv[0], argv[1], seeds, installed));
	}
	if (dir != NULL || seeds != NULL || installed != NULL)
		usage();
	if (libdir == NULL)
		libdir = DFALLOC_LIBDIR;
	if (strcmp(cmd, "link") == 0 && argc == 0)
		return (dfalloc_link(libdir));
	if (strcmp(cmd, "preload") == 0 && argc >= 1)
		return (dfalloc_preload(libdir, argc, argv));
	usage();
}
