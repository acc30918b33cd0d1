// SPDX-License-Identifier: MIT
/*
 * What the kernel may cache, and telling it when pynqfs changes what it
 * cached. Names, and the attributes of nodes whose attributes change only
 * through requests the kernel itself sends (buffers, directories, fixed
 * files), are kept FS_TIMEOUT seconds. What pynqfs changes on its own is
 * invalidated before the request that changed it is answered: a design's
 * names and its directories when it loads or frees (tree.c), a card's
 * nodes when it changes hands (owner.c). Text whose size moves with the
 * device (state, log, summary, args, stats, ...) is never cached, and no
 * data is: every file is direct_io.
 *
 * Invalidations are sent with the tree lock released, from the handler of
 * the request that made the change, while no lookup can be waiting on that
 * handler: the kernel may need a directory's lock to drop its names.
 * Single-threaded (-s), that could wait on ourselves, so nothing is cached.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <stdlib.h>
#include <string.h>

double fs_attr_timeout(const struct fs_node *n)
{
	return n->fs->caching && !fs_kinds[n->kind].live ? FS_TIMEOUT : 0;
}

double fs_entry_timeout(const struct fs *fs)
{
	return fs->caching ? FS_TIMEOUT : 0;
}

static int cache_grow(struct fs_inval *iv)
{
	if (iv->n < iv->cap)
		return 0;
	size_t cap = iv->cap ? iv->cap * 2 : 16;
	struct fs_inval_item *e = realloc(iv->e, cap * sizeof(*e));

	if (!e)
		return -1;
	iv->e = e;
	iv->cap = cap;
	return 0;
}

void fs_inval_entry(struct fs_inval *iv, const struct fs_node *parent, const char *name)
{
	char *copy;

	if (!parent->fs->caching || cache_grow(iv))
		return;
	iv->fs = parent->fs;
	copy = strdup(name);
	if (!copy)
		return;
	iv->e[iv->n++] = (struct fs_inval_item){.ino = fs_node_id(parent), .name = copy};
}

void fs_inval_inode(struct fs_inval *iv, const struct fs_node *n)
{
	if (!n->fs->caching || !n->nlookup || cache_grow(iv))
		return;
	iv->fs = n->fs;
	iv->e[iv->n++] = (struct fs_inval_item){.ino = fs_node_id(n)};
}

void fs_inval_send(struct fs_inval *iv)
{
	for (size_t i = 0; i < iv->n; i++) {
		const struct fs_inval_item *e = &iv->e[i];

		/* -ENOENT: the kernel holds nothing of it; nothing to do. */
		if (e->name)
			fuse_lowlevel_notify_inval_entry(iv->fs->session, e->ino, e->name,
							 strlen(e->name));
		else
			fuse_lowlevel_notify_inval_inode(iv->fs->session, e->ino, -1, 0);
		free(e->name);
	}
	free(iv->e);
	*iv = (struct fs_inval){0};
}
