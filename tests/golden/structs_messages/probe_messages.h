/*
 * The probe messages.
 * Each begins with a struct probe_hdr, in the byte order its magic shows;
 * type names the message, hlen is the size of its header in units of 8
 * bytes (at most 2040 bytes).
 */
#define	PROBE_HELLO	0x01	/* header only */
#define	PROBE_ECHO	0x02
#define	PROBE_BYE	0xff

/* Which message probe_parse() found. */
enum probe_msg_kind {
	PROBE_MSG_HELLO = 1,
	PROBE_MSG_ECHO = 2,
	PROBE_MSG_BYE = 3
};

/*
 * A message probe_parse() decoded: its header and payload in host
 * order.
 */
struct probe_msg {
	enum probe_msg_kind	kind;
	int			bswap;		/* in the other byte order */
	size_t			hdr_bytes;	/* the header and its padding */
	size_t			size;		/* the whole message */
	union {
		struct probe_hdr	hello;
		struct probe_echo	echo;
		struct probe_hdr	bye;
	} u;
};

int	probe_build_hello(void *, size_t, const struct probe_hdr *,
	    int, size_t *, struct dfs_error *);
int	probe_build_echo(void *, size_t, const struct probe_echo *,
	    int, size_t *, struct dfs_error *);
int	probe_build_bye(void *, size_t, const struct probe_hdr *,
	    int, size_t *, struct dfs_error *);
int	probe_parse(const void *, size_t, struct probe_msg *,
	    struct dfs_error *);
const char *probe_msg_name(enum probe_msg_kind);
void	probe_msg_print(const struct probe_msg *, int, dfs_print_fn *, void *);

#endif /* !_PROBE_H_ */
