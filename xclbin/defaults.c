// SPDX-License-Identifier: MIT
/*
 * What a design takes when its xclbin leaves parts out, as a Vitis sw_emu
 * build does (EMBEDDED_METADATA, no IP_LAYOUT, MEM_TOPOLOGY or
 * CONNECTIVITY): the compute units the metadata names, the memories of
 * the platform its shell names, any bank for any arg; and words for the
 * card's log saying so.
 *
 * The platforms' memories: capacities from AMD's data sheets (U200, U250:
 * 64 GiB DDR4 in four banks; U280: 8 GiB HBM2 in 32 pseudo channels and
 * 32 GiB DDR4 in two; U50: 8 GiB HBM2; U55C: 16 GiB HBM2; F1's VU9P: 64 GiB
 * DDR4 in four), tagged as Vitis connects to them (bank0.., HBM[0]..,
 * DDR[0]..). Base addresses are pynqfs's own.
 */
#define _GNU_SOURCE
#include "defaults.h"
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_GIB (1ull << 30)
#define PF_MIB (1ull << 20)

struct pf_group {
	const char *tag; /* printf format of the tag: "HBM[%u]" */
	int type;	 /* enum pq_mem_type */
	unsigned count;
	uint64_t size, base;
};

static const struct pf_platform {
	const char *prefix; /* of the shell name (platformVBNV) */
	const char *what;   /* for the log */
	struct pf_group groups[2];
} pf_platforms[] = {
	{"xilinx_u200_",
	 "4 x 16 GiB DDR4",
	 {{"bank%u", PQ_MEM_DDR4, 4, 16 * PF_GIB, 0x4000000000}}},
	{"xilinx_u250_",
	 "4 x 16 GiB DDR4",
	 {{"bank%u", PQ_MEM_DDR4, 4, 16 * PF_GIB, 0x4000000000}}},
	{"xilinx_u280_",
	 "32 x 256 MiB HBM, 2 x 16 GiB DDR4",
	 {{"HBM[%u]", PQ_MEM_HBM, 32, 256 * PF_MIB, 0},
	  {"DDR[%u]", PQ_MEM_DDR4, 2, 16 * PF_GIB, 0x4000000000}}},
	{"xilinx_u50_", "32 x 256 MiB HBM", {{"HBM[%u]", PQ_MEM_HBM, 32, 256 * PF_MIB, 0}}},
	{"xilinx_u55c_", "32 x 512 MiB HBM", {{"HBM[%u]", PQ_MEM_HBM, 32, 512 * PF_MIB, 0}}},
	{"xilinx_aws-vu9p-f1_",
	 "4 x 16 GiB DDR4",
	 {{"bank%u", PQ_MEM_DDR4, 4, 16 * PF_GIB, 0x4000000000}}},
};

/* d's banks: those of its shell's platform; what says which, or why none (-ENOENT). */
static int df_platform_banks(struct pq_design *d, char *what, size_t whatlen)
{
	const struct pf_platform *pf = NULL;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(pf_platforms) / sizeof(pf_platforms[0]); i++) {
		if (!strncmp(d->shell, pf_platforms[i].prefix, strlen(pf_platforms[i].prefix)))
			pf = &pf_platforms[i];
	}
	if (!pf) {
		snprintf(what, whatlen, "%s is not a platform pynqfs knows the memories of",
			 d->shell[0] ? d->shell : "(no shell name)");
		return -ENOENT;
	}
	for (size_t g = 0; g < 2; g++)
		n += pf->groups[g].count;
	d->banks = calloc(n, sizeof(*d->banks));
	if (!d->banks)
		return -ENOMEM;
	for (size_t g = 0; g < 2 && pf->groups[g].tag; g++) {
		const struct pf_group *gr = &pf->groups[g];

		for (unsigned i = 0; i < gr->count; i++) {
			struct pq_bank *b = &d->banks[d->nbanks++];

			snprintf(b->tag, sizeof(b->tag), gr->tag, i);
			b->type = gr->type;
			b->used = true;
			b->size = gr->size;
			/* Bases never overlap: HBM channels side by side, DDR 64 GiB apart. */
			b->base = gr->base +
				  i * (gr->type == PQ_MEM_HBM ? gr->size : 0x1000000000ull);
		}
	}
	snprintf(what, whatlen, "the memories of %s (%s)", d->shell, pf->what);
	return 0;
}

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
		ret = df_platform_banks(d, what, sizeof(what));
		if (ret == -ENOENT)
			return pq_fail(err, errlen,
				       "no MEM_TOPOLOGY, and %s: nowhere to put buffers", what);
		snprintf(line, sizeof(line), "no MEM_TOPOLOGY: %s", what);
		if (ret || (ret = df_say(d, line)))
			return ret;
	}
	return no_conn ? df_say(d, "no CONNECTIVITY: any bank for any arg") : 0;
}
