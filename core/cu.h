/* SPDX-License-Identifier: MIT */
/*
 * Compute units (SPEC §5): the args binding, a queue of runs served one at
 * a time (as hardware does), states, stats, waits and control registers.
 * A CU is named by (card, design generation, index in the layout); every
 * call fails with -ENOENT once that design is gone.
 */
#ifndef PYNQFS_CU_H
#define PYNQFS_CU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "card.h"

struct pq_cu_stats {
	uint64_t starts, done, errors, timeouts, pending, last_us, mean_us;
};

/*
 * Called once, with no core lock held, when what was waited for has
 * happened: status 0 or -EIO (the run failed), and the run's result line
 * ("done 12", "error <reason>"). It may reply to the filesystem at once.
 */
typedef void (*pq_cu_done_fn)(void *arg, int status, const char *line);

/*
 * Bind args from `args` text: every complete token is checked, then all
 * are set or none. With partial, a last token not yet followed by white
 * space waits for more. -EINVAL/-EXDEV with the reason logged.
 */
int pq_cu_args_set(struct pq_card *card, uint64_t gen, size_t cu, const char *text, size_t len,
		   bool partial);
/* The same checks, partial, binding nothing: an error known before the line ends. */
int pq_cu_args_check(struct pq_card *card, uint64_t gen, size_t cu, const char *text, size_t len);
/* One "name=value" line per arg, in signature order. */
int pq_cu_args_dump(struct pq_card *card, uint64_t gen, size_t cu, FILE *f);

/* "idle", "queued", "running", "done", "error" or "timeout". */
int pq_cu_state(struct pq_card *card, uint64_t gen, size_t cu, const char **word);
int pq_cu_stats(struct pq_card *card, uint64_t gen, size_t cu, struct pq_cu_stats *st);

/*
 * Queue a run with the bound args, each checked as `args` checks it. With
 * done, it is called when this run ends; the caller must then not touch
 * what arg points to itself, since the call may come at any moment.
 */
int pq_cu_start(struct pq_card *card, uint64_t gen, size_t cu, const void *who, pq_cu_done_fn done,
		void *arg);
/*
 * The same, after=: the run begins only once every run started so far on
 * each CU of after ("vadd_1,vmult_1", CUs of this design) has ended; if
 * one of them failed, it fails without beginning (EIO, the log says
 * which). -EINVAL, logged, for a name that is no CU or a free-running one.
 */
int pq_cu_start_after(struct pq_card *card, uint64_t gen, size_t cu, const void *who,
		      const char *after, pq_cu_done_fn done, void *arg);
/*
 * `who` (the filesystem's, or NULL for no check) is asked of the card's
 * access function for every buffer: -EACCES, logged, if it may not use
 * one. Beyond max_queued runs waiting: -EAGAIN, logged.
 *
 * pq_cu_cancel: the runs that have not begun end now as "error cancelled"
 * (their waiters answered); the running one goes on. How many, or -errno.
 */
int pq_cu_cancel(struct pq_card *card, uint64_t gen, size_t cu);

/*
 * Wait for every run started so far. With nothing pending: 0, line holds
 * the last result ("idle" if none) and *status its status. Else, with
 * done: 1, and done is called when they have ended; without: -EAGAIN.
 */
int pq_cu_wait(struct pq_card *card, uint64_t gen, size_t cu, char *line, size_t linelen,
	       int *status, pq_cu_done_fn done, void *arg);
/* 1 when nothing is pending; else 0, and done is called once that is so. */
int pq_cu_poll(struct pq_card *card, uint64_t gen, size_t cu, pq_cu_done_fn done, void *arg);

/*
 * The control register window (SPEC §5): byte offsets and lengths are
 * multiples of 4. Writing AP_START (bit 0 at offset 0) starts a run with
 * what the arg registers hold, checked exactly as a start from args is.
 * Both return the bytes done. Reading AP_DONE clears it, as on hardware,
 * but only with clear_done: a reader that may not write changes nothing.
 */
int pq_cu_reg_size(struct pq_card *card, uint64_t gen, size_t cu, uint64_t *size);
int pq_cu_reg_read(struct pq_card *card, uint64_t gen, size_t cu, uint64_t off, void *buf,
		   size_t len, bool clear_done);
int pq_cu_reg_write(struct pq_card *card, uint64_t gen, size_t cu, uint64_t off, const void *buf,
		    size_t len, const void *who);

#endif
