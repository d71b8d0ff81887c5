/*
 * Per-thread state, carving objects from spans, and the depot where
 * the objects of threads that exit (and a freelist's surplus) wait for
 * another thread.
 */
#include "dfalloc_rt.h"

_Thread_local struct dfa_thread dfa_self
    __attribute__((tls_model("initial-exec")));

/*
 * A depot keeps the lists it is given whole, as batches, while it has
 * room to note them, so that a thread that needs objects takes a batch
 * without walking it; what comes past that room joins one loose list.
 */
#define	DFA_DEPOT_BATCHES	64

struct dfa_batch {
	struct dfa_free	*head;
	struct dfa_free	*last;
	uint32_t	count;
};

struct dfa_depot {
	pthread_mutex_t	lock;
	uint32_t	count;		/* objects, batched and loose */
	uint32_t	nbatches;
	struct dfa_batch batch[DFA_DEPOT_BATCHES];
	struct dfa_free	*loose;
};

static struct dfa_depot dfa_depot[DFALLOC_NCLASSES];
static pthread_key_t dfa_exit_key;
static int dfa_exit_key_ok;
static uint16_t dfa_next_id;

/* Before any thread registers (single-threaded: from dfa_init). */
void
dfa_thread_register(struct dfa_thread *t)
{
	unsigned int c;

	if (t == NULL) {
		for (c = 0; c < DFALLOC_NCLASSES; c++)
			pthread_mutex_init(&dfa_depot[c].lock, NULL);
		dfa_exit_key_ok = pthread_key_create(&dfa_exit_key,
		    dfa_thread_exit) == 0;
		return;
	}
	/* pthread_setspecific() may allocate: mark first. */
	t->registered = 1;
	do {
		t->id = __atomic_add_fetch(&dfa_next_id, 1, __ATOMIC_RELAXED);
	} while (t->id == 0);
	if (dfa_exit_key_ok)
		pthread_setspecific(dfa_exit_key, t);
}

void
dfa_depot_put(unsigned int class, struct dfa_free *head,
    struct dfa_free *tail, uint32_t count)
{
	struct dfa_depot *d = &dfa_depot[class];

	pthread_mutex_lock(&d->lock);
	if (d->nbatches < DFA_DEPOT_BATCHES) {
		tail->next = NULL;
		d->batch[d->nbatches++] = (struct dfa_batch){ head, tail, count };
	} else {
		tail->next = d->loose;
		d->loose = head;
	}
	__atomic_store_n(&d->count, d->count + count, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&d->lock);
}

/*
 * Objects of `class`, as a list: the newest batch whole, else up to
 * `want` of the loose list; *count says how many and *last is the
 * list's last.
 */
struct dfa_free *
dfa_depot_take(unsigned int class, uint32_t want, uint32_t *count,
    struct dfa_free **last)
{
	struct dfa_depot *d = &dfa_depot[class];
	struct dfa_free *head, *tail;
	uint32_t n;

	*count = 0;
	if (__atomic_load_n(&d->count, __ATOMIC_RELAXED) == 0)
		return (NULL);
	pthread_mutex_lock(&d->lock);
	if (d->nbatches > 0) {
		d->nbatches--;
		head = d->batch[d->nbatches].head;
		tail = d->batch[d->nbatches].last;
		n = d->batch[d->nbatches].count;
	} else if ((head = tail = d->loose) != NULL) {
		for (n = 1; tail->next != NULL && n < want; n++)
			tail = tail->next;
		d->loose = tail->next;
		tail->next = NULL;
	} else {
		pthread_mutex_unlock(&d->lock);
		return (NULL);
	}
	__atomic_store_n(&d->count, d->count - n, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&d->lock);
	*count = n;
	*last = tail;
	return (head);
}

static void
dfa_flush(unsigned int class, struct dfa_free **list)
{
	struct dfa_free *head, *tail;
	uint32_t n;

	head = *list;
	if (head == NULL)
		return;
	for (tail = head, n = 1; tail->next != NULL; tail = tail->next)
		n++;
	*list = NULL;
	dfa_depot_put(class, head, tail, n);
}

/* A thread exits: what it holds goes to the depot. */
void
dfa_thread_exit(void *arg)
{
	struct dfa_thread *t = arg;
	unsigned int c;

	for (c = 0; c < DFALLOC_NCLASSES; c++) {
		dfa_flush(c, &t->slab_free[c]);
		dfa_flush(c, &t->flist_free[c]);
		dfa_flush(c, &t->flist_full[c]);
		t->flist_count[c] = t->flist_full_count[c] = 0;
	}
	if (dfa_profiling)
		dfa_profile_thread_exit(t);
}

void
dfa_depot_lock(void)
{
	unsigned int c;

	for (c = 0; c < DFALLOC_NCLASSES; c++)
		pthread_mutex_lock(&dfa_depot[c].lock);
}

void
dfa_depot_unlock(void)
{
	unsigned int c;

	for (c = DFALLOC_NCLASSES; c-- > 0;)
		pthread_mutex_unlock(&dfa_depot[c].lock);
}

/*
 * A new object of `class` from the thread's span of `kind`, taking a
 * new span when that one is spent.  Objects sit at multiples of their
 * size from the span's start, so a class whose size is a power of two
 * is aligned to it.
 */
void *
dfa_carve(char **cur, char **end, enum dfa_kind kind, unsigned int class)
{
	size_t size = dfalloc_class_size[class];
	char *p;

	if (*cur == NULL || (size_t)(*end - *cur) < size) {
		p = dfa_span_get(1, kind, class);
		if (p == NULL)
			return (NULL);
		*cur = p;
		*end = p + DFA_SPAN_SIZE / size * size;
	}
	p = *cur;
	*cur += size;
	return (p);
}
