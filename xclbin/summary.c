// SPDX-License-Identifier: MIT
#include "summary.h"

#include <stdlib.h>

void pq_size_format(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
	unsigned u = 0;

	while (bytes && bytes % 1024 == 0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu %s", bytes, units[u]);
}

void pq_size_human(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	unsigned u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu bytes", bytes);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

void pq_stream_end(const struct pq_design *d, int cu, int arg, char *buf, size_t len)
{
	if (cu < 0 || (size_t)cu >= d->ncus) {
		snprintf(buf, len, "none");
		return;
	}
	snprintf(buf, len, "%s.%s", d->cus[cu].name, d->kernels[d->cus[cu].kernel].args[arg].name);
}

static void sm_heading(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
	for (const char *s = title; *s; s++)
		fputc('-', f);
	fputc('\n', f);
}

void pq_summary_design(FILE *f, const struct pq_design *d)
{
	char uuid[37], size[32], a[96], b[96];
	size_t shown = 0;

	pq_uuid_format(d->uuid, uuid);
	fprintf(f, "xclbin: %s\nuuid: %s\nshell: %s\n", d->project ? d->project : "(unnamed)", uuid,
		d->shell[0] ? d->shell : "(none)");
	for (size_t i = 0; i < d->niface; i++)
		fprintf(f, "interface: %s\n", d->iface[i]);

	sm_heading(f, "IP Blocks");
	for (size_t i = 0; i < d->ncus; i++) {
		char *sig = pq_kernel_signature(&d->kernels[d->cus[i].kernel]);

		fprintf(f, "%-20s : %s\n", d->cus[i].name, sig ? sig : "?");
		free(sig);
	}
	if (!d->ncus)
		fprintf(f, "None\n");

	sm_heading(f, "Memories");
	for (size_t i = 0; i < d->nbanks; i++) {
		const struct pq_bank *bk = &d->banks[i];

		if (bk->streaming) {
			fprintf(f, "%-20s : Stream\n", bk->name);
		} else if (pq_bank_visible(bk)) {
			pq_size_format(bk->size, size, sizeof(size));
			fprintf(f, "%-20s : Memory %s\n", bk->name, size);
		} else {
			continue;
		}
		shown++;
	}
	if (!shown)
		fprintf(f, "None\n");

	sm_heading(f, "Streams");
	for (size_t i = 0; i < d->nstreams; i++) {
		const struct pq_stream *st = &d->streams[i];

		pq_stream_end(d, st->src_cu, st->src_arg, a, sizeof(a));
		pq_stream_end(d, st->sink_cu, st->sink_arg, b, sizeof(b));
		fprintf(f, "%-20s : source=%s sink=%s\n", d->banks[st->mem].name, a, b);
	}
	if (!d->nstreams)
		fprintf(f, "None\n");
}
