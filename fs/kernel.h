/* SPDX-License-Identifier: MIT */
/* kernels/<cu>/ files: args, run, registers, and what they render. */
#ifndef PYNQFS_KERNEL_H
#define PYNQFS_KERNEL_H

#include "cu.h"
#include "fs.h"

/* Per-open state of args and run. */
struct kn_handle {
	char *in;		   /* what was written so far */
	size_t inlen, incap, used; /* run: bytes of `in` acted on */
	bool pending;		   /* args: a last token still to apply at close */
	bool nonblock;
	char *data; /* run: the result line, once read */
	size_t len;
	bool ready;
};

void kn_init(void);
/* signature, args, state, stats (card lock held). */
void kn_render(const struct fs_node *n, FILE *f);
size_t kn_registers_size(const struct fs_node *n);

struct kn_handle *kn_open(struct fs_node *n, int flags);
void kn_release(struct kn_handle *h);
void kn_read(fuse_req_t req, struct fs_node *n, struct kn_handle *h, size_t size, off_t off);
void kn_write(fuse_req_t req, struct fs_node *n, struct kn_handle *h, const char *buf, size_t size);
void kn_flush(fuse_req_t req, struct fs_node *n, struct kn_handle *h);
void kn_poll(fuse_req_t req, struct fs_node *n, struct fuse_pollhandle *ph);
void kn_reg_read(fuse_req_t req, struct fs_node *n, size_t size, off_t off);
void kn_reg_write(fuse_req_t req, struct fs_node *n, const char *buf, size_t size, off_t off);

#endif
