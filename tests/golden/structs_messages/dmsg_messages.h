/*
 * The dmsg messages: dmsg, the CAPS successor HAMMER2 clusters talk.
 * Each begins with a struct dmsg_hdr, in the byte order its magic shows;
 * cmd & 0x00ffff00 names the message, cmd & 0x000000ff is the size of its
 * header in units of 64 bytes (at most 2048 bytes).
 * aux_bytes bytes of aux data follow, padded to 64 bytes, and aux_crc is
 * the crc32c of the padded data.
 */
#define	DMSG_LNK_PAD	0x00000001	/* ignored padding */
#define	DMSG_LNK_PING	0x00000101	/* keep-alive */
#define	DMSG_LNK_SPAN	0x00001207
#define	DMSG_LNK_ERROR	0x000fff01	/* ends a transaction */
#define	DMSG_DBG_SHELL	0x00100101

/* Which message dmsg_parse() found. */
enum dmsg_msg_kind {
	DMSG_MSG_LNK_PAD = 1,
	DMSG_MSG_LNK_PING = 2,
	DMSG_MSG_LNK_CONN = 3,
	DMSG_MSG_LNK_SPAN = 4,
	DMSG_MSG_LNK_ERROR = 5,
	DMSG_MSG_DBG_SHELL = 6
};

/*
 * A message dmsg_parse() decoded: its header and payload in host
 * order, and where its aux data is in the parsed buffer.
 */
struct dmsg_msg {
	enum dmsg_msg_kind	kind;
	int			bswap;		/* in the other byte order */
	size_t			hdr_bytes;	/* the header and its padding */
	size_t			size;		/* header, aux data, padding */
	const void		*aux;		/* aux data in buf, or NULL */
	size_t			aux_bytes;
	union {
		struct dmsg_hdr		lnk_pad;
		struct dmsg_hdr		lnk_ping;
		struct dmsg_lnk_conn	lnk_conn;
		struct dmsg_lnk_span	lnk_span;
		struct dmsg_hdr		lnk_error;
		struct dmsg_dbg_shell	dbg_shell;
	} u;
};

int	dmsg_build_lnk_pad(void *, size_t, const struct dmsg_hdr *,
	    const void *, size_t, int, size_t *, struct dfs_error *);
int	dmsg_build_lnk_ping(void *, size_t, const struct dmsg_hdr *,
	    const void *, size_t, int, size_t *, struct dfs_error *);
int	dmsg_build_lnk_conn(void *, size_t, const struct dmsg_lnk_conn *,
	    const void *, size_t, int, size_t *, struct dfs_error *);
int	dmsg_build_lnk_span(void *, size_t, const struct dmsg_lnk_span *,
	    const void *, size_t, int, size_t *, struct dfs_error *);
int	dmsg_build_lnk_error(void *, size_t, const struct dmsg_hdr *,
	    const void *, size_t, int, size_t *, struct dfs_error *);
int	dmsg_build_dbg_shell(void *, size_t, const struct dmsg_dbg_shell *,
	    const void *, size_t, int, size_t *, struct dfs_error *);
int	dmsg_parse(const void *, size_t, struct dmsg_msg *, struct dfs_error *);
const char *dmsg_msg_name(enum dmsg_msg_kind);
void	dmsg_msg_print(const struct dmsg_msg *, int, dfs_print_fn *, void *);

#endif /* !_DMSG_MEDIA_H_ */
