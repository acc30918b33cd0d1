// SPDX-License-Identifier: MIT
/*
 * Compute units: a queue of runs served one at a time by the CU's worker
 * thread (as hardware does), the run timeout, waits, states and stats.
 * Arg binding is in binding.c, the control registers in registers.c.
 */
#define _GNU_SOURCE
#include "card_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CU_REG_MAX     (1u << 20) /* shadow at most 1 MiB of control space */
#define CU_REG_DEFAULT 0x10000u

struct pq_run {
	struct pq_run *next;
	uint64_t seq;
	uint64_t *bits;
	struct pq_buffer **bufs; /* per arg, NULL for scalars */
	char **paths;		 /* per arg: the buffer as bound in args, or NULL */
	size_t nargs;
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

static void cu_run_free(struct pq_run *r)
{
	for (size_t i = 0; r->bufs && i < r->nargs; i++)
		pq_buffer_put(r->bufs[i]);
	for (size_t i = 0; r->paths && i < r->nargs; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->bufs);
	free(r->bits);
	free(r);
}

/* A run's args that never made it into a run. */
static void cu_args_free(size_t nargs, uint64_t *bits, struct pq_buffer **bufs, char **paths)
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

/* Run r on the device, within the card's run timeout. */
static int cu_execute(struct pq_cu_rt *cu, struct pq_run *r, uint64_t *us, char *why, size_t whylen)
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
		if (!r->bufs[i])
			continue;
		args[i].bo = r->bufs[i]->bo;
		args[i].size = r->bufs[i]->size;
		args[i].path = r->paths ? r->paths[i] : NULL;
		if (!args[i].bo || !r->bufs[i]->size) {
			snprintf(why, whylen, "%s: its buffer is empty", cu->k->args[i].name);
			ret = -EINVAL;
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
			pq_bk_run_abort(ops, run);
			snprintf(why, whylen, "ran past run_timeout_ms (%u ms) and was stopped%s%s",
				 card->run_timeout_ms, waits[0] ? ": " : "", waits);
		}
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
static struct cu_waiter *cu_waiters_due(struct pq_cu_rt *cu, uint64_t seq, struct cu_waiter *due)
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

static void cu_answer(struct cu_waiter *w, int status, const char *line)
{
	while (w) {
		struct cu_waiter *next = w->next;

		w->fn(w->arg, w->kind == CU_WAIT_IDLE ? 0 : status, line);
		free(w);
		w = next;
	}
}

/* Account for the end of run r; called without locks. */
static void cu_finish(struct pq_cu_rt *cu, struct pq_run *r, int ret, uint64_t us, const char *why)
{
	struct cu_waiter *due;
	uint64_t seq = r->seq;
	char line[sizeof(cu->last)];
	int status = ret ? -EIO : 0;

	/* Drop buffer references before the run counts as finished. */
	cu_run_free(r);
	pthread_mutex_lock(&cu->lock);
	cu->running = false;
	cu->finished++;
	if (!ret) {
		cu->state = PQ_RUN_DONE;
		cu->ndone++;
		cu->last_us = us;
		cu->total_us += us;
		snprintf(cu->last, sizeof(cu->last), "done %llu", (unsigned long long)us);
	} else {
		cu->state = ret == -ETIMEDOUT ? PQ_RUN_TIMEOUT : PQ_RUN_ERROR;
		cu->nerrors++;
		cu->ntimeouts += ret == -ETIMEDOUT;
		snprintf(cu->last, sizeof(cu->last), "error %s", why);
	}
	cu->last_status = status;
	if (cu->head)
		cu->state = PQ_RUN_QUEUED;
	cu->done_unread = true;
	memcpy(line, cu->last, sizeof(line));
	due = cu_waiters_due(cu, seq, NULL);
	pthread_mutex_unlock(&cu->lock);
	cu_answer(due, status, line);
}

static void *cu_worker(void *arg)
{
	struct pq_cu_rt *cu = arg;

	pthread_mutex_lock(&cu->lock);
	for (;;) {
		struct pq_run *r;
		char why[256] = "";
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
		cu->state = PQ_RUN_RUNNING;
		pthread_mutex_unlock(&cu->lock);

		if (stop) {
			snprintf(why, sizeof(why), "the card shut down before this run started");
			ret = -ECANCELED;
		} else {
			ret = cu_execute(cu, r, &us, why, sizeof(why));
		}
		if (ret) {
			char msg[300];

			snprintf(msg, sizeof(msg), "run %s: %s",
				 ret == -ETIMEDOUT ? "timed out" : "failed", why);
			pq_cu_log(cu, NULL, msg);
		}
		cu_finish(cu, r, ret, us, why);
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
		cu_answer(cu->waiters, -EIO, "error the card shut down");
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
		busy = ld->cus[i].started != ld->cus[i].finished;
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

/* ---- starting runs ---- */

/*
 * Queue a checked run; takes over bits and bufs whatever happens. Under
 * the card's lock, so that a load or free either sees it pending or
 * happens before it and refuses it.
 */
static int cu_queue(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs, char **paths,
		    pq_cu_done_fn done, void *arg, char *why, size_t whylen)
{
	struct pq_card *card = cu->ld->card;
	struct pq_run *r = calloc(1, sizeof(*r));
	struct cu_waiter *w = done ? calloc(1, sizeof(*w)) : NULL;
	size_t nargs = cu->k->nargs;
	int ret = 0;

	if (!r || (done && !w)) {
		ret = -ENOMEM;
		goto fail;
	}
	r->bits = bits;
	r->bufs = bufs;
	r->paths = paths;
	r->nargs = nargs;
	pthread_mutex_lock(&card->lock);
	if (card->cur != cu->ld || card->state == PQ_CARD_PROGRAMMING) {
		pthread_mutex_unlock(&card->lock);
		snprintf(why, whylen, "the card is being programmed");
		ret = -EBUSY;
		goto fail;
	}
	pthread_mutex_lock(&cu->lock);
	if (cu->nqueued >= card->max_queued) {
		pthread_mutex_unlock(&cu->lock);
		pthread_mutex_unlock(&card->lock);
		snprintf(why, whylen,
			 "start refused: %zu runs wait already (max_queued): wait for them, or "
			 "write cancel",
			 cu->nqueued);
		ret = -EAGAIN;
		goto fail;
	}
	/* The registers show the last start's args, as a CU's would. */
	for (size_t a = 0; a < nargs; a++) {
		uint64_t v = bits[a];

		if (bufs[a] && pq_buffer_address(bufs[a], &v))
			v = 0;
		pq_cu_reg_store(cu, a, v);
	}
	r->seq = ++cu->started;
	cu->nqueued++;
	if (cu->tail)
		cu->tail->next = r;
	else
		cu->head = r;
	cu->tail = r;
	if (!cu->running)
		cu->state = PQ_RUN_QUEUED;
	if (w) {
		w->kind = CU_WAIT_RUN;
		w->target = r->seq;
		w->fn = done;
		w->arg = arg;
		w->next = cu->waiters;
		cu->waiters = w;
	}
	pthread_cond_broadcast(&cu->cond);
	pthread_mutex_unlock(&cu->lock);
	pthread_mutex_unlock(&card->lock);
	return 0;
fail:
	free(w);
	if (r) {
		r->bits = bits;
		r->bufs = bufs;
		r->paths = paths;
		r->nargs = nargs;
		cu_run_free(r);
	} else {
		cu_args_free(nargs, bits, bufs, paths);
	}
	return ret;
}

/* May who use every buffer of the run? Asked of the filesystem, no lock held. */
static int cu_access(struct pq_cu_rt *cu, const void *who, struct pq_buffer **bufs, char *why,
		     size_t whylen)
{
	struct pq_card *card = cu->ld->card;
	int ret = 0;

	for (size_t a = 0; who && card->access && a < cu->k->nargs && !ret; a++) {
		char sub[300] = "";

		if (!bufs[a])
			continue;
		ret = card->access(card->resolve_ctx, who, bufs[a], sub, sizeof(sub));
		if (ret)
			snprintf(why, whylen, "start refused: %s: %s", cu->k->args[a].name, sub);
	}
	return ret;
}

/* Check every arg, then queue: the one way a run starts. */
int pq_cu_run(struct pq_cu_rt *cu, bool from_regs, const void *who, pq_cu_done_fn done, void *arg)
{
	size_t nargs = cu->k->nargs;
	uint64_t *bits = calloc(nargs + 1, sizeof(*bits));
	struct pq_buffer **bufs = calloc(nargs + 1, sizeof(*bufs));
	char **paths = from_regs ? NULL : calloc(nargs + 1, sizeof(*paths));
	char why[400] = "";
	int ret = bits && bufs && (from_regs || paths) ? 0 : -ENOMEM;

	if (cu->cu->control == PQ_CTRL_NONE) {
		snprintf(why, sizeof(why),
			 "start: %s is free-running (ap_ctrl_none): it runs from the moment its "
			 "design loads until it is freed, and takes no start",
			 cu->cu->name);
		ret = -EINVAL;
	}
	for (size_t a = 0; a < nargs && !ret; a++) {
		if (cu->type_err[a]) {
			snprintf(why, sizeof(why), "start: %s: %s", cu->k->args[a].name,
				 cu->type_err[a]);
			ret = -EINVAL;
		}
	}
	if (!ret && from_regs)
		ret = pq_cu_args_from_regs(cu, bits, bufs, why, sizeof(why));
	else if (!ret)
		ret = pq_cu_args_from_binding(cu, bits, bufs, paths, why, sizeof(why));
	if (!ret)
		ret = cu_access(cu, who, bufs, why, sizeof(why));
	if (ret)
		cu_args_free(nargs, bits, bufs, paths);
	else
		ret = cu_queue(cu, bits, bufs, paths, done, arg, why, sizeof(why));
	if (ret && why[0])
		pq_cu_log(cu, from_regs ? "registers" : "run", why);
	return ret;
}

int pq_cu_start(struct pq_card *card, uint64_t gen, size_t i, const void *who, pq_cu_done_fn done,
		void *arg)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	int ret;

	if (!cu)
		return -ENOENT;
	ret = pq_cu_run(cu, false, who, done, arg);
	pq_cu_put(cu);
	return ret;
}

int pq_cu_cancel(struct pq_card *card, uint64_t gen, size_t i)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	struct cu_waiter *due = NULL;
	struct pq_run *r, *list;
	size_t n = 0;
	char msg[80];

	if (!cu)
		return -ENOENT;
	pthread_mutex_lock(&cu->lock);
	list = cu->head;
	cu->head = cu->tail = NULL;
	cu->nqueued = 0;
	if (list)
		cu->cancel_low = list->seq;
	pthread_mutex_unlock(&cu->lock);
	/* Their buffers go before they count as ended, as at any run's end. */
	for (r = list; r; r = r->next) {
		for (size_t a = 0; r->bufs && a < r->nargs; a++) {
			pq_buffer_put(r->bufs[a]);
			r->bufs[a] = NULL;
		}
		n++;
	}
	pthread_mutex_lock(&cu->lock);
	cu->cancel_low = 0;
	cu->finished += n;
	cu->nerrors += n;
	if (n && !cu->running) {
		cu->state = PQ_RUN_ERROR;
		snprintf(cu->last, sizeof(cu->last), "error cancelled");
		cu->last_status = -EIO;
		cu->done_unread = true;
	}
	for (r = list; r; r = r->next)
		due = cu_waiters_due(cu, r->seq, due);
	pthread_mutex_unlock(&cu->lock);
	while (list) {
		r = list->next;
		cu_run_free(list);
		list = r;
	}
	cu_answer(due, -EIO, "error cancelled");
	snprintf(msg, sizeof(msg), "cancel: %zu queued run%s cancelled", n, n == 1 ? "" : "s");
	pq_cu_log(cu, "run", msg);
	pq_cu_put(cu);
	return (int)(n > INT32_MAX ? INT32_MAX : n);
}

/* List a waiter, or say it isn't needed; cu->lock held. */
static int cu_wait_locked(struct pq_cu_rt *cu, enum cu_wait_kind kind, pq_cu_done_fn done,
			  void *arg)
{
	struct cu_waiter *w;

	if (cu->started == cu->finished)
		return 0;
	if (!done)
		return -EAGAIN;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->kind = kind;
	w->target = cu->started;
	w->fn = done;
	w->arg = arg;
	w->next = cu->waiters;
	cu->waiters = w;
	return 1;
}

int pq_cu_wait(struct pq_card *card, uint64_t gen, size_t i, char *line, size_t linelen,
	       int *status, pq_cu_done_fn done, void *arg)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	int ret;

	if (!cu)
		return -ENOENT;
	pthread_mutex_lock(&cu->lock);
	ret = cu_wait_locked(cu, CU_WAIT_ALL, done, arg);
	if (ret == 0) {
		snprintf(line, linelen, "%s", cu->ndone + cu->nerrors ? cu->last : "idle");
		*status = cu->last_status;
	}
	pthread_mutex_unlock(&cu->lock);
	pq_cu_put(cu);
	return ret;
}

int pq_cu_poll(struct pq_card *card, uint64_t gen, size_t i, pq_cu_done_fn done, void *arg)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	int ret;

	if (!cu)
		return -ENOENT;
	pthread_mutex_lock(&cu->lock);
	ret = cu_wait_locked(cu, CU_WAIT_IDLE, done, arg);
	pthread_mutex_unlock(&cu->lock);
	pq_cu_put(cu);
	return ret == 0 ? 1 : ret == 1 ? 0 : ret;
}
