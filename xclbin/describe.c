// SPDX-License-Identifier: MIT
/*
 * Design descriptions: a libconfig file that says what an xclbin holds, in
 * the words a kernel developer uses (see examples/designs/ and docs/).
 * Register offsets follow Vitis HLS: args from 0x10, each followed by a
 * 4-byte gap; pointers are 8 bytes.
 */
#define _GNU_SOURCE
#include "describe.h"
#include "partition.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

struct ds_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

static int ds_fail(struct ds_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->file, s ? config_setting_source_line(s) : 0,
		 msg);
	return -EINVAL;
}

/* A number given as an integer or as a string ("0x4000000000", "16G"). */
static int ds_u64(struct ds_ctx *c, const config_setting_t *parent, const char *name, uint64_t def,
		  uint64_t *out)
{
	config_setting_t *s = config_setting_get_member(parent, name);
	unsigned long long v;
	const char *str;
	char *end;

	if (!s) {
		*out = def;
		return 0;
	}
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (config_setting_get_int64(s) < 0)
			return ds_fail(c, s, "%s must not be negative", name);
		*out = (uint64_t)config_setting_get_int64(s);
		return 0;
	case CONFIG_TYPE_STRING:
		str = config_setting_get_string(s);
		errno = 0;
		v = strtoull(str, &end, 0);
		if (errno || end == str || *str == '-')
			return ds_fail(c, s, "%s: '%s' is not a number", name, str);
		{
			static const char units[] = "KMGT";
			const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
			unsigned shift = u ? 10 * (unsigned)(u - units + 1) : 0;

			/* A suffix that shifts bits out is not a size we can hold. */
			if (shift && v > UINT64_MAX >> shift)
				return ds_fail(c, s, "%s: '%s' is too large", name, str);
			v <<= shift;
			end += u != NULL;
		}
		if (*end)
			return ds_fail(c, s, "%s: '%s' is not a number", name, str);
		*out = v;
		return 0;
	default:
		return ds_fail(c, s, "%s must be a number", name);
	}
}

static const char *ds_str(const config_setting_t *parent, const char *name, const char *def)
{
	const config_setting_t *s = config_setting_get_member(parent, name);

	return s && config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s)
								 : def;
}

static char *ds_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int ds_mem_type(const char *s)
{
	for (int t = 0; t <= PQ_MEM_PS_KERNEL; t++) {
		if (!strcasecmp(s, pq_mem_type_name(t)))
			return t;
	}
	if (!strcasecmp(s, "PLRAM"))
		return PQ_MEM_DRAM; /* how U200/U280 shells mark PLRAM */
	return -1;
}

static int ds_bank_index(const struct pq_design *d, const char *tag)
{
	for (size_t i = 0; i < d->nbanks; i++) {
		if (!strcmp(d->banks[i].tag, tag))
			return (int)i;
	}
	return -1;
}

static int ds_banks(struct ds_ctx *c, const config_t *cf, struct pq_design *d)
{
	const config_setting_t *list = config_lookup(cf, "banks");
	const config_setting_t *streams = config_lookup(cf, "streams");
	int n = list ? config_setting_length(list) : 0;
	int ns = streams ? config_setting_length(streams) : 0;

	d->banks = calloc((size_t)(n + ns) + 1, sizeof(*d->banks));
	if (!d->banks)
		return -ENOMEM;
	for (int i = 0; i < n + ns; i++) {
		const config_setting_t *s = i < n ? config_setting_get_elem(list, i)
						  : config_setting_get_elem(streams, i - n);
		struct pq_bank *b = &d->banks[i];
		const char *tag = ds_str(s, i < n ? "tag" : "name", NULL);
		uint64_t v;
		int used;

		if (!tag || !*tag || strlen(tag) > AXLF_MEM_TAG_LEN)
			return ds_fail(c, s, "a %s needs a %s of 1 to %d characters",
				       i < n ? "bank" : "stream", i < n ? "tag" : "name",
				       AXLF_MEM_TAG_LEN);
		if (ds_bank_index(d, tag) >= 0)
			return ds_fail(c, s, "'%s' is described twice", tag);
		snprintf(b->tag, sizeof(b->tag), "%s", tag);
		d->nbanks++;
		if (i >= n) {
			b->type = PQ_MEM_STREAMING_CONNECTION;
			b->streaming = b->used = true;
			b->route_id = b->base = (uint64_t)(i - n);
			if (ds_u64(c, s, "depth", 0, &v))
				return -EINVAL;
			if (v > 1u << 20)
				return ds_fail(c, s, "stream %s: depth is 1 to %u elements", tag,
					       1u << 20);
			b->depth = (uint32_t)v;
			continue;
		}
		b->type = ds_mem_type(ds_str(s, "type", "DDR4"));
		if (b->type < 0 || b->type == PQ_MEM_STREAMING ||
		    b->type == PQ_MEM_STREAMING_CONNECTION)
			return ds_fail(c, s, "bank %s: unknown memory type '%s'", tag,
				       ds_str(s, "type", ""));
		b->used = config_setting_lookup_bool(s, "used", &used) ? used : true;
		if (ds_u64(c, s, "size", 0, &v))
			return -EINVAL;
		if (v == 0 || v % 1024)
			return ds_fail(c, s, "bank %s: size must be a positive multiple of 1K",
				       tag);
		b->size = v;
		if (ds_u64(c, s, "base", 0, &b->base))
			return -EINVAL;
	}
	return 0;
}

/* Register bytes a scalar type takes (HLS widens small types to 32 bits). */
static uint32_t ds_host_size(const char *type)
{
	static const char *const wide[] = {"long", "double", "int64", "uint64", "size_t", NULL};

	if (strchr(type, '*'))
		return 8;
	for (int i = 0; wide[i]; i++) {
		if (strstr(type, wide[i]))
			return 8;
	}
	if (strstr(type, "char"))
		return 1;
	if (strstr(type, "short"))
		return 2;
	return 4;
}

static int ds_args(struct ds_ctx *c, const config_setting_t *ks, struct pq_kernel *k)
{
	const config_setting_t *list = config_setting_get_member(ks, "args");
	int n = list ? config_setting_length(list) : 0;
	uint64_t off = 0x10, v;

	k->args = calloc((size_t)n + 1, sizeof(*k->args));
	if (!k->args)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, i);
		struct pq_arg *a = &k->args[i];
		const char *name = ds_str(s, "name", NULL), *type = ds_str(s, "type", NULL);
		const char *stream = ds_str(s, "stream", NULL);

		if (!name || !type)
			return ds_fail(c, s, "kernel %s: every arg needs a name and a type",
				       k->name);
		for (int j = 0; j < i; j++) {
			if (!strcmp(k->args[j].name, name))
				return ds_fail(c, s, "kernel %s: arg %s appears twice", k->name,
					       name);
		}
		a->name = strdup(name);
		a->type = strdup(type);
		k->nargs++;
		if (!a->name || !a->type)
			return -ENOMEM;
		a->id = i;
		if (stream) {
			if (strcmp(stream, "in") && strcmp(stream, "out"))
				return ds_fail(c, s, "arg %s: stream must be \"in\" or \"out\"",
					       name);
			a->aq = PQ_AQ_STREAM;
			a->dir = !strcmp(stream, "in") ? PQ_DIR_IN : PQ_DIR_OUT;
			a->port = strdup(ds_str(s, "port", name));
			a->host_size = 8;
			/* What Vitis writes as the port's dataWidth: never guessed from the type.
			 */
			if (ds_u64(c, s, "width", 0, &v) || v == 0 || v > 4096)
				return ds_fail(c, s,
					       "arg %s: a stream needs width, its TDATA bits "
					       "(1 to 4096: the port's dataWidth)",
					       name);
			a->width = (uint32_t)v;
		} else if (strchr(type, '*')) {
			a->aq = PQ_AQ_GLOBAL;
			a->port = strdup(ds_str(s, "port", "m_axi_gmem"));
			a->size = a->host_size = 8;
		} else {
			a->aq = PQ_AQ_SCALAR;
			a->port = strdup(ds_str(s, "port", "s_axi_control"));
			a->host_size = ds_host_size(type);
			a->size = a->host_size > 4 ? 8 : 4;
		}
		if (!a->port)
			return -ENOMEM;
		if (a->aq == PQ_AQ_STREAM)
			continue;
		if (ds_u64(c, s, "offset", off, &v))
			return -EINVAL;
		if (v % 4 || v > UINT32_MAX)
			return ds_fail(c, s, "arg %s: offset must be a multiple of 4", name);
		a->offset = (uint32_t)v;
		off = v + a->size + 4;
	}
	k->reg_range = 0x10000;
	return 0;
}

static int ds_control(const char *s)
{
	static const char *const names[] = {"ap_ctrl_hs", "ap_ctrl_chain", "ap_ctrl_none"};

	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, names[i]))
			return i;
	}
	return -1;
}

static int ds_cu(struct ds_ctx *c, const config_setting_t *s, struct pq_design *d, size_t ki)
{
	const struct pq_kernel *k = &d->kernels[ki];
	const config_setting_t *conn = config_setting_get_member(s, "connect");
	const char *name = ds_str(s, "name", NULL);
	struct pq_cu *cu = &d->cus[d->ncus];

	if (!name || !*name)
		return ds_fail(c, s, "kernel %s: a compute unit needs a name", k->name);
	for (size_t j = 0; j < d->ncus; j++) {
		if (!strcmp(d->cus[j].name, name))
			return ds_fail(c, s, "compute unit %s appears twice", name);
	}
	cu->name = strdup(name);
	d->ncus++;
	if (!cu->name || pq_cu_any_bank(cu, k->nargs))
		return -ENOMEM;
	cu->kernel = ki;
	cu->ip_index = (int)d->ncus - 1;
	cu->control = ds_control(k->protocol);
	if (ds_u64(c, s, "base", 0, &cu->base))
		return -EINVAL;
	for (int i = 0; conn && i < config_setting_length(conn); i++) {
		const config_setting_t *m = config_setting_get_elem(conn, i);
		const char *arg = config_setting_name(m), *tag = config_setting_get_string(m);
		int a = pq_kernel_arg(k, arg), b;

		if (a < 0)
			return ds_fail(c, m, "%s: kernel %s has no arg %s", name, k->name, arg);
		if (!tag)
			return ds_fail(c, m, "%s: connect.%s must be a bank tag", name, arg);
		b = ds_bank_index(d, tag);
		if (b < 0 || d->banks[b].streaming)
			return ds_fail(c, m, "%s: connect.%s: no bank tagged '%s'", name, arg, tag);
		if (k->args[a].aq != PQ_AQ_GLOBAL)
			return ds_fail(c, m, "%s: %s is not a pointer arg", name, arg);
		cu->arg_mem[a] = cu->arg_last[a] = b;
	}
	return 0;
}

static int ds_kernels(struct ds_ctx *c, const config_t *cf, struct pq_design *d)
{
	const config_setting_t *list = config_lookup(cf, "kernels");
	int n = list ? config_setting_length(list) : 0;
	size_t ncu = 0;
	int ret;

	for (int i = 0; i < n; i++) {
		const config_setting_t *cus =
			config_setting_get_member(config_setting_get_elem(list, i), "cus");

		ncu += cus ? (size_t)config_setting_length(cus) : 0;
	}
	d->kernels = calloc((size_t)n + 1, sizeof(*d->kernels));
	d->cus = calloc(ncu + 1, sizeof(*d->cus));
	if (!d->kernels || !d->cus)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, i);
		const config_setting_t *cus = config_setting_get_member(s, "cus");
		struct pq_kernel *k = &d->kernels[i];
		const char *name = ds_str(s, "name", NULL);

		if (!name)
			return ds_fail(c, s, "a kernel needs a name");
		k->name = strdup(name);
		k->vlnv = ds_dup(ds_str(s, "vlnv", NULL));
		k->protocol = strdup(ds_str(s, "control", "ap_ctrl_hs"));
		d->nkernels++;
		if (!k->name || !k->protocol)
			return -ENOMEM;
		if (ds_control(k->protocol) < 0)
			return ds_fail(c, s,
				       "kernel %s: control must be ap_ctrl_hs, ap_ctrl_chain "
				       "or ap_ctrl_none",
				       name);
		if ((ret = ds_args(c, s, k)))
			return ret;
		for (int j = 0; cus && j < config_setting_length(cus); j++) {
			if ((ret = ds_cu(c, config_setting_get_elem(cus, j), d, (size_t)i)))
				return ret;
		}
	}
	return 0;
}

/* "vadd_1.out" -> the CU and arg; the arg must be a stream of direction dir. */
static int ds_stream_end(struct ds_ctx *c, const config_setting_t *s, struct pq_design *d,
			 const char *key, int dir, int mem, int *cu, int *arg)
{
	const char *v = ds_str(s, key, NULL), *dot;
	const struct pq_kernel *k;
	int a;

	if (!v || !(dot = strchr(v, '.')))
		return ds_fail(c, s, "stream %s: %s must be \"<cu>.<arg>\"", d->banks[mem].tag,
			       key);
	for (size_t j = 0; j < d->ncus; j++) {
		if (strlen(d->cus[j].name) != (size_t)(dot - v) ||
		    strncmp(d->cus[j].name, v, dot - v))
			continue;
		k = &d->kernels[d->cus[j].kernel];
		a = pq_kernel_arg(k, dot + 1);
		if (a < 0 || k->args[a].aq != PQ_AQ_STREAM || k->args[a].dir != dir)
			return ds_fail(c, s, "stream %s: %s is not an %s stream arg",
				       d->banks[mem].tag, v, dir == PQ_DIR_OUT ? "out" : "in");
		d->cus[j].arg_mem[a] = d->cus[j].arg_last[a] = mem;
		*cu = (int)j;
		*arg = a;
		return 0;
	}
	return ds_fail(c, s, "stream %s: no compute unit named in '%s'", d->banks[mem].tag, v);
}

static int ds_cu_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pq_cu *)a)->name, ((const struct pq_cu *)b)->name);
}

static int ds_streams(struct ds_ctx *c, const config_t *cf, struct pq_design *d)
{
	const config_setting_t *list = config_lookup(cf, "streams");
	int n = list ? config_setting_length(list) : 0;

	d->streams = calloc((size_t)n + 1, sizeof(*d->streams));
	if (!d->streams)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, i);
		struct pq_stream *st = &d->streams[i];
		int mem = ds_bank_index(d, ds_str(s, "name", ""));

		st->mem = (size_t)mem;
		d->nstreams++;
		if (ds_stream_end(c, s, d, "source", PQ_DIR_OUT, mem, &st->src_cu, &st->src_arg) ||
		    ds_stream_end(c, s, d, "sink", PQ_DIR_IN, mem, &st->sink_cu, &st->sink_arg))
			return -EINVAL;
	}
	return 0;
}

static int ds_clocks(struct ds_ctx *c, const config_t *cf, struct pq_design *d)
{
	static const char *const types[] = {"UNUSED", "DATA", "KERNEL", "SYSTEM"};
	const config_setting_t *list = config_lookup(cf, "clocks");
	int n = list ? config_setting_length(list) : 0;
	uint64_t v;

	d->clocks = calloc((size_t)n + 1, sizeof(*d->clocks));
	if (!d->clocks)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, i);
		struct pq_clock *ck = &d->clocks[i];
		const char *type = ds_str(s, "type", "DATA");

		snprintf(ck->name, sizeof(ck->name), "%s", ds_str(s, "name", ""));
		if (ds_u64(c, s, "mhz", 0, &v))
			return -EINVAL;
		if (v > UINT16_MAX)
			return ds_fail(c, s, "clock %s: %llu MHz is too fast", ck->name,
				       (unsigned long long)v);
		ck->mhz = (uint16_t)v;
		ck->type = 0xff;
		for (uint8_t t = 0; t < 4; t++) {
			if (!strcasecmp(type, types[t]))
				ck->type = t;
		}
		if (ck->type == 0xff)
			return ds_fail(c, s, "clock %s: unknown type '%s'", ck->name, type);
		d->nclocks++;
	}
	return 0;
}

/* FNV-1a over the description text, twice: a stable UUID per description. */
static void ds_uuid_from(const char *file, uint8_t uuid[16])
{
	uint64_t h[2] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};
	FILE *f = fopen(file, "rb");
	int ch;

	while (f && (ch = fgetc(f)) != EOF) {
		for (int i = 0; i < 2; i++)
			h[i] = (h[i] ^ (uint8_t)ch) * 0x100000001b3ull;
	}
	if (f)
		fclose(f);
	memcpy(uuid, h, 16);
	uuid[6] = (uuid[6] & 0x0f) | 0x50; /* a name-based UUID */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

static int ds_uuid_parse(const char *s, uint8_t uuid[16])
{
	int n = 0;

	for (; *s && n < 32; s++) {
		if (*s == '-')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		uuid[n / 2] = (uint8_t)((n % 2 ? uuid[n / 2] << 4 : 0) |
					(isdigit((unsigned char)*s)
						 ? *s - '0'
						 : tolower((unsigned char)*s) - 'a' + 10));
		n++;
	}
	return n == 32 && !*s ? 0 : -1;
}

int pq_describe_load(const char *file, struct pq_design **out, char *err, size_t errlen)
{
	struct ds_ctx c = {.file = file, .err = err, .errlen = errlen};
	struct pq_design *d;
	const char *s;
	config_t cf;
	uint64_t ts;
	int ret;

	*out = NULL;
	config_init(&cf);
	d = calloc(1, sizeof(*d));
	if (!d) {
		ret = -ENOMEM;
		goto out;
	}
	if (!config_read_file(&cf, file)) {
		snprintf(err, errlen, "%s:%d: %s",
			 config_error_file(&cf) ? config_error_file(&cf) : file,
			 config_error_line(&cf), config_error_text(&cf));
		ret = -EINVAL;
		goto out;
	}
	s = ds_str(config_root_setting(&cf), "shell", "");
	if (strlen(s) > AXLF_VBNV_LEN) {
		ret = ds_fail(&c, NULL, "shell name is longer than %d characters", AXLF_VBNV_LEN);
		goto out;
	}
	snprintf(d->shell, sizeof(d->shell), "%s", s);
	d->project = ds_dup(ds_str(config_root_setting(&cf), "project", NULL));
	d->has_metadata = true;
	d->version_major = 2;
	d->version_minor = 13;
	if ((ret = ds_u64(&c, config_root_setting(&cf), "timestamp", 0, &ts)))
		goto out;
	d->timestamp = ts;
	s = ds_str(config_root_setting(&cf), "uuid", NULL);
	if (!s) {
		ds_uuid_from(file, d->uuid);
	} else if (ds_uuid_parse(s, d->uuid)) {
		ret = ds_fail(&c, config_lookup(&cf, "uuid"), "uuid '%s' is not 32 hex digits", s);
		goto out;
	}
	s = ds_str(config_root_setting(&cf), "interface_uuid", NULL);
	if (s && pq_iface_uuid_norm(s, strlen(s), d->iface[0])) {
		ret = ds_fail(&c, config_lookup(&cf, "interface_uuid"),
			      "interface_uuid '%s' is not 32 hex digits", s);
		goto out;
	}
	d->niface = s != NULL;
	if ((ret = ds_banks(&c, &cf, d)) || (ret = ds_kernels(&c, &cf, d)))
		goto out;
	/* CUs by name, as the parser gives them; ip_index keeps IP_LAYOUT order. */
	qsort(d->cus, d->ncus, sizeof(*d->cus), ds_cu_cmp);
	if ((ret = ds_streams(&c, &cf, d)) || (ret = ds_clocks(&c, &cf, d)))
		goto out;
	pq_design_name_banks(d);
	*out = d;
	d = NULL;
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	pq_design_free(d);
	config_destroy(&cf);
	return ret;
}
