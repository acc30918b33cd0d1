// SPDX-License-Identifier: MIT
/*
 * The platforms' memories. Capacities from AMD's data sheets (U200, U250:
 * 64 GiB DDR4 in four banks; U280: 8 GiB HBM2 in 32 pseudo channels and
 * 32 GiB DDR4 in two; U50: 8 GiB HBM2; U55C: 16 GiB HBM2; F1's VU9P: 64 GiB
 * DDR4 in four), tagged as Vitis connects to them (bank0.., HBM[0]..,
 * DDR[0].., PLRAM[0]..). PLRAM is 128 KiB a bank, the size Vitis gives it
 * unless a link script changes it (UG1393); one a SLR on U200 (3) and U250
 * (4), as their platforminfo lists them; six on U280, U50 and U55C is
 * pynqfs's assumption. The default memory of an unconnected port is the
 * U200's bank1 (its platforminfo's "Consumption: default"); elsewhere,
 * unverified, the first DDR bank, else HBM[0]. Base addresses are pynqfs's
 * own.
 */
#define _GNU_SOURCE
#include "platforms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_GIB (1ull << 30)
#define PF_MIB (1ull << 20)
#define PF_KIB (1ull << 10)

struct pf_group {
	const char *tag; /* printf format of the tag: "HBM[%u]" */
	int type;	 /* enum pq_mem_type */
	unsigned count;
	uint64_t size, base;
};

#define PF_PLRAM(n)                                                                                \
	{                                                                                          \
		"PLRAM[%u]", PQ_MEM_DRAM, n, 128 * PF_KIB, 0x3000000000                            \
	}

static const struct pf_platform {
	const char *prefix; /* of the shell name (platformVBNV) */
	const char *what;   /* for the log */
	struct pf_group groups[3];
	const char *dflt; /* the memory a port no sp= names goes to, if known */
} pf_platforms[] = {
	{"xilinx_u200_",
	 "4 x 16 GiB DDR4, 3 x 128 KiB PLRAM",
	 {{"bank%u", PQ_MEM_DDR4, 4, 16 * PF_GIB, 0x4000000000}, PF_PLRAM(3)},
	 "bank1"},
	{"xilinx_u250_",
	 "4 x 16 GiB DDR4, 4 x 128 KiB PLRAM",
	 {{"bank%u", PQ_MEM_DDR4, 4, 16 * PF_GIB, 0x4000000000}, PF_PLRAM(4)},
	 NULL},
	{"xilinx_u280_",
	 "32 x 256 MiB HBM, 2 x 16 GiB DDR4, 6 x 128 KiB PLRAM",
	 {{"HBM[%u]", PQ_MEM_HBM, 32, 256 * PF_MIB, 0},
	  {"DDR[%u]", PQ_MEM_DDR4, 2, 16 * PF_GIB, 0x4000000000},
	  PF_PLRAM(6)},
	 NULL},
	{"xilinx_u50_",
	 "32 x 256 MiB HBM, 6 x 128 KiB PLRAM",
	 {{"HBM[%u]", PQ_MEM_HBM, 32, 256 * PF_MIB, 0}, PF_PLRAM(6)},
	 NULL},
	{"xilinx_u55c_",
	 "32 x 512 MiB HBM, 6 x 128 KiB PLRAM",
	 {{"HBM[%u]", PQ_MEM_HBM, 32, 512 * PF_MIB, 0}, PF_PLRAM(6)},
	 NULL},
	{"xilinx_aws-vu9p-f1_",
	 "4 x 16 GiB DDR4",
	 {{"bank%u", PQ_MEM_DDR4, 4, 16 * PF_GIB, 0x4000000000}},
	 NULL},
};

#define PF_N (sizeof(pf_platforms) / sizeof(pf_platforms[0]))

static const struct pf_platform *pf_find(const char *shell)
{
	const struct pf_platform *pf = NULL;

	for (size_t i = 0; i < PF_N; i++) {
		if (!strncmp(shell, pf_platforms[i].prefix, strlen(pf_platforms[i].prefix)))
			pf = &pf_platforms[i];
	}
	return pf;
}

int pq_platform_default_bank(const struct pq_design *d)
{
	const struct pf_platform *pf = pf_find(d->shell);
	int first[2] = {-1, -1};

	for (size_t b = 0; b < d->nbanks; b++) {
		const struct pq_bank *k = &d->banks[b];

		if (k->streaming)
			continue;
		if (pf && pf->dflt && !strcmp(k->tag, pf->dflt))
			return (int)b;
		if (k->type == PQ_MEM_DDR4 && first[0] < 0)
			first[0] = (int)b;
		if (k->type == PQ_MEM_HBM && first[1] < 0)
			first[1] = (int)b;
	}
	return first[0] >= 0 ? first[0] : first[1] >= 0 ? first[1] : d->nbanks ? 0 : -1;
}

const char *pq_platform_names(void)
{
	return "xilinx_u200_*, xilinx_u250_*, xilinx_u280_*, xilinx_u50_*, xilinx_u55c_*, "
	       "xilinx_aws-vu9p-f1_*";
}

int pq_platform_banks(struct pq_design *d, char *what, size_t whatlen)
{
	const struct pf_platform *pf = pf_find(d->shell);
	size_t n = 0;

	if (!pf) {
		snprintf(what, whatlen, "%s is not a platform pynqfs knows the memories of",
			 d->shell[0] ? d->shell : "(no shell name)");
		return -ENOENT;
	}
	for (size_t g = 0; g < 3; g++)
		n += pf->groups[g].count;
	d->banks = calloc(n, sizeof(*d->banks));
	if (!d->banks)
		return -ENOMEM;
	for (size_t g = 0; g < 3 && pf->groups[g].tag; g++) {
		const struct pf_group *gr = &pf->groups[g];

		for (unsigned i = 0; i < gr->count; i++) {
			struct pq_bank *b = &d->banks[d->nbanks++];

			snprintf(b->tag, sizeof(b->tag), gr->tag, i);
			b->type = gr->type;
			b->used = true;
			b->size = gr->size;
			/* Bases never overlap: HBM and PLRAM side by side, DDR 64 GiB apart. */
			b->base = gr->base +
				  i * (gr->type == PQ_MEM_DDR4 ? 0x1000000000ull : gr->size);
		}
	}
	snprintf(what, whatlen, "the memories of %s (%s)", d->shell, pf->what);
	return 0;
}
