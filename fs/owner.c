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
	struct fs *fs = fs_of(req);
	const int owner = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID;
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fs_card *fc = &fs->cards[pq_card_index(n->card)];
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
	fs_lock(fs);
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
	if (ouid != nuid || ogid != ngid || omode != nmode)
		__atomic_add_fetch(&fc->epoch, 1, __ATOMIC_RELEASE); /* open files recheck */
	fs_node_changed(n);
	fs_fill_attr(n, &st);
	owner_inval(n, &iv);
	fs_unlock(fs);
	fs_inval_send(&iv); /* before the answer: no stale owner after chown returns */
	/* The next user reads nothing of the previous one's (buffer names, output). */
	if (ouid != nuid)
		pq_card_log_restart(n->card);
	if (ouid != nuid || ogid != ngid || omode != nmode)
		pq_card_log(n->card, "%s: handed over: owner %u:%u mode %04o, was %u:%u %04o",
			    n->name, (unsigned)nuid, (unsigned)ngid, (unsigned)nmode,
			    (unsigned)ouid, (unsigned)ogid, (unsigned)omode);
	fuse_reply_attr(req, &st, fs_attr_timeout(n));
}

void fs_cred_of(fuse_req_t req, struct fs_cred *c)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	c->uid = ctx->uid;
	c->gid = ctx->gid;
	c->ngroups = -1;
	c->req = req;
}

/* Read the supplementary groups now (they cost a read of /proc). */
static void owner_groups(struct fs_cred *c)
{
	int n;

	if (c->ngroups >= 0)
		return;
	n = c->req ? fuse_req_getgroups(c->req, FS_NGROUPS, c->groups) : -1;
	/* More groups than fit: the first FS_NGROUPS count. Unknown: none. */
	c->ngroups = n < 0 ? 0 : n > FS_NGROUPS ? FS_NGROUPS : n;
}

void fs_handle_set_opener(fuse_req_t req, struct fs_handle *h)
{
	fs_cred_of(req, &h->cred);
	owner_groups(&h->cred);
	h->cred.req = NULL; /* the request ends before the handle does */
}

/*
 * May c do `want` (4 read, 2 write, 1 search) to what uid:gid owns with
 * mode? As the kernel decides: the owner's bits, else the group's, else
 * the others'; root may do anything.
 */
static bool owner_may(struct fs_cred *c, uid_t uid, gid_t gid, mode_t mode, unsigned want)
{
	bool member;

	if (c->uid == 0)
		return true;
	if (c->uid == uid)
		return ((mode >> 6) & want) == want;
	member = c->gid == gid;
	/* The groups matter only where the group's bits and the others' differ. */
	if (!member && ((mode >> 3) & want) != (mode & want)) {
		owner_groups(c);
		for (int i = 0; i < c->ngroups && !member; i++)
			member = c->groups[i] == gid;
	}
	return (((member ? mode >> 3 : mode)) & want) == want;
}

/* The card's directory as it is now; tree lock held. */
static const struct fs_card *owner_card(const struct fs_node *n)
{
	return &n->fs->cards[pq_card_index(n->card)];
}

bool fs_gate(fuse_req_t req, const struct fs_node *n)
{
	struct fs *fs = fs_of(req);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fs_cred c;
	uid_t uid;
	gid_t gid;
	mode_t mode;

	/* The card directory itself the kernel checks, as any directory. */
	if (ctx->uid == 0 || !n->card || n->kind == FS_CARD)
		return false;
	fs_lock(fs);
	uid = owner_card(n)->uid;
	gid = owner_card(n)->gid;
	mode = owner_card(n)->mode;
	fs_unlock(fs);
	fs_cred_of(req, &c);
	if (owner_may(&c, uid, gid, mode, 1))
		return false;
	pq_card_log(n->card,
		    "card%u: uid %u is inside a card it may no longer enter (owner %u:%u, mode "
		    "%04o): refused",
		    pq_card_index(n->card), (unsigned)c.uid, (unsigned)uid, (unsigned)gid,
		    (unsigned)mode);
	fuse_reply_err(req, EACCES);
	return true;
}

unsigned fs_card_epoch(const struct fs_node *n)
{
	return n->card ? __atomic_load_n(&n->fs->cards[pq_card_index(n->card)].epoch,
					 __ATOMIC_ACQUIRE)
		       : 0;
}

/* The full check: the card as it is now, and n's bits. */
static int owner_check(struct fs_node *n, const struct fs_handle *h, int want)
{
	struct fs_cred c;
	const struct fs_card *fc;
	uid_t uid, cuid;
	gid_t gid, cgid;
	mode_t mode, cmode;
	unsigned bits = ((want & R_OK) ? 4 : 0) | ((want & W_OK) ? 2 : 0);

	c = h->cred;
	fs_lock(n->fs);
	fs_node_owner(n, &uid, &gid, &mode);
	fc = owner_card(n);
	cuid = fc->uid;
	cgid = fc->gid;
	cmode = fc->mode;
	fs_unlock(n->fs);
	/*
	 * The card directory first: an fd keeps nothing once the card has
	 * changed hands. Buffers keep their own owner and mode: the kernel's
	 * check at open stands for them.
	 */
	if (owner_may(&c, cuid, cgid, cmode, 1) &&
	    (n->kind == FS_BUF || owner_may(&c, uid, gid, mode, bits)))
		return 0;
	fs_log(n,
	       "uid %u opened this before the card changed hands (card owner now %u:%u, mode "
	       "%04o): access refused; open it again if you still may",
	       (unsigned)c.uid, (unsigned)cuid, (unsigned)cgid, (unsigned)(cmode & 0777));
	return -EACCES;
}

int fs_handle_check(struct fs_node *n, const struct fs_handle *h, int want)
{
	/* Unchanged since the handle was admitted: the check at open stands. */
	if (!h || h->cred.uid == 0 || !n->card || fs_card_epoch(n) == h->epoch)
		return 0;
	return owner_check(n, h, want);
}

int fs_handle_admit(struct fs_node *n, struct fs_handle *h, int want)
{
	/* Read first: a handover after it makes the next use check again. */
	h->epoch = fs_card_epoch(n);
	if (h->cred.uid == 0 || !n->card)
		return 0;
	return owner_check(n, h, want);
}

int fs_access(void *ctx, const void *who, struct pq_buffer *b, char *why, size_t whylen)
{
	struct fs_cred *c = (struct fs_cred *)(uintptr_t)who;
	const struct fs_node *n, *p, *refused = NULL;
	const char *what = "";
	uid_t uid;
	gid_t gid;
	mode_t mode;
	char *path = NULL;
	struct fs *fs = ctx;

	if (c->uid == 0)
		return 0;
	owner_groups(c); /* not under the tree lock */
	fs_lock(fs);
	n = pq_buffer_tag(b);
	if (!n) {
		fs_unlock(fs);
		snprintf(why, whylen, "its buffer was removed");
		return -EACCES;
	}
	/* As open(O_RDWR) decides: the card, each directory on the way, the file. */
	{
		const struct fs_card *fc = owner_card(n);

		if (!owner_may(c, fc->uid, fc->gid, fc->mode, 1)) {
			uid = fc->uid;
			gid = fc->gid;
			mode = fc->mode;
			what = "enter the card of";
			refused = n;
		}
	}
	for (p = n->parent; !refused && p && p->kind != FS_CARD; p = p->parent) {
		fs_node_owner(p, &uid, &gid, &mode);
		if (!owner_may(c, uid, gid, mode, 1)) {
			what = "search";
			refused = p;
		}
	}
	if (!refused) {
		fs_node_owner(n, &uid, &gid, &mode);
		if (!owner_may(c, uid, gid, mode, 6)) {
			what = "read and write";
			refused = n;
		}
	}
	if (refused)
		path = fs_node_path(refused);
	fs_unlock(fs);
	if (!refused)
		return 0;
	snprintf(why, whylen, "uid %u may not %s %s (owner %u:%u, mode %04o)", (unsigned)c->uid,
		 what, path ? path : "its buffer", (unsigned)uid, (unsigned)gid,
		 (unsigned)(mode & 07777));
	free(path);
	return -EACCES;
}
