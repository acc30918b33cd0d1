/* SPDX-License-Identifier: MIT */
/* Design descriptions (libconfig) for pynqfs-xclbin pack. */
#ifndef PYNQFS_DESCRIBE_H
#define PYNQFS_DESCRIBE_H

#include "xclbin.h"

/*
 * Load a design description into the model the parser would produce for
 * its xclbin. Errors name file, line and reason in err.
 */
int pq_describe_load(const char *file, struct pq_design **out, char *err, size_t errlen);

#endif
