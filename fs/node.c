// SPDX-License-Identifier: MIT
/*
 * The node tree. A node's address is its FUSE node id; it lives until it
 * is unlinked, closed and forgotten by the kernel, whichever comes last.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fs fs_state = {.lock = PTHREAD_MUTEX_INITIALIZER, .next_ino = 1};

/* Every live node, so that unmount can free those the kernel still held. */
static struct fs_node *node_all;

struct fs_node *fs_node_new(enum fs_kind kind, const char *name, mode_t mode, struct pq_card *card)
{
	struct fs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->kind = kind;
	n->mode = mode;
	n->card = card;
	n->ino = fs_state.next_ino++;
	n->uid = card ? card->uid : getuid();
	n->gid = card ? card->gid : getgid();
	clock_gettime(CLOCK_REALTIME, &n->mtime);
	n->atime = n->ctime = n->mtime;
	n->all_next = node_all;
	if (node_all)
		node_all->all_prev = n;
	node_all = n;
	return n;
}

static void node_free(struct fs_node *n)
{
	if (n->all_prev)
		n->all_prev->all_next = n->all_next;
	else
		node_all = n->all_next;
	if (n->all_next)
		n->all_next->all_prev = n->all_prev;
	pq_buffer_put(n->buf);
	free(n->kids);
	free(n->target);
	free(n->name);
	free(n);
}

/* Index of name in dir's sorted kids, or where it would go. */
static size_t node_slot(const struct fs_node *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->nkids;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(dir->kids[mid]->name, name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fs_node_add(struct fs_node *parent, struct fs_node *kid)
{
	bool found;
	size_t at = node_slot(parent, kid->name, &found);

	if (found)
		return -EEXIST;
	if (parent->nkids == parent->kcap) {
		size_t cap = parent->kcap ? parent->kcap * 2 : 8;
		struct fs_node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		parent->kids = k;
		parent->kcap = cap;
	}
	memmove(&parent->kids[at + 1], &parent->kids[at],
		(parent->nkids - at) * sizeof(*parent->kids));
	parent->kids[at] = kid;
	parent->nkids++;
	kid->parent = parent;
	return 0;
}

struct fs_node *fs_node_find(const struct fs_node *dir, const char *name)
{
	bool found;
	size_t at = node_slot(dir, name, &found);

	return found ? dir->kids[at] : NULL;
}

void fs_node_maybe_free(struct fs_node *n)
{
	if (n->parent || n->nlookup || n->nopen || n->nkids || n == fs_state.root)
		return;
	node_free(n);
}

void fs_node_unlink_keep(struct fs_node *n)
{
	struct fs_node *p = n->parent;
	bool found;
	size_t at;

	if (!p)
		return;
	at = node_slot(p, n->name, &found);
	if (found && p->kids[at] == n) {
		memmove(&p->kids[at], &p->kids[at + 1], (p->nkids - at - 1) * sizeof(*p->kids));
		p->nkids--;
	}
	n->parent = NULL;
}

/* Take n out of the tree, and free what nothing refers to; n has no kids. */
static void node_unlink_leaf(struct fs_node *n)
{
	fs_node_unlink_keep(n);
	clock_gettime(CLOCK_REALTIME, &n->ctime);
	/* Device memory goes once the last descriptor closes (SPEC §4). */
	if (n->buf && !n->nopen) {
		pq_buffer_put(n->buf);
		n->buf = NULL;
	}
	fs_node_maybe_free(n);
}

/*
 * Leaves first, without recursion: users may nest directories in a bank
 * as deep as they like, and the daemon's stack must not care.
 */
void fs_node_unlink(struct fs_node *n)
{
	while (n->nkids) {
		struct fs_node *leaf = n;

		while (leaf->nkids)
			leaf = leaf->kids[leaf->nkids - 1];
		node_unlink_leaf(leaf);
	}
	node_unlink_leaf(n);
}

char *fs_node_path(const struct fs_node *n)
{
	const struct fs_node *p;
	size_t len = 0, at;
	char *out;

	for (p = n; p && p->kind != FS_CARD && p->kind != FS_ROOT; p = p->parent)
		len += strlen(p->name) + 1;
	if (len == 0)
		return strdup(n->name);
	out = malloc(len);
	if (!out)
		return NULL;
	at = len - 1;
	out[at] = '\0';
	for (p = n; p && p->kind != FS_CARD && p->kind != FS_ROOT; p = p->parent) {
		size_t l = strlen(p->name);

		at -= l;
		memcpy(out + at, p->name, l);
		if (at > 0)
			out[--at] = '/';
	}
	return out;
}

/* The card directory's child of the given kind (banks/, streams/, ...). */
struct fs_node *fs_node_card_dir(const struct fs_node *n, enum fs_kind kind)
{
	const struct fs_node *card = n;

	while (card && card->kind != FS_CARD)
		card = card->parent;
	if (!card)
		return NULL;
	for (size_t i = 0; i < card->nkids; i++) {
		if (card->kids[i]->kind == kind)
			return card->kids[i];
	}
	return NULL;
}

/* Generated nodes follow the card's mode: base bits masked by it. */
static mode_t node_perm(const struct pq_card *card, mode_t type, mode_t base)
{
	return type | (base & S_ISVTX) | (base & 0777 & card->mode);
}

static int tree_cu(struct fs_node *kernels, struct pq_card *card, const struct pq_design *d,
		   size_t i);

static struct fs_node *card_dir(struct pq_card *card)
{
	char name[32];

	snprintf(name, sizeof(name), "card%u", card->index);
	return fs_node_find(fs_state.root, name);
}

int fs_card_refresh(struct pq_card *card)
{
	struct fs_node *cd = card_dir(card), *banks, *streams, *kernels;
	const struct pq_design *d;
	int ret = 0;

	if (!cd)
		return -ENOENT;
	banks = fs_node_card_dir(cd, FS_BANKS);
	streams = fs_node_card_dir(cd, FS_STREAMS);
	kernels = fs_node_card_dir(cd, FS_KERNELS);
	while (banks->nkids)
		fs_node_unlink(banks->kids[banks->nkids - 1]);
	while (streams->nkids)
		fs_node_unlink(streams->kids[streams->nkids - 1]);
	while (kernels->nkids)
		fs_node_unlink(kernels->kids[kernels->nkids - 1]);
	pthread_mutex_lock(&card->lock);
	d = card->design;
	banks->gen = streams->gen = kernels->gen = card->generation;
	for (size_t i = 0; d && i < d->ncus && !ret; i++)
		ret = tree_cu(kernels, card, d, i);
	for (size_t i = 0; d && i < d->nbanks && !ret; i++) {
		struct fs_node *n;

		if (!pq_bank_visible(&d->banks[i]))
			continue;
		n = fs_node_new(FS_BANK, d->banks[i].name, node_perm(card, S_IFDIR, 01777), card);
		if (!n) {
			ret = -ENOMEM;
			break;
		}
		n->index = i;
		n->gen = card->generation;
		ret = fs_node_add(banks, n);
		if (ret)
			fs_node_maybe_free(n);
	}
	for (size_t i = 0; d && i < d->nstreams && !ret; i++) {
		struct fs_node *n = fs_node_new(FS_STREAM, d->banks[d->streams[i].mem].name,
						node_perm(card, S_IFREG, 0444), card);

		if (!n) {
			ret = -ENOMEM;
			break;
		}
		n->index = i;
		n->gen = card->generation;
		ret = fs_node_add(streams, n);
		if (ret)
			fs_node_maybe_free(n);
	}
	pthread_mutex_unlock(&card->lock);
	return ret;
}

static int tree_add(struct fs_node *parent, enum fs_kind kind, const char *name, mode_t mode,
		    struct pq_card *card, struct fs_node **out)
{
	struct fs_node *n = fs_node_new(kind, name, mode, card);
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

/* kernels/<cu>/ and its files; card lock held. */
static int tree_cu(struct fs_node *kernels, struct pq_card *card, const struct pq_design *d,
		   size_t i)
{
	static const struct {
		enum fs_kind kind;
		const char *name;
		mode_t type, base;
	} files[] = {
		{FS_SIGNATURE, "signature", S_IFREG, 0444},
		{FS_ARGS, "args", S_IFREG, 0644},
		{FS_RUN, "run", S_IFREG, 0644},
		{FS_CUSTATE, "state", S_IFREG, 0444},
		{FS_STATS, "stats", S_IFREG, 0444},
		{FS_REGISTERS, "registers", S_IFREG, 0644},
		{FS_CUSTREAMS, "streams", S_IFDIR, 0755},
	};
	const struct pq_cu *cu = &d->cus[i];
	const struct pq_kernel *k = &d->kernels[cu->kernel];
	struct fs_node *dir, *n, *sdir = NULL;
	int ret;

	ret = tree_add(kernels, FS_CU, cu->name, node_perm(card, S_IFDIR, 0755), card, &dir);
	if (ret)
		return ret;
	dir->index = i;
	dir->gen = card->generation;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		ret = tree_add(dir, files[f].kind, files[f].name,
			       node_perm(card, files[f].type, files[f].base), card, &n);
		if (ret)
			return ret;
		n->index = i;
		n->gen = card->generation;
		if (files[f].kind == FS_CUSTREAMS)
			sdir = n;
	}
	/* A symlink per stream port, to the card's stream file. */
	for (size_t a = 0; a < k->nargs; a++) {
		const struct pq_bank *b;

		if (k->args[a].aq != PQ_AQ_STREAM || cu->arg_mem[a] < 0)
			continue;
		b = &d->banks[cu->arg_mem[a]];
		ret = tree_add(sdir, FS_STREAMLINK, k->args[a].name, S_IFLNK | 0777, card, &n);
		if (ret)
			return ret;
		if (asprintf(&n->target, "../../../streams/%s", b->name) < 0) {
			n->target = NULL;
			return -ENOMEM;
		}
		n->gen = card->generation;
	}
	return 0;
}

static int tree_card(struct pq_card *card)
{
	static const struct {
		enum fs_kind kind;
		const char *name;
		mode_t type, base;
	} files[] = {
		{FS_NAME, "name", S_IFREG, 0444},	{FS_BACKEND, "backend", S_IFREG, 0444},
		{FS_STATE, "state", S_IFREG, 0444},	{FS_OVERLAY, "overlay", S_IFREG, 0644},
		{FS_UUID, "uuid", S_IFREG, 0444},	{FS_SUMMARY, "summary", S_IFREG, 0444},
		{FS_LOG, "log", S_IFREG, 0444},		{FS_BANKS, "banks", S_IFDIR, 0755},
		{FS_KERNELS, "kernels", S_IFDIR, 0755}, {FS_STREAMS, "streams", S_IFDIR, 0755},
	};
	struct fs_node *cd;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "card%u", card->index);
	ret = tree_add(fs_state.root, FS_CARD, name, S_IFDIR | card->mode, card, &cd);
	for (size_t i = 0; !ret && i < sizeof(files) / sizeof(files[0]); i++)
		ret = tree_add(cd, files[i].kind, files[i].name,
			       node_perm(card, files[i].type, files[i].base), card, NULL);
	return ret;
}

int fs_tree_build(const struct pq_config *conf)
{
	int ret;

	(void)conf;
	fs_state.root = fs_node_new(FS_ROOT, "", S_IFDIR | 0755, NULL);
	if (!fs_state.root)
		return -ENOMEM;
	ret = tree_add(fs_state.root, FS_CARDS, "cards", S_IFREG | 0444, NULL, NULL);
	if (!ret)
		ret = tree_add(fs_state.root, FS_ACTIVE, "active", S_IFLNK | 0777, NULL, NULL);
	for (size_t i = 0; !ret && i < fs_state.ncards; i++)
		ret = tree_card(&fs_state.cards[i]);
	return ret;
}

void fs_tree_destroy(void)
{
	/* At unmount the kernel holds nothing: free every node, buffers first. */
	fs_state.root = NULL;
	while (node_all)
		node_free(node_all);
}
