/*
 * dfstruct.h: what the code the structs family generates needs at run
 * time: byte order, errors that name the field, CRCs and printing.
 * One source for the kernel (_KERNEL) and the host.
 */

#ifndef _DFGEN_STRUCTS_DFSTRUCT_H_
#define	_DFGEN_STRUCTS_DFSTRUCT_H_

#include <sys/dfgen_compat.h>

#ifdef _KERNEL
#include <sys/lock.h>
#endif

/*
 * Which of the two fixed byte orders differ from the host's: constants,
 * so that a decoder for a format in the host's order is a copy.  The
 * compiler's own macros: <endian.h> and <sys/endian.h> disagree.
 */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define	DFS_SWAP_LITTLE	1
#define	DFS_SWAP_BIG	0
#else
#define	DFS_SWAP_LITTLE	0
#define	DFS_SWAP_BIG	1
#endif

/* Why a decode, encode or check failed. */
#define	DFS_ESHORT	1	/* the buffer is too short */
#define	DFS_EMAGIC	2	/* a magic field does not match */
#define	DFS_ERANGE	3	/* a value is outside its stated range */
#define	DFS_EENUM	4	/* a value is no member of its enum */
#define	DFS_ECHECK	5	/* a cross-field check failed */
#define	DFS_ECRC	6	/* a checksum does not match */
#define	DFS_ELENGTH	7	/* a tail is longer than its array */
#define	DFS_EVERSION	8	/* a version this code cannot convert to */

/*
 * Where it failed: the structure, the field (or check, or checksum) and
 * the field's offset in the structure.
 */
struct dfs_error {
	const char	*type;
	const char	*field;
	size_t		offset;
	int		code;
};

int		dfs_fail(struct dfs_error *, const char *, const char *,
		    size_t, int);
const char	*dfs_strerror(int);

/* Loads and stores of any alignment, in a stated byte order. */
static __inline uint16_t
dfs_load16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return (v);
}

static __inline uint32_t
dfs_load32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return (v);
}

static __inline uint64_t
dfs_load64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return (v);
}

static __inline void
dfs_store16(void *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static __inline void
dfs_store32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static __inline void
dfs_store64(void *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Swap the integer at p in place. */
static __inline void
dfs_swap16(void *p)
{
	dfs_store16(p, __builtin_bswap16(dfs_load16(p)));
}

static __inline void
dfs_swap32(void *p)
{
	dfs_store32(p, __builtin_bswap32(dfs_load32(p)));
}

static __inline void
dfs_swap64(void *p)
{
	dfs_store64(p, __builtin_bswap64(dfs_load64(p)));
}

/* A long or unsigned long: as wide as the ABI makes it. */
static __inline void
dfs_swaplong(void *p)
{
	if (sizeof(long) == 8)
		dfs_swap64(p);
	else
		dfs_swap32(p);
}

/*
 * Store at d the integer at p, swapped.  Decoders swap from the media
 * buffer into the structure they just copied it to, so that no load
 * waits on the wide stores of that copy.
 */
static __inline void
dfs_swapto16(void *d, const void *p)
{
	dfs_store16(d, __builtin_bswap16(dfs_load16(p)));
}

static __inline void
dfs_swapto32(void *d, const void *p)
{
	dfs_store32(d, __builtin_bswap32(dfs_load32(p)));
}

static __inline void
dfs_swapto64(void *d, const void *p)
{
	dfs_store64(d, __builtin_bswap64(dfs_load64(p)));
}

static __inline void
dfs_swaptolong(void *d, const void *p)
{
	if (sizeof(long) == 8)
		dfs_swapto64(d, p);
	else
		dfs_swapto32(d, p);
}

/*
 * The value at p in the order 'swap' says (nonzero: not the host's).
 * Fixed-order accessors pass DFS_SWAP_LITTLE or DFS_SWAP_BIG, which the
 * compiler folds away.
 */
static __inline uint16_t
dfs_get16(const void *p, int swap)
{
	return (swap ? __builtin_bswap16(dfs_load16(p)) : dfs_load16(p));
}

static __inline uint32_t
dfs_get32(const void *p, int swap)
{
	return (swap ? __builtin_bswap32(dfs_load32(p)) : dfs_load32(p));
}

static __inline uint64_t
dfs_get64(const void *p, int swap)
{
	return (swap ? __builtin_bswap64(dfs_load64(p)) : dfs_load64(p));
}

static __inline unsigned long
dfs_getlong(const void *p, int swap)
{
	if (sizeof(long) == 8)
		return ((unsigned long)dfs_get64(p, swap));
	return ((unsigned long)dfs_get32(p, swap));
}

static __inline void
dfs_put16(void *p, uint16_t v, int swap)
{
	dfs_store16(p, swap ? __builtin_bswap16(v) : v);
}

static __inline void
dfs_put32(void *p, uint32_t v, int swap)
{
	dfs_store32(p, swap ? __builtin_bswap32(v) : v);
}

static __inline void
dfs_put64(void *p, uint64_t v, int swap)
{
	dfs_store64(p, swap ? __builtin_bswap64(v) : v);
}

static __inline void
dfs_putlong(void *p, unsigned long v, int swap)
{
	if (sizeof(long) == 8)
		dfs_put64(p, (uint64_t)v, swap);
	else
		dfs_put32(p, (uint32_t)v, swap);
}

/*
 * CRCs over a media buffer, both reflected with an all-ones start and
 * final complement: crc32 is ISO-HDLC's (zlib's, libkern's crc32()),
 * crc32c Castagnoli's (iSCSI's, libkern's iscsi_crc32(), HAMMER2's and
 * dmsg's).  The _ext forms continue a CRC over another piece.
 */
uint32_t	dfs_crc32_ext(const void *, size_t, uint32_t);
uint32_t	dfs_crc32c_ext(const void *, size_t, uint32_t);
uint32_t	dfs_crc_zeros(uint32_t (*)(const void *, size_t, uint32_t),
		    size_t, uint32_t);

/*
 * Fields that say a lock protects them are read and written through
 * accessors that assert it is held: in the kernel with lockstatus(9),
 * on the host through a hook a test installs.
 */
#ifdef _KERNEL
typedef struct lock	dfs_lock_t;
#define	DFS_ASSERT_LOCKED(lk, what)	\
	KKASSERT(lockstatus((lk), curthread) != 0)
#else
typedef struct dfs_lock	dfs_lock_t;
extern void	(*dfs_lock_assert_hook)(const dfs_lock_t *, const char *);
#define	DFS_ASSERT_LOCKED(lk, what) do {			\
	if (dfs_lock_assert_hook != NULL)			\
		dfs_lock_assert_hook((lk), (what));		\
} while (0)
#endif

/* Printing: kprintf(9) in the kernel, whatever the caller likes on the host. */
typedef void	dfs_print_fn(void *, const char *, ...) __printflike(2, 3);

void		dfs_print_bytes(dfs_print_fn *, void *, int, const char *,
		    const void *, size_t, int);
void		dfs_print_flags(dfs_print_fn *, void *, uint32_t,
		    const char *(*)(unsigned int));

#endif /* !_DFGEN_STRUCTS_DFSTRUCT_H_ */
