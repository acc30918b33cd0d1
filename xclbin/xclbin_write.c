// SPDX-License-Identifier: MIT
/*
 * axlf writer: the inverse of pq_xclbin_parse(), for the project's own test
 * and demo designs (Debian's xclbinutil is broken).
 */
#include "xclbin.h"
#include "metadata.h"
#include "partition.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xw_sec {
	uint32_t kind;
	const char *name;
	uint8_t *data;
	size_t size;
};

static void xw_u64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

static void xw_u32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void xw_u16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

/* Fixed-width name field: NUL-padded, not necessarily NUL-terminated. */
static void xw_name(uint8_t *p, const char *s, size_t width)
{
	size_t n = strnlen(s, width);

	memcpy(p, s, n);
}

static int xw_mem_topology(const struct pq_design *d, struct xw_sec *s)
{
	s->size = AXLF_MEM_DATA_OFF + d->nbanks * AXLF_MEM_DATA_SIZE;
	s->data = calloc(1, s->size);
	if (!s->data)
		return -ENOMEM;
	xw_u32(s->data, (uint32_t)d->nbanks);
	for (size_t i = 0; i < d->nbanks; i++) {
		const struct pq_bank *b = &d->banks[i];
		uint8_t *m = s->data + AXLF_MEM_DATA_OFF + i * AXLF_MEM_DATA_SIZE;

		m[0] = (uint8_t)b->type;
		m[1] = b->used;
		xw_u64(m + 8, b->streaming ? b->route_id : b->size / 1024);
		xw_u64(m + 16, b->base);
		xw_name(m + 24, b->tag, AXLF_MEM_TAG_LEN);
	}
	return 0;
}

/* The CU at IP_LAYOUT position ip. */
static const struct pq_cu *xw_cu_at(const struct pq_design *d, int ip)
{
	for (size_t i = 0; i < d->ncus; i++) {
		if (d->cus[i].ip_index == ip)
			return &d->cus[i];
	}
	return NULL;
}

static int xw_ip_layout(const struct pq_design *d, struct xw_sec *s, char *err, size_t errlen)
{
	s->size = AXLF_IP_DATA_OFF + d->ncus * AXLF_IP_DATA_SIZE;
	s->data = calloc(1, s->size);
	if (!s->data)
		return -ENOMEM;
	xw_u32(s->data, (uint32_t)d->ncus);
	for (size_t i = 0; i < d->ncus; i++) {
		const struct pq_cu *cu = xw_cu_at(d, (int)i);
		uint8_t *ip = s->data + AXLF_IP_DATA_OFF + i * AXLF_IP_DATA_SIZE;
		char full[AXLF_IP_NAME_LEN + 1];
		int n;

		if (!cu) {
			snprintf(err, errlen, "IP_LAYOUT position %zu is taken by no compute unit",
				 i);
			return -EINVAL;
		}
		n = snprintf(full, sizeof(full), "%s:%s", d->kernels[cu->kernel].name, cu->name);
		if (n < 0 || (size_t)n >= sizeof(full)) {
			snprintf(err, errlen, "compute unit name %s:%s is longer than %d bytes",
				 d->kernels[cu->kernel].name, cu->name, AXLF_IP_NAME_LEN - 1);
			return -EINVAL;
		}
		xw_u32(ip, AXLF_IP_KERNEL);
		xw_u32(ip + 4,
		       ((uint32_t)cu->control << AXLF_IP_CONTROL_SHIFT) & AXLF_IP_CONTROL_MASK);
		xw_u64(ip + 8, cu->base);
		xw_name(ip + 16, full, AXLF_IP_NAME_LEN);
	}
	return 0;
}

static int xw_connectivity(const struct pq_design *d, struct xw_sec *s)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < d->ncus; i++) {
		for (size_t a = 0; a < d->kernels[d->cus[i].kernel].nargs; a++) {
			if (d->cus[i].arg_mem[a] >= 0)
				n += (size_t)(d->cus[i].arg_last[a] - d->cus[i].arg_mem[a] + 1);
		}
	}
	s->size = AXLF_CONN_OFF + n * AXLF_CONN_SIZE;
	s->data = calloc(1, s->size);
	if (!s->data)
		return -ENOMEM;
	xw_u32(s->data, (uint32_t)n);
	for (size_t ip = 0; ip < d->ncus; ip++) {
		const struct pq_cu *cu = xw_cu_at(d, (int)ip);
		const struct pq_kernel *kern = &d->kernels[cu->kernel];

		/* A range is an entry a bank, as Vitis writes HBM[0:3]. */
		for (size_t a = 0; a < kern->nargs; a++) {
			for (int m = cu->arg_mem[a]; m >= 0 && m <= cu->arg_last[a]; m++) {
				uint8_t *c = s->data + AXLF_CONN_OFF + k * AXLF_CONN_SIZE;

				xw_u32(c, (uint32_t)kern->args[a].id);
				xw_u32(c + 4, (uint32_t)ip);
				xw_u32(c + 8, (uint32_t)m);
				k++;
			}
		}
	}
	return 0;
}

static int xw_clocks(const struct pq_design *d, struct xw_sec *s)
{
	s->size = AXLF_CLOCK_OFF + d->nclocks * AXLF_CLOCK_SIZE;
	s->data = calloc(1, s->size);
	if (!s->data)
		return -ENOMEM;
	xw_u16(s->data, (uint16_t)d->nclocks);
	for (size_t i = 0; i < d->nclocks; i++) {
		uint8_t *c = s->data + AXLF_CLOCK_OFF + i * AXLF_CLOCK_SIZE;

		xw_u16(c, d->clocks[i].mhz);
		c[2] = d->clocks[i].type;
		xw_name(c + 8, d->clocks[i].name, AXLF_CLOCK_NAME_LEN);
	}
	return 0;
}

static size_t xw_align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static int xw_write(const struct pq_design *d, bool sw_emu, const void *bits, size_t bitlen,
		    uint8_t **out, size_t *len, char *err, size_t errlen)
{
	struct xw_sec secs[7] = {
		{.kind = AXLF_EMBEDDED_METADATA, .name = "metadata"},
		{.kind = AXLF_MEM_TOPOLOGY, .name = "mem_topology"},
		{.kind = AXLF_IP_LAYOUT, .name = "ip_layout"},
		{.kind = AXLF_CONNECTIVITY, .name = "connectivity"},
		{.kind = AXLF_CLOCK_FREQ_TOPOLOGY, .name = "clock_freq"},
	};
	size_t nsec = 5;
	uint8_t *img = NULL;
	size_t total, off;
	char *xml = NULL;
	int ret;

	*out = NULL;
	ret = pq_metadata_write(d, &xml, &secs[0].size);
	if (ret)
		goto out;
	secs[0].data = (uint8_t *)xml;
	if ((ret = xw_mem_topology(d, &secs[1])) ||
	    (ret = xw_ip_layout(d, &secs[2], err, errlen)) ||
	    (ret = xw_connectivity(d, &secs[3])) || (ret = xw_clocks(d, &secs[4])))
		goto out;
	if (sw_emu) { /* metadata and clocks only */
		for (size_t i = 1; i < 4; i++)
			free(secs[i].data);
		secs[1] = secs[4];
		nsec = 2;
	}
	if (d->niface) { /* the shell interfaces it needs */
		secs[nsec] = (struct xw_sec){.kind = AXLF_PARTITION_METADATA, .name = "partition"};
		if ((ret = pq_partition_write(d, &secs[nsec].data, &secs[nsec].size)))
			goto out;
		nsec++;
	}
	if (bitlen) { /* the kernels, as a shared object */
		secs[nsec] = (struct xw_sec){.kind = AXLF_BITSTREAM, .name = "bitstream"};
		secs[nsec].data = malloc(bitlen);
		if (!secs[nsec].data) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(secs[nsec].data, bits, bitlen);
		secs[nsec++].size = bitlen;
	}

	total = xw_align8(AXLF_OFF_SECTIONS + nsec * AXLF_SECTION_HDR_SIZE);
	for (size_t i = 0; i < nsec; i++)
		total = xw_align8(total + secs[i].size);
	img = calloc(1, total);
	if (!img) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(img, AXLF_MAGIC, sizeof(AXLF_MAGIC));
	memset(img + 8, 0xff, AXLF_OFF_LENGTH - 8); /* unsigned: no signature, no key */
	xw_u64(img + AXLF_OFF_LENGTH, total);
	xw_u64(img + AXLF_OFF_TIMESTAMP, d->timestamp);
	xw_u16(img + AXLF_OFF_VERSION, d->version_patch);
	img[AXLF_OFF_VERSION + 2] = d->version_major;
	img[AXLF_OFF_VERSION + 3] = d->version_minor;
	xw_name(img + AXLF_OFF_VBNV, d->shell, AXLF_VBNV_LEN);
	memcpy(img + AXLF_OFF_UUID, d->uuid, 16);
	xw_u32(img + AXLF_OFF_NUM_SECTIONS, (uint32_t)nsec);

	off = xw_align8(AXLF_OFF_SECTIONS + nsec * AXLF_SECTION_HDR_SIZE);
	for (size_t i = 0; i < nsec; i++) {
		uint8_t *h = img + AXLF_OFF_SECTIONS + i * AXLF_SECTION_HDR_SIZE;

		xw_u32(h, secs[i].kind);
		xw_name(h + 4, secs[i].name, 16);
		xw_u64(h + 24, off);
		xw_u64(h + 32, secs[i].size);
		memcpy(img + off, secs[i].data, secs[i].size);
		off = xw_align8(off + secs[i].size);
	}
	*out = img;
	*len = total;
	img = NULL;
	ret = 0;
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	for (size_t i = 0; i < nsec; i++)
		free(secs[i].data);
	free(img);
	return ret;
}

int pq_xclbin_write(const struct pq_design *d, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	return xw_write(d, false, NULL, 0, out, len, err, errlen);
}

int pq_xclbin_write_with(const struct pq_design *d, const void *bitstream, size_t bitlen,
			 uint8_t **out, size_t *len, char *err, size_t errlen)
{
	return xw_write(d, false, bitstream, bitlen, out, len, err, errlen);
}

int pq_xclbin_write_sw_emu(const struct pq_design *d, const void *bitstream, size_t bitlen,
			   uint8_t **out, size_t *len, char *err, size_t errlen)
{
	return xw_write(d, true, bitstream, bitlen, out, len, err, errlen);
}
