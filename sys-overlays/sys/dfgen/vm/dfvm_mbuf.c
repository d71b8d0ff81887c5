/*
 * dfvm_mbuf.c: packet loads from a chain of mbufs, for the interpreters
 * `dfgen vm` generates (their *_run_mbuf()), when a load does not lie in
 * the first buffer of the chain.  A load may cross any number of
 * buffers, empty ones included, and gives what it would give from the
 * packet's bytes laid end to end.
 */

#include <dfgen/vm/dfvm.h>

/*
 * The `size` bytes (1 to 4) at `off` of the packet in chain `m`,
 * big-endian, in *v: 1, or 0 when the chain ends before them.
 */
int
dfvm_mload(const struct mbuf *m, uint64_t off, unsigned int size,
    uint32_t *v)
{
	const uint8_t *p;
	uint32_t word;
	unsigned int got;
	uint64_t n;

	while (m != NULL && off >= (uint64_t)m->m_len) {
		off -= (uint64_t)m->m_len;
		m = m->m_next;
	}
	word = 0;
	got = 0;
	while (m != NULL && got < size) {
		p = (const uint8_t *)m->m_data;
		for (n = off; n < (uint64_t)m->m_len && got < size; n++, got++)
			word = word << 8 | p[n];
		off = 0;
		m = m->m_next;
	}
	if (got < size)
		return (0);
	*v = word;
	return (1);
}
