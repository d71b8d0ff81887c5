/*
 * A paragraph whose first line is far too long for eighty columns, so it is
 * refilled with the line that follows it, and nothing before it.
 *
 * A line of its own.
 */
/* a comment too long to stay */
#define	LONG_MACRO_NAME_FOR_A_TEST	0x1234567890abcdefULL
#define	SHIFTED(v)	\
	(((v) & SOME_VERY_LONG_MASK_NAME_OF_A_FIELD) >> \
	    SOME_VERY_LONG_SHIFT_NAME_OF_A_FIELD)
struct wrapped {
	/* 0x0000 */
	uint32_t	a_member_with_a_long_name[SOME_LONG_DIMENSION_NAME];
	uint8_t		b;	/* 0x0040 the rest of it */
};
int	wrapped_decode(struct wrapped *, const void *, size_t, int,
	    struct dfs_error *);
int
wrapped_decode(struct wrapped *s, const void *buf, size_t len, int bswap,
    struct dfs_error *err)
{
	if (len < WRAPPED_SIZE ||
	    (s->a_member_with_a_long_name[0] != 0 && s->b > 3))
		return (dfs_fail(err, "wrapped", "a_member_with_a_long_name",
		    offsetof(struct wrapped, b), DFS_ERANGE));
	for (i = 0; i < sizeof(s->a_member_with_a_long_name) / sizeof(uint32_t);
	    i++)
		pr(arg, "%*s%s\n", indent, "",
		    name != NULL ? name :
		    "a string, with commas, that is long");
	for (i = 0; i < 4; i++)
		if ((error = aligned_part_check(
		    (const void *)((const uint8_t *)s +
		    offsetof(struct packed_whole, two) +
		    i * sizeof(struct aligned_part)), err)) != 0)
			return (error);
	puts("a single string that cannot be broken anywhere at all because it is one token");
	return (0);
}
