// SPDX-License-Identifier: MIT
/*
 * A card's layout (card.h): what the filesystem shows of the loaded
 * design, its banks, CUs with their stream ports, and streams, copied out
 * under the card's lock at one generation.
 */
#define _GNU_SOURCE
#include "card_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

static int card_layout_fill(const struct pq_design *d, struct pq_layout *l)
{
	char a[96], b[96];

	l->banks = calloc(d->nbanks + 1, sizeof(*l->banks));
	l->cus = calloc(d->ncus + 1, sizeof(*l->cus));
	l->streams = calloc(d->nstreams + 1, sizeof(*l->streams));
	if (!l->banks || !l->cus || !l->streams)
		return -ENOMEM;
	for (size_t i = 0; i < d->nbanks; i++) {
		struct pq_layout_bank *lb = &l->banks[l->nbanks];

		if (!pq_bank_visible(&d->banks[i]))
			continue;
		lb->index = i;
		l->nbanks++;
		if (!(lb->name = strdup(d->banks[i].name)) || !(lb->tag = strdup(d->banks[i].tag)))
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->ncus; i++) {
		const struct pq_cu *cu = &d->cus[i];
		const struct pq_kernel *k = &d->kernels[cu->kernel];
		struct pq_layout_cu *lc = &l->cus[l->ncus++];

		lc->index = i;
		lc->ports = calloc(k->nargs + 1, sizeof(*lc->ports));
		if (!lc->ports || !(lc->name = strdup(cu->name)) ||
		    !(lc->signature = pq_kernel_signature(k)))
			return -ENOMEM;
		for (size_t a = 0; a < k->nargs; a++) {
			struct pq_layout_port *p = &lc->ports[lc->nports];

			if (k->args[a].aq != PQ_AQ_STREAM || cu->arg_mem[a] < 0)
				continue;
			lc->nports++;
			if (!(p->arg = strdup(k->args[a].name)) ||
			    !(p->stream = strdup(d->banks[cu->arg_mem[a]].name)))
				return -ENOMEM;
		}
	}
	for (size_t i = 0; i < d->nstreams; i++) {
		const struct pq_stream *st = &d->streams[i];
		struct pq_layout_stream *ls = &l->streams[l->nstreams++];

		pq_stream_end(d, st->src_cu, st->src_arg, a, sizeof(a));
		pq_stream_end(d, st->sink_cu, st->sink_arg, b, sizeof(b));
		if (!(ls->name = strdup(d->banks[st->mem].name)) ||
		    asprintf(&ls->text, "source=%s sink=%s\n", a, b) < 0) {
			ls->text = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

int pq_card_layout(struct pq_card *card, struct pq_layout **out)
{
	struct pq_layout *l = calloc(1, sizeof(*l));
	int ret = 0;

	*out = NULL;
	if (!l)
		return -ENOMEM;
	pthread_mutex_lock(&card->lock);
	l->generation = card->generation;
	if (card->cur)
		ret = card_layout_fill(card->cur->design, l);
	pthread_mutex_unlock(&card->lock);
	if (ret) {
		pq_layout_free(l);
		return ret;
	}
	*out = l;
	return 0;
}

void pq_layout_free(struct pq_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nbanks; i++) {
		free(l->banks[i].name);
		free(l->banks[i].tag);
	}
	for (size_t i = 0; i < l->ncus; i++) {
		for (size_t p = 0; p < l->cus[i].nports; p++) {
			free(l->cus[i].ports[p].arg);
			free(l->cus[i].ports[p].stream);
		}
		free(l->cus[i].ports);
		free(l->cus[i].name);
		free(l->cus[i].signature);
	}
	for (size_t i = 0; i < l->nstreams; i++) {
		free(l->streams[i].name);
		free(l->streams[i].text);
	}
	free(l->banks);
	free(l->cus);
	free(l->streams);
	free(l);
}
