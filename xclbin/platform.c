// SPDX-License-Identifier: MIT
/*
 * The memories of common Alveo and AWS F1 platforms, for xclbins that leave
 * out MEM_TOPOLOGY (Vitis sw_emu builds): capacities from AMD's data sheets
 * (U200, U250: 64 GiB DDR4 in four banks; U280: 8 GiB HBM2 in 32 pseudo
 * channels and 32 GiB DDR4 in two; U50: 8 GiB HBM2; U55C: 16 GiB HBM2;
 * F1's VU9P: 64 GiB DDR4 in four), tagged as Vitis connects to them
 * (bank0.. or DDR[0].., HBM[0]..). Base addresses are pynqfs's own.
 */
#include "platform.h"

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

int pq_platform_banks(struct pq_design *d, char *what, size_t whatlen)
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
