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

/*
 * The bank a memory port no sp= connects goes to: the platform's default
 * (the U200's bank1), else its first DDR bank, else its first HBM bank; -1
 * for no bank at all.
 */
int pq_platform_default_bank(const struct pq_design *d);

/* The platforms known, one prefix a line, for messages: "xilinx_u200_, ...". */
const char *pq_platform_names(void);

#endif
