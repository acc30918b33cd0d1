// SPDX-License-Identifier: MIT
/*
 * The baseline of scripts/bench.sh: a trivial in-memory FUSE filesystem on
 * the same libfuse, with pynqfs's request size and direct_io, and the
 * 1-second entry and attribute timeouts of libfuse's usual setting. One
 * directory level under the root is enough for the benchmarks: files and
 * directories, create, read, write, truncate, unlink, rmdir, readdir. One
 * lock; nothing clever. Built only for benchmarking; not installed.
 *   memfs [-f] MOUNTPOINT
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <fuse_lowlevel.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MF_MAX	 1000000
#define MF_WRITE (128 * 1024) /* pynqfs's max_write */

struct mf_node {
	char *name;
	fuse_ino_t parent;
	mode_t mode;
	char *data;
	size_t size, cap;
	struct timespec mtime;
	bool used;
};

static struct mf_node mf_nodes[MF_MAX];
static fuse_ino_t mf_next = 2;
static pthread_mutex_t mf_lock = PTHREAD_MUTEX_INITIALIZER;

/* Names by (parent, name): open addressing; 0 free, MF_GONE a removed one. */
#define MF_SLOTS (1u << 21)
#define MF_GONE	 ((fuse_ino_t)-1)
static fuse_ino_t mf_slot[MF_SLOTS];

static size_t mf_hash(fuse_ino_t parent, const char *name)
{
	size_t h = 1469598103934665603u ^ parent;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 1099511628211u;
	return h & (MF_SLOTS - 1);
}

static void mf_attr(fuse_ino_t ino, struct stat *st)
{
	const struct mf_node *n = &mf_nodes[ino];

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = n->mode;
	st->st_nlink = S_ISDIR(n->mode) ? 2 : 1;
	st->st_size = (off_t)n->size;
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_mtim = st->st_ctim = st->st_atim = n->mtime;
	st->st_uid = getuid();
	st->st_gid = getgid();
}

/* The slot of (parent, name), or with add the free slot where it would go. */
static size_t mf_where(fuse_ino_t parent, const char *name, bool add)
{
	for (size_t s = mf_hash(parent, name);; s = (s + 1) & (MF_SLOTS - 1)) {
		fuse_ino_t i = mf_slot[s];

		if (i == 0 || (add && i == MF_GONE))
			return s;
		if (i != MF_GONE && mf_nodes[i].parent == parent && !strcmp(mf_nodes[i].name, name))
			return s;
	}
}

static fuse_ino_t mf_find(fuse_ino_t parent, const char *name)
{
	fuse_ino_t i = mf_slot[mf_where(parent, name, false)];

	return i == MF_GONE ? 0 : i;
}

static void mf_entry(fuse_req_t req, fuse_ino_t ino)
{
	struct fuse_entry_param e = {.ino = ino, .attr_timeout = 1.0, .entry_timeout = 1.0};

	mf_attr(ino, &e.attr);
	fuse_reply_entry(req, &e);
}

static void mf_init(void *u, struct fuse_conn_info *conn)
{
	(void)u;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	conn->max_write = MF_WRITE;
}

static void mf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_ino_t ino;

	pthread_mutex_lock(&mf_lock);
	ino = mf_find(parent, name);
	if (ino)
		mf_entry(req, ino);
	pthread_mutex_unlock(&mf_lock);
	if (!ino)
		fuse_reply_err(req, ENOENT);
}

static void mf_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	pthread_mutex_lock(&mf_lock);
	mf_attr(ino, &st);
	pthread_mutex_unlock(&mf_lock);
	fuse_reply_attr(req, &st, 1.0);
}

static int mf_resize(struct mf_node *n, size_t size)
{
	if (size > n->cap) {
		size_t cap = n->cap ? n->cap : 4096;
		char *d;

		while (cap < size)
			cap *= 2;
		d = realloc(n->data, cap);
		if (!d)
			return ENOMEM;
		n->data = d;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	return 0;
}

static void mf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	struct stat st;
	int err = 0;

	(void)fi;
	pthread_mutex_lock(&mf_lock);
	if (to_set & FUSE_SET_ATTR_SIZE)
		err = mf_resize(&mf_nodes[ino], (size_t)attr->st_size);
	if (to_set & FUSE_SET_ATTR_MODE)
		mf_nodes[ino].mode = (mf_nodes[ino].mode & S_IFMT) | (attr->st_mode & 07777);
	clock_gettime(CLOCK_REALTIME, &mf_nodes[ino].mtime);
	mf_attr(ino, &st);
	pthread_mutex_unlock(&mf_lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, 1.0);
}

static fuse_ino_t mf_new(fuse_ino_t parent, const char *name, mode_t mode)
{
	fuse_ino_t ino;

	if (mf_next >= MF_MAX)
		return 0;
	ino = mf_next++;
	mf_nodes[ino] = (struct mf_node){
		.name = strdup(name), .parent = parent, .mode = mode, .used = true};
	mf_slot[mf_where(parent, name, true)] = ino;
	clock_gettime(CLOCK_REALTIME, &mf_nodes[ino].mtime);
	return ino;
}

static void mf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	fuse_ino_t ino;

	pthread_mutex_lock(&mf_lock);
	ino = mf_find(parent, name) ? 0 : mf_new(parent, name, S_IFDIR | (mode & 07777));
	if (ino)
		mf_entry(req, ino);
	pthread_mutex_unlock(&mf_lock);
	if (!ino)
		fuse_reply_err(req, EEXIST);
}

static void mf_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	struct fuse_entry_param e = {.attr_timeout = 1.0, .entry_timeout = 1.0};
	fuse_ino_t ino;

	pthread_mutex_lock(&mf_lock);
	ino = mf_find(parent, name);
	if (!ino)
		ino = mf_new(parent, name, S_IFREG | (mode & 07777));
	else if (fi->flags & O_TRUNC)
		mf_nodes[ino].size = 0;
	if (ino) {
		e.ino = ino;
		mf_attr(ino, &e.attr);
	}
	pthread_mutex_unlock(&mf_lock);
	if (!ino) {
		fuse_reply_err(req, ENOSPC);
		return;
	}
	fi->direct_io = 1;
	fuse_reply_create(req, &e, fi);
}

static void mf_remove(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_ino_t ino;

	pthread_mutex_lock(&mf_lock);
	ino = mf_find(parent, name);
	if (ino) {
		mf_slot[mf_where(parent, name, false)] = MF_GONE;
		free(mf_nodes[ino].name);
		free(mf_nodes[ino].data);
		mf_nodes[ino] = (struct mf_node){0};
	}
	pthread_mutex_unlock(&mf_lock);
	fuse_reply_err(req, ino ? 0 : ENOENT);
}

static void mf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	pthread_mutex_lock(&mf_lock);
	if (fi->flags & O_TRUNC)
		mf_nodes[ino].size = 0;
	pthread_mutex_unlock(&mf_lock);
	fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

static void mf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct mf_node *n = &mf_nodes[ino];

	(void)fi;
	pthread_mutex_lock(&mf_lock);
	if ((size_t)off >= n->size)
		size = 0;
	else if (size > n->size - (size_t)off)
		size = n->size - (size_t)off;
	fuse_reply_buf(req, size ? n->data + off : NULL, size);
	pthread_mutex_unlock(&mf_lock);
}

static void mf_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct mf_node *n = &mf_nodes[ino];
	int err = 0;

	(void)fi;
	pthread_mutex_lock(&mf_lock);
	if ((size_t)off + size > n->size)
		err = mf_resize(n, (size_t)off + size);
	if (!err)
		memcpy(n->data + off, buf, size);
	pthread_mutex_unlock(&mf_lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, size);
}

static void mf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char *buf = malloc(size);
	size_t used = 0;

	(void)fi;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&mf_lock);
	for (fuse_ino_t i = (fuse_ino_t)off + 1; i < mf_next; i++) {
		struct stat st = {.st_ino = i, .st_mode = mf_nodes[i].mode};
		size_t need;

		if (!mf_nodes[i].used || mf_nodes[i].parent != ino)
			continue;
		need = fuse_add_direntry(req, buf + used, size - used, mf_nodes[i].name, &st,
					 (off_t)i);
		if (need > size - used)
			break;
		used += need;
	}
	pthread_mutex_unlock(&mf_lock);
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static const struct fuse_lowlevel_ops mf_ops = {
	.init = mf_init,
	.lookup = mf_lookup,
	.getattr = mf_getattr,
	.setattr = mf_setattr,
	.mkdir = mf_mkdir,
	.create = mf_create,
	.unlink = mf_remove,
	.rmdir = mf_remove,
	.open = mf_open,
	.read = mf_read,
	.write = mf_write,
	.readdir = mf_readdir,
};

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config *lc;
	struct fuse_session *se;
	int ret = 1;

	if (fuse_parse_cmdline(&args, &opts) || !opts.mountpoint) {
		fprintf(stderr, "usage: memfs [-f] MOUNTPOINT\n");
		return 1;
	}
	mf_nodes[1] = (struct mf_node){.name = strdup(""), .mode = S_IFDIR | 0755, .used = true};
	clock_gettime(CLOCK_REALTIME, &mf_nodes[1].mtime);
	se = fuse_session_new(&args, &mf_ops, sizeof(mf_ops), NULL);
	if (se && !fuse_set_signal_handlers(se) && !fuse_session_mount(se, opts.mountpoint)) {
		fuse_daemonize(opts.foreground);
		lc = fuse_loop_cfg_create();
		ret = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
		fuse_session_unmount(se);
	}
	if (se)
		fuse_session_destroy(se);
	free(opts.mountpoint);
	fuse_opt_free_args(&args);
	return ret ? 1 : 0;
}
