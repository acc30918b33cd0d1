// SPDX-License-Identifier: MIT
/* EMBEDDED_METADATA reader and writer, on libxml2. */
#define _GNU_SOURCE
#include "metadata.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#define MD_MAX_XML  (16u << 20)
#define MD_MAX_ARGS 1024

/*
 * libxml2 sets up its globals lazily, and without a lock where a thread
 * first touches them (2.9: a mutex leaked when two FUSE threads parsed
 * their first xclbins at once). Its rule: call xmlInitParser() once, from
 * one thread, before any other. At load time, there is only one.
 */
__attribute__((constructor)) static void md_init(void)
{
	xmlInitParser();
}

static bool md_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* An attribute's value as a malloc'd string (NULL when absent). */
static char *md_attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* A numeric attribute ("0x10", "16"); absent means def. */
static int md_num(const xmlNode *n, const char *name, uint64_t def, uint64_t max, uint64_t *out)
{
	char *s = md_attr(n, name), *end;
	unsigned long long v;

	if (!s) {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		free(s);
		return -1;
	}
	free(s);
	*out = v;
	return 0;
}

static bool md_ident(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	}
	return true;
}

static int md_arg_cmp(const void *a, const void *b)
{
	const struct pq_arg *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

struct md_port {
	char *name, *mode;
	uint64_t range, width;
};

/* The kernel's <instance> elements: its compute units, for xclbins with no IP_LAYOUT. */
static int md_instances(const xmlNode *kn, struct pq_kernel *k, char *err, size_t errlen)
{
	size_t n = 0;

	for (const xmlNode *c = kn->children; c; c = c->next)
		n += md_is(c, "instance");
	if (n > MD_MAX_ARGS * 16)
		return pq_fail(err, errlen, "EMBEDDED_METADATA: kernel %s has %zu instances",
			       k->name, n);
	k->instances = calloc(n ? n : 1, sizeof(*k->instances));
	if (!k->instances)
		return -ENOMEM;
	for (const xmlNode *c = kn->children; c; c = c->next) {
		struct pq_instance *in = &k->instances[k->ninstances];

		if (!md_is(c, "instance"))
			continue;
		in->name = md_attr(c, "name");
		k->ninstances++;
		if (!md_ident(in->name))
			return pq_fail(
				err, errlen,
				"EMBEDDED_METADATA: kernel %s: instance name '%s' is not a C "
				"name",
				k->name, in->name ? in->name : "");
		for (const xmlNode *r = c->children; r; r = r->next) {
			if (md_is(r, "addrRemap") && md_num(r, "base", 0, UINT64_MAX, &in->base))
				return pq_fail(err, errlen,
					       "EMBEDDED_METADATA: instance %s: bad addrRemap base",
					       in->name);
		}
	}
	return 0;
}

static int md_kernel(const xmlNode *kn, struct pq_kernel *k, char *err, size_t errlen)
{
	struct md_port *ports = NULL;
	size_t nports = 0, nargs = 0;
	uint64_t v;
	int ret = -EINVAL;

	k->name = md_attr(kn, "name");
	if (!md_ident(k->name))
		return pq_fail(err, errlen, "EMBEDDED_METADATA: kernel name '%s' is not a C name",
			       k->name ? k->name : "");
	k->vlnv = md_attr(kn, "vlnv");
	k->protocol = md_attr(kn, "hwControlProtocol");
	for (const xmlNode *c = kn->children; c; c = c->next) {
		nports += md_is(c, "port");
		nargs += md_is(c, "arg");
	}
	if (nargs > MD_MAX_ARGS)
		return pq_fail(err, errlen, "EMBEDDED_METADATA: kernel %s has %zu args (max %d)",
			       k->name, nargs, MD_MAX_ARGS);
	ports = calloc(nports ? nports : 1, sizeof(*ports));
	k->args = calloc(nargs ? nargs : 1, sizeof(*k->args));
	if (!ports || !k->args) {
		ret = -ENOMEM;
		goto out;
	}
	nports = 0;
	for (const xmlNode *c = kn->children; c; c = c->next) {
		struct md_port *p = &ports[nports];

		if (!md_is(c, "port"))
			continue;
		nports++;
		p->name = md_attr(c, "name");
		p->mode = md_attr(c, "mode");
		if (md_num(c, "dataWidth", 0, UINT32_MAX, &p->width)) {
			pq_fail(err, errlen, "EMBEDDED_METADATA: kernel %s port %s: bad dataWidth",
				k->name, p->name ? p->name : "?");
			goto out;
		}
		if (md_num(c, "range", 0, UINT64_MAX, &p->range)) {
			pq_fail(err, errlen, "EMBEDDED_METADATA: kernel %s port %s: bad range",
				k->name, p->name ? p->name : "?");
			goto out;
		}
		if (p->mode && !strcmp(p->mode, "slave") && p->range > k->reg_range)
			k->reg_range = p->range > UINT32_MAX ? UINT32_MAX : (uint32_t)p->range;
	}
	for (const xmlNode *c = kn->children; c; c = c->next) {
		struct pq_arg *a = &k->args[k->nargs];
		const char *bad = NULL;

		if (!md_is(c, "arg"))
			continue;
		k->nargs++;
		a->name = md_attr(c, "name");
		a->type = md_attr(c, "type");
		a->port = md_attr(c, "port");
		if (!md_ident(a->name)) {
			pq_fail(err, errlen,
				"EMBEDDED_METADATA: kernel %s: arg name '%s' is not a C name",
				k->name, a->name ? a->name : "");
			goto out;
		}
		if (!a->type || !*a->type)
			bad = "type";
		else if (md_num(c, "addressQualifier", 0, 0xff, &v) || (a->aq = (int)v, false))
			bad = "addressQualifier";
		else if (md_num(c, "id", k->nargs - 1, MD_MAX_ARGS, &v) || (a->id = (int)v, false))
			bad = "id";
		else if (md_num(c, "offset", 0, UINT32_MAX, &v) || (a->offset = (uint32_t)v, false))
			bad = "offset";
		else if (md_num(c, "size", 0, UINT32_MAX, &v) || (a->size = (uint32_t)v, false))
			bad = "size";
		else if (md_num(c, "hostSize", a->size, UINT32_MAX, &v) ||
			 (a->host_size = (uint32_t)v, false))
			bad = "hostSize";
		if (bad) {
			pq_fail(err, errlen,
				"EMBEDDED_METADATA: kernel %s arg %s: bad or missing %s", k->name,
				a->name, bad);
			goto out;
		}
		a->dir = PQ_DIR_NONE;
		for (size_t p = 0; a->port && p < nports; p++) {
			if (!ports[p].name || !ports[p].mode || strcasecmp(ports[p].name, a->port))
				continue;
			if (!strcmp(ports[p].mode, "read_only"))
				a->dir = PQ_DIR_IN;
			else if (!strcmp(ports[p].mode, "write_only"))
				a->dir = PQ_DIR_OUT;
			if (a->aq == PQ_AQ_STREAM)
				a->width = (uint32_t)ports[p].width;
		}
	}
	ret = md_instances(kn, k, err, errlen);
	if (ret)
		goto out;
	ret = -EINVAL;
	qsort(k->args, k->nargs, sizeof(*k->args), md_arg_cmp);
	for (size_t i = 1; i < k->nargs; i++) {
		if (k->args[i].id == k->args[i - 1].id) {
			pq_fail(err, errlen, "EMBEDDED_METADATA: kernel %s: two args have id %d",
				k->name, k->args[i].id);
			goto out;
		}
	}
	for (size_t i = 0; i < k->nargs; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(k->args[i].name, k->args[j].name)) {
				pq_fail(err, errlen,
					"EMBEDDED_METADATA: kernel %s: arg %s appears twice",
					k->name, k->args[i].name);
				goto out;
			}
		}
	}
	ret = 0;
out:
	for (size_t p = 0; p < nports; p++) {
		free(ports[p].name);
		free(ports[p].mode);
	}
	free(ports);
	return ret;
}

/* <pynqfs_fifo stream="dc_0" depth="64"/>: a stream's FIFO depth, as pynqfs-vpp links it. */
static int md_fifo(const xmlNode *n, struct pq_design *d, char *err, size_t errlen)
{
	char *stream = md_attr(n, "stream");
	uint64_t depth;
	int ret = -EINVAL;

	if (md_num(n, "depth", 0, 1u << 20, &depth) || !depth) {
		pq_fail(err, errlen, "EMBEDDED_METADATA: pynqfs_fifo %s: depth must be 1 to %u",
			stream ? stream : "?", 1u << 20);
		goto out;
	}
	for (size_t b = 0; stream && b < d->nbanks; b++) {
		if (d->banks[b].streaming && !strcmp(d->banks[b].tag, stream)) {
			d->banks[b].depth = (uint32_t)depth;
			ret = 0;
			goto out;
		}
	}
	pq_fail(err, errlen, "EMBEDDED_METADATA: pynqfs_fifo: no stream '%s' in MEM_TOPOLOGY",
		stream ? stream : "");
out:
	free(stream);
	return ret;
}

static int md_kernels(const xmlNode *core, struct pq_design *d, char *err, size_t errlen)
{
	int ret;

	for (const xmlNode *kn = core->children; kn; kn = kn->next) {
		struct pq_kernel *k;

		if (md_is(kn, "pynqfs_fifo") && (ret = md_fifo(kn, d, err, errlen)))
			return ret;
		if (!md_is(kn, "kernel"))
			continue;
		k = realloc(d->kernels, (d->nkernels + 1) * sizeof(*k));
		if (!k)
			return -ENOMEM;
		d->kernels = k;
		k = &d->kernels[d->nkernels++];
		memset(k, 0, sizeof(*k));
		ret = md_kernel(kn, k, err, errlen);
		if (ret)
			return ret;
		for (size_t i = 0; i + 1 < d->nkernels; i++) {
			if (!strcmp(d->kernels[i].name, k->name))
				return pq_fail(err, errlen,
					       "EMBEDDED_METADATA: kernel %s is described twice",
					       k->name);
		}
	}
	return 0;
}

/* libxml2 reports encoding errors through its generic handler; ours say it. */
static void md_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int pq_metadata_parse(const char *xml, size_t len, struct pq_design *d, char *err, size_t errlen)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root;
	int ret = -EINVAL;

	if (!xml)
		return pq_fail(err, errlen, "EMBEDDED_METADATA: missing");
	/* xclbinutil may pad the section with NULs. */
	len = strnlen(xml, len);
	if (len == 0)
		return pq_fail(err, errlen, "EMBEDDED_METADATA: empty");
	if (len > MD_MAX_XML)
		return pq_fail(err, errlen, "EMBEDDED_METADATA: %zu bytes is too large", len);
	if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8))
		return pq_fail(err, errlen,
			       "EMBEDDED_METADATA: declares a DTD or entities, which Vitis never "
			       "writes; refused");
	xmlSetGenericErrorFunc(NULL, md_silent); /* per thread in libxml2 */
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "EMBEDDED_METADATA", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);

		pq_fail(err, errlen, "EMBEDDED_METADATA: XML error at line %d: %s", e ? e->line : 0,
			e && e->message ? e->message : "unknown\n");
		/* libxml2 messages end in a newline; a log line must not. */
		if (err && errlen && *err && err[strlen(err) - 1] == '\n')
			err[strlen(err) - 1] = '\0';
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !md_is(root, "project")) {
		pq_fail(err, errlen, "EMBEDDED_METADATA: root element is not <project>");
		goto out;
	}
	d->project = md_attr(root, "name");
	for (const xmlNode *pl = root->children; pl; pl = pl->next) {
		if (!md_is(pl, "platform"))
			continue;
		for (const xmlNode *dev = pl->children; dev; dev = dev->next) {
			if (!md_is(dev, "device"))
				continue;
			for (const xmlNode *core = dev->children; core; core = core->next) {
				if (!md_is(core, "core"))
					continue;
				ret = md_kernels(core, d, err, errlen);
				if (ret)
					goto out;
			}
		}
	}
	ret = 0;
out:
	if (ret == -ENOMEM)
		pq_fail(err, errlen, "out of memory");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return ret;
}

/* ---- writer ---- */

#define MD_W(call)                                                                                 \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			goto out;                                                                  \
	} while (0)

static int md_attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)buf);
}

static int md_attrs(xmlTextWriterPtr w, const char *name, const char *v)
{
	return xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)(v ? v : ""));
}

static int md_start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, (const xmlChar *)name);
}

/* The control port, then one <port> per other distinct port among the args. */
static int md_write_ports(xmlTextWriterPtr w, const struct pq_kernel *k)
{
	if (md_start(w, "port") < 0 || md_attrs(w, "name", "s_axi_control") < 0 ||
	    md_attrs(w, "mode", "slave") < 0 || md_attrf(w, "range", "0x%X", k->reg_range) < 0 ||
	    md_attrs(w, "dataWidth", "32") < 0 || md_attrs(w, "portType", "addressable") < 0 ||
	    xmlTextWriterEndElement(w) < 0)
		return -1;
	for (size_t i = 0; i < k->nargs; i++) {
		const struct pq_arg *a = &k->args[i];
		bool seen = !strcasecmp(a->port, "s_axi_control");

		for (size_t j = 0; j < i; j++)
			seen |= !strcasecmp(k->args[j].port, a->port);
		if (seen)
			continue;
		if (md_start(w, "port") < 0 || md_attrs(w, "name", a->port) < 0)
			return -1;
		if (a->aq == PQ_AQ_STREAM) {
			if (md_attrs(w, "mode", a->dir == PQ_DIR_OUT ? "write_only" : "read_only") <
				    0 ||
			    md_attrs(w, "portType", "stream") < 0)
				return -1;
		} else {
			if (md_attrs(w, "mode", a->aq == PQ_AQ_SCALAR ? "slave" : "master") < 0 ||
			    md_attrs(w, "range", a->aq == PQ_AQ_SCALAR ? "0x0" : "0xFFFFFFFF") <
				    0 ||
			    md_attrs(w, "portType", "addressable") < 0)
				return -1;
		}
		if (md_attrf(w, "dataWidth", "%u",
			     a->aq == PQ_AQ_STREAM && a->width ? a->width : 32) < 0 ||
		    xmlTextWriterEndElement(w) < 0)
			return -1;
	}
	return 0;
}

int pq_metadata_write(const struct pq_design *d, char **xml, size_t *len)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = NULL;
	int ret = -ENOMEM;

	if (!buf)
		return -ENOMEM;
	w = xmlNewTextWriterMemory(buf, 0);
	if (!w)
		goto out;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
	MD_W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	MD_W(md_start(w, "project"));
	MD_W(md_attrs(w, "name", d->project ? d->project : "pynqfs"));
	MD_W(md_start(w, "platform"));
	MD_W(md_attrs(w, "vendor", "xilinx"));
	MD_W(md_attrs(w, "name", d->shell));
	MD_W(md_start(w, "device"));
	MD_W(md_attrs(w, "name", "fpga0"));
	MD_W(md_start(w, "core"));
	MD_W(md_attrs(w, "name", "OCL_REGION_0"));
	MD_W(md_attrs(w, "target", "hw"));
	MD_W(md_attrf(w, "numComputeUnits", "%zu", d->ncus));
	for (size_t i = 0; i < d->nkernels; i++) {
		const struct pq_kernel *k = &d->kernels[i];

		MD_W(md_start(w, "kernel"));
		MD_W(md_attrs(w, "name", k->name));
		MD_W(md_attrs(w, "language", "c"));
		if (k->vlnv)
			MD_W(md_attrs(w, "vlnv", k->vlnv));
		if (k->protocol)
			MD_W(md_attrs(w, "hwControlProtocol", k->protocol));
		MD_W(md_write_ports(w, k));
		for (size_t a = 0; a < k->nargs; a++) {
			const struct pq_arg *g = &k->args[a];

			MD_W(md_start(w, "arg"));
			MD_W(md_attrs(w, "name", g->name));
			MD_W(md_attrf(w, "addressQualifier", "%d", g->aq));
			MD_W(md_attrf(w, "id", "%d", g->id));
			MD_W(md_attrs(w, "port", g->port));
			MD_W(md_attrf(w, "size", "0x%X", g->size));
			MD_W(md_attrf(w, "offset", "0x%X", g->offset));
			MD_W(md_attrf(w, "hostOffset", "0x0"));
			MD_W(md_attrf(w, "hostSize", "0x%X", g->host_size));
			MD_W(md_attrs(w, "type", g->type));
			MD_W(xmlTextWriterEndElement(w));
		}
		for (size_t c = 0; c < d->ncus; c++) {
			if (d->cus[c].kernel != i)
				continue;
			MD_W(md_start(w, "instance"));
			MD_W(md_attrs(w, "name", d->cus[c].name));
			MD_W(md_start(w, "addrRemap"));
			MD_W(md_attrf(w, "base", "0x%llx", (unsigned long long)d->cus[c].base));
			MD_W(md_attrf(w, "range", "0x%X", k->reg_range));
			MD_W(md_attrs(w, "port", "s_axi_control"));
			MD_W(xmlTextWriterEndElement(w));
			MD_W(xmlTextWriterEndElement(w));
		}
		MD_W(xmlTextWriterEndElement(w));
	}
	for (size_t b = 0; b < d->nbanks; b++) {
		if (!d->banks[b].streaming || !d->banks[b].depth)
			continue;
		MD_W(md_start(w, "pynqfs_fifo"));
		MD_W(md_attrs(w, "stream", d->banks[b].tag));
		MD_W(md_attrf(w, "depth", "%u", d->banks[b].depth));
		MD_W(xmlTextWriterEndElement(w));
	}
	MD_W(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w);
	w = NULL;
	*len = (size_t)xmlBufferLength(buf);
	*xml = malloc(*len + 1);
	if (!*xml)
		goto out;
	memcpy(*xml, xmlBufferContent(buf), *len);
	(*xml)[*len] = '\0';
	ret = 0;
out:
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	return ret;
}
