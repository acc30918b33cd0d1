// SPDX-License-Identifier: MIT
/* The card state machine and programming (SPEC §3). */
#include "card.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include "summary.h"

const char *pq_card_state_name(enum pq_card_state s)
{
	static const char *const names[] = {
		[PQ_CARD_EMPTY] = "empty",
		[PQ_CARD_PROGRAMMING] = "programming",
		[PQ_CARD_READY] = "ready",
		[PQ_CARD_ERROR] = "error",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

int pq_card_init(struct pq_card *card, unsigned index, const char *name,
		 const struct pq_backend_ops *ops, size_t log_lines)
{
	int ret;

	memset(card, 0, sizeof(*card));
	card->index = index;
	card->ops = ops;
	card->name = strdup(name);
	if (!card->name)
		return -ENOMEM;
	ret = pq_log_init(&card->log, log_lines);
	if (ret)
		goto err_name;
	pthread_mutex_init(&card->lock, NULL);
	ret = ops->open(card);
	if (ret)
		goto err_log;
	return 0;
err_log:
	pthread_mutex_destroy(&card->lock);
	pq_log_destroy(&card->log);
err_name:
	free(card->name);
	card->name = NULL;
	return ret;
}

/* What a design leaves behind once detached from the card. */
struct card_old {
	struct pq_design *design;
	void *dpriv;
	uint8_t *image;
	struct pq_cu_rt *cus;
	size_t ncus;
};

/* Take the design off the card; called with the lock held. */
static struct card_old card_detach(struct pq_card *card)
{
	struct card_old o = {card->design, card->dpriv, card->image, card->cus, card->ncus};

	card->design = NULL;
	card->dpriv = NULL;
	card->image = NULL;
	card->image_len = 0;
	card->cus = NULL;
	card->ncus = 0;
	return o;
}

/* Free a detached design, without the lock: workers are joined here. */
static void card_release(struct pq_card *card, struct card_old *o)
{
	pq_cus_destroy(o->cus, o->ncus);
	if (o->design)
		card->ops->unload(card, o->dpriv);
	pq_design_free(o->design);
	free(o->image);
}

void pq_card_destroy(struct pq_card *card)
{
	struct card_old o;

	if (!card->name)
		return;
	pthread_mutex_lock(&card->lock);
	o = card_detach(card);
	pthread_mutex_unlock(&card->lock);
	card_release(card, &o);
	card->ops->close(card);
	pthread_mutex_destroy(&card->lock);
	pq_log_destroy(&card->log);
	free(card->name);
	card->name = NULL;
}

/* Refuse to replace a design that is in use; called with the lock held. */
static int card_check_idle(struct pq_card *card, const char *action)
{
	if (card->state == PQ_CARD_PROGRAMMING) {
		pq_log_add(&card->log, "overlay: %s refused: the card is being programmed", action);
		return -EBUSY;
	}
	if (card->ncus && pq_cus_busy(card->cus, card->ncus)) {
		pq_log_add(&card->log,
			   "overlay: %s refused: a kernel is still running (read its "
			   "run file to wait for it)",
			   action);
		return -EBUSY;
	}
	if (card->nbuffers) {
		pq_log_add(&card->log,
			   "overlay: %s refused: %u buffer%s still allocated in banks/ "
			   "(remove them, and close any that are open, first)",
			   action, card->nbuffers, card->nbuffers == 1 ? " is" : "s are");
		return -EBUSY;
	}
	return 0;
}

int pq_card_program(struct pq_card *card, const uint8_t *img, size_t len)
{
	struct pq_design *d = NULL;
	struct card_old old = {0};
	struct pq_cu_rt *cus = NULL;
	enum pq_card_state prev;
	uint8_t *copy = NULL;
	void *dpriv = NULL;
	char err[512], uuid[37];
	int ret;

	ret = pq_xclbin_parse(img, len, &d, err, sizeof(err));
	if (ret) {
		pq_log_add(&card->log, "overlay: not loaded, malformed xclbin: %s", err);
		return ret == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	if (!card->any_shell && strcmp(d->shell, card->name)) {
		pq_log_add(&card->log,
			   "overlay: not loaded, shell mismatch: the xclbin is built for '%s' but "
			   "this card is '%s' (any_shell = true in the config allows it)",
			   d->shell, card->name);
		ret = -EINVAL;
		goto out;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(copy, img, len);

	pthread_mutex_lock(&card->lock);
	ret = card_check_idle(card, "loading a new xclbin");
	if (ret) {
		pthread_mutex_unlock(&card->lock);
		goto out;
	}
	prev = card->state;
	card->state = PQ_CARD_PROGRAMMING;
	pthread_mutex_unlock(&card->lock);

	ret = card->ops->load(card, d, copy, len, &dpriv);

	pthread_mutex_lock(&card->lock);
	if (!ret) {
		ret = pq_cus_create(card, d, dpriv, &cus);
		if (ret)
			card->ops->unload(card, dpriv);
	}
	if (ret) {
		card->state = ret == -ENOMEM ? prev : PQ_CARD_ERROR;
		pthread_mutex_unlock(&card->lock);
		pq_log_add(&card->log, "overlay: the %s device refused the xclbin: %s",
			   card->ops->name, strerror(-ret));
		ret = ret == -ENOMEM ? -ENOMEM : -EIO;
		goto out;
	}
	old = card_detach(card);
	card->design = d;
	card->dpriv = dpriv;
	card->image = copy;
	card->image_len = len;
	card->cus = cus;
	card->ncus = d->ncus;
	card->state = PQ_CARD_READY;
	card->generation++;
	d = NULL;
	copy = NULL;
	pq_uuid_format(card->design->uuid, uuid);
	pthread_mutex_unlock(&card->lock);
	pq_log_add(&card->log, "overlay: loaded %s (%zu bytes, uuid %s)",
		   card->design->project ? card->design->project : "xclbin", len, uuid);
	card_release(card, &old);
out:
	free(copy);
	pq_design_free(d);
	return ret;
}

int pq_card_free(struct pq_card *card)
{
	struct card_old old = {0};
	int ret;

	pthread_mutex_lock(&card->lock);
	ret = card_check_idle(card, "freeing the design");
	if (!ret && card->design) {
		old = card_detach(card);
		card->generation++;
		pq_log_add(&card->log, "overlay: design freed");
	}
	if (!ret)
		card->state = PQ_CARD_EMPTY;
	pthread_mutex_unlock(&card->lock);
	card_release(card, &old);
	return ret;
}
