/*
 * bench_structs: ns per decode and encode of HAMMER2's 128-byte blockref
 * and of the UFS1 superblock, with the code dfgen generates beside, in
 * the same run: memcpy, a decoder written here field by field, XDR
 * (libtirpc, xdrmem) and protobuf-c over the same fields, and for
 * decode the floor: memcpy and the definitions' checks written here in
 * line.  Each is measured on media in the host's byte order and, where
 * that means something, in the other one.  Allocations are counted by wrapping
 * malloc: every allocation in the process during a timed loop counts.
 *
 *	bench_structs [ITERATIONS]
 */

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rpc/rpc.h>

#include "bench.pb-c.h"
#include "hammer2_media.h"
#include "ufs1.h"

/* -- allocation counting ------------------------------------------------ */

extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);
extern void	__libc_free(void *);

static unsigned long allocations;

void *
malloc(size_t n)
{
	allocations++;
	return (__libc_malloc(n));
}

void *
calloc(size_t n, size_t m)
{
	allocations++;
	return (__libc_calloc(n, m));
}

void *
realloc(void *p, size_t n)
{
	allocations++;
	return (__libc_realloc(p, n));
}

void
free(void *p)
{
	__libc_free(p);
}

/* Keep the compiler from dropping work whose result is not used. */
#define	ESCAPE(p)	__asm__ __volatile__("" : : "g"(p) : "memory")

/* -- byte order helpers of the hand-written codecs ------------------------ */

static inline uint16_t
ld16(const uint8_t *p, int sw)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return (sw ? __builtin_bswap16(v) : v);
}

static inline uint32_t
ld32(const uint8_t *p, int sw)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (sw ? __builtin_bswap32(v) : v);
}

static inline uint64_t
ld64(const uint8_t *p, int sw)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return (sw ? __builtin_bswap64(v) : v);
}

static inline void
st16(uint8_t *p, uint16_t v, int sw)
{
	v = sw ? __builtin_bswap16(v) : v;
	memcpy(p, &v, 2);
}

static inline void
st32(uint8_t *p, uint32_t v, int sw)
{
	v = sw ? __builtin_bswap32(v) : v;
	memcpy(p, &v, 4);
}

static inline void
st64(uint8_t *p, uint64_t v, int sw)
{
	v = sw ? __builtin_bswap64(v) : v;
	memcpy(p, &v, 8);
}

/*
 * The hand-written codecs are kept out of line, as the generated ones
 * are: a kernel calls either from another file.  Inlined into the timing
 * loop, a hand-written one would be specialised on the constant byte
 * order it is passed there, which no caller has.
 */
#define	OUT_OF_LINE	__attribute__((noinline))

/* -- the blockref, by hand ---------------------------------------------- */

/*
 * The same checks as the generated decoder makes: the type is a known
 * one, keybits at most 64, the check method known; the unions are
 * swapped by the member their selector chooses.
 */
static int
hand_bref_check(const struct hammer2_blockref *b)
{
	switch (b->type) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6:
	case 254: case 255:
		break;
	default:
		return (DFS_EENUM);
	}
	if (b->keybits > 64)
		return (DFS_ERANGE);
	if ((b->methods >> 4) > 5)
		return (DFS_EENUM);
	return (0);
}

static OUT_OF_LINE int
hand_bref_decode(struct hammer2_blockref *b, const uint8_t *p, size_t len,
    int sw)
{
	if (len < 128)
		return (DFS_ESHORT);
	b->type = p[0];
	b->methods = p[1];
	b->copyid = p[2];
	b->keybits = p[3];
	b->vradix = p[4];
	b->flags = p[5];
	b->leaf_count = ld16(p + 6, sw);
	b->key = ld64(p + 0x08, sw);
	b->mirror_tid = ld64(p + 0x10, sw);
	b->modify_tid = ld64(p + 0x18, sw);
	b->data_off = ld64(p + 0x20, sw);
	b->update_tid = ld64(p + 0x28, sw);
	memcpy(&b->embed, p + 0x30, 16 + 64);
	if (b->type == HAMMER2_BREF_TYPE_DIRENT) {
		b->embed.dirent.inum = ld64(p + 0x30, sw);
		b->embed.dirent.namlen = ld16(p + 0x38, sw);
	} else if (b->type == HAMMER2_BREF_TYPE_INODE ||
	    b->type == HAMMER2_BREF_TYPE_INDIRECT) {
		b->embed.stats.data_count = ld64(p + 0x30, sw);
		b->embed.stats.inode_count = ld64(p + 0x38, sw);
	}
	switch (b->methods >> 4) {
	case HAMMER2_CHECK_ISCSI32:
		b->check.iscsi32.value = ld32(p + 0x40, sw);
		break;
	case HAMMER2_CHECK_XXHASH64:
		b->check.xxhash64.value = ld64(p + 0x40, sw);
		break;
	case HAMMER2_CHECK_FREEMAP:
		b->check.freemap.icrc32 = ld32(p + 0x40, sw);
		b->check.freemap.bigmask = ld32(p + 0x44, sw);
		b->check.freemap.avail = ld64(p + 0x48, sw);
		break;
	}
	return (hand_bref_check(b));
}

static OUT_OF_LINE int
hand_bref_encode(const struct hammer2_blockref *b, uint8_t *p, size_t len,
    int sw)
{
	int error;

	if ((error = hand_bref_check(b)) != 0)
		return (error);
	if (len < 128)
		return (DFS_ESHORT);
	p[0] = b->type;
	p[1] = b->methods;
	p[2] = b->copyid;
	p[3] = b->keybits;
	p[4] = b->vradix;
	p[5] = b->flags;
	st16(p + 6, b->leaf_count, sw);
	st64(p + 0x08, b->key, sw);
	st64(p + 0x10, b->mirror_tid, sw);
	st64(p + 0x18, b->modify_tid, sw);
	st64(p + 0x20, b->data_off, sw);
	st64(p + 0x28, b->update_tid, sw);
	memcpy(p + 0x30, &b->embed, 16 + 64);
	if (b->type == HAMMER2_BREF_TYPE_DIRENT) {
		st64(p + 0x30, b->embed.dirent.inum, sw);
		st16(p + 0x38, b->embed.dirent.namlen, sw);
	} else if (b->type == HAMMER2_BREF_TYPE_INODE ||
	    b->type == HAMMER2_BREF_TYPE_INDIRECT) {
		st64(p + 0x30, b->embed.stats.data_count, sw);
		st64(p + 0x38, b->embed.stats.inode_count, sw);
	}
	switch (b->methods >> 4) {
	case HAMMER2_CHECK_ISCSI32:
		st32(p + 0x40, b->check.iscsi32.value, sw);
		break;
	case HAMMER2_CHECK_XXHASH64:
		st64(p + 0x40, b->check.xxhash64.value, sw);
		break;
	case HAMMER2_CHECK_FREEMAP:
		st32(p + 0x40, b->check.freemap.icrc32, sw);
		st32(p + 0x44, b->check.freemap.bigmask, sw);
		st64(p + 0x48, b->check.freemap.avail, sw);
		break;
	}
	return (0);
}

/* -- the blockref, by XDR and protobuf-c -------------------------------- */

/* The fields the benchmark's blockref carries (an inode, iSCSI check). */
static bool_t
xdr_bref(XDR *x, struct hammer2_blockref *b)
{
	return (xdr_u_char(x, &b->type) && xdr_u_char(x, &b->methods) &&
	    xdr_u_char(x, &b->copyid) && xdr_u_char(x, &b->keybits) &&
	    xdr_u_char(x, &b->vradix) && xdr_u_char(x, &b->flags) &&
	    xdr_uint16_t(x, &b->leaf_count) && xdr_uint64_t(x, &b->key) &&
	    xdr_uint64_t(x, &b->mirror_tid) &&
	    xdr_uint64_t(x, &b->modify_tid) &&
	    xdr_uint64_t(x, &b->data_off) &&
	    xdr_uint64_t(x, &b->update_tid) &&
	    xdr_uint64_t(x, &b->embed.stats.data_count) &&
	    xdr_uint64_t(x, &b->embed.stats.inode_count) &&
	    xdr_uint32_t(x, &b->check.iscsi32.value));
}

static void
pb_bref_fill(Bref *m, const struct hammer2_blockref *b)
{
	m->type = b->type;
	m->methods = b->methods;
	m->copyid = b->copyid;
	m->keybits = b->keybits;
	m->vradix = b->vradix;
	m->flags = b->flags;
	m->leaf_count = b->leaf_count;
	m->key = b->key;
	m->mirror_tid = b->mirror_tid;
	m->modify_tid = b->modify_tid;
	m->data_off = b->data_off;
	m->update_tid = b->update_tid;
	m->data_count = b->embed.stats.data_count;
	m->inode_count = b->embed.stats.inode_count;
	m->check_value = b->check.iscsi32.value;
}

static void
pb_bref_take(struct hammer2_blockref *b, const Bref *m)
{
	memset(b, 0, sizeof(*b));
	b->type = (uint8_t)m->type;
	b->methods = (uint8_t)m->methods;
	b->copyid = (uint8_t)m->copyid;
	b->keybits = (uint8_t)m->keybits;
	b->vradix = (uint8_t)m->vradix;
	b->flags = (uint8_t)m->flags;
	b->leaf_count = (uint16_t)m->leaf_count;
	b->key = m->key;
	b->mirror_tid = m->mirror_tid;
	b->modify_tid = m->modify_tid;
	b->data_off = m->data_off;
	b->update_tid = m->update_tid;
	b->embed.stats.data_count = m->data_count;
	b->embed.stats.inode_count = m->inode_count;
	b->check.iscsi32.value = m->check_value;
}

/* -- the superblock, by hand, XDR and protobuf-c, from fs_fields.h ------- */

#define	FADDR(s, f)	((uint8_t *)(s) + offsetof(struct fs, f))

static int
hand_fs_check(const struct fs *s)
{
	if (s->fs_magic != FS_MAGIC)
		return (DFS_EMAGIC);
	if (s->fs_ncg < 1 || s->fs_bsize < 4096 || s->fs_bsize > 65536 ||
	    s->fs_fsize < 512 || s->fs_fsize > 65536 || s->fs_frag < 1 ||
	    s->fs_frag > 8 || s->fs_minfree < 0 || s->fs_minfree > 99 ||
	    s->fs_inopb < 1 || s->fs_ipg < 1 || s->fs_fpg < 1)
		return (DFS_ERANGE);
	if (s->fs_optim != 0 && s->fs_optim != 1)
		return (DFS_EENUM);
	if (s->fs_postblformat != -1 && s->fs_postblformat != 1)
		return (DFS_EENUM);
	if (s->fs_bsize != s->fs_fsize * s->fs_frag ||
	    s->fs_ipg % s->fs_inopb != 0)
		return (DFS_ECHECK);
	return (0);
}

static OUT_OF_LINE int
hand_fs_decode(struct fs *s, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t magic;
	int i, sw;

	if (len < FS_SIZE)
		return (DFS_ESHORT);
	memcpy(&magic, buf + offsetof(struct fs, fs_magic), 4);
	if (magic == FS_MAGIC)
		sw = 0;
	else if (__builtin_bswap32(magic) == FS_MAGIC)
		sw = 1;
	else
		return (DFS_EMAGIC);
#define	I32(f)		s->f = (int32_t)ld32(p, sw); p += 4;
#define	I32A(f, n)	for (i = 0; i < (n); i++, p += 4)		\
				s->f[i] = (int32_t)ld32(p, sw);
#define	I16A(f, n)	for (i = 0; i < (n); i++, p += 2)		\
				((int16_t *)s->f)[i] = (int16_t)ld16(p, sw);
#define	CSUM(f)		s->f.cs_ndir = (int32_t)ld32(p, sw);		\
			s->f.cs_nbfree = (int32_t)ld32(p + 4, sw);	\
			s->f.cs_nifree = (int32_t)ld32(p + 8, sw);	\
			s->f.cs_nffree = (int32_t)ld32(p + 12, sw); p += 16;
#define	U8(f)		memcpy(&s->f, p, 1); p += 1;
#define	BYTES(f, n)	memcpy(FADDR(s, f), p, (n)); p += (n);
#define	U64(f)		s->f = ld64(p, sw); p += 8;
#define	I64(f)		s->f = (int64_t)ld64(p, sw); p += 8;
#include "fs_fields.h"
#undef	I32
#undef	I32A
#undef	I16A
#undef	CSUM
#undef	U8
#undef	BYTES
#undef	U64
#undef	I64
	return (hand_fs_check(s));
}

static OUT_OF_LINE int
hand_fs_encode(const struct fs *s, uint8_t *buf, size_t len, int sw)
{
	uint8_t *p = buf;
	int error, i;

	if ((error = hand_fs_check(s)) != 0)
		return (error);
	if (len < FS_SIZE)
		return (DFS_ESHORT);
#define	I32(f)		st32(p, (uint32_t)s->f, sw); p += 4;
#define	I32A(f, n)	for (i = 0; i < (n); i++, p += 4)		\
				st32(p, (uint32_t)s->f[i], sw);
#define	I16A(f, n)	for (i = 0; i < (n); i++, p += 2)		\
				st16(p, (uint16_t)((const int16_t *)s->f)[i], sw);
#define	CSUM(f)		st32(p, (uint32_t)s->f.cs_ndir, sw);		\
			st32(p + 4, (uint32_t)s->f.cs_nbfree, sw);	\
			st32(p + 8, (uint32_t)s->f.cs_nifree, sw);	\
			st32(p + 12, (uint32_t)s->f.cs_nffree, sw); p += 16;
#define	U8(f)		memcpy(p, &s->f, 1); p += 1;
#define	BYTES(f, n)	memcpy(p, FADDR(s, f), (n)); p += (n);
#define	U64(f)		st64(p, s->f, sw); p += 8;
#define	I64(f)		st64(p, (uint64_t)s->f, sw); p += 8;
#include "fs_fields.h"
#undef	I32
#undef	I32A
#undef	I16A
#undef	CSUM
#undef	U8
#undef	BYTES
#undef	U64
#undef	I64
	return (0);
}

static bool_t
xdr_fs(XDR *x, struct fs *s)
{
#define	I32(f)		if (!xdr_int32_t(x, &s->f)) return (FALSE);
#define	I32A(f, n)	if (!xdr_vector(x, (char *)s->f, (n), 4,	\
			    (xdrproc_t)xdr_int32_t)) return (FALSE);
#define	I16A(f, n)	if (!xdr_vector(x, (char *)s->f, (n), 2,	\
			    (xdrproc_t)xdr_int16_t)) return (FALSE);
#define	CSUM(f)		if (!xdr_vector(x, (char *)&s->f, 4, 4,		\
			    (xdrproc_t)xdr_int32_t)) return (FALSE);
#define	U8(f)		if (!xdr_u_char(x, (u_char *)&s->f)) return (FALSE);
#define	BYTES(f, n)	if (!xdr_opaque(x, (char *)FADDR(s, f), (n)))	\
			    return (FALSE);
#define	U64(f)		if (!xdr_uint64_t(x, &s->f)) return (FALSE);
#define	I64(f)		if (!xdr_int64_t(x, &s->f)) return (FALSE);
#include "fs_fields.h"
#undef	I32
#undef	I32A
#undef	I16A
#undef	CSUM
#undef	U8
#undef	BYTES
#undef	U64
#undef	I64
	return (TRUE);
}

/* protobuf-c: scalars copied, int32 arrays pointed at, others converted. */
static void
pb_fs_fill(SuperBlock *m, const struct fs *s, int32_t *opostbl)
{
	int i;

#define	I32(f)		m->f = s->f;
#define	I32A(f, n)	m->n_##f = (n); m->f = (int32_t *)s->f;
#define	I16A(f, n)	for (i = 0; i < (n); i++)			\
				opostbl[i] = ((const int16_t *)s->f)[i];	\
			m->n_##f = (n); m->f = opostbl;
#define	CSUM(f)		m->n_##f = 4; m->f = (int32_t *)&s->f;
#define	U8(f)		m->f = (uint8_t)s->f;
#define	BYTES(f, n)	m->f.len = (n); m->f.data = FADDR(s, f);
#define	U64(f)		m->f = s->f;
#define	I64(f)		m->f = s->f;
#include "fs_fields.h"
#undef	I32
#undef	I32A
#undef	I16A
#undef	CSUM
#undef	U8
#undef	BYTES
#undef	U64
#undef	I64
}

static int
pb_fs_take(struct fs *s, const SuperBlock *m)
{
	size_t i;

#define	I32(f)		s->f = m->f;
#define	I32A(f, n)	if (m->n_##f != (n)) return (DFS_ELENGTH);	\
			memcpy(s->f, m->f, (n) * 4);
#define	I16A(f, n)	if (m->n_##f != (n)) return (DFS_ELENGTH);	\
			for (i = 0; i < (n); i++)			\
				((int16_t *)s->f)[i] = (int16_t)m->f[i];
#define	CSUM(f)		if (m->n_##f != 4) return (DFS_ELENGTH);	\
			memcpy(&s->f, m->f, 16);
#define	U8(f)		s->f = (uint8_t)m->f;
#define	BYTES(f, n)	if (m->f.len != (n)) return (DFS_ELENGTH);	\
			memcpy(FADDR(s, f), m->f.data, (n));
#define	U64(f)		s->f = m->f;
#define	I64(f)		s->f = m->f;
#include "fs_fields.h"
#undef	I32
#undef	I32A
#undef	I16A
#undef	CSUM
#undef	U8
#undef	BYTES
#undef	U64
#undef	I64
	return (hand_fs_check(s));
}

/* -- the timed operations ----------------------------------------------- */

static struct hammer2_blockref bref, bref_out;
static uint8_t bref_host[128], bref_swapped[128], bref_buf[256];
static uint8_t bref_xdr[256], bref_pb[256];
static size_t bref_xdr_len, bref_pb_len;
static struct fs fs, fs_out;
static uint8_t fs_host[FS_SIZE], fs_swapped[FS_SIZE], fs_buf[4096];
static uint8_t fs_xdr[4096], fs_pb[4096];
static size_t fs_xdr_len, fs_pb_len;
static int32_t opostbl[128];
static int failures;

#define	MUST(e)	do { if ((e) != 0) failures++; } while (0)

static void
op_gen_bref_dec(void)
{
	MUST(hammer2_blockref_decode(&bref_out, bref_host, 128, 0, NULL));
	ESCAPE(&bref_out);
}

static void
op_gen_bref_dec_sw(void)
{
	MUST(hammer2_blockref_decode(&bref_out, bref_swapped, 128, 1, NULL));
	ESCAPE(&bref_out);
}

static void
op_mem_bref_dec(void)
{
	memcpy(&bref_out, bref_host, 128);
	ESCAPE(&bref_out);
}

static void
op_hand_bref_dec(void)
{
	MUST(hand_bref_decode(&bref_out, bref_host, 128, 0));
	ESCAPE(&bref_out);
}

static void
op_hand_bref_dec_sw(void)
{
	MUST(hand_bref_decode(&bref_out, bref_swapped, 128, 1));
	ESCAPE(&bref_out);
}

static void
op_gen_bref_enc(void)
{
	MUST(hammer2_blockref_encode(&bref, bref_buf, 128, 0, NULL));
	ESCAPE(bref_buf);
}

static void
op_gen_bref_enc_sw(void)
{
	MUST(hammer2_blockref_encode(&bref, bref_buf, 128, 1, NULL));
	ESCAPE(bref_buf);
}

static void
op_mem_bref_enc(void)
{
	memcpy(bref_buf, &bref, 128);
	ESCAPE(bref_buf);
}

static void
op_hand_bref_enc(void)
{
	MUST(hand_bref_encode(&bref, bref_buf, 128, 0));
	ESCAPE(bref_buf);
}

static void
op_hand_bref_enc_sw(void)
{
	MUST(hand_bref_encode(&bref, bref_buf, 128, 1));
	ESCAPE(bref_buf);
}

static void
op_xdr_bref_dec(void)
{
	XDR x;

	xdrmem_create(&x, (char *)bref_xdr, (u_int)bref_xdr_len, XDR_DECODE);
	MUST(!xdr_bref(&x, &bref_out));
	ESCAPE(&bref_out);
}

static void
op_xdr_bref_enc(void)
{
	XDR x;

	xdrmem_create(&x, (char *)bref_buf, sizeof(bref_buf), XDR_ENCODE);
	MUST(!xdr_bref(&x, &bref));
	ESCAPE(bref_buf);
}

static void
op_pb_bref_dec(void)
{
	Bref *m;

	m = bref__unpack(NULL, bref_pb_len, bref_pb);
	MUST(m == NULL);
	pb_bref_take(&bref_out, m);
	bref__free_unpacked(m, NULL);
	ESCAPE(&bref_out);
}

static void
op_pb_bref_enc(void)
{
	Bref m = BREF__INIT;

	pb_bref_fill(&m, &bref);
	MUST(bref__pack(&m, bref_buf) == 0);
	ESCAPE(bref_buf);
}

static void
op_gen_fs_dec(void)
{
	MUST(fs_decode(&fs_out, fs_host, FS_SIZE, NULL));
	ESCAPE(&fs_out);
}

static void
op_gen_fs_dec_sw(void)
{
	MUST(fs_decode(&fs_out, fs_swapped, FS_SIZE, NULL));
	ESCAPE(&fs_out);
}

static void
op_mem_fs_dec(void)
{
	memcpy(&fs_out, fs_host, FS_SIZE);
	ESCAPE(&fs_out);
}

static void
op_hand_fs_dec(void)
{
	MUST(hand_fs_decode(&fs_out, fs_host, FS_SIZE));
	ESCAPE(&fs_out);
}

static void
op_hand_fs_dec_sw(void)
{
	MUST(hand_fs_decode(&fs_out, fs_swapped, FS_SIZE));
	ESCAPE(&fs_out);
}

static void
op_gen_fs_enc(void)
{
	MUST(fs_encode(&fs, fs_buf, FS_SIZE, 0, NULL));
	ESCAPE(fs_buf);
}

static void
op_gen_fs_enc_sw(void)
{
	MUST(fs_encode(&fs, fs_buf, FS_SIZE, 1, NULL));
	ESCAPE(fs_buf);
}

static void
op_mem_fs_enc(void)
{
	memcpy(fs_buf, &fs, FS_SIZE);
	ESCAPE(fs_buf);
}

static void
op_hand_fs_enc(void)
{
	MUST(hand_fs_encode(&fs, fs_buf, FS_SIZE, 0));
	ESCAPE(fs_buf);
}

static void
op_hand_fs_enc_sw(void)
{
	MUST(hand_fs_encode(&fs, fs_buf, FS_SIZE, 1));
	ESCAPE(fs_buf);
}

static void
op_xdr_fs_dec(void)
{
	XDR x;

	xdrmem_create(&x, (char *)fs_xdr, (u_int)fs_xdr_len, XDR_DECODE);
	MUST(!xdr_fs(&x, &fs_out));
	ESCAPE(&fs_out);
}

static void
op_xdr_fs_enc(void)
{
	XDR x;

	xdrmem_create(&x, (char *)fs_buf, sizeof(fs_buf), XDR_ENCODE);
	MUST(!xdr_fs(&x, &fs));
	ESCAPE(fs_buf);
}

static void
op_pb_fs_dec(void)
{
	SuperBlock *m;

	m = super_block__unpack(NULL, fs_pb_len, fs_pb);
	MUST(m == NULL);
	MUST(pb_fs_take(&fs_out, m));
	super_block__free_unpacked(m, NULL);
	ESCAPE(&fs_out);
}

static void
op_pb_fs_enc(void)
{
	SuperBlock m = SUPER_BLOCK__INIT;

	pb_fs_fill(&m, &fs, opostbl);
	MUST(super_block__pack(&m, fs_buf) == 0);
	ESCAPE(fs_buf);
}

/* -- the floor: memcpy and the decoder's checks, nothing more ---------- */

/*
 * The least a decoder that validates can cost where the media layout
 * is the host's: the copy, and the checks the definitions ask for,
 * written here in line, reading the media (so that they overlap the
 * copy rather than wait for its stores) and branching once.
 */
static inline int
floor_bref_ok(const uint8_t *b)
{
	unsigned int t;
	int ok;

	t = b[offsetof(struct hammer2_blockref, type)];
	ok = hammer2_bref_type_valid(t) &
	    hammer2_check_valid(HAMMER2_BLOCKREF_METHODS_CHECK(
	    b[offsetof(struct hammer2_blockref, methods)])) &
	    (b[offsetof(struct hammer2_blockref, keybits)] <= 64);
	if (t == HAMMER2_BREF_TYPE_DIRENT)
		ok &= hammer2_obj_type_valid(
		    b[offsetof(struct hammer2_blockref, embed.dirent.type)]);
	return (ok);
}

static inline int
floor_fs_ok(const uint8_t *b)
{
#define	F(f)	((int32_t)ld32(b + offsetof(struct fs, f), 0))
	int32_t bsize, fsize, frag, inopb, ipg;
	int ok;

	bsize = F(fs_bsize);
	fsize = F(fs_fsize);
	frag = F(fs_frag);
	inopb = F(fs_inopb);
	ipg = F(fs_ipg);
	ok = (F(fs_magic) == FS_MAGIC) & (F(fs_ncg) >= 1) &
	    (bsize >= 4096 && bsize <= 0x10000) &
	    (fsize >= 512 && fsize <= 0x10000) & (frag >= 1 && frag <= 8) &
	    (F(fs_minfree) >= 0 && F(fs_minfree) <= 99) & (inopb >= 1) &
	    fs_optim_valid(F(fs_optim)) & (ipg >= 1) & (F(fs_fpg) >= 1) &
	    fs_postblformat_valid(F(fs_postblformat)) &
	    (bsize == fsize * frag);
#undef	F
	return (ok && ipg % inopb == 0);
}

static void
op_floor_bref_dec(void)
{
	memcpy(&bref_out, bref_host, 128);
	MUST(!floor_bref_ok(bref_host));
	ESCAPE(&bref_out);
}

static void
op_floor_fs_dec(void)
{
	memcpy(&fs_out, fs_host, FS_SIZE);
	MUST(!floor_fs_ok(fs_host));
	ESCAPE(&fs_out);
}

/* -- timing ------------------------------------------------------------- */

struct result {
	double	ns;
	double	allocs;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

/* The best of five rounds of n calls, and allocations per call. */
static struct result
measure(void (*op)(void), unsigned long n)
{
	struct result r;
	unsigned long i, before;
	double t;
	int round;

	r.ns = 1e30;
	before = allocations;
	for (round = 0; round < 5; round++) {
		t = now();
		for (i = 0; i < n; i++)
			op();
		t = (now() - t) / (double)n;
		if (t < r.ns)
			r.ns = t;
	}
	r.allocs = (double)(allocations - before) / (5.0 * (double)n);
	return (r);
}

struct row {
	const char	*what;
	void		(*gen)(void), (*gen_sw)(void), (*mem)(void);
	void		(*hand)(void), (*hand_sw)(void), (*xdr)(void);
	void		(*pb)(void), (*floor)(void);
};

static void
table(const struct row *r, unsigned long n)
{
	struct result g, gs, m, h, hs, x, p, f;

	g = measure(r->gen, n);
	gs = measure(r->gen_sw, n);
	m = measure(r->mem, n);
	h = measure(r->hand, n);
	hs = measure(r->hand_sw, n);
	x = measure(r->xdr, n);
	p = measure(r->pb, n);
	printf("%-16s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f  "
	    "%6.2f %6.2f %6.2f %6.1f %6.1f   %.0f/%.0f/%.0f/%.2f\n",
	    r->what, g.ns, gs.ns, m.ns, h.ns, hs.ns, x.ns, p.ns,
	    g.ns / m.ns, g.ns / h.ns, gs.ns / hs.ns, x.ns / g.ns, p.ns / g.ns,
	    g.allocs + gs.allocs, h.allocs + hs.allocs, x.allocs, p.allocs);
	if (r->floor == NULL)
		return;
	f = measure(r->floor, n);
	printf("%-16s %8s %8s %8.1f %8s %8s %8s %8s  %6.2f "
	    "(floor: memcpy and the checks by hand, in line)\n",
	    "  floor", "", "", f.ns, "", "", "", "", f.ns / m.ns);
}

static void
setup(void)
{
	SuperBlock sm = SUPER_BLOCK__INIT;
	Bref bm = BREF__INIT;
	XDR x;
	int i;

	bref.type = HAMMER2_BREF_TYPE_INODE;
	bref.methods = HAMMER2_CHECK_ISCSI32 << 4 | 1;
	bref.keybits = 20;
	bref.vradix = 14;
	bref.leaf_count = 17;
	bref.key = 0x123456789abcdef0ULL;
	bref.mirror_tid = 1000;
	bref.modify_tid = 1001;
	bref.data_off = 0x40000000ULL | 14;
	bref.update_tid = 1002;
	bref.embed.stats.data_count = 1 << 20;
	bref.embed.stats.inode_count = 33;
	bref.check.iscsi32.value = 0xcafef00dU;
	MUST(hammer2_blockref_encode(&bref, bref_host, 128, 0, NULL));
	MUST(hammer2_blockref_encode(&bref, bref_swapped, 128, 1, NULL));
	xdrmem_create(&x, (char *)bref_xdr, sizeof(bref_xdr), XDR_ENCODE);
	MUST(!xdr_bref(&x, &bref));
	bref_xdr_len = xdr_getpos(&x);
	pb_bref_fill(&bm, &bref);
	bref_pb_len = bref__pack(&bm, bref_pb);

	/* A superblock as newfs makes them: every field set. */
	memset(&fs, 0x5a, sizeof(fs));
	fs.fs_magic = FS_MAGIC;
	fs.fs_bsize = 16384;
	fs.fs_fsize = 2048;
	fs.fs_frag = 8;
	fs.fs_ncg = 12;
	fs.fs_minfree = 8;
	fs.fs_inopb = 128;
	fs.fs_ipg = 4096;
	fs.fs_fpg = 94088;
	fs.fs_optim = 0;
	fs.fs_postblformat = 1;
	for (i = 0; i < 128; i++)
		((int16_t *)fs.fs_opostbl)[i] = (int16_t)(i - 64);
	MUST(fs_encode(&fs, fs_host, FS_SIZE, 0, NULL));
	MUST(fs_encode(&fs, fs_swapped, FS_SIZE, 1, NULL));
	xdrmem_create(&x, (char *)fs_xdr, sizeof(fs_xdr), XDR_ENCODE);
	MUST(!xdr_fs(&x, &fs));
	fs_xdr_len = xdr_getpos(&x);
	pb_fs_fill(&sm, &fs, opostbl);
	fs_pb_len = super_block__pack(&sm, fs_pb);
}

/* Every codec must give back what went in before its time counts. */
static void
agree(void)
{
	static const struct {
		void	(*op)(void);
		int	fs;
	} dec[] = {
		{ op_gen_bref_dec, 0 }, { op_gen_bref_dec_sw, 0 },
		{ op_hand_bref_dec, 0 }, { op_hand_bref_dec_sw, 0 },
		{ op_xdr_bref_dec, 0 }, { op_pb_bref_dec, 0 },
		{ op_gen_fs_dec, 1 }, { op_gen_fs_dec_sw, 1 },
		{ op_hand_fs_dec, 1 }, { op_hand_fs_dec_sw, 1 },
		{ op_xdr_fs_dec, 1 }, { op_pb_fs_dec, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		memset(&bref_out, 0, sizeof(bref_out));
		memset(&fs_out, 0, sizeof(fs_out));
		dec[i].op();
		if (dec[i].fs ? memcmp(&fs_out, &fs, FS_SIZE) != 0 :
		    memcmp(&bref_out, &bref, sizeof(bref)) != 0) {
			fprintf(stderr, "bench_structs: decoder %zu disagrees\n",
			    i);
			exit(1);
		}
	}
	op_hand_bref_enc_sw();
	if (memcmp(bref_buf, bref_swapped, 128) != 0)
		exit((fprintf(stderr, "bench_structs: hand bref encoder\n"), 1));
	op_hand_fs_enc_sw();
	if (memcmp(fs_buf, fs_swapped, FS_SIZE) != 0)
		exit((fprintf(stderr, "bench_structs: hand fs encoder\n"), 1));
}

int
main(int argc, char **argv)
{
	static const struct row rows[] = {
		{ "blockref decode", op_gen_bref_dec, op_gen_bref_dec_sw,
		    op_mem_bref_dec, op_hand_bref_dec, op_hand_bref_dec_sw,
		    op_xdr_bref_dec, op_pb_bref_dec, op_floor_bref_dec },
		{ "blockref encode", op_gen_bref_enc, op_gen_bref_enc_sw,
		    op_mem_bref_enc, op_hand_bref_enc, op_hand_bref_enc_sw,
		    op_xdr_bref_enc, op_pb_bref_enc, NULL },
		{ "superblk decode", op_gen_fs_dec, op_gen_fs_dec_sw,
		    op_mem_fs_dec, op_hand_fs_dec, op_hand_fs_dec_sw,
		    op_xdr_fs_dec, op_pb_fs_dec, op_floor_fs_dec },
		{ "superblk encode", op_gen_fs_enc, op_gen_fs_enc_sw,
		    op_mem_fs_enc, op_hand_fs_enc, op_hand_fs_enc_sw,
		    op_xdr_fs_enc, op_pb_fs_enc, NULL },
	};
	unsigned long n;

	n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	setup();
	agree();
	printf("ns/op, best of 5 rounds of %lu (superblock: %lu); media: "
	    "blockref 128 B, superblock %d B; XDR %zu/%zu B, protobuf "
	    "%zu/%zu B\n", n, n / 10, FS_SIZE, bref_xdr_len, fs_xdr_len,
	    bref_pb_len, fs_pb_len);
	printf("%-16s %8s %8s %8s %8s %8s %8s %8s  %6s %6s %6s %6s %6s   %s\n",
	    "", "gen", "gen-sw", "memcpy", "hand", "hand-sw", "XDR", "pb-c",
	    "g/mem", "g/hand", "gs/hs", "XDR/g", "pb/g",
	    "allocs/op gen/hand/XDR/pb");
	table(&rows[0], n);
	table(&rows[1], n);
	table(&rows[2], n / 10);
	table(&rows[3], n / 10);
	if (failures != 0) {
		fprintf(stderr, "bench_structs: %d operations failed\n",
		    failures);
		return (1);
	}
	return (0);
}
