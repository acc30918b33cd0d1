// SPDX-License-Identifier: MIT
/*
 * PARTITION_METADATA: a flattened device tree naming the shell interfaces
 * an xclbin was built for (its interface_uuid properties). XRT's driver
 * loads an xclbin only onto a shell that has each of them; two-stage Alveo
 * shells and F1 report another platform name than the one their xclbins
 * carry, so this, not the name, says whether an xclbin fits. Read within
 * the section's bounds whatever it holds; written for pynqfs-xclbin pack.
 */
#define _GNU_SOURCE
#include "partition.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_HDR	       40
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP	       4u
#define FDT_END	       9u

static uint32_t pt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void pt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

__attribute__((format(printf, 3, 4))) static int pt_fail(char *err, size_t errlen, const char *fmt,
							 ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "PARTITION_METADATA: ");

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int pq_iface_uuid_norm(const char *s, size_t len, char out[PQ_IFACE_UUID_LEN + 1])
{
	size_t n = 0;

	for (size_t i = 0; i < len && s[i]; i++) {
		if (s[i] == '-')
			continue;
		if (!isxdigit((unsigned char)s[i]) || n == PQ_IFACE_UUID_LEN)
			return -EINVAL;
		out[n++] = (char)tolower((unsigned char)s[i]);
	}
	out[n] = '\0';
	return n == PQ_IFACE_UUID_LEN ? 0 : -EINVAL;
}

/* One interface_uuid value: a C string within the property. */
static int pt_take(struct pq_design *d, const uint8_t *v, uint32_t len, char *err, size_t errlen)
{
	char uuid[PQ_IFACE_UUID_LEN + 1];

	if (!len || memchr(v, '\0', len) == NULL)
		return pt_fail(err, errlen, "an interface_uuid is not a string");
	if (pq_iface_uuid_norm((const char *)v, len, uuid))
		return pt_fail(err, errlen, "interface_uuid '%.40s' is not 32 hex digits",
			       (const char *)v);
	if (d->niface == PQ_MAX_IFACE)
		return pt_fail(err, errlen, "more than %d interface UUIDs", PQ_MAX_IFACE);
	memcpy(d->iface[d->niface++], uuid, sizeof(uuid));
	return 0;
}

int pq_partition_read(const uint8_t *b, size_t len, struct pq_design *d, char *err, size_t errlen)
{
	uint64_t total, st_off, st_size, str_off, str_size, p, end;
	uint32_t version;

	if (len < FDT_HDR)
		return pt_fail(err, errlen, "%zu bytes, shorter than a device tree header", len);
	if (pt_be32(b) != FDT_MAGIC)
		return pt_fail(err, errlen, "not a device tree (magic 0x%08x)", pt_be32(b));
	total = pt_be32(b + 4);
	st_off = pt_be32(b + 8);
	str_off = pt_be32(b + 12);
	version = pt_be32(b + 20);
	str_size = pt_be32(b + 32);
	st_size = pt_be32(b + 36);
	if (total > len || st_off + st_size > total || str_off + str_size > total)
		return pt_fail(err, errlen, "its blocks run past its %zu bytes", len);
	p = st_off;
	end = st_off + st_size;
	for (;;) {
		uint32_t tag, plen, name;
		const uint8_t *nul;

		if (p + 4 > end)
			return pt_fail(err, errlen, "its structure ends without FDT_END");
		tag = pt_be32(b + p);
		p += 4;
		if (tag == FDT_END)
			return 0;
		if (tag == FDT_END_NODE || tag == FDT_NOP)
			continue;
		if (tag == FDT_BEGIN_NODE) {
			nul = memchr(b + p, '\0', end - p);
			if (!nul)
				return pt_fail(err, errlen, "a node name runs past its structure");
			p = ((uint64_t)(nul - b) + 1 + 3) & ~(uint64_t)3;
			continue;
		}
		if (tag != FDT_PROP || p + 8 > end)
			return pt_fail(err, errlen, "token 0x%x at 0x%llx is not a device tree's",
				       tag, (unsigned long long)(p - 4));
		plen = pt_be32(b + p);
		name = pt_be32(b + p + 4);
		p += 8;
		if (version < 16 && plen >= 8)
			p = (p + 7) & ~(uint64_t)7;
		if (p + plen > end || name >= str_size ||
		    !memchr(b + str_off + name, '\0', str_size - name))
			return pt_fail(err, errlen, "a property runs past its blocks");
		if (!strcmp((const char *)b + str_off + name, "interface_uuid")) {
			int ret = pt_take(d, b + p, plen, err, errlen);

			if (ret)
				return ret;
		}
		p = (p + plen + 3) & ~(uint64_t)3;
	}
}

/* Node and property tokens of the tree / { interfaces { @N { interface_uuid } } }. */
static size_t pt_struct(const struct pq_design *d, uint8_t *o)
{
	size_t n = 0;

#define PT_TOK(v)                                                                                  \
	do {                                                                                       \
		if (o)                                                                             \
			pt_put32(o + n, (v));                                                      \
		n += 4;                                                                            \
	} while (0)
#define PT_NAME(s)                                                                                 \
	do {                                                                                       \
		size_t l_ = strlen(s) + 1;                                                         \
		if (o)                                                                             \
			memcpy(o + n, (s), l_);                                                    \
		n += (l_ + 3) & ~(size_t)3;                                                        \
	} while (0)
	PT_TOK(FDT_BEGIN_NODE);
	PT_NAME("");
	PT_TOK(FDT_BEGIN_NODE);
	PT_NAME("interfaces");
	for (size_t i = 0; i < d->niface; i++) {
		char node[24];

		snprintf(node, sizeof(node), "@%zu", i);
		PT_TOK(FDT_BEGIN_NODE);
		PT_NAME(node);
		PT_TOK(FDT_PROP);
		PT_TOK(PQ_IFACE_UUID_LEN + 1);
		PT_TOK(0); /* "interface_uuid", the first string */
		PT_NAME(d->iface[i]);
		PT_TOK(FDT_END_NODE);
	}
	PT_TOK(FDT_END_NODE);
	PT_TOK(FDT_END_NODE);
	PT_TOK(FDT_END);
#undef PT_TOK
#undef PT_NAME
	return n;
}

int pq_partition_write(const struct pq_design *d, uint8_t **out, size_t *len)
{
	static const char strings[] = "interface_uuid";
	size_t st = pt_struct(d, NULL), st_off = FDT_HDR + 16, str_off = st_off + st;
	size_t total = str_off + sizeof(strings);
	uint8_t *b = calloc(1, total);

	if (!b)
		return -ENOMEM;
	pt_put32(b, FDT_MAGIC);
	pt_put32(b + 4, (uint32_t)total);
	pt_put32(b + 8, (uint32_t)st_off);
	pt_put32(b + 12, (uint32_t)str_off);
	pt_put32(b + 16, FDT_HDR); /* the memory reservation map: one empty entry */
	pt_put32(b + 20, 17);	   /* version */
	pt_put32(b + 24, 16);	   /* last compatible version */
	pt_put32(b + 32, sizeof(strings));
	pt_put32(b + 36, (uint32_t)st);
	pt_struct(d, b + st_off);
	memcpy(b + str_off, strings, sizeof(strings));
	*out = b;
	*len = total;
	return 0;
}
