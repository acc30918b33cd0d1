/* SPDX-License-Identifier: MIT */
/*
 * The top function of a Vitis HLS source, read with libclang: its
 * arguments and the #pragma HLS INTERFACE lines that make them ports, as a
 * kernel of the design model (xclbin/design.h).
 */
#ifndef PYNQFS_VPP_HLS_H
#define PYNQFS_VPP_HLS_H

#include <stddef.h>

#include "design.h"

/*
 * Read the kernel top from src, parsed as the compiler will build it (argv:
 * the -I, -D and -std flags). Fills k (names, types, ports, register
 * offsets as Vitis lays them, stream widths as the HLS headers carry them,
 * hwControlProtocol) and *symbol, the function's linkage name (malloc'd:
 * top itself, or its C++ mangling). -EINVAL with "FILE:LINE: why" in err.
 */
int vpp_hls_read(const char *src, const char *top, const char *const *argv, int argc,
		 struct pq_kernel *k, char **symbol, char *err, size_t errlen);

#endif
