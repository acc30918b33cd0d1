/* SPDX-License-Identifier: MIT */
/*
 * The filesystem's view: a tree of nodes over the cards (SPEC §1). fs/
 * knows nothing of XRT and nothing of core's structs: it holds opaque
 * handles (a card, a buffer) and names a design's parts by (card,
 * generation, index), asking core for everything a node shows.
 *
 * State: everything of a mount is in its struct fs, which FUSE hands each
 * request (fuse_req_userdata) and each node points to: no globals, so a
 * unit test may build a tree of its own (tests/unit/test_fs.c).
 *
 * Locking: fs->lock guards the tree and node metadata. It may be held
 * when calling core (it comes first in core/card_priv.h's order), never
 * across a FUSE reply, never around pq_card_program() or pq_card_free(),
 * never while a file's size is computed (fs_fill_size). A handler pins
 * what it needs (nopen), unlocks, computes, replies, then unpins.
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
#include "cu.h"

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
	FS_NEWACTIVE,  /* a symlink to cardN at the root, about to be renamed onto active */
	FS_NKINDS,
};

struct fs_node {
	struct fs *fs; /* the mount it belongs to */
	enum fs_kind kind;
	char *name;
	struct fs_node *parent; /* NULL once unlinked */
	struct fs_node **kids;	/* sorted by name */
	size_t nkids, kcap;
	size_t ndirs;	       /* kids that are directories: nlink without a recount */
	struct pq_card *card;  /* NULL above the cards */
	size_t index;	       /* bank (BANK, DIR, BUF) or CU index in the design */
	char *text;	       /* fixed by the design: signature, stream, tag, link */
	uint64_t gen;	       /* the card generation a design node belongs to */
	struct pq_buffer *buf; /* FS_BUF */
	uint64_t ino;	       /* st_ino */
	uint64_t nlookup;      /* the kernel's references */
	unsigned nopen;	       /* open handles and in-flight pins */
	unsigned nhandles;     /* FS_BUF: open file handles (buffer_file.c) */
	bool autofree;	       /* FS_BUF: removed at its last close (user.pynq.autofree) */
	mode_t mode;	       /* type and permission bits (unless own: before the card's mask) */
	uid_t uid;	       /* (unless own: the card's, see fs_node_owner) */
	gid_t gid;
	bool own; /* its owner and mode are its own, not its card's */
	struct timespec atime;
	/*
	 * Read and written whole (atomics), with or without the tree lock: a
	 * buffer's writes set them taking no lock (fs_node_touch). privs says
	 * a write by anyone but root changes the mode (setuid or setgid to
	 * drop), so that writes check it lock-free; mode itself is the lock's.
	 */
	int64_t mtime_ns, ctime_ns;
	bool privs;
	struct fs_node *all_prev, *all_next;
};

/*
 * A card as the tree shows it: core's card, and who owns its directory
 * (everything pynqfs made inside follows it). Root may hand it over at run
 * time (owner.c); the configured owner stays known for resetting it.
 */
struct fs_card {
	struct pq_card *card;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	uid_t conf_uid;
	gid_t conf_gid;
	mode_t conf_mode;
	unsigned epoch; /* bumped at each handover (atomic): open files recheck */
};

/*
 * Every open file and directory is listed, so that unmount frees those whose
 * release never came (a RELEASE still queued when the kernel unmounts).
 */
struct fs_open {
	struct fs_open *prev, *next;
	struct fs *fs;
	void (*free)(struct fs_open *o);
};

struct run_wait;
struct closing_req;

/*
 * A mount. Lock order: lock (the tree), then core's locks; opens_lock,
 * parked_lock, line_lock and closing_lock are leaves, taken with nothing
 * else after them.
 */
struct fs {
	pthread_mutex_t lock; /* the tree, and node metadata */
	struct fs_node *root;
	struct fs_node *all; /* every live node, so that unmount frees them all */
	struct fs_card *cards;
	size_t ncards;
	unsigned active;
	uint64_t next_ino;
	char *mountpoint;	      /* absolute, for absolute buffer paths in args */
	struct fuse_session *session; /* for notifications, once mounted */
	bool caching;		      /* the kernel may cache (off single-threaded, -s) */
	pthread_mutex_t opens_lock;
	struct fs_open opens; /* every open file's handle (a ring) */
	uint64_t staged;      /* bytes reserved by every open overlay (atomic) */
	pthread_mutex_t parked_lock;
	struct run_wait *parked;   /* run.c: requests waiting for runs */
	pthread_mutex_t line_lock; /* run.c: a run handle's last line */
	bool threaded;		   /* FUSE serves requests on several threads */
	/*
	 * closing.c: RELEASEs being served (their threads' records), which a
	 * request read after them waits for before freeing or taking memory;
	 * buffer handles flushed and not used since, their RELEASE not served.
	 */
	pthread_mutex_t closing_lock;
	pthread_cond_t closing_cond;
	struct closing_req *releasing;
	unsigned nreleasing; /* how many (atomic): none, no lock taken */
	unsigned closing;
	/* channel.c: INIT's unique until it is answered, and what it got. */
	bool init_seen;
	uint64_t init_unique;
	bool mmap; /* direct_io files may be mapped (MAP_SHARED) */
};

/* An empty mount: no cards, no tree yet (fs_tree_build), nothing cached. */
void fs_init(struct fs *fs);
/* Free what the mount still holds: its tree, open handles (not its cards). */
void fs_destroy(struct fs *fs);

/*
 * The tree lock. How often this thread holds it is counted, so that a
 * build with -Dlockcheck=true (the test builds) aborts on a FUSE reply or
 * a notification made while holding it (fs/lockcheck.c).
 */
extern __thread unsigned fs_locked;

static inline void fs_lock(struct fs *fs)
{
	pthread_mutex_lock(&fs->lock);
	fs_locked++;
}

static inline void fs_unlock(struct fs *fs)
{
	fs_locked--;
	pthread_mutex_unlock(&fs->lock);
}

/* The mount a request is for. */
static inline struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Free what is still open; after the cards, whose waiters write into handles. */
void fs_opens_destroy(struct fs *fs);
/* List an open file or directory (free_fn frees it at unmount), or take it off. */
void fs_open_add(struct fs *fs, struct fs_open *o, void (*free_fn)(struct fs_open *));
void fs_open_del(struct fs_open *o);

/* Supplementary groups of an opener that count for access (more are ignored). */
#define FS_NGROUPS 32

/* Who asks: a request's or an opener's credentials (owner.c). */
struct fs_cred {
	uid_t uid;
	gid_t gid;
	int ngroups;	/* -1: not read yet, read from req when needed */
	fuse_req_t req; /* while the request lives, else NULL */
	gid_t groups[FS_NGROUPS];
};

/* One handle header for every open file; each kind uses what it needs. */
struct fs_handle {
	struct fs_open open; /* first: the list's view of it */
	char *data;	     /* text snapshot, staged xclbin, or run's result line */
	size_t len, cap;
	char *in; /* args, run: what was written and not yet acted on */
	size_t inlen, incap;
	bool writing, trunc, dirty; /* overlay; trunc, buffers: trim at the last close */
	bool pending;		    /* args: a last token still to apply at close */
	bool nonblock;		    /* run */
	bool writer;		    /* opened for writing */
	bool mapped;		    /* data is mmap'd (overlay staging), cap bytes */
	bool closing;		    /* buffers: flushed, not used since (atomic; closing.c) */
	/* Who opened it: checked again at each use once a card changes hands. */
	struct fs_cred cred;
	unsigned epoch; /* its card's handover epoch when it was checked */
};

/*
 * What a kind of file does. Each is called with the node pinned (open)
 * and no lock held; the `req` ones reply. NULL means: open succeeds, read
 * and write are EBADF, flush succeeds, release does nothing, truncate is
 * EPERM, size is 0, poll is always ready.
 */
struct fs_file_ops {
	int (*open)(struct fs_node *n, struct fs_handle *h, struct fuse_file_info *fi);
	void (*read)(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size,
		     off_t off);
	void (*write)(fuse_req_t req, struct fs_node *n, struct fs_handle *h, const char *buf,
		      size_t size, off_t off);
	void (*flush)(fuse_req_t req, struct fs_node *n, struct fs_handle *h);
	/* The last close of the open file (every process's copy of it). */
	void (*release)(struct fs_node *n, struct fs_handle *h);
	void (*poll)(fuse_req_t req, struct fs_node *n, struct fs_handle *h,
		     struct fuse_pollhandle *ph);
	/* h is NULL for truncate(2) by path. -errno. */
	int (*truncate)(struct fs_node *n, struct fs_handle *h, off_t size);
	/* st_size; called with no lock held, n pinned. */
	off_t (*size)(struct fs_node *n);
};

/* What each kind of node is (kinds.c): one row each. */
struct fs_kind_info {
	const char *name;	       /* fixed name; NULL: named by the design or a user */
	enum fs_kind in;	       /* with a fixed name: the kind of directory it is in */
	mode_t mode;		       /* type and base bits, masked by the card's mode */
	const struct fs_file_ops *ops; /* NULL: a directory or a symlink */
	int (*render)(const struct fs_node *n, FILE *f); /* text files */
	bool live; /* changes without a request of the kernel's: never cached */
};
extern const struct fs_kind_info fs_kinds[FS_NKINDS];

/* text.c: the text files' renderers, for fs_kinds. */
int fs_text_cards(const struct fs_node *n, FILE *f);
int fs_text_name(const struct fs_node *n, FILE *f);
int fs_text_backend(const struct fs_node *n, FILE *f);
int fs_text_state(const struct fs_node *n, FILE *f);
int fs_text_uuid(const struct fs_node *n, FILE *f);
int fs_text_summary(const struct fs_node *n, FILE *f);
int fs_text_log(const struct fs_node *n, FILE *f);
int fs_text_fixed(const struct fs_node *n, FILE *f); /* a node's fixed text */
int fs_text_cu_state(const struct fs_node *n, FILE *f);
int fs_text_cu_stats(const struct fs_node *n, FILE *f);

extern const struct fs_file_ops fs_text_ops;	/* text.c */
extern const struct fs_file_ops fs_buffer_ops;	/* buffer_file.c */
extern const struct fs_file_ops fs_overlay_ops; /* overlay.c */
extern const struct fs_file_ops fs_args_ops;	/* kernel.c */
extern const struct fs_file_ops fs_regs_ops;	/* kernel.c */
extern const struct fs_file_ops fs_run_ops;	/* run.c */

#define FS_BLKSIZE (1u << 20) /* st_blksize and max_write: tools move 1 MiB at a time */

/* The file ops of a node's kind, or NULL for directories and symlinks. */
const struct fs_file_ops *fs_file_ops_of(const struct fs_node *n);

/* node.c: the tree. Callers hold fs->lock unless noted. */
struct fs_node *fs_node_new(struct fs *fs, enum fs_kind kind, const char *name, mode_t mode,
			    struct pq_card *card);
int fs_node_add(struct fs_node *parent, struct fs_node *kid);
/* Room for one more kid, so that the next fs_node_add() cannot fail on memory. */
int fs_node_reserve(struct fs_node *parent);
struct fs_node *fs_node_find(const struct fs_node *dir, const char *name);
void fs_node_unlink(struct fs_node *n);
/* Take n out of its directory, keeping it and its kids (for rename). */
void fs_node_unlink_keep(struct fs_node *n);
/* Free n if nothing refers to it any more (unlinked, closed, forgotten). */
void fs_node_maybe_free(struct fs_node *n);
/*
 * closing.c: close(2) is answered at the FLUSH; the RELEASE that lets go
 * of the handle (and of an unlinked buffer's memory) comes after, in the
 * background, and may still be served when the user's next request comes.
 * channel.c calls fs_closing_read for each request read and
 * fs_closing_replied for each reply; ops.c and buffer_file.c mark buffer
 * handles flushed (fs_closing_set). Called with no lock held by a request
 * that takes device memory, fs_closing_wait waits for the RELEASEs read
 * before that request to be served; fs_closing_settle, for programming
 * and freeing, then also up to 2 s for handles flushed whose RELEASE no
 * thread has noted yet.
 */
struct fuse_in_header;
/* The lock and the condition (its bounded wait on the monotonic clock). */
void fs_closing_init(struct fs *fs);
void fs_closing_read(struct fs *fs, const struct fuse_in_header *in);
void fs_closing_replied(struct fs *fs, uint64_t unique);
void fs_closing_set(struct fs *fs, struct fs_handle *h, bool closing);
void fs_closing_wait(struct fs *fs);
void fs_closing_settle(struct fs *fs);
/*
 * Test builds: a buffer's RELEASE served PYNQFS_TEST_RELEASE_DELAY_MS late
 * (the environment's), as a busy machine may serve it; its noting delayed
 * PYNQFS_TEST_RELEASE_NOTE_MS, as a thread preempted just after reading
 * it would be; elsewhere nothing.
 */
void fs_closing_test_delay(const char *name);

/*
 * buffer_file.c: a buffer's open handles. fs_buffer_opened with the tree
 * lock held, as the handle is made; fs_buffer_closed with no lock, as it
 * goes: at the last, a buffer marked user.pynq.autofree is removed (as by
 * rm), so that what a process made for itself goes when it exits, killed
 * or not (PYNQ frees its buffers with the process).
 */
void fs_buffer_opened(struct fs_node *n);
void fs_buffer_closed(struct fs_node *n);
/*
 * Core's pq_changed_fn: a run wrote the buffer's device memory; the
 * kernel's page cache and every mapping of it are dropped, so that the
 * next read or touch comes to us (buffer_file.c).
 */
void fs_buffer_changed(void *ctx, struct pq_buffer *b);

/*
 * Going to the background (daemon.c): fork before any card opens (the
 * parent exits once the child is ready, or with its status), and say ready
 * once mounted.
 */
int fs_daemon_fork(void);
void fs_daemon_ready(void);

/*
 * Read and write /dev/fuse through channel.c, after fuse_session_mount():
 * INIT's reply asks for mmap of direct_io files where the kernel offers it.
 */
int fs_channel_attach(struct fuse_session *se);
/* Whether the kernel took it: buffers' mappings then need invalidating. */
bool fs_mmap_allowed(struct fs *fs);

/* Drop a pin (nopen), freeing what is gone. fs_unpin() takes the tree lock. */
void fs_node_unpin(struct fs_node *n);
void fs_unpin(struct fs_node *n);
/* After n moved: core's bindings of each buffer at or below it show the new path. */
void fs_node_renamed(struct fs_node *n);
/* "banks/bank0/a": the path from the card directory, malloc'd. */
char *fs_node_path(const struct fs_node *n);
struct fs_node *fs_node_card_dir(const struct fs_node *n, enum fs_kind kind);
struct fs_node *fs_node_of(struct fs *fs, fuse_ino_t ino);
fuse_ino_t fs_node_id(const struct fs_node *n);
/* Times: any lock or none (see struct fs_node). */
void fs_node_touch(struct fs_node *n);	 /* mtime = ctime = now */
void fs_node_changed(struct fs_node *n); /* ctime = now */
/* Set mtime (unless NULL) and ctime. */
void fs_node_set_times(struct fs_node *n, const struct timespec *mtime,
		       const struct timespec *ctime);
void fs_node_times(const struct fs_node *n, struct timespec *mtime, struct timespec *ctime);
/* Type and permission bits; tree lock held. */
void fs_node_set_mode(struct fs_node *n, mode_t mode);
void fs_tree_destroy(struct fs *fs);

static inline bool fs_is_dir(const struct fs_node *n)
{
	return S_ISDIR(n->mode);
}

/* A node in a bank: a bank directory, a user directory, or a buffer. */
static inline bool fs_in_bank(const struct fs_node *n)
{
	return n->kind == FS_BANK || n->kind == FS_DIR || n->kind == FS_BUF;
}

/* cache.c: what the kernel may cache, and for how long (seconds). */
#define FS_TIMEOUT 1.0
double fs_attr_timeout(const struct fs_node *n);
double fs_entry_timeout(const struct fs *fs);
/* Invalidations collected under the tree lock, sent after it is released. */
struct fs_inval {
	struct fs *fs; /* the mount of the nodes collected */
	struct fs_inval_item {
		fuse_ino_t ino;
		char *name; /* an entry of directory ino; NULL: ino's attributes */
	} * e;
	size_t n, cap;
};
void fs_inval_entry(struct fs_inval *iv, const struct fs_node *parent, const char *name);
void fs_inval_inode(struct fs_inval *iv, const struct fs_node *n);
void fs_inval_send(struct fs_inval *iv); /* and empties iv */

/* Who owns n and its mode: what pynqfs made follows its card. Lock held. */
void fs_node_owner(const struct fs_node *n, uid_t *uid, gid_t *gid, mode_t *mode);

/* owner.c: a card handed over by root (chown, chgrp, chmod of cardN). */
void fs_card_setattr(fuse_req_t req, struct fs_node *n, const struct stat *attr, int to_set);
/* A handle for a file created open (ops.c), listed; NULL without memory. */
struct fs_handle *fs_handle_listed(fuse_req_t req, bool writer);
void fs_handle_unlist(struct fs_handle *h);
/* Record who opens h. */
void fs_handle_set_opener(fuse_req_t req, struct fs_handle *h);
/*
 * 0 if h's opener may still read (R_OK) or write (W_OK) n: the card's
 * owner, group and mode let it in, and n's own bits (for what follows the
 * card); else -EACCES, logged. Checked in full only when the card has
 * changed hands since h was admitted: reads and writes take no lock then.
 * fs_handle_admit() checks in full, at open, and notes the epoch.
 */
int fs_handle_check(struct fs_node *n, const struct fs_handle *h, int want);
int fs_handle_admit(struct fs_node *n, struct fs_handle *h, int want);
/* The card's handover epoch (0 above the cards), to read before a check. */
unsigned fs_card_epoch(const struct fs_node *n);
/* The request's credentials, its groups read only if a check needs them. */
void fs_cred_of(fuse_req_t req, struct fs_cred *c);
/*
 * Everything inside a card is behind its directory, whose owner, group and
 * mode root may change at any time: a request on a node inside a card (or
 * in a directory there) from a process that may no longer search the card
 * directory, one already inside it included, is refused here. Returns
 * true, having replied EACCES (logged), when it is refused.
 */
bool fs_gate(fuse_req_t req, const struct fs_node *n);
/* The access check core asks at each start (pq_access_fn; ctx: the fs): who is an fs_cred. */
int fs_access(void *ctx, const void *who, struct pq_buffer *b, char *why, size_t whylen);

/* tree.c: the cards' directories, and their design parts after a change. */
int fs_tree_build(struct fs *fs);
/* Rebuild a card's banks/, kernels/ and streams/; takes the tree lock. */
void fs_card_refresh(struct fs *fs, struct pq_card *card);
/* The resolver core calls for buffer paths in args (pq_resolve_fn; ctx: the fs). */
int fs_resolve(void *ctx, struct pq_card *card, const char *path, struct pq_buffer **buf,
	       char **canon, char *why, size_t whylen);

/* kernel.c: gather written bytes in h->in (at most 1 MiB). -errno. */
int fs_handle_append(struct fs_handle *h, const char *buf, size_t size);

/* buffer_file.c: fallocate(2) of a buffer (mode 0 grows it). -errno. */
int fs_buffer_fallocate(struct fs_node *n, int mode, off_t off, off_t len);

/* ops.c: replies and logging shared by the file kinds. */
/*
 * Reply with a private copy of [data, data+len): once the reader has its
 * bytes it may close, and a release on another thread may free a handle's
 * memory before fuse_reply_buf() has returned.
 */
void fs_reply_copy(fuse_req_t req, const char *data, size_t len);
/* Reply 0 or a negative errno: the one place fs turns core's -errno into FUSE's. */
void fs_reply_status(fuse_req_t req, int ret);
#define FS_NAME_MAX 255 /* NAME_MAX: statfs says so, longer names are ENAMETOOLONG */
/* Is name longer than FS_NAME_MAX? If so, logged in dir's card. */
bool fs_name_too_long(const struct fs_node *dir, const char *name);
/* A line in n's card log, prefixed with n's path. */
void fs_log(const struct fs_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * ops.c: a node's attributes in two steps: what the tree holds (tree lock
 * held), then its size, which its kind computes (no lock; n pinned).
 */
void fs_fill_attr(struct fs_node *n, struct stat *st);
void fs_fill_size(struct fs_node *n, struct stat *st);
/*
 * An entry for n: begin (tree lock held) fills what the tree holds, takes a
 * lookup reference and pins n; end (no lock) unpins, and gives the lookup
 * back unless the kernel got the entry.
 */
void fs_entry_begin(struct fs_node *n, struct fuse_entry_param *e);
void fs_entry_end(struct fs_node *n, bool sent);
/* Reply with an entry for n: called with the tree lock held, returns without. */
void fs_reply_entry(fuse_req_t req, struct fs_node *n);
extern const struct fuse_lowlevel_ops fs_ops;

/* dir.c: directory listings. */
void fs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void fs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void fs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

/* namespace.c: what changes names inside banks. */
void fs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void fs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi);
void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void fs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name);
void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	       const char *newname, unsigned int flags);
/*
 * rename(2) in the tree, lock held: within a bank, or a new link onto the
 * root's active. Nothing is touched unless it succeeds; why says what a
 * refusal means, for the log. -errno.
 */
int fs_node_rename(struct fs_node *p, const char *name, struct fs_node *np, const char *newname,
		   unsigned flags, char *why, size_t whylen);

/* xattr.c: user.pynq.address, user.pynq.bank, user.pynq.tag (read-only). */
void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void fs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void fs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size,
		 int flags);
void fs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif
