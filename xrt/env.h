/* SPDX-License-Identifier: MIT */
/* The environment XRT needs before its first call (env.c), for backend.c. */
#ifndef PYNQFS_XRT_ENV_H
#define PYNQFS_XRT_ENV_H

#include <stdbool.h>
#include <stddef.h>

/* Prepare XRT's environment for one more user (the first prepares it). */
int xr_env_get(const char *emulation, char *why, size_t whylen);
/* One user fewer (what the first made stays until the process exits). */
void xr_env_put(void);
/* Is XILINX_XRT a directory pynqfs made? */
bool xr_env_private(void);

#endif
