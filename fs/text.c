// SPDX-License-Identifier: MIT
/*
 * Generated text files, one value per file, newline-terminated: cards,
 * name, backend, state, uuid, summary, log, streams/<dc_N>, and a CU's
 * signature, state and stats. An open takes a snapshot, so that several
 * reads of one open see one consistent text.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fs_text_cards(const struct fs_node *n, FILE *f)
{
	for (size_t i = 0; i < n->fs->ncards; i++) {
		struct pq_card *c = n->fs->cards[i].card;

		fprintf(f, "card%u %s %s\n", pq_card_index(c), pq_card_name(c), pq_card_backend(c));
	}
	return 0;
}

int fs_text_name(const struct fs_node *n, FILE *f)
{
	fprintf(f, "%s\n", pq_card_name(n->card));
	return 0;
}

int fs_text_backend(const struct fs_node *n, FILE *f)
{
	fprintf(f, "%s\n", pq_card_backend(n->card));
	return 0;
}

int fs_text_state(const struct fs_node *n, FILE *f)
{
	fprintf(f, "%s\n", pq_card_state(n->card));
	return 0;
}

int fs_text_uuid(const struct fs_node *n, FILE *f)
{
	char uuid[37];

	/* Empty when nothing is loaded (SPEC §1). */
	if (pq_card_uuid(n->card, uuid) == 0)
		fprintf(f, "%s\n", uuid);
	return 0;
}

int fs_text_summary(const struct fs_node *n, FILE *f)
{
	char *text;
	size_t len;
	int ret = pq_card_summary(n->card, &text, &len);

	if (!ret)
		fwrite(text, 1, len, f);
	free(text);
	return ret;
}

int fs_text_log(const struct fs_node *n, FILE *f)
{
	pq_card_log_dump(n->card, f);
	return 0;
}

/* Fixed by the design: a stream's ends, a CU's signature. */
int fs_text_fixed(const struct fs_node *n, FILE *f)
{
	if (n->kind == FS_SIGNATURE)
		fprintf(f, "%s\n", n->text ? n->text : "");
	else if (n->text)
		fputs(n->text, f);
	return 0;
}

int fs_text_cu_state(const struct fs_node *n, FILE *f)
{
	const char *word;
	int ret = pq_cu_state(n->card, n->gen, n->index, &word);

	if (!ret)
		fprintf(f, "%s\n", word);
	return ret == -ENOENT ? 0 : ret; /* an old design's file: empty */
}

int fs_text_cu_stats(const struct fs_node *n, FILE *f)
{
	struct pq_cu_stats st;
	int ret = pq_cu_stats(n->card, n->gen, n->index, &st);

	if (ret)
		return ret == -ENOENT ? 0 : ret;
	fprintf(f,
		"starts: %llu\ndone: %llu\nerrors: %llu\ntimeouts: %llu\npending: %llu\n"
		"last_us: %llu\nmean_us: %llu\n",
		(unsigned long long)st.starts, (unsigned long long)st.done,
		(unsigned long long)st.errors, (unsigned long long)st.timeouts,
		(unsigned long long)st.pending, (unsigned long long)st.last_us,
		(unsigned long long)st.mean_us);
	return 0;
}

/* The text of n, malloc'd. */
static int text_render(const struct fs_node *n, char **out, size_t *len)
{
	FILE *f;
	int ret;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -ENOMEM;
	ret = fs_kinds[n->kind].render(n, f);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

static int text_open(struct fs_node *n, struct fs_handle *h, struct fuse_file_info *fi)
{
	(void)fi;
	return text_render(n, &h->data, &h->len);
}

static void text_read(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size,
		      off_t off)
{
	size_t len = (uint64_t)off < h->len ? h->len - (size_t)off : 0;

	(void)n;
	fs_reply_copy(req, len ? h->data + off : NULL, len < size ? len : size);
}

static off_t text_size(struct fs_node *n)
{
	char *text;
	size_t len;

	/* The two that grow large keep their size: no rendering per stat. */
	if (n->kind == FS_LOG)
		return (off_t)pq_card_log_size(n->card);
	if (n->kind == FS_SUMMARY)
		return (off_t)pq_card_summary_size(n->card);
	if (text_render(n, &text, &len))
		return 0;
	free(text);
	return (off_t)len;
}

const struct fs_file_ops fs_text_ops = {
	.open = text_open,
	.read = text_read,
	.size = text_size,
};
