// SPDX-License-Identifier: MIT
/* Cards: opening, the state machine, programming and freeing (SPEC §3). */
#define _GNU_SOURCE
#include "card_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "partition.h"
#include "summary.h"

static const char *card_state_name(enum pq_card_state s)
{
	static const char *const names[] = {
		[PQ_CARD_EMPTY] = "empty",
		[PQ_CARD_PROGRAMMING] = "programming",
		[PQ_CARD_READY] = "ready",
		[PQ_CARD_ERROR] = "error",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

/* Re-render `summary` after a state or design change; lock held. */
static void card_summarize(struct pq_card *card)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return; /* keep the old text: better stale than none */
	fprintf(f, "card%u: %s (%s), %s\n", card->index, card->name, card->ops->name,
		card_state_name(card->state));
	if (card->cur) {
		fprintf(f, "overlay: %zu bytes\n", card->cur->image_len);
		pq_summary_design(f, card->cur->design);
	} else {
		fprintf(f, "No design loaded: cp a design.xclbin to overlay.\n");
	}
	if (fclose(f)) {
		free(text);
		return;
	}
	free(card->summary);
	card->summary = text;
	card->summary_len = len;
}

static void card_set_state(struct pq_card *card, enum pq_card_state s)
{
	card->state = s;
	card_summarize(card);
}

int pq_card_new(const struct pq_card_params *p, struct pq_card **out, char *why, size_t whylen)
{
	const struct pq_backend_ops *ops = p->ops;
	struct pq_backend_conf bc = {
		.index = p->index,
		.name = p->name,
		.device = p->device,
		.emulation = p->emulation,
		.kernel_path = p->kernel_path,
		.nkernel_path = p->nkernel_path,
	};
	struct pq_card *card;
	char shell[256] = "";
	int ret;

	*out = NULL;
	card = calloc(1, sizeof(*card));
	if (!card)
		return -ENOMEM;
	card->index = p->index;
	card->ops = ops;
	card->any_shell = p->any_shell;
	card->run_timeout_ms = p->run_timeout_ms;
	card->resolve = p->resolve;
	card->resolve_ctx = p->resolve_ctx;
	card->access = p->access;
	card->changed = p->changed;
	card->max_queued = p->max_queued ? p->max_queued : 1024;
	ret = pq_log_init(&card->log, p->log_lines);
	if (ret)
		goto err_card;
	bc.log = &card->log;
	ret = ops->open(&bc, &card->dev, shell, sizeof(shell), why, whylen);
	if (ret)
		goto err_log;
	card->name = strdup(shell[0] ? shell : p->name ? p->name : "");
	if (!card->name) {
		ret = -ENOMEM;
		goto err_dev;
	}
	/* The device's word on its interface first, the config's where it has none. */
	if (!ops->shell_iface || ops->shell_iface(card->dev, shell, sizeof(shell)) ||
	    pq_iface_uuid_norm(shell, strlen(shell), card->iface)) {
		card->iface[0] = '\0';
		if (p->interface_uuid &&
		    pq_iface_uuid_norm(p->interface_uuid, strlen(p->interface_uuid), card->iface)) {
			snprintf(why, whylen, "interface_uuid '%s' is not 32 hex digits",
				 p->interface_uuid);
			ret = -EINVAL;
			goto err_name;
		}
	}
	pthread_mutex_init(&card->load_lock, NULL);
	pthread_mutex_init(&card->lock, NULL);
	pthread_cond_init(&card->drained, NULL);
	card_set_state(card, PQ_CARD_EMPTY);
	*out = card;
	return 0;
err_name:
	free(card->name);
err_dev:
	ops->close(card->dev);
err_log:
	pq_log_destroy(&card->log);
err_card:
	free(card);
	return ret;
}

int pq_card_count_devices(const struct pq_backend_ops *ops, const char *emulation, char *why,
			  size_t whylen)
{
	return pq_bk_count(ops, emulation, why, whylen);
}

/* Free a detached design: no reference, run or buffer is left on it. */
static void card_release(struct pq_card *card, struct pq_loaded *ld)
{
	if (!ld)
		return;
	pq_cus_destroy(ld);
	card->ops->unload(ld->dd);
	pq_design_free(ld->design);
	pthread_mutex_destroy(&ld->bank_lock);
	free(ld->bank_used);
	free(ld->image);
	free(ld);
}

/* Take the design off the card and wait out calls in flight on it. */
static struct pq_loaded *card_detach(struct pq_card *card)
{
	struct pq_loaded *old = card->cur;

	card->cur = NULL;
	card->generation++;
	while (old && old->refs)
		pthread_cond_wait(&card->drained, &card->lock);
	return old;
}

void pq_card_destroy(struct pq_card *card)
{
	struct pq_loaded *old;

	if (!card)
		return;
	pthread_mutex_lock(&card->load_lock);
	pthread_mutex_lock(&card->lock);
	old = card_detach(card);
	pthread_mutex_unlock(&card->lock);
	card_release(card, old);
	pthread_mutex_unlock(&card->load_lock);
	card->ops->close(card->dev);
	pthread_cond_destroy(&card->drained);
	pthread_mutex_destroy(&card->lock);
	pthread_mutex_destroy(&card->load_lock);
	pq_log_destroy(&card->log);
	free(card->summary);
	free(card->name);
	free(card);
}

unsigned pq_card_index(const struct pq_card *card)
{
	return card->index;
}

const char *pq_card_name(const struct pq_card *card)
{
	return card->name;
}

const char *pq_card_backend(const struct pq_card *card)
{
	return card->ops->name;
}

void pq_card_log(struct pq_card *card, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	pq_log_add(&card->log, "%s", msg ? msg : "out of memory");
	free(msg);
}

static void card_log_to_syslog(void *arg, const char *line)
{
	syslog(LOG_INFO, "card%u: %s", ((struct pq_card *)arg)->index, line);
}

void pq_card_log_restart(struct pq_card *card)
{
	pq_log_clear(&card->log, card_log_to_syslog, card);
}

void pq_card_log_dump(struct pq_card *card, FILE *f)
{
	pq_log_dump(&card->log, f);
}

size_t pq_card_log_size(struct pq_card *card)
{
	return pq_log_size(&card->log);
}

const char *pq_card_state(struct pq_card *card)
{
	const char *s;

	pthread_mutex_lock(&card->lock);
	s = card_state_name(card->state);
	pthread_mutex_unlock(&card->lock);
	return s;
}

uint64_t pq_card_generation(struct pq_card *card)
{
	uint64_t g;

	pthread_mutex_lock(&card->lock);
	g = card->generation;
	pthread_mutex_unlock(&card->lock);
	return g;
}

int pq_card_uuid(struct pq_card *card, char *buf)
{
	int ret = -ENODATA;

	pthread_mutex_lock(&card->lock);
	if (card->cur) {
		pq_uuid_format(card->cur->design->uuid, buf);
		ret = 0;
	}
	pthread_mutex_unlock(&card->lock);
	return ret;
}

int pq_card_summary(struct pq_card *card, char **out, size_t *len)
{
	int ret = 0;

	pthread_mutex_lock(&card->lock);
	*len = card->summary_len;
	*out = malloc(*len + 1);
	if (*out)
		memcpy(*out, card->summary, *len);
	else
		ret = -ENOMEM;
	pthread_mutex_unlock(&card->lock);
	return ret;
}

size_t pq_card_summary_size(struct pq_card *card)
{
	size_t len;

	pthread_mutex_lock(&card->lock);
	len = card->summary_len;
	pthread_mutex_unlock(&card->lock);
	return len;
}

uint64_t pq_card_image_size(struct pq_card *card)
{
	uint64_t len;

	pthread_mutex_lock(&card->lock);
	len = card->cur ? card->cur->image_len : 0;
	pthread_mutex_unlock(&card->lock);
	return len;
}

size_t pq_card_image_read(struct pq_card *card, uint64_t off, void *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&card->lock);
	if (card->cur && off < card->cur->image_len) {
		n = card->cur->image_len - (size_t)off;
		n = n < len ? n : len;
		memcpy(buf, card->cur->image + off, n);
	}
	pthread_mutex_unlock(&card->lock);
	return n;
}

struct pq_loaded *pq_ld_get(struct pq_card *card, uint64_t generation)
{
	struct pq_loaded *ld;

	pthread_mutex_lock(&card->lock);
	ld = card->cur;
	if (ld && ld->generation == generation)
		ld->refs++;
	else
		ld = NULL;
	pthread_mutex_unlock(&card->lock);
	return ld;
}

void pq_ld_put(struct pq_loaded *ld)
{
	struct pq_card *card;

	if (!ld)
		return;
	card = ld->card;
	pthread_mutex_lock(&card->lock);
	if (--ld->refs == 0 && card->cur != ld)
		pthread_cond_broadcast(&card->drained);
	pthread_mutex_unlock(&card->lock);
}

/* Refuse to replace a design that is in use; lock held. */
static int card_check_idle(struct pq_card *card, const char *action)
{
	if (card->state == PQ_CARD_PROGRAMMING) {
		pq_log_add(&card->log, "overlay: %s refused: the card is being programmed", action);
		return -EBUSY;
	}
	if (card->cur && pq_cus_busy(card->cur)) {
		pq_log_add(&card->log,
			   "overlay: %s refused: a kernel is still running (read its run file to "
			   "wait for it; a run that timed out and still executes holds the card "
			   "until it ends: its log line says so)",
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

int pq_card_check_idle(struct pq_card *card, const char *action)
{
	int ret;

	pthread_mutex_lock(&card->lock);
	ret = card_check_idle(card, action);
	pthread_mutex_unlock(&card->lock);
	return ret;
}

/*
 * Does the xclbin fit this card's shell? As XRT's driver decides: by the
 * shell interfaces it needs (interface UUIDs), where it names them and the
 * card has one; by the platform's name otherwise. The log says which.
 */
static int card_shell_check(struct pq_card *card, const struct pq_design *d)
{
	bool named = d->niface && card->iface[0];

	for (size_t i = 0; named && i < d->niface; i++) {
		if (strcmp(d->iface[i], card->iface)) {
			pq_log_add(&card->log,
				   "overlay: not loaded, shell mismatch: the xclbin needs shell "
				   "interface %s, and this card's is %s (compared interface UUIDs; "
				   "any_shell = true in the config allows it)",
				   d->iface[i], card->iface);
			return -EINVAL;
		}
	}
	if (named) {
		if (strcmp(d->shell, card->name))
			pq_log_add(&card->log,
				   "overlay: shell check: the xclbin's interface UUID %s is this "
				   "card's, so its platform '%s' may differ from the card's name",
				   card->iface, d->shell);
		return 0;
	}
	if (!strcmp(d->shell, card->name))
		return 0;
	pq_log_add(
		&card->log,
		"overlay: not loaded, shell mismatch: the xclbin is built for '%s' but this card "
		"is '%s' (compared platform names: %s; any_shell = true in the config allows "
		"it)",
		d->shell, card->name,
		d->niface ? "this card has no interface UUID (interface_uuid in the config)"
			  : "the xclbin names no shell interface");
	return -EINVAL;
}

/* Parse and check an image before the card is touched. */
static int card_validate(struct pq_card *card, const uint8_t *img, size_t len,
			 struct pq_design **out)
{
	struct pq_design *d = NULL;
	char err[512];
	int ret;

	*out = NULL;
	ret = pq_xclbin_parse(img, len, &d, err, sizeof(err));
	if (ret) {
		pq_log_add(&card->log, "overlay: not loaded, malformed xclbin: %s", err);
		return ret == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	if (!card->any_shell && (ret = card_shell_check(card, d))) {
		pq_design_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

/* The runtime of a design the device has just loaded. */
static int card_loaded_new(struct pq_card *card, struct pq_design *d, const uint8_t *img,
			   size_t len, void *dd, struct pq_loaded **out)
{
	struct pq_loaded *ld = calloc(1, sizeof(*ld));

	*out = NULL;
	if (!ld)
		return -ENOMEM;
	ld->card = card;
	ld->design = d;
	ld->dd = dd;
	ld->image_len = len;
	ld->image = malloc(len ? len : 1);
	ld->bank_used = calloc(d->nbanks + 1, sizeof(*ld->bank_used));
	pthread_mutex_init(&ld->bank_lock, NULL);
	if (!ld->image || !ld->bank_used || pq_cus_create(ld)) {
		pthread_mutex_destroy(&ld->bank_lock);
		free(ld->image);
		free(ld->bank_used);
		free(ld);
		return -ENOMEM;
	}
	memcpy(ld->image, img, len);
	*out = ld;
	return 0;
}

int pq_card_program(struct pq_card *card, const uint8_t *img, size_t len)
{
	struct pq_loaded *ld = NULL, *old;
	enum pq_card_state prev;
	struct pq_design *d;
	char why[256] = "", uuid[37], project[128];
	void *dd = NULL;
	int ret;

	ret = card_validate(card, img, len, &d);
	if (ret)
		return ret;
	pthread_mutex_lock(&card->load_lock);
	pthread_mutex_lock(&card->lock);
	ret = card_check_idle(card, "loading a new xclbin");
	if (ret) {
		pthread_mutex_unlock(&card->lock);
		pthread_mutex_unlock(&card->load_lock);
		pq_design_free(d);
		return ret;
	}
	prev = card->state;
	card_set_state(card, PQ_CARD_PROGRAMMING);
	pthread_mutex_unlock(&card->lock);

	ret = card->ops->load(card->dev, d, img, len, &dd, why, sizeof(why));
	if (!ret) {
		ret = card_loaded_new(card, d, img, len, dd, &ld);
		if (ret)
			card->ops->unload(dd);
	}
	pthread_mutex_lock(&card->lock);
	if (ret) {
		/* Out of memory here leaves the device as it was; a refusal may not. */
		card_set_state(card, ret == -ENOMEM ? prev : PQ_CARD_ERROR);
		pthread_mutex_unlock(&card->lock);
		pthread_mutex_unlock(&card->load_lock);
		pq_log_add(&card->log, "overlay: the %s device refused the xclbin: %s",
			   card->ops->name, why[0] ? why : strerror(-ret));
		pq_design_free(d);
		return ret == -ENOMEM ? -ENOMEM : -EIO;
	}
	old = card_detach(card);
	ld->generation = card->generation;
	card->cur = ld;
	card_set_state(card, PQ_CARD_READY);
	/* Whatever the log says, say it from what is ours now, not card->cur. */
	pq_uuid_format(d->uuid, uuid);
	snprintf(project, sizeof(project), "%s", d->project ? d->project : "xclbin");
	pthread_mutex_unlock(&card->lock);
	pq_log_add(&card->log, "overlay: loaded %s (%zu bytes, uuid %s)", project, len, uuid);
	/* d is ld's, freed only by a load or free, which wait for load_lock. */
	if (d->defaults)
		pq_log_add(&card->log, "overlay: %s", d->defaults);
	card_release(card, old);
	pthread_mutex_unlock(&card->load_lock);
	return 0;
}

int pq_card_free(struct pq_card *card)
{
	struct pq_loaded *old = NULL;
	int ret;

	pthread_mutex_lock(&card->load_lock);
	pthread_mutex_lock(&card->lock);
	ret = card_check_idle(card, "freeing the design");
	if (!ret && card->cur) {
		old = card_detach(card);
		pq_log_add(&card->log, "overlay: design freed");
	}
	if (!ret)
		card_set_state(card, PQ_CARD_EMPTY);
	pthread_mutex_unlock(&card->lock);
	card_release(card, old);
	pthread_mutex_unlock(&card->load_lock);
	return ret;
}

int pq_card_bank_usage(struct pq_card *card, uint64_t generation, size_t bank, uint64_t *cap,
		       uint64_t *used)
{
	struct pq_loaded *ld = pq_ld_get(card, generation);

	if (!ld)
		return -ENOENT;
	if (bank >= ld->design->nbanks || !pq_bank_visible(&ld->design->banks[bank])) {
		pq_ld_put(ld);
		return -ENOENT;
	}
	*cap = ld->design->banks[bank].size;
	pthread_mutex_lock(&ld->bank_lock);
	*used = ld->bank_used[bank];
	pthread_mutex_unlock(&ld->bank_lock);
	pq_ld_put(ld);
	return 0;
}

static uint64_t card_round(uint64_t v)
{
	return v > UINT64_MAX - (PQ_BANK_ALIGN - 1)
		       ? UINT64_MAX & ~(PQ_BANK_ALIGN - 1)
		       : (v + PQ_BANK_ALIGN - 1) & ~(PQ_BANK_ALIGN - 1);
}

int pq_bank_reserve(struct pq_loaded *ld, size_t bank, uint64_t from, uint64_t to)
{
	uint64_t cap = ld->design->banks[bank].size, a = card_round(from), b = card_round(to);
	int ret = 0;

	pthread_mutex_lock(&ld->bank_lock);
	if (b > a && b - a > cap - ld->bank_used[bank])
		ret = -ENOSPC;
	else
		ld->bank_used[bank] = ld->bank_used[bank] - a + b;
	pthread_mutex_unlock(&ld->bank_lock);
	return ret;
}

const char *pq_card_iface(const struct pq_card *card)
{
	return card->iface;
}
