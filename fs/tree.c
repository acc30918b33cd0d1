// SPDX-License-Identifier: MIT
/*
 * The tree of SPEC §1: the root, each card's fixed files, and the parts a
 * design brings (banks/, kernels/, streams/), rebuilt from core's layout
 * whenever the design changes. Also the resolver of buffer paths in args.
 */
#define _GNU_SOURCE
#include "fs.h"
#include "err.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Generated nodes follow the card's mode: they keep their kind's base bits
 * (fs_kinds), which fs_node_owner masks by the card's mode of the moment.
 * Writable files start from 0666, so that a group the card's mode lets in
 * may write them; read-only files from 0444.
 */
static mode_t tree_mode(enum fs_kind k)
{
	return fs_kinds[k].mode;
}

static int tree_add(struct fs_node *parent, enum fs_kind kind, const char *name, mode_t mode,
		    struct pq_card *card, struct fs_node **out)
{
	struct fs_node *n = fs_node_new(parent->fs, kind, name, mode, card);
	int ret;

	if (!n)
		return -ENOMEM;
	ret = fs_node_add(parent, n);
	if (ret) {
		fs_node_maybe_free(n);
		return ret;
	}
	if (out)
		*out = n;
	return 0;
}

/* A node of the design of generation gen, with index i and fixed text. */
static int tree_add_part(struct fs_node *parent, enum fs_kind kind, const char *name, mode_t mode,
			 struct pq_card *card, uint64_t gen, size_t i, const char *text,
			 struct fs_node **out)
{
	struct fs_node *n;
	int ret = tree_add(parent, kind, name, mode, card, &n);

	if (ret)
		return ret;
	n->gen = gen;
	n->index = i;
	if (text && !(n->text = strdup(text)))
		return -ENOMEM;
	if (out)
		*out = n;
	return 0;
}

/* kernels/<cu>/ and its files. */
static int tree_cu(struct fs_node *kernels, struct pq_card *card, uint64_t gen,
		   const struct pq_layout_cu *lc)
{
	struct fs_node *dir, *n, *sdir = NULL;
	char *target;
	int ret;

	ret = tree_add_part(kernels, FS_CU, lc->name, tree_mode(FS_CU), card, gen, lc->index, NULL,
			    &dir);
	for (enum fs_kind k = 0; !ret && k < FS_NKINDS; k++) {
		if (!fs_kinds[k].name || fs_kinds[k].in != FS_CU)
			continue;
		ret = tree_add_part(dir, k, fs_kinds[k].name, tree_mode(k), card, gen, lc->index,
				    k == FS_SIGNATURE ? lc->signature : NULL, &n);
		if (k == FS_CUSTREAMS)
			sdir = n;
	}
	/* A symlink per stream port, to the card's stream file. */
	for (size_t p = 0; !ret && p < lc->nports; p++) {
		if (asprintf(&target, "../../../streams/%s", lc->ports[p].stream) < 0)
			return -ENOMEM;
		ret = tree_add_part(sdir, FS_STREAMLINK, lc->ports[p].arg, S_IFLNK | 0777, card,
				    gen, lc->index, target, NULL);
		free(target);
	}
	return ret;
}

static struct fs_node *tree_card_dir(struct fs *fs, const struct pq_card *card)
{
	char name[32];

	snprintf(name, sizeof(name), "card%u", pq_card_index(card));
	return fs_node_find(fs->root, name);
}

/* Empty a design directory, telling the kernel each name is gone. */
static void tree_clear(struct fs_node *dir, struct fs_inval *iv)
{
	while (dir->nkids) {
		struct fs_node *kid = dir->kids[dir->nkids - 1];

		fs_inval_entry(iv, dir, kid->name);
		fs_node_unlink(kid);
	}
	fs_inval_inode(iv, dir); /* nlink, times */
}

/* Replace a card's design parts with those of l; tree lock held. */
static int tree_refresh(struct fs *fs, struct pq_card *card, const struct pq_layout *l,
			struct fs_inval *iv)
{
	struct fs_node *cd = tree_card_dir(fs, card), *banks, *streams, *kernels;
	int ret = 0;

	if (!cd)
		return -ENOENT;
	banks = fs_node_card_dir(cd, FS_BANKS);
	streams = fs_node_card_dir(cd, FS_STREAMS);
	kernels = fs_node_card_dir(cd, FS_KERNELS);
	tree_clear(banks, iv);
	tree_clear(streams, iv);
	tree_clear(kernels, iv);
	banks->gen = streams->gen = kernels->gen = l->generation;
	for (size_t i = 0; i < l->ncus && !ret; i++)
		ret = tree_cu(kernels, card, l->generation, &l->cus[i]);
	for (size_t i = 0; i < l->nbanks && !ret; i++)
		ret = tree_add_part(banks, FS_BANK, l->banks[i].name, tree_mode(FS_BANK), card,
				    l->generation, l->banks[i].index, l->banks[i].tag, NULL);
	for (size_t i = 0; i < l->nstreams && !ret; i++)
		ret = tree_add_part(streams, FS_STREAM, l->streams[i].name, tree_mode(FS_STREAM),
				    card, l->generation, i, l->streams[i].text, NULL);
	return ret;
}

void fs_card_refresh(struct fs *fs, struct pq_card *card)
{
	struct fs_inval iv = {0};
	struct pq_layout *l;
	int ret;

	fs_lock(fs);
	ret = pq_card_layout(card, &l);
	if (!ret)
		ret = tree_refresh(fs, card, l, &iv);
	fs_unlock(fs);
	/* Before the load or free is answered: the old names must not be seen. */
	fs_inval_send(&iv);
	pq_layout_free(l);
	if (ret)
		pq_card_log(card, "out of memory while listing the new design");
}

static int tree_card(struct fs *fs, struct pq_card *card)
{
	struct fs_node *cd;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "card%u", pq_card_index(card));
	ret = tree_add(fs->root, FS_CARD, name, tree_mode(FS_CARD), card, &cd);
	for (enum fs_kind k = 0; !ret && k < FS_NKINDS; k++) {
		if (fs_kinds[k].name && fs_kinds[k].in == FS_CARD)
			ret = tree_add(cd, k, fs_kinds[k].name, tree_mode(k), card, NULL);
	}
	return ret;
}

int fs_tree_build(struct fs *fs)
{
	int ret;

	fs->root = fs_node_new(fs, FS_ROOT, "", tree_mode(FS_ROOT), NULL);
	if (!fs->root)
		return -ENOMEM;
	ret = 0;
	for (enum fs_kind k = 0; !ret && k < FS_NKINDS; k++) {
		if (fs_kinds[k].name && fs_kinds[k].in == FS_ROOT && k != FS_ROOT)
			ret = tree_add(fs->root, k, fs_kinds[k].name, tree_mode(k), NULL, NULL);
	}
	for (size_t i = 0; !ret && i < fs->ncards; i++)
		ret = tree_card(fs, fs->cards[i].card);
	return ret;
}

/* ---- buffer paths written to args ---- */

static struct fs_node *tree_step(struct fs_node *at, const char *name)
{
	struct fs_node *next;

	if (!strcmp(name, "."))
		return at;
	if (!strcmp(name, ".."))
		return at->parent ? at->parent : at;
	next = fs_node_find(at, name);
	if (next && next->kind == FS_ACTIVE) {
		char card[32];

		snprintf(card, sizeof(card), "card%u", at->fs->active);
		next = fs_node_find(at->fs->root, card);
	}
	return next;
}

int fs_resolve(void *ctx, struct pq_card *card, const char *path, struct pq_buffer **buf,
	       char **canon, char *why, size_t whylen)
{
	struct fs *fs = ctx;
	size_t ml = strlen(fs->mountpoint);
	char *copy, *save = NULL;
	struct fs_node *at;
	int ret = -EINVAL;

	*buf = NULL;
	*canon = NULL;
	if (path[0] == '/' &&
	    (strncmp(path, fs->mountpoint, ml) || (path[ml] != '/' && path[ml]))) {
		snprintf(why, whylen, "%s is not inside the mount (%s)", PQ_Q(path),
			 fs->mountpoint);
		return -EINVAL;
	}
	copy = strdup(path[0] == '/' ? path + ml : path);
	if (!copy)
		return -ENOMEM;
	fs_lock(fs);
	at = path[0] == '/' ? fs->root : tree_card_dir(fs, card);
	for (char *c = strtok_r(copy, "/", &save); c && at; c = strtok_r(NULL, "/", &save))
		at = fs_is_dir(at) ? tree_step(at, c) : NULL;
	/* Decided under the lock: once it is dropped, at may be gone. */
	if (at && at->kind == FS_BUF && at->buf) {
		*canon = fs_node_path(at);
		ret = *canon ? 0 : -ENOMEM;
		if (*canon) {
			pq_buffer_get(at->buf);
			*buf = at->buf;
		}
	}
	fs_unlock(fs);
	free(copy);
	if (ret == -EINVAL)
		snprintf(why, whylen, "%s is not a buffer (make one in banks/<bank>/ first)",
			 PQ_Q(path));
	return ret;
}
