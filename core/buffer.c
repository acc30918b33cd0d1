// SPDX-License-Identifier: MIT
/* Device buffers: sizing, and data moved by exact-range syncs. */
#include "buffer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

int pq_buffer_new(struct pq_card *card, size_t bank, uint64_t generation, const char *what,
		  struct pq_buffer **out)
{
	struct pq_buffer *b;

	*out = NULL;
	pthread_mutex_lock(&card->lock);
	if (card->state != PQ_CARD_READY || !card->design || card->generation != generation ||
	    bank >= card->design->nbanks || !pq_bank_visible(&card->design->banks[bank])) {
		pthread_mutex_unlock(&card->lock);
		pq_log_add(&card->log, "%s: no such bank in the loaded design", what);
		return -ENOENT;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		pthread_mutex_unlock(&card->lock);
		return -ENOMEM;
	}
	card->nbuffers++;
	pthread_mutex_unlock(&card->lock);
	b->card = card;
	b->bank = bank;
	b->refs = 1;
	pthread_rwlock_init(&b->lock, NULL);
	*out = b;
	return 0;
}

void pq_buffer_get(struct pq_buffer *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

void pq_buffer_put(struct pq_buffer *b)
{
	struct pq_card *card;

	if (!b || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL))
		return;
	card = b->card;
	/* A read may still be replying from this memory: wait it out. */
	pthread_rwlock_wrlock(&b->lock);
	if (b->bo)
		card->ops->bo_free(b->bo);
	pthread_rwlock_unlock(&b->lock);
	pthread_rwlock_destroy(&b->lock);
	free(b);
	pthread_mutex_lock(&card->lock);
	card->nbuffers--;
	pthread_mutex_unlock(&card->lock);
}

/*
 * The design cannot change while a buffer exists (it pins it), so the
 * bank description is safe to read without the card lock.
 */
static const struct pq_bank *buf_bank(const struct pq_buffer *b)
{
	return &b->card->design->banks[b->bank];
}

static int buf_no_room(struct pq_buffer *b, uint64_t size, const char *what)
{
	const struct pq_bank *bk = buf_bank(b);
	uint64_t used = b->card->ops->bank_used(b->card->dpriv, b->bank);
	char cap[32], freeb[32];

	char want[32];

	pq_size_human(bk->size, cap, sizeof(cap));
	pq_size_human(bk->size - used, freeb, sizeof(freeb));
	pq_size_human(size, want, sizeof(want));
	pq_log_add(&b->card->log,
		   "%s: no room for %s in %s: %s of %s free (free other buffers, or use another "
		   "bank)",
		   what, want, bk->name, freeb, cap);
	return -ENOSPC;
}

/* Called with b->lock held for writing. */
static int buf_resize_locked(struct pq_buffer *b, uint64_t size, const char *what)
{
	const struct pq_backend_ops *ops = b->card->ops;
	struct pq_bo *nbo;
	const void *src;
	int ret;

	if (size == b->size)
		return 0;
	if (size > buf_bank(b)->size) {
		char cap[32];

		pq_size_human(buf_bank(b)->size, cap, sizeof(cap));
		pq_log_add(&b->card->log, "%s: %llu bytes is more than all of %s (%s)", what,
			   (unsigned long long)size, buf_bank(b)->name, cap);
		return -EFBIG;
	}
	if (size == 0) {
		ops->bo_free(b->bo);
		b->bo = NULL;
		b->size = 0;
		return 0;
	}
	if (!b->bo) {
		ret = ops->bo_alloc(b->card, b->card->dpriv, b->bank, size, &b->bo);
		goto done;
	}
	ret = ops->bo_resize(b->bo, size);
	if (ret != -ENOSPC)
		goto done;
	/* Not in place: a new buffer, the old contents copied over, like realloc. */
	ret = ops->bo_alloc(b->card, b->card->dpriv, b->bank, size, &nbo);
	if (ret)
		goto done;
	ret = ops->bo_read(b->bo, 0, b->size, &src);
	if (!ret)
		ret = ops->bo_write(nbo, 0, src, b->size);
	if (ret) {
		ops->bo_free(nbo);
		goto done;
	}
	ops->bo_free(b->bo);
	b->bo = nbo;
done:
	if (ret == -ENOSPC)
		return buf_no_room(b, size, what);
	if (ret) {
		pq_log_add(&b->card->log, "%s: resizing to %llu bytes failed: %s", what,
			   (unsigned long long)size, strerror(-ret));
		return ret;
	}
	b->size = size;
	return 0;
}

int pq_buffer_resize(struct pq_buffer *b, uint64_t size, const char *what)
{
	int ret;

	pthread_rwlock_wrlock(&b->lock);
	ret = buf_resize_locked(b, size, what);
	pthread_rwlock_unlock(&b->lock);
	return ret;
}

uint64_t pq_buffer_size(struct pq_buffer *b)
{
	uint64_t size;

	pthread_rwlock_rdlock(&b->lock);
	size = b->size;
	pthread_rwlock_unlock(&b->lock);
	return size;
}

ssize_t pq_buffer_write(struct pq_buffer *b, uint64_t off, const void *src, size_t len,
			const char *what)
{
	int ret;

	if (len == 0)
		return 0;
	if (off + len < off || off + len > buf_bank(b)->size) {
		char cap[32];

		pq_size_human(buf_bank(b)->size, cap, sizeof(cap));
		pq_log_add(&b->card->log, "%s: writing up to byte %llu goes past all of %s (%s)",
			   what, (unsigned long long)off + len, buf_bank(b)->name, cap);
		return -EFBIG;
	}
	pthread_rwlock_rdlock(&b->lock);
	/* Grow under the write lock; re-check, since another writer may race us. */
	while (off + len > b->size) {
		pthread_rwlock_unlock(&b->lock);
		pthread_rwlock_wrlock(&b->lock);
		ret = off + len > b->size ? buf_resize_locked(b, off + len, what) : 0;
		pthread_rwlock_unlock(&b->lock);
		if (ret)
			return ret;
		pthread_rwlock_rdlock(&b->lock);
	}
	ret = b->card->ops->bo_write(b->bo, off, src, len);
	pthread_rwlock_unlock(&b->lock);
	if (ret) {
		pq_log_add(&b->card->log, "%s: sync to device failed: %s", what, strerror(-ret));
		return ret;
	}
	return (ssize_t)len;
}

int pq_buffer_read_begin(struct pq_buffer *b, uint64_t off, size_t len, const void **ptr, size_t *n)
{
	int ret;

	pthread_rwlock_rdlock(&b->lock);
	*ptr = NULL;
	*n = 0;
	if (off >= b->size || len == 0)
		return 0;
	*n = len < b->size - off ? len : (size_t)(b->size - off);
	ret = b->card->ops->bo_read(b->bo, off, *n, ptr);
	if (ret) {
		pthread_rwlock_unlock(&b->lock);
		pq_log_add(&b->card->log, "sync from device failed: %s", strerror(-ret));
	}
	return ret;
}

void pq_buffer_read_end(struct pq_buffer *b)
{
	pthread_rwlock_unlock(&b->lock);
}

int pq_buffer_address(struct pq_buffer *b, uint64_t *addr)
{
	int ret = -ENODATA;

	pthread_rwlock_rdlock(&b->lock);
	if (b->bo) {
		*addr = b->card->ops->bo_address(b->bo);
		ret = 0;
	}
	pthread_rwlock_unlock(&b->lock);
	return ret;
}
