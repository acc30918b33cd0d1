// SPDX-License-Identifier: MIT
/*
 * What a design takes when its xclbin leaves parts out, as a Vitis sw_emu
 * build does (EMBEDDED_METADATA, no IP_LAYOUT, MEM_TOPOLOGY or
 * CONNECTIVITY): the compute units the metadata names, the memories of
 * the platform its shell names, any bank for any arg; and words for the
 * card's log saying so.
 *
 * The platforms' memories are platforms.c's.
 */
#define _GNU_SOURCE
#include "defaults.h"
#include "err.h"
#include "platforms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No IP_LAYOUT: the compute units the metadata's <instance>s name. */
static int df_metadata_cus(struct pq_design *d, char *err, size_t errlen)
{
	static const char *const ctrl[] = {"ap_ctrl_hs", "ap_ctrl_chain", "ap_ctrl_none"};
	size_t n = 0;

	for (size_t k = 0; k < d->nkernels; k++)
		n += d->kernels[k].ninstances;
	d->cus = calloc(n ? n : 1, sizeof(*d->cus));
	if (!d->cus)
		return -ENOMEM;
	for (size_t k = 0; k < d->nkernels; k++) {
		const struct pq_kernel *kn = &d->kernels[k];

		for (size_t i = 0; i < kn->ninstances; i++) {
			struct pq_cu *cu = &d->cus[d->ncus];

			for (size_t j = 0; j < d->ncus; j++) {
				if (!strcmp(d->cus[j].name, kn->instances[i].name))
					return pq_fail(err, errlen,
						       "EMBEDDED_METADATA: compute unit '%s' "
						       "appears twice",
						       kn->instances[i].name);
			}
			cu->name = strdup(kn->instances[i].name);
			if (!cu->name)
				return -ENOMEM;
			d->ncus++;
			cu->kernel = k;
			cu->base = kn->instances[i].base;
			cu->ip_index = -1;
			for (int c = 0; c < 3; c++) {
				if (kn->protocol && !strcmp(kn->protocol, ctrl[c]))
					cu->control = c;
			}
		}
	}
	pq_design_sort_cus(d);
	return pq_design_any_bank(d);
}

/* Add what to the words for the log. */
static int df_say(struct pq_design *d, const char *what)
{
	char *s;

	if (asprintf(&s, "%s%s%s", d->defaults ? d->defaults : "", d->defaults ? "; " : "", what) <
	    0)
		return -ENOMEM;
	free(d->defaults);
	d->defaults = s;
	return 0;
}

int pq_design_defaults(struct pq_design *d, bool no_ips, bool no_mem, bool no_conn, char *err,
		       size_t errlen)
{
	char what[200], line[240];
	int ret;

	if (no_ips && d->has_metadata) {
		ret = df_metadata_cus(d, err, errlen);
		if (!ret && d->ncus)
			ret = df_say(d, "no IP_LAYOUT: the compute units of EMBEDDED_METADATA");
		if (ret)
			return ret;
	}
	if (!d->ncus) /* nothing to run: nothing else is needed */
		return 0;
	if (no_mem) {
		ret = pq_platform_banks(d, what, sizeof(what));
		if (ret == -ENOENT)
			return pq_fail(err, errlen,
				       "no MEM_TOPOLOGY, and %s: nowhere to put buffers", what);
		snprintf(line, sizeof(line), "no MEM_TOPOLOGY: %s", what);
		if (ret || (ret = df_say(d, line)))
			return ret;
	}
	return no_conn ? df_say(d, "no CONNECTIVITY: any bank for any arg") : 0;
}
