// SPDX-License-Identifier: MIT
/*
 * FUSE low-level operations: node lookup and attributes, and open files
 * dispatched to the file ops of their kind. Node ids are node addresses
 * (the root is FUSE_ROOT_ID). The tree lock is never held across device
 * work: a node is pinned (nopen) instead, so it can't go away meanwhile.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

const struct fs_file_ops *fs_file_ops_of(const struct fs_node *n)
{
	return fs_kinds[n->kind].ops;
}

void fs_reply_status(fuse_req_t req, int ret)
{
	fuse_reply_err(req, -ret);
}

void fs_reply_copy(fuse_req_t req, const char *data, size_t len)
{
	char *copy = len ? malloc(len) : NULL;

	if (len && !copy) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (len)
		memcpy(copy, data, len);
	fuse_reply_buf(req, copy, len);
	free(copy);
}

void fs_log(const struct fs_node *n, const char *fmt, ...)
{
	char *path, *msg = NULL;
	va_list ap;

	if (!n->card)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fs_lock(n->fs);
	path = fs_node_path(n);
	fs_unlock(n->fs);
	pq_card_log(n->card, "%s: %s", path ? path : n->name, msg ? msg : "out of memory");
	free(msg);
	free(path);
}

bool fs_name_too_long(const struct fs_node *dir, const char *name)
{
	size_t len = strlen(name);

	/* FUSE passes names up to 1024 bytes; a name this long is a mistake, not a probe. */
	if (len <= FS_NAME_MAX)
		return false;
	if (dir->card)
		pq_card_log(dir->card, "%.40s...: a name of %zu bytes; at most %d", name, len,
			    FS_NAME_MAX);
	return true;
}

static void fs_conn_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* O_TRUNC comes with open: `cp` to overlay must not free the design first. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	conn->max_write = FS_BLKSIZE;
}

static void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p, *n;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	if (fs_name_too_long(fs_node_of(fs, parent), name)) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	n = fs_is_dir(p) ? fs_node_find(p, name) : NULL;
	if (n) {
		fs_reply_entry(req, n); /* unlocks */
		return;
	}
	fs_unlock(fs);
	fuse_reply_err(req, fs_is_dir(p) ? ENOENT : ENOTDIR);
}

static void fs_forget_one(struct fs *fs, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs_node *n = fs_node_of(fs, ino);

	n->nlookup = nlookup > n->nlookup ? 0 : n->nlookup - nlookup;
	fs_node_maybe_free(n);
}

static void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs *fs = fs_of(req);

	fs_lock(fs);
	fs_forget_one(fs, ino, nlookup);
	fs_unlock(fs);
	fuse_reply_none(req);
}

static void fs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	struct fs *fs = fs_of(req);

	fs_lock(fs);
	for (size_t i = 0; i < count; i++)
		fs_forget_one(fs, forgets[i].ino, forgets[i].nlookup);
	fs_unlock(fs);
	fuse_reply_none(req);
}

void fs_unpin(struct fs_node *n)
{
	struct fs *fs = n->fs; /* n may be freed by the unpin */

	fs_lock(fs);
	fs_node_unpin(n);
	fs_unlock(fs);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n;
	struct stat st;
	double timeout;

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	(void)fi;
	fs_lock(fs);
	n = fs_node_of(fs, ino);
	fs_fill_attr(n, &st);
	timeout = fs_attr_timeout(n);
	n->nopen++;
	fs_unlock(fs);
	fs_fill_size(n, &st);
	fs_unpin(n);
	fuse_reply_attr(req, &st, timeout);
}

static void fs_set_times(struct fs_node *n, const struct stat *attr, int to_set)
{
	struct timespec now;
	const struct timespec *mtime = NULL;

	clock_gettime(CLOCK_REALTIME, &now);
	if (to_set & FUSE_SET_ATTR_ATIME)
		n->atime = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		n->atime = now;
	if (to_set & FUSE_SET_ATTR_MTIME)
		mtime = &attr->st_mtim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		mtime = &now;
	fs_node_set_times(n, mtime, &now);
}

/* truncate(2) and ftruncate(2): the kind's own, outside the tree lock. */
static int fs_truncate(struct fs_node *n, struct fuse_file_info *fi, off_t size)
{
	const struct fs_file_ops *ops = fs_file_ops_of(n);
	int ret;

	if (!ops || !ops->truncate) {
		fs_log(n, "cannot be truncated");
		return fs_is_dir(n) ? -EISDIR : -EPERM;
	}
	if (fi) {
		ret = fs_handle_check(n, (struct fs_handle *)(uintptr_t)fi->fh, W_OK);
		if (ret)
			return ret;
	}
	return ops->truncate(n, fi ? (struct fs_handle *)(uintptr_t)fi->fh : NULL, size);
}

static void fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	const int meta = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID |
			 FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
			 FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME;
	struct fs_node *n;
	struct stat st;
	int ret = 0;

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	fs_lock(fs);
	n = fs_node_of(fs, ino);
	if (n->kind == FS_CARD) {
		fs_unlock(fs);
		fs_card_setattr(req, n, attr, to_set);
		return;
	}
	if ((to_set & meta) && !fs_in_bank(n)) {
		fs_unlock(fs);
		fs_log(n, "mode, owner and times belong to pynqfs here; only buffers and "
			  "directories in banks/ have their own");
		fuse_reply_err(req, EPERM);
		return;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		n->nopen++;
		fs_unlock(fs);
		ret = fs_truncate(n, fi, attr->st_size);
		fs_lock(fs);
		fs_node_unpin(n);
		if (ret) {
			/* Why was logged. */
			fs_unlock(fs);
			fs_reply_status(req, ret);
			return;
		}
	}
	if ((to_set & meta) && !n->own) {
		/* A bank directory given its own owner or mode stops following the card. */
		fs_node_owner(n, &n->uid, &n->gid, &n->mode);
		n->own = true;
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		fs_node_set_mode(n, (n->mode & S_IFMT) | (attr->st_mode & 07777));
	if (to_set & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (to_set & meta)
		fs_set_times(n, attr, to_set);
	fs_fill_attr(n, &st);
	n->nopen++;
	fs_unlock(fs);
	fs_fill_size(n, &st);
	fs_unpin(n);
	fuse_reply_attr(req, &st, fs_attr_timeout(n));
}

static void fs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n = fs_node_of(fs, ino);
	char target[32];

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	if (n->kind == FS_STREAMLINK || n->kind == FS_NEWACTIVE) {
		fuse_reply_readlink(req, n->text ? n->text : "");
		return;
	}
	if (n->kind != FS_ACTIVE) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	fs_lock(fs);
	snprintf(target, sizeof(target), "card%u", fs->active);
	fs_unlock(fs);
	fuse_reply_readlink(req, target);
}

void fs_open_add(struct fs *fs, struct fs_open *o, void (*free_fn)(struct fs_open *))
{
	o->fs = fs;
	o->free = free_fn;
	pthread_mutex_lock(&fs->opens_lock);
	o->next = fs->opens.next;
	o->prev = &fs->opens;
	fs->opens.next->prev = o;
	fs->opens.next = o;
	pthread_mutex_unlock(&fs->opens_lock);
}

void fs_open_del(struct fs_open *o)
{
	pthread_mutex_lock(&o->fs->opens_lock);
	o->prev->next = o->next;
	o->next->prev = o->prev;
	pthread_mutex_unlock(&o->fs->opens_lock);
}

void fs_opens_destroy(struct fs *fs)
{
	while (fs->opens.next != &fs->opens) {
		struct fs_open *o = fs->opens.next;

		fs_open_del(o);
		o->free(o);
	}
}

static void fs_handle_free_open(struct fs_open *o)
{
	struct fs_handle *h = (struct fs_handle *)o;

	if (h->mapped)
		munmap(h->data, h->cap);
	else
		free(h->data);
	free(h->in);
	free(h);
}

/* Free a handle that was listed (or, with listed false, never was). */
static void fs_handle_free(struct fs_handle *h, bool listed)
{
	if (!h)
		return;
	if (listed)
		fs_open_del(&h->open);
	fs_handle_free_open(&h->open);
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	bool wr = (fi->flags & O_ACCMODE) != O_RDONLY;
	const struct fs_file_ops *ops;
	struct fs_handle *h;
	struct fs_node *n;
	int ret = 0;

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	fs_lock(fs);
	n = fs_node_of(fs, ino);
	ops = fs_file_ops_of(n);
	if (!ops) {
		fs_unlock(fs);
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (wr && !ops->write) {
		fs_unlock(fs);
		/* Root passes permission bits; the file still can't take writes. */
		fs_log(n, "is read-only");
		fuse_reply_err(req, EACCES);
		return;
	}
	n->nopen++;
	fs_buffer_opened(n);
	fs_unlock(fs);
	fi->direct_io = 1; /* never a stale page: reads always come to us */
	h = calloc(1, sizeof(*h));
	if (h) {
		h->writer = wr;
		fs_handle_set_opener(req, h);
	}
	if (!h)
		ret = -ENOMEM;
	else
		ret = fs_handle_admit(
			n, h, (wr ? W_OK : 0) | ((fi->flags & O_ACCMODE) != O_WRONLY ? R_OK : 0));
	if (!ret && ops->open)
		ret = ops->open(n, h, fi);
	if (ret) {
		fs_handle_free(h, false);
		fs_buffer_closed(n);
		fs_unpin(n);
		fs_reply_status(req, ret);
		return;
	}
	fs_open_add(fs, &h->open, fs_handle_free_open);
	fi->fh = (uintptr_t)h;
	if (fuse_reply_open(req, fi)) {
		fs_handle_free(h, true);
		fs_buffer_closed(n);
		fs_unpin(n);
	}
}

struct fs_handle *fs_handle_listed(fuse_req_t req, bool writer)
{
	struct fs *fs = fs_of(req);
	struct fs_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->writer = writer;
	fs_handle_set_opener(req, h);
	fs_open_add(fs, &h->open, fs_handle_free_open);
	return h;
}

void fs_handle_unlist(struct fs_handle *h)
{
	fs_handle_free(h, true);
}

static struct fs_handle *fs_handle_of(struct fuse_file_info *fi)
{
	return (struct fs_handle *)(uintptr_t)fi->fh;
}

static void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n = fs_node_of(fs, ino);
	const struct fs_file_ops *ops = fs_file_ops_of(n);

	int ret;

	if (!ops || !ops->read) {
		fuse_reply_err(req, ops ? EBADF : EISDIR);
		return;
	}
	ret = fs_handle_check(n, fs_handle_of(fi), R_OK);
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	ops->read(req, n, fs_handle_of(fi), size, off);
}

static void fs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n = fs_node_of(fs, ino);
	const struct fs_file_ops *ops = fs_file_ops_of(n);

	int ret;

	if (!ops || !ops->write) {
		fuse_reply_err(req, EBADF);
		return;
	}
	ret = fs_handle_check(n, fs_handle_of(fi), W_OK);
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	ops->write(req, n, fs_handle_of(fi), buf, size, off);
}

static void fs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n = fs_node_of(fs, ino);
	const struct fs_file_ops *ops = fs_file_ops_of(n);
	struct fs_handle *h = fs_handle_of(fi);
	int ret;

	if (h && n && n->kind == FS_BUF)
		fs_closing_set(fs, h, true); /* its RELEASE comes after: closing.c */
	if (!ops || !ops->flush || !h) {
		fuse_reply_err(req, 0);
		return;
	}
	/* A writer's close acts (overlay programs, args applies a last token). */
	ret = h->writer ? fs_handle_check(n, h, W_OK) : 0;
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	ops->flush(req, n, h);
}

static void fs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n = fs_node_of(fs, ino);
	const struct fs_file_ops *ops = fs_file_ops_of(n);

	if (n && n->kind == FS_BUF)
		fs_closing_test_delay("PYNQFS_TEST_RELEASE_DELAY_MS"); /* closing.c */
	if (ops && ops->release && fs_handle_of(fi))
		ops->release(n, fs_handle_of(fi));
	fs_buffer_closed(n); /* an autofree buffer goes at its last close */
	fs_unpin(n);
	if (fs_handle_of(fi))
		fs_closing_set(fs, fs_handle_of(fi), false);
	fs_handle_free(fs_handle_of(fi), true);
	fuse_reply_err(req, 0);
}

static void fs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	(void)ino;
	(void)datasync;
	(void)fi;
	/* Every write already reached the device before it returned. */
	fuse_reply_err(req, 0);
}

static void fs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct fs *fs = fs_of(req);
	struct fs_node *n = fs_node_of(fs, ino);
	const struct fs_file_ops *ops = fs_file_ops_of(n);

	if (ops && ops->poll) {
		ops->poll(req, n, fs_handle_of(fi), ph);
		return;
	}
	if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
}

static void fs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
			 struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);

	(void)fi;
	fs_reply_status(req, fs_buffer_fallocate(fs_node_of(fs, ino), mode, off, len));
}

static void fs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_of(req);
	struct statvfs sv = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = FS_NAME_MAX};
	uint64_t cap = 0, used = 0;
	struct fs_node *n;

	fs_lock(fs);
	n = fs_node_of(fs, ino);
	if (fs_in_bank(n)) {
		/* `df banks/DDR0`: that bank's capacity and what is left of it. */
		if (pq_card_bank_usage(n->card, n->gen, n->index, &cap, &used))
			cap = used = 0;
		sv.f_blocks = cap / sv.f_frsize;
		sv.f_bfree = sv.f_bavail = (cap - used) / sv.f_frsize;
		sv.f_files = sv.f_ffree = sv.f_favail = 1u << 20;
	}
	fs_unlock(fs);
	fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = fs_conn_init,
	.lookup = fs_lookup,
	.forget = fs_forget,
	.forget_multi = fs_forget_multi,
	.getattr = fs_getattr,
	.setattr = fs_setattr,
	.readlink = fs_readlink,
	.mknod = fs_mknod,
	.mkdir = fs_mkdir,
	.unlink = fs_unlink,
	.rmdir = fs_rmdir,
	.symlink = fs_symlink,
	.link = fs_link,
	.rename = fs_rename,
	.create = fs_create,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.flush = fs_flush,
	.release = fs_release,
	.fsync = fs_fsync,
	.opendir = fs_opendir,
	.readdir = fs_readdir,
	.readdirplus = fs_readdirplus,
	.releasedir = fs_releasedir,
	.statfs = fs_statfs,
	.getxattr = fs_getxattr,
	.listxattr = fs_listxattr,
	.setxattr = fs_setxattr,
	.removexattr = fs_removexattr,
	.fallocate = fs_fallocate,
	.poll = fs_poll,
};
