/*
 * floors: the least a preloaded malloc can cost on two of the
 * behaviours, for bench/alloc/run.sh to print beside the allocators.
 * Not an allocator anyone should run: built with -DFLOOR_LIFO, one LIFO
 * list of 256-byte slots per thread, no size classes, no checks (the
 * floor of a churn pair); with -DFLOOR_BUMP, a bump pointer per thread
 * that goes back to its start when nothing is live, objects rounded to
 * 16 bytes (the floor of a bulk-free pair).  Either serves only what
 * the behaviours program asks: objects of at most 256 bytes, one
 * thread, realloc and calloc for the C library's own use.
 */
#define	_GNU_SOURCE

#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define	ARENA	((size_t)1 << 32)
#define	TLS	__thread __attribute__((tls_model("initial-exec")))

static TLS char *base, *cur;

static char *
arena(void)
{
	void *p;

	p = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return (p == MAP_FAILED ? NULL : p);
}

#if defined(FLOOR_LIFO)

#define	SLOT	256

struct slot {
	struct slot	*next;
};

static TLS struct slot *head;

void *
malloc(size_t n)
{
	struct slot *s = head;

	if (n > SLOT)
		return (NULL);
	if (__builtin_expect(s != NULL, 1)) {
		head = s->next;
		return (s);
	}
	if (base == NULL && (base = cur = arena()) == NULL)
		return (NULL);
	cur += SLOT;
	return (cur - SLOT);
}

void
free(void *p)
{
	struct slot *s = p;

	if (s != NULL) {
		s->next = head;
		head = s;
	}
}

#elif defined(FLOOR_BUMP)

static TLS size_t live;

void *
malloc(size_t n)
{
	char *p;

	if (base == NULL && (base = cur = arena()) == NULL)
		return (NULL);
	p = cur;
	cur += (n + 15) & ~(size_t)15;
	live++;
	return (p);
}

void
free(void *p)
{
	if (p != NULL && --live == 0)
		cur = base;
}

#else
#error "build with -DFLOOR_LIFO or -DFLOOR_BUMP"
#endif

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return (NULL);
	if ((p = malloc(n * size)) != NULL)
		memset(p, 0, n * size);
	return (p);
}

void *
realloc(void *old, size_t n)
{
	void *p;

	if ((p = malloc(n)) != NULL && old != NULL)
		memcpy(p, old, n);
	return (p);
}
