// SPDX-License-Identifier: MIT
/*
 * kernels/<cu>/args and registers (SPEC §5). Binding and checking are
 * core's (pq_cu_args_set, pq_cu_reg_write); these files only gather what
 * shells write and show what core holds.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define KN_IN_MAX (1u << 20) /* no args line is a megabyte */

/* Append written bytes to the handle's input. */
int fs_handle_append(struct fs_handle *h, const char *buf, size_t size)
{
	if (h->inlen + size > KN_IN_MAX)
		return -EFBIG;
	if (h->inlen + size + 1 > h->incap) {
		size_t cap = (h->inlen + size + 1) * 2;
		char *d = realloc(h->in, cap);

		if (!d)
			return -ENOMEM;
		h->in = d;
		h->incap = cap;
	}
	memcpy(h->in + h->inlen, buf, size);
	h->inlen += size;
	h->in[h->inlen] = '\0';
	return 0;
}

static int args_open(struct fs_node *n, struct fs_handle *h, struct fuse_file_info *fi)
{
	FILE *f;
	int ret;

	if ((fi->flags & O_ACCMODE) == O_WRONLY)
		return 0;
	/* A snapshot to read from, like any text file. */
	f = open_memstream(&h->data, &h->len);
	if (!f)
		return -ENOMEM;
	ret = pq_cu_args_dump(n->card, n->gen, n->index, f);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	return ret == -ENOENT ? 0 : ret;
}

static void args_read(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size,
		      off_t off)
{
	size_t len = (uint64_t)off < h->len ? h->len - (size_t)off : 0;

	(void)n;
	fs_reply_copy(req, len ? h->data + off : NULL, len < size ? len : size);
}

/*
 * Apply each complete line once, as it arrives (an error names itself at
 * once); keep the rest of a line for the next write or the close. Each
 * line stands alone: positional values fill the args from the first.
 */
static void args_write(fuse_req_t req, struct fs_node *n, struct fs_handle *h, const char *buf,
		       size_t size, off_t off)
{
	const char *nl;
	size_t done;
	int ret;

	(void)off;
	ret = fs_handle_append(h, buf, size);
	if (!ret && (nl = memrchr(h->in, '\n', h->inlen))) {
		done = (size_t)(nl - h->in) + 1;
		ret = pq_cu_args_set(n->card, n->gen, n->index, h->in, done, false);
		memmove(h->in, h->in + done, h->inlen - done + 1);
		h->inlen -= done;
	}
	/* A line not ended yet: its complete tokens are checked now, bound at its end. */
	if (!ret && h->inlen)
		ret = pq_cu_args_check(n->card, n->gen, n->index, h->in, h->inlen);
	if (ret) {
		h->inlen = 0; /* reported: close need not report it again */
		h->pending = false;
		fs_reply_status(req, ret);
		return;
	}
	h->pending = h->inlen > 0;
	fuse_reply_write(req, size);
}

/* The last token, with or without a trailing newline. */
static void args_flush(fuse_req_t req, struct fs_node *n, struct fs_handle *h)
{
	int ret = 0;

	if (h->pending)
		ret = pq_cu_args_set(n->card, n->gen, n->index, h->in, h->inlen, false);
	h->pending = false;
	h->inlen = 0; /* applied once, however often the fd is closed */
	fs_reply_status(req, ret);
}

static off_t args_size(struct fs_node *n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return 0;
	pq_cu_args_dump(n->card, n->gen, n->index, f);
	fclose(f);
	free(text);
	return (off_t)len;
}

const struct fs_file_ops fs_args_ops = {
	.open = args_open,
	.read = args_read,
	.write = args_write,
	.flush = args_flush,
	.size = args_size,
};

static void regs_read(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size,
		      off_t off)
{
	uint8_t *buf;
	int ret;

	(void)h;
	if (size > (1u << 20))
		size = 1u << 20;
	buf = malloc(size + 4);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* Side effects (AP_DONE clears on read) only for who may write the file. */
	ret = pq_cu_reg_read(n->card, n->gen, n->index, (uint64_t)off, buf, size, h->writer);
	if (ret < 0)
		fs_reply_status(req, ret);
	else
		fuse_reply_buf(req, (const char *)buf, (size_t)ret);
	free(buf);
}

static void regs_write(fuse_req_t req, struct fs_node *n, struct fs_handle *h, const char *buf,
		       size_t size, off_t off)
{
	struct fs_cred who;
	int ret;

	(void)h;
	fs_cred_of(req, &who);
	ret = pq_cu_reg_write(n->card, n->gen, n->index, (uint64_t)off, buf, size, &who);
	if (ret < 0)
		fs_reply_status(req, ret);
	else
		fuse_reply_write(req, size);
}

static off_t regs_size(struct fs_node *n)
{
	uint64_t size = 0;

	pq_cu_reg_size(n->card, n->gen, n->index, &size);
	return (off_t)size;
}

const struct fs_file_ops fs_regs_ops = {
	.read = regs_read,
	.write = regs_write,
	.size = regs_size,
};
