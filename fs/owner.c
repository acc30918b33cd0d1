// SPDX-License-Identifier: MIT
/*
 * Who may use a card: its directory's owner, group and mode, which every
 * file pynqfs made inside follows (fs_node_owner). Root hands a card over
 * at run time with chown, chgrp and chmod of cardN, as a scheduler does
 * between jobs; the change is one step under the tree lock and logged.
 * The kernel checks permissions at open only, so a handle opened before a
 * handover is checked again here at each read, write, truncate and close
 * that acts: the previous owner's open files stop working at once.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel's copies of the owner and mode of what follows the card go. */
static void owner_inval(const struct fs_node *dir, struct fs_inval *iv)
{
	for (size_t i = 0; i < dir->nkids; i++) {
		const struct fs_node *k = dir->kids[i];

		if (k->own)
			continue; /* buffers and users' directories: their own */
		fs_inval_inode(iv, k);
		if (fs_is_dir(k))
			owner_inval(k, iv);
	}
}

void fs_card_setattr(fuse_req_t req, struct fs_node *n, const struct stat *attr, int to_set)
{
	const int owner = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID;
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fs_card *fc = &fs_state.cards[pq_card_index(n->card)];
	struct fs_inval iv = {0};
	uid_t ouid, nuid;
	gid_t ogid, ngid;
	mode_t omode, nmode;
	struct stat st;

	if (ctx->uid != 0) {
		fs_log(n,
		       "only root may hand a card over (chown, chgrp, chmod of the card "
		       "directory); uid %u asked",
		       (unsigned)ctx->uid);
		fuse_reply_err(req, EPERM);
		return;
	}
	if (to_set & ~owner & ~FUSE_SET_ATTR_CTIME) {
		fs_log(n, "a card directory takes an owner, a group and a mode; nothing else");
		fuse_reply_err(req, EPERM);
		return;
	}
	if ((to_set & FUSE_SET_ATTR_MODE) && (attr->st_mode & 07000)) {
		fs_log(n, "mode %04o refused: a card takes permission bits only",
		       (unsigned)(attr->st_mode & 07777));
		fuse_reply_err(req, EPERM);
		return;
	}
	pthread_mutex_lock(&fs_state.lock);
	ouid = fc->uid;
	ogid = fc->gid;
	omode = fc->mode;
	if (to_set & FUSE_SET_ATTR_UID)
		fc->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		fc->gid = attr->st_gid;
	if (to_set & FUSE_SET_ATTR_MODE)
		fc->mode = attr->st_mode & 0777;
	nuid = fc->uid;
	ngid = fc->gid;
	nmode = fc->mode;
	clock_gettime(CLOCK_REALTIME, &n->ctime);
	fs_fill_attr(n, &st);
	owner_inval(n, &iv);
	pthread_mutex_unlock(&fs_state.lock);
	fs_inval_send(&iv); /* before the answer: no stale owner after chown returns */
	if (ouid != nuid || ogid != ngid || omode != nmode)
		pq_card_log(n->card, "%s: handed over: owner %u:%u mode %04o, was %u:%u %04o",
			    n->name, (unsigned)nuid, (unsigned)ngid, (unsigned)nmode,
			    (unsigned)ouid, (unsigned)ogid, (unsigned)omode);
	fuse_reply_attr(req, &st, fs_attr_timeout(n));
}

void fs_handle_set_opener(fuse_req_t req, struct fs_handle *h)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	int n = fuse_req_getgroups(req, FS_NGROUPS, h->groups);

	h->uid = ctx->uid;
	h->gid = ctx->gid;
	/* More groups than fit: the first FS_NGROUPS count. Unknown: none. */
	h->ngroups = n < 0 ? 0 : n > FS_NGROUPS ? FS_NGROUPS : n;
}

static bool owner_in_group(const struct fs_handle *h, gid_t gid)
{
	if (h->gid == gid)
		return true;
	for (int i = 0; i < h->ngroups; i++)
		if (h->groups[i] == gid)
			return true;
	return false;
}

int fs_handle_check(struct fs_node *n, const struct fs_handle *h, int want)
{
	uid_t uid;
	gid_t gid;
	mode_t mode, bits;

	/* Buffers keep their own owner: the kernel's check at open stands. */
	if (!h || h->uid == 0 || n->kind == FS_BUF)
		return 0;
	pthread_mutex_lock(&fs_state.lock);
	fs_node_owner(n, &uid, &gid, &mode);
	pthread_mutex_unlock(&fs_state.lock);
	bits = h->uid == uid ? mode >> 6 : owner_in_group(h, gid) ? mode >> 3 : mode;
	if ((want & R_OK) && !(bits & 4))
		goto refused;
	if ((want & W_OK) && !(bits & 2))
		goto refused;
	return 0;
refused:
	fs_log(n,
	       "uid %u opened this before the card changed hands (owner now %u:%u, mode %04o): "
	       "access refused; open it again if you still may",
	       (unsigned)h->uid, (unsigned)uid, (unsigned)gid, (unsigned)(mode & 0777));
	return -EACCES;
}
