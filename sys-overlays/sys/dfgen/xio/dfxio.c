/*
 * dfxio.c: the page-list runtime of the XIO_WRAPPERS paths (dfxio.h).
 *
 * Everything goes through one walk, dfxio_walk(), which checks a range
 * against the list and hands each page's piece of it, mapped, to a
 * function; the copies differ only in that function.  The kernel and
 * the host differ only in how a page is mapped, how user pages are
 * held and what the plain uiomove is.
 */

#include <sys/dfgen_compat.h>

#ifdef _KERNEL
#include <sys/kernel.h>
#include <sys/sysctl.h>
#include <sys/vnode.h>
#include <vm/vm.h>
#include <vm/vm_extern.h>
#include <vm/vm_page.h>
#include <vm/vm_page2.h>
#include <cpu/lwbuf.h>
#else
#include <stdint.h>
#include <string.h>
#endif

#include "dfxio.h"

#ifdef _KERNEL

SYSCTL_NODE(_kern, OID_AUTO, dfxio, CTLFLAG_RW, 0,
    "XIO_WRAPPERS: paths converted to page-list I/O");

struct dfxio_map {
	struct lwbuf	*m_lwb;
	struct lwbuf	m_cache;
};

static char *
dfxio_map(struct dfxio_map *map, dfxio_page_t m)
{
	map->m_lwb = lwbuf_alloc(m, &map->m_cache);
	return ((char *)lwbuf_kva(map->m_lwb));
}

static void
dfxio_unmap(struct dfxio_map *map)
{
	lwbuf_free(map->m_lwb);
}

/* The kernel's memcpy copies a page with rep movs already. */
#define	dfxio_page_copy(dst, src, n)	memcpy((dst), (src), (n))

#else /* !_KERNEL */

struct dfxio_map {
	dfxio_page_t	m_page;
};

static char *
dfxio_map(struct dfxio_map *map, dfxio_page_t m)
{
	map->m_page = m;
	return (m->hp_kva);
}

static void
dfxio_unmap(struct dfxio_map *map)
{
	map->m_page = NULL;
}

/*
 * A page's piece is copied the way the kernel's memcpy does it, with a
 * string move (support.s: rep movs above 1 KiB), not with the C
 * library's vector loop, which loses 5-10% of the bandwidth when a
 * transfer is cut into pages.
 */
#if defined(__x86_64__) || defined(__i386__)
static __inline void
dfxio_page_copy(void *dst, const void *src, size_t n)
{
	__asm__ __volatile__("rep movsb"
	    : "+D" (dst), "+S" (src), "+c" (n) : : "memory");
}
#else
#define	dfxio_page_copy(dst, src, n)	memcpy((dst), (src), (n))
#endif

/* The host's "user" memory: one range, declared by the caller. */
static uintptr_t dfxio_user_lo, dfxio_user_hi;

void
dfxio_host_user(const void *base, size_t len)
{
	dfxio_user_lo = (uintptr_t)base;
	dfxio_user_hi = (uintptr_t)base + len;
}

static int
dfxio_user_ok(const void *uaddr, size_t len)
{
	uintptr_t a = (uintptr_t)uaddr;

	return (a >= dfxio_user_lo && a <= dfxio_user_hi &&
	    len <= dfxio_user_hi - a);
}

#endif /* _KERNEL */

typedef int	dfxio_piece_fn(char *, size_t, void *);

/*
 * Hand every page's piece of bytes [xoff, xoff + n) of the range to
 * fn, mapped; stop at the first error fn returns.
 */
static int
dfxio_walk(const struct dfxio *x, size_t xoff, size_t n, dfxio_piece_fn *fn,
    void *arg)
{
	struct dfxio_map map;
	size_t pos, in, cnt;
	int error;

	if (xoff > x->x_bytes || n > x->x_bytes - xoff)
		return (EFAULT);
	pos = x->x_offset + xoff;
	error = 0;
	while (n > 0 && error == 0) {
		in = pos & DFXIO_PAGE_MASK;
		cnt = DFXIO_PAGE_SIZE - in;
		if (cnt > n)
			cnt = n;
		error = fn(dfxio_map(&map, x->x_pages[pos / DFXIO_PAGE_SIZE]) +
		    in, cnt, arg);
		dfxio_unmap(&map);
		pos += cnt;
		n -= cnt;
	}
	return (error);
}

int
dfxio_init_pages(struct dfxio *x, dfxio_page_t *pages, int npages,
    size_t offset, size_t bytes)
{
	size_t room;

	x->x_pages = pages;
	x->x_npages = 0;
	x->x_held = 0;
	x->x_dirty = 0;
	x->x_offset = 0;
	x->x_bytes = 0;
	if (npages < 0)
		return (EINVAL);
	room = (size_t)npages * DFXIO_PAGE_SIZE;
	if (offset > room || bytes > room - offset)
		return (EINVAL);
	x->x_npages = npages;
	x->x_offset = offset;
	x->x_bytes = bytes;
	return (0);
}

#ifdef _KERNEL

/*
 * What uiomovebp() does before it copies: the last page of a cached
 * regular file's buffer may hold invalid bytes past EOF, which must
 * read as zeroes.
 */
static void
dfxio_buf_zero_invalid(dfxio_buf_t *bp)
{
	vm_page_t last;

	if (bp->b_vp == NULL || bp->b_vp->v_type != VREG ||
	    (bp->b_flags & B_CACHE) == 0 || bp->b_xio.xio_npages == 0)
		return;
	last = bp->b_xio.xio_pages[bp->b_xio.xio_npages - 1];
	if (last->valid != VM_PAGE_BITS_ALL)
		vm_page_zero_invalid(last, TRUE);
}

int
dfxio_init_buf(struct dfxio *x, dfxio_buf_t *bp, size_t offset, size_t bytes)
{
	size_t first = (vm_offset_t)bp->b_data & DFXIO_PAGE_MASK;

	if (offset > SIZE_MAX - first)
		return (EINVAL);
	return (dfxio_init_pages(x, bp->b_xio.xio_pages,
	    bp->b_xio.xio_npages, first + offset, bytes));
}

int
dfxio_hold_user(struct dfxio *x, const void *uaddr, size_t len, int writing)
{
	vm_offset_t va = trunc_page((vm_offset_t)uaddr);
	size_t offset = (vm_offset_t)uaddr & DFXIO_PAGE_MASK;
	size_t bytes = DFXIO_WINDOW_PAGES * DFXIO_PAGE_SIZE - offset;
	vm_prot_t prot = writing ? VM_PROT_READ | VM_PROT_WRITE : VM_PROT_READ;
	vm_page_t m;
	int error, i, npages;

	if (bytes > len)
		bytes = len;
	npages = (offset + bytes + DFXIO_PAGE_MASK) / DFXIO_PAGE_SIZE;
	dfxio_init_pages(x, x->x_window, 0, 0, 0);
	for (i = 0; i < npages; i++) {
		error = 0;
		m = vm_fault_page_quick(va + i * DFXIO_PAGE_SIZE, prot, &error,
		    NULL);
		if (m == NULL) {
			dfxio_release(x);
			return (error ? error : EFAULT);
		}
		x->x_window[i] = m;
		x->x_npages = i + 1;
	}
	x->x_held = 1;
	x->x_dirty = writing;
	x->x_offset = offset;
	x->x_bytes = bytes;
	return (0);
}

void
dfxio_release(struct dfxio *x)
{
	int i;

	for (i = 0; x->x_held && i < x->x_npages; i++) {
		if (x->x_dirty)
			vm_page_dirty(x->x_pages[i]);
		vm_page_unhold(x->x_pages[i]);
	}
	dfxio_init_pages(x, x->x_pages, 0, 0, 0);
}

int
dfxio_uiomove_plain(void *cp, size_t n, dfxio_uio_t *uio)
{
	return (uiomove(cp, n, uio));
}

#else /* !_KERNEL */

int
dfxio_init_buf(struct dfxio *x, dfxio_buf_t *bp, size_t offset, size_t bytes)
{
	size_t first = (uintptr_t)bp->b_data & DFXIO_PAGE_MASK;

	if (offset > SIZE_MAX - first)
		return (EINVAL);
	return (dfxio_init_pages(x, bp->b_pages, bp->b_npages, first + offset,
	    bytes));
}

int
dfxio_hold_user(struct dfxio *x, const void *uaddr, size_t len, int writing)
{
	uintptr_t va = (uintptr_t)uaddr & ~(uintptr_t)DFXIO_PAGE_MASK;
	size_t offset = (uintptr_t)uaddr & DFXIO_PAGE_MASK;
	size_t bytes = DFXIO_WINDOW_PAGES * DFXIO_PAGE_SIZE - offset;
	int i, npages;

	if (bytes > len)
		bytes = len;
	dfxio_init_pages(x, x->x_window, 0, 0, 0);
	if (!dfxio_user_ok(uaddr, bytes))
		return (EFAULT);
	npages = (int)((offset + bytes + DFXIO_PAGE_MASK) / DFXIO_PAGE_SIZE);
	for (i = 0; i < npages; i++) {
		x->x_host[i].hp_kva = (char *)(va + i * DFXIO_PAGE_SIZE);
		x->x_window[i] = &x->x_host[i];
	}
	x->x_npages = npages;
	x->x_held = 1;
	x->x_dirty = writing;
	x->x_offset = offset;
	x->x_bytes = bytes;
	return (0);
}

void
dfxio_release(struct dfxio *x)
{
	dfxio_init_pages(x, x->x_pages, 0, 0, 0);
}

/* uiomove(9) over iovecs, "user" ones checked against the user range. */
int
dfxio_uiomove_plain(void *cp, size_t n, dfxio_uio_t *uio)
{
	struct iovec *iov;
	size_t cnt;

	while (n > 0 && uio->uio_resid > 0) {
		iov = uio->uio_iov;
		if (iov->iov_len == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		cnt = iov->iov_len < n ? iov->iov_len : n;
		if (uio->uio_segflg == DFXIO_USERSPACE &&
		    !dfxio_user_ok(iov->iov_base, cnt))
			return (EFAULT);
		if (uio->uio_rw == DFXIO_READ)
			memcpy(iov->iov_base, cp, cnt);
		else
			memcpy(cp, iov->iov_base, cnt);
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += cnt;
		cp = (char *)cp + cnt;
		n -= cnt;
	}
	return (0);
}

#endif /* _KERNEL */

static int
dfxio_piece_out(char *kva, size_t n, void *arg)
{
	char **dst = arg;

	dfxio_page_copy(*dst, kva, n);
	*dst += n;
	return (0);
}

static int
dfxio_piece_in(char *kva, size_t n, void *arg)
{
	const char **src = arg;

	dfxio_page_copy(kva, *src, n);
	*src += n;
	return (0);
}

/* Bytes [xoff, xoff + n) of the range into kbuf. */
int
dfxio_copy_out(const struct dfxio *x, size_t xoff, void *kbuf, size_t n)
{
	char *dst = kbuf;

	return (dfxio_walk(x, xoff, n, dfxio_piece_out, &dst));
}

/* kbuf into bytes [xoff, xoff + n) of the range. */
int
dfxio_copy_in(struct dfxio *x, size_t xoff, const void *kbuf, size_t n)
{
	const char *src = kbuf;

	return (dfxio_walk(x, xoff, n, dfxio_piece_in, &src));
}

struct dfxio_to {
	struct dfxio	*t_dst;
	size_t		t_off;
};

static int
dfxio_piece_xio(char *kva, size_t n, void *arg)
{
	struct dfxio_to *to = arg;
	int error;

	error = dfxio_copy_in(to->t_dst, to->t_off, kva, n);
	to->t_off += n;
	return (error);
}

/* Page to page: bytes [soff, soff + n) of src to [doff, doff + n) of dst. */
int
dfxio_copy_xio(struct dfxio *dst, size_t doff, const struct dfxio *src,
    size_t soff, size_t n)
{
	struct dfxio_to to = { dst, doff };

	if (doff > dst->x_bytes || n > dst->x_bytes - doff)
		return (EFAULT);
	return (dfxio_walk(src, soff, n, dfxio_piece_xio, &to));
}

static int
dfxio_piece_uio(char *kva, size_t n, void *arg)
{
	return (dfxio_uiomove_plain(kva, n, arg));
}

/*
 * Between bytes [xoff, xoff + n) of the range and the uio, page by
 * page, in the uio's direction; no more than the uio's residual.
 */
int
dfxio_uiomove(struct dfxio *x, size_t xoff, size_t n, dfxio_uio_t *uio)
{
	if (xoff > x->x_bytes || n > x->x_bytes - xoff)
		return (EFAULT);
	if (n > (size_t)uio->uio_resid)
		n = uio->uio_resid;
	return (dfxio_walk(x, xoff, n, dfxio_piece_uio, uio));
}

/*
 * The user-pages path: what uiomove(kbuf, n, uio) does for a user
 * space uio, but through windows of held user pages, each copied page
 * by page.
 */
int
dfxio_uio_kbuf(void *kbuf, size_t n, dfxio_uio_t *uio)
{
	struct dfxio x;
	struct iovec *iov;
	char *k = kbuf;
	size_t cnt;
	int error, reading = uio->uio_rw == DFXIO_READ;

	while (n > 0 && uio->uio_resid > 0) {
		iov = uio->uio_iov;
		if (iov->iov_len == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		cnt = iov->iov_len < n ? iov->iov_len : n;
		error = dfxio_hold_user(&x, iov->iov_base, cnt, reading);
		if (error)
			return (error);
		cnt = x.x_bytes;
		if (reading)
			error = dfxio_copy_in(&x, 0, k, cnt);
		else
			error = dfxio_copy_out(&x, 0, k, cnt);
		dfxio_release(&x);
		if (error)
			return (error);
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += cnt;
		k += cnt;
		n -= cnt;
	}
	return (0);
}

/*
 * The buffer-pages path: what uiomovebp(bp, bp->b_data + offset, n,
 * uio) does, through the buffer's pages instead of its mapping.
 */
int
dfxio_uio_buf(dfxio_buf_t *bp, size_t offset, size_t n, dfxio_uio_t *uio)
{
	struct dfxio x;
	int error;

	error = dfxio_init_buf(&x, bp, offset, n);
	if (error)
		return (error);
#ifdef _KERNEL
	dfxio_buf_zero_invalid(bp);
#endif
	return (dfxio_uiomove(&x, 0, n, uio));
}

/*
 * Whether path p takes the page list for a transfer of n bytes at
 * kaddr: it is enabled, the transfer is large enough, and the kernel
 * address and the uio's next user address are both aligned as p asks.
 * Counts the transfer either way.
 */
int
dfxio_path_takes(struct dfxio_path *p, const void *kaddr, size_t n,
    const dfxio_uio_t *uio)
{
	uintptr_t addr = (uintptr_t)kaddr;

	dfxio_count(p, xp_calls);
	if (!p->xp_enabled || p->xp_min_bytes < 0 ||
	    n < (size_t)p->xp_min_bytes || p->xp_align <= 0)
		return (0);
	if (uio->uio_iovcnt > 0)
		addr |= (uintptr_t)uio->uio_iov->iov_base;
	if ((addr & ((uintptr_t)p->xp_align - 1)) != 0)
		return (0);
	dfxio_count(p, xp_xio);
	return (1);
}
