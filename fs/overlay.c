// SPDX-License-Identifier: MIT
/*
 * overlay (SPEC §3): what is written between open and close is staged here
 * and programmed at close(2); `: > overlay` or truncate(2) to 0 frees the
 * design. Reading returns the loaded xclbin.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Staging is memory of the daemon that serves every card: one open takes
 * no more than the largest xclbin we accept (EFBIG), and all opens of all
 * cards together no more than OV_TOTAL (ENOSPC), counted as reserved
 * (fs->staged).
 */
#define OV_MAX	 (1ull << 30)
#define OV_TOTAL (2ull << 30)

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
	if (h->trunc)
		fs_closing_settle(n->fs); /* buffers just closed: closing.c */
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

/*
 * Room for end bytes (at most OV_MAX), within every open's share. Staging
 * is anonymous memory, untouched pages costing nothing: a write far past
 * the end takes one page, not all before it. Bytes past h->len are zero.
 */
static int ov_reserve(struct fs_node *n, struct fs_handle *h, size_t end)
{
	size_t cap = h->cap ? h->cap : 1 << 20;
	uint64_t staged;
	void *d;

	if (end <= h->cap)
		return 0;
	while (cap < end)
		cap *= 2;
	cap = cap < OV_MAX ? cap : OV_MAX;
	staged = __atomic_add_fetch(&n->fs->staged, cap - h->cap, __ATOMIC_RELAXED);
	if (staged > OV_TOTAL) {
		__atomic_sub_fetch(&n->fs->staged, cap - h->cap, __ATOMIC_RELAXED);
		fs_log(n,
		       "xclbins being written to overlays hold %llu MiB of the daemon's memory "
		       "already (%llu MiB at most, for all cards): close one first",
		       (unsigned long long)((staged - (cap - h->cap)) >> 20), OV_TOTAL >> 20);
		return -ENOSPC;
	}
	d = h->data ? mremap(h->data, h->cap, cap, MREMAP_MAYMOVE)
		    : mmap(NULL, cap, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (d == MAP_FAILED) {
		__atomic_sub_fetch(&n->fs->staged, cap - h->cap, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	h->data = d;
	h->cap = cap;
	h->mapped = true;
	return 0;
}

/* The last close: what this open staged goes back to the others. */
static void ov_release(struct fs_node *n, struct fs_handle *h)
{
	if (!h->mapped)
		return;
	__atomic_sub_fetch(&n->fs->staged, h->cap, __ATOMIC_RELAXED);
	munmap(h->data, h->cap);
	h->data = NULL;
	h->cap = h->len = 0;
	h->mapped = false;
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
		fs_log(n, "more than %llu MiB is not an xclbin we take", OV_MAX >> 20);
		fuse_reply_err(req, EFBIG);
		return;
	}
	ret = ov_reserve(n, h, end);
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	memcpy(h->data + off, buf, size); /* a gap before off is zero already */
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
	fs_closing_settle(n->fs); /* buffers just closed: closing.c */
	if (h->dirty)
		ret = pq_card_program(n->card, (const uint8_t *)h->data, h->len);
	else
		ret = pq_card_free(n->card);
	/* Done either way: a second close of a dup'ed descriptor repeats nothing. */
	h->dirty = h->trunc = false;
	if (!ret)
		fs_card_refresh(n->fs, n->card);
	fs_reply_status(req, ret);
}

static int ov_truncate(struct fs_node *n, struct fs_handle *h, off_t size)
{
	int ret;

	if (h) {
		/* ftruncate on an open overlay: edits what this open stages. */
		if ((uint64_t)size > OV_MAX) {
			fs_log(n, "more than %llu MiB is not an xclbin we take", OV_MAX >> 20);
			return -EFBIG;
		}
		ret = ov_reserve(n, h, (size_t)size);
		if (ret)
			return ret;
		if ((size_t)size < h->len)
			memset(h->data + size, 0, h->len - (size_t)size); /* zero past the end */
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
	fs_closing_settle(n->fs); /* buffers just closed: closing.c */
	ret = pq_card_free(n->card);
	if (!ret)
		fs_card_refresh(n->fs, n->card);
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
	.release = ov_release,
	.truncate = ov_truncate,
	.size = ov_size,
};
