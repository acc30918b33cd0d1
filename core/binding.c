// SPDX-License-Identifier: MIT
/*
 * A CU's args: binding them from `args` text, showing them, and the checks
 * every start makes, whether its args come from `args` or from registers.
 */
#define _GNU_SOURCE
#include "card_priv.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* May buffer b be arg a of the CU? shown names it in the reason. */
int pq_cu_check_buffer(struct pq_cu_rt *cu, size_t a, struct pq_buffer *b, const char *shown,
		       char *why, size_t whylen)
{
	struct pq_card *card = cu->ld->card, *bc = pq_buffer_card(b);
	const struct pq_design *d = cu->ld->design;
	int want = cu->cu->arg_mem[a], last = cu->cu->arg_last[a];

	if (bc != card) {
		snprintf(why, whylen, "%s is on card%u, this kernel on card%u", PQ_Q(shown),
			 bc->index, card->index);
		return -EXDEV;
	}
	if (b->ld != cu->ld) {
		snprintf(why, whylen, "%s belongs to a design that is gone", PQ_Q(shown));
		return -EINVAL;
	}
	if (want >= 0 && ((size_t)want > b->bank || b->bank > (size_t)last)) {
		snprintf(why, whylen, "%s is in %s, but port %s connects to %s%s%s", PQ_Q(shown),
			 d->banks[b->bank].name, cu->k->args[a].port, d->banks[want].name,
			 last > want ? ".." : "", last > want ? d->banks[last].name : "");
		return -EINVAL;
	}
	return 0;
}

/* A buffer path through the filesystem's resolver, then the CU's checks. */
static int cu_resolve(struct pq_cu_rt *cu, size_t a, const char *path, struct pq_buffer **out,
		      char **canon, char *why, size_t whylen)
{
	struct pq_card *card = cu->ld->card;
	struct pq_buffer *b = NULL;
	char *shown = NULL;
	int ret;

	*out = NULL;
	if (!card->resolve) {
		snprintf(why, whylen, "%s: buffers can't be named here", PQ_Q(path));
		return -EINVAL;
	}
	ret = card->resolve(card->resolve_ctx, card, path, &b, &shown, why, whylen);
	if (ret)
		return ret == -ENOMEM ? ret : -EINVAL;
	ret = pq_cu_check_buffer(cu, a, b, shown ? shown : path, why, whylen);
	if (ret) {
		pq_buffer_put(b);
		free(shown);
		return ret;
	}
	*out = b;
	if (canon)
		*canon = shown;
	else
		free(shown);
	return 0;
}

void pq_range_format(const struct pq_range *r, char *buf, size_t len)
{
	if (!r->ranged)
		snprintf(buf, len, "%s", "");
	else if (r->has_end)
		snprintf(buf, len, "[%llu:%llu]", (unsigned long long)r->start,
			 (unsigned long long)r->end);
	else
		snprintf(buf, len, "[%llu:]", (unsigned long long)r->start);
}

int pq_range_bytes(const struct pq_range *r, uint64_t size, const char *shown, uint64_t *off,
		   uint64_t *len, char *why, size_t whylen)
{
	uint64_t end = r->ranged && r->has_end ? r->end : size;
	uint64_t start = r->ranged ? r->start : 0;
	char rg[48];

	if (end > size || start >= end) {
		pq_range_format(r, rg, sizeof(rg));
		snprintf(why, whylen, "%s%s: %s (the buffer has %llu bytes)", PQ_Q(shown), rg,
			 end > size ? "runs past the buffer's end" : "holds no byte",
			 (unsigned long long)size);
		return -EINVAL;
	}
	*off = start;
	*len = end - start;
	return 0;
}

/* A byte offset of a range: decimal or 0x, empty for dflt. */
static int bd_offset(const char *s, size_t n, uint64_t dflt, bool *given, uint64_t *out)
{
	char buf[32], *end;

	*given = n > 0;
	if (!n) {
		*out = dflt;
		return 0;
	}
	if (n >= sizeof(buf) || !isdigit((unsigned char)*s))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/*
 * "PATH[START:END]" -> the path's length and the range, or -EINVAL (why)
 * for a value that is no range.
 */
static int bd_range(const char *v, size_t *plen, struct pq_range *r, char *why, size_t whylen)
{
	size_t n = strlen(v);
	const char *open = n ? memrchr(v, '[', n) : NULL, *colon;

	memset(r, 0, sizeof(*r));
	if (!n || v[n - 1] != ']' || !open || open == v)
		return -EINVAL;
	colon = memchr(open, ':', (size_t)(v + n - 1 - open));
	if (!colon || bd_offset(open + 1, (size_t)(colon - open - 1), 0, &(bool){0}, &r->start) ||
	    bd_offset(colon + 1, (size_t)(v + n - 1 - colon - 1), 0, &r->has_end, &r->end)) {
		snprintf(why, whylen,
			 "%s: a byte range is [START:END], decimal or 0x, END exclusive, either "
			 "left out",
			 PQ_Q(open));
		return -EINVAL;
	}
	if (r->has_end && r->end <= r->start) {
		snprintf(why, whylen, "%s: END must be past START (END is exclusive)", PQ_Q(open));
		return -EINVAL;
	}
	r->ranged = true;
	*plen = (size_t)(open - v);
	return 0;
}

/*
 * A buffer arg's value: the buffer it names, else PATH[START:END] (a name
 * that itself ends in ']' and exists is that buffer, SPEC §5).
 */
static int bd_buffer(struct pq_cu_rt *cu, size_t a, const char *v, struct pq_buffer **b,
		     char **canon, struct pq_range *r, char *why, size_t whylen)
{
	char rwhy[200] = "", *path;
	size_t plen;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = cu_resolve(cu, a, v, b, canon, why, whylen);
	if (ret != -EINVAL || bd_range(v, &plen, r, rwhy, sizeof(rwhy)) == -EINVAL) {
		if (rwhy[0]) /* a range, wrongly written */
			snprintf(why, whylen, "%s", rwhy);
		return ret;
	}
	path = strndup(v, plen);
	if (!path)
		return -ENOMEM;
	ret = cu_resolve(cu, a, path, b, canon, why, whylen);
	free(path);
	if (ret)
		memset(r, 0, sizeof(*r));
	return ret;
}

/* Check args text; with store, bind it (all or none). */
static int cu_args(struct pq_card *card, uint64_t gen, size_t i, const char *text, size_t len,
		   bool partial, bool store)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	struct pq_binding *nb = NULL;
	struct pq_assign *as = NULL;
	char why[400] = "";
	size_t na = 0;
	bool rest;
	int ret;

	if (!cu)
		return -ENOENT;
	ret = pq_args_split(cu->k, text, len, partial, &as, &na, &rest, why, sizeof(why));
	if (ret)
		goto out;
	nb = calloc(na + 1, sizeof(*nb));
	if (!nb) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t t = 0; t < na && !ret; t++) {
		size_t a = (size_t)as[t].arg;
		const char *name = cu->k->args[a].name;
		char sub[300] = "";
		struct pq_buffer *b;

		if (!as[t].value[0])
			continue; /* "name=" unsets */
		if (cu->type_err[a]) {
			snprintf(why, sizeof(why), "%s: %s", name, cu->type_err[a]);
			ret = -EINVAL;
		} else if (cu->types[a].kind == PQ_C_PTR) {
			uint64_t off, rlen;

			ret = bd_buffer(cu, a, as[t].value, &b, &nb[t].path, &nb[t].range, sub,
					sizeof(sub));
			if (!ret) {
				nb[t].buf = b; /* referenced until bound */
				/* Checked again at each start: the buffer may change size. */
				if (nb[t].range.ranged)
					ret = pq_range_bytes(&nb[t].range, pq_buffer_size(b),
							     nb[t].path, &off, &rlen, sub,
							     sizeof(sub));
			}
			if (ret)
				snprintf(why, sizeof(why), "%s: %s", name, sub);
		} else if (pq_value_parse(&cu->types[a], as[t].value, &nb[t].bits, sub,
					  sizeof(sub))) {
			snprintf(why, sizeof(why), "%s (%s): %s", name, cu->k->args[a].type, sub);
			ret = -EINVAL;
		}
		nb[t].set = true;
	}
	if (ret || !store)
		goto out;
	/* Under the card's lock, as pq_buffer_removed(): bound before, or refused. */
	pthread_mutex_lock(&cu->ld->card->lock);
	for (size_t t = 0; t < na && !ret; t++) {
		if (nb[t].buf && nb[t].buf->removed) {
			snprintf(why, sizeof(why), "%s: %s was removed meanwhile",
				 cu->k->args[as[t].arg].name, PQ_Q(nb[t].path));
			ret = -EINVAL;
		}
	}
	pthread_mutex_lock(&cu->lock);
	for (size_t t = 0; t < na && !ret; t++) {
		struct pq_binding *b = &cu->bound[as[t].arg];

		free(b->path);
		*b = nb[t];
		nb[t].path = NULL;
	}
	pthread_mutex_unlock(&cu->lock);
	pthread_mutex_unlock(&cu->ld->card->lock);
out:
	if (ret && why[0])
		pq_cu_log(cu, "args", why);
	for (size_t t = 0; nb && t < na; t++) {
		free(nb[t].path);
		pq_buffer_put(nb[t].buf); /* a binding holds none: see pq_binding */
	}
	free(nb);
	pq_assign_free(as, na);
	pq_cu_put(cu);
	return ret;
}

int pq_cu_args_set(struct pq_card *card, uint64_t gen, size_t i, const char *text, size_t len,
		   bool partial)
{
	return cu_args(card, gen, i, text, len, partial, true);
}

int pq_cu_args_check(struct pq_card *card, uint64_t gen, size_t i, const char *text, size_t len)
{
	return cu_args(card, gen, i, text, len, true, false);
}

int pq_cu_args_dump(struct pq_card *card, uint64_t gen, size_t i, FILE *f)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	char val[64], rg[48];

	if (!cu)
		return -ENOENT;
	pthread_mutex_lock(&cu->lock);
	for (size_t a = 0; a < cu->k->nargs; a++) {
		const struct pq_binding *b = &cu->bound[a];
		const char *name = cu->k->args[a].name;

		if (cu->types[a].kind == PQ_C_STREAM && cu->cu->arg_mem[a] >= 0) {
			/* bound by the xclbin */
			fprintf(f, "%s=%s\n", name, cu->ld->design->banks[cu->cu->arg_mem[a]].name);
		} else if (!b->set) {
			fprintf(f, "%s=\n", name); /* a removed buffer's arg too */
		} else if (b->path) {
			pq_range_format(&b->range, rg, sizeof(rg));
			fprintf(f, "%s=%s%s\n", name, b->path, rg);
		} else {
			pq_value_format(&cu->types[a], b->bits, val, sizeof(val));
			fprintf(f, "%s=%s\n", name, val);
		}
	}
	pthread_mutex_unlock(&cu->lock);
	pq_cu_put(cu);
	return 0;
}

/* Arg a's range, kept for the run (with its text after the path, for messages). */
static int bd_range_keep(struct pq_range **ranges, size_t nargs, size_t a, struct pq_binding *b)
{
	char rg[48], *shown;

	if (!*ranges && !(*ranges = calloc(nargs + 1, sizeof(**ranges))))
		return -ENOMEM;
	(*ranges)[a] = b->range;
	pq_range_format(&b->range, rg, sizeof(rg));
	if (asprintf(&shown, "%s%s", b->path, rg) < 0)
		return -ENOMEM;
	free(b->path);
	b->path = shown;
	return 0;
}

/*
 * The args of a run from the bindings: one snapshot of every arg under one
 * hold of the CU's lock (an `args` write sets all its args or none, so a
 * run sees one write's bindings or the next's, never a mix), each bound
 * buffer referenced there (a binding exists only while its buffer does),
 * then each checked.
 */
int pq_cu_args_from_binding(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs,
			    char **paths, struct pq_range **ranges, char *why, size_t whylen)
{
	size_t nargs = cu->k->nargs;
	struct pq_binding *snap = calloc(nargs + 1, sizeof(*snap));
	int ret = snap ? 0 : -ENOMEM;

	*ranges = NULL;
	if (snap) {
		pthread_mutex_lock(&cu->lock);
		for (size_t a = 0; a < nargs; a++) {
			snap[a] = cu->bound[a];
			snap[a].path = snap[a].path ? strdup(snap[a].path) : NULL;
			if (snap[a].buf)
				pq_buffer_get(snap[a].buf);
		}
		pthread_mutex_unlock(&cu->lock);
	}
	for (size_t a = 0; a < nargs && !ret; a++) {
		const char *name = cu->k->args[a].name;
		const char *shown = snap[a].path ? snap[a].path : "its buffer";
		char sub[300];

		if (cu->types[a].kind == PQ_C_STREAM)
			continue;
		if (snap[a].removed && !snap[a].set) {
			snprintf(why, whylen, "start: %s: %s was removed (bind another in args)",
				 name, PQ_Q(shown));
			ret = -EINVAL;
		} else if (!snap[a].set && cu->types[a].ref) {
			bits[a] = 0; /* an output (T&): it starts from 0 unless set */
		} else if (!snap[a].set) {
			snprintf(why, whylen, "start: %s is not set (write it to args)", name);
			ret = -EINVAL;
		} else if (snap[a].buf) {
			uint64_t off, len;

			if (!snap[a].path)
				ret = -ENOMEM;
			else if ((ret = pq_cu_check_buffer(cu, a, snap[a].buf, shown, sub,
							   sizeof(sub))))
				snprintf(why, whylen, "start: %s: %s", name, sub);
			else if (snap[a].range.ranged &&
				 (ret = pq_range_bytes(&snap[a].range, pq_buffer_size(snap[a].buf),
						       shown, &off, &len, sub, sizeof(sub))))
				snprintf(why, whylen, "start: %s: %s", name, sub);
			else if (snap[a].range.ranged)
				ret = bd_range_keep(ranges, nargs, a, &snap[a]);
			bufs[a] = snap[a].buf;
			snap[a].buf = NULL;
			paths[a] = snap[a].path;
			snap[a].path = NULL;
		} else {
			bits[a] = snap[a].bits;
		}
	}
	for (size_t a = 0; snap && a < nargs; a++) {
		free(snap[a].path);
		pq_buffer_put(snap[a].buf);
	}
	free(snap);
	return ret;
}

/* Every binding of b in its design, under the card's lock then each CU's. */
static int bd_each(struct pq_buffer *b, const char *path, bool removed)
{
	struct pq_loaded *ld = b->ld;
	int ret = 0;

	pthread_mutex_lock(&ld->card->lock);
	b->removed |= removed;
	for (size_t i = 0; i < ld->ncus; i++) {
		struct pq_cu_rt *cu = &ld->cus[i];

		pthread_mutex_lock(&cu->lock);
		for (size_t a = 0; a < cu->k->nargs; a++) {
			struct pq_binding *bd = &cu->bound[a];
			char *copy;

			if (bd->buf != b)
				continue;
			if (removed) {
				bd->buf = NULL;
				bd->set = false;
				bd->removed = true; /* path stays, for the start's message */
			} else if ((copy = strdup(path))) {
				free(bd->path);
				bd->path = copy;
			} else {
				ret = -ENOMEM; /* the old name stays shown */
			}
		}
		pthread_mutex_unlock(&cu->lock);
	}
	pthread_mutex_unlock(&ld->card->lock);
	return ret;
}

void pq_buffer_removed(struct pq_buffer *b)
{
	if (b)
		bd_each(b, NULL, true);
}

int pq_buffer_renamed(struct pq_buffer *b, const char *path)
{
	return b && path ? bd_each(b, path, false) : 0;
}
