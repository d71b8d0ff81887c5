/*
 * dfxio.h: page lists for the XIO_WRAPPERS paths.
 *
 * A struct dfxio names a byte range of a list of pages: byte 0 of the
 * range is x_offset bytes into the first page, and the range is
 * x_bytes long.  Copies into and out of the range go page by page, each
 * page mapped only while it is copied, so no contiguous kernel mapping
 * is ever needed.  The range comes from a caller's page array, from a
 * buffer's pages (dfxio_init_buf) or from a window of held user pages
 * (dfxio_hold_user).
 *
 * One source for two homes.  In the kernel a page is a struct vm_page,
 * mapped with an lwbuf, and user pages are faulted in and held.  On
 * the host a page is an emulated one: the address of a page-sized,
 * page-aligned piece of memory the caller mapped with mmap(2), and
 * "user" memory is whatever dfxio_host_user() declared; anything
 * outside it faults (EFAULT), as an unmapped user address does.
 *
 * Every function checks its range: an offset or a length outside the
 * list is refused with EFAULT, a list that cannot hold its range with
 * EINVAL, and nothing is copied then.
 */

#ifndef _DFGEN_XIO_DFXIO_H_
#define	_DFGEN_XIO_DFXIO_H_

#include <sys/dfgen_compat.h>

#ifdef _KERNEL

#include <sys/errno.h>
#include <sys/uio.h>
#include <sys/buf.h>

struct vm_page;
typedef struct vm_page	*dfxio_page_t;
typedef struct uio	dfxio_uio_t;
typedef struct buf	dfxio_buf_t;

#define	DFXIO_PAGE_SIZE		PAGE_SIZE
#define	DFXIO_USERSPACE		UIO_USERSPACE
#define	DFXIO_READ		UIO_READ
#define	DFXIO_WRITE		UIO_WRITE

#else /* !_KERNEL */

#include <errno.h>
#include <sys/uio.h>

/* An emulated page: where its bytes are. */
struct dfxio_host_page {
	char		*hp_kva;
};
typedef struct dfxio_host_page *dfxio_page_t;

/* The fields of the kernel's struct uio that dfxio uses. */
typedef struct dfxio_host_uio {
	struct iovec	*uio_iov;
	int		uio_iovcnt;
	off_t		uio_offset;
	size_t		uio_resid;
	int		uio_segflg;
	int		uio_rw;
} dfxio_uio_t;

/* A buffer: its data and the pages that hold it. */
typedef struct dfxio_host_buf {
	char		*b_data;
	dfxio_page_t	*b_pages;
	int		b_npages;
} dfxio_buf_t;

#define	DFXIO_PAGE_SIZE		((size_t)4096)
#define	DFXIO_SYSSPACE		0
#define	DFXIO_USERSPACE		1
#define	DFXIO_READ		0
#define	DFXIO_WRITE		1

#endif /* _KERNEL */

#define	DFXIO_PAGE_MASK		(DFXIO_PAGE_SIZE - 1)
/* User pages held at once by dfxio_hold_user(): a window of 64 KiB. */
#define	DFXIO_WINDOW_PAGES	16

struct dfxio {
	dfxio_page_t	*x_pages;
	int		x_npages;
	int		x_held;		/* pages held by dfxio_hold_user() */
	int		x_dirty;	/* held pages were written */
	size_t		x_offset;	/* of the range in the first page */
	size_t		x_bytes;	/* length of the range */
	dfxio_page_t	x_window[DFXIO_WINDOW_PAGES];
#ifndef _KERNEL
	struct dfxio_host_page x_host[DFXIO_WINDOW_PAGES];
#endif
};

/*
 * A converted path, with its run-time switch: the generated table of
 * each definition file is an array of these, and each has a sysctl
 * node kern.dfxio.<name> (enabled, min_bytes, calls, xio).
 */
struct dfxio_path {
	const char	*xp_name;
	const char	*xp_file;
	const char	*xp_function;
	const char	*xp_pattern;
	int		xp_enabled;	/* 0: always the old path */
	int		xp_min_bytes;	/* smaller transfers: the old path */
	int		xp_align;	/* misaligned transfers: the old path */
	unsigned long	xp_calls;	/* transfers offered */
	unsigned long	xp_xio;		/* transfers that took the page list */
};

#ifdef _KERNEL
#define	dfxio_count(p, field)	atomic_add_long(&(p)->field, 1)
#else
#define	dfxio_count(p, field)	((void)__atomic_fetch_add(&(p)->field, 1, \
				    __ATOMIC_RELAXED))
#endif

int	dfxio_init_pages(struct dfxio *, dfxio_page_t *, int, size_t, size_t);
int	dfxio_init_buf(struct dfxio *, dfxio_buf_t *, size_t, size_t);
int	dfxio_hold_user(struct dfxio *, const void *, size_t, int);
void	dfxio_release(struct dfxio *);
int	dfxio_copy_out(const struct dfxio *, size_t, void *, size_t);
int	dfxio_copy_in(struct dfxio *, size_t, const void *, size_t);
int	dfxio_copy_xio(struct dfxio *, size_t, const struct dfxio *, size_t,
	    size_t);
int	dfxio_uiomove(struct dfxio *, size_t, size_t, dfxio_uio_t *);
int	dfxio_uio_kbuf(void *, size_t, dfxio_uio_t *);
int	dfxio_uio_buf(dfxio_buf_t *, size_t, size_t, dfxio_uio_t *);
int	dfxio_uiomove_plain(void *, size_t, dfxio_uio_t *);
int	dfxio_path_takes(struct dfxio_path *, const void *, size_t,
	    const dfxio_uio_t *);

#ifndef _KERNEL
void	dfxio_host_user(const void *, size_t);
#endif

#endif /* !_DFGEN_XIO_DFXIO_H_ */
