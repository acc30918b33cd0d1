/* SPDX-License-Identifier: MIT */
/* The simulated card: a backend (core/backend.h) for a card with no hardware. */
#ifndef PYNQFS_SIM_BACKEND_H
#define PYNQFS_SIM_BACKEND_H

#include "backend.h"

extern const struct pq_backend_ops pq_sim_ops;

#endif
