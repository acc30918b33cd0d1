// SPDX-License-Identifier: MIT
/*
 * The sim card's device memory: each used bank a memfd as large as its
 * capacity, mapped shared (RAM only where buffers hold data; runners map
 * the same memory). Buffers are extents in it, 4 KiB aligned, placed
 * first-fit. Invariant: every byte not inside a buffer's size reads zero
 * (freed and shrunk ranges are zeroed or hole-punched), so growth needs
 * no clearing.
 */
#define _GNU_SOURCE
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Make [off, off+len) of the bank read zero, returning its pages. */
static void sim_zero(struct sim_bank *bk, uint64_t off, uint64_t len)
{
	uint64_t start = sim_round(off), end = (off + len) & ~(SIM_ALIGN - 1);

	if (end <= start) {
		memset(bk->mem + off, 0, len);
		return;
	}
	memset(bk->mem + off, 0, start - off);
	memset(bk->mem + end, 0, off + len - end);
	if (fallocate(bk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)start,
		      (off_t)(end - start)))
		memset(bk->mem + start, 0, end - start); /* no hole punching: still zero */
}

/* First gap of at least len bytes; the insertion index in *at. */
static int sim_find_gap(struct sim_bank *bk, uint64_t len, uint64_t *off, size_t *at)
{
	uint64_t prev_end = 0;

	for (size_t i = 0; i <= bk->nbos; i++) {
		uint64_t next = i < bk->nbos ? bk->bos[i]->off : bk->size;

		if (next - prev_end >= len) {
			*off = prev_end;
			*at = i;
			return 0;
		}
		if (i < bk->nbos)
			prev_end = bk->bos[i]->off + bk->bos[i]->cap;
	}
	return -ENOSPC;
}

int sim_bo_alloc(void *dd, size_t bank, uint64_t size, void **out)
{
	struct sim_design *sd = dd;
	struct sim_bank *bk;
	struct sim_bo *bo;
	uint64_t cap = sim_round(size), off;
	size_t at;
	int ret;

	if (bank >= sd->nbanks || sd->banks[bank].fd < 0)
		return -EINVAL;
	bk = &sd->banks[bank];
	if (cap < size)
		return -EFBIG;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	pthread_mutex_lock(&bk->lock);
	ret = sim_find_gap(bk, cap, &off, &at);
	if (!ret && bk->nbos == bk->cap) {
		size_t ncap = bk->cap ? bk->cap * 2 : 16;
		struct sim_bo **n = realloc(bk->bos, ncap * sizeof(*n));

		if (!n)
			ret = -ENOMEM;
		else
			bk->bos = n, bk->cap = ncap;
	}
	if (ret) {
		pthread_mutex_unlock(&bk->lock);
		free(bo);
		return ret;
	}
	memmove(&bk->bos[at + 1], &bk->bos[at], (bk->nbos - at) * sizeof(*bk->bos));
	bk->bos[at] = bo;
	bk->nbos++;
	bo->bank = bk;
	bo->off = off;
	bo->cap = cap;
	bo->size = size;
	pthread_mutex_unlock(&bk->lock);
	*out = bo;
	return 0;
}

static size_t sim_index(struct sim_bank *bk, const struct sim_bo *bo)
{
	size_t lo = 0, hi = bk->nbos;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (bk->bos[mid]->off < bo->off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int sim_bo_resize(void *b, uint64_t size)
{
	struct sim_bo *bo = b;
	struct sim_bank *bk = bo->bank;
	uint64_t cap = sim_round(size), limit;
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&bk->lock);
	if (size < bo->size) {
		/* Shrink: clear the dropped bytes, give back whole pages. */
		sim_zero(bk, bo->off + size, bo->cap - size);
		bo->cap = cap;
	} else if (cap > bo->cap) {
		i = sim_index(bk, bo);
		limit = i + 1 < bk->nbos ? bk->bos[i + 1]->off : bk->size;
		if (bo->off + cap <= limit)
			bo->cap = cap;
		else
			ret = -ENOSPC;
	}
	if (!ret)
		bo->size = size;
	pthread_mutex_unlock(&bk->lock);
	return ret;
}

void sim_bo_free(void *b)
{
	struct sim_bo *bo = b;
	struct sim_bank *bk = bo->bank;
	size_t i;

	pthread_mutex_lock(&bk->lock);
	i = sim_index(bk, bo);
	memmove(&bk->bos[i], &bk->bos[i + 1], (bk->nbos - i - 1) * sizeof(*bk->bos));
	bk->nbos--;
	sim_zero(bk, bo->off, bo->cap);
	pthread_mutex_unlock(&bk->lock);
	free(bo);
}

int sim_bo_write(void *b, uint64_t off, const void *src, size_t len)
{
	struct sim_bo *bo = b;

	memcpy(bo->bank->mem + bo->off + off, src, len);
	return 0;
}

int sim_bo_read(void *b, uint64_t off, size_t len, const void **ptr)
{
	struct sim_bo *bo = b;

	(void)len;
	*ptr = bo->bank->mem + bo->off + off;
	return 0;
}

uint64_t sim_bo_address(void *b)
{
	const struct sim_bo *bo = b;

	return bo->bank->base + bo->off;
}
