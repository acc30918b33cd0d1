// SPDX-License-Identifier: MIT
/*
 * --platform: a name (xilinx_u250_gen3x16_xdma_4_1_202210_1), or the path
 * of an installed platform's .xpfm, whose root element states the name.
 */
#define _GNU_SOURCE
#include "vpp.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "design.h"

/* The name an .xpfm states (<sdx:platform sdx:name="...">), or its file's basename. */
static void pl_xpfm(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	xmlDocPtr doc =
		xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlChar *name = NULL;

	for (xmlAttrPtr a = root ? root->properties : NULL; a && !name; a = a->next) {
		if (!strcmp((const char *)a->name, "name"))
			name = xmlNodeGetContent((xmlNodePtr)a);
	}
	if (name && *name)
		snprintf(buf, len, "%s", (const char *)name);
	else
		snprintf(buf, len, "%.*s", (int)(strlen(base) - 5), base);
	xmlFree(name);
	xmlFreeDoc(doc);
}

int vpp_platform_name(const struct vpp_opts *o, char *buf, size_t len, char *err, size_t errlen)
{
	const char *p = o->platform ? o->platform : vpp_cfg_get(&o->cfg, "", "platform");
	size_t n = p ? strlen(p) : 0;

	if (!n) {
		snprintf(err, errlen,
			 "--platform names the platform (xilinx_u250_gen3x16_xdma_4_1_"
			 "202210_1, or its .xpfm)");
		return -EINVAL;
	}
	if (n > 5 && !strcmp(p + n - 5, ".xpfm"))
		pl_xpfm(p, buf, len);
	else
		snprintf(buf, len, "%s", p);
	if (strlen(buf) > AXLF_VBNV_LEN) {
		snprintf(err, errlen, "--platform %s: a platform name is %d characters at most",
			 buf, AXLF_VBNV_LEN);
		return -EINVAL;
	}
	return 0;
}
