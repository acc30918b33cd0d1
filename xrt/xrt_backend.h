/* SPDX-License-Identifier: MIT */
/* Real cards through XRT: a backend (core/backend.h) over libxrt_coreutil. */
#ifndef PYNQFS_XRT_BACKEND_H
#define PYNQFS_XRT_BACKEND_H

#include "backend.h"

extern const struct pq_backend_ops pq_xrt_ops;

#endif
