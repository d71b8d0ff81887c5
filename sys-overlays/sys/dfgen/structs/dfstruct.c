/*
 * dfstruct.c: the run-time support of generated structure code.
 * One source for the kernel (_KERNEL) and the host.
 */

#include <sys/dfgen_compat.h>

#include <dfgen/structs/dfstruct.h>

#ifndef _KERNEL
void	(*dfs_lock_assert_hook)(const dfs_lock_t *, const char *);
#endif

static const char *const dfs_errors[] = {
	[0] = "no error",
	[DFS_ESHORT] = "buffer too short",
	[DFS_EMAGIC] = "bad magic",
	[DFS_ERANGE] = "value out of range",
	[DFS_EENUM] = "value not in its enum",
	[DFS_ECHECK] = "check failed",
	[DFS_ECRC] = "checksum mismatch",
	[DFS_ELENGTH] = "tail longer than its array",
	[DFS_EVERSION] = "unsupported version",
};

/*
 * Record where a generated function failed, when the caller asked, and
 * return the code so that the caller can write return (dfs_fail(...)).
 */
int
dfs_fail(struct dfs_error *err, const char *type, const char *field,
    size_t offset, int code)
{
	if (err != NULL) {
		err->type = type;
		err->field = field;
		err->offset = offset;
		err->code = code;
	}
	return (code);
}

const char *
dfs_strerror(int code)
{
	if (code < 0 || code >= (int)(sizeof(dfs_errors) /
	    sizeof(dfs_errors[0])))
		return ("unknown error");
	return (dfs_errors[code]);
}

/*
 * The CRC tables, computed by the preprocessor: entry n is n shifted
 * through eight rounds of the reflected polynomial.  Each round names
 * its argument twice, not three times: 2^8 copies per entry, not 3^8.
 */
#define	CRC_R(c, poly)	(((c) >> 1) ^ ((poly) & (0U - ((c) & 1))))
#define	CRC_E(n, p)	CRC_R(CRC_R(CRC_R(CRC_R(CRC_R(CRC_R(CRC_R(	\
			    CRC_R((uint32_t)(n), p), p), p), p), p), p), p), p)
#define	CRC_4(n, p)	CRC_E(n, p), CRC_E((n) + 1, p), CRC_E((n) + 2, p), \
			CRC_E((n) + 3, p)
#define	CRC_16(n, p)	CRC_4(n, p), CRC_4((n) + 4, p), CRC_4((n) + 8, p), \
			CRC_4((n) + 12, p)
#define	CRC_64(n, p)	CRC_16(n, p), CRC_16((n) + 16, p),		\
			CRC_16((n) + 32, p), CRC_16((n) + 48, p)
#define	CRC_TABLE(p)	{ CRC_64(0, p), CRC_64(64, p), CRC_64(128, p),	\
			CRC_64(192, p) }

#define	POLY_CRC32	0xedb88320U	/* ISO-HDLC, reflected */
#define	POLY_CRC32C	0x82f63b78U	/* Castagnoli, reflected */

static const uint32_t crc32_table[256] = CRC_TABLE(POLY_CRC32);
static const uint32_t crc32c_table[256] = CRC_TABLE(POLY_CRC32C);

static uint32_t
crc_update(const uint32_t *table, const void *buf, size_t len, uint32_t crc)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len-- > 0)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return (~crc);
}

uint32_t
dfs_crc32_ext(const void *buf, size_t len, uint32_t crc)
{
	return (crc_update(crc32_table, buf, len, crc));
}

uint32_t
dfs_crc32c_ext(const void *buf, size_t len, uint32_t crc)
{
	return (crc_update(crc32c_table, buf, len, crc));
}

/* Continue a CRC over len zero bytes: a field taken as zero. */
uint32_t
dfs_crc_zeros(uint32_t (*ext)(const void *, size_t, uint32_t), size_t len,
    uint32_t crc)
{
	static const uint8_t zeros[64];
	size_t n;

	while (len > 0) {
		n = len < sizeof(zeros) ? len : sizeof(zeros);
		crc = ext(zeros, n, crc);
		len -= n;
	}
	return (crc);
}

/*
 * Print a byte array on one line: as a string up to its first NUL when
 * 'text' is set, else in hex.
 */
void
dfs_print_bytes(dfs_print_fn *pr, void *arg, int indent, const char *name,
    const void *buf, size_t len, int text)
{
	const uint8_t *p = buf;
	size_t i;

	pr(arg, "%*s%s:", indent, "", name);
	if (text) {
		for (i = 0; i < len && p[i] != 0; i++)
			;
		pr(arg, " \"%.*s\"\n", (int)i, (const char *)p);
		return;
	}
	for (i = 0; i < len; i++)
		pr(arg, "%s%02x", i % 4 == 0 ? " " : "", p[i]);
	pr(arg, "\n");
}

/* The names of the bits set in v, after its value, as <A,B,0x40>. */
void
dfs_print_flags(dfs_print_fn *pr, void *arg, uint32_t v,
    const char *(*name)(unsigned int))
{
	const char *sep = "";
	const char *s;
	unsigned int bit;
	int i;

	pr(arg, " <");
	for (i = 0; i < 32; i++) {
		bit = 1U << i;
		if ((v & bit) == 0)
			continue;
		s = name(bit);
		if (s != NULL)
			pr(arg, "%s%s", sep, s);
		else
			pr(arg, "%s%#x", sep, bit);
		sep = ",";
	}
	pr(arg, ">");
}
