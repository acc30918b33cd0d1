// SPDX-License-Identifier: MIT
/*
 * overlay (SPEC §3): what is written between open and close is staged here
 * and programmed at close(2); `: > overlay` or truncate(2) to 0 frees the
 * design. Reading returns the loaded xclbin.
 */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define OV_MAX (2ull << 30) /* the largest xclbin we stage in memory */

static int ov_open(struct fs_node *n, struct fs_handle *h, struct fuse_file_info *fi)
{
	if ((fi->flags & O_ACCMODE) == O_RDONLY)
		return 0;
	h->writing = true;
	h->trunc = (fi->flags & O_TRUNC) != 0;
	/*
	 * `: > overlay` and `cp x overlay` would be refused at close(2), which
	 * shells ignore: say it at open, which they report.
	 */
	return h->trunc ? pq_card_check_idle(n->card, "replacing or freeing the design") : 0;
}

static void ov_read(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size, off_t off)
{
	char *buf = size ? malloc(size) : NULL;
	size_t len;

	(void)h;
	if (size && !buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* A copy: no core lock is held while the reply goes out. */
	len = pq_card_image_read(n->card, (uint64_t)off, buf, size);
	fuse_reply_buf(req, buf, len);
	free(buf);
}

static int ov_reserve(struct fs_handle *h, size_t end)
{
	size_t cap = h->cap ? h->cap : 1 << 20;
	char *d;

	if (end <= h->cap)
		return 0;
	while (cap < end)
		cap *= 2;
	d = realloc(h->data, cap);
	if (!d)
		return -ENOMEM;
	h->data = d;
	h->cap = cap;
	return 0;
}

static void ov_write(fuse_req_t req, struct fs_node *n, struct fs_handle *h, const char *buf,
		     size_t size, off_t off)
{
	size_t end = (size_t)off + size;
	int ret;

	if (!h->writing) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if ((uint64_t)off + size > OV_MAX) {
		fs_log(n, "more than %llu bytes is not an xclbin we take", OV_MAX);
		fuse_reply_err(req, EFBIG);
		return;
	}
	ret = ov_reserve(h, end);
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	if ((size_t)off > h->len)
		memset(h->data + h->len, 0, (size_t)off - h->len);
	memcpy(h->data + off, buf, size);
	if (end > h->len)
		h->len = end;
	h->dirty = true;
	fuse_reply_write(req, size);
}

/* close(2): program what was written, or free after `: > overlay`. */
static void ov_flush(fuse_req_t req, struct fs_node *n, struct fs_handle *h)
{
	int ret;

	if (!h->writing || !(h->dirty || h->trunc)) {
		fuse_reply_err(req, 0);
		return;
	}
	if (h->dirty)
		ret = pq_card_program(n->card, (const uint8_t *)h->data, h->len);
	else
		ret = pq_card_free(n->card);
	/* Done either way: a second close of a dup'ed descriptor repeats nothing. */
	h->dirty = h->trunc = false;
	if (!ret)
		fs_card_refresh(n->card);
	fs_reply_status(req, ret);
}

static int ov_truncate(struct fs_node *n, struct fs_handle *h, off_t size)
{
	int ret;

	if (h) {
		/* ftruncate on an open overlay: edits what this open stages. */
		if ((uint64_t)size > OV_MAX)
			return -EFBIG;
		ret = ov_reserve(h, (size_t)size);
		if (ret)
			return ret;
		if ((size_t)size > h->len)
			memset(h->data + h->len, 0, (size_t)size - h->len);
		h->len = (size_t)size;
		h->trunc |= size == 0;
		h->dirty = size != 0;
		return 0;
	}
	if (size != 0) {
		fs_log(n, "truncate only to 0, which frees the design; to load one, write a "
			  "whole xclbin");
		return -EINVAL;
	}
	ret = pq_card_free(n->card);
	if (!ret)
		fs_card_refresh(n->card);
	return ret;
}

static off_t ov_size(struct fs_node *n)
{
	return (off_t)pq_card_image_size(n->card);
}

const struct fs_file_ops fs_overlay_ops = {
	.open = ov_open,
	.read = ov_read,
	.write = ov_write,
	.flush = ov_flush,
	.truncate = ov_truncate,
	.size = ov_size,
};
