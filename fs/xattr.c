// SPDX-License-Identifier: MIT
/*
 * Extended attributes (SPEC §4): user.pynq.address and user.pynq.bank on
 * buffers, user.pynq.tag on bank directories, and user.pynq.configured on
 * card directories ("UID:GID MODE" as configured, what a scheduler's
 * epilog gives a card back to). One is set by users: user.pynq.autofree
 * ("1") on a buffer removes it at its last close (buffer_file.c).
 */
#include "fs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define XA_ADDRESS  "user.pynq.address"
#define XA_BANK	    "user.pynq.bank"
#define XA_TAG	    "user.pynq.tag"
#define XA_CONF	    "user.pynq.configured"
#define XA_AUTOFREE "user.pynq.autofree"

/* The value of a pynq xattr: 0, or -ENODATA when n has none of that name. Lock held. */
static int xa_value(struct fs_node *n, const char *name, char *buf, size_t len)
{
	uint64_t addr;

	if (n->kind == FS_BANK && !strcmp(name, XA_TAG) && n->text) {
		snprintf(buf, len, "%s", n->text);
		return 0;
	}
	if (n->kind == FS_CARD && !strcmp(name, XA_CONF)) {
		const struct fs_card *fc = &n->fs->cards[pq_card_index(n->card)];

		snprintf(buf, len, "%u:%u %04o", (unsigned)fc->conf_uid, (unsigned)fc->conf_gid,
			 (unsigned)fc->conf_mode);
		return 0;
	}
	if (n->kind != FS_BUF || !n->buf)
		return -ENODATA;
	if (!strcmp(name, XA_AUTOFREE)) {
		if (!n->autofree)
			return -ENODATA;
		snprintf(buf, len, "1");
		return 0;
	}
	if (!strcmp(name, XA_BANK)) {
		snprintf(buf, len, "%s", pq_buffer_bank_name(n->buf));
		return 0;
	}
	if (!strcmp(name, XA_ADDRESS)) {
		if (pq_buffer_address(n->buf, &addr))
			return -ENODATA; /* empty: no device memory yet */
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return 0;
	}
	return -ENODATA;
}

static void xa_reply(fuse_req_t req, const char *v, size_t len, size_t size)
{
	if (size == 0)
		fuse_reply_xattr(req, len);
	else if (size < len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, v, len);
}

void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct fs *fs = fs_of(req);
	char v[128];
	int ret;

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	fs_lock(fs);
	ret = xa_value(fs_node_of(fs, ino), name, v, sizeof(v));
	fs_unlock(fs);
	if (ret)
		fs_reply_status(req, ret);
	else
		xa_reply(req, v, strlen(v), size);
}

void fs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fs *fs = fs_of(req);
	static const char *const names[] = {XA_ADDRESS, XA_BANK, XA_TAG, XA_CONF, XA_AUTOFREE};
	char list[160], v[128];
	size_t len = 0;
	struct fs_node *n;

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	fs_lock(fs);
	n = fs_node_of(fs, ino);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (xa_value(n, names[i], v, sizeof(v)) == 0) {
			memcpy(list + len, names[i], strlen(names[i]) + 1);
			len += strlen(names[i]) + 1;
		}
	}
	fs_unlock(fs);
	xa_reply(req, list, len, size);
}

static void xa_refuse(const struct fs_node *n, const char *name, const char *what)
{
	if (n->card)
		fs_log(n,
		       "xattr %.64s cannot be %s: pynqfs's are read-only, and there are no others",
		       name, what);
}

/*
 * user.pynq.autofree on a buffer: "1" marks it, "0" (or removing the
 * xattr) unmarks it. Write permission is the kernel's to check
 * (default_permissions), as for any user xattr.
 */
static int xa_autofree(struct fs_node *n, const char *value, size_t size, bool set)
{
	struct fs *fs = n->fs;

	if (n->kind != FS_BUF) {
		fs_log(n, "%s is for buffers", XA_AUTOFREE);
		return -ENOTSUP;
	}
	if (set && (size != 1 || (value[0] != '0' && value[0] != '1'))) {
		fs_log(n, "%s takes 1 (remove it at its last close) or 0", XA_AUTOFREE);
		return -EINVAL;
	}
	fs_lock(fs);
	n->autofree = set && value[0] == '1';
	fs_unlock(fs);
	return 0;
}

/*
 * Users set no other xattrs here. ENOTSUP, not EPERM: `mv` between banks
 * copies xattrs and stays quiet about a filesystem that has none to set.
 */
void fs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size,
		 int flags)
{
	struct fs *fs = fs_of(req);

	(void)flags;
	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	if (!strcmp(name, XA_AUTOFREE)) {
		fs_reply_status(req, xa_autofree(fs_node_of(fs, ino), value, size, true));
		return;
	}
	xa_refuse(fs_node_of(fs, ino), name, "set");
	fuse_reply_err(req, ENOTSUP);
}

void fs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct fs *fs = fs_of(req);

	if (fs_gate(req, fs_node_of(fs, ino)))
		return;
	if (!strcmp(name, XA_AUTOFREE)) {
		fs_reply_status(req, xa_autofree(fs_node_of(fs, ino), NULL, 0, false));
		return;
	}
	xa_refuse(fs_node_of(fs, ino), name, "removed");
	fuse_reply_err(req, ENOTSUP);
}
