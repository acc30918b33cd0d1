/* SPDX-License-Identifier: MIT */
/*
 * The memories of the Alveo and F1 platforms pynqfs knows by name: what a
 * design takes when its xclbin has no MEM_TOPOLOGY, and what pynqfs-vpp
 * links against.
 */
#ifndef PYNQFS_PLATFORMS_H
#define PYNQFS_PLATFORMS_H

#include <stddef.h>

#include "design.h"

/*
 * Give d (with no banks yet) the memories of the platform its shell names
 * (matched by prefix: "xilinx_u250_..."), in MEM_TOPOLOGY order: HBM, then
 * DDR, then PLRAM. what says which ("the memories of ... (4 x 16 GiB
 * DDR4)"), or why none: -ENOENT for a platform not known.
 */
int pq_platform_banks(struct pq_design *d, char *what, size_t whatlen);

/* The platforms known, one prefix a line, for messages: "xilinx_u200_, ...". */
const char *pq_platform_names(void);

#endif
