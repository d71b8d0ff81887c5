/*
 * Build the HELLO message from msg in buf, len bytes: a 16-byte header, in
 * the host's byte order or swapped if bswap is set.  The header's magic,
 * type and hlen are set here; *sizep is the length of the message.
 */
int
probe_build_hello(void *buf, size_t len, const struct probe_hdr *msg,
    int bswap, size_t *sizep, struct dfs_error *err)
{
	struct probe_hdr m;
	int error;

	if (len < 16)
		return (dfs_fail(err, "probe", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.magic = 0x7e11;
	m.type = 0x01;
	m.hlen = 2;
	if ((error = probe_hdr_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	*sizep = 16;
	return (0);
}

/*
 * Build the ECHO message from msg (a struct probe_echo) in buf, len bytes:
 * a 32-byte header, in the host's byte order or swapped if bswap is set.
 * The header's magic, type and hlen are set here; *sizep is the length of
 * the message.
 */
int
probe_build_echo(void *buf, size_t len, const struct probe_echo *msg,
    int bswap, size_t *sizep, struct dfs_error *err)
{
	struct probe_echo m;
	uint8_t *b = buf;
	int error;

	if (len < 32)
		return (dfs_fail(err, "probe", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.head.magic = 0x7e11;
	m.head.type = 0x02;
	m.head.hlen = 4;
	if ((error = probe_echo_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	memset(b + PROBE_ECHO_SIZE, 0, 32 - PROBE_ECHO_SIZE);
	*sizep = 32;
	return (0);
}

/*
 * Build the BYE message from msg in buf, len bytes: a 16-byte header, in
 * the host's byte order or swapped if bswap is set.  The header's magic,
 * type and hlen are set here; *sizep is the length of the message.
 */
int
probe_build_bye(void *buf, size_t len, const struct probe_hdr *msg,
    int bswap, size_t *sizep, struct dfs_error *err)
{
	struct probe_hdr m;
	int error;

	if (len < 16)
		return (dfs_fail(err, "probe", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.magic = 0x7e11;
	m.type = 0xff;
	m.hlen = 2;
	if ((error = probe_hdr_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	*sizep = 16;
	return (0);
}

/*
 * Parse the probe message at the start of buf (len bytes): its byte order
 * by the header's magic, its header's size, and its payload, chosen by its
 * id and decoded into out in host order.  The first failure is returned
 * and described in *err (which may be NULL).
 */
int
probe_parse(const void *buf, size_t len, struct probe_msg *out,
    struct dfs_error *err)
{
	size_t hbytes;
	int bswap, error;

	if (len < PROBE_HDR_SIZE)
		return (dfs_fail(err, "probe", NULL, 0, DFS_ESHORT));
	if ((bswap = probe_hdr_detect(buf, len)) < 0)
		return (dfs_fail(err, "probe", "magic",
		    offsetof(struct probe_hdr, magic), DFS_EMAGIC));
	hbytes = (size_t)probe_hdr_get_hlen(buf) * 8;
	if (hbytes < PROBE_HDR_SIZE || hbytes > 2040)
		return (dfs_fail(err, "probe", "hlen",
		    offsetof(struct probe_hdr, hlen), DFS_ERANGE));
	if (hbytes > len)
		return (dfs_fail(err, "probe", "hlen",
		    offsetof(struct probe_hdr, hlen), DFS_ESHORT));
	switch (probe_hdr_get_type(buf)) {
	case 0x01:
		out->kind = PROBE_MSG_HELLO;
		error = probe_hdr_decode(&out->u.hello, buf, hbytes,
		    err);
		break;
	case 0x02:
		out->kind = PROBE_MSG_ECHO;
		error = probe_echo_decode(&out->u.echo, buf, hbytes,
		    bswap, err);
		break;
	case 0xff:
		out->kind = PROBE_MSG_BYE;
		error = probe_hdr_decode(&out->u.bye, buf, hbytes,
		    err);
		break;
	default:
		return (dfs_fail(err, "probe", "type",
		    offsetof(struct probe_hdr, type), DFS_EENUM));
	}
	if (error != 0)
		return (error);
	out->bswap = bswap;
	out->hdr_bytes = hbytes;
	out->size = hbytes;
	return (0);
}

/* The name of a kind of probe message, or NULL. */
const char *
probe_msg_name(enum probe_msg_kind kind)
{
	switch (kind) {
	case PROBE_MSG_HELLO:
		return ("HELLO");
	case PROBE_MSG_ECHO:
		return ("ECHO");
	case PROBE_MSG_BYE:
		return ("BYE");
	}
	return (NULL);
}

/*
 * Print a parsed probe message: what it is, then its header and payload
 * a field a line, indented by indent columns.
 */
void
probe_msg_print(const struct probe_msg *msg, int indent, dfs_print_fn *pr,
    void *arg)
{
	const char *name = probe_msg_name(msg->kind);

	pr(arg, "%*s%s: %zu bytes%s\n", indent, "",
	    name != NULL ? name : "?", msg->size,
	    msg->bswap ? ", swapped" : "");
	switch (msg->kind) {
	case PROBE_MSG_HELLO:
		probe_hdr_print(&msg->u.hello, indent + 4, pr, arg);
		break;
	case PROBE_MSG_ECHO:
		probe_echo_print(&msg->u.echo, indent + 4, pr, arg);
		break;
	case PROBE_MSG_BYE:
		probe_hdr_print(&msg->u.bye, indent + 4, pr, arg);
		break;
	}
}
