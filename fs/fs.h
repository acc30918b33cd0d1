/* SPDX-License-Identifier: MIT */
/*
 * The filesystem's view: a tree of nodes over the cards (SPEC §1). fs/
 * knows nothing of XRT; it asks core/ for everything a node shows.
 */
#ifndef PYNQFS_FS_H
#define PYNQFS_FS_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "buffer.h"
#include "card.h"
#include "config.h"

enum fs_kind {
	FS_ROOT,
	FS_CARDS,  /* /cards */
	FS_ACTIVE, /* /active -> cardN */
	FS_CARD,
	FS_NAME,
	FS_BACKEND,
	FS_STATE,
	FS_OVERLAY,
	FS_UUID,
	FS_SUMMARY,
	FS_LOG,
	FS_BANKS,
	FS_KERNELS,
	FS_STREAMS,
	FS_BANK,   /* banks/<bank> */
	FS_DIR,	   /* a user's directory inside a bank */
	FS_BUF,	   /* a buffer file */
	FS_STREAM, /* streams/<dc_N> */
	FS_CU,	   /* kernels/<cu>/ */
	FS_SIGNATURE,
	FS_ARGS,
	FS_RUN,
	FS_CUSTATE,
	FS_STATS,
	FS_REGISTERS,
	FS_CUSTREAMS,  /* kernels/<cu>/streams/ */
	FS_STREAMLINK, /* kernels/<cu>/streams/<arg> -> ../../../streams/<dc_N> */
};

struct fs_node {
	enum fs_kind kind;
	char *name;
	struct fs_node *parent; /* NULL once unlinked */
	struct fs_node **kids;	/* sorted by name */
	size_t nkids, kcap;
	struct pq_card *card;  /* NULL above the cards */
	size_t index;	       /* bank (BANK, DIR, BUF), stream, or CU index */
	char *target;	       /* FS_STREAMLINK */
	uint64_t gen;	       /* the card generation a design node belongs to */
	struct pq_buffer *buf; /* FS_BUF */
	uint64_t ino;	       /* st_ino */
	uint64_t nlookup;      /* the kernel's references */
	unsigned nopen;	       /* open handles and in-flight pins */
	mode_t mode;	       /* type and permission bits */
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime, ctime;
	struct fs_node *all_prev, *all_next;
};

struct fs {
	pthread_mutex_t lock; /* the tree, and node metadata */
	struct fs_node *root;
	struct pq_card *cards;
	size_t ncards;
	unsigned active;
	uint64_t next_ino;
	char *mountpoint; /* absolute, for absolute buffer paths in args */
};

extern struct fs fs_state;

/* node.c: the tree. Callers hold fs_state.lock unless noted. */
struct fs_node *fs_node_new(enum fs_kind kind, const char *name, mode_t mode, struct pq_card *card);
int fs_node_add(struct fs_node *parent, struct fs_node *kid);
struct fs_node *fs_node_find(const struct fs_node *dir, const char *name);
void fs_node_unlink(struct fs_node *n);
/* Take n out of its directory, keeping it and its kids (for rename). */
void fs_node_unlink_keep(struct fs_node *n);
/* Free n if nothing refers to it any more (unlinked, closed, forgotten). */
void fs_node_maybe_free(struct fs_node *n);
/* "banks/bank0/a": the path from the card directory, malloc'd. */
char *fs_node_path(const struct fs_node *n);
struct fs_node *fs_node_card_dir(const struct fs_node *n, enum fs_kind kind);
/* Rebuild a card's banks/ and streams/ after its design changed. */
int fs_card_refresh(struct pq_card *card);
int fs_tree_build(const struct pq_config *conf);
void fs_tree_destroy(void);

static inline bool fs_is_dir(const struct fs_node *n)
{
	return S_ISDIR(n->mode);
}

/*
 * Reply with a private copy of [data, data+len): once the reader has its
 * bytes it may close, and a release on another thread may free a handle's
 * memory before fuse_reply_buf() has returned.
 */
void fs_reply_copy(fuse_req_t req, const char *data, size_t len);

/* render.c: the text of a generated file, malloc'd. */
int fs_render(const struct fs_node *n, char **out, size_t *len);

/* ops.c */
extern const struct fuse_lowlevel_ops fs_ops;

#endif
