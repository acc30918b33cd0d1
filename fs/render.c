// SPDX-License-Identifier: MIT
/* The text of generated files: one value per file, newline-terminated. */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdlib.h>

#include "kernel.h"
#include "summary.h"

static void render_summary(FILE *f, struct pq_card *card)
{
	fprintf(f, "card%u: %s (%s), %s\n", card->index, card->name, card->ops->name,
		pq_card_state_name(card->state));
	if (!card->design) {
		fprintf(f, "No design loaded: cp a design.xclbin to overlay.\n");
		return;
	}
	fprintf(f, "overlay: %zu bytes\n", card->image_len);
	pq_summary_design(f, card->design);
}

static void render_stream(FILE *f, const struct fs_node *n)
{
	const struct pq_design *d = n->card->design;
	const struct pq_stream *st;
	char a[96], b[96];

	/* A node from an older design has nothing to say. */
	if (!d || n->gen != n->card->generation || n->index >= d->nstreams)
		return;
	st = &d->streams[n->index];
	pq_stream_end(d, st->src_cu, st->src_arg, a, sizeof(a));
	pq_stream_end(d, st->sink_cu, st->sink_arg, b, sizeof(b));
	fprintf(f, "source=%s sink=%s\n", a, b);
}

int fs_render(const struct fs_node *n, char **out, size_t *len)
{
	struct pq_card *card = n->card;
	char uuid[37];
	FILE *f;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -ENOMEM;
	if (card)
		pthread_mutex_lock(&card->lock);
	switch (n->kind) {
	case FS_CARDS:
		for (size_t i = 0; i < fs_state.ncards; i++)
			fprintf(f, "card%u %s %s\n", fs_state.cards[i].index,
				fs_state.cards[i].name, fs_state.cards[i].ops->name);
		break;
	case FS_NAME:
		fprintf(f, "%s\n", card->name);
		break;
	case FS_BACKEND:
		fprintf(f, "%s\n", card->ops->name);
		break;
	case FS_STATE:
		fprintf(f, "%s\n", pq_card_state_name(card->state));
		break;
	case FS_UUID:
		/* Empty when nothing is loaded (SPEC §1). */
		if (card->design) {
			pq_uuid_format(card->design->uuid, uuid);
			fprintf(f, "%s\n", uuid);
		}
		break;
	case FS_SUMMARY:
		render_summary(f, card);
		break;
	case FS_LOG:
		pq_log_dump(&card->log, f);
		break;
	case FS_STREAM:
		render_stream(f, n);
		break;
	case FS_SIGNATURE:
	case FS_ARGS:
	case FS_CUSTATE:
	case FS_STATS:
		kn_render(n, f);
		break;
	default:
		break;
	}
	if (card)
		pthread_mutex_unlock(&card->lock);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
