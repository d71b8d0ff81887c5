/*
 * Build the LNK_PAD message from msg in buf, len bytes: a 64-byte header,
 * then auxlen bytes of aux data, in the host's byte order or swapped if
 * bswap is set.  The header's magic, cmd (keeping msg's other bits),
 * aux_bytes and aux_crc are set here, and its checksums sealed; *sizep is
 * the length of the message.
 */
int
dmsg_build_lnk_pad(void *buf, size_t len, const struct dmsg_hdr *msg,
    const void *aux, size_t auxlen, int bswap, size_t *sizep,
    struct dfs_error *err)
{
	struct dmsg_hdr m;
	uint8_t *b = buf;
	size_t pad;
	int error;

	if (auxlen > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -auxlen & 63;
	if (len < 64 || auxlen + pad > len - 64)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.magic = 0x4832;
	m.cmd = (m.cmd & ~(uint32_t)0xffffff) | DMSG_LNK_PAD;
	m.aux_bytes = (uint32_t)auxlen;
	/* The aux data may be in buf already. */
	if (auxlen > 0)
		memmove(b + 64, aux, auxlen);
	memset(b + 64 + auxlen, 0, pad);
	m.aux_crc = dfs_crc32c_ext(b + 64, auxlen + pad, 0);
	if ((error = dmsg_hdr_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	/* Cannot fail: the header's size was set above. */
	(void)dmsg_hdr_seal(buf, 64, bswap);
	*sizep = 64 + auxlen + pad;
	return (0);
}

/*
 * Build the LNK_PING message from msg in buf, len bytes: a 64-byte header,
 * then auxlen bytes of aux data, in the host's byte order or swapped if
 * bswap is set.  The header's magic, cmd (keeping msg's other bits),
 * aux_bytes and aux_crc are set here, and its checksums sealed; *sizep is
 * the length of the message.
 */
int
dmsg_build_lnk_ping(void *buf, size_t len, const struct dmsg_hdr *msg,
    const void *aux, size_t auxlen, int bswap, size_t *sizep,
    struct dfs_error *err)
{
	struct dmsg_hdr m;
	uint8_t *b = buf;
	size_t pad;
	int error;

	if (auxlen > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -auxlen & 63;
	if (len < 64 || auxlen + pad > len - 64)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.magic = 0x4832;
	m.cmd = (m.cmd & ~(uint32_t)0xffffff) | DMSG_LNK_PING;
	m.aux_bytes = (uint32_t)auxlen;
	/* The aux data may be in buf already. */
	if (auxlen > 0)
		memmove(b + 64, aux, auxlen);
	memset(b + 64 + auxlen, 0, pad);
	m.aux_crc = dfs_crc32c_ext(b + 64, auxlen + pad, 0);
	if ((error = dmsg_hdr_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	/* Cannot fail: the header's size was set above. */
	(void)dmsg_hdr_seal(buf, 64, bswap);
	*sizep = 64 + auxlen + pad;
	return (0);
}

/*
 * Build the LNK_CONN message from msg (a struct dmsg_lnk_conn) in buf, len
 * bytes: a 384-byte header, then auxlen bytes of aux data, in the host's
 * byte order or swapped if bswap is set.  The header's magic, cmd (keeping
 * msg's other bits), aux_bytes and aux_crc are set here, and its checksums
 * sealed; *sizep is the length of the message.
 */
int
dmsg_build_lnk_conn(void *buf, size_t len, const struct dmsg_lnk_conn *msg,
    const void *aux, size_t auxlen, int bswap, size_t *sizep,
    struct dfs_error *err)
{
	struct dmsg_lnk_conn m;
	uint8_t *b = buf;
	size_t pad;
	int error;

	if (auxlen > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -auxlen & 63;
	if (len < 384 || auxlen + pad > len - 384)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.head.magic = 0x4832;
	m.head.cmd = (m.head.cmd & ~(uint32_t)0xffffff) | DMSG_LNK_CONN;
	m.head.aux_bytes = (uint32_t)auxlen;
	/* The aux data may be in buf already. */
	if (auxlen > 0)
		memmove(b + 384, aux, auxlen);
	memset(b + 384 + auxlen, 0, pad);
	m.head.aux_crc = dfs_crc32c_ext(b + 384, auxlen + pad, 0);
	if ((error = dmsg_lnk_conn_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	memset(b + DMSG_LNK_CONN_SIZE, 0, 384 - DMSG_LNK_CONN_SIZE);
	/* Cannot fail: the header's size was set above. */
	(void)dmsg_hdr_seal(buf, 384, bswap);
	*sizep = 384 + auxlen + pad;
	return (0);
}

/*
 * Build the LNK_SPAN message from msg (a struct dmsg_lnk_span) in buf, len
 * bytes: a 448-byte header, then auxlen bytes of aux data, in the host's
 * byte order or swapped if bswap is set.  The header's magic, cmd (keeping
 * msg's other bits), aux_bytes and aux_crc are set here, and its checksums
 * sealed; *sizep is the length of the message.
 */
int
dmsg_build_lnk_span(void *buf, size_t len, const struct dmsg_lnk_span *msg,
    const void *aux, size_t auxlen, int bswap, size_t *sizep,
    struct dfs_error *err)
{
	struct dmsg_lnk_span m;
	uint8_t *b = buf;
	size_t pad;
	int error;

	if (auxlen > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -auxlen & 63;
	if (len < 448 || auxlen + pad > len - 448)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.head.magic = 0x4832;
	m.head.cmd = (m.head.cmd & ~(uint32_t)0xffffff) | DMSG_LNK_SPAN;
	m.head.aux_bytes = (uint32_t)auxlen;
	/* The aux data may be in buf already. */
	if (auxlen > 0)
		memmove(b + 448, aux, auxlen);
	memset(b + 448 + auxlen, 0, pad);
	m.head.aux_crc = dfs_crc32c_ext(b + 448, auxlen + pad, 0);
	if ((error = dmsg_lnk_span_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	memset(b + DMSG_LNK_SPAN_SIZE, 0, 448 - DMSG_LNK_SPAN_SIZE);
	/* Cannot fail: the header's size was set above. */
	(void)dmsg_hdr_seal(buf, 448, bswap);
	*sizep = 448 + auxlen + pad;
	return (0);
}

/*
 * Build the LNK_ERROR message from msg in buf, len bytes: a 64-byte
 * header, then auxlen bytes of aux data, in the host's byte order or
 * swapped if bswap is set.  The header's magic, cmd (keeping msg's other
 * bits), aux_bytes and aux_crc are set here, and its checksums sealed;
 * *sizep is the length of the message.
 */
int
dmsg_build_lnk_error(void *buf, size_t len, const struct dmsg_hdr *msg,
    const void *aux, size_t auxlen, int bswap, size_t *sizep,
    struct dfs_error *err)
{
	struct dmsg_hdr m;
	uint8_t *b = buf;
	size_t pad;
	int error;

	if (auxlen > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -auxlen & 63;
	if (len < 64 || auxlen + pad > len - 64)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.magic = 0x4832;
	m.cmd = (m.cmd & ~(uint32_t)0xffffff) | DMSG_LNK_ERROR;
	m.aux_bytes = (uint32_t)auxlen;
	/* The aux data may be in buf already. */
	if (auxlen > 0)
		memmove(b + 64, aux, auxlen);
	memset(b + 64 + auxlen, 0, pad);
	m.aux_crc = dfs_crc32c_ext(b + 64, auxlen + pad, 0);
	if ((error = dmsg_hdr_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	/* Cannot fail: the header's size was set above. */
	(void)dmsg_hdr_seal(buf, 64, bswap);
	*sizep = 64 + auxlen + pad;
	return (0);
}

/*
 * Build the DBG_SHELL message from msg (a struct dmsg_dbg_shell) in buf,
 * len bytes: a 64-byte header, then auxlen bytes of aux data, in the
 * host's byte order or swapped if bswap is set.  The header's magic, cmd
 * (keeping msg's other bits), aux_bytes and aux_crc are set here, and its
 * checksums sealed; *sizep is the length of the message.
 */
int
dmsg_build_dbg_shell(void *buf, size_t len, const struct dmsg_dbg_shell *msg,
    const void *aux, size_t auxlen, int bswap, size_t *sizep,
    struct dfs_error *err)
{
	struct dmsg_dbg_shell m;
	uint8_t *b = buf;
	size_t pad;
	int error;

	if (auxlen > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -auxlen & 63;
	if (len < 64 || auxlen + pad > len - 64)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	m = *msg;
	m.head.magic = 0x4832;
	m.head.cmd = (m.head.cmd & ~(uint32_t)0xffffff) | DMSG_DBG_SHELL;
	m.head.aux_bytes = (uint32_t)auxlen;
	/* The aux data may be in buf already. */
	if (auxlen > 0)
		memmove(b + 64, aux, auxlen);
	memset(b + 64 + auxlen, 0, pad);
	m.head.aux_crc = dfs_crc32c_ext(b + 64, auxlen + pad, 0);
	if ((error = dmsg_dbg_shell_encode(&m, buf, len, bswap, err)) != 0)
		return (error);
	/* Cannot fail: the header's size was set above. */
	(void)dmsg_hdr_seal(buf, 64, bswap);
	*sizep = 64 + auxlen + pad;
	return (0);
}

/*
 * Parse the dmsg message at the start of buf (len bytes): its byte order
 * by the header's magic, its header's size and checksums, its aux data and
 * their CRC, and its payload, chosen by its id and decoded into out in
 * host order; out->aux points into buf.  The first failure is returned and
 * described in *err (which may be NULL).
 */
int
dmsg_parse(const void *buf, size_t len, struct dmsg_msg *out,
    struct dfs_error *err)
{
	const uint8_t *b = buf;
	size_t hbytes, abytes, pad;
	int bswap, error;

	if (len < DMSG_HDR_SIZE)
		return (dfs_fail(err, "dmsg", NULL, 0, DFS_ESHORT));
	if ((bswap = dmsg_hdr_detect(buf, len)) < 0)
		return (dfs_fail(err, "dmsg", "magic",
		    offsetof(struct dmsg_hdr, magic), DFS_EMAGIC));
	hbytes = (size_t)(dmsg_hdr_get_cmd(buf, bswap) & 0xff) * 64;
	if (hbytes < DMSG_HDR_SIZE || hbytes > 2048)
		return (dfs_fail(err, "dmsg", "cmd",
		    offsetof(struct dmsg_hdr, cmd), DFS_ERANGE));
	if (hbytes > len)
		return (dfs_fail(err, "dmsg", "cmd",
		    offsetof(struct dmsg_hdr, cmd), DFS_ESHORT));
	if ((error = dmsg_hdr_verify(buf, hbytes, bswap, err)) != 0)
		return (error);
	abytes = dmsg_hdr_get_aux_bytes(buf, bswap);
	if (abytes > 1048576)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ERANGE));
	pad = -abytes & 63;
	if (abytes + pad > len - hbytes)
		return (dfs_fail(err, "dmsg", "aux_bytes",
		    offsetof(struct dmsg_hdr, aux_bytes), DFS_ESHORT));
	if (dfs_crc32c_ext(b + hbytes, abytes + pad, 0) !=
	    dmsg_hdr_get_aux_crc(buf, bswap))
		return (dfs_fail(err, "dmsg", "aux_crc",
		    offsetof(struct dmsg_hdr, aux_crc), DFS_ECRC));
	switch (dmsg_hdr_get_cmd(buf, bswap) & 0x00ffff00) {
	case 0x00000000:
		out->kind = DMSG_MSG_LNK_PAD;
		error = dmsg_hdr_decode(&out->u.lnk_pad, buf, hbytes,
		    err);
		break;
	case 0x00000100:
		out->kind = DMSG_MSG_LNK_PING;
		error = dmsg_hdr_decode(&out->u.lnk_ping, buf, hbytes,
		    err);
		break;
	case 0x00001100:
		out->kind = DMSG_MSG_LNK_CONN;
		error = dmsg_lnk_conn_decode(&out->u.lnk_conn, buf, hbytes,
		    bswap, err);
		break;
	case 0x00001200:
		out->kind = DMSG_MSG_LNK_SPAN;
		error = dmsg_lnk_span_decode(&out->u.lnk_span, buf, hbytes,
		    bswap, err);
		break;
	case 0x000fff00:
		out->kind = DMSG_MSG_LNK_ERROR;
		error = dmsg_hdr_decode(&out->u.lnk_error, buf, hbytes,
		    err);
		break;
	case 0x00100100:
		out->kind = DMSG_MSG_DBG_SHELL;
		error = dmsg_dbg_shell_decode(&out->u.dbg_shell, buf, hbytes,
		    bswap, err);
		break;
	default:
		return (dfs_fail(err, "dmsg", "cmd",
		    offsetof(struct dmsg_hdr, cmd), DFS_EENUM));
	}
	if (error != 0)
		return (error);
	out->bswap = bswap;
	out->hdr_bytes = hbytes;
	out->size = hbytes + abytes + pad;
	out->aux = abytes > 0 ? b + hbytes : NULL;
	out->aux_bytes = abytes;
	return (0);
}

/* The name of a kind of dmsg message, or NULL. */
const char *
dmsg_msg_name(enum dmsg_msg_kind kind)
{
	switch (kind) {
	case DMSG_MSG_LNK_PAD:
		return ("LNK_PAD");
	case DMSG_MSG_LNK_PING:
		return ("LNK_PING");
	case DMSG_MSG_LNK_CONN:
		return ("LNK_CONN");
	case DMSG_MSG_LNK_SPAN:
		return ("LNK_SPAN");
	case DMSG_MSG_LNK_ERROR:
		return ("LNK_ERROR");
	case DMSG_MSG_DBG_SHELL:
		return ("DBG_SHELL");
	}
	return (NULL);
}

/*
 * Print a parsed dmsg message: what it is, then its header and payload
 * a field a line, indented by indent columns.
 */
void
dmsg_msg_print(const struct dmsg_msg *msg, int indent, dfs_print_fn *pr,
    void *arg)
{
	const char *name = dmsg_msg_name(msg->kind);

	pr(arg, "%*s%s: %zu bytes, %zu of aux data%s\n", indent, "",
	    name != NULL ? name : "?", msg->size, msg->aux_bytes,
	    msg->bswap ? ", swapped" : "");
	switch (msg->kind) {
	case DMSG_MSG_LNK_PAD:
		dmsg_hdr_print(&msg->u.lnk_pad, indent + 4, pr, arg);
		break;
	case DMSG_MSG_LNK_PING:
		dmsg_hdr_print(&msg->u.lnk_ping, indent + 4, pr, arg);
		break;
	case DMSG_MSG_LNK_CONN:
		dmsg_lnk_conn_print(&msg->u.lnk_conn, indent + 4, pr, arg);
		break;
	case DMSG_MSG_LNK_SPAN:
		dmsg_lnk_span_print(&msg->u.lnk_span, indent + 4, pr, arg);
		break;
	case DMSG_MSG_LNK_ERROR:
		dmsg_hdr_print(&msg->u.lnk_error, indent + 4, pr, arg);
		break;
	case DMSG_MSG_DBG_SHELL:
		dmsg_dbg_shell_print(&msg->u.dbg_shell, indent + 4, pr, arg);
		break;
	}
}
