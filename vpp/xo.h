/* SPDX-License-Identifier: MIT */
/*
 * pynqfs-vpp's .xo: an axlf container (so pynqfs-xclbin inspect reads it)
 * holding one kernel's EMBEDDED_METADATA and, as its BITSTREAM, the
 * kernel's x86-64 relocatable object. Not Vitis's .xo (a zip of RTL).
 */
#ifndef PYNQFS_VPP_XO_H
#define PYNQFS_VPP_XO_H

#include <stddef.h>
#include <stdint.h>

#include "design.h"

/*
 * Write k (taken: *k is emptied) and its object code as path. The code's
 * global definitions are made weak first (xo.c says why).
 */
int vpp_xo_write(const char *path, const char *platform, struct pq_kernel *k, uint8_t *obj,
		 size_t objlen, char *err, size_t errlen);
/* Read one: the design (its one kernel) and a malloc'd copy of the object. */
int vpp_xo_read(const char *path, struct pq_design **d, uint8_t **obj, size_t *objlen, char *err,
		size_t errlen);

#endif
