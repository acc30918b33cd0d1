// SPDX-License-Identifier: MIT
/*
 * v++ -l: the kernels of the .xo files become compute units of the
 * platform's memories, connected as [connectivity] says:
 *   nk=KERNEL:COUNT[:NAME.NAME...]   compute units (default: one, KERNEL_1)
 *   sp=CU.ARG:BANK, sp=CU.PORT:BANK  DDR[0], bank0, HBM[0:3], PLRAM[1]
 *   stream_connect=CU.OUT:CU.IN[:DEPTH] (and its short form sc=)
 *   slr=CU:SLR                       accepted; the sim has no SLRs
 * Memory args no sp names go to the platform's default memory
 * (pq_platform_default_bank: the U200's bank1, else the first DDR bank, else
 * HBM[0]), as Vitis does. The kernels' objects are
 * linked into one shared object, the xclbin's BITSTREAM, which the sim
 * runs as it runs a sw_emu build's.
 */
#define _GNU_SOURCE
#include "io.h"
#include "memories.h"
#include "platforms.h"
#include "vpp.h"
#include "xclbin.h"
#include "xo.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#define LK_CU_BASE  0x1800000ull /* where Vitis puts the first CU on Alveo shells */
#define LK_CU_SPAN  0x10000ull
#define LK_MAX_CUS  128
#define LK_MAX_ARGV 1024

struct lk {
	const struct vpp_opts *o;
	struct pq_design *d;
	char *tmp;
	char **objs; /* per kernel: its object file in tmp */
	char *err;
	size_t errlen;
};

static int lk_fail(struct lk *l, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int lk_fail(struct lk *l, const char *where, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s: %s", where, msg);
	return -EINVAL;
}

/* The .xo files' kernels, moved into the design; their objects into tmp. */
static int lk_kernels(struct lk *l)
{
	struct pq_design *d = l->d;

	d->kernels = calloc(l->o->ninputs + 1, sizeof(*d->kernels));
	l->objs = calloc(l->o->ninputs + 1, sizeof(*l->objs));
	if (!d->kernels || !l->objs)
		return -ENOMEM;
	for (size_t i = 0; i < l->o->ninputs; i++) {
		const char *in = l->o->inputs[i];
		struct pq_design *x;
		uint8_t *obj;
		size_t len;
		int ret = vpp_xo_read(in, &x, &obj, &len, l->err, l->errlen);

		if (ret)
			return ret;
		for (size_t k = 0; k < d->nkernels; k++) {
			if (!strcmp(d->kernels[k].name, x->kernels[0].name)) {
				free(obj);
				pq_design_free(x);
				return lk_fail(l, in, "kernel %s is in two .xo files",
					       d->kernels[k].name);
			}
		}
		d->kernels[d->nkernels] = x->kernels[0];
		memset(&x->kernels[0], 0, sizeof(x->kernels[0]));
		pq_design_free(x);
		if (asprintf(&l->objs[d->nkernels], "%s/%s.o", l->tmp,
			     d->kernels[d->nkernels].name) < 0) {
			l->objs[d->nkernels] = NULL;
			free(obj);
			return -ENOMEM;
		}
		d->nkernels++;
		ret = vpp_spit(l->objs[d->nkernels - 1], obj, len);
		free(obj);
		if (ret)
			return lk_fail(l, l->tmp, "%s", strerror(-ret));
	}
	return 0;
}

static int lk_kernel(const struct pq_design *d, const char *name, size_t len)
{
	for (size_t k = 0; k < d->nkernels; k++) {
		if (strlen(d->kernels[k].name) == len && !strncmp(d->kernels[k].name, name, len))
			return (int)k;
	}
	return -1;
}

static int lk_cu(const struct pq_design *d, const char *name, size_t len)
{
	for (size_t c = 0; c < d->ncus; c++) {
		if (strlen(d->cus[c].name) == len && !strncmp(d->cus[c].name, name, len))
			return (int)c;
	}
	return -1;
}

static bool lk_ident(const char *s, size_t len)
{
	if (!len || isdigit((unsigned char)*s))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	}
	return true;
}

static int lk_add_cu(struct lk *l, size_t k, const char *name, size_t len, const char *where)
{
	static const char *const ctrl[] = {"ap_ctrl_hs", "ap_ctrl_chain", "ap_ctrl_none"};
	struct pq_design *d = l->d;
	struct pq_cu *cu;

	if (!lk_ident(name, len) || len >= AXLF_IP_NAME_LEN - 1 - strlen(d->kernels[k].name))
		return lk_fail(l, where, "'%.*s' is not a compute unit name (a C identifier)",
			       (int)len, name);
	if (lk_cu(d, name, len) >= 0)
		return lk_fail(l, where, "compute unit %.*s is named twice", (int)len, name);
	if (d->ncus >= LK_MAX_CUS)
		return lk_fail(l, where, "more than %d compute units", LK_MAX_CUS);
	cu = &d->cus[d->ncus];
	cu->name = strndup(name, len);
	if (!cu->name || pq_cu_any_bank(cu, d->kernels[k].nargs))
		return -ENOMEM;
	cu->kernel = k;
	cu->ip_index = (int)d->ncus;
	cu->base = LK_CU_BASE + LK_CU_SPAN * d->ncus;
	for (int c = 0; c < 3; c++) {
		if (!strcmp(d->kernels[k].protocol, ctrl[c]))
			cu->control = c;
	}
	d->ncus++;
	return 0;
}

/* nk=KERNEL:COUNT[:NAME.NAME...] for one kernel, or its one default CU. */
static int lk_cus_of(struct lk *l, size_t k)
{
	const struct vpp_cfg *c = &l->o->cfg;
	const char *kn = l->d->kernels[k].name;
	const struct vpp_setting *nk = NULL;
	char def[AXLF_IP_NAME_LEN], *end;
	unsigned long count;
	const char *names;
	int ret;

	for (size_t i = 0; i < c->n; i++) {
		const struct vpp_setting *s = &c->s[i];
		size_t len = strcspn(s->value, ":");

		if (strcmp(s->section, "connectivity") || strcmp(s->key, "nk") ||
		    len != strlen(kn) || strncmp(s->value, kn, len))
			continue;
		if (nk)
			return lk_fail(l, s->where, "nk for %s again (first at %s)", kn, nk->where);
		nk = s;
	}
	if (!nk) {
		snprintf(def, sizeof(def), "%s_1", kn);
		return lk_add_cu(l, k, def, strlen(def), "nk");
	}
	count = strtoul(nk->value + strlen(kn) + 1, &end, 10);
	if (nk->value[strlen(kn)] != ':' || end == nk->value + strlen(kn) + 1 || count < 1 ||
	    count > LK_MAX_CUS || (*end && *end != ':'))
		return lk_fail(l, nk->where, "nk=%s: say nk=%s:COUNT[:NAME.NAME...], COUNT 1 to %d",
			       nk->value, kn, LK_MAX_CUS);
	names = *end ? end + 1 : NULL;
	for (unsigned long i = 0; i < count; i++) {
		size_t len;

		if (!names) {
			snprintf(def, sizeof(def), "%s_%lu", kn, i + 1);
			ret = lk_add_cu(l, k, def, strlen(def), nk->where);
		} else {
			len = strcspn(names, ".");
			if (!len)
				return lk_fail(l, nk->where,
					       "nk=%s: %lu names for %lu compute units", nk->value,
					       i, count);
			ret = lk_add_cu(l, k, names, len, nk->where);
			names += len + (names[len] == '.');
		}
		if (ret)
			return ret;
	}
	if (names && *names)
		return lk_fail(l, nk->where, "nk=%s: more names than %lu compute units", nk->value,
			       count);
	return 0;
}

static int lk_cus(struct lk *l)
{
	const struct vpp_cfg *c = &l->o->cfg;
	int ret;

	l->d->cus = calloc(LK_MAX_CUS + 1, sizeof(*l->d->cus));
	if (!l->d->cus)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		const struct vpp_setting *s = &c->s[i];

		if (!strcmp(s->section, "connectivity") && !strcmp(s->key, "nk") &&
		    lk_kernel(l->d, s->value, strcspn(s->value, ":")) < 0)
			return lk_fail(l, s->where, "nk=%s: no kernel %.*s in the .xo files",
				       s->value, (int)strcspn(s->value, ":"), s->value);
	}
	for (size_t k = 0; k < l->d->nkernels; k++) {
		if ((ret = lk_cus_of(l, k)))
			return ret;
	}
	pq_design_sort_cus(l->d);
	return 0;
}

/* "CU.NAME" -> the CU; name points past the dot. */
static int lk_cu_dot(struct lk *l, const char *where, const char *v, size_t len, int *cu,
		     const char **name)
{
	const char *dot = memchr(v, '.', len);

	if (!dot)
		return lk_fail(l, where, "'%.*s' is not CU.PORT", (int)len, v);
	*cu = lk_cu(l->d, v, (size_t)(dot - v));
	if (*cu < 0)
		return lk_fail(l, where, "no compute unit %.*s (nk= names them; default KERNEL_1)",
			       (int)(dot - v), v);
	*name = dot + 1;
	return 0;
}

/* BANK, NAME[I] or NAME[I:J] -> the banks first..last (memories.c). */
static int lk_banks(struct lk *l, const char *where, const char *spec, int *first, int *last)
{
	char why[512];

	if (vpp_memories_find(l->d, spec, first, last, why, sizeof(why)))
		return lk_fail(l, where, "%s", why);
	return 0;
}

/* sp=CU.ARG:BANK or sp=CU.PORT:BANK (every arg of that port). */
static int lk_sp(struct lk *l, const struct vpp_setting *s)
{
	const char *colon = strchr(s->value, ':'), *name;
	const struct pq_kernel *k;
	struct pq_cu *cu;
	int c, first, last, hits = 0, ret;
	size_t nlen;

	if (!colon)
		return lk_fail(l, s->where, "sp=%s: say sp=CU.ARG:BANK", s->value);
	if ((ret = lk_cu_dot(l, s->where, s->value, (size_t)(colon - s->value), &c, &name)) ||
	    (ret = lk_banks(l, s->where, colon + 1, &first, &last)))
		return ret;
	cu = &l->d->cus[c];
	k = &l->d->kernels[cu->kernel];
	nlen = (size_t)(colon - name);
	for (size_t a = 0; a < k->nargs; a++) {
		const struct pq_arg *g = &k->args[a];
		bool arg = strlen(g->name) == nlen && !strncmp(g->name, name, nlen);
		bool port = strlen(g->port) == nlen && !strncasecmp(g->port, name, nlen);

		if (!arg && !port)
			continue;
		if (g->aq != PQ_AQ_GLOBAL) {
			if (!arg)
				continue;
			return lk_fail(l, s->where, "sp: %s.%s is %s: sp connects memory ports",
				       cu->name, g->name,
				       g->aq == PQ_AQ_STREAM ? "a stream" : "a scalar");
		}
		cu->arg_mem[a] = first;
		cu->arg_last[a] = last;
		hits++;
	}
	if (!hits)
		return lk_fail(l, s->where, "sp: %s has no argument or port %.*s", cu->name,
			       (int)nlen, name);
	return 0;
}

/* One end of a stream_connect: CU.ARG, a stream of direction dir. */
static int lk_stream_end(struct lk *l, const char *where, const char *v, size_t len, int dir,
			 int *cu, int *arg)
{
	const char *name;
	const struct pq_kernel *k;
	int ret = lk_cu_dot(l, where, v, len, cu, &name);
	size_t nlen;

	if (ret)
		return ret;
	k = &l->d->kernels[l->d->cus[*cu].kernel];
	nlen = (size_t)(v + len - name);
	for (size_t a = 0; a < k->nargs; a++) {
		const struct pq_arg *g = &k->args[a];

		if (strlen(g->name) != nlen || strncmp(g->name, name, nlen))
			continue;
		if (g->aq != PQ_AQ_STREAM)
			return lk_fail(l, where, "%.*s is not a stream (hls::stream<T>&)", (int)len,
				       v);
		if (g->dir != dir)
			return lk_fail(l, where,
				       "%.*s is an %s stream: a stream goes from an output "
				       "(first) to an input (second)",
				       (int)len, v, g->dir == PQ_DIR_OUT ? "output" : "input");
		if (l->d->cus[*cu].arg_mem[a] >= 0)
			return lk_fail(l, where, "%.*s is connected twice", (int)len, v);
		*arg = (int)a;
		return 0;
	}
	return lk_fail(l, where, "%s has no argument %.*s", l->d->cus[*cu].name, (int)nlen, name);
}

static int lk_stream(struct lk *l, const struct vpp_setting *s)
{
	struct pq_design *d = l->d;
	const char *v = s->value, *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	unsigned long depth = 0;
	struct pq_stream *st;
	struct pq_bank *b;
	int ret;

	if (!c1)
		return lk_fail(l, s->where, "%s=%s: say CU.OUT:CU.IN[:DEPTH]", s->key, v);
	if (c2) {
		char *end;

		depth = strtoul(c2 + 1, &end, 10);
		if (end == c2 + 1 || *end || depth < 1 || depth > (1ul << 20))
			return lk_fail(l, s->where,
				       "%s=%s: the depth is a number of elements, 1 to %lu", s->key,
				       v, 1ul << 20);
	}
	st = &d->streams[d->nstreams];
	if ((ret = lk_stream_end(l, s->where, v, (size_t)(c1 - v), PQ_DIR_OUT, &st->src_cu,
				 &st->src_arg)) ||
	    (ret = lk_stream_end(l, s->where, c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1),
				 PQ_DIR_IN, &st->sink_cu, &st->sink_arg)))
		return ret;
	b = &d->banks[d->nbanks];
	snprintf(b->tag, sizeof(b->tag), "dc_%zu", d->nstreams);
	b->type = PQ_MEM_STREAMING_CONNECTION;
	b->streaming = b->used = true;
	b->route_id = b->base = d->nstreams;
	b->depth = (uint32_t)depth;
	st->mem = d->nbanks;
	d->cus[st->src_cu].arg_mem[st->src_arg] = d->cus[st->src_cu].arg_last[st->src_arg] =
		(int)d->nbanks;
	d->cus[st->sink_cu].arg_mem[st->sink_arg] = d->cus[st->sink_cu].arg_last[st->sink_arg] =
		(int)d->nbanks;
	d->nbanks++;
	d->nstreams++;
	return 0;
}

/* What [connectivity] says, in order; then the defaults and the checks. */
static int lk_connect(struct lk *l)
{
	const struct vpp_cfg *c = &l->o->cfg;
	struct pq_design *d = l->d;
	size_t nstreams = 0;
	struct pq_bank *banks;
	int def, ret;

	for (size_t i = 0; i < c->n; i++) {
		nstreams += !strcmp(c->s[i].section, "connectivity") &&
			    (!strcmp(c->s[i].key, "stream_connect") || !strcmp(c->s[i].key, "sc"));
	}
	banks = realloc(d->banks, (d->nbanks + nstreams + 1) * sizeof(*banks));
	d->streams = calloc(nstreams + 1, sizeof(*d->streams));
	if (!banks || !d->streams) {
		if (banks)
			d->banks = banks;
		return -ENOMEM;
	}
	d->banks = banks;
	memset(d->banks + d->nbanks, 0, (nstreams + 1) * sizeof(*banks));
	for (size_t i = 0; i < c->n; i++) {
		const struct vpp_setting *s = &c->s[i];

		if (strcmp(s->section, "connectivity") || !strcmp(s->key, "nk") ||
		    !strcmp(s->key, "slr"))
			continue;
		if (!strcmp(s->key, "sp"))
			ret = lk_sp(l, s);
		else if (!strcmp(s->key, "stream_connect") || !strcmp(s->key, "sc"))
			ret = lk_stream(l, s);
		else
			ret = lk_fail(l, s->where,
				      "[connectivity] %s: pynqfs-vpp knows nk, sp, "
				      "stream_connect (sc) and slr",
				      s->key);
		if (ret)
			return ret;
	}
	/* As Vitis marks them: a memory is used when some port connects to it. */
	for (size_t b = 0; b < d->nbanks; b++)
		d->banks[b].used = d->banks[b].streaming;
	def = pq_platform_default_bank(d);
	for (size_t j = 0; j < d->ncus; j++) {
		struct pq_cu *cu = &d->cus[j];
		const struct pq_kernel *k = &d->kernels[cu->kernel];

		for (size_t a = 0; a < k->nargs; a++) {
			if (cu->arg_mem[a] >= 0)
				continue;
			if (k->args[a].aq == PQ_AQ_GLOBAL)
				cu->arg_mem[a] = cu->arg_last[a] = def;
			else if (k->args[a].aq == PQ_AQ_STREAM)
				return lk_fail(l, "stream_connect",
					       "%s.%s is a stream connected to nothing: add "
					       "stream_connect=%s%s.%s%s to [connectivity]",
					       cu->name, k->args[a].name,
					       k->args[a].dir == PQ_DIR_IN ? "CU.PORT:" : "",
					       cu->name, k->args[a].name,
					       k->args[a].dir == PQ_DIR_OUT ? ":CU.PORT" : "");
		}
	}
	for (size_t j = 0; j < d->ncus; j++) {
		const struct pq_cu *cu = &d->cus[j];

		for (size_t a = 0; a < d->kernels[cu->kernel].nargs; a++) {
			for (int b = cu->arg_mem[a]; b >= 0 && b <= cu->arg_last[a]; b++)
				d->banks[b].used = true;
		}
	}
	return 0;
}

/* The kernels' objects linked into one shared object, read back. */
static int lk_shared_object(struct lk *l, uint8_t **so, size_t *len)
{
	const char *argv[LK_MAX_ARGV], *cxx = getenv("CXX");
	char *path = NULL;
	int n = 0, ret;

	if (asprintf(&path, "%s/kernels.so", l->tmp) < 0)
		return -ENOMEM;
	argv[n++] = cxx && *cxx ? cxx : "c++";
	argv[n++] = "-shared";
	argv[n++] = "-o";
	argv[n++] = path;
	for (size_t k = 0; k < l->d->nkernels && n < LK_MAX_ARGV - 4; k++)
		argv[n++] = l->objs[k];
	argv[n++] = "-Wl,-z,defs"; /* a function no kernel defines: say so now, not at a run */
	argv[n++] = "-lm";
	argv[n] = NULL;
	ret = vpp_run(argv, l->err, l->errlen);
	if (!ret && (ret = vpp_slurp(path, so, len)))
		ret = lk_fail(l, path, "%s", strerror(-ret));
	free(path);
	return ret;
}

static void lk_clocks(struct pq_design *d)
{
	static const struct pq_clock clocks[] = {{"DATA_CLK", 300, 1}, {"KERNEL_CLK", 500, 2}};

	d->clocks = calloc(2, sizeof(*d->clocks));
	if (!d->clocks)
		return;
	memcpy(d->clocks, clocks, sizeof(clocks));
	d->nclocks = 2;
}

int vpp_link(const struct vpp_opts *o, char *err, size_t errlen)
{
	struct lk l = {.o = o, .err = err, .errlen = errlen};
	char what[200], why[512];
	struct pq_design *check = NULL;
	uint8_t *so = NULL, *img = NULL;
	size_t solen, len;
	const char *base;
	int made = 0, ret;

	if (!o->output || !o->ninputs) {
		snprintf(err, errlen, "-l needs -o FILE.xclbin and .xo files");
		return -EINVAL;
	}
	l.d = calloc(1, sizeof(*l.d));
	if (!l.d)
		return -ENOMEM;
	if ((ret = vpp_platform_name(o, l.d->shell, sizeof(l.d->shell), err, errlen)))
		goto out;
	ret = pq_platform_banks(l.d, what, sizeof(what));
	if (ret == -ENOENT) {
		ret = lk_fail(&l, "--platform", "%s; pynqfs-vpp knows %s", what,
			      pq_platform_names());
		goto out;
	}
	if (ret)
		goto out;
	if ((ret = vpp_temp_dir(o->temp_dir, &l.tmp, &made, err, errlen)) ||
	    (ret = lk_kernels(&l)) || (ret = lk_cus(&l)) || (ret = lk_connect(&l)) ||
	    (ret = lk_shared_object(&l, &so, &solen)))
		goto out;
	base = strrchr(o->output, '/') ? strrchr(o->output, '/') + 1 : o->output;
	l.d->project = strndup(base, strcspn(base, "."));
	l.d->has_metadata = true;
	l.d->version_major = 2;
	l.d->version_minor = 13;
	l.d->timestamp = (uint64_t)time(NULL);
	if (getrandom(l.d->uuid, sizeof(l.d->uuid), 0) != sizeof(l.d->uuid))
		memset(l.d->uuid, 0, sizeof(l.d->uuid));
	lk_clocks(l.d);
	pq_design_name_banks(l.d);
	if (!l.d->project || !l.d->clocks) {
		ret = -ENOMEM;
		goto out;
	}
	ret = pq_xclbin_write_with(l.d, so, solen, &img, &len, err, errlen);
	if (ret)
		goto out;
	/* What we wrote is what pynqfs reads: parse it as a card would. */
	ret = pq_xclbin_parse(img, len, &check, why, sizeof(why));
	if (ret) {
		ret = lk_fail(&l, o->output, "the xclbin written does not parse: %s", why);
		goto out;
	}
	ret = vpp_spit(o->output, img, len);
	if (ret)
		ret = lk_fail(&l, o->output, "%s", strerror(-ret));
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (made && !o->save_temps && l.tmp)
		vpp_temp_remove(l.tmp);
	for (size_t k = 0; l.objs && l.objs[k]; k++)
		free(l.objs[k]);
	free(l.objs);
	free(l.tmp);
	free(so);
	free(img);
	pq_design_free(check);
	pq_design_free(l.d);
	return ret;
}
