/* SPDX-License-Identifier: MIT */
/* A platform's memories as pynqfs-vpp's sp= names them. */
#ifndef PYNQFS_VPP_MEMORIES_H
#define PYNQFS_VPP_MEMORIES_H

#include <stddef.h>

#include "design.h"

/* "bank0..bank3, PLRAM[0]..PLRAM[2]": d's memories, a run of each type. */
void vpp_memories_list(const struct pq_design *d, char *buf, size_t len);
/*
 * BANK, NAME[I] or NAME[I:J] -> d's banks first..last (side by side), or
 * -EINVAL with why (naming the memories d has).
 */
int vpp_memories_find(const struct pq_design *d, const char *spec, int *first, int *last, char *why,
		      size_t whylen);

#endif
