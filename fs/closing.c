// SPDX-License-Identifier: MIT
/*
 * Files being closed. close(2) returns once the kernel has our FLUSH
 * answer; the RELEASE that lets go of the handle (and of an unlinked
 * buffer's device memory) is a background request, which another of our
 * threads may still be serving when a request the user made later arrives,
 * such as the truncate of `overlay` that frees the design. Without an
 * order, `rm buf; : > overlay` could be refused (EBUSY) for a buffer
 * nobody holds any more, and growing a buffer could find no room (ENOSPC).
 *
 * The kernel queues the RELEASE before close(2) returns, so it reaches us
 * before anything the process does next (channel.c reads one request at a
 * time: their order is the kernel's). Each RELEASE is noted as it is read,
 * with the kernel's number for it (its unique), and struck off as its reply
 * goes out, its work done. A request that frees or takes device memory
 * first waits for the RELEASEs read before it: only those, and never for a
 * time. A buffer someone really holds open has sent none: no wait at all.
 *
 * The thread that reads a request serves and answers it (libfuse's loop,
 * and our handlers never answer a RELEASE elsewhere), so what a thread
 * reads is kept in the thread's own record, linked while it is a RELEASE.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <linux/fuse.h>
#include <stdlib.h>
#include <time.h>

struct closing_req {
	struct closing_req *prev, *next;
	uint64_t unique; /* of the request this thread serves */
	bool linked;	 /* a RELEASE, on fs->releasing */
};

static __thread struct closing_req closing_mine;

void fs_closing_read(struct fs *fs, const struct fuse_in_header *in)
{
	struct closing_req *r = &closing_mine;

	/* A RELEASE answered from elsewhere (none are): not ours to wait on. */
	if (r->linked)
		fs_closing_replied(fs, r->unique);
	r->unique = in->unique;
	if (in->opcode != FUSE_RELEASE)
		return;
	pthread_mutex_lock(&fs->closing_lock);
	r->prev = NULL;
	r->next = fs->releasing;
	if (r->next)
		r->next->prev = r;
	fs->releasing = r;
	r->linked = true;
	__atomic_add_fetch(&fs->nreleasing, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&fs->closing_lock);
}

void fs_closing_replied(struct fs *fs, uint64_t unique)
{
	struct closing_req *r = &closing_mine;

	if (!r->linked || r->unique != unique)
		return;
	pthread_mutex_lock(&fs->closing_lock);
	if (r->prev)
		r->prev->next = r->next;
	else
		fs->releasing = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->linked = false;
	__atomic_sub_fetch(&fs->nreleasing, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&fs->closing_cond);
	pthread_mutex_unlock(&fs->closing_lock);
}

/* Is a RELEASE read before this thread's request still being served? */
static bool closing_earlier(struct fs *fs, uint64_t mine)
{
	for (struct closing_req *r = fs->releasing; r; r = r->next)
		if (r->unique < mine)
			return true;
	return false;
}

void fs_closing_wait(struct fs *fs)
{
	uint64_t mine = closing_mine.unique;

	if (!__atomic_load_n(&fs->nreleasing, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&fs->closing_lock);
	while (closing_earlier(fs, mine))
		pthread_cond_wait(&fs->closing_cond, &fs->closing_lock);
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
