// SPDX-License-Identifier: MIT
/*
 * The /dev/fuse channel: libfuse reads requests and writes replies through
 * these two calls (its custom io), so that INIT's reply can ask for what
 * libfuse 3.14 has no name for: FUSE_DIRECT_IO_ALLOW_MMAP (Linux 6.6),
 * mmap(MAP_SHARED) of direct_io files. Every pynqfs file is direct_io, so
 * reads and writes keep coming to us, and buffers can still be mapped
 * (buffer_file.c keeps the mappings true). A kernel that doesn't offer the
 * flag, or a single-threaded mount (-s: cache.c), gets none: mmap of a
 * buffer fails with ENODEV there, as it always did.
 *
 * The same two calls keep the kernel's order of requests for closing.c.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <linux/fuse.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Bit 36 of the INIT flags, sent in flags2 (linux/fuse.h has it from 6.6). */
#define CHANNEL_ALLOW_MMAP2 (1u << (36 - 32))

static ssize_t channel_read(int fd, void *buf, size_t len, void *userdata)
{
	struct fs *fs = userdata;
	const struct fuse_in_header *in = buf;
	const struct fuse_init_in *init = (const void *)(in + 1);
	ssize_t got = read(fd, buf, len);

	if (got >= (ssize_t)sizeof(*in))
		fs_closing_read(fs, in); /* at once: closing.c */

	/* INIT comes first, once; nothing else is looked at. */
	if (__atomic_load_n(&fs->init_seen, __ATOMIC_RELAXED) || got < (ssize_t)sizeof(*in))
		return got;
	if (in->opcode != FUSE_INIT)
		return got;
	__atomic_store_n(&fs->init_seen, true, __ATOMIC_RELAXED);
	if (fs->caching && (size_t)got >= sizeof(*in) + offsetof(struct fuse_init_in, flags2) + 4 &&
	    (init->flags & FUSE_INIT_EXT) && (init->flags2 & CHANNEL_ALLOW_MMAP2))
		__atomic_store_n(&fs->init_unique, in->unique, __ATOMIC_RELEASE);
	return got;
}

static ssize_t channel_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	struct fs *fs = userdata;
	uint64_t unique = __atomic_load_n(&fs->init_unique, __ATOMIC_ACQUIRE);
	const struct fuse_out_header *out = iov[0].iov_base;
	struct fuse_init_out reply;
	struct iovec v[2];
	ssize_t ret;

	if (!unique || count != 2 || iov[0].iov_len != sizeof(*out) || out->unique != unique) {
		ret = writev(fd, iov, count);
		/* Replies, not notifications (unique 0): a RELEASE answered is done. */
		if (iov[0].iov_len >= sizeof(*out) && out->unique)
			fs_closing_replied(fs, out->unique);
		return ret;
	}
	__atomic_store_n(&fs->init_unique, 0, __ATOMIC_RELAXED);
	/* A reply of another size is another protocol than the one we know. */
	if (out->error || iov[1].iov_len != sizeof(reply))
		return writev(fd, iov, count);
	memcpy(&reply, iov[1].iov_base, sizeof(reply));
	if (!(reply.flags & FUSE_INIT_EXT))
		return writev(fd, iov, count);
	reply.flags2 |= CHANNEL_ALLOW_MMAP2;
	v[0] = iov[0];
	v[1] = (struct iovec){.iov_base = &reply, .iov_len = sizeof(reply)};
	__atomic_store_n(&fs->mmap, true, __ATOMIC_RELEASE);
	return writev(fd, v, 2);
}

int fs_channel_attach(struct fuse_session *se)
{
	static const struct fuse_custom_io io = {
		.read = channel_read,
		.writev = channel_writev,
	};

	/*
	 * The fd fuse_session_mount() opened: the session keeps owning it. The
	 * calls get the session's userdata: the struct fs.
	 */
	return fuse_session_custom_io(se, &io, fuse_session_fd(se));
}

bool fs_mmap_allowed(struct fs *fs)
{
	return __atomic_load_n(&fs->mmap, __ATOMIC_ACQUIRE);
}
