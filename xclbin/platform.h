/* SPDX-License-Identifier: MIT */
/* The memories of known platforms, for xclbins with no MEM_TOPOLOGY. */
#ifndef PYNQFS_PLATFORM_H
#define PYNQFS_PLATFORM_H

#include <stddef.h>

#include "design.h"

/*
 * Fill d's banks with those of its shell's platform (d->banks empty);
 * what says which, or why none (-ENOENT: a platform not in the table).
 */
int pq_platform_banks(struct pq_design *d, char *what, size_t whatlen);

#endif
