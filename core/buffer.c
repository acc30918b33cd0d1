// SPDX-License-Identifier: MIT
/* Device buffers: sizing against the bank's capacity, and exact-range syncs. */
#include "card_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

#define BUF_AHEAD (64ull << 20) /* the most room a growing buffer is given ahead */

int pq_buffer_new(struct pq_card *card, uint64_t generation, size_t bank, const char *what,
		  struct pq_buffer **out)
{
	struct pq_loaded *ld = pq_ld_get(card, generation);
	struct pq_buffer *b;
	int ret = -ENOENT;

	*out = NULL;
	if (!ld || bank >= ld->design->nbanks || !pq_bank_visible(&ld->design->banks[bank])) {
		pq_log_add(&card->log, "%s: no such bank in the loaded design", what);
		goto out;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		ret = -ENOMEM;
		goto out;
	}
	b->ld = ld;
	b->bank = bank;
	b->refs = 1;
	pthread_rwlock_init(&b->lock, NULL);
	pthread_mutex_lock(&card->lock);
	/* A load or free that got past its EBUSY check before we counted. */
	if (card->cur != ld || card->state != PQ_CARD_READY) {
		pthread_mutex_unlock(&card->lock);
		pthread_rwlock_destroy(&b->lock);
		free(b);
		pq_log_add(&card->log, "%s: the card is being programmed (try again)", what);
		ret = -EBUSY;
		goto out;
	}
	card->nbuffers++;
	b->next = card->buffers;
	if (b->next)
		b->next->prev = b;
	card->buffers = b;
	pthread_mutex_unlock(&card->lock);
	*out = b;
	ret = 0;
out:
	pq_ld_put(ld);
	return ret;
}

void pq_buffer_get(struct pq_buffer *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

/* A reference unless the last one is already gone (kref_get_unless_zero). */
static bool buf_get_unless_zero(struct pq_buffer *b)
{
	unsigned r = __atomic_load_n(&b->refs, __ATOMIC_RELAXED);

	while (r) {
		if (__atomic_compare_exchange_n(&b->refs, &r, r + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	}
	return false;
}

void pq_buffer_put(struct pq_buffer *b)
{
	struct pq_card *card;

	if (!b || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL))
		return;
	card = b->ld->card;
	pthread_mutex_lock(&card->lock);
	if (b->prev)
		b->prev->next = b->next;
	else
		card->buffers = b->next;
	if (b->next)
		b->next->prev = b->prev;
	pthread_mutex_unlock(&card->lock);
	/* A read may still be replying from this memory: wait it out. */
	pthread_rwlock_wrlock(&b->lock);
	if (b->bo) {
		card->ops->bo_free(b->bo);
		pq_bank_reserve(b->ld, b->bank, b->cap, 0);
	}
	pthread_rwlock_unlock(&b->lock);
	pthread_rwlock_destroy(&b->lock);
	pthread_mutex_lock(&card->lock);
	card->nbuffers--;
	pthread_mutex_unlock(&card->lock);
	free(b);
}

struct pq_card *pq_buffer_card(const struct pq_buffer *b)
{
	return b->ld->card;
}

const char *pq_buffer_bank_name(const struct pq_buffer *b)
{
	return b->ld->design->banks[b->bank].name;
}

struct pq_buffer *pq_buffer_at(struct pq_card *card, struct pq_loaded *ld, uint64_t addr)
{
	struct pq_buffer *hit = NULL;
	uint64_t a;

	pthread_mutex_lock(&card->lock);
	for (struct pq_buffer *b = card->buffers; b && !hit; b = b->next) {
		if (b->ld == ld && !pq_buffer_address(b, &a) && a == addr && buf_get_unless_zero(b))
			hit = b;
	}
	pthread_mutex_unlock(&card->lock);
	return hit;
}

/* The design is pinned while a buffer exists: its banks are safe to read. */
static const struct pq_bank *buf_bank(const struct pq_buffer *b)
{
	return &b->ld->design->banks[b->bank];
}

static int buf_no_room(struct pq_buffer *b, uint64_t size, const char *what)
{
	const struct pq_bank *bk = buf_bank(b);
	uint64_t used;
	char cap[32], freeb[32], want[32];

	pthread_mutex_lock(&b->ld->bank_lock);
	used = b->ld->bank_used[b->bank];
	pthread_mutex_unlock(&b->ld->bank_lock);
	pq_size_human(bk->size, cap, sizeof(cap));
	pq_size_human(bk->size - used, freeb, sizeof(freeb));
	pq_size_human(size, want, sizeof(want));
	pq_log_add(&b->ld->card->log,
		   "%s: no room for %s in %s: %s of %s free (free other buffers, or use another "
		   "bank)",
		   what, want, bk->name, freeb, cap);
	return -ENOSPC;
}

/* Device memory of the new size, the contents kept; b->lock held for writing. */
static int buf_move(struct pq_buffer *b, uint64_t size)
{
	const struct pq_backend_ops *ops = b->ld->card->ops;
	const void *src;
	void *nbo;
	int ret;

	if (!b->bo)
		return ops->bo_alloc(b->ld->dd, b->bank, size, &b->bo);
	ret = pq_bk_bo_resize(ops, b->bo, size);
	if (ret != -ENOSPC && ret != -EOPNOTSUPP)
		return ret;
	/* Not in place: a new buffer, the old contents copied over, like realloc. */
	ret = ops->bo_alloc(b->ld->dd, b->bank, size, &nbo);
	if (ret)
		return ret;
	ret = ops->bo_read(b->bo, 0, b->size < size ? b->size : size, &src);
	if (!ret)
		ret = ops->bo_write(nbo, 0, src, b->size < size ? b->size : size);
	if (ret) {
		ops->bo_free(nbo);
		return ret;
	}
	ops->bo_free(b->bo);
	b->bo = nbo;
	return 0;
}

/* Zeros over [from, to) of the device memory; b->lock held for writing. */
static int buf_zero(struct pq_buffer *b, uint64_t from, uint64_t to);

/*
 * Room ahead for a buffer growing by writes, so that appends seldom move
 * it: as much again as it holds, at most 64 MiB and at most a sixteenth
 * of what the bank has free, so that room held by an open file makes
 * another buffer's growth fail only when that needs nearly all the bank
 * has left.
 */
static uint64_t buf_ahead(struct pq_buffer *b)
{
	uint64_t ahead = b->size < BUF_AHEAD ? b->size : BUF_AHEAD, free;

	pthread_mutex_lock(&b->ld->bank_lock);
	free = buf_bank(b)->size - b->ld->bank_used[b->bank];
	pthread_mutex_unlock(&b->ld->bank_lock);
	return ahead < free / 16 ? ahead : free / 16;
}

/*
 * Grow to size with memory for room: -ENOSPC with nothing changed when the
 * bank has no such room; else 0, or a device error (the buffer is then of
 * the new size, its tail not cleared).
 */
static int buf_resize_room(struct pq_buffer *b, uint64_t size, uint64_t room, uint64_t data_from)
{
	uint64_t old = b->size, held = b->cap;
	int ret;

	if (room > buf_bank(b)->size || pq_bank_reserve(b->ld, b->bank, held, room))
		return -ENOSPC;
	ret = buf_move(b, room);
	if (ret) {
		pq_bank_reserve(b->ld, b->bank, room, held);
		return ret;
	}
	/* Grown in place past kept memory: what the old contents left there goes. */
	if (held > old) {
		uint64_t end = held < data_from ? held : data_from;

		ret = buf_zero(b, old, end < size ? end : size);
	}
	b->size = size;
	b->cap = room;
	return ret;
}

static int buf_zero(struct pq_buffer *b, uint64_t from, uint64_t to)
{
	static const char zeros[64 * 1024];
	int ret = 0;

	while (!ret && from < to) {
		size_t n = to - from < sizeof(zeros) ? (size_t)(to - from) : sizeof(zeros);

		ret = b->ld->card->ops->bo_write(b->bo, from, zeros, n);
		from += n;
	}
	return ret;
}

/*
 * Size the buffer; the caller will write [data_from, size) itself, so only
 * what lies before that must read as zeros. Device memory for up to room
 * bytes (>= size) is taken if the bank has it, so that a buffer growing
 * write after write moves O(log n) times, not n. Called with b->lock held
 * for writing.
 */
static int buf_resize_locked(struct pq_buffer *b, uint64_t size, uint64_t room, uint64_t data_from,
			     const char *what)
{
	struct pq_card *card = b->ld->card;
	int ret;

	if (size == b->size && size == b->cap)
		return 0;
	/* Moved or shrunk under a kernel that may still write it: refused. */
	if (__atomic_load_n(&b->held, __ATOMIC_ACQUIRE) &&
	    !(b->bo && size > b->size && size <= b->cap)) {
		pq_log_add(&card->log,
			   "%s: a run that timed out may still be writing it: it can't be "
			   "resized until that run ends (the CU's log line says when)",
			   what);
		return -EBUSY;
	}
	if (size > buf_bank(b)->size) {
		char cap[32];

		pq_size_human(buf_bank(b)->size, cap, sizeof(cap));
		pq_log_add(&card->log, "%s: %llu bytes is more than all of %s (%s)", what,
			   (unsigned long long)size, buf_bank(b)->name, cap);
		return -EFBIG;
	}
	/* Growing into memory kept by an O_TRUNC open: no allocation, no copy. */
	if (b->bo && size > b->size && size <= b->cap) {
		ret = buf_zero(b, b->size, data_from < size ? data_from : size);
		if (ret) {
			pq_log_add(&card->log, "%s: sync to device failed: %s", what,
				   strerror(-ret));
			return ret;
		}
		b->size = size;
		return 0;
	}
	if (size == 0) {
		card->ops->bo_free(b->bo);
		pq_bank_reserve(b->ld, b->bank, b->cap, 0);
		b->bo = NULL;
		b->size = b->cap = 0;
		return 0;
	}
	if (room > size) {
		ret = buf_resize_room(b, size, room, data_from);
		if (ret && ret != -ENOSPC)
			pq_log_add(&card->log, "%s: growing to %llu bytes failed: %s", what,
				   (unsigned long long)size, strerror(-ret));
		if (ret != -ENOSPC)
			return ret;
	}
	/* Capacity is core's to count, whatever the backend would allow. */
	ret = pq_bank_reserve(b->ld, b->bank, b->cap, size);
	if (ret)
		return buf_no_room(b, size, what);
	ret = buf_move(b, size);
	/* Grown in place past kept memory: what the old contents left there goes. */
	if (!ret && b->cap > b->size && size > b->size) {
		uint64_t end = b->cap < data_from ? b->cap : data_from;

		ret = buf_zero(b, b->size, end < size ? end : size);
	}
	if (ret) {
		pq_bank_reserve(b->ld, b->bank, size, b->cap);
		if (ret == -ENOSPC)
			return buf_no_room(b, size, what);
		pq_log_add(&card->log, "%s: resizing to %llu bytes failed: %s", what,
			   (unsigned long long)size, strerror(-ret));
		return ret;
	}
	b->size = b->cap = size;
	return 0;
}

int pq_buffer_resize(struct pq_buffer *b, uint64_t size, const char *what)
{
	int ret;

	pthread_rwlock_wrlock(&b->lock);
	ret = buf_resize_locked(b, size, size, size, what);
	pthread_rwlock_unlock(&b->lock);
	return ret;
}

void pq_buffer_truncate_keep(struct pq_buffer *b)
{
	pthread_rwlock_wrlock(&b->lock);
	b->size = 0;
	pthread_rwlock_unlock(&b->lock);
}

int pq_buffer_trim(struct pq_buffer *b, const char *what)
{
	int ret = 0;

	/* Never wait for a run that reads it: the room stays until next time. */
	if (pthread_rwlock_trywrlock(&b->lock))
		return -EBUSY;
	if (b->cap > b->size) {
		uint64_t size = b->size;

		/* Resized from a cap of size + 1: exact again, contents kept. */
		b->size = b->cap;
		ret = buf_resize_locked(b, size, size, size, what);
		if (ret)
			b->size = size; /* the room stays held and counted */
	}
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
	struct pq_card *card = b->ld->card;
	int ret;

	if (len == 0)
		return 0;
	if (off + len < off || off + len > buf_bank(b)->size) {
		char cap[32];

		pq_size_human(buf_bank(b)->size, cap, sizeof(cap));
		pq_log_add(&card->log, "%s: writing up to byte %llu goes past all of %s (%s)", what,
			   (unsigned long long)off + len, buf_bank(b)->name, cap);
		return -EFBIG;
	}
	pthread_rwlock_rdlock(&b->lock);
	/* Grow under the write lock; re-check, since another writer may race us. */
	while (off + len > b->size) {
		pthread_rwlock_unlock(&b->lock);
		pthread_rwlock_wrlock(&b->lock);
		ret = off + len > b->size
			      ? buf_resize_locked(b, off + len, off + len + buf_ahead(b), off, what)
			      : 0;
		pthread_rwlock_unlock(&b->lock);
		if (ret)
			return ret;
		pthread_rwlock_rdlock(&b->lock);
	}
	ret = card->ops->bo_write(b->bo, off, src, len);
	pthread_rwlock_unlock(&b->lock);
	if (ret) {
		pq_log_add(&card->log, "%s: sync to device failed: %s", what, strerror(-ret));
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
	ret = b->ld->card->ops->bo_read(b->bo, off, *n, ptr);
	if (ret) {
		pthread_rwlock_unlock(&b->lock);
		pq_log_add(&b->ld->card->log, "sync from device failed: %s", strerror(-ret));
	}
	return ret;
}

void pq_buffer_read_end(struct pq_buffer *b)
{
	pthread_rwlock_unlock(&b->lock);
}

void pq_buffer_set_tag(struct pq_buffer *b, void *tag)
{
	b->tag = tag;
}

void *pq_buffer_tag(const struct pq_buffer *b)
{
	return b->tag;
}

int pq_buffer_address(struct pq_buffer *b, uint64_t *addr)
{
	int ret = -ENODATA;

	pthread_rwlock_rdlock(&b->lock);
	if (b->bo && b->size) {
		*addr = b->ld->card->ops->bo_address(b->bo);
		ret = 0;
	}
	pthread_rwlock_unlock(&b->lock);
	return ret;
}
