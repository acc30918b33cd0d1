// SPDX-License-Identifier: MIT
/*
 * The namespace inside banks (SPEC §4): buffers and directories are made,
 * removed and renamed there, and nowhere else. Every refusal is logged.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Log a failure (-errno) in the node's card log, if any; returns it. Lock held. */
static int fs_fail(const struct fs_node *n, const char *name, int err, const char *fmt, ...)
{
	char *path = n ? fs_node_path(n) : NULL, *msg = NULL;
	va_list ap;

	if (n && n->card) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		pq_card_log(n->card, "%s%s%s: %s", path && *path && n->kind != FS_CARD ? path : "",
			    name ? (path && *path && n->kind != FS_CARD ? "/" : "") : "",
			    name ? name : "", msg ? msg : strerror(-err));
	}
	free(msg);
	free(path);
	return err;
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
	if (fs_name_too_long(p, name))
		return -ENAMETOOLONG;
	if (!fs_in_bank(p) || p->kind == FS_BUF) {
		if (p->card) {
			path = fs_node_path(p);
			pq_card_log(p->card,
				    "%s%s%s: %s can only be made in banks/<bank>/ (or a directory "
				    "there)",
				    p->kind == FS_CARD ? "" : path, p->kind == FS_CARD ? "" : "/",
				    name, what);
			free(path);
		}
		return -EPERM;
	}
	if (!banks || p->gen != banks->gen || !p->parent) {
		pq_card_log(p->card,
			    "%s: the design this directory belonged to is gone (list banks/ again)",
			    name);
		return -ENOENT;
	}
	return 0;
}

/* A node in a bank: it inherits the bank's index, card and generation. */
static struct fs_node *fs_new_in_bank(struct fs_node *p, enum fs_kind kind, const char *name,
				      mode_t mode, fuse_req_t req)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fs_node *n = fs_node_new(p->fs, kind, name, mode, p->card);

	if (!n)
		return NULL;
	n->index = p->index;
	n->gen = p->gen;
	n->uid = ctx->uid;
	n->gid = (p->mode & S_ISGID) ? p->gid : ctx->gid;
	if (kind == FS_DIR && (p->mode & S_ISGID))
		fs_node_set_mode(n, n->mode | S_ISGID);
	return n;
}

/* Make a buffer file; lock held. On success *out is in the tree, not yet looked up. */
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

		pq_card_log(p->card, "%s/%s: already exists", path ? path : p->name, name);
		free(path);
		return -EEXIST;
	}
	n = fs_new_in_bank(p, FS_BUF, name, S_IFREG | (mode & 07777), req);
	if (!n)
		return -ENOMEM;
	ret = fs_node_add(p, n);
	path = fs_node_path(n);
	if (!ret)
		ret = pq_buffer_new(p->card, p->gen, p->index, path ? path : name, &n->buf);
	if (!ret)
		pq_buffer_set_tag(n->buf, n);
	free(path);
	if (ret) {
		fs_node_unlink(n);
		return ret;
	}
	fs_node_touch(p);
	*out = n;
	return 0;
}

void fs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p, *n;
	int ret;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	(void)rdev;
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	ret = S_ISREG(mode) ? fs_make_buffer(req, p, name, mode, &n)
			    : fs_fail(p, name, -EPERM,
				      "only buffers (regular files) and directories live in banks");
	if (!ret) {
		fs_reply_entry(req, n); /* unlocks */
		return;
	}
	fs_unlock(fs);
	fs_reply_status(req, ret);
}

void fs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	struct fs_node *p, *n;
	struct fs_handle *h;
	unsigned epoch = fs_card_epoch(fs_node_of(fs, parent));
	int ret;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	/* A handle like open's: the last close trims what writes reserved. */
	h = fs_handle_listed(req, (fi->flags & O_ACCMODE) != O_RDONLY);
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	ret = fs_make_buffer(req, p, name, mode, &n);
	if (ret) {
		fs_unlock(fs);
		fs_handle_unlist(h);
		fs_reply_status(req, ret);
		return;
	}
	/* Created by its opener, who may use it: the epoch noted is of before the gate. */
	h->epoch = epoch;
	/* Pinned twice: the entry's own pin, and the open file's. */
	fs_entry_begin(n, &e);
	n->nopen++;
	fs_buffer_opened(n);
	fs_unlock(fs);
	fs_fill_size(n, &e.attr);
	fi->direct_io = 1;
	fi->fh = (uintptr_t)h;
	if (fuse_reply_create(req, &e, fi)) {
		fs_buffer_closed(n);
		fs_lock(fs);
		fs_node_unpin(n); /* the open file's; the entry's pin still holds n */
		fs_unlock(fs);
		fs_entry_end(n, false);
		fs_handle_unlist(h);
		return;
	}
	fs_entry_end(n, true);
}

void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p, *n = NULL;
	int ret;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	ret = fs_check_bank_parent(p, name, "a directory");
	if (!ret && fs_node_find(p, name))
		ret = fs_fail(p, name, -EEXIST, "already exists");
	if (!ret) {
		n = fs_new_in_bank(p, FS_DIR, name, S_IFDIR | (mode & 07777), req);
		if (!n || fs_node_add(p, n)) {
			if (n)
				fs_node_maybe_free(n);
			ret = -ENOMEM;
		}
	}
	if (!ret) {
		fs_node_touch(p);
		fs_reply_entry(req, n); /* unlocks */
		return;
	}
	fs_unlock(fs);
	fs_reply_status(req, ret);
}

void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p, *n;
	int ret = 0;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	n = fs_node_find(p, name);
	if (!n)
		ret = -ENOENT;
	else if (n->kind != FS_BUF && n->kind != FS_NEWACTIVE)
		ret = fs_fail(p, name, fs_is_dir(n) ? -EISDIR : -EPERM,
			      "belongs to pynqfs and cannot be removed");
	if (!ret) {
		fs_node_touch(p);
		fs_node_unlink(n);
	}
	fs_unlock(fs);
	fs_reply_status(req, ret);
}

void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p, *n;
	int ret = 0;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	n = fs_node_find(p, name);
	if (!n || !fs_is_dir(n))
		ret = n ? -ENOTDIR : -ENOENT;
	else if (n->kind != FS_DIR)
		ret = fs_fail(p, name, -EPERM,
			      "belongs to pynqfs; a bank goes when its design is freed");
	else if (n->nkids)
		ret = fs_fail(p, name, -ENOTEMPTY, "is not empty (%zu entries)", n->nkids);
	if (!ret) {
		fs_node_touch(p);
		fs_node_unlink(n);
	}
	fs_unlock(fs);
	fs_reply_status(req, ret);
}

/* The card a symlink to retarget active names: "cardN" (or "./cardN"), or NULL. */
static struct fs_node *fs_active_target(struct fs *fs, const char *link)
{
	struct fs_node *c;

	if (!strncmp(link, "./", 2))
		link += 2;
	c = fs_node_find(fs->root, link);
	return c && c->kind == FS_CARD ? c : NULL;
}

/*
 * Symlinks exist only to retarget the root's active (`ln -sfn card2 active`
 * makes a link to card2 under a temporary name, then renames it onto
 * active). Anywhere else, or to anything but a card: EPERM.
 */
void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p, *n = NULL;
	int ret = 0;

	if (fs_gate(req, fs_node_of(fs, parent)))
		return;
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	if (p != fs->root)
		ret = fs_fail(p, name, -EPERM, "symlinks cannot be made in pynqfs");
	else if (strlen(name) > FS_NAME_MAX)
		ret = -ENAMETOOLONG;
	else if (fs_node_find(p, name))
		ret = -EEXIST;
	else if (!fs_active_target(fs, link))
		/* card9 and ./card9 name a card that isn't there; anything else, no card. */
		ret = strncmp(link + 2 * !strncmp(link, "./", 2), "card", 4) ? -EPERM : -ENOENT;
	if (!ret) {
		n = fs_node_new(fs, FS_NEWACTIVE, name, S_IFLNK | 0777, NULL);
		if (!n || !(n->text = strdup(link)) || fs_node_add(p, n)) {
			if (n)
				fs_node_maybe_free(n);
			ret = -ENOMEM;
		}
	}
	if (!ret) {
		fs_reply_entry(req, n); /* unlocks */
		return;
	}
	fs_unlock(fs);
	fs_reply_status(req, ret);
}

/* rename(2) of a new link onto active: the one way active changes. Lock held. */
static int fs_retarget_active(struct fs_node *n)
{
	struct fs *fs = n->fs;
	struct fs_node *c = fs_active_target(fs, n->text);
	unsigned old = fs->active;

	if (!c)
		return -ENOENT; /* the card it named is gone: cannot happen today */
	fs->active = pq_card_index(c->card);
	fs_node_unlink(n);
	pq_card_log(c->card, "active: now card%u (was card%u)", fs->active, old);
	return 0;
}

void fs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	int ret;

	(void)ino;
	fs_lock(fs);
	ret = fs_fail(fs_node_of(fs, parent), name, -EPERM,
		      "hard links cannot be made: a buffer has one name");
	fs_unlock(fs);
	fs_reply_status(req, ret);
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

int fs_node_rename(struct fs_node *p, const char *name, struct fs_node *np, const char *newname,
		   unsigned flags, char *why, size_t whylen)
{
	struct fs_node *n = fs_node_find(p, name), *old;
	char *nm;
	int ret;

	if (!n)
		return -ENOENT;
	if (strlen(newname) > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (flags & ~RENAME_NOREPLACE)
		return snprintf(why, whylen, "only plain renames are supported"), -EINVAL;
	if (n->kind == FS_NEWACTIVE && np == np->fs->root && !strcmp(newname, "active") &&
	    !(flags & RENAME_NOREPLACE))
		return fs_retarget_active(n);
	if (n->kind == FS_NEWACTIVE)
		return -EPERM;
	if (n->kind != FS_BUF && n->kind != FS_DIR)
		return snprintf(why, whylen, "belongs to pynqfs and cannot be renamed"), -EPERM;
	if (!fs_in_bank(np) || np->kind == FS_BUF)
		return snprintf(why, whylen, "nothing can be made outside banks/"), -EPERM;
	if (np->card != n->card || np->index != n->index || np->gen != n->gen)
		return snprintf(why, whylen,
				"can only move within its bank; mv copies to another bank or card"),
		       -EXDEV;
	if (fs_is_dir(n) && fs_is_ancestor(n, np))
		return snprintf(why, whylen, "a directory cannot move into itself"), -EINVAL;
	old = fs_node_find(np, newname);
	if (old == n)
		return 0;
	if (old) {
		if (flags & RENAME_NOREPLACE)
			return snprintf(why, whylen, "%s exists", newname), -EEXIST;
		if (fs_is_dir(old) && !fs_is_dir(n))
			return snprintf(why, whylen, "%s is a directory", newname), -EISDIR;
		if (!fs_is_dir(old) && fs_is_dir(n))
			return snprintf(why, whylen, "%s is not a directory", newname), -ENOTDIR;
		if (old->nkids)
			return snprintf(why, whylen, "%s is not empty", newname), -ENOTEMPTY;
		if (old->kind != FS_BUF && old->kind != FS_DIR)
			return snprintf(why, whylen, "%s belongs to pynqfs", newname), -EPERM;
	}
	/*
	 * Everything that can fail, before either name is touched. Replacing
	 * frees the target's slot in np: only a new name needs room.
	 */
	nm = strdup(newname);
	if (!nm || (!old && fs_node_reserve(np))) {
		free(nm);
		return -ENOMEM;
	}
	if (old)
		fs_node_unlink(old);
	/* Unlink from the old place without freeing: n is re-added at once. */
	n->nlookup++;
	fs_node_unlink_keep(n);
	free(n->name);
	n->name = nm;
	ret = fs_node_add(np, n); /* cannot fail: the name is free, the room reserved */
	n->nlookup--;
	if (!ret)
		fs_node_renamed(n); /* args bound to what moved show where it is now */
	fs_node_changed(n);
	fs_node_touch(p);
	fs_node_touch(np);
	return ret ? -ENOMEM : 0;
}

void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	       const char *newname, unsigned int flags)
{
	struct fs *fs = fs_of(req);
	struct fs_node *p;
	char why[160] = "";
	int ret;

	if (fs_gate(req, fs_node_of(fs, parent)) || fs_gate(req, fs_node_of(fs, newparent)))
		return;
	fs_lock(fs);
	p = fs_node_of(fs, parent);
	ret = fs_node_rename(p, name, fs_node_of(fs, newparent), newname, flags, why, sizeof(why));
	if (ret && why[0])
		fs_fail(p, name, ret, "rename to %s: %s", newname, why);
	fs_unlock(fs);
	fs_reply_status(req, ret);
}
