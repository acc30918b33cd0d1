// SPDX-License-Identifier: MIT
/*
 * Directory listings (SPEC §1: stable, sorted by name): opendir takes a
 * snapshot of the names, so that offsets stay valid while others change
 * the directory; readdirplus gives each entry's attributes with it.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Directory listings: a snapshot, so offsets stay valid while others change it. */
struct fs_dir {
	struct fs_open open; /* first: the list's view of it */
	struct fs_dirent {
		char *name;
		struct stat st;
	} * ents;
	size_t nents;
};

static void fs_dir_free_open(struct fs_open *o)
{
	struct fs_dir *h = (struct fs_dir *)o;

	for (size_t i = 0; i < h->nents; i++)
		free(h->ents[i].name);
	free(h->ents);
	free(h);
}

void fs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_dir *h;
	struct fs_node *n;

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	h = calloc(1, sizeof(*h));
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fs_lock(fs);
	n = fs_node_of(fs, ino);
	h->ents = calloc(n->nkids + 2, sizeof(*h->ents));
	if (!h->ents) {
		fs_unlock(fs);
		free(h);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->ents[0].name = strdup(".");
	h->ents[0].st.st_ino = n->ino;
	h->ents[0].st.st_mode = n->mode;
	h->ents[1].name = strdup("..");
	h->ents[1].st.st_ino = n->parent ? n->parent->ino : n->ino;
	h->ents[1].st.st_mode = S_IFDIR;
	h->nents = 2;
	for (size_t i = 0; i < n->nkids; i++) {
		struct fs_dirent *e = &h->ents[h->nents];

		e->name = strdup(n->kids[i]->name);
		e->st.st_ino = n->kids[i]->ino;
		e->st.st_mode = n->kids[i]->mode;
		h->nents += e->name != NULL;
	}
	n->nopen++;
	fs_unlock(fs);
	fs_open_add(fs, &h->open, fs_dir_free_open);
	fi->fh = (uintptr_t)h;
	if (fuse_reply_open(req, fi)) {
		fs_open_del(&h->open);
		fs_dir_free_open(&h->open);
		fs_unpin(n);
	}
}

void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs_dir *h = (struct fs_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size);
	size_t used = 0;

	(void)ino;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = (size_t)off; i < h->nents; i++) {
		size_t need = fuse_add_direntry(req, buf + used, size - used, h->ents[i].name,
						&h->ents[i].st, (off_t)i + 1);

		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

/*
 * READDIRPLUS: each entry with its attributes, so that `ls -l` costs no
 * LOOKUP per file. An entry carries a lookup reference, as a LOOKUP's
 * reply does; "." and "..", and names gone or replaced since opendir,
 * carry none (ino 0: the kernel makes no dentry of them).
 */
void fs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_dir *h = (struct fs_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size);
	/* An entry takes more than 128 bytes of the reply (struct fuse_direntplus). */
	size_t most = size / 128 + 1;
	struct fuse_entry_param *ents = calloc(most, sizeof(*ents));
	struct fs_node **held = calloc(most, sizeof(*held));
	size_t used = 0, nents = 0, nsent = 0;
	struct fs_node *dir;
	bool sent;

	if (!buf || !held || !ents) {
		free(buf);
		free(held);
		free(ents);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* What the tree holds, under its lock; each node pinned and looked up. */
	fs_lock(fs);
	dir = fs_node_of(fs, ino);
	for (size_t i = (size_t)off; i < h->nents && nents < most; i++, nents++) {
		struct fs_node *n = i < 2 ? NULL : fs_node_find(dir, h->ents[i].name);

		ents[nents].attr = h->ents[i].st;
		if (n && n->ino == h->ents[i].st.st_ino) {
			fs_entry_begin(n, &ents[nents]);
			held[nents] = n;
		}
	}
	fs_unlock(fs);
	/* Sizes, which kinds compute, with no lock; then the entries that fit. */
	for (; nsent < nents; nsent++) {
		size_t need, i = (size_t)off + nsent;

		if (held[nsent])
			fs_fill_size(held[nsent], &ents[nsent].attr);
		need = fuse_add_direntry_plus(req, buf + used, size - used, h->ents[i].name,
					      &ents[nsent], (off_t)i + 1);
		if (need > size - used)
			break;
		used += need;
	}
	sent = fuse_reply_buf(req, buf, used) == 0;
	for (size_t k = 0; k < nents; k++) {
		/* The kernel forgets only what it saw. */
		if (held[k])
			fs_entry_end(held[k], sent && k < nsent);
	}
	free(ents);
	free(held);
	free(buf);
}

void fs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_dir *h = (struct fs_dir *)(uintptr_t)fi->fh;

	fs_open_del(&h->open);
	fs_dir_free_open(&h->open);
	fs_unpin(fs_node_of(fs, ino));
	fuse_reply_err(req, 0);
}
