// SPDX-License-Identifier: MIT
/*
 * The tree lock is never held across a FUSE reply or a notification to
 * the kernel (fs.h): a reply can wait on the kernel, and the kernel on a
 * request that needs the lock. Built with -Dlockcheck=true, the daemon is
 * linked with --wrap for each call below, and one made by a thread that
 * holds the lock aborts it, naming the call: every test then checks the
 * rule on every path it takes.
 */
#include "fs.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#include <sanitizer/common_interface_defs.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void lc_check(const char *call)
{
	char msg[160];

	if (!fs_locked)
		return;
	snprintf(msg, sizeof(msg), "pynqfs: %s with the tree lock held", call);
	/* A daemon's stderr is gone: a sanitizer's log is where tests look. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	__sanitizer_print_stack_trace();
	__sanitizer_report_error_summary(msg);
#endif
	if (write(2, msg, strlen(msg)) < 0 || write(2, "\n", 1) < 0)
		abort();
	abort();
}

#define LC_WRAP(ret, name, params, args)                                                           \
	ret __real_##name params;                                                                  \
	ret __wrap_##name params;                                                                  \
	ret __wrap_##name params                                                                   \
	{                                                                                          \
		lc_check(#name);                                                                   \
		return __real_##name args;                                                         \
	}

LC_WRAP(int, fuse_reply_err, (fuse_req_t req, int err), (req, err))
LC_WRAP(int, fuse_reply_buf, (fuse_req_t req, const char *buf, size_t size), (req, buf, size))
LC_WRAP(int, fuse_reply_entry, (fuse_req_t req, const struct fuse_entry_param *e), (req, e))
LC_WRAP(int, fuse_reply_create,
	(fuse_req_t req, const struct fuse_entry_param *e, const struct fuse_file_info *fi),
	(req, e, fi))
LC_WRAP(int, fuse_reply_attr, (fuse_req_t req, const struct stat *attr, double timeout),
	(req, attr, timeout))
LC_WRAP(int, fuse_reply_readlink, (fuse_req_t req, const char *link), (req, link))
LC_WRAP(int, fuse_reply_open, (fuse_req_t req, const struct fuse_file_info *fi), (req, fi))
LC_WRAP(int, fuse_reply_write, (fuse_req_t req, size_t count), (req, count))
LC_WRAP(void, fuse_reply_none, (fuse_req_t req), (req))
LC_WRAP(int, fuse_reply_statfs, (fuse_req_t req, const struct statvfs *st), (req, st))
LC_WRAP(int, fuse_reply_xattr, (fuse_req_t req, size_t count), (req, count))
LC_WRAP(int, fuse_reply_poll, (fuse_req_t req, unsigned revents), (req, revents))
LC_WRAP(int, fuse_lowlevel_notify_poll, (struct fuse_pollhandle * ph), (ph))
LC_WRAP(int, fuse_lowlevel_notify_inval_inode,
	(struct fuse_session * se, fuse_ino_t ino, off_t off, off_t len), (se, ino, off, len))
LC_WRAP(int, fuse_lowlevel_notify_inval_entry,
	(struct fuse_session * se, fuse_ino_t parent, const char *name, size_t namelen),
	(se, parent, name, namelen))
