// SPDX-License-Identifier: MIT
/*
 * XRT's own messages. Its C API says little more than -1 (errno is set for
 * one exception class only) and writes the reason to its log: a message
 * like "Xclbin on card is in use" is the only explanation a user gets. The
 * log goes to a memfd of ours (Runtime.runtime_log names it through
 * /proc/self/fd), and a failure's why ends with what XRT said since the
 * call began. Two calls failing at the same moment may each see the
 * other's words; a message is never lost.
 */
#define _GNU_SOURCE
#include "messages.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <experimental/xrt_ini.h>

/* Past this the memfd is emptied: XRT writes on, past a hole that costs nothing. */
#define XR_MESSAGES_MAX (1u << 20)

static pthread_mutex_t xr_messages_lock = PTHREAD_MUTEX_INITIALIZER;
static int xr_messages_fd = -1;

void xr_messages_open(void)
{
	char path[64];
	int fd;

	pthread_mutex_lock(&xr_messages_lock);
	if (xr_messages_fd >= 0)
		goto out;
	fd = memfd_create("pynqfs-xrt-log", MFD_CLOEXEC);
	if (fd < 0)
		goto out; /* XRT's words are lost, as they were: its log stays "null" */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (xrtIniStringSet("Runtime.runtime_log", path)) {
		close(fd);
		goto out;
	}
	/* Errors and warnings (XRT's levels 3 and 4), not its notices. */
	xrtIniUintSet("Runtime.verbosity", 4);
	xr_messages_fd = fd;
out:
	pthread_mutex_unlock(&xr_messages_lock);
}

uint64_t xr_messages_mark(void)
{
	struct stat st;
	uint64_t size = 0;

	pthread_mutex_lock(&xr_messages_lock);
	if (xr_messages_fd >= 0 && !fstat(xr_messages_fd, &st)) {
		size = (uint64_t)st.st_size;
		if (size > XR_MESSAGES_MAX && !ftruncate(xr_messages_fd, 0))
			size = 0;
	}
	pthread_mutex_unlock(&xr_messages_lock);
	return size;
}

/* The text of XRT's last message in text: what follows its severity. */
static const char *xr_messages_last(char *text)
{
	static const char *const levels[] = {
		"EMERGENCY: ", "ALERT: ", "CRITICAL: ", "ERROR: ", "WARNING: "};
	const char *best = NULL;

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		const char *p = text, *hit = NULL;

		while ((p = strstr(p, levels[i]))) {
			hit = p + strlen(levels[i]);
			p = hit;
		}
		if (hit && (!best || hit > best))
			best = hit;
	}
	return best;
}

const char *xr_messages_since(uint64_t mark, char *buf, size_t len)
{
	char text[2048];
	const char *last;
	ssize_t got = 0;
	struct stat st;
	uint64_t from = mark;
	char *nl;

	buf[0] = '\0';
	pthread_mutex_lock(&xr_messages_lock);
	if (xr_messages_fd >= 0 && !fstat(xr_messages_fd, &st) && (uint64_t)st.st_size > mark) {
		/* The end of what was written since: the last message is there. */
		if ((uint64_t)st.st_size - from > sizeof(text) - 1)
			from = (uint64_t)st.st_size - (sizeof(text) - 1);
		got = pread(xr_messages_fd, text, sizeof(text) - 1, (off_t)from);
	}
	pthread_mutex_unlock(&xr_messages_lock);
	if (got <= 0)
		return buf;
	text[got] = '\0';
	last = xr_messages_last(text);
	if (!last)
		return buf;
	snprintf(buf, len, "%s", last);
	while ((nl = strrchr(buf, '\n')) && !nl[1])
		*nl = '\0'; /* a message ends with one; one inside it stays */
	for (nl = buf; (nl = strchr(nl, '\n'));)
		*nl = ' ';
	return buf;
}

/* XRT's failures to -errno: the one place its codes are read. */
int xr_errno(int dflt)
{
	switch (errno) {
	case 0:
		return dflt;
	case ENOMEM:
	case ENOSPC:
		return -ENOSPC;
	case EBUSY:
	case EINVAL:
	case ENODEV:
	case ETIMEDOUT:
		return -errno;
	default:
		return -EIO;
	}
}

/*
 * Why a call failed, in our words and then XRT's own (its log since mark:
 * messages.c), for the card's log.
 */
void xr_why(char *why, size_t whylen, uint64_t mark, const char *fmt, ...)
{
	char said[400];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	n = strlen(why);
	if (*xr_messages_since(mark, said, sizeof(said)) && n < whylen)
		snprintf(why + n, whylen - n, "; XRT says: %s", said);
}
