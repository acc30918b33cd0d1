// SPDX-License-Identifier: MIT
/* Helpers on the design model: names, signatures, printable forms. */
#define _GNU_SOURCE
#include "design.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SPEC §4: drop every char outside [A-Za-z0-9_]; a later clash gets _<index>. */
void pq_design_name_banks(struct pq_design *d)
{
	for (size_t i = 0; i < d->nbanks; i++) {
		struct pq_bank *b = &d->banks[i];
		size_t n = 0;
		bool clash = false;

		for (const char *s = b->tag; *s; s++) {
			if (isalnum((unsigned char)*s) || *s == '_')
				b->name[n++] = *s;
		}
		b->name[n] = '\0';
		for (size_t j = 0; j < i; j++) {
			/* Only names that are shown can clash. */
			if (d->banks[j].streaming == b->streaming &&
			    (b->streaming || pq_bank_visible(&d->banks[j])) &&
			    !strcmp(d->banks[j].name, b->name))
				clash = true;
		}
		if (clash || n == 0)
			snprintf(b->name + n, sizeof(b->name) - n, "_%zu", i);
	}
}

char *pq_kernel_signature(const struct pq_kernel *k)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s(", k->name);
	for (size_t i = 0; i < k->nargs; i++) {
		const struct pq_arg *a = &k->args[i];

		if (a->aq == PQ_AQ_STREAM)
			fprintf(f, "%sstream %s", i ? ", " : "", a->name);
		else
			fprintf(f, "%s%s %s", i ? ", " : "", a->type, a->name);
	}
	fputc(')', f);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

int pq_kernel_arg(const struct pq_kernel *k, const char *name)
{
	for (size_t i = 0; i < k->nargs; i++) {
		if (!strcmp(k->args[i].name, name))
			return (int)i;
	}
	return -1;
}

const char *pq_mem_type_name(int type)
{
	static const char *const names[] = {
		[PQ_MEM_DDR3] = "DDR3",
		[PQ_MEM_DDR4] = "DDR4",
		[PQ_MEM_DRAM] = "DRAM",
		[PQ_MEM_STREAMING] = "Streaming",
		[PQ_MEM_PREALLOCATED_GLOB] = "Preallocated",
		[PQ_MEM_ARE] = "ARE",
		[PQ_MEM_HBM] = "HBM",
		[PQ_MEM_BRAM] = "BRAM",
		[PQ_MEM_URAM] = "URAM",
		[PQ_MEM_STREAMING_CONNECTION] = "Stream",
		[PQ_MEM_HOST] = "Host",
		[PQ_MEM_PS_KERNEL] = "PS kernel",
	};

	if (type < 0 || (size_t)type >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[type];
}

void pq_uuid_format(const uint8_t u[16], char *buf)
{
	sprintf(buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		u[14], u[15]);
}

static int design_cu_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pq_cu *)a)->name, ((const struct pq_cu *)b)->name);
}

void pq_design_sort_cus(struct pq_design *d)
{
	qsort(d->cus, d->ncus, sizeof(*d->cus), design_cu_cmp);
}

int pq_cu_any_bank(struct pq_cu *cu, size_t nargs)
{
	cu->arg_mem = malloc((nargs ? nargs : 1) * sizeof(int));
	cu->arg_last = malloc((nargs ? nargs : 1) * sizeof(int));
	if (!cu->arg_mem || !cu->arg_last)
		return -ENOMEM;
	for (size_t a = 0; a < nargs; a++)
		cu->arg_mem[a] = cu->arg_last[a] = -1;
	return 0;
}

int pq_design_any_bank(struct pq_design *d)
{
	for (size_t j = 0; j < d->ncus; j++) {
		if (pq_cu_any_bank(&d->cus[j], d->kernels[d->cus[j].kernel].nargs))
			return -ENOMEM;
	}
	return 0;
}

void pq_cu_connect(struct pq_cu *cu, size_t a, int mem)
{
	if (cu->arg_mem[a] >= 0 && mem == cu->arg_last[a] + 1)
		cu->arg_last[a] = mem;
	else if (cu->arg_mem[a] >= 0 && mem == cu->arg_mem[a] - 1)
		cu->arg_mem[a] = mem;
	else
		cu->arg_mem[a] = cu->arg_last[a] = mem;
}
