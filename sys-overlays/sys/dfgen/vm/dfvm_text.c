/*
 * dfvm_text.c: the assembler and the disassembler of every instruction
 * set `dfgen vm` generates, driven by its syntax table (see dfvm.h).
 *
 * Assembly text has one instruction per line:
 *
 *	[label:] [mnemonic operands] [; comment]
 *
 * A jump target is the number of the instruction it lands on, or a label
 * on a later line.  `.insn` and every field of the instruction word,
 * separated by commas, assembles any instruction word at all: that is
 * how the disassembler writes one its syntax cannot show (an undefined
 * opcode, a field the syntax leaves out that is not 0, or a jump to
 * before the program), so that
 * disassembling and assembling again gives back the same words.
 *
 * Nothing here allocates or calls a library: it runs in the kernel too.
 */

#include <dfgen/vm/dfvm.h>

#define	RAW_MNEMONIC	".insn"

/* -- writing ------------------------------------------------------------ */

/* Text written into a buffer that may be too small, as snprintf(3) does. */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;
};

static void
put_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
put_str(struct out *o, const char *s)
{
	while (*s != '\0')
		put_char(o, *s++);
}

static void
put_num(struct out *o, uint64_t v, unsigned int base)
{
	char digits[20];
	int n;

	if (base == 16)
		put_str(o, "0x");
	n = 0;
	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (n > 0)
		put_char(o, digits[--n]);
}

static void
put_signed(struct out *o, int64_t v)
{
	if (v < 0) {
		put_char(o, '-');
		put_num(o, 0 - (uint64_t)v, 10);
	} else {
		put_num(o, (uint64_t)v, 10);
	}
}

static void
terminate(struct out *o)
{
	if (o->size > 0)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

/* A field's value as the signed number its bits hold. */
static int64_t
sign_extend(uint64_t v, unsigned int bits)
{
	uint64_t sign;

	if (bits >= 64)
		return ((int64_t)v);
	sign = (uint64_t)1 << (bits - 1);
	v &= (sign << 1) - 1;
	return (v & sign ? -(int64_t)((sign << 1) - v) : (int64_t)v);
}

/* Instruction number `pc` + 1 + `skip`: where a jump lands. */
static int64_t
target(const struct dfvm_field *f, uint64_t v, size_t pc)
{
	return ((int64_t)pc + 1 + (f->is_signed ? sign_extend(v, f->bits) :
	    (int64_t)v));
}

/*
 * Whether `s` can show instruction `vals` at `pc`: every field it leaves
 * out is 0, and every jump lands at an instruction number, not before
 * the program.
 */
static int
shows(const struct dfvm_isa *isa, const struct dfvm_syntax *s,
    const uint64_t *vals, size_t pc)
{
	const char *q;
	uint64_t shown;
	unsigned int i, j;

	shown = 1;
	j = 0;
	for (q = s->operands; *q != '\0'; q++) {
		if (*q != '%' || *++q == '%')
			continue;
		i = s->args[j++];
		shown |= (uint64_t)1 << i;
		if (*q == 't' && target(&isa->fields[i], vals[i], pc) < 0)
			return (0);
	}
	for (i = 1; i < isa->nfields; i++) {
		if (!(shown & (uint64_t)1 << i) && vals[i] != 0)
			return (0);
	}
	return (1);
}

static void
put_raw(struct out *o, const struct dfvm_isa *isa, const uint64_t *vals)
{
	const struct dfvm_field *f;
	unsigned int i;

	put_str(o, RAW_MNEMONIC " ");
	put_num(o, vals[0], 16);
	for (i = 1; i < isa->nfields; i++) {
		f = &isa->fields[i];
		put_str(o, ", ");
		if (f->is_signed)
			put_signed(o, sign_extend(vals[i], f->bits));
		else
			put_num(o, vals[i], 10);
	}
}

/*
 * Write instruction number `insn` of `isa` (-1 for an undefined opcode),
 * whose fields are `vals` and which sits at `pc` in its program, into
 * `buf`.  Returns the length of the whole text, as snprintf(3) does.
 */
size_t
dfvm_disasm(const struct dfvm_isa *isa, int insn, const uint64_t *vals,
    size_t pc, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const struct dfvm_syntax *s;
	const struct dfvm_field *f;
	const char *q;
	unsigned int i, j;

	s = insn >= 0 && (unsigned int)insn < isa->ninsns ?
	    &isa->syntax[insn] : NULL;
	if (s == NULL || !shows(isa, s, vals, pc)) {
		put_raw(&o, isa, vals);
		terminate(&o);
		return (o.len);
	}
	put_str(&o, s->mnemonic);
	if (*s->operands != '\0')
		put_char(&o, ' ');
	j = 0;
	for (q = s->operands; *q != '\0'; q++) {
		if (*q != '%' || *++q == '%') {
			put_char(&o, *q);
			continue;
		}
		i = s->args[j++];
		f = &isa->fields[i];
		switch (*q) {
		case 'x':
			put_num(&o, f->bits < 64 ?
			    vals[i] & (((uint64_t)1 << f->bits) - 1) : vals[i], 16);
			break;
		case 'd':
			put_signed(&o, sign_extend(vals[i], f->bits));
			break;
		case 't':
			put_signed(&o, target(f, vals[i], pc));
			break;
		default:
			put_num(&o, vals[i], 10);
			break;
		}
	}
	terminate(&o);
	return (o.len);
}

/* -- reading ------------------------------------------------------------ */

/* One line of assembly text, split. */
struct line {
	const char	*start;
	const char	*end;		/* its newline or the text's end */
	const char	*label;		/* NULL when it has none */
	size_t		 label_len;
	const char	*insn;		/* the mnemonic, or NULL */
};

static int
is_blank(int c)
{
	return (c == ' ' || c == '\t' || c == '\r');
}

static int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
is_name_start(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
}

static int
is_name(int c)
{
	return (is_name_start(c) || is_digit(c));
}

static int
is_mnemonic(int c)
{
	return ((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' ||
	    c == '.');
}

static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return (p);
}

static int
same(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return (0);
	for (i = 0; i < alen; i++) {
		if (a[i] != b[i])
			return (0);
	}
	return (1);
}

static void
split_line(const char *start, struct line *l)
{
	const char *p, *q;

	l->start = start;
	for (p = start; *p != '\0' && *p != '\n'; p++)
		continue;
	l->end = p;
	l->label = NULL;
	l->label_len = 0;
	p = skip_blanks(start, l->end);
	if (p < l->end && is_name_start(*p)) {
		for (q = p; q < l->end && is_name(*q); q++)
			continue;
		q = skip_blanks(q, l->end);
		if (q < l->end && *q == ':') {
			l->label = p;
			while (is_name(p[l->label_len]))
				l->label_len++;
			p = skip_blanks(q + 1, l->end);
		}
	}
	l->insn = p < l->end && *p != ';' ? p : NULL;
}

static const char *
line_after(const struct line *l)
{
	return (*l->end == '\n' ? l->end + 1 : l->end);
}

/* Record an error at `at` on line `l`: `msg`, then `word` quoted. */
static int
fail(struct dfvm_asm *a, const struct line *l, const char *at,
    const char *msg, const char *word, size_t len)
{
	struct out o = { a->error.msg, sizeof(a->error.msg), 0 };

	a->error.line = a->line;
	a->error.col = (unsigned int)(at - l->start) + 1;
	put_str(&o, msg);
	if (word != NULL) {
		put_str(&o, " '");
		while (len-- > 0)
			put_char(&o, *word++);
		put_char(&o, '\'');
	}
	terminate(&o);
	return (-1);
}

/*
 * The number of the first instruction at or after label `name`, which
 * must be on a later line than the current one; 0 if there is none.
 */
static int
find_label(const struct dfvm_asm *a, const char *name, size_t len,
    uint64_t *target)
{
	struct line l;
	const char *p;
	uint64_t n;

	n = a->pc + 1;
	for (p = a->next; *p != '\0'; p = line_after(&l)) {
		split_line(p, &l);
		if (l.label != NULL && same(l.label, l.label_len, name, len)) {
			*target = n;
			return (1);
		}
		if (l.insn != NULL)
			n++;
	}
	return (0);
}

/*
 * Read a number for field `f` into `v` and move *pp past it; NULL, or
 * what is wrong with the number that starts at *pp.  A signed field
 * takes a decimal number in its range, or any bit pattern in hex.
 */
static const char *
read_number(const char **pp, const char *end, const struct dfvm_field *f,
    int sign, uint64_t *v)
{
	const char *p, *digits;
	uint64_t n, max;
	unsigned int base, d;
	int neg;

	p = *pp;
	neg = sign && p < end && *p == '-';
	if (neg)
		p++;
	base = 10;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	n = 0;
	for (digits = p; p < end; p++) {
		if (is_digit(*p))
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (n > (~(uint64_t)0 - d) / base)
			return ("number too large");
		n = n * base + d;
	}
	if (p == digits)
		return ("expected a number");
	if (f->is_signed && !(base == 16 && !neg))
		max = ((uint64_t)1 << (f->bits - 1)) - (neg ? 0 : 1);
	else
		max = f->bits >= 64 ? ~(uint64_t)0 :
		    ((uint64_t)1 << f->bits) - 1;
	if (n > max)
		return ("number out of range for its field");
	*pp = p;
	*v = neg ? 0 - n : n;
	if (f->bits < 64)
		*v &= ((uint64_t)1 << f->bits) - 1;
	return (NULL);
}

/*
 * A jump target at *pp, stored in `v` as the instructions it skips; as
 * read_number() otherwise.
 */
static const char *
read_target(struct dfvm_asm *a, const char **pp, const char *end,
    const struct dfvm_field *f, uint64_t *v)
{
	static const struct dfvm_field whole = { "target", 64, 0 };
	const char *p, *msg;
	uint64_t target, skip, max;

	p = *pp;
	if (p < end && is_name_start(*p)) {
		while (p < end && is_name(*p))
			p++;
		if (!find_label(a, *pp, p - *pp, &target))
			return ("no such label further down");
	} else if ((msg = read_number(&p, end, &whole, 0, &target)) != NULL) {
		return (msg);
	}
	if (f->is_signed) {
		skip = target - (a->pc + 1);
		max = (uint64_t)1 << (f->bits - 1);
		if (skip + max > 2 * max - 1)
			return ("jump target out of reach");
		*v = skip & ((f->bits < 64 ? (uint64_t)1 << f->bits : 0) - 1);
	} else {
		if (target <= a->pc)
			return ("a jump must land after its instruction");
		skip = target - (a->pc + 1);
		if (f->bits < 64 && skip >> f->bits != 0)
			return ("jump target out of reach");
		*v = skip;
	}
	*pp = p;
	return (NULL);
}

/*
 * Match the operands of `s` against the text at `p`; NULL on success,
 * else what went wrong at *where.
 */
static const char *
match(struct dfvm_asm *a, const struct dfvm_syntax *s, const char *p,
    const char *end, uint64_t *vals, const char **where)
{
	const struct dfvm_field *f;
	const char *q, *msg;
	unsigned int i, j;

	for (i = 1; i < a->isa->nfields; i++)
		vals[i] = 0;
	vals[0] = s->code;
	j = 0;
	for (q = s->operands; *q != '\0'; q++) {
		p = skip_blanks(p, end);
		if (*q == ' ')
			continue;
		if (*q == '%' && *++q != '%') {
			i = s->args[j++];
			f = &a->isa->fields[i];
			if (*q == 't')
				msg = read_target(a, &p, end, f, &vals[i]);
			else
				msg = read_number(&p, end, f, *q == 'd',
				    &vals[i]);
			if (msg != NULL) {
				*where = p;
				return (msg);
			}
			continue;
		}
		if (p >= end || *p != *q) {
			*where = p;
			return ("unexpected text");
		}
		p++;
	}
	p = skip_blanks(p, end);
	if (p < end && *p != ';') {
		*where = p;
		return ("unexpected text after the operands");
	}
	return (NULL);
}

static int
raw(struct dfvm_asm *a, const struct line *l, const char *p, uint64_t *vals)
{
	const struct dfvm_field *f;
	const char *msg;
	unsigned int i;

	for (i = 0; i < a->isa->nfields; i++) {
		f = &a->isa->fields[i];
		p = skip_blanks(p, l->end);
		if (i > 0) {
			if (p >= l->end || *p != ',')
				return (fail(a, l, p, "expected ','", NULL, 0));
			p = skip_blanks(p + 1, l->end);
		}
		if ((msg = read_number(&p, l->end, f, f->is_signed,
		    &vals[i])) != NULL)
			return (fail(a, l, p, msg, NULL, 0));
	}
	p = skip_blanks(p, l->end);
	if (p < l->end && *p != ';')
		return (fail(a, l, p, "unexpected text after the operands",
		    NULL, 0));
	return (1);
}

void
dfvm_asm_start(struct dfvm_asm *a, const struct dfvm_isa *isa,
    const char *text, size_t max)
{
	a->isa = isa;
	a->next = text;
	a->max = max;
	a->line = 0;
	a->pc = 0;
	a->error.line = 0;
	a->error.col = 0;
	a->error.msg[0] = '\0';
}

/*
 * Assemble the next instruction into `vals`: 1 when there is one, 0 at
 * the end of the text, -1 on an error, described in a->error (more than
 * the `max` instructions given to dfvm_asm_start() is one).
 */
int
dfvm_asm_next(struct dfvm_asm *a, uint64_t *vals)
{
	const struct dfvm_syntax *s;
	struct line l, later;
	const char *p, *mnemonic, *msg, *where, *best_at, *best_msg;
	unsigned int i;
	size_t len, slen;

	for (;;) {
		if (*a->next == '\0')
			return (0);
		split_line(a->next, &l);
		a->next = line_after(&l);
		a->line++;
		if (l.label != NULL) {
			for (p = a->next; *p != '\0'; p = line_after(&later)) {
				split_line(p, &later);
				if (later.label != NULL && same(later.label,
				    later.label_len, l.label, l.label_len))
					return (fail(a, &l, l.label,
					    "defined again further down: label",
					    l.label, l.label_len));
			}
		}
		if (l.insn != NULL)
			break;
	}
	mnemonic = l.insn;
	for (p = mnemonic; p < l.end && is_mnemonic(*p); p++)
		continue;
	len = p - mnemonic;
	if (len == 0)
		return (fail(a, &l, mnemonic, "expected a mnemonic", NULL, 0));
	if (a->pc == a->max)
		return (fail(a, &l, mnemonic, "too many instructions", NULL, 0));
	if (same(mnemonic, len, RAW_MNEMONIC, sizeof(RAW_MNEMONIC) - 1)) {
		if (raw(a, &l, p, vals) < 0)
			return (-1);
		a->pc++;
		return (1);
	}
	best_at = NULL;
	best_msg = NULL;
	for (i = 0; i < a->isa->ninsns; i++) {
		s = &a->isa->syntax[i];
		for (slen = 0; s->mnemonic[slen] != '\0'; slen++)
			continue;
		if (!same(s->mnemonic, slen, mnemonic, len))
			continue;
		if ((msg = match(a, s, p, l.end, vals, &where)) == NULL) {
			a->pc++;
			return (1);
		}
		if (best_at == NULL || where > best_at) {
			best_at = where;
			best_msg = msg;
		}
	}
	if (best_at == NULL)
		return (fail(a, &l, mnemonic, "unknown mnemonic", mnemonic,
		    len));
	return (fail(a, &l, best_at, best_msg, NULL, 0));
}
