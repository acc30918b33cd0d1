// SPDX-License-Identifier: MIT
/*
 * Starting runs (each checked as `args` checks it, and by the filesystem's
 * access check), the queue's bound, cancel, and waits for runs to end:
 * what `run` and `registers` ask of a CU. cu.c's worker serves the queue.
 *
 * A start with after= (PYNQ's waitfor) lists, on each CU it names, a waiter
 * for every run of that CU not yet ended (or, with none pending, takes the
 * last one's end as it was); the run's struct pq_after counts them down.
 * The CU's worker, not a filesystem thread, waits for zero before the run
 * begins. A run only ever waits for runs started before it, so no two runs
 * wait for each other.
 */
#define _GNU_SOURCE
#include "card_priv.h"
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pq_after_put(struct pq_after *a)
{
	bool last;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	last = --a->refs == 0;
	pthread_mutex_unlock(&a->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
}

/* One run waited for: which, for the message if it fails. */
struct after_ref {
	struct pq_after *a;
	char cu[AXLF_IP_NAME_LEN];
	uint64_t seq;
};

/* The first failed run waited for is the one the start's error names; a->lock held. */
static void after_failed(struct pq_after *a, const char *cu, uint64_t seq, const char *line)
{
	if (!a->failed[0])
		snprintf(a->failed, sizeof(a->failed), "%.60s's run %llu ended: %.200s", cu,
			 (unsigned long long)seq, line);
}

/* A run waited for has ended (no core lock held). */
static void after_done(void *arg, int status, const char *line)
{
	struct after_ref *ref = arg;
	struct pq_after *a = ref->a;

	pthread_mutex_lock(&a->lock);
	if (status)
		after_failed(a, ref->cu, ref->seq, line ? line : "error");
	a->pending--;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pq_after_put(a);
	free(ref);
}

int pq_after_wait(struct pq_after *a, char *why, size_t whylen)
{
	int ret = 0;

	pthread_mutex_lock(&a->lock);
	while (a->pending && !a->cancelled)
		pthread_cond_wait(&a->cond, &a->lock);
	if (a->cancelled) {
		snprintf(why, whylen, "cancelled");
		ret = -ECANCELED;
	} else if (a->failed[0]) {
		snprintf(why, whylen, "not begun: after: %s", a->failed);
		ret = -EIO;
	}
	pthread_mutex_unlock(&a->lock);
	return ret;
}

/* A waiter on x for its run seq, counted in a; x->lock held. */
static int after_watch(struct pq_cu_rt *x, uint64_t seq, struct pq_after *a)
{
	struct after_ref *ref = calloc(1, sizeof(*ref));
	struct cu_waiter *w = calloc(1, sizeof(*w));

	if (!ref || !w) {
		free(ref);
		free(w);
		return -ENOMEM;
	}
	ref->a = a;
	ref->seq = seq;
	snprintf(ref->cu, sizeof(ref->cu), "%s", x->cu->name);
	pthread_mutex_lock(&a->lock);
	a->refs++;
	a->pending++;
	pthread_mutex_unlock(&a->lock);
	w->kind = CU_WAIT_RUN;
	w->target = seq;
	w->fn = after_done;
	w->arg = ref;
	w->next = x->waiters;
	x->waiters = w;
	return 0;
}

/*
 * "vadd_1,vmult_1" -> the CUs named, checked (why says what is wrong);
 * into set, one flag a CU of the design.
 */
static int after_parse(struct pq_cu_rt *cu, const char *after, bool *set, char *why, size_t whylen)
{
	struct pq_loaded *ld = cu->ld;
	const char *p = after;

	if (!*p) {
		snprintf(why, whylen, "after= names no compute unit: after=CU[,CU...]");
		return -EINVAL;
	}
	while (*p) {
		size_t n = strcspn(p, ","), j;

		for (j = 0; j < ld->ncus; j++) {
			if (strlen(ld->cus[j].cu->name) == n && !strncmp(ld->cus[j].cu->name, p, n))
				break;
		}
		if (j == ld->ncus || !n) {
			char q[PQ_QUOTE_MAX + 4];

			snprintf(q, sizeof(q), "%.*s", (int)(n < PQ_QUOTE_MAX ? n : PQ_QUOTE_MAX),
				 p);
			snprintf(why, whylen, "after=: no compute unit '%s' on this card", q);
			return -EINVAL;
		}
		if (ld->cus[j].cu->control == PQ_CTRL_NONE) {
			snprintf(why, whylen,
				 "after=: %s is free-running (ap_ctrl_none): it has no runs to "
				 "wait for",
				 ld->cus[j].cu->name);
			return -EINVAL;
		}
		set[j] = true;
		p += n + (p[n] == ',');
	}
	return 0;
}

/*
 * Every run not yet ended on each CU of set, watched in a new struct
 * pq_after; card->lock held, so that no start comes between.
 */
static int after_collect(struct pq_loaded *ld, const bool *set, struct pq_after **out)
{
	struct pq_after *a = calloc(1, sizeof(*a));
	int ret = 0;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->refs = 1;
	for (size_t j = 0; j < ld->ncus && !ret; j++) {
		struct pq_cu_rt *x = &ld->cus[j];

		if (!set[j])
			continue;
		pthread_mutex_lock(&x->lock);
		if (x->running)
			ret = after_watch(x, x->cur_seq, a);
		for (struct pq_run *r = x->head; r && !ret; r = r->next)
			ret = after_watch(x, r->seq, a);
		/*
		 * Nothing pending: the last run started has ended, and how counts
		 * as if it had been waited for, so that a start just after a
		 * failed run fails whether that run ended a moment before or not.
		 */
		if (!x->running && !x->head && x->started && x->last_status) {
			pthread_mutex_lock(&a->lock);
			after_failed(a, x->cu->name, x->started, x->last);
			pthread_mutex_unlock(&a->lock);
		}
		pthread_mutex_unlock(&x->lock);
	}
	/* On failure the waiters listed stay, harmless: they hold a reference. */
	if (ret)
		pq_after_put(a);
	else
		*out = a;
	return ret;
}

/*
 * Queue a checked run; takes over bits and bufs whatever happens. Under
 * the card's lock, so that a load or free either sees it pending or
 * happens before it and refuses it.
 */
static int cu_queue(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs, char **paths,
		    struct pq_range *ranges, const bool *after, pq_cu_done_fn done, void *arg,
		    char *why, size_t whylen)
{
	struct pq_after *aft = NULL;
	struct pq_card *card = cu->ld->card;
	struct pq_run *r = calloc(1, sizeof(*r));
	struct cu_waiter *w = done ? calloc(1, sizeof(*w)) : NULL;
	size_t nargs = cu->k->nargs;
	int ret = 0;

	if (!r || (done && !w)) {
		ret = -ENOMEM;
		goto fail;
	}
	r->ranges = ranges;
	ranges = NULL;
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
	if (after && (ret = after_collect(cu->ld, after, &aft))) {
		pthread_mutex_unlock(&card->lock);
		goto fail;
	}
	r->after = aft;
	pthread_mutex_lock(&cu->lock);
	if (cu->held) {
		pthread_mutex_unlock(&cu->lock);
		pthread_mutex_unlock(&card->lock);
		snprintf(why, whylen,
			 "start refused: its last run timed out and still executes on the device; "
			 "the CU takes no run until it ends (one that never does: xbutil reset)");
		ret = -EBUSY;
		goto fail;
	}
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
		else if (bufs[a] && r->ranges)
			v += r->ranges[a].start; /* a range: its first byte's address */
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
	free(ranges);
	if (r) {
		r->bits = bits;
		r->bufs = bufs;
		r->paths = paths;
		r->nargs = nargs;
		pq_run_free(r);
	} else {
		pq_run_args_free(nargs, bits, bufs, paths);
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
int pq_cu_run(struct pq_cu_rt *cu, bool from_regs, const void *who, const char *after,
	      pq_cu_done_fn done, void *arg)
{
	size_t nargs = cu->k->nargs;
	uint64_t *bits = calloc(nargs + 1, sizeof(*bits));
	struct pq_buffer **bufs = calloc(nargs + 1, sizeof(*bufs));
	char **paths = from_regs ? NULL : calloc(nargs + 1, sizeof(*paths));
	bool *set = after ? calloc(cu->ld->ncus + 1, sizeof(*set)) : NULL;
	struct pq_range *ranges = NULL;
	char why[400] = "";
	int ret = bits && bufs && (from_regs || paths) && (!after || set) ? 0 : -ENOMEM;

	if (cu->cu->control == PQ_CTRL_NONE) {
		snprintf(why, sizeof(why),
			 "start: %s is free-running (ap_ctrl_none): it runs from the moment its "
			 "design loads until it is freed, and takes no start",
			 cu->cu->name);
		ret = -EINVAL;
	}
	if (!ret && after)
		ret = after_parse(cu, after, set, why, sizeof(why));
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
		ret = pq_cu_args_from_binding(cu, bits, bufs, paths, &ranges, why, sizeof(why));
	if (!ret)
		ret = cu_access(cu, who, bufs, why, sizeof(why));
	if (ret) {
		pq_run_args_free(nargs, bits, bufs, paths);
		free(ranges);
	} else {
		ret = cu_queue(cu, bits, bufs, paths, ranges, set, done, arg, why, sizeof(why));
	}
	if (ret && why[0])
		pq_cu_log(cu, from_regs ? "registers" : "run", why);
	free(set);
	return ret;
}

int pq_cu_start(struct pq_card *card, uint64_t gen, size_t i, const void *who, pq_cu_done_fn done,
		void *arg)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	int ret;

	if (!cu)
		return -ENOENT;
	ret = pq_cu_run(cu, false, who, NULL, done, arg);
	pq_cu_put(cu);
	return ret;
}

int pq_cu_start_after(struct pq_card *card, uint64_t gen, size_t i, const void *who,
		      const char *after, pq_cu_done_fn done, void *arg)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	int ret;

	if (!cu)
		return -ENOENT;
	ret = pq_cu_run(cu, false, who, after, done, arg);
	pq_cu_put(cu);
	return ret;
}

int pq_cu_cancel(struct pq_card *card, uint64_t gen, size_t i)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	struct cu_waiter *due = NULL;
	struct pq_run *r, *list;
	size_t n = 0, nwait = 0;
	char msg[80];

	if (!cu)
		return -ENOENT;
	pthread_mutex_lock(&cu->lock);
	list = cu->head;
	cu->head = cu->tail = NULL;
	cu->nqueued = 0;
	if (list)
		cu->cancel_low = list->seq;
	/* A run waiting for its after= runs has not begun either: it ends too. */
	if (cu->waiting) {
		pthread_mutex_lock(&cu->waiting->lock);
		nwait = !cu->waiting->cancelled; /* the worker ends it */
		cu->waiting->cancelled = true;
		pthread_cond_broadcast(&cu->waiting->cond);
		pthread_mutex_unlock(&cu->waiting->lock);
	}
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
		due = pq_cu_waiters_due(cu, r->seq, due);
	pthread_mutex_unlock(&cu->lock);
	while (list) {
		r = list->next;
		pq_run_free(list);
		list = r;
	}
	pq_cu_answer(due, -EIO, "error cancelled");
	n += nwait;
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
