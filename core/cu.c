// SPDX-License-Identifier: MIT
/*
 * Compute units: the worker thread that serves a CU's queue one run at a
 * time (as hardware does), the run timeout, a run's end and the waits it
 * answers, states and stats. Starting, cancelling and waiting are in
 * start.c, arg binding in binding.c, the control registers in registers.c.
 */
#define _GNU_SOURCE
#include "card_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CU_REG_MAX	(1u << 20) /* shadow at most 1 MiB of control space */
#define CU_REG_DEFAULT	0x10000u
#define CU_HOLD_POLL_MS 200 /* a held run is asked this often whether it ended */

static const char *cu_state_name(enum pq_run_state s)
{
	static const char *const names[] = {
		[PQ_RUN_IDLE] = "idle", [PQ_RUN_QUEUED] = "queued", [PQ_RUN_RUNNING] = "running",
		[PQ_RUN_DONE] = "done", [PQ_RUN_ERROR] = "error",   [PQ_RUN_TIMEOUT] = "timeout",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

void pq_cu_log(struct pq_cu_rt *cu, const char *file, const char *msg)
{
	pq_log_add(&cu->ld->card->log, "kernels/%s%s%s: %s", cu->cu->name, file ? "/" : "",
		   file ? file : "", msg);
}

/* The CU of a design generation, with a reference on the design. */
struct pq_cu_rt *pq_cu_get(struct pq_card *card, uint64_t gen, size_t i)
{
	struct pq_loaded *ld = pq_ld_get(card, gen);

	if (ld && i < ld->ncus)
		return &ld->cus[i];
	pq_ld_put(ld);
	return NULL;
}

void pq_cu_put(struct pq_cu_rt *cu)
{
	pq_ld_put(cu->ld);
}

void pq_run_free(struct pq_run *r)
{
	for (size_t i = 0; r->bufs && i < r->nargs; i++)
		pq_buffer_put(r->bufs[i]);
	for (size_t i = 0; r->paths && i < r->nargs; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->bufs);
	free(r->bits);
	free(r->ranges);
	pq_after_put(r->after);
	free(r);
}

/* A run's args that never made it into a run. */
void pq_run_args_free(size_t nargs, uint64_t *bits, struct pq_buffer **bufs, char **paths)
{
	for (size_t a = 0; a < nargs; a++) {
		if (bufs)
			pq_buffer_put(bufs[a]);
		if (paths)
			free(paths[a]);
	}
	free(paths);
	free(bufs);
	free(bits);
}

/*
 * Lock each distinct buffer of a run once, in address order: runs naming
 * the same buffers in other orders (a b, then b a) take them in one order.
 */
static void cu_lock_bufs(struct pq_run *r, bool lock)
{
	uintptr_t prev = 0;

	for (;;) {
		struct pq_buffer *next = NULL;

		for (size_t i = 0; i < r->nargs; i++) {
			uintptr_t at = (uintptr_t)r->bufs[i];

			if (at > prev && (!next || at < (uintptr_t)next))
				next = r->bufs[i];
		}
		if (!next)
			return;
		if (lock)
			pthread_rwlock_rdlock(&next->lock);
		else
			pthread_rwlock_unlock(&next->lock);
		prev = (uintptr_t)next;
	}
}

/*
 * A run's T& args, as the kernel left them: in args (`name=value`) and the
 * registers at their offsets, before the run is said to end.
 */
static void cu_outputs(struct pq_cu_rt *cu, void *run, struct pq_runarg *args, size_t nargs)
{
	bool any = false;

	for (size_t i = 0; i < nargs; i++)
		any |= args[i].out;
	if (!any)
		return;
	pq_bk_run_outputs(cu->ld->card->ops, run, args, nargs);
	pthread_mutex_lock(&cu->lock);
	for (size_t i = 0; i < nargs; i++) {
		if (!args[i].out)
			continue;
		cu->bound[i].bits = args[i].bits;
		cu->bound[i].set = true;
		pq_cu_reg_store(cu, i, args[i].bits);
	}
	pthread_mutex_unlock(&cu->lock);
}

/* A held run's buffers: marked so that they can't move or shrink (or no longer). */
static void cu_hold_bufs(struct pq_run *r, int by)
{
	for (size_t i = 0; i < r->nargs; i++) {
		if (r->bufs[i])
			__atomic_add_fetch(&r->bufs[i]->held, by, __ATOMIC_RELEASE);
	}
}

/*
 * Run r on the device, within the card's run timeout. A run past its time
 * that the backend can't stop comes back in *held, its buffers marked held
 * (the device may still write them: cu_hold) and their locks let go.
 */
static int cu_execute(struct pq_cu_rt *cu, struct pq_run *r, uint64_t *us, char *why, size_t whylen,
		      void **held)
{
	struct pq_card *card = cu->ld->card;
	const struct pq_backend_ops *ops = card->ops;
	struct pq_runarg *args = calloc(r->nargs + 1, sizeof(*args));
	void *run = NULL;
	int ret = args ? 0 : -ENOMEM;

	/* Buffers can't move or shrink while the kernel uses them. */
	cu_lock_bufs(r, true);
	for (size_t i = 0; !ret && i < r->nargs; i++) {
		args[i].bits = r->bits[i];
		args[i].name = cu->k->args[i].name;
		args[i].out = cu->types[i].ref;
		if (!r->bufs[i])
			continue;
		args[i].bo = r->bufs[i]->bo;
		args[i].size = r->bufs[i]->size;
		args[i].path = r->paths ? r->paths[i] : NULL;
		if (!args[i].bo || !r->bufs[i]->size) {
			snprintf(why, whylen, "%s: its buffer is empty", cu->k->args[i].name);
			ret = -EINVAL;
		} else if (r->ranges && r->ranges[i].ranged) {
			char sub[200];

			/* The buffer may have shrunk since the start: checked again, locked. */
			ret = pq_range_bytes(&r->ranges[i], r->bufs[i]->size, "its buffer",
					     &args[i].offset, &args[i].size, sub, sizeof(sub));
			if (ret)
				snprintf(why, whylen, "%s: %s", cu->k->args[i].name, sub);
			args[i].inner = args[i].offset + args[i].size < r->bufs[i]->size;
		}
	}
	if (!ret)
		ret = ops->run_start(cu->ld->dd, cu->index, args, r->nargs, &run, why, whylen);
	if (!ret) {
		ret = ops->run_wait(run, card->run_timeout_ms, us, why, whylen);
		if (ret == -ETIMEDOUT) {
			char waits[160]; /* cut there: the run line must hold it */

			/* What the device says it waits on, read before the abort ends it. */
			snprintf(waits, sizeof(waits), "%s", why);
			if (pq_bk_run_abort(ops, run) == 0) {
				snprintf(why, whylen,
					 "ran past run_timeout_ms (%u ms) and was stopped%s%s",
					 card->run_timeout_ms, waits[0] ? ": " : "", waits);
			} else {
				snprintf(
					why, whylen,
					"ran past run_timeout_ms (%u ms) and still executes on the "
					"device%s%s; the CU takes no run, and the card no program "
					"or free, until it ends (one that never does: reset the "
					"card, xbutil reset)",
					card->run_timeout_ms, waits[0] ? ": " : "", waits);
				*held = run;
				cu_hold_bufs(r, 1); /* under the read side, before it goes */
				cu_lock_bufs(r, false);
				free(args);
				return ret;
			}
		}
		if (!ret)
			cu_outputs(cu, run, args, r->nargs);
		ops->run_free(run);
	}
	cu_lock_bufs(r, false);
	free(args);
	return ret;
}

/*
 * The lowest sequence number of a run that has not ended (started + 1 if
 * none): the running run, else the queue's head, or a run being
 * cancelled. Runs end in order, except that a cancel ends the queued ones
 * while one still runs. cu->lock held.
 */
static uint64_t cu_low(const struct pq_cu_rt *cu)
{
	uint64_t low = cu->running ? cu->cur_seq : cu->head ? cu->head->seq : cu->started + 1;

	return cu->cancel_low && cu->cancel_low < low ? cu->cancel_low : low;
}

/* Take the waiters that run seq's end answers, onto due; cu->lock held. */
struct cu_waiter *pq_cu_waiters_due(struct pq_cu_rt *cu, uint64_t seq, struct cu_waiter *due)
{
	struct cu_waiter **pp = &cu->waiters;
	bool idle = cu->started == cu->finished;
	uint64_t low = cu_low(cu);

	while (*pp) {
		struct cu_waiter *w = *pp;
		bool hit = w->kind == CU_WAIT_RUN   ? w->target == seq
			   : w->kind == CU_WAIT_ALL ? w->target < low
						    : idle;

		if (!hit) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->next = due;
		due = w;
	}
	return due;
}

void pq_cu_answer(struct cu_waiter *w, int status, const char *line)
{
	while (w) {
		struct cu_waiter *next = w->next;

		w->fn(w->arg, w->kind == CU_WAIT_IDLE ? 0 : status, line);
		free(w);
		w = next;
	}
}

/* Account for the end of run r; called without locks. */
/* What the run's kernel wrote is in device memory: copies the filesystem's users hold go. */
static void cu_changed(struct pq_cu_rt *cu, struct pq_run *r)
{
	struct pq_card *card = cu->ld->card;

	for (size_t i = 0; card->changed && r->bufs && i < r->nargs; i++) {
		if (r->bufs[i])
			card->changed(card->resolve_ctx, r->bufs[i]);
	}
}

/* The end of run r: counts, state, its waiters answered; r freed unless held. */
static void cu_finish(struct pq_cu_rt *cu, struct pq_run *r, int ret, uint64_t us, const char *why,
		      bool held)
{
	struct cu_waiter *due;
	uint64_t seq = r->seq;
	char line[sizeof(cu->last)];
	int status = ret ? -EIO : 0;

	/*
	 * What the kernel wrote is in device memory: copies the filesystem's
	 * users hold go, then the buffer references, before the run counts as
	 * finished (a `call` returns after both).
	 */
	if (!held) {
		cu_changed(cu, r);
		pq_run_free(r);
	}
	pthread_mutex_lock(&cu->lock);
	cu->held |= held;
	cu->running = false;
	cu->waiting = NULL;
	cu->finished++;
	if (!ret) {
		cu->state = PQ_RUN_DONE;
		cu->ndone++;
		cu->last_us = us;
		cu->total_us += us;
		snprintf(cu->last, sizeof(cu->last), "done %llu", (unsigned long long)us);
	} else {
		/* Runs refused while one past its time is held keep its word. */
		cu->state = ret == -ETIMEDOUT || cu->held ? PQ_RUN_TIMEOUT : PQ_RUN_ERROR;
		cu->nerrors++;
		cu->ntimeouts += ret == -ETIMEDOUT;
		snprintf(cu->last, sizeof(cu->last), "error %s", why);
	}
	cu->last_status = status;
	if (cu->head)
		cu->state = PQ_RUN_QUEUED;
	cu->done_unread = true;
	memcpy(line, cu->last, sizeof(line));
	due = pq_cu_waiters_due(cu, seq, NULL);
	pthread_mutex_unlock(&cu->lock);
	pq_cu_answer(due, status, line);
}

/*
 * Hold a run past its time that the backend could not stop (the xrt
 * backend: XRT's C API has no abort) until the backend says it ended: its
 * command, buffers and CU stay its own, for XRT would hand the command to
 * the next run and the device may still write the buffers. Runs queued
 * behind it fail; starts, program and free are refused meanwhile.
 */
static void cu_hold(struct pq_cu_rt *cu, struct pq_run *r, void *run)
{
	const struct pq_backend_ops *ops = cu->ld->card->ops;
	char why[256] = "", msg[400];
	struct timespec t0, t1;
	uint64_t us = 0;
	int ret = -ETIMEDOUT;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pq_run *q;
		bool stop;

		pthread_mutex_lock(&cu->lock);
		q = cu->head;
		if (q) {
			cu->head = q->next;
			if (!cu->head)
				cu->tail = NULL;
			cu->nqueued--;
		}
		stop = cu->stop;
		pthread_mutex_unlock(&cu->lock);
		if (q) {
			pq_cu_log(cu, NULL,
				  "run not started: the run before it timed out and still "
				  "executes on the device");
			cu_finish(cu, q, -EBUSY, 0,
				  "not started: a run that timed out still executes", false);
			continue;
		}
		if (stop)
			break;
		ret = ops->run_wait(run, CU_HOLD_POLL_MS, &us, why, sizeof(why));
		if (ret != -ETIMEDOUT)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret == -ETIMEDOUT)
		snprintf(msg, sizeof(msg),
			 "the card closes while the run that timed out still executes (%lld s "
			 "past its time): reset the card (xbutil reset) before it is used again",
			 (long long)(t1.tv_sec - t0.tv_sec));
	else
		snprintf(msg, sizeof(msg),
			 "the run that timed out has ended (%s%s), %lld ms past its time: the CU "
			 "takes runs again",
			 ret ? "failed: " : "completed", ret ? why : "",
			 (long long)((t1.tv_sec - t0.tv_sec) * 1000 +
				     (t1.tv_nsec - t0.tv_nsec) / 1000000));
	/* Starts may queue from here: this worker takes them once it returns. */
	pthread_mutex_lock(&cu->lock);
	cu->held = false;
	pthread_mutex_unlock(&cu->lock);
	pq_cu_log(cu, NULL, msg);
	ops->run_free(run);
	cu_hold_bufs(r, -1);
	cu_changed(cu, r);
	pq_run_free(r);
}

static void *cu_worker(void *arg)
{
	struct pq_cu_rt *cu = arg;

	pthread_mutex_lock(&cu->lock);
	for (;;) {
		struct pq_run *r;
		char why[400] = "";
		void *held = NULL;
		uint64_t us = 0;
		bool stop;
		int ret;

		while (!cu->head && !cu->stop)
			pthread_cond_wait(&cu->cond, &cu->lock);
		if (!cu->head)
			break;
		r = cu->head;
		cu->head = r->next;
		if (!cu->head)
			cu->tail = NULL;
		cu->nqueued--;
		stop = cu->stop;
		cu->running = true;
		cu->cur_seq = r->seq;
		/* A run with after= is queued until what it waits for has ended. */
		cu->state = r->after ? PQ_RUN_QUEUED : PQ_RUN_RUNNING;
		cu->waiting = r->after;
		pthread_mutex_unlock(&cu->lock);

		if (stop) {
			snprintf(why, sizeof(why), "the card shut down before this run started");
			ret = -ECANCELED;
		} else if (r->after && (ret = pq_after_wait(r->after, why, sizeof(why)))) {
			/* not begun: what it waited for failed, or it was cancelled */
		} else {
			if (r->after) {
				pthread_mutex_lock(&cu->lock);
				cu->state = PQ_RUN_RUNNING;
				cu->waiting = NULL;
				pthread_mutex_unlock(&cu->lock);
			}
			ret = cu_execute(cu, r, &us, why, sizeof(why), &held);
		}
		if (ret) {
			char msg[500];

			snprintf(msg, sizeof(msg), "run %s: %s",
				 ret == -ETIMEDOUT ? "timed out" : "failed", why);
			pq_cu_log(cu, NULL, msg);
		}
		cu_finish(cu, r, ret, us, why, held != NULL);
		if (held)
			cu_hold(cu, r, held);
		pthread_mutex_lock(&cu->lock);
	}
	pthread_mutex_unlock(&cu->lock);
	return NULL;
}

int pq_cus_create(struct pq_loaded *ld)
{
	const struct pq_design *d = ld->design;
	size_t i;

	ld->cus = calloc(d->ncus + 1, sizeof(*ld->cus));
	if (!ld->cus)
		return -ENOMEM;
	for (i = 0; i < d->ncus; i++) {
		struct pq_cu_rt *cu = &ld->cus[i];
		size_t nargs;

		cu->ld = ld;
		cu->index = i;
		cu->cu = &d->cus[i];
		cu->k = &d->kernels[cu->cu->kernel];
		nargs = cu->k->nargs;
		pthread_mutex_init(&cu->lock, NULL);
		pthread_cond_init(&cu->cond, NULL);
		ld->ncus++;
		cu->reg_bytes = cu->k->reg_range ? cu->k->reg_range : CU_REG_DEFAULT;
		if (cu->reg_bytes > CU_REG_MAX)
			cu->reg_bytes = CU_REG_MAX;
		cu->reg_bytes &= ~(size_t)3;
		cu->regs = calloc(cu->reg_bytes / 4 + 1, 4);
		cu->bound = calloc(nargs + 1, sizeof(*cu->bound));
		cu->types = calloc(nargs + 1, sizeof(*cu->types));
		cu->type_err = calloc(nargs + 1, sizeof(*cu->type_err));
		if (!cu->regs || !cu->bound || !cu->types || !cu->type_err)
			goto fail;
		for (size_t a = 0; a < nargs; a++) {
			char why[200];

			if (pq_ctype_of(&cu->k->args[a], &cu->types[a], why, sizeof(why)) &&
			    !(cu->type_err[a] = strdup(why)))
				goto fail;
		}
		if (pthread_create(&cu->worker, NULL, cu_worker, cu))
			goto fail;
		cu->has_worker = true;
	}
	return 0;
fail:
	pq_cus_destroy(ld);
	return -ENOMEM;
}

void pq_cus_destroy(struct pq_loaded *ld)
{
	for (size_t i = 0; ld->cus && i < ld->ncus; i++) {
		struct pq_cu_rt *cu = &ld->cus[i];

		if (cu->has_worker) {
			/* Queued runs fail, answering their waiters; the running one ends. */
			pthread_mutex_lock(&cu->lock);
			cu->stop = true;
			pthread_cond_broadcast(&cu->cond);
			pthread_mutex_unlock(&cu->lock);
			pthread_join(cu->worker, NULL);
		}
		pq_cu_answer(cu->waiters, -EIO, "error the card shut down");
		for (size_t a = 0; cu->k && a < cu->k->nargs; a++) {
			if (cu->bound)
				free(cu->bound[a].path);
			if (cu->type_err)
				free(cu->type_err[a]);
		}
		free(cu->bound);
		free(cu->types);
		free(cu->type_err);
		free(cu->regs);
		pthread_cond_destroy(&cu->cond);
		pthread_mutex_destroy(&cu->lock);
	}
	free(ld->cus);
	ld->cus = NULL;
	ld->ncus = 0;
}

bool pq_cus_busy(struct pq_loaded *ld)
{
	bool busy = false;

	for (size_t i = 0; i < ld->ncus && !busy; i++) {
		pthread_mutex_lock(&ld->cus[i].lock);
		busy = ld->cus[i].started != ld->cus[i].finished || ld->cus[i].held;
		pthread_mutex_unlock(&ld->cus[i].lock);
	}
	return busy;
}

int pq_cu_state(struct pq_card *card, uint64_t gen, size_t i, const char **word)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);

	if (!cu)
		return -ENOENT;
	if (cu->cu->control == PQ_CTRL_NONE) {
		/* Free-running: no runs, it runs or it has stopped. */
		*word = pq_bk_cu_running(card->ops, cu->ld->dd, i) ? "running" : "error";
		pq_cu_put(cu);
		return 0;
	}
	pthread_mutex_lock(&cu->lock);
	*word = cu_state_name(cu->state);
	pthread_mutex_unlock(&cu->lock);
	pq_cu_put(cu);
	return 0;
}

int pq_cu_stats(struct pq_card *card, uint64_t gen, size_t i, struct pq_cu_stats *st)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);

	if (!cu)
		return -ENOENT;
	pthread_mutex_lock(&cu->lock);
	st->starts = cu->started;
	st->done = cu->ndone;
	st->errors = cu->nerrors;
	st->timeouts = cu->ntimeouts;
	st->pending = cu->started - cu->finished;
	st->last_us = cu->last_us;
	st->mean_us = cu->ndone ? cu->total_us / cu->ndone : 0;
	pthread_mutex_unlock(&cu->lock);
	pq_cu_put(cu);
	return 0;
}
