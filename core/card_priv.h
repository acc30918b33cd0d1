/* SPDX-License-Identifier: MIT */
/*
 * Core's own view of a card: the structs behind the handles of card.h,
 * buffer.h and cu.h. Only core/ includes this file.
 *
 * LOCKING. Take locks in this order, never the reverse:
 *
 *   1. fs/'s tree lock     fs may call core holding it; core takes it only
 *                          through the resolver and the access check,
 *                          called with no core lock.
 *   1a. card->load_lock    a load or free of the card's design, end to end
 *                          (never with the tree lock: fs.h).
 *   2. card->lock          state, cur, generation, nbuffers, buffers list,
 *                          summary; cur->refs.
 *   3. cu->lock            one CU's queue, bindings, counters, registers
 *                          and waiters. Never two CUs' at once.
 *   3a. after->lock        what a run started with after= still waits for
 *                          (start.c); nothing is taken under it.
 *   4. buffer->lock        rwlock: size and device memory of one buffer.
 *                          Write side: resize, free. Read side: data I/O
 *                          and runs. Several buffers: in arg order, each
 *                          once, read side only.
 *   5. ld->bank_lock       bytes allocated per bank.
 *   6. the backend's own locks, then a log's lock (leaves).
 *
 * What a design is made of (struct pq_loaded) is immutable while it is
 * loaded. Callers reach it through cur under card->lock and a reference
 * (ld_get/ld_put); a load or free detaches it, waits for references to
 * drain, and only then frees it. Buffers and queued runs need no reference:
 * while any exists, a load or free is refused (EBUSY).
 *
 * No core lock is held while a done callback runs, so the filesystem may
 * reply from it. One exception, on purpose: a buffer read holds that
 * buffer's lock (read side) while the filesystem replies with the bytes,
 * so that the reply copies straight from device memory (one copy, not
 * two) and the memory can't be freed or moved meanwhile.
 */
#ifndef PYNQFS_CARD_PRIV_H
#define PYNQFS_CARD_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "backend.h"
#include "buffer.h"
#include "card.h"
#include "cu.h"
#include "log.h"
#include "xclbin.h"

#define PQ_BANK_ALIGN 4096ull /* allocations are counted in 4 KiB steps */

enum pq_card_state {
	PQ_CARD_EMPTY,
	PQ_CARD_PROGRAMMING,
	PQ_CARD_READY,
	PQ_CARD_ERROR,
};

enum pq_run_state {
	PQ_RUN_IDLE,
	PQ_RUN_QUEUED,
	PQ_RUN_RUNNING,
	PQ_RUN_DONE,
	PQ_RUN_ERROR,
	PQ_RUN_TIMEOUT,
};

struct pq_run;
struct cu_waiter;

/*
 * One arg's binding, as `args` shows it. A buffer arg binds the buffer,
 * not its name: buf is held without a reference, which is safe because
 * the filesystem calls pq_buffer_removed() (unbinding it everywhere)
 * before it lets go of a buffer it removes; pq_buffer_renamed() keeps
 * path current.
 */
/*
 * A byte range of a buffer arg, PATH[START:END] (a PYNQ slice, an XRT
 * sub-buffer): the kernel gets START's address and only those bytes. END
 * unset: the buffer's end, whatever its size when the run begins.
 */
struct pq_range {
	bool ranged, has_end;
	uint64_t start, end;
};

struct pq_binding {
	bool set;
	bool removed;	       /* its buffer was removed: path says which */
	uint64_t bits;	       /* scalars */
	struct pq_buffer *buf; /* buffers */
	char *path;	       /* buffers: its path, as `args` shows it (range apart) */
	struct pq_range range;
};

/* A compute unit at run time. */
struct pq_cu_rt {
	struct pq_loaded *ld;
	size_t index; /* in design->cus */
	const struct pq_cu *cu;
	const struct pq_kernel *k;
	struct pq_ctype *types; /* per arg */
	char **type_err;	/* per arg: why it can't be passed, or NULL */
	size_t reg_bytes;

	pthread_mutex_t lock; /* all below */
	pthread_cond_t cond;
	struct pq_binding *bound;
	struct pq_run *head, *tail;
	struct cu_waiter *waiters;
	bool running, stop;
	bool held; /* a run past its time may still execute: no start, load or free */
	struct pq_after *waiting;   /* the running run's, while it waits (after=) */
	uint64_t started, finished; /* runs started, runs ended (counts) */
	uint64_t cur_seq;	    /* the running run's sequence number */
	uint64_t cancel_low;	    /* the first run being cancelled, 0 if none */
	size_t nqueued;		    /* runs in the queue, not begun */
	enum pq_run_state state;
	char last[300]; /* "done 12" or "error <reason>" */
	int last_status;
	uint64_t ndone, nerrors, ntimeouts, last_us, total_us;
	bool done_unread; /* AP_DONE, cleared on read */
	uint32_t *regs;	  /* shadow of the control space */
	pthread_t worker;
	bool has_worker;
};

/* A loaded design: made by a load, gone after the next load or free. */
struct pq_loaded {
	struct pq_card *card;
	struct pq_design *design;
	void *dd; /* the backend's */
	uint8_t *image;
	size_t image_len;
	uint64_t generation;
	unsigned refs; /* card->lock */
	pthread_mutex_t bank_lock;
	uint64_t *bank_used; /* per design->banks, PQ_BANK_ALIGN steps */
	struct pq_cu_rt *cus;
	size_t ncus;
};

struct pq_buffer {
	struct pq_loaded *ld; /* pinned: no load or free while we exist */
	bool removed;	      /* card->lock: no arg may bind it any more */
	size_t bank;
	struct pq_buffer *prev, *next; /* card->buffers, card->lock */
	pthread_rwlock_t lock;	       /* size, bo */
	unsigned refs;		       /* atomic */
	uint64_t size;
	uint64_t cap; /* what bo holds and the bank counts: size, or more from
			 pq_buffer_truncate_keep() to pq_buffer_trim() */
	void *bo;     /* NULL while cap is 0 */
	void *tag;    /* the filesystem's, under its own lock */
	/*
	 * Runs past their time that the device may still be writing it
	 * (cu_hold): while any, it can't move or shrink. Atomic, raised with
	 * the read side held, read with the write side.
	 */
	unsigned held;
};

struct pq_card {
	unsigned index;
	char *name;
	const struct pq_backend_ops *ops;
	void *dev;
	bool any_shell;
	char iface[PQ_IFACE_UUID_LEN + 1]; /* the shell's interface UUID, "" if unknown */
	unsigned run_timeout_ms;
	unsigned max_queued;
	pq_resolve_fn resolve;
	void *resolve_ctx;
	pq_access_fn access;
	pq_changed_fn changed;
	struct pq_log log;

	/*
	 * The device's design: held across every backend load and unload, so
	 * that a load never meets the unload of the design it replaces (or a
	 * free's) half done. Taken before card->lock, never while holding it.
	 */
	pthread_mutex_t load_lock;

	pthread_mutex_t lock; /* all below */
	pthread_cond_t drained;
	enum pq_card_state state;
	struct pq_loaded *cur; /* NULL when empty */
	uint64_t generation;
	unsigned nbuffers; /* live buffers, which pin the design */
	struct pq_buffer *buffers;
	char *summary; /* rendered at each state change */
	size_t summary_len;
};

/* A reference on the design of that generation, or NULL (-ENOENT). */
struct pq_loaded *pq_ld_get(struct pq_card *card, uint64_t generation);
void pq_ld_put(struct pq_loaded *ld);

/*
 * The runs a run started with after= waits for (start.c): counted down as
 * each ends, by a waiter on its CU; the first that failed said in failed.
 * Shared by the run and its waiters, freed by the last of them.
 */
struct pq_after {
	pthread_mutex_t lock; /* 3a: all below */
	pthread_cond_t cond;
	unsigned refs;
	size_t pending;
	bool cancelled; /* by cancel, while it waited */
	char failed[300];
};

/* A queued run, and a request waiting for runs to end (cu.c, start.c). */
struct pq_run {
	struct pq_run *next;
	uint64_t seq;
	uint64_t *bits;
	struct pq_buffer **bufs; /* per arg, NULL for scalars */
	char **paths;		 /* per arg: the buffer as bound in args, or NULL */
	size_t nargs;
	struct pq_range *ranges; /* per arg, or NULL when no arg is a range */
	struct pq_after *after;	 /* what it waits for before it begins, or NULL */
};

enum cu_wait_kind {
	CU_WAIT_RUN,  /* one run: `call` */
	CU_WAIT_ALL,  /* every run started before: a read of `run`, `wait` */
	CU_WAIT_IDLE, /* nothing pending: poll(2) */
};

struct cu_waiter {
	struct cu_waiter *next;
	enum cu_wait_kind kind;
	uint64_t target; /* run sequence number */
	pq_cu_done_fn fn;
	void *arg;
};

/* cu.c, for start.c: a run's end, and the waiters an end answers. */
void pq_run_free(struct pq_run *r);
void pq_run_args_free(size_t nargs, uint64_t *bits, struct pq_buffer **bufs, char **paths);
struct cu_waiter *pq_cu_waiters_due(struct pq_cu_rt *cu, uint64_t seq, struct cu_waiter *due);
void pq_cu_answer(struct cu_waiter *w, int status, const char *line);

/* cu.c, for card.c: the CUs of a design, their teardown and business. */
int pq_cus_create(struct pq_loaded *ld);
void pq_cus_destroy(struct pq_loaded *ld);
bool pq_cus_busy(struct pq_loaded *ld);

/* cu.c: a CU by generation, with a design reference; the one way a run starts. */
struct pq_cu_rt *pq_cu_get(struct pq_card *card, uint64_t gen, size_t i);
void pq_cu_put(struct pq_cu_rt *cu);
void pq_cu_log(struct pq_cu_rt *cu, const char *file, const char *msg);
int pq_cu_run(struct pq_cu_rt *cu, bool from_regs, const void *who, const char *after,
	      pq_cu_done_fn done, void *arg);
/* start.c, for cu.c: wait for a run's after= runs; 0, or -EIO with why. */
int pq_after_wait(struct pq_after *a, char *why, size_t whylen);
void pq_after_put(struct pq_after *a);

/*
 * binding.c: may buffer b be arg a (shown names it); a run's args from the
 * binding, with each buffer's path as bound into paths (the caller frees).
 */
int pq_cu_check_buffer(struct pq_cu_rt *cu, size_t a, struct pq_buffer *b, const char *shown,
		       char *why, size_t whylen);
int pq_cu_args_from_binding(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs,
			    char **paths, struct pq_range **ranges, char *why, size_t whylen);
/* "[START:END]" for a range ("" for none), into buf. */
void pq_range_format(const struct pq_range *r, char *buf, size_t len);
/*
 * A range's bytes in a buffer of size bytes: 0 with *off, *len, or
 * -EINVAL with why (shown names the arg's buffer) when it runs past.
 */
int pq_range_bytes(const struct pq_range *r, uint64_t size, const char *shown, uint64_t *off,
		   uint64_t *len, char *why, size_t whylen);

/* registers.c: a run's args from the arg registers; an arg stored as a start does. */
int pq_cu_args_from_regs(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs, char *why,
			 size_t whylen);
void pq_cu_reg_store(struct pq_cu_rt *cu, size_t a, uint64_t bits);

/* buffer.c, for cu.c: the live buffer at a device address, referenced. */
struct pq_buffer *pq_buffer_at(struct pq_card *card, struct pq_loaded *ld, uint64_t addr);

/* Bank accounting, for buffer.c: reserve or give back bytes of a bank. */
int pq_bank_reserve(struct pq_loaded *ld, size_t bank, uint64_t from, uint64_t to);

#endif
