// SPDX-License-Identifier: MIT
/*
 * The sim card's kernel-to-kernel streams. Each FIFO is a memfd holding a
 * pynq_stream (include/pynq_stream.h); the kernels at its two ends move it,
 * in their runners. The daemon only makes it, hands it out, and reads its
 * counters to explain a run that ran out of time.
 */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memfd.h"
#include "pynq_stream.h"
#include "summary.h"

struct sim_stream {
	int fd; /* -1: an end is not connected, no FIFO */
	pynq_stream *s;
	size_t bytes;
};

/*
 * TDATA bits of a stream: its ports' dataWidth from the xclbin, never the
 * type's spelling. Both ends must agree, and the FIFO carries 512 at most.
 */
static int ss_width(const struct pq_design *d, const struct pq_stream *ds, uint32_t *bits,
		    char *why, size_t whylen)
{
	const struct pq_arg *src = &d->kernels[d->cus[ds->src_cu].kernel].args[ds->src_arg];
	const struct pq_arg *sink = &d->kernels[d->cus[ds->sink_cu].kernel].args[ds->sink_arg];
	char a[96], b[96];

	pq_stream_end(d, ds->src_cu, ds->src_arg, a, sizeof(a));
	pq_stream_end(d, ds->sink_cu, ds->sink_arg, b, sizeof(b));
	if (!src->width || !sink->width) {
		snprintf(why, whylen, "stream %s -> %s: the xclbin gives no dataWidth for %s", a, b,
			 src->width ? b : a);
		return -EINVAL;
	}
	if (src->width != sink->width) {
		snprintf(why, whylen, "stream %s -> %s: %s writes %u bits, %s reads %u", a, b, a,
			 src->width, b, sink->width);
		return -EINVAL;
	}
	if (src->width > 8 * PYNQ_STREAM_MAX_WIDTH) {
		snprintf(why, whylen, "stream %s -> %s: %u bits; the sim's FIFOs carry %d at most",
			 a, b, src->width, 8 * PYNQ_STREAM_MAX_WIDTH);
		return -EINVAL;
	}
	*bits = src->width;
	return 0;
}

void sim_streams_destroy(const struct pq_design *d, struct sim_stream *st)
{
	for (size_t i = 0; st && i < d->nstreams; i++) {
		if (st[i].s)
			munmap(st[i].s, st[i].bytes);
		if (st[i].fd >= 0)
			close(st[i].fd);
	}
	free(st);
}

int sim_streams_create(const struct pq_design *d, unsigned card, struct sim_stream **out, char *why,
		       size_t whylen)
{
	struct sim_stream *st;

	*out = NULL;
	if (!d->nstreams)
		return 0;
	st = calloc(d->nstreams, sizeof(*st));
	if (!st)
		return -ENOMEM;
	for (size_t i = 0; i < d->nstreams; i++)
		st[i].fd = -1;
	for (size_t i = 0; i < d->nstreams; i++) {
		const struct pq_stream *ds = &d->streams[i];
		pynq_stream_info *info;
		uint32_t width, bits, depth;
		char name[96];
		int ret;

		if (ds->src_cu < 0 || ds->sink_cu < 0)
			continue;
		ret = ss_width(d, ds, &bits, why, whylen);
		if (ret) {
			sim_streams_destroy(d, st);
			return ret;
		}
		width = (bits + 7) / 8;
		depth = d->banks[ds->mem].depth ? d->banks[ds->mem].depth : SIM_STREAM_DEPTH;
		st[i].bytes = pynq_stream_bytes(width, depth);
		snprintf(name, sizeof(name), "pynqfs-card%u-%s", card, d->banks[ds->mem].name);
		st[i].fd = sim_memfd(name, st[i].bytes);
		if (st[i].fd < 0) {
			errno = -st[i].fd;
			st[i].fd = -1;
			goto fail;
		}
		st[i].s = mmap(NULL, st[i].bytes, PROT_READ | PROT_WRITE, MAP_SHARED, st[i].fd, 0);
		if (st[i].s == MAP_FAILED) {
			st[i].s = NULL;
			goto fail;
		}
		st[i].s->magic = PYNQ_STREAM_MAGIC;
		st[i].s->width = width;

		st[i].s->depth = depth;
		st[i].s->stride = (width + 8) & ~7u;
		info = pynq_stream_info_of(st[i].s);
		info->bits = bits;
		pq_stream_end(d, ds->src_cu, ds->src_arg, info->writer, sizeof(info->writer));
		pq_stream_end(d, ds->sink_cu, ds->sink_arg, info->reader, sizeof(info->reader));
		continue;
	fail:
		ret = -errno;
		snprintf(why, whylen, "memory for stream %s: %s", d->banks[ds->mem].name,
			 strerror(errno));
		sim_streams_destroy(d, st);
		return ret;
	}
	*out = st;
	return 0;
}

/* The stream at arg a of CU cu, or -1; *reads says which end it is. */
static int ss_find(const struct pq_design *d, const struct sim_stream *st, size_t cu, size_t a,
		   bool *reads)
{
	for (size_t i = 0; st && i < d->nstreams; i++) {
		const struct pq_stream *ds = &d->streams[i];

		if (st[i].fd < 0)
			continue;
		if ((size_t)ds->src_cu == cu && (size_t)ds->src_arg == a) {
			*reads = false;
			return (int)i;
		}
		if ((size_t)ds->sink_cu == cu && (size_t)ds->sink_arg == a) {
			*reads = true;
			return (int)i;
		}
	}
	return -1;
}

int sim_stream_fd(const struct pq_design *d, const struct sim_stream *st, size_t cu, size_t a)
{
	bool reads;
	int i = ss_find(d, st, cu, a, &reads);

	return i < 0 ? -1 : st[i].fd;
}

static void ss_counts(const pynq_stream *s, uint32_t *head, uint32_t *tail)
{
	*head = __atomic_load_n(&s->head, __ATOMIC_ACQUIRE);
	*tail = __atomic_load_n(&s->tail, __ATOMIC_ACQUIRE);
}

void sim_stream_mark(const struct pq_design *d, const struct sim_stream *st, size_t cu,
		     uint64_t *marks)
{
	const struct pq_kernel *k = &d->kernels[d->cus[cu].kernel];

	for (size_t a = 0; a < k->nargs; a++) {
		bool reads;
		int i = ss_find(d, st, cu, a, &reads);
		uint32_t h, t;

		marks[a] = 0;
		if (i < 0)
			continue;
		ss_counts(st[i].s, &h, &t);
		marks[a] = (uint64_t)h << 32 | t;
	}
}

void sim_stream_why(const struct pq_design *d, const struct sim_stream *st, size_t cu,
		    const uint64_t *marks, char *why, size_t whylen)
{
	const struct pq_kernel *k = &d->kernels[d->cus[cu].kernel];

	why[0] = '\0';
	/* A stream that never moved says most; then one that stopped moving. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t a = 0; a < k->nargs; a++) {
			const struct pq_stream *ds;
			char src[96], sink[96];
			bool reads, stuck, moved;
			int i = ss_find(d, st, cu, a, &reads);
			uint32_t h, t;

			if (i < 0)
				continue;
			ds = &d->streams[i];
			ss_counts(st[i].s, &h, &t);
			/* The end this CU holds can't go on: empty to read, full to write. */
			stuck = reads ? h == t : t - h >= st[i].s->depth;
			moved = marks[a] != ((uint64_t)h << 32 | t);
			if (!stuck || (pass == 0 && moved))
				continue;
			pq_stream_end(d, ds->src_cu, ds->src_arg, src, sizeof(src));
			pq_stream_end(d, ds->sink_cu, ds->sink_arg, sink, sizeof(sink));
			if (!moved)
				snprintf(why, whylen,
					 "stream %s (%s -> %s) never moved: %s waited to %s",
					 d->banks[ds->mem].name, src, sink, k->args[a].name,
					 reads ? "read, and nothing was written"
					       : "write, the FIFO full and nothing read");
			else
				snprintf(why, whylen,
					 "stream %s (%s -> %s) stopped after %u elements: %s "
					 "waited to %s",
					 d->banks[ds->mem].name, src, sink, reads ? h : t,
					 k->args[a].name,
					 reads ? "read more, and nothing more was written"
					       : "write more, the FIFO full and nothing more read");
			return;
		}
	}
}
