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

__thread unsigned fs_locked;

void fs_init(struct fs *fs)
{
	*fs = (struct fs){.next_ino = 1};
	pthread_mutex_init(&fs->lock, NULL);
	pthread_mutex_init(&fs->opens_lock, NULL);
	pthread_mutex_init(&fs->parked_lock, NULL);
	pthread_mutex_init(&fs->line_lock, NULL);
	fs_closing_init(fs);
	fs->opens.prev = fs->opens.next = &fs->opens;
}

void fs_destroy(struct fs *fs)
{
	fs_tree_destroy(fs);
	fs_opens_destroy(fs);
	pthread_mutex_destroy(&fs->lock);
	pthread_mutex_destroy(&fs->opens_lock);
	pthread_mutex_destroy(&fs->parked_lock);
	pthread_mutex_destroy(&fs->line_lock);
	pthread_mutex_destroy(&fs->closing_lock);
	pthread_cond_destroy(&fs->closing_cond);
}

struct fs_node *fs_node_new(struct fs *fs, enum fs_kind kind, const char *name, mode_t mode,
			    struct pq_card *card)
{
	struct fs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->fs = fs;
	n->kind = kind;
	fs_node_set_mode(n, mode);
	n->card = card;
	n->ino = fs->next_ino++;
	n->uid = card ? fs->cards[pq_card_index(card)].uid : getuid();
	n->gid = card ? fs->cards[pq_card_index(card)].gid : getgid();
	n->own = !card || kind == FS_DIR || kind == FS_BUF;
	clock_gettime(CLOCK_REALTIME, &n->atime);
	fs_node_set_times(n, &n->atime, &n->atime);
	n->all_next = fs->all;
	if (fs->all)
		fs->all->all_prev = n;
	fs->all = n;
	return n;
}

/* The buffer goes with its last holder; core's tag for it (our n) first. */
static void node_drop_buf(struct fs_node *n)
{
	if (!n->buf)
		return;
	pq_buffer_set_tag(n->buf, NULL);
	pq_buffer_put(n->buf);
	n->buf = NULL;
}

static void node_free(struct fs_node *n)
{
	if (n->all_prev)
		n->all_prev->all_next = n->all_next;
	else
		n->fs->all = n->all_next;
	if (n->all_next)
		n->all_next->all_prev = n->all_prev;
	node_drop_buf(n);
	free(n->kids);
	free(n->text);
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

int fs_node_reserve(struct fs_node *parent)
{
	if (parent->nkids == parent->kcap) {
		size_t cap = parent->kcap ? parent->kcap * 2 : 8;
		struct fs_node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		parent->kids = k;
		parent->kcap = cap;
	}
	return 0;
}

int fs_node_add(struct fs_node *parent, struct fs_node *kid)
{
	bool found;
	size_t at = node_slot(parent, kid->name, &found);

	if (found)
		return -EEXIST;
	if (fs_node_reserve(parent))
		return -ENOMEM;
	memmove(&parent->kids[at + 1], &parent->kids[at],
		(parent->nkids - at) * sizeof(*parent->kids));
	parent->kids[at] = kid;
	parent->nkids++;
	parent->ndirs += fs_is_dir(kid);
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
	if (n->parent || n->nlookup || n->nopen || n->nkids || n == n->fs->root)
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
		p->ndirs -= fs_is_dir(n);
	}
	n->parent = NULL;
}

/* Take n out of the tree, and free what nothing refers to; n has no kids. */
static void node_unlink_leaf(struct fs_node *n)
{
	/* Removed, even while open: no arg is bound to it any more (SPEC §5). */
	if (n->kind == FS_BUF)
		pq_buffer_removed(n->buf);
	fs_node_unlink_keep(n);
	fs_node_changed(n);
	/* Device memory goes once the last descriptor closes (SPEC §4). */
	if (!n->nopen)
		node_drop_buf(n);
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

/* Tell core each buffer's path at or below n, after a rename. */
void fs_node_renamed(struct fs_node *n)
{
	struct fs_node **stack = NULL, *k;
	size_t len = 0, cap = 0;
	char *path;

	/* A stack of our own: directories nest as deep as users like. */
	for (k = n; k; k = len ? stack[--len] : NULL) {
		if (k->kind == FS_BUF && k->buf && (path = fs_node_path(k))) {
			pq_buffer_renamed(k->buf, path);
			free(path);
		}
		if (len + k->nkids > cap) {
			size_t ncap = (len + k->nkids) * 2;
			struct fs_node **ns = realloc(stack, ncap * sizeof(*ns));

			if (!ns)
				break; /* out of memory: the rest show their old paths */
			stack = ns;
			cap = ncap;
		}
		for (size_t i = 0; i < k->nkids; i++)
			stack[len++] = k->kids[i];
	}
	free(stack);
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

struct fs_node *fs_node_of(struct fs *fs, fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? fs->root : (struct fs_node *)(uintptr_t)ino;
}

fuse_ino_t fs_node_id(const struct fs_node *n)
{
	return n == n->fs->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

static int64_t node_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct timespec node_ts(int64_t ns)
{
	/* Floored: times before 1970 keep tv_nsec in [0, 1e9). */
	int64_t s = ns / 1000000000 - (ns % 1000000000 < 0);

	return (struct timespec){.tv_sec = s, .tv_nsec = ns - s * 1000000000};
}

/*
 * ctime is stored before mtime, and read after it: whoever sees a write's
 * mtime sees its ctime too.
 */
void fs_node_set_times(struct fs_node *n, const struct timespec *mtime,
		       const struct timespec *ctime)
{
	__atomic_store_n(&n->ctime_ns, node_ns(ctime), __ATOMIC_RELAXED);
	if (mtime)
		__atomic_store_n(&n->mtime_ns, node_ns(mtime), __ATOMIC_RELEASE);
}

void fs_node_times(const struct fs_node *n, struct timespec *mtime, struct timespec *ctime)
{
	*mtime = node_ts(__atomic_load_n(&n->mtime_ns, __ATOMIC_ACQUIRE));
	*ctime = node_ts(__atomic_load_n(&n->ctime_ns, __ATOMIC_RELAXED));
}

void fs_node_touch(struct fs_node *n)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fs_node_set_times(n, &now, &now);
}

void fs_node_changed(struct fs_node *n)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fs_node_set_times(n, NULL, &now);
}

void fs_node_set_mode(struct fs_node *n, mode_t mode)
{
	n->mode = mode;
	__atomic_store_n(&n->privs, (mode & S_ISUID) || ((mode & S_ISGID) && (mode & S_IXGRP)),
			 __ATOMIC_RELEASE);
}

void fs_node_unpin(struct fs_node *n)
{
	n->nopen--;
	if (!n->parent && !n->nopen)
		node_drop_buf(n);
	fs_node_maybe_free(n);
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

void fs_tree_destroy(struct fs *fs)
{
	/* At unmount the kernel holds nothing: free every node, buffers first. */
	fs->root = NULL;
	while (fs->all)
		node_free(fs->all);
}

void fs_node_owner(const struct fs_node *n, uid_t *uid, gid_t *gid, mode_t *mode)
{
	const struct fs_card *fc;

	if (n->own) {
		*uid = n->uid;
		*gid = n->gid;
		*mode = n->mode;
		return;
	}
	fc = &n->fs->cards[pq_card_index(n->card)];
	*uid = fc->uid;
	*gid = fc->gid;
	*mode = (n->mode & ~(mode_t)0777) | (n->mode & 0777 & fc->mode);
}
