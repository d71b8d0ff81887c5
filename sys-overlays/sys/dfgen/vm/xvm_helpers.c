/*
 * xvm_helpers.c: the helpers xvm.def declares, which xvm programs call
 * by number.  The verifier has checked every argument: a stack pointer
 * points to as many bytes of the program's stack as the helper reads.
 */

#include "xvm.h"

/* A 64-bit hash of a scalar: three rounds of xor-shift-multiply. */
uint64_t
xvm_helper_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x);
}

uint64_t
xvm_helper_min(uint64_t a, uint64_t b)
{
	return (a < b ? a : b);
}

/* The sum of the 8 64-bit words at p. */
uint64_t
xvm_helper_sum64(const void *p)
{
	const uint8_t *b = p;
	uint64_t sum, w;
	int i;

	sum = 0;
	for (i = 0; i < 8; i++) {
		memcpy(&w, b + 8 * i, sizeof(w));
		sum += w;
	}
	return (sum);
}

/* The CRC-32 (IEEE 802.3) of the first n bytes at p, 16 at most. */
uint64_t
xvm_helper_crc32(const void *p, uint64_t n)
{
	const uint8_t *b = p;
	uint32_t crc;
	uint64_t i;
	int bit;

	if (n > 16)
		n = 16;
	crc = 0xffffffff;
	for (i = 0; i < n; i++) {
		crc ^= b[i];
		for (bit = 0; bit < 8; bit++)
			crc = crc >> 1 ^ (0xedb88320 & (0 - (crc & 1)));
	}
	return (~crc);
}
