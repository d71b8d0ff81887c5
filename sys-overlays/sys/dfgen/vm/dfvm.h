/*
 * dfvm.h: what the instruction sets that `dfgen vm` generates share at
 * run time.
 *
 * Interpreters use the bounded packet loads (from a buffer or an mbuf
 * chain, dfvm_mbuf.c) and the stack accesses below, verifiers the
 * branch-free select.  Assemblers and disassemblers are one text
 * engine (dfvm_text.c) driven by each instruction set's generated
 * syntax table: an instruction travels through it as one 64-bit value
 * per field of its instruction word, the opcode first.
 *
 * Everything here builds in the kernel (_KERNEL) and on the host.
 */

#ifndef _DFGEN_VM_DFVM_H_
#define	_DFGEN_VM_DFVM_H_

#include <sys/dfgen_compat.h>

#ifdef _KERNEL
#include <sys/mbuf.h>
#else
/*
 * On the host, the members of the kernel's struct mbuf that a packet
 * in a chain of buffers is read through: enough to test the
 * interpreters on chains.
 */
struct mbuf {
	struct mbuf	*m_next;	/* the next buffer of the packet */
	char		*m_data;	/* its bytes */
	int		 m_len;		/* how many */
};
#endif

/* A function each call of which is compiled in place. */
#define	DFVM_INLINE	__inline __attribute__((__always_inline__))

/* All ones when `cond` holds, else 0: a branch-free select. */
static __inline uint64_t
dfvm_mask(unsigned int cond)
{
	return ((uint64_t)0 - (cond != 0));
}

static __inline uint32_t
dfvm_be16(const uint8_t *p)
{
	return ((uint32_t)p[0] << 8 | p[1]);
}

static __inline uint32_t
dfvm_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

int	dfvm_mload(const struct mbuf *, uint64_t, unsigned int, uint32_t *);

/*
 * The `size` bytes (1, 2 or 4) at `off` of a packet, big-endian, in *v:
 * 1, or 0 when they are not all there.  The packet is `buflen` bytes
 * at `pkt`, and when `chain` is not NULL, those are the first buffer of
 * the mbuf chain `chain`, through which the rest is read.
 */
static __inline int
dfvm_pload(const uint8_t *pkt, uint32_t buflen, const struct mbuf *chain,
    uint64_t off, unsigned int size, uint32_t *v)
{
	if (off <= buflen && buflen - off >= size) {
		if (size == 1)
			*v = pkt[off];
		else if (size == 2)
			*v = dfvm_be16(pkt + off);
		else
			*v = dfvm_be32(pkt + off);
		return (1);
	}
	return (chain != NULL && dfvm_mload(chain, off, size, v));
}

/* A register holding a stack pointer, as a helper takes it. */
#define	DFVM_PTR(v)	((const void *)(uintptr_t)(v))

/*
 * A value of `size` bytes in host byte order at `addr`, an address a
 * verifier has proved inside a VM's stack; and the same, written.
 */
static __inline uint64_t
dfvm_peek(uint64_t addr, unsigned int size)
{
	const void *p = (const void *)(uintptr_t)addr;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 1:
		memcpy(&v8, p, 1);
		return (v8);
	case 2:
		memcpy(&v16, p, 2);
		return (v16);
	case 4:
		memcpy(&v32, p, 4);
		return (v32);
	default:
		memcpy(&v64, p, 8);
		return (v64);
	}
}

static __inline void
dfvm_poke(uint64_t addr, unsigned int size, uint64_t v)
{
	void *p = (void *)(uintptr_t)addr;
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

#define	DFVM_MAXARGS	4	/* operands one instruction's text shows */

/* A field of an instruction word. */
struct dfvm_field {
	const char	*name;
	uint8_t		 bits;
	uint8_t		 is_signed;
};

/*
 * How one instruction is written: its mnemonic, then its operands as
 * literal text with one conversion per field shown, in `args` order:
 * %u and %d (decimal), %x (0x hex), %t (a jump target: the absolute
 * number of the instruction it lands on; the field holds how many
 * instructions it skips).  A space stands for any blanks, none
 * included; blanks are also allowed before each element.
 */
struct dfvm_syntax {
	uint32_t	 code;
	const char	*mnemonic;
	const char	*operands;
	uint8_t		 args[DFVM_MAXARGS];
};

struct dfvm_isa {
	const struct dfvm_field	 *fields;	/* the opcode first */
	unsigned int		  nfields;
	const struct dfvm_syntax *syntax;	/* by instruction number */
	unsigned int		  ninsns;
};

#define	DFVM_MSGLEN	80

struct dfvm_asm_error {
	unsigned int	 line;		/* 1-based */
	unsigned int	 col;		/* 1-based, in bytes */
	char		 msg[DFVM_MSGLEN];
};

/* An assembly in progress: see dfvm_asm_next(). */
struct dfvm_asm {
	const struct dfvm_isa	*isa;
	const char		*next;		/* the next line */
	unsigned int		 line;
	size_t			 pc;		/* instructions so far */
	size_t			 max;		/* room for instructions */
	struct dfvm_asm_error	 error;
};

size_t	dfvm_disasm(const struct dfvm_isa *, int, const uint64_t *, size_t,
	    char *, size_t);
void	dfvm_asm_start(struct dfvm_asm *, const struct dfvm_isa *,
	    const char *, size_t);
int	dfvm_asm_next(struct dfvm_asm *, uint64_t *);

#endif /* !_DFGEN_VM_DFVM_H_ */
