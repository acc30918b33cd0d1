// SPDX-License-Identifier: MIT
/*
 * FUSE low-level operations. Node ids are node addresses (the root is
 * FUSE_ROOT_ID). The tree lock is never held across device work: a node
 * is pinned (nopen) instead, so it can't go away meanwhile.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kernel.h"
#include "summary.h"

#define FS_OVERLAY_MAX (2ull << 30) /* the largest xclbin we stage in memory */
#define FS_BLKSIZE     (1u << 20)   /* st_blksize: tools then move 1 MiB at a time */
#define FS_NAME_MAX    255

#define XA_ADDRESS "user.pynq.address"
#define XA_BANK	   "user.pynq.bank"
#define XA_TAG	   "user.pynq.tag"

/* Per-open state of generated files, the overlay, and directories. */
struct fs_handle {
	char *data; /* text snapshot, or the staged xclbin */
	size_t len, cap;
	bool writing, trunc, dirty;
	/* directory snapshot */
	struct fs_dirent {
		char *name;
		struct stat st;
	} * ents;
	size_t nents;
};

static struct fs_node *fs_node_of(fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? fs_state.root : (struct fs_node *)(uintptr_t)ino;
}

static fuse_ino_t fs_id(const struct fs_node *n)
{
	return n == fs_state.root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

/* A node in a bank: a bank directory, a user directory, or a buffer. */
static bool fs_in_bank(const struct fs_node *n)
{
	return n->kind == FS_BANK || n->kind == FS_DIR || n->kind == FS_BUF;
}

/* Log a failure in the node's card log (if any) and reply with it. */
static void fs_fail(fuse_req_t req, const struct fs_node *n, const char *name, int err,
		    const char *fmt, ...)
{
	char *path = n ? fs_node_path(n) : NULL, *msg = NULL;
	va_list ap;

	if (n && n->card) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		pq_log_add(&n->card->log, "%s%s%s: %s",
			   path && *path && n->kind != FS_CARD ? path : "",
			   name ? (path && *path && n->kind != FS_CARD ? "/" : "") : "",
			   name ? name : "", msg ? msg : strerror(err));
	}
	free(msg);
	free(path);
	fuse_reply_err(req, err);
}

static void fs_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

static bool fs_is_text(const struct fs_node *n)
{
	switch (n->kind) {
	case FS_CARDS:
	case FS_NAME:
	case FS_BACKEND:
	case FS_STATE:
	case FS_UUID:
	case FS_SUMMARY:
	case FS_LOG:
	case FS_STREAM:
	case FS_SIGNATURE:
	case FS_CUSTATE:
	case FS_STATS:
		return true;
	default:
		return false;
	}
}

/* Called with the tree lock held. */
static void fs_fill_attr(struct fs_node *n, struct stat *st)
{
	char *text;
	size_t len;

	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	st->st_blksize = FS_BLKSIZE;
	st->st_nlink = n->parent || n == fs_state.root ? 1 : 0;
	if (fs_is_dir(n)) {
		st->st_nlink = n->parent || n == fs_state.root ? 2 : 0;
		for (size_t i = 0; i < n->nkids; i++)
			st->st_nlink += fs_is_dir(n->kids[i]);
	}
	switch (n->kind) {
	case FS_BUF:
		st->st_size = n->buf ? (off_t)pq_buffer_size(n->buf) : 0;
		break;
	case FS_OVERLAY:
		pthread_mutex_lock(&n->card->lock);
		st->st_size = (off_t)n->card->image_len;
		pthread_mutex_unlock(&n->card->lock);
		break;
	case FS_ACTIVE:
		st->st_size = snprintf(NULL, 0, "card%u", fs_state.active);
		break;
	case FS_STREAMLINK:
		st->st_size = n->target ? (off_t)strlen(n->target) : 0;
		break;
	case FS_REGISTERS:
		pthread_mutex_lock(&n->card->lock);
		st->st_size = (off_t)kn_registers_size(n);
		pthread_mutex_unlock(&n->card->lock);
		break;
	default:
		if (!fs_is_text(n) && n->kind != FS_ARGS)
			break;
		if (fs_render(n, &text, &len) == 0)
			st->st_size = (off_t)len;
		free(text);
		break;
	}
	st->st_blocks = (st->st_size + 511) / 512;
}

/* Reply with an entry for n, taking a lookup reference. Lock held. */
static void fs_reply_entry(fuse_req_t req, struct fs_node *n)
{
	struct fuse_entry_param e = {0};

	e.ino = fs_id(n);
	e.generation = n->ino;
	fs_fill_attr(n, &e.attr);
	/* No caching: the design behind names changes under the kernel's feet. */
	e.attr_timeout = 0;
	e.entry_timeout = 0;
	n->nlookup++;
	if (fuse_reply_entry(req, &e))
		n->nlookup--;
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

static void fs_init(void *userdata, struct fuse_conn_info *conn)
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
	struct fs_node *p, *n;

	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	if (!fs_is_dir(p)) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	n = fs_node_find(p, name);
	if (!n) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ENOENT);
		return;
	}
	fs_reply_entry(req, n);
	pthread_mutex_unlock(&fs_state.lock);
}

static void fs_forget_one(fuse_ino_t ino, uint64_t nlookup)
{
	struct fs_node *n = fs_node_of(ino);

	n->nlookup = nlookup > n->nlookup ? 0 : n->nlookup - nlookup;
	fs_node_maybe_free(n);
}

static void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pthread_mutex_lock(&fs_state.lock);
	fs_forget_one(ino, nlookup);
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_none(req);
}

static void fs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	pthread_mutex_lock(&fs_state.lock);
	for (size_t i = 0; i < count; i++)
		fs_forget_one(forgets[i].ino, forgets[i].nlookup);
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_none(req);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	pthread_mutex_lock(&fs_state.lock);
	fs_fill_attr(fs_node_of(ino), &st);
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_attr(req, &st, 0);
}

/* Drop a pin taken while the tree lock was released; frees what is gone. */
static void fs_unpin(struct fs_node *n)
{
	n->nopen--;
	if (!n->parent && !n->nopen && n->buf) {
		pq_buffer_put(n->buf);
		n->buf = NULL;
	}
	fs_node_maybe_free(n);
}

static void fs_release_pin(struct fs_node *n)
{
	pthread_mutex_lock(&fs_state.lock);
	fs_unpin(n);
	pthread_mutex_unlock(&fs_state.lock);
}

/* Rebuild the card's tree after a design change; lock not held. */
static void fs_refresh(struct pq_card *card)
{
	pthread_mutex_lock(&fs_state.lock);
	if (fs_card_refresh(card))
		pq_log_add(&card->log, "out of memory while listing the new design");
	pthread_mutex_unlock(&fs_state.lock);
}

static int fs_overlay_truncate(struct fs_node *n, struct fs_handle *h, off_t size)
{
	int ret;

	if (h) {
		/* ftruncate on an open overlay: edits what this open stages. */
		if ((uint64_t)size > FS_OVERLAY_MAX)
			return -EFBIG;
		if ((size_t)size > h->cap) {
			char *d = realloc(h->data, (size_t)size);

			if (!d)
				return -ENOMEM;
			h->data = d;
			h->cap = (size_t)size;
		}
		if ((size_t)size > h->len)
			memset(h->data + h->len, 0, (size_t)size - h->len);
		h->len = (size_t)size;
		h->trunc |= size == 0;
		h->dirty = size != 0;
		return 0;
	}
	if (size != 0) {
		pq_log_add(
			&n->card->log,
			"overlay: truncate only to 0, which frees the design; to load one, write "
			"a whole xclbin");
		return -EINVAL;
	}
	ret = pq_card_free(n->card);
	if (!ret)
		fs_refresh(n->card);
	return ret;
}

static void fs_set_times(struct fs_node *n, const struct stat *attr, int to_set)
{
	struct timespec now;

	fs_now(&now);
	if (to_set & FUSE_SET_ATTR_ATIME)
		n->atime = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		n->atime = now;
	if (to_set & FUSE_SET_ATTR_MTIME)
		n->mtime = attr->st_mtim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		n->mtime = now;
	n->ctime = now;
}

static void fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	const int meta = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID |
			 FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
			 FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME;
	struct fs_node *n;
	char *path = NULL;
	struct stat st;
	int ret = 0;

	pthread_mutex_lock(&fs_state.lock);
	n = fs_node_of(ino);
	if ((to_set & meta) && !fs_in_bank(n)) {
		pthread_mutex_unlock(&fs_state.lock);
		fs_fail(req, n, NULL, EPERM,
			"mode, owner and times belong to pynqfs here; only buffers and directories "
			"in banks/ have their own");
		return;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (n->kind != FS_BUF && n->kind != FS_OVERLAY) {
			pthread_mutex_unlock(&fs_state.lock);
			fs_fail(req, n, NULL, fs_is_dir(n) ? EISDIR : EPERM, "cannot be truncated");
			return;
		}
		n->nopen++;
		path = fs_node_path(n);
		pthread_mutex_unlock(&fs_state.lock);
		if (n->kind == FS_BUF)
			ret = n->buf ? pq_buffer_resize(n->buf, (uint64_t)attr->st_size, path)
				     : -ENOENT;
		else
			ret = fs_overlay_truncate(n,
						  fi ? (struct fs_handle *)(uintptr_t)fi->fh : NULL,
						  attr->st_size);
		free(path);
		pthread_mutex_lock(&fs_state.lock);
		if (!ret && n->kind == FS_BUF)
			fs_set_times(n, &(struct stat){0}, FUSE_SET_ATTR_MTIME_NOW);
		fs_unpin(n);
		if (ret) {
			/* Core logged why. */
			pthread_mutex_unlock(&fs_state.lock);
			fuse_reply_err(req, -ret);
			return;
		}
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (to_set & meta)
		fs_set_times(n, attr, to_set);
	fs_fill_attr(n, &st);
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_attr(req, &st, 0);
}

static void fs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs_node *n = fs_node_of(ino);
	char target[32];

	if (n->kind == FS_STREAMLINK) {
		fuse_reply_readlink(req, n->target ? n->target : "");
		return;
	}
	if (n->kind != FS_ACTIVE) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	snprintf(target, sizeof(target), "card%u", fs_state.active);
	fuse_reply_readlink(req, target);
}

/*
 * Where things may be made: in a bank of the current design. Returns 0,
 * or an errno after logging why. Lock held.
 */
static int fs_check_bank_parent(const struct fs_node *p, const char *name, const char *what)
{
	struct fs_node *banks = fs_node_card_dir(p, FS_BANKS);
	char *path;

	/* FUSE passes names up to 1024 bytes; we promise NAME_MAX (statfs). */
	if (strlen(name) > FS_NAME_MAX)
		return ENAMETOOLONG;
	if (!fs_in_bank(p) || p->kind == FS_BUF) {
		if (p->card) {
			path = fs_node_path(p);
			pq_log_add(&p->card->log,
				   "%s%s%s: %s can only be made in banks/<bank>/ (or a directory "
				   "there)",
				   p->kind == FS_CARD ? "" : path, p->kind == FS_CARD ? "" : "/",
				   name, what);
			free(path);
		}
		return EPERM;
	}
	if (!banks || p->gen != banks->gen || !p->parent) {
		pq_log_add(&p->card->log,
			   "%s: the design this directory belonged to is gone (list banks/ again)",
			   name);
		return ENOENT;
	}
	return 0;
}

/* A node in a bank: it inherits the bank's index, card and generation. */
static struct fs_node *fs_new_in_bank(struct fs_node *p, enum fs_kind kind, const char *name,
				      mode_t mode, fuse_req_t req)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fs_node *n = fs_node_new(kind, name, mode, p->card);

	if (!n)
		return NULL;
	n->index = p->index;
	n->gen = p->gen;
	n->uid = ctx->uid;
	n->gid = (p->mode & S_ISGID) ? p->gid : ctx->gid;
	if (kind == FS_DIR && (p->mode & S_ISGID))
		n->mode |= S_ISGID;
	return n;
}

/* Make a buffer file; lock held. On success *out has a lookup reference. */
static int fs_make_buffer(fuse_req_t req, struct fs_node *p, const char *name, mode_t mode,
			  struct fs_node **out)
{
	struct fs_node *n;
	char *path;
	int ret = fs_check_bank_parent(p, name, "a buffer");

	if (ret)
		return ret;
	if (fs_node_find(p, name)) {
		char *path = fs_node_path(p);

		pq_log_add(&p->card->log, "%s/%s: already exists", path ? path : p->name, name);
		free(path);
		return EEXIST;
	}
	n = fs_new_in_bank(p, FS_BUF, name, S_IFREG | (mode & 07777), req);
	if (!n)
		return ENOMEM;
	ret = fs_node_add(p, n);
	path = fs_node_path(n);
	if (!ret)
		ret = pq_buffer_new(p->card, p->index, p->gen, path ? path : name, &n->buf);
	free(path);
	if (ret) {
		fs_node_unlink(n);
		return -ret;
	}
	p->mtime = p->ctime = n->mtime;
	*out = n;
	return 0;
}

static void fs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct fs_node *p, *n;
	int ret;

	(void)rdev;
	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	if (!S_ISREG(mode)) {
		pthread_mutex_unlock(&fs_state.lock);
		fs_fail(req, p, name, EPERM,
			"only buffers (regular files) and directories live in banks");
		return;
	}
	ret = fs_make_buffer(req, p, name, mode, &n);
	if (ret) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ret);
		return;
	}
	fs_reply_entry(req, n);
	pthread_mutex_unlock(&fs_state.lock);
}

static void fs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	struct fuse_entry_param e = {0};
	struct fs_node *p, *n;
	int ret;

	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	ret = fs_make_buffer(req, p, name, mode, &n);
	if (ret) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ret);
		return;
	}
	e.ino = fs_id(n);
	e.generation = n->ino;
	fs_fill_attr(n, &e.attr);
	n->nlookup++;
	n->nopen++;
	fi->direct_io = 1;
	fi->fh = 0;
	if (fuse_reply_create(req, &e, fi)) {
		n->nlookup--;
		fs_unpin(n);
	}
	pthread_mutex_unlock(&fs_state.lock);
}

static void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct fs_node *p, *n;
	int ret;

	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	ret = fs_check_bank_parent(p, name, "a directory");
	if (!ret && fs_node_find(p, name)) {
		fs_fail(req, p, name, EEXIST, "already exists");
		pthread_mutex_unlock(&fs_state.lock);
		return;
	}
	if (ret) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ret);
		return;
	}
	n = fs_new_in_bank(p, FS_DIR, name, S_IFDIR | (mode & 07777), req);
	if (!n || fs_node_add(p, n)) {
		if (n)
			fs_node_maybe_free(n);
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	p->mtime = p->ctime = n->mtime;
	fs_reply_entry(req, n);
	pthread_mutex_unlock(&fs_state.lock);
}

static void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_node *p, *n;

	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	n = fs_node_find(p, name);
	if (!n) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (n->kind != FS_BUF) {
		pthread_mutex_unlock(&fs_state.lock);
		fs_fail(req, p, name, fs_is_dir(n) ? EISDIR : EPERM,
			"belongs to pynqfs and cannot be removed");
		return;
	}
	fs_now(&p->mtime);
	p->ctime = p->mtime;
	fs_node_unlink(n);
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_err(req, 0);
}

static void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_node *p, *n;

	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	n = fs_node_find(p, name);
	if (!n || !fs_is_dir(n)) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, n ? ENOTDIR : ENOENT);
		return;
	}
	if (n->kind != FS_DIR) {
		pthread_mutex_unlock(&fs_state.lock);
		fs_fail(req, p, name, EPERM,
			"belongs to pynqfs; a bank goes when its design is freed");
		return;
	}
	if (n->nkids) {
		fs_fail(req, p, name, ENOTEMPTY, "is not empty (%zu entries)", n->nkids);
		pthread_mutex_unlock(&fs_state.lock);
		return;
	}
	fs_now(&p->mtime);
	p->ctime = p->mtime;
	fs_node_unlink(n);
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_err(req, 0);
}

static void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	(void)link;
	pthread_mutex_lock(&fs_state.lock);
	fs_fail(req, fs_node_of(parent), name, EPERM, "symlinks cannot be made in pynqfs");
	pthread_mutex_unlock(&fs_state.lock);
}

static void fs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name)
{
	(void)ino;
	pthread_mutex_lock(&fs_state.lock);
	fs_fail(req, fs_node_of(parent), name, EPERM,
		"hard links cannot be made: a buffer has one name");
	pthread_mutex_unlock(&fs_state.lock);
}

/* Is a an ancestor of (or the same as) b? */
static bool fs_is_ancestor(const struct fs_node *a, const struct fs_node *b)
{
	for (; b; b = b->parent) {
		if (a == b)
			return true;
	}
	return false;
}

static int fs_rename_locked(struct fs_node *p, const char *name, struct fs_node *np,
			    const char *newname, unsigned flags, char *why, size_t whylen)
{
	struct fs_node *n = fs_node_find(p, name), *old;
	char *nm;
	int ret;

	if (!n)
		return ENOENT;
	if (strlen(newname) > FS_NAME_MAX)
		return ENAMETOOLONG;
	if (flags & ~RENAME_NOREPLACE)
		return snprintf(why, whylen, "only plain renames are supported"), EINVAL;
	if (n->kind != FS_BUF && n->kind != FS_DIR)
		return snprintf(why, whylen, "belongs to pynqfs and cannot be renamed"), EPERM;
	if (!fs_in_bank(np) || np->kind == FS_BUF)
		return snprintf(why, whylen, "nothing can be made outside banks/"), EPERM;
	if (np->card != n->card || np->index != n->index || np->gen != n->gen)
		return snprintf(why, whylen,
				"can only move within its bank; mv copies to another bank or card"),
		       EXDEV;
	if (fs_is_dir(n) && fs_is_ancestor(n, np))
		return snprintf(why, whylen, "a directory cannot move into itself"), EINVAL;
	old = fs_node_find(np, newname);
	if (old == n)
		return 0;
	if (old) {
		if (flags & RENAME_NOREPLACE)
			return snprintf(why, whylen, "%s exists", newname), EEXIST;
		if (fs_is_dir(old) && !fs_is_dir(n))
			return snprintf(why, whylen, "%s is a directory", newname), EISDIR;
		if (!fs_is_dir(old) && fs_is_dir(n))
			return snprintf(why, whylen, "%s is not a directory", newname), ENOTDIR;
		if (old->nkids)
			return snprintf(why, whylen, "%s is not empty", newname), ENOTEMPTY;
		if (old->kind != FS_BUF && old->kind != FS_DIR)
			return snprintf(why, whylen, "%s belongs to pynqfs", newname), EPERM;
	}
	nm = strdup(newname);
	if (!nm)
		return ENOMEM;
	if (old)
		fs_node_unlink(old);
	/* Unlink from the old place without freeing: n is re-added at once. */
	n->nlookup++;
	fs_node_unlink_keep(n);
	free(n->name);
	n->name = nm;
	ret = fs_node_add(np, n);
	n->nlookup--;
	fs_now(&n->ctime);
	p->mtime = p->ctime = np->mtime = np->ctime = n->ctime;
	return ret ? ENOMEM : 0;
}

static void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	struct fs_node *p;
	char why[160] = "";
	int ret;

	pthread_mutex_lock(&fs_state.lock);
	p = fs_node_of(parent);
	ret = fs_rename_locked(p, name, fs_node_of(newparent), newname, flags, why, sizeof(why));
	if (ret && why[0]) {
		fs_fail(req, p, name, ret, "rename to %s: %s", newname, why);
	} else {
		fuse_reply_err(req, ret);
	}
	pthread_mutex_unlock(&fs_state.lock);
}

/* kernels/<cu>/ control files, whose handles are kn_handles. */
static bool fs_is_control(const struct fs_node *n)
{
	return n->kind == FS_ARGS || n->kind == FS_RUN;
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	bool wr = (fi->flags & O_ACCMODE) != O_RDONLY;
	struct fs_handle *h = NULL;
	struct fs_node *n;
	char *path;
	int ret = 0;

	pthread_mutex_lock(&fs_state.lock);
	n = fs_node_of(ino);
	fi->direct_io = 1; /* never a stale page: reads always come to us */
	fi->fh = 0;
	if (n->kind == FS_BUF) {
		if (!n->buf) {
			pthread_mutex_unlock(&fs_state.lock);
			fuse_reply_err(req, ENOENT);
			return;
		}
		n->nopen++;
		if (fi->flags & O_TRUNC) {
			path = fs_node_path(n);
			pthread_mutex_unlock(&fs_state.lock);
			ret = pq_buffer_resize(n->buf, 0, path);
			free(path);
			pthread_mutex_lock(&fs_state.lock);
			fs_now(&n->mtime);
			n->ctime = n->mtime;
		}
		if (ret)
			fs_unpin(n);
		pthread_mutex_unlock(&fs_state.lock);
		if (ret)
			fuse_reply_err(req, -ret);
		else if (fuse_reply_open(req, fi))
			fs_release_pin(n);
		return;
	}
	if (fs_is_control(n)) {
		struct kn_handle *kh = kn_open(n, fi->flags);

		n->nopen++;
		pthread_mutex_unlock(&fs_state.lock);
		if (kh && n->kind == FS_ARGS && (fi->flags & O_ACCMODE) != O_WRONLY) {
			/* A snapshot to read from, like any text file. */
			ret = fs_render(n, &kh->data, &kh->len);
			kh->ready = ret == 0;
		}
		if (!kh || ret) {
			kn_release(kh);
			fs_release_pin(n);
			fuse_reply_err(req, kh ? -ret : ENOMEM);
			return;
		}
		/* run: read blocks until runs end; keep the kernel from caching it. */
		fi->nonseekable = n->kind == FS_RUN;
		fi->fh = (uintptr_t)kh;
		if (fuse_reply_open(req, fi)) {
			kn_release(kh);
			fs_release_pin(n);
		}
		return;
	}
	if (n->kind == FS_REGISTERS) {
		n->nopen++;
		pthread_mutex_unlock(&fs_state.lock);
		if (fuse_reply_open(req, fi))
			fs_release_pin(n);
		return;
	}
	if (wr && n->kind != FS_OVERLAY) {
		pthread_mutex_unlock(&fs_state.lock);
		/* Root passes permission bits; the file still can't take writes. */
		fs_fail(req, n, NULL, EACCES, "is read-only");
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (fs_is_text(n)) {
		/* A snapshot: several reads of one open see one consistent text. */
		ret = fs_render(n, &h->data, &h->len);
	} else if (n->kind == FS_OVERLAY && wr) {
		h->writing = true;
		h->trunc = (fi->flags & O_TRUNC) != 0;
	}
	n->nopen++;
	pthread_mutex_unlock(&fs_state.lock);
	if (ret) {
		free(h);
		fs_release_pin(n);
		fuse_reply_err(req, -ret);
		return;
	}
	fi->fh = (uintptr_t)h;
	if (fuse_reply_open(req, fi)) {
		free(h->data);
		free(h);
		fs_release_pin(n);
	}
}

static void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	struct fs_node *n = fs_node_of(ino);
	const void *ptr;
	size_t len;
	int ret;

	if (n->kind == FS_BUF) {
		ret = pq_buffer_read_begin(n->buf, (uint64_t)off, size, &ptr, &len);
		if (ret) {
			fuse_reply_err(req, -ret);
			return;
		}
		/* Straight from device memory to the kernel: one copy. */
		fuse_reply_buf(req, ptr, len);
		pq_buffer_read_end(n->buf);
		return;
	}
	if (n->kind == FS_RUN) {
		kn_read(req, n, (struct kn_handle *)(uintptr_t)fi->fh, size, off);
		return;
	}
	if (n->kind == FS_REGISTERS) {
		kn_reg_read(req, n, size, off);
		return;
	}
	if (n->kind == FS_ARGS) {
		struct kn_handle *kh = (struct kn_handle *)(uintptr_t)fi->fh;

		len = (uint64_t)off < kh->len ? kh->len - (size_t)off : 0;
		fs_reply_copy(req, len ? kh->data + off : NULL, len < size ? len : size);
		return;
	}
	if (n->kind == FS_OVERLAY) {
		pthread_mutex_lock(&n->card->lock);
		len = (uint64_t)off < n->card->image_len ? n->card->image_len - (size_t)off : 0;
		fuse_reply_buf(req, len ? (const char *)n->card->image + off : NULL,
			       len < size ? len : size);
		pthread_mutex_unlock(&n->card->lock);
		return;
	}
	if (!h || fs_is_dir(n)) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	len = (uint64_t)off < h->len ? h->len - (size_t)off : 0;
	fs_reply_copy(req, len ? h->data + off : NULL, len < size ? len : size);
}

static int fs_overlay_write(struct fs_node *n, struct fs_handle *h, const char *buf, size_t size,
			    off_t off)
{
	size_t end = (size_t)off + size;

	if ((uint64_t)off + size > FS_OVERLAY_MAX) {
		pq_log_add(&n->card->log, "overlay: more than %llu bytes is not an xclbin we take",
			   FS_OVERLAY_MAX);
		return -EFBIG;
	}
	if (end > h->cap) {
		size_t cap = h->cap ? h->cap : 1 << 20;
		char *d;

		while (cap < end)
			cap *= 2;
		d = realloc(h->data, cap);
		if (!d)
			return -ENOMEM;
		h->data = d;
		h->cap = cap;
	}
	if ((size_t)off > h->len)
		memset(h->data + h->len, 0, (size_t)off - h->len);
	memcpy(h->data + off, buf, size);
	if (end > h->len)
		h->len = end;
	h->dirty = true;
	return 0;
}

static void fs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	struct fs_node *n = fs_node_of(ino);
	ssize_t ret;

	if (n->kind == FS_BUF) {
		/*
		 * Only growth can be refused (EFBIG, ENOSPC): name the buffer by its
		 * path then, and spare the common write the tree walk.
		 */
		char *path = NULL;

		if ((uint64_t)off + size > pq_buffer_size(n->buf)) {
			pthread_mutex_lock(&fs_state.lock);
			path = fs_node_path(n);
			pthread_mutex_unlock(&fs_state.lock);
		}
		ret = pq_buffer_write(n->buf, (uint64_t)off, buf, size, path ? path : n->name);
		free(path);
		if (ret < 0) {
			fuse_reply_err(req, (int)-ret);
			return;
		}
		pthread_mutex_lock(&fs_state.lock);
		fs_now(&n->mtime);
		n->ctime = n->mtime;
		pthread_mutex_unlock(&fs_state.lock);
		fuse_reply_write(req, (size_t)ret);
		return;
	}
	if (fs_is_control(n)) {
		kn_write(req, n, (struct kn_handle *)(uintptr_t)fi->fh, buf, size);
		return;
	}
	if (n->kind == FS_REGISTERS) {
		kn_reg_write(req, n, buf, size, off);
		return;
	}
	if (n->kind == FS_OVERLAY && h && h->writing) {
		ret = fs_overlay_write(n, h, buf, size, off);
		if (ret)
			fuse_reply_err(req, (int)-ret);
		else
			fuse_reply_write(req, size);
		return;
	}
	fuse_reply_err(req, EBADF);
}

/* close(2) of the overlay: program, or free after `: > overlay`. */
static void fs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	struct fs_node *n = fs_node_of(ino);
	int ret = 0;

	if (fs_is_control(n)) {
		kn_flush(req, n, (struct kn_handle *)(uintptr_t)fi->fh);
		return;
	}
	if (n->kind != FS_OVERLAY || !h || !h->writing || !(h->dirty || h->trunc)) {
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
		fs_refresh(n->card);
	fuse_reply_err(req, -ret);
}

static void fs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	if (fs_is_control(fs_node_of(ino))) {
		kn_release((struct kn_handle *)(uintptr_t)fi->fh);
	} else if (h) {
		free(h->data);
		free(h);
	}
	fs_release_pin(fs_node_of(ino));
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

static void fs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = calloc(1, sizeof(*h));
	struct fs_node *n;

	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&fs_state.lock);
	n = fs_node_of(ino);
	/* Snapshot the listing: offsets stay valid while others change it. */
	h->ents = calloc(n->nkids + 2, sizeof(*h->ents));
	if (!h->ents) {
		pthread_mutex_unlock(&fs_state.lock);
		free(h);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->ents[0].name = strdup(".");
	h->ents[0].st.st_ino = n->ino;
	h->ents[0].st.st_mode = n->mode;
	h->ents[1].name = strdup("..");
	h->ents[1].st.st_ino = n->parent ? n->parent->ino : n->ino;
	h->ents[1].st.st_mode = S_IFDIR;
	h->nents = 2;
	for (size_t i = 0; i < n->nkids; i++) {
		struct fs_dirent *e = &h->ents[h->nents];

		e->name = strdup(n->kids[i]->name);
		e->st.st_ino = n->kids[i]->ino;
		e->st.st_mode = n->kids[i]->mode;
		h->nents += e->name != NULL;
	}
	n->nopen++;
	pthread_mutex_unlock(&fs_state.lock);
	fi->fh = (uintptr_t)h;
	fuse_reply_open(req, fi);
}

static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	char *buf = malloc(size);
	size_t used = 0;

	(void)ino;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = (size_t)off; i < h->nents; i++) {
		size_t need = fuse_add_direntry(req, buf + used, size - used, h->ents[i].name,
						&h->ents[i].st, (off_t)i + 1);

		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void fs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	for (size_t i = 0; i < h->nents; i++)
		free(h->ents[i].name);
	free(h->ents);
	free(h);
	fs_release_pin(fs_node_of(ino));
	fuse_reply_err(req, 0);
}

static void fs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = FS_NAME_MAX};
	struct fs_node *n;

	pthread_mutex_lock(&fs_state.lock);
	n = fs_node_of(ino);
	if (fs_in_bank(n)) {
		struct pq_card *card = n->card;
		uint64_t cap = 0, used = 0;

		/* `df banks/DDR0`: that bank's capacity and what is left of it. */
		pthread_mutex_lock(&card->lock);
		if (card->design && n->gen == card->generation && n->index < card->design->nbanks) {
			cap = card->design->banks[n->index].size;
			used = card->ops->bank_used(card->dpriv, n->index);
		}
		pthread_mutex_unlock(&card->lock);
		sv.f_blocks = cap / sv.f_frsize;
		sv.f_bfree = sv.f_bavail = (cap - used) / sv.f_frsize;
		sv.f_files = sv.f_ffree = sv.f_favail = 1u << 20;
	}
	pthread_mutex_unlock(&fs_state.lock);
	fuse_reply_statfs(req, &sv);
}

/* The value of a pynq xattr; 0, ENODATA when n has none of that name. */
static int fs_xattr_value(struct fs_node *n, const char *name, char *buf, size_t len)
{
	const struct pq_design *d = n->card ? n->card->design : NULL;
	uint64_t addr;

	if (!fs_in_bank(n) || !d || n->index >= d->nbanks)
		return ENODATA;
	if (!strcmp(name, XA_TAG) && n->kind == FS_BANK) {
		snprintf(buf, len, "%s", d->banks[n->index].tag);
		return 0;
	}
	if (n->kind != FS_BUF)
		return ENODATA;
	if (!strcmp(name, XA_BANK)) {
		snprintf(buf, len, "%s", d->banks[n->index].name);
		return 0;
	}
	if (!strcmp(name, XA_ADDRESS)) {
		if (!n->buf || pq_buffer_address(n->buf, &addr))
			return ENODATA; /* empty: no device memory yet */
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return 0;
	}
	return ENODATA;
}

static void fs_reply_value(fuse_req_t req, const char *v, size_t len, size_t size)
{
	if (size == 0)
		fuse_reply_xattr(req, len);
	else if (size < len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, v, len);
}

static void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	char v[128];
	int ret;

	pthread_mutex_lock(&fs_state.lock);
	ret = fs_xattr_value(fs_node_of(ino), name, v, sizeof(v));
	pthread_mutex_unlock(&fs_state.lock);
	if (ret)
		fuse_reply_err(req, ret);
	else
		fs_reply_value(req, v, strlen(v), size);
}

static void fs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	static const char *const names[] = {XA_ADDRESS, XA_BANK, XA_TAG};
	char list[128], v[128];
	size_t len = 0;
	struct fs_node *n;

	pthread_mutex_lock(&fs_state.lock);
	n = fs_node_of(ino);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (fs_xattr_value(n, names[i], v, sizeof(v)) == 0) {
			memcpy(list + len, names[i], strlen(names[i]) + 1);
			len += strlen(names[i]) + 1;
		}
	}
	pthread_mutex_unlock(&fs_state.lock);
	fs_reply_value(req, list, len, size);
}

/*
 * Users set no xattrs here. ENOTSUP, not EPERM: `mv` between banks copies
 * xattrs and stays quiet about a filesystem that has none to set.
 */
static void fs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
			size_t size, int flags)
{
	(void)ino;
	(void)name;
	(void)value;
	(void)size;
	(void)flags;
	fuse_reply_err(req, ENOTSUP);
}

static void fs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)ino;
	(void)name;
	fuse_reply_err(req, ENOTSUP);
}

static void fs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
			 struct fuse_file_info *fi)
{
	struct fs_node *n = fs_node_of(ino);
	uint64_t end = (uint64_t)off + (uint64_t)len;
	char *path;
	int ret = 0;

	(void)fi;
	pthread_mutex_lock(&fs_state.lock);
	path = fs_node_path(n);
	pthread_mutex_unlock(&fs_state.lock);
	if (n->kind != FS_BUF || (mode & ~FALLOC_FL_KEEP_SIZE)) {
		if (n->card)
			pq_log_add(&n->card->log,
				   "%s: fallocate mode 0x%x: only growing a buffer (mode 0) or "
				   "FALLOC_FL_KEEP_SIZE is supported",
				   path ? path : n->name, (unsigned)mode);
		free(path);
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	/* Device memory is reserved as the buffer grows: growing is allocating. */
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > pq_buffer_size(n->buf))
		ret = pq_buffer_resize(n->buf, end, path ? path : n->name);
	free(path);
	fuse_reply_err(req, -ret);
}

static void fs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct fs_node *n = fs_node_of(ino);

	(void)fi;
	if (n->kind == FS_RUN) {
		kn_poll(req, n, ph);
		return;
	}
	if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = fs_init,
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
	.releasedir = fs_releasedir,
	.statfs = fs_statfs,
	.getxattr = fs_getxattr,
	.listxattr = fs_listxattr,
	.setxattr = fs_setxattr,
	.removexattr = fs_removexattr,
	.fallocate = fs_fallocate,
	.poll = fs_poll,
};
