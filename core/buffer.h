/* SPDX-License-Identifier: MIT */
/*
 * A device buffer in a bank: PYNQ's pynq.allocate(..., target=bank).
 * Data moves only through write (sync_to_device of that range) and read
 * (sync_from_device of that range). `what` names the buffer in log lines.
 * struct pq_buffer is opaque outside core/; a buffer pins its card's
 * design (no load or free while one exists) until its last reference goes.
 */
#ifndef PYNQFS_BUFFER_H
#define PYNQFS_BUFFER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "card.h"

/* An empty buffer in bank of the design of that generation (-ENOENT if gone). */
int pq_buffer_new(struct pq_card *card, uint64_t generation, size_t bank, const char *what,
		  struct pq_buffer **out);
/* References: the file's, each queued run's; the last put frees the memory. */
void pq_buffer_get(struct pq_buffer *b);
void pq_buffer_put(struct pq_buffer *b);

struct pq_card *pq_buffer_card(const struct pq_buffer *b);
/* The bank's directory name, fixed for the buffer's life. */
const char *pq_buffer_bank_name(const struct pq_buffer *b);

/* -EFBIG beyond the bank's capacity, -ENOSPC when it doesn't fit. */
int pq_buffer_resize(struct pq_buffer *b, uint64_t size, const char *what);
/*
 * Size 0, keeping the device memory (and its count in the bank) for the
 * contents about to be written again: `cp` over a buffer, which opens it
 * with O_TRUNC, then neither frees nor copies. pq_buffer_trim() gives back
 * what the new contents don't use; while a run uses the buffer it gives
 * back nothing (-EBUSY) rather than wait.
 */
void pq_buffer_truncate_keep(struct pq_buffer *b);
int pq_buffer_trim(struct pq_buffer *b, const char *what);
uint64_t pq_buffer_size(struct pq_buffer *b);

/* Write len bytes at off, growing the buffer if needed. */
ssize_t pq_buffer_write(struct pq_buffer *b, uint64_t off, const void *src, size_t len,
			const char *what);

/*
 * Sync [off, off+len) from the device and point *ptr at it (*n bytes,
 * short at the end). The buffer's data lock is held, read side, until
 * pq_buffer_read_end(): the caller copies the bytes out meanwhile.
 */
int pq_buffer_read_begin(struct pq_buffer *b, uint64_t off, size_t len, const void **ptr,
			 size_t *n);
void pq_buffer_read_end(struct pq_buffer *b);

/*
 * The filesystem's pointer for b (its file), for the access check of a
 * start: set, cleared and read only under the filesystem's own lock.
 */
void pq_buffer_set_tag(struct pq_buffer *b, void *tag);
void *pq_buffer_tag(const struct pq_buffer *b);

/*
 * Args bind buffers, not names (SPEC §5). The filesystem says when a
 * buffer loses its name (removed: every arg bound to it is unset, and a
 * start says so) and when it gets a new one (renamed: `args` shows it).
 * Both are called with the filesystem's own lock held, before it drops
 * its reference to the buffer.
 */
void pq_buffer_removed(struct pq_buffer *b);
int pq_buffer_renamed(struct pq_buffer *b, const char *path);

/* Device address; -ENODATA while the buffer is empty. */
int pq_buffer_address(struct pq_buffer *b, uint64_t *addr);

#endif
