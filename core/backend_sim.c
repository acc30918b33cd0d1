// SPDX-License-Identifier: MIT
/*
 * The simulated card. Each used bank is a memfd as large as the bank's
 * capacity, mapped shared: it costs RAM only where buffers hold data, and
 * kernel runners (other processes) can map the same device memory.
 * Buffers are extents in it, 4 KiB aligned, placed first-fit. Invariant:
 * every byte not inside a buffer's size reads zero (freed and shrunk
 * ranges are zeroed or hole-punched), so growth needs no clearing.
 */
#define _GNU_SOURCE
#include "backend.h"
#include "card.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIM_ALIGN 4096ull

struct sim_bank;

struct pq_bo {
	struct sim_bank *bank;
	uint64_t off; /* in the bank */
	uint64_t cap; /* reserved bytes, SIM_ALIGN multiple */
	uint64_t size;
};

struct sim_bank {
	pthread_mutex_t lock;
	int fd;
	uint8_t *mem;
	uint64_t size, base, used;
	struct pq_bo **bos; /* sorted by offset */
	size_t nbos, cap;
};

struct sim_design {
	struct sim_bank *banks; /* indexed like design->banks; fd -1 if not a bank */
	size_t nbanks;
};

static uint64_t sim_round(uint64_t v)
{
	return (v + SIM_ALIGN - 1) & ~(SIM_ALIGN - 1);
}

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

static int sim_open(struct pq_card *card)
{
	card->priv = NULL;
	return 0;
}

static void sim_close(struct pq_card *card)
{
	(void)card;
}

static void sim_bank_fini(struct sim_bank *bk)
{
	if (bk->mem)
		munmap(bk->mem, bk->size);
	if (bk->fd >= 0)
		close(bk->fd);
	free(bk->bos);
	pthread_mutex_destroy(&bk->lock);
}

static void sim_unload(struct pq_card *card, void *dpriv)
{
	struct sim_design *sd = dpriv;

	(void)card;
	if (!sd)
		return;
	for (size_t i = 0; i < sd->nbanks; i++)
		sim_bank_fini(&sd->banks[i]);
	free(sd->banks);
	free(sd);
}

static int sim_load(struct pq_card *card, const struct pq_design *d, const void *img, size_t len,
		    void **dpriv)
{
	struct sim_design *sd = calloc(1, sizeof(*sd));
	int ret = 0;

	(void)img;
	(void)len;
	if (!sd)
		return -ENOMEM;
	sd->banks = calloc(d->nbanks ? d->nbanks : 1, sizeof(*sd->banks));
	if (!sd->banks) {
		free(sd);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->nbanks; i++) {
		struct sim_bank *bk = &sd->banks[i];
		char name[64];

		pthread_mutex_init(&bk->lock, NULL);
		bk->fd = -1;
		sd->nbanks++;
		if (!pq_bank_visible(&d->banks[i]) || d->banks[i].size == 0)
			continue;
		bk->size = d->banks[i].size;
		bk->base = d->banks[i].base;
		snprintf(name, sizeof(name), "pynqfs-card%u-%s", card->index, d->banks[i].name);
		bk->fd = memfd_create(name, MFD_CLOEXEC);
		if (bk->fd < 0 || ftruncate(bk->fd, (off_t)bk->size)) {
			ret = -errno;
			break;
		}
		bk->mem = mmap(NULL, bk->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			       bk->fd, 0);
		if (bk->mem == MAP_FAILED) {
			bk->mem = NULL;
			ret = -errno;
			break;
		}
	}
	if (ret) {
		sim_unload(card, sd);
		return ret;
	}
	*dpriv = sd;
	return 0;
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

static int sim_bo_alloc(struct pq_card *card, void *dpriv, size_t bank, uint64_t size,
			struct pq_bo **out)
{
	struct sim_design *sd = dpriv;
	struct sim_bank *bk;
	struct pq_bo *bo;
	uint64_t cap = sim_round(size), off;
	size_t at;
	int ret;

	(void)card;
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
		struct pq_bo **n = realloc(bk->bos, ncap * sizeof(*n));

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
	bk->used += cap;
	bo->bank = bk;
	bo->off = off;
	bo->cap = cap;
	bo->size = size;
	pthread_mutex_unlock(&bk->lock);
	*out = bo;
	return 0;
}

static size_t sim_index(struct sim_bank *bk, const struct pq_bo *bo)
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

static int sim_bo_resize(struct pq_bo *bo, uint64_t size)
{
	struct sim_bank *bk = bo->bank;
	uint64_t cap = sim_round(size), limit;
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&bk->lock);
	if (size < bo->size) {
		/* Shrink: clear the dropped bytes, give back whole pages. */
		sim_zero(bk, bo->off + size, bo->cap - size);
		bk->used -= bo->cap - cap;
		bo->cap = cap;
	} else if (cap > bo->cap) {
		i = sim_index(bk, bo);
		limit = i + 1 < bk->nbos ? bk->bos[i + 1]->off : bk->size;
		if (bo->off + cap <= limit) {
			bk->used += cap - bo->cap;
			bo->cap = cap;
		} else {
			ret = -ENOSPC;
		}
	}
	if (!ret)
		bo->size = size;
	pthread_mutex_unlock(&bk->lock);
	return ret;
}

static void sim_bo_free(struct pq_bo *bo)
{
	struct sim_bank *bk = bo->bank;
	size_t i;

	pthread_mutex_lock(&bk->lock);
	i = sim_index(bk, bo);
	memmove(&bk->bos[i], &bk->bos[i + 1], (bk->nbos - i - 1) * sizeof(*bk->bos));
	bk->nbos--;
	bk->used -= bo->cap;
	sim_zero(bk, bo->off, bo->cap);
	pthread_mutex_unlock(&bk->lock);
	free(bo);
}

static int sim_bo_write(struct pq_bo *bo, uint64_t off, const void *src, size_t len)
{
	memcpy(bo->bank->mem + bo->off + off, src, len);
	return 0;
}

static int sim_bo_read(struct pq_bo *bo, uint64_t off, size_t len, const void **ptr)
{
	(void)len;
	*ptr = bo->bank->mem + bo->off + off;
	return 0;
}

static uint64_t sim_bo_address(const struct pq_bo *bo)
{
	return bo->bank->base + bo->off;
}

static uint64_t sim_bank_used(void *dpriv, size_t bank)
{
	struct sim_design *sd = dpriv;
	uint64_t used;

	if (!sd || bank >= sd->nbanks)
		return 0;
	pthread_mutex_lock(&sd->banks[bank].lock);
	used = sd->banks[bank].used;
	pthread_mutex_unlock(&sd->banks[bank].lock);
	return used;
}

const struct pq_backend_ops pq_backend_sim = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.load = sim_load,
	.unload = sim_unload,
	.bo_alloc = sim_bo_alloc,
	.bo_resize = sim_bo_resize,
	.bo_free = sim_bo_free,
	.bo_write = sim_bo_write,
	.bo_read = sim_bo_read,
	.bo_address = sim_bo_address,
	.bank_used = sim_bank_used,
};
