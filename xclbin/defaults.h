/* SPDX-License-Identifier: MIT */
/* What a design takes when its xclbin leaves parts out (Vitis sw_emu builds). */
#ifndef PYNQFS_DEFAULTS_H
#define PYNQFS_DEFAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "design.h"

/*
 * After parsing: with no IP_LAYOUT, the metadata's compute units; with no
 * MEM_TOPOLOGY, the banks of the shell's platform (-EINVAL, why in err,
 * for a platform not known); with no CONNECTIVITY, any bank for any arg
 * (as parsed already). d->defaults gets words for the log on what it took.
 */
int pq_design_defaults(struct pq_design *d, bool no_ips, bool no_mem, bool no_conn, char *err,
		       size_t errlen);

#endif
