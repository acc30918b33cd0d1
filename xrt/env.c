// SPDX-License-Identifier: MIT
/*
 * The environment XRT needs before its first call: XRT aborts the process
 * when XILINX_XRT is unset, and looks for its shims only under it, where
 * Debian does not install them. A private XILINX_XRT of symlinks stands in,
 * made by the first xrt card (or device count) and removed when the
 * process exits: XRT keeps what it loaded from there, and the variable
 * keeps pointing at it. One left by a daemon that died is swept at the
 * next start.
 *
 * XRT's settings (its xrt.ini keys) are set here too, before its first
 * call reads them: its log goes to messages.c, which gives its errors to
 * the card's log, and Runtime.rw_shared lets a process that shares a
 * CU read and write its registers, as registers/ does (XRT refuses that
 * by default, and pynqfs opens every CU shared).
 */
#define _GNU_SOURCE
#include "env.h"
#include "messages.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <experimental/xrt_ini.h>
#include <xrt/xrt_device.h>

static pthread_mutex_t xr_env_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned xr_users;
static char xr_root[64];    /* a XILINX_XRT of our own, if we made one */
static int xr_lock_fd = -1; /* its lock, held while we live */

/* The directory libxrt_coreutil was loaded from: XRT's other libraries are there. */
static int xr_libdir(char *dir, size_t len)
{
	Dl_info info;
	char *copy;

	if (!dladdr((void *)xrtDeviceOpen, &info) || !info.dli_fname)
		return -ENOENT;
	copy = strdup(info.dli_fname);
	if (!copy)
		return -ENOMEM;
	snprintf(dir, len, "%s", dirname(copy));
	free(copy);
	return 0;
}

/* Remove a directory of ours: lib/ of symlinks, and the lock file. */
static void xr_dir_remove(const char *root)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/lib", root);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		char link[800];

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		unlink(link);
	}
	if (d)
		closedir(d);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/lock", root);
	unlink(path);
	rmdir(root);
}

static void xr_root_remove(void)
{
	if (!xr_root[0])
		return;
	xr_dir_remove(xr_root);
	xr_root[0] = '\0';
	if (xr_lock_fd >= 0)
		close(xr_lock_fd);
	xr_lock_fd = -1;
}

/*
 * A daemon that died (killed, crashed) left its directory behind. Each
 * live one holds a lock on its directory's lock file (the daemon's fork
 * keeps it): remove those of this user whose lock nobody holds. One with
 * no lock file yet may be a daemon starting now: it is left alone.
 */
static void xr_root_sweep(void)
{
	struct dirent *e;
	DIR *d = opendir("/tmp");

	while (d && (e = readdir(d))) {
		char root[300], path[400];
		struct stat st;
		int fd;

		if (strncmp(e->d_name, "pynqfs-xrt.", 11))
			continue;
		snprintf(root, sizeof(root), "/tmp/%s", e->d_name);
		if (lstat(root, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		snprintf(path, sizeof(path), "%s/lock", root);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (!flock(fd, LOCK_EX | LOCK_NB))
			xr_dir_remove(root);
		close(fd);
	}
	if (d)
		closedir(d);
}

/*
 * Debian installs XRT's libraries in the system's libdir, where XRT does
 * not look: it loads $XILINX_XRT/lib/libxrt_<shim>.so.2. A private root of
 * symlinks to them is that directory.
 */
static int xr_root_make(const char *libdir, char *why, size_t whylen)
{
	char path[512], link[800], target[800];
	struct dirent *e;
	DIR *d;

	xr_root_sweep();
	snprintf(xr_root, sizeof(xr_root), "/tmp/pynqfs-xrt.XXXXXX");
	if (!mkdtemp(xr_root)) {
		xr_root[0] = '\0';
		snprintf(why, whylen, "cannot make a XILINX_XRT directory in /tmp: %s",
			 strerror(errno));
		return -errno;
	}
	/* Held while we live, for the sweep of a later daemon should this one die. */
	snprintf(path, sizeof(path), "%s/lock", xr_root);
	xr_lock_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (xr_lock_fd >= 0)
		flock(xr_lock_fd, LOCK_EX);
	snprintf(path, sizeof(path), "%s/lib", xr_root);
	d = mkdir(path, 0755) ? NULL : opendir(libdir);
	if (!d) {
		snprintf(why, whylen, "cannot prepare %s: %s", path, strerror(errno));
		xr_root_remove();
		return -EIO;
	}
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "libxrt", 6) && strncmp(e->d_name, "libsched_em", 11))
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		snprintf(target, sizeof(target), "%s/%s", libdir, e->d_name);
		if (symlink(target, link) && errno != EEXIST) {
			snprintf(why, whylen, "cannot link %s: %s", link, strerror(errno));
			closedir(d);
			xr_root_remove();
			return -EIO;
		}
	}
	closedir(d);
	setenv("XILINX_XRT", xr_root, 1);
	atexit(xr_root_remove);
	return 0;
}

int xr_env_get(const char *emulation, char *why, size_t whylen)
{
	char libdir[400], shim[512];
	const char *xilinx = getenv("XILINX_XRT");
	int ret = 0;

	pthread_mutex_lock(&xr_env_lock);
	if (xr_users++)
		goto out;
	ret = xr_libdir(libdir, sizeof(libdir));
	if (ret) {
		snprintf(why, whylen, "cannot find where libxrt_coreutil was loaded from");
		goto fail;
	}
	if (emulation && strcmp(emulation, "noop")) {
		snprintf(why, whylen, "xrt.emulation '%s': only \"noop\" is known", emulation);
		ret = -EINVAL;
		goto fail;
	}
	snprintf(shim, sizeof(shim), "%s%s/libxrt_%s.so.2", xilinx ? xilinx : libdir,
		 xilinx ? "/lib" : "", emulation ? emulation : "core");
	if (access(shim, R_OK)) {
		snprintf(why, whylen,
			 "XRT's %s shim %s is not installed (Debian: apt-get install libxrt1)",
			 emulation ? emulation : "device", shim);
		ret = -ENOENT;
		goto fail;
	}
	if (emulation)
		setenv("XCL_EMULATION_MODE", emulation, 1);
	if (!xilinx && (ret = xr_root_make(libdir, why, whylen)))
		goto fail;
	/* XRT's own chatter nowhere; its errors to messages.c, below. */
	xrtIniStringSet("Runtime.runtime_log", "null");
	xrtIniUintSet("Runtime.verbosity", 0);
	xrtIniStringSet("Runtime.rw_shared", "true");
	xr_messages_open(); /* XRT's log to messages.c, if it can be had */
	goto out;
fail:
	xr_users--;
out:
	pthread_mutex_unlock(&xr_env_lock);
	return ret;
}

void xr_env_put(void)
{
	pthread_mutex_lock(&xr_env_lock);
	xr_users--; /* the directory stays until exit: see the top of this file */
	pthread_mutex_unlock(&xr_env_lock);
}

bool xr_env_private(void)
{
	bool made;

	pthread_mutex_lock(&xr_env_lock);
	made = xr_root[0] != '\0';
	pthread_mutex_unlock(&xr_env_lock);
	return made;
}
