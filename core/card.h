/* SPDX-License-Identifier: MIT */
/*
 * A card: its backend, the loaded design, and the state machine
 * empty -> programming -> ready (or error), as SPEC §3 describes.
 */
#ifndef PYNQFS_CARD_H
#define PYNQFS_CARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend.h"
#include "log.h"
#include "xclbin.h"

struct pq_cu_rt;

enum pq_card_state {
	PQ_CARD_EMPTY,
	PQ_CARD_PROGRAMMING,
	PQ_CARD_READY,
	PQ_CARD_ERROR,
};

struct pq_card {
	unsigned index;
	char *name; /* the shell */
	const struct pq_backend_ops *ops;
	void *priv; /* the backend's */
	bool any_shell;
	uid_t uid;
	gid_t gid;
	mode_t mode;	    /* of the card directory */
	char **kernel_path; /* sim: where K.so is looked for (borrowed) */
	size_t nkernel_path;
	unsigned run_timeout_ms;
	struct pq_log log;

	pthread_mutex_t lock; /* all below */
	enum pq_card_state state;
	struct pq_design *design; /* NULL when empty */
	void *dpriv;
	uint8_t *image;
	size_t image_len;
	unsigned nbuffers;    /* live buffers, which pin the design */
	struct pq_cu_rt *cus; /* the design's compute units at run time */
	size_t ncus;
	uint64_t generation; /* bumped by every load and free */
};

int pq_card_init(struct pq_card *card, unsigned index, const char *name,
		 const struct pq_backend_ops *ops, size_t log_lines);
void pq_card_destroy(struct pq_card *card);

const char *pq_card_state_name(enum pq_card_state s);

/*
 * Program an xclbin image (SPEC §3). -EINVAL malformed or wrong shell,
 * -EBUSY buffers exist, -EIO the device refused. Each error is logged.
 */
int pq_card_program(struct pq_card *card, const uint8_t *img, size_t len);

/* Free the design (PYNQ's Overlay.free()). -EBUSY while buffers exist or runs are pending. */
int pq_card_free(struct pq_card *card);

#endif
