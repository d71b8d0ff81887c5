/*
 * The UFS1 superblock's fields in media order, for the baselines of
 * bench_structs.c (the hand-written decoder, XDR, protobuf-c) and for the
 * .proto run.sh derives from them.  The user defines, before including:
 *
 *	I32(f)		an int32_t			U8(f)	an 8-bit byte
 *	I32A(f, n)	n int32_t			U64(f)	a uint64_t
 *	I16A(f, n)	n int16_t (fs_opostbl, flat)	I64(f)	an int64_t
 *	CSUM(f)		struct csum: four int32_t
 *	BYTES(f, n)	n bytes, no order (names, the in-core pointers)
 */

I32(fs_firstfield) I32(fs_unused_1) I32(fs_sblkno) I32(fs_cblkno)
I32(fs_iblkno) I32(fs_dblkno) I32(fs_cgoffset) I32(fs_cgmask)
I32(fs_time) I32(fs_size) I32(fs_dsize) I32(fs_ncg) I32(fs_bsize)
I32(fs_fsize) I32(fs_frag) I32(fs_minfree) I32(fs_rotdelay) I32(fs_rps)
I32(fs_bmask) I32(fs_fmask) I32(fs_bshift) I32(fs_fshift)
I32(fs_maxcontig) I32(fs_maxbpg) I32(fs_fragshift) I32(fs_fsbtodb)
I32(fs_sbsize) I32(fs_csmask) I32(fs_csshift) I32(fs_nindir)
I32(fs_inopb) I32(fs_nspf) I32(fs_optim) I32(fs_npsect)
I32(fs_interleave) I32(fs_trackskew) I32A(fs_id, 2) I32(fs_csaddr)
I32(fs_cssize) I32(fs_cgsize) I32(fs_ntrak) I32(fs_nsect) I32(fs_spc)
I32(fs_ncyl) I32(fs_cpg) I32(fs_ipg) I32(fs_fpg) CSUM(fs_cstotal)
U8(fs_fmod) U8(fs_clean) U8(fs_ronly) U8(fs_flags)
BYTES(fs_fsmnt, 468) BYTES(fs_volname, 32) U64(fs_swuid) I32(fs_pad)
I32(fs_cgrotor) BYTES(fs_ocsp, 128) I32(fs_cpc) I16A(fs_opostbl, 128)
I32A(fs_snapinum, 20) I32(fs_avgfilesize) I32(fs_avgfpdir)
I32A(fs_sparecon, 26) I32(fs_pendingblocks) I32(fs_pendinginodes)
I32(fs_contigsumsize) I32(fs_maxsymlinklen) I32(fs_inodefmt)
U64(fs_maxfilesize) I64(fs_qbmask) I64(fs_qfmask) I32(fs_state)
I32(fs_postblformat) I32(fs_nrpos) I32(fs_postbloff) I32(fs_rotbloff)
I32(fs_magic) BYTES(fs_space, 1)
