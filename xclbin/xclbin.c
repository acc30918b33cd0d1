// SPDX-License-Identifier: MIT
/*
 * axlf parser. Every field is read through bounds-checked helpers from the
 * caller's buffer; nothing is cast onto the image, so a hostile file can
 * make us fail but not read out of bounds.
 */
#define _GNU_SOURCE
#include "xclbin.h"
#include "err.h"
#include "metadata.h"
#include "defaults.h"
#include "partition.h"

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xb_section {
	uint32_t kind;
	uint64_t off, size;
	unsigned idx;
};

struct xb_image {
	const uint8_t *p;
	size_t len;
	char *err;
	size_t errlen;
};

#define xb_fail(im, ...) pq_fail((im)->err, (im)->errlen, __VA_ARGS__)

static uint64_t xb_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint32_t xb_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint16_t xb_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

/* Copy a fixed-width name field, which need not be NUL-terminated. */
static void xb_name(char *dst, const uint8_t *src, size_t width)
{
	size_t n = strnlen((const char *)src, width);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *xb_kind_name(uint32_t kind)
{
	switch (kind) {
	case AXLF_EMBEDDED_METADATA:
		return "EMBEDDED_METADATA";
	case AXLF_MEM_TOPOLOGY:
		return "MEM_TOPOLOGY";
	case AXLF_CONNECTIVITY:
		return "CONNECTIVITY";
	case AXLF_IP_LAYOUT:
		return "IP_LAYOUT";
	case AXLF_CLOCK_FREQ_TOPOLOGY:
		return "CLOCK_FREQ_TOPOLOGY";
	case AXLF_GROUP_TOPOLOGY:
		return "GROUP_TOPOLOGY";
	case AXLF_GROUP_CONNECTIVITY:
		return "GROUP_CONNECTIVITY";
	case AXLF_PARTITION_METADATA:
		return "PARTITION_METADATA";
	}
	return "section";
}

/*
 * Check that a section holds `count` records of `rec` bytes after a
 * `hdr`-byte header, without overflow.
 */
static int xb_check_records(struct xb_image *im, const struct xb_section *s, int64_t count,
			    size_t hdr, size_t rec)
{
	if (count < 0)
		return xb_fail(im, "%s: negative count %lld", xb_kind_name(s->kind),
			       (long long)count);
	if (count == 0)
		return 0;
	if (s->size < hdr || (uint64_t)count > (s->size - hdr) / rec)
		return xb_fail(
			im,
			"%s: count %lld needs %llu bytes but the section has %llu (offset 0x%llx)",
			xb_kind_name(s->kind), (long long)count,
			(unsigned long long)hdr + (unsigned long long)count * rec,
			(unsigned long long)s->size, (unsigned long long)s->off);
	return 0;
}

static int xb_mem_topology(struct xb_image *im, const struct xb_section *s, struct pq_design *d)
{
	const uint8_t *sec = im->p + s->off;
	int32_t count;
	int ret;

	if (s->size < 4)
		return xb_fail(im, "MEM_TOPOLOGY: section too small for its count (%llu bytes)",
			       (unsigned long long)s->size);
	count = (int32_t)xb_u32(sec);
	ret = xb_check_records(im, s, count, AXLF_MEM_DATA_OFF, AXLF_MEM_DATA_SIZE);
	if (ret)
		return ret;
	d->banks = calloc(count ? count : 1, sizeof(*d->banks));
	if (!d->banks)
		return -ENOMEM;
	d->nbanks = count;
	for (int32_t i = 0; i < count; i++) {
		const uint8_t *m = sec + AXLF_MEM_DATA_OFF + (size_t)i * AXLF_MEM_DATA_SIZE;
		struct pq_bank *b = &d->banks[i];

		b->type = m[0];
		b->used = m[1] != 0;
		b->streaming =
			b->type == PQ_MEM_STREAMING_CONNECTION || b->type == PQ_MEM_STREAMING;
		xb_name(b->tag, m + 24, AXLF_MEM_TAG_LEN);
		if (b->streaming) {
			b->route_id = xb_u64(m + 8);
			b->base = xb_u64(m + 16);
			continue;
		}
		/* m_size is in KiB; reject what would overflow bytes. */
		if (xb_u64(m + 8) > UINT64_MAX / 1024)
			return xb_fail(im, "MEM_TOPOLOGY[%d] (%s): size %llu KiB is impossible", i,
				       b->tag, (unsigned long long)xb_u64(m + 8));
		b->size = xb_u64(m + 8) * 1024;
		b->base = xb_u64(m + 16);
	}
	return 0;
}

/* A kernel name names K.so and K(): a C identifier, nothing else. */
static bool xb_ident(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (; *s; s++) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	}
	return true;
}

/* A CU name becomes a directory name: keep it to a safe alphabet. */
static bool xb_name_ok(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++) {
		if (*s == '/' || (unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return false;
	}
	return true;
}

static int xb_find_kernel(const struct pq_design *d, const char *name)
{
	for (size_t i = 0; i < d->nkernels; i++) {
		if (!strcmp(d->kernels[i].name, name))
			return (int)i;
	}
	return -1;
}

/* A kernel named in IP_LAYOUT but absent from the metadata: no args known. */
static int xb_add_bare_kernel(struct pq_design *d, const char *name)
{
	struct pq_kernel *k = realloc(d->kernels, (d->nkernels + 1) * sizeof(*k));

	if (!k)
		return -ENOMEM;
	d->kernels = k;
	k = &d->kernels[d->nkernels];
	memset(k, 0, sizeof(*k));
	k->name = strdup(name);
	if (!k->name)
		return -ENOMEM;
	d->nkernels++;
	return (int)d->nkernels - 1;
}

static int xb_ip_layout(struct xb_image *im, const struct xb_section *s, struct pq_design *d)
{
	const uint8_t *sec = im->p + s->off;
	int32_t count;
	int ret;

	if (s->size < 4)
		return xb_fail(im, "IP_LAYOUT: section too small for its count");
	count = (int32_t)xb_u32(sec);
	ret = xb_check_records(im, s, count, AXLF_IP_DATA_OFF, AXLF_IP_DATA_SIZE);
	if (ret)
		return ret;
	d->cus = calloc(count ? count : 1, sizeof(*d->cus));
	if (!d->cus)
		return -ENOMEM;
	for (int32_t i = 0; i < count; i++) {
		const uint8_t *ip = sec + AXLF_IP_DATA_OFF + (size_t)i * AXLF_IP_DATA_SIZE;
		char full[AXLF_IP_NAME_LEN + 1], *inst;
		struct pq_cu *cu;
		int k;

		if (xb_u32(ip) != AXLF_IP_KERNEL)
			continue;
		xb_name(full, ip + 16, AXLF_IP_NAME_LEN);
		inst = strchr(full, ':');
		if (!inst)
			return xb_fail(im, "IP_LAYOUT[%d]: kernel name '%s' is not kernel:instance",
				       i, full);
		*inst++ = '\0';
		if (!xb_name_ok(inst) || !xb_ident(full))
			return xb_fail(im, "IP_LAYOUT[%d]: unusable compute unit name '%s:%s'", i,
				       full, inst);
		for (size_t j = 0; j < d->ncus; j++) {
			if (!strcmp(d->cus[j].name, inst))
				return xb_fail(im, "IP_LAYOUT[%d]: compute unit '%s' appears twice",
					       i, inst);
		}
		k = xb_find_kernel(d, full);
		if (k < 0)
			k = xb_add_bare_kernel(d, full);
		if (k < 0)
			return k;
		cu = &d->cus[d->ncus];
		cu->name = strdup(inst);
		if (!cu->name)
			return -ENOMEM;
		d->ncus++;
		cu->kernel = (size_t)k;
		cu->base = xb_u64(ip + 8);
		cu->control = (xb_u32(ip + 4) & AXLF_IP_CONTROL_MASK) >> AXLF_IP_CONTROL_SHIFT;
		cu->ip_index = i;
	}
	/* Sorted now, so that CONNECTIVITY and streams point at final places. */
	pq_design_sort_cus(d);
	/* Arg memories are filled once all kernels are known. */
	return pq_design_any_bank(d);
}

static struct pq_cu *xb_cu_by_ip(struct pq_design *d, int ip)
{
	for (size_t j = 0; j < d->ncus; j++) {
		if (d->cus[j].ip_index == ip)
			return &d->cus[j];
	}
	return NULL;
}

static int xb_arg_by_id(const struct pq_kernel *k, int id)
{
	for (size_t a = 0; a < k->nargs; a++) {
		if (k->args[a].id == id)
			return (int)a;
	}
	return -1;
}

static int xb_streams(struct pq_design *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nbanks; i++)
		n += d->banks[i].streaming;
	d->streams = calloc(n ? n : 1, sizeof(*d->streams));
	if (!d->streams)
		return -ENOMEM;
	for (size_t i = 0; i < d->nbanks; i++) {
		struct pq_stream *st;

		if (!d->banks[i].streaming)
			continue;
		st = &d->streams[d->nstreams++];
		st->mem = i;
		st->src_cu = st->src_arg = st->sink_cu = st->sink_arg = -1;
	}
	return 0;
}

static struct pq_stream *xb_stream_by_mem(struct pq_design *d, size_t mem)
{
	for (size_t i = 0; i < d->nstreams; i++) {
		if (d->streams[i].mem == mem)
			return &d->streams[i];
	}
	return NULL;
}

static int xb_connectivity(struct xb_image *im, const struct xb_section *s, int32_t nips,
			   struct pq_design *d)
{
	const uint8_t *sec = im->p + s->off;
	int32_t count;
	int ret;

	if (s->size < 4)
		return xb_fail(im, "CONNECTIVITY: section too small for its count");
	count = (int32_t)xb_u32(sec);
	ret = xb_check_records(im, s, count, AXLF_CONN_OFF, AXLF_CONN_SIZE);
	if (ret)
		return ret;
	for (int32_t i = 0; i < count; i++) {
		const uint8_t *c = sec + AXLF_CONN_OFF + (size_t)i * AXLF_CONN_SIZE;
		int32_t arg = (int32_t)xb_u32(c), ip = (int32_t)xb_u32(c + 4);
		int32_t mem = (int32_t)xb_u32(c + 8);
		const struct pq_kernel *k;
		struct pq_stream *st;
		struct pq_cu *cu;
		int a;

		if (ip < 0 || ip >= nips)
			return xb_fail(im, "CONNECTIVITY[%d]: IP index %d out of range (%d IPs)", i,
				       ip, nips);
		if (mem < 0 || (size_t)mem >= d->nbanks)
			return xb_fail(
				im, "CONNECTIVITY[%d]: memory index %d out of range (%zu memories)",
				i, mem, d->nbanks);
		cu = xb_cu_by_ip(d, ip);
		if (!cu)
			continue; /* not a kernel: nothing for us to bind */
		k = &d->kernels[cu->kernel];
		a = xb_arg_by_id(k, arg);
		if (a < 0) {
			if (k->nargs == 0)
				continue; /* no metadata for this kernel */
			return xb_fail(im, "CONNECTIVITY[%d]: %s has no argument with id %d", i,
				       cu->name, arg);
		}
		pq_cu_connect(cu, (size_t)a, mem);
		st = xb_stream_by_mem(d, (size_t)mem);
		if (!st)
			continue;
		/* Direction from the port mode; unknown ends fill source first. */
		if (k->args[a].dir == PQ_DIR_OUT ||
		    (k->args[a].dir == PQ_DIR_NONE && st->src_cu < 0)) {
			st->src_cu = (int)(cu - d->cus);
			st->src_arg = a;
		} else {
			st->sink_cu = (int)(cu - d->cus);
			st->sink_arg = a;
		}
	}
	return 0;
}

static int xb_clocks(struct xb_image *im, const struct xb_section *s, struct pq_design *d)
{
	const uint8_t *sec = im->p + s->off;
	int16_t count;
	int ret;

	if (s->size < 2)
		return xb_fail(im, "CLOCK_FREQ_TOPOLOGY: section too small for its count");
	count = (int16_t)xb_u16(sec);
	ret = xb_check_records(im, s, count, AXLF_CLOCK_OFF, AXLF_CLOCK_SIZE);
	if (ret)
		return ret;
	d->clocks = calloc(count ? count : 1, sizeof(*d->clocks));
	if (!d->clocks)
		return -ENOMEM;
	d->nclocks = count;
	for (int i = 0; i < count; i++) {
		const uint8_t *c = sec + AXLF_CLOCK_OFF + (size_t)i * AXLF_CLOCK_SIZE;

		d->clocks[i].mhz = xb_u16(c);
		d->clocks[i].type = c[2];
		xb_name(d->clocks[i].name, c + 8, AXLF_CLOCK_NAME_LEN);
	}
	return 0;
}

static const struct xb_section *xb_find(const struct xb_section *secs, unsigned n, uint32_t kind)
{
	for (unsigned i = 0; i < n; i++) {
		if (secs[i].kind == kind)
			return &secs[i];
	}
	return NULL;
}

int pq_xclbin_parse(const void *buf, size_t len, struct pq_design **out, char *err, size_t errlen)
{
	struct xb_image im = {.p = buf, .len = len, .err = err, .errlen = errlen};
	const struct xb_section *mem, *ips, *conn, *meta, *clk, *bits, *part;
	struct xb_section *secs = NULL;
	struct pq_design *d = NULL;
	uint64_t declared, nsec;
	int32_t nips = 0;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len < AXLF_OFF_SECTIONS)
		return xb_fail(&im, "file is %zu bytes, shorter than an xclbin header (%d)", len,
			       AXLF_OFF_SECTIONS);
	if (memcmp(im.p, AXLF_MAGIC, sizeof(AXLF_MAGIC)))
		return xb_fail(&im, "not an xclbin: magic is not 'xclbin2'");
	declared = xb_u64(im.p + AXLF_OFF_LENGTH);
	if (declared != len)
		return xb_fail(&im, "header declares %llu bytes but the file has %zu%s",
			       (unsigned long long)declared, len,
			       declared > len ? " (truncated?)" : "");
	nsec = xb_u32(im.p + AXLF_OFF_NUM_SECTIONS);
	if (nsec > (len - AXLF_OFF_SECTIONS) / AXLF_SECTION_HDR_SIZE)
		return xb_fail(&im, "header declares %llu sections; their table runs past the end",
			       (unsigned long long)nsec);
	secs = calloc(nsec ? nsec : 1, sizeof(*secs));
	d = calloc(1, sizeof(*d));
	if (!secs || !d) {
		ret = -ENOMEM;
		goto fail;
	}
	for (unsigned i = 0; i < nsec; i++) {
		const uint8_t *h = im.p + AXLF_OFF_SECTIONS + (size_t)i * AXLF_SECTION_HDR_SIZE;

		secs[i].kind = xb_u32(h);
		secs[i].off = xb_u64(h + 24);
		secs[i].size = xb_u64(h + 32);
		secs[i].idx = i;
		if (secs[i].off > len || secs[i].size > len - secs[i].off) {
			ret = xb_fail(
				&im,
				"section %u (%s) at offset 0x%llx size 0x%llx runs past the end "
				"of the file (%zu bytes)",
				i, xb_kind_name(secs[i].kind), (unsigned long long)secs[i].off,
				(unsigned long long)secs[i].size, len);
			goto fail;
		}
	}

	memcpy(d->uuid, im.p + AXLF_OFF_UUID, 16);
	xb_name(d->shell, im.p + AXLF_OFF_VBNV, AXLF_VBNV_LEN);
	d->timestamp = xb_u64(im.p + AXLF_OFF_TIMESTAMP);
	d->version_patch = xb_u16(im.p + AXLF_OFF_VERSION);
	d->version_major = im.p[AXLF_OFF_VERSION + 2];
	d->version_minor = im.p[AXLF_OFF_VERSION + 3];

	mem = xb_find(secs, nsec, AXLF_MEM_TOPOLOGY);
	if (!mem)
		mem = xb_find(secs, nsec, AXLF_GROUP_TOPOLOGY);
	conn = xb_find(secs, nsec, AXLF_CONNECTIVITY);
	if (!conn)
		conn = xb_find(secs, nsec, AXLF_GROUP_CONNECTIVITY);
	ips = xb_find(secs, nsec, AXLF_IP_LAYOUT);
	meta = xb_find(secs, nsec, AXLF_EMBEDDED_METADATA);
	clk = xb_find(secs, nsec, AXLF_CLOCK_FREQ_TOPOLOGY);
	bits = xb_find(secs, nsec, AXLF_BITSTREAM);
	part = xb_find(secs, nsec, AXLF_PARTITION_METADATA);
	if (part && (ret = pq_partition_read(im.p + part->off, part->size, d, err, errlen)))
		goto fail;
	if (bits) {
		d->bitstream_off = bits->off;
		d->bitstream_size = bits->size;
	}

	if (mem && (ret = xb_mem_topology(&im, mem, d)))
		goto fail;
	if (meta) {
		ret = pq_metadata_parse((const char *)im.p + meta->off, meta->size, d, err, errlen);
		if (ret)
			goto fail;
		d->has_metadata = true;
	}
	if (ips) {
		if ((ret = xb_ip_layout(&im, ips, d)))
			goto fail;
		nips = (int32_t)xb_u32(im.p + ips->off);
	}
	/* A sw_emu build leaves these out: compute units, banks and connections by default. */
	if ((ret = pq_design_defaults(d, !ips, !mem, !conn, im.err, im.errlen)))
		goto fail;
	if ((ret = xb_streams(d)))
		goto fail;
	if (conn && (ret = xb_connectivity(&im, conn, nips, d)))
		goto fail;
	if (clk && (ret = xb_clocks(&im, clk, d)))
		goto fail;
	pq_design_name_banks(d);
	free(secs);
	*out = d;
	return 0;
fail:
	if (ret == -ENOMEM)
		xb_fail(&im, "out of memory");
	free(secs);
	pq_design_free(d);
	return ret;
}

void pq_design_free(struct pq_design *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nkernels; i++) {
		struct pq_kernel *k = &d->kernels[i];

		for (size_t a = 0; a < k->nargs; a++) {
			free(k->args[a].name);
			free(k->args[a].type);
			free(k->args[a].port);
		}
		free(k->args);
		for (size_t j = 0; j < k->ninstances; j++)
			free(k->instances[j].name);
		free(k->instances);
		free(k->name);
		free(k->vlnv);
		free(k->protocol);
	}
	for (size_t i = 0; i < d->ncus; i++) {
		free(d->cus[i].name);
		free(d->cus[i].arg_mem);
		free(d->cus[i].arg_last);
	}
	free(d->kernels);
	free(d->cus);
	free(d->banks);
	free(d->streams);
	free(d->clocks);
	free(d->project);
	free(d->defaults);
	free(d);
}
