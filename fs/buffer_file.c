// SPDX-License-Identifier: MIT
/*
 * Buffer files in banks/ (SPEC §4): every write(2) syncs its range to the
 * device before it returns, every read(2) syncs its range from the device.
 * Opened with direct_io, so no read is ever served from a stale page. They
 * may be mapped (mmap(MAP_SHARED), where the kernel allows it on direct_io
 * files: channel.c): a mapping's pages are the kernel's, so when a run
 * ends, core calls fs_buffer_changed for each of its buffers, and their
 * pages go (dirty ones written back first) before the run counts as ended.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

/* The buffer's path for log lines, and a new mtime once it changed. */
static char *bf_path(struct fs_node *n)
{
	char *path;

	fs_lock(n->fs);
	path = fs_node_path(n);
	fs_unlock(n->fs);
	return path;
}

/*
 * After a change: a new mtime and, when someone other than root wrote,
 * setuid dropped, and setgid where it means set-group-ID (group execute
 * set), as every Linux filesystem does. This runs after every write: the
 * times and the privs flag need no lock, only a mode to change does.
 */
static void bf_changed(struct fs_node *n, uid_t writer)
{
	struct fs_inval iv = {0};

	fs_node_touch(n);
	if (writer == 0 || !__atomic_load_n(&n->privs, __ATOMIC_ACQUIRE))
		return;
	fs_lock(n->fs);
	if (n->privs) {
		mode_t mode = n->mode & ~(mode_t)S_ISUID;

		if (mode & S_IXGRP)
			mode &= ~(mode_t)S_ISGID;
		fs_node_set_mode(n, mode);
		fs_inval_inode(&iv, n);
	}
	fs_unlock(n->fs);
	/*
	 * The kernel forgets size and mtime after a write by itself, not the
	 * mode: told before the reply, so that no stat after the write shows
	 * the bits it dropped. Attributes only (offset -1): safe from inside
	 * a request on this inode.
	 */
	fs_inval_send(&iv);
}

static int bf_resize(struct fs_node *n, uint64_t size)
{
	char *path;
	int ret;

	if (!n->buf)
		return -ENOENT;
	if (size > pq_buffer_size(n->buf))
		fs_closing_wait(n->fs); /* memory of buffers just closed: closing.c */
	path = bf_path(n);
	ret = pq_buffer_resize(n->buf, size, path ? path : n->name);
	free(path);
	if (!ret)
		bf_changed(n, 0);
	return ret;
}

static int bf_open(struct fs_node *n, struct fs_handle *h, struct fuse_file_info *fi)
{
	if (!n->buf)
		return -ENOENT;
	if (fi->flags & O_TRUNC) {
		/* Rewritten next, as by cp: the device memory stays for it. */
		pq_buffer_truncate_keep(n->buf);
		bf_changed(n, 0);
		h->trunc = true;
	}
	return 0;
}

/*
 * The last close after an O_TRUNC open or a write that grew the buffer
 * (not a flush: a forked child's close flushes too): the memory held ahead
 * that the contents don't use goes back.
 */
static void bf_release(struct fs_node *n, struct fs_handle *h)
{
	char *path;

	if (h->trunc && n->buf) {
		path = bf_path(n);
		pq_buffer_trim(n->buf, path ? path : n->name); /* a failure keeps the room */
		free(path);
	}
}

void fs_buffer_changed(void *ctx, struct pq_buffer *b)
{
	struct fs *fs = ctx;
	struct fs_node *n;
	fuse_ino_t ino = 0;

	/* No mapping without mmap, and no tree lock taken at each run's end for none. */
	if (!fs_mmap_allowed(fs))
		return;
	/* Only an open buffer can be mapped: a new mapping drops old pages itself. */
	fs_lock(fs);
	n = pq_buffer_tag(b);
	if (n && fs->session && n->nlookup && n->nhandles)
		ino = fs_node_id(n);
	fs_unlock(fs);
	/* Offset 0, length 0: every page and mapping of it, and its attributes. */
	if (ino)
		fuse_lowlevel_notify_inval_inode(fs->session, ino, 0, 0);
}

void fs_buffer_opened(struct fs_node *n)
{
	if (n->kind == FS_BUF)
		n->nhandles++;
}

void fs_buffer_closed(struct fs_node *n)
{
	struct fs *fs = n->fs;
	struct fs_inval iv = {0};
	bool removed = false;
	char *path = NULL;

	if (n->kind != FS_BUF)
		return;
	fs_lock(fs);
	if (n->nhandles)
		n->nhandles--;
	if (!n->nhandles && n->autofree && n->parent) {
		path = fs_node_path(n);
		fs_inval_entry(&iv, n->parent, n->name);
		fs_node_touch(n->parent);
		fs_node_unlink(n); /* the releasing handle's pin holds n: memory goes at unpin */
		removed = true;
	}
	fs_unlock(fs);
	fs_inval_send(&iv);
	if (removed)
		pq_card_log(n->card, "%s: removed at its last close (user.pynq.autofree)",
			    path ? path : n->name);
	free(path);
}

static void bf_read(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size, off_t off)
{
	struct pq_buffer *b;
	const void *ptr;
	size_t len;
	int ret;

	if (h)
		fs_closing_set(n->fs, h, false); /* used again: not closing */
	/*
	 * Once the reply is out the reader may close, and its release and a
	 * FORGET free n: the buffer is held by a reference of our own.
	 */
	b = n->buf;
	if (!b) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	pq_buffer_get(b);
	ret = pq_buffer_read_begin(b, (uint64_t)off, size, &ptr, &len);
	if (ret) {
		pq_buffer_put(b);
		fs_reply_status(req, ret);
		return;
	}
	/* Straight from device memory to the reader: one copy. */
	fuse_reply_buf(req, ptr, len);
	pq_buffer_read_end(b);
	pq_buffer_put(b);
}

static void bf_write(fuse_req_t req, struct fs_node *n, struct fs_handle *h, const char *buf,
		     size_t size, off_t off)
{
	char *path = NULL;
	ssize_t ret;

	if (h)
		fs_closing_set(n->fs, h, false); /* used again: not closing */
	/*
	 * Only growth can be refused (EFBIG, ENOSPC): name the buffer by its
	 * path then, and spare the common write the tree walk.
	 */
	if ((uint64_t)off + size > pq_buffer_size(n->buf)) {
		path = bf_path(n);
		if (h)
			h->trunc = true; /* growing takes room ahead: trimmed at the last close */
		fs_closing_wait(n->fs);	 /* memory of buffers just closed: closing.c */
	}
	ret = pq_buffer_write(n->buf, (uint64_t)off, buf, size, path ? path : n->name);
	free(path);
	if (ret < 0) {
		fs_reply_status(req, (int)ret);
		return;
	}
	bf_changed(n, fuse_req_ctx(req)->uid);
	fuse_reply_write(req, (size_t)ret);
}

static int bf_truncate(struct fs_node *n, struct fs_handle *h, off_t size)
{
	(void)h;
	return bf_resize(n, (uint64_t)size);
}

static off_t bf_size(struct fs_node *n)
{
	return n->buf ? (off_t)pq_buffer_size(n->buf) : 0;
}

int fs_buffer_fallocate(struct fs_node *n, int mode, off_t off, off_t len)
{
	uint64_t end = (uint64_t)off + (uint64_t)len;

	if (n->kind != FS_BUF || (mode & ~FALLOC_FL_KEEP_SIZE)) {
		if (n->card)
			fs_log(n,
			       "fallocate mode 0x%x: only growing a buffer (mode 0) or "
			       "FALLOC_FL_KEEP_SIZE is supported",
			       (unsigned)mode);
		return -EOPNOTSUPP;
	}
	/* Device memory is reserved as the buffer grows: growing is allocating. */
	if (!(mode & FALLOC_FL_KEEP_SIZE) && n->buf && end > pq_buffer_size(n->buf))
		return bf_resize(n, end);
	return 0;
}

const struct fs_file_ops fs_buffer_ops = {
	.open = bf_open,
	.read = bf_read,
	.write = bf_write,
	.release = bf_release,
	.truncate = bf_truncate,
	.size = bf_size,
};
