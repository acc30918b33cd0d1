// SPDX-License-Identifier: MIT
/*
 * A node's attributes and entries: what the tree holds (owner and mode
 * after the card's, times, links), then the size its kind computes, with
 * the tree lock released and the node pinned (fs.h's lock rule).
 */
#include "fs.h"

#include <string.h>

/*
 * What the tree holds of n, tree lock held; a file's size, which its kind
 * computes (rendering text, asking core or a backend), comes after, from
 * fs_fill_size() with the lock released and n pinned.
 */
void fs_fill_attr(struct fs_node *n, struct stat *st)
{
	const struct fs_file_ops *ops = fs_file_ops_of(n);

	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	fs_node_owner(n, &st->st_uid, &st->st_gid, &st->st_mode);
	st->st_atim = n->atime;
	fs_node_times(n, &st->st_mtim, &st->st_ctim);
	st->st_blksize = FS_BLKSIZE;
	st->st_nlink = n->parent || n == n->fs->root ? 1 : 0;
	if (fs_is_dir(n))
		st->st_nlink = (n->parent || n == n->fs->root ? 2 : 0) + n->ndirs;
	if (ops && ops->size)
		st->st_size = 0; /* fs_fill_size() */
	else if (n->kind == FS_ACTIVE)
		st->st_size = snprintf(NULL, 0, "card%u", n->fs->active);
	else if ((n->kind == FS_STREAMLINK || n->kind == FS_NEWACTIVE) && n->text)
		st->st_size = (off_t)strlen(n->text);
	st->st_blocks = (st->st_size + 511) / 512;
}

void fs_fill_size(struct fs_node *n, struct stat *st)
{
	const struct fs_file_ops *ops = fs_file_ops_of(n);

	if (!ops || !ops->size)
		return;
	st->st_size = ops->size(n);
	st->st_blocks = (st->st_size + 511) / 512;
}

void fs_entry_begin(struct fs_node *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = fs_node_id(n);
	e->generation = n->ino;
	fs_fill_attr(n, &e->attr);
	e->attr_timeout = fs_attr_timeout(n);
	e->entry_timeout = fs_entry_timeout(n->fs);
	n->nlookup++;
	n->nopen++;
}

void fs_entry_end(struct fs_node *n, bool sent)
{
	struct fs *fs = n->fs; /* n may be freed by the unpin */

	fs_lock(fs);
	if (!sent)
		n->nlookup--; /* the kernel never saw it: it will not forget it */
	fs_node_unpin(n);
	fs_unlock(fs);
}

void fs_reply_entry(fuse_req_t req, struct fs_node *n)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;

	fs_entry_begin(n, &e);
	fs_unlock(fs);
	fs_fill_size(n, &e.attr);
	fs_entry_end(n, fuse_reply_entry(req, &e) == 0);
}
