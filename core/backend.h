/* SPDX-License-Identifier: MIT */
/*
 * The backend interface: what a card's device can do, as an ops table
 * (like Linux's struct fpga_manager_ops). The core owns state and policy;
 * a backend only moves bytes and programs devices. Errors are negative
 * errno values: each backend maps its own codes in one place.
 */
#ifndef PYNQFS_BACKEND_H
#define PYNQFS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "xclbin.h"

struct pq_card;
struct pq_bo; /* a device buffer, backend-defined */

/* One argument of a run: a buffer for pointers, raw bits for scalars. */
struct pq_runarg {
	struct pq_bo *bo; /* NULL for scalars and streams */
	uint64_t bits;
};

struct pq_backend_ops {
	const char *name;
	/* Open the device; the backend keeps its state in card->priv. */
	int (*open)(struct pq_card *card);
	void (*close)(struct pq_card *card);
	/*
	 * Program a validated design. On success *dpriv is the backend's
	 * per-design state; on failure the previous design is untouched.
	 */
	int (*load)(struct pq_card *card, const struct pq_design *d, const void *img, size_t len,
		    void **dpriv);
	void (*unload)(struct pq_card *card, void *dpriv);
	/* size > 0; memory reads as zeros. -ENOSPC when the bank is full. */
	int (*bo_alloc)(struct pq_card *card, void *dpriv, size_t bank, uint64_t size,
			struct pq_bo **bo);
	/* Resize in place keeping contents; -ENOSPC if it can't be done in place. */
	int (*bo_resize)(struct pq_bo *bo, uint64_t size);
	void (*bo_free)(struct pq_bo *bo);
	/* Host bytes into device memory: sync_to_device of exactly this range. */
	int (*bo_write)(struct pq_bo *bo, uint64_t off, const void *src, size_t len);
	/* sync_from_device of exactly this range; *ptr then holds its bytes. */
	int (*bo_read)(struct pq_bo *bo, uint64_t off, size_t len, const void **ptr);
	uint64_t (*bo_address)(const struct pq_bo *bo);
	/* Bytes allocated in a bank (for statfs). */
	uint64_t (*bank_used)(void *dpriv, size_t bank);
	/*
	 * Run compute unit cu (an index into the design's cus) and return when
	 * it has finished: 0 with its duration in *us, -ETIMEDOUT past the
	 * card's run timeout, or another -errno with the reason in why.
	 */
	int (*run)(struct pq_card *card, void *dpriv, size_t cu, const struct pq_runarg *args,
		   size_t nargs, uint64_t *us, char *why, size_t whylen);
};

extern const struct pq_backend_ops pq_backend_sim;

#endif
