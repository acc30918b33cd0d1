// SPDX-License-Identifier: MIT
/*
 * A CU's args: binding them from `args` text, showing them, and the checks
 * every start makes, whether its args come from `args` or from registers.
 */
#define _GNU_SOURCE
#include "card_priv.h"

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
	int want = cu->cu->arg_mem[a];

	if (bc != card) {
		snprintf(why, whylen, "%s is on card%u, this kernel on card%u", shown, bc->index,
			 card->index);
		return -EXDEV;
	}
	if (b->ld != cu->ld) {
		snprintf(why, whylen, "%s belongs to a design that is gone", shown);
		return -EINVAL;
	}
	if (want >= 0 && (size_t)want != b->bank) {
		snprintf(why, whylen, "%s is in %s, but port %s connects to %s", shown,
			 d->banks[b->bank].name, cu->k->args[a].port, d->banks[want].name);
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
		snprintf(why, whylen, "%s: buffers can't be named here", path);
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

int pq_cu_args_set(struct pq_card *card, uint64_t gen, size_t i, const char *text, size_t len,
		   bool partial)
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
			ret = cu_resolve(cu, a, as[t].value, &b, &nb[t].path, sub, sizeof(sub));
			if (ret)
				snprintf(why, sizeof(why), "%s: %s", name, sub);
			else
				pq_buffer_put(b); /* bound by path, looked up at each start */
		} else if (pq_value_parse(&cu->types[a], as[t].value, &nb[t].bits, sub,
					  sizeof(sub))) {
			snprintf(why, sizeof(why), "%s (%s): %s", name, cu->k->args[a].type, sub);
			ret = -EINVAL;
		}
		nb[t].set = true;
	}
	if (ret)
		goto out;
	pthread_mutex_lock(&cu->lock);
	for (size_t t = 0; t < na; t++) {
		struct pq_binding *b = &cu->bound[as[t].arg];

		free(b->path);
		*b = nb[t];
		nb[t].path = NULL;
	}
	pthread_mutex_unlock(&cu->lock);
out:
	if (ret && why[0])
		pq_cu_log(cu, "args", why);
	for (size_t t = 0; nb && t < na; t++)
		free(nb[t].path);
	free(nb);
	pq_assign_free(as, na);
	pq_cu_put(cu);
	return ret;
}

int pq_cu_args_dump(struct pq_card *card, uint64_t gen, size_t i, FILE *f)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	char val[64];

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
			fprintf(f, "%s=\n", name);
		} else if (b->path) {
			fprintf(f, "%s=%s\n", name, b->path);
		} else {
			pq_value_format(&cu->types[a], b->bits, val, sizeof(val));
			fprintf(f, "%s=%s\n", name, val);
		}
	}
	pthread_mutex_unlock(&cu->lock);
	pq_cu_put(cu);
	return 0;
}

/* The args of a run from the bindings: each buffer looked up and checked. */
int pq_cu_args_from_binding(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs,
			    char **paths, char *why, size_t whylen)
{
	int ret = 0;

	for (size_t a = 0; a < cu->k->nargs && !ret; a++) {
		const char *name = cu->k->args[a].name;
		struct pq_binding bd;
		char sub[300];

		if (cu->types[a].kind == PQ_C_STREAM)
			continue;
		pthread_mutex_lock(&cu->lock);
		bd = cu->bound[a];
		bd.path = bd.path ? strdup(bd.path) : NULL;
		pthread_mutex_unlock(&cu->lock);
		if (!bd.set) {
			snprintf(why, whylen, "start: %s is not set (write it to args)", name);
			ret = -EINVAL;
		} else if (bd.path) {
			ret = cu_resolve(cu, a, bd.path, &bufs[a], NULL, sub, sizeof(sub));
			if (ret)
				snprintf(why, whylen, "start: %s: %s", name, sub);
			paths[a] = bd.path;
			bd.path = NULL;
		} else {
			bits[a] = bd.bits;
		}
		free(bd.path);
	}
	return ret;
}
