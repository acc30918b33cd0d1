// SPDX-License-Identifier: MIT
/*
 * Buffers being closed. close(2) returns once the kernel has our FLUSH
 * answer; the RELEASE that lets go of the handle (and of an unlinked
 * buffer's device memory) is a background request the kernel may send
 * after requests made later, such as the truncate of `overlay` that frees
 * the design. Without waiting for it, `rm buf; : > overlay` could be
 * refused (EBUSY) for a buffer nobody holds any more.
 *
 * A handle flushed and not used since is counted as closing; a dup'ed
 * descriptor still open makes it used again at its next read or write.
 * Programming or freeing waits for the count to reach zero, a moment at
 * most, on a threaded mount only (on one thread, no RELEASE could come
 * while we wait).
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#define CLOSING_WAIT_MS 2000

void fs_closing_set(struct fs *fs, struct fs_handle *h, bool closing)
{
	if (__atomic_load_n(&h->closing, __ATOMIC_RELAXED) == closing)
		return;
	pthread_mutex_lock(&fs->closing_lock);
	if (__atomic_load_n(&h->closing, __ATOMIC_RELAXED) != closing) {
		__atomic_store_n(&h->closing, closing, __ATOMIC_RELAXED);
		fs->closing += closing ? 1 : -1;
		if (!fs->closing)
			pthread_cond_broadcast(&fs->closing_cond);
	}
	pthread_mutex_unlock(&fs->closing_lock);
}

void fs_closing_test_delay(void)
{
#ifdef PYNQFS_TEST_HOOKS
	const char *env = getenv("PYNQFS_TEST_RELEASE_DELAY_MS");
	long ms = env ? strtol(env, NULL, 10) : 0;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts))
		;
#endif
}

void fs_closing_wait(struct fs *fs)
{
	struct timespec until;

	if (!fs->threaded)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CLOSING_WAIT_MS / 1000;
	until.tv_nsec += (CLOSING_WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&fs->closing_lock);
	while (fs->closing &&
	       pthread_cond_timedwait(&fs->closing_cond, &fs->closing_lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&fs->closing_lock);
}
