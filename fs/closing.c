// SPDX-License-Identifier: MIT
/*
 * Files being closed. close(2) returns once the kernel has our FLUSH
 * answer; the RELEASE that lets go of the handle (and of an unlinked
 * buffer's device memory) is a background request, which another of our
 * threads may still be serving when a request the user made later arrives,
 * such as the truncate of `overlay` that frees the design. Unwaited for,
 * `rm buf; : > overlay` could be refused (EBUSY) for a buffer nobody holds
 * any more, and growing a buffer could find no room (ENOSPC).
 *
 * The kernel queues the RELEASE before close(2) returns, so it is read
 * before anything the process does next. Each RELEASE is noted as soon as
 * its thread has read it, with the kernel's number for it (its unique),
 * and struck off as its reply goes out, its work done. A request that
 * takes or frees device memory waits for the RELEASEs noted with a lower
 * number: only those, however long they take, and never for a time.
 *
 * What that can't see: a RELEASE read by a thread that has not yet run the
 * few instructions up to noting it (preempted right there), while another
 * thread serves a later request. Reads are not serialized to close that
 * gap: handing /dev/fuse from thread to thread cost every request a
 * wakeup (a quarter more time per request, measured). Instead a buffer
 * handle flushed and not used since counts as closing, and programming or
 * freeing (fs_closing_settle) also waits up to CLOSING_WAIT_MS for those
 * to be noted, then for as long as they are served. A handle still open
 * through a dup'ed descriptor sends no RELEASE: that wait runs out. On one
 * thread (-s) nothing can overlap: no wait.
 *
 * The thread that reads a request serves and answers it (libfuse's loop,
 * and our handlers never answer a RELEASE elsewhere), so what a thread
 * reads is kept in the thread's own record, linked while it is a RELEASE.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <linux/fuse.h>
#include <stdlib.h>
#include <time.h>

#define CLOSING_WAIT_MS 2000

struct closing_req {
	struct closing_req *prev, *next;
	uint64_t unique; /* of the request this thread serves */
	bool linked;	 /* a RELEASE, on fs->releasing */
};

static __thread struct closing_req closing_mine;

void fs_closing_init(struct fs *fs)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&fs->closing_lock, NULL);
	/* A step of the wall clock must not stretch or cut the bounded wait. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&fs->closing_cond, &attr);
	pthread_condattr_destroy(&attr);
}

void fs_closing_read(struct fs *fs, const struct fuse_in_header *in)
{
	struct closing_req *r = &closing_mine;

	/* A RELEASE answered from elsewhere (none are): not ours to wait on. */
	if (r->linked)
		fs_closing_replied(fs, r->unique);
	r->unique = in->unique;
	if (in->opcode != FUSE_RELEASE)
		return;
	fs_closing_test_delay("PYNQFS_TEST_RELEASE_NOTE_MS");
	pthread_mutex_lock(&fs->closing_lock);
	r->prev = NULL;
	r->next = fs->releasing;
	if (r->next)
		r->next->prev = r;
	fs->releasing = r;
	r->linked = true;
	__atomic_add_fetch(&fs->nreleasing, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&fs->closing_cond); /* fs_closing_settle's wait */
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

/* Is a RELEASE noted before this thread's request still being served? */
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

void fs_closing_settle(struct fs *fs)
{
	uint64_t mine = closing_mine.unique;
	bool late = !fs->threaded;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += CLOSING_WAIT_MS / 1000;
	until.tv_nsec += (CLOSING_WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	/* The time bounds only the wait for a RELEASE to be noted, not served. */
	pthread_mutex_lock(&fs->closing_lock);
	for (;;) {
		while (closing_earlier(fs, mine))
			pthread_cond_wait(&fs->closing_cond, &fs->closing_lock);
		if (late || !fs->closing)
			break;
		late = pthread_cond_timedwait(&fs->closing_cond, &fs->closing_lock, &until) ==
		       ETIMEDOUT;
	}
	pthread_mutex_unlock(&fs->closing_lock);
}

void fs_closing_test_delay(const char *name)
{
#ifdef PYNQFS_TEST_HOOKS
	const char *env = getenv(name);
	long ms = env ? strtol(env, NULL, 10) : 0;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts))
		;
#else
	(void)name;
#endif
}
