/* SPDX-License-Identifier: MIT */
/* EMBEDDED_METADATA: the xclbin's XML description of kernels and args. */
#ifndef PYNQFS_METADATA_H
#define PYNQFS_METADATA_H

#include "xclbin.h"

/*
 * Fill d->project and d->kernels from the XML. No network, no DTD, no
 * entities: a document that declares any is refused before libxml2 sees it.
 */
int pq_metadata_parse(const char *xml, size_t len, struct pq_design *d, char *err, size_t errlen);

/* The XML for d's kernels and CUs, malloc'd, NUL-terminated. */
int pq_metadata_write(const struct pq_design *d, char **xml, size_t *len);

#endif
