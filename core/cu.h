/* SPDX-License-Identifier: MIT */
/*
 * Compute units at run time: the args binding, a queue of runs served one
 * at a time by the CU's worker thread (as hardware does), states, stats,
 * and the CU's control registers.
 */
#ifndef PYNQFS_CU_H
#define PYNQFS_CU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "backend.h"
#include "buffer.h"

enum pq_run_state {
	PQ_RUN_IDLE,
	PQ_RUN_QUEUED,
	PQ_RUN_RUNNING,
	PQ_RUN_DONE,
	PQ_RUN_ERROR,
	PQ_RUN_TIMEOUT,
};

/* One arg's binding, as `args` shows it. */
struct pq_binding {
	bool set;
	uint64_t bits; /* scalars */
	char *path;    /* buffers: card-relative path */
};

struct pq_run;

struct pq_cu_rt {
	struct pq_card *card;
	void *dpriv;  /* the backend's state for this design */
	size_t index; /* in design->cus */
	const struct pq_cu *cu;
	const struct pq_kernel *k;
	struct pq_ctype *types; /* per arg */
	char **type_err;	/* per arg: why the sim can't pass it, or NULL */

	pthread_mutex_t lock; /* all below */
	pthread_cond_t cond;
	struct pq_binding *bound;
	struct pq_run *head, *tail;
	bool running, stop;
	uint64_t started, finished; /* run sequence numbers */
	enum pq_run_state state;
	char last[300]; /* "done 12" or "error <reason>" */
	uint64_t ndone, nerrors, ntimeouts, last_us, total_us;
	bool done_unread; /* AP_DONE, cleared on read */
	uint32_t *regs;	  /* shadow of the control space */
	size_t reg_bytes;
	pthread_t worker;
	bool has_worker;
};

/*
 * Called by a worker after each run, in order, without locks held: run
 * seq ended ok or not, with its result line ("done 12", "error ...").
 */
typedef void (*pq_cu_notify_fn)(struct pq_cu_rt *cu, uint64_t seq, bool ok, const char *line);
extern pq_cu_notify_fn pq_cu_notify;

/* The runtime of every CU of design d, about to be the card's. */
int pq_cus_create(struct pq_card *card, const struct pq_design *d, void *dpriv,
		  struct pq_cu_rt **out);
/* Stop workers and free; no run may be pending. */
void pq_cus_destroy(struct pq_cu_rt *cus, size_t n);
bool pq_cus_busy(struct pq_cu_rt *cus, size_t n);

const char *pq_run_state_name(enum pq_run_state s);

/*
 * Queue a run of the CU with one value per arg: bits for scalars, or a
 * buffer (bufs[i], whose reference the run takes over and drops when it
 * ends). The buffers' device memory is looked up when the run starts.
 * *seq is the run's number. Both arrays are taken over.
 */
int pq_cu_start(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs, uint64_t *seq);

/* Runs started and not yet finished. */
uint64_t pq_cu_pending(struct pq_cu_rt *cu);

/* Register window (SPEC §5): offsets and lengths are multiples of 4. */
int pq_cu_reg_read(struct pq_cu_rt *cu, uint64_t off, void *buf, size_t len);
/* Stores the words; *start is set when AP_START was written at offset 0. */
int pq_cu_reg_write(struct pq_cu_rt *cu, uint64_t off, const void *buf, size_t len, bool *start);
/* The arg registers' contents as bits (pointers: the device address). */
uint64_t pq_cu_reg_arg(struct pq_cu_rt *cu, size_t arg);

#endif
