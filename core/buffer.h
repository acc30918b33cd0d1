/* SPDX-License-Identifier: MIT */
/*
 * A device buffer in a bank: PYNQ's pynq.allocate(..., target=bank).
 * Data moves only through write (sync_to_device of that range) and read
 * (sync_from_device of that range). `what` names the buffer in log lines.
 */
#ifndef PYNQFS_BUFFER_H
#define PYNQFS_BUFFER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "card.h"

struct pq_buffer {
	struct pq_card *card;
	size_t bank;
	pthread_rwlock_t lock; /* writers: resize; readers: data I/O and runs */
	unsigned refs;	       /* the file's, and each queued run's */
	uint64_t size;
	struct pq_bo *bo; /* NULL while size is 0 */
};

/*
 * An empty buffer in bank of the design of the given generation (-ENOENT
 * if that design is gone). It pins the card's design until freed.
 */
int pq_buffer_new(struct pq_card *card, size_t bank, uint64_t generation, const char *what,
		  struct pq_buffer **out);
/* References: a run holds one while queued; the last put frees the memory. */
void pq_buffer_get(struct pq_buffer *b);
void pq_buffer_put(struct pq_buffer *b);

/* -EFBIG beyond the bank's capacity, -ENOSPC when it doesn't fit. */
int pq_buffer_resize(struct pq_buffer *b, uint64_t size, const char *what);
uint64_t pq_buffer_size(struct pq_buffer *b);

/* Write len bytes at off, growing the buffer if needed. */
ssize_t pq_buffer_write(struct pq_buffer *b, uint64_t off, const void *src, size_t len,
			const char *what);

/*
 * Sync [off, off+len) from the device and point *ptr at it (*n bytes,
 * short at the end). Holds the buffer until pq_buffer_read_end().
 */
int pq_buffer_read_begin(struct pq_buffer *b, uint64_t off, size_t len, const void **ptr,
			 size_t *n);
void pq_buffer_read_end(struct pq_buffer *b);

/* Device address; -ENODATA while the buffer is empty. */
int pq_buffer_address(struct pq_buffer *b, uint64_t *addr);

#endif
