// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "cu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

#define CU_REG_MAX     (1u << 20) /* shadow at most 1 MiB of control space */
#define CU_REG_DEFAULT 0x10000u
#define AP_START       0x1u
#define AP_DONE	       0x2u
#define AP_IDLE	       0x4u
#define AP_READY       0x8u

struct pq_run {
	struct pq_run *next;
	uint64_t seq;
	uint64_t *bits;
	struct pq_buffer **bufs; /* per arg, NULL for scalars */
	size_t nargs;
};

pq_cu_notify_fn pq_cu_notify;

const char *pq_run_state_name(enum pq_run_state s)
{
	static const char *const names[] = {
		[PQ_RUN_IDLE] = "idle", [PQ_RUN_QUEUED] = "queued", [PQ_RUN_RUNNING] = "running",
		[PQ_RUN_DONE] = "done", [PQ_RUN_ERROR] = "error",   [PQ_RUN_TIMEOUT] = "timeout",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

static void cu_run_free(struct pq_run *r)
{
	for (size_t i = 0; i < r->nargs; i++)
		pq_buffer_put(r->bufs[i]);
	free(r->bufs);
	free(r->bits);
	free(r);
}

/* Lock each distinct buffer of a run once, in arg order. */
static void cu_lock_bufs(struct pq_run *r, bool lock)
{
	for (size_t i = 0; i < r->nargs; i++) {
		bool seen = false;

		if (!r->bufs[i])
			continue;
		for (size_t j = 0; j < i; j++)
			seen |= r->bufs[j] == r->bufs[i];
		if (seen)
			continue;
		if (lock)
			pthread_rwlock_rdlock(&r->bufs[i]->lock);
		else
			pthread_rwlock_unlock(&r->bufs[i]->lock);
	}
}

/* Write an arg's value into the shadow registers, as a start would. */
static void cu_reg_store(struct pq_cu_rt *cu, size_t a, uint64_t bits)
{
	const struct pq_arg *g = &cu->k->args[a];
	size_t words = g->size > 4 ? 2 : 1;

	if (g->aq == PQ_AQ_STREAM || g->offset % 4 || g->offset + 4 * words > cu->reg_bytes)
		return;
	cu->regs[g->offset / 4] = (uint32_t)bits;
	if (words == 2)
		cu->regs[g->offset / 4 + 1] = (uint32_t)(bits >> 32);
}

static void *cu_worker(void *arg)
{
	struct pq_cu_rt *cu = arg;
	struct pq_card *card = cu->card;

	pthread_mutex_lock(&cu->lock);
	for (;;) {
		struct pq_runarg *args;
		struct pq_run *r;
		char why[256] = "", line[300];
		uint64_t us = 0, seq;
		int ret;

		while (!cu->head && !cu->stop)
			pthread_cond_wait(&cu->cond, &cu->lock);
		if (!cu->head)
			break;
		r = cu->head;
		cu->head = r->next;
		if (!cu->head)
			cu->tail = NULL;
		cu->running = true;
		cu->state = PQ_RUN_RUNNING;
		pthread_mutex_unlock(&cu->lock);

		/* Buffers can't move or shrink while the kernel uses them. */
		cu_lock_bufs(r, true);
		args = calloc(r->nargs + 1, sizeof(*args));
		ret = args ? 0 : -ENOMEM;
		for (size_t i = 0; !ret && i < r->nargs; i++) {
			args[i].bits = r->bits[i];
			if (!r->bufs[i])
				continue;
			args[i].bo = r->bufs[i]->bo;
			if (!args[i].bo) {
				snprintf(why, sizeof(why), "%s: its buffer is empty",
					 cu->k->args[i].name);
				ret = -EINVAL;
			}
		}
		if (!ret)
			ret = card->ops->run(card, cu->dpriv, cu->index, args, r->nargs, &us, why,
					     sizeof(why));
		cu_lock_bufs(r, false);
		free(args);
		seq = r->seq;
		/* Drop buffer references before the run counts as finished. */
		cu_run_free(r);

		if (ret)
			pq_log_add(&card->log, "kernels/%s: run %s: %s", cu->cu->name,
				   ret == -ETIMEDOUT ? "timed out" : "failed", why);
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
		if (cu->head)
			cu->state = PQ_RUN_QUEUED;
		cu->done_unread = true;
		snprintf(line, sizeof(line), "%s", cu->last);
		pthread_cond_broadcast(&cu->cond);
		pthread_mutex_unlock(&cu->lock);
		if (pq_cu_notify)
			pq_cu_notify(cu, seq, ret == 0, line);
		pthread_mutex_lock(&cu->lock);
	}
	pthread_mutex_unlock(&cu->lock);
	return NULL;
}

int pq_cus_create(struct pq_card *card, const struct pq_design *d, void *dpriv,
		  struct pq_cu_rt **out)
{
	struct pq_cu_rt *cus = calloc(d->ncus ? d->ncus : 1, sizeof(*cus));
	size_t i;

	*out = NULL;
	if (!cus)
		return -ENOMEM;
	for (i = 0; i < d->ncus; i++) {
		struct pq_cu_rt *cu = &cus[i];
		size_t nargs;

		cu->card = card;
		cu->dpriv = dpriv;
		cu->index = i;
		cu->cu = &d->cus[i];
		cu->k = &d->kernels[cu->cu->kernel];
		nargs = cu->k->nargs;
		pthread_mutex_init(&cu->lock, NULL);
		pthread_cond_init(&cu->cond, NULL);
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
	*out = cus;
	return 0;
fail:
	pq_cus_destroy(cus, i + 1);
	return -ENOMEM;
}

void pq_cus_destroy(struct pq_cu_rt *cus, size_t n)
{
	for (size_t i = 0; cus && i < n; i++) {
		struct pq_cu_rt *cu = &cus[i];

		if (cu->has_worker) {
			pthread_mutex_lock(&cu->lock);
			cu->stop = true;
			pthread_cond_broadcast(&cu->cond);
			pthread_mutex_unlock(&cu->lock);
			pthread_join(cu->worker, NULL);
		}
		while (cu->head) {
			struct pq_run *r = cu->head;

			cu->head = r->next;
			cu_run_free(r);
		}
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
		if (cu->card) {
			pthread_cond_destroy(&cu->cond);
			pthread_mutex_destroy(&cu->lock);
		}
	}
	free(cus);
}

bool pq_cus_busy(struct pq_cu_rt *cus, size_t n)
{
	bool busy = false;

	for (size_t i = 0; i < n && !busy; i++) {
		pthread_mutex_lock(&cus[i].lock);
		busy = cus[i].started != cus[i].finished;
		pthread_mutex_unlock(&cus[i].lock);
	}
	return busy;
}

int pq_cu_start(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs, uint64_t *seq)
{
	struct pq_run *r = calloc(1, sizeof(*r));
	size_t nargs = cu->k->nargs;

	if (!r) {
		for (size_t i = 0; i < nargs; i++)
			pq_buffer_put(bufs[i]);
		free(bufs);
		free(bits);
		return -ENOMEM;
	}
	r->bits = bits;
	r->bufs = bufs;
	r->nargs = nargs;
	pthread_mutex_lock(&cu->lock);
	/* The registers show the last start's args, as a CU's would. */
	for (size_t a = 0; a < nargs; a++) {
		uint64_t v = bits[a];

		if (bufs[a] && pq_buffer_address(bufs[a], &v))
			v = 0;
		cu_reg_store(cu, a, v);
	}
	r->seq = ++cu->started;
	*seq = r->seq;
	if (cu->tail)
		cu->tail->next = r;
	else
		cu->head = r;
	cu->tail = r;
	if (!cu->running)
		cu->state = PQ_RUN_QUEUED;
	pthread_cond_broadcast(&cu->cond);
	pthread_mutex_unlock(&cu->lock);
	return 0;
}

uint64_t pq_cu_pending(struct pq_cu_rt *cu)
{
	uint64_t n;

	pthread_mutex_lock(&cu->lock);
	n = cu->started - cu->finished;
	pthread_mutex_unlock(&cu->lock);
	return n;
}

static int cu_reg_check(struct pq_cu_rt *cu, uint64_t off, size_t len)
{
	if (off % 4 || len % 4) {
		pq_log_add(
			&cu->card->log,
			"kernels/%s/registers: offset %llu and length %zu must be multiples of 4",
			cu->cu->name, (unsigned long long)off, len);
		return -EINVAL;
	}
	return 0;
}

int pq_cu_reg_read(struct pq_cu_rt *cu, uint64_t off, void *buf, size_t len)
{
	uint32_t *w = buf;
	int ret = cu_reg_check(cu, off, len);

	if (ret)
		return ret;
	if (off >= cu->reg_bytes)
		return 0;
	if (len > cu->reg_bytes - off)
		len = cu->reg_bytes - off;
	pthread_mutex_lock(&cu->lock);
	memcpy(buf, (uint8_t *)cu->regs + off, len);
	if (off == 0 && len) {
		/* ap_ctrl_hs: START while busy; IDLE and READY when not; DONE once. */
		bool busy = cu->started != cu->finished;

		w[0] = busy ? AP_START : AP_IDLE | AP_READY;
		if (!busy && cu->done_unread)
			w[0] |= AP_DONE;
		cu->done_unread &= busy;
	}
	pthread_mutex_unlock(&cu->lock);
	return (int)len;
}

int pq_cu_reg_write(struct pq_cu_rt *cu, uint64_t off, const void *buf, size_t len, bool *start)
{
	int ret = cu_reg_check(cu, off, len);

	*start = false;
	if (ret)
		return ret;
	if (off >= cu->reg_bytes || len > cu->reg_bytes - off) {
		pq_log_add(&cu->card->log,
			   "kernels/%s/registers: %zu bytes at offset %llu go past the control "
			   "space (%zu bytes)",
			   cu->cu->name, len, (unsigned long long)off, cu->reg_bytes);
		return -EINVAL;
	}
	pthread_mutex_lock(&cu->lock);
	memcpy((uint8_t *)cu->regs + off, buf, len);
	if (off == 0) {
		*start = (cu->regs[0] & AP_START) != 0;
		cu->regs[0] = 0; /* the control word is computed on read */
	}
	pthread_mutex_unlock(&cu->lock);
	return (int)len;
}

uint64_t pq_cu_reg_arg(struct pq_cu_rt *cu, size_t a)
{
	const struct pq_arg *g = &cu->k->args[a];
	uint64_t v = 0;

	pthread_mutex_lock(&cu->lock);
	if (g->offset % 4 == 0 && g->offset + 4 <= cu->reg_bytes) {
		v = cu->regs[g->offset / 4];
		if (g->size > 4 && g->offset + 8 <= cu->reg_bytes)
			v |= (uint64_t)cu->regs[g->offset / 4 + 1] << 32;
	}
	pthread_mutex_unlock(&cu->lock);
	return v;
}
